/*
 * sheet_int.h - internals shared by sheet.c (workbook, cells, formats) and
 * sheet_table.c (typed tables, the summary sheet). Not for other modules.
 */
#ifndef CHISO_SHEET_INT_H
#define CHISO_SHEET_INT_H

#include "chiso_sheet.h"

#include <xlsxwriter.h>

/* Fitted column widths are clamped to [SHEET_WIDTH_MIN, SHEET_WIDTH_MAX]
 * Excel units; text wider than the maximum wraps (table layer). */
#define SHEET_WIDTH_MIN 6.0
#define SHEET_WIDTH_MAX 60.0
/* Header text counts at most this wide when fitting (it wraps). */
#define SHEET_HEADER_WIDTH_MAX 24.0

/* Excel's limits. */
#define SHEET_MAX_ROWS   1048576u
#define SHEET_MAX_COLS   16384u
#define SHEET_MAX_STRING 32767u

struct chiso_sheet {
    chiso_sheet_book *book;
    lxw_worksheet *ws;
    char *name;
    double *fit;   /* widest content per column (display columns) */
    double *fixed; /* fixed width per column, 0 = fit */
    size_t n_widths;
    /* table layer (is_table) */
    int is_table;
    chiso_sheet_column *cols;
    size_t n_cols;
    uint32_t header_row; /* row of the header */
    uint32_t cur_row;    /* row being filled */
    size_t cur_col;      /* next column of cur_row; 0 = row not started */
    uint32_t n_rows;     /* data rows started */
    struct chiso_sheet *next;
};

struct chiso_sheet_book {
    lxw_workbook *wb;
    char *scratch; /* the file libxlsxwriter writes at close */
    chiso_lang lang;
    chiso_sheet *first, *last;
    size_t n_sheets;
    struct sheet_fmt {
        unsigned key;
        lxw_format *fmt;
    } * fmts;
    size_t n_fmts, cap_fmts;
    chiso_diag err; /* the first error, kept */
    int closed;
};

/* Record the first error of the workbook (message translated) and return
 * code. */
chiso_status chiso_sheet__fail(chiso_sheet_book *book,
                               chiso_status code,
                               const char *fmt,
                               ...) CHISO_PRINTF(3, 4);
/* "B7" for row 6, column 1 (0-based) into buf (>= 16 bytes). */
void chiso_sheet__cellref(uint32_t row, uint16_t col, char *buf, size_t cap);
/* Remember that column col shows content `width` display columns wide. */
chiso_status chiso_sheet__fit(chiso_sheet *sheet, uint16_t col, double width);
/* Display width of a number as shown by the format of kind/decimals. */
double chiso_sheet__number_width(double value,
                                 chiso_sheet_kind kind,
                                 int decimals,
                                 unsigned style);
/* Widest line of UTF-8 text, in display columns. */
double chiso_sheet__text_width(const char *text);
/* Table sheets: autofilter over the rows written, widths of the header
 * (sheet_table.c; called by chiso_sheet_book_write). */
chiso_status chiso_sheet__table_finish(chiso_sheet *sheet);

#endif /* CHISO_SHEET_INT_H */

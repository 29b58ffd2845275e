/*
 * workbook_int.h - internals of chiso_workbook shared by its files:
 * workbook.c (format-independent part: sheets, selection, rows, merges,
 * positions), cells.c (numbers, dates, number formats, escapes), xlsx.c
 * (libzip + expat) and xls.c (libfreexl). Not for other modules.
 *
 * A row is assembled in wb->cells (dense, column k+1 at index k). Text of
 * shared strings points straight into the shared-strings buffer; other
 * text is written into wb->rowtext and its offset kept in wb->text_off
 * until the row is complete, because the buffer may move while it grows.
 */
#ifndef CHISO_WORKBOOK_INT_H
#define CHISO_WORKBOOK_INT_H

#include "chiso_workbook.h"

#include <stdint.h>

typedef struct wb_sheet {
    char *name;
    char *part; /* xlsx: zip entry of the sheet; NULL for .xls */
    int hidden; /* 0 visible, 1 hidden, 2 very hidden */
    int chart;  /* chart or dialog sheet: no cells */
} wb_sheet;

/* Date classes of a number format. */
enum {
    WB_FMT_NUMBER = 0,
    WB_FMT_DATE = 1,
    WB_FMT_DATETIME = 2,
    WB_FMT_TIME = 3
};

typedef struct wb_merge {
    chiso_workbook_range r;
    /* value of the top-left cell, kept while filling */
    int have;
    chiso_cell_kind kind;
    unsigned flags;
    double number;
    char *text;
    size_t len;
} wb_merge;

struct wb_xlsx;
struct wb_xls;
struct wb_markup;

struct chiso_workbook {
    int format; /* CHISO_WORKBOOK_XLSX / _XLS */
    char *path;
    int date1904;
    wb_sheet *sheets;
    size_t n_sheets;
    size_t selected; /* (size_t)-1: none */

    /* the row being assembled / returned */
    chiso_cell *cells;
    size_t *text_off; /* offset in rowtext, or (size_t)-1 */
    size_t cells_len; /* initialised cells (dense) */
    size_t cells_cap;
    size_t n_nonempty; /* last non-empty column */
    chiso_buf rowtext;
    uint32_t row_num;
    int pending;         /* a row is assembled and not yet returned */
    chiso_status sticky; /* error that ends the sheet */
    chiso_diag sticky_diag;

    /* merges of the selected sheet */
    wb_merge *merges;
    size_t n_merges;
    int merges_known; /* list complete */
    int fill_merged;
    size_t merge_next; /* first merge not yet active (sorted by row) */
    chiso_workbook_range *ranges; /* view for chiso_workbook_merges */

    struct wb_xlsx *x;
    struct wb_xls *xl;
    struct wb_markup *mk;
};

/* ---- workbook.c ------------------------------------------------------ */

/* Start a new row (clears the cells). */
void chiso_workbook__row_begin(chiso_workbook *wb, uint32_t row);
/* The cell at 1-based column col, made EMPTY (grows the dense array). */
chiso_status
chiso_workbook__cell_at(chiso_workbook *wb, uint32_t col, chiso_cell **cell);
/* Mark a cell as holding a value (updates n_nonempty). */
void chiso_workbook__cell_done(chiso_workbook *wb, uint32_t col);
/* Append text for the cell at col into rowtext (NUL added); sets len and
 * the pending offset. */
chiso_status chiso_workbook__cell_text(chiso_workbook *wb,
                                       uint32_t col,
                                       const char *s,
                                       size_t len);
/* Finish the row: fix text pointers, fill merges. Returns 1 when the row
 * holds a value, 0 when it is empty. */
int chiso_workbook__row_end(chiso_workbook *wb);
/* Record a merged range (dedups against known ones). */
chiso_status chiso_workbook__add_merge(chiso_workbook *wb,
                                       const chiso_workbook_range *r);
/* Sort merges and mark the list complete. */
void chiso_workbook__merges_done(chiso_workbook *wb);
/* Report an error at a cell of the selected sheet (col/row 0 as in
 * chiso_workbook_position); first error wins; returns code. */
chiso_status chiso_workbook__error(chiso_workbook *wb,
                                   chiso_diag *diag,
                                   chiso_status code,
                                   uint32_t col,
                                   uint32_t row,
                                   const char *fmt,
                                   ...) CHISO_PRINTF(6, 7);

/* ---- cells.c ------------------------------------------------------------ */

/* Static texts of fixed cells. */
extern const char chiso_workbook__empty[];

/*
 * Parse a number written in a cell's XML (optional sign, digits, '.',
 * exponent; surrounding spaces allowed). On success stores the value and
 * the shortest round-trip text (NUL-terminated, at most 40 bytes incl.
 * NUL) in out, its length in *out_len, and returns 1; 0 if not a number.
 * With out NULL no text is made, and a value of 16 to 19 significant
 * digits may be off by one unit in the last place (for date serials).
 */
int chiso_workbook__parse_number(
    const char *s, size_t len, double *value, char *out, size_t *out_len);

/* Shortest round-trip text of x, as in chiso_cell (out >= 40 bytes). */
size_t chiso_workbook__format_number(double x, char *out);

/*
 * Text of a date serial (1900 system) for a format class (WB_FMT_*), into
 * out (>= 24 bytes). Returns the length, or 0 when the serial is not a
 * date for that format (then the cell stays a number).
 */
size_t chiso_workbook__format_serial(double serial, int fmt, char *out);

/* Serial (1900 system) of a civil date and time; -1 when invalid. The
 * fictitious 1900-02-29 is serial 60. */
double chiso_workbook__serial(int y, int m, int d, int hh, int mi, double ss);

/* Parse "yyyy-mm-dd", "yyyy-mm-ddThh:mm:ss[.fff][Z|+hh:mm]",
 * "yyyy-mm-dd hh:mm:ss" or "hh:mm:ss" into a serial and a format class.
 * Returns 1 on success. */
int
chiso_workbook__parse_iso(const char *s, size_t len, double *serial, int *fmt);

/* Class of a number format: built-in id (code NULL) or format code. */
int chiso_workbook__builtin_class(unsigned id);
int chiso_workbook__format_class(const char *code);

/* Decode "_xHHHH_" escapes in place; returns the new length. */
size_t chiso_workbook__unescape(char *s, size_t len);

/* Column letters -> 1-based number; parses "B7" into col 2, row 7.
 * Returns 1 when s is a valid reference (row may be absent: row 0). */
int chiso_workbook__parse_ref(const char *s, uint32_t *col, uint32_t *row);

/* ---- xlsx.c ----------------------------------------------------------- */

chiso_status chiso_workbook__xlsx_open(chiso_workbook *wb,
                                       const void *data,
                                       size_t len,
                                       chiso_diag *diag);
chiso_status
chiso_workbook__xlsx_select(chiso_workbook *wb, size_t i, chiso_diag *diag);
/* Assemble the next row in wb->cells: CHISO_OK (row ready), CHISO_DONE. */
chiso_status chiso_workbook__xlsx_next(chiso_workbook *wb, chiso_diag *diag);
/* Read the merges of the selected sheet (second pass over its part). */
chiso_status chiso_workbook__xlsx_merges(chiso_workbook *wb, chiso_diag *diag);
void chiso_workbook__xlsx_free(chiso_workbook *wb);

/* ---- xls.c -------------------------------------------------------------- */

chiso_status chiso_workbook__xls_open(chiso_workbook *wb,
                                      const char *file,
                                      chiso_diag *diag);
chiso_status
chiso_workbook__xls_select(chiso_workbook *wb, size_t i, chiso_diag *diag);
chiso_status chiso_workbook__xls_next(chiso_workbook *wb, chiso_diag *diag);
void chiso_workbook__xls_free(chiso_workbook *wb);

/* ---- markup.c ------------------------------------------------------------ */

/* CHISO_WORKBOOK_HTML / _XML2003 when head (up to 1024 bytes) starts like
 * a web page with a table or an Excel 2003 XML spreadsheet, else 0. */
int chiso_workbook__markup_kind(const void *head, size_t len);
/* Parse the whole file (wb->format set); the bytes may be freed after. */
chiso_status chiso_workbook__markup_open(chiso_workbook *wb,
                                         const void *data,
                                         size_t len,
                                         chiso_diag *diag);
chiso_status
chiso_workbook__markup_select(chiso_workbook *wb, size_t i, chiso_diag *diag);
chiso_status chiso_workbook__markup_next(chiso_workbook *wb, chiso_diag *diag);
void chiso_workbook__markup_free(chiso_workbook *wb);

#endif

/*
 * chiso_sheet.h - Excel workbooks (.xlsx) chiso writes: typed tables, a
 * summary sheet of key figures, and what a fill-in form needs.
 *
 * A thin, typed layer over libxlsxwriter. Three levels, from the easiest:
 *
 *   1. chiso_sheet_add_summary(): a sheet of key figures (label, value,
 *      unit, source), each value typed;
 *   2. chiso_sheet_add_table() + chiso_sheet_put_*(): a sheet holding one
 *      table, filled row by row; the header row is frozen, an autofilter
 *      covers the table and the columns get widths that fit the content;
 *   3. chiso_sheet_add() + the addressed cell functions: any layout
 *      (titles merged over several columns, formulas with cached values,
 *      data validation, protection with unlocked input cells, notes).
 *
 * Numbers are stored as numbers, with format codes written the way the file
 * format wants them: "#,##0.00" means "group thousands, two decimals" and
 * Excel or LibreOffice show it with the separators of the user's regional
 * settings (1.234,56 with Vietnamese settings, 1,234.56 with English ones).
 * Percentages are real fractions (0.8123 shown as 81,23 %); dates are dates
 * (dd/mm/yyyy). A missing number is an empty cell, never 0.
 *
 * Output is atomic (a temporary file beside the destination, renamed into
 * place) and deterministic: the workbook's creation time is fixed (options)
 * and libxlsxwriter stamps every zip entry 1980-01-01, so the same calls
 * give the same bytes.
 *
 * Errors: every function returns a chiso_status. The first error is also
 * kept by the workbook, so a caller may write many cells and check only
 * the result of chiso_sheet_book_write(), which then fails with that first
 * error and writes nothing. Arguments are checked before they reach
 * libxlsxwriter, which would otherwise print warnings on standard error.
 *
 * Rows and columns are 0-based in this API (row 0 is Excel's row 1, column
 * 0 is column A); messages name cells the Excel way ("Tiêu chí!B7").
 */
#ifndef CHISO_SHEET_H
#define CHISO_SHEET_H

#include "chiso_util.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A workbook being built, and one of its sheets (owned by the workbook). */
typedef struct chiso_sheet_book chiso_sheet_book;
typedef struct chiso_sheet chiso_sheet;

/* How a cell's value is stored and shown. */
typedef enum chiso_sheet_kind {
    CHISO_SHEET_TEXT = 0, /* text; number format "@" (typed input stays
                             text: "1.1" is not turned into a date) */
    CHISO_SHEET_INTEGER,  /* whole number, thousands grouped: #,##0 */
    CHISO_SHEET_NUMBER,   /* number with `decimals` places: #,##0.00 */
    CHISO_SHEET_PERCENT,  /* percentage: the API takes percent points
                             (81.23, as chiso's *_pct values) and stores
                             the fraction 0.8123 with format 0.00% */
    CHISO_SHEET_DATE      /* date, dd/mm/yyyy */
} chiso_sheet_kind;

/* Cell styles, OR-ed together. */
#define CHISO_SHEET_BOLD    0x0001u
#define CHISO_SHEET_ITALIC  0x0002u
#define CHISO_SHEET_WRAP    0x0004u /* wrap long text, align top */
#define CHISO_SHEET_BORDER  0x0008u /* thin border on every side */
#define CHISO_SHEET_CENTER  0x0010u
#define CHISO_SHEET_HEADER  0x0020u /* bold, grey, bordered, centred, wrapped */
#define CHISO_SHEET_TITLE   0x0040u /* bold 14 pt, centred */
#define CHISO_SHEET_INPUT   0x0080u /* unlocked + pale yellow: to be filled */
#define CHISO_SHEET_DERIVED 0x0100u /* pale blue: pre-filled by chiso */
#define CHISO_SHEET_PLAIN   0x0200u /* numbers without thousands grouping */
/* Indent level 1..3 of the cell's text (tree rows). */
#define CHISO_SHEET_INDENT(n) ((((unsigned)(n)) & 3u) << 12)

/* Workbook options. Zero-initialise, or use CHISO_SHEET_BOOK_OPTIONS_INIT. */
typedef struct chiso_sheet_book_options {
    chiso_lang lang;   /* labels the library writes (summary headers,
                            validation messages) and messages */
    const char *title; /* document properties; NULL = none */
    const char *subject;
    const char *author; /* NULL = none */
    time_t created;     /* creation time stored in docProps/core.xml;
                            0 = 2000-01-01T00:00:00Z (files are identical
                            between runs). Pass SOURCE_DATE_EPOCH here if
                            the caller honours it. */
} chiso_sheet_book_options;

#define CHISO_SHEET_BOOK_OPTIONS_INIT                                          \
    {                                                                          \
        CHISO_LANG_VI, NULL, NULL, NULL, 0                                     \
    }

/*
 * A new, empty workbook. opts may be NULL (Vietnamese, no properties).
 * The caller owns *out and releases it with chiso_sheet_book_free().
 * Returns CHISO_ENOMEM or CHISO_EIO (libxlsxwriter's scratch file).
 */
chiso_status chiso_sheet_book_new(chiso_sheet_book **out,
                                  const chiso_sheet_book_options *opts,
                                  chiso_diag *diag);

/*
 * Write the workbook to path ("-" = standard output) atomically and
 * finish it: after this call (success or not) only chiso_sheet_book_free()
 * may be called. If any earlier call failed, returns that first error and
 * writes nothing. A workbook needs at least one sheet (else CHISO_EINVAL).
 */
chiso_status chiso_sheet_book_write(chiso_sheet_book *book,
                                    const char *path,
                                    chiso_diag *diag);

/*
 * The workbook's bytes, finished as chiso_sheet_book_write does (after
 * this call only chiso_sheet_book_free() may be called). On success the
 * caller owns *out (free()); for callers that write through their own
 * output (the CLI's checked, atomic outputs).
 */
chiso_status chiso_sheet_book_to_memory(chiso_sheet_book *book,
                                        char **out,
                                        size_t *len,
                                        chiso_diag *diag);

/* Release the workbook and its sheets. NULL is allowed. */
void chiso_sheet_book_free(chiso_sheet_book *book);

/* The first error recorded by the workbook (CHISO_OK if none), with its
 * message in *diag when diag is not NULL. */
chiso_status chiso_sheet_book_error(const chiso_sheet_book *book,
                                    chiso_diag *diag);

/*
 * A sheet name Excel accepts, from any UTF-8 text: the characters
 * [ ] : * ? / \ and control characters become '_', leading and trailing
 * spaces and apostrophes are dropped, the name is cut to 31 characters
 * (at a character boundary), and an empty result becomes "Sheet". Writes
 * at most cap-1 bytes plus NUL (cap >= 128 always holds a full name).
 * Returns the length written. Uniqueness is chiso_sheet_add's business.
 */
size_t chiso_sheet_name_sanitize(const char *name, char *out, size_t cap);

/* ---- sheets ------------------------------------------------------------ */

/*
 * Add an empty sheet. The name is sanitised (chiso_sheet_name_sanitize)
 * and made unique within the workbook, ignoring case as Excel does
 * ("Bảng", "Bảng (2)", ...). *out is owned by the workbook.
 */
chiso_status
chiso_sheet_add(chiso_sheet_book *book, const char *name, chiso_sheet **out);

/* The sheet's final (sanitised, unique) name. Borrowed. */
const char *chiso_sheet_name(const chiso_sheet *sheet);

/*
 * Addressed cells. `decimals` (0..10) applies to NUMBER and PERCENT;
 * `style` is a set of CHISO_SHEET_* flags. A text cell takes kind TEXT
 * implicitly. NaN or an infinity written as a number leaves the cell empty
 * (formatted), never 0. Text must be valid UTF-8 of at most 32767
 * characters (CHISO_EDATA otherwise); control characters other than tab
 * and line feed are refused too.
 */
chiso_status chiso_sheet_text(chiso_sheet *sheet,
                              uint32_t row,
                              uint16_t col,
                              const char *text,
                              unsigned style);
chiso_status chiso_sheet_number(chiso_sheet *sheet,
                                uint32_t row,
                                uint16_t col,
                                double value,
                                chiso_sheet_kind kind,
                                int decimals,
                                unsigned style);
/* A date (kind DATE): year 1900..9999, a real calendar day. */
chiso_status chiso_sheet_date(chiso_sheet *sheet,
                              uint32_t row,
                              uint16_t col,
                              int year,
                              int month,
                              int day,
                              unsigned style);
/* An empty cell with a format (input cells of a form). */
chiso_status chiso_sheet_blank(chiso_sheet *sheet,
                               uint32_t row,
                               uint16_t col,
                               chiso_sheet_kind kind,
                               int decimals,
                               unsigned style);
/*
 * A formula, written in Excel's English syntax with ',' between arguments
 * ("=SUM(E5:E9)"); Excel shows it in the user's language. `cached` is the
 * value shown until the program recalculates (LibreOffice and Excel do on
 * opening; viewers that do not calculate show it): pass the value chiso
 * computed, or NaN for none (then 0 is cached, which is why callers should
 * pass the real value).
 */
chiso_status chiso_sheet_formula(chiso_sheet *sheet,
                                 uint32_t row,
                                 uint16_t col,
                                 const char *formula,
                                 double cached,
                                 chiso_sheet_kind kind,
                                 int decimals,
                                 unsigned style);
/* Text merged over rows r1..r2, columns c1..c2 (a title row). */
chiso_status chiso_sheet_merge(chiso_sheet *sheet,
                               uint32_t r1,
                               uint16_t c1,
                               uint32_t r2,
                               uint16_t c2,
                               const char *text,
                               unsigned style);
/* A note (comment) on a cell, shown on hover; author "chiso". */
chiso_status chiso_sheet_note(chiso_sheet *sheet,
                              uint32_t row,
                              uint16_t col,
                              const char *text);

/*
 * Data validation on rows r1..r2, columns c1..c2: a number between min and
 * max (whole numbers only when `whole`); what the user sees when typing
 * outside is `message` (NULL = a message in the workbook's language naming
 * the bounds). Messages are at most 255 characters.
 */
chiso_status chiso_sheet_validate_number(chiso_sheet *sheet,
                                         uint32_t r1,
                                         uint16_t c1,
                                         uint32_t r2,
                                         uint16_t c2,
                                         double min,
                                         double max,
                                         int whole,
                                         const char *message);
/*
 * Data validation from a list shown as a drop-down ("có", "không").
 * items: n strings; their total length (with separators) at most 255
 * characters and none contains ','.
 */
chiso_status chiso_sheet_validate_list(chiso_sheet *sheet,
                                       uint32_t r1,
                                       uint16_t c1,
                                       uint32_t r2,
                                       uint16_t c2,
                                       const char *const *items,
                                       size_t n,
                                       const char *message);

/*
 * Protect the sheet's structure: cells are locked except those written
 * with CHISO_SHEET_INPUT; users may still select cells, resize columns and
 * rows, sort and use the autofilter. No password: this prevents accidents,
 * it is not security.
 */
chiso_status chiso_sheet_protect(chiso_sheet *sheet);

/* Fixed width of column col in Excel's units (characters of the default
 * font), 1..255; overrides the fitted width. */
chiso_status
chiso_sheet_column_width(chiso_sheet *sheet, uint16_t col, double width);
/* Outline level 1..7 of a row (grouped rows of a tree); 0 = none. */
chiso_status
chiso_sheet_row_level(chiso_sheet *sheet, uint32_t row, unsigned level);
/* Freeze the rows above `row` and the columns left of `col`. */
chiso_status chiso_sheet_freeze(chiso_sheet *sheet, uint32_t row, uint16_t col);
/* An autofilter over rows r1..r2 (r1 = header row), columns c1..c2. */
chiso_status chiso_sheet_autofilter(
    chiso_sheet *sheet, uint32_t r1, uint16_t c1, uint32_t r2, uint16_t c2);
/* Print setup: A4, landscape or portrait, fit to the page width, rows
 * 0..repeat_rows-1 repeated on every page (0 = none). */
chiso_status chiso_sheet_print_setup(chiso_sheet *sheet,
                                     int landscape,
                                     uint32_t repeat_rows);

/*
 * Columns get widths that fit what was written (display width of the
 * UTF-8 text, numbers as shown), between 6 and 60; text wider than 60 is
 * wrapped by the table layer. chiso_sheet_column_width() overrides.
 */

/* ---- typed tables -------------------------------------------------------- */

/* A column of a table. */
typedef struct chiso_sheet_column {
    const char *header;    /* header text (copied) */
    chiso_sheet_kind kind; /* how the column's numbers are shown */
    int decimals;          /* NUMBER and PERCENT: 0..10 */
    double width;          /* 0 = fit the content */
} chiso_sheet_column;

/*
 * Add a sheet holding one table: an optional title row merged over the
 * table's width (title NULL = none), the header row (frozen, autofilter,
 * repeated on every printed page; A4, one page wide, landscape above six
 * columns), then rows filled with chiso_sheet_put_*() from left to right;
 * a row is complete when its last column is filled (or
 * chiso_sheet_end_row()).
 * cols is copied. *out is owned by the workbook (out may be NULL).
 */
chiso_status chiso_sheet_add_table(chiso_sheet_book *book,
                                   const char *name,
                                   const char *title,
                                   const chiso_sheet_column *cols,
                                   size_t n_cols,
                                   chiso_sheet **out);

/* The next cell of the current row: text (any column). */
chiso_status chiso_sheet_put_text(chiso_sheet *sheet, const char *text);
/* A number in the column's kind (INTEGER, NUMBER, PERCENT in percent
 * points); NaN = no data (empty cell). A TEXT or DATE column refuses it
 * (CHISO_EINVAL). */
chiso_status chiso_sheet_put_number(chiso_sheet *sheet, double value);
/* A date "YYYY-MM-DD" (or "YYYY-MM-DD HH:MM:SS", time ignored) in a DATE
 * column; NULL or "" = empty cell; anything else CHISO_EDATA. */
chiso_status chiso_sheet_put_date(chiso_sheet *sheet, const char *iso);
/* An empty cell (no data). */
chiso_status chiso_sheet_put_missing(chiso_sheet *sheet);
/* End the current row early (remaining cells empty). */
chiso_status chiso_sheet_end_row(chiso_sheet *sheet);
/* Number of data rows written so far (complete or started). */
uint32_t chiso_sheet_table_rows(const chiso_sheet *sheet);

/* ---- summary sheet --------------------------------------------------------- */

/* One key figure of a summary sheet. */
typedef struct chiso_sheet_figure {
    const char *label;     /* "Chỉ số CCHC" */
    chiso_sheet_kind kind; /* INTEGER, NUMBER, PERCENT (percent points) or
                              TEXT */
    double value;          /* NaN = no data: the cell says so in words */
    int decimals;
    const char *text;   /* the value for TEXT figures */
    const char *unit;   /* "điểm", "%", "hồ sơ"; NULL = none */
    const char *source; /* where the number comes from; NULL = none */
} chiso_sheet_figure;

/*
 * Add a summary sheet: an optional title row, a header row (label, value,
 * unit, source in the workbook's language), one row per figure. A figure
 * without data says "không có số liệu" ("no data") in its value cell.
 */
chiso_status chiso_sheet_add_summary(chiso_sheet_book *book,
                                     const char *name,
                                     const char *title,
                                     const chiso_sheet_figure *figs,
                                     size_t n,
                                     chiso_sheet **out);

#ifdef __cplusplus
}
#endif

#endif /* CHISO_SHEET_H */

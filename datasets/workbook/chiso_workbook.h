/*
 * chiso_workbook.h - read the rows of a spreadsheet: .xlsx and legacy .xls.
 *
 * Offices keep their dossier logs, task registers and self-assessment
 * sheets in Excel. This module turns one sheet of a workbook into a stream
 * of rows of typed cells, so the table readers of chiso can treat a
 * workbook like a CSV file: same rows, same checks, positions in messages.
 *
 *   - .xlsx (Office Open XML, transitional and strict) from any writer:
 *     Excel, LibreOffice, openpyxl, xlsxwriter, .NET libraries. The zip is
 *     read with libzip and the XML with expat; the sheet is STREAMED, so
 *     memory does not grow with the number of rows. Only the shared-strings
 *     table (one copy of every distinct text) is held, compactly.
 *   - .xls (BIFF2..BIFF8, Excel 97-2003) through libfreexl, run in a child
 *     process so that a crafted file cannot crash the caller; the decoded
 *     cells are held in memory (an .xls has at most 65,536 x 256 cells).
 *
 * Typical use:
 *
 *     chiso_workbook *wb;
 *     chiso_workbook_row row;
 *     if (chiso_workbook_open(&wb, path, &diag) != CHISO_OK) ...
 *     if (chiso_workbook_select(wb, sheet_or_NULL, &diag) != CHISO_OK) ...
 *     while ((st = chiso_workbook_next_row(wb, &row, &diag)) == CHISO_OK) {
 *         for (k = 0; k < row.n; k++) use(row.cells[k]);  // column k + 1
 *     }
 *     if (st != CHISO_DONE) ... error in diag ...
 *     chiso_workbook_free(wb);
 *
 * Positions. Problems are reported the way a person finds them in Excel:
 * diag->path is "FILE:SHEET!CELL", e.g. "dossiers.xlsx:Hồ sơ!G17", with
 * diag->line and diag->column 0, so the CLI prints
 * "chiso: dossiers.xlsx:Hồ sơ!G17: message". A problem of a whole row is
 * "FILE:SHEET!17:17" (Excel's notation for row 17), of a whole sheet
 * "FILE:SHEET", of the file "FILE". The sheet name is written as it is,
 * unquoted. chiso_workbook_position() builds the same text for callers.
 *
 * Limits (a larger or stranger file is refused with a clear message, never
 * a crash): see CHISO_WORKBOOK_MAX_* below and docs/workbooks.md.
 *
 * Threads and processes: while a sheet part above 1 MiB is read, one extra
 * thread inflates it (joined by the next select, or by free); opening an
 * .xls forks one short-lived child process that runs libfreexl and exits
 * (the caller's SIGCHLD handling must let waitpid() reap it). A workbook
 * handle is used by one thread at a time; different handles are
 * independent.
 *
 * The library never prints. Messages are translated into diag->lang.
 */
#ifndef CHISO_WORKBOOK_H
#define CHISO_WORKBOOK_H

#include <stddef.h>
#include <stdint.h>

#include "chiso_util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits ------------------------------------------------------------ */

/* Excel's own grid: 1,048,576 rows x 16,384 columns (A..XFD). A cell
 * beyond them is a corrupt file. */
#define CHISO_WORKBOOK_MAX_ROWS 1048576u
#define CHISO_WORKBOOK_MAX_COLS 16384u
/* Bytes of text in one cell after decoding (Excel itself stops at 32,767
 * characters, at most 4 bytes each in UTF-8). */
#define CHISO_WORKBOOK_MAX_CELL_BYTES (1u << 20)
/* Bytes of text in one row, all cells together. */
#define CHISO_WORKBOOK_MAX_ROW_BYTES (64u << 20)
/* Decompressed size of one sheet part; stops a "zip bomb" early. */
#define CHISO_WORKBOOK_MAX_SHEET_BYTES ((uint64_t)8 << 30)
/* Decompressed size of the shared-strings part, and of what is held from
 * it: distinct strings and their total bytes. */
#define CHISO_WORKBOOK_MAX_SST_BYTES    ((uint64_t)4 << 30)
#define CHISO_WORKBOOK_MAX_STRINGS      (1u << 24)
#define CHISO_WORKBOOK_MAX_STRING_BYTES (1u << 30)
/* Decompressed size of every other part read (workbook, relationships,
 * styles). */
#define CHISO_WORKBOOK_MAX_PART_BYTES (64u << 20)
/* Decoded cells of an .xls workbook, all sheets together (libfreexl runs
 * in a child process, under a time limit, and hands its cells over). */
#define CHISO_WORKBOOK_MAX_XLS_BYTES (1u << 30)
/* Sheets in a workbook, cell styles, merged ranges of a sheet. */
#define CHISO_WORKBOOK_MAX_SHEETS 4096u
#define CHISO_WORKBOOK_MAX_STYLES 65536u
#define CHISO_WORKBOOK_MAX_MERGES 262144u

/* ---- cells and rows ---------------------------------------------------- */

/* What a cell holds. */
typedef enum chiso_cell_kind {
    CHISO_CELL_EMPTY = 0, /* nothing, or a text of length 0 */
    CHISO_CELL_TEXT,      /* a string (shared, inline or a formula's) */
    CHISO_CELL_NUMBER,    /* a number without a date format */
    CHISO_CELL_BOOL,      /* TRUE / FALSE */
    CHISO_CELL_DATE,      /* a number shown with a date or time format */
    CHISO_CELL_ERROR      /* a formula error: #N/A, #DIV/0!, #VALUE! ... */
} chiso_cell_kind;

/* chiso_cell.flags */
/* The value is the result a spreadsheet program cached for a formula. */
#define CHISO_CELL_FORMULA 1u
/* The cell holds a formula that was never calculated (some writers, e.g.
 * openpyxl, store formulas without results): kind is CHISO_CELL_EMPTY but
 * the value is unknown, not absent. Such a cell counts as non-empty for
 * chiso_workbook_row.n and for skipping empty rows. */
#define CHISO_CELL_UNCALCULATED 2u

/*
 * One cell.
 *
 * `text` is the value as a person would type it back, in UTF-8, always
 * NUL-terminated (text[len] == '\0'), never NULL:
 *   - TEXT: the string as stored (rich-text runs joined, XML entities and
 *     "_x000D_"-style escapes decoded; not trimmed);
 *   - NUMBER: the shortest text that reads back to the same double, with
 *     '.' as decimal point and no grouping, the same bytes as
 *     chiso_format_double(): plain decimals for 1e-6 <= |x| < 1e15 when
 *     at most 20 decimals are needed ("12", "0.25", "45292.5"), else the
 *     shortest "%.*g" ("1.5e+20", "1e-07"); the stored value, not the
 *     displayed one (a cell shown as "25%" or "1,234.50" reads "0.25",
 *     "1234.5");
 *   - DATE: "yyyy-mm-dd" for a date format, "yyyy-mm-dd hh:mm:ss" for a
 *     date-and-time format, or for a date format whose value has a time of
 *     day (the time is never dropped), "hh:mm:ss" for a time-only format
 *     whose value is below one day (else the full "yyyy-mm-dd hh:mm:ss";
 *     a time below one day keeps its value in 1904 workbooks too);
 *     seconds rounded to the nearest; Excel's fictitious 1900-02-29
 *     (serial 60) reads "1900-02-29";
 *   - BOOL: "TRUE" or "FALSE";
 *   - ERROR: the error as Excel shows it ("#N/A");
 *   - EMPTY: "".
 * `number`: NUMBER its value; DATE serial days in the 1900 date system
 * (1 = 1900-01-01, 61 = 1900-03-01, fraction = time of day; a 1904-system
 * workbook's serials are converted, +1462); BOOL 1 or 0; NaN otherwise.
 *
 * A number is a DATE when its cell style has a date or time number
 * format: built-in formats 14-22, 27-36, 45-47, 50-58, or a custom format
 * whose first section has d, m, y, h or s outside quotes, brackets and
 * escapes ("dd/mm/yyyy hh:mm", "[$-42A]d/m/yyyy"; "[h]:mm" counts as
 * time), and its value is a valid date (serial >= 1, or >= 0 for a format
 * with a time, below 2958466 = 10000-01-01); otherwise it stays a NUMBER.
 * In .xls files the date decision is libfreexl's.
 *
 * Text is borrowed: it stays valid until the next call of
 * chiso_workbook_next_row() or chiso_workbook_select() on the workbook.
 */
typedef struct chiso_cell {
    chiso_cell_kind kind;
    unsigned flags; /* CHISO_CELL_FORMULA, CHISO_CELL_UNCALCULATED */
    const char *text;
    size_t len;
    double number;
} chiso_cell;

/*
 * One non-empty row of the selected sheet.
 *
 * cells[k] is column k + 1 (cells[0] is column A). The array is dense from
 * column A to the last non-empty cell of the row: n >= 1, cells in gaps
 * are CHISO_CELL_EMPTY, and cells[n - 1] is never empty. Rows with no
 * non-empty cell are skipped (so `row` numbers may jump). Borrowed until
 * the next call of chiso_workbook_next_row() or chiso_workbook_select().
 */
typedef struct chiso_workbook_row {
    uint32_t row; /* 1-based sheet row number, as Excel numbers it */
    size_t n;
    const chiso_cell *cells;
} chiso_workbook_row;

/* A merged range of cells, 1-based and inclusive ("B2:D3" is
 * first_row 2, first_col 2, last_row 3, last_col 4). */
typedef struct chiso_workbook_range {
    uint32_t first_row;
    uint32_t first_col;
    uint32_t last_row;
    uint32_t last_col;
} chiso_workbook_range;

/* ---- opening ------------------------------------------------------------ */

typedef struct chiso_workbook chiso_workbook;

/* File formats, as returned by chiso_workbook_sniff(). */
#define CHISO_WORKBOOK_XLSX 1
#define CHISO_WORKBOOK_XLS  2
/* a web page (HTML table) saved as .xls, as web systems export "Excel" */
#define CHISO_WORKBOOK_HTML 3
/* an Excel 2003 XML spreadsheet (SpreadsheetML) */
#define CHISO_WORKBOOK_XML2003 4

/*
 * Does a file start like a workbook? `head` is the first `len` bytes of
 * the file (8 are enough). Returns CHISO_WORKBOOK_XLSX for a zip archive
 * ("PK\3\4", also an empty one), CHISO_WORKBOOK_XLS for an OLE2 compound
 * file (D0 CF 11 E0 A1 B1 1A E1: .xls, but also an encrypted .xlsx or a
 * .doc; chiso_workbook_open() tells them apart), CHISO_WORKBOOK_HTML for
 * a web page with a table and CHISO_WORKBOOK_XML2003 for an Excel 2003 XML
 * spreadsheet (markup is recognised from the first 1024 bytes, so give
 * that many when there are), 0 otherwise. Never fails; head may be NULL
 * when len is 0.
 */
int chiso_workbook_sniff(const void *head, size_t len);

/*
 * Open a workbook file and list its sheets. No sheet is selected yet.
 *
 * Reads the workbook's structure only (for .xlsx: relationships, sheet
 * list, date system, cell styles; the shared strings are loaded at the
 * first chiso_workbook_select()). On success stores a new workbook in
 * *out, which the caller releases with chiso_workbook_free(). On failure
 * sets *out to NULL, returns the status and fills diag (path = the file):
 *   CHISO_EIO     the file cannot be read (errno kept);
 *   CHISO_EPARSE  not a workbook, or a damaged, truncated, encrypted or
 *                 password-protected one, a binary .xlsb, an OpenDocument
 *                 file, or a part beyond the limits above (the message
 *                 says which, and what to do);
 *   CHISO_ENOMEM  allocation failed.
 * `path` is also the file name used in positions.
 */
chiso_status
chiso_workbook_open(chiso_workbook **out, const char *path, chiso_diag *diag);

/*
 * As chiso_workbook_open() over the bytes [data, data + len), for
 * standard input or tests (a zip needs random access: read standard input
 * whole, e.g. with chiso_file_read_all(), and pass it here). `name` is the
 * file name used in positions.
 * The bytes are borrowed: they must stay valid and unchanged until
 * chiso_workbook_free(). (An .xls is copied to a private temporary file,
 * removed at once, because libfreexl reads only files.)
 */
chiso_status chiso_workbook_open_mem(chiso_workbook **out,
                                     const char *name,
                                     const void *data,
                                     size_t len,
                                     chiso_diag *diag);

/* CHISO_WORKBOOK_XLSX, _XLS, _HTML or _XML2003. */
int chiso_workbook_format(const chiso_workbook *wb);

/* The file name given at open. Borrowed, valid until free. */
const char *chiso_workbook_path(const chiso_workbook *wb);

/* Does the workbook use the 1904 date system? (Serials returned in
 * chiso_cell.number are converted to the 1900 system either way.) */
int chiso_workbook_date1904(const chiso_workbook *wb);

/* Number of sheets, in tab order (chart sheets included). */
size_t chiso_workbook_sheet_count(const chiso_workbook *wb);

/* Name of sheet i (0-based, tab order), UTF-8. Borrowed, valid until free.
 * NULL when i is out of range. */
const char *chiso_workbook_sheet_name(const chiso_workbook *wb, size_t i);

/*
 * Is sheet i hidden? 0 visible, 1 hidden, 2 "very hidden" (only a macro
 * can show it), -1 when i is out of range. Always 0 for .xls (libfreexl
 * does not tell).
 */
int chiso_workbook_sheet_hidden(const chiso_workbook *wb, size_t i);

/* Is sheet i a chart sheet (no cells)? 0/1; 0 when out of range. */
int chiso_workbook_sheet_is_chart(const chiso_workbook *wb, size_t i);

/* ---- reading a sheet ------------------------------------------------------ */

/*
 * Select the sheet to read and rewind to its first row.
 *
 * `sheet` NULL (or "") selects the default sheet: the first visible
 * worksheet that holds at least one non-empty row (hidden sheets and chart
 * sheets are passed over), or, when none does, the first visible
 * worksheet (whose rows are then none). Otherwise `sheet` is matched, in
 * this order, against the sheet names exactly; as a 1-based tab number
 * ("2", counting hidden and chart sheets, as the tabs of Excel's
 * "Unhide" list do); against the names ignoring case, diacritics, spaces
 * and punctuation ("ho so" finds "Hồ sơ"). A hidden sheet can be
 * selected by name or number.
 *
 * Returns CHISO_OK; CHISO_EUSAGE when no sheet matches, when the folded
 * name matches two sheets, or when the sheet is a chart sheet (the message
 * lists the sheets, marking hidden ones); or a reading error as
 * chiso_workbook_next_row(). May be called again to rewind or to switch
 * sheets; rows returned earlier become invalid.
 */
chiso_status
chiso_workbook_select(chiso_workbook *wb, const char *sheet, chiso_diag *diag);

/* Name of the selected sheet (borrowed), NULL before a successful
 * chiso_workbook_select(). */
const char *chiso_workbook_selected_name(const chiso_workbook *wb);

/* 0-based index of the selected sheet; (size_t)-1 before a selection. */
size_t chiso_workbook_selected_index(const chiso_workbook *wb);

/*
 * Read the next non-empty row of the selected sheet into *row.
 *
 * Returns CHISO_OK with *row filled; CHISO_DONE after the last row;
 * CHISO_EINVAL when no sheet is selected; CHISO_EPARSE for a damaged
 * sheet (malformed XML, a shared-string index out of range, a number that
 * is not one, a cell beyond XFD1048576 or a limit above), with diag->path
 * naming the cell ("file.xlsx:Sheet!G17") and the message what is wrong;
 * CHISO_EIO for a read error; CHISO_ENOMEM. After an error the same error
 * is returned again until the next chiso_workbook_select().
 *
 * Rows come in file order (normally ascending). Cells of a row written out
 * of order are placed at their columns; a column written twice keeps the
 * last value. Cells and rows without an "r" reference (some writers omit
 * it) take the next position.
 */
chiso_status chiso_workbook_next_row(chiso_workbook *wb,
                                     chiso_workbook_row *row,
                                     chiso_diag *diag);

/* ---- merged cells ------------------------------------------------------ */

/*
 * The merged ranges of the selected sheet, sorted by first row then first
 * column.
 *
 * An .xlsx stores its merged ranges after all the cells, so the first call
 * made before the rows are read to the end reads the sheet's part once
 * more, decompressing it without parsing the cells (about the cost of
 * unzipping it); after the last row they are known for free. .xls files:
 * libfreexl does not report merges, so *n is 0 and *known is 0.
 *
 * On CHISO_OK *ranges (borrowed, valid until the next select or free) and
 * *n are set, and *known (may be NULL) is 1 when the format records
 * merges. Errors as chiso_workbook_next_row(); CHISO_EINVAL before a
 * selection.
 */
chiso_status chiso_workbook_merges(chiso_workbook *wb,
                                   const chiso_workbook_range **ranges,
                                   size_t *n,
                                   int *known,
                                   chiso_diag *diag);

/*
 * Fill merged cells: when `on` is non-zero, every cell of a merged range
 * in a row returned from now on takes the value of the range's top-left
 * cell (a title merged over A1:F1 reads in each of A1..F1; a unit name
 * merged over B5:B9 reads in each of B5..B9), and such a row's n covers
 * the range. Rows that are absent from the file or have no non-empty cell
 * stay skipped. Loads the merges as chiso_workbook_merges() does; call it
 * after chiso_workbook_select() (a new select keeps the setting and
 * reloads the merges of the new sheet). Returns CHISO_OK or an error as
 * chiso_workbook_merges().
 */
chiso_status
chiso_workbook_fill_merged(chiso_workbook *wb, int on, chiso_diag *diag);

/* ---- positions ------------------------------------------------------------ */

/*
 * Excel's name of a cell: column 1 = "A", 27 = "AA", 16384 = "XFD", then
 * the row: (2, 7) -> "B7". col 0 writes the row alone ("7"), row 0 the
 * column alone ("B"). Writes at most len - 1 bytes and a NUL (len 0 writes
 * nothing).
 */
void chiso_workbook_cell_ref(uint32_t col, uint32_t row, char *out, size_t len);

/*
 * The position text used in diag->path: "FILE:SHEET!B7" for a cell,
 * "FILE:SHEET!7:7" for a whole row (col 0), "FILE:SHEET" for the sheet
 * (row 0, col 0), where SHEET is the selected sheet ("FILE" alone before
 * a selection). Truncated to len - 1 bytes at a UTF-8 character boundary.
 */
void chiso_workbook_position(const chiso_workbook *wb,
                             uint32_t col,
                             uint32_t row,
                             char *out,
                             size_t len);

/* Release wb and everything it owns. NULL is allowed. */
void chiso_workbook_free(chiso_workbook *wb);

#ifdef __cplusplus
}
#endif

#endif /* CHISO_WORKBOOK_H */

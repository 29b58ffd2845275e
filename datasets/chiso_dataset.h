/*
 * chiso_dataset.h - reading tables as Vietnamese offices export them.
 *
 * A streaming CSV reader on libcsv that accepts what Excel and the
 * provinces' one-stop systems produce: UTF-8 with or without BOM (an Excel
 * "sep=;" first line is honoured), ',' ';' or tab delimiters detected from
 * the header line, quoted fields with embedded newlines, CRLF or LF line
 * ends. Every row knows its physical line; the position of any field is
 * recomputed on the error path only, so reading stays fast.
 *
 * Value parsers take numbers with a decimal point or a decimal comma
 * ("85,5" and "85.5"; "1.234,5" and "1,234.5"), an optional trailing '%',
 * and dates as ISO (2024-03-31, 2024-03-31T08:30:00) or Vietnamese
 * (31/03/2024, 31/03/2024 08:30, 08:30 31/03/2024), rejecting impossible
 * calendar dates.
 *
 * Header names are matched case- and diacritic-insensitively through
 * chiso_text_fold(), with aliases, so "Mã tiêu chí" matches "ma_tieu_chi".
 */
#ifndef CHISO_DATASET_H
#define CHISO_DATASET_H

#include "chiso_util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- CSV reader ------------------------------------------------------- */

typedef struct chiso_csv_options {
    char delimiter;          /* 0 = detect from the header: ',' ';' or '\t' */
    int allow_ragged;        /* 1: rows may have fewer/more fields than the
                               header (missing ones read as empty) */
    size_t max_record_bytes; /* 0 = default (16 MiB); longer records are an
                                error, which bounds memory on garbage */
    int reference;           /* 1: cut every record with libcsv (the
                                reference); 0: with the fast tokenizer,
                                libcsv taking over any record it does not
                                accept exactly so (same rows, positions and
                                messages) */
} chiso_csv_options;

#define CHISO_CSV_OPTIONS_INIT                                                 \
    {                                                                          \
        0, 0, 0, 0                                                             \
    }

typedef struct chiso_csv_reader chiso_csv_reader;

/* One record. Everything is borrowed and valid until the next call to
 * chiso_csv_next() or chiso_csv_close(). */
typedef struct chiso_csv_row {
    size_t n;                 /* number of fields */
    const char *const *field; /* NUL-terminated texts (may contain '\n') */
    const size_t *len;        /* byte length of each field */
    unsigned long line;       /* physical line where the record starts */
    unsigned long record;     /* 1-based record number; the header is 1 */
} chiso_csv_row;

/*
 * Open a CSV file for streaming ("-" = standard input). The header is not
 * consumed: call chiso_csv_bind() or chiso_csv_next() next. opts may be
 * NULL. On failure *out is NULL and diag says why.
 */
chiso_status chiso_csv_open(chiso_csv_reader **out,
                            const char *path,
                            const chiso_csv_options *opts,
                            chiso_diag *diag);

/* As chiso_csv_open over a memory buffer (borrowed until close). `name` is
 * used in messages. */
chiso_status chiso_csv_open_mem(chiso_csv_reader **out,
                                const char *name,
                                const char *data,
                                size_t len,
                                const chiso_csv_options *opts,
                                chiso_diag *diag);

/*
 * Read the next record (the header is record 1 if not yet bound).
 * Returns CHISO_OK with *row filled, CHISO_DONE at the end of input, or an
 * error (CHISO_EPARSE for malformed CSV, CHISO_EIO, CHISO_ENOMEM) with
 * diag naming file:line:column. Blank lines are skipped. After an error
 * the reader must only be closed.
 */
chiso_status
chiso_csv_next(chiso_csv_reader *r, chiso_csv_row *row, chiso_diag *diag);

void chiso_csv_close(chiso_csv_reader *r);

/* The detected (or given) delimiter; valid after the first record. */
char chiso_csv_delimiter(const chiso_csv_reader *r);
/* The path or name given at open. Borrowed. */
const char *chiso_csv_path(const chiso_csv_reader *r);
/* Header field count and names (after chiso_csv_bind). Borrowed. */
size_t chiso_csv_header_count(const chiso_csv_reader *r);
const char *chiso_csv_header_name(const chiso_csv_reader *r, size_t i);
/* Bytes consumed so far (for progress reporting). */
uint64_t chiso_csv_bytes_read(const chiso_csv_reader *r);
/* Physical line where the next record starts (1-based). */
unsigned long chiso_csv_next_line(const chiso_csv_reader *r);
/*
 * The raw bytes of the record last returned (as in the file, through its
 * line end), for positions; valid until the next call. NULL when the
 * record is no longer in the buffer.
 */
const char *chiso_csv_raw_record(const chiso_csv_reader *r, size_t *len);

/* A column the caller expects, matched against the header. */
typedef struct chiso_csv_column {
    const char *name;    /* canonical, already folded: "criterion_id" */
    const char *aliases; /* folded alternatives separated by '|', or NULL:
                            "ma_tieu_chi|tieu_chi|id" */
    int required;
} chiso_csv_column;

/*
 * Read the header record and find each expected column. index[i] receives
 * the 0-based field index of cols[i], or -1 if the column is absent and not
 * required. A missing required column or a header with two columns that
 * match the same expected column is CHISO_ESCHEMA. Unknown columns are
 * ignored. An empty input is CHISO_EPARSE ("empty file").
 */
chiso_status chiso_csv_bind(chiso_csv_reader *r,
                            const chiso_csv_column *cols,
                            size_t n_cols,
                            long *index,
                            chiso_diag *diag);

/*
 * Line and column (1-based, UTF-8 characters) where field k of `row`
 * starts. Meant for the error path: it rescans the raw record.
 */
void chiso_csv_field_position(const chiso_csv_reader *r,
                              const chiso_csv_row *row,
                              size_t k,
                              unsigned long *line,
                              unsigned long *column);

/*
 * Report a problem with field k of row at its exact position. The message
 * is formatted from fmt; by convention it quotes the value and names the
 * column ("invalid number 'abc' in column 'value'").
 */
chiso_status chiso_csv_field_error(const chiso_csv_reader *r,
                                   chiso_diag *diag,
                                   chiso_status code,
                                   const chiso_csv_row *row,
                                   size_t k,
                                   const char *fmt,
                                   ...) CHISO_PRINTF(6, 7);

/* Text of field k, or "" when the row is shorter (ragged rows). */
const char *chiso_csv_field(const chiso_csv_row *row, long k, size_t *len);

/* ---- tables: the one row pipeline -------------------------------------- */

/*
 * Every table chiso reads (dossier logs, task registers, evidence sheets)
 * goes through one pipeline: a row source (a CSV file, standard input, a
 * memory buffer), the header found where it is (the first row within the
 * first 30 that has the required columns, or the row the user names),
 * columns matched by name and alias ignoring case, diacritics, spaces,
 * underscores and CamelCase, totals rows recognised and skipped, and every
 * data row handed to the caller's row handler; bad rows are counted, handed
 * to the reject callback, listed, and fail the run only above a share.
 * Large regular files (standard input included, when it is one) are split
 * over threads; pipes are read sequentially. Both cut records with the fast
 * tokenizer and give the libcsv reference reader's rows, positions and
 * messages.
 */

/* A row that could not be counted, handed to the reject callback. All
 * pointers are borrowed for the duration of the call. */
typedef struct chiso_reject {
    const char *path;
    unsigned long line, column; /* of the offending value */
    const char *reason;         /* "invalid date '31/02/2024' in ..." */
    size_t n_fields;            /* the row's fields as read */
    const char *const *field;
    const size_t *field_len;
} chiso_reject;

/* Return 0 to continue, non-zero to stop the run (CHISO_EIO). */
typedef int (*chiso_reject_fn)(void *ctx, const chiso_reject *rej);

/*
 * A ready-made reject callback that writes rejected rows as CSV: the input's
 * header followed by "reject_location" (file:line:column) and
 * "reject_reason", each rejected row with its original fields. Open with
 * the stream to write to (borrowed); ctx for the callbacks is the writer.
 */
typedef struct chiso_rejects_csv {
    chiso_csvw w;
    int header_done;
    unsigned long n; /* rows written */
} chiso_rejects_csv;

/* The file starts with a UTF-8 BOM (Excel) and uses the input's
 * delimiter; cells that Excel would run as formulas are neutralised (the
 * rows are exactly the untrusted ones). */
void chiso_rejects_csv_init(chiso_rejects_csv *w, FILE *out);
/* An on_header callback (ctx = the writer): writes the header line. */
void chiso_rejects_csv_header(void *ctx,
                              const char *const *names,
                              size_t n,
                              char delim);
/* An on_reject callback (ctx = the writer). Returns non-zero when the
 * stream is in error. */
int chiso_rejects_csv_write(void *ctx, const chiso_reject *rej);

typedef struct chiso_table_options {
    char delimiter;      /* 0 = detect: ',' ';' or tab */
    long header_row;     /* 0 = find it; N = the header is row N (1-based) */
    const char *sheet;   /* workbooks: sheet name or number; NULL = first */
    unsigned date_flags; /* CHISO_DATE_EXCEL_SERIAL: numbers in date
                            columns are Excel serial dates */
    int threads;         /* 0 = one per online CPU (at most 8) */
    int reference;       /* 1: the libcsv reference reader alone */
    size_t min_split;    /* bytes per thread below which fewer threads are
                            used; 0 = 4 MiB (tests set 1) */
    /* bad rows above this share (percent) of the data rows fail the run,
     * after every row was read; default 5 */
    double max_rejects_pct;
    chiso_reject_fn on_reject; /* every bad row, in file order, or NULL */
    void *reject_ctx;
    /* called once with the header before any row (may be NULL) */
    void (*on_header)(void *ctx,
                      const char *const *names,
                      size_t n,
                      char delim);
    chiso_diag_list *problems; /* bad rows ("row_rejected"), or NULL */
    chiso_diag_list *notes;    /* typed notes: rows above the header,
                                  totals rows, columns not used, personal
                                  data columns; or NULL */
} chiso_table_options;

#define CHISO_TABLE_OPTIONS_INIT                                               \
    {                                                                          \
        0, 0, NULL, 0, 0, 0, 0, 5.0, NULL, NULL, NULL, NULL, NULL              \
    }

/* What a table must hold. */
typedef struct chiso_table_schema {
    const chiso_csv_column *cols;
    size_t n_cols;
    /* columns (indexes into cols, -1 = none) that identify a row: a row
     * where they are empty and every other cell is a number is a totals
     * row */
    int id_col, seq_col;
    const char *what; /* "dossier log", for messages (an English msgid) */
    /* non-zero: a header without an id column but with the seq column
     * (STT) reads the seq column as the ids -- the paper forms' layout
     * "STT | Lĩnh vực/Tiêu chí/Tiêu chí thành phần | Điểm tối đa | …",
     * where STT holds "1", "1.1", "1.1.2"; a note says so */
    int seq_is_id;
} chiso_table_schema;

typedef struct chiso_table chiso_table;

/*
 * Open a table ("-" = standard input) and find its header: the row given
 * by opts->header_row, or the first of the first 30 rows that has every
 * required column of the schema. Rows above it are skipped (a note says
 * so). A missing required column is CHISO_ESCHEMA naming it, its aliases
 * and the header it was looked for in. opts may be NULL.
 */
chiso_status chiso_table_open(chiso_table **out,
                              const char *path,
                              const chiso_table_schema *schema,
                              const chiso_table_options *opts,
                              chiso_diag *diag);
/* As chiso_table_open over memory (borrowed until close). */
chiso_status chiso_table_open_mem(chiso_table **out,
                                  const char *name,
                                  const char *data,
                                  size_t len,
                                  const chiso_table_schema *schema,
                                  const chiso_table_options *opts,
                                  chiso_diag *diag);
void chiso_table_close(chiso_table *t);

/*
 * For telling a file's kind by its first rows: when `path` is a workbook
 * (.xlsx or .xls, told by its first bytes), the first 30 rows of its
 * visible worksheet number `k` (0-based, hidden and chart sheets not
 * counted) as text, one line per row, cells separated by ';' (';' and line
 * breaks inside a cell become spaces), merged cells filled; each line also
 * holds, after its own cells, the names a header over two rows would give
 * with the row above (a group name joined to each name under it). *text
 * (malloc'd, NUL-terminated) and *len are set. Returns CHISO_OK;
 * CHISO_DONE when the workbook has no sheet k; CHISO_EINVAL when `path`
 * is not a workbook (nothing set, diag untouched); or a reading error.
 */
chiso_status chiso_table_head_text(
    const char *path, size_t k, char **text, size_t *len, chiso_diag *diag);

/* Per schema column, its field index or -1. Borrowed. */
const long *chiso_table_index(const chiso_table *t);
/* The header's field count and names as written. Borrowed. */
size_t chiso_table_width(const chiso_table *t);
const char *const *chiso_table_header(const chiso_table *t);
/* Name of schema column c as written in the header, else its canonical
 * name. */
const char *chiso_table_column_name(const chiso_table *t, size_t c);
char chiso_table_delimiter(const chiso_table *t);
const char *chiso_table_path(const chiso_table *t);
/* Physical line of the header. */
unsigned long chiso_table_header_line(const chiso_table *t);
/* Flags for date columns (the options' date_flags). */
unsigned chiso_table_date_flags(const chiso_table *t);
/* Language of messages (the diag's at open). */
chiso_lang chiso_table_lang(const chiso_table *t);

/* One data row. Fields are NOT NUL-terminated: use len. n is the header's
 * width (extra empty fields cut). */
typedef struct chiso_row {
    const char *const *field;
    const size_t *len;
    size_t n;
    uint64_t pos;       /* where the row is: chiso_table_line() */
    unsigned long line; /* its first line when known while reading (in
                           sequential reading), else 0 */
    const char *raw;    /* the record's bytes, for positions */
    size_t raw_len;
    unsigned char delim;
} chiso_row;

/*
 * Where field k of a row is, for a message: the table's path with line and
 * column, or for a workbook the cell "FILE:SHEET!B7" with line and column
 * 0 (the CLI prints path:line:column, leaving out zeros).
 */
/* The workbook sheet read, NULL for CSV. Borrowed. */
const char *chiso_table_sheet(const chiso_table *t);

void chiso_table_where(const chiso_table *t,
                       const chiso_row *row,
                       size_t k,
                       char *path,
                       size_t cap,
                       unsigned long *line,
                       unsigned long *column);

/* Line and column (1-based, characters) where field k of a row starts;
 * line 0 when not known while reading in parallel. In a workbook: the
 * sheet row and the column number. */
void chiso_row_position(const chiso_row *row,
                        size_t k,
                        unsigned long *line,
                        unsigned long *column);

/* A problem with one field of a row. */
typedef struct chiso_row_error {
    size_t field;
    chiso_status code; /* CHISO_EDATA by default */
    char msg[400];
} chiso_row_error;

enum { CHISO_ROW_OK = 0, CHISO_ROW_BAD = -1, CHISO_ROW_FATAL = -2 };

/*
 * A workbook cell holding a formula whose result was never calculated
 * (files written by a program such as openpyxl, not saved by a spreadsheet
 * program) reaches a row handler as this text -- never empty, never 0.
 * chiso_table_is_uncalculated() tells it; CHISO_UNCALCULATED_MSG says what
 * to do (an English msgid).
 */
#define CHISO_UNCALCULATED_TEXT "#FORMULA?"
#define CHISO_UNCALCULATED_MSG                                                 \
    "the cell holds a formula whose result was never calculated (the file "    \
    "was written by a program, not saved by a spreadsheet program): open it "  \
    "in Excel or LibreOffice and save it, or type the value"
int chiso_table_is_uncalculated(const char *s, size_t len);

/*
 * What a caller does with the rows of a table. Rows are handed to workers:
 * in parallel reading each thread has its own worker (created with
 * worker_new), and only the workers of the parts that make up the file are
 * kept; each worker sees its rows in file order.
 */
typedef struct chiso_row_handler {
    void *ctx;
    void *(*worker_new)(void *ctx); /* NULL when memory runs out */
    void (*worker_free)(void *worker);
    /* CHISO_ROW_OK (counted), CHISO_ROW_BAD (err filled: a bad row), or
     * CHISO_ROW_FATAL (out of memory) */
    int (*row)(void *worker, const chiso_row *row, chiso_row_error *err);
    int sequential; /* 1: one worker, rows in order (no threads) */
} chiso_row_handler;

/* What a reading gives. */
typedef struct chiso_table_run {
    void **workers; /* in file order; free with chiso_table_run_free */
    size_t n_workers;
    uint64_t rows_read;     /* data records after the header */
    uint64_t rows_counted;  /* handed to the handler and accepted */
    uint64_t rows_rejected; /* bad rows */
    uint64_t rows_totals;   /* totals rows skipped */
    int threads_used;
    uint64_t *part_lines; /* internal: newlines before each part */
    size_t n_parts;
} chiso_table_run;

/*
 * Read every data row into the handler. Malformed CSV that cannot be
 * resynchronised stops the run (CHISO_EPARSE at its position); bad rows
 * (a wrong field count, or the handler's CHISO_ROW_BAD) are counted, handed
 * to on_reject and listed; when they exceed max_rejects_pct of the data
 * rows the run fails (the first bad row's status and position, the counts
 * in the message) - the callback has seen every one. A table is read once.
 */
chiso_status chiso_table_read(chiso_table *t,
                              const chiso_row_handler *h,
                              chiso_table_run *run,
                              chiso_diag *diag);
/* The physical line of a row's pos, after the reading. */
unsigned long chiso_table_line(const chiso_table_run *run, uint64_t pos);
void chiso_table_run_free(chiso_table_run *run, const chiso_row_handler *h);

/* ---- values ----------------------------------------------------------- */

/*
 * Parse a number as offices write it: optional sign, digits with '.' or ','
 * as decimal separator (when both appear, the last one is the decimal
 * separator and the other groups thousands: "1.234,5" = "1,234.5" =
 * 1234.5), optional exponent, optional trailing '%' (the number is kept as
 * written: "85%" -> 85). Surrounding spaces are ignored. Returns 0 on
 * success, -1 if the text is not a number (including empty text and
 * NaN/Inf).
 */
int chiso_parse_number(const char *s, size_t len, double *out);

/*
 * Parse a date or date-time. Accepted: YYYY-MM-DD, YYYY-MM-DD[T ]HH:MM[:SS]
 * (fraction of a second ignored), D/M/YYYY with '/', '-' or '.' separators,
 * optionally followed by " HH:MM[:SS]" or preceded by "HH:MM[:SS] ". A time
 * may carry a 12-hour marker as Vietnamese and English Windows write it:
 * "SA"/"AM" (sáng) or "CH"/"PM" (chiều), e.g. "10:25 SA", "02:30 CH 31/03/2024".
 * *secs receives seconds since 1970-01-01 00:00:00 in the file's own local
 * time (no time zone is applied); *has_time says whether a time was given.
 * Returns 0 on success, else -1 with a short reason in why, in English
 * (e.g. "impossible date: February 2024 has 29 days").
 */
int chiso_parse_datetime(const char *s,
                         size_t len,
                         int64_t *secs,
                         int *has_time,
                         char *why,
                         size_t why_len);

/* Flags of chiso_parse_datetime_ex. */
#define CHISO_DATE_EXCEL_SERIAL                                                \
    1                           /* a number is an Excel serial date (1900
                                     system: 45292 = 2024-01-01; a fraction
                                     is the time of day) */
#define CHISO_DATE_EXCEL_1904 2 /* with EXCEL_SERIAL: the 1904 system */

/* chiso_parse_datetime with flags and the language of `why`. */
int chiso_parse_datetime_ex(const char *s,
                            size_t len,
                            unsigned flags,
                            chiso_lang lang,
                            int64_t *secs,
                            int *has_time,
                            char *why,
                            size_t why_len);

/* An Excel serial date (days since 1899-12-30, or 1904-01-01 when
 * date1904) to seconds since 1970-01-01 local; has_time when the serial
 * has a fraction. -1 outside 1900..2200 or before 1900-03-01 (Excel's
 * phantom 29/02/1900). */
int
chiso_excel_serial(double serial, int date1904, int64_t *secs, int *has_time);

/* Days since 1970-01-01 of a proleptic Gregorian date (no validation). */
int64_t chiso_days_from_civil(int y, unsigned m, unsigned d);
/* Inverse of chiso_days_from_civil. */
void chiso_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d);
/* Format seconds as "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" into out. */
void chiso_format_datetime(int64_t secs, int with_time, char *out, size_t len);

/*
 * Parse a yes/no answer: the flag vocabulary (CHISO_VOCAB_FLAG: có/không,
 * đã số hóa/chưa số hóa, đã ký số, đạt/không đạt, x, ✓, 1/0, yes/no).
 * Returns 1 or 0, or -1 if the text is none of these (an empty text too).
 */
int chiso_parse_bool(const char *s, size_t len);

/*
 * Does the text mean "not applicable"? N/A, NA, KAD, KAD (không áp dụng),
 * "không áp dụng", "-" (case and diacritics ignored).
 */
int chiso_text_is_not_applicable(const char *s, size_t len);

/* ---- vocabularies: the words offices write ---------------------------- */

/*
 * Coded columns of one-stop and task-tracking exports, and the words that
 * may fill them (docs/vocabulary.md lists every word). A cell is compared
 * trimmed, ignoring case, diacritics, spaces and punctuation.
 */
typedef enum chiso_vocab {
    CHISO_VOCAB_CHANNEL = 0, /* hình thức nộp: CHISO_CHANNEL_* */
    CHISO_VOCAB_FLAG, /* có/không, đã số hóa/chưa số hóa: 1/0 */
    CHISO_VOCAB_SATISFACTION,   /* 1..5; 0 = not rated (chưa đánh giá) */
    CHISO_VOCAB_TASK_STATUS,    /* CHISO_TASK_* */
    CHISO_VOCAB_DOSSIER_STATUS, /* CHISO_DOSSIER_* */
    CHISO_VOCAB_COUNT
} chiso_vocab;

enum {
    CHISO_CHANNEL_ONLINE = 1,     /* trực tuyến (level not said) */
    CHISO_CHANNEL_ONLINE_FULL,    /* trực tuyến toàn trình */
    CHISO_CHANNEL_ONLINE_PARTIAL, /* trực tuyến một phần */
    CHISO_CHANNEL_DIRECT,         /* trực tiếp */
    CHISO_CHANNEL_POSTAL          /* bưu chính công ích (BCCI) */
};
enum {
    CHISO_TASK_DONE = 1,     /* completed ("Đã hoàn thành") */
    CHISO_TASK_OPEN,         /* not completed */
    CHISO_TASK_CANCELLED,    /* cancelled, withdrawn */
    CHISO_TASK_DONE_ON_TIME, /* completed, and the status says on time
                                ("Đã hoàn thành đúng hạn", "trước hạn") */
    CHISO_TASK_DONE_LATE     /* completed, and the status says late
                                ("Đã hoàn thành quá hạn", "trễ hạn") */
};
enum {
    CHISO_DOSSIER_ANY = 0,   /* says nothing the dates do not (quá hạn) */
    CHISO_DOSSIER_FINISHED,  /* result returned (đã trả kết quả) */
    CHISO_DOSSIER_OPEN,      /* being processed (đang giải quyết) */
    CHISO_DOSSIER_CANCELLED, /* đã hủy */
    CHISO_DOSSIER_WITHDRAWN, /* rút hồ sơ */
    CHISO_DOSSIER_RETURNED   /* trả lại hồ sơ, không giải quyết */
};

/* Lookup results that are not a meaning. */
#define CHISO_VOCAB_UNKNOWN (-1) /* a word of no vocabulary */
#define CHISO_VOCAB_EMPTY   (-2) /* an empty cell */

/* The meaning of a cell, CHISO_VOCAB_UNKNOWN or CHISO_VOCAB_EMPTY. */
int chiso_vocab_lookup(chiso_vocab v, const char *s, size_t len);

/* A small cache of exact cell texts -> meaning, owned by one thread (zero
 * it before use). Exports repeat a few words millions of times. */
#define CHISO_VOCAB_CACHE_SLOTS 8
#define CHISO_VOCAB_CACHE_TEXT  40
typedef struct chiso_vocab_slot {
    char text[CHISO_VOCAB_CACHE_TEXT];
    unsigned char len; /* text length + 1; 0 = empty slot */
    int vocab;
    int value;
} chiso_vocab_slot;
typedef struct chiso_vocab_cache {
    chiso_vocab_slot slot[CHISO_VOCAB_CACHE_SLOTS];
    unsigned next;
} chiso_vocab_cache;

/* chiso_vocab_lookup through the cache. */
int chiso_vocab_cached(chiso_vocab_cache *c,
                       chiso_vocab v,
                       const char *s,
                       size_t len);

/* The comparison key of a text: folded, without separators
 * ("Trực tuyến" -> "tructuyen"). Returns its length. */
size_t chiso_vocab_key(const char *s, size_t len, char *out, size_t cap);

/* "channel", "flag", ... */
const char *chiso_vocab_name(chiso_vocab v);
/* Entries of a vocabulary, for documentation and tests: the word as
 * offices write it (NULL for spellings not listed), its meaning and key. */
size_t chiso_vocab_count(chiso_vocab v);
const char *
chiso_vocab_entry(chiso_vocab v, size_t i, int *value, const char **key);
/*
 * The accepted Vietnamese words of a vocabulary (value -1: all; else only
 * those meaning `value`), quoted and separated by ", ", for messages
 * ("'Trực tuyến', 'Trực tiếp', ..."). Never cuts a character. Returns the
 * number of words written.
 */
size_t chiso_vocab_words(chiso_vocab v, int value, char *out, size_t cap);

/* ---- evidence sheets -------------------------------------------------- */

/*
 * One row of an evidence sheet (bảng tự chấm điểm / tài liệu kiểm chứng).
 * Positions (line, column) of the fields are kept for later diagnostics,
 * such as an unknown criterion id found while scoring.
 */
typedef struct chiso_evidence_entry {
    char *id;         /* criterion id as written (trimmed) */
    char *value_text; /* the value cell as written (trimmed), "" if empty */
    int has_value;    /* value_text parsed as a number */
    double value;
    int has_numerator, has_denominator;
    double numerator, denominator;
    int has_points; /* self-assessed points (điểm tự đánh giá) */
    double points;
    int has_appraised; /* appraised points (điểm thẩm định) */
    double appraised;
    int has_official; /* points published by an authority (766 portal) */
    double official;
    int not_applicable; /* marked N/A in the value or applicable column */
    char *evidence; /* evidence reference (tài liệu kiểm chứng), "" */
    char *note;     /* explanation (giải trình), "" */
    char *unit;     /* unit column if present, else "" */
    int has_date;   /* date of the evidence document (ngày ban hành) */
    int64_t date;   /* seconds since 1970-01-01 (local, no zone) */
    unsigned long line; /* record line */
    /* positions of the cells, for messages; 0 if the column is absent */
    unsigned long col_id, col_value, col_numerator, col_denominator, col_points,
        col_appraised, col_official;
} chiso_evidence_entry;

typedef struct chiso_evidence {
    char *path;
    chiso_evidence_entry *entries;
    size_t n;
    int has_unit_column;
    char *sheet; /* the workbook sheet read, NULL for CSV */
} chiso_evidence;

/*
 * Load an evidence sheet through the row pipeline (header found where it
 * is, "Tổng cộng" rows skipped, headings without an id skipped). Columns
 * (docs/evidence.md): criterion_id (required), value, numerator,
 * denominator, points, appraised_points, official_points, evidence,
 * evidence_date, note, applicable, unit, seq (STT). Dates must be real
 * calendar dates. Numbers must parse; negative numbers and duplicate ids
 * (within one unit) are CHISO_EDATA. Every problem of the sheet is found
 * in one pass: chiso_evidence_load reports the first and how many more
 * there are, chiso_evidence_load_all lists them (in file order). Whether
 * ids exist in a framework, and which are inner nodes, is for the
 * framework to say (chiso_evidence_check_tree, the scorer).
 */
chiso_status
chiso_evidence_load(chiso_evidence **out, const char *path, chiso_diag *diag);
/* Collect every problem instead of stopping at the first (chiso validate). */
chiso_status chiso_evidence_load_all(chiso_evidence **out,
                                     const char *path,
                                     chiso_diag_list *problems);
/* As chiso_evidence_load_all, read with table options (header row,
 * Excel dates, notes on the sheet). */
chiso_status chiso_evidence_load_ex(chiso_evidence **out,
                                    const char *path,
                                    const chiso_table_options *opts,
                                    chiso_diag_list *problems);
/* As chiso_evidence_load_ex, but a sheet with bad cells (CHISO_EDATA) still
 * gives *out the rows that were read well, so that a checker can go on
 * with them and list every problem of the sheet in one pass (validate:
 * ids unknown to the framework, sums of inner rows). Free *out whenever it
 * is set. */
chiso_status chiso_evidence_load_partial(chiso_evidence **out,
                                         const char *path,
                                         const chiso_table_options *opts,
                                         chiso_diag_list *problems);
/* Where cell `column` (1-based; 0 = the row) of an entry is, for a
 * message: the sheet's path with line and column, or for a workbook
 * "FILE:SHEET!B7" in path with line and column 0. */
void chiso_evidence_where(const chiso_evidence *ev,
                          const chiso_evidence_entry *e,
                          unsigned long column,
                          char *path,
                          size_t cap,
                          unsigned long *line,
                          unsigned long *col);
void chiso_evidence_free(chiso_evidence *ev);

/*
 * The criteria tree a sheet is read against, as the caller (who knows the
 * framework) describes it: children() says whether `id` is an inner node
 * (1, with its children's ids), a leaf (0) or unknown (-1).
 */
typedef struct chiso_evidence_tree {
    void *ctx;
    int (*children)(void *ctx,
                    const char *id,
                    const char *const **kids,
                    size_t *n_kids);
} chiso_evidence_tree;

/*
 * Rows of inner nodes (an area, a criterion with sub-criteria) are
 * accepted; their points are compared with the sum of their children's
 * (a child without a row counts the sum of its own children; the check is
 * skipped when a leaf below has no points): a typed warning
 * "inner_points_differ" when they differ, never an error. *n_inner
 * receives the number of such rows.
 */
chiso_status chiso_evidence_check_tree(const chiso_evidence *ev,
                                       const chiso_evidence_tree *tree,
                                       chiso_diag_list *warnings,
                                       size_t *n_inner);

/* ==== published results store (datasets/published/) ====================
 * Owned by the analytics-statistics area (issue 4). The store is a
 * long-format CSV of published PAR INDEX / SIPAS / PAPI results with their
 * provenance, one fact per row; the breaks registry lists methodology
 * breaks. Both formats are documented in datasets/published/README.md and
 * README.md ("Published results store"). The loader validates everything
 * (columns, types, years, scales, ranks, duplicates and conflicts, PAPI
 * sums) and reports every problem as file:line:column: message.
 */

/* What a row says about its unit-year. */
typedef enum chiso_pub_status {
    CHISO_PUB_PUBLISHED = 0,  /* a value and/or a rank was published */
    CHISO_PUB_NOT_SCORED,     /* the publisher gave the unit no score */
    CHISO_PUB_VALUE_NOT_FOUND /* the unit is mentioned (a band, a group),
                                  but neither value nor rank was found */
} chiso_pub_status;

/* One fact. Strings are never NULL ("" when empty). */
typedef struct chiso_pub_row {
    char *index; /* "PAR_INDEX", "SIPAS", "PAPI", ... */
    int year;
    char *unit_code;    /* stable slug: "hung-yen" */
    char *unit;         /* Vietnamese name with diacritics: "Hưng Yên" */
    char *unit_type;    /* province|ministry|department|region|aggregate */
    char *component;    /* total|area|dimension|subdimension|element */
    char *component_id; /* "" for total; "D1", "D1.2", "E3", ... */
    char *component_name;
    int has_value;
    double value;
    int value_decimals; /* decimals as written ("46.0415" -> 4) */
    char *scale;        /* "%", "/100", "/80", "/10", "pts" */
    int has_max;
    double max;
    long rank;        /* 0 = none */
    long rank_of;     /* 0 = none */
    int rank_derived; /* the rank was derived by arithmetic */
    chiso_pub_status status;
    int preferred;  /* 1 for the row to use; 0 for a conflicting one */
    char *conflict; /* tag shared by rows that contradict each other */
    char *preferred_reason;
    char *confidence; /* high|medium|low */
    char *source;
    char *note;
    unsigned long line; /* physical line in the file */
    /* The part of the year the row covers, written in the year column:
     * 0 of 1 = the whole year ("2024"); 1..2 of 2 = a semester
     * ("2024-H1"); 1..4 of 4 = a quarter ("2024-Q3"). */
    int period_part, period_parts;
} chiso_pub_row;

/* A row's time in years: the year for a whole year (2024), the middle of
 * its semester or quarter otherwise (2024-H1 -> 2024.25, 2024-Q4 ->
 * 2024.875). */
double chiso_pub_row_time(const chiso_pub_row *r);
/* The period as written: "2024", "2024-H1", "2024-Q3". */
void chiso_pub_row_period(const chiso_pub_row *r, char *out, size_t len);

/* Which series a methodology break cuts. */
typedef enum chiso_break_kind {
    CHISO_BREAK_METHODOLOGY = 0, /* values and ranks */
    CHISO_BREAK_SAMPLING,        /* values and ranks */
    CHISO_BREAK_BOUNDARY,        /* values and ranks of that unit */
    CHISO_BREAK_RANKING_BASE     /* ranks only (e.g. /63 -> /34) */
} chiso_break_kind;

/* A break at `year`: values from `year` on are not comparable with values
 * before it. index "" = every index; unit_code "" = every unit. */
typedef struct chiso_pub_break {
    char *index;
    int year;
    char *unit_code;
    chiso_break_kind kind;
    char *what_changed;
    char *source;
    char *confidence;
    unsigned long line;
} chiso_pub_break;

typedef struct chiso_published {
    char *path;          /* results file */
    chiso_pub_row *rows; /* in file order */
    size_t n;
    char *breaks_path;       /* NULL if no registry was loaded */
    chiso_pub_break *breaks; /* in file order */
    size_t n_breaks;
} chiso_published;

/* File names inside a published directory. */
#define CHISO_PUBLISHED_RESULTS "results.csv"
#define CHISO_PUBLISHED_BREAKS  "breaks.csv"

/*
 * Check a results file and append every problem to `problems` (chiso
 * validate). Returns CHISO_OK when there is none; then, if out is not
 * NULL, *out receives the store (without breaks; caller frees it with
 * chiso_published_free). Otherwise *out is NULL and the status is that of
 * the first problem (CHISO_EIO, CHISO_EPARSE, CHISO_ESCHEMA, CHISO_EDATA).
 */
chiso_status chiso_published_check(chiso_published **out,
                                   const char *path,
                                   chiso_diag_list *problems);

/*
 * Check a breaks registry and append every problem to `problems`. On
 * success and if store is not NULL, the breaks are attached to the store
 * (store->breaks, store->breaks_path).
 */
chiso_status chiso_breaks_check(chiso_published *store,
                                const char *path,
                                chiso_diag_list *problems);

/*
 * Load DIR/results.csv and DIR/breaks.csv (both required), stopping at the
 * first problem, which is reported in diag. The caller owns *out.
 */
chiso_status chiso_published_load_dir(chiso_published **out,
                                      const char *dir,
                                      chiso_diag *diag);

/* As chiso_published_load_dir with explicit paths; breaks may be NULL. */
chiso_status chiso_published_load(chiso_published **out,
                                  const char *results,
                                  const char *breaks,
                                  chiso_diag *diag);

void chiso_published_free(chiso_published *store);

/*
 * Does the user's text name this unit? Matches the unit code exactly or
 * the name folded (chiso_text_fold: "hung yen", "Hưng Yên" and "HUNG-YEN"
 * all match "Hưng Yên").
 */
int chiso_published_unit_matches(const chiso_pub_row *row, const char *text);

/*
 * Does break b cut the series of (index, unit_code) for values (ranks = 0)
 * or ranks (ranks = 1)? Ranking-base breaks cut rank series only.
 */
int chiso_break_applies(const chiso_pub_break *b,
                        const char *index,
                        const char *unit_code,
                        int ranks);

/* Name of a status / break kind as written in the files. */
const char *chiso_pub_status_name(chiso_pub_status s);
const char *chiso_break_kind_name(chiso_break_kind k);

/* ==== end of published results store ==================================== */

#ifdef __cplusplus
}
#endif

#endif /* CHISO_DATASET_H */

/*
 * chiso_util.h - status codes, diagnostics and small shared utilities.
 *
 * Every module links this tiny base target. It holds what all layers need
 * and nothing else: the status enum, the diagnostic struct the caller passes
 * in (never a global), a capped list of diagnostics for "report every
 * problem" commands, UTF-8 helpers (validation, folding for header matching,
 * display width), a JSON document that remembers where each value was in the
 * source text, number rounding for deterministic output, and atomic output
 * files (temporary file + rename).
 *
 * Conventions used across chiso:
 *   - functions return chiso_status; CHISO_OK is 0;
 *   - `**out` parameters are owned by the caller; returned pointers are
 *     borrowed;
 *   - destructors accept NULL;
 *   - line and column numbers are 1-based; columns count UTF-8 characters
 *     (code points), so a Vietnamese letter counts as one column; a UTF-8
 *     byte order mark is not counted;
 *   - the library never prints and never exits.
 */
#ifndef CHISO_UTIL_H
#define CHISO_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define CHISO_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CHISO_PRINTF(a, b)
#endif

/* ---- languages and the message catalogue ------------------------------ */

/*
 * The language of every word chiso writes: messages, warnings, labels.
 * Vietnamese is the default (the zero value), so a zero-initialised
 * chiso_diag speaks Vietnamese.
 */
typedef enum chiso_lang { CHISO_LANG_VI = 0, CHISO_LANG_EN = 1 } chiso_lang;

/* "vi" / "en" -> lang. Returns 0, or -1 when s is neither. */
int chiso_lang_parse(const char *s, chiso_lang *out);
/* "vi" or "en". */
const char *chiso_lang_code(chiso_lang lang);

#if defined(__GNUC__)
#define CHISO_FORMAT_ARG(i) __attribute__((format_arg(i)))
#else
#define CHISO_FORMAT_ARG(i)
#endif

/*
 * The text of message `msgid` (the English source text, often a printf
 * format) in `lang`, from the catalogue compiled from
 * analytics/util/po/vi.po. Returns msgid itself for English or when the
 * catalogue has no translation. The result is static; never NULL unless
 * msgid is NULL. A translated format keeps the conversions of its msgid
 * (msgfmt --check-format enforces it at build time).
 */
const char *chiso_msg(chiso_lang lang, const char *msgid) CHISO_FORMAT_ARG(2);
/* Does the catalogue translate msgid into lang? (always 1 for English) */
int chiso_msg_has(chiso_lang lang, const char *msgid);
/* The system's text for an errno value (strerror's, in English) in lang:
 * the common file errors are in the catalogue; others stay English. */
const char *chiso_errno_str(chiso_lang lang, int err);

/* Marks a string for extraction without translating it here (a table of
 * messages translated later with chiso_msg). */
#define N_(s) s

/* Status codes. Keep them few; the CLI maps them to exit codes. */
typedef enum chiso_status {
    CHISO_OK = 0,
    CHISO_ENOMEM,  /* allocation failed */
    CHISO_EIO,     /* file could not be read or written; errno in diag */
    CHISO_EPARSE,  /* malformed CSV or JSON */
    CHISO_EDATA,   /* well-formed but invalid value: non-numeric, range */
    CHISO_ESCHEMA, /* missing column, unknown criterion, framework error */
    CHISO_EDOMAIN, /* statistic undefined for this input: n < 2, ... */
    CHISO_EINVAL,  /* caller broke a documented precondition (a bug) */
    CHISO_EUSAGE,  /* a user-supplied option value is invalid */
    CHISO_DONE     /* not an error: an iterator has no more items */
} chiso_status;

/* Short English name of a status, e.g. "parse error". Never NULL. */
const char *chiso_status_str(chiso_status st);

/* How much a reported problem matters (typed warnings in JSON outputs). */
typedef enum chiso_severity {
    CHISO_SEVERITY_WARNING = 0, /* the result stands, but read this */
    CHISO_SEVERITY_INFO,        /* for the record */
    CHISO_SEVERITY_ERROR        /* the result is refused */
} chiso_severity;

/* "warning", "info", "error". */
const char *chiso_severity_name(chiso_severity sev);

/*
 * Sizes of a diagnostic's text fields: room for any real path (PATH_MAX)
 * and a long message. Text that is still longer is cut at a UTF-8
 * character boundary and ends with "…" (never mid-character).
 */
#define CHISO_DIAG_PATH_MAX    4096
#define CHISO_DIAG_MESSAGE_MAX 1024

/* Where a problem is, and what it is. Filled by the library, printed by
 * the CLI as "chiso: path:line:column: message". */
typedef struct chiso_diag {
    chiso_status code;              /* CHISO_OK while nothing was reported */
    int sys_errno;                  /* for CHISO_EIO, else 0 */
    char path[CHISO_DIAG_PATH_MAX]; /* copied, so a diag never dangles;
                                       "" if none */
    unsigned long line;             /* 1-based physical line; 0 = unknown */
    unsigned long column; /* 1-based column (UTF-8 characters); 0 = unknown */
    char message[CHISO_DIAG_MESSAGE_MAX]; /* lowercase start, no trailing
                                             period/newline */
    chiso_lang lang; /* language of message; set by the caller */
    /* Typed warnings (JSON "warnings" arrays): a stable code documented in
     * docs/ ("unit_not_in_log"), static storage, NULL when untyped; the
     * severity; the criterion concerned ("" if none). */
    const char *kind;
    chiso_severity severity;
    char criterion_id[128];
} chiso_diag;

/* Reset a diag to "nothing reported", keeping its language. NULL is
 * allowed. */
void chiso_diag_clear(chiso_diag *diag);

/*
 * Report a problem. `fmt` is a msgid: it is translated into diag->lang
 * (chiso_msg) before formatting. The first error wins: if diag->code is
 * already set the call does nothing. Returns `code` so callers can write
 * `return chiso_diag_set(diag, CHISO_EDATA, path, line, col, "...")`.
 * diag may be NULL (then only the code is returned). path may be NULL.
 */
chiso_status chiso_diag_set(chiso_diag *diag,
                            chiso_status code,
                            const char *path,
                            unsigned long line,
                            unsigned long column,
                            const char *fmt,
                            ...) CHISO_PRINTF(6, 7);

/* chiso_diag_set with a va_list: the one way to write a helper that
 * formats a message into a diagnostic (fmt is translated, as above). */
chiso_status chiso_diag_vset(chiso_diag *diag,
                             chiso_status code,
                             const char *path,
                             unsigned long line,
                             unsigned long column,
                             const char *fmt,
                             va_list ap) CHISO_PRINTF(6, 0);

/* As chiso_diag_set for CHISO_EIO, keeping errno and appending strerror. */
chiso_status chiso_diag_set_errno(chiso_diag *diag,
                                  const char *path,
                                  int err,
                                  const char *what);

/*
 * A capped list of diagnostics, for commands that report every problem
 * (chiso validate) and for warnings. Entries beyond `cap` are counted in
 * `n_dropped` but not stored.
 */
typedef struct chiso_diag_list {
    chiso_diag *items;
    size_t n;
    size_t cap;
    size_t n_dropped;
    chiso_lang lang; /* language of entries made by chiso_diag_list_addf */
} chiso_diag_list;

/* Initialise an empty list storing at most `cap` entries (language
 * Vietnamese; set list->lang after init for another). */
void chiso_diag_list_init(chiso_diag_list *list, size_t cap);
/* Append a copy of d. Returns CHISO_ENOMEM on allocation failure. */
chiso_status chiso_diag_list_add(chiso_diag_list *list, const chiso_diag *d);
/* Append a new entry (same arguments as chiso_diag_set). */
chiso_status chiso_diag_list_addf(chiso_diag_list *list,
                                  chiso_status code,
                                  const char *path,
                                  unsigned long line,
                                  unsigned long column,
                                  const char *fmt,
                                  ...) CHISO_PRINTF(6, 7);
/* chiso_diag_list_addf with a va_list (for helpers; fmt translated). */
chiso_status chiso_diag_list_vaddf(chiso_diag_list *list,
                                   chiso_status code,
                                   const char *path,
                                   unsigned long line,
                                   unsigned long column,
                                   const char *fmt,
                                   va_list ap) CHISO_PRINTF(6, 0);
/*
 * Append a typed entry: `kind` is the stable code (static string),
 * criterion_id may be NULL; the rest as chiso_diag_list_addf. The message
 * is translated into list->lang.
 */
chiso_status chiso_diag_list_addk(chiso_diag_list *list,
                                  const char *kind,
                                  chiso_severity severity,
                                  const char *criterion_id,
                                  const char *path,
                                  unsigned long line,
                                  unsigned long column,
                                  const char *fmt,
                                  ...) CHISO_PRINTF(8, 9);
/*
 * The list as a JSON array of objects {"code", "severity", "message",
 * "criterion_id", "file", "line", "column"} (null where not applicable;
 * code "unclassified" for untyped entries). NULL on allocation failure.
 */
struct cJSON *chiso_diag_list_to_json(const chiso_diag_list *list);
/* Total number of entries reported (stored + dropped). */
size_t chiso_diag_list_total(const chiso_diag_list *list);
/* Sort stored entries by path, line, column (stable). */
void chiso_diag_list_sort(chiso_diag_list *list);
void chiso_diag_list_free(chiso_diag_list *list);

/* ---- growable byte buffer ------------------------------------------- */

typedef struct chiso_buf {
    char *data; /* always NUL-terminated when len > 0 or after append */
    size_t len;
    size_t cap;
} chiso_buf;

#define CHISO_BUF_INIT                                                         \
    {                                                                          \
        NULL, 0, 0                                                             \
    }

chiso_status chiso_buf_reserve(chiso_buf *b, size_t extra);
chiso_status chiso_buf_append(chiso_buf *b, const void *p, size_t n);
chiso_status chiso_buf_puts(chiso_buf *b, const char *s);
/* Append formatted text (numbers as in the "C" locale). */
chiso_status chiso_buf_printf(chiso_buf *b, const char *fmt, ...)
    CHISO_PRINTF(2, 3);
chiso_status chiso_buf_vprintf(chiso_buf *b, const char *fmt, va_list ap)
    CHISO_PRINTF(2, 0);
void chiso_buf_free(chiso_buf *b);

/* ---- strings --------------------------------------------------------- */

/* strdup that returns NULL on NULL input or allocation failure. */
char *chiso_strdup(const char *s);
/* Copy of the n bytes at s, NUL-terminated. */
char *chiso_strndup(const char *s, size_t n);

/*
 * Is [s, s+len) valid UTF-8 (no overlong forms, no surrogates)? On failure,
 * *bad_offset (if not NULL) receives the offset of the first bad byte.
 */
int chiso_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* Number of code points in [s, s+len) (continuation bytes not counted). */
size_t chiso_utf8_count(const char *s, size_t len);

/*
 * Terminal display width of a UTF-8 string: combining marks count 0,
 * East Asian wide characters 2, everything else 1.
 */
size_t chiso_utf8_width(const char *s, size_t len);

/*
 * Fold a name for matching: Vietnamese and other Latin diacritics removed
 * (đ -> d), lowercase, every run of characters other than [a-z0-9] turned
 * into one '_', no leading or trailing '_'. "Mã tiêu chí" -> "ma_tieu_chi".
 * Writes at most cap-1 bytes plus NUL into out; returns the folded length
 * (which may exceed cap-1 if truncated).
 */
size_t chiso_text_fold(const char *s, size_t len, char *out, size_t cap);
/* Do a[0, la) and the NUL-terminated b fold to the same name (names of
 * up to 255 folded bytes)? */
int chiso_text_same(const char *a, size_t la, const char *b);

/*
 * snprintf for text that must stay valid UTF-8: numbers as in the "C"
 * locale, and when the text does not fit in cap bytes it is cut at a
 * character boundary and ends with "…" (U+2026). Returns the length the
 * whole text would have had (as snprintf).
 */
int chiso_textf(char *buf, size_t cap, const char *fmt, ...) CHISO_PRINTF(3, 4);
int chiso_vtextf(char *buf, size_t cap, const char *fmt, va_list ap)
    CHISO_PRINTF(3, 0);

/* Trim ASCII spaces, tabs, CR/LF and UTF-8 non-breaking spaces in place
 * (adjusts *s and *len). */
void chiso_text_trim(const char **s, size_t *len);
/* chiso_text_trim after a look at the two ends, inline: most cells of a
 * table have no space to trim (the row readers' hot path). */
static inline void
chiso_text_trim_quick(const char **s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)*s;
    size_t n = *len;

    if (n > 0 && p[0] > ' ' && p[0] != 0xC2 && p[n - 1] > ' ' &&
        p[n - 1] != 0xA0) {
        return;
    }
    chiso_text_trim(s, len);
}

/* ---- numbers -------------------------------------------------------- */

/* Round x to `sig` significant decimal digits (for deterministic JSON). */
double chiso_round_sig(double x, int sig);

/*
 * Round half away from zero to `decimals` places, after removing binary
 * noise (2.675 -> 2.68, as a person or a spreadsheet rounds the decimal).
 */
double chiso_round_half_up(double x, int decimals);

/* Exact comparison with zero, made deliberate (-Wfloat-equal). */
int chiso_is_zero(double x);

/*
 * Numbers independent of the process locale. A program that calls
 * setlocale(LC_ALL, "vi_VN.UTF-8") still gets '.' as the decimal point in
 * everything chiso reads and writes: these run in the "C" locale for the
 * calling thread only (uselocale), and every chiso reader and writer of
 * numbers goes through them.
 */
/* strtod as in the "C" locale ("85.5"; never "85,5"). A plain decimal
 * ([-+]digits[.digits][e[-+]digits], at most 19 significant digits) is
 * converted without strtod (chiso_strtod_plain); same result. */
double chiso_strtod(const char *s, char **end);
/*
 * strtod's reading of a plain decimal at s, without strtod: [-+] digits
 * [. digits] [e [-+] digits], at least one digit, at most 19 significant
 * digits. Returns 1 with *out (and *end, when not NULL, after the text
 * read, as strtod sets it); 0 for anything else (spaces first, "inf",
 * "nan", hex, longer mantissas, results too close to a halfway point
 * between two doubles, subnormals, exponents beyond 10^+-64), which strtod must then read.
 */
int chiso_strtod_plain(const char *s, char **end, double *out);
/* snprintf / vsnprintf as in the "C" locale. */
int chiso_snprintf(char *buf, size_t len, const char *fmt, ...)
    CHISO_PRINTF(3, 4);
int chiso_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
    CHISO_PRINTF(3, 0);
/*
 * Run a stretch of code in the "C" locale (this thread only), e.g. a
 * renderer that formats many labels:
 *   chiso_c_locale l; chiso_c_locale_enter(&l); ... chiso_c_locale_leave(&l);
 */
typedef struct chiso_c_locale {
    void *prev; /* the thread's locale before enter */
    void *c;    /* the C locale object */
} chiso_c_locale;
void chiso_c_locale_enter(chiso_c_locale *s);
void chiso_c_locale_leave(chiso_c_locale *s);

/* ---- files ------------------------------------------------------------ */

/*
 * The most chiso reads into memory from one file: 64 MiB for a JSON input
 * (a framework, a configuration, a data file for a template; every
 * chiso_json_doc_load, and anything `chiso validate` reads), 1 GiB for any
 * other file read whole (a Word template with its pictures). Larger inputs
 * are refused with a clear message instead of growing memory
 * (`validate /dev/zero`). Tables (CSV logs) are streamed and have no cap.
 */
#define CHISO_JSON_READ_CAP ((size_t)64 << 20)
#define CHISO_READ_CAP      ((size_t)1 << 30)

/*
 * Read a whole file into memory (NUL-terminated; *len excludes the NUL).
 * "-" reads standard input. The file is opened once and read to its end,
 * so FIFOs work (<(cat f.json)). More than CHISO_READ_CAP bytes is
 * CHISO_EDATA ("larger than ..."); a failure to read is CHISO_EIO with
 * errno kept in diag. The caller frees *out with free().
 */
chiso_status chiso_file_read_all(const char *path,
                                 char **out,
                                 size_t *len,
                                 chiso_diag *diag);
/* The same with another cap (bytes). */
chiso_status chiso_file_read_capped(
    const char *path, size_t cap, char **out, size_t *len, chiso_diag *diag);

/*
 * An output file that never loses what was at its path
 * (docs/safety.md):
 *   - a regular file (or nothing yet): data goes to a temporary file
 *     ".chiso-tmp-NAME.XXXXXX" beside it, flushed, fsync'ed and renamed
 *     into place at commit, keeping the old file's permissions; a failed
 *     or killed run leaves the previous file untouched, and the next run
 *     writing that path removes what a killed run left;
 *   - a symbolic link is followed: its target is replaced, the link stays;
 *   - a device, FIFO or socket, or a path through the kernel's links to
 *     open files (/proc/self/fd/N, /dev/fd/N, /dev/stderr), is written in
 *     place at commit (never renamed over); a folder or a disk device is
 *     refused (CHISO_EUSAGE);
 *   - "-", /dev/stdout, /dev/fd/1, /proc/self/fd/1: standard output,
 *     written at commit and checked (a write error is CHISO_EIO).
 * In the last two cases the bytes are held in memory until commit, so an
 * output is all written or not at all.
 */
typedef struct chiso_outfile chiso_outfile;

chiso_status
chiso_outfile_open(chiso_outfile **out, const char *path, chiso_diag *diag);
/* The stream to write to. Borrowed; valid until sync/commit/abort. */
FILE *chiso_outfile_stream(chiso_outfile *f);
/* The path as given to open. Borrowed. */
const char *chiso_outfile_path(const chiso_outfile *f);
/* Does f go to standard output? */
int chiso_outfile_is_stdout(const chiso_outfile *f);
/*
 * First half of a commit: check the stream, flush and fsync, without
 * putting the file in place. Lets a caller with several outputs make all
 * of them complete before committing any. Does not free f.
 */
chiso_status chiso_outfile_sync(chiso_outfile *f, chiso_diag *diag);
/* Sync (if not done) and put into place; frees f in every case. */
chiso_status chiso_outfile_commit(chiso_outfile *f, chiso_diag *diag);
/* Remove the temporary file; frees f. NULL is allowed. */
void chiso_outfile_abort(chiso_outfile *f);

/*
 * The mode fopen() would give a new file: 0666 minus the process umask,
 * read without changing the umask. For files made with mkstemp() (0600)
 * that end up as a user's output.
 */
unsigned chiso_file_default_mode(void);

/* Convenience: write `len` bytes atomically to path. */
chiso_status chiso_file_write_atomic(const char *path,
                                     const void *data,
                                     size_t len,
                                     chiso_diag *diag);

/*
 * Is `output` safe to write, given the inputs of the run? Refused
 * (CHISO_EUSAGE, the message naming the input) when the output is an
 * input (same file through any path, symbolic or hard link), when it lies
 * inside a folder given as input, and, for a folder output, when it
 * contains an input. Paths are resolved (realpath) before they are
 * compared. NULL and "-" outputs and inputs are skipped; inputs that do
 * not exist are skipped (reading them fails on its own).
 */
typedef enum chiso_output_kind {
    CHISO_OUTPUT_FILE = 0,
    CHISO_OUTPUT_FOLDER = 1
} chiso_output_kind;
chiso_status chiso_output_check(const char *output,
                                const char *const *inputs,
                                size_t n_inputs,
                                chiso_output_kind kind,
                                chiso_diag *diag);

/* ---- output folders (packs) -------------------------------------------- */

/* The manifest chiso writes into every output folder. */
#define CHISO_PACK_MANIFEST ".chiso-pack.json"

/*
 * An output folder written as a whole (docs/safety.md, "Report folders"):
 * files are assembled in a temporary sibling ".chiso-tmp-DIR.XXXXXX",
 * synced once, and swapped into place by chiso_outdir_finish() with an
 * atomic exchange, so an interrupted run never leaves a half-written
 * folder and a failed run leaves the previous one intact. The folder gets
 * a manifest (CHISO_PACK_MANIFEST: each file's name, size and SHA-256,
 * the generator; no time stamp).
 *
 * An existing folder is replaced only when it is empty or a chiso pack; a
 * folder without a manifest that is not empty is refused (CHISO_EUSAGE)
 * whatever the options. In a pack, the user's files (not in the manifest)
 * are kept and named in the notes; files the manifest lists that the user
 * changed are refused unless keep_edited, which keeps them (under
 * "NAME.user.EXT" when the new pack writes NAME). Nothing the user made is
 * deleted. A symbolic link to a folder is followed.
 */
typedef struct chiso_outdir chiso_outdir;

typedef struct chiso_outdir_options {
    int keep_edited;       /* keep the user's edits (--force) */
    const char *generator; /* manifest "generator"; NULL = "chiso VERSION" */
} chiso_outdir_options;

#define CHISO_OUTDIR_OPTIONS_INIT                                              \
    {                                                                          \
        0, NULL                                                                \
    }

chiso_status chiso_outdir_open_with(chiso_outdir **out,
                                    const char *path,
                                    const chiso_outdir_options *opts,
                                    chiso_diag *diag);
/* chiso_outdir_open_with with the default options. */
chiso_status
chiso_outdir_open(chiso_outdir **out, const char *path, chiso_diag *diag);
/* The temporary folder to write into. Borrowed. */
const char *chiso_outdir_path(const chiso_outdir *d);
/* The resolved destination. Borrowed. */
const char *chiso_outdir_target(const chiso_outdir *d);
/*
 * Swap into place: keep the user's files, write the manifest, sync, swap,
 * remove what was chiso's in the previous folder. Typed warnings (kept
 * files: "pack_kept_user_file", "pack_kept_edited_file", "pack_kept_file")
 * are appended to notes (may be NULL). Frees d in every case.
 */
chiso_status
chiso_outdir_finish(chiso_outdir *d, chiso_diag_list *notes, chiso_diag *diag);
/* chiso_outdir_finish without notes. */
chiso_status chiso_outdir_commit(chiso_outdir *d, chiso_diag *diag);
/* Remove the temporary folder (what this run wrote only); frees d. */
void chiso_outdir_abort(chiso_outdir *d);

/* ---- digests ------------------------------------------------------------ */

/* SHA-256, streaming. */
typedef struct chiso_sha256 {
    uint32_t h[8];
    uint64_t n;
    unsigned char buf[64];
    size_t fill;
} chiso_sha256;
void chiso_sha256_init(chiso_sha256 *s);
void chiso_sha256_update(chiso_sha256 *s, const void *data, size_t len);
/* The digest as 64 lowercase hex digits and a NUL. */
void chiso_sha256_final(chiso_sha256 *s, char hex[65]);

/* ---- CSV output ------------------------------------------------------- */

/*
 * Write CSV rows to a stream: RFC 4180 quoting (fields holding the
 * delimiter, quotes, CR or LF are quoted, quotes doubled). Every text cell
 * that begins with = + - @, a tab or a carriage return is neutralised (a
 * single quote is put before it inside the cell) so no cell of any chiso
 * CSV, plain or for Excel, untrusted rows included, can run as a formula;
 * neutralising allocates nothing, so it cannot fail open. Numbers written
 * with chiso_csvw_number/fixed/int are never neutralised. For files meant
 * for Excel, `excel` adds a UTF-8 BOM before the first row.
 */
typedef struct chiso_csvw {
    FILE *out;
    char delim;
    int excel;
    int at_row_start;
    int started;
    int failed; /* a cell could not be written (out of memory) */
} chiso_csvw;

void chiso_csvw_init(chiso_csvw *w, FILE *out, char delim, int excel);
/* A text cell (NULL writes an empty cell). */
void chiso_csvw_text(chiso_csvw *w, const char *s);
/* A number in the shortest form that reads back exactly; NaN -> empty. */
void chiso_csvw_number(chiso_csvw *w, double x);
/* A number with a fixed count of decimals; NaN -> empty. */
void chiso_csvw_fixed(chiso_csvw *w, double x, int decimals);
/* An integer. */
void chiso_csvw_int(chiso_csvw *w, long long v);
/* End the row ("\n"). */
void chiso_csvw_end(chiso_csvw *w);
/* A whole row of text cells (a header): `cells` ends with NULL. */
void chiso_csvw_row(chiso_csvw *w, const char *const *cells);
/* Did anything fail (a cell not written, or the stream's error flag)? */
int chiso_csvw_error(const chiso_csvw *w);

/*
 * Shortest text that reads back to exactly x: "%.*f" with the fewest
 * decimals when 1e-6 <= |x| < 1e15 and at most 20 decimals are needed,
 * else "%.*g" with the fewest digits (up to 17). "0" for zero (also -0),
 * "inf"/"-inf"/"nan" for the rest. Locale-independent; at most three
 * printf/strtod pairs. 32 bytes are always enough.
 */
void chiso_format_double(double x, char *out, size_t len);

/* ---- JSON documents with source positions ----------------------------- */

struct cJSON;

/*
 * A parsed JSON document that remembers the byte offset of every value, so
 * semantic errors ("max must be positive") can name file:line:column.
 * Duplicate object keys are detected during parsing and reported as
 * CHISO_EPARSE (JSON allows them; our files must not have them).
 */
typedef struct chiso_json_doc chiso_json_doc;

/* Parse text (borrowed for the call; copied). path is used in messages. */
chiso_status chiso_json_doc_parse(chiso_json_doc **out,
                                  const char *path,
                                  const char *text,
                                  size_t len,
                                  chiso_diag *diag);
/* Read and parse a file ("-" = stdin). */
chiso_status
chiso_json_doc_load(chiso_json_doc **out, const char *path, chiso_diag *diag);
void chiso_json_doc_free(chiso_json_doc *doc);

/* The root value. Borrowed. */
const struct cJSON *chiso_json_doc_root(const chiso_json_doc *doc);
/* The path given at parse time. Borrowed. */
const char *chiso_json_doc_path(const chiso_json_doc *doc);
/* Line and column of `item` (any value of this document); 0,0 if unknown. */
void chiso_json_doc_locate(const chiso_json_doc *doc,
                           const struct cJSON *item,
                           unsigned long *line,
                           unsigned long *column);
/* Report a problem at `item` (first error wins, as chiso_diag_set). */
chiso_status chiso_json_doc_error(const chiso_json_doc *doc,
                                  chiso_diag *diag,
                                  chiso_status code,
                                  const struct cJSON *item,
                                  const char *fmt,
                                  ...) CHISO_PRINTF(5, 6);
/* Append a problem at `item` to a list. */
chiso_status chiso_json_doc_error_list(const chiso_json_doc *doc,
                                       chiso_diag_list *list,
                                       chiso_status code,
                                       const struct cJSON *item,
                                       const char *fmt,
                                       ...) CHISO_PRINTF(5, 6);

/*
 * Line and column of byte `offset` in [text, text+len): counts '\n' and
 * UTF-8 characters; a leading BOM is not counted.
 */
void chiso_text_position(const char *text,
                         size_t len,
                         size_t offset,
                         unsigned long *line,
                         unsigned long *column);

/*
 * Deterministic JSON numbers: returns a cJSON number rounded to 10
 * significant digits, or cJSON null when x is not finite.
 */
struct cJSON *chiso_json_number(double x);
/* As chiso_json_number, rounded half-up to `decimals` places. */
struct cJSON *chiso_json_fixed(double x, int decimals);
/*
 * Checked JSON building. Every call records an allocation failure in the
 * builder instead of returning it, and accepts a NULL parent or item (a
 * failure earlier): the builder checks once at the end with
 * chiso_jb_finish(), which returns the tree, or deletes it and returns
 * NULL (report CHISO_ENOMEM) - never a tree with a key missing.
 *
 *   chiso_jb jb = CHISO_JB_INIT;
 *   cJSON *root = chiso_jb_object(&jb);
 *   chiso_jb_str(&jb, root, "unit", name);      (NULL string -> null)
 *   chiso_jb_fixed(&jb, root, "index_pct", x, 2);
 *   cJSON *arr = chiso_jb_arr(&jb, root, "areas");
 *   chiso_jb_num(&jb, arr, NULL, y);             (NULL key: array element)
 *   return chiso_jb_finish(&jb, root);
 *
 * Each returns the item added (NULL on failure). Numbers: chiso_jb_num
 * rounds to 10 significant digits, chiso_jb_fixed half-up to `decimals`
 * places; both write null for NaN and infinities.
 */
typedef struct chiso_jb {
    int failed;
} chiso_jb;

#define CHISO_JB_INIT                                                          \
    {                                                                          \
        0                                                                      \
    }

/* A new root object / array (failure recorded). */
struct cJSON *chiso_jb_object(chiso_jb *jb);
struct cJSON *chiso_jb_array(chiso_jb *jb);
/* Add item under key (or append when parent is an array or key is NULL);
 * takes item in every case (deleted on failure). */
struct cJSON *chiso_jb_add(chiso_jb *jb,
                           struct cJSON *parent,
                           const char *key,
                           struct cJSON *item);
struct cJSON *chiso_jb_obj(chiso_jb *jb, struct cJSON *parent, const char *key);
struct cJSON *chiso_jb_arr(chiso_jb *jb, struct cJSON *parent, const char *key);
struct cJSON *chiso_jb_str(chiso_jb *jb,
                           struct cJSON *parent,
                           const char *key,
                           const char *s);
struct cJSON *
chiso_jb_null(chiso_jb *jb, struct cJSON *parent, const char *key);
struct cJSON *
chiso_jb_bool(chiso_jb *jb, struct cJSON *parent, const char *key, int b);
struct cJSON *
chiso_jb_int(chiso_jb *jb, struct cJSON *parent, const char *key, long long v);
struct cJSON *
chiso_jb_num(chiso_jb *jb, struct cJSON *parent, const char *key, double x);
struct cJSON *chiso_jb_fixed(chiso_jb *jb,
                             struct cJSON *parent,
                             const char *key,
                             double x,
                             int decimals);
/* root when nothing failed; else root is deleted and NULL returned. */
struct cJSON *chiso_jb_finish(chiso_jb *jb, struct cJSON *root);

/*
 * Print a JSON tree with 2-space indentation and a final newline. The
 * caller frees the result with free(). NULL on allocation failure.
 */
char *chiso_json_print(const struct cJSON *root);

#ifdef __cplusplus
}
#endif

#endif /* CHISO_UTIL_H */

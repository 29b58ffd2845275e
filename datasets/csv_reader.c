/*
 * csv_reader.c - streaming CSV on libcsv, with positions.
 *
 * libcsv reports fields and record ends through callbacks but no positions.
 * We feed it one physical line at a time (found with memchr), so every
 * callback happens while a known line is being parsed, and keep the raw
 * bytes of the current record contiguous in our buffer: when the buffer is
 * refilled, only the unfinished record is moved to the front. That gives,
 * at no cost on the normal path, (a) the record's start line, (b) the exact
 * byte where libcsv stopped on a syntax error, and (c) the raw record, which
 * chiso_csv_field_position() rescans on the error path to find a field's
 * column.
 *
 * Line ends: '\n' terminates a record; '\r' is treated as trailing space,
 * so CRLF and LF files read the same. Files with bare CR line ends (old Mac
 * Excel) are refused with an explanation rather than misread. Spaces around
 * fields are ' ', '\r' and the tab, unless the tab is the delimiter.
 *
 * Unless the options ask for the reference alone, each record is first cut
 * by the fast tokenizer (fast_csv.c) straight from the buffer; a record it
 * does not accept exactly as libcsv would (a stray quote, NUL, bad UTF-8, a
 * huge record) is handed to libcsv, which starts on it in its initial state
 * - so rows, positions and messages are libcsv's, record by record.
 */
#define _POSIX_C_SOURCE 200809L
#include "datasets_int.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CSV_CHUNK      (1u << 20)
#define CSV_MAX_RECORD (16u << 20)
#define CSV_OPTS       (CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)

struct chiso_csv_reader {
    char *path;
    chiso_csv_options opts;
    int fd; /* -1 for memory input */
    int own_fd;
    char *buf;     /* owned buffer, or the caller's memory */
    size_t len;    /* valid bytes in buf */
    size_t cap;    /* 0 for memory input */
    size_t pos;    /* next byte to feed */
    uint64_t base; /* input offset of buf[0] */
    int eof;
    int failed;
    int started;  /* first line handled (BOM, sep=, delimiter) */
    int finished; /* csv_fini done */
    size_t bom;   /* 3 if the input starts with a UTF-8 BOM */
    struct csv_parser parser;
    int parser_ready;
    char delim;

    unsigned long line;    /* physical line number of buf[pos] */
    unsigned long records; /* completed records */

    /* the record being assembled */
    int rec_open;
    size_t rec_start; /* in buf */
    unsigned long rec_line;
    chiso_buf fbytes; /* field texts, each NUL-terminated */
    size_t *foff;
    size_t *flen;
    const char **fptr;
    size_t fptr_cap;
    size_t nf, fcap;
    int row_done;
    int oom;

    /* the record last returned, for positions on the error path */
    size_t last_start, last_end;
    unsigned long last_line;

    size_t n_header; /* 0 until the first record */
    char **header;

    /* the fast tokenizer (opts.reference == 0) */
    chiso__tok tok;
    chiso__fields ff;
    int fast;
};

/* ---- libcsv callbacks --------------------------------------------------- */

static void
on_field(void *s, size_t n, void *ctx)
{
    chiso_csv_reader *r = ctx;

    if (r->oom) {
        return;
    }
    if (r->nf == r->fcap) {
        size_t cap = r->fcap ? r->fcap * 2 : 32;
        size_t *o = realloc(r->foff, cap * sizeof(*o));
        size_t *l = o ? realloc(r->flen, cap * sizeof(*l)) : NULL;
        if (o != NULL) {
            r->foff = o;
        }
        if (l == NULL) {
            r->oom = 1;
            return;
        }
        r->flen = l;
        r->fcap = cap;
    }
    r->foff[r->nf] = r->fbytes.len;
    r->flen[r->nf] = n;
    if (chiso_buf_append(&r->fbytes, s ? s : "", n) != CHISO_OK ||
        chiso_buf_append(&r->fbytes, "", 1) != CHISO_OK) {
        r->oom = 1;
        return;
    }
    r->nf++;
}

static void
on_record(int c, void *ctx)
{
    chiso_csv_reader *r = ctx;

    (void)c;
    r->row_done = 1;
}

static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* With a tab delimiter the tab is not a space. */
static int
is_space_notab(unsigned char c)
{
    return c == ' ' || c == '\r';
}

static int
is_term(unsigned char c)
{
    return c == '\n';
}

/* ---- input ------------------------------------------------------------ */

static chiso_status fail(chiso_csv_reader *r,
                         chiso_diag *diag,
                         chiso_status code,
                         unsigned long line,
                         unsigned long col,
                         const char *fmt,
                         ...) CHISO_PRINTF(6, 7);

static chiso_status
fail(chiso_csv_reader *r,
     chiso_diag *diag,
     chiso_status code,
     unsigned long line,
     unsigned long col,
     const char *fmt,
     ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg),
              chiso_msg(diag != NULL ? diag->lang : CHISO_LANG_VI, fmt), ap);
    va_end(ap);
    r->failed = 1;
    return chiso_diag_set(diag, code, r->path, line, col, "%s", msg);
}

/* Column (1-based, characters) of buf offset `at`, whose line starts at
 * `line_start`. */
static unsigned long
col_at(const chiso_csv_reader *r,
       size_t line_start,
       size_t at,
       unsigned long line)
{
    if (line == 1 && r->base == 0 && line_start < r->bom) {
        line_start = r->bom;
    }
    if (at < line_start) {
        return 1;
    }
    return (unsigned long)chiso_utf8_count(r->buf + line_start,
                                           at - line_start) +
           1;
}

/* Make room and read more input, keeping bytes from `keep` on. */
static chiso_status
refill(chiso_csv_reader *r, size_t keep, chiso_diag *diag)
{
    ssize_t got;
    size_t shift;

    if (r->fd < 0 || r->eof) {
        r->eof = 1;
        return CHISO_OK;
    }
    shift = keep;
    if (shift > 0) {
        memmove(r->buf, r->buf + shift, r->len - shift);
        r->len -= shift;
        r->pos -= shift;
        r->base += shift;
        if (r->rec_open) {
            r->rec_start -= shift;
        }
        r->last_start = r->last_end = 0;
    }
    if (r->cap - r->len < CSV_CHUNK / 2) {
        size_t max = r->opts.max_record_bytes ? r->opts.max_record_bytes
                                              : CSV_MAX_RECORD;
        size_t ncap = r->cap * 2;
        char *nb;
        if (r->len > max + CSV_CHUNK) {
            return fail(r, diag, CHISO_EPARSE, r->rec_line, 1,
                        "record longer than %zu bytes (an unterminated "
                        "quote?)",
                        max);
        }
        nb = realloc(r->buf, ncap);
        if (nb == NULL) {
            return fail(r, diag, CHISO_ENOMEM, 0, 0, "out of memory");
        }
        r->buf = nb;
        r->cap = ncap;
    }
    for (;;) {
        got = read(r->fd, r->buf + r->len, r->cap - r->len);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        break;
    }
    if (got < 0) {
        r->failed = 1;
        return chiso_diag_set_errno(diag, r->path, errno, "cannot read");
    }
    if (got == 0) {
        r->eof = 1;
    }
    r->len += (size_t)got;
    return CHISO_OK;
}

/* Find the end of the line at r->pos (index after '\n', or len at EOF).
 * Returns 0 when more input is needed and possible. */
static chiso_status
line_end(chiso_csv_reader *r, size_t *end, chiso_diag *diag)
{
    for (;;) {
        const char *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
        chiso_status st;
        if (nl != NULL) {
            *end = (size_t)(nl - r->buf) + 1;
            return CHISO_OK;
        }
        if (r->eof) {
            *end = r->len;
            return CHISO_OK;
        }
        st = refill(r, r->rec_open ? r->rec_start : r->pos, diag);
        if (st != CHISO_OK) {
            return st;
        }
    }
}

static void
detect_delimiter(chiso_csv_reader *r, size_t start, size_t end)
{
    size_t i, n_comma = 0, n_semi = 0, n_tab = 0;
    int inq = 0;

    for (i = start; i < end; i++) {
        char c = r->buf[i];
        if (c == '"') {
            inq = !inq;
        } else if (!inq) {
            n_comma += c == ',';
            n_semi += c == ';';
            n_tab += c == '\t';
        }
    }
    r->delim = ',';
    if (n_semi > n_comma && n_semi >= n_tab) {
        r->delim = ';';
    } else if (n_tab > n_comma && n_tab > n_semi) {
        r->delim = '\t';
    }
}

/* First line: encoding checks, BOM, Excel's "sep=X" line, delimiter. */
static chiso_status
start(chiso_csv_reader *r, chiso_diag *diag)
{
    size_t end;
    chiso_status st;
    const unsigned char *u;

    r->started = 1;
    while (r->len < 4 && !r->eof) {
        st = refill(r, 0, diag);
        if (st != CHISO_OK) {
            return st;
        }
    }
    u = (const unsigned char *)r->buf;
    if (r->len >= 2 &&
        ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        return fail(r, diag, CHISO_EPARSE, 1, 1,
                    "file is UTF-16; save it as \"CSV UTF-8\"");
    }
    if (r->len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        r->bom = 3;
        r->pos = 3;
    }
    st = line_end(r, &end, diag);
    if (st != CHISO_OK) {
        return st;
    }
    if (memchr(r->buf + r->pos, '\n', end - r->pos) == NULL &&
        memchr(r->buf + r->pos, '\r', end - r->pos) != NULL) {
        const char *cr = memchr(r->buf + r->pos, '\r', end - r->pos);
        if (cr + 1 < r->buf + end) {
            return fail(r, diag, CHISO_EPARSE, 1,
                        col_at(r, 0, (size_t)(cr - r->buf), 1),
                        "lines end with a bare carriage return (old Mac "
                        "format); save the file as \"CSV UTF-8\"");
        }
    }
    if (end - r->pos >= 5 && strncmp(r->buf + r->pos, "sep=", 4) == 0 &&
        (r->buf[r->pos + 4] == '\t' ||
         (r->buf[r->pos + 4] > ' ' && r->buf[r->pos + 4] < 0x7F &&
          r->buf[r->pos + 4] != '"'))) {
        size_t k = r->pos + 5;
        while (k < end && (r->buf[k] == '\r' || r->buf[k] == '\n')) {
            k++;
        }
        if (k == end) {
            r->delim = r->buf[r->pos + 4];
            r->pos = end;
            r->line++;
            return CHISO_OK;
        }
    }
    if (r->opts.delimiter != 0) {
        r->delim = r->opts.delimiter;
    } else {
        detect_delimiter(r, r->pos, end);
    }
    return CHISO_OK;
}

static chiso_status
check_line(chiso_csv_reader *r, size_t s, size_t e, chiso_diag *diag)
{
    const char *z = memchr(r->buf + s, '\0', e - s);
    size_t bad;

    if (z != NULL) {
        size_t at = (size_t)(z - r->buf);
        return fail(r, diag, CHISO_EPARSE, r->line, col_at(r, s, at, r->line),
                    "not a text file: NUL byte in line");
    }
    if (!chiso_utf8_valid(r->buf + s, e - s, &bad)) {
        return fail(r, diag, CHISO_EPARSE, r->line,
                    col_at(r, s, s + bad, r->line),
                    "invalid UTF-8 byte 0x%02X; save the file as "
                    "\"CSV UTF-8\"",
                    (unsigned)(unsigned char)r->buf[s + bad]);
    }
    return CHISO_OK;
}

/*
 * Walk the raw record [s, e) and return the offset where field k starts
 * (after leading spaces), its line, and that line's start. If the record
 * ends inside an open quote, *open_quote receives the offset of that quote.
 */
static size_t
scan_record(const chiso_csv_reader *r,
            size_t s,
            size_t e,
            size_t k,
            unsigned long first_line,
            unsigned long *line,
            size_t *line_start,
            size_t *open_quote)
{
    size_t i = s, field = 0, fstart = s, ls = s, q = (size_t)-1;
    unsigned long ln = first_line, f_line = first_line;
    int inq = 0, at_field_start = 1, found = 0;
    size_t f_ls = s;

    if (r->base == 0 && s < r->bom) {
        i = fstart = ls = f_ls = r->bom;
    }
    for (; i < e; i++) {
        char c = r->buf[i];
        if (at_field_start && (c == ' ' || (c == '\t' && r->delim != '\t'))) {
            continue;
        }
        if (at_field_start && field == k && !found) {
            f_line = ln;
            f_ls = ls;
            fstart = i;
            found = 1;
        }
        at_field_start = 0;
        if (inq) {
            if (c == '"') {
                if (i + 1 < e && r->buf[i + 1] == '"') {
                    i++;
                } else {
                    inq = 0;
                }
            } else if (c == '\n') {
                ln++;
                ls = i + 1;
            }
            continue;
        }
        if (c == '"') {
            inq = 1;
            q = i;
        } else if (c == r->delim) {
            field++;
            at_field_start = 1;
        } else if (c == '\n') {
            break;
        }
    }
    if (!found) {
        /* the field does not exist (or is empty at the end): point just
         * past the record's text */
        while (i > s && (r->buf[i - 1] == '\n' || r->buf[i - 1] == '\r')) {
            i--;
        }
        fstart = i;
        f_line = ln;
        f_ls = ls;
    }
    if (open_quote != NULL) {
        *open_quote = inq ? q : (size_t)-1;
    }
    *line = f_line;
    *line_start = f_ls;
    return fstart;
}

/* Feed lines until a record completes or input ends. */
static chiso_status
read_record(chiso_csv_reader *r, int *got, chiso_diag *diag)
{
    chiso_status st;

    *got = 0;
    r->nf = 0;
    r->fbytes.len = 0;
    r->row_done = 0;
    while (!r->row_done) {
        size_t end, used;
        size_t max = r->opts.max_record_bytes ? r->opts.max_record_bytes
                                              : CSV_MAX_RECORD;
        if (r->pos >= r->len && !r->eof) {
            st = refill(r, r->rec_open ? r->rec_start : r->pos, diag);
            if (st != CHISO_OK) {
                return st;
            }
            continue;
        }
        if (r->pos >= r->len && r->eof) {
            if (r->finished) {
                return CHISO_OK;
            }
            r->finished = 1;
            if (csv_fini(&r->parser, on_field, on_record, r) != 0) {
                unsigned long ln;
                size_t ls, q;
                scan_record(r, r->rec_start, r->len, 0, r->rec_line, &ln, &ls,
                            &q);
                if (q != (size_t)-1) {
                    unsigned long qline = r->rec_line;
                    size_t i, qls = r->rec_start;
                    for (i = r->rec_start; i < q; i++) {
                        if (r->buf[i] == '\n') {
                            qline++;
                            qls = i + 1;
                        }
                    }
                    return fail(r, diag, CHISO_EPARSE, qline,
                                col_at(r, qls, q, qline),
                                "unterminated quoted field (the quote opened "
                                "here is never closed)");
                }
                return fail(r, diag, CHISO_EPARSE, r->rec_line, 1,
                            "malformed record at end of file");
            }
            if (r->oom) {
                return fail(r, diag, CHISO_ENOMEM, 0, 0, "out of memory");
            }
            if (r->row_done) {
                r->last_start = r->rec_start;
                r->last_end = r->len;
                r->last_line = r->rec_line;
                r->rec_open = 0;
                *got = 1;
            }
            return CHISO_OK;
        }
        st = line_end(r, &end, diag);
        if (st != CHISO_OK) {
            return st;
        }
        if (!r->rec_open) {
            r->rec_start = r->pos;
            r->rec_line = r->line;
        }
        st = check_line(r, r->pos, end, diag);
        if (st != CHISO_OK) {
            return st;
        }
        used = csv_parse(&r->parser, r->buf + r->pos, end - r->pos, on_field,
                         on_record, r);
        if (r->oom) {
            return fail(r, diag, CHISO_ENOMEM, 0, 0, "out of memory");
        }
        if (used < end - r->pos) {
            /* libcsv returns the count of bytes before the offending one */
            size_t at = r->pos + used;
            size_t ls = r->pos;
            if (r->buf[at] == '"') {
                return fail(r, diag, CHISO_EPARSE, r->line,
                            col_at(r, ls, at, r->line),
                            "unexpected quote inside an unquoted field "
                            "(quote the whole field and double inner "
                            "quotes)");
            }
            return fail(r, diag, CHISO_EPARSE, r->line,
                        col_at(r, ls, at, r->line),
                        "unexpected character after a closing quote");
        }
        r->pos = end;
        r->line++;
        if (r->row_done) {
            r->last_start = r->rec_start;
            r->last_end = end;
            r->last_line = r->rec_line;
            r->rec_open = 0;
            *got = 1;
            return CHISO_OK;
        }
        r->rec_open = r->parser.pstate != 0 || r->nf > 0;
        if (r->rec_open && r->pos - r->rec_start > max) {
            return fail(r, diag, CHISO_EPARSE, r->rec_line, 1,
                        "record longer than %zu bytes (an unterminated "
                        "quote?)",
                        max);
        }
    }
    return CHISO_OK;
}

static chiso_status
reader_new(chiso_csv_reader **out,
           const char *path,
           const chiso_csv_options *opts,
           chiso_diag *diag)
{
    chiso_csv_reader *r = calloc(1, sizeof(*r));

    *out = NULL;
    if (r == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    r->fd = -1;
    r->path = chiso_strdup(path ? path : "");
    if (opts != NULL) {
        r->opts = *opts;
    }
    r->fast = !r->opts.reference;
    r->line = 1;
    if (r->path == NULL || csv_init(&r->parser, (unsigned char)CSV_OPTS) != 0) {
        free(r->path);
        free(r);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    r->parser_ready = 1;
    csv_set_space_func(&r->parser, is_space);
    csv_set_term_func(&r->parser, is_term);
    *out = r;
    return CHISO_OK;
}

chiso_status
chiso_csv_open(chiso_csv_reader **out,
               const char *path,
               const chiso_csv_options *opts,
               chiso_diag *diag)
{
    chiso_csv_reader *r;
    chiso_status st = reader_new(&r, path, opts, diag);

    *out = NULL;
    if (st != CHISO_OK) {
        return st;
    }
    if (strcmp(path, "-") == 0) {
        r->fd = 0;
    } else {
        r->fd = open(path, O_RDONLY);
        r->own_fd = 1;
        if (r->fd < 0) {
            int err = errno;
            r->own_fd = 0;
            chiso_csv_close(r);
            return chiso_diag_set_errno(diag, path, err, "cannot open");
        }
    }
    r->cap = CSV_CHUNK;
    r->buf = malloc(r->cap);
    if (r->buf == NULL) {
        chiso_csv_close(r);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    *out = r;
    return CHISO_OK;
}

/* Bytes already read from the reader's descriptor (the first bytes of a
 * pipe, read to tell a workbook from a text): they come first. Call right
 * after chiso_csv_open(); n at most the reader's buffer. */
void
chiso__csv_prime(chiso_csv_reader *r, const char *data, size_t n)
{
    if (r != NULL && r->cap >= n && r->len == 0) {
        memcpy(r->buf, data, n);
        r->len = n;
    }
}

chiso_status
chiso_csv_open_mem(chiso_csv_reader **out,
                   const char *name,
                   const char *data,
                   size_t len,
                   const chiso_csv_options *opts,
                   chiso_diag *diag)
{
    chiso_csv_reader *r;
    chiso_status st = reader_new(&r, name, opts, diag);

    *out = NULL;
    if (st != CHISO_OK) {
        return st;
    }
    r->buf = (char *)(uintptr_t)data; /* never written: cap stays 0 */
    r->len = len;
    r->eof = 1;
    *out = r;
    return CHISO_OK;
}

void
chiso_csv_close(chiso_csv_reader *r)
{
    size_t i;

    if (r == NULL) {
        return;
    }
    if (r->parser_ready) {
        csv_free(&r->parser);
    }
    if (r->own_fd) {
        close(r->fd);
    }
    if (r->cap > 0) {
        free(r->buf);
    }
    for (i = 0; i < r->n_header; i++) {
        free(r->header[i]);
    }
    free(r->header);
    chiso_buf_free(&r->fbytes);
    free(r->foff);
    free(r->flen);
    free(r->fptr);
    free((void *)(uintptr_t)r->ff.f);
    free(r->ff.len);
    free(r->ff.scratch);
    free(r->path);
    free(r);
}

static chiso_status
fill_row(chiso_csv_reader *r, chiso_csv_row *row, chiso_diag *diag)
{
    size_t i;

    if (r->fptr_cap < r->fcap + 1) {
        const char **p = realloc(r->fptr, (r->fcap + 1) * sizeof(*p));
        if (p == NULL) {
            return fail(r, diag, CHISO_ENOMEM, 0, 0, "out of memory");
        }
        r->fptr = p;
        r->fptr_cap = r->fcap + 1;
    }
    for (i = 0; i < r->nf; i++) {
        r->fptr[i] = r->fbytes.data + r->foff[i];
    }
    row->n = r->nf;
    row->field = r->fptr;
    row->len = r->flen;
    row->line = r->rec_line;
    row->record = r->records;
    return CHISO_OK;
}

/* Room for n fields in the reader's field arrays. */
static int
reserve_fields(chiso_csv_reader *r, size_t n)
{
    size_t cap = r->fcap;
    size_t *o, *l;

    if (n <= r->fcap) {
        return 0;
    }
    while (cap < n) {
        cap = cap ? cap * 2 : 32;
    }
    o = realloc(r->foff, cap * sizeof(*o));
    if (o == NULL) {
        return -1;
    }
    r->foff = o;
    l = realloc(r->flen, cap * sizeof(*l));
    if (l == NULL) {
        return -1;
    }
    r->flen = l;
    r->fcap = cap;
    return 0;
}

/* Grow the tokenizer's field arrays to cap. */
static int
grow_tok_fields(chiso_csv_reader *r, size_t cap)
{
    const char **f = realloc((void *)(uintptr_t)r->ff.f, cap * sizeof(*f));
    size_t *l;

    if (f == NULL) {
        return -1;
    }
    r->ff.f = f;
    l = realloc(r->ff.len, cap * sizeof(*l));
    if (l == NULL) {
        return -1;
    }
    r->ff.len = l;
    r->ff.cap = cap;
    return 0;
}

/*
 * Cut the next record with the fast tokenizer. *got: 1 a record (fields
 * copied, NUL-terminated, as libcsv's), -1 end of input, 0 leave this
 * record to libcsv (the reader is at its start, libcsv in its initial
 * state).
 */
static chiso_status
fast_record(chiso_csv_reader *r, int *got, chiso_diag *diag)
{
    *got = 0;
    if (r->ff.scratch == NULL) {
        /* a record's escaped fields are no longer than the record; memory
         * input is no longer than itself */
        r->ff.scratch_cap = CHISO__TOK_MAX_RECORD + 64;
        if (r->cap == 0 && r->len + 64 < r->ff.scratch_cap) {
            r->ff.scratch_cap = r->len + 64;
        }
        r->ff.scratch = malloc(r->ff.scratch_cap);
        if (r->ff.scratch == NULL ||
            grow_tok_fields(r, r->n_header + 16 > 64 ? r->n_header + 16 : 64) !=
                0) {
            return fail(r, diag, CHISO_ENOMEM, 0, 0, "out of memory");
        }
    }
    for (;;) {
        size_t nf = 0, used = 0, i;
        int quoted = 0, t;
        unsigned long nl;

        if (r->finished || r->rec_open) {
            return CHISO_OK; /* libcsv is inside a record */
        }
        if (r->pos >= r->len) {
            if (r->eof) {
                *got = -1;
                return CHISO_OK;
            }
            if (refill(r, r->pos, diag) != CHISO_OK) {
                return CHISO_EIO;
            }
            continue;
        }
        t = chiso__tokenize(&r->tok, &r->ff, r->buf + r->pos, r->buf + r->len,
                            r->eof, &nf, &used, &quoted);
        if (t == CHISO__T_MORE) {
            if (r->eof || r->fd < 0 ||
                r->len - r->pos > CHISO__TOK_MAX_RECORD) {
                return CHISO_OK;
            }
            if (refill(r, r->pos, diag) != CHISO_OK) {
                return r->failed ? CHISO_EIO : CHISO_EPARSE;
            }
            continue;
        }
        if (t == CHISO__T_BAD) {
            if (nf == r->ff.cap && r->ff.cap < 65536) {
                if (grow_tok_fields(r, r->ff.cap * 2) != 0) {
                    return fail(r, diag, CHISO_ENOMEM, 0, 0, "out of memory");
                }
                continue;
            }
            return CHISO_OK;
        }
        nl = quoted ? (unsigned long)chiso__count_nl(r->buf + r->pos, used)
                    : (unsigned long)(used > 0 &&
                                      r->buf[r->pos + used - 1] == '\n');
        if (t == CHISO__T_BLANK) {
            r->pos += used;
            r->line += nl;
            continue;
        }
        /* copy the fields, NUL-terminated, as libcsv's callbacks do: at
         * most the record's bytes plus a NUL per field */
        r->fbytes.len = 0;
        if (reserve_fields(r, nf) != 0 ||
            chiso_buf_reserve(&r->fbytes, used + nf + 1) != CHISO_OK) {
            return fail(r, diag, CHISO_ENOMEM, 0, 0, "out of memory");
        }
        for (i = 0; i < nf; i++) {
            char *dst = r->fbytes.data + r->fbytes.len;
            r->foff[i] = r->fbytes.len;
            r->flen[i] = r->ff.len[i];
            memcpy(dst, r->ff.f[i], r->ff.len[i]);
            dst[r->ff.len[i]] = '\0';
            r->fbytes.len += r->ff.len[i] + 1;
        }
        r->nf = nf;
        r->rec_start = r->pos;
        r->rec_line = r->line;
        r->last_start = r->pos;
        r->last_end = r->pos + used;
        r->last_line = r->line;
        r->pos += used;
        r->line += nl;
        *got = 1;
        return CHISO_OK;
    }
}

chiso_status
chiso_csv_next(chiso_csv_reader *r, chiso_csv_row *row, chiso_diag *diag)
{
    chiso_status st;
    int got;

    memset(row, 0, sizeof(*row));
    if (r->failed) {
        return CHISO_EINVAL;
    }
    if (!r->started) {
        st = start(r, diag);
        if (st != CHISO_OK) {
            return st;
        }
        csv_set_delim(&r->parser, (unsigned char)r->delim);
        if (r->delim == '\t') {
            csv_set_space_func(&r->parser, is_space_notab);
        }
        chiso__tok_init(&r->tok, r->delim);
    }
    got = 0;
    if (r->fast) {
        st = fast_record(r, &got, diag);
        if (st != CHISO_OK) {
            return st;
        }
        if (got < 0) {
            return CHISO_DONE;
        }
    }
    if (got == 0) {
        st = read_record(r, &got, diag);
    } else {
        st = CHISO_OK;
    }
    if (st != CHISO_OK) {
        return st;
    }
    if (!got) {
        return CHISO_DONE;
    }
    r->records++;
    st = fill_row(r, row, diag);
    if (st != CHISO_OK) {
        return st;
    }
    if (r->n_header == 0) {
        size_t i;
        r->header = calloc(r->nf ? r->nf : 1, sizeof(*r->header));
        if (r->header == NULL) {
            return fail(r, diag, CHISO_ENOMEM, 0, 0, "out of memory");
        }
        r->n_header = r->nf;
        for (i = 0; i < r->nf; i++) {
            r->header[i] = chiso_strndup(row->field[i], row->len[i]);
            if (r->header[i] == NULL) {
                return fail(r, diag, CHISO_ENOMEM, 0, 0, "out of memory");
            }
        }
        return CHISO_OK;
    }
    if (row->n != r->n_header && !r->opts.allow_ragged) {
        size_t i;
        unsigned long line, col;
        if (row->n > r->n_header) {
            /* Excel sometimes writes trailing empty cells: allow those */
            for (i = r->n_header; i < row->n && row->len[i] == 0; i++) {
            }
            if (i == row->n) {
                row->n = r->n_header;
                return CHISO_OK;
            }
            chiso_csv_field_position(r, row, r->n_header, &line, &col);
        } else {
            chiso_csv_field_position(r, row, row->n, &line, &col);
        }
        return fail(r, diag, CHISO_EPARSE, line, col,
                    "row has %zu fields but the header has %zu", row->n,
                    r->n_header);
    }
    return CHISO_OK;
}

char
chiso_csv_delimiter(const chiso_csv_reader *r)
{
    return r->delim;
}

const char *
chiso_csv_path(const chiso_csv_reader *r)
{
    return r->path;
}

size_t
chiso_csv_header_count(const chiso_csv_reader *r)
{
    return r->n_header;
}

const char *
chiso_csv_header_name(const chiso_csv_reader *r, size_t i)
{
    return i < r->n_header ? r->header[i] : "";
}

uint64_t
chiso_csv_bytes_read(const chiso_csv_reader *r)
{
    return r->base + r->pos;
}

unsigned long
chiso_csv_next_line(const chiso_csv_reader *r)
{
    return r->line;
}

const char *
chiso_csv_raw_record(const chiso_csv_reader *r, size_t *len)
{
    if (r->last_end <= r->last_start) {
        *len = 0;
        return NULL;
    }
    *len = r->last_end - r->last_start;
    return r->buf + r->last_start;
}

void
chiso_csv_field_position(const chiso_csv_reader *r,
                         const chiso_csv_row *row,
                         size_t k,
                         unsigned long *line,
                         unsigned long *column)
{
    size_t ls, at;

    if (r->last_end <= r->last_start || row->line != r->last_line) {
        *line = row->line;
        *column = 0;
        return;
    }
    at = scan_record(r, r->last_start, r->last_end, k, r->last_line, line, &ls,
                     NULL);
    *column = col_at(r, ls, at, *line);
}

chiso_status
chiso_csv_field_error(const chiso_csv_reader *r,
                      chiso_diag *diag,
                      chiso_status code,
                      const chiso_csv_row *row,
                      size_t k,
                      const char *fmt,
                      ...)
{
    unsigned long line, col;
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg),
              chiso_msg(diag != NULL ? diag->lang : CHISO_LANG_VI, fmt), ap);
    va_end(ap);
    chiso_csv_field_position(r, row, k, &line, &col);
    return chiso_diag_set(diag, code, r->path, line, col, "%s", msg);
}

const char *
chiso_csv_field(const chiso_csv_row *row, long k, size_t *len)
{
    if (k < 0 || (size_t)k >= row->n) {
        if (len != NULL) {
            *len = 0;
        }
        return "";
    }
    if (len != NULL) {
        *len = row->len[k];
    }
    return row->field[k];
}

/* ---- header binding ------------------------------------------------------ */

/* a[0..n) equals b, both compared without '_' (so "NgayTiepNhan",
 * "Ngày tiếp nhận" and "ngay_tiep_nhan" are one name). */
static int
same_key(const char *a, size_t n, const char *b)
{
    size_t i = 0;

    for (;;) {
        while (i < n && a[i] == '_') {
            i++;
        }
        while (*b == '_') {
            b++;
        }
        if (i == n || *b == '\0') {
            return i == n && *b == '\0';
        }
        if (a[i] != *b) {
            return 0;
        }
        i++;
        b++;
    }
}

int
chiso__column_match(const char *folded, const chiso_csv_column *c)
{
    const char *a, *bar;
    size_t n;

    if (same_key(c->name, strlen(c->name), folded)) {
        return 1;
    }
    for (a = c->aliases; a != NULL && *a; a = bar ? bar + 1 : NULL) {
        bar = strchr(a, '|');
        n = bar ? (size_t)(bar - a) : strlen(a);
        if (same_key(a, n, folded)) {
            return 1;
        }
        if (bar == NULL) {
            break;
        }
    }
    return 0;
}

chiso_status
chiso_csv_bind(chiso_csv_reader *r,
               const chiso_csv_column *cols,
               size_t n_cols,
               long *index,
               chiso_diag *diag)
{
    chiso_csv_row row;
    chiso_status st;
    size_t i, j;
    char folded[256];

    for (j = 0; j < n_cols; j++) {
        index[j] = -1;
    }
    if (r->n_header == 0) {
        st = chiso_csv_next(r, &row, diag);
        if (st == CHISO_DONE) {
            return fail(r, diag, CHISO_EPARSE, 1, 1,
                        "empty file: expected a header row");
        }
        if (st != CHISO_OK) {
            return st;
        }
    } else {
        memset(&row, 0, sizeof(row));
        row.line = 1;
    }
    for (i = 0; i < r->n_header; i++) {
        chiso_text_fold(r->header[i], strlen(r->header[i]), folded,
                        sizeof(folded));
        for (j = 0; j < n_cols; j++) {
            if (!chiso__column_match(folded, &cols[j])) {
                continue;
            }
            if (index[j] >= 0) {
                unsigned long line, col;
                chiso_csv_field_position(r, &row, i, &line, &col);
                return fail(r, diag, CHISO_ESCHEMA, line, col,
                            "columns '%s' and '%s' both mean '%s'",
                            r->header[index[j]], r->header[i], cols[j].name);
            }
            index[j] = (long)i;
            break;
        }
    }
    for (j = 0; j < n_cols; j++) {
        if (cols[j].required && index[j] < 0) {
            chiso_buf names = CHISO_BUF_INIT, alias = CHISO_BUF_INIT;
            const char *a;
            for (i = 0; i < r->n_header; i++) {
                chiso_buf_printf(&names, "%s'%s'", i ? ", " : "", r->header[i]);
            }
            for (a = cols[j].aliases; a != NULL && *a; a++) {
                chiso_buf_append(&alias, *a == '|' ? ", " : a,
                                 *a == '|' ? 2 : 1);
            }
            st = fail(r, diag, CHISO_ESCHEMA, 1, 1,
                      "missing column '%s' (also accepted: %s); the header "
                      "has %s",
                      cols[j].name, alias.data ? alias.data : "-",
                      names.data ? names.data : "no columns");
            chiso_buf_free(&names);
            chiso_buf_free(&alias);
            return st;
        }
    }
    return CHISO_OK;
}

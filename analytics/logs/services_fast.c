/*
 * services_fast.c - the fast path for dossier logs: a CSV tokenizer that
 * reproduces the reference reader (libcsv with CSV_STRICT, space trimming,
 * '\n' records, blank lines skipped, NUL and invalid UTF-8 refused) on
 * well-formed input, and a split of the file over threads.
 *
 * Why: libcsv calls back per field and copies every byte into its entry
 * buffer; the reference reader also hands it one line at a time and checks
 * each line. Measured on the 1 M-row benchmark file (README "Benchmark"),
 * that bounds a single core well below the bytes' own speed. This
 * tokenizer scans a byte-class table over a buffer, points at unquoted
 * fields in place and copies only fields with doubled quotes.
 *
 * Bad rows (a value the row parser refuses, a wrong field count) are
 * kept with their position, computed exactly as the reference reader
 * computes it (reject_position), and handed to the reject callback in file
 * order once every thread is done, or, without a callback, the first one
 * becomes the error. Anything else it does not accept exactly as libcsv
 * would - a quote inside an unquoted field, text after a closing quote, an
 * unterminated quote, NUL, invalid UTF-8, a record over 1 MiB, a tab
 * delimiter - makes it return SVC_FAST_FALLBACK, and the caller reads the
 * whole file again with the reference reader, which produces the message.
 *
 * Splitting: thread k starts at a guessed record start s_k, the byte after
 * the first '\n' past k/T of the file; a guess may be wrong when that '\n'
 * sits inside a quoted field. Thread k-1, which started at a confirmed
 * record start, parses until its next record would begin at or after
 * s_k: if it begins exactly at s_k, s_k is confirmed and thread k-1 stops;
 * if the record straddles s_k, the guess was wrong and thread k-1 simply
 * carries on (to s_{k+1}, and so on, or to the end of the file). The used
 * threads form a chain from thread 0; the work of an unconfirmed thread is
 * discarded. So a wrong guess costs time, never correctness.
 */
#define _POSIX_C_SOURCE 200809L
#include "logs_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define FAST_READ      (2u << 20) /* bytes per pread */
#define FAST_MAX_REC   (1u << 20) /* longer records: fall back */
#define FAST_MAX_EXTRA 16         /* fields beyond the header */
#define FAST_MAX_BAD   100000     /* bad rows held for the callback */

enum { T_ROW, T_BLANK, T_MORE, T_BAD };

/* A bad row met on the fast path, kept until the line numbers are known. */
typedef struct fbad {
    uint64_t nl_before;     /* '\n' between the job's start and the record */
    unsigned long rel_line; /* line of the field within the record, 0-based */
    unsigned long column;
    chiso_status code;
    char *msg;
    char **field; /* the row's fields as read */
    size_t *flen;
    size_t n;
} fbad;

uint64_t svc_fast_min_split = 4u << 20;

typedef struct fjob {
    /* input */
    int fd;
    const char *data; /* memory input, or NULL */
    uint64_t size;
    uint64_t start;
    const uint64_t *bounds;
    size_t n_bounds, self;
    unsigned char delim;
    const svc_layout *L;
    atomic_int *stop; /* set when thread 0 gives up: the others stop */
    size_t keep_max;  /* bad rows kept with their message; more are only
                         counted */
    int keep_fields;  /* 1: keep the fields of bad rows (for on_reject) */
    /* state */
    char *buf;
    size_t cap, len;
    uint64_t base;
    char *scratch;
    size_t scratch_cap, scratch_len;
    const char **f;
    size_t *flen;
    size_t fcap;
    unsigned char ucls[256]; /* unquoted field: stop on these */
    unsigned char qcls[256]; /* quoted field: stop on these */
    /* output */
    svc_acc acc;
    uint64_t rows;
    uint64_t lines; /* '\n' consumed since start */
    fbad *bad;
    size_t n_bad, cap_bad;
    uint64_t n_bad_counted; /* bad rows beyond keep_max */
    int irregular;
    int sys_err;   /* errno of a failed read, or -1 for out of memory */
    size_t linked; /* job whose start this one reached; n_bounds = EOF */
} fjob;

static int
is_sp(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Byte scans. Plain fields are skipped 16 bytes at a time with SSE2 (part
 * of every x86-64 CPU) and byte by byte elsewhere; the stop sets are the
 * bytes libcsv treats specially. Bytes >= 0x80 are not stops: the record
 * is checked for UTF-8 once it is cut (first_nonascii).
 */
static const unsigned char *
scan_unquoted(const fjob *J, const unsigned char *p, const unsigned char *e)
{
#if defined(__SSE2__)
    const __m128i vd = _mm_set1_epi8((char)J->delim);
    const __m128i vn = _mm_set1_epi8('\n');
    const __m128i vq = _mm_set1_epi8('"');
    const __m128i vz = _mm_setzero_si128();

    while (e - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, vd), _mm_cmpeq_epi8(x, vn)),
            _mm_or_si128(_mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vz)));
        int bits = _mm_movemask_epi8(m);
        if (bits != 0) {
            return p + __builtin_ctz((unsigned)bits);
        }
        p += 16;
    }
#endif
    while (p < e && !J->ucls[*p]) {
        p++;
    }
    return p;
}

static const unsigned char *
scan_quoted(const fjob *J, const unsigned char *p, const unsigned char *e)
{
#if defined(__SSE2__)
    const __m128i vq = _mm_set1_epi8('"');
    const __m128i vz = _mm_setzero_si128();

    while (e - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        int bits = _mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vz)));
        if (bits != 0) {
            return p + __builtin_ctz((unsigned)bits);
        }
        p += 16;
    }
#endif
    while (p < e && !J->qcls[*p]) {
        p++;
    }
    return p;
}

static const unsigned char *
first_nonascii(const unsigned char *p, const unsigned char *e)
{
#if defined(__SSE2__)
    while (e - p >= 16) {
        int bits = _mm_movemask_epi8(
            _mm_loadu_si128((const __m128i *)(const void *)p));
        if (bits != 0) {
            return p + __builtin_ctz((unsigned)bits);
        }
        p += 16;
    }
#endif
    while (p < e && *p < 0x80) {
        p++;
    }
    return p < e ? p : NULL;
}

/* The rules of chiso_utf8_valid (shortest forms, no surrogates, at most
 * U+10FFFF), inlined for the hot path. */
static int
utf8_ok(const unsigned char *p, const unsigned char *e)
{
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
        } else if (c >= 0xC2 && c <= 0xDF) {
            if (e - p < 2 || (p[1] & 0xC0) != 0x80) {
                return 0;
            }
            p += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            unsigned v;
            if (e - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) {
                return 0;
            }
            v = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)) {
                return 0;
            }
            p += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            unsigned v;
            if (e - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
                (p[3] & 0xC0) != 0x80) {
                return 0;
            }
            v = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) |
                ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
            if (v < 0x10000 || v > 0x10FFFF) {
                return 0;
            }
            p += 4;
        } else {
            return 0;
        }
    }
    return 1;
}

static int
add_field(fjob *J, size_t *nf, const char *s, size_t n)
{
    if (*nf == J->fcap) {
        return -1;
    }
    J->f[*nf] = s;
    J->flen[*nf] = n;
    (*nf)++;
    return 0;
}

/*
 * Tokenize one record starting at p0 (libcsv state ROW_NOT_BEGUN) within
 * [p0, end). at_eof: end is the end of the input. On T_ROW or T_BLANK,
 * *used is the byte count consumed (through the '\n').
 */
static int
tokenize(int *quoted,
         fjob *J,
         const char *p0,
         const char *end,
         int at_eof,
         size_t *nf,
         size_t *used)
{
    const unsigned char *p = (const unsigned char *)p0;
    const unsigned char *e = (const unsigned char *)end;
    const unsigned char d = J->delim;
    const unsigned char *nonascii;

    *nf = 0;
    *quoted = 0;
    J->scratch_len = 0;
    for (;;) {
        const unsigned char *fs;
        /* ROW_NOT_BEGUN / FIELD_NOT_BEGUN: leading spaces are skipped */
        while (p < e && is_sp(*p)) {
            p++;
        }
        if (p == e) {
            if (!at_eof) {
                return T_MORE;
            }
            if (*nf == 0) {
                *used = (size_t)(p - (const unsigned char *)p0);
                return T_BLANK;
            }
            /* csv_fini in FIELD_NOT_BEGUN: an empty last field */
            if (add_field(J, nf, (const char *)p, 0) != 0) {
                return T_BAD;
            }
            goto row_done;
        }
        if (*p == '\n') {
            if (*nf == 0) {
                *used = (size_t)(p + 1 - (const unsigned char *)p0);
                return T_BLANK; /* libcsv does not report empty rows */
            }
            if (add_field(J, nf, (const char *)p, 0) != 0) {
                return T_BAD;
            }
            p++;
            goto row_done;
        }
        if (*p == d) {
            if (add_field(J, nf, (const char *)p, 0) != 0) {
                return T_BAD;
            }
            p++;
            continue;
        }
        if (*p != '"') {
            /* unquoted: up to the delimiter or '\n'; trailing spaces go */
            const unsigned char *fe;
            fs = p;
            p = scan_unquoted(J, p, e);
            if (p == e && !at_eof) {
                return T_MORE;
            }
            if (p < e && (*p == '"' || *p == 0)) {
                return T_BAD; /* CSV_STRICT: quote inside unquoted field */
            }
            fe = p;
            while (fe > fs && is_sp(fe[-1])) {
                fe--;
            }
            if (add_field(J, nf, (const char *)fs, (size_t)(fe - fs)) != 0) {
                return T_BAD;
            }
            if (p == e) {
                goto row_done; /* csv_fini in FIELD_BEGUN */
            }
            if (*p++ == '\n') {
                goto row_done;
            }
            continue;
        }
        /* quoted: "" is a quote; after the closing quote only spaces, then
         * the delimiter or '\n' */
        {
            size_t s0 = J->scratch_len;
            int escaped = 0;
            *quoted = 1;
            p++;
            fs = p;
            for (;;) {
                p = scan_quoted(J, p, e);
                if (p == e) {
                    return at_eof ? T_BAD : T_MORE; /* unterminated */
                }
                if (*p == 0) {
                    return T_BAD;
                }
                /* a quote */
                if (p + 1 == e && !at_eof) {
                    return T_MORE;
                }
                if (p + 1 < e && p[1] == '"') {
                    size_t n = (size_t)(p + 1 - fs);
                    if (J->scratch_len + n > J->scratch_cap) {
                        return T_BAD;
                    }
                    memcpy(J->scratch + J->scratch_len, fs, n);
                    J->scratch_len += n;
                    escaped = 1;
                    p += 2;
                    fs = p;
                    continue;
                }
                break;
            }
            if (escaped) {
                size_t n = (size_t)(p - fs);
                if (J->scratch_len + n > J->scratch_cap) {
                    return T_BAD;
                }
                memcpy(J->scratch + J->scratch_len, fs, n);
                J->scratch_len += n;
                if (add_field(J, nf, J->scratch + s0, J->scratch_len - s0) !=
                    0) {
                    return T_BAD;
                }
            } else if (add_field(J, nf, (const char *)fs, (size_t)(p - fs)) !=
                       0) {
                return T_BAD;
            }
            p++; /* the closing quote */
            while (p < e && is_sp(*p)) {
                p++;
            }
            if (p == e) {
                if (!at_eof) {
                    return T_MORE;
                }
                goto row_done;
            }
            if (*p == d) {
                p++;
                continue;
            }
            if (*p == '\n') {
                p++;
                goto row_done;
            }
            return T_BAD;
        }
    }
row_done:
    *used = (size_t)(p - (const unsigned char *)p0);
    /* ASCII is always valid: validate from the first other byte on */
    nonascii = first_nonascii((const unsigned char *)p0, p);
    if (nonascii != NULL && !utf8_ok(nonascii, p)) {
        return T_BAD;
    }
    return T_ROW;
}

/*
 * Where field k of the raw record [s, e) starts, exactly as the reference
 * reader's chiso_csv_field_position() finds it (csv_reader.c scan_record +
 * col_at): leading spaces and tabs skipped, quotes followed, a missing
 * field placed just past the record's text. Data records never start at
 * offset 0, so the BOM rule of line 1 does not arise.
 */
static void
reject_position(const fjob *J,
                const char *s,
                const char *e,
                size_t k,
                unsigned long *rel_line,
                unsigned long *column)
{
    const char *i = s, *fstart = s, *ls = s, *f_ls = s;
    unsigned long ln = 0, f_line = 0;
    size_t field = 0;
    int inq = 0, at_field_start = 1, found = 0;

    for (; i < e; i++) {
        char c = *i;
        if (at_field_start && (c == ' ' || c == '\t')) {
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
                if (i + 1 < e && i[1] == '"') {
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
        } else if (c == (char)J->delim) {
            field++;
            at_field_start = 1;
        } else if (c == '\n') {
            break;
        }
    }
    if (!found) {
        while (i > s && (i[-1] == '\n' || i[-1] == '\r')) {
            i--;
        }
        fstart = i;
        f_line = ln;
        f_ls = ls;
    }
    *rel_line = f_line;
    *column =
        (unsigned long)chiso_utf8_count(f_ls, (size_t)(fstart - f_ls)) + 1;
}

/* Newlines in [p, p + n). */
static uint64_t
count_nl(const char *p, size_t n)
{
    const char *e = p + n;
    uint64_t c = 0;

    while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
        c++;
        p++;
    }
    return c;
}

/* Keep a bad row (fields copied). 0, or -1 on allocation failure. */
static int
keep_bad(fjob *J,
         const char *p0,
         size_t used,
         size_t nf,
         size_t field,
         chiso_status code,
         const char *msg)
{
    fbad *b;
    size_t i;

    if (J->n_bad == J->cap_bad) {
        size_t cap = J->cap_bad ? J->cap_bad * 2 : 16;
        fbad *nb = realloc(J->bad, cap * sizeof(*nb));
        if (nb == NULL) {
            return -1;
        }
        J->bad = nb;
        J->cap_bad = cap;
    }
    b = &J->bad[J->n_bad];
    memset(b, 0, sizeof(*b));
    b->nl_before = J->lines;
    b->code = code;
    reject_position(J, p0, p0 + used, field, &b->rel_line, &b->column);
    b->msg = chiso_strdup(msg);
    J->n_bad++;
    if (b->msg == NULL) {
        return -1;
    }
    if (!J->keep_fields) {
        return 0;
    }
    b->field = calloc(nf ? nf : 1, sizeof(*b->field));
    b->flen = calloc(nf ? nf : 1, sizeof(*b->flen));
    if (b->field == NULL || b->flen == NULL) {
        return -1;
    }
    b->n = nf;
    for (i = 0; i < nf; i++) {
        b->field[i] = chiso_strndup(J->f[i], J->flen[i]);
        b->flen[i] = J->flen[i];
        if (b->field[i] == NULL) {
            return -1;
        }
    }
    return 0;
}

/* Keep bytes from absolute offset `keep` on and read more. 0, or -1. */
static int
refill(fjob *J, uint64_t keep)
{
    size_t off = (size_t)(keep - J->base);
    ssize_t got;

    if (off > 0) {
        memmove(J->buf, J->buf + off, J->len - off);
        J->len -= off;
        J->base = keep;
    }
    if (J->cap - J->len < FAST_READ) {
        size_t ncap = J->cap ? J->cap * 2 : 2 * FAST_READ;
        char *nb = realloc(J->buf, ncap);
        if (nb == NULL) {
            J->sys_err = -1;
            return -1;
        }
        J->buf = nb;
        J->cap = ncap;
    }
    for (;;) {
        uint64_t at = J->base + J->len;
        size_t want = J->cap - J->len;
        if (at >= J->size) {
            return 0;
        }
        if (want > J->size - at) {
            want = (size_t)(J->size - at);
        }
        got = pread(J->fd, J->buf + J->len, want, (off_t)at);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        break;
    }
    if (got < 0) {
        J->sys_err = errno;
        return -1;
    }
    if (got == 0) {
        J->irregular = 1; /* the file shrank under us */
        return -1;
    }
    J->len += (size_t)got;
    return 0;
}

static void *
run_job(void *arg)
{
    fjob *J = arg;
    uint64_t pos = J->start;
    size_t next_b = J->self + 1;
    svc_rec rec;
    svc_err err;
    svc_vcache vc;

    memset(&vc, 0, sizeof(vc));
    if (J->data != NULL) {
        J->buf = (char *)(uintptr_t)J->data;
        J->len = (size_t)J->size;
        J->base = 0;
    } else {
        J->base = pos;
    }
    for (;;) {
        size_t off, nf = 0, used = 0, n, bad;
        int at_eof, t, quoted;
        const char *p0;
        chiso_status code;
        const char *msg;
        char count_msg[200];
        uint64_t nl;
        if ((J->rows & 4095) == 0 && J->self > 0 &&
            atomic_load_explicit(J->stop, memory_order_relaxed)) {
            J->irregular = 1;
            break;
        }
        /* a record starts at pos: is it the next thread's start? */
        while (next_b < J->n_bounds && J->bounds[next_b] < pos) {
            next_b++;
        }
        if (next_b < J->n_bounds && J->bounds[next_b] == pos) {
            J->linked = next_b;
            break;
        }
        if (pos >= J->size) {
            J->linked = J->n_bounds;
            break;
        }
        off = (size_t)(pos - J->base);
        if (off >= J->len) {
            if (refill(J, pos) != 0) {
                break;
            }
            continue;
        }
        at_eof = J->base + J->len >= J->size;
        p0 = J->buf + off;
        t = tokenize(&quoted, J, p0, J->buf + J->len, at_eof, &nf, &used);
        if (t == T_MORE) {
            if (J->len - off > FAST_MAX_REC || J->data != NULL) {
                J->irregular = 1;
                break;
            }
            if (refill(J, pos) != 0) {
                break;
            }
            continue;
        }
        if (t == T_BAD) {
            J->irregular = 1;
            break;
        }
        if (used > FAST_MAX_REC) {
            J->irregular = 1;
            break;
        }
        pos += used;
        /* newlines: only the terminator, unless a quoted field held some */
        nl = quoted ? count_nl(p0, used)
                    : (uint64_t)(used > 0 && p0[used - 1] == '\n');
        if (t == T_BLANK) {
            J->lines += nl;
            continue;
        }
        n = nf;
        code = CHISO_OK;
        msg = NULL;
        if (svc_check_count(J->L->n_header, J->flen, &n, &bad) != 0) {
            snprintf(count_msg, sizeof(count_msg),
                     chiso_msg(J->L->lang,
                               "row has %zu fields but the header has %zu"),
                     nf, J->L->n_header);
            code = CHISO_EPARSE;
            msg = count_msg;
        } else if (svc_parse_row(J->L, J->f, J->flen, &rec, &vc, &err) != 0) {
            code = CHISO_EDATA;
            msg = err.msg;
            bad = err.field;
        }
        if (code != CHISO_OK) {
            if (J->n_bad < J->keep_max) {
                if (keep_bad(J, p0, used, nf, bad, code, msg) != 0) {
                    J->sys_err = -1;
                    break;
                }
            } else if (J->keep_fields) {
                /* too many rows to hold for the callback: the reference
                 * reader streams them */
                J->irregular = 1;
                break;
            } else {
                J->n_bad_counted++;
            }
            J->lines += nl;
            continue;
        }
        J->lines += nl;
        if (svc_acc_add(&J->acc, &rec) != 0) {
            J->sys_err = -1;
            break;
        }
        J->rows++;
    }
    if (J->self == 0 && (J->irregular || J->sys_err != 0)) {
        /* thread 0 is always on the chain: the run falls back anyway */
        atomic_store(J->stop, 1);
    }
    if (J->data != NULL) {
        J->buf = NULL;
    }
    return NULL;
}

static int
job_init(fjob *J,
         const svc_layout *L,
         char delim,
         chiso_period_kind kind,
         int has_as_of,
         const svc_time *as_of)
{
    int c;

    memset(J, 0, sizeof(*J));
    J->L = L;
    J->delim = (unsigned char)delim;
    J->fcap = L->n_header + FAST_MAX_EXTRA;
    J->f = calloc(J->fcap, sizeof(*J->f));
    J->flen = calloc(J->fcap, sizeof(*J->flen));
    J->scratch_cap = FAST_MAX_REC + 64;
    J->scratch = malloc(J->scratch_cap);
    (void)c;
    J->ucls[0] = J->ucls['\n'] = J->ucls['"'] = J->ucls[J->delim] = 1;
    J->qcls[0] = J->qcls['"'] = 1;
    svc_acc_init(&J->acc, kind, has_as_of, as_of);
    return J->f != NULL && J->flen != NULL && J->scratch != NULL ? 0 : -1;
}

static void
job_free(fjob *J)
{
    size_t i, k;

    for (i = 0; i < J->n_bad; i++) {
        for (k = 0; J->bad[i].field != NULL && k < J->bad[i].n; k++) {
            free(J->bad[i].field[k]);
        }
        free(J->bad[i].field);
        free(J->bad[i].flen);
        free(J->bad[i].msg);
    }
    free(J->bad);
    free(J->f);
    free(J->flen);
    free(J->scratch);
    if (J->data == NULL) {
        free(J->buf);
    }
    svc_acc_free(&J->acc);
}

/* Offset just after the first '\n' at or after `at`, or 0 if none within
 * a window. */
static uint64_t
guess_start(int fd, const char *data, uint64_t size, uint64_t at)
{
    char win[65536];
    const char *src, *nl;
    size_t n;

    if (at >= size) {
        return 0;
    }
    n = size - at < sizeof(win) ? (size_t)(size - at) : sizeof(win);
    if (data != NULL) {
        src = data + at;
    } else {
        ssize_t got = pread(fd, win, n, (off_t)at);
        if (got <= 0) {
            return 0;
        }
        n = (size_t)got;
        src = win;
    }
    nl = memchr(src, '\n', n);
    return nl == NULL ? 0 : at + (uint64_t)(nl - src) + 1;
}

/* Newlines in the first `start` bytes (header, "sep=" line, blank
 * lines). 0, or -1 with errno. */
static int
header_lines(int fd, const char *data, uint64_t start, uint64_t *out)
{
    char buf[65536];
    uint64_t at = 0;

    *out = 0;
    if (data != NULL) {
        *out = count_nl(data, (size_t)start);
        return 0;
    }
    while (at < start) {
        size_t want =
            start - at < sizeof(buf) ? (size_t)(start - at) : sizeof(buf);
        ssize_t got = pread(fd, buf, want, (off_t)at);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            if (got == 0) {
                errno = EIO;
            }
            return -1;
        }
        *out += count_nl(buf, (size_t)got);
        at += (uint64_t)got;
    }
    return 0;
}

svc_fast_status
svc_fast_run(int fd,
             const char *data,
             uint64_t size,
             uint64_t start,
             char delim,
             const svc_layout *L,
             int n_threads,
             chiso_period_kind kind,
             int has_as_of,
             const svc_time *as_of,
             const char *path,
             svc_rejects *rejects,
             svc_acc **accs_out,
             size_t *n_out,
             uint64_t *rows_out,
             chiso_diag *diag)
{
    uint64_t bounds[64];
    size_t n_b = 1, i, j, n_used = 0;
    fjob *jobs = NULL;
    pthread_t tid[64];
    int started[64];
    svc_fast_status st = SVC_FAST_FALLBACK;
    svc_acc *accs = NULL;
    size_t chain[64];
    atomic_int stop;
    uint64_t line_base;
    size_t keep_max = FAST_MAX_BAD;

    *accs_out = NULL;
    *n_out = 0;
    *rows_out = 0;
    if (rejects->fn == NULL) {
        keep_max = rejects->problems != NULL ? rejects->problems->cap + 1 : 1;
    }
    if (delim != ',' && delim != ';') {
        return SVC_FAST_FALLBACK; /* tab: space/delimiter overlap in libcsv */
    }
    if (n_threads < 1) {
        n_threads = 1;
    }
    if (n_threads > 64) {
        n_threads = 64;
    }
    /* small inputs: one thread */
    if (size - start < (uint64_t)n_threads * svc_fast_min_split) {
        n_threads = (int)((size - start) / svc_fast_min_split) + 1;
        if (n_threads > 64) {
            n_threads = 64;
        }
    }
    bounds[0] = start;
    for (i = 1; i < (size_t)n_threads; i++) {
        uint64_t g = guess_start(
            fd, data, size, start + (size - start) * i / (uint64_t)n_threads);
        if (g > bounds[n_b - 1] && g < size) {
            bounds[n_b++] = g;
        }
    }
    atomic_init(&stop, 0);
    jobs = calloc(n_b, sizeof(*jobs));
    if (jobs == NULL) {
        chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
        return SVC_FAST_ERROR;
    }
    for (i = 0; i < n_b; i++) {
        if (job_init(&jobs[i], L, delim, kind, has_as_of, as_of) != 0) {
            chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
            st = SVC_FAST_ERROR;
            n_b = i + 1;
            goto out;
        }
        jobs[i].fd = fd;
        jobs[i].data = data;
        jobs[i].size = size;
        jobs[i].start = bounds[i];
        jobs[i].bounds = bounds;
        jobs[i].n_bounds = n_b;
        jobs[i].self = i;
        jobs[i].stop = &stop;
        jobs[i].keep_max = keep_max;
        jobs[i].keep_fields = rejects->fn != NULL;
        jobs[i].linked = n_b + 1; /* not reached */
        started[i] = 0;
    }
    for (i = 1; i < n_b; i++) {
        started[i] = pthread_create(&tid[i], NULL, run_job, &jobs[i]) == 0;
    }
    run_job(&jobs[0]);
    for (i = 1; i < n_b; i++) {
        if (started[i]) {
            pthread_join(tid[i], NULL);
        } else {
            run_job(&jobs[i]);
        }
    }
    /* follow the chain of confirmed starts from thread 0 */
    for (i = 0;;) {
        fjob *J = &jobs[i];
        chain[n_used++] = i;
        if (J->sys_err != 0) {
            if (J->sys_err < 0) {
                chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
            } else {
                chiso_diag_set(diag, CHISO_EIO, NULL, 0, 0, "cannot read: %s",
                               strerror(J->sys_err));
            }
            st = SVC_FAST_ERROR;
            goto out;
        }
        if (J->irregular || J->linked > n_b) {
            st = SVC_FAST_FALLBACK;
            goto out;
        }
        if (J->linked == n_b) {
            break;
        }
        i = J->linked;
    }
    /* line numbers: newlines before the first data record, then each used
     * job's own count, in file order */
    if (header_lines(fd, data, start, &line_base) != 0) {
        chiso_diag_set_errno(diag, path, errno, "cannot read");
        st = SVC_FAST_ERROR;
        goto out;
    }
    for (j = 0; j < n_used; j++) {
        fjob *J = &jobs[chain[j]];
        for (i = 0; i < J->n_bad; i++) {
            const fbad *b = &J->bad[i];
            chiso_reject rej;
            rej.path = path;
            rej.line =
                (unsigned long)(line_base + b->nl_before + 1) + b->rel_line;
            rej.column = b->column;
            rej.reason = b->msg;
            rej.n_fields = b->n;
            rej.field = (const char *const *)b->field;
            rej.field_len = b->flen;
            if (svc_rejects_add(rejects, &rej, b->code, diag) != CHISO_OK) {
                st = SVC_FAST_ERROR;
                goto out;
            }
        }
        svc_rejects_count(rejects, J->n_bad_counted);
        line_base += J->lines;
    }
    accs = calloc(n_used, sizeof(*accs));
    if (accs == NULL) {
        chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
        st = SVC_FAST_ERROR;
        goto out;
    }
    for (j = 0; j < n_used; j++) {
        fjob *J = &jobs[chain[j]];
        accs[j] = J->acc;
        memset(&J->acc, 0, sizeof(J->acc));
        *rows_out += J->rows;
    }
    *accs_out = accs;
    *n_out = n_used;
    st = SVC_FAST_OK;
out:
    for (i = 0; i < n_b; i++) {
        job_free(&jobs[i]);
    }
    free(jobs);
    return st;
}

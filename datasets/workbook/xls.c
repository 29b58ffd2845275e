/*
 * xls.c - legacy Excel 97-2003 workbooks (BIFF2..BIFF8) through libfreexl.
 *
 * libfreexl is not safe on crafted files: fuzzing found, within seconds,
 * an over-read in its string conversion during freexl_open() (libfreexl
 * 1.0.6), and it walks sector chains without a bound. So it never runs in
 * the caller's process: chiso_workbook__xls_open() forks a child that
 * decodes the whole workbook with libfreexl, under a time limit (and a
 * memory limit outside sanitizer builds), and writes sheet names and cells
 * through a pipe in a small tagged format; the parent reads it into one
 * buffer (at most CHISO_WORKBOOK_MAX_XLS_BYTES), checks every length
 * before use, and serves rows from it. A child that crashes, hangs or
 * writes nonsense is a damaged file, reported as such; the caller never
 * sees libfreexl's memory. An .xls is small (65,536 x 256 cells at most),
 * so holding its decoded cells is cheap.
 *
 * libfreexl classifies date cells itself (its DATE / DATETIME / TIME
 * types, already converted from the 1904 system) and hands them over as
 * text, from which the 1900-system serial is recomputed (undoing
 * libfreexl's leap-year slip after 2100). It does not report hidden
 * sheets, merged ranges, error cells or formula results (it skips FORMULA
 * records), so those stay unknown for .xls; docs/workbooks.md says so.
 *
 * An OLE2 file that is no workbook is told apart for the message: an
 * encrypted .xlsx is an OLE2 file with an "EncryptedPackage" stream.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_workbook.h"
#include "workbook_int.h"

#include <errno.h>
#include <freexl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Seconds the decoding child may run, and the memory it may map (not
 * set under a sanitizer, which maps terabytes of shadow memory). */
#define XLS_SECONDS       120
#define XLS_ADDRESS_SPACE ((rlim_t)4 << 30)

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define XLS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||     \
    __has_feature(memory_sanitizer)
#define XLS_SANITIZER 1
#endif
#endif

/* Tags of the child's stream. */
enum {
    TAG_NUMBER = 'n',   /* 8-byte double */
    TAG_TEXT = 't',     /* u32 length, bytes */
    TAG_DATE = 'd',     /* u32 length, "yyyy-mm-dd" */
    TAG_DATETIME = 'D', /* u32 length, "yyyy-mm-dd hh:mm:ss" */
    TAG_TIME = 'h'      /* u32 length, "hh:mm:ss" */
};

struct wb_xls {
    unsigned char *buf; /* the child's stream */
    size_t len;
    size_t *sheet_at; /* offset of each sheet's rows */
    size_t pos;       /* next row of the selected sheet */
};

/* ---- the child ------------------------------------------------------------ */

static void
put_u32(FILE *f, uint32_t v)
{
    fwrite(&v, sizeof(v), 1, f);
}

static void
put_str(FILE *f, int tag, const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    if (n > CHISO_WORKBOOK_MAX_CELL_BYTES) {
        n = CHISO_WORKBOOK_MAX_CELL_BYTES + 1; /* the parent refuses it */
    }
    fputc(tag, f);
    put_u32(f, (uint32_t)n);
    fwrite(s, 1, n, f);
}

static int
cell_tag(const FreeXL_CellValue *v)
{
    switch (v->type) {
    case FREEXL_CELL_INT:
    case FREEXL_CELL_DOUBLE:
        return TAG_NUMBER;
    case FREEXL_CELL_TEXT:
    case FREEXL_CELL_SST_TEXT:
        return v->value.text_value != NULL ? TAG_TEXT : 0;
    case FREEXL_CELL_DATE:
        return v->value.text_value != NULL ? TAG_DATE : 0;
    case FREEXL_CELL_DATETIME:
        return v->value.text_value != NULL ? TAG_DATETIME : 0;
    case FREEXL_CELL_TIME:
        return v->value.text_value != NULL ? TAG_TIME : 0;
    default:
        return 0;
    }
}

/*
 * Stream: "CXLS", u32 rc (a libfreexl error, or 1 = password), u32
 * date1904, u32 sheets, per sheet u32 length + name; then per sheet: u32
 * rc of its selection, rows (u32 row >= 1, u32 cells, cells: u32 column
 * >= 1, tag, payload), u32 0.
 */
static void
child(const char *file, int fd)
{
    FILE *f = fdopen(fd, "wb");
    const void *h = NULL;
    unsigned info = 0, n = 0, i;
    int rc;

    if (f == NULL) {
        _exit(3);
    }
    fwrite("CXLS", 1, 4, f);
    rc = freexl_open(file, &h);
    if (rc == FREEXL_OK &&
        freexl_get_info(h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
        info == FREEXL_BIFF_OBFUSCATED) {
        rc = 1;
    }
    if (rc == FREEXL_OK) {
        rc = freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &n);
    }
    put_u32(f, (uint32_t)rc);
    if (rc != FREEXL_OK) {
        fflush(f);
        _exit(0);
    }
    info = 0;
    freexl_get_info(h, FREEXL_BIFF_DATEMODE, &info);
    put_u32(f, info == FREEXL_BIFF_DATEMODE_1904);
    if (n > CHISO_WORKBOOK_MAX_SHEETS) {
        n = CHISO_WORKBOOK_MAX_SHEETS + 1; /* the parent refuses it */
    }
    put_u32(f, n);
    for (i = 0; i < n; i++) {
        const char *nm = NULL;
        if (freexl_get_worksheet_name(h, (unsigned short)i, &nm) != FREEXL_OK) {
            nm = NULL;
        }
        put_str(f, TAG_TEXT, nm);
    }
    for (i = 0; i < n && i <= CHISO_WORKBOOK_MAX_SHEETS; i++) {
        unsigned rows = 0, r;
        unsigned short cols = 0, c;
        rc = freexl_select_active_worksheet(h, (unsigned short)i);
        if (rc == FREEXL_OK) {
            rc = freexl_worksheet_dimensions(h, &rows, &cols);
        }
        put_u32(f, (uint32_t)rc);
        if (rc != FREEXL_OK) {
            continue;
        }
        for (r = 0; r < rows && r < CHISO_WORKBOOK_MAX_ROWS; r++) {
            uint32_t count = 0;
            FreeXL_CellValue v;
            for (c = 0; c < cols; c++) {
                if (freexl_get_cell_value(h, r, c, &v) == FREEXL_OK &&
                    cell_tag(&v) != 0) {
                    count++;
                }
            }
            if (count == 0) {
                continue;
            }
            put_u32(f, r + 1);
            put_u32(f, count);
            for (c = 0; c < cols; c++) {
                int tag;
                if (freexl_get_cell_value(h, r, c, &v) != FREEXL_OK ||
                    (tag = cell_tag(&v)) == 0) {
                    continue;
                }
                put_u32(f, (uint32_t)c + 1);
                if (tag == TAG_NUMBER) {
                    double d = v.type == FREEXL_CELL_INT
                                   ? (double)v.value.int_value
                                   : v.value.double_value;
                    fputc(TAG_NUMBER, f);
                    fwrite(&d, sizeof(d), 1, f);
                } else {
                    put_str(f, tag, v.value.text_value);
                }
            }
        }
        put_u32(f, 0);
    }
    fflush(f);
    _exit(ferror(f) ? 3 : 0);
}

/* ---- the parent ------------------------------------------------------------ */

/* Does the file hold the UTF-16 name of an encrypted OOXML package? */
static int
is_encrypted_ooxml(const char *file)
{
    static const char name[] = "EncryptedPackage";
    unsigned char pat[32], *buf;
    size_t i, n, keep = 0, plen = 2 * (sizeof(name) - 1);
    uint64_t total = 0;
    int found = 0;
    FILE *f = fopen(file, "rb");

    if (f == NULL) {
        return 0;
    }
    for (i = 0; i + 1 < sizeof(name); i++) {
        pat[2 * i] = (unsigned char)name[i];
        pat[2 * i + 1] = 0;
    }
    buf = malloc(65536 + 64);
    if (buf == NULL) {
        fclose(f);
        return 0;
    }
    /* the directory is small; 64 MiB is more than any encrypted workbook
     * chiso could be asked to read */
    while (!found && total < ((uint64_t)64 << 20) &&
           (n = fread(buf + keep, 1, 65536, f)) > 0) {
        size_t have = keep + n;
        total += n;
        for (i = 0; i + plen <= have; i++) {
            if (buf[i] == 'E' && memcmp(buf + i, pat, plen) == 0) {
                found = 1;
                break;
            }
        }
        keep = have < plen ? have : plen;
        memmove(buf, buf + have - keep, keep);
    }
    free(buf);
    fclose(f);
    return found;
}

static chiso_status
freexl_fail(chiso_workbook *wb, const char *file, int rc, chiso_diag *diag)
{
    if (rc != FREEXL_INSUFFICIENT_MEMORY && is_encrypted_ooxml(file)) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "the workbook is protected by a password "
                              "(encrypted); save a copy without a "
                              "password and read that");
    }
    switch (rc) {
    case 1:
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "the workbook is protected by a password "
                              "(encrypted); save a copy without a "
                              "password and read that");
    case FREEXL_INSUFFICIENT_MEMORY:
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    case FREEXL_FILE_NOT_FOUND:
        return chiso_diag_set(diag, CHISO_EIO, wb->path, 0, 0,
                              "cannot read the workbook");
    case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "not an Excel workbook: an OLE2 file without "
                              "a workbook stream (a Word or other Office "
                              "file?)");
    default:
        break;
    }
    return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                          "damaged .xls workbook (libfreexl error %d); open "
                          "and save it again in Excel or LibreOffice",
                          rc);
}

/* Run the child over `file` and collect its stream into x->buf. */
static chiso_status
decode(chiso_workbook *wb, struct wb_xls *x, const char *file, chiso_diag *diag)
{
    int fds[2], status = 0, too_big = 0;
    pid_t pid;
    size_t cap = 0;

    if (pipe(fds) != 0) {
        return chiso_diag_set_errno(diag, wb->path, errno,
                                    "cannot start the .xls decoder");
    }
    pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        return chiso_diag_set_errno(diag, wb->path, e,
                                    "cannot start the .xls decoder");
    }
    if (pid == 0) {
        close(fds[0]);
        /* the caller may ignore SIGALRM; the child must die of it */
        signal(SIGALRM, SIG_DFL);
        alarm(XLS_SECONDS);
#ifndef XLS_SANITIZER
        {
            struct rlimit rl;
            rl.rlim_cur = rl.rlim_max = XLS_ADDRESS_SPACE;
            setrlimit(RLIMIT_AS, &rl);
        }
#endif
        child(file, fds[1]);
        _exit(3);
    }
    close(fds[1]);
    for (;;) {
        ssize_t n;
        if (x->len == cap) {
            unsigned char *b;
            if (cap >= CHISO_WORKBOOK_MAX_XLS_BYTES) {
                too_big = 1;
                break;
            }
            cap = cap ? cap * 2 : 65536;
            b = realloc(x->buf, cap);
            if (b == NULL) {
                too_big = 2;
                break;
            }
            x->buf = b;
        }
        n = read(fds[0], x->buf + x->len, cap - x->len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        x->len += (size_t)n;
    }
    close(fds[0]);
    if (too_big) {
        kill(pid, SIGKILL);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (too_big == 2) {
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    }
    if (too_big) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "the .xls workbook holds more than %u bytes of "
                              "cells",
                              CHISO_WORKBOOK_MAX_XLS_BYTES);
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "damaged .xls workbook: decoding it took more "
                              "than %d seconds; open and save it again in "
                              "Excel or LibreOffice",
                              XLS_SECONDS);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (is_encrypted_ooxml(file)) {
            return freexl_fail(wb, file, 1, diag);
        }
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "damaged .xls workbook: libfreexl could not "
                              "decode it (it stopped with status %d); open "
                              "and save it again in Excel or LibreOffice",
                              WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                                  : WEXITSTATUS(status));
    }
    return CHISO_OK;
}

/* Bounded reads from the child's stream. */
typedef struct cursor {
    const unsigned char *p;
    size_t len, at;
    int bad;
} cursor;

static uint32_t
get_u32(cursor *c)
{
    uint32_t v = 0;
    if (c->len - c->at < sizeof(v)) {
        c->bad = 1;
        c->at = c->len;
        return 0;
    }
    memcpy(&v, c->p + c->at, sizeof(v));
    c->at += sizeof(v);
    return v;
}

static const char *
get_bytes(cursor *c, size_t n)
{
    const char *s;
    if (c->len - c->at < n) {
        c->bad = 1;
        c->at = c->len;
        return NULL;
    }
    s = (const char *)c->p + c->at;
    c->at += n;
    return s;
}

/* Skip one cell; returns its tag, 0 when the stream is broken. */
static int
skip_cell(cursor *c)
{
    int tag;
    const char *t = get_bytes(c, 1);
    if (t == NULL) {
        return 0;
    }
    tag = (unsigned char)*t;
    if (tag == TAG_NUMBER) {
        get_bytes(c, sizeof(double));
    } else if (tag == TAG_TEXT || tag == TAG_DATE || tag == TAG_DATETIME ||
               tag == TAG_TIME) {
        uint32_t n = get_u32(c);
        if (n > CHISO_WORKBOOK_MAX_CELL_BYTES) {
            c->bad = 1;
            return 0;
        }
        get_bytes(c, n);
    } else {
        c->bad = 1;
    }
    return c->bad ? 0 : tag;
}

static chiso_status
broken(chiso_workbook *wb, chiso_diag *diag)
{
    return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                          "damaged .xls workbook: libfreexl could not "
                          "decode it (it stopped with status %d); open "
                          "and save it again in Excel or LibreOffice",
                          -1);
}

chiso_status
chiso_workbook__xls_open(chiso_workbook *wb, const char *file, chiso_diag *diag)
{
    struct wb_xls *x;
    cursor c;
    uint32_t rc, n, i;
    chiso_status st;

    x = calloc(1, sizeof(*x));
    if (x == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    }
    wb->xl = x;
    st = decode(wb, x, file, diag);
    if (st != CHISO_OK) {
        return st;
    }
    memset(&c, 0, sizeof(c));
    c.p = x->buf;
    c.len = x->len;
    if (get_bytes(&c, 4) == NULL || memcmp(x->buf, "CXLS", 4) != 0) {
        return broken(wb, diag);
    }
    rc = get_u32(&c);
    if (c.bad) {
        return broken(wb, diag);
    }
    if (rc != FREEXL_OK) {
        return freexl_fail(wb, file, (int)rc, diag);
    }
    wb->date1904 = get_u32(&c) != 0;
    n = get_u32(&c);
    if (c.bad) {
        return broken(wb, diag);
    }
    if (n == 0) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "the workbook has no worksheet");
    }
    if (n > CHISO_WORKBOOK_MAX_SHEETS) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "damaged workbook: more than %u sheets",
                              CHISO_WORKBOOK_MAX_SHEETS);
    }
    wb->sheets = calloc(n, sizeof(*wb->sheets));
    x->sheet_at = calloc(n, sizeof(*x->sheet_at));
    if (wb->sheets == NULL || x->sheet_at == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    }
    for (i = 0; i < n; i++) {
        const char *t = get_bytes(&c, 1);
        uint32_t len = get_u32(&c);
        const char *s;
        if (c.bad || *t != TAG_TEXT || len > CHISO_WORKBOOK_MAX_CELL_BYTES) {
            return broken(wb, diag);
        }
        s = get_bytes(&c, len);
        if (s == NULL) {
            return broken(wb, diag);
        }
        if (len == 0) {
            char num[16];
            snprintf(num, sizeof(num), "%u", (unsigned)i + 1);
            wb->sheets[i].name = chiso_strdup(num);
        } else {
            wb->sheets[i].name = chiso_strndup(s, len);
        }
        wb->n_sheets = i + 1;
        if (wb->sheets[i].name == NULL) {
            return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                                  "out of memory");
        }
    }
    /* walk every sheet once: every length is checked before any use */
    for (i = 0; i < n; i++) {
        x->sheet_at[i] = c.at;
        rc = get_u32(&c);
        if (c.bad) {
            return broken(wb, diag);
        }
        if (rc != FREEXL_OK) {
            continue;
        }
        for (;;) {
            uint32_t row = get_u32(&c), cells, k;
            if (c.bad) {
                return broken(wb, diag);
            }
            if (row == 0) {
                break;
            }
            cells = get_u32(&c);
            if (row > CHISO_WORKBOOK_MAX_ROWS ||
                cells > CHISO_WORKBOOK_MAX_COLS) {
                return broken(wb, diag);
            }
            for (k = 0; k < cells; k++) {
                uint32_t col = get_u32(&c);
                if (col == 0 || col > CHISO_WORKBOOK_MAX_COLS ||
                    skip_cell(&c) == 0) {
                    return broken(wb, diag);
                }
            }
        }
    }
    return CHISO_OK;
}

chiso_status
chiso_workbook__xls_select(chiso_workbook *wb, size_t i, chiso_diag *diag)
{
    struct wb_xls *x = wb->xl;
    cursor c;
    uint32_t rc;

    memset(&c, 0, sizeof(c));
    c.p = x->buf;
    c.len = x->len;
    c.at = x->sheet_at[i];
    rc = get_u32(&c);
    if (rc != FREEXL_OK) {
        return freexl_fail(wb, wb->path, (int)rc, diag);
    }
    x->pos = c.at;
    return CHISO_OK;
}

/*
 * Serial of a date as libfreexl writes it. libfreexl counts days from
 * 1900-01-01 (1904-01-02 in the 1904 system) in a calendar where every
 * year divisible by 4 is a leap year, so its text is right up to
 * 2100-02-28 and drifts after. Counting back in that same calendar
 * recovers the exact serial; both systems land on ordinal + 1 in the 1900
 * system. Returns -1 when s is not "yyyy-mm-dd".
 */
static double
freexl_serial(const char *s, size_t n)
{
    static const int cum[12] = {0,   31,  59,  90,  120, 151,
                                181, 212, 243, 273, 304, 334};
    char b[16];
    int y, m, d;
    long ord;

    if (n < 10) {
        return -1;
    }
    memcpy(b, s, 10);
    b[10] = '\0';
    if (sscanf(b, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1900 || y > 9999 ||
        m < 1 || m > 12 || d < 1 || d > 31) {
        return -1;
    }
    ord = 365L * (y - 1900) + (y - 1900 + 3) / 4 + cum[m - 1] +
          (m > 2 && y % 4 == 0) + d - 1;
    return (double)ord + 1;
}

/* "hh:mm:ss" (libfreexl may write 24:00:00 after rounding) -> days */
static double
freexl_time(const char *s, size_t n)
{
    char b[16];
    int hh, mi, ss;

    if (n != 8) {
        return -1;
    }
    memcpy(b, s, 8);
    b[8] = '\0';
    if (sscanf(b, "%2d:%2d:%2d", &hh, &mi, &ss) != 3 || hh < 0 || hh > 24 ||
        mi < 0 || mi > 59 || ss < 0 || ss > 59) {
        return -1;
    }
    return (hh * 3600.0 + mi * 60.0 + ss) / 86400.0;
}

static chiso_status
put_cell(chiso_workbook *wb, uint32_t col, int tag, cursor *c)
{
    chiso_cell *cell;
    chiso_status st = chiso_workbook__cell_at(wb, col, &cell);
    char out[48];
    size_t n = 0;

    if (st != CHISO_OK) {
        return st;
    }
    if (tag == TAG_NUMBER) {
        double v;
        const char *b = get_bytes(c, sizeof(v));
        if (b == NULL) {
            return CHISO_EDATA; /* cannot happen: checked at open */
        }
        memcpy(&v, b, sizeof(v));
        if (!isfinite(v)) {
            return CHISO_OK;
        }
        n = chiso_workbook__format_number(v, out);
        st = chiso_workbook__cell_text(wb, col, out, n);
        if (st == CHISO_OK) {
            cell->kind = CHISO_CELL_NUMBER;
            cell->number = v;
            chiso_workbook__cell_done(wb, col);
        }
        return st;
    } else {
        uint32_t len = get_u32(c);
        const char *s = get_bytes(c, len);
        double serial = -1;
        int cls = WB_FMT_DATE;
        if (len == 0 || s == NULL) {
            return CHISO_OK;
        }
        if (tag == TAG_TIME) {
            serial = freexl_time(s, len);
            cls = WB_FMT_TIME;
        } else if (tag == TAG_DATE) {
            serial = len == 10 ? freexl_serial(s, len) : -1;
        } else if (tag == TAG_DATETIME) {
            double t = len == 19 ? freexl_time(s + 11, 8) : -1;
            serial = freexl_serial(s, len);
            serial = serial >= 0 && t >= 0 ? serial + t : -1;
            cls = WB_FMT_DATETIME;
        }
        if (serial >= 0) {
            n = chiso_workbook__format_serial(serial, cls, out);
            if (n == 0) {
                n = chiso_workbook__format_serial(serial, WB_FMT_DATETIME, out);
            }
        }
        if (n > 0) {
            st = chiso_workbook__cell_text(wb, col, out, n);
            cell->kind = CHISO_CELL_DATE;
            cell->number = serial;
        } else {
            st = chiso_workbook__cell_text(wb, col, s, len);
            cell->kind = CHISO_CELL_TEXT;
        }
        if (st == CHISO_OK) {
            chiso_workbook__cell_done(wb, col);
        }
        return st;
    }
}

chiso_status
chiso_workbook__xls_next(chiso_workbook *wb, chiso_diag *diag)
{
    struct wb_xls *x = wb->xl;
    cursor c;

    memset(&c, 0, sizeof(c));
    c.p = x->buf;
    c.len = x->len;
    c.at = x->pos;
    for (;;) {
        uint32_t row = get_u32(&c), cells, k;
        if (row == 0) {
            x->pos = c.at - sizeof(uint32_t); /* stay at the end */
            return CHISO_DONE;
        }
        cells = get_u32(&c);
        chiso_workbook__row_begin(wb, row);
        for (k = 0; k < cells; k++) {
            uint32_t col = get_u32(&c);
            const char *t = get_bytes(&c, 1);
            chiso_status st = t != NULL
                                  ? put_cell(wb, col, (unsigned char)*t, &c)
                                  : CHISO_EDATA;
            if (st == CHISO_ENOMEM) {
                return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                                      "out of memory");
            }
            if (st != CHISO_OK) {
                char pos[512];
                chiso_workbook_position(wb, col, row, pos, sizeof(pos));
                return chiso_diag_set(diag, CHISO_EPARSE, pos, 0, 0,
                                      "the cell is too large (more than %u "
                                      "bytes of text in the cell or %u in the "
                                      "row)",
                                      CHISO_WORKBOOK_MAX_CELL_BYTES,
                                      CHISO_WORKBOOK_MAX_ROW_BYTES);
            }
        }
        x->pos = c.at;
        if (chiso_workbook__row_end(wb)) {
            return CHISO_OK;
        }
    }
}

void
chiso_workbook__xls_free(chiso_workbook *wb)
{
    struct wb_xls *x = wb->xl;

    if (x == NULL) {
        return;
    }
    free(x->buf);
    free(x->sheet_at);
    free(x);
    wb->xl = NULL;
}

/*
 * sheet.c - the workbook, its sheets, addressed cells and cell formats.
 *
 * libxlsxwriter wants the destination file name when the workbook is
 * created and writes it only at workbook_close(). chiso decides the path
 * later and writes atomically, so the workbook is created over a scratch
 * file (mkstemp in $TMPDIR); chiso_sheet_book_write() closes it there,
 * reads the bytes back and hands them to chiso_file_write_atomic(), which
 * writes a temporary file beside the destination and renames it. Files
 * are small (a report's tables), so the extra copy costs nothing visible.
 *
 * Every argument is checked here before libxlsxwriter sees it: the library
 * prints warnings on standard error for values it refuses, and chiso's
 * libraries never print. Formats are created once per (kind, decimals,
 * style) and cached.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_sheet.h"
#include "sheet_int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 2000-01-01T00:00:00Z: the creation time of every workbook unless the
 * caller asks for another (the same date the PDF brief uses). */
#define SHEET_FIXED_CREATED ((time_t)946684800)

chiso_status
chiso_sheet__fail(chiso_sheet_book *book,
                  chiso_status code,
                  const char *fmt,
                  ...)
{
    va_list ap;
    char msg[sizeof(book->err.message)];

    if (book->err.code != CHISO_OK) {
        return code;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), chiso_msg(book->lang, fmt), ap);
    va_end(ap);
    /* msg is already translated: pass it through "%s" */
    chiso_diag_set(&book->err, code, NULL, 0, 0, "%s", msg);
    return code;
}

chiso_status
chiso_sheet_book_error(const chiso_sheet_book *book, chiso_diag *diag)
{
    if (diag != NULL && book->err.code != CHISO_OK) {
        chiso_lang lang = diag->lang;
        *diag = book->err;
        diag->lang = lang;
    }
    return book->err.code;
}

void
chiso_sheet__cellref(uint32_t row, uint16_t col, char *buf, size_t cap)
{
    char letters[8];
    size_t n = 0, i;
    unsigned c = (unsigned)col + 1;

    while (c > 0 && n < sizeof(letters)) {
        letters[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (i = 0; i < n && i + 1 < cap; i++) {
        buf[i] = letters[n - 1 - i];
    }
    snprintf(buf + i, cap - i, "%lu", (unsigned long)row + 1);
}

/* ---- names ---------------------------------------------------------------- */

/* Decode one UTF-8 code point at s (valid or not); returns its length, or
 * 0 with *cp = 0xFFFD for a bad byte (consumes 1). */
static size_t
utf8_next(const unsigned char *s, uint32_t *cp)
{
    size_t n, i;
    uint32_t c = s[0];

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n == 0 || !chiso_utf8_valid((const char *)s, n, NULL)) {
        *cp = 0xFFFD;
        return 0;
    }
    c &= 0x3Fu >> (n - 1);
    for (i = 1; i < n; i++) {
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    *cp = c;
    return n;
}

size_t
chiso_sheet_name_sanitize(const char *name, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)(name ? name : "");
    size_t o = 0, units = 0, start, end;
    /* Excel counts UTF-16 units: 31 at most */
    const size_t max_units = 31;

    if (cap == 0) {
        return 0;
    }
    while (*s != '\0') {
        uint32_t cp;
        size_t n = utf8_next(s, &cp), u = cp >= 0x10000 ? 2 : 1;
        int bad = n == 0 || cp < 0x20 || cp == 0x7F || cp == '[' || cp == ']' ||
                  cp == ':' || cp == '*' || cp == '?' || cp == '/' ||
                  cp == '\\';
        if (units + u > max_units) {
            break;
        }
        if (bad) {
            if (o + 2 > cap) {
                break;
            }
            out[o++] = '_';
            s += n == 0 ? 1 : n;
        } else {
            if (o + n + 1 > cap) {
                break;
            }
            memcpy(out + o, s, n);
            o += n;
            s += n;
        }
        units += u;
    }
    out[o] = '\0';
    /* no leading or trailing spaces or apostrophes */
    start = 0;
    while (out[start] == ' ' || out[start] == '\'') {
        start++;
    }
    end = o;
    while (end > start && (out[end - 1] == ' ' || out[end - 1] == '\'')) {
        end--;
    }
    memmove(out, out + start, end - start);
    o = end - start;
    out[o] = '\0';
    if (o == 0) {
        snprintf(out, cap, "%s", "Sheet");
        o = strlen(out);
    }
    return o;
}

/* Lowercase fold for Excel's case-insensitive name comparison: ASCII,
 * Latin-1, Latin Extended-A/B pairs and the Vietnamese block. */
static uint32_t
fold_cp(uint32_t c)
{
    if (c < 0x80) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) {
        return c + 32;
    }
    if ((c >= 0x100 && c <= 0x17F) || (c >= 0x1EA0 && c <= 0x1EF9)) {
        return c | 1u; /* pairs: even upper, odd lower */
    }
    if (c == 0x1A0 || c == 0x1AF) {
        return c + 1; /* Ơ Ư */
    }
    return c;
}

static int
name_equal_fold(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x != '\0' && *y != '\0') {
        uint32_t ca, cb;
        size_t na = utf8_next(x, &ca), nb = utf8_next(y, &cb);
        if (fold_cp(ca) != fold_cp(cb)) {
            return 0;
        }
        x += na ? na : 1;
        y += nb ? nb : 1;
    }
    return *x == '\0' && *y == '\0';
}

static int
name_taken(const chiso_sheet_book *book, const char *name)
{
    const chiso_sheet *s;

    if (name_equal_fold(name, "History")) {
        return 1; /* reserved by Excel */
    }
    for (s = book->first; s != NULL; s = s->next) {
        if (name_equal_fold(s->name, name)) {
            return 1;
        }
    }
    return 0;
}

/* Cut s to at most `units` UTF-16 units (at a character boundary). */
static void
cut_units(char *s, size_t units)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t u = 0, off = 0;

    while (p[off] != '\0') {
        uint32_t cp;
        size_t n = utf8_next(p + off, &cp);
        size_t w = cp >= 0x10000 ? 2 : 1;
        if (u + w > units) {
            break;
        }
        u += w;
        off += n ? n : 1;
    }
    s[off] = '\0';
    while (off > 0 && (s[off - 1] == ' ' || s[off - 1] == '\'')) {
        s[--off] = '\0';
    }
}

/* ---- workbook ------------------------------------------------------------- */

chiso_status
chiso_sheet_book_new(chiso_sheet_book **out,
                     const chiso_sheet_book_options *opts,
                     chiso_diag *diag)
{
    chiso_sheet_book *b;
    const char *tmp = getenv("TMPDIR");
    lxw_doc_properties props;
    int fd;

    *out = NULL;
    b = calloc(1, sizeof(*b));
    if (b == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    b->lang = opts ? opts->lang : CHISO_LANG_VI;
    b->err.lang = b->lang;
    if (tmp == NULL || tmp[0] == '\0') {
        tmp = "/tmp";
    }
    b->scratch = malloc(strlen(tmp) + 32);
    if (b->scratch == NULL) {
        free(b);
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    sprintf(b->scratch, "%s/chiso-xlsx-XXXXXX", tmp);
    fd = mkstemp(b->scratch);
    if (fd < 0) {
        int err = errno;
        chiso_diag_set_errno(diag, tmp, err, "cannot create a scratch file in");
        free(b->scratch);
        free(b);
        return CHISO_EIO;
    }
    close(fd);
    b->wb = workbook_new(b->scratch);
    if (b->wb == NULL) {
        unlink(b->scratch);
        free(b->scratch);
        free(b);
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    memset(&props, 0, sizeof(props));
    /* libxlsxwriter copies the strings */
    props.title = opts && opts->title ? (char *)(uintptr_t)opts->title : NULL;
    props.subject =
        opts && opts->subject ? (char *)(uintptr_t)opts->subject : NULL;
    props.author =
        opts && opts->author ? (char *)(uintptr_t)opts->author : NULL;
    props.created =
        opts && opts->created != 0 ? opts->created : SHEET_FIXED_CREATED;
    if (workbook_set_properties(b->wb, &props) != LXW_NO_ERROR) {
        chiso_sheet__fail(b, CHISO_ENOMEM, "out of memory");
    }
    *out = b;
    return CHISO_OK;
}

static void
sheet_free(chiso_sheet *s)
{
    size_t i;

    for (i = 0; i < s->n_cols; i++) {
        free((char *)(uintptr_t)s->cols[i].header);
    }
    free(s->cols);
    free(s->fit);
    free(s->fixed);
    free(s->name);
    free(s);
}

void
chiso_sheet_book_free(chiso_sheet_book *book)
{
    chiso_sheet *s, *next;

    if (book == NULL) {
        return;
    }
    if (!book->closed && book->wb != NULL) {
        lxw_workbook_free(book->wb);
    }
    if (book->scratch != NULL) {
        unlink(book->scratch);
        free(book->scratch);
    }
    for (s = book->first; s != NULL; s = next) {
        next = s->next;
        sheet_free(s);
    }
    free(book->fmts);
    free(book);
}

chiso_status
chiso_sheet_add(chiso_sheet_book *book, const char *name, chiso_sheet **out)
{
    char base[256], cand[300];
    chiso_sheet *s;
    unsigned k;

    *out = NULL;
    if (book->closed) {
        return chiso_sheet__fail(book, CHISO_EINVAL,
                                 "the workbook was already written");
    }
    chiso_sheet_name_sanitize(name, base, sizeof(base));
    snprintf(cand, sizeof(cand), "%s", base);
    for (k = 2; name_taken(book, cand); k++) {
        char suffix[24];
        int n = snprintf(suffix, sizeof(suffix), " (%u)", k);
        char cut[256];
        snprintf(cut, sizeof(cut), "%s", base);
        cut_units(cut, 31 - (size_t)n);
        snprintf(cand, sizeof(cand), "%s%s", cut, suffix);
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL || (s->name = chiso_strdup(cand)) == NULL) {
        free(s);
        return chiso_sheet__fail(book, CHISO_ENOMEM, "out of memory");
    }
    s->book = book;
    s->ws = workbook_add_worksheet(book->wb, s->name);
    if (s->ws == NULL) {
        sheet_free(s);
        return chiso_sheet__fail(book, CHISO_ENOMEM, "out of memory");
    }
    worksheet_set_paper(s->ws, 9); /* A4 */
    if (book->last != NULL) {
        book->last->next = s;
    } else {
        book->first = s;
    }
    book->last = s;
    book->n_sheets++;
    *out = s;
    return CHISO_OK;
}

const char *
chiso_sheet_name(const chiso_sheet *sheet)
{
    return sheet->name;
}

/* ---- formats -------------------------------------------------------------- */

static const char *
num_format(
    chiso_sheet_kind kind, int decimals, unsigned style, char *buf, size_t cap)
{
    const char *zeros = "0000000000";
    int plain = (style & CHISO_SHEET_PLAIN) != 0;

    switch (kind) {
    case CHISO_SHEET_TEXT:
        return "@";
    case CHISO_SHEET_INTEGER:
        return plain ? "0" : "#,##0";
    case CHISO_SHEET_NUMBER:
        if (decimals == 0) {
            return plain ? "0" : "#,##0";
        }
        snprintf(buf, cap, "%s.%.*s", plain ? "0" : "#,##0", decimals, zeros);
        return buf;
    case CHISO_SHEET_PERCENT:
        if (decimals == 0) {
            return "0%";
        }
        snprintf(buf, cap, "0.%.*s%%", decimals, zeros);
        return buf;
    case CHISO_SHEET_DATE:
        return "dd/mm/yyyy";
    }
    return "General";
}

/* The cached format for (kind, decimals, style); NULL after an error. */
static lxw_format *
get_format(chiso_sheet_book *b,
           chiso_sheet_kind kind,
           int decimals,
           unsigned style)
{
    unsigned key =
        (style & 0xFFFFu) | ((unsigned)kind << 16) | ((unsigned)decimals << 20);
    lxw_format *f;
    char nf[32];
    size_t i;

    for (i = 0; i < b->n_fmts; i++) {
        if (b->fmts[i].key == key) {
            return b->fmts[i].fmt;
        }
    }
    if (b->n_fmts == b->cap_fmts) {
        size_t cap = b->cap_fmts ? 2 * b->cap_fmts : 16;
        struct sheet_fmt *p = realloc(b->fmts, cap * sizeof(*p));
        if (p == NULL) {
            chiso_sheet__fail(b, CHISO_ENOMEM, "out of memory");
            return NULL;
        }
        b->fmts = p;
        b->cap_fmts = cap;
    }
    f = workbook_add_format(b->wb);
    if (f == NULL) {
        chiso_sheet__fail(b, CHISO_ENOMEM, "out of memory");
        return NULL;
    }
    format_set_num_format(f, num_format(kind, decimals, style, nf, sizeof(nf)));
    if (style & (CHISO_SHEET_BOLD | CHISO_SHEET_HEADER | CHISO_SHEET_TITLE)) {
        format_set_bold(f);
    }
    if (style & CHISO_SHEET_ITALIC) {
        format_set_italic(f);
    }
    if (style & (CHISO_SHEET_WRAP | CHISO_SHEET_HEADER)) {
        format_set_text_wrap(f);
        format_set_align(f, (style & CHISO_SHEET_HEADER)
                                ? LXW_ALIGN_VERTICAL_CENTER
                                : LXW_ALIGN_VERTICAL_TOP);
    }
    if (style & (CHISO_SHEET_BORDER | CHISO_SHEET_HEADER)) {
        format_set_border(f, LXW_BORDER_THIN);
    }
    if (style & (CHISO_SHEET_CENTER | CHISO_SHEET_HEADER | CHISO_SHEET_TITLE)) {
        format_set_align(f, LXW_ALIGN_CENTER);
    }
    if (style & CHISO_SHEET_TITLE) {
        format_set_font_size(f, 14);
        format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    }
    if (style & CHISO_SHEET_HEADER) {
        format_set_bg_color(f, 0xD9D9D9);
    } else if (style & CHISO_SHEET_INPUT) {
        format_set_bg_color(f, 0xFFF2CC);
    } else if (style & CHISO_SHEET_DERIVED) {
        format_set_bg_color(f, 0xDDEBF7);
    }
    if (style & CHISO_SHEET_INPUT) {
        format_set_unlocked(f);
    }
    if ((style >> 12) & 3u) {
        format_set_indent(f, (uint8_t)((style >> 12) & 3u));
    }
    b->fmts[b->n_fmts].key = key;
    b->fmts[b->n_fmts].fmt = f;
    b->n_fmts++;
    return f;
}

/* ---- widths ----------------------------------------------------------------- */

chiso_status
chiso_sheet__fit(chiso_sheet *s, uint16_t col, double width)
{
    if ((size_t)col >= s->n_widths) {
        size_t n = (size_t)col + 8, i;
        double *fit = realloc(s->fit, n * sizeof(double));
        double *fixed;
        if (fit == NULL) {
            return chiso_sheet__fail(s->book, CHISO_ENOMEM, "out of memory");
        }
        s->fit = fit;
        fixed = realloc(s->fixed, n * sizeof(double));
        if (fixed == NULL) {
            return chiso_sheet__fail(s->book, CHISO_ENOMEM, "out of memory");
        }
        s->fixed = fixed;
        for (i = s->n_widths; i < n; i++) {
            s->fit[i] = 0;
            s->fixed[i] = 0;
        }
        s->n_widths = n;
    }
    if (width > s->fit[col]) {
        s->fit[col] = width;
    }
    return CHISO_OK;
}

double
chiso_sheet__text_width(const char *text)
{
    double best = 0;
    const char *p = text, *nl;

    for (;;) {
        size_t len;
        double w;
        nl = strchr(p, '\n');
        len = nl ? (size_t)(nl - p) : strlen(p);
        w = (double)chiso_utf8_width(p, len);
        if (w > best) {
            best = w;
        }
        if (nl == NULL) {
            break;
        }
        p = nl + 1;
    }
    return best;
}

double
chiso_sheet__number_width(double value,
                          chiso_sheet_kind kind,
                          int decimals,
                          unsigned style)
{
    char buf[64];
    size_t digits = 0, i;
    double w;

    if (!isfinite(value)) {
        return 0;
    }
    if (kind == CHISO_SHEET_DATE) {
        return 10;
    }
    if (kind == CHISO_SHEET_INTEGER) {
        decimals = 0;
    }
    snprintf(buf, sizeof(buf), "%.*f", decimals, fabs(value));
    for (i = 0; buf[i] != '\0' && buf[i] != '.'; i++) {
        digits++;
    }
    w = (double)strlen(buf) + (value < 0 ? 1 : 0);
    if (kind == CHISO_SHEET_PERCENT) {
        w += 1;
    } else if (!(style & CHISO_SHEET_PLAIN) && digits > 3) {
        w += (double)((digits - 1) / 3);
    }
    return w;
}

/* ---- cells ---------------------------------------------------------------- */

static chiso_status
check_cell(chiso_sheet *s, uint32_t row, uint16_t col)
{
    if (s->book->closed) {
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "the workbook was already written");
    }
    if (row >= SHEET_MAX_ROWS || col >= SHEET_MAX_COLS) {
        return chiso_sheet__fail(s->book, CHISO_EDATA,
                                 "sheet '%s': row %lu, column %u is beyond "
                                 "Excel's last cell",
                                 s->name, (unsigned long)row + 1,
                                 (unsigned)col + 1);
    }
    return CHISO_OK;
}

static chiso_status
check_kind(chiso_sheet *s, chiso_sheet_kind kind, int decimals)
{
    if ((unsigned)kind > CHISO_SHEET_DATE || decimals < 0 || decimals > 10) {
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "sheet '%s': invalid number kind %d or "
                                 "decimals %d (0 to 10)",
                                 s->name, (int)kind, decimals);
    }
    return CHISO_OK;
}

/* Text Excel can hold: valid UTF-8, at most 32767 UTF-16 units, no control
 * characters but tab and line feed. `what` names the place. */
static chiso_status
check_text(chiso_sheet *s, const char *text, const char *where)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t len = strlen(text), bad, units = 0;

    if (!chiso_utf8_valid(text, len, &bad)) {
        return chiso_sheet__fail(s->book, CHISO_EDATA,
                                 "sheet '%s' cell %s: text is not valid UTF-8 "
                                 "(byte %lu)",
                                 s->name, where, (unsigned long)bad + 1);
    }
    for (; *p != '\0'; p++) {
        if (*p < 0x20 && *p != '\t' && *p != '\n') {
            return chiso_sheet__fail(s->book, CHISO_EDATA,
                                     "sheet '%s' cell %s: control character "
                                     "U+%04X in the text",
                                     s->name, where, (unsigned)*p);
        }
        if ((*p & 0xC0) != 0x80) {
            units += *p >= 0xF0 ? 2 : 1;
        }
    }
    if (units > SHEET_MAX_STRING) {
        return chiso_sheet__fail(s->book, CHISO_EDATA,
                                 "sheet '%s' cell %s: text of %lu characters; "
                                 "Excel holds at most 32767",
                                 s->name, where, (unsigned long)units);
    }
    return CHISO_OK;
}

static chiso_status
lxw_fail(chiso_sheet *s, lxw_error e, uint32_t row, uint16_t col)
{
    char ref[16];

    if (e == LXW_NO_ERROR) {
        return CHISO_OK;
    }
    chiso_sheet__cellref(row, col, ref, sizeof(ref));
    return chiso_sheet__fail(
        s->book,
        e == LXW_ERROR_MEMORY_MALLOC_FAILED ? CHISO_ENOMEM : CHISO_EINVAL,
        "sheet '%s' cell %s: %s", s->name, ref, lxw_strerror(e));
}

chiso_status
chiso_sheet_text(chiso_sheet *s,
                 uint32_t row,
                 uint16_t col,
                 const char *text,
                 unsigned style)
{
    char where[32], ref[16];
    lxw_format *f;
    chiso_status st;

    if ((st = check_cell(s, row, col)) != CHISO_OK) {
        return st;
    }
    chiso_sheet__cellref(row, col, ref, sizeof(ref));
    snprintf(where, sizeof(where), "%s", ref);
    if (text == NULL) {
        text = "";
    }
    if ((st = check_text(s, text, where)) != CHISO_OK) {
        return st;
    }
    if ((f = get_format(s->book, CHISO_SHEET_TEXT, 0, style)) == NULL) {
        return s->book->err.code;
    }
    if ((st = chiso_sheet__fit(s, col, chiso_sheet__text_width(text))) !=
        CHISO_OK) {
        return st;
    }
    if (text[0] == '\0') {
        return lxw_fail(s, worksheet_write_blank(s->ws, row, col, f), row, col);
    }
    return lxw_fail(s, worksheet_write_string(s->ws, row, col, text, f), row,
                    col);
}

chiso_status
chiso_sheet_number(chiso_sheet *s,
                   uint32_t row,
                   uint16_t col,
                   double value,
                   chiso_sheet_kind kind,
                   int decimals,
                   unsigned style)
{
    lxw_format *f;
    chiso_status st;

    if ((st = check_cell(s, row, col)) != CHISO_OK ||
        (st = check_kind(s, kind, decimals)) != CHISO_OK) {
        return st;
    }
    if ((f = get_format(s->book, kind, decimals, style)) == NULL) {
        return s->book->err.code;
    }
    if (!isfinite(value)) {
        /* no data: an empty cell, never 0 */
        return lxw_fail(s, worksheet_write_blank(s->ws, row, col, f), row, col);
    }
    if ((st = chiso_sheet__fit(s, col,
                               chiso_sheet__number_width(value, kind, decimals,
                                                         style))) != CHISO_OK) {
        return st;
    }
    if (kind == CHISO_SHEET_PERCENT) {
        value /= 100.0;
    }
    return lxw_fail(s, worksheet_write_number(s->ws, row, col, value, f), row,
                    col);
}

static int
days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 ? 28 + leap : d[m - 1];
}

chiso_status
chiso_sheet_date(chiso_sheet *s,
                 uint32_t row,
                 uint16_t col,
                 int year,
                 int month,
                 int day,
                 unsigned style)
{
    lxw_datetime dt;
    lxw_format *f;
    chiso_status st;
    char ref[16];

    if ((st = check_cell(s, row, col)) != CHISO_OK) {
        return st;
    }
    if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month)) {
        chiso_sheet__cellref(row, col, ref, sizeof(ref));
        return chiso_sheet__fail(s->book, CHISO_EDATA,
                                 "sheet '%s' cell %s: %04d-%02d-%02d is not a "
                                 "date Excel can hold",
                                 s->name, ref, year, month, day);
    }
    if ((f = get_format(s->book, CHISO_SHEET_DATE, 0, style)) == NULL) {
        return s->book->err.code;
    }
    if ((st = chiso_sheet__fit(s, col, 10)) != CHISO_OK) {
        return st;
    }
    memset(&dt, 0, sizeof(dt));
    dt.year = year;
    dt.month = (uint8_t)month;
    dt.day = (uint8_t)day;
    return lxw_fail(s, worksheet_write_datetime(s->ws, row, col, &dt, f), row,
                    col);
}

chiso_status
chiso_sheet_blank(chiso_sheet *s,
                  uint32_t row,
                  uint16_t col,
                  chiso_sheet_kind kind,
                  int decimals,
                  unsigned style)
{
    lxw_format *f;
    chiso_status st;

    if ((st = check_cell(s, row, col)) != CHISO_OK ||
        (st = check_kind(s, kind, decimals)) != CHISO_OK) {
        return st;
    }
    if ((f = get_format(s->book, kind, decimals, style)) == NULL) {
        return s->book->err.code;
    }
    return lxw_fail(s, worksheet_write_blank(s->ws, row, col, f), row, col);
}

chiso_status
chiso_sheet_formula(chiso_sheet *s,
                    uint32_t row,
                    uint16_t col,
                    const char *formula,
                    double cached,
                    chiso_sheet_kind kind,
                    int decimals,
                    unsigned style)
{
    lxw_format *f;
    chiso_status st;
    char ref[16];

    if ((st = check_cell(s, row, col)) != CHISO_OK ||
        (st = check_kind(s, kind, decimals)) != CHISO_OK) {
        return st;
    }
    chiso_sheet__cellref(row, col, ref, sizeof(ref));
    if (formula == NULL || formula[0] == '\0' ||
        (formula[0] == '=' && formula[1] == '\0')) {
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "sheet '%s' cell %s: empty formula", s->name,
                                 ref);
    }
    if ((st = check_text(s, formula, ref)) != CHISO_OK) {
        return st;
    }
    if (strlen(formula) > 8192) {
        return chiso_sheet__fail(s->book, CHISO_EDATA,
                                 "sheet '%s' cell %s: formula longer than "
                                 "Excel's 8192 characters",
                                 s->name, ref);
    }
    if ((f = get_format(s->book, kind, decimals, style)) == NULL) {
        return s->book->err.code;
    }
    if (!isfinite(cached)) {
        cached = 0;
    } else {
        if ((st = chiso_sheet__fit(
                 s, col,
                 chiso_sheet__number_width(cached, kind, decimals, style))) !=
            CHISO_OK) {
            return st;
        }
        if (kind == CHISO_SHEET_PERCENT) {
            cached /= 100.0;
        }
    }
    return lxw_fail(
        s, worksheet_write_formula_num(s->ws, row, col, formula, f, cached),
        row, col);
}

chiso_status
chiso_sheet_merge(chiso_sheet *s,
                  uint32_t r1,
                  uint16_t c1,
                  uint32_t r2,
                  uint16_t c2,
                  const char *text,
                  unsigned style)
{
    lxw_format *f;
    chiso_status st;
    char ref[16];

    if ((st = check_cell(s, r1, c1)) != CHISO_OK ||
        (st = check_cell(s, r2, c2)) != CHISO_OK) {
        return st;
    }
    chiso_sheet__cellref(r1, c1, ref, sizeof(ref));
    if (r2 < r1 || c2 < c1 || (r1 == r2 && c1 == c2)) {
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "sheet '%s' cell %s: a merged range needs "
                                 "at least two cells",
                                 s->name, ref);
    }
    if (text == NULL) {
        text = "";
    }
    if ((st = check_text(s, text, ref)) != CHISO_OK) {
        return st;
    }
    if ((f = get_format(s->book, CHISO_SHEET_TEXT, 0, style)) == NULL) {
        return s->book->err.code;
    }
    return lxw_fail(s, worksheet_merge_range(s->ws, r1, c1, r2, c2, text, f),
                    r1, c1);
}

chiso_status
chiso_sheet_note(chiso_sheet *s, uint32_t row, uint16_t col, const char *text)
{
    lxw_comment_options o;
    chiso_status st;
    char ref[16];

    if ((st = check_cell(s, row, col)) != CHISO_OK) {
        return st;
    }
    chiso_sheet__cellref(row, col, ref, sizeof(ref));
    if (text == NULL || text[0] == '\0') {
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "sheet '%s' cell %s: empty note", s->name,
                                 ref);
    }
    if ((st = check_text(s, text, ref)) != CHISO_OK) {
        return st;
    }
    memset(&o, 0, sizeof(o));
    o.author = (char *)(uintptr_t) "chiso";
    return lxw_fail(s, worksheet_write_comment_opt(s->ws, row, col, text, &o),
                    row, col);
}

/* ---- validation, protection, layout -------------------------------------- */

static chiso_status
check_range(chiso_sheet *s, uint32_t r1, uint16_t c1, uint32_t r2, uint16_t c2)
{
    chiso_status st;
    char ref[16];

    if ((st = check_cell(s, r1, c1)) != CHISO_OK ||
        (st = check_cell(s, r2, c2)) != CHISO_OK) {
        return st;
    }
    if (r2 < r1 || c2 < c1) {
        chiso_sheet__cellref(r1, c1, ref, sizeof(ref));
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "sheet '%s' cell %s: range ends before it "
                                 "starts",
                                 s->name, ref);
    }
    return CHISO_OK;
}

/* Validation messages: at most 255 characters (Excel). */
static chiso_status
check_message(chiso_sheet *s, const char *msg, uint32_t r1, uint16_t c1)
{
    char ref[16];
    chiso_status st;

    chiso_sheet__cellref(r1, c1, ref, sizeof(ref));
    if ((st = check_text(s, msg, ref)) != CHISO_OK) {
        return st;
    }
    if (chiso_utf8_count(msg, strlen(msg)) > 255) {
        return chiso_sheet__fail(s->book, CHISO_EDATA,
                                 "sheet '%s' cell %s: validation message "
                                 "longer than 255 characters",
                                 s->name, ref);
    }
    return CHISO_OK;
}

chiso_status
chiso_sheet_validate_number(chiso_sheet *s,
                            uint32_t r1,
                            uint16_t c1,
                            uint32_t r2,
                            uint16_t c2,
                            double min,
                            double max,
                            int whole,
                            const char *message)
{
    lxw_data_validation v;
    chiso_status st;
    char buf[256], lo[32], hi[32];
    char *title;

    if ((st = check_range(s, r1, c1, r2, c2)) != CHISO_OK) {
        return st;
    }
    if (!isfinite(min) || !isfinite(max) || max < min) {
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "sheet '%s': validation bounds %g..%g are "
                                 "not a range",
                                 s->name, min, max);
    }
    if (message == NULL) {
        chiso_format_double(min, lo, sizeof(lo));
        chiso_format_double(max, hi, sizeof(hi));
        if (s->book->lang == CHISO_LANG_VI) {
            /* numbers with the decimal comma in Vietnamese text */
            char *c;
            for (c = lo; *c; c++) {
                *c = *c == '.' ? ',' : *c;
            }
            for (c = hi; *c; c++) {
                *c = *c == '.' ? ',' : *c;
            }
        }
        snprintf(
            buf, sizeof(buf),
            whole ? chiso_msg(s->book->lang,
                              "Enter a whole number from %s to %s.")
                  : chiso_msg(s->book->lang, "Enter a number from %s to %s."),
            lo, hi);
        message = buf;
    }
    if ((st = check_message(s, message, r1, c1)) != CHISO_OK) {
        return st;
    }
    memset(&v, 0, sizeof(v));
    v.validate =
        whole ? LXW_VALIDATION_TYPE_INTEGER : LXW_VALIDATION_TYPE_DECIMAL;
    v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    v.minimum_number = min;
    v.maximum_number = max;
    title = (char *)(uintptr_t)chiso_msg(s->book->lang, "Value not accepted");
    v.error_title = title;
    v.error_message = (char *)(uintptr_t)message;
    v.input_message = (char *)(uintptr_t)message;
    return lxw_fail(
        s, worksheet_data_validation_range(s->ws, r1, c1, r2, c2, &v), r1, c1);
}

chiso_status
chiso_sheet_validate_list(chiso_sheet *s,
                          uint32_t r1,
                          uint16_t c1,
                          uint32_t r2,
                          uint16_t c2,
                          const char *const *items,
                          size_t n,
                          const char *message)
{
    lxw_data_validation v;
    chiso_status st;
    char **list;
    char buf[256];
    size_t i, total = 0;

    if ((st = check_range(s, r1, c1, r2, c2)) != CHISO_OK) {
        return st;
    }
    if (n == 0) {
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "sheet '%s': a validation list needs at "
                                 "least one item",
                                 s->name);
    }
    for (i = 0; i < n; i++) {
        if ((st = check_message(s, items[i], r1, c1)) != CHISO_OK) {
            return st;
        }
        if (items[i][0] == '\0' || strchr(items[i], ',') != NULL ||
            strchr(items[i], '"') != NULL) {
            return chiso_sheet__fail(s->book, CHISO_EDATA,
                                     "sheet '%s': list item '%s' is empty "
                                     "or holds ',' or '\"'",
                                     s->name, items[i]);
        }
        total += chiso_utf8_count(items[i], strlen(items[i])) + 1;
    }
    if (total > 256) {
        return chiso_sheet__fail(s->book, CHISO_EDATA,
                                 "sheet '%s': the list's items are longer "
                                 "than Excel's 255 characters",
                                 s->name);
    }
    if (message == NULL) {
        buf[0] = '\0';
        snprintf(buf, sizeof(buf), "%s",
                 chiso_msg(s->book->lang, "Choose a value from the list."));
        message = buf;
    }
    if ((st = check_message(s, message, r1, c1)) != CHISO_OK) {
        return st;
    }
    list = calloc(n + 1, sizeof(char *));
    if (list == NULL) {
        return chiso_sheet__fail(s->book, CHISO_ENOMEM, "out of memory");
    }
    for (i = 0; i < n; i++) {
        list[i] = (char *)(uintptr_t)items[i];
    }
    memset(&v, 0, sizeof(v));
    v.validate = LXW_VALIDATION_TYPE_LIST;
    v.value_list = list;
    v.error_title =
        (char *)(uintptr_t)chiso_msg(s->book->lang, "Value not accepted");
    v.error_message = (char *)(uintptr_t)message;
    v.input_message = (char *)(uintptr_t)message;
    st = lxw_fail(s, worksheet_data_validation_range(s->ws, r1, c1, r2, c2, &v),
                  r1, c1);
    free(list);
    return st;
}

chiso_status
chiso_sheet_protect(chiso_sheet *s)
{
    lxw_protection p;

    if (s->book->closed) {
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "the workbook was already written");
    }
    memset(&p, 0, sizeof(p));
    p.format_columns = 1;
    p.format_rows = 1;
    p.sort = 1;
    p.autofilter = 1;
    worksheet_protect(s->ws, NULL, &p);
    return CHISO_OK;
}

chiso_status
chiso_sheet_column_width(chiso_sheet *s, uint16_t col, double width)
{
    chiso_status st;

    if ((st = check_cell(s, 0, col)) != CHISO_OK) {
        return st;
    }
    if (!(width >= 1 && width <= 255)) {
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "sheet '%s': column width %g outside 1..255",
                                 s->name, width);
    }
    if ((st = chiso_sheet__fit(s, col, 0)) != CHISO_OK) {
        return st;
    }
    s->fixed[col] = width;
    return CHISO_OK;
}

chiso_status
chiso_sheet_row_level(chiso_sheet *s, uint32_t row, unsigned level)
{
    lxw_row_col_options o;
    chiso_status st;

    if ((st = check_cell(s, row, 0)) != CHISO_OK) {
        return st;
    }
    if (level > 7) {
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "sheet '%s': outline level %u above 7",
                                 s->name, level);
    }
    memset(&o, 0, sizeof(o));
    o.level = (uint8_t)level;
    return lxw_fail(
        s, worksheet_set_row_opt(s->ws, row, LXW_DEF_ROW_HEIGHT, NULL, &o), row,
        0);
}

chiso_status
chiso_sheet_freeze(chiso_sheet *s, uint32_t row, uint16_t col)
{
    chiso_status st;

    if ((st = check_cell(s, row, col)) != CHISO_OK) {
        return st;
    }
    worksheet_freeze_panes(s->ws, row, col);
    return CHISO_OK;
}

chiso_status
chiso_sheet_autofilter(
    chiso_sheet *s, uint32_t r1, uint16_t c1, uint32_t r2, uint16_t c2)
{
    chiso_status st;

    if ((st = check_range(s, r1, c1, r2, c2)) != CHISO_OK) {
        return st;
    }
    return lxw_fail(s, worksheet_autofilter(s->ws, r1, c1, r2, c2), r1, c1);
}

chiso_status
chiso_sheet_print_setup(chiso_sheet *s, int landscape, uint32_t repeat_rows)
{
    chiso_status st;

    if ((st = check_cell(s, repeat_rows, 0)) != CHISO_OK) {
        return st;
    }
    worksheet_set_paper(s->ws, 9);
    if (landscape) {
        worksheet_set_landscape(s->ws);
    } else {
        worksheet_set_portrait(s->ws);
    }
    worksheet_fit_to_pages(s->ws, 1, 0);
    if (repeat_rows > 0) {
        return lxw_fail(s, worksheet_repeat_rows(s->ws, 0, repeat_rows - 1), 0,
                        0);
    }
    return CHISO_OK;
}

/* ---- writing ------------------------------------------------------------ */

/* Column widths: fixed, else the content's width plus a margin. */
static chiso_status
apply_widths(chiso_sheet *s)
{
    size_t c;

    for (c = 0; c < s->n_widths; c++) {
        double w = s->fixed[c];
        if (w <= 0) {
            if (s->fit[c] <= 0) {
                continue;
            }
            w = s->fit[c] + 2;
            w = w < SHEET_WIDTH_MIN   ? SHEET_WIDTH_MIN
                : w > SHEET_WIDTH_MAX ? SHEET_WIDTH_MAX
                                      : w;
        }
        if (worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL) !=
            LXW_NO_ERROR) {
            return chiso_sheet__fail(s->book, CHISO_ENOMEM, "out of memory");
        }
    }
    return CHISO_OK;
}

chiso_status
chiso_sheet_book_to_memory(chiso_sheet_book *book,
                           char **out,
                           size_t *len,
                           chiso_diag *diag)
{
    chiso_sheet *s;
    lxw_error e;
    const char *where = NULL; /* the caller names the file */

    *out = NULL;
    *len = 0;
    if (book->closed) {
        chiso_sheet__fail(book, CHISO_EINVAL,
                          "the workbook was already written");
    }
    if (book->err.code == CHISO_OK && book->n_sheets == 0) {
        chiso_sheet__fail(book, CHISO_EINVAL, "a workbook needs a sheet");
    }
    for (s = book->first; s != NULL && book->err.code == CHISO_OK;
         s = s->next) {
        if (s->is_table) {
            chiso_sheet__table_finish(s);
        }
        apply_widths(s);
    }
    if (book->err.code != CHISO_OK) {
        return chiso_sheet_book_error(book, diag);
    }
    book->closed = 1;
    e = workbook_close(book->wb);
    book->wb = NULL;
    if (e != LXW_NO_ERROR) {
        return chiso_diag_set(
            diag,
            e == LXW_ERROR_MEMORY_MALLOC_FAILED ? CHISO_ENOMEM : CHISO_EIO,
            where, 0, 0, "cannot write the workbook: %s", lxw_strerror(e));
    }
    return chiso_file_read_all(book->scratch, out, len, diag);
}

chiso_status
chiso_sheet_book_write(chiso_sheet_book *book,
                       const char *path,
                       chiso_diag *diag)
{
    char *data = NULL;
    size_t len = 0;
    chiso_status st = chiso_sheet_book_to_memory(book, &data, &len, diag);

    if (st != CHISO_OK) {
        if (diag != NULL && diag->path[0] == '\0') {
            snprintf(diag->path, sizeof(diag->path), "%s", path);
        }
        return st;
    }
    st = chiso_file_write_atomic(path, data, len, diag);
    free(data);
    return st;
}

/*
 * status.c - status names, diagnostics, diagnostic lists, byte buffers,
 * string copies and rounding.
 *
 * Diagnostics follow SQLite's "first error wins": once a diag holds an
 * error, later reports are ignored, so the innermost (most precise) problem
 * reaches the user even when callers up the stack add their own context.
 */
#include "chiso_util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

const char *
chiso_status_str(chiso_status st)
{
    switch (st) {
    case CHISO_OK:
        return "ok";
    case CHISO_ENOMEM:
        return "out of memory";
    case CHISO_EIO:
        return "input/output error";
    case CHISO_EPARSE:
        return "parse error";
    case CHISO_EDATA:
        return "invalid data";
    case CHISO_ESCHEMA:
        return "schema error";
    case CHISO_EDOMAIN:
        return "not computable";
    case CHISO_EINVAL:
        return "internal error";
    case CHISO_EUSAGE:
        return "usage error";
    case CHISO_DONE:
        return "done";
    }
    return "unknown status";
}

void
chiso_diag_clear(chiso_diag *diag)
{
    chiso_lang lang;

    if (diag == NULL) {
        return;
    }
    /* a diag cleared before it was ever set holds no language: Vietnamese,
     * never whatever the stack held */
    lang = diag->lang == CHISO_LANG_EN ? CHISO_LANG_EN : CHISO_LANG_VI;
    memset(diag, 0, sizeof(*diag));
    diag->lang = lang;
}

static void diag_fill(chiso_diag *d,
                      chiso_lang lang,
                      chiso_status code,
                      const char *path,
                      unsigned long line,
                      unsigned long column,
                      const char *fmt,
                      va_list ap) CHISO_PRINTF(7, 0);

static void
diag_fill(chiso_diag *d,
          chiso_lang lang,
          chiso_status code,
          const char *path,
          unsigned long line,
          unsigned long column,
          const char *fmt,
          va_list ap)
{
    memset(d, 0, sizeof(*d));
    d->lang = lang;
    d->code = code;
    if (path != NULL) {
        chiso_textf(d->path, sizeof(d->path), "%s", path);
    }
    d->line = line;
    d->column = column;
    chiso_vtextf(d->message, sizeof(d->message), chiso_msg(lang, fmt), ap);
}

chiso_status
chiso_diag_vset(chiso_diag *diag,
                chiso_status code,
                const char *path,
                unsigned long line,
                unsigned long column,
                const char *fmt,
                va_list ap)
{
    if (diag == NULL || diag->code != CHISO_OK) {
        return code;
    }
    diag_fill(diag, diag->lang, code, path, line, column, fmt, ap);
    return code;
}

chiso_status
chiso_diag_set(chiso_diag *diag,
               chiso_status code,
               const char *path,
               unsigned long line,
               unsigned long column,
               const char *fmt,
               ...)
{
    va_list ap;

    va_start(ap, fmt);
    code = chiso_diag_vset(diag, code, path, line, column, fmt, ap);
    va_end(ap);
    return code;
}

chiso_status
chiso_diag_set_errno(chiso_diag *diag,
                     const char *path,
                     int err,
                     const char *what)
{
    chiso_status st;

    st = chiso_diag_set(
        diag, CHISO_EIO, path, 0, 0, "%s: %s",
        chiso_msg(diag != NULL ? diag->lang : CHISO_LANG_EN, what),
        chiso_errno_str(diag != NULL ? diag->lang : CHISO_LANG_EN, err));
    if (diag != NULL && diag->code == CHISO_EIO && diag->sys_errno == 0) {
        diag->sys_errno = err;
    }
    return st;
}

void
chiso_diag_list_init(chiso_diag_list *list, size_t cap)
{
    memset(list, 0, sizeof(*list));
    list->cap = cap;
}

chiso_status
chiso_diag_list_add(chiso_diag_list *list, const chiso_diag *d)
{
    chiso_diag *items;
    size_t want;

    if (list->n >= list->cap) {
        list->n_dropped++;
        return CHISO_OK;
    }
    want = list->n + 1;
    items = realloc(list->items, want * sizeof(*items));
    if (items == NULL) {
        return CHISO_ENOMEM;
    }
    list->items = items;
    list->items[list->n++] = *d;
    return CHISO_OK;
}

chiso_status
chiso_diag_list_vaddf(chiso_diag_list *list,
                      chiso_status code,
                      const char *path,
                      unsigned long line,
                      unsigned long column,
                      const char *fmt,
                      va_list ap)
{
    chiso_diag d;

    diag_fill(&d, list->lang, code, path, line, column, fmt, ap);
    return chiso_diag_list_add(list, &d);
}

chiso_status
chiso_diag_list_addf(chiso_diag_list *list,
                     chiso_status code,
                     const char *path,
                     unsigned long line,
                     unsigned long column,
                     const char *fmt,
                     ...)
{
    chiso_status st;
    va_list ap;

    va_start(ap, fmt);
    st = chiso_diag_list_vaddf(list, code, path, line, column, fmt, ap);
    va_end(ap);
    return st;
}

chiso_status
chiso_diag_list_addk(chiso_diag_list *list,
                     const char *kind,
                     chiso_severity severity,
                     const char *criterion_id,
                     const char *path,
                     unsigned long line,
                     unsigned long column,
                     const char *fmt,
                     ...)
{
    chiso_diag d;
    va_list ap;

    va_start(ap, fmt);
    diag_fill(&d, list->lang, CHISO_EDATA, path, line, column, fmt, ap);
    va_end(ap);
    d.kind = kind;
    d.severity = severity;
    if (criterion_id != NULL) {
        chiso_textf(d.criterion_id, sizeof(d.criterion_id), "%s", criterion_id);
    }
    return chiso_diag_list_add(list, &d);
}

const char *
chiso_severity_name(chiso_severity sev)
{
    switch (sev) {
    case CHISO_SEVERITY_WARNING:
        return "warning";
    case CHISO_SEVERITY_INFO:
        return "info";
    case CHISO_SEVERITY_ERROR:
        return "error";
    }
    return "warning";
}

static int
json_add_text_or_null(struct cJSON *obj, const char *key, const char *s)
{
    if (s == NULL || s[0] == '\0') {
        return cJSON_AddNullToObject(obj, key) != NULL;
    }
    return cJSON_AddStringToObject(obj, key, s) != NULL;
}

static int
json_add_count_or_null(struct cJSON *obj, const char *key, unsigned long v)
{
    if (v == 0) {
        return cJSON_AddNullToObject(obj, key) != NULL;
    }
    return cJSON_AddNumberToObject(obj, key, (double)v) != NULL;
}

struct cJSON *
chiso_diag_list_to_json(const chiso_diag_list *list)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    if (arr == NULL) {
        return NULL;
    }
    for (i = 0; i < list->n; i++) {
        const chiso_diag *d = &list->items[i];
        cJSON *o = cJSON_CreateObject();
        if (o == NULL) {
            cJSON_Delete(arr);
            return NULL;
        }
        cJSON_AddItemToArray(arr, o);
        if (!json_add_text_or_null(
                o, "code", d->kind != NULL ? d->kind : "unclassified") ||
            !json_add_text_or_null(o, "severity",
                                   chiso_severity_name(d->severity)) ||
            !json_add_text_or_null(o, "message", d->message) ||
            !json_add_text_or_null(o, "criterion_id", d->criterion_id) ||
            !json_add_text_or_null(o, "file", d->path) ||
            !json_add_count_or_null(o, "line", d->line) ||
            !json_add_count_or_null(o, "column", d->column)) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

size_t
chiso_diag_list_total(const chiso_diag_list *list)
{
    return list->n + list->n_dropped;
}

/* A workbook position "FILE:SHEET!B7" (or "!7:7" for a row): its row and
 * column; 0 when the text after '!' is not one. */
static int
cell_of(const char *s, unsigned long *row, unsigned long *col)
{
    *row = *col = 0;
    for (; *s >= 'A' && *s <= 'Z'; s++) {
        *col = *col * 26 + (unsigned long)(*s - 'A' + 1);
    }
    for (; *s >= '0' && *s <= '9'; s++) {
        *row = *row * 10 + (unsigned long)(*s - '0');
    }
    return *row > 0 && (*s == '\0' || *s == ':');
}

static int
diag_cmp(const chiso_diag *a, const chiso_diag *b)
{
    int c = strcmp(a->path, b->path);
    const char *ea = strrchr(a->path, '!'), *eb = strrchr(b->path, '!');
    unsigned long ra, ca, rb, cb;

    /* cells of one sheet in sheet order (B7 before A10), not as text */
    if (c != 0 && ea != NULL && eb != NULL && ea - a->path == eb - b->path &&
        strncmp(a->path, b->path, (size_t)(ea - a->path)) == 0 &&
        cell_of(ea + 1, &ra, &ca) && cell_of(eb + 1, &rb, &cb)) {
        if (ra != rb) {
            return ra < rb ? -1 : 1;
        }
        if (ca != cb) {
            return ca < cb ? -1 : 1;
        }
    }

    if (c != 0) {
        return c;
    }
    if (a->line != b->line) {
        return a->line < b->line ? -1 : 1;
    }
    if (a->column != b->column) {
        return a->column < b->column ? -1 : 1;
    }
    return 0;
}

void
chiso_diag_list_sort(chiso_diag_list *list)
{
    size_t i, j;

    /* insertion sort: stable, and lists are capped small */
    for (i = 1; i < list->n; i++) {
        chiso_diag tmp = list->items[i];
        j = i;
        while (j > 0 && diag_cmp(&list->items[j - 1], &tmp) > 0) {
            list->items[j] = list->items[j - 1];
            j--;
        }
        list->items[j] = tmp;
    }
}

void
chiso_diag_list_free(chiso_diag_list *list)
{
    if (list == NULL) {
        return;
    }
    free(list->items);
    list->items = NULL;
    list->n = 0;
    list->n_dropped = 0;
}

/* ---- buffers -------------------------------------------------------- */

chiso_status
chiso_buf_reserve(chiso_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (extra > SIZE_MAX - b->len - 1) {
        return CHISO_ENOMEM;
    }
    need = b->len + extra + 1;
    if (need <= b->cap) {
        return CHISO_OK;
    }
    cap = b->cap ? b->cap : 64;
    while (cap < need) {
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    }
    p = realloc(b->data, cap);
    if (p == NULL) {
        return CHISO_ENOMEM;
    }
    b->data = p;
    b->cap = cap;
    return CHISO_OK;
}

chiso_status
chiso_buf_append(chiso_buf *b, const void *p, size_t n)
{
    chiso_status st = chiso_buf_reserve(b, n);

    if (st != CHISO_OK) {
        return st;
    }
    if (n > 0) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
    return CHISO_OK;
}

chiso_status
chiso_buf_puts(chiso_buf *b, const char *s)
{
    return chiso_buf_append(b, s, strlen(s));
}

chiso_status
chiso_buf_vprintf(chiso_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    chiso_status st;

    va_copy(ap2, ap);
    n = chiso_vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return CHISO_EINVAL;
    }
    st = chiso_buf_reserve(b, (size_t)n);
    if (st != CHISO_OK) {
        va_end(ap2);
        return st;
    }
    chiso_vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
    return CHISO_OK;
}

chiso_status
chiso_buf_printf(chiso_buf *b, const char *fmt, ...)
{
    va_list ap;
    chiso_status st;

    va_start(ap, fmt);
    st = chiso_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return st;
}

void
chiso_buf_free(chiso_buf *b)
{
    if (b == NULL) {
        return;
    }
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

/* ---- strings -------------------------------------------------------- */

char *
chiso_strdup(const char *s)
{
    if (s == NULL) {
        return NULL;
    }
    return chiso_strndup(s, strlen(s));
}

char *
chiso_strndup(const char *s, size_t n)
{
    char *p;

    if (s == NULL) {
        return NULL;
    }
    p = malloc(n + 1);
    if (p == NULL) {
        return NULL;
    }
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* ---- numbers -------------------------------------------------------- */

int
chiso_is_zero(double x)
{
    return fpclassify(x) == FP_ZERO;
}

double
chiso_round_sig(double x, int sig)
{
    char tmp[64];

    if (!isfinite(x) || chiso_is_zero(x)) {
        return x;
    }
    /* printf rounds the decimal expansion correctly; strtod reads it back */
    chiso_snprintf(tmp, sizeof(tmp), "%.*e", sig - 1, x);
    x = chiso_strtod(tmp, NULL);
    return chiso_is_zero(x) ? 0.0 : x; /* no negative zero in output */
}

double
chiso_round_half_up(double x, int decimals)
{
    double scale, v, r;

    if (!isfinite(x)) {
        return x;
    }
    scale = pow(10.0, decimals);
    /* remove binary noise first: 2.675 is stored as 2.67499999..., which a
     * person (and the 766 portal) rounds as the decimal 2.675 */
    v = chiso_round_sig(x * scale, 12);
    r = floor(fabs(v) + 0.5);
    r = copysign(r, v) / scale;
    return chiso_is_zero(r) ? 0.0 : r;
}

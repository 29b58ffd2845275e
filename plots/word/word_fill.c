/*
 * word_fill.c - fill an office's .docx template from JSON.
 *
 * Word stores a paragraph's text in runs (<w:r><w:t>), and splits it where
 * formatting, spell checking (<w:proofErr/>), bookmarks, revision marks or
 * a simple edit history change: "{{par.index_pct}}" typed in one go is often
 * saved as "{{par." in one run and "index_pct}}" in the next. So placeholders
 * are found in the paragraph's text, not in its runs: the text of every
 * <w:t> of the paragraph (in document order, skipping deleted text, field
 * codes and nested text boxes) is concatenated, with a separator character
 * for tabs and breaks, and each <w:t> remembers which span of the whole it
 * holds. A placeholder found in the whole is replaced by writing its value
 * into the <w:t> where it starts (keeping that run's formatting) and cutting
 * its remaining characters out of the following ones; the runs, proofing
 * marks and bookmarks between stay as they were.
 *
 * Repeated rows: a table row (or, outside a table, a paragraph) holding a
 * placeholder with "[]" is copied once per item of that array, each copy
 * filled with its item, and the original removed.
 *
 * The template is read into memory and edited as a zip archive in memory
 * (libzip): only parts that held a placeholder are replaced, each keeping
 * its name, order and time stamp; every other entry is copied compressed,
 * as it was. Parts are parsed with libxml2 with network access and entity
 * substitution off.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_word.h"
#include "word_int.h"

#include <cjson/cJSON.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

/* Separator put in a paragraph's text for a tab or a break: a placeholder
 * cannot span it. */
#define SEP '\x01'

/* ---- context ------------------------------------------------------------ */

typedef struct fill_loc {
    unsigned long para;  /* paragraph number outside tables (1-based) */
    unsigned long table; /* table number, 0 = not in a table */
    unsigned long row, cell;
    unsigned long order; /* paragraph's place in the part (sorting) */
} fill_loc;

/* A problem waiting to be handed over in document order. */
typedef struct pending {
    unsigned part_no;
    unsigned long order, seq;
    chiso_severity sev;
    char *msg;
} pending;

typedef struct fill_ctx {
    const cJSON *root;
    chiso_lang lang;
    const char *tpl;  /* template name for messages */
    const char *part; /* entry name, e.g. word/header1.xml */
    int main_part;    /* the main document */
    unsigned part_no; /* parts in the order they are filled */
    int quiet;        /* find only, report nothing */
    pending *pend;    /* problems, handed over sorted at the end */
    size_t n_pend, cap_pend;
    size_t n_errors;
    size_t n_warnings;
    char **seen; /* messages already reported (no repeats per item) */
    size_t n_seen, cap_seen;
    int oom;
    /* the repetition being filled */
    const char *arr; /* array path, NULL outside a repetition */
    const cJSON *item;
    unsigned long index; /* 1-based */
} fill_ctx;

static int
is_w(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           strcmp((const char *)n->ns->href, WORD_NS_W) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

/* "table 2, row 3, cell 1" / "paragraph 12", with the part when it is not
 * the main document. */
static void
loc_text(const fill_ctx *c, const fill_loc *loc, char *buf, size_t cap)
{
    char where[128], part[160];
    const char *base = strrchr(c->part, '/');

    base = base ? base + 1 : c->part;
    if (loc->table > 0) {
        snprintf(where, sizeof(where),
                 chiso_msg(c->lang, "table %lu, row %lu, cell %lu"), loc->table,
                 loc->row, loc->cell);
    } else {
        snprintf(where, sizeof(where), chiso_msg(c->lang, "paragraph %lu"),
                 loc->para);
    }
    if (c->main_part) {
        snprintf(buf, cap, "%s", where);
        return;
    }
    if (strncmp(base, "header", 6) == 0) {
        snprintf(part, sizeof(part), chiso_msg(c->lang, "header (%s)"), base);
    } else if (strncmp(base, "footer", 6) == 0) {
        snprintf(part, sizeof(part), chiso_msg(c->lang, "footer (%s)"), base);
    } else {
        snprintf(part, sizeof(part), "%s", base);
    }
    snprintf(buf, cap, "%s, %s", part, where);
}

/*
 * Report once: a problem repeated in every copy of a row is said once.
 * `key` (may be NULL) names the problem for that purpose when the message
 * differs between copies (it names the item).
 */
static void fill_report_key(fill_ctx *c,
                            chiso_severity sev,
                            const fill_loc *loc,
                            const char *key,
                            const char *fmt,
                            ...) CHISO_PRINTF(5, 6);

static void fill_report_v(fill_ctx *c,
                          chiso_severity sev,
                          const fill_loc *loc,
                          const char *key,
                          const char *fmt,
                          va_list ap) CHISO_PRINTF(5, 0);

static void
fill_report_v(fill_ctx *c,
              chiso_severity sev,
              const fill_loc *loc,
              const char *key,
              const char *fmt,
              va_list ap)
{
    char where[320], what[400], msg[760], seen[760];
    size_t i;

    if (c->quiet) {
        return;
    }
    loc_text(c, loc, where, sizeof(where));
    vsnprintf(what, sizeof(what), chiso_msg(c->lang, fmt), ap);
    snprintf(msg, sizeof(msg), "%s: %s", where, what);
    if (key != NULL) {
        snprintf(seen, sizeof(seen), "%s: \x01%s", where, key);
    } else {
        snprintf(seen, sizeof(seen), "%s", msg);
    }
    for (i = 0; i < c->n_seen; i++) {
        if (strcmp(c->seen[i], seen) == 0) {
            return;
        }
    }
    if (c->n_seen == c->cap_seen) {
        size_t cap = c->cap_seen ? 2 * c->cap_seen : 16;
        char **p = realloc(c->seen, cap * sizeof(*p));
        if (p == NULL) {
            c->oom = 1;
            return;
        }
        c->seen = p;
        c->cap_seen = cap;
    }
    if ((c->seen[c->n_seen] = chiso_strdup(seen)) == NULL) {
        c->oom = 1;
        return;
    }
    c->n_seen++;
    if (sev == CHISO_SEVERITY_ERROR) {
        c->n_errors++;
    } else {
        c->n_warnings++;
    }
    if (c->n_pend == c->cap_pend) {
        size_t cap = c->cap_pend ? 2 * c->cap_pend : 16;
        pending *p = realloc(c->pend, cap * sizeof(*p));
        if (p == NULL) {
            c->oom = 1;
            return;
        }
        c->pend = p;
        c->cap_pend = cap;
    }
    c->pend[c->n_pend].part_no = c->part_no;
    c->pend[c->n_pend].order = loc->order;
    c->pend[c->n_pend].seq = (unsigned long)c->n_pend;
    c->pend[c->n_pend].sev = sev;
    c->pend[c->n_pend].msg = chiso_strdup(msg);
    if (c->pend[c->n_pend].msg == NULL) {
        c->oom = 1;
        return;
    }
    c->n_pend++;
}

static int
pending_cmp(const void *a, const void *b)
{
    const pending *x = a, *y = b;

    if (x->part_no != y->part_no) {
        return x->part_no < y->part_no ? -1 : 1;
    }
    if (x->order != y->order) {
        return x->order < y->order ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Hand the problems over in document order; the first error goes to
 * diag. Frees them. */
static void
flush_problems(fill_ctx *c, chiso_diag_list *problems, chiso_diag *diag)
{
    size_t i;
    int first = 1;

    if (c->n_pend > 1) {
        qsort(c->pend, c->n_pend, sizeof(*c->pend), pending_cmp);
    }
    for (i = 0; i < c->n_pend; i++) {
        pending *p = &c->pend[i];
        if (p->sev == CHISO_SEVERITY_ERROR && first && diag != NULL &&
            diag->code == CHISO_OK) {
            /* translated already: through "%s" */
            chiso_diag_set(diag, CHISO_EDATA, c->tpl, 0, 0, "%s", p->msg);
            first = 0;
        }
        if (problems != NULL) {
            chiso_diag_list_addk(problems,
                                 p->sev == CHISO_SEVERITY_ERROR
                                     ? "fill_placeholder"
                                     : "fill_no_data",
                                 p->sev, NULL, c->tpl, 0, 0, "%s", p->msg);
        }
        free(p->msg);
    }
    free(c->pend);
    c->pend = NULL;
    c->n_pend = c->cap_pend = 0;
}

static void
fill_report_key(fill_ctx *c,
                chiso_severity sev,
                const fill_loc *loc,
                const char *key,
                const char *fmt,
                ...)
{
    va_list ap;

    va_start(ap, fmt);
    fill_report_v(c, sev, loc, key, fmt, ap);
    va_end(ap);
}

static void fill_report(fill_ctx *c,
                        chiso_severity sev,
                        const fill_loc *loc,
                        const char *fmt,
                        ...) CHISO_PRINTF(4, 5);

static void
fill_report(
    fill_ctx *c, chiso_severity sev, const fill_loc *loc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fill_report_v(c, sev, loc, NULL, fmt, ap);
    va_end(ap);
}

/* ---- a paragraph's text ------------------------------------------------- */

typedef struct seg {
    xmlNode *t;
    size_t start, len;
} seg;

typedef struct ptext {
    chiso_buf s;
    seg *segs;
    size_t n, cap;
    int oom;
} ptext;

static void
pt_add(ptext *pt, xmlNode *t, const char *text, size_t len)
{
    if (pt->n == pt->cap) {
        size_t cap = pt->cap ? 2 * pt->cap : 16;
        seg *p = realloc(pt->segs, cap * sizeof(*p));
        if (p == NULL) {
            pt->oom = 1;
            return;
        }
        pt->segs = p;
        pt->cap = cap;
    }
    pt->segs[pt->n].t = t;
    pt->segs[pt->n].start = pt->s.len;
    pt->segs[pt->n].len = len;
    pt->n++;
    if (chiso_buf_append(&pt->s, text, len) != CHISO_OK) {
        pt->oom = 1;
    }
}

static void
collect(xmlNode *n, ptext *pt)
{
    xmlNode *k;

    for (k = n->children; k != NULL; k = k->next) {
        if (k->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (is_w(k, "t")) {
            xmlChar *txt = xmlNodeGetContent(k);
            const char *s = txt ? (const char *)txt : "";
            pt_add(pt, k, s, strlen(s));
            xmlFree(txt);
        } else if (is_w(k, "tab") || is_w(k, "br") || is_w(k, "cr") ||
                   is_w(k, "ptab")) {
            char sep = SEP;
            if (chiso_buf_append(&pt->s, &sep, 1) != CHISO_OK) {
                pt->oom = 1;
            }
        } else if (is_w(k, "p") || is_w(k, "txbxContent") ||
                   is_w(k, "delText") || is_w(k, "instrText") ||
                   is_w(k, "fldData") || is_w(k, "del")) {
            /* nested paragraphs are filled on their own; deleted text and
             * field codes are not what the reader sees */
        } else {
            collect(k, pt);
        }
    }
}

static void
pt_free(ptext *pt)
{
    chiso_buf_free(&pt->s);
    free(pt->segs);
    memset(pt, 0, sizeof(*pt));
}

/* ---- placeholders ---------------------------------------------------------- */

typedef struct ph {
    size_t start, end; /* [start, end) in the paragraph text */
    char expr[256];    /* what is between the braces, trimmed */
    char path[256];    /* before ':' */
    word_format fmt;
    int has_format;
    int repeat;     /* holds "[]" */
    char arr[256];  /* the array before "[]" */
    char rest[256]; /* after "[]." ("" = the item, "#" = its number) */
    int bad;        /* a syntax error was reported */
} ph;

typedef struct ph_list {
    ph *v;
    size_t n, cap;
} ph_list;

static int
key_char(unsigned char ch)
{
    return ch >= 0x80 || ch == '_' || ch == '-' || ch == '#' ||
           (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
           (ch >= 'A' && ch <= 'Z');
}

/* Check a path: key(.key)* where a key may be followed by [N] or [];
 * only one [] and nothing after "[]." but keys (or "#"). Returns a
 * message id or NULL. */
static const char *
path_syntax(const char *path, int *n_repeat)
{
    const char *p = path;

    *n_repeat = 0;
    if (*p == '\0') {
        return N_("empty placeholder");
    }
    for (;;) {
        if (!key_char((unsigned char)*p)) {
            return N_("a name is expected");
        }
        if (*p == '#' && p[1] != '\0') {
            return N_("'#' stands alone, after '[].'");
        }
        while (key_char((unsigned char)*p)) {
            p++;
        }
        while (*p == '[') {
            p++;
            if (*p == ']') {
                (*n_repeat)++;
            } else {
                if (*p < '0' || *p > '9') {
                    return N_("'[' is followed by an item number or ']'");
                }
                while (*p >= '0' && *p <= '9') {
                    p++;
                }
                if (*p != ']') {
                    return N_("']' is missing");
                }
            }
            p++;
        }
        if (*p == '\0') {
            break;
        }
        if (*p != '.') {
            return N_("unexpected character");
        }
        p++;
    }
    if (*n_repeat > 1) {
        return N_("a row repeats over one array only ([] once)");
    }
    return NULL;
}

/* Is there a space (ASCII space, tab, U+00A0) at s? Its length, or 0. */
static size_t
space_at(const char *s, const char *e)
{
    if (s < e && (*s == ' ' || *s == '\t')) {
        return 1;
    }
    if (e - s >= 2 && (unsigned char)s[0] == 0xC2 &&
        (unsigned char)s[1] == 0xA0) {
        return 2;
    }
    return 0;
}

/* Copy [s, s+len) into dst without leading and trailing spaces (Word
 * turns some spaces into no-break spaces). */
static void
trim_copy(char *dst, size_t cap, const char *s, size_t len)
{
    const char *e = s + len;
    size_t n;

    while ((n = space_at(s, e)) > 0) {
        s += n;
    }
    while (e > s) {
        if (e[-1] == ' ' || e[-1] == '\t') {
            e--;
        } else if (e - s >= 2 && (unsigned char)e[-1] == 0xA0 &&
                   (unsigned char)e[-2] == 0xC2) {
            e -= 2;
        } else {
            break;
        }
    }
    len = (size_t)(e - s);
    if (len >= cap) {
        len = cap - 1;
    }
    /* never cut a character in two */
    while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80) {
        len--;
    }
    memcpy(dst, s, len);
    dst[len] = '\0';
}

/* Find the placeholders of a paragraph's text; syntax errors reported. */
static void
find_placeholders(
    fill_ctx *c, const char *s, size_t len, const fill_loc *loc, ph_list *out)
{
    size_t i = 0;

    out->n = 0;
    while (i + 1 < len) {
        size_t j, close = 0;
        ph *h;
        const char *why, *colon;
        int n_rep = 0;

        if (!(s[i] == '{' && s[i + 1] == '{')) {
            i++;
            continue;
        }
        for (j = i + 2; j + 1 < len + 1; j++) {
            if (j + 1 < len && s[j] == '}' && s[j + 1] == '}') {
                close = j;
                break;
            }
            if (s[j] == SEP ||
                (j + 1 < len && s[j] == '{' && s[j + 1] == '{')) {
                break;
            }
        }
        if (close == 0) {
            char shown[48];
            trim_copy(shown, sizeof(shown), s + i, len - i > 40 ? 40 : len - i);
            for (j = 0; shown[j] != '\0'; j++) {
                if (shown[j] == SEP) {
                    shown[j] = ' ';
                }
            }
            fill_report(c, CHISO_SEVERITY_ERROR, loc,
                        "'{{' without a closing '}}' in \"%s\"", shown);
            i += 2;
            continue;
        }
        if (out->n == out->cap) {
            size_t cap = out->cap ? 2 * out->cap : 8;
            ph *p = realloc(out->v, cap * sizeof(*p));
            if (p == NULL) {
                c->oom = 1;
                return;
            }
            out->v = p;
            out->cap = cap;
        }
        h = &out->v[out->n++];
        memset(h, 0, sizeof(*h));
        h->start = i;
        h->end = close + 2;
        trim_copy(h->expr, sizeof(h->expr), s + i + 2, close - i - 2);
        colon = strchr(h->expr, ':');
        if (colon != NULL) {
            char spec[64];
            trim_copy(h->path, sizeof(h->path), h->expr,
                      (size_t)(colon - h->expr));
            trim_copy(spec, sizeof(spec), colon + 1, strlen(colon + 1));
            h->has_format = 1;
            if (chiso_word__format_parse(spec, &h->fmt) != 0) {
                fill_report(
                    c, CHISO_SEVERITY_ERROR, loc,
                    "placeholder {{%s}}: unknown format '%s' (use 0 to 6 "
                    "decimals, 'plain' or 'date')",
                    h->expr, spec);
                h->bad = 1;
            }
        } else {
            snprintf(h->path, sizeof(h->path), "%s", h->expr);
            chiso_word__format_parse(NULL, &h->fmt);
        }
        why = path_syntax(h->path, &n_rep);
        if (why != NULL && !h->bad) {
            fill_report(c, CHISO_SEVERITY_ERROR, loc, "placeholder {{%s}}: %s",
                        h->expr, chiso_msg(c->lang, why));
            h->bad = 1;
        }
        if (!h->bad && n_rep == 1) {
            const char *b = strstr(h->path, "[]");
            h->repeat = 1;
            snprintf(h->arr, sizeof(h->arr), "%.*s", (int)(b - h->path),
                     h->path);
            if (b[2] == '.') {
                snprintf(h->rest, sizeof(h->rest), "%s", b + 3);
            } else if (b[2] == '\0') {
                h->rest[0] = '\0';
            } else {
                fill_report(c, CHISO_SEVERITY_ERROR, loc,
                            "placeholder {{%s}}: '[]' is followed by '.' and a "
                            "name",
                            h->expr);
                h->bad = 1;
            }
        } else if (!h->bad && strchr(h->path, '#') != NULL) {
            fill_report(
                c, CHISO_SEVERITY_ERROR, loc,
                "placeholder {{%s}}: '#' numbers the items of a repeated "
                "row: write {{array[].#}}",
                h->expr);
            h->bad = 1;
        }
        i = close + 2;
    }
}

/* ---- values ---------------------------------------------------------------- */

/*
 * Resolve a dotted path under `base`. On failure returns NULL and writes a
 * translated reason into why.
 */
static const cJSON *
resolve(const fill_ctx *c,
        const cJSON *base,
        const char *path,
        const char *shown_prefix,
        char *why,
        size_t cap)
{
    const char *p = path;
    const cJSON *cur = base;
    char sofar[256];
    size_t so = 0;

    snprintf(sofar, sizeof(sofar), "%s", shown_prefix ? shown_prefix : "");
    so = strlen(sofar);
    while (*p != '\0') {
        char key[256];
        size_t k = 0;
        const cJSON *next;

        while (*p != '\0' && *p != '.' && *p != '[' && k + 1 < sizeof(key)) {
            key[k++] = *p++;
        }
        key[k] = '\0';
        if (!cJSON_IsObject(cur)) {
            snprintf(why, cap, chiso_msg(c->lang, "'%s' is not an object"),
                     sofar);
            return NULL;
        }
        next = cJSON_GetObjectItemCaseSensitive(cur, key);
        if (next == NULL) {
            if (so == 0) {
                snprintf(why, cap, chiso_msg(c->lang, "the data has no '%s'"),
                         key);
            } else {
                snprintf(why, cap, chiso_msg(c->lang, "'%s' has no '%s'"),
                         sofar, key);
            }
            return NULL;
        }
        cur = next;
        so += (size_t)snprintf(sofar + so, sizeof(sofar) - so, "%s%s",
                               so ? "." : "", key);
        if (so >= sizeof(sofar)) {
            so = sizeof(sofar) - 1;
        }
        while (*p == '[') {
            unsigned long idx = strtoul(p + 1, NULL, 10);
            int n;
            p = strchr(p, ']') + 1;
            if (!cJSON_IsArray(cur)) {
                snprintf(why, cap, chiso_msg(c->lang, "'%s' is not a list"),
                         sofar);
                return NULL;
            }
            n = cJSON_GetArraySize(cur);
            if (idx == 0 || idx > (unsigned long)n) {
                snprintf(why, cap,
                         chiso_msg(c->lang, "'%s' has %d items; item %lu does "
                                            "not exist (items count from 1)"),
                         sofar, n, idx);
                return NULL;
            }
            cur = cJSON_GetArrayItem(cur, (int)idx - 1);
            so +=
                (size_t)snprintf(sofar + so, sizeof(sofar) - so, "[%lu]", idx);
            if (so >= sizeof(sofar)) {
                so = sizeof(sofar) - 1;
            }
        }
        if (*p == '.') {
            p++;
        }
    }
    return cur;
}

/* Text with line breaks and tabs turned into spaces, other control
 * characters dropped (a value is one run of text). */
static chiso_status
clean_text(chiso_buf *b, const char *s)
{
    chiso_status st = CHISO_OK;

    for (; *s != '\0' && st == CHISO_OK; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\n' || ch == '\r' || ch == '\t') {
            st = chiso_buf_append(b, " ", 1);
        } else if (ch >= 0x20 && ch != 0x7F) {
            st = chiso_buf_append(b, s, 1);
        }
    }
    return st;
}

/* The text of placeholder h, appended to out; 0, or -1 after reporting. */
static int
value_text(fill_ctx *c, const ph *h, const fill_loc *loc, chiso_buf *out)
{
    const cJSON *v;
    char why[400], num[80];

    if (h->repeat) {
        if (c->arr == NULL || strcmp(c->arr, h->arr) != 0) {
            fill_report(c, CHISO_SEVERITY_ERROR, loc,
                        "placeholder {{%s}}: outside the row that repeats over "
                        "'%s'",
                        h->expr, h->arr);
            return -1;
        }
        if (strcmp(h->rest, "#") == 0) {
            snprintf(num, sizeof(num), "%lu", c->index);
            return chiso_buf_puts(out, num) == CHISO_OK ? 0 : -1;
        }
        v = resolve(c, c->item, h->rest, NULL, why, sizeof(why));
        if (v == NULL) {
            /* said once, for the first item that lacks it */
            fill_report_key(c, CHISO_SEVERITY_ERROR, loc, h->expr,
                            "unknown placeholder {{%s}}: item %lu of '%s': %s",
                            h->expr, c->index, h->arr, why);
            return -1;
        }
    } else {
        v = resolve(c, c->root, h->path, NULL, why, sizeof(why));
        if (v == NULL) {
            fill_report(c, CHISO_SEVERITY_ERROR, loc,
                        "unknown placeholder {{%s}}: %s", h->expr, why);
            return -1;
        }
    }
    if (cJSON_IsNull(v)) {
        fill_report_key(
            c, CHISO_SEVERITY_WARNING, loc, h->expr,
            "placeholder {{%s}} has no data (null); the document says so",
            h->expr);
        return chiso_buf_puts(out, chiso_msg(c->lang, "(no data)")) == CHISO_OK
                   ? 0
                   : -1;
    }
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        fill_report(c, CHISO_SEVERITY_ERROR, loc,
                    "placeholder {{%s}} is %s, not a value: name one of its "
                    "items",
                    h->expr,
                    cJSON_IsObject(v) ? chiso_msg(c->lang, "an object")
                                      : chiso_msg(c->lang, "a list"));
        return -1;
    }
    if (cJSON_IsBool(v)) {
        if (h->fmt.decimals >= 0 || h->fmt.date || h->fmt.plain) {
            fill_report(c, CHISO_SEVERITY_ERROR, loc,
                        "placeholder {{%s}}: a yes/no value takes no format",
                        h->expr);
            return -1;
        }
        return chiso_buf_puts(out, cJSON_IsTrue(v)
                                       ? chiso_msg(c->lang, "yes")
                                       : chiso_msg(c->lang, "no")) == CHISO_OK
                   ? 0
                   : -1;
    }
    if (cJSON_IsNumber(v)) {
        if (h->fmt.date) {
            fill_report(c, CHISO_SEVERITY_ERROR, loc,
                        "placeholder {{%s}}: 'date' is for dates written "
                        "YYYY-MM-DD, not numbers",
                        h->expr);
            return -1;
        }
        chiso_word__format_number(v->valuedouble, &h->fmt, c->lang, num,
                                  sizeof(num));
        return chiso_buf_puts(out, num) == CHISO_OK ? 0 : -1;
    }
    /* a string */
    if (h->fmt.decimals >= 0 || h->fmt.plain) {
        fill_report(
            c, CHISO_SEVERITY_ERROR, loc,
            "placeholder {{%s}}: decimals are for numbers; '%s' is text",
            h->expr, h->path);
        return -1;
    }
    if (h->fmt.date) {
        const char *s = v->valuestring;
        int ok = strlen(s) >= 10 && s[4] == '-' && s[7] == '-';
        size_t i;
        for (i = 0; ok && i < 10; i++) {
            ok = i == 4 || i == 7 || (s[i] >= '0' && s[i] <= '9');
        }
        if (!ok) {
            fill_report(c, CHISO_SEVERITY_ERROR, loc,
                        "placeholder {{%s}}: '%.40s' is not a date YYYY-MM-DD",
                        h->expr, s);
            return -1;
        }
        snprintf(num, sizeof(num), "%.2s/%.2s/%.4s", s + 8, s + 5, s);
        return chiso_buf_puts(out, num) == CHISO_OK ? 0 : -1;
    }
    return clean_text(out, v->valuestring) == CHISO_OK ? 0 : -1;
}

/* ---- replacing text ---------------------------------------------------------- */

static void
set_t_text(xmlDoc *doc, xmlNode *t, const char *text, size_t len)
{
    xmlNode *k, *next;
    xmlNs *xml_ns;

    for (k = t->children; k != NULL; k = next) {
        next = k->next;
        xmlUnlinkNode(k);
        xmlFreeNode(k);
    }
    if (len > 0) {
        xmlAddChild(t, xmlNewDocTextLen(doc, (const xmlChar *)text, (int)len));
    }
    xml_ns = xmlSearchNsByHref(doc, t, XML_XML_NAMESPACE);
    if (xml_ns != NULL) {
        xmlSetNsProp(t, xml_ns, (const xmlChar *)"space",
                     (const xmlChar *)"preserve");
    }
}

/*
 * Fill one paragraph. Returns 1 if it held placeholders (and was changed
 * when they all had values), 0 if it held none.
 */
static int
fill_para(fill_ctx *c, xmlDoc *doc, xmlNode *p, const fill_loc *loc)
{
    ptext pt;
    ph_list hs = {NULL, 0, 0};
    chiso_buf *vals;
    size_t i, k;
    int ok = 1, had;

    memset(&pt, 0, sizeof(pt));
    collect(p, &pt);
    if (pt.oom) {
        c->oom = 1;
        pt_free(&pt);
        return 0;
    }
    find_placeholders(c, pt.s.data ? pt.s.data : "", pt.s.len, loc, &hs);
    had = hs.n > 0;
    if (hs.n == 0) {
        pt_free(&pt);
        free(hs.v);
        return had;
    }
    vals = calloc(hs.n, sizeof(chiso_buf));
    if (vals == NULL) {
        c->oom = 1;
        pt_free(&pt);
        free(hs.v);
        return had;
    }
    for (i = 0; i < hs.n; i++) {
        if (hs.v[i].bad || value_text(c, &hs.v[i], loc, &vals[i]) != 0) {
            ok = 0;
        }
    }
    /* rewrite each <w:t> that a placeholder touches */
    for (k = 0; ok && k < pt.n; k++) {
        seg *sg = &pt.segs[k];
        size_t pos = sg->start, end = sg->start + sg->len;
        chiso_buf nt = CHISO_BUF_INIT;
        int touched = 0;
        for (i = 0; i < hs.n; i++) {
            ph *h = &hs.v[i];
            if (h->end <= sg->start || h->start >= end) {
                continue;
            }
            touched = 1;
            if (h->start > pos) {
                chiso_buf_append(&nt, pt.s.data + pos, h->start - pos);
            }
            if (h->start >= sg->start && h->start < end && vals[i].len > 0) {
                chiso_buf_append(&nt, vals[i].data, vals[i].len);
            }
            pos = h->end < end ? h->end : end;
        }
        if (touched) {
            if (pos < end) {
                chiso_buf_append(&nt, pt.s.data + pos, end - pos);
            }
            set_t_text(doc, sg->t, nt.data ? nt.data : "", nt.len);
        }
        chiso_buf_free(&nt);
    }
    for (i = 0; i < hs.n; i++) {
        chiso_buf_free(&vals[i]);
    }
    free(vals);
    free(hs.v);
    pt_free(&pt);
    return had;
}

/* ---- walking a part ------------------------------------------------------------ */

typedef struct para_ref {
    xmlNode *p;
    fill_loc loc;
    xmlNode *unit; /* the repeated row or paragraph it belongs to */
} para_ref;

typedef struct walk {
    para_ref *v;
    size_t n, cap;
    unsigned long paras, tables;
    int oom;
} walk;

static void
walk_tree(xmlNode *n,
          walk *w,
          unsigned long table,
          unsigned long row,
          unsigned long cell)
{
    xmlNode *k;
    unsigned long n_rows = 0, n_cells = 0;

    for (k = n->children; k != NULL; k = k->next) {
        if (k->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (is_w(k, "tbl")) {
            walk_tree(k, w, ++w->tables, 0, 0);
        } else if (is_w(k, "tr")) {
            walk_tree(k, w, table, ++n_rows, 0); /* rows of this table */
        } else if (is_w(k, "tc")) {
            walk_tree(k, w, table, row, ++n_cells); /* cells of this row */
        } else if (is_w(k, "p")) {
            if (w->n == w->cap) {
                size_t cap = w->cap ? 2 * w->cap : 64;
                para_ref *p = realloc(w->v, cap * sizeof(*p));
                if (p == NULL) {
                    w->oom = 1;
                    return;
                }
                w->v = p;
                w->cap = cap;
            }
            w->v[w->n].p = k;
            w->v[w->n].unit = NULL;
            w->v[w->n].loc.table = table;
            w->v[w->n].loc.row = row;
            w->v[w->n].loc.cell = cell;
            w->v[w->n].loc.para = table ? 0 : ++w->paras;
            w->v[w->n].loc.order = (unsigned long)w->n + 1;
            w->n++;
            walk_tree(k, w, table, row, cell); /* text boxes */
        } else {
            walk_tree(k, w, table, row, cell);
        }
    }
}

static int
is_ancestor(const xmlNode *a, const xmlNode *n)
{
    for (; n != NULL; n = n->parent) {
        if (n == a) {
            return 1;
        }
    }
    return 0;
}

typedef struct unit {
    xmlNode *node;
    char arr[256];
    fill_loc loc;
    int bad;
} unit;

/* The paragraphs under n, in document order (text boxes included). */
static void
list_paras(xmlNode *n, xmlNode ***v, size_t *len, size_t *cap, int *oom)
{
    xmlNode *k;

    if (is_w(n, "p")) {
        if (*len == *cap) {
            size_t nc = *cap ? 2 * *cap : 16;
            xmlNode **p = realloc(*v, nc * sizeof(*p));
            if (p == NULL) {
                *oom = 1;
                return;
            }
            *v = p;
            *cap = nc;
        }
        (*v)[(*len)++] = n;
    }
    for (k = n->children; k != NULL; k = k->next) {
        if (k->type == XML_ELEMENT_NODE) {
            list_paras(k, v, len, cap, oom);
        }
    }
}

/* Point every use of `from` under n to `to`. */
static void
repoint_ns(xmlNode *n, const xmlNs *from, xmlNs *to)
{
    xmlNode *k;
    xmlAttr *a;

    if (n->ns == from) {
        n->ns = to;
    }
    for (a = n->properties; a != NULL; a = a->next) {
        if (a->ns == from) {
            a->ns = to;
        }
    }
    for (k = n->children; k != NULL; k = k->next) {
        if (k->type == XML_ELEMENT_NODE) {
            repoint_ns(k, from, to);
        }
    }
}

/*
 * A node copied by libxml2 carries its own declarations of the namespaces
 * it uses; once the copy sits in the document, those the parent already
 * declares (same prefix, same URI) are dropped, so the copy reads like the
 * original.
 */
static void
drop_redundant_ns(xmlDoc *doc, xmlNode *copy)
{
    xmlNs **pp = &copy->nsDef;

    while (*pp != NULL) {
        xmlNs *d = *pp;
        xmlNs *outer = copy->parent != NULL
                           ? xmlSearchNs(doc, copy->parent, d->prefix)
                           : NULL;
        if (outer != NULL && outer->href != NULL && d->href != NULL &&
            strcmp((const char *)outer->href, (const char *)d->href) == 0) {
            repoint_ns(copy, d, outer);
            *pp = d->next;
            d->next = NULL;
            xmlFreeNs(d);
        } else {
            pp = &d->next;
        }
    }
}

/*
 * A copy of a repeated unit must not repeat what Word wants unique: the
 * w14 paragraph ids go (Word makes new ones), and bookmarks stay in the
 * first copy only.
 */
static void
tidy_copy(xmlNode *n, int first)
{
    xmlNode *k, *next;
    xmlAttr *a, *an;

    for (a = n->properties; a != NULL; a = an) {
        an = a->next;
        if (a->ns != NULL && a->ns->prefix != NULL &&
            strcmp((const char *)a->ns->prefix, "w14") == 0 &&
            (strcmp((const char *)a->name, "paraId") == 0 ||
             strcmp((const char *)a->name, "textId") == 0)) {
            xmlRemoveProp(a);
        }
    }
    for (k = n->children; k != NULL; k = next) {
        next = k->next;
        if (k->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (!first && (is_w(k, "bookmarkStart") || is_w(k, "bookmarkEnd"))) {
            xmlUnlinkNode(k);
            xmlFreeNode(k);
            continue;
        }
        tidy_copy(k, first);
    }
}

/*
 * Fill one XML part. *changed is set when the part must be rewritten.
 */
static void
fill_part(fill_ctx *c, xmlDoc *doc, int *changed)
{
    walk w;
    unit *units = NULL;
    size_t n_units = 0, i, j, n_orig;
    ph_list hs = {NULL, 0, 0};
    para_ref **orig = NULL;

    memset(&w, 0, sizeof(w));
    *changed = 0;
    walk_tree(xmlDocGetRootElement(doc), &w, 0, 0, 0);
    if (w.oom) {
        c->oom = 1;
        free(w.v);
        return;
    }
    orig = malloc((w.n ? w.n : 1) * sizeof(*orig));
    if (orig == NULL) {
        c->oom = 1;
        free(w.v);
        return;
    }
    /* 1. the repeated units: the row (or paragraph) of each "[]" */
    for (i = 0; i < w.n; i++) {
        ptext pt;
        memset(&pt, 0, sizeof(pt));
        collect(w.v[i].p, &pt);
        if (pt.s.len > 0 && memchr(pt.s.data, '[', pt.s.len) != NULL) {
            /* syntax errors are reported by the fill below; here only
             * the repeats matter, without reporting twice */
            c->quiet = 1;
            find_placeholders(c, pt.s.data, pt.s.len, &w.v[i].loc, &hs);
            c->quiet = 0;
            for (j = 0; j < hs.n; j++) {
                xmlNode *u;
                size_t k;
                if (!hs.v[j].repeat || hs.v[j].bad) {
                    continue;
                }
                for (u = w.v[i].p; u != NULL && !is_w(u, "tr"); u = u->parent) {
                }
                if (u == NULL) {
                    u = w.v[i].p;
                }
                for (k = 0; k < n_units && units[k].node != u; k++) {
                }
                if (k == n_units) {
                    unit *nu = realloc(units, (n_units + 1) * sizeof(*nu));
                    if (nu == NULL) {
                        c->oom = 1;
                        break;
                    }
                    units = nu;
                    units[k].node = u;
                    snprintf(units[k].arr, sizeof(units[k].arr), "%s",
                             hs.v[j].arr);
                    units[k].loc = w.v[i].loc;
                    units[k].bad = 0;
                    n_units++;
                } else if (strcmp(units[k].arr, hs.v[j].arr) != 0 &&
                           !units[k].bad) {
                    fill_report(c, CHISO_SEVERITY_ERROR, &w.v[i].loc,
                                "one row repeats over one list; this row names "
                                "'%s' and '%s'",
                                units[k].arr, hs.v[j].arr);
                    units[k].bad = 1;
                }
            }
        }
        pt_free(&pt);
    }
    for (i = 0; i < w.n; i++) {
        for (j = 0; j < n_units; j++) {
            if (is_ancestor(units[j].node, w.v[i].p)) {
                w.v[i].unit = units[j].node;
                break;
            }
        }
    }
    /* 2. paragraphs outside the units */
    for (i = 0; i < w.n; i++) {
        if (w.v[i].unit == NULL && fill_para(c, doc, w.v[i].p, &w.v[i].loc)) {
            *changed = 1;
        }
    }
    /* 3. the units: one filled copy per item, then the original goes */
    for (j = 0; j < n_units && !c->oom; j++) {
        unit *u = &units[j];
        char why[400];
        const cJSON *arr, *item;
        int n, k;

        if (u->bad) {
            continue;
        }
        arr = resolve(c, c->root, u->arr, NULL, why, sizeof(why));
        if (arr == NULL || !cJSON_IsArray(arr)) {
            if (arr != NULL) {
                snprintf(why, sizeof(why),
                         chiso_msg(c->lang, "'%s' is not a list"), u->arr);
            }
            fill_report(c, CHISO_SEVERITY_ERROR, &u->loc,
                        "unknown placeholder {{%s[]...}}: %s", u->arr, why);
            continue;
        }
        /* the unit's own paragraphs and their places, for messages */
        n_orig = 0;
        for (i = 0; i < w.n; i++) {
            if (w.v[i].unit == u->node) {
                orig[n_orig++] = &w.v[i];
            }
        }
        n = cJSON_GetArraySize(arr);
        /* the items in list order (cJSON_GetArrayItem walks the list from
         * its start: n items would take n^2 / 2 steps) */
        item = arr->child;
        for (k = 0; k < n && item != NULL && !c->oom;
             k++, item = item->next) {
            xmlNode *copy = xmlDocCopyNode(u->node, doc, 1);
            size_t m, n_cp = 0, cap_cp = 0;
            xmlNode **cp = NULL;
            if (copy == NULL || xmlAddPrevSibling(u->node, copy) == NULL) {
                xmlFreeNode(copy);
                c->oom = 1;
                break;
            }
            drop_redundant_ns(doc, copy);
            tidy_copy(copy, k == 0);
            list_paras(copy, &cp, &n_cp, &cap_cp, &c->oom);
            c->arr = u->arr;
            c->item = item;
            c->index = (unsigned long)k + 1;
            for (m = 0; m < n_cp && !c->oom; m++) {
                fill_para(c, doc, cp[m], m < n_orig ? &orig[m]->loc : &u->loc);
            }
            free(cp);
            c->arr = NULL;
            c->item = NULL;
        }
        xmlUnlinkNode(u->node);
        xmlFreeNode(u->node);
        u->node = NULL;
        *changed = 1;
    }
    free(hs.v);
    free(units);
    free(orig);
    free(w.v);
}

/* ---- the package -------------------------------------------------------------- */

/* Parts that hold text to fill, besides the main document. */
static int
fill_candidate(const char *name)
{
    size_t n = strlen(name);

    if (strncmp(name, "word/", 5) != 0 || n < 9 ||
        strcmp(name + n - 4, ".xml") != 0 || strchr(name + 5, '/') != NULL) {
        return 0;
    }
    return strncmp(name + 5, "header", 6) == 0 ||
           strncmp(name + 5, "footer", 6) == 0 ||
           strcmp(name + 5, "footnotes.xml") == 0 ||
           strcmp(name + 5, "endnotes.xml") == 0;
}

static chiso_status
read_entry(zip_t *za,
           zip_uint64_t idx,
           const char *tpl,
           char **out,
           size_t *len,
           chiso_diag *diag)
{
    zip_stat_t sb;
    zip_file_t *zf;
    char *buf;

    *out = NULL;
    zip_stat_init(&sb);
    if (zip_stat_index(za, idx, 0, &sb) != 0 || !(sb.valid & ZIP_STAT_SIZE)) {
        return chiso_diag_set(diag, CHISO_EPARSE, tpl, 0, 0,
                              "cannot read an entry of the document: %s",
                              zip_strerror(za));
    }
    if (sb.size > WORD_MAX_PART_BYTES) {
        return chiso_diag_set(diag, CHISO_EDATA, tpl, 0, 0,
                              "'%s' is larger than %lu MB; not a document "
                              "chiso fills",
                              sb.name,
                              (unsigned long)(WORD_MAX_PART_BYTES >> 20));
    }
    buf = malloc((size_t)sb.size + 1);
    if (buf == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, tpl, 0, 0, "out of memory");
    }
    zf = zip_fopen_index(za, idx, 0);
    if (zf == NULL || zip_fread(zf, buf, sb.size) != (zip_int64_t)sb.size) {
        chiso_status st =
            chiso_diag_set(diag, CHISO_EPARSE, tpl, 0, 0,
                           "cannot read '%s' in the document: %s", sb.name,
                           zf ? zip_file_strerror(zf) : zip_strerror(za));
        if (zf != NULL) {
            zip_fclose(zf);
        }
        free(buf);
        return st;
    }
    zip_fclose(zf);
    buf[sb.size] = '\0';
    *out = buf;
    *len = (size_t)sb.size;
    return CHISO_OK;
}

/* The main document's entry name from _rels/.rels (default
 * word/document.xml). */
static void
main_part_name(zip_t *za, const char *tpl, char *out, size_t cap)
{
    zip_int64_t idx = zip_name_locate(za, "_rels/.rels", 0);
    char *data = NULL;
    size_t len = 0;
    xmlDoc *doc;
    xmlNode *r;

    snprintf(out, cap, "%s", "word/document.xml");
    if (idx < 0 ||
        read_entry(za, (zip_uint64_t)idx, tpl, &data, &len, NULL) != CHISO_OK) {
        return;
    }
    doc = xmlReadMemory(data, (int)len, "rels", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING);
    free(data);
    if (doc == NULL) {
        return;
    }
    for (r = xmlDocGetRootElement(doc)->children; r != NULL; r = r->next) {
        xmlChar *type, *target;
        if (r->type != XML_ELEMENT_NODE) {
            continue;
        }
        type = xmlGetProp(r, (const xmlChar *)"Type");
        target = xmlGetProp(r, (const xmlChar *)"Target");
        if (type != NULL && target != NULL) {
            const char *t = (const char *)type;
            size_t tl = strlen(t);
            if (tl >= 15 && strcmp(t + tl - 15, "/officeDocument") == 0) {
                const char *g = (const char *)target;
                snprintf(out, cap, "%s", g[0] == '/' ? g + 1 : g);
            }
        }
        xmlFree(type);
        xmlFree(target);
    }
    xmlFreeDoc(doc);
}

static chiso_status
zip_err(chiso_diag *diag, const char *tpl, zip_error_t *ze)
{
    int code = zip_error_code_zip(ze);

    if (code == ZIP_ER_MEMORY) {
        return chiso_diag_set(diag, CHISO_ENOMEM, tpl, 0, 0, "out of memory");
    }
    return chiso_diag_set(diag, CHISO_EPARSE, tpl, 0, 0,
                          "not a Word document (.docx): %s",
                          zip_error_strerror(ze));
}

/* Parse, fill and (if changed) replace entry idx. */
static chiso_status
process_entry(fill_ctx *c,
              zip_t *za,
              zip_uint64_t idx,
              const char *name,
              int main_part,
              chiso_diag *diag)
{
    char *data = NULL;
    size_t len = 0;
    xmlParserCtxt *px;
    xmlDoc *doc;
    chiso_status st;
    int changed = 0;

    st = read_entry(za, idx, c->tpl, &data, &len, diag);
    if (st != CHISO_OK) {
        return st;
    }
    if (len > (size_t)INT32_MAX) {
        free(data);
        return chiso_diag_set(diag, CHISO_EDATA, c->tpl, 0, 0,
                              "'%s' is too large", name);
    }
    px = xmlNewParserCtxt();
    if (px == NULL) {
        free(data);
        return chiso_diag_set(diag, CHISO_ENOMEM, c->tpl, 0, 0,
                              "out of memory");
    }
    doc = xmlCtxtReadMemory(px, data, (int)len, name, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING);
    free(data);
    if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
        const xmlError *e = xmlCtxtGetLastError(px);
        st = chiso_diag_set(diag, CHISO_EPARSE, c->tpl, 0, 0,
                            "'%s' in the document is not well-formed XML "
                            "(line %d: %s)",
                            name, e ? e->line : 0,
                            e && e->message ? e->message : "?");
        /* libxml2's message ends with a newline */
        if (diag != NULL) {
            size_t n = strlen(diag->message);
            while (n > 0 && (diag->message[n - 1] == '\n' ||
                             diag->message[n - 1] == ')')) {
                diag->message[--n] = '\0';
            }
            if (n + 1 < sizeof(diag->message)) {
                diag->message[n++] = ')';
                diag->message[n] = '\0';
            }
        }
        xmlFreeDoc(doc);
        xmlFreeParserCtxt(px);
        return st;
    }
    xmlFreeParserCtxt(px);
    c->part = name;
    c->main_part = main_part;
    c->part_no++;
    fill_part(c, doc, &changed);
    if (c->oom) {
        xmlFreeDoc(doc);
        return chiso_diag_set(diag, CHISO_ENOMEM, c->tpl, 0, 0,
                              "out of memory");
    }
    if (changed && c->n_errors == 0) {
        xmlChar *mem = NULL;
        int size = 0;
        zip_stat_t sb;
        zip_source_t *zs;
        char *copy;

        xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
        if (mem == NULL || size <= 0) {
            xmlFreeDoc(doc);
            return chiso_diag_set(diag, CHISO_ENOMEM, c->tpl, 0, 0,
                                  "out of memory");
        }
        copy = malloc((size_t)size);
        if (copy != NULL) {
            memcpy(copy, mem, (size_t)size);
        }
        xmlFree(mem);
        zip_stat_init(&sb);
        zip_stat_index(za, idx, 0, &sb);
        zs = copy ? zip_source_buffer(za, copy, (zip_uint64_t)size, 1) : NULL;
        if (zs == NULL) {
            free(copy);
            xmlFreeDoc(doc);
            return chiso_diag_set(diag, CHISO_ENOMEM, c->tpl, 0, 0,
                                  "out of memory");
        }
        /* same name, place and time as the template's entry */
        if (zip_file_replace(za, idx, zs, 0) != 0 ||
            zip_set_file_compression(za, idx, ZIP_CM_DEFLATE, 0) != 0 ||
            ((sb.valid & ZIP_STAT_MTIME) &&
             zip_file_set_mtime(za, idx, sb.mtime, 0) != 0)) {
            zip_source_free(zs);
            xmlFreeDoc(doc);
            return chiso_diag_set(diag, CHISO_ENOMEM, c->tpl, 0, 0, "zip: %s",
                                  zip_strerror(za));
        }
    }
    xmlFreeDoc(doc);
    return CHISO_OK;
}

/* A template (.dotx) filled is a document: its main part's content type
 * says so. */
static chiso_status
fix_content_type(zip_t *za, const char *tpl, chiso_diag *diag)
{
    static const char tmpl[] = "wordprocessingml.template.main+xml";
    static const char docm[] = "wordprocessingml.document.main+xml";
    zip_int64_t idx = zip_name_locate(za, "[Content_Types].xml", 0);
    char *data = NULL, *hit;
    size_t len = 0;
    zip_stat_t sb;
    zip_source_t *zs;

    if (idx < 0) {
        return chiso_diag_set(diag, CHISO_EPARSE, tpl, 0, 0,
                              "not a Word document (.docx): no "
                              "[Content_Types].xml");
    }
    if (read_entry(za, (zip_uint64_t)idx, tpl, &data, &len, diag) != CHISO_OK) {
        return diag ? diag->code : CHISO_EPARSE;
    }
    hit = strstr(data, tmpl);
    if (hit == NULL) {
        free(data);
        return CHISO_OK;
    }
    memcpy(hit, docm, sizeof(docm) - 1); /* same length */
    zip_stat_init(&sb);
    zip_stat_index(za, (zip_uint64_t)idx, 0, &sb);
    zs = zip_source_buffer(za, data, len, 1);
    if (zs == NULL) {
        free(data);
        return chiso_diag_set(diag, CHISO_ENOMEM, tpl, 0, 0, "out of memory");
    }
    if (zip_file_replace(za, (zip_uint64_t)idx, zs, 0) != 0 ||
        ((sb.valid & ZIP_STAT_MTIME) &&
         zip_file_set_mtime(za, (zip_uint64_t)idx, sb.mtime, 0) != 0)) {
        zip_source_free(zs);
        return chiso_diag_set(diag, CHISO_ENOMEM, tpl, 0, 0, "zip: %s",
                              zip_strerror(za));
    }
    return CHISO_OK;
}

chiso_status
chiso_word_fill_mem(const char *template_name,
                    const void *bytes,
                    size_t len,
                    const cJSON *data,
                    const chiso_word_fill_options *opts,
                    char **out,
                    size_t *out_len,
                    chiso_diag_list *problems,
                    chiso_diag *diag)
{
    fill_ctx c;
    zip_error_t ze;
    zip_source_t *src;
    zip_t *za;
    zip_int64_t n_entries, i, main_idx;
    char main_name[256];
    chiso_status st = CHISO_OK;
    zip_stat_t sb;
    char *buf;
    size_t k;

    *out = NULL;
    *out_len = 0;
    memset(&c, 0, sizeof(c));
    c.root = data;
    c.lang = opts ? opts->lang : CHISO_LANG_VI;
    c.tpl = template_name ? template_name : "";
    if (data == NULL || !cJSON_IsObject(data)) {
        return chiso_diag_set(diag, CHISO_EDATA, NULL, 0, 0,
                              "the data to fill a template with is a JSON "
                              "object");
    }
    if (len < 4 || memcmp(bytes, "PK\x03\x04", 4) != 0) {
        return chiso_diag_set(diag, CHISO_EPARSE, c.tpl, 0, 0,
                              "not a Word document (.docx): not a zip file");
    }
    zip_error_init(&ze);
    src = zip_source_buffer_create(bytes, len, 0, &ze);
    if (src == NULL) {
        st = zip_err(diag, c.tpl, &ze);
        zip_error_fini(&ze);
        return st;
    }
    za = zip_open_from_source(src, 0, &ze);
    if (za == NULL) {
        st = zip_err(diag, c.tpl, &ze);
        zip_source_free(src);
        zip_error_fini(&ze);
        return st;
    }
    zip_source_keep(src);
    main_part_name(za, c.tpl, main_name, sizeof(main_name));
    main_idx = zip_name_locate(za, main_name, 0);
    if (main_idx < 0) {
        st = chiso_diag_set(diag, CHISO_EPARSE, c.tpl, 0, 0,
                            "not a Word document (.docx): no '%s'", main_name);
    }
    if (st == CHISO_OK) {
        st = fix_content_type(za, c.tpl, diag);
    }
    if (st == CHISO_OK) {
        st = process_entry(&c, za, (zip_uint64_t)main_idx, main_name, 1, diag);
    }
    n_entries = zip_get_num_entries(za, 0);
    for (i = 0; i < n_entries && st == CHISO_OK; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        if (i != main_idx && name != NULL && fill_candidate(name)) {
            st = process_entry(&c, za, (zip_uint64_t)i, name, 0, diag);
        }
    }
    if (st == CHISO_OK && c.oom) {
        st = chiso_diag_set(diag, CHISO_ENOMEM, c.tpl, 0, 0, "out of memory");
    }
    if (st == CHISO_OK && c.n_errors > 0) {
        st = CHISO_EDATA;
    }
    flush_problems(&c, problems, st == CHISO_EDATA ? diag : NULL);
    for (k = 0; k < c.n_seen; k++) {
        free(c.seen[k]);
    }
    free(c.seen);
    if (st != CHISO_OK) {
        zip_discard(za);
        zip_source_free(src);
        zip_error_fini(&ze);
        return st;
    }
    if (zip_close(za) != 0) {
        st = chiso_diag_set(diag, CHISO_EIO, c.tpl, 0, 0, "zip: %s",
                            zip_strerror(za));
        zip_discard(za);
        zip_source_free(src);
        zip_error_fini(&ze);
        return st;
    }
    zip_stat_init(&sb);
    if (zip_source_stat(src, &sb) != 0 || !(sb.valid & ZIP_STAT_SIZE) ||
        zip_source_open(src) != 0) {
        zip_source_free(src);
        zip_error_fini(&ze);
        return chiso_diag_set(diag, CHISO_ENOMEM, c.tpl, 0, 0, "out of memory");
    }
    buf = malloc(sb.size ? (size_t)sb.size : 1);
    if (buf == NULL ||
        zip_source_read(src, buf, sb.size) != (zip_int64_t)sb.size) {
        free(buf);
        zip_source_close(src);
        zip_source_free(src);
        zip_error_fini(&ze);
        return chiso_diag_set(diag, CHISO_ENOMEM, c.tpl, 0, 0, "out of memory");
    }
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *out = buf;
    *out_len = (size_t)sb.size;
    return CHISO_OK;
}

chiso_status
chiso_word_fill(const char *template_path,
                const cJSON *data,
                const char *out_path,
                const chiso_word_fill_options *opts,
                chiso_diag_list *problems,
                chiso_diag *diag)
{
    char *in = NULL, *out = NULL;
    size_t in_len = 0, out_len = 0;
    chiso_status st;
    struct stat si, so;

    /* never over the template: same file, whatever the path says */
    if (strcmp(out_path, "-") != 0 && stat(template_path, &si) == 0 &&
        stat(out_path, &so) == 0 && si.st_dev == so.st_dev &&
        si.st_ino == so.st_ino) {
        return chiso_diag_set(diag, CHISO_EUSAGE, out_path, 0, 0,
                              "the output is the template itself; refusing "
                              "to overwrite it");
    }
    st = chiso_file_read_all(template_path, &in, &in_len, diag);
    if (st != CHISO_OK) {
        return st;
    }
    st = chiso_word_fill_mem(template_path, in, in_len, data, opts, &out,
                             &out_len, problems, diag);
    free(in);
    if (st == CHISO_OK) {
        st = chiso_file_write_atomic(out_path, out, out_len, diag);
    }
    free(out);
    return st;
}

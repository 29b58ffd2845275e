/*
 * web_svg.c - charts as inline SVG in the page, with their values on hover.
 *
 * A chart is laid out once and drawn by cairo into an SVG document in
 * memory; the same model gives the data marks' positions
 * (chiso_plot_hotspots). The document is then rewritten into an element
 * the page can hold several of:
 *
 *  - the XML declaration, comments and namespace declarations are dropped
 *    (the HTML parser knows <svg>; this also keeps URL strings out of the
 *    page), the root's width and height give way to its viewBox so CSS
 *    scales it, and a <title> names it for screen readers;
 *  - every id (cairo's "glyph0-1", "clip1", "surface5"...) becomes
 *    PREFIX-k, k counting ids in order of first appearance, and every
 *    reference (href="#..", url(#..)) follows: two charts never share an
 *    id, and cairo's process-wide surface counter never reaches the bytes;
 *  - numbers with more than two decimals are rounded to two (a hundredth
 *    of a unit on a 1200-unit canvas), which keeps a chart near 2/3 of
 *    cairo's size with no visible change;
 *  - transparent shapes with a <title> ("Hưng Yên — 2023: 86,89") are laid
 *    over the marks; CSS outlines the one under the pointer.
 *
 * An SVG given as text goes through the same rewriting, which also
 * refuses anything active: script, style and foreignObject elements,
 * animations, event-handler attributes, references that do not point
 * inside the document (only "#id" and data:image/png|jpeg are allowed),
 * "://" anywhere, a DOCTYPE with declarations.
 */
#define _POSIX_C_SOURCE 200809L
#include "web_int.h"

#include "chiso_plot.h"

#include <cairo-svg.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- ids --------------------------------------------------------------- */

static uint64_t
id_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    size_t i;

    for (i = 0; i < len; i++) {
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    }
    return h;
}

void
chiso_web__strmap_free(chiso_web__strmap *m)
{
    size_t i;

    for (i = 0; i < m->cap; i++) {
        free(m->keys[i]);
    }
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

size_t
chiso_web__strmap_get(chiso_web__strmap *m, const char *s, size_t len, int add)
{
    size_t i;

    if (add && m->n * 2 >= m->cap) {
        chiso_web__strmap big;
        size_t cap = m->cap ? m->cap * 2 : 256;
        big.keys = calloc(cap, sizeof(*big.keys));
        big.vals = calloc(cap, sizeof(*big.vals));
        big.n = m->n;
        big.cap = cap;
        if (big.keys == NULL || big.vals == NULL) {
            free(big.keys);
            free(big.vals);
            return 0;
        }
        for (i = 0; i < m->cap; i++) {
            if (m->keys[i] != NULL) {
                size_t k =
                    (size_t)id_hash(m->keys[i], strlen(m->keys[i])) & (cap - 1);
                while (big.keys[k] != NULL) {
                    k = (k + 1) & (cap - 1);
                }
                big.keys[k] = m->keys[i];
                big.vals[k] = m->vals[i];
            }
        }
        free(m->keys);
        free(m->vals);
        *m = big;
    }
    if (m->cap == 0) {
        return 0;
    }
    i = (size_t)id_hash(s, len) & (m->cap - 1);
    while (m->keys[i] != NULL) {
        if (strlen(m->keys[i]) == len && memcmp(m->keys[i], s, len) == 0) {
            return m->vals[i];
        }
        i = (i + 1) & (m->cap - 1);
    }
    if (!add) {
        return 0;
    }
    m->keys[i] = chiso_strndup(s, len);
    if (m->keys[i] == NULL) {
        return 0;
    }
    m->vals[i] = ++m->n;
    return m->vals[i];
}

/* ---- the rewriting --------------------------------------------------- */

#define RW_MAX_DEPTH 256

typedef struct rw {
    chiso_web_page *p;
    const char *prefix;
    chiso_buf *out;
    chiso_web__strmap ids;
    size_t *alias; /* id number -> page glyph number (0: none) */
    size_t alias_cap;
    /* open elements: an end tag must close the innermost one, so nothing
     * can close the drawing early and go on as HTML */
    const char *open_name[RW_MAX_DEPTH];
    size_t open_len[RW_MAX_DEPTH];
    size_t depth;
    chiso_status st;
} rw;

static void
rw_put(rw *R, const char *s, size_t n)
{
    if (R->st == CHISO_OK && n > 0) {
        R->st = chiso_buf_append(R->out, s, n);
    }
}

static void
rw_puts(rw *R, const char *s)
{
    rw_put(R, s, strlen(s));
}

static void
rw_refuse(rw *R, const char *why)
{
    if (R->st == CHISO_OK) {
        R->st = chiso_web__fail(R->p, CHISO_EDATA, N_("the SVG is refused: %s"),
                                chiso_msg(R->p->lang, why));
    }
}

static int
has_ci(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle), i;
    int c0 = tolower((unsigned char)needle[0]);

    /* a needle with a ':' (no case of it) is not in a text without one
     * (a chart's path data); else the first letter first: a call per
     * byte of a 200 kB chart was a sixth of the page's time */
    if (strchr(needle, ':') != NULL && memchr(s, ':', len) == NULL) {
        return 0;
    }
    for (i = 0; i + n <= len; i++) {
        if (tolower((unsigned char)s[i]) == c0 &&
            strncasecmp(s + i, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static void
rw_nomem(rw *R)
{
    if (R->st == CHISO_OK) {
        R->st = chiso_web__fail(R->p, CHISO_ENOMEM, N_("out of memory"));
    }
}

/* Record that id number k is the page's glyph g. */
static void
rw_alias(rw *R, size_t k, size_t g)
{
    if (k >= R->alias_cap) {
        size_t cap = R->alias_cap ? R->alias_cap : 256, j;
        size_t *a;
        while (cap <= k) {
            cap *= 2;
        }
        a = realloc(R->alias, cap * sizeof(*a));
        if (a == NULL) {
            rw_nomem(R);
            return;
        }
        for (j = R->alias_cap; j < cap; j++) {
            a[j] = 0;
        }
        R->alias = a;
        R->alias_cap = cap;
    }
    R->alias[k] = g;
}

static void
rw_id(rw *R, const char *s, size_t len)
{
    char num[64];
    size_t k;

    if (len == 0) {
        rw_refuse(R, N_("an empty id or reference"));
        return;
    }
    k = chiso_web__strmap_get(&R->ids, s, len, 1);
    if (k == 0) {
        rw_nomem(R);
        return;
    }
    if (k < R->alias_cap && R->alias[k] != 0) {
        snprintf(num, sizeof(num), "g%zu", R->alias[k]);
    } else {
        snprintf(num, sizeof(num), "%s-%zu", R->prefix, k);
    }
    rw_puts(R, num);
}

/*
 * A glyph outline (<symbol id="X">...</symbol>) at s: every chart defines
 * the glyphs it draws, and most are the same letters in the same font.
 * The first definition of an outline becomes the page's g<k>; a later
 * identical one (same content, id aside) is dropped and its id points to
 * g<k> (a <use> may name an element of another inline SVG of the page).
 * Returns the length to skip (0: write the element as usual).
 */
static size_t
rw_symbol(rw *R, const char *s, size_t len)
{
    const char *close, *gt, *id, *e;
    chiso_buf key = CHISO_BUF_INIT;
    size_t k, g, end;

    close = strstr(s, "</symbol>");
    gt = memchr(s, '>', len);
    if (close == NULL || gt == NULL || (size_t)(close - s) >= len ||
        gt > close) {
        return 0;
    }
    end = (size_t)(close - s) + strlen("</symbol>");
    for (id = s; id < gt; id++) {
        if (isspace((unsigned char)id[0]) && strncmp(id + 1, "id=\"", 4) == 0) {
            break;
        }
    }
    if (id >= gt) {
        return 0;
    }
    e = memchr(id + 5, '"', (size_t)(gt - id - 5));
    if (e == NULL ||
        chiso_web__strmap_get(&R->ids, id + 5, (size_t)(e - id - 5), 0) != 0) {
        return 0; /* no id, or referenced before its definition */
    }
    if (chiso_buf_append(&key, s, (size_t)(id - s)) != CHISO_OK ||
        chiso_buf_append(&key, e + 1, end - (size_t)(e + 1 - s)) != CHISO_OK) {
        chiso_buf_free(&key);
        rw_nomem(R);
        return 0;
    }
    if (has_ci(key.data, key.len, "href") ||
        has_ci(key.data, key.len, "url(") || has_ci(key.data, key.len, "id=")) {
        /* it refers to (or holds) ids of its own document: the same text
         * may mean different things in two charts */
        chiso_buf_free(&key);
        return 0;
    }
    g = chiso_web__strmap_get(&R->p->glyphs, key.data, key.len, 0);
    k = chiso_web__strmap_get(&R->ids, id + 5, (size_t)(e - id - 5), 1);
    if (k == 0) {
        chiso_buf_free(&key);
        rw_nomem(R);
        return 0;
    }
    if (g != 0) {
        chiso_buf_free(&key);
        rw_alias(R, k, g);
        /* the line break after it, if any */
        return end < len && s[end] == '\n' ? end + 1 : end;
    }
    g = chiso_web__strmap_get(&R->p->glyphs, key.data, key.len, 1);
    chiso_buf_free(&key);
    if (g == 0) {
        rw_nomem(R);
        return 0;
    }
    rw_alias(R, k, g);
    return 0;
}

/*
 * Copy an attribute value (raw XML text, already escaped) with numbers of
 * more than two decimals rounded to two, and url(#id) references
 * rewritten. A '"' in a value that was single-quoted is escaped.
 */
static void
rw_value(rw *R, const char *v, size_t len)
{
    size_t i = 0;

    while (i < len && R->st == CHISO_OK) {
        char c = v[i];
        if (c == 'u' && i + 4 <= len && memcmp(v + i, "url(", 4) == 0) {
            size_t j = i + 4, k;
            while (j < len && (v[j] == ' ' || v[j] == '\'' || v[j] == '"')) {
                j++;
            }
            if (j >= len || v[j] != '#') {
                rw_refuse(R, N_("a url() that points outside the document"));
                return;
            }
            k = ++j;
            while (k < len && v[k] != ')' && v[k] != '\'' && v[k] != '"' &&
                   v[k] != ' ') {
                k++;
            }
            rw_puts(R, "url(#");
            rw_id(R, v + j, k - j);
            while (k < len && v[k] != ')') {
                k++;
            }
            i = k; /* the ')' is copied next */
            continue;
        }
        if ((c >= '0' && c <= '9') &&
            (i == 0 || !(isalnum((unsigned char)v[i - 1]) || v[i - 1] == '.' ||
                         v[i - 1] == '_'))) {
            /* a number: digits, '.', digits; round beyond 2 decimals */
            size_t a = i, dot, e;
            while (i < len && v[i] >= '0' && v[i] <= '9') {
                i++;
            }
            if (i < len && v[i] == '.') {
                dot = i++;
                while (i < len && v[i] >= '0' && v[i] <= '9') {
                    i++;
                }
                e = i;
                if (e - dot - 1 > 2 &&
                    !(i < len && (v[i] == 'e' || v[i] == 'E'))) {
                    char d[400];
                    size_t n = dot - a, k, keep;
                    int carry;
                    if (n + 4 >= sizeof(d)) {
                        rw_put(R, v + a, e - a);
                        continue;
                    }
                    /* digits without the point, rounded at 2 decimals */
                    memcpy(d, v + a, n);
                    d[n] = v[dot + 1];
                    d[n + 1] = v[dot + 2];
                    carry = v[dot + 3] >= '5';
                    for (k = n + 2; carry && k-- > 0;) {
                        if (d[k] == '9') {
                            d[k] = '0';
                        } else {
                            d[k]++;
                            carry = 0;
                        }
                    }
                    if (carry) {
                        rw_put(R, "1", 1);
                    }
                    keep = 2;
                    while (keep > 0 && d[n + keep - 1] == '0') {
                        keep--;
                    }
                    rw_put(R, d, n);
                    if (keep > 0) {
                        rw_put(R, ".", 1);
                        rw_put(R, d + n, keep);
                    }
                    continue;
                }
            }
            rw_put(R, v + a, i - a);
            continue;
        }
        if (c == '"') {
            rw_puts(R, "&quot;");
        } else if (c == '<') {
            rw_puts(R, "&lt;"); /* not XML, but never markup in the page */
        } else if (c == '>') {
            rw_puts(R, "&gt;");
        } else {
            rw_put(R, &c, 1);
        }
        i++;
    }
}

static int
name_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_' || c == ':' ||
           c == '.';
}

static int
forbidden_element(const char *name, size_t len)
{
    static const char *const bad[] = {"script",        "style",
                                      "foreignobject", "iframe",
                                      "object",        "embed",
                                      "set",           "animate",
                                      "animatemotion", "animatetransform",
                                      "animatecolor",  "handler",
                                      "listener",      "discard",
                                      "audio",         "video",
                                      "canvas",        "link",
                                      "meta",          "base"};
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (strlen(bad[i]) == len && strncasecmp(bad[i], name, len) == 0) {
            return 1;
        }
    }
    return 0;
}

/*
 * The elements of a plain drawing. Anything else is refused: an element
 * the HTML parser does not know as SVG (<b>, <img>, <p>, <table>...)
 * would end the inline SVG and be read as HTML.
 */
static int
svg_element_ok(const char *name, size_t len)
{
    static const char *const ok[] = {"svg",
                                     "g",
                                     "defs",
                                     "symbol",
                                     "use",
                                     "path",
                                     "rect",
                                     "circle",
                                     "ellipse",
                                     "line",
                                     "polyline",
                                     "polygon",
                                     "text",
                                     "tspan",
                                     "textPath",
                                     "title",
                                     "desc",
                                     "clipPath",
                                     "mask",
                                     "pattern",
                                     "linearGradient",
                                     "radialGradient",
                                     "stop",
                                     "filter",
                                     "marker",
                                     "image",
                                     "switch",
                                     "view"};
    size_t i;

    if (len > 2 && strncmp(name, "fe", 2) == 0 && name[2] >= 'A' &&
        name[2] <= 'Z') {
        return 1; /* filter primitives: feGaussianBlur, feOffset... */
    }
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (strlen(ok[i]) == len && strncasecmp(ok[i], name, len) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Is an href value allowed, and is it an id reference? */
static int
href_ok(const char *v, size_t len, int *is_ref)
{
    static const char *const data_ok[] = {"data:image/png;base64,",
                                          "data:image/jpeg;base64,"};
    size_t i;

    *is_ref = len > 0 && v[0] == '#';
    if (*is_ref) {
        return 1;
    }
    for (i = 0; i < 2; i++) {
        size_t n = strlen(data_ok[i]);
        if (len >= n && strncasecmp(v, data_ok[i], n) == 0) {
            return 1;
        }
    }
    return 0;
}

/*
 * One start tag at s (after '<'), up to its '>'; returns the length
 * consumed (including '>') or 0 on a malformed tag (refused).
 * skip_root_attrs: the root <svg>, whose attributes are replaced.
 */
static size_t
rw_start_tag(rw *R, const char *s, size_t len)
{
    size_t i = 0, name_len;
    const char *name;

    while (i < len && name_char(s[i])) {
        i++;
    }
    if (i == 0) {
        rw_refuse(R, N_("a malformed tag"));
        return 0;
    }
    if (has_ci(s, i, "javascript:")) {
        rw_refuse(R, N_("a reference outside the document"));
        return 0;
    }
    if (forbidden_element(s, i)) {
        rw_refuse(R, N_("it holds a script, a style sheet, an animation or "
                        "embedded content"));
        return 0;
    }
    if (!svg_element_ok(s, i)) {
        rw_refuse(R, N_("it holds an element that is not part of a plain SVG "
                        "drawing"));
        return 0;
    }
    name = s;
    name_len = i;
    rw_put(R, "<", 1);
    rw_put(R, s, i);
    for (;;) {
        size_t a, an, vs, ve;
        char q;
        int is_ref;
        while (i < len && isspace((unsigned char)s[i])) {
            i++;
        }
        if (i >= len) {
            rw_refuse(R, N_("a malformed tag"));
            return 0;
        }
        if (s[i] == '>') {
            if (R->depth == RW_MAX_DEPTH) {
                rw_refuse(R, N_("elements nested too deep"));
                return 0;
            }
            R->open_name[R->depth] = name;
            R->open_len[R->depth++] = name_len;
            rw_put(R, ">", 1);
            return i + 1;
        }
        if (s[i] == '/' && i + 1 < len && s[i + 1] == '>') {
            rw_put(R, "/>", 2);
            return i + 2;
        }
        a = i;
        while (i < len && name_char(s[i])) {
            i++;
        }
        an = i - a;
        while (i < len && isspace((unsigned char)s[i])) {
            i++;
        }
        if (an == 0 || i >= len || s[i] != '=') {
            rw_refuse(R, N_("a malformed tag"));
            return 0;
        }
        i++;
        while (i < len && isspace((unsigned char)s[i])) {
            i++;
        }
        if (i >= len || (s[i] != '"' && s[i] != '\'')) {
            rw_refuse(R, N_("a malformed tag"));
            return 0;
        }
        q = s[i];
        vs = ++i;
        while (i < len && s[i] != q) {
            i++;
        }
        if (i >= len) {
            rw_refuse(R, N_("a malformed tag"));
            return 0;
        }
        ve = i++;
        if (has_ci(s + a, an, "javascript:")) {
            rw_refuse(R, N_("a reference outside the document"));
            return 0;
        }
        if (an >= 2 && strncasecmp(s + a, "on", 2) == 0) {
            rw_refuse(R, N_("it holds an event handler"));
            return 0;
        }
        if ((an == 5 && strncmp(s + a, "xmlns", 5) == 0) ||
            (an > 6 && strncmp(s + a, "xmlns:", 6) == 0)) {
            continue; /* namespaces: the HTML parser knows them */
        }
        if (has_ci(s + vs, ve - vs, "://") ||
            has_ci(s + vs, ve - vs, "javascript:")) {
            rw_refuse(R, N_("a reference outside the document"));
            return 0;
        }
        rw_put(R, " ", 1);
        rw_put(R, s + a, an);
        rw_put(R, "=\"", 2);
        if (an == 2 && strncmp(s + a, "id", 2) == 0) {
            rw_id(R, s + vs, ve - vs);
        } else if (an >= 4 && strncasecmp(s + a + an - 4, "href", 4) == 0) {
            if (!href_ok(s + vs, ve - vs, &is_ref)) {
                rw_refuse(R, N_("a reference outside the document"));
                return 0;
            }
            if (is_ref) {
                rw_put(R, "#", 1);
                rw_id(R, s + vs + 1, ve - vs - 1);
            } else {
                rw_put(R, s + vs, ve - vs);
            }
        } else {
            rw_value(R, s + vs, ve - vs);
        }
        rw_put(R, "\"", 1);
        if (R->st != CHISO_OK) {
            return 0;
        }
    }
}

/* Text between tags: copied; entity references must be XML's own or
 * numeric (the HTML parser reads them the same). */
static void
rw_text(rw *R, const char *s, size_t len)
{
    size_t i;

    if (has_ci(s, len, "://") || has_ci(s, len, "javascript:")) {
        rw_refuse(R, N_("a reference outside the document"));
        return;
    }
    for (i = 0; i < len; i++) {
        if (s[i] == '&') {
            static const char *const ok[] = {"&amp;",  "&lt;",   "&gt;",
                                             "&quot;", "&apos;", "&#"};
            size_t k, good = 0;
            for (k = 0; k < 6; k++) {
                size_t n = strlen(ok[k]);
                good |= len - i >= n && memcmp(s + i, ok[k], n) == 0;
            }
            if (!good) {
                rw_refuse(R, N_("an entity reference the page cannot read"));
                return;
            }
        }
    }
    rw_put(R, s, len);
}

/* The root's viewBox: its own, or 0 0 width height. */
static int
root_viewbox(const char *s, size_t len, char *out, size_t cap)
{
    double w = NAN, h = NAN;
    size_t i = 0;

    while (i < len) {
        size_t a, an, vs, ve;
        while (i < len && !name_char(s[i])) {
            i++;
        }
        a = i;
        while (i < len && name_char(s[i])) {
            i++;
        }
        an = i - a;
        while (i < len && (isspace((unsigned char)s[i]) || s[i] == '=')) {
            i++;
        }
        if (i >= len || (s[i] != '"' && s[i] != '\'')) {
            continue;
        }
        vs = i + 1;
        ve = vs;
        while (ve < len && s[ve] != s[i]) {
            ve++;
        }
        i = ve + 1;
        if (an == 7 && strncmp(s + a, "viewBox", 7) == 0) {
            size_t k, n = ve - vs < cap ? ve - vs : cap - 1;
            for (k = 0; k < n; k++) {
                char c = s[vs + k];
                if (!(isdigit((unsigned char)c) || c == '.' || c == '-' ||
                      c == ' ' || c == ',' || c == 'e' || c == 'E')) {
                    return -1;
                }
                out[k] = c;
            }
            out[n] = '\0';
            return 0;
        }
        if (an == 5 && strncmp(s + a, "width", 5) == 0) {
            w = strtod(s + vs, NULL);
        }
        if (an == 6 && strncmp(s + a, "height", 6) == 0) {
            h = strtod(s + vs, NULL);
        }
    }
    if (!(w > 0) || !(h > 0) || !isfinite(w) || !isfinite(h)) {
        return -1;
    }
    snprintf(out, cap, "0 0 %.0f %.0f", w, h);
    return 0;
}

static chiso_status
rewrite(chiso_web_page *p,
        const char *svg,
        size_t len,
        const char *prefix,
        const char *alt,
        const chiso_plot_hotspot *spots,
        size_t n_spots,
        chiso_buf *out)
{
    rw R;
    size_t i = 0, end, k;
    const char *root;
    char vb[128], id[96];

    memset(&R, 0, sizeof(R));
    R.p = p;
    R.prefix = prefix;
    R.out = out;
    /* the prolog: declaration, comments, a DOCTYPE without declarations */
    for (;;) {
        while (i < len && isspace((unsigned char)svg[i])) {
            i++;
        }
        if (i + 2 <= len && memcmp(svg + i, "<?", 2) == 0) {
            const char *e = strstr(svg + i, "?>");
            if (e == NULL) {
                break;
            }
            i = (size_t)(e - svg) + 2;
        } else if (i + 4 <= len && memcmp(svg + i, "<!--", 4) == 0) {
            const char *e = strstr(svg + i, "-->");
            if (e == NULL) {
                break;
            }
            i = (size_t)(e - svg) + 3;
        } else if (i + 9 <= len && strncasecmp(svg + i, "<!DOCTYPE", 9) == 0) {
            const char *e = strchr(svg + i, '>');
            if (e == NULL || memchr(svg + i, '[', (size_t)(e - svg) - i)) {
                rw_refuse(&R, N_("a DOCTYPE with declarations"));
                return R.st;
            }
            i = (size_t)(e - svg) + 1;
        } else {
            break;
        }
    }
    if (i + 4 > len || memcmp(svg + i, "<svg", 4) != 0 ||
        !(isspace((unsigned char)svg[i + 4]) || svg[i + 4] == '>')) {
        rw_refuse(&R, N_("it is not an SVG document"));
        return R.st;
    }
    root = svg + i + 4;
    k = i + 4;
    while (k < len && svg[k] != '>') {
        k++;
    }
    /* the last </svg> closes the root */
    for (end = len; end >= 6 && end - 6 > k; end--) {
        if (memcmp(svg + end - 6, "</svg>", 6) == 0) {
            break;
        }
    }
    if (k >= len || end < 6 || end - 6 <= k || svg[k - 1] == '/' ||
        root_viewbox(root, (size_t)(svg + k - root), vb, sizeof(vb)) != 0) {
        rw_refuse(&R, N_("it is not an SVG document with a size"));
        return R.st;
    }
    end -= 6;
    /* the root's own attributes are checked like any others, then
     * replaced */
    {
        chiso_buf scratch = CHISO_BUF_INIT;
        chiso_buf *keep = R.out;
        R.out = &scratch;
        rw_start_tag(&R, svg + i + 1, k + 1 - (i + 1));
        R.out = keep;
        R.depth = 0; /* the root is closed by the last </svg> */
        chiso_buf_free(&scratch);
        chiso_web__strmap_free(&R.ids);
        if (R.st != CHISO_OK) {
            return R.st;
        }
    }
    snprintf(id, sizeof(id), "%s-t", prefix);
    rw_puts(&R, "<svg class=\"chart-svg\" viewBox=\"");
    rw_puts(&R, vb);
    rw_puts(&R, "\" role=\"img\" aria-labelledby=\"");
    rw_puts(&R, id);
    rw_puts(&R, "\" focusable=\"false\"><title id=\"");
    rw_puts(&R, id);
    rw_puts(&R, "\">");
    if (R.st == CHISO_OK) {
        R.st = chiso_web__esc(out, alt, 0);
    }
    rw_puts(&R, "</title>\n");
    for (i = k + 1; i < end && R.st == CHISO_OK;) {
        if (svg[i] != '<') {
            size_t j = i;
            while (j < end && svg[j] != '<') {
                j++;
            }
            rw_text(&R, svg + i, j - i);
            i = j;
        } else if (i + 4 <= end && memcmp(svg + i, "<!--", 4) == 0) {
            const char *e = strstr(svg + i, "-->");
            if (e == NULL || (size_t)(e - svg) > end) {
                rw_refuse(&R, N_("a malformed tag"));
                break;
            }
            i = (size_t)(e - svg) + 3;
        } else if (i + 2 <= end && svg[i + 1] == '?') {
            const char *e = strstr(svg + i, "?>");
            if (e == NULL || (size_t)(e - svg) > end) {
                rw_refuse(&R, N_("a malformed tag"));
                break;
            }
            i = (size_t)(e - svg) + 2;
        } else if (i + 2 <= end && svg[i + 1] == '!') {
            rw_refuse(&R, N_("a declaration or CDATA section inside the "
                             "drawing"));
        } else if (i + 2 <= end && svg[i + 1] == '/') {
            size_t j = i + 2;
            while (j < end && name_char(svg[j])) {
                j++;
            }
            while (j < end && isspace((unsigned char)svg[j])) {
                j++;
            }
            if (j >= end || svg[j] != '>' || j == i + 2) {
                rw_refuse(&R, N_("a malformed tag"));
                break;
            }
            {
                size_t nl = 0;
                while (name_char(svg[i + 2 + nl])) {
                    nl++;
                }
                if (R.depth == 0 || R.open_len[R.depth - 1] != nl ||
                    memcmp(R.open_name[R.depth - 1], svg + i + 2, nl) != 0) {
                    rw_refuse(&R, N_("a closing tag that closes no open "
                                     "element"));
                    break;
                }
                R.depth--;
                rw_put(&R, svg + i, 2 + nl); /* "</name", no spaces */
                rw_put(&R, ">", 1);
            }
            i = j + 1;
        } else {
            size_t used;
            if (end - i > 8 && memcmp(svg + i, "<symbol", 7) == 0 &&
                isspace((unsigned char)svg[i + 7])) {
                used = rw_symbol(&R, svg + i, end - i);
                if (used > 0 || R.st != CHISO_OK) {
                    i += used;
                    continue;
                }
            }
            used = rw_start_tag(&R, svg + i + 1, end - i - 1);
            if (used == 0) {
                break;
            }
            i += 1 + used;
        }
    }
    if (R.st == CHISO_OK && R.depth != 0) {
        rw_refuse(&R, N_("an element left open"));
    }
    /* the hover regions, over everything else */
    if (n_spots > 0) {
        rw_puts(&R, "<g class=\"hs\">\n");
    }
    for (k = 0; k < n_spots && R.st == CHISO_OK; k++) {
        const chiso_plot_hotspot *h = &spots[k];
        char a[48], b[48], c[48], d[48];
        chiso_web__num_machine(chiso_round_half_up(h->x, 2), a, sizeof(a));
        chiso_web__num_machine(chiso_round_half_up(h->y, 2), b, sizeof(b));
        chiso_web__num_machine(chiso_round_half_up(h->w, 2), c, sizeof(c));
        chiso_web__num_machine(chiso_round_half_up(h->h, 2), d, sizeof(d));
        if (h->shape == CHISO_PLOT_SPOT_CIRCLE) {
            R.st = chiso_buf_printf(
                out, "<circle cx=\"%s\" cy=\"%s\" r=\"%s\">", a, b, c);
            rw_puts(&R, "<title>");
            if (R.st == CHISO_OK) {
                R.st = chiso_web__esc(out, h->label, 0);
            }
            rw_puts(&R, "</title></circle>\n");
        } else {
            R.st = chiso_buf_printf(out,
                                    "<rect x=\"%s\" y=\"%s\" width=\"%s\" "
                                    "height=\"%s\">",
                                    a, b, c, d);
            rw_puts(&R, "<title>");
            if (R.st == CHISO_OK) {
                R.st = chiso_web__esc(out, h->label, 0);
            }
            rw_puts(&R, "</title></rect>\n");
        }
    }
    if (n_spots > 0) {
        rw_puts(&R, "</g>\n");
    }
    rw_puts(&R, "</svg>");
    chiso_web__strmap_free(&R.ids);
    free(R.alias);
    if (R.st == CHISO_ENOMEM) {
        return chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
    }
    return R.st;
}

chiso_status
chiso_web__import_svg(chiso_web_page *p,
                      const char *svg,
                      size_t len,
                      const char *prefix,
                      const char *alt,
                      chiso_buf *out)
{
    if (memchr(svg, '\0', len) != NULL) {
        return chiso_web__fail(p, CHISO_EDATA, N_("the SVG is refused: %s"),
                               chiso_msg(p->lang, N_("it holds a NUL byte")));
    }
    if (!chiso_utf8_valid(svg, len, NULL)) {
        return chiso_web__fail(p, CHISO_EDATA, N_("the SVG is refused: %s"),
                               chiso_msg(p->lang, N_("it is not UTF-8 text")));
    }
    {
        /* the caller's bytes need not end with a NUL; the scanner's do */
        char *copy = chiso_strndup(svg, len);
        chiso_status st;
        if (copy == NULL) {
            return chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
        }
        st = rewrite(p, copy, len, prefix, alt, NULL, 0, out);
        free(copy);
        return st;
    }
}

chiso_status
chiso_web__drawn_svg(chiso_web_page *p,
                     const char *svg,
                     size_t len,
                     const struct chiso_plot_hotspot *spots,
                     size_t n_spots,
                     const char *prefix,
                     const char *alt,
                     chiso_buf *out)
{
    if (svg == NULL || svg[len] != '\0') {
        return chiso_web__fail(p, CHISO_EINVAL, N_("a figure needs a chart"));
    }
    return rewrite(p, svg, len, prefix, alt, spots, n_spots, out);
}

/* ---- a chart ----------------------------------------------------------- */

static cairo_status_t
svg_sink(void *closure, const unsigned char *data, unsigned int len)
{
    return chiso_buf_append(closure, data, len) == CHISO_OK
               ? CAIRO_STATUS_SUCCESS
               : CAIRO_STATUS_NO_MEMORY;
}

chiso_status
chiso_web__chart_svg(chiso_web_page *p,
                     const struct chiso_chart *chart,
                     double width,
                     double height,
                     const char *prefix,
                     const char *alt,
                     chiso_buf *out)
{
    chiso_buf raw = CHISO_BUF_INIT;
    cairo_surface_t *surf;
    cairo_t *cr;
    chiso_plot_measure m;
    chiso_plot_model *md = NULL;
    chiso_plot_hotspot *spots = NULL;
    size_t n_spots = 0;
    chiso_diag diag;
    chiso_status st;
    int measured = 0;

    if (!(width >= 200 && height >= 150 && width <= 20000 && height <= 20000)) {
        return chiso_web__fail(p, CHISO_EUSAGE,
                               N_("chart size %g x %g: the page takes 200 x "
                                  "150 up to 20000 x 20000"),
                               width, height);
    }
    chiso_diag_clear(&diag);
    diag.lang = p->lang;
    surf = cairo_svg_surface_create_for_stream(svg_sink, &raw, width, height);
    cr = cairo_create(surf);
    st = cairo_status(cr) == CAIRO_STATUS_SUCCESS
             ? CHISO_OK
             : chiso_diag_set(&diag, CHISO_EIO, NULL, 0, 0, "%s",
                              cairo_status_to_string(cairo_status(cr)));
    if (st == CHISO_OK) {
        st = chiso_plot_pango_measure_init(&m, cr);
        measured = st == CHISO_OK;
    }
    if (st == CHISO_OK) {
        st = chiso_plot_layout(&md, chart, width, height, &m, &diag);
    }
    if (st == CHISO_OK) {
        st = chiso_plot_render(cr, chart, md, &diag);
    }
    if (st == CHISO_OK) {
        st = chiso_plot_hotspots(chart, md, &spots, &n_spots);
    }
    if (measured) {
        chiso_plot_pango_measure_clear(&m);
    }
    chiso_plot_model_free(md);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    if (st == CHISO_OK && cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        st = cairo_surface_status(surf) == CAIRO_STATUS_NO_MEMORY ? CHISO_ENOMEM
                                                                  : CHISO_EIO;
    }
    cairo_surface_destroy(surf);
    if (st != CHISO_OK) {
        chiso_plot_hotspots_free(spots, n_spots);
        chiso_buf_free(&raw);
        if (diag.code != CHISO_OK) {
            return chiso_web__fail(p, diag.code,
                                   N_("the chart cannot be "
                                      "drawn: %s"),
                                   diag.message);
        }
        return chiso_web__fail(p, st, N_("the chart cannot be drawn: %s"),
                               chiso_status_str(st));
    }
    st = rewrite(p, raw.data, raw.len, prefix, alt, spots, n_spots, out);
    chiso_plot_hotspots_free(spots, n_spots);
    chiso_buf_free(&raw);
    return st;
}

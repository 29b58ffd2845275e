/*
 * fuzz_web_svg.c - bytes -> chiso_web_figure_svg, the door through which
 * an SVG made elsewhere enters the page. Whatever the bytes, the page must
 * not crash, and when the SVG is accepted the finished page must hold no
 * script other than its own, no event handler, no "://" and no reference
 * outside it; a refusal must carry a message.
 */
#include "chiso_web.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
count(const char *s, const char *needle)
{
    size_t n = 0;

    while ((s = strstr(s, needle)) != NULL) {
        n++;
        s++;
    }
    return n;
}

static int
name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == ':' ||
           c == '.';
}

static int
has_at(const char *n, const char *end, const char *w)
{
    size_t k = strlen(w);
    return (size_t)(end - n) >= k && strncasecmp(n, w, k) == 0;
}

/*
 * Walk the page's <svg> element as a browser's tokenizer would (every
 * attribute value the page writes is double-quoted): no forbidden element,
 * no event-handler attribute, no href outside the page, no "://" or
 * "javascript:" in any value or text. 0 when it holds.
 */
static int
svg_bad(const char *h)
{
    static const char *const bad[] = {"script", "style",   "foreignobject",
                                      "iframe", "object",  "embed",
                                      "set",    "animate", "handler"};
    const char *p = strstr(h, "<svg"), *end, *n;
    size_t i, nl;

    if (p == NULL || (end = strstr(p, "</svg>")) == NULL) {
        return 1;
    }
    while (p < end) {
        if (*p != '<') {
            const char *t = p;
            while (t < end && *t != '<') {
                t++;
            }
            for (n = p; n < t; n++) {
                if (has_at(n, t, "://") || has_at(n, t, "javascript:")) {
                    return 2;
                }
            }
            p = t;
            continue;
        }
        p++;
        if (*p == '/') {
            p++;
        }
        n = p;
        while (name_char(*p)) {
            p++;
        }
        nl = (size_t)(p - n);
        if (nl == 0) {
            return 3; /* "<" not starting a tag: text left unescaped */
        }
        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            if (strlen(bad[i]) == nl && strncasecmp(n, bad[i], nl) == 0) {
                return 4;
            }
        }
        for (;;) {
            const char *an, *v;
            size_t al;
            while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r' ||
                   *p == '\f') {
                p++;
            }
            if (*p == '>') {
                p++;
                break;
            }
            if (p[0] == '/' && p[1] == '>') {
                p += 2;
                break;
            }
            an = p;
            while (name_char(*p)) {
                p++;
            }
            al = (size_t)(p - an);
            if (al == 0 || p[0] != '=' || p[1] != '"') {
                return 5;
            }
            if (al >= 2 && strncasecmp(an, "on", 2) == 0) {
                return 6;
            }
            v = p + 2;
            p = strchr(v, '"');
            if (p == NULL) {
                return 7;
            }
            if (al >= 4 && strncasecmp(an + al - 4, "href", 4) == 0 &&
                v[0] != '#' && strncasecmp(v, "data:image/", 11) != 0) {
                return 8;
            }
            for (n = v; n < p; n++) {
                if (has_at(n, p, "://") || has_at(n, p, "javascript:")) {
                    return 9;
                }
            }
            p++;
        }
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    chiso_web_options o = CHISO_WEB_OPTIONS_INIT;
    chiso_web_page *p = NULL;
    chiso_diag d;
    chiso_status st;
    char *html = NULL;
    size_t len = 0;

    chiso_diag_clear(&d);
    o.title = "fuzz";
    if (chiso_web_new(&p, &o, &d) != CHISO_OK) {
        abort();
    }
    st = chiso_web_figure_svg(p, (const char *)data, size, "c", "r", NULL);
    if (st == CHISO_OK) {
        if (chiso_web_to_memory(p, &html, &len, &d) != CHISO_OK) {
            abort();
        }
        if (count(html, "<script") != 1 || strstr(html, "://") != NULL ||
            svg_bad(html) != 0) {
            abort();
        }
        free(html);
    } else {
        chiso_web_error(p, &d);
        if (d.message[0] == '\0' && st != CHISO_EINVAL) {
            abort();
        }
    }
    chiso_web_free(p);
    return 0;
}

/*
 * web_page.c - the page builder: blocks in reading order, then one HTML5
 * file.
 *
 * Blocks are written into the page's buffer as they are added, every
 * caller text escaped on the way in (web_text.c), so the finished page is
 * the head, the buffer and the foot. A table is collected row by row and
 * written whole when it ends (its rows go to <tbody>, total rows to
 * <tfoot> so sorting leaves them at the foot).
 *
 * Ids: sections s1, s2...; figures f1...; tables t1...; ids inside each
 * chart f<k>-<n> (web_svg.c). Nothing else in the page has an id, so the
 * ids are unique and the same calls number them the same way.
 */
#define _POSIX_C_SOURCE 200809L
#include "web_int.h"

#include "chiso_plot.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ------------------------------------------------------ */

static chiso_status
out(chiso_web_page *p, chiso_buf *b, const char *s)
{
    if (p->st != CHISO_OK) {
        return p->st;
    }
    if (chiso_buf_puts(b, s) != CHISO_OK) {
        return chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
    }
    return CHISO_OK;
}

static chiso_status
out_esc(chiso_web_page *p, chiso_buf *b, const char *s, int br)
{
    if (p->st != CHISO_OK) {
        return p->st;
    }
    if (chiso_web__esc(b, s, br) != CHISO_OK) {
        return chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
    }
    return CHISO_OK;
}

static chiso_status outf(chiso_web_page *p, chiso_buf *b, const char *fmt, ...)
    CHISO_PRINTF(3, 4);

static chiso_status
outf(chiso_web_page *p, chiso_buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    return out(p, b, tmp);
}

/* Ready for a new block: no earlier error, no open table. */
static chiso_status
ready(chiso_web_page *p)
{
    if (p == NULL) {
        return CHISO_EINVAL;
    }
    if (p->st != CHISO_OK) {
        return p->st;
    }
    if (p->in_table) {
        return chiso_web__fail(p, CHISO_EINVAL,
                               N_("a table is still open: end it before "
                                  "adding anything else"));
    }
    return CHISO_OK;
}

static const char *
msg(const chiso_web_page *p, const char *id)
{
    return chiso_msg(p->lang, id);
}

static chiso_status
push_copy(chiso_web_page *p, char ***v, size_t *n, const char *s)
{
    char **nv = realloc(*v, (*n + 1) * sizeof(**v));
    char *c;

    if (nv == NULL) {
        return chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
    }
    *v = nv;
    c = chiso_strdup(s);
    if (c == NULL) {
        return chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
    }
    (*v)[(*n)++] = c;
    return CHISO_OK;
}

static void
free_list(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

/* ---- the page ----------------------------------------------------------- */

chiso_status
chiso_web_new(chiso_web_page **out_page,
              const chiso_web_options *opts,
              chiso_diag *diag)
{
    chiso_web_page *p;
    chiso_lang lang = opts != NULL ? opts->lang : CHISO_LANG_VI;

    if (out_page == NULL) {
        return CHISO_EINVAL;
    }
    *out_page = NULL;
    if (opts == NULL || opts->title == NULL || opts->title[0] == '\0') {
        if (diag != NULL && diag->code == CHISO_OK) {
            diag->lang = lang;
        }
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "a web page needs a title");
    }
    p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    p->lang = lang == CHISO_LANG_EN ? CHISO_LANG_EN : CHISO_LANG_VI;
    chiso_diag_clear(&p->err);
    p->err.lang = p->lang;
    if (chiso_web__check_text(p, opts->title, N_("the title")) == CHISO_OK &&
        chiso_web__check_text(p, opts->subtitle, N_("the subtitle")) ==
            CHISO_OK) {
        chiso_web__check_text(p, opts->generator, N_("the generator"));
    }
    if (p->st == CHISO_OK) {
        p->title = chiso_strdup(opts->title);
        p->subtitle = chiso_strdup(opts->subtitle);
        p->generator = chiso_strdup(opts->generator);
        if (p->title == NULL || (opts->subtitle && p->subtitle == NULL) ||
            (opts->generator && p->generator == NULL)) {
            chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
        }
    }
    if (p->st != CHISO_OK) {
        chiso_status st = chiso_web_error(p, diag);
        chiso_web_free(p);
        return st;
    }
    *out_page = p;
    return CHISO_OK;
}

static void
table_reset(chiso_web_page *p)
{
    size_t i;

    for (i = 0; i < WEB_MAX_COLS; i++) {
        free(p->headers[i]);
        p->headers[i] = NULL;
    }
    free(p->caption);
    p->caption = NULL;
    chiso_buf_free(&p->row);
    chiso_buf_free(&p->tbody);
    chiso_buf_free(&p->tfoot);
    p->in_table = 0;
    memset(p->col_chars, 0, sizeof(p->col_chars));
    p->n_cols = p->col = p->n_rows = 0;
    p->row_flags = 0;
    p->table_missing = 0;
}

void
chiso_web_free(chiso_web_page *p)
{
    if (p == NULL) {
        return;
    }
    table_reset(p);
    free(p->title);
    free(p->subtitle);
    free(p->generator);
    chiso_buf_free(&p->body);
    chiso_web__strmap_free(&p->glyphs);
    free_list(p->sections, p->n_sections);
    free_list(p->notes, p->n_notes);
    free_list(p->sources, p->n_sources);
    free(p);
}

chiso_status
chiso_web_error(const chiso_web_page *p, chiso_diag *diag)
{
    if (p == NULL) {
        return CHISO_EINVAL;
    }
    if (p->st != CHISO_OK && diag != NULL && diag->code == CHISO_OK) {
        chiso_lang lang = diag->lang;
        *diag = p->err;
        diag->lang = lang;
    }
    return p->st;
}

/* ---- cards --------------------------------------------------------------- */

static const char *
tone_class(chiso_web_tone t)
{
    switch (t) {
    case CHISO_WEB_GOOD:
        return "t-good";
    case CHISO_WEB_WARN:
        return "t-warn";
    case CHISO_WEB_BAD:
        return "t-bad";
    case CHISO_WEB_NO_DATA:
        return "t-none";
    case CHISO_WEB_NEUTRAL:
        break;
    }
    return "t-neutral";
}

static const char *
tone_word(const chiso_web_page *p, chiso_web_tone t)
{
    switch (t) {
    case CHISO_WEB_GOOD:
        return msg(p, N_("On target"));
    case CHISO_WEB_WARN:
        return msg(p, N_("Needs attention"));
    case CHISO_WEB_BAD:
        return msg(p, N_("Below target"));
    case CHISO_WEB_NEUTRAL:
    case CHISO_WEB_NO_DATA:
        break;
    }
    return NULL;
}

chiso_status
chiso_web_cards(chiso_web_page *p, const chiso_web_card *cards, size_t n)
{
    chiso_buf *b;
    size_t i;

    if (ready(p) != CHISO_OK) {
        return p == NULL ? CHISO_EINVAL : p->st;
    }
    if (cards == NULL || n == 0 || n > WEB_MAX_CARDS) {
        return chiso_web__fail(p, CHISO_EINVAL,
                               N_("%zu key-figure cards: 1 to %d are allowed"),
                               n, WEB_MAX_CARDS);
    }
    for (i = 0; i < n; i++) {
        const chiso_web_card *c = &cards[i];
        if (c->label == NULL || c->label[0] == '\0') {
            return chiso_web__fail(
                p, CHISO_EINVAL, N_("key-figure card %zu has no label"), i + 1);
        }
        if ((unsigned)c->tone > (unsigned)CHISO_WEB_NO_DATA) {
            return chiso_web__fail(p, CHISO_EINVAL,
                                   N_("key-figure card %zu: unknown status "
                                      "%d"),
                                   i + 1, (int)c->tone);
        }
        if (chiso_web__check_text(p, c->label, N_("a card's label")) ||
            chiso_web__check_text(p, c->value, N_("a card's value")) ||
            chiso_web__check_text(p, c->unit, N_("a card's unit")) ||
            chiso_web__check_text(p, c->note, N_("a card's note")) ||
            chiso_web__check_text(p, c->source, N_("a card's source")) ||
            chiso_web__check_text(p, c->exact, N_("a card's hover text"))) {
            return p->st;
        }
    }
    b = &p->body;
    out(p, b, "<ul class=\"cards\" aria-label=\"");
    out_esc(p, b, msg(p, N_("Key figures")), 0);
    out(p, b, "\">\n");
    for (i = 0; i < n; i++) {
        const chiso_web_card *c = &cards[i];
        int none = c->value == NULL || c->value[0] == '\0';
        chiso_web_tone tone = none ? CHISO_WEB_NO_DATA : c->tone;
        const char *word = tone_word(p, tone);
        outf(p, b, "<li class=\"card %s\">\n<p class=\"lbl\">",
             tone_class(tone));
        out_esc(p, b, c->label, 1);
        out(p, b, "</p>\n");
        if (none) {
            out(p, b, "<p class=\"val none\">");
            out_esc(p, b, msg(p, N_("no data")), 0);
            out(p, b, "</p>\n");
        } else {
            out(p, b, "<p class=\"val\">");
            if (c->exact != NULL && c->exact[0] != '\0') {
                out(p, b, "<abbr title=\"");
                out_esc(p, b, c->exact, 0);
                out(p, b, "\">");
                out_esc(p, b, c->value, 0);
                out(p, b, "</abbr>");
            } else {
                out_esc(p, b, c->value, 0);
            }
            if (c->unit != NULL && c->unit[0] != '\0') {
                out(p, b, "<span class=\"u\">");
                out_esc(p, b, c->unit, 0);
                out(p, b, "</span>");
            }
            out(p, b, "</p>\n");
        }
        if (word != NULL) {
            out(p, b, "<p class=\"tone\">");
            out_esc(p, b, word, 0);
            out(p, b, "</p>\n");
        }
        if (c->note != NULL && c->note[0] != '\0') {
            out(p, b, "<p class=\"note\">");
            out_esc(p, b, c->note, 1);
            out(p, b, "</p>\n");
        }
        if (c->source != NULL && c->source[0] != '\0') {
            chiso_buf src = CHISO_BUF_INIT;
            out(p, b, "<p class=\"src\">");
            if (chiso_buf_printf(&src, chiso_msg(p->lang, "Source: %s"),
                                 c->source) != CHISO_OK) {
                chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
            }
            out_esc(p, b, src.data, 1);
            chiso_buf_free(&src);
            out(p, b, "</p>\n");
        }
        out(p, b, "</li>\n");
    }
    return out(p, b, "</ul>\n");
}

/* ---- text ---------------------------------------------------------------- */

chiso_status
chiso_web_section(chiso_web_page *p, const char *heading)
{
    if (ready(p) != CHISO_OK) {
        return p == NULL ? CHISO_EINVAL : p->st;
    }
    if (heading == NULL || heading[0] == '\0') {
        return chiso_web__fail(p, CHISO_EINVAL,
                               N_("a section needs a heading"));
    }
    if (chiso_web__check_text(p, heading, N_("a heading")) != CHISO_OK ||
        push_copy(p, &p->sections, &p->n_sections, heading) != CHISO_OK) {
        return p->st;
    }
    outf(p, &p->body, "<h2 id=\"s%zu\">", p->n_sections);
    out_esc(p, &p->body, heading, 0);
    return out(p, &p->body, "</h2>\n");
}

chiso_status
chiso_web_subsection(chiso_web_page *p, const char *heading)
{
    if (ready(p) != CHISO_OK) {
        return p == NULL ? CHISO_EINVAL : p->st;
    }
    if (heading == NULL || heading[0] == '\0') {
        return chiso_web__fail(p, CHISO_EINVAL,
                               N_("a section needs a heading"));
    }
    if (chiso_web__check_text(p, heading, N_("a heading")) != CHISO_OK) {
        return p->st;
    }
    out(p, &p->body, "<h3>");
    out_esc(p, &p->body, heading, 0);
    return out(p, &p->body, "</h3>\n");
}

chiso_status
chiso_web_paragraph(chiso_web_page *p, const char *text)
{
    if (ready(p) != CHISO_OK) {
        return p == NULL ? CHISO_EINVAL : p->st;
    }
    if (text == NULL ||
        chiso_web__check_text(p, text, N_("a paragraph")) != CHISO_OK) {
        return text == NULL ? chiso_web__fail(p, CHISO_EINVAL,
                                              N_("a paragraph needs text"))
                            : p->st;
    }
    out(p, &p->body, "<p>");
    out_esc(p, &p->body, text, 1);
    return out(p, &p->body, "</p>\n");
}

chiso_status
chiso_web_list(chiso_web_page *p,
               const char *const *items,
               size_t n,
               int numbered)
{
    size_t i;

    if (ready(p) != CHISO_OK) {
        return p == NULL ? CHISO_EINVAL : p->st;
    }
    if (items == NULL || n == 0) {
        return chiso_web__fail(p, CHISO_EINVAL, N_("a list needs items"));
    }
    for (i = 0; i < n; i++) {
        if (items[i] == NULL) {
            return chiso_web__fail(p, CHISO_EINVAL,
                                   N_("list item %zu is missing"), i + 1);
        }
        if (chiso_web__check_text(p, items[i], N_("a list item")) != CHISO_OK) {
            return p->st;
        }
    }
    out(p, &p->body,
        numbered ? "<ol class=\"list\">\n" : "<ul class=\"list\">\n");
    for (i = 0; i < n; i++) {
        out(p, &p->body, "<li>");
        out_esc(p, &p->body, items[i], 1);
        out(p, &p->body, "</li>\n");
    }
    return out(p, &p->body, numbered ? "</ol>\n" : "</ul>\n");
}

/* ---- figures ------------------------------------------------------------ */

static chiso_status
fig_texts(chiso_web_page *p,
          const char *caption,
          const char *reading,
          const char *alt)
{
    if (chiso_web__check_text(p, caption, N_("a caption")) != CHISO_OK ||
        chiso_web__check_text(p, reading, N_("a reading")) != CHISO_OK ||
        chiso_web__check_text(p, alt, N_("a figure's text alternative")) !=
            CHISO_OK) {
        return p->st;
    }
    return CHISO_OK;
}

/* figcaption: "Hình N. caption", the reading, and (first chart) the hint */
static void
fig_caption(chiso_web_page *p,
            const char *caption,
            const char *reading,
            int hint)
{
    char no[64];
    chiso_buf *b = &p->body;

    snprintf(no, sizeof(no), chiso_msg(p->lang, "Figure %d."), p->n_figures);
    out(p, b, "<figcaption><p class=\"cap\"><span class=\"no\">");
    out_esc(p, b, no, 0);
    out(p, b, "</span>");
    if (caption != NULL && caption[0] != '\0') {
        out(p, b, " ");
        out_esc(p, b, caption, 0);
    }
    out(p, b, "</p>");
    if (reading != NULL && reading[0] != '\0') {
        out(p, b, "<p class=\"reading\">");
        out_esc(p, b, reading, 1);
        out(p, b, "</p>");
    }
    if (hint) {
        out(p, b, "<p class=\"hint\">");
        out_esc(p, b,
                msg(p, N_("Point at (or tap) a bar, a point or a cell to "
                          "see its value.")),
                0);
        out(p, b, "</p>");
    }
    out(p, b, "</figcaption>\n");
}

static const char *
alt_text(const chiso_web_page *p, const char *alt, const char *caption)
{
    if (alt != NULL && alt[0] != '\0') {
        return alt;
    }
    if (caption != NULL && caption[0] != '\0') {
        return caption;
    }
    return msg(p, N_("Chart"));
}

static chiso_status
figure(chiso_web_page *p,
       const struct chiso_chart *chart,
       double width,
       double height,
       const char *svg,
       size_t len,
       const chiso_plot_hotspot *spots,
       size_t n_spots,
       int drawn,
       const char *caption,
       const char *reading,
       const char *alt)
{
    chiso_buf el = CHISO_BUF_INIT;
    char prefix[32];
    chiso_status st;
    int hint;

    if (ready(p) != CHISO_OK) {
        return p == NULL ? CHISO_EINVAL : p->st;
    }
    if (fig_texts(p, caption, reading, alt) != CHISO_OK) {
        return p->st;
    }
    snprintf(prefix, sizeof(prefix), "f%d", p->n_figures + 1);
    if (chart != NULL) {
        st = chiso_web__chart_svg(p, chart, width, height, prefix,
                                  alt_text(p, alt, caption), &el);
    } else if (drawn) {
        st = chiso_web__drawn_svg(p, svg, len, spots, n_spots, prefix,
                                  alt_text(p, alt, caption), &el);
    } else {
        st = chiso_web__import_svg(p, svg, len, prefix,
                                   alt_text(p, alt, caption), &el);
    }
    if (st != CHISO_OK) {
        chiso_buf_free(&el);
        return st;
    }
    p->n_figures++;
    /* a chart (drawn now or before) has tooltips; an SVG made elsewhere
     * has none */
    drawn = drawn || chart != NULL;
    hint = drawn && !p->hint_shown;
    p->hint_shown |= hint;
    outf(p, &p->body, "<figure class=\"fig\" id=\"%s\">\n<div class=\"chart\">",
         prefix);
    if (p->st == CHISO_OK &&
        chiso_buf_append(&p->body, el.data, el.len) != CHISO_OK) {
        chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
    }
    chiso_buf_free(&el);
    /* the value of the last mark tapped or clicked (the script fills it:
     * phones show no tooltips) */
    out(p, &p->body,
        drawn ? "</div>\n<p class=\"tip\" aria-live=\"polite\"></p>\n"
              : "</div>\n");
    fig_caption(p, caption, reading, hint);
    return out(p, &p->body, "</figure>\n");
}

chiso_status
chiso_web_figure_chart(chiso_web_page *p,
                       const struct chiso_chart *chart,
                       double width,
                       double height,
                       const char *caption,
                       const char *reading,
                       const char *alt)
{
    if (p != NULL && chart == NULL) {
        return chiso_web__fail(p, CHISO_EINVAL, N_("a figure needs a chart"));
    }
    return figure(p, chart, width, height, NULL, 0, NULL, 0, 0, caption,
                  reading, alt);
}

chiso_status
chiso_web_figure_svg(chiso_web_page *p,
                     const char *svg,
                     size_t len,
                     const char *caption,
                     const char *reading,
                     const char *alt)
{
    if (p != NULL && (svg == NULL || len == 0)) {
        return chiso_web__fail(p, CHISO_EINVAL, N_("a figure needs a chart"));
    }
    return figure(p, NULL, 0, 0, svg, len, NULL, 0, 0, caption, reading, alt);
}

chiso_status
chiso_web_figure_drawn(chiso_web_page *p,
                       const char *svg,
                       size_t len,
                       const chiso_plot_hotspot *spots,
                       size_t n_spots,
                       const char *caption,
                       const char *reading,
                       const char *alt)
{
    if (p != NULL && (svg == NULL || len == 0)) {
        return chiso_web__fail(p, CHISO_EINVAL, N_("a figure needs a chart"));
    }
    return figure(p, NULL, 0, 0, svg, len, spots, n_spots, 1, caption, reading,
                  alt);
}

chiso_status
chiso_web_figure_missing(chiso_web_page *p,
                         const char *caption,
                         const char *why)
{
    if (ready(p) != CHISO_OK) {
        return p == NULL ? CHISO_EINVAL : p->st;
    }
    if (fig_texts(p, caption, why, NULL) != CHISO_OK) {
        return p->st;
    }
    p->n_figures++;
    outf(p, &p->body, "<figure class=\"fig missing\" id=\"f%d\">\n",
         p->n_figures);
    out(p, &p->body, "<p class=\"why\">");
    {
        chiso_buf t = CHISO_BUF_INIT;
        if (chiso_buf_printf(&t, chiso_msg(p->lang, "Chart left out: %s"),
                             why != NULL && why[0] != '\0'
                                 ? why
                                 : msg(p, N_("no data"))) != CHISO_OK) {
            chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
        }
        out_esc(p, &p->body, t.data, 1);
        chiso_buf_free(&t);
    }
    out(p, &p->body, "</p>\n");
    fig_caption(p, caption, NULL, 0);
    return out(p, &p->body, "</figure>\n");
}

/* ---- tables ---------------------------------------------------------------- */

chiso_status
chiso_web_table_begin(chiso_web_page *p,
                      const char *caption,
                      const chiso_web_column *cols,
                      size_t n)
{
    size_t i;

    if (ready(p) != CHISO_OK) {
        return p == NULL ? CHISO_EINVAL : p->st;
    }
    if (cols == NULL || n == 0 || n > WEB_MAX_COLS) {
        return chiso_web__fail(p, CHISO_EINVAL,
                               N_("a table of %zu columns: 1 to %d are "
                                  "allowed"),
                               n, WEB_MAX_COLS);
    }
    if (chiso_web__check_text(p, caption, N_("a table's caption")) !=
        CHISO_OK) {
        return p->st;
    }
    for (i = 0; i < n; i++) {
        if (cols[i].header == NULL || cols[i].header[0] == '\0') {
            return chiso_web__fail(p, CHISO_EINVAL,
                                   N_("table column %zu has no header"), i + 1);
        }
        if ((unsigned)cols[i].kind > (unsigned)CHISO_WEB_PERCENT ||
            cols[i].decimals < 0 || cols[i].decimals > 6) {
            return chiso_web__fail(p, CHISO_EINVAL,
                                   N_("table column %zu: unknown kind %d or "
                                      "decimals %d (0 to 6)"),
                                   i + 1, (int)cols[i].kind, cols[i].decimals);
        }
        if (chiso_web__check_text(p, cols[i].header, N_("a column header")) !=
            CHISO_OK) {
            return p->st;
        }
    }
    table_reset(p);
    for (i = 0; i < n; i++) {
        p->cols[i] = cols[i];
        p->headers[i] = chiso_strdup(cols[i].header);
        p->cols[i].header = p->headers[i];
        if (p->headers[i] == NULL) {
            table_reset(p);
            return chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
        }
    }
    if (caption != NULL && caption[0] != '\0') {
        p->caption = chiso_strdup(caption);
        if (p->caption == NULL) {
            table_reset(p);
            return chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
        }
    }
    p->n_cols = n;
    p->in_table = 1;
    return CHISO_OK;
}

static chiso_status
cell_ready(chiso_web_page *p)
{
    if (p == NULL) {
        return CHISO_EINVAL;
    }
    if (p->st != CHISO_OK) {
        return p->st;
    }
    if (!p->in_table) {
        return chiso_web__fail(p, CHISO_EINVAL, N_("no table is open"));
    }
    return CHISO_OK;
}

/* The cell was put: close the row when it is complete. */
static chiso_status
cell_done(chiso_web_page *p)
{
    chiso_buf *dst;

    if (++p->col < p->n_cols) {
        return p->st;
    }
    dst = (p->row_flags & CHISO_WEB_ROW_TOTAL) ? &p->tfoot : &p->tbody;
    outf(p, dst, "<tr data-i=\"%zu\"%s>", p->n_rows,
         (p->row_flags & CHISO_WEB_ROW_HIGHLIGHT) ? " class=\"hl\"" : "");
    if (p->st == CHISO_OK &&
        chiso_buf_append(dst, p->row.data, p->row.len) != CHISO_OK) {
        chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
    }
    out(p, dst, "</tr>\n");
    p->row.len = 0;
    p->col = 0;
    p->row_flags = 0;
    p->n_rows++;
    return p->st;
}

static int
col_numeric(const chiso_web_page *p)
{
    return p->cols[p->col].kind != CHISO_WEB_TEXT;
}

chiso_status
chiso_web_put_text(chiso_web_page *p, const char *text)
{
    if (cell_ready(p) != CHISO_OK) {
        return p == NULL ? CHISO_EINVAL : p->st;
    }
    if (chiso_web__check_text(p, text, N_("a table cell")) != CHISO_OK) {
        return p->st;
    }
    if (text != NULL) {
        size_t n = chiso_utf8_count(text, strlen(text));
        if (n > p->col_chars[p->col]) {
            p->col_chars[p->col] = n;
        }
    }
    out(p, &p->row, col_numeric(p) ? "<td class=\"num\">" : "<td>");
    out_esc(p, &p->row, text, 1);
    out(p, &p->row, "</td>");
    return cell_done(p);
}

chiso_status
chiso_web_put_missing(chiso_web_page *p)
{
    if (cell_ready(p) != CHISO_OK) {
        return p == NULL ? CHISO_EINVAL : p->st;
    }
    out(p, &p->row,
        col_numeric(p) ? "<td class=\"num na\" data-v=\"\"><abbr title=\""
                       : "<td class=\"na\"><abbr title=\"");
    out_esc(p, &p->row, msg(p, N_("no data")), 0);
    out(p, &p->row, "\">\xE2\x80\x94</abbr></td>"); /* em dash */
    p->table_missing = 1;
    return cell_done(p);
}

chiso_status
chiso_web_put_number(chiso_web_page *p, double v)
{
    const chiso_web_column *c;
    char shown[96], full[96], mach[48];
    int dec;

    if (cell_ready(p) != CHISO_OK) {
        return p == NULL ? CHISO_EINVAL : p->st;
    }
    c = &p->cols[p->col];
    if (c->kind == CHISO_WEB_TEXT) {
        return chiso_web__fail(p, CHISO_EINVAL,
                               N_("table column %zu holds text: a number "
                                  "cannot go there"),
                               p->col + 1);
    }
    if (isnan(v)) {
        return chiso_web_put_missing(p);
    }
    if (!isfinite(v)) {
        return chiso_web__fail(p, CHISO_EDATA,
                               N_("table column %zu: an infinite number"),
                               p->col + 1);
    }
    dec = c->kind == CHISO_WEB_INTEGER ? 0 : c->decimals;
    chiso_web__num(p->lang, v, dec, shown, sizeof(shown));
    chiso_web__num_full(p->lang, v, full, sizeof(full));
    chiso_web__num_machine(v, mach, sizeof(mach));
    if (c->kind == CHISO_WEB_PERCENT) {
        /* a no-break space before the sign: "76,90 %" never splits */
        strncat(shown, "\xC2\xA0%", sizeof(shown) - strlen(shown) - 1);
        strncat(full, "\xC2\xA0%", sizeof(full) - strlen(full) - 1);
    }
    outf(p, &p->row, "<td class=\"num\" data-v=\"%s\">", mach);
    /* rounded for display: the full value on hover */
    if (fabs(chiso_round_half_up(v, dec) - v) > 1e-9 * fmax(1, fabs(v))) {
        out(p, &p->row, "<abbr title=\"");
        out_esc(p, &p->row, full, 0);
        out(p, &p->row, "\">");
        out_esc(p, &p->row, shown, 0);
        out(p, &p->row, "</abbr>");
    } else {
        out_esc(p, &p->row, shown, 0);
    }
    out(p, &p->row, "</td>");
    return cell_done(p);
}

chiso_status
chiso_web_row_flags(chiso_web_page *p, unsigned flags)
{
    if (cell_ready(p) != CHISO_OK) {
        return p == NULL ? CHISO_EINVAL : p->st;
    }
    if (flags & ~(CHISO_WEB_ROW_HIGHLIGHT | CHISO_WEB_ROW_TOTAL)) {
        return chiso_web__fail(p, CHISO_EINVAL, N_("unknown row flags %#x"),
                               flags);
    }
    p->row_flags = flags;
    return CHISO_OK;
}

chiso_status
chiso_web_table_end(chiso_web_page *p, const char *note)
{
    chiso_buf *b;
    char no[64];
    size_t i;
    int sortable;

    if (cell_ready(p) != CHISO_OK) {
        return p == NULL ? CHISO_EINVAL : p->st;
    }
    if (p->col != 0) {
        return chiso_web__fail(p, CHISO_EINVAL,
                               N_("the table's last row has %zu of its %zu "
                                  "cells"),
                               p->col, p->n_cols);
    }
    if (chiso_web__check_text(p, note, N_("a table's note")) != CHISO_OK) {
        return p->st;
    }
    b = &p->body;
    p->n_tables++;
    sortable = p->n_rows > 1;
    snprintf(no, sizeof(no), chiso_msg(p->lang, "Table %d."), p->n_tables);
    outf(p, b, "<div class=\"tbl\" id=\"t%d\">\n<p class=\"cap\" id=\"t%d-c\">",
         p->n_tables, p->n_tables);
    out(p, b, "<span class=\"no\">");
    out_esc(p, b, no, 0);
    out(p, b, "</span>");
    if (p->caption != NULL) {
        out(p, b, " ");
        out_esc(p, b, p->caption, 0);
    }
    out(p, b, "</p>\n");
    outf(p, b,
         "<div class=\"scroll\" role=\"region\" aria-labelledby=\"t%d-c\" "
         "tabindex=\"0\">\n<table%s aria-labelledby=\"t%d-c\">\n<thead><tr>",
         p->n_tables, sortable ? " class=\"sortable\"" : "", p->n_tables);
    for (i = 0; i < p->n_cols; i++) {
        int num = p->cols[i].kind != CHISO_WEB_TEXT;
        if (num) {
            out(p, b, "<th scope=\"col\" data-type=\"num\" class=\"num\">");
        } else if (p->col_chars[i] > WEB_WIDE) {
            /* a column of long texts (criteria) keeps room to read them */
            out(p, b, "<th scope=\"col\" data-type=\"text\" class=\"wide\">");
        } else if (p->col_chars[i] > 0) {
            /* short texts (codes, dates) on one line where they can */
            char w[16];
            chiso_web__num_machine(
                chiso_round_half_up(0.62 * (double)p->col_chars[i] + 1.6, 1), w,
                sizeof(w));
            outf(p, b,
                 "<th scope=\"col\" data-type=\"text\" "
                 "style=\"min-width:%sem\">",
                 w);
        } else {
            out(p, b, "<th scope=\"col\" data-type=\"text\">");
        }
        out_esc(p, b, p->headers[i], 1);
        out(p, b, "</th>");
    }
    out(p, b, "</tr></thead>\n<tbody>\n");
    if (p->tbody.len > 0) {
        out(p, b, p->tbody.data);
    } else {
        outf(p, b, "<tr><td colspan=\"%zu\">", p->n_cols);
        out_esc(p, b, msg(p, N_("(no rows)")), 0);
        out(p, b, "</td></tr>\n");
    }
    out(p, b, "</tbody>\n");
    if (p->tfoot.len > 0) {
        out(p, b, "<tfoot>\n");
        out(p, b, p->tfoot.data);
        out(p, b, "</tfoot>\n");
    }
    out(p, b, "</table>\n</div>\n");
    if (p->table_missing) {
        out(p, b, "<p class=\"tnote\">");
        out_esc(p, b, msg(p, N_("\xE2\x80\x94 no data.")), 0);
        out(p, b, "</p>\n");
    }
    if (note != NULL && note[0] != '\0') {
        out(p, b, "<p class=\"tnote\">");
        out_esc(p, b, note, 1);
        out(p, b, "</p>\n");
    }
    out(p, b, "</div>\n");
    table_reset(p);
    return p->st;
}

/* ---- caveats and sources ---------------------------------------------------- */

chiso_status
chiso_web_note(chiso_web_page *p, const char *text)
{
    if (p == NULL) {
        return CHISO_EINVAL;
    }
    if (p->st != CHISO_OK) {
        return p->st;
    }
    if (text == NULL || text[0] == '\0') {
        return chiso_web__fail(p, CHISO_EINVAL, N_("a note needs text"));
    }
    if (chiso_web__check_text(p, text, N_("a note")) != CHISO_OK) {
        return p->st;
    }
    return push_copy(p, &p->notes, &p->n_notes, text);
}

chiso_status
chiso_web_source(chiso_web_page *p, const char *text)
{
    if (p == NULL) {
        return CHISO_EINVAL;
    }
    if (p->st != CHISO_OK) {
        return p->st;
    }
    if (text == NULL || text[0] == '\0') {
        return chiso_web__fail(p, CHISO_EINVAL, N_("a source needs text"));
    }
    if (chiso_web__check_text(p, text, N_("a source")) != CHISO_OK) {
        return p->st;
    }
    return push_copy(p, &p->sources, &p->n_sources, text);
}

/* ---- output ------------------------------------------------------------------ */

static void
bullets(chiso_web_page *p, chiso_buf *b, char *const *v, size_t n)
{
    size_t i;

    out(p, b, "<ul>\n");
    for (i = 0; i < n; i++) {
        out(p, b, "<li>");
        out_esc(p, b, v[i], 1);
        out(p, b, "</li>\n");
    }
    out(p, b, "</ul>\n");
}

static void
contents(chiso_web_page *p, chiso_buf *b)
{
    size_t i, n = p->n_sections + (p->n_notes > 0);

    if (n < 3) {
        return;
    }
    out(p, b, "<nav class=\"toc\" aria-labelledby=\"toc-h\"><h2 id=\"toc-h\">");
    out_esc(p, b, msg(p, N_("Contents")), 0);
    out(p, b, "</h2>\n<ol>\n");
    for (i = 0; i < p->n_sections; i++) {
        outf(p, b, "<li><a href=\"#s%zu\">", i + 1);
        out_esc(p, b, p->sections[i], 0);
        out(p, b, "</a></li>\n");
    }
    if (p->n_notes > 0) {
        out(p, b, "<li><a href=\"#notes-h\">");
        out_esc(p, b, msg(p, N_("Notes on the data")), 0);
        out(p, b, "</a></li>\n");
    }
    out(p, b, "</ol></nav>\n");
}

chiso_status
chiso_web_to_memory(chiso_web_page *p,
                    char **out_bytes,
                    size_t *len,
                    chiso_diag *diag)
{
    chiso_buf b = CHISO_BUF_INIT;
    char hash[45];
    size_t i;

    if (p == NULL || out_bytes == NULL || len == NULL) {
        return CHISO_EINVAL;
    }
    *out_bytes = NULL;
    *len = 0;
    if (p->st == CHISO_OK && p->in_table) {
        chiso_web__fail(p, CHISO_EINVAL,
                        N_("a table is still open: end it before writing the "
                           "page"));
    }
    if (p->st != CHISO_OK) {
        return chiso_web_error(p, diag);
    }
    chiso_web__sha256_b64(chiso_web__js, strlen(chiso_web__js), hash);
    out(p, &b, "<!DOCTYPE html>\n");
    outf(p, &b, "<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
         chiso_lang_code(p->lang));
    outf(p, &b,
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
         "'none'; style-src 'unsafe-inline'; script-src 'sha256-%s'; img-src "
         "data:; base-uri 'none'; form-action 'none'\">\n",
         hash);
    out(p, &b,
        "<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\">\n");
    if (p->generator != NULL) {
        out(p, &b, "<meta name=\"generator\" content=\"");
        out_esc(p, &b, p->generator, 0);
        out(p, &b, "\">\n");
    }
    out(p, &b, "<title>");
    out_esc(p, &b, p->title, 0);
    out(p, &b, "</title>\n<style>\n");
    for (i = 0; chiso_web__css[i] != NULL; i++) {
        out(p, &b, chiso_web__css[i]);
    }
    out(p, &b, "</style>\n</head>\n<body>\n<div class=\"page\">\n");
    out(p, &b, "<header class=\"top\">\n<h1>");
    out_esc(p, &b, p->title, 1);
    out(p, &b, "</h1>\n");
    if (p->subtitle != NULL && p->subtitle[0] != '\0') {
        out(p, &b, "<p class=\"sub\">");
        out_esc(p, &b, p->subtitle, 1);
        out(p, &b, "</p>\n");
    }
    contents(p, &b);
    out(p, &b, "</header>\n<main>\n");
    if (p->st == CHISO_OK && p->body.len > 0 &&
        chiso_buf_append(&b, p->body.data, p->body.len) != CHISO_OK) {
        chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
    }
    if (p->n_notes > 0) {
        out(p, &b,
            "<section class=\"notes\" aria-labelledby=\"notes-h\">\n<h2 "
            "id=\"notes-h\">");
        out_esc(p, &b, msg(p, N_("Notes on the data")), 0);
        out(p, &b, "</h2>\n");
        bullets(p, &b, p->notes, p->n_notes);
        out(p, &b, "</section>\n");
    }
    out(p, &b, "</main>\n<footer>\n");
    if (p->n_sources > 0) {
        out(p, &b, "<h2>");
        out_esc(p, &b, msg(p, N_("Sources")), 0);
        out(p, &b, "</h2>\n");
        bullets(p, &b, p->sources, p->n_sources);
    }
    if (p->generator != NULL) {
        chiso_buf t = CHISO_BUF_INIT;
        if (chiso_buf_printf(&t, chiso_msg(p->lang, "Made with %s."),
                             p->generator) != CHISO_OK) {
            chiso_web__fail(p, CHISO_ENOMEM, N_("out of memory"));
        }
        out(p, &b, "<p>");
        out_esc(p, &b, t.data, 0);
        chiso_buf_free(&t);
        out(p, &b, "</p>\n");
    }
    out(p, &b, "</footer>\n</div>\n<script>");
    out(p, &b, chiso_web__js);
    out(p, &b, "</script>\n</body>\n</html>\n");
    if (p->st != CHISO_OK) {
        chiso_buf_free(&b);
        return chiso_web_error(p, diag);
    }
    *out_bytes = b.data;
    *len = b.len;
    return CHISO_OK;
}

chiso_status
chiso_web_write(chiso_web_page *p, const char *path, chiso_diag *diag)
{
    chiso_outfile *of = NULL;
    char *bytes = NULL;
    size_t len = 0;
    chiso_status st;

    if (p == NULL || path == NULL) {
        return CHISO_EINVAL;
    }
    st = chiso_web_to_memory(p, &bytes, &len, diag);
    if (st != CHISO_OK) {
        return st;
    }
    st = chiso_outfile_open(&of, path, diag);
    if (st == CHISO_OK) {
        if (fwrite(bytes, 1, len, chiso_outfile_stream(of)) != len) {
            chiso_outfile_abort(of);
            st = chiso_diag_set_errno(diag, path, errno,
                                      "cannot write the web page");
        } else {
            st = chiso_outfile_commit(of, diag);
        }
    }
    free(bytes);
    return st;
}

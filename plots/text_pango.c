/*
 * text_pango.c - measuring and drawing text with Pango in DejaVu Sans.
 *
 * One PangoContext and one PangoLayout are made per render and reused for
 * every label (creating a layout per label costs more than drawing it).
 * Hinting is switched off (no hinted metrics, no outline hinting), so a
 * text measures the same on a PNG, SVG or PDF surface and the model's
 * decisions do not depend on the output format. Sizes are absolute, in
 * device units, so the resolution of the surface does not matter.
 */
#include "chiso_plot.h"
#include "plots_int.h"
#include "render_int.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PLOT_FONT_FAMILY "DejaVu Sans"

struct plot_text {
    PangoContext *ctx;
    PangoLayout *layout;
    PangoFontDescription *fd;
    double cur_size;
    int cur_bold;
    double lh_size; /* cache of the last line height asked for */
    double lh_value;
};

static void
set_font(plot_text *t, double size, int bold)
{
    if (chiso_is_zero(size - t->cur_size) && bold == t->cur_bold) {
        return;
    }
    pango_font_description_set_absolute_size(t->fd, size * PANGO_SCALE);
    pango_font_description_set_weight(t->fd, bold ? PANGO_WEIGHT_BOLD
                                                  : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(t->layout, t->fd);
    t->cur_size = size;
    t->cur_bold = bold;
}

static double
pm_width(void *ctx, const char *text, size_t len, double size, int bold)
{
    plot_text *t = ctx;
    PangoRectangle logical;

    set_font(t, size, bold);
    pango_layout_set_width(t->layout, -1);
    pango_layout_set_text(t->layout, text, (int)len);
    pango_layout_get_extents(t->layout, NULL, &logical);
    return (double)logical.width / PANGO_SCALE;
}

static double
pm_line_height(void *ctx, double size)
{
    plot_text *t = ctx;
    PangoRectangle logical;

    if (chiso_is_zero(size - t->lh_size)) {
        return t->lh_value;
    }
    set_font(t, size, 0);
    pango_layout_set_width(t->layout, -1);
    pango_layout_set_text(t->layout, "Ấg", -1);
    pango_layout_get_extents(t->layout, NULL, &logical);
    t->lh_size = size;
    t->lh_value = (double)logical.height / PANGO_SCALE;
    return t->lh_value;
}

chiso_status
chiso_plot__text_new(plot_text **out, cairo_t *cr)
{
    plot_text *t = calloc(1, sizeof(*t));
    cairo_font_options_t *fo;

    *out = NULL;
    if (t == NULL) {
        return CHISO_ENOMEM;
    }
    t->ctx = pango_cairo_create_context(cr);
    fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(t->ctx, fo);
    cairo_font_options_destroy(fo);
    t->layout = pango_layout_new(t->ctx);
    t->fd = pango_font_description_from_string(PLOT_FONT_FAMILY);
    t->cur_size = -1;
    t->lh_size = -1;
    if (t->ctx == NULL || t->layout == NULL || t->fd == NULL) {
        chiso_plot__text_free(t);
        return CHISO_ENOMEM;
    }
    *out = t;
    return CHISO_OK;
}

void
chiso_plot__text_free(plot_text *t)
{
    if (t == NULL) {
        return;
    }
    if (t->fd != NULL) {
        pango_font_description_free(t->fd);
    }
    if (t->layout != NULL) {
        g_object_unref(t->layout);
    }
    if (t->ctx != NULL) {
        g_object_unref(t->ctx);
    }
    free(t);
}

void
chiso_plot_release_fonts(void)
{
    pango_cairo_font_map_set_default(NULL);
}

void
chiso_plot__text_measure(plot_text *t, chiso_plot_measure *m)
{
    m->text_width = pm_width;
    m->line_height = pm_line_height;
    m->ctx = t;
}

chiso_status
chiso_plot_pango_measure_init(chiso_plot_measure *m, cairo_t *cr)
{
    plot_text *t;
    chiso_status st = chiso_plot__text_new(&t, cr);

    memset(m, 0, sizeof(*m));
    if (st != CHISO_OK) {
        return st;
    }
    chiso_plot__text_measure(t, m);
    return CHISO_OK;
}

void
chiso_plot_pango_measure_clear(chiso_plot_measure *m)
{
    if (m == NULL) {
        return;
    }
    if (m->text_width == pm_width) {
        chiso_plot__text_free(m->ctx);
    }
    memset(m, 0, sizeof(*m));
}

void
chiso_plot__text_draw(
    plot_text *t, cairo_t *cr, const chiso_plot_label *lb, double dx, double dy)
{
    PangoAlignment al = lb->align == 1   ? PANGO_ALIGN_CENTER
                        : lb->align == 2 ? PANGO_ALIGN_RIGHT
                                         : PANGO_ALIGN_LEFT;

    if (lb->text == NULL || lb->text[0] == '\0' || lb->hidden) {
        return;
    }
    set_font(t, lb->size, lb->bold);
    pango_layout_set_text(t->layout, lb->text, -1);
    /* the box is exactly the fitted width; a hair more so Pango never
     * re-wraps a line that measured equal to it */
    pango_layout_set_width(
        t->layout, (int)((lb->vertical ? lb->h : lb->w) * PANGO_SCALE) + 64);
    pango_layout_set_wrap(t->layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(t->layout, al);
    cairo_save(cr);
    if (lb->vertical) {
        cairo_translate(cr, lb->x + dx, lb->y + dy + lb->h);
        cairo_rotate(cr, -PLOT_PI / 2);
        cairo_move_to(cr, 0, 0);
    } else {
        cairo_move_to(cr, lb->x + dx, lb->y + dy);
    }
    pango_cairo_update_layout(cr, t->layout);
    pango_cairo_show_layout(cr, t->layout);
    cairo_restore(cr);
    pango_layout_set_width(t->layout, -1);
    pango_layout_set_alignment(t->layout, PANGO_ALIGN_LEFT);
}

/* ---- fonts loaded ahead ------------------------------------------------- */

struct chiso_plot_preload {
    pthread_t tid;
    int joined;
};

static void *
preload_main(void *arg)
{
    (void)arg;
    /* process-wide and idempotent: Pango's font maps find it loaded (a
     * font map or font loaded here would be this thread's alone) */
    FcInit();
    return NULL;
}

chiso_plot_preload *
chiso_plot_preload_start(void)
{
    chiso_plot_preload *p = calloc(1, sizeof(*p));

    if (p != NULL && pthread_create(&p->tid, NULL, preload_main, p) != 0) {
        free(p);
        p = NULL;
    }
    return p;
}

void
chiso_plot_preload_wait(chiso_plot_preload *p)
{
    if (p != NULL && !p->joined) {
        pthread_join(p->tid, NULL);
        p->joined = 1;
    }
}

void
chiso_plot_preload_free(chiso_plot_preload *p)
{
    chiso_plot_preload_wait(p);
    free(p);
}

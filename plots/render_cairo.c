/*
 * render_cairo.c - draws a laid-out chart on a caller's cairo_t.
 *
 * Nothing here decides where things go: positions, ticks, fitted labels
 * and honesty flags all come from the model (layout.c). The renderer maps
 * data to device units with the model's domains and paints. Series style
 * i is (Okabe-Ito colour i, marker shape i, dash pattern i mod 5), so
 * lines stay distinguishable in greyscale and for colour-blind readers.
 * Lines are cut at missing values and at methodology breaks: a segment is
 * drawn between two points only when no break lies in (x_i, x_i+1].
 */
#include "chiso_plot.h"
#include "plots_int.h"
#include "render_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define INK       0x222222 /* text and axes */
#define GRID      0xE3E3E3 /* grid lines */
#define MUTED     0x666666 /* secondary text, break rules */
#define CONTEXT   0xC9C9C9 /* other series in small multiples */
#define HIGHLIGHT 0xD55E00 /* vermillion */

typedef struct rnd {
    cairo_t *cr;
    const chiso_chart *c;
    const chiso_plot_model *md;
    plot_text *txt;
    double base;
} rnd;

static void
rgb(cairo_t *cr, unsigned int c)
{
    cairo_set_source_rgb(cr, ((c >> 16) & 0xFF) / 255.0,
                         ((c >> 8) & 0xFF) / 255.0, (c & 0xFF) / 255.0);
}

static void
rgba(cairo_t *cr, unsigned int c, double a)
{
    cairo_set_source_rgba(cr, ((c >> 16) & 0xFF) / 255.0,
                          ((c >> 8) & 0xFF) / 255.0, (c & 0xFF) / 255.0, a);
}

static void
text(rnd *R, const chiso_plot_label *lb, unsigned int color)
{
    rgb(R->cr, color);
    chiso_plot__text_draw(R->txt, R->cr, lb, 0, 0);
}

static double
mx(const chiso_plot_model *md, const chiso_plot_rect *r, double v)
{
    const chiso_plot_ticks *t = &md->x.ticks;
    return r->x + (v - t->lo) / (t->hi - t->lo) * r->w;
}

static double
my(const chiso_plot_model *md, const chiso_plot_rect *r, double v)
{
    return r->y + r->h - chiso_plot__yfrac(&md->y, v) * r->h;
}

static void
set_dash(cairo_t *cr, int k, double lw)
{
    static const double pat[PLOT_N_DASHES][4] = {{0, 0, 0, 0},
                                                 {5, 2.5, 0, 0},
                                                 {1.2, 1.8, 0, 0},
                                                 {7, 2, 1.5, 2},
                                                 {11, 3.5, 0, 0}};
    static const int n[PLOT_N_DASHES] = {0, 2, 2, 4, 2};
    double d[4];
    int i;

    k %= PLOT_N_DASHES;
    for (i = 0; i < n[k]; i++) {
        d[i] = pat[k][i] * lw;
    }
    cairo_set_dash(cr, d, n[k], 0);
}

/* Add marker shape k at (x, y), radius r, to the current path. */
static void
marker_path(cairo_t *cr, int k, double x, double y, double r)
{
    int i;

    cairo_new_sub_path(cr);
    switch (k % PLOT_N_MARKERS) {
    case 0:
        cairo_arc(cr, x, y, r, 0, 2 * PLOT_PI);
        break;
    case 1:
        cairo_rectangle(cr, x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
        break;
    case 2:
        cairo_move_to(cr, x, y - r * 1.15);
        cairo_line_to(cr, x + r, y + r * 0.75);
        cairo_line_to(cr, x - r, y + r * 0.75);
        cairo_close_path(cr);
        break;
    case 3:
        cairo_move_to(cr, x, y - r * 1.2);
        cairo_line_to(cr, x + r * 1.2, y);
        cairo_line_to(cr, x, y + r * 1.2);
        cairo_line_to(cr, x - r * 1.2, y);
        cairo_close_path(cr);
        break;
    case 4:
        cairo_move_to(cr, x, y + r * 1.15);
        cairo_line_to(cr, x + r, y - r * 0.75);
        cairo_line_to(cr, x - r, y - r * 0.75);
        cairo_close_path(cr);
        break;
    case 5: /* cross (x), drawn as a thick polygon */
    case 6: /* plus */
    {
        double a = (k % PLOT_N_MARKERS) == 5 ? PLOT_PI / 4 : 0;
        double w = r * 0.42, l = r * 1.2;
        cairo_save(cr);
        cairo_translate(cr, x, y);
        cairo_rotate(cr, a);
        cairo_move_to(cr, -w, -l);
        cairo_line_to(cr, w, -l);
        cairo_line_to(cr, w, -w);
        cairo_line_to(cr, l, -w);
        cairo_line_to(cr, l, w);
        cairo_line_to(cr, w, w);
        cairo_line_to(cr, w, l);
        cairo_line_to(cr, -w, l);
        cairo_line_to(cr, -w, w);
        cairo_line_to(cr, -l, w);
        cairo_line_to(cr, -l, -w);
        cairo_line_to(cr, -w, -w);
        cairo_close_path(cr);
        cairo_restore(cr);
        break;
    }
    default: /* five-pointed star */
        for (i = 0; i < 10; i++) {
            double a = -PLOT_PI / 2 + PLOT_PI * i / 5;
            double rr = i % 2 ? r * 0.55 : r * 1.3;
            if (i == 0) {
                cairo_move_to(cr, x + rr * cos(a), y + rr * sin(a));
            } else {
                cairo_line_to(cr, x + rr * cos(a), y + rr * sin(a));
            }
        }
        cairo_close_path(cr);
        break;
    }
}

/* Stroke the current path (markers) as outlines on white: a derived
 * point, computed rather than published, is drawn hollow. */
static void
hollow_paint(cairo_t *cr, double r, unsigned int color)
{
    rgb(cr, 0xFFFFFF);
    cairo_fill_preserve(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, fmax(1.2, r * 0.4));
    rgb(cr, color);
    cairo_stroke(cr);
}

/* Width of the white rim around a marker of radius r. */
static double
rim_of(double r)
{
    return fmax(0.8, r * 0.3);
}

/* One marker, painted: the white rim as a larger white shape under a
 * smaller coloured one (two fills cost a fraction of a fill and a
 * stroke, and look the same at marker sizes). */
static void
marker(cairo_t *cr, int k, double x, double y, double r, unsigned int color)
{
    double h = rim_of(r) / 2;

    cairo_new_path(cr);
    marker_path(cr, k, x, y, r + h);
    rgb(cr, 0xFFFFFF);
    cairo_fill(cr);
    marker_path(cr, k, x, y, r - h);
    rgb(cr, color);
    cairo_fill(cr);
}

/* Published rank: an outlined diamond, so a median dot under it shows. */
static void
open_diamond(cairo_t *cr, double x, double y, double r, unsigned int color)
{
    cairo_new_path(cr);
    cairo_move_to(cr, x, y - r * 1.25);
    cairo_line_to(cr, x + r * 1.25, y);
    cairo_line_to(cr, x, y + r * 1.25);
    cairo_line_to(cr, x - r * 1.25, y);
    cairo_close_path(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, fmax(1.5, r * 0.45));
    rgb(cr, color);
    cairo_stroke(cr);
}

static void
hline(cairo_t *cr, double x0, double x1, double y)
{
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x1, y);
}

static void
vline(cairo_t *cr, double x, double y0, double y1)
{
    cairo_move_to(cr, x, y0);
    cairo_line_to(cr, x, y1);
}

/* Gridlines for the y ticks and x ticks (flags) inside r. */
static void
grid(rnd *R, const chiso_plot_rect *r, int gx, int gy)
{
    const chiso_plot_model *md = R->md;
    cairo_t *cr = R->cr;
    size_t i;

    cairo_set_line_width(cr, 1);
    cairo_set_dash(cr, NULL, 0, 0);
    rgb(cr, GRID);
    for (i = 0; gy && i < md->y.ticks.n; i++) {
        double v = md->y.ticks.v[i];
        if (v >= md->y.ticks.lo && v <= md->y.ticks.hi) {
            hline(cr, r->x, r->x + r->w, floor(my(md, r, v)) + 0.5);
        }
    }
    for (i = 0; gx && i < md->x.ticks.n; i++) {
        double v = md->x.ticks.v[i];
        if (v >= md->x.ticks.lo && v <= md->x.ticks.hi) {
            vline(cr, floor(mx(md, r, v)) + 0.5, r->y, r->y + r->h);
        }
    }
    cairo_stroke(cr);
}

/* Left and bottom axis lines with tick marks (flags say which ticks). */
static void
axes(rnd *R, const chiso_plot_rect *r, int tx, int ty)
{
    const chiso_plot_model *md = R->md;
    cairo_t *cr = R->cr;
    double tl = md->tick_len, x0 = floor(r->x) + 0.5;
    double y1 = floor(r->y + r->h) + 0.5;
    size_t i;

    cairo_set_line_width(cr, 1);
    cairo_set_dash(cr, NULL, 0, 0);
    rgb(cr, INK);
    vline(cr, x0, r->y, y1);
    hline(cr, x0, r->x + r->w, y1);
    for (i = 0; ty && i < md->y.ticks.n; i++) {
        double v = md->y.ticks.v[i];
        if (v >= md->y.ticks.lo && v <= md->y.ticks.hi) {
            double y = floor(my(md, r, v)) + 0.5;
            hline(cr, x0 - tl, x0, y);
        }
    }
    for (i = 0; tx && i < md->x.ticks.n; i++) {
        double v = md->x.ticks.v[i];
        if (v >= md->x.ticks.lo && v <= md->x.ticks.hi) {
            double x = floor(mx(md, r, v)) + 0.5;
            vline(cr, x, y1, y1 + tl);
        }
    }
    cairo_stroke(cr);
    if (ty && md->y_broken) {
        /* axis-break mark: the axis is cut near its foot by two slashes */
        double yb = r->y + r->h - R->base * 0.9, d = R->base * 0.35;
        rgb(cr, 0xFFFFFF);
        cairo_rectangle(cr, x0 - d, yb - d * 0.35, 2 * d, d * 0.7);
        cairo_fill(cr);
        rgb(cr, INK);
        cairo_set_line_width(cr, 1.2);
        cairo_move_to(cr, x0 - d, yb - d * 0.05);
        cairo_line_to(cr, x0 + d, yb - d * 0.65);
        cairo_move_to(cr, x0 - d, yb + d * 0.65);
        cairo_line_to(cr, x0 + d, yb + d * 0.05);
        cairo_stroke(cr);
    }
}

static void
tick_texts(rnd *R, const chiso_plot_axis *ax, double dx, double dy)
{
    size_t i;

    rgb(R->cr, INK);
    for (i = 0; i < ax->ticks.n; i++) {
        chiso_plot__text_draw(R->txt, R->cr, &ax->tick_labels[i], dx, dy);
    }
}

static void
header_footer(rnd *R)
{
    const chiso_plot_model *md = R->md;

    text(R, &md->title, INK);
    text(R, &md->subtitle, 0x444444);
    text(R, &md->note, MUTED);
    text(R, &md->footer, MUTED);
    text(R, &md->x_title, INK);
    text(R, &md->y_title, INK);
}

/* Legend swatch kinds. */
enum { SW_LINE, SW_BAND, SW_BOX, SW_MARKER, SW_INTERVAL, SW_PLAIN, SW_HOLLOW };

static void
legend_item(
    rnd *R, size_t i, int kind, unsigned int color, int style, double alpha)
{
    const chiso_plot_legend *lg = &R->md->legend;
    const chiso_plot_label *it = &lg->items[i];
    cairo_t *cr = R->cr;
    double x = lg->x + it->x - lg->swatch_w - 0.5 * (lg->swatch_w / 2.8);
    double cy = lg->y + it->y + it->h / 2, w = lg->swatch_w;

    switch (kind) {
    case SW_LINE:
        cairo_set_line_width(cr, 2.2);
        set_dash(cr, style, 2.2);
        rgb(cr, color);
        hline(cr, x, x + w, cy);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        marker(cr, style, x + w / 2, cy, R->base * 0.3, color);
        break;
    case SW_BAND:
        rgba(cr, color, alpha);
        cairo_rectangle(cr, x, cy - R->base * 0.4, w, R->base * 0.8);
        cairo_fill(cr);
        break;
    case SW_BOX:
        rgb(cr, color);
        cairo_rectangle(cr, x + w * 0.2, cy - R->base * 0.4, w * 0.6,
                        R->base * 0.8);
        cairo_fill(cr);
        break;
    case SW_MARKER:
        if (style < 0) {
            open_diamond(cr, x + w / 2, cy, R->base * 0.35, color);
        } else {
            marker(cr, style, x + w / 2, cy, R->base * 0.35, color);
        }
        break;
    case SW_HOLLOW:
        cairo_new_path(cr);
        marker_path(cr, style, x + w / 2, cy, R->base * 0.38);
        hollow_paint(cr, R->base * 0.38, color);
        break;
    case SW_PLAIN:
        cairo_set_line_width(cr, 1.6);
        cairo_set_dash(cr, NULL, 0, 0);
        rgb(cr, color);
        hline(cr, x, x + w, cy);
        cairo_stroke(cr);
        break;
    default:
        rgb(cr, color);
        cairo_set_line_width(cr, R->base * 0.3);
        cairo_set_dash(cr, NULL, 0, 0);
        hline(cr, x, x + w, cy);
        cairo_stroke(cr);
        break;
    }
    rgb(cr, INK);
    chiso_plot__text_draw(R->txt, cr, it, lg->x, lg->y);
}

/* ---- trend and small multiples ---------------------------------------- */

static int
break_between(const chiso_chart *c, const plot_series *s, double x0, double x1)
{
    size_t b;

    for (b = 0; b < c->n_breaks; b++) {
        if (c->breaks[b].x > x0 && c->breaks[b].x <= x1 &&
            chiso_plot__break_cuts(&c->breaks[b], s)) {
            return 1;
        }
    }
    return 0;
}

static void
draw_band(rnd *R,
          const plot_series *s,
          const chiso_plot_rect *r,
          unsigned int color)
{
    cairo_t *cr = R->cr;
    size_t i = 0, j, k;

    while (i < s->n) {
        /* one run of points with a band and no break inside */
        if (isnan(s->lo[i])) {
            i++;
            continue;
        }
        j = i;
        while (j + 1 < s->n && !isnan(s->lo[j + 1]) &&
               !break_between(R->c, s, s->x[j], s->x[j + 1]) &&
               (s->rank_of == NULL || s->rank_of[j] == s->rank_of[j + 1])) {
            j++;
        }
        if (j > i) {
            cairo_new_path(cr);
            for (k = i; k <= j; k++) {
                cairo_line_to(cr, mx(R->md, r, s->x[k]),
                              my(R->md, r, s->hi[k]));
            }
            for (k = j + 1; k-- > i;) {
                cairo_line_to(cr, mx(R->md, r, s->x[k]),
                              my(R->md, r, s->lo[k]));
            }
            cairo_close_path(cr);
            rgba(cr, color, 0.16);
            cairo_fill(cr);
        } else {
            /* a lone point with a band: a vertical whisker */
            rgba(cr, color, 0.5);
            cairo_set_line_width(cr, R->base * 0.35);
            vline(cr, mx(R->md, r, s->x[i]), my(R->md, r, s->lo[i]),
                  my(R->md, r, s->hi[i]));
            cairo_stroke(cr);
        }
        i = j + 1;
    }
}

/*
 * Add one joined run of points [i0, i1] to the path. A run denser than
 * the pixels it crosses is reduced per pixel column to its first, lowest,
 * highest and last point (in x order): the drawn line is the same at this
 * resolution, and the work stays linear in the points instead of handing
 * cairo a polygon whose every scan line crosses thousands of edges.
 */
static void
path_run(rnd *R,
         const plot_series *s,
         const chiso_plot_rect *r,
         size_t i0,
         size_t i1)
{
    cairo_t *cr = R->cr;
    size_t i, first, last, lo, hi;
    double col;

    cairo_move_to(cr, mx(R->md, r, s->x[i0]), my(R->md, r, s->y[i0]));
    if ((double)(i1 - i0 + 1) <= 2 * r->w) {
        for (i = i0 + 1; i <= i1; i++) {
            cairo_line_to(cr, mx(R->md, r, s->x[i]), my(R->md, r, s->y[i]));
        }
        return;
    }
    first = last = lo = hi = i0;
    col = floor(mx(R->md, r, s->x[i0]));
    for (i = i0 + 1; i <= i1 + 1; i++) {
        double c = i <= i1 ? floor(mx(R->md, r, s->x[i])) : HUGE_VAL;
        if (c > col) {
            /* flush the column: first (already on the path), then the
             * extremes in x order, then the last */
            size_t a = lo < hi ? lo : hi, b = lo < hi ? hi : lo, k;
            size_t pts[3] = {a, b, last};
            size_t prev = first;
            for (k = 0; k < 3; k++) {
                if (pts[k] != prev && pts[k] != first) {
                    cairo_line_to(cr, mx(R->md, r, s->x[pts[k]]),
                                  my(R->md, r, s->y[pts[k]]));
                    prev = pts[k];
                }
            }
            if (i > i1) {
                break;
            }
            cairo_line_to(cr, mx(R->md, r, s->x[i]), my(R->md, r, s->y[i]));
            first = last = lo = hi = i;
            col = c;
            continue;
        }
        last = i;
        if (s->y[i] < s->y[lo]) {
            lo = i;
        }
        if (s->y[i] > s->y[hi]) {
            hi = i;
        }
    }
}

static void
draw_line(rnd *R,
          const plot_series *s,
          const chiso_plot_rect *r,
          unsigned int color,
          int style,
          double lw,
          int markers)
{
    cairo_t *cr = R->cr;
    size_t i, j, n_fin = 0;
    double mr = fmax(lw * 1.6, R->base * 0.38);
    int all_markers, pass;

    cairo_new_path(cr);
    for (i = 0; i < s->n; i = j + 1) {
        if (isnan(s->y[i])) {
            j = i;
            continue;
        }
        for (j = i; j + 1 < s->n && chiso_plot__joined(R->c, s, j + 1); j++) {
        }
        n_fin += j - i + 1;
        if (j > i) {
            path_run(R, s, r, i, j);
        }
    }
    cairo_set_line_width(cr, lw);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    set_dash(cr, style, lw);
    rgb(cr, color);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    if (!markers) {
        return; /* context lines (small multiples) */
    }
    /* markers on every point while they stay apart; on a dense series only
     * points no line reaches (they would vanish otherwise) and derived
     * points (hollow) keep theirs */
    all_markers = markers && (double)n_fin * mr * 1.5 <= r->w;
    /* the series' markers in two paths: white rims (larger shapes) under
     * the coloured ones */
    for (pass = 0; pass < 2; pass++) {
        double rr = pass == 0 ? mr + rim_of(mr) / 2 : mr - rim_of(mr) / 2;
        cairo_new_path(cr);
        for (i = 0; i < s->n; i++) {
            int alone;
            if (isnan(s->y[i]) || (s->derived != NULL && s->derived[i])) {
                continue;
            }
            alone = !chiso_plot__joined(R->c, s, i) &&
                    !(i + 1 < s->n && chiso_plot__joined(R->c, s, i + 1));
            if (all_markers || alone) {
                marker_path(cr, style, mx(R->md, r, s->x[i]),
                            my(R->md, r, s->y[i]), rr);
            }
        }
        rgb(cr, pass == 0 ? 0xFFFFFF : color);
        cairo_fill(cr);
    }
    if (s->derived != NULL) {
        cairo_new_path(cr);
        for (i = 0; i < s->n; i++) {
            if (s->derived[i] && !isnan(s->y[i])) {
                marker_path(cr, style, mx(R->md, r, s->x[i]),
                            my(R->md, r, s->y[i]), mr);
            }
        }
        hollow_paint(cr, mr, color);
    }
}

/* Dashed rules of the breaks; in a panel (only != NULL) the breaks that
 * cut its series. */
static void
break_rules(rnd *R,
            const chiso_plot_rect *r,
            double top,
            const plot_series *only)
{
    const chiso_chart *c = R->c;
    cairo_t *cr = R->cr;
    size_t b;
    double d[2] = {4, 3};

    for (b = 0; b < c->n_breaks; b++) {
        double x = mx(R->md, r, chiso_plot__break_rule_x(c, c->breaks[b].x));
        if (x < r->x || x > r->x + r->w ||
            (only != NULL && !chiso_plot__break_cuts(&c->breaks[b], only))) {
            continue;
        }
        cairo_set_line_width(cr, 1.4);
        cairo_set_dash(cr, d, 2, 0);
        rgb(cr, MUTED);
        vline(cr, floor(x) + 0.5, top, r->y + r->h);
        cairo_stroke(cr);
    }
    cairo_set_dash(cr, NULL, 0, 0);
}

static void
render_trend(rnd *R)
{
    const chiso_plot_model *md = R->md;
    const chiso_chart *c = R->c;
    cairo_t *cr = R->cr;
    size_t i, hl = (size_t)-1;
    double lw = fmax(1.5, R->base * 0.14);

    grid(R, &md->plot, 0, 1);
    for (i = 0; i < c->n_series; i++) {
        if (c->series[i].lo != NULL) {
            draw_band(R, &c->series[i], &md->plot, chiso_plot__palette[i % 8]);
        }
    }
    cairo_save(cr);
    for (i = 0; i < c->n_series; i++) {
        if (chiso_plot__is_highlight(c, c->series[i].name)) {
            hl = i;
            continue;
        }
        draw_line(R, &c->series[i], &md->plot, chiso_plot__palette[i % 8],
                  (int)i, lw, 1);
    }
    if (hl != (size_t)-1) {
        draw_line(R, &c->series[hl], &md->plot, chiso_plot__palette[hl % 8],
                  (int)hl, lw * 1.9, 1);
    }
    cairo_restore(cr);
    break_rules(R, &md->plot, md->plot.y - R->base * 0.3, NULL);
    axes(R, &md->plot, 1, 1);
    tick_texts(R, &md->x, 0, 0);
    tick_texts(R, &md->y, 0, 0);
    for (i = 0; i < md->n_marks; i++) {
        text(R, &md->marks[i], INK);
    }
    for (i = 0; i < md->legend.n; i++) {
        if (i < c->n_series) {
            legend_item(R, i, SW_LINE, chiso_plot__palette[i % 8], (int)i, 1);
        } else if (i + 1 == md->legend.n && chiso_plot__has_derived(c)) {
            legend_item(R, i, SW_HOLLOW, INK, 0, 1);
        } else {
            size_t k, with_band = 0, n_band = 0;
            for (k = 0; k < c->n_series; k++) {
                if (c->series[k].lo != NULL) {
                    with_band = k;
                    n_band++;
                }
            }
            /* one band: its series' colour; several: neutral grey */
            legend_item(R, i, SW_BAND,
                        n_band == 1 ? chiso_plot__palette[with_band % 8]
                                    : 0x777777,
                        0, n_band == 1 ? 0.16 : 0.3);
        }
    }
}

static void
render_small_multiples(rnd *R)
{
    const chiso_plot_model *md = R->md;
    const chiso_chart *c = R->c;
    size_t p, i;
    double lw = fmax(1.5, R->base * 0.14);

    for (p = 0; p < md->n_panels; p++) {
        const chiso_plot_rect *r = &md->panels[p];
        int hl = chiso_plot__is_highlight(c, c->series[p].name);
        double dx = r->x - md->panels[0].x, dy = r->y - md->panels[0].y;
        grid(R, r, 0, 1);
        for (i = 0; i < c->n_series; i++) {
            if (i != p) {
                draw_line(R, &c->series[i], r, CONTEXT, 0, 1, 0);
            }
        }
        if (c->series[p].lo != NULL) {
            draw_band(R, &c->series[p], r, chiso_plot__palette[0]);
        }
        draw_line(R, &c->series[p], r, hl ? HIGHLIGHT : chiso_plot__palette[0],
                  0, hl ? lw * 1.6 : lw, 1);
        break_rules(R, r, r->y, &c->series[p]);
        axes(R, r, 1, p % md->panel_cols == 0);
        tick_texts(R, &md->x, dx, dy);
        if (p % md->panel_cols == 0) {
            tick_texts(R, &md->y, dx, dy);
        }
        text(R, &md->panel_titles[p], hl ? HIGHLIGHT : INK);
    }
}

/* ---- bars ---------------------------------------------------------------- */

/* Bar groups take the palette without vermillion, which marks the
 * highlighted unit. */
static unsigned int
group_color(size_t g)
{
    static const unsigned char order[7] = {0, 2, 4, 5, 3, 6, 7};
    return chiso_plot__palette[order[g % 7]];
}

static void
render_bars(rnd *R)
{
    const chiso_plot_model *md = R->md;
    const chiso_chart *c = R->c;
    cairo_t *cr = R->cr;
    const chiso_plot_rect *r = &md->plot;
    size_t i;
    double x0 = mx(md, r, 0), th = md->row_h * 0.72;

    for (i = 0; i < c->n_bands; i++) {
        double a = fmax(mx(md, r, c->bands[i].from), r->x);
        double b = fmin(mx(md, r, c->bands[i].to), r->x + r->w);
        rgb(cr, i % 2 ? 0xE4E4E4 : 0xF1F1F1);
        cairo_rectangle(cr, a, md->n_marks ? md->marks[i].y : r->y, b - a,
                        r->y + r->h - (md->n_marks ? md->marks[i].y : r->y));
        cairo_fill(cr);
    }
    grid(R, r, 1, 0);
    for (i = 0; i < md->n_cats; i++) {
        const plot_bar *b = &c->bars[md->order[i]];
        double cy = r->y + ((double)i + 0.5) * md->row_h;
        double x1 = mx(md, r, b->value);
        int hl = chiso_plot__is_highlight(c, b->label);
        unsigned int col = b->group != (size_t)-1 ? group_color(b->group)
                                                  : chiso_plot__palette[0];
        chiso_plot_label v;
        char num[64];
        if (hl) {
            col = HIGHLIGHT;
        }
        rgb(cr, col);
        cairo_rectangle(cr, fmin(x0, x1), cy - th / 2, fabs(x1 - x0), th);
        cairo_fill_preserve(cr);
        if (hl) {
            rgb(cr, 0x000000);
            cairo_set_line_width(cr, 1.5);
            cairo_stroke(cr);
        } else {
            cairo_new_path(cr);
        }
        text(R, &md->cats[i], hl ? HIGHLIGHT : INK);
        if (md->cats[i].hidden) {
            continue;
        }
        /* value at the bar's end */
        chiso_chart_format_value(c, b->value, num, sizeof(num));
        memset(&v, 0, sizeof(v));
        v.text = num;
        v.size = md->cats[i].size;
        v.bold = hl;
        v.w = 1e4;
        v.h = md->cats[i].h;
        v.x = (b->value >= 0 ? x1 + R->base * 0.25 : x1 - R->base * 0.25 - 1e4);
        v.align = b->value >= 0 ? 0 : 2;
        v.y = cy - v.h / 2;
        text(R, &v, INK);
    }
    /* the zero line */
    rgb(cr, INK);
    cairo_set_line_width(cr, 1.2);
    vline(cr, floor(x0) + 0.5, r->y, r->y + r->h);
    cairo_stroke(cr);
    axes(R, r, 1, 0);
    tick_texts(R, &md->x, 0, 0);
    for (i = 0; i < md->n_marks; i++) {
        text(R, &md->marks[i], INK);
    }
    for (i = 0; i < md->legend.n; i++) {
        legend_item(R, i, SW_BOX, group_color(i), 0, 1);
    }
}

/* ---- rank intervals ------------------------------------------------------ */

static void
render_rank_interval(rnd *R)
{
    const chiso_plot_model *md = R->md;
    const chiso_chart *c = R->c;
    cairo_t *cr = R->cr;
    const chiso_plot_rect *r = &md->plot;
    size_t i;
    double lw = fmin(md->row_h * 0.35, R->base * 0.45);
    double mr = fmin(md->row_h * 0.36, R->base * 0.42);

    grid(R, r, 1, 0);
    for (i = 0; i < md->n_cats; i++) {
        const plot_interval *iv = &c->intervals[md->order[i]];
        double cy = r->y + ((double)i + 0.5) * md->row_h;
        int hl = chiso_plot__is_highlight(c, iv->unit);
        if (hl) {
            rgba(cr, HIGHLIGHT, 0.12);
            cairo_rectangle(cr, r->x, cy - md->row_h / 2, r->w, md->row_h);
            cairo_fill(cr);
        }
        rgba(cr, chiso_plot__palette[0], 0.55);
        cairo_set_line_width(cr, fmax(1, lw));
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        hline(cr, mx(md, r, iv->p5), mx(md, r, iv->p95), cy);
        cairo_stroke(cr);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        marker(cr, 0, mx(md, r, iv->median), cy, mr, 0x000000);
        open_diamond(cr, mx(md, r, iv->nominal), cy, mr, HIGHLIGHT);
        text(R, &md->cats[i], hl ? HIGHLIGHT : INK);
    }
    axes(R, r, 1, 0);
    tick_texts(R, &md->x, 0, 0);
    if (md->legend.n == 3) {
        legend_item(R, 0, SW_MARKER, HIGHLIGHT, -1, 1);
        legend_item(R, 1, SW_MARKER, 0x000000, 0, 1);
        legend_item(R, 2, SW_INTERVAL, 0x8FB8D8, 0, 1);
    }
}

/* ---- waterfall ------------------------------------------------------------ */

static void
render_waterfall(rnd *R)
{
    const chiso_plot_model *md = R->md;
    const chiso_chart *c = R->c;
    cairo_t *cr = R->cr;
    const chiso_plot_rect *r = &md->plot;
    size_t i, n = md->n_cats;
    double col_w = md->row_h, bw = col_w * 0.62, level = c->max, lost = 0;
    double d[2] = {3, 2};

    for (i = 0; i < c->n_bars; i++) {
        lost += c->bars[i].value;
    }
    grid(R, r, 0, 1);
    for (i = 0; i < n; i++) {
        double cx = r->x + ((double)i + 0.5) * col_w, top, bot;
        unsigned int col;
        char num[80];
        chiso_plot_label v;
        double val;
        if (i == 0) {
            top = c->max;
            bot = 0;
            col = chiso_plot__palette[0];
            val = c->max;
        } else if (i == n - 1) {
            top = c->max - lost;
            bot = 0;
            col = chiso_plot__palette[2];
            val = top;
        } else {
            top = level;
            bot = level - c->bars[i - 1].value;
            col = chiso_plot__palette[1];
            val = -c->bars[i - 1].value;
            level = bot;
        }
        rgb(cr, col);
        cairo_rectangle(cr, cx - bw / 2, my(md, r, top), bw,
                        fmax(my(md, r, bot) - my(md, r, top), 0.75));
        cairo_fill(cr);
        /* connector to the next bar at the running level */
        if (i + 1 < n) {
            double lv = i == 0 ? c->max : bot;
            cairo_set_line_width(cr, 1);
            cairo_set_dash(cr, d, 2, 0);
            rgb(cr, MUTED);
            hline(cr, cx + bw / 2, cx + col_w - bw / 2,
                  floor(my(md, r, lv)) + 0.5);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
        }
        chiso_chart_format_value(c, val, num, sizeof(num));
        memset(&v, 0, sizeof(v));
        v.text = num;
        v.size = R->base * 0.8;
        v.bold = i == 0 || i == n - 1;
        v.w = col_w;
        v.h = v.size * 1.25;
        v.align = 1;
        v.x = cx - col_w / 2;
        /* totals above their bar; losses under the floating bar */
        v.y = (i == 0 || i == n - 1) ? my(md, r, top) - v.h - 2
                                     : my(md, r, bot) + 2;
        text(R, &v, INK);
        text(R, &md->cats[i], INK);
    }
    axes(R, r, 0, 1);
    tick_texts(R, &md->y, 0, 0);
}

/* ---- scatter ------------------------------------------------------------- */

static void
render_scatter(rnd *R)
{
    const chiso_plot_model *md = R->md;
    const chiso_chart *c = R->c;
    cairo_t *cr = R->cr;
    const chiso_plot_rect *r = &md->plot;
    size_t i, hl = (size_t)-1;
    double pr = R->base * 0.36;

    grid(R, r, 1, 1);
    if (md->has_fit) {
        double xa = HUGE_VAL, xb = -HUGE_VAL;
        for (i = 0; i < c->n_points; i++) {
            xa = fmin(xa, c->points[i].x);
            xb = fmax(xb, c->points[i].x);
        }
        cairo_save(cr);
        cairo_rectangle(cr, r->x, r->y, r->w, r->h);
        cairo_clip(cr);
        rgb(cr, INK);
        cairo_set_line_width(cr, 1.6);
        cairo_move_to(cr, mx(md, r, xa), my(md, r, md->fit_a + md->fit_b * xa));
        cairo_line_to(cr, mx(md, r, xb), my(md, r, md->fit_a + md->fit_b * xb));
        cairo_stroke(cr);
        cairo_restore(cr);
    }
    for (i = 0; i < c->n_points; i++) {
        if (chiso_plot__is_highlight(c, c->points[i].label)) {
            hl = i;
            continue;
        }
        marker(cr, 0, mx(md, r, c->points[i].x), my(md, r, c->points[i].y), pr,
               chiso_plot__palette[0]);
    }
    if (hl != (size_t)-1) {
        marker(cr, 3, mx(md, r, c->points[hl].x), my(md, r, c->points[hl].y),
               pr * 1.5, HIGHLIGHT);
    }
    for (i = 0; i < md->n_marks; i++) {
        text(R, &md->marks[i], i == hl ? HIGHLIGHT : 0x444444);
    }
    axes(R, r, 1, 1);
    tick_texts(R, &md->x, 0, 0);
    tick_texts(R, &md->y, 0, 0);
    if (md->legend.n > 0) {
        legend_item(R, 0, SW_MARKER, chiso_plot__palette[0], 0, 1);
    }
    if (md->legend.n > 1) {
        legend_item(R, 1, SW_PLAIN, INK, 0, 1);
    }
}

/* ---- radar --------------------------------------------------------------- */

static void
render_radar(rnd *R)
{
    const chiso_plot_model *md = R->md;
    const chiso_chart *c = R->c;
    cairo_t *cr = R->cr;
    size_t na = c->cols.n, ns = c->rows.n, i, k, s;
    double cx = md->radar_cx, cy = md->radar_cy, rad = md->radar_r;

    cairo_set_line_width(cr, 1);
    for (k = 1; k <= 5; k++) {
        double rr = rad * (double)k / 5;
        for (i = 0; i <= na; i++) {
            double a =
                -PLOT_PI / 2 + 2 * PLOT_PI * (double)(i % na) / (double)na;
            if (i == 0) {
                cairo_move_to(cr, cx + rr * cos(a), cy + rr * sin(a));
            } else {
                cairo_line_to(cr, cx + rr * cos(a), cy + rr * sin(a));
            }
        }
        rgb(cr, k == 5 ? 0x999999 : GRID);
        cairo_stroke(cr);
    }
    for (i = 0; i < na; i++) {
        double a = -PLOT_PI / 2 + 2 * PLOT_PI * (double)i / (double)na;
        rgb(cr, 0xBBBBBB);
        cairo_move_to(cr, cx, cy);
        cairo_line_to(cr, cx + rad * cos(a), cy + rad * sin(a));
        cairo_stroke(cr);
    }
    for (s = 0; s < ns; s++) {
        unsigned int col = chiso_plot__palette[s % 8];
        double lw = fmax(1.8, R->base * 0.16);
        if (chiso_plot__is_highlight(c, c->rows.v[s])) {
            col = HIGHLIGHT;
            lw *= 1.6;
        }
        cairo_new_path(cr);
        for (i = 0; i < na; i++) {
            double a = -PLOT_PI / 2 + 2 * PLOT_PI * (double)i / (double)na;
            double v = c->cells[s * c->cells_cols_cap + i];
            cairo_line_to(cr, cx + rad * v * cos(a), cy + rad * v * sin(a));
        }
        cairo_close_path(cr);
        rgba(cr, col, ns == 1 ? 0.22 : 0.10);
        cairo_fill_preserve(cr);
        rgb(cr, col);
        cairo_set_line_width(cr, lw);
        set_dash(cr, (int)s, lw);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        for (i = 0; i < na; i++) {
            double a = -PLOT_PI / 2 + 2 * PLOT_PI * (double)i / (double)na;
            double v = c->cells[s * c->cells_cols_cap + i];
            marker(cr, (int)s, cx + rad * v * cos(a), cy + rad * v * sin(a),
                   lw * 1.7, col);
        }
    }
    rgb(cr, MUTED);
    for (i = 0; i < md->y.ticks.n; i++) {
        chiso_plot__text_draw(R->txt, cr, &md->y.tick_labels[i], 0, 0);
    }
    for (i = 0; i < md->n_cats; i++) {
        text(R, &md->cats[i], INK);
    }
    for (i = 0; i < md->legend.n; i++) {
        legend_item(R, i, SW_LINE,
                    chiso_plot__is_highlight(c, c->rows.v[i])
                        ? HIGHLIGHT
                        : chiso_plot__palette[i % 8],
                    (int)i, 1);
    }
}

/* ---- heatmap -------------------------------------------------------------- */

/* Viridis at five stops: perceptually uniform, readable by colour-blind
 * viewers, and monotone in lightness so it survives greyscale printing. */
static const double viridis[5][3] = {{0.267, 0.005, 0.329},
                                     {0.231, 0.322, 0.545},
                                     {0.129, 0.569, 0.549},
                                     {0.369, 0.788, 0.384},
                                     {0.992, 0.906, 0.145}};

static void
viridis_at(double t, double out[3])
{
    int k;
    double f;

    t = fmin(1, fmax(0, t)) * 4;
    k = (int)floor(t);
    if (k >= 4) {
        k = 3;
    }
    f = t - k;
    out[0] = viridis[k][0] + (viridis[k + 1][0] - viridis[k][0]) * f;
    out[1] = viridis[k][1] + (viridis[k + 1][1] - viridis[k][1]) * f;
    out[2] = viridis[k][2] + (viridis[k + 1][2] - viridis[k][2]) * f;
}

static void
render_heatmap(rnd *R)
{
    const chiso_plot_model *md = R->md;
    const chiso_chart *c = R->c;
    cairo_t *cr = R->cr;
    const chiso_plot_rect *r = &md->plot;
    size_t nr = c->rows.n, nc = c->cols.n, i, j;
    double cw = r->w / (double)nc, ch = md->row_h;
    double lo = md->color.ticks.lo, hi = md->color.ticks.hi;
    cairo_pattern_t *pat;

    for (i = 0; i < nr; i++) {
        for (j = 0; j < nc; j++) {
            size_t k = i * c->cells_cols_cap + j;
            double x = r->x + (double)j * cw, y = r->y + (double)i * ch;
            double v = c->cells[k], col[3];
            if (!c->cell_set[k] || isnan(v)) {
                double h;
                rgb(cr, 0xEEEEEE);
                cairo_rectangle(cr, x, y, cw, ch);
                cairo_fill(cr);
                cairo_save(cr);
                cairo_rectangle(cr, x, y, cw, ch);
                cairo_clip(cr);
                rgb(cr, 0xAAAAAA);
                cairo_set_line_width(cr, 1);
                for (h = -ch; h < cw; h += R->base * 0.5) {
                    cairo_move_to(cr, x + h, y + ch);
                    cairo_line_to(cr, x + h + ch, y);
                }
                cairo_stroke(cr);
                cairo_restore(cr);
                continue;
            }
            viridis_at((v - lo) / (hi - lo), col);
            cairo_set_source_rgb(cr, col[0], col[1], col[2]);
            cairo_rectangle(cr, x, y, cw, ch);
            cairo_fill(cr);
            if (md->cell_values) {
                char num[64];
                chiso_plot_label t;
                /* light text on the dark half of the scale */
                double lum =
                    0.2126 * col[0] + 0.7152 * col[1] + 0.0722 * col[2];
                chiso_chart_format_value(c, v, num, sizeof(num));
                memset(&t, 0, sizeof(t));
                t.text = num;
                t.size = md->cell_font;
                t.w = cw;
                t.h = t.size * 1.2;
                t.x = x;
                t.y = y + ch / 2 - t.h / 2 - t.size * 0.05;
                t.align = 1;
                text(R, &t, lum < 0.45 ? 0xFFFFFF : 0x000000);
            }
        }
    }
    /* white cell borders */
    rgb(cr, 0xFFFFFF);
    cairo_set_line_width(cr, 1);
    for (j = 1; j < nc; j++) {
        vline(cr, r->x + (double)j * cw, r->y, r->y + r->h);
    }
    for (i = 1; i < nr; i++) {
        hline(cr, r->x, r->x + r->w, r->y + (double)i * ch);
    }
    cairo_stroke(cr);
    for (i = 0; i < nr; i++) {
        if (chiso_plot__is_highlight(c, c->rows.v[i])) {
            rgb(cr, 0x000000);
            cairo_set_line_width(cr, 2.5);
            cairo_rectangle(cr, r->x + 1.25, r->y + (double)i * ch + 1.25,
                            r->w - 2.5, ch - 2.5);
            cairo_stroke(cr);
        }
        text(R, &md->cats[i],
             chiso_plot__is_highlight(c, c->rows.v[i]) ? HIGHLIGHT : INK);
    }
    for (j = 0; j < md->n_cols; j++) {
        text(R, &md->cols[j], INK);
    }
    /* colour scale */
    pat = cairo_pattern_create_linear(0, md->color_bar.y + md->color_bar.h, 0,
                                      md->color_bar.y);
    for (i = 0; i < 5; i++) {
        cairo_pattern_add_color_stop_rgb(pat, (double)i / 4, viridis[i][0],
                                         viridis[i][1], viridis[i][2]);
    }
    cairo_set_source(cr, pat);
    cairo_rectangle(cr, md->color_bar.x, md->color_bar.y, md->color_bar.w,
                    md->color_bar.h);
    cairo_fill(cr);
    cairo_pattern_destroy(pat);
    rgb(cr, INK);
    cairo_set_line_width(cr, 1);
    for (i = 0; i < md->color.ticks.n; i++) {
        double f = (md->color.ticks.v[i] - lo) / (hi - lo);
        double y = floor(md->color_bar.y + md->color_bar.h * (1 - f)) + 0.5;
        hline(cr, md->color_bar.x + md->color_bar.w,
              md->color_bar.x + md->color_bar.w + R->base * 0.25, y);
    }
    cairo_stroke(cr);
    tick_texts(R, &md->color, 0, 0);
}

/* ---- entry points -------------------------------------------------------- */

static chiso_status
render_with(cairo_t *cr,
            const chiso_chart *chart,
            const chiso_plot_model *md,
            plot_text *txt,
            chiso_diag *diag)
{
    rnd R;
    cairo_status_t cs;

    if (chart->kind != md->kind) {
        return chiso_diag_set(diag, CHISO_EINVAL, NULL, 0, 0,
                              "model and chart are of different kinds");
    }
    R.cr = cr;
    R.c = chart;
    R.md = md;
    R.txt = txt;
    R.base = md->font_size;
    cairo_save(cr);
    /* geometry with cairo's 4x4-sample rasteriser: on raster surfaces it
     * halves the drawing time of lines and shapes, and at chart sizes the
     * edges look the same (text keeps its own grey antialiasing); vector
     * surfaces ignore it */
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_FAST);
    cairo_set_tolerance(cr, 0.5);
    rgb(cr, 0xFFFFFF);
    cairo_paint(cr);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    header_footer(&R);
    switch (chart->kind) {
    case CHISO_PLOT_TREND:
        render_trend(&R);
        break;
    case CHISO_PLOT_SMALL_MULTIPLES:
        render_small_multiples(&R);
        break;
    case CHISO_PLOT_BARS:
        render_bars(&R);
        break;
    case CHISO_PLOT_RANK_INTERVAL:
        render_rank_interval(&R);
        break;
    case CHISO_PLOT_WATERFALL:
        render_waterfall(&R);
        break;
    case CHISO_PLOT_SCATTER:
        render_scatter(&R);
        break;
    case CHISO_PLOT_RADAR:
        render_radar(&R);
        break;
    case CHISO_PLOT_HEATMAP:
        render_heatmap(&R);
        break;
    }
    cairo_restore(cr);
    cs = cairo_status(cr);
    if (cs != CAIRO_STATUS_SUCCESS) {
        return chiso_diag_set(diag, CHISO_EIO, NULL, 0, 0, "drawing failed: %s",
                              cairo_status_to_string(cs));
    }
    return CHISO_OK;
}

chiso_status
chiso_plot_render(cairo_t *cr,
                  const chiso_chart *chart,
                  const chiso_plot_model *md,
                  chiso_diag *diag)
{
    plot_text *txt;
    chiso_status st = chiso_plot__text_new(&txt, cr);

    if (st != CHISO_OK) {
        return chiso_diag_set(diag, st, NULL, 0, 0, "out of memory");
    }
    st = render_with(cr, chart, md, txt, diag);
    chiso_plot__text_free(txt);
    return st;
}

chiso_status
chiso_plot__draw_keep(cairo_t *cr,
                      const chiso_chart *chart,
                      double width,
                      double height,
                      chiso_plot_model **keep,
                      chiso_diag *diag)
{
    plot_text *txt;
    chiso_plot_measure m;
    chiso_plot_model *md = NULL;
    chiso_status st = chiso_plot__text_new(&txt, cr);

    if (keep != NULL) {
        *keep = NULL;
    }
    if (st != CHISO_OK) {
        return chiso_diag_set(diag, st, NULL, 0, 0, "out of memory");
    }
    chiso_plot__text_measure(txt, &m);
    st = chiso_plot_layout(&md, chart, width, height, &m, diag);
    if (st == CHISO_OK) {
        st = render_with(cr, chart, md, txt, diag);
    }
    if (st == CHISO_OK && keep != NULL) {
        *keep = md;
        md = NULL;
    }
    chiso_plot_model_free(md);
    chiso_plot__text_free(txt);
    return st;
}

chiso_status
chiso_plot_draw(cairo_t *cr,
                const chiso_chart *chart,
                double width,
                double height,
                chiso_diag *diag)
{
    return chiso_plot__draw_keep(cr, chart, width, height, NULL, diag);
}

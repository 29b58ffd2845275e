/*
 * layout.c - the chart model: from data, a canvas size and a text
 * measurer to every position the renderer needs.
 *
 * The canvas is carved from the outside in: title and subtitle take the
 * top, the source footer and any honesty note the bottom, the legend sits
 * above the footer, then axis titles and tick labels take their margins
 * and what is left is the data rectangle. Sizes scale with the canvas
 * (a 1200 x 800 chart has 14-unit body text) and never fall below
 * readable minimums. All decisions (zero baseline, break marks, hidden
 * labels, cut labels) are recorded in the model so tests can check them.
 */
#include "chiso_plot.h"
#include "plots_int.h"
#include "render_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A trend axis is pulled down to zero when its data minimum is within
 * this fraction of the maximum: the extra white space costs little. */
#define ZERO_PULL_FRACTION 0.3
/* Labels of at most this many scatter points are considered. */
#define MAX_POINT_LABELS 80
/* A trend's value axis spans at least this fraction of the values'
 * magnitude: a change of 0.4 on 85 does not fill the height. */
#define MIN_SPAN_FRACTION 0.1
/* Whole-number x over fewer than this many units gets one tick each. */
#define SHORT_SPAN_YEARS 16

typedef struct lay {
    chiso_plot_model *md;
    const chiso_chart *c;
    const chiso_plot_measure *m;
    chiso_diag *diag;
    double base, pad;
    double top, bottom, left, right; /* the free region */
    /* x ticks from the caller's labels: tick k is label xt_idx[k] */
    size_t xt_idx[CHISO_PLOT_MAX_TICKS];
} lay;

static double
lh(const lay *L, double size)
{
    return L->m->line_height(L->m->ctx, size);
}

static double
tw(const lay *L, const char *s, double size, int bold)
{
    size_t n = strlen(s);
    return n == 0 ? 0 : L->m->text_width(L->m->ctx, s, n, size, bold);
}

static chiso_status
fit(const lay *L,
    chiso_plot_label *out,
    const char *text,
    double size,
    int bold,
    double max_w,
    int max_lines)
{
    free(out->text);
    out->text = NULL;
    return chiso_plot_fit_text(L->m, text, size, bold, max_w, max_lines, out);
}

static chiso_status
labels_alloc(chiso_plot_label **out, size_t n)
{
    *out = calloc(n ? n : 1, sizeof(**out));
    return *out != NULL ? CHISO_OK : CHISO_ENOMEM;
}

static void
labels_free(chiso_plot_label *v, size_t n)
{
    size_t i;

    for (i = 0; v != NULL && i < n; i++) {
        free(v[i].text);
    }
    free(v);
}

void
chiso_plot_model_free(chiso_plot_model *md)
{
    if (md == NULL) {
        return;
    }
    free(md->title.text);
    free(md->subtitle.text);
    free(md->footer.text);
    free(md->note.text);
    free(md->x_title.text);
    free(md->y_title.text);
    labels_free(md->x.tick_labels, md->x.ticks.n);
    labels_free(md->y.tick_labels, md->y.ticks.n);
    labels_free(md->color.tick_labels, md->color.ticks.n);
    chiso_plot_legend_clear(&md->legend);
    labels_free(md->cats, md->n_cats);
    free(md->order);
    labels_free(md->cols, md->n_cols);
    labels_free(md->marks, md->n_marks);
    free(md->mark_x);
    free(md->panels);
    labels_free(md->panel_titles, md->n_panels);
    free(md);
}

/* ---- shared steps ------------------------------------------------------- */

static chiso_status
do_header(lay *L)
{
    chiso_plot_model *md = L->md;
    const chiso_chart *c = L->c;
    double w = md->width - 2 * L->pad;
    chiso_status st;

    st = fit(L, &md->title, c->text[CHISO_PLOT_TITLE], L->base * 1.5, 1, w, 2);
    if (st != CHISO_OK) {
        return st;
    }
    md->title.x = L->pad;
    md->title.y = L->top;
    if (md->title.n_lines > 0) {
        L->top += md->title.h + L->base * 0.25;
    }
    st = fit(L, &md->subtitle, c->text[CHISO_PLOT_SUBTITLE], L->base * 1.05, 0,
             w, 2);
    if (st != CHISO_OK) {
        return st;
    }
    md->subtitle.x = L->pad;
    md->subtitle.y = L->top;
    if (md->subtitle.n_lines > 0) {
        L->top += md->subtitle.h;
    }
    L->top += L->base * 0.8;
    return CHISO_OK;
}

/* Footer ("Nguồn: …") and the honesty note, bottom up. */
static chiso_status
do_footer(lay *L, const char *note)
{
    chiso_plot_model *md = L->md;
    const chiso_chart *c = L->c;
    double w = md->width - 2 * L->pad;
    chiso_buf b = CHISO_BUF_INIT;
    chiso_status st = CHISO_OK;

    if (c->text[CHISO_PLOT_SOURCE] != NULL) {
        if (chiso_buf_printf(&b, "%s: %s", chiso_plot__msg(c, "Source"),
                             c->text[CHISO_PLOT_SOURCE]) != CHISO_OK) {
            return CHISO_ENOMEM;
        }
    }
    st = fit(L, &md->footer, b.data != NULL ? b.data : "", L->base * 0.8, 0, w,
             2);
    chiso_buf_free(&b);
    if (st != CHISO_OK) {
        return st;
    }
    md->footer.x = L->pad;
    if (md->footer.n_lines > 0) {
        md->footer.y = L->bottom - md->footer.h;
        L->bottom = md->footer.y - L->base * 0.2;
    }
    st = fit(L, &md->note, note != NULL ? note : "", L->base * 0.8, 0, w, 2);
    if (st != CHISO_OK) {
        return st;
    }
    md->note.x = L->pad;
    if (md->note.n_lines > 0) {
        md->note.y = L->bottom - md->note.h;
        L->bottom = md->note.y - L->base * 0.2;
    }
    L->bottom -= L->base * 0.4;
    return CHISO_OK;
}

static chiso_status
do_legend(lay *L, const char *const *labels, size_t n)
{
    chiso_plot_model *md = L->md;
    chiso_status st;

    if (n == 0) {
        return CHISO_OK;
    }
    st = chiso_plot_legend_layout(L->m, labels, n, L->base * 0.9,
                                  md->width - 2 * L->pad, 4, &md->legend);
    if (st != CHISO_OK) {
        return st;
    }
    md->legend.x = (md->width - md->legend.w) / 2;
    md->legend.y = L->bottom - md->legend.h;
    L->bottom = md->legend.y - L->base * 0.6;
    return CHISO_OK;
}

/* Formatted tick labels of an axis (positions set later). */
static chiso_status
tick_labels(lay *L, chiso_plot_axis *ax, double size)
{
    size_t i;
    char num[96];
    chiso_status st;

    labels_free(ax->tick_labels, 0);
    st = labels_alloc(&ax->tick_labels, ax->ticks.n);
    if (st != CHISO_OK) {
        return st;
    }
    for (i = 0; i < ax->ticks.n; i++) {
        const char *text = num;
        if (ax->caller_labels) {
            text = L->c->xt_text[L->xt_idx[i]];
        } else {
            chiso_plot_format_number(ax->ticks.v[i],
                                     ax->integers ? 0 : ax->ticks.decimals,
                                     L->c->numfmt, num, sizeof(num));
        }
        st = fit(L, &ax->tick_labels[i], text, size, 0, 1e9, 1);
        if (st != CHISO_OK) {
            return st;
        }
    }
    return CHISO_OK;
}

static double
max_label_w(const chiso_plot_label *v, size_t n)
{
    double w = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (v[i].w > w) {
            w = v[i].w;
        }
    }
    return w;
}

static double
map_x(const chiso_plot_model *md, double v)
{
    const chiso_plot_ticks *t = &md->x.ticks;
    return md->plot.x + (v - t->lo) / (t->hi - t->lo) * md->plot.w;
}

static double
map_y(const chiso_plot_model *md, double v)
{
    return md->plot.y + md->plot.h - chiso_plot__yfrac(&md->y, v) * md->plot.h;
}

/* Place x tick labels under a data rect and thin them. */
static chiso_status
place_x_ticks(lay *L, const chiso_plot_rect *r)
{
    chiso_plot_model *md = L->md;
    chiso_plot_axis *ax = &md->x;
    double pos[CHISO_PLOT_MAX_TICKS], len[CHISO_PLOT_MAX_TICKS];
    unsigned char hide[CHISO_PLOT_MAX_TICKS];
    size_t i;

    for (i = 0; i < ax->ticks.n; i++) {
        chiso_plot_label *t = &ax->tick_labels[i];
        double cx = r->x + (ax->ticks.v[i] - ax->ticks.lo) /
                               (ax->ticks.hi - ax->ticks.lo) * r->w;
        t->x = cx - t->w / 2;
        t->y = r->y + r->h + md->tick_len + L->base * 0.15;
        t->align = 1;
        pos[i] = cx;
        len[i] = t->w;
        /* ticks outside the drawn domain are not labelled */
        t->hidden = ax->ticks.v[i] < ax->ticks.lo - 1e-9 * fabs(ax->ticks.lo) ||
                    ax->ticks.v[i] > ax->ticks.hi + 1e-9 * fabs(ax->ticks.hi);
    }
    if (ax->caller_labels) {
        /* the caller's labels (periods): the latest is always labelled,
         * then back to the first, each kept when clear of the last kept */
        size_t last = ax->ticks.n;
        for (i = ax->ticks.n; i-- > 0;) {
            hide[i] = 1;
            if (ax->tick_labels[i].hidden) {
                continue;
            }
            if (last == ax->ticks.n ||
                pos[last] - pos[i] >=
                    (len[last] + len[i]) / 2 + L->base * 0.6) {
                hide[i] = 0;
                last = i;
            }
        }
    } else {
        chiso_plot_thin_labels(pos, len, ax->ticks.n, L->base * 0.6, hide);
    }
    for (i = 0; i < ax->ticks.n; i++) {
        ax->tick_labels[i].hidden |= hide[i];
    }
    return CHISO_OK;
}

static chiso_status
place_y_ticks(lay *L, const chiso_plot_rect *r)
{
    chiso_plot_model *md = L->md;
    chiso_plot_axis *ax = &md->y;
    double pos[CHISO_PLOT_MAX_TICKS], len[CHISO_PLOT_MAX_TICKS];
    unsigned char hide[CHISO_PLOT_MAX_TICKS];
    size_t i;

    for (i = 0; i < ax->ticks.n; i++) {
        chiso_plot_label *t = &ax->tick_labels[i];
        double cy = r->y + r->h - chiso_plot__yfrac(ax, ax->ticks.v[i]) * r->h;
        t->x = r->x - md->tick_len - L->base * 0.3 - t->w;
        t->y = cy - t->h / 2;
        t->align = 2;
        pos[i] = cy;
        len[i] = t->h;
    }
    chiso_plot_thin_labels(pos, len, ax->ticks.n, L->base * 0.2, hide);
    for (i = 0; i < ax->ticks.n; i++) {
        ax->tick_labels[i].hidden = hide[i];
    }
    return CHISO_OK;
}

/* Axis titles: x title under everything at the bottom, y title vertical
 * at the left. Reserves their space. */
static chiso_status
axis_titles(lay *L, const char *xt, const char *yt)
{
    chiso_plot_model *md = L->md;
    chiso_status st;
    double size = L->base * 0.95;

    st = fit(L, &md->x_title, xt != NULL ? xt : "", size, 0, L->right - L->left,
             1);
    if (st != CHISO_OK) {
        return st;
    }
    if (md->x_title.n_lines > 0) {
        md->x_title.y = L->bottom - md->x_title.h;
        md->x_title.align = 1;
        L->bottom = md->x_title.y - L->base * 0.3;
    }
    st = fit(L, &md->y_title, yt != NULL ? yt : "", size, 0, L->bottom - L->top,
             1);
    if (st != CHISO_OK) {
        return st;
    }
    if (md->y_title.n_lines > 0) {
        md->y_title.vertical = 1;
        md->y_title.align = 1;
        md->y_title.x = L->left;
        L->left += md->y_title.h + L->base * 0.4;
    }
    return CHISO_OK;
}

/* After the plot rect is known: centre the axis titles on it. */
static void
centre_axis_titles(chiso_plot_model *md)
{
    if (md->x_title.n_lines > 0) {
        md->x_title.x = md->plot.x + (md->plot.w - md->x_title.w) / 2;
    }
    if (md->y_title.n_lines > 0) {
        /* rotated box: its width on the canvas is the text height */
        double len = md->y_title.w;
        md->y_title.w = md->y_title.h;
        md->y_title.h = len;
        md->y_title.y = md->plot.y + (md->plot.h - len) / 2;
    }
}

/* ---- trend and small multiples ---------------------------------------- */

static chiso_status
series_domains(lay *L,
               int *all_int,
               double *xmin,
               double *xmax,
               double *ymin,
               double *ymax)
{
    const chiso_chart *c = L->c;
    size_t i, j, n_fin = 0;

    *all_int = 1;
    *xmin = HUGE_VAL;
    *xmax = -HUGE_VAL;
    *ymin = HUGE_VAL;
    *ymax = -HUGE_VAL;
    if (c->n_series == 0) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "the chart has no series to draw");
    }
    for (i = 0; i < c->n_series; i++) {
        const plot_series *s = &c->series[i];
        size_t fin = 0;
        for (j = 0; j < s->n; j++) {
            double x = s->x[j];
            *xmin = fmin(*xmin, x);
            *xmax = fmax(*xmax, x);
            if (fabs(x - floor(x)) > 0) {
                *all_int = 0;
            }
            if (!isnan(s->y[j])) {
                *ymin = fmin(*ymin, s->y[j]);
                *ymax = fmax(*ymax, s->y[j]);
                fin++;
            }
            if (s->lo != NULL && !isnan(s->lo[j])) {
                *ymin = fmin(*ymin, s->lo[j]);
                *ymax = fmax(*ymax, s->hi[j]);
            }
        }
        if (fin == 0) {
            return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                                  "series '%s' has no value to draw", s->name);
        }
        n_fin += fin;
    }
    (void)n_fin;
    return CHISO_OK;
}

/* y domain of a trend: zero when close enough, else flagged as broken;
 * never narrower than MIN_SPAN_FRACTION of the values' magnitude, so a
 * small change does not fill the height. Rank series get a rank axis. */
static chiso_status
trend_y_axis(lay *L, double ymin, double ymax, int target)
{
    chiso_plot_model *md = L->md;
    const chiso_chart *c = L->c;
    double mag = fmax(fabs(ymin), fabs(ymax)), span = ymax - ymin;

    if (c->rank_axis) {
        long n = 1;
        size_t i, j;
        for (i = 0; i < c->n_series; i++) {
            for (j = 0; j < c->series[i].n; j++) {
                if (!isnan(c->series[i].y[j]) && c->series[i].rank_of[j] > n) {
                    n = c->series[i].rank_of[j];
                }
            }
        }
        if (chiso_plot_rank_ticks(n, target + 1, &md->y.ticks) != CHISO_OK) {
            return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                                  "ranks span a range that cannot be drawn");
        }
        md->y.integers = 1;
        md->y.inverted = 1;
        md->y.starts_at_zero = 1; /* a rank axis starts at rank 1 */
        md->y_broken = 0;
        return CHISO_OK;
    }
    if (span > 0 && span < MIN_SPAN_FRACTION * mag) {
        double mid = (ymin + ymax) / 2, half = MIN_SPAN_FRACTION * mag / 2;
        int nonneg = ymin >= 0, nonpos = ymax <= 0;
        ymin = mid - half;
        ymax = mid + half;
        if (nonneg && ymin < 0) {
            ymax -= ymin;
            ymin = 0;
        } else if (nonpos && ymax > 0) {
            ymin -= ymax;
            ymax = 0;
        }
    }
    if (ymin >= 0 && ymin <= ymax * ZERO_PULL_FRACTION) {
        ymin = 0;
    } else if (ymax <= 0 && ymax >= ymin * ZERO_PULL_FRACTION) {
        ymax = 0;
    }
    if (chiso_plot_nice_ticks(ymin, ymax, target, 0, &md->y.ticks) !=
        CHISO_OK) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "values span a range that cannot be drawn");
    }
    md->y.starts_at_zero = md->y.ticks.lo <= 0 && md->y.ticks.hi >= 0;
    md->y_broken = !md->y.starts_at_zero;
    return CHISO_OK;
}

/* x axis of a trend. Whole-number x (years) over a short span get one
 * tick per whole number in the span, so one point at 2023 has the single
 * tick 2023 and two years have two ticks; a longer span gets nice integer
 * ticks. The domain is the data plus a margin so end markers do not sit
 * on the frame (ticks outside it are not labelled). */
static chiso_status
trend_x_axis(lay *L, int all_int, double xmin, double xmax)
{
    chiso_plot_model *md = L->md;
    const chiso_chart *c = L->c;
    double pad, span = xmax - xmin;

    if (c->n_xt > 0) {
        /* the caller's ticks: at most CHISO_PLOT_MAX_TICKS of them, every
         * k-th counting back from the last */
        chiso_plot_ticks *t = &md->x.ticks;
        size_t k = (c->n_xt + CHISO_PLOT_MAX_TICKS - 1) / CHISO_PLOT_MAX_TICKS;
        size_t i, n = 0, first = (c->n_xt - 1) % k;
        double gap = HUGE_VAL;
        memset(t, 0, sizeof(*t));
        for (i = first; i < c->n_xt && n < CHISO_PLOT_MAX_TICKS; i += k) {
            L->xt_idx[n] = i;
            t->v[n++] = c->xt_v[i];
        }
        t->n = n;
        t->step = 0;
        for (i = 1; i < c->n_xt; i++) {
            gap = fmin(gap, c->xt_v[i] - c->xt_v[i - 1]);
        }
        xmin = fmin(xmin, c->xt_v[0]);
        xmax = fmax(xmax, c->xt_v[c->n_xt - 1]);
        span = xmax - xmin;
        pad = isfinite(gap) ? gap / 2 : 0.5;
        if (span > 0) {
            pad = fmin(pad, span * 0.25);
        }
        md->x.integers = 0;
        md->x.caller_labels = 1;
        md->x.ticks.lo = xmin - pad;
        md->x.ticks.hi = xmax + pad;
        md->x.starts_at_zero = md->x.ticks.lo <= 0 && md->x.ticks.hi >= 0;
        return CHISO_OK;
    }
    md->x.integers = all_int;
    if (all_int && span < SHORT_SPAN_YEARS && fabs(xmin) < 1e9 &&
        fabs(xmax) < 1e9) {
        chiso_plot_ticks *t = &md->x.ticks;
        size_t k = 0;
        double v;
        memset(t, 0, sizeof(*t));
        for (v = xmin; v <= xmax && k < CHISO_PLOT_MAX_TICKS; v += 1) {
            t->v[k++] = v;
        }
        t->n = k;
        t->step = 1;
        t->decimals = 0;
    } else if (chiso_plot_nice_ticks(xmin, xmax, 10, all_int, &md->x.ticks) !=
               CHISO_OK) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "x values span a range that cannot be drawn");
    }
    pad = span * 0.03;
    if (all_int) {
        pad = fmax(pad, fmin(0.5, span * 0.25));
    }
    if (!(pad > 0)) {
        pad = all_int ? 1 : fmax(fabs(xmin) * 0.1, 1);
    }
    md->x.ticks.lo = xmin - pad;
    md->x.ticks.hi = xmax + pad;
    md->x.starts_at_zero = md->x.ticks.lo <= 0 && md->x.ticks.hi >= 0;
    return CHISO_OK;
}

/* The totals ranks are out of, when there is more than one: "61, 63"
 * into note (appended). */
static chiso_status
rank_totals_note(lay *L, chiso_buf *note)
{
    const chiso_chart *c = L->c;
    long totals[8];
    size_t n = 0, i, j, k;
    chiso_buf list = CHISO_BUF_INIT;
    chiso_status st = CHISO_OK;

    if (!c->rank_axis) {
        return CHISO_OK;
    }
    for (i = 0; i < c->n_series; i++) {
        for (j = 0; j < c->series[i].n; j++) {
            long t = c->series[i].rank_of[j];
            if (isnan(c->series[i].y[j])) {
                continue;
            }
            for (k = 0; k < n && totals[k] != t; k++) {
            }
            if (k == n && n < 8) {
                /* insertion in ascending order */
                while (k > 0 && totals[k - 1] > t) {
                    totals[k] = totals[k - 1];
                    k--;
                }
                totals[k] = t;
                n++;
            }
        }
    }
    if (n < 2) {
        return CHISO_OK;
    }
    for (k = 0; k < n && st == CHISO_OK; k++) {
        st = chiso_buf_printf(&list, "%s%ld", k ? ", " : "", totals[k]);
    }
    if (st == CHISO_OK) {
        st = chiso_buf_printf(note, "%s", note->len ? " " : "");
    }
    if (st == CHISO_OK) {
        st = chiso_buf_printf(
            note,
            chiso_plot__msg(c, "Ranks are out of different totals (%s); no "
                               "line joins two ranks out of different "
                               "totals."),
            list.data);
    }
    chiso_buf_free(&list);
    return st;
}

static const char *
not_zero_note(const chiso_chart *c)
{
    return chiso_plot__msg(
        c, "The vertical axis does not start at zero (// mark at "
           "its foot).");
}

static chiso_status
layout_trend(lay *L)
{
    chiso_plot_model *md = L->md;
    const chiso_chart *c = L->c;
    double xmin, xmax, ymin, ymax, strip = 0, msize = L->base * 0.8, lastr;
    int all_int;
    size_t i, n_leg = 0;
    const char *leg[PLOT_MAX_SERIES + 2];
    chiso_buf note = CHISO_BUF_INIT;
    chiso_status st;

    st = series_domains(L, &all_int, &xmin, &xmax, &ymin, &ymax);
    if (st != CHISO_OK) {
        return st;
    }
    st = trend_x_axis(L, all_int, xmin, xmax);
    if (st == CHISO_OK) {
        st = trend_y_axis(L, ymin, ymax, 7);
    }
    if (st != CHISO_OK) {
        return st;
    }
    if (md->y_broken && chiso_buf_puts(&note, not_zero_note(c)) != CHISO_OK) {
        return CHISO_ENOMEM;
    }
    st = rank_totals_note(L, &note);
    if (st == CHISO_OK) {
        st = do_footer(L, note.data);
    }
    chiso_buf_free(&note);
    if (st != CHISO_OK) {
        return st;
    }
    for (i = 0; i < c->n_series; i++) {
        leg[n_leg++] = c->series[i].name;
    }
    if (chiso_plot__has_bands(c)) {
        leg[n_leg++] = c->text[CHISO_PLOT_BAND_LABEL] != NULL
                           ? c->text[CHISO_PLOT_BAND_LABEL]
                           : chiso_plot__msg(c, "Confidence band");
    }
    if (chiso_plot__has_derived(c)) {
        leg[n_leg++] =
            c->rank_axis
                ? chiso_plot__msg(c, "Hollow: rank computed, not published")
                : chiso_plot__msg(c, "Hollow: value computed, not published");
    }
    st = do_legend(L, leg, n_leg);
    if (st == CHISO_OK) {
        st = axis_titles(L, c->text[CHISO_PLOT_X_LABEL],
                         c->text[CHISO_PLOT_Y_LABEL] == NULL && c->rank_axis
                             ? chiso_plot__msg(c, "Rank (1 = best)")
                             : c->text[CHISO_PLOT_Y_LABEL]);
    }
    if (st == CHISO_OK) {
        st = tick_labels(L, &md->x, L->base * 0.85);
    }
    if (st == CHISO_OK) {
        st = tick_labels(L, &md->y, L->base * 0.85);
    }
    if (st != CHISO_OK) {
        return st;
    }
    /* break labels get a strip above the data */
    if (c->n_breaks > 0) {
        strip = 2 * lh(L, msize) + L->base * 0.4;
    }
    md->plot.x = L->left + max_label_w(md->y.tick_labels, md->y.ticks.n) +
                 md->tick_len + L->base * 0.4;
    md->plot.y = L->top + strip;
    md->plot.w =
        L->right - md->plot.x - md->x.tick_labels[md->x.ticks.n - 1].w / 2;
    md->plot.h = L->bottom - md->plot.y - md->x.tick_labels[0].h -
                 md->tick_len - L->base * 0.3;
    if (md->plot.w < 20 || md->plot.h < 20) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "the chart is too small for its texts");
    }
    place_x_ticks(L, &md->plot);
    place_y_ticks(L, &md->plot);
    centre_axis_titles(md);
    /* breaks: rule position and label, shifted right on collision */
    md->n_marks = c->n_breaks;
    if (c->n_breaks > 0) {
        st = labels_alloc(&md->marks, c->n_breaks);
        if (st != CHISO_OK) {
            return st;
        }
        md->mark_x = calloc(c->n_breaks, sizeof(double));
        if (md->mark_x == NULL) {
            return CHISO_ENOMEM;
        }
    }
    lastr = -HUGE_VAL;
    for (i = 0; i < c->n_breaks; i++) {
        chiso_plot_label *mk = &md->marks[i];
        const char *text = c->breaks[i].label != NULL
                               ? c->breaks[i].label
                               : chiso_plot__msg(c, "Methodology change");
        double rx;
        size_t j;
        int same = 0;
        md->mark_x[i] = chiso_plot__break_rule_x(c, c->breaks[i].x);
        rx = map_x(md, md->mark_x[i]);
        /* breaks of several series at one x share one rule: one label */
        for (j = 0; j < i; j++) {
            same |= !(c->breaks[j].x < c->breaks[i].x) &&
                    !(c->breaks[j].x > c->breaks[i].x);
        }
        st = fit(L, mk, same ? "" : text, msize, 0,
                 fmin(md->plot.w * 0.45, L->base * 20), 2);
        if (st != CHISO_OK) {
            return st;
        }
        if (same) {
            mk->hidden = 1;
            continue;
        }
        mk->align = 1;
        mk->x = rx - mk->w / 2;
        mk->x = fmax(mk->x, md->plot.x);
        mk->x = fmin(mk->x, md->plot.x + md->plot.w - mk->w);
        if (mk->x < lastr + L->base * 0.5) {
            mk->x = lastr + L->base * 0.5;
        }
        mk->y = md->plot.y - strip + L->base * 0.1;
        if (mk->x + mk->w > md->plot.x + md->plot.w + L->pad * 0.5 ||
            rx < md->plot.x || rx > md->plot.x + md->plot.w) {
            mk->hidden = 1;
        } else {
            lastr = mk->x + mk->w;
        }
    }
    return CHISO_OK;
}

static chiso_status
layout_small_multiples(lay *L)
{
    chiso_plot_model *md = L->md;
    const chiso_chart *c = L->c;
    double xmin, xmax, ymin, ymax, gx, gy, title_h, gw, gh, ylab_w, xlab_h;
    double best = HUGE_VAL, pw, ph;
    int all_int;
    size_t i, cols = 1, rows, k, n = c->n_series;
    chiso_buf note = CHISO_BUF_INIT;
    chiso_status st;

    st = series_domains(L, &all_int, &xmin, &xmax, &ymin, &ymax);
    if (st != CHISO_OK) {
        return st;
    }
    st = trend_x_axis(L, all_int, xmin, xmax);
    if (st == CHISO_OK) {
        st = trend_y_axis(L, ymin, ymax, 5);
    }
    if (st != CHISO_OK) {
        return st;
    }
    st = chiso_buf_puts(&note,
                        chiso_plot__msg(c, "All panels share one scale."));
    if (st == CHISO_OK && md->y_broken) {
        st = chiso_buf_printf(&note, " %s", not_zero_note(c));
    }
    for (i = 0; st == CHISO_OK && i < c->n_breaks; i++) {
        char num[64];
        const char *at = chiso_chart_x_tick_label(c, c->breaks[i].x);
        if (at != NULL) {
            chiso_textf(num, sizeof(num), "%s", at);
        } else {
            chiso_plot_format_number(c->breaks[i].x, md->x.integers ? 0 : 2,
                                     c->numfmt, num, sizeof(num));
        }
        st = chiso_buf_printf(&note, " %s %s: %s.",
                              chiso_plot__msg(c, "Dashed rule before"), num,
                              c->breaks[i].label != NULL
                                  ? c->breaks[i].label
                                  : chiso_plot__msg(c, "methodology change"));
    }
    if (st != CHISO_OK) {
        chiso_buf_free(&note);
        return CHISO_ENOMEM;
    }
    st = rank_totals_note(L, &note);
    if (st == CHISO_OK) {
        st = do_footer(L, note.data);
    }
    chiso_buf_free(&note);
    if (st == CHISO_OK) {
        st = axis_titles(L, c->text[CHISO_PLOT_X_LABEL],
                         c->text[CHISO_PLOT_Y_LABEL] == NULL && c->rank_axis
                             ? chiso_plot__msg(c, "Rank (1 = best)")
                             : c->text[CHISO_PLOT_Y_LABEL]);
    }
    if (st == CHISO_OK) {
        st = tick_labels(L, &md->x, L->base * 0.75);
    }
    if (st == CHISO_OK) {
        st = tick_labels(L, &md->y, L->base * 0.75);
    }
    if (st != CHISO_OK) {
        return st;
    }
    ylab_w = max_label_w(md->y.tick_labels, md->y.ticks.n) + md->tick_len +
             L->base * 0.4;
    xlab_h = md->x.tick_labels[0].h + md->tick_len + L->base * 0.3;
    title_h = lh(L, L->base * 0.9) + L->base * 0.2;
    gx = L->base * 1.2;
    gy = L->base * 0.6;
    gw = L->right - L->left - ylab_w;
    if (md->x.caller_labels) {
        /* the last period's label is centred on its tick, near the edge */
        gw -= md->x.tick_labels[md->x.ticks.n - 1].w / 2;
    }
    gh = L->bottom - L->top;
    /* the grid whose panels come closest to a 3:2 aspect */
    for (k = 1; k <= n; k++) {
        size_t r = (n + k - 1) / k;
        double w = (gw - (double)(k - 1) * gx) / (double)k;
        double h =
            (gh - (double)r * (title_h + xlab_h) - (double)(r - 1) * gy) /
            (double)r;
        double score = h > 0 && w > 0 ? fabs(log((w / h) / 1.5)) : HUGE_VAL;
        if (score < best) {
            best = score;
            cols = k;
        }
    }
    rows = (n + cols - 1) / cols;
    pw = (gw - (double)(cols - 1) * gx) / (double)cols;
    ph = (gh - (double)rows * (title_h + xlab_h) - (double)(rows - 1) * gy) /
         (double)rows;
    if (pw < 30 || ph < 20) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "the chart is too small for %zu panels", n);
    }
    md->n_panels = n;
    md->panel_cols = cols;
    md->panel_rows = rows;
    md->panels = calloc(n, sizeof(*md->panels));
    st = labels_alloc(&md->panel_titles, n);
    if (md->panels == NULL || st != CHISO_OK) {
        return CHISO_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        chiso_plot_rect *p = &md->panels[i];
        chiso_plot_label *t = &md->panel_titles[i];
        p->x = L->left + ylab_w + (double)(i % cols) * (pw + gx);
        p->y = L->top + title_h +
               (double)(i / cols) * (title_h + ph + xlab_h + gy);
        p->w = pw;
        p->h = ph;
        st = fit(L, t, c->series[i].name, L->base * 0.9, 1, pw, 1);
        if (st != CHISO_OK) {
            return st;
        }
        t->x = p->x;
        t->y = p->y - title_h;
    }
    md->plot.x = L->left + ylab_w;
    md->plot.y = L->top;
    md->plot.w = gw;
    md->plot.h = gh;
    /* tick labels are placed for panel 0; the renderer translates them */
    place_x_ticks(L, &md->panels[0]);
    place_y_ticks(L, &md->panels[0]);
    {
        chiso_plot_rect save = md->plot;
        md->plot = (chiso_plot_rect){md->plot.x, md->plot.y, gw, gh};
        centre_axis_titles(md);
        md->plot = save;
    }
    return CHISO_OK;
}

/* ---- bars and rank intervals (horizontal rows) ------------------------- */

typedef struct sort_item {
    double key1, key2;
    size_t index;
} sort_item;

static int
cmp_items(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;

    if (x->key1 < y->key1 || x->key1 > y->key1) {
        return x->key1 < y->key1 ? -1 : 1;
    }
    if (x->key2 < y->key2 || x->key2 > y->key2) {
        return x->key2 < y->key2 ? -1 : 1;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Category rows: font size from the row height, labels fitted to max_w,
 * thinned if the rows are too dense even at the smallest size. */
static chiso_status
layout_rows(
    lay *L, const char *const *texts, size_t n, double max_w, const int *bold)
{
    chiso_plot_model *md = L->md;
    double size, lh1 = lh(L, 1.0), pos_dummy;
    size_t i;
    chiso_status st;

    (void)pos_dummy;
    md->row_h = md->plot.h / (double)n;
    size = fmin(L->base * 0.9, md->row_h * 0.92 / lh1);
    if (size < 6) {
        size = 6;
    }
    md->n_cats = n;
    st = labels_alloc(&md->cats, n);
    if (st != CHISO_OK) {
        return st;
    }
    for (i = 0; i < n; i++) {
        st = fit(L, &md->cats[i], texts[i], size, bold != NULL && bold[i],
                 max_w, 1);
        if (st != CHISO_OK) {
            return st;
        }
    }
    return CHISO_OK;
}

static void
place_rows(lay *L)
{
    chiso_plot_model *md = L->md;
    double *pos, *len;
    unsigned char *hide;
    size_t i, n = md->n_cats;

    pos = calloc(n, sizeof(*pos));
    len = calloc(n, sizeof(*len));
    hide = calloc(n, 1);
    for (i = 0; i < n; i++) {
        chiso_plot_label *t = &md->cats[i];
        double cy = md->plot.y + ((double)i + 0.5) * md->row_h;
        t->x = md->plot.x - L->base * 0.4 - t->w;
        t->y = cy - t->h / 2;
        t->align = 2;
        if (pos != NULL && len != NULL) {
            pos[i] = cy;
            len[i] = t->h;
        }
    }
    if (pos != NULL && len != NULL && hide != NULL) {
        chiso_plot_thin_labels(pos, len, n, 0, hide);
        /* the highlighted unit (bold) keeps its label: its neighbours
         * that would touch it give way */
        for (i = 0; i < n; i++) {
            size_t j;
            if (!md->cats[i].bold) {
                continue;
            }
            hide[i] = 0;
            for (j = i; j-- > 0 && pos[i] - pos[j] < (len[i] + len[j]) / 2;) {
                hide[j] = 1;
            }
            for (j = i + 1; j < n && pos[j] - pos[i] < (len[i] + len[j]) / 2;
                 j++) {
                hide[j] = 1;
            }
        }
        for (i = 0; i < n; i++) {
            md->cats[i].hidden = hide[i];
        }
    }
    free(pos);
    free(len);
    free(hide);
}

int
chiso_plot__value_decimals(double x)
{
    if (fabs(x * 10 - floor(x * 10 + 0.5)) > 1e-9 * fmax(1, fabs(x))) {
        return 2;
    }
    if (fabs(x - floor(x + 0.5)) > 1e-9 * fmax(1, fabs(x))) {
        return 1;
    }
    return 0;
}

static chiso_status
layout_bars(lay *L)
{
    chiso_plot_model *md = L->md;
    const chiso_chart *c = L->c;
    size_t n = c->n_bars, i;
    sort_item *it = NULL;
    char **texts = NULL;
    int *bold = NULL;
    double vmin = 0, vmax = 0, vw = 0, strip = 0, msize = L->base * 0.8;
    int any_rank = 0;
    chiso_status st = CHISO_OK;

    if (n == 0) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "the chart has no bars to draw");
    }
    for (i = 0; i < n; i++) {
        vmin = fmin(vmin, c->bars[i].value);
        vmax = fmax(vmax, c->bars[i].value);
    }
    for (i = 0; i < c->n_bands; i++) {
        vmin = fmin(vmin, c->bands[i].from);
        vmax = fmax(vmax, c->bands[i].to);
    }
    /* bars start at zero: 0 is always inside the domain */
    if (chiso_plot_nice_ticks(vmin, vmax, 8, 0, &md->x.ticks) != CHISO_OK) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "values span a range that cannot be drawn");
    }
    md->x.starts_at_zero = 1;
    it = calloc(n, sizeof(*it));
    texts = calloc(n, sizeof(*texts));
    bold = calloc(n, sizeof(*bold));
    md->order = calloc(n, sizeof(*md->order));
    if (it == NULL || texts == NULL || bold == NULL || md->order == NULL) {
        st = CHISO_ENOMEM;
        goto out;
    }
    for (i = 0; i < n; i++) {
        it[i].key1 = -c->bars[i].value; /* largest first */
        it[i].index = i;
    }
    qsort(it, n, sizeof(*it), cmp_items);
    for (i = 0; i < n; i++) {
        const plot_bar *b = &c->bars[it[i].index];
        chiso_buf t = CHISO_BUF_INIT;
        md->order[i] = it[i].index;
        /* a bar's position is never written as a rank: only the
         * published one, out of the number ranked */
        if ((b->rank > 0 ? chiso_buf_printf(&t, "%s (%ld/%ld)", b->label,
                                            b->rank, b->rank_of)
                         : chiso_buf_puts(&t, b->label)) != CHISO_OK) {
            chiso_buf_free(&t);
            st = CHISO_ENOMEM;
            goto out;
        }
        texts[i] = t.data;
        bold[i] = chiso_plot__is_highlight(c, b->label);
        any_rank |= b->rank > 0;
    }
    st = do_footer(L, !any_rank ? NULL
                      : c->text[CHISO_PLOT_RANK_NOTE] != NULL
                          ? c->text[CHISO_PLOT_RANK_NOTE]
                          : chiso_plot__msg(c, "In brackets: the published "
                                               "rank out of the number "
                                               "ranked."));
    if (st == CHISO_OK) {
        st = do_legend(L, (const char *const *)c->groups.v, c->groups.n);
    }
    if (st == CHISO_OK) {
        st = axis_titles(L, c->text[CHISO_PLOT_X_LABEL],
                         c->text[CHISO_PLOT_Y_LABEL]);
    }
    if (st == CHISO_OK) {
        st = tick_labels(L, &md->x, L->base * 0.85);
    }
    if (st != CHISO_OK) {
        goto out;
    }
    if (c->n_bands > 0) {
        strip = 2 * lh(L, msize) + L->base * 0.3;
    }
    md->plot.y = L->top + strip;
    md->plot.h = L->bottom - md->plot.y - md->x.tick_labels[0].h -
                 md->tick_len - L->base * 0.3;
    if (md->plot.h < 20) {
        st = chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                            "the chart is too small for its texts");
        goto out;
    }
    md->plot.x = 0;
    st = layout_rows(L, (const char *const *)texts, n,
                     (L->right - L->left) * 0.3, bold);
    if (st != CHISO_OK) {
        goto out;
    }
    /* value labels at the bar ends need room on the right: the widest
     * of the largest and the smallest value (digits are equally wide) */
    {
        char num[64];
        double lo = HUGE_VAL, hi = -HUGE_VAL;
        for (i = 0; i < n; i++) {
            lo = fmin(lo, c->bars[i].value);
            hi = fmax(hi, c->bars[i].value);
        }
        chiso_chart_format_value(c, hi, num, sizeof(num));
        vw = tw(L, num, md->cats[0].size, 1);
        chiso_chart_format_value(c, lo, num, sizeof(num));
        vw = fmax(vw, tw(L, num, md->cats[0].size, 1));
    }
    md->plot.x = L->left + max_label_w(md->cats, n) + L->base * 0.4;
    md->plot.w = L->right - md->plot.x - vw - L->base * 0.4;
    if (md->plot.w < 40) {
        st = chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                            "the chart is too narrow for its labels");
        goto out;
    }
    place_rows(L);
    place_x_ticks(L, &md->plot);
    centre_axis_titles(md);
    /* band labels in the strip above the bars */
    md->n_marks = c->n_bands;
    if (c->n_bands > 0) {
        st = labels_alloc(&md->marks, c->n_bands);
        if (st != CHISO_OK) {
            goto out;
        }
    }
    for (i = 0; i < c->n_bands; i++) {
        double x0 = fmax(map_x(md, c->bands[i].from), md->plot.x);
        double x1 = fmin(map_x(md, c->bands[i].to), md->plot.x + md->plot.w);
        chiso_plot_label *mk = &md->marks[i];
        st = fit(L, mk, c->bands[i].label ? c->bands[i].label : "", msize, 0,
                 fmax(x1 - x0 - 4, 1), 2);
        if (st != CHISO_OK) {
            goto out;
        }
        mk->align = 1;
        mk->x = (x0 + x1) / 2 - mk->w / 2;
        mk->y = md->plot.y - strip + L->base * 0.1;
    }
out:
    for (i = 0; texts != NULL && i < n; i++) {
        free(texts[i]);
    }
    free(texts);
    free(bold);
    free(it);
    return st;
}

static chiso_status
layout_rank_interval(lay *L)
{
    chiso_plot_model *md = L->md;
    const chiso_chart *c = L->c;
    size_t n = c->n_intervals, i;
    sort_item *it = NULL;
    const char **texts = NULL;
    int *bold = NULL;
    double rmax = 1;
    const char *leg[3];
    chiso_status st = CHISO_OK;

    if (n == 0) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "the chart has no units to draw");
    }
    for (i = 0; i < n; i++) {
        rmax = fmax(rmax, fmax(c->intervals[i].p95, c->intervals[i].nominal));
    }
    md->x.integers = 1;
    if (chiso_plot_nice_ticks(1, rmax, 10, 1, &md->x.ticks) != CHISO_OK) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "ranks span a range that cannot be drawn");
    }
    /* rank 1 is the first tick; there is no rank 0 */
    if (md->x.ticks.v[0] < 1) {
        md->x.ticks.v[0] = 1;
    }
    md->x.ticks.lo = 0.5;
    md->x.ticks.hi = fmax(md->x.ticks.v[md->x.ticks.n - 1], rmax) + 0.5;
    it = calloc(n, sizeof(*it));
    texts = calloc(n, sizeof(*texts));
    bold = calloc(n, sizeof(*bold));
    md->order = calloc(n, sizeof(*md->order));
    if (it == NULL || texts == NULL || bold == NULL || md->order == NULL) {
        st = CHISO_ENOMEM;
        goto out;
    }
    for (i = 0; i < n; i++) {
        it[i].key1 = c->intervals[i].median;
        it[i].key2 = c->intervals[i].nominal;
        it[i].index = i;
    }
    qsort(it, n, sizeof(*it), cmp_items);
    for (i = 0; i < n; i++) {
        md->order[i] = it[i].index;
        texts[i] = c->intervals[it[i].index].unit;
        bold[i] = chiso_plot__is_highlight(c, texts[i]);
    }
    leg[0] = chiso_plot__msg(c, "Published rank");
    leg[1] = chiso_plot__msg(c, "Simulated median");
    leg[2] = chiso_plot__msg(c, "5–95% interval");
    st = do_footer(L, NULL);
    if (st == CHISO_OK) {
        st = do_legend(L, leg, 3);
    }
    if (st == CHISO_OK) {
        st = axis_titles(L,
                         c->text[CHISO_PLOT_X_LABEL] != NULL
                             ? c->text[CHISO_PLOT_X_LABEL]
                             : chiso_plot__msg(c, "Rank (1 = best)"),
                         c->text[CHISO_PLOT_Y_LABEL]);
    }
    if (st == CHISO_OK) {
        st = tick_labels(L, &md->x, L->base * 0.85);
    }
    if (st != CHISO_OK) {
        goto out;
    }
    md->plot.y = L->top;
    md->plot.h = L->bottom - md->plot.y - md->x.tick_labels[0].h -
                 md->tick_len - L->base * 0.3;
    if (md->plot.h < 20) {
        st = chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                            "the chart is too small for its texts");
        goto out;
    }
    st = layout_rows(L, texts, n, (L->right - L->left) * 0.3, bold);
    if (st != CHISO_OK) {
        goto out;
    }
    md->plot.x = L->left + max_label_w(md->cats, n) + L->base * 0.4;
    md->plot.w = L->right - md->plot.x - L->base * 0.5;
    place_rows(L);
    place_x_ticks(L, &md->plot);
    centre_axis_titles(md);
out:
    free(texts);
    free(bold);
    free(it);
    return st;
}

/* ---- waterfall ----------------------------------------------------------- */

static chiso_status
layout_waterfall(lay *L)
{
    chiso_plot_model *md = L->md;
    const chiso_chart *c = L->c;
    size_t n = c->n_bars + 2, i;
    double lost = 0, col_w, cat_h = 0;
    chiso_status st;

    if (c->n_bars == 0) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "the chart has no steps to draw");
    }
    if (!c->has_max) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "a waterfall needs the maximum score");
    }
    for (i = 0; i < c->n_bars; i++) {
        lost += c->bars[i].value;
    }
    if (lost > c->max * (1 + 1e-12)) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "points lost (%g) exceed the maximum (%g)", lost,
                              c->max);
    }
    if (chiso_plot_nice_ticks(0, c->max, 7, 0, &md->y.ticks) != CHISO_OK) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "the maximum cannot be drawn");
    }
    md->y.starts_at_zero = 1;
    st = do_footer(L, NULL);
    if (st == CHISO_OK) {
        st = axis_titles(L, c->text[CHISO_PLOT_X_LABEL],
                         c->text[CHISO_PLOT_Y_LABEL] != NULL
                             ? c->text[CHISO_PLOT_Y_LABEL]
                             : chiso_plot__msg(c, "Points"));
    }
    if (st == CHISO_OK) {
        st = tick_labels(L, &md->y, L->base * 0.85);
    }
    if (st != CHISO_OK) {
        return st;
    }
    md->plot.x = L->left + max_label_w(md->y.tick_labels, md->y.ticks.n) +
                 md->tick_len + L->base * 0.4;
    md->plot.w = L->right - md->plot.x;
    col_w = md->plot.w / (double)n;
    md->n_cats = n;
    st = labels_alloc(&md->cats, n);
    if (st != CHISO_OK) {
        return st;
    }
    for (i = 0; i < n; i++) {
        const char *t = i == 0       ? chiso_plot__msg(c, "Maximum")
                        : i == n - 1 ? chiso_plot__msg(c, "Achieved")
                                     : c->bars[i - 1].label;
        st = fit(L, &md->cats[i], t, L->base * 0.8, i == 0 || i == n - 1,
                 col_w * 0.94, 3);
        if (st != CHISO_OK) {
            return st;
        }
        cat_h = fmax(cat_h, md->cats[i].h);
    }
    md->plot.y = L->top + lh(L, L->base * 0.8); /* room for value labels */
    md->plot.h = L->bottom - md->plot.y - cat_h - md->tick_len - L->base * 0.3;
    if (md->plot.h < 40) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "the chart is too small for its texts");
    }
    for (i = 0; i < n; i++) {
        chiso_plot_label *t = &md->cats[i];
        t->align = 1;
        t->x = md->plot.x + ((double)i + 0.5) * col_w - t->w / 2;
        t->y = md->plot.y + md->plot.h + md->tick_len + L->base * 0.15;
    }
    md->row_h = col_w;
    place_y_ticks(L, &md->plot);
    centre_axis_titles(md);
    return CHISO_OK;
}

/* ---- scatter ------------------------------------------------------------ */

static chiso_status
layout_scatter(lay *L)
{
    chiso_plot_model *md = L->md;
    const chiso_chart *c = L->c;
    size_t n = c->n_points, i, k;
    double *xs = NULL, *ys = NULL, xmin = HUGE_VAL, xmax = -HUGE_VAL;
    double ymin = HUGE_VAL, ymax = -HUGE_VAL;
    char fitlab[256], na[64], nb[64], nr[64];
    const char *leg[2];
    size_t n_leg = 0;
    chiso_buf note = CHISO_BUF_INIT;
    chiso_status st = CHISO_OK;

    if (n == 0) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "the chart has no points to draw");
    }
    xs = malloc(n * sizeof(*xs));
    ys = malloc(n * sizeof(*ys));
    if (xs == NULL || ys == NULL) {
        st = CHISO_ENOMEM;
        goto out;
    }
    for (i = 0; i < n; i++) {
        xs[i] = c->points[i].x;
        ys[i] = c->points[i].y;
        xmin = fmin(xmin, xs[i]);
        xmax = fmax(xmax, xs[i]);
        ymin = fmin(ymin, ys[i]);
        ymax = fmax(ymax, ys[i]);
    }
    md->has_fit = chiso_plot_fit_line(xs, ys, n, &md->fit_a, &md->fit_b,
                                      &md->fit_r) == CHISO_OK;
    if (chiso_plot_nice_ticks(xmin, xmax, 8, 0, &md->x.ticks) != CHISO_OK ||
        chiso_plot_nice_ticks(ymin, ymax, 7, 0, &md->y.ticks) != CHISO_OK) {
        st = chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                            "values span a range that cannot be drawn");
        goto out;
    }
    md->x.starts_at_zero = md->x.ticks.lo <= 0 && md->x.ticks.hi >= 0;
    md->y.starts_at_zero = md->y.ticks.lo <= 0 && md->y.ticks.hi >= 0;
    if (!md->x.starts_at_zero || !md->y.starts_at_zero) {
        st =
            chiso_buf_puts(&note, chiso_plot__msg(c, "The axes do not start at "
                                                     "zero."));
    }
    if (st == CHISO_OK && !md->has_fit) {
        st = chiso_buf_printf(
            &note, "%s%s", note.len ? " " : "",
            chiso_plot__msg(c, "No fitted line: it needs at least "
                               "3 points that vary."));
    }
    if (st != CHISO_OK) {
        goto out;
    }
    st = do_footer(L, note.data);
    if (st != CHISO_OK) {
        goto out;
    }
    leg[n_leg++] = chiso_plot__msg(c, "Units");
    if (md->has_fit) {
        int d = 2;
        chiso_plot_format_number(fabs(md->fit_b), d, c->numfmt, nb, sizeof(nb));
        chiso_plot_format_number(fabs(md->fit_a), d, c->numfmt, na, sizeof(na));
        chiso_plot_format_number(md->fit_r, 2, c->numfmt, nr, sizeof(nr));
        snprintf(fitlab, sizeof(fitlab), "%s: y = %s%sx %s %s; r = %s; n = %zu",
                 chiso_plot__msg(c, "Least-squares line"),
                 md->fit_b < 0 ? "−" : "", nb, md->fit_a < 0 ? "−" : "+", na,
                 nr, n);
        leg[n_leg++] = fitlab;
    }
    st = do_legend(L, leg, n_leg);
    if (st == CHISO_OK) {
        st = axis_titles(L, c->text[CHISO_PLOT_X_LABEL],
                         c->text[CHISO_PLOT_Y_LABEL]);
    }
    if (st == CHISO_OK) {
        st = tick_labels(L, &md->x, L->base * 0.85);
    }
    if (st == CHISO_OK) {
        st = tick_labels(L, &md->y, L->base * 0.85);
    }
    if (st != CHISO_OK) {
        goto out;
    }
    md->plot.x = L->left + max_label_w(md->y.tick_labels, md->y.ticks.n) +
                 md->tick_len + L->base * 0.4;
    md->plot.y = L->top;
    md->plot.w =
        L->right - md->plot.x - md->x.tick_labels[md->x.ticks.n - 1].w / 2;
    md->plot.h = L->bottom - md->plot.y - md->x.tick_labels[0].h -
                 md->tick_len - L->base * 0.3;
    if (md->plot.w < 40 || md->plot.h < 40) {
        st = chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                            "the chart is too small for its texts");
        goto out;
    }
    place_x_ticks(L, &md->plot);
    place_y_ticks(L, &md->plot);
    centre_axis_titles(md);
    /* point labels: the highlighted unit first, then as many as fit */
    md->n_marks = n;
    st = labels_alloc(&md->marks, n);
    if (st != CHISO_OK) {
        goto out;
    }
    {
        /* the fitted line is an obstacle too: sample it as label-less
         * points spaced by the label offset */
        double off = L->base * 0.55, xa = xmin, xb = xmax;
        size_t n_line = md->has_fit ? (size_t)(md->plot.w / off) + 2 : 0;
        size_t nt = n + n_line;
        double *px = calloc(nt, sizeof(double)),
               *py = calloc(nt, sizeof(double));
        double *w = calloc(nt, sizeof(double)), *h = calloc(nt, sizeof(double));
        double *lx = calloc(nt, sizeof(double)),
               *ly = calloc(nt, sizeof(double));
        int *prio = calloc(nt, sizeof(int));
        unsigned char *hide = calloc(nt, 1);
        double bounds[4] = {md->plot.x, md->plot.y, md->plot.w, md->plot.h};
        size_t n_lab = 0;
        if (px == NULL || py == NULL || w == NULL || h == NULL || lx == NULL ||
            ly == NULL || prio == NULL || hide == NULL) {
            st = CHISO_ENOMEM;
        }
        for (i = 0; st == CHISO_OK && i < n; i++) {
            const plot_point *p = &c->points[i];
            int hl = chiso_plot__is_highlight(c, p->label);
            px[i] = map_x(md, p->x);
            py[i] = map_y(md, p->y);
            prio[i] = hl;
            if (p->label != NULL && (hl || n_lab < MAX_POINT_LABELS)) {
                st = fit(L, &md->marks[i], p->label, L->base * 0.75, hl,
                         L->base * 12, 1);
                n_lab += !hl;
                w[i] = md->marks[i].w;
                h[i] = md->marks[i].h;
            } else {
                st = fit(L, &md->marks[i], "", L->base * 0.75, 0, 1, 1);
                w[i] = 0;
                h[i] = 0;
            }
        }
        for (k = 0; st == CHISO_OK && k < n_line; k++) {
            double xv = xa + (xb - xa) * (double)k / (double)(n_line - 1);
            px[n + k] = map_x(md, xv);
            py[n + k] = map_y(md, md->fit_a + md->fit_b * xv);
        }
        if (st == CHISO_OK) {
            st = chiso_plot_place_point_labels(px, py, w, h, prio, nt, off,
                                               bounds, lx, ly, hide);
            for (k = 0; st == CHISO_OK && k < n; k++) {
                md->marks[k].x = lx[k];
                md->marks[k].y = ly[k];
                md->marks[k].hidden = hide[k] || md->marks[k].n_lines == 0;
            }
        }
        free(px);
        free(py);
        free(w);
        free(h);
        free(lx);
        free(ly);
        free(prio);
        free(hide);
    }
out:
    chiso_buf_free(&note);
    free(xs);
    free(ys);
    return st;
}

/* ---- radar -------------------------------------------------------------- */

static chiso_status
layout_radar(lay *L)
{
    chiso_plot_model *md = L->md;
    const chiso_chart *c = L->c;
    size_t na = c->cols.n, ns = c->rows.n, i, r;
    double lab_w, lab_h = 0, lab_wmax = 0, cx, cy, rad, size = L->base * 0.85;
    chiso_status st;

    if (na < 3) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "a radar needs at least 3 axes, got %zu", na);
    }
    for (r = 0; r < ns; r++) {
        for (i = 0; i < na; i++) {
            if (!c->cell_set[r * c->cells_cols_cap + i]) {
                return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                                      "series '%s' has no value for axis "
                                      "'%s'",
                                      c->rows.v[r][0] ? c->rows.v[r] : "-",
                                      c->cols.v[i]);
            }
        }
    }
    /* rings at 0, 20, ..., 100 % of each axis maximum */
    md->y.ticks.n = 6;
    md->y.ticks.lo = 0;
    md->y.ticks.hi = 100;
    md->y.ticks.step = 20;
    for (i = 0; i < 6; i++) {
        md->y.ticks.v[i] = (double)i * 20;
    }
    md->y.starts_at_zero = 1;
    st = do_footer(L,
                   chiso_plot__msg(c, "Each axis is a percentage of the area's "
                                      "maximum."));
    if (st == CHISO_OK && (ns > 1 || c->rows.v[0][0] != '\0')) {
        st = do_legend(L, (const char *const *)c->rows.v, ns);
    }
    if (st != CHISO_OK) {
        return st;
    }
    st = labels_alloc(&md->y.tick_labels, 6);
    for (i = 0; st == CHISO_OK && i < 6; i++) {
        char num[32];
        snprintf(num, sizeof(num), "%d%%", (int)i * 20);
        st = fit(L, &md->y.tick_labels[i], num, L->base * 0.7, 0, 1e9, 1);
    }
    if (st != CHISO_OK) {
        return st;
    }
    lab_w = (L->right - L->left) * 0.22;
    md->n_cats = na;
    st = labels_alloc(&md->cats, na);
    for (i = 0; st == CHISO_OK && i < na; i++) {
        chiso_buf t = CHISO_BUF_INIT;
        if (ns == 1) {
            char num[64];
            chiso_chart_format_value(c, c->cells[i] * 100, num, sizeof(num));
            st = chiso_buf_printf(&t, "%s\n%s%%", c->cols.v[i], num);
        } else {
            st = chiso_buf_puts(&t, c->cols.v[i]);
        }
        if (st == CHISO_OK) {
            /* a name on up to 2 lines, the value on its own line */
            chiso_plot_label *lb = &md->cats[i];
            st = fit(L, lb, c->cols.v[i], size, 0, lab_w, 2);
            if (st == CHISO_OK && ns == 1) {
                chiso_buf both = CHISO_BUF_INIT;
                const char *nl = strchr(t.data, '\n');
                st = chiso_buf_printf(&both, "%s\n%s", lb->text, nl + 1);
                if (st == CHISO_OK) {
                    double vw = tw(L, nl + 1, size, 1);
                    free(lb->text);
                    lb->text = both.data;
                    lb->n_lines += 1;
                    lb->h += lh(L, size);
                    lb->w = fmax(lb->w, vw);
                } else {
                    chiso_buf_free(&both);
                }
            }
        }
        chiso_buf_free(&t);
        if (st == CHISO_OK) {
            lab_wmax = fmax(lab_wmax, md->cats[i].w);
            lab_h = fmax(lab_h, md->cats[i].h);
        }
    }
    if (st != CHISO_OK) {
        return st;
    }
    cx = (L->left + L->right) / 2;
    cy = (L->top + L->bottom) / 2;
    rad = fmin((L->right - L->left) / 2 - lab_wmax - L->base * 0.6,
               (L->bottom - L->top) / 2 - lab_h - L->base * 0.4);
    if (rad < 30) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "the chart is too small for its texts");
    }
    md->radar_cx = cx;
    md->radar_cy = cy;
    md->radar_r = rad;
    md->plot = (chiso_plot_rect){cx - rad, cy - rad, 2 * rad, 2 * rad};
    for (i = 0; i < na; i++) {
        /* axis 0 points up; clockwise */
        double ang = -PLOT_PI / 2 + 2 * PLOT_PI * (double)i / (double)na;
        double ca = cos(ang), sa = sin(ang);
        double ax = cx + (rad + L->base * 0.5) * ca;
        double ay = cy + (rad + L->base * 0.5) * sa;
        chiso_plot_label *lb = &md->cats[i];
        lb->align = ca > 0.2 ? 0 : ca < -0.2 ? 2 : 1;
        lb->x = lb->align == 0   ? ax
                : lb->align == 2 ? ax - lb->w
                                 : ax - lb->w / 2;
        lb->y = sa > 0.2 ? ay : sa < -0.2 ? ay - lb->h : ay - lb->h / 2;
    }
    for (i = 0; i < 6; i++) {
        chiso_plot_label *t = &md->y.tick_labels[i];
        /* ring labels along the bisector of the first two spokes, clear of
         * the axis labels */
        double a = -PLOT_PI / 2 + PLOT_PI / (double)na;
        double rr = rad * (double)i / 5;
        t->x = cx + rr * cos(a) + L->base * 0.2;
        t->y = cy + rr * sin(a) - t->h;
        t->hidden = i == 0;
    }
    return CHISO_OK;
}

/* ---- heatmap ------------------------------------------------------------ */

static chiso_status
layout_heatmap(lay *L)
{
    chiso_plot_model *md = L->md;
    const chiso_chart *c = L->c;
    size_t nr = c->rows.n, nc = c->cols.n, i, j;
    double vmin = HUGE_VAL, vmax = -HUGE_VAL, col_w, colh = 0, bar_w;
    double csize = L->base * 0.8, label_w;
    int any = 0, *bold = NULL;
    chiso_status st;

    if (nr == 0 || nc == 0) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "the chart has no cells to draw");
    }
    for (i = 0; i < nr; i++) {
        for (j = 0; j < nc; j++) {
            size_t k = i * c->cells_cols_cap + j;
            double v = c->cells[k];
            if (!c->cell_set[k] || isnan(v)) {
                md->has_missing = 1;
                continue;
            }
            any = 1;
            vmin = fmin(vmin, v);
            vmax = fmax(vmax, v);
        }
    }
    if (!any) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "the heatmap has no value to draw");
    }
    if (chiso_plot_nice_ticks(vmin, vmax, 6, 0, &md->color.ticks) != CHISO_OK) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "values span a range that cannot be drawn");
    }
    md->color.starts_at_zero = md->color.ticks.lo <= 0;
    st = do_footer(L, md->has_missing
                          ? chiso_plot__msg(c, "Hatched cells: no data.")
                          : NULL);
    if (st == CHISO_OK) {
        st = tick_labels(L, &md->color, L->base * 0.8);
    }
    if (st != CHISO_OK) {
        return st;
    }
    /* colour bar on the right */
    bar_w = L->base * 1.1;
    md->color_bar.w = bar_w;
    md->color_bar.x = L->right -
                      max_label_w(md->color.tick_labels, md->color.ticks.n) -
                      L->base * 0.5 - bar_w;
    bold = calloc(nr, sizeof(*bold));
    if (bold == NULL) {
        return CHISO_ENOMEM;
    }
    for (i = 0; i < nr; i++) {
        bold[i] = chiso_plot__is_highlight(c, c->rows.v[i]);
    }
    label_w = (L->right - L->left) * 0.25;
    /* provisional plot height for the row font size */
    md->plot.h = L->bottom - L->top;
    md->plot.y = L->top;
    st = layout_rows(L, (const char *const *)c->rows.v, nr, label_w, bold);
    free(bold);
    if (st != CHISO_OK) {
        return st;
    }
    md->plot.x = L->left + max_label_w(md->cats, nr) + L->base * 0.4;
    md->plot.w = md->color_bar.x - L->base * 1.2 - md->plot.x;
    if (md->plot.w < 40) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "the chart is too narrow for its labels");
    }
    col_w = md->plot.w / (double)nc;
    md->n_cols = nc;
    st = labels_alloc(&md->cols, nc);
    for (j = 0; st == CHISO_OK && j < nc; j++) {
        st = fit(L, &md->cols[j], c->cols.v[j], csize, 0, col_w * 0.94, 3);
        colh = fmax(colh, md->cols[j].h);
    }
    if (st != CHISO_OK) {
        return st;
    }
    md->plot.y = L->top + colh + L->base * 0.3;
    md->plot.h = L->bottom - md->plot.y;
    if (md->plot.h < 20) {
        return chiso_diag_set(L->diag, CHISO_EDATA, NULL, 0, 0,
                              "the chart is too small for its texts");
    }
    /* rows again, now that the final height is known */
    labels_free(md->cats, md->n_cats);
    md->cats = NULL;
    bold = calloc(nr, sizeof(*bold));
    if (bold == NULL) {
        return CHISO_ENOMEM;
    }
    for (i = 0; i < nr; i++) {
        bold[i] = chiso_plot__is_highlight(c, c->rows.v[i]);
    }
    st = layout_rows(L, (const char *const *)c->rows.v, nr,
                     md->plot.x - L->base * 0.4 - L->left, bold);
    free(bold);
    if (st != CHISO_OK) {
        return st;
    }
    place_rows(L);
    for (j = 0; j < nc; j++) {
        chiso_plot_label *t = &md->cols[j];
        t->align = 1;
        t->x = md->plot.x + ((double)j + 0.5) * col_w - t->w / 2;
        t->y = md->plot.y - L->base * 0.3 - t->h;
    }
    /* values inside cells when the widest one fits: the smallest and the
     * largest value are the longest to write (digits are equally wide) */
    {
        double cs = fmin(L->base * 0.8, md->row_h * 0.6 / lh(L, 1.0));
        double wmax;
        char num[64];
        chiso_chart_format_value(c, vmin, num, sizeof(num));
        wmax = tw(L, num, cs, 0);
        chiso_chart_format_value(c, vmax, num, sizeof(num));
        wmax = fmax(wmax, tw(L, num, cs, 0));
        md->cell_font = cs;
        md->cell_values = cs >= 6 && wmax <= col_w * 0.9;
    }
    md->color_bar.y = md->plot.y;
    md->color_bar.h = fmin(md->plot.h, L->base * 22);
    for (i = 0; i < md->color.ticks.n; i++) {
        chiso_plot_label *t = &md->color.tick_labels[i];
        double f = (md->color.ticks.v[i] - md->color.ticks.lo) /
                   (md->color.ticks.hi - md->color.ticks.lo);
        t->x = md->color_bar.x + bar_w + L->base * 0.3;
        t->y = md->color_bar.y + md->color_bar.h * (1 - f) - t->h / 2;
    }
    return CHISO_OK;
}

/* ---- entry point -------------------------------------------------------- */

chiso_status
chiso_plot_layout(chiso_plot_model **out,
                  const chiso_chart *chart,
                  double width,
                  double height,
                  const chiso_plot_measure *m,
                  chiso_diag *diag)
{
    chiso_plot_model *md;
    lay L;
    chiso_status st;

    *out = NULL;
    if (!(width >= 200 && height >= 150 && width <= 20000 && height <= 20000)) {
        return chiso_diag_set(diag, CHISO_EINVAL, NULL, 0, 0,
                              "chart size %gx%g is outside 200x150 .. "
                              "20000x20000",
                              width, height);
    }
    md = calloc(1, sizeof(*md));
    if (md == NULL) {
        return CHISO_ENOMEM;
    }
    md->kind = chart->kind;
    md->width = width;
    md->height = height;
    memset(&L, 0, sizeof(L));
    L.md = md;
    L.c = chart;
    L.m = m;
    L.diag = diag;
    /* body text scales with the canvas: 14 units at 1200 x 800 */
    L.base = fmin(width / 1.5, height) / 800 * 14;
    L.base = fmax(10, fmin(L.base, 40));
    L.pad = L.base * 1.2;
    L.top = L.pad;
    L.left = L.pad;
    L.right = width - L.pad;
    L.bottom = height - L.pad * 0.8;
    md->font_size = L.base;
    md->tick_len = L.base * 0.35;
    st = do_header(&L);
    if (st == CHISO_OK) {
        switch (chart->kind) {
        case CHISO_PLOT_TREND:
            st = layout_trend(&L);
            break;
        case CHISO_PLOT_SMALL_MULTIPLES:
            st = layout_small_multiples(&L);
            break;
        case CHISO_PLOT_BARS:
            st = layout_bars(&L);
            break;
        case CHISO_PLOT_RANK_INTERVAL:
            st = layout_rank_interval(&L);
            break;
        case CHISO_PLOT_WATERFALL:
            st = layout_waterfall(&L);
            break;
        case CHISO_PLOT_SCATTER:
            st = layout_scatter(&L);
            break;
        case CHISO_PLOT_RADAR:
            st = layout_radar(&L);
            break;
        case CHISO_PLOT_HEATMAP:
            st = layout_heatmap(&L);
            break;
        }
    }
    if (st != CHISO_OK) {
        if (st == CHISO_ENOMEM) {
            chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
        }
        chiso_plot_model_free(md);
        return st;
    }
    *out = md;
    return CHISO_OK;
}

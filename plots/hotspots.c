/*
 * hotspots.c - where a laid-out chart's data marks are, with their values.
 *
 * A chart drawn by cairo has no semantic marks: its SVG is paths and
 * glyphs. A web page that shows each value on hover (a <title> on a
 * transparent shape over the mark) needs to know where every bar, point,
 * cell and column is. Nothing is decided here: the positions follow the
 * model (layout.c) exactly as the renderer (render_cairo.c) maps data to
 * device units, so the shapes sit on the marks of an image drawn from the
 * same model. Each region is a little larger than its mark (a whole bar
 * row, a whole waterfall column, a point's circle at least 7 units
 * across) so a pointer or finger finds it.
 *
 * Labels name the mark and its value in the chart's language and number
 * format: "Hưng Yên — 2023: 86,89", "Nhóm A: 92,5", "Tháng 7 — Nộp trực
 * tuyến: không có số liệu".
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_plot.h"
#include "plots_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SPOT_PI 3.14159265358979323846

typedef struct spot_set {
    chiso_plot_hotspot *v;
    size_t n, cap;
    const chiso_chart *c;
    const chiso_plot_model *md;
    int failed;
} spot_set;

static chiso_lang
spot_lang(const chiso_chart *c)
{
    return c->lang == CHISO_PLOT_LANG_EN ? CHISO_LANG_EN : CHISO_LANG_VI;
}

/* A value as the chart writes its own labels (its decimals and number
 * format, rounded half up): a bar's tooltip says what its label says. */
static void
spot_val(const spot_set *S, double v, char *buf, size_t cap)
{
    chiso_chart_format_value(S->c, v, buf, cap);
}

/* A coordinate or a trend value: the fewest decimals (up to 2) that show
 * it, years without grouping. */
static void
spot_num(const spot_set *S, double v, char *buf, size_t cap)
{
    chiso_plot_format_number(v, chiso_plot__value_decimals(v), S->c->numfmt,
                             buf, cap);
}

static void
spot_add(spot_set *S,
         chiso_plot_spot_shape shape,
         double x,
         double y,
         double w,
         double h,
         const char *fmt,
         ...)
{
    va_list ap;
    char *t;
    size_t i;
    int len;

    if (S->failed || !isfinite(x) || !isfinite(y) || !isfinite(w) ||
        !isfinite(h)) {
        return;
    }
    if (S->n == S->cap) {
        size_t cap = S->cap ? S->cap * 2 : 32;
        chiso_plot_hotspot *v = realloc(S->v, cap * sizeof(*v));
        if (v == NULL) {
            S->failed = 1;
            return;
        }
        S->v = v;
        S->cap = cap;
    }
    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    t = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (t == NULL) {
        S->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(t, (size_t)len + 1, fmt, ap);
    va_end(ap);
    /* fitted labels carry line breaks; a tooltip is one line */
    for (i = 0; t[i] != '\0'; i++) {
        if (t[i] == '\n' || t[i] == '\t') {
            t[i] = ' ';
        }
    }
    S->v[S->n].shape = shape;
    S->v[S->n].x = x;
    S->v[S->n].y = y;
    S->v[S->n].w = w;
    S->v[S->n].h = h;
    S->v[S->n].label = t;
    S->n++;
}

/* Data to device units, as the renderer maps them. */
static double
spot_mx(const chiso_plot_model *md, const chiso_plot_rect *r, double v)
{
    const chiso_plot_ticks *t = &md->x.ticks;
    return r->x + (v - t->lo) / (t->hi - t->lo) * r->w;
}

/* (a rank axis has rank 1 at the top: chiso_plot__yfrac knows) */
static double
spot_my(const chiso_plot_model *md, const chiso_plot_rect *r, double v)
{
    return r->y + r->h - chiso_plot__yfrac(&md->y, v) * r->h;
}

/* Radius of a point's region: the marker's, at least 3.5 units. */
static double
spot_radius(const spot_set *S)
{
    double base = S->md->font_size;
    double lw = fmax(1.5, base * 0.14);
    return fmax(3.5, fmax(lw * 1.6, base * 0.38) * 1.4);
}

static void
series_points(spot_set *S, const plot_series *s, const chiso_plot_rect *r)
{
    size_t i;
    double rad = spot_radius(S);
    int named = s->name != NULL && s->name[0] != '\0';

    double last_px = -HUGE_VAL;

    for (i = 0; i < s->n; i++) {
        char x[64], y[64], lo[64], hi[64], band[160] = "";
        double px, py;
        if (isnan(s->y[i])) {
            continue;
        }
        px = spot_mx(S->md, r, s->x[i]);
        py = spot_my(S->md, r, s->y[i]);
        /* a series denser than the pixels it crosses: one region per
         * 1.5 units of x (a pointer cannot tell the others apart) */
        if (px - last_px < 1.5 && i + 1 < s->n) {
            continue;
        }
        last_px = px;
        if (px < r->x - 0.5 || px > r->x + r->w + 0.5 || py < r->y - 0.5 ||
            py > r->y + r->h + 0.5) {
            continue; /* outside the drawn area */
        }
        spot_num(S, s->x[i], x, sizeof(x));
        spot_num(S, s->y[i], y, sizeof(y));
        if (s->rank_of != NULL) {
            /* a rank: out of how many, and whether it was published */
            int derived = s->derived != NULL && s->derived[i];
            chiso_lang lang = spot_lang(S->c);
            if (named) {
                spot_add(S, CHISO_PLOT_SPOT_CIRCLE, px, py, rad, rad,
                         derived ? chiso_msg(lang, "%s — %s: rank %s/%ld "
                                                   "(computed from published "
                                                   "scores)")
                                 : chiso_msg(lang, "%s — %s: rank %s/%ld"),
                         s->name, x, y, s->rank_of[i]);
            } else {
                spot_add(S, CHISO_PLOT_SPOT_CIRCLE, px, py, rad, rad,
                         derived ? chiso_msg(lang, "%s: rank %s/%ld (computed "
                                                   "from published scores)")
                                 : chiso_msg(lang, "%s: rank %s/%ld"),
                         x, y, s->rank_of[i]);
            }
            continue;
        }
        if (s->lo != NULL && !isnan(s->lo[i]) && !isnan(s->hi[i])) {
            spot_num(S, s->lo[i], lo, sizeof(lo));
            spot_num(S, s->hi[i], hi, sizeof(hi));
            snprintf(band, sizeof(band), " (%s – %s)", lo, hi);
        }
        if (named) {
            spot_add(S, CHISO_PLOT_SPOT_CIRCLE, px, py, rad, rad,
                     "%s — %s: %s%s", s->name, x, y, band);
        } else {
            spot_add(S, CHISO_PLOT_SPOT_CIRCLE, px, py, rad, rad, "%s: %s%s", x,
                     y, band);
        }
    }
}

static void
spots_trend(spot_set *S)
{
    size_t i;

    for (i = 0; i < S->c->n_series; i++) {
        series_points(S, &S->c->series[i], &S->md->plot);
    }
}

static void
spots_small_multiples(spot_set *S)
{
    size_t p;

    for (p = 0; p < S->md->n_panels && p < S->c->n_series; p++) {
        series_points(S, &S->c->series[p], &S->md->panels[p]);
    }
}

/* Left edge of row i's region: its category label, when drawn. */
static double
row_left(const chiso_plot_model *md, size_t i, double x)
{
    const chiso_plot_label *t = &md->cats[i];

    if (!t->hidden && t->text != NULL && t->text[0] != '\0') {
        return fmin(x, t->x);
    }
    return x;
}

static void
spots_bars(spot_set *S)
{
    const chiso_plot_model *md = S->md;
    const chiso_chart *c = S->c;
    const chiso_plot_rect *r = &md->plot;
    double x0 = spot_mx(md, r, 0);
    size_t i;

    for (i = 0; i < md->n_cats && md->order != NULL; i++) {
        const plot_bar *b = &c->bars[md->order[i]];
        double cy = r->y + ((double)i + 0.5) * md->row_h;
        double x1 = spot_mx(md, r, b->value);
        double a = row_left(md, i, fmin(x0, x1)), e = fmax(fmax(x0, x1), a + 2);
        char v[64], name[64] = "";
        spot_val(S, b->value, v, sizeof(v));
        if (b->rank > 0) {
            /* the published rank, as the label beside the bar shows it */
            snprintf(name, sizeof(name), " (%ld/%ld)", b->rank, b->rank_of);
        }
        if (b->group != (size_t)-1 && b->group < c->groups.n) {
            spot_add(S, CHISO_PLOT_SPOT_RECT, a, cy - md->row_h / 2, e - a,
                     md->row_h, "%s%s — %s: %s", b->label, name,
                     c->groups.v[b->group], v);
        } else {
            spot_add(S, CHISO_PLOT_SPOT_RECT, a, cy - md->row_h / 2, e - a,
                     md->row_h, "%s%s: %s", b->label, name, v);
        }
    }
}

static void
spots_rank_interval(spot_set *S)
{
    const chiso_plot_model *md = S->md;
    const chiso_chart *c = S->c;
    const chiso_plot_rect *r = &md->plot;
    size_t i;

    for (i = 0; i < md->n_cats && md->order != NULL; i++) {
        const plot_interval *iv = &c->intervals[md->order[i]];
        double cy = r->y + ((double)i + 0.5) * md->row_h;
        double lo = fmin(spot_mx(md, r, iv->p5), spot_mx(md, r, iv->nominal));
        double hi = fmax(spot_mx(md, r, iv->p95), spot_mx(md, r, iv->nominal));
        double a = row_left(md, i, lo - md->row_h * 0.4);
        double e = hi + md->row_h * 0.4;
        char nom[64], med[64], p5[64], p95[64];
        spot_num(S, iv->nominal, nom, sizeof(nom));
        spot_num(S, iv->median, med, sizeof(med));
        spot_num(S, iv->p5, p5, sizeof(p5));
        spot_num(S, iv->p95, p95, sizeof(p95));
        spot_add(
            S, CHISO_PLOT_SPOT_RECT, a, cy - md->row_h / 2, e - a, md->row_h,
            chiso_msg(spot_lang(c), "%s: rank %s; simulated median %s, 5–95 %% "
                                    "range %s – %s"),
            iv->unit, nom, med, p5, p95);
    }
}

/* A fitted category label as one line ("Tối đa", "Đạt được"). */
static const char *
cat_text(const chiso_plot_model *md, size_t i)
{
    return md->cats[i].text != NULL ? md->cats[i].text : "";
}

static void
spots_waterfall(spot_set *S)
{
    const chiso_plot_model *md = S->md;
    const chiso_chart *c = S->c;
    const chiso_plot_rect *r = &md->plot;
    size_t i, n = md->n_cats;
    double lost = 0, col_w = md->row_h;

    for (i = 0; i < c->n_bars; i++) {
        lost += c->bars[i].value;
    }
    for (i = 0; i < n; i++) {
        double x = r->x + (double)i * col_w;
        char v[64];
        if (i == 0) {
            spot_val(S, c->max, v, sizeof(v));
            spot_add(S, CHISO_PLOT_SPOT_RECT, x, r->y, col_w, r->h, "%s: %s",
                     cat_text(md, i), v);
        } else if (i == n - 1) {
            double got = c->max - lost;
            spot_val(S, fabs(got) < 5e-10 ? 0 : got, v, sizeof(v));
            spot_add(S, CHISO_PLOT_SPOT_RECT, x, r->y, col_w, r->h, "%s: %s",
                     cat_text(md, i), v);
        } else if (i - 1 < c->n_bars) {
            spot_val(S, -c->bars[i - 1].value, v, sizeof(v));
            spot_add(S, CHISO_PLOT_SPOT_RECT, x, r->y, col_w, r->h, "%s: %s",
                     c->bars[i - 1].label, v);
        }
    }
}

static void
spots_scatter(spot_set *S)
{
    const chiso_plot_model *md = S->md;
    const chiso_chart *c = S->c;
    const chiso_plot_rect *r = &md->plot;
    const char *xn = c->text[CHISO_PLOT_X_LABEL];
    const char *yn = c->text[CHISO_PLOT_Y_LABEL];
    double rad = fmax(3.5, md->font_size * 0.36 * 1.4);
    size_t i;

    for (i = 0; i < c->n_points; i++) {
        const plot_point *p = &c->points[i];
        const char *name = p->label != NULL ? p->label : "";
        char x[64], y[64];
        spot_num(S, p->x, x, sizeof(x));
        spot_num(S, p->y, y, sizeof(y));
        spot_add(S, CHISO_PLOT_SPOT_CIRCLE, spot_mx(md, r, p->x),
                 spot_my(md, r, p->y), rad, rad, "%s%s%s = %s; %s = %s", name,
                 name[0] ? ": " : "", xn != NULL && xn[0] ? xn : "x", x,
                 yn != NULL && yn[0] ? yn : "y", y);
    }
}

static void
spots_radar(spot_set *S)
{
    const chiso_plot_model *md = S->md;
    const chiso_chart *c = S->c;
    size_t na = c->cols.n, ns = c->rows.n, i, s;
    double rad = fmax(4, md->font_size * 0.5);

    for (s = 0; s < ns; s++) {
        const char *name = c->rows.v[s];
        for (i = 0; i < na; i++) {
            double a = -SPOT_PI / 2 + 2 * SPOT_PI * (double)i / (double)na;
            double v = c->cells[s * c->cells_cols_cap + i];
            char pct[64];
            spot_val(S, v * 100, pct, sizeof(pct));
            if (name[0] != '\0') {
                spot_add(S, CHISO_PLOT_SPOT_CIRCLE,
                         md->radar_cx + md->radar_r * v * cos(a),
                         md->radar_cy + md->radar_r * v * sin(a), rad, rad,
                         "%s — %s: %s %%", name, c->cols.v[i], pct);
            } else {
                spot_add(S, CHISO_PLOT_SPOT_CIRCLE,
                         md->radar_cx + md->radar_r * v * cos(a),
                         md->radar_cy + md->radar_r * v * sin(a), rad, rad,
                         "%s: %s %%", c->cols.v[i], pct);
            }
        }
    }
}

static void
spots_heatmap(spot_set *S)
{
    const chiso_plot_model *md = S->md;
    const chiso_chart *c = S->c;
    const chiso_plot_rect *r = &md->plot;
    size_t nr = c->rows.n, nc = c->cols.n, i, j;
    double cw = nc ? r->w / (double)nc : 0, ch = md->row_h;

    for (i = 0; i < nr; i++) {
        for (j = 0; j < nc; j++) {
            size_t k = i * c->cells_cols_cap + j;
            double x = r->x + (double)j * cw, y = r->y + (double)i * ch;
            char v[64];
            if (!c->cell_set[k] || isnan(c->cells[k])) {
                spot_add(S, CHISO_PLOT_SPOT_RECT, x, y, cw, ch,
                         chiso_msg(spot_lang(c), "%s — %s: no data"),
                         c->rows.v[i], c->cols.v[j]);
                continue;
            }
            spot_val(S, c->cells[k], v, sizeof(v));
            spot_add(S, CHISO_PLOT_SPOT_RECT, x, y, cw, ch, "%s — %s: %s",
                     c->rows.v[i], c->cols.v[j], v);
        }
    }
}

chiso_status
chiso_plot_hotspots(const chiso_chart *chart,
                    const chiso_plot_model *model,
                    chiso_plot_hotspot **out,
                    size_t *n)
{
    spot_set S;

    if (out == NULL || n == NULL) {
        return CHISO_EINVAL;
    }
    *out = NULL;
    *n = 0;
    if (chart == NULL || model == NULL || chart->kind != model->kind) {
        return CHISO_EINVAL;
    }
    memset(&S, 0, sizeof(S));
    S.c = chart;
    S.md = model;
    switch (chart->kind) {
    case CHISO_PLOT_TREND:
        spots_trend(&S);
        break;
    case CHISO_PLOT_SMALL_MULTIPLES:
        spots_small_multiples(&S);
        break;
    case CHISO_PLOT_BARS:
        spots_bars(&S);
        break;
    case CHISO_PLOT_RANK_INTERVAL:
        spots_rank_interval(&S);
        break;
    case CHISO_PLOT_WATERFALL:
        spots_waterfall(&S);
        break;
    case CHISO_PLOT_SCATTER:
        spots_scatter(&S);
        break;
    case CHISO_PLOT_RADAR:
        spots_radar(&S);
        break;
    case CHISO_PLOT_HEATMAP:
        spots_heatmap(&S);
        break;
    }
    if (S.failed) {
        chiso_plot_hotspots_free(S.v, S.n);
        return CHISO_ENOMEM;
    }
    *out = S.v;
    *n = S.n;
    return CHISO_OK;
}

void
chiso_plot_hotspots_free(chiso_plot_hotspot *spots, size_t n)
{
    size_t i;

    if (spots == NULL) {
        return;
    }
    for (i = 0; i < n; i++) {
        free(spots[i].label);
    }
    free(spots);
}

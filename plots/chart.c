/*
 * chart.c - the chart data: what a caller hands over before layout.
 *
 * Everything is copied in, so a caller can build a chart from temporary
 * library results and free them at once. Validation here is about
 * consistency (x increasing, p5 <= median <= p95); positions in files are
 * the CSV loader's business (csv_load.c), which checks first and names
 * the cell.
 */
#include "chiso_plot.h"
#include "plots_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const unsigned int chiso_plot__palette[8] = {
    0x0072B2, /* blue */
    0xD55E00, /* vermillion */
    0x009E73, /* bluish green */
    0xCC79A7, /* reddish purple */
    0xE69F00, /* orange */
    0x56B4E9, /* sky blue */
    0x000000, /* black */
    0xB59E00, /* yellow, darkened from F0E442 to read on white */
};

static const char *const kind_names[CHISO_PLOT_N_KINDS] = {
    "trend",     "bars",    "radar",         "heatmap",
    "waterfall", "scatter", "rank-interval", "small-multiples"};

const char *
chiso_plot_kind_name(chiso_plot_kind kind)
{
    if ((unsigned)kind >= CHISO_PLOT_N_KINDS) {
        return "?";
    }
    return kind_names[kind];
}

int
chiso_plot_kind_parse(const char *name, chiso_plot_kind *out)
{
    int i;

    for (i = 0; i < CHISO_PLOT_N_KINDS; i++) {
        if (strcmp(name, kind_names[i]) == 0) {
            *out = (chiso_plot_kind)i;
            return 0;
        }
    }
    return -1;
}

int
chiso_plot_format_from_path(const char *path, chiso_plot_format *out)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    char ext[8];
    size_t i;

    if (dot == NULL || (slash != NULL && dot < slash) || strlen(dot) > 4) {
        return -1;
    }
    for (i = 0; dot[i] != '\0'; i++) {
        char ch = dot[i];
        ext[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    }
    ext[i] = '\0';
    if (strcmp(ext, ".png") == 0) {
        *out = CHISO_PLOT_PNG;
    } else if (strcmp(ext, ".svg") == 0) {
        *out = CHISO_PLOT_SVG;
    } else if (strcmp(ext, ".pdf") == 0) {
        *out = CHISO_PLOT_PDF;
    } else {
        return -1;
    }
    return 0;
}

chiso_lang
chiso_plot__lang(const chiso_chart *c)
{
    return c->lang == CHISO_PLOT_LANG_VI ? CHISO_LANG_VI : CHISO_LANG_EN;
}

const char *
chiso_plot__msg(const chiso_chart *c, const char *msgid)
{
    return chiso_msg(chiso_plot__lang(c), msgid);
}

static uint64_t
name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return h;
}

long
chiso_plot__names_find(const plot_names *nm, const char *s)
{
    size_t k, mask;

    if (nm->n_slots == 0) {
        return -1;
    }
    mask = nm->n_slots - 1;
    for (k = (size_t)name_hash(s) & mask; nm->slots[k] != 0;
         k = (k + 1) & mask) {
        if (strcmp(nm->v[nm->slots[k] - 1], s) == 0) {
            return (long)(nm->slots[k] - 1);
        }
    }
    return -1;
}

/* Rebuild the hash index with room for twice the names. */
static int
names_rehash(plot_names *nm, size_t want)
{
    size_t n_slots = 16, i, mask;
    size_t *slots;

    while (n_slots < want * 2) {
        n_slots *= 2;
    }
    slots = calloc(n_slots, sizeof(*slots));
    if (slots == NULL) {
        return -1;
    }
    mask = n_slots - 1;
    for (i = 0; i < nm->n; i++) {
        size_t k = (size_t)name_hash(nm->v[i]) & mask;
        while (slots[k] != 0) {
            k = (k + 1) & mask;
        }
        slots[k] = i + 1;
    }
    free(nm->slots);
    nm->slots = slots;
    nm->n_slots = n_slots;
    return 0;
}

long
chiso_plot__names_intern(plot_names *nm, const char *s)
{
    long k = chiso_plot__names_find(nm, s);
    size_t slot, mask;

    if (k >= 0) {
        return k;
    }
    if (nm->n == nm->cap) {
        size_t cap = nm->cap ? nm->cap * 2 : 8;
        char **v = realloc(nm->v, cap * sizeof(*v));
        if (v == NULL) {
            return -1;
        }
        nm->v = v;
        nm->cap = cap;
    }
    if ((nm->n + 1) * 2 > nm->n_slots && names_rehash(nm, nm->n + 1) != 0) {
        return -1;
    }
    nm->v[nm->n] = chiso_strdup(s);
    if (nm->v[nm->n] == NULL) {
        return -1;
    }
    mask = nm->n_slots - 1;
    for (slot = (size_t)name_hash(s) & mask; nm->slots[slot] != 0;
         slot = (slot + 1) & mask) {
    }
    nm->slots[slot] = nm->n + 1;
    return (long)nm->n++;
}

void
chiso_plot__names_free(plot_names *nm)
{
    size_t i;

    for (i = 0; i < nm->n; i++) {
        free(nm->v[i]);
    }
    free(nm->v);
    free(nm->slots);
    memset(nm, 0, sizeof(*nm));
}

int
chiso_plot__is_highlight(const chiso_chart *c, const char *s)
{
    return c->highlight != NULL && s != NULL && strcmp(c->highlight, s) == 0;
}

int
chiso_plot__has_bands(const chiso_chart *c)
{
    size_t i;

    for (i = 0; i < c->n_series; i++) {
        if (c->series[i].lo != NULL) {
            return 1;
        }
    }
    return 0;
}

double
chiso_plot__break_rule_x(const chiso_chart *c, double bx)
{
    double prev = -HUGE_VAL;
    size_t i, j;

    for (i = 0; i < c->n_series; i++) {
        for (j = 0; j < c->series[i].n; j++) {
            double x = c->series[i].x[j];
            if (x < bx && x > prev) {
                prev = x;
            }
        }
    }
    if (!isfinite(prev)) {
        return bx;
    }
    return prev + (bx - prev) / 2;
}

chiso_status
chiso_chart_new(chiso_chart **out, chiso_plot_kind kind)
{
    chiso_chart *c;

    *out = NULL;
    if ((unsigned)kind >= CHISO_PLOT_N_KINDS) {
        return CHISO_EINVAL;
    }
    c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return CHISO_ENOMEM;
    }
    c->kind = kind;
    c->lang = CHISO_PLOT_LANG_VI;
    c->numfmt = CHISO_PLOT_NUM_VI;
    c->decimals = -1;
    c->max = NAN;
    *out = c;
    return CHISO_OK;
}

void
chiso_chart_free(chiso_chart *c)
{
    size_t i;

    if (c == NULL) {
        return;
    }
    for (i = 0; i < CHISO_PLOT_N_TEXTS; i++) {
        free(c->text[i]);
    }
    free(c->highlight);
    for (i = 0; i < c->n_series; i++) {
        free(c->series[i].name);
        free(c->series[i].x);
        free(c->series[i].y);
        free(c->series[i].lo);
        free(c->series[i].hi);
        free(c->series[i].rank_of);
        free(c->series[i].derived);
    }
    free(c->series);
    for (i = 0; i < c->n_xt; i++) {
        free(c->xt_text[i]);
    }
    free(c->xt_text);
    free(c->xt_v);
    for (i = 0; i < c->n_breaks; i++) {
        free(c->breaks[i].label);
        free(c->breaks[i].series);
    }
    for (i = 0; i < c->n_bars; i++) {
        free(c->bars[i].label);
    }
    free(c->bars);
    chiso_plot__names_free(&c->groups);
    for (i = 0; i < c->n_bands; i++) {
        free(c->bands[i].label);
    }
    chiso_plot__names_free(&c->rows);
    chiso_plot__names_free(&c->cols);
    free(c->cells);
    free(c->cell_max);
    free(c->cell_set);
    for (i = 0; i < c->n_points; i++) {
        free(c->points[i].label);
    }
    free(c->points);
    for (i = 0; i < c->n_intervals; i++) {
        free(c->intervals[i].unit);
    }
    free(c->intervals);
    free(c);
}

chiso_plot_kind
chiso_chart_kind(const chiso_chart *c)
{
    return c->kind;
}

static chiso_status
set_string(char **slot, const char *s)
{
    char *copy = NULL;

    if (s != NULL && s[0] != '\0') {
        if (!chiso_utf8_valid(s, strlen(s), NULL)) {
            return CHISO_EINVAL;
        }
        copy = chiso_strdup(s);
        if (copy == NULL) {
            return CHISO_ENOMEM;
        }
    }
    free(*slot);
    *slot = copy;
    return CHISO_OK;
}

chiso_status
chiso_chart_set_text(chiso_chart *c, chiso_plot_text which, const char *s)
{
    if ((unsigned)which >= CHISO_PLOT_N_TEXTS) {
        return CHISO_EINVAL;
    }
    return set_string(&c->text[which], s);
}

void
chiso_chart_set_lang(chiso_chart *c, chiso_plot_lang lang)
{
    c->lang = lang;
    c->numfmt =
        lang == CHISO_PLOT_LANG_VI ? CHISO_PLOT_NUM_VI : CHISO_PLOT_NUM_EN;
}

void
chiso_chart_set_number_format(chiso_chart *c, chiso_plot_numfmt fmt)
{
    c->numfmt = fmt;
}

chiso_status
chiso_chart_set_decimals(chiso_chart *c, int decimals)
{
    if (decimals < -1 || decimals > 6) {
        return CHISO_EINVAL;
    }
    c->decimals = decimals;
    return CHISO_OK;
}

int
chiso_plot__decimals(const chiso_chart *c)
{
    size_t i;
    int d = 0;

    if (c->decimals >= 0) {
        return c->decimals;
    }
    switch (c->kind) {
    case CHISO_PLOT_RADAR:
        return 1; /* percentages of the maximum */
    case CHISO_PLOT_BARS:
        for (i = 0; i < c->n_bars; i++) {
            int k = chiso_plot__value_decimals(c->bars[i].value);
            d = k > d ? k : d;
        }
        return d;
    case CHISO_PLOT_WATERFALL:
        d = c->has_max ? chiso_plot__value_decimals(c->max) : 0;
        for (i = 0; i < c->n_bars; i++) {
            int k = chiso_plot__value_decimals(c->bars[i].value);
            d = k > d ? k : d;
        }
        return d;
    case CHISO_PLOT_HEATMAP: {
        size_t r, k;
        for (r = 0; r < c->rows.n; r++) {
            for (k = 0; k < c->cols.n; k++) {
                size_t idx = r * c->cells_cols_cap + k;
                if (c->cell_set[idx] && !isnan(c->cells[idx])) {
                    int e = chiso_plot__value_decimals(c->cells[idx]);
                    d = e > d ? e : d;
                }
            }
        }
        return d;
    }
    case CHISO_PLOT_TREND:
    case CHISO_PLOT_SCATTER:
    case CHISO_PLOT_RANK_INTERVAL:
    case CHISO_PLOT_SMALL_MULTIPLES:
        break;
    }
    return 2;
}

size_t
chiso_chart_format_value(const chiso_chart *c, double v, char *buf, size_t cap)
{
    return chiso_plot_format_number(v, chiso_plot__decimals(c), c->numfmt, buf,
                                    cap);
}

chiso_status
chiso_chart_set_highlight(chiso_chart *c, const char *unit)
{
    return set_string(&c->highlight, unit);
}

int
chiso_chart_highlight_found(const chiso_chart *c)
{
    size_t i;

    if (c->highlight == NULL) {
        return 1;
    }
    for (i = 0; i < c->n_series; i++) {
        if (chiso_plot__is_highlight(c, c->series[i].name)) {
            return 1;
        }
    }
    for (i = 0; i < c->n_bars; i++) {
        if (chiso_plot__is_highlight(c, c->bars[i].label)) {
            return 1;
        }
    }
    for (i = 0; i < c->n_points; i++) {
        if (chiso_plot__is_highlight(c, c->points[i].label)) {
            return 1;
        }
    }
    for (i = 0; i < c->n_intervals; i++) {
        if (chiso_plot__is_highlight(c, c->intervals[i].unit)) {
            return 1;
        }
    }
    return chiso_plot__names_find(&c->rows, c->highlight) >= 0;
}

static chiso_status add_series(chiso_chart *c,
                               const char *name,
                               const double *x,
                               const double *y,
                               const double *lo,
                               const double *hi,
                               size_t n);

static double *
dup_doubles(const double *v, size_t n)
{
    double *d = malloc((n ? n : 1) * sizeof(*d));

    if (d != NULL && n > 0) {
        memcpy(d, v, n * sizeof(*d));
    }
    return d;
}

chiso_status
chiso_chart_add_series(chiso_chart *c,
                       const char *name,
                       const double *x,
                       const double *y,
                       const double *lo,
                       const double *hi,
                       size_t n)
{
    if (c->rank_axis) {
        return CHISO_EINVAL; /* ranks and values never share an axis */
    }
    return add_series(c, name, x, y, lo, hi, n);
}

chiso_status
chiso_chart_add_rank_series(chiso_chart *c,
                            const char *name,
                            const double *x,
                            const double *rank,
                            const long *rank_of,
                            const unsigned char *derived,
                            size_t n)
{
    plot_series *s;
    size_t i;
    chiso_status st;

    if (rank_of == NULL || (c->n_series > 0 && !c->rank_axis)) {
        return CHISO_EINVAL;
    }
    for (i = 0; i < n; i++) {
        if (isnan(rank[i])) {
            continue;
        }
        if (!(rank[i] >= 1) || rank_of[i] < 1 || rank[i] > (double)rank_of[i] ||
            fabs(rank[i] - floor(rank[i])) > 0) {
            return CHISO_EINVAL;
        }
    }
    st = add_series(c, name, x, rank, NULL, NULL, n);
    if (st != CHISO_OK) {
        return st;
    }
    c->rank_axis = 1;
    s = &c->series[c->n_series - 1];
    s->rank_of = malloc((n ? n : 1) * sizeof(*s->rank_of));
    if (s->rank_of == NULL) {
        return CHISO_ENOMEM;
    }
    memcpy(s->rank_of, rank_of, n * sizeof(*s->rank_of));
    for (i = 0; derived != NULL && i < n; i++) {
        if (derived[i] && !isnan(rank[i])) {
            st = chiso_plot__set_derived(s, i);
            if (st != CHISO_OK) {
                return st;
            }
        }
    }
    return CHISO_OK;
}

chiso_status
chiso_plot__set_derived(plot_series *s, size_t i)
{
    if (s->derived == NULL) {
        s->derived = calloc(s->n ? s->n : 1, 1);
        if (s->derived == NULL) {
            return CHISO_ENOMEM;
        }
    }
    s->derived[i] = 1;
    return CHISO_OK;
}

int
chiso_plot__joined(const chiso_chart *c, const plot_series *s, size_t j)
{
    size_t b;

    if (j == 0 || isnan(s->y[j]) || isnan(s->y[j - 1])) {
        return 0;
    }
    if (s->rank_of != NULL && s->rank_of[j] != s->rank_of[j - 1]) {
        return 0;
    }
    for (b = 0; b < c->n_breaks; b++) {
        if (c->breaks[b].x > s->x[j - 1] && c->breaks[b].x <= s->x[j] &&
            chiso_plot__break_cuts(&c->breaks[b], s)) {
            return 0;
        }
    }
    return 1;
}

int
chiso_plot__has_derived(const chiso_chart *c)
{
    size_t i, j;

    for (i = 0; i < c->n_series; i++) {
        for (j = 0; c->series[i].derived != NULL && j < c->series[i].n; j++) {
            if (c->series[i].derived[j]) {
                return 1;
            }
        }
    }
    return 0;
}

static chiso_status
add_series(chiso_chart *c,
           const char *name,
           const double *x,
           const double *y,
           const double *lo,
           const double *hi,
           size_t n)
{
    plot_series *s, *grown;
    size_t i;

    if ((c->kind != CHISO_PLOT_TREND &&
         c->kind != CHISO_PLOT_SMALL_MULTIPLES) ||
        name == NULL || n == 0 || c->n_series >= PLOT_MAX_SERIES ||
        (lo == NULL) != (hi == NULL) ||
        !chiso_utf8_valid(name, strlen(name), NULL)) {
        return CHISO_EINVAL;
    }
    for (i = 0; i < n; i++) {
        if (!isfinite(x[i]) || (i > 0 && !(x[i] > x[i - 1])) || isinf(y[i])) {
            return CHISO_EINVAL;
        }
        if (lo != NULL) {
            if (isnan(lo[i]) != isnan(hi[i]) ||
                (!isnan(lo[i]) &&
                 (!(lo[i] <= hi[i]) ||
                  (!isnan(y[i]) && (y[i] < lo[i] || y[i] > hi[i]))))) {
                return CHISO_EINVAL;
            }
        }
    }
    if (lo != NULL) {
        /* a band given as all-empty cells is no band */
        int any = 0;
        for (i = 0; i < n; i++) {
            any |= !isnan(lo[i]);
        }
        if (!any) {
            lo = NULL;
            hi = NULL;
        }
    }
    grown = realloc(c->series, (c->n_series + 1) * sizeof(*grown));
    if (grown == NULL) {
        return CHISO_ENOMEM;
    }
    c->series = grown;
    s = &c->series[c->n_series];
    memset(s, 0, sizeof(*s));
    s->name = chiso_strdup(name);
    s->x = dup_doubles(x, n);
    s->y = dup_doubles(y, n);
    if (lo != NULL) {
        s->lo = dup_doubles(lo, n);
        s->hi = dup_doubles(hi, n);
    }
    s->n = n;
    c->n_series++;
    if (s->name == NULL || s->x == NULL || s->y == NULL ||
        (lo != NULL && (s->lo == NULL || s->hi == NULL))) {
        return CHISO_ENOMEM; /* the partial series is freed with the chart */
    }
    return CHISO_OK;
}

int
chiso_plot__break_cuts(const plot_break *b, const plot_series *s)
{
    return b->series == NULL || strcmp(b->series, s->name) == 0;
}

chiso_status
chiso_chart_set_x_tick_labels(chiso_chart *c,
                              const double *x,
                              const char *const *labels,
                              size_t n)
{
    double *v = NULL;
    char **t = NULL;
    size_t i;

    if ((c->kind != CHISO_PLOT_TREND &&
         c->kind != CHISO_PLOT_SMALL_MULTIPLES) ||
        n > CHISO_PLOT_MAX_X_LABELS ||
        (n > 0 && (x == NULL || labels == NULL))) {
        return CHISO_EINVAL;
    }
    for (i = 0; i < n; i++) {
        if (!isfinite(x[i]) || (i > 0 && !(x[i] > x[i - 1])) ||
            labels[i] == NULL ||
            !chiso_utf8_valid(labels[i], strlen(labels[i]), NULL)) {
            return CHISO_EINVAL;
        }
    }
    if (n > 0) {
        v = malloc(n * sizeof(*v));
        t = calloc(n, sizeof(*t));
        if (v == NULL || t == NULL) {
            free(v);
            free(t);
            return CHISO_ENOMEM;
        }
        for (i = 0; i < n; i++) {
            v[i] = x[i];
            if ((t[i] = chiso_strdup(labels[i])) == NULL) {
                while (i-- > 0) {
                    free(t[i]);
                }
                free(t);
                free(v);
                return CHISO_ENOMEM;
            }
        }
    }
    for (i = 0; i < c->n_xt; i++) {
        free(c->xt_text[i]);
    }
    free(c->xt_text);
    free(c->xt_v);
    c->xt_v = v;
    c->xt_text = t;
    c->n_xt = n;
    return CHISO_OK;
}

const char *
chiso_chart_x_tick_label(const chiso_chart *c, double x)
{
    size_t lo = 0, hi = c->n_xt;

    /* the ticks are increasing: binary search */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->xt_v[mid] < x) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < c->n_xt && !(c->xt_v[lo] > x) ? c->xt_text[lo] : NULL;
}

chiso_status
chiso_chart_add_break(chiso_chart *c, double x, const char *label)
{
    return chiso_chart_add_series_break(c, NULL, x, label);
}

chiso_status
chiso_chart_add_series_break(chiso_chart *c,
                             const char *series,
                             double x,
                             const char *label)
{
    plot_break *b;

    if ((c->kind != CHISO_PLOT_TREND &&
         c->kind != CHISO_PLOT_SMALL_MULTIPLES) ||
        !isfinite(x) || c->n_breaks >= PLOT_MAX_BREAKS ||
        (series != NULL && !chiso_utf8_valid(series, strlen(series), NULL))) {
        return CHISO_EINVAL;
    }
    b = &c->breaks[c->n_breaks];
    memset(b, 0, sizeof(*b));
    b->x = x;
    if (set_string(&b->label, label) != CHISO_OK ||
        set_string(&b->series, series) != CHISO_OK) {
        free(b->label);
        free(b->series);
        memset(b, 0, sizeof(*b));
        return CHISO_ENOMEM;
    }
    c->n_breaks++;
    return CHISO_OK;
}

static chiso_status
push_bar(chiso_chart *c,
         const char *label,
         double value,
         size_t group,
         long rank,
         long rank_of)
{
    if (c->n_bars == c->cap_bars) {
        size_t cap = c->cap_bars ? c->cap_bars * 2 : 16;
        plot_bar *b = realloc(c->bars, cap * sizeof(*b));
        if (b == NULL) {
            return CHISO_ENOMEM;
        }
        c->bars = b;
        c->cap_bars = cap;
    }
    c->bars[c->n_bars].label = chiso_strdup(label);
    if (c->bars[c->n_bars].label == NULL) {
        return CHISO_ENOMEM;
    }
    c->bars[c->n_bars].value = value;
    c->bars[c->n_bars].group = group;
    c->bars[c->n_bars].rank = rank;
    c->bars[c->n_bars].rank_of = rank_of;
    c->n_bars++;
    return CHISO_OK;
}

chiso_status
chiso_chart_add_bar(chiso_chart *c,
                    const char *label,
                    double value,
                    const char *group)
{
    return chiso_chart_add_ranked_bar(c, label, value, group, 0, 0);
}

chiso_status
chiso_chart_add_ranked_bar(chiso_chart *c,
                           const char *label,
                           double value,
                           const char *group,
                           long rank,
                           long rank_of)
{
    size_t g = (size_t)-1;

    if (c->kind != CHISO_PLOT_BARS || label == NULL || !isfinite(value) ||
        !chiso_utf8_valid(label, strlen(label), NULL) || rank < 0 ||
        rank_of < 0 || (rank == 0) != (rank_of == 0) || rank > rank_of) {
        return CHISO_EINVAL;
    }
    if (group != NULL && group[0] != '\0') {
        long k = chiso_plot__names_intern(&c->groups, group);
        if (k < 0) {
            return CHISO_ENOMEM;
        }
        g = (size_t)k;
    }
    return push_bar(c, label, value, g, rank, rank_of);
}

chiso_status
chiso_chart_add_band(chiso_chart *c, double from, double to, const char *label)
{
    if (c->kind != CHISO_PLOT_BARS || !isfinite(from) || !isfinite(to) ||
        !(from < to) || c->n_bands >= PLOT_MAX_BANDS) {
        return CHISO_EINVAL;
    }
    c->bands[c->n_bands].from = from;
    c->bands[c->n_bands].to = to;
    c->bands[c->n_bands].label = NULL;
    if (set_string(&c->bands[c->n_bands].label, label) != CHISO_OK) {
        return CHISO_ENOMEM;
    }
    c->n_bands++;
    return CHISO_OK;
}

/* Make room for the cell grid of rows.n x cols.n, keeping old cells. */
static chiso_status
grow_cells(chiso_chart *c, size_t nr, size_t nc)
{
    size_t r, k, cr = c->cells_rows_cap, cc = c->cells_cols_cap;
    double *cells, *maxv;
    unsigned char *set;

    if (nr <= cr && nc <= cc) {
        return CHISO_OK;
    }
    while (cr < nr) {
        cr = cr ? cr * 2 : 8;
    }
    while (cc < nc) {
        cc = cc ? cc * 2 : 8;
    }
    cells = malloc(cr * cc * sizeof(*cells));
    set = calloc(cr * cc, 1);
    maxv = malloc(cc * sizeof(*maxv));
    if (cells == NULL || set == NULL || maxv == NULL) {
        free(cells);
        free(set);
        free(maxv);
        return CHISO_ENOMEM;
    }
    for (k = 0; k < cr * cc; k++) {
        cells[k] = NAN;
    }
    for (k = 0; k < cc; k++) {
        maxv[k] = NAN;
    }
    /* copy what the old arrays hold: the name that triggered the growth
     * is already counted in rows.n / cols.n but has no cell yet */
    for (r = 0; r < c->rows.n && r < c->cells_rows_cap && c->cells != NULL;
         r++) {
        for (k = 0; k < c->cols.n && k < c->cells_cols_cap; k++) {
            cells[r * cc + k] = c->cells[r * c->cells_cols_cap + k];
            set[r * cc + k] = c->cell_set[r * c->cells_cols_cap + k];
        }
    }
    for (k = 0; k < c->cols.n && k < c->cells_cols_cap && c->cell_max != NULL;
         k++) {
        maxv[k] = c->cell_max[k];
    }
    free(c->cells);
    free(c->cell_set);
    free(c->cell_max);
    c->cells = cells;
    c->cell_set = set;
    c->cell_max = maxv;
    c->cells_rows_cap = cr;
    c->cells_cols_cap = cc;
    return CHISO_OK;
}

static chiso_status
put_cell(
    chiso_chart *c, const char *row, const char *col, double value, double max)
{
    long r, k;
    size_t idx;

    if (!chiso_utf8_valid(row, strlen(row), NULL) ||
        !chiso_utf8_valid(col, strlen(col), NULL)) {
        return CHISO_EINVAL;
    }
    r = chiso_plot__names_intern(&c->rows, row);
    k = chiso_plot__names_intern(&c->cols, col);
    if (r < 0 || k < 0 || grow_cells(c, c->rows.n, c->cols.n) != CHISO_OK) {
        return CHISO_ENOMEM;
    }
    idx = (size_t)r * c->cells_cols_cap + (size_t)k;
    if (c->cell_set[idx]) {
        return CHISO_EINVAL;
    }
    c->cell_set[idx] = 1;
    c->cells[idx] = value;
    if (!isnan(max)) {
        if (!isnan(c->cell_max[k]) && c->cell_max[k] < max) {
            c->cell_max[k] = max; /* keep the largest maximum per axis */
        } else if (isnan(c->cell_max[k])) {
            c->cell_max[k] = max;
        }
    }
    return CHISO_OK;
}

chiso_status
chiso_chart_add_radar(chiso_chart *c,
                      const char *series,
                      const char *axis,
                      double value,
                      double max)
{
    if (c->kind != CHISO_PLOT_RADAR || axis == NULL || !isfinite(value) ||
        !isfinite(max) || !(max > 0) || value < 0 || value > max) {
        return CHISO_EINVAL;
    }
    return put_cell(c, series != NULL && series[0] != '\0' ? series : "", axis,
                    value / max, max);
}

chiso_status
chiso_chart_add_cell(chiso_chart *c,
                     const char *row,
                     const char *column,
                     double value)
{
    if (c->kind != CHISO_PLOT_HEATMAP || row == NULL || column == NULL ||
        isinf(value)) {
        return CHISO_EINVAL;
    }
    return put_cell(c, row, column, value, NAN);
}

chiso_status
chiso_chart_add_step(chiso_chart *c, const char *label, double lost)
{
    if (c->kind != CHISO_PLOT_WATERFALL || label == NULL || !isfinite(lost) ||
        lost < 0 || !chiso_utf8_valid(label, strlen(label), NULL)) {
        return CHISO_EINVAL;
    }
    return push_bar(c, label, lost, (size_t)-1, 0, 0);
}

chiso_status
chiso_chart_set_max(chiso_chart *c, double max)
{
    if (c->kind != CHISO_PLOT_WATERFALL || !isfinite(max) || !(max > 0)) {
        return CHISO_EINVAL;
    }
    c->max = max;
    c->has_max = 1;
    return CHISO_OK;
}

chiso_status
chiso_chart_add_point(chiso_chart *c, double x, double y, const char *label)
{
    plot_point *p;

    if (c->kind != CHISO_PLOT_SCATTER || !isfinite(x) || !isfinite(y) ||
        (label != NULL && !chiso_utf8_valid(label, strlen(label), NULL))) {
        return CHISO_EINVAL;
    }
    if (c->n_points == c->cap_points) {
        size_t cap = c->cap_points ? c->cap_points * 2 : 16;
        p = realloc(c->points, cap * sizeof(*p));
        if (p == NULL) {
            return CHISO_ENOMEM;
        }
        c->points = p;
        c->cap_points = cap;
    }
    p = &c->points[c->n_points];
    p->x = x;
    p->y = y;
    p->label = NULL;
    if (label != NULL && label[0] != '\0') {
        p->label = chiso_strdup(label);
        if (p->label == NULL) {
            return CHISO_ENOMEM;
        }
    }
    c->n_points++;
    return CHISO_OK;
}

chiso_status
chiso_chart_add_interval(chiso_chart *c,
                         const char *unit,
                         double nominal,
                         double median,
                         double p5,
                         double p95)
{
    plot_interval *iv;

    if (c->kind != CHISO_PLOT_RANK_INTERVAL || unit == NULL ||
        !isfinite(nominal) || !isfinite(median) || !isfinite(p5) ||
        !isfinite(p95) || nominal < 1 || p5 < 1 || !(p5 <= median) ||
        !(median <= p95) || !chiso_utf8_valid(unit, strlen(unit), NULL)) {
        return CHISO_EINVAL;
    }
    if (c->n_intervals == c->cap_intervals) {
        size_t cap = c->cap_intervals ? c->cap_intervals * 2 : 16;
        iv = realloc(c->intervals, cap * sizeof(*iv));
        if (iv == NULL) {
            return CHISO_ENOMEM;
        }
        c->intervals = iv;
        c->cap_intervals = cap;
    }
    iv = &c->intervals[c->n_intervals];
    iv->unit = chiso_strdup(unit);
    if (iv->unit == NULL) {
        return CHISO_ENOMEM;
    }
    iv->nominal = nominal;
    iv->median = median;
    iv->p5 = p5;
    iv->p95 = p95;
    c->n_intervals++;
    return CHISO_OK;
}

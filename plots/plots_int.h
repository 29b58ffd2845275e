/*
 * plots_int.h - internals shared by the files of the plots module: the
 * chart data structure, the palette, built-in labels.
 */
#ifndef CHISO_PLOTS_INT_H
#define CHISO_PLOTS_INT_H

#include "chiso_plot.h"

#define PLOT_MAX_SERIES 64
#define PLOT_MAX_BANDS  16
#define PLOT_MAX_BREAKS 16

typedef struct plot_series {
    char *name;
    double *x, *y, *lo, *hi; /* lo/hi NULL when there is no band */
    size_t n;
} plot_series;

typedef struct plot_break {
    double x;
    char *label;
} plot_break;

typedef struct plot_bar {
    char *label;
    double value;
    size_t group; /* index into chart->groups, or (size_t)-1 */
} plot_bar;

typedef struct plot_band {
    double from, to;
    char *label;
} plot_band;

typedef struct plot_point {
    double x, y;
    char *label; /* may be NULL */
} plot_point;

typedef struct plot_interval {
    char *unit;
    double nominal, median, p5, p95;
} plot_interval;

/* A growable list of owned names with lookup (first-seen order). */
typedef struct plot_names {
    char **v;
    size_t n, cap;
} plot_names;

struct chiso_chart {
    chiso_plot_kind kind;
    chiso_plot_lang lang;
    chiso_plot_numfmt numfmt;
    char *text[CHISO_PLOT_N_TEXTS];
    char *highlight;

    plot_series *series; /* trend, small multiples */
    size_t n_series;
    plot_break breaks[PLOT_MAX_BREAKS];
    size_t n_breaks;

    plot_bar *bars; /* bars, waterfall steps (value = points lost) */
    size_t n_bars, cap_bars;
    plot_names groups;
    plot_band bands[PLOT_MAX_BANDS];
    size_t n_bands;
    double max; /* waterfall */
    int has_max;

    /* radar (rows = series, cols = axes) and heatmap (rows x cols) */
    plot_names rows, cols;
    double *cells;    /* rows.n x cols.n, row-major, NaN = missing */
    double *cell_max; /* radar: max per axis */
    unsigned char *cell_set;
    size_t cells_rows_cap, cells_cols_cap;

    plot_point *points;
    size_t n_points, cap_points;

    plot_interval *intervals;
    size_t n_intervals, cap_intervals;
};

/* Okabe-Ito colours as 0xRRGGBB, in the order series use them. */
extern const unsigned int plot_palette[8];
#define PLOT_N_MARKERS 8
#define PLOT_N_DASHES  5

/* Built-in label in the chart's language. */
const char *plot_label(const chiso_chart *c, const char *vi, const char *en);

long plot_names_find(const plot_names *nm, const char *s);
/* Index of s, adding it if new; -1 on allocation failure. */
long plot_names_intern(plot_names *nm, const char *s);
void plot_names_free(plot_names *nm);

/* Does the chart's highlight equal s? */
int plot_is_highlight(const chiso_chart *c, const char *s);

/* Trend x of the methodology-break rule for break b (data units). */
double plot_break_rule_x(const chiso_chart *c, double bx);

/* Decimals (0, 1 or 2) needed to show a data value: 2 at most. */
int plot_value_decimals(double v);

/* Number of bands-carrying series (trend). */
int plot_has_bands(const chiso_chart *c);

#endif /* CHISO_PLOTS_INT_H */

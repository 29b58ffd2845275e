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
    long *rank_of;           /* rank series: number ranked per point */
    unsigned char *derived;  /* 1 = computed, not published; may be NULL */
    size_t n;
} plot_series;

typedef struct plot_break {
    double x;
    char *label;
    char *series; /* the one series it cuts, or NULL: every series */
} plot_break;

typedef struct plot_bar {
    char *label;
    double value;
    size_t group; /* index into chart->groups, or (size_t)-1 */
    long rank;    /* published rank and its total; 0 = none */
    long rank_of;
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

/* A growable list of owned names with lookup (first-seen order). The
 * lookup is a hash index (open addressing, FNV-1a), so interning n names
 * costs O(n), never O(n^2). */
typedef struct plot_names {
    char **v;
    size_t n, cap;
    size_t *slots; /* n_slots entries: index + 1, 0 = empty */
    size_t n_slots;
} plot_names;

struct chiso_chart {
    chiso_plot_kind kind;
    chiso_plot_lang lang;
    chiso_plot_numfmt numfmt;
    int decimals; /* of value labels; -1 = from the data */
    char *text[CHISO_PLOT_N_TEXTS];
    char *highlight;

    plot_series *series; /* trend, small multiples */
    size_t n_series;
    int rank_axis; /* the series are ranks (chiso_chart_add_rank_series) */
    plot_break breaks[PLOT_MAX_BREAKS];
    size_t n_breaks;
    double *xt_v;   /* caller's x ticks (chiso_chart_set_x_tick_labels) */
    char **xt_text; /* their labels */
    size_t n_xt;

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

/* Okabe-Ito colours as 0xRRGGBB, in the order series use them
 * (immutable). */
extern const unsigned int chiso_plot__palette[8];
#define PLOT_N_MARKERS 8
#define PLOT_N_DASHES  5

/* Built-in label in the chart's language: the catalogue's text for the
 * English msgid (analytics/util/po/vi.po). */
const char *chiso_plot__msg(const chiso_chart *c, const char *msgid)
    CHISO_FORMAT_ARG(2);
/* The catalogue language of the chart. */
chiso_lang chiso_plot__lang(const chiso_chart *c);

long chiso_plot__names_find(const plot_names *nm, const char *s);
/* Index of s, adding it if new; -1 on allocation failure. */
long chiso_plot__names_intern(plot_names *nm, const char *s);
void chiso_plot__names_free(plot_names *nm);

/* Does the chart's highlight equal s? */
int chiso_plot__is_highlight(const chiso_chart *c, const char *s);

/* Trend x of the methodology-break rule for break b (data units). */
double chiso_plot__break_rule_x(const chiso_chart *c, double bx);

/* Decimals (0, 1 or 2) needed to show a data value: 2 at most. */
int chiso_plot__value_decimals(double v);

/* Decimals of the chart's value labels: the caller's choice
 * (chiso_chart_set_decimals) or the fewest that show every value. */
int chiso_plot__decimals(const chiso_chart *c);

/* Does a line join point j-1 to point j of series s? Not across a
 * methodology break, not between ranks out of different totals, not
 * from or to a missing value. */
int chiso_plot__joined(const chiso_chart *c, const plot_series *s, size_t j);

/* Mark point i of series s derived (drawn hollow). */
chiso_status chiso_plot__set_derived(plot_series *s, size_t i);

/* Height of v on a vertical axis as a fraction of the plot: 0 at the
 * bottom, 1 at the top (a rank axis puts its low end at the top). */
double chiso_plot__yfrac(const chiso_plot_axis *ax, double v);

/* Does break b cut series s? */
int chiso_plot__break_cuts(const plot_break *b, const plot_series *s);

/* Has any series a derived (computed) point? */
int chiso_plot__has_derived(const chiso_chart *c);

/* Number of bands-carrying series (trend). */
int chiso_plot__has_bands(const chiso_chart *c);

#endif /* CHISO_PLOTS_INT_H */

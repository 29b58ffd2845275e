/*
 * chiso_plot.h - charts leadership can read: a chart model in plain C, a
 * Cairo + Pango renderer, and PNG / SVG / PDF output.
 *
 * Three layers, so each can be tested and reused on its own:
 *
 *   1. DATA (chiso_chart): what to draw - series, bars, cells, steps,
 *      intervals - plus titles and options. Built with chiso_chart_add_*()
 *      from library results (a later `chiso report` calls these directly)
 *      or loaded from a CSV file with chiso_chart_load_csv().
 *   2. MODEL (chiso_plot_model): where everything goes - plot rectangle,
 *      axis domains and "nice" ticks, formatted tick labels, wrapped or
 *      ellipsised category labels, legend grid, fitted line. Computed by
 *      chiso_plot_layout() in plain C from the data, a size and a text
 *      measurer (a callback, so tests use a fake fixed-width measurer and
 *      need no fonts). Every decision a reader could question (an axis
 *      that does not start at zero, a label that was cut) is a field here.
 *   3. RENDER / OUTPUT: chiso_plot_render() draws a model on a caller's
 *      cairo_t with Pango text in "DejaVu Sans"; chiso_plot_write() picks
 *      PNG, SVG or PDF from the file extension, owns the surface, checks
 *      the cairo status and writes atomically (temporary file + rename).
 *
 * Honesty rules built into the model: bar and waterfall value axes always
 * include zero; a trend axis that does not start at zero gets a break mark
 * and a note; methodology breaks cut every line (no segment crosses one)
 * and are drawn as a labelled vertical rule; the palette is Okabe-Ito with
 * a distinct marker shape and dash pattern per series, so series stay
 * distinguishable in greyscale print.
 *
 * Determinism: the same chart and size give the same bytes in every
 * format. PDF creation and modification dates come from SOURCE_DATE_EPOCH
 * when it is set, else the fixed date 2000-01-01T00:00:00Z.
 *
 * Sizes: width and height are pixels for PNG and points (1/72 in) for SVG
 * and PDF, with the same numbers, so a 1200 x 800 chart has the same
 * layout in every format.
 *
 * Threads: a chart, a model or a cairo_t is used by one thread at a time;
 * different threads may draw different charts at once (Pango keeps one
 * font map per thread).
 */
#ifndef CHISO_PLOT_H
#define CHISO_PLOT_H

#include "chiso_util.h"

#include <cairo.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- kinds, languages, formats ---------------------------------------- */

typedef enum chiso_plot_kind {
    CHISO_PLOT_TREND = 0,      /* lines over x (years), breaks, bands */
    CHISO_PLOT_BARS,           /* ranked horizontal bars, bands shaded */
    CHISO_PLOT_RADAR,          /* areas as % of their maximum */
    CHISO_PLOT_HEATMAP,        /* rows x columns, colour scale legend */
    CHISO_PLOT_WATERFALL,      /* maximum -> points lost -> achieved */
    CHISO_PLOT_SCATTER,        /* points, least-squares line and r */
    CHISO_PLOT_RANK_INTERVAL,  /* rank with its 5-95 % interval */
    CHISO_PLOT_SMALL_MULTIPLES /* one trend panel per series */
} chiso_plot_kind;

#define CHISO_PLOT_N_KINDS 8

/* Name used on the command line ("trend", "bars", "radar", "heatmap",
 * "waterfall", "scatter", "rank-interval", "small-multiples"). */
const char *chiso_plot_kind_name(chiso_plot_kind kind);
/* Parse a kind name; returns 0 on success, -1 if unknown. */
int chiso_plot_kind_parse(const char *name, chiso_plot_kind *out);

/* Language of the labels the library writes itself (legend entries such as
 * "Đường xu hướng", notes, the "Nguồn:" footer prefix). */
typedef enum chiso_plot_lang {
    CHISO_PLOT_LANG_VI = 0,
    CHISO_PLOT_LANG_EN
} chiso_plot_lang;

/* Number format of tick and value labels: vi = decimal comma and '.'
 * thousands ("1.234,5"), en = decimal point and ',' thousands ("1,234.5").
 * Numbers below 10 000 in magnitude are never grouped (years stay 2024). */
typedef enum chiso_plot_numfmt {
    CHISO_PLOT_NUM_VI = 0,
    CHISO_PLOT_NUM_EN
} chiso_plot_numfmt;

typedef enum chiso_plot_format {
    CHISO_PLOT_PNG = 0,
    CHISO_PLOT_SVG,
    CHISO_PLOT_PDF
} chiso_plot_format;

/* Output format from a path's extension (.png, .svg, .pdf; case ignored).
 * Returns 0 on success, -1 for any other extension. */
int chiso_plot_format_from_path(const char *path, chiso_plot_format *out);

/* ---- chart data --------------------------------------------------------- */

typedef struct chiso_chart chiso_chart;

/* Texts a chart may carry. All are optional UTF-8; NULL or "" clears. */
typedef enum chiso_plot_text {
    CHISO_PLOT_TITLE = 0,
    CHISO_PLOT_SUBTITLE,
    CHISO_PLOT_SOURCE,  /* footer, drawn as "Nguồn: <text>" / "Source:" */
    CHISO_PLOT_X_LABEL, /* axis titles */
    CHISO_PLOT_Y_LABEL,
    CHISO_PLOT_BAND_LABEL, /* legend entry of the lo-hi band (trend) */
    CHISO_PLOT_RANK_NOTE,  /* bars: what the bracketed ranks are (default:
                              "In brackets: the published rank ...") */
    CHISO_PLOT_N_TEXTS
} chiso_plot_text;

/* A new empty chart of the given kind; the caller frees it with
 * chiso_chart_free(). Returns CHISO_ENOMEM or CHISO_EINVAL (bad kind). */
chiso_status chiso_chart_new(chiso_chart **out, chiso_plot_kind kind);
/* Release a chart. NULL is allowed. */
void chiso_chart_free(chiso_chart *chart);

chiso_plot_kind chiso_chart_kind(const chiso_chart *chart);
/* Set (copy) one of the texts. CHISO_EINVAL if not valid UTF-8. */
chiso_status chiso_chart_set_text(chiso_chart *chart,
                                  chiso_plot_text which,
                                  const char *utf8);
/* Language of built-in labels; also sets the number format to match
 * unless chiso_chart_set_number_format() is called afterwards. */
void chiso_chart_set_lang(chiso_chart *chart, chiso_plot_lang lang);
void chiso_chart_set_number_format(chiso_chart *chart, chiso_plot_numfmt fmt);
/* Decimals of the numbers the chart writes from its data (bar and
 * waterfall values, radar percentages, heatmap cells): 0..6, or -1 (the
 * default) for the fewest that show every value (at most 2; radar 1).
 * CHISO_EINVAL outside -1..6. */
chiso_status chiso_chart_set_decimals(chiso_chart *chart, int decimals);
/* Write v exactly as the chart writes its values (its decimals and number
 * format), so a sentence about the chart quotes the same figure. Returns
 * the byte length (see chiso_plot_format_number). */
size_t chiso_chart_format_value(const chiso_chart *chart,
                                double v,
                                char *buf,
                                size_t cap);
/* Name of the unit (series, bar, row, point or interval label) to
 * emphasise. Copied. A name that matches nothing is not an error here;
 * chiso_chart_highlight_found() tells. */
chiso_status chiso_chart_set_highlight(chiso_chart *chart, const char *unit);
/* Does the highlight name one of the chart's units? (1/0; 1 if unset) */
int chiso_chart_highlight_found(const chiso_chart *chart);

/*
 * TREND, SMALL_MULTIPLES: add a series of n points. x must be finite and
 * strictly increasing; y may be NaN for "no value" (the line stops there).
 * lo and hi may be NULL (no band); when given, lo[i] <= y[i] <= hi[i] or
 * both NaN. Arrays are copied. At most 64 series.
 * Returns CHISO_EINVAL for a wrong kind or inconsistent data.
 */
chiso_status chiso_chart_add_series(chiso_chart *chart,
                                    const char *name,
                                    const double *x,
                                    const double *y,
                                    const double *lo,
                                    const double *hi,
                                    size_t n);
/*
 * TREND, SMALL_MULTIPLES: a series of ranks (1 = best). rank[i] is a whole
 * number in 1..rank_of[i] or NaN (no rank that year); rank_of[i] is the
 * number of units ranked that year (61, 63, 34...). derived (may be NULL):
 * 1 for a rank computed by arithmetic rather than published; such points
 * are drawn hollow and the legend says so. A chart holds either rank
 * series or value series, never both (CHISO_EINVAL). With rank series the
 * y axis runs from 1 at the top down to the largest rank_of, its ticks
 * include 1 and that total, and no line joins two ranks out of different
 * totals (a note says so) or crosses a methodology break.
 */
chiso_status chiso_chart_add_rank_series(chiso_chart *chart,
                                         const char *name,
                                         const double *x,
                                         const double *rank,
                                         const long *rank_of,
                                         const unsigned char *derived,
                                         size_t n);

/*
 * TREND, SMALL_MULTIPLES: a methodology break starting at x: no line
 * joins a point before x to a point at or after x, and a vertical rule
 * labelled `label` is drawn halfway between the last x before it and x.
 */
chiso_status
chiso_chart_add_break(chiso_chart *chart, double x, const char *label);
/* The same for one series only (series NULL = every series, as above):
 * a break in one index's methodology does not cut another index's line.
 * The rule and its label are drawn across the chart all the same. */
chiso_status chiso_chart_add_series_break(chiso_chart *chart,
                                          const char *series,
                                          double x,
                                          const char *label);

/*
 * TREND, SMALL_MULTIPLES: the x axis carries the caller's ticks instead
 * of numbers: a tick at each x[i] (finite, strictly increasing) labelled
 * labels[i] (UTF-8, one line, e.g. the periods "2023-H1", "2024-Q3",
 * "2024"). The axis then spans the ticks and the data, with half the
 * smallest gap between ticks as margin. When the labels would overlap,
 * labels are thinned from the latest back (the last tick is always
 * labelled; a thinned tick keeps its mark). More than
 * CHISO_PLOT_MAX_TICKS ticks: every k-th is kept, counting back from the
 * last. n = 0 clears (numeric ticks again). Copied. At most
 * CHISO_PLOT_MAX_X_LABELS. CHISO_EINVAL for a wrong kind, x not finite or
 * not increasing, a NULL or invalid label; CHISO_ENOMEM.
 */
#define CHISO_PLOT_MAX_X_LABELS 4096
chiso_status chiso_chart_set_x_tick_labels(chiso_chart *chart,
                                           const double *x,
                                           const char *const *labels,
                                           size_t n);
/* The caller's label of the x tick at exactly x, or NULL when there is
 * none (numeric ticks). Borrowed from the chart. */
const char *chiso_chart_x_tick_label(const chiso_chart *chart, double x);

/* BARS: one bar. value finite; group optional (NULL) - bars of the same
 * group share a colour and the groups get a legend. */
chiso_status chiso_chart_add_bar(chiso_chart *chart,
                                 const char *label,
                                 double value,
                                 const char *group);
/* BARS: a bar that carries its published rank, drawn beside its label as
 * "Nam Định (29/63)" (rank 29 out of 63). rank and rank_of are both 0
 * (no rank: the label is the name alone) or 1 <= rank <= rank_of. A bar's
 * position in the chart is never written as a rank. */
chiso_status chiso_chart_add_ranked_bar(chiso_chart *chart,
                                        const char *label,
                                        double value,
                                        const char *group,
                                        long rank,
                                        long rank_of);
/* BARS: a classification band [from, to) shaded behind the bars and
 * labelled on top (e.g. 90..100 "Nhóm A"). from < to. At most 16. */
chiso_status chiso_chart_add_band(chiso_chart *chart,
                                  double from,
                                  double to,
                                  const char *label);

/* RADAR: one axis value of a series (series may be NULL for a single
 * series). 0 < max; 0 <= value <= max. Axes are taken in first-seen
 * order; every series must give every axis. */
chiso_status chiso_chart_add_radar(chiso_chart *chart,
                                   const char *series,
                                   const char *axis,
                                   double value,
                                   double max);

/* HEATMAP: cell (row, column). value may be NaN (drawn hatched, "no
 * data"). Rows and columns are taken in first-seen order; a repeated cell
 * is CHISO_EINVAL. */
chiso_status chiso_chart_add_cell(chiso_chart *chart,
                                  const char *row,
                                  const char *column,
                                  double value);

/* WATERFALL: points lost in one area (lost >= 0). */
chiso_status
chiso_chart_add_step(chiso_chart *chart, const char *label, double lost);
/* WATERFALL: the maximum the steps start from. The achieved score drawn
 * at the end is max minus the sum of the steps. */
chiso_status chiso_chart_set_max(chiso_chart *chart, double max);

/* SCATTER: one point; label may be NULL. */
chiso_status chiso_chart_add_point(chiso_chart *chart,
                                   double x,
                                   double y,
                                   const char *label);

/* RANK_INTERVAL: one unit; 1 <= p5 <= median <= p95, nominal >= 1. */
chiso_status chiso_chart_add_interval(chiso_chart *chart,
                                      const char *unit,
                                      double nominal,
                                      double median,
                                      double p5,
                                      double p95);

/* ---- loading data from CSV ---------------------------------------------- */

/*
 * Options of chiso_chart_load_csv that are not in the file.
 */
typedef struct chiso_plot_csv_options {
    double max;      /* WATERFALL: maximum; NaN = sum of a `max` column */
    double achieved; /* WATERFALL: if not NaN, must equal max - sum(lost)
                         within 0.005, else CHISO_EDATA */
} chiso_plot_csv_options;

/* Initialise options: max and achieved NaN. */
void chiso_plot_csv_options_init(chiso_plot_csv_options *opts);

/*
 * Load a chart's data from a CSV file through the datasets CSV reader
 * (BOM, ';' or ',' or tab, decimal commas). One layout per kind; header
 * names are matched case- and diacritic-insensitively with aliases
 * (docs/charts.md):
 *   trend, small-multiples: series, x, y [, lo, hi]
 *   bars:          unit, value [, group]
 *   radar:         axis, value, max [, series]
 *   heatmap:       row, column, value
 *   waterfall:     label, points_lost [, max]
 *   scatter:       x, y [, label]
 *   rank-interval: unit, nominal_rank, median_rank, p5_rank, p95_rank
 * Errors name file:line:column and the value (CHISO_EPARSE, CHISO_ESCHEMA,
 * CHISO_EDATA) or the file (CHISO_EIO). On success the data is added to
 * `chart` (whose kind selects the layout). opts may be NULL.
 */
chiso_status chiso_chart_load_csv(chiso_chart *chart,
                                  const char *path,
                                  const chiso_plot_csv_options *opts,
                                  chiso_diag *diag);

/* ---- the model: scales and ticks ---------------------------------------- */

#define CHISO_PLOT_MAX_TICKS 24

/* "Nice" ticks: lo..hi by step, step = {1, 2, 2.5, 5} x 10^k. In a chart
 * model an axis may carry other ticks: the years of a short trend (one
 * tick per year, a single tick for a single year) or the ranks 1, the
 * multiples of a step, and the number ranked. */
typedef struct chiso_plot_ticks {
    double lo, hi; /* the axis domain: lo <= data min, hi >= data max */
    double step;
    size_t n; /* number of ticks, 1..CHISO_PLOT_MAX_TICKS */
    double v[CHISO_PLOT_MAX_TICKS];
    int decimals; /* decimals needed to write every tick exactly */
} chiso_plot_ticks;

/*
 * Ticks for data in [min, max] aiming at about `target` ticks (2..20):
 * the domain is widened to multiples of the step. When min == max the
 * range is widened around the value (0 -> [0, 1]; v -> about v +- 10 %).
 * When `integers` is set, the step is at least 1 (years, ranks).
 * Returns CHISO_EDOMAIN if min or max is not finite, min > max, or the
 * span overflows a double; the ticks are then untouched.
 */
chiso_status chiso_plot_nice_ticks(
    double min, double max, int target, int integers, chiso_plot_ticks *out);

/*
 * Ticks of a rank axis for ranks out of n (n >= 1): 1, the multiples of a
 * nice step (about `target` ticks) and n itself; a multiple closer to n
 * than half a step is left out so the labels of the two do not collide.
 * The domain runs half a rank (at least 2 % of n) beyond 1 and n. Returns
 * CHISO_EDOMAIN when n < 1 or n is too large to draw.
 */
chiso_status chiso_plot_rank_ticks(long n, int target, chiso_plot_ticks *out);

/*
 * Write v with `decimals` decimals in format fmt into buf (always
 * NUL-terminated), rounded half away from zero as the decimal reads
 * (chiso_round_half_up: 2.675 -> 2.68). Uses a proper minus sign U+2212. |v| >= 1e15 or a
 * nonzero |v| < 1e-6 is written in scientific form ("1,5×10^20").
 * Returns the byte length written.
 */
size_t chiso_plot_format_number(
    double v, int decimals, chiso_plot_numfmt fmt, char *buf, size_t cap);

/* ---- the model: text measuring and fitting ------------------------------ */

/*
 * Text measurer: width of a UTF-8 text (single line) at a font size in
 * device units, regular or bold; and the line height at that size. The
 * renderer supplies a Pango one; tests supply a fixed-width fake.
 */
typedef struct chiso_plot_measure {
    double (*text_width)(
        void *ctx, const char *text, size_t len, double size, int bold);
    double (*line_height)(void *ctx, double size);
    void *ctx;
} chiso_plot_measure;

/*
 * A text fitted into a box: the text to draw (lines separated by '\n'),
 * its size, and what had to be done to it.
 */
typedef struct chiso_plot_label {
    char *text;  /* owned by the model; "" if nothing to draw */
    double x, y; /* anchor (meaning depends on the element) */
    double w, h; /* extent of the fitted text */
    double size; /* font size in device units */
    int bold;
    int n_lines;
    int truncated; /* 1 if an ellipsis "…" was added */
    int hidden;    /* 1 if dropped to avoid an overlap */
    int align;     /* lines within w: 0 left, 1 centre, 2 right */
    int vertical;  /* 1: drawn rotated 90 degrees counter-clockwise;
                       x, y, w, h are then the rotated box on the canvas */
} chiso_plot_label;

/*
 * Fit text into at most max_lines lines of max_width: words wrap at
 * spaces; a word longer than a line is cut; if text remains after the last
 * line, that line ends with "…" (U+2026) and truncated is set. Never cuts
 * inside a UTF-8 character or between a letter and its combining marks.
 * max_lines >= 1. On success *out is filled (out->text owned by the caller,
 * free()) and w, h, n_lines, truncated set; x, y are 0.
 */
chiso_status chiso_plot_fit_text(const chiso_plot_measure *m,
                                 const char *text,
                                 double size,
                                 int bold,
                                 double max_width,
                                 int max_lines,
                                 chiso_plot_label *out);

/*
 * Legend layout: n entries (swatch + label) in a grid at most max_width
 * wide. Picks the largest number of columns (<= max_cols, at most
 * CHISO_PLOT_LEGEND_MAX_COLS, >= 1) for which every label fits at its
 * natural width, each column as wide as its widest entry; if even one
 * column is too narrow, labels are ellipsised. Entries fill row by row.
 */
#define CHISO_PLOT_LEGEND_MAX_COLS 8

typedef struct chiso_plot_legend {
    size_t n, cols, rows;
    double x, y, w, h;       /* box, set by the chart layout */
    double col_w, row_h;     /* width of the first column; row height */
    double swatch_w;         /* width of the line/marker sample */
    chiso_plot_label *items; /* n items; x, y relative to the box */
} chiso_plot_legend;

chiso_status chiso_plot_legend_layout(const chiso_plot_measure *m,
                                      const char *const *labels,
                                      size_t n,
                                      double size,
                                      double max_width,
                                      size_t max_cols,
                                      chiso_plot_legend *out);
/* Free what chiso_plot_legend_layout() allocated. NULL allowed. */
void chiso_plot_legend_clear(chiso_plot_legend *lg);

/*
 * Collision thinning along one axis: n labels centred at pos[i] with
 * extent len[i] (same unit). Marks label i hidden (hide[i] = 1) when it
 * would come closer than `gap` to the previous kept label; label 0 and the
 * last label are always considered first, so the ends of an axis stay
 * labelled. Returns the number of labels kept.
 */
size_t chiso_plot_thin_labels(const double *pos,
                              const double *len,
                              size_t n,
                              double gap,
                              unsigned char *hide);

/*
 * Point labels (scatter): for each point i at (px[i], py[i]) with a label
 * of size w[i] x h[i], try the positions right, left, above, below of the
 * point (offset `off`); choose the first that stays inside `bounds` (x, y,
 * w, h) and overlaps no earlier label and no point (a point occupies the
 * square of half-side `off` around it); otherwise the label is hidden.
 * Results in lx, ly (top-left) and hide. Points with priority[i] != 0
 * (the highlighted unit) are placed first; a point with an empty label
 * (w or h 0) is only an obstacle. The points sit in a grid, so the cost
 * grows with n and the points near each label, never with n squared.
 * Returns CHISO_ENOMEM (labels then all hidden) or CHISO_OK.
 */
chiso_status chiso_plot_place_point_labels(const double *px,
                                           const double *py,
                                           const double *w,
                                           const double *h,
                                           const int *priority,
                                           size_t n,
                                           double off,
                                           const double bounds[4],
                                           double *lx,
                                           double *ly,
                                           unsigned char *hide);

/* ---- the model: least squares ------------------------------------------ */

/* Ordinary least squares y = a + b x (GSL's gsl_fit_linear) and
 * Pearson's r (gsl_stats_correlation) over n points. CHISO_EDOMAIN if
 * n < 3 or x (or y, for r) has zero variance. */
chiso_status chiso_plot_fit_line(const double *x,
                                 const double *y,
                                 size_t n,
                                 double *a,
                                 double *b,
                                 double *r);

/* ---- the model: a whole chart ------------------------------------------- */

typedef struct chiso_plot_rect {
    double x, y, w, h;
} chiso_plot_rect;

typedef struct chiso_plot_axis {
    chiso_plot_ticks ticks;
    int integers;                  /* ticks are whole numbers (years, ranks) */
    int starts_at_zero;            /* domain includes 0 */
    int inverted;                  /* rank axis: ticks.lo (rank 1) at the top */
    chiso_plot_label *tick_labels; /* ticks.n formatted labels */
    int caller_labels; /* the ticks are the caller's, labelled with its
                          texts (chiso_chart_set_x_tick_labels) */
} chiso_plot_axis;

typedef struct chiso_plot_model {
    chiso_plot_kind kind;
    double width, height;
    double font_size; /* base text size in device units */
    chiso_plot_label title, subtitle, footer;
    chiso_plot_label note; /* e.g. "Trục tung không bắt đầu từ 0" */
    chiso_plot_rect plot;  /* data area (whole grid for small multiples) */
    chiso_plot_axis x, y;  /* value axes (x of bars/rank is the value) */
    int y_broken;          /* draw an axis-break mark at the y origin */
    chiso_plot_label x_title, y_title;
    chiso_plot_legend legend;
    /* category labels: bars and rank-interval rows (in display order),
     * heatmap rows, waterfall steps (incl. first and last bar), radar axes */
    size_t n_cats;
    chiso_plot_label *cats;
    size_t *order; /* display position -> data index */
    /* heatmap column labels */
    size_t n_cols;
    chiso_plot_label *cols;
    /* marks: trend break labels (one per break, x is the rule position in
     * device units), bar band labels, scatter point labels */
    size_t n_marks;
    chiso_plot_label *marks;
    double *mark_x; /* breaks: rule x in data units */
    /* small multiples */
    size_t n_panels, panel_cols, panel_rows;
    chiso_plot_rect *panels;
    chiso_plot_label *panel_titles;
    /* scatter fit */
    int has_fit;
    double fit_a, fit_b, fit_r;
    /* heatmap colour scale */
    chiso_plot_axis color;
    chiso_plot_rect color_bar;
    int cell_values;  /* heatmap: values fit inside the cells */
    double cell_font; /* heatmap: size of those values */
    int has_missing;  /* heatmap: some cells have no value */
    double row_h;     /* bars / heatmap / rank rows: row height */
    double radar_cx, radar_cy, radar_r; /* radar centre and radius */
    double tick_len;                    /* length of tick marks */
} chiso_plot_model;

/*
 * Lay a chart out in a width x height canvas. m measures text (see
 * chiso_plot_measure). On success *out is a new model the caller frees
 * with chiso_plot_model_free(). CHISO_EDATA (diag says why) for a chart
 * that cannot be drawn: no data, a series with no finite value, a
 * waterfall whose steps exceed the maximum. CHISO_EINVAL for a size
 * below 200 x 150 or above 20000 x 20000.
 */
chiso_status chiso_plot_layout(chiso_plot_model **out,
                               const chiso_chart *chart,
                               double width,
                               double height,
                               const chiso_plot_measure *m,
                               chiso_diag *diag);
void chiso_plot_model_free(chiso_plot_model *model);

/* ---- rendering and output ----------------------------------------------- */

/*
 * Can this chart be drawn at this size? Runs the layout's data checks
 * with a font-free measurer (no font, no surface): CHISO_EDATA with the
 * reason in diag (in diag->lang) for a chart with nothing to draw - no
 * series, a heatmap whose every cell is empty, a radar with fewer than 3
 * axes... - else CHISO_OK. Whether the texts fit is left to the real
 * layout. A caller building several charts (a report) leaves out those
 * that fail here instead of failing as a whole.
 */
chiso_status chiso_plot_check(const chiso_chart *chart,
                              double width,
                              double height,
                              chiso_diag *diag);

/*
 * Draw a laid-out chart on cr, in device units from (0, 0) to
 * (model->width, model->height), white background included. The caller
 * owns cr and its surface. The model must come from the same chart and a
 * measurer from chiso_plot_pango_measure_init() (for the text to fit).
 * Returns CHISO_EIO if cr is in an error state afterwards.
 */
chiso_status chiso_plot_render(cairo_t *cr,
                               const chiso_chart *chart,
                               const chiso_plot_model *model,
                               chiso_diag *diag);

/*
 * A Pango measurer for cr's target (DejaVu Sans through fontconfig, no
 * hinting so every format measures the same). Release with
 * chiso_plot_pango_measure_clear().
 */
chiso_status chiso_plot_pango_measure_init(chiso_plot_measure *m, cairo_t *cr);
void chiso_plot_pango_measure_clear(chiso_plot_measure *m);

/*
 * Release the fonts Pango loaded for this thread (its default font map and
 * caches). Optional: call it once before exit so leak checkers stay quiet;
 * later renders load the fonts again.
 */
void chiso_plot_release_fonts(void);

/*
 * Fontconfig's configuration loaded ahead, on a thread of its own, while
 * the caller does other work (reading data): fontconfig reads its whole
 * configuration (some fifty files, several milliseconds) the first time
 * any thread needs a font. chiso_plot_preload_start() returns NULL when
 * no thread could be started (nothing is lost: it loads when first
 * used). chiso_plot_preload_wait() waits until it is loaded (call it
 * before any thread draws text: two threads that find it missing would
 * each read it); chiso_plot_preload_free() waits too, then frees. Both
 * accept NULL. Nothing drawn depends on whether it was preloaded.
 */
typedef struct chiso_plot_preload chiso_plot_preload;
chiso_plot_preload *chiso_plot_preload_start(void);
void chiso_plot_preload_wait(chiso_plot_preload *p);
void chiso_plot_preload_free(chiso_plot_preload *p);

/* Lay out and draw in one call (for a caller's own surface). */
chiso_status chiso_plot_draw(cairo_t *cr,
                             const chiso_chart *chart,
                             double width,
                             double height,
                             chiso_diag *diag);

/*
 * Render to a file whose format follows the extension of path (.png,
 * .svg, .pdf; anything else is CHISO_EUSAGE). The file is written to a
 * temporary file beside path and renamed into place only when complete;
 * on any error nothing is left behind. "-" is not accepted.
 */
chiso_status chiso_plot_write(const chiso_chart *chart,
                              const char *path,
                              double width,
                              double height,
                              chiso_diag *diag);

/*
 * Options of chiso_plot_write_ex. Initialise with
 * chiso_plot_write_options_init (1200 x 800, synced).
 */
typedef struct chiso_plot_write_options {
    double width, height;
    /* 1: skip the per-file fsync, for batch callers that write many
     * charts into a folder and sync it once (the report pack, the
     * benchmark). The file is still written beside its name and renamed
     * into place, so no reader ever sees half a chart; only durability
     * after a power cut is left to the caller's sync. The path must then
     * be absent or a regular file (CHISO_EUSAGE otherwise). */
    int no_sync;
    /* chiso_plot_write_many: threads drawing at once, the caller's
     * included; 0 = one per online processor; at most
     * CHISO_PLOT_MAX_THREADS. Ignored by chiso_plot_write_ex. */
    unsigned threads;
} chiso_plot_write_options;

#define CHISO_PLOT_MAX_THREADS 16

void chiso_plot_write_options_init(chiso_plot_write_options *opts);

/* chiso_plot_write with options. */
chiso_status chiso_plot_write_ex(const chiso_chart *chart,
                                 const char *path,
                                 const chiso_plot_write_options *opts,
                                 chiso_diag *diag);

/*
 * Write n charts, charts[i] to paths[i] (formats from the extensions),
 * drawn by up to opts->threads threads at once (each chart's bytes are
 * the same as chiso_plot_write_ex would give). Stops taking new charts
 * at the first failure; the diagnostic is that of the failed chart with
 * the lowest index. Charts written before a failure stay: batch callers
 * write into a folder they discard on failure (a report pack). The
 * helper threads release their fonts before they end.
 */
chiso_status chiso_plot_write_many(const chiso_chart *const *charts,
                                   const char *const *paths,
                                   size_t n,
                                   const chiso_plot_write_options *opts,
                                   chiso_diag *diag);

/* Render into a stream in a given format (used by chiso_plot_write). */
chiso_status chiso_plot_write_stream(const chiso_chart *chart,
                                     FILE *f,
                                     chiso_plot_format fmt,
                                     double width,
                                     double height,
                                     chiso_diag *diag);

/* ---- summary ------------------------------------------------------------ */

struct cJSON;

/*
 * JSON summary of a chart written to out_path (chiso plot --json;
 * docs/charts.md): schema_version, kind, data (data_path or null), output,
 * format, width, height, unit, lang, number_format, items (series, bars,
 * axes, rows, points or units), breaks, bands, highlight (or null),
 * highlight_found. The caller frees it with cJSON_Delete(); NULL when out
 * of memory.
 */
struct cJSON *chiso_plot_summary_json(const chiso_chart *chart,
                                      const char *data_path,
                                      const char *out_path,
                                      chiso_plot_format fmt,
                                      double width,
                                      double height);

/* ---- hover regions (web pages) ------------------------------------------ */

typedef enum chiso_plot_spot_shape {
    CHISO_PLOT_SPOT_RECT = 0, /* x, y top-left corner; w, h size */
    CHISO_PLOT_SPOT_CIRCLE    /* x, y centre; w radius (h = w) */
} chiso_plot_spot_shape;

/* A region over one data mark, in device units of the model's canvas
 * (SVG user units), and what the mark says: "Hưng Yên — 2023: 86,89". */
typedef struct chiso_plot_hotspot {
    chiso_plot_spot_shape shape;
    double x, y, w, h;
    char *label; /* UTF-8, one line, chart's language and number format */
} chiso_plot_hotspot;

/*
 * The data marks of a laid-out chart (a bar row, a point, a heatmap cell,
 * a waterfall column, a radar vertex, a rank row), positioned as
 * chiso_plot_render() draws them from the same model, each with its label
 * and value (plots/hotspots.c). A web page overlays transparent shapes
 * with a tooltip on the chart's SVG. *out is owned by the caller
 * (chiso_plot_hotspots_free); *n may be 0. CHISO_EINVAL if the model is
 * not of the chart's kind, CHISO_ENOMEM.
 */
chiso_status chiso_plot_hotspots(const chiso_chart *chart,
                                 const chiso_plot_model *model,
                                 chiso_plot_hotspot **out,
                                 size_t *n);
void chiso_plot_hotspots_free(chiso_plot_hotspot *spots, size_t n);

/* ---- one chart, several outputs ------------------------------------------ */

/*
 * A chart written once for every output that needs it at the same size:
 * its PNG file, its SVG file and, when keep_svg is set, the SVG bytes and
 * the hotspots for a web page (chiso_web_figure_drawn). The chart is laid
 * out once (texts are measured without hinting, so the model is the same
 * on every surface) and drawn on each surface from that model; the files'
 * bytes are those chiso_plot_write_ex gives. Filled by
 * chiso_plot_write_jobs; release with chiso_plot_job_clear.
 */
typedef struct chiso_plot_job {
    const chiso_chart *chart;
    const char *png_path; /* NULL: no PNG file */
    const char *svg_path; /* NULL: no SVG file */
    int keep_svg;         /* keep svg/svg_len and spots/n_spots */
    /* results (keep_svg): the SVG document as its file holds it
     * (NUL-terminated), and the data marks of its model */
    char *svg;
    size_t svg_len;
    chiso_plot_hotspot *spots;
    size_t n_spots;
} chiso_plot_job;

/*
 * Run n jobs at opts->width x opts->height, up to opts->threads at once
 * (as chiso_plot_write_many: no_sync honoured, stops taking jobs at the
 * first failure, the diagnostic of the failed job with the lowest index;
 * within a job the PNG comes before the SVG). Files written before a
 * failure stay.
 */
chiso_status chiso_plot_write_jobs(chiso_plot_job *jobs,
                                   size_t n,
                                   const chiso_plot_write_options *opts,
                                   chiso_diag *diag);
/* Free a job's results (the chart and paths are the caller's). */
void chiso_plot_job_clear(chiso_plot_job *job);

/*
 * The same jobs run by threads the caller has anyway (a thread drawing
 * something else that helps when it is done), instead of threads made for
 * them: chiso_plot_batch_new (the jobs stay the caller's and must outlive
 * the batch), chiso_plot_batch_help from any thread (takes jobs until none
 * is left; a thread that helps and uses Pango later releases its fonts as
 * usual), chiso_plot_batch_wait from the caller's thread (helps, then
 * waits for the jobs other threads took; the status and diagnostic of the
 * failed job with the lowest index), chiso_plot_batch_free once no thread
 * can still call help.
 */
typedef struct chiso_plot_batch chiso_plot_batch;
chiso_status chiso_plot_batch_new(chiso_plot_batch **out,
                                  chiso_plot_job *jobs,
                                  size_t n,
                                  const chiso_plot_write_options *opts,
                                  chiso_diag *diag);
void chiso_plot_batch_help(chiso_plot_batch *batch);
chiso_status chiso_plot_batch_wait(chiso_plot_batch *batch, chiso_diag *diag);
void chiso_plot_batch_free(chiso_plot_batch *batch);

#ifdef __cplusplus
}
#endif

/* Multi-page PDF documents (the report brief) are part of this module. */
#include "chiso_doc.h"

#endif /* CHISO_PLOT_H */

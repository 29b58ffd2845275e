/*
 * chiso_composite.h - composite indices over a tree of indicators, and
 * their Monte Carlo uncertainty.
 *
 * Input is COINr's layout (bluefoxr/COINr, MIT): a data table (iData: one
 * row per unit, column uCode, optional uName and Time, one column per
 * indicator, group, denominator or other variable, named by its code) and a
 * metadata table (iMeta: one row per code with Level, iCode, iName, Parent,
 * Direction, Weight, Type). Loading validates both and their agreement and
 * reports the first problem as file:line:column: message.
 *
 * The engine normalises every indicator across units (min-max onto a range,
 * z-score, rank, goalposts or distance to a target; always so that higher
 * is better), then aggregates level by level up the tree (weighted
 * arithmetic, geometric or harmonic mean). A missing value is dropped and
 * the remaining weights renormalised within its parent; an aggregate whose
 * children are all missing is itself missing, and so on upwards. Ranks are
 * computed on unrounded scores, higher first, ties sharing the best place
 * (1, 2, 2, 4).
 *
 * chiso_uncertainty_run() repeats the computation N times with perturbed
 * weights and a normalisation and aggregation drawn from given sets, and
 * summarises each unit's rank distribution (median, 5th and 95th
 * percentiles). Runs are reproducible bit for bit from the seed, whatever
 * the number of threads.
 *
 * Everything here is pure computation on the loaded tables: nothing is
 * printed. The structures are transparent and read-only for callers.
 */
#ifndef CHISO_COMPOSITE_H
#define CHISO_COMPOSITE_H

#include "chiso_util.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

#define CHISO_CMP_NONE ((size_t)-1)

/* The Type column of iMeta. */
typedef enum chiso_cmp_type {
    CHISO_CMP_INDICATOR = 0, /* level 1: a column of iData, normalised */
    CHISO_CMP_AGGREGATE,     /* level >= 2: computed from its children */
    CHISO_CMP_GROUP,         /* a grouping column (read, not used) */
    CHISO_CMP_DENOMINATOR,   /* a denominator column (read, not used) */
    CHISO_CMP_OTHER          /* passed through, ignored */
} chiso_cmp_type;

/* One indicator or aggregate of the tree. */
typedef struct chiso_cmp_node {
    char *code;          /* iCode */
    char *name;          /* iName, or the code when iName is empty */
    chiso_cmp_type type; /* CHISO_CMP_INDICATOR or CHISO_CMP_AGGREGATE */
    int level;           /* 1 for indicators */
    size_t parent;       /* index into nodes, CHISO_CMP_NONE for the index */
    size_t *children;    /* indices into nodes, in iMeta order */
    size_t n_children;
    double weight;           /* as written (relative within the parent) */
    double weight_share;     /* weight / sum of the siblings' weights */
    double effective_weight; /* product of weight_share up to the index */
    int direction;           /* +1: higher is better, -1: lower is better */
    int has_target;          /* Target column */
    double target;
    int has_goalposts; /* goalpost_lower / goalpost_upper columns */
    double goalpost_lower, goalpost_upper;
    size_t n_missing;                 /* indicators: units without a value */
    unsigned long meta_line;          /* iMeta line of the row */
    unsigned long meta_column;        /* column of its iCode cell */
    unsigned long meta_weight_column; /* column of its Weight cell */
    size_t data_field; /* indicators: 0-based field index in iData */
} chiso_cmp_node;

/*
 * A loaded composite index: the tree and the raw indicator values.
 * nodes[0 .. n_indicators) are the indicators in iMeta order, followed by
 * the aggregates by increasing level (iMeta order within a level), so a
 * child always precedes its parent and nodes[root] (the index) is last.
 */
typedef struct chiso_composite {
    char *data_path;
    char *meta_path;
    size_t n_units;
    char **unit_code;         /* uCode */
    char **unit_name;         /* uName, or the code */
    unsigned long *unit_line; /* iData line of each unit */
    size_t n_nodes;
    chiso_cmp_node *nodes;
    size_t n_indicators;
    size_t root;
    int n_levels; /* level of the index */
    /* raw values, indicator-major: value[i * n_units + u]; a cell that
       was empty (or NA, N/A) has present[...] == 0 and value 0 */
    double *value;
    unsigned char *present;
    size_t n_missing; /* missing indicator cells in total */
    char *time;       /* the Time value kept, or NULL */
} chiso_composite;

/* Options of chiso_composite_load(). */
typedef struct chiso_composite_load_options {
    /* keep only the iData rows whose Time cell equals this text (panel
       data); NULL: Time, if present, must hold one value */
    const char *time;
} chiso_composite_load_options;

#define CHISO_COMPOSITE_LOAD_OPTIONS_INIT                                      \
    {                                                                          \
        NULL                                                                   \
    }

/*
 * Load and validate iData (data_path) and iMeta (meta_path), CSV files as
 * chiso_csv_open() reads them ("-" is not allowed for either).
 *
 * iMeta columns (matched case- and diacritic-insensitively; Vietnamese
 * aliases in docs/composite.md): Level, iCode, Parent, Direction, Weight, Type
 * required; iName, Target, goalpost_lower, goalpost_upper optional; others
 * ignored. Checks: codes unique and non-empty; Type one of Indicator,
 * Aggregate, Group, Denominator, Other; indicators at Level 1, aggregates
 * at 2 or more; every Parent an aggregate exactly one level up; no cycles;
 * exactly one aggregate without a Parent (the index); no childless
 * aggregate; weights finite and >= 0 and not all 0 within a parent;
 * Direction 1 or -1 for indicators.
 *
 * iData: column uCode required (codes unique, non-empty), uName and Time
 * optional; every other column must be an iMeta code that is not an
 * aggregate, and every non-aggregate iMeta code must be a column.
 * Indicator cells are numbers (decimal point or comma) or empty, "NA",
 * "N/A" for a missing value; denominator cells are numbers or empty.
 *
 * Returns CHISO_OK and a new model in *out (free with
 * chiso_composite_free()), or CHISO_EIO, CHISO_EPARSE, CHISO_EDATA,
 * CHISO_ESCHEMA, CHISO_ENOMEM with *out NULL and diag saying where.
 * opts may be NULL.
 */
chiso_status chiso_composite_load(chiso_composite **out,
                                  const char *data_path,
                                  const char *meta_path,
                                  const chiso_composite_load_options *opts,
                                  chiso_diag *diag);

/* Release a model. NULL is allowed. */
void chiso_composite_free(chiso_composite *m);

/* Index of the node with this code, or CHISO_CMP_NONE. */
size_t chiso_composite_find(const chiso_composite *m, const char *code);

/* ---- computing ---------------------------------------------------------- */

typedef enum chiso_cmp_norm {
    CHISO_NORM_MINMAX = 0, /* lo + (hi-lo) (x - min) / (max - min) */
    CHISO_NORM_ZSCORE,     /* mean + sd (x - mean(x)) / sd(x), sample sd */
    CHISO_NORM_RANK,       /* rank among units, 1 = lowest, ties min */
    CHISO_NORM_GOALPOSTS,  /* lo + (hi-lo) clamp((x - gl)/(gu - gl), 0, 1) */
    CHISO_NORM_TARGET      /* lo + (hi-lo) min(1, 1 - (t - x)/(t - min)) */
} chiso_cmp_norm;

typedef enum chiso_cmp_agg {
    CHISO_AGG_ARITHMETIC = 0, /* sum(w x) / sum(w) */
    CHISO_AGG_GEOMETRIC,      /* exp(sum(w ln x) / sum(w)); needs x > 0 */
    CHISO_AGG_HARMONIC        /* sum(w) / sum(w / x); needs x > 0 */
} chiso_cmp_agg;

#define CHISO_NORM_COUNT 5
#define CHISO_AGG_COUNT  3

/* "minmax", "zscore", "rank", "goalposts", "target". */
const char *chiso_cmp_norm_name(chiso_cmp_norm n);
/* "arithmetic", "geometric", "harmonic". */
const char *chiso_cmp_agg_name(chiso_cmp_agg a);
/* Parse a name (also "min-max", "z-score", "arith", "geo", "harm").
 * Returns 0 and sets *out, or -1. */
int chiso_cmp_norm_parse(const char *s, chiso_cmp_norm *out);
int chiso_cmp_agg_parse(const char *s, chiso_cmp_agg *out);

typedef struct chiso_composite_options {
    chiso_cmp_norm normalise;
    /* minmax, goalposts and target map a fraction 0..1 onto [range_lo,
       range_hi]; range_lo < range_hi */
    double range_lo, range_hi;
    /* zscore: target mean and standard deviation (sd > 0) */
    double zscore_mean, zscore_sd;
    chiso_cmp_agg aggregate;
} chiso_composite_options;

#define CHISO_COMPOSITE_OPTIONS_INIT                                           \
    {                                                                          \
        CHISO_NORM_MINMAX, 0.0, 100.0, 0.0, 1.0, CHISO_AGG_ARITHMETIC          \
    }

/*
 * Scores of every unit at every node, and ranks.
 *
 * value and defined are node-major (n_nodes x n_units): value[k * n_units
 * + u] is the normalised value (indicators) or the aggregate score of
 * unit u at node k; defined[...] is 0 when it is missing (then value is
 * 0). rank[...] is the unit's rank at that node among the units with a
 * value (1 = best; ties share the best place), 0 when missing. order lists
 * the units by rank at the index, units without an index score last, ties
 * in iData order.
 *
 * For indicators, norm_a and norm_b hold the normalisation's parameters
 * (minmax: min and max of direction * x; zscore: mean and sd of direction
 * * x; goalposts: the goalposts; target: min and target, all in the
 * indicator's own orientation), NaN for rank.
 */
typedef struct chiso_composite_result {
    const chiso_composite *model; /* borrowed; must outlive the result */
    chiso_composite_options opts;
    double *value;
    unsigned char *defined;
    unsigned *rank;
    size_t *order;
    size_t n_ranked;         /* units with an index score */
    double *norm_a, *norm_b; /* n_indicators each */
} chiso_composite_result;

/*
 * Compute a composite index. Returns CHISO_OK and a new result in *out
 * (free with chiso_composite_result_free()), or
 *   CHISO_EUSAGE   bad options (range, sd, unknown method);
 *   CHISO_EDOMAIN  the method cannot be applied to these data: an
 *                  indicator with fewer than two distinct values (min-max,
 *                  z-score), no goalposts or target in iMeta for an
 *                  indicator, a target equal to the minimum, or a value <=
 *                  0 reaching a geometric or harmonic mean (min-max puts
 *                  the lowest unit at range_lo: use a range starting above
 *                  0, e.g. 1,100);
 *   CHISO_ENOMEM.
 * diag names the file and line or column concerned.
 */
chiso_status chiso_composite_compute(chiso_composite_result **out,
                                     const chiso_composite *m,
                                     const chiso_composite_options *opts,
                                     chiso_diag *diag);

void chiso_composite_result_free(chiso_composite_result *res);

/*
 * The JSON document of a result (schema_version 1, docs/composite.md
 * "chiso composite"). Caller owns the tree (cJSON_Delete). NULL on allocation
 * failure.
 */
struct cJSON *chiso_composite_to_json(const chiso_composite_result *res);

/*
 * Write the result as CSV: header "uCode" then every node's code (the
 * indicators normalised, then the aggregates, in node order); one row per
 * unit in iData order; numbers in the shortest form that reads back
 * exactly, empty when missing.
 */
void chiso_composite_write_csv(const chiso_composite_result *res,
                               chiso_csvw *w);

/* ---- uncertainty ---------------------------------------------------------- */

/*
 * Monte Carlo uncertainty of the ranks at the index.
 *
 * Replicate r (0-based) draws, from its own SplitMix64 stream (seeded with
 * the (r+1)-th output of SplitMix64 started at `seed`), in this order:
 * one factor U(1 - weight_noise, 1 + weight_noise) for the weight of every
 * node except the index, in node order; then a normalisation uniformly
 * from `normalise[0 .. n_normalise)`; then an aggregation uniformly from
 * `aggregate[0 .. n_aggregate)`. Uniform doubles are (x >> 11) * 2^-53.
 * Because every replicate has its own stream, results do not depend on
 * the number of threads.
 *
 * The nominal run uses normalise[0], aggregate[0] and the iMeta weights.
 */
typedef struct chiso_uncertainty_options {
    size_t replicates; /* >= 1 */
    uint64_t seed;
    double weight_noise; /* 0 <= noise < 1; 0.25 = +-25 % */
    chiso_cmp_norm normalise[CHISO_NORM_COUNT];
    size_t n_normalise; /* 1 .. CHISO_NORM_COUNT, no repeats */
    chiso_cmp_agg aggregate[CHISO_AGG_COUNT];
    size_t n_aggregate;        /* 1 .. CHISO_AGG_COUNT, no repeats */
    double range_lo, range_hi; /* as chiso_composite_options */
    double zscore_mean, zscore_sd;
    int keep_replicates; /* store every replicate's parameters */
    unsigned threads;    /* 0 = automatic (the free processors, at most
                            16), else this many (1 .. 16) */
    /* called from the calling thread every ~1 % of the work; may be NULL */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} chiso_uncertainty_options;

#define CHISO_UNCERTAINTY_OPTIONS_INIT                                         \
    {                                                                          \
        1000, 1, 0.25, {CHISO_NORM_MINMAX}, 1, {CHISO_AGG_ARITHMETIC}, 1, 0.0, \
            100.0, 0.0, 1.0, 0, 0, NULL, NULL                                  \
    }

/*
 * Per-unit summary (arrays of n_units, iData order). Ranks are 1 = best,
 * ties share the best place; percentiles are type 7 (R's default, numpy's
 * 'linear') over the replicates, by chiso_stats_quantile_kth (GSL's
 * gsl_stats_quantile_from_sorted_data). A unit without an
 * index score has nominal_rank 0 and NaN elsewhere.
 *
 * With keep_replicates, rep_normalise / rep_aggregate (replicates each)
 * hold the methods drawn and rep_weight (replicates x n_nodes, row-major)
 * the perturbed weight of every node (the index's stays as written).
 */
typedef struct chiso_uncertainty_result {
    const chiso_composite *model; /* borrowed */
    chiso_uncertainty_options opts;
    size_t n_units;
    unsigned *nominal_rank;
    double *nominal_score;
    double *median_rank, *p5_rank, *p95_rank, *mean_rank;
    size_t *order; /* units by nominal rank, unranked last */
    size_t n_ranked;
    unsigned threads_used;
    chiso_cmp_norm *rep_normalise;
    chiso_cmp_agg *rep_aggregate;
    double *rep_weight;
} chiso_uncertainty_result;

/*
 * Run the analysis. Every combination of the normalisation and
 * aggregation sets is checked on the data before the first replicate (a
 * geometric mean of z-scores is refused, for instance). Returns CHISO_OK
 * and a result (free with chiso_uncertainty_result_free()), or the errors
 * of chiso_composite_compute(), CHISO_EUSAGE for bad options (also: more
 * than 5000 units, whose rank histograms would take over 100 MB per
 * thread, or keep_replicates beyond 2^27 stored weights), CHISO_ENOMEM.
 */
chiso_status chiso_uncertainty_run(chiso_uncertainty_result **out,
                                   const chiso_composite *m,
                                   const chiso_uncertainty_options *opts,
                                   chiso_diag *diag);

void chiso_uncertainty_result_free(chiso_uncertainty_result *res);

/* JSON document (schema_version 1, docs/composite.md "chiso uncertainty"). */
struct cJSON *chiso_uncertainty_to_json(const chiso_uncertainty_result *res);

/* CSV: unit,nominal_rank,median_rank,p5_rank,p95_rank,nominal_score, one
 * row per unit by nominal rank (unranked last, empty cells). */
void chiso_uncertainty_write_csv(const chiso_uncertainty_result *res,
                                 chiso_csvw *w);

/* CSV of the replicates' parameters (needs keep_replicates): replicate,
 * normalise, aggregate, then the weight of every node but the index, by
 * code. */
void chiso_uncertainty_write_replicates_csv(const chiso_uncertainty_result *res,
                                            chiso_csvw *w);

#ifdef __cplusplus
}
#endif

#endif /* CHISO_COMPOSITE_H */

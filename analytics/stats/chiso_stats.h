/*
 * chiso_stats.h - statistics on published index results and on a
 * department's own tables and surveys (issue 4, parts 1-4 and 7).
 *
 * Four layers, each usable alone:
 *   1. thin validating wrappers over GSL (OLS with a t-based confidence
 *      interval, Pearson and Spearman correlation, average and competition
 *      ranks, type-7 quantiles). Inputs are checked before GSL sees them:
 *      too few points and zero variance are CHISO_EDOMAIN with a reason,
 *      NaN or infinite values are CHISO_EDATA. The GSL error handler must
 *      be off (the CLI turns it off in main()).
 *   2. trend: year-on-year changes and OLS slopes of a published series,
 *      per segment between methodology breaks, never across one.
 *   3. rank and compare: competition ranks, percentiles, PAPI-style
 *      quartile groups and classification bands for one year; Pearson and
 *      Spearman correlation of two indices across units.
 *   4. survey: share of satisfied respondents per criterion, element and
 *      overall, with a seeded respondent-level bootstrap.
 *
 * Every result is a plain struct the caller owns (free with the matching
 * *_free, which accepts NULL) and has a JSON builder returning a cJSON
 * tree (schema_version 1, docs/stats.md). The
 * library never prints.
 */
#ifndef CHISO_STATS_H
#define CHISO_STATS_H

#include "chiso_util.h"
#include "chiso_dataset.h"
#include "chiso_framework.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* ---- 1. validating GSL wrappers (stats.c) -------------------------------- */

/* Ordinary least squares y = intercept + slope * x. */
typedef struct chiso_ols {
    size_t n;
    double df; /* n - 2 */
    double slope, intercept;
    double se_slope, se_intercept;
    double t;               /* slope / se_slope; NaN on a perfect fit */
    double p_value;         /* two-sided, Student t with df; NaN on a
                            perfect fit (residuals all zero) */
    double level;           /* confidence level of the interval, e.g. 0.95 */
    double ci_low, ci_high; /* slope -+ t_{(1+level)/2, df} * se_slope */
    double r2;              /* 1 - SSE/SST; NaN when y is constant */
    double sumsq;           /* residual sum of squares */
    double sigma;           /* residual standard deviation sqrt(SSE/df) */
    int perfect_fit;        /* residuals are zero: t and p are undefined */
} chiso_ols;

/*
 * Fit y on x by OLS (gsl_fit_linear) and add the Student t interval and
 * p-value (gsl_cdf_tdist). Needs n >= 3 (one residual degree of freedom)
 * and x not constant: otherwise CHISO_EDOMAIN with the reason in diag.
 * NaN or infinite inputs are CHISO_EDATA. level must be in (0, 1).
 */
chiso_status chiso_stats_ols(const double *x,
                             const double *y,
                             size_t n,
                             double level,
                             chiso_ols *out,
                             chiso_diag *diag);

/* A correlation coefficient with its test. */
typedef struct chiso_corr {
    size_t n;
    double r;
    double df;      /* n - 2 */
    double t;       /* r * sqrt(df / (1 - r^2)); +-Inf when |r| = 1 */
    double p_value; /* two-sided, Student t with df; 0 when |r| = 1 */
    int t_infinite; /* |r| = 1 exactly (see chiso_stats_pearson): t is
                       +-Inf, which JSON writes as null with a flag */
} chiso_corr;

/*
 * Pearson correlation and its exact t test under normality: centred sums
 * in long double (two passes), 1 - r^2 as the unexplained share SSE/Syy,
 * so t keeps its digits near |r| = 1. Points on a line up to the rounding
 * of their decimal input (every residual within 4 ulps of the point's
 * magnitude) are exactly perfect: r = +-1, t = +-Inf, p = 0, as R's
 * cor.test gives when its own r rounds to 1. Needs n >= 3 and neither
 * variable constant (CHISO_EDOMAIN); NaN is CHISO_EDATA.
 */
chiso_status chiso_stats_pearson(const double *x,
                                 const double *y,
                                 size_t n,
                                 chiso_corr *out,
                                 chiso_diag *diag);

/*
 * Spearman correlation: Pearson on average ranks (ties share the mean of
 * the ranks they span). The p-value uses the same t approximation as
 * Pearson (as R's cor.test(method = "spearman", exact = FALSE) and
 * scipy.stats.spearmanr do); it is not the exact permutation p-value.
 * rho = +-1 is decided exactly (the ranks agree or are reversed): then t
 * = +-Inf and p = 0. Same preconditions as chiso_stats_pearson.
 */
chiso_status chiso_stats_spearman(const double *x,
                                  const double *y,
                                  size_t n,
                                  chiso_corr *out,
                                  chiso_diag *diag);

/* 1-based ascending ranks of v with ties averaged (1, 2.5, 2.5, 4). */
chiso_status
chiso_stats_average_ranks(const double *v, size_t n, double *ranks);

/*
 * Competition ranks ("1224"): 1 + the number of values strictly better.
 * Better is higher when higher_is_better, else lower. Values compare
 * exactly as parsed.
 */
chiso_status chiso_stats_competition_ranks(const double *v,
                                           size_t n,
                                           int higher_is_better,
                                           long *ranks);

/* Quantile of sorted data, R type 7 / gsl_stats_quantile_from_sorted_data:
 * h = (n - 1) p, linear interpolation between order statistics. */
double chiso_stats_quantile_sorted(const double *sorted, size_t n, double p);

/*
 * Type-7 quantile of a sorted sequence that is not stored as an array:
 * kth(ctx, k) returns its k-th smallest value (0-based, k < n). Only the
 * two order statistics the quantile interpolates are asked for, and the
 * result is gsl_stats_quantile_from_sorted_data's, bit for bit (it is
 * called on those two values). NaN when n = 0.
 */
double chiso_stats_quantile_kth(size_t n,
                                double p,
                                double (*kth)(const void *ctx, size_t k),
                                const void *ctx);

/* Two-sided p-value of a Student t statistic with df degrees of freedom. */
double chiso_stats_t_pvalue(double t, double df);

/* ---- string keys (keys.c) -------------------------------------------------- */

/*
 * A set of strings numbered 0, 1, 2 ... in order of first insertion, with
 * constant expected time lookups (a hash table): matching units, codes or
 * respondents stays linear in the input. Keys are byte strings (len bytes,
 * copied); compare them folded or trimmed before, if that is wanted.
 */
typedef struct chiso_stats_keys chiso_stats_keys;

/* A new empty set sized for about `hint` keys. CHISO_ENOMEM or CHISO_OK. */
chiso_status chiso_stats_keys_new(chiso_stats_keys **out, size_t hint);
void chiso_stats_keys_free(chiso_stats_keys *k);
/* Index of the key, or -1. */
long
chiso_stats_keys_find(const chiso_stats_keys *k, const char *s, size_t len);
/* Index of the key, inserted if new (*added = 1 then; added may be NULL). */
chiso_status chiso_stats_keys_add(
    chiso_stats_keys *k, const char *s, size_t len, size_t *index, int *added);
size_t chiso_stats_keys_count(const chiso_stats_keys *k);
/* The key with index i (NUL-terminated, owned by the set). */
const char *chiso_stats_keys_str(const chiso_stats_keys *k, size_t i);

/* ---- user tables (stats.c) ------------------------------------------------ */

/*
 * A small table of units with one or more numeric columns, as a province
 * keeps for its departments: a unit column (unit, don_vi, ten_don_vi,
 * unit_code, ma_don_vi) and the value columns asked for by name (matched
 * folded, so "Điểm" matches "diem"). An empty cell is a missing value
 * (NaN) and an optional note column (note, ghi_chu, ly_do) gives the
 * reason. Duplicate units, non-numbers and negative-infinity are
 * CHISO_EDATA at file:line:column.
 */
typedef struct chiso_user_table {
    char *path;
    char **unit;     /* n names as written (trimmed) */
    char **note;     /* n notes, "" if none */
    double *value;   /* n * n_cols, row-major; NaN = missing */
    char **col_name; /* header names as written */
    size_t n, n_cols;
    unsigned long *line;
} chiso_user_table;

chiso_status chiso_user_table_load(chiso_user_table **out,
                                   const char *path,
                                   const char *const *cols,
                                   size_t n_cols,
                                   chiso_diag *diag);
void chiso_user_table_free(chiso_user_table *t);

/* ---- 2. trend (trend.c) ------------------------------------------------- */

/* One observation of a series. */
typedef struct chiso_trend_point {
    int year;
    double y;                 /* the value, or the rank */
    long rank_of;             /* rank series: out of how many; else 0 */
    const chiso_pub_row *row; /* borrowed from the store */
    double x;                 /* time in years (chiso_pub_row_time): the
                                 year, or the middle of a semester/quarter */
    char period[16];          /* "2024", "2024-H1", "2024-Q3" */
} chiso_trend_point;

/* Change between consecutive observations. */
typedef struct chiso_trend_change {
    int from_year, to_year;
    double change;  /* y(to) - y(from); NaN when not comparable */
    int comparable; /* 0: a break or a change of rank base between */
    char *reason;   /* why not comparable (owned, in the options'
                       language), NULL otherwise */
} chiso_trend_change;

/* A run of observations with no break inside. */
typedef struct chiso_trend_segment {
    size_t first, n; /* points[first .. first + n) */
    int first_year, last_year;
    long rank_of;   /* rank series: the common base; else 0 */
    int computable; /* OLS computed */
    char *reason;   /* why not, when !computable (owned); else NULL */
    chiso_ols ols;
} chiso_trend_segment;

typedef struct chiso_trend_series {
    int ranks; /* 0: values, 1: ranks (lower is better) */
    chiso_trend_point *points;
    size_t n_points;
    chiso_trend_change *changes; /* n_points - 1 (0 if none) */
    size_t n_changes;
    chiso_trend_segment *segments;
    size_t n_segments;
    const char *note; /* e.g. "no values published for this unit (ranks
                         only)", in the options' language; NULL if none */
} chiso_trend_series;

typedef struct chiso_trend_unit {
    const char *unit_code, *unit; /* borrowed from the store */
    const char *scale;
    chiso_trend_series values, ranks;
} chiso_trend_unit;

/* A row of the selection that no series used, and why. */
typedef struct chiso_trend_skip {
    const chiso_pub_row *row;
    char *reason; /* owned, in the options' language */
} chiso_trend_skip;

typedef struct chiso_trend_options {
    const char *index;        /* required: "PAR_INDEX" */
    const char *component_id; /* NULL or "" = the total */
    const char *unit;         /* NULL = every unit with rows */
    const char *unit_type;    /* NULL = every type */
    double level;             /* 0 = 0.95 */
    chiso_lang lang;          /* language of reasons and notes */
} chiso_trend_options;

#define CHISO_TREND_OPTIONS_INIT                                               \
    {                                                                          \
        NULL, NULL, NULL, NULL, 0.95, CHISO_LANG_VI                            \
    }

typedef struct chiso_trend_result {
    const chiso_published *store; /* borrowed */
    char *index, *component_id;
    double level;
    chiso_trend_unit *units; /* in order of first appearance in the store */
    size_t n_units, cap_units;
    chiso_trend_skip *skipped;
    size_t n_skipped, cap_skipped;
    const chiso_pub_break **breaks; /* the breaks that apply (any unit) */
    size_t n_breaks;
} chiso_trend_result;

/*
 * Build the series of one index (and component) for one unit or all
 * units from the preferred published rows; split each at the breaks that
 * apply (and rank series also where rank_of changes); fit OLS per segment
 * with >= 3 points. A unit or index with no rows is CHISO_EDATA ("no rows
 * for ..."); an unknown unit names the closest spellings it tried.
 */
chiso_status chiso_trend_compute(chiso_trend_result **out,
                                 const chiso_published *store,
                                 const chiso_trend_options *opts,
                                 chiso_diag *diag);
struct cJSON *chiso_trend_to_json(const chiso_trend_result *res);
void chiso_trend_free(chiso_trend_result *res);

/*
 * Latest published facts of one index for one unit, for reports: the
 * latest preferred row with a value or a rank, the latest with a value,
 * the latest with a rank (any may be NULL; rows are borrowed from the
 * store), and the trend of the unit's total (owned: chiso_latest_clear).
 * A unit with no row for the index is CHISO_EDATA.
 */
typedef struct chiso_latest {
    const chiso_pub_row *latest, *latest_value, *latest_rank;
    chiso_trend_result *trend;
} chiso_latest;

chiso_status chiso_published_latest(const chiso_published *store,
                                    const char *index,
                                    const char *unit,
                                    chiso_latest *out,
                                    chiso_diag *diag);
void chiso_latest_clear(chiso_latest *l);
/* {"index", "unit_code", "unit", "latest": row, "latest_value": row,
 * "latest_rank": row, "value_trend": segment, "rank_trend": segment}
 * where a row is the JSON of chiso_pub_row_to_json and a segment the
 * last segment of the series. */
struct cJSON *chiso_latest_to_json(const chiso_latest *l);
/* A store row as JSON (every column, numbers rounded to their decimals). */
struct cJSON *chiso_pub_row_to_json(const chiso_pub_row *row);

/* ---- 3a. rank (rank.c) ---------------------------------------------------- */

/* One unit to rank. */
typedef struct chiso_rank_input {
    const char *unit, *unit_code;
    int has_value;
    double value;
    const char *reason; /* why there is no value (has_value = 0) */
    long published_rank, published_rank_of; /* 0 = none */
    int rank_derived;
    const char *source; /* may be NULL */
} chiso_rank_input;

typedef struct chiso_rank_item {
    const chiso_rank_input *in; /* borrowed from the inputs */
    long rank;                  /* competition rank among the ranked units */
    double percentile; /* 100 (rank_asc - 1) / (n - 1); 100 when n = 1 */
    int group;         /* 1 best .. 4 poor; 0 = groups not computed */
    const chiso_class_band *band; /* NULL without a framework */
} chiso_rank_item;

typedef struct chiso_rank_result {
    chiso_rank_item *items; /* ranked, best first; ties by unit name */
    size_t n;
    const chiso_rank_input **unranked; /* no value, in input order */
    size_t n_unranked;
    int higher_is_better;
    int groups;        /* quartile groups computed (n >= 4) */
    double q1, q2, q3; /* type-7 quartiles of the values */
    size_t group_count[4];
} chiso_rank_result;

/*
 * Rank units: competition ranks, percentiles, quartile groups (type-7
 * quartiles; best: value > Q3, high-average: Q2 <= value <= Q3,
 * low-average: Q1 <= value < Q2, poor: value < Q1, mirrored when lower is
 * better; needs at least 4 units) and, when fw is not NULL, its
 * classification band of each value. Inputs are borrowed and must outlive
 * the result. No unit with a value is CHISO_EDATA.
 */
chiso_status chiso_rank_compute(chiso_rank_result **out,
                                const chiso_rank_input *in,
                                size_t n,
                                int higher_is_better,
                                const chiso_framework *fw,
                                chiso_diag *diag);
void chiso_rank_free(chiso_rank_result *res);

/*
 * Rank inputs for one index, component and year from the store: one per
 * unit of unit_type (NULL = "province") with a preferred row; units whose
 * preferred row has no value carry the reason. Rows that are not
 * preferred are not inputs. *out is an array of *n (free with free();
 * strings are borrowed from the store). No row at all is CHISO_EDATA.
 */
chiso_status chiso_rank_inputs_from_store(chiso_rank_input **out,
                                          size_t *n,
                                          const chiso_published *store,
                                          const char *index,
                                          const char *component_id,
                                          int year,
                                          const char *unit_type,
                                          const char **scale,
                                          chiso_diag *diag);

/* JSON of a ranking; `what` describes the data ({"index", ...} object,
 * owned by the result tree). Reasons a unit is not ranked are given in
 * lang (the store's own notes as written). */
struct cJSON *chiso_rank_to_json(const chiso_rank_result *res,
                                 struct cJSON *what,
                                 chiso_lang lang);

/* ---- 3b. compare (compare.c) ------------------------------------------------ */

typedef struct chiso_compare_pair {
    const char *unit, *unit_code;
    double x, y;
} chiso_compare_pair;

typedef struct chiso_compare_result {
    chiso_compare_pair *pairs; /* units both cover, in input order */
    size_t n;
    const char **only_x, **only_y; /* units with a value on one side */
    size_t n_only_x, n_only_y;
    chiso_corr pearson, spearman;
} chiso_compare_result;

/*
 * Correlate x and y over units that have both (matched by unit_code,
 * else by folded name). Units with one side missing are listed. n < 3 or
 * a constant variable is CHISO_EDOMAIN, with the count and the units in
 * the message.
 */
chiso_status chiso_compare_compute(chiso_compare_result **out,
                                   const chiso_rank_input *x,
                                   size_t nx,
                                   const chiso_rank_input *y,
                                   size_t ny,
                                   chiso_diag *diag);
void chiso_compare_free(chiso_compare_result *res);
struct cJSON *chiso_compare_to_json(const chiso_compare_result *res,
                                    struct cJSON *what);

/* ---- 4. survey (survey.c) ------------------------------------------------- */

/* Respondent-level answers, long format (docs/stats.md "chiso survey"). */
typedef struct chiso_survey chiso_survey;

chiso_status
chiso_survey_load(chiso_survey **out, const char *path, chiso_diag *diag);
void chiso_survey_free(chiso_survey *s);
size_t chiso_survey_respondents(const chiso_survey *s);

typedef struct chiso_survey_stat {
    const char *id;         /* criterion or element id; "" for overall */
    const char *element;    /* for a criterion: its element */
    size_t element_index;   /* for a criterion: index in elements[] */
    double share;           /* % satisfied (answer 4 or 5) */
    double ci_low, ci_high; /* bootstrap percentile interval, % */
    size_t n_answers;       /* respondents who answered (criterion) */
    double weight_sum;      /* their total weight (criterion) */
    size_t replicates_used; /* replicates where the statistic existed */
} chiso_survey_stat;

typedef struct chiso_survey_options {
    unsigned long seed; /* gsl_rng_mt19937 seed */
    size_t replicates;  /* bootstrap replicates; 0 = no interval */
    double level;       /* 0.95 */
    /* bytes for the replicate values kept at once (0 = 64 MiB): more
       statistics than fit are done in several passes over the same
       draws, with the same results */
    size_t memory_budget;
} chiso_survey_options;

#define CHISO_SURVEY_OPTIONS_INIT                                              \
    {                                                                          \
        20240417UL, 2000, 0.95, 0                                              \
    }

typedef struct chiso_survey_result {
    chiso_survey_stat *criteria; /* in order of first appearance */
    size_t n_criteria;
    chiso_survey_stat *elements;
    size_t n_elements;
    chiso_survey_stat overall;
    size_t n_respondents;
    int weighted;
    chiso_survey_options opts;
} chiso_survey_result;

/*
 * Shares satisfied: criterion = weighted share of its respondents
 * answering 4 or 5 (non-answers excluded); element = mean of its
 * criteria; overall = mean of the elements. Bootstrap: `replicates`
 * resamples of respondents with replacement (gsl_rng_mt19937 seeded with
 * opts->seed, gsl_rng_uniform_int), each recomputing every statistic;
 * the interval is the type-7 quantiles (1 -+ level) / 2 of the replicate
 * values. The result borrows strings from s.
 */
chiso_status chiso_survey_compute(chiso_survey_result **out,
                                  const chiso_survey *s,
                                  const chiso_survey_options *opts,
                                  chiso_diag *diag);
void chiso_survey_result_free(chiso_survey_result *res);
struct cJSON *chiso_survey_to_json(const chiso_survey_result *res,
                                   const char *path);

#ifdef __cplusplus
}
#endif

#endif /* CHISO_STATS_H */

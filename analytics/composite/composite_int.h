/*
 * composite_int.h - internals shared by composite.c, composite_json.c and
 * uncertainty.c (not installed).
 *
 * The aggregation kernel works on "transformed" values t: x for the
 * arithmetic mean, ln x for the geometric, 1/x for the harmonic. In that
 * space every mean is the same weighted average sum(w t) / sum(w) over the
 * children present, and the score is recovered as t, exp(t) or 1/t. A
 * missing value has t = 0 and mask 0, so dropping it and renormalising the
 * remaining weights is just the two sums, with no branch per unit. Arrays
 * are node-major (one contiguous vector of units per node), which makes
 * each child's contribution one axpy the compiler vectorises.
 *
 * composite.c and the Monte Carlo loop call the same kernel, so the
 * nominal ranks of `chiso uncertainty` are exactly those of `chiso
 * composite`.
 */
#ifndef CHISO_COMPOSITE_INT_H
#define CHISO_COMPOSITE_INT_H

#include "chiso_composite.h"

/* The language of a diagnostic (Vietnamese without one): messages that
 * are formatted before they reach chiso_diag_set are translated into it
 * first. */
#define DLANG(d) ((d) != NULL ? (d)->lang : CHISO_LANG_VI)

/* Column (characters, 1-based) of an indicator's cell on the record that
 * starts at `line` of iData (1 = the header), found by rereading the
 * file: for error messages only. 0 if unknown. */
unsigned long chiso_composite__data_column(const chiso_composite *m,
                                           size_t node,
                                           unsigned long line);

/*
 * Weights on the kernel's scale. Weights are relative within a parent, so
 * each parent's children are multiplied by one power of two, 2^shift with
 * shift = -(e + b + 1), where the largest child weight is below 2^e and
 * n_children <= 2^b: the children's weights then add up to less than 1/2,
 * and even perturbed by a factor below 2 (Monte Carlo) to less than 1.
 * Scaling by a power of two is exact, so the weighted means (sums and
 * their quotient) are bit for bit those of the weights as written, but no
 * sum of weights overflows, and a weighted sum of values stays within the
 * largest |value|: weights near 1e308 are safe.
 */
int chiso_composite__weight_shift(double max_weight, size_t n_children);
/* w[k] = weight of node k on its parent's scale (the index's: 1), and
 * shift[k] the power of two applied (shift may be NULL). */
void chiso_composite__kernel_weights(const chiso_composite *m,
                                     double *w,
                                     int *shift);

/* Check option values (range, sd); CHISO_EUSAGE with a message. */
chiso_status chiso_composite__check_options(const chiso_composite_options *o,
                                            chiso_diag *diag);

/*
 * Normalise every indicator into x (n_indicators x n_units, 0 where
 * missing). a and b (n_indicators each, may be NULL) receive the
 * parameters documented for chiso_composite_result. Raw values anywhere
 * in the doubles are handled (differences and squares that would
 * overflow are computed on halves or on a power-of-two scale); a
 * normalised value that is still not a finite number (a z-score SD option
 * so large that sd z overflows) is CHISO_EDOMAIN naming the cell.
 */
chiso_status chiso_composite__normalise(const chiso_composite *m,
                                        const chiso_composite_options *o,
                                        double *x,
                                        double *a,
                                        double *b,
                                        chiso_diag *diag);

/* For the geometric and harmonic means: every present normalised value
 * must be > 0, and for the harmonic mean 1/x must be a finite number;
 * CHISO_EDOMAIN naming the first offending cell and its value. */
chiso_status chiso_composite__check_positive(const chiso_composite *m,
                                             const chiso_composite_options *o,
                                             const double *x,
                                             chiso_diag *diag);

/* Transformed values of the indicators: t = x, ln x or 1/x (0 if
 * missing). x and t may be the same array. */
void chiso_composite__transform(const chiso_composite *m,
                                chiso_cmp_agg agg,
                                const double *x,
                                double *t);

/* The model's presence as a 0/1 double mask sized for every node
 * (n_nodes x n_units, the indicators' rows filled, the rest 0), or NULL
 * with *complete = 1 when no value is missing. *complete = -1 on
 * allocation failure. Caller frees. */
double *chiso_composite__mask(const chiso_composite *m, int *complete);

/* x86-64 GCC builds get an AVX2 clone of the hot kernels, picked at load
 * time (ifunc); the operations are the same, only wider, and no FMA is
 * used, so the results are identical to the baseline build. */
/* (ThreadSanitizer cannot run ifunc resolvers: no clones under it.) */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&         \
    defined(__linux__) && !defined(__SANITIZE_THREAD__) &&                     \
    !defined(CHISO_NO_SIMD_CLONES)
#define CHISO_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CHISO_SIMD_CLONES
#endif

/*
 * Aggregate level by level. t and mask are node-major, n_nodes x n_units:
 * the indicators' rows hold their transformed values (and presence) on
 * entry, the aggregates' rows are written (node k at row k). mask is NULL
 * when no value is missing. w: a weight for every node (the index's is not
 * used). No allocation.
 */
void chiso_composite__aggregate(const chiso_composite *m,
                                const double *w,
                                double *t,
                                double *mask);

/* order[0 .. n): units by rank (1 first), unranked (rank 0) last, ties in
 * unit order. n log n. 0, or -1 when out of memory. */
int chiso_composite__order(const unsigned *rank, size_t n, size_t *order);

/* Score from a transformed value. */
double chiso_composite__untransform(chiso_cmp_agg agg, double t);

/*
 * Competition ranks (1 = highest, ties share the best place) of v[0..n)
 * among the units with defined[u] != 0 (defined may be NULL: all). rank[u]
 * = 0 for the others. idx: 2 n scratch entries. Returns the number ranked.
 */
size_t chiso_composite__rank(const double *v,
                             const double *defined,
                             size_t n,
                             unsigned *rank,
                             size_t *idx);

/*
 * chiso_uncertainty_run with some of its paths turned off, for the tests
 * that prove them equal: CHISO_MC_PATH_SINGLE runs every replicate on its
 * own through chiso_composite__aggregate (the path of data with missing
 * values) even on complete data, CHISO_MC_PATH_NARROW leaves out the
 * AVX-512 group kernels. The results must be the same bit for bit.
 */
#define CHISO_MC_PATH_SINGLE 1u
#define CHISO_MC_PATH_NARROW 2u
chiso_status
chiso_composite__uncertainty_run_paths(chiso_uncertainty_result **out,
                                       const chiso_composite *m,
                                       const chiso_uncertainty_options *opts,
                                       unsigned paths,
                                       chiso_diag *diag);

#endif /* CHISO_COMPOSITE_INT_H */

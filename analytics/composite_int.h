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

/* Check option values (range, sd); CHISO_EUSAGE with a message. */
chiso_status chiso_composite__check_options(const chiso_composite_options *o,
                                            chiso_diag *diag);

/*
 * Normalise every indicator into x (n_indicators x n_units, 0 where
 * missing). a and b (n_indicators each, may be NULL) receive the
 * parameters documented for chiso_composite_result.
 */
chiso_status chiso_composite__normalise(const chiso_composite *m,
                                        const chiso_composite_options *o,
                                        double *x, double *a, double *b,
                                        chiso_diag *diag);

/* For the geometric and harmonic means: every present normalised value
 * must be > 0; CHISO_EDOMAIN naming the first offending cell. */
chiso_status chiso_composite__check_positive(const chiso_composite *m,
                                             const chiso_composite_options *o,
                                             const double *x,
                                             chiso_diag *diag);

/* Transformed values of the indicators: t = x, ln x or 1/x (0 if
 * missing). x and t may be the same array. */
void chiso_composite__transform(const chiso_composite *m, chiso_cmp_agg agg,
                                const double *x, double *t);

/* The model's presence as a 0/1 double mask (n_indicators x n_units), or
 * NULL with *complete = 1 when no value is missing. *complete = -1 on
 * allocation failure. Caller frees. */
double *chiso_composite__mask(const chiso_composite *m, int *complete);

/*
 * Aggregate level by level. w: a weight for every node (n_nodes; the
 * index's is not used). ind_t, ind_mask: the indicators' transformed
 * values and mask (mask NULL when complete). agg_t, agg_mask: output for
 * the aggregates, (n_nodes - n_indicators) x n_units, node k at row
 * k - n_indicators (agg_mask may be NULL when complete). ws: n_units
 * scratch. No allocation.
 */
void chiso_composite__aggregate(const chiso_composite *m, const double *w,
                                const double *ind_t, const double *ind_mask,
                                double *agg_t, double *agg_mask, double *ws);

/* Score from a transformed value. */
double chiso_composite__untransform(chiso_cmp_agg agg, double t);

/*
 * Competition ranks (1 = highest, ties share the best place) of v[0..n)
 * among the units with defined[u] != 0 (defined may be NULL: all). rank[u]
 * = 0 for the others. idx: 2 n scratch entries. Returns the number ranked.
 */
size_t chiso_composite__rank(const double *v, const double *defined,
                             size_t n, unsigned *rank, size_t *idx);

/* The numpy-style lerp between a (at h = floor) and b, fraction t. */
double chiso_composite__lerp(double a, double b, double t);

#endif /* CHISO_COMPOSITE_INT_H */

/*
 * composite.c - normalisation, aggregation and ranking of a composite
 * index (COINr semantics, see chiso_composite.h).
 *
 * Direction is applied first, as COINr does (x' = direction * x), so every
 * normalised value is "higher is better" and ranks never need to know the
 * direction again. Goalposts and targets are written in the indicator's
 * own units and are flipped with it.
 *
 * Zeros and geometric/harmonic means: min-max puts the lowest unit of every
 * indicator exactly at the bottom of the range, so with the default 0..100
 * range a geometric or harmonic mean would meet ln 0 or 1/0. COINr's
 * a_gmean() and a_hmean() stop with an error there, and so do we, before
 * any aggregation, naming the unit and indicator and suggesting a range
 * that starts above 0. Silently replacing 0 by a small number would make
 * the result depend on an invisible constant.
 *
 * The edges of double: raw values may be anywhere in the doubles (1e308
 * and -1e308 in one column), weights too. Min-max, goalposts and target
 * take (x - a) / (b - a) on halves when a difference would overflow;
 * z-scores take mean and variance on a power-of-two scale when a sum or a
 * square would; weights are put on one scale per parent (composite_int.h)
 * so that no sum of weights or of weighted values overflows. What can
 * still leave the finite numbers (a --zscore SD of 1e308, 1/x of a value
 * next to 0 in a harmonic mean) is an error naming the cell and the
 * value. So every score is a finite number or explicitly missing, and a
 * unit without a score is never ranked.
 */
#include "composite_int.h"

#include <cjson/cJSON.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const norm_names[CHISO_NORM_COUNT] = {
    "minmax", "zscore", "rank", "goalposts", "target"};
static const char *const agg_names[CHISO_AGG_COUNT] = {"arithmetic",
                                                       "geometric", "harmonic"};

const char *
chiso_cmp_norm_name(chiso_cmp_norm n)
{
    return (unsigned)n < CHISO_NORM_COUNT ? norm_names[n] : "?";
}

const char *
chiso_cmp_agg_name(chiso_cmp_agg a)
{
    return (unsigned)a < CHISO_AGG_COUNT ? agg_names[a] : "?";
}

int
chiso_cmp_norm_parse(const char *s, chiso_cmp_norm *out)
{
    static const struct {
        const char *name;
        chiso_cmp_norm n;
    } tab[] = {
        {"minmax", CHISO_NORM_MINMAX},      {"min-max", CHISO_NORM_MINMAX},
        {"zscore", CHISO_NORM_ZSCORE},      {"z-score", CHISO_NORM_ZSCORE},
        {"rank", CHISO_NORM_RANK},          {"goalposts", CHISO_NORM_GOALPOSTS},
        {"goalpost", CHISO_NORM_GOALPOSTS}, {"target", CHISO_NORM_TARGET},
        {"dist2targ", CHISO_NORM_TARGET}};
    size_t i;

    for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
        if (strcmp(s, tab[i].name) == 0) {
            *out = tab[i].n;
            return 0;
        }
    }
    return -1;
}

int
chiso_cmp_agg_parse(const char *s, chiso_cmp_agg *out)
{
    static const struct {
        const char *name;
        chiso_cmp_agg a;
    } tab[] = {
        {"arithmetic", CHISO_AGG_ARITHMETIC}, {"arith", CHISO_AGG_ARITHMETIC},
        {"geometric", CHISO_AGG_GEOMETRIC},   {"geo", CHISO_AGG_GEOMETRIC},
        {"harmonic", CHISO_AGG_HARMONIC},     {"harm", CHISO_AGG_HARMONIC}};
    size_t i;

    for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
        if (strcmp(s, tab[i].name) == 0) {
            *out = tab[i].a;
            return 0;
        }
    }
    return -1;
}

int
chiso_composite__weight_shift(double max_weight, size_t n_children)
{
    int e = 0, b = 0;

    (void)frexp(max_weight, &e); /* max_weight < 2^e */
    while (b < 64 && ((size_t)1 << b) < n_children) {
        b++;
    }
    return -(e + b + 1);
}

void
chiso_composite__kernel_weights(const chiso_composite *m, double *w, int *shift)
{
    size_t k, j;

    for (k = 0; k < m->n_nodes; k++) {
        w[k] = k == m->root ? 1.0 : m->nodes[k].weight;
        if (shift != NULL) {
            shift[k] = 0;
        }
    }
    for (k = 0; k < m->n_nodes; k++) {
        const chiso_cmp_node *p = &m->nodes[k];
        double mx = 0;
        int sh;
        if (p->n_children == 0) {
            continue;
        }
        for (j = 0; j < p->n_children; j++) {
            double v = m->nodes[p->children[j]].weight;
            mx = v > mx ? v : mx;
        }
        sh = chiso_composite__weight_shift(mx, p->n_children);
        for (j = 0; j < p->n_children; j++) {
            size_t c = p->children[j];
            w[c] = ldexp(m->nodes[c].weight, sh);
            if (shift != NULL) {
                shift[c] = sh;
            }
        }
    }
}

chiso_status
chiso_composite__check_options(const chiso_composite_options *o,
                               chiso_diag *diag)
{
    if ((unsigned)o->normalise >= CHISO_NORM_COUNT ||
        (unsigned)o->aggregate >= CHISO_AGG_COUNT) {
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "unknown normalisation or aggregation");
    }
    if (!isfinite(o->range_lo) || !isfinite(o->range_hi) ||
        !(o->range_lo < o->range_hi)) {
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "the range must be two numbers LO,HI with LO "
                              "< HI (got %g,%g)",
                              o->range_lo, o->range_hi);
    }
    if (!isfinite(o->zscore_mean) || !isfinite(o->zscore_sd) ||
        !(o->zscore_sd > 0)) {
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "the z-score standard deviation must be above "
                              "0 (got %g)",
                              o->zscore_sd);
    }
    return CHISO_OK;
}

/* ---- normalisation -------------------------------------------------------- */

/* (v - a) / (b - a), also when a difference overflows a double: then on
 * halves, which cannot overflow (an exact scaling for these magnitudes).
 * The direct form otherwise, so ordinary data give the same bits. */
static double
frac_of(double v, double a, double b)
{
    double num = v - a, den = b - a;

    if (isfinite(num) && isfinite(den)) {
        return num / den;
    }
    return (0.5 * v - 0.5 * a) / (0.5 * b - 0.5 * a);
}

/* A fraction f in [0, 1] onto [range_lo, range_hi]: f span + lo, or, when
 * the span itself overflows, lo (1 - f) + hi f (a convex combination,
 * within the range). */
static double
to_range(const chiso_composite_options *o, double span, double f)
{
    if (isfinite(span)) {
        return f * span + o->range_lo;
    }
    return o->range_lo * (1.0 - f) + o->range_hi * f;
}

struct vidx {
    double v;
    size_t i;
};

static int
vidx_asc(const void *pa, const void *pb)
{
    const struct vidx *a = pa, *b = pb;

    if (a->v < b->v) {
        return -1;
    }
    if (a->v > b->v) {
        return 1;
    }
    return a->i < b->i ? -1 : a->i > b->i;
}

static chiso_status
indicator_error(const chiso_composite *m,
                size_t i,
                chiso_diag *diag,
                const char *what)
{
    const chiso_cmp_node *nd = &m->nodes[i];

    return chiso_diag_set(diag, CHISO_EDOMAIN, m->data_path, 1,
                          chiso_composite__data_column(m, i, 1),
                          "indicator '%s': %s", nd->code, what);
}

chiso_status
chiso_composite__normalise(const chiso_composite *m,
                           const chiso_composite_options *o,
                           double *x,
                           double *pa,
                           double *pb,
                           chiso_diag *diag)
{
    size_t n = m->n_units, i, u, cnt;
    double span = o->range_hi - o->range_lo;
    struct vidx *tmp = NULL;
    chiso_status st = CHISO_OK;
    char msg[256];

    for (i = 0; i < m->n_indicators; i++) {
        const chiso_cmp_node *nd = &m->nodes[i];
        const double *raw = m->value + i * n;
        const unsigned char *pr = m->present + i * n;
        double *y = x + i * n;
        double d = (double)nd->direction, a = (double)NAN, b = (double)NAN;
        double mn = (double)INFINITY, mx = -(double)INFINITY, sum = 0, ss = 0,
               mean, sd;

        cnt = 0;
        for (u = 0; u < n; u++) {
            if (pr[u]) {
                double v = d * raw[u];
                mn = v < mn ? v : mn;
                mx = v > mx ? v : mx;
                sum += v;
                cnt++;
            }
        }
        switch (o->normalise) {
        case CHISO_NORM_MINMAX:
            if (cnt == 0 || !(mx > mn)) {
                if (cnt == 0) {
                    snprintf(msg, sizeof(msg), "%s",
                             chiso_msg(DLANG(diag),
                                       "no unit has a value: min-max "
                                       "normalisation is undefined"));
                } else {
                    snprintf(msg, sizeof(msg),
                             chiso_msg(DLANG(diag),
                                       "every unit with a value has the same "
                                       "value (%g): min-max normalisation is "
                                       "undefined; remove the indicator or "
                                       "use goalposts"),
                             d * mn);
                }
                st = indicator_error(m, i, diag, msg);
                goto out;
            }
            /* COINr n_minmax: (x - min) / (max - min) * (u - l) + l */
            for (u = 0; u < n; u++) {
                y[u] =
                    pr[u] ? to_range(o, span, frac_of(d * raw[u], mn, mx)) : 0;
            }
            a = mn;
            b = mx;
            break;
        case CHISO_NORM_ZSCORE:
            if (cnt < 2) {
                st = indicator_error(m, i, diag,
                                     chiso_msg(DLANG(diag),
                                               "fewer than 2 units have a "
                                               "value: the z-score is "
                                               "undefined"));
                goto out;
            }
            mean = sum / (double)cnt;
            /* two-pass sample variance (n - 1), as R's sd() */
            for (u = 0; u < n; u++) {
                if (pr[u]) {
                    double e = d * raw[u] - mean;
                    ss += e * e;
                }
            }
            if (!isfinite(sum) || !isfinite(ss)) {
                /* values near the largest double: the same two passes on
                   x 2^-e, |x| < 2^e (exact), where nothing overflows; the
                   z-scores do not depend on the scale */
                int e = 0;
                double amax = mx > -mn ? mx : -mn, ms = 0, ss2 = 0;
                (void)frexp(amax, &e);
                for (u = 0; u < n; u++) {
                    if (pr[u]) {
                        ms += ldexp(d * raw[u], -e);
                    }
                }
                ms /= (double)cnt;
                for (u = 0; u < n; u++) {
                    if (pr[u]) {
                        double dv = ldexp(d * raw[u], -e) - ms;
                        ss2 += dv * dv;
                    }
                }
                sd = sqrt(ss2 / (double)(cnt - 1));
                if (!(sd > 0)) {
                    snprintf(msg, sizeof(msg),
                             chiso_msg(DLANG(diag),
                                       "every unit with a value has the "
                                       "same value (%g): the z-score is "
                                       "undefined"),
                             d * mn);
                    st = indicator_error(m, i, diag, msg);
                    goto out;
                }
                for (u = 0; u < n; u++) {
                    y[u] = pr[u] ? (ldexp(d * raw[u], -e) - ms) / sd *
                                           o->zscore_sd +
                                       o->zscore_mean
                                 : 0;
                }
                /* the parameters in the data's units (the sd may exceed
                   the largest double: then it is reported as missing) */
                a = ldexp(ms, e);
                b = ldexp(sd, e);
                break;
            }
            sd = sqrt(ss / (double)(cnt - 1));
            if (!(sd > 0)) {
                snprintf(msg, sizeof(msg),
                         chiso_msg(DLANG(diag),
                                   "every unit with a value has the same "
                                   "value (%g): the z-score is undefined"),
                         d * mn);
                st = indicator_error(m, i, diag, msg);
                goto out;
            }
            for (u = 0; u < n; u++) {
                y[u] = pr[u] ? (d * raw[u] - mean) / sd * o->zscore_sd +
                                   o->zscore_mean
                             : 0;
            }
            a = mean;
            b = sd;
            break;
        case CHISO_NORM_RANK: {
            size_t k, j, first;
            if (tmp == NULL) {
                tmp = malloc((n ? n : 1) * sizeof(*tmp));
                if (tmp == NULL) {
                    st = chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0,
                                        "out of memory");
                    goto out;
                }
            }
            k = 0;
            for (u = 0; u < n; u++) {
                y[u] = 0;
                if (pr[u]) {
                    tmp[k].v = d * raw[u];
                    tmp[k].i = u;
                    k++;
                }
            }
            qsort(tmp, k, sizeof(*tmp), vidx_asc);
            /* R rank(ties.method = "min"): 1 + number of smaller values,
               i.e. the first position of the tie group */
            for (j = 0, first = 0; j < k; j++) {
                if (j > 0 && tmp[j - 1].v < tmp[j].v) {
                    first = j;
                }
                y[tmp[j].i] = (double)(first + 1);
            }
            break;
        }
        case CHISO_NORM_GOALPOSTS: {
            double gl = nd->goalpost_lower, gu = nd->goalpost_upper;
            if (!nd->has_goalposts) {
                st = chiso_diag_set(diag, CHISO_EDOMAIN, m->meta_path,
                                    nd->meta_line, nd->meta_column,
                                    "indicator '%s' has no goalpost_lower "
                                    "and goalpost_upper: goalposts "
                                    "normalisation needs them for every "
                                    "indicator",
                                    nd->code);
                goto out;
            }
            /* COINr n_goalposts: (x - gl)/(gu - gl), or (x - gu)/(gl - gu)
               when the direction is -1; truncated to the goalposts */
            for (u = 0; u < n; u++) {
                double f;
                if (!pr[u]) {
                    y[u] = 0;
                    continue;
                }
                f = nd->direction > 0 ? frac_of(raw[u], gl, gu)
                                      : frac_of(raw[u], gu, gl);
                f = f < 0 ? 0 : f > 1 ? 1 : f;
                y[u] = to_range(o, span, f);
            }
            a = gl;
            b = gu;
            break;
        }
        case CHISO_NORM_TARGET: {
            double t;
            if (!nd->has_target) {
                st = chiso_diag_set(diag, CHISO_EDOMAIN, m->meta_path,
                                    nd->meta_line, nd->meta_column,
                                    "indicator '%s' has no Target: target "
                                    "normalisation needs one for every "
                                    "indicator",
                                    nd->code);
                goto out;
            }
            if (cnt == 0) {
                st = indicator_error(m, i, diag,
                                     chiso_msg(DLANG(diag),
                                               "no unit has a value: "
                                               "distance to target is "
                                               "undefined"));
                goto out;
            }
            t = d * nd->target;
            /* COINr n_dist2targ: 1 - (t - x)/(t - min), capped at 1; a
               unit at or beyond the target scores 1 (this also covers a
               target below every value, where the formula would fail) */
            for (u = 0; u < n; u++) {
                double v, f;
                if (!pr[u]) {
                    y[u] = 0;
                    continue;
                }
                v = d * raw[u];
                /* (t - v) / (t - mn) = (v - t) / (mn - t) */
                f = v >= t ? 1.0 : 1.0 - frac_of(v, t, mn);
                y[u] = to_range(o, span, f);
            }
            a = d * mn;
            b = nd->target;
            break;
        }
        }
        if (pa != NULL) {
            pa[i] = a;
        }
        if (pb != NULL) {
            pb[i] = b;
        }
        /* what the options can still push out of the doubles */
        for (u = 0; u < n; u++) {
            if (pr[u] && !isfinite(y[u])) {
                st = chiso_diag_set(
                    diag, CHISO_EDOMAIN, m->data_path, m->unit_line[u],
                    chiso_composite__data_column(m, i, m->unit_line[u]),
                    "indicator '%s' of unit '%s' (%g) becomes %g after %s "
                    "normalisation, which is not a finite number: use a "
                    "smaller --range or --zscore",
                    nd->code, m->unit_code[u], raw[u], y[u],
                    chiso_cmp_norm_name(o->normalise));
                goto out;
            }
        }
    }
out:
    free(tmp);
    return st;
}

chiso_status
chiso_composite__check_positive(const chiso_composite *m,
                                const chiso_composite_options *o,
                                const double *x,
                                chiso_diag *diag)
{
    size_t n = m->n_units, i, u;

    if (o->aggregate == CHISO_AGG_ARITHMETIC) {
        return CHISO_OK;
    }
    for (i = 0; i < m->n_indicators; i++) {
        for (u = 0; u < n; u++) {
            double v = x[i * n + u];
            const char *hint;
            if (!m->present[i * n + u]) {
                continue;
            }
            if (v > 0 && o->aggregate == CHISO_AGG_HARMONIC &&
                !isfinite(1.0 / v)) {
                return chiso_diag_set(
                    diag, CHISO_EDOMAIN, m->data_path, m->unit_line[u],
                    chiso_composite__data_column(m, i, m->unit_line[u]),
                    "the harmonic mean needs 1/x, but indicator '%s' of unit "
                    "'%s' is %g after %s normalisation, so close to 0 that "
                    "1/x is not a finite number; use a range starting "
                    "further from 0",
                    m->nodes[i].code, m->unit_code[u], v,
                    chiso_cmp_norm_name(o->normalise));
            }
            if (v > 0) {
                continue;
            }
            switch (o->normalise) {
            case CHISO_NORM_ZSCORE:
                hint = N_("z-scores are negative below the mean; use minmax "
                          "with a range starting above 0, or the "
                          "arithmetic mean");
                break;
            case CHISO_NORM_RANK:
                hint = N_("check the data");
                break;
            case CHISO_NORM_MINMAX:
            case CHISO_NORM_GOALPOSTS:
            case CHISO_NORM_TARGET:
            default:
                hint = N_("the lowest value maps to the bottom of the "
                          "range; use a range starting above 0 (--range "
                          "1,100 or 1,10), or the arithmetic mean");
                break;
            }
            return chiso_diag_set(
                diag, CHISO_EDOMAIN, m->data_path, m->unit_line[u],
                chiso_composite__data_column(m, i, m->unit_line[u]),
                "the %s mean needs values above 0, but indicator '%s' of "
                "unit '%s' is %g after %s normalisation; %s",
                chiso_cmp_agg_name(o->aggregate), m->nodes[i].code,
                m->unit_code[u], v, chiso_cmp_norm_name(o->normalise),
                chiso_msg(DLANG(diag), hint));
        }
    }
    return CHISO_OK;
}

void
chiso_composite__transform(const chiso_composite *m,
                           chiso_cmp_agg agg,
                           const double *x,
                           double *t)
{
    size_t k, total = m->n_indicators * m->n_units;

    for (k = 0; k < total; k++) {
        if (!m->present[k]) {
            t[k] = 0;
        } else if (agg == CHISO_AGG_GEOMETRIC) {
            t[k] = log(x[k]);
        } else if (agg == CHISO_AGG_HARMONIC) {
            t[k] = 1.0 / x[k];
        } else {
            t[k] = x[k];
        }
    }
}

double *
chiso_composite__mask(const chiso_composite *m, int *complete)
{
    size_t k, total = m->n_indicators * m->n_units;
    double *mask;

    if (m->n_missing == 0) {
        *complete = 1;
        return NULL;
    }
    *complete = 0;
    mask = calloc(m->n_nodes * m->n_units + 1, sizeof(*mask));
    if (mask == NULL) {
        *complete = -1;
        return NULL;
    }
    for (k = 0; k < total; k++) {
        mask[k] = m->present[k] ? 1.0 : 0.0;
    }
    return mask;
}

/* Units per register block of the aggregation kernel: 16 doubles are
 * eight SSE2 or four AVX registers of accumulators. */
#define AGG_BLOCK 16

/* Weighted average of the children of node p over units [u0, u0 +
 * AGG_BLOCK), complete data: the sums stay in registers across children,
 * so each child costs one load, multiply and add per unit. The order of
 * the additions per unit is the children's order whatever the blocking,
 * hence identical results for every block size and vector width.
 *
 * With GCC or clang the block is written with vector extensions (four
 * vectors of four doubles; two SSE2 or one AVX register each): left to
 * itself, GCC vectorises the loop over children instead, with gathers,
 * which is several times slower. */
/* The children of p as (first child row, stride in rows): children
 * numbered c0, c0 + 1, ... (the usual iMeta layout, one indicator after
 * another) are walked by pointer steps instead of an index lookup and a
 * multiplication per child. Returns 1 when contiguous. */
static int
children_run(const chiso_cmp_node *p, size_t *c0)
{
    size_t j;

    *c0 = p->children[0];
    for (j = 1; j < p->n_children; j++) {
        if (p->children[j] != *c0 + j) {
            return 0;
        }
    }
    return 1;
}

#if defined(__GNUC__)
typedef double agg_v4 __attribute__((vector_size(4 * sizeof(double))));
#define V4_LOAD(v, p)  memcpy(&(v), (p), sizeof(v))
#define V4_STORE(p, v) memcpy((p), &(v), sizeof(v))

/* Child j's weight and row: through the index, or stepping when the
 * children are contiguous (then ch == NULL and c0 is the first). */
#define CHILD_ROW(j)    (ch ? t + ch[j] * n + u0 : t0 + (j)*n)
#define CHILD_WEIGHT(j) (ch ? w[ch[j]] : w0[j])

static inline void
agg_block_complete(const size_t *ch,
                   size_t c0,
                   size_t nc,
                   const double *w,
                   double *t,
                   size_t n,
                   size_t u0,
                   double wsum,
                   double *out)
{
    agg_v4 a0 = {0, 0, 0, 0}, a1 = a0, a2 = a0, a3 = a0, x, s;
    const double *t0 = t + c0 * n + u0, *w0 = w + c0;
    size_t j;

    for (j = 0; j < nc; j++) {
        double wc = CHILD_WEIGHT(j);
        const double *tc = CHILD_ROW(j);
        agg_v4 wv = {wc, wc, wc, wc};
        V4_LOAD(x, tc);
        a0 += wv * x;
        V4_LOAD(x, tc + 4);
        a1 += wv * x;
        V4_LOAD(x, tc + 8);
        a2 += wv * x;
        V4_LOAD(x, tc + 12);
        a3 += wv * x;
    }
    s = (agg_v4){wsum, wsum, wsum, wsum};
    a0 /= s;
    a1 /= s;
    a2 /= s;
    a3 /= s;
    V4_STORE(out, a0);
    V4_STORE(out + 4, a1);
    V4_STORE(out + 8, a2);
    V4_STORE(out + 12, a3);
}
#else
#define CHILD_ROW(j)    (ch ? t + ch[j] * n + u0 : t0 + (j)*n)
#define CHILD_WEIGHT(j) (ch ? w[ch[j]] : w0[j])

static inline void
agg_block_complete(const size_t *ch,
                   size_t c0,
                   size_t nc,
                   const double *w,
                   double *t,
                   size_t n,
                   size_t u0,
                   double wsum,
                   double *out)
{
    double a[AGG_BLOCK] = {0};
    const double *t0 = t + c0 * n + u0, *w0 = w + c0;
    size_t j, q;

    for (j = 0; j < nc; j++) {
        double wc = CHILD_WEIGHT(j);
        const double *tc = CHILD_ROW(j);
        for (q = 0; q < AGG_BLOCK; q++) {
            a[q] += wc * tc[q];
        }
    }
    for (q = 0; q < AGG_BLOCK; q++) {
        out[q] = a[q] / wsum;
    }
}
#endif

/* AVX-512: the same block as two vectors of eight doubles (one register
 * each). Compiled for AVX-512 only and called only on a CPU that has it;
 * elementwise the same operations in the same order, so the results are
 * those of the other builds, bit for bit. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&         \
    defined(__linux__) && !defined(__SANITIZE_THREAD__) &&                     \
    !defined(CHISO_NO_SIMD_CLONES)
#define CHISO_AGG_AVX512 1
#define AVX512_TARGET                                                          \
    __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512cd")))
typedef double agg_v8 __attribute__((vector_size(8 * sizeof(double))));

AVX512_TARGET static void
agg_parent_avx512(const chiso_cmp_node *p,
                  const double *w,
                  double *t,
                  size_t n,
                  double wsum,
                  double *out)
{
    size_t c0, u0, j, nc = p->n_children, last = n - AGG_BLOCK;
    const size_t *ch = children_run(p, &c0) ? NULL : p->children;

    for (u0 = 0;; u0 += AGG_BLOCK) {
        agg_v8 a0 = {0, 0, 0, 0, 0, 0, 0, 0}, a1 = a0, x, s;
        const double *t0, *w0 = w + c0;
        /* the last units: one more full block ending at n, which
           recomputes a few units with exactly the same operations */
        if (u0 > last) {
            u0 = last;
        }
        t0 = t + c0 * n + u0;
        for (j = 0; j < nc; j++) {
            double wc = CHILD_WEIGHT(j);
            const double *tc = CHILD_ROW(j);
            agg_v8 wv = {wc, wc, wc, wc, wc, wc, wc, wc};
            memcpy(&x, tc, sizeof(x));
            a0 += wv * x;
            memcpy(&x, tc + 8, sizeof(x));
            a1 += wv * x;
        }
        s = (agg_v8){wsum, wsum, wsum, wsum, wsum, wsum, wsum, wsum};
        a0 /= s;
        a1 /= s;
        memcpy(out + u0, &a0, sizeof(a0));
        memcpy(out + u0 + 8, &a1, sizeof(a1));
        if (u0 == last) {
            break;
        }
    }
}

static int
have_avx512(void)
{
    return __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512cd");
}
#endif

/* The same with missing values, over len <= AGG_BLOCK units: the weight
 * sum is per unit (weights of the children present). */
static inline void
agg_block_masked(const chiso_cmp_node *p,
                 const double *w,
                 double *t,
                 double *mask,
                 size_t n,
                 size_t u0,
                 size_t len,
                 double *out,
                 double *out_mask)
{
    double a[AGG_BLOCK] = {0}, s[AGG_BLOCK] = {0};
    size_t j, q;

    for (j = 0; j < p->n_children; j++) {
        size_t c = p->children[j];
        double wc = w[c];
        const double *tc = t + c * n + u0, *mc = mask + c * n + u0;
        for (q = 0; q < len; q++) {
            a[q] += wc * tc[q];
            s[q] += wc * mc[q];
        }
    }
    for (q = 0; q < len; q++) {
        /* all children missing (or only zero weights present): the
           aggregate is missing too */
        int ok = s[q] > 0;
        out[q] = ok ? a[q] / s[q] : 0;
        out_mask[q] = ok ? 1.0 : 0.0;
    }
}

CHISO_SIMD_CLONES void
chiso_composite__aggregate(const chiso_composite *m,
                           const double *w,
                           double *t,
                           double *mask)
{
    size_t n = m->n_units, k, j, u0;
#if defined(CHISO_AGG_AVX512)
    int wide = mask == NULL && n >= AGG_BLOCK && have_avx512();
#endif

    for (k = m->n_indicators; k < m->n_nodes; k++) {
        const chiso_cmp_node *p = &m->nodes[k];
        double *out = t + k * n, wsum = 0;

        if (mask != NULL) {
            for (u0 = 0; u0 < n; u0 += AGG_BLOCK) {
                size_t len = n - u0 < AGG_BLOCK ? n - u0 : AGG_BLOCK;
                agg_block_masked(p, w, t, mask, n, u0, len, out + u0,
                                 mask + k * n + u0);
            }
            continue;
        }
        /* complete data: one weight sum for every unit */
        for (j = 0; j < p->n_children; j++) {
            wsum += w[p->children[j]];
        }
        if (n < AGG_BLOCK) {
            /* few units: plain loops, same order of operations */
            for (u0 = 0; u0 < n; u0++) {
                double a = 0;
                for (j = 0; j < p->n_children; j++) {
                    size_t c = p->children[j];
                    a += w[c] * t[c * n + u0];
                }
                out[u0] = a / wsum;
            }
            continue;
        }
#if defined(CHISO_AGG_AVX512)
        if (wide) {
            agg_parent_avx512(p, w, t, n, wsum, out);
            continue;
        }
#endif
        {
            size_t c0;
            const size_t *ch = children_run(p, &c0) ? NULL : p->children;
            for (u0 = 0; u0 + AGG_BLOCK <= n; u0 += AGG_BLOCK) {
                agg_block_complete(ch, c0, p->n_children, w, t, n, u0, wsum,
                                   out + u0);
            }
            if (u0 < n) {
                /* the last units: one more full block ending at n, which
                   recomputes a few units with exactly the same operations
                   instead of a slow scalar tail */
                agg_block_complete(ch, c0, p->n_children, w, t, n,
                                   n - AGG_BLOCK, wsum, out + n - AGG_BLOCK);
            }
        }
    }
}

/* (rank, unit) with unranked (0) last */
struct rank_key {
    unsigned rank;
    size_t u;
};

static int
rank_key_cmp(const void *pa, const void *pb)
{
    const struct rank_key *a = pa, *b = pb;
    unsigned ra = a->rank ? a->rank : (unsigned)-1;
    unsigned rb = b->rank ? b->rank : (unsigned)-1;

    if (ra != rb) {
        return ra < rb ? -1 : 1;
    }
    return a->u < b->u ? -1 : a->u > b->u;
}

int
chiso_composite__order(const unsigned *rank, size_t n, size_t *order)
{
    struct rank_key *k = malloc((n ? n : 1) * sizeof(*k));
    size_t u;

    if (k == NULL) {
        return -1;
    }
    for (u = 0; u < n; u++) {
        k[u].rank = rank[u];
        k[u].u = u;
    }
    qsort(k, n, sizeof(*k), rank_key_cmp);
    for (u = 0; u < n; u++) {
        order[u] = k[u].u;
    }
    free(k);
    return 0;
}

double
chiso_composite__untransform(chiso_cmp_agg agg, double t)
{
    switch (agg) {
    case CHISO_AGG_GEOMETRIC:
        return exp(t);
    case CHISO_AGG_HARMONIC:
        return 1.0 / t;
    case CHISO_AGG_ARITHMETIC:
    default:
        return t;
    }
}

/* Sort idx[0..k) by v, highest first, ties by index (stable): insertion
 * sort for short runs, top-down merge sort with tmp[0..k) above that. No
 * global state, so Monte Carlo threads can rank concurrently. */
static void
sort_desc(const double *v, size_t *idx, size_t *tmp, size_t k)
{
    size_t i, j, h, a, b;

    if (k <= 32) {
        for (i = 1; i < k; i++) {
            size_t x = idx[i];
            for (j = i; j > 0 && v[idx[j - 1]] < v[x]; j--) {
                idx[j] = idx[j - 1];
            }
            idx[j] = x;
        }
        return;
    }
    h = k / 2;
    sort_desc(v, idx, tmp, h);
    sort_desc(v, idx + h, tmp, k - h);
    a = 0;
    b = h;
    for (i = 0; i < k; i++) {
        if (b >= k || (a < h && !(v[idx[a]] < v[idx[b]]))) {
            tmp[i] = idx[a++];
        } else {
            tmp[i] = idx[b++];
        }
    }
    memcpy(idx, tmp, k * sizeof(*idx));
}

size_t
chiso_composite__rank(const double *v,
                      const double *defined,
                      size_t n,
                      unsigned *rank,
                      size_t *idx)
{
    size_t k = 0, u, j;

    for (u = 0; u < n; u++) {
        rank[u] = 0;
        if (defined == NULL || defined[u] > 0) {
            idx[k++] = u;
        }
    }
    sort_desc(v, idx, idx + n, k);
    for (j = 0; j < k; j++) {
        /* ties (exactly equal unrounded scores) share the best place */
        if (j > 0 && !(v[idx[j]] < v[idx[j - 1]])) {
            rank[idx[j]] = rank[idx[j - 1]];
        } else {
            rank[idx[j]] = (unsigned)(j + 1);
        }
    }
    return k;
}

/* ---- chiso_composite_compute ------------------------------------------- */

void
chiso_composite_result_free(chiso_composite_result *res)
{
    if (res == NULL) {
        return;
    }
    free(res->value);
    free(res->defined);
    free(res->rank);
    free(res->order);
    free(res->norm_a);
    free(res->norm_b);
    free(res);
}

chiso_status
chiso_composite_compute(chiso_composite_result **out,
                        const chiso_composite *m,
                        const chiso_composite_options *opts,
                        chiso_diag *diag)
{
    chiso_composite_options o = CHISO_COMPOSITE_OPTIONS_INIT;
    chiso_composite_result *res = NULL;
    size_t n = m->n_units, nn = m->n_nodes, n_ind = m->n_indicators, k, u;
    double *t = NULL, *mask = NULL, *w = NULL, *dmask = NULL;
    size_t *idx = NULL;
    int complete;
    chiso_status st;

    *out = NULL;
    if (opts != NULL) {
        o = *opts;
    }
    st = chiso_composite__check_options(&o, diag);
    if (st != CHISO_OK) {
        return st;
    }
    res = calloc(1, sizeof(*res));
    if (res == NULL) {
        goto nomem;
    }
    res->model = m;
    res->opts = o;
    res->value = malloc(nn * n * sizeof(*res->value));
    res->defined = malloc(nn * n);
    res->rank = malloc(nn * n * sizeof(*res->rank));
    res->order = malloc(n * sizeof(*res->order));
    res->norm_a = malloc((n_ind ? n_ind : 1) * sizeof(double));
    res->norm_b = malloc((n_ind ? n_ind : 1) * sizeof(double));
    t = malloc(nn * n * sizeof(*t));
    w = calloc(nn, sizeof(*w));
    dmask = malloc(n * sizeof(*dmask));
    idx = malloc(2 * n * sizeof(*idx));
    if (res->value == NULL || res->defined == NULL || res->rank == NULL ||
        res->order == NULL || res->norm_a == NULL || res->norm_b == NULL ||
        t == NULL || w == NULL || dmask == NULL || idx == NULL) {
        goto nomem;
    }
    mask = chiso_composite__mask(m, &complete);
    if (complete < 0) {
        goto nomem;
    }
    /* normalise into the first n_ind rows of value */
    st = chiso_composite__normalise(m, &o, res->value, res->norm_a, res->norm_b,
                                    diag);
    if (st != CHISO_OK) {
        goto fail;
    }
    st = chiso_composite__check_positive(m, &o, res->value, diag);
    if (st != CHISO_OK) {
        goto fail;
    }
    chiso_composite__transform(m, o.aggregate, res->value, t);
    chiso_composite__kernel_weights(m, w, NULL);
    chiso_composite__aggregate(m, w, t, mask);
    for (k = 0; k < nn; k++) {
        for (u = 0; u < n; u++) {
            size_t c = k * n + u;
            int def = k < n_ind ? m->present[c] : complete || mask[c] > 0;
            res->defined[c] = (unsigned char)def;
            if (k >= n_ind) {
                res->value[c] =
                    def ? chiso_composite__untransform(o.aggregate, t[c]) : 0;
                if (def && !isfinite(res->value[c])) {
                    /* cannot happen with the checks above (weighted means
                       of finite values on scaled weights); never rank it */
                    st = chiso_diag_set(diag, CHISO_EDOMAIN, m->meta_path,
                                        m->nodes[k].meta_line,
                                        m->nodes[k].meta_column,
                                        "aggregate '%s' of unit '%s' is not "
                                        "a finite number",
                                        m->nodes[k].code, m->unit_code[u]);
                    goto fail;
                }
            }
            dmask[u] = def ? 1.0 : 0.0;
        }
        u = chiso_composite__rank(res->value + k * n, dmask, n,
                                  res->rank + k * n, idx);
        if (k == m->root) {
            res->n_ranked = u;
        }
    }
    /* order: by index rank, unranked last, ties in iData order */
    if (chiso_composite__order(res->rank + m->root * n, n, res->order) != 0) {
        goto nomem;
    }
    free(t);
    free(mask);
    free(w);
    free(dmask);
    free(idx);
    *out = res;
    return CHISO_OK;
nomem:
    st = chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
fail:
    free(t);
    free(mask);
    free(w);
    free(dmask);
    free(idx);
    chiso_composite_result_free(res);
    return st;
}

void
chiso_composite_write_csv(const chiso_composite_result *res, chiso_csvw *w)
{
    const chiso_composite *m = res->model;
    size_t n = m->n_units, k, u;

    chiso_csvw_text(w, "uCode");
    for (k = 0; k < m->n_nodes; k++) {
        chiso_csvw_text(w, m->nodes[k].code);
    }
    chiso_csvw_end(w);
    for (u = 0; u < n; u++) {
        chiso_csvw_text(w, m->unit_code[u]);
        for (k = 0; k < m->n_nodes; k++) {
            size_t c = k * n + u;
            chiso_csvw_number(w, res->defined[c] ? res->value[c] : (double)NAN);
        }
        chiso_csvw_end(w);
    }
}

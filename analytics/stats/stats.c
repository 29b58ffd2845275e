/*
 * stats.c - thin validating wrappers over GSL, and user tables.
 *
 * GSL's routines assume valid input: gsl_fit_linear happily divides by a
 * zero variance and returns NaN, gsl_cdf_tdist_Q with df = 0 calls the
 * error handler. So every wrapper checks first (size, finiteness,
 * variance) and reports a reason a person can act on; only then calls
 * GSL. With the GSL error handler off (the CLI does that once), nothing
 * here can abort.
 *
 * Variances are tested against exact zero after centring: published
 * values are decimals with at most 4 places, so a constant column is
 * exactly constant once parsed.
 */
#include "stats_int.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <float.h>
#include <gsl/gsl_statistics_double.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Fewest points for a slope with an interval: n - 2 >= 1. */
#define OLS_MIN_N 3
/* Fewest pairs for a correlation test. */
#define CORR_MIN_N 3

static chiso_status
check_finite(const double *v, size_t n, const char *what, chiso_diag *diag)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            return chiso_diag_set(diag, CHISO_EDATA, NULL, 0, 0,
                                  "%s value %zu is not a finite number", what,
                                  i + 1);
        }
    }
    return CHISO_OK;
}

/* Sum of squared deviations from the mean. */
static double
ss_dev(const double *v, size_t n)
{
    double m = 0, s = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        m += v[i];
    }
    m /= (double)n;
    for (i = 0; i < n; i++) {
        s += (v[i] - m) * (v[i] - m);
    }
    return s;
}

double
chiso_stats_t_pvalue(double t, double df)
{
    if (isnan(t) || !(df > 0)) {
        return (double)NAN;
    }
    if (isinf(t)) {
        return 0.0;
    }
    /* P(|T| > |t|) = 2 Q(|t|); Q is accurate in the upper tail. */
    return 2.0 * gsl_cdf_tdist_Q(fabs(t), df);
}

chiso_status
chiso_stats_ols(const double *x,
                const double *y,
                size_t n,
                double level,
                chiso_ols *out,
                chiso_diag *diag)
{
    double c0, c1, cov00, cov01, cov11, sumsq, sst, tq;
    chiso_status st;

    memset(out, 0, sizeof(*out));
    out->n = n;
    if (n < OLS_MIN_N) {
        return chiso_diag_set(diag, CHISO_EDOMAIN, NULL, 0, 0,
                              "a slope with a confidence interval needs at "
                              "least %d points, got %zu",
                              OLS_MIN_N, n);
    }
    if (!(level > 0 && level < 1)) {
        return chiso_diag_set(diag, CHISO_EINVAL, NULL, 0, 0,
                              "confidence level %g is not in (0, 1)", level);
    }
    if ((st = check_finite(x, n, "x", diag)) != CHISO_OK ||
        (st = check_finite(y, n, "y", diag)) != CHISO_OK) {
        return st;
    }
    if (chiso_is_zero(ss_dev(x, n))) {
        return chiso_diag_set(diag, CHISO_EDOMAIN, NULL, 0, 0,
                              "x has zero variance: every point has the same "
                              "x, so no slope can be fitted");
    }
    if (gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11,
                       &sumsq) != 0) {
        return chiso_diag_set(diag, CHISO_EDOMAIN, NULL, 0, 0,
                              "the least-squares fit failed");
    }
    /* values near the largest double overflow GSL's sums of squares: no
       slope rather than an infinite or undefined one */
    if (!isfinite(c0) || !isfinite(c1) || !isfinite(cov00) ||
        !isfinite(cov11) || !isfinite(sumsq) || !isfinite(ss_dev(y, n))) {
        return chiso_diag_set(diag, CHISO_EDOMAIN, NULL, 0, 0,
                              "the values are too large for a least-squares "
                              "fit (their squares exceed the largest double)");
    }
    out->df = (double)(n - 2);
    out->slope = c1;
    out->intercept = c0;
    out->se_slope = sqrt(cov11);
    out->se_intercept = sqrt(cov00);
    out->sumsq = sumsq;
    out->sigma = sqrt(sumsq / out->df);
    out->level = level;
    sst = ss_dev(y, n);
    out->r2 = chiso_is_zero(sst) ? (double)NAN : 1.0 - sumsq / sst;
    /* A perfect fit (all residuals zero up to rounding of the inputs)
     * leaves the standard error at zero: t and p are undefined, and the
     * interval collapses to the slope. */
    if (sumsq <= 1e-24 * (sst > 1 ? sst : 1) || chiso_is_zero(cov11)) {
        out->perfect_fit = 1;
        out->se_slope = 0;
        out->t = (double)NAN;
        out->p_value = (double)NAN;
        out->ci_low = out->ci_high = c1;
        return CHISO_OK;
    }
    out->t = c1 / out->se_slope;
    out->p_value = chiso_stats_t_pvalue(out->t, out->df);
    tq = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, out->df);
    out->ci_low = c1 - tq * out->se_slope;
    out->ci_high = c1 + tq * out->se_slope;
    return CHISO_OK;
}

static chiso_status
corr_check(const double *x, const double *y, size_t n, chiso_diag *diag)
{
    chiso_status st;

    if (n < CORR_MIN_N) {
        return chiso_diag_set(diag, CHISO_EDOMAIN, NULL, 0, 0,
                              "a correlation test needs at least %d units "
                              "with both values, got %zu",
                              CORR_MIN_N, n);
    }
    if ((st = check_finite(x, n, "x", diag)) != CHISO_OK ||
        (st = check_finite(y, n, "y", diag)) != CHISO_OK) {
        return st;
    }
    if (chiso_is_zero(ss_dev(x, n))) {
        return chiso_diag_set(diag, CHISO_EDOMAIN, NULL, 0, 0,
                              "x has zero variance (all %zu values are "
                              "equal): the correlation is undefined",
                              n);
    }
    if (chiso_is_zero(ss_dev(y, n))) {
        return chiso_diag_set(diag, CHISO_EDOMAIN, NULL, 0, 0,
                              "y has zero variance (all %zu values are "
                              "equal): the correlation is undefined",
                              n);
    }
    return CHISO_OK;
}

/* Fill the test from r and 1 - r^2 (given separately, computed without
 * cancellation); perfect = +-1 when the relation is exactly perfect. */
static void
corr_fill(chiso_corr *out, double r, double one_minus_r2, int perfect, size_t n)
{
    out->n = n;
    out->df = (double)(n - 2);
    out->t_infinite = perfect != 0;
    if (perfect != 0) {
        out->r = (double)perfect;
        out->t = perfect > 0 ? (double)INFINITY : -(double)INFINITY;
        out->p_value = 0;
        return;
    }
    /* |r| can exceed 1 by an ulp through rounding. */
    out->r = r > 1 ? 1 : r < -1 ? -1 : r;
    out->t = out->r * sqrt(out->df / one_minus_r2);
    out->p_value = chiso_stats_t_pvalue(out->t, out->df);
}

/*
 * Pearson's r and 1 - r^2 in long double, two passes (centred sums, as
 * R's cor() does), and whether the points lie exactly on a line.
 *
 * "Exactly" means: within what writing the values as doubles can explain.
 * A decimal such as 82.15 is stored with a relative error up to 2^-53, so
 * data that lie exactly on a line as written (y = 2.5 x - 7.3) leave
 * residuals of a few ulps after parsing, and a direct computation gives
 * r = 1 - 2^-52 and a t in the tens of millions (R's cor.test does the
 * same). Every residual of the least-squares line within 4 ulps of the
 * point's own magnitude (|y| + |b x| + |a|) is taken as exact: t is then
 * infinite and p = 0. Real data are never that close to a line by chance:
 * the smallest departure it ignores is about 1e-15 of the values.
 *
 * 1 - r^2 is computed as SSE / Syy (the unexplained share), which keeps
 * its digits when r is close to 1, where 1 - r * r would cancel them.
 */
static void
pearson_core(const double *x, const double *y, size_t n, chiso_corr *out)
{
    long double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0, sse = 0, b, a;
    long double emax = 0, smax = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (long double)n;
    my /= (long double)n;
    for (i = 0; i < n; i++) {
        long double dx = x[i] - mx, dy = y[i] - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    b = sxy / sxx;
    a = my - b * mx;
    for (i = 0; i < n; i++) {
        long double e = (y[i] - my) - b * (x[i] - mx);
        long double sc = fabsl((long double)y[i]) + fabsl(b * x[i]) + fabsl(a);
        sse += e * e;
        emax = fabsl(e) > emax ? fabsl(e) : emax;
        smax = sc > smax ? sc : smax;
    }
    if (emax <= 4 * DBL_EPSILON * smax) {
        corr_fill(out, 0, 0, sxy > 0 ? 1 : -1, n);
        return;
    }
    corr_fill(out, (double)(sxy / sqrtl(sxx * syy)), (double)(sse / syy), 0, n);
}

chiso_status
chiso_stats_pearson(const double *x,
                    const double *y,
                    size_t n,
                    chiso_corr *out,
                    chiso_diag *diag)
{
    chiso_status st;

    memset(out, 0, sizeof(*out));
    if ((st = corr_check(x, y, n, diag)) != CHISO_OK) {
        return st;
    }
    pearson_core(x, y, n, out);
    return CHISO_OK;
}

typedef struct idx_val {
    double v;
    size_t i;
} idx_val;

static int
cmp_idx_val(const void *a, const void *b)
{
    const idx_val *p = a, *q = b;

    if (p->v < q->v) {
        return -1;
    }
    if (p->v > q->v) {
        return 1;
    }
    return p->i < q->i ? -1 : p->i > q->i;
}

chiso_status
chiso_stats_average_ranks(const double *v, size_t n, double *ranks)
{
    idx_val *a;
    size_t i, j, k;

    if (n == 0) {
        return CHISO_OK;
    }
    a = malloc(n * sizeof(*a));
    if (a == NULL) {
        return CHISO_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        a[i].v = v[i];
        a[i].i = i;
    }
    qsort(a, n, sizeof(*a), cmp_idx_val);
    for (i = 0; i < n; i = j) {
        double avg;
        for (j = i + 1; j < n && !(a[j].v > a[i].v); j++) {
        }
        /* positions i+1 .. j share their mean rank */
        avg = ((double)(i + 1) + (double)j) / 2.0;
        for (k = i; k < j; k++) {
            ranks[a[k].i] = avg;
        }
    }
    free(a);
    return CHISO_OK;
}

chiso_status
chiso_stats_spearman(const double *x,
                     const double *y,
                     size_t n,
                     chiso_corr *out,
                     chiso_diag *diag)
{
    double *rx = NULL, *ry = NULL;
    chiso_status st;
    size_t i;
    int same, rev;

    memset(out, 0, sizeof(*out));
    if ((st = corr_check(x, y, n, diag)) != CHISO_OK) {
        return st;
    }
    rx = malloc(n * sizeof(*rx));
    ry = malloc(n * sizeof(*ry));
    if (rx == NULL || ry == NULL ||
        chiso_stats_average_ranks(x, n, rx) != CHISO_OK ||
        chiso_stats_average_ranks(y, n, ry) != CHISO_OK) {
        free(rx);
        free(ry);
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    /* Average ranks are exact (halves), so rho = +-1 is decided exactly:
     * the ranks agree (1) or are reversed (-1). Otherwise Pearson on the
     * ranks. */
    same = rev = 1;
    for (i = 0; i < n; i++) {
        same = same && !(rx[i] < ry[i]) && !(rx[i] > ry[i]);
        rev = rev && chiso_is_zero(rx[i] - ((double)n + 1 - ry[i]));
    }
    if (same || rev) {
        corr_fill(out, 0, 0, same ? 1 : -1, n);
    } else {
        pearson_core(rx, ry, n, out);
    }
    free(rx);
    free(ry);
    return CHISO_OK;
}

chiso_status
chiso_stats_competition_ranks(const double *v,
                              size_t n,
                              int higher_is_better,
                              long *ranks)
{
    idx_val *a;
    size_t i, j, k;

    if (n == 0) {
        return CHISO_OK;
    }
    a = malloc(n * sizeof(*a));
    if (a == NULL) {
        return CHISO_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        a[i].v = higher_is_better ? -v[i] : v[i];
        a[i].i = i;
    }
    qsort(a, n, sizeof(*a), cmp_idx_val);
    for (i = 0; i < n; i = j) {
        for (j = i + 1; j < n && !(a[j].v > a[i].v); j++) {
        }
        /* the tie group at sorted positions i .. j-1 shares rank i + 1 */
        for (k = i; k < j; k++) {
            ranks[a[k].i] = (long)i + 1;
        }
    }
    free(a);
    return CHISO_OK;
}

double
chiso_stats_quantile_sorted(const double *sorted, size_t n, double p)
{
    if (n == 0) {
        return (double)NAN;
    }
    return gsl_stats_quantile_from_sorted_data(sorted, 1, n, p);
}

double
chiso_stats_quantile_kth(size_t n,
                         double p,
                         double (*kth)(const void *ctx, size_t k),
                         const void *ctx)
{
    double two[2], index, delta;
    size_t lhs;

    if (n == 0) {
        return (double)NAN;
    }
    /* GSL's own positions (gsl_stats_quantile_from_sorted_data: index =
     * p (n - 1), lhs = (int) index, delta = index - lhs), then GSL itself
     * on the two values: with n = 2 and p = delta it computes (1 - delta)
     * a + delta b, or a when delta = 0, exactly as on the full array. */
    index = p * (double)(n - 1);
    /* GSL truncates through int; beyond INT_MAX (where GSL's own cast
       would overflow) the same truncation without it */
    lhs = index < (double)INT_MAX ? (size_t)(int)index : (size_t)index;
    delta = index - (double)lhs;
    two[0] = kth(ctx, lhs);
    if (lhs + 1 >= n) {
        return two[0];
    }
    two[1] = kth(ctx, lhs + 1);
    return gsl_stats_quantile_from_sorted_data(two, 1, 2, delta);
}

/* ---- user tables ------------------------------------------------------ */

void
chiso_user_table_free(chiso_user_table *t)
{
    size_t i;

    if (t == NULL) {
        return;
    }
    for (i = 0; i < t->n; i++) {
        free(t->unit[i]);
        free(t->note[i]);
    }
    for (i = 0; i < t->n_cols; i++) {
        free(t->col_name[i]);
    }
    free(t->unit);
    free(t->note);
    free(t->value);
    free(t->col_name);
    free(t->line);
    free(t->path);
    free(t);
}

chiso_status
chiso_user_table_load(chiso_user_table **out,
                      const char *path,
                      const char *const *cols,
                      size_t n_cols,
                      chiso_diag *diag)
{
    chiso_csv_reader *r = NULL;
    chiso_csv_column *spec = NULL;
    char **folded = NULL;
    long *idx = NULL;
    chiso_user_table *t = NULL;
    chiso_stats_keys *names = NULL; /* folded unit names; key k = row k */
    chiso_csv_row row;
    chiso_status st;
    size_t i, cap = 0;

    *out = NULL;
    spec = calloc(n_cols + 2, sizeof(*spec));
    folded = calloc(n_cols + 1, sizeof(*folded));
    idx = calloc(n_cols + 2, sizeof(*idx));
    t = calloc(1, sizeof(*t));
    if (!spec || !folded || !idx || !t ||
        chiso_stats_keys_new(&names, 64) != CHISO_OK ||
        !(t->col_name = calloc(n_cols + 1, sizeof(*t->col_name))) ||
        !(t->path = chiso_strdup(path))) {
        st = chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
        goto fail;
    }
    spec[0].name = "unit";
    spec[0].aliases = "don_vi|ten_don_vi|unit_name|unit_code|ma_don_vi|"
                      "co_quan|ten_co_quan|so_nganh|tinh|province";
    spec[0].required = 1;
    spec[1].name = "note";
    spec[1].aliases = "ghi_chu|ly_do|reason|notes";
    for (i = 0; i < n_cols; i++) {
        char buf[256];
        chiso_text_fold(cols[i], strlen(cols[i]), buf, sizeof(buf));
        folded[i] = chiso_strdup(buf);
        if (folded[i] == NULL) {
            st =
                chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
            goto fail;
        }
        spec[i + 2].name = folded[i];
        /* the usual words for "the value" when the caller asked for it */
        spec[i + 2].aliases =
            strcmp(folded[i], "value") == 0
                ? "gia_tri|diem|chi_so|score|index|ket_qua|ty_le|percent"
                : NULL;
        spec[i + 2].required = 1;
    }
    st = chiso_csv_open(&r, path, NULL, diag);
    if (st == CHISO_OK) {
        st = chiso_csv_bind(r, spec, n_cols + 2, idx, diag);
    }
    if (st != CHISO_OK) {
        goto fail;
    }
    t->n_cols = n_cols;
    for (i = 0; i < n_cols; i++) {
        t->col_name[i] =
            chiso_strdup(chiso_csv_header_name(r, (size_t)idx[i + 2]));
        if (t->col_name[i] == NULL) {
            st =
                chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
            goto fail;
        }
    }
    while ((st = chiso_csv_next(r, &row, diag)) == CHISO_OK) {
        size_t len, j;
        const char *s;

        for (j = 0; j < row.n && row.len[j] == 0; j++) {
        }
        if (j == row.n) {
            continue;
        }
        if (t->n == cap) {
            size_t nc = cap ? cap * 2 : 32;
            void *a = realloc(t->unit, nc * sizeof(*t->unit));
            if (a == NULL) {
                goto oom;
            }
            t->unit = a;
            a = realloc(t->note, nc * sizeof(*t->note));
            if (a == NULL) {
                goto oom;
            }
            t->note = a;
            a = realloc(t->line, nc * sizeof(*t->line));
            if (a == NULL) {
                goto oom;
            }
            t->line = a;
            a = realloc(t->value,
                        nc * (n_cols ? n_cols : 1) * sizeof(*t->value));
            if (a == NULL) {
                goto oom;
            }
            t->value = a;
            cap = nc;
        }
        s = chiso_csv_field(&row, idx[0], &len);
        chiso_text_trim(&s, &len);
        if (len == 0) {
            st = chiso_csv_field_error(
                r, diag, CHISO_EDATA, &row, (size_t)idx[0],
                chiso_msg(DLANG(diag), "empty unit name in column '%s'"),
                chiso_csv_header_name(r, (size_t)idx[0]));
            goto fail;
        }
        t->unit[t->n] = chiso_strndup(s, len);
        if (t->unit[t->n] == NULL) {
            goto oom;
        }
        s = chiso_csv_field(&row, idx[1], &len);
        chiso_text_trim(&s, &len);
        t->note[t->n] = chiso_strndup(s, idx[1] >= 0 ? len : 0);
        if (t->note[t->n] == NULL) {
            free(t->unit[t->n]);
            goto oom;
        }
        t->line[t->n] = row.line;
        t->n++;
        {
            /* folded names in a hash set: duplicates in linear time */
            char fb[256];
            size_t k;
            int added;
            chiso_text_fold(t->unit[t->n - 1], strlen(t->unit[t->n - 1]), fb,
                            sizeof(fb));
            if (chiso_stats_keys_add(names, fb, strlen(fb), &k, &added) !=
                CHISO_OK) {
                goto oom;
            }
            if (!added) {
                st = chiso_csv_field_error(
                    r, diag, CHISO_EDATA, &row, (size_t)idx[0],
                    chiso_msg(DLANG(diag),
                              "duplicate unit '%s' (first given at line %lu)"),
                    t->unit[t->n - 1], t->line[k]);
                goto fail;
            }
        }
        for (i = 0; i < n_cols; i++) {
            double v = (double)NAN;
            s = chiso_csv_field(&row, idx[i + 2], &len);
            chiso_text_trim(&s, &len);
            if (len > 0 && chiso_parse_number(s, len, &v) != 0) {
                st = chiso_csv_field_error(
                    r, diag, CHISO_EDATA, &row, (size_t)idx[i + 2],
                    chiso_msg(DLANG(diag),
                              "invalid number '%.*s' in column '%s'"),
                    (int)len, s, t->col_name[i]);
                goto fail;
            }
            t->value[(t->n - 1) * n_cols + i] = v;
        }
    }
    if (st != CHISO_DONE) {
        goto fail;
    }
    if (t->n == 0) {
        st = chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                            "the table has no rows");
        goto fail;
    }
    chiso_csv_close(r);
    chiso_stats_keys_free(names);
    for (i = 0; i < n_cols; i++) {
        free(folded[i]);
    }
    free(folded);
    free(spec);
    free(idx);
    *out = t;
    return CHISO_OK;
oom:
    st = chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
fail:
    chiso_csv_close(r);
    chiso_stats_keys_free(names);
    if (folded != NULL) {
        for (i = 0; i < n_cols; i++) {
            free(folded[i]);
        }
    }
    free(folded);
    free(spec);
    free(idx);
    chiso_user_table_free(t);
    return st;
}

/*
 * test_stats.c - GSL wrappers, ranking and correlation against reference
 * values. Numbers marked [fixture key] come from tests/data/fixtures.txt,
 * produced offline by tests/data/make_fixtures.py with scipy/numpy; NIST
 * values are the certified ones; the rest are hand calculations written
 * out in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#include "chiso_stats.h"

#include <gsl/gsl_errno.h>

static void
test_ols_nist_norris(void **state)
{
    double x[64], y[64], a, b;
    size_t n = 0;
    char line[256];
    chiso_ols o;
    chiso_diag d;
    FILE *f = fopen(chiso_test_path("tests/data/nist_norris.txt"), "r");

    (void)state;
    assert_non_null(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (line[0] == '#' || sscanf(line, "%lf %lf", &a, &b) != 2) {
            continue;
        }
        y[n] = a;
        x[n] = b;
        n++;
    }
    fclose(f);
    assert_int_equal(n, 36);
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_stats_ols(x, y, n, 0.95, &o, &d), CHISO_OK);
    /* NIST certified values (15 significant digits) */
    chiso_assert_close(o.slope, 1.00211681802045, 1e-12);
    chiso_assert_close(o.intercept, -0.262323073774029, 1e-11);
    chiso_assert_close(o.se_slope, 0.429796848199937e-03, 1e-14);
    chiso_assert_close(o.se_intercept, 0.232818234301152, 1e-11);
    chiso_assert_close(o.sigma, 0.884796396144373, 1e-11);
    chiso_assert_close(o.r2, 0.999993745883712, 1e-12);
    chiso_assert_close(o.sumsq, 26.6173985294224, 1e-9);
    assert_int_equal((int)o.df, 34);
}

static void
test_ols_short_series(void **state)
{
    double x5[] = {2019, 2020, 2021, 2022, 2023};
    double y5[] = {81.25, 82.9, 82.1, 84.75, 86.02};
    double x3[] = {2017, 2018, 2019};
    double y3[] = {78.4, 80.15, 80.3};
    chiso_ols o;

    (void)state;
    assert_int_equal(chiso_stats_ols(x5, y5, 5, 0.95, &o, NULL), CHISO_OK);
    /* [trend5.*] scipy.stats.linregress + t.ppf */
    chiso_assert_close(o.slope, 1.1389999999999987, 1e-12);
    chiso_assert_close(o.se_slope, 0.27544569942791614, 1e-12);
    chiso_assert_close(o.ci_low, 0.26240885154918736, 1e-10);
    chiso_assert_close(o.ci_high, 2.01559114845081, 1e-10);
    chiso_assert_close(o.p_value, 0.02566690907256344, 1e-12);
    chiso_assert_close(o.r2, 0.8507402297282751, 1e-12);
    /* hand: slope = Sxy/Sxx = 11.39/10 = 1.139 */
    chiso_assert_close(o.slope, 1.139, 1e-12);
    assert_int_equal(chiso_stats_ols(x3, y3, 3, 0.95, &o, NULL), CHISO_OK);
    /* [trend3.*] df = 1: the interval is wide, as it must be */
    chiso_assert_close(o.slope, 0.95, 1e-12);
    chiso_assert_close(o.ci_low, -4.918744579966092, 1e-9);
    chiso_assert_close(o.ci_high, 6.818744579966084, 1e-9);
    chiso_assert_close(o.p_value, 0.2880949285313169, 1e-12);
    assert_int_equal(chiso_stats_ols(x3, y3, 3, 0.90, &o, NULL), CHISO_OK);
    /* [trend3_90.*] */
    chiso_assert_close(o.ci_low, -1.9661969093334015, 1e-9);
    chiso_assert_close(o.ci_high, 3.866196909333393, 1e-9);
}

static void
test_ols_errors(void **state)
{
    double x[] = {2020, 2021, 2022, 2023};
    double y[] = {80.5, 81.5, 82.5, 83.5};
    double xc[] = {2022, 2022, 2022};
    double yn[] = {80.5, NAN, 82.5};
    chiso_ols o;
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_stats_ols(x, y, 2, 0.95, &o, &d), CHISO_EDOMAIN);
    assert_non_null(strstr(d.message, "at least 3 points, got 2"));
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_stats_ols(x, y, 0, 0.95, &o, &d), CHISO_EDOMAIN);
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_stats_ols(xc, y, 3, 0.95, &o, &d), CHISO_EDOMAIN);
    assert_non_null(strstr(d.message, "zero variance"));
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_stats_ols(x, yn, 3, 0.95, &o, &d), CHISO_EDATA);
    assert_non_null(strstr(d.message, "not a finite number"));
    /* values whose squares overflow: no slope, not an infinite one */
    {
        double yb[] = {1e308, -1e308, 1.5e308, -1.2e308};
        chiso_diag_clear(&d);
        d.lang = CHISO_LANG_EN;
        assert_int_equal(chiso_stats_ols(x, yb, 4, 0.95, &o, &d),
                         CHISO_EDOMAIN);
        assert_non_null(strstr(d.message, "too large"));
    }
    /* a perfect line: slope exact, p undefined, interval collapsed */
    assert_int_equal(chiso_stats_ols(x, y, 4, 0.95, &o, NULL), CHISO_OK);
    assert_true(o.perfect_fit);
    chiso_assert_close(o.slope, 1.0, 1e-12);
    assert_true(isnan(o.p_value));
    chiso_assert_close(o.ci_low, 1.0, 1e-12);
    chiso_assert_close(o.ci_high, 1.0, 1e-12);
}

static void
test_correlation(void **state)
{
    double x[] = {7.8486, 7.1872, 8.0022, 8.2568};
    double y[] = {43.9603, 43.5493, 45.78, 45.70};
    double tx[] = {2.385, 3.1, 3.1, 4.75, 5.2, 5.2, 6.05};
    double ty[] = {10.4, 12.7, 11.9, 15.2, 15.2, 14.8, 18.3};
    double r[7];
    double want_r[] = {1.0, 2.5, 2.5, 4.0, 5.5, 5.5, 7.0};
    double c1[] = {1, 2, 3}, c2[] = {4, 4, 4};
    chiso_corr c;
    chiso_diag d;
    size_t i;

    (void)state;
    assert_int_equal(chiso_stats_pearson(x, y, 4, &c, NULL), CHISO_OK);
    /* [papi2023_d6.*] scipy.stats.pearsonr / spearmanr */
    chiso_assert_close(c.r, 0.8442656984925673, 1e-12);
    chiso_assert_close(c.p_value, 0.15573430150743262, 1e-10);
    assert_int_equal(c.n, 4);
    assert_int_equal(chiso_stats_spearman(x, y, 4, &c, NULL), CHISO_OK);
    chiso_assert_close(c.r, 0.8, 1e-12);
    chiso_assert_close(c.p_value, 0.20000000000000007, 1e-10);
    /* [ties.*] */
    assert_int_equal(chiso_stats_pearson(tx, ty, 7, &c, NULL), CHISO_OK);
    chiso_assert_close(c.r, 0.963776034771128, 1e-12);
    chiso_assert_close(c.p_value, 0.0004703958910093529, 1e-12);
    assert_int_equal(chiso_stats_spearman(tx, ty, 7, &c, NULL), CHISO_OK);
    chiso_assert_close(c.r, 0.9082951062292476, 1e-12);
    chiso_assert_close(c.p_value, 0.004653274025986364, 1e-11);
    assert_int_equal(chiso_stats_average_ranks(tx, 7, r), CHISO_OK);
    for (i = 0; i < 7; i++) {
        chiso_assert_close(r[i], want_r[i], 0);
    }
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_stats_pearson(x, y, 2, &c, &d), CHISO_EDOMAIN);
    assert_non_null(strstr(d.message, "at least 3 units"));
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_stats_spearman(c1, c2, 3, &c, &d), CHISO_EDOMAIN);
    assert_non_null(strstr(d.message, "y has zero variance"));
    /* perfect monotone: rho = 1, p = 0 */
    assert_int_equal(chiso_stats_spearman(tx, tx, 7, &c, NULL), CHISO_OK);
    chiso_assert_close(c.r, 1.0, 1e-12);
    chiso_assert_close(c.p_value, 0.0, 0);
}

/* ---- R reference values (tests/data/r/cor_test.R -> cor_test.txt) ---- */

/* The value of `key` in the R fixture, or NAN (with a failure) if absent.
 * Lists (x, y) are read into v (at most cap values); returns the count
 * through *n. */
static double
rfix(const char *key, double *v, size_t cap, size_t *n)
{
    FILE *f = fopen(chiso_test_path("tests/data/r/cor_test.txt"), "r");
    char line[1024];
    size_t klen = strlen(key);
    double out = (double)NAN;

    if (f == NULL) {
        fail_msg("cannot open tests/data/r/cor_test.txt");
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        char *p, *end;
        if (strncmp(line, key, klen) != 0 || strncmp(line + klen, " = ", 3)) {
            continue;
        }
        p = line + klen + 3;
        out = strtod(p, &end);
        if (v != NULL) {
            size_t k = 0;
            while (end != p && k < cap) {
                v[k++] = out;
                p = end;
                out = strtod(p, &end);
            }
            *n = k;
            out = 0;
        }
        fclose(f);
        return out;
    }
    fclose(f);
    fail_msg("no key %s in the R fixture", key);
    return out;
}

/* One case: chiso against R's cor.test, exactly perfect cases infinite. */
static void
check_r_case(const char *name)
{
    double x[32], y[32], rt, rp, rr;
    size_t nx = 0, ny = 0;
    char key[128];
    chiso_corr c;
    int m;

    snprintf(key, sizeof(key), "%s.x", name);
    rfix(key, x, 32, &nx);
    snprintf(key, sizeof(key), "%s.y", name);
    rfix(key, y, 32, &ny);
    assert_int_equal(nx, ny);
    for (m = 0; m < 2; m++) {
        const char *meth = m == 0 ? "pearson" : "spearman";
        int exact;
        if (m == 0) {
            assert_int_equal(chiso_stats_pearson(x, y, nx, &c, NULL), CHISO_OK);
        } else {
            assert_int_equal(chiso_stats_spearman(x, y, nx, &c, NULL),
                             CHISO_OK);
        }
        snprintf(key, sizeof(key), "%s.%s_exact", name, meth);
        exact = (int)rfix(key, NULL, 0, NULL);
        snprintf(key, sizeof(key), "%s.%s_r", name, meth);
        rr = rfix(key, NULL, 0, NULL);
        snprintf(key, sizeof(key), "%s.%s_t", name, meth);
        rt = rfix(key, NULL, 0, NULL);
        snprintf(key, sizeof(key), "%s.%s_p", name, meth);
        rp = rfix(key, NULL, 0, NULL);
        assert_int_equal(c.n, nx);
        chiso_assert_close(c.df, (double)nx - 2, 0);
        if (exact != 0) {
            /* exactly perfect: r = +-1, t = +-Inf, p = 0 (R agrees or
             * misses by rounding: r within 4 ulps of 1, t above 1e7) */
            chiso_assert_close(c.r, (double)exact, 0);
            assert_true(isinf(c.t) && (c.t > 0) == (exact > 0));
            chiso_assert_close(c.p_value, 0, 0);
            chiso_assert_close(rr, (double)exact, 1e-15);
            assert_true(isinf(rt) || fabs(rt) > 1e7);
            assert_true(rp < 1e-7);
        } else {
            chiso_assert_close(c.r, rr, 1e-13);
            /* R forms 1 - r^2 by subtraction: near |r| = 1 its t carries
             * the rounding of r, relatively 2^-52 / (1 - r^2) */
            chiso_assert_close(c.t, rt,
                               fabs(rt) * (1e-12 + 1e-15 / (1 - rr * rr)));
            chiso_assert_close(c.p_value, rp,
                               rp * (1e-9 + 1e-14 / (1 - rr * rr)) + 1e-300);
            assert_true(isfinite(c.t));
        }
    }
}

static void
test_correlation_r(void **state)
{
    (void)state;
    check_r_case("perfect3");
    check_r_case("perfect_neg6");
    check_r_case("perfect_int5");
    check_r_case("monotone7");
    check_r_case("reversed_ties6");
    check_r_case("near8");
    check_r_case("papi4");
    /* near8 in exact rational arithmetic (Python fractions.Fraction over
     * the decimals as written): 1 - r^2 = 3.47219328709732e-11, t =
     * 415693.92586733814. R's 415694.83 is off by 2e-6 (1 - r*r cancels);
     * chiso's SSE/Syy keeps 1e-11. */
    {
        double x[] = {1, 2, 3, 4, 5, 6, 7, 8};
        double y[] = {2, 4, 6, 8, 10, 12, 14, 16.0001};
        chiso_corr c;
        assert_int_equal(chiso_stats_pearson(x, y, 8, &c, NULL), CHISO_OK);
        chiso_assert_close(c.t, 415693.92586733814, 415693.9 * 1e-10);
        assert_false(c.t_infinite);
    }
}

/* Messages speak the diagnostic's language: Vietnamese, the default,
 * from the catalogue (analytics/util/po/vi.po), English on request. */
static void
test_messages_in_language(void **state)
{
    double x[] = {1, 2}, y[] = {3, 5};
    chiso_corr c;
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_VI;
    assert_int_equal(chiso_stats_pearson(x, y, 2, &c, &d), CHISO_EDOMAIN);
    assert_string_equal(d.message, "kiểm định tương quan cần ít nhất 3 đơn "
                                   "vị có cả hai giá trị, chỉ có 2");
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_stats_pearson(x, y, 2, &c, &d), CHISO_EDOMAIN);
    assert_string_equal(d.message, "a correlation test needs at least 3 "
                                   "units with both values, got 2");
}

static void
test_competition_ranks(void **state)
{
    double v[] = {91.5, 88.25, 91.5, 79.0, 88.25, 95.125};
    long r[6];
    double all[] = {80.5, 80.5, 80.5};
    long ra[3];

    (void)state;
    assert_int_equal(chiso_stats_competition_ranks(v, 6, 1, r), CHISO_OK);
    /* 95.125 -> 1; 91.5, 91.5 -> 2, 2; 88.25, 88.25 -> 4, 4; 79 -> 6 */
    assert_int_equal(r[5], 1);
    assert_int_equal(r[0], 2);
    assert_int_equal(r[2], 2);
    assert_int_equal(r[1], 4);
    assert_int_equal(r[4], 4);
    assert_int_equal(r[3], 6);
    assert_int_equal(chiso_stats_competition_ranks(v, 6, 0, r), CHISO_OK);
    assert_int_equal(r[3], 1);
    assert_int_equal(r[1], 2);
    assert_int_equal(r[5], 6);
    /* everything ties: everyone first */
    assert_int_equal(chiso_stats_competition_ranks(all, 3, 1, ra), CHISO_OK);
    assert_int_equal(ra[0], 1);
    assert_int_equal(ra[1], 1);
    assert_int_equal(ra[2], 1);
}

static void
test_quantiles(void **state)
{
    double s[] = {81.32, 86.89, 87.32, 91.03, 91.16, 91.43, 91.81, 92.18};

    (void)state;
    /* [par2023.q*] numpy.quantile(method="linear") */
    chiso_assert_close(chiso_stats_quantile_sorted(s, 8, 0.25),
                       87.21249999999999, 1e-12);
    chiso_assert_close(chiso_stats_quantile_sorted(s, 8, 0.5), 91.095, 1e-12);
    chiso_assert_close(chiso_stats_quantile_sorted(s, 8, 0.75), 91.525, 1e-12);
    /* hand: h = 7 * 0.25 = 1.75 -> 86.89 + 0.75 * (87.32 - 86.89) */
    chiso_assert_close(chiso_stats_quantile_sorted(s, 8, 0.25),
                       86.89 + 0.75 * (87.32 - 86.89), 1e-12);
}

/* n distinct values 40.0 + 0.1 i; group sizes from best to poor. */
static void
groups_for(size_t n, size_t *count)
{
    chiso_rank_input in[70];
    chiso_rank_result *res = NULL;
    char names[70][32];
    size_t i;

    memset(in, 0, sizeof(in));
    for (i = 0; i < n; i++) {
        snprintf(names[i], sizeof(names[i]), "u%02zu", i);
        in[i].unit = names[i];
        in[i].unit_code = "";
        in[i].has_value = 1;
        in[i].value = 40.0 + 0.1 * (double)i;
    }
    assert_int_equal(chiso_rank_compute(&res, in, n, 1, NULL, NULL), CHISO_OK);
    assert_true(res->groups);
    memcpy(count, res->group_count, 4 * sizeof(*count));
    chiso_rank_free(res);
}

static void
test_quartile_groups(void **state)
{
    size_t c[4];

    (void)state;
    /* PAPI 2020: 63 provinces split 16 / 16 / 15 / 16 (published) */
    groups_for(63, c);
    assert_int_equal(c[0], 16);
    assert_int_equal(c[1], 16);
    assert_int_equal(c[2], 15);
    assert_int_equal(c[3], 16);
    /* PAPI 2023: 61 scored provinces, top group of 15 (published) */
    groups_for(61, c);
    assert_int_equal(c[0], 15);
    assert_int_equal(c[0] + c[1] + c[2] + c[3], 61);
    /* hand: n = 8, Q1 = pos 2.75, Q2 = 4.5, Q3 = 6.25 -> 2 / 2 / 2 / 2 */
    groups_for(8, c);
    assert_int_equal(c[0], 2);
    assert_int_equal(c[1], 2);
    assert_int_equal(c[2], 2);
    assert_int_equal(c[3], 2);
}

static void
test_rank_compute(void **state)
{
    chiso_rank_input in[6];
    chiso_rank_result *res = NULL;
    chiso_diag d;

    (void)state;
    memset(in, 0, sizeof(in));
    in[0] = (chiso_rank_input){"Sở A", "", 1, 92.5, NULL, 0, 0, 0, NULL};
    in[1] = (chiso_rank_input){"Sở B", "", 1, 88.0, NULL, 0, 0, 0, NULL};
    in[2] = (chiso_rank_input){"Sở C", "", 0, 0, "chưa chấm", 0, 0, 0, NULL};
    in[3] = (chiso_rank_input){"Sở D", "", 1, 92.5, NULL, 0, 0, 0, NULL};
    in[4] = (chiso_rank_input){"Sở E", "", 1, 75.25, NULL, 0, 0, 0, NULL};
    assert_int_equal(chiso_rank_compute(&res, in, 5, 1, NULL, NULL), CHISO_OK);
    assert_int_equal(res->n, 4);
    assert_int_equal(res->n_unranked, 1);
    assert_string_equal(res->unranked[0]->reason, "chưa chấm");
    /* 92.5, 92.5 -> 1, 1 (ordered by name), 88 -> 3, 75.25 -> 4 */
    assert_string_equal(res->items[0].in->unit, "Sở A");
    assert_string_equal(res->items[1].in->unit, "Sở D");
    assert_int_equal(res->items[1].rank, 1);
    assert_int_equal(res->items[2].rank, 3);
    assert_int_equal(res->items[3].rank, 4);
    /* percentile = 100 (rank_asc - 1) / (n - 1), rank_asc = 1 + number of
     * strictly lower values: the tied pair has 2 below -> 66.67; 88 has 1
     * below -> 33.33; 75.25 -> 0 */
    chiso_assert_close(res->items[0].percentile, 200.0 / 3.0, 1e-12);
    chiso_assert_close(res->items[1].percentile, 200.0 / 3.0, 1e-12);
    chiso_assert_close(res->items[2].percentile, 100.0 / 3.0, 1e-12);
    chiso_assert_close(res->items[3].percentile, 0.0, 1e-12);
    chiso_rank_free(res);
    /* lower is better mirrors the order */
    assert_int_equal(chiso_rank_compute(&res, in, 5, 0, NULL, NULL), CHISO_OK);
    assert_string_equal(res->items[0].in->unit, "Sở E");
    assert_int_equal(res->items[0].group, 1);
    chiso_rank_free(res);
    /* nothing to rank */
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_rank_compute(&res, &in[2], 1, 1, NULL, &d),
                     CHISO_EDATA);
    assert_null(res);
}

static void
test_compare(void **state)
{
    chiso_rank_input x[5], y[4];
    chiso_compare_result *res = NULL;
    chiso_diag d;

    (void)state;
    memset(x, 0, sizeof(x));
    memset(y, 0, sizeof(y));
    x[0] =
        (chiso_rank_input){"Hà Nội", "ha-noi", 1, 7.8486, NULL, 0, 0, 0, NULL};
    x[1] = (chiso_rank_input){"Hòa Bình", "hoa-binh", 1, 7.1872, NULL,
                              0,          0,          0, NULL};
    x[2] = (chiso_rank_input){
        "Thái Nguyên", "thai-nguyen", 1, 8.0022, NULL, 0, 0, 0, NULL};
    x[3] = (chiso_rank_input){"Bắc Ninh", "bac-ninh", 1, 8.2568, NULL,
                              0,          0,          0, NULL};
    x[4] = (chiso_rank_input){"Hà Giang", "ha-giang", 1, 7.1704, NULL,
                              0,          0,          0, NULL};
    y[0] = (chiso_rank_input){"Bắc Ninh", "bac-ninh", 1, 45.70, NULL,
                              0,          0,          0, NULL};
    y[1] =
        (chiso_rank_input){"Hà Nội", "ha-noi", 1, 43.9603, NULL, 0, 0, 0, NULL};
    y[2] = (chiso_rank_input){"Hòa Bình", "hoa-binh", 1, 43.5493, NULL,
                              0,          0,          0, NULL};
    y[3] = (chiso_rank_input){
        "Thái Nguyên", "thai-nguyen", 1, 45.78, NULL, 0, 0, 0, NULL};
    assert_int_equal(chiso_compare_compute(&res, x, 5, y, 4, NULL), CHISO_OK);
    assert_int_equal(res->n, 4);
    assert_int_equal(res->n_only_x, 1);
    assert_string_equal(res->only_x[0], "Hà Giang");
    /* [papi2023_d6.*] */
    chiso_assert_close(res->pearson.r, 0.8442656984925673, 1e-12);
    chiso_assert_close(res->spearman.p_value, 0.20000000000000007, 1e-10);
    chiso_compare_free(res);
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_compare_compute(&res, x, 2, y, 4, &d),
                     CHISO_EDOMAIN);
    assert_non_null(strstr(d.message, "got 2"));
    assert_non_null(strstr(d.message, "Hà Nội, Hòa Bình"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ols_nist_norris),
        cmocka_unit_test(test_ols_short_series),
        cmocka_unit_test(test_ols_errors),
        cmocka_unit_test(test_correlation),
        cmocka_unit_test(test_correlation_r),
        cmocka_unit_test(test_messages_in_language),
        cmocka_unit_test(test_competition_ranks),
        cmocka_unit_test(test_quantiles),
        cmocka_unit_test(test_quartile_groups),
        cmocka_unit_test(test_rank_compute),
        cmocka_unit_test(test_compare),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}

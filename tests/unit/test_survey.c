/*
 * test_survey.c - chiso survey: estimator by hand, bootstrap intervals
 * against an independent Python re-implementation (tests/data/
 * make_fixtures.py: MT19937 checked against numpy, GSL's uniform_int
 * rule, type-7 quantiles), and every load error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#include "chiso_stats.h"
#include "stats_int.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <sys/resource.h>

static void
test_small_by_hand(void **state)
{
    chiso_survey *s = NULL;
    chiso_survey_result *r = NULL;
    chiso_survey_options o = CHISO_SURVEY_OPTIONS_INIT;
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_survey_load(&s, chiso_test_path("tests/data/survey_small.csv"),
                          &d),
        CHISO_OK);
    o.seed = 7;
    o.replicates = 500;
    assert_int_equal(chiso_survey_compute(&r, s, &o, &d), CHISO_OK);
    assert_int_equal(r->n_respondents, 4);
    assert_true(r->weighted);
    /* C1: satisfied R1 (w 1), R3 (w 1) of weights 1 + 2 + 1 + 0.5 = 4.5 */
    chiso_assert_close(r->criteria[0].share, 100.0 * 2 / 4.5, 1e-12);
    /* C2: R2 did not answer; satisfied R1 (1), R4 (0.5) of 2.5 -> 60 */
    chiso_assert_close(r->criteria[1].share, 60.0, 1e-12);
    assert_int_equal(r->criteria[1].n_answers, 3);
    chiso_assert_close(r->criteria[1].weight_sum, 2.5, 1e-12);
    /* C3: satisfied R2 (2), R3 (1) of 4.5 */
    chiso_assert_close(r->criteria[2].share, 100.0 * 3 / 4.5, 1e-12);
    /* E1 = (44.44 + 60) / 2, E2 = C3, overall = (E1 + E2) / 2 */
    chiso_assert_close(r->elements[0].share, (100.0 * 2 / 4.5 + 60) / 2, 1e-12);
    chiso_assert_close(r->overall.share, 59.44444444444444, 1e-12);
    /* [small.overall.ci] = (41.66666666666667, 71.15384615384616, 498):
     * 2 replicates drew only R2, who left C2 blank */
    chiso_assert_close(r->overall.ci_low, 41.66666666666667, 1e-9);
    chiso_assert_close(r->overall.ci_high, 71.15384615384616, 1e-9);
    assert_int_equal(r->overall.replicates_used, 498);
    /* [small.element.E1.ci] */
    chiso_assert_close(r->elements[0].ci_low, 16.666666666666668, 1e-9);
    chiso_assert_close(r->elements[0].ci_high, 83.33333333333334, 1e-9);
    assert_int_equal(r->criteria[2].replicates_used, 500);
    chiso_survey_result_free(r);
    chiso_survey_free(s);
}

static void
test_sample_bootstrap(void **state)
{
    chiso_survey *s = NULL;
    chiso_survey_result *r = NULL, *r2 = NULL;
    chiso_survey_options o = CHISO_SURVEY_OPTIONS_INIT;
    chiso_diag d;
    size_t i;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_survey_load(
            &s,
            chiso_test_path(
                "datasets/samples/survey-synthetic-department-2024.csv"),
            &d),
        CHISO_OK);
    assert_int_equal(chiso_survey_respondents(s), 120);
    assert_int_equal(chiso_survey_compute(&r, s, &o, &d), CHISO_OK);
    assert_int_equal(r->n_criteria, 16);
    /* [sample.*] seed 20240417, 2000 replicates */
    chiso_assert_close(r->overall.share, 79.72973745574046, 1e-10);
    chiso_assert_close(r->overall.ci_low, 77.35307084197086, 1e-9);
    chiso_assert_close(r->overall.ci_high, 81.94889339228111, 1e-9);
    chiso_assert_close(r->elements[4].share, 67.1899738346416, 1e-10);
    chiso_assert_close(r->elements[4].ci_low, 61.666670865473286, 1e-9);
    chiso_assert_close(r->elements[4].ci_high, 72.42845203954514, 1e-9);
    assert_string_equal(r->criteria[15].id, "E5.3");
    chiso_assert_close(r->criteria[15].share, 63.716814159292035, 1e-10);
    chiso_assert_close(r->criteria[15].ci_low, 54.3859649122807, 1e-9);
    chiso_assert_close(r->criteria[15].ci_high, 72.41537488136665, 1e-9);
    /* same seed, same numbers, bit for bit */
    assert_int_equal(chiso_survey_compute(&r2, s, &o, &d), CHISO_OK);
    for (i = 0; i < r->n_criteria; i++) {
        assert_memory_equal(&r->criteria[i].ci_low, &r2->criteria[i].ci_low,
                            sizeof(double));
    }
    chiso_survey_result_free(r2);
    /* another seed moves the interval */
    o.seed = 1;
    assert_int_equal(chiso_survey_compute(&r2, s, &o, &d), CHISO_OK);
    assert_true(fabs(r2->overall.ci_low - r->overall.ci_low) > 1e-9);
    chiso_assert_close(r2->overall.share, r->overall.share, 0);
    chiso_survey_result_free(r2);
    chiso_survey_result_free(r);
    chiso_survey_free(s);
}

static void
expect_error(const char *text,
             unsigned long line,
             unsigned long col,
             const char *frag)
{
    chiso_survey *s = NULL;
    chiso_diag d;
    const char *p = chiso_test_file("survey.csv", text);

    chiso_diag_clear(&d);

    d.lang = CHISO_LANG_EN;
    assert_int_not_equal(chiso_survey_load(&s, p, &d), CHISO_OK);
    assert_null(s);
    if (strstr(d.message, frag) == NULL || d.line != line || d.column != col) {
        fail_msg("got %lu:%lu '%s', expected %lu:%lu '%s'", d.line, d.column,
                 d.message, line, col, frag);
    }
}

/* Results of two runs equal bit for bit. */
static void
assert_same(const chiso_survey_result *a, const chiso_survey_result *b)
{
    size_t i;

    assert_int_equal(a->n_criteria, b->n_criteria);
    assert_int_equal(a->n_elements, b->n_elements);
    for (i = 0; i < a->n_criteria; i++) {
        assert_string_equal(a->criteria[i].id, b->criteria[i].id);
        assert_memory_equal(&a->criteria[i].share, &b->criteria[i].share,
                            sizeof(double));
        assert_memory_equal(&a->criteria[i].ci_low, &b->criteria[i].ci_low,
                            sizeof(double));
        assert_memory_equal(&a->criteria[i].ci_high, &b->criteria[i].ci_high,
                            sizeof(double));
        assert_int_equal(a->criteria[i].replicates_used,
                         b->criteria[i].replicates_used);
        assert_int_equal(a->criteria[i].n_answers, b->criteria[i].n_answers);
    }
    for (i = 0; i < a->n_elements; i++) {
        assert_memory_equal(&a->elements[i].share, &b->elements[i].share,
                            sizeof(double));
        assert_memory_equal(&a->elements[i].ci_low, &b->elements[i].ci_low,
                            sizeof(double));
        assert_memory_equal(&a->elements[i].ci_high, &b->elements[i].ci_high,
                            sizeof(double));
    }
    assert_memory_equal(&a->overall.ci_low, &b->overall.ci_low, sizeof(double));
    assert_memory_equal(&a->overall.ci_high, &b->overall.ci_high,
                        sizeof(double));
}

/* The replicate statistics are kept in blocks that fit a memory budget;
 * a budget so small that every criterion gets its own pass over the
 * replicates gives the same numbers, bit for bit, as one pass. */
static void
test_blocks_same_result(void **state)
{
    chiso_survey *s = NULL;
    chiso_survey_result *r = NULL, *r2 = NULL;
    chiso_survey_options o = CHISO_SURVEY_OPTIONS_INIT;
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_survey_load(
            &s,
            chiso_test_path(
                "datasets/samples/survey-synthetic-department-2024.csv"),
            &d),
        CHISO_OK);
    o.replicates = 400;
    assert_int_equal(chiso_survey_compute(&r, s, &o, &d), CHISO_OK);
    o.memory_budget = 1; /* one criterion per pass */
    assert_int_equal(chiso_survey_compute(&r2, s, &o, &d), CHISO_OK);
    assert_same(r, r2);
    chiso_survey_result_free(r2);
    o.memory_budget = 400 * 8 * 5; /* a few statistics per pass */
    assert_int_equal(chiso_survey_compute(&r2, s, &o, &d), CHISO_OK);
    assert_same(r, r2);
    chiso_survey_result_free(r2);
    chiso_survey_result_free(r);
    chiso_survey_free(s);
}

/* Sampling weights near the largest double: the shares are ratios of
 * weight sums, which overflow; the results equal those of the same
 * weights divided by 2^1020 (an exact scaling). */
static void
test_huge_weights(void **state)
{
    chiso_survey *s = NULL, *s2 = NULL;
    chiso_survey_result *r = NULL, *r2 = NULL;
    chiso_survey_options o = CHISO_SURVEY_OPTIONS_INIT;
    chiso_diag d;
    char big[1024], small[1024];
    size_t i, len = 0, len2 = 0;
    static const char *const rows[] = {"R1,E1,C1,5", "R1,E1,C2,4",
                                       "R2,E1,C1,3", "R2,E1,C2,5",
                                       "R3,E1,C1,4", "R3,E1,C2,2"};
    static const double w[] = {1.5, 1.5, 1.75, 1.75, 1.25, 1.25};

    (void)state;
    len = (size_t)snprintf(big, sizeof(big),
                           "respondent_id,element,criterion,answer,weight\n");
    len2 = (size_t)snprintf(small, sizeof(small),
                            "respondent_id,element,criterion,answer,weight\n");
    for (i = 0; i < 6; i++) {
        len += (size_t)snprintf(big + len, sizeof(big) - len, "%s,%.17g\n",
                                rows[i], ldexp(w[i], 1023));
        len2 += (size_t)snprintf(small + len2, sizeof(small) - len2,
                                 "%s,%.17g\n", rows[i], ldexp(w[i], 3));
    }
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_survey_load(&s, chiso_test_file("sv_big.csv", big), &d),
        CHISO_OK);
    assert_int_equal(
        chiso_survey_load(&s2, chiso_test_file("sv_small.csv", small), &d),
        CHISO_OK);
    o.replicates = 300;
    assert_int_equal(chiso_survey_compute(&r, s, &o, &d), CHISO_OK);
    assert_int_equal(chiso_survey_compute(&r2, s2, &o, &d), CHISO_OK);
    /* hand: C1 satisfied R1 (1.5) and R3 (1.25) of 4.5 */
    chiso_assert_close(r->criteria[0].share, 100 * 2.75 / 4.5, 1e-12);
    assert_true(isfinite(r->overall.ci_low) && isfinite(r->overall.ci_high));
    assert_same(r, r2);
    chiso_survey_result_free(r);
    chiso_survey_result_free(r2);
    chiso_survey_free(s);
    chiso_survey_free(s2);
}

/* Memory does not grow with respondents x criteria: 30,000 answers, each
 * by its own respondent to its own criterion (the product is 9e8 cells,
 * 8 GB in the old matrix layout), under a 1 GiB address-space limit. */
static void
test_memory_not_product(void **state)
{
    chiso_survey *s = NULL;
    chiso_survey_result *r = NULL;
    chiso_survey_options o = CHISO_SURVEY_OPTIONS_INIT;
    chiso_diag d;
    size_t i, n = 30000, len = 0, cap = 64 * n;
    char *text = malloc(cap);
    chiso_status st;
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    struct rlimit old, lim;
#endif

    (void)state;
    assert_non_null(text);
    len = (size_t)snprintf(text, cap,
                           "respondent_id,element,criterion,"
                           "answer\n");
    for (i = 0; i < n; i++) {
        len += (size_t)snprintf(text + len, cap - len, "R%zu,E%zu,C%zu,%zu\n",
                                i, i % 7, i, 1 + i % 5);
    }
    text[len] = '\0';
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    /* (sanitizers reserve terabytes of shadow memory: no limit there) */
    assert_int_equal(getrlimit(RLIMIT_AS, &old), 0);
    lim = old;
    lim.rlim_cur = (rlim_t)1 << 30;
    assert_int_equal(setrlimit(RLIMIT_AS, &lim), 0);
#endif
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    o.replicates = 50;
    st = chiso_survey_load(&s, chiso_test_file("sv_wide.csv", text), &d);
    if (st == CHISO_OK) {
        st = chiso_survey_compute(&r, s, &o, &d);
    }
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    setrlimit(RLIMIT_AS, &old);
#endif
    free(text);
    if (st != CHISO_OK) {
        fail_msg("%s: %s", chiso_status_str(st), d.message);
    }
    assert_int_equal(r->n_criteria, n);
    assert_int_equal(r->n_elements, 7);
    /* R7 answered C7 with 1 + 7 % 5 = 3: not satisfied; R3: 4 */
    chiso_assert_close(r->criteria[7].share, 0, 0);
    chiso_assert_close(r->criteria[3].share, 100, 0);
    chiso_survey_result_free(r);
    chiso_survey_free(s);
}

/* The inline generator is GSL's gsl_rng_mt19937 with gsl_rng_uniform_int,
 * draw for draw, for seeds and ranges at the edges. */
static void
test_mt_matches_gsl(void **state)
{
    static const unsigned long seeds[] = {0, 1, 4357, 20240417UL, 4294967295UL};
    static const uint32_t ns[] = {
        1,     2,          3,           7,           120,        1000,
        65537, 2147483647, 2147483648u, 4294967294u, 4294967295u};
    size_t a, b, k;

    (void)state;
    for (a = 0; a < sizeof(seeds) / sizeof(seeds[0]); a++) {
        for (b = 0; b < sizeof(ns) / sizeof(ns[0]); b++) {
            gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
            chiso_stats__mt g;
            chiso_stats__uniform u;
            assert_non_null(r);
            gsl_rng_set(r, seeds[a]);
            chiso_stats__mt_seed(&g, seeds[a]);
            chiso_stats__uniform_init(&u, ns[b]);
            for (k = 0; k < 20000; k++) {
                unsigned long want = gsl_rng_uniform_int(r, ns[b]);
                uint32_t got = chiso_stats__uniform_draw(&g, &u);
                if (want != got) {
                    fail_msg("seed %lu n %u draw %zu: GSL %lu, inline %u",
                             seeds[a], ns[b], k, want, got);
                }
            }
            gsl_rng_free(r);
        }
    }
}

static void
test_errors(void **state)
{
    (void)state;
    expect_error("ma_phieu;yeu_to;tieu_chi;tra_loi\nP1;E1;C1;6\n", 2, 10,
                 "invalid answer '6'");
    expect_error("ma_phieu,yeu_to,tieu_chi,tra_loi\nP1,E1,C1,4.5\n", 2, 10,
                 "expected a whole number 1-5");
    expect_error("respondent_id,element,criterion,answer,weight\n"
                 "P1,E1,C1,4,1.5\nP1,E1,C2,4,2\n",
                 3, 12, "has weight 2 here but 1.5 at line 2");
    expect_error("respondent_id,element,criterion,answer\n"
                 "P1,E1,C1,4\nP1,E1,C1,5\n",
                 3, 7, "answers criterion 'C1' twice");
    expect_error("respondent_id,element,criterion,answer\n"
                 "P1,E1,C1,4\nP2,E2,C1,5\n",
                 3, 4, "criterion 'C1' is in element 'E2' here but in 'E1'");
    expect_error("respondent_id,element,criterion,answer,weight\n"
                 "P1,E1,C1,4,0\n",
                 2, 12, "invalid weight '0'");
    expect_error("respondent_id,element,criterion\nP1,E1,C1\n", 1, 1,
                 "missing column 'answer'");
    expect_error("respondent_id,element,criterion,answer\n", 0, 0,
                 "no answers");
    /* a duplicate found late (rows of one respondent apart) is still the
     * first problem in file order, before a bad answer further down */
    expect_error("respondent_id,element,criterion,answer\n"
                 "P1,E1,C1,4\nP2,E1,C1,5\nP1,E1,C2,3\nP1,E1,C1,5\n"
                 "P3,E1,C1,9\n",
                 5, 7,
                 "respondent 'P1' answers criterion 'C1' twice (first "
                 "at line 2)");
    expect_error("respondent_id,element,criterion,answer\n"
                 "P1,E1,C1,4\nP2,E1,C1,9\nP1,E1,C1,5\n",
                 3, 10, "invalid answer '9'");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_by_hand),
        cmocka_unit_test(test_sample_bootstrap),
        cmocka_unit_test(test_mt_matches_gsl),
        cmocka_unit_test(test_blocks_same_result),
        cmocka_unit_test(test_huge_weights),
        cmocka_unit_test(test_memory_not_product),
        cmocka_unit_test(test_errors),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("survey", tests, NULL, NULL);
}

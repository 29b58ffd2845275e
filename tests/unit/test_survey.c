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

#include <gsl/gsl_errno.h>

static void
test_small_by_hand(void **state)
{
    chiso_survey *s = NULL;
    chiso_survey_result *r = NULL;
    chiso_survey_options o = CHISO_SURVEY_OPTIONS_INIT;
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
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

    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN; /* the messages below are the English ones */
    assert_int_not_equal(chiso_survey_load(&s, p, &d), CHISO_OK);
    assert_null(s);
    if (strstr(d.message, frag) == NULL || d.line != line || d.column != col) {
        fail_msg("got %lu:%lu '%s', expected %lu:%lu '%s'", d.line, d.column,
                 d.message, line, col, frag);
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
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_by_hand),
        cmocka_unit_test(test_sample_bootstrap),
        cmocka_unit_test(test_errors),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("survey", tests, NULL, NULL);
}

/*
 * test_score.c - every rule type, not-applicable handling, rounding, the
 * points-lost order, appraisal, reconciliation and what-if, against hand
 * calculations written next to each assertion.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_score.h"
#include "helpers.h"
#include "score_int.h"

#include <cjson/cJSON.h>

static const char *const FW =
    "{\"format\":\"chiso-framework\",\"id\":\"t\",\"name\":\"Thử\","
    "\"points_decimals\":2,"
    "\"classification\":[{\"id\":\"A\",\"label\":\"Nhóm A\",\"min\":90},"
    "{\"id\":\"B\",\"label\":\"Nhóm B\",\"min\":80},"
    "{\"id\":\"C\",\"label\":\"Nhóm C\",\"min\":0}],"
    "\"nodes\":["
    "{\"id\":\"1\",\"name\":\"Một\",\"max\":10,\"children\":["
    " {\"id\":\"1.1\",\"name\":\"manual\",\"max\":2,\"rule\":\"manual\"},"
    " {\"id\":\"1.2\",\"name\":\"binary\",\"max\":2,\"rule\":\"binary\"},"
    " {\"id\":\"1.3\",\"name\":\"bands\",\"max\":2,\"rule\":{\"type\":"
    "\"bands\",\"bands\":[{\"min\":100,\"points\":2},{\"min\":80,\"points\":1},"
    "{\"min\":0,\"points\":0}]}},"
    " {\"id\":\"1.4\",\"name\":\"deduction\",\"max\":2,\"rule\":{\"type\":"
    "\"deduction\",\"per\":0.5}},"
    " {\"id\":\"1.5\",\"name\":\"prop\",\"max\":2,\"rule\":{\"type\":"
    "\"proportional\",\"target\":90,\"zero_denominator\":\"zero\"}}]},"
    "{\"id\":\"2\",\"name\":\"Hai\",\"max\":12,\"children\":["
    " {\"id\":\"2.1\",\"name\":\"terms\",\"max\":10,\"rule\":{\"type\":"
    "\"terms\",\"tolerance\":0.015,\"terms\":[{\"input\":\"A\",\"points\":6},"
    "{\"input\":\"B\",\"points\":2,\"full_at\":80},{\"input\":\"C\","
    "\"points\":2.5}]}},"
    " {\"id\":\"2.2\",\"name\":\"na\",\"max\":2,\"rule\":\"manual\"},"
    " {\"id\":\"2.3\",\"name\":\"tracked\",\"max\":0,\"rule\":\"tracked\"}]}"
    "]}";

struct fixture {
    chiso_framework *fw;
    chiso_evidence *ev;
    chiso_score_result *res;
};

static chiso_framework *
load_fw(const char *text)
{
    chiso_framework *fw = NULL;
    chiso_diag d;

    chiso_diag_clear(&d);
    if (chiso_framework_load(&fw, chiso_test_file("score_fw.json", text), &d) !=
        CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    return fw;
}

static chiso_evidence *
load_ev(const char *text)
{
    chiso_evidence *ev = NULL;
    chiso_diag d;

    chiso_diag_clear(&d);
    if (chiso_evidence_load(&ev, chiso_test_file("score_ev.csv", text), &d) !=
        CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    return ev;
}

/* Score and return the status; on success *res is set. */
static chiso_status
score(struct fixture *f,
      const char *ev_text,
      const chiso_score_options *o,
      chiso_diag *d)
{
    chiso_diag_clear(d);
    d->lang = CHISO_LANG_EN; /* the messages checked here are the English ones */
    f->fw = load_fw(FW);
    f->ev = load_ev(ev_text);
    return chiso_score_compute(&f->res, f->fw, f->ev, o, d);
}

static void
release(struct fixture *f)
{
    chiso_score_free(f->res);
    chiso_evidence_free(f->ev);
    chiso_framework_free(f->fw);
    memset(f, 0, sizeof(*f));
}

static const chiso_node_score *
node(const struct fixture *f, const char *id)
{
    long k = chiso_framework_find(f->fw, id);

    assert_true(k >= 0);
    return &f->res->nodes[k];
}

static void
test_every_rule(void **state)
{
    struct fixture f = {0};
    chiso_diag d;

    (void)state;
    assert_int_equal(
        score(&f,
              "criterion_id,value,numerator,denominator,points,evidence\n"
              "1.1,,,,1.5,QĐ 1\n"  /* manual: 1.5 */
              "1.2,có,,,,BC 2\n"   /* binary yes: 2 */
              "1.3,85,,,,BC 3\n"   /* 85 in [80,100): 1 */
              "1.4,3,,,,BC 4\n"    /* 2 - 3*0.5 = 0.5 */
              "1.5,,72,90,,BC 5\n" /* 80 % of target 90: 2*80/90 = 1.7778 */
              "A,,95,100,,\n"      /* 6*0.95 = 5.7 */
              "B,,70,100,,\n"      /* min(2, 2*70/80) = 1.75 */
              "C,,40,100,,\n"      /* 2.5*0.4 = 1.0 */
              "2.2,KAD,,,,\n"      /* not applicable */
              "2.3,12,,,,\n",      /* tracked */
              NULL, &d),
        CHISO_OK);
    chiso_assert_close(node(&f, "1.1")->points, 1.5, 1e-12);
    chiso_assert_close(node(&f, "1.2")->points, 2, 1e-12);
    chiso_assert_close(node(&f, "1.3")->points, 1, 1e-12);
    chiso_assert_close(node(&f, "1.4")->points, 0.5, 1e-12);
    chiso_assert_close(node(&f, "1.5")->points_exact, 2.0 * 80 / 90, 1e-12);
    chiso_assert_close(node(&f, "1.5")->points, 1.78, 1e-12);
    chiso_assert_close(node(&f, "2.1")->points_exact, 5.7 + 1.75 + 1.0, 1e-12);
    chiso_assert_close(node(&f, "2.1")->points, 8.45, 1e-12);
    assert_false(node(&f, "2.2")->applicable);
    chiso_assert_close(node(&f, "2.2")->applicable_max, 0, 0);
    chiso_assert_close(node(&f, "2.3")->value, 12, 0);
    chiso_assert_close(node(&f, "2.3")->points, 0, 0);
    /* area 1: 1.5+2+1+0.5+1.78 = 6.78 of 10; area 2: 8.45 of 10 (12 - 2) */
    chiso_assert_close(node(&f, "1")->points, 6.78, 1e-12);
    chiso_assert_close(node(&f, "2")->points, 8.45, 1e-12);
    chiso_assert_close(node(&f, "2")->applicable_max, 10, 1e-12);
    chiso_assert_close(f.res->points, 15.23, 1e-12);
    chiso_assert_close(f.res->applicable_max, 20, 1e-12);
    /* 15.23 / 20 = 76.15 % -> group C */
    chiso_assert_close(f.res->index_pct, 76.15, 1e-12);
    assert_string_equal(f.res->group->id, "C");
    /* evidence reference missing on the terms leaf, which earned points */
    assert_true(node(&f, "2.1")->evidence_missing);
    assert_false(node(&f, "1.1")->evidence_missing);
    assert_int_equal(f.res->n_evidence_missing, 1);
    /* bands: next band >= 100 gives +1 */
    chiso_assert_close(node(&f, "1.3")->gain_next, 1, 1e-12);
    chiso_assert_close(node(&f, "1.3")->next_value, 100, 1e-12);
    /* lost, largest first: 1.3 (1.0), 2.1 (1.55), 1.4 (1.5), 1.1 (0.5),
     * 1.5 (0.22) -> 2.1, 1.4, 1.3, 1.1, 1.5 */
    assert_int_equal(f.res->n_lost, 5);
    assert_string_equal(f.fw->nodes[f.res->lost[0]].id, "2.1");
    assert_string_equal(f.fw->nodes[f.res->lost[1]].id, "1.4");
    assert_string_equal(f.fw->nodes[f.res->lost[2]].id, "1.3");
    assert_string_equal(f.fw->nodes[f.res->lost[3]].id, "1.1");
    assert_string_equal(f.fw->nodes[f.res->lost[4]].id, "1.5");
    release(&f);
}

static void
test_band_boundaries(void **state)
{
    static const struct {
        const char *v;
        double pts;
    } cases[] = {{"100", 2}, {"99,99", 1}, {"80", 1}, {"79.99", 0}, {"0", 0}};
    size_t i;
    char ev[256];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fixture f = {0};
        chiso_diag d;
        snprintf(ev, sizeof(ev), "criterion_id;value\n1.3;%s\n", cases[i].v);
        assert_int_equal(score(&f, ev, NULL, &d), CHISO_OK);
        chiso_assert_close(node(&f, "1.3")->points, cases[i].pts, 0);
        release(&f);
    }
}

static void
test_proportional_threshold_and_zero(void **state)
{
    struct fixture f = {0};
    chiso_diag d;

    (void)state;
    /* exactly at the 90 % threshold: full; just below: 2 * 89.99 / 90 */
    assert_int_equal(score(&f, "criterion_id,value\n1.5,90\n", NULL, &d),
                     CHISO_OK);
    chiso_assert_close(node(&f, "1.5")->points, 2, 0);
    release(&f);
    assert_int_equal(score(&f, "criterion_id,value\n1.5,89.99\n", NULL, &d),
                     CHISO_OK);
    chiso_assert_close(node(&f, "1.5")->points_exact, 2 * 89.99 / 90, 1e-12);
    chiso_assert_close(node(&f, "1.5")->points, 2.00, 0); /* 1.99978 -> 2.00 */
    release(&f);
    assert_int_equal(score(&f, "criterion_id,value\n1.5,89.5\n", NULL, &d),
                     CHISO_OK);
    chiso_assert_close(node(&f, "1.5")->points, 1.99, 0); /* 1.98889 */
    release(&f);
    /* above the threshold: capped */
    assert_int_equal(score(&f, "criterion_id,value\n1.5,95\n", NULL, &d),
                     CHISO_OK);
    chiso_assert_close(node(&f, "1.5")->points, 2, 0);
    release(&f);
    /* zero denominator with "zero" convention */
    assert_int_equal(
        score(&f, "criterion_id,numerator,denominator\n1.5,0,0\n", NULL, &d),
        CHISO_OK);
    chiso_assert_close(node(&f, "1.5")->points, 0, 0);
    assert_false(node(&f, "1.5")->no_score);
    release(&f);
}

static void
test_deduction_floor_and_binary_no(void **state)
{
    struct fixture f = {0};
    chiso_diag d;

    (void)state;
    assert_int_equal(
        score(&f, "criterion_id,value\n1.4,7\n1.2,Không\n", NULL, &d),
        CHISO_OK);
    chiso_assert_close(node(&f, "1.4")->points, 0, 0); /* 2 - 3.5 -> 0 */
    chiso_assert_close(node(&f, "1.2")->points, 0, 0);
    chiso_assert_close(node(&f, "1.2")->gain_next, 2, 0);
    release(&f);
}

static void
test_not_applicable_8133(void **state)
{
    /* Thanh Hóa 2023, Ban Dân tộc: 68.32 points of 84 applicable = 81.33 %
     * (DOMAIN.md 1.4); 16 points do not apply. */
    static const char *const fw_text =
        "{\"format\":\"chiso-framework\",\"id\":\"th\",\"name\":\"x\","
        "\"points_decimals\":2,\"classification\":[{\"id\":\"A\",\"label\":"
        "\"A\",\"min\":90},{\"id\":\"B\",\"label\":\"B\",\"min\":80},{\"id\":"
        "\"C\",\"label\":\"C\",\"min\":0}],\"nodes\":["
        "{\"id\":\"1\",\"name\":\"a\",\"max\":84,\"rule\":\"manual\"},"
        "{\"id\":\"2\",\"name\":\"b\",\"max\":10,\"rule\":\"manual\"},"
        "{\"id\":\"3\",\"name\":\"c\",\"max\":6,\"rule\":\"manual\"}]}";
    chiso_framework *fw = load_fw(fw_text);
    chiso_evidence *ev = load_ev("criterion_id,points,applicable\n"
                                 "1,68.32,\n2,,không\n3,,N/A\n");
    chiso_score_result *res = NULL;
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    assert_int_equal(chiso_score_compute(&res, fw, ev, NULL, &d), CHISO_OK);
    chiso_assert_close(res->points, 68.32, 1e-12);
    chiso_assert_close(res->applicable_max, 84, 1e-12);
    chiso_assert_close(res->max, 100, 1e-12);
    chiso_assert_close(res->index_pct, 81.33, 1e-12);
    assert_string_equal(res->group->id, "B");
    assert_int_equal(res->n_lost, 1);
    chiso_score_free(res);
    chiso_evidence_free(ev);
    chiso_framework_free(fw);
}

static void
test_data_errors(void **state)
{
    struct fixture f = {0};
    chiso_diag d;

    (void)state;
    assert_int_equal(score(&f, "criterion_id,points\n9.9,1\n", NULL, &d),
                     CHISO_EDATA);
    assert_string_equal(d.message,
                        "unknown criterion id '9.9' (not in framework 't')");
    assert_int_equal(d.line, 2);
    assert_int_equal(d.column, 1);
    release(&f);
    assert_int_equal(score(&f, "criterion_id,points\n1,1\n", NULL, &d),
                     CHISO_EDATA);
    assert_non_null(strstr(d.message, "is a group of 5 sub-criteria"));
    release(&f);
    assert_int_equal(score(&f, "criterion_id,points\n1.1,2.5\n", NULL, &d),
                     CHISO_EDATA);
    assert_string_equal(d.message, "points 2.5 above the maximum 2 of '1.1'");
    assert_int_equal(d.column, 5);
    release(&f);
    assert_int_equal(score(&f, "criterion_id,value\n1.3,105\n", NULL, &d),
                     CHISO_EDATA);
    assert_string_equal(d.message, "value 105 for '1.3' is above 100 %");
    release(&f);
    assert_int_equal(score(&f,
                           "criterion_id,numerator,denominator\n"
                           "1.5,12,10\n",
                           NULL, &d),
                     CHISO_EDATA);
    assert_string_equal(d.message, "numerator 12 exceeds denominator 10 for "
                                   "'1.5'");
    release(&f);
    assert_int_equal(score(&f, "criterion_id,value\n1.4,2.5\n", NULL, &d),
                     CHISO_EDATA);
    assert_non_null(strstr(d.message, "must be a whole count"));
    release(&f);
    assert_int_equal(score(&f, "criterion_id,value\n1.2,0.5\n", NULL, &d),
                     CHISO_EDATA);
    release(&f);
}

static void
test_not_reported_and_points_only(void **state)
{
    struct fixture f = {0};
    chiso_diag d;

    (void)state;
    /* bands leaf with points only: accepted unchecked, with a warning */
    assert_int_equal(
        score(&f, "criterion_id,points,evidence\n1.3,1,x\n", NULL, &d),
        CHISO_OK);
    chiso_assert_close(node(&f, "1.3")->points, 1, 0);
    assert_int_equal(node(&f, "1.3")->origin, CHISO_ORIGIN_POINTS);
    assert_false(node(&f, "1.1")->reported);
    /* 1.1 1.2 1.4 1.5 2.1 2.2 not reported */
    assert_int_equal(f.res->n_not_reported, 6);
    assert_true(f.res->warnings.n >= 7);
    release(&f);
}

static void
test_appraisal_and_official(void **state)
{
    struct fixture f = {0};
    chiso_diag d;

    (void)state;
    assert_int_equal(
        score(&f,
              "criterion_id,points,appraised_points,value,official_points\n"
              "1.1,2,1.5,,\n"
              "1.3,,,100,2\n"
              "1.5,,,80,1.80\n" /* rule 1.78, official 1.80: off by 0.02 */
              "A,,,95,\n"
              "B,,,100,\n"
              "C,,,100,\n"
              "2.1,,,,9.985\n", /* rule 10, official 9.985: within 0.015 */
              NULL, &d),
        CHISO_OK);
    chiso_assert_close(node(&f, "1.1")->appraised, 1.5, 0);
    /* leaves without appraised points keep their own */
    chiso_assert_close(node(&f, "1.3")->appraised, 2, 0);
    assert_true(f.res->has_appraised);
    chiso_assert_close(f.res->points - f.res->appraised, 0.5, 1e-12);
    assert_true(node(&f, "1.5")->official_flag);
    assert_false(node(&f, "1.5")->official_within_tolerance);
    chiso_assert_close(node(&f, "1.3")->official_diff, 0, 0);
    assert_false(node(&f, "1.3")->official_flag);
    /* 2.1: 6*.95 + 2 + 2.5 = 10.2 -> capped at 10 */
    chiso_assert_close(node(&f, "2.1")->points, 10, 0);
    assert_true(node(&f, "2.1")->official_flag);
    assert_true(node(&f, "2.1")->official_within_tolerance);
    assert_int_equal(f.res->n_official_flags, 2);
    release(&f);
}

static void
test_what_if_and_json(void **state)
{
    struct fixture f = {0};
    chiso_score_result *w = NULL;
    chiso_what_if changes[1];
    chiso_score_options o = CHISO_SCORE_OPTIONS_INIT;
    chiso_diag d;
    cJSON *j;
    char *text;

    (void)state;
    assert_int_equal(score(&f,
                           "criterion_id,numerator,denominator\n"
                           "1.5,45,90\n",
                           NULL, &d),
                     CHISO_OK);
    /* 50 % against a 90 % target: 2 * 50 / 90 = 1.111 -> 1.11 */
    chiso_assert_close(node(&f, "1.5")->points, 1.11, 0);
    memset(changes, 0, sizeof(changes));
    changes[0].id = "1.5";
    changes[0].has_counts = 1;
    changes[0].numerator = 81;
    changes[0].denominator = 90;
    o.what_if = changes;
    o.n_what_if = 1;
    assert_int_equal(chiso_score_compute(&w, f.fw, f.ev, &o, &d), CHISO_OK);
    chiso_assert_close(w->nodes[chiso_framework_find(f.fw, "1.5")].points, 2,
                       0);
    chiso_assert_close(w->points - f.res->points, 0.89, 1e-12);
    j = chiso_score_to_json(f.res, w, changes, 1);
    text = chiso_json_print(j);
    assert_non_null(strstr(text, "\"schema_version\": 2"));
    assert_non_null(strstr(text, "\"delta_points\": 0.89"));
    free(text);
    cJSON_Delete(j);
    chiso_score_free(w);
    /* an unknown what-if id is a usage error */
    changes[0].id = "nope";
    assert_int_equal(chiso_score_compute(&w, f.fw, f.ev, &o, &d), CHISO_EUSAGE);
    release(&f);
}

static void
test_derived_inputs(void **state)
{
    static const char *const fw_text =
        "{\"format\":\"chiso-framework\",\"id\":\"d\",\"name\":\"x\","
        "\"points_decimals\":2,\"nodes\":["
        "{\"id\":\"on\",\"name\":\"online\",\"max\":4,\"rule\":{\"type\":"
        "\"proportional\",\"source\":\"services.online_pct\"}},"
        "{\"id\":\"tk\",\"name\":\"tasks\",\"max\":2,\"rule\":{\"type\":"
        "\"bands\",\"source\":\"tasks.on_time_pct\",\"bands\":[{\"min\":100,"
        "\"points\":2},{\"min\":80,\"points\":1},{\"min\":0,\"points\":0}]}}]}";
    chiso_framework *fw = load_fw(fw_text);
    chiso_input_value in[2];
    chiso_score_options o = CHISO_SCORE_OPTIONS_INIT;
    chiso_score_result *res = NULL;
    chiso_diag d;

    (void)state;
    memset(in, 0, sizeof(in));
    in[0].name = "services.online_pct";
    in[0].has_counts = 1;
    in[0].numerator = 620;
    in[0].denominator = 1000;
    in[0].detail = "d.csv";
    in[1].name = "tasks.on_time_pct";
    in[1].has_value = 1;
    in[1].value = 92.5;
    o.inputs = in;
    o.n_inputs = 2;
    chiso_diag_clear(&d);
    assert_int_equal(chiso_score_compute(&res, fw, NULL, &o, &d), CHISO_OK);
    chiso_assert_close(res->nodes[0].points, 2.48, 0); /* 4 * 0.62 */
    assert_int_equal(res->nodes[0].origin, CHISO_ORIGIN_DERIVED);
    chiso_assert_close(res->nodes[1].points, 1, 0);
    assert_int_equal(res->n_derived, 2);
    assert_int_equal(res->n_evidence_missing, 0);
    chiso_score_free(res);
    chiso_framework_free(fw);
}

/* ---- every unit at once -------------------------------------------------- */

/* The scorer's fast rounding gives chiso_round_half_up's answer, also on
 * halves with binary noise (2.675, 0.125, 5.545) and their neighbours. */
static void
test_fast_rounding(void **state)
{
    static const double halves[] = {2.675, 0.125,      5.545, 0.865,  1.005,
                                    2.5,   1.115,      8.325, 6.0435, 0.015,
                                    1e-7,  123456.785, 0.0};
    uint64_t z = 42;
    size_t i;
    int d;

    (void)state;
    for (d = 0; d <= 6; d++) {
        double scale = pow(10, d);
        for (i = 0; i < sizeof(halves) / sizeof(halves[0]); i++) {
            double x = halves[i];
            int k;
            for (k = -3; k <= 3; k++) {
                double y = x + k * 1e-13 * fmax(1, x);
                chiso_assert_close(chiso_score__round(y, d, scale),
                                   chiso_round_half_up(y, d), 0);
                chiso_assert_close(chiso_score__round(-y, d, scale),
                                   chiso_round_half_up(-y, d), 0);
            }
        }
        for (i = 0; i < 20000; i++) {
            double x;
            z ^= z >> 12;
            z ^= z << 25;
            z ^= z >> 27;
            x = (double)(z % 100000000u) / pow(10, (double)(z % 7)) +
                (z & 1 ? 0.5 / scale : 0);
            chiso_assert_close(chiso_score__round(x, d, scale),
                               chiso_round_half_up(x, d), 0);
        }
    }
}

static void
test_rank_competition(void **state)
{
    /* 90, 85, 85, 70, NaN, 85 -> 1, 2, 2, 5, 0, 2 (competition: 1224) */
    const double x[] = {90, 85, 85, 70, NAN, 85};
    long r[6];
    /* lower is better: 70 first */
    const long want_low[] = {5, 2, 2, 1, 0, 2};
    const long want[] = {1, 2, 2, 5, 0, 2};
    size_t i;

    (void)state;
    assert_int_equal(chiso_score_rank_competition(x, 6, 1, 1e-9, r), CHISO_OK);
    for (i = 0; i < 6; i++) {
        assert_int_equal(r[i], want[i]);
    }
    assert_int_equal(chiso_score_rank_competition(x, 6, 0, 1e-9, r), CHISO_OK);
    for (i = 0; i < 6; i++) {
        assert_int_equal(r[i], want_low[i]);
    }
    /* everything ties: all first */
    {
        const double same[] = {50, 50, 50};
        assert_int_equal(chiso_score_rank_competition(same, 3, 1, 0, r),
                         CHISO_OK);
        assert_int_equal(r[0] + r[1] + r[2], 3);
    }
}

static const chiso_unit_score *
unit_named(const chiso_score_units *u, const char *name)
{
    size_t i;

    for (i = 0; i < u->n_units; i++) {
        if (strcmp(u->units[i].unit, name) == 0) {
            return &u->units[i];
        }
    }
    fail_msg("no unit %s", name);
    return NULL;
}

static void
test_units(void **state)
{
    chiso_framework *fw = load_fw(FW);
    /* A and C identical; B lower; rows naming no unit are shared (2.3) */
    chiso_evidence *ev = load_ev(
        "unit,criterion_id,value,numerator,denominator,points,evidence\n"
        ",2.3,12,,,,\n"
        "A,1.1,,,,2,QĐ\n"
        "A,1.2,có,,,,QĐ\n"
        "A,1.3,100,,,,BC\n"
        "A,1.4,1,,,,BC\n"
        "A,1.5,,9,10,,BC\n"
        "A,A,100,,,,BC\n"
        "A,B,80,,,,BC\n"
        "A,C,100,,,,BC\n"
        "A,2.2,KAD,,,,\n"
        "b,1.1,,,,1,QĐ\n"
        "b,1.2,không,,,,\n"
        "b,1.3,85,,,,BC\n"
        "C,1.1,,,,2,QĐ\n"
        "C,1.2,có,,,,QĐ\n"
        "C,1.3,100,,,,BC\n"
        "C,1.4,1,,,,BC\n"
        "C,1.5,,9,10,,BC\n"
        "C,A,100,,,,BC\n"
        "C,B,80,,,,BC\n"
        "C,C,100,,,,BC\n"
        "C,2.2,KAD,,,,\n");
    const chiso_evidence *sheets[1];
    chiso_unit_info info[4] = {{"A", "Đơn vị A", "Khối 1"},
                               {"B", "Đơn vị B", "Khối 1"},
                               {"C", "Đơn vị C", "Khối 2"},
                               {"D", "Đơn vị D", "Khối 2"}};
    chiso_units_options o = CHISO_UNITS_OPTIONS_INIT;
    chiso_score_units *u = NULL;
    chiso_score_result *one = NULL;
    chiso_score_options so = CHISO_SCORE_OPTIONS_INIT;
    chiso_diag d;
    const chiso_unit_score *a, *b, *c;
    size_t i;

    (void)state;
    sheets[0] = ev;
    o.units = info;
    o.n_units = 4;
    chiso_diag_clear(&d);
    assert_int_equal(chiso_score_units_compute(&u, fw, sheets, 1, &o, &d),
                     CHISO_OK);
    assert_int_equal(u->n_units, 4); /* A, b, C and D (listed, no rows) */
    a = unit_named(u, "A");
    b = unit_named(u, "b");
    c = unit_named(u, "C");
    /* A: 1.1 2 + 1.2 2 + 1.3 2 + 1.4 1.5 + 1.5 min(2, 2 x 90/90) = 2 ->
     * 9.5 of 10; terms 6 + 2 + 2.5 capped at 10 -> 10; 2.2 KAD: 19.5 of
     * 20 = 97.5 % */
    chiso_assert_close(a->points, 19.5, 1e-12);
    chiso_assert_close(a->applicable_max, 20, 0);
    chiso_assert_close(a->index_pct, 97.5, 1e-12);
    assert_string_equal(a->band->id, "A");
    assert_string_equal(a->name, "Đơn vị A");
    assert_string_equal(a->group, "Khối 1");
    /* b (matched to B of the list, case ignored): 1.1 1 + 1.3 1 + 2.3
     * shared (tracked); 1.4, 1.5, 2.1, 2.2 not reported -> 2 of 22 */
    chiso_assert_close(b->points, 2, 1e-12);
    chiso_assert_close(b->applicable_max, 22, 0);
    assert_int_equal(b->n_not_reported, 4);
    /* A and C tie at 1; b third; D not scored, not ranked */
    assert_int_equal(a->rank, 1);
    assert_int_equal(c->rank, 1);
    assert_int_equal(b->rank, 3);
    assert_int_equal(unit_named(u, "D")->rank, 0);
    assert_false(unit_named(u, "D")->scored);
    assert_int_equal(a->rank_of, 3);
    assert_int_equal(u->n_ranked, 3);
    /* within groups: Khối 1 = A (1), B (2); Khối 2 = C (1 of 1), D none */
    assert_int_equal(a->group_rank, 1);
    assert_int_equal(b->group_rank, 2);
    assert_int_equal(a->group_rank_of, 2);
    assert_int_equal(c->group_rank, 1);
    assert_int_equal(c->group_rank_of, 1);
    assert_int_equal(u->n_groups, 2);
    /* by rank: A, C, b, then D */
    assert_string_equal(u->units[u->by_rank[0]].unit, "A");
    assert_string_equal(u->units[u->by_rank[1]].unit, "C");
    assert_string_equal(u->units[u->by_rank[2]].unit, "b");
    assert_string_equal(u->units[u->by_rank[3]].unit, "D");
    /* every unit's total is what scoring it alone gives */
    so.unit = "C";
    assert_int_equal(chiso_score_compute(&one, fw, ev, &so, &d), CHISO_OK);
    chiso_assert_close(one->points, c->points, 0);
    chiso_assert_close(one->index_pct, c->index_pct, 0);
    chiso_score_free(one);
    /* criteria: 1.4 lost by A, C (0.5 each) and b (2, not reported) ->
     * 3 units, 3 points; 2.1 lost by b only (2 points, not reported) */
    for (i = 0; i < u->n_criteria; i++) {
        const chiso_criterion_loss *cl = &u->criteria[i];
        const char *id = fw->nodes[cl->node].id;
        if (strcmp(id, "1.4") == 0) {
            assert_int_equal(cl->n_units_losing, 3);
            chiso_assert_close(cl->points_lost, 3, 1e-12);
            assert_int_equal(cl->rank_by_units, 1);
        }
        if (strcmp(id, "2.1") == 0) {
            assert_int_equal(cl->n_units_losing, 1);
            assert_int_equal(cl->n_units_applicable, 3);
        }
        if (strcmp(id, "2.2") == 0) {
            /* not applicable for A and C, not reported for b */
            assert_int_equal(cl->n_units_applicable, 1);
        }
    }
    assert_string_equal(fw->nodes[u->criteria[0].node].id, "1.4");
    assert_true(u->criteria[0].n_units_losing >= u->criteria[1].n_units_losing);
    chiso_score_units_free(u);

    /* a unit missing from the list is an error naming the nearest */
    o.n_units = 1;
    u = NULL;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    o.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_score_units_compute(&u, fw, sheets, 1, &o, &d),
                     CHISO_EDATA);
    assert_null(u);
    assert_non_null(strstr(d.message, "'b' is not in the unit list"));
    chiso_evidence_free(ev);
    chiso_framework_free(fw);
}

/* Every key the JSON documents write is named in docs/json.md. */
static void
assert_keys_documented(const cJSON *o, const char *doc, const char *where)
{
    const cJSON *c;

    for (c = o != NULL ? o->child : NULL; c != NULL; c = c->next) {
        if (cJSON_IsObject(o)) {
            char quoted[160];
            snprintf(quoted, sizeof(quoted), "%s", c->string);
            if (strstr(doc, quoted) == NULL) {
                fail_msg("%s: key \"%s\" is not in docs/json.md", where,
                         c->string);
            }
        }
        if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
            assert_keys_documented(c, doc, where);
        }
    }
}

static void
test_json_documented(void **state)
{
    struct fixture f = {0};
    chiso_diag d;
    char *doc = NULL;
    size_t len;
    cJSON *j;
    chiso_score_units *u = NULL;
    const chiso_evidence *sheets[1];
    chiso_diag dd;

    (void)state;
    chiso_diag_clear(&dd);
    assert_int_equal(
        chiso_file_read_all(chiso_test_path("docs/json.md"), &doc, &len, &dd),
        CHISO_OK);
    assert_int_equal(
        score(&f,
              "unit,criterion_id,value,numerator,denominator,points,"
              "appraised_points,evidence\n"
              "X,1.1,,,,1.5,1,QĐ\nX,1.3,85,,,,,BC\nX,1.5,,5,10,,,BC\n"
              "X,A,50,,,,,\nY,1.2,có,,,,2,QĐ\n",
              NULL, &d),
        CHISO_EUSAGE); /* two units and no --unit */
    release(&f);
    f.fw = load_fw(FW);
    f.ev = load_ev("criterion_id,value,numerator,denominator,points,"
                   "appraised_points,evidence\n"
                   "1.1,,,,1.5,1,QĐ\n1.3,85,,,,,BC\n1.5,,5,10,,,BC\n"
                   "A,50,,,,,\n");
    assert_int_equal(chiso_score_compute(&f.res, f.fw, f.ev, NULL, &d),
                     CHISO_OK);
    j = chiso_score_to_json(f.res, NULL, NULL, 0);
    assert_non_null(j);
    assert_keys_documented(j, doc, "chiso score");
    cJSON_Delete(j);
    sheets[0] = f.ev;
    assert_int_equal(chiso_score_units_compute(&u, f.fw, sheets, 1, NULL, &d),
                     CHISO_OK);
    j = chiso_score_units_to_json(u);
    assert_non_null(j);
    assert_keys_documented(j, doc, "chiso score --all-units");
    cJSON_Delete(j);
    chiso_score_units_free(u);
    release(&f);
    free(doc);
}

static void
test_units_two_sheets(void **state)
{
    chiso_framework *fw = load_fw(FW);
    chiso_evidence *e1 = load_ev("criterion_id,value\n1.2,có\n");
    chiso_evidence *e2 = load_ev("unit,criterion_id,value\nX,1.2,không\n"
                                 "y,1.2,có\n");
    chiso_evidence *e3 = load_ev("unit,criterion_id,value\nY,1.3,90\n");
    const chiso_evidence *sheets[3] = {e1, e2, e3};
    const char *names[3] = {"first", NULL, NULL};
    chiso_units_options o = CHISO_UNITS_OPTIONS_INIT;
    chiso_score_units *u = NULL;
    chiso_diag d;

    (void)state;
    o.sheet_units = names;
    chiso_diag_clear(&d);
    /* a sheet without a unit column is the unit its caller names */
    assert_int_equal(chiso_score_units_compute(&u, fw, sheets, 2, &o, &d),
                     CHISO_OK);
    assert_int_equal(u->n_units, 3);
    assert_string_equal(u->units[0].unit, "first");
    assert_string_equal(u->units[1].unit, "X");
    assert_int_equal(u->units[0].rank, 1); /* 2 points */
    assert_int_equal(u->units[2].rank, 1);
    assert_int_equal(u->units[1].rank, 3);
    chiso_score_units_free(u);
    /* the same unit (y / Y) in two sheets is an error */
    u = NULL;
    chiso_diag_clear(&d);
    assert_int_equal(chiso_score_units_compute(&u, fw, sheets, 3, &o, &d),
                     CHISO_EDATA);
    assert_null(u);
    chiso_evidence_free(e1);
    chiso_evidence_free(e2);
    chiso_evidence_free(e3);
    chiso_framework_free(fw);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_rule),
        cmocka_unit_test(test_band_boundaries),
        cmocka_unit_test(test_proportional_threshold_and_zero),
        cmocka_unit_test(test_deduction_floor_and_binary_no),
        cmocka_unit_test(test_not_applicable_8133),
        cmocka_unit_test(test_data_errors),
        cmocka_unit_test(test_not_reported_and_points_only),
        cmocka_unit_test(test_appraisal_and_official),
        cmocka_unit_test(test_what_if_and_json),
        cmocka_unit_test(test_derived_inputs),
        cmocka_unit_test(test_fast_rounding),
        cmocka_unit_test(test_rank_competition),
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_units_two_sheets),
        cmocka_unit_test(test_json_documented),
    };
    return cmocka_run_group_tests_name("score", tests, NULL, NULL);
}

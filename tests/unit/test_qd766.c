/*
 * test_qd766.c - the shipped 766/QĐ-TTg framework (indicators/frameworks/
 * qd766.json) scores the way the national portal does.
 *
 * Every expected value is computed by hand from ../shared/766-RULES.md and
 * written next to the assertion: r = numerator / denominator, points =
 * max x r (or min(max, max x r / threshold)), rounded half-up to 2 decimals;
 * group totals are plain sums of the rounded points with "no score" as 0.
 * The tests load the shipped file, so a change to a rule, a maximum, a cap
 * or a zero-denominator convention in the JSON fails here.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_score.h"
#include "helpers.h"

#include <cjson/cJSON.h>

#define FW_PATH     "indicators/frameworks/qd766.json"
#define SAMPLE_PATH "datasets/samples/evidence-qd766-skhcn-2024-11.csv"

struct fx {
    chiso_framework *fw;
    chiso_evidence *ev;
    chiso_score_result *res;
};

static chiso_framework *
load_766(void)
{
    chiso_framework *fw = NULL;
    chiso_diag d;

    chiso_diag_clear(&d);
    if (chiso_framework_load(&fw, chiso_test_path(FW_PATH), &d) != CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    return fw;
}

/* Score an evidence sheet given as text (or a file path) with options. */
static void
score_with(struct fx *f,
           const char *ev_text,
           const char *ev_path,
           const chiso_score_options *o)
{
    chiso_diag d;

    chiso_diag_clear(&d);
    f->fw = load_766();
    if (chiso_evidence_load(&f->ev,
                            ev_path ? ev_path
                                    : chiso_test_file("qd766_ev.csv", ev_text),
                            &d) != CHISO_OK) {
        fail_msg("evidence: %s:%lu:%lu: %s", d.path, d.line, d.column,
                 d.message);
    }
    if (chiso_score_compute(&f->res, f->fw, f->ev, o, &d) != CHISO_OK) {
        fail_msg("score: %s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
}

static void
score(struct fx *f, const char *ev_text)
{
    score_with(f, ev_text, NULL, NULL);
}

static void
release(struct fx *f)
{
    chiso_score_free(f->res);
    chiso_evidence_free(f->ev);
    chiso_framework_free(f->fw);
    memset(f, 0, sizeof(*f));
}

static const chiso_node_score *
ns(const struct fx *f, const char *id)
{
    long k = chiso_framework_find(f->fw, id);

    if (k < 0) {
        fail_msg("no node '%s' in the 766 framework", id);
    }
    return &f->res->nodes[k];
}

static const chiso_node *
nd(const chiso_framework *fw, const char *id)
{
    long k = chiso_framework_find(fw, id);

    if (k < 0) {
        fail_msg("no node '%s' in the 766 framework", id);
    }
    return &fw->nodes[k];
}

/* ---- the file itself ---------------------------------------------------- */

static void
test_groups_and_codes(void **state)
{
    static const struct {
        const char *id;
        double max;
    } groups[] = {{"CKMB", 18}, {"TDGQ", 20}, {"CLGQ", 12},
                  {"TTTT", 10}, {"MDHL", 18}, {"MDSH", 22}};
    /* leaf id (portal code or chiso's group leaf), group, max */
    static const struct {
        const char *id, *group;
        double max;
    } leaves[] = {
        {"PUBLISH_ON_TIME", "CKMB", 6},
        {"PUBLIC_UPDATE_ON_TIME", "CKMB", 4},
        {"PUBLIC_CONTENT_FULL", "CKMB", 2},
        {"DOSSIER_SYNC", "CKMB", 6},
        {"TDGQ_PROGRESS", "TDGQ", 20},
        {"CLGQ_ONLINE", "CLGQ", 12},
        {"TTTT_PAYMENT", "TTTT", 10},
        {"PETITION_PROCESSING_ON_TIME", "MDHL", 6},
        {"PETITION_HANDLING_SATISFACTION", "MDHL", 6},
        {"DOSSIER_RECEIVING_SATISFACTION", "MDHL", 6},
        {"PETITION_CLASSIFICATION_TTHC", "MDHL", 0},
        {"PETITION_CLASSIFICATION_STAFF", "MDHL", 0},
        {"ORIGINAL_RESULT_AVAILABLE", "MDSH", 6},
        {"SO_HOA_GIAY_TO_GIAI_QUYET", "MDSH", 4},
        {"REUSED_DIGITIZED_DATA", "MDSH", 2},
        {"SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "MDSH", 4},
        {"CITIZEN_DATA_CONNECTED_DOSSIER", "MDSH", 2},
        {"CITIZEN_DATA_CONNECTED_FORMALITY", "MDSH", 2},
        {"ELECTRONIC_CERTIFIED_COPY", "MDSH", 2},
    };
    chiso_framework *fw = load_766();
    size_t i, n_leaves = 0;

    (void)state;
    chiso_assert_close(fw->max, 100, 1e-12);
    assert_int_equal(fw->points_decimals, 2);
    assert_int_equal(fw->n_classes, 0);
    for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        const chiso_node *g = nd(fw, groups[i].id);
        assert_int_equal(g->depth, 0);
        chiso_assert_close(g->max, groups[i].max, 0);
    }
    for (i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
        const chiso_node *l = nd(fw, leaves[i].id);
        assert_true(chiso_node_is_leaf(l));
        assert_string_equal(fw->nodes[l->parent].id, leaves[i].group);
        chiso_assert_close(l->max, leaves[i].max, 0);
    }
    for (i = 0; i < fw->n_nodes; i++) {
        n_leaves += chiso_node_is_leaf(&fw->nodes[i]) != 0;
    }
    /* nothing else: 6 groups and exactly these 19 leaves */
    assert_int_equal(n_leaves, sizeof(leaves) / sizeof(leaves[0]));
    assert_int_equal(fw->n_nodes, n_leaves + 6);
    assert_int_equal(nd(fw, "PETITION_CLASSIFICATION_TTHC")->rule.type,
                     CHISO_RULE_TRACKED);
    assert_int_equal(nd(fw, "PETITION_CLASSIFICATION_STAFF")->rule.type,
                     CHISO_RULE_TRACKED);
    chiso_framework_free(fw);
}

static void
test_rules_conventions_and_confidence(void **state)
{
    /* zero-denominator convention per indicator (766-RULES.md) */
    static const struct {
        const char *id;
        chiso_zero_den z;
        double target;
        const char *source;
    } props[] = {
        {"PUBLISH_ON_TIME", CHISO_ZERO_DEN_NO_SCORE, 100, NULL},
        {"PUBLIC_UPDATE_ON_TIME", CHISO_ZERO_DEN_NO_SCORE, 100, NULL},
        {"PUBLIC_CONTENT_FULL", CHISO_ZERO_DEN_NO_SCORE, 100, NULL},
        {"DOSSIER_SYNC", CHISO_ZERO_DEN_NO_SCORE, 100, NULL},
        {"TDGQ_PROGRESS", CHISO_ZERO_DEN_ZERO, 100, "services.progress_pct"},
        {"PETITION_PROCESSING_ON_TIME", CHISO_ZERO_DEN_FULL, 100, NULL},
        {"PETITION_HANDLING_SATISFACTION", CHISO_ZERO_DEN_FULL, 100, NULL},
        {"DOSSIER_RECEIVING_SATISFACTION", CHISO_ZERO_DEN_ZERO, 90,
         "services.satisfied_pct"},
        {"ORIGINAL_RESULT_AVAILABLE", CHISO_ZERO_DEN_NO_SCORE, 100,
         "services.result_signed_pct"},
        {"SO_HOA_GIAY_TO_GIAI_QUYET", CHISO_ZERO_DEN_NO_SCORE, 100,
         "services.digitized_pct"},
        {"REUSED_DIGITIZED_DATA", CHISO_ZERO_DEN_NO_SCORE, 80, NULL},
        {"SYNCED_WITH_DVCQG_PERSONAL_STORAGE", CHISO_ZERO_DEN_NO_SCORE, 100,
         NULL},
        {"CITIZEN_DATA_CONNECTED_DOSSIER", CHISO_ZERO_DEN_NO_SCORE, 100, NULL},
        {"CITIZEN_DATA_CONNECTED_FORMALITY", CHISO_ZERO_DEN_NO_SCORE, 100,
         NULL},
        {"ELECTRONIC_CERTIFIED_COPY", CHISO_ZERO_DEN_NO_SCORE, 100, NULL},
    };
    chiso_framework *fw = load_766();
    const chiso_rule *r;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
        r = &nd(fw, props[i].id)->rule;
        if (r->type != CHISO_RULE_PROPORTIONAL) {
            fail_msg("%s: rule %s, expected proportional", props[i].id,
                     chiso_rule_type_name(r->type));
        }
        assert_int_equal(r->unit, CHISO_UNIT_PERCENT);
        assert_true(r->capped);
        if (r->zero_den != props[i].z) {
            fail_msg("%s: zero denominator %s, expected %s", props[i].id,
                     chiso_zero_den_name(r->zero_den),
                     chiso_zero_den_name(props[i].z));
        }
        chiso_assert_close(r->target, props[i].target, 0);
        if (props[i].source == NULL) {
            assert_null(r->source);
        } else {
            assert_non_null(r->source);
            assert_string_equal(r->source, props[i].source);
        }
    }
    /* TTTT: 6A + min(2, 2.5B) + 2.5C, known to +-0.015 */
    r = &nd(fw, "TTTT_PAYMENT")->rule;
    assert_int_equal(r->type, CHISO_RULE_TERMS);
    assert_int_equal(r->n_terms, 3);
    assert_string_equal(r->terms[0].input, "TTTT_A");
    chiso_assert_close(r->terms[0].points, 6, 0);
    chiso_assert_close(r->terms[0].full_at, 100, 0);
    assert_string_equal(r->terms[1].input, "TTTT_B");
    chiso_assert_close(r->terms[1].points, 2, 0);
    chiso_assert_close(r->terms[1].full_at, 80, 0); /* 2B/0.8 = 2.5B */
    assert_true(r->terms[1].capped);
    assert_string_equal(r->terms[2].input, "TTTT_C");
    chiso_assert_close(r->terms[2].points, 2.5, 0);
    chiso_assert_close(r->terms[2].full_at, 100, 0);
    for (i = 0; i < 3; i++) {
        assert_int_equal(r->terms[i].zero_den, CHISO_ZERO_DEN_ZERO);
        assert_null(r->terms[i].source);
    }
    chiso_assert_close(r->tolerance, 0.015, 0);
    assert_string_equal(r->confidence, "approximate");
    /* CLGQ: 2 min(1, P/0.8) + 4U + 6 min(1, O/0.5), unconfirmed */
    r = &nd(fw, "CLGQ_ONLINE")->rule;
    assert_int_equal(r->type, CHISO_RULE_TERMS);
    assert_int_equal(r->n_terms, 3);
    assert_string_equal(r->terms[0].input, "CLGQ_P");
    chiso_assert_close(r->terms[0].points, 2, 0);
    chiso_assert_close(r->terms[0].full_at, 80, 0);
    assert_string_equal(r->terms[1].input, "CLGQ_U");
    chiso_assert_close(r->terms[1].points, 4, 0);
    chiso_assert_close(r->terms[1].full_at, 100, 0);
    assert_string_equal(r->terms[2].input, "CLGQ_O");
    chiso_assert_close(r->terms[2].points, 6, 0);
    chiso_assert_close(r->terms[2].full_at, 50, 0);
    assert_string_equal(r->terms[2].source, "services.online_pct");
    assert_string_equal(r->confidence, "unconfirmed");
    assert_string_equal(r->formula, "qd766-online-v1");
    assert_string_equal(
        nd(fw, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE")->rule.confidence,
        "unconfirmed");
    assert_string_equal(nd(fw, "DOSSIER_SYNC")->rule.confidence, "confirmed");
    chiso_framework_free(fw);
}

/* ---- rules, one group at a time ----------------------------------------- */

static void
test_ckmb_no_score_and_plain_sum(void **state)
{
    struct fx f = {0};

    (void)state;
    /* 766-RULES.md example (2026-08 province): two indicators without a
     * denominator get no score, 1.96 + 6 = 7.96 of 18, no re-normalising */
    score(&f, "criterion_id,numerator,denominator\n"
              "PUBLISH_ON_TIME,0,0\n"
              "PUBLIC_UPDATE_ON_TIME,0,0\n"
              "PUBLIC_CONTENT_FULL,49,50\n" /* 2 x 0.98 = 1.96 */
              "DOSSIER_SYNC,10,10\n");      /* 6 x 1 = 6 */
    assert_true(ns(&f, "PUBLISH_ON_TIME")->no_score);
    assert_true(ns(&f, "PUBLIC_UPDATE_ON_TIME")->no_score);
    chiso_assert_close(ns(&f, "PUBLISH_ON_TIME")->points, 0, 0);
    assert_false(ns(&f, "DOSSIER_SYNC")->no_score);
    chiso_assert_close(ns(&f, "PUBLIC_CONTENT_FULL")->points, 1.96, 1e-12);
    chiso_assert_close(ns(&f, "DOSSIER_SYNC")->points, 6, 0);
    chiso_assert_close(ns(&f, "CKMB")->points, 7.96, 1e-12);
    /* the maximum stays 18: "no score" is not "not applicable" */
    chiso_assert_close(ns(&f, "CKMB")->applicable_max, 18, 0);
    chiso_assert_close(ns(&f, "PUBLISH_ON_TIME")->applicable_max, 6, 0);
    assert_int_equal(f.res->n_no_score, 2);
    release(&f);

    score(&f, "criterion_id,numerator,denominator\n"
              "PUBLIC_UPDATE_ON_TIME,3,4\n" /* 4 x 0.75 = 3 */
              "PUBLIC_CONTENT_FULL,55,57\n" /* 110/57 = 1.92982 -> 1.93 */
              "DOSSIER_SYNC,47,49\n");      /* 282/49 = 5.75510 -> 5.76 */
    chiso_assert_close(ns(&f, "PUBLIC_UPDATE_ON_TIME")->points, 3, 0);
    chiso_assert_close(ns(&f, "PUBLIC_CONTENT_FULL")->points_exact, 110.0 / 57,
                       1e-12);
    chiso_assert_close(ns(&f, "PUBLIC_CONTENT_FULL")->points, 1.93, 1e-12);
    chiso_assert_close(ns(&f, "DOSSIER_SYNC")->points, 5.76, 1e-12);
    /* PUBLISH_ON_TIME not reported: 0, and not "no score" */
    assert_false(ns(&f, "PUBLISH_ON_TIME")->no_score);
    assert_false(ns(&f, "PUBLISH_ON_TIME")->reported);
    chiso_assert_close(ns(&f, "CKMB")->points, 10.69, 1e-12);
    release(&f);
}

static void
test_tdgq_progress(void **state)
{
    struct fx f = {0};

    (void)state;
    score(&f, "criterion_id,numerator,denominator\nTDGQ_PROGRESS,46,49\n");
    /* 20 x 46/49 = 920/49 = 18.77551 -> 18.78 */
    chiso_assert_close(ns(&f, "TDGQ_PROGRESS")->points_exact, 920.0 / 49,
                       1e-12);
    chiso_assert_close(ns(&f, "TDGQ_PROGRESS")->points, 18.78, 1e-12);
    chiso_assert_close(ns(&f, "TDGQ")->points, 18.78, 1e-12);
    release(&f);
    /* the portal's ratio has 2 decimals and points = ratio / 5: 1/3 ->
     * ratio 33.33 -> 6.666 -> 6.67, the same as 20/3 = 6.6667 -> 6.67 */
    score(&f, "criterion_id,numerator,denominator\nTDGQ_PROGRESS,1,3\n");
    chiso_assert_close(ns(&f, "TDGQ_PROGRESS")->points, 6.67, 1e-12);
    release(&f);
    /* 766-RULES.md: 2 received, 0 on time -> 0 */
    score(&f, "criterion_id,numerator,denominator\nTDGQ_PROGRESS,0,2\n");
    chiso_assert_close(ns(&f, "TDGQ_PROGRESS")->points, 0, 0);
    assert_false(ns(&f, "TDGQ_PROGRESS")->no_score);
    release(&f);
    /* nothing received: 0 points, not "no score" */
    score(&f, "criterion_id,numerator,denominator\nTDGQ_PROGRESS,0,0\n");
    chiso_assert_close(ns(&f, "TDGQ_PROGRESS")->points, 0, 0);
    assert_false(ns(&f, "TDGQ_PROGRESS")->no_score);
    assert_true(ns(&f, "TDGQ_PROGRESS")->reported);
    release(&f);
}

static void
test_satisfaction_cap_at_90(void **state)
{
    static const struct {
        const char *counts;
        double exact, points;
    } cases[] = {
        /* exactly at the threshold: 6 x 90/90 = 6 */
        {"9,10", 6, 6},
        /* just below: 6 x 89.99/90 = 5.999333 -> 6.00, but not full */
        {"8999,10000", 6 * 0.8999 / 0.9, 6},
        /* 44/49 = 89.796 %: 264/44.1 = 5.986395 -> 5.99 */
        {"44,49", 6.0 * 44 / 49 / 0.9, 5.99},
        /* 89.9 %: 5.993333 -> 5.99 */
        {"899,1000", 6 * 0.899 / 0.9, 5.99},
        /* above the threshold: capped, not 6 x 95/90 = 6.33 */
        {"19,20", 6, 6},
        /* 45 %: 6 x 45/90 = 3 */
        {"9,20", 3, 3},
        /* no dossiers: 0 points, not "no score" */
        {"0,0", 0, 0},
    };
    size_t i;
    char ev[128];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fx f = {0};
        snprintf(ev, sizeof(ev),
                 "criterion_id,numerator,denominator\n"
                 "DOSSIER_RECEIVING_SATISFACTION,%s\n",
                 cases[i].counts);
        score(&f, ev);
        chiso_assert_close(ns(&f, "DOSSIER_RECEIVING_SATISFACTION")->points,
                           cases[i].points, 1e-12);
        chiso_assert_close(
            ns(&f, "DOSSIER_RECEIVING_SATISFACTION")->points_exact,
            cases[i].exact, 1e-12);
        assert_false(ns(&f, "DOSSIER_RECEIVING_SATISFACTION")->no_score);
        release(&f);
    }
}

static void
test_reuse_cap_at_80(void **state)
{
    static const struct {
        const char *counts;
        double exact, points;
        int no_score;
    } cases[] = {
        {"4,5", 2, 2, 0},                            /* 80 %: full */
        {"7999,10000", 2 * 79.99 / 80, 2, 0},        /* 1.99975 -> 2.00 */
        {"159,200", 2 * 79.5 / 80, 1.99, 0},         /* 1.9875 -> 1.99 */
        {"10,10", 2, 2, 0},                          /* 100 %: 2, not 2.5 */
        {"163,274", 2.0 * 163 / 274 / 0.8, 1.49, 0}, /* 1.487226 -> 1.49 */
        {"0,0", 0, 0, 1},                            /* no score */
    };
    size_t i;
    char ev[128];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fx f = {0};
        snprintf(ev, sizeof(ev),
                 "criterion_id,numerator,denominator\n"
                 "REUSED_DIGITIZED_DATA,%s\n",
                 cases[i].counts);
        score(&f, ev);
        chiso_assert_close(ns(&f, "REUSED_DIGITIZED_DATA")->points,
                           cases[i].points, 1e-12);
        chiso_assert_close(ns(&f, "REUSED_DIGITIZED_DATA")->points_exact,
                           cases[i].exact, 1e-12);
        assert_int_equal(ns(&f, "REUSED_DIGITIZED_DATA")->no_score,
                         cases[i].no_score);
        release(&f);
    }
}

static void
test_mdhl_petitions_full_without_petitions(void **state)
{
    struct fx f = {0};

    (void)state;
    score(&f, "criterion_id,numerator,denominator,value\n"
              "PETITION_PROCESSING_ON_TIME,0,0,\n"
              "PETITION_HANDLING_SATISFACTION,0,0,\n"
              "DOSSIER_RECEIVING_SATISFACTION,44,49,\n"
              "PETITION_CLASSIFICATION_TTHC,,,3\n"
              "PETITION_CLASSIFICATION_STAFF,1,4,\n");
    /* no petitions: the full 6 points each, and not "no score" */
    chiso_assert_close(ns(&f, "PETITION_PROCESSING_ON_TIME")->points, 6, 0);
    chiso_assert_close(ns(&f, "PETITION_HANDLING_SATISFACTION")->points, 6, 0);
    assert_false(ns(&f, "PETITION_PROCESSING_ON_TIME")->no_score);
    /* tracked-only: shown, never scored, never counted as lost */
    chiso_assert_close(ns(&f, "PETITION_CLASSIFICATION_TTHC")->value, 3, 0);
    chiso_assert_close(ns(&f, "PETITION_CLASSIFICATION_TTHC")->points, 0, 0);
    chiso_assert_close(ns(&f, "PETITION_CLASSIFICATION_STAFF")->points, 0, 0);
    /* 6 + 6 + 5.99 = 17.99 */
    chiso_assert_close(ns(&f, "MDHL")->points, 17.99, 1e-12);
    release(&f);
    /* with petitions: 6 x 5/8 = 3.75; 6 x 7/9 = 4.6667 -> 4.67 */
    score(&f, "criterion_id,numerator,denominator\n"
              "PETITION_PROCESSING_ON_TIME,5,8\n"
              "PETITION_HANDLING_SATISFACTION,7,9\n");
    chiso_assert_close(ns(&f, "PETITION_PROCESSING_ON_TIME")->points, 3.75,
                       1e-12);
    chiso_assert_close(ns(&f, "PETITION_HANDLING_SATISFACTION")->points, 4.67,
                       1e-12);
    release(&f);
}

static void
test_mdsh_rules_and_no_score(void **state)
{
    struct fx f = {0};

    (void)state;
    score(&f, "criterion_id,numerator,denominator,value\n"
              "ORIGINAL_RESULT_AVAILABLE,37,40,\n"         /* 5.55 */
              "SO_HOA_GIAY_TO_GIAI_QUYET,29,49,\n"         /* 2.367 -> 2.37 */
              "REUSED_DIGITIZED_DATA,0,0,\n"               /* no score */
              "SYNCED_WITH_DVCQG_PERSONAL_STORAGE,0,29,\n" /* 0 */
              "CITIZEN_DATA_CONNECTED_DOSSIER,0,0,\n"      /* no score */
              "CITIZEN_DATA_CONNECTED_FORMALITY,9,57,\n"   /* 0.3158 -> .32 */
              "ELECTRONIC_CERTIFIED_COPY,,,100\n");        /* 2 */
    chiso_assert_close(ns(&f, "ORIGINAL_RESULT_AVAILABLE")->points, 5.55,
                       1e-12);
    chiso_assert_close(ns(&f, "SO_HOA_GIAY_TO_GIAI_QUYET")->points_exact,
                       4.0 * 29 / 49, 1e-12);
    chiso_assert_close(ns(&f, "SO_HOA_GIAY_TO_GIAI_QUYET")->points, 2.37,
                       1e-12);
    assert_true(ns(&f, "REUSED_DIGITIZED_DATA")->no_score);
    assert_false(ns(&f, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE")->no_score);
    chiso_assert_close(ns(&f, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE")->points, 0,
                       0);
    assert_true(ns(&f, "CITIZEN_DATA_CONNECTED_DOSSIER")->no_score);
    chiso_assert_close(ns(&f, "CITIZEN_DATA_CONNECTED_FORMALITY")->points, 0.32,
                       1e-12);
    chiso_assert_close(ns(&f, "ELECTRONIC_CERTIFIED_COPY")->points, 2, 0);
    /* 5.55 + 2.37 + 0 + 0 + 0 + 0.32 + 2 = 10.24 of 22 */
    chiso_assert_close(ns(&f, "MDSH")->points, 10.24, 1e-12);
    chiso_assert_close(ns(&f, "MDSH")->applicable_max, 22, 0);
    release(&f);
}

static void
test_tttt_terms(void **state)
{
    struct fx f = {0};
    /* A = 17/21, B = 6/11, C = 7/11:
     * 6 x 17/21 = 4.857143; 2.5 x 6/11 = 1.363636 (< 2, not capped);
     * 2.5 x 7/11 = 1.590909; sum 7.811688 -> 7.81 */
    const double exact = 6.0 * 17 / 21 + 2.5 * 6 / 11 + 2.5 * 7 / 11;

    (void)state;
    score(&f, "criterion_id,numerator,denominator\n"
              "TTTT_A,17,21\nTTTT_B,6,11\nTTTT_C,7,11\n");
    chiso_assert_close(ns(&f, "TTTT_PAYMENT")->points_exact, exact, 1e-12);
    chiso_assert_close(ns(&f, "TTTT_PAYMENT")->points, 7.81, 1e-12);
    chiso_assert_close(ns(&f, "TTTT")->points, 7.81, 1e-12);
    release(&f);
    /* B capped: 2.5 x 0.9 = 2.25 -> 2; B at 80 %: exactly 2 */
    score(&f, "criterion_id,numerator,denominator\n"
              "TTTT_A,1,2\nTTTT_B,9,10\nTTTT_C,0,4\n");
    chiso_assert_close(ns(&f, "TTTT_PAYMENT")->points, 3 + 2 + 0, 1e-12);
    release(&f);
    score(&f, "criterion_id,numerator,denominator\n"
              "TTTT_A,0,2\nTTTT_B,4,5\nTTTT_C,1,5\n");
    /* 0 + 2 + 0.5 */
    chiso_assert_close(ns(&f, "TTTT_PAYMENT")->points, 2.5, 1e-12);
    release(&f);
    /* 766-RULES.md: 0/2 obligations and nothing else -> 0; a zero
     * denominator counts 0 in every term */
    score(&f, "criterion_id,numerator,denominator\n"
              "TTTT_A,0,2\nTTTT_B,0,0\nTTTT_C,0,0\n");
    chiso_assert_close(ns(&f, "TTTT_PAYMENT")->points, 0, 0);
    assert_false(ns(&f, "TTTT_PAYMENT")->no_score);
    release(&f);
    /* everything at 100 %: 6 + 2 + 2.5 = 10.5, capped at the maximum 10 */
    score(&f, "criterion_id,value\nTTTT_A,100\nTTTT_B,100\nTTTT_C,100\n");
    chiso_assert_close(ns(&f, "TTTT_PAYMENT")->points, 10, 0);
    release(&f);
}

static void
test_tttt_reconciliation_tolerance(void **state)
{
    static const char *const inputs =
        "TTTT_A,17,21,\nTTTT_B,6,11,\nTTTT_C,7,11,\n"; /* 7.811688 */
    static const struct {
        const char *official;
        int flag, within;
        double diff;
    } cases[] = {
        {"7.81", 0, 0, 0},     /* agrees */
        {"7.82", 0, 1, -0.01}, /* |7.811688 - 7.82| = 0.0083 <= 0.015 */
        {"7.80", 0, 1, 0.01},  /* |7.811688 - 7.80| = 0.0117 <= 0.015 */
        {"7.79", 1, 0, 0.02},  /* 0.0217 > 0.015: off */
        {"7.83", 1, 0, -0.02}, /* 0.0183 > 0.015: off */
        /* judged on the unrounded points: 7.81 - 7.796 = 0.014 would pass,
         * but |7.811688 - 7.796| = 0.0157 > 0.015 is off */
        {"7.796", 1, 0, 0.014},
    };
    size_t i;
    char ev[256];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fx f = {0};
        snprintf(ev, sizeof(ev),
                 "criterion_id,numerator,denominator,official_points\n"
                 "%sTTTT_PAYMENT,,,%s\n",
                 inputs, cases[i].official);
        score(&f, ev);
        assert_int_equal(ns(&f, "TTTT_PAYMENT")->official_flag, cases[i].flag);
        assert_int_equal(ns(&f, "TTTT_PAYMENT")->official_within_tolerance,
                         cases[i].within);
        chiso_assert_close(ns(&f, "TTTT_PAYMENT")->official_diff, cases[i].diff,
                           1e-9);
        release(&f);
    }
    /* an exact rule has no tolerance: a 0.02 difference is off, a 0.01 one
     * is shown but not flagged */
    {
        struct fx f = {0};
        score(&f, "criterion_id,numerator,denominator,official_points\n"
                  "DOSSIER_SYNC,47,49,5.74\n"
                  "CITIZEN_DATA_CONNECTED_FORMALITY,9,57,0.31\n");
        assert_true(ns(&f, "DOSSIER_SYNC")->official_flag);
        assert_false(ns(&f, "DOSSIER_SYNC")->official_within_tolerance);
        assert_false(ns(&f, "CITIZEN_DATA_CONNECTED_FORMALITY")->official_flag);
        assert_false(ns(&f, "CITIZEN_DATA_CONNECTED_FORMALITY")
                         ->official_within_tolerance);
        chiso_assert_close(
            ns(&f, "CITIZEN_DATA_CONNECTED_FORMALITY")->official_diff, 0.01,
            1e-9);
        assert_int_equal(f.res->n_official_flags, 1);
        release(&f);
    }
}

static void
test_clgq_candidate(void **state)
{
    struct fx f = {0};

    (void)state;
    /* P = 51/57 = 89.5 % >= 80: 2; U = 23/51: 4 x 0.45098 = 1.803922;
     * O = 41/49 = 83.7 % >= 50: 6; sum 9.803922 -> 9.80 */
    score(&f, "criterion_id,numerator,denominator\n"
              "CLGQ_P,51,57\nCLGQ_U,23,51\nCLGQ_O,41,49\n");
    chiso_assert_close(ns(&f, "CLGQ_ONLINE")->points_exact,
                       2 + 4.0 * 23 / 51 + 6, 1e-12);
    chiso_assert_close(ns(&f, "CLGQ_ONLINE")->points, 9.80, 1e-12);
    release(&f);
    /* below the thresholds: P 60 % -> 2 x 60/80 = 1.5; O 25 % -> 6 x 25/50
     * = 3; U 0 -> 0; at them: P 80 % -> 2, O 50 % -> 6 */
    score(&f, "criterion_id,value\nCLGQ_P,60\nCLGQ_U,0\nCLGQ_O,25\n");
    chiso_assert_close(ns(&f, "CLGQ_ONLINE")->points, 4.5, 1e-12);
    release(&f);
    score(&f, "criterion_id,value\nCLGQ_P,80\nCLGQ_U,100\nCLGQ_O,50\n");
    chiso_assert_close(ns(&f, "CLGQ_ONLINE")->points, 12, 0);
    release(&f);
}

static void
test_rounding_half_up(void **state)
{
    struct fx f = {0};

    (void)state;
    score(&f, "criterion_id,numerator,denominator\n"
              /* 2 x 0.05 / 0.8 = 0.125 -> 0.13 (half-even would say 0.12) */
              "REUSED_DIGITIZED_DATA,1,20\n"
              /* 2 x 1/16 = 0.125 -> 0.13 */
              "CITIZEN_DATA_CONNECTED_DOSSIER,1,16\n"
              /* 6 x 1109/1200 = 5.545 -> 5.55 (half-even: 5.54) */
              "ORIGINAL_RESULT_AVAILABLE,1109,1200\n"
              /* 2 x 173/400 = 0.865, stored as 0.86499999... -> 0.87 */
              "CITIZEN_DATA_CONNECTED_FORMALITY,173,400\n");
    chiso_assert_close(ns(&f, "REUSED_DIGITIZED_DATA")->points, 0.13, 1e-12);
    chiso_assert_close(ns(&f, "REUSED_DIGITIZED_DATA")->points_exact, 0.125,
                       1e-12);
    /* the nearest step keeps the denominator: 2 of 20 = 10 % -> 2 x 0.1 /
     * 0.8 = 0.25, +0.12 on the rounded 0.13 */
    assert_string_equal(ns(&f, "REUSED_DIGITIZED_DATA")->target_id,
                        "REUSED_DIGITIZED_DATA");
    chiso_assert_close(ns(&f, "REUSED_DIGITIZED_DATA")->next.numerator, 2, 0);
    chiso_assert_close(ns(&f, "REUSED_DIGITIZED_DATA")->next.denominator, 20,
                       0);
    chiso_assert_close(ns(&f, "REUSED_DIGITIZED_DATA")->next.value, 10, 1e-12);
    chiso_assert_close(ns(&f, "REUSED_DIGITIZED_DATA")->gain_next, 0.12, 1e-12);
    /* full points at 16 of 20 = 80 %: what the rounded points lack, 2 -
     * 0.13 = 1.87, the same as the points lost (not 2 - 0.125 = 1.875 ->
     * 1.88) */
    chiso_assert_close(ns(&f, "REUSED_DIGITIZED_DATA")->full.numerator, 16, 0);
    chiso_assert_close(ns(&f, "REUSED_DIGITIZED_DATA")->full.value, 80, 1e-12);
    chiso_assert_close(ns(&f, "REUSED_DIGITIZED_DATA")->full.gain, 1.87, 1e-12);
    chiso_assert_close(ns(&f, "CITIZEN_DATA_CONNECTED_DOSSIER")->points, 0.13,
                       1e-12);
    chiso_assert_close(ns(&f, "ORIGINAL_RESULT_AVAILABLE")->points, 5.55,
                       1e-12);
    chiso_assert_close(ns(&f, "CITIZEN_DATA_CONNECTED_FORMALITY")->points, 0.87,
                       1e-12);
    /* the group adds the rounded points: 0.13 + 0.13 + 5.55 + 0.87 = 6.68,
     * while the unrounded sum is 0.125 + 0.125 + 5.545 + 0.865 = 6.66 */
    chiso_assert_close(ns(&f, "MDSH")->points, 6.68, 1e-12);
    chiso_assert_close(ns(&f, "MDSH")->points_exact, 6.66, 1e-9);
    release(&f);
}

/* ---- a whole month, JSON, what-if, derived inputs ----------------------- */

static void
test_sample_month_totals(void **state)
{
    struct fx f = {0};
    static const struct {
        const char *id;
        double points;
    } totals[] = {
        /* CKMB: no score + 3.00 + 1.93 + 5.76 */
        {"CKMB", 10.69},
        {"TDGQ", 18.78},
        /* 2 + 1.803922 + 6 */
        {"CLGQ", 9.80},
        /* 4.857143 + 1.363636 + 1.590909 */
        {"TTTT", 7.81},
        /* 6 + 6 + 5.99 */
        {"MDHL", 17.99},
        /* 5.55 + 2.37 + 0.13 + 0 + 0.49 + 0.32 + 2 */
        {"MDSH", 10.86},
    };
    size_t i;
    cJSON *root, *nodes, *n;

    (void)state;
    score_with(&f, NULL, chiso_test_path(SAMPLE_PATH), NULL);
    for (i = 0; i < sizeof(totals) / sizeof(totals[0]); i++) {
        chiso_assert_close(ns(&f, totals[i].id)->points, totals[i].points,
                           1e-9);
    }
    /* 10.69 + 18.78 + 9.80 + 7.81 + 17.99 + 10.86 = 75.93 of 100 */
    chiso_assert_close(f.res->points, 75.93, 1e-9);
    chiso_assert_close(f.res->applicable_max, 100, 0);
    chiso_assert_close(f.res->index_pct, 75.93, 1e-9);
    assert_null(f.res->group);
    assert_int_equal(f.res->n_no_score, 1);
    /* the sample's official points agree everywhere */
    assert_int_equal(f.res->n_official, 16);
    assert_int_equal(f.res->n_official_flags, 0);
    /* JSON nodes carry id, points, points_exact, official_points,
     * no_score */
    root = chiso_score_to_json(f.res, NULL, NULL, 0);
    assert_non_null(root);
    nodes = cJSON_GetObjectItemCaseSensitive(root, "nodes");
    n = NULL;
    cJSON_ArrayForEach(n, nodes)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(n, "id");
        if (strcmp(id->valuestring, "PUBLISH_ON_TIME") == 0) {
            assert_true(
                cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(n, "no_score")));
            assert_true(cJSON_IsNull(
                cJSON_GetObjectItemCaseSensitive(n, "official_points")));
        }
        if (strcmp(id->valuestring, "TTTT_PAYMENT") == 0) {
            chiso_assert_close(
                cJSON_GetObjectItemCaseSensitive(n, "points")->valuedouble,
                7.81, 1e-12);
            chiso_assert_close(
                cJSON_GetObjectItemCaseSensitive(n, "points_exact")
                    ->valuedouble,
                6.0 * 17 / 21 + 2.5 * 6 / 11 + 2.5 * 7 / 11, 1e-9);
            chiso_assert_close(
                cJSON_GetObjectItemCaseSensitive(n, "official_points")
                    ->valuedouble,
                7.81, 1e-12);
            assert_true(
                cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(n, "no_score")));
        }
    }
    cJSON_Delete(root);
    release(&f);
}

static void
test_what_if_20_more_digitised(void **state)
{
    struct fx base = {0}, w = {0};
    chiso_what_if wi;
    chiso_score_options o = CHISO_SCORE_OPTIONS_INIT;

    (void)state;
    memset(&wi, 0, sizeof(wi));
    wi.id = "SO_HOA_GIAY_TO_GIAI_QUYET";
    wi.has_counts = 1;
    wi.numerator = 29 + 20; /* 20 more of the 49 dossiers digitised */
    wi.denominator = 49;
    o.what_if = &wi;
    o.n_what_if = 1;
    score_with(&base, NULL, chiso_test_path(SAMPLE_PATH), NULL);
    score_with(&w, NULL, chiso_test_path(SAMPLE_PATH), &o);
    /* 4 x 29/49 = 2.37 -> 4 x 49/49 = 4.00: +1.63 in MDSH and in total */
    chiso_assert_close(ns(&w, "SO_HOA_GIAY_TO_GIAI_QUYET")->points, 4, 0);
    assert_int_equal(ns(&w, "SO_HOA_GIAY_TO_GIAI_QUYET")->origin,
                     CHISO_ORIGIN_WHAT_IF);
    chiso_assert_close(ns(&w, "MDSH")->points - ns(&base, "MDSH")->points, 1.63,
                       1e-9);
    chiso_assert_close(ns(&w, "CKMB")->points, ns(&base, "CKMB")->points, 0);
    chiso_assert_close(w.res->points, 77.56, 1e-9);
    release(&base);
    release(&w);
}

static void
test_derived_inputs_feed_leaves(void **state)
{
    struct fx f = {0};
    chiso_input_value in[3];
    chiso_score_options o = CHISO_SCORE_OPTIONS_INIT;

    (void)state;
    memset(in, 0, sizeof(in));
    in[0].name = "services.progress_pct";
    in[0].has_counts = 1;
    in[0].numerator = 45;
    in[0].denominator = 50; /* 20 x 0.9 = 18 */
    in[0].detail = "dossiers.csv";
    in[1].name = "services.online_pct";
    in[1].has_value = 1;
    in[1].value = 40; /* O = 40 % -> 6 x 40/50 = 4.8 */
    in[2].name = "services.satisfied_pct";
    in[2].has_value = 1;
    in[2].value = 81; /* 6 x 81/90 = 5.4 */
    o.inputs = in;
    o.n_inputs = 3;
    /* the log wins over the sheet's own counts for the same leaf */
    score_with(&f,
               "criterion_id,numerator,denominator\n"
               "TDGQ_PROGRESS,46,49\nCLGQ_P,51,57\nCLGQ_U,23,51\n"
               "CLGQ_O,41,49\n",
               NULL, &o);
    chiso_assert_close(ns(&f, "TDGQ_PROGRESS")->points, 18, 0);
    assert_int_equal(ns(&f, "TDGQ_PROGRESS")->origin, CHISO_ORIGIN_DERIVED);
    assert_string_equal(ns(&f, "TDGQ_PROGRESS")->source,
                        "services.progress_pct");
    /* 2 + 1.803922 + 4.8 = 8.603922 -> 8.60 */
    chiso_assert_close(ns(&f, "CLGQ_ONLINE")->points, 8.60, 1e-12);
    assert_int_equal(ns(&f, "CLGQ_ONLINE")->origin, CHISO_ORIGIN_DERIVED);
    chiso_assert_close(ns(&f, "DOSSIER_RECEIVING_SATISFACTION")->points, 5.4,
                       1e-12);
    release(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_and_codes),
        cmocka_unit_test(test_rules_conventions_and_confidence),
        cmocka_unit_test(test_ckmb_no_score_and_plain_sum),
        cmocka_unit_test(test_tdgq_progress),
        cmocka_unit_test(test_satisfaction_cap_at_90),
        cmocka_unit_test(test_reuse_cap_at_80),
        cmocka_unit_test(test_mdhl_petitions_full_without_petitions),
        cmocka_unit_test(test_mdsh_rules_and_no_score),
        cmocka_unit_test(test_tttt_terms),
        cmocka_unit_test(test_tttt_reconciliation_tolerance),
        cmocka_unit_test(test_clgq_candidate),
        cmocka_unit_test(test_rounding_half_up),
        cmocka_unit_test(test_sample_month_totals),
        cmocka_unit_test(test_what_if_20_more_digitised),
        cmocka_unit_test(test_derived_inputs_feed_leaves),
    };
    return cmocka_run_group_tests_name("qd766", tests, NULL, NULL);
}

/*
 * test_composite.c - the composite engine against hand calculations
 * written next to each assertion, against an independent numpy
 * implementation of COINr's formulas (tests/data/composite/ref_*.csv,
 * made by coinr_reference.py), against the results table COINr itself
 * publishes for its ASEM example, and every documented input error.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_composite.h"
#include "chiso_dataset.h"
#include "helpers.h"

#include <cjson/cJSON.h>

/* Four units, two dimensions: D1 = {A (w 1), B (w 2, lower is better)},
 * D2 = {C}; Index = (3 D1 + 1 D2) / 4. u2 has no B. */
static const char *const META =
    "Level,iCode,iName,Direction,Weight,Parent,Type\n"
    "1,A,Alpha,1,1,D1,Indicator\n"
    "1,B,Beta,-1,2,D1,Indicator\n"
    "1,C,Gamma,1,1,D2,Indicator\n"
    "2,D1,Dim one,1,3,Index,Aggregate\n"
    "2,D2,Dim two,1,1,Index,Aggregate\n"
    "3,Index,The index,1,1,,Aggregate\n"
    ",Grp,A group,,,,Group\n";

static const char *const DATA = "uCode,uName,Grp,A,B,C\n"
                                "u1,Một,x,2.385,10,7\n"
                                "u2,Hai,y,4.1,,3\n"
                                "u3,Ba,x,3.0,30,5\n"
                                "u4,Bốn,y,1.0,20,9\n";

static chiso_composite *
load_ok(const char *data, const char *meta)
{
    chiso_composite *m = NULL;
    chiso_diag d;

    chiso_diag_clear(&d);

    d.lang = CHISO_LANG_EN;
    if (chiso_composite_load(&m, chiso_test_file("cmp_data.csv", data),
                             chiso_test_file("cmp_meta.csv", meta), NULL,
                             &d) != CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    return m;
}

static double
val(const chiso_composite_result *r, const char *code, size_t u)
{
    size_t k = chiso_composite_find(r->model, code);

    assert_true(k != CHISO_CMP_NONE);
    return r->value[k * r->model->n_units + u];
}

static unsigned
rnk(const chiso_composite_result *r, const char *code, size_t u)
{
    size_t k = chiso_composite_find(r->model, code);

    return r->rank[k * r->model->n_units + u];
}

static void
test_load_structure(void **state)
{
    chiso_composite *m = load_ok(DATA, META);
    size_t d1;

    (void)state;
    assert_int_equal(m->n_units, 4);
    assert_int_equal(m->n_indicators, 3);
    assert_int_equal(m->n_nodes, 6);
    assert_int_equal(m->n_levels, 3);
    assert_int_equal(m->n_missing, 1);
    assert_string_equal(m->nodes[m->root].code, "Index");
    assert_int_equal(m->root, 5);
    assert_string_equal(m->unit_name[3], "Bốn");
    /* indicators first (iMeta order), then aggregates by level */
    assert_string_equal(m->nodes[0].code, "A");
    assert_string_equal(m->nodes[3].code, "D1");
    d1 = chiso_composite_find(m, "D1");
    assert_int_equal(m->nodes[d1].n_children, 2);
    assert_int_equal(m->nodes[1].direction, -1);
    assert_int_equal(m->nodes[1].n_missing, 1);
    /* weight shares: B = 2/3 of D1, D1 = 3/4 of the index */
    chiso_assert_close(m->nodes[1].weight_share, 2.0 / 3.0, 1e-15);
    chiso_assert_close(m->nodes[1].effective_weight, 2.0 / 3.0 * 0.75, 1e-15);
    chiso_assert_close(m->nodes[2].effective_weight, 0.25, 1e-15);
    chiso_composite_free(m);
}

static void
test_minmax_arithmetic_by_hand(void **state)
{
    chiso_composite *m = load_ok(DATA, META);
    chiso_composite_result *r = NULL;
    chiso_diag d;
    /* min-max 0..100 by hand; B is reversed: x' = -x, min -30, max -10 */
    double a[4] = {(2.385 - 1.0) / 3.1 * 100, 100, 2.0 / 3.1 * 100, 0};
    double b[4] = {100, 0, 0, 50};
    double c[4] = {4.0 / 6 * 100, 0, 2.0 / 6 * 100, 100};
    double d1[4], idx[4];
    size_t u;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_composite_compute(&r, m, NULL, &d), CHISO_OK);
    d1[0] = (1 * a[0] + 2 * b[0]) / 3;
    d1[1] = a[1]; /* B missing: A alone, weights renormalised */
    d1[2] = (1 * a[2] + 2 * b[2]) / 3;
    d1[3] = (1 * a[3] + 2 * b[3]) / 3;
    for (u = 0; u < 4; u++) {
        idx[u] = (3 * d1[u] + 1 * c[u]) / 4;
        chiso_assert_close(val(r, "A", u), a[u], 1e-12);
        chiso_assert_close(val(r, "C", u), c[u], 1e-12);
        chiso_assert_close(val(r, "D1", u), d1[u], 1e-12);
        chiso_assert_close(val(r, "D2", u), c[u], 1e-12);
        chiso_assert_close(val(r, "Index", u), idx[u], 1e-12);
    }
    chiso_assert_close(val(r, "B", 0), b[0], 1e-12);
    chiso_assert_close(val(r, "B", 3), b[3], 1e-12);
    assert_int_equal(r->defined[1 * 4 + 1], 0); /* B of u2 */
    assert_int_equal(rnk(r, "B", 1), 0);
    /* idx = 77.84, 75, 24.46, 50 -> ranks 1, 2, 4, 3 */
    assert_int_equal(rnk(r, "Index", 0), 1);
    assert_int_equal(rnk(r, "Index", 1), 2);
    assert_int_equal(rnk(r, "Index", 2), 4);
    assert_int_equal(rnk(r, "Index", 3), 3);
    assert_int_equal(r->order[0], 0);
    assert_int_equal(r->order[2], 3);
    assert_int_equal(r->n_ranked, 4);
    /* normalisation parameters in the indicator's orientation */
    chiso_assert_close(r->norm_a[1], -30, 0);
    chiso_assert_close(r->norm_b[1], -10, 0);
    chiso_composite_result_free(r);
    chiso_composite_free(m);
}

static void
test_geometric_harmonic_zscore_by_hand(void **state)
{
    chiso_composite *m = load_ok(DATA, META);
    chiso_composite_result *r = NULL;
    chiso_composite_options o = CHISO_COMPOSITE_OPTIONS_INIT;
    chiso_diag d;
    double a0, b0, c0, d1, mean, sd, z;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    o.range_lo = 1;
    o.range_hi = 10;
    o.aggregate = CHISO_AGG_GEOMETRIC;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_OK);
    a0 = 1 + (2.385 - 1.0) / 3.1 * 9; /* u1 on 1..10 */
    b0 = 10;
    c0 = 1 + 4.0 / 6 * 9;
    d1 = exp((1 * log(a0) + 2 * log(b0)) / 3);
    chiso_assert_close(val(r, "D1", 0), d1, 1e-12);
    chiso_assert_close(val(r, "Index", 0), exp((3 * log(d1) + log(c0)) / 4),
                       1e-12);
    chiso_composite_result_free(r);

    o.aggregate = CHISO_AGG_HARMONIC;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_OK);
    d1 = 3 / (1 / a0 + 2 / b0);
    chiso_assert_close(val(r, "D1", 0), d1, 1e-12);
    chiso_assert_close(val(r, "D1", 1), 10, 1e-12); /* u2: A alone, = 10 */
    chiso_assert_close(val(r, "Index", 0), 4 / (3 / d1 + 1 / c0), 1e-12);
    chiso_composite_result_free(r);

    /* z-score of C (3, 5, 7, 9 in some order): mean 6, sample sd
       sqrt(20/3); u1 has 7 */
    o = (chiso_composite_options)CHISO_COMPOSITE_OPTIONS_INIT;
    o.normalise = CHISO_NORM_ZSCORE;
    o.zscore_mean = 10;
    o.zscore_sd = 2;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_OK);
    mean = 6;
    sd = sqrt(((7 - mean) * (7 - mean) + 9 + 1 + 9) / 3);
    z = (7 - mean) / sd * 2 + 10;
    chiso_assert_close(val(r, "C", 0), z, 1e-12);
    chiso_assert_close(r->norm_a[2], 6, 1e-12);
    chiso_assert_close(r->norm_b[2], sd, 1e-12);
    chiso_composite_result_free(r);

    /* rank normalisation: C = 7, 3, 5, 9 -> 3, 1, 2, 4; B reversed:
       -10, -, -30, -20 -> 3, -, 1, 2 */
    o.normalise = CHISO_NORM_RANK;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_OK);
    chiso_assert_close(val(r, "C", 0), 3, 0);
    chiso_assert_close(val(r, "C", 1), 1, 0);
    chiso_assert_close(val(r, "B", 2), 1, 0);
    chiso_assert_close(val(r, "B", 0), 3, 0);
    chiso_composite_result_free(r);
    chiso_composite_free(m);
}

static void
test_goalposts_and_target(void **state)
{
    static const char *const meta =
        "Level,iCode,Direction,Weight,Parent,Type,Target,goalpost_lower,"
        "goalpost_upper\n"
        "1,P,1,1,X,Indicator,80,50,100\n"
        "1,Q,-1,1,X,Indicator,2,0,10\n"
        "2,X,1,1,,Aggregate,,,\n";
    static const char *const data = "uCode,P,Q\n"
                                    "a,95.5,1.25\n"
                                    "b,40,12\n"
                                    "c,72.4,6\n";
    chiso_composite *m = load_ok(data, meta);
    chiso_composite_result *r = NULL;
    chiso_composite_options o = CHISO_COMPOSITE_OPTIONS_INIT;
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    o.normalise = CHISO_NORM_GOALPOSTS;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_OK);
    /* P: (x - 50) / 50, clamped; Q reversed: (x - 10) / (0 - 10) */
    chiso_assert_close(val(r, "P", 0), (95.5 - 50) / 50 * 100, 1e-12);
    chiso_assert_close(val(r, "P", 1), 0, 0); /* below the lower post */
    chiso_assert_close(val(r, "Q", 0), (1.25 - 10) / -10 * 100, 1e-12);
    chiso_assert_close(val(r, "Q", 1), 0, 0); /* 12: worse than 10 */
    chiso_assert_close(val(r, "Q", 2), 40, 1e-12);
    chiso_composite_result_free(r);

    o.normalise = CHISO_NORM_TARGET;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_OK);
    /* P: target 80, min 40: 1 - (80 - x) / 40, capped at 1 */
    chiso_assert_close(val(r, "P", 0), 100, 0);
    chiso_assert_close(val(r, "P", 1), 0, 1e-12);
    chiso_assert_close(val(r, "P", 2), (1 - (80 - 72.4) / 40) * 100, 1e-12);
    /* Q reversed: x' = -x, target -2, min -12 */
    chiso_assert_close(val(r, "Q", 0), 100, 0);
    chiso_assert_close(val(r, "Q", 2), (1 - (-2 + 6) / (-2.0 + 12)) * 100,
                       1e-12);
    chiso_composite_result_free(r);
    chiso_composite_free(m);
}

static void
test_ties_and_all_missing(void **state)
{
    static const char *const meta = "Level,iCode,Direction,Weight,Parent,Type\n"
                                    "1,A,1,1,D1,Indicator\n"
                                    "1,B,1,1,D1,Indicator\n"
                                    "1,C,1,1,D2,Indicator\n"
                                    "2,D1,1,1,I,Aggregate\n"
                                    "2,D2,1,1,I,Aggregate\n"
                                    "3,I,1,1,,Aggregate\n";
    /* t1 and t2 identical: tie; z has nothing under D1: I = D2 alone;
       e has no value at all: no index, not ranked, listed last */
    static const char *const data = "uCode,A,B,C\n"
                                    "e,,,\n"
                                    "t1,5,6,7\n"
                                    "low,1,2,3\n"
                                    "t2,5,6,7\n"
                                    "z,NA,,9\n";
    chiso_composite *m = load_ok(data, meta);
    chiso_composite_result *r = NULL;
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_composite_compute(&r, m, NULL, &d), CHISO_OK);
    assert_int_equal(m->n_missing, 5);
    assert_int_equal(r->defined[chiso_composite_find(m, "D1") * 5 + 4], 0);
    chiso_assert_close(val(r, "I", 4), val(r, "C", 4), 0);
    chiso_assert_close(val(r, "I", 4), 100, 0);
    assert_int_equal(r->defined[m->root * 5 + 0], 0);
    assert_int_equal(rnk(r, "I", 0), 0);
    /* z 100 first; t1 and t2 share 2; low is 4 (1, 2, 2, 4) */
    assert_int_equal(rnk(r, "I", 4), 1);
    assert_int_equal(rnk(r, "I", 1), 2);
    assert_int_equal(rnk(r, "I", 3), 2);
    assert_int_equal(rnk(r, "I", 2), 4);
    assert_int_equal(r->n_ranked, 4);
    assert_int_equal(r->order[0], 4);
    assert_int_equal(r->order[1], 1); /* ties in iData order */
    assert_int_equal(r->order[2], 3);
    assert_int_equal(r->order[4], 0); /* unranked last */
    chiso_composite_result_free(r);
    chiso_composite_free(m);
}

/* ---- against the independent numpy implementation ------------------------ */

static void
compare_reference(const char *data_rel,
                  const char *ref_name,
                  chiso_composite_options o)
{
    chiso_composite *m = NULL;
    chiso_composite_result *r = NULL;
    chiso_csv_reader *rd = NULL;
    chiso_csv_row row;
    chiso_diag d;
    char path[512];
    size_t u = 0, k, n_checked = 0;

    chiso_diag_clear(&d);

    d.lang = CHISO_LANG_EN;
    if (chiso_composite_load(
            &m, chiso_test_path(data_rel),
            chiso_test_path("datasets/samples/coinr-asem/asem_iMeta.csv"), NULL,
            &d) != CHISO_OK ||
        chiso_composite_compute(&r, m, &o, &d) != CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    snprintf(path, sizeof(path), "tests/data/composite/%s", ref_name);
    assert_int_equal(chiso_csv_open(&rd, chiso_test_path(path), NULL, &d),
                     CHISO_OK);
    assert_int_equal(chiso_csv_next(rd, &row, &d), CHISO_OK);
    /* header: uCode, every node in chiso's node order, index_rank */
    assert_int_equal(row.n, m->n_nodes + 2);
    for (k = 0; k < m->n_nodes; k++) {
        assert_string_equal(row.field[k + 1], m->nodes[k].code);
    }
    while (chiso_csv_next(rd, &row, &d) == CHISO_OK) {
        assert_string_equal(row.field[0], m->unit_code[u]);
        for (k = 0; k < m->n_nodes; k++) {
            size_t c = k * m->n_units + u;
            if (row.len[k + 1] == 0) {
                assert_int_equal(r->defined[c], 0);
                continue;
            }
            assert_int_equal(r->defined[c], 1);
            chiso_assert_close(r->value[c], strtod(row.field[k + 1], NULL),
                               1e-9 * fmax(1, fabs(r->value[c])));
            n_checked++;
        }
        assert_int_equal(r->rank[m->root * m->n_units + u],
                         strtoul(row.field[m->n_nodes + 1], NULL, 10));
        u++;
    }
    assert_int_equal(u, m->n_units);
    assert_true(n_checked > 2000);
    chiso_csv_close(rd);
    chiso_composite_result_free(r);
    chiso_composite_free(m);
}

static void
test_asem_against_numpy_reference(void **state)
{
    chiso_composite_options o = CHISO_COMPOSITE_OPTIONS_INIT;
    const char *raw = "datasets/samples/coinr-asem/asem_iData.csv";

    (void)state;
    compare_reference(raw, "ref_asem_minmax_arith.csv", o);
    o.range_lo = 1;
    o.range_hi = 10;
    o.aggregate = CHISO_AGG_GEOMETRIC;
    compare_reference(raw, "ref_asem_minmax1_10_geo.csv", o);
    o.range_hi = 100;
    o.aggregate = CHISO_AGG_HARMONIC;
    compare_reference(raw, "ref_asem_minmax1_100_harm.csv", o);
    o = (chiso_composite_options)CHISO_COMPOSITE_OPTIONS_INIT;
    o.normalise = CHISO_NORM_ZSCORE;
    compare_reference(raw, "ref_asem_zscore_arith.csv", o);
    o.normalise = CHISO_NORM_RANK;
    o.aggregate = CHISO_AGG_GEOMETRIC;
    compare_reference(raw, "ref_asem_rank_geo.csv", o);
    o.normalise = CHISO_NORM_TARGET;
    o.aggregate = CHISO_AGG_ARITHMETIC;
    compare_reference(raw, "ref_asem_target_arith.csv", o);
    o.normalise = CHISO_NORM_MINMAX;
    compare_reference("tests/data/composite/asem_treated_iData.csv",
                      "ref_asem_treated_minmax_arith.csv", o);
}

/* COINr's own published results for its ASEM example (min-max 0..100,
 * arithmetic mean, after its example pipeline Denominate / Impute / Treat,
 * whose output is asem_treated_iData.csv): the "Presenting Results"
 * vignette of COINr 1.1.14, head(get_results(coin, dset = "Aggregated",
 * tab_type = "Aggs")), scores rounded to 2 decimals by COINr.
 * https://stat.ethz.ch/CRAN/web/packages/COINr/vignettes/results.html */
static void
test_asem_published_by_coinr(void **state)
{
    static const struct {
        const char *unit;
        unsigned rank;
        double index, conn, sust, physical, conecfin, political;
    } pub[] = {
        {"CHE", 1, 68.38, 62.79, 73.98, 63.41, 32.87, 74.78},
        {"NLD", 2, 64.82, 61.94, 67.70, 64.87, 46.62, 84.55},
        {"DNK", 3, 64.80, 57.10, 72.51, 50.52, 30.43, 78.13},
        {"NOR", 4, 64.47, 57.44, 71.50, 58.18, 25.70, 80.03},
        {"BEL", 5, 63.54, 63.99, 63.09, 71.97, 48.22, 80.84},
        {"SWE", 6, 63.00, 53.87, 72.12, 51.51, 23.87, 80.98},
    };
    chiso_composite *m = NULL;
    chiso_composite_result *r = NULL;
    chiso_diag d;
    size_t i, u;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_composite_load(
            &m, chiso_test_path("tests/data/composite/asem_treated_iData.csv"),
            chiso_test_path("datasets/samples/coinr-asem/asem_iMeta.csv"), NULL,
            &d),
        CHISO_OK);
    assert_int_equal(chiso_composite_compute(&r, m, NULL, &d), CHISO_OK);
    for (i = 0; i < sizeof(pub) / sizeof(pub[0]); i++) {
        for (u = 0; u < m->n_units; u++) {
            if (strcmp(m->unit_code[u], pub[i].unit) == 0) {
                break;
            }
        }
        assert_true(u < m->n_units);
        assert_int_equal(r->order[i], u);
        assert_int_equal(rnk(r, "Index", u), pub[i].rank);
        /* published to 2 decimals: within half a unit of the last place */
        chiso_assert_close(val(r, "Index", u), pub[i].index, 0.005);
        chiso_assert_close(val(r, "Conn", u), pub[i].conn, 0.005);
        chiso_assert_close(val(r, "Sust", u), pub[i].sust, 0.005);
        chiso_assert_close(val(r, "Physical", u), pub[i].physical, 0.005);
        chiso_assert_close(val(r, "ConEcFin", u), pub[i].conecfin, 0.005);
        chiso_assert_close(val(r, "Political", u), pub[i].political, 0.005);
    }
    chiso_composite_result_free(r);
    chiso_composite_free(m);
}

static void
test_panel_time(void **state)
{
    chiso_composite *m = NULL;
    chiso_composite_load_options lo = CHISO_COMPOSITE_LOAD_OPTIONS_INIT;
    chiso_diag d;
    const char *panel =
        chiso_test_path("datasets/samples/coinr-asem/asem_iData_panel.csv");
    const char *meta =
        chiso_test_path("datasets/samples/coinr-asem/asem_iMeta.csv");

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_composite_load(&m, panel, meta, NULL, &d),
                     CHISO_EDATA);
    assert_non_null(strstr(d.message, "panel data"));
    assert_int_equal(d.line, 53);
    assert_int_equal(d.column, 39); /* the Time cell of AUT, 2019 */
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    lo.time = "2020";
    assert_int_equal(chiso_composite_load(&m, panel, meta, &lo, &d), CHISO_OK);
    assert_int_equal(m->n_units, 51);
    assert_string_equal(m->time, "2020");
    chiso_composite_free(m);
    lo.time = "1999";
    assert_int_equal(chiso_composite_load(&m, panel, meta, &lo, &d),
                     CHISO_EDATA);
    assert_non_null(strstr(d.message, "no row has Time '1999'"));
}

/* ---- every documented error ---------------------------------------------- */

struct bad_case {
    const char *meta;
    const char *data;
    chiso_status code;
    int in_meta; /* the diag names iMeta (else iData) */
    unsigned long line, column;
    const char *message;
};

#define M_HEAD "Level,iCode,Direction,Weight,Parent,Type\n"
#define M_OK2                                                                  \
    "1,A,1,1,X,Indicator\n"                                                    \
    "1,B,1,1,X,Indicator\n"                                                    \
    "2,X,1,1,,Aggregate\n"
#define D_OK "uCode,A,B\nu1,1,2\nu2,3,4\n"

static const struct bad_case bad_cases[] = {
    {M_HEAD "1,A,1,1,X,Indicatr\n", D_OK, CHISO_EDATA, 1, 2, 11,
     "unknown Type 'Indicatr'"},
    {M_HEAD "2,A,1,1,X,Indicator\n", D_OK, CHISO_EDATA, 1, 2, 1,
     "indicator 'A' has Level 2"},
    {M_HEAD "1,A,1,1,X,Indicator\n1,X,1,1,,Aggregate\n", D_OK, CHISO_EDATA, 1,
     3, 1, "aggregate 'X' has Level 1"},
    {M_HEAD "1.5,A,1,1,X,Indicator\n", D_OK, CHISO_EDATA, 1, 2, 1,
     "invalid Level '1.5'"},
    {M_HEAD "1,A,1,-2,X,Indicator\n", D_OK, CHISO_EDATA, 1, 2, 7,
     "negative Weight '-2' of 'A'"},
    {M_HEAD "1,A,1,abc,X,Indicator\n", D_OK, CHISO_EDATA, 1, 2, 7,
     "invalid number 'abc' in column 'Weight'"},
    {M_HEAD "1,A,1,,X,Indicator\n", D_OK, CHISO_EDATA, 1, 2, 7,
     "missing Weight of 'A'"},
    {M_HEAD "1,A,0,1,X,Indicator\n", D_OK, CHISO_EDATA, 1, 2, 5,
     "Direction of 'A' must be 1"},
    {M_HEAD "1,A,,1,X,Indicator\n", D_OK, CHISO_EDATA, 1, 2, 5,
     "Direction of 'A' must be 1"},
    {M_HEAD M_OK2 "1,A,1,1,X,Indicator\n", D_OK, CHISO_EDATA, 1, 5, 3,
     "duplicate iCode 'A' (first on line 2)"},
    {M_HEAD ",,1,1,X,Indicator\n", D_OK, CHISO_EDATA, 1, 2, 2, "empty iCode"},
    {M_HEAD "1,A,1,1,Y,Indicator\n1,B,1,1,X,Indicator\n2,X,1,1,,Aggregate\n",
     D_OK, CHISO_ESCHEMA, 1, 2, 9, "unknown Parent 'Y' of 'A'"},
    {M_HEAD "1,A,1,1,G,Indicator\n1,B,1,1,X,Indicator\n2,X,1,1,,Aggregate\n"
            ",G,,,,Group\n",
     "uCode,A,B,G\nu1,1,2,g\n", CHISO_ESCHEMA, 1, 2, 9,
     "Parent 'G' of 'A' is of Type Group"},
    {M_HEAD "1,A,1,1,X,Indicator\n1,B,1,1,Y,Indicator\n2,Y,1,1,X,Aggregate\n"
            "3,X,1,1,,Aggregate\n",
     D_OK, CHISO_ESCHEMA, 1, 2, 9,
     "Parent 'X' of 'A' is at Level 3 but 'A' is at Level 1"},
    {M_HEAD M_OK2 "2,Y,1,1,Z,Aggregate\n2,Z,1,1,Y,Aggregate\n", D_OK,
     CHISO_ESCHEMA, 1, 5, 9, "cycle in Parent: Y -> Z -> Y"},
    {M_HEAD "1,A,1,1,X,Indicator\n1,B,1,1,Y,Indicator\n2,X,1,1,,Aggregate\n"
            "2,Y,1,1,,Aggregate\n",
     D_OK, CHISO_ESCHEMA, 1, 5, 9,
     "aggregates 'X' (line 4) and 'Y' both have no Parent"},
    {M_HEAD "1,A,1,1,X,Indicator\n1,B,1,1,X,Indicator\n2,X,1,1,I,Aggregate\n"
            "2,E,1,1,I,Aggregate\n3,I,1,1,,Aggregate\n",
     D_OK, CHISO_ESCHEMA, 1, 5, 3, "aggregate 'E' has no children"},
    {M_HEAD "1,A,1,1,X,Indicator\n1,B,1,1,X,Indicator\n2,X,1,1,Y,Aggregate\n"
            "3,Y,1,1,X,Aggregate\n",
     D_OK, CHISO_ESCHEMA, 1, 4, 9, "cycle in Parent: X -> Y -> X"},
    {M_HEAD "1,A,1,0,X,Indicator\n1,B,1,0,X,Indicator\n2,X,1,1,,Aggregate\n",
     D_OK, CHISO_ESCHEMA, 1, 4, 3, "children of 'X' are all 0"},
    {M_HEAD "1,A,1,1,,Indicator\n1,B,1,1,X,Indicator\n2,X,1,1,,Aggregate\n",
     D_OK, CHISO_ESCHEMA, 1, 2, 9, "indicator 'A' has no Parent"},
    {"Level,iCode,Direction,Weight,Parent,Type,goalpost_lower\n"
     "1,A,1,1,X,Indicator,3\n1,B,1,1,X,Indicator,\n2,X,1,1,,Aggregate,\n",
     D_OK, CHISO_EDATA, 1, 2, 21, "'A' has only one goalpost"},
    {"Level,iCode,Direction,Weight,Type\n", D_OK, CHISO_ESCHEMA, 1, 1, 1,
     "missing column 'parent'"},
    /* iData */
    {M_HEAD M_OK2, "uCode,A,B,Z\nu1,1,2,3\n", CHISO_ESCHEMA, 0, 1, 11,
     "column 'Z' is not in iMeta"},
    {M_HEAD M_OK2, "uCode,A,B,X\nu1,1,2,3\n", CHISO_ESCHEMA, 0, 1, 11,
     "column 'X' is an aggregate in iMeta (line 4)"},
    {M_HEAD M_OK2, "uCode,A,B,A\nu1,1,2,3\n", CHISO_ESCHEMA, 0, 1, 11,
     "duplicate column 'A'"},
    {M_HEAD M_OK2, "uCode,A\nu1,1\n", CHISO_ESCHEMA, 1, 3, 3,
     "iCode 'B' (Type Indicator) has no column in"},
    {M_HEAD M_OK2, "unit,A,B\nu1,1,2\n", CHISO_ESCHEMA, 0, 1, 1,
     "column 'unit' is not in iMeta"},
    {M_HEAD M_OK2, "A,B\n1,2\n", CHISO_ESCHEMA, 0, 1, 1,
     "missing column 'uCode'"},
    {M_HEAD M_OK2, "uCode,A,B\n,1,2\n", CHISO_EDATA, 0, 2, 1, "empty uCode"},
    {M_HEAD M_OK2, "uCode,A,B\nu1,1,2\nu1,3,4\n", CHISO_EDATA, 0, 3, 1,
     "duplicate unit 'u1' (first on line 2)"},
    {M_HEAD M_OK2, "uCode,A,B\nu1,1,2\nu2,3,4x\n", CHISO_EDATA, 0, 3, 6,
     "invalid number '4x' in column 'B' (indicator of unit 'u2')"},
    {M_HEAD M_OK2, "uCode,A,B\n", CHISO_EDATA, 0, 0, 0, "no units"},
    {M_HEAD M_OK2, "uCode,Time,A,B\nu1,2023,1,2\nu2,2024,3,4\n", CHISO_EDATA, 0,
     3, 4, "panel data: Time '2024' differs from '2023' (line 2)"},
};

static void
test_input_errors(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const struct bad_case *b = &bad_cases[i];
        chiso_composite *m = NULL;
        chiso_diag d;
        const char *dp = chiso_test_file("bad_data.csv", b->data);
        const char *mp = chiso_test_file("bad_meta.csv", b->meta);
        chiso_status st;

        chiso_diag_clear(&d);

        d.lang = CHISO_LANG_EN;
        st = chiso_composite_load(&m, dp, mp, NULL, &d);
        if (st != b->code || strstr(d.message, b->message) == NULL ||
            d.line != b->line || d.column != b->column ||
            strcmp(d.path, b->in_meta ? mp : dp) != 0) {
            fail_msg("case %zu: got %s %s:%lu:%lu: %s; expected %s "
                     "%lu:%lu: ...%s...",
                     i, chiso_status_str(st), d.path, d.line, d.column,
                     d.message, chiso_status_str(b->code), b->line, b->column,
                     b->message);
        }
        assert_null(m);
    }
}

static void
test_compute_errors(void **state)
{
    chiso_composite *m;
    chiso_composite_result *r = NULL;
    chiso_composite_options o = CHISO_COMPOSITE_OPTIONS_INIT;
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    /* a constant indicator: min-max undefined, names its header cell */
    m = load_ok("uCode,A,B\nu1,1,5\nu2,3,5\n", M_HEAD M_OK2);
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_EDOMAIN);
    assert_non_null(strstr(d.message, "indicator 'B': every unit with a "
                                      "value has the same value (5)"));
    assert_int_equal(d.line, 1);
    assert_int_equal(d.column, 9);
    assert_null(r);
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    o.normalise = CHISO_NORM_ZSCORE;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_EDOMAIN);
    chiso_composite_free(m);

    /* geometric mean of min-max 0..100: the lowest unit is 0 */
    m = load_ok("uCode,A,B\nu1,1,5\nu2,3,6\n", M_HEAD M_OK2);
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    o = (chiso_composite_options)CHISO_COMPOSITE_OPTIONS_INIT;
    o.aggregate = CHISO_AGG_GEOMETRIC;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_EDOMAIN);
    assert_non_null(strstr(d.message, "the geometric mean needs values above "
                                      "0, but indicator 'A' of unit 'u1' is "
                                      "0 after minmax"));
    assert_int_equal(d.line, 2);
    assert_int_equal(d.column, 4);
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    o.range_lo = 1;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_OK);
    chiso_composite_result_free(r);
    r = NULL;
    /* harmonic of z-scores: negative */
    o.normalise = CHISO_NORM_ZSCORE;
    o.aggregate = CHISO_AGG_HARMONIC;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_EDOMAIN);
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    /* no goalposts / target in iMeta */
    o = (chiso_composite_options)CHISO_COMPOSITE_OPTIONS_INIT;
    o.normalise = CHISO_NORM_GOALPOSTS;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_EDOMAIN);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.column, 3);
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    o.normalise = CHISO_NORM_TARGET;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_EDOMAIN);
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    /* bad options */
    o = (chiso_composite_options)CHISO_COMPOSITE_OPTIONS_INIT;
    o.range_lo = 10;
    o.range_hi = 10;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_EUSAGE);
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    o = (chiso_composite_options)CHISO_COMPOSITE_OPTIONS_INIT;
    o.zscore_sd = 0;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_EUSAGE);
    chiso_composite_free(m);
}

/* ---- values, weights and ranges at the edge of double ------------------ */

/* Every defined value finite, and ranks consistent with the index. */
static void
assert_sane(const chiso_composite_result *r)
{
    const chiso_composite *m = r->model;
    size_t n = m->n_units, k, u, v;

    for (k = 0; k < m->n_nodes; k++) {
        for (u = 0; u < n; u++) {
            size_t c = k * n + u;
            if (!r->defined[c]) {
                assert_int_equal(r->rank[c], 0);
                continue;
            }
            if (!isfinite(r->value[c])) {
                fail_msg("node %s unit %s: %g", m->nodes[k].code,
                         m->unit_code[u], r->value[c]);
            }
            assert_true(r->rank[c] >= 1);
        }
    }
    for (u = 0; u < n; u++) {
        for (v = 0; v < n; v++) {
            size_t a = m->root * n + u, b = m->root * n + v;
            if (r->defined[a] && r->defined[b] && r->value[a] > r->value[b]) {
                assert_true(r->rank[a] < r->rank[b]);
            }
        }
    }
}

static void
test_overflow_edges(void **state)
{
    /* A spans -1e308 .. 1e308: max - min overflows a double, but the
     * fractions (x - min) / (max - min) do not: 2.385 and 1.0 sit at 1/2
     * (to 1e-305), 1e308 at 1, -1e308 at 0. B and C as in DATA. By hand:
     * A = 50, 100, 0, 50; B = 100, -, 0, 50; C = 66.67, 0, 33.33, 100;
     * D1 = (A + 2B)/3 = 83.33, 100 (B missing), 0, 50;
     * Index = (3 D1 + C)/4 = 79.17, 75, 8.33, 62.5 -> ranks 1, 2, 4, 3. */
    static const char *const big = "uCode,uName,Grp,A,B,C\n"
                                   "u1,Một,x,2.385,10,7\n"
                                   "u2,Hai,y,1e308,,3\n"
                                   "u3,Ba,x,-1e308,30,5\n"
                                   "u4,Bốn,y,1.0,20,9\n";
    /* z-scores of +-1e308: the squares overflow; mean 0, sd = 1e308
     * sqrt(4/3), z = +-sqrt(3)/2 */
    static const char *const zbig = "uCode,uName,Grp,A,B,C\n"
                                    "u1,Một,x,1e308,10,7\n"
                                    "u2,Hai,y,1e308,,3\n"
                                    "u3,Ba,x,-1e308,30,5\n"
                                    "u4,Bốn,y,-1e308,20,9\n";
    /* META's shares (1:2 in D1, 3:1 in the index) with weights near the
     * largest double: the sums of weights overflow, the shares do not */
    static const char *const wbig =
        "Level,iCode,iName,Direction,Weight,Parent,Type\n"
        "1,A,Alpha,1,0.8e308,D1,Indicator\n"
        "1,B,Beta,-1,1.6e308,D1,Indicator\n"
        "1,C,Gamma,1,1e300,D2,Indicator\n"
        "2,D1,Dim one,1,1.5e308,Index,Aggregate\n"
        "2,D2,Dim two,1,0.5e308,Index,Aggregate\n"
        "3,Index,The index,1,1,,Aggregate\n"
        ",Grp,A group,,,,Group\n";
    double want_idx[4] = {(3 * 250.0 / 3 + 400.0 / 6) / 4, 75,
                          (0 + 200.0 / 6) / 4, 62.5};
    chiso_composite *m = load_ok(big, META), *m2;
    chiso_composite_result *r = NULL, *r2 = NULL;
    chiso_composite_options o = CHISO_COMPOSITE_OPTIONS_INIT;
    chiso_diag d;
    size_t u, k;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_composite_compute(&r, m, NULL, &d), CHISO_OK);
    assert_sane(r);
    chiso_assert_close(val(r, "A", 0), 50, 1e-12);
    chiso_assert_close(val(r, "A", 1), 100, 1e-12);
    chiso_assert_close(val(r, "A", 2), 0, 1e-12);
    chiso_assert_close(val(r, "A", 3), 50, 1e-12);
    for (u = 0; u < 4; u++) {
        chiso_assert_close(val(r, "Index", u), want_idx[u], 1e-12);
    }
    assert_int_equal(rnk(r, "Index", 0), 1);
    assert_int_equal(rnk(r, "Index", 1), 2);
    assert_int_equal(rnk(r, "Index", 2), 4);
    assert_int_equal(rnk(r, "Index", 3), 3);
    assert_int_equal(r->n_ranked, 4);
    chiso_composite_result_free(r);
    r = NULL;

    /* the same data through every method that accepts it: finite */
    for (k = 0; k < CHISO_NORM_COUNT; k++) {
        o = (chiso_composite_options)CHISO_COMPOSITE_OPTIONS_INIT;
        o.normalise = (chiso_cmp_norm)k;
        if (o.normalise == CHISO_NORM_GOALPOSTS ||
            o.normalise == CHISO_NORM_TARGET) {
            continue; /* META has neither */
        }
        chiso_diag_clear(&d);
        d.lang = CHISO_LANG_EN;
        assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_OK);
        assert_sane(r);
        chiso_composite_result_free(r);
        r = NULL;
    }
    chiso_composite_free(m);

    m = load_ok(zbig, META);
    o = (chiso_composite_options)CHISO_COMPOSITE_OPTIONS_INIT;
    o.normalise = CHISO_NORM_ZSCORE;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_composite_compute(&r, m, &o, &d), CHISO_OK);
    assert_sane(r);
    chiso_assert_close(val(r, "A", 0), sqrt(3.0) / 2, 1e-15);
    chiso_assert_close(val(r, "A", 3), -sqrt(3.0) / 2, 1e-15);
    chiso_assert_close(r->norm_a[0], 0, 0);
    chiso_assert_close(r->norm_b[0] / 1e308, sqrt(4.0 / 3.0), 1e-15);
    chiso_composite_result_free(r);
    r = NULL;
    chiso_composite_free(m);

    /* weights near 1.8e308 give META's shares and META's results */
    m = load_ok(DATA, wbig);
    m2 = load_ok(DATA, META);
    chiso_assert_close(m->nodes[1].weight_share, 2.0 / 3.0, 1e-15);
    chiso_assert_close(m->nodes[1].effective_weight, 0.5, 1e-15);
    chiso_assert_close(m->nodes[2].effective_weight, 0.25, 1e-15);
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_composite_compute(&r, m, NULL, &d), CHISO_OK);
    assert_int_equal(chiso_composite_compute(&r2, m2, NULL, &d), CHISO_OK);
    assert_sane(r);
    for (u = 0; u < 4 * m->n_nodes; u++) {
        chiso_assert_close(r->value[u], r2->value[u], 1e-12);
        assert_int_equal(r->rank[u], r2->rank[u]);
    }
    chiso_composite_result_free(r);
    r = NULL;

    /* a range whose span overflows: every value stays in the range, the
     * ranks are those of 0..100 (an affine map commutes with the means) */
    o = (chiso_composite_options)CHISO_COMPOSITE_OPTIONS_INIT;
    o.range_lo = -1e308;
    o.range_hi = 1.5e308;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_composite_compute(&r, m2, &o, &d), CHISO_OK);
    assert_sane(r);
    for (u = 0; u < 4; u++) {
        assert_int_equal(rnk(r, "Index", u), rnk(r2, "Index", u));
        assert_true(val(r, "Index", u) >= -1e308);
        assert_true(val(r, "Index", u) <= 1.5e308);
    }
    /* hand: u2's A is the maximum: 1.5e308; C is the minimum: -1e308 */
    chiso_assert_close(val(r, "A", 1) / 1e308, 1.5, 1e-15);
    chiso_assert_close(val(r, "C", 1) / 1e308, -1, 1e-15);
    chiso_composite_result_free(r);
    r = NULL;

    /* harmonic mean of values so close to 0 that 1/x overflows: an error
     * naming the cell and the value, not a rank */
    o = (chiso_composite_options)CHISO_COMPOSITE_OPTIONS_INIT;
    o.range_lo = 1e-310;
    o.range_hi = 1;
    o.aggregate = CHISO_AGG_HARMONIC;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_composite_compute(&r, m2, &o, &d), CHISO_EDOMAIN);
    assert_null(r);
    assert_non_null(strstr(d.message, "1e-310"));
    assert_true(d.line >= 2);
    assert_true(d.column >= 1);
    chiso_composite_result_free(r2);
    chiso_composite_free(m);
    chiso_composite_free(m2);

    /* a weight too small next to its sibling's to be held once the
     * weights are put on one scale: refused at its cell */
    {
        chiso_diag d2;
        const char *mp = chiso_test_file(
            "tiny_meta.csv", "Level,iCode,Direction,Weight,Parent,Type\n"
                             "1,A,1,1e-320,X,Indicator\n"
                             "1,B,1,1e10,X,Indicator\n"
                             "2,X,1,1,,Aggregate\n");
        chiso_diag_clear(&d2);
        d2.lang = CHISO_LANG_EN;
        m = NULL;
        assert_int_equal(
            chiso_composite_load(
                &m, chiso_test_file("tiny_data.csv", "uCode,A,B\nu1,1,2\n"), mp,
                NULL, &d2),
            CHISO_EDATA);
        assert_null(m);
        assert_string_equal(d2.path, mp);
        assert_int_equal(d2.line, 2);
        assert_int_equal(d2.column, 7); /* "1,A,1," */
        assert_non_null(strstr(d2.message, "1e-320"));
    }
}

/* The loader's fast decimal path (an integer divided by an exact power
 * of ten) gives the double strtod gives, for decimals of every length:
 * 20,000 cells generated from a fixed seed, read back and compared bit
 * for bit with strtod of the same text. */
static void
test_decimal_fast_path(void **state)
{
    enum { ROWS = 2000, COLS = 10 };
    static char text[ROWS * COLS * 32 + 4096], meta[COLS * 40 + 256];
    static char cell[ROWS * COLS][32];
    size_t len = 0, mlen = 0, r, c, k;
    uint64_t x = 88172645463325252ULL;
    chiso_composite *m;

    (void)state;
    mlen += (size_t)snprintf(meta + mlen, sizeof(meta) - mlen,
                             "Level,iCode,Direction,Weight,Parent,Type\n");
    len += (size_t)snprintf(text + len, sizeof(text) - len, "uCode");
    for (c = 0; c < COLS; c++) {
        mlen += (size_t)snprintf(meta + mlen, sizeof(meta) - mlen,
                                 "1,V%zu,1,1,X,Indicator\n", c);
        len += (size_t)snprintf(text + len, sizeof(text) - len, ",V%zu", c);
    }
    snprintf(meta + mlen, sizeof(meta) - mlen, "2,X,1,1,,Aggregate\n");
    len += (size_t)snprintf(text + len, sizeof(text) - len, "\n");
    for (r = 0; r < ROWS; r++) {
        len += (size_t)snprintf(text + len, sizeof(text) - len, "u%zu", r);
        for (c = 0; c < COLS; c++) {
            char *q = cell[r * COLS + c];
            size_t nd, nf, p = 0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            nd = 1 + x % 17;    /* integer digits */
            nf = (x >> 8) % 24; /* decimals, past the 22 of the path */
            if ((x >> 16) % 4 == 0) {
                q[p++] = '-';
            }
            for (k = 0; k < nd; k++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                q[p++] = (char)('0' + (k == 0 && nd > 1 ? 1 + x % 9 : x % 10));
            }
            if (nf > 0) {
                q[p++] = '.';
                for (k = 0; k < nf && p < 30; k++) {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    q[p++] = (char)('0' + x % 10);
                }
            }
            q[p] = '\0';
            len += (size_t)snprintf(text + len, sizeof(text) - len, ",%s", q);
        }
        len += (size_t)snprintf(text + len, sizeof(text) - len, "\n");
    }
    m = load_ok(text, meta);
    for (r = 0; r < ROWS; r++) {
        for (c = 0; c < COLS; c++) {
            double want = strtod(cell[r * COLS + c], NULL);
            double got = m->value[c * ROWS + r];
            if (memcmp(&want, &got, sizeof(double)) != 0) {
                fail_msg("'%s': strtod %.17g, loaded %.17g", cell[r * COLS + c],
                         want, got);
            }
        }
    }
    chiso_composite_free(m);
}

static void
test_json_and_csv(void **state)
{
    chiso_composite *m = load_ok(DATA, META);
    chiso_composite_result *r = NULL;
    chiso_diag d;
    cJSON *j;
    const cJSON *units, *u0, *nodes;
    char *text = NULL, *text2;
    size_t len = 0;
    FILE *f;
    chiso_csvw w;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_composite_compute(&r, m, NULL, &d), CHISO_OK);
    j = chiso_composite_to_json(r);
    assert_non_null(j);
    assert_string_equal(j->child->string, "schema_version");
    units = cJSON_GetObjectItemCaseSensitive(j, "units");
    assert_int_equal(cJSON_GetArraySize(units), 4);
    u0 = cJSON_GetArrayItem(units, 0);
    assert_string_equal(cJSON_GetObjectItem(u0, "code")->valuestring, "u1");
    assert_int_equal(cJSON_GetObjectItem(u0, "rank")->valueint, 1);
    /* missing value: null, not omitted */
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(units, 1), "values"), "B")));
    nodes = cJSON_GetObjectItem(j, "nodes");
    assert_int_equal(cJSON_GetArraySize(nodes), 6);
    chiso_assert_close(
        cJSON_GetObjectItem(cJSON_GetArrayItem(nodes, 1), "effective_weight")
            ->valuedouble,
        0.5, 1e-12);
    text = chiso_json_print(j);
    cJSON_Delete(j);
    j = chiso_composite_to_json(r);
    text2 = chiso_json_print(j);
    assert_string_equal(text, text2); /* deterministic */
    free(text);
    free(text2);
    cJSON_Delete(j);

    text = NULL;
    f = open_memstream(&text, &len);
    chiso_csvw_init(&w, f, ',', 0);
    chiso_composite_write_csv(r, &w);
    fclose(f);
    assert_non_null(strstr(text, "uCode,A,B,C,D1,D2,Index\n"));
    assert_non_null(strstr(text, "\nu2,100,,0,100,0,75\n"));
    assert_non_null(strstr(text, "\nu4,0,50,100,"));
    free(text);
    chiso_composite_result_free(r);
    chiso_composite_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_structure),
        cmocka_unit_test(test_minmax_arithmetic_by_hand),
        cmocka_unit_test(test_geometric_harmonic_zscore_by_hand),
        cmocka_unit_test(test_goalposts_and_target),
        cmocka_unit_test(test_ties_and_all_missing),
        cmocka_unit_test(test_asem_against_numpy_reference),
        cmocka_unit_test(test_asem_published_by_coinr),
        cmocka_unit_test(test_panel_time),
        cmocka_unit_test(test_input_errors),
        cmocka_unit_test(test_compute_errors),
        cmocka_unit_test(test_overflow_edges),
        cmocka_unit_test(test_decimal_fast_path),
        cmocka_unit_test(test_json_and_csv),
    };

    return cmocka_run_group_tests_name("composite", tests, NULL, NULL);
}

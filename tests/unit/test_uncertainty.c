/*
 * test_uncertainty.c - Monte Carlo rank uncertainty: exact agreement with
 * an independent numpy re-implementation of the documented sampling
 * scheme (tests/data/composite/ref_mc_*.csv, coinr_reference.py, which
 * computes the percentiles with np.percentile) on data with missing values
 * and on complete data (the two replicate paths), numpy percentile values,
 * reproducibility, thread independence, degenerate cases and errors.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_composite.h"
#include "chiso_dataset.h"
#include "composite_int.h" /* chiso_composite__uncertainty_run_paths */
#include "chiso_stats.h"
#include "helpers.h"

#include <cjson/cJSON.h>

static chiso_composite *
load_asem(void)
{
    chiso_composite *m = NULL;
    chiso_diag d;

    chiso_diag_clear(&d);

    d.lang = CHISO_LANG_EN;
    if (chiso_composite_load(
            &m, chiso_test_path("datasets/samples/coinr-asem/asem_iData.csv"),
            chiso_test_path("datasets/samples/coinr-asem/asem_iMeta.csv"), NULL,
            &d) != CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    return m;
}

static chiso_uncertainty_result *
run_ok(const chiso_composite *m, const chiso_uncertainty_options *o)
{
    chiso_uncertainty_result *r = NULL;
    chiso_diag d;

    chiso_diag_clear(&d);

    d.lang = CHISO_LANG_EN;
    if (chiso_uncertainty_run(&r, m, o, &d) != CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    return r;
}

/* The percentiles of the ranks are chiso's one quantile (GSL's type 7,
 * numpy's 'linear'): checked here on numpy's own values, and from a
 * stored-less sequence (a histogram, as the Monte Carlo keeps it) bit for
 * bit equal to GSL on the full array. */
static double
kth_of(const void *ctx, size_t k)
{
    return ((const double *)ctx)[k];
}

static void
test_percentile_linear(void **state)
{
    /* values from numpy 1.24: np.percentile(a, [5, 50, 95]) */
    static const double a[] = {1, 1, 2, 5, 9};
    static const double b[] = {1, 2, 3, 4};
    static const double c[] = {2, 2, 2, 7, 7, 8, 8, 8, 8, 9};
    static const double one[] = {3};

    (void)state;
    chiso_assert_close(chiso_stats_quantile_sorted(a, 5, 0.05), 1.0, 1e-12);
    chiso_assert_close(chiso_stats_quantile_sorted(a, 5, 0.5), 2.0, 1e-12);
    chiso_assert_close(chiso_stats_quantile_sorted(a, 5, 0.95), 8.2, 1e-12);
    chiso_assert_close(chiso_stats_quantile_sorted(b, 4, 0.05), 1.15, 1e-12);
    chiso_assert_close(chiso_stats_quantile_sorted(b, 4, 0.5), 2.5, 1e-12);
    chiso_assert_close(chiso_stats_quantile_sorted(b, 4, 0.95), 3.85, 1e-12);
    chiso_assert_close(chiso_stats_quantile_sorted(c, 10, 0.05), 2.0, 1e-12);
    chiso_assert_close(chiso_stats_quantile_sorted(c, 10, 0.5), 7.5, 1e-12);
    chiso_assert_close(chiso_stats_quantile_sorted(c, 10, 0.95), 8.55, 1e-12);
    chiso_assert_close(chiso_stats_quantile_sorted(one, 1, 0.95), 3, 0);
    {
        static const double ps[] = {0,    0.05, 0.1, 0.25, 0.333, 0.5,
                                    0.66, 0.75, 0.9, 0.95, 0.999, 1};
        size_t i, n;
        for (n = 1; n <= 10; n++) {
            for (i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
                double want = chiso_stats_quantile_sorted(c, n, ps[i]);
                double got = chiso_stats_quantile_kth(n, ps[i], kth_of, c);
                assert_memory_equal(&want, &got, sizeof(double));
            }
        }
    }
}

/* Compare a run with a reference CSV (unit, nominal_rank, median_rank,
 * p5_rank, p95_rank, nominal_score), rows in nominal-rank order. */
static void
compare_mc(const chiso_uncertainty_result *r, const char *ref)
{
    chiso_csv_reader *rd = NULL;
    chiso_csv_row row;
    chiso_diag d;
    const chiso_composite *m = r->model;
    size_t i = 0;

    chiso_diag_clear(&d);

    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_csv_open(&rd, chiso_test_path(ref), NULL, &d),
                     CHISO_OK);
    assert_int_equal(chiso_csv_next(rd, &row, &d), CHISO_OK);
    while (chiso_csv_next(rd, &row, &d) == CHISO_OK) {
        size_t u = r->order[i++];
        assert_string_equal(row.field[0], m->unit_code[u]);
        assert_int_equal(r->nominal_rank[u], strtoul(row.field[1], NULL, 10));
        /* the same draws, the same ranks: percentiles agree exactly */
        chiso_assert_close(r->median_rank[u], strtod(row.field[2], NULL), 0);
        chiso_assert_close(r->p5_rank[u], strtod(row.field[3], NULL), 0);
        chiso_assert_close(r->p95_rank[u], strtod(row.field[4], NULL), 0);
        chiso_assert_close(r->nominal_score[u], strtod(row.field[5], NULL),
                           1e-9);
    }
    assert_int_equal(i, r->n_units);
    chiso_csv_close(rd);
}

static void
test_against_numpy_reimplementation(void **state)
{
    chiso_composite *m = load_asem();
    chiso_uncertainty_options o = CHISO_UNCERTAINTY_OPTIONS_INIT;
    chiso_uncertainty_result *r;

    (void)state;
    /* coinr_reference.py: 400 replicates, seed 42, +-25 %, {minmax,
       zscore} x {arithmetic} */
    o.replicates = 400;
    o.seed = 42;
    o.normalise[0] = CHISO_NORM_MINMAX;
    o.normalise[1] = CHISO_NORM_ZSCORE;
    o.n_normalise = 2;
    r = run_ok(m, &o);
    compare_mc(r, "tests/data/composite/ref_mc_asem_minmax_zscore.csv");
    chiso_uncertainty_result_free(r);
    /* 300 replicates, seed 7, +-40 %, minmax 1..100, {geometric,
       arithmetic, harmonic} */
    o = (chiso_uncertainty_options)CHISO_UNCERTAINTY_OPTIONS_INIT;
    o.replicates = 300;
    o.seed = 7;
    o.weight_noise = 0.4;
    o.range_lo = 1;
    o.aggregate[0] = CHISO_AGG_GEOMETRIC;
    o.aggregate[1] = CHISO_AGG_ARITHMETIC;
    o.aggregate[2] = CHISO_AGG_HARMONIC;
    o.n_aggregate = 3;
    o.threads = 2;
    r = run_ok(m, &o);
    compare_mc(r, "tests/data/composite/ref_mc_asem_3agg.csv");
    chiso_uncertainty_result_free(r);
    chiso_composite_free(m);
}

static chiso_composite *
load_complete_asem(void)
{
    chiso_composite *m = NULL;
    chiso_diag d;

    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    if (chiso_composite_load(
            &m, chiso_test_path("tests/data/composite/asem_complete_iData.csv"),
            chiso_test_path("datasets/samples/coinr-asem/asem_iMeta.csv"), NULL,
            &d) != CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    return m;
}

static chiso_uncertainty_result *
run_paths_ok(const chiso_composite *m,
             const chiso_uncertainty_options *o,
             unsigned paths)
{
    chiso_uncertainty_result *r = NULL;
    chiso_diag d;

    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    if (chiso_composite__uncertainty_run_paths(&r, m, o, paths, &d) !=
        CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    return r;
}

/* Complete data (no missing value) takes the grouped path, several
 * replicates of one method pair aggregated together: the same exact
 * agreement with the independent re-implementation, on every path
 * (grouped with and without the AVX-512 kernels, one replicate at a
 * time) and thread count. */
static void
test_complete_data_against_reimplementation(void **state)
{
    chiso_composite *m = load_complete_asem();
    chiso_uncertainty_options o = CHISO_UNCERTAINTY_OPTIONS_INIT;
    static const unsigned paths[] = {0, CHISO_MC_PATH_NARROW,
                                     CHISO_MC_PATH_SINGLE};
    size_t q;

    (void)state;
    assert_int_equal(m->n_missing, 0);
    for (q = 0; q < 3; q++) {
        chiso_uncertainty_result *r;
        /* coinr_reference.py: 700 replicates, seed 11, +-30 %, {zscore,
           minmax, rank} x {arithmetic} */
        o = (chiso_uncertainty_options)CHISO_UNCERTAINTY_OPTIONS_INIT;
        o.replicates = 700;
        o.seed = 11;
        o.weight_noise = 0.3;
        o.normalise[0] = CHISO_NORM_ZSCORE;
        o.normalise[1] = CHISO_NORM_MINMAX;
        o.normalise[2] = CHISO_NORM_RANK;
        o.n_normalise = 3;
        o.threads = (unsigned)(1 + q % 2);
        r = run_paths_ok(m, &o, paths[q]);
        compare_mc(r, "tests/data/composite/ref_mc_asem_complete.csv");
        chiso_uncertainty_result_free(r);
        /* 500 replicates, seed 5, +-45 %, minmax 1..100, {harmonic,
           geometric, arithmetic} */
        o = (chiso_uncertainty_options)CHISO_UNCERTAINTY_OPTIONS_INIT;
        o.replicates = 500;
        o.seed = 5;
        o.weight_noise = 0.45;
        o.range_lo = 1;
        o.aggregate[0] = CHISO_AGG_HARMONIC;
        o.aggregate[1] = CHISO_AGG_GEOMETRIC;
        o.aggregate[2] = CHISO_AGG_ARITHMETIC;
        o.n_aggregate = 3;
        o.threads = (unsigned)(2 - q % 2);
        r = run_paths_ok(m, &o, paths[q]);
        compare_mc(r, "tests/data/composite/ref_mc_asem_complete_3agg.csv");
        chiso_uncertainty_result_free(r);
    }
    chiso_composite_free(m);
}

/* Two results bit for bit equal. */
static void
assert_same_result(const chiso_uncertainty_result *a,
                   const chiso_uncertainty_result *b)
{
    size_t n = a->n_units;

    assert_int_equal(a->n_units, b->n_units);
    assert_memory_equal(a->nominal_rank, b->nominal_rank, n * sizeof(unsigned));
    assert_memory_equal(a->nominal_score, b->nominal_score, n * sizeof(double));
    assert_memory_equal(a->median_rank, b->median_rank, n * sizeof(double));
    assert_memory_equal(a->p5_rank, b->p5_rank, n * sizeof(double));
    assert_memory_equal(a->p95_rank, b->p95_rank, n * sizeof(double));
    assert_memory_equal(a->mean_rank, b->mean_rank, n * sizeof(double));
    if (a->rep_weight != NULL && b->rep_weight != NULL) {
        assert_memory_equal(a->rep_weight, b->rep_weight,
                            a->opts.replicates * a->model->n_nodes *
                                sizeof(double));
    }
}

/* Synthetic complete data: n units, 13 indicators under a four-level
 * tree whose parents' children are not contiguous in iMeta, uneven
 * weights, and with ties, pairs of identical units (units 7k + 2 and 7k +
 * 3: exact ties in every replicate). Values from a fixed LCG, 1 .. 1000
 * (positive: every mean is valid). */
static chiso_composite *
synthetic(size_t n, int ties)
{
    static const char *meta =
        "Level,iCode,Direction,Weight,Parent,Type\n"
        "1,A1,1,1,P1,Indicator\n1,B1,1,2,P2,Indicator\n"
        "1,A2,-1,0.5,P1,Indicator\n1,C1,1,1,P3,Indicator\n"
        "1,B2,1,3,P2,Indicator\n1,A3,1,1,P1,Indicator\n"
        "1,D1,1,1.5,P4,Indicator\n1,C2,-1,1,P3,Indicator\n"
        "1,D2,1,0.25,P4,Indicator\n1,B3,1,1,P2,Indicator\n"
        "1,C3,1,2,P3,Indicator\n1,D3,1,1,P4,Indicator\n"
        "1,E1,1,1,P5,Indicator\n"
        "2,P1,1,1,S1,Aggregate\n2,P3,1,2,S2,Aggregate\n"
        "2,P2,1,1,S1,Aggregate\n2,P4,1,1,S2,Aggregate\n"
        "2,P5,1,0.5,S1,Aggregate\n"
        "3,S1,1,1,X,Aggregate\n3,S2,1,3,X,Aggregate\n"
        "4,X,1,1,,Aggregate\n";
    static const char *codes[] = {"A1", "B1", "A2", "C1", "B2", "A3", "D1",
                                  "C2", "D2", "B3", "C3", "D3", "E1"};
    size_t cap = 64 + n * 13 * 12, len, u, i;
    char *text = malloc(cap);
    uint64_t x = 12345;
    chiso_composite *m = NULL;
    chiso_diag d;

    assert_non_null(text);
    len = (size_t)snprintf(text, cap, "uCode");
    for (i = 0; i < 13; i++) {
        len += (size_t)snprintf(text + len, cap - len, ",%s", codes[i]);
    }
    for (u = 0; u < n; u++) {
        uint64_t keep = x;
        len += (size_t)snprintf(text + len, cap - len, "\nu%zu", u);
        for (i = 0; i < 13; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            len += (size_t)snprintf(text + len, cap - len, ",%.3f",
                                    1 + (double)(x >> 40) / 16777216.0 * 999);
        }
        if (ties && u % 7 == 2) {
            x = keep; /* the next unit repeats this one: a tie */
        }
    }
    text[len] = '\0';
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    if (chiso_composite_load(&m, chiso_test_file("syn_data.csv", text),
                             chiso_test_file("syn_meta.csv", meta), NULL,
                             &d) != CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    free(text);
    assert_int_equal(m->n_units, n);
    assert_int_equal(m->n_missing, 0);
    return m;
}

/* The grouped path (AVX-512 kernels or not) and the per-replicate path
 * give the same bits, for unit counts below one vector and between
 * vectors, without ties (ranks counted on floats) and with (counted on
 * doubles), and above the counted ranks (300 > 256: sorted), any thread
 * count. */
static void
test_paths_agree(void **state)
{
    static const size_t sizes[] = {3, 45, 100, 300};
    size_t si, ci;

    (void)state;
    for (si = 0; si < 4; si++) {
        int ties = sizes[si] >= 100;
        chiso_composite *m = synthetic(sizes[si], ties);
        for (ci = 0; ci < 3; ci++) {
            chiso_uncertainty_options o = CHISO_UNCERTAINTY_OPTIONS_INIT;
            chiso_uncertainty_result *ref, *r;
            static const unsigned paths[] = {0, CHISO_MC_PATH_NARROW};
            size_t q;

            o.replicates = 333;
            o.seed = 99 + ci;
            o.keep_replicates = 1;
            o.threads = 1;
            if (ci == 0) {
                o.normalise[0] = CHISO_NORM_MINMAX;
                o.normalise[1] = CHISO_NORM_ZSCORE;
                o.n_normalise = 2;
            } else if (ci == 1) {
                o.range_lo = 1;
                o.aggregate[0] = CHISO_AGG_GEOMETRIC;
                o.aggregate[1] = CHISO_AGG_HARMONIC;
                o.aggregate[2] = CHISO_AGG_ARITHMETIC;
                o.n_aggregate = 3;
                o.weight_noise = 0.6;
            } else {
                o.normalise[0] = CHISO_NORM_RANK;
                o.normalise[1] = CHISO_NORM_MINMAX;
                o.n_normalise = 2;
                o.range_lo = 1;
                o.aggregate[0] = CHISO_AGG_ARITHMETIC;
                o.aggregate[1] = CHISO_AGG_GEOMETRIC;
                o.n_aggregate = 2;
            }
            ref = run_paths_ok(m, &o, CHISO_MC_PATH_SINGLE);
            for (q = 0; q < 2; q++) {
                unsigned th;
                for (th = 1; th <= 3; th += 2) {
                    o.threads = th;
                    r = run_paths_ok(m, &o, paths[q]);
                    assert_same_result(ref, r);
                    chiso_uncertainty_result_free(r);
                }
            }
            if (ties && ci == 0) {
                /* the ties: identical units share every rank */
                size_t u;
                for (u = 2; u + 1 < m->n_units; u += 7) {
                    assert_int_equal(ref->nominal_rank[u],
                                     ref->nominal_rank[u + 1]);
                    chiso_assert_close(ref->median_rank[u],
                                       ref->median_rank[u + 1], 0);
                    chiso_assert_close(ref->mean_rank[u], ref->mean_rank[u + 1],
                                       0);
                }
            }
            chiso_uncertainty_result_free(ref);
        }
        chiso_composite_free(m);
    }
}

static void
test_nominal_matches_composite(void **state)
{
    chiso_composite *m = load_asem();
    chiso_uncertainty_options o = CHISO_UNCERTAINTY_OPTIONS_INIT;
    chiso_composite_options co = CHISO_COMPOSITE_OPTIONS_INIT;
    chiso_composite_result *c = NULL;
    chiso_uncertainty_result *r;
    chiso_diag d;
    size_t u;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    o.replicates = 10;
    o.range_lo = 1;
    o.aggregate[0] = CHISO_AGG_HARMONIC;
    r = run_ok(m, &o);
    co.range_lo = 1;
    co.aggregate = CHISO_AGG_HARMONIC;
    assert_int_equal(chiso_composite_compute(&c, m, &co, &d), CHISO_OK);
    for (u = 0; u < m->n_units; u++) {
        size_t k = m->root * m->n_units + u;
        assert_int_equal(r->nominal_rank[u], c->rank[k]);
        /* the same kernel: bit-identical */
        chiso_assert_close(r->nominal_score[u], c->value[k], 0);
    }
    chiso_composite_result_free(c);
    chiso_uncertainty_result_free(r);
    chiso_composite_free(m);
}

static void
test_reproducible_and_thread_independent(void **state)
{
    chiso_composite *m = load_asem();
    chiso_uncertainty_options o = CHISO_UNCERTAINTY_OPTIONS_INIT;
    chiso_uncertainty_result *a, *b, *c;
    size_t u, r, k, diff = 0;

    (void)state;
    o.replicates = 2001;
    o.seed = 18446744073709551557ULL;
    o.normalise[1] = CHISO_NORM_RANK;
    o.n_normalise = 2;
    o.keep_replicates = 1;
    o.threads = 1;
    a = run_ok(m, &o);
    o.threads = 2;
    b = run_ok(m, &o);
    assert_int_equal(b->threads_used, 2);
    for (u = 0; u < m->n_units; u++) {
        chiso_assert_close(a->median_rank[u], b->median_rank[u], 0);
        chiso_assert_close(a->p5_rank[u], b->p5_rank[u], 0);
        chiso_assert_close(a->p95_rank[u], b->p95_rank[u], 0);
        chiso_assert_close(a->mean_rank[u], b->mean_rank[u], 0);
    }
    assert_memory_equal(a->rep_weight, b->rep_weight,
                        o.replicates * m->n_nodes * sizeof(double));
    /* any thread count: 3 and 16 (uneven blocks of 2001 replicates) */
    {
        unsigned tc[] = {3, 16};
        size_t q;
        for (q = 0; q < 2; q++) {
            chiso_uncertainty_result *e;
            o.threads = tc[q];
            e = run_ok(m, &o);
            assert_int_equal(e->threads_used, tc[q]);
            for (u = 0; u < m->n_units; u++) {
                assert_memory_equal(&a->median_rank[u], &e->median_rank[u],
                                    sizeof(double));
                assert_memory_equal(&a->p5_rank[u], &e->p5_rank[u],
                                    sizeof(double));
                assert_memory_equal(&a->p95_rank[u], &e->p95_rank[u],
                                    sizeof(double));
                assert_memory_equal(&a->mean_rank[u], &e->mean_rank[u],
                                    sizeof(double));
            }
            assert_memory_equal(a->rep_weight, e->rep_weight,
                                o.replicates * m->n_nodes * sizeof(double));
            chiso_uncertainty_result_free(e);
        }
        o.threads = 2;
    }
    /* replicate parameters: weights within +-25 %, the index's as
       written, methods from the set */
    for (r = 0; r < o.replicates; r++) {
        for (k = 0; k < m->n_nodes; k++) {
            double w = a->rep_weight[r * m->n_nodes + k];
            double w0 = m->nodes[k].weight;
            if (k == m->root) {
                chiso_assert_close(w, w0, 0);
            } else {
                assert_true(w >= 0.75 * w0 && w < 1.25 * w0);
            }
        }
        assert_true(a->rep_normalise[r] == CHISO_NORM_MINMAX ||
                    a->rep_normalise[r] == CHISO_NORM_RANK);
        assert_int_equal(a->rep_aggregate[r], CHISO_AGG_ARITHMETIC);
    }
    /* another seed, other draws */
    o.seed = 2;
    c = run_ok(m, &o);
    for (r = 0; r < o.replicates * m->n_nodes; r++) {
        diff += chiso_is_zero(c->rep_weight[r] - a->rep_weight[r]) ? 0 : 1;
    }
    assert_true(diff > o.replicates);
    chiso_uncertainty_result_free(a);
    chiso_uncertainty_result_free(b);
    chiso_uncertainty_result_free(c);
    chiso_composite_free(m);
}

static void
test_no_noise_single_method(void **state)
{
    chiso_composite *m = load_asem();
    chiso_uncertainty_options o = CHISO_UNCERTAINTY_OPTIONS_INIT;
    chiso_uncertainty_result *r;
    size_t u;

    (void)state;
    /* no perturbation: every replicate is the nominal run */
    o.replicates = 50;
    o.weight_noise = 0;
    r = run_ok(m, &o);
    for (u = 0; u < m->n_units; u++) {
        double nr = (double)r->nominal_rank[u];
        chiso_assert_close(r->median_rank[u], nr, 0);
        chiso_assert_close(r->p5_rank[u], nr, 0);
        chiso_assert_close(r->p95_rank[u], nr, 0);
        chiso_assert_close(r->mean_rank[u], nr, 0);
    }
    chiso_uncertainty_result_free(r);
    chiso_composite_free(m);
}

static void
test_unranked_unit(void **state)
{
    chiso_composite *m = NULL;
    chiso_uncertainty_options o = CHISO_UNCERTAINTY_OPTIONS_INIT;
    chiso_uncertainty_result *r;
    chiso_diag d;
    size_t i;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_composite_load(
            &m,
            chiso_test_file("mc_data.csv", "uCode,A,B,C\ne,,,\np,1,4,2\n"
                                           "q,2,3,5\nr,3,1,1\ns,4,2,3\n"),
            chiso_test_file("mc_meta.csv",
                            "Level,iCode,Direction,Weight,Parent,Type\n"
                            "1,A,1,1,D,Indicator\n1,B,1,1,D,Indicator\n"
                            "1,C,1,1,I,Indicator\n2,D,1,1,I,Aggregate\n"
                            "3,I,1,1,,Aggregate\n"),
            NULL, &d),
        CHISO_ESCHEMA); /* C is Level 1 under a Level 3 parent */
    assert_non_null(strstr(d.message, "exactly one level up"));
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_composite_load(
            &m,
            chiso_test_file("mc_data.csv", "uCode,A,B,C\ne,,,\np,1,4,2\n"
                                           "q,2,3,5\nr,3,1,1\ns,4,2,3\n"),
            chiso_test_file("mc_meta.csv",
                            "Level,iCode,Direction,Weight,Parent,Type\n"
                            "1,A,1,1,D,Indicator\n1,B,1,1,D,Indicator\n"
                            "1,C,1,1,E,Indicator\n2,D,1,1,I,Aggregate\n"
                            "2,E,1,1,I,Aggregate\n3,I,1,1,,Aggregate\n"),
            NULL, &d),
        CHISO_OK);
    o.replicates = 100;
    o.threads = 2;
    r = run_ok(m, &o);
    assert_int_equal(r->n_ranked, 4);
    assert_int_equal(r->nominal_rank[0], 0);
    assert_true(isnan(r->median_rank[0]) && isnan(r->p95_rank[0]));
    assert_int_equal(r->order[4], 0);
    for (i = 1; i < 5; i++) {
        assert_true(r->median_rank[i] >= 1 && r->median_rank[i] <= 4);
    }
    chiso_uncertainty_result_free(r);
    chiso_composite_free(m);
}

/* Values and weights near the largest double: every replicate ranks the
 * units (finite scores), the nominal ranks are the composite's, and the
 * replicate weights are the written weights times U(0.75, 1.25). Before,
 * the unit at 1e308 had a NaN score and was ranked 1. */
static void
test_overflow_edges(void **state)
{
    chiso_composite *m = NULL, *m1 = NULL;
    chiso_composite_result *c = NULL;
    chiso_uncertainty_options o = CHISO_UNCERTAINTY_OPTIONS_INIT;
    chiso_uncertainty_result *r, *r1;
    chiso_diag d;
    size_t u, k, i;
    static const char *const data = "uCode,A,B,C\n"
                                    "u1,2.385,10,7\n"
                                    "u2,1e308,,4\n"
                                    "u3,-1e308,30,5\n"
                                    "u4,1.0,20,9\n";
    /* shares 1:2 in D1 and 4:1 in the index, as in small_w below; the
     * ratios are powers of two, exactly so in binary too */
    static const char *const big_w =
        "Level,iCode,Direction,Weight,Parent,Type\n"
        "1,A,1,0.7e308,D1,Indicator\n1,B,-1,1.4e308,D1,Indicator\n"
        "1,C,1,1.4e308,D2,Indicator\n2,D1,1,1.2e308,I,Aggregate\n"
        "2,D2,1,0.3e308,I,Aggregate\n3,I,1,1,,Aggregate\n";
    static const char *const small_w =
        "Level,iCode,Direction,Weight,Parent,Type\n"
        "1,A,1,1,D1,Indicator\n1,B,-1,2,D1,Indicator\n"
        "1,C,1,1,D2,Indicator\n2,D1,1,4,I,Aggregate\n"
        "2,D2,1,1,I,Aggregate\n3,I,1,1,,Aggregate\n";

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_composite_load(&m, chiso_test_file("big_data.csv", data),
                             chiso_test_file("big_meta.csv", big_w), NULL, &d),
        CHISO_OK);
    assert_int_equal(chiso_composite_load(
                         &m1, chiso_test_file("big_data1.csv", data),
                         chiso_test_file("small_meta.csv", small_w), NULL, &d),
                     CHISO_OK);
    o.replicates = 300;
    o.normalise[1] = CHISO_NORM_ZSCORE;
    o.normalise[2] = CHISO_NORM_RANK;
    o.n_normalise = 3;
    o.keep_replicates = 1;
    r = run_ok(m, &o);
    r1 = run_ok(m1, &o);
    assert_int_equal(chiso_composite_compute(&c, m, NULL, &d), CHISO_OK);
    assert_int_equal(r->n_ranked, 4);
    for (u = 0; u < 4; u++) {
        assert_true(isfinite(r->nominal_score[u]));
        assert_int_equal(r->nominal_rank[u], c->rank[m->root * 4 + u]);
        assert_true(r->p5_rank[u] >= 1 && r->p95_rank[u] <= 4);
        /* weights scaled by powers of two give the same draws' ranks
         * as weights 1, 2, 1, 4, 1 */
        chiso_assert_close(r->median_rank[u], r1->median_rank[u], 0);
        chiso_assert_close(r->p5_rank[u], r1->p5_rank[u], 0);
        chiso_assert_close(r->p95_rank[u], r1->p95_rank[u], 0);
    }
    /* hand: A 50, 100, 0, 50; B 100, -, 0, 50; C 60, 0, 20, 100;
     * D1 83.33, 100, 0, 50; Index = (4 D1 + C) / 5 = 78.67, 80, 4, 60 */
    assert_int_equal(r->nominal_rank[0], 2);
    assert_int_equal(r->nominal_rank[1], 1);
    assert_int_equal(r->nominal_rank[2], 4);
    assert_int_equal(r->nominal_rank[3], 3);
    for (i = 0; i < o.replicates; i++) {
        for (k = 0; k < m->n_nodes; k++) {
            double w = r->rep_weight[i * m->n_nodes + k];
            double w0 = m->nodes[k].weight;
            assert_true(isfinite(w));
            if (k != m->root) {
                assert_true(w >= 0.75 * w0 && w < 1.25 * w0);
            }
        }
    }
    chiso_composite_result_free(c);
    chiso_uncertainty_result_free(r);
    chiso_uncertainty_result_free(r1);
    chiso_composite_free(m1);
    /* weights so large that weight x 1.25 overflows cannot be written to
     * --replicates-csv: refused before the run */
    chiso_composite_free(m);
    m = NULL;
    assert_int_equal(
        chiso_composite_load(
            &m, chiso_test_file("big_data.csv", data),
            chiso_test_file("huge_meta.csv",
                            "Level,iCode,Direction,Weight,Parent,Type\n"
                            "1,A,1,1.7e308,D1,Indicator\n"
                            "1,B,-1,1.7e308,D1,Indicator\n"
                            "1,C,1,1,D2,Indicator\n"
                            "2,D1,1,1,I,Aggregate\n2,D2,1,1,I,Aggregate\n"
                            "3,I,1,1,,Aggregate\n"),
            NULL, &d),
        CHISO_OK);
    r = NULL;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_uncertainty_run(&r, m, &o, &d), CHISO_EUSAGE);
    assert_null(r);
    assert_non_null(strstr(d.message, "1.7e+308"));
    /* without keeping them, the run is fine */
    o.keep_replicates = 0;
    r = run_ok(m, &o);
    assert_int_equal(r->n_ranked, 4);
    chiso_uncertainty_result_free(r);
    chiso_composite_free(m);
}

static void
test_errors(void **state)
{
    chiso_composite *m = load_asem();
    chiso_uncertainty_options o = CHISO_UNCERTAINTY_OPTIONS_INIT;
    chiso_uncertainty_result *r = NULL;
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    o.replicates = 0;
    assert_int_equal(chiso_uncertainty_run(&r, m, &o, &d), CHISO_EUSAGE);
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    o = (chiso_uncertainty_options)CHISO_UNCERTAINTY_OPTIONS_INIT;
    o.weight_noise = 1;
    assert_int_equal(chiso_uncertainty_run(&r, m, &o, &d), CHISO_EUSAGE);
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    o = (chiso_uncertainty_options)CHISO_UNCERTAINTY_OPTIONS_INIT;
    o.normalise[1] = CHISO_NORM_MINMAX;
    o.n_normalise = 2;
    assert_int_equal(chiso_uncertainty_run(&r, m, &o, &d), CHISO_EUSAGE);
    assert_non_null(strstr(d.message, "listed twice"));
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    /* geometric mean of z-scores: refused before any replicate */
    o = (chiso_uncertainty_options)CHISO_UNCERTAINTY_OPTIONS_INIT;
    o.normalise[1] = CHISO_NORM_ZSCORE;
    o.n_normalise = 2;
    o.range_lo = 1;
    o.aggregate[1] = CHISO_AGG_GEOMETRIC;
    o.n_aggregate = 2;
    assert_int_equal(chiso_uncertainty_run(&r, m, &o, &d), CHISO_EDOMAIN);
    assert_non_null(strstr(d.message, "geometric mean needs values above 0"));
    assert_non_null(strstr(d.message, "zscore"));
    assert_null(r);
    chiso_composite_free(m);
}

static void
test_outputs(void **state)
{
    chiso_composite *m = load_asem();
    chiso_uncertainty_options o = CHISO_UNCERTAINTY_OPTIONS_INIT;
    chiso_uncertainty_result *r;
    cJSON *j;
    char *text = NULL;
    size_t len = 0;
    FILE *f;
    chiso_csvw w;

    (void)state;
    o.replicates = 20;
    o.keep_replicates = 1;
    r = run_ok(m, &o);
    j = chiso_uncertainty_to_json(r);
    assert_non_null(j);
    assert_string_equal(j->child->string, "schema_version");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "settings"), "seed")
            ->valuestring,
        "1");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "units")), 51);
    cJSON_Delete(j);
    f = open_memstream(&text, &len);
    chiso_csvw_init(&w, f, ',', 0);
    chiso_uncertainty_write_csv(r, &w);
    fclose(f);
    /* the column contract with the rank-interval chart */
    {
        static const char head[] = "unit,nominal_rank,median_rank,p5_rank,"
                                   "p95_rank,nominal_score\nDEU,1,";
        assert_int_equal(strncmp(text, head, sizeof(head) - 1), 0);
    }
    free(text);
    text = NULL;
    f = open_memstream(&text, &len);
    chiso_csvw_init(&w, f, ',', 0);
    chiso_uncertainty_write_replicates_csv(r, &w);
    fclose(f);
    {
        static const char head[] = "replicate,normalise,aggregate,LPI,";
        assert_int_equal(strncmp(text, head, sizeof(head) - 1), 0);
    }
    assert_non_null(strstr(text, "\n20,minmax,arithmetic,"));
    assert_null(strstr(text, ",Index")); /* the index weight is not drawn */
    free(text);
    chiso_uncertainty_result_free(r);
    chiso_composite_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percentile_linear),
        cmocka_unit_test(test_against_numpy_reimplementation),
        cmocka_unit_test(test_complete_data_against_reimplementation),
        cmocka_unit_test(test_paths_agree),
        cmocka_unit_test(test_nominal_matches_composite),
        cmocka_unit_test(test_reproducible_and_thread_independent),
        cmocka_unit_test(test_no_noise_single_method),
        cmocka_unit_test(test_unranked_unit),
        cmocka_unit_test(test_overflow_edges),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_outputs),
    };

    return cmocka_run_group_tests_name("uncertainty", tests, NULL, NULL);
}

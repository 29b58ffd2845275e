/*
 * test_services.c - dossier-log definitions pinned on hand-computed cases,
 * periods, the exact quantile store against a sort, fast tokenizer against
 * the libcsv reference reader, rejects and derived inputs.
 *
 * Every expected number below is worked out by hand in the comment next to
 * it; quantiles use numpy's "linear" method (type 7):
 *   h = q (n - 1), x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"
#include "logs_int.h"

#include <cjson/cJSON.h>

#define TOL 1e-12

/*
 * One unit-month with every case of the definitions:
 *  r1 finished exactly at the deadline            -> on time, 4.375 days
 *  r2 finished one second after the deadline      -> late, 4.375 + 1/86400
 *  r3 received 2024-03-31 23:59:59 (still March), open, due 10/04 (a date:
 *     end of that day) -> open and not past due at the end of March
 *  r4 open, due 20/03 17:00 -> past due at the end of March
 *  r5 dates only: received 15/03, due 20/03, finished 20/03 -> on time,
 *     5 whole days
 *  r6 received 2024-04-01 00:00:00 (April), due 03/04 (a date), finished
 *     04/04 00:00:00 -> one second after the end of the due day: late;
 *     3.0 days
 *  r7 another unit, 0.5 days, on time
 * Satisfaction: r1 5, r2 3, r4 4, r6 2, r7 4; r3 and r5 empty.
 */
static const char sample[] =
    "dossier_id,unit_code,procedure_code,received_at,due_at,finished_at,"
    "channel,components_signed,result_signed,digitized,satisfaction,note\n"
    "r1,SKHCN,P1,2024-03-01T08:00:00,2024-03-05T17:00:00,"
    "2024-03-05T17:00:00,online,1,1,1,5,\n"
    "r2,SKHCN,P1,2024-03-02T08:00:00,2024-03-06T17:00:00,"
    "2024-03-06T17:00:01,direct,1,0,0,3,\"trễ, 1 giây\"\n"
    "r3,SKHCN,P2,2024-03-31T23:59:59,2024-04-10,,online,1,0,0,,\n"
    "r4,SKHCN,P2,2024-03-10T09:00:00,2024-03-20T17:00:00,,postal,0,0,0,4,"
    "\"nhiều\ndòng\"\n"
    "r5,SKHCN,P3,15/03/2024,20/03/2024,20/03/2024,online,1,1,0,,\n"
    "r6,SKHCN,P3,2024-04-01T00:00:00,2024-04-03,2024-04-04T00:00:00,online,"
    "1,1,1,2,\n"
    "r7,STP,P9,2024-03-05T10:00:00,2024-03-06T10:00:00,2024-03-05T22:00:00,"
    "direct,0,0,1,4,\n";

/* How a table is read in these tests. */
typedef enum {
    MODE_AUTO = 0,  /* the default: parallel when large, else in order */
    MODE_REFERENCE, /* libcsv alone */
    MODE_PARALLEL   /* split over 4 threads even when tiny */
} read_mode;

/* Compute over memory with a reading mode. */
static chiso_status
compute(chiso_services_result **res,
        const char *name,
        const char *text,
        size_t len,
        chiso_services_options o,
        read_mode mode,
        chiso_diag *d)
{
    if (mode == MODE_REFERENCE) {
        o.table.reference = 1;
    } else if (mode == MODE_PARALLEL) {
        o.table.threads = 4;
        o.table.min_split = 1;
    }
    return chiso_services_compute_mem(res, name, text, len, &o, d);
}

/* The type 7 quantile of sorted values, computed here as the definition
 * says (h = q (n - 1); x[floor h] + (h - floor h) (x[floor h + 1] -
 * x[floor h])), to check the library's against. */
static double
q7(const double *x, size_t n, double q)
{
    double h, lo;
    size_t i;

    if (n == 0) {
        return NAN;
    }
    h = q * (double)(n - 1);
    lo = floor(h);
    i = (size_t)lo;
    if (i + 1 >= n) {
        return x[i];
    }
    return x[i] + (h - lo) * (x[i + 1] - x[i]);
}

static chiso_services_result *
run(const char *text, chiso_period_kind kind, read_mode mode)
{
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_services_result *res = NULL;
    chiso_diag d;
    chiso_status st;

    o.period = kind;
    o.table.threads = 1;
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    st = compute(&res, "sample.csv", text, strlen(text), o, mode, &d);
    if (st != CHISO_OK) {
        fail_msg("compute: %s:%lu:%lu: %s", d.path, d.line, d.column,
                 d.message);
    }
    return res;
}

static void
test_month_definitions(void **state)
{
    chiso_services_result *res =
        run(sample, CHISO_PERIOD_MONTH, MODE_REFERENCE);
    const chiso_services_row *r;

    (void)state;
    assert_int_equal(res->rows_read, 7);
    assert_int_equal(res->rows_counted, 7);
    assert_int_equal(res->rows_rejected, 0);
    assert_int_equal(res->n_rows, 3);
    r = chiso_services_find(res, "SKHCN", 2024 * 12 + 2);
    assert_non_null(r);
    assert_string_equal(r->period, "2024-03");
    assert_int_equal(r->received, 5);             /* r1..r5 */
    assert_int_equal(r->finished, 3);             /* r1 r2 r5 */
    assert_int_equal(r->finished_on_time, 2);     /* r1 (at the deadline), r5 */
    assert_int_equal(r->open, 2);                 /* r3 r4 */
    assert_int_equal(r->open_within_due, 1);      /* r3 */
    chiso_assert_close(r->online_pct, 60.0, TOL); /* r1 r3 r5 of 5 */
    chiso_assert_close(r->on_time_pct, 200.0 / 3, TOL);      /* 2 of 3 */
    chiso_assert_close(r->progress_pct, 60.0, TOL);          /* (2 + 1) / 5 */
    chiso_assert_close(r->components_signed_pct, 80.0, TOL); /* 4 of 5 */
    chiso_assert_close(r->result_signed_pct, 40.0, TOL);     /* r1 r5 */
    chiso_assert_close(r->digitized_pct, 20.0, TOL);         /* r1 */
    chiso_assert_close(r->satisfaction_mean, 4.0, TOL);      /* (5+3+4)/3 */
    chiso_assert_close(r->satisfied_pct, 200.0 / 3, TOL);    /* 5 and 4 */
    /* days 4.375, 4.375 + 1/86400, 5: median is the middle one; p90:
     * h = 1.8, 4.375011574074074 + 0.8 * 0.624988425925926 */
    chiso_assert_close(r->processing_days_median, 4.375011574074074, TOL);
    chiso_assert_close(r->processing_days_p90, 4.875002314814815, TOL);
    chiso_assert_close(r->processing_days_mean, 4.583337191358025, TOL);

    r = chiso_services_find(res, "SKHCN", 2024 * 12 + 3);
    assert_non_null(r);
    assert_string_equal(r->period, "2024-04");
    assert_int_equal(r->received, 1);         /* r6, received at 00:00:00 */
    assert_int_equal(r->finished_on_time, 0); /* late by one second */
    chiso_assert_close(r->on_time_pct, 0.0, TOL);
    chiso_assert_close(r->processing_days_p90, 3.0, TOL);
    chiso_assert_close(r->satisfied_pct, 0.0, TOL); /* rated 2 */

    /* all units, March: days 0.5, 4.375, 4.375011574, 5 -> median
     * h = 1.5: 4.375 + 0.5 * 1/86400; p90 h = 2.7: 5 - 0.3 * 0.624988426 */
    r = chiso_services_find(res, NULL, 2024 * 12 + 2);
    assert_non_null(r);
    assert_int_equal(r->received, 6);
    assert_int_equal(r->finished, 4);
    chiso_assert_close(r->processing_days_median, 4.375005787037037, TOL);
    chiso_assert_close(r->processing_days_p90, 4.812503472222222, TOL);

    r = &res->overall;
    assert_int_equal(r->received, 7);
    assert_int_equal(r->finished, 5);
    assert_int_equal(r->finished_on_time, 3);
    assert_int_equal(r->rated, 5);
    chiso_assert_close(r->satisfaction_mean, 18.0 / 5, TOL);
    chiso_services_free(res);
}

static void
test_quarter_half_year(void **state)
{
    chiso_services_result *q =
        run(sample, CHISO_PERIOD_QUARTER, MODE_REFERENCE);
    chiso_services_result *h = run(sample, CHISO_PERIOD_HALF, MODE_REFERENCE);
    chiso_services_result *y = run(sample, CHISO_PERIOD_YEAR, MODE_REFERENCE);
    const chiso_services_row *r;

    (void)state;
    assert_int_equal(q->n_rows, 3); /* SKHCN Q1, SKHCN Q2, STP Q1 */
    assert_string_equal(q->rows[0].period, "2024-Q1");
    assert_string_equal(q->rows[1].period, "2024-Q2");
    assert_int_equal(q->rows[0].received, 5);
    /* r3 is open, due 10/04: at the end of Q1 (31/03) not yet past due */
    assert_int_equal(q->rows[0].open_within_due, 1);
    assert_int_equal(h->n_rows, 2);
    assert_string_equal(h->rows[0].period, "2024-H1");
    r = &h->rows[0];
    assert_int_equal(r->received, 6);
    assert_int_equal(r->finished_on_time, 2);
    /* open dossiers at the end of H1 (30/06): r3 due 10/04, r4 due 20/03:
     * both past due */
    assert_int_equal(r->open_within_due, 0);
    chiso_assert_close(r->progress_pct, 200.0 / 6, TOL);
    assert_string_equal(y->rows[0].period, "2024");
    assert_int_equal(y->rows[0].received, 6);
    chiso_services_free(q);
    chiso_services_free(h);
    chiso_services_free(y);
}

static void
test_as_of(void **state)
{
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_services_result *res = NULL;
    chiso_diag d;

    (void)state;
    /* judged on 15/03 (before the end of March): r4 (due 20/03 17:00) is
     * not yet past due, r3 as well */
    o.period = CHISO_PERIOD_MONTH;
    o.has_as_of = 1;
    assert_int_equal(chiso_stamp_parse("15/03/2024", 10, &o.as_of, NULL, 0), 0);
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_services_compute_mem(&res, "s.csv", sample,
                                                strlen(sample), &o, &d),
                     CHISO_OK);
    assert_int_equal(res->rows[0].open_within_due, 2);
    chiso_assert_close(res->rows[0].progress_pct, 80.0, TOL);
    chiso_services_free(res);
}

static void
test_periods(void **state)
{
    chiso_period_kind k;
    int32_t i;
    int64_t first, end;
    char buf[16];

    (void)state;
    assert_int_equal(chiso_period_parse("2024-H2", &k, &i), 0);
    assert_int_equal(k, CHISO_PERIOD_HALF);
    chiso_period_days(k, i, &first, &end);
    assert_int_equal(first, chiso_days_from_civil(2024, 7, 1));
    assert_int_equal(end, chiso_days_from_civil(2025, 1, 1));
    assert_int_equal(chiso_period_parse("2024-Q4", &k, &i), 0);
    chiso_period_format(k, i, buf, sizeof(buf));
    assert_string_equal(buf, "2024-Q4");
    assert_int_equal(chiso_period_parse("2024-02", &k, &i), 0);
    chiso_period_days(k, i, &first, &end);
    assert_int_equal(end - first, 29); /* leap year */
    assert_int_equal(chiso_period_parse("2024", &k, &i), 0);
    assert_int_equal(k, CHISO_PERIOD_YEAR);
    assert_int_equal(chiso_period_parse("2024-13", &k, &i), -1);
    assert_int_equal(chiso_period_parse("2024-H3", &k, &i), -1);
    assert_int_equal(chiso_period_parse("24-H1", &k, &i), -1);
    /* the midnight boundary */
    assert_int_equal(chiso_period_of_day(CHISO_PERIOD_HALF,
                                         chiso_days_from_civil(2024, 6, 30)),
                     2024 * 2);
    assert_int_equal(chiso_period_of_day(CHISO_PERIOD_HALF,
                                         chiso_days_from_civil(2024, 7, 1)),
                     2024 * 2 + 1);
}

static void
test_stamp_rule(void **state)
{
    chiso_stamp due, a, b;

    (void)state;
    assert_int_equal(chiso_stamp_parse("31/03/2024", 10, &due, NULL, 0), 0);
    assert_int_equal(due.has_time, 0);
    assert_int_equal(chiso_stamp_parse("31/03/2024 23:59:59", 19, &a, NULL, 0),
                     0);
    assert_int_equal(chiso_stamp_parse("2024-04-01T00:00:00", 19, &b, NULL, 0),
                     0);
    /* a due date alone is the whole day: 23:59:59 is on time, midnight
     * after is one day late */
    assert_true(chiso_stamp_diff(a, due) <= 0);
    assert_int_equal(chiso_stamp_diff(b, due), 86400);
    /* two times: exact seconds */
    assert_int_equal(chiso_stamp_diff(b, a), 1);
    assert_int_not_equal(chiso_stamp_parse("31/02/2024", 10, &a, NULL, 0), 0);
}

/*
 * The inlined ISO fast path (logs_fast_iso: SWAR digits, calendar without
 * division) against the general date parser, on every year 1895..2205,
 * month 0..13 and day 0..32, as a date and with times at the edges: when
 * the fast path accepts, the general parser gives the same instant, day
 * and month; when the general parser accepts an exact ISO form, the fast
 * path does too.
 */
static void
test_fast_iso_equals_general(void **state)
{
    static const char *const times[] = {"T00:00:00", "T23:59:59", " 12:34:56",
                                        "T24:00:00", "T23:60:00", "T23:59:60",
                                        "T09:05:07"};
    int y, m, d;
    size_t k;
    unsigned long n_ok = 0;

    (void)state;
    for (y = 1895; y <= 2205; y++) {
        for (m = 0; m <= 13; m++) {
            for (d = 0; d <= 32; d++) {
                for (k = 0; k <= sizeof(times) / sizeof(times[0]); k++) {
                    char s[40], why[160];
                    size_t len;
                    logs_time ft;
                    int64_t secs = 0;
                    int has_time = 0, fast, gen;
                    len = (size_t)snprintf(s, sizeof(s), "%04d-%02d-%02d%s", y,
                                           m, d, k == 0 ? "" : times[k - 1]);
                    memset(&ft, 0, sizeof(ft));
                    fast = logs_fast_iso(s, len, &ft);
                    gen = chiso_parse_datetime_ex(s, len, 0, CHISO_LANG_EN,
                                                  &secs, &has_time, why,
                                                  sizeof(why)) == 0;
                    assert_int_equal(fast, gen);
                    if (fast) {
                        int yy;
                        unsigned mm, dd;
                        int64_t day = secs >= 0 ? secs / 86400
                                                : -((-secs + 86399) / 86400);
                        chiso_civil_from_days(day, &yy, &mm, &dd);
                        assert_int_equal(ft.secs, secs);
                        assert_int_equal(ft.has_time, has_time);
                        assert_int_equal(ft.day, day);
                        assert_int_equal(ft.ym, yy * 12 + (int)mm - 1);
                        n_ok++;
                    }
                }
            }
        }
    }
    /* 1900..2200 has 109 938 days, each as a date and with 4 valid times */
    assert_int_equal(n_ok, 109938ul * 5);
}

static void
test_quantile_sorted(void **state)
{
    const double a[] = {1, 2, 3, 4};
    const double b[] = {15, 20, 35, 40, 50};
    const double c[] = {7};

    (void)state;
    /* numpy.percentile([1,2,3,4], 90) = 3.7; median 2.5 */
    chiso_assert_close(q7(a, 4, 0.9), 3.7, TOL);
    chiso_assert_close(q7(a, 4, 0.5), 2.5, TOL);
    /* h = 1.6: 20 + 0.6 * 15 = 29; h = 3.6: 40 + 0.6 * 10 = 46 */
    chiso_assert_close(q7(b, 5, 0.4), 29.0, TOL);
    chiso_assert_close(q7(b, 5, 0.9), 46.0, TOL);
    chiso_assert_close(q7(b, 5, 1.0), 50.0, TOL);
    chiso_assert_close(q7(c, 1, 0.9), 7.0, TOL);
    assert_true(isnan(q7(c, 0, 0.5)));
}

static int
cmp_dbl(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;

    return (a > b) - (a < b);
}

/* The two-level store against sorting every value: many buckets, a
 * bucket big enough for the counting path, and a union of two stores. */
static void
test_quantile_store(void **state)
{
    qarena ar1, ar2;
    qstore s1, s2;
    qref refs[2];
    enum { N = 60000 };
    double *all = malloc(N * sizeof(*all));
    uint32_t x = 12345;
    size_t i, k;
    const double qs[] = {0, 0.1, 0.5, 0.9, 0.99, 1};

    (void)state;
    memset(&ar1, 0, sizeof(ar1));
    memset(&ar2, 0, sizeof(ar2));
    memset(&s1, 0, sizeof(s1));
    memset(&s2, 0, sizeof(s2));
    for (i = 0; i < N; i++) {
        uint32_t v;
        x = x * 1103515245u + 12345u;
        /* half the values in bucket 0 (counting path), the rest spread
         * over 60 days */
        v = i % 2 ? (x >> 8) % 65536u : (x >> 4) % (60u * 86400u);
        all[i] = (double)v / 86400.0;
        assert_int_equal(
            chiso_logs__qstore_add(i % 3 ? &s1 : &s2, i % 3 ? &ar1 : &ar2, v),
            0);
    }
    qsort(all, N, sizeof(*all), cmp_dbl);
    refs[0].q = &s1;
    refs[0].a = &ar1;
    refs[1].q = &s2;
    refs[1].a = &ar2;
    for (k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
        double got;
        assert_int_equal(chiso_logs__quantile(refs, 2, qs[k], &got), 0);
        chiso_assert_close(got, q7(all, N, qs[k]), 1e-12);
    }
    chiso_logs__qstore_free(&s1);
    chiso_logs__qstore_free(&s2);
    chiso_logs__qarena_free(&ar1);
    chiso_logs__qarena_free(&ar2);
    free(all);
}

/* Rank k + 1 in a later bucket (buckets are 65536 s wide), with empty
 * buckets between: {10, 200000} has its median half-way. */
static void
test_quantile_next_bucket(void **state)
{
    qarena ar;
    qstore st;
    qref ref;
    double got;

    (void)state;
    memset(&ar, 0, sizeof(ar));
    memset(&st, 0, sizeof(st));
    assert_int_equal(chiso_logs__qstore_add(&st, &ar, 200000), 0);
    assert_int_equal(chiso_logs__qstore_add(&st, &ar, 10), 0);
    ref.q = &st;
    ref.a = &ar;
    assert_int_equal(chiso_logs__quantile(&ref, 1, 0.5, &got), 0);
    chiso_assert_close(got, 100005.0 / 86400.0, 1e-15);
    /* h = 0.9: 10 + 0.9 * 199990 = 180001 s */
    assert_int_equal(chiso_logs__quantile(&ref, 1, 0.9, &got), 0);
    chiso_assert_close(got, 180001.0 / 86400.0, 1e-15);
    chiso_logs__qstore_free(&st);
    chiso_logs__qarena_free(&ar);
}

static char *
csv_of(const chiso_services_result *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    chiso_services_write_csv(r, f);
    fclose(f);
    return buf;
}

/* A bigger body with quoted newlines, split over 4 threads whose guessed
 * starts may fall inside quoted fields: same bytes out as libcsv. */
static void
test_fast_equals_reference(void **state)
{
    chiso_buf b = CHISO_BUF_INIT;
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_services_result *ref = NULL, *fast = NULL;
    chiso_diag d;
    char *c1, *c2;
    int i;

    (void)state;
    chiso_buf_puts(&b, "dossier_id;unit_code;procedure_code;received_at;"
                       "due_at;finished_at;channel;components_signed;"
                       "result_signed;digitized;satisfaction;note\r\n");
    for (i = 0; i < 5000; i++) {
        chiso_buf_printf(
            &b,
            "D%d;U%02d;P;2024-%02d-%02dT%02d:%02d:00;%02d/%02d/2024;%s;%s;"
            "%d;%d;%d;%s;%s\r\n",
            i, i % 7, i % 12 + 1, i % 28 + 1, i % 24, i % 60, 28, i % 12 + 1,
            i % 9 == 0 ? "" : "2024-12-31 10:00",
            i % 3 == 0 ? "online" : "Trực tiếp", i % 2, i % 5 == 0, 1,
            i % 4 ? "" : "5",
            i % 2 ? "\"ghi chú;\n\"\"dòng\"\" hai\"" : "  x  ");
    }
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        compute(&ref, "m.csv", b.data, b.len, o, MODE_REFERENCE, &d), CHISO_OK);
    assert_int_equal(
        compute(&fast, "m.csv", b.data, b.len, o, MODE_PARALLEL, &d), CHISO_OK);
    assert_int_equal(fast->rows_read, 5000);
    assert_true(fast->threads_used > 1); /* read in parallel, no fallback */
    c1 = csv_of(ref);
    c2 = csv_of(fast);
    assert_string_equal(c1, c2);
    free(c1);
    free(c2);
    chiso_services_free(ref);
    chiso_services_free(fast);
    chiso_buf_free(&b);
}

static int
log_reject(void *ctx, const chiso_reject *rej)
{
    chiso_buf *b = ctx;

    chiso_buf_printf(b, "%lu:%lu %s [%zu]\n", rej->line, rej->column,
                     rej->reason, rej->n_fields);
    return 0;
}

/* Bad rows in every thread's part, after quoted newlines: the fast path
 * keeps them and reports the reference reader's lines and columns. */
static void
test_fast_rejects_equal(void **state)
{
    chiso_buf b = CHISO_BUF_INIT, lr = CHISO_BUF_INIT, lf = CHISO_BUF_INIT;
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_services_result *ref = NULL, *fast = NULL;
    chiso_diag d, d2;
    int i;

    (void)state;
    chiso_buf_puts(&b, "\xEF\xBB\xBFsep=,\ndossier_id,unit_code,"
                       "received_at,due_at,finished_at,satisfaction,note\n");
    for (i = 0; i < 4000; i++) {
        chiso_buf_printf(&b, "D%d,U%d,%s,2024-05-01,,%s,%s\n", i, i % 3,
                         i % 997 == 5 ? "31/02/2024" : "2024-04-01 08:00",
                         i % 1301 == 7 ? "7" : "", i % 2 ? "\"a,\nb\n\"" : "x");
        if (i % 1500 == 3) {
            chiso_buf_puts(&b, "short,row\n\n   \n");
        }
    }
    o.table.on_reject = log_reject;
    o.table.reject_ctx = &lr;
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        compute(&ref, "r.csv", b.data, b.len, o, MODE_REFERENCE, &d), CHISO_OK);
    o.table.reject_ctx = &lf;
    assert_int_equal(
        compute(&fast, "r.csv", b.data, b.len, o, MODE_PARALLEL, &d), CHISO_OK);
    assert_true(ref->rows_rejected >= 9);
    assert_true(fast->threads_used > 1);
    assert_int_equal(fast->rows_rejected, ref->rows_rejected);
    assert_int_equal(fast->rows_read, ref->rows_read);
    assert_string_equal(lf.data, lr.data);
    /* without a callback, and no bad row allowed: the same first error */
    o.table.on_reject = NULL;
    o.table.max_rejects_pct = 0;
    chiso_services_free(ref);
    chiso_services_free(fast);
    ref = fast = NULL;
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    memset(&d2, 0, sizeof(d2));
    d2.lang = CHISO_LANG_EN;
    /* the first bad row is "short,row" after D3: sep= line, header, D0,
     * D1 (3 lines), D2, D3 (3 lines) -> line 11; a field-count error */
    assert_int_equal(
        compute(&ref, "r.csv", b.data, b.len, o, MODE_REFERENCE, &d),
        CHISO_EPARSE);
    assert_int_equal(
        compute(&fast, "r.csv", b.data, b.len, o, MODE_PARALLEL, &d2),
        CHISO_EPARSE);
    assert_int_equal(d.line, 11);
    assert_int_equal(d.line, d2.line);
    assert_int_equal(d.column, d2.column);
    assert_string_equal(d.message, d2.message);
    chiso_buf_free(&b);
    chiso_buf_free(&lr);
    chiso_buf_free(&lf);
}

static const char bad[] =
    "dossier_id,unit_code,procedure_code,received_at,due_at,finished_at,"
    "channel,components_signed,result_signed,digitized,satisfaction,note\n"
    "a,U,P,2024-03-01,2024-03-05,,online,1,1,1,,\n"
    "b,U,P,31/02/2024,2024-03-05,,online,1,1,1,,\n"
    "c,U,P,2024-03-01,2024-03-05,,online,có,chưa rõ,2,,\n"
    "d,U,P,2024-03-01,2024-03-05,,online,1,1,1,7,\n"
    "e,U,P,2024-03-01,2024-03-05,,online,1,1,1,,\n";

static int
collect(void *ctx, const chiso_reject *rej)
{
    chiso_buf *b = ctx;

    chiso_buf_printf(b, "%lu:%lu %s|", rej->line, rej->column, rej->reason);
    return 0;
}

static void
test_rejects(void **state)
{
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_services_result *res = NULL;
    chiso_buf log = CHISO_BUF_INIT;
    chiso_diag d;

    (void)state;
    /* without a callback: the first bad row stops, at its column */
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_services_compute_mem(&res, "bad.csv", bad, strlen(bad), &o, &d),
        CHISO_EDATA);
    assert_null(res);
    assert_int_equal(d.line, 3);
    assert_int_equal(d.column, 7);
    assert_non_null(strstr(d.message, "'31/02/2024'"));
    assert_non_null(strstr(d.message, "February 2024 has 29 days"));
    /* with one, and a limit above 3 of 5: three rejects, two counted */
    o.table.max_rejects_pct = 60;
    o.table.on_reject = collect;
    o.table.reject_ctx = &log;
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_services_compute_mem(&res, "bad.csv", bad, strlen(bad), &o, &d),
        CHISO_OK);
    assert_int_equal(res->rows_read, 5);
    assert_int_equal(res->rows_counted, 2);
    assert_int_equal(res->rows_rejected, 3);
    assert_non_null(strstr(log.data, "3:7 invalid date"));
    /* "chưa rõ" is not a yes/no: column 40, result_signed, line 4 */
    assert_non_null(strstr(log.data, "4:40 invalid value 'chưa rõ'"));
    assert_non_null(strstr(log.data, "5:43 invalid satisfaction '7'"));
    chiso_buf_free(&log);
    chiso_services_free(res);
}

static void
test_inputs(void **state)
{
    chiso_services_result *res = run(sample, CHISO_PERIOD_MONTH, MODE_AUTO);
    chiso_input_set set = CHISO_INPUT_SET_INIT;
    size_t i;
    int seen = 0;

    (void)state;
    chiso_diag d;
    chiso_diag_list w;

    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    chiso_diag_list_init(&w, 10);
    w.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_services_inputs(&set, res, "SKHCN", 2024 * 12 + 2, &w, &d),
        CHISO_OK);
    assert_int_equal(w.n, 0);
    for (i = 0; i < set.n; i++) {
        const chiso_input_value *v = &set.items[i];
        assert_true(chiso_derived_input_known(v->name));
        if (strcmp(v->name, "services.progress_pct") == 0) {
            chiso_assert_close(v->numerator, 3, 0);
            chiso_assert_close(v->denominator, 5, 0);
            chiso_assert_close(v->value, 60, TOL);
            assert_non_null(strstr(v->detail, "unit SKHCN, period 2024-03, "
                                              "5 dossiers"));
            seen++;
        }
        if (strcmp(v->name, "services.satisfied_pct") == 0) {
            chiso_assert_close(v->numerator, 2, 0);
            chiso_assert_close(v->denominator, 3, 0);
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    chiso_input_set_free(&set);
    /* a period after every dossier of the unit (STP: March only): the
     * wrong file or the wrong period, an error -- never 0/0 scored */
    assert_int_equal(
        chiso_services_inputs(&set, res, "STP", 2024 * 12 + 3, &w, &d),
        CHISO_EDATA);
    assert_int_equal(set.n, 0);
    assert_non_null(strstr(d.message, "no dossier of unit 'STP' was "
                                      "received in 2024-04"));
    assert_non_null(strstr(d.message, "from 2024-03 to 2024-03"));
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    {
        /* a gap inside the log's span: a month without dossiers, counts
         * 0/0, no value, so the rule's zero-denominator convention decides;
         * a typed warning says so */
        static const char gap[] =
            "dossier_id,unit_code,received_at,due_at,finished_at,channel\n"
            "g1,STP,2024-01-10,2024-01-20,2024-01-15,online\n"
            "g2,STP,2024-03-10,2024-03-20,2024-03-15,direct\n";
        chiso_services_result *g = run(gap, CHISO_PERIOD_MONTH, MODE_AUTO);
        assert_int_equal(
            chiso_services_inputs(&set, g, "STP", 2024 * 12 + 1, &w, &d),
            CHISO_OK);
        assert_int_equal(w.n, 1);
        assert_string_equal(w.items[0].kind, "unit_no_rows_in_period");
        for (i = 0; i < set.n; i++) {
            if (strcmp(set.items[i].name, "services.online_pct") == 0) {
                assert_int_equal(set.items[i].has_counts, 1);
                assert_int_equal(set.items[i].has_value, 0);
                chiso_assert_close(set.items[i].denominator, 0, 0);
                seen++;
            }
        }
        assert_int_equal(seen, 3);
        chiso_input_set_free(&set);
        /* before the first dossier: an error again */
        assert_int_equal(
            chiso_services_inputs(&set, g, "STP", 2023 * 12 + 11, &w, &d),
            CHISO_EDATA);
        assert_non_null(strstr(d.message, "received in 2023-12"));
        assert_non_null(strstr(d.message, "from 2024-01 to 2024-03"));
        memset(&d, 0, sizeof(d));
        d.lang = CHISO_LANG_EN;
        chiso_services_free(g);
    }
    /* a unit the log does not have: never zeros, an error naming the
     * units of the log */
    assert_int_equal(
        chiso_services_inputs(&set, res, "NONE", 2024 * 12 + 2, &w, &d),
        CHISO_EDATA);
    assert_int_equal(set.n, 0);
    assert_non_null(strstr(d.message, "no row of unit 'NONE'"));
    assert_non_null(strstr(d.message, "'SKHCN', 'STP'"));
    /* "stp" is STP: the label is found ignoring case */
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_services_inputs(&set, res, "stp", 2024 * 12 + 2, &w, &d),
        CHISO_OK);
    assert_non_null(strstr(set.items[0].detail, "unit STP,"));
    chiso_input_set_free(&set);
    chiso_diag_list_free(&w);
    chiso_services_free(res);
}

/* Compute with options over a text; the status, *res and the diag. */
static chiso_status
run_opts(const char *text,
         chiso_services_options *o,
         chiso_services_result **res,
         chiso_diag *d)
{
    memset(d, 0, sizeof(*d));
    d->lang = CHISO_LANG_EN;
    *res = NULL;
    return chiso_services_compute_mem(res, "u.csv", text, strlen(text), o, d);
}

/*
 * Issue 10, scenario 3: the log writes the unit's name, the user gives its
 * code. Never zeros from "no row": an error naming the nearest unit; with
 * the name among the unit's names, the rows of both spellings count.
 *   d1 "Sở Tư pháp"  finished on time     d2 "SỞ TƯ PHÁP" open
 *   d3 "STP"          finished late        d4 "SKHCN"
 * unit STP with names {"Sở Tư pháp"}: d1, d2, d3 -> received 3, finished 2,
 * on time 1.
 */
static void
test_unit_names(void **state)
{
    static const char log[] =
        "dossier_id,unit_code,received_at,due_at,finished_at\n"
        "d1,Sở Tư pháp,2024-03-01,2024-03-05,2024-03-04\n"
        "d2,SỞ TƯ PHÁP,2024-03-02,2024-03-05,\n"
        "d3,Sở Khoa học và Công nghệ,2024-03-03,2024-03-05,2024-03-06\n";
    static const char *const names[] = {"Sở Tư pháp"};
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_services_result *res;
    chiso_unit_ref ref = {"STP", NULL, 0};
    chiso_diag d;
    const chiso_services_row *r;

    (void)state;
    o.unit = &ref;
    assert_int_equal(run_opts(log, &o, &res, &d), CHISO_EDATA);
    assert_null(res);
    assert_non_null(strstr(d.message, "no row of unit 'STP'"));
    /* the nearest: the first in byte order of the two spellings */
    assert_non_null(strstr(d.message, "did you mean 'SỞ TƯ PHÁP'?"));
    /* the code spells the other unit's initials too: "SKHCN" */
    ref.code = "SKHCN";
    assert_int_equal(run_opts(log, &o, &res, &d), CHISO_EDATA);
    assert_non_null(
        strstr(d.message, "did you mean 'Sở Khoa học và Công nghệ'?"));
    /* with the name: both spellings of Sở Tư pháp, labelled STP */
    ref.code = "STP";
    ref.names = names;
    ref.n_names = 1;
    assert_int_equal(run_opts(log, &o, &res, &d), CHISO_OK);
    assert_int_equal(res->n_units, 1);
    assert_string_equal(res->units[0], "STP");
    assert_string_equal(res->unit_in_log, "SỞ TƯ PHÁP; Sở Tư pháp");
    r = chiso_services_find(res, "STP", 2024 * 12 + 2);
    assert_non_null(r);
    assert_int_equal(r->received, 2);
    assert_int_equal(r->finished, 1);
    assert_int_equal(r->finished_on_time, 1);
    assert_int_equal(res->rows_other_units, 1);
    chiso_services_free(res);
}

/* A one-unit export without a unit column: the unit must be given. */
static void
test_single_unit_export(void **state)
{
    static const char log[] = "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Ngày trả\n"
                              "h1,01/03/2024,05/03/2024,04/03/2024\n"
                              "h2,02/03/2024,05/03/2024,\n";
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_services_result *res;
    chiso_unit_ref ref = {"STP", NULL, 0};
    chiso_diag d;

    (void)state;
    assert_int_equal(run_opts(log, &o, &res, &d), CHISO_ESCHEMA);
    assert_non_null(strstr(d.message, "--unit CODE"));
    o.unit = &ref;
    assert_int_equal(run_opts(log, &o, &res, &d), CHISO_OK);
    assert_string_equal(res->units[0], "STP");
    assert_int_equal(res->has_unit_column, 0);
    assert_int_equal(res->overall.received, 2);
    assert_int_equal(res->overall.finished_on_time, 1);
    chiso_services_free(res);
}

static int
count_reject(void *ctx, const chiso_reject *rej)
{
    (void)rej;
    (*(int *)ctx)++;
    return 0;
}

/*
 * Issue 10, scenario 5: 181 of 181 rows rejected must fail, not print a
 * table of zeros; every bad row still reaches the callback (the rejects
 * file). 9 bad rows of 200 (4.5 %) pass under the default 5 %, 11 of 200
 * (5.5 %) fail.
 */
static void
test_max_rejects(void **state)
{
    chiso_buf b = CHISO_BUF_INIT;
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_services_result *res;
    chiso_diag d;
    chiso_diag_list list;
    int i, n = 0;

    (void)state;
    chiso_buf_puts(&b, "unit_code,received_at,due_at,finished_at\n");
    for (i = 0; i < 181; i++) {
        chiso_buf_printf(&b, "U,31/02/2024,2024-03-05,\n");
    }
    o.table.on_reject = count_reject;
    o.table.reject_ctx = &n;
    assert_int_equal(run_opts(b.data, &o, &res, &d), CHISO_EDATA);
    assert_null(res);
    assert_int_equal(n, 181);
    assert_non_null(strstr(d.message, "181 of 181 rows rejected (100 %)"));
    assert_int_equal(d.line, 2);
    chiso_buf_free(&b);

    for (int nbad = 9; nbad <= 11; nbad += 2) {
        chiso_buf_puts(&b, "unit_code,received_at,due_at,finished_at\n");
        for (i = 0; i < 200; i++) {
            chiso_buf_printf(&b, "U,%s,2024-03-05,\n",
                             i < nbad ? "x" : "2024-03-01");
        }
        chiso_diag_list_init(&list, 5);
        o.table.problems = &list;
        o.table.on_reject = NULL;
        if (nbad == 9) {
            assert_int_equal(run_opts(b.data, &o, &res, &d), CHISO_OK);
            assert_int_equal(res->rows_rejected, 9);
            assert_int_equal(res->rows_counted, 191);
            assert_int_equal(res->overall.received, 191);
            chiso_services_free(res);
        } else {
            assert_int_equal(run_opts(b.data, &o, &res, &d), CHISO_EDATA);
            assert_non_null(
                strstr(d.message, "11 of 200 rows rejected (5.5 %)"));
        }
        /* every bad row is counted, five kept */
        assert_int_equal(list.n, 5);
        assert_int_equal(chiso_diag_list_total(&list), (size_t)nbad);
        assert_string_equal(list.items[0].kind, "row_rejected");
        chiso_diag_list_free(&list);
        chiso_buf_free(&b);
    }
}

/*
 * Issue 10, scenario 8: the status column. Hand counts, March 2024, unit U:
 *   s1 Đã trả kết quả, on time          -> received, finished, on time
 *   s2 Đã hủy (a finish date is there)   -> cancelled only
 *   s3 Rút hồ sơ, no dates but receipt   -> withdrawn only
 *   s4 Trả lại hồ sơ                     -> returned only
 *   s5 Đang giải quyết, open             -> received, open
 *   s6 Quá hạn (says nothing new), late  -> received, finished, late
 * received 3, finished 2, on time 1, cancelled 1, withdrawn 1, returned 1;
 * on-time rate 1/2, progress (1 + 1 open within due) / 3.
 */
static void
test_dossier_status(void **state)
{
    static const char log[] =
        "Mã hồ sơ;Đơn vị;Ngày tiếp nhận;Ngày hẹn trả;Ngày trả;Trạng thái "
        "hồ sơ\n"
        "s1;U;01/03/2024;05/03/2024;04/03/2024;Đã trả kết quả\n"
        "s2;U;01/03/2024;05/03/2024;04/03/2024;Đã hủy\n"
        "s3;U;02/03/2024;;;Rút hồ sơ\n"
        "s4;U;03/03/2024;;;  trả lại hồ sơ \n"
        "s5;U;04/03/2024;30/04/2024;;Đang giải quyết\n"
        "s6;U;04/03/2024;05/03/2024;08/03/2024;Quá hạn\n";
    static const char contra[] =
        "Mã hồ sơ;Đơn vị;Ngày tiếp nhận;Ngày hẹn trả;Ngày trả;Trạng thái\n"
        "s1;U;01/03/2024;05/03/2024;;Đã trả kết quả\n";
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_services_result *res;
    chiso_diag d;
    const chiso_services_row *r;

    (void)state;
    assert_int_equal(run_opts(log, &o, &res, &d), CHISO_OK);
    assert_int_equal(res->has_status, 1);
    r = chiso_services_find(res, "U", 2024 * 12 + 2);
    assert_int_equal(r->received, 3);
    assert_int_equal(r->finished, 2);
    assert_int_equal(r->finished_on_time, 1);
    assert_int_equal(r->open, 1);
    assert_int_equal(r->cancelled, 1);
    assert_int_equal(r->withdrawn, 1);
    assert_int_equal(r->returned, 1);
    chiso_assert_close(r->on_time_pct, 50.0, TOL);
    chiso_assert_close(r->progress_pct, 200.0 / 3, TOL);
    assert_int_equal(res->rows_counted, 6);
    chiso_services_free(res);
    /* a status that contradicts the dates is a bad row */
    o.table.max_rejects_pct = 0;
    assert_int_equal(run_opts(contra, &o, &res, &d), CHISO_EDATA);
    assert_non_null(strstr(d.message, "says the result was returned"));
}

/* The office's words, and a word of none: the message lists Vietnamese
 * words. */
static void
test_office_words(void **state)
{
    static const char log[] =
        "Mã hồ sơ;Đơn vị;Ngày tiếp nhận;Ngày hẹn trả;Ngày trả;Hình thức "
        "nộp;Số hóa;Ký số kết quả;Mức độ hài lòng\n"
        "a;U;01/03/2024;05/03/2024;04/03/2024;Trực tuyến toàn trình;Đã số "
        "hóa;Đã ký số;Rất hài lòng\n"
        "b;U;01/03/2024;05/03/2024;04/03/2024;Trực tuyến một phần;Chưa số "
        "hóa;x;Hài lòng\n"
        "c;U;01/03/2024;05/03/2024;04/03/2024;Qua dịch vụ BCCI;✓;;Bình "
        "thường\n"
        "d;U;01/03/2024;05/03/2024;04/03/2024; nộp trực tiếp ;không;Chưa ký "
        "số;Không hài lòng\n"
        "e;U;01/03/2024;05/03/2024;04/03/2024;Qua bưu chính công ích;CÓ;1;\n";
    static const char bad_chan[] =
        "Mã hồ sơ;Đơn vị;Ngày tiếp nhận;Ngày hẹn trả;Ngày trả;Hình thức nộp\n"
        "a;U;01/03/2024;05/03/2024;04/03/2024;Fax\n";
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_services_result *res;
    chiso_diag d;

    (void)state;
    assert_int_equal(run_opts(log, &o, &res, &d), CHISO_OK);
    /* online a, b; digitised a, c, e; result signed a, b, e; ratings 5, 4,
     * 3, 2: mean 3.5, satisfied (4 or 5) 2 of 4 */
    assert_int_equal(res->overall.online, 2);
    assert_int_equal(res->overall.digitized, 3);
    assert_int_equal(res->overall.result_signed, 3);
    assert_int_equal(res->overall.rated, 4);
    chiso_assert_close(res->overall.satisfaction_mean, 3.5, TOL);
    assert_int_equal(res->overall.satisfied, 2);
    chiso_services_free(res);
    o.table.max_rejects_pct = 0;
    assert_int_equal(run_opts(bad_chan, &o, &res, &d), CHISO_EDATA);
    assert_non_null(strstr(d.message, "invalid channel 'Fax'"));
    assert_non_null(strstr(d.message, "'Trực tuyến'"));
    assert_non_null(strstr(d.message, "'Qua dịch vụ BCCI'"));
}

/* The JSON of a result without what says where it came from (input, unit
 * as given, record counts of skipped rows): groups, period totals, overall,
 * columns present but the unit's. */
static char *
json_core(const chiso_services_result *r)
{
    cJSON *root = chiso_services_to_json(r), *o = cJSON_CreateObject();
    char *text;
    cJSON *cols;

    cols = cJSON_DetachItemFromObject(root, "columns");
    cJSON_DeleteItemFromObject(cols, "unit");
    cJSON_AddItemToObject(o, "columns", cols);
    cJSON_AddItemToObject(o, "groups",
                          cJSON_DetachItemFromObject(root, "groups"));
    cJSON_AddItemToObject(o, "period_totals",
                          cJSON_DetachItemFromObject(root, "period_totals"));
    cJSON_AddItemToObject(o, "overall",
                          cJSON_DetachItemFromObject(root, "overall"));
    text = cJSON_Print(o);
    cJSON_Delete(root);
    cJSON_Delete(o);
    return text;
}

/*
 * Issue 11, done means: the results of a messy export - a title and the
 * unit's name above the header, an empty leading column, no unit column
 * (the unit given), the one-stop system's field names, Vietnamese words,
 * times with SA/CH, personal data columns, a "Tổng cộng" row - are
 * identical to those of the same dossiers tidied by hand.
 */
static const char messy[] =
    "\xEF\xBB\xBF"
    ";BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH;;;;;;;;;;\n"
    ";Đơn vị: Sở Tư pháp. Từ ngày 01/01/2024 đến ngày 30/06/2024;;;;;;;;;;\n"
    ";;;;;;;;;;;\n"
    ";STT;MaHoSo;ChuHoSo;DiaChiChuHoSo;SoDienThoaiChuHoSo;NgayTiepNhan;"
    "NgayHenTra;NgayTra;Hình thức nộp;Số hóa;Ký số kết quả;Mức độ hài "
    "lòng;Trạng thái\n"
    ";1;H01;Nguyễn Văn An;\"Xã A, huyện B\";0912000001;02/01/2024 08:15:00;"
    "05/01/2024 17:00:00;05/01/2024 16:40:00;Trực tuyến toàn trình;Đã số "
    "hóa;Đã ký số;Rất hài lòng;Đã trả kết quả\n"
    ";2;H02;Trần Thị Bình;Xã C;0912000002;03/01/2024 09:30 SA;08/01/2024;"
    "09/01/2024 02:00 CH;Nộp trực tiếp;Chưa số hóa;Chưa ký số;Hài lòng;"
    "Trả kết quả quá hạn\n"
    ";3;H03;Lê Văn Cường;Xã D;0912000003;15/02/2024 10:00:00;25/02/2024 "
    "17:00:00;;Qua dịch vụ BCCI;x;;Bình thường;Đang giải quyết\n"
    ";4;H04;Phạm Thị Dung;Xã E;0912000004;20/02/2024 14:00:00;25/02/2024;;"
    "Trực tuyến một phần;Có;Không;;Đã hủy\n"
    ";5;H05;Hoàng Văn Em;Xã F;0912000005;01/03/2024;10/03/2024;"
    "10/03/2024;trực tuyến;✓;có;Không hài lòng;\n"
    ";;Tổng cộng;;;;;;;;;;;\n";

static const char tidy[] =
    "dossier_id,unit_code,received_at,due_at,finished_at,channel,"
    "digitized,result_signed,satisfaction,status\n"
    "H01,STP,2024-01-02T08:15:00,2024-01-05T17:00:00,2024-01-05T16:40:00,"
    "online,1,1,5,finished\n"
    "H02,STP,2024-01-03T09:30:00,2024-01-08,2024-01-09T14:00:00,direct,0,0,"
    "4,finished\n"
    "H03,STP,2024-02-15T10:00:00,2024-02-25T17:00:00,,postal,1,0,3,open\n"
    "H04,STP,2024-02-20T14:00:00,2024-02-25,,online,1,0,,cancelled\n"
    "H05,STP,2024-03-01,2024-03-10,2024-03-10,online,1,1,2,\n";

static void
test_messy_equals_tidy(void **state)
{
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_services_result *a = NULL, *b = NULL;
    chiso_unit_ref ref = {"STP", NULL, 0};
    chiso_diag_list notes;
    chiso_diag d;
    char *ca, *cb, *ja, *jb;
    size_t i;
    int personal = 0, totals = 0, title = 0;

    (void)state;
    o.period = CHISO_PERIOD_MONTH;
    assert_int_equal(run_opts(tidy, &o, &b, &d), CHISO_OK);
    chiso_diag_list_init(&notes, 20);
    notes.lang = CHISO_LANG_EN;
    o.unit = &ref;
    o.table.notes = &notes;
    if (run_opts(messy, &o, &a, &d) != CHISO_OK) {
        fail_msg("%lu:%lu %s", d.line, d.column, d.message);
    }
    assert_int_equal(a->rows_totals, 1);
    assert_int_equal(a->rows_rejected, 0);
    assert_int_equal(a->overall.cancelled, 1);
    ca = csv_of(a);
    cb = csv_of(b);
    assert_string_equal(ca, cb);
    ja = json_core(a);
    jb = json_core(b);
    assert_string_equal(ja, jb);
    for (i = 0; i < notes.n; i++) {
        personal += strcmp(notes.items[i].kind, "personal_data_columns") == 0;
        totals += strcmp(notes.items[i].kind, "totals_row_skipped") == 0;
        title += strcmp(notes.items[i].kind, "rows_above_header") == 0;
    }
    assert_int_equal(personal, 1);
    assert_int_equal(totals, 1);
    assert_int_equal(title, 1);
    /* and nothing of the applicants reaches the outputs */
    assert_null(strstr(ca, "Nguyễn"));
    assert_null(strstr(ja, "0912"));
    free(ca);
    free(cb);
    free(ja);
    free(jb);
    chiso_diag_list_free(&notes);
    chiso_services_free(a);
    chiso_services_free(b);
}

/*
 * The same messy export as files offices have (tests/data/messy, made by
 * make_messy.py): the one-stop system's CSV; and workbooks written by
 * openpyxl, xlsxwriter and LibreOffice (.xlsx and .xls), whose data sheet
 * is the second (a sheet of instructions first), with a merged title, a
 * header over two rows ("Ngày" over "Tiếp nhận", "Hẹn trả", "Trả kết
 * quả"), real date cells and dates as text ("03/01/2024 09:30 SA"), a
 * "Tổng cộng" row. Every one gives the results of the tidy CSV above.
 */
static void
test_messy_files_equal_tidy(void **state)
{
    static const char *const files[] = {
        "../data/messy/dossiers-messy.csv",
        "../data/messy/dossiers-messy-openpyxl.xlsx",
        "../data/messy/dossiers-messy-xlsxwriter.xlsx",
        "../data/messy/dossiers-messy-lo.xlsx",
        "../data/messy/dossiers-messy-lo.xls"};
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_services_result *a = NULL, *b = NULL;
    chiso_unit_ref ref = {"STP", NULL, 0};
    chiso_diag d;
    char *cb, *jb;
    size_t f, i;

    (void)state;
    o.period = CHISO_PERIOD_MONTH;
    assert_int_equal(run_opts(tidy, &o, &b, &d), CHISO_OK);
    cb = csv_of(b);
    jb = json_core(b);
    o.unit = &ref;
    for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        chiso_diag_list notes;
        int personal = 0, totals = 0, title = 0, sheet = 0;
        int book = strstr(files[f], ".csv") == NULL;
        char *ca, *ja;

        chiso_diag_list_init(&notes, 20);
        notes.lang = CHISO_LANG_EN;
        o.table.notes = &notes;
        memset(&d, 0, sizeof(d));
        d.lang = CHISO_LANG_EN;
        if (chiso_services_compute(&a, files[f], &o, &d) != CHISO_OK) {
            fail_msg("%s: %s:%lu:%lu %s", files[f], d.path, d.line, d.column,
                     d.message);
        }
        assert_int_equal(a->rows_totals, 1);
        assert_int_equal(a->rows_rejected, 0);
        ca = csv_of(a);
        ja = json_core(a);
        if (strcmp(ca, cb) != 0 || strcmp(ja, jb) != 0) {
            fail_msg("%s:\n%s\n%s\nexpected\n%s\n%s", files[f], ca, ja, cb, jb);
        }
        for (i = 0; i < notes.n; i++) {
            personal +=
                strcmp(notes.items[i].kind, "personal_data_columns") == 0;
            totals += strcmp(notes.items[i].kind, "totals_row_skipped") == 0;
            title += strcmp(notes.items[i].kind, "rows_above_header") == 0;
            sheet += strcmp(notes.items[i].kind, "sheet_chosen") == 0;
            if (book &&
                strcmp(notes.items[i].kind, "totals_row_skipped") == 0) {
                /* positions are cells of the data sheet */
                assert_non_null(strstr(notes.items[i].path, ":Hồ sơ!"));
            }
        }
        assert_int_equal(personal, 1);
        assert_int_equal(totals, 1);
        assert_int_equal(title, 1);
        assert_int_equal(sheet, book);
        assert_null(strstr(ca, "Nguyễn"));
        assert_null(strstr(ja, "0912"));
        free(ca);
        free(ja);
        chiso_diag_list_free(&notes);
        chiso_services_free(a);
        a = NULL;
    }
    /* the sheet named; a sheet without the header is refused, naming it */
    o.table.notes = NULL;
    o.table.sheet = "Hồ sơ";
    assert_int_equal(chiso_services_compute(&a, files[1], &o, &d), CHISO_OK);
    chiso_services_free(a);
    a = NULL;
    o.table.sheet = "3";
    assert_int_equal(chiso_services_compute(&a, files[3], &o, &d),
                     CHISO_ESCHEMA);
    if (strstr(d.path, "Tổng hợp") == NULL) {
        fail_msg("%s: %s", d.path, d.message);
    }
    assert_null(a);
    free(cb);
    free(jb);
    chiso_services_free(b);
    /* the period kind for people, not the option word */
    assert_string_equal(
        chiso_period_kind_label(CHISO_PERIOD_MONTH, CHISO_LANG_VI), "tháng");
    assert_string_equal(
        chiso_period_kind_label(CHISO_PERIOD_HALF, CHISO_LANG_VI), "6 tháng");
    assert_string_equal(
        chiso_period_kind_label(CHISO_PERIOD_QUARTER, CHISO_LANG_EN),
        "calendar quarter");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_month_definitions),
        cmocka_unit_test(test_quarter_half_year),
        cmocka_unit_test(test_as_of),
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_stamp_rule),
        cmocka_unit_test(test_fast_iso_equals_general),
        cmocka_unit_test(test_quantile_sorted),
        cmocka_unit_test(test_quantile_store),
        cmocka_unit_test(test_quantile_next_bucket),
        cmocka_unit_test(test_fast_equals_reference),
        cmocka_unit_test(test_fast_rejects_equal),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_inputs),
        cmocka_unit_test(test_unit_names),
        cmocka_unit_test(test_single_unit_export),
        cmocka_unit_test(test_max_rejects),
        cmocka_unit_test(test_dossier_status),
        cmocka_unit_test(test_office_words),
        cmocka_unit_test(test_messy_equals_tidy),
        cmocka_unit_test(test_messy_files_equal_tidy),
    };

    return cmocka_run_group_tests_name("services", tests, NULL, NULL);
}

/*
 * test_published.c - the published-results store, its validation, and
 * trends over it (segments never cross a break).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#include "chiso_stats.h"

#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>

#define HEAD                                                                   \
    "index,year,unit_code,unit,unit_type,component,component_id,"              \
    "component_name,value,scale,max,rank,rank_of,rank_derived,status,"         \
    "preferred,conflict,preferred_reason,confidence,source,note\n"

static const char *
store_path(void)
{
    return chiso_test_path("datasets/published/results.csv");
}

static const char *
breaks_path(void)
{
    return chiso_test_path("datasets/published/breaks.csv");
}

static void
test_shipped_store_loads(void **state)
{
    chiso_published *s = NULL;
    chiso_diag d;
    size_t i, n_conflict = 0, n_pref_conflict = 0, n_hy = 0;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_published_load(&s, store_path(), breaks_path(), &d),
                     CHISO_OK);
    assert_true(s->n > 300);
    assert_int_equal(s->n_breaks, 8);
    for (i = 0; i < s->n; i++) {
        const chiso_pub_row *r = &s->rows[i];
        if (r->conflict[0] != '\0' && strncmp(r->conflict, "par-2023-b", 10)) {
            n_conflict++;
            n_pref_conflict += (size_t)r->preferred;
        }
        if (strcmp(r->unit_code, "hung-yen") == 0) {
            n_hy++;
            assert_string_equal(r->unit, "Hưng Yên");
        }
    }
    /* Hải Phòng 2023, TT-Huế PAPI 2023, Quảng Ninh PAPI 2020: 2 rows each,
     * one preferred */
    assert_int_equal(n_conflict, 6);
    assert_int_equal(n_pref_conflict, 3);
    assert_true(n_hy >= 20);
    chiso_published_free(s);
}

static chiso_status
check_text(const char *text, chiso_diag_list *list)
{
    const char *p = chiso_test_file("store.csv", text);

    chiso_diag_list_init(list, 16);
    list->lang = CHISO_LANG_EN; /* the needles are the English msgids */
    return chiso_published_check(NULL, p, list);
}

static int
has_problem(const chiso_diag_list *l, unsigned long line, const char *frag)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        if (l->items[i].line == line && strstr(l->items[i].message, frag)) {
            return 1;
        }
    }
    return 0;
}

static void
test_validation_errors(void **state)
{
    chiso_diag_list l;

    (void)state;
    /* duplicate fact without a conflict tag; a row with preferred 0 alone */
    assert_int_equal(
        check_text(
            HEAD "SIPAS,2023,ha-noi,Hà "
                 "Nội,province,total,,,85.10,%,,,,0,published,1,,,high,src,\n"
                 "SIPAS,2023,ha-noi,Hà "
                 "Nội,province,total,,,85.20,%,,,,0,published,1,,,high,src2,\n"
                 "SIPAS,2022,ha-noi,Hà "
                 "Nội,province,total,,,84.00,%,,,,0,published,0,,,high,src,\n",
            &l),
        CHISO_EDATA);
    assert_true(has_problem(&l, 3, "duplicate fact"));
    assert_true(has_problem(&l, 4, "preferred is 0 but no other row"));
    chiso_diag_list_free(&l);
    /* a marked conflict with two preferred rows */
    assert_int_equal(
        check_text(
            HEAD
            "SIPAS,2023,ha-noi,Hà "
            "Nội,province,total,,,85.10,%,,,,0,published,1,c1,why,high,src,\n"
            "SIPAS,2023,ha-noi,Hà "
            "Nội,province,total,,,85.20,%,,,,0,published,1,c1,why,low,src2,\n",
            &l),
        CHISO_EDATA);
    assert_true(has_problem(&l, 2, "2 of them are preferred"));
    chiso_diag_list_free(&l);
    /* a marked conflict with one preferred row is fine */
    assert_int_equal(
        check_text(
            HEAD
            "SIPAS,2023,ha-noi,Hà "
            "Nội,province,total,,,85.10,%,,,,0,published,1,c1,why,high,src,\n"
            "SIPAS,2023,ha-noi,Hà "
            "Nội,province,total,,,85.20,%,,,,0,published,0,c1,why,low,src2,\n",
            &l),
        CHISO_OK);
    chiso_diag_list_free(&l);
    /* ranks, scales, years, types */
    assert_int_equal(
        check_text(
            HEAD "PAR_INDEX,2023,ha-noi,Hà "
                 "Nội,province,total,,,91.43,%,,64,63,0,published,1,,,high,s,\n"
                 "PAR_INDEX,2025,ha-noi,Hà "
                 "Nội,province,total,,,91.43,%,,40,63,0,published,1,,,high,s,\n"
                 "PAPI,2023,ha-noi,Hà "
                 "Nội,province,total,,,81.5,/80,,,,0,published,1,,,high,s,\n"
                 "PAPI,20233,ha-noi,Hà "
                 "Nội,province,total,,,43.1,/80,,,,0,published,1,,,high,s,\n"
                 "PAPI,2022,ha-noi,Hà "
                 "Nội,province,total,,,43.1,/90,,,,0,published,1,,,high,s,\n"
                 "PAPI,2021,ha-noi,Hà "
                 "Nội,city,total,,,43.1,/80,,,,0,published,1,,,medium,s,\n"
                 "PAPI,2020,ha-noi,Hà "
                 "Nội,province,total,,,abc,/80,,,,0,published,1,,,high,s,\n"
                 "PAPI,2019,ha-noi,Hà "
                 "Nội,province,total,,,,/80,,,,0,not_scored,1,,,high,s,\n"
                 "PAPI,2018,ha-noi,Hà "
                 "Nội,province,total,,,,/80,,5,,0,published,1,,,high,,\n",
            &l),
        CHISO_EDATA);
    assert_true(has_problem(&l, 2, "rank 64 is above rank_of 63"));
    assert_true(has_problem(&l, 3, "above the 34 provinces of 2025"));
    assert_true(has_problem(&l, 4, "outside the scale '/80' (8..80)"));
    assert_true(has_problem(&l, 5, "invalid year '20233'"));
    assert_true(has_problem(&l, 6, "invalid scale '/90'"));
    assert_true(has_problem(&l, 7, "invalid unit type 'city'"));
    assert_true(has_problem(&l, 8, "invalid number 'abc'"));
    assert_true(has_problem(&l, 9, "needs the reason in column 'note'"));
    assert_true(has_problem(&l, 10, "needs the number of ranked units"));
    assert_true(has_problem(&l, 10, "empty source"));
    chiso_diag_list_free(&l);
    /* missing column */
    assert_int_equal(check_text("index,year,unit\nPAR_INDEX,2023,x\n", &l),
                     CHISO_ESCHEMA);
    chiso_diag_list_free(&l);
}

static void
test_papi_sums(void **state)
{
    chiso_diag_list l;

    (void)state;
    /* Hà Nội 2023 dimension 6 = 1.7029 + 1.9570 + 2.2548 + 1.9339 = 7.8486
     * (published); 7.8586 is off by 0.01 > 5 * 0.00005 */
    assert_int_equal(check_text(HEAD "PAPI,2023,ha-noi,Hà "
                                     "Nội,province,dimension,D6,x,7.8586,/"
                                     "10,,,,0,published,1,,,high,s,\n"
                                     "PAPI,2023,ha-noi,Hà "
                                     "Nội,province,subdimension,D6.1,x,1.7029,"
                                     "pts,,,,0,published,1,,,high,s,\n"
                                     "PAPI,2023,ha-noi,Hà "
                                     "Nội,province,subdimension,D6.2,x,1.9570,"
                                     "pts,,,,0,published,1,,,high,s,\n"
                                     "PAPI,2023,ha-noi,Hà "
                                     "Nội,province,subdimension,D6.3,x,2.2548,"
                                     "pts,,,,0,published,1,,,high,s,\n"
                                     "PAPI,2023,ha-noi,Hà "
                                     "Nội,province,subdimension,D6.4,x,1.9339,"
                                     "pts,,,,0,published,1,,,high,s,\n",
                                &l),
                     CHISO_EDATA);
    assert_true(has_problem(&l, 2, "add up to 7.8486"));
    chiso_diag_list_free(&l);
    /* 2-decimal table: Hà Nam 2019 D1 5.54, parts add to 5.53: within
     * (4 + 1) * 0.005 */
    assert_int_equal(
        check_text(
            HEAD
            "PAPI,2019,ha-nam,Hà "
            "Nam,province,dimension,D1,x,5.54,/10,,,,0,published,1,,,high,s,\n"
            "PAPI,2019,ha-nam,Hà "
            "Nam,province,subdimension,D1.1,x,0.87,pts,,,,0,published,1,,,high,"
            "s,\n"
            "PAPI,2019,ha-nam,Hà "
            "Nam,province,subdimension,D1.2,x,1.61,pts,,,,0,published,1,,,high,"
            "s,\n"
            "PAPI,2019,ha-nam,Hà "
            "Nam,province,subdimension,D1.3,x,1.72,pts,,,,0,published,1,,,high,"
            "s,\n"
            "PAPI,2019,ha-nam,Hà "
            "Nam,province,subdimension,D1.4,x,1.33,pts,,,,0,published,1,,,high,"
            "s,\n",
            &l),
        CHISO_OK);
    chiso_diag_list_free(&l);
    /* all 8 dimensions present: they must add up to the aggregate */
    assert_int_equal(
        check_text(
            HEAD
            "PAPI,2022,x-y,X "
            "Y,province,total,,,45.00,/80,,,,0,published,1,,,high,s,\n"
            "PAPI,2022,x-y,X "
            "Y,province,dimension,D1,x,5.00,/10,,,,0,published,1,,,high,s,\n"
            "PAPI,2022,x-y,X "
            "Y,province,dimension,D2,x,5.00,/10,,,,0,published,1,,,high,s,\n"
            "PAPI,2022,x-y,X "
            "Y,province,dimension,D3,x,5.00,/10,,,,0,published,1,,,high,s,\n"
            "PAPI,2022,x-y,X "
            "Y,province,dimension,D4,x,5.00,/10,,,,0,published,1,,,high,s,\n"
            "PAPI,2022,x-y,X "
            "Y,province,dimension,D5,x,5.00,/10,,,,0,published,1,,,high,s,\n"
            "PAPI,2022,x-y,X "
            "Y,province,dimension,D6,x,5.00,/10,,,,0,published,1,,,high,s,\n"
            "PAPI,2022,x-y,X "
            "Y,province,dimension,D7,x,5.00,/10,,,,0,published,1,,,high,s,\n"
            "PAPI,2022,x-y,X "
            "Y,province,dimension,D8,x,5.00,/10,,,,0,published,1,,,high,s,\n",
            &l),
        CHISO_EDATA);
    assert_true(has_problem(&l, 2, "8 dimensions add up to 40.00"));
    chiso_diag_list_free(&l);
}

static void
test_breaks_check(void **state)
{
    chiso_diag_list l;
    const char *p = chiso_test_file(
        "breaks.csv",
        "index,year,unit_code,kind,what_changed,source,confidence\n"
        "SIPAS,2022,,sampling,households,src,high\n"
        "SIPAS,2022,,sampling,again,src,high\n"
        ",2025,,boundary,merger,src,high\n"
        "PAR_INDEX,2022,,policy,x,src,high\n");

    (void)state;
    chiso_diag_list_init(&l, 16);
    l.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_breaks_check(NULL, p, &l), CHISO_EDATA);
    assert_true(has_problem(&l, 3, "duplicate break"));
    assert_true(has_problem(&l, 4, "boundary break needs the unit"));
    assert_true(has_problem(&l, 5, "invalid kind 'policy'"));
    chiso_diag_list_free(&l);
}

/* A store with a break in 2020: 2017-2019 and 2020-2023 are separate. */
static void
test_trend_segments(void **state)
{
    chiso_published *s = NULL;
    chiso_trend_result *t = NULL;
    chiso_trend_options o = CHISO_TREND_OPTIONS_INIT;
    o.lang =
        CHISO_LANG_EN; /* the reasons checked below are the English msgids */
    const chiso_trend_series *v;
    const char *rp = chiso_test_file(
        "trend.csv",
        HEAD "PAR_INDEX,2017,x-a,Tỉnh "
             "A,province,total,,,78.40,%,,10,63,0,published,1,,,high,s,\n"
             "PAR_INDEX,2018,x-a,Tỉnh "
             "A,province,total,,,80.15,%,,9,63,0,published,1,,,high,s,\n"
             "PAR_INDEX,2019,x-a,Tỉnh "
             "A,province,total,,,80.30,%,,12,63,0,published,1,,,high,s,\n"
             "PAR_INDEX,2020,x-a,Tỉnh "
             "A,province,total,,,81.25,%,,,,0,published,1,,,high,s,\n"
             "PAR_INDEX,2021,x-a,Tỉnh "
             "A,province,total,,,82.90,%,,,,0,published,1,,,high,s,\n"
             "PAR_INDEX,2023,x-a,Tỉnh "
             "A,province,total,,,82.10,%,,,,0,published,1,,,high,s,\n"
             "PAR_INDEX,2022,x-a,Tỉnh "
             "A,province,total,,,85.00,%,,,,0,published,0,c,not this,low,s,\n"
             "PAR_INDEX,2022,x-a,Tỉnh "
             "A,province,total,,,84.75,%,,,,0,published,1,c,this,high,s,\n");
    const char *bp = chiso_test_file(
        "tbreaks.csv",
        "index,year,unit_code,kind,what_changed,source,confidence\n"
        "PAR_INDEX,2020,,methodology,new criteria,src,high\n");
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_published_load(&s, rp, bp, &d), CHISO_OK);
    o.index = "PAR_INDEX";
    o.unit = "tinh a";
    assert_int_equal(chiso_trend_compute(&t, s, &o, &d), CHISO_OK);
    assert_int_equal(t->n_units, 1);
    assert_int_equal(t->n_skipped, 1);
    assert_non_null(strstr(t->skipped[0].reason, "not preferred"));
    v = &t->units[0].values;
    assert_int_equal(v->n_points, 7);
    assert_int_equal(v->n_segments, 2);
    /* 2017-2019: [trend3.*] slope 0.95, p 0.2880949285313169 */
    assert_int_equal(v->segments[0].first_year, 2017);
    assert_int_equal(v->segments[0].last_year, 2019);
    assert_true(v->segments[0].computable);
    chiso_assert_close(v->segments[0].ols.slope, 0.95, 1e-12);
    chiso_assert_close(v->segments[0].ols.p_value, 0.2880949285313169, 1e-12);
    /* 2020-2023 with the preferred 2022 (84.75), sorted by year:
     * 81.25, 82.90, 84.75, 82.10; hand: Sxx = 5, Sxy = 2.25 - 0.075 +
     * 1.0 - 0.975 = 2.2, slope = 0.44 */
    assert_int_equal(v->segments[1].first_year, 2020);
    assert_int_equal(v->segments[1].n, 4);
    chiso_assert_close(v->segments[1].ols.slope, 0.44, 1e-12);
    /* the change across the break is not computed */
    assert_false(v->changes[2].comparable);
    assert_true(isnan(v->changes[2].change));
    assert_non_null(strstr(v->changes[2].reason, "new criteria"));
    chiso_assert_close(v->changes[0].change, 1.75, 1e-12);
    /* ranks: 2017-2019 only, n = 3 */
    assert_int_equal(t->units[0].ranks.n_points, 3);
    assert_true(t->units[0].ranks.segments[0].computable);
    chiso_assert_close(t->units[0].ranks.segments[0].ols.slope, 1.0, 1e-12);
    chiso_trend_free(t);
    /* an unknown unit */
    o.unit = "Tỉnh Z";
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_trend_compute(&t, s, &o, &d), CHISO_EDATA);
    assert_non_null(strstr(d.message, "unknown unit 'Tỉnh Z'"));
    chiso_published_free(s);
}

static void
test_shipped_hung_yen(void **state)
{
    chiso_published *s = NULL;
    chiso_trend_result *t = NULL;
    chiso_trend_options o = CHISO_TREND_OPTIONS_INIT;
    o.lang =
        CHISO_LANG_EN; /* the reasons checked below are the English msgids */
    chiso_latest l;
    chiso_diag d;
    const chiso_trend_series *r;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_published_load(&s, store_path(), breaks_path(), &d),
                     CHISO_OK);
    o.index = "PAPI";
    o.unit = "Hưng Yên";
    assert_int_equal(chiso_trend_compute(&t, s, &o, &d), CHISO_OK);
    r = &t->units[0].ranks;
    /* 2020 44/63, 2021 5/63, 2023 12/61, 2024 19/63: three segments */
    assert_int_equal(r->n_points, 4);
    assert_int_equal(r->n_segments, 3);
    chiso_assert_close(r->changes[0].change, -39.0, 0);
    assert_false(r->changes[1].comparable);
    assert_non_null(strstr(r->changes[1].reason, "out of 61"));
    assert_false(r->segments[0].computable);
    assert_non_null(strstr(r->segments[0].reason, "needs at least 3"));
    chiso_trend_free(t);
    assert_int_equal(chiso_published_latest(s, "PAR_INDEX", "hung-yen", &l, &d),
                     CHISO_OK);
    assert_int_equal(l.latest->year, 2024);
    assert_int_equal(l.latest->rank, 14);
    assert_null(l.latest_value);
    assert_non_null(strstr(l.latest->source, "vietnam.vn"));
    {
        cJSON *j = chiso_latest_to_json(&l);
        char *text = chiso_json_print(j);
        assert_non_null(text);
        assert_non_null(strstr(text, "\"latest_value\": null"));
        assert_non_null(strstr(text, "\"rank\": 14"));
        assert_non_null(strstr(text, "\"rank_of\": 63"));
        assert_non_null(strstr(text, "\"rank_trend\": {"));
        free(text);
        cJSON_Delete(j);
    }
    chiso_latest_clear(&l);
    assert_int_equal(chiso_published_latest(s, "PAPI", "Hưng Yên", &l, &d),
                     CHISO_OK);
    assert_int_equal(l.latest->year, 2024);
    assert_int_equal(l.latest_value->year, 2021);
    chiso_assert_close(l.latest_value->value, 45.366, 1e-12);
    chiso_latest_clear(&l);
    chiso_published_free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_store_loads),
        cmocka_unit_test(test_validation_errors),
        cmocka_unit_test(test_papi_sums),
        cmocka_unit_test(test_breaks_check),
        cmocka_unit_test(test_trend_segments),
        cmocka_unit_test(test_shipped_hung_yen),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("published", tests, NULL, NULL);
}

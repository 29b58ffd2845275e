/*
 * test_tasks.c - task-register definitions on a hand-computed register.
 *
 * as of 30/06/2024 (a date: the end of that day), by half-year of the
 * deadline:
 *   t1 A due 31/03 (date)  done 31/03 23:59:59  on time (end of the due day)
 *   t2 A due 31/03 (date)  done 01/04 00:00:00  late by one second -> a
 *                                                date is compared by days:
 *                                                1 day late
 *   t3 A due 10/05 17:00   done 12/05 05:00     late 1.5 days
 *   t4 A due 30/06 (date)  open                 due today: not overdue
 *   t5 A due 20/06 (date)  open                 overdue 10 days
 *   t6 A due 15/07 (date)  done 01/07           done after as_of: open; H2
 *   t7 B due 01/02 (date)  open                 overdue 150 days
 *                                                (29+31+30+31+29)
 *   t8 B no deadline       done 10/01           counted apart
 *   t9 B due 01/03         status "Đã hủy"      cancelled, not counted
 *   t10 A due 15/04 (date) done 14/04           on time
 * A, 2024-H1: assigned 6 (t1-t5, t10), completed 4, on time 2 (t1, t10),
 * late 2 (t2, t3), not due 1 (t4), overdue 1 (t5);
 * on-time rate 2 / (4 + 1) = 40 %, completed 4 / 6; days late 1, 1.5.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"
#include "chiso_logs.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#define TOL 1e-12

static const char reg[] =
    "\xEF\xBB\xBFMã nhiệm vụ;Đơn vị chủ trì;Nội dung;Văn bản giao;Ngày giao;"
    "Hạn xử lý;Ngày hoàn thành;Trạng thái\n"
    "t1;A;Báo cáo quý I;123/UBND;01/01/2024;31/03/2024;31/03/2024 23:59:59;"
    "Đã hoàn thành\n"
    "t2;A;Kế hoạch CCHC;123/UBND;01/01/2024;31/03/2024;01/04/2024 00:00:00;"
    "Hoàn thành quá hạn\n"
    "t3;A;Rà soát TTHC;45/KH;02/04/2024;10/05/2024 17:00;12/05/2024 05:00;\n"
    "t4;A;Tổng kết 6 tháng;45/KH;02/04/2024;30/06/2024;;Đang thực hiện\n"
    "t5;A;\"Số hóa hồ sơ; lưu trữ\";45/KH;02/04/2024;20/06/2024;;\n"
    "t6;A;Kiểm tra;45/KH;02/04/2024;15/07/2024;01/07/2024;\n"
    "t7;B;Đề án vị trí việc làm;9/QĐ;10/01/2024;01/02/2024;;Quá hạn\n"
    "t8;B;Thường xuyên;9/QĐ;10/01/2024;;10/01/2024;\n"
    "t9;B;Bỏ;9/QĐ;10/01/2024;01/03/2024;;Đã hủy\n"
    "t10;A;Tuyên truyền;45/KH;02/04/2024;15/04/2024;14/04/2024;\n";

static chiso_tasks_result *
run(const char *text, chiso_period_kind kind)
{
    chiso_tasks_options o = CHISO_TASKS_OPTIONS_INIT;
    chiso_tasks_result *res = NULL;
    chiso_diag d;

    o.period = kind;
    assert_int_equal(chiso_stamp_parse("30/06/2024", 10, &o.as_of, NULL, 0), 0);
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    if (chiso_tasks_compute_mem(&res, "reg.csv", text, strlen(text), &o, &d) !=
        CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    return res;
}

static void
test_definitions(void **state)
{
    chiso_tasks_result *res = run(reg, CHISO_PERIOD_HALF);
    const chiso_tasks_row *r;

    (void)state;
    assert_int_equal(res->rows_read, 10);
    assert_int_equal(res->rows_counted, 10);
    assert_int_equal(res->rows_rejected, 0);
    assert_int_equal(res->cancelled, 1);
    r = chiso_tasks_find(res, "A", 2024 * 2);
    assert_non_null(r);
    assert_string_equal(r->period, "2024-H1");
    assert_int_equal(r->assigned, 6);
    assert_int_equal(r->completed, 4);
    assert_int_equal(r->completed_on_time, 2);
    assert_int_equal(r->completed_late, 2);
    assert_int_equal(r->open_not_due, 1);
    assert_int_equal(r->overdue, 1);
    chiso_assert_close(r->on_time_pct, 40.0, TOL);
    chiso_assert_close(r->completed_pct, 400.0 / 6, TOL);
    chiso_assert_close(r->days_late_mean, 1.25, TOL);
    chiso_assert_close(r->days_late_median, 1.25, TOL);
    chiso_assert_close(r->days_late_max, 1.5, TOL);

    r = chiso_tasks_find(res, "A", 2024 * 2 + 1);
    assert_non_null(r);
    assert_int_equal(r->assigned, 1);
    assert_int_equal(r->completed, 0); /* completed after as_of */
    assert_int_equal(r->open_not_due, 1);
    assert_true(isnan(r->on_time_pct)); /* nothing decided yet: 0 / 0 */
    chiso_assert_close(r->completed_pct, 0.0, TOL);

    r = chiso_tasks_find(res, "B", 2024 * 2);
    assert_non_null(r);
    assert_int_equal(r->overdue, 1);
    chiso_assert_close(r->on_time_pct, 0.0, TOL);
    assert_true(isnan(r->days_late_mean));

    /* all units, H1: A's six plus B's t7 */
    r = chiso_tasks_find(res, NULL, 2024 * 2);
    assert_int_equal(r->assigned, 7);
    chiso_assert_close(r->on_time_pct, 100.0 * 2 / 6, TOL);

    /* most overdue first */
    assert_int_equal(res->n_overdue, 2);
    assert_string_equal(res->overdue[0].task_id, "t7");
    chiso_assert_close(res->overdue[0].days_overdue, 150.0, TOL);
    assert_string_equal(res->overdue[1].task_id, "t5");
    chiso_assert_close(res->overdue[1].days_overdue, 10.0, TOL);
    assert_string_equal(res->overdue[1].title, "Số hóa hồ sơ; lưu trữ");

    /* without a deadline: counted apart */
    assert_int_equal(res->n_undated, 1);
    assert_string_equal(res->undated[0].unit, "B");
    assert_int_equal(res->undated[0].tasks, 1);
    assert_int_equal(res->undated[0].completed, 1);
    assert_int_equal(res->undated_total.tasks, 1);
    chiso_tasks_free(res);
}

static void
test_month_grouping(void **state)
{
    chiso_tasks_result *res = run(reg, CHISO_PERIOD_MONTH);
    const chiso_tasks_row *r;

    (void)state;
    /* t1 and t2 are due 31/03: both in March, one on time, one late */
    r = chiso_tasks_find(res, "A", 2024 * 12 + 2);
    assert_non_null(r);
    assert_int_equal(r->assigned, 2);
    assert_int_equal(r->completed_on_time, 1);
    assert_int_equal(r->completed_late, 1);
    chiso_assert_close(r->days_late_max, 1.0, TOL);
    chiso_tasks_free(res);
}

static void
test_bad_rows(void **state)
{
    static const char bad[] = "task_id,unit,due_at,completed_at,status\n"
                              "x1,A,31/02/2024,,\n"
                              "x2,A,2024-03-01,,Đã hoàn thành\n"
                              "x3,A,2024-03-01,,maybe\n"
                              "x4,A,2024-03-01,2024-02-01,\n";
    chiso_tasks_options o = CHISO_TASKS_OPTIONS_INIT;
    chiso_tasks_result *res = NULL;
    chiso_diag d;
    int n = 0;

    (void)state;
    assert_int_equal(chiso_stamp_parse("2024-06-30", 10, &o.as_of, NULL, 0), 0);
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_tasks_compute_mem(&res, "b.csv", bad, strlen(bad), &o, &d),
        CHISO_EDATA);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.column, 6);
    assert_non_null(strstr(d.message, "invalid date '31/02/2024'"));
    o.table.on_reject = NULL;
    (void)n;
    chiso_tasks_free(res);
}

static int
count(void *ctx, const chiso_reject *rej)
{
    (void)rej;
    (*(int *)ctx)++;
    return 0;
}

static void
test_rejects_reconcile(void **state)
{
    static const char bad[] = "task_id,unit,due_at,completed_at,status\n"
                              "x1,A,31/02/2024,,\n"
                              "x2,A,2024-03-01,,Đã hoàn thành\n"
                              "x3,A,2024-03-01,,maybe\n"
                              "x4,A,2024-03-01,2024-02-01,\n"
                              "x5,A,2024-03-01,2024-03-01,\n"
                              "x6,A\n";
    chiso_tasks_options o = CHISO_TASKS_OPTIONS_INIT;
    chiso_tasks_result *res = NULL;
    chiso_diag d;
    int n = 0;

    (void)state;
    assert_int_equal(chiso_stamp_parse("2024-06-30", 10, &o.as_of, NULL, 0), 0);
    o.table.on_reject = count;
    o.table.reject_ctx = &n;
    o.table.max_rejects_pct = 100;
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_tasks_compute_mem(&res, "b.csv", bad, strlen(bad), &o, &d),
        CHISO_OK);
    /* x1 impossible date, x2 completed without a date, x3 unknown status,
     * x6 wrong field count; x4 (done before due) and x5 are fine */
    assert_int_equal(res->rows_read, 6);
    assert_int_equal(res->rows_rejected, 4);
    assert_int_equal(res->rows_counted, 2);
    assert_int_equal(n, 4);
    assert_int_equal(res->overall.completed_on_time, 2);
    chiso_tasks_free(res);
}

static void
test_inputs(void **state)
{
    chiso_tasks_result *res = run(reg, CHISO_PERIOD_HALF);
    chiso_input_set set = CHISO_INPUT_SET_INIT;
    size_t i;
    int seen = 0;

    (void)state;
    assert_int_equal(chiso_tasks_inputs(&set, res, "A", 2024 * 2, NULL, NULL),
                     CHISO_OK);
    for (i = 0; i < set.n; i++) {
        const chiso_input_value *v = &set.items[i];
        assert_true(chiso_derived_input_known(v->name));
        if (strcmp(v->name, "tasks.on_time_pct") == 0) {
            chiso_assert_close(v->numerator, 2, 0);
            chiso_assert_close(v->denominator, 5, 0);
            chiso_assert_close(v->value, 40, TOL);
            seen++;
        }
        if (strcmp(v->name, "tasks.assigned") == 0) {
            chiso_assert_close(v->value, 6, 0);
            assert_int_equal(v->has_counts, 0);
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    chiso_input_set_free(&set);
    chiso_tasks_free(res);
}

static chiso_status
run_opts(const char *text,
         chiso_tasks_options *o,
         chiso_tasks_result **res,
         chiso_diag *d)
{
    memset(d, 0, sizeof(*d));
    d->lang = CHISO_LANG_EN;
    *res = NULL;
    assert_int_equal(chiso_stamp_parse("30/06/2024", 10, &o->as_of, NULL, 0),
                     0);
    return chiso_tasks_compute_mem(res, "t.csv", text, strlen(text), o, d);
}

/* Issue 10, scenario 5: 35 of 40 rows rejected must fail (it printed 0 %
 * on time and exit 0). */
static void
test_rejects_35_of_40(void **state)
{
    chiso_buf b = CHISO_BUF_INIT;
    chiso_tasks_options o = CHISO_TASKS_OPTIONS_INIT;
    chiso_tasks_result *res;
    chiso_diag d;
    int i, n = 0;

    (void)state;
    chiso_buf_puts(&b, "task_id,unit,due_at,completed_at\n");
    for (i = 0; i < 40; i++) {
        chiso_buf_printf(&b, "t%d,A,%s,\n", i,
                         i < 35 ? "30/02/2024" : "2024-03-01");
    }
    o.table.on_reject = count;
    o.table.reject_ctx = &n;
    assert_int_equal(run_opts(b.data, &o, &res, &d), CHISO_EDATA);
    assert_null(res);
    assert_int_equal(n, 35);
    assert_non_null(strstr(d.message, "35 of 40 rows rejected (87.5 %)"));
    chiso_buf_free(&b);
}

/*
 * Issue 10, scenario 3: the register names the unit "Sở Tư pháp", the
 * configuration says "STP". 7 tasks of Sở Tư pháp overdue at 30/06/2024,
 * one of another unit. Without the name: an error, never "0 overdue";
 * with it: 7 overdue, listed under STP.
 */
static void
test_unit_names(void **state)
{
    chiso_buf b = CHISO_BUF_INIT;
    chiso_tasks_options o = CHISO_TASKS_OPTIONS_INIT;
    chiso_tasks_result *res;
    chiso_unit_ref ref = {"STP", NULL, 0};
    static const char *const names[] = {"Sở Tư pháp"};
    chiso_diag d;
    const chiso_tasks_row *r;
    int i;

    (void)state;
    chiso_buf_puts(&b, "Mã NV;Đơn vị chủ trì;Hạn xử lý;Ngày hoàn thành\n");
    for (i = 0; i < 7; i++) {
        chiso_buf_printf(&b, "NV%d;Sở Tư pháp;%02d/05/2024;\n", i, i + 1);
    }
    chiso_buf_puts(&b, "X1;Sở Nội vụ;01/05/2024;\n");
    o.unit = &ref;
    assert_int_equal(run_opts(b.data, &o, &res, &d), CHISO_EDATA);
    assert_non_null(strstr(d.message, "did you mean 'Sở Tư pháp'?"));
    ref.names = names;
    ref.n_names = 1;
    assert_int_equal(run_opts(b.data, &o, &res, &d), CHISO_OK);
    r = chiso_tasks_find(res, "STP", 2024 * 12 + 4);
    assert_non_null(r);
    assert_int_equal(r->overdue, 7);
    assert_int_equal(res->n_overdue, 7);
    assert_string_equal(res->overdue[0].unit, "STP");
    assert_int_equal(res->rows_other_units, 1);
    chiso_tasks_free(res);
    chiso_buf_free(&b);
}

/* A register of one unit, numbered by STT, without an id or unit column:
 * tasks are named by STT (or line), the unit comes from the option. */
static void
test_single_unit_stt(void **state)
{
    static const char reg1[] =
        "STT;Trích yếu nội dung nhiệm vụ;Số, ký hiệu văn bản;Thời hạn hoàn "
        "thành;Ngày hoàn thành;Trạng thái\n"
        "1;Báo cáo quý;12/UBND;31/03/2024;;Đang thực hiện quá hạn\n"
        ";Kế hoạch;12/UBND;30/04/2024;;Chưa hoàn thành\n"
        "3;Tổng kết;12/UBND;30/05/2024;29/05/2024;Đã hoàn thành đúng hạn\n";
    chiso_tasks_options o = CHISO_TASKS_OPTIONS_INIT;
    chiso_tasks_result *res;
    chiso_unit_ref ref = {"STP", NULL, 0};
    chiso_diag d;

    (void)state;
    assert_int_equal(run_opts(reg1, &o, &res, &d), CHISO_ESCHEMA);
    assert_non_null(strstr(d.message, "--unit CODE"));
    o.unit = &ref;
    assert_int_equal(run_opts(reg1, &o, &res, &d), CHISO_OK);
    assert_int_equal(res->overall.assigned, 3);
    assert_int_equal(res->overall.overdue, 2);
    assert_int_equal(res->overall.completed_on_time, 1);
    assert_int_equal(res->n_overdue, 2);
    /* most overdue first: STT 1 (91 days), then the row without STT, at
     * line 3 (61 days) */
    assert_string_equal(res->overdue[0].task_id, "No. 1");
    assert_string_equal(res->overdue[0].title, "Báo cáo quý");
    assert_string_equal(res->overdue[0].source_document, "12/UBND");
    assert_string_equal(res->overdue[1].task_id, "line 3");
    chiso_tasks_free(res);
}

static char *
tasks_csv(const chiso_tasks_result *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    chiso_tasks_write_csv(r, f);
    fclose(f);
    return buf;
}

/* What the results say, not where they came from: groups, totals, the
 * tasks without deadline, cancelled, and each overdue task's deadline,
 * days and title. */
static char *
tasks_core(const chiso_tasks_result *r)
{
    cJSON *root = chiso_tasks_to_json(r), *o = cJSON_CreateObject(), *it;
    cJSON *over;
    char *text;
    static const char *const keys[] = {"groups", "period_totals", "overall",
                                       "without_deadline", "cancelled"};
    size_t k;

    for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        cJSON_AddItemToObject(o, keys[k],
                              cJSON_DetachItemFromObject(root, keys[k]));
    }
    over = cJSON_DetachItemFromObject(root, "overdue");
    cJSON_ArrayForEach(it, over)
    {
        cJSON_DeleteItemFromObject(it, "task_id");
        cJSON_DeleteItemFromObject(it, "line");
        cJSON_DeleteItemFromObject(it, "source_document");
    }
    cJSON_AddItemToObject(o, "overdue", over);
    text = cJSON_Print(o);
    cJSON_Delete(root);
    cJSON_Delete(o);
    return text;
}

/*
 * Issue 11, done means, for task registers: a register as an office keeps
 * it (a title, tasks numbered by STT without ids, no unit column, the
 * office's column names and status words, a "Cộng" row, Excel serial dates
 * read with CHISO_DATE_EXCEL_SERIAL) gives the results of the same tasks
 * tidied by hand. Excel serials: 45382 = 2024-03-31, 45412 = 2024-04-30,
 * 45473 = 2024-06-30, 45381 = 2024-03-30.
 */
static void
test_messy_register_equals_tidy(void **state)
{
    static const char messy[] =
        "SỔ THEO DÕI NHIỆM VỤ UBND TỈNH GIAO NĂM 2024;;;;;\n"
        "(Kèm theo báo cáo số 12/BC-STP);;;;;\n"
        "STT;Trích yếu nội dung nhiệm vụ;Số, ký hiệu văn bản;Thời hạn "
        "hoàn thành;Ngày hoàn thành;Tình hình thực hiện\n"
        "1;Báo cáo quý I;12/UBND;45382;45381;Đã hoàn thành đúng hạn\n"
        "2;Kế hoạch CCHC;13/UBND;45412;;Đang thực hiện quá hạn\n"
        "3;Tổng kết 6 tháng;14/UBND;30/06/2024;;Đang thực hiện trong hạn\n"
        "4;Rà soát TTHC;15/UBND;15/05/2024;20/05/2024;Đã hoàn thành quá "
        "hạn\n"
        "5;Thường xuyên;16/UBND;;;Chưa hoàn thành\n"
        "6;Bỏ;17/UBND;01/03/2024;;Đã hủy\n"
        ";Cộng;;;;\n";
    static const char tidy[] =
        "task_id,unit,title,due_at,completed_at,status\n"
        "1,STP,Báo cáo quý I,2024-03-31,2024-03-30,done\n"
        "2,STP,Kế hoạch CCHC,2024-04-30,,open\n"
        "3,STP,Tổng kết 6 tháng,2024-06-30,,open\n"
        "4,STP,Rà soát TTHC,2024-05-15,2024-05-20,done\n"
        "5,STP,Thường xuyên,,,open\n"
        "6,STP,Bỏ,2024-03-01,,cancelled\n";
    chiso_tasks_options o = CHISO_TASKS_OPTIONS_INIT;
    chiso_tasks_result *a = NULL, *b = NULL;
    chiso_unit_ref ref = {"STP", NULL, 0};
    chiso_diag d;
    char *ca, *cb, *ja, *jb;

    (void)state;
    o.period = CHISO_PERIOD_QUARTER;
    assert_int_equal(run_opts(tidy, &o, &b, &d), CHISO_OK);
    o.unit = &ref;
    o.table.date_flags = CHISO_DATE_EXCEL_SERIAL;
    if (run_opts(messy, &o, &a, &d) != CHISO_OK) {
        fail_msg("%lu:%lu %s", d.line, d.column, d.message);
    }
    assert_int_equal(a->rows_totals, 1);
    assert_int_equal(a->cancelled, 1);
    assert_int_equal(a->overall.overdue, 1);
    ca = tasks_csv(a);
    cb = tasks_csv(b);
    assert_string_equal(ca, cb);
    ja = tasks_core(a);
    jb = tasks_core(b);
    assert_string_equal(ja, jb);
    /* without an id, the STT names the task */
    assert_string_equal(a->overdue[0].task_id, "No. 2");
    free(ca);
    free(cb);
    free(ja);
    free(jb);
    chiso_tasks_free(a);
    chiso_tasks_free(b);
}

/* The register of tests/data/messy (make_messy.py) as CSV and as
 * workbooks of three writers (real date cells and dates as text, a title,
 * no unit column, STT, a "Tổng cộng" row, a sheet of instructions first):
 * the results of the same tasks tidied by hand. */
static void
test_messy_register_files(void **state)
{
    static const char tidy[] =
        "task_id,unit,title,source_document,assigned_at,due_at,"
        "completed_at,status\n"
        "1,STP,Báo cáo CCHC quý I,12/KH-UBND,2024-01-05,2024-03-31,"
        "2024-03-28,done\n"
        "2,STP,Rà soát TTHC,15/KH-UBND,2024-01-10,2024-03-31,2024-04-05,"
        "done\n"
        "3,STP,Số hóa hồ sơ,20/QĐ-UBND,2024-02-01,2024-06-30,,open\n"
        "4,STP,Kiểm tra công vụ,22/KH-UBND,2024-02-01,2024-04-15,,open\n";
    static const char *const files[] = {
        "../data/messy/tasks-messy.csv",
        "../data/messy/tasks-messy-openpyxl.xlsx",
        "../data/messy/tasks-messy-xlsxwriter.xlsx",
        "../data/messy/tasks-messy-lo.xlsx",
        "../data/messy/tasks-messy-lo.xls"};
    chiso_tasks_options o = CHISO_TASKS_OPTIONS_INIT;
    chiso_tasks_result *a = NULL, *b = NULL;
    chiso_unit_ref ref = {"STP", NULL, 0};
    chiso_diag d;
    char *cb, *jb;
    size_t f;

    (void)state;
    o.period = CHISO_PERIOD_QUARTER;
    assert_int_equal(run_opts(tidy, &o, &b, &d), CHISO_OK);
    cb = tasks_csv(b);
    jb = tasks_core(b);
    o.unit = &ref;
    for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        char *ca, *ja;
        memset(&d, 0, sizeof(d));
        d.lang = CHISO_LANG_EN;
        if (chiso_tasks_compute(&a, files[f], &o, &d) != CHISO_OK) {
            fail_msg("%s: %s:%lu:%lu %s", files[f], d.path, d.line, d.column,
                     d.message);
        }
        assert_int_equal(a->rows_totals, 1);
        ca = tasks_csv(a);
        ja = tasks_core(a);
        if (strcmp(ca, cb) != 0 || strcmp(ja, jb) != 0) {
            fail_msg("%s:\n%s\n%s\nexpected\n%s\n%s", files[f], ca, ja, cb, jb);
        }
        assert_string_equal(a->overdue[0].task_id, "No. 4");
        free(ca);
        free(ja);
        chiso_tasks_free(a);
        a = NULL;
    }
    free(cb);
    free(jb);
    chiso_tasks_free(b);
}

/* A register of n tasks (ids repeat, days overdue tie often), with or
 * without its id column. */
static char *
many_tasks(size_t n, int with_id)
{
    size_t cap = n * 96 + 128, len = 0, i;
    char *t = malloc(cap);
    unsigned x = 12345u;

    assert_non_null(t);
    len += (size_t)snprintf(t + len, cap - len,
                            "%sunit,title,due_at,completed_at\n",
                            with_id ? "task_id," : "");
    for (i = 0; i < n; i++) {
        unsigned due, done;
        x = x * 1103515245u + 12345u;
        due = 1 + (x >> 16) % 28;
        x = x * 1103515245u + 12345u;
        done = (x >> 16) % 3;
        if (with_id) {
            len +=
                (size_t)snprintf(t + len, cap - len, "T%03u,", (x >> 8) % 50);
        }
        len += (size_t)snprintf(t + len, cap - len,
                                "U%u,Nhiệm vụ %zu,2024-0%u-%02u,%s\n",
                                (x >> 4) % 5, i, 1 + (x >> 20) % 5, due,
                                done == 0 ? "2024-05-01" : "");
    }
    return t;
}

/* Parts of the file sorted apart and merged give the order of one part,
 * which is the documented order (most overdue, unit, id, line). */
static void
test_overdue_order_threads(void **state)
{
    int with_id, k;
    static const int threads[3] = {2, 3, 5};

    (void)state;
    for (with_id = 0; with_id < 2; with_id++) {
        char *text = many_tasks(3000, with_id);
        chiso_tasks_options o = CHISO_TASKS_OPTIONS_INIT;
        chiso_tasks_result *one = NULL;
        chiso_diag d;
        size_t i;

        memset(&d, 0, sizeof(d));
        d.lang = CHISO_LANG_EN;
        assert_int_equal(chiso_stamp_parse("2024-06-30", 10, &o.as_of, NULL, 0),
                         0);
        o.table.threads = 1;
        assert_int_equal(
            chiso_tasks_compute_mem(&one, "m.csv", text, strlen(text), &o, &d),
            CHISO_OK);
        assert_true(one->n_overdue > 500);
        for (i = 1; i < one->n_overdue; i++) {
            const chiso_task_overdue *a = &one->overdue[i - 1];
            const chiso_task_overdue *b = &one->overdue[i];
            int c = a->days_overdue > b->days_overdue   ? -1
                    : a->days_overdue < b->days_overdue ? 1
                                                        : 0;
            if (c == 0) {
                c = strcmp(a->unit, b->unit);
            }
            if (c == 0) { /* the name, "line N" without an id */
                c = strcmp(a->task_id, b->task_id);
            }
            if (c == 0) {
                c = a->line < b->line ? -1 : 1;
            }
            assert_true(c < 0);
        }
        for (k = 0; k < 3; k++) {
            chiso_tasks_result *par = NULL;
            o.table.threads = threads[k];
            o.table.min_split = 1;
            assert_int_equal(chiso_tasks_compute_mem(&par, "m.csv", text,
                                                     strlen(text), &o, &d),
                             CHISO_OK);
            assert_int_equal(par->n_overdue, one->n_overdue);
            for (i = 0; i < one->n_overdue; i++) {
                assert_string_equal(par->overdue[i].task_id,
                                    one->overdue[i].task_id);
                assert_string_equal(par->overdue[i].unit, one->overdue[i].unit);
                assert_string_equal(par->overdue[i].title,
                                    one->overdue[i].title);
                assert_int_equal(par->overdue[i].line, one->overdue[i].line);
            }
            chiso_tasks_free(par);
        }
        chiso_tasks_free(one);
        free(text);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_definitions),
        cmocka_unit_test(test_month_grouping),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_rejects_reconcile),
        cmocka_unit_test(test_inputs),
        cmocka_unit_test(test_rejects_35_of_40),
        cmocka_unit_test(test_unit_names),
        cmocka_unit_test(test_single_unit_stt),
        cmocka_unit_test(test_messy_register_equals_tidy),
        cmocka_unit_test(test_messy_register_files),
        cmocka_unit_test(test_overdue_order_threads),
    };

    return cmocka_run_group_tests_name("tasks", tests, NULL, NULL);
}

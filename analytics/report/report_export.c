/*
 * report_export.c - the tables of `chiso score|services|tasks` as an
 * Excel workbook (--xlsx), through the report pack's table model and
 * sheets, so a table has one layout wherever it is written.
 */
#define _POSIX_C_SOURCE 200809L
#include "report_int.h"

#include "chiso_sheet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define M(R, msgid) chiso_msg((R)->en ? CHISO_LANG_EN : CHISO_LANG_VI, msgid)

static void
init_rp(struct rp *R, chiso_lang lang, chiso_diag *diag)
{
    memset(R, 0, sizeof(*R));
    R->en = lang == CHISO_LANG_EN;
    R->diag = diag;
}

static void
free_rp(struct rp *R)
{
    size_t i;

    chiso_report__free_tables(R);
    for (i = 0; i < R->n_strs; i++) {
        free(R->strs[i]);
    }
    free(R->strs);
}

/* The book with its tables, to memory. */
static chiso_status
finish(struct rp *R, chiso_sheet_book *book, char **out, size_t *len)
{
    size_t i;
    chiso_status st;

    for (i = 0; i < R->n_tables; i++) {
        chiso_report__sheet_table(book, &R->tables[i]);
    }
    if (R->oom) {
        chiso_sheet_book_free(book);
        return chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0,
                              "out of memory");
    }
    st = chiso_sheet_book_to_memory(book, out, len, R->diag);
    chiso_sheet_book_free(book);
    return st;
}

static chiso_status
new_book(struct rp *R, chiso_sheet_book **book, const char *title)
{
    chiso_sheet_book_options o = CHISO_SHEET_BOOK_OPTIONS_INIT;

    o.lang = R->en ? CHISO_LANG_EN : CHISO_LANG_VI;
    o.title = title;
    return chiso_sheet_book_new(book, &o, R->diag);
}

/* One key figure of a workbook's summary sheet, appended at f[*n]; value
 * NaN = no data. Shared with report_office.c. */
void
chiso_report__fig(chiso_sheet_figure *f,
                  size_t *n,
                  const char *label,
                  chiso_sheet_kind kind,
                  double value,
                  int dec,
                  const char *unit,
                  const char *source)
{
    chiso_sheet_figure *x = &f[(*n)++];

    memset(x, 0, sizeof(*x));
    x->label = label;
    x->kind = kind;
    x->value = value;
    x->decimals = dec;
    x->unit = unit;
    x->source = source;
}

chiso_status
chiso_report_score_xlsx(const chiso_framework *fw,
                        const chiso_score_result *res,
                        const char *source,
                        chiso_lang lang,
                        char **out,
                        size_t *len,
                        chiso_diag *diag)
{
    struct rp R;
    chiso_sheet_book *book = NULL;
    chiso_sheet_figure f[8];
    size_t n = 0;
    chiso_status st;

    *out = NULL;
    *len = 0;
    init_rp(&R, lang, diag);
    R.fw = (chiso_framework *)(uintptr_t)fw;
    R.score = (chiso_score_result *)(uintptr_t)res;
    st = new_book(&R, &book, fw->name);
    if (st != CHISO_OK) {
        return st;
    }
    chiso_report__fig(f, &n, M(&R, "Self-assessed PAR index"),
                      CHISO_SHEET_PERCENT, res->index_pct, 2, "%", fw->name);
    chiso_report__fig(f, &n, M(&R, "Self-assessed points"), CHISO_SHEET_NUMBER,
                      res->points, 2, M(&R, "points"), source);
    chiso_report__fig(f, &n, M(&R, "Applicable maximum"), CHISO_SHEET_NUMBER,
                      res->applicable_max, 2, M(&R, "points"), fw->name);
    chiso_report__fig(f, &n, M(&R, "Grade"), CHISO_SHEET_TEXT,
                      res->group ? 0 : (double)NAN, 0, NULL, fw->name);
    f[n - 1].text = res->group ? res->group->label : NULL;
    chiso_report__fig(f, &n, M(&R, "Appraised PAR index"), CHISO_SHEET_PERCENT,
                      res->has_appraised ? res->appraised_index_pct
                                         : (double)NAN,
                      2, "%", source);
    chiso_report__fig(f, &n, M(&R, "Criteria without figures"),
                      CHISO_SHEET_INTEGER, (double)res->n_not_reported, 0, NULL,
                      source);
    chiso_sheet_add_summary(book, M(&R, "Summary"), fw->name, f, n, NULL);
    chiso_report__build_score_tables(&R);
    st = finish(&R, book, out, len);
    free_rp(&R);
    return st;
}

chiso_status
chiso_report_services_xlsx(const chiso_services_result *res,
                           chiso_lang lang,
                           char **out,
                           size_t *len,
                           chiso_diag *diag)
{
    struct rp R;
    struct report_col cols[14];
    struct report_table *t;
    chiso_sheet_book *book = NULL;
    size_t i;
    chiso_status st;

    *out = NULL;
    *len = 0;
    init_rp(&R, lang, diag);
    {
        const struct report_col c[14] = {
            {RT(&R, "Đơn vị", "unit"), RC_TEXT, 0},
            {RT(&R, "Kỳ", "period"), RC_TEXT, 0},
            {RT(&R, "Tiếp nhận", "received"), RC_INT, 0},
            {RT(&R, "Đã giải quyết", "finished"), RC_INT, 0},
            {RT(&R, "Đúng hạn", "finished_on_time"), RC_INT, 0},
            {RT(&R, "Đang giải quyết", "open"), RC_INT, 0},
            {RT(&R, "Trực tuyến (%)", "online_pct"), RC_PCT, 2},
            {RT(&R, "Đúng hạn (%)", "on_time_pct"), RC_PCT, 2},
            {RT(&R, "Ký số thành phần (%)", "components_signed_pct"), RC_PCT,
             2},
            {RT(&R, "Ký số kết quả (%)", "result_signed_pct"), RC_PCT, 2},
            {RT(&R, "Số hóa (%)", "digitized_pct"), RC_PCT, 2},
            {RT(&R, "Mức hài lòng (trung bình)", "satisfaction_mean"), RC_FIXED,
             2},
            {RT(&R, "Số ngày xử lý (trung vị)", "processing_days_median"),
             RC_FIXED, 2},
            {RT(&R, "Số ngày xử lý (P90)", "processing_days_p90"), RC_FIXED,
             2}};
        memcpy(cols, c, sizeof(c));
    }
    st = new_book(&R, &book, M(&R, "Dossiers"));
    if (st != CHISO_OK) {
        return st;
    }
    t = chiso_report__table_add(&R, NULL, M(&R, "Dossiers"),
                                res->path ? res->path : NULL, cols, 14);
    for (i = 0; t != NULL && i < res->n_rows; i++) {
        const chiso_services_row *r = &res->rows[i];
        struct report_cell *c = chiso_report__table_row(&R, t, 0);
        if (c == NULL) {
            break;
        }
        c[0].text = r->unit;
        c[1].text = r->period;
        c[2].value = (double)r->received;
        c[3].value = (double)r->finished;
        c[4].value = (double)r->finished_on_time;
        c[5].value = (double)r->open;
        c[6].value = r->online_pct;
        c[7].value = r->on_time_pct;
        c[8].value = r->components_signed_pct;
        c[9].value = r->result_signed_pct;
        c[10].value = r->digitized_pct;
        c[11].value = r->satisfaction_mean;
        c[12].value = r->processing_days_median;
        c[13].value = r->processing_days_p90;
    }
    st = finish(&R, book, out, len);
    free_rp(&R);
    return st;
}

chiso_status
chiso_report_tasks_xlsx(const chiso_tasks_result *res,
                        chiso_lang lang,
                        char **out,
                        size_t *len,
                        chiso_diag *diag)
{
    struct rp R;
    struct report_col cols[13], ocols[7];
    struct report_table *t;
    chiso_sheet_book *book = NULL;
    size_t i;
    chiso_status st;
    char buf[32];

    *out = NULL;
    *len = 0;
    init_rp(&R, lang, diag);
    {
        const struct report_col c[13] = {
            {RT(&R, "Đơn vị", "unit"), RC_TEXT, 0},
            {RT(&R, "Kỳ", "period"), RC_TEXT, 0},
            {RT(&R, "Được giao", "assigned"), RC_INT, 0},
            {RT(&R, "Đã hoàn thành", "completed"), RC_INT, 0},
            {RT(&R, "Hoàn thành đúng hạn", "completed_on_time"), RC_INT, 0},
            {RT(&R, "Hoàn thành trễ hạn", "completed_late"), RC_INT, 0},
            {RT(&R, "Chưa đến hạn", "open_not_due"), RC_INT, 0},
            {RT(&R, "Quá hạn", "overdue"), RC_INT, 0},
            {RT(&R, "Đúng hạn (%)", "on_time_pct"), RC_PCT, 2},
            {RT(&R, "Hoàn thành (%)", "completed_pct"), RC_PCT, 2},
            {RT(&R, "Số ngày trễ (trung bình)", "days_late_mean"), RC_FIXED, 2},
            {RT(&R, "Số ngày trễ (trung vị)", "days_late_median"), RC_FIXED, 2},
            {RT(&R, "Số ngày trễ (lớn nhất)", "days_late_max"), RC_FIXED, 2}};
        const struct report_col o[7] = {
            {RT(&R, "Đơn vị", "unit"), RC_TEXT, 0},
            {RT(&R, "Mã nhiệm vụ", "task_id"), RC_TEXT, 0},
            {RT(&R, "Nội dung", "title"), RC_TEXT, 0},
            {RT(&R, "Văn bản giao", "source_document"), RC_TEXT, 0},
            {RT(&R, "Hạn xử lý", "due"), RC_DATE, 0},
            {RT(&R, "Số ngày quá hạn", "days_overdue"), RC_FIXED, 2},
            {RT(&R, "Dòng trong sổ", "line"), RC_INT, 0}};
        memcpy(cols, c, sizeof(c));
        memcpy(ocols, o, sizeof(o));
    }
    st = new_book(&R, &book, M(&R, "Tasks"));
    if (st != CHISO_OK) {
        return st;
    }
    t = chiso_report__table_add(&R, NULL, M(&R, "Tasks"), res->path, cols, 13);
    for (i = 0; t != NULL && i < res->n_rows; i++) {
        const chiso_tasks_row *r = &res->rows[i];
        struct report_cell *c = chiso_report__table_row(&R, t, 0);
        if (c == NULL) {
            break;
        }
        c[0].text = r->unit;
        c[1].text = r->period;
        c[2].value = (double)r->assigned;
        c[3].value = (double)r->completed;
        c[4].value = (double)r->completed_on_time;
        c[5].value = (double)r->completed_late;
        c[6].value = (double)r->open_not_due;
        c[7].value = (double)r->overdue;
        c[8].value = r->on_time_pct;
        c[9].value = r->completed_pct;
        c[10].value = r->days_late_mean;
        c[11].value = r->days_late_median;
        c[12].value = r->days_late_max;
    }
    t = chiso_report__table_add(&R, NULL, M(&R, "Overdue tasks"),
                                M(&R, "Tasks overdue at the report date"),
                                ocols, 7);
    for (i = 0; t != NULL && i < res->n_overdue; i++) {
        const chiso_task_overdue *ta = &res->overdue[i];
        struct report_cell *c = chiso_report__table_row(&R, t, 0);
        if (c == NULL) {
            break;
        }
        c[0].text = ta->unit;
        c[1].text = ta->task_id;
        c[2].text = ta->title;
        c[3].text = ta->source_document;
        chiso_format_datetime(ta->due.secs, ta->due.has_time, buf, sizeof(buf));
        c[4].text = chiso_report__strf(&R, "%s", buf);
        c[5].value = ta->days_overdue;
        c[6].value = (double)ta->line;
    }
    st = finish(&R, book, out, len);
    free_rp(&R);
    return st;
}

/*
 * report_summary.c - summary.json and the CSV tables of the pack.
 *
 * summary.json is the contract with the scripts that fill the report
 * template: README "chiso report" documents every key, its unit and when it
 * is null; tests/unit/test_report.c checks the document against that list.
 * Keys are always present (null when unknown), numbers are rounded
 * (percentages and points to 2 decimals, days to 2, everything else to 10
 * significant digits), and there is no timestamp.
 *
 * The tables are for people: Excel-safe CSV (UTF-8 BOM, cells beginning
 * with = + - @ neutralised), Vietnamese headers when the language is vi.
 */
#define _POSIX_C_SOURCE 200809L
#include "report_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOP_LOST    5
#define TOP_OVERDUE 10

static cJSON *
num2(double x)
{
    return chiso_json_fixed(x, 2);
}

static cJSON *
str_or_null(const char *s)
{
    return s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *
count(uint64_t n)
{
    return cJSON_CreateNumber((double)n);
}

static void
date_text(int64_t day, char *out, size_t len)
{
    chiso_format_datetime(day * 86400, 0, out, len);
}

static cJSON *
group_json(chiso_jb *jb, const chiso_class_band *g)
{
    cJSON *o;

    if (g == NULL) {
        return cJSON_CreateNull();
    }
    o = cJSON_CreateObject();
    chiso_jb_add(jb, o, "id", cJSON_CreateString(g->id));
    chiso_jb_add(jb, o, "label", cJSON_CreateString(g->label));
    return o;
}

static cJSON *
period_json(chiso_jb *jb, const struct rp *R)
{
    cJSON *o = cJSON_CreateObject();
    char buf[64];

    chiso_jb_add(jb, o, "id", cJSON_CreateString(R->cfg->period));
    chiso_jb_add(jb, o, "kind",
                 cJSON_CreateString(chiso_period_kind_name(R->kind)));
    chiso_jb_add(jb, o, "label", cJSON_CreateString(R->period_label));
    date_text(R->first_day, buf, sizeof(buf));
    chiso_jb_add(jb, o, "first_day", cJSON_CreateString(buf));
    date_text(R->end_day - 1, buf, sizeof(buf));
    chiso_jb_add(jb, o, "last_day", cJSON_CreateString(buf));
    chiso_format_datetime(R->as_of.secs, 1, buf, sizeof(buf));
    chiso_jb_add(jb, o, "as_of", cJSON_CreateString(buf));
    chiso_period_format(R->kind, R->prev, buf, sizeof(buf));
    chiso_jb_add(jb, o, "previous", cJSON_CreateString(buf));
    chiso_jb_add(jb, o, "previous_label", cJSON_CreateString(R->prev_label));
    return o;
}

/* The top-level area a node belongs to. */
static size_t
area_of(const chiso_framework *fw, size_t k)
{
    while (fw->nodes[k].parent != CHISO_NO_PARENT) {
        k = fw->nodes[k].parent;
    }
    return k;
}

static cJSON *
par_json(chiso_jb *jb, const struct rp *R)
{
    const chiso_score_result *s = R->score;
    const chiso_framework *fw = R->fw;
    cJSON *o = cJSON_CreateObject(), *f = cJSON_CreateObject();
    cJSON *areas = cJSON_CreateArray(), *lost = cJSON_CreateArray();
    size_t idx[64], n = report_areas(R, idx, 64), i;

    chiso_jb_add(jb, f, "id", cJSON_CreateString(fw->id));
    chiso_jb_add(jb, f, "name", cJSON_CreateString(fw->name));
    chiso_jb_add(jb, f, "status", str_or_null(fw->status));
    chiso_jb_add(jb, o, "framework", f);
    chiso_jb_add(jb, o, "points", num2(s->points));
    chiso_jb_add(jb, o, "max", num2(s->max));
    chiso_jb_add(jb, o, "applicable_max", num2(s->applicable_max));
    chiso_jb_add(jb, o, "index_pct", num2(s->index_pct));
    chiso_jb_add(jb, o, "group", group_json(jb, s->group));
    chiso_jb_add(jb, o, "appraised_points",
                 s->has_appraised ? num2(s->appraised) : cJSON_CreateNull());
    chiso_jb_add(jb, o, "appraised_index_pct",
                 s->has_appraised ? num2(s->appraised_index_pct)
                                  : cJSON_CreateNull());
    chiso_jb_add(jb, o, "appraised_group",
                 s->has_appraised ? group_json(jb, s->appraised_group)
                                  : cJSON_CreateNull());
    chiso_jb_add(jb, o, "leaves_evidence_missing",
                 count(s->n_evidence_missing));
    chiso_jb_add(jb, o, "leaves_not_reported", count(s->n_not_reported));
    chiso_jb_add(jb, o, "leaves_computed_from_data", count(s->n_derived));
    for (i = 0; i < n; i++) {
        const chiso_node_score *ns = &s->nodes[idx[i]];
        cJSON *a = cJSON_CreateObject();
        chiso_jb_add(jb, a, "id", cJSON_CreateString(fw->nodes[idx[i]].id));
        chiso_jb_add(jb, a, "name", cJSON_CreateString(fw->nodes[idx[i]].name));
        chiso_jb_add(jb, a, "points", num2(ns->points));
        chiso_jb_add(jb, a, "max", num2(fw->nodes[idx[i]].max));
        chiso_jb_add(jb, a, "applicable_max", num2(ns->applicable_max));
        chiso_jb_add(jb, a, "index_pct", num2(ns->index_pct));
        chiso_jb_add(jb, a, "points_lost",
                     num2(ns->applicable_max - ns->points));
        chiso_jb_add(jb, areas, NULL, a);
    }
    chiso_jb_add(jb, o, "areas", areas);
    for (i = 0; i < s->n_lost && i < TOP_LOST; i++) {
        size_t k = s->lost[i];
        const chiso_node_score *ns = &s->nodes[k];
        cJSON *l = cJSON_CreateObject();
        chiso_jb_add(jb, l, "id", cJSON_CreateString(fw->nodes[k].id));
        chiso_jb_add(jb, l, "name", cJSON_CreateString(fw->nodes[k].name));
        chiso_jb_add(jb, l, "area",
                     cJSON_CreateString(fw->nodes[area_of(fw, k)].id));
        chiso_jb_add(jb, l, "points_lost", num2(fw->nodes[k].max - ns->points));
        chiso_jb_add(jb, l, "points", num2(ns->points));
        chiso_jb_add(jb, l, "max", num2(fw->nodes[k].max));
        chiso_jb_add(
            jb, l, "rule",
            cJSON_CreateString(chiso_rule_type_name(fw->nodes[k].rule.type)));
        chiso_jb_add(jb, l, "value",
                     ns->has_value ? chiso_json_number(ns->value)
                                   : cJSON_CreateNull());
        chiso_jb_add(jb, l, "next_value",
                     ns->has_next_value ? chiso_json_number(ns->next_value)
                                        : cJSON_CreateNull());
        chiso_jb_add(jb, l, "gain_next",
                     ns->gain_next > 0 ? num2(ns->gain_next)
                                       : cJSON_CreateNull());
        chiso_jb_add(jb, l, "source", str_or_null(ns->source));
        chiso_jb_add(jb, lost, NULL, l);
    }
    chiso_jb_add(jb, o, "top_lost", lost);
    return o;
}

static cJSON *
tasks_json(chiso_jb *jb, const struct rp *R)
{
    const chiso_tasks_row *row;
    cJSON *o, *list;
    size_t i, n = 0;
    uint64_t undated = 0;
    char buf[64];

    if (R->tasks == NULL) {
        return cJSON_CreateNull();
    }
    row = report_tasks_row(R);
    o = cJSON_CreateObject();
    chiso_jb_add(jb, o, "source", cJSON_CreateString(R->cfg->tasks));
    chiso_format_datetime(R->as_of.secs, 1, buf, sizeof(buf));
    chiso_jb_add(jb, o, "as_of", cJSON_CreateString(buf));
    chiso_jb_add(jb, o, "assigned", count(row ? row->assigned : 0));
    chiso_jb_add(jb, o, "completed", count(row ? row->completed : 0));
    chiso_jb_add(jb, o, "completed_on_time",
                 count(row ? row->completed_on_time : 0));
    chiso_jb_add(jb, o, "completed_late", count(row ? row->completed_late : 0));
    chiso_jb_add(jb, o, "open_not_due", count(row ? row->open_not_due : 0));
    chiso_jb_add(jb, o, "overdue", count(row ? row->overdue : 0));
    chiso_jb_add(jb, o, "on_time_pct",
                 row ? num2(row->on_time_pct) : cJSON_CreateNull());
    chiso_jb_add(jb, o, "completed_pct",
                 row ? num2(row->completed_pct) : cJSON_CreateNull());
    chiso_jb_add(jb, o, "days_late_mean",
                 row ? num2(row->days_late_mean) : cJSON_CreateNull());
    chiso_jb_add(jb, o, "days_late_median",
                 row ? num2(row->days_late_median) : cJSON_CreateNull());
    chiso_jb_add(jb, o, "days_late_max",
                 row ? num2(row->days_late_max) : cJSON_CreateNull());
    for (i = 0; i < R->tasks->n_undated; i++) {
        if (strcmp(R->tasks->undated[i].unit, R->cfg->unit_code) == 0) {
            undated = R->tasks->undated[i].tasks;
        }
    }
    chiso_jb_add(jb, o, "without_deadline", count(undated));
    chiso_jb_add(jb, o, "overdue_as_of", count(report_unit_overdue(R)));
    list = cJSON_CreateArray();
    for (i = 0; i < R->tasks->n_overdue && n < TOP_OVERDUE; i++) {
        const chiso_task_overdue *t = &R->tasks->overdue[i];
        cJSON *e;
        if (strcmp(t->unit, R->cfg->unit_code) != 0) {
            continue;
        }
        e = cJSON_CreateObject();
        chiso_jb_add(jb, e, "task_id", cJSON_CreateString(t->task_id));
        chiso_jb_add(jb, e, "title", cJSON_CreateString(t->title));
        chiso_jb_add(jb, e, "source_document",
                     cJSON_CreateString(t->source_document));
        chiso_format_datetime(t->due.secs, t->due.has_time, buf, sizeof(buf));
        chiso_jb_add(jb, e, "due", cJSON_CreateString(buf));
        chiso_jb_add(jb, e, "days_overdue", num2(t->days_overdue));
        chiso_jb_add(jb, list, NULL, e);
        n++;
    }
    chiso_jb_add(jb, o, "overdue_list", list);
    return o;
}

static const char *const rate_keys[] = {
    "online_pct",        "on_time_pct",
    "progress_pct",      "components_signed_pct",
    "result_signed_pct", "digitized_pct",
    "satisfied_pct"};

static double
rate_of(const chiso_services_row *r, size_t k)
{
    switch (k) {
    case 0:
        return r->online_pct;
    case 1:
        return r->on_time_pct;
    case 2:
        return r->progress_pct;
    case 3:
        return r->components_signed_pct;
    case 4:
        return r->result_signed_pct;
    case 5:
        return r->digitized_pct;
    default:
        return r->satisfied_pct;
    }
}

static cJSON *
svc_period_json(chiso_jb *jb, const chiso_services_row *r, const char *period)
{
    cJSON *o;
    size_t k;

    if (r == NULL) {
        return cJSON_CreateNull();
    }
    o = cJSON_CreateObject();
    chiso_jb_add(jb, o, "period", cJSON_CreateString(period));
    chiso_jb_add(jb, o, "received", count(r->received));
    chiso_jb_add(jb, o, "finished", count(r->finished));
    chiso_jb_add(jb, o, "finished_on_time", count(r->finished_on_time));
    chiso_jb_add(jb, o, "open", count(r->open));
    for (k = 0; k < sizeof(rate_keys) / sizeof(rate_keys[0]); k++) {
        chiso_jb_add(jb, o, rate_keys[k], num2(rate_of(r, k)));
    }
    chiso_jb_add(jb, o, "satisfaction_mean", num2(r->satisfaction_mean));
    chiso_jb_add(jb, o, "processing_days_median",
                 num2(r->processing_days_median));
    chiso_jb_add(jb, o, "processing_days_p90", num2(r->processing_days_p90));
    return o;
}

static cJSON *
services_json(chiso_jb *jb, const struct rp *R)
{
    const chiso_services_row *cur, *prev;
    cJSON *o, *change;
    char cp[16], pp[16];
    size_t k;

    if (R->svc == NULL) {
        return cJSON_CreateNull();
    }
    cur = report_svc_row(R, R->idx);
    prev = report_svc_row(R, R->prev);
    chiso_period_format(R->kind, R->idx, cp, sizeof(cp));
    chiso_period_format(R->kind, R->prev, pp, sizeof(pp));
    o = cJSON_CreateObject();
    chiso_jb_add(jb, o, "source", cJSON_CreateString(R->cfg->dossiers));
    chiso_jb_add(jb, o, "current", svc_period_json(jb, cur, cp));
    chiso_jb_add(jb, o, "previous", svc_period_json(jb, prev, pp));
    if (cur != NULL && prev != NULL) {
        change = cJSON_CreateObject();
        for (k = 0; k < sizeof(rate_keys) / sizeof(rate_keys[0]); k++) {
            chiso_jb_add(jb, change, rate_keys[k],
                         num2(rate_of(cur, k) - rate_of(prev, k)));
        }
    } else {
        change = cJSON_CreateNull();
    }
    chiso_jb_add(jb, o, "change_pct_points", change);
    return o;
}

static cJSON *
province_json(chiso_jb *jb, const struct rp *R)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = 0; i < R->n_indices; i++) {
        cJSON *e;
        if (!R->has_latest[i]) {
            e = cJSON_CreateObject();
            chiso_jb_add(jb, e, "index", cJSON_CreateString(R->index_names[i]));
            chiso_jb_add(jb, e, "unit_code", cJSON_CreateNull());
            chiso_jb_add(jb, e, "unit", cJSON_CreateString(R->cfg->province));
            chiso_jb_add(jb, e, "latest", cJSON_CreateNull());
            chiso_jb_add(jb, e, "latest_value", cJSON_CreateNull());
            chiso_jb_add(jb, e, "latest_rank", cJSON_CreateNull());
            chiso_jb_add(jb, e, "value_trend", cJSON_CreateNull());
            chiso_jb_add(jb, e, "rank_trend", cJSON_CreateNull());
        } else {
            e = chiso_latest_to_json(&R->latest[i]);
        }
        chiso_jb_add(jb, arr, NULL, e);
    }
    return arr;
}

static cJSON *
charts_json(chiso_jb *jb, const struct rp *R)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = 0; i < REPORT_CHARTS; i++) {
        const struct report_chart *c = &R->charts[i];
        cJSON *o = cJSON_CreateObject();
        char name[128];
        chiso_jb_add(jb, o, "id", cJSON_CreateString(c->base));
        if (c->chart != NULL) {
            snprintf(name, sizeof(name), "%s.png", c->base);
            chiso_jb_add(jb, o, "png", cJSON_CreateString(name));
            snprintf(name, sizeof(name), "%s.svg", c->base);
            chiso_jb_add(jb, o, "svg", cJSON_CreateString(name));
            chiso_jb_add(jb, o, "reading", cJSON_CreateString(c->reading));
            chiso_jb_add(jb, o, "missing_reason", cJSON_CreateNull());
        } else {
            chiso_jb_add(jb, o, "png", cJSON_CreateNull());
            chiso_jb_add(jb, o, "svg", cJSON_CreateNull());
            chiso_jb_add(jb, o, "reading", cJSON_CreateNull());
            chiso_jb_add(jb, o, "missing_reason",
                         cJSON_CreateString(c->why_missing));
        }
        chiso_jb_add(jb, arr, NULL, o);
    }
    return arr;
}

chiso_status
report_write_summary(struct rp *R)
{
    chiso_jb jbs = CHISO_JB_INIT, *jb = &jbs;
    cJSON *root = chiso_jb_object(jb), *u, *files, *warn, *notes;
    char *text;
    chiso_status st;
    size_t i;

    chiso_jb_add(jb, root, "schema_version", cJSON_CreateNumber(1));
    chiso_jb_add(jb, root, "generator",
                 cJSON_CreateString("chiso " CHISO_VERSION));
    chiso_jb_add(jb, root, "language", cJSON_CreateString(R->en ? "en" : "vi"));
    u = cJSON_CreateObject();
    chiso_jb_add(jb, u, "code", cJSON_CreateString(R->cfg->unit_code));
    chiso_jb_add(jb, u, "name", cJSON_CreateString(R->cfg->unit_name));
    chiso_jb_add(jb, u, "province", str_or_null(R->cfg->province));
    chiso_jb_add(jb, root, "unit", u);
    chiso_jb_add(jb, root, "period", period_json(jb, R));
    chiso_jb_add(jb, root, "par", par_json(jb, R));
    chiso_jb_add(jb, root, "tasks", tasks_json(jb, R));
    chiso_jb_add(jb, root, "services", services_json(jb, R));
    chiso_jb_add(jb, root, "province_indices", province_json(jb, R));
    chiso_jb_add(jb, root, "charts", charts_json(jb, R));
    chiso_jb_add(jb, root, "history", report_history_json(jb, R));
    notes = cJSON_CreateArray();
    for (i = 0; i < R->cfg->n_notes; i++) {
        chiso_jb_add(jb, notes, NULL, cJSON_CreateString(R->cfg->notes[i]));
    }
    chiso_jb_add(jb, root, "notes", notes);
    files = cJSON_CreateArray();
    for (i = 0; i < R->n_files; i++) {
        chiso_jb_add(jb, files, NULL, cJSON_CreateString(R->files[i]));
    }
    chiso_jb_add(jb, root, "files", files);
    warn = cJSON_CreateArray();
    for (i = 0; i < R->n_warnings; i++) {
        chiso_jb_add(jb, warn, NULL, cJSON_CreateString(R->warnings[i]));
    }
    chiso_jb_add(jb, root, "warnings", warn);
    /* the whole document or none: never one with a key missing */
    root = chiso_jb_finish(jb, root);
    text = root != NULL ? chiso_json_print(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL) {
        return chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0,
                              "out of memory");
    }
    st = chiso_file_write_atomic(report_path(R, "summary.json"), text,
                                 strlen(text), R->diag);
    free(text);
    return st;
}

/* ---- CSV tables -------------------------------------------------------- */

typedef void (*table_fn)(struct rp *R, chiso_csvw *w);

static chiso_status
write_table(struct rp *R, const char *name, table_fn fn)
{
    chiso_outfile *f;
    chiso_csvw w;
    chiso_status st = chiso_outfile_open(&f, report_path(R, name), R->diag);

    if (st != CHISO_OK) {
        return st;
    }
    chiso_csvw_init(&w, chiso_outfile_stream(f), ',', 1);
    fn(R, &w);
    st = chiso_outfile_commit(f, R->diag);
    if (st == CHISO_OK) {
        st = report_add_file(R, name);
    }
    return st;
}

static void
table_criteria(struct rp *R, chiso_csvw *w)
{
    static const char *const vi[] = {"Mã",
                                     "Tiêu chí",
                                     "Cấp",
                                     "Quy tắc",
                                     "Giá trị",
                                     "Điểm",
                                     "Tối đa",
                                     "Áp dụng",
                                     "Tỷ lệ (%)",
                                     "Điểm thẩm định",
                                     "Điểm bị mất",
                                     "Thiếu kiểm chứng",
                                     "Nguồn số liệu",
                                     NULL};
    static const char *const en[] = {"id",          "criterion",
                                     "depth",       "rule",
                                     "value",       "points",
                                     "max",         "applicable_max",
                                     "index_pct",   "appraised_points",
                                     "points_lost", "evidence_missing",
                                     "source",      NULL};
    size_t i;

    chiso_csvw_row(w, R->en ? en : vi);
    for (i = 0; i < R->fw->n_nodes; i++) {
        const chiso_node *n = &R->fw->nodes[i];
        const chiso_node_score *ns = &R->score->nodes[i];
        int leaf = chiso_node_is_leaf(n);
        chiso_csvw_text(w, n->id);
        chiso_csvw_text(w, n->name);
        chiso_csvw_int(w, n->depth);
        chiso_csvw_text(w, leaf ? chiso_rule_type_name(n->rule.type) : "");
        if (ns->has_value) {
            chiso_csvw_number(w, chiso_round_sig(ns->value, 10));
        } else {
            chiso_csvw_text(w, NULL);
        }
        chiso_csvw_fixed(w, ns->points, 2);
        chiso_csvw_fixed(w, n->max, 2);
        chiso_csvw_fixed(w, ns->applicable_max, 2);
        chiso_csvw_fixed(w, ns->index_pct, 2);
        if (R->score->has_appraised) {
            chiso_csvw_fixed(w, ns->appraised, 2);
        } else {
            chiso_csvw_text(w, NULL);
        }
        chiso_csvw_fixed(w, ns->applicable_max - ns->points, 2);
        chiso_csvw_int(w, ns->evidence_missing);
        chiso_csvw_text(w, ns->source);
        chiso_csvw_end(w);
    }
}

static void
table_lost(struct rp *R, chiso_csvw *w)
{
    static const char *const vi[] = {
        "Thứ tự",  "Mã",      "Tiêu chí",  "Điểm bị mất", "Điểm", "Tối đa",
        "Giá trị", "Cần đạt", "Được thêm", "Quy tắc",     NULL};
    static const char *const en[] = {
        "rank",  "id",         "criterion", "points_lost", "points", "max",
        "value", "next_value", "gain_next", "rule",        NULL};
    size_t i;

    chiso_csvw_row(w, R->en ? en : vi);
    for (i = 0; i < R->score->n_lost; i++) {
        size_t k = R->score->lost[i];
        const chiso_node *n = &R->fw->nodes[k];
        const chiso_node_score *ns = &R->score->nodes[k];
        chiso_csvw_int(w, (long long)i + 1);
        chiso_csvw_text(w, n->id);
        chiso_csvw_text(w, n->name);
        chiso_csvw_fixed(w, n->max - ns->points, 2);
        chiso_csvw_fixed(w, ns->points, 2);
        chiso_csvw_fixed(w, n->max, 2);
        if (ns->has_value) {
            chiso_csvw_number(w, chiso_round_sig(ns->value, 10));
        } else {
            chiso_csvw_text(w, NULL);
        }
        if (ns->has_next_value) {
            chiso_csvw_number(w, chiso_round_sig(ns->next_value, 10));
        } else {
            chiso_csvw_text(w, NULL);
        }
        if (ns->gain_next > 0) {
            chiso_csvw_fixed(w, ns->gain_next, 2);
        } else {
            chiso_csvw_text(w, NULL);
        }
        chiso_csvw_text(w, chiso_rule_type_name(n->rule.type));
        chiso_csvw_end(w);
    }
}

static void
table_overdue(struct rp *R, chiso_csvw *w)
{
    static const char *const vi[] = {
        "Mã nhiệm vụ", "Nội dung",        "Văn bản giao",
        "Hạn xử lý",   "Số ngày quá hạn", "Dòng trong sổ",
        NULL};
    static const char *const en[] = {
        "task_id", "title", "source_document", "due", "days_overdue",
        "line",    NULL};
    size_t i;
    char buf[32];

    chiso_csvw_row(w, R->en ? en : vi);
    for (i = 0; i < R->tasks->n_overdue; i++) {
        const chiso_task_overdue *t = &R->tasks->overdue[i];
        if (strcmp(t->unit, R->cfg->unit_code) != 0) {
            continue;
        }
        chiso_csvw_text(w, t->task_id);
        chiso_csvw_text(w, t->title);
        chiso_csvw_text(w, t->source_document);
        chiso_format_datetime(t->due.secs, t->due.has_time, buf, sizeof(buf));
        chiso_csvw_text(w, buf);
        chiso_csvw_fixed(w, t->days_overdue, 2);
        chiso_csvw_int(w, (long long)t->line);
        chiso_csvw_end(w);
    }
}

static void
table_services(struct rp *R, chiso_csvw *w)
{
    static const char *const vi[] = {"Tháng",
                                     "Tiếp nhận",
                                     "Đã giải quyết",
                                     "Đúng hạn",
                                     "Đang giải quyết",
                                     "Trực tuyến (%)",
                                     "Đúng hạn (%)",
                                     "Tiến độ 766 (%)",
                                     "Ký số thành phần (%)",
                                     "Ký số kết quả (%)",
                                     "Số hóa (%)",
                                     "Hài lòng (%)",
                                     "Số ngày xử lý (trung vị)",
                                     NULL};
    static const char *const en[] = {"month",
                                     "received",
                                     "finished",
                                     "finished_on_time",
                                     "open",
                                     "online_pct",
                                     "on_time_pct",
                                     "progress_pct",
                                     "components_signed_pct",
                                     "result_signed_pct",
                                     "digitized_pct",
                                     "satisfied_pct",
                                     "processing_days_median",
                                     NULL};
    int32_t m0 = chiso_period_of_day(CHISO_PERIOD_MONTH, R->prev_first_day);
    int32_t m1 = chiso_period_of_day(CHISO_PERIOD_MONTH, R->end_day - 1), m;
    size_t k;
    char per[16];

    chiso_csvw_row(w, R->en ? en : vi);
    for (m = m0; m <= m1; m++) {
        const chiso_services_row *r =
            chiso_services_find(R->svc_month, R->cfg->unit_code, m);
        chiso_period_format(CHISO_PERIOD_MONTH, m, per, sizeof(per));
        chiso_csvw_text(w, per);
        if (r == NULL) {
            for (k = 0; k < 12; k++) {
                chiso_csvw_text(w, k < 4 ? "0" : NULL);
            }
            chiso_csvw_end(w);
            continue;
        }
        chiso_csvw_int(w, (long long)r->received);
        chiso_csvw_int(w, (long long)r->finished);
        chiso_csvw_int(w, (long long)r->finished_on_time);
        chiso_csvw_int(w, (long long)r->open);
        for (k = 0; k < sizeof(rate_keys) / sizeof(rate_keys[0]); k++) {
            chiso_csvw_fixed(w, rate_of(r, k), 2);
        }
        chiso_csvw_fixed(w, r->processing_days_median, 2);
        chiso_csvw_end(w);
    }
}

static void
table_province(struct rp *R, chiso_csvw *w)
{
    static const char *const vi[] = {
        "Chỉ số", "Năm",         "Đơn vị",     "Giá trị", "Thang",   "Hạng",
        "Trên",   "Hạng suy ra", "Độ tin cậy", "Nguồn",   "Ghi chú", NULL};
    static const char *const en[] = {
        "index",   "year",         "unit",       "value",  "scale", "rank",
        "rank_of", "rank_derived", "confidence", "source", "note",  NULL};
    size_t i, k;

    chiso_csvw_row(w, R->en ? en : vi);
    for (k = 0; k < R->n_indices; k++) {
        for (i = 0; i < R->pub->n; i++) {
            const chiso_pub_row *row = &R->pub->rows[i];
            if (strcmp(row->index, R->index_names[k]) != 0 ||
                strcmp(row->component, "total") != 0 || !row->preferred ||
                !chiso_published_unit_matches(row, R->cfg->province)) {
                continue;
            }
            chiso_csvw_text(w, row->index);
            chiso_csvw_int(w, row->year);
            chiso_csvw_text(w, row->unit);
            if (row->has_value) {
                chiso_csvw_fixed(w, row->value, row->value_decimals);
            } else {
                chiso_csvw_text(w, NULL);
            }
            chiso_csvw_text(w, row->scale);
            if (row->rank > 0) {
                chiso_csvw_int(w, row->rank);
                chiso_csvw_int(w, row->rank_of);
            } else {
                chiso_csvw_text(w, NULL);
                chiso_csvw_text(w, NULL);
            }
            chiso_csvw_int(w, row->rank_derived);
            chiso_csvw_text(w, row->confidence);
            chiso_csvw_text(w, row->source);
            chiso_csvw_text(w, row->note);
            chiso_csvw_end(w);
        }
    }
}

chiso_status
report_write_tables(struct rp *R)
{
    chiso_status st = write_table(R, "table-criteria.csv", table_criteria);

    if (st == CHISO_OK) {
        st = write_table(R, "table-points-lost.csv", table_lost);
    }
    if (st == CHISO_OK && R->tasks != NULL) {
        st = write_table(R, "table-overdue-tasks.csv", table_overdue);
    }
    if (st == CHISO_OK && R->svc_month != NULL) {
        st = write_table(R, "table-services-by-month.csv", table_services);
    }
    if (st == CHISO_OK && R->pub != NULL && R->n_indices > 0) {
        st = write_table(R, "table-province-indices.csv", table_province);
    }
    if (st == CHISO_ENOMEM && R->diag != NULL && R->diag->code == CHISO_OK) {
        chiso_diag_set(R->diag, st, NULL, 0, 0, "out of memory");
    }
    return st;
}

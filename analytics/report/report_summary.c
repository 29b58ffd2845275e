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
 * The tables are built once (struct report_table: typed columns, one cell
 * per value) and written as Excel-safe CSV (UTF-8 BOM, cells beginning
 * with = + - @ neutralised, Vietnamese headers when the language is vi),
 * and by report_office.c as workbook sheets, Word and web tables.
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
    size_t idx[64], n = chiso_report__areas(R, idx, 64), i;

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
    chiso_jb_add(jb, o, "leaves_explanation_missing",
                 count(s->n_explanation_missing));
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
    row = chiso_report__tasks_row(R);
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
    chiso_jb_add(jb, o, "overdue_as_of", count(chiso_report__unit_overdue(R)));
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
    cur = chiso_report__svc_row(R, R->idx);
    prev = chiso_report__svc_row(R, R->prev);
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
chiso_report__write_summary(struct rp *R)
{
    chiso_jb jbs = CHISO_JB_INIT, *jb = &jbs;
    cJSON *root = chiso_jb_object(jb), *u, *files, *warn, *notes;
    char *text;
    chiso_status st;
    size_t i;

    chiso_jb_add(jb, root, "schema_version", cJSON_CreateNumber(2));
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
    chiso_jb_add(jb, root, "history", chiso_report__history_json(jb, R));
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
    /* typed warnings (docs/warnings.md): the report's own, the logs' row
     * and unit notes, then the charts left out */
    {
        chiso_diag_list all;
        chiso_diag_list_init(&all, R->wlist.cap + REPORT_CHARTS);
        all.lang = R->wlist.lang;
        for (i = 0; i < R->wlist.n; i++) {
            if (chiso_diag_list_add(&all, &R->wlist.items[i]) != CHISO_OK) {
                R->oom = 1;
            }
        }
        all.n_dropped = R->wlist.n_dropped;
        if (chiso_report__chart_warnings(R, &all) != CHISO_OK) {
            R->oom = 1;
        }
        if (all.n_dropped > 0) {
            chiso_diag_list_addk(&all, "more_warnings", CHISO_SEVERITY_INFO,
                                 NULL, NULL, 0, 0,
                                 "%zu more warnings not listed", all.n_dropped);
        }
        warn = chiso_diag_list_to_json(&all);
        chiso_diag_list_free(&all);
        chiso_jb_add(jb, root, "warnings", warn);
    }
    /* the whole document or none: never one with a key missing */
    root = chiso_jb_finish(jb, root);
    text = root != NULL ? chiso_json_print(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL) {
        return chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0,
                              "out of memory");
    }
    st = chiso_file_write_atomic(chiso_report__path(R, "summary.json"), text,
                                 strlen(text), R->diag);
    free(text);
    return st;
}

/* ---- tables -------------------------------------------------------------- */

double
chiso_report__target_round(double next, int has_value, double value)
{
    if (fabs(next - round(next)) < 1e-9 || !has_value) {
        return next;
    }
    return next > value ? ceil(next * 100 - 1e-7) / 100
                        : floor(next * 100 + 1e-7) / 100;
}

#define M(R, msgid) chiso_msg((R)->en ? CHISO_LANG_EN : CHISO_LANG_VI, msgid)

struct report_table *
chiso_report__table_add(struct rp *R,
                        const char *csv,
                        const char *sheet,
                        const char *title,
                        const struct report_col *cols,
                        size_t n_cols)
{
    struct report_table *t =
        realloc(R->tables, (R->n_tables + 1) * sizeof(*R->tables));

    if (t == NULL) {
        R->oom = 1;
        return NULL;
    }
    R->tables = t;
    t = &R->tables[R->n_tables++];
    memset(t, 0, sizeof(*t));
    t->csv = csv;
    t->sheet = sheet;
    t->title = title;
    t->n_cols = n_cols;
    memcpy(t->cols, cols, n_cols * sizeof(*cols));
    return t;
}

/* A new row; its cells empty. NULL on allocation failure. */
struct report_cell *
chiso_report__table_row(struct rp *R,
                        struct report_table *t,
                        unsigned char flags)
{
    size_t j;
    struct report_cell *row;

    if (t == NULL) {
        return NULL;
    }
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? 2 * t->cap_rows : 16;
        struct report_cell *c = realloc(t->cells, cap * t->n_cols * sizeof(*c));
        unsigned char *f;
        if (c == NULL) {
            R->oom = 1;
            return NULL;
        }
        t->cells = c;
        f = realloc(t->flags, cap);
        if (f == NULL) {
            R->oom = 1;
            return NULL;
        }
        t->flags = f;
        t->cap_rows = cap;
    }
    row = &t->cells[t->n_rows * t->n_cols];
    for (j = 0; j < t->n_cols; j++) {
        row[j].text = NULL;
        row[j].value = (double)NAN;
        row[j].dec = -1;
        row[j].has_shown = 0;
        row[j].shown = (double)NAN;
    }
    t->flags[t->n_rows] = flags;
    t->n_rows++;
    return row;
}

static void
table_criteria(struct rp *R)
{
    const struct report_col cols[] = {
        {RT(R, "Mã", "id"), RC_TEXT, 0},
        {RT(R, "Tiêu chí", "criterion"), RC_TEXT, 0},
        {RT(R, "Cấp", "depth"), RC_INT, 0},
        {RT(R, "Quy tắc", "rule"), RC_TEXT, 0},
        {RT(R, "Giá trị", "value"), RC_SIG, 2},
        {RT(R, "Điểm", "points"), RC_FIXED, 2},
        {RT(R, "Tối đa", "max"), RC_FIXED, 2},
        {RT(R, "Áp dụng", "applicable_max"), RC_FIXED, 2},
        {RT(R, "Tỷ lệ (%)", "index_pct"), RC_PCT, 2},
        {RT(R, "Điểm thẩm định", "appraised_points"), RC_FIXED, 2},
        {RT(R, "Điểm bị mất", "points_lost"), RC_FIXED, 2},
        {RT(R, "Thiếu kiểm chứng", "evidence_missing"), RC_INT, 0},
        {RT(R, "Nguồn số liệu", "source"), RC_TEXT, 0}};
    struct report_table *t =
        chiso_report__table_add(R, "table-criteria.csv", M(R, "Criteria"),
                                M(R, "Self-assessment, criterion by criterion"),
                                cols, sizeof(cols) / sizeof(cols[0]));
    size_t i;

    for (i = 0; t != NULL && i < R->fw->n_nodes; i++) {
        const chiso_node *n = &R->fw->nodes[i];
        const chiso_node_score *ns = &R->score->nodes[i];
        int leaf = chiso_node_is_leaf(n);
        struct report_cell *c = chiso_report__table_row(R, t, n->depth == 0);
        if (c == NULL) {
            return;
        }
        c[0].text = n->id;
        c[1].text = n->name;
        c[2].value = n->depth;
        c[3].text = leaf ? chiso_rule_type_name(n->rule.type) : "";
        c[4].value = ns->has_value ? ns->value : (double)NAN;
        c[5].value = ns->points;
        c[6].value = n->max;
        c[7].value = ns->applicable_max;
        c[8].value = ns->index_pct;
        c[9].value = R->score->has_appraised ? ns->appraised : (double)NAN;
        c[10].value = ns->applicable_max - ns->points;
        c[11].value = ns->evidence_missing;
        c[12].text = ns->source;
    }
}

static void
table_lost(struct rp *R)
{
    const struct report_col cols[] = {
        {RT(R, "Thứ tự", "rank"), RC_INT, 0},
        {RT(R, "Mã", "id"), RC_TEXT, 0},
        {RT(R, "Tiêu chí", "criterion"), RC_TEXT, 0},
        {RT(R, "Điểm bị mất", "points_lost"), RC_FIXED, 2},
        {RT(R, "Điểm", "points"), RC_FIXED, 2},
        {RT(R, "Tối đa", "max"), RC_FIXED, 2},
        {RT(R, "Giá trị", "value"), RC_SIG, 2},
        {RT(R, "Cần đạt", "next_value"), RC_SIG, 2},
        {RT(R, "Được thêm", "gain_next"), RC_FIXED, 2},
        {RT(R, "Quy tắc", "rule"), RC_TEXT, 0}};
    struct report_table *t = chiso_report__table_add(
        R, "table-points-lost.csv", M(R, "Points lost"),
        M(R, "Criteria that lost points, the next value and what it gains"),
        cols, sizeof(cols) / sizeof(cols[0]));
    size_t i;

    for (i = 0; t != NULL && i < R->score->n_lost; i++) {
        size_t k = R->score->lost[i];
        const chiso_node *n = &R->fw->nodes[k];
        const chiso_node_score *ns = &R->score->nodes[k];
        struct report_cell *c = chiso_report__table_row(R, t, 0);
        if (c == NULL) {
            return;
        }
        c[0].value = (double)(i + 1);
        c[1].text = n->id;
        c[2].text = n->name;
        c[3].value = n->max - ns->points;
        c[4].value = ns->points;
        c[5].value = n->max;
        c[6].value = ns->has_value ? ns->value : (double)NAN;
        c[7].value = ns->has_next_value ? ns->next_value : (double)NAN;
        if (ns->has_next_value) {
            c[7].has_shown = 1;
            c[7].shown = chiso_report__target_round(ns->next_value,
                                                    ns->has_value, ns->value);
        }
        c[8].value = ns->gain_next > 0 ? ns->gain_next : (double)NAN;
        c[9].text = chiso_rule_type_name(n->rule.type);
    }
}

static void
table_overdue(struct rp *R)
{
    const struct report_col cols[] = {
        {RT(R, "Mã nhiệm vụ", "task_id"), RC_TEXT, 0},
        {RT(R, "Nội dung", "title"), RC_TEXT, 0},
        {RT(R, "Văn bản giao", "source_document"), RC_TEXT, 0},
        {RT(R, "Hạn xử lý", "due"), RC_DATE, 0},
        {RT(R, "Số ngày quá hạn", "days_overdue"), RC_FIXED, 2},
        {RT(R, "Dòng trong sổ", "line"), RC_INT, 0}};
    struct report_table *t = chiso_report__table_add(
        R, "table-overdue-tasks.csv", M(R, "Overdue tasks"),
        M(R, "Tasks overdue at the report date"), cols,
        sizeof(cols) / sizeof(cols[0]));
    size_t i;
    char buf[32];

    for (i = 0; t != NULL && i < R->tasks->n_overdue; i++) {
        const chiso_task_overdue *ta = &R->tasks->overdue[i];
        struct report_cell *c;
        if (strcmp(ta->unit, R->cfg->unit_code) != 0) {
            continue;
        }
        c = chiso_report__table_row(R, t, 0);
        if (c == NULL) {
            return;
        }
        c[0].text = ta->task_id;
        c[1].text = ta->title;
        c[2].text = ta->source_document;
        chiso_format_datetime(ta->due.secs, ta->due.has_time, buf, sizeof(buf));
        c[3].text = chiso_report__strf(R, "%s", buf);
        c[4].value = ta->days_overdue;
        c[5].value = (double)ta->line;
    }
}

static void
table_services(struct rp *R)
{
    const struct report_col cols[] = {
        {RT(R, "Tháng", "month"), RC_TEXT, 0},
        {RT(R, "Tiếp nhận", "received"), RC_INT, 0},
        {RT(R, "Đã giải quyết", "finished"), RC_INT, 0},
        {RT(R, "Đúng hạn", "finished_on_time"), RC_INT, 0},
        {RT(R, "Đang giải quyết", "open"), RC_INT, 0},
        {RT(R, "Trực tuyến (%)", "online_pct"), RC_PCT, 2},
        {RT(R, "Đúng hạn (%)", "on_time_pct"), RC_PCT, 2},
        {RT(R, "Tiến độ 766 (%)", "progress_pct"), RC_PCT, 2},
        {RT(R, "Ký số thành phần (%)", "components_signed_pct"), RC_PCT, 2},
        {RT(R, "Ký số kết quả (%)", "result_signed_pct"), RC_PCT, 2},
        {RT(R, "Số hóa (%)", "digitized_pct"), RC_PCT, 2},
        {RT(R, "Hài lòng (%)", "satisfied_pct"), RC_PCT, 2},
        {RT(R, "Số ngày xử lý (trung vị)", "processing_days_median"), RC_FIXED,
         2}};
    struct report_table *t = chiso_report__table_add(
        R, "table-services-by-month.csv", M(R, "Dossiers by month"),
        M(R, "Dossiers by month, previous and this period"), cols,
        sizeof(cols) / sizeof(cols[0]));
    int32_t m0 = chiso_period_of_day(CHISO_PERIOD_MONTH, R->prev_first_day);
    int32_t m1 = chiso_period_of_day(CHISO_PERIOD_MONTH, R->end_day - 1), m;
    size_t k;
    char per[16];

    for (m = m0; t != NULL && m <= m1; m++) {
        const chiso_services_row *r =
            chiso_services_find(R->svc_month, R->cfg->unit_code, m);
        struct report_cell *c = chiso_report__table_row(R, t, 0);
        if (c == NULL) {
            return;
        }
        chiso_period_format(CHISO_PERIOD_MONTH, m, per, sizeof(per));
        c[0].text = chiso_report__strf(R, "%s", per);
        if (r == NULL) {
            /* no dossier that month: counts 0, rates none */
            for (k = 1; k <= 4; k++) {
                c[k].value = 0;
            }
            continue;
        }
        c[1].value = (double)r->received;
        c[2].value = (double)r->finished;
        c[3].value = (double)r->finished_on_time;
        c[4].value = (double)r->open;
        for (k = 0; k < sizeof(rate_keys) / sizeof(rate_keys[0]); k++) {
            c[5 + k].value = rate_of(r, k);
        }
        c[12].value = r->processing_days_median;
    }
}

static void
table_province(struct rp *R)
{
    const struct report_col cols[] = {
        {RT(R, "Chỉ số", "index"), RC_TEXT, 0},
        {RT(R, "Năm", "year"), RC_YEAR, 0},
        {RT(R, "Đơn vị", "unit"), RC_TEXT, 0},
        {RT(R, "Giá trị", "value"), RC_FIXED, 2},
        {RT(R, "Thang", "scale"), RC_TEXT, 0},
        {RT(R, "Hạng", "rank"), RC_INT, 0},
        {RT(R, "Trên", "rank_of"), RC_INT, 0},
        {RT(R, "Hạng suy ra", "rank_derived"), RC_INT, 0},
        {RT(R, "Độ tin cậy", "confidence"), RC_TEXT, 0},
        {RT(R, "Nguồn", "source"), RC_TEXT, 0},
        {RT(R, "Ghi chú của nguồn (tiếng Anh)", "note"), RC_TEXT, 0}};
    struct report_table *t = chiso_report__table_add(
        R, "table-province-indices.csv", M(R, "Province indices"),
        M(R, "The province's published indices"), cols,
        sizeof(cols) / sizeof(cols[0]));
    size_t i, k;

    for (k = 0; t != NULL && k < R->n_indices; k++) {
        for (i = 0; i < R->pub->n; i++) {
            const chiso_pub_row *row = &R->pub->rows[i];
            struct report_cell *c;
            if (strcmp(row->index, R->index_names[k]) != 0 ||
                strcmp(row->component, "total") != 0 || !row->preferred ||
                !chiso_published_unit_matches(row, R->cfg->province)) {
                continue;
            }
            c = chiso_report__table_row(R, t, 0);
            if (c == NULL) {
                return;
            }
            c[0].text = row->index;
            c[1].value = row->year;
            c[2].text = row->unit;
            if (row->has_value) {
                c[3].value = row->value;
                c[3].dec = row->value_decimals;
            }
            c[4].text = row->scale;
            if (row->rank > 0) {
                c[5].value = (double)row->rank;
                c[6].value = (double)row->rank_of;
            }
            c[7].value = row->rank_derived;
            c[8].text = row->confidence;
            c[9].text = row->source;
            c[10].text = row->note;
        }
    }
}

/* The areas (not a CSV of the pack: summary.json has them). */
static void
table_areas(struct rp *R)
{
    const struct report_col cols[] = {
        {RT(R, "Mã", "id"), RC_TEXT, 0},
        {RT(R, "Lĩnh vực", "area"), RC_TEXT, 0},
        {RT(R, "Điểm", "points"), RC_FIXED, 2},
        {RT(R, "Tối đa áp dụng", "applicable_max"), RC_FIXED, 2},
        {RT(R, "Tỷ lệ (%)", "index_pct"), RC_PCT, 2},
        {RT(R, "Điểm bị mất", "points_lost"), RC_FIXED, 2}};
    struct report_table *t =
        chiso_report__table_add(R, NULL, M(R, "Areas"), M(R, "Points by area"),
                                cols, sizeof(cols) / sizeof(cols[0]));
    size_t idx[64], n = chiso_report__areas(R, idx, 64), i;

    for (i = 0; t != NULL && i < n; i++) {
        const chiso_node_score *ns = &R->score->nodes[idx[i]];
        struct report_cell *c = chiso_report__table_row(R, t, 0);
        if (c == NULL) {
            return;
        }
        c[0].text = R->fw->nodes[idx[i]].id;
        c[1].text = R->fw->nodes[idx[i]].name;
        c[2].value = ns->points;
        c[3].value = ns->applicable_max;
        c[4].value = ns->index_pct;
        c[5].value = ns->applicable_max - ns->points;
    }
}

void
chiso_report__build_score_tables(struct rp *R)
{
    table_areas(R);
    table_criteria(R);
    table_lost(R);
}

chiso_status
chiso_report__build_tables(struct rp *R)
{
    chiso_report__build_score_tables(R);
    if (R->tasks != NULL) {
        table_overdue(R);
    }
    if (R->svc_month != NULL) {
        table_services(R);
    }
    if (R->pub != NULL && R->n_indices > 0) {
        table_province(R);
    }
    if (R->oom) {
        return chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0,
                              "out of memory");
    }
    return CHISO_OK;
}

const struct report_table *
chiso_report__table_named(const struct rp *R, const char *csv)
{
    size_t i;

    for (i = 0; i < R->n_tables; i++) {
        if ((R->tables[i].csv != NULL && strcmp(R->tables[i].csv, csv) == 0) ||
            strcmp(R->tables[i].sheet, csv) == 0) {
            return &R->tables[i];
        }
    }
    return NULL;
}

void
chiso_report__free_tables(struct rp *R)
{
    size_t i;

    for (i = 0; i < R->n_tables; i++) {
        free(R->tables[i].cells);
        free(R->tables[i].flags);
    }
    free(R->tables);
    R->tables = NULL;
    R->n_tables = 0;
}

/* ---- CSV ----------------------------------------------------------------- */

static chiso_status
write_csv(struct rp *R, const struct report_table *t)
{
    chiso_outfile *f;
    chiso_csvw w;
    const char *head[REPORT_TABLE_COLS + 1];
    size_t i, j;
    chiso_status st =
        chiso_outfile_open(&f, chiso_report__path(R, t->csv), R->diag);

    if (st != CHISO_OK) {
        return st;
    }
    chiso_csvw_init(&w, chiso_outfile_stream(f), ',', 1);
    for (j = 0; j < t->n_cols; j++) {
        head[j] = t->cols[j].header;
    }
    head[t->n_cols] = NULL;
    chiso_csvw_row(&w, head);
    for (i = 0; i < t->n_rows; i++) {
        const struct report_cell *c = &t->cells[i * t->n_cols];
        for (j = 0; j < t->n_cols; j++) {
            const struct report_col *col = &t->cols[j];
            int dec = c[j].dec >= 0 ? c[j].dec : col->dec;
            if (col->kind == RC_TEXT || col->kind == RC_DATE) {
                chiso_csvw_text(&w, c[j].text);
            } else if (isnan(c[j].value)) {
                chiso_csvw_text(&w, NULL);
            } else if (col->kind == RC_INT || col->kind == RC_YEAR) {
                chiso_csvw_int(&w, (long long)c[j].value);
            } else if (col->kind == RC_SIG) {
                chiso_csvw_number(&w, chiso_round_sig(c[j].value, 10));
            } else {
                chiso_csvw_fixed(&w, c[j].value, dec);
            }
        }
        chiso_csvw_end(&w);
    }
    st = chiso_outfile_commit(f, R->diag);
    if (st == CHISO_OK) {
        st = chiso_report__add_file(R, t->csv);
    }
    return st;
}

chiso_status
chiso_report__write_tables(struct rp *R)
{
    chiso_status st = CHISO_OK;
    size_t i;

    for (i = 0; st == CHISO_OK && i < R->n_tables; i++) {
        if (R->tables[i].csv != NULL) {
            st = write_csv(R, &R->tables[i]);
        }
    }
    if (st == CHISO_ENOMEM && R->diag != NULL && R->diag->code == CHISO_OK) {
        chiso_diag_set(R->diag, st, NULL, 0, 0, "out of memory");
    }
    return st;
}

/*
 * services_json.c - outputs of the dossier computation: the JSON document,
 * the CSV of the issue, the rejected-rows CSV, and the derived inputs the
 * scorer takes (chiso_input_value), for services and tasks alike.
 *
 * JSON numbers follow the house rules: percentages rounded half-up to 2
 * decimals, other measures to 10 significant digits, undefined values as
 * null. Every rate comes with its counts, so the exact value can always be
 * recomputed. The CSV carries the shortest exact form of every number, for
 * comparison with other engines.
 */
#include "logs_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

cJSON *
svc_json_pct(double x)
{
    return chiso_json_fixed(x, 2);
}

cJSON *
svc_json_num(double x)
{
    return chiso_json_number(x);
}

cJSON *
svc_json_u64(uint64_t v)
{
    return cJSON_CreateNumber((double)v);
}

cJSON *
svc_json_stamp(chiso_stamp t)
{
    char buf[40];

    svc_stamp_text(t, buf, sizeof(buf));
    return cJSON_CreateString(buf);
}

cJSON *
svc_json_records(uint64_t read,
                 uint64_t counted,
                 uint64_t rejected,
                 uint64_t totals,
                 uint64_t other_units,
                 double max_pct)
{
    cJSON *o = cJSON_CreateObject();
    uint64_t data = read - totals;

    if (o == NULL) {
        return NULL;
    }
    cJSON_AddItemToObject(o, "read", svc_json_u64(read));
    cJSON_AddItemToObject(o, "counted", svc_json_u64(counted));
    cJSON_AddItemToObject(o, "rejected", svc_json_u64(rejected));
    cJSON_AddItemToObject(o, "totals_rows", svc_json_u64(totals));
    cJSON_AddItemToObject(o, "other_units", svc_json_u64(other_units));
    cJSON_AddItemToObject(
        o, "rejected_pct",
        svc_json_pct(data > 0 ? 100.0 * (double)rejected / (double)data
                              : (double)NAN));
    cJSON_AddItemToObject(o, "max_rejects_pct", svc_json_num(max_pct));
    return o;
}

cJSON *
svc_json_unit(int has_column,
              size_t n_units,
              char *const *units,
              const char *in_log)
{
    cJSON *o;

    if (in_log == NULL && has_column) {
        return cJSON_CreateNull(); /* every unit */
    }
    o = cJSON_CreateObject();
    if (o == NULL) {
        return NULL;
    }
    cJSON_AddItemToObject(o, "code",
                          n_units > 0 ? cJSON_CreateString(units[0])
                                      : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "in_log",
                          in_log != NULL ? cJSON_CreateString(in_log)
                                         : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "from_column", cJSON_CreateBool(has_column));
    return o;
}

static cJSON *
count_or_null(int present, uint64_t v)
{
    return present ? svc_json_u64(v) : cJSON_CreateNull();
}

static cJSON *
row_json(const chiso_services_result *res, const chiso_services_row *r)
{
    cJSON *o = cJSON_CreateObject();

    if (o == NULL) {
        return NULL;
    }
    cJSON_AddItemToObject(o, "unit", cJSON_CreateString(r->unit));
    cJSON_AddItemToObject(o, "period", cJSON_CreateString(r->period));
    cJSON_AddItemToObject(o, "received", svc_json_u64(r->received));
    cJSON_AddItemToObject(o, "finished", svc_json_u64(r->finished));
    cJSON_AddItemToObject(o, "finished_on_time",
                          svc_json_u64(r->finished_on_time));
    cJSON_AddItemToObject(o, "open", svc_json_u64(r->open));
    cJSON_AddItemToObject(o, "open_within_due",
                          svc_json_u64(r->open_within_due));
    cJSON_AddItemToObject(o, "online",
                          count_or_null(res->has_channel, r->online));
    cJSON_AddItemToObject(
        o, "components_signed",
        count_or_null(res->has_components_signed, r->components_signed));
    cJSON_AddItemToObject(
        o, "result_signed",
        count_or_null(res->has_result_signed, r->result_signed));
    cJSON_AddItemToObject(o, "digitized",
                          count_or_null(res->has_digitized, r->digitized));
    cJSON_AddItemToObject(o, "cancelled",
                          count_or_null(res->has_status, r->cancelled));
    cJSON_AddItemToObject(o, "withdrawn",
                          count_or_null(res->has_status, r->withdrawn));
    cJSON_AddItemToObject(o, "returned",
                          count_or_null(res->has_status, r->returned));
    cJSON_AddItemToObject(o, "rated",
                          count_or_null(res->has_satisfaction, r->rated));
    cJSON_AddItemToObject(o, "satisfied",
                          count_or_null(res->has_satisfaction, r->satisfied));
    cJSON_AddItemToObject(o, "online_pct", svc_json_pct(r->online_pct));
    cJSON_AddItemToObject(o, "on_time_pct", svc_json_pct(r->on_time_pct));
    cJSON_AddItemToObject(o, "progress_pct", svc_json_pct(r->progress_pct));
    cJSON_AddItemToObject(o, "components_signed_pct",
                          svc_json_pct(r->components_signed_pct));
    cJSON_AddItemToObject(o, "result_signed_pct",
                          svc_json_pct(r->result_signed_pct));
    cJSON_AddItemToObject(o, "digitized_pct", svc_json_pct(r->digitized_pct));
    cJSON_AddItemToObject(o, "satisfaction_mean",
                          svc_json_num(r->satisfaction_mean));
    cJSON_AddItemToObject(o, "satisfied_pct", svc_json_pct(r->satisfied_pct));
    cJSON_AddItemToObject(o, "processing_days_mean",
                          svc_json_num(r->processing_days_mean));
    cJSON_AddItemToObject(o, "processing_days_median",
                          svc_json_num(r->processing_days_median));
    cJSON_AddItemToObject(o, "processing_days_p90",
                          svc_json_num(r->processing_days_p90));
    return o;
}

cJSON *
chiso_services_to_json(const chiso_services_result *res)
{
    cJSON *root = cJSON_CreateObject(), *o, *arr;
    size_t i;

    if (root == NULL) {
        return NULL;
    }
    cJSON_AddItemToObject(root, "schema_version", cJSON_CreateNumber(2));
    cJSON_AddItemToObject(root, "command", cJSON_CreateString("services"));
    cJSON_AddItemToObject(root, "input", cJSON_CreateString(res->path));
    cJSON_AddItemToObject(root, "unit",
                          svc_json_unit(res->has_unit_column, res->n_units,
                                        res->units, res->unit_in_log));
    cJSON_AddItemToObject(
        root, "period",
        cJSON_CreateString(chiso_period_kind_name(res->period)));
    cJSON_AddItemToObject(root, "as_of",
                          res->has_as_of ? svc_json_stamp(res->as_of)
                                         : cJSON_CreateNull());
    o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "channel", cJSON_CreateBool(res->has_channel));
    cJSON_AddItemToObject(o, "components_signed",
                          cJSON_CreateBool(res->has_components_signed));
    cJSON_AddItemToObject(o, "result_signed",
                          cJSON_CreateBool(res->has_result_signed));
    cJSON_AddItemToObject(o, "digitized", cJSON_CreateBool(res->has_digitized));
    cJSON_AddItemToObject(o, "satisfaction",
                          cJSON_CreateBool(res->has_satisfaction));
    cJSON_AddItemToObject(o, "status", cJSON_CreateBool(res->has_status));
    cJSON_AddItemToObject(o, "unit", cJSON_CreateBool(res->has_unit_column));
    cJSON_AddItemToObject(root, "columns", o);
    cJSON_AddItemToObject(root, "records",
                          svc_json_records(res->rows_read, res->rows_counted,
                                           res->rows_rejected, res->rows_totals,
                                           res->rows_other_units,
                                           res->max_rejects_pct));
    arr = cJSON_CreateArray();
    for (i = 0; i < res->n_rows; i++) {
        cJSON_AddItemToArray(arr, row_json(res, &res->rows[i]));
    }
    cJSON_AddItemToObject(root, "groups", arr);
    arr = cJSON_CreateArray();
    for (i = 0; i < res->n_totals; i++) {
        cJSON_AddItemToArray(arr, row_json(res, &res->totals[i]));
    }
    cJSON_AddItemToObject(root, "period_totals", arr);
    cJSON_AddItemToObject(root, "overall", row_json(res, &res->overall));
    return root;
}

void
chiso_services_write_csv(const chiso_services_result *res, FILE *out)
{
    static const char *const head[] = {"unit",
                                       "period",
                                       "received",
                                       "finished",
                                       "finished_on_time",
                                       "open",
                                       "online_pct",
                                       "on_time_pct",
                                       "components_signed_pct",
                                       "result_signed_pct",
                                       "digitized_pct",
                                       "satisfaction_mean",
                                       "processing_days_median",
                                       "processing_days_p90",
                                       NULL};
    chiso_csvw w;
    size_t i;

    chiso_csvw_init(&w, out, ',', 0);
    chiso_csvw_row(&w, head);
    for (i = 0; i < res->n_rows; i++) {
        const chiso_services_row *r = &res->rows[i];
        chiso_csvw_text(&w, r->unit);
        chiso_csvw_text(&w, r->period);
        chiso_csvw_int(&w, (long long)r->received);
        chiso_csvw_int(&w, (long long)r->finished);
        chiso_csvw_int(&w, (long long)r->finished_on_time);
        chiso_csvw_int(&w, (long long)r->open);
        chiso_csvw_number(&w, r->online_pct);
        chiso_csvw_number(&w, r->on_time_pct);
        chiso_csvw_number(&w, r->components_signed_pct);
        chiso_csvw_number(&w, r->result_signed_pct);
        chiso_csvw_number(&w, r->digitized_pct);
        chiso_csvw_number(&w, r->satisfaction_mean);
        chiso_csvw_number(&w, r->processing_days_median);
        chiso_csvw_number(&w, r->processing_days_p90);
        chiso_csvw_end(&w);
    }
}

/* ---- rejected rows ------------------------------------------------------------- */

void
chiso_rejects_csv_init(chiso_rejects_csv *w, FILE *out)
{
    memset(w, 0, sizeof(*w));
    chiso_csvw_init(&w->w, out, ',', 0);
}

void
chiso_rejects_csv_header(void *ctx,
                         const char *const *names,
                         size_t n,
                         char delim)
{
    chiso_rejects_csv *w = ctx;
    size_t i;

    if (w->header_done) {
        return;
    }
    w->w.delim = delim;
    fputs("\xEF\xBB\xBF", w->w.out);
    for (i = 0; i < n; i++) {
        chiso_csvw_text(&w->w, names[i]);
    }
    chiso_csvw_text(&w->w, "reject_location");
    chiso_csvw_text(&w->w, "reject_reason");
    chiso_csvw_end(&w->w);
    w->header_done = 1;
}

int
chiso_rejects_csv_write(void *ctx, const chiso_reject *rej)
{
    chiso_rejects_csv *w = ctx;
    char loc[600];
    size_t i;

    for (i = 0; i < rej->n_fields; i++) {
        chiso_csvw_text(&w->w, rej->field[i]);
    }
    if (rej->column > 0) {
        snprintf(loc, sizeof(loc), "%s:%lu:%lu", rej->path, rej->line,
                 rej->column);
    } else {
        snprintf(loc, sizeof(loc), "%s:%lu", rej->path, rej->line);
    }
    chiso_csvw_text(&w->w, loc);
    chiso_csvw_text(&w->w, rej->reason);
    chiso_csvw_end(&w->w);
    w->n++;
    return ferror(w->w.out) ? -1 : 0;
}

/* ---- derived inputs -------------------------------------------------------------- */

static chiso_status
set_add(chiso_input_set *set,
        const char *name,
        const char *detail,
        int is_count,
        double num,
        double den,
        int has_value,
        double value)
{
    chiso_input_value *v;

    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 32;
        chiso_input_value *p = realloc(set->items, cap * sizeof(*p));
        if (p == NULL) {
            return CHISO_ENOMEM;
        }
        set->items = p;
        set->cap = cap;
    }
    v = &set->items[set->n];
    memset(v, 0, sizeof(*v));
    v->name = name;
    v->detail = chiso_strdup(detail);
    if (v->detail == NULL) {
        return CHISO_ENOMEM;
    }
    if (is_count) {
        v->has_value = 1;
        v->value = num;
    } else if (has_value) {
        v->has_value = 1;
        v->value = value;
    } else {
        v->has_counts = 1;
        v->numerator = num;
        v->denominator = den;
        if (den > 0) {
            v->has_value = 1;
            v->value = 100.0 * num / den;
        }
    }
    set->n++;
    return CHISO_OK;
}

#define ADD_COUNT(name, x)                                                     \
    if ((st = set_add(set, name, detail, 1, (double)(x), 0, 0, 0)) !=          \
        CHISO_OK)                                                              \
    goto out
#define ADD_RATE(name, a, b)                                                   \
    if ((st = set_add(set, name, detail, 0, (double)(a), (double)(b), 0,       \
                      0)) != CHISO_OK)                                         \
    goto out

/*
 * The label of `unit` in a result, or NULL with diag set: the log has no
 * counted row, or no row of the unit.
 */
static const char *
inputs_unit(const char *path,
            char *const *units,
            size_t n_units,
            uint64_t counted,
            const char *unit,
            const char *what,
            chiso_diag *diag)
{
    unsigned char *hit;
    chiso_unit_ref ref;
    size_t i, n_hit = 0, at = 0;

    if (counted == 0 || n_units == 0) {
        chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                       "no %s to count: the indicators of this file are not "
                       "computed (no score is given from an empty log)",
                       what);
        return NULL;
    }
    if (unit == NULL) {
        return "*";
    }
    for (i = 0; i < n_units; i++) {
        if (strcmp(units[i], unit) == 0) {
            return units[i];
        }
    }
    hit = calloc(n_units, 1);
    if (hit == NULL) {
        chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
        return NULL;
    }
    memset(&ref, 0, sizeof(ref));
    ref.code = unit;
    if (chiso_unit_match(path, (const char *const *)units, n_units, &ref, hit,
                         diag) == CHISO_OK) {
        for (i = 0; i < n_units; i++) {
            if (hit[i]) {
                at = i;
                n_hit++;
            }
        }
        if (n_hit > 1) {
            chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                           "unit '%s' matches several units of the file "
                           "(such as '%s'): select the unit when reading it",
                           unit, units[at]);
            free(hit);
            return NULL;
        }
    }
    free(hit);
    return n_hit == 1 ? units[at] : NULL;
}

chiso_status
chiso_services_inputs(chiso_input_set *set,
                      const chiso_services_result *res,
                      const char *unit,
                      int32_t period_index,
                      chiso_diag_list *warnings,
                      chiso_diag *diag)
{
    const chiso_services_row *r;
    chiso_services_row zero;
    char detail[700], per[16];
    chiso_status st = CHISO_OK;
    const char *label =
        inputs_unit(res->path, res->units, res->n_units, res->rows_counted,
                    unit, chiso_msg(svc_lang(diag), "dossier"), diag);

    if (label == NULL) {
        return diag != NULL && diag->code != CHISO_OK ? diag->code
                                                      : CHISO_EDATA;
    }
    chiso_period_format(res->period, period_index, per, sizeof(per));
    r = chiso_services_find(res, unit != NULL ? label : NULL, period_index);
    if (r == NULL) {
        memset(&zero, 0, sizeof(zero));
        r = &zero;
        if (warnings != NULL) {
            chiso_diag_list_addk(warnings, "unit_no_rows_in_period",
                                 CHISO_SEVERITY_WARNING, NULL, res->path, 0, 0,
                                 "no dossier of unit '%s' was received in "
                                 "%s: counts are 0 and rates 0/0 (the rule's "
                                 "zero-denominator convention applies)",
                                 unit != NULL ? label : "*", per);
        }
    }
    snprintf(detail, sizeof(detail), "%s: unit %s, period %s, %llu dossiers",
             res->path, unit ? label : "(all)", per,
             (unsigned long long)r->received);
    ADD_COUNT("services.received", r->received);
    ADD_COUNT("services.finished", r->finished);
    if (res->has_channel) {
        ADD_RATE("services.online_pct", r->online, r->received);
    }
    ADD_RATE("services.on_time_pct", r->finished_on_time, r->finished);
    ADD_RATE("services.progress_pct", r->finished_on_time + r->open_within_due,
             r->received);
    if (res->has_components_signed) {
        ADD_RATE("services.components_signed_pct", r->components_signed,
                 r->received);
    }
    if (res->has_result_signed) {
        ADD_RATE("services.result_signed_pct", r->result_signed, r->received);
    }
    if (res->has_digitized) {
        ADD_RATE("services.digitized_pct", r->digitized, r->received);
    }
    if (res->has_satisfaction) {
        if (r->rated > 0) {
            st = set_add(set, "services.satisfaction_mean", detail, 0, 0, 0, 1,
                         r->satisfaction_mean);
            if (st != CHISO_OK) {
                goto out;
            }
        }
        ADD_RATE("services.satisfied_pct", r->satisfied, r->rated);
    }
out:
    if (st != CHISO_OK) {
        chiso_diag_set(diag, st, NULL, 0, 0, "out of memory");
    }
    return st;
}

chiso_status
chiso_tasks_inputs(chiso_input_set *set,
                   const chiso_tasks_result *res,
                   const char *unit,
                   int32_t period_index,
                   chiso_diag_list *warnings,
                   chiso_diag *diag)
{
    const chiso_tasks_row *r;
    chiso_tasks_row zero;
    char detail[700], per[16];
    chiso_status st = CHISO_OK;
    char asof[40];
    const char *label =
        inputs_unit(res->path, res->units, res->n_units, res->rows_counted,
                    unit, chiso_msg(svc_lang(diag), "task"), diag);

    if (label == NULL) {
        return diag != NULL && diag->code != CHISO_OK ? diag->code
                                                      : CHISO_EDATA;
    }
    chiso_period_format(res->period, period_index, per, sizeof(per));
    r = chiso_tasks_find(res, unit != NULL ? label : NULL, period_index);
    if (r == NULL) {
        memset(&zero, 0, sizeof(zero));
        r = &zero;
        if (warnings != NULL) {
            chiso_diag_list_addk(warnings, "unit_no_rows_in_period",
                                 CHISO_SEVERITY_WARNING, NULL, res->path, 0, 0,
                                 "no task of unit '%s' is due in %s: counts "
                                 "are 0 and rates 0/0 (the rule's "
                                 "zero-denominator convention applies)",
                                 unit != NULL ? label : "*", per);
        }
    }
    svc_stamp_text(res->as_of, asof, sizeof(asof));
    snprintf(detail, sizeof(detail),
             "%s: unit %s, deadlines in %s, %llu tasks, as of %s", res->path,
             unit ? label : "(all)", per, (unsigned long long)r->assigned,
             asof);
    ADD_COUNT("tasks.assigned", r->assigned);
    ADD_COUNT("tasks.completed", r->completed);
    ADD_COUNT("tasks.completed_on_time", r->completed_on_time);
    ADD_COUNT("tasks.completed_late", r->completed_late);
    ADD_COUNT("tasks.overdue", r->overdue);
    ADD_RATE("tasks.on_time_pct", r->completed_on_time,
             r->completed + r->overdue);
    ADD_RATE("tasks.completed_pct", r->completed, r->assigned);
out:
    if (st != CHISO_OK) {
        chiso_diag_set(diag, st, NULL, 0, 0, "out of memory");
    }
    return st;
}

void
chiso_input_set_free(chiso_input_set *set)
{
    size_t i;

    if (set == NULL) {
        return;
    }
    for (i = 0; i < set->n; i++) {
        free((char *)(uintptr_t)set->items[i].detail);
    }
    free(set->items);
    memset(set, 0, sizeof(*set));
}

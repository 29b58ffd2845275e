/*
 * services_json.c - outputs of the dossier computation: the JSON document,
 * the CSV of the issue, and the derived inputs the scorer takes
 * (chiso_input_value).
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
#include <stddef.h>
#include <string.h>

static cJSON *
count_or_null(int present, uint64_t v)
{
    return present ? chiso_logs__json_u64(v) : cJSON_CreateNull();
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
    cJSON_AddItemToObject(o, "received", chiso_logs__json_u64(r->received));
    cJSON_AddItemToObject(o, "finished", chiso_logs__json_u64(r->finished));
    cJSON_AddItemToObject(o, "finished_on_time",
                          chiso_logs__json_u64(r->finished_on_time));
    cJSON_AddItemToObject(o, "open", chiso_logs__json_u64(r->open));
    cJSON_AddItemToObject(o, "open_within_due",
                          chiso_logs__json_u64(r->open_within_due));
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
    cJSON_AddItemToObject(o, "online_pct", chiso_logs__json_pct(r->online_pct));
    cJSON_AddItemToObject(o, "on_time_pct",
                          chiso_logs__json_pct(r->on_time_pct));
    cJSON_AddItemToObject(o, "progress_pct",
                          chiso_logs__json_pct(r->progress_pct));
    cJSON_AddItemToObject(o, "components_signed_pct",
                          chiso_logs__json_pct(r->components_signed_pct));
    cJSON_AddItemToObject(o, "result_signed_pct",
                          chiso_logs__json_pct(r->result_signed_pct));
    cJSON_AddItemToObject(o, "digitized_pct",
                          chiso_logs__json_pct(r->digitized_pct));
    cJSON_AddItemToObject(o, "satisfaction_mean",
                          chiso_logs__json_num(r->satisfaction_mean));
    cJSON_AddItemToObject(o, "satisfied_pct",
                          chiso_logs__json_pct(r->satisfied_pct));
    cJSON_AddItemToObject(o, "processing_days_mean",
                          chiso_logs__json_num(r->processing_days_mean));
    cJSON_AddItemToObject(o, "processing_days_median",
                          chiso_logs__json_num(r->processing_days_median));
    cJSON_AddItemToObject(o, "processing_days_p90",
                          chiso_logs__json_num(r->processing_days_p90));
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
                          chiso_logs__json_unit(res->has_unit_column,
                                                res->n_units, res->units,
                                                res->unit_in_log));
    cJSON_AddItemToObject(
        root, "period",
        cJSON_CreateString(chiso_period_kind_name(res->period)));
    cJSON_AddItemToObject(root, "as_of",
                          res->has_as_of ? chiso_logs__json_stamp(res->as_of)
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
    cJSON_AddItemToObject(
        root, "records",
        chiso_logs__json_records(res->rows_read, res->rows_counted,
                                 res->rows_rejected, res->rows_totals,
                                 res->rows_other_units, res->max_rejects_pct));
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

/* ---- derived inputs -------------------------------------------------------------- */

#define ADD_COUNT(name, x)                                                     \
    if ((st = chiso_logs__set_add(set, name, detail, 1, (double)(x), 0, 0,     \
                                  0)) != CHISO_OK)                             \
    goto out
#define ADD_RATE(name, a, b)                                                   \
    if ((st = chiso_logs__set_add(set, name, detail, 0, (double)(a),           \
                                  (double)(b), 0, 0)) != CHISO_OK)             \
    goto out

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
    const char *label = chiso_logs__inputs_unit(
        res->path, res->units, res->n_units, res->rows_counted, unit,
        chiso_msg(logs_lang(diag), "dossier"), diag);

    if (label == NULL) {
        return diag != NULL && diag->code != CHISO_OK ? diag->code
                                                      : CHISO_EDATA;
    }
    chiso_period_format(res->period, period_index, per, sizeof(per));
    r = chiso_services_find(res, unit != NULL ? label : NULL, period_index);
    if (r == NULL) {
        /* a log that does not reach the period is an error, a gap inside
         * it a period without work */
        st = chiso_logs__rows_cover(res->path, res->period, period_index,
                                    res->rows, res->n_rows, sizeof(*res->rows),
                                    offsetof(chiso_services_row, period_index),
                                    unit != NULL ? label : NULL, 0, diag);
        if (st != CHISO_OK) {
            return st;
        }
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
            st = chiso_logs__set_add(set, "services.satisfaction_mean", detail,
                                     0, 0, 0, 1, r->satisfaction_mean);
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

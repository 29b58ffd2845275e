/*
 * rank.c - ranking units on one index in one year.
 *
 * Competition ranks ("1224": ties share the best place, the next rank
 * skips), a percentile, PAPI-style quartile groups and the classification
 * bands of a framework. Inputs come from the published store (one per
 * unit with a preferred row) or from a user's own table; units without a
 * value are not ranked and keep the reason given for them.
 *
 * Percentile: 100 * (rank_asc - 1) / (n - 1), where rank_asc is the
 * competition rank counted from the worst (SQL PERCENT_RANK), i.e. the
 * share of the other units with a strictly lower value: a unique best unit
 * is 100, the worst 0, ties share the value of their group; n = 1 gives
 * 100.
 *
 * Quartile groups: the published PAPI 2020 split of 63 provinces was
 * 16 / 16 / 15 / 16 and the 2023 top group of 61 scored provinces held
 * 15. With type-7 quartiles Q1 <= Q2 <= Q3 of the values, the rule
 * best: v > Q3, high-average: Q2 <= v <= Q3, low-average: Q1 <= v < Q2,
 * poor: v < Q1 reproduces both (PAPI's own rule was not found).
 */
#include "chiso_stats.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Fewest units for quartile groups to mean anything. */
#define GROUPS_MIN_N 4

void
chiso_rank_free(chiso_rank_result *res)
{
    if (res == NULL) {
        return;
    }
    free(res->items);
    free(res->unranked);
    free(res);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static int
cmp_item(const void *a, const void *b)
{
    const chiso_rank_item *p = a, *q = b;

    if (p->rank != q->rank) {
        return p->rank < q->rank ? -1 : 1;
    }
    return strcmp(p->in->unit, q->in->unit);
}

/* Group 1..4 of v from the quartiles (higher is better). */
static int
quartile_group(double v, double q1, double q2, double q3)
{
    if (v > q3) {
        return 1;
    }
    if (v >= q2) {
        return 2;
    }
    if (v >= q1) {
        return 3;
    }
    return 4;
}

chiso_status
chiso_rank_compute(chiso_rank_result **out,
                   const chiso_rank_input *in,
                   size_t n,
                   int higher_is_better,
                   const chiso_framework *fw,
                   chiso_diag *diag)
{
    chiso_rank_result *res;
    double *v = NULL, *sorted = NULL;
    long *rk = NULL, *rk_asc = NULL;
    size_t i, m = 0;

    *out = NULL;
    res = calloc(1, sizeof(*res));
    if (res == NULL || !(res->items = calloc(n + 1, sizeof(*res->items))) ||
        !(res->unranked = calloc(n + 1, sizeof(*res->unranked))) ||
        !(v = malloc((n + 1) * sizeof(*v))) ||
        !(sorted = malloc((n + 1) * sizeof(*sorted))) ||
        !(rk = malloc((n + 1) * sizeof(*rk))) ||
        !(rk_asc = malloc((n + 1) * sizeof(*rk_asc)))) {
        goto oom;
    }
    res->higher_is_better = higher_is_better;
    for (i = 0; i < n; i++) {
        if (in[i].has_value && isfinite(in[i].value)) {
            res->items[m].in = &in[i];
            v[m++] = in[i].value;
        } else {
            res->unranked[res->n_unranked++] = &in[i];
        }
    }
    res->n = m;
    if (m == 0) {
        chiso_rank_free(res);
        free(v);
        free(sorted);
        free(rk);
        free(rk_asc);
        return n == 1 ? chiso_diag_set(diag, CHISO_EDATA, NULL, 0, 0,
                                       "no unit has a value to rank (%zu "
                                       "unit without one)",
                                       n)
                      : chiso_diag_set(diag, CHISO_EDATA, NULL, 0, 0,
                                       "no unit has a value to rank (%zu "
                                       "units without one)",
                                       n);
    }
    if (chiso_stats_competition_ranks(v, m, higher_is_better, rk) != CHISO_OK ||
        chiso_stats_competition_ranks(v, m, !higher_is_better, rk_asc) !=
            CHISO_OK) {
        goto oom;
    }
    memcpy(sorted, v, m * sizeof(*v));
    qsort(sorted, m, sizeof(*sorted), cmp_double);
    res->groups = m >= GROUPS_MIN_N;
    res->q1 = chiso_stats_quantile_sorted(sorted, m, 0.25);
    res->q2 = chiso_stats_quantile_sorted(sorted, m, 0.50);
    res->q3 = chiso_stats_quantile_sorted(sorted, m, 0.75);
    for (i = 0; i < m; i++) {
        chiso_rank_item *it = &res->items[i];
        it->rank = rk[i];
        it->percentile =
            m == 1 ? 100.0 : 100.0 * (double)(rk_asc[i] - 1) / (double)(m - 1);
        if (res->groups) {
            /* lower is better: mirror the values (and the quartiles) */
            it->group =
                higher_is_better
                    ? quartile_group(v[i], res->q1, res->q2, res->q3)
                    : quartile_group(-v[i], -res->q3, -res->q2, -res->q1);
            res->group_count[it->group - 1]++;
        }
        if (fw != NULL) {
            it->band = chiso_framework_classify(fw, v[i]);
        }
    }
    qsort(res->items, m, sizeof(*res->items), cmp_item);
    free(v);
    free(sorted);
    free(rk);
    free(rk_asc);
    *out = res;
    return CHISO_OK;
oom:
    chiso_rank_free(res);
    free(v);
    free(sorted);
    free(rk);
    free(rk_asc);
    return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
}

chiso_status
chiso_rank_inputs_from_store(chiso_rank_input **out,
                             size_t *n,
                             const chiso_published *store,
                             const char *index,
                             const char *component_id,
                             int year,
                             const char *unit_type,
                             const char **scale,
                             chiso_diag *diag)
{
    chiso_rank_input *in;
    const char *cid = component_id ? component_id : "";
    const char *type = unit_type ? unit_type : "province";
    size_t i, m = 0, any = 0;

    *out = NULL;
    *n = 0;
    in = calloc(store->n + 1, sizeof(*in));
    if (in == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (i = 0; i < store->n; i++) {
        const chiso_pub_row *r = &store->rows[i];
        chiso_rank_input *x;
        if (strcmp(r->index, index) != 0) {
            continue;
        }
        any = 1;
        if (r->year != year || strcmp(r->component_id, cid) != 0 ||
            strcmp(r->unit_type, type) != 0 || !r->preferred) {
            continue;
        }
        x = &in[m++];
        x->unit = r->unit;
        x->unit_code = r->unit_code;
        x->has_value = r->has_value;
        x->value = r->value;
        x->published_rank = r->rank;
        x->published_rank_of = r->rank_of;
        x->rank_derived = r->rank_derived;
        x->source = r->source;
        if (scale != NULL) {
            *scale = r->scale;
        }
        if (!r->has_value) {
            x->reason = r->status == CHISO_PUB_NOT_SCORED ? r->note
                        : r->status == CHISO_PUB_VALUE_NOT_FOUND
                            ? r->note
                            : N_("no value published (rank only)");
        }
    }
    if (m == 0) {
        free(in);
        if (!any) {
            return chiso_diag_set(diag, CHISO_EDATA, store->path, 0, 0,
                                  "unknown index '%s': no row of the store "
                                  "has it (known: PAR_INDEX, SIPAS, PAPI, "
                                  "...)",
                                  index);
        }
        return chiso_diag_set(diag, CHISO_EDATA, store->path, 0, 0,
                              "no %s rows for %s%s%s in %d in the store", type,
                              index, cid[0] ? ":" : "", cid, year);
    }
    *out = in;
    *n = m;
    return CHISO_OK;
}

static cJSON *
str_or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? cJSON_CreateString(s)
                                     : cJSON_CreateNull();
}

static cJSON *
long_or_null(long v)
{
    return v > 0 ? cJSON_CreateNumber((double)v) : cJSON_CreateNull();
}

static const char *const group_names[4] = {"best", "high_average",
                                           "low_average", "poor"};

cJSON *
chiso_rank_to_json(const chiso_rank_result *res, cJSON *what, chiso_lang lang)
{
    cJSON *root = cJSON_CreateObject(), *a, *g;
    size_t i;

    cJSON_AddItemToObject(root, "schema_version", cJSON_CreateNumber(1));
    cJSON_AddItemToObject(root, "command", cJSON_CreateString("rank"));
    cJSON_AddItemToObject(root, "data", what ? what : cJSON_CreateNull());
    cJSON_AddItemToObject(
        root, "better",
        cJSON_CreateString(res->higher_is_better ? "higher" : "lower"));
    cJSON_AddItemToObject(root, "n_ranked", cJSON_CreateNumber((double)res->n));
    g = cJSON_AddObjectToObject(root, "quartile_groups");
    cJSON_AddItemToObject(g, "computed", cJSON_CreateBool(res->groups));
    cJSON_AddItemToObject(
        g, "q1", res->groups ? chiso_json_number(res->q1) : cJSON_CreateNull());
    cJSON_AddItemToObject(
        g, "q2", res->groups ? chiso_json_number(res->q2) : cJSON_CreateNull());
    cJSON_AddItemToObject(
        g, "q3", res->groups ? chiso_json_number(res->q3) : cJSON_CreateNull());
    a = cJSON_AddArrayToObject(g, "counts");
    for (i = 0; i < 4; i++) {
        cJSON_AddItemToArray(a,
                             cJSON_CreateNumber((double)res->group_count[i]));
    }
    a = cJSON_AddArrayToObject(root, "ranked");
    for (i = 0; i < res->n; i++) {
        const chiso_rank_item *it = &res->items[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "rank", cJSON_CreateNumber((double)it->rank));
        cJSON_AddItemToObject(o, "unit", cJSON_CreateString(it->in->unit));
        cJSON_AddItemToObject(o, "unit_code", str_or_null(it->in->unit_code));
        cJSON_AddItemToObject(o, "value", chiso_json_number(it->in->value));
        cJSON_AddItemToObject(o, "percentile",
                              chiso_json_fixed(it->percentile, 2));
        cJSON_AddItemToObject(o, "group",
                              it->group ? cJSON_CreateNumber(it->group)
                                        : cJSON_CreateNull());
        cJSON_AddItemToObject(
            o, "group_name",
            it->group ? cJSON_CreateString(group_names[it->group - 1])
                      : cJSON_CreateNull());
        if (it->band != NULL) {
            cJSON *b = cJSON_AddObjectToObject(o, "band");
            cJSON_AddItemToObject(b, "id", cJSON_CreateString(it->band->id));
            cJSON_AddItemToObject(b, "label",
                                  cJSON_CreateString(it->band->label));
        } else {
            cJSON_AddItemToObject(o, "band", cJSON_CreateNull());
        }
        cJSON_AddItemToObject(o, "published_rank",
                              long_or_null(it->in->published_rank));
        cJSON_AddItemToObject(o, "published_rank_of",
                              long_or_null(it->in->published_rank_of));
        cJSON_AddItemToObject(o, "published_rank_derived",
                              cJSON_CreateBool(it->in->rank_derived));
        cJSON_AddItemToObject(o, "source", str_or_null(it->in->source));
        cJSON_AddItemToArray(a, o);
    }
    a = cJSON_AddArrayToObject(root, "not_ranked");
    for (i = 0; i < res->n_unranked; i++) {
        const chiso_rank_input *x = res->unranked[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "unit", cJSON_CreateString(x->unit));
        cJSON_AddItemToObject(o, "unit_code", str_or_null(x->unit_code));
        cJSON_AddItemToObject(
            o, "reason",
            cJSON_CreateString(chiso_msg(
                lang, x->reason && x->reason[0] ? x->reason : N_("no value"))));
        cJSON_AddItemToObject(o, "published_rank",
                              long_or_null(x->published_rank));
        cJSON_AddItemToObject(o, "published_rank_of",
                              long_or_null(x->published_rank_of));
        cJSON_AddItemToObject(o, "published_rank_derived",
                              cJSON_CreateBool(x->rank_derived));
        cJSON_AddItemToObject(o, "source", str_or_null(x->source));
        cJSON_AddItemToArray(a, o);
    }
    return root;
}

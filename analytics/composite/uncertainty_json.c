/*
 * uncertainty_json.c - JSON and CSV outputs of chiso uncertainty
 * (schema_version 1, docs/composite.md "chiso uncertainty").
 *
 * The CSV layout unit,nominal_rank,median_rank,p5_rank,p95_rank,
 * nominal_score is a contract with the rank-interval chart: keep it.
 */
#include "composite_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

static cJSON *
rank_or_null(unsigned r)
{
    return r ? cJSON_CreateNumber(r) : cJSON_CreateNull();
}

cJSON *
chiso_uncertainty_to_json(const chiso_uncertainty_result *res)
{
    const chiso_composite *m = res->model;
    const chiso_uncertainty_options *o = &res->opts;
    cJSON *root = cJSON_CreateObject(), *s, *a, *x;
    size_t i;
    char seed[32];

    if (root == NULL) {
        return NULL;
    }
    cJSON_AddItemToObject(root, "schema_version", cJSON_CreateNumber(1));
    cJSON_AddItemToObject(root, "command", cJSON_CreateString("uncertainty"));
    cJSON_AddItemToObject(root, "data", cJSON_CreateString(m->data_path));
    cJSON_AddItemToObject(root, "meta", cJSON_CreateString(m->meta_path));
    cJSON_AddItemToObject(root, "time",
                          m->time ? cJSON_CreateString(m->time)
                                  : cJSON_CreateNull());
    s = cJSON_AddObjectToObject(root, "settings");
    cJSON_AddItemToObject(s, "replicates",
                          cJSON_CreateNumber((double)o->replicates));
    /* a string: a 64-bit seed does not fit a JSON number exactly */
    snprintf(seed, sizeof(seed), "%llu", (unsigned long long)o->seed);
    cJSON_AddItemToObject(s, "seed", cJSON_CreateString(seed));
    cJSON_AddItemToObject(s, "prng", cJSON_CreateString("splitmix64"));
    cJSON_AddItemToObject(s, "weight_noise",
                          chiso_json_number(o->weight_noise));
    a = cJSON_AddArrayToObject(s, "normalise");
    for (i = 0; i < o->n_normalise; i++) {
        cJSON_AddItemToArray(
            a, cJSON_CreateString(chiso_cmp_norm_name(o->normalise[i])));
    }
    a = cJSON_AddArrayToObject(s, "aggregate");
    for (i = 0; i < o->n_aggregate; i++) {
        cJSON_AddItemToArray(
            a, cJSON_CreateString(chiso_cmp_agg_name(o->aggregate[i])));
    }
    a = cJSON_AddArrayToObject(s, "range");
    cJSON_AddItemToArray(a, chiso_json_number(o->range_lo));
    cJSON_AddItemToArray(a, chiso_json_number(o->range_hi));
    a = cJSON_AddArrayToObject(s, "zscore_mean_sd");
    cJSON_AddItemToArray(a, chiso_json_number(o->zscore_mean));
    cJSON_AddItemToArray(a, chiso_json_number(o->zscore_sd));
    cJSON_AddItemToObject(s, "percentiles",
                          cJSON_CreateString("linear (numpy default, R type "
                                             "7)"));
    x = cJSON_AddObjectToObject(root, "index");
    cJSON_AddItemToObject(x, "code",
                          cJSON_CreateString(m->nodes[m->root].code));
    cJSON_AddItemToObject(x, "name",
                          cJSON_CreateString(m->nodes[m->root].name));
    cJSON_AddItemToObject(root, "ranked_units",
                          cJSON_CreateNumber((double)res->n_ranked));
    a = cJSON_AddArrayToObject(root, "units");
    for (i = 0; i < res->n_units; i++) {
        size_t u = res->order[i];
        cJSON *o2 = cJSON_CreateObject();
        cJSON_AddItemToObject(o2, "code", cJSON_CreateString(m->unit_code[u]));
        cJSON_AddItemToObject(o2, "name", cJSON_CreateString(m->unit_name[u]));
        cJSON_AddItemToObject(o2, "nominal_rank",
                              rank_or_null(res->nominal_rank[u]));
        cJSON_AddItemToObject(o2, "nominal_score",
                              chiso_json_number(res->nominal_score[u]));
        cJSON_AddItemToObject(
            o2, "no_score",
            res->nominal_rank[u]
                ? cJSON_CreateNull()
                : cJSON_CreateString("all_indicators_missing"));
        cJSON_AddItemToObject(o2, "median_rank",
                              chiso_json_number(res->median_rank[u]));
        cJSON_AddItemToObject(o2, "p5_rank",
                              chiso_json_number(res->p5_rank[u]));
        cJSON_AddItemToObject(o2, "p95_rank",
                              chiso_json_number(res->p95_rank[u]));
        cJSON_AddItemToObject(o2, "mean_rank",
                              chiso_json_number(res->mean_rank[u]));
        cJSON_AddItemToArray(a, o2);
    }
    return root;
}

void
chiso_uncertainty_write_csv(const chiso_uncertainty_result *res, chiso_csvw *w)
{
    const chiso_composite *m = res->model;
    size_t i;

    chiso_csvw_text(w, "unit");
    chiso_csvw_text(w, "nominal_rank");
    chiso_csvw_text(w, "median_rank");
    chiso_csvw_text(w, "p5_rank");
    chiso_csvw_text(w, "p95_rank");
    chiso_csvw_text(w, "nominal_score");
    chiso_csvw_end(w);
    for (i = 0; i < res->n_units; i++) {
        size_t u = res->order[i];
        chiso_csvw_text(w, m->unit_code[u]);
        if (res->nominal_rank[u] > 0) {
            chiso_csvw_int(w, res->nominal_rank[u]);
        } else {
            chiso_csvw_text(w, NULL);
        }
        chiso_csvw_number(w, res->median_rank[u]);
        chiso_csvw_number(w, res->p5_rank[u]);
        chiso_csvw_number(w, res->p95_rank[u]);
        chiso_csvw_number(w, res->nominal_score[u]);
        chiso_csvw_end(w);
    }
}

void
chiso_uncertainty_write_replicates_csv(const chiso_uncertainty_result *res,
                                       chiso_csvw *w)
{
    const chiso_composite *m = res->model;
    size_t r, k, nn = m->n_nodes;

    chiso_csvw_text(w, "replicate");
    chiso_csvw_text(w, "normalise");
    chiso_csvw_text(w, "aggregate");
    for (k = 0; k < nn; k++) {
        if (k != m->root) {
            chiso_csvw_text(w, m->nodes[k].code);
        }
    }
    chiso_csvw_end(w);
    if (res->rep_weight == NULL) {
        return;
    }
    for (r = 0; r < res->opts.replicates; r++) {
        chiso_csvw_int(w, (long long)(r + 1));
        chiso_csvw_text(w, chiso_cmp_norm_name(res->rep_normalise[r]));
        chiso_csvw_text(w, chiso_cmp_agg_name(res->rep_aggregate[r]));
        for (k = 0; k < nn; k++) {
            if (k != m->root) {
                chiso_csvw_number(w, res->rep_weight[r * nn + k]);
            }
        }
        chiso_csvw_end(w);
    }
}

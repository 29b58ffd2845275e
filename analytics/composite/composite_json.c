/*
 * composite_json.c - the JSON document of chiso composite (schema_version
 * 1, docs/composite.md "chiso composite").
 *
 * Key order is fixed by construction; numbers are rounded to 10
 * significant digits (chiso_json_number), so the same inputs give the same
 * bytes; a missing value is null, never an omitted key. Units are listed
 * by rank at the index (unranked last, ties in iData order); per-unit
 * values and ranks are objects keyed by iCode in node order.
 */
#include "composite_int.h"

#include <cjson/cJSON.h>
#include <math.h>

static const char *const type_json[] = {"indicator", "aggregate", "group",
                                        "denominator", "other"};

static cJSON *
norm_json(const chiso_composite_result *res, size_t i)
{
    static const char *const keys[CHISO_NORM_COUNT][2] = {
        {"min", "max"},
        {"mean", "sd"},
        {NULL, NULL},
        {"goalpost_lower", "goalpost_upper"},
        {"min", "target"}};
    const char *const *k = keys[res->opts.normalise];
    cJSON *o;

    if (k[0] == NULL) {
        return cJSON_CreateNull();
    }
    o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, k[0], chiso_json_number(res->norm_a[i]));
    cJSON_AddItemToObject(o, k[1], chiso_json_number(res->norm_b[i]));
    return o;
}

static cJSON *
node_json(const chiso_composite_result *res, size_t k)
{
    const chiso_composite *m = res->model;
    const chiso_cmp_node *nd = &m->nodes[k];
    cJSON *o = cJSON_CreateObject();
    int ind = nd->type == CHISO_CMP_INDICATOR;

    cJSON_AddItemToObject(o, "code", cJSON_CreateString(nd->code));
    cJSON_AddItemToObject(o, "name", cJSON_CreateString(nd->name));
    cJSON_AddItemToObject(o, "type", cJSON_CreateString(type_json[nd->type]));
    cJSON_AddItemToObject(o, "level", cJSON_CreateNumber(nd->level));
    cJSON_AddItemToObject(o, "parent",
                          nd->parent == CHISO_CMP_NONE
                              ? cJSON_CreateNull()
                              : cJSON_CreateString(m->nodes[nd->parent].code));
    cJSON_AddItemToObject(o, "weight", chiso_json_number(nd->weight));
    cJSON_AddItemToObject(o, "weight_share",
                          chiso_json_number(nd->weight_share));
    cJSON_AddItemToObject(o, "effective_weight",
                          chiso_json_number(nd->effective_weight));
    cJSON_AddItemToObject(o, "direction",
                          ind ? cJSON_CreateNumber(nd->direction)
                              : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "missing",
                          ind ? cJSON_CreateNumber((double)nd->n_missing)
                              : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "normalisation",
                          ind ? norm_json(res, k) : cJSON_CreateNull());
    return o;
}

static cJSON *
unit_json(const chiso_composite_result *res, size_t u)
{
    const chiso_composite *m = res->model;
    size_t n = m->n_units, k, root = m->root * n + u;
    cJSON *o = cJSON_CreateObject(), *vals, *ranks;

    cJSON_AddItemToObject(o, "code", cJSON_CreateString(m->unit_code[u]));
    cJSON_AddItemToObject(o, "name", cJSON_CreateString(m->unit_name[u]));
    cJSON_AddItemToObject(o, "rank",
                          res->rank[root] ? cJSON_CreateNumber(res->rank[root])
                                          : cJSON_CreateNull());
    cJSON_AddItemToObject(
        o, "score",
        chiso_json_number(res->defined[root] ? res->value[root] : (double)NAN));
    /* why a unit has no score and no rank (a stable code, docs/composite.md):
       every indicator under the index is missing for it */
    cJSON_AddItemToObject(o, "no_score",
                          res->defined[root]
                              ? cJSON_CreateNull()
                              : cJSON_CreateString("all_indicators_missing"));
    vals = cJSON_AddObjectToObject(o, "values");
    ranks = cJSON_AddObjectToObject(o, "ranks");
    for (k = 0; k < m->n_nodes; k++) {
        size_t c = k * n + u;
        cJSON_AddItemToObject(
            vals, m->nodes[k].code,
            chiso_json_number(res->defined[c] ? res->value[c] : (double)NAN));
        cJSON_AddItemToObject(ranks, m->nodes[k].code,
                              res->rank[c] ? cJSON_CreateNumber(res->rank[c])
                                           : cJSON_CreateNull());
    }
    return o;
}

cJSON *
chiso_composite_to_json(const chiso_composite_result *res)
{
    const chiso_composite *m = res->model;
    const chiso_composite_options *o = &res->opts;
    cJSON *root = cJSON_CreateObject(), *s, *a, *x;
    size_t k, i;

    if (root == NULL) {
        return NULL;
    }
    cJSON_AddItemToObject(root, "schema_version", cJSON_CreateNumber(1));
    cJSON_AddItemToObject(root, "command", cJSON_CreateString("composite"));
    cJSON_AddItemToObject(root, "data", cJSON_CreateString(m->data_path));
    cJSON_AddItemToObject(root, "meta", cJSON_CreateString(m->meta_path));
    cJSON_AddItemToObject(root, "time",
                          m->time ? cJSON_CreateString(m->time)
                                  : cJSON_CreateNull());
    s = cJSON_AddObjectToObject(root, "settings");
    cJSON_AddItemToObject(
        s, "normalise", cJSON_CreateString(chiso_cmp_norm_name(o->normalise)));
    a = cJSON_AddArrayToObject(s, "range");
    cJSON_AddItemToArray(a, chiso_json_number(o->range_lo));
    cJSON_AddItemToArray(a, chiso_json_number(o->range_hi));
    a = cJSON_AddArrayToObject(s, "zscore_mean_sd");
    cJSON_AddItemToArray(a, chiso_json_number(o->zscore_mean));
    cJSON_AddItemToArray(a, chiso_json_number(o->zscore_sd));
    cJSON_AddItemToObject(s, "aggregate",
                          cJSON_CreateString(chiso_cmp_agg_name(o->aggregate)));
    cJSON_AddItemToObject(s, "missing_values",
                          cJSON_CreateString("dropped, weights renormalised "
                                             "within the parent"));
    cJSON_AddItemToObject(s, "ties", cJSON_CreateString("min"));
    s = cJSON_AddObjectToObject(root, "summary");
    cJSON_AddItemToObject(s, "units", cJSON_CreateNumber((double)m->n_units));
    cJSON_AddItemToObject(s, "ranked_units",
                          cJSON_CreateNumber((double)res->n_ranked));
    cJSON_AddItemToObject(s, "indicators",
                          cJSON_CreateNumber((double)m->n_indicators));
    cJSON_AddItemToObject(
        s, "aggregates",
        cJSON_CreateNumber((double)(m->n_nodes - m->n_indicators)));
    cJSON_AddItemToObject(s, "levels", cJSON_CreateNumber(m->n_levels));
    cJSON_AddItemToObject(s, "missing_values",
                          cJSON_CreateNumber((double)m->n_missing));
    x = cJSON_AddObjectToObject(root, "index");
    cJSON_AddItemToObject(x, "code",
                          cJSON_CreateString(m->nodes[m->root].code));
    cJSON_AddItemToObject(x, "name",
                          cJSON_CreateString(m->nodes[m->root].name));
    a = cJSON_AddArrayToObject(root, "nodes");
    for (k = 0; k < m->n_nodes; k++) {
        cJSON_AddItemToArray(a, node_json(res, k));
    }
    a = cJSON_AddArrayToObject(root, "units");
    for (i = 0; i < m->n_units; i++) {
        cJSON_AddItemToArray(a, unit_json(res, res->order[i]));
    }
    return root;
}

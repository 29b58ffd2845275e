/*
 * score_json.c - the JSON document of chiso score (schema_version 2;
 * docs/json.md).
 *
 * Key order is fixed by construction and every number is rounded
 * (points to the framework's decimals, index % to its index decimals,
 * anything else to 10 significant digits), so the same inputs always give
 * the same bytes. Missing values are null, never omitted, so scripts can
 * rely on every key being present; docs/json.md documents when each can
 * be null.
 */
#include "chiso_score.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static cJSON *
str_or_null(const char *s)
{
    return s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *
points_json(const chiso_score_result *res, double x)
{
    int d = res->fw->points_decimals;

    return d >= 0 ? chiso_json_fixed(x, d) : chiso_json_number(x);
}

static cJSON *
group_json(const chiso_class_band *g)
{
    cJSON *o;

    if (g == NULL) {
        return cJSON_CreateNull();
    }
    o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "id", cJSON_CreateString(g->id));
    cJSON_AddItemToObject(o, "label", cJSON_CreateString(g->label));
    return o;
}

static cJSON *
total_json(const chiso_score_result *res)
{
    cJSON *t = cJSON_CreateObject();
    int idec = res->fw->index_decimals;

    cJSON_AddItemToObject(t, "points", points_json(res, res->points));
    cJSON_AddItemToObject(t, "points_exact",
                          chiso_json_number(res->points_exact));
    cJSON_AddItemToObject(t, "max", chiso_json_number(res->max));
    cJSON_AddItemToObject(t, "applicable_max",
                          chiso_json_number(res->applicable_max));
    cJSON_AddItemToObject(t, "index_pct",
                          chiso_json_fixed(res->index_pct, idec));
    cJSON_AddItemToObject(t, "group", group_json(res->group));
    if (res->has_appraised) {
        cJSON_AddItemToObject(t, "appraised_points",
                              points_json(res, res->appraised));
        cJSON_AddItemToObject(t, "appraised_index_pct",
                              chiso_json_fixed(res->appraised_index_pct, idec));
        cJSON_AddItemToObject(t, "appraised_group",
                              group_json(res->appraised_group));
    } else {
        cJSON_AddItemToObject(t, "appraised_points", cJSON_CreateNull());
        cJSON_AddItemToObject(t, "appraised_index_pct", cJSON_CreateNull());
        cJSON_AddItemToObject(t, "appraised_group", cJSON_CreateNull());
    }
    return t;
}

/* The three keys of a target ("next_value", "next_numerator",
 * "next_denominator" for prefix "next"), null when there is none. */
static void
target_keys(cJSON *o, const char *prefix, const chiso_target *t)
{
    char key[40];
    int has = t->gain > 0;

    snprintf(key, sizeof(key), "%s_value", prefix);
    cJSON_AddItemToObject(o, key,
                          has && t->has_value ? chiso_json_number(t->value)
                                              : cJSON_CreateNull());
    snprintf(key, sizeof(key), "%s_numerator", prefix);
    cJSON_AddItemToObject(o, key,
                          has && t->has_counts ? chiso_json_number(t->numerator)
                                               : cJSON_CreateNull());
    snprintf(key, sizeof(key), "%s_denominator", prefix);
    cJSON_AddItemToObject(o, key,
                          has && t->has_counts
                              ? chiso_json_number(t->denominator)
                              : cJSON_CreateNull());
}

static cJSON *
node_json(const chiso_score_result *res, size_t i)
{
    const chiso_node *n = &res->fw->nodes[i];
    const chiso_node_score *ns = &res->nodes[i];
    const chiso_evidence_entry *e =
        ns->evidence >= 0 && res->ev ? &res->ev->entries[ns->evidence] : NULL;
    int leaf = chiso_node_is_leaf(n);
    cJSON *o = cJSON_CreateObject();

    cJSON_AddItemToObject(o, "id", cJSON_CreateString(n->id));
    cJSON_AddItemToObject(o, "name", cJSON_CreateString(n->name));
    cJSON_AddItemToObject(o, "depth", cJSON_CreateNumber(n->depth));
    cJSON_AddItemToObject(
        o, "parent",
        n->parent == CHISO_NO_PARENT
            ? cJSON_CreateNull()
            : cJSON_CreateString(res->fw->nodes[n->parent].id));
    cJSON_AddItemToObject(o, "leaf", cJSON_CreateBool(leaf));
    cJSON_AddItemToObject(
        o, "rule",
        leaf ? cJSON_CreateString(chiso_rule_type_name(n->rule.type))
             : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "points", points_json(res, ns->points));
    cJSON_AddItemToObject(o, "points_exact",
                          chiso_json_number(ns->points_exact));
    cJSON_AddItemToObject(o, "max", chiso_json_number(n->max));
    cJSON_AddItemToObject(o, "applicable_max",
                          chiso_json_number(ns->applicable_max));
    cJSON_AddItemToObject(
        o, "index_pct",
        chiso_json_fixed(ns->index_pct, res->fw->index_decimals));
    cJSON_AddItemToObject(o, "applicable", cJSON_CreateBool(ns->applicable));
    cJSON_AddItemToObject(o, "reported", cJSON_CreateBool(ns->reported));
    cJSON_AddItemToObject(o, "no_score", cJSON_CreateBool(ns->no_score));
    if (leaf) {
        cJSON_AddItemToObject(o, "evidence_missing",
                              cJSON_CreateBool(ns->evidence_missing));
        cJSON_AddItemToObject(o, "explanation_missing",
                              cJSON_CreateBool(ns->explanation_missing));
    } else {
        cJSON_AddItemToObject(o, "evidence_missing",
                              cJSON_CreateNumber(ns->evidence_missing));
        cJSON_AddItemToObject(o, "explanation_missing",
                              cJSON_CreateNumber(ns->explanation_missing));
    }
    cJSON_AddItemToObject(o, "value",
                          ns->has_value ? chiso_json_number(ns->value)
                                        : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "numerator",
                          ns->has_counts ? chiso_json_number(ns->numerator)
                                         : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "denominator",
                          ns->has_counts ? chiso_json_number(ns->denominator)
                                         : cJSON_CreateNull());
    cJSON_AddItemToObject(
        o, "origin",
        leaf ? cJSON_CreateString(chiso_origin_name(ns->origin))
             : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "source", str_or_null(ns->source));
    cJSON_AddItemToObject(o, "self_points",
                          ns->has_self ? points_json(res, ns->self_points)
                                       : cJSON_CreateNull());
    if (ns->has_appraised) {
        cJSON_AddItemToObject(o, "appraised_points",
                              points_json(res, ns->appraised));
        cJSON_AddItemToObject(o, "self_minus_appraised",
                              points_json(res, ns->points - ns->appraised));
    } else {
        cJSON_AddItemToObject(o, "appraised_points", cJSON_CreateNull());
        cJSON_AddItemToObject(o, "self_minus_appraised", cJSON_CreateNull());
    }
    if (ns->has_official) {
        cJSON_AddItemToObject(o, "official_points",
                              chiso_json_number(ns->official));
        cJSON_AddItemToObject(o, "official_diff",
                              chiso_json_fixed(ns->points - ns->official, 4));
        cJSON_AddItemToObject(o, "official_flag",
                              cJSON_CreateBool(ns->official_flag));
        cJSON_AddItemToObject(o, "official_within_tolerance",
                              cJSON_CreateBool(ns->official_within_tolerance));
    } else {
        cJSON_AddItemToObject(o, "official_points", cJSON_CreateNull());
        cJSON_AddItemToObject(o, "official_diff", cJSON_CreateNull());
        cJSON_AddItemToObject(o, "official_flag", cJSON_CreateFalse());
        cJSON_AddItemToObject(o, "official_within_tolerance",
                              cJSON_CreateFalse());
    }
    cJSON_AddItemToObject(o, "explain",
                          leaf ? cJSON_CreateString(ns->explain)
                               : cJSON_CreateNull());
    if (ns->terms != NULL) {
        cJSON *arr = cJSON_CreateArray();
        size_t t;
        for (t = 0; t < ns->n_terms; t++) {
            const chiso_term *tm = &n->rule.terms[t];
            const chiso_term_score *ts = &ns->terms[t];
            cJSON *te = cJSON_CreateObject();
            cJSON_AddItemToObject(te, "input", cJSON_CreateString(tm->input));
            cJSON_AddItemToObject(te, "value",
                                  ts->has_value ? chiso_json_number(ts->value)
                                                : cJSON_CreateNull());
            cJSON_AddItemToObject(te, "zero_denominator",
                                  cJSON_CreateBool(ts->zero_den));
            cJSON_AddItemToObject(te, "points", chiso_json_number(ts->points));
            cJSON_AddItemToObject(te, "max", chiso_json_number(tm->points));
            cJSON_AddItemToObject(
                te, "origin",
                cJSON_CreateString(chiso_origin_name(ts->origin)));
            cJSON_AddItemToObject(te, "source", str_or_null(ts->source));
            cJSON_AddItemToObject(te, "gain_next",
                                  ts->next.gain > 0
                                      ? points_json(res, ts->next.gain)
                                      : cJSON_CreateNull());
            target_keys(te, "next", &ts->next);
            cJSON_AddItemToObject(te, "gain_full",
                                  ts->full.gain > 0
                                      ? points_json(res, ts->full.gain)
                                      : cJSON_CreateNull());
            target_keys(te, "full", &ts->full);
            cJSON_AddItemToArray(arr, te);
        }
        cJSON_AddItemToObject(o, "terms", arr);
    } else {
        cJSON_AddItemToObject(o, "terms", cJSON_CreateNull());
    }
    cJSON_AddItemToObject(o, "evidence", str_or_null(e ? e->evidence : NULL));
    if (e != NULL && e->has_date) {
        char date[32];
        chiso_format_datetime(e->date, 0, date, sizeof(date));
        cJSON_AddItemToObject(o, "evidence_date", cJSON_CreateString(date));
    } else {
        cJSON_AddItemToObject(o, "evidence_date", cJSON_CreateNull());
    }
    cJSON_AddItemToObject(o, "note", str_or_null(e ? e->note : NULL));
    cJSON_AddItemToObject(o, "confidence",
                          str_or_null(leaf ? n->rule.confidence : NULL));
    return o;
}

static cJSON *
lost_json(const chiso_score_result *res)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = 0; i < res->n_lost; i++) {
        size_t k = res->lost[i];
        const chiso_node *n = &res->fw->nodes[k];
        const chiso_node_score *ns = &res->nodes[k];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "id", cJSON_CreateString(n->id));
        cJSON_AddItemToObject(o, "name", cJSON_CreateString(n->name));
        cJSON_AddItemToObject(o, "points_lost",
                              points_json(res, n->max - ns->points));
        cJSON_AddItemToObject(o, "points", points_json(res, ns->points));
        cJSON_AddItemToObject(o, "max", chiso_json_number(n->max));
        cJSON_AddItemToObject(
            o, "rule", cJSON_CreateString(chiso_rule_type_name(n->rule.type)));
        cJSON_AddItemToObject(o, "explain", cJSON_CreateString(ns->explain));
        cJSON_AddItemToObject(o, "reported", cJSON_CreateBool(ns->reported));
        cJSON_AddItemToObject(o, "no_score", cJSON_CreateBool(ns->no_score));
        cJSON_AddItemToObject(o, "target_id", str_or_null(ns->target_id));
        cJSON_AddItemToObject(o, "gain_next",
                              ns->next.gain > 0
                                  ? points_json(res, ns->next.gain)
                                  : cJSON_CreateNull());
        target_keys(o, "next", &ns->next);
        cJSON_AddItemToObject(o, "gain_full",
                              ns->full.gain > 0
                                  ? points_json(res, ns->full.gain)
                                  : cJSON_CreateNull());
        target_keys(o, "full", &ns->full);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

/* Typed warnings (chiso_diag_list_to_json); when the list was full, one
 * last entry says how many more there were. */
static cJSON *
warnings_json(const chiso_diag_list *w)
{
    cJSON *arr = chiso_diag_list_to_json(w);

    if (arr != NULL && w->n_dropped > 0) {
        chiso_diag_list more;
        cJSON *m;
        chiso_diag_list_init(&more, 1);
        more.lang = w->lang;
        chiso_diag_list_addk(&more, "more_warnings", CHISO_SEVERITY_INFO, NULL,
                             NULL, 0, 0, N_("%zu more warnings not shown"),
                             w->n_dropped);
        m = chiso_diag_list_to_json(&more);
        chiso_diag_list_free(&more);
        if (m == NULL || m->child == NULL) {
            cJSON_Delete(m);
            cJSON_Delete(arr);
            return NULL;
        }
        cJSON_AddItemToArray(arr, cJSON_DetachItemFromArray(m, 0));
        cJSON_Delete(m);
    }
    return arr;
}

static cJSON *
computed_json(const chiso_score_result *res)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = 0; i < res->fw->n_nodes; i++) {
        const chiso_node_score *ns = &res->nodes[i];
        cJSON *o;
        if (ns->origin != CHISO_ORIGIN_DERIVED) {
            continue;
        }
        o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "id",
                              cJSON_CreateString(res->fw->nodes[i].id));
        cJSON_AddItemToObject(o, "source", str_or_null(ns->source));
        cJSON_AddItemToObject(o, "detail", str_or_null(ns->source_detail));
        cJSON_AddItemToObject(o, "value",
                              ns->has_value ? chiso_json_number(ns->value)
                                            : cJSON_CreateNull());
        cJSON_AddItemToObject(o, "points", points_json(res, ns->points));
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static cJSON *
what_if_json(const chiso_score_result *base,
             const chiso_score_result *w,
             const chiso_what_if *changes,
             size_t n_changes)
{
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    cJSON *groups = cJSON_CreateArray();
    size_t i;

    for (i = 0; i < n_changes; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddItemToObject(c, "id", cJSON_CreateString(changes[i].id));
        cJSON_AddItemToObject(c, "numerator",
                              changes[i].has_counts
                                  ? chiso_json_number(changes[i].numerator)
                                  : cJSON_CreateNull());
        cJSON_AddItemToObject(c, "denominator",
                              changes[i].has_counts
                                  ? chiso_json_number(changes[i].denominator)
                                  : cJSON_CreateNull());
        cJSON_AddItemToObject(c, "value",
                              changes[i].has_value
                                  ? chiso_json_number(changes[i].value)
                                  : cJSON_CreateNull());
        cJSON_AddItemToArray(arr, c);
    }
    cJSON_AddItemToObject(o, "changes", arr);
    cJSON_AddItemToObject(o, "total", total_json(w));
    cJSON_AddItemToObject(o, "delta_points",
                          points_json(base, w->points - base->points));
    for (i = 0; i < base->fw->n_nodes; i++) {
        const chiso_node *n = &base->fw->nodes[i];
        cJSON *g;
        if (n->parent != CHISO_NO_PARENT) {
            continue;
        }
        g = cJSON_CreateObject();
        cJSON_AddItemToObject(g, "id", cJSON_CreateString(n->id));
        cJSON_AddItemToObject(g, "points_before",
                              points_json(base, base->nodes[i].points));
        cJSON_AddItemToObject(g, "points_after",
                              points_json(base, w->nodes[i].points));
        cJSON_AddItemToObject(
            g, "delta",
            points_json(base, w->nodes[i].points - base->nodes[i].points));
        cJSON_AddItemToArray(groups, g);
    }
    cJSON_AddItemToObject(o, "groups", groups);
    return o;
}

cJSON *
chiso_score_to_json(const chiso_score_result *res,
                    const chiso_score_result *what_if,
                    const chiso_what_if *changes,
                    size_t n_changes)
{
    const chiso_framework *fw = res->fw;
    cJSON *root = cJSON_CreateObject(), *f, *nodes, *summary;
    size_t i;

    if (root == NULL) {
        return NULL;
    }
    cJSON_AddItemToObject(root, "schema_version", cJSON_CreateNumber(2));
    f = cJSON_CreateObject();
    cJSON_AddItemToObject(f, "id", cJSON_CreateString(fw->id));
    cJSON_AddItemToObject(f, "name", cJSON_CreateString(fw->name));
    cJSON_AddItemToObject(f, "version", str_or_null(fw->version));
    cJSON_AddItemToObject(f, "status", str_or_null(fw->status));
    cJSON_AddItemToObject(f, "legal_basis", str_or_null(fw->legal_basis));
    cJSON_AddItemToObject(f, "points_decimals",
                          fw->points_decimals >= 0
                              ? cJSON_CreateNumber(fw->points_decimals)
                              : cJSON_CreateNull());
    cJSON_AddItemToObject(root, "framework", f);
    cJSON_AddItemToObject(root, "total", total_json(res));
    summary = cJSON_CreateObject();
    cJSON_AddItemToObject(summary, "leaves_not_reported",
                          cJSON_CreateNumber((double)res->n_not_reported));
    cJSON_AddItemToObject(summary, "leaves_evidence_missing",
                          cJSON_CreateNumber((double)res->n_evidence_missing));
    cJSON_AddItemToObject(
        summary, "leaves_explanation_missing",
        cJSON_CreateNumber((double)res->n_explanation_missing));
    cJSON_AddItemToObject(summary, "leaves_no_score",
                          cJSON_CreateNumber((double)res->n_no_score));
    cJSON_AddItemToObject(summary, "leaves_computed",
                          cJSON_CreateNumber((double)res->n_derived));
    cJSON_AddItemToObject(summary, "leaves_with_official",
                          cJSON_CreateNumber((double)res->n_official));
    cJSON_AddItemToObject(summary, "leaves_official_flagged",
                          cJSON_CreateNumber((double)res->n_official_flags));
    cJSON_AddItemToObject(root, "summary", summary);
    nodes = cJSON_CreateArray();
    for (i = 0; i < fw->n_nodes; i++) {
        cJSON_AddItemToArray(nodes, node_json(res, i));
    }
    cJSON_AddItemToObject(root, "nodes", nodes);
    cJSON_AddItemToObject(root, "lost", lost_json(res));
    cJSON_AddItemToObject(root, "computed", computed_json(res));
    cJSON_AddItemToObject(root, "what_if",
                          what_if
                              ? what_if_json(res, what_if, changes, n_changes)
                              : cJSON_CreateNull());
    cJSON_AddItemToObject(root, "warnings", warnings_json(&res->warnings));
    return root;
}

/* ---- every unit at once ------------------------------------------------- */

static cJSON *
framework_json(const chiso_framework *fw)
{
    cJSON *f = cJSON_CreateObject();

    cJSON_AddItemToObject(f, "id", cJSON_CreateString(fw->id));
    cJSON_AddItemToObject(f, "name", cJSON_CreateString(fw->name));
    cJSON_AddItemToObject(f, "version", str_or_null(fw->version));
    cJSON_AddItemToObject(f, "status", str_or_null(fw->status));
    cJSON_AddItemToObject(f, "legal_basis", str_or_null(fw->legal_basis));
    cJSON_AddItemToObject(f, "points_decimals",
                          fw->points_decimals >= 0
                              ? cJSON_CreateNumber(fw->points_decimals)
                              : cJSON_CreateNull());
    return f;
}

static cJSON *
upoints(const chiso_framework *fw, double x)
{
    int d = fw->points_decimals;

    return d >= 0 ? chiso_json_fixed(x, d) : chiso_json_number(x);
}

static cJSON *
rank_or_null(long r)
{
    return r > 0 ? cJSON_CreateNumber((double)r) : cJSON_CreateNull();
}

static cJSON *
unit_json(const chiso_score_units *u, const chiso_unit_score *us)
{
    const chiso_framework *fw = u->fw;
    int idec = fw->index_decimals, s = us->scored;
    cJSON *o = cJSON_CreateObject(), *areas = cJSON_CreateArray();
    size_t a;

    cJSON_AddItemToObject(o, "rank", rank_or_null(us->rank));
    cJSON_AddItemToObject(o, "rank_of",
                          us->rank > 0 ? cJSON_CreateNumber((double)us->rank_of)
                                       : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "unit", cJSON_CreateString(us->unit));
    cJSON_AddItemToObject(o, "name", str_or_null(us->name));
    cJSON_AddItemToObject(o, "group", str_or_null(us->group));
    cJSON_AddItemToObject(o, "group_rank", rank_or_null(us->group_rank));
    cJSON_AddItemToObject(o, "group_rank_of",
                          us->group_rank > 0
                              ? cJSON_CreateNumber((double)us->group_rank_of)
                              : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "scored", cJSON_CreateBool(s));
    cJSON_AddItemToObject(o, "sheet", str_or_null(us->sheet));
    cJSON_AddItemToObject(o, "points",
                          s ? upoints(fw, us->points) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "points_exact",
                          s ? chiso_json_number(us->points_exact)
                            : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "max", chiso_json_number(fw->max));
    cJSON_AddItemToObject(o, "applicable_max",
                          s ? chiso_json_number(us->applicable_max)
                            : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "index_pct",
                          s ? chiso_json_fixed(us->index_pct, idec)
                            : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "band", group_json(us->band));
    if (us->has_appraised) {
        cJSON_AddItemToObject(o, "appraised_points",
                              upoints(fw, us->appraised));
        cJSON_AddItemToObject(o, "appraised_index_pct",
                              chiso_json_fixed(us->appraised_index_pct, idec));
        cJSON_AddItemToObject(o, "appraised_band",
                              group_json(us->appraised_band));
        cJSON_AddItemToObject(o, "self_minus_appraised",
                              upoints(fw, us->points - us->appraised));
    } else {
        cJSON_AddItemToObject(o, "appraised_points", cJSON_CreateNull());
        cJSON_AddItemToObject(o, "appraised_index_pct", cJSON_CreateNull());
        cJSON_AddItemToObject(o, "appraised_band", cJSON_CreateNull());
        cJSON_AddItemToObject(o, "self_minus_appraised", cJSON_CreateNull());
    }
    cJSON_AddItemToObject(o, "leaves_lost",
                          s ? cJSON_CreateNumber((double)us->n_lost)
                            : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "leaves_not_reported",
                          s ? cJSON_CreateNumber((double)us->n_not_reported)
                            : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "leaves_evidence_missing",
                          s ? cJSON_CreateNumber((double)us->n_evidence_missing)
                            : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "leaves_no_score",
                          s ? cJSON_CreateNumber((double)us->n_no_score)
                            : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "warnings_count",
                          s ? cJSON_CreateNumber((double)us->n_warnings)
                            : cJSON_CreateNull());
    for (a = 0; a < u->n_areas; a++) {
        cJSON *ar = cJSON_CreateObject();
        cJSON_AddItemToObject(ar, "id",
                              cJSON_CreateString(fw->nodes[u->areas[a]].id));
        cJSON_AddItemToObject(ar, "points",
                              s ? upoints(fw, us->area_points[a])
                                : cJSON_CreateNull());
        cJSON_AddItemToObject(ar, "applicable_max",
                              s ? chiso_json_number(us->area_applicable_max[a])
                                : cJSON_CreateNull());
        cJSON_AddItemToObject(ar, "index_pct",
                              s ? chiso_json_fixed(us->area_pct[a], idec)
                                : cJSON_CreateNull());
        cJSON_AddItemToArray(areas, ar);
    }
    cJSON_AddItemToObject(o, "areas", areas);
    return o;
}

/* The top-level node above leaf k. */
static size_t
area_of_node(const chiso_framework *fw, size_t k)
{
    while (fw->nodes[k].parent != CHISO_NO_PARENT) {
        k = fw->nodes[k].parent;
    }
    return k;
}

cJSON *
chiso_score_units_to_json(const chiso_score_units *u)
{
    const chiso_framework *fw = u->fw;
    cJSON *root = cJSON_CreateObject(), *arr, *w;
    size_t i, g, *counts;

    if (root == NULL) {
        return NULL;
    }
    cJSON_AddItemToObject(root, "schema_version", cJSON_CreateNumber(2));
    cJSON_AddItemToObject(root, "framework", framework_json(fw));
    cJSON_AddItemToObject(root, "units_count",
                          cJSON_CreateNumber((double)u->n_units));
    cJSON_AddItemToObject(root, "units_ranked",
                          cJSON_CreateNumber((double)u->n_ranked));
    arr = cJSON_CreateArray();
    counts = calloc(2 * u->n_groups + 1, sizeof(*counts));
    if (counts == NULL) {
        cJSON_Delete(arr);
        cJSON_Delete(root);
        return NULL;
    }
    for (i = 0; i < u->n_units; i++) {
        if (u->units[i].group_index >= 0) {
            counts[2 * u->units[i].group_index]++;
            counts[2 * u->units[i].group_index + 1] +=
                u->units[i].group_rank > 0;
        }
    }
    for (g = 0; g < u->n_groups; g++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "group", cJSON_CreateString(u->groups[g]));
        cJSON_AddItemToObject(o, "units",
                              cJSON_CreateNumber((double)counts[2 * g]));
        cJSON_AddItemToObject(o, "ranked",
                              cJSON_CreateNumber((double)counts[2 * g + 1]));
        cJSON_AddItemToArray(arr, o);
    }
    free(counts);
    cJSON_AddItemToObject(root, "groups", arr);
    arr = cJSON_CreateArray();
    for (i = 0; i < u->n_areas; i++) {
        const chiso_node *n = &fw->nodes[u->areas[i]];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "id", cJSON_CreateString(n->id));
        cJSON_AddItemToObject(o, "name", cJSON_CreateString(n->name));
        cJSON_AddItemToObject(o, "max", chiso_json_number(n->max));
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_AddItemToObject(root, "areas", arr);
    arr = cJSON_CreateArray();
    for (i = 0; i < u->n_units; i++) {
        cJSON_AddItemToArray(arr, unit_json(u, &u->units[u->by_rank[i]]));
    }
    cJSON_AddItemToObject(root, "units", arr);
    arr = cJSON_CreateArray();
    for (i = 0; i < u->n_criteria; i++) {
        const chiso_criterion_loss *c = &u->criteria[i];
        const chiso_node *n = &fw->nodes[c->node];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "id", cJSON_CreateString(n->id));
        cJSON_AddItemToObject(o, "name", cJSON_CreateString(n->name));
        cJSON_AddItemToObject(
            o, "area",
            cJSON_CreateString(fw->nodes[area_of_node(fw, c->node)].id));
        cJSON_AddItemToObject(o, "max", chiso_json_number(n->max));
        cJSON_AddItemToObject(o, "units_losing",
                              cJSON_CreateNumber((double)c->n_units_losing));
        cJSON_AddItemToObject(
            o, "units_applicable",
            cJSON_CreateNumber((double)c->n_units_applicable));
        cJSON_AddItemToObject(o, "points_lost", upoints(fw, c->points_lost));
        cJSON_AddItemToObject(o, "rank_by_units",
                              cJSON_CreateNumber((double)c->rank_by_units));
        cJSON_AddItemToObject(o, "rank_by_points",
                              cJSON_CreateNumber((double)c->rank_by_points));
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_AddItemToObject(root, "criteria", arr);
    w = warnings_json(&u->warnings);
    if (w == NULL) {
        cJSON_Delete(root);
        return NULL;
    }
    cJSON_AddItemToObject(root, "warnings", w);
    return root;
}

/*
 * review.c - what a filled form or appraisal copy says, leaf by leaf: the
 * points the unit claimed and those the council gave, the criteria the
 * council changed, the points claimed without evidence or explanation,
 * and the applicable leaves left empty.
 */
#define _POSIX_C_SOURCE 200809L
#include "form_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const chiso_evidence_entry *
entry_of(const chiso_evidence *ev, const char *id, const char *unit)
{
    size_t i;

    for (i = 0; ev != NULL && i < ev->n; i++) {
        if (strcmp(ev->entries[i].id, id) == 0 &&
            (unit == NULL || ev->entries[i].unit[0] == '\0' ||
             strcmp(ev->entries[i].unit, unit) == 0)) {
            return &ev->entries[i];
        }
    }
    return NULL;
}

chiso_status
chiso_form_review_compute(chiso_form_review **out,
                          const chiso_framework *fw,
                          const chiso_evidence *ev,
                          const char *unit,
                          chiso_diag *diag)
{
    chiso_form_review *r;
    size_t i, t;

    *out = NULL;
    if (unit == NULL && ev != NULL) {
        for (i = 1; i < ev->n; i++) {
            if (strcmp(ev->entries[i].unit, ev->entries[0].unit) != 0) {
                return chiso_diag_set(diag, CHISO_EUSAGE, ev->path, 0, 0,
                                      "the sheet holds several units ('%s', "
                                      "'%s', ...): say which with --unit",
                                      ev->entries[0].unit, ev->entries[i].unit);
            }
        }
    }
    r = calloc(1, sizeof(*r));
    if (r == NULL || (r->items = calloc(fw->n_nodes ? fw->n_nodes : 1,
                                        sizeof(*r->items))) == NULL) {
        free(r);
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (i = 0; i < fw->n_nodes; i++) {
        const chiso_node *n = &fw->nodes[i];
        const chiso_evidence_entry *e;
        chiso_form_item *it;
        int filled;
        if (!chiso_node_is_leaf(n) || n->rule.type == CHISO_RULE_TRACKED) {
            continue;
        }
        e = entry_of(ev, n->id, unit);
        it = &r->items[r->n++];
        it->node = i;
        if (e != NULL && e->has_points) {
            it->has_self = 1;
            it->self_points = e->points;
            r->self_total += e->points;
        }
        if (e != NULL && e->has_appraised) {
            it->has_appraised = 1;
            it->appraised = e->appraised;
            r->appraised_total += e->appraised;
            r->has_appraisal = 1;
        }
        if (it->has_self && it->has_appraised) {
            it->delta = it->appraised - it->self_points;
            it->changed = fabs(it->delta) > 0.005;
        }
        if (it->has_self && it->self_points > 0 && e->evidence[0] == '\0' &&
            e->note[0] == '\0') {
            it->explanation_missing = 1;
        }
        filled =
            e != NULL &&
            (e->has_points || e->has_value || e->value_text[0] != '\0' ||
             (e->has_numerator && e->has_denominator) || e->not_applicable);
        for (t = 0; !filled && t < n->rule.n_terms; t++) {
            const chiso_evidence_entry *te =
                entry_of(ev, n->rule.terms[t].input, unit);
            filled = te != NULL &&
                     (te->has_value || te->has_numerator || te->not_applicable);
        }
        it->not_filled = !filled;
        r->n_changed += it->changed;
        r->n_explanation_missing += it->explanation_missing;
        r->n_not_filled += it->not_filled;
    }
    *out = r;
    return CHISO_OK;
}

void
chiso_form_review_free(chiso_form_review *r)
{
    if (r != NULL) {
        free(r->items);
        free(r);
    }
}

static cJSON *
num_or_null(int has, double x)
{
    return has ? chiso_json_number(x) : cJSON_CreateNull();
}

static void
add(cJSON *o, const char *k, cJSON *v)
{
    if (v != NULL) {
        cJSON_AddItemToObject(o, k, v);
    }
}

cJSON *
chiso_form_review_to_json(const chiso_form_review *r,
                          const chiso_framework *fw,
                          chiso_lang lang)
{
    cJSON *root = cJSON_CreateObject(), *arr, *o;
    size_t i;
    const char *lists[3] = {"changed", "explanation_missing", "not_filled"};
    int l;

    (void)lang;
    if (root == NULL) {
        return NULL;
    }
    add(root, "schema_version", cJSON_CreateNumber(1));
    o = cJSON_CreateObject();
    add(o, "id", cJSON_CreateString(fw->id));
    add(o, "name", cJSON_CreateString(fw->name));
    add(root, "framework", o);
    o = cJSON_CreateObject();
    add(o, "leaves", cJSON_CreateNumber((double)r->n));
    add(o, "changed", cJSON_CreateNumber((double)r->n_changed));
    add(o, "explanation_missing",
        cJSON_CreateNumber((double)r->n_explanation_missing));
    add(o, "not_filled", cJSON_CreateNumber((double)r->n_not_filled));
    add(o, "self_points", chiso_json_number(r->self_total));
    add(o, "appraised_points",
        num_or_null(r->has_appraisal, r->appraised_total));
    add(root, "summary", o);
    for (l = 0; l < 3; l++) {
        arr = cJSON_CreateArray();
        for (i = 0; arr != NULL && i < r->n; i++) {
            const chiso_form_item *it = &r->items[i];
            const chiso_node *n = &fw->nodes[it->node];
            if ((l == 0 && !it->changed) ||
                (l == 1 && !it->explanation_missing) ||
                (l == 2 && !it->not_filled)) {
                continue;
            }
            o = cJSON_CreateObject();
            if (o == NULL) {
                break;
            }
            add(o, "id", cJSON_CreateString(n->id));
            add(o, "name", cJSON_CreateString(n->name));
            add(o, "max", chiso_json_number(n->max));
            add(o, "self_points", num_or_null(it->has_self, it->self_points));
            add(o, "appraised_points",
                num_or_null(it->has_appraised, it->appraised));
            add(o, "delta",
                num_or_null(it->has_self && it->has_appraised, it->delta));
            cJSON_AddItemToArray(arr, o);
        }
        add(root, lists[l], arr);
    }
    return root;
}

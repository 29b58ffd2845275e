/*
 * doc.c - framework documents: loading a JSON file or a table the same
 * way, the entry point every command taking FRAMEWORK uses, and the
 * field-by-field comparison the round-trip tests rely on.
 */
#define _POSIX_C_SOURCE 200809L
#include "fwtable_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void
chiso_fwdoc_free(chiso_fwdoc *doc)
{
    size_t i;

    if (doc == NULL) {
        return;
    }
    if (doc->class_label_en != NULL && doc->fw != NULL) {
        for (i = 0; i < doc->fw->n_classes; i++) {
            free(doc->class_label_en[i]);
        }
    }
    free(doc->class_label_en);
    for (i = 0; i < doc->n_sources; i++) {
        free(doc->sources[i].title);
        free(doc->sources[i].url);
        free(doc->sources[i].used_for);
    }
    free(doc->sources);
    chiso_framework_free(doc->fw);
    free(doc);
}

int
chiso_fwtable_is_table(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');

    if (dot == NULL || (slash != NULL && dot < slash)) {
        return 0;
    }
    return chiso_fwtable__fold_is(dot + 1, strlen(dot + 1),
                                  "csv|tsv|txt|xlsx|xlsm|xls");
}

static char *
json_str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

    return cJSON_IsString(v) ? chiso_strdup(v->valuestring) : NULL;
}

/* The extras of a framework JSON file: sources, English class labels,
 * whether the total is stated. The file has already been validated. */
static chiso_status
json_extras(chiso_fwdoc *doc, const char *path)
{
    chiso_json_doc *jd = NULL;
    chiso_diag d;
    const cJSON *root, *arr, *it;
    size_t i = 0;

    chiso_diag_clear(&d);
    if (chiso_json_doc_load(&jd, path, &d) != CHISO_OK) {
        return d.code;
    }
    root = chiso_json_doc_root(jd);
    doc->declared_max = cJSON_GetObjectItemCaseSensitive(root, "max") != NULL;
    arr = cJSON_GetObjectItemCaseSensitive(root, "sources");
    if (cJSON_IsArray(arr) && cJSON_GetArraySize(arr) > 0) {
        doc->sources =
            calloc((size_t)cJSON_GetArraySize(arr), sizeof(*doc->sources));
        if (doc->sources == NULL) {
            chiso_json_doc_free(jd);
            return CHISO_ENOMEM;
        }
        cJSON_ArrayForEach(it, arr)
        {
            chiso_fwdoc_source *s = &doc->sources[doc->n_sources];
            if (!cJSON_IsObject(it)) {
                continue;
            }
            s->title = json_str(it, "title");
            s->url = json_str(it, "url");
            s->used_for = json_str(it, "used_for");
            if (s->title == NULL) {
                s->title = chiso_strdup("");
            }
            doc->n_sources++;
        }
    }
    arr = cJSON_GetObjectItemCaseSensitive(root, "classification");
    if (cJSON_IsArray(arr) && doc->fw->n_classes > 0) {
        doc->class_label_en =
            calloc(doc->fw->n_classes, sizeof(*doc->class_label_en));
        if (doc->class_label_en == NULL) {
            chiso_json_doc_free(jd);
            return CHISO_ENOMEM;
        }
        cJSON_ArrayForEach(it, arr)
        {
            if (i < doc->fw->n_classes) {
                doc->class_label_en[i] = json_str(it, "label_en");
            }
            i++;
        }
    }
    chiso_json_doc_free(jd);
    return CHISO_OK;
}

chiso_status
chiso_fwdoc_load(chiso_fwdoc **out,
                 const char *path,
                 const chiso_fwtable_options *opts,
                 chiso_diag_list *problems)
{
    chiso_fwdoc *doc;
    chiso_status st;

    *out = NULL;
    if (chiso_fwtable_is_table(path)) {
        return chiso_fwtable_read(out, path, opts, problems);
    }
    doc = calloc(1, sizeof(*doc));
    if (doc == NULL) {
        chiso_diag_list_addf(problems, CHISO_ENOMEM, path, 0, 0,
                             "out of memory");
        return CHISO_ENOMEM;
    }
    st = chiso_framework_check(&doc->fw, path, problems);
    if (st == CHISO_OK) {
        st = json_extras(doc, path);
        if (st != CHISO_OK) {
            chiso_diag_list_addf(problems, st, path, 0, 0, "out of memory");
        }
    }
    if (st != CHISO_OK) {
        chiso_fwdoc_free(doc);
        return st;
    }
    *out = doc;
    return CHISO_OK;
}

chiso_status
chiso_fwtable_load(chiso_framework **out, const char *path, chiso_diag *diag)
{
    chiso_diag_list list;
    chiso_fwdoc *doc = NULL;
    chiso_status st;

    *out = NULL;
    if (!chiso_fwtable_is_table(path)) {
        return chiso_framework_load(out, path, diag);
    }
    chiso_diag_list_init(&list, 64);
    list.lang = diag ? diag->lang : CHISO_LANG_VI;
    st = chiso_fwtable_read(&doc, path, NULL, &list);
    if (st == CHISO_OK) {
        *out = doc->fw;
        doc->fw = NULL;
        /* the doc frees class_label_en by fw->n_classes: free it here */
        if (doc->class_label_en != NULL) {
            size_t i;
            for (i = 0; i < (*out)->n_classes; i++) {
                free(doc->class_label_en[i]);
            }
            free(doc->class_label_en);
            doc->class_label_en = NULL;
        }
    } else if (list.n > 0 && diag != NULL && diag->code == CHISO_OK) {
        chiso_lang lang = diag->lang;
        chiso_diag_list_sort(&list);
        *diag = list.items[0];
        diag->lang = lang;
    }
    chiso_fwdoc_free(doc);
    chiso_diag_list_free(&list);
    return st;
}

/* ---- comparison ---------------------------------------------------------------- */

static int
str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return strcmp(a, b) == 0;
}

static int
num_eq(double a, double b)
{
    if (isinf(a) || isinf(b)) {
        return isinf(a) && isinf(b) && (a > 0) == (b > 0);
    }
    return fabs(a - b) <= 1e-12 * (1 + fabs(a));
}

#define DIFF(...)                                                              \
    do {                                                                       \
        snprintf(why, cap, __VA_ARGS__);                                       \
        return 0;                                                              \
    } while (0)

static int
rule_eq(const chiso_node *na, const chiso_node *nb, char *why, size_t cap)
{
    const chiso_rule *a = &na->rule, *b = &nb->rule;
    size_t i;
    const char *id = na->id;

    if (a->type != b->type)
        DIFF("%s: rule type %s vs %s", id, chiso_rule_type_name(a->type),
             chiso_rule_type_name(b->type));
    if (a->unit != b->unit && a->type != CHISO_RULE_TERMS)
        DIFF("%s: unit %s vs %s", id, chiso_value_unit_name(a->unit),
             chiso_value_unit_name(b->unit));
    if (!str_eq(a->source, b->source))
        DIFF("%s: source", id);
    if (!num_eq(a->target, b->target))
        DIFF("%s: target %g vs %g", id, a->target, b->target);
    if (a->capped != b->capped)
        DIFF("%s: capped", id);
    if (a->zero_den != b->zero_den)
        DIFF("%s: zero_denominator", id);
    if (a->n_bands != b->n_bands)
        DIFF("%s: %zu bands vs %zu", id, a->n_bands, b->n_bands);
    if (a->upper_bands != b->upper_bands)
        DIFF("%s: min/max bands", id);
    for (i = 0; i < a->n_bands; i++) {
        if (!num_eq(a->bands[i].bound, b->bands[i].bound) ||
            !num_eq(a->bands[i].points, b->bands[i].points) ||
            a->bands[i].open != b->bands[i].open)
            DIFF("%s: band %zu (%g: %g) vs (%g: %g)", id, i + 1,
                 a->bands[i].bound, a->bands[i].points, b->bands[i].bound,
                 b->bands[i].points);
    }
    if (!num_eq(a->domain_min, b->domain_min) ||
        !num_eq(a->domain_max, b->domain_max))
        DIFF("%s: domain", id);
    if (!num_eq(a->per, b->per))
        DIFF("%s: per %g vs %g", id, a->per, b->per);
    if (a->n_terms != b->n_terms)
        DIFF("%s: %zu terms vs %zu", id, a->n_terms, b->n_terms);
    for (i = 0; i < a->n_terms; i++) {
        const chiso_term *x = &a->terms[i], *y = &b->terms[i];
        if (!str_eq(x->input, y->input) || !str_eq(x->name, y->name) ||
            !str_eq(x->source, y->source) || !num_eq(x->points, y->points) ||
            !num_eq(x->full_at, y->full_at) || x->capped != y->capped ||
            x->zero_den != y->zero_den || x->unit != y->unit)
            DIFF("%s: term %s", id, x->input ? x->input : "?");
    }
    if (!str_eq(a->formula, b->formula))
        DIFF("%s: formula", id);
    if (!str_eq(a->confidence, b->confidence))
        DIFF("%s: confidence", id);
    if (!num_eq(a->tolerance, b->tolerance))
        DIFF("%s: tolerance", id);
    if (!str_eq(a->text, b->text))
        DIFF("%s: rule text '%s' vs '%s'", id, a->text ? a->text : "(none)",
             b->text ? b->text : "(none)");
    return 1;
}

int
chiso_fwdoc_compare(const chiso_fwdoc *da,
                    const chiso_fwdoc *db,
                    char *why,
                    size_t cap)
{
    const chiso_framework *a = da->fw, *b = db->fw;
    size_t i;

    if (!str_eq(a->id, b->id))
        DIFF("id '%s' vs '%s'", a->id, b->id);
    if (!str_eq(a->name, b->name))
        DIFF("name");
    if (!str_eq(a->name_en, b->name_en))
        DIFF("name_en");
    if (!str_eq(a->version, b->version))
        DIFF("version");
    if (!str_eq(a->status, b->status))
        DIFF("status '%s' vs '%s'", a->status ? a->status : "",
             b->status ? b->status : "");
    if (!str_eq(a->legal_basis, b->legal_basis))
        DIFF("legal_basis");
    if (a->n_notes != b->n_notes)
        DIFF("%zu notes vs %zu", a->n_notes, b->n_notes);
    for (i = 0; i < a->n_notes; i++) {
        if (!str_eq(a->notes[i], b->notes[i]))
            DIFF("note %zu", i + 1);
    }
    if (!num_eq(a->max, b->max))
        DIFF("max %g vs %g", a->max, b->max);
    if (da->declared_max != db->declared_max)
        DIFF("stated total");
    if (a->points_decimals != b->points_decimals)
        DIFF("points_decimals %d vs %d", a->points_decimals,
             b->points_decimals);
    if (a->index_decimals != b->index_decimals)
        DIFF("index_decimals");
    if (a->n_classes != b->n_classes)
        DIFF("%zu classification bands vs %zu", a->n_classes, b->n_classes);
    for (i = 0; i < a->n_classes; i++) {
        const char *ea = da->class_label_en ? da->class_label_en[i] : NULL;
        const char *eb = db->class_label_en ? db->class_label_en[i] : NULL;
        if (!str_eq(a->classes[i].id, b->classes[i].id) ||
            !str_eq(a->classes[i].label, b->classes[i].label) ||
            !num_eq(a->classes[i].min, b->classes[i].min) || !str_eq(ea, eb))
            DIFF("classification band %zu ('%s' vs '%s')", i + 1,
                 a->classes[i].id, b->classes[i].id);
    }
    if (da->n_sources != db->n_sources)
        DIFF("%zu sources vs %zu", da->n_sources, db->n_sources);
    for (i = 0; i < da->n_sources; i++) {
        if (!str_eq(da->sources[i].title, db->sources[i].title) ||
            !str_eq(da->sources[i].url, db->sources[i].url) ||
            !str_eq(da->sources[i].used_for, db->sources[i].used_for))
            DIFF("source %zu", i + 1);
    }
    if (a->n_nodes != b->n_nodes)
        DIFF("%zu nodes vs %zu", a->n_nodes, b->n_nodes);
    for (i = 0; i < a->n_nodes; i++) {
        const chiso_node *x = &a->nodes[i], *y = &b->nodes[i];
        if (!str_eq(x->id, y->id))
            DIFF("node %zu: id '%s' vs '%s'", i + 1, x->id, y->id);
        if (!str_eq(x->name, y->name))
            DIFF("%s: name", x->id);
        if (!str_eq(x->name_en, y->name_en))
            DIFF("%s: name_en", x->id);
        if (!str_eq(x->note, y->note))
            DIFF("%s: note '%s' vs '%s'", x->id, x->note ? x->note : "(none)",
                 y->note ? y->note : "(none)");
        if (!num_eq(x->max, y->max))
            DIFF("%s: max %g vs %g", x->id, x->max, y->max);
        if (x->depth != y->depth || x->parent != y->parent ||
            x->n_children != y->n_children)
            DIFF("%s: place in the tree", x->id);
        if (!rule_eq(x, y, why, cap))
            return 0;
    }
    snprintf(why, cap, "equal");
    return 1;
}

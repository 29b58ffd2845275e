/*
 * framework.c - load and validate criteria frameworks (JSON).
 *
 * Loading is validation: the same walk builds the tree and appends every
 * problem it sees to a list, positioned at the offending JSON value, and
 * keeps going so `chiso validate` can show them all. chiso_framework_load()
 * then simply returns the first problem. Unknown keys are errors, because a
 * typo such as "maxx" would otherwise silently give a wrong framework.
 *
 * Numbers in a framework are points and percentages with at most a few
 * decimals, so sums are compared with a tolerance of 0.001 points.
 */
#include "chiso_framework.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SUM_TOL 0.001

const char *const chiso_derived_inputs[] = {
    /* task register (chiso tasks) */
    "tasks.assigned",
    "tasks.completed",
    "tasks.completed_on_time",
    "tasks.completed_late",
    "tasks.overdue",
    "tasks.on_time_pct",
    "tasks.completed_pct",
    /* dossier log (chiso services) */
    "services.received",
    "services.finished",
    "services.online_pct",
    "services.on_time_pct",
    "services.progress_pct",
    "services.components_signed_pct",
    "services.result_signed_pct",
    "services.digitized_pct",
    "services.satisfaction_mean",
    "services.satisfied_pct",
    NULL,
};

int
chiso_derived_input_known(const char *name)
{
    size_t i;

    for (i = 0; chiso_derived_inputs[i] != NULL; i++) {
        if (strcmp(chiso_derived_inputs[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

const char *
chiso_rule_type_name(chiso_rule_type t)
{
    switch (t) {
    case CHISO_RULE_NONE:
        return "none";
    case CHISO_RULE_MANUAL:
        return "manual";
    case CHISO_RULE_BINARY:
        return "binary";
    case CHISO_RULE_PROPORTIONAL:
        return "proportional";
    case CHISO_RULE_BANDS:
        return "bands";
    case CHISO_RULE_DEDUCTION:
        return "deduction";
    case CHISO_RULE_TERMS:
        return "terms";
    case CHISO_RULE_TRACKED:
        return "tracked";
    }
    return "?";
}

const char *
chiso_zero_den_name(chiso_zero_den z)
{
    switch (z) {
    case CHISO_ZERO_DEN_NO_SCORE:
        return "no_score";
    case CHISO_ZERO_DEN_ZERO:
        return "zero";
    case CHISO_ZERO_DEN_FULL:
        return "full";
    }
    return "?";
}

const char *
chiso_value_unit_name(chiso_value_unit u)
{
    switch (u) {
    case CHISO_UNIT_PERCENT:
        return "percent";
    case CHISO_UNIT_RATIO:
        return "ratio";
    case CHISO_UNIT_COUNT:
        return "count";
    case CHISO_UNIT_NUMBER:
        return "number";
    }
    return "?";
}

/* ---- loader state ------------------------------------------------------- */

struct ld {
    const chiso_json_doc *doc;
    chiso_diag_list *problems;
    size_t n_problems;
    chiso_framework *fw;
    size_t cap_nodes;
    int oom;
};

static void problem(struct ld *L, const cJSON *at, const char *fmt, ...)
    CHISO_PRINTF(3, 4);

static void
problem(struct ld *L, const cJSON *at, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(
        msg, sizeof(msg),
        chiso_msg(L->problems != NULL ? L->problems->lang : CHISO_LANG_VI, fmt),
        ap);
    va_end(ap);
    L->n_problems++;
    chiso_json_doc_error_list(L->doc, L->problems, CHISO_ESCHEMA, at, "%s",
                              msg);
}

static void
check_keys(struct ld *L,
           const cJSON *obj,
           const char *what,
           const char *const *allowed)
{
    const cJSON *c;
    size_t i;

    for (c = obj->child; c != NULL; c = c->next) {
        for (i = 0; allowed[i] != NULL; i++) {
            if (strcmp(c->string, allowed[i]) == 0) {
                break;
            }
        }
        if (allowed[i] == NULL) {
            chiso_buf known = CHISO_BUF_INIT;
            for (i = 0; allowed[i] != NULL; i++) {
                chiso_buf_printf(&known, "%s%s", i ? ", " : "", allowed[i]);
            }
            problem(L, c, "unknown key \"%s\" in %s (known: %s)", c->string,
                    chiso_msg(L->problems != NULL ? L->problems->lang
                                                  : CHISO_LANG_VI,
                              what),
                    known.data ? known.data : "");
            chiso_buf_free(&known);
        }
    }
}

/* Optional/required string member; *out is a new copy or NULL. */
static void
get_string(
    struct ld *L, const cJSON *obj, const char *key, int required, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    *out = NULL;
    if (v == NULL || cJSON_IsNull(v)) {
        if (required) {
            problem(L, obj, "missing \"%s\"", key);
        }
        return;
    }
    if (!cJSON_IsString(v)) {
        problem(L, v, "\"%s\" must be a string", key);
        return;
    }
    if (required && v->valuestring[0] == '\0') {
        problem(L, v, "\"%s\" must not be empty", key);
        return;
    }
    *out = chiso_strdup(v->valuestring);
    if (*out == NULL) {
        L->oom = 1;
    }
}

/* Number member: returns 1 if present and valid, 0 if absent, -1 if bad. */
static int
get_number(
    struct ld *L, const cJSON *obj, const char *key, int required, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (v == NULL) {
        if (required) {
            problem(L, obj, "missing \"%s\"", key);
            return -1;
        }
        return 0;
    }
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
        problem(L, v, "\"%s\" must be a number", key);
        return -1;
    }
    *out = v->valuedouble;
    return 1;
}

static int
get_bool(struct ld *L, const cJSON *obj, const char *key, int dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (v == NULL) {
        return dflt;
    }
    if (!cJSON_IsBool(v)) {
        problem(L, v, "\"%s\" must be true or false", key);
        return dflt;
    }
    return cJSON_IsTrue(v);
}

static chiso_zero_den
get_zero_den(struct ld *L, const cJSON *obj, chiso_zero_den dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "zero_denominator");

    if (v == NULL) {
        return dflt;
    }
    if (cJSON_IsString(v)) {
        if (strcmp(v->valuestring, "no_score") == 0) {
            return CHISO_ZERO_DEN_NO_SCORE;
        }
        if (strcmp(v->valuestring, "zero") == 0) {
            return CHISO_ZERO_DEN_ZERO;
        }
        if (strcmp(v->valuestring, "full") == 0) {
            return CHISO_ZERO_DEN_FULL;
        }
    }
    problem(L, v,
            "\"zero_denominator\" must be \"no_score\", \"zero\" or \"full\"");
    return dflt;
}

static chiso_value_unit
get_unit(struct ld *L, const cJSON *obj, chiso_value_unit dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "unit");
    chiso_value_unit u;

    if (v == NULL) {
        return dflt;
    }
    if (cJSON_IsString(v)) {
        for (u = CHISO_UNIT_PERCENT; u <= CHISO_UNIT_NUMBER; u++) {
            if (strcmp(v->valuestring, chiso_value_unit_name(u)) == 0) {
                return u;
            }
        }
    }
    problem(L, v,
            "\"unit\" must be \"percent\", \"ratio\", \"count\" or "
            "\"number\"");
    return dflt;
}

static double
unit_full_scale(chiso_value_unit u)
{
    return u == CHISO_UNIT_RATIO ? 1.0 : 100.0;
}

static void
get_source(struct ld *L, const cJSON *obj, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "source");

    get_string(L, obj, "source", 0, out);
    if (*out != NULL && !chiso_derived_input_known(*out)) {
        chiso_buf known = CHISO_BUF_INIT;
        size_t i;
        for (i = 0; chiso_derived_inputs[i] != NULL; i++) {
            chiso_buf_printf(&known, "%s%s", i ? ", " : "",
                             chiso_derived_inputs[i]);
        }
        problem(L, v, "unknown derived input \"%s\" (known: %s)", *out,
                known.data ? known.data : "");
        chiso_buf_free(&known);
    }
}

/* ---- rules -------------------------------------------------------------- */

static void
load_bands(struct ld *L, const cJSON *rj, chiso_node *n)
{
    chiso_rule *r = &n->rule;
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(rj, "bands");
    const cJSON *dom = cJSON_GetObjectItemCaseSensitive(rj, "domain");
    const cJSON *b;
    size_t i = 0, k;
    int has_full = 0, n_min = 0, n_max = 0;
    static const char *const band_keys[] = {"min", "max", "points", "label",
                                            NULL};

    r->domain_min = 0;
    r->domain_max = r->unit == CHISO_UNIT_PERCENT ? 100
                    : r->unit == CHISO_UNIT_RATIO ? 1
                                                  : HUGE_VAL;
    if (dom != NULL) {
        if (!cJSON_IsArray(dom) || cJSON_GetArraySize(dom) != 2 ||
            !cJSON_IsNumber(cJSON_GetArrayItem(dom, 0)) ||
            !(cJSON_IsNumber(cJSON_GetArrayItem(dom, 1)) ||
              cJSON_IsNull(cJSON_GetArrayItem(dom, 1)))) {
            problem(L, dom,
                    "\"domain\" must be [low, high] (high may be "
                    "null for no upper bound)");
        } else {
            r->domain_min = cJSON_GetArrayItem(dom, 0)->valuedouble;
            r->domain_max = cJSON_IsNull(cJSON_GetArrayItem(dom, 1))
                                ? HUGE_VAL
                                : cJSON_GetArrayItem(dom, 1)->valuedouble;
            if (!(r->domain_min < r->domain_max)) {
                problem(L, dom, "\"domain\" low must be below high");
            }
        }
    }
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0) {
        problem(L, arr ? arr : rj,
                "a bands rule needs a non-empty \"bands\" "
                "array");
        return;
    }
    r->n_bands = (size_t)cJSON_GetArraySize(arr);
    r->bands = calloc(r->n_bands, sizeof(*r->bands));
    if (r->bands == NULL) {
        L->oom = 1;
        return;
    }
    cJSON_ArrayForEach(b, arr)
    {
        chiso_band *bd = &r->bands[i];
        const cJSON *mn, *mx;
        if (!cJSON_IsObject(b)) {
            problem(L, b,
                    "a band must be an object like {\"min\": 80, "
                    "\"points\": 1}");
            i++;
            continue;
        }
        check_keys(L, b, N_("a band"), band_keys);
        mn = cJSON_GetObjectItemCaseSensitive(b, "min");
        mx = cJSON_GetObjectItemCaseSensitive(b, "max");
        if (mn != NULL && mx != NULL) {
            problem(L, b, "a band has either \"min\" or \"max\", not both");
        } else if (mn != NULL) {
            n_min++;
            if (get_number(L, b, "min", 1, &bd->bound) < 0) {
                i++;
                continue;
            }
        } else if (mx != NULL) {
            n_max++;
            if (cJSON_IsNull(mx)) {
                bd->open = 1;
                bd->bound = HUGE_VAL;
            } else if (get_number(L, b, "max", 1, &bd->bound) < 0) {
                i++;
                continue;
            }
        } else {
            problem(L, b,
                    "a band needs \"min\" (value at or above) or "
                    "\"max\" (value at or below)");
        }
        if (get_number(L, b, "points", 1, &bd->points) > 0) {
            if (bd->points < 0 || bd->points > n->max + SUM_TOL) {
                problem(L, cJSON_GetObjectItemCaseSensitive(b, "points"),
                        "band points %g outside 0..%g (the criterion's "
                        "maximum)",
                        bd->points, n->max);
            }
            if (fabs(bd->points - n->max) <= SUM_TOL) {
                has_full = 1;
            }
        }
        i++;
    }
    if (n_min > 0 && n_max > 0) {
        problem(L, arr, "bands must all use \"min\" or all use \"max\"");
        return;
    }
    r->upper_bands = n_max > 0;
    for (k = 1; k < r->n_bands; k++) {
        const cJSON *bj = cJSON_GetArrayItem(arr, (int)k);
        if (!r->upper_bands && !(r->bands[k].bound < r->bands[k - 1].bound)) {
            problem(L, bj,
                    "bands are not ordered: \"min\" %g must be below "
                    "the previous band's %g (list bands from the "
                    "highest threshold down)",
                    r->bands[k].bound, r->bands[k - 1].bound);
        }
        if (r->upper_bands && r->bands[k - 1].open) {
            problem(L, bj, "only the last band may have \"max\": null");
        } else if (r->upper_bands && !r->bands[k].open &&
                   !(r->bands[k].bound > r->bands[k - 1].bound)) {
            problem(L, bj,
                    "bands are not ordered: \"max\" %g must be above "
                    "the previous band's %g (list bands from the "
                    "lowest threshold up)",
                    r->bands[k].bound, r->bands[k - 1].bound);
        }
    }
    /* coverage of the domain */
    if (!r->upper_bands) {
        const chiso_band *last = &r->bands[r->n_bands - 1];
        if (fabs(last->bound - r->domain_min) > 1e-12) {
            problem(L, cJSON_GetArrayItem(arr, (int)r->n_bands - 1),
                    "bands do not cover the domain: the lowest band starts "
                    "at %g, the domain at %g",
                    last->bound, r->domain_min);
        }
        if (r->bands[0].bound > r->domain_max) {
            problem(L, cJSON_GetArrayItem(arr, 0),
                    "band threshold %g is above the domain's top %g",
                    r->bands[0].bound, r->domain_max);
        }
    } else {
        const chiso_band *last = &r->bands[r->n_bands - 1];
        if (!last->open && last->bound < r->domain_max) {
            problem(L, cJSON_GetArrayItem(arr, (int)r->n_bands - 1),
                    "bands do not cover the domain: the highest band ends at "
                    "%g, the domain at %g (use \"max\": null for the last "
                    "band)",
                    last->bound, r->domain_max);
        }
        if (r->bands[0].bound < r->domain_min) {
            problem(L, cJSON_GetArrayItem(arr, 0),
                    "band threshold %g is below the domain's bottom %g",
                    r->bands[0].bound, r->domain_min);
        }
    }
    if (!has_full && n->max > 0) {
        problem(L, arr, "no band awards the full %g points", n->max);
    }
}

static void
load_terms(struct ld *L, const cJSON *rj, chiso_node *n)
{
    chiso_rule *r = &n->rule;
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(rj, "terms");
    const cJSON *t;
    size_t i = 0;
    double sum = 0;
    static const char *const term_keys[] = {
        "input",  "name",   "points",           "full_at",
        "capped", "source", "zero_denominator", "unit",
        NULL};

    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0) {
        problem(L, arr ? arr : rj,
                "a terms rule needs a non-empty \"terms\" "
                "array");
        return;
    }
    r->n_terms = (size_t)cJSON_GetArraySize(arr);
    r->terms = calloc(r->n_terms, sizeof(*r->terms));
    if (r->terms == NULL) {
        L->oom = 1;
        return;
    }
    cJSON_ArrayForEach(t, arr)
    {
        chiso_term *tm = &r->terms[i++];
        if (!cJSON_IsObject(t)) {
            problem(L, t, "a term must be an object");
            continue;
        }
        check_keys(L, t, N_("a term"), term_keys);
        get_string(L, t, "input", 1, &tm->input);
        get_string(L, t, "name", 0, &tm->name);
        get_source(L, t, &tm->source);
        tm->unit = get_unit(L, t, CHISO_UNIT_PERCENT);
        tm->full_at = unit_full_scale(tm->unit);
        if (get_number(L, t, "points", 1, &tm->points) > 0 &&
            !(tm->points > 0)) {
            problem(L, cJSON_GetObjectItemCaseSensitive(t, "points"),
                    "term points must be positive");
        }
        if (get_number(L, t, "full_at", 0, &tm->full_at) > 0 &&
            !(tm->full_at > 0)) {
            problem(L, cJSON_GetObjectItemCaseSensitive(t, "full_at"),
                    "\"full_at\" must be positive");
        }
        tm->capped = get_bool(L, t, "capped", 1);
        tm->zero_den = get_zero_den(L, t, CHISO_ZERO_DEN_ZERO);
        sum += tm->points;
    }
    if (sum < n->max - SUM_TOL) {
        problem(L, arr,
                "the terms give at most %g points, less than the "
                "criterion's maximum %g",
                sum, n->max);
    }
}

static void
load_rule(struct ld *L, const cJSON *rj, chiso_node *n)
{
    chiso_rule *r = &n->rule;
    const cJSON *tj;
    static const char *const rule_keys[] = {
        "type",      "unit",    "source",
        "target",    "capped",  "zero_denominator",
        "bands",     "domain",  "per",
        "terms",     "formula", "confidence",
        "tolerance", "text",    NULL};
    const char *type;

    r->capped = 1;
    if (cJSON_IsString(rj)) {
        type = rj->valuestring;
        tj = rj;
    } else if (cJSON_IsObject(rj)) {
        check_keys(L, rj, N_("a rule"), rule_keys);
        tj = cJSON_GetObjectItemCaseSensitive(rj, "type");
        if (!cJSON_IsString(tj)) {
            problem(L, tj ? tj : rj,
                    "a rule needs a \"type\" (manual, "
                    "binary, proportional, bands, "
                    "deduction, terms, tracked)");
            return;
        }
        type = tj->valuestring;
    } else {
        problem(L, rj, "\"rule\" must be an object or a rule type name");
        return;
    }
    for (r->type = CHISO_RULE_MANUAL; r->type <= CHISO_RULE_TRACKED;
         r->type++) {
        if (strcmp(type, chiso_rule_type_name(r->type)) == 0) {
            break;
        }
    }
    if (r->type > CHISO_RULE_TRACKED) {
        r->type = CHISO_RULE_MANUAL;
        problem(L, tj,
                "unknown rule type \"%s\" (known: manual, binary, "
                "proportional, bands, deduction, terms, tracked)",
                type);
        return;
    }
    if (r->type == CHISO_RULE_TRACKED && n->max > 0) {
        problem(L, tj, "a tracked-only criterion must have \"max\": 0");
    }
    if (r->type != CHISO_RULE_TRACKED && chiso_is_zero(n->max)) {
        problem(L, tj,
                "a criterion with \"max\": 0 must use the \"tracked\" "
                "rule");
    }
    if (!cJSON_IsObject(rj)) {
        return;
    }
    get_string(L, rj, "formula", 0, &r->formula);
    get_string(L, rj, "confidence", 0, &r->confidence);
    get_string(L, rj, "text", 0, &r->text);
    if (get_number(L, rj, "tolerance", 0, &r->tolerance) > 0 &&
        r->tolerance < 0) {
        problem(L, cJSON_GetObjectItemCaseSensitive(rj, "tolerance"),
                "\"tolerance\" must not be negative");
    }
    get_source(L, rj, &r->source);
    switch (r->type) {
    case CHISO_RULE_PROPORTIONAL:
        r->unit = get_unit(L, rj, CHISO_UNIT_PERCENT);
        r->target = unit_full_scale(r->unit);
        if (get_number(L, rj, "target", 0, &r->target) > 0 &&
            !(r->target > 0)) {
            problem(L, cJSON_GetObjectItemCaseSensitive(rj, "target"),
                    "\"target\" must be positive");
        }
        r->capped = get_bool(L, rj, "capped", 1);
        r->zero_den = get_zero_den(L, rj, CHISO_ZERO_DEN_NO_SCORE);
        break;
    case CHISO_RULE_BANDS:
        r->unit = get_unit(L, rj, CHISO_UNIT_PERCENT);
        r->zero_den = get_zero_den(L, rj, CHISO_ZERO_DEN_NO_SCORE);
        load_bands(L, rj, n);
        break;
    case CHISO_RULE_DEDUCTION:
        r->unit = get_unit(L, rj, CHISO_UNIT_COUNT);
        if (get_number(L, rj, "per", 1, &r->per) > 0 && !(r->per > 0)) {
            problem(L, cJSON_GetObjectItemCaseSensitive(rj, "per"),
                    "\"per\" must be positive");
        }
        break;
    case CHISO_RULE_TERMS:
        load_terms(L, rj, n);
        break;
    case CHISO_RULE_NONE:
    case CHISO_RULE_MANUAL:
    case CHISO_RULE_BINARY:
    case CHISO_RULE_TRACKED:
        r->unit = get_unit(L, rj, CHISO_UNIT_NUMBER);
        break;
    }
}

/* ---- nodes -------------------------------------------------------------- */

static size_t
add_node(struct ld *L)
{
    chiso_framework *fw = L->fw;

    if (fw->n_nodes == L->cap_nodes) {
        size_t cap = L->cap_nodes ? L->cap_nodes * 2 : 64;
        chiso_node *p = realloc(fw->nodes, cap * sizeof(*p));
        if (p == NULL) {
            L->oom = 1;
            return CHISO_NO_PARENT;
        }
        fw->nodes = p;
        L->cap_nodes = cap;
    }
    memset(&fw->nodes[fw->n_nodes], 0, sizeof(chiso_node));
    return fw->n_nodes++;
}

static void load_nodes(
    struct ld *L, const cJSON *arr, size_t parent, int depth, double *sum);

static void
load_node(struct ld *L, const cJSON *nj, size_t parent, int depth)
{
    static const char *const node_keys[] = {
        "id", "name", "name_en", "note", "max", "children", "rule", NULL};
    const cJSON *kids, *rule;
    size_t idx;
    chiso_node *n;
    double max = 0, sum = 0;
    char *id = NULL;

    if (!cJSON_IsObject(nj)) {
        problem(L, nj, "a criterion must be an object");
        return;
    }
    idx = add_node(L);
    if (idx == CHISO_NO_PARENT) {
        return;
    }
    n = &L->fw->nodes[idx];
    n->parent = parent;
    n->depth = depth;
    chiso_json_doc_locate(L->doc, nj, &n->line, &n->column);
    check_keys(L, nj, N_("a criterion"), node_keys);
    get_string(L, nj, "id", 1, &id);
    L->fw->nodes[idx].id = id;
    get_string(L, nj, "name", 1, &L->fw->nodes[idx].name);
    get_string(L, nj, "name_en", 0, &L->fw->nodes[idx].name_en);
    get_string(L, nj, "note", 0, &L->fw->nodes[idx].note);
    if (get_number(L, nj, "max", 1, &max) > 0 && max < 0) {
        problem(L, cJSON_GetObjectItemCaseSensitive(nj, "max"),
                "\"max\" must not be negative, got %g", max);
    }
    L->fw->nodes[idx].max = max;
    kids = cJSON_GetObjectItemCaseSensitive(nj, "children");
    rule = cJSON_GetObjectItemCaseSensitive(nj, "rule");
    if (kids != NULL && rule != NULL) {
        problem(L, rule,
                "criterion \"%s\" has both \"children\" and a "
                "\"rule\"; only leaves have rules",
                id ? id : "?");
    } else if (kids != NULL) {
        const cJSON *c;
        size_t k = 0, *ch;
        if (!cJSON_IsArray(kids) || cJSON_GetArraySize(kids) == 0) {
            problem(L, kids, "\"children\" must be a non-empty array");
            return;
        }
        load_nodes(L, kids, idx, depth + 1, &sum);
        if (L->oom) {
            return;
        }
        /* children are the following nodes whose parent is idx */
        n = &L->fw->nodes[idx];
        ch = calloc((size_t)cJSON_GetArraySize(kids), sizeof(*ch));
        if (ch == NULL) {
            L->oom = 1;
            return;
        }
        for (k = idx + 1; k < L->fw->n_nodes; k++) {
            if (L->fw->nodes[k].parent == idx) {
                ch[n->n_children++] = k;
            }
        }
        n->children = ch;
        if (fabs(sum - max) > SUM_TOL) {
            c = cJSON_GetObjectItemCaseSensitive(nj, "max");
            problem(L, c ? c : nj,
                    "maxima of the children of \"%s\" add up to %g, not its "
                    "\"max\" %g",
                    id ? id : "?", sum, max);
        }
    } else if (rule != NULL) {
        load_rule(L, rule, &L->fw->nodes[idx]);
    } else {
        problem(L, nj, "criterion \"%s\" needs \"children\" or a \"rule\"",
                id ? id : "?");
    }
}

static void
load_nodes(
    struct ld *L, const cJSON *arr, size_t parent, int depth, double *sum)
{
    const cJSON *nj;

    if (depth > 32) {
        problem(L, arr, "criteria nested deeper than 32 levels");
        return;
    }
    *sum = 0;
    cJSON_ArrayForEach(nj, arr)
    {
        const cJSON *mx;
        load_node(L, nj, parent, depth);
        if (L->oom) {
            return;
        }
        mx = cJSON_IsObject(nj) ? cJSON_GetObjectItemCaseSensitive(nj, "max")
                                : NULL;
        if (cJSON_IsNumber(mx)) {
            *sum += mx->valuedouble;
        }
    }
}

/* ---- the id hash ---------------------------------------------------------
 * Node ids and terms-input ids share one namespace (an evidence row names
 * either), so one open-addressing table holds both: a slot knows its node
 * and, for a terms input, its term. */

struct fw_slot {
    const char *id; /* borrowed from the node or term; NULL = empty */
    size_t node;
    long term; /* -1 for the node itself */
};

struct chiso_framework_index {
    struct fw_slot *slots;
    size_t mask; /* capacity - 1, capacity a power of two */
};

static size_t
str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return (size_t)(h ^ (h >> 29));
}

/* The slot of id, or the empty slot where it would go. */
static struct fw_slot *
index_slot(const struct chiso_framework_index *ix, const char *id)
{
    size_t i = str_hash(id) & ix->mask;

    while (ix->slots[i].id != NULL && strcmp(ix->slots[i].id, id) != 0) {
        i = (i + 1) & ix->mask;
    }
    return &ix->slots[i];
}

static void
index_free(struct chiso_framework_index *ix)
{
    if (ix != NULL) {
        free(ix->slots);
        free(ix);
    }
}

/* Build the hash; duplicates keep their first occurrence and, if dup is
 * not NULL, are reported to it (the later occurrence and the first). */
static chiso_status
index_build(chiso_framework *fw,
            void (*dup)(void *ctx,
                        const char *id,
                        const chiso_node *at,
                        const chiso_node *first),
            void *ctx)
{
    struct chiso_framework_index *ix;
    size_t i, t, n = 0, cap = 16;

    index_free(fw->index);
    fw->index = NULL;
    for (i = 0; i < fw->n_nodes; i++) {
        n += 1 + fw->nodes[i].rule.n_terms;
    }
    while (cap < 2 * n) {
        cap *= 2;
    }
    ix = calloc(1, sizeof(*ix));
    if (ix == NULL || (ix->slots = calloc(cap, sizeof(*ix->slots))) == NULL) {
        free(ix);
        return CHISO_ENOMEM;
    }
    ix->mask = cap - 1;
    for (i = 0; i < fw->n_nodes; i++) {
        const chiso_node *a = &fw->nodes[i];
        for (t = 0; t <= a->rule.n_terms; t++) {
            const char *id = t == 0 ? a->id : a->rule.terms[t - 1].input;
            struct fw_slot *s;
            if (id == NULL) {
                continue;
            }
            s = index_slot(ix, id);
            if (s->id != NULL) {
                if (dup != NULL) {
                    dup(ctx, id, a, &fw->nodes[s->node]);
                }
                continue;
            }
            s->id = id;
            s->node = i;
            s->term = (long)t - 1;
        }
    }
    fw->index = ix;
    return CHISO_OK;
}

chiso_status
chiso_framework_index(chiso_framework *fw)
{
    return index_build(fw, NULL, NULL);
}

static void
report_duplicate(void *ctx,
                 const char *id,
                 const chiso_node *at,
                 const chiso_node *first)
{
    struct ld *L = ctx;

    L->n_problems++;
    chiso_diag_list_addf(L->problems, CHISO_ESCHEMA,
                         chiso_json_doc_path(L->doc), at->line, at->column,
                         "duplicate id \"%s\" (first used at line %lu)", id,
                         first->line);
}

/* Every node id and every terms-rule input id must be unique; the same
 * pass builds the id hash. */
static void
check_ids(struct ld *L)
{
    if (index_build(L->fw, report_duplicate, L) != CHISO_OK) {
        L->oom = 1;
    }
}

static void
load_classes(struct ld *L, const cJSON *arr)
{
    chiso_framework *fw = L->fw;
    const cJSON *c;
    size_t i = 0, j;
    static const char *const class_keys[] = {"id", "label", "label_en", "min",
                                             NULL};

    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0) {
        problem(L, arr, "\"classification\" must be a non-empty array");
        return;
    }
    fw->n_classes = (size_t)cJSON_GetArraySize(arr);
    fw->classes = calloc(fw->n_classes, sizeof(*fw->classes));
    if (fw->classes == NULL) {
        L->oom = 1;
        return;
    }
    cJSON_ArrayForEach(c, arr)
    {
        chiso_class_band *b = &fw->classes[i];
        if (!cJSON_IsObject(c)) {
            problem(L, c, "a classification band must be an object");
            i++;
            continue;
        }
        check_keys(L, c, N_("a classification band"), class_keys);
        get_string(L, c, "id", 1, &b->id);
        get_string(L, c, "label", 1, &b->label);
        get_string(L, c, "label_en", 0, &b->label_en);
        if (get_number(L, c, "min", 1, &b->min) > 0 &&
            (b->min < 0 || b->min > 100)) {
            problem(L, cJSON_GetObjectItemCaseSensitive(c, "min"),
                    "classification \"min\" must be within 0..100 (an index "
                    "%%)");
        }
        for (j = 0; j < i; j++) {
            if (b->id && fw->classes[j].id &&
                strcmp(b->id, fw->classes[j].id) == 0) {
                problem(L, c, "duplicate classification id \"%s\"", b->id);
            }
        }
        if (i > 0 && !(b->min < fw->classes[i - 1].min)) {
            problem(L, cJSON_GetObjectItemCaseSensitive(c, "min"),
                    "classification bands are not ordered: \"min\" %g must "
                    "be below the previous band's %g",
                    b->min, fw->classes[i - 1].min);
        }
        i++;
    }
    if (fw->n_classes > 0 &&
        !chiso_is_zero(fw->classes[fw->n_classes - 1].min)) {
        problem(L, cJSON_GetArrayItem(arr, (int)fw->n_classes - 1),
                "classification bands do not cover 0..100: the lowest band "
                "must have \"min\": 0");
    }
}

static void
load_root(struct ld *L, const cJSON *root)
{
    static const char *const root_keys[] = {"format",
                                            "format_version",
                                            "id",
                                            "name",
                                            "name_en",
                                            "version",
                                            "status",
                                            "legal_basis",
                                            "notes",
                                            "max",
                                            "points_decimals",
                                            "index_decimals",
                                            "classification",
                                            "nodes",
                                            "sources",
                                            NULL};
    chiso_framework *fw = L->fw;
    const cJSON *v, *nodes;
    double d, sum = 0;
    char *fmt = NULL;

    if (!cJSON_IsObject(root)) {
        problem(L, root, "a framework file must hold a JSON object");
        return;
    }
    check_keys(L, root, N_("the framework"), root_keys);
    get_string(L, root, "format", 1, &fmt);
    if (fmt != NULL && strcmp(fmt, "chiso-framework") != 0) {
        problem(L, cJSON_GetObjectItemCaseSensitive(root, "format"),
                "\"format\" must be \"chiso-framework\", got \"%s\"", fmt);
    }
    free(fmt);
    v = cJSON_GetObjectItemCaseSensitive(root, "format_version");
    if (v != NULL && (!cJSON_IsNumber(v) || v->valueint != 1)) {
        problem(L, v, "unsupported \"format_version\" (this chiso reads 1)");
    }
    get_string(L, root, "id", 1, &fw->id);
    get_string(L, root, "name", 1, &fw->name);
    get_string(L, root, "name_en", 0, &fw->name_en);
    get_string(L, root, "version", 0, &fw->version);
    get_string(L, root, "status", 0, &fw->status);
    get_string(L, root, "legal_basis", 0, &fw->legal_basis);
    v = cJSON_GetObjectItemCaseSensitive(root, "notes");
    if (v != NULL) {
        const cJSON *s;
        if (!cJSON_IsArray(v)) {
            problem(L, v, "\"notes\" must be an array of strings");
        } else {
            fw->notes =
                calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(*fw->notes));
            if (fw->notes == NULL) {
                L->oom = 1;
                return;
            }
            cJSON_ArrayForEach(s, v)
            {
                if (!cJSON_IsString(s)) {
                    problem(L, s, "\"notes\" must be an array of strings");
                    continue;
                }
                fw->notes[fw->n_notes++] = chiso_strdup(s->valuestring);
            }
        }
    }
    fw->points_decimals = -1;
    if (get_number(L, root, "points_decimals", 0, &d) > 0) {
        if (d < 0 || d > 6 || !chiso_is_zero(d - floor(d))) {
            problem(L,
                    cJSON_GetObjectItemCaseSensitive(root, "points_decimals"),
                    "\"points_decimals\" must be an integer 0..6");
        } else {
            fw->points_decimals = (int)d;
        }
    }
    fw->index_decimals = 2;
    if (get_number(L, root, "index_decimals", 0, &d) > 0) {
        if (d < 0 || d > 6 || !chiso_is_zero(d - floor(d))) {
            problem(L, cJSON_GetObjectItemCaseSensitive(root, "index_decimals"),
                    "\"index_decimals\" must be an integer 0..6");
        } else {
            fw->index_decimals = (int)d;
        }
    }
    nodes = cJSON_GetObjectItemCaseSensitive(root, "nodes");
    if (!cJSON_IsArray(nodes) || cJSON_GetArraySize(nodes) == 0) {
        problem(L, nodes ? nodes : root,
                "a framework needs a non-empty \"nodes\" array");
        return;
    }
    load_nodes(L, nodes, CHISO_NO_PARENT, 0, &sum);
    if (L->oom) {
        return;
    }
    fw->max = sum;
    if (get_number(L, root, "max", 0, &d) > 0 && fabs(d - sum) > SUM_TOL) {
        problem(L, cJSON_GetObjectItemCaseSensitive(root, "max"),
                "maxima of the top-level criteria add up to %g, not the "
                "framework's \"max\" %g",
                sum, d);
    }
    v = cJSON_GetObjectItemCaseSensitive(root, "classification");
    if (v != NULL) {
        load_classes(L, v);
    }
    check_ids(L);
}

static chiso_status check_doc(chiso_framework **out,
                              const char *path,
                              chiso_json_doc *doc,
                              chiso_diag_list *problems);

chiso_status
chiso_framework_check(chiso_framework **out,
                      const char *path,
                      chiso_diag_list *problems)
{
    chiso_json_doc *doc = NULL;
    chiso_diag d;
    chiso_status st;

    if (out != NULL) {
        *out = NULL;
    }
    chiso_diag_clear(&d);
    d.lang = problems->lang;
    st = chiso_json_doc_load(&doc, path, &d);
    if (st != CHISO_OK) {
        chiso_diag_list_add(problems, &d);
        return st;
    }
    return check_doc(out, path, doc, problems);
}

chiso_status
chiso_framework_check_text(chiso_framework **out,
                           const char *path,
                           const char *text,
                           size_t len,
                           chiso_diag_list *problems)
{
    chiso_json_doc *doc = NULL;
    chiso_diag d;
    chiso_status st;

    if (out != NULL) {
        *out = NULL;
    }
    chiso_diag_clear(&d);
    d.lang = problems->lang;
    st = chiso_json_doc_parse(&doc, path, text, len, &d);
    if (st != CHISO_OK) {
        chiso_diag_list_add(problems, &d);
        return st;
    }
    return check_doc(out, path, doc, problems);
}

/* Validate a parsed document (consumed). */
static chiso_status
check_doc(chiso_framework **out,
          const char *path,
          chiso_json_doc *doc,
          chiso_diag_list *problems)
{
    struct ld L;

    memset(&L, 0, sizeof(L));
    L.doc = doc;
    L.problems = problems;
    L.fw = calloc(1, sizeof(*L.fw));
    if (L.fw == NULL || (L.fw->path = chiso_strdup(path)) == NULL) {
        chiso_framework_free(L.fw);
        chiso_json_doc_free(doc);
        chiso_diag_list_addf(problems, CHISO_ENOMEM, path, 0, 0,
                             "out of memory");
        return CHISO_ENOMEM;
    }
    load_root(&L, chiso_json_doc_root(doc));
    chiso_json_doc_free(doc);
    if (L.oom) {
        chiso_framework_free(L.fw);
        chiso_diag_list_addf(problems, CHISO_ENOMEM, path, 0, 0,
                             "out of memory");
        return CHISO_ENOMEM;
    }
    if (L.n_problems > 0) {
        chiso_framework_free(L.fw);
        return CHISO_ESCHEMA;
    }
    if (out != NULL) {
        *out = L.fw;
    } else {
        chiso_framework_free(L.fw);
    }
    return CHISO_OK;
}

chiso_status
chiso_framework_load(chiso_framework **out, const char *path, chiso_diag *diag)
{
    chiso_diag_list list;
    chiso_status st;

    chiso_diag_list_init(&list, 64);
    st = chiso_framework_check(out, path, &list);
    if (st != CHISO_OK && list.n > 0 && diag != NULL &&
        diag->code == CHISO_OK) {
        chiso_diag_list_sort(&list);
        *diag = list.items[0];
    }
    chiso_diag_list_free(&list);
    return st;
}

static void
rule_free(chiso_rule *r)
{
    size_t i;

    for (i = 0; i < r->n_terms; i++) {
        free(r->terms[i].input);
        free(r->terms[i].name);
        free(r->terms[i].source);
    }
    free(r->terms);
    free(r->bands);
    free(r->source);
    free(r->formula);
    free(r->confidence);
    free(r->text);
}

void
chiso_framework_free(chiso_framework *fw)
{
    size_t i;

    if (fw == NULL) {
        return;
    }
    for (i = 0; i < fw->n_nodes; i++) {
        chiso_node *n = &fw->nodes[i];
        free(n->id);
        free(n->name);
        free(n->name_en);
        free(n->note);
        free(n->children);
        rule_free(&n->rule);
    }
    free(fw->nodes);
    for (i = 0; i < fw->n_classes; i++) {
        free(fw->classes[i].id);
        free(fw->classes[i].label);
        free(fw->classes[i].label_en);
    }
    free(fw->classes);
    for (i = 0; i < fw->n_notes; i++) {
        free(fw->notes[i]);
    }
    free(fw->notes);
    free(fw->path);
    free(fw->id);
    free(fw->name);
    free(fw->name_en);
    free(fw->version);
    free(fw->status);
    free(fw->legal_basis);
    index_free(fw->index);
    free(fw);
}

static long
find_exact(const chiso_framework *fw, const char *id)
{
    size_t i;

    if (fw->index != NULL) {
        const struct fw_slot *s = index_slot(fw->index, id);
        return s->id != NULL && s->term < 0 ? (long)s->node : -1;
    }
    for (i = 0; i < fw->n_nodes; i++) {
        if (fw->nodes[i].id != NULL && strcmp(fw->nodes[i].id, id) == 0) {
            return (long)i;
        }
    }
    return -1;
}

/* An upper-case Roman numeral I..CCCXCIX as its value, else 0. */
static int
roman_value(const char *s)
{
    static const struct {
        const char *t;
        int v;
    } d[] = {{"C", 100}, {"XC", 90}, {"L", 50}, {"XL", 40}, {"X", 10},
             {"IX", 9},  {"V", 5},   {"IV", 4}, {"I", 1}};
    char back[32];
    int v = 0, left;
    size_t k, n = strlen(s);

    if (n == 0 || n > 12 || strspn(s, "IVXLC") != n) {
        return 0;
    }
    for (k = 0; k < sizeof(d) / sizeof(d[0]); k++) {
        size_t m = strlen(d[k].t);
        while (strncmp(s, d[k].t, m) == 0) {
            v += d[k].v;
            s += m;
        }
    }
    if (*s != '\0' || v >= 400) {
        return 0;
    }
    /* only the canonical spelling ("IIII" is not 4) */
    back[0] = '\0';
    for (k = 0, left = v; k < sizeof(d) / sizeof(d[0]); k++) {
        while (left >= d[k].v) {
            strcat(back, d[k].t);
            left -= d[k].v;
        }
    }
    return strlen(back) == n ? v : 0;
}

long
chiso_framework_find(const chiso_framework *fw, const char *id)
{
    char buf[64];
    size_t n;
    long k = find_exact(fw, id);
    int r;

    if (k >= 0) {
        return k;
    }
    n = strlen(id);
    if (n == 0 || n >= sizeof(buf)) {
        return -1;
    }
    memcpy(buf, id, n + 1);
    while (n > 1 && buf[n - 1] == '.') {
        buf[--n] = '\0'; /* "1.1." as forms number it */
    }
    if (n < strlen(id) && (k = find_exact(fw, buf)) >= 0) {
        return k;
    }
    if ((r = roman_value(buf)) > 0) {
        snprintf(buf, sizeof(buf), "%d", r);
        k = find_exact(fw, buf);
        if (k >= 0 && fw->nodes[k].depth == 0) {
            return k;
        }
    }
    return -1;
}

long
chiso_framework_find_input(const chiso_framework *fw,
                           const char *id,
                           size_t *term)
{
    size_t i, t;

    if (fw->index != NULL) {
        const struct fw_slot *s = index_slot(fw->index, id);
        if (s->id == NULL || s->term < 0) {
            return -1;
        }
        *term = (size_t)s->term;
        return (long)s->node;
    }
    for (i = 0; i < fw->n_nodes; i++) {
        for (t = 0; t < fw->nodes[i].rule.n_terms; t++) {
            if (strcmp(fw->nodes[i].rule.terms[t].input, id) == 0) {
                *term = t;
                return (long)i;
            }
        }
    }
    return -1;
}

int
chiso_node_is_leaf(const chiso_node *n)
{
    return n->rule.type != CHISO_RULE_NONE;
}

const chiso_class_band *
chiso_framework_classify(const chiso_framework *fw, double index_pct)
{
    size_t i;

    for (i = 0; i < fw->n_classes; i++) {
        if (index_pct >= fw->classes[i].min) {
            return &fw->classes[i];
        }
    }
    return NULL;
}

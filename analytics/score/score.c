/*
 * score.c - scoring a unit against a framework.
 *
 * Three passes over the framework's pre-order node array:
 *   1. map evidence rows to leaves and terms inputs (unknown ids and rows
 *      for inner nodes are errors at the id cell);
 *   2. score every leaf from its input (what-if override, then derived
 *      input, then evidence counts, value or points), recording how far it
 *      is from its next step so the points-lost list can say what to fix;
 *   3. walk the array backwards, so children come before parents, to add
 *      up points, applicable maxima and appraised points.
 *
 * Every value is checked against its rule's scale before use: a rate above
 * 100 %, a numerator above its denominator or a value outside a bands
 * domain is a data error pointing at the evidence cell, never a silently
 * capped score.
 */
#include "chiso_score.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-9

const char *
chiso_origin_name(chiso_origin o)
{
    switch (o) {
    case CHISO_ORIGIN_NONE:
        return "none";
    case CHISO_ORIGIN_POINTS:
        return "points";
    case CHISO_ORIGIN_VALUE:
        return "value";
    case CHISO_ORIGIN_COUNTS:
        return "counts";
    case CHISO_ORIGIN_DERIVED:
        return "derived";
    case CHISO_ORIGIN_WHAT_IF:
        return "what_if";
    }
    return "?";
}

struct sc {
    const chiso_framework *fw;
    const chiso_evidence *ev;
    const chiso_score_options *o;
    chiso_score_result *res;
    chiso_diag *diag;
    long *node_entry; /* evidence entry per node, -1 */
    long *entry_used; /* per evidence entry: 1 if its unit is selected */
};

/* An input to a rule, resolved from wherever it came. */
struct input {
    chiso_origin origin;
    int has_value;
    double value;
    int has_counts;
    double num, den;
    int has_bool;
    int yes;
    const char *source;
    const char *detail;
    const chiso_evidence_entry *e; /* evidence row, or NULL */
};

static void warn(struct sc *S,
                 const chiso_evidence_entry *e,
                 unsigned long col,
                 const char *fmt,
                 ...) CHISO_PRINTF(4, 5);

static void
warn(struct sc *S,
     const chiso_evidence_entry *e,
     unsigned long col,
     const char *fmt,
     ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    chiso_diag_list_addf(&S->res->warnings, CHISO_EDATA,
                         e && S->ev ? S->ev->path : NULL, e ? e->line : 0,
                         e ? col : 0, "%s", msg);
}

static chiso_status cell_error(struct sc *S,
                               const chiso_evidence_entry *e,
                               unsigned long col,
                               const char *fmt,
                               ...) CHISO_PRINTF(4, 5);

static chiso_status
cell_error(struct sc *S,
           const chiso_evidence_entry *e,
           unsigned long col,
           const char *fmt,
           ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return chiso_diag_set(S->diag, CHISO_EDATA, e ? S->ev->path : NULL,
                          e ? e->line : 0, e ? col : 0, "%s", msg);
}

/* ---- pass 1: evidence rows to nodes ------------------------------------ */

static int
unit_matches(const char *a, const char *b)
{
    char fa[128], fb[128];

    chiso_text_fold(a, strlen(a), fa, sizeof(fa));
    chiso_text_fold(b, strlen(b), fb, sizeof(fb));
    return strcmp(fa, fb) == 0;
}

static chiso_status
map_evidence(struct sc *S)
{
    const chiso_evidence *ev = S->ev;
    size_t i, j;
    const char *only_unit = NULL;

    if (ev == NULL) {
        return CHISO_OK;
    }
    if (ev->has_unit_column && S->o->unit == NULL) {
        for (i = 0; i < ev->n; i++) {
            const char *u = ev->entries[i].unit;
            if (u[0] == '\0') {
                continue;
            }
            if (only_unit == NULL) {
                only_unit = u;
            } else if (!unit_matches(only_unit, u)) {
                return chiso_diag_set(S->diag, CHISO_EUSAGE, ev->path, 0, 0,
                                      "the evidence sheet holds several "
                                      "units ('%s', '%s', ...); choose one "
                                      "with --unit",
                                      only_unit, u);
            }
        }
    }
    for (i = 0; i < ev->n; i++) {
        const chiso_evidence_entry *e = &ev->entries[i];
        long k;
        size_t term;
        if (S->o->unit != NULL && ev->has_unit_column && e->unit[0] != '\0' &&
            !unit_matches(e->unit, S->o->unit)) {
            continue;
        }
        S->entry_used[i] = 1;
        k = chiso_framework_find(S->fw, e->id);
        if (k >= 0) {
            if (!chiso_node_is_leaf(&S->fw->nodes[k])) {
                return cell_error(S, e, e->col_id,
                                  "criterion '%s' is a group of %zu "
                                  "sub-criteria; enter its sub-criteria "
                                  "instead",
                                  e->id, S->fw->nodes[k].n_children);
            }
            S->node_entry[k] = (long)i;
            continue;
        }
        if (chiso_framework_find_input(S->fw, e->id, &term) >= 0) {
            continue;
        }
        return cell_error(S, e, e->col_id,
                          "unknown criterion id '%s' (not in framework '%s')",
                          e->id, S->fw->id);
    }
    if (S->o->unit != NULL && ev->has_unit_column) {
        for (j = 0; j < ev->n && !S->entry_used[j]; j++) {
        }
        if (j == ev->n && ev->n > 0) {
            return chiso_diag_set(S->diag, CHISO_EUSAGE, ev->path, 0, 0,
                                  "no rows for unit '%s' in the evidence "
                                  "sheet",
                                  S->o->unit);
        }
    }
    return CHISO_OK;
}

/* Evidence row for a terms input id in the selected unit. */
static const chiso_evidence_entry *
find_input_entry(struct sc *S, const char *id)
{
    size_t i;

    if (S->ev == NULL) {
        return NULL;
    }
    for (i = 0; i < S->ev->n; i++) {
        if (S->entry_used[i] && strcmp(S->ev->entries[i].id, id) == 0) {
            return &S->ev->entries[i];
        }
    }
    return NULL;
}

/* ---- resolving inputs -------------------------------------------------- */

static const chiso_what_if *
find_what_if(struct sc *S, const char *id)
{
    size_t i;

    for (i = 0; i < S->o->n_what_if; i++) {
        if (strcmp(S->o->what_if[i].id, id) == 0) {
            return &S->o->what_if[i];
        }
    }
    return NULL;
}

static const chiso_input_value *
find_derived(struct sc *S, const char *name)
{
    size_t i;

    if (name == NULL) {
        return NULL;
    }
    for (i = 0; i < S->o->n_inputs; i++) {
        if (strcmp(S->o->inputs[i].name, name) == 0) {
            return &S->o->inputs[i];
        }
    }
    return NULL;
}

/* The input an evidence row gives (counts, else a value, else yes/no). */
static void
evidence_input(const chiso_evidence_entry *e, struct input *in)
{
    memset(in, 0, sizeof(*in));
    in->e = e;
    if (e == NULL) {
        return;
    }
    if (e->has_numerator && e->has_denominator) {
        in->origin = CHISO_ORIGIN_COUNTS;
        in->has_counts = 1;
        in->num = e->numerator;
        in->den = e->denominator;
    } else if (e->has_value) {
        in->origin = CHISO_ORIGIN_VALUE;
        in->has_value = 1;
        in->value = e->value;
    } else if (e->value_text[0] != '\0' && !e->not_applicable) {
        int yn = chiso_parse_bool(e->value_text, strlen(e->value_text));
        if (yn >= 0) {
            in->origin = CHISO_ORIGIN_VALUE;
            in->has_bool = 1;
            in->yes = yn;
        }
    }
}

static void
resolve(struct sc *S,
        const char *id,
        const char *source,
        const chiso_evidence_entry *e,
        struct input *in)
{
    const chiso_what_if *w = find_what_if(S, id);
    const chiso_input_value *d = find_derived(S, source);

    memset(in, 0, sizeof(*in));
    in->e = e;
    if (w != NULL) {
        in->origin = CHISO_ORIGIN_WHAT_IF;
        in->has_counts = w->has_counts;
        in->num = w->numerator;
        in->den = w->denominator;
        in->has_value = w->has_value;
        in->value = w->value;
        return;
    }
    if (d != NULL) {
        in->origin = CHISO_ORIGIN_DERIVED;
        in->has_counts = d->has_counts;
        in->num = d->numerator;
        in->den = d->denominator;
        in->has_value = d->has_value;
        in->value = d->value;
        in->source = d->name;
        in->detail = d->detail;
        return;
    }
    evidence_input(e, in);
}

static double
unit_scale(chiso_value_unit u)
{
    return u == CHISO_UNIT_PERCENT ? 100.0 : 1.0;
}

static const char *
unit_suffix(chiso_value_unit u)
{
    return u == CHISO_UNIT_PERCENT ? "%" : "";
}

/*
 * Turn an input into a value on the rule's scale. Returns 1 with *v set,
 * 0 for a zero denominator, -1 when there is no usable value, or -2 on a
 * data error (diag set).
 */
static int
rule_value(struct sc *S,
           const char *id,
           chiso_value_unit unit,
           const struct input *in,
           double *v)
{
    const chiso_evidence_entry *e =
        in->origin == CHISO_ORIGIN_DERIVED || in->origin == CHISO_ORIGIN_WHAT_IF
            ? NULL
            : in->e;

    if (in->has_counts) {
        if (unit == CHISO_UNIT_COUNT || unit == CHISO_UNIT_NUMBER) {
            cell_error(S, e, e ? e->col_numerator : 0,
                       "criterion '%s' takes a single value, not a numerator "
                       "and denominator",
                       id);
            return -2;
        }
        if (in->num > in->den + EPS) {
            cell_error(S, e, e ? e->col_numerator : 0,
                       "numerator %g exceeds denominator %g for '%s'", in->num,
                       in->den, id);
            return -2;
        }
        if (chiso_is_zero(in->den)) {
            return 0;
        }
        *v = in->num / in->den * unit_scale(unit);
        return 1;
    }
    if (in->has_value) {
        *v = in->value;
        if (unit == CHISO_UNIT_PERCENT && *v > 100 + EPS) {
            cell_error(S, e, e ? e->col_value : 0,
                       "value %g for '%s' is above 100 %%", *v, id);
            return -2;
        }
        if (unit == CHISO_UNIT_RATIO && *v > 1 + EPS) {
            cell_error(S, e, e ? e->col_value : 0,
                       "value %g for '%s' is a ratio and must be within 0..1",
                       *v, id);
            return -2;
        }
        if (unit == CHISO_UNIT_COUNT && !chiso_is_zero(*v - floor(*v))) {
            cell_error(S, e, e ? e->col_value : 0,
                       "value %g for '%s' must be a whole count", *v, id);
            return -2;
        }
        return 1;
    }
    return -1;
}

/* ---- pass 2: leaves ---------------------------------------------------- */

static void
zero_den_points(chiso_zero_den z, double max, double *pts, int *no_score)
{
    *no_score = 0;
    switch (z) {
    case CHISO_ZERO_DEN_NO_SCORE:
        *pts = 0;
        *no_score = 1;
        break;
    case CHISO_ZERO_DEN_ZERO:
        *pts = 0;
        break;
    case CHISO_ZERO_DEN_FULL:
        *pts = max;
        break;
    }
}

static chiso_status
score_bands(struct sc *S,
            const chiso_node *n,
            double v,
            const struct input *in,
            chiso_node_score *ns)
{
    const chiso_rule *r = &n->rule;
    size_t i, hit = r->n_bands;
    const chiso_evidence_entry *e =
        in->origin == CHISO_ORIGIN_DERIVED ? NULL : in->e;

    if (v < r->domain_min - EPS || v > r->domain_max + EPS) {
        return cell_error(S, e, e ? e->col_value : 0,
                          "value %g for '%s' is outside the rule's domain "
                          "%g..%g",
                          v, n->id, r->domain_min, r->domain_max);
    }
    for (i = 0; i < r->n_bands; i++) {
        if (!r->upper_bands
                ? v >= r->bands[i].bound - EPS
                : (r->bands[i].open || v <= r->bands[i].bound + EPS)) {
            hit = i;
            break;
        }
    }
    if (hit == r->n_bands) {
        return cell_error(S, e, e ? e->col_value : 0,
                          "value %g for '%s' falls in no band", v, n->id);
    }
    ns->points_exact = r->bands[hit].points;
    if (!r->upper_bands) {
        chiso_snprintf(ns->explain, sizeof(ns->explain),
                       "%g%s in band >= %g -> %g of %g", v,
                       unit_suffix(r->unit), r->bands[hit].bound,
                       r->bands[hit].points, n->max);
    } else if (r->bands[hit].open) {
        chiso_snprintf(ns->explain, sizeof(ns->explain),
                       "%g%s in the last band -> %g of %g", v,
                       unit_suffix(r->unit), r->bands[hit].points, n->max);
    } else {
        chiso_snprintf(ns->explain, sizeof(ns->explain),
                       "%g%s in band <= %g -> %g of %g", v,
                       unit_suffix(r->unit), r->bands[hit].bound,
                       r->bands[hit].points, n->max);
    }
    /* the nearest band that gives more points */
    for (i = hit; i-- > 0;) {
        if (r->bands[i].points > r->bands[hit].points + EPS) {
            ns->gain_next = r->bands[i].points - r->bands[hit].points;
            ns->has_next_value = 1;
            ns->next_value = r->bands[i].bound;
            break;
        }
    }
    return CHISO_OK;
}

static chiso_status
score_terms(struct sc *S, const chiso_node *n, chiso_node_score *ns)
{
    const chiso_rule *r = &n->rule;
    size_t t;
    double sum = 0;
    int any = 0;
    size_t off = 0;

    ns->terms = calloc(r->n_terms, sizeof(*ns->terms));
    if (ns->terms == NULL) {
        return chiso_diag_set(S->diag, CHISO_ENOMEM, NULL, 0, 0,
                              "out of memory");
    }
    ns->n_terms = r->n_terms;
    for (t = 0; t < r->n_terms; t++) {
        const chiso_term *tm = &r->terms[t];
        const chiso_evidence_entry *e = find_input_entry(S, tm->input);
        struct input in;
        double v = 0, p = 0;
        int rc, no_score = 0;

        resolve(S, tm->input, tm->source, e, &in);
        if (e != NULL && (in.origin == CHISO_ORIGIN_DERIVED ||
                          in.origin == CHISO_ORIGIN_WHAT_IF)) {
            struct input ev_in;
            evidence_input(e, &ev_in);
            if (rule_value(S, tm->input, tm->unit, &ev_in, &v) == -2) {
                return CHISO_EDATA;
            }
        }
        rc = rule_value(S, tm->input, tm->unit, &in, &v);
        if (rc == -2) {
            return CHISO_EDATA;
        }
        if (rc == -1) {
            warn(S, NULL, 0,
                 "input '%s' of criterion '%s' is not reported: its term "
                 "scores 0",
                 tm->input, n->id);
            off += (size_t)snprintf(
                ns->explain + off,
                off < sizeof(ns->explain) ? sizeof(ns->explain) - off : 0,
                "%s%s=? -> 0", t ? "; " : "", tm->input);
            continue;
        }
        any = 1;
        ns->terms[t].origin = in.origin;
        ns->terms[t].source = in.source;
        ns->terms[t].has_value = rc == 1;
        ns->terms[t].value = rc == 1 ? v : 0;
        ns->terms[t].zero_den = rc == 0;
        if (in.origin == CHISO_ORIGIN_DERIVED) {
            ns->origin = CHISO_ORIGIN_DERIVED;
            ns->source = in.source;
            ns->source_detail = in.detail;
        } else if (ns->origin == CHISO_ORIGIN_NONE ||
                   in.origin == CHISO_ORIGIN_WHAT_IF) {
            ns->origin = in.origin;
        }
        if (rc == 0) {
            zero_den_points(tm->zero_den, tm->points, &p, &no_score);
        } else {
            p = tm->points * v / tm->full_at;
            if (tm->capped && p > tm->points) {
                p = tm->points;
            }
        }
        sum += p;
        ns->terms[t].points = p;
        if (off < sizeof(ns->explain)) {
            if (rc == 0) {
                off += (size_t)chiso_snprintf(
                    ns->explain + off, sizeof(ns->explain) - off,
                    "%s%s=0/0 -> %.4g", t ? "; " : "", tm->input, p);
            } else {
                off += (size_t)chiso_snprintf(
                    ns->explain + off, sizeof(ns->explain) - off,
                    "%s%s=%.4g%s -> %.4g", t ? "; " : "", tm->input, v,
                    unit_suffix(tm->unit), p);
            }
        }
    }
    ns->reported = any;
    ns->points_exact = sum > n->max ? n->max : sum;
    return CHISO_OK;
}

static chiso_status
score_leaf(struct sc *S, size_t k)
{
    const chiso_node *n = &S->fw->nodes[k];
    const chiso_rule *r = &n->rule;
    chiso_node_score *ns = &S->res->nodes[k];
    long ei = S->node_entry[k];
    const chiso_evidence_entry *e = ei >= 0 ? &S->ev->entries[ei] : NULL;
    struct input in;
    double v = 0, pts = 0;
    int rc;
    chiso_status st;

    ns->evidence = ei;
    ns->applicable = 1;
    ns->applicable_max = n->max;
    if (e != NULL && e->not_applicable) {
        ns->applicable = 0;
        ns->applicable_max = 0;
        ns->reported = 1;
        chiso_snprintf(ns->explain, sizeof(ns->explain), "not applicable");
        return CHISO_OK;
    }
    if (e != NULL && e->has_appraised) {
        if (e->appraised > n->max + EPS) {
            return cell_error(S, e, e->col_appraised,
                              "appraised points %g above the maximum %g of "
                              "'%s'",
                              e->appraised, n->max, n->id);
        }
        ns->has_appraised = 1;
        ns->appraised = e->appraised;
    }
    if (e != NULL && e->has_official) {
        ns->has_official = 1;
        ns->official = e->official;
    }
    if (e != NULL && e->has_points) {
        if (e->points > n->max + EPS) {
            return cell_error(S, e, e->col_points,
                              "points %g above the maximum %g of '%s'",
                              e->points, n->max, n->id);
        }
        ns->has_self = 1;
        ns->self_points = e->points;
    }
    if (r->type == CHISO_RULE_TERMS) {
        st = score_terms(S, n, ns);
        if (st != CHISO_OK) {
            return st;
        }
        goto scored;
    }
    resolve(S, n->id, r->source, e, &in);
    if (e != NULL && (in.origin == CHISO_ORIGIN_DERIVED ||
                      in.origin == CHISO_ORIGIN_WHAT_IF)) {
        /* the sheet's own figures are replaced, but must still be sound */
        struct input ev_in;
        evidence_input(e, &ev_in);
        if (rule_value(S, n->id, r->unit, &ev_in, &v) == -2) {
            return CHISO_EDATA;
        }
    }
    ns->origin = in.origin;
    ns->source = in.source;
    ns->source_detail = in.detail;
    if (in.has_counts) {
        ns->has_counts = 1;
        ns->numerator = in.num;
        ns->denominator = in.den;
    }
    ns->reported = in.origin != CHISO_ORIGIN_NONE;
    if (r->type == CHISO_RULE_MANUAL) {
        if (!ns->has_self) {
            ns->reported = 0;
            goto scored;
        }
        ns->reported = 1;
        ns->origin = CHISO_ORIGIN_POINTS;
        pts = ns->self_points;
        ns->points_exact = pts;
        chiso_snprintf(ns->explain, sizeof(ns->explain),
                       "points entered: %g of %g", pts, n->max);
        goto scored;
    }
    if (r->type == CHISO_RULE_BINARY) {
        int yes;
        if (in.has_bool) {
            yes = in.yes;
        } else if (in.has_value &&
                   (chiso_is_zero(in.value) || chiso_is_zero(in.value - 1) ||
                    chiso_is_zero(in.value - 100))) {
            yes = in.value > 0.5;
        } else if (in.has_value) {
            return cell_error(S, e, e ? e->col_value : 0,
                              "value %g for yes/no criterion '%s' must be "
                              "yes/no (1/0)",
                              in.value, n->id);
        } else if (ns->has_self && (chiso_is_zero(ns->self_points) ||
                                    fabs(ns->self_points - n->max) < EPS)) {
            yes = ns->self_points > 0;
            ns->origin = CHISO_ORIGIN_POINTS;
            ns->reported = 1;
        } else if (ns->has_self) {
            return cell_error(S, e, e ? e->col_points : 0,
                              "points %g for yes/no criterion '%s' must be 0 "
                              "or %g",
                              ns->self_points, n->id, n->max);
        } else {
            goto scored;
        }
        ns->reported = 1;
        ns->has_value = 1;
        ns->value = yes;
        ns->points_exact = yes ? n->max : 0;
        chiso_snprintf(ns->explain, sizeof(ns->explain), "%s -> %g of %g",
                       yes ? "yes" : "no", ns->points_exact, n->max);
        if (!yes) {
            ns->gain_next = n->max;
        }
        goto scored;
    }
    rc = rule_value(S, n->id, r->unit, &in, &v);
    if (rc == -2) {
        return CHISO_EDATA;
    }
    if (rc == -1) {
        if (ns->has_self && r->type != CHISO_RULE_TRACKED) {
            /* offices often enter only the points: accept them, unchecked */
            ns->origin = CHISO_ORIGIN_POINTS;
            ns->reported = 1;
            ns->points_exact = ns->self_points;
            chiso_snprintf(ns->explain, sizeof(ns->explain),
                           "points entered (no value to check them against)");
            warn(S, e, e ? e->col_points : 0,
                 "criterion '%s' has points but no value: the %s rule could "
                 "not check them",
                 n->id, chiso_rule_type_name(r->type));
        } else {
            ns->reported = 0;
        }
        goto scored;
    }
    if (rc == 1) {
        ns->has_value = 1;
        ns->value = v;
    }
    switch (r->type) {
    case CHISO_RULE_PROPORTIONAL:
        if (rc == 0) {
            zero_den_points(r->zero_den, n->max, &pts, &ns->no_score);
            chiso_snprintf(ns->explain, sizeof(ns->explain),
                           "denominator 0 -> %s",
                           ns->no_score ? "no score"
                           : pts > 0    ? "full points"
                                        : "0 points");
        } else {
            pts = n->max * v / r->target;
            if (r->capped && pts > n->max) {
                pts = n->max;
            }
            chiso_snprintf(ns->explain, sizeof(ns->explain),
                           "%.6g%s of target %g%s -> %.4g of %g", v,
                           unit_suffix(r->unit), r->target,
                           unit_suffix(r->unit), pts, n->max);
            ns->has_next_value = pts < n->max - EPS;
            ns->next_value = r->target;
            ns->gain_next = n->max - pts;
        }
        ns->points_exact = pts;
        break;
    case CHISO_RULE_BANDS:
        if (rc == 0) {
            zero_den_points(r->zero_den, n->max, &pts, &ns->no_score);
            ns->points_exact = pts;
            chiso_snprintf(ns->explain, sizeof(ns->explain),
                           "denominator 0 -> %s",
                           ns->no_score ? "no score" : "fixed points");
            break;
        }
        st = score_bands(S, n, v, &in, ns);
        if (st != CHISO_OK) {
            return st;
        }
        break;
    case CHISO_RULE_DEDUCTION:
        pts = n->max - r->per * v;
        if (pts < 0) {
            pts = 0;
        }
        ns->points_exact = pts;
        chiso_snprintf(ns->explain, sizeof(ns->explain),
                       "%g x %g deducted -> %g of %g", v, r->per, pts, n->max);
        if (v > 0) {
            ns->has_next_value = 1;
            ns->next_value = v - 1;
            ns->gain_next = fmin(r->per, n->max - pts);
        }
        break;
    case CHISO_RULE_TRACKED:
        ns->points_exact = 0;
        chiso_snprintf(ns->explain, sizeof(ns->explain), "tracked only");
        break;
    case CHISO_RULE_NONE:
    case CHISO_RULE_MANUAL:
    case CHISO_RULE_BINARY:
    case CHISO_RULE_TERMS:
        break;
    }
scored:
    if (ns->points_exact > n->max) {
        ns->points_exact = n->max;
    }
    ns->points =
        S->fw->points_decimals >= 0
            ? chiso_round_half_up(ns->points_exact, S->fw->points_decimals)
            : ns->points_exact;
    /* what the next step is worth, on the points as published (rounded) */
    if ((r->type == CHISO_RULE_PROPORTIONAL || r->type == CHISO_RULE_TERMS) &&
        ns->reported && !ns->no_score) {
        ns->gain_next = n->max - ns->points;
    } else if (r->type == CHISO_RULE_DEDUCTION && ns->gain_next > 0) {
        ns->gain_next = fmin(r->per, n->max - ns->points);
    }
    if (!ns->reported && r->type != CHISO_RULE_TRACKED) {
        S->res->n_not_reported++;
        chiso_snprintf(ns->explain, sizeof(ns->explain), "not reported -> 0");
        warn(S, NULL, 0, "no evidence row for criterion '%s': scored 0", n->id);
    }
    if (ns->has_self && ns->origin != CHISO_ORIGIN_POINTS && ns->reported &&
        fabs(ns->self_points - ns->points) > 0.005) {
        warn(S, e, e ? e->col_points : 0,
             "criterion '%s': self-assessed %g points differ from the "
             "rule's %g",
             n->id, ns->self_points, ns->points);
    }
    if (ns->points > 0 && ns->origin != CHISO_ORIGIN_DERIVED &&
        ns->origin != CHISO_ORIGIN_WHAT_IF &&
        (e == NULL || e->evidence[0] == '\0')) {
        ns->evidence_missing = 1;
        S->res->n_evidence_missing++;
    }
    if (ns->no_score) {
        S->res->n_no_score++;
    }
    if (ns->origin == CHISO_ORIGIN_DERIVED) {
        S->res->n_derived++;
    }
    if (ns->has_official) {
        double d = ns->points - ns->official;
        S->res->n_official++;
        ns->official_diff = chiso_round_half_up(d, 6);
        if (fabs(d) > 0.01 + EPS) {
            ns->official_flag = 1;
            S->res->n_official_flags++;
        }
        /* a rule known only to +-tolerance (TTTT: 0.015) is judged on its
         * unrounded value, as 766-RULES.md measures it: 6.0435 against a
         * published 6.05 is within tolerance, though 6.04 != 6.05 */
        ns->official_within_tolerance =
            r->tolerance > 0 && fabs(d) > EPS &&
            fabs(ns->points_exact - ns->official) <= r->tolerance + EPS;
    }
    return CHISO_OK;
}

/* ---- pass 3: totals ---------------------------------------------------- */

static int
lost_cmp_key(const chiso_score_result *res, size_t a, size_t b)
{
    double la = res->fw->nodes[a].max - res->nodes[a].points;
    double lb = res->fw->nodes[b].max - res->nodes[b].points;

    if (la > lb + EPS) {
        return -1;
    }
    if (lb > la + EPS) {
        return 1;
    }
    return a < b ? -1 : (a > b);
}

static void
sort_lost(chiso_score_result *res)
{
    size_t i, j;

    for (i = 1; i < res->n_lost; i++) {
        size_t v = res->lost[i];
        j = i;
        while (j > 0 && lost_cmp_key(res, res->lost[j - 1], v) > 0) {
            res->lost[j] = res->lost[j - 1];
            j--;
        }
        res->lost[j] = v;
    }
}

static double
pct(double p, double m)
{
    return m > 0 ? p / m * 100.0 : (double)NAN;
}

static void
aggregate(struct sc *S)
{
    const chiso_framework *fw = S->fw;
    chiso_score_result *res = S->res;
    size_t i, c, n_app_missing = 0;
    int dec = fw->points_decimals;

    /* appraisal: leaves without appraised points keep their own points */
    for (i = 0; i < fw->n_nodes; i++) {
        if (chiso_node_is_leaf(&fw->nodes[i]) && res->nodes[i].has_appraised) {
            res->has_appraised = 1;
        }
    }
    for (i = fw->n_nodes; i-- > 0;) {
        const chiso_node *n = &fw->nodes[i];
        chiso_node_score *ns = &res->nodes[i];
        if (chiso_node_is_leaf(n)) {
            if (res->has_appraised && !ns->has_appraised && ns->applicable &&
                n->max > 0) {
                ns->appraised = ns->points;
                n_app_missing++;
            }
            ns->index_pct = pct(ns->points, ns->applicable_max);
            continue;
        }
        ns->points = ns->points_exact = ns->applicable_max = 0;
        ns->appraised = 0;
        ns->applicable = 0;
        for (c = 0; c < n->n_children; c++) {
            const chiso_node_score *k = &res->nodes[n->children[c]];
            ns->points += k->points;
            ns->points_exact += k->points_exact;
            ns->applicable_max += k->applicable_max;
            ns->appraised += k->appraised;
            ns->applicable |= k->applicable;
            ns->evidence_missing += k->evidence_missing;
            ns->reported |= k->reported;
            ns->has_official |= k->has_official;
            if (k->has_official) {
                ns->official += k->official;
            }
        }
        if (dec >= 0) {
            ns->points = chiso_round_half_up(ns->points, dec);
            ns->appraised = chiso_round_half_up(ns->appraised, dec);
            ns->official = chiso_round_half_up(ns->official, dec);
        }
        ns->has_appraised = res->has_appraised;
        ns->index_pct = pct(ns->points, ns->applicable_max);
    }
    res->max = fw->max;
    for (i = 0; i < fw->n_nodes; i++) {
        const chiso_node_score *ns = &res->nodes[i];
        if (fw->nodes[i].parent != CHISO_NO_PARENT) {
            continue;
        }
        res->points += ns->points;
        res->points_exact += ns->points_exact;
        res->applicable_max += ns->applicable_max;
        res->appraised += ns->appraised;
    }
    if (dec >= 0) {
        res->points = chiso_round_half_up(res->points, dec);
        res->appraised = chiso_round_half_up(res->appraised, dec);
    }
    res->index_pct = chiso_round_half_up(pct(res->points, res->applicable_max),
                                         fw->index_decimals);
    res->group = isfinite(res->index_pct)
                     ? chiso_framework_classify(fw, res->index_pct)
                     : NULL;
    if (res->has_appraised) {
        res->appraised_index_pct = chiso_round_half_up(
            pct(res->appraised, res->applicable_max), fw->index_decimals);
        res->appraised_group =
            isfinite(res->appraised_index_pct)
                ? chiso_framework_classify(fw, res->appraised_index_pct)
                : NULL;
        if (n_app_missing > 0) {
            warn(S, NULL, 0,
                 "%zu criteria have no appraised points: their self-assessed "
                 "points were used in the appraised total",
                 n_app_missing);
        }
    }
    for (i = 0; i < fw->n_nodes; i++) {
        const chiso_node_score *ns = &res->nodes[i];
        if (chiso_node_is_leaf(&fw->nodes[i]) && ns->applicable &&
            fw->nodes[i].max > 0 && ns->points < fw->nodes[i].max - EPS) {
            res->lost[res->n_lost++] = i;
        }
    }
    sort_lost(res);
}

chiso_status
chiso_score_compute(chiso_score_result **out,
                    const chiso_framework *fw,
                    const chiso_evidence *ev,
                    const chiso_score_options *opts,
                    chiso_diag *diag)
{
    struct sc S;
    chiso_score_options defaults = CHISO_SCORE_OPTIONS_INIT;
    chiso_status st = CHISO_OK;
    size_t i;

    *out = NULL;
    memset(&S, 0, sizeof(S));
    S.fw = fw;
    S.ev = ev;
    S.o = opts ? opts : &defaults;
    S.diag = diag;
    S.res = calloc(1, sizeof(*S.res));
    S.node_entry = malloc((fw->n_nodes + 1) * sizeof(long));
    S.entry_used = calloc((ev ? ev->n : 0) + 1, sizeof(long));
    if (S.res == NULL || S.node_entry == NULL || S.entry_used == NULL) {
        st = chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    chiso_diag_list_init(&S.res->warnings, 200);
    S.res->fw = fw;
    S.res->ev = ev;
    S.res->nodes = calloc(fw->n_nodes + 1, sizeof(*S.res->nodes));
    S.res->lost = calloc(fw->n_nodes + 1, sizeof(*S.res->lost));
    if (S.res->nodes == NULL || S.res->lost == NULL) {
        st = chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (i = 0; i < fw->n_nodes; i++) {
        S.node_entry[i] = -1;
        S.res->nodes[i].evidence = -1;
    }
    for (i = 0; i < S.o->n_what_if; i++) {
        size_t term;
        long k = chiso_framework_find(fw, S.o->what_if[i].id);
        if ((k < 0 || !chiso_node_is_leaf(&fw->nodes[k])) &&
            chiso_framework_find_input(fw, S.o->what_if[i].id, &term) < 0) {
            st = chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                                "--what-if: '%s' is not a leaf criterion or "
                                "input of framework '%s'",
                                S.o->what_if[i].id, fw->id);
            goto done;
        }
    }
    st = map_evidence(&S);
    if (st != CHISO_OK) {
        goto done;
    }
    for (i = 0; i < fw->n_nodes; i++) {
        if (chiso_node_is_leaf(&fw->nodes[i])) {
            st = score_leaf(&S, i);
            if (st != CHISO_OK) {
                goto done;
            }
        }
    }
    aggregate(&S);
    *out = S.res;
    S.res = NULL;
done:
    chiso_score_free(S.res);
    free(S.node_entry);
    free(S.entry_used);
    return st;
}

void
chiso_score_free(chiso_score_result *res)
{
    size_t i;

    if (res == NULL) {
        return;
    }
    for (i = 0; res->nodes != NULL && i < res->fw->n_nodes; i++) {
        free(res->nodes[i].terms);
    }
    free(res->nodes);
    free(res->lost);
    chiso_diag_list_free(&res->warnings);
    free(res);
}

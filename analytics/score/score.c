/*
 * score.c - scoring a unit against a framework.
 *
 * Passes over the framework's pre-order node array:
 *   1. map the unit's evidence rows to leaves and terms inputs (unknown
 *      ids and a criterion given twice are errors at the id cell; rows of
 *      inner nodes are subtotals, skipped); lookups go through the framework's id hash, so the
 *      pass is linear in the rows;
 *   2. score every leaf from its input (what-if override, then derived
 *      input, then evidence counts, value or points);
 *   3. for every leaf that lost points, search its targets by scoring
 *      candidate inputs with the same leaf evaluation (score_targets.c);
 *   4. walk the array backwards, so children come before parents, to add
 *      up points, applicable maxima and appraised points.
 *
 * Every value is checked against its rule's scale before use: a rate above
 * 100 %, a numerator above its denominator, a fractional count or a value
 * outside a bands domain is a data error pointing at the evidence cell,
 * never a silently capped score.
 */
#include "score_int.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define EPS SCORE_EPS

/* Units listed by name in a message before "..." */
#define UNITS_LISTED 12

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

/* A typed warning about criterion `cid` (may be NULL), at an evidence
 * cell when e is not NULL. fmt is a msgid, translated into the result's
 * language. Nothing while probing; nothing formatted once the list is
 * full (it only counts). */
static void warn(struct sc *S,
                 const char *code,
                 const char *cid,
                 const chiso_evidence_entry *e,
                 unsigned long col,
                 const char *fmt,
                 ...) CHISO_PRINTF(6, 7);

static void
warn(struct sc *S,
     const char *code,
     const char *cid,
     const chiso_evidence_entry *e,
     unsigned long col,
     const char *fmt,
     ...)
{
    chiso_diag_list *w = &S->res->warnings;
    char msg[512];
    va_list ap;

    if (S->quiet) {
        return;
    }
    if (w->n >= w->cap) {
        w->n_dropped++;
        return;
    }
    va_start(ap, fmt);
    chiso_vsnprintf(msg, sizeof(msg), chiso_msg(w->lang, fmt), ap);
    va_end(ap);
    if (e != NULL && S->ev != NULL) {
        /* "phieu.xlsx:Tự chấm!D12" for a workbook, path:line:col for CSV */
        char where[700];
        unsigned long l, c;
        chiso_evidence_where(S->ev, e, col, where, sizeof(where), &l, &c);
        chiso_diag_list_addk(w, code, CHISO_SEVERITY_WARNING, cid, where, l, c,
                             "%s", msg);
        return;
    }
    chiso_diag_list_addk(w, code, CHISO_SEVERITY_WARNING, cid, NULL, 0, 0, "%s",
                         msg);
}

/* A rule kind in an officer's words, as a msgid (chiso_msg translates). */
static const char *
rule_words(chiso_rule_type t)
{
    switch (t) {
    case CHISO_RULE_PROPORTIONAL:
        return N_("points in proportion to the value");
    case CHISO_RULE_BANDS:
        return N_("points by bands of the value");
    case CHISO_RULE_DEDUCTION:
        return N_("points deducted per case");
    case CHISO_RULE_TERMS:
        return N_("points by components");
    case CHISO_RULE_BINARY:
        return N_("yes or no");
    case CHISO_RULE_MANUAL:
        return N_("self-assessed");
    case CHISO_RULE_TRACKED:
    case CHISO_RULE_NONE:
        break;
    }
    return chiso_rule_type_name(t);
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
    chiso_lang lang = S->diag != NULL ? S->diag->lang : S->o->lang;

    if (S->quiet) {
        return CHISO_EDATA;
    }
    va_start(ap, fmt);
    chiso_vsnprintf(msg, sizeof(msg), chiso_msg(lang, fmt), ap);
    va_end(ap);
    if (e != NULL) {
        char where[700];
        unsigned long l, c;
        chiso_evidence_where(S->ev, e, col, where, sizeof(where), &l, &c);
        return chiso_diag_set(S->diag, CHISO_EDATA, where, l, c, "%s", msg);
    }
    return chiso_diag_set(S->diag, CHISO_EDATA, NULL, 0, 0, "%s", msg);
}

/* ---- rounding ------------------------------------------------------------ */

/*
 * chiso_round_half_up(x, decimals), fast when the answer cannot depend on
 * binary noise. chiso_round_half_up first rounds x * 10^decimals to 12
 * significant digits (so 2.675, stored as 2.67499999..., rounds as the
 * decimal does), which moves it by at most 5e-12 of its size; that can
 * only change the result when the value lies that close to a half. Away
 * from halves, floor(v + 0.5) gives the same answer without the text
 * round trip (snprintf and strtod, a microsecond a call, a million calls
 * for a province).
 */
double
chiso_score__round(double x, int decimals, double scale)
{
    double v, f;

    if (!isfinite(x) || decimals < 0 || decimals > 15) {
        return decimals < 0 ? x : chiso_round_half_up(x, decimals);
    }
    v = fabs(x) * scale;
    f = v - floor(v);
    if (v < 1e15 && fabs(f - 0.5) > 1e-10 * (v > 1 ? v : 1)) {
        double r = copysign(floor(v + 0.5), x) / scale;
        return chiso_is_zero(r) ? 0.0 : r;
    }
    return chiso_round_half_up(x, decimals);
}

/* ---- units of a sheet --------------------------------------------------- */

void
chiso_score__unit_key(const char *unit, char *key)
{
    chiso_text_fold(unit, strlen(unit), key, SCORE_UNIT_KEY);
}

size_t
chiso_score__near(const char *want, const char *key)
{
    size_t d = chiso_score__edit_distance(want, key), n = strlen(want);

    /* near: a letter off in a short code, a few in a name, or one name
     * inside the other ("tu phap" in "so tu phap") */
    if (d <= (n <= 4 ? 1 : 2 + n / 6) ||
        (n >= 4 && (strstr(key, want) != NULL || strstr(want, key) != NULL))) {
        return d;
    }
    return (size_t)-1;
}

size_t
chiso_score__edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j;
    size_t row[SCORE_UNIT_KEY + 1];

    for (j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) {
                best = up + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

/* The distinct units of a sheet, as first written, for messages:
 * "'A', 'B', 'C', ..." and how many there are; *near (if not NULL) the
 * unit nearest to the folded name `want` (NULL when none is near). */
static void
list_units(const chiso_evidence *ev,
           chiso_buf *b,
           size_t *n_units,
           const char *want,
           const char **near)
{
    size_t best = (size_t)-1;

    struct strmap seen;
    size_t i, v;
    const char *prev = NULL;

    chiso_score__map_init(&seen);
    *n_units = 0;
    if (near != NULL) {
        *near = NULL;
    }
    for (i = 0; i < ev->n; i++) {
        const char *u = ev->entries[i].unit;
        char key[SCORE_UNIT_KEY];
        int rc;
        if (u[0] == '\0' || (prev != NULL && strcmp(prev, u) == 0)) {
            continue;
        }
        prev = u;
        chiso_score__unit_key(u, key);
        rc = chiso_score__map_get(&seen, key, *n_units, &v);
        if (rc < 0) {
            break;
        }
        if (rc == 0) {
            (*n_units)++;
            if (want != NULL) {
                size_t dist = chiso_score__edit_distance(want, key);
                /* near: a few letters off, or one name inside the other
                 * ("tu phap" in "so tu phap") */
                if (dist < best && (dist <= 2 + strlen(want) / 4 ||
                                    strstr(key, want) || strstr(want, key))) {
                    best = dist;
                    *near = u;
                }
            }
            if (*n_units <= UNITS_LISTED) {
                chiso_buf_printf(b, "%s'%s'", *n_units > 1 ? ", " : "", u);
            } else if (*n_units == UNITS_LISTED + 1) {
                chiso_buf_puts(b, ", ...");
            }
        }
    }
    chiso_score__map_free(&seen);
}

/*
 * The rows of one unit: with a unit column, the rows naming `unit` (case,
 * diacritics and punctuation ignored) plus rows that name no unit (shared
 * by every unit); without one, every row. A sheet holding several units
 * and no unit chosen is a usage error listing them.
 */
static chiso_status
select_rows(const chiso_evidence *ev,
            const char *unit,
            size_t **rows,
            size_t *n_rows,
            chiso_diag *diag)
{
    size_t i, n = 0, n_named = 0;
    char want[SCORE_UNIT_KEY], key[SCORE_UNIT_KEY];
    const char *prev = NULL;
    int prev_match = 0;

    *rows = malloc((ev->n + 1) * sizeof(**rows));
    if (*rows == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (!ev->has_unit_column) {
        for (i = 0; i < ev->n; i++) {
            (*rows)[i] = i;
        }
        *n_rows = ev->n;
        return CHISO_OK;
    }
    if (unit == NULL) {
        /* one unit (or none named) is fine; several need a choice */
        const char *first = NULL;
        char first_key[SCORE_UNIT_KEY];
        for (i = 0; i < ev->n; i++) {
            const char *u = ev->entries[i].unit;
            if (u[0] == '\0' || (prev != NULL && strcmp(prev, u) == 0)) {
                continue;
            }
            prev = u;
            if (first == NULL) {
                first = u;
                chiso_score__unit_key(u, first_key);
                continue;
            }
            chiso_score__unit_key(u, key);
            if (strcmp(key, first_key) != 0) {
                chiso_buf b = CHISO_BUF_INIT;
                size_t n_units;
                chiso_status st;
                list_units(ev, &b, &n_units, NULL, NULL);
                st = chiso_diag_set(diag, CHISO_EUSAGE, ev->path, 0, 0,
                                    "the evidence sheet holds %zu units "
                                    "(%s); choose one with --unit, or score "
                                    "them all with --all-units",
                                    n_units, b.data ? b.data : "");
                chiso_buf_free(&b);
                return st;
            }
        }
        for (i = 0; i < ev->n; i++) {
            (*rows)[i] = i;
        }
        *n_rows = ev->n;
        return CHISO_OK;
    }
    chiso_score__unit_key(unit, want);
    for (i = 0; i < ev->n; i++) {
        const char *u = ev->entries[i].unit;
        if (u[0] == '\0') {
            (*rows)[n++] = i;
            continue;
        }
        if (prev == NULL || strcmp(prev, u) != 0) {
            prev = u;
            chiso_score__unit_key(u, key);
            prev_match = strcmp(key, want) == 0;
        }
        if (prev_match) {
            (*rows)[n++] = i;
            n_named++;
        }
    }
    if (n_named == 0 && ev->n > 0) {
        chiso_buf b = CHISO_BUF_INIT;
        size_t n_units;
        chiso_status st;
        const char *near;
        list_units(ev, &b, &n_units, want, &near);
        if (near != NULL) {
            st = chiso_diag_set(diag, CHISO_EUSAGE, ev->path, 0, 0,
                                "no rows for unit '%s' in the evidence sheet "
                                "(did you mean '%s'?); it holds %zu units: %s",
                                unit, near, n_units, b.data ? b.data : "");
        } else {
            st = chiso_diag_set(diag, CHISO_EUSAGE, ev->path, 0, 0,
                                "no rows for unit '%s' in the evidence sheet; "
                                "it holds %zu units: %s",
                                unit, n_units, b.data ? b.data : "");
        }
        chiso_buf_free(&b);
        return st;
    }
    *n_rows = n;
    return CHISO_OK;
}

/* ---- pass 1: evidence rows to nodes ------------------------------------ */

/* Is node j below node k? */
static int
is_below(const chiso_framework *fw, size_t j, size_t k)
{
    while (fw->nodes[j].parent != CHISO_NO_PARENT) {
        j = fw->nodes[j].parent;
        if (j == k) {
            return 1;
        }
    }
    return 0;
}

/* Has a leaf or terms input below inner node k a row of the unit? */
static int
any_row_below(const struct sc *S, size_t k)
{
    size_t j, t;

    for (j = k + 1; j < S->fw->n_nodes && is_below(S->fw, j, k); j++) {
        if (S->node_entry[j] >= 0) {
            return 1;
        }
        if (chiso_node_is_leaf(&S->fw->nodes[j])) {
            for (t = 0; t < S->fw->nodes[j].rule.n_terms; t++) {
                if (S->term_entry[S->term_base[j] + t] >= 0) {
                    return 1;
                }
            }
        }
    }
    return 0;
}

static chiso_status
map_evidence(struct sc *S)
{
    const chiso_evidence *ev = S->ev;
    size_t r;
    long first_inner = -1;

    S->has_inner_rows = 0;

    if (ev == NULL) {
        return CHISO_OK;
    }
    for (r = 0; r < S->n_rows; r++) {
        size_t i = S->rows[r];
        const chiso_evidence_entry *e;
        long k;
        size_t term;
        long *slot;
        if (S->row_map != NULL) {
            /* where the row goes, looked up once for every unit */
            long m = S->row_map[i];
            if (m >= 0 || m <= -2) {
                slot = m >= 0 ? &S->node_entry[m] : &S->term_entry[-m - 2];
                if (*slot < 0) {
                    *slot = (long)i;
                    continue;
                }
            }
        }
        e = &ev->entries[i];
        k = chiso_framework_find(S->fw, e->id);
        if (k >= 0) {
            if (!chiso_node_is_leaf(&S->fw->nodes[k])) {
                /* an area or criterion row of a self-assessment sheet: its
                   points are a subtotal, the score adds up its
                   sub-criteria (chiso validate compares the two), as long
                   as a sub-criterion has a row too (checked below) */
                if (e->has_value || e->has_numerator || e->has_denominator) {
                    /* a value is never a subtotal */
                    return cell_error(S, e, e->col_id,
                                      N_("criterion '%s' is a group of %zu "
                                         "sub-criteria; enter its "
                                         "sub-criteria instead"),
                                      e->id, S->fw->nodes[k].n_children);
                }
                first_inner = (long)i;
                S->has_inner_rows = 1;
                continue;
            }
            slot = &S->node_entry[k];
        } else if ((k = chiso_framework_find_input(S->fw, e->id, &term)) >= 0) {
            slot = &S->term_entry[S->term_base[k] + term];
        } else {
            return cell_error(S, e, e->col_id,
                              N_("unknown criterion id '%s' (not in framework "
                                 "'%s')"),
                              e->id, S->fw->id);
        }
        if (*slot >= 0) {
            /* a row shared by every unit and the unit's own row */
            return cell_error(S, e, e->col_id,
                              N_("criterion '%s' is given twice for this unit "
                                 "(first at line %lu)"),
                              e->id, ev->entries[*slot].line);
        }
        *slot = (long)i;
    }
    if (first_inner >= 0) {
        /* a group's row with no row for any of its sub-criteria: the
           points were meant for the group, which is not scored itself */
        for (r = 0; r < S->n_rows; r++) {
            const chiso_evidence_entry *e = &ev->entries[S->rows[r]];
            long k = chiso_framework_find(S->fw, e->id);
            if (k >= 0 && !chiso_node_is_leaf(&S->fw->nodes[k]) &&
                !any_row_below(S, (size_t)k)) {
                return cell_error(S, e, e->col_id,
                                  N_("criterion '%s' is a group of %zu "
                                     "sub-criteria; enter its sub-criteria "
                                     "instead"),
                                  e->id, S->fw->nodes[k].n_children);
            }
        }
    }
    return CHISO_OK;
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

void
chiso_score__resolve(struct sc *S,
                     const char *id,
                     const char *source,
                     const chiso_evidence_entry *e,
                     struct input *in)
{
    const chiso_what_if *w;
    const chiso_input_value *d;

    if (S->probe != NULL && strcmp(S->probe->id, id) == 0) {
        *in = S->probe->in;
        in->e = e;
        return;
    }
    w = find_what_if(S, id);
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
    d = find_derived(S, source);
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

static void explain(struct sc *S, chiso_node_score *ns, const char *fmt, ...)
    CHISO_PRINTF(3, 4);

/* The language of the explanations (the table's and the JSON's). */
static chiso_lang
explain_lang(const struct sc *S)
{
    return S->diag != NULL ? S->diag->lang : S->o->lang;
}
/* A word inside an explanation, in its language. */
#define EXW(S, s) chiso_msg(explain_lang(S), s)

static const char *
unit_suffix(chiso_value_unit u)
{
    return u == CHISO_UNIT_PERCENT ? "%" : "";
}

static int
is_whole(double x)
{
    return chiso_is_zero(x - floor(x));
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
            cell_error(
                S, e, e ? e->col_numerator : 0,
                N_("criterion '%s' takes a single value, not a numerator "
                   "and denominator"),
                id);
            return -2;
        }
        /* numerator and denominator count cases (dossiers, tasks) */
        if (!is_whole(in->num)) {
            cell_error(S, e, e ? e->col_numerator : 0,
                       N_("numerator %g for '%s' must be a whole count"),
                       in->num, id);
            return -2;
        }
        if (!is_whole(in->den)) {
            cell_error(S, e, e ? e->col_denominator : 0,
                       N_("denominator %g for '%s' must be a whole count"),
                       in->den, id);
            return -2;
        }
        if (in->num > in->den + EPS) {
            cell_error(S, e, e ? e->col_numerator : 0,
                       N_("numerator %g exceeds denominator %g for '%s'"),
                       in->num, in->den, id);
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
                       N_("value %g for '%s' is above 100 %%"), *v, id);
            return -2;
        }
        if (unit == CHISO_UNIT_RATIO && *v > 1 + EPS) {
            cell_error(
                S, e, e ? e->col_value : 0,
                N_("value %g for '%s' is a ratio and must be within 0..1"), *v,
                id);
            return -2;
        }
        if (unit == CHISO_UNIT_COUNT && !is_whole(*v)) {
            cell_error(S, e, e ? e->col_value : 0,
                       N_("value %g for '%s' must be a whole count"), *v, id);
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
                          N_("value %g for '%s' is outside the rule's domain "
                             "%g..%g"),
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
                          N_("value %g for '%s' falls in no band"), v, n->id);
    }
    ns->points_exact = r->bands[hit].points;
    if (!S->want_explain) {
        return CHISO_OK;
    }
    if (!r->upper_bands) {
        explain(S, ns, "%g%s in band >= %g -> %g of %g", v,
                unit_suffix(r->unit), r->bands[hit].bound, r->bands[hit].points,
                n->max);
    } else if (r->bands[hit].open) {
        explain(S, ns, "%g%s in the last band -> %g of %g", v,
                unit_suffix(r->unit), r->bands[hit].points, n->max);
    } else {
        explain(S, ns, "%g%s in band <= %g -> %g of %g", v,
                unit_suffix(r->unit), r->bands[hit].bound, r->bands[hit].points,
                n->max);
    }
    return CHISO_OK;
}

static chiso_status
score_terms(struct sc *S, size_t k, chiso_node_score *ns)
{
    const chiso_node *n = &S->fw->nodes[k];
    const chiso_rule *r = &n->rule;
    size_t t;
    double sum = 0;
    int any = 0;
    size_t off = 0;

    for (t = 0; t < r->n_terms; t++) {
        const chiso_term *tm = &r->terms[t];
        long ei = S->term_entry[S->term_base[k] + t];
        const chiso_evidence_entry *e = ei >= 0 ? &S->ev->entries[ei] : NULL;
        chiso_term_score *ts = &ns->terms[t];
        struct input in;
        double v = 0, p = 0;
        int rc, no_score = 0;

        chiso_score__resolve(S, tm->input, tm->source, e, &in);
        if (!S->quiet && e != NULL &&
            (in.origin == CHISO_ORIGIN_DERIVED ||
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
            warn(S, "term_not_reported", n->id, NULL, 0,
                 N_("input '%s' of criterion '%s' is not reported: its term "
                    "scores 0"),
                 tm->input, n->id);
            if (S->want_explain) {
                off += (size_t)chiso_snprintf(
                    ns->explain + off,
                    off < sizeof(ns->explain) ? sizeof(ns->explain) - off : 0,
                    "%s%s=? -> 0", t ? "; " : "", tm->input);
            }
            continue;
        }
        any = 1;
        ts->origin = in.origin;
        ts->source = in.source;
        ts->has_value = rc == 1;
        ts->value = rc == 1 ? v : 0;
        ts->zero_den = rc == 0;
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
        ts->points = p;
        if (S->want_explain && off < sizeof(ns->explain)) {
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

static void
explain(struct sc *S, chiso_node_score *ns, const char *fmt, ...)
{
    va_list ap;

    if (!S->want_explain) {
        return;
    }
    va_start(ap, fmt);
    chiso_vsnprintf(ns->explain, sizeof(ns->explain),
                    chiso_msg(explain_lang(S), fmt), ap);
    va_end(ap);
}

chiso_status
chiso_score__leaf_eval(struct sc *S, size_t k, chiso_node_score *ns)
{
    const chiso_node *n = &S->fw->nodes[k];
    const chiso_rule *r = &n->rule;
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
        explain(S, ns, "not applicable");
        return CHISO_OK;
    }
    if (e != NULL && e->has_appraised) {
        if (e->appraised > n->max + EPS) {
            return cell_error(S, e, e->col_appraised,
                              N_("appraised points %g above the maximum %g of "
                                 "'%s'"),
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
                              N_("points %g above the maximum %g of '%s'"),
                              e->points, n->max, n->id);
        }
        ns->has_self = 1;
        ns->self_points = e->points;
    }
    if (r->type == CHISO_RULE_TERMS) {
        st = score_terms(S, k, ns);
        if (st != CHISO_OK) {
            return st;
        }
        goto scored;
    }
    chiso_score__resolve(S, n->id, r->source, e, &in);
    if (!S->quiet && e != NULL &&
        (in.origin == CHISO_ORIGIN_DERIVED ||
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
        explain(S, ns, "points entered: %g of %g", pts, n->max);
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
                              N_("value %g for yes/no criterion '%s' must be "
                                 "yes/no (1/0)"),
                              in.value, n->id);
        } else if (ns->has_self && (chiso_is_zero(ns->self_points) ||
                                    fabs(ns->self_points - n->max) < EPS)) {
            yes = ns->self_points > 0;
            ns->origin = CHISO_ORIGIN_POINTS;
            ns->reported = 1;
        } else if (ns->has_self) {
            return cell_error(
                S, e, e ? e->col_points : 0,
                N_("points %g for yes/no criterion '%s' must be 0 "
                   "or %g"),
                ns->self_points, n->id, n->max);
        } else {
            goto scored;
        }
        ns->reported = 1;
        ns->has_value = 1;
        ns->value = yes;
        ns->points_exact = yes ? n->max : 0;
        explain(S, ns, "%s -> %g of %g", yes ? EXW(S, "yes") : EXW(S, "no"),
                ns->points_exact, n->max);
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
            explain(S, ns, "points entered (no value to check them against)");
            warn(S, "points_unchecked", n->id, e, e ? e->col_points : 0,
                 N_("criterion '%s' has points but no value: the rule (%s) "
                    "could not check them"),
                 n->id, chiso_msg(S->res->warnings.lang, rule_words(r->type)));
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
            explain(S, ns, "denominator 0 -> %s",
                    ns->no_score ? EXW(S, "no score")
                    : pts > 0    ? EXW(S, "full points")
                                 : EXW(S, "0 points"));
        } else {
            pts = n->max * v / r->target;
            if (r->capped && pts > n->max) {
                pts = n->max;
            }
            explain(S, ns, "%.6g%s of target %g%s -> %.4g of %g", v,
                    unit_suffix(r->unit), r->target, unit_suffix(r->unit), pts,
                    n->max);
        }
        ns->points_exact = pts;
        break;
    case CHISO_RULE_BANDS:
        if (rc == 0) {
            zero_den_points(r->zero_den, n->max, &pts, &ns->no_score);
            ns->points_exact = pts;
            explain(S, ns, "denominator 0 -> %s",
                    ns->no_score ? EXW(S, "no score") : EXW(S, "fixed points"));
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
        explain(S, ns, "%g x %g deducted -> %g of %g", v, r->per, pts, n->max);
        break;
    case CHISO_RULE_TRACKED:
        ns->points_exact = 0;
        explain(S, ns, "tracked only");
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
    ns->points = S->fw->points_decimals >= 0
                     ? chiso_score__round(ns->points_exact,
                                          S->fw->points_decimals, S->pts_scale)
                     : ns->points_exact;
    return CHISO_OK;
}

/* Counts, warnings and reconciliation of a scored leaf. */
static void
leaf_account(struct sc *S, size_t k)
{
    const chiso_node *n = &S->fw->nodes[k];
    const chiso_rule *r = &n->rule;
    chiso_node_score *ns = &S->res->nodes[k];
    const chiso_evidence_entry *e =
        ns->evidence >= 0 ? &S->ev->entries[ns->evidence] : NULL;

    if (!ns->applicable) {
        return;
    }
    if (!ns->reported && r->type != CHISO_RULE_TRACKED) {
        S->res->n_not_reported++;
        explain(S, ns, "not reported -> 0");
        warn(S, "criterion_not_reported", n->id, NULL, 0,
             N_("no evidence row for criterion '%s': scored 0"), n->id);
    }
    if (ns->has_self && ns->origin != CHISO_ORIGIN_POINTS && ns->reported &&
        fabs(ns->self_points - ns->points) > 0.005) {
        warn(S, "self_points_differ", n->id, e, e ? e->col_points : 0,
             N_("criterion '%s': self-assessed %g points differ from the "
                "rule's %g"),
             n->id, ns->self_points, ns->points);
    }
    if (ns->points > 0 && ns->origin != CHISO_ORIGIN_DERIVED &&
        ns->origin != CHISO_ORIGIN_WHAT_IF &&
        (e == NULL || e->evidence[0] == '\0')) {
        ns->evidence_missing = 1;
        S->res->n_evidence_missing++;
        if (e == NULL || e->note == NULL || e->note[0] == '\0') {
            /* nor an explanation (giải trình) in its place */
            ns->explanation_missing = 1;
            S->res->n_explanation_missing++;
        }
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
}

/* ---- pass 4: totals ---------------------------------------------------- */

static int
lost_cmp(const void *pa, const void *pb, const chiso_score_result *res)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
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

/* Stable merge sort of the lost list (largest loss first, then framework
 * order): n log n, and no global state for a qsort comparator. */
static void
sort_lost(chiso_score_result *res, size_t *tmp)
{
    size_t n = res->n_lost, w, i;
    size_t *a = res->lost, *b = tmp;

    for (w = 1; w < n; w *= 2) {
        for (i = 0; i < n; i += 2 * w) {
            size_t lo = i, mid = i + w < n ? i + w : n;
            size_t hi = i + 2 * w < n ? i + 2 * w : n, p = lo, q = mid, o = lo;
            while (p < mid && q < hi) {
                b[o++] = lost_cmp(&a[q], &a[p], res) < 0 ? a[q++] : a[p++];
            }
            while (p < mid) {
                b[o++] = a[p++];
            }
            while (q < hi) {
                b[o++] = a[q++];
            }
        }
        {
            size_t *t = a;
            a = b;
            b = t;
        }
    }
    if (a != res->lost) {
        memcpy(res->lost, a, n * sizeof(*a));
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
            ns->explanation_missing += k->explanation_missing;
            ns->reported |= k->reported;
            ns->has_official |= k->has_official;
            if (k->has_official) {
                ns->official += k->official;
            }
        }
        if (dec >= 0) {
            ns->points = chiso_score__round(ns->points, dec, S->pts_scale);
            ns->appraised =
                chiso_score__round(ns->appraised, dec, S->pts_scale);
            ns->official = chiso_score__round(ns->official, dec, S->pts_scale);
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
            warn(
                S, "appraisal_incomplete", NULL, NULL, 0,
                N_("%zu criteria have no appraised points: their self-assessed "
                   "points were used in the appraised total"),
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
    sort_lost(res, S->lost_tmp);
}

void
chiso_score__ws_free(struct sc *S)
{
    chiso_score_free(S->res);
    free(S->node_entry);
    free(S->term_entry);
    free(S->term_base);
    free(S->scratch_terms);
    free(S->lost_tmp);
    memset(S, 0, sizeof(*S));
}

chiso_status
chiso_score__ws_init(struct sc *S,
                     const chiso_framework *fw,
                     const chiso_score_options *opts,
                     int want_explain,
                     chiso_diag *diag)
{
    size_t i, n_terms = 0, max_terms = 0;

    memset(S, 0, sizeof(*S));
    S->fw = fw;
    S->o = opts;
    S->diag = diag;
    S->want_explain = want_explain;
    S->pts_scale =
        pow(10.0, fw->points_decimals >= 0 ? fw->points_decimals : 0);
    for (i = 0; i < fw->n_nodes; i++) {
        n_terms += fw->nodes[i].rule.n_terms;
        if (fw->nodes[i].rule.n_terms > max_terms) {
            max_terms = fw->nodes[i].rule.n_terms;
        }
    }
    S->n_terms_total = n_terms;
    S->res = calloc(1, sizeof(*S->res));
    S->node_entry = malloc((fw->n_nodes + 1) * sizeof(long));
    S->term_entry = malloc((n_terms + 1) * sizeof(long));
    S->term_base = malloc((fw->n_nodes + 1) * sizeof(size_t));
    S->scratch_terms = calloc(max_terms + 1, sizeof(*S->scratch_terms));
    S->lost_tmp = malloc((fw->n_nodes + 1) * sizeof(size_t));
    S->n_scratch_terms = max_terms;
    if (S->res == NULL || S->node_entry == NULL || S->term_entry == NULL ||
        S->term_base == NULL || S->scratch_terms == NULL ||
        S->lost_tmp == NULL) {
        goto oom;
    }
    chiso_diag_list_init(&S->res->warnings, 200);
    S->res->warnings.lang = opts->lang;
    S->res->fw = fw;
    S->res->nodes = calloc(fw->n_nodes + 1, sizeof(*S->res->nodes));
    S->res->lost = calloc(fw->n_nodes + 1, sizeof(*S->res->lost));
    if (S->res->nodes == NULL || S->res->lost == NULL) {
        goto oom;
    }
    n_terms = 0;
    for (i = 0; i < fw->n_nodes; i++) {
        const chiso_node *n = &fw->nodes[i];
        S->term_base[i] = n_terms;
        n_terms += n->rule.n_terms;
        if (chiso_node_is_leaf(n) && n->rule.n_terms > 0) {
            S->res->nodes[i].terms =
                calloc(n->rule.n_terms, sizeof(*S->res->nodes[i].terms));
            if (S->res->nodes[i].terms == NULL) {
                goto oom;
            }
            S->res->nodes[i].n_terms = n->rule.n_terms;
        }
    }
    return CHISO_OK;
oom:
    chiso_score__ws_free(S);
    return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
}

/* Back to a blank result, keeping the allocations. */
static void
ws_reset(struct sc *S)
{
    const chiso_framework *fw = S->fw;
    chiso_score_result *res = S->res;
    chiso_node_score *nodes = res->nodes;
    size_t *lost = res->lost, i;
    chiso_diag_list w = res->warnings;

    for (i = 0; i < fw->n_nodes; i++) {
        chiso_term_score *t = nodes[i].terms;
        size_t nt = nodes[i].n_terms;
        /* everything but the explain text, which is cleared by its first
         * byte (most of a node's size, and never read when not written) */
        char *ex = nodes[i].explain;
        size_t after =
            offsetof(chiso_node_score, explain) + sizeof(nodes[i].explain);
        memset(&nodes[i], 0, offsetof(chiso_node_score, explain));
        memset((char *)&nodes[i] + after, 0, sizeof(nodes[i]) - after);
        ex[0] = '\0';
        if (t != NULL) {
            memset(t, 0, nt * sizeof(*t));
            nodes[i].terms = t;
            nodes[i].n_terms = nt;
        }
        nodes[i].evidence = -1;
        S->node_entry[i] = -1;
    }
    for (i = 0; i < S->n_terms_total; i++) {
        S->term_entry[i] = -1;
    }
    memset(res, 0, sizeof(*res));
    res->fw = fw;
    res->nodes = nodes;
    res->lost = lost;
    w.n = 0;
    w.n_dropped = 0;
    res->warnings = w;
}

/*
 * The points a sheet gives on the row of an area or a criterion with
 * sub-criteria (a subtotal) against the sum the score makes of its
 * sub-criteria: a warning where they differ, the sum is what counts.
 */
static void
check_subtotals(struct sc *S)
{
    size_t r;

    for (r = 0; r < S->n_rows; r++) {
        const chiso_evidence_entry *e = &S->ev->entries[S->rows[r]];
        long k = chiso_framework_find(S->fw, e->id);
        const chiso_node_score *ns;
        if (k < 0 || chiso_node_is_leaf(&S->fw->nodes[k])) {
            continue;
        }
        ns = &S->res->nodes[k];
        if (e->has_points) {
            /* the sheet's own points of the leaves below: self-assessed
               where entered, else as scored */
            double sum = 0;
            size_t j;
            for (j = (size_t)k + 1;
                 j < S->fw->n_nodes && is_below(S->fw, j, (size_t)k); j++) {
                const chiso_node_score *js = &S->res->nodes[j];
                if (chiso_node_is_leaf(&S->fw->nodes[j]) && js->applicable) {
                    sum += js->has_self ? js->self_points : js->points;
                }
            }
            if (fabs(e->points - sum) > 0.005) {
                warn(S, "inner_points_differ", e->id, e, e->col_points,
                     N_("the sheet gives %g points for '%s' but its "
                        "sub-criteria add up to %g: the sum counts"),
                     e->points, e->id, sum);
            }
        }
        if (e->has_official && ns->has_official &&
            fabs(e->official - ns->official) > 0.005) {
            warn(S, "inner_points_differ", e->id, e, e->col_official,
                 N_("the sheet gives %g published points for '%s' but its "
                    "sub-criteria add up to %g: the sum counts"),
                 e->official, e->id, ns->official);
        }
        if (e->has_appraised && ns->has_appraised &&
            fabs(e->appraised - ns->appraised) > 0.005) {
            warn(S, "inner_points_differ", e->id, e, e->col_appraised,
                 N_("the sheet gives %g appraised points for '%s' but its "
                    "sub-criteria add up to %g: the sum counts"),
                 e->appraised, e->id, ns->appraised);
        }
    }
}

chiso_status
chiso_score__ws_run(struct sc *S,
                    const chiso_evidence *ev,
                    const size_t *rows,
                    size_t n_rows)
{
    const chiso_framework *fw = S->fw;
    chiso_status st;
    size_t i;

    ws_reset(S);
    S->ev = ev;
    S->res->ev = ev;
    S->rows = rows;
    S->n_rows = ev != NULL ? n_rows : 0;
    st = map_evidence(S);
    if (st != CHISO_OK) {
        return st;
    }
    for (i = 0; i < fw->n_nodes; i++) {
        const chiso_node *n = &fw->nodes[i];
        chiso_node_score *ns = &S->res->nodes[i];
        if (!chiso_node_is_leaf(n)) {
            continue;
        }
        st = chiso_score__leaf_eval(S, i, ns);
        if (st != CHISO_OK) {
            return st;
        }
        leaf_account(S, i);
        if (!S->o->no_targets && ns->applicable && n->max > 0 &&
            ns->points < n->max - EPS) {
            st = chiso_score__targets(S, i);
            if (st != CHISO_OK) {
                return chiso_diag_set(S->diag, st, NULL, 0, 0, "out of memory");
            }
        }
    }
    aggregate(S);
    if (S->has_inner_rows) {
        check_subtotals(S);
    }
    return CHISO_OK;
}

chiso_status
chiso_score__rows(chiso_score_result **out,
                  const chiso_framework *fw,
                  const chiso_evidence *ev,
                  const size_t *rows,
                  size_t n_rows,
                  const chiso_score_options *opts,
                  int want_explain,
                  chiso_diag *diag)
{
    struct sc S;
    chiso_status st;

    *out = NULL;
    st = chiso_score__ws_init(&S, fw, opts, want_explain, diag);
    if (st != CHISO_OK) {
        return st;
    }
    st = chiso_score__ws_run(&S, ev, rows, n_rows);
    if (st == CHISO_OK) {
        *out = S.res;
        S.res = NULL;
    }
    chiso_score__ws_free(&S);
    return st;
}

chiso_status
chiso_score_compute(chiso_score_result **out,
                    const chiso_framework *fw,
                    const chiso_evidence *ev,
                    const chiso_score_options *opts,
                    chiso_diag *diag)
{
    chiso_score_options defaults = CHISO_SCORE_OPTIONS_INIT;
    chiso_status st;
    size_t i, *rows = NULL, n_rows = 0;

    *out = NULL;
    if (opts == NULL) {
        if (diag != NULL) {
            defaults.lang = diag->lang;
        }
        opts = &defaults;
    }
    for (i = 0; i < opts->n_what_if; i++) {
        size_t term;
        long k = chiso_framework_find(fw, opts->what_if[i].id);
        if ((k < 0 || !chiso_node_is_leaf(&fw->nodes[k])) &&
            chiso_framework_find_input(fw, opts->what_if[i].id, &term) < 0) {
            return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                                  "--what-if: '%s' is not a leaf criterion or "
                                  "input of framework '%s'",
                                  opts->what_if[i].id, fw->id);
        }
    }
    if (ev != NULL) {
        st = select_rows(ev, opts->unit, &rows, &n_rows, diag);
        if (st != CHISO_OK) {
            free(rows);
            return st;
        }
    }
    st = chiso_score__rows(out, fw, ev, rows, n_rows, opts, 1, diag);
    free(rows);
    if (st == CHISO_OK && !opts->partial &&
        chiso_score__nothing_reported(*out)) {
        /* a sheet that reports nothing gives no score, not 0 % */
        st = chiso_diag_set(
            diag, CHISO_EDATA, ev != NULL ? ev->path : NULL, 0, 0,
            "nothing is reported for any criterion of "
            "framework '%s'%s%s: no score",
            fw->id,
            opts->unit != NULL
                ? chiso_msg(diag != NULL ? diag->lang : opts->lang, ", unit ")
                : "",
            opts->unit != NULL ? opts->unit : "");
        chiso_score_free(*out);
        *out = NULL;
    }
    return st;
}

int
chiso_score__nothing_reported(const chiso_score_result *res)
{
    const chiso_framework *fw = res->fw;
    size_t i, n_scorable = 0;

    for (i = 0; i < fw->n_nodes; i++) {
        const chiso_node *n = &fw->nodes[i];
        const chiso_node_score *ns = &res->nodes[i];
        if (!chiso_node_is_leaf(n) || !ns->applicable || !(n->max > 0)) {
            continue;
        }
        n_scorable++;
        if (ns->reported) {
            return 0;
        }
    }
    return n_scorable > 0;
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

long
chiso_score__row_target(const chiso_framework *fw,
                        const size_t *term_base,
                        const char *id)
{
    size_t t;
    long k = chiso_framework_find(fw, id);

    if (k >= 0) {
        return chiso_node_is_leaf(&fw->nodes[k]) ? k : -1;
    }
    k = chiso_framework_find_input(fw, id, &t);
    return k >= 0 ? -2 - (long)(term_base[k] + t) : -1;
}

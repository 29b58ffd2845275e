/*
 * score_targets.c - what a leaf that lost points needs to reach next.
 *
 * A target is found by scoring candidate inputs with the leaf's own
 * evaluation (chiso_score__leaf_eval, the code that scored the leaf), each
 * candidate applied exactly as a --what-if is. So the gain reported is the
 * gain --what-if shows, by construction, on the points as published
 * (rounded to the framework's decimals).
 *
 * The input is a "knob" moved from its current position toward the
 * rule's better end: a value (continuous), a whole count, or a numerator
 * over the same denominator. Along the knob:
 *   - proportional, deduction and terms rules are monotone, so the nearest
 *     position that gains is found by bisection (integers: exactly; values:
 *     down to adjacent doubles, then the shortest decimal at or beyond that
 *     point which gains the same);
 *   - bands may give any points in any order, so each band boundary beyond
 *     the current value is a candidate, nearest first: the points are
 *     constant between two boundaries, so the first candidate that gains
 *     is the nearest position that gains;
 *   - binary rules have one candidate, yes.
 * "next" is the nearest position that gains anything; "full" the nearest
 * that gives the most the knob can give.
 *
 * Leaves without a value (manual, not reported, points only) and rates
 * with a zero denominator have no target: there is nothing to move.
 */
#include "score_int.h"

#include <math.h>
#include <string.h>

/* Points are compared with this tolerance (they are multiples of at least
 * 1e-6 when rounded). */
#define PTS_TOL 1e-7
/* A decimal chosen for a continuous target lies this close (relative) to
 * the exact boundary at most. */
#define NICE_TOL 1e-9
/* Bisection steps on doubles (enough to reach adjacent doubles). */
#define BISECT_MAX 200

enum knob_kind {
    K_VALUE, /* a value on a continuous scale */
    K_INT,   /* a whole count */
    K_NUM    /* a numerator over a fixed denominator */
};

struct knob {
    struct sc *S;
    size_t k;       /* leaf */
    const char *id; /* leaf id or terms input id */
    long term;      /* term index, -1 for the leaf's own input */
    enum knob_kind kind;
    double den;       /* K_NUM */
    double cur, end;  /* positions: the current one and the far end */
    int dir;          /* +1: larger is better, -1: smaller is better */
    double base;      /* the leaf's points now (as published) */
    double base_step; /* the same, at the resolution steps are judged on */
};

/* Points at the resolution steps are judged on: the framework's rounding,
 * or 2 decimals (as shown) when it does not round. */
static double
step_points(const struct sc *S, double pts)
{
    return S->fw->points_decimals >= 0 ? pts : chiso_round_half_up(pts, 2);
}

/*
 * Score the leaf with the knob at x. Returns 0 with the leaf's points
 * (as published) and the input's value on the rule's scale, or -1 when the
 * rule refuses the input.
 */
static int
knob_eval(struct knob *kb, double x, double *pts, double *value)
{
    struct sc *S = kb->S;
    const chiso_node *n = &S->fw->nodes[kb->k];
    struct probe pr;
    chiso_node_score ns;
    chiso_status st;
    int saved_explain = S->want_explain;

    memset(&pr, 0, sizeof(pr));
    pr.id = kb->id;
    pr.in.origin = CHISO_ORIGIN_WHAT_IF;
    if (kb->kind == K_NUM) {
        pr.in.has_counts = 1;
        pr.in.num = x;
        pr.in.den = kb->den;
    } else {
        pr.in.has_value = 1;
        pr.in.value = x;
    }
    memset(&ns, 0, sizeof(ns));
    if (n->rule.n_terms > 0) {
        memset(S->scratch_terms, 0,
               n->rule.n_terms * sizeof(*S->scratch_terms));
        ns.terms = S->scratch_terms;
        ns.n_terms = n->rule.n_terms;
    }
    S->probe = &pr;
    S->quiet = 1;
    S->want_explain = 0;
    st = chiso_score__leaf_eval(S, kb->k, &ns);
    S->probe = NULL;
    S->quiet = 0;
    S->want_explain = saved_explain;
    if (st != CHISO_OK) {
        return -1;
    }
    *pts = ns.points;
    if (kb->term >= 0) {
        *value = ns.terms[kb->term].value;
    } else {
        *value = ns.value;
    }
    return 0;
}

/* The target at knob position x, already known to gain. */
static int
fill_target(struct knob *kb, double x, chiso_target *t)
{
    double pts, value;
    int dec = kb->S->fw->points_decimals;

    if (knob_eval(kb, x, &pts, &value) != 0) {
        return -1;
    }
    memset(t, 0, sizeof(*t));
    t->has_value = 1;
    t->value = value;
    if (kb->kind == K_NUM) {
        t->has_counts = 1;
        t->numerator = x;
        t->denominator = kb->den;
    }
    t->gain = pts - kb->base;
    if (dec >= 0) {
        t->gain = chiso_round_half_up(t->gain, dec);
    }
    return 0;
}

/* x rounded to `sig` significant digits toward dir (+1 up, -1 down). */
static double
round_sig_dir(double x, int sig, int dir)
{
    int e, p;
    double s, y, yr;

    if (chiso_is_zero(x) || !isfinite(x)) {
        return x;
    }
    e = (int)floor(log10(fabs(x)));
    p = sig - 1 - e;
    if (p > 22 || p < -22) {
        return x;
    }
    s = pow(10.0, p < 0 ? -p : p); /* exact up to 1e22 */
    y = p >= 0 ? x * s : x / s;
    yr = floor(y + 0.5);
    if (fabs(y - yr) <= 1e-9 * fabs(y)) {
        y = yr; /* x was that decimal, give or take binary noise */
    } else {
        y = dir > 0 ? ceil(y) : floor(y);
    }
    return p >= 0 ? y / s : y * s;
}

/* Is position a strictly beyond b in the knob's direction? */
static int
beyond(const struct knob *kb, double a, double b)
{
    return kb->dir > 0 ? a > b : a < b;
}

/*
 * The shortest decimal at or (just) beyond the exact boundary xstar that
 * still gains exactly what xstar gains: 85.75 rather than
 * 85.74999999999949 (the points round half-up after noise removal).
 */
static double
nice_position(struct knob *kb, double xstar)
{
    double q_star, q, v;
    int sig;

    if (knob_eval(kb, xstar, &q_star, &v) != 0) {
        return xstar;
    }
    for (sig = 1; sig <= 15; sig++) {
        double c = round_sig_dir(xstar, sig, kb->dir);
        if (fabs(c - xstar) > NICE_TOL * fmax(1.0, fabs(xstar)) ||
            !beyond(kb, c, kb->cur) || beyond(kb, c, kb->end)) {
            continue;
        }
        if (knob_eval(kb, c, &q, &v) == 0 &&
            fabs(step_points(kb->S, q) - step_points(kb->S, q_star)) <
                PTS_TOL &&
            fabs(q - q_star) < PTS_TOL) {
            return c;
        }
    }
    return xstar;
}

/* Does the leaf reach `goal` (at the step resolution) at x? -1: error. */
static int
reaches(struct knob *kb, double x, double goal)
{
    double pts, value;

    if (knob_eval(kb, x, &pts, &value) != 0) {
        return -1;
    }
    return step_points(kb->S, pts) >= goal - PTS_TOL;
}

/*
 * The nearest position beyond cur, up to end, where the leaf reaches
 * `goal`, for rules monotone along the knob. Returns 1 with *x, 0 when
 * even the end does not reach it, -1 on error.
 */
static int
search_monotone(struct knob *kb, double goal, double *x)
{
    int rc = reaches(kb, kb->end, goal);

    if (rc <= 0) {
        return rc;
    }
    if (kb->kind != K_VALUE) {
        /* whole steps t = 1..T from cur; t = 0 (cur) does not reach */
        double lo = 0, hi = fabs(kb->end - kb->cur);
        while (hi - lo > 1) {
            double mid = floor(lo + (hi - lo) / 2);
            rc = reaches(kb, kb->cur + kb->dir * mid, goal);
            if (rc < 0) {
                return -1;
            }
            if (rc) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        *x = kb->cur + kb->dir * hi;
        return 1;
    } else {
        double lo = kb->cur, hi = kb->end;
        int i;
        for (i = 0; i < BISECT_MAX; i++) {
            double mid = lo + (hi - lo) / 2;
            if (!(beyond(kb, mid, lo) && beyond(kb, hi, mid))) {
                break;
            }
            rc = reaches(kb, mid, goal);
            if (rc < 0) {
                return -1;
            }
            if (rc) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        *x = nice_position(kb, hi);
        return 1;
    }
}

/* next and full along a monotone knob. */
static int
targets_monotone(struct knob *kb, chiso_target *next, chiso_target *full)
{
    double x, best, value;
    int rc;

    if (knob_eval(kb, kb->end, &best, &value) != 0) {
        return -1;
    }
    best = step_points(kb->S, best);
    if (!(best > kb->base_step + PTS_TOL)) {
        return 0; /* nothing along this knob gains */
    }
    rc = search_monotone(kb, kb->base_step + 10 * PTS_TOL, &x);
    if (rc < 0 || (rc > 0 && fill_target(kb, x, next) != 0)) {
        return -1;
    }
    rc = search_monotone(kb, best, &x);
    if (rc < 0 || (rc > 0 && fill_target(kb, x, full) != 0)) {
        return -1;
    }
    return 0;
}

/*
 * The first knob position (from cur toward end) whose value reaches a band
 * boundary: value >= bound (lower bounds) or value <= bound (upper bounds),
 * with the scorer's tolerance. Returns 1 with *x, 0 if none, -1 on error.
 */
static int
band_position(struct knob *kb, double bound, int upper, double *x)
{
    double pts, value, lo, hi;

    if (kb->kind == K_VALUE) {
        *x = bound;
        return !beyond(kb, bound, kb->end) && beyond(kb, bound, kb->cur);
    }
    if (kb->kind == K_INT) {
        *x = upper ? floor(bound + SCORE_EPS) : ceil(bound - SCORE_EPS);
        return !beyond(kb, *x, kb->end) && beyond(kb, *x, kb->cur);
    }
    /* numerators: the value is the scorer's n / d (x 100), monotone */
    if (knob_eval(kb, kb->end, &pts, &value) != 0) {
        return -1;
    }
    if (upper ? value > bound + SCORE_EPS : value < bound - SCORE_EPS) {
        return 0;
    }
    lo = 0;
    hi = fabs(kb->end - kb->cur);
    while (hi - lo > 1) {
        double mid = floor(lo + (hi - lo) / 2);
        if (knob_eval(kb, kb->cur + kb->dir * mid, &pts, &value) != 0) {
            return -1;
        }
        if (upper ? value <= bound + SCORE_EPS : value >= bound - SCORE_EPS) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    *x = kb->cur + kb->dir * hi;
    return hi >= 1;
}

/* next and full of a bands rule: every boundary beyond the current value,
 * nearest first. */
static int
targets_bands(struct knob *kb,
              const chiso_rule *r,
              double value,
              chiso_target *next,
              chiso_target *full)
{
    size_t i;
    double best = kb->base_step, best_x = 0;
    int have_next = 0, have_best = 0;

    /* min bands are listed from the highest bound down, max bands from the
     * lowest up: walking the list backwards meets the bounds beyond the
     * value nearest first in both cases */
    for (i = r->n_bands; i-- > 0;) {
        const chiso_band *b = &r->bands[i];
        double x, pts, v;
        int rc;
        if (r->upper_bands ? (b->open || !(b->bound < value - SCORE_EPS))
                           : !(b->bound > value + SCORE_EPS)) {
            continue;
        }
        rc = band_position(kb, b->bound, r->upper_bands, &x);
        if (rc < 0) {
            return -1;
        }
        if (rc == 0 || knob_eval(kb, x, &pts, &v) != 0) {
            continue;
        }
        pts = step_points(kb->S, pts);
        if (!have_next && pts > kb->base_step + PTS_TOL) {
            if (fill_target(kb, x, next) != 0) {
                return -1;
            }
            have_next = 1;
        }
        if (pts > best + PTS_TOL) {
            best = pts;
            best_x = x;
            have_best = 1;
        }
    }
    if (have_best && fill_target(kb, best_x, full) != 0) {
        return -1;
    }
    return 0;
}

static double
unit_top(chiso_value_unit u, double fallback)
{
    switch (u) {
    case CHISO_UNIT_PERCENT:
        return 100;
    case CHISO_UNIT_RATIO:
        return 1;
    case CHISO_UNIT_COUNT:
    case CHISO_UNIT_NUMBER:
        break;
    }
    return fallback;
}

/* Set up a knob from an input given as counts or as a value. Returns 0 if
 * there is nothing to move (no value, zero denominator). */
static int
knob_init(struct knob *kb,
          int has_counts,
          double num,
          double den,
          int has_value,
          double value,
          chiso_value_unit unit)
{
    if (has_counts) {
        if (chiso_is_zero(den)) {
            return 0;
        }
        kb->kind = K_NUM;
        kb->den = den;
        kb->cur = num;
        return 1;
    }
    if (!has_value) {
        return 0;
    }
    kb->kind = unit == CHISO_UNIT_COUNT ? K_INT : K_VALUE;
    kb->cur = value;
    return 1;
}

static void
mirror_legacy(chiso_node_score *ns)
{
    ns->gain_next = ns->next.gain;
    ns->has_next_value = ns->next.gain > 0 && ns->next.has_value;
    ns->next_value = ns->next.value;
}

static chiso_status
targets_terms(struct sc *S, size_t k)
{
    const chiso_node *n = &S->fw->nodes[k];
    chiso_node_score *ns = &S->res->nodes[k];
    size_t t;
    long best = -1;

    for (t = 0; t < n->rule.n_terms; t++) {
        const chiso_term *tm = &n->rule.terms[t];
        chiso_term_score *ts = &ns->terms[t];
        long ei = S->term_entry[S->term_base[k] + t];
        struct input in;
        struct knob kb;
        double top;

        if (!ts->has_value) {
            continue; /* not reported, or 0/0 */
        }
        chiso_score__resolve(S, tm->input, tm->source,
                             ei >= 0 ? &S->ev->entries[ei] : NULL, &in);
        memset(&kb, 0, sizeof(kb));
        kb.S = S;
        kb.k = k;
        kb.id = tm->input;
        kb.term = (long)t;
        kb.dir = 1;
        kb.base = ns->points;
        kb.base_step = step_points(S, ns->points);
        if (!knob_init(&kb, in.has_counts, in.num, in.den, in.has_value,
                       in.value, tm->unit)) {
            continue;
        }
        /* the term is full at full_at; uncapped, the leaf's maximum stops
         * it where this term alone would give it */
        top = tm->capped
                  ? tm->full_at
                  : tm->full_at * n->max / (tm->points > 0 ? tm->points : 1);
        if (kb.kind == K_NUM) {
            kb.end = kb.den;
        } else {
            kb.end = fmin(unit_top(tm->unit, top), top);
            if (kb.kind == K_INT) {
                kb.end = ceil(kb.end);
            }
        }
        if (!beyond(&kb, kb.end, kb.cur)) {
            continue;
        }
        if (targets_monotone(&kb, &ts->next, &ts->full) != 0) {
            continue;
        }
        if (ts->next.gain > 0 &&
            (best < 0 || ts->next.gain > ns->terms[best].next.gain + PTS_TOL)) {
            best = (long)t;
        }
    }
    if (best >= 0) {
        ns->target_id = n->rule.terms[best].input;
        ns->next = ns->terms[best].next;
        mirror_legacy(ns);
    }
    return CHISO_OK;
}

chiso_status
chiso_score__targets(struct sc *S, size_t k)
{
    const chiso_node *n = &S->fw->nodes[k];
    const chiso_rule *r = &n->rule;
    chiso_node_score *ns = &S->res->nodes[k];
    struct knob kb;

    if (!ns->reported || ns->no_score || ns->origin == CHISO_ORIGIN_POINTS) {
        return CHISO_OK;
    }
    if (r->type == CHISO_RULE_TERMS) {
        return targets_terms(S, k);
    }
    memset(&kb, 0, sizeof(kb));
    kb.S = S;
    kb.k = k;
    kb.id = n->id;
    kb.term = -1;
    kb.base = ns->points;
    kb.base_step = step_points(S, ns->points);
    switch (r->type) {
    case CHISO_RULE_BINARY:
        if (ns->has_value && ns->value < 0.5) {
            kb.kind = K_VALUE;
            kb.cur = 0;
            kb.end = 1;
            kb.dir = 1;
            if (fill_target(&kb, 1, &ns->next) == 0 && ns->next.gain > 0) {
                ns->full = ns->next;
            } else {
                memset(&ns->next, 0, sizeof(ns->next));
            }
        }
        break;
    case CHISO_RULE_PROPORTIONAL:
        if (!knob_init(&kb, ns->has_counts, ns->numerator, ns->denominator,
                       ns->has_value, ns->value, r->unit)) {
            break;
        }
        kb.dir = 1;
        if (kb.kind == K_NUM) {
            kb.end = kb.den;
        } else {
            kb.end = fmin(unit_top(r->unit, r->target), r->target);
            if (kb.kind == K_INT) {
                kb.end = ceil(kb.end);
            }
        }
        if (beyond(&kb, kb.end, kb.cur) &&
            targets_monotone(&kb, &ns->next, &ns->full) != 0) {
            memset(&ns->next, 0, sizeof(ns->next));
            memset(&ns->full, 0, sizeof(ns->full));
        }
        break;
    case CHISO_RULE_DEDUCTION:
        if (!knob_init(&kb, 0, 0, 0, ns->has_value, ns->value, r->unit)) {
            break;
        }
        kb.dir = -1;
        kb.end = 0;
        if (beyond(&kb, kb.end, kb.cur) &&
            targets_monotone(&kb, &ns->next, &ns->full) != 0) {
            memset(&ns->next, 0, sizeof(ns->next));
            memset(&ns->full, 0, sizeof(ns->full));
        }
        break;
    case CHISO_RULE_BANDS:
        if (!ns->has_value ||
            !knob_init(&kb, ns->has_counts, ns->numerator, ns->denominator,
                       ns->has_value, ns->value, r->unit)) {
            break;
        }
        kb.dir = r->upper_bands ? -1 : 1;
        if (kb.kind == K_NUM) {
            kb.end = r->upper_bands ? 0 : kb.den;
        } else {
            kb.end = r->upper_bands ? r->domain_min : r->domain_max;
            if (kb.kind == K_INT) {
                kb.end = r->upper_bands ? ceil(kb.end) : floor(kb.end);
            }
        }
        if (targets_bands(&kb, r, ns->value, &ns->next, &ns->full) != 0) {
            memset(&ns->next, 0, sizeof(ns->next));
            memset(&ns->full, 0, sizeof(ns->full));
        }
        break;
    case CHISO_RULE_NONE:
    case CHISO_RULE_MANUAL:
    case CHISO_RULE_TERMS:
    case CHISO_RULE_TRACKED:
        break;
    }
    if (ns->next.gain > 0) {
        ns->target_id = n->id;
    } else {
        memset(&ns->next, 0, sizeof(ns->next));
    }
    if (!(ns->full.gain > 0)) {
        memset(&ns->full, 0, sizeof(ns->full));
    }
    mirror_legacy(ns);
    return CHISO_OK;
}

/*
 * test_score_targets.c - the targets of the points-lost list are true.
 *
 * For every leaf of every shipped framework and of generated frameworks
 * (seeded random rule parameters), from seeded random current inputs:
 *   - scoring again with --what-if set to the target (the same public
 *     path a user takes) gains exactly the reported points, on the leaf
 *     and on the total;
 *   - no input strictly between the current one and "next" gains anything
 *     (every whole count or numerator in between; for continuous values a
 *     grid and the point just short of the target);
 *   - nothing between the current input and "full" reaches full's points,
 *     and nothing at the far end gives more;
 *   - a lost leaf with a value but no target really cannot gain along its
 *     input (checked on the same grid up to the far end).
 * The expected far ends (100 %, the denominator, 0 overdue tasks, the
 * bands domain) are written here from the rules' definitions, not taken
 * from the code under test.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_score.h"
#include "helpers.h"

#include <math.h>

/* ---- seeded generator (xorshift64*) ------------------------------------ */

static uint64_t rng_state;

static uint64_t
rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

/* uniform in [0, 1) */
static double
rng_unit(void)
{
    return (double)(rng_next() >> 11) / 9007199254740992.0;
}

static long
rng_int(long lo, long hi)
{
    return lo + (long)(rng_next() % (uint64_t)(hi - lo + 1));
}

/* ---- scoring through the public API ------------------------------------ */

struct ctx {
    const chiso_framework *fw;
    size_t n_checks, n_targets, n_none;
};

/* An input: counts or a value. */
struct in {
    const char *id;
    int counts;
    double num, den, value;
};

static chiso_what_if
to_what_if(const struct in *x)
{
    chiso_what_if w;

    memset(&w, 0, sizeof(w));
    w.id = x->id;
    if (x->counts) {
        w.has_counts = 1;
        w.numerator = x->num;
        w.denominator = x->den;
    } else {
        w.has_value = 1;
        w.value = x->value;
    }
    return w;
}

/* Score with these inputs as --what-if; NULL if the scorer refuses. */
static chiso_score_result *
run(const chiso_framework *fw, const struct in *ins, size_t n, int targets)
{
    chiso_what_if w[8];
    chiso_score_options o = CHISO_SCORE_OPTIONS_INIT;
    chiso_score_result *res = NULL;
    chiso_diag d;
    size_t i;

    for (i = 0; i < n; i++) {
        w[i] = to_what_if(&ins[i]);
    }
    o.what_if = w;
    o.n_what_if = n;
    o.no_targets = !targets;
    o.lang = CHISO_LANG_EN;
    chiso_diag_clear(&d);
    if (chiso_score_compute(&res, fw, NULL, &o, &d) != CHISO_OK) {
        return NULL;
    }
    return res;
}

/* Leaf k's points with input `which` of ins replaced by (counts? num: value)
 * at position x; *total the total. Returns 0, or -1 if refused. */
static int
points_at(const chiso_framework *fw,
          size_t k,
          const struct in *ins,
          size_t n,
          size_t which,
          double x,
          double *leaf,
          double *total)
{
    struct in copy[8];
    chiso_score_result *res;

    memcpy(copy, ins, n * sizeof(*ins));
    if (copy[which].counts) {
        copy[which].num = x;
    } else {
        copy[which].value = x;
    }
    res = run(fw, copy, n, 0);
    if (res == NULL) {
        return -1;
    }
    *leaf = res->nodes[k].points;
    *total = res->points;
    chiso_score_free(res);
    return 0;
}

/* Points at the resolution steps are judged on (2 decimals when the
 * framework does not round). */
static double
shown(const chiso_framework *fw, double p)
{
    return fw->points_decimals >= 0 ? p : chiso_round_half_up(p, 2);
}

/* The far end of input `which` of leaf n along its better direction, from
 * the rule's definition: *dir +1 when larger is better. */
static double
far_end(const chiso_node *n, const struct in *x, long term, int *dir)
{
    const chiso_rule *r = &n->rule;
    chiso_value_unit unit = term >= 0 ? r->terms[term].unit : r->unit;

    *dir = 1;
    if (r->type == CHISO_RULE_DEDUCTION) {
        *dir = -1;
        return 0;
    }
    if (r->type == CHISO_RULE_BANDS && r->upper_bands) {
        *dir = -1;
        return x->counts ? 0 : r->domain_min;
    }
    if (x->counts) {
        return x->den;
    }
    if (r->type == CHISO_RULE_BANDS) {
        return isfinite(r->domain_max) ? r->domain_max : x->value + 1000;
    }
    if (unit == CHISO_UNIT_PERCENT) {
        return 100;
    }
    if (unit == CHISO_UNIT_RATIO) {
        return 1;
    }
    /* count/number: beyond any target the leaf is capped at its maximum */
    return term >= 0 ? r->terms[term].full_at * 50 + 10 : r->target * 50 + 10;
}

static int
is_int_knob(const chiso_node *n, const struct in *x, long term)
{
    chiso_value_unit unit = term >= 0 ? n->rule.terms[term].unit : n->rule.unit;

    return x->counts || unit == CHISO_UNIT_COUNT;
}

#define GRID    40
#define INT_ALL 60

/*
 * Check the property for leaf k scored from ins (ins[which] is the input
 * the target moves). base_leaf is the leaf's points now.
 */
static void
check_leaf(struct ctx *C,
           size_t k,
           const struct in *ins,
           size_t n,
           size_t which,
           long term,
           const chiso_target *next,
           const chiso_target *full,
           double base_leaf,
           double base_total)
{
    const chiso_framework *fw = C->fw;
    const chiso_node *nd = &fw->nodes[k];
    const struct in *x = &ins[which];
    double cur = x->counts ? x->num : x->value, end, leaf, total;
    double xn, xf;
    int dir, ints = is_int_knob(nd, x, term);
    double bshown = shown(fw, base_leaf);

    end = far_end(nd, x, term, &dir);
    if (nd->rule.type == CHISO_RULE_BINARY) {
        end = 1;
        ints = 1;
    }
    C->n_checks++;
    if (!(next->gain > 0)) {
        /* no target: nothing along the input gains */
        double span = end - cur, t;
        int i;
        C->n_none++;
        if (getenv("CHISO_TEST_VERBOSE"))
            print_message(
                "none: %s %s cur %g counts %d den %g end %g base %g max %g\n",
                nd->id, chiso_rule_type_name(nd->rule.type), cur, x->counts,
                x->den, end, base_leaf, nd->max);
        if (dir * span <= 0) {
            return;
        }
        for (i = 1; i <= GRID; i++) {
            t = cur + span * i / GRID;
            if (ints) {
                t = dir > 0 ? ceil(t) : floor(t);
            }
            if (points_at(fw, k, ins, n, which, t, &leaf, &total) == 0 &&
                shown(fw, leaf) > bshown + 1e-9) {
                fail_msg("%s: no target reported, but %g gains (%g -> %g)",
                         nd->id, t, base_leaf, leaf);
            }
        }
        return;
    }
    C->n_targets++;
    /* the target, applied as a user would: exact gain, leaf and total */
    xn = x->counts ? next->numerator : next->value;
    if (x->counts) {
        assert_true(next->has_counts);
        chiso_assert_close(next->denominator, x->den, 0);
    }
    if (points_at(fw, k, ins, n, which, xn, &leaf, &total) != 0) {
        fail_msg("%s: the target %g is refused by the scorer", nd->id, xn);
    }
    chiso_assert_close(leaf - base_leaf, next->gain, 1e-9);
    chiso_assert_close(total - base_total, next->gain, 1e-9);
    assert_true(dir * (xn - cur) > 0);
    /* nothing strictly between gains */
    if (ints) {
        double span = fabs(xn - cur), t;
        double step = span - 1 > INT_ALL ? (span - 1) / INT_ALL : 1;
        for (t = 1; t < span; t += step) {
            double p = cur + dir * floor(t);
            if (points_at(fw, k, ins, n, which, p, &leaf, &total) == 0 &&
                shown(fw, leaf) > bshown + 1e-9) {
                fail_msg("%s: %g, between %g and the target %g, gains", nd->id,
                         p, cur, xn);
            }
        }
    } else {
        int i;
        double span = xn - cur;
        for (i = 1; i < GRID; i++) {
            double p = cur + span * i / GRID;
            if (points_at(fw, k, ins, n, which, p, &leaf, &total) == 0 &&
                shown(fw, leaf) > bshown + 1e-9) {
                fail_msg("%s: %.17g, between %g and the target %.17g, gains",
                         nd->id, p, cur, xn);
            }
        }
        /* just short of the exact boundary */
        {
            double p = xn - dir * 1e-7 * fmax(1.0, fabs(xn));
            if (dir * (p - cur) > 0 &&
                points_at(fw, k, ins, n, which, p, &leaf, &total) == 0 &&
                shown(fw, leaf) > bshown + 1e-9) {
                fail_msg("%s: %.17g, just short of the target %.17g, gains",
                         nd->id, p, xn);
            }
        }
    }
    /* full: exact gain, nothing nearer reaches it, nothing beyond exceeds
     * it */
    if (full->gain > 0) {
        double full_shown, t;
        int i;
        xf = x->counts ? full->numerator : full->value;
        if (points_at(fw, k, ins, n, which, xf, &leaf, &total) != 0) {
            fail_msg("%s: the full target %g is refused", nd->id, xf);
        }
        chiso_assert_close(leaf - base_leaf, full->gain, 1e-9);
        assert_true(full->gain >= next->gain - 1e-9);
        full_shown = shown(fw, leaf);
        for (i = 1; i < GRID; i++) {
            t = cur + (xf - cur) * i / GRID;
            if (ints) {
                t = dir > 0 ? floor(t) : ceil(t);
                if (dir * (xf - t) <= 0) {
                    continue;
                }
            }
            if (points_at(fw, k, ins, n, which, t, &leaf, &total) == 0 &&
                shown(fw, leaf) >= full_shown - 1e-9) {
                fail_msg("%s: %g reaches the full %g before %g", nd->id, t,
                         full_shown, xf);
            }
        }
        if (points_at(fw, k, ins, n, which, end, &leaf, &total) == 0 &&
            shown(fw, leaf) > full_shown + 1e-9) {
            if (term >= 0) {
                const chiso_term *tm = &nd->rule.terms[term];
                print_message("term points %g full_at %g capped %d unit %d "
                              "max %g\n",
                              tm->points, tm->full_at, tm->capped, tm->unit,
                              nd->max);
            }
            fail_msg("%s: the far end %g gives more (%.17g) than full %.17g "
                     "at %.17g (from %.17g, term %ld)",
                     nd->id, end, leaf, full_shown, xf, cur, term);
        }
    }
}

/* A random current input for one rule input. */
static void
random_input(const chiso_node *n, long term, const char *id, struct in *x)
{
    const chiso_rule *r = &n->rule;
    chiso_value_unit unit = term >= 0 ? r->terms[term].unit : r->unit;
    int counts_ok = unit == CHISO_UNIT_PERCENT || unit == CHISO_UNIT_RATIO;

    memset(x, 0, sizeof(*x));
    x->id = id;
    if (r->type == CHISO_RULE_BINARY) {
        x->value = 0;
        return;
    }
    if (r->type == CHISO_RULE_DEDUCTION) {
        x->value =
            unit == CHISO_UNIT_COUNT ? (double)rng_int(0, 25) : rng_unit() * 25;
        return;
    }
    if (counts_ok && rng_unit() < 0.5) {
        x->counts = 1;
        x->den = (double)rng_int(1, rng_unit() < 0.8 ? 60 : 5000);
        x->num = (double)rng_int(0, (long)x->den);
        return;
    }
    if (r->type == CHISO_RULE_BANDS) {
        double lo = r->domain_min, hi = isfinite(r->domain_max)
                                            ? r->domain_max
                                            : r->bands[0].bound * 1.5 + 10;
        x->value = lo + (hi - lo) * rng_unit();
        if (unit == CHISO_UNIT_COUNT) {
            x->value = floor(x->value);
        } else if (rng_unit() < 0.5) {
            x->value = chiso_round_half_up(x->value, 1);
        }
        return;
    }
    switch (unit) {
    case CHISO_UNIT_PERCENT:
        x->value = chiso_round_half_up(rng_unit() * 100, (int)rng_int(0, 3));
        break;
    case CHISO_UNIT_RATIO:
        x->value = chiso_round_half_up(rng_unit(), (int)rng_int(1, 4));
        break;
    case CHISO_UNIT_COUNT:
        x->value = (double)rng_int(0, 30);
        break;
    case CHISO_UNIT_NUMBER:
        x->value = rng_unit() * 30;
        break;
    }
}

/* Every leaf of fw, `reps` random current inputs each. */
static void
check_framework(const chiso_framework *fw, int reps, struct ctx *C)
{
    size_t k;
    int rep;

    C->fw = fw;
    for (k = 0; k < fw->n_nodes; k++) {
        const chiso_node *n = &fw->nodes[k];
        if (!chiso_node_is_leaf(n)) {
            continue;
        }
        for (rep = 0; rep < reps; rep++) {
            struct in ins[8];
            size_t m = 0, t, which = 0;
            chiso_score_result *res;
            const chiso_node_score *ns;
            if (n->rule.type == CHISO_RULE_MANUAL ||
                n->rule.type == CHISO_RULE_TRACKED) {
                /* no input to move: never a target */
                random_input(n, -1, n->id, &ins[0]);
                ins[0].counts = 0;
                ins[0].value = 1;
                res = run(fw, ins, 1, 1);
                /* NULL: nothing else reported, so no score at all */
                if (res != NULL) {
                    assert_null(res->nodes[k].target_id);
                    assert_false(res->nodes[k].next.gain > 0);
                    chiso_score_free(res);
                }
                break;
            }
            if (n->rule.type == CHISO_RULE_TERMS) {
                for (t = 0; t < n->rule.n_terms && m < 8; t++) {
                    random_input(n, (long)t, n->rule.terms[t].input, &ins[m++]);
                }
            } else {
                random_input(n, -1, n->id, &ins[m++]);
            }
            res = run(fw, ins, m, 1);
            if (res == NULL) {
                continue; /* e.g. a value in no band of a domain gap */
            }
            ns = &res->nodes[k];
            if (!(ns->points < n->max - 1e-9) || ns->no_score) {
                assert_false(ns->next.gain > 0);
                chiso_score_free(res);
                continue;
            }
            if (n->rule.type == CHISO_RULE_TERMS) {
                /* every term's own targets, then the leaf's choice */
                for (t = 0; t < m; t++) {
                    if (!ns->terms[t].has_value) {
                        continue;
                    }
                    check_leaf(C, k, ins, m, t, (long)t, &ns->terms[t].next,
                               &ns->terms[t].full, ns->points, res->points);
                }
                if (ns->target_id != NULL) {
                    for (t = 0; t < m; t++) {
                        if (strcmp(ins[t].id, ns->target_id) == 0) {
                            which = t;
                        }
                    }
                    chiso_assert_close(ns->next.gain,
                                       ns->terms[which].next.gain, 0);
                    for (t = 0; t < m; t++) {
                        if (!(ns->terms[t].next.gain <= ns->next.gain + 1e-7)) {
                            fail_msg("%s: input %s gains %.17g at its next "
                                     "step, more than the chosen %s (%.17g)",
                                     n->id, ins[t].id, ns->terms[t].next.gain,
                                     ns->target_id, ns->next.gain);
                        }
                    }
                }
            } else {
                if (ns->next.gain > 0) {
                    assert_string_equal(ns->target_id, n->id);
                    /* the older fields say the same */
                    chiso_assert_close(ns->gain_next, ns->next.gain, 0);
                    chiso_assert_close(ns->next_value, ns->next.value, 0);
                    assert_true(ns->has_next_value);
                }
                check_leaf(C, k, ins, m, 0, -1, &ns->next, &ns->full,
                           ns->points, res->points);
            }
            chiso_score_free(res);
        }
    }
}

static chiso_framework *
load_fw_file(const char *path)
{
    chiso_framework *fw = NULL;
    chiso_diag d;

    chiso_diag_clear(&d);
    if (chiso_framework_load(&fw, path, &d) != CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    return fw;
}

static void
test_shipped_frameworks(void **state)
{
    static const char *const files[] = {
        "indicators/frameworks/par-department-template.json",
        "indicators/frameworks/qd766.json",
        "indicators/frameworks/par-province-876.json",
        "indicators/frameworks/par-province-2948.json",
    };
    size_t i;
    struct ctx C;

    (void)state;
    memset(&C, 0, sizeof(C));
    rng_state = 20261204;
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        chiso_framework *fw = load_fw_file(chiso_test_path(files[i]));
        check_framework(fw, 8, &C);
        chiso_framework_free(fw);
    }
    print_message("shipped frameworks: %zu leaf inputs checked, %zu targets, "
                  "%zu without\n",
                  C.n_checks, C.n_targets, C.n_none);
    assert_true(C.n_targets > 200);
}

/* ---- generated rules ---------------------------------------------------- */

static void
gen_rule(chiso_buf *b, int type, double max, int idx)
{
    static const char *const units[] = {"percent", "ratio", "count", "number"};
    static const char *const zd[] = {"no_score", "zero", "full"};
    int i, nb;

    switch (type) {
    case 0: /* proportional */
    {
        int u = (int)rng_int(0, 3);
        double target = u == 0   ? (double)rng_int(50, 100)
                        : u == 1 ? chiso_round_half_up(0.5 + rng_unit() / 2, 2)
                        : u == 2 ? (double)rng_int(1, 20)
                                 : chiso_round_half_up(1 + rng_unit() * 20, 1);
        chiso_buf_printf(b,
                         "{\"type\":\"proportional\",\"unit\":\"%s\","
                         "\"target\":%g,\"capped\":%s,"
                         "\"zero_denominator\":\"%s\"}",
                         units[u], target, rng_unit() < 0.8 ? "true" : "false",
                         zd[rng_int(0, 2)]);
        break;
    }
    case 1: /* bands, min or max */
    {
        int upper = rng_unit() < 0.4, u = rng_unit() < 0.7 ? 0 : 2;
        double bounds[6], pts[6];
        int full_at;
        nb = (int)rng_int(2, 5);
        full_at = (int)rng_int(0, nb - 1);
        for (i = 0; i < nb; i++) {
            pts[i] = i == full_at
                         ? max
                         : fmin(max, chiso_round_half_up(max * rng_unit(),
                                                         (int)rng_int(0, 2)));
        }
        /* distinct bounds inside the domain, in the listed order */
        for (i = 0; i < nb; i++) {
            bounds[i] =
                u == 0 ? (double)rng_int(1, 99) : (double)rng_int(1, 30);
        }
        for (i = 0; i < nb; i++) { /* sort ascending, unique */
            int j;
            for (j = i + 1; j < nb; j++) {
                if (bounds[j] < bounds[i]) {
                    double t = bounds[i];
                    bounds[i] = bounds[j];
                    bounds[j] = t;
                }
            }
        }
        for (i = 1; i < nb; i++) {
            if (bounds[i] <= bounds[i - 1]) {
                bounds[i] = bounds[i - 1] + 1;
            }
        }
        chiso_buf_printf(b,
                         "{\"type\":\"bands\",\"unit\":\"%s\",%s"
                         "\"zero_denominator\":\"%s\",\"bands\":[",
                         units[u], u == 2 ? "\"domain\":[0,100]," : "",
                         zd[rng_int(0, 2)]);
        if (!upper) {
            /* from the highest threshold down, the last at 0 */
            for (i = nb - 1; i >= 0; i--) {
                chiso_buf_printf(b, "%s{\"min\":%g,\"points\":%g}",
                                 i == nb - 1 ? "" : ",", i == 0 ? 0 : bounds[i],
                                 pts[i]);
            }
        } else {
            /* from the lowest up, the last open */
            for (i = 0; i < nb; i++) {
                if (i == nb - 1) {
                    chiso_buf_printf(b, ",{\"max\":null,\"points\":%g}",
                                     pts[i]);
                } else {
                    chiso_buf_printf(b, "%s{\"max\":%g,\"points\":%g}",
                                     i ? "," : "", bounds[i], pts[i]);
                }
            }
        }
        chiso_buf_puts(b, "]}");
        break;
    }
    case 2: /* deduction */
        chiso_buf_printf(
            b, "{\"type\":\"deduction\",\"unit\":\"%s\",\"per\":%g}",
            rng_unit() < 0.8 ? "count" : "number",
            chiso_round_half_up(0.05 + rng_unit() * 1.5, (int)rng_int(1, 2)));
        break;
    case 3:
        chiso_buf_puts(b, "\"binary\"");
        break;
    case 4: /* terms */
    {
        double left = max;
        nb = (int)rng_int(2, 3);
        chiso_buf_puts(b, "{\"type\":\"terms\",\"terms\":[");
        for (i = 0; i < nb; i++) {
            double p =
                i == nb - 1
                    ? left
                    : chiso_round_half_up(left * (0.2 + 0.5 * rng_unit()), 2);
            left -= p;
            chiso_buf_printf(b,
                             "%s{\"input\":\"T%d_%d\",\"points\":%g,"
                             "\"full_at\":%d,\"capped\":%s}",
                             i ? "," : "", idx, i, p, (int)rng_int(40, 100),
                             rng_unit() < 0.85 ? "true" : "false");
        }
        chiso_buf_puts(b, "]}");
        break;
    }
    default:
        chiso_buf_puts(b, "\"manual\"");
    }
}

static void
test_generated_rules(void **state)
{
    struct ctx C;
    int f;

    (void)state;
    memset(&C, 0, sizeof(C));
    rng_state = 766;
    if (getenv("CHISO_TEST_SEED") != NULL) {
        /* explore other seeds by hand: CHISO_TEST_SEED=n */
        rng_state = strtoull(getenv("CHISO_TEST_SEED"), NULL, 10) | 1;
    }
    for (f = 0; f < 24; f++) {
        chiso_buf b = CHISO_BUF_INIT;
        chiso_framework *fw;
        int i, n = 12, dec = (int)rng_int(-1, 3);
        double sum = 0;
        chiso_buf leaves = CHISO_BUF_INIT;
        for (i = 0; i < n; i++) {
            double max =
                chiso_round_half_up(0.5 + rng_unit() * 9.5, (int)rng_int(0, 2));
            sum += max;
            chiso_buf_printf(&leaves,
                             "%s{\"id\":\"L%d\",\"name\":\"lá %d\",\"max\":%g,"
                             "\"rule\":",
                             i ? "," : "", i, i, max);
            gen_rule(&leaves, i % 6 == 5 ? (int)rng_int(0, 4) : i % 5, max, i);
            chiso_buf_puts(&leaves, "}");
        }
        chiso_buf_printf(&b,
                         "{\"format\":\"chiso-framework\",\"id\":\"gen%d\","
                         "\"name\":\"sinh\",%s"
                         "\"nodes\":[{\"id\":\"A\",\"name\":\"A\","
                         "\"max\":%.6f,\"children\":[%s]}]}",
                         f,
                         dec >= 0 ? (dec == 0   ? "\"points_decimals\":0,"
                                     : dec == 1 ? "\"points_decimals\":1,"
                                     : dec == 2 ? "\"points_decimals\":2,"
                                                : "\"points_decimals\":3,")
                                  : "",
                         sum, leaves.data);
        fw = load_fw_file(chiso_test_file("gen_fw.json", b.data));
        check_framework(fw, 7, &C);
        chiso_framework_free(fw);
        chiso_buf_free(&b);
        chiso_buf_free(&leaves);
    }
    print_message("generated rules: %zu leaf inputs checked, %zu targets, %zu "
                  "without\n",
                  C.n_checks, C.n_targets, C.n_none);
    assert_true(C.n_targets > 1000);
}

/* The case of issue 10: deduction max 2, 0.5 per overdue task, 7 overdue
 * -> 0 points; the next step is 3 overdue (+0.5), not 6. */
static void
test_deduction_floor_next_step(void **state)
{
    chiso_framework *fw;
    struct in x = {"1.1", 0, 0, 0, 7};
    chiso_score_result *res;

    (void)state;
    fw = load_fw_file(chiso_test_file(
        "ded_fw.json",
        "{\"format\":\"chiso-framework\",\"id\":\"d\",\"name\":\"d\","
        "\"points_decimals\":2,\"nodes\":[{\"id\":\"1\",\"name\":\"n\","
        "\"max\":2,\"children\":[{\"id\":\"1.1\",\"name\":\"quá hạn\","
        "\"max\":2,\"rule\":{\"type\":\"deduction\",\"per\":0.5}}]}]}"));
    res = run(fw, &x, 1, 1);
    assert_non_null(res);
    chiso_assert_close(res->nodes[1].points, 0, 0);
    chiso_assert_close(res->nodes[1].next.value, 3, 0);
    chiso_assert_close(res->nodes[1].next.gain, 0.5, 1e-12);
    chiso_assert_close(res->nodes[1].full.value, 0, 0);
    chiso_assert_close(res->nodes[1].full.gain, 2, 1e-12);
    chiso_score_free(res);
    chiso_framework_free(fw);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deduction_floor_next_step),
        cmocka_unit_test(test_shipped_frameworks),
        cmocka_unit_test(test_generated_rules),
    };
    return cmocka_run_group_tests_name("score_targets", tests, NULL, NULL);
}

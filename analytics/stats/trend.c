/*
 * trend.c - year-on-year changes and OLS slopes of published series.
 *
 * A unit's series of one index is built from the store's preferred rows
 * with status "published": a value series from rows with a value and a
 * rank series from rows with a rank. Each series is cut into segments at
 * every break that applies between two observations (a break in year B
 * separates years < B from years >= B); rank series are also cut where
 * the number of ranked units changes (rank 12 of 61 and rank 19 of 63 are
 * not on the same scale). Changes are reported between consecutive
 * observations, flagged "not comparable" across a cut; an OLS slope is
 * fitted per segment with at least three points, never across a cut.
 *
 * Rows that no series uses (conflicting sources that are not preferred,
 * "not scored", "value not found") are listed with the reason, so a
 * reader can see what was left out.
 */
#include "chiso_stats.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A new string (NULL when out of memory); callers pass the format
 * through chiso_msg. Reasons are as long as they need to be: no buffer
 * cuts a break's description. */
static char *str_printf(const char *fmt, ...) CHISO_PRINTF(1, 2);

static char *
str_printf(const char *fmt, ...)
{
    va_list ap;
    const char *f = fmt;
    int n;
    char *out;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    if (n < 0 || (out = malloc((size_t)n + 1)) == NULL) {
        return NULL;
    }
    va_start(ap, fmt);
    vsnprintf(out, (size_t)n + 1, f, ap);
    va_end(ap);
    return out;
}

/* The kinds of break (chiso_break_kind_name: methodology, sampling,
 * boundary, ranking_base) are words of the catalogue too: chiso_msg
 * translates them. */

static int
component_is(const chiso_pub_row *r, const char *component_id)
{
    return strcmp(r->component_id, component_id ? component_id : "") == 0;
}

static int
cmp_point(const void *a, const void *b)
{
    const chiso_trend_point *p = a, *q = b;

    return (p->x > q->x) - (p->x < q->x);
}

static void
series_free(chiso_trend_series *s)
{
    size_t i;

    for (i = 0; i < s->n_changes; i++) {
        free(s->changes[i].reason);
    }
    for (i = 0; i < s->n_segments; i++) {
        free(s->segments[i].reason);
    }
    free(s->points);
    free(s->changes);
    free(s->segments);
}

void
chiso_trend_free(chiso_trend_result *res)
{
    size_t i;

    if (res == NULL) {
        return;
    }
    for (i = 0; i < res->n_units; i++) {
        series_free(&res->units[i].values);
        series_free(&res->units[i].ranks);
    }
    for (i = 0; i < res->n_skipped; i++) {
        free(res->skipped[i].reason);
    }
    free(res->units);
    free(res->skipped);
    free(res->breaks);
    free(res->index);
    free(res->component_id);
    free(res);
}

/* Append text (owned, freed here) to a "; "-separated reason. 0, or -1
 * when out of memory. */
static int
add_reason(char **buf, char *text)
{
    size_t a, b;
    char *q;

    if (text == NULL) {
        return -1;
    }
    if (*buf == NULL) {
        *buf = text;
        return 0;
    }
    a = strlen(*buf);
    b = strlen(text);
    q = realloc(*buf, a + 2 + b + 1);
    if (q == NULL) {
        free(text);
        return -1;
    }
    memcpy(q + a, "; ", 2);
    memcpy(q + a + 2, text, b + 1);
    *buf = q;
    free(text);
    return 0;
}

/* Cut, changes and segments of a series whose points are set. */
static chiso_status
build_series(chiso_trend_series *s,
             const chiso_published *store,
             const char *index,
             const char *unit_code,
             double level,
             chiso_lang lang,
             chiso_diag *diag)
{
    size_t i, k, seg_start = 0;
    double *x = NULL, *y = NULL;

    if (s->n_points == 0) {
        return CHISO_OK;
    }
    qsort(s->points, s->n_points, sizeof(*s->points), cmp_point);
    s->changes = calloc(s->n_points, sizeof(*s->changes));
    s->segments = calloc(s->n_points, sizeof(*s->segments));
    x = malloc(s->n_points * sizeof(*x));
    y = malloc(s->n_points * sizeof(*y));
    if (!s->changes || !s->segments || !x || !y) {
        free(x);
        free(y);
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (i = 0; i <= s->n_points; i++) {
        int cut = i == s->n_points;
        if (i > 0 && i < s->n_points) {
            const chiso_trend_point *a = &s->points[i - 1], *b = &s->points[i];
            chiso_trend_change *c = &s->changes[s->n_changes++];
            int bad = 0;
            c->from_year = a->year;
            c->to_year = b->year;
            c->comparable = 1;
            for (k = 0; k < store->n_breaks; k++) {
                const chiso_pub_break *br = &store->breaks[k];
                if (br->year > a->year && br->year <= b->year &&
                    chiso_break_applies(br, index, unit_code, s->ranks)) {
                    const char *kind = chiso_break_kind_name(br->kind);
                    bad |= add_reason(
                        &c->reason,
                        str_printf(chiso_msg(lang, "%s break in %d: %s"),
                                   chiso_msg(lang, kind), br->year,
                                   br->what_changed));
                    c->comparable = 0;
                }
            }
            if (s->ranks && a->rank_of != b->rank_of) {
                bad |= add_reason(
                    &c->reason,
                    str_printf(
                        chiso_msg(
                            lang,
                            "ranked out of %ld in %d but out of %ld in %d"),
                        a->rank_of, a->year, b->rank_of, b->year));
                c->comparable = 0;
            }
            if (bad) {
                free(x);
                free(y);
                return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0,
                                      "out of memory");
            }
            c->change = c->comparable ? b->y - a->y : (double)NAN;
            cut = !c->comparable;
        }
        if (cut && i > 0) {
            chiso_trend_segment *g = &s->segments[s->n_segments++];
            chiso_diag d;
            g->first = seg_start;
            g->n = i - seg_start;
            g->first_year = s->points[seg_start].year;
            g->last_year = s->points[i - 1].year;
            g->rank_of = s->ranks ? s->points[seg_start].rank_of : 0;
            for (k = 0; k < g->n; k++) {
                x[k] = s->points[seg_start + k].x;
                y[k] = s->points[seg_start + k].y;
            }
            chiso_diag_clear(&d);
            d.lang = lang;
            if (g->n < 3) {
                g->reason =
                    g->n == 1
                        ? str_printf(
                              chiso_msg(lang, "not computable: 1 point in this "
                                              "segment, a slope with a "
                                              "confidence interval needs at "
                                              "least 3"))
                        : str_printf(
                              chiso_msg(lang,
                                        "not computable: %zu points in this "
                                        "segment, a slope with a confidence "
                                        "interval needs at least 3"),
                              g->n);
            } else if (chiso_stats_ols(x, y, g->n, level, &g->ols, &d) ==
                       CHISO_OK) {
                g->computable = 1;
            } else {
                g->reason = str_printf(chiso_msg(lang, "not computable: %s"),
                                       d.message);
            }
            if (!g->computable && g->reason == NULL) {
                free(x);
                free(y);
                return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0,
                                      "out of memory");
            }
            seg_start = i;
        }
    }
    free(x);
    free(y);
    return CHISO_OK;
}

static chiso_status
add_point(chiso_trend_series *s, const chiso_pub_row *r)
{
    chiso_trend_point *p;

    /* grows by doubling (capacity: the powers of two from 4), so a series
       takes memory for its own points only */
    if (s->n_points >= 4 && (s->n_points & (s->n_points - 1)) == 0) {
        void *q = realloc(s->points, 2 * s->n_points * sizeof(*s->points));
        if (q == NULL) {
            return CHISO_ENOMEM;
        }
        s->points = q;
    } else if (s->points == NULL) {
        s->points = calloc(4, sizeof(*s->points));
        if (s->points == NULL) {
            return CHISO_ENOMEM;
        }
    }
    p = &s->points[s->n_points++];
    memset(p, 0, sizeof(*p));
    p->year = r->year;
    p->x = chiso_pub_row_time(r);
    chiso_pub_row_period(r, p->period, sizeof(p->period));
    p->row = r;
    if (s->ranks) {
        p->y = (double)r->rank;
        p->rank_of = r->rank_of;
    } else {
        p->y = r->value;
    }
    return CHISO_OK;
}

chiso_status
chiso_trend_compute(chiso_trend_result **out,
                    const chiso_published *store,
                    const chiso_trend_options *opts,
                    chiso_diag *diag)
{
    chiso_trend_result *res;
    const char *cid = opts->component_id ? opts->component_id : "";
    size_t i, j, n_sel = 0, unit_known = 0;
    chiso_status st = CHISO_OK;
    chiso_stats_keys *codes = NULL;
    chiso_lang lang = opts->lang;

    *out = NULL;
    if (opts->index == NULL || opts->index[0] == '\0') {
        return chiso_diag_set(diag, CHISO_EINVAL, NULL, 0, 0, "no index given");
    }
    res = calloc(1, sizeof(*res));
    if (res == NULL || !(res->index = chiso_strdup(opts->index)) ||
        !(res->component_id = chiso_strdup(cid)) ||
        !(res->breaks = calloc(store->n_breaks + 1, sizeof(*res->breaks)))) {
        chiso_trend_free(res);
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    res->store = store;
    res->level = opts->level > 0 ? opts->level : 0.95;
    if (chiso_stats_keys_new(&codes, 64) != CHISO_OK) {
        chiso_trend_free(res);
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (i = 0; i < store->n; i++) {
        const chiso_pub_row *r = &store->rows[i];
        chiso_trend_unit *u = NULL;
        if (opts->unit != NULL && chiso_published_unit_matches(r, opts->unit)) {
            unit_known = 1;
        }
        if (strcmp(r->index, opts->index) != 0 || !component_is(r, cid) ||
            (opts->unit != NULL &&
             !chiso_published_unit_matches(r, opts->unit)) ||
            (opts->unit_type != NULL &&
             strcmp(r->unit_type, opts->unit_type) != 0)) {
            continue;
        }
        n_sel++;
        {
            /* units by code in a hash set: key k is units[k] */
            int added;
            if (chiso_stats_keys_add(codes, r->unit_code, strlen(r->unit_code),
                                     &j, &added) != CHISO_OK) {
                chiso_stats_keys_free(codes);
                chiso_trend_free(res);
                return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0,
                                      "out of memory");
            }
            if (!added) {
                u = &res->units[j];
            }
        }
        if (u == NULL) {
            if (res->n_units == res->cap_units) {
                size_t nc = res->cap_units ? 2 * res->cap_units : 16;
                void *q = realloc(res->units, nc * sizeof(*res->units));
                if (q == NULL) {
                    goto oom_loop;
                }
                res->units = q;
                res->cap_units = nc;
            }
            u = &res->units[res->n_units++];
            memset(u, 0, sizeof(*u));
            u->unit_code = r->unit_code;
            u->unit = r->unit;
            u->scale = r->scale;
            u->ranks.ranks = 1;
        }
        if (!r->preferred || r->status != CHISO_PUB_PUBLISHED) {
            chiso_trend_skip *k;
            if (res->n_skipped == res->cap_skipped) {
                size_t nc = res->cap_skipped ? 2 * res->cap_skipped : 16;
                void *q = realloc(res->skipped, nc * sizeof(*res->skipped));
                if (q == NULL) {
                    goto oom_loop;
                }
                res->skipped = q;
                res->cap_skipped = nc;
            }
            k = &res->skipped[res->n_skipped++];
            k->row = r;
            k->reason =
                !r->preferred
                    ? str_printf(
                          chiso_msg(lang,
                                    "not preferred (conflicting sources '%s'): "
                                    "%s"),
                          r->conflict, r->preferred_reason)
                : r->status == CHISO_PUB_NOT_SCORED
                    ? str_printf(chiso_msg(lang, "not scored: %s"), r->note)
                    : str_printf(
                          chiso_msg(lang, "no value or rank published: %s"),
                          r->note);
            if (k->reason == NULL) {
                goto oom_loop;
            }
            continue;
        }
        if ((r->has_value && add_point(&u->values, r) != CHISO_OK) ||
            (r->rank > 0 && add_point(&u->ranks, r) != CHISO_OK)) {
            goto oom_loop;
        }
    }
    chiso_stats_keys_free(codes);
    if (n_sel == 0) {
        chiso_trend_free(res);
        if (opts->unit != NULL && !unit_known) {
            return chiso_diag_set(diag, CHISO_EDATA, store->path, 0, 0,
                                  "unknown unit '%s': no row of the store "
                                  "names it (give the Vietnamese name or the "
                                  "unit code, e.g. \"Hưng Yên\" or hung-yen)",
                                  opts->unit);
        }
        if (cid[0] != '\0' && opts->unit != NULL) {
            return chiso_diag_set(diag, CHISO_EDATA, store->path, 0, 0,
                                  "no rows for index '%s' component %s and "
                                  "unit %s in the store",
                                  opts->index, cid, opts->unit);
        }
        if (cid[0] != '\0') {
            return chiso_diag_set(diag, CHISO_EDATA, store->path, 0, 0,
                                  "no rows for index '%s' component %s in "
                                  "the store",
                                  opts->index, cid);
        }
        if (opts->unit != NULL) {
            return chiso_diag_set(diag, CHISO_EDATA, store->path, 0, 0,
                                  "no rows for index '%s' and unit %s in the "
                                  "store",
                                  opts->index, opts->unit);
        }
        return chiso_diag_set(diag, CHISO_EDATA, store->path, 0, 0,
                              "no rows for index '%s' in the store",
                              opts->index);
    }
    for (i = 0; i < res->n_units && st == CHISO_OK; i++) {
        chiso_trend_unit *u = &res->units[i];
        st = build_series(&u->values, store, opts->index, u->unit_code,
                          res->level, lang, diag);
        if (st == CHISO_OK) {
            st = build_series(&u->ranks, store, opts->index, u->unit_code,
                              res->level, lang, diag);
        }
        if (u->values.n_points == 0) {
            u->values.note =
                u->ranks.n_points > 0
                    ? chiso_msg(lang, "no values published for this unit "
                                      "(ranks only)")
                    : chiso_msg(lang, "no values published for this unit");
        }
        if (u->ranks.n_points == 0) {
            u->ranks.note = chiso_msg(lang, "no ranks published for this unit");
        }
    }
    if (st != CHISO_OK) {
        chiso_trend_free(res);
        return st;
    }
    /* the breaks that cut some selected unit's series */
    for (i = 0; i < store->n_breaks; i++) {
        for (j = 0; j < res->n_units; j++) {
            if (chiso_break_applies(&store->breaks[i], opts->index,
                                    res->units[j].unit_code, 1)) {
                res->breaks[res->n_breaks++] = &store->breaks[i];
                break;
            }
        }
    }
    *out = res;
    return CHISO_OK;
oom_loop:
    chiso_stats_keys_free(codes);
    chiso_trend_free(res);
    return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
}

/* ---- JSON --------------------------------------------------------------- */

static cJSON *
str_or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? cJSON_CreateString(s)
                                     : cJSON_CreateNull();
}

static cJSON *
num_or_null(double x)
{
    return chiso_json_number(x);
}

static cJSON *
long_or_null(long v)
{
    return v > 0 ? cJSON_CreateNumber((double)v) : cJSON_CreateNull();
}

cJSON *
chiso_pub_row_to_json(const chiso_pub_row *r)
{
    cJSON *o;

    if (r == NULL) {
        return cJSON_CreateNull();
    }
    o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "index", cJSON_CreateString(r->index));
    cJSON_AddItemToObject(o, "year", cJSON_CreateNumber(r->year));
    cJSON_AddItemToObject(o, "unit_code", cJSON_CreateString(r->unit_code));
    cJSON_AddItemToObject(o, "unit", cJSON_CreateString(r->unit));
    cJSON_AddItemToObject(o, "unit_type", cJSON_CreateString(r->unit_type));
    cJSON_AddItemToObject(o, "component", cJSON_CreateString(r->component));
    cJSON_AddItemToObject(o, "component_id", str_or_null(r->component_id));
    cJSON_AddItemToObject(o, "value",
                          r->has_value
                              ? chiso_json_fixed(r->value, r->value_decimals)
                              : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "scale", cJSON_CreateString(r->scale));
    cJSON_AddItemToObject(o, "rank", long_or_null(r->rank));
    cJSON_AddItemToObject(o, "rank_of", long_or_null(r->rank_of));
    cJSON_AddItemToObject(o, "rank_derived", cJSON_CreateBool(r->rank_derived));
    cJSON_AddItemToObject(o, "status",
                          cJSON_CreateString(chiso_pub_status_name(r->status)));
    cJSON_AddItemToObject(o, "preferred", cJSON_CreateBool(r->preferred));
    cJSON_AddItemToObject(o, "conflict", str_or_null(r->conflict));
    cJSON_AddItemToObject(o, "confidence", cJSON_CreateString(r->confidence));
    cJSON_AddItemToObject(o, "source", cJSON_CreateString(r->source));
    cJSON_AddItemToObject(o, "note", str_or_null(r->note));
    cJSON_AddItemToObject(o, "line", cJSON_CreateNumber((double)r->line));
    return o;
}

static cJSON *
segment_json(const chiso_trend_series *s, const chiso_trend_segment *g)
{
    cJSON *o = cJSON_CreateObject();
    int ok = g->computable;

    cJSON_AddItemToObject(o, "first_year", cJSON_CreateNumber(g->first_year));
    cJSON_AddItemToObject(o, "last_year", cJSON_CreateNumber(g->last_year));
    cJSON_AddItemToObject(o, "first_period",
                          cJSON_CreateString(s->points[g->first].period));
    cJSON_AddItemToObject(
        o, "last_period",
        cJSON_CreateString(s->points[g->first + g->n - 1].period));
    cJSON_AddItemToObject(o, "n", cJSON_CreateNumber((double)g->n));
    cJSON_AddItemToObject(
        o, "rank_of", s->ranks ? long_or_null(g->rank_of) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "computable", cJSON_CreateBool(ok));
    cJSON_AddItemToObject(o, "reason", str_or_null(ok ? NULL : g->reason));
    cJSON_AddItemToObject(o, "slope_per_year",
                          ok ? num_or_null(g->ols.slope) : cJSON_CreateNull());
    cJSON_AddItemToObject(
        o, "se", ok ? num_or_null(g->ols.se_slope) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "ci_low",
                          ok ? num_or_null(g->ols.ci_low) : cJSON_CreateNull());
    cJSON_AddItemToObject(
        o, "ci_high", ok ? num_or_null(g->ols.ci_high) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "t",
                          ok ? num_or_null(g->ols.t) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "df",
                          ok ? num_or_null(g->ols.df) : cJSON_CreateNull());
    cJSON_AddItemToObject(
        o, "p_value", ok ? num_or_null(g->ols.p_value) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "r2",
                          ok ? num_or_null(g->ols.r2) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "perfect_fit",
                          cJSON_CreateBool(ok && g->ols.perfect_fit));
    return o;
}

static cJSON *
series_json(const chiso_trend_series *s)
{
    cJSON *o = cJSON_CreateObject(), *a;
    size_t i;

    cJSON_AddItemToObject(o, "better",
                          cJSON_CreateString(s->ranks ? "lower" : "higher"));
    cJSON_AddItemToObject(o, "note", str_or_null(s->note));
    a = cJSON_AddArrayToObject(o, "points");
    for (i = 0; i < s->n_points; i++) {
        const chiso_trend_point *p = &s->points[i];
        cJSON *q = cJSON_CreateObject();
        cJSON_AddItemToObject(q, "year", cJSON_CreateNumber(p->year));
        cJSON_AddItemToObject(q, "period", cJSON_CreateString(p->period));
        if (s->ranks) {
            cJSON_AddItemToObject(q, "rank", cJSON_CreateNumber(p->y));
            cJSON_AddItemToObject(q, "rank_of", long_or_null(p->rank_of));
            cJSON_AddItemToObject(q, "rank_derived",
                                  cJSON_CreateBool(p->row->rank_derived));
        } else {
            cJSON_AddItemToObject(
                q, "value", chiso_json_fixed(p->y, p->row->value_decimals));
        }
        cJSON_AddItemToObject(q, "confidence",
                              cJSON_CreateString(p->row->confidence));
        cJSON_AddItemToObject(q, "source", cJSON_CreateString(p->row->source));
        cJSON_AddItemToObject(q, "line",
                              cJSON_CreateNumber((double)p->row->line));
        cJSON_AddItemToArray(a, q);
    }
    a = cJSON_AddArrayToObject(o, "changes");
    for (i = 0; i < s->n_changes; i++) {
        const chiso_trend_change *c = &s->changes[i];
        cJSON *q = cJSON_CreateObject();
        cJSON_AddItemToObject(q, "from_year", cJSON_CreateNumber(c->from_year));
        cJSON_AddItemToObject(q, "to_year", cJSON_CreateNumber(c->to_year));
        cJSON_AddItemToObject(q, "from_period",
                              cJSON_CreateString(s->points[i].period));
        cJSON_AddItemToObject(q, "to_period",
                              cJSON_CreateString(s->points[i + 1].period));
        /* in years: 0.5 between two semesters */
        cJSON_AddItemToObject(
            q, "years",
            chiso_json_number(s->points[i + 1].x - s->points[i].x));
        cJSON_AddItemToObject(q, "change", num_or_null(c->change));
        cJSON_AddItemToObject(q, "comparable", cJSON_CreateBool(c->comparable));
        cJSON_AddItemToObject(q, "reason", str_or_null(c->reason));
        cJSON_AddItemToArray(a, q);
    }
    a = cJSON_AddArrayToObject(o, "segments");
    for (i = 0; i < s->n_segments; i++) {
        cJSON_AddItemToArray(a, segment_json(s, &s->segments[i]));
    }
    return o;
}

static cJSON *
break_json(const chiso_pub_break *b)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddItemToObject(o, "index", str_or_null(b->index));
    cJSON_AddItemToObject(o, "year", cJSON_CreateNumber(b->year));
    cJSON_AddItemToObject(o, "unit_code", str_or_null(b->unit_code));
    cJSON_AddItemToObject(o, "kind",
                          cJSON_CreateString(chiso_break_kind_name(b->kind)));
    cJSON_AddItemToObject(o, "what_changed",
                          cJSON_CreateString(b->what_changed));
    cJSON_AddItemToObject(o, "source", cJSON_CreateString(b->source));
    cJSON_AddItemToObject(o, "confidence", cJSON_CreateString(b->confidence));
    return o;
}

cJSON *
chiso_trend_to_json(const chiso_trend_result *res)
{
    cJSON *root = cJSON_CreateObject(), *a, *o;
    size_t i;

    cJSON_AddItemToObject(root, "schema_version", cJSON_CreateNumber(1));
    cJSON_AddItemToObject(root, "command", cJSON_CreateString("trend"));
    cJSON_AddItemToObject(root, "index", cJSON_CreateString(res->index));
    cJSON_AddItemToObject(root, "component_id", str_or_null(res->component_id));
    cJSON_AddItemToObject(root, "level", chiso_json_number(res->level));
    o = cJSON_AddObjectToObject(root, "store");
    cJSON_AddItemToObject(o, "results", cJSON_CreateString(res->store->path));
    cJSON_AddItemToObject(o, "breaks", str_or_null(res->store->breaks_path));
    a = cJSON_AddArrayToObject(root, "breaks");
    for (i = 0; i < res->n_breaks; i++) {
        cJSON_AddItemToArray(a, break_json(res->breaks[i]));
    }
    a = cJSON_AddArrayToObject(root, "units");
    for (i = 0; i < res->n_units; i++) {
        const chiso_trend_unit *u = &res->units[i];
        cJSON *q = cJSON_CreateObject();
        cJSON_AddItemToObject(q, "unit_code", cJSON_CreateString(u->unit_code));
        cJSON_AddItemToObject(q, "unit", cJSON_CreateString(u->unit));
        cJSON_AddItemToObject(q, "scale", cJSON_CreateString(u->scale));
        cJSON_AddItemToObject(q, "values", series_json(&u->values));
        cJSON_AddItemToObject(q, "ranks", series_json(&u->ranks));
        cJSON_AddItemToArray(a, q);
    }
    a = cJSON_AddArrayToObject(root, "skipped");
    for (i = 0; i < res->n_skipped; i++) {
        const chiso_trend_skip *k = &res->skipped[i];
        cJSON *q = cJSON_CreateObject();
        cJSON_AddItemToObject(q, "line",
                              cJSON_CreateNumber((double)k->row->line));
        cJSON_AddItemToObject(q, "unit_code",
                              cJSON_CreateString(k->row->unit_code));
        cJSON_AddItemToObject(q, "unit", cJSON_CreateString(k->row->unit));
        cJSON_AddItemToObject(q, "year", cJSON_CreateNumber(k->row->year));
        cJSON_AddItemToObject(
            q, "value",
            k->row->has_value
                ? chiso_json_fixed(k->row->value, k->row->value_decimals)
                : cJSON_CreateNull());
        cJSON_AddItemToObject(q, "reason", str_or_null(k->reason));
        cJSON_AddItemToArray(a, q);
    }
    return root;
}

/* ---- latest facts for reports ------------------------------------------ */

void
chiso_latest_clear(chiso_latest *l)
{
    if (l == NULL) {
        return;
    }
    chiso_trend_free(l->trend);
    memset(l, 0, sizeof(*l));
}

chiso_status
chiso_published_latest(const chiso_published *store,
                       const char *index,
                       const char *unit,
                       chiso_latest *out,
                       chiso_diag *diag)
{
    chiso_trend_options o = CHISO_TREND_OPTIONS_INIT;
    size_t i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < store->n; i++) {
        const chiso_pub_row *r = &store->rows[i];
        if (strcmp(r->index, index) != 0 || r->component_id[0] != '\0' ||
            !r->preferred || r->status != CHISO_PUB_PUBLISHED ||
            !chiso_published_unit_matches(r, unit)) {
            continue;
        }
        /* the latest by time: a year's second half after its first */
        if (out->latest == NULL ||
            chiso_pub_row_time(r) > chiso_pub_row_time(out->latest)) {
            out->latest = r;
        }
        if (r->has_value &&
            (out->latest_value == NULL ||
             chiso_pub_row_time(r) > chiso_pub_row_time(out->latest_value))) {
            out->latest_value = r;
        }
        if (r->rank > 0 &&
            (out->latest_rank == NULL ||
             chiso_pub_row_time(r) > chiso_pub_row_time(out->latest_rank))) {
            out->latest_rank = r;
        }
    }
    if (out->latest == NULL) {
        return chiso_diag_set(diag, CHISO_EDATA, store->path, 0, 0,
                              "no published %s value or rank for unit '%s'",
                              index, unit);
    }
    o.index = index;
    o.unit = out->latest->unit_code;
    o.lang = diag != NULL && diag->lang == CHISO_LANG_EN ? CHISO_LANG_EN
                                                         : CHISO_LANG_VI;
    return chiso_trend_compute(&out->trend, store, &o, diag);
}

static cJSON *
last_segment_json(const chiso_trend_series *s)
{
    if (s->n_segments == 0) {
        return cJSON_CreateNull();
    }
    return segment_json(s, &s->segments[s->n_segments - 1]);
}

cJSON *
chiso_latest_to_json(const chiso_latest *l)
{
    cJSON *o = cJSON_CreateObject();
    const chiso_trend_unit *u =
        l->trend && l->trend->n_units > 0 ? &l->trend->units[0] : NULL;

    cJSON_AddItemToObject(o, "index",
                          l->latest ? cJSON_CreateString(l->latest->index)
                                    : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "unit_code",
                          l->latest ? cJSON_CreateString(l->latest->unit_code)
                                    : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "unit",
                          l->latest ? cJSON_CreateString(l->latest->unit)
                                    : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "latest", chiso_pub_row_to_json(l->latest));
    cJSON_AddItemToObject(o, "latest_value",
                          chiso_pub_row_to_json(l->latest_value));
    cJSON_AddItemToObject(o, "latest_rank",
                          chiso_pub_row_to_json(l->latest_rank));
    cJSON_AddItemToObject(o, "value_trend",
                          u ? last_segment_json(&u->values)
                            : cJSON_CreateNull());
    cJSON_AddItemToObject(
        o, "rank_trend", u ? last_segment_json(&u->ranks) : cJSON_CreateNull());
    return o;
}

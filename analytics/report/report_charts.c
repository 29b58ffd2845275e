/*
 * report_charts.c - the pack's charts, built from computed results.
 *
 * Five charts, each with a caption and a one-sentence reading written from
 * the same numbers: the areas as % of their maximum (radar), where points
 * were lost (waterfall), the service and task rates by month for this
 * period and the previous one (heatmap), the province's ranks across years
 * (trend of rank series), and the province against its peers on the latest
 * PAR INDEX with published values (bars).
 *
 * Honesty rules (issue 10): every number a reading quotes from a chart is
 * written by chiso_chart_format_value on that chart, so the sentence and
 * the picture carry the same decimals; ranks are drawn on a rank axis
 * (1 at the top, down to the number ranked), never joined across a
 * methodology break of their index or between two different totals, and
 * derived ranks are drawn hollow; peer bars carry the published rank
 * ("29/63") or none.
 *
 * A chart that cannot be drawn - no data for it, or data the chart refuses
 * (a heatmap whose every cell is empty: the unit has no dossier in either
 * period) - is left out: its reason is kept for the brief and the summary,
 * and a typed warning "chart_left_out" is recorded (chiso_report__chart_warnings;
 * docs/warnings.md). The pack is still written.
 *
 * Words come from the message catalogue (English msgids,
 * analytics/util/po/vi.po).
 */
#define _POSIX_C_SOURCE 200809L
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHART_W   REPORT_CHART_W
#define CHART_H   REPORT_CHART_H
#define MAX_AREAS 32
#define MAX_YEARS 64

enum { CH_AREAS, CH_LOST, CH_MONTHS, CH_RANKS, CH_PEERS };

static const char *const chart_base[REPORT_CHARTS] = {
    "chart-areas", "chart-points-lost", "chart-rates-by-month",
    "chart-province-ranks", "chart-par-peers"};

/* Decimals of the numbers each chart writes and its reading quotes. */
#define DEC_AREAS  1 /* % of the maximum */
#define DEC_LOST   2 /* points, as scored */
#define DEC_MONTHS 1 /* % of dossiers or tasks */

static chiso_lang
lang_of(const struct rp *R)
{
    return R->en ? CHISO_LANG_EN : CHISO_LANG_VI;
}

/* The catalogue's text for an English msgid, in the report's language. */
#define M(R, msgid) chiso_msg(lang_of(R), msgid)

static chiso_status
new_chart(struct rp *R,
          int which,
          chiso_plot_kind kind,
          const char *title,
          const char *subtitle,
          const char *source)
{
    struct report_chart *c = &R->charts[which];
    chiso_status st = chiso_chart_new(&c->chart, kind);

    if (st != CHISO_OK) {
        return st;
    }
    chiso_chart_set_lang(c->chart,
                         R->en ? CHISO_PLOT_LANG_EN : CHISO_PLOT_LANG_VI);
    if (chiso_chart_set_text(c->chart, CHISO_PLOT_TITLE, title) != CHISO_OK ||
        chiso_chart_set_text(c->chart, CHISO_PLOT_SUBTITLE, subtitle) !=
            CHISO_OK ||
        chiso_chart_set_text(c->chart, CHISO_PLOT_SOURCE, source) != CHISO_OK) {
        return CHISO_ENOMEM;
    }
    return CHISO_OK;
}

/*
 * Leave chart `which` out: keep why (already in the report's language)
 * for the brief and the summary, record the typed warning and add it to
 * the report's warnings.
 */
static void
left_out(struct rp *R, int which, const char *why)
{
    struct report_chart *c = &R->charts[which];
    chiso_diag *w = &c->missing;

    chiso_chart_free(c->chart);
    c->chart = NULL;
    chiso_textf(c->why_missing, sizeof(c->why_missing), "%s", why);
    chiso_diag_clear(w);
    w->lang = lang_of(R);
    chiso_diag_set(w, CHISO_EDATA, NULL, 0, 0, "chart '%s' left out: %s",
                   c->base, why);
    w->kind = "chart_left_out";
    w->severity = CHISO_SEVERITY_WARNING;
    chiso_report__warn(R, "%s", w->message);
}

chiso_status
chiso_report__chart_warnings(const struct rp *R, chiso_diag_list *list)
{
    size_t i;

    for (i = 0; i < REPORT_CHARTS; i++) {
        const struct report_chart *c = &R->charts[i];
        if (c->chart == NULL && c->missing.kind != NULL &&
            chiso_diag_list_add(list, &c->missing) != CHISO_OK) {
            return CHISO_ENOMEM;
        }
    }
    return CHISO_OK;
}

/* Format v as chart `which` writes it (same decimals, same separator). */
static void
value_text(const struct rp *R, int which, double v, char *out, size_t cap)
{
    chiso_chart_format_value(R->charts[which].chart, v, out, cap);
}

/* ---- 1. areas as % of their maximum ----------------------------------- */

static chiso_status
chart_areas(struct rp *R)
{
    size_t areas[MAX_AREAS], n = chiso_report__areas(R, areas, MAX_AREAS), i,
                             k = 0;
    size_t lo = 0, hi = 0;
    double lo_pct = HUGE_VAL, hi_pct = -HUGE_VAL;
    char sub[600], a[64], b[64];
    chiso_status st;

    chiso_textf(sub, sizeof(sub), "%s — %s", R->cfg->unit_name,
                R->period_label);
    st = new_chart(R, CH_AREAS, CHISO_PLOT_RADAR,
                   M(R, "Self-assessment by area (% of maximum)"), sub,
                   R->fw->name);
    if (st == CHISO_OK) {
        st = chiso_chart_set_decimals(R->charts[CH_AREAS].chart, DEC_AREAS);
    }
    if (st != CHISO_OK) {
        return chiso_diag_set(R->diag, st, NULL, 0, 0,
                              "cannot build the areas chart");
    }
    for (i = 0; i < n; i++) {
        const chiso_node *nd = &R->fw->nodes[areas[i]];
        const chiso_node_score *ns = &R->score->nodes[areas[i]];
        double pct;
        if (!(ns->applicable_max > 0)) {
            continue;
        }
        /* the radar draws points / max x 100: the same expression */
        pct = ns->points / ns->applicable_max * 100;
        st = chiso_chart_add_radar(R->charts[CH_AREAS].chart, NULL, nd->name,
                                   ns->points, ns->applicable_max);
        if (st != CHISO_OK) {
            return chiso_diag_set(R->diag, st, NULL, 0, 0,
                                  "cannot build the areas chart");
        }
        if (pct < lo_pct) {
            lo_pct = pct;
            lo = areas[i];
        }
        if (pct > hi_pct) {
            hi_pct = pct;
            hi = areas[i];
        }
        k++;
    }
    if (k < 3) {
        left_out(R, CH_AREAS, M(R, "needs at least 3 applicable areas"));
        return CHISO_OK;
    }
    value_text(R, CH_AREAS, lo_pct, a, sizeof(a));
    value_text(R, CH_AREAS, hi_pct, b, sizeof(b));
    chiso_textf(R->charts[CH_AREAS].reading,
                sizeof(R->charts[CH_AREAS].reading),
                M(R, "The weakest area is \"%s\" at %s %% of its maximum; the "
                     "strongest is \"%s\" at %s %%."),
                R->fw->nodes[lo].name, a, R->fw->nodes[hi].name, b);
    chiso_textf(R->charts[CH_AREAS].caption,
                sizeof(R->charts[CH_AREAS].caption), "%s",
                M(R, "Result by area"));
    return CHISO_OK;
}

/* ---- 2. where points were lost ----------------------------------------- */

static chiso_status
chart_lost(struct rp *R)
{
    size_t areas[MAX_AREAS], n = chiso_report__areas(R, areas, MAX_AREAS), i;
    size_t worst = 0;
    double worst_lost = -1, total_lost = 0;
    char sub[600], a[64], b[64], c[64];
    chiso_status st;

    chiso_textf(sub, sizeof(sub), "%s — %s", R->cfg->unit_name,
                R->period_label);
    st = new_chart(R, CH_LOST, CHISO_PLOT_WATERFALL,
                   M(R, "Points lost by area"), sub, R->fw->name);
    if (st == CHISO_OK) {
        st = chiso_chart_set_decimals(R->charts[CH_LOST].chart, DEC_LOST);
    }
    if (st != CHISO_OK) {
        return chiso_diag_set(R->diag, st, NULL, 0, 0,
                              "cannot build the points-lost chart");
    }
    if (!(R->score->applicable_max > 0)) {
        left_out(R, CH_LOST, M(R, "no criterion applies"));
        return CHISO_OK;
    }
    st =
        chiso_chart_set_max(R->charts[CH_LOST].chart, R->score->applicable_max);
    for (i = 0; i < n && st == CHISO_OK; i++) {
        const chiso_node_score *ns = &R->score->nodes[areas[i]];
        double lost = chiso_round_half_up(ns->applicable_max - ns->points, 2);
        if (!(ns->applicable_max > 0)) {
            continue;
        }
        if (lost < 0) {
            lost = 0;
        }
        st = chiso_chart_add_step(R->charts[CH_LOST].chart,
                                  R->fw->nodes[areas[i]].name, lost);
        total_lost += lost;
        if (lost > worst_lost) {
            worst_lost = lost;
            worst = areas[i];
        }
    }
    if (st != CHISO_OK) {
        return chiso_diag_set(R->diag, st, NULL, 0, 0,
                              "cannot build the points-lost chart");
    }
    value_text(R, CH_LOST, total_lost, a, sizeof(a));
    value_text(R, CH_LOST, R->score->applicable_max, b, sizeof(b));
    value_text(R, CH_LOST, worst_lost, c, sizeof(c));
    chiso_textf(R->charts[CH_LOST].reading, sizeof(R->charts[CH_LOST].reading),
                M(R, "%s points are lost out of %s applicable; the most, %s, "
                     "in \"%s\"."),
                a, b, c, R->fw->nodes[worst].name);
    chiso_textf(R->charts[CH_LOST].caption, sizeof(R->charts[CH_LOST].caption),
                "%s", M(R, "From the maximum to the score"));
    return CHISO_OK;
}

/* ---- 3. rates by month ---------------------------------------------------- */

static chiso_status
chart_months(struct rp *R)
{
    static const char *const rate_names[6] = {
        N_("Submitted online"), N_("On time"),   N_("Components signed"),
        N_("Result signed"),    N_("Digitised"), N_("Tasks on time")};
    int64_t m_first = R->prev_first_day, m_end = R->end_day;
    int32_t m0, m1, m;
    chiso_status st = CHISO_OK;
    char sub[600], col[16];
    const chiso_services_row *cur, *prev;
    size_t r;

    if (R->svc_month == NULL && R->tasks_month == NULL) {
        left_out(R, CH_MONTHS, M(R, "no dossier log and no task register"));
        return CHISO_OK;
    }
    chiso_textf(sub, sizeof(sub), M(R, "%s — %s and %s"), R->cfg->unit_name,
                R->prev_label, R->period_label);
    st = new_chart(R, CH_MONTHS, CHISO_PLOT_HEATMAP, M(R, "Rates by month (%)"),
                   sub, M(R, "The unit's dossier log and task register"));
    if (st == CHISO_OK) {
        st = chiso_chart_set_decimals(R->charts[CH_MONTHS].chart, DEC_MONTHS);
    }
    if (st != CHISO_OK) {
        return chiso_diag_set(R->diag, st, NULL, 0, 0,
                              "cannot build the rates-by-month chart");
    }
    m0 = chiso_period_of_day(CHISO_PERIOD_MONTH, m_first);
    m1 = chiso_period_of_day(CHISO_PERIOD_MONTH, m_end - 1);
    for (r = 0; r < 6 && st == CHISO_OK; r++) {
        const char *label = M(R, rate_names[r]);
        if ((r < 5 && R->svc_month == NULL) ||
            (r == 5 && R->tasks_month == NULL)) {
            continue;
        }
        for (m = m0; m <= m1 && st == CHISO_OK; m++) {
            double v = (double)NAN;
            chiso_textf(col, sizeof(col), "%02d/%02d", (int)(m % 12 + 1),
                        (int)(m / 12 % 100));
            if (r < 5) {
                const chiso_services_row *row =
                    chiso_services_find(R->svc_month, R->cfg->unit_code, m);
                if (row != NULL && row->received > 0) {
                    v = r == 0   ? row->online_pct
                        : r == 1 ? row->on_time_pct
                        : r == 2 ? row->components_signed_pct
                        : r == 3 ? row->result_signed_pct
                                 : row->digitized_pct;
                }
            } else {
                const chiso_tasks_row *row =
                    chiso_tasks_find(R->tasks_month, R->cfg->unit_code, m);
                if (row != NULL) {
                    v = row->on_time_pct;
                }
            }
            st =
                chiso_chart_add_cell(R->charts[CH_MONTHS].chart, label, col, v);
        }
    }
    if (st != CHISO_OK) {
        return chiso_diag_set(R->diag, st, NULL, 0, 0,
                              "cannot build the rates-by-month chart");
    }
    chiso_textf(R->charts[CH_MONTHS].caption,
                sizeof(R->charts[CH_MONTHS].caption), "%s",
                M(R, "Monthly rates, previous and current period"));
    cur = chiso_report__svc_row(R, R->idx);
    prev = chiso_report__svc_row(R, R->prev);
    if (cur != NULL && cur->received > 0) {
        char a[64], b[64], c[64];
        value_text(R, CH_MONTHS, cur->online_pct, a, sizeof(a));
        value_text(R, CH_MONTHS, cur->on_time_pct, c, sizeof(c));
        if (prev != NULL && prev->received > 0) {
            value_text(R, CH_MONTHS, prev->online_pct, b, sizeof(b));
            chiso_textf(R->charts[CH_MONTHS].reading,
                        sizeof(R->charts[CH_MONTHS].reading),
                        M(R, "%s %% of dossiers were submitted online in the "
                             "period (%s %% the period before); %s %% of "
                             "finished dossiers were on time."),
                        a, b, c);
        } else {
            chiso_textf(R->charts[CH_MONTHS].reading,
                        sizeof(R->charts[CH_MONTHS].reading),
                        M(R, "%s %% of dossiers were submitted online in the "
                             "period; %s %% of finished dossiers were on "
                             "time."),
                        a, c);
        }
    } else {
        chiso_textf(R->charts[CH_MONTHS].reading,
                    sizeof(R->charts[CH_MONTHS].reading), "%s",
                    M(R, "No dossier in the report period."));
    }
    return CHISO_OK;
}

/* ---- 4. the province's ranks across years ------------------------------- */

static const char *
index_label(const char *index)
{
    return strcmp(index, "PAR_INDEX") == 0 ? "PAR INDEX" : index;
}

/* Is row the preferred total of `index` for the province, with a rank? */
static int
is_rank_row(const struct rp *R, const chiso_pub_row *row, const char *index)
{
    return strcmp(row->index, index) == 0 &&
           strcmp(row->component, "total") == 0 && row->preferred &&
           row->rank > 0 && row->rank_of >= row->rank &&
           chiso_published_unit_matches(row, R->cfg->province);
}

/* One rank series per index: periods in order (a year, or a semester or
 * quarter at its middle: chiso_pub_row_time), one row per period. Returns
 * the number of points; *last is the row of the latest period. */
static size_t
rank_points(const struct rp *R,
            const char *index,
            double *xs,
            double *ys,
            long *of,
            unsigned char *der,
            const chiso_pub_row **last)
{
    size_t n = 0, i, j;

    *last = NULL;
    for (i = 0; i < R->pub->n; i++) {
        const chiso_pub_row *row = &R->pub->rows[i];
        double t = chiso_pub_row_time(row);
        int dup = 0;
        if (!is_rank_row(R, row, index)) {
            continue;
        }
        for (j = 0; j < n; j++) {
            dup |= !(xs[j] < t) && !(xs[j] > t);
        }
        if (dup || n == MAX_YEARS) {
            continue;
        }
        /* rows are not sorted: insert by time */
        j = n;
        while (j > 0 && xs[j - 1] > t) {
            xs[j] = xs[j - 1];
            ys[j] = ys[j - 1];
            of[j] = of[j - 1];
            der[j] = der[j - 1];
            j--;
        }
        xs[j] = t;
        ys[j] = (double)row->rank;
        of[j] = row->rank_of;
        der[j] = (unsigned char)(row->rank_derived != 0);
        n++;
        if (*last == NULL || t > chiso_pub_row_time(*last)) {
            *last = row;
        }
    }
    return n;
}

/* The periods of the charted rows (every index), labelled as written
 * ("2024", "2024-H1", "2024-Q3"): the x ticks when some row is a part of a
 * year. Returns 1 when set, 0 when every row is a whole year (numeric year
 * ticks as before), -1 on memory. */
static int
rank_period_ticks(const struct rp *R, chiso_chart *ch)
{
    double xs[MAX_YEARS];
    char lab[MAX_YEARS][24];
    const char *labp[MAX_YEARS];
    size_t n = 0, i, j, k;
    int parts = 0;

    for (k = 0; k < R->n_indices; k++) {
        for (i = 0; i < R->pub->n; i++) {
            const chiso_pub_row *row = &R->pub->rows[i];
            double t = chiso_pub_row_time(row);
            int dup = 0;
            if (!is_rank_row(R, row, R->index_names[k])) {
                continue;
            }
            for (j = 0; j < n; j++) {
                dup |= !(xs[j] < t) && !(xs[j] > t);
            }
            if (dup || n == MAX_YEARS) {
                continue;
            }
            parts |= row->period_parts > 1;
            j = n;
            while (j > 0 && xs[j - 1] > t) {
                xs[j] = xs[j - 1];
                memcpy(lab[j], lab[j - 1], sizeof(lab[j]));
                j--;
            }
            xs[j] = t;
            chiso_pub_row_period(row, lab[j], sizeof(lab[j]));
            n++;
        }
    }
    if (!parts) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        labp[i] = lab[i];
    }
    return chiso_chart_set_x_tick_labels(ch, xs, labp, n) == CHISO_OK ? 1 : -1;
}

static chiso_status
chart_ranks(struct rp *R)
{
    size_t i, k, n_series = 0;
    chiso_status st;
    char reading[800] = "";
    double xs[MAX_YEARS], ys[MAX_YEARS];
    long of[MAX_YEARS];
    unsigned char der[MAX_YEARS];
    double t_lo = HUGE_VAL, t_hi = -HUGE_VAL;
    int any_derived = 0, periods = 0;
    const char *unit_code = NULL;
    chiso_chart *ch;

    if (R->pub == NULL) {
        left_out(R, CH_RANKS, M(R, "no published-results store"));
        return CHISO_OK;
    }
    st = new_chart(R, CH_RANKS, CHISO_PLOT_TREND, "",
                   M(R, "National rank; 1 = best, at the top. Lines never "
                        "cross a methodology break or join ranks out of "
                        "different totals."),
                   M(R, "chiso's published-results store (each number's "
                        "source in results.csv)"));
    if (st != CHISO_OK) {
        return chiso_diag_set(R->diag, st, NULL, 0, 0,
                              "cannot build the ranks chart");
    }
    ch = R->charts[CH_RANKS].chart;
    for (k = 0; k < R->n_indices; k++) {
        const chiso_pub_row *last;
        size_t n = rank_points(R, R->index_names[k], xs, ys, of, der, &last);
        char part[200];
        if (n == 0) {
            continue;
        }
        unit_code = last->unit_code;
        st = chiso_chart_add_rank_series(ch, index_label(R->index_names[k]), xs,
                                         ys, of, der, n);
        if (st != CHISO_OK) {
            return chiso_diag_set(R->diag, st, NULL, 0, 0,
                                  "cannot build the ranks chart");
        }
        n_series++;
        for (i = 0; i < n; i++) {
            any_derived |= der[i];
        }
        t_lo = xs[0] < t_lo ? xs[0] : t_lo;
        t_hi = xs[n - 1] > t_hi ? xs[n - 1] : t_hi;
        /* the reading names the last point, out of its own total */
        {
            char per[24];
            chiso_pub_row_period(last, per, sizeof(per));
            chiso_textf(
                part, sizeof(part),
                last->rank_derived ? M(R, "%s rank %ld/%ld (%s, computed)")
                                   : M(R, "%s rank %ld/%ld (%s)"),
                index_label(R->index_names[k]), last->rank, last->rank_of, per);
        }
        chiso_textf(reading + strlen(reading),
                    sizeof(reading) - strlen(reading), "%s%s",
                    reading[0] ? "; " : "", part);
    }
    if (n_series == 0) {
        left_out(R, CH_RANKS, M(R, "the store holds no rank for the province"));
        return CHISO_OK;
    }
    /* semesters or quarters: the x axis names the periods */
    periods = rank_period_ticks(R, ch);
    if (periods < 0) {
        return chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0,
                              "out of memory");
    }
    /* breaks inside the charted periods (a break at a year cuts before its
     * first semester or quarter): each cuts the series of the indices it
     * applies to; one label per year names them */
    for (i = 0; i < R->pub->n_breaks; i++) {
        const chiso_pub_break *b = &R->pub->breaks[i];
        char names[200] = "", label[300];
        size_t j;
        int seen = 0;
        if ((double)b->year <= t_lo || (double)b->year > t_hi) {
            continue;
        }
        for (j = 0; j < i; j++) {
            seen |= R->pub->breaks[j].year == b->year;
        }
        if (seen) {
            continue;
        }
        for (k = 0; k < R->n_indices; k++) {
            int applies = 0;
            for (j = 0; j < R->pub->n_breaks; j++) {
                const chiso_pub_break *c = &R->pub->breaks[j];
                applies |= c->year == b->year &&
                           chiso_break_applies(c, R->index_names[k],
                                               unit_code ? unit_code : "", 1);
            }
            if (applies) {
                chiso_textf(names + strlen(names),
                            sizeof(names) - strlen(names), "%s%s",
                            names[0] ? ", " : "",
                            index_label(R->index_names[k]));
            }
        }
        if (names[0] == '\0') {
            continue;
        }
        chiso_textf(label, sizeof(label), M(R, "%d: %s changed its method"),
                    b->year, names);
        for (k = 0; k < R->n_indices && st == CHISO_OK; k++) {
            int applies = 0;
            for (j = 0; j < R->pub->n_breaks; j++) {
                const chiso_pub_break *c = &R->pub->breaks[j];
                applies |= c->year == b->year &&
                           chiso_break_applies(c, R->index_names[k],
                                               unit_code ? unit_code : "", 1);
            }
            if (applies) {
                st = chiso_chart_add_series_break(
                    ch, index_label(R->index_names[k]), b->year, label);
            }
        }
        if (st != CHISO_OK) {
            return chiso_diag_set(R->diag, st, NULL, 0, 0,
                                  "cannot build the ranks chart");
        }
    }
    {
        char title[400];
        chiso_textf(title, sizeof(title), M(R, "Ranks of %s's indices"),
                    R->cfg->province);
        if (chiso_chart_set_text(ch, CHISO_PLOT_TITLE, title) != CHISO_OK ||
            chiso_chart_set_text(ch, CHISO_PLOT_Y_LABEL,
                                 M(R, "Rank (1 = best)")) != CHISO_OK ||
            chiso_chart_set_text(ch, CHISO_PLOT_X_LABEL,
                                 periods ? M(R, "Period") : M(R, "Year")) !=
                CHISO_OK) {
            return chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0,
                                  "out of memory");
        }
    }
    chiso_textf(R->charts[CH_RANKS].reading,
                sizeof(R->charts[CH_RANKS].reading),
                M(R, "Latest ranks: %s. Ranks before and after a methodology "
                     "break, or out of different numbers of provinces, are not "
                     "directly comparable.%s"),
                reading,
                any_derived ? M(R, " Hollow points are ranks computed from "
                                   "published scores, not published ranks.")
                            : "");
    chiso_textf(R->charts[CH_RANKS].caption,
                sizeof(R->charts[CH_RANKS].caption), "%s",
                M(R, "The province's ranks over the years"));
    return CHISO_OK;
}

/* ---- 5. the province against its peers ------------------------------------ */

static int
in_list(char **list, size_t n, const chiso_pub_row *row)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (chiso_published_unit_matches(row, list[i])) {
            return 1;
        }
    }
    return 0;
}

/* A preferred PAR INDEX total with a value, of the province or a peer. */
static int
is_peer_row(const struct rp *R, const chiso_pub_row *row, int year)
{
    return row->year == year && strcmp(row->index, "PAR_INDEX") == 0 &&
           strcmp(row->component, "total") == 0 && row->preferred &&
           row->has_value &&
           (in_list(R->cfg->compare_units, R->cfg->n_compare_units, row) ||
            chiso_published_unit_matches(row, R->cfg->province));
}

static chiso_status
chart_peers(struct rp *R)
{
    int year, best_year = 0, dec = 0;
    size_t i, best_n = 0;
    chiso_status st;
    char title[200], a[64];
    const chiso_pub_row *top = NULL, *mine = NULL;
    chiso_chart *ch;

    if (R->pub == NULL || R->cfg->n_compare_units == 0) {
        left_out(R, CH_PEERS, M(R, "no store or no comparison units"));
        return CHISO_OK;
    }
    /* the latest year in which at least 3 of the units have a value */
    for (year = 2000; year <= 2100; year++) {
        size_t n = 0;
        for (i = 0; i < R->pub->n; i++) {
            n += (size_t)is_peer_row(R, &R->pub->rows[i], year);
        }
        if (n >= 3) {
            best_year = year;
            best_n = n;
        }
    }
    if (best_year == 0) {
        left_out(R, CH_PEERS,
                 M(R, "no year with PAR INDEX values for 3 of the units"));
        return CHISO_OK;
    }
    chiso_textf(title, sizeof(title),
                M(R, "PAR INDEX %d: comparison provinces"), best_year);
    st = new_chart(R, CH_PEERS, CHISO_PLOT_BARS, title,
                   M(R, "Published score (%); shading: Group A ≥ 90 %, Group "
                        "B 80 – under 90 %; in brackets the published rank"),
                   M(R, "chiso's published-results store (sources in "
                        "results.csv)"));
    if (st != CHISO_OK) {
        return chiso_diag_set(R->diag, st, NULL, 0, 0,
                              "cannot build the peers chart");
    }
    ch = R->charts[CH_PEERS].chart;
    st = chiso_chart_add_band(ch, 90, 100, M(R, "Group A"));
    if (st == CHISO_OK) {
        st = chiso_chart_add_band(ch, 80, 90, M(R, "Group B"));
    }
    for (i = 0; i < R->pub->n && st == CHISO_OK; i++) {
        const chiso_pub_row *row = &R->pub->rows[i];
        int is_mine;
        long rank = 0, rank_of = 0;
        if (!is_peer_row(R, row, best_year)) {
            continue;
        }
        is_mine = chiso_published_unit_matches(row, R->cfg->province);
        /* the published rank, or none: never the bar's position, never a
         * rank computed by arithmetic */
        if (row->rank > 0 && row->rank_of >= row->rank && !row->rank_derived) {
            rank = row->rank;
            rank_of = row->rank_of;
        }
        st = chiso_chart_add_ranked_bar(ch, row->unit, row->value, NULL, rank,
                                        rank_of);
        if (row->value_decimals > dec) {
            dec = row->value_decimals;
        }
        if (top == NULL || row->value > top->value) {
            top = row;
        }
        if (is_mine) {
            mine = row;
        }
    }
    /* the values as published (at most 2 decimals), in chart and reading */
    if (st == CHISO_OK) {
        st = chiso_chart_set_decimals(ch, dec > 2 ? 2 : dec);
    }
    if (st == CHISO_OK) {
        st = chiso_chart_set_highlight(ch, R->cfg->province);
    }
    if (st != CHISO_OK || top == NULL) {
        return chiso_diag_set(R->diag, st != CHISO_OK ? st : CHISO_EINVAL, NULL,
                              0, 0, "cannot build the peers chart");
    }
    value_text(R, CH_PEERS, top->value, a, sizeof(a));
    if (mine != NULL) {
        char b[64];
        value_text(R, CH_PEERS, mine->value, b, sizeof(b));
        chiso_textf(R->charts[CH_PEERS].reading,
                    sizeof(R->charts[CH_PEERS].reading),
                    M(R, "In %d, %s leads the %zu units with a value (%s %%); "
                         "%s scores %s %%."),
                    best_year, top->unit, best_n, a, R->cfg->province, b);
    } else {
        /* say what is known about the province instead */
        const chiso_pub_row *rank = NULL;
        for (i = 0; i < R->pub->n; i++) {
            const chiso_pub_row *row = &R->pub->rows[i];
            if (row->year == best_year && is_rank_row(R, row, "PAR_INDEX")) {
                rank = row;
            }
        }
        if (rank != NULL) {
            chiso_textf(R->charts[CH_PEERS].reading,
                        sizeof(R->charts[CH_PEERS].reading),
                        rank->rank_derived
                            ? M(R, "In %d, %s leads the %zu units with a value "
                                   "(%s %%); %s has no published score, only a "
                                   "rank computed from published scores, "
                                   "%ld/%ld, so it is not drawn.")
                            : M(R,
                                "In %d, %s leads the %zu units with a value "
                                "(%s %%); %s has no published score, only its "
                                "rank %ld/%ld, so it is not drawn."),
                        best_year, top->unit, best_n, a, R->cfg->province,
                        rank->rank, rank->rank_of);
        } else {
            chiso_textf(R->charts[CH_PEERS].reading,
                        sizeof(R->charts[CH_PEERS].reading),
                        M(R, "In %d, %s leads the %zu units with a value (%s "
                             "%%); %s has no published score that year."),
                        best_year, top->unit, best_n, a, R->cfg->province);
        }
    }
    chiso_textf(R->charts[CH_PEERS].caption,
                sizeof(R->charts[CH_PEERS].caption), "%s",
                M(R, "Comparison with peers"));
    return CHISO_OK;
}

/*
 * A chart the plots library refuses to draw (its data checks, run without
 * fonts) is left out with the library's reason, in the report's language.
 */
static void
leave_out_undrawable(struct rp *R, int which)
{
    struct report_chart *c = &R->charts[which];
    chiso_diag d;

    if (c->chart == NULL) {
        return;
    }
    chiso_diag_clear(&d);
    d.lang = lang_of(R);
    if (chiso_plot_check(c->chart, CHART_W, CHART_H, &d) == CHISO_EDATA) {
        left_out(R, which, d.message);
    }
}

chiso_status
chiso_report__build_charts(struct rp *R)
{
    chiso_status st;
    size_t i;

    for (i = 0; i < REPORT_CHARTS; i++) {
        R->charts[i].base = chart_base[i];
        chiso_diag_clear(&R->charts[i].missing);
    }
    st = chart_areas(R);
    if (st == CHISO_OK) {
        st = chart_lost(R);
    }
    if (st == CHISO_OK) {
        st = chart_months(R);
    }
    if (st == CHISO_OK) {
        st = chart_ranks(R);
    }
    if (st == CHISO_OK) {
        st = chart_peers(R);
    }
    for (i = 0; st == CHISO_OK && i < REPORT_CHARTS; i++) {
        leave_out_undrawable(R, (int)i);
    }
    if (st != CHISO_OK && R->diag != NULL && R->diag->code == CHISO_OK) {
        chiso_diag_set(R->diag, st, NULL, 0, 0, "cannot build the charts");
    }
    return st;
}

chiso_status
chiso_report__charts_start(struct rp *R)
{
    chiso_plot_write_options o;
    size_t i;
    char name[128];

    /* one pack, one sync: the files are written without a sync each and
     * the folder is synced when the pack is committed */
    chiso_plot_write_options_init(&o);
    o.width = CHART_W;
    o.height = CHART_H;
    o.no_sync = 1;
    memset(R->jobs, 0, sizeof(R->jobs));
    R->n_jobs = 0;
    for (i = 0; i < REPORT_CHARTS; i++) {
        chiso_plot_job *j = &R->jobs[R->n_jobs];
        if (R->charts[i].chart == NULL) {
            continue;
        }
        /* each chart is laid out once for its PNG, its SVG and the web
         * page's copy of the SVG (kept for chiso_report__write_html) */
        chiso_textf(name, sizeof(name), "%s.png", R->charts[i].base);
        j->png_path = chiso_report__path(R, name);
        if (chiso_report__add_file(R, name) == CHISO_OK) {
            chiso_textf(name, sizeof(name), "%s.svg", R->charts[i].base);
            j->svg_path = chiso_report__path(R, name);
        }
        if (j->svg_path == NULL ||
            chiso_report__add_file(R, name) != CHISO_OK || R->oom) {
            return chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0,
                                  "out of memory");
        }
        j->chart = R->charts[i].chart;
        j->keep_svg = 1;
        R->job_of[R->n_jobs++] = i;
    }
    return chiso_plot_batch_new(&R->batch, R->jobs, R->n_jobs, &o, R->diag);
}

chiso_status
chiso_report__charts_wait(struct rp *R)
{
    chiso_status st = chiso_plot_batch_wait(R->batch, R->diag);
    size_t i;

    for (i = 0; i < R->n_jobs; i++) {
        /* the results move to the chart (freed with it) */
        R->jobs[i].png_path = R->jobs[i].svg_path = NULL;
        R->charts[R->job_of[i]].drawn = R->jobs[i];
        memset(&R->jobs[i], 0, sizeof(R->jobs[i]));
    }
    R->n_jobs = 0;
    return st;
}

void
chiso_report__free_charts(struct rp *R)
{
    size_t i;

    for (i = 0; i < REPORT_CHARTS; i++) {
        chiso_chart_free(R->charts[i].chart);
        R->charts[i].chart = NULL;
        chiso_plot_job_clear(&R->charts[i].drawn);
        chiso_plot_job_clear(&R->jobs[i]);
    }
    chiso_plot_batch_free(R->batch);
    R->batch = NULL;
}

/*
 * report_charts.c - the pack's charts, built from computed results.
 *
 * Five charts, each with a caption and a one-sentence reading written from
 * the same numbers: the areas as % of their maximum (radar), where points
 * were lost (waterfall), the service and task rates by month for this
 * period and the previous one (heatmap), the province's ranks across years
 * with methodology breaks (trend), and the province against its peers on
 * the latest PAR INDEX with published values (bars). A chart without data
 * is skipped and the reason is kept for the brief and the summary.
 */
#define _POSIX_C_SOURCE 200809L
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHART_W   1200
#define CHART_H   800
#define MAX_AREAS 32

enum { CH_AREAS, CH_LOST, CH_MONTHS, CH_RANKS, CH_PEERS };

static const char *const chart_base[REPORT_CHARTS] = {
    "chart-areas", "chart-points-lost", "chart-rates-by-month",
    "chart-province-ranks", "chart-par-peers"};

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
    chiso_chart_set_text(c->chart, CHISO_PLOT_TITLE, title);
    chiso_chart_set_text(c->chart, CHISO_PLOT_SUBTITLE, subtitle);
    chiso_chart_set_text(c->chart, CHISO_PLOT_SOURCE, source);
    return CHISO_OK;
}

static void
drop_chart(struct rp *R, int which, const char *why)
{
    struct report_chart *c = &R->charts[which];

    chiso_chart_free(c->chart);
    c->chart = NULL;
    chiso_textf(c->why_missing, sizeof(c->why_missing), "%s", why);
}

/* ---- 1. areas as % of their maximum ----------------------------------- */

static chiso_status
chart_areas(struct rp *R)
{
    size_t areas[MAX_AREAS], n = report_areas(R, areas, MAX_AREAS), i, k = 0;
    size_t lo = 0, hi = 0;
    double lo_pct = HUGE_VAL, hi_pct = -HUGE_VAL;
    char sub[300], a[32], b[32];
    chiso_status st;

    chiso_textf(sub, sizeof(sub), "%s — %s", R->cfg->unit_name,
                R->period_label);
    st = new_chart(R, CH_AREAS, CHISO_PLOT_RADAR,
                   RT(R, "Kết quả tự đánh giá theo lĩnh vực (% số điểm tối đa)",
                      "Self-assessment by area (% of maximum)"),
                   sub, R->fw->name);
    if (st != CHISO_OK) {
        return st;
    }
    for (i = 0; i < n; i++) {
        const chiso_node *nd = &R->fw->nodes[areas[i]];
        const chiso_node_score *ns = &R->score->nodes[areas[i]];
        double pct;
        if (!(ns->applicable_max > 0)) {
            continue;
        }
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
        drop_chart(R, CH_AREAS,
                   RT(R, "cần ít nhất 3 lĩnh vực được áp dụng",
                      "needs at least 3 applicable areas"));
        return CHISO_OK;
    }
    report_num(R, lo_pct, 2, a, sizeof(a));
    report_num(R, hi_pct, 2, b, sizeof(b));
    chiso_textf(
        R->charts[CH_AREAS].reading, sizeof(R->charts[CH_AREAS].reading),
        R->en ? "The weakest area is \"%s\" at %s %% of its maximum; the "
                "strongest is \"%s\" at %s %%."
              : "Lĩnh vực thấp nhất là \"%s\", đạt %s %% số điểm tối đa; "
                "cao nhất là \"%s\", đạt %s %%.",
        R->fw->nodes[lo].name, a, R->fw->nodes[hi].name, b);
    chiso_textf(R->charts[CH_AREAS].caption,
                sizeof(R->charts[CH_AREAS].caption), "%s",
                RT(R, "Kết quả theo lĩnh vực", "Result by area"));
    return CHISO_OK;
}

/* ---- 2. where points were lost ----------------------------------------- */

static chiso_status
chart_lost(struct rp *R)
{
    size_t areas[MAX_AREAS], n = report_areas(R, areas, MAX_AREAS), i;
    size_t worst = 0;
    double worst_lost = -1, total_lost = 0;
    char sub[300], a[32], b[32], c[32];
    chiso_status st;

    chiso_textf(sub, sizeof(sub), "%s — %s", R->cfg->unit_name,
                R->period_label);
    st = new_chart(R, CH_LOST, CHISO_PLOT_WATERFALL,
                   RT(R, "Điểm bị mất theo lĩnh vực", "Points lost by area"),
                   sub, R->fw->name);
    if (st != CHISO_OK) {
        return st;
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
    if (!(R->score->applicable_max > 0)) {
        drop_chart(R, CH_LOST,
                   RT(R, "không có tiêu chí nào được áp dụng",
                      "no criterion applies"));
        return CHISO_OK;
    }
    report_num(R, total_lost, 2, a, sizeof(a));
    report_num(R, R->score->applicable_max, 2, b, sizeof(b));
    report_num(R, worst_lost, 2, c, sizeof(c));
    chiso_textf(R->charts[CH_LOST].reading, sizeof(R->charts[CH_LOST].reading),
                R->en
                    ? "%s points are lost out of %s applicable; the most, %s, "
                      "in \"%s\"."
                    : "Tổng cộng mất %s điểm trên %s điểm áp dụng; nhiều nhất "
                      "là %s điểm ở lĩnh vực \"%s\".",
                a, b, c, R->fw->nodes[worst].name);
    chiso_textf(R->charts[CH_LOST].caption, sizeof(R->charts[CH_LOST].caption),
                "%s",
                RT(R, "Từ điểm tối đa đến điểm đạt được",
                   "From the maximum to the score"));
    return CHISO_OK;
}

/* ---- 3. rates by month ---------------------------------------------------- */

static chiso_status
chart_months(struct rp *R)
{
    int64_t m_first = R->prev_first_day, m_end = R->end_day;
    int32_t m0, m1, m;
    chiso_status st = CHISO_OK;
    char sub[300], col[16];
    const chiso_services_row *cur, *prev;
    static const char *const rate_vi[] = {
        "Nộp trực tuyến", "Giải quyết đúng hạn", "Ký số thành phần",
        "Ký số kết quả", "Số hóa hồ sơ"};
    static const char *const rate_en[] = {"Submitted online", "On time",
                                          "Components signed", "Result signed",
                                          "Digitised"};
    size_t r;

    if (R->svc_month == NULL && R->tasks_month == NULL) {
        drop_chart(R, CH_MONTHS,
                   RT(R, "không có sổ hồ sơ và sổ nhiệm vụ",
                      "no dossier log and no task register"));
        return CHISO_OK;
    }
    chiso_textf(sub, sizeof(sub), "%s — %s %s %s", R->cfg->unit_name,
                R->prev_label, RT(R, "và", "and"), R->period_label);
    st = new_chart(R, CH_MONTHS, CHISO_PLOT_HEATMAP,
                   RT(R, "Tỷ lệ theo tháng (%)", "Rates by month (%)"), sub,
                   RT(R, "Sổ theo dõi hồ sơ và sổ nhiệm vụ của đơn vị",
                      "The unit's dossier log and task register"));
    if (st != CHISO_OK) {
        return st;
    }
    m0 = chiso_period_of_day(CHISO_PERIOD_MONTH, m_first);
    m1 = chiso_period_of_day(CHISO_PERIOD_MONTH, m_end - 1);
    for (r = 0; r < 6 && st == CHISO_OK; r++) {
        const char *label = R->en ? (r < 5 ? rate_en[r] : "Tasks on time")
                                  : (r < 5 ? rate_vi[r] : "Nhiệm vụ đúng hạn");
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
                RT(R, "Tỷ lệ theo tháng, kỳ trước và kỳ báo cáo",
                   "Monthly rates, previous and current period"));
    cur = report_svc_row(R, R->idx);
    prev = report_svc_row(R, R->prev);
    if (cur != NULL && cur->received > 0) {
        char a[32], b[32], c[32];
        report_num(R, cur->online_pct, 2, a, sizeof(a));
        report_num(R, cur->on_time_pct, 2, c, sizeof(c));
        if (prev != NULL && prev->received > 0) {
            report_num(R, prev->online_pct, 2, b, sizeof(b));
            chiso_textf(R->charts[CH_MONTHS].reading,
                        sizeof(R->charts[CH_MONTHS].reading),
                        R->en
                            ? "%s %% of dossiers were submitted online in the "
                              "period (%s %% the period before); %s %% of "
                              "finished dossiers were on time."
                            : "%s %% hồ sơ nộp trực tuyến trong kỳ (kỳ trước "
                              "%s %%); %s %% hồ sơ đã giải quyết đúng hạn.",
                        a, b, c);
        } else {
            chiso_textf(R->charts[CH_MONTHS].reading,
                        sizeof(R->charts[CH_MONTHS].reading),
                        R->en
                            ? "%s %% of dossiers were submitted online in the "
                              "period; %s %% of finished dossiers were on "
                              "time."
                            : "%s %% hồ sơ nộp trực tuyến trong kỳ; %s %% hồ "
                              "sơ đã giải quyết đúng hạn.",
                        a, c);
        }
    } else {
        chiso_textf(R->charts[CH_MONTHS].reading,
                    sizeof(R->charts[CH_MONTHS].reading), "%s",
                    RT(R, "Không có hồ sơ nào trong kỳ báo cáo.",
                       "No dossier in the report period."));
    }
    return CHISO_OK;
}

/* ---- 4. the province's ranks across years ------------------------------- */

static const char *
index_label(const char *index)
{
    return strcmp(index, "PAR_INDEX") == 0 ? "PAR INDEX" : index;
}

static chiso_status
chart_ranks(struct rp *R)
{
    size_t i, k, n_series = 0;
    chiso_status st;
    char sub[300], reading[400] = "";
    double xs[64], ys[64];
    int years_lo = 9999, years_hi = 0;
    const char *unit_code = NULL;

    if (R->pub == NULL) {
        drop_chart(R, CH_RANKS,
                   RT(R, "không có kho số liệu công bố",
                      "no published-results store"));
        return CHISO_OK;
    }
    chiso_textf(sub, sizeof(sub), "%s",
                RT(R,
                   "Xếp hạng trong cả nước; 1 = cao nhất. Không nối qua "
                   "điểm gãy phương pháp.",
                   "National rank; 1 = best. Lines never cross a "
                   "methodology break."));
    st = new_chart(R, CH_RANKS, CHISO_PLOT_TREND, "", sub,
                   RT(R,
                      "Kho số liệu công bố của chiso (nguồn từng số liệu "
                      "trong results.csv)",
                      "chiso's published-results store (each number's "
                      "source in results.csv)"));
    if (st != CHISO_OK) {
        return st;
    }
    for (k = 0; k < R->n_indices; k++) {
        size_t n = 0;
        for (i = 0; i < R->pub->n && n < 64; i++) {
            const chiso_pub_row *row = &R->pub->rows[i];
            if (strcmp(row->index, R->index_names[k]) != 0 ||
                strcmp(row->component, "total") != 0 || !row->preferred ||
                row->rank <= 0 ||
                !chiso_published_unit_matches(row, R->cfg->province)) {
                continue;
            }
            unit_code = row->unit_code;
            /* rows are not sorted: insert by year, skipping repeats */
            {
                size_t j = n;
                int dup = 0;
                for (j = 0; j < n; j++) {
                    if ((int)xs[j] == row->year) {
                        dup = 1;
                    }
                }
                if (dup) {
                    continue;
                }
                j = n;
                while (j > 0 && xs[j - 1] > row->year) {
                    xs[j] = xs[j - 1];
                    ys[j] = ys[j - 1];
                    j--;
                }
                xs[j] = row->year;
                ys[j] = (double)row->rank;
                n++;
            }
        }
        if (n == 0) {
            continue;
        }
        st = chiso_chart_add_series(R->charts[CH_RANKS].chart,
                                    index_label(R->index_names[k]), xs, ys,
                                    NULL, NULL, n);
        if (st != CHISO_OK) {
            return chiso_diag_set(R->diag, st, NULL, 0, 0,
                                  "cannot build the ranks chart");
        }
        n_series++;
        if ((int)xs[0] < years_lo) {
            years_lo = (int)xs[0];
        }
        if ((int)xs[n - 1] > years_hi) {
            years_hi = (int)xs[n - 1];
        }
        /* the reading names the last point with its rank_of */
        for (i = 0; i < R->pub->n; i++) {
            const chiso_pub_row *row = &R->pub->rows[i];
            if (strcmp(row->index, R->index_names[k]) == 0 &&
                strcmp(row->component, "total") == 0 && row->preferred &&
                row->year == (int)xs[n - 1] && row->rank > 0 &&
                chiso_published_unit_matches(row, R->cfg->province)) {
                char part[160];
                chiso_textf(
                    part, sizeof(part), "%s%s %s %ld/%ld (%d)",
                    reading[0] ? "; " : "", index_label(R->index_names[k]),
                    RT(R, "hạng", "rank"), row->rank, row->rank_of, row->year);
                strncat(reading, part, sizeof(reading) - strlen(reading) - 1);
                break;
            }
        }
    }
    if (n_series == 0) {
        drop_chart(R, CH_RANKS,
                   RT(R, "kho số liệu không có thứ hạng nào của tỉnh",
                      "the store holds no rank for the province"));
        return CHISO_OK;
    }
    /* breaks inside the charted years, one rule per year */
    for (i = 0; i < R->pub->n_breaks; i++) {
        const chiso_pub_break *b = &R->pub->breaks[i];
        char label[200] = "";
        size_t j;
        int applies = 0, seen = 0;
        if (b->year <= years_lo || b->year > years_hi) {
            continue;
        }
        for (j = 0; j < i; j++) {
            if (R->pub->breaks[j].year == b->year) {
                seen = 1;
            }
        }
        if (seen) {
            continue;
        }
        for (j = 0; j < R->pub->n_breaks; j++) {
            const chiso_pub_break *c = &R->pub->breaks[j];
            for (k = 0; k < R->n_indices && c->year == b->year; k++) {
                if (chiso_break_applies(c, R->index_names[k],
                                        unit_code ? unit_code : "", 1) &&
                    strstr(label, index_label(R->index_names[k])) == NULL) {
                    chiso_textf(label + strlen(label),
                                sizeof(label) - strlen(label), "%s%s",
                                applies ? ", " : "",
                                index_label(R->index_names[k]));
                    applies = 1;
                }
            }
        }
        if (applies) {
            char full[240];
            chiso_textf(full, sizeof(full), "%d: %s %s", b->year,
                        RT(R, "đổi phương pháp", "method change"), label);
            st =
                chiso_chart_add_break(R->charts[CH_RANKS].chart, b->year, full);
            if (st != CHISO_OK) {
                return chiso_diag_set(R->diag, st, NULL, 0, 0,
                                      "cannot build the ranks chart");
            }
        }
    }
    {
        char title[200];
        chiso_textf(title, sizeof(title), "%s %s",
                    RT(R, "Thứ hạng các chỉ số của tỉnh", "Ranks of"),
                    R->cfg->province);
        chiso_chart_set_text(R->charts[CH_RANKS].chart, CHISO_PLOT_TITLE,
                             title);
        chiso_chart_set_text(R->charts[CH_RANKS].chart, CHISO_PLOT_Y_LABEL,
                             RT(R, "Thứ hạng", "Rank"));
        chiso_chart_set_text(R->charts[CH_RANKS].chart, CHISO_PLOT_X_LABEL,
                             RT(R, "Năm", "Year"));
    }
    chiso_textf(R->charts[CH_RANKS].reading,
                sizeof(R->charts[CH_RANKS].reading), "%s: %s. %s",
                RT(R, "Thứ hạng gần nhất", "Latest ranks"), reading,
                RT(R,
                   "Thứ hạng trước và sau một điểm gãy phương pháp (hoặc "
                   "khi số tỉnh thay đổi) không so sánh trực tiếp được.",
                   "Ranks before and after a methodology break (or a change in "
                   "the number of provinces) are not directly comparable."));
    chiso_textf(R->charts[CH_RANKS].caption,
                sizeof(R->charts[CH_RANKS].caption), "%s",
                RT(R, "Thứ hạng của tỉnh qua các năm",
                   "The province's ranks over the years"));
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

static chiso_status
chart_peers(struct rp *R)
{
    int year, best_year = 0;
    size_t i, best_n = 0;
    chiso_status st;
    char sub[400], title[200], a[32];
    const chiso_pub_row *top = NULL, *mine = NULL;

    if (R->pub == NULL || R->cfg->n_compare_units == 0) {
        drop_chart(R, CH_PEERS,
                   RT(R, "không có kho số liệu hoặc danh sách tỉnh so sánh",
                      "no store or no comparison units"));
        return CHISO_OK;
    }
    /* the latest year in which at least 3 of the units have a value */
    for (year = 2000; year <= 2100; year++) {
        size_t n = 0;
        for (i = 0; i < R->pub->n; i++) {
            const chiso_pub_row *row = &R->pub->rows[i];
            if (row->year == year && strcmp(row->index, "PAR_INDEX") == 0 &&
                strcmp(row->component, "total") == 0 && row->preferred &&
                row->has_value &&
                (in_list(R->cfg->compare_units, R->cfg->n_compare_units, row) ||
                 chiso_published_unit_matches(row, R->cfg->province))) {
                n++;
            }
        }
        if (n >= 3) {
            best_year = year;
            best_n = n;
        }
    }
    if (best_year == 0) {
        drop_chart(R, CH_PEERS,
                   RT(R, "không năm nào có đủ 3 tỉnh có điểm PAR INDEX",
                      "no year with PAR INDEX values for 3 of the units"));
        return CHISO_OK;
    }
    chiso_textf(title, sizeof(title), "PAR INDEX %d: %s", best_year,
                RT(R, "các tỉnh so sánh", "comparison provinces"));
    chiso_textf(sub, sizeof(sub), "%s",
                RT(R,
                   "Điểm công bố (%); dải màu: Nhóm A ≥ 90 %, Nhóm B 80 – "
                   "dưới 90 %",
                   "Published score (%); shading: Group A ≥ 90 %, Group B "
                   "80 – under 90 %"));
    st = new_chart(R, CH_PEERS, CHISO_PLOT_BARS, title, sub,
                   RT(R,
                      "Kho số liệu công bố của chiso (nguồn từng số liệu "
                      "trong results.csv)",
                      "chiso's published-results store (sources in "
                      "results.csv)"));
    if (st != CHISO_OK) {
        return st;
    }
    st = chiso_chart_add_band(R->charts[CH_PEERS].chart, 90, 100,
                              RT(R, "Nhóm A", "Group A"));
    if (st == CHISO_OK) {
        st = chiso_chart_add_band(R->charts[CH_PEERS].chart, 80, 90,
                                  RT(R, "Nhóm B", "Group B"));
    }
    for (i = 0; i < R->pub->n && st == CHISO_OK; i++) {
        const chiso_pub_row *row = &R->pub->rows[i];
        int is_mine;
        if (row->year != best_year || strcmp(row->index, "PAR_INDEX") != 0 ||
            strcmp(row->component, "total") != 0 || !row->preferred ||
            !row->has_value) {
            continue;
        }
        is_mine = chiso_published_unit_matches(row, R->cfg->province);
        if (!is_mine &&
            !in_list(R->cfg->compare_units, R->cfg->n_compare_units, row)) {
            continue;
        }
        st = chiso_chart_add_bar(R->charts[CH_PEERS].chart, row->unit,
                                 row->value, NULL);
        if (top == NULL || row->value > top->value) {
            top = row;
        }
        if (is_mine) {
            mine = row;
        }
    }
    if (st == CHISO_OK) {
        st = chiso_chart_set_highlight(R->charts[CH_PEERS].chart,
                                       R->cfg->province);
    }
    if (st != CHISO_OK) {
        return chiso_diag_set(R->diag, st, NULL, 0, 0,
                              "cannot build the peers chart");
    }
    report_num(R, top->value, 2, a, sizeof(a));
    if (mine != NULL) {
        char b[32];
        report_num(R, mine->value, 2, b, sizeof(b));
        chiso_textf(
            R->charts[CH_PEERS].reading, sizeof(R->charts[CH_PEERS].reading),
            R->en ? "In %d, %s leads the %zu units with a value (%s %%); "
                    "%s scores %s %%."
                  : "Năm %d, %s dẫn đầu %zu tỉnh có điểm (%s %%); %s "
                    "đạt %s %%.",
            best_year, top->unit, best_n, a, R->cfg->province, b);
    } else {
        /* say what is known about the province instead */
        const chiso_pub_row *rank = NULL;
        for (i = 0; i < R->pub->n; i++) {
            const chiso_pub_row *row = &R->pub->rows[i];
            if (row->year == best_year &&
                strcmp(row->index, "PAR_INDEX") == 0 &&
                strcmp(row->component, "total") == 0 && row->preferred &&
                row->rank > 0 &&
                chiso_published_unit_matches(row, R->cfg->province)) {
                rank = row;
            }
        }
        if (rank != NULL) {
            chiso_textf(R->charts[CH_PEERS].reading,
                        sizeof(R->charts[CH_PEERS].reading),
                        R->en
                            ? "In %d, %s leads the %zu units with a value (%s "
                              "%%); %s has no published score, only its rank "
                              "%ld/%ld, so it is not drawn."
                            : "Năm %d, %s dẫn đầu %zu tỉnh có điểm (%s %%); %s "
                              "chưa có điểm công bố, chỉ có thứ hạng %ld/%ld, "
                              "nên không vẽ.",
                        best_year, top->unit, best_n, a, R->cfg->province,
                        rank->rank, rank->rank_of);
        } else {
            chiso_textf(R->charts[CH_PEERS].reading,
                        sizeof(R->charts[CH_PEERS].reading),
                        R->en
                            ? "In %d, %s leads the %zu units with a value (%s "
                              "%%); %s has no published score that year."
                            : "Năm %d, %s dẫn đầu %zu tỉnh có điểm (%s %%); %s "
                              "chưa có điểm công bố năm đó.",
                        best_year, top->unit, best_n, a, R->cfg->province);
        }
    }
    chiso_textf(R->charts[CH_PEERS].caption,
                sizeof(R->charts[CH_PEERS].caption), "%s",
                RT(R, "So sánh với các tỉnh", "Comparison with peers"));
    return CHISO_OK;
}

chiso_status
report_build_charts(struct rp *R)
{
    chiso_status st;
    size_t i;

    for (i = 0; i < REPORT_CHARTS; i++) {
        R->charts[i].base = chart_base[i];
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
    if (st != CHISO_OK && R->diag != NULL && R->diag->code == CHISO_OK) {
        chiso_diag_set(R->diag, st, NULL, 0, 0, "cannot build the charts");
    }
    return st;
}

chiso_status
report_write_charts(struct rp *R)
{
    static const char *const ext[] = {".png", ".svg"};
    size_t i, e;
    chiso_status st;
    char name[128];

    for (i = 0; i < REPORT_CHARTS; i++) {
        if (R->charts[i].chart == NULL) {
            continue;
        }
        for (e = 0; e < 2; e++) {
            chiso_textf(name, sizeof(name), "%s%s", R->charts[i].base, ext[e]);
            st = chiso_plot_write(R->charts[i].chart, report_path(R, name),
                                  CHART_W, CHART_H, R->diag);
            if (st != CHISO_OK) {
                return st;
            }
            st = report_add_file(R, name);
            if (st != CHISO_OK) {
                return chiso_diag_set(R->diag, st, NULL, 0, 0, "out of memory");
            }
        }
    }
    return CHISO_OK;
}

void
report_free_charts(struct rp *R)
{
    size_t i;

    for (i = 0; i < REPORT_CHARTS; i++) {
        chiso_chart_free(R->charts[i].chart);
        R->charts[i].chart = NULL;
    }
}

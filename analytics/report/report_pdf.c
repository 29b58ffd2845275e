/*
 * report_pdf.c - report.pdf, the brief for leadership.
 *
 * Page one carries what a leader reads first: the key figures, what to fix
 * first and where the province stands. Then every chart with its one-
 * sentence reading, the criteria table with the points lost, the overdue
 * tasks, and the data caveats. Numbers use the language's decimal
 * separator (a comma in Vietnamese).
 */
#define _POSIX_C_SOURCE 200809L
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FIG_H    285.0
#define TOP_LOST 5

struct fig_ctx {
    const chiso_chart *chart;
    chiso_diag *diag;
    chiso_status st;
};

static void
draw_chart(cairo_t *cr, double w, double h, void *ctx)
{
    struct fig_ctx *f = ctx;
    chiso_status st = chiso_plot_draw(cr, f->chart, w, h, f->diag);

    if (st != CHISO_OK && f->st == CHISO_OK) {
        f->st = st;
    }
}

static void
pct_text(const struct rp *R, double x, char *out, size_t len)
{
    char n[40];

    chiso_report__num(R, x, 2, n, sizeof(n));
    chiso_textf(out, len, "%s %%", n);
}

static void
key_figures(struct rp *R, chiso_doc *d)
{
    chiso_doc_figure_box box[4];
    char v[4][64], a[48], b[48];
    size_t n = 0;
    const chiso_tasks_row *t = chiso_report__tasks_row(R);
    const chiso_services_row *s = chiso_report__svc_row(R, R->idx);
    const chiso_services_row *sp = chiso_report__svc_row(R, R->prev);
    size_t i;

    memset(box, 0, sizeof(box));
    pct_text(R, R->score->index_pct, v[n], sizeof(v[n]));
    box[n].value = v[n];
    box[n].label = RT(R, "Chỉ số CCHC tự đánh giá", "Self-assessed PAR index");
    if (R->score->has_appraised) {
        pct_text(R, R->score->appraised_index_pct, a, sizeof(a));
        box[n].note = chiso_report__strf(
            R, "%s · %s %s", R->score->group ? R->score->group->label : "-",
            RT(R, "thẩm định", "appraised"), a);
    } else {
        box[n].note = chiso_report__strf(
            R, "%s", R->score->group ? R->score->group->label : "");
    }
    n++;
    if (t != NULL) {
        pct_text(R, t->on_time_pct, v[n], sizeof(v[n]));
        box[n].value = v[n];
        box[n].label = RT(R, "Nhiệm vụ UBND tỉnh giao hoàn thành đúng hạn",
                          "Assigned tasks completed on time");
        box[n].note =
            chiso_report__strf(R,
                               RT(R, "%zu nhiệm vụ quá hạn tại ngày báo cáo",
                                  "%zu tasks overdue at the report date"),
                               chiso_report__unit_overdue(R));
        n++;
    }
    if (s != NULL && s->received > 0) {
        pct_text(R, s->online_pct, v[n], sizeof(v[n]));
        box[n].value = v[n];
        box[n].label =
            RT(R, "Hồ sơ nộp trực tuyến", "Dossiers submitted online");
        if (sp != NULL && sp->received > 0) {
            pct_text(R, sp->online_pct, b, sizeof(b));
            box[n].note = chiso_report__strf(R, "%s %s",
                                             RT(R, "kỳ trước", "previous"), b);
        }
        n++;
    }
    for (i = 0; i < R->n_indices && n < 4; i++) {
        const chiso_pub_row *row;
        if (!R->has_latest[i] || strcmp(R->index_names[i], "PAR_INDEX") != 0) {
            continue;
        }
        row = R->latest[i].latest_rank ? R->latest[i].latest_rank
                                       : R->latest[i].latest_value;
        if (row == NULL) {
            continue;
        }
        if (row->rank > 0) {
            snprintf(v[n], sizeof(v[n]), "%ld/%ld", row->rank, row->rank_of);
        } else {
            chiso_report__num(R, row->value, 2, v[n], sizeof(v[n]));
        }
        box[n].value = v[n];
        box[n].note = chiso_report__strf(
            R, "%s %d%s", RT(R, "năm", "year"), row->year,
            row->rank_derived ? RT(R, " · hạng suy ra", " · derived rank")
                              : "");
        box[n].label =
            RT(R, "Thứ hạng PAR INDEX của tỉnh", "Province's PAR INDEX rank");
        n++;
    }
    chiso_doc_key_figures(d, box, n);
}

static void
priorities(struct rp *R, chiso_doc *d)
{
    static const double w[] = {0.09, 0.51, 0.1, 0.1, 0.1, 0.1};
    const char *hd_vi[] = {"Mã",       "Tiêu chí", "Mất",
                           "Hiện tại", "Cần đạt",  "Được thêm"};
    const char *hd_en[] = {"ID", "Criterion", "Lost", "Now", "Target", "Gain"};
    chiso_doc_table_spec t = {6, R->en ? hd_en : hd_vi, w, "llrrrr", 0};
    size_t i;

    if (R->score->n_lost == 0) {
        chiso_doc_paragraph(d,
                            RT(R, "Không tiêu chí nào bị mất điểm.",
                               "No criterion lost points."),
                            0);
        return;
    }
    chiso_doc_table_begin(d, &t);
    for (i = 0; i < R->score->n_lost && i < TOP_LOST; i++) {
        size_t k = R->score->lost[i];
        const chiso_node *n = &R->fw->nodes[k];
        const chiso_node_score *ns = &R->score->nodes[k];
        char lost[48], now[48], next[48], gain[48];
        const char *cells[6];
        chiso_report__num(R, n->max - ns->points, 2, lost, sizeof(lost));
        if (ns->has_value) {
            chiso_report__num(R, ns->value, 2, now, sizeof(now));
        } else {
            snprintf(now, sizeof(now), "%s",
                     ns->reported ? "–" : RT(R, "chưa có", "missing"));
        }
        if (ns->has_next_value) {
            chiso_report__num(R, ns->next_value, 2, next, sizeof(next));
        } else {
            snprintf(next, sizeof(next), "–");
        }
        if (ns->gain_next > 0) {
            chiso_report__num(R, ns->gain_next, 2, gain, sizeof(gain));
        } else {
            snprintf(gain, sizeof(gain), "–");
        }
        cells[0] = n->id;
        cells[1] = n->name;
        cells[2] = lost;
        cells[3] = now;
        cells[4] = next;
        cells[5] = gain;
        chiso_doc_table_row(d, cells, 0);
    }
    chiso_doc_table_end(d);
}

static void
province_table(struct rp *R, chiso_doc *d)
{
    static const double w[] = {0.14, 0.1, 0.14, 0.12, 0.12, 0.38};
    const char *hd_vi[] = {"Chỉ số", "Năm",     "Giá trị",
                           "Hạng",   "Tin cậy", "Nguồn"};
    const char *hd_en[] = {"Index", "Year",       "Value",
                           "Rank",  "Confidence", "Source"};
    chiso_doc_table_spec t = {6, R->en ? hd_en : hd_vi, w, "llrrll", 1};
    size_t i;
    int any = 0;

    for (i = 0; i < R->n_indices; i++) {
        const chiso_pub_row *rows[2];
        size_t k, nr = 0;
        if (!R->has_latest[i]) {
            continue;
        }
        rows[nr++] = R->latest[i].latest_value;
        if (R->latest[i].latest_rank != R->latest[i].latest_value) {
            rows[nr++] = R->latest[i].latest_rank;
        }
        for (k = 0; k < nr; k++) {
            const chiso_pub_row *row = rows[k];
            char year[16], val[48], rank[48];
            const char *cells[6];
            if (row == NULL) {
                continue;
            }
            if (!any) {
                chiso_doc_table_begin(d, &t);
                any = 1;
            }
            snprintf(year, sizeof(year), "%d", row->year);
            if (row->has_value) {
                chiso_report__num(R, row->value, row->value_decimals, val,
                                  sizeof(val));
                strncat(val, strcmp(row->scale, "%") == 0 ? " %" : "",
                        sizeof(val) - strlen(val) - 1);
                if (strcmp(row->scale, "%") != 0) {
                    snprintf(val + strlen(val), sizeof(val) - strlen(val),
                             " %s", row->scale);
                }
            } else {
                snprintf(val, sizeof(val), "–");
            }
            if (row->rank > 0) {
                snprintf(rank, sizeof(rank), "%ld/%ld%s", row->rank,
                         row->rank_of, row->rank_derived ? "*" : "");
            } else {
                snprintf(rank, sizeof(rank), "–");
            }
            cells[0] =
                strcmp(row->index, "PAR_INDEX") == 0 ? "PAR INDEX" : row->index;
            cells[1] = year;
            cells[2] = val;
            cells[3] = rank;
            /* "high" / "medium" / "low": the store's code, in words */
            cells[4] = chiso_msg(R->en ? CHISO_LANG_EN : CHISO_LANG_VI,
                                 row->confidence);
            cells[5] = row->source;
            chiso_doc_table_row(d, cells, 0);
        }
    }
    if (any) {
        chiso_doc_table_end(d);
        chiso_doc_paragraph(d,
                            RT(R,
                               "* thứ hạng suy ra bằng phép tính từ "
                               "thứ hạng năm khác và mức thay đổi "
                               "được công bố.",
                               "* rank derived by arithmetic from "
                               "another year's rank and a published "
                               "change."),
                            1);
    } else {
        chiso_doc_paragraph(d,
                            RT(R, "Không có số liệu công bố của tỉnh.",
                               "No published figure for the province."),
                            0);
    }
}

static void
criteria_table(struct rp *R, chiso_doc *d)
{
    static const double w[] = {0.09, 0.55, 0.09, 0.09, 0.09, 0.09};
    const char *hd_vi[] = {"Mã", "Tiêu chí", "Điểm", "Tối đa", "Mất", "%"};
    const char *hd_en[] = {"ID", "Criterion", "Points", "Max", "Lost", "%"};
    chiso_doc_table_spec t = {6, R->en ? hd_en : hd_vi, w, "llrrrr", 1};
    size_t i;

    chiso_doc_table_begin(d, &t);
    for (i = 0; i < R->fw->n_nodes; i++) {
        const chiso_node *n = &R->fw->nodes[i];
        const chiso_node_score *ns = &R->score->nodes[i];
        char pts[48], max[48], lost[48], pct[48];
        const char *cells[6], *name;
        name = chiso_report__strf(
            R, "%*s%s%s", n->depth * 3, "", n->name,
            chiso_node_is_leaf(n) && ns->explanation_missing ? " ⚠" : "");
        if (!ns->applicable) {
            snprintf(pts, sizeof(pts), "%s", RT(R, "KAD", "n/a"));
            snprintf(lost, sizeof(lost), "–");
        } else {
            chiso_report__num(R, ns->points, 2, pts, sizeof(pts));
            chiso_report__num(R, ns->applicable_max - ns->points, 2, lost,
                              sizeof(lost));
        }
        chiso_report__num(R, n->max, 2, max, sizeof(max));
        chiso_report__num(R, ns->index_pct, 1, pct, sizeof(pct));
        cells[0] = n->id;
        cells[1] = name;
        cells[2] = pts;
        cells[3] = max;
        cells[4] = lost;
        cells[5] = pct;
        chiso_doc_table_row(d, cells, n->depth == 0);
    }
    chiso_doc_table_end(d);
    chiso_doc_paragraph(d,
                        RT(R,
                           "⚠ có điểm nhưng chưa có tài liệu kiểm "
                           "chứng, chưa giải trình. KAD: không áp "
                           "dụng, không tính vào điểm tối đa.",
                           "⚠ points without an evidence reference or an "
                           "explanation. n/a: not "
                           "applicable, left out of the maximum."),
                        1);
}

static void
overdue_table(struct rp *R, chiso_doc *d)
{
    static const double w[] = {0.13, 0.45, 0.17, 0.13, 0.12};
    const char *hd_vi[] = {"Mã", "Nhiệm vụ", "Văn bản giao", "Hạn",
                           "Quá hạn (ngày)"};
    const char *hd_en[] = {"ID", "Task", "Assigned by", "Due", "Days overdue"};
    chiso_doc_table_spec t = {5, R->en ? hd_en : hd_vi, w, "lllrr", 1};
    size_t i, n = 0;

    for (i = 0; i < R->tasks->n_overdue; i++) {
        const chiso_task_overdue *o = &R->tasks->overdue[i];
        char due[48], days[48];
        const char *cells[5];
        if (strcmp(o->unit, R->cfg->unit_code) != 0) {
            continue;
        }
        if (n++ == 0) {
            chiso_doc_table_begin(d, &t);
        }
        {
            int64_t day = o->due.secs / 86400;
            int y;
            unsigned m, dd;
            chiso_civil_from_days(day, &y, &m, &dd);
            snprintf(due, sizeof(due), "%02u/%02u/%04d", dd, m, y);
        }
        chiso_report__num(R, o->days_overdue, 1, days, sizeof(days));
        cells[0] = o->task_id;
        cells[1] = o->title;
        cells[2] = o->source_document;
        cells[3] = due;
        cells[4] = days;
        chiso_doc_table_row(d, cells, 0);
    }
    if (n > 0) {
        chiso_doc_table_end(d);
    } else {
        chiso_doc_paragraph(
            d, RT(R, "Không có nhiệm vụ quá hạn.", "No overdue task."), 0);
    }
}

chiso_status
chiso_report__write_pdf(struct rp *R)
{
    chiso_doc *d = NULL;
    chiso_doc_options o = CHISO_DOC_OPTIONS_INIT;
    const char *title, *footer, *text;
    chiso_status st;
    size_t i;
    int fig = 0;

    if (R->cfg->title != NULL) {
        title = R->cfg->title;
    } else {
        title = chiso_report__strf(R, "%s %s",
                                   RT(R, "Báo cáo kết quả cải cách hành chính",
                                      "Administrative reform report,"),
                                   R->period_label);
    }
    footer =
        chiso_report__strf(R, "%s — %s", R->cfg->unit_name, R->period_label);
    o.title = title;
    o.footer = footer;
    o.page_label = RT(R, "Trang", "Page");
    st = chiso_doc_open(&d, chiso_report__path(R, "report.pdf"), &o, R->diag);
    if (st != CHISO_OK) {
        return st;
    }
    chiso_doc_heading(d, title, 1);
    chiso_doc_paragraph(d, R->cfg->unit_name, 0);
    for (i = 0; i < R->cfg->n_notes; i++) {
        chiso_doc_paragraph(d, R->cfg->notes[i], 1);
    }
    key_figures(R, d);
    chiso_doc_heading(
        d, RT(R, "Việc cần ưu tiên khắc phục", "What to fix first"), 2);
    text = chiso_report__strf(
        R,
        RT(R,
           "Các tiêu chí mất nhiều điểm nhất theo %s; \"Cần đạt\" là "
           "giá trị để lên bậc điểm tiếp theo, \"Được thêm\" là số "
           "điểm bậc đó mang lại.",
           "The criteria that lost most points under %s; \"Target\" is "
           "the value that reaches the rule's next step and \"Gain\" "
           "what that step is worth."),
        R->fw->name);
    chiso_doc_paragraph(d, text, 1);
    priorities(R, d);
    chiso_doc_heading(d, RT(R, "Chỉ số của tỉnh", "The province's indices"), 2);
    province_table(R, d);
    st = chiso_report__history_pdf(R, d);
    if (st != CHISO_OK) {
        chiso_doc_abort(d);
        return st;
    }
    /* charts */
    for (i = 0; i < REPORT_CHARTS; i++) {
        struct report_chart *c = &R->charts[i];
        struct fig_ctx fc;
        const char *cap;
        if (c->chart == NULL) {
            continue;
        }
        if (fig == 0) {
            chiso_doc_page_break(d);
            chiso_doc_heading(d, RT(R, "Biểu đồ", "Charts"), 2);
        }
        fig++;
        fc.chart = c->chart;
        fc.diag = R->diag;
        fc.st = CHISO_OK;
        cap = chiso_report__strf(R, "%s %d. %s", RT(R, "Hình", "Figure"), fig,
                                 c->caption);
        chiso_doc_figure(d, FIG_H, draw_chart, &fc, cap);
        if (fc.st != CHISO_OK) {
            chiso_doc_abort(d);
            return fc.st;
        }
        chiso_doc_paragraph(d, c->reading, 0);
    }
    chiso_doc_page_break(d);
    chiso_doc_heading(d, RT(R, "Bảng điểm chi tiết", "Criteria table"), 2);
    {
        char p[48], m[48], x[48];
        chiso_report__num(R, R->score->points, 2, p, sizeof(p));
        chiso_report__num(R, R->score->applicable_max, 2, m, sizeof(m));
        pct_text(R, R->score->index_pct, x, sizeof(x));
        text = chiso_report__strf(
            R, "%s: %s. %s: %s / %s = %s%s%s.",
            RT(R, "Khung tiêu chí", "Framework"), R->fw->name,
            RT(R, "Tổng điểm", "Total"), p, m, x, R->score->group ? " — " : "",
            R->score->group ? R->score->group->label : "");
    }
    chiso_doc_paragraph(d, text, 1);
    criteria_table(R, d);
    if (R->tasks != NULL) {
        chiso_doc_heading(d, RT(R, "Nhiệm vụ quá hạn", "Overdue tasks"), 2);
        overdue_table(R, d);
    }
    if (R->n_warnings > 0) {
        chiso_doc_heading(d, RT(R, "Lưu ý về số liệu", "Data caveats"), 2);
        for (i = 0; i < R->n_warnings; i++) {
            chiso_doc_paragraph(
                d, chiso_report__strf(R, "• %s", R->warnings[i]), 1);
        }
    }
    st = chiso_doc_close(d, R->diag);
    if (st == CHISO_OK) {
        st = chiso_report__add_file(R, "report.pdf");
    }
    return st;
}

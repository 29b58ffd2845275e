/*
 * report_office.c - the pack's office files: report.xlsx (chiso_sheet),
 * report.docx (chiso_word) and report.html (chiso_web).
 *
 * All three are written from the same computed state as summary.json and
 * the CSV tables (struct rp, the tables of report_summary.c), so every
 * number in them is the number of summary.json, rounded the same way.
 * Words come from the message catalogue (English msgids, vi.po) or the
 * report's own RT() pairs; numbers in sentences go through chiso_report__num
 * (the language's decimal separator). No clock is read: the workbook's
 * creation time is the fixed default, the Word document carries no date,
 * the page none; zip entries carry fixed times. docs/outputs.md ("The
 * report pack") describes what each file holds.
 */
#define _POSIX_C_SOURCE 200809L
#include "report_int.h"

#include "chiso_sheet.h"
#include "chiso_web.h"
#include "chiso_word.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define M(R, msgid) chiso_msg((R)->en ? CHISO_LANG_EN : CHISO_LANG_VI, msgid)
#define TOP_ITEMS   10

static chiso_lang
lang(const struct rp *R)
{
    return R->en ? CHISO_LANG_EN : CHISO_LANG_VI;
}

/* A number as a sentence writes it ("76,90"); "–" for none. */
static const char *
numtext(struct rp *R, double x, int dec)
{
    char buf[64];

    chiso_report__num(R, x, dec, buf, sizeof(buf));
    return chiso_report__strf(R, "%s", buf);
}

/* The file name of an input, without its folder (a page or a document
 * names the file the office knows, not where this machine keeps it). */
static const char *
base_name(const char *path)
{
    const char *s;

    if (path == NULL) {
        return NULL;
    }
    s = strrchr(path, '/');
    return s != NULL ? s + 1 : path;
}

static const char *
title_of(struct rp *R)
{
    if (R->cfg->title != NULL) {
        return R->cfg->title;
    }
    return chiso_report__strf(
        R, "%s %s", M(R, "Report on administrative reform,"), R->period_label);
}

/* ---- report.xlsx ----------------------------------------------------------- */

static chiso_sheet_kind
sheet_kind(report_col_kind k)
{
    switch (k) {
    case RC_INT:
        return CHISO_SHEET_INTEGER;
    case RC_FIXED:
    case RC_SIG:
        return CHISO_SHEET_NUMBER;
    case RC_PCT:
        return CHISO_SHEET_PERCENT;
    case RC_DATE:
        return CHISO_SHEET_DATE;
    case RC_TEXT:
    case RC_YEAR: /* as text: a year is a label, never 2.024 */
        break;
    }
    return CHISO_SHEET_TEXT;
}

void
chiso_report__sheet_table(struct chiso_sheet_book *book,
                          const struct report_table *t)
{
    chiso_sheet_column cols[REPORT_TABLE_COLS];
    chiso_sheet *sh = NULL;
    size_t i, j;

    memset(cols, 0, sizeof(cols));
    for (j = 0; j < t->n_cols; j++) {
        cols[j].header = t->cols[j].header;
        cols[j].kind = sheet_kind(t->cols[j].kind);
        cols[j].decimals = t->cols[j].dec;
    }
    if (chiso_sheet_add_table(book, t->sheet, t->title, cols, t->n_cols, &sh) !=
        CHISO_OK) {
        return; /* the book keeps the error */
    }
    for (i = 0; i < t->n_rows; i++) {
        const struct report_cell *c = &t->cells[i * t->n_cols];
        for (j = 0; j < t->n_cols; j++) {
            switch (t->cols[j].kind) {
            case RC_TEXT:
                if (c[j].text != NULL && c[j].text[0] != '\0') {
                    chiso_sheet_put_text(sh, c[j].text);
                } else {
                    chiso_sheet_put_missing(sh);
                }
                break;
            case RC_DATE:
                chiso_sheet_put_date(sh, c[j].text);
                break;
            case RC_YEAR:
                if (isnan(c[j].value)) {
                    chiso_sheet_put_missing(sh);
                } else {
                    char y[32];
                    chiso_textf(y, sizeof(y), "%.0f", c[j].value);
                    chiso_sheet_put_text(sh, y);
                }
                break;
            case RC_INT:
            case RC_FIXED:
            case RC_SIG:
            case RC_PCT:
                chiso_sheet_put_number(sh, c[j].has_shown ? c[j].shown
                                                          : c[j].value);
                break;
            }
        }
    }
}

static void
fig_text(chiso_sheet_figure *f,
         size_t *n,
         const char *label,
         const char *text,
         const char *source)
{
    chiso_sheet_figure *x = &f[(*n)++];

    memset(x, 0, sizeof(*x));
    x->label = label;
    x->kind = CHISO_SHEET_TEXT;
    x->value = text != NULL ? 0 : (double)NAN;
    x->text = text;
    x->source = source;
}

chiso_status
chiso_report__write_xlsx(struct rp *R)
{
    chiso_sheet_book_options o = CHISO_SHEET_BOOK_OPTIONS_INIT;
    chiso_sheet_book *book = NULL;
    chiso_sheet_figure f[32];
    size_t n = 0, i;
    const chiso_score_result *s = R->score;
    const chiso_tasks_row *tr = chiso_report__tasks_row(R);
    const chiso_services_row *cur = chiso_report__svc_row(R, R->idx);
    const char *fwname = R->fw->name;
    const char *points = M(R, "points");
    chiso_status st;

    o.lang = lang(R);
    o.title = title_of(R);
    o.subject = R->cfg->unit_name;
    st = chiso_sheet_book_new(&book, &o, R->diag);
    if (st != CHISO_OK) {
        return st;
    }
    fig_text(f, &n, M(R, "Unit"), R->cfg->unit_name, NULL);
    fig_text(f, &n, M(R, "Period"), R->period_label, NULL);
    chiso_report__fig(f, &n, M(R, "Self-assessed PAR index"),
                      CHISO_SHEET_PERCENT, s->index_pct, 2, "%", fwname);
    chiso_report__fig(f, &n, M(R, "Self-assessed points"), CHISO_SHEET_NUMBER,
                      s->points, 2, points, fwname);
    chiso_report__fig(f, &n, M(R, "Applicable maximum"), CHISO_SHEET_NUMBER,
                      s->applicable_max, 2, points, fwname);
    fig_text(f, &n, M(R, "Grade"), s->group ? s->group->label : NULL, fwname);
    chiso_report__fig(f, &n, M(R, "Appraised PAR index"), CHISO_SHEET_PERCENT,
                      s->has_appraised ? s->appraised_index_pct : (double)NAN,
                      2, "%", fwname);
    chiso_report__fig(f, &n, M(R, "Criteria without figures"),
                      CHISO_SHEET_INTEGER, (double)s->n_not_reported, 0, NULL,
                      base_name(R->ev->path));
    if (R->tasks != NULL) {
        chiso_report__fig(f, &n, M(R, "Tasks due in the period"),
                          CHISO_SHEET_INTEGER, tr ? (double)tr->assigned : 0, 0,
                          NULL, base_name(R->cfg->tasks));
        chiso_report__fig(f, &n, M(R, "Tasks completed on time"),
                          CHISO_SHEET_INTEGER,
                          tr ? (double)tr->completed_on_time : 0, 0, NULL,
                          base_name(R->cfg->tasks));
        chiso_report__fig(f, &n, M(R, "Tasks completed on time (%)"),
                          CHISO_SHEET_PERCENT,
                          tr ? tr->on_time_pct : (double)NAN, 2, "%",
                          base_name(R->cfg->tasks));
        chiso_report__fig(f, &n, M(R, "Tasks overdue at the report date"),
                          CHISO_SHEET_INTEGER,
                          (double)chiso_report__unit_overdue(R), 0, NULL,
                          base_name(R->cfg->tasks));
    }
    if (R->svc != NULL) {
        chiso_report__fig(f, &n, M(R, "Dossiers received"), CHISO_SHEET_INTEGER,
                          cur ? (double)cur->received : 0, 0, NULL,
                          base_name(R->cfg->dossiers));
        chiso_report__fig(f, &n, M(R, "Dossiers finished"), CHISO_SHEET_INTEGER,
                          cur ? (double)cur->finished : 0, 0, NULL,
                          base_name(R->cfg->dossiers));
        chiso_report__fig(f, &n, M(R, "Dossiers submitted online (%)"),
                          CHISO_SHEET_PERCENT,
                          cur ? cur->online_pct : (double)NAN, 2, "%",
                          base_name(R->cfg->dossiers));
        chiso_report__fig(f, &n, M(R, "Dossiers finished on time (%)"),
                          CHISO_SHEET_PERCENT,
                          cur ? cur->on_time_pct : (double)NAN, 2, "%",
                          base_name(R->cfg->dossiers));
        chiso_report__fig(f, &n, M(R, "Dossiers digitised (%)"),
                          CHISO_SHEET_PERCENT,
                          cur ? cur->digitized_pct : (double)NAN, 2, "%",
                          base_name(R->cfg->dossiers));
    }
    for (i = 0; i < R->n_indices && n + 2 < sizeof(f) / sizeof(f[0]); i++) {
        const chiso_pub_row *v =
            R->has_latest[i] ? R->latest[i].latest_value : NULL;
        const chiso_pub_row *r =
            R->has_latest[i] ? R->latest[i].latest_rank : NULL;
        chiso_report__fig(
            f, &n,
            chiso_report__strf(R, "%s %s (%s)", R->index_names[i],
                               M(R, "of the province"),
                               v ? chiso_report__strf(R, "%d", v->year) : "–"),
            CHISO_SHEET_NUMBER, v && v->has_value ? v->value : (double)NAN,
            v ? v->value_decimals : 2, v ? v->scale : NULL,
            v ? v->source : base_name(R->cfg->published));
        fig_text(f, &n,
                 chiso_report__strf(R, "%s: %s", R->index_names[i],
                                    M(R, "rank of the province")),
                 r && r->rank > 0
                     ? chiso_report__strf(
                           R, "%ld/%ld (%d)%s", r->rank, r->rank_of, r->year,
                           r->rank_derived ? M(R, ", derived") : "")
                     : NULL,
                 r ? r->source : base_name(R->cfg->published));
    }
    chiso_sheet_add_summary(book, M(R, "Summary"), title_of(R), f, n, NULL);
    for (i = 0; i < R->n_tables; i++) {
        chiso_report__sheet_table(book, &R->tables[i]);
    }
    if (R->oom) {
        chiso_sheet_book_free(book);
        return chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0,
                              "out of memory");
    }
    st = chiso_sheet_book_write(book, chiso_report__path(R, "report.xlsx"),
                                R->diag);
    chiso_sheet_book_free(book);
    if (st == CHISO_OK) {
        st = chiso_report__add_file(R, "report.xlsx");
    }
    return st;
}

/* ---- report.docx ------------------------------------------------------------ */

/* A cell of a table as a sentence would write it. */
static const char *
cell_text(struct rp *R, const struct report_table *t, size_t i, size_t j)
{
    const struct report_cell *c = &t->cells[i * t->n_cols + j];
    const struct report_col *col = &t->cols[j];
    int dec = c->dec >= 0 ? c->dec : col->dec;

    switch (col->kind) {
    case RC_TEXT:
        return c->text;
    case RC_DATE:
        if (c->text != NULL && strlen(c->text) >= 10 && !R->en) {
            return chiso_report__strf(R, "%.2s/%.2s/%.4s", c->text + 8,
                                      c->text + 5, c->text);
        }
        return c->text;
    case RC_INT:
    case RC_YEAR:
        return isnan(c->value) ? NULL : numtext(R, c->value, 0);
    case RC_SIG:
        if (isnan(c->value)) {
            return NULL;
        }
        if (c->has_shown) {
            return numtext(R, c->shown,
                           fabs(c->shown - round(c->shown)) < 1e-9 ? 0 : 2);
        }
        return numtext(R, c->value,
                       fabs(c->value - round(c->value)) < 1e-9 ? 0 : 2);
    case RC_FIXED:
    case RC_PCT:
        break;
    }
    return isnan(c->value) ? NULL : numtext(R, c->value, dec);
}

/* A table of the pack in the document: the columns `which` (n of them). */
static void
word_table(struct rp *R,
           chiso_word_doc *doc,
           const struct report_table *t,
           const size_t *which,
           const double *widths,
           size_t n,
           size_t max_rows)
{
    chiso_word_column cols[REPORT_TABLE_COLS];
    const char *cells[REPORT_TABLE_COLS];
    size_t i, j;

    if (t == NULL || t->n_rows == 0) {
        return;
    }
    for (j = 0; j < n; j++) {
        cols[j].header = t->cols[which[j]].header;
        cols[j].width_cm = widths ? widths[j] : 0;
        cols[j].align = t->cols[which[j]].kind == RC_TEXT ? CHISO_WORD_LEFT
                                                          : CHISO_WORD_RIGHT;
    }
    chiso_word_table_begin(doc, cols, n, t->title);
    for (i = 0; i < t->n_rows && i < max_rows; i++) {
        for (j = 0; j < n; j++) {
            cells[j] = cell_text(R, t, i, which[j]);
        }
        chiso_word_table_row(doc, cells, t->flags[i] ? CHISO_WORD_BOLD : 0);
    }
    chiso_word_table_end(doc);
}

/* A chart of the pack (its PNG), or a sentence saying why it is missing. */
static void
word_chart(struct rp *R, chiso_word_doc *doc, int which)
{
    const struct report_chart *c = &R->charts[which];

    if (c->chart == NULL) {
        chiso_word_paragraph(
            doc, chiso_report__strf(R, "%s: %s", c->caption, c->why_missing));
        return;
    }
    chiso_word_image_file(
        doc, chiso_report__path(R, chiso_report__strf(R, "%s.png", c->base)),
        15.0, c->caption, c->reading);
    if (c->reading[0] != '\0') {
        chiso_word_paragraph(doc, c->reading);
    }
}

static void
docx_results(struct rp *R, chiso_word_doc *doc)
{
    static const size_t area_cols[] = {1, 2, 3, 4, 5};
    static const double area_w[] = {7.5, 2.2, 2.4, 2.2, 2.2};
    static const size_t crit_cols[] = {0, 1, 6, 5, 10};
    static const double crit_w[] = {1.6, 8.5, 2.2, 2.0, 2.2};
    static const size_t od_cols[] = {0, 1, 3, 4};
    static const double od_w[] = {3.4, 7.9, 2.9, 2.3};
    const chiso_score_result *s = R->score;
    const chiso_tasks_row *tr = chiso_report__tasks_row(R);
    const chiso_services_row *cur = chiso_report__svc_row(R, R->idx);
    const chiso_services_row *prev = chiso_report__svc_row(R, R->prev);
    size_t i;

    chiso_word_heading(doc, 1, M(R, "I. RESULTS"));
    chiso_word_heading(doc, 2, M(R, "1. Self-assessment of the PAR index"));
    chiso_word_paragraph(
        doc, chiso_report__strf(
                 R,
                 RT(R,
                    "Theo %s, đơn vị tự đánh giá đạt %s/%s điểm, tương "
                    "ứng %s %% số điểm tối đa áp dụng%s%s.",
                    "Under %s, the unit's self-assessment is %s of %s "
                    "points, %s %% of the applicable maximum%s%s."),
                 R->fw->name, numtext(R, s->points, 2),
                 numtext(R, s->applicable_max, 2), numtext(R, s->index_pct, 2),
                 s->group ? RT(R, ", xếp loại ", ", grade ") : "",
                 s->group ? s->group->label : ""));
    if (s->has_appraised) {
        chiso_word_paragraph(
            doc, chiso_report__strf(R,
                                    RT(R, "Điểm thẩm định: %s điểm (%s %%).",
                                       "Appraised: %s points (%s %%)."),
                                    numtext(R, s->appraised, 2),
                                    numtext(R, s->appraised_index_pct, 2)));
    }
    word_table(R, doc, chiso_report__table_named(R, M(R, "Areas")), area_cols,
               area_w, 5, 64);
    word_chart(R, doc, 0);
    word_chart(R, doc, 1);

    chiso_word_heading(doc, 2, M(R, "2. Tasks assigned"));
    if (R->tasks == NULL) {
        chiso_word_paragraph(doc, M(R, "No task register was given."));
    } else {
        size_t overdue = chiso_report__unit_overdue(R);
        chiso_word_paragraph(
            doc,
            chiso_report__strf(
                R,
                RT(R,
                   "Trong %s, đơn vị có %s nhiệm vụ đến hạn; đã hoàn thành "
                   "%s nhiệm vụ, trong đó %s nhiệm vụ đúng hạn (%s %%), %s "
                   "nhiệm vụ trễ hạn. Tại ngày báo cáo còn %s nhiệm vụ quá "
                   "hạn.",
                   "In %s the unit had %s tasks due; %s were completed, %s "
                   "of them on time (%s %%), %s late. At the report date %s "
                   "tasks are overdue."),
                R->period_label, numtext(R, tr ? (double)tr->assigned : 0, 0),
                numtext(R, tr ? (double)tr->completed : 0, 0),
                numtext(R, tr ? (double)tr->completed_on_time : 0, 0),
                tr ? numtext(R, tr->on_time_pct, 2) : "–",
                numtext(R, tr ? (double)tr->completed_late : 0, 0),
                numtext(R, (double)overdue, 0)));
        word_table(R, doc,
                   chiso_report__table_named(R, "table-overdue-tasks.csv"),
                   od_cols, od_w, 4, TOP_ITEMS);
    }

    chiso_word_heading(doc, 2, M(R, "3. Administrative procedures"));
    if (R->svc == NULL) {
        chiso_word_paragraph(doc, M(R, "No dossier log was given."));
    } else if (cur == NULL) {
        chiso_word_paragraph(
            doc,
            chiso_report__strf(R, "%s (%s)",
                               M(R, "No dossier was received in the period."),
                               R->period_label));
    } else {
        chiso_word_paragraph(
            doc,
            chiso_report__strf(
                R,
                RT(R,
                   "Trong %s, đơn vị tiếp nhận %s hồ sơ, đã giải quyết %s hồ "
                   "sơ, trong đó %s hồ sơ đúng hạn (%s %%); tỷ lệ hồ sơ nộp "
                   "trực tuyến %s %%, số hóa %s %%, ký số kết quả %s %%.",
                   "In %s the unit received %s dossiers and finished %s, %s "
                   "of them on time (%s %%); submitted online %s %%, "
                   "digitised %s %%, result signed %s %%."),
                R->period_label, numtext(R, (double)cur->received, 0),
                numtext(R, (double)cur->finished, 0),
                numtext(R, (double)cur->finished_on_time, 0),
                numtext(R, cur->on_time_pct, 2), numtext(R, cur->online_pct, 2),
                numtext(R, cur->digitized_pct, 2),
                numtext(R, cur->result_signed_pct, 2)));
        if (prev != NULL) {
            chiso_word_paragraph(
                doc, chiso_report__strf(
                         R,
                         RT(R,
                            "So với %s: nộp trực tuyến %s %%, giải quyết "
                            "đúng hạn %s %%.",
                            "Compared with %s: online %s %%, on time %s "
                            "%%."),
                         R->prev_label, numtext(R, prev->online_pct, 2),
                         numtext(R, prev->on_time_pct, 2)));
        }
    }
    if (R->svc != NULL || R->tasks != NULL) {
        word_chart(R, doc, 2);
    }

    if (R->n_indices > 0) {
        chiso_word_heading(doc, 2, M(R, "4. The province's indices"));
        for (i = 0; i < R->n_indices; i++) {
            const chiso_pub_row *v =
                R->has_latest[i] ? R->latest[i].latest_value : NULL;
            const chiso_pub_row *r =
                R->has_latest[i] ? R->latest[i].latest_rank : NULL;
            if (v == NULL && r == NULL) {
                continue;
            }
            chiso_word_list_item(
                doc, CHISO_WORD_BULLET, 0,
                chiso_report__strf(
                    R, "%s%s%s%s%s", R->index_names[i],
                    v && v->has_value
                        ? chiso_report__strf(
                              R, " %d: %s", v->year,
                              numtext(R, v->value, v->value_decimals))
                        : ":",
                    v && v->has_value && r && r->rank > 0 ? "," : "",
                    r && r->rank > 0
                        ? chiso_report__strf(R,
                                             RT(R, " xếp hạng %ld/%ld (năm %d)",
                                                " rank %ld/%ld (%d)"),
                                             r->rank, r->rank_of, r->year)
                        : "",
                    r && r->rank_derived ? M(R, ", derived") : ""));
        }
        word_chart(R, doc, 3);
        word_chart(R, doc, 4);
    }

    chiso_word_heading(doc, 2, M(R, "5. Self-assessment table"));
    word_table(R, doc, chiso_report__table_named(R, "table-criteria.csv"),
               crit_cols, crit_w, 5, (size_t)-1);
}

static void
docx_shortcomings(struct rp *R, chiso_word_doc *doc)
{
    const chiso_score_result *s = R->score;
    size_t i, overdue = chiso_report__unit_overdue(R);

    chiso_word_heading(doc, 1, M(R, "II. SHORTCOMINGS AND LIMITATIONS"));
    if (s->n_lost == 0) {
        chiso_word_paragraph(doc, M(R, "No criterion lost points."));
    } else {
        chiso_word_paragraph(
            doc, chiso_report__strf(
                     R,
                     RT(R,
                        "Đơn vị bị mất %s điểm ở %zu tiêu chí; các "
                        "tiêu chí mất nhiều điểm nhất:",
                        "The unit lost %s points on %zu criteria; "
                        "those that lost most:"),
                     numtext(R, s->applicable_max - s->points, 2), s->n_lost));
    }
    for (i = 0; i < s->n_lost && i < TOP_ITEMS; i++) {
        size_t k = s->lost[i];
        const chiso_node *n = &R->fw->nodes[k];
        const chiso_node_score *ns = &s->nodes[k];
        chiso_word_list_item(
            doc, CHISO_WORD_BULLET, 0,
            chiso_report__strf(
                R,
                RT(R,
                   "Tiêu chí %s \"%s\": đạt %s/%s điểm, mất %s "
                   "điểm%s%s.",
                   "Criterion %s \"%s\": %s of %s points, %s "
                   "lost%s%s."),
                n->id, n->name, numtext(R, ns->points, 2),
                numtext(R, n->max, 2), numtext(R, n->max - ns->points, 2),
                ns->has_value ? RT(R, " (giá trị ", " (value ") : "",
                ns->has_value
                    ? chiso_report__strf(
                          R, "%s)",
                          numtext(R, ns->value,
                                  fabs(ns->value - round(ns->value)) < 1e-9
                                      ? 0
                                      : 2))
                    : ""));
    }
    if (overdue > 0) {
        chiso_word_list_item(
            doc, CHISO_WORD_BULLET, 0,
            chiso_report__strf(R,
                               RT(R,
                                  "Còn %zu nhiệm vụ quá hạn tại ngày báo cáo.",
                                  "%zu tasks are overdue at the report date."),
                               overdue));
    }
    if (s->n_not_reported > 0) {
        chiso_word_list_item(
            doc, CHISO_WORD_BULLET, 0,
            chiso_report__strf(R,
                               RT(R,
                                  "%zu tiêu chí chưa có số liệu (tính 0 điểm).",
                                  "%zu criteria have no figure (scored 0)."),
                               (size_t)s->n_not_reported));
    }
}

/*
 * A value to reach, as a sentence writes it: whole numbers as they are;
 * otherwise 2 decimals rounded AWAY from the current value (up when the
 * target is above it, down when below), so the number written still
 * reaches the step (83.333... is "83,34", never "83,33", which would not
 * gain the point). Without a current value: 10 significant digits.
 */
static const char *
target_text(struct rp *R, double next, int has_value, double value)
{
    char buf[64], *p;
    double r;

    if (fabs(next - round(next)) < 1e-9) {
        return numtext(R, round(next), 0);
    }
    if (!has_value) {
        chiso_textf(buf, sizeof(buf), "%.10g", next);
        for (p = buf; !R->en && *p; p++) {
            if (*p == '.') {
                *p = ',';
            }
        }
        return chiso_report__strf(R, "%s", buf);
    }
    r = chiso_report__target_round(next, has_value, value);
    return numtext(R, r, 2);
}

static void
docx_directions(struct rp *R, chiso_word_doc *doc)
{
    const chiso_score_result *s = R->score;
    size_t i, n = 0, overdue = chiso_report__unit_overdue(R);

    chiso_word_heading(doc, 1, M(R, "III. DIRECTIONS AND TASKS AHEAD"));
    for (i = 0; i < s->n_lost && n < TOP_ITEMS; i++) {
        size_t k = s->lost[i];
        const chiso_node *nd = &R->fw->nodes[k];
        const chiso_node_score *ns = &s->nodes[k];
        if (!ns->has_next_value || !(ns->gain_next > 0)) {
            continue;
        }
        chiso_word_list_item(
            doc, CHISO_WORD_NUMBERED, 0,
            chiso_report__strf(
                R,
                RT(R,
                   "Tiêu chí %s \"%s\": phấn đấu đạt giá trị %s%s%s để được "
                   "thêm %s điểm.",
                   "Criterion %s \"%s\": reach %s%s%s to gain %s points."),
                nd->id, nd->name,
                target_text(R, ns->next_value, ns->has_value, ns->value),
                ns->has_value ? RT(R, " (hiện nay ", " (now ") : "",
                ns->has_value
                    ? chiso_report__strf(
                          R, "%s)",
                          numtext(R, ns->value,
                                  fabs(ns->value - round(ns->value)) < 1e-9
                                      ? 0
                                      : 2))
                    : "",
                numtext(R, ns->gain_next, 2)));
        n++;
    }
    if (overdue > 0) {
        chiso_word_list_item(
            doc, CHISO_WORD_NUMBERED, 0,
            chiso_report__strf(R,
                               RT(R, "Hoàn thành %zu nhiệm vụ đang quá hạn.",
                                  "Complete the %zu overdue tasks."),
                               overdue));
        n++;
    }
    if (n == 0) {
        chiso_word_paragraph(doc,
                             M(R, "No target follows from the scoring rules."));
    }
}

chiso_status
chiso_report__write_docx(struct rp *R)
{
    chiso_word_options o = CHISO_WORD_OPTIONS_INIT;
    chiso_word_doc *doc = NULL;
    chiso_status st;
    size_t i;

    o.lang = lang(R);
    o.title = title_of(R);
    o.subject = R->cfg->unit_name;
    o.page_numbers = CHISO_WORD_PAGENUM_HEADER;
    st = chiso_word_new(&doc, &o, R->diag);
    if (st != CHISO_OK) {
        return st;
    }
    chiso_word_letterhead(doc, NULL, R->cfg->unit_name,
                          RT(R, "Số:      /BC-", "No.:      /BC-"),
                          RT(R, "……, ngày … tháng … năm ……", "……, date ………"));
    chiso_word_para_begin(doc, CHISO_WORD_CENTER, 0);
    chiso_word_run(doc, M(R, "REPORT"), CHISO_WORD_BOLD);
    chiso_word_para_end(doc);
    chiso_word_para_begin(doc, CHISO_WORD_CENTER, 0);
    chiso_word_run(doc,
                   chiso_report__strf(R, "%s %s",
                                      M(R, "Results of administrative reform,"),
                                      R->period_label),
                   CHISO_WORD_BOLD);
    chiso_word_para_end(doc);
    docx_results(R, doc);
    docx_shortcomings(R, doc);
    docx_directions(R, doc);
    if (R->n_warnings > 0) {
        chiso_word_heading(doc, 2, M(R, "Notes on the data"));
        for (i = 0; i < R->n_warnings; i++) {
            chiso_word_list_item(doc, CHISO_WORD_BULLET, 0, R->warnings[i]);
        }
    }
    if (R->oom) {
        chiso_word_free(doc);
        return chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0,
                              "out of memory");
    }
    st = chiso_word_write(doc, chiso_report__path(R, "report.docx"), R->diag);
    chiso_word_free(doc);
    if (st == CHISO_OK) {
        st = chiso_report__add_file(R, "report.docx");
    }
    return st;
}

/* ---- report.html ------------------------------------------------------------ */

static chiso_web_kind
web_kind(report_col_kind k)
{
    switch (k) {
    case RC_INT:
        return CHISO_WEB_INTEGER;
    case RC_FIXED:
    case RC_SIG:
        return CHISO_WEB_NUMBER;
    case RC_PCT:
        return CHISO_WEB_PERCENT;
    case RC_TEXT:
    case RC_DATE:
    case RC_YEAR:
        break;
    }
    return CHISO_WEB_TEXT;
}

static void
web_table(struct rp *R,
          chiso_web_page *pg,
          const struct report_table *t,
          const char *note)
{
    chiso_web_column cols[REPORT_TABLE_COLS];
    size_t i, j;

    if (t == NULL) {
        return;
    }
    for (j = 0; j < t->n_cols; j++) {
        cols[j].header = t->cols[j].header;
        cols[j].kind = web_kind(t->cols[j].kind);
        cols[j].decimals = t->cols[j].dec;
    }
    chiso_web_table_begin(pg, t->title, cols, t->n_cols);
    for (i = 0; i < t->n_rows; i++) {
        const struct report_cell *c = &t->cells[i * t->n_cols];
        if (t->flags[i]) {
            chiso_web_row_flags(pg, CHISO_WEB_ROW_HIGHLIGHT);
        }
        for (j = 0; j < t->n_cols; j++) {
            if (cols[j].kind == CHISO_WEB_TEXT) {
                const char *x = cell_text(R, t, i, j);
                if (x != NULL) {
                    chiso_web_put_text(pg, x);
                } else {
                    chiso_web_put_missing(pg);
                }
            } else {
                chiso_web_put_number(pg,
                                     c[j].has_shown ? c[j].shown : c[j].value);
            }
        }
    }
    chiso_web_table_end(pg, note);
}

static void
web_chart(struct rp *R, chiso_web_page *pg, int which)
{
    const struct report_chart *c = &R->charts[which];

    if (c->chart == NULL) {
        chiso_web_figure_missing(pg, c->caption, c->why_missing);
        return;
    }
    if (c->drawn.svg != NULL) {
        /* drawn with its files, at the same size: not drawn again */
        chiso_web_figure_drawn(pg, c->drawn.svg, c->drawn.svg_len,
                               c->drawn.spots, c->drawn.n_spots, c->caption,
                               c->reading, NULL);
        return;
    }
    chiso_web_figure_chart(pg, c->chart, REPORT_CHART_W, REPORT_CHART_H,
                           c->caption, c->reading, NULL);
}

static void
web_cards(struct rp *R, chiso_web_page *pg)
{
    chiso_web_card c[5];
    const chiso_score_result *s = R->score;
    const chiso_tasks_row *tr = chiso_report__tasks_row(R);
    const chiso_services_row *cur = chiso_report__svc_row(R, R->idx);
    const chiso_services_row *prev = chiso_report__svc_row(R, R->prev);
    size_t n = 0, i;

    memset(c, 0, sizeof(c));
    c[n].label = M(R, "Self-assessed PAR index");
    c[n].value = numtext(R, s->index_pct, 2);
    c[n].unit = "%";
    c[n].note = s->group ? s->group->label : NULL;
    c[n].exact =
        chiso_report__strf(R, "%s / %s %s", numtext(R, s->points, 2),
                           numtext(R, s->applicable_max, 2), M(R, "points"));
    c[n].source = R->fw->name;
    n++;
    if (R->tasks != NULL) {
        size_t overdue = chiso_report__unit_overdue(R);
        c[n].label = M(R, "Tasks completed on time (%)");
        c[n].value = tr ? numtext(R, tr->on_time_pct, 2) : NULL;
        c[n].unit = "%";
        c[n].note = chiso_report__strf(
            R, "%s: %zu", M(R, "Tasks overdue at the report date"), overdue);
        c[n].tone = tr == NULL    ? CHISO_WEB_NO_DATA
                    : overdue > 0 ? CHISO_WEB_WARN
                                  : CHISO_WEB_GOOD;
        n++;
    }
    if (R->svc != NULL) {
        c[n].label = M(R, "Dossiers submitted online (%)");
        c[n].value = cur ? numtext(R, cur->online_pct, 2) : NULL;
        c[n].unit = "%";
        c[n].note = prev ? chiso_report__strf(R, "%s: %s %%", R->prev_label,
                                              numtext(R, prev->online_pct, 2))
                         : NULL;
        c[n].tone = cur == NULL ? CHISO_WEB_NO_DATA : CHISO_WEB_NEUTRAL;
        n++;
        c[n].label = M(R, "Dossiers finished on time (%)");
        c[n].value = cur ? numtext(R, cur->on_time_pct, 2) : NULL;
        c[n].unit = "%";
        c[n].note = prev ? chiso_report__strf(R, "%s: %s %%", R->prev_label,
                                              numtext(R, prev->on_time_pct, 2))
                         : NULL;
        c[n].tone = cur == NULL ? CHISO_WEB_NO_DATA : CHISO_WEB_NEUTRAL;
        n++;
    }
    for (i = 0; i < R->n_indices && n < 5; i++) {
        const chiso_pub_row *r =
            R->has_latest[i] ? R->latest[i].latest_rank : NULL;
        if (strcmp(R->index_names[i], "PAR_INDEX") != 0 || r == NULL ||
            r->rank <= 0) {
            continue;
        }
        c[n].label = M(R, "The province's PAR INDEX rank");
        c[n].value = chiso_report__strf(R, "%ld/%ld", r->rank, r->rank_of);
        c[n].note = chiso_report__strf(
            R, "%d%s", r->year, r->rank_derived ? M(R, ", derived") : "");
        n++;
    }
    chiso_web_cards(pg, c, n);
}

chiso_status
chiso_report__write_html(struct rp *R)
{
    chiso_web_options o = CHISO_WEB_OPTIONS_INIT;
    chiso_web_page *pg = NULL;
    chiso_status st;
    size_t i;

    o.lang = lang(R);
    o.title = title_of(R);
    o.subtitle =
        chiso_report__strf(R, "%s — %s", R->cfg->unit_name, R->period_label);
    o.generator = "chiso " CHISO_VERSION;
    st = chiso_web_new(&pg, &o, R->diag);
    if (st != CHISO_OK) {
        return st;
    }
    web_cards(R, pg);
    chiso_web_section(pg, M(R, "I. RESULTS"));
    chiso_web_subsection(pg, M(R, "1. Self-assessment of the PAR index"));
    web_chart(R, pg, 0);
    web_chart(R, pg, 1);
    web_table(R, pg, chiso_report__table_named(R, M(R, "Areas")), R->fw->name);
    chiso_web_subsection(pg, M(R, "2. Tasks assigned"));
    web_table(R, pg, chiso_report__table_named(R, "table-overdue-tasks.csv"),
              base_name(R->cfg->tasks));
    chiso_web_subsection(pg, M(R, "3. Administrative procedures"));
    web_chart(R, pg, 2);
    web_table(R, pg,
              chiso_report__table_named(R, "table-services-by-month.csv"),
              base_name(R->cfg->dossiers));
    if (R->n_indices > 0) {
        chiso_web_subsection(pg, M(R, "4. The province's indices"));
        web_chart(R, pg, 3);
        web_chart(R, pg, 4);
        web_table(R, pg,
                  chiso_report__table_named(R, "table-province-indices.csv"),
                  NULL);
    }
    chiso_web_subsection(pg, M(R, "5. Self-assessment table"));
    web_table(R, pg, chiso_report__table_named(R, "table-criteria.csv"), NULL);
    chiso_web_section(pg, M(R, "II. SHORTCOMINGS AND LIMITATIONS"));
    web_table(R, pg, chiso_report__table_named(R, "table-points-lost.csv"),
              M(R, "The next value is the nearest value that gains points; "
                   "the gain is what it adds."));
    for (i = 0; i < R->n_warnings; i++) {
        chiso_web_note(pg, R->warnings[i]);
    }
    chiso_web_source(
        pg, chiso_report__strf(R, "%s: %s", M(R, "Framework"), R->fw->name));
    if (R->cfg->tasks != NULL) {
        chiso_web_source(pg,
                         chiso_report__strf(R, "%s: %s", M(R, "Task register"),
                                            base_name(R->cfg->tasks)));
    }
    if (R->cfg->dossiers != NULL) {
        chiso_web_source(pg,
                         chiso_report__strf(R, "%s: %s", M(R, "Dossier log"),
                                            base_name(R->cfg->dossiers)));
    }
    for (i = 0; i < R->n_indices; i++) {
        /* where each latest figure was published (an address, as text) */
        const chiso_pub_row *l = R->has_latest[i] ? R->latest[i].latest : NULL;
        if (l != NULL && l->source != NULL && l->source[0] != '\0') {
            chiso_web_source(pg, chiso_report__strf(R, "%s %d: %s",
                                                    R->index_names[i], l->year,
                                                    l->source));
        }
    }
    if (R->oom) {
        chiso_web_free(pg);
        return chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0,
                              "out of memory");
    }
    st = chiso_web_write(pg, chiso_report__path(R, "report.html"), R->diag);
    chiso_web_free(pg);
    if (st == CHISO_OK) {
        st = chiso_report__add_file(R, "report.html");
    }
    return st;
}

/*
 * web_demo.c - report.html from a report pack, to look at:
 *   web_demo PACK_DIR OUT.html
 *
 * PACK_DIR is what `chiso report` wrote (summary.json, the table CSVs, the
 * chart SVGs). The page is the one the report pack will carry, built
 * through chiso_web the way analytics/report will: key figures, the
 * self-assessment by area (charts rebuilt from summary.json, so they
 * carry their values on hover), the points lost, tasks and dossiers, the
 * province's indices (the pack's own SVG charts), the criteria table, the
 * data caveats and the sources. docs/outputs.md ("Web page") shows the
 * calls; this file is the worked example the report module follows.
 *
 * It reads the pack as a script would (cJSON, the datasets CSV reader),
 * so it also checks that the pack holds what the page needs.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_dataset.h"
#include "chiso_plot.h"
#include "chiso_web.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct demo {
    const char *dir;
    chiso_web_page *pg;
    cJSON *sum;
    int en;
    chiso_diag diag;
} demo;

#define T(D, vi, en_) ((D)->en ? (en_) : (vi))

static const char *
pack_path(const demo *D, const char *name, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s", D->dir, name);
    return buf;
}

static const cJSON *
at(const cJSON *o, const char *path)
{
    char key[128];
    const char *dot;

    while (o != NULL && path != NULL && *path) {
        dot = strchr(path, '.');
        snprintf(key, sizeof(key), "%.*s",
                 (int)(dot ? (size_t)(dot - path) : strlen(path)), path);
        o = cJSON_GetObjectItemCaseSensitive(o, key);
        path = dot ? dot + 1 : NULL;
    }
    return o;
}

static double
num(const cJSON *o, const char *path)
{
    const cJSON *v = at(o, path);
    return cJSON_IsNumber(v) ? v->valuedouble : (double)NAN;
}

static const char *
str(const cJSON *o, const char *path)
{
    const cJSON *v = at(o, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* "76,90" / "76.90"; "" for no value. */
static void
fmt(const demo *D, double v, int dec, char *out, size_t cap)
{
    char *p;

    if (isnan(v)) {
        snprintf(out, cap, "%s", "");
        return;
    }
    snprintf(out, cap, "%.*f", dec, v);
    for (p = out; !D->en && *p; p++) {
        if (*p == '.') {
            *p = ',';
        }
    }
}

/* ---- a CSV table of the pack as a web table ------------------------------ */

/* Columns whose values look like numbers but are names or codes. */
static int
text_header(const char *h)
{
    static const char *const names[] = {
        "Mã", "Mã nhiệm vụ", "id", "task_id", "Tháng", "month", "Năm", "year"};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(h, names[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* A machine number of the pack's CSV ("-12.5", "90"); NaN otherwise. */
static double
csv_number(const char *s, int *decimals)
{
    char *end;
    const char *dot = strchr(s, '.');
    double v;

    if (s[0] == '\0' || strspn(s, "-0123456789.") != strlen(s)) {
        return NAN;
    }
    v = strtod(s, &end);
    if (*end != '\0') {
        return NAN;
    }
    *decimals = dot ? (int)strlen(dot + 1) : 0;
    return v;
}

typedef struct csv_table {
    size_t n_cols, n_rows;
    char **cell; /* n_rows x n_cols */
    char **head;
} csv_table;

static void
csv_table_free(csv_table *t)
{
    size_t i;

    for (i = 0; i < t->n_rows * t->n_cols; i++) {
        free(t->cell[i]);
    }
    for (i = 0; i < t->n_cols; i++) {
        free(t->head[i]);
    }
    free(t->cell);
    free(t->head);
    memset(t, 0, sizeof(*t));
}

static int
csv_table_load(demo *D, const char *name, csv_table *t)
{
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    char path[1024];
    chiso_status st;
    size_t i;

    memset(t, 0, sizeof(*t));
    if (chiso_csv_open(&r, pack_path(D, name, path, sizeof(path)), NULL,
                       &D->diag) != CHISO_OK) {
        return -1;
    }
    while ((st = chiso_csv_next(r, &row, &D->diag)) == CHISO_OK) {
        if (t->head == NULL) {
            t->n_cols = row.n;
            t->head = calloc(row.n, sizeof(*t->head));
            for (i = 0; i < row.n; i++) {
                t->head[i] = chiso_strdup(row.field[i]);
            }
            continue;
        }
        t->cell =
            realloc(t->cell, (t->n_rows + 1) * t->n_cols * sizeof(*t->cell));
        for (i = 0; i < t->n_cols; i++) {
            t->cell[t->n_rows * t->n_cols + i] =
                chiso_strdup(i < row.n ? row.field[i] : "");
        }
        t->n_rows++;
    }
    chiso_csv_close(r);
    return st == CHISO_DONE ? 0 : -1;
}

/*
 * The table with typed columns: a column is a number column when every
 * value is a machine number (or empty), a percentage when its header ends
 * in "(%)" (Vietnamese pack) or "_pct" (English pack); decimals as the pack wrote them (at most 2). highlight_col:
 * rows whose cell there equals highlight_val stand out (-1: none).
 */
static int
web_table_csv(demo *D,
              const char *name,
              const char *caption,
              const char *note,
              long highlight_col,
              const char *highlight_val)
{
    csv_table t;
    chiso_web_column cols[64];
    size_t i, j;
    int rc = 0;

    if (csv_table_load(D, name, &t) != 0 || t.n_cols == 0 || t.n_cols > 64) {
        csv_table_free(&t);
        return -1;
    }
    for (j = 0; j < t.n_cols; j++) {
        int numeric = !text_header(t.head[j]), dec = 0, d;
        for (i = 0; i < t.n_rows && numeric; i++) {
            const char *v = t.cell[i * t.n_cols + j];
            if (v[0] != '\0' && isnan(csv_number(v, &d))) {
                numeric = 0;
            }
            if (v[0] != '\0' && d > dec) {
                dec = d;
            }
        }
        cols[j].header = t.head[j];
        cols[j].decimals = dec > 2 ? 2 : dec;
        if (!numeric) {
            cols[j].kind = CHISO_WEB_TEXT;
        } else if (strstr(t.head[j], "(%)") != NULL ||
                   strstr(t.head[j], "_pct") != NULL) {
            cols[j].kind = CHISO_WEB_PERCENT;
        } else {
            cols[j].kind = dec == 0 ? CHISO_WEB_INTEGER : CHISO_WEB_NUMBER;
        }
    }
    chiso_web_table_begin(D->pg, caption, cols, t.n_cols);
    for (i = 0; i < t.n_rows; i++) {
        if (highlight_col >= 0 && (size_t)highlight_col < t.n_cols &&
            strcmp(t.cell[i * t.n_cols + (size_t)highlight_col],
                   highlight_val) == 0) {
            chiso_web_row_flags(D->pg, CHISO_WEB_ROW_HIGHLIGHT);
        }
        for (j = 0; j < t.n_cols; j++) {
            const char *v = t.cell[i * t.n_cols + j];
            int d;
            if (cols[j].kind == CHISO_WEB_TEXT) {
                chiso_web_put_text(D->pg, v);
            } else if (v[0] == '\0') {
                chiso_web_put_missing(D->pg);
            } else {
                chiso_web_put_number(D->pg, csv_number(v, &d));
            }
        }
    }
    if (chiso_web_table_end(D->pg, note) != CHISO_OK) {
        rc = -1;
    }
    csv_table_free(&t);
    return rc;
}

/* ---- charts ---------------------------------------------------------------- */

static const cJSON *
chart_entry(const demo *D, const char *id)
{
    const cJSON *c;

    cJSON_ArrayForEach(c, at(D->sum, "charts"))
    {
        const char *cid = str(c, "id");
        if (cid != NULL && strcmp(cid, id) == 0) {
            return c;
        }
    }
    return NULL;
}

/* A chart of the pack: rebuilt (hover values) when `chart` is given,
 * else its SVG file; left out with the pack's reason. */
static void
figure(demo *D, const char *id, chiso_chart *chart, const char *caption)
{
    const cJSON *e = chart_entry(D, id);
    const char *why = e ? str(e, "missing_reason") : "?";
    const char *reading = e ? str(e, "reading") : NULL;
    char path[1024], name[256], *svg = NULL;
    size_t len = 0;

    if (why != NULL) {
        chiso_web_figure_missing(D->pg, caption, why);
        return;
    }
    if (chart != NULL) {
        chiso_web_figure_chart(D->pg, chart, 1200, 800, caption, reading, NULL);
        return;
    }
    snprintf(name, sizeof(name), "%s.svg", id);
    if (chiso_file_read_all(pack_path(D, name, path, sizeof(path)), &svg, &len,
                            &D->diag) == CHISO_OK) {
        chiso_web_figure_svg(D->pg, svg, len, caption, reading, NULL);
    }
    free(svg);
}

static chiso_chart *
new_chart(demo *D, chiso_plot_kind kind, const char *title)
{
    chiso_chart *c = NULL;
    char sub[512];

    if (chiso_chart_new(&c, kind) != CHISO_OK) {
        return NULL;
    }
    snprintf(sub, sizeof(sub), "%s — %s", str(D->sum, "unit.name"),
             str(D->sum, "period.label"));
    chiso_chart_set_lang(c, D->en ? CHISO_PLOT_LANG_EN : CHISO_PLOT_LANG_VI);
    chiso_chart_set_text(c, CHISO_PLOT_TITLE, title);
    chiso_chart_set_text(c, CHISO_PLOT_SUBTITLE, sub);
    chiso_chart_set_text(c, CHISO_PLOT_SOURCE,
                         str(D->sum, "par.framework.name"));
    return c;
}

static void
area_charts(demo *D)
{
    const cJSON *a;
    chiso_chart *radar =
        new_chart(D, CHISO_PLOT_RADAR,
                  T(D, "Kết quả tự đánh giá theo lĩnh vực (% số điểm tối đa)",
                    "Self-assessment by area (% of maximum)"));
    chiso_chart *fall =
        new_chart(D, CHISO_PLOT_WATERFALL,
                  T(D, "Điểm bị mất theo lĩnh vực", "Points lost by area"));

    chiso_chart_set_max(fall, num(D->sum, "par.applicable_max"));
    cJSON_ArrayForEach(a, at(D->sum, "par.areas"))
    {
        double mx = num(a, "applicable_max");
        if (!(mx > 0)) {
            continue;
        }
        chiso_chart_add_radar(radar, NULL, str(a, "name"), num(a, "points"),
                              mx);
        chiso_chart_add_step(fall, str(a, "name"), num(a, "points_lost"));
    }
    figure(D, "chart-areas", radar,
           T(D, "Kết quả theo lĩnh vực", "Result by area"));
    figure(D, "chart-points-lost", fall,
           T(D, "Từ điểm tối đa đến điểm đạt được",
             "From the maximum to the score"));
    chiso_chart_free(radar);
    chiso_chart_free(fall);
}

static void
month_chart(demo *D)
{
    /* each rate's column as the Vietnamese and the English pack name it */
    static const struct {
        const char *col, *col_en, *vi, *en;
    } rates[] = {
        {"Trực tuyến (%)", "online_pct", "Nộp trực tuyến", "Submitted online"},
        {"Đúng hạn (%)", "on_time_pct", "Giải quyết đúng hạn", "On time"},
        {"Ký số thành phần (%)", "components_signed_pct", "Ký số thành phần",
         "Components signed"},
        {"Ký số kết quả (%)", "result_signed_pct", "Ký số kết quả",
         "Result signed"},
        {"Số hóa (%)", "digitized_pct", "Số hóa hồ sơ", "Digitised"}};
    csv_table t;
    chiso_chart *c = NULL;
    size_t i, j, k, cells = 0;

    if (csv_table_load(D, "table-services-by-month.csv", &t) == 0) {
        c = new_chart(
            D, CHISO_PLOT_HEATMAP,
            T(D, "Tỷ lệ hồ sơ theo tháng (%)", "Dossier rates by month (%)"));
        chiso_chart_set_text(c, CHISO_PLOT_SOURCE,
                             str(D->sum, "services.source"));
        for (k = 0; k < sizeof(rates) / sizeof(rates[0]); k++) {
            for (j = 0; j < t.n_cols && strcmp(t.head[j], rates[k].col) != 0 &&
                        strcmp(t.head[j], rates[k].col_en) != 0;
                 j++) {
            }
            for (i = 0; i < t.n_rows && j < t.n_cols; i++) {
                const char *m = t.cell[i * t.n_cols];
                const char *v = t.cell[i * t.n_cols + j];
                char col[16];
                int d;
                /* "2024-07" -> "07/2024" */
                snprintf(col, sizeof(col), "%.2s/%.4s", m + 5, m);
                chiso_chart_add_cell(c, T(D, rates[k].vi, rates[k].en), col,
                                     v[0] ? csv_number(v, &d) : (double)NAN);
                cells++;
            }
        }
    }
    if (cells == 0) {
        /* none of the rate columns: the pack's own SVG */
        chiso_chart_free(c);
        c = NULL;
    }
    figure(D, "chart-rates-by-month", c,
           T(D, "Tỷ lệ hồ sơ theo tháng, kỳ trước và kỳ này",
             "Dossier rates by month, previous and this period"));
    chiso_chart_free(c);
    csv_table_free(&t);
}

/* ---- the page --------------------------------------------------------------- */

static void
cards(demo *D)
{
    chiso_web_card c[5];
    char v[5][64], note[5][256], ex[5][160], a[64], b[64];
    size_t n = 0;
    double x, prev;
    const cJSON *i;

    memset(c, 0, sizeof(c));
    x = num(D->sum, "par.index_pct");
    fmt(D, x, 2, v[n], sizeof(v[n]));
    fmt(D, num(D->sum, "par.appraised_index_pct"), 2, a, sizeof(a));
    snprintf(note[n], sizeof(note[n]), "%s%s%s%s%s",
             str(D->sum, "par.group.label") ? str(D->sum, "par.group.label")
                                            : "",
             a[0] ? " · " : "", a[0] ? T(D, "thẩm định ", "appraised ") : "",
             a[0] ? a : "", a[0] ? " %" : "");
    fmt(D, num(D->sum, "par.points"), 2, a, sizeof(a));
    fmt(D, num(D->sum, "par.applicable_max"), 2, b, sizeof(b));
    snprintf(ex[n], sizeof(ex[n]), "%s / %s %s", a, b, T(D, "điểm", "points"));
    c[n].label = T(D, "Chỉ số CCHC tự đánh giá", "Self-assessed PAR index");
    c[n].value = v[n];
    c[n].unit = "%";
    c[n].note = note[n];
    c[n].exact = ex[n];
    c[n].source = str(D->sum, "par.framework.name");
    n++;

    if (at(D->sum, "tasks") != NULL && !cJSON_IsNull(at(D->sum, "tasks"))) {
        double overdue = num(D->sum, "tasks.overdue_as_of");
        fmt(D, num(D->sum, "tasks.on_time_pct"), 2, v[n], sizeof(v[n]));
        snprintf(note[n], sizeof(note[n]),
                 T(D, "%.0f nhiệm vụ quá hạn tại ngày báo cáo",
                   "%.0f tasks overdue at the report date"),
                 overdue);
        c[n].label =
            T(D, "Nhiệm vụ hoàn thành đúng hạn", "Tasks completed on time");
        c[n].value = v[n];
        c[n].unit = "%";
        c[n].note = note[n];
        c[n].tone = overdue > 0 ? CHISO_WEB_WARN : CHISO_WEB_GOOD;
        n++;
    }
    x = num(D->sum, "services.current.online_pct");
    prev = num(D->sum, "services.previous.online_pct");
    if (!isnan(x)) {
        fmt(D, x, 2, v[n], sizeof(v[n]));
        fmt(D, prev, 2, a, sizeof(a));
        snprintf(note[n], sizeof(note[n]), "%s %s %%",
                 T(D, "kỳ trước", "previous period"), a[0] ? a : "—");
        c[n].label = T(D, "Hồ sơ nộp trực tuyến", "Dossiers submitted online");
        c[n].value = v[n];
        c[n].unit = "%";
        c[n].note = note[n];
        /* better or worse than the previous period, nothing more */
        c[n].tone = isnan(prev) ? CHISO_WEB_NEUTRAL
                    : x > prev  ? CHISO_WEB_GOOD
                    : x < prev  ? CHISO_WEB_BAD
                                : CHISO_WEB_NEUTRAL;
        n++;
        fmt(D, num(D->sum, "services.current.on_time_pct"), 2, v[n],
            sizeof(v[n]));
        fmt(D, num(D->sum, "services.previous.on_time_pct"), 2, a, sizeof(a));
        snprintf(note[n], sizeof(note[n]), "%s %s %%",
                 T(D, "kỳ trước", "previous period"), a[0] ? a : "—");
        c[n].label = T(D, "Hồ sơ giải quyết đúng hạn", "Dossiers on time");
        c[n].value = v[n];
        c[n].unit = "%";
        c[n].note = note[n];
        n++;
    }
    cJSON_ArrayForEach(i, at(D->sum, "province_indices"))
    {
        const cJSON *row = at(i, "latest_rank");
        const char *idx = str(i, "index");
        if (idx == NULL || strcmp(idx, "PAR_INDEX") != 0 || row == NULL ||
            cJSON_IsNull(row)) {
            continue;
        }
        snprintf(v[n], sizeof(v[n]), "%.0f/%.0f", num(row, "rank"),
                 num(row, "rank_of"));
        snprintf(note[n], sizeof(note[n]), "%s %.0f%s", T(D, "năm", "year"),
                 num(row, "year"),
                 cJSON_IsTrue(at(row, "rank_derived"))
                     ? T(D, " · hạng suy ra", " · derived rank")
                     : "");
        c[n].label =
            T(D, "Thứ hạng PAR INDEX của tỉnh", "Province's PAR INDEX rank");
        c[n].value = v[n];
        c[n].note = note[n];
        n++;
        break;
    }
    chiso_web_cards(D->pg, c, n);
}

static void
areas_table(demo *D)
{
    static const chiso_web_column cols_vi[] = {
        {"Lĩnh vực", CHISO_WEB_TEXT, 0},
        {"Điểm", CHISO_WEB_NUMBER, 2},
        {"Tối đa áp dụng", CHISO_WEB_NUMBER, 2},
        {"Tỷ lệ", CHISO_WEB_PERCENT, 2},
        {"Điểm bị mất", CHISO_WEB_NUMBER, 2}};
    static const chiso_web_column cols_en[] = {
        {"Area", CHISO_WEB_TEXT, 0},
        {"Points", CHISO_WEB_NUMBER, 2},
        {"Applicable maximum", CHISO_WEB_NUMBER, 2},
        {"Share", CHISO_WEB_PERCENT, 2},
        {"Points lost", CHISO_WEB_NUMBER, 2}};
    const cJSON *a;
    double lost = 0;

    chiso_web_table_begin(D->pg, T(D, "Điểm theo lĩnh vực", "Points by area"),
                          D->en ? cols_en : cols_vi, 5);
    cJSON_ArrayForEach(a, at(D->sum, "par.areas"))
    {
        chiso_web_put_text(D->pg, str(a, "name"));
        chiso_web_put_number(D->pg, num(a, "points"));
        chiso_web_put_number(D->pg, num(a, "applicable_max"));
        chiso_web_put_number(D->pg, num(a, "index_pct"));
        chiso_web_put_number(D->pg, num(a, "points_lost"));
        lost += num(a, "points_lost");
    }
    chiso_web_row_flags(D->pg, CHISO_WEB_ROW_TOTAL);
    chiso_web_put_text(D->pg, T(D, "Tổng cộng", "Total"));
    chiso_web_put_number(D->pg, num(D->sum, "par.points"));
    chiso_web_put_number(D->pg, num(D->sum, "par.applicable_max"));
    chiso_web_put_number(D->pg, num(D->sum, "par.index_pct"));
    chiso_web_put_number(D->pg, lost);
    chiso_web_table_end(D->pg, str(D->sum, "par.framework.name"));
}

static int
build(demo *D, const char *out)
{
    chiso_web_options o = CHISO_WEB_OPTIONS_INIT;
    char title[512], sub[512], src[1024];
    const cJSON *w;
    const char *prov = str(D->sum, "unit.province");

    o.lang = D->en ? CHISO_LANG_EN : CHISO_LANG_VI;
    snprintf(title, sizeof(title), "%s %s",
             T(D, "Báo cáo kết quả cải cách hành chính",
               "Administrative reform report,"),
             str(D->sum, "period.label"));
    {
        /* "2024-12-31 23:59:59" -> "31/12/2024" */
        const char *d = str(D->sum, "period.as_of");
        snprintf(sub, sizeof(sub), "%s — %s %.2s/%.2s/%.4s",
                 str(D->sum, "unit.name"),
                 T(D, "số liệu tính đến ngày", "data as of"), d + 8, d + 5, d);
    }
    o.title = title;
    o.subtitle = sub;
    o.generator = str(D->sum, "generator");
    if (chiso_web_new(&D->pg, &o, &D->diag) != CHISO_OK) {
        return -1;
    }
    cards(D);

    chiso_web_section(D->pg,
                      T(D, "I. Kết quả tự đánh giá", "I. Self-assessment"));
    area_charts(D);
    areas_table(D);

    chiso_web_section(D->pg, T(D, "II. Tiêu chí bị mất điểm nhiều nhất",
                               "II. Criteria that lost most"));
    chiso_web_paragraph(
        D->pg, T(D,
                 "Giá trị cần đạt là mức của bậc kế tiếp trong quy tắc "
                 "chấm điểm; \"Được thêm\" là số điểm bậc đó mang lại.",
                 "The target is the next step of the scoring rule; the gain "
                 "is what that step is worth."));
    web_table_csv(D, "table-points-lost.csv",
                  T(D, "Tiêu chí bị mất điểm", "Points lost"), NULL, -1, NULL);

    chiso_web_section(D->pg, T(D, "III. Nhiệm vụ và hồ sơ thủ tục hành chính",
                               "III. Tasks and dossiers"));
    month_chart(D);
    web_table_csv(D, "table-services-by-month.csv",
                  T(D, "Hồ sơ theo tháng", "Dossiers by month"),
                  str(D->sum, "services.source"), -1, NULL);
    web_table_csv(D, "table-overdue-tasks.csv",
                  T(D, "Nhiệm vụ quá hạn tại ngày báo cáo",
                    "Tasks overdue at the report date"),
                  str(D->sum, "tasks.source"), -1, NULL);

    chiso_web_section(D->pg, T(D, "IV. Chỉ số của tỉnh", "IV. The province"));
    figure(D, "chart-province-ranks", NULL,
           T(D, "Thứ hạng của tỉnh qua các năm",
             "The province's ranks over the years"));
    figure(D, "chart-par-peers", NULL,
           T(D, "Tỉnh và các tỉnh so sánh", "The province and its peers"));
    web_table_csv(D, "table-province-indices.csv",
                  T(D, "Các chỉ số đã công bố của tỉnh",
                    "The province's published indices"),
                  NULL, -1, NULL);

    chiso_web_section(D->pg, T(D, "V. Bảng tiêu chí", "V. All criteria"));
    /* area rows (level 0) stand out */
    web_table_csv(D, "table-criteria.csv",
                  T(D, "Điểm từng tiêu chí", "Every criterion"), NULL, 2, "0");

    cJSON_ArrayForEach(w, at(D->sum, "warnings"))
    {
        if (cJSON_IsString(w)) {
            chiso_web_note(D->pg, w->valuestring);
        }
    }
    snprintf(src, sizeof(src), "%s: %s", T(D, "Bộ tiêu chí", "Framework"),
             str(D->sum, "par.framework.name"));
    chiso_web_source(D->pg, src);
    if (str(D->sum, "tasks.source") != NULL) {
        snprintf(src, sizeof(src), "%s: %s",
                 T(D, "Sổ theo dõi nhiệm vụ", "Task register"),
                 str(D->sum, "tasks.source"));
        chiso_web_source(D->pg, src);
    }
    if (str(D->sum, "services.source") != NULL) {
        snprintf(src, sizeof(src), "%s: %s",
                 T(D, "Nhật ký hồ sơ TTHC", "Dossier log"),
                 str(D->sum, "services.source"));
        chiso_web_source(D->pg, src);
    }
    if (prov != NULL) {
        const cJSON *i;
        snprintf(src, sizeof(src), "%s (%s)",
                 T(D, "Kết quả PAR INDEX, SIPAS, PAPI đã công bố",
                   "Published PAR INDEX, SIPAS, PAPI results"),
                 prov);
        chiso_web_source(D->pg, src);
        /* where each latest figure was published (an address, as text) */
        cJSON_ArrayForEach(i, at(D->sum, "province_indices"))
        {
            const char *s = str(i, "latest.source");
            if (s != NULL) {
                snprintf(src, sizeof(src), "%s %.0f: %s", str(i, "index"),
                         num(i, "latest.year"), s);
                chiso_web_source(D->pg, src);
            }
        }
    }
    return chiso_web_write(D->pg, out, &D->diag) == CHISO_OK ? 0 : -1;
}

int
main(int argc, char **argv)
{
    demo D;
    char path[1024], *text = NULL;
    size_t len;
    int rc = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: web_demo PACK_DIR OUT.html\n");
        return 2;
    }
    memset(&D, 0, sizeof(D));
    chiso_diag_clear(&D.diag);
    D.dir = argv[1];
    if (chiso_file_read_all(pack_path(&D, "summary.json", path, sizeof(path)),
                            &text, &len, &D.diag) == CHISO_OK) {
        D.sum = cJSON_ParseWithLength(text, len);
        if (D.sum == NULL) {
            chiso_diag_set(&D.diag, CHISO_EPARSE, path, 0, 0, "not JSON");
        }
    }
    if (D.sum != NULL) {
        D.en = str(D.sum, "language") != NULL &&
               strcmp(str(D.sum, "language"), "en") == 0;
        rc = build(&D, argv[2]) == 0 ? 0 : 1;
    }
    if (rc != 0) {
        if (D.diag.code == CHISO_OK && D.pg != NULL) {
            chiso_web_error(D.pg, &D.diag);
        }
        fprintf(stderr, "web_demo: %s%s%s\n", D.diag.path,
                D.diag.path[0] ? ": " : "", D.diag.message);
    }
    chiso_web_free(D.pg);
    cJSON_Delete(D.sum);
    free(text);
    chiso_plot_release_fonts();
    return rc;
}

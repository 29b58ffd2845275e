/*
 * report_history.c - the department's own history in its pack (issue 13).
 *
 * The configuration's "history" names earlier periods: a previous pack's
 * summary.json, a score JSON (chiso score --json) or a history table CSV
 * (unit, period, index_pct, area_<id>_pct..., rank, rank_of, framework,
 * source; only the rows of the report's unit are read). With the current
 * period's score they give:
 *   - chart-history-index: the index % across periods (semesters,
 *     quarters, years on one time axis, each at the middle of its period),
 *   - chart-history-areas: one small panel per area (% of the area's
 *     applicable maximum),
 *   - chart-history-rank: the rank among departments where known (rank
 *     axis, 1 at the top; never joined across different totals),
 *   - history.csv, a "history" object in summary.json and a section of the
 *     brief, with the change since the same period a year earlier.
 * Break-aware like chiso trend: when the framework changes between two
 * periods no line joins them (a break rule is drawn) and the change over
 * a year across a break is "not comparable", never a number.
 *
 * A period given twice, a history period equal to the report's, a
 * malformed number or a missing key is an error at its file:line:column.
 * Words come from the message catalogue (English msgids, vi.po).
 */
#define _POSIX_C_SOURCE 200809L
#include "report_int.h"

#include "chiso_dataset.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HIST_MAX_AREAS 32
#define HIST_CHARTS    3

struct hist_point {
    chiso_period_kind kind;
    int32_t idx;
    char period[24];
    double x; /* middle of the period, in years */
    double index_pct;
    double area_pct[HIST_MAX_AREAS]; /* by the current framework's areas */
    long rank, rank_of;
    char framework[128];
    char source[512];
    int current;
};

struct report_history {
    struct hist_point *pts;
    size_t n;
    size_t areas[HIST_MAX_AREAS];
    size_t n_areas;
    struct report_chart charts[HIST_CHARTS];
    /* change since the same period a year earlier */
    int yoy; /* 0 none, 1 a number, 2 not comparable (framework changed) */
    double yoy_change;
    char yoy_period[24];
};

static chiso_lang
hlang(const struct rp *R)
{
    return R->en ? CHISO_LANG_EN : CHISO_LANG_VI;
}

#define HM(R, msgid) chiso_msg(hlang(R), msgid)

static double
mid_year(chiso_period_kind kind, int32_t idx)
{
    int64_t a, b;

    chiso_period_days(kind, idx, &a, &b);
    /* days since 1970 to years: exact enough to order and space periods */
    return 1970.0 + (double)(a + b) / 2.0 / 365.2425;
}

static struct hist_point *
add_point(struct rp *R,
          const char *period,
          const char *path,
          unsigned long line)
{
    struct report_history *H = R->hist;
    struct hist_point *p, *q;
    chiso_period_kind kind;
    int32_t idx;
    size_t i, a;

    if (chiso_period_parse(period, &kind, &idx) != 0 ||
        kind == CHISO_PERIOD_MONTH) {
        chiso_diag_set(R->diag, CHISO_EDATA, path, line, 0,
                       "bad history period '%s' (expected 2023-H1, 2024-Q2 "
                       "or 2024)",
                       period);
        return NULL;
    }
    for (i = 0; i < H->n; i++) {
        if (H->pts[i].kind == kind && H->pts[i].idx == idx) {
            chiso_diag_set(R->diag, CHISO_EDATA, path, line, 0,
                           "period %s is given twice in the history (also "
                           "%s)",
                           period, H->pts[i].source);
            return NULL;
        }
    }
    q = realloc(H->pts, (H->n + 1) * sizeof(*q));
    if (q == NULL) {
        chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    H->pts = q;
    p = &H->pts[H->n++];
    memset(p, 0, sizeof(*p));
    p->kind = kind;
    p->idx = idx;
    chiso_period_format(kind, idx, p->period, sizeof(p->period));
    p->x = mid_year(kind, idx);
    p->index_pct = NAN;
    for (a = 0; a < HIST_MAX_AREAS; a++) {
        p->area_pct[a] = NAN;
    }
    chiso_textf(p->source, sizeof(p->source), "%s", path);
    return p;
}

/* Area k of the current framework with this id, or -1. */
static long
area_index(const struct rp *R, const char *id)
{
    size_t a;

    for (a = 0; a < R->hist->n_areas; a++) {
        if (strcmp(R->fw->nodes[R->hist->areas[a]].id, id) == 0) {
            return (long)a;
        }
    }
    return -1;
}

/* A number member of a JSON object: NaN for null; an error for anything
 * else than a number. */
static int
json_pct(struct rp *R,
         const chiso_json_doc *doc,
         const cJSON *obj,
         const char *key,
         double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return 0;
    }
    if (v != NULL && cJSON_IsNull(v)) {
        *out = NAN;
        return 0;
    }
    chiso_json_doc_error(doc, R->diag, CHISO_ESCHEMA, v ? v : obj,
                         "expected a number for \"%s\"", key);
    return -1;
}

/* summary.json (par.{framework.id, index_pct, areas[]}) or score JSON
 * (framework.id, total.index_pct, nodes[] of depth 0). */
static chiso_status
load_json_source(struct rp *R, const chiso_report_history_source *src)
{
    chiso_json_doc *doc = NULL;
    const cJSON *root, *par, *fw, *arr, *e;
    struct hist_point *p;
    chiso_status st = chiso_json_doc_load(&doc, src->path, R->diag);
    int summary = src->kind == CHISO_HISTORY_SUMMARY;

    if (st != CHISO_OK) {
        return st;
    }
    root = chiso_json_doc_root(doc);
    par = summary ? cJSON_GetObjectItemCaseSensitive(root, "par") : root;
    fw = cJSON_GetObjectItemCaseSensitive(par, "framework");
    if (!cJSON_IsObject(par) || !cJSON_IsObject(fw) ||
        !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(fw, "id"))) {
        st = chiso_json_doc_error(
            doc, R->diag, CHISO_ESCHEMA, par ? par : root,
            summary ? "not a report pack's summary.json (no \"par\" with "
                      "\"framework\")"
                    : "not a score JSON (no \"framework\" with \"id\")");
        goto done;
    }
    p = add_point(R, src->period, src->path, 0);
    if (p == NULL) {
        st = R->diag->code;
        goto done;
    }
    p->rank = src->rank;
    p->rank_of = src->rank_of;
    chiso_textf(p->framework, sizeof(p->framework), "%s",
                cJSON_GetObjectItemCaseSensitive(fw, "id")->valuestring);
    if (summary) {
        if (json_pct(R, doc, par, "index_pct", &p->index_pct) != 0) {
            st = CHISO_ESCHEMA;
            goto done;
        }
        arr = cJSON_GetObjectItemCaseSensitive(par, "areas");
    } else {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "total");
        if (!cJSON_IsObject(t) ||
            json_pct(R, doc, t, "index_pct", &p->index_pct) != 0) {
            if (!cJSON_IsObject(t)) {
                chiso_json_doc_error(doc, R->diag, CHISO_ESCHEMA, root,
                                     "not a score JSON (no \"total\")");
            }
            st = CHISO_ESCHEMA;
            goto done;
        }
        arr = cJSON_GetObjectItemCaseSensitive(root, "nodes");
    }
    cJSON_ArrayForEach(e, arr)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
        const cJSON *depth = cJSON_GetObjectItemCaseSensitive(e, "depth");
        long k;
        if (!summary && (!cJSON_IsNumber(depth) || depth->valueint != 0)) {
            continue;
        }
        if (!cJSON_IsString(id)) {
            continue;
        }
        k = area_index(R, id->valuestring);
        if (k >= 0 && json_pct(R, doc, e, "index_pct", &p->area_pct[k]) != 0) {
            st = CHISO_ESCHEMA;
            goto done;
        }
    }
done:
    chiso_json_doc_free(doc);
    return st;
}

static int
is_this_unit(const struct rp *R, const char *u, size_t lu)
{
    size_t i;

    if (chiso_text_same(u, lu, R->cfg->unit_code) ||
        (R->cfg->unit_name && chiso_text_same(u, lu, R->cfg->unit_name))) {
        return 1;
    }
    for (i = 0; i < R->cfg->n_unit_names; i++) {
        if (chiso_text_same(u, lu, R->cfg->unit_names[i])) {
            return 1;
        }
    }
    return 0;
}

/* A percentage cell: empty = no value (NaN); else a number in 0..100. */
static int
pct_cell(struct rp *R,
         chiso_csv_reader *r,
         const chiso_csv_row *row,
         long k,
         double *out)
{
    size_t len;
    const char *s;

    *out = NAN;
    if (k < 0) {
        return 0;
    }
    s = chiso_csv_field(row, k, &len);
    chiso_text_trim(&s, &len);
    if (len == 0) {
        return 0;
    }
    if (chiso_parse_number(s, len, out) != 0 || *out < 0 || *out > 100) {
        chiso_csv_field_error(r, R->diag, CHISO_EDATA, row, (size_t)k,
                              "expected a percentage from 0 to 100, got "
                              "'%.*s'",
                              (int)len, s);
        return -1;
    }
    return 0;
}

static chiso_status
load_table(struct rp *R, const chiso_report_history_source *src)
{
    static const chiso_csv_column cols[] = {
        {"unit", "unit_code|ma_don_vi|don_vi", 1},
        {"period", "ky|ky_danh_gia", 1},
        {"index_pct", "chi_so|index", 1},
        {"rank", "xep_hang|thu_hang|hang", 0},
        {"rank_of", "tren_so|so_don_vi_xep_hang", 0},
        {"framework", "bo_tieu_chi|khung", 0},
        {"source", "nguon", 0},
    };
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    long idx[7], area_col[HIST_MAX_AREAS];
    size_t a, h;
    chiso_status st = chiso_csv_open(&r, src->path, NULL, R->diag);

    if (st == CHISO_OK) {
        st = chiso_csv_bind(r, cols, 7, idx, R->diag);
    }
    if (st != CHISO_OK) {
        chiso_csv_close(r);
        return st;
    }
    for (a = 0; a < R->hist->n_areas; a++) {
        char want[200];
        area_col[a] = -1;
        chiso_textf(want, sizeof(want), "area_%s_pct",
                    R->fw->nodes[R->hist->areas[a]].id);
        for (h = 0; h < chiso_csv_header_count(r); h++) {
            if (strcmp(chiso_csv_header_name(r, h), want) == 0) {
                area_col[a] = (long)h;
            }
        }
    }
    while ((st = chiso_csv_next(r, &row, R->diag)) == CHISO_OK) {
        size_t lu, lp, lf, ls, lr, lo;
        const char *u = chiso_csv_field(&row, idx[0], &lu);
        const char *per = chiso_csv_field(&row, idx[1], &lp);
        const char *f = idx[5] >= 0 ? chiso_csv_field(&row, idx[5], &lf) : "";
        const char *so = idx[6] >= 0 ? chiso_csv_field(&row, idx[6], &ls) : "";
        const char *rk = idx[3] >= 0 ? chiso_csv_field(&row, idx[3], &lr) : "";
        const char *of = idx[4] >= 0 ? chiso_csv_field(&row, idx[4], &lo) : "";
        char ptext[32];
        struct hist_point *p;
        if (idx[5] < 0) {
            lf = 0;
        }
        if (idx[6] < 0) {
            ls = 0;
        }
        if (idx[3] < 0) {
            lr = 0;
        }
        if (idx[4] < 0) {
            lo = 0;
        }
        chiso_text_trim(&u, &lu);
        chiso_text_trim(&per, &lp);
        if (!is_this_unit(R, u, lu)) {
            continue;
        }
        chiso_textf(ptext, sizeof(ptext), "%.*s", (int)lp, per);
        p = add_point(R, ptext, src->path, row.line);
        if (p == NULL) {
            st = R->diag->code;
            break;
        }
        chiso_textf(p->source, sizeof(p->source), "%.*s", (int)ls, so);
        if (ls == 0) {
            chiso_textf(p->source, sizeof(p->source), "%s:%lu", src->path,
                        row.line);
        }
        chiso_textf(p->framework, sizeof(p->framework), "%.*s", (int)lf, f);
        if (pct_cell(R, r, &row, idx[2], &p->index_pct) != 0) {
            st = CHISO_EDATA;
            break;
        }
        for (a = 0; a < R->hist->n_areas; a++) {
            if (pct_cell(R, r, &row, area_col[a], &p->area_pct[a]) != 0) {
                st = CHISO_EDATA;
                break;
            }
        }
        if (st != CHISO_OK) {
            break;
        }
        if (lr > 0 || lo > 0) {
            double x, y;
            if (chiso_parse_number(rk, lr, &x) != 0 ||
                chiso_parse_number(of, lo, &y) != 0 || x < 1 || y < x ||
                floor(x) < x || floor(y) < y) {
                st = chiso_csv_field_error(
                    r, R->diag, CHISO_EDATA, &row,
                    (size_t)(lr > 0 ? idx[3] : idx[4]),
                    "rank '%.*s' of '%.*s': expected whole numbers with "
                    "1 <= rank <= rank_of",
                    (int)lr, rk, (int)lo, of);
                break;
            }
            p->rank = (long)x;
            p->rank_of = (long)y;
        }
    }
    chiso_csv_close(r);
    return st == CHISO_DONE ? CHISO_OK : st;
}

static int
cmp_point(const void *a, const void *b)
{
    const struct hist_point *p = a, *q = b;

    return (p->x > q->x) - (p->x < q->x);
}

static int
is_break(const struct hist_point *a, const struct hist_point *b)
{
    return a->framework[0] != '\0' && b->framework[0] != '\0' &&
           strcmp(a->framework, b->framework) != 0;
}

/* ---- charts ------------------------------------------------------------ */

static chiso_status period_ticks(struct rp *R, chiso_chart *ch);

static struct report_chart *
hchart(struct rp *R, int which, chiso_plot_kind kind, const char *title)
{
    struct report_chart *c = &R->hist->charts[which];

    if (chiso_chart_new(&c->chart, kind) != CHISO_OK) {
        R->oom = 1;
        return NULL;
    }
    chiso_chart_set_lang(c->chart,
                         R->en ? CHISO_PLOT_LANG_EN : CHISO_PLOT_LANG_VI);
    if (chiso_chart_set_text(c->chart, CHISO_PLOT_TITLE, title) != CHISO_OK ||
        chiso_chart_set_text(c->chart, CHISO_PLOT_SUBTITLE,
                             R->cfg->unit_name) != CHISO_OK ||
        chiso_chart_set_text(c->chart, CHISO_PLOT_SOURCE,
                             HM(R, "the unit's packs, score results and "
                                   "history table")) != CHISO_OK) {
        R->oom = 1;
    }
    /* the time axis is labelled with the periods themselves ("2023-H1",
     * "2024-Q3", "2024"), each drawn at its middle */
    if (period_ticks(R, c->chart) != CHISO_OK ||
        (kind != CHISO_PLOT_SMALL_MULTIPLES &&
         chiso_chart_set_text(c->chart, CHISO_PLOT_X_LABEL, HM(R, "Period")) !=
             CHISO_OK)) {
        R->oom = 1;
    }
    return c;
}

/* The x ticks of a history chart: one per period, labelled as written. */
static chiso_status
period_ticks(struct rp *R, chiso_chart *ch)
{
    const struct report_history *H = R->hist;
    double *x = calloc(H->n + 1, sizeof(double));
    const char **lab = calloc(H->n + 1, sizeof(char *));
    size_t i;
    chiso_status st;

    if (x == NULL || lab == NULL) {
        free(x);
        free(lab);
        return CHISO_ENOMEM;
    }
    for (i = 0; i < H->n; i++) {
        x[i] = H->pts[i].x;
        lab[i] = H->pts[i].period;
    }
    st = chiso_chart_set_x_tick_labels(ch, x, lab, H->n);
    free(x);
    free(lab);
    return st;
}

static chiso_status
add_breaks(struct rp *R, chiso_chart *ch)
{
    const struct report_history *H = R->hist;
    size_t i;
    chiso_status st = CHISO_OK;

    for (i = 1; i < H->n && st == CHISO_OK; i++) {
        if (is_break(&H->pts[i - 1], &H->pts[i])) {
            st = chiso_chart_add_break(
                ch, H->pts[i].x,
                chiso_report__strf(R, HM(R, "framework changed: %s"),
                                   H->pts[i].framework));
        }
    }
    return st;
}

static chiso_status
build_charts(struct rp *R)
{
    struct report_history *H = R->hist;
    struct report_chart *c;
    double *x = calloc(H->n + 1, sizeof(double));
    double *y = calloc(H->n + 1, sizeof(double));
    long *of = calloc(H->n + 1, sizeof(long));
    size_t i, a, n_rank = 0;
    chiso_status st = CHISO_OK;
    char v[48];

    if (x == NULL || y == NULL || of == NULL) {
        free(x);
        free(y);
        free(of);
        return CHISO_ENOMEM;
    }
    for (i = 0; i < H->n; i++) {
        x[i] = H->pts[i].x;
    }
    /* 1. the index */
    c = hchart(R, 0, CHISO_PLOT_TREND, HM(R, "Index % across periods"));
    if (c != NULL) {
        c->base = "chart-history-index";
        for (i = 0; i < H->n; i++) {
            y[i] = H->pts[i].index_pct;
        }
        chiso_chart_set_decimals(c->chart, 2);
        st = chiso_chart_add_series(c->chart, HM(R, "Index %"), x, y, NULL,
                                    NULL, H->n);
        if (st == CHISO_OK) {
            st = add_breaks(R, c->chart);
        }
        chiso_textf(c->caption, sizeof(c->caption), "%s",
                    HM(R, "The unit's index % across periods"));
        chiso_chart_format_value(c->chart, H->pts[H->n - 1].index_pct, v,
                                 sizeof(v));
        chiso_textf(c->reading, sizeof(c->reading),
                    HM(R, "%zu periods from %s to %s; now %s %%."), H->n,
                    H->pts[0].period, H->pts[H->n - 1].period, v);
    }
    /* 2. the areas, one panel each */
    c = st == CHISO_OK ? hchart(R, 1, CHISO_PLOT_SMALL_MULTIPLES,
                                HM(R, "Areas across periods"))
                       : NULL;
    if (c != NULL) {
        c->base = "chart-history-areas";
        for (a = 0; a < H->n_areas && st == CHISO_OK; a++) {
            const chiso_node *an = &R->fw->nodes[H->areas[a]];
            for (i = 0; i < H->n; i++) {
                y[i] = H->pts[i].area_pct[a];
            }
            st = chiso_chart_add_series(c->chart,
                                        chiso_report__strf(R, "%s. %s", an->id,
                                                           R->en && an->name_en
                                                               ? an->name_en
                                                               : an->name),
                                        x, y, NULL, NULL, H->n);
        }
        if (st == CHISO_OK) {
            st = add_breaks(R, c->chart);
        }
        chiso_textf(c->caption, sizeof(c->caption), "%s",
                    HM(R, "Each area as % of its applicable maximum, across "
                          "periods"));
        chiso_textf(c->reading, sizeof(c->reading), "%s",
                    HM(R, "A gap in a line is a period without a value for "
                          "that area; a vertical rule is a change of "
                          "framework, across which no line is joined."));
    }
    /* 3. the rank among departments, where known */
    for (i = 0; i < H->n; i++) {
        y[i] = H->pts[i].rank > 0 ? (double)H->pts[i].rank : (double)NAN;
        of[i] = H->pts[i].rank > 0 ? H->pts[i].rank_of : 0;
        n_rank += H->pts[i].rank > 0;
    }
    if (st == CHISO_OK && n_rank > 0) {
        c = hchart(R, 2, CHISO_PLOT_TREND,
                   HM(R, "Rank among departments across periods"));
        if (c != NULL) {
            c->base = "chart-history-rank";
            st = chiso_chart_add_rank_series(c->chart, R->cfg->unit_name, x, y,
                                             of, NULL, H->n);
            if (st == CHISO_OK) {
                st = add_breaks(R, c->chart);
            }
            chiso_textf(c->caption, sizeof(c->caption), "%s",
                        HM(R, "Rank among departments (1 = best)"));
            chiso_textf(c->reading, sizeof(c->reading),
                        HM(R, "Rank known for %zu of %zu periods."), n_rank,
                        H->n);
        }
    }
    free(x);
    free(y);
    free(of);
    if (st == CHISO_OK && R->oom) {
        st = CHISO_ENOMEM;
    }
    for (i = 0; st == CHISO_OK && i < HIST_CHARTS; i++) {
        chiso_diag d;
        c = &H->charts[i];
        if (c->chart == NULL) {
            continue;
        }
        chiso_diag_clear(&d);
        d.lang = hlang(R);
        if (chiso_plot_check(c->chart, 1200, 800, &d) == CHISO_EDATA) {
            chiso_report__warnk(R, "chart_left_out", CHISO_SEVERITY_WARNING,
                                NULL, NULL, HM(R, "chart '%s' left out: %s"),
                                c->base, d.message);
            chiso_chart_free(c->chart);
            c->chart = NULL;
        }
    }
    return st;
}

/* ---- compute ----------------------------------------------------------- */

static int32_t
per_year(chiso_period_kind k)
{
    return k == CHISO_PERIOD_HALF ? 2 : k == CHISO_PERIOD_QUARTER ? 4 : 1;
}

chiso_status
chiso_report__history_compute(struct rp *R)
{
    struct report_history *H;
    struct hist_point *cur;
    size_t i, a;
    chiso_status st = CHISO_OK;

    if (R->cfg->n_history == 0) {
        return CHISO_OK;
    }
    H = calloc(1, sizeof(*H));
    if (H == NULL) {
        return chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0,
                              "out of memory");
    }
    R->hist = H;
    H->n_areas = chiso_report__areas(R, H->areas, HIST_MAX_AREAS);
    /* the report's own period first, so a history entry repeating it is
     * an error at that entry */
    cur = add_point(R, R->cfg->period, R->cfg->evidence, 0);
    if (cur == NULL) {
        return R->diag->code;
    }
    cur->current = 1;
    cur->index_pct = R->score->index_pct;
    chiso_textf(cur->framework, sizeof(cur->framework), "%s", R->fw->id);
    for (a = 0; a < H->n_areas; a++) {
        cur->area_pct[a] = R->score->nodes[H->areas[a]].index_pct;
    }
    for (i = 0; i < R->cfg->n_history && st == CHISO_OK; i++) {
        const chiso_report_history_source *src = &R->cfg->history[i];
        if (src->kind == CHISO_HISTORY_TABLE) {
            size_t before = H->n;
            st = load_table(R, src);
            if (st == CHISO_OK && H->n == before) {
                chiso_report__warnk(
                    R, "history_unit_not_in_table", CHISO_SEVERITY_WARNING,
                    NULL, src->path,
                    HM(R, "history table %s has no row of unit %s"), src->path,
                    R->cfg->unit_code);
            }
        } else {
            st = load_json_source(R, src);
        }
    }
    if (st != CHISO_OK) {
        return st;
    }
    qsort(H->pts, H->n, sizeof(*H->pts), cmp_point);
    /* the same period a year earlier */
    for (i = 0; i < H->n; i++) {
        if (H->pts[i].current) {
            cur = &H->pts[i];
        }
    }
    for (i = 0; i < H->n; i++) {
        const struct hist_point *p = &H->pts[i];
        if (p->kind == cur->kind && p->idx == cur->idx - per_year(cur->kind)) {
            chiso_textf(H->yoy_period, sizeof(H->yoy_period), "%s", p->period);
            if (is_break(p, cur)) {
                H->yoy = 2;
            } else if (isfinite(p->index_pct) && isfinite(cur->index_pct)) {
                H->yoy = 1;
                H->yoy_change = chiso_round_half_up(cur->index_pct, 2) -
                                chiso_round_half_up(p->index_pct, 2);
            }
        }
    }
    if (H->yoy == 0) {
        chiso_report__warnk(
            R, "history_no_year_earlier", CHISO_SEVERITY_INFO, NULL, NULL, "%s",
            HM(R, "the history has no index for the same period a "
                  "year earlier: no change over the year is "
                  "reported"));
    }
    return build_charts(R);
}

/* ---- outputs ----------------------------------------------------------- */

chiso_status
chiso_report__history_write(struct rp *R)
{
    static const char *const ext[] = {".png", ".svg"};
    struct report_history *H = R->hist;
    chiso_plot_job jobs[HIST_CHARTS];
    chiso_plot_write_options o;
    chiso_outfile *f;
    chiso_csvw w;
    size_t i, e, a, n = 0;
    char name[128];
    chiso_status st;

    if (H == NULL) {
        return CHISO_OK;
    }
    chiso_plot_write_options_init(&o);
    o.width = 1200;
    o.height = 800;
    o.no_sync = 1;
    o.threads = R->opts->threads > 0 ? (unsigned)R->opts->threads : 0;
    /* one job per chart: laid out once for its PNG and its SVG */
    memset(jobs, 0, sizeof(jobs));
    for (i = 0; i < HIST_CHARTS; i++) {
        if (H->charts[i].chart == NULL) {
            continue;
        }
        for (e = 0; e < 2; e++) {
            chiso_textf(name, sizeof(name), "%s%s", H->charts[i].base, ext[e]);
            *(e == 0 ? &jobs[n].png_path : &jobs[n].svg_path) =
                chiso_report__path(R, name);
            if (chiso_report__add_file(R, name) != CHISO_OK) {
                return chiso_diag_set(R->diag, CHISO_ENOMEM, NULL, 0, 0,
                                      "out of memory");
            }
        }
        jobs[n++].chart = H->charts[i].chart;
    }
    st = chiso_plot_write_jobs(jobs, n, &o, R->diag);
    for (i = 0; i < n; i++) {
        chiso_plot_job_clear(&jobs[i]);
    }
    if (st != CHISO_OK) {
        return st;
    }
    st = chiso_outfile_open(&f, chiso_report__path(R, "history.csv"), R->diag);
    if (st != CHISO_OK) {
        return st;
    }
    chiso_csvw_init(&w, chiso_outfile_stream(f), ',', 1);
    chiso_csvw_text(&w, "period");
    chiso_csvw_text(&w, "index_pct");
    for (a = 0; a < H->n_areas; a++) {
        chiso_textf(name, sizeof(name), "area_%s_pct",
                    R->fw->nodes[H->areas[a]].id);
        chiso_csvw_text(&w, name);
    }
    chiso_csvw_text(&w, "rank");
    chiso_csvw_text(&w, "rank_of");
    chiso_csvw_text(&w, "framework");
    chiso_csvw_text(&w, "break_before");
    chiso_csvw_text(&w, "source");
    chiso_csvw_end(&w);
    for (i = 0; i < H->n; i++) {
        const struct hist_point *p = &H->pts[i];
        chiso_csvw_text(&w, p->period);
        chiso_csvw_fixed(&w, p->index_pct, 2);
        for (a = 0; a < H->n_areas; a++) {
            chiso_csvw_fixed(&w, p->area_pct[a], 2);
        }
        if (p->rank > 0) {
            chiso_csvw_int(&w, p->rank);
            chiso_csvw_int(&w, p->rank_of);
        } else {
            chiso_csvw_text(&w, "");
            chiso_csvw_text(&w, "");
        }
        chiso_csvw_text(&w, p->framework);
        chiso_csvw_text(&w, i > 0 && is_break(&H->pts[i - 1], p) ? "1" : "0");
        chiso_csvw_text(&w, p->current ? "" : p->source);
        chiso_csvw_end(&w);
    }
    st = chiso_outfile_commit(f, R->diag);
    if (st == CHISO_OK) {
        st = chiso_report__add_file(R, "history.csv");
    }
    return st;
}

cJSON *
chiso_report__history_json(chiso_jb *jb, const struct rp *R)
{
    const struct report_history *H = R->hist;
    cJSON *o, *arr, *yoy;
    size_t i, a;

    if (H == NULL) {
        return cJSON_CreateNull();
    }
    o = cJSON_CreateObject();
    arr = cJSON_CreateArray();
    for (i = 0; i < H->n; i++) {
        const struct hist_point *p = &H->pts[i];
        cJSON *e = cJSON_CreateObject(), *ar = cJSON_CreateArray();
        chiso_jb_add(jb, e, "period", cJSON_CreateString(p->period));
        chiso_jb_add(jb, e, "current", cJSON_CreateBool(p->current));
        chiso_jb_add(jb, e, "index_pct", chiso_json_fixed(p->index_pct, 2));
        for (a = 0; a < H->n_areas; a++) {
            cJSON *x = cJSON_CreateObject();
            chiso_jb_add(jb, x, "id",
                         cJSON_CreateString(R->fw->nodes[H->areas[a]].id));
            chiso_jb_add(jb, x, "index_pct",
                         chiso_json_fixed(p->area_pct[a], 2));
            chiso_jb_add(jb, ar, NULL, x);
        }
        chiso_jb_add(jb, e, "areas", ar);
        chiso_jb_add(jb, e, "rank",
                     p->rank > 0 ? cJSON_CreateNumber((double)p->rank)
                                 : cJSON_CreateNull());
        chiso_jb_add(jb, e, "rank_of",
                     p->rank > 0 ? cJSON_CreateNumber((double)p->rank_of)
                                 : cJSON_CreateNull());
        chiso_jb_add(jb, e, "framework",
                     p->framework[0] ? cJSON_CreateString(p->framework)
                                     : cJSON_CreateNull());
        chiso_jb_add(jb, e, "break_before",
                     cJSON_CreateBool(i > 0 && is_break(&H->pts[i - 1], p)));
        chiso_jb_add(jb, e, "source",
                     p->current ? cJSON_CreateNull()
                                : cJSON_CreateString(p->source));
        chiso_jb_add(jb, arr, NULL, e);
    }
    chiso_jb_add(jb, o, "periods", arr);
    yoy = cJSON_CreateObject();
    chiso_jb_add(jb, yoy, "compared_with",
                 H->yoy_period[0] ? cJSON_CreateString(H->yoy_period)
                                  : cJSON_CreateNull());
    chiso_jb_add(jb, yoy, "change_pct_points",
                 H->yoy == 1 ? chiso_json_fixed(H->yoy_change, 2)
                             : cJSON_CreateNull());
    chiso_jb_add(jb, yoy, "comparable",
                 H->yoy == 1   ? cJSON_CreateTrue()
                 : H->yoy == 2 ? cJSON_CreateFalse()
                               : cJSON_CreateNull());
    chiso_jb_add(jb, o, "change_since_last_year", yoy);
    return o;
}

struct hfig {
    const chiso_chart *chart;
    chiso_diag *diag;
    chiso_status st;
};

static void
hdraw(cairo_t *cr, double w, double h, void *ctx)
{
    struct hfig *f = ctx;
    chiso_status st = chiso_plot_draw(cr, f->chart, w, h, f->diag);

    if (st != CHISO_OK && f->st == CHISO_OK) {
        f->st = st;
    }
}

chiso_status
chiso_report__history_pdf(struct rp *R, chiso_doc *d)
{
    const struct report_history *H = R->hist;
    static const double w[] = {0.2, 0.2, 0.2, 0.4};
    const char *hd[4];
    chiso_doc_table_spec t = {4, hd, w, "lrrl", 1};
    size_t i;
    char a[48];

    if (H == NULL) {
        return CHISO_OK;
    }
    chiso_doc_heading(d, HM(R, "The unit across periods"), 2);
    if (H->yoy == 1) {
        chiso_report__num(R, H->yoy_change, 2, a, sizeof(a));
        chiso_doc_paragraph(
            d,
            chiso_report__strf(R,
                               HM(R, "Change since %s (the same period a year "
                                     "earlier): %s percentage points."),
                               H->yoy_period, a),
            0);
    } else if (H->yoy == 2) {
        chiso_doc_paragraph(
            d,
            chiso_report__strf(R,
                               HM(R,
                                  "Not comparable with %s (the same period a "
                                  "year earlier): the framework changed."),
                               H->yoy_period),
            0);
    }
    hd[0] = HM(R, "Period");
    hd[1] = HM(R, "Index %");
    hd[2] = HM(R, "Rank");
    hd[3] = HM(R, "Framework");
    chiso_doc_table_begin(d, &t);
    for (i = 0; i < H->n; i++) {
        const struct hist_point *p = &H->pts[i];
        char v[48], rk[48];
        const char *cells[4];
        if (isfinite(p->index_pct)) {
            chiso_report__num(R, p->index_pct, 2, v, sizeof(v));
        } else {
            chiso_textf(v, sizeof(v), "%s", HM(R, "no data"));
        }
        if (p->rank > 0) {
            chiso_textf(rk, sizeof(rk), "%ld/%ld", p->rank, p->rank_of);
        } else {
            chiso_textf(rk, sizeof(rk), "–");
        }
        cells[0] = p->period;
        cells[1] = v;
        cells[2] = rk;
        cells[3] = p->framework;
        chiso_doc_table_row(d, cells, p->current);
    }
    chiso_doc_table_end(d);
    for (i = 0; i < HIST_CHARTS; i++) {
        struct hfig fc;
        if (H->charts[i].chart == NULL) {
            continue;
        }
        fc.chart = H->charts[i].chart;
        fc.diag = R->diag;
        fc.st = CHISO_OK;
        chiso_doc_figure(d, 285.0, hdraw, &fc, H->charts[i].caption);
        if (fc.st != CHISO_OK) {
            return fc.st;
        }
        chiso_doc_paragraph(d, H->charts[i].reading, 0);
    }
    return CHISO_OK;
}

void
chiso_report__history_free(struct rp *R)
{
    size_t i;

    if (R->hist == NULL) {
        return;
    }
    for (i = 0; i < HIST_CHARTS; i++) {
        chiso_chart_free(R->hist->charts[i].chart);
    }
    free(R->hist->pts);
    free(R->hist);
    R->hist = NULL;
}

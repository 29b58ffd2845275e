/*
 * report_province.c - the province's pack (issue 13): every unit scored,
 * ranked overall and within its group (khối), in one folder.
 *
 * A report configuration with "scope": "province" names the framework
 * (JSON or framework table), the sheets ("evidence": one sheet with a unit
 * column, or a folder of per-unit *.csv sheets) and optionally the unit
 * list ("units": unit, name, group). chiso_score_units_compute() does the
 * scoring; this file draws
 *   - one ranking chart per group (bars with the framework's classification
 *     bands; each bar carries its rank within the group, "3/12"),
 *   - a heatmap units x areas (% of the area's applicable maximum),
 *   - the criteria most units lose points on (bars: number of units),
 * writes units.csv, criteria-lost.csv, appraisal.csv, summary.json (the
 * --all-units document under "scores", docs/json.md) and report.pdf, with
 * the department pack's safety: refused over, around or inside an input,
 * assembled in a temporary folder with a manifest and swapped in whole.
 *
 * Words come from the message catalogue (English msgids, vi.po).
 */
#define _POSIX_C_SOURCE 200809L
#include "report_int.h"

#include "chiso_dataset.h"
#include "chiso_fwtable.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define PV_CHART_W   1200
#define PV_CHART_H   800
#define PV_MAX_CHART 40 /* groups + heatmap + criteria */
#define PV_TOP       10 /* criteria in the chart and the brief */
#define PV_FIG_H     300.0

struct pv_chart {
    char base[96];
    chiso_chart *chart;
    char caption[1024];
    char reading[2048];
    size_t rows; /* bars or heatmap rows: the brief gives them room */
};

struct pv {
    struct rp *R;
    chiso_lang lang;
    char **sheet_paths;
    size_t n_sheets;
    chiso_evidence **ev;
    char **stems;
    /* the unit list */
    chiso_unit_info *infos;
    size_t n_infos;
    char **owned;
    size_t n_owned;
    /* groups read from the sheets' group column (no unit list): folded
     * unit -> info index + 1, open addressing */
    char **gkey;
    size_t *gval, gmask, n_gkeys;
    const char *groups_from; /* "unit_list", "sheets" or "none" */
    chiso_score_units *u;
    struct pv_chart charts[PV_MAX_CHART];
    size_t n_charts;
};

#define PM(P, msgid) chiso_msg((P)->lang, msgid)

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static chiso_status
oom(struct pv *P)
{
    return chiso_diag_set(P->R->diag, CHISO_ENOMEM, NULL, 0, 0,
                          "out of memory");
}

/* ---- inputs ------------------------------------------------------------ */

/* A sheet of a folder: *.csv, *.xlsx or *.xls (not Excel's "~$" lock
 * files). */
static int
is_csv(const char *name)
{
    size_t n = strlen(name);

    if (name[0] == '~' && name[1] == '$') {
        return 0;
    }
    return (n > 4 && strcasecmp(name + n - 4, ".csv") == 0) ||
           (n > 5 && strcasecmp(name + n - 5, ".xlsx") == 0) ||
           (n > 4 && strcasecmp(name + n - 4, ".xls") == 0);
}

/* The sheets: the evidence file itself, or a folder's *.csv, *.xlsx and
 * *.xls files (not hidden) in name order. */
static chiso_status
list_sheets(struct pv *P)
{
    const char *ev = P->R->cfg->evidence;
    struct stat sb;
    DIR *d;
    struct dirent *e;
    size_t cap = 0;

    if (stat(ev, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        P->sheet_paths = calloc(1, sizeof(char *));
        if (P->sheet_paths == NULL ||
            (P->sheet_paths[0] = chiso_strdup(ev)) == NULL) {
            return oom(P);
        }
        P->n_sheets = 1;
        return CHISO_OK;
    }
    d = opendir(ev);
    if (d == NULL) {
        return chiso_diag_set(P->R->diag, CHISO_EIO, ev, 0, 0,
                              "cannot read the folder");
    }
    while ((e = readdir(d)) != NULL) {
        char *path;
        if (e->d_name[0] == '.' || !is_csv(e->d_name)) {
            continue;
        }
        if (P->n_sheets == cap) {
            size_t nc = cap ? 2 * cap : 32;
            char **q = realloc(P->sheet_paths, nc * sizeof(*q));
            if (q == NULL) {
                closedir(d);
                return oom(P);
            }
            P->sheet_paths = q;
            cap = nc;
        }
        path = malloc(strlen(ev) + strlen(e->d_name) + 2);
        if (path == NULL) {
            closedir(d);
            return oom(P);
        }
        sprintf(path, "%s/%s", ev, e->d_name);
        P->sheet_paths[P->n_sheets++] = path;
    }
    closedir(d);
    if (P->n_sheets == 0) {
        return chiso_diag_set(P->R->diag, CHISO_EDATA, ev, 0, 0,
                              "folder '%s' holds no .csv or .xlsx sheet", ev);
    }
    qsort(P->sheet_paths, P->n_sheets, sizeof(*P->sheet_paths), cmp_str);
    return CHISO_OK;
}

static char *
stem_of(const char *path)
{
    const char *b = strrchr(path, '/');
    char *s, *dot;

    s = chiso_strdup(b ? b + 1 : path);
    if (s != NULL && (dot = strrchr(s, '.')) != NULL && dot != s) {
        *dot = '\0';
    }
    return s;
}

static const char *
own(struct pv *P, const char *s, size_t len)
{
    char **q = realloc(P->owned, (P->n_owned + 1) * sizeof(*q));
    char *c;

    if (q == NULL) {
        return NULL;
    }
    P->owned = q;
    c = malloc(len + 1);
    if (c == NULL) {
        return NULL;
    }
    memcpy(c, s, len);
    c[len] = '\0';
    P->owned[P->n_owned++] = c;
    return c;
}

static const char *
field(const chiso_csv_row *row, long k, size_t *len)
{
    const char *s;

    if (k < 0) {
        *len = 0;
        return "";
    }
    s = chiso_csv_field(row, k, len);
    chiso_text_trim(&s, len);
    return s;
}

struct fold_key {
    char key[256];
    size_t info;
};

static int
cmp_fold(const void *a, const void *b)
{
    const struct fold_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    return c != 0 ? c : (x->info > y->info) - (x->info < y->info);
}

/* "units": unit, name, group. A unit listed twice (by code or name, case
 * and diacritics ignored) is an error at its line. */
static chiso_status
read_units(struct pv *P)
{
    static const chiso_csv_column cols[] = {
        {"unit", "unit_code|ma_don_vi|don_vi|code|ma|ma_dv", 1},
        {"name", "unit_name|ten_don_vi|ten|ten_dv", 0},
        {"group", "khoi|khoi_don_vi|nhom|nhom_don_vi|unit_group|group_name", 0},
    };
    chiso_diag *diag = P->R->diag;
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    long idx[3];
    unsigned long *lines = NULL;
    struct fold_key *keys = NULL;
    size_t cap = 0, n_keys = 0, i;
    chiso_status st;

    if (P->R->cfg->units == NULL) {
        return CHISO_OK;
    }
    st = chiso_csv_open(&r, P->R->cfg->units, NULL, diag);
    if (st == CHISO_OK) {
        st = chiso_csv_bind(r, cols, 3, idx, diag);
    }
    while (st == CHISO_OK && (st = chiso_csv_next(r, &row, diag)) == CHISO_OK) {
        size_t lu, ln, lg;
        const char *u = field(&row, idx[0], &lu);
        const char *nm = field(&row, idx[1], &ln);
        const char *g = field(&row, idx[2], &lg);
        chiso_unit_info *ui;
        if (lu == 0) {
            st = chiso_csv_field_error(
                r, diag, CHISO_EDATA, &row, (size_t)idx[0],
                chiso_msg(diag->lang, "the unit list names no "
                                      "unit on this row"));
            break;
        }
        if (P->n_infos == cap) {
            size_t nc = cap ? 2 * cap : 32;
            chiso_unit_info *q = realloc(P->infos, nc * sizeof(*q));
            unsigned long *ql = q ? realloc(lines, nc * sizeof(*ql)) : NULL;
            struct fold_key *qk =
                ql ? realloc(keys, 2 * nc * sizeof(*qk)) : NULL;
            if (q != NULL) {
                P->infos = q;
            }
            if (ql != NULL) {
                lines = ql;
            }
            if (qk == NULL) {
                st = oom(P);
                break;
            }
            keys = qk;
            cap = nc;
        }
        ui = &P->infos[P->n_infos];
        memset(ui, 0, sizeof(*ui));
        if ((ui->unit = own(P, u, lu)) == NULL ||
            (ln > 0 && (ui->name = own(P, nm, ln)) == NULL) ||
            (lg > 0 && (ui->group = own(P, g, lg)) == NULL)) {
            st = oom(P);
            break;
        }
        lines[P->n_infos] = row.line;
        chiso_text_fold(u, lu, keys[n_keys].key, sizeof(keys[n_keys].key));
        keys[n_keys++].info = P->n_infos;
        if (ln > 0) {
            chiso_text_fold(nm, ln, keys[n_keys].key, sizeof(keys[n_keys].key));
            if (strcmp(keys[n_keys].key, keys[n_keys - 1].key) != 0) {
                keys[n_keys++].info = P->n_infos;
            }
        }
        P->n_infos++;
    }
    chiso_csv_close(r);
    if (st == CHISO_DONE) {
        st = CHISO_OK;
        /* n log n: sort the folded codes and names, neighbours collide */
        qsort(keys, n_keys, sizeof(*keys), cmp_fold);
        for (i = 1; i < n_keys; i++) {
            if (strcmp(keys[i].key, keys[i - 1].key) == 0 &&
                keys[i].info != keys[i - 1].info) {
                size_t a = keys[i - 1].info, b = keys[i].info;
                st = chiso_diag_set(diag, CHISO_EDATA, P->R->cfg->units,
                                    lines[b], 0,
                                    "unit '%s' is listed twice (first as "
                                    "'%s')",
                                    P->infos[b].unit, P->infos[a].unit);
                break;
            }
        }
        if (st == CHISO_OK && P->n_infos == 0) {
            st = chiso_diag_set(diag, CHISO_EDATA, P->R->cfg->units, 0, 0,
                                "the unit list names no unit");
        }
    }
    free(lines);
    free(keys);
    return st;
}

/* ---- groups from the sheets' group column ------------------------------ */

static size_t
gkey_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    }
    return (size_t)(h ^ (h >> 29));
}

/* The info of unit text[0, len) (folded), added without a group when new.
 * Returns its index, or -1 on memory. */
static long
group_unit(struct pv *P, const char *text, size_t len)
{
    char k[256];
    size_t i;

    chiso_text_fold(text, len, k, sizeof(k));
    for (i = P->gkey ? gkey_hash(k) & P->gmask : 0;
         P->gkey != NULL && P->gkey[i] != NULL; i = (i + 1) & P->gmask) {
        if (strcmp(P->gkey[i], k) == 0) {
            return (long)P->gval[i] - 1;
        }
    }
    if ((P->n_gkeys + 1) * 2 > (P->gkey ? P->gmask + 1 : 0)) {
        size_t cap = P->gkey ? 2 * (P->gmask + 1) : 64, j;
        char **nk = calloc(cap, sizeof(*nk));
        size_t *nv = calloc(cap, sizeof(*nv));
        if (nk == NULL || nv == NULL) {
            free(nk);
            free(nv);
            return -1;
        }
        for (j = 0; P->gkey != NULL && j <= P->gmask; j++) {
            if (P->gkey[j] != NULL) {
                size_t h = gkey_hash(P->gkey[j]) & (cap - 1);
                while (nk[h] != NULL) {
                    h = (h + 1) & (cap - 1);
                }
                nk[h] = P->gkey[j];
                nv[h] = P->gval[j];
            }
        }
        free(P->gkey);
        free(P->gval);
        P->gkey = nk;
        P->gval = nv;
        P->gmask = cap - 1;
    }
    for (i = gkey_hash(k) & P->gmask; P->gkey[i] != NULL;
         i = (i + 1) & P->gmask) {
    }
    {
        chiso_unit_info *q = realloc(P->infos, (P->n_infos + 1) * sizeof(*q));
        if (q == NULL) {
            return -1;
        }
        P->infos = q;
    }
    memset(&P->infos[P->n_infos], 0, sizeof(P->infos[0]));
    if ((P->infos[P->n_infos].unit = own(P, text, len)) == NULL ||
        (P->gkey[i] = chiso_strdup(k)) == NULL) {
        return -1;
    }
    P->gval[i] = ++P->n_infos;
    P->n_gkeys++;
    return (long)P->n_infos - 1;
}

struct gread {
    struct pv *P;
    chiso_table *t;
    const long *col;
    const char *stem;
    chiso_diag *diag;
    long cur;         /* info of the previous row's unit */
    const char *prev; /* that row's unit text (owned by P) */
    int failed;       /* diag is set: no more rows are looked at */
};

static void *
gread_worker(void *ctx)
{
    return ctx;
}

static void
gread_worker_free(void *w)
{
    (void)w;
}

static const char *
row_text(const chiso_row *row, long k, size_t *len)
{
    const char *s;

    if (k < 0 || (size_t)k >= row->n) {
        *len = 0;
        return "";
    }
    s = row->field[k];
    *len = row->len[k];
    chiso_text_trim(&s, len);
    return s;
}

/* One row: its unit (the sheet's own when it has no unit column) is in
 * the group of the group cell; two different groups for one unit are an
 * error at the second cell, naming both. */
static int
gread_row(void *worker, const chiso_row *row, chiso_row_error *err)
{
    struct gread *G = worker;
    struct pv *P = G->P;
    size_t lu, lg;
    const char *u = row_text(row, G->col[1], &lu);
    const char *g = row_text(row, G->col[2], &lg);
    chiso_unit_info *ui;

    (void)err;
    if (G->failed || lg == 0) {
        return CHISO_ROW_OK;
    }
    if (lu == 0) {
        u = G->stem;
        lu = strlen(u);
    }
    /* consecutive rows of one unit: looked up once */
    if (G->prev == NULL || strlen(G->prev) != lu ||
        memcmp(G->prev, u, lu) != 0) {
        G->cur = group_unit(P, u, lu);
        if (G->cur < 0) {
            oom(P);
            G->failed = 1;
            return CHISO_ROW_OK;
        }
        G->prev = P->infos[G->cur].unit;
        if (strlen(G->prev) != lu || memcmp(G->prev, u, lu) != 0) {
            G->prev = NULL; /* the unit was first written otherwise */
        }
    }
    ui = &P->infos[G->cur];
    if (ui->group == NULL) {
        if ((ui->group = own(P, g, lg)) == NULL) {
            oom(P);
            G->failed = 1;
        }
    } else if (!chiso_text_same(g, lg, ui->group)) {
        char where[CHISO_DIAG_PATH_MAX];
        unsigned long line = 0, column = 0;
        chiso_table_where(G->t, row, (size_t)G->col[2], where, sizeof(where),
                          &line, &column);
        chiso_diag_set(G->diag, CHISO_EDATA, where, line, column,
                       "unit '%s' is in group '%s' on an earlier row and "
                       "in '%.*s' here",
                       ui->unit, ui->group, (int)lg, g);
        G->failed = 1;
    }
    return CHISO_ROW_OK;
}

/* Without a unit list: the groups of a `Khối` / `group` column of the
 * sheets, when they have one (only the header is read otherwise). */
static chiso_status
read_sheet_groups(struct pv *P)
{
    /* the criterion id's names as the evidence reader knows them
     * (datasets/evidence.c), so the header is found on the same row */
    static const chiso_csv_column cols[] = {
        {"criterion_id",
         "id|criterion|criterion_code|code|ma|ma_tieu_chi|tieu_chi|ma_chi_so|"
         "chi_so|indicator|indicator_code|metric_code|ma_chi_tieu|ma_so",
         1},
        {"unit", "unit_code|don_vi|ma_don_vi", 0},
        {"group", "khoi|khoi_don_vi|nhom_don_vi|unit_group|group_name", 0},
        {"seq", "stt|so_tt|tt|so_thu_tu", 0},
    };
    /* as the evidence reader: STT holds the codes when there is no code
     * column (the paper form's layout) */
    chiso_table_schema schema = {cols, 4, 0, 3, N_("evidence sheet"), 1};
    size_t i;
    chiso_status st = CHISO_OK;

    for (i = 0; i < P->n_sheets && st == CHISO_OK; i++) {
        chiso_table_options o = CHISO_TABLE_OPTIONS_INIT;
        chiso_row_handler h;
        chiso_table_run run;
        struct gread G;

        memset(&G, 0, sizeof(G));
        G.P = P;
        G.stem = P->stems[i];
        G.diag = P->R->diag;
        G.cur = -1;
        o.max_rejects_pct = 100;
        st = chiso_table_open(&G.t, P->sheet_paths[i], &schema, &o, G.diag);
        if (st != CHISO_OK) {
            break;
        }
        G.col = chiso_table_index(G.t);
        if (G.col[2] < 0) {
            chiso_table_close(G.t);
            continue;
        }
        memset(&h, 0, sizeof(h));
        h.ctx = &G;
        h.worker_new = gread_worker;
        h.worker_free = gread_worker_free;
        h.row = gread_row;
        h.sequential = 1;
        st = chiso_table_read(G.t, &h, &run, G.diag);
        chiso_table_run_free(&run, &h);
        chiso_table_close(G.t);
        if (G.failed) {
            st = P->R->diag->code != CHISO_OK ? P->R->diag->code : CHISO_EDATA;
        }
    }
    /* a unit named in the group column but without a group cell of its own
     * has none: only units with a group are on the list */
    return st;
}

static chiso_status
load_inputs(struct pv *P)
{
    struct rp *R = P->R;
    chiso_units_options uo = CHISO_UNITS_OPTIONS_INIT;
    chiso_status st;
    size_t i;

    st = chiso_fwtable_load(&R->fw, R->cfg->framework, R->diag);
    if (st != CHISO_OK) {
        return st;
    }
    st = list_sheets(P);
    if (st != CHISO_OK) {
        return st;
    }
    P->ev = calloc(P->n_sheets + 1, sizeof(*P->ev));
    P->stems = calloc(P->n_sheets + 1, sizeof(*P->stems));
    if (P->ev == NULL || P->stems == NULL) {
        return oom(P);
    }
    for (i = 0; i < P->n_sheets; i++) {
        st = chiso_evidence_load(&P->ev[i], P->sheet_paths[i], R->diag);
        if (st != CHISO_OK) {
            return st;
        }
        if ((P->stems[i] = stem_of(P->sheet_paths[i])) == NULL) {
            return oom(P);
        }
    }
    st = read_units(P);
    if (st != CHISO_OK) {
        return st;
    }
    P->groups_from = "unit_list";
    if (P->n_infos == 0) {
        st = read_sheet_groups(P);
        if (st != CHISO_OK) {
            return st;
        }
        P->groups_from = "sheets";
        uo.groups_only = 1;
    }
    if (P->n_infos == 0) {
        P->groups_from = "none";
        chiso_report__warnk(R, "units_without_groups", CHISO_SEVERITY_INFO,
                            NULL, NULL, "%s",
                            PM(P, "no unit list and no group column (Khối) "
                                  "in the sheets: units are ranked without "
                                  "groups"));
    }
    uo.sheet_units = (const char *const *)P->stems;
    uo.units = P->infos;
    uo.n_units = P->n_infos;
    uo.lang = P->lang;
    st = chiso_score_units_compute(&P->u, R->fw,
                                   (const chiso_evidence *const *)P->ev,
                                   P->n_sheets, &uo, R->diag);
    if (st != CHISO_OK) {
        return st;
    }
    for (i = 0; i < P->u->warnings.n; i++) {
        const chiso_diag *w = &P->u->warnings.items[i];
        chiso_report__warnk(R, w->kind != NULL ? w->kind : "unit_warning",
                            w->severity,
                            w->criterion_id[0] ? w->criterion_id : NULL,
                            w->path[0] ? w->path : NULL, "%s", w->message);
    }
    return CHISO_OK;
}

/* ---- charts ------------------------------------------------------------ */

static const char *
unit_label(const chiso_unit_score *us)
{
    return us->name != NULL ? us->name : us->unit;
}

static const char *
band_text(const struct pv *P, const chiso_class_band *b)
{
    if (b == NULL) {
        return "";
    }
    return P->R->en && b->label_en != NULL ? b->label_en : b->label;
}

static struct pv_chart *
new_chart(struct pv *P,
          const char *base,
          chiso_plot_kind kind,
          const char *title,
          const char *subtitle)
{
    struct pv_chart *c;

    if (P->n_charts == PV_MAX_CHART) {
        chiso_report__warnk(
            P->R, "chart_left_out", CHISO_SEVERITY_WARNING, NULL, NULL,
            PM(P, "more than %d charts: chart '%s' is left out"), PV_MAX_CHART,
            base);
        return NULL;
    }
    c = &P->charts[P->n_charts];
    memset(c, 0, sizeof(*c));
    chiso_textf(c->base, sizeof(c->base), "%s", base);
    if (chiso_chart_new(&c->chart, kind) != CHISO_OK) {
        P->R->oom = 1;
        return NULL;
    }
    P->n_charts++;
    chiso_chart_set_lang(c->chart,
                         P->R->en ? CHISO_PLOT_LANG_EN : CHISO_PLOT_LANG_VI);
    if (chiso_chart_set_text(c->chart, CHISO_PLOT_TITLE, title) != CHISO_OK ||
        chiso_chart_set_text(c->chart, CHISO_PLOT_SUBTITLE, subtitle) !=
            CHISO_OK ||
        chiso_chart_set_text(c->chart, CHISO_PLOT_SOURCE, P->R->fw->name) !=
            CHISO_OK) {
        P->R->oom = 1;
    }
    return c;
}

/* The framework's classification bands, shaded behind the bars. */
static chiso_status
add_bands(struct pv *P, chiso_chart *ch)
{
    const chiso_framework *fw = P->R->fw;
    size_t i;
    chiso_status st = CHISO_OK;

    for (i = 0; i < fw->n_classes && st == CHISO_OK; i++) {
        double hi = i == 0 ? 100.0 : fw->classes[i - 1].min;
        double lo = fw->classes[i].min;
        if (hi > lo) {
            st =
                chiso_chart_add_band(ch, lo, hi, band_text(P, &fw->classes[i]));
        }
    }
    return st;
}

/* One ranking chart: the units of group g (g < 0: all units, overall
 * rank) by index %, each with its rank. */
static chiso_status
chart_ranking(struct pv *P, long g, size_t g_no)
{
    const chiso_score_units *u = P->u;
    struct pv_chart *c;
    char base[64], num[64];
    const char *title, *gname = g >= 0 ? u->groups[g] : NULL;
    size_t i, n = 0, n_unranked = 0;
    const chiso_unit_score *best = NULL;
    chiso_status st = CHISO_OK;

    if (g >= 0) {
        chiso_textf(base, sizeof(base), "chart-ranking-group-%zu", g_no);
        title = chiso_report__strf(P->R, PM(P, "Ranking of %s"), gname);
    } else {
        chiso_textf(base, sizeof(base), "chart-ranking");
        title = PM(P, "Ranking of all units");
    }
    c = new_chart(P, base, CHISO_PLOT_BARS, title,
                  chiso_report__strf(P->R,
                                     PM(P, "Index %% (%s), rank within %s"),
                                     P->R->period_label,
                                     g >= 0 ? PM(P, "the group")
                                            : PM(P, "the "
                                                    "province")));
    if (c == NULL) {
        return P->R->oom ? CHISO_ENOMEM : CHISO_OK;
    }
    chiso_chart_set_decimals(c->chart, 2);
    st = add_bands(P, c->chart);
    for (i = 0; i < u->n_units && st == CHISO_OK; i++) {
        const chiso_unit_score *us = &u->units[u->by_rank[i]];
        long rank = g >= 0 ? us->group_rank : us->rank;
        size_t of = g >= 0 ? us->group_rank_of : us->rank_of;
        if (g >= 0 && us->group_index != g) {
            continue;
        }
        if (rank <= 0 || !isfinite(us->index_pct)) {
            n_unranked++;
            continue;
        }
        st = chiso_chart_add_ranked_bar(c->chart, unit_label(us), us->index_pct,
                                        NULL, rank, (long)of);
        if (best == NULL) {
            best = us;
        }
        n++;
    }
    if (st != CHISO_OK) {
        return st;
    }
    if (st == CHISO_OK) {
        /* these ranks are chiso's, from the sheets: never "published" */
        st = chiso_chart_set_text(
            c->chart, CHISO_PLOT_RANK_NOTE,
            PM(P, "In brackets: the rank computed by chiso from these "
                  "self-assessments, out of the number ranked (not a "
                  "published rank)."));
    }
    if (st != CHISO_OK) {
        return st;
    }
    chiso_textf(c->caption, sizeof(c->caption), "%s", title);
    if (best != NULL) {
        chiso_chart_format_value(c->chart, best->index_pct, num, sizeof(num));
        chiso_textf(c->reading, sizeof(c->reading),
                    PM(P, "%zu units ranked; first: %s with %s %%."), n,
                    unit_label(best), num);
    }
    if (n_unranked > 0) {
        size_t len = strlen(c->reading);
        chiso_textf(c->reading + len, sizeof(c->reading) - len,
                    PM(P, " %zu units without an index are not drawn "
                          "(no data, never 0)."),
                    n_unranked);
    }
    c->rows = n;
    if (n == 0) {
        /* nothing to draw: the reading says why, the chart is dropped */
        chiso_report__warnk(
            P->R, "chart_left_out", CHISO_SEVERITY_WARNING, NULL, NULL,
            PM(P, "chart '%s' left out: no ranked unit"), c->base);
        chiso_chart_free(c->chart);
        P->n_charts--;
    }
    return CHISO_OK;
}

static chiso_status
chart_heatmap(struct pv *P)
{
    const chiso_score_units *u = P->u;
    const chiso_framework *fw = P->R->fw;
    struct pv_chart *c;
    size_t i, a, n_cells = 0, n_missing = 0;
    chiso_status st = CHISO_OK;

    c = new_chart(
        P, "chart-areas-heatmap", CHISO_PLOT_HEATMAP, PM(P, "Units by area"),
        chiso_report__strf(P->R,
                           PM(P, "%% of each area's applicable maximum "
                                 "(%s); units in rank order"),
                           P->R->period_label));
    if (c == NULL) {
        return P->R->oom ? CHISO_ENOMEM : CHISO_OK;
    }
    chiso_chart_set_decimals(c->chart, 0);
    for (i = 0; i < u->n_units && st == CHISO_OK; i++) {
        const chiso_unit_score *us = &u->units[u->by_rank[i]];
        if (!us->scored) {
            continue;
        }
        for (a = 0; a < u->n_areas && st == CHISO_OK; a++) {
            const chiso_node *an = &fw->nodes[u->areas[a]];
            double v = us->area_pct != NULL ? us->area_pct[a] : (double)NAN;
            st = chiso_chart_add_cell(c->chart, unit_label(us),
                                      chiso_report__strf(P->R, "%s. %s", an->id,
                                                         P->R->en && an->name_en
                                                             ? an->name_en
                                                             : an->name),
                                      v);
            n_cells++;
            n_missing += !isfinite(v);
        }
    }
    c->rows = n_cells / (u->n_areas ? u->n_areas : 1);
    chiso_textf(c->caption, sizeof(c->caption), "%s",
                PM(P, "Units by area (% of the area's maximum)"));
    chiso_textf(c->reading, sizeof(c->reading),
                PM(P, "%zu units × %zu areas; %zu cells have no value "
                      "(nothing in the area applies), drawn hatched."),
                n_cells / (u->n_areas ? u->n_areas : 1), u->n_areas, n_missing);
    return st;
}

static chiso_status
chart_criteria(struct pv *P)
{
    const chiso_score_units *u = P->u;
    const chiso_framework *fw = P->R->fw;
    struct pv_chart *c;
    size_t i, n;
    chiso_status st = CHISO_OK;

    if (u->n_criteria == 0) {
        chiso_report__warnk(P->R, "chart_left_out", CHISO_SEVERITY_INFO, NULL,
                            NULL, "%s",
                            PM(P, "no unit lost points on any criterion: the "
                                  "chart of criteria lost is left out"));
        return CHISO_OK;
    }
    n = u->n_criteria < PV_TOP ? u->n_criteria : PV_TOP;
    c = new_chart(
        P, "chart-criteria-lost", CHISO_PLOT_BARS,
        PM(P, "Criteria most units lose points on"),
        chiso_report__strf(P->R,
                           PM(P, "Number of units below the criterion's "
                                 "maximum, of %zu scored; top %zu"),
                           u->n_ranked, n));
    if (c == NULL) {
        return P->R->oom ? CHISO_ENOMEM : CHISO_OK;
    }
    chiso_chart_set_decimals(c->chart, 0);
    for (i = 0; i < n && st == CHISO_OK; i++) {
        const chiso_criterion_loss *cl = &u->criteria[i];
        const chiso_node *nd = &fw->nodes[cl->node];
        st = chiso_chart_add_bar(c->chart,
                                 chiso_report__strf(P->R, "%s %s", nd->id,
                                                    P->R->en && nd->name_en
                                                        ? nd->name_en
                                                        : nd->name),
                                 (double)cl->n_units_losing, NULL);
    }
    chiso_textf(c->caption, sizeof(c->caption), "%s",
                PM(P, "Criteria most units lose points on"));
    {
        const chiso_criterion_loss *cl = &u->criteria[0];
        chiso_textf(c->reading, sizeof(c->reading),
                    PM(P, "Criterion %s: %zu of %zu units where it applies "
                          "lose points on it."),
                    fw->nodes[cl->node].id, cl->n_units_losing,
                    cl->n_units_applicable);
    }
    return st;
}

static chiso_status
build_charts(struct pv *P)
{
    chiso_status st = CHISO_OK;
    size_t g;

    if (P->u->n_groups > 0) {
        for (g = 0; g < P->u->n_groups && st == CHISO_OK; g++) {
            st = chart_ranking(P, (long)g, g + 1);
        }
    }
    if (st == CHISO_OK) {
        st = chart_ranking(P, -1, 0);
    }
    if (st == CHISO_OK) {
        st = chart_heatmap(P);
    }
    if (st == CHISO_OK) {
        st = chart_criteria(P);
    }
    /* a chart the library refuses to lay out is left out, with why */
    for (g = 0; st == CHISO_OK && g < P->n_charts; g++) {
        chiso_diag d;
        chiso_diag_clear(&d);
        d.lang = P->lang;
        if (chiso_plot_check(P->charts[g].chart, PV_CHART_W, PV_CHART_H, &d) ==
            CHISO_EDATA) {
            chiso_report__warnk(P->R, "chart_left_out", CHISO_SEVERITY_WARNING,
                                NULL, NULL, PM(P, "chart '%s' left out: %s"),
                                P->charts[g].base, d.message);
            chiso_chart_free(P->charts[g].chart);
            memmove(&P->charts[g], &P->charts[g + 1],
                    (P->n_charts - g - 1) * sizeof(P->charts[0]));
            P->n_charts--;
            g--;
        }
    }
    if (st == CHISO_OK && P->R->oom) {
        st = CHISO_ENOMEM;
    }
    if (st != CHISO_OK && P->R->diag->code == CHISO_OK) {
        chiso_diag_set(P->R->diag, st, NULL, 0, 0, "cannot build the charts");
    }
    return st;
}

static chiso_status
write_charts(struct pv *P)
{
    static const char *const ext[] = {".png", ".svg"};
    chiso_plot_job jobs[PV_MAX_CHART];
    chiso_plot_write_options o;
    chiso_status st;
    size_t i, e;
    char name[160];

    chiso_plot_write_options_init(&o);
    o.width = PV_CHART_W;
    o.height = PV_CHART_H;
    o.no_sync = 1;
    o.threads = P->R->opts->threads > 0 ? (unsigned)P->R->opts->threads : 0;
    /* one job per chart: laid out once for its PNG and its SVG */
    memset(jobs, 0, sizeof(jobs));
    for (i = 0; i < P->n_charts; i++) {
        for (e = 0; e < 2; e++) {
            chiso_textf(name, sizeof(name), "%s%s", P->charts[i].base, ext[e]);
            *(e == 0 ? &jobs[i].png_path : &jobs[i].svg_path) =
                chiso_report__path(P->R, name);
            if (chiso_report__add_file(P->R, name) != CHISO_OK) {
                return oom(P);
            }
        }
        jobs[i].chart = P->charts[i].chart;
    }
    st = chiso_plot_write_jobs(jobs, P->n_charts, &o, P->R->diag);
    for (i = 0; i < P->n_charts; i++) {
        chiso_plot_job_clear(&jobs[i]);
    }
    return st;
}

/* ---- tables ------------------------------------------------------------ */

static void
cell_num(chiso_csvw *w, double x, int dec)
{
    if (!isfinite(x)) {
        chiso_csvw_text(w, "");
        return;
    }
    chiso_csvw_fixed(w, x, dec);
}

static void
cell_long(chiso_csvw *w, long x)
{
    if (x <= 0) {
        chiso_csvw_text(w, "");
        return;
    }
    chiso_csvw_int(w, x);
}

typedef void (*pv_table_fn)(struct pv *P, chiso_csvw *w);

static chiso_status
write_table(struct pv *P, const char *name, pv_table_fn fn)
{
    chiso_outfile *f;
    chiso_csvw w;
    chiso_status st =
        chiso_outfile_open(&f, chiso_report__path(P->R, name), P->R->diag);

    if (st != CHISO_OK) {
        return st;
    }
    chiso_csvw_init(&w, chiso_outfile_stream(f), ',', 1);
    fn(P, &w);
    st = chiso_outfile_commit(f, P->R->diag);
    if (st == CHISO_OK) {
        st = chiso_report__add_file(P->R, name);
    }
    return st;
}

static void
table_units(struct pv *P, chiso_csvw *w)
{
    const chiso_score_units *u = P->u;
    const char *hd[] = {"rank",   "rank_of",        "unit",          "name",
                        "group",  "group_rank",     "group_rank_of", "scored",
                        "points", "applicable_max", "index_pct",     "band"};
    size_t i, a;

    for (i = 0; i < sizeof(hd) / sizeof(hd[0]); i++) {
        chiso_csvw_text(w, hd[i]);
    }
    for (a = 0; a < u->n_areas; a++) {
        char b[200];
        chiso_textf(b, sizeof(b), "area_%s_pct",
                    P->R->fw->nodes[u->areas[a]].id);
        chiso_csvw_text(w, b);
    }
    chiso_csvw_end(w);
    for (i = 0; i < u->n_units; i++) {
        const chiso_unit_score *us = &u->units[u->by_rank[i]];
        cell_long(w, us->rank);
        cell_long(w, us->rank > 0 ? (long)us->rank_of : 0);
        chiso_csvw_text(w, us->unit);
        chiso_csvw_text(w, us->name ? us->name : "");
        chiso_csvw_text(w, us->group ? us->group : "");
        cell_long(w, us->group_rank);
        cell_long(w, us->group_rank > 0 ? (long)us->group_rank_of : 0);
        chiso_csvw_text(w, us->scored ? "1" : "0");
        cell_num(w, us->scored ? us->points : (double)NAN, 2);
        cell_num(w, us->scored ? us->applicable_max : (double)NAN, 2);
        cell_num(w, us->index_pct, 2);
        chiso_csvw_text(w, us->band ? us->band->id : "");
        for (a = 0; a < u->n_areas; a++) {
            cell_num(w, us->area_pct ? us->area_pct[a] : (double)NAN, 2);
        }
        chiso_csvw_end(w);
    }
}

static void
table_criteria(struct pv *P, chiso_csvw *w)
{
    const chiso_score_units *u = P->u;
    const char *hd[] = {"rank_by_units", "criterion_id",     "name",
                        "units_losing",  "units_applicable", "points_lost",
                        "rank_by_points"};
    size_t i;

    for (i = 0; i < sizeof(hd) / sizeof(hd[0]); i++) {
        chiso_csvw_text(w, hd[i]);
    }
    chiso_csvw_end(w);
    for (i = 0; i < u->n_criteria; i++) {
        const chiso_criterion_loss *cl = &u->criteria[i];
        const chiso_node *nd = &P->R->fw->nodes[cl->node];
        cell_long(w, cl->rank_by_units);
        chiso_csvw_text(w, nd->id);
        chiso_csvw_text(w, nd->name);
        cell_long(w, (long)cl->n_units_losing);
        cell_long(w, (long)cl->n_units_applicable);
        cell_num(w, cl->points_lost, 2);
        cell_long(w, cl->rank_by_points);
        chiso_csvw_end(w);
    }
}

static void
table_appraisal(struct pv *P, chiso_csvw *w)
{
    const chiso_score_units *u = P->u;
    const char *hd[] = {"unit",
                        "name",
                        "self_points",
                        "self_index_pct",
                        "appraised_points",
                        "appraised_index_pct",
                        "change_points",
                        "change_pct_points",
                        "self_band",
                        "appraised_band"};
    size_t i;

    for (i = 0; i < sizeof(hd) / sizeof(hd[0]); i++) {
        chiso_csvw_text(w, hd[i]);
    }
    chiso_csvw_end(w);
    for (i = 0; i < u->n_units; i++) {
        const chiso_unit_score *us = &u->units[u->by_rank[i]];
        if (!us->scored || !us->has_appraised) {
            continue;
        }
        chiso_csvw_text(w, us->unit);
        chiso_csvw_text(w, us->name ? us->name : "");
        cell_num(w, us->points, 2);
        cell_num(w, us->index_pct, 2);
        cell_num(w, us->appraised, 2);
        cell_num(w, us->appraised_index_pct, 2);
        cell_num(w, us->appraised - us->points, 2);
        cell_num(w, us->appraised_index_pct - us->index_pct, 2);
        chiso_csvw_text(w, us->band ? us->band->id : "");
        chiso_csvw_text(w, us->appraised_band ? us->appraised_band->id : "");
        chiso_csvw_end(w);
    }
}

static size_t
n_appraised(const struct pv *P)
{
    size_t i, n = 0;

    for (i = 0; i < P->u->n_units; i++) {
        n += P->u->units[i].scored && P->u->units[i].has_appraised;
    }
    return n;
}

/* ---- summary.json ------------------------------------------------------ */

static chiso_status
write_summary(struct pv *P)
{
    struct rp *R = P->R;
    chiso_jb jbs = CHISO_JB_INIT, *jb = &jbs;
    cJSON *root = chiso_jb_object(jb), *arr, *o;
    char *text;
    size_t i;
    chiso_status st;

    chiso_jb_add(jb, root, "schema_version", cJSON_CreateNumber(1));
    chiso_jb_add(jb, root, "kind", cJSON_CreateString("province"));
    chiso_jb_add(jb, root, "generator",
                 cJSON_CreateString("chiso " CHISO_VERSION));
    chiso_jb_add(jb, root, "language", cJSON_CreateString(R->en ? "en" : "vi"));
    chiso_jb_add(jb, root, "title",
                 R->cfg->title ? cJSON_CreateString(R->cfg->title)
                               : cJSON_CreateNull());
    chiso_jb_add(jb, root, "province",
                 R->cfg->province ? cJSON_CreateString(R->cfg->province)
                                  : cJSON_CreateNull());
    chiso_jb_add(jb, root, "period", cJSON_CreateString(R->cfg->period));
    /* where the units' groups come from: "unit_list", "sheets" (a Khối
     * column) or "none" (ranked without groups) */
    chiso_jb_add(jb, root, "groups_from", cJSON_CreateString(P->groups_from));
    chiso_jb_add(jb, root, "scores", chiso_score_units_to_json(P->u));
    arr = cJSON_CreateArray();
    for (i = 0; i < P->n_charts; i++) {
        o = cJSON_CreateObject();
        chiso_jb_add(jb, o, "name", cJSON_CreateString(P->charts[i].base));
        chiso_jb_add(jb, o, "caption",
                     cJSON_CreateString(P->charts[i].caption));
        chiso_jb_add(jb, o, "reading",
                     cJSON_CreateString(P->charts[i].reading));
        chiso_jb_add(jb, arr, NULL, o);
    }
    chiso_jb_add(jb, root, "charts", arr);
    arr = cJSON_CreateArray();
    for (i = 0; i < R->cfg->n_notes; i++) {
        chiso_jb_add(jb, arr, NULL, cJSON_CreateString(R->cfg->notes[i]));
    }
    chiso_jb_add(jb, root, "notes", arr);
    arr = cJSON_CreateArray();
    for (i = 0; i < R->n_files; i++) {
        chiso_jb_add(jb, arr, NULL, cJSON_CreateString(R->files[i]));
    }
    chiso_jb_add(jb, root, "files", arr);
    /* typed warnings (docs/warnings.md), as in the department pack */
    if (R->wlist.n_dropped > 0 &&
        chiso_diag_list_addk(&R->wlist, "more_warnings", CHISO_SEVERITY_INFO,
                             NULL, NULL, 0, 0, "%zu more warnings not listed",
                             R->wlist.n_dropped) != CHISO_OK) {
        return oom(P);
    }
    chiso_jb_add(jb, root, "warnings", chiso_diag_list_to_json(&R->wlist));
    root = chiso_jb_finish(jb, root);
    text = root != NULL ? chiso_json_print(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL) {
        return oom(P);
    }
    st = chiso_file_write_atomic(chiso_report__path(R, "summary.json"), text,
                                 strlen(text), R->diag);
    free(text);
    return st;
}

/* ---- report.pdf -------------------------------------------------------- */

struct pv_fig {
    const chiso_chart *chart;
    chiso_diag *diag;
    chiso_status st;
};

/* Drawn on a wider virtual canvas and scaled to the page, so unit names
 * and their ranks ("Sở Khoa học và Công nghệ (1/14)") fit as in the PNG
 * instead of being cut with "…" at the page's width. */
#define PV_PDF_VIRTUAL_W 820.0

static void
draw_fig(cairo_t *cr, double w, double h, void *ctx)
{
    struct pv_fig *f = ctx;
    double k = w < PV_PDF_VIRTUAL_W ? w / PV_PDF_VIRTUAL_W : 1.0;
    chiso_status st;

    cairo_save(cr);
    cairo_scale(cr, k, k);
    st = chiso_plot_draw(cr, f->chart, w / k, h / k, f->diag);
    cairo_restore(cr);
    if (st != CHISO_OK && f->st == CHISO_OK) {
        f->st = st;
    }
}

static void
ranking_table(struct pv *P, chiso_doc *d)
{
    static const double w[] = {0.08, 0.40, 0.22, 0.10, 0.10, 0.10};
    const char *hd[6];
    chiso_doc_table_spec t = {6, hd, w, "rllrrl", 1};
    const chiso_score_units *u = P->u;
    size_t i;

    hd[0] = PM(P, "Rank");
    hd[1] = PM(P, "Unit");
    hd[2] = PM(P, "Group");
    hd[3] = PM(P, "In group");
    hd[4] = PM(P, "Index %");
    hd[5] = PM(P, "Band");
    chiso_doc_table_begin(d, &t);
    for (i = 0; i < u->n_units; i++) {
        const chiso_unit_score *us = &u->units[u->by_rank[i]];
        char rk[32], grk[32], pct[48];
        const char *cells[6];
        if (us->rank > 0) {
            snprintf(rk, sizeof(rk), "%ld/%zu", us->rank, us->rank_of);
        } else {
            snprintf(rk, sizeof(rk), "–");
        }
        if (us->group_rank > 0) {
            snprintf(grk, sizeof(grk), "%ld/%zu", us->group_rank,
                     us->group_rank_of);
        } else {
            snprintf(grk, sizeof(grk), "–");
        }
        if (us->scored && isfinite(us->index_pct)) {
            chiso_report__num(P->R, us->index_pct, 2, pct, sizeof(pct));
        } else {
            chiso_textf(pct, sizeof(pct), "%s", PM(P, "no data"));
        }
        cells[0] = rk;
        cells[1] = unit_label(us);
        cells[2] = us->group ? us->group : "";
        cells[3] = grk;
        cells[4] = pct;
        cells[5] = band_text(P, us->band);
        chiso_doc_table_row(d, cells, 0);
    }
    chiso_doc_table_end(d);
}

static void
criteria_table(struct pv *P, chiso_doc *d)
{
    static const double w[] = {0.10, 0.54, 0.12, 0.12, 0.12};
    const char *hd[5];
    chiso_doc_table_spec t = {5, hd, w, "llrrr", 1};
    const chiso_score_units *u = P->u;
    size_t i;

    hd[0] = PM(P, "ID");
    hd[1] = PM(P, "Criterion");
    hd[2] = PM(P, "Units losing");
    hd[3] = PM(P, "Applies to");
    hd[4] = PM(P, "Points lost");
    chiso_doc_table_begin(d, &t);
    for (i = 0; i < u->n_criteria && i < PV_TOP; i++) {
        const chiso_criterion_loss *cl = &u->criteria[i];
        const chiso_node *nd = &P->R->fw->nodes[cl->node];
        char a[32], b[32], c[48];
        const char *cells[5];
        snprintf(a, sizeof(a), "%zu", cl->n_units_losing);
        snprintf(b, sizeof(b), "%zu", cl->n_units_applicable);
        chiso_report__num(P->R, cl->points_lost, 2, c, sizeof(c));
        cells[0] = nd->id;
        cells[1] = P->R->en && nd->name_en ? nd->name_en : nd->name;
        cells[2] = a;
        cells[3] = b;
        cells[4] = c;
        chiso_doc_table_row(d, cells, 0);
    }
    chiso_doc_table_end(d);
}

static void
appraisal_table(struct pv *P, chiso_doc *d)
{
    static const double w[] = {0.40, 0.15, 0.15, 0.15, 0.15};
    const char *hd[5];
    chiso_doc_table_spec t = {5, hd, w, "lrrrr", 1};
    const chiso_score_units *u = P->u;
    size_t i;

    hd[0] = PM(P, "Unit");
    hd[1] = PM(P, "Self-assessed");
    hd[2] = PM(P, "Appraised");
    hd[3] = PM(P, "Change (points)");
    hd[4] = PM(P, "Change (% points)");
    chiso_doc_table_begin(d, &t);
    for (i = 0; i < u->n_units; i++) {
        const chiso_unit_score *us = &u->units[u->by_rank[i]];
        char a[48], b[48], c[48], e[48];
        const char *cells[5];
        if (!us->scored || !us->has_appraised) {
            continue;
        }
        chiso_report__num(P->R, us->points, 2, a, sizeof(a));
        chiso_report__num(P->R, us->appraised, 2, b, sizeof(b));
        chiso_report__num(P->R, us->appraised - us->points, 2, c, sizeof(c));
        chiso_report__num(P->R, us->appraised_index_pct - us->index_pct, 2, e,
                          sizeof(e));
        cells[0] = unit_label(us);
        cells[1] = a;
        cells[2] = b;
        cells[3] = c;
        cells[4] = e;
        chiso_doc_table_row(d, cells,
                            fabs(us->appraised - us->points) >= 0.005);
    }
    chiso_doc_table_end(d);
}

/* Room for a chart in the brief: 300 pt, more for many rows (at most
 * about two thirds of an A4 page). */
static double
fig_height(size_t rows)
{
    double h = 120.0 + 14.0 * (double)rows;

    return h < PV_FIG_H ? PV_FIG_H : h > 520.0 ? 520.0 : h;
}

static chiso_status
write_pdf(struct pv *P)
{
    struct rp *R = P->R;
    chiso_doc *d = NULL;
    chiso_doc_options o = CHISO_DOC_OPTIONS_INIT;
    const char *title, *footer;
    chiso_status st;
    size_t i;

    title = R->cfg->title != NULL
                ? R->cfg->title
                : chiso_report__strf(R,
                                     PM(P, "Administrative reform index of the "
                                           "units of %s, %s"),
                                     R->cfg->province ? R->cfg->province : "",
                                     R->period_label);
    footer = chiso_report__strf(R, "%s — %s",
                                R->cfg->province ? R->cfg->province : "",
                                R->period_label);
    o.title = title;
    o.footer = footer;
    o.page_label = PM(P, "Page");
    st = chiso_doc_open(&d, chiso_report__path(R, "report.pdf"), &o, R->diag);
    if (st != CHISO_OK) {
        return st;
    }
    chiso_doc_heading(d, title, 1);
    chiso_doc_paragraph(
        d,
        chiso_report__strf(R,
                           PM(P, "Framework: %s. %zu units, %zu ranked, %zu "
                                 "groups. Ranks are competition ranks (equal "
                                 "index, equal rank; the next rank skips)."),
                           R->fw->name, P->u->n_units, P->u->n_ranked,
                           P->u->n_groups),
        0);
    for (i = 0; i < R->cfg->n_notes; i++) {
        chiso_doc_paragraph(d, R->cfg->notes[i], 1);
    }
    chiso_doc_heading(d, PM(P, "Ranking"), 2);
    ranking_table(P, d);
    chiso_doc_heading(d, PM(P, "Criteria most units lose points on"), 2);
    if (P->u->n_criteria > 0) {
        criteria_table(P, d);
    } else {
        chiso_doc_paragraph(d, PM(P, "No unit lost points."), 0);
    }
    chiso_doc_heading(d, PM(P, "Appraisal against self-assessment"), 2);
    if (n_appraised(P) > 0) {
        appraisal_table(P, d);
    } else {
        chiso_doc_paragraph(d,
                            PM(P, "No sheet has appraised points "
                                  "(điểm thẩm định) yet."),
                            0);
    }
    for (i = 0; i < P->n_charts; i++) {
        struct pv_fig fc;
        if (i == 0) {
            chiso_doc_page_break(d);
            chiso_doc_heading(d, PM(P, "Charts"), 2);
        }
        fc.chart = P->charts[i].chart;
        fc.diag = R->diag;
        fc.st = CHISO_OK;
        chiso_doc_figure(d, fig_height(P->charts[i].rows), draw_fig, &fc,
                         chiso_report__strf(R, "%s %zu. %s", PM(P, "Figure"),
                                            i + 1, P->charts[i].caption));
        if (fc.st != CHISO_OK) {
            chiso_doc_abort(d);
            return fc.st;
        }
        chiso_doc_paragraph(d, P->charts[i].reading, 0);
    }
    if (R->n_warnings > 0) {
        chiso_doc_heading(d, PM(P, "Data caveats"), 2);
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

/* ---- the build --------------------------------------------------------- */

static void
pv_free(struct pv *P)
{
    size_t i;

    for (i = 0; i < P->n_charts; i++) {
        chiso_chart_free(P->charts[i].chart);
    }
    chiso_score_units_free(P->u);
    for (i = 0; i < P->n_sheets; i++) {
        if (P->ev != NULL) {
            chiso_evidence_free(P->ev[i]);
        }
        if (P->stems != NULL) {
            free(P->stems[i]);
        }
        free(P->sheet_paths[i]);
    }
    free(P->ev);
    free(P->stems);
    free(P->sheet_paths);
    for (i = 0; i < P->n_owned; i++) {
        free(P->owned[i]);
    }
    free(P->owned);
    free(P->infos);
    for (i = 0; P->gkey != NULL && i <= P->gmask; i++) {
        free(P->gkey[i]);
    }
    free(P->gkey);
    free(P->gval);
}

static void
pv_period_label(struct rp *R)
{
    chiso_period_kind kind;
    int32_t idx;

    if (chiso_period_parse(R->cfg->period, &kind, &idx) != 0) {
        chiso_textf(R->period_label, sizeof(R->period_label), "%s",
                    R->cfg->period);
        return;
    }
    chiso_report__period_label(R->en, kind, idx, R->period_label,
                               sizeof(R->period_label));
}

static chiso_status
province_summary(void *ctx)
{
    return write_summary(ctx);
}

chiso_status
chiso_report__province_build(const chiso_report_config *cfg,
                             const char *out_dir,
                             const chiso_report_options *opts,
                             chiso_report_outcome *outcome,
                             chiso_diag *diag)
{
    chiso_report_options defaults = CHISO_REPORT_OPTIONS_INIT;
    struct rp R;
    struct pv P;
    size_t i;
    chiso_status st;

    memset(&R, 0, sizeof(R));
    memset(&P, 0, sizeof(P));
    if (outcome != NULL) {
        memset(outcome, 0, sizeof(*outcome));
    }
    R.cfg = cfg;
    R.opts = opts ? opts : &defaults;
    R.diag = diag;
    R.en = cfg->language != NULL && strcmp(cfg->language, "en") == 0;
    P.R = &R;
    P.lang = R.en ? CHISO_LANG_EN : CHISO_LANG_VI;
    chiso_diag_list_init(&R.wlist, 200);
    R.wlist.lang = P.lang;
    pv_period_label(&R);

    st = chiso_report__pack_open(&R, out_dir, diag);
    if (st == CHISO_OK) {
        if (R.opts->progress) {
            R.opts->progress(R.opts->progress_ctx, "score");
        }
        st = load_inputs(&P);
    }
    if (st == CHISO_OK) {
        if (R.opts->progress) {
            R.opts->progress(R.opts->progress_ctx, "charts");
        }
        st = build_charts(&P);
    }
    if (st == CHISO_OK) {
        if (R.opts->progress) {
            R.opts->progress(R.opts->progress_ctx, "files");
        }
        st = write_charts(&P);
    }
    if (st == CHISO_OK) {
        st = write_table(&P, "units.csv", table_units);
    }
    if (st == CHISO_OK) {
        st = write_table(&P, "criteria-lost.csv", table_criteria);
    }
    if (st == CHISO_OK && n_appraised(&P) > 0) {
        st = write_table(&P, "appraisal.csv", table_appraisal);
    }
    if (st == CHISO_OK) {
        if (R.opts->progress) {
            R.opts->progress(R.opts->progress_ctx, "pdf");
        }
        st = write_pdf(&P);
    }
    st = chiso_report__pack_commit(&R, st, province_summary, &P, out_dir,
                                   outcome, diag);
    chiso_outdir_abort(R.od); /* a pack not put in place is removed */
    chiso_diag_list_free(&R.wlist);
    pv_free(&P);
    chiso_framework_free(R.fw);
    for (i = 0; i < R.n_strs; i++) {
        free(R.strs[i]);
    }
    free(R.strs);
    for (i = 0; i < R.n_files; i++) {
        free(R.files[i]);
    }
    free(R.files);
    for (i = 0; i < R.n_warnings; i++) {
        free(R.warnings[i]);
    }
    free(R.warnings);
    return st;
}

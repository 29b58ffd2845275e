/*
 * cmd_score_units.c - chiso score FRAMEWORK SHEET --all-units, and
 * chiso score FRAMEWORK SHEET... | FOLDER (one sheet per unit).
 *
 * The I/O around chiso_score_units_compute(): the sheets (a folder's *.csv
 * files in name order), the groups (khối) from a unit list (--units FILE:
 * unit, name, group) or from a group column of the sheets, then the
 * ranked table, --csv (one row per unit) and --json.
 */
#define _GNU_SOURCE
#include "cli.h"
#include "cmd_score_units.h"

#include "chiso_dataset.h"
#include "chiso_score.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Criteria listed in each "most lost" table unless --top says. */
#define TOP_DEFAULT 10
/* Areas shown as columns of the table (all of them in CSV and JSON). */
#define AREA_COLUMNS_MAX 10

/* ---- inputs ------------------------------------------------------------ */

struct paths {
    char **v;
    size_t n, cap;
};

static int
paths_add(struct paths *p, const char *s)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        char **q = realloc(p->v, cap * sizeof(*q));
        if (q == NULL) {
            return -1;
        }
        p->v = q;
        p->cap = cap;
    }
    p->v[p->n] = chiso_strdup(s);
    return p->v[p->n++] == NULL ? -1 : 0;
}

static void
paths_free(struct paths *p)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        free(p->v[i]);
    }
    free(p->v);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
ends_with_csv(const char *name)
{
    size_t n = strlen(name);

    if (name[0] == '~' && name[1] == '$') {
        return 0; /* Excel's lock file of an open workbook */
    }
    return (n > 4 && strcasecmp(name + n - 4, ".csv") == 0) ||
           (n > 5 && strcasecmp(name + n - 5, ".xlsx") == 0) ||
           (n > 4 && strcasecmp(name + n - 4, ".xls") == 0);
}

/* A folder's sheets: its *.csv, *.xlsx and *.xls files (not hidden),
 * sorted by name. */
static int
add_folder(struct paths *p, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t first = p->n;
    int rc = 0;

    if (d == NULL) {
        fprintf(stderr, "chiso: %s: %s\n", dir,
                chiso_msg(cli_language == CLI_LANG_EN ? CHISO_LANG_EN
                                                      : CHISO_LANG_VI,
                          "cannot read the folder"));
        return CLI_EXIT_IO;
    }
    while ((e = readdir(d)) != NULL) {
        char *path;
        if (e->d_name[0] == '.' || !ends_with_csv(e->d_name)) {
            continue;
        }
        if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) {
            rc = CLI_EXIT_INTERNAL;
            break;
        }
        rc = paths_add(p, path) != 0 ? CLI_EXIT_INTERNAL : 0;
        free(path);
        if (rc != 0) {
            break;
        }
    }
    closedir(d);
    if (rc == 0 && p->n == first) {
        return cli_usage_error("score",
                               "folder '%s' holds no .csv or .xlsx sheet", dir);
    }
    qsort(p->v + first, p->n - first, sizeof(*p->v), cmp_str);
    return rc;
}

/* Is file path `out` inside folder `dir` (at any depth)? Both resolved
 * through symbolic links; an output that does not exist yet is judged by
 * its folder. */
static int
inside_folder(const char *out, const char *dir)
{
    char *rd = realpath(dir, NULL), *ro = NULL, *parent;
    const char *slash = strrchr(out, '/');
    int in = 0;

    if (rd == NULL) {
        return 0;
    }
    parent = slash != NULL ? chiso_strndup(out, (size_t)(slash - out) + 1)
                           : chiso_strdup(".");
    if (parent != NULL) {
        ro = realpath(parent, NULL);
    }
    if (ro != NULL) {
        size_t n = strlen(rd);
        in = strncmp(ro, rd, n) == 0 && (ro[n] == '\0' || ro[n] == '/');
    }
    free(rd);
    free(ro);
    free(parent);
    return in;
}

/* The unit a sheet without a unit column stands for: its file name
 * without folder and extension. */
static char *
file_stem(const char *path)
{
    const char *b = strrchr(path, '/');
    const char *dot;

    b = b ? b + 1 : path;
    dot = strrchr(b, '.');
    return chiso_strndup(b, dot && dot > b ? (size_t)(dot - b) : strlen(b));
}

/* Unit infos read from a unit list or the sheets' group column. The
 * strings are owned here. */
struct infos {
    chiso_unit_info *v;
    char **owned;
    size_t n, cap, n_owned, cap_owned;
    /* folded unit codes and names -> index + 1, open addressing */
    char **key;
    size_t *val, mask, n_keys;
};

static size_t
key_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    }
    return (size_t)(h ^ (h >> 29));
}

/* The unit folded to the same key as text[0, len): its index, or -1. */
static long
infos_find(const struct infos *I, const char *text, size_t len)
{
    char k[256];
    size_t i;

    if (I->key == NULL) {
        return -1;
    }
    chiso_text_fold(text, len, k, sizeof(k));
    for (i = key_hash(k) & I->mask; I->key[i] != NULL; i = (i + 1) & I->mask) {
        if (strcmp(I->key[i], k) == 0) {
            return (long)I->val[i] - 1;
        }
    }
    return -1;
}

/* Record text[0, len) (folded) as a name of unit idx. -1 on memory. */
static int
infos_key(struct infos *I, const char *text, size_t len, size_t idx)
{
    char k[256];
    size_t i;

    if ((I->n_keys + 1) * 2 > (I->key ? I->mask + 1 : 0)) {
        size_t cap = I->key ? 2 * (I->mask + 1) : 64, j;
        char **nk = calloc(cap, sizeof(*nk));
        size_t *nv = calloc(cap, sizeof(*nv));
        if (nk == NULL || nv == NULL) {
            free(nk);
            free(nv);
            return -1;
        }
        for (j = 0; I->key != NULL && j <= I->mask; j++) {
            if (I->key[j] != NULL) {
                size_t h = key_hash(I->key[j]) & (cap - 1);
                while (nk[h] != NULL) {
                    h = (h + 1) & (cap - 1);
                }
                nk[h] = I->key[j];
                nv[h] = I->val[j];
            }
        }
        free(I->key);
        free(I->val);
        I->key = nk;
        I->val = nv;
        I->mask = cap - 1;
    }
    chiso_text_fold(text, len, k, sizeof(k));
    for (i = key_hash(k) & I->mask; I->key[i] != NULL; i = (i + 1) & I->mask) {
        if (strcmp(I->key[i], k) == 0) {
            return 0; /* the first unit keeps the name */
        }
    }
    I->key[i] = chiso_strdup(k);
    if (I->key[i] == NULL) {
        return -1;
    }
    I->val[i] = idx + 1;
    I->n_keys++;
    return 0;
}

static const char *
own(struct infos *I, const char *s, size_t len)
{
    char *c;

    if (I->n_owned == I->cap_owned) {
        size_t cap = I->cap_owned ? 2 * I->cap_owned : 64;
        char **q = realloc(I->owned, cap * sizeof(*q));
        if (q == NULL) {
            return NULL;
        }
        I->owned = q;
        I->cap_owned = cap;
    }
    c = chiso_strndup(s, len);
    if (c != NULL) {
        I->owned[I->n_owned++] = c;
    }
    return c;
}

static chiso_unit_info *
info_add(struct infos *I)
{
    if (I->n == I->cap) {
        size_t cap = I->cap ? 2 * I->cap : 32;
        chiso_unit_info *q = realloc(I->v, cap * sizeof(*q));
        if (q == NULL) {
            return NULL;
        }
        I->v = q;
        I->cap = cap;
    }
    memset(&I->v[I->n], 0, sizeof(I->v[0]));
    return &I->v[I->n++];
}

static void
infos_free(struct infos *I)
{
    size_t i;

    for (i = 0; I->key != NULL && i <= I->mask; i++) {
        free(I->key[i]);
    }
    free(I->key);
    free(I->val);
    for (i = 0; i < I->n_owned; i++) {
        free(I->owned[i]);
    }
    free(I->owned);
    free(I->v);
}

static const char *
trimmed(const chiso_csv_row *row, long k, size_t *len)
{
    const char *s = chiso_csv_field(row, k, len);

    chiso_text_trim(&s, len);
    return s;
}

/* --units FILE: a CSV with columns unit (Mã đơn vị), name (Tên đơn vị) and
 * group (Khối). Every problem is an error at its cell. */
static int
read_unit_list(const char *path, struct infos *I, chiso_lang lang)
{
    static const chiso_csv_column cols[] = {
        {"unit", "unit_code|ma_don_vi|don_vi|code|ma|ma_dv", 1},
        {"name", "unit_name|ten_don_vi|ten|ten_dv", 0},
        {"group", "khoi|khoi_don_vi|nhom|nhom_don_vi|unit_group|group_name", 0},
    };
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    chiso_diag d;
    long idx[3];
    chiso_status st;

    chiso_diag_clear(&d);
    d.lang = lang;
    if (chiso_csv_open(&r, path, NULL, &d) != CHISO_OK ||
        chiso_csv_bind(r, cols, 3, idx, &d) != CHISO_OK) {
        chiso_csv_close(r);
        return cli_report(&d);
    }
    while ((st = chiso_csv_next(r, &row, &d)) == CHISO_OK) {
        size_t lu, ln = 0, lg = 0;
        const char *u = trimmed(&row, idx[0], &lu);
        const char *nm = idx[1] >= 0 ? trimmed(&row, idx[1], &ln) : "";
        const char *g = idx[2] >= 0 ? trimmed(&row, idx[2], &lg) : "";
        chiso_unit_info *ui;
        if (lu == 0) {
            chiso_csv_field_error(r, &d, CHISO_EDATA, &row, (size_t)idx[0],
                                  chiso_msg(lang, "the unit list names no "
                                                  "unit on this row"));
            break;
        }
        {
            long dup = infos_find(I, u, lu);
            if (dup < 0 && ln > 0) {
                dup = infos_find(I, nm, ln);
            }
            if (dup >= 0) {
                char first[600];
                snprintf(first, sizeof(first), "%s", I->v[dup].unit);
                chiso_csv_field_error(r, &d, CHISO_EDATA, &row, (size_t)idx[0],
                                      chiso_msg(lang, "unit '%.*s' is listed "
                                                      "twice (first as '%s')"),
                                      (int)lu, u, first);
                break;
            }
        }
        ui = info_add(I);
        if (ui == NULL || (ui->unit = own(I, u, lu)) == NULL ||
            (ln > 0 && (ui->name = own(I, nm, ln)) == NULL) ||
            (lg > 0 && (ui->group = own(I, g, lg)) == NULL) ||
            infos_key(I, u, lu, I->n - 1) != 0 ||
            (ln > 0 && infos_key(I, nm, ln, I->n - 1) != 0)) {
            chiso_diag_set(&d, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
    }
    chiso_csv_close(r);
    if (d.code != CHISO_OK) {
        return cli_report(&d);
    }
    return CLI_EXIT_OK;
}

/*
 * The group column of a sheet (Khối), if it has one: the group of each of
 * its units (the sheet's own unit, `stem`, when it has no unit column).
 * A unit given two different groups is an error at the second cell (a
 * workbook's cell as FILE:SHEET!C7). CSV and workbooks alike (the table
 * reader); only the header is read when there is no group column.
 */
struct sheet_groups {
    struct infos *I;
    chiso_table *t;
    const long *col;
    const char *stem;
    chiso_diag *d;
    long cur;
    const char *prev_u;
    size_t prev_lu;
    int failed;
};

static void *
sg_worker(void *ctx)
{
    return ctx;
}

static void
sg_worker_free(void *w)
{
    (void)w;
}

static const char *
sg_field(const chiso_row *row, long k, size_t *len)
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

static int
sg_row(void *worker, const chiso_row *row, chiso_row_error *err)
{
    struct sheet_groups *G = worker;
    struct infos *I = G->I;
    size_t lu, lg;
    const char *u = sg_field(row, G->col[1], &lu);
    const char *g = sg_field(row, G->col[2], &lg);

    (void)err;
    if (G->failed || lg == 0) {
        return CHISO_ROW_OK;
    }
    if (lu == 0) {
        u = G->stem;
        lu = strlen(G->stem);
    }
    /* consecutive rows of one unit: look it up once */
    if (G->cur < 0 || G->prev_u == NULL || lu != G->prev_lu ||
        memcmp(G->prev_u, u, lu) != 0) {
        G->cur = infos_find(I, u, lu);
        if (G->cur < 0) {
            chiso_unit_info *ui = info_add(I);
            if (ui == NULL || (ui->unit = own(I, u, lu)) == NULL ||
                infos_key(I, u, lu, I->n - 1) != 0) {
                chiso_diag_set(G->d, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
                G->failed = 1;
                return CHISO_ROW_OK;
            }
            G->cur = (long)(I->n - 1);
        }
        G->prev_u = I->v[G->cur].unit;
        G->prev_lu = strlen(G->prev_u);
    }
    if (I->v[G->cur].group == NULL) {
        if ((I->v[G->cur].group = own(I, g, lg)) == NULL) {
            chiso_diag_set(G->d, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
            G->failed = 1;
        }
    } else if (!chiso_text_same(g, lg, I->v[G->cur].group)) {
        char where[CHISO_DIAG_PATH_MAX];
        unsigned long line = 0, column = 0;
        chiso_table_where(G->t, row, (size_t)G->col[2], where, sizeof(where),
                          &line, &column);
        chiso_diag_set(G->d, CHISO_EDATA, where, line, column,
                       "unit '%s' is in group '%s' on an earlier row and in "
                       "'%.*s' here",
                       I->v[G->cur].unit, I->v[G->cur].group, (int)lg, g);
        G->failed = 1;
    }
    return CHISO_ROW_OK;
}

static int
read_sheet_groups(const char *path,
                  const char *stem,
                  struct infos *I,
                  chiso_lang lang)
{
    /* the criterion id's names as the evidence reader knows them, so the
     * header is found on the same row */
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
    chiso_table_options o = CHISO_TABLE_OPTIONS_INIT;
    chiso_row_handler h;
    chiso_table_run run;
    struct sheet_groups G;
    chiso_diag d;
    chiso_status st;

    chiso_diag_clear(&d);
    d.lang = lang;
    memset(&G, 0, sizeof(G));
    G.I = I;
    G.stem = stem;
    G.d = &d;
    G.cur = -1;
    o.max_rejects_pct = 100;
    if (chiso_table_open(&G.t, path, &schema, &o, &d) != CHISO_OK) {
        return cli_report(&d);
    }
    G.col = chiso_table_index(G.t);
    if (G.col[2] < 0) {
        chiso_table_close(G.t);
        return CLI_EXIT_OK;
    }
    memset(&h, 0, sizeof(h));
    h.ctx = &G;
    h.worker_new = sg_worker;
    h.worker_free = sg_worker_free;
    h.row = sg_row;
    h.sequential = 1;
    st = chiso_table_read(G.t, &h, &run, &d);
    chiso_table_run_free(&run, &h);
    chiso_table_close(G.t);
    if (d.code != CHISO_OK) {
        return cli_report(&d);
    }
    (void)st;
    return CLI_EXIT_OK;
}

/* A classification band's label in the output language (the English one
 * when the framework gives it). */
static const char *
band_label(const chiso_class_band *b)
{
    return cli_language == CLI_LANG_EN && b->label_en != NULL ? b->label_en
                                                              : b->label;
}

/* ---- table --------------------------------------------------------------- */

static const char *
unit_label(const chiso_unit_score *us)
{
    return us->name != NULL ? us->name : us->unit;
}

static void
print_units_table(const chiso_score_units *u,
                  const char *const *sheets,
                  size_t n_sheets,
                  size_t top)
{
    const chiso_framework *fw = u->fw;
    FILE *o = stdout;
    int dec = fw->points_decimals >= 0 ? fw->points_decimals : 2;
    int idec = fw->index_decimals;
    size_t i, a, width,
        n_area_cols = u->n_areas <= AREA_COLUMNS_MAX ? u->n_areas : 0;
    int any_appraised = 0;
    char buf[96];

    for (i = 0; i < u->n_units; i++) {
        any_appraised |= u->units[i].has_appraised;
    }
    printf("%s: %s [%s]%s%s\n", T("Khung tiêu chí", "Framework"), fw->name,
           fw->id, fw->status ? " - " : "", fw->status ? fw->status : "");
    if (n_sheets == 1) {
        printf("%s: %s\n", T("Phiếu chấm điểm", "Evidence sheet"), sheets[0]);
    } else {
        printf("%s: %zu\n", T("Phiếu chấm điểm", "Evidence sheets"), n_sheets);
    }
    printf("%s: %zu, %s %zu", T("Đơn vị", "Units"), u->n_units,
           T("xếp hạng", "ranked"), u->n_ranked);
    if (u->n_groups > 0) {
        printf(", %zu %s", u->n_groups, T("khối", "groups"));
    }
    printf("\n\n");
    cli_cell(o, T("Hạng", "Rank"), 5, 1);
    fputs("  ", o);
    cli_cell(o, T("Đơn vị", "Unit"), 30, 0);
    fputs(" ", o);
    if (u->n_groups > 0) {
        cli_cell(o, T("Khối", "Group"), 20, 0);
        cli_cell(o, T("Hạng khối", "In group"), 10, 1);
    }
    cli_cell(o, T("Điểm", "Points"), 9, 1);
    cli_cell(o, T("Áp dụng", "Appl."), 9, 1);
    cli_cell(o, T("Chỉ số %", "Index %"), 9, 1);
    fputs("  ", o);
    cli_cell(o, T("Xếp loại", "Band"), 14, 0);
    width = 5 + 2 + 31 + (u->n_groups > 0 ? 30 : 0) + 27 + 2 + 14;
    if (any_appraised) {
        cli_cell(o, T("Thẩm định%", "Appr. %"), 11, 1);
        cli_cell(o, T("Tự-TĐ", "Self-appr"), 10, 1);
        width += 21;
    }
    cli_cell(o, T("Chưa KC", "No evid."), 8, 1);
    cli_cell(o, T("Chưa có", "Missing"), 8, 1);
    width += 16;
    for (a = 0; a < n_area_cols; a++) {
        snprintf(buf, sizeof(buf), "%s%%", fw->nodes[u->areas[a]].id);
        cli_cell(o, buf, 8, 1);
        width += 8;
    }
    putchar('\n');
    cli_rule(o, '-', width);
    putchar('\n');
    for (i = 0; i < u->n_units; i++) {
        const chiso_unit_score *us = &u->units[u->by_rank[i]];
        if (us->rank > 0) {
            snprintf(buf, sizeof(buf), "%ld", us->rank);
        } else {
            snprintf(buf, sizeof(buf), "-");
        }
        cli_cell(o, buf, 5, 1);
        fputs("  ", o);
        cli_cell(o, unit_label(us), 30, 0);
        fputs(" ", o);
        if (u->n_groups > 0) {
            cli_cell(o, us->group ? us->group : "", 20, 0);
            if (us->group_rank > 0) {
                snprintf(buf, sizeof(buf), "%ld/%zu", us->group_rank,
                         us->group_rank_of);
            } else {
                snprintf(buf, sizeof(buf), "-");
            }
            cli_cell(o, buf, 10, 1);
        }
        if (!us->scored) {
            cli_cell(o, "", 27, 0);
            fputs("  ", o);
            cli_cell(o, T("chưa có phiếu", "no sheet"), 14, 0);
            putchar('\n');
            continue;
        }
        cli_num(o, us->points, dec, 9);
        cli_num(o, us->applicable_max, dec, 9);
        cli_num(o, us->index_pct, idec, 9);
        fputs("  ", o);
        cli_cell(o, us->band ? band_label(us->band) : "", 14, 0);
        if (any_appraised) {
            if (us->has_appraised) {
                cli_num(o, us->appraised_index_pct, idec, 11);
                snprintf(buf, sizeof(buf), "%+.*f", dec,
                         chiso_round_half_up(us->points - us->appraised, dec));
                cli_cell(o, buf, 10, 1);
            } else {
                cli_cell(o, "", 21, 0);
            }
        }
        snprintf(buf, sizeof(buf), "%zu", us->n_evidence_missing);
        cli_cell(o, buf, 8, 1);
        snprintf(buf, sizeof(buf), "%zu", us->n_not_reported);
        cli_cell(o, buf, 8, 1);
        for (a = 0; a < n_area_cols; a++) {
            cli_num(o, us->area_pct[a], 2, 8);
        }
        putchar('\n');
    }
    if (n_area_cols == 0 && u->n_areas > 0) {
        printf("(%zu %s)\n", u->n_areas,
               T("lĩnh vực: tỷ lệ % theo lĩnh vực có trong --csv và --json",
                 "areas: the per-area % are in --csv and --json"));
    }
    /* the criteria most units lose points on, and the most points */
    if (u->n_criteria > 0) {
        size_t n_show = u->n_criteria < top ? u->n_criteria : top;
        printf("\n%s\n", T("Tiêu chí nhiều đơn vị bị mất điểm nhất:",
                           "Criteria most units lose points on:"));
        cli_cell(o, "#", 4, 1);
        fputs("  ", o);
        cli_cell(o, T("Mã", "ID"), 12, 0);
        cli_cell(o, T("Tiêu chí", "Criterion"), 44, 0);
        cli_cell(o, T("Số đơn vị", "Units"), 10, 1);
        cli_cell(o, T("Điểm mất", "Lost"), 10, 1);
        putchar('\n');
        for (i = 0; i < n_show; i++) {
            const chiso_criterion_loss *c = &u->criteria[i];
            snprintf(buf, sizeof(buf), "%ld", c->rank_by_units);
            cli_cell(o, buf, 4, 1);
            fputs("  ", o);
            cli_cell(o, fw->nodes[c->node].id, 12, 0);
            cli_cell(o, fw->nodes[c->node].name, 44, 0);
            snprintf(buf, sizeof(buf), "%zu/%zu", c->n_units_losing,
                     c->n_units_applicable);
            cli_cell(o, buf, 10, 1);
            cli_num(o, c->points_lost, dec, 10);
            putchar('\n');
        }
        printf("\n%s\n", T("Tiêu chí mất nhiều điểm nhất (cộng các đơn vị):",
                           "Criteria with the most points lost (all units):"));
        cli_cell(o, "#", 4, 1);
        fputs("  ", o);
        cli_cell(o, T("Mã", "ID"), 12, 0);
        cli_cell(o, T("Tiêu chí", "Criterion"), 44, 0);
        cli_cell(o, T("Điểm mất", "Lost"), 10, 1);
        cli_cell(o, T("Số đơn vị", "Units"), 10, 1);
        putchar('\n');
        for (i = 0; i < n_show; i++) {
            const chiso_criterion_loss *c = &u->criteria[u->by_points[i]];
            snprintf(buf, sizeof(buf), "%ld", c->rank_by_points);
            cli_cell(o, buf, 4, 1);
            fputs("  ", o);
            cli_cell(o, fw->nodes[c->node].id, 12, 0);
            cli_cell(o, fw->nodes[c->node].name, 44, 0);
            cli_num(o, c->points_lost, dec, 10);
            snprintf(buf, sizeof(buf), "%zu/%zu", c->n_units_losing,
                     c->n_units_applicable);
            cli_cell(o, buf, 10, 1);
            putchar('\n');
        }
        if (u->n_criteria > n_show) {
            printf("(%zu %s)\n", u->n_criteria - n_show,
                   T("tiêu chí khác bị mất điểm: xem --json",
                     "more criteria lost points: see --json"));
        }
    }
    putchar('\n');
    for (i = 0; i < u->warnings.n; i++) {
        cli_print_diag(&u->warnings.items[i],
                       chiso_msg(cli_lang_code(), "warning: "));
    }
    if (u->warnings.n_dropped > 0) {
        fprintf(stderr, "chiso: %s", chiso_msg(cli_lang_code(), "warning: "));
        fprintf(stderr,
                chiso_msg(cli_lang_code(), "%zu more warnings not shown"),
                u->warnings.n_dropped);
        fputc('\n', stderr);
    }
}

/* ---- CSV ----------------------------------------------------------------- */

/* The units as CSV rows into w (the caller commits the file). */
static void
write_units_csv(const chiso_score_units *u, chiso_csvw *w_)
{
    static const char *const head[] = {"rank",
                                       "rank_of",
                                       "unit",
                                       "name",
                                       "group",
                                       "group_rank",
                                       "group_rank_of",
                                       "scored",
                                       "points",
                                       "applicable_max",
                                       "max",
                                       "index_pct",
                                       "band",
                                       "appraised_points",
                                       "appraised_index_pct",
                                       "appraised_band",
                                       "self_minus_appraised",
                                       "leaves_lost",
                                       "leaves_not_reported",
                                       "leaves_evidence_missing",
                                       "leaves_no_score",
                                       "sheet",
                                       NULL};
    const chiso_framework *fw = u->fw;
    chiso_csvw w = *w_;
    size_t i, a;
    char col[300];

    for (i = 0; head[i] != NULL; i++) {
        chiso_csvw_text(&w, head[i]);
    }
    for (a = 0; a < u->n_areas; a++) {
        snprintf(col, sizeof(col), "area_%s_pct", fw->nodes[u->areas[a]].id);
        chiso_csvw_text(&w, col);
    }
    chiso_csvw_end(&w);
    for (i = 0; i < u->n_units; i++) {
        const chiso_unit_score *us = &u->units[u->by_rank[i]];
        int dec = fw->points_decimals >= 0 ? fw->points_decimals : 10;
        if (us->rank > 0) {
            chiso_csvw_int(&w, us->rank);
            chiso_csvw_int(&w, (long long)us->rank_of);
        } else {
            chiso_csvw_text(&w, NULL);
            chiso_csvw_text(&w, NULL);
        }
        chiso_csvw_text(&w, us->unit);
        chiso_csvw_text(&w, us->name);
        chiso_csvw_text(&w, us->group);
        if (us->group_rank > 0) {
            chiso_csvw_int(&w, us->group_rank);
            chiso_csvw_int(&w, (long long)us->group_rank_of);
        } else {
            chiso_csvw_text(&w, NULL);
            chiso_csvw_text(&w, NULL);
        }
        chiso_csvw_int(&w, us->scored);
        if (!us->scored) {
            size_t k;
            for (k = 0; k < 13; k++) {
                chiso_csvw_text(&w, NULL);
            }
        } else {
            chiso_csvw_fixed(&w, us->points, dec);
            cli_csv_num(&w, us->applicable_max);
            cli_csv_num(&w, us->max);
            chiso_csvw_fixed(&w, us->index_pct, fw->index_decimals);
            chiso_csvw_text(&w, us->band ? us->band->id : NULL);
            if (us->has_appraised) {
                chiso_csvw_fixed(&w, us->appraised, dec);
                chiso_csvw_fixed(&w, us->appraised_index_pct,
                                 fw->index_decimals);
                chiso_csvw_text(&w, us->appraised_band ? us->appraised_band->id
                                                       : NULL);
                chiso_csvw_fixed(&w, us->points - us->appraised, dec);
            } else {
                chiso_csvw_text(&w, NULL);
                chiso_csvw_text(&w, NULL);
                chiso_csvw_text(&w, NULL);
                chiso_csvw_text(&w, NULL);
            }
            chiso_csvw_int(&w, (long long)us->n_lost);
            chiso_csvw_int(&w, (long long)us->n_not_reported);
            chiso_csvw_int(&w, (long long)us->n_evidence_missing);
            chiso_csvw_int(&w, (long long)us->n_no_score);
        }
        chiso_csvw_text(&w, us->sheet);
        for (a = 0; a < u->n_areas; a++) {
            chiso_csvw_fixed(&w, us->scored ? us->area_pct[a] : (double)NAN,
                             fw->index_decimals);
        }
        chiso_csvw_end(&w);
    }
    *w_ = w;
}

/* ---- the command ----------------------------------------------------------- */

int
cmd_score_units(const score_units_args *A)
{
    struct paths sheets = {NULL, 0, 0};
    struct infos infos;
    chiso_framework *fw = NULL;
    chiso_evidence **ev = NULL;
    char **stems = NULL;
    chiso_score_units *u = NULL;
    chiso_units_options uo = CHISO_UNITS_OPTIONS_INIT;
    chiso_diag diag;
    chiso_lang lang =
        cli_language == CLI_LANG_EN ? CHISO_LANG_EN : CHISO_LANG_VI;
    int rc = CLI_EXIT_OK;
    size_t i;
    chiso_outfile *f_csv = NULL, *f_json = NULL;
    char *json_text = NULL;

    memset(&infos, 0, sizeof(infos));
    chiso_diag_clear(&diag);
    diag.lang = lang;
    for (i = 0; i < A->n_paths; i++) {
        struct stat st;
        if (stat(A->paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            const char *outs[2] = {A->csv_path, A->json_path};
            int k;
            /* an output in the sheets' folder would be read as a sheet by
             * the next run */
            for (k = 0; k < 2; k++) {
                if (outs[k] != NULL && strcmp(outs[k], "-") != 0 &&
                    inside_folder(outs[k], A->paths[i])) {
                    rc = cli_usage_error("score",
                                         "output '%s' is inside the folder "
                                         "of sheets '%s': write it elsewhere",
                                         outs[k], A->paths[i]);
                    goto out;
                }
            }
            rc = add_folder(&sheets, A->paths[i]);
        } else {
            rc = paths_add(&sheets, A->paths[i]) != 0 ? CLI_EXIT_INTERNAL : 0;
        }
        if (rc != CLI_EXIT_OK) {
            goto out;
        }
    }
    if (chiso_framework_load(&fw, A->framework, &diag) != CHISO_OK) {
        rc = cli_report(&diag);
        goto out;
    }
    ev = calloc(sheets.n + 1, sizeof(*ev));
    stems = calloc(sheets.n + 1, sizeof(*stems));
    if (ev == NULL || stems == NULL) {
        rc = CLI_EXIT_INTERNAL;
        goto out;
    }
    for (i = 0; i < sheets.n; i++) {
        if (chiso_evidence_load(&ev[i], sheets.v[i], &diag) != CHISO_OK) {
            rc = cli_report(&diag);
            goto out;
        }
        stems[i] = file_stem(sheets.v[i]);
        if (stems[i] == NULL) {
            rc = CLI_EXIT_INTERNAL;
            goto out;
        }
    }
    if (A->units_file != NULL) {
        rc = read_unit_list(A->units_file, &infos, lang);
    } else {
        for (i = 0; i < sheets.n && rc == CLI_EXIT_OK; i++) {
            rc = read_sheet_groups(sheets.v[i], stems[i], &infos, lang);
        }
    }
    if (rc != CLI_EXIT_OK) {
        goto out;
    }
    uo.sheet_units = (const char *const *)stems;
    uo.lang = lang;
    uo.units = infos.v;
    uo.n_units = infos.n;
    /* groups read from the sheets' column only name groups; a unit list
     * decides who is scored */
    uo.groups_only = A->units_file == NULL;
    if (chiso_score_units_compute(&u, fw, (const chiso_evidence *const *)ev,
                                  sheets.n, &uo, &diag) != CHISO_OK) {
        rc = cli_report(&diag);
        goto out;
    }
    /* every output is written before any is put in place, so a failure
     * leaves none of them half-done */
    if (A->csv_path != NULL) {
        chiso_csvw w;
        rc = cli_csv_open(A->csv_path, &f_csv, &w);
        if (rc != CLI_EXIT_OK) {
            goto out;
        }
        write_units_csv(u, &w);
    }
    if (A->json_path != NULL) {
        cJSON *root = chiso_score_units_to_json(u);
        json_text = root != NULL ? chiso_json_print(root) : NULL;
        cJSON_Delete(root);
        if (json_text == NULL) {
            fprintf(stderr, "chiso: out of memory\n");
            rc = CLI_EXIT_INTERNAL;
            goto out;
        }
        if (strcmp(A->json_path, "-") != 0) {
            rc = cli_out_open(A->json_path, &f_json);
            if (rc != CLI_EXIT_OK) {
                goto out;
            }
            fputs(json_text, chiso_outfile_stream(f_json));
        }
    }
    if (A->json_path == NULL || strcmp(A->json_path, "-") != 0) {
        print_units_table(u, (const char *const *)sheets.v, sheets.n, A->top);
    } else {
        fputs(json_text, stdout);
    }
    rc = cli_out_commit(&f_csv);
    if (rc == CLI_EXIT_OK) {
        rc = cli_out_commit(&f_json);
    }
    if (rc == CLI_EXIT_OK && fflush(stdout) != 0) {
        rc = CLI_EXIT_IO;
    }
out:
    chiso_outfile_abort(f_csv);
    chiso_outfile_abort(f_json);
    free(json_text);
    chiso_score_units_free(u);
    for (i = 0; ev != NULL && i < sheets.n; i++) {
        chiso_evidence_free(ev[i]);
        free(stems[i]);
    }
    free(ev);
    free(stems);
    infos_free(&infos);
    chiso_framework_free(fw);
    paths_free(&sheets);
    return rc;
}

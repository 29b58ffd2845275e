/*
 * csv_load.c - chart data from CSV files, one layout per chart kind.
 *
 * Reads through the datasets CSV reader (BOM, ';' ',' or tab, decimal
 * commas, Vietnamese header aliases), checks every value where it stands
 * and reports file:line:column with the value, before anything reaches
 * the chart builder. Rows may come in any order: trend points are sorted
 * by x within their series; series, bars, axes, rows and columns keep
 * their first-seen order.
 */
#include "chiso_plot.h"
#include "plots_int.h"

#include "chiso_dataset.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The language of a diagnostic's messages. chiso_csv_field_error formats
 * its message as given: the format is translated here. */
#define LANG_OF(d) ((d) != NULL ? (d)->lang : CHISO_LANG_VI)

/* Column slots; not every kind uses every slot. */
enum {
    C_NAME,
    C_X,
    C_Y,
    C_LO,
    C_HI,
    C_GROUP,
    C_MAX,
    C_P5,
    C_P95,
    C_RANK,    /* bars: published rank */
    C_RANK_OF, /* trend: the y values are ranks out of this; bars: total */
    C_DERIVED, /* trend: 1 = computed, not published (not a number) */
    C_N
};

typedef struct layout_cols {
    chiso_csv_column col[C_N];
    int used[C_N];
} layout_cols;

static void
layout_for(chiso_plot_kind kind, layout_cols *L)
{
    memset(L, 0, sizeof(*L));
#define COL(slot, nm, al, req)                                                 \
    do {                                                                       \
        L->col[slot].name = nm;                                                \
        L->col[slot].aliases = al;                                             \
        L->col[slot].required = req;                                           \
        L->used[slot] = 1;                                                     \
    } while (0)
    switch (kind) {
    case CHISO_PLOT_TREND:
    case CHISO_PLOT_SMALL_MULTIPLES:
        COL(C_NAME, "series", "chuoi|don_vi|unit|ten|name", 1);
        COL(C_X, "x", "nam|year|ky|period", 1);
        COL(C_Y, "y", "value|gia_tri|diem|chi_so|score", 1);
        COL(C_LO, "lo", "lower|can_duoi|thap", 0);
        COL(C_HI, "hi", "upper|can_tren|cao", 0);
        COL(C_RANK_OF, "rank_of", "out_of|tong_so|so_don_vi_xep_hang", 0);
        COL(C_DERIVED, "derived", "rank_derived|suy_ra|tinh_toan", 0);
        break;
    case CHISO_PLOT_BARS:
        COL(C_NAME, "unit", "don_vi|tinh|province|ten|name|label", 1);
        COL(C_Y, "value", "gia_tri|diem|chi_so|score|y", 1);
        COL(C_GROUP, "group", "nhom|xep_loai|category|loai", 0);
        COL(C_RANK, "rank", "thu_hang|xep_hang|hang", 0);
        COL(C_RANK_OF, "rank_of", "out_of|tong_so|so_don_vi_xep_hang", 0);
        break;
    case CHISO_PLOT_RADAR:
        COL(C_GROUP, "series", "chuoi|don_vi|unit", 0);
        COL(C_NAME, "axis", "linh_vuc|truc|area|label|ten|name", 1);
        COL(C_Y, "value", "gia_tri|diem|score", 1);
        COL(C_MAX, "max", "toi_da|diem_toi_da|maximum", 1);
        break;
    case CHISO_PLOT_HEATMAP:
        COL(C_NAME, "row", "hang|don_vi|unit", 1);
        COL(C_GROUP, "column", "cot|thanh_phan|component|linh_vuc|area", 1);
        COL(C_Y, "value", "gia_tri|diem|score", 1);
        break;
    case CHISO_PLOT_WATERFALL:
        COL(C_NAME, "label", "linh_vuc|area|ten|name", 1);
        COL(C_Y, "points_lost", "lost|diem_mat|diem_bi_mat|mat", 1);
        COL(C_MAX, "max", "toi_da|diem_toi_da|maximum", 0);
        break;
    case CHISO_PLOT_SCATTER:
        COL(C_X, "x", NULL, 1);
        COL(C_Y, "y", NULL, 1);
        COL(C_NAME, "label", "don_vi|unit|ten|name", 0);
        break;
    case CHISO_PLOT_RANK_INTERVAL:
        COL(C_NAME, "unit", "don_vi|ten|name", 1);
        COL(C_X, "nominal_rank", "rank|xep_hang|thu_hang|nominal", 1);
        COL(C_Y, "median_rank", "median|trung_vi", 1);
        COL(C_P5, "p5_rank", "p5|rank_p5", 1);
        COL(C_P95, "p95_rank", "p95|rank_p95", 1);
        break;
    }
#undef COL
}

/* One parsed row, kept for the checks that span rows. */
typedef struct row_rec {
    char *name, *group;
    size_t name_id, group_id; /* indices into the loader's name tables */
    double v[C_N];
    unsigned long line;
} row_rec;

/*
 * Keys already seen, for duplicate checks in O(1) per row: a pair of
 * 64-bit numbers (name id and x bits, or name id and column id) mapped to
 * the line that first had it. Open addressing, grown at half full.
 */
typedef struct seen_entry {
    uint64_t a, b;
    unsigned long line; /* 0 = empty slot */
} seen_entry;

typedef struct seen_set {
    seen_entry *e;
    size_t n, cap; /* cap is a power of two */
} seen_set;

static uint64_t
mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static size_t
seen_slot(const seen_entry *e, size_t cap, uint64_t a, uint64_t b)
{
    size_t k = (size_t)mix64(a * 0x9E3779B97F4A7C15ULL ^ mix64(b)) & (cap - 1);

    while (e[k].line != 0 && !(e[k].a == a && e[k].b == b)) {
        k = (k + 1) & (cap - 1);
    }
    return k;
}

/* Insert (a, b) first seen on `line`; returns the earlier line if the key
 * was already there, 0 if new, (unsigned long)-1 when out of memory. */
static unsigned long
seen_add(seen_set *s, uint64_t a, uint64_t b, unsigned long line)
{
    size_t k;

    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64, i;
        seen_entry *e = calloc(cap, sizeof(*e));
        if (e == NULL) {
            return (unsigned long)-1;
        }
        for (i = 0; i < s->cap; i++) {
            if (s->e[i].line != 0) {
                e[seen_slot(e, cap, s->e[i].a, s->e[i].b)] = s->e[i];
            }
        }
        free(s->e);
        s->e = e;
        s->cap = cap;
    }
    k = seen_slot(s->e, s->cap, a, b);
    if (s->e[k].line != 0) {
        return s->e[k].line;
    }
    s->e[k].a = a;
    s->e[k].b = b;
    s->e[k].line = line;
    s->n++;
    return 0;
}

/* The bits of x as a key (0 and -0 are one key). */
static uint64_t
double_key(double x)
{
    uint64_t u;

    if (!(x < 0) && !(x > 0)) {
        x = 0;
    }
    memcpy(&u, &x, sizeof(u));
    return u;
}

typedef struct loader {
    chiso_csv_reader *r;
    chiso_diag *diag;
    layout_cols L;
    long idx[C_N];
    const char *hdr[C_N]; /* header text of each bound column */
} loader;

static chiso_status
number(loader *ld,
       const chiso_csv_row *row,
       int slot,
       int allow_empty,
       double *out)
{
    size_t len;
    const char *s = chiso_csv_field(row, ld->idx[slot], &len);
    const char *t = s;
    size_t tl = len;

    chiso_text_trim(&t, &tl);
    if (tl == 0) {
        if (allow_empty) {
            *out = NAN;
            return CHISO_OK;
        }
        return chiso_csv_field_error(
            ld->r, ld->diag, CHISO_EDATA, row, (size_t)ld->idx[slot],
            chiso_msg(LANG_OF(ld->diag), "empty value in column '%s'"),
            ld->hdr[slot]);
    }
    if (chiso_parse_number(t, tl, out) != 0) {
        return chiso_csv_field_error(
            ld->r, ld->diag, CHISO_EDATA, row, (size_t)ld->idx[slot],
            chiso_msg(LANG_OF(ld->diag),
                      "invalid number '%.*s' in column '%s'"),
            (int)tl, t, ld->hdr[slot]);
    }
    return CHISO_OK;
}

static chiso_status field_err(
    loader *ld, const chiso_csv_row *row, int slot, const char *msg, double v);

/* A rank and its total on one row: both given, whole numbers, 1 <= rank
 * <= rank_of. `slot` is the rank's column. */
static chiso_status
check_rank(
    loader *ld, const chiso_csv_row *row, double rank, double of, int slot)
{
    if (isnan(of)) {
        return field_err(ld, row, C_RANK_OF,
                         N_("a rank needs the number ranked: empty value"), 0);
    }
    if (!(of >= 1) || fabs(of - floor(of)) > 0 || of > 1e9) {
        return field_err(ld, row, C_RANK_OF,
                         N_("the number ranked must be a whole number of at "
                            "least 1, got"),
                         of);
    }
    if (isnan(rank)) {
        return field_err(ld, row, slot,
                         N_("a number ranked needs its rank: empty value"), 0);
    }
    if (!(rank >= 1) || fabs(rank - floor(rank)) > 0 || rank > of) {
        return field_err(
            ld, row, slot,
            N_("a rank must be a whole number from 1 to the number "
               "ranked, got"),
            rank);
    }
    return CHISO_OK;
}

/* A yes/no cell: empty, 0, false, no, khong -> 0; 1, true, yes, co -> 1
 * (case and diacritics ignored). */
static chiso_status
flag(loader *ld, const chiso_csv_row *row, int slot, double *out)
{
    static const char *const yes[] = {"1", "true", "yes", "co", "x"};
    static const char *const no[] = {"0", "false", "no", "khong"};
    size_t len, i;
    const char *s = chiso_csv_field(row, ld->idx[slot], &len);
    const char *t = s;
    size_t tl = len;
    char folded[16];

    chiso_text_trim(&t, &tl);
    *out = 0;
    if (tl == 0) {
        return CHISO_OK;
    }
    if (chiso_text_fold(t, tl, folded, sizeof(folded)) < sizeof(folded)) {
        for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
            if (strcmp(folded, yes[i]) == 0) {
                *out = 1;
                return CHISO_OK;
            }
        }
        for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
            if (strcmp(folded, no[i]) == 0) {
                return CHISO_OK;
            }
        }
    }
    return chiso_csv_field_error(
        ld->r, ld->diag, CHISO_EDATA, row, (size_t)ld->idx[slot],
        chiso_msg(LANG_OF(ld->diag),
                  "'%.*s' in column '%s' is not yes or no (1 or 0)"),
        (int)tl, t, ld->hdr[slot]);
}

static chiso_status
field_err(
    loader *ld, const chiso_csv_row *row, int slot, const char *msg, double v)
{
    size_t len;
    const char *s = chiso_csv_field(row, ld->idx[slot], &len);
    const char *t = s;
    size_t tl = len;

    (void)v;
    chiso_text_trim(&t, &tl);
    /* msg is a msgid of its own: translated before it is inserted */
    return chiso_csv_field_error(
        ld->r, ld->diag, CHISO_EDATA, row, (size_t)ld->idx[slot],
        chiso_msg(LANG_OF(ld->diag), "%s '%.*s' in column '%s'"),
        chiso_msg(ld->diag != NULL ? ld->diag->lang : CHISO_LANG_VI, msg),
        (int)tl, t, ld->hdr[slot]);
}

static char *
text_of(const chiso_csv_row *row, long k)
{
    size_t len;
    const char *s = chiso_csv_field(row, k, &len);

    chiso_text_trim(&s, &len);
    return chiso_strndup(s, len);
}

static int
cmp_x(const void *a, const void *b)
{
    const row_rec *const *x = a, *const *y = b;
    double d = (*x)->v[C_X] - (*y)->v[C_X];

    return d < 0 ? -1 : d > 0;
}

/* Build the trend series from the collected rows: rows are bucketed by
 * series (counting sort on the name id), then sorted by x within each. */
static chiso_status
build_series(chiso_chart *c,
             row_rec *rows,
             size_t n,
             const plot_names *names,
             int has_band,
             int has_ranks)
{
    row_rec **sel = NULL;
    size_t *start = NULL;
    double *x = NULL, *y = NULL, *lo = NULL, *hi = NULL;
    long *of = NULL;
    unsigned char *der = NULL;
    size_t i, s, k;
    chiso_status st = CHISO_OK;

    sel = malloc(n * sizeof(*sel));
    start = calloc(names->n + 1, sizeof(*start));
    x = malloc(n * sizeof(*x));
    y = malloc(n * sizeof(*y));
    lo = malloc(n * sizeof(*lo));
    hi = malloc(n * sizeof(*hi));
    of = malloc(n * sizeof(*of));
    der = malloc(n);
    if (sel == NULL || start == NULL || x == NULL || y == NULL || lo == NULL ||
        hi == NULL || of == NULL || der == NULL) {
        st = CHISO_ENOMEM;
        goto out;
    }
    for (i = 0; i < n; i++) {
        start[rows[i].name_id + 1]++;
    }
    for (s = 0; s < names->n; s++) {
        start[s + 1] += start[s];
    }
    for (i = 0; i < n; i++) {
        sel[start[rows[i].name_id]++] = &rows[i];
    }
    /* start[s] is now the end of bucket s */
    for (s = 0; s < names->n && st == CHISO_OK; s++) {
        size_t b0 = s == 0 ? 0 : start[s - 1];
        row_rec **bucket = sel + b0;
        k = start[s] - b0;
        qsort(bucket, k, sizeof(*bucket), cmp_x);
        for (i = 0; i < k; i++) {
            x[i] = bucket[i]->v[C_X];
            y[i] = bucket[i]->v[C_Y];
            lo[i] = bucket[i]->v[C_LO];
            hi[i] = bucket[i]->v[C_HI];
            /* a row with no rank keeps a placeholder total of 1 */
            of[i] = isnan(bucket[i]->v[C_RANK_OF])
                        ? 1
                        : (long)bucket[i]->v[C_RANK_OF];
            der[i] = bucket[i]->v[C_DERIVED] > 0;
        }
        if (has_ranks) {
            st = chiso_chart_add_rank_series(c, names->v[s], x, y, of, der, k);
        } else {
            st = chiso_chart_add_series(c, names->v[s], x, y,
                                        has_band ? lo : NULL,
                                        has_band ? hi : NULL, k);
            for (i = 0; st == CHISO_OK && i < k; i++) {
                if (der[i] && !isnan(y[i])) {
                    st =
                        chiso_plot__set_derived(&c->series[c->n_series - 1], i);
                }
            }
        }
    }
out:
    free(of);
    free(der);
    free(sel);
    free(start);
    free(x);
    free(y);
    free(lo);
    free(hi);
    return st;
}

chiso_status
chiso_chart_load_csv(chiso_chart *c,
                     const char *path,
                     const chiso_plot_csv_options *opts,
                     chiso_diag *diag)
{
    loader ld;
    chiso_csv_row row;
    chiso_plot_csv_options defaults;
    row_rec *rows = NULL;
    plot_names names = {NULL, 0, 0, NULL, 0}, groups = {NULL, 0, 0, NULL, 0};
    seen_set seen = {NULL, 0, 0};
    size_t n = 0, cap = 0, i;
    int has_band = 0, has_ranks = 0;
    double sum_max = 0, sum_lost = 0;
    chiso_status st;

    if (opts == NULL) {
        chiso_plot_csv_options_init(&defaults);
        opts = &defaults;
    }
    memset(&ld, 0, sizeof(ld));
    ld.diag = diag;
    layout_for(c->kind, &ld.L);
    st = chiso_csv_open(&ld.r, path, NULL, diag);
    if (st != CHISO_OK) {
        return st;
    }
    {
        chiso_csv_column cols[C_N];
        int slot_of[C_N];
        long idx[C_N];
        size_t nc = 0;
        for (i = 0; i < C_N; i++) {
            ld.idx[i] = -1;
            if (ld.L.used[i]) {
                slot_of[nc] = (int)i;
                cols[nc++] = ld.L.col[i];
            }
        }
        st = chiso_csv_bind(ld.r, cols, nc, idx, diag);
        if (st != CHISO_OK) {
            goto out;
        }
        for (i = 0; i < nc; i++) {
            ld.idx[slot_of[i]] = idx[i];
            ld.hdr[slot_of[i]] =
                idx[i] >= 0 ? chiso_csv_header_name(ld.r, (size_t)idx[i])
                            : cols[i].name;
        }
    }
    if ((ld.idx[C_LO] >= 0) != (ld.idx[C_HI] >= 0)) {
        int have = ld.idx[C_LO] >= 0 ? C_LO : C_HI;
        st = chiso_diag_set(diag, CHISO_ESCHEMA, path, 1, 0,
                            "column '%s' needs its partner '%s'", ld.hdr[have],
                            have == C_LO ? "hi" : "lo");
        goto out;
    }
    has_band = ld.idx[C_LO] >= 0;
    has_ranks = ld.idx[C_RANK_OF] >= 0;
    if (c->kind == CHISO_PLOT_BARS && (ld.idx[C_RANK] >= 0) != has_ranks) {
        int have = has_ranks ? C_RANK_OF : C_RANK;
        st = chiso_diag_set(diag, CHISO_ESCHEMA, path, 1, 0,
                            "column '%s' needs its partner '%s'", ld.hdr[have],
                            have == C_RANK ? "rank_of" : "rank");
        goto out;
    }
    if (has_ranks && has_band) {
        st = chiso_diag_set(diag, CHISO_ESCHEMA, path, 1, 0,
                            "a rank series (column '%s') cannot have a lo-hi "
                            "band",
                            ld.hdr[C_RANK_OF]);
        goto out;
    }
    if (c->kind == CHISO_PLOT_WATERFALL && isnan(opts->max) &&
        ld.idx[C_MAX] < 0) {
        st = chiso_diag_set(diag, CHISO_ESCHEMA, path, 1, 0,
                            "a waterfall needs the maximum: add a 'max' "
                            "column or give --max");
        goto out;
    }
    while ((st = chiso_csv_next(ld.r, &row, diag)) == CHISO_OK) {
        row_rec rec;
        int empty_y = c->kind == CHISO_PLOT_TREND ||
                      c->kind == CHISO_PLOT_SMALL_MULTIPLES ||
                      c->kind == CHISO_PLOT_HEATMAP;
        memset(&rec, 0, sizeof(rec));
        for (i = 0; i < C_N; i++) {
            rec.v[i] = NAN;
        }
        rec.line = row.line;
        if (ld.idx[C_NAME] >= 0) {
            size_t len;
            const char *s = chiso_csv_field(&row, ld.idx[C_NAME], &len);
            chiso_text_trim(&s, &len);
            if (len == 0 && ld.L.col[C_NAME].required) {
                st = chiso_csv_field_error(
                    ld.r, diag, CHISO_EDATA, &row, (size_t)ld.idx[C_NAME],
                    chiso_msg(LANG_OF(diag), "empty value in column '%s'"),
                    ld.hdr[C_NAME]);
                goto out;
            }
        }
        for (i = C_X; i < C_N && st == CHISO_OK; i++) {
            if (i == C_GROUP || ld.idx[i] < 0) {
                continue;
            }
            if (i == C_DERIVED) {
                st = flag(&ld, &row, (int)i, &rec.v[i]);
                continue;
            }
            st = number(&ld, &row, (int)i,
                        (i == C_Y && empty_y) || i == C_LO || i == C_HI ||
                            i == C_RANK || i == C_RANK_OF,
                        &rec.v[i]);
        }
        if (st != CHISO_OK) {
            goto out;
        }
        /* value checks, at the offending cell */
        switch (c->kind) {
        case CHISO_PLOT_TREND:
        case CHISO_PLOT_SMALL_MULTIPLES:
            if (has_ranks && !isnan(rec.v[C_Y])) {
                st = check_rank(&ld, &row, rec.v[C_Y], rec.v[C_RANK_OF], C_Y);
            } else if (has_band && isnan(rec.v[C_LO]) != isnan(rec.v[C_HI])) {
                st = field_err(&ld, &row, isnan(rec.v[C_LO]) ? C_LO : C_HI,
                               "lo and hi must both be given or both be "
                               "empty, got empty",
                               0);
            } else if (has_band && !isnan(rec.v[C_LO]) &&
                       rec.v[C_LO] > rec.v[C_HI]) {
                st = field_err(&ld, &row, C_HI, N_("hi below lo: value"),
                               rec.v[C_HI]);
            } else if (has_band && !isnan(rec.v[C_LO]) && !isnan(rec.v[C_Y]) &&
                       rec.v[C_Y] < rec.v[C_LO]) {
                st = field_err(&ld, &row, C_LO, N_("lo above y: value"),
                               rec.v[C_LO]);
            } else if (has_band && !isnan(rec.v[C_HI]) && !isnan(rec.v[C_Y]) &&
                       rec.v[C_Y] > rec.v[C_HI]) {
                st = field_err(&ld, &row, C_HI, N_("hi below y: value"),
                               rec.v[C_HI]);
            }
            break;
        case CHISO_PLOT_RADAR:
            if (!(rec.v[C_MAX] > 0)) {
                st = field_err(&ld, &row, C_MAX,
                               N_("the maximum must be positive, got"), 0);
            } else if (rec.v[C_Y] < 0 || rec.v[C_Y] > rec.v[C_MAX]) {
                st = field_err(&ld, &row, C_Y, N_("value outside 0..max: got"),
                               0);
            }
            break;
        case CHISO_PLOT_WATERFALL:
            if (rec.v[C_Y] < 0) {
                st = field_err(&ld, &row, C_Y,
                               N_("points lost cannot be negative: got"), 0);
            } else if (ld.idx[C_MAX] >= 0 && !(rec.v[C_MAX] >= rec.v[C_Y])) {
                st = field_err(&ld, &row, C_MAX,
                               N_("maximum below the points lost: got"), 0);
            }
            break;
        case CHISO_PLOT_RANK_INTERVAL:
            if (rec.v[C_X] < 1) {
                st = field_err(&ld, &row, C_X, N_("ranks start at 1: got"), 0);
            } else if (rec.v[C_P5] < 1) {
                st = field_err(&ld, &row, C_P5, "ranks start at 1: got", 0);
            } else if (rec.v[C_Y] < rec.v[C_P5]) {
                st = field_err(&ld, &row, C_Y, N_("median below p5: got"), 0);
            } else if (rec.v[C_P95] < rec.v[C_Y]) {
                st =
                    field_err(&ld, &row, C_P95, "p95 below the median: got", 0);
            }
            break;
        case CHISO_PLOT_BARS:
            if (has_ranks &&
                !(isnan(rec.v[C_RANK]) && isnan(rec.v[C_RANK_OF]))) {
                st = check_rank(&ld, &row, rec.v[C_RANK], rec.v[C_RANK_OF],
                                C_RANK);
            }
            break;
        case CHISO_PLOT_HEATMAP:
        case CHISO_PLOT_SCATTER:
            break;
        }
        if (st != CHISO_OK) {
            goto out;
        }
        rec.name = ld.idx[C_NAME] >= 0 ? text_of(&row, ld.idx[C_NAME])
                                       : chiso_strdup("");
        rec.group = ld.idx[C_GROUP] >= 0 ? text_of(&row, ld.idx[C_GROUP])
                                         : chiso_strdup("");
        if (rec.name == NULL || rec.group == NULL) {
            free(rec.name);
            free(rec.group);
            st =
                chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
            goto out;
        }
        /* duplicates, reported at the second occurrence (a hash of the
         * keys seen so far: one lookup per row) */
        {
            long ni = chiso_plot__names_intern(&names, rec.name);
            long gi = chiso_plot__names_intern(&groups, rec.group);
            unsigned long first = 0;
            int slot = C_NAME;
            if (ni < 0 || gi < 0) {
                first = (unsigned long)-1;
            } else {
                rec.name_id = (size_t)ni;
                rec.group_id = (size_t)gi;
            }
            if (first == 0) {
                switch (c->kind) {
                case CHISO_PLOT_TREND:
                case CHISO_PLOT_SMALL_MULTIPLES:
                    first = seen_add(&seen, rec.name_id, double_key(rec.v[C_X]),
                                     rec.line);
                    slot = C_X;
                    break;
                case CHISO_PLOT_BARS:
                case CHISO_PLOT_WATERFALL:
                case CHISO_PLOT_RANK_INTERVAL:
                    first = seen_add(&seen, rec.name_id, 0, rec.line);
                    break;
                case CHISO_PLOT_RADAR:
                case CHISO_PLOT_HEATMAP:
                    first =
                        seen_add(&seen, rec.name_id, rec.group_id, rec.line);
                    break;
                case CHISO_PLOT_SCATTER:
                    break;
                }
            }
            if (first == (unsigned long)-1) {
                st = chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0,
                                    "out of memory");
            } else if (first != 0) {
                size_t len;
                const char *t = chiso_csv_field(&row, ld.idx[slot], &len);
                chiso_text_trim(&t, &len);
                st = chiso_csv_field_error(
                    ld.r, diag, CHISO_EDATA, &row, (size_t)ld.idx[slot],
                    chiso_msg(
                        LANG_OF(diag),
                        "duplicate entry '%.*s' in column '%s' (first on line "
                        "%lu)"),
                    (int)len, t, ld.hdr[slot], first);
            }
        }
        if (st != CHISO_OK) {
            free(rec.name);
            free(rec.group);
            goto out;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            row_rec *g = realloc(rows, nc * sizeof(*g));
            if (g == NULL) {
                free(rec.name);
                free(rec.group);
                st = chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0,
                                    "out of memory");
                goto out;
            }
            rows = g;
            cap = nc;
        }
        rows[n++] = rec;
    }
    if (st != CHISO_DONE) {
        goto out;
    }
    st = CHISO_OK;
    if (n == 0) {
        st = chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                            "no data rows after the header");
        goto out;
    }
    /* hand the rows to the chart */
    switch (c->kind) {
    case CHISO_PLOT_TREND:
    case CHISO_PLOT_SMALL_MULTIPLES:
        if (names.n > PLOT_MAX_SERIES) {
            st = chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                                "%zu series; a chart shows at most %d", names.n,
                                PLOT_MAX_SERIES);
        }
        if (st == CHISO_OK) {
            st = build_series(c, rows, n, &names, has_band, has_ranks);
        }
        break;
    case CHISO_PLOT_BARS:
        for (i = 0; i < n && st == CHISO_OK; i++) {
            st = chiso_chart_add_ranked_bar(
                c, rows[i].name, rows[i].v[C_Y], rows[i].group,
                isnan(rows[i].v[C_RANK]) ? 0 : (long)rows[i].v[C_RANK],
                isnan(rows[i].v[C_RANK_OF]) ? 0 : (long)rows[i].v[C_RANK_OF]);
        }
        break;
    case CHISO_PLOT_RADAR:
        for (i = 0; i < n && st == CHISO_OK; i++) {
            st = chiso_chart_add_radar(c, rows[i].group, rows[i].name,
                                       rows[i].v[C_Y], rows[i].v[C_MAX]);
        }
        break;
    case CHISO_PLOT_HEATMAP:
        for (i = 0; i < n && st == CHISO_OK; i++) {
            st = chiso_chart_add_cell(c, rows[i].name, rows[i].group,
                                      rows[i].v[C_Y]);
        }
        break;
    case CHISO_PLOT_WATERFALL:
        for (i = 0; i < n && st == CHISO_OK; i++) {
            st = chiso_chart_add_step(c, rows[i].name, rows[i].v[C_Y]);
            sum_lost += rows[i].v[C_Y];
            if (ld.idx[C_MAX] >= 0) {
                sum_max += rows[i].v[C_MAX];
            }
        }
        if (st == CHISO_OK) {
            double max = isnan(opts->max) ? sum_max : opts->max;
            if (!(max > 0)) {
                st =
                    chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                                   "the maximum must be positive, got %g", max);
            } else if (sum_lost > max + 1e-9) {
                st = chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                                    "points lost add up to %.2f, more than "
                                    "the maximum %.2f",
                                    sum_lost, max);
            } else if (!isnan(opts->achieved) &&
                       fabs(max - sum_lost - opts->achieved) > 0.005) {
                st = chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                                    "maximum %.2f minus points lost %.2f is "
                                    "%.2f, not the achieved %.2f",
                                    max, sum_lost, max - sum_lost,
                                    opts->achieved);
            } else {
                st = chiso_chart_set_max(c, max);
            }
        }
        break;
    case CHISO_PLOT_SCATTER:
        for (i = 0; i < n && st == CHISO_OK; i++) {
            st = chiso_chart_add_point(c, rows[i].v[C_X], rows[i].v[C_Y],
                                       rows[i].name);
        }
        break;
    case CHISO_PLOT_RANK_INTERVAL:
        for (i = 0; i < n && st == CHISO_OK; i++) {
            st = chiso_chart_add_interval(c, rows[i].name, rows[i].v[C_X],
                                          rows[i].v[C_Y], rows[i].v[C_P5],
                                          rows[i].v[C_P95]);
        }
        break;
    }
    if (st == CHISO_ENOMEM || st == CHISO_EINVAL) {
        chiso_diag_set(diag, st, path, 0, 0,
                       st == CHISO_ENOMEM ? "out of memory"
                                          : "internal error: the data "
                                            "passed its checks but the "
                                            "chart refused it");
    }
out:
    for (i = 0; i < n; i++) {
        free(rows[i].name);
        free(rows[i].group);
    }
    free(rows);
    chiso_plot__names_free(&names);
    chiso_plot__names_free(&groups);
    free(seen.e);
    chiso_csv_close(ld.r);
    return st;
}

void
chiso_plot_csv_options_init(chiso_plot_csv_options *opts)
{
    opts->max = NAN;
    opts->achieved = NAN;
}

/*
 * import.c - a framework table becomes a framework.
 *
 * The walk: find the header row (the first of the first 40 rows naming the
 * code, name and maximum columns), read the block of "key | value" rows
 * above it (the framework's name, legal basis, classification...), then
 * every row below it: a node (area, criterion, sub-criterion), a term of
 * the terms rule above it ("thành phần"), a totals row ("Tổng cộng"), or a
 * continuation of the row above (no code, no maximum: the decision's rule
 * lines, one per row). The hierarchy comes from the codes or from a level
 * column. Every problem is reported at its cell and the walk goes on, so
 * one run lists them all.
 *
 * When the table is sound, it is turned into chiso-framework JSON and
 * loaded by the framework loader, the single authority on what a
 * framework may hold; anything the loader still finds is reported at the
 * row the node came from.
 */
#define _POSIX_C_SOURCE 200809L
#include "fwtable_int.h"

#include "chiso_dataset.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SUM_TOL     0.001
#define HEADER_SCAN 40

/* ---- columns --------------------------------------------------------------- */

enum {
    C_CODE,
    C_LEVEL,
    C_NAME,
    C_NAME_EN,
    C_MAX,
    C_KIND,
    C_PARAMS,
    C_TEXT,
    C_SOURCE,
    C_UNIT,
    C_APPLIES,
    C_NOTE,
    C_FORMULA,
    C_CONFIDENCE,
    C_TOLERANCE,
    N_COL
};

static const struct {
    const char *label; /* the Vietnamese header the export writes */
    const char *aliases;
} columns[N_COL] = {
    {"Mã", "ma|ma_so|ma_tieu_chi|ma_chi_tieu|ma_tc|stt|tt|so_tt|so_thu_tu|"
           "code|id|criterion_id"},
    {"Cấp", "cap|cap_do|level|depth|bac"},
    {"Tên tiêu chí",
     "ten_tieu_chi|ten|tieu_chi|noi_dung|noi_dung_tieu_chi|ten_chi_tieu|name|"
     "criterion|criterion_name|linh_vuc_tieu_chi_tieu_chi_thanh_phan|"
     "linh_vuc_tieu_chi|tieu_chi_tieu_chi_thanh_phan|"
     "linh_vuc_tieu_chi_tieu_chi_thanh_phan_tieu_chi_thanh_phan"},
    {"Tên tiếng Anh", "ten_tieng_anh|name_en|english_name|english"},
    {"Điểm tối đa", "diem_toi_da|diem_chuan|thang_diem|toi_da|max|max_points|"
                    "so_diem_toi_da|diem_toi_da_diem"},
    {"Cách chấm", "cach_cham|cach_cham_diem|phuong_phap_cham|"
                  "phuong_phap_cham_diem|phuong_phap|quy_tac|loai_quy_tac|"
                  "kieu_cham|rule|rule_type|scoring"},
    {"Mức chấm", "muc_cham|muc_cham_diem|tham_so|muc_diem|thang_cham|cach_tinh|"
                 "cach_tinh_diem|nguong|dieu_kien|params|parameters|bands"},
    {"Diễn giải", "dien_giai|quy_dinh_cham|quy_dinh_cham_diem|huong_dan_cham|"
                  "huong_dan_cham_diem|yeu_cau|text|rule_text"},
    {"Nguồn số liệu", "nguon_so_lieu|nguon_du_lieu|nguon|source|derived_input"},
    {"Đơn vị tính", "don_vi_tinh|dvt|unit|don_vi_do"},
    {"Áp dụng", "ap_dung|applicable|pham_vi_ap_dung|doi_tuong_ap_dung"},
    {"Ghi chú", "ghi_chu|note|notes|chu_thich"},
    {"Mã công thức", "ma_cong_thuc|cong_thuc|formula"},
    {"Độ tin cậy", "do_tin_cay|confidence"},
    {"Sai số", "sai_so|sai_so_cho_phep|tolerance"},
};

static int
column_of(const char *s, size_t len)
{
    char f[128];
    size_t n = chiso_text_fold(s, len, f, sizeof(f));
    int c;

    if (n == 0 || n >= sizeof(f)) {
        return -1;
    }
    for (c = 0; c < N_COL; c++) {
        if (chiso_fwtable__fold_is(s, len, columns[c].aliases)) {
            return c;
        }
    }
    if (strncmp(f, "linh_vuc", 8) == 0) {
        return C_NAME;
    }
    return -1;
}

/* ---- header block keys ------------------------------------------------------- */

enum {
    K_ID,
    K_NAME,
    K_NAME_EN,
    K_VERSION,
    K_STATUS,
    K_LEGAL,
    K_NOTE,
    K_MAX,
    K_PDEC,
    K_IDEC,
    K_CLASS,
    K_SOURCE,
    N_KEY
};

static const struct {
    const char *label;
    const char *aliases;
} keys[N_KEY] = {
    {"Mã bộ tiêu chí", "ma_bo_tieu_chi|ma_khung|ma_bo_chi_so|framework_id|id"},
    {"Tên bộ tiêu chí", "ten_bo_tieu_chi|ten_khung|ten_bo_chi_so|ten|name"},
    {"Tên tiếng Anh", "ten_tieng_anh|name_en"},
    {"Phiên bản", "phien_ban|version"},
    {"Trạng thái", "trang_thai|status|tinh_trang"},
    {"Căn cứ", "can_cu|can_cu_phap_ly|legal_basis"},
    {"Ghi chú", "ghi_chu|note|notes|luu_y"},
    {"Tổng điểm", "tong_diem|tong_diem_toi_da|max|total"},
    {"Làm tròn điểm", "lam_tron_diem|lam_tron|points_decimals"},
    {"Làm tròn chỉ số", "lam_tron_chi_so|index_decimals"},
    {"Xếp loại", "xep_loai|phan_loai|classification|muc_xep_loai"},
    {"Nguồn tài liệu", "nguon_tai_lieu|tai_lieu_tham_khao|nguon_tham_khao|"
                       "sources|source"},
};

static int
key_of(const char *s, size_t len)
{
    int k;

    for (k = 0; k < N_KEY; k++) {
        if (chiso_fwtable__fold_is(s, len, keys[k].aliases)) {
            return k;
        }
    }
    return -1;
}

/* ---- state ------------------------------------------------------------------- */

typedef struct trow {
    const fwt_row *row;
    int term;    /* a "thành phần" row */
    long leaf;   /* term rows: the terms leaf (index into rows) */
    char *code;  /* normalized */
    char *area;  /* code mode under Roman areas: the area's code */
    int depth;   /* -1 unknown */
    long parent; /* index into I->t, -1 for the top */
    fwt_kind kind;
    chiso_buf text;
    chiso_buf params;
    int has_max;
    double max;
    char *id;
    size_t n_children;
    long first_child, last_child, next_sibling; /* the tree, in row order */
    size_t fw_index; /* index in the built framework */
    int bad;         /* a problem was reported on this row */
    int max_bad;     /* the maximum cell is not a number (reported) */
} trow;

typedef struct cls {
    char *id, *label, *label_en;
    double min, hi;
    int hi_incl;
    const fwt_cell *at;
} cls;

typedef struct imp {
    const fwt_book *book;
    const fwt_sheet *sh;
    chiso_diag_list *problems;
    chiso_lang lang;
    size_t n_problems;
    int oom;
    long col[N_COL];
    size_t header;
    /* framework */
    char *id, *name, *name_en, *version, *status, *legal, *title;
    int title_names; /* the title names the criteria ("BỘ TIÊU CHÍ ...") */
    char **notes;
    size_t n_notes;
    int has_total;
    double total;
    const fwt_cell *total_at;
    int pdec, idec;
    cls *classes;
    size_t n_classes;
    chiso_fwdoc_source *sources;
    size_t n_sources;
    /* rows */
    trow *t;
    size_t n;
    int levels; /* hierarchy from the Cấp column */
    /* hash of ids: index+1 into t, 0 empty */
    size_t *hash;
    size_t hash_cap;
} imp;

static const fwt_cell *
cell_at(const fwt_row *r, long c)
{
    if (c < 0 || (size_t)c >= r->n) {
        return NULL;
    }
    return &r->cells[c];
}

static const char *
ctext(const fwt_cell *c)
{
    return c ? c->text : "";
}

static size_t
clen(const fwt_cell *c)
{
    return c ? c->len : 0;
}

static void
where(const imp *I,
      const fwt_row *row,
      const fwt_cell *c,
      long col,
      char *path,
      size_t cap,
      unsigned long *line,
      unsigned long *column)
{
    if (I->book->workbook) {
        char ref[32];
        unsigned long cc = c ? c->col : (col >= 0 ? (unsigned long)col + 1 : 1);
        /* the cell's own row: a problem found later (the stated total, a
         * classification band) is named at the row that holds it, not at
         * the row the check started from */
        unsigned long rr = c && c->line > 0 ? c->line : row ? row->line : 1;
        chiso_fwtable__cell_name(cc, rr, ref, sizeof(ref));
        snprintf(path, cap, "%s:%s!%s", I->book->path,
                 I->sh && I->sh->name ? I->sh->name : "", ref);
        *line = 0;
        *column = 0;
        return;
    }
    snprintf(path, cap, "%s", I->book->path);
    *line = c ? c->line : row ? row->line : 0;
    *column = c ? c->col : 0;
}

static void problem(imp *I,
                    const fwt_row *row,
                    const fwt_cell *c,
                    long col,
                    const char *fmt,
                    ...) CHISO_PRINTF(5, 6);

static void
problem(imp *I,
        const fwt_row *row,
        const fwt_cell *c,
        long col,
        const char *fmt,
        ...)
{
    char path[600], msg[600];
    unsigned long line, column;
    va_list ap;

    va_start(ap, fmt);
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
    vsnprintf(msg, sizeof(msg), chiso_msg(I->lang, fmt), ap);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
    va_end(ap);
    where(I, row, c, col, path, sizeof(path), &line, &column);
    I->n_problems++;
    chiso_diag_list_addk(I->problems, "framework_table", CHISO_SEVERITY_ERROR,
                         NULL, path, line, column, "%s", msg);
}

static char *
dup_cell(imp *I, const fwt_cell *c)
{
    char *s = chiso_strdup(ctext(c));

    if (s == NULL) {
        I->oom = 1;
    }
    return s;
}

/* ---- the header row ----------------------------------------------------------- */

static int
find_header(imp *I, int report)
{
    size_t r, k;

    for (r = 0; r < I->sh->n && r < HEADER_SCAN; r++) {
        const fwt_row *row = &I->sh->rows[r];
        long col[N_COL];
        int c;
        for (c = 0; c < N_COL; c++) {
            col[c] = -1;
        }
        for (k = 0; k < row->n; k++) {
            c = column_of(row->cells[k].text, row->cells[k].len);
            if (c >= 0 && col[c] < 0) {
                col[c] = (long)k;
            }
        }
        if (col[C_CODE] >= 0 && col[C_NAME] >= 0 && col[C_MAX] >= 0) {
            memcpy(I->col, col, sizeof(col));
            I->header = r;
            /* a second column of the same kind is a problem */
            for (k = 0; k < row->n && report; k++) {
                c = column_of(row->cells[k].text, row->cells[k].len);
                if (c >= 0 && col[c] != (long)k) {
                    problem(
                        I, row, &row->cells[k], (long)k,
                        N_("two columns mean '%s' ('%s' and '%s'); keep one"),
                        columns[c].label, row->cells[col[c]].text,
                        row->cells[k].text);
                }
            }
            return 0;
        }
    }
    return -1;
}

/* ---- the header block ------------------------------------------------------- */

static int
parse_decimals(const char *s, size_t len, int *out)
{
    double d;
    char f[64];

    chiso_text_fold(s, len, f, sizeof(f));
    if (strcmp(f, "khong") == 0 || strcmp(f, "khong_lam_tron") == 0 ||
        strcmp(f, "no") == 0 || strcmp(f, "none") == 0) {
        *out = -1;
        return 0;
    }
    /* "2", "2 chữ số thập phân", "2 decimals" */
    {
        const char *p = s;
        size_t i = 0;
        while (i < len && p[i] >= '0' && p[i] <= '9') {
            i++;
        }
        if (i == 0 || i > 2) {
            return -1;
        }
        d = strtod(p, NULL);
        if (i < len) {
            char rest[64];
            chiso_text_fold(p + i, len - i, rest, sizeof(rest));
            if (rest[0] != '\0' && strcmp(rest, "chu_so_thap_phan") != 0 &&
                strcmp(rest, "so_thap_phan") != 0 &&
                strcmp(rest, "decimals") != 0 && strcmp(rest, "chu_so") != 0) {
                return -1;
            }
        }
    }
    if (d < 0 || d > 6) {
        return -1;
    }
    *out = (int)d;
    return 0;
}

/* Split "Tốt ≥ 90" into a label and a condition. */
static int
split_class(const char *s,
            size_t len,
            const char **label,
            size_t *label_len,
            const char **cond,
            size_t *cond_len)
{
    const char *colon = memchr(s, ':', len);
    size_t i;

    if (colon != NULL) {
        *label = s;
        *label_len = (size_t)(colon - s);
        *cond = colon + 1;
        *cond_len = len - (size_t)(colon + 1 - s);
    } else {
        static const char *const starts[] = {
            "\xE2\x89\xA5", ">",       "\xE2\x89\xA4", "<",     "=",
            "từ ",          "Từ ",     "dưới ",        "Dưới ", "trên ",
            "Trên ",        "còn lại", "Còn lại",      NULL};
        size_t best = len;
        int k;
        for (k = 0; starts[k] != NULL; k++) {
            size_t m = strlen(starts[k]);
            for (i = 1; i + m <= len; i++) {
                if (memcmp(s + i, starts[k], m) == 0 && s[i - 1] == ' ') {
                    if (i < best) {
                        best = i;
                    }
                    break;
                }
            }
        }
        for (i = 1; i < best; i++) {
            if (s[i] >= '0' && s[i] <= '9' && s[i - 1] == ' ') {
                best = i;
                break;
            }
        }
        if (best == len) {
            return -1;
        }
        *label = s;
        *label_len = best;
        *cond = s + best;
        *cond_len = len - best;
    }
    chiso_text_trim(label, label_len);
    chiso_text_trim(cond, cond_len);
    return *label_len > 0 && *cond_len > 0 ? 0 : -1;
}

static void
add_class(imp *I,
          const fwt_row *row,
          const fwt_cell *at,
          const char *label,
          size_t label_len,
          const char *cond,
          size_t cond_len,
          const fwt_cell *id_cell,
          const fwt_cell *en_cell)
{
    cls *c, *p;
    char f[128];

    p = realloc(I->classes, (I->n_classes + 1) * sizeof(*p));
    if (p == NULL) {
        I->oom = 1;
        return;
    }
    I->classes = p;
    c = &I->classes[I->n_classes];
    memset(c, 0, sizeof(*c));
    c->at = at;
    if (chiso_fwtable__class_range(cond, cond_len, &c->min, &c->hi,
                                   &c->hi_incl) != 0) {
        problem(I, row, at, -1,
                N_("classification '%.*s': the range '%.*s' is not understood "
                   "(write '≥ 90', 'từ 80 đến dưới 90' or '< 70')"),
                (int)label_len, label, (int)cond_len, cond);
        return;
    }
    if (c->min < 0 || c->min > 100) {
        problem(I, row, at, -1,
                N_("classification '%.*s' starts at %g, outside 0..100 (an "
                   "index %%)"),
                (int)label_len, label, c->min);
        return;
    }
    c->label = chiso_strndup(label, label_len);
    if (id_cell != NULL && id_cell->len > 0) {
        c->id = chiso_strdup(id_cell->text);
    } else {
        chiso_text_fold(label, label_len, f, sizeof(f));
        c->id = chiso_strdup(f);
    }
    if (en_cell != NULL && en_cell->len > 0) {
        c->label_en = chiso_strdup(en_cell->text);
    }
    if (c->label == NULL || c->id == NULL) {
        free(c->label);
        free(c->id);
        I->oom = 1;
        return;
    }
    I->n_classes++;
}

static void
header_block(imp *I)
{
    size_t r, k;

    for (r = 0; r < I->header; r++) {
        const fwt_row *row = &I->sh->rows[r];
        const fwt_cell *cells[16];
        size_t n = 0;
        const char *key, *v0 = NULL;
        size_t key_len, v0_len = 0;
        int kk;

        size_t ki = 0, shift = 0;
        const fwt_cell *pv[4];

        for (k = 0; k < row->n && n < 16; k++) {
            if (row->cells[k].len > 0) {
                if (n == 0) {
                    ki = k;
                }
                cells[n++] = &row->cells[k];
            }
        }
        if (n == 0) {
            continue;
        }
        key = cells[0]->text;
        key_len = cells[0]->len;
        kk = key_of(key, key_len);
        if (kk < 0) {
            const char *colon = memchr(key, ':', key_len);
            if (colon != NULL) {
                int k2 = key_of(key, (size_t)(colon - key));
                if (k2 >= 0) {
                    kk = k2;
                    v0 = colon + 1;
                    v0_len = key_len - (size_t)(colon + 1 - key);
                    chiso_text_trim(&v0, &v0_len);
                    if (v0_len == 0) {
                        v0 = NULL;
                    }
                }
            }
        }
        if (kk < 0) {
            if (n == 1) {
                /* a title line: the one naming the criteria wins over a
                 * heading such as "UBND TỈNH ..." */
                char f[512];
                int names;
                chiso_text_fold(cells[0]->text, cells[0]->len, f, sizeof(f));
                names = strstr(f, "tieu_chi") != NULL ||
                        strstr(f, "chi_so") != NULL;
                if (I->title == NULL || (names && !I->title_names)) {
                    free(I->title);
                    I->title = dup_cell(I, cells[0]);
                    I->title_names = names;
                }
                continue;
            }
            problem(I, row, cells[0], -1,
                    N_("unknown key '%s' above the table (known: Mã bộ tiêu "
                       "chí, Tên bộ tiêu chí, Tên tiếng Anh, Phiên bản, Trạng "
                       "thái, Căn cứ, Ghi chú, Tổng điểm, Làm tròn điểm, Làm "
                       "tròn chỉ số, Xếp loại, Nguồn tài liệu)"),
                    cells[0]->text);
            continue;
        }
        /* positional values after the key (sources, classification) */
        shift = v0 != NULL ? 1 : 0;
        for (k = 0; k < 4; k++) {
            size_t at = ki + 1 + k;
            pv[k] = NULL;
            if (k >= shift && at - shift < row->n &&
                row->cells[at - shift].len > 0) {
                pv[k] = &row->cells[at - shift];
            }
        }
        /* the values: after the colon, then the other cells */
        {
            const fwt_cell *vals[16];
            const fwt_cell *vcell = cells[0]; /* the value's cell */
            size_t nv = 0;
            for (k = 1; k < n; k++) {
                vals[nv++] = cells[k];
            }
            if (v0 == NULL && nv == 0) {
                problem(I, row, cells[0], -1, N_("'%s' has no value"),
                        cells[0]->text);
                continue;
            }
            if (v0 == NULL) {
                vcell = vals[0];
                v0 = vals[0]->text;
                v0_len = vals[0]->len;
                memmove(vals, vals + 1, (nv - 1) * sizeof(vals[0]));
                nv--;
            }
            switch (kk) {
            case K_ID:
            case K_NAME:
            case K_NAME_EN:
            case K_VERSION:
            case K_LEGAL: {
                char **dst = kk == K_ID        ? &I->id
                             : kk == K_NAME    ? &I->name
                             : kk == K_NAME_EN ? &I->name_en
                             : kk == K_VERSION ? &I->version
                                               : &I->legal;
                if (*dst != NULL) {
                    problem(I, row, cells[0], -1, N_("'%s' is given twice"),
                            cells[0]->text);
                    break;
                }
                *dst = chiso_strndup(v0, v0_len);
                I->oom |= *dst == NULL;
                break;
            }
            case K_STATUS: {
                const char *st = chiso_fwtable__status_parse(v0, v0_len);
                free(I->status);
                I->status = st ? chiso_strdup(st) : chiso_strndup(v0, v0_len);
                I->oom |= I->status == NULL;
                break;
            }
            case K_NOTE: {
                char **p = realloc(I->notes, (I->n_notes + 1) * sizeof(*p));
                if (p == NULL) {
                    I->oom = 1;
                    break;
                }
                I->notes = p;
                p[I->n_notes] = chiso_strndup(v0, v0_len);
                I->oom |= p[I->n_notes] == NULL;
                I->n_notes++;
                break;
            }
            case K_MAX:
                if (chiso_fwtable__number(v0, v0_len, &I->total) != 0 ||
                    I->total < 0) {
                    problem(I, row, nv ? vals[0] : cells[0], -1,
                            N_("'Tổng điểm' must be a number of points, got "
                               "'%.*s'"),
                            (int)v0_len, v0);
                } else {
                    I->has_total = 1;
                    I->total_at = cells[0];
                }
                break;
            case K_PDEC:
            case K_IDEC:
                if (parse_decimals(v0, v0_len,
                                   kk == K_PDEC ? &I->pdec : &I->idec) != 0 ||
                    (kk == K_IDEC && I->idec < 0)) {
                    problem(I, row, cells[0], -1,
                            N_("'%s' must be a number of decimals 0..6 (e.g. "
                               "'2 chữ số thập phân')%s, got '%.*s'"),
                            cells[0]->text,
                            kk == K_PDEC ? " or 'không làm tròn'" : "",
                            (int)v0_len, v0);
                    if (kk == K_IDEC) {
                        I->idec = 2;
                    }
                }
                break;
            case K_CLASS: {
                /* "Tốt: ≥ 90" in each cell (a row split at ';' by the CSV
                 * delimiter reads this way too) */
                const char *lb, *cd;
                size_t ll, cl;
                double lo, hi;
                int hi_incl, inline_cells = 0;
                if (nv > 0 &&
                    split_class(v0, v0_len, &lb, &ll, &cd, &cl) == 0 &&
                    chiso_fwtable__class_range(cd, cl, &lo, &hi, &hi_incl) ==
                        0 &&
                    memchr(v0, ':', v0_len) != NULL) {
                    inline_cells = 1;
                }
                if (inline_cells) {
                    size_t m;
                    add_class(I, row, vcell, lb, ll, cd, cl, NULL, NULL);
                    for (m = 0; m < nv; m++) {
                        if (split_class(vals[m]->text, vals[m]->len, &lb, &ll,
                                        &cd, &cl) != 0) {
                            problem(I, row, vals[m], -1,
                                    N_("classification '%.*s': write a label "
                                       "and a range, e.g. 'Tốt: ≥ 90'"),
                                    (int)vals[m]->len, vals[m]->text);
                        } else {
                            add_class(I, row, vals[m], lb, ll, cd, cl, NULL,
                                      NULL);
                        }
                    }
                } else if (nv == 0) {
                    /* "Tốt ≥ 90; Khá 80–<90; ..." */
                    size_t i = 0, start = 0;
                    for (i = 0; i <= v0_len; i++) {
                        if (i == v0_len || v0[i] == ';' || v0[i] == '\n') {
                            const char *it = v0 + start;
                            size_t il = i - start;
                            chiso_text_trim(&it, &il);
                            if (il > 0) {
                                if (split_class(it, il, &lb, &ll, &cd, &cl) !=
                                    0) {
                                    problem(I, row, vcell, -1,
                                            N_("classification '%.*s': write a "
                                               "label and a range, e.g. 'Tốt: "
                                               "≥ 90'"),
                                            (int)il, it);
                                } else {
                                    add_class(I, row, vcell, lb, ll, cd, cl,
                                              NULL, NULL);
                                }
                            }
                            start = i + 1;
                        }
                    }
                } else if (pv[1] == NULL) {
                    problem(I, row, cells[0], -1,
                            N_("classification '%.*s' has no range (e.g. "
                               "'≥ 90')"),
                            (int)v0_len, v0);
                } else {
                    /* label | range | id | label_en */
                    add_class(I, row, pv[1], v0, v0_len, pv[1]->text,
                              pv[1]->len, pv[2], pv[3]);
                }
                break;
            }
            case K_SOURCE: {
                chiso_fwdoc_source *p =
                    realloc(I->sources, (I->n_sources + 1) * sizeof(*p));
                if (p == NULL) {
                    I->oom = 1;
                    break;
                }
                I->sources = p;
                memset(&p[I->n_sources], 0, sizeof(p[0]));
                p[I->n_sources].title = chiso_strndup(v0, v0_len);
                if (pv[1] != NULL) {
                    p[I->n_sources].url = chiso_strdup(pv[1]->text);
                }
                if (pv[2] != NULL) {
                    p[I->n_sources].used_for = chiso_strdup(pv[2]->text);
                }
                I->n_sources++;
                break;
            }
            default:
                break;
            }
        }
    }
}

/* ---- codes ------------------------------------------------------------------ */

typedef enum seg_kind {
    SEG_NUM,
    SEG_ROMAN,
    SEG_UPPER,
    SEG_LOWER,
    SEG_OTHER
} seg_kind;

static seg_kind
seg_of(const char *s, size_t n)
{
    size_t i;
    int digits = 1, roman = 1;

    if (n == 0) {
        return SEG_OTHER;
    }
    for (i = 0; i < n; i++) {
        digits &= s[i] >= '0' && s[i] <= '9';
        roman &= strchr("IVXLC", s[i]) != NULL && s[i] != '\0';
    }
    if (digits) {
        return SEG_NUM;
    }
    if (roman) {
        return SEG_ROMAN;
    }
    if (n == 1 && s[0] >= 'A' && s[0] <= 'Z') {
        return SEG_UPPER;
    }
    if (n == 1 && s[0] >= 'a' && s[0] <= 'z') {
        return SEG_LOWER;
    }
    return SEG_OTHER;
}

/* Normalize a code: no spaces, no trailing '.' or ')'. */
static char *
norm_code(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    size_t i, n = 0;

    if (out == NULL) {
        return NULL;
    }
    for (i = 0; i < len; i++) {
        if (s[i] != ' ' && s[i] != '\t') {
            out[n++] = s[i];
        }
    }
    while (n > 0 && (out[n - 1] == '.' || out[n - 1] == ')')) {
        n--;
    }
    out[n] = '\0';
    return out;
}

/* Kinds of the segments of a code; returns the count (max 16). */
static size_t
segments(const char *code, seg_kind *kinds, size_t *starts, size_t *lens)
{
    size_t n = 0, i = 0, s = 0, len = strlen(code);

    for (i = 0; i <= len && n < 16; i++) {
        if (i == len || code[i] == '.') {
            kinds[n] = seg_of(code + s, i - s);
            starts[n] = s;
            lens[n] = i - s;
            n++;
            s = i + 1;
        }
    }
    return n;
}

/* ---- id hash ---------------------------------------------------------------- */

static size_t
hash_str(const char *s)
{
    size_t h = 1469598103934665603ULL & (size_t)-1;

    while (*s != '\0') {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ULL & (size_t)-1;
    }
    return h;
}

static int
hash_init(imp *I, size_t n)
{
    I->hash_cap = 16;
    while (I->hash_cap < 2 * n + 2) {
        I->hash_cap *= 2;
    }
    I->hash = calloc(I->hash_cap, sizeof(*I->hash));
    return I->hash ? 0 : -1;
}

/* Find key; returns the index+1 stored or 0, and the free slot in *slot. */
static size_t
hash_find(const imp *I, const char *key, size_t *slot)
{
    size_t h = hash_str(key) & (I->hash_cap - 1);

    while (I->hash[h] != 0) {
        const trow *t = &I->t[I->hash[h] - 1];
        if (t->id != NULL && strcmp(t->id, key) == 0) {
            *slot = h;
            return I->hash[h];
        }
        h = (h + 1) & (I->hash_cap - 1);
    }
    *slot = h;
    return 0;
}

/* ---- rows ---------------------------------------------------------------------- */

static int
is_totals_name(const char *s, size_t len)
{
    return chiso_fwtable__fold_is(s, len,
                                  "tong_cong|tong|cong|tong_diem|tong_so|"
                                  "tong_so_diem|total|tong_cong_diem|"
                                  "tong_diem_toi_da");
}

static int
row_empty(const fwt_row *r)
{
    size_t k;

    for (k = 0; k < r->n; k++) {
        if (r->cells[k].len > 0) {
            return 0;
        }
    }
    return 1;
}

static void
buf_line(imp *I, chiso_buf *b, const char *s, size_t len)
{
    if (len == 0) {
        return;
    }
    if ((b->len > 0 && chiso_buf_append(b, "\n", 1) != CHISO_OK) ||
        chiso_buf_append(b, s, len) != CHISO_OK) {
        I->oom = 1;
    }
}

static trow *
new_row(imp *I, const fwt_row *row)
{
    trow *p = realloc(I->t, (I->n + 1) * sizeof(*p));

    if (p == NULL) {
        I->oom = 1;
        return NULL;
    }
    I->t = p;
    memset(&p[I->n], 0, sizeof(p[0]));
    p[I->n].row = row;
    p[I->n].parent = -1;
    p[I->n].leaf = -1;
    p[I->n].depth = -1;
    p[I->n].first_child = p[I->n].last_child = p[I->n].next_sibling = -1;
    return &p[I->n++];
}

static void
read_rows(imp *I)
{
    size_t r;
    long last_node = -1; /* last node or term row */
    long last_leaf_terms = -1;

    for (r = I->header + 1; r < I->sh->n && !I->oom; r++) {
        const fwt_row *row = &I->sh->rows[r];
        const fwt_cell *code = cell_at(row, I->col[C_CODE]);
        const fwt_cell *name = cell_at(row, I->col[C_NAME]);
        const fwt_cell *max = cell_at(row, I->col[C_MAX]);
        const fwt_cell *kind = cell_at(row, I->col[C_KIND]);
        const fwt_cell *params = cell_at(row, I->col[C_PARAMS]);
        const fwt_cell *text = cell_at(row, I->col[C_TEXT]);
        trow *t;
        fwt_kind k;

        if (row_empty(row)) {
            continue;
        }
        if (clen(code) == 0 ||
            (is_totals_name(ctext(code), clen(code)) && clen(name) == 0)) {
            /* totals, continuation, or a second header line */
            if (is_totals_name(ctext(name), clen(name)) ||
                is_totals_name(ctext(code), clen(code))) {
                double v;
                if (clen(max) == 0) {
                    continue;
                }
                if (chiso_fwtable__number(ctext(max), clen(max), &v) != 0) {
                    problem(I, row, max, I->col[C_MAX],
                            N_("invalid total '%s' in column '%s'"), ctext(max),
                            columns[C_MAX].label);
                    continue;
                }
                if (I->has_total && fabs(I->total - v) > SUM_TOL) {
                    problem(I, row, max, I->col[C_MAX],
                            N_("the totals row says %g points but 'Tổng điểm' "
                               "above the table says %g"),
                            v, I->total);
                    continue;
                }
                I->has_total = 1;
                I->total = v;
                I->total_at = max;
                continue;
            }
            if (clen(max) > 0) {
                problem(I, row, code ? code : max, I->col[C_CODE],
                        N_("row with a maximum but no code in column '%s'"),
                        columns[C_CODE].label);
                continue;
            }
            if (last_node < 0) {
                continue; /* a second header line ("Điểm đánh giá") */
            }
            t = &I->t[last_node];
            /* the decision's rule lines, one per row */
            if (I->col[C_TEXT] >= 0) {
                buf_line(I, &t->text, ctext(text), clen(text));
            } else {
                buf_line(I, &t->text, ctext(name), clen(name));
            }
            if (I->col[C_TEXT] >= 0 && clen(name) > 0) {
                buf_line(I, &t->text, ctext(name), clen(name));
            }
            buf_line(I, &t->params, ctext(params), clen(params));
            continue;
        }
        k = chiso_fwtable__kind_parse(ctext(kind), clen(kind));
        t = new_row(I, row);
        if (t == NULL) {
            return;
        }
        t->kind = k;
        t->code = norm_code(code->text, code->len);
        if (t->code == NULL) {
            I->oom = 1;
            return;
        }
        if (k == FWT_K_UNKNOWN) {
            problem(I, row, kind, I->col[C_KIND],
                    N_("unknown scoring kind '%s' in column '%s' (known: %s)"),
                    ctext(kind), columns[C_KIND].label,
                    chiso_fwtable__kind_words());
            t->bad = 1;
        }
        if (clen(name) == 0) {
            problem(I, row, name ? name : code, I->col[C_NAME],
                    N_("criterion '%s' has no name in column '%s'"), t->code,
                    columns[C_NAME].label);
            t->bad = 1;
        }
        if (clen(max) > 0) {
            if (chiso_fwtable__number(ctext(max), clen(max), &t->max) != 0) {
                problem(I, row, max, I->col[C_MAX],
                        N_("'%s' in column '%s' is not a number"), ctext(max),
                        columns[C_MAX].label);
                t->bad = t->max_bad = 1;
            } else {
                t->has_max = 1;
            }
        }
        if (I->col[C_TEXT] >= 0) {
            buf_line(I, &t->text, ctext(text), clen(text));
        }
        buf_line(I, &t->params, ctext(params), clen(params));
        if (k == FWT_K_TERM) {
            t->term = 1;
            if (last_leaf_terms < 0) {
                problem(I, row, kind, I->col[C_KIND],
                        N_("a 'thành phần' row must follow a criterion scored "
                           "'theo thành phần'"));
                t->bad = 1;
            }
            t->leaf = last_leaf_terms;
            t->id = chiso_strdup(t->code);
            I->oom |= t->id == NULL;
        } else {
            last_leaf_terms = k == FWT_K_TERMS ? (long)(I->n - 1) : -1;
        }
        last_node = (long)(I->n - 1);
    }
}

/* ---- hierarchy ------------------------------------------------------------ */

/* ---- a small string -> row map (parents by code, repeated codes) ---------- */

typedef struct kmap {
    char **keys;
    long *vals;
    size_t cap;
} kmap;

static int
kmap_init(kmap *m, size_t n)
{
    m->cap = 16;
    while (m->cap < 2 * n + 2) {
        m->cap *= 2;
    }
    m->keys = calloc(m->cap, sizeof(*m->keys));
    m->vals = calloc(m->cap, sizeof(*m->vals));
    return m->keys && m->vals ? 0 : -1;
}

static size_t
kmap_slot(const kmap *m, const char *key)
{
    size_t h = hash_str(key) & (m->cap - 1);

    while (m->keys[h] != NULL && strcmp(m->keys[h], key) != 0) {
        h = (h + 1) & (m->cap - 1);
    }
    return h;
}

/* The row stored under key, or -1. */
static long
kmap_get(const kmap *m, const char *key)
{
    size_t h = kmap_slot(m, key);

    return m->keys[h] != NULL ? m->vals[h] : -1;
}

/* Store v under key (replacing); key is copied. -1 on allocation failure
 * (the map never fills: it is sized for every row). */
static int
kmap_put(kmap *m, const char *key, long v)
{
    size_t h = kmap_slot(m, key);

    if (m->keys[h] == NULL) {
        m->keys[h] = chiso_strdup(key);
        if (m->keys[h] == NULL) {
            return -1;
        }
    }
    m->vals[h] = v;
    return 0;
}

static void
kmap_free(kmap *m)
{
    size_t i;

    for (i = 0; m->keys != NULL && i < m->cap; i++) {
        free(m->keys[i]);
    }
    free(m->keys);
    free(m->vals);
}

/* "area\x1fcode" into buf. */
static const char *
code_key(
    const char *area, const char *code, size_t code_len, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s\x1f%.*s", area ? area : "", (int)code_len, code);
    return buf;
}

static void
hierarchy_levels(imp *I)
{
    size_t i;
    long stack[33];
    int top = -1;

    for (i = 0; i < I->n; i++) {
        trow *t = &I->t[i];
        const fwt_cell *lv = cell_at(t->row, I->col[C_LEVEL]);
        double d;
        int level;
        if (t->term) {
            continue;
        }
        if (clen(lv) == 0 || chiso_fwtable__number(ctext(lv), clen(lv), &d) ||
            d < 1 || d > 32 || fabs(d - floor(d)) > 1e-9) {
            problem(I, t->row, lv ? lv : cell_at(t->row, I->col[C_CODE]),
                    I->col[C_LEVEL],
                    N_("column '%s' must hold a level 1..32 (1 = area), got "
                       "'%s'"),
                    columns[C_LEVEL].label, ctext(lv));
            t->bad = 1;
            continue;
        }
        level = (int)d;
        if (level > top + 2) {
            problem(I, t->row, lv, I->col[C_LEVEL],
                    N_("level %d follows level %d: a sub-criterion needs its "
                       "criterion above it"),
                    level, top + 1);
            t->bad = 1;
            continue;
        }
        top = level - 1;
        stack[top] = (long)i;
        t->depth = top;
        t->parent = top > 0 ? stack[top - 1] : -1;
        t->id = chiso_strdup(t->code);
        I->oom |= t->id == NULL;
    }
}

static void
hierarchy_codes(imp *I)
{
    size_t i, j;
    int alpha = 0;
    long area = -1, last_num = -1;
    seg_kind kinds[16];
    size_t st[16], ln[16], n;

    /* Are the areas Roman numerals or letters? */
    for (i = 0; i < I->n; i++) {
        if (I->t[i].term) {
            continue;
        }
        n = segments(I->t[i].code, kinds, st, ln);
        if (n == 1 && (kinds[0] == SEG_ROMAN || kinds[0] == SEG_UPPER)) {
            alpha = 1;
            break;
        }
    }
    for (i = 0; i < I->n; i++) {
        trow *t = &I->t[i];
        int ok = 1;
        if (t->term) {
            continue;
        }
        n = segments(t->code, kinds, st, ln);
        for (j = 0; j < n; j++) {
            if (kinds[j] == SEG_OTHER ||
                (j > 0 && (kinds[j] == SEG_ROMAN || kinds[j] == SEG_UPPER))) {
                ok = 0;
            }
        }
        if (n == 1 && kinds[0] == SEG_LOWER) {
            /* "a", "b": under the last numbered criterion */
            if (last_num < 0) {
                ok = 0;
            } else {
                t->parent = last_num;
                t->depth = I->t[last_num].depth + 1;
                t->area = I->t[last_num].area;
                continue;
            }
        }
        if (!ok || n == 16) {
            problem(I, t->row, cell_at(t->row, I->col[C_CODE]), I->col[C_CODE],
                    N_("code '%s' does not show where the criterion sits: use "
                       "codes such as 1, 1.1, 1.1.2 (I, II or A, B for the "
                       "areas), or add a column '%s' (1 = area)"),
                    t->code, columns[C_LEVEL].label);
            t->bad = 1;
            continue;
        }
        if (alpha && n == 1 &&
            (kinds[0] == SEG_ROMAN || kinds[0] == SEG_UPPER)) {
            t->depth = 0;
            area = (long)i;
            continue;
        }
        if (alpha && (kinds[0] == SEG_ROMAN || kinds[0] == SEG_UPPER)) {
            /* qualified: II.1.2 */
            t->depth = (int)n - 1;
        } else if (alpha) {
            if (area < 0) {
                problem(I, t->row, cell_at(t->row, I->col[C_CODE]),
                        I->col[C_CODE],
                        N_("criterion '%s' comes before the first area (I, II "
                           "or A, B)"),
                        t->code);
                t->bad = 1;
                continue;
            }
            t->area = I->t[area].code;
            t->depth = (int)n;
        } else {
            t->depth = (int)n - 1;
        }
        if (kinds[n - 1] == SEG_NUM || kinds[n - 1] == SEG_LOWER) {
            last_num = (long)i;
        }
    }
    /* parents: the code without its last segment, the nearest row above
     * with that code (in the same area) */
    {
        kmap m;
        long cur_area = -1;
        char key[600];
        if (kmap_init(&m, I->n) != 0) {
            kmap_free(&m);
            I->oom = 1;
            return;
        }
        for (i = 0; i < I->n && !I->oom; i++) {
            trow *t = &I->t[i];
            if (t->term || t->depth < 0) {
                continue;
            }
            if (t->depth == 0) {
                cur_area = (long)i;
            }
            if (!t->bad && t->depth > 0 && t->parent < 0) {
                n = segments(t->code, kinds, st, ln);
                if (alpha && t->area != NULL && n == 1) {
                    t->parent = cur_area;
                } else {
                    size_t plen = st[n - 1] > 0 ? st[n - 1] - 1 : 0;
                    long found = kmap_get(
                        &m, code_key(t->area, t->code, plen, key, sizeof(key)));
                    if (found < 0 || I->t[found].depth != t->depth - 1) {
                        problem(I, t->row, cell_at(t->row, I->col[C_CODE]),
                                I->col[C_CODE],
                                N_("criterion '%s' has no parent '%s' above it "
                                   "(list a criterion before its "
                                   "sub-criteria)"),
                                t->code,
                                key + strlen(t->area ? t->area : "") + 1);
                        t->bad = 1;
                    } else {
                        t->parent = found;
                    }
                }
            }
            if (kmap_put(&m,
                         code_key(t->area, t->code, strlen(t->code), key,
                                  sizeof(key)),
                         (long)i) != 0) {
                I->oom = 1;
            }
        }
        kmap_free(&m);
    }
    /* ids: the code, qualified by the area when codes repeat per area */
    {
        int qualify = 0;
        if (alpha) {
            kmap seen;
            if (kmap_init(&seen, I->n) != 0) {
                kmap_free(&seen);
                I->oom = 1;
                return;
            }
            for (i = 0; i < I->n && !qualify; i++) {
                if (I->t[i].area == NULL || I->t[i].term) {
                    continue;
                }
                if (kmap_get(&seen, I->t[i].code) >= 0) {
                    qualify = 1;
                } else if (kmap_put(&seen, I->t[i].code, (long)i) != 0) {
                    I->oom = 1;
                }
            }
            kmap_free(&seen);
        }
        for (i = 0; i < I->n; i++) {
            trow *t = &I->t[i];
            if (t->term) {
                continue;
            }
            if (qualify && t->area != NULL) {
                size_t l = strlen(t->area) + strlen(t->code) + 2;
                t->id = malloc(l);
                if (t->id != NULL) {
                    snprintf(t->id, l, "%s.%s", t->area, t->code);
                }
            } else if (t->parent >= 0 && I->t[t->parent].id != NULL &&
                       segments(t->code, kinds, st, ln) == 1 &&
                       kinds[0] == SEG_LOWER) {
                size_t l = strlen(I->t[t->parent].id) + strlen(t->code) + 2;
                t->id = malloc(l);
                if (t->id != NULL) {
                    snprintf(t->id, l, "%s.%s", I->t[t->parent].id, t->code);
                }
            } else {
                t->id = chiso_strdup(t->code);
            }
            I->oom |= t->id == NULL;
        }
    }
}

/* ---- building the framework -------------------------------------------------- */

/* Fill the rule of leaf t (its node n) from its cells. */
static void
build_rule(imp *I, trow *t, chiso_node *n, size_t ti)
{
    const fwt_row *row = t->row;
    const fwt_cell *src = cell_at(row, I->col[C_SOURCE]);
    const fwt_cell *unit = cell_at(row, I->col[C_UNIT]);
    const fwt_cell *kind = cell_at(row, I->col[C_KIND]);
    const fwt_cell *params = cell_at(row, I->col[C_PARAMS]);
    const fwt_cell *formula = cell_at(row, I->col[C_FORMULA]);
    const fwt_cell *conf = cell_at(row, I->col[C_CONFIDENCE]);
    const fwt_cell *tol = cell_at(row, I->col[C_TOLERANCE]);
    chiso_rule *r = &n->rule;
    int unit_given = 0;
    char why[512];
    const fwt_cell *pcell = params ? params : kind;

    switch (t->kind) {
    case FWT_K_MANUAL:
        r->type = CHISO_RULE_MANUAL;
        break;
    case FWT_K_BINARY:
        r->type = CHISO_RULE_BINARY;
        break;
    case FWT_K_PROPORTIONAL:
        r->type = CHISO_RULE_PROPORTIONAL;
        break;
    case FWT_K_BANDS:
        r->type = CHISO_RULE_BANDS;
        break;
    case FWT_K_DEDUCTION:
        r->type = CHISO_RULE_DEDUCTION;
        break;
    case FWT_K_TERMS:
        r->type = CHISO_RULE_TERMS;
        break;
    case FWT_K_TRACKED:
        r->type = CHISO_RULE_TRACKED;
        break;
    case FWT_K_NONE:
        r->type =
            chiso_is_zero(n->max) ? CHISO_RULE_TRACKED : CHISO_RULE_MANUAL;
        if (t->params.len > 0 && r->type == CHISO_RULE_MANUAL) {
            /* a list of thresholds and points is a bands rule */
            chiso_rule probe;
            memset(&probe, 0, sizeof(probe));
            probe.type = CHISO_RULE_BANDS;
            probe.unit = CHISO_UNIT_PERCENT;
            if (chiso_fwtable__params_parse(&probe, n->max, 0, t->params.data,
                                            t->params.len, I->lang, why,
                                            sizeof(why)) == 0) {
                r->type = CHISO_RULE_BANDS;
            }
            free(probe.bands);
        }
        break;
    case FWT_K_TERM:
    case FWT_K_UNKNOWN:
        r->type = CHISO_RULE_MANUAL;
        break;
    }
    r->capped = 1;
    r->unit = chiso_fwtable__unit_default(r->type);
    if (clen(unit) > 0) {
        int u = chiso_fwtable__unit_parse(ctext(unit), clen(unit));
        if (u < 0) {
            problem(I, row, unit, I->col[C_UNIT],
                    N_("unknown unit '%s' in column '%s' (known: %%, tỷ số, "
                       "số lượng, số)"),
                    ctext(unit), columns[C_UNIT].label);
            t->bad = 1;
        } else {
            r->unit = (chiso_value_unit)u;
            unit_given = 1;
        }
    }
    if (t->max_bad || !t->has_max) {
        /* the maximum was reported already */
    } else if (r->type == CHISO_RULE_TRACKED && n->max > 0) {
        problem(
            I, row, cell_at(row, I->col[C_MAX]), I->col[C_MAX],
            N_("criterion '%s' is only tracked ('theo dõi'), so its maximum "
               "must be 0, not %g"),
            t->code, n->max);
        t->bad = 1;
    }
    if (t->has_max && r->type != CHISO_RULE_TRACKED && chiso_is_zero(n->max)) {
        problem(
            I, row, cell_at(row, I->col[C_MAX]), I->col[C_MAX],
            N_("criterion '%s' has maximum 0: write 'theo dõi' in '%s' if it "
               "is tracked only"),
            t->code, columns[C_KIND].label);
        t->bad = 1;
    }
    if (r->type == CHISO_RULE_BANDS || r->type == CHISO_RULE_PROPORTIONAL ||
        r->type == CHISO_RULE_DEDUCTION) {
        if (chiso_fwtable__params_parse(
                r, n->max, unit_given, t->params.data ? t->params.data : "",
                t->params.len, I->lang, why, sizeof(why)) != 0) {
            problem(I, row, pcell, I->col[C_PARAMS], N_("criterion '%s': %s"),
                    t->code, why);
            t->bad = 1;
        }
    }
    if (clen(src) > 0) {
        const char *name = chiso_fwtable_source_name(ctext(src), clen(src));
        if (name == NULL) {
            chiso_buf known = CHISO_BUF_INIT;
            size_t i;
            for (i = 0; chiso_derived_inputs[i] != NULL; i++) {
                chiso_buf_printf(&known, "%s%s", i ? ", " : "",
                                 chiso_derived_inputs[i]);
            }
            problem(I, row, src, I->col[C_SOURCE],
                    N_("unknown data source '%s' in column '%s' (known: %s, or "
                       "their Vietnamese names, see docs/frameworks.md)"),
                    ctext(src), columns[C_SOURCE].label,
                    known.data ? known.data : "");
            chiso_buf_free(&known);
            t->bad = 1;
        } else if (r->type == CHISO_RULE_TERMS) {
            problem(I, row, src, I->col[C_SOURCE],
                    N_("a 'theo thành phần' criterion takes its data per "
                       "component: give '%s' on the 'thành phần' rows"),
                    columns[C_SOURCE].label);
            t->bad = 1;
        } else {
            r->source = chiso_strdup(name);
            I->oom |= r->source == NULL;
        }
    }
    if (clen(formula) > 0) {
        r->formula = dup_cell(I, formula);
    }
    if (clen(conf) > 0) {
        r->confidence = dup_cell(I, conf);
    }
    if (clen(tol) > 0) {
        if (chiso_fwtable__number(ctext(tol), clen(tol), &r->tolerance) != 0 ||
            r->tolerance < 0) {
            problem(I, row, tol, I->col[C_TOLERANCE],
                    N_("'%s' in column '%s' is not a number"), ctext(tol),
                    columns[C_TOLERANCE].label);
            t->bad = 1;
        }
    }
    /* the rule as the decision writes it */
    if (t->text.len > 0) {
        r->text = chiso_strdup(t->text.data);
        I->oom |= r->text == NULL;
    } else if (I->col[C_TEXT] < 0 && t->params.len > 0) {
        r->text = chiso_strdup(t->params.data);
        I->oom |= r->text == NULL;
    }
    /* terms */
    if (r->type == CHISO_RULE_TERMS) {
        size_t k, nt = 0;
        double sum = 0;
        for (k = ti + 1; k < I->n && I->t[k].term && I->t[k].leaf == (long)ti;
             k++) {
            nt++;
        }
        if (nt == 0) {
            problem(I, row, kind, I->col[C_KIND],
                    N_("criterion '%s' is scored 'theo thành phần': list its "
                       "components below it, one row each with 'thành phần' in "
                       "'%s'"),
                    t->code, columns[C_KIND].label);
            t->bad = 1;
            return;
        }
        r->terms = calloc(nt, sizeof(*r->terms));
        if (r->terms == NULL) {
            I->oom = 1;
            return;
        }
        r->n_terms = nt;
        for (k = 0; k < nt; k++) {
            trow *tt = &I->t[ti + 1 + k];
            chiso_term *tm = &r->terms[k];
            const fwt_cell *tn = cell_at(tt->row, I->col[C_NAME]);
            const fwt_cell *ts = cell_at(tt->row, I->col[C_SOURCE]);
            const fwt_cell *tu = cell_at(tt->row, I->col[C_UNIT]);
            int tug = 0;
            tm->input = chiso_strdup(tt->code);
            tm->name = clen(tn) ? dup_cell(I, tn) : NULL;
            I->oom |= tm->input == NULL;
            tm->unit = CHISO_UNIT_PERCENT;
            if (!tt->has_max || !(tt->max > 0)) {
                problem(I, tt->row, cell_at(tt->row, I->col[C_MAX]),
                        I->col[C_MAX],
                        N_("component '%s' needs its points (above 0) in '%s'"),
                        tt->code, columns[C_MAX].label);
                tt->bad = t->bad = 1;
            }
            tm->points = tt->max;
            sum += tt->max;
            if (clen(tu) > 0) {
                int u = chiso_fwtable__unit_parse(ctext(tu), clen(tu));
                if (u < 0) {
                    problem(
                        I, tt->row, tu, I->col[C_UNIT],
                        N_("unknown unit '%s' in column '%s' (known: %%, tỷ "
                           "số, số lượng, số)"),
                        ctext(tu), columns[C_UNIT].label);
                    tt->bad = t->bad = 1;
                } else {
                    tm->unit = (chiso_value_unit)u;
                    tug = 1;
                }
            }
            if (chiso_fwtable__term_parse(
                    tm, tug, tt->params.data ? tt->params.data : "",
                    tt->params.len, I->lang, why, sizeof(why)) != 0) {
                problem(I, tt->row, cell_at(tt->row, I->col[C_PARAMS]),
                        I->col[C_PARAMS], N_("component '%s': %s"), tt->code,
                        why);
                tt->bad = t->bad = 1;
            }
            if (clen(ts) > 0) {
                const char *nm = chiso_fwtable_source_name(ctext(ts), clen(ts));
                if (nm == NULL) {
                    problem(I, tt->row, ts, I->col[C_SOURCE],
                            N_("unknown data source '%s' in column '%s' (see "
                               "docs/frameworks.md for the names)"),
                            ctext(ts), columns[C_SOURCE].label);
                    tt->bad = t->bad = 1;
                } else {
                    tm->source = chiso_strdup(nm);
                    I->oom |= tm->source == NULL;
                }
            }
        }
        if (sum < n->max - SUM_TOL) {
            problem(
                I, row, cell_at(row, I->col[C_MAX]), I->col[C_MAX],
                N_("the components of '%s' give at most %g points, less than "
                   "its maximum %g"),
                t->code, sum, n->max);
            t->bad = 1;
        }
    }
}

/* Node note: "Áp dụng: X" line, then the Ghi chú text. */
static char *
node_note(imp *I, const trow *t)
{
    const fwt_cell *ap = cell_at(t->row, I->col[C_APPLIES]);
    const fwt_cell *gc = cell_at(t->row, I->col[C_NOTE]);
    chiso_buf b = CHISO_BUF_INIT;

    if (clen(ap) == 0 && clen(gc) == 0) {
        return NULL;
    }
    if (clen(ap) > 0) {
        if (memchr(ap->text, '\n', ap->len) != NULL) {
            problem(I, t->row, ap, I->col[C_APPLIES],
                    N_("column '%s' must hold one line"),
                    columns[C_APPLIES].label);
        }
        chiso_buf_printf(&b, "Áp dụng: %s", ap->text);
        if (clen(gc) > 0) {
            chiso_buf_puts(&b, "\n");
        }
    }
    if (clen(gc) > 0) {
        chiso_buf_puts(&b, gc->text);
    }
    if (b.data == NULL) {
        I->oom = 1;
    }
    return b.data;
}

static long
build_node(imp *I, chiso_framework *fw, size_t ti, size_t parent, int depth);

static long
build_node(imp *I, chiso_framework *fw, size_t ti, size_t parent, int depth)
{
    trow *t = &I->t[ti];
    size_t idx = fw->n_nodes++, nc = 0;
    long k;
    chiso_node *n = &fw->nodes[idx];

    memset(n, 0, sizeof(*n));
    t->fw_index = idx;
    n->id = chiso_strdup(t->id);
    n->name = dup_cell(I, cell_at(t->row, I->col[C_NAME]));
    if (clen(cell_at(t->row, I->col[C_NAME_EN])) > 0) {
        n->name_en = dup_cell(I, cell_at(t->row, I->col[C_NAME_EN]));
    }
    n->note = node_note(I, t);
    n->parent = parent;
    n->depth = depth;
    n->max = t->max;
    n->line = t->row->line;
    I->oom |= n->id == NULL;
    if (t->n_children > 0) {
        n->children = calloc(t->n_children, sizeof(*n->children));
        if (n->children == NULL) {
            I->oom = 1;
            return -1;
        }
        for (k = t->first_child; k >= 0 && nc < t->n_children && !I->oom;
             k = I->t[k].next_sibling) {
            long c = build_node(I, fw, (size_t)k, idx, depth + 1);
            t = &I->t[ti];
            n = &fw->nodes[idx];
            if (c >= 0) {
                n->children[nc++] = (size_t)c;
            }
        }
        n->n_children = nc;
    } else {
        build_rule(I, t, n, ti);
    }
    return (long)idx;
}

/* Sum children maxima, check inner nodes, bottom-up. */
static double
check_sums(imp *I, size_t ti)
{
    trow *t = &I->t[ti];
    double sum = 0;
    long c;
    const fwt_row *row = t->row;

    if (t->n_children == 0) {
        if (t->max_bad) {
            return 0;
        }
        if (!t->has_max) {
            problem(I, row, cell_at(row, I->col[C_MAX]), I->col[C_MAX],
                    N_("criterion '%s' has no maximum in column '%s'"), t->code,
                    columns[C_MAX].label);
            t->bad = 1;
        } else if (t->max < 0) {
            problem(I, row, cell_at(row, I->col[C_MAX]), I->col[C_MAX],
                    N_("criterion '%s' has a negative maximum %g"), t->code,
                    t->max);
            t->bad = 1;
        }
        return t->max;
    }
    for (c = t->first_child; c >= 0; c = I->t[c].next_sibling) {
        sum += check_sums(I, (size_t)c);
    }
    if (clen(cell_at(row, I->col[C_KIND])) > 0) {
        problem(I, row, cell_at(row, I->col[C_KIND]), I->col[C_KIND],
                N_("criterion '%s' has sub-criteria, so it is scored by their "
                   "sum: leave '%s' empty (give each sub-criterion its rule)"),
                t->code, columns[C_KIND].label);
        t->bad = 1;
    } else if (t->params.len > 0 && clen(cell_at(row, I->col[C_PARAMS])) > 0) {
        problem(I, row, cell_at(row, I->col[C_PARAMS]), I->col[C_PARAMS],
                N_("criterion '%s' has sub-criteria, so '%s' stays empty"),
                t->code, columns[C_PARAMS].label);
        t->bad = 1;
    }
    if (clen(cell_at(row, I->col[C_SOURCE])) > 0) {
        problem(I, row, cell_at(row, I->col[C_SOURCE]), I->col[C_SOURCE],
                N_("criterion '%s' has sub-criteria: give '%s' on the "
                   "sub-criterion it feeds"),
                t->code, columns[C_SOURCE].label);
        t->bad = 1;
    }
    if (t->has_max && fabs(sum - t->max) > SUM_TOL) {
        problem(I, row, cell_at(row, I->col[C_MAX]), I->col[C_MAX],
                N_("the sub-criteria of '%s' add up to %g points, not its "
                   "maximum %g"),
                t->code, sum, t->max);
        t->bad = 1;
    } else if (!t->has_max) {
        t->max = sum;
        t->has_max = 1;
    }
    return t->max;
}

static int
class_cmp(const void *a, const void *b)
{
    const cls *x = a, *y = b;

    return x->min < y->min ? 1 : x->min > y->min ? -1 : 0;
}

static void
check_classes(imp *I)
{
    size_t i, j;
    const fwt_row *hdr = &I->sh->rows[I->header];

    if (I->n_classes == 0) {
        return;
    }
    qsort(I->classes, I->n_classes, sizeof(*I->classes), class_cmp);
    for (i = 0; i < I->n_classes; i++) {
        cls *c = &I->classes[i];
        for (j = 0; j < i; j++) {
            if (strcmp(I->classes[j].id, c->id) == 0) {
                problem(I, hdr, c->at, -1,
                        N_("two classification bands have the id '%s'"), c->id);
            }
        }
        if (i > 0 && fabs(I->classes[i - 1].min - c->min) < 1e-9) {
            problem(I, hdr, c->at, -1,
                    N_("classification bands '%s' and '%s' both start at %g"),
                    I->classes[i - 1].label, c->label, c->min);
        }
        if (i > 0 && isfinite(c->hi)) {
            double up = I->classes[i - 1].min;
            if (fabs(c->hi - up) > 1e-9 || c->hi_incl) {
                problem(I, hdr, c->at, -1,
                        N_("classification band '%s' ends at %g%s but the next "
                           "band '%s' starts at %g"),
                        c->label, c->hi, c->hi_incl ? " (included)" : "",
                        I->classes[i - 1].label, up);
            }
        }
    }
    if (!chiso_is_zero(I->classes[I->n_classes - 1].min)) {
        problem(I, hdr, I->classes[I->n_classes - 1].at, -1,
                N_("the lowest classification band '%s' starts at %g: it must "
                   "start at 0 (e.g. '< 70')"),
                I->classes[I->n_classes - 1].label,
                I->classes[I->n_classes - 1].min);
    }
}

static void
framework_root(imp *I, chiso_framework *fw)
{
    const char *base = strrchr(I->book->path, '/');
    char stem[256];
    size_t i;

    base = base ? base + 1 : I->book->path;
    snprintf(stem, sizeof(stem), "%s", base);
    if (strrchr(stem, '.') != NULL) {
        *strrchr(stem, '.') = '\0';
    }
    if (I->id != NULL) {
        fw->id = chiso_strdup(I->id);
    } else {
        char f[256];
        chiso_text_fold(stem, strlen(stem), f, sizeof(f));
        for (i = 0; f[i] != '\0'; i++) {
            if (f[i] == '_') {
                f[i] = '-';
            }
        }
        fw->id = chiso_strdup(f[0] ? f : "framework");
    }
    fw->name = chiso_strdup(I->name ? I->name : I->title ? I->title : stem);
    fw->name_en = I->name_en ? chiso_strdup(I->name_en) : NULL;
    fw->version = I->version ? chiso_strdup(I->version) : NULL;
    fw->status = I->status ? chiso_strdup(I->status) : NULL;
    fw->legal_basis = I->legal ? chiso_strdup(I->legal) : NULL;
    fw->points_decimals = I->pdec;
    fw->index_decimals = I->idec;
    fw->notes = I->notes;
    fw->n_notes = I->n_notes;
    I->notes = NULL;
    I->n_notes = 0;
    if (fw->id == NULL || fw->name == NULL) {
        I->oom = 1;
    }
    if (I->n_classes > 0) {
        fw->classes = calloc(I->n_classes, sizeof(*fw->classes));
        if (fw->classes == NULL) {
            I->oom = 1;
            return;
        }
        fw->n_classes = I->n_classes;
        for (i = 0; i < I->n_classes; i++) {
            fw->classes[i].id = I->classes[i].id;
            fw->classes[i].label = I->classes[i].label;
            fw->classes[i].min = I->classes[i].min;
            I->classes[i].id = I->classes[i].label = NULL;
        }
    }
}

/* Map a problem the framework loader found back to the table row. */
static void
report_loader(imp *I,
              const chiso_diag_list *found,
              const unsigned long *node_line,
              const chiso_framework *built)
{
    size_t i, k;

    for (i = 0; i < found->n; i++) {
        const chiso_diag *d = &found->items[i];
        long best = -1;
        for (k = 0; k < built->n_nodes; k++) {
            if (node_line[k] <= d->line &&
                (best < 0 || node_line[k] >= node_line[best])) {
                best = (long)k;
            }
        }
        if (best >= 0) {
            size_t t;
            for (t = 0; t < I->n; t++) {
                if (!I->t[t].term && I->t[t].fw_index == (size_t)best &&
                    I->t[t].id != NULL &&
                    strcmp(I->t[t].id, built->nodes[best].id) == 0) {
                    problem(I, I->t[t].row,
                            cell_at(I->t[t].row, I->col[C_CODE]),
                            I->col[C_CODE], N_("criterion '%s': %s"),
                            I->t[t].id, d->message);
                    break;
                }
            }
            if (t < I->n) {
                continue;
            }
        }
        problem(I, &I->sh->rows[I->header], NULL, -1, "%s", d->message);
    }
}

static void
imp_free(imp *I)
{
    size_t i;

    for (i = 0; i < I->n; i++) {
        free(I->t[i].code);
        free(I->t[i].id);
        chiso_buf_free(&I->t[i].text);
        chiso_buf_free(&I->t[i].params);
    }
    free(I->t);
    free(I->hash);
    free(I->id);
    free(I->name);
    free(I->name_en);
    free(I->version);
    free(I->status);
    free(I->legal);
    free(I->title);
    for (i = 0; i < I->n_notes; i++) {
        free(I->notes[i]);
    }
    free(I->notes);
    for (i = 0; i < I->n_classes; i++) {
        free(I->classes[i].id);
        free(I->classes[i].label);
        free(I->classes[i].label_en);
    }
    free(I->classes);
    for (i = 0; i < I->n_sources; i++) {
        free(I->sources[i].title);
        free(I->sources[i].url);
        free(I->sources[i].used_for);
    }
    free(I->sources);
}

/* Pick the sheet holding the table. */
static const fwt_sheet *
pick_sheet(imp *I, const chiso_fwtable_options *opts)
{
    size_t i;

    if (opts != NULL && opts->sheet != NULL) {
        char *end;
        long k = strtol(opts->sheet, &end, 10);
        if (*end == '\0' && k >= 1 && (size_t)k <= I->book->n) {
            return &I->book->sheets[k - 1];
        }
        for (i = 0; i < I->book->n; i++) {
            if (I->book->sheets[i].name != NULL &&
                strcmp(I->book->sheets[i].name, opts->sheet) == 0) {
                return &I->book->sheets[i];
            }
        }
        chiso_diag_list_addf(I->problems, CHISO_EUSAGE, I->book->path, 0, 0,
                             "no sheet '%s' in the workbook", opts->sheet);
        I->n_problems++;
        return NULL;
    }
    for (i = 0; i < I->book->n; i++) {
        I->sh = &I->book->sheets[i];
        if (find_header(I, 0) == 0) {
            return I->sh;
        }
    }
    return I->book->n > 0 ? &I->book->sheets[0] : NULL;
}

/* A workbook's classification sheet ("Xếp loại"): Nhãn | Từ (%) | Mã. */
static void
class_sheet(imp *I)
{
    size_t i, r, k;

    for (i = 0; i < I->book->n; i++) {
        const fwt_sheet *s = &I->book->sheets[i];
        long c_label = -1, c_range = -1, c_id = -1, c_en = -1;
        const fwt_sheet *save = I->sh;
        if (s == I->sh || s->name == NULL ||
            !chiso_fwtable__fold_is(s->name, strlen(s->name),
                                    "xep_loai|phan_loai|classification")) {
            continue;
        }
        if (I->n_classes > 0) {
            I->sh = s;
            problem(I, s->n ? &s->rows[0] : NULL, NULL, -1,
                    N_("the classification is given twice (above the table and "
                       "on sheet '%s')"),
                    s->name);
            I->sh = save;
            return;
        }
        I->sh = s;
        for (r = 0; r < s->n; r++) {
            const fwt_row *row = &s->rows[r];
            if (c_label < 0) {
                for (k = 0; k < row->n; k++) {
                    const char *t = row->cells[k].text;
                    size_t l = row->cells[k].len;
                    if (chiso_fwtable__fold_is(t, l,
                                               "nhan|xep_loai|loai|"
                                               "ten|label|nhom"))
                        c_label = (long)k;
                    else if (chiso_fwtable__fold_is(
                                 t, l,
                                 "tu|khoang|muc|dieu_kien|range|"
                                 "tu_chi_so|chi_so|tu_pct"))
                        c_range = (long)k;
                    else if (chiso_fwtable__fold_is(t, l, "ma|id|code"))
                        c_id = (long)k;
                    else if (chiso_fwtable__fold_is(
                                 t, l, "nhan_tieng_anh|label_en|english"))
                        c_en = (long)k;
                }
                if (c_label < 0 || c_range < 0) {
                    c_label = c_range = -1;
                }
                continue;
            }
            if (row_empty(row)) {
                continue;
            }
            add_class(I, row, cell_at(row, c_label),
                      ctext(cell_at(row, c_label)), clen(cell_at(row, c_label)),
                      ctext(cell_at(row, c_range)), clen(cell_at(row, c_range)),
                      cell_at(row, c_id), cell_at(row, c_en));
        }
        if (c_label < 0) {
            problem(I, s->n ? &s->rows[0] : NULL, NULL, -1,
                    N_("sheet '%s' needs the columns 'Nhãn' and 'Từ (%%)'"),
                    s->name);
        }
        I->sh = save;
        return;
    }
}

chiso_status
chiso_fwtable_read(chiso_fwdoc **out,
                   const char *path,
                   const chiso_fwtable_options *opts,
                   chiso_diag_list *problems)
{
    fwt_book *book = NULL;
    imp I;
    chiso_status st;
    chiso_framework *built = NULL, *fw = NULL;
    chiso_buf json = CHISO_BUF_INIT;
    unsigned long *node_line = NULL;
    chiso_fwdoc *doc = NULL;
    size_t i;
    const char *dot = strrchr(path, '.');

    *out = NULL;
    if (dot != NULL &&
        (chiso_fwtable__fold_is(dot + 1, strlen(dot + 1), "xlsx|xlsm|xls"))) {
        st = chiso_fwtable__read_workbook(&book, path, opts, problems);
    } else {
        st = chiso_fwtable__read_csv(&book, path, problems);
    }
    if (st != CHISO_OK) {
        return st;
    }
    memset(&I, 0, sizeof(I));
    I.book = book;
    I.problems = problems;
    I.lang = problems->lang;
    I.pdec = -1;
    I.idec = 2;
    for (i = 0; i < N_COL; i++) {
        I.col[i] = -1;
    }
    I.sh = pick_sheet(&I, opts);
    if (I.sh == NULL || find_header(&I, 1) != 0) {
        if (I.n_problems == 0) {
            chiso_diag_list_addk(
                problems, "framework_table", CHISO_SEVERITY_ERROR, NULL, path,
                0, 0,
                chiso_msg(I.lang,
                          "no header row with the columns '%s', '%s' and "
                          "'%s' in the first %d rows (see "
                          "docs/frameworks.md)"),
                columns[C_CODE].label, columns[C_NAME].label,
                columns[C_MAX].label, HEADER_SCAN);
        }
        chiso_fwtable__book_free(book);
        imp_free(&I);
        return CHISO_ESCHEMA;
    }
    header_block(&I);
    if (book->workbook) {
        class_sheet(&I);
    }
    read_rows(&I);
    if (!I.oom && I.n == 0) {
        problem(&I, &I.sh->rows[I.header], NULL, -1,
                N_("no criterion below the header row"));
    }
    if (!I.oom && I.n > 0) {
        if (I.col[C_LEVEL] >= 0) {
            I.levels = 1;
            hierarchy_levels(&I);
        } else {
            hierarchy_codes(&I);
        }
    }
    /* duplicate ids (nodes and components share one name space) */
    if (!I.oom && hash_init(&I, I.n) == 0) {
        for (i = 0; i < I.n; i++) {
            size_t slot, found;
            if (I.t[i].id == NULL) {
                continue;
            }
            found = hash_find(&I, I.t[i].id, &slot);
            if (found != 0) {
                problem(&I, I.t[i].row, cell_at(I.t[i].row, I.col[C_CODE]),
                        I.col[C_CODE],
                        N_("code '%s' is used twice (first at the row of line "
                           "%lu)"),
                        I.t[i].id, I.t[found - 1].row->line);
                I.t[i].bad = 1;
            } else {
                I.hash[slot] = i + 1;
            }
        }
    } else {
        I.oom = 1;
    }
    /* children counts, sums */
    for (i = 0; i < I.n && !I.oom; i++) {
        trow *t = &I.t[i];
        if (!t->term && t->parent >= 0) {
            trow *p = &I.t[t->parent];
            p->n_children++;
            if (p->last_child < 0) {
                p->first_child = (long)i;
            } else {
                I.t[p->last_child].next_sibling = (long)i;
            }
            p->last_child = (long)i;
        }
    }
    for (i = 0; i < I.n && !I.oom; i++) {
        if (!I.t[i].term && I.t[i].parent < 0 && I.t[i].depth >= 0) {
            check_sums(&I, i);
        }
        if (I.t[i].term && I.t[i].leaf >= 0 &&
            I.t[I.t[i].leaf].n_children > 0) {
            problem(&I, I.t[i].row, cell_at(I.t[i].row, I.col[C_KIND]),
                    I.col[C_KIND],
                    N_("a 'thành phần' row belongs to a criterion without "
                       "sub-criteria"));
        }
    }
    check_classes(&I);
    /* build the framework (even with problems, to find those of rules) */
    built = calloc(1, sizeof(*built));
    if (built == NULL || I.oom) {
        I.oom = 1;
        goto done;
    }
    built->nodes = calloc(I.n ? I.n : 1, sizeof(*built->nodes));
    built->path = chiso_strdup(path);
    if (built->nodes == NULL || built->path == NULL) {
        I.oom = 1;
        goto done;
    }
    framework_root(&I, built);
    {
        double sum = 0;
        for (i = 0; i < I.n && !I.oom; i++) {
            if (!I.t[i].term && I.t[i].parent < 0 && I.t[i].depth >= 0 &&
                I.t[i].id != NULL) {
                build_node(&I, built, i, CHISO_NO_PARENT, 0);
                sum += I.t[i].max;
            }
        }
        built->max = sum;
        if (I.has_total && fabs(sum - I.total) > SUM_TOL) {
            problem(&I, &I.sh->rows[I.header], I.total_at, -1,
                    N_("the areas add up to %g points, not the total %g the "
                       "table states"),
                    sum, I.total);
        }
    }
    if (I.oom || I.n_problems > 0) {
        goto done;
    }
    /* the framework loader has the last word */
    node_line = calloc(built->n_nodes ? built->n_nodes : 1, sizeof(*node_line));
    {
        chiso_fwdoc extras;
        memset(&extras, 0, sizeof(extras));
        extras.sources = I.sources;
        extras.n_sources = I.n_sources;
        extras.declared_max = I.has_total;
        if (I.n_classes > 0) {
            extras.class_label_en = calloc(I.n_classes, sizeof(char *));
            for (i = 0; extras.class_label_en && i < I.n_classes; i++) {
                extras.class_label_en[i] = I.classes[i].label_en;
            }
        }
        if (node_line == NULL ||
            chiso_fwtable__json_write(built, &extras, &json, node_line) !=
                CHISO_OK) {
            free(extras.class_label_en);
            I.oom = 1;
            goto done;
        }
        free(extras.class_label_en);
    }
    {
        chiso_diag_list found;
        chiso_diag_list_init(&found, 100);
        found.lang = I.lang;
        st = chiso_framework_check_text(&fw, path, json.data, json.len, &found);
        if (st != CHISO_OK) {
            report_loader(&I, &found, node_line, built);
            if (I.n_problems == 0) {
                problem(&I, &I.sh->rows[I.header], NULL, -1,
                        N_("the framework does not validate"));
            }
        }
        chiso_diag_list_free(&found);
    }
    if (I.n_problems > 0 || fw == NULL) {
        goto done;
    }
    /* positions: the code cell of each node's row */
    for (i = 0; i < fw->n_nodes; i++) {
        size_t slot, f = hash_find(&I, fw->nodes[i].id, &slot);
        if (f != 0) {
            const fwt_cell *c = cell_at(I.t[f - 1].row, I.col[C_CODE]);
            fw->nodes[i].line = c ? c->line : I.t[f - 1].row->line;
            fw->nodes[i].column = c ? c->col : 0;
        }
    }
    doc = calloc(1, sizeof(*doc));
    if (doc == NULL) {
        I.oom = 1;
        goto done;
    }
    doc->fw = fw;
    fw = NULL;
    doc->declared_max = I.has_total;
    doc->sources = I.sources;
    doc->n_sources = I.n_sources;
    I.sources = NULL;
    I.n_sources = 0;
    if (I.n_classes > 0) {
        doc->class_label_en = calloc(I.n_classes, sizeof(char *));
        if (doc->class_label_en == NULL) {
            I.oom = 1;
            goto done;
        }
        for (i = 0; i < I.n_classes; i++) {
            doc->class_label_en[i] = I.classes[i].label_en;
            I.classes[i].label_en = NULL;
        }
    }
done:
    if (I.oom) {
        chiso_diag_list_addf(problems, CHISO_ENOMEM, path, 0, 0,
                             "out of memory");
        chiso_fwdoc_free(doc);
        doc = NULL;
    }
    free(node_line);
    chiso_buf_free(&json);
    chiso_framework_free(built);
    chiso_framework_free(fw);
    imp_free(&I);
    chiso_fwtable__book_free(book);
    if (doc == NULL) {
        return I.oom ? CHISO_ENOMEM : CHISO_ESCHEMA;
    }
    *out = doc;
    return CHISO_OK;
}

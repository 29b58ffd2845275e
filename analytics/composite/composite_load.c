/*
 * composite_load.c - reading and validating COINr-style iData + iMeta.
 *
 * iMeta is read first and checked as a whole (types, levels, parents,
 * weights, one index, no cycles), so that while the iData header is being
 * read every column can be checked against it with the header's exact
 * position still at hand. Cross-file problems found later ("this iMeta
 * code has no column") point at the iMeta row, whose cell positions are
 * kept for that purpose.
 *
 * Codes and units are looked up in hash sets (chiso_stats_keys), and the
 * tree is checked in linear time, so a file ten times larger takes ten
 * times longer, not a hundred.
 *
 * Values are read row by row into a unit-major buffer and transposed at
 * the end: the engine wants indicator-major columns (one contiguous vector
 * of units per indicator), which is what every normalisation and every
 * weighted sum walks.
 */
#include "composite_int.h"

#include "chiso_dataset.h"
#include "chiso_stats.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum {
    MC_LEVEL,
    MC_CODE,
    MC_NAME,
    MC_PARENT,
    MC_DIRECTION,
    MC_WEIGHT,
    MC_TYPE,
    MC_TARGET,
    MC_GP_LOWER,
    MC_GP_UPPER,
    MC_N
};

static const chiso_csv_column meta_columns[MC_N] = {
    {"level", "cap|cap_do|tang", 1},
    {"icode", "code|ma|ma_chi_so|ma_chi_tieu|ma_tieu_chi", 1},
    {"iname", "name|ten|ten_chi_so|ten_chi_tieu|ten_tieu_chi", 0},
    {"parent", "cha|ma_cha|nhom_cha|thuoc", 1},
    {"direction", "chieu|huong|chieu_tac_dong", 1},
    {"weight", "trong_so", 1},
    {"type", "loai", 1},
    {"target", "muc_tieu|chi_tieu", 0},
    {"goalpost_lower", "nguong_duoi|can_duoi", 0},
    {"goalpost_upper", "nguong_tren|can_tren", 0},
};

/* One iMeta row while loading. */
struct meta_row {
    char *code, *name, *parent;
    char *weight_text; /* the Weight cell as written, for messages */
    chiso_cmp_type type;
    int level, has_level;
    double weight;
    int has_weight;
    int direction, has_direction;
    double target;
    int has_target;
    double gp_lower, gp_upper;
    int has_gp;
    unsigned long line, col_code, col_parent, col_level, col_weight;
    size_t node;       /* index in the model, CHISO_CMP_NONE if none */
    size_t parent_row; /* row index of the parent, CHISO_CMP_NONE */
    long data_col;     /* iData field index, -1 until seen */
};

struct loader {
    const char *meta_path;
    const char *data_path;
    chiso_diag *diag;
    struct meta_row *rows;
    size_t n_rows, cap_rows;
    chiso_stats_keys *codes; /* iCode -> row index */
    chiso_stats_keys *units; /* uCode -> unit index */
    chiso_composite *m;
};

static const char *const type_names[] = {"Indicator", "Aggregate", "Group",
                                         "Denominator", "Other"};

static int
parse_type(const char *s, size_t len, chiso_cmp_type *out)
{
    char f[32];
    static const char *const folded[] = {"indicator", "aggregate", "group",
                                         "denominator", "other"};
    size_t i;

    chiso_text_fold(s, len, f, sizeof(f));
    for (i = 0; i < 5; i++) {
        if (strcmp(f, folded[i]) == 0) {
            *out = (chiso_cmp_type)i;
            return 0;
        }
    }
    return -1;
}

/* Empty, NA, N/A, "-": a missing cell. */
static int
cell_missing(const char *s, size_t len)
{
    unsigned char c0;

    chiso_text_trim_quick(&s, &len);
    if (len == 0) {
        return 1;
    }
    /* fast path for the usual cell, a number: no marker starts with a
       digit, nor with a sign or point followed by a digit */
    c0 = (unsigned char)s[0];
    if ((c0 >= '0' && c0 <= '9') ||
        ((c0 == '-' || c0 == '+' || c0 == '.') && len > 1 &&
         (unsigned char)s[1] >= '0' && (unsigned char)s[1] <= '9')) {
        return 0;
    }
    return chiso_text_is_not_applicable(s, len);
}

/*
 * Parse a data cell. Cells written by R, Python or a C program are plain
 * C-locale numbers ([-+]digits[.digits][e[-+]digits]); those are read by
 * chiso_strtod_plain (no strtod for up to 19 significant digits) or else
 * strtod, which give exactly what chiso_parse_number() would, without its
 * copy and separator analysis (a measurable share of loading a large
 * table). Anything else (decimal commas, thousands separators, '%') takes
 * the general parser. Returns 0 on success.
 */
static int
parse_cell_number(const char *s, size_t len, double *out)
{
    size_t i = 0, digits = 0;
    char *end;

    chiso_text_trim_quick(&s, &len);
    if (len > 0 && chiso_strtod_plain(s, &end, out) && end == s + len) {
        return 0;
    }
    if (i < len && (s[i] == '-' || s[i] == '+')) {
        i++;
    }
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        digits++;
    }
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            digits++;
        }
    }
    if (digits > 0 && i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t e = ++i, ed = 0;
        if (i < len && (s[i] == '-' || s[i] == '+')) {
            i++;
        }
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            ed++;
        }
        if (ed == 0) {
            i = e - 1; /* "1e" is not plain: let the general parser judge */
        }
    }
    if (digits > 0 && i == len &&
        (s[len] == '\0' || s[len] == ' ' || s[len] == '\t' || s[len] == '\r')) {
        *out = chiso_strtod(s, &end);
        if (end == s + len && isfinite(*out)) {
            return 0;
        }
    }
    return chiso_parse_number(s, len, out);
}

static char *
cell_copy(const chiso_csv_row *row, long k)
{
    size_t len;
    const char *s = chiso_csv_field(row, k, &len);

    chiso_text_trim(&s, &len);
    return chiso_strndup(s, len);
}

static unsigned long
field_col(chiso_csv_reader *r, const chiso_csv_row *row, long k)
{
    unsigned long line, col;

    if (k < 0) {
        return 0;
    }
    chiso_csv_field_position(r, row, (size_t)k, &line, &col);
    return col;
}

/* Parse an optional number cell: 0 empty, 1 parsed, -1 error reported. */
static int
number_cell(chiso_csv_reader *r,
            chiso_diag *diag,
            const chiso_csv_row *row,
            long k,
            double *out)
{
    size_t len;
    const char *s = chiso_csv_field(row, k, &len);

    if (k < 0 || cell_missing(s, len)) {
        return 0;
    }
    if (chiso_parse_number(s, len, out) != 0) {
        chiso_csv_field_error(
            r, diag, CHISO_EDATA, row, (size_t)k,
            chiso_msg(DLANG(diag), "invalid number '%s' in column '%s'"),
            row->field[k], chiso_csv_header_name(r, (size_t)k));
        return -1;
    }
    return 1;
}

static chiso_status
oom(chiso_diag *diag, const char *path)
{
    return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
}

/* ---- iMeta ---------------------------------------------------------------- */

static chiso_status
read_meta_row(struct loader *L,
              chiso_csv_reader *r,
              const chiso_csv_row *row,
              const long *idx)
{
    struct meta_row *mr;
    size_t len, i;
    const char *s;
    double v;
    int rc;

    if (L->n_rows == L->cap_rows) {
        size_t cap = L->cap_rows ? 2 * L->cap_rows : 64;
        struct meta_row *p = realloc(L->rows, cap * sizeof(*p));
        if (p == NULL) {
            return oom(L->diag, L->meta_path);
        }
        L->rows = p;
        L->cap_rows = cap;
    }
    mr = &L->rows[L->n_rows];
    memset(mr, 0, sizeof(*mr));
    mr->node = CHISO_CMP_NONE;
    mr->parent_row = CHISO_CMP_NONE;
    mr->data_col = -1;
    mr->line = row->line;
    mr->col_code = field_col(r, row, idx[MC_CODE]);
    mr->col_parent = field_col(r, row, idx[MC_PARENT]);
    mr->col_level = field_col(r, row, idx[MC_LEVEL]);
    mr->col_weight = field_col(r, row, idx[MC_WEIGHT]);
    mr->code = cell_copy(row, idx[MC_CODE]);
    mr->parent = cell_copy(row, idx[MC_PARENT]);
    mr->name =
        idx[MC_NAME] >= 0 ? cell_copy(row, idx[MC_NAME]) : chiso_strdup("");
    L->n_rows++;
    if (mr->code == NULL || mr->parent == NULL || mr->name == NULL) {
        return oom(L->diag, L->meta_path);
    }
    if (cell_missing(mr->parent, strlen(mr->parent))) {
        mr->parent[0] = '\0';
    }
    if (mr->code[0] == '\0') {
        return chiso_csv_field_error(
            r, L->diag, CHISO_EDATA, row, (size_t)idx[MC_CODE],
            chiso_msg(DLANG(L->diag), "empty iCode: every row needs a code"));
    }
    if (strcmp(mr->code, "uCode") == 0 || strcmp(mr->code, "uName") == 0 ||
        strcmp(mr->code, "Time") == 0) {
        return chiso_csv_field_error(
            r, L->diag, CHISO_EDATA, row, (size_t)idx[MC_CODE],
            chiso_msg(DLANG(L->diag), "iCode '%s' is reserved for a special "
                                      "column of iData"),
            mr->code);
    }
    {
        int added;
        if (chiso_stats_keys_add(L->codes, mr->code, strlen(mr->code), &i,
                                 &added) != CHISO_OK) {
            return oom(L->diag, L->meta_path);
        }
        if (!added) {
            return chiso_csv_field_error(
                r, L->diag, CHISO_EDATA, row, (size_t)idx[MC_CODE],
                chiso_msg(DLANG(L->diag), "duplicate iCode '%s' (first on line "
                                          "%lu)"),
                mr->code, L->rows[i].line);
        }
    }
    s = chiso_csv_field(row, idx[MC_TYPE], &len);
    chiso_text_trim(&s, &len);
    if (parse_type(s, len, &mr->type) != 0) {
        return chiso_csv_field_error(
            r, L->diag, CHISO_EDATA, row, (size_t)idx[MC_TYPE],
            chiso_msg(DLANG(L->diag), "unknown Type '%s' of '%s' (expected "
                                      "Indicator, Aggregate, Group, "
                                      "Denominator or Other)"),
            row->field[idx[MC_TYPE]], mr->code);
    }
    if (mr->type != CHISO_CMP_INDICATOR && mr->type != CHISO_CMP_AGGREGATE) {
        return CHISO_OK; /* Level, Weight, Parent... are not used */
    }
    /* Level */
    rc = number_cell(r, L->diag, row, idx[MC_LEVEL], &v);
    if (rc < 0) {
        return L->diag->code;
    }
    if (rc == 0 || v < 1 || v > 1000 || !chiso_is_zero(v - floor(v))) {
        return chiso_csv_field_error(
            r, L->diag, CHISO_EDATA, row, (size_t)idx[MC_LEVEL],
            chiso_msg(
                DLANG(L->diag),
                "invalid Level '%s' of '%s': expected a whole number, 1 for "
                "indicators"),
            row->field[idx[MC_LEVEL]], mr->code);
    }
    mr->level = (int)v;
    mr->has_level = 1;
    if (mr->type == CHISO_CMP_INDICATOR && mr->level != 1) {
        return chiso_csv_field_error(
            r, L->diag, CHISO_EDATA, row, (size_t)idx[MC_LEVEL],
            chiso_msg(DLANG(L->diag), "indicator '%s' has Level %d; indicators "
                                      "are at Level 1"),
            mr->code, mr->level);
    }
    if (mr->type == CHISO_CMP_AGGREGATE && mr->level < 2) {
        return chiso_csv_field_error(
            r, L->diag, CHISO_EDATA, row, (size_t)idx[MC_LEVEL],
            chiso_msg(DLANG(L->diag), "aggregate '%s' has Level 1; aggregates "
                                      "are at Level 2 or above"),
            mr->code);
    }
    /* Weight: required except for the index (no parent) */
    rc = number_cell(r, L->diag, row, idx[MC_WEIGHT], &v);
    if (rc < 0) {
        return L->diag->code;
    }
    if (rc == 0) {
        if (mr->parent[0] != '\0') {
            return chiso_csv_field_error(
                r, L->diag, CHISO_EDATA, row, (size_t)idx[MC_WEIGHT],
                chiso_msg(DLANG(L->diag), "missing Weight of '%s'"), mr->code);
        }
        v = 1.0;
    } else if (!isfinite(v) || v < 0) {
        return chiso_csv_field_error(
            r, L->diag, CHISO_EDATA, row, (size_t)idx[MC_WEIGHT],
            chiso_msg(DLANG(L->diag), "negative Weight '%s' of '%s': weights "
                                      "must be 0 or more"),
            row->field[idx[MC_WEIGHT]], mr->code);
    }
    mr->weight = v;
    mr->has_weight = 1;
    mr->weight_text = cell_copy(row, idx[MC_WEIGHT]);
    if (mr->weight_text == NULL) {
        return oom(L->diag, L->meta_path);
    }
    /* Direction: required for indicators, optional (ignored) above */
    rc = number_cell(r, L->diag, row, idx[MC_DIRECTION], &v);
    if (rc < 0) {
        return L->diag->code;
    }
    if ((rc == 0 && mr->type == CHISO_CMP_INDICATOR) ||
        (rc == 1 && !chiso_is_zero(v - 1.0) && !chiso_is_zero(v + 1.0))) {
        return chiso_csv_field_error(
            r, L->diag, CHISO_EDATA, row, (size_t)idx[MC_DIRECTION],
            chiso_msg(DLANG(L->diag), "Direction of '%s' must be 1 (higher is "
                                      "better) or -1 (lower is better), got "
                                      "'%s'"),
            mr->code, row->field[idx[MC_DIRECTION]]);
    }
    mr->direction = rc == 1 && v < 0 ? -1 : 1;
    mr->has_direction = rc == 1;
    /* Target and goalposts (indicators only) */
    if (mr->type == CHISO_CMP_INDICATOR) {
        double lo = 0, hi = 0;
        int rl, ru;
        rc = number_cell(r, L->diag, row, idx[MC_TARGET], &mr->target);
        if (rc < 0) {
            return L->diag->code;
        }
        mr->has_target = rc;
        rl = number_cell(r, L->diag, row, idx[MC_GP_LOWER], &lo);
        if (rl < 0) {
            return L->diag->code;
        }
        ru = number_cell(r, L->diag, row, idx[MC_GP_UPPER], &hi);
        if (ru < 0) {
            return L->diag->code;
        }
        if (rl != ru) {
            long k = rl ? idx[MC_GP_LOWER] : idx[MC_GP_UPPER];
            return chiso_csv_field_error(
                r, L->diag, CHISO_EDATA, row, (size_t)k,
                chiso_msg(DLANG(L->diag), "'%s' has only one goalpost: give "
                                          "both goalpost_lower and "
                                          "goalpost_upper, or neither"),
                mr->code);
        }
        if (rl == 1 && !(lo < hi)) {
            return chiso_csv_field_error(
                r, L->diag, CHISO_EDATA, row, (size_t)idx[MC_GP_UPPER],
                chiso_msg(DLANG(L->diag), "goalposts of '%s' must satisfy "
                                          "goalpost_lower < goalpost_upper "
                                          "(got %g and %g); Direction -1 "
                                          "reverses them"),
                mr->code, lo, hi);
        }
        mr->has_gp = rl == 1;
        mr->gp_lower = lo;
        mr->gp_upper = hi;
    }
    return CHISO_OK;
}

/* Rows and keys are numbered alike: row i holds the i-th code added. */
static size_t
find_row(const struct loader *L, const char *code)
{
    long i = chiso_stats_keys_find(L->codes, code, strlen(code));

    return i < 0 ? CHISO_CMP_NONE : (size_t)i;
}

static int
in_tree(const struct meta_row *mr)
{
    return mr->type == CHISO_CMP_INDICATOR || mr->type == CHISO_CMP_AGGREGATE;
}

/* Cross-row checks: parents, levels, cycles, the index, children. */
static chiso_status
check_tree(struct loader *L)
{
    size_t i, j, root = CHISO_CMP_NONE, n_tree = 0;
    const char *path = L->meta_path;

    for (i = 0; i < L->n_rows; i++) {
        struct meta_row *mr = &L->rows[i];
        size_t p;
        if (!in_tree(mr)) {
            continue;
        }
        n_tree++;
        if (mr->parent[0] == '\0') {
            if (mr->type == CHISO_CMP_INDICATOR) {
                return chiso_diag_set(L->diag, CHISO_ESCHEMA, path, mr->line,
                                      mr->col_parent,
                                      "indicator '%s' has no Parent", mr->code);
            }
            if (root != CHISO_CMP_NONE) {
                return chiso_diag_set(
                    L->diag, CHISO_ESCHEMA, path, mr->line, mr->col_parent,
                    "aggregates '%s' (line %lu) and '%s' both have no Parent: "
                    "exactly one aggregate, the index, may have none",
                    L->rows[root].code, L->rows[root].line, mr->code);
            }
            root = i;
            continue;
        }
        p = find_row(L, mr->parent);
        if (p == CHISO_CMP_NONE) {
            return chiso_diag_set(L->diag, CHISO_ESCHEMA, path, mr->line,
                                  mr->col_parent,
                                  "unknown Parent '%s' of '%s': no iMeta row "
                                  "has this iCode",
                                  mr->parent, mr->code);
        }
        if (L->rows[p].type != CHISO_CMP_AGGREGATE) {
            return chiso_diag_set(
                L->diag, CHISO_ESCHEMA, path, mr->line, mr->col_parent,
                "Parent '%s' of '%s' is of Type %s; a "
                "parent must be an Aggregate",
                mr->parent, mr->code, type_names[L->rows[p].type]);
        }
        mr->parent_row = p;
    }
    /* cycles: colour the rows while walking up (0 unseen, 1 on the walk,
       2 known to reach the index, 3 on a cycle); every row is walked
       once. The cycle reported is the one through the first row in iMeta
       order that lies on a cycle, written from that row. */
    {
        unsigned char *mark = calloc(L->n_rows + 1, 1);
        size_t first = CHISO_CMP_NONE;
        if (mark == NULL) {
            return oom(L->diag, path);
        }
        for (i = 0; i < L->n_rows; i++) {
            size_t k = i, q;
            unsigned char end;
            if (!in_tree(&L->rows[i]) || mark[i] != 0) {
                continue;
            }
            while (k != CHISO_CMP_NONE && mark[k] == 0) {
                mark[k] = 1;
                k = L->rows[k].parent_row;
            }
            end = 2;
            if (k != CHISO_CMP_NONE && mark[k] == 1) {
                /* the walk met itself: k .. back to k is a cycle */
                q = k;
                do {
                    mark[q] = 3;
                    first = q < first ? q : first;
                    q = L->rows[q].parent_row;
                } while (q != k);
            }
            for (q = i; q != CHISO_CMP_NONE && mark[q] == 1;
                 q = L->rows[q].parent_row) {
                mark[q] = end;
            }
        }
        free(mark);
        if (first != CHISO_CMP_NONE) {
            chiso_buf b = CHISO_BUF_INIT;
            size_t q = first;
            chiso_status st;
            do {
                chiso_buf_printf(&b, "%s -> ", L->rows[q].code);
                q = L->rows[q].parent_row;
            } while (q != first);
            chiso_buf_puts(&b, L->rows[first].code);
            st = chiso_diag_set(L->diag, CHISO_ESCHEMA, path,
                                L->rows[first].line, L->rows[first].col_parent,
                                "cycle in Parent: %s", b.data ? b.data : "");
            chiso_buf_free(&b);
            return st;
        }
    }
    for (i = 0; i < L->n_rows; i++) {
        struct meta_row *mr = &L->rows[i];
        if (!in_tree(mr) || mr->parent_row == CHISO_CMP_NONE) {
            continue;
        }
        if (L->rows[mr->parent_row].level != mr->level + 1) {
            return chiso_diag_set(
                L->diag, CHISO_ESCHEMA, path, mr->line, mr->col_parent,
                "Parent '%s' of '%s' is at Level %d but '%s' is at Level %d: "
                "a parent must be exactly one level up",
                mr->parent, mr->code, L->rows[mr->parent_row].level, mr->code,
                mr->level);
        }
    }
    if (n_tree == 0) {
        return chiso_diag_set(L->diag, CHISO_ESCHEMA, path, 0, 0,
                              "no row of Type Indicator or Aggregate");
    }
    if (root == CHISO_CMP_NONE) {
        return chiso_diag_set(L->diag, CHISO_ESCHEMA, path, 0, 0,
                              "no index: exactly one row of Type Aggregate "
                              "must have an empty Parent");
    }
    {
        size_t *n_child = calloc(L->n_rows + 1, sizeof(*n_child));
        double *wmax = calloc(L->n_rows + 1, sizeof(*wmax));
        chiso_status st = CHISO_OK;
        if (n_child == NULL || wmax == NULL) {
            free(n_child);
            free(wmax);
            return oom(L->diag, path);
        }
        for (j = 0; j < L->n_rows; j++) {
            size_t p = L->rows[j].parent_row;
            if (in_tree(&L->rows[j]) && p != CHISO_CMP_NONE) {
                n_child[p]++;
                wmax[p] =
                    L->rows[j].weight > wmax[p] ? L->rows[j].weight : wmax[p];
            }
        }
        for (i = 0; i < L->n_rows && st == CHISO_OK; i++) {
            struct meta_row *mr = &L->rows[i];
            if (mr->type != CHISO_CMP_AGGREGATE) {
                continue;
            }
            if (n_child[i] == 0) {
                st = chiso_diag_set(L->diag, CHISO_ESCHEMA, path, mr->line,
                                    mr->col_code,
                                    "aggregate '%s' has no children: no row "
                                    "names it as Parent",
                                    mr->code);
            } else if (!(wmax[i] > 0)) {
                st = chiso_diag_set(L->diag, CHISO_ESCHEMA, path, mr->line,
                                    mr->col_code,
                                    "the weights of the children of '%s' are "
                                    "all 0",
                                    mr->code);
            }
        }
        /* Weights are relative within a parent and are put on one scale
           (a power of two, chiso_composite__weight_shift) before any sum,
           so weights near the largest double do not overflow. A weight so
           much smaller than its siblings' that it would then fall below
           the normal doubles (about 1e-308 of them) would lose its digits
           or vanish: refused here, at its cell. */
        for (j = 0; j < L->n_rows && st == CHISO_OK; j++) {
            const struct meta_row *mr = &L->rows[j];
            size_t p = mr->parent_row;
            int shift;
            if (!in_tree(mr) || p == CHISO_CMP_NONE || !(mr->weight > 0)) {
                continue;
            }
            shift = chiso_composite__weight_shift(wmax[p], n_child[p]);
            if (ldexp(mr->weight, shift) < DBL_MIN) {
                st = chiso_diag_set(
                    L->diag, CHISO_EDATA, path, mr->line, mr->col_weight,
                    "Weight '%s' of '%s' is too small next to the largest "
                    "weight under '%s' (%g): the ratio is beyond what a "
                    "double holds; write the weights on a common scale",
                    mr->weight_text, mr->code, L->rows[p].code, wmax[p]);
            }
        }
        free(n_child);
        free(wmax);
        if (st != CHISO_OK) {
            return st;
        }
    }
    return CHISO_OK;
}

static chiso_status
load_meta(struct loader *L)
{
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    long idx[MC_N];
    chiso_status st;

    st = chiso_csv_open(&r, L->meta_path, NULL, L->diag);
    if (st != CHISO_OK) {
        goto out;
    }
    st = chiso_csv_bind(r, meta_columns, MC_N, idx, L->diag);
    if (st != CHISO_OK) {
        goto out;
    }
    while ((st = chiso_csv_next(r, &row, L->diag)) == CHISO_OK) {
        size_t j;
        for (j = 0; j < row.n && row.len[j] == 0; j++) {
        }
        if (j == row.n) {
            continue; /* an empty row left by a spreadsheet */
        }
        st = read_meta_row(L, r, &row, idx);
        if (st != CHISO_OK) {
            goto out;
        }
    }
    if (st != CHISO_DONE) {
        goto out;
    }
    st = check_tree(L);
out:
    chiso_csv_close(r);
    return st;
}

/* ---- building the model --------------------------------------------------- */

/* (level, iMeta row) of an aggregate, for sorting */
struct agg_key {
    int level;
    size_t row;
};

static int
agg_key_cmp(const void *pa, const void *pb)
{
    const struct agg_key *a = pa, *b = pb;

    if (a->level != b->level) {
        return a->level < b->level ? -1 : 1;
    }
    return a->row < b->row ? -1 : a->row > b->row;
}

static chiso_status
build_nodes(struct loader *L)
{
    chiso_composite *m = L->m;
    size_t i, j, n = 0, n_ind = 0, k;
    struct agg_key *agg = NULL;
    size_t n_agg = 0;
    double *wsum = NULL;

    for (i = 0; i < L->n_rows; i++) {
        if (in_tree(&L->rows[i])) {
            n++;
            n_ind += L->rows[i].type == CHISO_CMP_INDICATOR;
        }
    }
    m->nodes = calloc(n, sizeof(*m->nodes));
    agg = malloc((n - n_ind + 1) * sizeof(*agg));
    if (m->nodes == NULL || agg == NULL) {
        free(agg);
        return oom(L->diag, L->meta_path);
    }
    m->n_nodes = n;
    m->n_indicators = n_ind;
    k = 0;
    for (i = 0; i < L->n_rows; i++) {
        if (L->rows[i].type == CHISO_CMP_INDICATOR) {
            L->rows[i].node = k++;
        } else if (L->rows[i].type == CHISO_CMP_AGGREGATE) {
            agg[n_agg].level = L->rows[i].level;
            agg[n_agg].row = i;
            n_agg++;
        }
    }
    /* aggregates by (level, iMeta order) */
    qsort(agg, n_agg, sizeof(*agg), agg_key_cmp);
    for (j = 0; j < n_agg; j++) {
        L->rows[agg[j].row].node = k++;
    }
    free(agg);
    for (i = 0; i < L->n_rows; i++) {
        const struct meta_row *mr = &L->rows[i];
        chiso_cmp_node *nd;
        if (mr->node == CHISO_CMP_NONE) {
            continue;
        }
        nd = &m->nodes[mr->node];
        nd->code = chiso_strdup(mr->code);
        nd->name = chiso_strdup(mr->name[0] ? mr->name : mr->code);
        if (nd->code == NULL || nd->name == NULL) {
            return oom(L->diag, L->meta_path);
        }
        nd->type = mr->type;
        nd->level = mr->level;
        nd->parent = mr->parent_row == CHISO_CMP_NONE
                         ? CHISO_CMP_NONE
                         : L->rows[mr->parent_row].node;
        nd->weight = mr->weight;
        nd->direction = mr->direction;
        nd->has_target = mr->has_target;
        nd->target = mr->target;
        nd->has_goalposts = mr->has_gp;
        nd->goalpost_lower = mr->gp_lower;
        nd->goalpost_upper = mr->gp_upper;
        nd->meta_line = mr->line;
        nd->meta_column = mr->col_code;
        nd->meta_weight_column = mr->col_weight;
        if (nd->parent == CHISO_CMP_NONE) {
            m->root = mr->node;
            m->n_levels = mr->level;
        }
    }
    /* children in iMeta order (rows are visited in iMeta order): count,
       allocate, fill */
    for (i = 0; i < L->n_rows; i++) {
        const struct meta_row *mr = &L->rows[i];
        if (mr->node != CHISO_CMP_NONE && mr->parent_row != CHISO_CMP_NONE) {
            m->nodes[L->rows[mr->parent_row].node].n_children++;
        }
    }
    for (k = 0; k < n; k++) {
        chiso_cmp_node *p = &m->nodes[k];
        if (p->n_children > 0) {
            p->children = malloc(p->n_children * sizeof(*p->children));
            if (p->children == NULL) {
                return oom(L->diag, L->meta_path);
            }
            p->n_children = 0;
        }
    }
    for (i = 0; i < L->n_rows; i++) {
        const struct meta_row *mr = &L->rows[i];
        chiso_cmp_node *p;
        if (mr->node == CHISO_CMP_NONE || mr->parent_row == CHISO_CMP_NONE) {
            continue;
        }
        p = &m->nodes[L->rows[mr->parent_row].node];
        p->children[p->n_children++] = mr->node;
    }
    /* weight shares and effective weights (parents come after children,
       so walk from the index down), from the weights on the kernel's
       scale: the same quotients, without overflow */
    wsum = malloc(n * sizeof(*wsum));
    if (wsum == NULL) {
        return oom(L->diag, L->meta_path);
    }
    chiso_composite__kernel_weights(m, wsum, NULL);
    for (k = n; k-- > 0;) {
        chiso_cmp_node *p = &m->nodes[k];
        double s = 0;
        if (p->parent == CHISO_CMP_NONE) {
            p->weight_share = 1.0;
            p->effective_weight = 1.0;
        }
        for (j = 0; j < p->n_children; j++) {
            s += wsum[p->children[j]];
        }
        for (j = 0; j < p->n_children; j++) {
            chiso_cmp_node *c = &m->nodes[p->children[j]];
            c->weight_share = wsum[p->children[j]] / s;
            c->effective_weight = c->weight_share * p->effective_weight;
        }
    }
    free(wsum);
    return CHISO_OK;
}

/* ---- iData ---------------------------------------------------------------- */

/*
 * Transpose the rows x cols matrices v (doubles) and p (bytes), row-major,
 * into cols x rows, in place, by following the cycles of the permutation
 * k -> k rows mod (rows cols - 1) (element (r, c) at r cols + c moves to
 * c rows + r). The values only move. In place, the unit-major buffers the
 * reader filled become the model's arrays: no second buffer of the same
 * size to fault in (each 4 KiB page costs about 10 us in a virtual
 * machine). Used up to TRANSPOSE_IN_PLACE_MAX cells, where its scattered
 * accesses stay in the caches; above, the plain copy. 0, or -1 when out
 * of memory (nothing moved).
 */
#define TRANSPOSE_IN_PLACE_MAX ((size_t)1 << 20)

static int
transpose_in_place(double *v, unsigned char *p, size_t rows, size_t cols)
{
    size_t n = rows * cols, last = n - 1, k;
    unsigned char *seen;

    if (rows <= 1 || cols <= 1) {
        return 0; /* one row or one column: the same layout */
    }
    seen = calloc((n + 7) / 8, 1);
    if (seen == NULL) {
        return -1;
    }
    for (k = 1; k < last; k++) {
        size_t cur = k;
        double dv = v[k];
        unsigned char dp = p[k];
        if (seen[k / 8] >> (k % 8) & 1) {
            continue;
        }
        do {
            size_t next = cur * rows % last;
            double tv = v[next];
            unsigned char tp = p[next];
            v[next] = dv;
            p[next] = dp;
            dv = tv;
            dp = tp;
            seen[next / 8] |= (unsigned char)(1u << (next % 8));
            cur = next;
        } while (cur != k);
    }
    free(seen);
    return 0;
}

struct data_state {
    long col_ucode, col_uname, col_time;
    size_t n_fields;
    long *field_row; /* iData field -> iMeta row, -1 for special */
    size_t cap_units;
    double *vals; /* unit-major while reading */
    unsigned char *pres;
};

static int
special_col(const char *name, const char *canon, const char *aliases)
{
    char f[64];
    const char *a = aliases;
    size_t n;

    chiso_text_fold(name, strlen(name), f, sizeof(f));
    if (strcmp(f, canon) == 0) {
        return 1;
    }
    while (a != NULL && *a) {
        n = strcspn(a, "|");
        if (strlen(f) == n && strncmp(f, a, n) == 0) {
            return 1;
        }
        a += n;
        if (*a == '|') {
            a++;
        }
    }
    return 0;
}

static chiso_status
read_data_header(struct loader *L, chiso_csv_reader *r, struct data_state *D)
{
    chiso_csv_row row;
    chiso_status st;
    size_t k, i;

    st = chiso_csv_next(r, &row, L->diag);
    if (st == CHISO_DONE) {
        return chiso_diag_set(L->diag, CHISO_EPARSE, L->data_path, 1, 1,
                              "empty file: expected a header row");
    }
    if (st != CHISO_OK) {
        return st;
    }
    D->n_fields = row.n;
    D->field_row = malloc((row.n ? row.n : 1) * sizeof(*D->field_row));
    if (D->field_row == NULL) {
        return oom(L->diag, L->data_path);
    }
    D->col_ucode = D->col_uname = D->col_time = -1;
    for (k = 0; k < row.n; k++) {
        size_t len = row.len[k];
        const char *s = row.field[k];
        char *name;
        size_t mi;
        long *special = NULL;
        D->field_row[k] = -1;
        chiso_text_trim(&s, &len);
        name = chiso_strndup(s, len);
        if (name == NULL) {
            return oom(L->diag, L->data_path);
        }
        mi = find_row(L, name);
        free(name);
        /* an iMeta code wins over the aliases of the special columns
           ("nam" is a year, but also a possible code) */
        if (mi != CHISO_CMP_NONE) {
            special = NULL;
        } else if (special_col(s, "ucode", "unit_code|ma_don_vi|ma_dv")) {
            special = &D->col_ucode;
        } else if (special_col(s, "uname", "unit_name|ten_don_vi|ten_dv")) {
            special = &D->col_uname;
        } else if (special_col(s, "time", "year|nam|ky")) {
            special = &D->col_time;
        }
        if (special != NULL) {
            if (*special >= 0) {
                return chiso_csv_field_error(
                    r, L->diag, CHISO_ESCHEMA, &row, k,
                    chiso_msg(
                        DLANG(L->diag),
                        "columns '%s' and '%s' mean the same special column"),
                    row.field[*special], row.field[k]);
            }
            *special = (long)k;
            continue;
        }
        if (mi == CHISO_CMP_NONE) {
            return chiso_csv_field_error(
                r, L->diag, CHISO_ESCHEMA, &row, k,
                chiso_msg(DLANG(L->diag), "column '%s' is not in iMeta (%s): "
                                          "add a row with this iCode, "
                                          "or remove the column"),
                row.field[k], L->meta_path);
        }
        if (L->rows[mi].type == CHISO_CMP_AGGREGATE) {
            return chiso_csv_field_error(
                r, L->diag, CHISO_ESCHEMA, &row, k,
                chiso_msg(DLANG(L->diag), "column '%s' is an aggregate in "
                                          "iMeta (line %lu); aggregates "
                                          "are computed, not read"),
                row.field[k], L->rows[mi].line);
        }
        if (L->rows[mi].data_col >= 0) {
            return chiso_csv_field_error(
                r, L->diag, CHISO_ESCHEMA, &row, k,
                chiso_msg(DLANG(L->diag), "duplicate column '%s'"),
                row.field[k]);
        }
        L->rows[mi].data_col = (long)k;
        D->field_row[k] = (long)mi;
        if (L->rows[mi].node != CHISO_CMP_NONE) {
            L->m->nodes[L->rows[mi].node].data_field = k;
        }
    }
    if (D->col_ucode < 0) {
        return chiso_diag_set(L->diag, CHISO_ESCHEMA, L->data_path, 1, 1,
                              "missing column 'uCode' (the unit code; also "
                              "accepted: unit_code, ma_don_vi)");
    }
    for (i = 0; i < L->n_rows; i++) {
        const struct meta_row *mr = &L->rows[i];
        if (mr->type != CHISO_CMP_AGGREGATE && mr->data_col < 0) {
            return chiso_diag_set(L->diag, CHISO_ESCHEMA, L->meta_path,
                                  mr->line, mr->col_code,
                                  "iCode '%s' (Type %s) has no column in %s",
                                  mr->code, type_names[mr->type], L->data_path);
        }
    }
    return CHISO_OK;
}

static chiso_status
add_unit(struct loader *L,
         struct data_state *D,
         chiso_csv_reader *r,
         const chiso_csv_row *row)
{
    chiso_composite *m = L->m;
    size_t u = m->n_units, k, i, n_ind = m->n_indicators;
    char *code;

    if (u == D->cap_units) {
        size_t cap = D->cap_units ? 2 * D->cap_units : 64;
        char **c = realloc(m->unit_code, cap * sizeof(*c));
        char **nm;
        unsigned long *ln;
        double *v;
        unsigned char *p;
        if (c == NULL) {
            return oom(L->diag, L->data_path);
        }
        m->unit_code = c;
        nm = realloc(m->unit_name, cap * sizeof(*nm));
        if (nm == NULL) {
            return oom(L->diag, L->data_path);
        }
        m->unit_name = nm;
        ln = realloc(m->unit_line, cap * sizeof(*ln));
        if (ln == NULL) {
            return oom(L->diag, L->data_path);
        }
        m->unit_line = ln;
        v = realloc(D->vals, cap * (n_ind ? n_ind : 1) * sizeof(*v));
        if (v == NULL) {
            return oom(L->diag, L->data_path);
        }
        D->vals = v;
        p = realloc(D->pres, cap * (n_ind ? n_ind : 1));
        if (p == NULL) {
            return oom(L->diag, L->data_path);
        }
        D->pres = p;
        D->cap_units = cap;
    }
    code = cell_copy(row, D->col_ucode);
    if (code == NULL) {
        return oom(L->diag, L->data_path);
    }
    if (code[0] == '\0') {
        free(code);
        return chiso_csv_field_error(
            r, L->diag, CHISO_EDATA, row, (size_t)D->col_ucode,
            chiso_msg(DLANG(L->diag), "empty uCode: every row needs a unit "
                                      "code"));
    }
    {
        int added;
        if (chiso_stats_keys_add(L->units, code, strlen(code), &i, &added) !=
            CHISO_OK) {
            free(code);
            return oom(L->diag, L->data_path);
        }
        if (!added) {
            chiso_status st = chiso_csv_field_error(
                r, L->diag, CHISO_EDATA, row, (size_t)D->col_ucode,
                chiso_msg(DLANG(L->diag),
                          "duplicate unit '%s' (first on line %lu)"),
                code, m->unit_line[i]);
            free(code);
            return st;
        }
    }
    m->unit_code[u] = code;
    m->unit_line[u] = row->line;
    m->unit_name[u] = NULL;
    m->n_units++;
    if (D->col_uname >= 0) {
        m->unit_name[u] = cell_copy(row, D->col_uname);
        if (m->unit_name[u] != NULL && m->unit_name[u][0] == '\0') {
            free(m->unit_name[u]);
            m->unit_name[u] = NULL;
        }
    }
    if (m->unit_name[u] == NULL) {
        m->unit_name[u] = chiso_strdup(code);
        if (m->unit_name[u] == NULL) {
            return oom(L->diag, L->data_path);
        }
    }
    for (k = 0; k < D->n_fields; k++) {
        const struct meta_row *mr;
        size_t len;
        const char *s;
        double v;
        if (D->field_row[k] < 0) {
            continue;
        }
        mr = &L->rows[D->field_row[k]];
        if (mr->type != CHISO_CMP_INDICATOR &&
            mr->type != CHISO_CMP_DENOMINATOR) {
            continue;
        }
        s = chiso_csv_field(row, (long)k, &len);
        if (cell_missing(s, len)) {
            if (mr->type == CHISO_CMP_INDICATOR) {
                D->vals[u * n_ind + mr->node] = 0;
                D->pres[u * n_ind + mr->node] = 0;
                m->n_missing++;
                m->nodes[mr->node].n_missing++;
            }
            continue;
        }
        if (parse_cell_number(s, len, &v) != 0) {
            return chiso_csv_field_error(
                r, L->diag, CHISO_EDATA, row, k,
                mr->type == CHISO_CMP_INDICATOR
                    ? chiso_msg(DLANG(L->diag),
                                "invalid number '%s' in column '%s' "
                                "(indicator of unit '%s'): expected a "
                                "number, or an empty cell for a missing "
                                "value")
                    : chiso_msg(DLANG(L->diag),
                                "invalid number '%s' in column '%s' "
                                "(denominator of unit '%s'): expected a "
                                "number, or an empty cell for a missing "
                                "value"),
                row->field[k], mr->code, code);
        }
        if (mr->type == CHISO_CMP_INDICATOR) {
            D->vals[u * n_ind + mr->node] = v;
            D->pres[u * n_ind + mr->node] = 1;
        }
    }
    return CHISO_OK;
}

static chiso_status
load_data(struct loader *L, const chiso_composite_load_options *opts)
{
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    struct data_state D;
    chiso_status st;
    chiso_composite *m = L->m;
    char *first_time = NULL;
    unsigned long first_time_line = 0;
    size_t i, u, n_ind = m->n_indicators;

    memset(&D, 0, sizeof(D));
    st = chiso_csv_open(&r, L->data_path, NULL, L->diag);
    if (st != CHISO_OK) {
        goto out;
    }
    st = read_data_header(L, r, &D);
    if (st != CHISO_OK) {
        goto out;
    }
    if (opts != NULL && opts->time != NULL && D.col_time < 0) {
        st = chiso_diag_set(L->diag, CHISO_ESCHEMA, L->data_path, 1, 1,
                            "a Time value ('%s') was asked for but the file "
                            "has no Time column",
                            opts->time);
        goto out;
    }
    while ((st = chiso_csv_next(r, &row, L->diag)) == CHISO_OK) {
        size_t j;
        for (j = 0; j < row.n && row.len[j] == 0; j++) {
        }
        if (j == row.n) {
            continue;
        }
        if (D.col_time >= 0) {
            size_t len;
            const char *s = chiso_csv_field(&row, D.col_time, &len);
            chiso_text_trim(&s, &len);
            if (opts != NULL && opts->time != NULL) {
                if (strlen(opts->time) != len ||
                    strncmp(opts->time, s, len) != 0) {
                    continue;
                }
            } else if (first_time == NULL) {
                first_time = chiso_strndup(s, len);
                first_time_line = row.line;
                if (first_time == NULL) {
                    st = oom(L->diag, L->data_path);
                    goto out;
                }
            } else if (strlen(first_time) != len ||
                       strncmp(first_time, s, len) != 0) {
                st = chiso_csv_field_error(
                    r, L->diag, CHISO_EDATA, &row, (size_t)D.col_time,
                    chiso_msg(
                        DLANG(L->diag),
                        "panel data: Time '%s' differs from '%s' (line %lu); "
                        "choose one period with --time"),
                    row.field[D.col_time], first_time, first_time_line);
                goto out;
            }
        }
        st = add_unit(L, &D, r, &row);
        if (st != CHISO_OK) {
            goto out;
        }
    }
    if (st != CHISO_DONE) {
        goto out;
    }
    st = CHISO_OK;
    if (m->n_units == 0) {
        if (opts != NULL && opts->time != NULL) {
            st = chiso_diag_set(L->diag, CHISO_EDATA, L->data_path, 0, 0,
                                "no row has Time '%s'", opts->time);
        } else {
            st = chiso_diag_set(L->diag, CHISO_EDATA, L->data_path, 0, 0,
                                "no units: the file has a header but no "
                                "rows");
        }
        goto out;
    }
    if (opts != NULL && opts->time != NULL) {
        m->time = chiso_strdup(opts->time);
    } else if (first_time != NULL) {
        m->time = first_time;
        first_time = NULL;
    }
    /* transpose to indicator-major */
    if (n_ind > 0 && m->n_units * n_ind <= TRANSPOSE_IN_PLACE_MAX &&
        transpose_in_place(D.vals, D.pres, m->n_units, n_ind) == 0) {
        m->value = D.vals;
        m->present = D.pres;
        D.vals = NULL;
        D.pres = NULL;
        goto out;
    }
    m->value = malloc(m->n_units * (n_ind ? n_ind : 1) * sizeof(*m->value));
    m->present = malloc(m->n_units * (n_ind ? n_ind : 1));
    if (m->value == NULL || m->present == NULL) {
        st = oom(L->diag, L->data_path);
        goto out;
    }
    for (u = 0; u < m->n_units; u++) {
        for (i = 0; i < n_ind; i++) {
            m->value[i * m->n_units + u] = D.vals[u * n_ind + i];
            m->present[i * m->n_units + u] = D.pres[u * n_ind + i];
        }
    }
out:
    free(first_time);
    free(D.field_row);
    free(D.vals);
    free(D.pres);
    chiso_csv_close(r);
    return st;
}

chiso_status
chiso_composite_load(chiso_composite **out,
                     const char *data_path,
                     const char *meta_path,
                     const chiso_composite_load_options *opts,
                     chiso_diag *diag)
{
    struct loader L;
    chiso_diag local;
    chiso_status st;
    size_t i;

    *out = NULL;
    memset(&L, 0, sizeof(L));
    chiso_diag_clear(&local);
    L.diag = diag != NULL ? diag : &local;
    L.meta_path = meta_path;
    L.data_path = data_path;
    if (strcmp(data_path, "-") == 0 || strcmp(meta_path, "-") == 0) {
        return chiso_diag_set(L.diag, CHISO_EUSAGE, NULL, 0, 0,
                              "iData and iMeta must be files, not standard "
                              "input");
    }
    L.m = calloc(1, sizeof(*L.m));
    if (L.m == NULL || chiso_stats_keys_new(&L.codes, 64) != CHISO_OK ||
        chiso_stats_keys_new(&L.units, 64) != CHISO_OK) {
        chiso_stats_keys_free(L.codes);
        chiso_stats_keys_free(L.units);
        free(L.m);
        return oom(L.diag, meta_path);
    }
    L.m->data_path = chiso_strdup(data_path);
    L.m->meta_path = chiso_strdup(meta_path);
    if (L.m->data_path == NULL || L.m->meta_path == NULL) {
        st = oom(L.diag, meta_path);
        goto out;
    }
    st = load_meta(&L);
    if (st != CHISO_OK) {
        goto out;
    }
    st = build_nodes(&L);
    if (st != CHISO_OK) {
        goto out;
    }
    st = load_data(&L, opts);
out:
    for (i = 0; i < L.n_rows; i++) {
        free(L.rows[i].code);
        free(L.rows[i].name);
        free(L.rows[i].parent);
        free(L.rows[i].weight_text);
    }
    free(L.rows);
    chiso_stats_keys_free(L.codes);
    chiso_stats_keys_free(L.units);
    if (st != CHISO_OK) {
        chiso_composite_free(L.m);
        return st;
    }
    *out = L.m;
    return CHISO_OK;
}

void
chiso_composite_free(chiso_composite *m)
{
    size_t i;

    if (m == NULL) {
        return;
    }
    for (i = 0; i < m->n_nodes; i++) {
        free(m->nodes[i].code);
        free(m->nodes[i].name);
        free(m->nodes[i].children);
    }
    free(m->nodes);
    for (i = 0; i < m->n_units; i++) {
        free(m->unit_code[i]);
        free(m->unit_name[i]);
    }
    free(m->unit_code);
    free(m->unit_name);
    free(m->unit_line);
    free(m->value);
    free(m->present);
    free(m->data_path);
    free(m->meta_path);
    free(m->time);
    free(m);
}

size_t
chiso_composite_find(const chiso_composite *m, const char *code)
{
    size_t i;

    for (i = 0; i < m->n_nodes; i++) {
        if (strcmp(m->nodes[i].code, code) == 0) {
            return i;
        }
    }
    return CHISO_CMP_NONE;
}

unsigned long
chiso_composite__data_column(const chiso_composite *m,
                             size_t node,
                             unsigned long line)
{
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    unsigned long l = 0, col = 0;
    size_t k = m->nodes[node].data_field;

    /* error path only: reread the file up to the record to place the
       caret exactly */
    if (chiso_csv_open(&r, m->data_path, NULL, NULL) == CHISO_OK) {
        while (chiso_csv_next(r, &row, NULL) == CHISO_OK) {
            if (row.line == line) {
                if (k < row.n) {
                    chiso_csv_field_position(r, &row, k, &l, &col);
                }
                break;
            }
            if (row.line > line) {
                break;
            }
        }
    }
    chiso_csv_close(r);
    return col;
}

/*
 * published.c - the published-results store and the breaks registry.
 *
 * Both files are small, hand-curated CSVs (datasets/published/), so the
 * loader favours thoroughness over speed: it reads every row into memory,
 * checks each cell, then runs cross-row checks (duplicate facts must be
 * marked as a conflict with exactly one preferred row; a unit code always
 * carries the same name; PAPI sub-dimensions add up to their dimension and
 * dimensions to the aggregate within the published rounding). Every problem
 * is appended to a list with the file:line:column of the offending cell,
 * so `chiso validate` reports them all at once; the loaders used by the
 * commands stop at the first.
 *
 * Cells are kept as written in strings ("" when empty), numbers parsed
 * once. The decimals of each value are remembered because the PAPI sum
 * tolerance depends on how the report rounded.
 */
#include "chiso_dataset.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum {
    C_INDEX,
    C_YEAR,
    C_UNIT_CODE,
    C_UNIT,
    C_UNIT_TYPE,
    C_COMPONENT,
    C_COMPONENT_ID,
    C_COMPONENT_NAME,
    C_VALUE,
    C_SCALE,
    C_MAX,
    C_RANK,
    C_RANK_OF,
    C_RANK_DERIVED,
    C_STATUS,
    C_PREFERRED,
    C_CONFLICT,
    C_PREFERRED_REASON,
    C_CONFIDENCE,
    C_SOURCE,
    C_NOTE,
    N_RESULT_COLS
};

/* Every column is required: the store is ours, and a missing column is
 * more likely a broken edit than a choice. Vietnamese aliases help when a
 * colleague re-exports the file from a spreadsheet with translated
 * headers. */
static const chiso_csv_column result_columns[N_RESULT_COLS] = {
    {"index", "chi_so", 1},
    {"year", "nam", 1},
    {"unit_code", "ma_don_vi", 1},
    {"unit", "don_vi|ten_don_vi|tinh", 1},
    {"unit_type", "loai_don_vi", 1},
    {"component", "thanh_phan|cap", 1},
    {"component_id", "ma_thanh_phan", 1},
    {"component_name", "ten_thanh_phan", 1},
    {"value", "gia_tri", 1},
    {"scale", "thang_do|thang_diem", 1},
    {"max", "toi_da|diem_toi_da", 1},
    {"rank", "xep_hang|thu_hang", 1},
    {"rank_of", "tren_tong_so|tong_so_xep_hang", 1},
    {"rank_derived", "hang_suy_ra", 1},
    {"status", "trang_thai", 1},
    {"preferred", "uu_tien|dung", 1},
    {"conflict", "mau_thuan|xung_dot", 1},
    {"preferred_reason", "ly_do_uu_tien|ly_do", 1},
    {"confidence", "do_tin_cay", 1},
    {"source", "nguon", 1},
    {"note", "ghi_chu", 1},
};

enum {
    B_INDEX,
    B_YEAR,
    B_UNIT_CODE,
    B_KIND,
    B_WHAT,
    B_SOURCE,
    B_CONFIDENCE,
    N_BREAK_COLS
};

static const chiso_csv_column break_columns[N_BREAK_COLS] = {
    {"index", "chi_so", 1},
    {"year", "nam", 1},
    {"unit_code", "ma_don_vi", 1},
    {"kind", "loai", 1},
    {"what_changed", "thay_doi|noi_dung", 1},
    {"source", "nguon", 1},
    {"confidence", "do_tin_cay", 1},
};

/* Plausible years for the indices (PAR INDEX started in 2012, PAPI in
 * 2009); the upper bound only catches typos such as 20233. */
#define PUB_YEAR_MIN 2000
#define PUB_YEAR_MAX 2100
/* Provinces: 63 until 2024, 34 from 1 July 2025 (README). */
#define PUB_PROVINCES_UNTIL_2024 63
#define PUB_PROVINCES_FROM_2025  34
/* PAPI: 6 dimensions until 2017, 8 from 2018. */
#define PAPI_DIMS_FROM_2018  8
#define PAPI_DIMS_UNTIL_2017 6

static const char *const unit_types[] = {"province", "ministry",  "department",
                                         "region",   "aggregate", NULL};
static const char *const components[] = {"total",        "area",    "dimension",
                                         "subdimension", "element", NULL};
static const char *const scales[] = {"%", "/100", "/80", "/10", "pts", NULL};
static const char *const statuses[] = {"published", "not_scored",
                                       "value_not_found", NULL};
static const char *const confidences[] = {"high", "medium", "low", NULL};
static const char *const break_kinds[] = {"methodology", "sampling", "boundary",
                                          "ranking_base", NULL};

const char *
chiso_pub_status_name(chiso_pub_status s)
{
    return (unsigned)s < 3 ? statuses[s] : "?";
}

const char *
chiso_break_kind_name(chiso_break_kind k)
{
    return (unsigned)k < 4 ? break_kinds[k] : "?";
}

/* Positions of cells, for cross-row messages. */
typedef struct rowpos {
    unsigned long col[N_RESULT_COLS];
} rowpos;

struct pl {
    const char *path;
    chiso_csv_reader *r;
    chiso_diag_list *problems;
    size_t n_problems;
    int oom;
};

static void problem_at(struct pl *L,
                       unsigned long line,
                       unsigned long col,
                       const char *fmt,
                       ...) CHISO_PRINTF(4, 5);

static void
problem_at(
    struct pl *L, unsigned long line, unsigned long col, const char *fmt, ...)
{
    chiso_diag d;
    va_list ap;

    chiso_diag_clear(&d);
    d.code = CHISO_EDATA;
    snprintf(d.path, sizeof(d.path), "%s", L->path);
    d.line = line;
    d.column = col;
    va_start(ap, fmt);
    d.lang = L->problems->lang;
    vsnprintf(d.message, sizeof(d.message), chiso_msg(d.lang, fmt), ap);
    va_end(ap);
    L->n_problems++;
    if (chiso_diag_list_add(L->problems, &d) != CHISO_OK) {
        L->oom = 1;
    }
}

static int
in_list(const char *s, const char *const *list)
{
    size_t i;

    for (i = 0; list[i] != NULL; i++) {
        if (strcmp(s, list[i]) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static char *
cell_copy(const chiso_csv_row *row, long k)
{
    size_t len;
    const char *s = chiso_csv_field(row, k, &len);

    chiso_text_trim(&s, &len);
    return chiso_strndup(s, len);
}

/* A whole number written with digits only. */
static int
parse_long(const char *s, long *out)
{
    char *end;
    long v;

    if (*s == '\0' || !isdigit((unsigned char)s[0])) {
        return -1;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (*end != '\0' || errno != 0) {
        return -1;
    }
    *out = v;
    return 0;
}

/* The year column: "2024", "2024-H1"/"2024-H2" or "2024-Q1".."2024-Q4"
 * (lower-case h/q accepted). */
static int
parse_year_period(const char *s, long *year, int *part, int *parts)
{
    char buf[16];
    const char *dash = strchr(s, '-');
    size_t n;

    *part = 0;
    *parts = 1;
    if (dash == NULL) {
        return parse_long(s, year);
    }
    n = (size_t)(dash - s);
    if (n == 0 || n >= sizeof(buf) || strlen(dash) != 3) {
        return -1;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (parse_long(buf, year) != 0) {
        return -1;
    }
    if ((dash[1] == 'H' || dash[1] == 'h') && dash[2] >= '1' &&
        dash[2] <= '2') {
        *parts = 2;
    } else if ((dash[1] == 'Q' || dash[1] == 'q') && dash[2] >= '1' &&
               dash[2] <= '4') {
        *parts = 4;
    } else {
        return -1;
    }
    *part = dash[2] - '0';
    return 0;
}

double
chiso_pub_row_time(const chiso_pub_row *r)
{
    if (r->period_parts <= 1 || r->period_part < 1) {
        return (double)r->year;
    }
    return (double)r->year +
           ((double)r->period_part - 0.5) / (double)r->period_parts;
}

void
chiso_pub_row_period(const chiso_pub_row *r, char *out, size_t len)
{
    if (r->period_parts <= 1 || r->period_part < 1) {
        snprintf(out, len, "%d", r->year);
    } else {
        snprintf(out, len, "%d-%c%d", r->year,
                 r->period_parts == 2 ? 'H' : 'Q', r->period_part);
    }
}

static int
count_decimals(const char *s)
{
    const char *p = strrchr(s, '.');
    const char *q = strrchr(s, ',');
    int n = 0;

    if (q != NULL && (p == NULL || q > p)) {
        p = q;
    }
    if (p == NULL) {
        return 0;
    }
    for (p++; isdigit((unsigned char)*p); p++) {
        n++;
    }
    return n;
}

/* Index and component codes: upper-case letters, digits, '_' and '.'. */
static int
valid_code(const char *s, int allow_dot)
{
    if (*s == '\0') {
        return 0;
    }
    for (; *s; s++) {
        if (!(isupper((unsigned char)*s) || isdigit((unsigned char)*s) ||
              *s == '_' || (allow_dot && *s == '.'))) {
            return 0;
        }
    }
    return 1;
}

/* Unit codes: lower-case ASCII letters, digits and '-'. */
static int
valid_unit_code(const char *s)
{
    if (*s == '\0') {
        return 0;
    }
    for (; *s; s++) {
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
              *s == '-')) {
            return 0;
        }
    }
    return 1;
}

/* Range of a scale: what a value on it can be. "pts" (points of a
 * component, e.g. a PAPI sub-dimension or a PAR area) is bounded by the
 * row's max when given, else by 0..100 like %% and /100. */
static void
scale_range(const char *scale, double *lo, double *hi)
{
    if (strcmp(scale, "/80") == 0) {
        *lo = 8; /* 8 dimensions of 1..10 */
        *hi = 80;
    } else if (strcmp(scale, "/10") == 0) {
        *lo = 1;
        *hi = 10;
    } else {
        *lo = 0;
        *hi = 100;
    }
}

static void
row_free(chiso_pub_row *r)
{
    free(r->index);
    free(r->unit_code);
    free(r->unit);
    free(r->unit_type);
    free(r->component);
    free(r->component_id);
    free(r->component_name);
    free(r->scale);
    free(r->conflict);
    free(r->preferred_reason);
    free(r->confidence);
    free(r->source);
    free(r->note);
}

static void
break_free(chiso_pub_break *b)
{
    free(b->index);
    free(b->unit_code);
    free(b->what_changed);
    free(b->source);
    free(b->confidence);
}

void
chiso_published_free(chiso_published *store)
{
    size_t i;

    if (store == NULL) {
        return;
    }
    for (i = 0; i < store->n; i++) {
        row_free(&store->rows[i]);
    }
    for (i = 0; i < store->n_breaks; i++) {
        break_free(&store->breaks[i]);
    }
    free(store->rows);
    free(store->breaks);
    free(store->path);
    free(store->breaks_path);
    free(store);
}

/* Check one row's cells; fill r. Returns 0 if the row is usable for the
 * cross-row checks (its key cells parsed), even with other problems. */
static int
check_row(struct pl *L,
          const chiso_csv_row *row,
          const long *idx,
          chiso_pub_row *r,
          rowpos *pos)
{
    const char *h;
    char *text[N_RESULT_COLS];
    size_t k;
    long v;
    int ok = 1, st;
    double lo, hi;

    memset(r, 0, sizeof(*r));
    for (k = 0; k < N_RESULT_COLS; k++) {
        unsigned long line;
        text[k] = cell_copy(row, idx[k]);
        if (text[k] == NULL) {
            L->oom = 1;
        }
        chiso_csv_field_position(L->r, row, (size_t)idx[k], &line,
                                 &pos->col[k]);
    }
    r->line = row->line;
    r->index = text[C_INDEX];
    r->unit_code = text[C_UNIT_CODE];
    r->unit = text[C_UNIT];
    r->unit_type = text[C_UNIT_TYPE];
    r->component = text[C_COMPONENT];
    r->component_id = text[C_COMPONENT_ID];
    r->component_name = text[C_COMPONENT_NAME];
    r->scale = text[C_SCALE];
    r->conflict = text[C_CONFLICT];
    r->preferred_reason = text[C_PREFERRED_REASON];
    r->confidence = text[C_CONFIDENCE];
    r->source = text[C_SOURCE];
    r->note = text[C_NOTE];
    if (L->oom) {
        free(text[C_YEAR]);
        free(text[C_VALUE]);
        free(text[C_MAX]);
        free(text[C_RANK]);
        free(text[C_RANK_OF]);
        free(text[C_RANK_DERIVED]);
        free(text[C_STATUS]);
        free(text[C_PREFERRED]);
        return -1;
    }
#define BAD(c, ...)                                                            \
    do {                                                                       \
        problem_at(L, r->line, pos->col[c], __VA_ARGS__);                      \
    } while (0)
    h = "index";
    if (!valid_code(r->index, 0)) {
        BAD(C_INDEX,
            "invalid index code '%s' in column '%s' (expected upper-case "
            "letters, digits and '_', e.g. PAR_INDEX)",
            r->index, h);
        ok = 0;
    }
    if (parse_year_period(text[C_YEAR], &v, &r->period_part,
                          &r->period_parts) != 0 ||
        v < PUB_YEAR_MIN || v > PUB_YEAR_MAX) {
        BAD(C_YEAR,
            "invalid year '%s' in column 'year' (expected %d..%d, or a "
            "half-year 2024-H1 or a quarter 2024-Q3)",
            text[C_YEAR], PUB_YEAR_MIN, PUB_YEAR_MAX);
        ok = 0;
    } else {
        r->year = (int)v;
    }
    if (!valid_unit_code(r->unit_code)) {
        BAD(C_UNIT_CODE,
            "invalid unit code '%s' in column 'unit_code' (expected "
            "lower-case letters, digits and '-', e.g. hung-yen)",
            r->unit_code);
        ok = 0;
    }
    if (r->unit[0] == '\0') {
        BAD(C_UNIT, "empty unit name in column 'unit'");
    } else if (!chiso_utf8_valid(r->unit, strlen(r->unit), NULL)) {
        BAD(C_UNIT, "unit name is not valid UTF-8 in column 'unit'");
    }
    if (in_list(r->unit_type, unit_types) < 0) {
        BAD(C_UNIT_TYPE,
            "invalid unit type '%s' in column 'unit_type' (expected "
            "province, ministry, department, region or aggregate)",
            r->unit_type);
    }
    if (in_list(r->component, components) < 0) {
        BAD(C_COMPONENT,
            "invalid component '%s' in column 'component' (expected total, "
            "area, dimension, subdimension or element)",
            r->component);
        ok = 0;
    } else if (strcmp(r->component, "total") == 0) {
        if (r->component_id[0] != '\0') {
            BAD(C_COMPONENT_ID,
                "component 'total' must have an empty component_id, got "
                "'%s'",
                r->component_id);
            ok = 0;
        }
    } else if (!valid_code(r->component_id, 1)) {
        BAD(C_COMPONENT_ID,
            "invalid component id '%s' in column 'component_id' (a "
            "%s needs an id such as D1, D1.2 or E3)",
            r->component_id, r->component);
        ok = 0;
    } else if (strcmp(r->component, "subdimension") == 0 &&
               strchr(r->component_id, '.') == NULL) {
        BAD(C_COMPONENT_ID,
            "sub-dimension id '%s' must name its dimension before a '.' "
            "(e.g. D1.2)",
            r->component_id);
        ok = 0;
    }
    if (in_list(r->scale, scales) < 0) {
        BAD(C_SCALE,
            "invalid scale '%s' in column 'scale' (expected %%, /100, /80, "
            "/10 or pts)",
            r->scale);
        ok = 0;
    }
    if (text[C_MAX][0] != '\0') {
        if (chiso_parse_number(text[C_MAX], strlen(text[C_MAX]), &r->max) !=
                0 ||
            !(r->max > 0)) {
            BAD(C_MAX,
                "invalid maximum '%s' in column 'max' (expected a "
                "positive number)",
                text[C_MAX]);
        } else {
            r->has_max = 1;
        }
    }
    if (text[C_VALUE][0] != '\0') {
        if (chiso_parse_number(text[C_VALUE], strlen(text[C_VALUE]),
                               &r->value) != 0) {
            BAD(C_VALUE, "invalid number '%s' in column 'value'",
                text[C_VALUE]);
            ok = 0;
        } else {
            r->has_value = 1;
            r->value_decimals = count_decimals(text[C_VALUE]);
            scale_range(r->scale, &lo, &hi);
            if (in_list(r->scale, scales) >= 0 &&
                (r->value < lo || r->value > hi)) {
                BAD(C_VALUE,
                    "value '%s' is outside the scale '%s' (%g..%g) in "
                    "column 'value'",
                    text[C_VALUE], r->scale, lo, hi);
            } else if (r->has_max && r->value > r->max) {
                BAD(C_VALUE,
                    "value '%s' is above the maximum %s in column 'value'",
                    text[C_VALUE], text[C_MAX]);
            }
        }
    }
    if (text[C_RANK][0] != '\0') {
        if (parse_long(text[C_RANK], &v) != 0 || v < 1) {
            BAD(C_RANK,
                "invalid rank '%s' in column 'rank' (expected a "
                "whole number from 1)",
                text[C_RANK]);
        } else {
            r->rank = v;
        }
    }
    if (text[C_RANK_OF][0] != '\0') {
        if (parse_long(text[C_RANK_OF], &v) != 0 || v < 1) {
            BAD(C_RANK_OF,
                "invalid rank_of '%s' in column 'rank_of' "
                "(expected a whole number from 1)",
                text[C_RANK_OF]);
        } else {
            r->rank_of = v;
        }
    }
    if (r->rank > 0 && r->rank_of == 0 && text[C_RANK_OF][0] == '\0') {
        BAD(C_RANK_OF,
            "rank %ld needs the number of ranked units in column "
            "'rank_of'",
            r->rank);
    } else if (r->rank > 0 && r->rank_of > 0 && r->rank > r->rank_of) {
        BAD(C_RANK, "rank %ld is above rank_of %ld", r->rank, r->rank_of);
    }
    if (r->rank_of > 0 && strcmp(r->unit_type, "province") == 0 &&
        r->year > 0) {
        long most = r->year >= 2025 ? PUB_PROVINCES_FROM_2025
                                    : PUB_PROVINCES_UNTIL_2024;
        if (r->rank_of > most) {
            BAD(C_RANK_OF,
                "rank_of %ld is above the %ld provinces of %d (63 until "
                "2024, 34 from 2025)",
                r->rank_of, most, r->year);
        }
    }
    if (strcmp(text[C_RANK_DERIVED], "1") == 0) {
        r->rank_derived = 1;
        if (r->rank == 0) {
            BAD(C_RANK_DERIVED, "rank_derived is 1 but there is no rank");
        }
    } else if (strcmp(text[C_RANK_DERIVED], "0") != 0) {
        BAD(C_RANK_DERIVED,
            "invalid value '%s' in column 'rank_derived' (expected 0 or 1)",
            text[C_RANK_DERIVED]);
    }
    st = in_list(text[C_STATUS], statuses);
    if (st < 0) {
        BAD(C_STATUS,
            "invalid status '%s' in column 'status' (expected published, "
            "not_scored or value_not_found)",
            text[C_STATUS]);
    } else {
        r->status = (chiso_pub_status)st;
        if (r->status == CHISO_PUB_PUBLISHED && !r->has_value && r->rank == 0 &&
            text[C_RANK][0] == '\0' && text[C_VALUE][0] == '\0') {
            BAD(C_STATUS, "status 'published' needs a value or a rank");
        } else if (r->status != CHISO_PUB_PUBLISHED &&
                   (text[C_VALUE][0] != '\0' || text[C_RANK][0] != '\0')) {
            BAD(C_STATUS, "status '%s' must not have a value or a rank",
                text[C_STATUS]);
        }
        if (r->status != CHISO_PUB_PUBLISHED && r->note[0] == '\0') {
            BAD(C_NOTE, "status '%s' needs the reason in column 'note'",
                text[C_STATUS]);
        }
    }
    if (strcmp(text[C_PREFERRED], "1") == 0) {
        r->preferred = 1;
    } else if (strcmp(text[C_PREFERRED], "0") != 0) {
        BAD(C_PREFERRED,
            "invalid value '%s' in column 'preferred' (expected 0 or 1)",
            text[C_PREFERRED]);
        ok = 0;
    }
    if (in_list(r->confidence, confidences) < 0) {
        BAD(C_CONFIDENCE,
            "invalid confidence '%s' in column 'confidence' (expected "
            "high, medium or low)",
            r->confidence);
    }
    if (r->source[0] == '\0') {
        BAD(C_SOURCE, "empty source in column 'source': every fact needs "
                      "one");
    }
#undef BAD
    free(text[C_YEAR]);
    free(text[C_VALUE]);
    free(text[C_MAX]);
    free(text[C_RANK]);
    free(text[C_RANK_OF]);
    free(text[C_RANK_DERIVED]);
    free(text[C_STATUS]);
    free(text[C_PREFERRED]);
    return ok ? 0 : 1;
}

/* Rows grouped by a key in n log n: (row, index) pairs sorted by the key,
 * ties by row index, so rows with equal keys are contiguous and in file
 * order. The checks below walk these groups in the order the plain
 * pairwise loops would, so they report the same problems in the same
 * order, without comparing every row with every other. */
struct row_ref {
    const chiso_pub_row *r;
    size_t i;
};

/* Whole years first, then semesters, then quarters, each in order. */
static int
period_cmp(const chiso_pub_row *a, const chiso_pub_row *b)
{
    if (a->period_parts != b->period_parts) {
        return a->period_parts < b->period_parts ? -1 : 1;
    }
    return (a->period_part > b->period_part) - (a->period_part < b->period_part);
}

/* (index, year, unit_code, component_id) */
static int
ref_fact_cmp(const void *pa, const void *pb)
{
    const struct row_ref *a = pa, *b = pb;
    int c = strcmp(a->r->index, b->r->index);

    if (c == 0 && a->r->year != b->r->year) {
        c = a->r->year < b->r->year ? -1 : 1;
    }
    if (c == 0) {
        c = period_cmp(a->r, b->r);
    }
    if (c == 0) {
        c = strcmp(a->r->unit_code, b->r->unit_code);
    }
    if (c == 0) {
        c = strcmp(a->r->component_id, b->r->component_id);
    }
    return c != 0 ? c : (a->i < b->i ? -1 : a->i > b->i);
}

/* unit_code */
static int
ref_unit_cmp(const void *pa, const void *pb)
{
    const struct row_ref *a = pa, *b = pb;
    int c = strcmp(a->r->unit_code, b->r->unit_code);

    return c != 0 ? c : (a->i < b->i ? -1 : a->i > b->i);
}

/* (index, year, unit_code) */
static int
ref_unit_year_cmp(const void *pa, const void *pb)
{
    const struct row_ref *a = pa, *b = pb;
    int c = strcmp(a->r->index, b->r->index);

    if (c == 0 && a->r->year != b->r->year) {
        c = a->r->year < b->r->year ? -1 : 1;
    }
    if (c == 0) {
        c = period_cmp(a->r, b->r);
    }
    if (c == 0) {
        c = strcmp(a->r->unit_code, b->r->unit_code);
    }
    return c != 0 ? c : (a->i < b->i ? -1 : a->i > b->i);
}

/* Sorted references, and grp[i] = position in ref of the first row of
 * row i's group. NULL (L->oom set) on allocation failure. */
static struct row_ref *
group_rows(struct pl *L,
           const chiso_pub_row *rows,
           size_t n,
           int (*cmp)(const void *, const void *),
           size_t **grp)
{
    struct row_ref *ref = malloc((n ? n : 1) * sizeof(*ref));
    size_t k, first = 0;

    *grp = malloc((n ? n : 1) * sizeof(**grp));
    if (ref == NULL || *grp == NULL) {
        free(ref);
        free(*grp);
        *grp = NULL;
        L->oom = 1;
        return NULL;
    }
    for (k = 0; k < n; k++) {
        ref[k].r = &rows[k];
        ref[k].i = k;
    }
    qsort(ref, n, sizeof(*ref), cmp);
    for (k = 0; k < n; k++) {
        struct row_ref a = ref[k], b = ref[first];
        /* same key: equal but for the row index */
        a.i = b.i;
        if (k > 0 && cmp(&a, &b) != 0) {
            first = k;
        }
        (*grp)[ref[k].i] = first;
    }
    return ref;
}

/* Duplicates: rows with the same (index, year, unit_code, component_id)
 * are allowed only as a marked conflict: every row carries the same
 * conflict tag and a preferred_reason, and exactly one is preferred. A
 * single row must be preferred. */
static void
check_duplicates(struct pl *L,
                 const chiso_pub_row *rows,
                 const rowpos *pos,
                 const int *usable,
                 size_t n)
{
    size_t i, k, *grp = NULL;
    char *seen = calloc(n ? n : 1, 1);
    struct row_ref *ref = group_rows(L, rows, n, ref_fact_cmp, &grp);

    if (seen == NULL || ref == NULL) {
        L->oom = 1;
        free(seen);
        free(ref);
        free(grp);
        return;
    }
    for (i = 0; i < n; i++) {
        size_t count = 1, n_pref = rows[i].preferred;
        if (seen[i] || !usable[i]) {
            continue;
        }
        /* the later rows of i's group, in file order */
        for (k = grp[i]; k < n && (k == grp[i] || grp[ref[k].i] == grp[i]);
             k++) {
            size_t j = ref[k].i;
            if (j > i && usable[j] && !seen[j]) {
                seen[j] = 1;
                count++;
                n_pref += (size_t)rows[j].preferred;
                if (rows[i].conflict[0] == '\0' ||
                    strcmp(rows[i].conflict, rows[j].conflict) != 0) {
                    problem_at(L, rows[j].line, pos[j].col[C_CONFLICT],
                               "duplicate fact: %s %d '%s'%s%s is also at "
                               "line %lu; conflicting sources need the same "
                               "tag in column 'conflict'",
                               rows[j].index, rows[j].year, rows[j].unit,
                               rows[j].component_id[0] ? " " : "",
                               rows[j].component_id, rows[i].line);
                }
                if (rows[j].preferred_reason[0] == '\0') {
                    problem_at(L, rows[j].line, pos[j].col[C_PREFERRED_REASON],
                               "conflicting row needs a reason in column "
                               "'preferred_reason'");
                }
            }
        }
        if (count == 1) {
            if (!rows[i].preferred) {
                problem_at(L, rows[i].line, pos[i].col[C_PREFERRED],
                           "preferred is 0 but no other row gives %s %d "
                           "'%s'%s%s",
                           rows[i].index, rows[i].year, rows[i].unit,
                           rows[i].component_id[0] ? " " : "",
                           rows[i].component_id);
            }
            continue;
        }
        if (rows[i].preferred_reason[0] == '\0') {
            problem_at(L, rows[i].line, pos[i].col[C_PREFERRED_REASON],
                       "conflicting row needs a reason in column "
                       "'preferred_reason'");
        }
        if (n_pref != 1) {
            problem_at(L, rows[i].line, pos[i].col[C_PREFERRED],
                       "%zu rows give %s %d '%s'%s%s and %zu of them are "
                       "preferred; exactly one must be",
                       count, rows[i].index, rows[i].year, rows[i].unit,
                       rows[i].component_id[0] ? " " : "", rows[i].component_id,
                       n_pref);
        }
    }
    free(seen);
    free(ref);
    free(grp);
}

/* The same unit code always names the same unit, of the same type: each
 * row against the first row with its code. */
static void
check_units(struct pl *L,
            const chiso_pub_row *rows,
            const rowpos *pos,
            size_t n)
{
    size_t i, *grp = NULL;
    struct row_ref *ref = group_rows(L, rows, n, ref_unit_cmp, &grp);

    if (ref == NULL) {
        return;
    }
    for (i = 0; i < n; i++) {
        size_t j = ref[grp[i]].i; /* the first row with this code */
        if (j >= i) {
            continue;
        }
        if (strcmp(rows[i].unit, rows[j].unit) != 0) {
            problem_at(L, rows[i].line, pos[i].col[C_UNIT],
                       "unit code '%s' is named '%s' here but '%s' at "
                       "line %lu",
                       rows[i].unit_code, rows[i].unit, rows[j].unit,
                       rows[j].line);
        } else if (strcmp(rows[i].unit_type, rows[j].unit_type) != 0) {
            problem_at(L, rows[i].line, pos[i].col[C_UNIT_TYPE],
                       "unit code '%s' has type '%s' here but '%s' at "
                       "line %lu",
                       rows[i].unit_code, rows[i].unit_type, rows[j].unit_type,
                       rows[j].line);
        }
    }
    free(ref);
    free(grp);
}

/* Half a unit in the last published decimal: the most a rounded value can
 * be off by. */
static double
half_ulp(int decimals)
{
    return 0.5 * pow(10.0, -(double)decimals);
}

/*
 * PAPI's additivity: a dimension equals the sum of its sub-dimensions
 * (equal weights) and, when all dimensions of the year are present, the
 * aggregate equals the sum of the dimensions. Each published number is
 * rounded, so the sum of k parts may differ from the rounded whole by up
 * to (k + 1) half-units of the last decimal. Only preferred rows with
 * values take part. The store keeps a dimension's sub-dimension table
 * complete or absent, so present sub-dimensions must add up.
 */
static void
check_papi_sums(struct pl *L,
                const chiso_pub_row *rows,
                const rowpos *pos,
                const int *usable,
                size_t n)
{
    size_t i, j, q, *grp = NULL;
    struct row_ref *ref = group_rows(L, rows, n, ref_unit_year_cmp, &grp);

    if (ref == NULL) {
        return;
    }
    for (i = 0; i < n; i++) {
        const chiso_pub_row *d = &rows[i];
        double sum = 0;
        int dec, k = 0;
        int is_dim = strcmp(d->component, "dimension") == 0;
        int is_total = strcmp(d->component, "total") == 0;
        size_t want;

        if (!usable[i] || strcmp(d->index, "PAPI") != 0 || !d->has_value ||
            !d->preferred || (!is_dim && !is_total)) {
            continue;
        }
        dec = d->value_decimals;
        /* the rows of the same index, year and unit, in file order */
        for (q = grp[i]; q < n && (q == grp[i] || grp[ref[q].i] == grp[i]);
             q++) {
            const chiso_pub_row *s;
            size_t dl = strlen(d->component_id);
            j = ref[q].i;
            s = &rows[j];
            if (!usable[j] || j == i || !s->preferred || !s->has_value ||
                s->year != d->year || strcmp(s->index, d->index) != 0 ||
                strcmp(s->unit_code, d->unit_code) != 0) {
                continue;
            }
            if (is_dim && strcmp(s->component, "subdimension") == 0 &&
                strncmp(s->component_id, d->component_id, dl) == 0 &&
                s->component_id[dl] == '.') {
                sum += s->value;
                k++;
                dec = s->value_decimals > dec ? s->value_decimals : dec;
            } else if (is_total && strcmp(s->component, "dimension") == 0) {
                sum += s->value;
                k++;
                dec = s->value_decimals > dec ? s->value_decimals : dec;
            }
        }
        want = d->year >= 2018 ? PAPI_DIMS_FROM_2018 : PAPI_DIMS_UNTIL_2017;
        if (k == 0 || (is_total && (size_t)k != want)) {
            continue;
        }
        if (fabs(sum - d->value) > (double)(k + 1) * half_ulp(dec) + 1e-9) {
            problem_at(L, d->line, pos[i].col[C_VALUE],
                       "PAPI %s %s of '%s' %d is %.*f but its %d %s add up "
                       "to %.*f (allowed rounding difference %.*f)",
                       is_total ? "aggregate" : "dimension",
                       is_total ? "" : d->component_id, d->unit, d->year,
                       d->value_decimals, d->value, k,
                       is_total ? "dimensions" : "sub-dimensions", dec, sum,
                       dec + 1, (double)(k + 1) * half_ulp(dec));
        }
    }
    free(ref);
    free(grp);
}

/* Read and check a results file into *out (rows kept even with
 * problems, so callers can list them; NULL on I/O or CSV errors). */
static chiso_status
read_results(chiso_published **out, const char *path, chiso_diag_list *problems)
{
    struct pl L;
    chiso_published *store = NULL;
    chiso_csv_row row;
    long idx[N_RESULT_COLS];
    chiso_diag d;
    chiso_status st;
    rowpos *pos = NULL;
    int *usable = NULL;
    size_t cap = 0;

    *out = NULL;
    memset(&L, 0, sizeof(L));
    L.path = path;
    L.problems = problems;
    chiso_diag_clear(&d);
    st = chiso_csv_open(&L.r, path, NULL, &d);
    if (st == CHISO_OK) {
        st = chiso_csv_bind(L.r, result_columns, N_RESULT_COLS, idx, &d);
    }
    if (st != CHISO_OK) {
        chiso_diag_list_add(problems, &d);
        chiso_csv_close(L.r);
        return st;
    }
    store = calloc(1, sizeof(*store));
    if (store == NULL || (store->path = chiso_strdup(path)) == NULL) {
        L.oom = 1;
        goto out;
    }
    while ((st = chiso_csv_next(L.r, &row, &d)) == CHISO_OK) {
        size_t j;
        for (j = 0; j < row.n && row.len[j] == 0; j++) {
        }
        if (j == row.n) {
            continue;
        }
        if (store->n == cap) {
            size_t nc = cap ? cap * 2 : 256;
            void *a = realloc(store->rows, nc * sizeof(*store->rows));
            void *b, *c;
            if (a == NULL) {
                L.oom = 1;
                goto out;
            }
            store->rows = a;
            b = realloc(pos, nc * sizeof(*pos));
            if (b == NULL) {
                L.oom = 1;
                goto out;
            }
            pos = b;
            c = realloc(usable, nc * sizeof(*usable));
            if (c == NULL) {
                L.oom = 1;
                goto out;
            }
            usable = c;
            cap = nc;
        }
        usable[store->n] = check_row(&L, &row, idx, &store->rows[store->n],
                                     &pos[store->n]) == 0;
        if (L.oom) {
            row_free(&store->rows[store->n]);
            goto out;
        }
        store->n++;
    }
    if (st != CHISO_DONE) {
        chiso_diag_list_add(problems, &d);
        goto out;
    }
    st = CHISO_OK;
    check_duplicates(&L, store->rows, pos, usable, store->n);
    check_units(&L, store->rows, pos, store->n);
    check_papi_sums(&L, store->rows, pos, usable, store->n);
out:
    chiso_csv_close(L.r);
    free(pos);
    free(usable);
    if (L.oom) {
        chiso_diag_list_addf(problems, CHISO_ENOMEM, path, 0, 0,
                             "out of memory");
        chiso_published_free(store);
        return CHISO_ENOMEM;
    }
    if (st != CHISO_OK) {
        chiso_published_free(store);
        return st;
    }
    *out = store;
    return L.n_problems > 0 ? CHISO_EDATA : CHISO_OK;
}

chiso_status
chiso_published_check(chiso_published **out,
                      const char *path,
                      chiso_diag_list *problems)
{
    chiso_published *store = NULL;
    chiso_status st = read_results(&store, path, problems);

    if (out != NULL) {
        *out = NULL;
    }
    if (st == CHISO_OK && out != NULL) {
        *out = store;
    } else {
        chiso_published_free(store);
    }
    return st;
}

chiso_status
chiso_breaks_check(chiso_published *store,
                   const char *path,
                   chiso_diag_list *problems)
{
    struct pl L;
    chiso_csv_row row;
    long idx[N_BREAK_COLS];
    chiso_diag d;
    chiso_status st;
    chiso_pub_break *b = NULL;
    size_t n = 0, cap = 0, i;

    memset(&L, 0, sizeof(L));
    L.path = path;
    L.problems = problems;
    chiso_diag_clear(&d);
    st = chiso_csv_open(&L.r, path, NULL, &d);
    if (st == CHISO_OK) {
        st = chiso_csv_bind(L.r, break_columns, N_BREAK_COLS, idx, &d);
    }
    if (st != CHISO_OK) {
        chiso_diag_list_add(problems, &d);
        chiso_csv_close(L.r);
        return st;
    }
    while ((st = chiso_csv_next(L.r, &row, &d)) == CHISO_OK) {
        chiso_pub_break e;
        unsigned long col[N_BREAK_COLS], line;
        char *year, *kind;
        long v;
        int kk;
        size_t j;

        for (j = 0; j < row.n && row.len[j] == 0; j++) {
        }
        if (j == row.n) {
            continue;
        }
        for (j = 0; j < N_BREAK_COLS; j++) {
            chiso_csv_field_position(L.r, &row, (size_t)idx[j], &line, &col[j]);
        }
        memset(&e, 0, sizeof(e));
        e.line = row.line;
        e.index = cell_copy(&row, idx[B_INDEX]);
        e.unit_code = cell_copy(&row, idx[B_UNIT_CODE]);
        e.what_changed = cell_copy(&row, idx[B_WHAT]);
        e.source = cell_copy(&row, idx[B_SOURCE]);
        e.confidence = cell_copy(&row, idx[B_CONFIDENCE]);
        year = cell_copy(&row, idx[B_YEAR]);
        kind = cell_copy(&row, idx[B_KIND]);
        if (!e.index || !e.unit_code || !e.what_changed || !e.source ||
            !e.confidence || !year || !kind) {
            break_free(&e);
            free(year);
            free(kind);
            L.oom = 1;
            break;
        }
        if (e.index[0] != '\0' && !valid_code(e.index, 0)) {
            problem_at(&L, e.line, col[B_INDEX],
                       "invalid index code '%s' in column 'index' (empty "
                       "means every index)",
                       e.index);
        }
        if (parse_long(year, &v) != 0 || v < PUB_YEAR_MIN || v > PUB_YEAR_MAX) {
            problem_at(&L, e.line, col[B_YEAR],
                       "invalid year '%s' in column 'year' (expected "
                       "%d..%d)",
                       year, PUB_YEAR_MIN, PUB_YEAR_MAX);
        } else {
            e.year = (int)v;
        }
        if (e.unit_code[0] != '\0' && !valid_unit_code(e.unit_code)) {
            problem_at(&L, e.line, col[B_UNIT_CODE],
                       "invalid unit code '%s' in column 'unit_code' (empty "
                       "means every unit)",
                       e.unit_code);
        }
        kk = in_list(kind, break_kinds);
        if (kk < 0) {
            problem_at(&L, e.line, col[B_KIND],
                       "invalid kind '%s' in column 'kind' (expected "
                       "methodology, sampling, boundary or ranking_base)",
                       kind);
        } else {
            e.kind = (chiso_break_kind)kk;
            if (e.kind == CHISO_BREAK_BOUNDARY && e.unit_code[0] == '\0') {
                problem_at(&L, e.line, col[B_UNIT_CODE],
                           "a boundary break needs the unit in column "
                           "'unit_code'");
            }
        }
        if (e.what_changed[0] == '\0') {
            problem_at(&L, e.line, col[B_WHAT],
                       "empty description in column 'what_changed'");
        }
        if (e.source[0] == '\0') {
            problem_at(&L, e.line, col[B_SOURCE],
                       "empty source in column 'source'");
        }
        if (in_list(e.confidence, confidences) < 0) {
            problem_at(&L, e.line, col[B_CONFIDENCE],
                       "invalid confidence '%s' in column 'confidence' "
                       "(expected high, medium or low)",
                       e.confidence);
        }
        for (i = 0; i < n; i++) {
            if (b[i].year == e.year && kk >= 0 &&
                b[i].kind == (chiso_break_kind)kk &&
                strcmp(b[i].index, e.index) == 0 &&
                strcmp(b[i].unit_code, e.unit_code) == 0) {
                problem_at(&L, e.line, col[B_YEAR],
                           "duplicate break: the same index, year, unit and "
                           "kind are at line %lu",
                           b[i].line);
            }
        }
        free(year);
        free(kind);
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            void *p = realloc(b, nc * sizeof(*b));
            if (p == NULL) {
                break_free(&e);
                L.oom = 1;
                break;
            }
            b = p;
            cap = nc;
        }
        b[n++] = e;
    }
    chiso_csv_close(L.r);
    if (L.oom) {
        st = CHISO_ENOMEM;
        chiso_diag_list_addf(problems, CHISO_ENOMEM, path, 0, 0,
                             "out of memory");
    } else if (st != CHISO_DONE) {
        chiso_diag_list_add(problems, &d);
    } else {
        st = L.n_problems > 0 ? CHISO_EDATA : CHISO_OK;
    }
    if (st == CHISO_OK && store != NULL) {
        char *p = chiso_strdup(path);
        if (p == NULL) {
            st = CHISO_ENOMEM;
        } else {
            for (i = 0; i < store->n_breaks; i++) {
                break_free(&store->breaks[i]);
            }
            free(store->breaks);
            free(store->breaks_path);
            store->breaks = b;
            store->n_breaks = n;
            store->breaks_path = p;
            return CHISO_OK;
        }
    }
    for (i = 0; i < n; i++) {
        break_free(&b[i]);
    }
    free(b);
    return st;
}

/* Copy the first (sorted) problem of a list into diag. */
static chiso_status
first_problem(chiso_diag_list *list, chiso_status st, chiso_diag *diag)
{
    if (list->n > 0) {
        chiso_diag_list_sort(list);
        if (diag != NULL && diag->code == CHISO_OK) {
            *diag = list->items[0];
            if (diag->code == CHISO_OK) {
                diag->code = st;
            }
        }
        return list->items[0].code != CHISO_OK ? list->items[0].code : st;
    }
    return chiso_diag_set(diag, st, NULL, 0, 0, "%s", chiso_status_str(st));
}

chiso_status
chiso_published_load(chiso_published **out,
                     const char *results,
                     const char *breaks,
                     chiso_diag *diag)
{
    chiso_diag_list list;
    chiso_published *store = NULL;
    chiso_status st;

    *out = NULL;
    chiso_diag_list_init(&list, 8);
    st = chiso_published_check(&store, results, &list);
    if (st == CHISO_OK && breaks != NULL) {
        st = chiso_breaks_check(store, breaks, &list);
    }
    if (st != CHISO_OK) {
        st = first_problem(&list, st, diag);
        chiso_diag_list_free(&list);
        chiso_published_free(store);
        return st;
    }
    chiso_diag_list_free(&list);
    *out = store;
    return CHISO_OK;
}

chiso_status
chiso_published_load_dir(chiso_published **out,
                         const char *dir,
                         chiso_diag *diag)
{
    chiso_buf r = CHISO_BUF_INIT, b = CHISO_BUF_INIT;
    chiso_status st;

    *out = NULL;
    if (chiso_buf_printf(&r, "%s/%s", dir, CHISO_PUBLISHED_RESULTS) !=
            CHISO_OK ||
        chiso_buf_printf(&b, "%s/%s", dir, CHISO_PUBLISHED_BREAKS) !=
            CHISO_OK) {
        chiso_buf_free(&r);
        chiso_buf_free(&b);
        return chiso_diag_set(diag, CHISO_ENOMEM, dir, 0, 0, "out of memory");
    }
    st = chiso_published_load(out, r.data, b.data, diag);
    chiso_buf_free(&r);
    chiso_buf_free(&b);
    return st;
}

int
chiso_published_unit_matches(const chiso_pub_row *row, const char *text)
{
    char a[256], b[256];

    if (strcmp(row->unit_code, text) == 0 || strcmp(row->unit, text) == 0) {
        return 1;
    }
    chiso_text_fold(text, strlen(text), a, sizeof(a));
    chiso_text_fold(row->unit, strlen(row->unit), b, sizeof(b));
    if (a[0] != '\0' && strcmp(a, b) == 0) {
        return 1;
    }
    /* the code folded the same way: "hung_yen" vs "hung-yen" */
    chiso_text_fold(row->unit_code, strlen(row->unit_code), b, sizeof(b));
    return a[0] != '\0' && strcmp(a, b) == 0;
}

int
chiso_break_applies(const chiso_pub_break *b,
                    const char *index,
                    const char *unit_code,
                    int ranks)
{
    if (b->index[0] != '\0' && strcmp(b->index, index) != 0) {
        return 0;
    }
    if (b->unit_code[0] != '\0' && strcmp(b->unit_code, unit_code) != 0) {
        return 0;
    }
    if (b->kind == CHISO_BREAK_RANKING_BASE && !ranks) {
        return 0;
    }
    return 1;
}

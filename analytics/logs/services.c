/*
 * services.c - dossier logs: row parsing, group accumulators, the
 * reference (libcsv) pass, and the result rows.
 *
 * The reference pass reads with chiso_csv_reader (libcsv) and is the
 * definition of what a file means: the fast tokenizer (services_fast.c)
 * either reproduces it exactly or gives up, and then this pass reads the
 * file. Rows are parsed into a record (svc_parse_row) and added to the cell
 * of their unit x period (svc_acc_add); cells are combined into the result
 * only at the end (svc_build_result), across threads, units and periods.
 */
#define _POSIX_C_SOURCE 200809L
#include "logs_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const chiso_csv_column svc_columns[SVC_NCOLS] = {
    {"dossier_id", "ma_ho_so|so_ho_so|ma_hs|id", 0},
    {"unit_code", "unit|ma_don_vi|don_vi|ma_co_quan|co_quan", 1},
    {"procedure_code", "ma_thu_tuc|ma_tthc|thu_tuc|procedure", 0},
    {"received_at",
     "ngay_tiep_nhan|ngay_nhan|thoi_gian_tiep_nhan|ngay_nop|received", 1},
    {"due_at",
     "ngay_hen_tra|han_xu_ly|han_giai_quyet|ngay_hen_tra_ket_qua|han_tra|due",
     1},
    {"finished_at",
     "ngay_co_ket_qua|ngay_hoan_thanh|ngay_ket_thuc|ngay_tra_ket_qua|"
     "ngay_giai_quyet|finished",
     1},
    {"channel", "kenh|kenh_nop|hinh_thuc_nop|hinh_thuc_tiep_nhan", 0},
    {"components_signed",
     "ky_so_thanh_phan|thanh_phan_ky_so|thanh_phan_da_ky_so", 0},
    {"result_signed", "ky_so_ket_qua|ket_qua_ky_so|ket_qua_dien_tu", 0},
    {"digitized", "digitised|so_hoa|da_so_hoa|so_hoa_ho_so", 0},
    {"satisfaction", "muc_do_hai_long|danh_gia|hai_long|diem_hai_long", 0},
    {"note", "ghi_chu|notes", 0},
};

/* ---- row parsing ---------------------------------------------------------------- */

static const char *
col_name(const svc_layout *L, int c)
{
    long k = L->col[c];

    return k >= 0 && (size_t)k < L->n_header ? L->header[k]
                                             : svc_columns[c].name;
}

static int
row_error(svc_err *err, const svc_layout *L, int c, const char *fmt, ...)
    CHISO_PRINTF(4, 5);

static int
row_error(svc_err *err, const svc_layout *L, int c, const char *fmt, ...)
{
    va_list ap;

    err->field = (size_t)L->col[c];
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

static int
parse_when(const svc_layout *L,
           int c,
           const char *const *f,
           const size_t *len,
           svc_time *t,
           svc_err *err)
{
    char why[160];
    const char *s = f[L->col[c]];
    size_t n = len[L->col[c]];

    if (svc_time_parse(s, n, t, why, sizeof(why)) != 0) {
        const char *p = s;
        size_t m = n;
        chiso_text_trim(&p, &m);
        char q[80];
        if (m == 0) {
            return row_error(err, L, c, "missing date in column '%s'",
                             col_name(L, c));
        }
        svc_quote(s, n, q, sizeof(q));
        return row_error(err, L, c, "invalid date '%s' in column '%s': %s", q,
                         col_name(L, c), why);
    }
    return 0;
}

static int
is_blank(const char *s, size_t n)
{
    chiso_text_trim(&s, &n);
    return n == 0;
}

/* 1 online, 0 direct or postal, -1 unknown. */
static int
parse_channel(const char *s, size_t n)
{
    static const char *const online[] = {"online",   "truc_tuyen", "dvctt",
                                         "qua_mang", "internet",   NULL};
    static const char *const offline[] = {
        "direct",   "truc_tiep", "tai_quay",
        "mot_cua",  "postal",    "buu_chinh",
        "buu_dien", "bcci",      "buu_chinh_cong_ich",
        NULL};
    char f[64];
    size_t i;

    if (n == 6) {
        if (memcmp(s, "online", 6) == 0) {
            return 1;
        }
        if (memcmp(s, "direct", 6) == 0 || memcmp(s, "postal", 6) == 0) {
            return 0;
        }
    }
    chiso_text_fold(s, n, f, sizeof(f));
    for (i = 0; online[i] != NULL; i++) {
        if (strcmp(f, online[i]) == 0) {
            return 1;
        }
    }
    for (i = 0; offline[i] != NULL; i++) {
        if (strcmp(f, offline[i]) == 0) {
            return 0;
        }
    }
    return -1;
}

static int
parse_flag(const char *s, size_t n)
{
    if (n == 1 && (s[0] == '0' || s[0] == '1')) {
        return s[0] - '0';
    }
    return chiso_parse_bool(s, n);
}

static int
parse_sat(const char *s, size_t n)
{
    double v;

    if (n == 1 && s[0] >= '1' && s[0] <= '5') {
        return s[0] - '0';
    }
    if (is_blank(s, n)) {
        return 0;
    }
    if (chiso_parse_number(s, n, &v) != 0 || !(v >= 1 && v <= 5) ||
        !chiso_is_zero(v - floor(v))) {
        return -1;
    }
    return (int)v;
}

int
svc_check_count(size_t n_header,
                const size_t *len,
                size_t *n,
                size_t *bad_field)
{
    size_t i;

    if (*n == n_header) {
        return 0;
    }
    if (*n > n_header) {
        for (i = n_header; i < *n && len[i] == 0; i++) {
        }
        if (i == *n) {
            *n = n_header;
            return 0;
        }
        *bad_field = n_header;
        return -1;
    }
    *bad_field = *n;
    return -1;
}

int
svc_parse_row(const svc_layout *L,
              const char *const *f,
              const size_t *len,
              svc_rec *r,
              svc_err *err)
{
    const char *s;
    size_t n;
    int v;
    static const int flags[3] = {SVC_COMP, SVC_RES, SVC_DIG};
    int8_t *dst[3];
    int i;

    s = f[L->col[SVC_UNIT]];
    n = len[L->col[SVC_UNIT]];
    chiso_text_trim(&s, &n);
    if (n == 0) {
        return row_error(err, L, SVC_UNIT, "missing unit code in column '%s'",
                         col_name(L, SVC_UNIT));
    }
    r->unit = s;
    r->unit_len = n;
    if (parse_when(L, SVC_RECV, f, len, &r->recv, err) != 0 ||
        parse_when(L, SVC_DUE, f, len, &r->due, err) != 0) {
        return -1;
    }
    r->finished = !is_blank(f[L->col[SVC_FIN]], len[L->col[SVC_FIN]]);
    r->proc_secs = 0;
    if (r->finished) {
        int64_t d;
        if (parse_when(L, SVC_FIN, f, len, &r->fin, err) != 0) {
            return -1;
        }
        d = svc_time_diff(&r->fin, &r->recv);
        if (d < 0 || d > (int64_t)UINT32_MAX) {
            char q[80], qr[80];
            svc_quote(f[L->col[SVC_FIN]], len[L->col[SVC_FIN]], q, sizeof(q));
            svc_quote(f[L->col[SVC_RECV]], len[L->col[SVC_RECV]], qr,
                      sizeof(qr));
            return row_error(err, L, SVC_FIN,
                             "finish '%s' in column '%s' is %s the receipt "
                             "'%s'",
                             q, col_name(L, SVC_FIN),
                             d < 0 ? "before" : "over 136 years after", qr);
        }
        r->proc_secs = (uint32_t)d;
    }
    r->online = 0;
    if (L->col[SVC_CHAN] >= 0) {
        s = f[L->col[SVC_CHAN]];
        n = len[L->col[SVC_CHAN]];
        v = parse_channel(s, n);
        if (v < 0) {
            char q[80];
            svc_quote(s, n, q, sizeof(q));
            return row_error(err, L, SVC_CHAN,
                             "invalid channel '%s' in column '%s' (expected "
                             "online, direct or postal)",
                             q, col_name(L, SVC_CHAN));
        }
        r->online = (int8_t)v;
    }
    dst[0] = &r->comp;
    dst[1] = &r->res;
    dst[2] = &r->dig;
    for (i = 0; i < 3; i++) {
        *dst[i] = 0;
        if (L->col[flags[i]] < 0) {
            continue;
        }
        s = f[L->col[flags[i]]];
        n = len[L->col[flags[i]]];
        v = parse_flag(s, n);
        if (v < 0) {
            char q[80];
            svc_quote(s, n, q, sizeof(q));
            return row_error(err, L, flags[i],
                             "invalid value '%s' in column '%s' (expected 1 "
                             "or 0, yes or no, có or không)",
                             q, col_name(L, flags[i]));
        }
        *dst[i] = (int8_t)v;
    }
    r->sat = 0;
    if (L->col[SVC_SAT] >= 0) {
        s = f[L->col[SVC_SAT]];
        n = len[L->col[SVC_SAT]];
        v = parse_sat(s, n);
        if (v < 0) {
            char q[80];
            svc_quote(s, n, q, sizeof(q));
            return row_error(err, L, SVC_SAT,
                             "invalid satisfaction '%s' in column '%s' "
                             "(expected empty or a whole number from 1 to 5)",
                             q, col_name(L, SVC_SAT));
        }
        r->sat = (int8_t)v;
    }
    return 0;
}

/* ---- accumulators ------------------------------------------------------------------ */

void
svc_acc_init(svc_acc *A,
             chiso_period_kind kind,
             int has_as_of,
             const svc_time *as_of)
{
    memset(A, 0, sizeof(*A));
    A->kind = kind;
    A->has_as_of = has_as_of;
    if (has_as_of) {
        A->as_of = *as_of;
    }
}

void
svc_acc_free(svc_acc *A)
{
    uint32_t i;

    if (A == NULL) {
        return;
    }
    for (i = 0; i < A->n_unit; i++) {
        free(A->unit[i]);
    }
    free(A->unit);
    free(A->unit_len);
    free(A->unit_hash);
    for (i = 0; i < A->n_cell; i++) {
        qstore_free(&A->cell[i].q);
    }
    free(A->cell);
    free(A->cell_hash);
    qarena_free(&A->arena);
    memset(A, 0, sizeof(*A));
}

static uint32_t
hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < n; i++) {
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    }
    return h;
}

static uint32_t
hash_cell(uint32_t unit, int32_t period)
{
    uint64_t x = ((uint64_t)unit << 32) ^ (uint32_t)period;

    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (uint32_t)x;
}

/* Grow an open-addressing table of index+1 entries; rehash with `key`. */
static int
rehash(uint32_t **tab, uint32_t *cap, uint32_t n, const svc_acc *A, int cells)
{
    uint32_t ncap = *cap ? *cap * 2 : 64, i;
    uint32_t *t = calloc(ncap, sizeof(*t));

    if (t == NULL) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        uint32_t h = cells ? hash_cell(A->cell[i].unit, A->cell[i].period)
                           : hash_bytes(A->unit[i], A->unit_len[i]);
        while (t[h & (ncap - 1)] != 0) {
            h++;
        }
        t[h & (ncap - 1)] = i + 1;
    }
    free(*tab);
    *tab = t;
    *cap = ncap;
    return 0;
}

static int
intern_unit(svc_acc *A, const char *s, size_t n, uint32_t *id)
{
    uint32_t h, e;

    if ((A->n_unit + 1) * 2 > A->unit_hcap &&
        rehash(&A->unit_hash, &A->unit_hcap, A->n_unit, A, 0) != 0) {
        return -1;
    }
    for (h = hash_bytes(s, n);; h++) {
        e = A->unit_hash[h & (A->unit_hcap - 1)];
        if (e == 0) {
            break;
        }
        if (A->unit_len[e - 1] == n && memcmp(A->unit[e - 1], s, n) == 0) {
            *id = e - 1;
            return 0;
        }
    }
    if (A->n_unit == A->cap_unit) {
        uint32_t cap = A->cap_unit ? A->cap_unit * 2 : 64;
        char **u = realloc(A->unit, cap * sizeof(*u));
        size_t *l = u ? realloc(A->unit_len, cap * sizeof(*l)) : NULL;
        if (u != NULL) {
            A->unit = u;
        }
        if (l == NULL) {
            return -1;
        }
        A->unit_len = l;
        A->cap_unit = cap;
    }
    A->unit[A->n_unit] = chiso_strndup(s, n);
    if (A->unit[A->n_unit] == NULL) {
        return -1;
    }
    A->unit_len[A->n_unit] = n;
    A->unit_hash[h & (A->unit_hcap - 1)] = A->n_unit + 1;
    *id = A->n_unit++;
    return 0;
}

static svc_cell *
find_cell(svc_acc *A, uint32_t unit, int32_t period)
{
    uint32_t h, e;
    svc_cell *c;
    int64_t first, end;

    if (A->last_cell != 0) {
        c = &A->cell[A->last_cell - 1];
        if (c->unit == unit && c->period == period) {
            return c;
        }
    }
    if ((A->n_cell + 1) * 2 > A->cell_hcap &&
        rehash(&A->cell_hash, &A->cell_hcap, A->n_cell, A, 1) != 0) {
        return NULL;
    }
    for (h = hash_cell(unit, period);; h++) {
        e = A->cell_hash[h & (A->cell_hcap - 1)];
        if (e == 0) {
            break;
        }
        c = &A->cell[e - 1];
        if (c->unit == unit && c->period == period) {
            A->last_cell = e;
            return c;
        }
    }
    if (A->n_cell == A->cap_cell) {
        uint32_t cap = A->cap_cell ? A->cap_cell * 2 : 256;
        svc_cell *p = realloc(A->cell, cap * sizeof(*p));
        if (p == NULL) {
            return NULL;
        }
        A->cell = p;
        A->cap_cell = cap;
    }
    c = &A->cell[A->n_cell];
    memset(c, 0, sizeof(*c));
    c->unit = unit;
    c->period = period;
    /* open dossiers are judged at the last second of the period, or at
     * as_of when that comes first */
    chiso_period_days(A->kind, period, &first, &end);
    c->ref.day = (int32_t)(end - 1);
    c->ref.secs = end * 86400 - 1;
    c->ref.has_time = 1;
    c->ref.ym = 0;
    if (A->has_as_of && svc_time_diff(&A->as_of, &c->ref) < 0) {
        c->ref = A->as_of;
    }
    A->cell_hash[h & (A->cell_hcap - 1)] = A->n_cell + 1;
    A->last_cell = ++A->n_cell;
    return c;
}

static int
flush_cell(svc_acc *A, svc_cell *c)
{
    uint32_t i;

    for (i = 0; i < c->n_stage; i++) {
        if (qstore_add(&c->q, &A->arena, c->stage[i]) != 0) {
            return -1;
        }
    }
    c->n_stage = 0;
    return 0;
}

int
svc_acc_flush(svc_acc *A)
{
    uint32_t i;

    for (i = 0; i < A->n_cell; i++) {
        if (flush_cell(A, &A->cell[i]) != 0) {
            return -1;
        }
    }
    return 0;
}

int
svc_acc_add(svc_acc *A, const svc_rec *r)
{
    uint32_t u;
    svc_cell *c;

    if (intern_unit(A, r->unit, r->unit_len, &u) != 0) {
        A->oom = 1;
        return -1;
    }
    c = find_cell(A, u, svc_period_of_ym(A->kind, r->recv.ym));
    if (c == NULL) {
        A->oom = 1;
        return -1;
    }
    c->received++;
    if (r->finished) {
        c->finished++;
        c->on_time += svc_time_diff(&r->fin, &r->due) <= 0;
        c->proc_sum += r->proc_secs;
        if (c->n_stage == SVC_STAGE && flush_cell(A, c) != 0) {
            A->oom = 1;
            return -1;
        }
        c->stage[c->n_stage++] = r->proc_secs;
    } else {
        c->open++;
        c->open_within_due += svc_time_diff(&c->ref, &r->due) <= 0;
    }
    c->online += (uint64_t)r->online;
    c->comp += (uint64_t)r->comp;
    c->res += (uint64_t)r->res;
    c->dig += (uint64_t)r->dig;
    if (r->sat > 0) {
        c->rated++;
        c->sat_sum += (uint64_t)r->sat;
        c->satisfied += r->sat >= 4;
    }
    A->rows++;
    return 0;
}

/* ---- result rows ----------------------------------------------------------------- */

typedef struct member {
    uint32_t unit; /* global unit index */
    int32_t period;
    uint32_t acc;
    uint32_t cell;
} member;

static int
cmp_unit_period(const void *a, const void *b)
{
    const member *x = a, *y = b;

    if (x->unit != y->unit) {
        return x->unit < y->unit ? -1 : 1;
    }
    if (x->period != y->period) {
        return x->period < y->period ? -1 : 1;
    }
    return (x->acc > y->acc) - (x->acc < y->acc);
}

static int
cmp_period(const void *a, const void *b)
{
    const member *x = a, *y = b;

    if (x->period != y->period) {
        return x->period < y->period ? -1 : 1;
    }
    return cmp_unit_period(a, b);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
fill_row(chiso_services_row *row,
         const chiso_services_result *res,
         const member *m,
         size_t n,
         svc_acc *accs,
         qref *refs)
{
    size_t i;
    uint64_t proc = 0;

    for (i = 0; i < n; i++) {
        const svc_cell *c = &accs[m[i].acc].cell[m[i].cell];
        row->received += c->received;
        row->finished += c->finished;
        row->finished_on_time += c->on_time;
        row->open += c->open;
        row->open_within_due += c->open_within_due;
        row->online += c->online;
        row->components_signed += c->comp;
        row->result_signed += c->res;
        row->digitized += c->dig;
        row->rated += c->rated;
        row->satisfied += c->satisfied;
        row->satisfaction_sum += c->sat_sum;
        proc += c->proc_sum;
        refs[i].q = &c->q;
        refs[i].a = &accs[m[i].acc].arena;
    }
    row->online_pct =
        res->has_channel ? svc_pct(row->online, row->received) : (double)NAN;
    row->on_time_pct = svc_pct(row->finished_on_time, row->finished);
    row->progress_pct =
        svc_pct(row->finished_on_time + row->open_within_due, row->received);
    row->components_signed_pct =
        res->has_components_signed
            ? svc_pct(row->components_signed, row->received)
            : (double)NAN;
    row->result_signed_pct = res->has_result_signed
                                 ? svc_pct(row->result_signed, row->received)
                                 : (double)NAN;
    row->digitized_pct = res->has_digitized
                             ? svc_pct(row->digitized, row->received)
                             : (double)NAN;
    row->satisfaction_mean =
        row->rated > 0 ? (double)row->satisfaction_sum / (double)row->rated
                       : (double)NAN;
    row->satisfied_pct = svc_pct(row->satisfied, row->rated);
    row->processing_days_mean =
        row->finished > 0 ? (double)proc / (double)row->finished / 86400.0
                          : (double)NAN;
    if (qref_quantile(refs, n, 0.5, &row->processing_days_median) != 0 ||
        qref_quantile(refs, n, 0.9, &row->processing_days_p90) != 0) {
        return -1;
    }
    return 0;
}

chiso_status
svc_build_result(chiso_services_result *res, svc_acc *accs, size_t n_accs)
{
    size_t i, j, n_m = 0, k, n_units = 0;
    uint32_t a, c;
    member *m = NULL;
    qref *refs = NULL;
    char **all = NULL;
    uint32_t **map = NULL;
    chiso_status st = CHISO_ENOMEM;

    for (i = 0; i < n_accs; i++) {
        if (svc_acc_flush(&accs[i]) != 0) {
            return CHISO_ENOMEM;
        }
        n_m += accs[i].n_cell;
        n_units += accs[i].n_unit;
    }
    all = calloc(n_units ? n_units : 1, sizeof(*all));
    map = calloc(n_accs ? n_accs : 1, sizeof(*map));
    m = calloc(n_m ? n_m : 1, sizeof(*m));
    refs = calloc(n_m ? n_m : 1, sizeof(*refs));
    if (all == NULL || map == NULL || m == NULL || refs == NULL) {
        goto out;
    }
    /* global, sorted, unique unit list */
    for (i = 0, k = 0; i < n_accs; i++) {
        for (a = 0; a < accs[i].n_unit; a++) {
            all[k++] = accs[i].unit[a];
        }
    }
    qsort(all, n_units, sizeof(*all), cmp_str);
    for (i = 0, k = 0; i < n_units; i++) {
        if (k == 0 || strcmp(all[k - 1], all[i]) != 0) {
            all[k++] = all[i];
        }
    }
    n_units = k;
    res->units = calloc(n_units ? n_units : 1, sizeof(*res->units));
    if (res->units == NULL) {
        goto out;
    }
    for (i = 0; i < n_units; i++) {
        res->units[i] = chiso_strdup(all[i]);
        if (res->units[i] == NULL) {
            goto out;
        }
        res->n_units++;
    }
    for (i = 0; i < n_accs; i++) {
        map[i] = calloc(accs[i].n_unit ? accs[i].n_unit : 1, sizeof(**map));
        if (map[i] == NULL) {
            goto out;
        }
        for (a = 0; a < accs[i].n_unit; a++) {
            char **hit = bsearch(&accs[i].unit[a], res->units, res->n_units,
                                 sizeof(char *), cmp_str);
            map[i][a] = (uint32_t)(hit - res->units);
        }
    }
    for (i = 0, k = 0; i < n_accs; i++) {
        for (c = 0; c < accs[i].n_cell; c++) {
            m[k].unit = map[i][accs[i].cell[c].unit];
            m[k].period = accs[i].cell[c].period;
            m[k].acc = (uint32_t)i;
            m[k].cell = c;
            k++;
        }
    }
    /* unit x period rows */
    qsort(m, n_m, sizeof(*m), cmp_unit_period);
    res->rows = calloc(n_m ? n_m : 1, sizeof(*res->rows));
    if (res->rows == NULL) {
        goto out;
    }
    for (i = 0; i < n_m; i = j) {
        chiso_services_row *row = &res->rows[res->n_rows++];
        for (j = i + 1;
             j < n_m && m[j].unit == m[i].unit && m[j].period == m[i].period;
             j++) {
        }
        row->unit = res->units[m[i].unit];
        row->period_index = m[i].period;
        chiso_period_format(res->period, m[i].period, row->period,
                            sizeof(row->period));
        if (fill_row(row, res, m + i, j - i, accs, refs) != 0) {
            goto out;
        }
    }
    /* all units, per period */
    qsort(m, n_m, sizeof(*m), cmp_period);
    res->totals = calloc(n_m ? n_m : 1, sizeof(*res->totals));
    if (res->totals == NULL) {
        goto out;
    }
    for (i = 0; i < n_m; i = j) {
        chiso_services_row *row = &res->totals[res->n_totals++];
        for (j = i + 1; j < n_m && m[j].period == m[i].period; j++) {
        }
        row->unit = "*";
        row->period_index = m[i].period;
        chiso_period_format(res->period, m[i].period, row->period,
                            sizeof(row->period));
        if (fill_row(row, res, m + i, j - i, accs, refs) != 0) {
            goto out;
        }
    }
    /* overall */
    res->overall.unit = "*";
    snprintf(res->overall.period, sizeof(res->overall.period), "*");
    res->overall.period_index = INT32_MIN;
    if (fill_row(&res->overall, res, m, n_m, accs, refs) != 0) {
        goto out;
    }
    st = CHISO_OK;
out:
    for (i = 0; map != NULL && i < n_accs; i++) {
        free(map[i]);
    }
    free(map);
    free(all);
    free(m);
    free(refs);
    return st;
}

/* ---- the reference pass ------------------------------------------------------------ */

chiso_status
svc_reject(chiso_csv_reader *rd,
           chiso_reject_fn on_reject,
           void *reject_ctx,
           const chiso_csv_row *row,
           size_t field,
           chiso_status code,
           const char *msg,
           uint64_t *n_rejected,
           chiso_diag *diag)
{
    chiso_reject rej;
    unsigned long line, col;

    if (on_reject == NULL) {
        return chiso_csv_field_error(rd, diag, code, row, field, "%s", msg);
    }
    chiso_csv_field_position(rd, row, field, &line, &col);
    rej.path = chiso_csv_path(rd);
    rej.line = line;
    rej.column = col;
    rej.reason = msg;
    rej.n_fields = row->n;
    rej.field = row->field;
    rej.field_len = row->len;
    (*n_rejected)++;
    if (on_reject(reject_ctx, &rej) != 0) {
        return chiso_diag_set(diag, CHISO_EIO, chiso_csv_path(rd), 0, 0,
                              "cannot write the rejected rows");
    }
    return CHISO_OK;
}

static chiso_status
reject_or_fail(chiso_csv_reader *rd,
               const chiso_services_options *o,
               const chiso_csv_row *row,
               size_t field,
               chiso_status code,
               const char *msg,
               chiso_services_result *res,
               chiso_diag *diag)
{
    return svc_reject(rd, o->on_reject, o->reject_ctx, row, field, code, msg,
                      &res->rows_rejected, diag);
}

static chiso_status
reference_pass(chiso_csv_reader *rd,
               const svc_layout *L,
               const chiso_services_options *o,
               svc_acc *A,
               chiso_services_result *res,
               chiso_diag *diag)
{
    chiso_csv_row row;
    chiso_status st;
    svc_rec rec;
    svc_err err;

    for (;;) {
        size_t n, bad;
        st = chiso_csv_next(rd, &row, diag);
        if (st == CHISO_DONE) {
            return CHISO_OK;
        }
        if (st != CHISO_OK) {
            return st;
        }
        res->rows_read++;
        n = row.n;
        if (svc_check_count(L->n_header, row.len, &n, &bad) != 0) {
            char msg[120];
            snprintf(msg, sizeof(msg),
                     "row has %zu fields but the header has %zu", row.n,
                     L->n_header);
            st = reject_or_fail(rd, o, &row, bad, CHISO_EPARSE, msg, res, diag);
            if (st != CHISO_OK) {
                return st;
            }
            continue;
        }
        if (svc_parse_row(L, row.field, row.len, &rec, &err) != 0) {
            st = reject_or_fail(rd, o, &row, err.field, CHISO_EDATA, err.msg,
                                res, diag);
            if (st != CHISO_OK) {
                return st;
            }
            continue;
        }
        if (svc_acc_add(A, &rec) != 0) {
            return chiso_diag_set(diag, CHISO_ENOMEM, chiso_csv_path(rd), 0, 0,
                                  "out of memory");
        }
    }
}

/* ---- public entry points ---------------------------------------------------------- */

static int
default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

chiso_status
svc_compute(chiso_services_result **out,
            const char *path,
            const char *data,
            size_t data_len,
            const chiso_services_options *opts,
            svc_mode mode,
            chiso_diag *diag)
{
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_csv_options co = CHISO_CSV_OPTIONS_INIT;
    chiso_csv_reader *rd = NULL;
    chiso_services_result *res = NULL;
    svc_layout L;
    svc_acc A, *fast = NULL;
    size_t n_fast = 0, i;
    const char **names = NULL;
    svc_time as_of;
    chiso_status st;
    int fd = -1;

    *out = NULL;
    if (opts != NULL) {
        o = *opts;
    }
    memset(&as_of, 0, sizeof(as_of));
    if (o.has_as_of) {
        as_of.secs = o.as_of.secs;
        as_of.has_time = o.as_of.has_time;
        as_of.day =
            (int32_t)(chiso_stamp_diff(o.as_of, (chiso_stamp){0, 0}) / 86400);
    }
    svc_acc_init(&A, o.period, o.has_as_of, &as_of);
    res = calloc(1, sizeof(*res));
    if (res == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    res->path = chiso_strdup(path);
    res->period = o.period;
    res->has_as_of = o.has_as_of;
    res->as_of = o.as_of;
    res->threads_used = 1;
    co.allow_ragged = 1;
    st = data != NULL ? chiso_csv_open_mem(&rd, path, data, data_len, &co, diag)
                      : chiso_csv_open(&rd, path, &co, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    st = chiso_csv_bind(rd, svc_columns, SVC_NCOLS, L.col, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    L.n_header = chiso_csv_header_count(rd);
    names = calloc(L.n_header ? L.n_header : 1, sizeof(*names));
    if (names == NULL || res->path == NULL) {
        st = chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
        goto out;
    }
    for (i = 0; i < L.n_header; i++) {
        names[i] = chiso_csv_header_name(rd, i);
    }
    L.header = names;
    res->delimiter = chiso_csv_delimiter(rd);
    res->has_channel = L.col[SVC_CHAN] >= 0;
    res->has_components_signed = L.col[SVC_COMP] >= 0;
    res->has_result_signed = L.col[SVC_RES] >= 0;
    res->has_digitized = L.col[SVC_DIG] >= 0;
    res->has_satisfaction = L.col[SVC_SAT] >= 0;
    if (o.on_header != NULL) {
        o.on_header(o.reject_ctx, names, L.n_header, res->delimiter);
    }

    if (o.reference_only) {
        mode = SVC_MODE_REFERENCE;
    }
    if (mode != SVC_MODE_REFERENCE) {
        uint64_t size = 0, rows = 0, rejected = 0;
        chiso_diag fast_diag;
        int threads = o.threads > 0 ? o.threads : default_threads();
        svc_fast_status fs = SVC_FAST_FALLBACK;
        struct stat sb;
        if (data != NULL) {
            size = data_len;
            fs = SVC_FAST_OK;
        } else if (strcmp(path, "-") != 0) {
            fd = open(path, O_RDONLY);
            if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
                size = (uint64_t)sb.st_size;
                fs = SVC_FAST_OK;
            }
        }
        if (fs == SVC_FAST_OK) {
            chiso_diag_clear(&fast_diag);
            fs = svc_fast_run(
                fd, data, size, chiso_csv_bytes_read(rd), res->delimiter, &L,
                threads, o.period, o.has_as_of, &as_of, path, o.on_reject,
                o.reject_ctx, &fast, &n_fast, &rows, &rejected, &fast_diag);
        }
        if (fs == SVC_FAST_ERROR) {
            st = fast_diag.code != CHISO_OK ? fast_diag.code : CHISO_EIO;
            if (diag != NULL && diag->code == CHISO_OK) {
                *diag = fast_diag;
            }
            goto out;
        }
        if (fs == SVC_FAST_OK) {
            res->rows_counted = rows;
            res->rows_rejected = rejected;
            res->rows_read = rows + rejected;
            res->threads_used = (int)n_fast;
            st = svc_build_result(res, fast, n_fast);
            if (st != CHISO_OK) {
                chiso_diag_set(diag, st, path, 0, 0, "out of memory");
            }
            goto out;
        }
        if (mode == SVC_MODE_FAST_ONLY) {
            st = CHISO_DONE;
            goto out;
        }
    }
    st = reference_pass(rd, &L, &o, &A, res, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    res->rows_counted = A.rows;
    st = svc_build_result(res, &A, 1);
    if (st != CHISO_OK) {
        chiso_diag_set(diag, st, path, 0, 0, "out of memory");
    }
out:
    if (fd >= 0) {
        close(fd);
    }
    for (i = 0; i < n_fast; i++) {
        svc_acc_free(&fast[i]);
    }
    free(fast);
    svc_acc_free(&A);
    free(names);
    chiso_csv_close(rd);
    if (st != CHISO_OK) {
        chiso_services_free(res);
        return st;
    }
    *out = res;
    return CHISO_OK;
}

chiso_status
chiso_services_compute(chiso_services_result **out,
                       const char *path,
                       const chiso_services_options *opts,
                       chiso_diag *diag)
{
    return svc_compute(out, path, NULL, 0, opts, SVC_MODE_AUTO, diag);
}

chiso_status
chiso_services_compute_mem(chiso_services_result **out,
                           const char *name,
                           const char *data,
                           size_t len,
                           const chiso_services_options *opts,
                           chiso_diag *diag)
{
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;

    if (opts != NULL) {
        o = *opts;
    }
    if (o.threads == 0) {
        o.threads = 1;
    }
    return svc_compute(out, name, data ? data : "", len, &o, SVC_MODE_AUTO,
                       diag);
}

void
chiso_services_free(chiso_services_result *res)
{
    size_t i;

    if (res == NULL) {
        return;
    }
    for (i = 0; i < res->n_units; i++) {
        free(res->units[i]);
    }
    free(res->units);
    free(res->rows);
    free(res->totals);
    free(res->path);
    free(res);
}

const chiso_services_row *
chiso_services_find(const chiso_services_result *res,
                    const char *unit,
                    int32_t period_index)
{
    size_t i;

    if (unit == NULL && period_index == INT32_MIN) {
        return &res->overall;
    }
    if (period_index == INT32_MIN) {
        return NULL;
    }
    if (unit == NULL) {
        for (i = 0; i < res->n_totals; i++) {
            if (res->totals[i].period_index == period_index) {
                return &res->totals[i];
            }
        }
        return NULL;
    }
    for (i = 0; i < res->n_rows; i++) {
        if (res->rows[i].period_index == period_index &&
            strcmp(res->rows[i].unit, unit) == 0) {
            return &res->rows[i];
        }
    }
    return NULL;
}

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
    {"dossier_id", "ma_ho_so|so_ho_so|ma_hs|id|so_bien_nhan", 0},
    /* required unless the unit is given (single-unit exports) */
    {"unit_code",
     "unit|ma_don_vi|don_vi|ma_co_quan|co_quan|don_vi_tiep_nhan|"
     "co_quan_tiep_nhan|don_vi_giai_quyet|co_quan_giai_quyet",
     0},
    {"procedure_code",
     "ma_thu_tuc|ma_tthc|thu_tuc|procedure|ma_thu_tuc_hanh_chinh", 0},
    {"received_at",
     "ngay_tiep_nhan|ngay_nhan|thoi_gian_tiep_nhan|ngay_nop|received|"
     "ngay_nop_ho_so|ngay_nhan_ho_so",
     1},
    {"due_at",
     "ngay_hen_tra|han_xu_ly|han_giai_quyet|ngay_hen_tra_ket_qua|han_tra|due|"
     "han_tra_ket_qua|thoi_han_giai_quyet|ngay_hen",
     1},
    {"finished_at",
     "ngay_co_ket_qua|ngay_hoan_thanh|ngay_ket_thuc|ngay_tra_ket_qua|"
     "ngay_giai_quyet|finished|ngay_tra|ngay_tra_kq|ngay_xu_ly_xong",
     1},
    {"channel",
     "kenh|kenh_nop|hinh_thuc_nop|hinh_thuc_tiep_nhan|hinh_thuc|"
     "hinh_thuc_nop_ho_so|kenh_tiep_nhan",
     0},
    {"components_signed",
     "ky_so_thanh_phan|thanh_phan_ky_so|thanh_phan_da_ky_so|"
     "ky_so_thanh_phan_ho_so",
     0},
    {"result_signed",
     "ky_so_ket_qua|ket_qua_ky_so|ket_qua_dien_tu|ket_qua_da_ky_so", 0},
    {"digitized", "digitised|so_hoa|da_so_hoa|so_hoa_ho_so|so_hoa_thanh_phan",
     0},
    {"satisfaction",
     "muc_do_hai_long|danh_gia|hai_long|diem_hai_long|danh_gia_hai_long|"
     "ket_qua_danh_gia",
     0},
    {"note", "ghi_chu|notes", 0},
    {"status",
     "trang_thai|trang_thai_ho_so|tinh_trang|tinh_trang_ho_so|"
     "trang_thai_xu_ly",
     0},
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
    vsnprintf(err->msg, sizeof(err->msg), chiso_msg(L->lang, fmt), ap);
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

    if (svc_time_parse(s, n, L->date_flags, L->lang, t, why, sizeof(why)) !=
        0) {
        const char *p = s;
        size_t m = n;
        char q[80];
        chiso_text_trim(&p, &m);
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

/* A coded cell that is not a word of its vocabulary: the message lists
 * the accepted words. */
static int
vocab_error(svc_err *err,
            const svc_layout *L,
            int c,
            chiso_vocab v,
            const char *s,
            size_t n)
{
    char q[80], words[300];

    svc_quote(s, n, q, sizeof(q));
    chiso_vocab_words(v, -1, words, sizeof(words));
    switch (v) {
    case CHISO_VOCAB_CHANNEL:
        return row_error(err, L, c,
                         "invalid channel '%s' in column '%s' (accepted: %s)",
                         q, col_name(L, c), words);
    case CHISO_VOCAB_FLAG:
        return row_error(err, L, c,
                         "invalid value '%s' in column '%s' (expected yes or "
                         "no: %s)",
                         q, col_name(L, c), words);
    case CHISO_VOCAB_SATISFACTION:
        return row_error(err, L, c,
                         "invalid satisfaction '%s' in column '%s' (expected "
                         "empty, a whole number from 1 to 5, or: %s)",
                         q, col_name(L, c), words);
    case CHISO_VOCAB_TASK_STATUS:
    case CHISO_VOCAB_DOSSIER_STATUS:
    case CHISO_VOCAB_COUNT:
        break;
    }
    return row_error(err, L, c,
                     "unknown status '%s' in column '%s' (accepted: %s)", q,
                     col_name(L, c), words);
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
              svc_vcache *vc,
              svc_err *err)
{
    const char *s;
    size_t n;
    int v, excluded;
    static const int flags[3] = {SVC_COMP, SVC_RES, SVC_DIG};
    int8_t *dst[3];
    int i;

    if (L->col[SVC_UNIT] >= 0) {
        s = f[L->col[SVC_UNIT]];
        n = len[L->col[SVC_UNIT]];
        chiso_text_trim(&s, &n);
        if (n == 0) {
            return row_error(err, L, SVC_UNIT,
                             "missing unit code in column '%s'",
                             col_name(L, SVC_UNIT));
        }
    } else {
        s = L->fixed_unit;
        n = L->fixed_unit_len;
    }
    r->unit = s;
    r->unit_len = n;
    r->status = SVC_ST_NONE;
    if (L->col[SVC_STATUS] >= 0) {
        s = f[L->col[SVC_STATUS]];
        n = len[L->col[SVC_STATUS]];
        v = chiso_vocab_cached(&vc->status, CHISO_VOCAB_DOSSIER_STATUS, s, n);
        if (v == CHISO_VOCAB_UNKNOWN) {
            return vocab_error(err, L, SVC_STATUS, CHISO_VOCAB_DOSSIER_STATUS,
                               s, n);
        }
        r->status = v == CHISO_DOSSIER_FINISHED    ? SVC_ST_FINISHED
                    : v == CHISO_DOSSIER_OPEN      ? SVC_ST_OPEN
                    : v == CHISO_DOSSIER_CANCELLED ? SVC_ST_CANCELLED
                    : v == CHISO_DOSSIER_WITHDRAWN ? SVC_ST_WITHDRAWN
                    : v == CHISO_DOSSIER_RETURNED  ? SVC_ST_RETURNED
                                                   : SVC_ST_NONE;
    }
    excluded = r->status >= SVC_ST_CANCELLED;
    /* the period is that of the receipt, for excluded dossiers too */
    if (parse_when(L, SVC_RECV, f, len, &r->recv, err) != 0) {
        return -1;
    }
    if (excluded) {
        /* counted apart: their other cells decide nothing */
        r->finished = 0;
        r->proc_secs = 0;
        r->online = r->comp = r->res = r->dig = r->sat = 0;
        return 0;
    }
    if (parse_when(L, SVC_DUE, f, len, &r->due, err) != 0) {
        return -1;
    }
    r->finished = !is_blank(f[L->col[SVC_FIN]], len[L->col[SVC_FIN]]);
    if (r->status == SVC_ST_FINISHED && !r->finished) {
        char q[80];
        svc_quote(f[L->col[SVC_STATUS]], len[L->col[SVC_STATUS]], q, sizeof(q));
        return row_error(err, L, SVC_STATUS,
                         "status '%s' says the result was returned but "
                         "column '%s' is empty",
                         q, col_name(L, SVC_FIN));
    }
    if (r->status == SVC_ST_OPEN && r->finished) {
        char q[80];
        svc_quote(f[L->col[SVC_STATUS]], len[L->col[SVC_STATUS]], q, sizeof(q));
        return row_error(err, L, SVC_STATUS,
                         "status '%s' says the dossier is being processed "
                         "but column '%s' has a date",
                         q, col_name(L, SVC_FIN));
    }
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
            if (d < 0) {
                return row_error(err, L, SVC_FIN,
                                 "finish '%s' in column '%s' is before the "
                                 "receipt '%s'",
                                 q, col_name(L, SVC_FIN), qr);
            }
            return row_error(err, L, SVC_FIN,
                             "finish '%s' in column '%s' is over 136 years "
                             "after the receipt '%s'",
                             q, col_name(L, SVC_FIN), qr);
        }
        r->proc_secs = (uint32_t)d;
    }
    r->online = 0;
    if (L->col[SVC_CHAN] >= 0) {
        s = f[L->col[SVC_CHAN]];
        n = len[L->col[SVC_CHAN]];
        v = chiso_vocab_cached(&vc->channel, CHISO_VOCAB_CHANNEL, s, n);
        if (v < 0) {
            return vocab_error(err, L, SVC_CHAN, CHISO_VOCAB_CHANNEL, s, n);
        }
        r->online = (int8_t)(v == CHISO_CHANNEL_ONLINE ||
                             v == CHISO_CHANNEL_ONLINE_FULL ||
                             v == CHISO_CHANNEL_ONLINE_PARTIAL);
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
        if (n == 1 && (s[0] == '0' || s[0] == '1')) {
            *dst[i] = (int8_t)(s[0] - '0');
            continue;
        }
        v = chiso_vocab_cached(&vc->flag, CHISO_VOCAB_FLAG, s, n);
        if (v == CHISO_VOCAB_EMPTY) {
            v = 0; /* the x / ✓ convention: an empty cell is "no" */
        }
        if (v < 0) {
            return vocab_error(err, L, flags[i], CHISO_VOCAB_FLAG, s, n);
        }
        *dst[i] = (int8_t)v;
    }
    r->sat = 0;
    if (L->col[SVC_SAT] >= 0) {
        s = f[L->col[SVC_SAT]];
        n = len[L->col[SVC_SAT]];
        if (n == 1 && s[0] >= '1' && s[0] <= '5') {
            v = s[0] - '0';
        } else {
            v = chiso_vocab_cached(&vc->sat, CHISO_VOCAB_SATISFACTION, s, n);
            if (v == CHISO_VOCAB_EMPTY) {
                v = 0;
            }
        }
        if (v < 0) {
            return vocab_error(err, L, SVC_SAT, CHISO_VOCAB_SATISFACTION, s, n);
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
    A->rows++;
    switch (r->status) {
    case SVC_ST_CANCELLED:
        c->cancelled++;
        return 0;
    case SVC_ST_WITHDRAWN:
        c->withdrawn++;
        return 0;
    case SVC_ST_RETURNED:
        c->returned++;
        return 0;
    default:
        break;
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
        row->cancelled += c->cancelled;
        row->withdrawn += c->withdrawn;
        row->returned += c->returned;
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
svc_select_unit(const char *path,
                char *const *all,
                size_t n_all,
                const chiso_unit_ref *unit,
                unsigned char *hit,
                char **unit_in_log,
                chiso_diag *diag)
{
    chiso_buf b = CHISO_BUF_INIT;
    chiso_status st;
    size_t i, n = 0;

    st = chiso_unit_match(path, (const char *const *)all, n_all, unit, hit,
                          diag);
    if (st != CHISO_OK) {
        return st;
    }
    for (i = 0; i < n_all; i++) {
        if (hit[i]) {
            chiso_buf_printf(&b, "%s%s", n++ ? "; " : "", all[i]);
        }
    }
    *unit_in_log = b.data != NULL ? b.data : chiso_strdup("");
    if (*unit_in_log == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    return CHISO_OK;
}

chiso_status
svc_build_result(chiso_services_result *res,
                 svc_acc *accs,
                 size_t n_accs,
                 const chiso_unit_ref *unit,
                 chiso_diag *diag)
{
    size_t i, j, n_m = 0, k, n_units = 0;
    uint32_t a, c;
    member *m = NULL;
    qref *refs = NULL;
    char **all = NULL;
    uint32_t **map = NULL;
    unsigned char *hit = NULL;
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
            char **at = bsearch(&accs[i].unit[a], res->units, res->n_units,
                                sizeof(char *), cmp_str);
            map[i][a] = (uint32_t)(at - res->units);
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
    if (unit != NULL && res->has_unit_column) {
        /* only the unit's cells, under one label */
        char *label;
        hit = calloc(res->n_units ? res->n_units : 1, 1);
        if (hit == NULL) {
            goto out;
        }
        st = svc_select_unit(res->path, res->units, res->n_units, unit, hit,
                             &res->unit_in_log, diag);
        if (st != CHISO_OK) {
            goto out;
        }
        st = CHISO_ENOMEM;
        for (i = 0, k = 0; i < n_m; i++) {
            const svc_cell *cl = &accs[m[i].acc].cell[m[i].cell];
            if (hit[m[i].unit]) {
                m[i].unit = 0;
                m[k++] = m[i];
            } else {
                res->rows_other_units +=
                    cl->received + cl->cancelled + cl->withdrawn + cl->returned;
            }
        }
        n_m = k;
        label = chiso_strdup(unit->code);
        if (label == NULL) {
            goto out;
        }
        for (i = 0; i < res->n_units; i++) {
            free(res->units[i]);
        }
        res->units[0] = label;
        res->n_units = 1;
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
    free(hit);
    if (st == CHISO_ENOMEM) {
        chiso_diag_set(diag, st, res->path, 0, 0, "out of memory");
    }
    return st;
}

/* ---- bad rows ------------------------------------------------------------------- */

void
svc_rejects_init(svc_rejects *R,
                 chiso_reject_fn fn,
                 void *ctx,
                 chiso_diag_list *problems,
                 chiso_lang lang)
{
    memset(R, 0, sizeof(*R));
    R->fn = fn;
    R->ctx = ctx;
    R->problems = problems;
    R->lang = lang;
    R->first.lang = lang;
}

chiso_status
svc_rejects_add(svc_rejects *R,
                const chiso_reject *rej,
                chiso_status code,
                chiso_diag *diag)
{
    R->n++;
    if (R->first.code == CHISO_OK) {
        chiso_diag_set(&R->first, code, rej->path, rej->line, rej->column, "%s",
                       rej->reason);
    }
    if (R->problems != NULL) {
        chiso_diag_list_addk(R->problems, "row_rejected",
                             CHISO_SEVERITY_WARNING, NULL, rej->path, rej->line,
                             rej->column, "%s", rej->reason);
    }
    if (R->fn != NULL && R->fn(R->ctx, rej) != 0) {
        return chiso_diag_set(diag, CHISO_EIO, rej->path, 0, 0,
                              "cannot write the rejected rows");
    }
    return CHISO_OK;
}

void
svc_rejects_count(svc_rejects *R, uint64_t n)
{
    R->n += n;
    if (R->problems != NULL) {
        R->problems->n_dropped += (size_t)n;
    }
}

chiso_status
svc_rejects_verdict(const svc_rejects *R,
                    uint64_t data_rows,
                    double max_pct,
                    chiso_diag *diag)
{
    char pct[32], lim[32];

    if (R->n == 0 || data_rows == 0 ||
        100.0 * (double)R->n <= max_pct * (double)data_rows) {
        return CHISO_OK;
    }
    chiso_format_double(
        chiso_round_half_up(100.0 * (double)R->n / (double)data_rows, 1), pct,
        sizeof(pct));
    chiso_format_double(max_pct, lim, sizeof(lim));
    return chiso_diag_set(diag, R->first.code, R->first.path, R->first.line,
                          R->first.column,
                          "%s; %llu of %llu rows rejected (%s %%), above the "
                          "limit of %s %% (--max-rejects)",
                          R->first.message, (unsigned long long)R->n,
                          (unsigned long long)data_rows, pct, lim);
}

chiso_status
svc_reject(chiso_csv_reader *rd,
           svc_rejects *R,
           const chiso_csv_row *row,
           size_t field,
           chiso_status code,
           const char *msg,
           chiso_diag *diag)
{
    chiso_reject rej;
    unsigned long line, col;

    chiso_csv_field_position(rd, row, field, &line, &col);
    rej.path = chiso_csv_path(rd);
    rej.line = line;
    rej.column = col;
    rej.reason = msg;
    rej.n_fields = row->n;
    rej.field = row->field;
    rej.field_len = row->len;
    return svc_rejects_add(R, &rej, code, diag);
}

/* ---- the reference pass ------------------------------------------------------------ */

static chiso_status
reference_pass(chiso_csv_reader *rd,
               const svc_layout *L,
               svc_rejects *R,
               svc_acc *A,
               chiso_services_result *res,
               chiso_diag *diag)
{
    chiso_csv_row row;
    chiso_status st;
    svc_rec rec;
    svc_err err;
    svc_vcache vc;

    memset(&vc, 0, sizeof(vc));
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
            char msg[160];
            snprintf(
                msg, sizeof(msg),
                chiso_msg(L->lang, "row has %zu fields but the header has %zu"),
                row.n, L->n_header);
            st = svc_reject(rd, R, &row, bad, CHISO_EPARSE, msg, diag);
            if (st != CHISO_OK) {
                return st;
            }
            continue;
        }
        if (svc_parse_row(L, row.field, row.len, &rec, &vc, &err) != 0) {
            st = svc_reject(rd, R, &row, err.field, CHISO_EDATA, err.msg, diag);
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
svc_no_unit_column(const char *path,
                   const char *what,
                   chiso_lang lang,
                   chiso_diag *diag)
{
    (void)lang;
    return chiso_diag_set(diag, CHISO_ESCHEMA, path, 1, 1,
                          "no unit column (%s); for the log of a single unit, "
                          "give the unit: --unit CODE, or \"unit\" in the "
                          "report configuration",
                          what);
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
    svc_rejects R;
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
    memset(&L, 0, sizeof(L));
    L.lang = svc_lang(diag);
    if (o.has_as_of) {
        as_of.secs = o.as_of.secs;
        as_of.has_time = o.as_of.has_time;
        as_of.day =
            (int32_t)(chiso_stamp_diff(o.as_of, (chiso_stamp){0, 0}) / 86400);
    }
    svc_acc_init(&A, o.period, o.has_as_of, &as_of);
    svc_rejects_init(&R, o.on_reject, o.reject_ctx, o.problems, L.lang);
    res = calloc(1, sizeof(*res));
    if (res == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    res->path = chiso_strdup(path);
    res->period = o.period;
    res->has_as_of = o.has_as_of;
    res->as_of = o.as_of;
    res->threads_used = 1;
    res->max_rejects_pct = o.max_rejects_pct;
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
    res->has_unit_column = L.col[SVC_UNIT] >= 0;
    if (!res->has_unit_column) {
        if (o.unit == NULL) {
            st = svc_no_unit_column(path,
                                    "expected 'unit_code', 'Mã đơn vị', "
                                    "'Đơn vị' or 'Cơ quan'",
                                    L.lang, diag);
            goto out;
        }
        L.fixed_unit = o.unit->code;
        L.fixed_unit_len = strlen(o.unit->code);
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
    res->has_status = L.col[SVC_STATUS] >= 0;
    if (o.on_header != NULL) {
        o.on_header(o.reject_ctx, names, L.n_header, res->delimiter);
    }

    if (o.reference_only) {
        mode = SVC_MODE_REFERENCE;
    }
    if (mode != SVC_MODE_REFERENCE) {
        uint64_t size = 0, rows = 0;
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
            fast_diag.lang = L.lang;
            fs = svc_fast_run(fd, data, size, chiso_csv_bytes_read(rd),
                              res->delimiter, &L, threads, o.period,
                              o.has_as_of, &as_of, path, &R, &fast, &n_fast,
                              &rows, &fast_diag);
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
            res->rows_rejected = R.n;
            res->rows_read = rows + R.n;
            res->threads_used = (int)n_fast;
            st = svc_rejects_verdict(&R, res->rows_read - res->rows_totals,
                                     o.max_rejects_pct, diag);
            if (st == CHISO_OK) {
                st = svc_build_result(res, fast, n_fast, o.unit, diag);
            }
            goto out;
        }
        if (mode == SVC_MODE_FAST_ONLY) {
            st = CHISO_DONE;
            goto out;
        }
    }
    st = reference_pass(rd, &L, &R, &A, res, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    res->rows_counted = A.rows;
    res->rows_rejected = R.n;
    st = svc_rejects_verdict(&R, res->rows_read - res->rows_totals,
                             o.max_rejects_pct, diag);
    if (st == CHISO_OK) {
        st = svc_build_result(res, &A, 1, o.unit, diag);
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
    free(res->unit_in_log);
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

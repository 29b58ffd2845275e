/*
 * services.c - dossier logs: the row handler (a row parser into a typed
 * record, an accumulator per unit x period) for the datasets row pipeline,
 * and the result rows built from the accumulators of the parts of a file.
 *
 * The pipeline (chiso_table_read) finds the header, skips totals rows,
 * reads large files in parallel and turns the handler's bad rows into
 * rejects; here a row becomes a record (parse_row) added to the cell of its
 * unit x period (acc_add). Cells of every part are combined into the result
 * only at the end (build_result), across threads, units and periods.
 */
#define _POSIX_C_SOURCE 200809L
#include "logs_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    SVC_ID = 0,
    SVC_UNIT,
    SVC_PROC,
    SVC_RECV,
    SVC_DUE,
    SVC_FIN,
    SVC_CHAN,
    SVC_COMP,
    SVC_RES,
    SVC_DIG,
    SVC_SAT,
    SVC_NOTE,
    SVC_STATUS,
    SVC_NCOLS
};

/* What a dossier's status says (the status column). */
enum {
    SVC_ST_NONE = 0,  /* no status, or one that changes nothing */
    SVC_ST_FINISHED,  /* result returned: needs finished_at */
    SVC_ST_OPEN,      /* being processed: finished_at must be empty */
    SVC_ST_CANCELLED, /* đã hủy */
    SVC_ST_WITHDRAWN, /* rút hồ sơ */
    SVC_ST_RETURNED   /* trả lại hồ sơ (not processed) */
};

static const chiso_csv_column svc_columns[SVC_NCOLS] = {
    {"dossier_id", "ma_ho_so|so_ho_so|ma_hs|id|so_bien_nhan", 0},
    /* required unless the unit is given (single-unit exports) */
    {"unit_code",
     "unit|ma_don_vi|don_vi|ma_co_quan|co_quan|don_vi_tiep_nhan|"
     "co_quan_tiep_nhan|don_vi_giai_quyet|co_quan_giai_quyet|ten_don_vi|"
     "ten_co_quan",
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

/* What the row parser needs to know about the table. */
typedef struct svc_layout {
    const long *col; /* per column: field index or -1 */
    size_t n_header;
    const char *const *header; /* names as written, for messages */
    const char *fixed_unit;    /* no unit column: every row's unit */
    size_t fixed_unit_len;
    chiso_lang lang;     /* of row messages */
    unsigned date_flags; /* CHISO_DATE_* (Excel serials) */
    chiso_period_kind kind;
    int has_as_of;
    logs_time as_of;
} svc_layout;

typedef struct svc_rec {
    const char *unit;
    size_t unit_len;
    logs_time recv, due, fin;
    int finished;
    uint32_t proc_secs;
    int8_t online, comp, res, dig; /* 0/1, or 0 when the column is absent */
    int8_t sat;                    /* 0 = not rated, else 1..5 */
    int8_t status;                 /* SVC_ST_* */
} svc_rec;

/* A date "YYYY-MM-DD" met before: its bytes and what they give. */
typedef struct svc_dcache {
    uint64_t head; /* bytes 0..7, "YYYY-MM-"; 0 = empty */
    uint16_t dd;   /* bytes 8..9 */
    int16_t ym;    /* year*12 + month-1 (at most 26411) */
    int32_t day;   /* days since 1970-01-01 */
} svc_dcache;

#define SVC_DCACHE 4096 /* 12 bits of a date's digits */

/* Per-thread caches of coded cells (channel, flags, ...) and of dates: a
 * log of ten million dossiers has a few thousand distinct dates, and a
 * date whose ten bytes were checked once is not checked again. */
typedef struct svc_vcache {
    chiso_vocab_cache channel, flag, sat, status;
    svc_dcache date[SVC_DCACHE];
} svc_vcache;

/* Durations wait in a small per-cell buffer and go to the quantile store
 * in batches: the store's chain tails of all groups (tens of thousands of
 * cache lines) are touched a group at a time instead of at every row. */
#define SVC_STAGE 64

typedef struct svc_cell {
    uint32_t unit;
    int32_t period;
    logs_time ref; /* open dossiers are judged at this instant */
    uint64_t received, finished, on_time, open, open_within_due, online, comp,
        res, dig, rated, satisfied, sat_sum, proc_sum, cancelled, withdrawn,
        returned;
    qstore q;
    uint32_t n_stage;
    uint32_t stage[SVC_STAGE];
} svc_cell;

#define SVC_UCACHE     256
#define SVC_FAST_UNITS 1024
#define SVC_YM_SLOTS   64

typedef struct svc_ucache {
    uint64_t word; /* the name's bytes, first lowest; 0 = empty */
    uint32_t id;
} svc_ucache;

typedef struct svc_ymslot {
    int32_t ym;
    uint32_t cell; /* index + 1; 0 = empty */
} svc_ymslot;

/* One worker's accumulator (a thread's part of the file). */
typedef struct svc_acc {
    const svc_layout *L;
    svc_vcache vc;
    /* interned units */
    char **unit;
    size_t *unit_len;
    uint32_t n_unit, cap_unit;
    logs_index unit_index; /* by name */
    /* cells */
    svc_cell *cell;
    uint32_t n_cell, cap_cell;
    logs_index cell_index; /* by (unit, period) */
    uint32_t last_cell;    /* cache: index+1 of the previous row's cell */
    /* the fast way to a row's cell: unit names of up to 8 bytes as a
     * number (no NUL in a field: the zero bytes above the name make it
     * unique) in a direct-mapped cache of unit ids, then per unit (the
     * first SVC_FAST_UNITS) the cell of each receipt month ym in slot
     * ym % SVC_YM_SLOTS; a miss takes the hash indexes above */
    svc_ucache ucache[SVC_UCACHE];
    svc_ymslot **ym_slots; /* per unit id < SVC_FAST_UNITS, or NULL */
    qarena arena;
    uint64_t rows;
} svc_acc;

/* ---- row parsing ---------------------------------------------------------------- */

static const char *
col_name(const svc_layout *L, int c)
{
    long k = L->col[c];

    return k >= 0 && (size_t)k < L->n_header ? L->header[k]
                                             : svc_columns[c].name;
}

static int row_error(chiso_row_error *err,
                     const svc_layout *L,
                     int c,
                     const char *fmt,
                     ...) CHISO_PRINTF(4, 5);

static int
row_error(
    chiso_row_error *err, const svc_layout *L, int c, const char *fmt, ...)
{
    va_list ap;

    err->field = (size_t)L->col[c];
    err->code = CHISO_EDATA;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), chiso_msg(L->lang, fmt), ap);
    va_end(ap);
    return -1;
}

#if defined(__GNUC__)
#define SVC_COLD   __attribute__((noinline, cold))
#define SVC_INLINE __attribute__((always_inline)) inline
#else
#define SVC_COLD
#define SVC_INLINE inline
#endif

/* A date the fast path declined: the general parser, or the message. */
static SVC_COLD int
parse_when_slow(const svc_layout *L,
                int c,
                const char *s,
                size_t n,
                logs_time *t,
                chiso_row_error *err)
{
    char why[160];

    if (chiso_logs__time_parse(s, n, L->date_flags, L->lang, t, why,
                               sizeof(why)) != 0) {
        const char *p = s;
        size_t m = n;
        char q[80];
        chiso_text_trim_quick(&p, &m);
        if (m == 0) {
            return row_error(err, L, c, "missing date in column '%s'",
                             col_name(L, c));
        }
        chiso_logs__quote(s, n, q, sizeof(q));
        return row_error(err, L, c, "invalid date '%s' in column '%s': %s", q,
                         col_name(L, c), why);
    }
    return 0;
}

static SVC_INLINE int
parse_when(const svc_layout *L,
           int c,
           const char *const *f,
           const size_t *len,
           logs_time *t,
           svc_vcache *vc,
           chiso_row_error *err)
{
    const char *s = f[L->col[c]];
    size_t n = len[L->col[c]];

#ifdef LOGS_SWAR
    if (n == 19 || n == 10) {
        uint64_t head = logs_load8(s);
        uint16_t dd;
        svc_dcache *e;
        memcpy(&dd, s + 8, sizeof(dd));
        /* the slot from bits of the digits (year parity, month, day):
         * two years of dates do not collide */
        e = &vc->date[((head >> 13) & 0x800) | ((head >> 30) & 0x400) |
                      ((head >> 42) & 0x3C0) | ((uint32_t)(dd << 4) & 0x30) |
                      ((uint32_t)(dd >> 8) & 0xF)];
        if (e->head == head && e->dd == dd) {
            int32_t tod = 0;
            if (n == 19 && (tod = logs_fast_hms(s + 10)) < 0) {
                return parse_when_slow(L, c, s, n, t, err);
            }
            t->day = e->day;
            t->ym = e->ym;
            t->secs = (int64_t)e->day * 86400 + tod;
            t->has_time = n == 19;
            return 0;
        }
        if (logs_fast_iso(s, n, t)) {
            e->head = head;
            e->dd = dd;
            e->ym = (int16_t)t->ym;
            e->day = t->day;
            return 0;
        }
        return parse_when_slow(L, c, s, n, t, err);
    }
#else
    (void)vc;
#endif
    if (logs_fast_iso(s, n, t)) {
        return 0;
    }
    return parse_when_slow(L, c, s, n, t, err);
}

static int
is_blank(const char *s, size_t n)
{
    chiso_text_trim_quick(&s, &n);
    return n == 0;
}

/* A coded cell that is not a word of its vocabulary: the message lists
 * the accepted words. */
static int
vocab_error(chiso_row_error *err,
            const svc_layout *L,
            int c,
            chiso_vocab v,
            const char *s,
            size_t n)
{
    char q[80], words[300];

    chiso_logs__quote(s, n, q, sizeof(q));
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

/* The unit, status and receipt of a row: what decides its cell. */
static inline int
parse_head(const svc_layout *L,
           const char *const *f,
           const size_t *len,
           svc_rec *r,
           svc_vcache *vc,
           chiso_row_error *err)
{
    const char *s;
    size_t n;
    int v;

    if (L->col[SVC_UNIT] >= 0) {
        s = f[L->col[SVC_UNIT]];
        n = len[L->col[SVC_UNIT]];
        chiso_text_trim_quick(&s, &n);
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
    /* the period is that of the receipt, for excluded dossiers too */
    return parse_when(L, SVC_RECV, f, len, &r->recv, vc, err);
}

/* The rest of a row, after parse_head. */
static inline int
parse_tail(const svc_layout *L,
           const char *const *f,
           const size_t *len,
           svc_rec *r,
           svc_vcache *vc,
           chiso_row_error *err)
{
    const char *s;
    size_t n;
    int v;
    static const int flags[3] = {SVC_COMP, SVC_RES, SVC_DIG};
    int8_t *dst[3];
    int i;

    if (r->status >= SVC_ST_CANCELLED) {
        /* counted apart: their other cells decide nothing */
        r->finished = 0;
        r->proc_secs = 0;
        r->online = r->comp = r->res = r->dig = r->sat = 0;
        return 0;
    }
    if (parse_when(L, SVC_DUE, f, len, &r->due, vc, err) != 0) {
        return -1;
    }
    r->finished = !is_blank(f[L->col[SVC_FIN]], len[L->col[SVC_FIN]]);
    if (r->status == SVC_ST_FINISHED && !r->finished) {
        char q[80];
        chiso_logs__quote(f[L->col[SVC_STATUS]], len[L->col[SVC_STATUS]], q,
                          sizeof(q));
        return row_error(err, L, SVC_STATUS,
                         "status '%s' says the result was returned but "
                         "column '%s' is empty",
                         q, col_name(L, SVC_FIN));
    }
    if (r->status == SVC_ST_OPEN && r->finished) {
        char q[80];
        chiso_logs__quote(f[L->col[SVC_STATUS]], len[L->col[SVC_STATUS]], q,
                          sizeof(q));
        return row_error(err, L, SVC_STATUS,
                         "status '%s' says the dossier is being processed "
                         "but column '%s' has a date",
                         q, col_name(L, SVC_FIN));
    }
    r->proc_secs = 0;
    if (r->finished) {
        int64_t d;
        if (parse_when(L, SVC_FIN, f, len, &r->fin, vc, err) != 0) {
            return -1;
        }
        d = logs_time_diff(&r->fin, &r->recv);
        if (d < 0 || d > (int64_t)UINT32_MAX) {
            char q[80], qr[80];
            chiso_logs__quote(f[L->col[SVC_FIN]], len[L->col[SVC_FIN]], q,
                              sizeof(q));
            chiso_logs__quote(f[L->col[SVC_RECV]], len[L->col[SVC_RECV]], qr,
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
        if (n == 6 && memcmp(s, "online", 6) == 0) {
            v = CHISO_CHANNEL_ONLINE; /* the words of tidy logs, spelled */
        } else if (n == 6 && memcmp(s, "direct", 6) == 0) {
            v = CHISO_CHANNEL_DIRECT;
        } else {
            v = chiso_vocab_cached(&vc->channel, CHISO_VOCAB_CHANNEL, s, n);
        }
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
        if (n == 0) {
            continue; /* an empty cell is "no", as below */
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
        } else if (n == 0) {
            v = 0; /* not rated, as CHISO_VOCAB_EMPTY below */
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

static void
acc_free(svc_acc *A)
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
    chiso_logs__index_free(&A->unit_index);
    for (i = 0; i < A->n_cell; i++) {
        chiso_logs__qstore_free(&A->cell[i].q);
    }
    free(A->cell);
    chiso_logs__index_free(&A->cell_index);
    for (i = 0; A->ym_slots != NULL && i < A->n_unit && i < SVC_FAST_UNITS;
         i++) {
        free(A->ym_slots[i]);
    }
    free(A->ym_slots);
    chiso_logs__qarena_free(&A->arena);
    memset(A, 0, sizeof(*A));
}

typedef struct svc_name_ref {
    const svc_acc *A;
    const char *s;
    size_t n;
} svc_name_ref;

static int
same_unit(const void *ctx, uint32_t id)
{
    const svc_name_ref *r = ctx;

    return r->A->unit_len[id] == r->n &&
           memcmp(r->A->unit[id], r->s, r->n) == 0;
}

static int
intern_unit(svc_acc *A, const char *s, size_t n, uint32_t *id)
{
    svc_name_ref ref = {A, s, n};
    int added;

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
    *id = chiso_logs__index_get(&A->unit_index, chiso_logs__name_key(s, n),
                                same_unit, &ref, &added);
    if (*id == UINT32_MAX) {
        return -1;
    }
    if (added) {
        A->unit[A->n_unit] = chiso_strndup(s, n);
        if (A->unit[A->n_unit] == NULL) {
            return -1;
        }
        A->unit_len[A->n_unit] = n;
        A->n_unit++;
    }
    return 0;
}

static svc_cell *
find_cell(svc_acc *A, uint32_t unit, int32_t period)
{
    uint32_t id;
    svc_cell *c;
    int64_t first, end;
    int added;

    if (A->last_cell != 0) {
        c = &A->cell[A->last_cell - 1];
        if (c->unit == unit && c->period == period) {
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
    id = chiso_logs__index_get(
        &A->cell_index, chiso_logs__cell_key(unit, period), NULL, NULL, &added);
    if (id == UINT32_MAX) {
        return NULL;
    }
    c = &A->cell[id];
    A->last_cell = id + 1;
    if (!added) {
        return c;
    }
    memset(c, 0, sizeof(*c));
    c->unit = unit;
    c->period = period;
    /* open dossiers are judged at the last second of the period, or at
     * as_of when that comes first */
    chiso_period_days(A->L->kind, period, &first, &end);
    c->ref.day = (int32_t)(end - 1);
    c->ref.secs = end * 86400 - 1;
    c->ref.has_time = 1;
    c->ref.ym = 0;
    if (A->L->has_as_of && logs_time_diff(&A->L->as_of, &c->ref) < 0) {
        c->ref = A->L->as_of;
    }
    A->n_cell++;
    return c;
}

static int
flush_cell(svc_acc *A, svc_cell *c)
{
    uint32_t i;

    /* the buckets and chain tails of a cell's store are spread over
     * megabytes: ask for all of them first, so that the misses overlap */
    for (i = 0; i < c->n_stage; i++) {
        uint32_t hi = c->stage[i] >> 16;
        if (hi < c->q.n_b) {
            __builtin_prefetch(&c->q.b[hi], 1);
        }
    }
    for (i = 0; i < c->n_stage; i++) {
        uint32_t hi = c->stage[i] >> 16;
        if (hi < c->q.n_b && c->q.b[hi].count % QB_VALS != 0) {
            __builtin_prefetch(qarena_block(&A->arena, c->q.b[hi].tail), 1);
        }
    }
    for (i = 0; i < c->n_stage; i++) {
        if (chiso_logs__qstore_put(&c->q, &A->arena, c->stage[i]) != 0) {
            return -1;
        }
    }
    c->n_stage = 0;
    return 0;
}

static int
acc_flush(svc_acc *A)
{
    uint32_t i;

    for (i = 0; i < A->n_cell; i++) {
        if (flush_cell(A, &A->cell[i]) != 0) {
            return -1;
        }
    }
    return 0;
}

/* A unit name of 1..8 bytes as a number, the first byte lowest: one load
 * of the eight bytes ending with the name when they lie in the record. */
static inline uint64_t
unit_word(const char *s, size_t n, const chiso_row *row)
{
    uint64_t w = 0;
    uintptr_t a = (uintptr_t)s, r0 = (uintptr_t)row->raw;

    if (row->raw != NULL && a >= r0 + (8 - n) && a + n <= r0 + row->raw_len) {
        memcpy(&w, s + n - 8, sizeof(w));
        return w >> (8 * (8 - n));
    }
    memcpy(&w, s, n);
    return w;
}

static inline uint32_t
ucache_slot(uint64_t w)
{
    return (uint32_t)((w * 0x9E3779B97F4A7C15ull) >> 56);
}

/* The cell of the row's unit and receipt month, by the hash indexes; the
 * fast caches are filled on the way. NULL when memory ran out. */
static svc_cell *
cell_slow(svc_acc *A, const svc_rec *r, uint64_t w)
{
    uint32_t u;
    svc_cell *c;

    if (intern_unit(A, r->unit, r->unit_len, &u) != 0) {
        return NULL;
    }
    c = find_cell(A, u, chiso_logs__period_of_ym(A->L->kind, r->recv.ym));
    if (c == NULL || w == 0) {
        return c;
    }
    A->ucache[ucache_slot(w)].word = w;
    A->ucache[ucache_slot(w)].id = u;
    if (u < SVC_FAST_UNITS) {
        svc_ymslot *sl;
        if (A->ym_slots == NULL) {
            A->ym_slots = calloc(SVC_FAST_UNITS, sizeof(*A->ym_slots));
            if (A->ym_slots == NULL) {
                return NULL;
            }
        }
        if (A->ym_slots[u] == NULL) {
            A->ym_slots[u] = calloc(SVC_YM_SLOTS, sizeof(svc_ymslot));
            if (A->ym_slots[u] == NULL) {
                return NULL;
            }
        }
        sl = &A->ym_slots[u][(uint32_t)r->recv.ym % SVC_YM_SLOTS];
        sl->ym = r->recv.ym;
        sl->cell = (uint32_t)(c - A->cell) + 1;
    }
    return c;
}

/* The cell of the row when the fast caches know it (NULL when not; then
 * *w is the unit as a number, or 0). Adds nothing. */
static inline svc_cell *
cell_fast(svc_acc *A, const svc_rec *r, const chiso_row *row, uint64_t *w)
{
    *w = 0;
    if (r->unit_len - 1 < 8) { /* 1..8 bytes */
        const svc_ucache *uc;
        *w = unit_word(r->unit, r->unit_len, row);
        uc = &A->ucache[ucache_slot(*w)];
        if (uc->word == *w && uc->id < SVC_FAST_UNITS && A->ym_slots != NULL &&
            A->ym_slots[uc->id] != NULL) {
            const svc_ymslot *sl =
                &A->ym_slots[uc->id][(uint32_t)r->recv.ym % SVC_YM_SLOTS];
            if (sl->cell != 0 && sl->ym == r->recv.ym) {
                return &A->cell[sl->cell - 1];
            }
        }
    }
    return NULL;
}

/* Adds a parsed row to its cell c (NULL: found or made here). */
static int
acc_add(svc_acc *A, const svc_rec *r, svc_cell *c, uint64_t w)
{
    if (c == NULL && (c = cell_slow(A, r, w)) == NULL) {
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
        c->on_time += logs_time_diff(&r->fin, &r->due) <= 0;
        c->proc_sum += r->proc_secs;
        if (c->n_stage == SVC_STAGE && flush_cell(A, c) != 0) {
            return -1;
        }
        c->stage[c->n_stage++] = r->proc_secs;
    } else {
        c->open++;
        c->open_within_due += logs_time_diff(&c->ref, &r->due) <= 0;
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
         svc_acc *const *accs,
         qref *refs)
{
    size_t i;
    uint64_t proc = 0;

    for (i = 0; i < n; i++) {
        const svc_cell *c = &accs[m[i].acc]->cell[m[i].cell];
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
        refs[i].a = &accs[m[i].acc]->arena;
    }
    row->online_pct =
        res->has_channel ? logs_pct(row->online, row->received) : (double)NAN;
    row->on_time_pct = logs_pct(row->finished_on_time, row->finished);
    row->progress_pct =
        logs_pct(row->finished_on_time + row->open_within_due, row->received);
    row->components_signed_pct =
        res->has_components_signed
            ? logs_pct(row->components_signed, row->received)
            : (double)NAN;
    row->result_signed_pct = res->has_result_signed
                                 ? logs_pct(row->result_signed, row->received)
                                 : (double)NAN;
    row->digitized_pct = res->has_digitized
                             ? logs_pct(row->digitized, row->received)
                             : (double)NAN;
    row->satisfaction_mean =
        row->rated > 0 ? (double)row->satisfaction_sum / (double)row->rated
                       : (double)NAN;
    row->satisfied_pct = logs_pct(row->satisfied, row->rated);
    row->processing_days_mean =
        row->finished > 0 ? (double)proc / (double)row->finished / 86400.0
                          : (double)NAN;
    if (chiso_logs__quantile(refs, n, 0.5, &row->processing_days_median) != 0 ||
        chiso_logs__quantile(refs, n, 0.9, &row->processing_days_p90) != 0) {
        return -1;
    }
    return 0;
}

static chiso_status
build_result(chiso_services_result *res,
             svc_acc *const *accs,
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
        if (acc_flush(accs[i]) != 0) {
            return CHISO_ENOMEM;
        }
        n_m += accs[i]->n_cell;
        n_units += accs[i]->n_unit;
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
        for (a = 0; a < accs[i]->n_unit; a++) {
            all[k++] = accs[i]->unit[a];
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
        map[i] = calloc(accs[i]->n_unit ? accs[i]->n_unit : 1, sizeof(**map));
        if (map[i] == NULL) {
            goto out;
        }
        for (a = 0; a < accs[i]->n_unit; a++) {
            char **at = bsearch(&accs[i]->unit[a], res->units, res->n_units,
                                sizeof(char *), cmp_str);
            map[i][a] = (uint32_t)(at - res->units);
        }
    }
    for (i = 0, k = 0; i < n_accs; i++) {
        for (c = 0; c < accs[i]->n_cell; c++) {
            m[k].unit = map[i][accs[i]->cell[c].unit];
            m[k].period = accs[i]->cell[c].period;
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
        st = chiso_logs__select_unit(res->path, res->units, res->n_units, unit,
                                     hit, &res->unit_in_log, diag);
        if (st != CHISO_OK) {
            goto out;
        }
        st = CHISO_ENOMEM;
        for (i = 0, k = 0; i < n_m; i++) {
            const svc_cell *cl = &accs[m[i].acc]->cell[m[i].cell];
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

/* ---- the row handler ------------------------------------------------------------ */

static void *
worker_new(void *ctx)
{
    svc_acc *A = logs_worker_alloc(sizeof(*A));

    if (A != NULL) {
        A->L = ctx;
    }
    return A;
}

static void
worker_free(void *w)
{
    if (w != NULL) {
        acc_free(w);
        free(w);
    }
}

static int
handle_row(void *w, const chiso_row *row, chiso_row_error *err)
{
    svc_acc *A = w;
    svc_rec rec;
    svc_cell *c;
    uint64_t word;

    if (parse_head(A->L, row->field, row->len, &rec, &A->vc, err) != 0) {
        return CHISO_ROW_BAD;
    }
    /* the cells of a part are hundreds of kilobytes, met at random: ask
     * for the counters' lines now, to come while the rest is parsed */
    c = cell_fast(A, &rec, row, &word);
    if (c != NULL) {
        __builtin_prefetch(c, 1);
        __builtin_prefetch((const char *)c + 64, 1);
        __builtin_prefetch((const char *)c + 128, 1);
        __builtin_prefetch(&c->n_stage, 1);
    }
    if (parse_tail(A->L, row->field, row->len, &rec, &A->vc, err) != 0) {
        return CHISO_ROW_BAD;
    }
    return acc_add(A, &rec, c, word) == 0 ? CHISO_ROW_OK : CHISO_ROW_FATAL;
}

/* ---- public entry points ---------------------------------------------------------- */

static chiso_status
services_compute(chiso_services_result **out,
                 const char *path,
                 const char *data,
                 size_t data_len,
                 const chiso_services_options *opts,
                 chiso_diag *diag)
{
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_table_schema schema = {svc_columns, SVC_NCOLS,         SVC_ID,
                                 -1,          N_("dossier log"), 0};
    chiso_row_handler h;
    chiso_table_run run;
    chiso_table *t = NULL;
    chiso_services_result *res = NULL;
    svc_layout L;
    chiso_status st;

    *out = NULL;
    if (opts != NULL) {
        o = *opts;
    }
    memset(&L, 0, sizeof(L));
    memset(&run, 0, sizeof(run));
    memset(&h, 0, sizeof(h));
    res = calloc(1, sizeof(*res));
    if (res == NULL || (res->path = chiso_strdup(path)) == NULL) {
        free(res);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    res->period = o.period;
    res->has_as_of = o.has_as_of;
    res->as_of = o.as_of;
    res->threads_used = 1;
    res->max_rejects_pct = o.table.max_rejects_pct;
    st = data != NULL ? chiso_table_open_mem(&t, path, data, data_len, &schema,
                                             &o.table, diag)
                      : chiso_table_open(&t, path, &schema, &o.table, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    L.col = chiso_table_index(t);
    L.n_header = chiso_table_width(t);
    L.header = chiso_table_header(t);
    L.lang = chiso_table_lang(t);
    L.date_flags = chiso_table_date_flags(t);
    L.kind = o.period;
    L.has_as_of = o.has_as_of;
    if (o.has_as_of) {
        L.as_of = chiso_logs__time_of(o.as_of);
    }
    res->delimiter = chiso_table_delimiter(t);
    res->has_unit_column = L.col[SVC_UNIT] >= 0;
    res->has_channel = L.col[SVC_CHAN] >= 0;
    res->has_components_signed = L.col[SVC_COMP] >= 0;
    res->has_result_signed = L.col[SVC_RES] >= 0;
    res->has_digitized = L.col[SVC_DIG] >= 0;
    res->has_satisfaction = L.col[SVC_SAT] >= 0;
    res->has_status = L.col[SVC_STATUS] >= 0;
    if (!res->has_unit_column) {
        if (o.unit == NULL) {
            st = chiso_logs__no_unit_column(
                path,
                chiso_msg(logs_lang(diag), "expected 'unit_code', 'Mã đơn "
                                           "vị', 'Đơn vị' or 'Cơ quan'"),
                diag);
            goto out;
        }
        L.fixed_unit = o.unit->code;
        L.fixed_unit_len = strlen(o.unit->code);
    }
    h.ctx = &L;
    h.worker_new = worker_new;
    h.worker_free = worker_free;
    h.row = handle_row;
    h.sequential = 0;
    st = chiso_table_read(t, &h, &run, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    res->rows_read = run.rows_read;
    res->rows_counted = run.rows_counted;
    res->rows_rejected = run.rows_rejected;
    res->rows_totals = run.rows_totals;
    res->threads_used = run.threads_used;
    st = build_result(res, (svc_acc *const *)run.workers, run.n_workers, o.unit,
                      diag);
out:
    chiso_table_run_free(&run, &h);
    chiso_table_close(t);
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
    return services_compute(out, path, NULL, 0, opts, diag);
}

chiso_status
chiso_services_compute_mem(chiso_services_result **out,
                           const char *name,
                           const char *data,
                           size_t len,
                           const chiso_services_options *opts,
                           chiso_diag *diag)
{
    return services_compute(out, name, data ? data : "", len, opts, diag);
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

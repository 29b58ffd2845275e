/*
 * logs_int.h - internals shared by the files of analytics/logs.
 *
 * Both logs are read through the datasets row pipeline (chiso_table_read):
 * services.c and tasks.c each supply a row handler - a row parser into a
 * typed record and an accumulator per unit x period - and build their
 * result from the accumulators of the parts of the file. logs_common.c
 * holds what both use: periods, time stamps under the whole-day rule, the
 * exact quantile store, unit selection and the JSON helpers. Files depend
 * on logs_common.c and units.c only; none on another's internals.
 *
 * Exact quantiles of processing time need every value (one pass, exact:
 * no way around storing them). Durations are whole seconds; a value is
 * split into a high part (secs >> 16, buckets of 18.2 hours) and a 16-bit
 * low part. Each group keeps, per high bucket, a count and a chain of
 * 64-byte blocks of 30 low parts from a per-thread arena: 2.13 bytes per
 * finished dossier instead of 8 for a double. A quantile walks the bucket
 * counts to the bucket holding the wanted rank and sorts that bucket only.
 * Groups of several threads or units are combined at query time (union of
 * chains), so nothing is copied when threads are merged.
 */
#ifndef CHISO_LOGS_INT_H
#define CHISO_LOGS_INT_H

#include "chiso_logs.h"
#include "chiso_dataset.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * A worker's accumulator, zeroed, on its own 128-byte boundary and
 * padded to one: workers are made one after another on the reading
 * thread and then written by different threads row after row, so the end
 * of one and the start of the next must not share a cache line (that
 * sharing made two threads use 1.6x the CPU of one on a 1 M-row log).
 * Freed with free().
 */
static inline void *
logs_worker_alloc(size_t size)
{
    size_t n = (size + 127) / 128 * 128;
    void *p = aligned_alloc(128, n);

    if (p != NULL) {
        memset(p, 0, n);
    }
    return p;
}

/* ---- timestamps ----------------------------------------------------------- */

/* A parsed timestamp with what the accumulators need precomputed. */
typedef struct logs_time {
    int64_t secs; /* 00:00:00 when has_time is 0 */
    int32_t day;  /* days since 1970-01-01 */
    int32_t ym;   /* year*12 + month-1 */
    int has_time;
} logs_time;

/* Is y (1900..2200) a leap year? */
static inline int
logs_leap(int y)
{
    return (y & 3) == 0 && y != 1900 && y != 2100 && y != 2200;
}

static inline unsigned
logs_dim(int y, int m)
{
    static const unsigned char t[] = {31, 28, 31, 30, 31, 30,
                                      31, 31, 30, 31, 30, 31};

    return t[m - 1] + (unsigned)(m == 2 && logs_leap(y));
}

/* Days since 1970-01-01 of a valid date, 1900..2200: 365 a year from
 * 1900, one more for every fourth year before y counting 1900 (the
 * shift), less 1900 and 2100, which are not leap years (2000 is), then
 * the days before the month (one more after February in a leap year). No
 * division: the hot path reads three such dates per dossier. */
static inline int32_t
logs_iso_day(int y, int m, int d)
{
    static const int16_t before[12] = {0,   31,  59,  90,  120, 151,
                                       181, 212, 243, 273, 304, 334};
    int32_t days = (int32_t)(y - 1900) * 365 + ((y - 1897) >> 2) - (y > 1900) -
                   (y > 2100) - 25567 /* 1900-01-01 .. 1970-01-01 */;

    return days + before[m - 1] + (m > 2 && logs_leap(y)) + d - 1;
}

#define LOGS_D(c)   ((unsigned)((c) - '0'))
#define LOGS_ISD(c) ((unsigned)((c) - '0') <= 9u)

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LOGS_SWAR 1
/* Eight bytes as a number, the first byte lowest. */
static inline uint64_t
logs_load8(const char *s)
{
    uint64_t v;

    memcpy(&v, s, sizeof(v));
    return v;
}

/* Are the bytes of x under mask m (0xFF per byte) ASCII digits? */
static inline int
logs_swar_digits(uint64_t x, uint64_t m)
{
    const uint64_t hi = 0xF0F0F0F0F0F0F0F0ull & m,
                   z = 0x3030303030303030ull & m;

    x &= m;
    return (x & hi) == z && ((x + (0x0606060606060606ull & m)) & hi) == z;
}

/* Digit values (0..9 per byte, other bytes 0) to two-digit numbers: byte
 * i of the result is 10 * byte i + byte i+1 (at most 99: no carry). */
static inline uint64_t
logs_pairs(uint64_t v)
{
    return v * 10 + (v >> 8);
}

#define LOGS_BYTE(x, i) ((unsigned)(((x) >> (8 * (i))) & 0xFFu))
#endif

#ifdef LOGS_SWAR
/* "[T ]HH:MM:SS" at s (the 9 bytes after a date) as seconds of the day,
 * or -1 when it is not exactly that with a real time of day. */
static inline int32_t
logs_fast_hms(const char *s)
{
    uint64_t b = logs_load8(s + 1);

    if ((s[0] != 'T' && s[0] != ' ') ||
        (b & 0x0000FF0000FF0000ull) != 0x00003A00003A0000ull ||
        !logs_swar_digits(b, 0xFFFF00FFFF00FFFFull)) {
        return -1;
    }
    b = logs_pairs((b & 0xFFFF00FFFF00FFFFull) - 0x3030003030003030ull);
    if (LOGS_BYTE(b, 0) > 23 || LOGS_BYTE(b, 3) > 59 || LOGS_BYTE(b, 6) > 59) {
        return -1;
    }
    return (int32_t)(LOGS_BYTE(b, 0) * 3600 + LOGS_BYTE(b, 3) * 60 +
                     LOGS_BYTE(b, 6));
}
#endif

/*
 * "YYYY-MM-DD" or "YYYY-MM-DD[T ]HH:MM:SS" exactly, with the checks of
 * chiso_parse_datetime (year 1900-2200, real calendar date, time of day).
 * Returns 1 when it decided (valid), 0 to let the general parser decide.
 * The digits and separators are checked eight bytes at a time where the
 * byte order allows, and pairs of digits combined by one multiply.
 */
static inline int
logs_fast_iso(const char *s, size_t len, logs_time *t)
{
    int y, m, d, hh = 0, mi = 0, ss = 0;

#ifdef LOGS_SWAR
    uint64_t a;

    if ((len != 10 && len != 19) || !LOGS_ISD(s[8]) || !LOGS_ISD(s[9])) {
        return 0;
    }
    /* "YYYY-MM-": digits but bytes 4 and 7, which are '-' */
    a = logs_load8(s);
    if ((a & 0xFF0000FF00000000ull) != 0x2D00002D00000000ull ||
        !logs_swar_digits(a, 0x00FFFF00FFFFFFFFull)) {
        return 0;
    }
    a = logs_pairs((a & 0x00FFFF00FFFFFFFFull) - 0x0030300030303030ull);
    y = (int)(LOGS_BYTE(a, 0) * 100 + LOGS_BYTE(a, 2));
    m = (int)LOGS_BYTE(a, 5);
    d = (int)(LOGS_D(s[8]) * 10 + LOGS_D(s[9]));
    if (len == 19) {
        /* "HH:MM:SS" from byte 11: ':' at 2 and 5 */
        uint64_t b = logs_load8(s + 11);
        if ((s[10] != 'T' && s[10] != ' ') ||
            (b & 0x0000FF0000FF0000ull) != 0x00003A00003A0000ull ||
            !logs_swar_digits(b, 0xFFFF00FFFF00FFFFull)) {
            return 0;
        }
        b = logs_pairs((b & 0xFFFF00FFFF00FFFFull) - 0x3030003030003030ull);
        hh = (int)LOGS_BYTE(b, 0);
        mi = (int)LOGS_BYTE(b, 3);
        ss = (int)LOGS_BYTE(b, 6);
        if (hh > 23 || mi > 59 || ss > 59) {
            return 0;
        }
    }
#else
    if ((len != 10 && len != 19) || s[4] != '-' || s[7] != '-' ||
        !LOGS_ISD(s[0]) || !LOGS_ISD(s[1]) || !LOGS_ISD(s[2]) ||
        !LOGS_ISD(s[3]) || !LOGS_ISD(s[5]) || !LOGS_ISD(s[6]) ||
        !LOGS_ISD(s[8]) || !LOGS_ISD(s[9])) {
        return 0;
    }
    y = (int)(LOGS_D(s[0]) * 1000 + LOGS_D(s[1]) * 100 + LOGS_D(s[2]) * 10 +
              LOGS_D(s[3]));
    m = (int)(LOGS_D(s[5]) * 10 + LOGS_D(s[6]));
    d = (int)(LOGS_D(s[8]) * 10 + LOGS_D(s[9]));
    if (len == 19) {
        if ((s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
            !LOGS_ISD(s[11]) || !LOGS_ISD(s[12]) || !LOGS_ISD(s[14]) ||
            !LOGS_ISD(s[15]) || !LOGS_ISD(s[17]) || !LOGS_ISD(s[18])) {
            return 0;
        }
        hh = (int)(LOGS_D(s[11]) * 10 + LOGS_D(s[12]));
        mi = (int)(LOGS_D(s[14]) * 10 + LOGS_D(s[15]));
        ss = (int)(LOGS_D(s[17]) * 10 + LOGS_D(s[18]));
        if (hh > 23 || mi > 59 || ss > 59) {
            return 0;
        }
    }
#endif
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 ||
        (unsigned)d > logs_dim(y, m)) {
        return 0;
    }
    t->day = logs_iso_day(y, m, d);
    t->secs = (int64_t)t->day * 86400 + hh * 3600 + mi * 60 + ss;
    t->ym = y * 12 + m - 1;
    t->has_time = len == 19;
    return 1;
}

/* Parse; fast path for "YYYY-MM-DD[T ]HH:MM:SS", else
 * chiso_parse_datetime_ex with flags (CHISO_DATE_*). 0 or -1 with why in
 * lang. */
int chiso_logs__time_parse(const char *s,
                           size_t len,
                           unsigned flags,
                           chiso_lang lang,
                           logs_time *t,
                           char *why,
                           size_t why_len);

/* A stamp (chiso_stamp) as a logs_time. */
logs_time chiso_logs__time_of(chiso_stamp s);

static inline int64_t
logs_time_diff(const logs_time *a, const logs_time *b)
{
    if (a->has_time && b->has_time) {
        return a->secs - b->secs;
    }
    return ((int64_t)a->day - (int64_t)b->day) * 86400;
}

int32_t chiso_logs__period_of_ym(chiso_period_kind kind, int32_t ym);

/* ---- block arena and quantile store ---------------------------------------- */

#define QB_VALS     30
#define QB_SLAB_LOG 15 /* 32768 blocks (2 MiB) per slab */

typedef struct qblock {
    uint32_t next;
    uint16_t v[QB_VALS];
} qblock;

typedef struct qarena {
    qblock **slab;
    size_t n_slab, cap_slab;
    uint32_t used; /* blocks handed out; index 0 is never used */
} qarena;

typedef struct qbucket {
    uint32_t head, tail, count;
} qbucket;

typedef struct qstore {
    qbucket *b;
    uint32_t n_b; /* buckets allocated (high parts 0..n_b-1) */
    uint64_t n;
} qstore;

static inline qblock *
qarena_block(const qarena *a, uint32_t i)
{
    return &a->slab[i >> QB_SLAB_LOG][i & ((1u << QB_SLAB_LOG) - 1)];
}

int chiso_logs__qstore_add(qstore *q, qarena *a, uint32_t value);

/* chiso_logs__qstore_add, inline when the value's bucket exists and its
 * tail block has room (29 values in 30). */
static inline int
chiso_logs__qstore_put(qstore *q, qarena *a, uint32_t value)
{
    uint32_t hi = value >> 16;

    if (hi < q->n_b) {
        qbucket *b = &q->b[hi];
        uint32_t slot = b->count % QB_VALS;
        if (slot != 0) {
            qarena_block(a, b->tail)->v[slot] = (uint16_t)(value & 0xFFFFu);
            b->count++;
            q->n++;
            return 0;
        }
    }
    return chiso_logs__qstore_add(q, a, value);
}
void chiso_logs__qstore_free(qstore *q);
void chiso_logs__qarena_free(qarena *a);

/* A store with the arena its blocks live in. */
typedef struct qref {
    const qstore *q;
    const qarena *a;
} qref;

/*
 * Quantile q (type 7) over the union of stores, in days (values are
 * seconds). NaN if empty. Returns -1 on allocation failure.
 */
int
chiso_logs__quantile(const qref *refs, size_t n_refs, double q, double *out);

/* ---- units ------------------------------------------------------------------ */

/*
 * With a unit selected: which of the sorted units `all` match (hit), the
 * matched cells joined for unit_in_log. CHISO_EDATA (diag) when none.
 */
chiso_status chiso_logs__select_unit(const char *path,
                                     char *const *all,
                                     size_t n_all,
                                     const chiso_unit_ref *unit,
                                     unsigned char *hit,
                                     char **unit_in_log,
                                     chiso_diag *diag);

/* A log without a unit column and no unit given: how to give it. */
chiso_status chiso_logs__no_unit_column(const char *path,
                                        const char *what,
                                        chiso_diag *diag);

/* ---- shared helpers ---------------------------------------------------------- */

/* Quote a value for a message: at most 60 bytes, cut at a UTF-8 boundary. */
void chiso_logs__quote(const char *s, size_t len, char *out, size_t cap);

/* Percent a/b*100, NaN when b == 0. */
static inline double
logs_pct(uint64_t a, uint64_t b)
{
    return b == 0 ? (double)NAN : 100.0 * (double)a / (double)b;
}

/* Language of a caller's diag (Vietnamese when diag is NULL). */
static inline chiso_lang
logs_lang(const chiso_diag *diag)
{
    return diag != NULL ? diag->lang : CHISO_LANG_VI;
}

/* JSON helpers shared by services and tasks documents. */
struct cJSON *chiso_logs__json_pct(double x);
struct cJSON *chiso_logs__json_num(double x);
struct cJSON *chiso_logs__json_u64(uint64_t v);
struct cJSON *chiso_logs__json_stamp(chiso_stamp t);
void chiso_logs__stamp_text(chiso_stamp t, char *out, size_t len);
/* "records" {read, counted, rejected, totals_rows, other_units,
 * rejected_pct, max_rejects_pct} and "unit" (null for every unit). */
struct cJSON *chiso_logs__json_records(uint64_t read,
                                       uint64_t counted,
                                       uint64_t rejected,
                                       uint64_t totals,
                                       uint64_t other_units,
                                       double max_pct);
struct cJSON *chiso_logs__json_unit(int has_column,
                                    size_t n_units,
                                    char *const *units,
                                    const char *in_log);

/* Appends a derived input to a set (shared by services and tasks). */
chiso_status chiso_logs__set_add(chiso_input_set *set,
                                 const char *name,
                                 const char *detail,
                                 int is_count,
                                 double num,
                                 double den,
                                 int has_value,
                                 double value);
/*
 * The label of `unit` among a result's units for chiso_*_inputs, or NULL
 * with diag set: the log has no counted row, or no row of the unit.
 * NULL unit: "*".
 */
const char *chiso_logs__inputs_unit(const char *path,
                                    char *const *units,
                                    size_t n_units,
                                    uint64_t counted,
                                    const char *unit,
                                    const char *what,
                                    chiso_diag *diag);
/*
 * For chiso_*_inputs when the unit has no row in the period asked for:
 * CHISO_EDATA with diag set when every row of the unit lies before the
 * period or every row after it (first/last: the unit's earliest and latest
 * period indices) -- the wrong file or the wrong period, whose rates would
 * be 0/0 and the criteria they feed scored by the zero-denominator
 * convention. CHISO_OK for a gap inside the log's span (a period without
 * work). tasks: the wording of a task register, else of a dossier log.
 */
chiso_status chiso_logs__outside_period(const char *path,
                                        chiso_period_kind kind,
                                        int32_t period_index,
                                        int32_t first,
                                        int32_t last,
                                        const char *unit,
                                        int tasks,
                                        chiso_diag *diag);
/*
 * The unit's earliest and latest periods among a result's rows (an array
 * of n rows of `stride` bytes, each starting with `const char *unit`, with
 * its int32_t period index at `period_off`; the overall row, INT32_MIN,
 * left out), then chiso_logs__outside_period. unit NULL: every unit.
 */
chiso_status chiso_logs__rows_cover(const char *path,
                                    chiso_period_kind kind,
                                    int32_t period_index,
                                    const void *rows,
                                    size_t n,
                                    size_t stride,
                                    size_t period_off,
                                    const char *unit,
                                    int tasks,
                                    chiso_diag *diag);

/* ---- hash index ------------------------------------------------------------- */

/*
 * An open-addressing index from 64-bit keys to ids 0, 1, 2, ... in order of
 * addition, the key kept in its slot so that a probe reads one slot and no
 * entry of the caller. Cells of (unit, period) use the exact key
 * chiso_logs__cell_key(); names use chiso_logs__name_key() (a 64-bit hash)
 * and a `same` callback comparing the bytes of a candidate id.
 */
typedef struct logs_slot {
    uint64_t key;
    uint32_t id; /* id + 1; 0 = empty */
} logs_slot;

typedef struct logs_index {
    logs_slot *slot;
    uint32_t cap, n;
} logs_index;

static inline uint64_t
chiso_logs__cell_key(uint32_t unit, int32_t period)
{
    return ((uint64_t)unit << 32) | (uint32_t)period;
}

static inline uint64_t
chiso_logs__name_key(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a, 64 bits */
    size_t i;

    for (i = 0; i < n; i++) {
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    }
    return h;
}

static inline uint32_t
chiso_logs__index_home(uint64_t key)
{
    key ^= key >> 33; /* MurmurHash3's finaliser */
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    key *= 0xc4ceb9fe1a85ec53ULL;
    key ^= key >> 33;
    return (uint32_t)key;
}

/* Double the slots (64 at first). 0, or -1 when memory ran out. */
int chiso_logs__index_grow(logs_index *x);

/*
 * The id of `key` (for which same(ctx, id) holds, when same is not NULL).
 * When absent, adds it with id x->n and sets *added to 1 (else 0): the
 * caller must then store its entry at that id. UINT32_MAX when memory ran
 * out (nothing added). Inline: called once or twice for every row.
 */
static inline uint32_t
chiso_logs__index_get(logs_index *x,
                      uint64_t key,
                      int (*same)(const void *ctx, uint32_t id),
                      const void *ctx,
                      int *added)
{
    uint32_t h;
    logs_slot *e;

    *added = 0;
    if ((x->n + 1) * 2 > x->cap && chiso_logs__index_grow(x) != 0) {
        return UINT32_MAX;
    }
    for (h = chiso_logs__index_home(key);; h++) {
        e = &x->slot[h & (x->cap - 1)];
        if (e->id == 0) {
            break;
        }
        if (e->key == key && (same == NULL || same(ctx, e->id - 1))) {
            return e->id - 1;
        }
    }
    e->key = key;
    e->id = ++x->n;
    *added = 1;
    return x->n - 1;
}
void chiso_logs__index_free(logs_index *x);

#endif /* CHISO_LOGS_INT_H */

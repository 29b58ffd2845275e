/*
 * tasks.c - task registers (nhiệm vụ được giao) -> completion and on-time
 * rates per unit and period, as of a given date.
 *
 * A task belongs to the period in which its deadline falls: reports on
 * "nhiệm vụ hoàn thành đúng hạn" count the tasks that were due in the
 * reporting period, whenever they were assigned, so a task assigned in
 * December and due in March weighs on the first half-year, when it could
 * be late, not on the year it was given. Tasks without a deadline have no
 * on-time status; they are counted apart, per unit.
 *
 * as_of fixes the state: a completion after as_of is treated as not yet
 * done, so a report "as of 30/06" is the same from a June or an August
 * export.
 *
 * Counting is per unit x period cell as the rows come (units and cells
 * in hash tables, so 100 000 distinct units cost what 10 do); only the
 * days late of late tasks are kept, because their median needs them in
 * order. Cells are combined into rows, period totals and the overall row at
 * the end.
 */
#define _POSIX_C_SOURCE 200809L
#include "logs_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

enum {
    TK_ID = 0,
    TK_UNIT,
    TK_TITLE,
    TK_SRC,
    TK_ASSIGNED,
    TK_DUE,
    TK_DONE,
    TK_STATUS,
    TK_SEQ,
    TK_NCOLS
};

static const chiso_csv_column tk_columns[TK_NCOLS] = {
    /* without an id column, tasks are named by STT or by line */
    {"task_id", "ma_nhiem_vu|ma_nv|so_hieu_nhiem_vu|id", 0},
    /* required unless the unit is given (single-unit registers) */
    {"unit",
     "unit_code|don_vi|ma_don_vi|don_vi_chu_tri|co_quan_chu_tri|"
     "don_vi_thuc_hien|co_quan_thuc_hien|don_vi_duoc_giao",
     0},
    {"title",
     "ten_nhiem_vu|noi_dung|noi_dung_nhiem_vu|trich_yeu|"
     "trich_yeu_noi_dung_nhiem_vu|trich_yeu_noi_dung|nhiem_vu|"
     "noi_dung_cong_viec|ten_cong_viec",
     0},
    {"source_document",
     "van_ban|van_ban_giao|so_van_ban|can_cu|so_ky_hieu|so_ky_hieu_van_ban|"
     "so_hieu_van_ban|van_ban_chi_dao|so_ky_hieu_van_ban_giao|"
     "so_ky_hieu_van_ban_giao_nhiem_vu|van_ban_giao_nhiem_vu",
     0},
    {"assigned_at", "ngay_giao|ngay_ban_hanh|ngay_nhan|ngay_giao_nhiem_vu", 0},
    {"due_at",
     "han_xu_ly|thoi_han|han_hoan_thanh|deadline|han|thoi_han_hoan_thanh|"
     "thoi_han_xu_ly|thoi_han_thuc_hien",
     1},
    {"completed_at",
     "ngay_hoan_thanh|ngay_xong|ngay_ket_thuc|thoi_gian_hoan_thanh|"
     "ngay_hoan_thanh_thuc_te",
     0},
    {"status", "trang_thai|tinh_trang|ket_qua_thuc_hien|tinh_hinh_thuc_hien",
     0},
    {"seq", "stt|so_tt|tt|so_thu_tu", 0},
};

/* ---- rows ------------------------------------------------------------------- */

typedef struct tk_layout {
    const long *col;
    size_t n_header;
    const char *const *header;
    const char *fixed_unit;
    size_t fixed_unit_len;
    chiso_lang lang;
    unsigned date_flags;
    chiso_period_kind kind;
    logs_time as_of;
} tk_layout;

/* One row, parsed. Texts point into the row's fields. */
typedef struct tk_rec {
    const char *unit;
    size_t unit_len;
    int status; /* CHISO_TASK_*, 0 = none */
    int has_due, has_done;
    /* completed by the status alone ("Đã hoàn thành đúng hạn" with no
     * completion date): 1 on time, 2 late, 0 not so */
    int status_done;
    /* the status says on time (late) but the dates say late (on time) */
    int status_conflict;
    logs_time due, done;
} tk_rec;

static const char *
tk_col_name(const tk_layout *L, int c)
{
    long k = L->col[c];

    return k >= 0 && (size_t)k < L->n_header ? L->header[k]
                                             : tk_columns[c].name;
}

static int
tk_error(chiso_row_error *err, const tk_layout *L, int c, const char *fmt, ...)
    CHISO_PRINTF(4, 5);

static int
tk_error(chiso_row_error *err, const tk_layout *L, int c, const char *fmt, ...)
{
    va_list ap;

    err->field = (size_t)L->col[c];
    err->code = CHISO_EDATA;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), chiso_msg(L->lang, fmt), ap);
    va_end(ap);
    return -1;
}

/* An optional date column: 0 absent/empty (*has = 0), 1 parsed, -1 bad. */
static int
tk_when(const tk_layout *L,
        int c,
        const char *const *f,
        const size_t *len,
        logs_time *t,
        int *has,
        chiso_row_error *err)
{
    const char *s, *p;
    size_t n, m;
    char why[160], q[80];

    *has = 0;
    if (L->col[c] < 0) {
        return 0;
    }
    s = f[L->col[c]];
    n = len[L->col[c]];
    p = s;
    m = n;
    chiso_text_trim_quick(&p, &m);
    if (m == 0) {
        return 0;
    }
    if (!logs_fast_iso(s, n, t) &&
        chiso_logs__time_parse(s, n, L->date_flags, L->lang, t, why,
                               sizeof(why)) != 0) {
        chiso_logs__quote(s, n, q, sizeof(q));
        return tk_error(err, L, c, "invalid date '%s' in column '%s': %s", q,
                        tk_col_name(L, c), why);
    }
    *has = 1;
    return 1;
}

static int
tk_parse_row(const tk_layout *L,
             const char *const *f,
             const size_t *len,
             tk_rec *r,
             chiso_vocab_cache *vc,
             chiso_row_error *err)
{
    const char *s;
    size_t n;
    logs_time assigned;
    int has_assigned;
    char q[80];

    memset(r, 0, sizeof(*r));
    if (L->col[TK_ID] >= 0) {
        s = f[L->col[TK_ID]];
        n = len[L->col[TK_ID]];
        chiso_text_trim_quick(&s, &n);
        if (n == 0) {
            return tk_error(err, L, TK_ID, "missing task id in column '%s'",
                            tk_col_name(L, TK_ID));
        }
    }
    if (L->col[TK_UNIT] >= 0) {
        s = f[L->col[TK_UNIT]];
        n = len[L->col[TK_UNIT]];
        chiso_text_trim_quick(&s, &n);
        if (n == 0) {
            return tk_error(err, L, TK_UNIT, "missing unit in column '%s'",
                            tk_col_name(L, TK_UNIT));
        }
    } else {
        s = L->fixed_unit;
        n = L->fixed_unit_len;
    }
    r->unit = s;
    r->unit_len = n;
    if (tk_when(L, TK_ASSIGNED, f, len, &assigned, &has_assigned, err) < 0 ||
        tk_when(L, TK_DUE, f, len, &r->due, &r->has_due, err) < 0 ||
        tk_when(L, TK_DONE, f, len, &r->done, &r->has_done, err) < 0) {
        return -1;
    }
    if (L->col[TK_STATUS] >= 0) {
        const char *st = f[L->col[TK_STATUS]];
        size_t sn = len[L->col[TK_STATUS]];
        int v = chiso_vocab_cached(vc, CHISO_VOCAB_TASK_STATUS, st, sn);
        if (v == CHISO_VOCAB_UNKNOWN) {
            char words[300];
            chiso_logs__quote(st, sn, q, sizeof(q));
            chiso_vocab_words(CHISO_VOCAB_TASK_STATUS, -1, words,
                              sizeof(words));
            return tk_error(err, L, TK_STATUS,
                            "unknown status '%s' in column '%s' (accepted: "
                            "%s)",
                            q, tk_col_name(L, TK_STATUS), words);
        }
        r->status = v > 0 ? v : 0;
        if ((r->status == CHISO_TASK_DONE_ON_TIME ||
             r->status == CHISO_TASK_DONE_LATE) &&
            !r->has_done) {
            /* the status says completed and whether on time: counted so,
             * its days late unknown */
            r->status_done = r->status == CHISO_TASK_DONE_ON_TIME ? 1 : 2;
        } else if (r->status == CHISO_TASK_DONE && !r->has_done) {
            chiso_logs__quote(st, sn, q, sizeof(q));
            return tk_error(err, L, TK_STATUS,
                            "status '%s' says completed but the completion "
                            "date is empty",
                            q);
        }
        if (r->status == CHISO_TASK_OPEN && r->has_done) {
            chiso_logs__quote(st, sn, q, sizeof(q));
            return tk_error(err, L, TK_STATUS,
                            "status '%s' says not completed but a completion "
                            "date is given",
                            q);
        }
    }
    if (has_assigned && r->has_due && logs_time_diff(&r->due, &assigned) < 0) {
        chiso_logs__quote(f[L->col[TK_DUE]], len[L->col[TK_DUE]], q, sizeof(q));
        return tk_error(err, L, TK_DUE,
                        "deadline '%s' in column '%s' is before the "
                        "assignment date",
                        q, tk_col_name(L, TK_DUE));
    }
    if (has_assigned && r->has_done &&
        logs_time_diff(&r->done, &assigned) < 0) {
        chiso_logs__quote(f[L->col[TK_DONE]], len[L->col[TK_DONE]], q,
                          sizeof(q));
        return tk_error(err, L, TK_DONE,
                        "completion '%s' in column '%s' is before the "
                        "assignment date",
                        q, tk_col_name(L, TK_DONE));
    }
    if (r->has_done && r->has_due &&
        (r->status == CHISO_TASK_DONE_ON_TIME ||
         r->status == CHISO_TASK_DONE_LATE)) {
        /* the dates decide; the disagreement is counted and noted */
        int late = logs_time_diff(&r->done, &r->due) > 0;
        r->status_conflict = late != (r->status == CHISO_TASK_DONE_LATE);
    }
    /* done means done by as_of */
    if (r->has_done && logs_time_diff(&r->done, &L->as_of) > 0) {
        r->has_done = 0;
    }
    return 0;
}

/* ---- accumulator -------------------------------------------------------------- */

/* Per unit: rows, tasks without a deadline, cancelled tasks. */
typedef struct tk_unit {
    char *name;
    size_t len;
    uint64_t rows, undated, undated_done, undated_open, cancelled;
} tk_unit;

typedef struct tk_cell {
    uint32_t unit;
    int32_t period;
    uint64_t assigned, completed, on_time, open_not_due, overdue;
    uint64_t late_undated; /* late by the status alone: days unknown */
    double late_sum;
    double *late; /* days late of each late task, in no order */
    size_t n_late, cap_late;
} tk_cell;

/* An overdue task, with its texts copied into the worker's text buffer
 * (offsets, each text NUL-terminated) and the line of its row. */
typedef struct tk_over {
    uint32_t unit;
    size_t task_id, title, source_document;
    int noname; /* no id nor STT: named "line N" once lines are known */
    logs_time due;
    double days;
    uint64_t pos; /* of the row: chiso_table_line() */
} tk_over;

typedef struct tk_acc {
    const tk_layout *L;
    chiso_vocab_cache vc;
    tk_unit *unit;
    uint32_t n_unit, cap_unit;
    logs_index unit_index; /* by name */
    tk_cell *cell;
    uint32_t n_cell, cap_cell;
    logs_index cell_index; /* by (unit, period) */
    uint32_t last_cell;
    tk_over *over;
    size_t n_over, cap_over;
    char *txt; /* texts of the overdue tasks, one buffer per worker */
    size_t n_txt, cap_txt, n_noname;
    uint64_t rows;
    uint64_t status_done;     /* completed by the status alone */
    uint64_t status_conflict; /* status and dates disagree on lateness */
} tk_acc;

typedef struct tk_name_ref {
    const tk_acc *A;
    const char *s;
    size_t n;
} tk_name_ref;

static int
tk_same_unit(const void *ctx, uint32_t id)
{
    const tk_name_ref *r = ctx;
    const tk_unit *u = &r->A->unit[id];

    return u->len == r->n && memcmp(u->name, r->s, r->n) == 0;
}

static tk_unit *
tk_intern(tk_acc *A, const char *s, size_t n, uint32_t *id)
{
    tk_name_ref ref = {A, s, n};
    int added;

    if (A->n_unit == A->cap_unit) {
        uint32_t cap = A->cap_unit ? A->cap_unit * 2 : 32;
        tk_unit *u = realloc(A->unit, cap * sizeof(*u));
        if (u == NULL) {
            return NULL;
        }
        A->unit = u;
        A->cap_unit = cap;
    }
    *id = chiso_logs__index_get(&A->unit_index, chiso_logs__name_key(s, n),
                                tk_same_unit, &ref, &added);
    if (*id == UINT32_MAX) {
        return NULL;
    }
    if (added) {
        tk_unit *u = &A->unit[A->n_unit];
        memset(u, 0, sizeof(*u));
        u->name = chiso_strndup(s, n);
        if (u->name == NULL) {
            return NULL;
        }
        u->len = n;
        A->n_unit++;
    }
    return &A->unit[*id];
}

static tk_cell *
tk_find_cell(tk_acc *A, uint32_t unit, int32_t period)
{
    uint32_t id;
    tk_cell *c;
    int added;

    if (A->last_cell != 0) {
        c = &A->cell[A->last_cell - 1];
        if (c->unit == unit && c->period == period) {
            return c;
        }
    }
    if (A->n_cell == A->cap_cell) {
        uint32_t cap = A->cap_cell ? A->cap_cell * 2 : 64;
        tk_cell *p = realloc(A->cell, cap * sizeof(*p));
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
    if (added) {
        memset(c, 0, sizeof(*c));
        c->unit = unit;
        c->period = period;
        A->n_cell++;
    }
    A->last_cell = id + 1;
    return c;
}

/* Append n bytes and a NUL to the worker's text buffer; *off = where.
 * 0, or -1 when memory ran out. */
static int
tk_put(tk_acc *A, const char *s, size_t n, size_t *off)
{
    if (A->cap_txt - A->n_txt < n + 1) {
        size_t cap = A->cap_txt ? A->cap_txt : 4096;
        char *p;
        while (cap - A->n_txt < n + 1) {
            cap *= 2;
        }
        p = realloc(A->txt, cap);
        if (p == NULL) {
            return -1;
        }
        A->txt = p;
        A->cap_txt = cap;
    }
    *off = A->n_txt;
    if (n > 0) {
        memcpy(A->txt + A->n_txt, s, n);
    }
    A->txt[A->n_txt + n] = '\0';
    A->n_txt += n + 1;
    return 0;
}

static int
tk_text(tk_acc *A,
        const tk_layout *L,
        int c,
        const char *const *f,
        const size_t *len,
        size_t *off)
{
    const char *s;
    size_t n;

    if (L->col[c] < 0) {
        return tk_put(A, "", 0, off);
    }
    s = f[L->col[c]];
    n = len[L->col[c]];
    chiso_text_trim_quick(&s, &n);
    return tk_put(A, s, n, off);
}

/* The task's name: its id, else its STT, else "" (then named by its line
 * once the reading is done). */
static int
tk_name(tk_acc *A,
        const tk_layout *L,
        const char *const *f,
        const size_t *len,
        size_t *off)
{
    char buf[48];

    if (L->col[TK_ID] >= 0) {
        return tk_text(A, L, TK_ID, f, len, off);
    }
    if (L->col[TK_SEQ] >= 0) {
        const char *s = f[L->col[TK_SEQ]];
        size_t n = len[L->col[TK_SEQ]];
        chiso_text_trim_quick(&s, &n);
        if (n > 0) {
            snprintf(buf, sizeof(buf), "%s %.*s", chiso_msg(L->lang, "No."),
                     (int)(n < 30 ? n : 30), s);
            return tk_put(A, buf, strlen(buf), off);
        }
    }
    return tk_put(A, "", 0, off);
}

/* Count one parsed row. 0, or -1 when memory ran out. */
static int
tk_acc_add(tk_acc *A,
           const tk_layout *L,
           const tk_rec *r,
           const char *const *f,
           const size_t *len,
           uint64_t pos)
{
    uint32_t u;
    tk_unit *un = tk_intern(A, r->unit, r->unit_len, &u);
    tk_cell *c;

    if (un == NULL) {
        return -1;
    }
    A->rows++;
    un->rows++;
    if (r->status == CHISO_TASK_CANCELLED) {
        un->cancelled++;
        return 0;
    }
    A->status_done += (uint64_t)(r->status_done != 0);
    A->status_conflict += (uint64_t)r->status_conflict;
    if (!r->has_due) {
        int done = r->has_done || r->status_done != 0;
        un->undated++;
        un->undated_done += (uint64_t)done;
        un->undated_open += (uint64_t)!done;
        return 0;
    }
    c = tk_find_cell(A, u, chiso_logs__period_of_ym(L->kind, r->due.ym));
    if (c == NULL) {
        return -1;
    }
    c->assigned++;
    if (r->status_done != 0) {
        c->completed++;
        if (r->status_done == 1) {
            c->on_time++;
        } else {
            c->late_undated++;
        }
    } else if (r->has_done) {
        int64_t d = logs_time_diff(&r->done, &r->due);
        c->completed++;
        if (d <= 0) {
            c->on_time++;
        } else {
            double days = (double)d / 86400.0;
            c->late_sum += days;
            if (c->n_late == c->cap_late) {
                size_t cap = c->cap_late ? c->cap_late * 2 : 4;
                double *p = realloc(c->late, cap * sizeof(*p));
                if (p == NULL) {
                    return -1;
                }
                c->late = p;
                c->cap_late = cap;
            }
            c->late[c->n_late++] = days;
        }
    } else if (logs_time_diff(&L->as_of, &r->due) > 0) {
        tk_over *o;
        c->overdue++;
        if (A->n_over == A->cap_over) {
            size_t cap = A->cap_over ? A->cap_over * 2 : 32;
            tk_over *p = realloc(A->over, cap * sizeof(*p));
            if (p == NULL) {
                return -1;
            }
            A->over = p;
            A->cap_over = cap;
        }
        o = &A->over[A->n_over];
        memset(o, 0, sizeof(*o));
        A->n_over++;
        o->unit = u;
        o->due = r->due;
        o->days = (double)logs_time_diff(&L->as_of, &r->due) / 86400.0;
        o->pos = pos;
        if (tk_name(A, L, f, len, &o->task_id) != 0 ||
            tk_text(A, L, TK_TITLE, f, len, &o->title) != 0 ||
            tk_text(A, L, TK_SRC, f, len, &o->source_document) != 0) {
            return -1;
        }
        o->noname = A->txt[o->task_id] == '\0';
        A->n_noname += (size_t)o->noname;
    } else {
        c->open_not_due++;
    }
    return 0;
}

static void
tk_acc_free(tk_acc *A)
{
    size_t i;

    for (i = 0; i < A->n_unit; i++) {
        free(A->unit[i].name);
    }
    for (i = 0; i < A->n_cell; i++) {
        free(A->cell[i].late);
    }
    free(A->txt);
    free(A->unit);
    chiso_logs__index_free(&A->unit_index);
    free(A->cell);
    chiso_logs__index_free(&A->cell_index);
    free(A->over);
    memset(A, 0, sizeof(*A));
}

/* ---- result ----------------------------------------------------------------- */

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* An overdue task while sorting: its unit's rank in res->units (the units
 * are in byte order and distinct, so comparing ranks is comparing names). */
typedef struct over_key {
    double days;
    const char *task_id;
    unsigned long line;
    uint32_t unit;
    uint32_t at; /* in the list of every worker's overdue tasks */
} over_key;

static inline int
cmp_over(const over_key *x, const over_key *y)
{
    int c;

    if (x->days > y->days) {
        return -1;
    }
    if (x->days < y->days) {
        return 1;
    }
    if (x->unit != y->unit) {
        return x->unit < y->unit ? -1 : 1;
    }
    if ((c = strcmp(x->task_id, y->task_id)) != 0) {
        return c;
    }
    return (x->line > y->line) - (x->line < y->line);
}

/*
 * Sort the overdue tasks (a merge sort from runs of 16 sorted by insertion,
 * with the comparison inlined: qsort's call per comparison was a good part
 * of the time after the reading). The keys are distinct (the line decides
 * last), so any sort gives the same order. tmp has room for n keys.
 */
static void
sort_over(over_key *v, over_key *tmp, size_t n)
{
    size_t w, i, lo;
    over_key *src = v, *dst = tmp;

    for (lo = 0; lo < n; lo += 16) {
        size_t hi = lo + 16 < n ? lo + 16 : n;
        for (i = lo + 1; i < hi; i++) {
            over_key k = v[i];
            size_t j = i;
            while (j > lo && cmp_over(&k, &v[j - 1]) < 0) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = k;
        }
    }
    for (w = 16; w < n; w *= 2) {
        over_key *t;
        for (lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n;
            size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi) {
                dst[o++] = cmp_over(&src[b], &src[a]) < 0 ? src[b++] : src[a++];
            }
            while (a < mid) {
                dst[o++] = src[a++];
            }
            while (b < hi) {
                dst[o++] = src[b++];
            }
        }
        t = src;
        src = dst;
        dst = t;
    }
    if (src != v) {
        memcpy(v, src, n * sizeof(*v));
    }
}

typedef struct tk_member {
    uint32_t unit; /* rank in res->units */
    int32_t period;
    const tk_cell *cell;
} tk_member;

static int
cmp_member_unit(const void *a, const void *b)
{
    const tk_member *x = a, *y = b;

    if (x->unit != y->unit) {
        return x->unit < y->unit ? -1 : 1;
    }
    return (x->period > y->period) - (x->period < y->period);
}

static int
cmp_member_period(const void *a, const void *b)
{
    const tk_member *x = a, *y = b;

    if (x->period != y->period) {
        return x->period < y->period ? -1 : 1;
    }
    return (x->unit > y->unit) - (x->unit < y->unit);
}

/*
 * Rearrange v[0..n) so that v[k] is the value a sort would put there, the
 * values before it no larger and the values after it no smaller (Hoare's
 * selection, median of three pivots; a range still large after 2 log2 n + 8
 * rounds is sorted instead, so the worst case stays n log n). The values
 * are days late: finite, never NaN.
 */
static void
select_kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1, rounds = 8, m = n;

    while (m > 1) {
        rounds += 2;
        m >>= 1;
    }
    while (hi > lo) {
        size_t i, j, mid = lo + (hi - lo) / 2;
        double p, t;
        if (rounds-- == 0) {
            qsort(v + lo, hi - lo + 1, sizeof(*v), cmp_double);
            return;
        }
        /* median of v[lo], v[mid], v[hi] as the pivot */
        if (v[mid] < v[lo]) {
            t = v[mid], v[mid] = v[lo], v[lo] = t;
        }
        if (v[hi] < v[lo]) {
            t = v[hi], v[hi] = v[lo], v[lo] = t;
        }
        if (v[hi] < v[mid]) {
            t = v[hi], v[hi] = v[mid], v[mid] = t;
        }
        p = v[mid];
        i = lo;
        j = hi;
        for (;;) {
            while (v[i] < p) {
                i++;
            }
            while (p < v[j]) {
                j--;
            }
            if (i >= j) {
                break;
            }
            t = v[i], v[i] = v[j], v[j] = t;
            i++;
            j--;
        }
        /* v[lo..j] <= p <= v[j+1..hi] */
        if (k <= j) {
            hi = j;
        } else {
            lo = j + 1;
        }
    }
}

/* A row from cells; `late` has room for every late value of them. The
 * median is gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.5) computed
 * from the two middle values found by selection, without sorting. */
static void
fill_task_row(chiso_tasks_row *r, const tk_member *m, size_t n, double *late)
{
    size_t i, n_late = 0;
    double sum = 0;

    for (i = 0; i < n; i++) {
        const tk_cell *c = m[i].cell;
        r->assigned += c->assigned;
        r->completed += c->completed;
        r->completed_on_time += c->on_time;
        r->completed_late += c->n_late + c->late_undated;
        r->open_not_due += c->open_not_due;
        r->overdue += c->overdue;
        sum += c->late_sum;
        if (c->n_late > 0) {
            memcpy(late + n_late, c->late, c->n_late * sizeof(*late));
            n_late += c->n_late;
        }
    }
    r->on_time_pct = logs_pct(r->completed_on_time, r->completed + r->overdue);
    r->completed_pct = logs_pct(r->completed, r->assigned);
    r->days_late_mean = n_late ? sum / (double)n_late : (double)NAN;
    r->days_late_median = (double)NAN;
    r->days_late_max = (double)NAN;
    if (n_late > 0) {
        /* as GSL: index = f (n - 1), lhs = (int)index, delta = index - lhs */
        const double index = 0.5 * (double)(n_late - 1);
        const size_t lhs = (size_t)(int)index;
        const double delta = index - (double)lhs;
        double lo, hi, mx;
        select_kth(late, n_late, lhs);
        lo = late[lhs];
        mx = lo;
        hi = lhs + 1 < n_late ? late[lhs + 1] : lo;
        for (i = lhs + 1; i < n_late; i++) {
            hi = late[i] < hi ? late[i] : hi;
            mx = late[i] > mx ? late[i] : mx;
        }
        r->days_late_median =
            lhs == n_late - 1 ? lo : (1 - delta) * lo + delta * hi;
        r->days_late_max = mx;
    }
}

/* An overdue task's record and its worker's texts in res->overdue_text. */
typedef struct over_ref {
    const tk_over *o;
    char *base;
} over_ref;

/*
 * One worker's overdue tasks made into keys and sorted, on a thread of its
 * own: with the reading done in parallel, this was most of the time left
 * in one thread. Keys go to keys[start..), their refs to over[start..).
 */
typedef struct over_part {
    const tk_acc *A;
    const uint32_t *rank, *final;
    const chiso_table_run *run;
    const tk_layout *L;
    const char *txt; /* the worker's texts to copy to base, or NULL */
    char *base;      /* its texts in res->overdue_text */
    char *names;     /* room for its "line N" names */
    over_key *keys, *tmp;
    over_ref *over;
    size_t start, n;
} over_part;

static void *
over_part_run(void *arg)
{
    over_part *P = arg;
    const tk_acc *A = P->A;
    size_t k;

    if (P->txt != NULL) {
        memcpy(P->base, P->txt, A->n_txt);
    }
    for (k = 0; k < A->n_over; k++) {
        const tk_over *o = &A->over[k];
        uint32_t f = P->final[P->rank[o->unit]];
        size_t j = P->start + P->n;
        over_key *q;
        if (f == UINT32_MAX) {
            continue;
        }
        P->over[j].o = o;
        P->over[j].base = P->base;
        q = &P->keys[j];
        q->days = o->days;
        q->unit = f;
        q->at = (uint32_t)j;
        q->line = chiso_table_line(P->run, o->pos);
        q->task_id = P->base + o->task_id;
        if (o->noname) {
            int w = snprintf(P->names, 48, chiso_msg(P->L->lang, "line %lu"),
                             q->line);
            q->task_id = P->names;
            P->names += (size_t)(w > 0 && w < 48 ? w : 47) + 1;
        }
        P->n++;
    }
    if (P->n > 1) {
        sort_over(P->keys + P->start, P->tmp + P->start, P->n);
    }
    return NULL;
}

/* Merge the sorted runs [start[i], start[i] + n[i]) of v (m of them) into
 * one; tmp has room for all. Returns where the sorted keys are. */
static over_key *
merge_runs(over_key *v, over_key *tmp, size_t *start, size_t *n, size_t m)
{
    over_key *src = v, *dst = tmp;

    while (m > 1) {
        size_t i, o = 0, mm = 0;
        over_key *t;
        for (i = 0; i < m; i += 2) {
            const over_key *a = src + start[i], *ae = a + n[i];
            const over_key *b = a, *be = a;
            size_t s0 = o;
            if (i + 1 < m) {
                b = src + start[i + 1];
                be = b + n[i + 1];
            }
            while (a < ae && b < be) {
                dst[o++] = cmp_over(b, a) < 0 ? *b++ : *a++;
            }
            while (a < ae) {
                dst[o++] = *a++;
            }
            while (b < be) {
                dst[o++] = *b++;
            }
            start[mm] = s0;
            n[mm] = o - s0;
            mm++;
        }
        m = mm;
        t = src;
        src = dst;
        dst = t;
    }
    return m == 1 ? src + start[0] : src;
}

typedef struct unit_ref {
    const char *s;
    uint32_t worker, id;
} unit_ref;

static int
cmp_unit_ref(const void *a, const void *b)
{
    return strcmp(((const unit_ref *)a)->s, ((const unit_ref *)b)->s);
}

/*
 * The result from the accumulators of the parts of the file: units of all
 * workers in byte order (one id per name), cells combined per unit x
 * period, the overdue tasks named and placed by their line.
 */
static chiso_status
tk_build(chiso_tasks_result *res,
         tk_acc *const *A,
         size_t n_acc,
         const chiso_table_run *run,
         const tk_layout *L,
         const chiso_unit_ref *unit,
         chiso_diag *diag)
{
    uint32_t **rank = NULL;
    size_t i, k, j, n_m = 0, n_late = 0, nu = 0, n_names = 0, n_cells = 0,
                    n_over = 0;
    unit_ref *ur = NULL;
    char **names = NULL;
    tk_member *m = NULL;
    over_key *keys = NULL;
    over_ref *over = NULL;
    double *late = NULL;
    unsigned char *hit = NULL;
    uint32_t *final = NULL; /* name index -> result unit, or UINT32_MAX */
    chiso_tasks_undated *und = NULL;
    chiso_status st = CHISO_ENOMEM;

    for (i = 0; i < n_acc; i++) {
        nu += A[i]->n_unit;
        n_cells += A[i]->n_cell;
        n_over += A[i]->n_over;
    }
    ur = calloc(nu ? nu : 1, sizeof(*ur));
    names = calloc(nu ? nu : 1, sizeof(*names));
    rank = calloc(n_acc ? n_acc : 1, sizeof(*rank));
    if (ur == NULL || names == NULL || rank == NULL) {
        goto out;
    }
    for (i = 0, k = 0; i < n_acc; i++) {
        uint32_t u;
        rank[i] = calloc(A[i]->n_unit ? A[i]->n_unit : 1, sizeof(**rank));
        if (rank[i] == NULL) {
            goto out;
        }
        for (u = 0; u < A[i]->n_unit; u++) {
            ur[k].s = A[i]->unit[u].name;
            ur[k].worker = (uint32_t)i;
            ur[k].id = u;
            k++;
        }
    }
    if (nu > 1) {
        qsort(ur, nu, sizeof(*ur), cmp_unit_ref);
    }
    /* one name per distinct unit, in byte order; rank[worker][id] = name */
    for (k = 0; k < nu; k++) {
        if (n_names == 0 || strcmp(names[n_names - 1], ur[k].s) != 0) {
            names[n_names++] = (char *)(uintptr_t)ur[k].s;
        }
        rank[ur[k].worker][ur[k].id] = (uint32_t)(n_names - 1);
    }
    hit = malloc(n_names ? n_names : 1);
    final = calloc(n_names ? n_names : 1, sizeof(*final));
    if (hit == NULL || final == NULL) {
        goto out;
    }
    memset(hit, 1, n_names ? n_names : 1);
    if (unit != NULL && res->has_unit_column) {
        /* only the unit's rows, under one label */
        st = chiso_logs__select_unit(res->path, names, n_names, unit, hit,
                                     &res->unit_in_log, diag);
        if (st != CHISO_OK) {
            goto out;
        }
        st = CHISO_ENOMEM;
        res->units = calloc(1, sizeof(*res->units));
        if (res->units == NULL ||
            (res->units[0] = chiso_strdup(unit->code)) == NULL) {
            goto out;
        }
        res->n_units = 1;
        for (k = 0; k < n_names; k++) {
            final[k] = hit[k] ? 0 : UINT32_MAX;
        }
    } else {
        res->units = calloc(n_names ? n_names : 1, sizeof(*res->units));
        if (res->units == NULL) {
            goto out;
        }
        for (k = 0; k < n_names; k++) {
            res->units[k] = chiso_strdup(names[k]);
            if (res->units[k] == NULL) {
                goto out;
            }
            res->n_units++;
            final[k] = (uint32_t)k;
        }
    }
    /* per unit: rows of other units, without deadline, cancelled */
    und = calloc(res->n_units ? res->n_units : 1, sizeof(*und));
    res->undated =
        calloc(res->n_units ? res->n_units : 1, sizeof(*res->undated));
    if (und == NULL || res->undated == NULL) {
        goto out;
    }
    for (i = 0; i < n_acc; i++) {
        uint32_t u;
        for (u = 0; u < A[i]->n_unit; u++) {
            const tk_unit *tu = &A[i]->unit[u];
            uint32_t f = final[rank[i][u]];
            if (f == UINT32_MAX) {
                res->rows_other_units += tu->rows;
                continue;
            }
            und[f].tasks += tu->undated;
            und[f].completed += tu->undated_done;
            und[f].open += tu->undated_open;
            res->cancelled += tu->cancelled;
        }
    }
    res->undated_total.unit = "*";
    for (k = 0; k < res->n_units; k++) {
        if (und[k].tasks == 0) {
            continue;
        }
        und[k].unit = res->units[k];
        res->undated[res->n_undated++] = und[k];
        res->undated_total.tasks += und[k].tasks;
        res->undated_total.completed += und[k].completed;
        res->undated_total.open += und[k].open;
    }
    /* cells of every part */
    m = calloc(n_cells ? n_cells : 1, sizeof(*m));
    if (m == NULL) {
        goto out;
    }
    for (i = 0; i < n_acc; i++) {
        uint32_t c;
        for (c = 0; c < A[i]->n_cell; c++) {
            uint32_t f = final[rank[i][A[i]->cell[c].unit]];
            if (f == UINT32_MAX) {
                continue;
            }
            m[n_m].unit = f;
            m[n_m].period = A[i]->cell[c].period;
            m[n_m].cell = &A[i]->cell[c];
            n_late += A[i]->cell[c].n_late;
            n_m++;
        }
    }
    late = malloc((n_late ? n_late : 1) * sizeof(*late));
    res->rows = calloc(n_m ? n_m : 1, sizeof(*res->rows));
    res->totals = calloc(n_m ? n_m : 1, sizeof(*res->totals));
    if (late == NULL || res->rows == NULL || res->totals == NULL) {
        goto out;
    }
    qsort(m, n_m, sizeof(*m), cmp_member_unit);
    for (k = 0; k < n_m; k = j) {
        chiso_tasks_row *r = &res->rows[res->n_rows++];
        for (j = k + 1;
             j < n_m && m[j].unit == m[k].unit && m[j].period == m[k].period;
             j++) {
        }
        r->unit = res->units[m[k].unit];
        r->period_index = m[k].period;
        chiso_period_format(res->period, r->period_index, r->period,
                            sizeof(r->period));
        fill_task_row(r, m + k, j - k, late);
    }
    qsort(m, n_m, sizeof(*m), cmp_member_period);
    for (k = 0; k < n_m; k = j) {
        chiso_tasks_row *r = &res->totals[res->n_totals++];
        for (j = k + 1; j < n_m && m[j].period == m[k].period; j++) {
        }
        r->unit = "*";
        r->period_index = m[k].period;
        chiso_period_format(res->period, r->period_index, r->period,
                            sizeof(r->period));
        fill_task_row(r, m + k, j - k, late);
    }
    res->overall.unit = "*";
    snprintf(res->overall.period, sizeof(res->overall.period), "*");
    res->overall.period_index = INT32_MIN;
    fill_task_row(&res->overall, m, n_m, late);
    /* overdue tasks, most overdue first, sorted by small keys; their texts
     * in one buffer that the result owns: the first worker's buffer, grown
     * (no copy), the other workers' appended, then the names "line N" of
     * tasks without an id; their units are the result's unit names */
    {
        size_t txt = 0, extra = 0, at = 0, n_keys = 0;
        if (n_over > UINT32_MAX) {
            goto out;
        }
        for (i = 0; i < n_acc; i++) {
            txt += A[i]->n_txt;
            extra += A[i]->n_noname * 48;
        }
        res->overdue = calloc(n_over ? n_over : 1, sizeof(*res->overdue));
        keys = malloc((n_over ? n_over : 1) * sizeof(*keys));
        over = malloc((n_over ? n_over : 1) * sizeof(*over));
        if (res->overdue == NULL || keys == NULL || over == NULL) {
            goto out;
        }
        if (n_acc > 0 && A[0]->txt != NULL) {
            res->overdue_text = realloc(A[0]->txt, txt + extra + 1);
            if (res->overdue_text != NULL) {
                A[0]->txt = NULL;
                A[0]->cap_txt = 0;
            }
        } else {
            res->overdue_text = malloc(txt + extra + 1);
        }
        if (res->overdue_text == NULL) {
            goto out;
        }
        {
            over_part *P = calloc(n_acc ? n_acc : 1, sizeof(*P));
            pthread_t *tid = calloc(n_acc ? n_acc : 1, sizeof(*tid));
            unsigned char *on = calloc(n_acc ? n_acc : 1, 1);
            size_t *rs = calloc(n_acc ? n_acc : 1, sizeof(*rs));
            size_t *rn = calloc(n_acc ? n_acc : 1, sizeof(*rn));
            over_key *tmp = malloc((n_over ? n_over : 1) * sizeof(*tmp));
            char *room = res->overdue_text + txt;
            size_t start = 0;
            if (P == NULL || tid == NULL || on == NULL || rs == NULL ||
                rn == NULL || tmp == NULL) {
                free(P), free(tid), free(on), free(rs), free(rn), free(tmp);
                goto out;
            }
            for (i = 0; i < n_acc; i++) {
                P[i].A = A[i];
                P[i].rank = rank[i];
                P[i].final = final;
                P[i].run = run;
                P[i].L = L;
                P[i].txt = i > 0 && A[i]->n_txt > 0 ? A[i]->txt : NULL;
                P[i].base = res->overdue_text + at;
                P[i].names = room;
                P[i].keys = keys;
                P[i].tmp = tmp;
                P[i].over = over;
                P[i].start = start;
                at += A[i]->n_txt;
                room += A[i]->n_noname * 48;
                start += A[i]->n_over;
            }
            for (i = 1; i < n_acc; i++) {
                on[i] =
                    A[i]->n_over > 0 &&
                    pthread_create(&tid[i], NULL, over_part_run, &P[i]) == 0;
            }
            for (i = 0; i < n_acc; i++) {
                if (i == 0 || !on[i]) {
                    over_part_run(&P[i]);
                }
            }
            for (i = 1; i < n_acc; i++) {
                if (on[i]) {
                    pthread_join(tid[i], NULL);
                }
            }
            for (i = 0; i < n_acc; i++) {
                rs[i] = P[i].start;
                rn[i] = P[i].n;
                n_keys += P[i].n;
            }
            {
                const over_key *sorted = merge_runs(keys, tmp, rs, rn, n_acc);
                if (sorted != keys) {
                    memcpy(keys, sorted, n_keys * sizeof(*keys));
                }
            }
            free(P), free(tid), free(on), free(rs), free(rn), free(tmp);
        }
        for (k = 0; k < n_keys; k++) {
            const tk_over *o = over[keys[k].at].o;
            char *b = over[keys[k].at].base;
            chiso_task_overdue *t = &res->overdue[k];
            t->task_id = (char *)(uintptr_t)keys[k].task_id;
            t->unit = res->units[keys[k].unit];
            t->title = b + o->title;
            t->source_document = b + o->source_document;
            t->due.secs = o->due.secs;
            t->due.has_time = o->due.has_time;
            t->days_overdue = o->days;
            t->line = keys[k].line;
        }
        res->n_overdue = n_keys;
    }
    st = CHISO_OK;
out:
    for (i = 0; rank != NULL && i < n_acc; i++) {
        free(rank[i]);
    }
    free(rank);
    free(ur);
    free(names);
    free(m);
    free(keys);
    free(over);
    free(late);
    free(hit);
    free(final);
    free(und);
    if (st == CHISO_ENOMEM) {
        chiso_diag_set(diag, st, res->path, 0, 0, "out of memory");
    }
    return st;
}

/* ---- the row handler --------------------------------------------------------- */

static void *
tk_worker_new(void *ctx)
{
    tk_acc *A = logs_worker_alloc(sizeof(*A));

    if (A != NULL) {
        A->L = ctx;
    }
    return A;
}

static void
tk_worker_free(void *w)
{
    if (w != NULL) {
        tk_acc_free(w);
        free(w);
    }
}

static int
tk_handle_row(void *w, const chiso_row *row, chiso_row_error *err)
{
    tk_acc *A = w;
    tk_rec rec;

    if (tk_parse_row(A->L, row->field, row->len, &rec, &A->vc, err) != 0) {
        return CHISO_ROW_BAD;
    }
    return tk_acc_add(A, A->L, &rec, row->field, row->len, row->pos) == 0
               ? CHISO_ROW_OK
               : CHISO_ROW_FATAL;
}

static chiso_status
tasks_compute(chiso_tasks_result **out,
              const char *path,
              const char *data,
              size_t data_len,
              const chiso_tasks_options *opts,
              chiso_diag *diag)
{
    chiso_tasks_options o = CHISO_TASKS_OPTIONS_INIT;
    chiso_table_schema schema = {tk_columns,          TK_NCOLS, TK_ID, TK_SEQ,
                                 N_("task register"), 0};
    chiso_row_handler h;
    chiso_table_run run;
    chiso_table *t = NULL;
    chiso_tasks_result *res = NULL;
    tk_layout L;
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
    res->as_of = o.as_of;
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
    L.as_of = chiso_logs__time_of(o.as_of);
    res->delimiter = chiso_table_delimiter(t);
    res->has_unit_column = L.col[TK_UNIT] >= 0;
    if (!res->has_unit_column) {
        if (o.unit == NULL) {
            st = chiso_logs__no_unit_column(
                path,
                chiso_msg(logs_lang(diag), "expected 'unit', 'Đơn vị', 'Đơn "
                                           "vị chủ trì' or 'Cơ quan chủ trì'"),
                diag);
            goto out;
        }
        L.fixed_unit = o.unit->code;
        L.fixed_unit_len = strlen(o.unit->code);
    }
    h.ctx = &L;
    h.worker_new = tk_worker_new;
    h.worker_free = tk_worker_free;
    h.row = tk_handle_row;
    st = chiso_table_read(t, &h, &run, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    res->rows_read = run.rows_read;
    res->rows_counted = run.rows_counted;
    res->rows_rejected = run.rows_rejected;
    res->rows_totals = run.rows_totals;
    st = tk_build(res, (tk_acc *const *)run.workers, run.n_workers, &run, &L,
                  o.unit, diag);
    if (st == CHISO_OK) {
        size_t w;
        uint64_t conflict = 0;
        for (w = 0; w < run.n_workers; w++) {
            res->done_by_status +=
                ((const tk_acc *)run.workers[w])->status_done;
            conflict += ((const tk_acc *)run.workers[w])->status_conflict;
        }
        if (conflict > 0 && o.table.notes != NULL) {
            chiso_diag_list_addk(
                o.table.notes, "task_status_disagrees", CHISO_SEVERITY_WARNING,
                NULL, path, 0, 0,
                "%llu tasks have a status that disagrees with their dates "
                "('Đã hoàn thành đúng hạn' completed after the deadline, or "
                "'quá hạn' completed by it): counted by the dates",
                (unsigned long long)conflict);
        }
        if (res->done_by_status > 0 && o.table.notes != NULL) {
            chiso_diag_list_addk(
                o.table.notes, "tasks_done_by_status", CHISO_SEVERITY_INFO,
                NULL, path, 0, 0,
                "%llu tasks have no completion date: counted completed on "
                "time or late as their status says ('Đã hoàn thành đúng "
                "hạn', 'quá hạn'); their days late are unknown",
                (unsigned long long)res->done_by_status);
        }
    }
out:
    chiso_table_run_free(&run, &h);
    chiso_table_close(t);
    if (st != CHISO_OK) {
        chiso_tasks_free(res);
        return st;
    }
    *out = res;
    return CHISO_OK;
}

chiso_status
chiso_tasks_compute(chiso_tasks_result **out,
                    const char *path,
                    const chiso_tasks_options *opts,
                    chiso_diag *diag)
{
    return tasks_compute(out, path, NULL, 0, opts, diag);
}

chiso_status
chiso_tasks_compute_mem(chiso_tasks_result **out,
                        const char *name,
                        const char *data,
                        size_t len,
                        const chiso_tasks_options *opts,
                        chiso_diag *diag)
{
    return tasks_compute(out, name, data ? data : "", len, opts, diag);
}

void
chiso_tasks_free(chiso_tasks_result *res)
{
    size_t i;

    if (res == NULL) {
        return;
    }
    free(res->overdue); /* its texts are in overdue_text, its units units' */
    free(res->overdue_text);
    for (i = 0; i < res->n_units; i++) {
        free(res->units[i]);
    }
    free(res->units);
    free(res->undated);
    free(res->rows);
    free(res->totals);
    free(res->path);
    free(res->unit_in_log);
    free(res);
}

const chiso_tasks_row *
chiso_tasks_find(const chiso_tasks_result *res,
                 const char *unit,
                 int32_t period_index)
{
    size_t i;

    if (period_index == INT32_MIN) {
        return unit == NULL ? &res->overall : NULL;
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

/* ---- outputs ------------------------------------------------------------------- */

static cJSON *
task_row_json(const chiso_tasks_row *r)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddItemToObject(o, "unit", cJSON_CreateString(r->unit));
    cJSON_AddItemToObject(o, "period", cJSON_CreateString(r->period));
    cJSON_AddItemToObject(o, "assigned", chiso_logs__json_u64(r->assigned));
    cJSON_AddItemToObject(o, "completed", chiso_logs__json_u64(r->completed));
    cJSON_AddItemToObject(o, "completed_on_time",
                          chiso_logs__json_u64(r->completed_on_time));
    cJSON_AddItemToObject(o, "completed_late",
                          chiso_logs__json_u64(r->completed_late));
    cJSON_AddItemToObject(o, "open_not_due",
                          chiso_logs__json_u64(r->open_not_due));
    cJSON_AddItemToObject(o, "overdue", chiso_logs__json_u64(r->overdue));
    cJSON_AddItemToObject(o, "on_time_pct",
                          chiso_logs__json_pct(r->on_time_pct));
    cJSON_AddItemToObject(o, "completed_pct",
                          chiso_logs__json_pct(r->completed_pct));
    cJSON_AddItemToObject(o, "days_late_mean",
                          chiso_logs__json_num(r->days_late_mean));
    cJSON_AddItemToObject(o, "days_late_median",
                          chiso_logs__json_num(r->days_late_median));
    cJSON_AddItemToObject(o, "days_late_max",
                          chiso_logs__json_num(r->days_late_max));
    return o;
}

static cJSON *
undated_json(const chiso_tasks_undated *u)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddItemToObject(o, "unit", cJSON_CreateString(u->unit));
    cJSON_AddItemToObject(o, "tasks", chiso_logs__json_u64(u->tasks));
    cJSON_AddItemToObject(o, "completed", chiso_logs__json_u64(u->completed));
    cJSON_AddItemToObject(o, "open", chiso_logs__json_u64(u->open));
    return o;
}

cJSON *
chiso_tasks_to_json(const chiso_tasks_result *res)
{
    cJSON *root = cJSON_CreateObject(), *o, *arr;
    size_t i;

    if (root == NULL) {
        return NULL;
    }
    cJSON_AddItemToObject(root, "schema_version", cJSON_CreateNumber(2));
    cJSON_AddItemToObject(root, "command", cJSON_CreateString("tasks"));
    cJSON_AddItemToObject(root, "input", cJSON_CreateString(res->path));
    cJSON_AddItemToObject(root, "unit",
                          chiso_logs__json_unit(res->has_unit_column,
                                                res->n_units, res->units,
                                                res->unit_in_log));
    cJSON_AddItemToObject(
        root, "period",
        cJSON_CreateString(chiso_period_kind_name(res->period)));
    cJSON_AddItemToObject(root, "period_of", cJSON_CreateString("due_at"));
    cJSON_AddItemToObject(root, "as_of", chiso_logs__json_stamp(res->as_of));
    cJSON_AddItemToObject(
        root, "records",
        chiso_logs__json_records(res->rows_read, res->rows_counted,
                                 res->rows_rejected, res->rows_totals,
                                 res->rows_other_units, res->max_rejects_pct));
    cJSON_AddItemToObject(root, "done_by_status",
                          chiso_logs__json_u64(res->done_by_status));
    arr = cJSON_CreateArray();
    for (i = 0; i < res->n_rows; i++) {
        cJSON_AddItemToArray(arr, task_row_json(&res->rows[i]));
    }
    cJSON_AddItemToObject(root, "groups", arr);
    arr = cJSON_CreateArray();
    for (i = 0; i < res->n_totals; i++) {
        cJSON_AddItemToArray(arr, task_row_json(&res->totals[i]));
    }
    cJSON_AddItemToObject(root, "period_totals", arr);
    cJSON_AddItemToObject(root, "overall", task_row_json(&res->overall));
    o = cJSON_CreateObject();
    arr = cJSON_CreateArray();
    for (i = 0; i < res->n_undated; i++) {
        cJSON_AddItemToArray(arr, undated_json(&res->undated[i]));
    }
    cJSON_AddItemToObject(o, "by_unit", arr);
    cJSON_AddItemToObject(o, "total", undated_json(&res->undated_total));
    cJSON_AddItemToObject(root, "without_deadline", o);
    cJSON_AddItemToObject(root, "cancelled",
                          chiso_logs__json_u64(res->cancelled));
    arr = cJSON_CreateArray();
    for (i = 0; i < res->n_overdue; i++) {
        const chiso_task_overdue *t = &res->overdue[i];
        o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "task_id", cJSON_CreateString(t->task_id));
        cJSON_AddItemToObject(o, "unit", cJSON_CreateString(t->unit));
        cJSON_AddItemToObject(o, "title", cJSON_CreateString(t->title));
        cJSON_AddItemToObject(o, "source_document",
                              cJSON_CreateString(t->source_document));
        cJSON_AddItemToObject(o, "due_at", chiso_logs__json_stamp(t->due));
        cJSON_AddItemToObject(o, "days_overdue",
                              chiso_logs__json_num(t->days_overdue));
        cJSON_AddItemToObject(o, "line", chiso_logs__json_u64(t->line));
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_AddItemToObject(root, "overdue", arr);
    return root;
}

void
chiso_tasks_write_csv(const chiso_tasks_result *res, FILE *out)
{
    static const char *const head[] = {"unit",
                                       "period",
                                       "assigned",
                                       "completed",
                                       "completed_on_time",
                                       "completed_late",
                                       "open_not_due",
                                       "overdue",
                                       "on_time_pct",
                                       "completed_pct",
                                       "days_late_mean",
                                       "days_late_median",
                                       "days_late_max",
                                       NULL};
    chiso_csvw w;
    size_t i;

    chiso_csvw_init(&w, out, ',', 0);
    chiso_csvw_row(&w, head);
    for (i = 0; i < res->n_rows; i++) {
        const chiso_tasks_row *r = &res->rows[i];
        chiso_csvw_text(&w, r->unit);
        chiso_csvw_text(&w, r->period);
        chiso_csvw_int(&w, (long long)r->assigned);
        chiso_csvw_int(&w, (long long)r->completed);
        chiso_csvw_int(&w, (long long)r->completed_on_time);
        chiso_csvw_int(&w, (long long)r->completed_late);
        chiso_csvw_int(&w, (long long)r->open_not_due);
        chiso_csvw_int(&w, (long long)r->overdue);
        chiso_csvw_number(&w, r->on_time_pct);
        chiso_csvw_number(&w, r->completed_pct);
        chiso_csvw_number(&w, r->days_late_mean);
        chiso_csvw_number(&w, r->days_late_median);
        chiso_csvw_number(&w, r->days_late_max);
        chiso_csvw_end(&w);
    }
}

/* ---- derived inputs -------------------------------------------------------------- */

#define ADD_COUNT(name, x)                                                     \
    if ((st = chiso_logs__set_add(set, name, detail, 1, (double)(x), 0, 0,     \
                                  0)) != CHISO_OK)                             \
    goto out
#define ADD_RATE(name, a, b)                                                   \
    if ((st = chiso_logs__set_add(set, name, detail, 0, (double)(a),           \
                                  (double)(b), 0, 0)) != CHISO_OK)             \
    goto out

chiso_status
chiso_tasks_inputs(chiso_input_set *set,
                   const chiso_tasks_result *res,
                   const char *unit,
                   int32_t period_index,
                   chiso_diag_list *warnings,
                   chiso_diag *diag)
{
    const chiso_tasks_row *r;
    chiso_tasks_row zero;
    char detail[700], per[16];
    chiso_status st = CHISO_OK;
    char asof[40];
    const char *label = chiso_logs__inputs_unit(
        res->path, res->units, res->n_units, res->rows_counted, unit,
        chiso_msg(logs_lang(diag), "task"), diag);

    if (label == NULL) {
        return diag != NULL && diag->code != CHISO_OK ? diag->code
                                                      : CHISO_EDATA;
    }
    chiso_period_format(res->period, period_index, per, sizeof(per));
    r = chiso_tasks_find(res, unit != NULL ? label : NULL, period_index);
    if (r == NULL) {
        /* a log that does not reach the period is an error, a gap inside
         * it a period without work */
        st = chiso_logs__rows_cover(res->path, res->period, period_index,
                                    res->rows, res->n_rows, sizeof(*res->rows),
                                    offsetof(chiso_tasks_row, period_index),
                                    unit != NULL ? label : NULL, 1, diag);
        if (st != CHISO_OK) {
            return st;
        }
        memset(&zero, 0, sizeof(zero));
        r = &zero;
        if (warnings != NULL) {
            chiso_diag_list_addk(warnings, "unit_no_rows_in_period",
                                 CHISO_SEVERITY_WARNING, NULL, res->path, 0, 0,
                                 "no task of unit '%s' is due in %s: counts "
                                 "are 0 and rates 0/0 (the rule's "
                                 "zero-denominator convention applies)",
                                 unit != NULL ? label : "*", per);
        }
    }
    chiso_logs__stamp_text(res->as_of, asof, sizeof(asof));
    snprintf(detail, sizeof(detail),
             "%s: unit %s, deadlines in %s, %llu tasks, as of %s", res->path,
             unit ? label : "(all)", per, (unsigned long long)r->assigned,
             asof);
    ADD_COUNT("tasks.assigned", r->assigned);
    ADD_COUNT("tasks.completed", r->completed);
    ADD_COUNT("tasks.completed_on_time", r->completed_on_time);
    ADD_COUNT("tasks.completed_late", r->completed_late);
    ADD_COUNT("tasks.overdue", r->overdue);
    ADD_RATE("tasks.on_time_pct", r->completed_on_time,
             r->completed + r->overdue);
    ADD_RATE("tasks.completed_pct", r->completed, r->assigned);
out:
    if (st != CHISO_OK) {
        chiso_diag_set(diag, st, NULL, 0, 0, "out of memory");
    }
    return st;
}

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
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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
     "so_hieu_van_ban|van_ban_chi_dao",
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
    long col[TK_NCOLS];
    size_t n_header;
    const char *const *header;
    const char *fixed_unit;
    size_t fixed_unit_len;
    chiso_lang lang;
    unsigned date_flags;
    chiso_period_kind kind;
    svc_time as_of;
} tk_layout;

/* One row, parsed. Texts point into the row's fields. */
typedef struct tk_rec {
    const char *unit;
    size_t unit_len;
    int status; /* CHISO_TASK_*, 0 = none */
    int has_due, has_done;
    svc_time due, done;
} tk_rec;

static const char *
tk_col_name(const tk_layout *L, int c)
{
    long k = L->col[c];

    return k >= 0 && (size_t)k < L->n_header ? L->header[k]
                                             : tk_columns[c].name;
}

static int
tk_error(svc_err *err, const tk_layout *L, int c, const char *fmt, ...)
    CHISO_PRINTF(4, 5);

static int
tk_error(svc_err *err, const tk_layout *L, int c, const char *fmt, ...)
{
    va_list ap;

    err->field = (size_t)L->col[c];
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
        svc_time *t,
        int *has,
        svc_err *err)
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
    chiso_text_trim(&p, &m);
    if (m == 0) {
        return 0;
    }
    if (svc_time_parse(s, n, L->date_flags, L->lang, t, why, sizeof(why)) !=
        0) {
        svc_quote(s, n, q, sizeof(q));
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
             svc_err *err)
{
    const char *s;
    size_t n;
    svc_time assigned;
    int has_assigned;
    char q[80];

    memset(r, 0, sizeof(*r));
    if (L->col[TK_ID] >= 0) {
        s = f[L->col[TK_ID]];
        n = len[L->col[TK_ID]];
        chiso_text_trim(&s, &n);
        if (n == 0) {
            return tk_error(err, L, TK_ID, "missing task id in column '%s'",
                            tk_col_name(L, TK_ID));
        }
    }
    if (L->col[TK_UNIT] >= 0) {
        s = f[L->col[TK_UNIT]];
        n = len[L->col[TK_UNIT]];
        chiso_text_trim(&s, &n);
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
        svc_quote(st, sn, q, sizeof(q));
        if (v == CHISO_VOCAB_UNKNOWN) {
            char words[300];
            chiso_vocab_words(CHISO_VOCAB_TASK_STATUS, -1, words,
                              sizeof(words));
            return tk_error(err, L, TK_STATUS,
                            "unknown status '%s' in column '%s' (accepted: "
                            "%s)",
                            q, tk_col_name(L, TK_STATUS), words);
        }
        r->status = v > 0 ? v : 0;
        if (r->status == CHISO_TASK_DONE && !r->has_done) {
            return tk_error(err, L, TK_STATUS,
                            "status '%s' says completed but the completion "
                            "date is empty",
                            q);
        }
        if (r->status == CHISO_TASK_OPEN && r->has_done) {
            return tk_error(err, L, TK_STATUS,
                            "status '%s' says not completed but a completion "
                            "date is given",
                            q);
        }
    }
    if (has_assigned && r->has_due && svc_time_diff(&r->due, &assigned) < 0) {
        svc_quote(f[L->col[TK_DUE]], len[L->col[TK_DUE]], q, sizeof(q));
        return tk_error(err, L, TK_DUE,
                        "deadline '%s' in column '%s' is before the "
                        "assignment date",
                        q, tk_col_name(L, TK_DUE));
    }
    if (has_assigned && r->has_done && svc_time_diff(&r->done, &assigned) < 0) {
        svc_quote(f[L->col[TK_DONE]], len[L->col[TK_DONE]], q, sizeof(q));
        return tk_error(err, L, TK_DONE,
                        "completion '%s' in column '%s' is before the "
                        "assignment date",
                        q, tk_col_name(L, TK_DONE));
    }
    /* done means done by as_of */
    if (r->has_done && svc_time_diff(&r->done, &L->as_of) > 0) {
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
    double late_sum;
    double *late; /* days late of each late task, in no order */
    size_t n_late, cap_late;
} tk_cell;

/* An overdue task, with texts copied and the line of its row. */
typedef struct tk_over {
    uint32_t unit;
    char *task_id, *title, *source_document;
    svc_time due;
    double days;
    unsigned long line;
} tk_over;

typedef struct tk_acc {
    tk_unit *unit;
    uint32_t n_unit, cap_unit;
    uint32_t *unit_hash, unit_hcap;
    tk_cell *cell;
    uint32_t n_cell, cap_cell;
    uint32_t *cell_hash, cell_hcap;
    uint32_t last_cell;
    tk_over *over;
    size_t n_over, cap_over;
    uint64_t rows;
} tk_acc;

static uint32_t
tk_hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < n; i++) {
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    }
    return h;
}

static uint32_t
tk_hash_cell(uint32_t unit, int32_t period)
{
    uint64_t x = ((uint64_t)unit << 32) ^ (uint32_t)period;

    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (uint32_t)x;
}

static int
tk_rehash(tk_acc *A, int cells)
{
    uint32_t *cap = cells ? &A->cell_hcap : &A->unit_hcap;
    uint32_t n = cells ? A->n_cell : A->n_unit, ncap = *cap ? *cap * 2 : 64, i;
    uint32_t *t = calloc(ncap, sizeof(*t));

    if (t == NULL) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        uint32_t h = cells ? tk_hash_cell(A->cell[i].unit, A->cell[i].period)
                           : tk_hash_bytes(A->unit[i].name, A->unit[i].len);
        while (t[h & (ncap - 1)] != 0) {
            h++;
        }
        t[h & (ncap - 1)] = i + 1;
    }
    if (cells) {
        free(A->cell_hash);
        A->cell_hash = t;
    } else {
        free(A->unit_hash);
        A->unit_hash = t;
    }
    *cap = ncap;
    return 0;
}

static tk_unit *
tk_intern(tk_acc *A, const char *s, size_t n, uint32_t *id)
{
    uint32_t h, e;

    if ((A->n_unit + 1) * 2 > A->unit_hcap && tk_rehash(A, 0) != 0) {
        return NULL;
    }
    for (h = tk_hash_bytes(s, n);; h++) {
        e = A->unit_hash[h & (A->unit_hcap - 1)];
        if (e == 0) {
            break;
        }
        if (A->unit[e - 1].len == n && memcmp(A->unit[e - 1].name, s, n) == 0) {
            *id = e - 1;
            return &A->unit[e - 1];
        }
    }
    if (A->n_unit == A->cap_unit) {
        uint32_t cap = A->cap_unit ? A->cap_unit * 2 : 32;
        tk_unit *u = realloc(A->unit, cap * sizeof(*u));
        if (u == NULL) {
            return NULL;
        }
        A->unit = u;
        A->cap_unit = cap;
    }
    memset(&A->unit[A->n_unit], 0, sizeof(tk_unit));
    A->unit[A->n_unit].name = chiso_strndup(s, n);
    if (A->unit[A->n_unit].name == NULL) {
        return NULL;
    }
    A->unit[A->n_unit].len = n;
    A->unit_hash[h & (A->unit_hcap - 1)] = A->n_unit + 1;
    *id = A->n_unit++;
    return &A->unit[*id];
}

static tk_cell *
tk_find_cell(tk_acc *A, uint32_t unit, int32_t period)
{
    uint32_t h, e;
    tk_cell *c;

    if (A->last_cell != 0) {
        c = &A->cell[A->last_cell - 1];
        if (c->unit == unit && c->period == period) {
            return c;
        }
    }
    if ((A->n_cell + 1) * 2 > A->cell_hcap && tk_rehash(A, 1) != 0) {
        return NULL;
    }
    for (h = tk_hash_cell(unit, period);; h++) {
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
        uint32_t cap = A->cap_cell ? A->cap_cell * 2 : 64;
        tk_cell *p = realloc(A->cell, cap * sizeof(*p));
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
    A->cell_hash[h & (A->cell_hcap - 1)] = A->n_cell + 1;
    A->last_cell = ++A->n_cell;
    return c;
}

static char *
tk_text(const tk_layout *L, int c, const char *const *f, const size_t *len)
{
    const char *s;
    size_t n;

    if (L->col[c] < 0) {
        return chiso_strdup("");
    }
    s = f[L->col[c]];
    n = len[L->col[c]];
    chiso_text_trim(&s, &n);
    return chiso_strndup(s, n);
}

/* The task's name: its id, else its STT, else its line. */
static char *
tk_name(const tk_layout *L,
        const char *const *f,
        const size_t *len,
        unsigned long line)
{
    char buf[48];

    if (L->col[TK_ID] >= 0) {
        return tk_text(L, TK_ID, f, len);
    }
    if (L->col[TK_SEQ] >= 0) {
        const char *s = f[L->col[TK_SEQ]];
        size_t n = len[L->col[TK_SEQ]];
        chiso_text_trim(&s, &n);
        if (n > 0) {
            snprintf(buf, sizeof(buf), "%s %.*s", chiso_msg(L->lang, "No."),
                     (int)(n < 30 ? n : 30), s);
            return chiso_strdup(buf);
        }
    }
    snprintf(buf, sizeof(buf), chiso_msg(L->lang, "line %lu"), line);
    return chiso_strdup(buf);
}

/* Count one parsed row. 0, or -1 when memory ran out. */
static int
tk_acc_add(tk_acc *A,
           const tk_layout *L,
           const tk_rec *r,
           const char *const *f,
           const size_t *len,
           unsigned long line)
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
    if (!r->has_due) {
        un->undated++;
        un->undated_done += (uint64_t)r->has_done;
        un->undated_open += (uint64_t)!r->has_done;
        return 0;
    }
    c = tk_find_cell(A, u, svc_period_of_ym(L->kind, r->due.ym));
    if (c == NULL) {
        return -1;
    }
    c->assigned++;
    if (r->has_done) {
        int64_t d = svc_time_diff(&r->done, &r->due);
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
    } else if (svc_time_diff(&L->as_of, &r->due) > 0) {
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
        o->task_id = tk_name(L, f, len, line);
        o->title = tk_text(L, TK_TITLE, f, len);
        o->source_document = tk_text(L, TK_SRC, f, len);
        o->due = r->due;
        o->days = (double)svc_time_diff(&L->as_of, &r->due) / 86400.0;
        o->line = line;
        if (o->task_id == NULL || o->title == NULL ||
            o->source_document == NULL) {
            return -1;
        }
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
    for (i = 0; i < A->n_over; i++) {
        free(A->over[i].task_id);
        free(A->over[i].title);
        free(A->over[i].source_document);
    }
    free(A->unit);
    free(A->unit_hash);
    free(A->cell);
    free(A->cell_hash);
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

static int
cmp_over(const void *a, const void *b)
{
    const chiso_task_overdue *x = a, *y = b;
    int c;

    if (x->days_overdue > y->days_overdue) {
        return -1;
    }
    if (x->days_overdue < y->days_overdue) {
        return 1;
    }
    if ((c = strcmp(x->unit, y->unit)) != 0) {
        return c;
    }
    if ((c = strcmp(x->task_id, y->task_id)) != 0) {
        return c;
    }
    return (x->line > y->line) - (x->line < y->line);
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

/* A row from cells; `late` has room for every late value of them. */
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
        r->completed_late += c->n_late;
        r->open_not_due += c->open_not_due;
        r->overdue += c->overdue;
        sum += c->late_sum;
        if (c->n_late > 0) {
            memcpy(late + n_late, c->late, c->n_late * sizeof(*late));
            n_late += c->n_late;
        }
    }
    if (n_late > 1) {
        qsort(late, n_late, sizeof(*late), cmp_double);
    }
    r->on_time_pct = svc_pct(r->completed_on_time, r->completed + r->overdue);
    r->completed_pct = svc_pct(r->completed, r->assigned);
    r->days_late_mean = n_late ? sum / (double)n_late : (double)NAN;
    r->days_late_median =
        n_late ? gsl_stats_quantile_from_sorted_data(late, 1, n_late, 0.5)
               : (double)NAN;
    r->days_late_max = n_late ? late[n_late - 1] : (double)NAN;
}

typedef struct unit_ref {
    const char *s;
    uint32_t id;
} unit_ref;

static int
cmp_unit_ref(const void *a, const void *b)
{
    return strcmp(((const unit_ref *)a)->s, ((const unit_ref *)b)->s);
}

static chiso_status
tk_build(chiso_tasks_result *res,
         tk_acc *A,
         const chiso_unit_ref *unit,
         chiso_diag *diag)
{
    uint32_t *rank = NULL, i, nu = A->n_unit;
    size_t k, j, n_m = 0, n_late = 0;
    unit_ref *ur = NULL;
    tk_member *m = NULL;
    double *late = NULL;
    unsigned char *hit = NULL;
    chiso_status st = CHISO_ENOMEM;

    res->units = calloc(nu ? nu : 1, sizeof(*res->units));
    rank = calloc(nu ? nu : 1, sizeof(*rank));
    ur = calloc(nu ? nu : 1, sizeof(*ur));
    hit = malloc(nu ? nu : 1);
    if (res->units == NULL || rank == NULL || ur == NULL || hit == NULL) {
        goto out;
    }
    /* units in byte order */
    for (i = 0; i < nu; i++) {
        ur[i].s = A->unit[i].name;
        ur[i].id = i;
    }
    if (nu > 1) {
        qsort(ur, nu, sizeof(*ur), cmp_unit_ref);
    }
    for (i = 0; i < nu; i++) {
        rank[ur[i].id] = i;
        res->units[i] = A->unit[ur[i].id].name;
    }
    memset(hit, 1, nu ? nu : 1);
    if (unit != NULL && res->has_unit_column) {
        /* only the unit's rows, under one label; hit is by rank; the names
         * stay A's */
        st = svc_select_unit(res->path, res->units, nu, unit, hit,
                             &res->unit_in_log, diag);
        if (st != CHISO_OK) {
            goto out;
        }
        st = CHISO_ENOMEM;
        for (i = 0; i < nu; i++) {
            if (!hit[rank[i]]) {
                res->rows_other_units += A->unit[i].rows;
            }
        }
        res->units[0] = chiso_strdup(unit->code);
        res->n_units = 1;
        if (res->units[0] == NULL) {
            res->n_units = 0;
            goto out;
        }
        for (i = 0; i < nu; i++) {
            rank[i] = hit[rank[i]] ? 0 : UINT32_MAX;
        }
    } else {
        for (i = 0; i < nu; i++) {
            A->unit[i].name = NULL; /* now owned by res */
        }
        res->n_units = nu;
    }
    /* per unit: without deadline, cancelled */
    res->undated =
        calloc(res->n_units ? res->n_units : 1, sizeof(*res->undated));
    if (res->undated == NULL) {
        goto out;
    }
    res->undated_total.unit = "*";
    {
        chiso_tasks_undated *acc =
            calloc(res->n_units ? res->n_units : 1, sizeof(*acc));
        if (acc == NULL) {
            goto out;
        }
        for (i = 0; i < nu; i++) {
            const tk_unit *u = &A->unit[i];
            if (rank[i] == UINT32_MAX) {
                continue;
            }
            acc[rank[i]].tasks += u->undated;
            acc[rank[i]].completed += u->undated_done;
            acc[rank[i]].open += u->undated_open;
            res->cancelled += u->cancelled;
        }
        for (k = 0; k < res->n_units; k++) {
            if (acc[k].tasks == 0) {
                continue;
            }
            acc[k].unit = res->units[k];
            res->undated[res->n_undated++] = acc[k];
            res->undated_total.tasks += acc[k].tasks;
            res->undated_total.completed += acc[k].completed;
            res->undated_total.open += acc[k].open;
        }
        free(acc);
    }
    /* cells */
    m = calloc(A->n_cell ? A->n_cell : 1, sizeof(*m));
    if (m == NULL) {
        goto out;
    }
    for (i = 0; i < A->n_cell; i++) {
        if (rank[A->cell[i].unit] == UINT32_MAX) {
            continue;
        }
        m[n_m].unit = rank[A->cell[i].unit];
        m[n_m].period = A->cell[i].period;
        m[n_m].cell = &A->cell[i];
        n_late += A->cell[i].n_late;
        n_m++;
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
    /* overdue tasks, most overdue first */
    res->overdue = calloc(A->n_over ? A->n_over : 1, sizeof(*res->overdue));
    if (res->overdue == NULL) {
        goto out;
    }
    for (k = 0; k < A->n_over; k++) {
        tk_over *o = &A->over[k];
        chiso_task_overdue *t;
        if (rank[o->unit] == UINT32_MAX) {
            continue;
        }
        t = &res->overdue[res->n_overdue];
        t->unit = chiso_strdup(res->units[rank[o->unit]]);
        if (t->unit == NULL) {
            goto out;
        }
        t->task_id = o->task_id;
        t->title = o->title;
        t->source_document = o->source_document;
        o->task_id = o->title = o->source_document = NULL;
        t->due.secs = o->due.secs;
        t->due.has_time = o->due.has_time;
        t->days_overdue = o->days;
        t->line = o->line;
        res->n_overdue++;
    }
    if (res->n_overdue > 1) {
        qsort(res->overdue, res->n_overdue, sizeof(*res->overdue), cmp_over);
    }
    st = CHISO_OK;
out:
    free(rank);
    free(ur);
    free(m);
    free(late);
    free(hit);
    if (st == CHISO_ENOMEM) {
        chiso_diag_set(diag, st, res->path, 0, 0, "out of memory");
    }
    return st;
}

/* ---- the pass ------------------------------------------------------------- */

static chiso_status
tasks_compute(chiso_tasks_result **out,
              const char *path,
              const char *data,
              size_t data_len,
              const chiso_tasks_options *opts,
              chiso_diag *diag)
{
    chiso_tasks_options o = CHISO_TASKS_OPTIONS_INIT;
    chiso_csv_options co = CHISO_CSV_OPTIONS_INIT;
    chiso_csv_reader *rd = NULL;
    chiso_tasks_result *res = NULL;
    const char **names = NULL;
    chiso_csv_row row;
    tk_layout L;
    tk_acc A;
    svc_rejects R;
    chiso_vocab_cache vc;
    chiso_status st;
    svc_err err;
    tk_rec rec;
    size_t i;

    *out = NULL;
    if (opts != NULL) {
        o = *opts;
    }
    memset(&L, 0, sizeof(L));
    memset(&A, 0, sizeof(A));
    memset(&vc, 0, sizeof(vc));
    L.lang = svc_lang(diag);
    L.kind = o.period;
    L.as_of.secs = o.as_of.secs;
    L.as_of.has_time = o.as_of.has_time;
    L.as_of.day =
        (int32_t)(chiso_stamp_diff(o.as_of, (chiso_stamp){0, 0}) / 86400);
    svc_rejects_init(&R, o.on_reject, o.reject_ctx, o.problems, L.lang);
    res = calloc(1, sizeof(*res));
    if (res == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    res->path = chiso_strdup(path);
    res->period = o.period;
    res->as_of = o.as_of;
    res->max_rejects_pct = o.max_rejects_pct;
    co.allow_ragged = 1;
    st = data != NULL ? chiso_csv_open_mem(&rd, path, data, data_len, &co, diag)
                      : chiso_csv_open(&rd, path, &co, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    st = chiso_csv_bind(rd, tk_columns, TK_NCOLS, L.col, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    res->has_unit_column = L.col[TK_UNIT] >= 0;
    if (!res->has_unit_column) {
        if (o.unit == NULL) {
            st = svc_no_unit_column(path,
                                    "expected 'unit', 'Đơn vị', 'Đơn vị chủ "
                                    "trì' or 'Cơ quan chủ trì'",
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
    if (o.on_header != NULL) {
        o.on_header(o.reject_ctx, names, L.n_header, res->delimiter);
    }
    for (;;) {
        size_t n, bad;
        st = chiso_csv_next(rd, &row, diag);
        if (st == CHISO_DONE) {
            st = CHISO_OK;
            break;
        }
        if (st != CHISO_OK) {
            goto out;
        }
        res->rows_read++;
        n = row.n;
        if (svc_check_count(L.n_header, row.len, &n, &bad) != 0) {
            char msg[160];
            snprintf(
                msg, sizeof(msg),
                chiso_msg(L.lang, "row has %zu fields but the header has %zu"),
                row.n, L.n_header);
            st = svc_reject(rd, &R, &row, bad, CHISO_EPARSE, msg, diag);
            if (st != CHISO_OK) {
                goto out;
            }
            continue;
        }
        if (tk_parse_row(&L, row.field, row.len, &rec, &vc, &err) != 0) {
            st =
                svc_reject(rd, &R, &row, err.field, CHISO_EDATA, err.msg, diag);
            if (st != CHISO_OK) {
                goto out;
            }
            continue;
        }
        if (tk_acc_add(&A, &L, &rec, row.field, row.len, row.line) != 0) {
            st =
                chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
            goto out;
        }
    }
    res->rows_counted = A.rows;
    res->rows_rejected = R.n;
    st = svc_rejects_verdict(&R, res->rows_read - res->rows_totals,
                             o.max_rejects_pct, diag);
    if (st == CHISO_OK) {
        st = tk_build(res, &A, o.unit, diag);
    }
out:
    tk_acc_free(&A);
    free(names);
    chiso_csv_close(rd);
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
    for (i = 0; i < res->n_overdue; i++) {
        free(res->overdue[i].task_id);
        free(res->overdue[i].unit);
        free(res->overdue[i].title);
        free(res->overdue[i].source_document);
    }
    free(res->overdue);
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
    cJSON_AddItemToObject(o, "assigned", svc_json_u64(r->assigned));
    cJSON_AddItemToObject(o, "completed", svc_json_u64(r->completed));
    cJSON_AddItemToObject(o, "completed_on_time",
                          svc_json_u64(r->completed_on_time));
    cJSON_AddItemToObject(o, "completed_late", svc_json_u64(r->completed_late));
    cJSON_AddItemToObject(o, "open_not_due", svc_json_u64(r->open_not_due));
    cJSON_AddItemToObject(o, "overdue", svc_json_u64(r->overdue));
    cJSON_AddItemToObject(o, "on_time_pct", svc_json_pct(r->on_time_pct));
    cJSON_AddItemToObject(o, "completed_pct", svc_json_pct(r->completed_pct));
    cJSON_AddItemToObject(o, "days_late_mean", svc_json_num(r->days_late_mean));
    cJSON_AddItemToObject(o, "days_late_median",
                          svc_json_num(r->days_late_median));
    cJSON_AddItemToObject(o, "days_late_max", svc_json_num(r->days_late_max));
    return o;
}

static cJSON *
undated_json(const chiso_tasks_undated *u)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddItemToObject(o, "unit", cJSON_CreateString(u->unit));
    cJSON_AddItemToObject(o, "tasks", svc_json_u64(u->tasks));
    cJSON_AddItemToObject(o, "completed", svc_json_u64(u->completed));
    cJSON_AddItemToObject(o, "open", svc_json_u64(u->open));
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
                          svc_json_unit(res->has_unit_column, res->n_units,
                                        res->units, res->unit_in_log));
    cJSON_AddItemToObject(
        root, "period",
        cJSON_CreateString(chiso_period_kind_name(res->period)));
    cJSON_AddItemToObject(root, "period_of", cJSON_CreateString("due_at"));
    cJSON_AddItemToObject(root, "as_of", svc_json_stamp(res->as_of));
    cJSON_AddItemToObject(root, "records",
                          svc_json_records(res->rows_read, res->rows_counted,
                                           res->rows_rejected, res->rows_totals,
                                           res->rows_other_units,
                                           res->max_rejects_pct));
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
    cJSON_AddItemToObject(root, "cancelled", svc_json_u64(res->cancelled));
    arr = cJSON_CreateArray();
    for (i = 0; i < res->n_overdue; i++) {
        const chiso_task_overdue *t = &res->overdue[i];
        o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "task_id", cJSON_CreateString(t->task_id));
        cJSON_AddItemToObject(o, "unit", cJSON_CreateString(t->unit));
        cJSON_AddItemToObject(o, "title", cJSON_CreateString(t->title));
        cJSON_AddItemToObject(o, "source_document",
                              cJSON_CreateString(t->source_document));
        cJSON_AddItemToObject(o, "due_at", svc_json_stamp(t->due));
        cJSON_AddItemToObject(o, "days_overdue", svc_json_num(t->days_overdue));
        cJSON_AddItemToObject(o, "line", svc_json_u64(t->line));
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

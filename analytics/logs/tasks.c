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
 * export. Registers are small (thousands of rows): each dated task keeps a
 * 16-byte entry and groups are formed by sorting at the end.
 */
#define _POSIX_C_SOURCE 200809L
#include "logs_int.h"

#include <cjson/cJSON.h>
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
    TK_NCOLS
};

static const chiso_csv_column tk_columns[TK_NCOLS] = {
    {"task_id", "ma_nhiem_vu|ma_nv|so_hieu_nhiem_vu|id", 1},
    {"unit", "unit_code|don_vi|ma_don_vi|don_vi_chu_tri|co_quan_chu_tri", 1},
    {"title", "ten_nhiem_vu|noi_dung|noi_dung_nhiem_vu|trich_yeu", 0},
    {"source_document", "van_ban|van_ban_giao|so_van_ban|can_cu|so_ky_hieu", 0},
    {"assigned_at", "ngay_giao|ngay_ban_hanh|ngay_nhan", 0},
    {"due_at", "han_xu_ly|thoi_han|han_hoan_thanh|deadline|han", 1},
    {"completed_at", "ngay_hoan_thanh|ngay_xong|ngay_ket_thuc", 0},
    {"status", "trang_thai|tinh_trang", 0},
};

enum { ST_NONE = 0, ST_DONE, ST_OPEN, ST_CANCELLED, ST_UNKNOWN };

static int
parse_status(const char *s, size_t n)
{
    static const char *const done[] = {"completed",
                                       "done",
                                       "hoan_thanh",
                                       "da_hoan_thanh",
                                       "xong",
                                       "da_xong",
                                       "hoan_thanh_dung_han",
                                       "hoan_thanh_qua_han",
                                       "hoan_thanh_tre_han",
                                       "hoan_thanh_cham",
                                       NULL};
    static const char *const open[] = {"open",
                                       "in_progress",
                                       "overdue",
                                       "dang_thuc_hien",
                                       "dang_xu_ly",
                                       "chua_hoan_thanh",
                                       "qua_han",
                                       "chua_thuc_hien",
                                       "moi_giao",
                                       "new",
                                       "dang_trien_khai",
                                       NULL};
    static const char *const cancelled[] = {
        "cancelled",      "canceled",        "huy",     "da_huy",
        "dung_thuc_hien", "khong_thuc_hien", "thu_hoi", NULL};
    char f[64];
    size_t i;

    chiso_text_fold(s, n, f, sizeof(f));
    if (f[0] == '\0') {
        return ST_NONE;
    }
    for (i = 0; done[i] != NULL; i++) {
        if (strcmp(f, done[i]) == 0) {
            return ST_DONE;
        }
    }
    for (i = 0; open[i] != NULL; i++) {
        if (strcmp(f, open[i]) == 0) {
            return ST_OPEN;
        }
    }
    for (i = 0; cancelled[i] != NULL; i++) {
        if (strcmp(f, cancelled[i]) == 0) {
            return ST_CANCELLED;
        }
    }
    return ST_UNKNOWN;
}

/* One dated task, reduced to what the groups need. */
typedef struct tk_entry {
    uint32_t unit;
    int32_t period;
    uint8_t state; /* 0 on time, 1 late, 2 open not due, 3 overdue */
    double days_late;
} tk_entry;

typedef struct tk_undated {
    uint64_t tasks, completed, open;
} tk_undated;

typedef struct tk_ctx {
    chiso_tasks_result *res;
    const chiso_tasks_options *o;
    svc_time as_of;
    long col[TK_NCOLS];
    const char *const *header;
    size_t n_header;
    char **unit;
    uint32_t n_unit, cap_unit;
    tk_undated *undated; /* per unit */
    tk_entry *e;
    size_t n_e, cap_e;
    size_t cap_overdue;
} tk_ctx;

static const char *
tk_col_name(const tk_ctx *C, int c)
{
    long k = C->col[c];

    return k >= 0 && (size_t)k < C->n_header ? C->header[k]
                                             : tk_columns[c].name;
}

static int tk_error(svc_err *err, const tk_ctx *C, int c, const char *fmt, ...)
    CHISO_PRINTF(4, 5);

static int
tk_error(svc_err *err, const tk_ctx *C, int c, const char *fmt, ...)
{
    va_list ap;

    err->field = (size_t)C->col[c];
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

/* Parse an optional date column: 0 absent/empty (*has = 0), 1 parsed, -1
 * error. */
static int
tk_when(const tk_ctx *C,
        int c,
        const char *const *f,
        const size_t *len,
        svc_time *t,
        int *has,
        svc_err *err)
{
    const char *s;
    size_t n;
    char why[160], q[80];

    *has = 0;
    if (C->col[c] < 0) {
        return 0;
    }
    s = f[C->col[c]];
    n = len[C->col[c]];
    {
        const char *p = s;
        size_t m = n;
        chiso_text_trim(&p, &m);
        if (m == 0) {
            return 0;
        }
    }
    if (svc_time_parse(s, n, t, why, sizeof(why)) != 0) {
        svc_quote(s, n, q, sizeof(q));
        return tk_error(err, C, c, "invalid date '%s' in column '%s': %s", q,
                        tk_col_name(C, c), why);
    }
    *has = 1;
    return 1;
}

static int
tk_unit(tk_ctx *C, const char *s, size_t n, uint32_t *id)
{
    uint32_t i;

    /* registers hold a few dozen units: a linear scan is enough */
    for (i = 0; i < C->n_unit; i++) {
        if (strlen(C->unit[i]) == n && memcmp(C->unit[i], s, n) == 0) {
            *id = i;
            return 0;
        }
    }
    if (C->n_unit == C->cap_unit) {
        uint32_t cap = C->cap_unit ? C->cap_unit * 2 : 32;
        char **u = realloc(C->unit, cap * sizeof(*u));
        tk_undated *d = u ? realloc(C->undated, cap * sizeof(*d)) : NULL;
        if (u != NULL) {
            C->unit = u;
        }
        if (d == NULL) {
            return -1;
        }
        C->undated = d;
        C->cap_unit = cap;
    }
    C->unit[C->n_unit] = chiso_strndup(s, n);
    if (C->unit[C->n_unit] == NULL) {
        return -1;
    }
    memset(&C->undated[C->n_unit], 0, sizeof(tk_undated));
    *id = C->n_unit++;
    return 0;
}

static char *
field_dup(const tk_ctx *C, int c, const char *const *f, const size_t *len)
{
    const char *s;
    size_t n;

    if (C->col[c] < 0) {
        return chiso_strdup("");
    }
    s = f[C->col[c]];
    n = len[C->col[c]];
    chiso_text_trim(&s, &n);
    return chiso_strndup(s, n);
}

/* Parse and count one row. 0, -1 with err (bad row), -2 out of memory. */
static int
tk_row(tk_ctx *C,
       const char *const *f,
       const size_t *len,
       unsigned long line,
       svc_err *err)
{
    const char *s;
    size_t n;
    svc_time assigned, due, done;
    int has_assigned, has_due, has_done, status = ST_NONE;
    uint32_t u;
    char q[80];

    s = f[C->col[TK_ID]];
    n = len[C->col[TK_ID]];
    chiso_text_trim(&s, &n);
    if (n == 0) {
        return tk_error(err, C, TK_ID, "missing task id in column '%s'",
                        tk_col_name(C, TK_ID));
    }
    s = f[C->col[TK_UNIT]];
    n = len[C->col[TK_UNIT]];
    chiso_text_trim(&s, &n);
    if (n == 0) {
        return tk_error(err, C, TK_UNIT, "missing unit in column '%s'",
                        tk_col_name(C, TK_UNIT));
    }
    if (tk_when(C, TK_ASSIGNED, f, len, &assigned, &has_assigned, err) < 0 ||
        tk_when(C, TK_DUE, f, len, &due, &has_due, err) < 0 ||
        tk_when(C, TK_DONE, f, len, &done, &has_done, err) < 0) {
        return -1;
    }
    if (C->col[TK_STATUS] >= 0) {
        const char *st = f[C->col[TK_STATUS]];
        size_t sn = len[C->col[TK_STATUS]];
        status = parse_status(st, sn);
        svc_quote(st, sn, q, sizeof(q));
        if (status == ST_UNKNOWN) {
            return tk_error(err, C, TK_STATUS,
                            "unknown status '%s' in column '%s' (expected "
                            "completed, in progress or cancelled, e.g. 'Đã "
                            "hoàn thành', 'Đang thực hiện', 'Đã hủy')",
                            q, tk_col_name(C, TK_STATUS));
        }
        if (status == ST_DONE && !has_done) {
            return tk_error(err, C, TK_STATUS,
                            "status '%s' says completed but the completion "
                            "date is empty",
                            q);
        }
        if (status == ST_OPEN && has_done) {
            return tk_error(err, C, TK_STATUS,
                            "status '%s' says not completed but a completion "
                            "date is given",
                            q);
        }
    }
    if (has_assigned && has_due && svc_time_diff(&due, &assigned) < 0) {
        svc_quote(f[C->col[TK_DUE]], len[C->col[TK_DUE]], q, sizeof(q));
        return tk_error(err, C, TK_DUE,
                        "deadline '%s' in column '%s' is before the "
                        "assignment date",
                        q, tk_col_name(C, TK_DUE));
    }
    if (has_assigned && has_done && svc_time_diff(&done, &assigned) < 0) {
        svc_quote(f[C->col[TK_DONE]], len[C->col[TK_DONE]], q, sizeof(q));
        return tk_error(err, C, TK_DONE,
                        "completion '%s' in column '%s' is before the "
                        "assignment date",
                        q, tk_col_name(C, TK_DONE));
    }
    if (status == ST_CANCELLED) {
        C->res->cancelled++;
        return 0;
    }
    if (tk_unit(C, s, n, &u) != 0) {
        return -2;
    }
    /* done means done by as_of */
    if (has_done && svc_time_diff(&done, &C->as_of) > 0) {
        has_done = 0;
    }
    if (!has_due) {
        C->undated[u].tasks++;
        C->undated[u].completed += (uint64_t)has_done;
        C->undated[u].open += (uint64_t)!has_done;
        return 0;
    }
    if (C->n_e == C->cap_e) {
        size_t cap = C->cap_e ? C->cap_e * 2 : 256;
        tk_entry *p = realloc(C->e, cap * sizeof(*p));
        if (p == NULL) {
            return -2;
        }
        C->e = p;
        C->cap_e = cap;
    }
    {
        tk_entry *e = &C->e[C->n_e++];
        e->unit = u;
        e->period = svc_period_of_ym(C->o->period, due.ym);
        e->days_late = 0;
        if (has_done) {
            int64_t d = svc_time_diff(&done, &due);
            e->state = d > 0;
            e->days_late = d > 0 ? (double)d / 86400.0 : 0;
        } else if (svc_time_diff(&C->as_of, &due) > 0) {
            chiso_task_overdue *ov;
            chiso_tasks_result *res = C->res;
            e->state = 3;
            if (res->n_overdue == C->cap_overdue) {
                size_t cap = C->cap_overdue ? C->cap_overdue * 2 : 32;
                chiso_task_overdue *p = realloc(res->overdue, cap * sizeof(*p));
                if (p == NULL) {
                    return -2;
                }
                res->overdue = p;
                C->cap_overdue = cap;
            }
            ov = &res->overdue[res->n_overdue];
            memset(ov, 0, sizeof(*ov));
            res->n_overdue++;
            ov->task_id = field_dup(C, TK_ID, f, len);
            ov->unit = chiso_strdup(C->unit[u]);
            ov->title = field_dup(C, TK_TITLE, f, len);
            ov->source_document = field_dup(C, TK_SRC, f, len);
            ov->due.secs = due.secs;
            ov->due.has_time = due.has_time;
            ov->days_overdue = (double)svc_time_diff(&C->as_of, &due) / 86400.0;
            ov->line = line;
            if (ov->task_id == NULL || ov->unit == NULL || ov->title == NULL ||
                ov->source_document == NULL) {
                return -2;
            }
        } else {
            e->state = 2;
        }
    }
    return 0;
}

static int
cmp_entry(const void *a, const void *b)
{
    const tk_entry *x = a, *y = b;

    if (x->unit != y->unit) {
        return x->unit < y->unit ? -1 : 1;
    }
    if (x->period != y->period) {
        return x->period < y->period ? -1 : 1;
    }
    return (x->days_late > y->days_late) - (x->days_late < y->days_late);
}

static int
cmp_entry_period(const void *a, const void *b)
{
    const tk_entry *x = a, *y = b;

    if (x->period != y->period) {
        return x->period < y->period ? -1 : 1;
    }
    return (x->days_late > y->days_late) - (x->days_late < y->days_late);
}

static int
cmp_entry_days(const void *a, const void *b)
{
    const tk_entry *x = a, *y = b;

    return (x->days_late > y->days_late) - (x->days_late < y->days_late);
}

static int
cmp_overdue(const void *a, const void *b)
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

/* Fill a row from entries sorted with late days ascending within. */
static int
fill_task_row(chiso_tasks_row *r, const tk_entry *e, size_t n)
{
    size_t i, n_late = 0;
    double *late = malloc((n ? n : 1) * sizeof(*late)), sum = 0;

    if (late == NULL) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        r->assigned++;
        switch (e[i].state) {
        case 0:
            r->completed++;
            r->completed_on_time++;
            break;
        case 1:
            r->completed++;
            r->completed_late++;
            late[n_late++] = e[i].days_late;
            sum += e[i].days_late;
            break;
        case 2:
            r->open_not_due++;
            break;
        default:
            r->overdue++;
            break;
        }
    }
    /* entries are sorted by days_late within the group, and on-time ones
     * carry 0, so the late values are already ascending */
    r->on_time_pct = svc_pct(r->completed_on_time, r->completed + r->overdue);
    r->completed_pct = svc_pct(r->completed, r->assigned);
    r->days_late_mean = n_late ? sum / (double)n_late : (double)NAN;
    r->days_late_median = chiso_quantile_sorted(late, n_late, 0.5);
    r->days_late_max = n_late ? late[n_late - 1] : (double)NAN;
    free(late);
    return 0;
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
tk_finish(tk_ctx *C)
{
    chiso_tasks_result *res = C->res;
    uint32_t *rank = NULL, i;
    size_t k, j;
    unit_ref *ur = NULL;
    chiso_status st = CHISO_ENOMEM;
    size_t nu = C->n_unit ? C->n_unit : 1, ne = C->n_e ? C->n_e : 1;

    res->units = calloc(nu, sizeof(*res->units));
    rank = calloc(nu, sizeof(*rank));
    ur = calloc(nu, sizeof(*ur));
    res->undated = calloc(nu, sizeof(*res->undated));
    res->rows = calloc(ne, sizeof(*res->rows));
    res->totals = calloc(ne, sizeof(*res->totals));
    if (res->units == NULL || rank == NULL || ur == NULL ||
        res->undated == NULL || res->rows == NULL || res->totals == NULL) {
        goto out;
    }
    /* units in byte order; entries renumbered by rank */
    for (i = 0; i < C->n_unit; i++) {
        ur[i].s = C->unit[i];
        ur[i].id = i;
    }
    if (C->n_unit > 1) {
        qsort(ur, C->n_unit, sizeof(*ur), cmp_unit_ref);
    }
    for (i = 0; i < C->n_unit; i++) {
        rank[ur[i].id] = i;
        res->units[i] = C->unit[ur[i].id];
    }
    res->n_units = C->n_unit;
    for (i = 0; i < C->n_unit; i++) {
        C->unit[i] = NULL; /* now owned by res */
    }
    for (k = 0; k < C->n_e; k++) {
        C->e[k].unit = rank[C->e[k].unit];
    }
    /* tasks without a deadline, per unit */
    res->undated_total.unit = "*";
    for (i = 0; i < res->n_units; i++) {
        const tk_undated *d = &C->undated[ur[i].id];
        if (d->tasks == 0) {
            continue;
        }
        res->undated[res->n_undated].unit = res->units[i];
        res->undated[res->n_undated].tasks = d->tasks;
        res->undated[res->n_undated].completed = d->completed;
        res->undated[res->n_undated].open = d->open;
        res->n_undated++;
        res->undated_total.tasks += d->tasks;
        res->undated_total.completed += d->completed;
        res->undated_total.open += d->open;
    }
    /* unit x period */
    if (C->n_e > 1) {
        qsort(C->e, C->n_e, sizeof(*C->e), cmp_entry);
    }
    for (k = 0; k < C->n_e; k = j) {
        chiso_tasks_row *r = &res->rows[res->n_rows++];
        for (j = k + 1; j < C->n_e && C->e[j].unit == C->e[k].unit &&
                        C->e[j].period == C->e[k].period;
             j++) {
        }
        r->unit = res->units[C->e[k].unit];
        r->period_index = C->e[k].period;
        chiso_period_format(res->period, r->period_index, r->period,
                            sizeof(r->period));
        if (fill_task_row(r, C->e + k, j - k) != 0) {
            goto out;
        }
    }
    /* all units per period */
    if (C->n_e > 1) {
        qsort(C->e, C->n_e, sizeof(*C->e), cmp_entry_period);
    }
    for (k = 0; k < C->n_e; k = j) {
        chiso_tasks_row *r = &res->totals[res->n_totals++];
        for (j = k + 1; j < C->n_e && C->e[j].period == C->e[k].period; j++) {
        }
        r->unit = "*";
        r->period_index = C->e[k].period;
        chiso_period_format(res->period, r->period_index, r->period,
                            sizeof(r->period));
        if (fill_task_row(r, C->e + k, j - k) != 0) {
            goto out;
        }
    }
    if (C->n_e > 1) {
        qsort(C->e, C->n_e, sizeof(*C->e), cmp_entry_days);
    }
    res->overall.unit = "*";
    snprintf(res->overall.period, sizeof(res->overall.period), "*");
    res->overall.period_index = INT32_MIN;
    if (fill_task_row(&res->overall, C->e, C->n_e) != 0) {
        goto out;
    }
    if (res->n_overdue > 1) {
        qsort(res->overdue, res->n_overdue, sizeof(*res->overdue), cmp_overdue);
    }
    st = CHISO_OK;
out:
    free(rank);
    free(ur);
    return st;
}

static chiso_status
tk_reject(chiso_csv_reader *rd,
          const chiso_tasks_options *o,
          const chiso_csv_row *row,
          size_t field,
          chiso_status code,
          const char *msg,
          chiso_tasks_result *res,
          chiso_diag *diag)
{
    return svc_reject(rd, o->on_reject, o->reject_ctx, row, field, code, msg,
                      &res->rows_rejected, diag);
}

static chiso_status
tasks_compute(chiso_tasks_result **out,
              const char *path,
              const char *data,
              size_t data_len,
              const chiso_tasks_options *opts,
              chiso_diag *diag)
{
    chiso_csv_options co = CHISO_CSV_OPTIONS_INIT;
    chiso_csv_reader *rd = NULL;
    chiso_tasks_result *res = NULL;
    const char **names = NULL;
    chiso_csv_row row;
    tk_ctx C;
    chiso_status st;
    svc_err err;
    size_t i;

    *out = NULL;
    memset(&C, 0, sizeof(C));
    res = calloc(1, sizeof(*res));
    if (res == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    res->path = chiso_strdup(path);
    res->period = opts->period;
    res->as_of = opts->as_of;
    C.res = res;
    C.o = opts;
    C.as_of.secs = opts->as_of.secs;
    C.as_of.has_time = opts->as_of.has_time;
    C.as_of.day =
        (int32_t)(chiso_stamp_diff(opts->as_of, (chiso_stamp){0, 0}) / 86400);
    co.allow_ragged = 1;
    st = data != NULL ? chiso_csv_open_mem(&rd, path, data, data_len, &co, diag)
                      : chiso_csv_open(&rd, path, &co, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    st = chiso_csv_bind(rd, tk_columns, TK_NCOLS, C.col, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    C.n_header = chiso_csv_header_count(rd);
    names = calloc(C.n_header ? C.n_header : 1, sizeof(*names));
    if (names == NULL || res->path == NULL) {
        st = chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
        goto out;
    }
    for (i = 0; i < C.n_header; i++) {
        names[i] = chiso_csv_header_name(rd, i);
    }
    C.header = names;
    res->delimiter = chiso_csv_delimiter(rd);
    if (opts->on_header != NULL) {
        opts->on_header(opts->reject_ctx, names, C.n_header, res->delimiter);
    }
    for (;;) {
        size_t n, bad;
        int rc;
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
        if (svc_check_count(C.n_header, row.len, &n, &bad) != 0) {
            char msg[120];
            snprintf(msg, sizeof(msg),
                     "row has %zu fields but the header has %zu", row.n,
                     C.n_header);
            st = tk_reject(rd, opts, &row, bad, CHISO_EPARSE, msg, res, diag);
            if (st != CHISO_OK) {
                goto out;
            }
            continue;
        }
        rc = tk_row(&C, row.field, row.len, row.line, &err);
        if (rc == -2) {
            st =
                chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
            goto out;
        }
        if (rc != 0) {
            st = tk_reject(rd, opts, &row, err.field, CHISO_EDATA, err.msg, res,
                           diag);
            if (st != CHISO_OK) {
                goto out;
            }
            continue;
        }
        res->rows_counted++;
    }
    st = tk_finish(&C);
    if (st != CHISO_OK) {
        chiso_diag_set(diag, st, path, 0, 0, "out of memory");
    }
out:
    for (i = 0; i < C.n_unit; i++) {
        free(C.unit[i]);
    }
    free(C.unit);
    free(C.undated);
    free(C.e);
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
    cJSON_AddItemToObject(root, "schema_version", cJSON_CreateNumber(1));
    cJSON_AddItemToObject(root, "command", cJSON_CreateString("tasks"));
    cJSON_AddItemToObject(root, "input", cJSON_CreateString(res->path));
    cJSON_AddItemToObject(
        root, "period",
        cJSON_CreateString(chiso_period_kind_name(res->period)));
    cJSON_AddItemToObject(root, "period_of", cJSON_CreateString("due_at"));
    cJSON_AddItemToObject(root, "as_of", svc_json_stamp(res->as_of));
    o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "read", svc_json_u64(res->rows_read));
    cJSON_AddItemToObject(o, "counted", svc_json_u64(res->rows_counted));
    cJSON_AddItemToObject(o, "rejected", svc_json_u64(res->rows_rejected));
    cJSON_AddItemToObject(root, "records", o);
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

/*
 * logs_common.c - what the dossier and task computations share: periods,
 * timestamps under the whole-day rule, the exact quantile store, unit
 * selection, messages, derived inputs and JSON helpers.
 *
 * Periods are integers so that grouping is a hash of two integers: a month
 * is y*12+m-1, a quarter y*4+q-1, a half y*2+h-1, a year y. Their text
 * forms ("2024-03", "2024-Q1", "2024-H1", "2024") sort like the integers
 * within one kind.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE (glibc) */
#include "logs_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* ---- periods ---------------------------------------------------------------- */

static const char *const kind_names[] = {"month", "quarter", "half", "year"};

int
chiso_period_kind_from_name(const char *name, chiso_period_kind *out)
{
    int i;

    for (i = 0; i < 4; i++) {
        if (strcmp(name, kind_names[i]) == 0) {
            *out = (chiso_period_kind)i;
            return 0;
        }
    }
    return -1;
}

const char *
chiso_period_kind_name(chiso_period_kind kind)
{
    return (unsigned)kind < 4 ? kind_names[kind] : "?";
}

const char *
chiso_period_kind_label(chiso_period_kind kind, chiso_lang lang)
{
    static const char *const labels[] = {N_("calendar month"),
                                         N_("calendar quarter"),
                                         N_("half-year"), N_("calendar year")};
    return (unsigned)kind < 4 ? chiso_msg(lang, labels[kind]) : "?";
}

int32_t
chiso_logs__period_of_ym(chiso_period_kind kind, int32_t ym)
{
    int32_t y = ym / 12, m0 = ym % 12;

    switch (kind) {
    case CHISO_PERIOD_MONTH:
        return ym;
    case CHISO_PERIOD_QUARTER:
        return y * 4 + m0 / 3;
    case CHISO_PERIOD_HALF:
        return y * 2 + m0 / 6;
    case CHISO_PERIOD_YEAR:
        return y;
    }
    return ym;
}

int32_t
chiso_period_of_day(chiso_period_kind kind, int64_t day)
{
    int y;
    unsigned m, d;

    chiso_civil_from_days(day, &y, &m, &d);
    return chiso_logs__period_of_ym(kind, y * 12 + (int32_t)m - 1);
}

void
chiso_period_format(chiso_period_kind kind,
                    int32_t index,
                    char *out,
                    size_t len)
{
    switch (kind) {
    case CHISO_PERIOD_MONTH:
        snprintf(out, len, "%04d-%02d", (int)(index / 12),
                 (int)(index % 12 + 1));
        return;
    case CHISO_PERIOD_QUARTER:
        snprintf(out, len, "%04d-Q%d", (int)(index / 4), (int)(index % 4 + 1));
        return;
    case CHISO_PERIOD_HALF:
        snprintf(out, len, "%04d-H%d", (int)(index / 2), (int)(index % 2 + 1));
        return;
    case CHISO_PERIOD_YEAR:
        snprintf(out, len, "%04d", (int)index);
        return;
    }
    snprintf(out, len, "?");
}

static int
digits4(const char *s, int *v)
{
    int i, x = 0;

    for (i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 0;
}

int
chiso_period_parse(const char *s, chiso_period_kind *kind, int32_t *index)
{
    size_t n = strlen(s);
    int y;

    if (n < 4 || digits4(s, &y) != 0 || y < 1900 || y > 2200) {
        return -1;
    }
    if (n == 4) {
        *kind = CHISO_PERIOD_YEAR;
        *index = y;
        return 0;
    }
    if (s[4] != '-') {
        return -1;
    }
    if (n == 7 && s[5] >= '0' && s[5] <= '1' && s[6] >= '0' && s[6] <= '9') {
        int m = (s[5] - '0') * 10 + (s[6] - '0');
        if (m < 1 || m > 12) {
            return -1;
        }
        *kind = CHISO_PERIOD_MONTH;
        *index = y * 12 + m - 1;
        return 0;
    }
    if (n == 7 && (s[5] == 'Q' || s[5] == 'q') && s[6] >= '1' && s[6] <= '4') {
        *kind = CHISO_PERIOD_QUARTER;
        *index = y * 4 + (s[6] - '1');
        return 0;
    }
    if (n == 7 && (s[5] == 'H' || s[5] == 'h') && s[6] >= '1' && s[6] <= '2') {
        *kind = CHISO_PERIOD_HALF;
        *index = y * 2 + (s[6] - '1');
        return 0;
    }
    return -1;
}

void
chiso_period_days(chiso_period_kind kind,
                  int32_t index,
                  int64_t *first_day,
                  int64_t *end_day)
{
    int y = 0, m0 = 0, months = 1;

    switch (kind) {
    case CHISO_PERIOD_MONTH:
        y = index / 12;
        m0 = index % 12;
        months = 1;
        break;
    case CHISO_PERIOD_QUARTER:
        y = index / 4;
        m0 = index % 4 * 3;
        months = 3;
        break;
    case CHISO_PERIOD_HALF:
        y = index / 2;
        m0 = index % 2 * 6;
        months = 6;
        break;
    case CHISO_PERIOD_YEAR:
        y = index;
        m0 = 0;
        months = 12;
        break;
    }
    *first_day = chiso_days_from_civil(y, (unsigned)m0 + 1, 1);
    m0 += months;
    *end_day = chiso_days_from_civil(y + m0 / 12, (unsigned)(m0 % 12) + 1, 1);
}

/* ---- timestamps ------------------------------------------------------------- */

static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int
chiso_logs__time_parse(const char *s,
                       size_t len,
                       unsigned flags,
                       chiso_lang lang,
                       logs_time *t,
                       char *why,
                       size_t why_len)
{
    int y;
    unsigned m, d;

    if (logs_fast_iso(s, len, t)) {
        return 0;
    }
    if (chiso_parse_datetime_ex(s, len, flags, lang, &t->secs, &t->has_time,
                                why, why_len) != 0) {
        return -1;
    }
    t->day = (int32_t)floor_div(t->secs, 86400);
    chiso_civil_from_days(t->day, &y, &m, &d);
    t->ym = y * 12 + (int32_t)m - 1;
    return 0;
}

int
chiso_stamp_parse(
    const char *s, size_t len, chiso_stamp *out, char *why, size_t why_len)
{
    logs_time t;

    if (chiso_logs__time_parse(s, len, 0, CHISO_LANG_EN, &t, why, why_len) !=
        0) {
        return -1;
    }
    out->secs = t.secs;
    out->has_time = t.has_time;
    return 0;
}

int64_t
chiso_stamp_diff(chiso_stamp a, chiso_stamp b)
{
    if (a.has_time && b.has_time) {
        return a.secs - b.secs;
    }
    return (floor_div(a.secs, 86400) - floor_div(b.secs, 86400)) * 86400;
}

void
chiso_logs__stamp_text(chiso_stamp t, char *out, size_t len)
{
    chiso_format_datetime(t.secs, t.has_time, out, len);
}

/* ---- quantile store --------------------------------------------------------- */

static uint32_t
qarena_alloc(qarena *a)
{
    uint32_t i = a->used + 1;
    size_t s = i >> QB_SLAB_LOG;

    if (i == 0) {
        return 0; /* 2^32 blocks: refuse rather than wrap */
    }
    if (s >= a->n_slab) {
        if (a->n_slab == a->cap_slab) {
            size_t cap = a->cap_slab ? a->cap_slab * 2 : 16;
            qblock **p = realloc(a->slab, cap * sizeof(*p));
            if (p == NULL) {
                return 0;
            }
            a->slab = p;
            a->cap_slab = cap;
        }
        {
            /* a slab is 2 MiB, aligned so that it can be one huge page:
             * it fills at random places from the start (every group's
             * chains), and 512 first-touch faults of 4 KiB pages were
             * ~5 % of a dossier log's time on a VM */
            size_t bytes = ((size_t)1 << QB_SLAB_LOG) * sizeof(qblock);
            void *p = NULL;
            if (posix_memalign(&p, bytes, bytes) != 0) {
                return 0;
            }
#ifdef MADV_HUGEPAGE
            (void)madvise(p, bytes, MADV_HUGEPAGE); /* a hint */
#endif
            a->slab[a->n_slab] = p;
        }
        a->n_slab++;
    }
    a->used = i;
    qarena_block(a, i)->next = 0;
    return i;
}

void
chiso_logs__qarena_free(qarena *a)
{
    size_t i;

    for (i = 0; i < a->n_slab; i++) {
        free(a->slab[i]);
    }
    free(a->slab);
    memset(a, 0, sizeof(*a));
}

int
chiso_logs__qstore_add(qstore *q, qarena *a, uint32_t value)
{
    uint32_t hi = value >> 16, slot;
    qbucket *b;

    if (hi >= q->n_b) {
        uint32_t n = hi + 1 > q->n_b * 2 ? hi + 1 : q->n_b * 2;
        qbucket *p = realloc(q->b, n * sizeof(*p));
        if (p == NULL) {
            return -1;
        }
        memset(p + q->n_b, 0, (n - q->n_b) * sizeof(*p));
        q->b = p;
        q->n_b = n;
    }
    b = &q->b[hi];
    slot = b->count % QB_VALS;
    if (slot == 0) {
        uint32_t blk = qarena_alloc(a);
        if (blk == 0) {
            return -1;
        }
        if (b->count == 0) {
            b->head = blk;
        } else {
            qarena_block(a, b->tail)->next = blk;
        }
        b->tail = blk;
    }
    qarena_block(a, b->tail)->v[slot] = (uint16_t)(value & 0xFFFFu);
    b->count++;
    q->n++;
    return 0;
}

void
chiso_logs__qstore_free(qstore *q)
{
    free(q->b);
    memset(q, 0, sizeof(*q));
}

/* Sort 16-bit values: insertion sort when few, else two stable counting
 * passes on the low and high byte (LSD radix), O(n). */
static void
sort_u16(uint16_t *v, uint16_t *tmp, size_t n)
{
    size_t c0[257], c1[257], i;

    if (n <= 32) {
        for (i = 1; i < n; i++) {
            uint16_t x = v[i];
            size_t k = i;
            while (k > 0 && v[k - 1] > x) {
                v[k] = v[k - 1];
                k--;
            }
            v[k] = x;
        }
        return;
    }
    memset(c0, 0, sizeof(c0));
    memset(c1, 0, sizeof(c1));
    for (i = 0; i < n; i++) {
        c0[(v[i] & 0xFFu) + 1]++;
        c1[(v[i] >> 8) + 1]++;
    }
    for (i = 1; i < 257; i++) {
        c0[i] += c0[i - 1];
        c1[i] += c1[i - 1];
    }
    for (i = 0; i < n; i++) {
        tmp[c0[v[i] & 0xFFu]++] = v[i];
    }
    for (i = 0; i < n; i++) {
        v[c1[tmp[i] >> 8]++] = tmp[i];
    }
}

/* Count of bucket j over all stores. */
static uint64_t
bucket_count(const qref *refs, size_t n_refs, uint32_t j)
{
    uint64_t c = 0;
    size_t r;

    for (r = 0; r < n_refs; r++) {
        if (j < refs[r].q->n_b) {
            c += refs[r].q->b[j].count;
        }
    }
    return c;
}

/* Copy the low parts of bucket j of every store into vals (cnt values). */
static void
gather(const qref *refs, size_t n_refs, uint32_t j, uint16_t *vals)
{
    size_t r, m = 0;

    for (r = 0; r < n_refs; r++) {
        const qbucket *b;
        uint32_t blk, left;
        if (j >= refs[r].q->n_b) {
            continue;
        }
        b = &refs[r].q->b[j];
        left = b->count;
        for (blk = b->count ? b->head : 0; blk != 0 && left > 0;) {
            const qblock *B = qarena_block(refs[r].a, blk);
            uint32_t take = left < QB_VALS ? left : QB_VALS;
            memcpy(vals + m, B->v, take * sizeof(uint16_t));
            m += take;
            left -= take;
            blk = B->next;
        }
    }
}

/*
 * The k-th and (k+1)-th smallest values (0-based) of the union; x1 only
 * when want_next (and k + 1 exists). Bucket counts lead to the bucket
 * holding rank k, which alone is gathered and sorted; rank k + 1 is in the
 * same bucket or is the smallest value of the next non-empty one. Returns
 * -1 on allocation failure.
 */
static int
select_two(const qref *refs,
           size_t n_refs,
           uint64_t k,
           int want_next,
           uint32_t *x0,
           uint32_t *x1)
{
    uint32_t j, j2, n_b = 0;
    uint64_t cum = 0, cnt = 0, m;
    size_t r;
    uint16_t *vals;

    for (r = 0; r < n_refs; r++) {
        if (refs[r].q->n_b > n_b) {
            n_b = refs[r].q->n_b;
        }
    }
    for (j = 0; j < n_b; j++) {
        cnt = bucket_count(refs, n_refs, j);
        if (cum + cnt > k) {
            break;
        }
        cum += cnt;
    }
    if (j == n_b) {
        return -1;
    }
    vals = malloc(2 * cnt * sizeof(*vals));
    if (vals == NULL) {
        return -1;
    }
    gather(refs, n_refs, j, vals);
    sort_u16(vals, vals + cnt, cnt);
    k -= cum;
    *x0 = (j << 16) | vals[k];
    if (want_next && k + 1 < cnt) {
        *x1 = (j << 16) | vals[k + 1];
        want_next = 0;
    }
    free(vals);
    if (!want_next) {
        return 0;
    }
    for (j2 = j + 1; j2 < n_b; j2++) {
        cnt = bucket_count(refs, n_refs, j2);
        if (cnt > 0) {
            break;
        }
    }
    if (j2 == n_b) {
        return -1;
    }
    vals = malloc(cnt * sizeof(*vals));
    if (vals == NULL) {
        return -1;
    }
    gather(refs, n_refs, j2, vals);
    *x1 = vals[0];
    for (m = 1; m < cnt; m++) {
        if (vals[m] < *x1) {
            *x1 = vals[m];
        }
    }
    *x1 |= j2 << 16;
    free(vals);
    return 0;
}

int
chiso_logs__quantile(const qref *refs, size_t n_refs, double q, double *out)
{
    uint64_t n = 0, lo;
    size_t r;
    double h, t, a, b;
    uint32_t x0 = 0, x1 = 0;
    int interp;

    for (r = 0; r < n_refs; r++) {
        n += refs[r].q->n;
    }
    if (n == 0) {
        *out = NAN;
        return 0;
    }
    h = q * (double)(n - 1);
    lo = (uint64_t)floor(h);
    t = h - (double)lo;
    interp = lo + 1 < n && t > 0;
    if (select_two(refs, n_refs, lo, interp, &x0, &x1) != 0) {
        return -1;
    }
    a = (double)x0 / 86400.0;
    if (!interp) {
        *out = a;
        return 0;
    }
    b = (double)x1 / 86400.0;
    /* numpy's _lerp: from the nearer end, so t = 1 gives b exactly */
    *out = t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
    return 0;
}

/* ---- messages ----------------------------------------------------------------- */

void
chiso_logs__quote(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = len;

    if (n > 60) {
        n = 60;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
            n--;
        }
    }
    if (n + 4 > cap) {
        n = cap > 4 ? cap - 4 : 0;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
            n--;
        }
    }
    memcpy(out, s, n);
    if (n < len && n + 4 <= cap) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

logs_time
chiso_logs__time_of(chiso_stamp st)
{
    logs_time t;
    int y;
    unsigned m, d;

    t.secs = st.secs;
    t.has_time = st.has_time;
    t.day = (int32_t)floor_div(st.secs, 86400);
    chiso_civil_from_days(t.day, &y, &m, &d);
    t.ym = y * 12 + (int32_t)m - 1;
    return t;
}

/* ---- units -------------------------------------------------------------------- */

chiso_status
chiso_logs__select_unit(const char *path,
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
chiso_logs__no_unit_column(const char *path, const char *what, chiso_diag *diag)
{
    return chiso_diag_set(diag, CHISO_ESCHEMA, path, 0, 0,
                          "no unit column (%s); for the log of a single unit, "
                          "give the unit: --unit CODE, or \"unit\" in the "
                          "report configuration",
                          what);
}

chiso_status
chiso_logs__outside_period(const char *path,
                           chiso_period_kind kind,
                           int32_t period_index,
                           int32_t first,
                           int32_t last,
                           const char *unit,
                           int tasks,
                           chiso_diag *diag)
{
    char per[16], a[16], b[16];

    if (first > last || (first <= period_index && last >= period_index)) {
        return CHISO_OK; /* no row at all (said elsewhere), or a gap */
    }
    chiso_period_format(kind, period_index, per, sizeof(per));
    chiso_period_format(kind, first, a, sizeof(a));
    chiso_period_format(kind, last, b, sizeof(b));
    if (tasks) {
        return chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                              "no task of unit '%s' is due in %s: the "
                              "register's tasks of this unit are due from "
                              "%s to %s. Is it the right file, or the right "
                              "period?",
                              unit, per, a, b);
    }
    return chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                          "no dossier of unit '%s' was received in %s: the "
                          "log's dossiers of this unit were received from "
                          "%s to %s. Is it the right file, or the right "
                          "period?",
                          unit, per, a, b);
}

chiso_status
chiso_logs__rows_cover(const char *path,
                       chiso_period_kind kind,
                       int32_t period_index,
                       const void *rows,
                       size_t n,
                       size_t stride,
                       size_t period_off,
                       const char *unit,
                       int tasks,
                       chiso_diag *diag)
{
    const unsigned char *r = rows;
    int32_t first = INT32_MAX, last = INT32_MIN;
    size_t i;

    for (i = 0; i < n; i++, r += stride) {
        const char *u;
        int32_t p;
        memcpy(&u, r, sizeof(u));
        memcpy(&p, r + period_off, sizeof(p));
        if (p == INT32_MIN || (unit != NULL && strcmp(u, unit) != 0)) {
            continue;
        }
        first = p < first ? p : first;
        last = p > last ? p : last;
    }
    return chiso_logs__outside_period(path, kind, period_index, first, last,
                                      unit != NULL ? unit : "*", tasks, diag);
}

const char *
chiso_logs__inputs_unit(const char *path,
                        char *const *units,
                        size_t n_units,
                        uint64_t counted,
                        const char *unit,
                        const char *what,
                        chiso_diag *diag)
{
    unsigned char *hit;
    chiso_unit_ref ref;
    size_t i, n_hit = 0, at = 0;

    if (counted == 0 || n_units == 0) {
        chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                       "no %s to count: the indicators of this file are not "
                       "computed (no score is given from an empty log)",
                       what);
        return NULL;
    }
    if (unit == NULL) {
        return "*";
    }
    for (i = 0; i < n_units; i++) {
        if (strcmp(units[i], unit) == 0) {
            return units[i];
        }
    }
    hit = calloc(n_units, 1);
    if (hit == NULL) {
        chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
        return NULL;
    }
    memset(&ref, 0, sizeof(ref));
    ref.code = unit;
    if (chiso_unit_match(path, (const char *const *)units, n_units, &ref, hit,
                         diag) == CHISO_OK) {
        for (i = 0; i < n_units; i++) {
            if (hit[i]) {
                at = i;
                n_hit++;
            }
        }
        if (n_hit > 1) {
            chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                           "unit '%s' matches several units of the file "
                           "(such as '%s'): select the unit when reading it",
                           unit, units[at]);
            free(hit);
            return NULL;
        }
    }
    free(hit);
    return n_hit == 1 ? units[at] : NULL;
}

/* ---- derived inputs ----------------------------------------------------------- */

chiso_status
chiso_logs__set_add(chiso_input_set *set,
                    const char *name,
                    const char *detail,
                    int is_count,
                    double num,
                    double den,
                    int has_value,
                    double value)
{
    chiso_input_value *v;

    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 32;
        chiso_input_value *p = realloc(set->items, cap * sizeof(*p));
        if (p == NULL) {
            return CHISO_ENOMEM;
        }
        set->items = p;
        set->cap = cap;
    }
    v = &set->items[set->n];
    memset(v, 0, sizeof(*v));
    v->name = name;
    v->detail = chiso_strdup(detail);
    if (v->detail == NULL) {
        return CHISO_ENOMEM;
    }
    if (is_count) {
        v->has_value = 1;
        v->value = num;
    } else if (has_value) {
        v->has_value = 1;
        v->value = value;
    } else {
        v->has_counts = 1;
        v->numerator = num;
        v->denominator = den;
        if (den > 0) {
            v->has_value = 1;
            v->value = 100.0 * num / den;
        }
    }
    set->n++;
    return CHISO_OK;
}

void
chiso_input_set_free(chiso_input_set *set)
{
    size_t i;

    if (set == NULL) {
        return;
    }
    for (i = 0; i < set->n; i++) {
        free((char *)(uintptr_t)set->items[i].detail);
    }
    free(set->items);
    memset(set, 0, sizeof(*set));
}

/* ---- JSON helpers ------------------------------------------------------------- */

cJSON *
chiso_logs__json_pct(double x)
{
    return chiso_json_fixed(x, 2);
}

cJSON *
chiso_logs__json_num(double x)
{
    return chiso_json_number(x);
}

cJSON *
chiso_logs__json_u64(uint64_t v)
{
    return cJSON_CreateNumber((double)v);
}

cJSON *
chiso_logs__json_stamp(chiso_stamp t)
{
    char buf[40];

    chiso_logs__stamp_text(t, buf, sizeof(buf));
    return cJSON_CreateString(buf);
}

cJSON *
chiso_logs__json_records(uint64_t read,
                         uint64_t counted,
                         uint64_t rejected,
                         uint64_t totals,
                         uint64_t other_units,
                         double max_pct)
{
    cJSON *o = cJSON_CreateObject();
    uint64_t data = read - totals;

    if (o == NULL) {
        return NULL;
    }
    cJSON_AddItemToObject(o, "read", chiso_logs__json_u64(read));
    cJSON_AddItemToObject(o, "counted", chiso_logs__json_u64(counted));
    cJSON_AddItemToObject(o, "rejected", chiso_logs__json_u64(rejected));
    cJSON_AddItemToObject(o, "totals_rows", chiso_logs__json_u64(totals));
    cJSON_AddItemToObject(o, "other_units", chiso_logs__json_u64(other_units));
    cJSON_AddItemToObject(
        o, "rejected_pct",
        chiso_logs__json_pct(data > 0 ? 100.0 * (double)rejected / (double)data
                                      : (double)NAN));
    cJSON_AddItemToObject(o, "max_rejects_pct", chiso_logs__json_num(max_pct));
    return o;
}

cJSON *
chiso_logs__json_unit(int has_column,
                      size_t n_units,
                      char *const *units,
                      const char *in_log)
{
    cJSON *o;

    if (in_log == NULL && has_column) {
        return cJSON_CreateNull(); /* every unit */
    }
    o = cJSON_CreateObject();
    if (o == NULL) {
        return NULL;
    }
    cJSON_AddItemToObject(o, "code",
                          n_units > 0 ? cJSON_CreateString(units[0])
                                      : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "in_log",
                          in_log != NULL ? cJSON_CreateString(in_log)
                                         : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "from_column", cJSON_CreateBool(has_column));
    return o;
}

/* ---- hash index ------------------------------------------------------------- */

int
chiso_logs__index_grow(logs_index *x)
{
    uint32_t ncap = x->cap ? x->cap * 2 : 64, i, h;
    logs_slot *t;

    if (ncap == 0 || ncap > UINT32_MAX / 2) {
        return -1;
    }
    t = calloc(ncap, sizeof(*t));
    if (t == NULL) {
        return -1;
    }
    for (i = 0; i < x->cap; i++) {
        if (x->slot[i].id == 0) {
            continue;
        }
        for (h = chiso_logs__index_home(x->slot[i].key);
             t[h & (ncap - 1)].id != 0; h++) {
        }
        t[h & (ncap - 1)] = x->slot[i];
    }
    free(x->slot);
    x->slot = t;
    x->cap = ncap;
    return 0;
}

void
chiso_logs__index_free(logs_index *x)
{
    free(x->slot);
    x->slot = NULL;
    x->cap = x->n = 0;
}

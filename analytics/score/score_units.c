/*
 * score_units.c - every unit of one or several sheets scored at once,
 * ranked overall and within groups, and the criteria most units lose
 * points on.
 */
#define _POSIX_C_SOURCE 200809L
#include "score_int.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- string map ---------------------------------------------------------- */

void
chiso_score__map_init(struct strmap *m)
{
    memset(m, 0, sizeof(*m));
}

static size_t
map_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return (size_t)(h ^ (h >> 29));
}

static int
map_grow(struct strmap *m)
{
    size_t cap = m->slots ? 2 * (m->mask + 1) : 64, i;
    struct strmap_slot *s = calloc(cap, sizeof(*s));

    if (s == NULL) {
        return -1;
    }
    for (i = 0; m->slots != NULL && i <= m->mask; i++) {
        if (m->slots[i].key != NULL) {
            size_t j = map_hash(m->slots[i].key) & (cap - 1);
            while (s[j].key != NULL) {
                j = (j + 1) & (cap - 1);
            }
            s[j] = m->slots[i];
        }
    }
    free(m->slots);
    m->slots = s;
    m->mask = cap - 1;
    return 0;
}

int
chiso_score__map_get(struct strmap *m, const char *key, size_t put, size_t *val)
{
    size_t i;

    if ((m->n + 1) * 2 > (m->slots ? m->mask + 1 : 0) && map_grow(m) != 0) {
        return -1;
    }
    i = map_hash(key) & m->mask;
    while (m->slots[i].key != NULL) {
        if (strcmp(m->slots[i].key, key) == 0) {
            *val = m->slots[i].val;
            return 1;
        }
        i = (i + 1) & m->mask;
    }
    m->slots[i].key = chiso_strdup(key);
    if (m->slots[i].key == NULL) {
        return -1;
    }
    m->slots[i].val = put;
    m->n++;
    *val = put;
    return 0;
}

int
chiso_score__map_find(const struct strmap *m, const char *key, size_t *val)
{
    size_t i;

    if (m->slots == NULL) {
        return 0;
    }
    i = map_hash(key) & m->mask;
    while (m->slots[i].key != NULL) {
        if (strcmp(m->slots[i].key, key) == 0) {
            *val = m->slots[i].val;
            return 1;
        }
        i = (i + 1) & m->mask;
    }
    return 0;
}

void
chiso_score__map_free(struct strmap *m)
{
    size_t i;

    for (i = 0; m->slots != NULL && i <= m->mask; i++) {
        free(m->slots[i].key);
    }
    free(m->slots);
    memset(m, 0, sizeof(*m));
}

/* ---- competition ranks -------------------------------------------------- */

struct vi {
    double v;
    size_t i;
};

static int
vi_desc(const void *pa, const void *pb)
{
    const struct vi *a = pa, *b = pb;

    if (a->v > b->v) {
        return -1;
    }
    if (a->v < b->v) {
        return 1;
    }
    return a->i < b->i ? -1 : (a->i > b->i);
}

chiso_status
chiso_score_rank_competition(
    const double *x, size_t n, int higher_better, double tol, long *rank)
{
    struct vi *s = malloc((n + 1) * sizeof(*s));
    size_t i, m = 0;

    if (s == NULL) {
        return CHISO_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        rank[i] = 0;
        if (!isnan(x[i])) {
            s[m].v = higher_better ? x[i] : -x[i];
            s[m++].i = i;
        }
    }
    qsort(s, m, sizeof(*s), vi_desc);
    for (i = 0; i < m; i++) {
        rank[s[i].i] = i > 0 && fabs(s[i].v - s[i - 1].v) <= tol
                           ? rank[s[i - 1].i]
                           : (long)i + 1;
    }
    free(s);
    return CHISO_OK;
}

/* ---- every unit ------------------------------------------------------------ */

#define EPS SCORE_EPS

/* A unit while the sheets are read. */
struct unit_rows {
    size_t sheet;
    size_t *rows; /* its own rows, in sheet order */
    size_t n_rows, cap;
};

struct uc {
    const chiso_framework *fw;
    const chiso_evidence *const *sheets;
    size_t n_sheets;
    const chiso_units_options *o;
    chiso_diag *diag;
    chiso_score_units *u;
    struct unit_rows *ur; /* parallel to u->units */
    size_t cap_units;
    struct strmap keys; /* folded unit -> index */
    const chiso_score_options *so;
    long **row_maps;   /* per sheet: chiso_score__row_target of each row */
    size_t *term_base; /* per node: its first terms slot */
    size_t **shared;   /* per sheet: rows naming no unit */
    size_t *n_shared;
};

static chiso_status
oom(struct uc *C)
{
    return chiso_diag_set(C->diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
}

/* The unit named `name` (folded `key`) of sheet s: found or added. */
static long
unit_at(struct uc *C, const char *key, const char *name, size_t s)
{
    size_t idx;
    int rc = chiso_score__map_get(&C->keys, key, C->u->n_units, &idx);
    chiso_unit_score *us;

    if (rc < 0) {
        oom(C);
        return -1;
    }
    if (rc == 1) {
        if (C->ur[idx].sheet != s) {
            chiso_diag_set(C->diag, CHISO_EDATA, C->sheets[s]->path, 0, 0,
                           "unit '%s' is also in %s: give each unit's rows "
                           "in one sheet",
                           name, C->sheets[C->ur[idx].sheet]->path);
            return -1;
        }
        return (long)idx;
    }
    if (C->u->n_units == C->cap_units) {
        size_t cap = C->cap_units ? 2 * C->cap_units : 16;
        chiso_unit_score *p = realloc(C->u->units, cap * sizeof(*p));
        struct unit_rows *q;
        if (p == NULL) {
            oom(C);
            return -1;
        }
        C->u->units = p;
        q = realloc(C->ur, cap * sizeof(*q));
        if (q == NULL) {
            oom(C);
            return -1;
        }
        memset(q + C->cap_units, 0, (cap - C->cap_units) * sizeof(*q));
        C->ur = q;
        C->cap_units = cap;
    }
    us = &C->u->units[C->u->n_units];
    memset(us, 0, sizeof(*us));
    memset(&C->ur[C->u->n_units], 0, sizeof(C->ur[0]));
    C->ur[C->u->n_units].sheet = s;
    us->unit = chiso_strdup(name);
    us->sheet = C->sheets[s]->path;
    if (us->unit == NULL) {
        oom(C);
        return -1;
    }
    return (long)C->u->n_units++;
}

static int
add_row(struct unit_rows *r, size_t row)
{
    if (r->n_rows == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        size_t *p = realloc(r->rows, cap * sizeof(*p));
        if (p == NULL) {
            return -1;
        }
        r->rows = p;
        r->cap = cap;
    }
    r->rows[r->n_rows++] = row;
    return 0;
}

/* Split every sheet into its units' rows: one pass over the rows; the
 * unit of a row is folded only when it differs from the row before. */
static chiso_status
split_sheets(struct uc *C)
{
    size_t s, i;

    C->shared = calloc(C->n_sheets + 1, sizeof(*C->shared));
    C->n_shared = calloc(C->n_sheets + 1, sizeof(*C->n_shared));
    C->row_maps = calloc(C->n_sheets + 1, sizeof(*C->row_maps));
    if (C->shared == NULL || C->n_shared == NULL || C->row_maps == NULL) {
        return oom(C);
    }
    for (s = 0; s < C->n_sheets; s++) {
        const chiso_evidence *ev = C->sheets[s];
        const char *prev = NULL;
        long cur = -1;
        size_t named = 0;
        char key[SCORE_UNIT_KEY];
        /* where each row goes, looked up once for all its units, in the
         * same pass over the rows as their units */
        C->row_maps[s] = malloc((ev->n + 1) * sizeof(long));
        if (C->row_maps[s] == NULL) {
            return oom(C);
        }
        for (i = 0; i < ev->n; i++) {
            const char *name = ev->entries[i].unit;
            C->row_maps[s][i] =
                chiso_score__row_target(C->fw, C->term_base, ev->entries[i].id);
            if (ev->has_unit_column) {
                if (name[0] == '\0') {
                    if (C->shared[s] == NULL) {
                        C->shared[s] = malloc(ev->n * sizeof(size_t));
                        if (C->shared[s] == NULL) {
                            return oom(C);
                        }
                    }
                    C->shared[s][C->n_shared[s]++] = i;
                    continue;
                }
                if (prev == NULL || strcmp(prev, name) != 0) {
                    prev = name;
                    chiso_score__unit_key(name, key);
                    cur = unit_at(C, key, name, s);
                    if (cur < 0) {
                        return C->diag ? C->diag->code : CHISO_EDATA;
                    }
                }
                if (add_row(&C->ur[cur], i) != 0) {
                    return oom(C);
                }
                named++;
            }
        }
        if (named == 0) {
            /* a sheet of one unit, named by the caller (its file name) */
            const char *name =
                C->o->sheet_units != NULL && C->o->sheet_units[s] != NULL
                    ? C->o->sheet_units[s]
                    : ev->path;
            chiso_score__unit_key(name, key);
            cur = unit_at(C, key, name, s);
            if (cur < 0) {
                return C->diag ? C->diag->code : CHISO_EDATA;
            }
            free(C->shared[s]);
            C->shared[s] = NULL;
            C->n_shared[s] = 0;
            for (i = 0; i < ev->n; i++) {
                if (add_row(&C->ur[cur], i) != 0) {
                    return oom(C);
                }
            }
        }
    }
    return CHISO_OK;
}

/* Names and groups from the unit list; units of the list without rows are
 * added, not scored. */
static chiso_status
apply_list(struct uc *C)
{
    struct strmap list;
    size_t i, j, n_found = C->u->n_units;
    unsigned char *seen;
    char key[SCORE_UNIT_KEY];
    chiso_status st = CHISO_OK;

    if (C->o->units == NULL) {
        return CHISO_OK;
    }
    chiso_score__map_init(&list);
    seen = calloc(C->o->n_units + 1, 1);
    if (seen == NULL) {
        return oom(C);
    }
    for (i = 0; i < C->o->n_units; i++) {
        const chiso_unit_info *ui = &C->o->units[i];
        size_t v;
        chiso_score__unit_key(ui->unit, key);
        if (chiso_score__map_get(&list, key, i, &v) < 0) {
            st = oom(C);
            goto done;
        }
        if (ui->name != NULL) {
            chiso_score__unit_key(ui->name, key);
            if (chiso_score__map_get(&list, key, i, &v) < 0) {
                st = oom(C);
                goto done;
            }
        }
    }
    for (i = 0; i < n_found; i++) {
        chiso_unit_score *us = &C->u->units[i];
        size_t v;
        int rc;
        chiso_score__unit_key(us->unit, key);
        rc = chiso_score__map_find(&list, key, &v);
        if (rc == 0 && C->o->groups_only) {
            continue;
        }
        if (rc == 0) {
            /* the nearest listed unit, by code or name */
            size_t best = (size_t)-1, b = 0, dist;
            char lk[SCORE_UNIT_KEY];
            for (j = 0; j < C->o->n_units; j++) {
                const char *names[2] = {C->o->units[j].unit,
                                        C->o->units[j].name};
                int t;
                for (t = 0; t < 2; t++) {
                    if (names[t] == NULL) {
                        continue;
                    }
                    chiso_score__unit_key(names[t], lk);
                    dist = chiso_score__near(key, lk);
                    if (dist < best) {
                        best = dist;
                        b = j;
                    }
                }
            }
            if (best != (size_t)-1) {
                st = chiso_diag_set(C->diag, CHISO_EDATA, us->sheet, 0, 0,
                                    "unit '%s' is not in the unit list (did "
                                    "you mean '%s'?)",
                                    us->unit,
                                    C->o->units[b].name != NULL
                                        ? C->o->units[b].name
                                        : C->o->units[b].unit);
            } else {
                st = chiso_diag_set(C->diag, CHISO_EDATA, us->sheet, 0, 0,
                                    "unit '%s' is not in the unit list (%zu "
                                    "units): add it, or correct its name in "
                                    "the sheet",
                                    us->unit, C->o->n_units);
            }
            goto done;
        }
        seen[v] = 1;
        if (C->o->units[v].name != NULL &&
            (us->name = chiso_strdup(C->o->units[v].name)) == NULL) {
            st = oom(C);
            goto done;
        }
        if (C->o->units[v].group != NULL && C->o->units[v].group[0] != '\0' &&
            (us->group = chiso_strdup(C->o->units[v].group)) == NULL) {
            st = oom(C);
            goto done;
        }
    }
    for (j = 0; j < C->o->n_units && !C->o->groups_only; j++) {
        const chiso_unit_info *ui = &C->o->units[j];
        size_t v;
        long k;
        if (seen[j]) {
            continue;
        }
        /* the same unit listed twice (by code and by name) counts once */
        chiso_score__unit_key(ui->unit, key);
        if (chiso_score__map_find(&C->keys, key, &v)) {
            continue;
        }
        k = unit_at(C, key, ui->unit, 0);
        if (k < 0) {
            st = C->diag ? C->diag->code : CHISO_ENOMEM;
            goto done;
        }
        seen[j] = 1;
        C->u->units[k].sheet = NULL;
        if ((ui->name != NULL &&
             (C->u->units[k].name = chiso_strdup(ui->name)) == NULL) ||
            (ui->group != NULL && ui->group[0] != '\0' &&
             (C->u->units[k].group = chiso_strdup(ui->group)) == NULL)) {
            st = oom(C);
            goto done;
        }
        C->ur[k].sheet = (size_t)-1;
    }
done:
    free(seen);
    chiso_score__map_free(&list);
    return st;
}

/* A unit's rows merged with its sheet's shared rows (both in sheet
 * order). *rows may be the unit's own array (nothing shared). */
static chiso_status
unit_rows(struct uc *C,
          size_t k,
          size_t **rows,
          size_t *n,
          size_t **tmp,
          chiso_diag *diag)
{
    struct unit_rows *r = &C->ur[k];
    size_t s = r->sheet, a = 0, b = 0, o = 0;
    size_t *sh = C->shared[s];
    size_t nsh = C->n_shared[s];

    if (nsh == 0) {
        *rows = r->rows;
        *n = r->n_rows;
        return CHISO_OK;
    }
    free(*tmp);
    *tmp = malloc((r->n_rows + nsh) * sizeof(size_t));
    if (*tmp == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    while (a < r->n_rows || b < nsh) {
        if (b == nsh || (a < r->n_rows && r->rows[a] < sh[b])) {
            (*tmp)[o++] = r->rows[a++];
        } else {
            (*tmp)[o++] = sh[b++];
        }
    }
    *rows = *tmp;
    *n = o;
    return CHISO_OK;
}

static double
round_pts(const chiso_framework *fw, double x)
{
    return fw->points_decimals >= 0
               ? chiso_round_half_up(x, fw->points_decimals)
               : chiso_round_sig(x, 12);
}

/* Points lost are summed as integers in units of the published decimals
 * (1e-9 when the framework does not round), so the sums do not depend on
 * the order in which the units were scored (threads). */
static double
loss_scale(const chiso_framework *fw)
{
    return pow(10.0, fw->points_decimals >= 0 ? fw->points_decimals : 9);
}

/* A worker's sums per leaf. */
struct crit_acc {
    size_t losing, applicable;
    long long lost; /* points lost x loss_scale */
};

/* Keep what the unit tables need from a full result. */
static void
summarise(struct uc *C,
          size_t k,
          const chiso_score_result *res,
          struct crit_acc *acc)
{
    const chiso_framework *fw = C->fw;
    chiso_unit_score *us = &C->u->units[k];
    double scale = loss_scale(fw);
    size_t a, i;

    us->scored = 1;
    us->points = res->points;
    us->points_exact = res->points_exact;
    us->max = res->max;
    us->applicable_max = res->applicable_max;
    us->index_pct = res->index_pct;
    us->band = res->group;
    us->has_appraised = res->has_appraised;
    us->appraised = res->appraised;
    us->appraised_index_pct = res->appraised_index_pct;
    us->appraised_band = res->appraised_group;
    us->n_lost = res->n_lost;
    us->n_not_reported = res->n_not_reported;
    us->n_evidence_missing = res->n_evidence_missing;
    us->n_no_score = res->n_no_score;
    us->n_warnings = chiso_diag_list_total(&res->warnings);
    for (a = 0; a < C->u->n_areas; a++) {
        const chiso_node_score *ns = &res->nodes[C->u->areas[a]];
        us->area_points[a] = ns->points;
        us->area_applicable_max[a] = ns->applicable_max;
        us->area_pct[a] =
            chiso_round_half_up(ns->index_pct, fw->index_decimals);
    }
    for (i = 0; i < res->n_lost; i++) {
        size_t leaf = res->lost[i];
        acc[leaf].losing++;
        acc[leaf].lost +=
            llround((fw->nodes[leaf].max - res->nodes[leaf].points) * scale);
    }
    for (i = 0; i < fw->n_nodes; i++) {
        if (res->nodes[i].applicable && fw->nodes[i].max > 0 &&
            chiso_node_is_leaf(&fw->nodes[i])) {
            acc[i].applicable++;
        }
    }
}

/* A thread scoring units [from, to). */
struct worker {
    struct uc *C;
    size_t from, to;
    chiso_score_options so;
    chiso_diag diag;
    long failed; /* first unit whose scoring failed, -1 */
    chiso_status st;
    int started; /* runs on its own thread */
    struct crit_acc *acc;
};

static void *
work(void *arg)
{
    struct worker *W = arg;
    struct uc *C = W->C;
    struct sc S;
    size_t i, *tmp = NULL;

    W->st = chiso_score__ws_init(&S, C->fw, &W->so, 0, &W->diag);
    if (W->st != CHISO_OK) {
        W->failed = (long)W->from;
        return NULL;
    }
    for (i = W->from; i < W->to; i++) {
        size_t *rows = NULL, n_rows = 0;
        if (C->ur[i].sheet == (size_t)-1) {
            continue; /* listed, no rows */
        }
        W->st = unit_rows(C, i, &rows, &n_rows, &tmp, &W->diag);
        S.row_map = C->row_maps[C->ur[i].sheet];
        if (W->st == CHISO_OK) {
            W->st = chiso_score__ws_run(&S, C->sheets[C->ur[i].sheet], rows,
                                        n_rows);
        }
        if (W->st != CHISO_OK) {
            W->failed = (long)i;
            break;
        }
        summarise(C, i, S.res, W->acc);
        if (chiso_score__nothing_reported(S.res)) {
            /* no data: shown, never ranked as 0 % */
            C->u->units[i].index_pct = NAN;
            C->u->units[i].band = NULL;
            C->u->units[i].nothing_reported = 1;
        }
        free(C->ur[i].rows);
        C->ur[i].rows = NULL;
    }
    free(tmp);
    chiso_score__ws_free(&S);
    return NULL;
}

/* Threads worth starting: one per processor (at most 8) once there is
 * enough to do; the results do not depend on it. */
static size_t
n_workers(const struct uc *C, size_t total_rows)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = cpus > 1 ? (size_t)cpus : 1;

    if (n > 8) {
        n = 8;
    }
    if (n > C->u->n_units) {
        n = C->u->n_units;
    }
    return total_rows < 50000 || n == 0 ? 1 : n;
}

/* Score every unit that has rows, on `nw` threads, each taking a run of
 * consecutive units of about the same number of rows. The error reported
 * is the one of the first unit that failed, as if scored in order. */
static chiso_status
score_all(struct uc *C, chiso_diag *diag)
{
    const chiso_framework *fw = C->fw;
    size_t n = C->u->n_units, i, w, total = 0, done = 0, nw;
    struct worker *W;
    pthread_t *tid;
    chiso_status st = CHISO_OK;
    long first = -1;
    size_t first_w = 0;
    double scale = loss_scale(fw);

    for (i = 0; i < n; i++) {
        total += C->ur[i].sheet == (size_t)-1 ? 0 : C->ur[i].n_rows + 1;
    }
    nw = n_workers(C, total);
    W = calloc(nw, sizeof(*W));
    tid = calloc(nw, sizeof(*tid));
    if (W == NULL || tid == NULL) {
        free(W);
        free(tid);
        return oom(C);
    }
    for (w = 0, i = 0; w < nw; w++) {
        size_t share = (total - done) / (nw - w), got = 0;
        W[w].C = C;
        W[w].from = i;
        while (i < n && (got < share || w == nw - 1)) {
            size_t r = C->ur[i].sheet == (size_t)-1 ? 0 : C->ur[i].n_rows + 1;
            got += r;
            i++;
        }
        done += got;
        W[w].to = i;
        W[w].so = *C->so;
        chiso_diag_clear(&W[w].diag);
        W[w].diag.lang = diag != NULL ? diag->lang : C->o->lang;
        W[w].failed = -1;
        W[w].acc = calloc(fw->n_nodes + 1, sizeof(*W[w].acc));
        if (W[w].acc == NULL) {
            st = oom(C);
        }
    }
    if (st == CHISO_OK) {
        for (w = 1; w < nw; w++) {
            W[w].started = pthread_create(&tid[w], NULL, work, &W[w]) == 0;
            if (!W[w].started) {
                work(&W[w]); /* no thread: do it here */
            }
        }
        work(&W[0]);
        for (w = 1; w < nw; w++) {
            if (W[w].started) {
                pthread_join(tid[w], NULL);
            }
        }
        for (w = 0; w < nw; w++) {
            if (W[w].failed >= 0 && (first < 0 || W[w].failed < first)) {
                first = W[w].failed;
                first_w = w;
            }
        }
        if (first >= 0) {
            st = W[first_w].st;
            if (diag != NULL && diag->code == CHISO_OK) {
                *diag = W[first_w].diag;
            }
        } else {
            for (i = 0; i < fw->n_nodes; i++) {
                long long lost = 0;
                for (w = 0; w < nw; w++) {
                    C->u->criteria[i].n_units_losing += W[w].acc[i].losing;
                    C->u->criteria[i].n_units_applicable +=
                        W[w].acc[i].applicable;
                    lost += W[w].acc[i].lost;
                }
                C->u->criteria[i].points_lost = (double)lost / scale;
            }
        }
    }
    for (w = 0; w < nw; w++) {
        free(W[w].acc);
    }
    free(W);
    free(tid);
    return st;
}

struct rk {
    long r1;
    double r2;
    size_t i;
};

/* rank ascending with 0 (none) last, then r2 descending, then index */
static int
rk_cmp(const void *pa, const void *pb)
{
    const struct rk *a = pa, *b = pb;

    if ((a->r1 == 0) != (b->r1 == 0)) {
        return a->r1 == 0 ? 1 : -1;
    }
    if (a->r1 != b->r1) {
        return a->r1 < b->r1 ? -1 : 1;
    }
    if (a->r2 > b->r2 + EPS) {
        return -1;
    }
    if (b->r2 > a->r2 + EPS) {
        return 1;
    }
    return a->i < b->i ? -1 : (a->i > b->i);
}

static chiso_status
rank_units(struct uc *C)
{
    chiso_score_units *u = C->u;
    size_t n = u->n_units, i;
    double *x = calloc(n + 1, sizeof(*x));
    long *r = malloc((n + 1) * sizeof(*r));
    size_t *members = malloc((n + 1) * sizeof(*members));
    struct rk *o = malloc((n + 1) * sizeof(*o));
    chiso_status st = CHISO_OK;
    struct strmap gm;

    chiso_score__map_init(&gm);
    u->by_rank = malloc((n + 1) * sizeof(*u->by_rank));
    u->groups = calloc(n + 1, sizeof(*u->groups));
    if (x == NULL || r == NULL || members == NULL || o == NULL ||
        u->by_rank == NULL || u->groups == NULL) {
        st = oom(C);
        goto done;
    }
    for (i = 0; i < n; i++) {
        x[i] = u->units[i].scored && isfinite(u->units[i].index_pct)
                   ? u->units[i].index_pct
                   : (double)NAN;
    }
    if (chiso_score_rank_competition(x, n, 1, EPS, r) != CHISO_OK) {
        st = oom(C);
        goto done;
    }
    u->n_ranked = 0;
    for (i = 0; i < n; i++) {
        u->units[i].rank = r[i];
        u->n_ranked += r[i] > 0;
    }
    for (i = 0; i < n; i++) {
        u->units[i].rank_of = u->units[i].rank > 0 ? u->n_ranked : 0;
        o[i].r1 = u->units[i].rank;
        o[i].r2 = 0;
        o[i].i = i;
    }
    qsort(o, n, sizeof(*o), rk_cmp);
    for (i = 0; i < n; i++) {
        u->by_rank[i] = o[i].i;
    }
    /* groups in order of first appearance; each unit knows its group */
    for (i = 0; i < n; i++) {
        size_t v;
        int rc;
        u->units[i].group_index = -1;
        if (u->units[i].group == NULL) {
            continue;
        }
        rc = chiso_score__map_get(&gm, u->units[i].group, u->n_groups, &v);
        if (rc < 0) {
            st = oom(C);
            goto done;
        }
        if (rc == 0) {
            u->groups[u->n_groups++] = u->units[i].group;
        }
        u->units[i].group_index = (long)v;
    }
    /* members of each group, group after group (a counting sort), then
     * the ranks within each: linear in the units whatever the groups */
    {
        size_t *start = calloc(u->n_groups + 2, sizeof(*start)), g;
        if (start == NULL) {
            st = oom(C);
            goto done;
        }
        for (i = 0; i < n; i++) {
            if (u->units[i].group_index >= 0) {
                start[u->units[i].group_index + 1]++;
            }
        }
        for (g = 0; g < u->n_groups; g++) {
            start[g + 1] += start[g];
        }
        for (i = 0; i < n; i++) {
            if (u->units[i].group_index >= 0) {
                members[start[u->units[i].group_index]++] = i;
            }
        }
        /* start[g] now ends group g: walk the groups again from 0 */
        for (g = 0, i = 0; g < u->n_groups; g++) {
            size_t from = i, to = start[g], j, ranked = 0;
            for (j = from; j < to; j++) {
                const chiso_unit_score *us = &u->units[members[j]];
                x[j - from] = us->scored && isfinite(us->index_pct)
                                  ? us->index_pct
                                  : (double)NAN;
            }
            if (chiso_score_rank_competition(x, to - from, 1, EPS, r) !=
                CHISO_OK) {
                free(start);
                st = oom(C);
                goto done;
            }
            for (j = 0; j < to - from; j++) {
                ranked += r[j] > 0;
            }
            for (j = from; j < to; j++) {
                u->units[members[j]].group_rank = r[j - from];
                u->units[members[j]].group_rank_of =
                    r[j - from] > 0 ? ranked : 0;
            }
            i = to;
        }
        free(start);
    }
done:
    chiso_score__map_free(&gm);
    free(x);
    free(r);
    free(members);
    free(o);
    return st;
}

/* Keep the criteria some unit lost points on, ranked both ways. */
static chiso_status
rank_criteria(struct uc *C)
{
    chiso_score_units *u = C->u;
    const chiso_framework *fw = C->fw;
    size_t i, m = 0;
    struct rk *o = malloc((fw->n_nodes + 1) * sizeof(*o));
    double *x = calloc(fw->n_nodes + 1, sizeof(*x));
    long *r = malloc((fw->n_nodes + 1) * sizeof(*r));
    chiso_status st = CHISO_OK;

    if (o == NULL || x == NULL || r == NULL) {
        st = oom(C);
        goto done;
    }
    for (i = 0; i < fw->n_nodes; i++) {
        if (u->criteria[i].n_units_losing > 0) {
            u->criteria[i].node = i;
            u->criteria[i].points_lost =
                round_pts(fw, u->criteria[i].points_lost);
            u->criteria[m++] = u->criteria[i];
        }
    }
    u->n_criteria = m;
    for (i = 0; i < m; i++) {
        x[i] = (double)u->criteria[i].n_units_losing;
    }
    if (chiso_score_rank_competition(x, m, 1, 0.5, r) != CHISO_OK) {
        st = oom(C);
        goto done;
    }
    for (i = 0; i < m; i++) {
        u->criteria[i].rank_by_units = r[i];
        x[i] = u->criteria[i].points_lost;
    }
    if (chiso_score_rank_competition(x, m, 1, EPS, r) != CHISO_OK) {
        st = oom(C);
        goto done;
    }
    for (i = 0; i < m; i++) {
        u->criteria[i].rank_by_points = r[i];
    }
    /* order by units losing (then points lost, then framework order) */
    for (i = 0; i < m; i++) {
        o[i].r1 = u->criteria[i].rank_by_units;
        o[i].r2 = u->criteria[i].points_lost;
        o[i].i = i;
    }
    qsort(o, m, sizeof(*o), rk_cmp);
    {
        chiso_criterion_loss *sorted = malloc((m + 1) * sizeof(*sorted));
        if (sorted == NULL) {
            st = oom(C);
            goto done;
        }
        for (i = 0; i < m; i++) {
            sorted[i] = u->criteria[o[i].i];
        }
        memcpy(u->criteria, sorted, m * sizeof(*sorted));
        free(sorted);
    }
    u->by_points = malloc((m + 1) * sizeof(*u->by_points));
    if (u->by_points == NULL) {
        st = oom(C);
        goto done;
    }
    for (i = 0; i < m; i++) {
        o[i].r1 = u->criteria[i].rank_by_points;
        o[i].r2 = (double)u->criteria[i].n_units_losing;
        o[i].i = i;
    }
    qsort(o, m, sizeof(*o), rk_cmp);
    for (i = 0; i < m; i++) {
        u->by_points[i] = o[i].i;
    }
done:
    free(o);
    free(x);
    free(r);
    return st;
}

static void uwarn(struct uc *C, const char *code, const char *fmt, ...)
    CHISO_PRINTF(3, 4);

static void
uwarn(struct uc *C, const char *code, const char *fmt, ...)
{
    chiso_diag_list *w = &C->u->warnings;
    char msg[512];
    va_list ap;

    if (w->n >= w->cap) {
        w->n_dropped++;
        return;
    }
    va_start(ap, fmt);
    chiso_vsnprintf(msg, sizeof(msg), chiso_msg(w->lang, fmt), ap);
    va_end(ap);
    chiso_diag_list_addk(w, code, CHISO_SEVERITY_WARNING, NULL, NULL, 0, 0,
                         "%s", msg);
}

chiso_status
chiso_score_units_compute(chiso_score_units **out,
                          const chiso_framework *fw,
                          const chiso_evidence *const *sheets,
                          size_t n_sheets,
                          const chiso_units_options *opts,
                          chiso_diag *diag)
{
    struct uc C;
    chiso_units_options defaults = CHISO_UNITS_OPTIONS_INIT;
    chiso_score_options so = CHISO_SCORE_OPTIONS_INIT;
    chiso_status st;
    size_t i;

    *out = NULL;
    memset(&C, 0, sizeof(C));
    if (opts == NULL) {
        defaults.lang = diag != NULL ? diag->lang : CHISO_LANG_VI;
        opts = &defaults;
    }
    C.fw = fw;
    C.sheets = sheets;
    C.n_sheets = n_sheets;
    C.o = opts;
    C.diag = diag;
    chiso_score__map_init(&C.keys);
    C.u = calloc(1, sizeof(*C.u));
    if (C.u == NULL) {
        return oom(&C);
    }
    C.u->fw = fw;
    chiso_diag_list_init(&C.u->warnings, 500);
    C.u->warnings.lang = opts->lang;
    C.u->areas = malloc((fw->n_nodes + 1) * sizeof(*C.u->areas));
    C.u->criteria = calloc(fw->n_nodes + 1, sizeof(*C.u->criteria));
    if (C.u->areas == NULL || C.u->criteria == NULL) {
        st = oom(&C);
        goto fail;
    }
    C.term_base = malloc((fw->n_nodes + 1) * sizeof(*C.term_base));
    if (C.term_base == NULL) {
        st = oom(&C);
        goto fail;
    }
    for (i = 0; i < fw->n_nodes; i++) {
        C.term_base[i] =
            i == 0 ? 0 : C.term_base[i - 1] + fw->nodes[i - 1].rule.n_terms;
        if (fw->nodes[i].parent == CHISO_NO_PARENT) {
            C.u->areas[C.u->n_areas++] = i;
        }
    }
    st = split_sheets(&C);
    if (st == CHISO_OK) {
        st = apply_list(&C);
    }
    if (st != CHISO_OK) {
        goto fail;
    }
    so.no_targets = 1;
    so.lang = opts->lang;
    C.so = &so;
    for (i = 0; i < C.u->n_units; i++) {
        chiso_unit_score *us = &C.u->units[i];
        size_t a;
        us->area_points = malloc((C.u->n_areas + 1) * sizeof(double));
        us->area_applicable_max = malloc((C.u->n_areas + 1) * sizeof(double));
        us->area_pct = malloc((C.u->n_areas + 1) * sizeof(double));
        if (us->area_points == NULL || us->area_applicable_max == NULL ||
            us->area_pct == NULL) {
            st = oom(&C);
            goto fail;
        }
        us->index_pct = NAN;
        for (a = 0; a < C.u->n_areas; a++) {
            us->area_points[a] = us->area_applicable_max[a] = us->area_pct[a] =
                NAN;
        }
    }
    st = score_all(&C, diag);
    if (st != CHISO_OK) {
        goto fail;
    }
    /* warnings in unit order, whatever thread scored the unit */
    for (i = 0; i < C.u->n_units; i++) {
        const chiso_unit_score *us = &C.u->units[i];
        if (!us->scored) {
            uwarn(&C, "unit_not_in_sheets",
                  N_("unit '%s' of the unit list has no rows in the sheets: "
                     "not scored, not ranked"),
                  us->unit);
            continue;
        }
        if (us->n_not_reported > 0) {
            uwarn(&C, "unit_criteria_not_reported",
                  N_("unit '%s': %zu criteria not reported (scored 0)"),
                  us->unit, us->n_not_reported);
        }
        if (us->nothing_reported) {
            uwarn(&C, "unit_nothing_reported",
                  N_("unit '%s' reports nothing for any criterion: no "
                     "score, not ranked"),
                  us->unit);
        } else if (!isfinite(us->index_pct)) {
            uwarn(&C, "unit_not_ranked",
                  N_("unit '%s' has no applicable criterion: no index, not "
                     "ranked"),
                  us->unit);
        }
    }
    st = rank_units(&C);
    if (st == CHISO_OK && C.u->n_ranked == 0) {
        /* nothing to rank is no result, not an empty table */
        st = chiso_diag_set(diag, CHISO_EDATA, NULL, 0, 0,
                            "none of the %zu units has a score (no rows in "
                            "the sheets, or no applicable criterion)",
                            C.u->n_units);
    }
    if (st == CHISO_OK) {
        st = rank_criteria(&C);
    }
    if (st != CHISO_OK) {
        goto fail;
    }
    *out = C.u;
    C.u = NULL;
fail:
    for (i = 0; C.ur != NULL && i < C.cap_units; i++) {
        free(C.ur[i].rows);
    }
    free(C.ur);
    for (i = 0; C.shared != NULL && i < n_sheets; i++) {
        free(C.shared[i]);
    }
    free(C.shared);
    free(C.n_shared);
    for (i = 0; C.row_maps != NULL && i < n_sheets; i++) {
        free(C.row_maps[i]);
    }
    free(C.row_maps);
    free(C.term_base);
    chiso_score__map_free(&C.keys);
    chiso_score_units_free(C.u);
    return st;
}

void
chiso_score_units_free(chiso_score_units *u)
{
    size_t i;

    if (u == NULL) {
        return;
    }
    for (i = 0; i < u->n_units; i++) {
        free(u->units[i].unit);
        free(u->units[i].name);
        free(u->units[i].group);
        free(u->units[i].area_points);
        free(u->units[i].area_applicable_max);
        free(u->units[i].area_pct);
    }
    free(u->units);
    free(u->by_rank);
    free(u->groups); /* the strings are the units' */
    free(u->areas);
    free(u->criteria);
    free(u->by_points);
    chiso_diag_list_free(&u->warnings);
    free(u);
}

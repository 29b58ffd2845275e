/*
 * compare.c - correlation of two indices across units in one year.
 *
 * Units are paired by unit code (store) or by folded name (user tables);
 * only units with both values enter. Pearson's r is tested with the exact
 * t statistic under normality; Spearman's rho is Pearson on average ranks
 * with the same t approximation (no exact permutation p-value), as R's
 * cor.test(..., method = "spearman", exact = FALSE) and scipy's spearmanr.
 */
#include "chiso_stats.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void
chiso_compare_free(chiso_compare_result *res)
{
    if (res == NULL) {
        return;
    }
    free(res->pairs);
    free(res->only_x);
    free(res->only_y);
    free(res);
}

/*
 * Matching units of one side against the other in linear time. Two units
 * are the same when both have a unit code and the codes are equal, or
 * when one has none and the folded names are equal (as the store and a
 * user table name them). The index of one side: its codes, and its folded
 * names split by whether the unit has a code; each key keeps the first
 * unit (in input order) that has it and a value.
 */
struct side_index {
    chiso_stats_keys *code, *name_coded, *name_plain;
    size_t *first_code, *first_coded, *first_plain;
};

static int
has_code(const chiso_rank_input *a)
{
    return a->unit_code != NULL && a->unit_code[0] != '\0';
}

static void
side_free(struct side_index *x)
{
    chiso_stats_keys_free(x->code);
    chiso_stats_keys_free(x->name_coded);
    chiso_stats_keys_free(x->name_plain);
    free(x->first_code);
    free(x->first_coded);
    free(x->first_plain);
}

/* Add key k -> unit i (the first one wins). */
static int
side_add(chiso_stats_keys *keys, size_t *first, const char *k, size_t i)
{
    size_t idx;
    int added;

    if (chiso_stats_keys_add(keys, k, strlen(k), &idx, &added) != CHISO_OK) {
        return -1;
    }
    if (added) {
        first[idx] = i;
    }
    return 0;
}

static int
side_build(struct side_index *x, const chiso_rank_input *in, size_t n)
{
    size_t i;
    char f[256];

    memset(x, 0, sizeof(*x));
    if (chiso_stats_keys_new(&x->code, n) != CHISO_OK ||
        chiso_stats_keys_new(&x->name_coded, n) != CHISO_OK ||
        chiso_stats_keys_new(&x->name_plain, n) != CHISO_OK ||
        !(x->first_code = malloc((n + 1) * sizeof(size_t))) ||
        !(x->first_coded = malloc((n + 1) * sizeof(size_t))) ||
        !(x->first_plain = malloc((n + 1) * sizeof(size_t)))) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (!in[i].has_value) {
            continue;
        }
        chiso_text_fold(in[i].unit, strlen(in[i].unit), f, sizeof(f));
        if (has_code(&in[i])) {
            if (side_add(x->code, x->first_code, in[i].unit_code, i) != 0 ||
                side_add(x->name_coded, x->first_coded, f, i) != 0) {
                return -1;
            }
        } else if (side_add(x->name_plain, x->first_plain, f, i) != 0) {
            return -1;
        }
    }
    return 0;
}

/* The first unit of side x that is the same unit as a, or (size_t)-1. */
static size_t
side_match(const struct side_index *x, const chiso_rank_input *a)
{
    size_t best = (size_t)-1;
    long k;
    char f[256];

    chiso_text_fold(a->unit, strlen(a->unit), f, sizeof(f));
    if (has_code(a)) {
        k = chiso_stats_keys_find(x->code, a->unit_code, strlen(a->unit_code));
        if (k >= 0 && x->first_code[k] < best) {
            best = x->first_code[k];
        }
    } else {
        k = chiso_stats_keys_find(x->name_coded, f, strlen(f));
        if (k >= 0 && x->first_coded[k] < best) {
            best = x->first_coded[k];
        }
    }
    k = chiso_stats_keys_find(x->name_plain, f, strlen(f));
    if (k >= 0 && x->first_plain[k] < best) {
        best = x->first_plain[k];
    }
    return best;
}

chiso_status
chiso_compare_compute(chiso_compare_result **out,
                      const chiso_rank_input *x,
                      size_t nx,
                      const chiso_rank_input *y,
                      size_t ny,
                      chiso_diag *diag)
{
    chiso_compare_result *res;
    double *vx = NULL, *vy = NULL;
    size_t i, j;
    chiso_status st;
    struct side_index ix, iy;

    *out = NULL;
    memset(&ix, 0, sizeof(ix));
    memset(&iy, 0, sizeof(iy));
    res = calloc(1, sizeof(*res));
    if (res == NULL || !(res->pairs = calloc(nx + 1, sizeof(*res->pairs))) ||
        !(res->only_x = calloc(nx + 1, sizeof(*res->only_x))) ||
        !(res->only_y = calloc(ny + 1, sizeof(*res->only_y))) ||
        !(vx = malloc((nx + 1) * sizeof(*vx))) ||
        !(vy = malloc((nx + 1) * sizeof(*vy))) || side_build(&ix, x, nx) ||
        side_build(&iy, y, ny)) {
        chiso_compare_free(res);
        free(vx);
        free(vy);
        side_free(&ix);
        side_free(&iy);
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (i = 0; i < nx; i++) {
        const chiso_rank_input *b;
        if (!x[i].has_value) {
            continue;
        }
        j = side_match(&iy, &x[i]);
        if (j == (size_t)-1) {
            res->only_x[res->n_only_x++] = x[i].unit;
            continue;
        }
        b = &y[j];
        res->pairs[res->n].unit = x[i].unit;
        res->pairs[res->n].unit_code = x[i].unit_code;
        res->pairs[res->n].x = x[i].value;
        res->pairs[res->n].y = b->value;
        vx[res->n] = x[i].value;
        vy[res->n] = b->value;
        res->n++;
    }
    for (j = 0; j < ny; j++) {
        if (y[j].has_value && side_match(&ix, &y[j]) == (size_t)-1) {
            res->only_y[res->n_only_y++] = y[j].unit;
        }
    }
    side_free(&ix);
    side_free(&iy);
    st = chiso_stats_pearson(vx, vy, res->n, &res->pearson, diag);
    if (st == CHISO_OK) {
        st = chiso_stats_spearman(vx, vy, res->n, &res->spearman, diag);
    }
    free(vx);
    free(vy);
    if (st != CHISO_OK) {
        /* add what was paired, so the message says what the data had */
        if (diag != NULL && res->n < 3) {
            size_t len = strlen(diag->message);
            snprintf(diag->message + len, sizeof(diag->message) - len, "%s",
                     chiso_msg(diag->lang, " (units with both values: "));
            for (i = 0; i < res->n; i++) {
                len = strlen(diag->message);
                snprintf(diag->message + len, sizeof(diag->message) - len,
                         "%s%s", i ? ", " : "", res->pairs[i].unit);
            }
            len = strlen(diag->message);
            snprintf(diag->message + len, sizeof(diag->message) - len, "%s)",
                     res->n == 0 ? chiso_msg(diag->lang, "none") : "");
        }
        chiso_compare_free(res);
        return st;
    }
    *out = res;
    return CHISO_OK;
}

static cJSON *
corr_json(const chiso_corr *c, const char *method)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddItemToObject(o, "method", cJSON_CreateString(method));
    cJSON_AddItemToObject(o, "r", chiso_json_number(c->r));
    cJSON_AddItemToObject(o, "n", cJSON_CreateNumber((double)c->n));
    cJSON_AddItemToObject(o, "df", chiso_json_number(c->df));
    /* JSON has no infinity: t is null and t_infinite says why (its sign
     * is r's) */
    cJSON_AddItemToObject(
        o, "t", c->t_infinite ? cJSON_CreateNull() : chiso_json_number(c->t));
    cJSON_AddItemToObject(o, "t_infinite", cJSON_CreateBool(c->t_infinite));
    cJSON_AddItemToObject(o, "p_value", chiso_json_number(c->p_value));
    return o;
}

static cJSON *
names_json(const char **names, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    size_t i;

    for (i = 0; i < n; i++) {
        cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
    }
    return a;
}

cJSON *
chiso_compare_to_json(const chiso_compare_result *res, cJSON *what)
{
    cJSON *root = cJSON_CreateObject(), *a;
    size_t i;

    cJSON_AddItemToObject(root, "schema_version", cJSON_CreateNumber(1));
    cJSON_AddItemToObject(root, "command", cJSON_CreateString("compare"));
    cJSON_AddItemToObject(root, "data", what ? what : cJSON_CreateNull());
    cJSON_AddItemToObject(root, "n", cJSON_CreateNumber((double)res->n));
    cJSON_AddItemToObject(root, "pearson", corr_json(&res->pearson, "pearson"));
    cJSON_AddItemToObject(root, "spearman",
                          corr_json(&res->spearman,
                                    "spearman (average ranks for ties; "
                                    "p-value by t approximation)"));
    a = cJSON_AddArrayToObject(root, "pairs");
    for (i = 0; i < res->n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "unit",
                              cJSON_CreateString(res->pairs[i].unit));
        cJSON_AddItemToObject(o, "unit_code",
                              res->pairs[i].unit_code &&
                                      res->pairs[i].unit_code[0]
                                  ? cJSON_CreateString(res->pairs[i].unit_code)
                                  : cJSON_CreateNull());
        cJSON_AddItemToObject(o, "x", chiso_json_number(res->pairs[i].x));
        cJSON_AddItemToObject(o, "y", chiso_json_number(res->pairs[i].y));
        cJSON_AddItemToArray(a, o);
    }
    cJSON_AddItemToObject(root, "only_x",
                          names_json(res->only_x, res->n_only_x));
    cJSON_AddItemToObject(root, "only_y",
                          names_json(res->only_y, res->n_only_y));
    return root;
}

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

static int
same_unit(const chiso_rank_input *a, const chiso_rank_input *b)
{
    char fa[256], fb[256];

    if (a->unit_code != NULL && b->unit_code != NULL &&
        a->unit_code[0] != '\0' && b->unit_code[0] != '\0') {
        return strcmp(a->unit_code, b->unit_code) == 0;
    }
    chiso_text_fold(a->unit, strlen(a->unit), fa, sizeof(fa));
    chiso_text_fold(b->unit, strlen(b->unit), fb, sizeof(fb));
    return strcmp(fa, fb) == 0;
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

    *out = NULL;
    res = calloc(1, sizeof(*res));
    if (res == NULL || !(res->pairs = calloc(nx + 1, sizeof(*res->pairs))) ||
        !(res->only_x = calloc(nx + 1, sizeof(*res->only_x))) ||
        !(res->only_y = calloc(ny + 1, sizeof(*res->only_y))) ||
        !(vx = malloc((nx + 1) * sizeof(*vx))) ||
        !(vy = malloc((nx + 1) * sizeof(*vy)))) {
        chiso_compare_free(res);
        free(vx);
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (i = 0; i < nx; i++) {
        const chiso_rank_input *b = NULL;
        if (!x[i].has_value) {
            continue;
        }
        for (j = 0; j < ny; j++) {
            if (y[j].has_value && same_unit(&x[i], &y[j])) {
                b = &y[j];
                break;
            }
        }
        if (b == NULL) {
            res->only_x[res->n_only_x++] = x[i].unit;
            continue;
        }
        res->pairs[res->n].unit = x[i].unit;
        res->pairs[res->n].unit_code = x[i].unit_code;
        res->pairs[res->n].x = x[i].value;
        res->pairs[res->n].y = b->value;
        vx[res->n] = x[i].value;
        vy[res->n] = b->value;
        res->n++;
    }
    for (j = 0; j < ny; j++) {
        int found = 0;
        if (!y[j].has_value) {
            continue;
        }
        for (i = 0; i < nx && !found; i++) {
            found = x[i].has_value && same_unit(&x[i], &y[j]);
        }
        if (!found) {
            res->only_y[res->n_only_y++] = y[j].unit;
        }
    }
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
            snprintf(diag->message + len, sizeof(diag->message) - len,
                     " (units with both values: ");
            for (i = 0; i < res->n; i++) {
                len = strlen(diag->message);
                snprintf(diag->message + len, sizeof(diag->message) - len,
                         "%s%s", i ? ", " : "", res->pairs[i].unit);
            }
            len = strlen(diag->message);
            snprintf(diag->message + len, sizeof(diag->message) - len, "%s)",
                     res->n == 0 ? "none" : "");
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

/*
 * survey.c - a department's own satisfaction survey (SIPAS-style).
 *
 * Input is long format, one answer per row: respondent, element,
 * criterion, answer 1-5 (empty = no answer) and an optional sampling
 * weight per respondent. Answers are kept in a respondents x criteria
 * matrix of small integers (0 = no answer), which makes the bootstrap a
 * tight loop over multiplicities.
 *
 * Estimator (README "chiso survey"): a criterion's share satisfied is the
 * weighted share of respondents who answered it with 4 or 5; an element's
 * index is the unweighted mean of its criteria; the overall index is the
 * unweighted mean of the elements. This follows the working model for
 * SIPAS (DOMAIN notes), which is unverified for the official index, so
 * chiso never recomputes official SIPAS values with it.
 *
 * Bootstrap: respondents, not answers, are resampled (answers of one
 * person are correlated). One gsl_rng_mt19937 generator is seeded once;
 * replicate b draws n indices with gsl_rng_uniform_int(r, n) in sequence.
 * The percentile interval takes type-7 quantiles of the replicate values
 * for which the statistic exists (a criterion nobody in the resample
 * answered has no share).
 */
#include "chiso_stats.h"

#include <cjson/cJSON.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Answers of 4 ("hài lòng") and 5 ("rất hài lòng") count as satisfied. */
#define SATISFIED_MIN 4
#define ANSWER_MIN    1
#define ANSWER_MAX    5

struct chiso_survey {
    char *path;
    char **resp; /* respondent ids */
    double *weight;
    unsigned long *resp_line;
    size_t n_resp, cap_resp;
    char **crit;       /* criterion ids */
    size_t *crit_elem; /* element index of each criterion */
    unsigned long *crit_line;
    size_t n_crit, cap_crit;
    char **elem; /* element ids */
    size_t n_elem, cap_elem;
    unsigned char *ans;      /* n_resp x cap_crit_alloc; 0 = no answer */
    size_t ans_cols;         /* allocated columns of ans */
    unsigned long *ans_line; /* line of each answer (duplicates) */
    int weighted;
};

enum { S_RESP, S_ELEM, S_CRIT, S_ANSWER, S_WEIGHT, N_SURVEY_COLS };

static const chiso_csv_column survey_columns[N_SURVEY_COLS] = {
    {"respondent_id",
     "respondent|ma_phieu|so_phieu|phieu|nguoi_tra_loi|"
     "ma_nguoi_tra_loi|id",
     1},
    {"element", "element_id|yeu_to|ma_yeu_to|nhom", 1},
    {"criterion",
     "criterion_id|tieu_chi|ma_tieu_chi|cau_hoi|ma_cau_hoi|"
     "question",
     1},
    {"answer", "tra_loi|muc_do|muc_do_hai_long|danh_gia|rating|diem", 1},
    {"weight", "trong_so|quyen_so|sampling_weight", 0},
};

void
chiso_survey_free(chiso_survey *s)
{
    size_t i;

    if (s == NULL) {
        return;
    }
    for (i = 0; i < s->n_resp; i++) {
        free(s->resp[i]);
    }
    for (i = 0; i < s->n_crit; i++) {
        free(s->crit[i]);
    }
    for (i = 0; i < s->n_elem; i++) {
        free(s->elem[i]);
    }
    free(s->resp);
    free(s->weight);
    free(s->resp_line);
    free(s->crit);
    free(s->crit_elem);
    free(s->crit_line);
    free(s->elem);
    free(s->ans);
    free(s->ans_line);
    free(s->path);
    free(s);
}

size_t
chiso_survey_respondents(const chiso_survey *s)
{
    return s->n_resp;
}

static long
find(char **list, size_t n, const char *s)
{
    size_t i;

    /* lists are short (criteria, elements) or searched from the end
     * (respondents' rows are usually contiguous) */
    for (i = n; i-- > 0;) {
        if (strcmp(list[i], s) == 0) {
            return (long)i;
        }
    }
    return -1;
}

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t nc;
    void *q;

    if (need <= *cap) {
        return 0;
    }
    nc = *cap ? *cap * 2 : 16;
    while (nc < need) {
        nc *= 2;
    }
    q = realloc(*p, nc * size);
    if (q == NULL) {
        return -1;
    }
    *p = q;
    *cap = nc;
    return 0;
}

/* Make room for respondent row r and criterion column c in the matrix. */
static int
ensure_matrix(chiso_survey *s, size_t rows, size_t cols)
{
    size_t nc = s->ans_cols ? s->ans_cols : 8, r;
    unsigned char *a;
    unsigned long *l;

    while (nc < cols) {
        nc *= 2;
    }
    if (nc != s->ans_cols) {
        /* re-layout with more columns */
        a = calloc((s->cap_resp ? s->cap_resp : 1) * nc, 1);
        l = calloc((s->cap_resp ? s->cap_resp : 1) * nc, sizeof(*l));
        if (a == NULL || l == NULL) {
            free(a);
            free(l);
            return -1;
        }
        for (r = 0; r < s->n_resp; r++) {
            if (s->ans_cols > 0) {
                memcpy(a + r * nc, s->ans + r * s->ans_cols, s->ans_cols);
                memcpy(l + r * nc, s->ans_line + r * s->ans_cols,
                       s->ans_cols * sizeof(*l));
            }
        }
        free(s->ans);
        free(s->ans_line);
        s->ans = a;
        s->ans_line = l;
        s->ans_cols = nc;
    }
    (void)rows;
    return 0;
}

static chiso_status
add_respondent(chiso_survey *s, const char *id, size_t len, unsigned long line)
{
    size_t old = s->cap_resp, c1 = old, c2 = old, c3 = old;

    if (grow((void **)&s->resp, &c1, s->n_resp + 1, sizeof(*s->resp)) ||
        grow((void **)&s->weight, &c2, s->n_resp + 1, sizeof(*s->weight)) ||
        grow((void **)&s->resp_line, &c3, s->n_resp + 1,
             sizeof(*s->resp_line))) {
        return CHISO_ENOMEM;
    }
    if (c1 != old) {
        /* the matrix grows with the respondents */
        unsigned char *a =
            realloc(s->ans, c1 * (s->ans_cols ? s->ans_cols : 1));
        unsigned long *l;
        if (a == NULL) {
            return CHISO_ENOMEM;
        }
        s->ans = a;
        l = realloc(s->ans_line,
                    c1 * (s->ans_cols ? s->ans_cols : 1) * sizeof(*l));
        if (l == NULL) {
            return CHISO_ENOMEM;
        }
        s->ans_line = l;
        memset(s->ans + old * s->ans_cols, 0, (c1 - old) * s->ans_cols);
        memset(s->ans_line + old * s->ans_cols, 0,
               (c1 - old) * s->ans_cols * sizeof(*l));
        s->cap_resp = c1;
    }
    s->resp[s->n_resp] = chiso_strndup(id, len);
    if (s->resp[s->n_resp] == NULL) {
        return CHISO_ENOMEM;
    }
    s->weight[s->n_resp] = 1.0;
    s->resp_line[s->n_resp] = line;
    s->n_resp++;
    return CHISO_OK;
}

chiso_status
chiso_survey_load(chiso_survey **out, const char *path, chiso_diag *diag)
{
    chiso_survey *s;
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    long idx[N_SURVEY_COLS];
    chiso_status st;
    size_t n_rows = 0;

    *out = NULL;
    s = calloc(1, sizeof(*s));
    if (s == NULL || (s->path = chiso_strdup(path)) == NULL) {
        free(s);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    st = chiso_csv_open(&r, path, NULL, diag);
    if (st == CHISO_OK) {
        st = chiso_csv_bind(r, survey_columns, N_SURVEY_COLS, idx, diag);
    }
    if (st != CHISO_OK) {
        goto fail;
    }
    s->weighted = idx[S_WEIGHT] >= 0;
    while ((st = chiso_csv_next(r, &row, diag)) == CHISO_OK) {
        const char *f[N_SURVEY_COLS];
        size_t len[N_SURVEY_COLS], j;
        long ri, ci, ei;
        double a = 0, w = 1;
        int k;

        for (j = 0; j < row.n && row.len[j] == 0; j++) {
        }
        if (j == row.n) {
            continue;
        }
        for (k = 0; k < N_SURVEY_COLS; k++) {
            f[k] = chiso_csv_field(&row, idx[k], &len[k]);
            chiso_text_trim(&f[k], &len[k]);
        }
        for (k = S_RESP; k <= S_CRIT; k++) {
            if (len[k] == 0) {
                st = chiso_csv_field_error(
                    r, diag, CHISO_EDATA, &row, (size_t)idx[k],
                    "empty %s in column '%s'",
                    k == S_RESP   ? "respondent id"
                    : k == S_ELEM ? "element"
                                  : "criterion",
                    chiso_csv_header_name(r, (size_t)idx[k]));
                goto fail;
            }
        }
        if (len[S_ANSWER] > 0 &&
            (chiso_parse_number(f[S_ANSWER], len[S_ANSWER], &a) != 0 ||
             !chiso_is_zero(a - floor(a)) || a < ANSWER_MIN ||
             a > ANSWER_MAX)) {
            st = chiso_csv_field_error(
                r, diag, CHISO_EDATA, &row, (size_t)idx[S_ANSWER],
                "invalid answer '%.*s' in column '%s' (expected a whole "
                "number 1-5, or empty for no answer)",
                (int)len[S_ANSWER], f[S_ANSWER],
                chiso_csv_header_name(r, (size_t)idx[S_ANSWER]));
            goto fail;
        }
        if (s->weighted &&
            (chiso_parse_number(f[S_WEIGHT], len[S_WEIGHT], &w) != 0 ||
             !(w > 0) || !isfinite(w))) {
            st = chiso_csv_field_error(
                r, diag, CHISO_EDATA, &row, (size_t)idx[S_WEIGHT],
                "invalid weight '%.*s' in column '%s' (expected a positive "
                "number)",
                (int)len[S_WEIGHT], f[S_WEIGHT],
                chiso_csv_header_name(r, (size_t)idx[S_WEIGHT]));
            goto fail;
        }
        /* element */
        {
            char *e = chiso_strndup(f[S_ELEM], len[S_ELEM]);
            if (e == NULL) {
                goto oom;
            }
            ei = find(s->elem, s->n_elem, e);
            if (ei < 0) {
                if (grow((void **)&s->elem, &s->cap_elem, s->n_elem + 1,
                         sizeof(*s->elem))) {
                    free(e);
                    goto oom;
                }
                ei = (long)s->n_elem;
                s->elem[s->n_elem++] = e;
            } else {
                free(e);
            }
        }
        /* criterion */
        {
            char *c = chiso_strndup(f[S_CRIT], len[S_CRIT]);
            if (c == NULL) {
                goto oom;
            }
            ci = find(s->crit, s->n_crit, c);
            if (ci < 0) {
                size_t c1 = s->cap_crit, c2 = s->cap_crit, c3 = s->cap_crit;
                if (grow((void **)&s->crit, &c1, s->n_crit + 1,
                         sizeof(*s->crit)) ||
                    grow((void **)&s->crit_elem, &c2, s->n_crit + 1,
                         sizeof(*s->crit_elem)) ||
                    grow((void **)&s->crit_line, &c3, s->n_crit + 1,
                         sizeof(*s->crit_line)) ||
                    ensure_matrix(s, s->cap_resp, s->n_crit + 1)) {
                    free(c);
                    goto oom;
                }
                s->cap_crit = c1;
                ci = (long)s->n_crit;
                s->crit[s->n_crit] = c;
                s->crit_elem[s->n_crit] = (size_t)ei;
                s->crit_line[s->n_crit] = row.line;
                s->n_crit++;
            } else {
                free(c);
                if (s->crit_elem[ci] != (size_t)ei) {
                    st = chiso_csv_field_error(
                        r, diag, CHISO_EDATA, &row, (size_t)idx[S_ELEM],
                        "criterion '%s' is in element '%s' here but in '%s' "
                        "at line %lu",
                        s->crit[ci], s->elem[ei], s->elem[s->crit_elem[ci]],
                        s->crit_line[ci]);
                    goto fail;
                }
            }
        }
        /* respondent */
        {
            char *id = chiso_strndup(f[S_RESP], len[S_RESP]);
            if (id == NULL) {
                goto oom;
            }
            ri = find(s->resp, s->n_resp, id);
            free(id);
            if (ri < 0) {
                if (add_respondent(s, f[S_RESP], len[S_RESP], row.line) !=
                    CHISO_OK) {
                    goto oom;
                }
                ri = (long)s->n_resp - 1;
                s->weight[ri] = w;
            } else if (s->weighted && !chiso_is_zero(s->weight[ri] - w)) {
                st = chiso_csv_field_error(
                    r, diag, CHISO_EDATA, &row, (size_t)idx[S_WEIGHT],
                    "respondent '%s' has weight %g here but %g at line %lu "
                    "(one weight per respondent)",
                    s->resp[ri], w, s->weight[ri], s->resp_line[ri]);
                goto fail;
            }
        }
        {
            size_t cell = (size_t)ri * s->ans_cols + (size_t)ci;
            if (s->ans_line[cell] != 0) {
                st = chiso_csv_field_error(
                    r, diag, CHISO_EDATA, &row, (size_t)idx[S_CRIT],
                    "respondent '%s' answers criterion '%s' twice (first at "
                    "line %lu)",
                    s->resp[ri], s->crit[ci], s->ans_line[cell]);
                goto fail;
            }
            s->ans_line[cell] = row.line;
            s->ans[cell] = (unsigned char)(len[S_ANSWER] > 0 ? (int)a : 0);
        }
        n_rows++;
    }
    if (st != CHISO_DONE) {
        goto fail;
    }
    if (n_rows == 0) {
        st = chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                            "the survey has no answers");
        goto fail;
    }
    chiso_csv_close(r);
    *out = s;
    return CHISO_OK;
oom:
    st = chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
fail:
    chiso_csv_close(r);
    chiso_survey_free(s);
    return st;
}

/* Statistics for respondent multiplicities m (NULL = each once):
 * criteria shares into crit[], elements into elem[], overall into *all. */
static void
estimate(const chiso_survey *s,
         const unsigned *m,
         double *num,
         double *den,
         double *crit,
         double *elem,
         size_t *elem_n,
         double *all)
{
    size_t i, c, e;
    double sum = 0;

    memset(num, 0, s->n_crit * sizeof(*num));
    memset(den, 0, s->n_crit * sizeof(*den));
    for (i = 0; i < s->n_resp; i++) {
        const unsigned char *a = s->ans + i * s->ans_cols;
        double w = s->weight[i] * (m ? (double)m[i] : 1.0);
        if (m && m[i] == 0) {
            continue;
        }
        for (c = 0; c < s->n_crit; c++) {
            if (a[c] != 0) {
                den[c] += w;
                if (a[c] >= SATISFIED_MIN) {
                    num[c] += w;
                }
            }
        }
    }
    for (e = 0; e < s->n_elem; e++) {
        elem[e] = 0;
        elem_n[e] = 0;
    }
    for (c = 0; c < s->n_crit; c++) {
        crit[c] = den[c] > 0 ? 100.0 * num[c] / den[c] : (double)NAN;
        elem[s->crit_elem[c]] += crit[c]; /* NaN propagates */
        elem_n[s->crit_elem[c]]++;
    }
    for (e = 0; e < s->n_elem; e++) {
        elem[e] /= (double)elem_n[e];
        sum += elem[e];
    }
    *all = sum / (double)s->n_elem;
}

void
chiso_survey_result_free(chiso_survey_result *res)
{
    if (res == NULL) {
        return;
    }
    free(res->criteria);
    free(res->elements);
    free(res);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Percentile interval of column k of the replicate matrix. */
static void
interval(double *rep,
         size_t n_rep,
         size_t n_stat,
         size_t k,
         double level,
         double *col,
         chiso_survey_stat *st)
{
    size_t b, m = 0;

    for (b = 0; b < n_rep; b++) {
        double v = rep[b * n_stat + k];
        if (!isnan(v)) {
            col[m++] = v;
        }
    }
    st->replicates_used = m;
    if (m == 0) {
        st->ci_low = st->ci_high = (double)NAN;
        return;
    }
    qsort(col, m, sizeof(*col), cmp_double);
    st->ci_low = chiso_stats_quantile_sorted(col, m, (1.0 - level) / 2.0);
    st->ci_high = chiso_stats_quantile_sorted(col, m, (1.0 + level) / 2.0);
}

chiso_status
chiso_survey_compute(chiso_survey_result **out,
                     const chiso_survey *s,
                     const chiso_survey_options *opts,
                     chiso_diag *diag)
{
    chiso_survey_result *res = NULL;
    size_t n_stat = s->n_crit + s->n_elem + 1, b, i, c, e;
    double *num = NULL, *den = NULL, *crit = NULL, *elem = NULL, *rep = NULL,
           *col = NULL, all;
    size_t *elem_n = NULL;
    unsigned *m = NULL;
    gsl_rng *rng = NULL;
    double level = opts->level > 0 ? opts->level : 0.95;

    *out = NULL;
    if (!(level > 0 && level < 1)) {
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "confidence level %g is not in (0, 1)", level);
    }
    res = calloc(1, sizeof(*res));
    if (res == NULL ||
        !(res->criteria = calloc(s->n_crit, sizeof(*res->criteria))) ||
        !(res->elements = calloc(s->n_elem, sizeof(*res->elements))) ||
        !(num = malloc(s->n_crit * sizeof(*num))) ||
        !(den = malloc(s->n_crit * sizeof(*den))) ||
        !(crit = malloc(s->n_crit * sizeof(*crit))) ||
        !(elem = malloc(s->n_elem * sizeof(*elem))) ||
        !(elem_n = malloc(s->n_elem * sizeof(*elem_n))) ||
        !(m = malloc(s->n_resp * sizeof(*m))) ||
        !(rep = malloc((opts->replicates + 1) * n_stat * sizeof(*rep))) ||
        !(col = malloc((opts->replicates + 1) * sizeof(*col)))) {
        goto oom;
    }
    res->n_criteria = s->n_crit;
    res->n_elements = s->n_elem;
    res->n_respondents = s->n_resp;
    res->weighted = s->weighted;
    res->opts = *opts;
    res->opts.level = level;
    estimate(s, NULL, num, den, crit, elem, elem_n, &all);
    for (c = 0; c < s->n_crit; c++) {
        chiso_survey_stat *st = &res->criteria[c];
        st->id = s->crit[c];
        st->element = s->elem[s->crit_elem[c]];
        st->share = crit[c];
        st->weight_sum = den[c];
        for (i = 0; i < s->n_resp; i++) {
            st->n_answers += s->ans[i * s->ans_cols + c] != 0;
        }
    }
    for (e = 0; e < s->n_elem; e++) {
        res->elements[e].id = s->elem[e];
        res->elements[e].element = s->elem[e];
        res->elements[e].share = elem[e];
    }
    res->overall.id = "";
    res->overall.element = "";
    res->overall.share = all;
    if (opts->replicates > 0) {
        rng = gsl_rng_alloc(gsl_rng_mt19937);
        if (rng == NULL) {
            goto oom;
        }
        gsl_rng_set(rng, opts->seed);
        for (b = 0; b < opts->replicates; b++) {
            double *row = rep + b * n_stat;
            memset(m, 0, s->n_resp * sizeof(*m));
            for (i = 0; i < s->n_resp; i++) {
                m[gsl_rng_uniform_int(rng, s->n_resp)]++;
            }
            estimate(s, m, num, den, row, row + s->n_crit, elem_n,
                     row + s->n_crit + s->n_elem);
        }
        for (c = 0; c < s->n_crit; c++) {
            interval(rep, opts->replicates, n_stat, c, level, col,
                     &res->criteria[c]);
        }
        for (e = 0; e < s->n_elem; e++) {
            interval(rep, opts->replicates, n_stat, s->n_crit + e, level, col,
                     &res->elements[e]);
        }
        interval(rep, opts->replicates, n_stat, n_stat - 1, level, col,
                 &res->overall);
    } else {
        for (c = 0; c < s->n_crit; c++) {
            res->criteria[c].ci_low = res->criteria[c].ci_high = (double)NAN;
        }
        for (e = 0; e < s->n_elem; e++) {
            res->elements[e].ci_low = res->elements[e].ci_high = (double)NAN;
        }
        res->overall.ci_low = res->overall.ci_high = (double)NAN;
    }
    gsl_rng_free(rng);
    free(num);
    free(den);
    free(crit);
    free(elem);
    free(elem_n);
    free(m);
    free(rep);
    free(col);
    *out = res;
    return CHISO_OK;
oom:
    gsl_rng_free(rng);
    free(num);
    free(den);
    free(crit);
    free(elem);
    free(elem_n);
    free(m);
    free(rep);
    free(col);
    chiso_survey_result_free(res);
    return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
}

static cJSON *
stat_json(const chiso_survey_stat *st, int criterion, size_t n_resp)
{
    cJSON *o = cJSON_CreateObject();

    if (criterion) {
        cJSON_AddItemToObject(o, "criterion", cJSON_CreateString(st->id));
        cJSON_AddItemToObject(o, "element", cJSON_CreateString(st->element));
        cJSON_AddItemToObject(o, "n_answers",
                              cJSON_CreateNumber((double)st->n_answers));
        cJSON_AddItemToObject(o, "weight_sum",
                              chiso_json_number(st->weight_sum));
    } else if (st->id[0] != '\0') {
        cJSON_AddItemToObject(o, "element", cJSON_CreateString(st->id));
    } else {
        cJSON_AddItemToObject(o, "n_respondents",
                              cJSON_CreateNumber((double)n_resp));
    }
    cJSON_AddItemToObject(o, "share_satisfied_pct",
                          chiso_json_fixed(st->share, 2));
    cJSON_AddItemToObject(o, "ci_low_pct", chiso_json_fixed(st->ci_low, 2));
    cJSON_AddItemToObject(o, "ci_high_pct", chiso_json_fixed(st->ci_high, 2));
    cJSON_AddItemToObject(o, "replicates_used",
                          cJSON_CreateNumber((double)st->replicates_used));
    return o;
}

cJSON *
chiso_survey_to_json(const chiso_survey_result *res, const char *path)
{
    cJSON *root = cJSON_CreateObject(), *o, *a;
    size_t i;

    cJSON_AddItemToObject(root, "schema_version", cJSON_CreateNumber(1));
    cJSON_AddItemToObject(root, "command", cJSON_CreateString("survey"));
    cJSON_AddItemToObject(root, "input", cJSON_CreateString(path));
    cJSON_AddItemToObject(root, "n_respondents",
                          cJSON_CreateNumber((double)res->n_respondents));
    cJSON_AddItemToObject(root, "weighted", cJSON_CreateBool(res->weighted));
    cJSON_AddItemToObject(root, "satisfied_answers",
                          cJSON_CreateString("4 or 5 on a 1-5 scale"));
    o = cJSON_AddObjectToObject(root, "bootstrap");
    cJSON_AddItemToObject(o, "method",
                          cJSON_CreateString("percentile, respondents "
                                             "resampled with replacement"));
    cJSON_AddItemToObject(o, "prng", cJSON_CreateString("gsl_rng_mt19937"));
    cJSON_AddItemToObject(o, "seed",
                          cJSON_CreateNumber((double)res->opts.seed));
    cJSON_AddItemToObject(o, "replicates",
                          cJSON_CreateNumber((double)res->opts.replicates));
    cJSON_AddItemToObject(o, "level", chiso_json_number(res->opts.level));
    cJSON_AddItemToObject(o, "quantile", cJSON_CreateString("type 7"));
    cJSON_AddItemToObject(root, "overall",
                          stat_json(&res->overall, 0, res->n_respondents));
    a = cJSON_AddArrayToObject(root, "elements");
    for (i = 0; i < res->n_elements; i++) {
        cJSON_AddItemToArray(a, stat_json(&res->elements[i], 0, 0));
    }
    a = cJSON_AddArrayToObject(root, "criteria");
    for (i = 0; i < res->n_criteria; i++) {
        cJSON_AddItemToArray(a, stat_json(&res->criteria[i], 1, 0));
    }
    return root;
}

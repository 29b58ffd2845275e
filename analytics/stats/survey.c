/*
 * survey.c - a department's own satisfaction survey (SIPAS-style).
 *
 * Input is long format, one answer per row: respondent, element,
 * criterion, answer 1-5 (empty = no answer) and an optional sampling
 * weight per respondent.
 *
 * Estimator (docs/stats.md "chiso survey"): a criterion's share satisfied
 * is the weighted share of respondents who answered it with 4 or 5; an
 * element's index is the unweighted mean of its criteria; the overall
 * index is the unweighted mean of the elements. This follows the working
 * model for SIPAS (DOMAIN notes), which is unverified for the official
 * index, so chiso never recomputes official SIPAS values with it.
 *
 * Bootstrap: respondents, not answers, are resampled (answers of one
 * person are correlated). One gsl_rng_mt19937 generator is seeded with
 * the seed; replicate b draws n indices with gsl_rng_uniform_int(r, n) in
 * sequence (GSL's generator and rule, inline: stats_int.h). The percentile interval takes type-7 quantiles (chiso's one
 * quantile, GSL's) of the replicate values for which the statistic exists
 * (a criterion nobody in the resample answered has no share).
 *
 * Algorithm and memory (linear in the answers, never respondents x
 * criteria):
 *   - load: respondents, criteria and elements are interned in hash sets;
 *     each answer is kept as one 16-byte record (respondent, criterion,
 *     line and answer). Duplicates are found by sorting the records by
 *     respondent (a counting sort; none when the file lists a respondent's
 *     rows together, as forms do) and each respondent's few records by
 *     criterion; the duplicate reported is the first one in file order,
 *     and an error met while reading yields to an earlier duplicate.
 *   - the answers are then kept per respondent, compactly: one 32-bit
 *     entry (criterion, satisfied) per non-empty answer (CSR layout).
 *   - a replicate costs n draws (multiplicities m_i) plus one addition per
 *     answer of a drawn respondent: den[c] += w_i m_i, num[c] += w_i m_i
 *     if satisfied, respondents in order, so every sum is added in the
 *     same order as a dense matrix would and the numbers are identical.
 *     Time O(B (n + answers)), memory O(n + answers).
 *   - the B replicate values of each statistic are needed for its exact
 *     percentiles. They are kept for a block of statistics at a time
 *     (opts->memory_budget, 64 MiB by default): criteria are taken in
 *     element order, an element's value is completed when its last
 *     criterion is, and when more statistics than fit exist, the same
 *     draws are replayed (the generator reseeded) for the next block.
 *     Usual surveys (tens of criteria) need one pass.
 *   - percentiles use selection (O(B) per statistic), not a sort.
 *   - sampling weights are multiplied by one power of two (exact) so that
 *     no weighted sum can overflow, however large the weights.
 */
#include "stats_int.h"

#include <cjson/cJSON.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Answers of 4 ("hài lòng") and 5 ("rất hài lòng") count as satisfied. */
#define SATISFIED_MIN 4
#define ANSWER_MIN    1
#define ANSWER_MAX    5
/* Default bytes of replicate values kept at once. */
#define DEFAULT_BUDGET ((size_t)64 << 20)
/* Criteria and respondents are numbered in 31 bits (one bit flags a
 * satisfied answer in the compact entries). */
#define MAX_ITEMS ((size_t)1 << 31)

/* One answer while loading: 16 bytes. */
struct sv_rec {
    uint32_t resp, crit;
    uint64_t line_ans; /* line << 3 | answer (0 = empty) */
};

struct chiso_survey {
    char *path;
    chiso_stats_keys *resp_keys, *crit_keys, *elem_keys;
    double *weight;           /* per respondent */
    unsigned long *resp_line; /* first line of each respondent */
    size_t n_resp, cap_resp;
    size_t *crit_elem; /* element of each criterion */
    unsigned long *crit_line;
    size_t *crit_answers; /* non-empty answers per criterion */
    size_t n_crit, cap_crit;
    size_t n_elem;
    size_t *ans_off; /* n_resp + 1: answers of respondent i are */
    uint32_t *ans;   /* ans[ans_off[i] .. ans_off[i+1]): crit << 1 | sat */
    size_t n_ans;
    int weighted;
    size_t col_weight; /* field index of the weight column */
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
    if (s == NULL) {
        return;
    }
    chiso_stats_keys_free(s->resp_keys);
    chiso_stats_keys_free(s->crit_keys);
    chiso_stats_keys_free(s->elem_keys);
    free(s->weight);
    free(s->resp_line);
    free(s->crit_elem);
    free(s->crit_line);
    free(s->crit_answers);
    free(s->ans_off);
    free(s->ans);
    free(s->path);
    free(s);
}

size_t
chiso_survey_respondents(const chiso_survey *s)
{
    return s->n_resp;
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

/* Column (characters) of field k on the record at `line`, by rereading
 * the file: for the one error found after reading (a duplicate). */
static unsigned long
field_column(const char *path, unsigned long line, size_t k)
{
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    unsigned long l = 0, col = 0;

    if (strcmp(path, "-") != 0 &&
        chiso_csv_open(&r, path, NULL, NULL) == CHISO_OK) {
        while (chiso_csv_next(r, &row, NULL) == CHISO_OK) {
            if (row.line == line) {
                if (k < row.n) {
                    chiso_csv_field_position(r, &row, k, &l, &col);
                }
                break;
            }
            if (row.line > line) {
                break;
            }
        }
    }
    chiso_csv_close(r);
    return col;
}

static int
rec_by_crit(const void *pa, const void *pb)
{
    const struct sv_rec *a = pa, *b = pb;

    if (a->crit != b->crit) {
        return a->crit < b->crit ? -1 : 1;
    }
    return a->line_ans < b->line_ans ? -1 : a->line_ans > b->line_ans;
}

/* Sort records by (respondent, criterion, line): a stable counting sort
 * by respondent unless they already come in respondent order, then each
 * respondent's records by criterion. *recp may be replaced. Sets *dup to
 * the position (in the sorted array) of the duplicate answer with the
 * smallest line, or (size_t)-1. Returns -1 on allocation failure. */
static int
sort_records(struct sv_rec **recp, size_t n, size_t n_resp, size_t *dup)
{
    struct sv_rec *rec = *recp;
    size_t i, j, *start = NULL;
    uint64_t best = UINT64_MAX;
    int sorted = 1;

    *dup = (size_t)-1;
    for (i = 1; i < n && sorted; i++) {
        sorted = rec[i - 1].resp <= rec[i].resp;
    }
    if (!sorted) {
        struct sv_rec *out = malloc((n ? n : 1) * sizeof(*out));
        start = calloc(n_resp + 1, sizeof(*start));
        if (out == NULL || start == NULL) {
            free(out);
            free(start);
            return -1;
        }
        for (i = 0; i < n; i++) {
            start[rec[i].resp + 1]++;
        }
        for (i = 0; i < n_resp; i++) {
            start[i + 1] += start[i];
        }
        for (i = 0; i < n; i++) {
            out[start[rec[i].resp]++] = rec[i];
        }
        free(start);
        free(rec);
        rec = *recp = out;
    }
    for (i = 0; i < n; i = j) {
        size_t k;
        for (j = i + 1; j < n && rec[j].resp == rec[i].resp; j++) {
        }
        if (j - i <= 16) {
            /* insertion sort: a respondent answers a few criteria */
            for (k = i + 1; k < j; k++) {
                struct sv_rec x = rec[k];
                size_t q = k;
                while (q > i && rec_by_crit(&rec[q - 1], &x) > 0) {
                    rec[q] = rec[q - 1];
                    q--;
                }
                rec[q] = x;
            }
        } else {
            qsort(rec + i, j - i, sizeof(*rec), rec_by_crit);
        }
        for (k = i + 1; k < j; k++) {
            if (rec[k].crit == rec[k - 1].crit &&
                (rec[k].line_ans >> 3) < best) {
                best = rec[k].line_ans >> 3;
                *dup = k;
            }
        }
    }
    return 0;
}

/* Loading state. */
struct sv_load {
    chiso_survey *s;
    struct sv_rec *rec;
    size_t n_rec, cap_rec;
    long idx[N_SURVEY_COLS];
    const char *path;
};

/* If the records read so far hold a duplicate answer, report it (it lies
 * before any problem met later) and return its status; else CHISO_OK.
 * Sorts the records. */
static chiso_status
check_duplicates(struct sv_load *L, chiso_diag *diag)
{
    size_t dup;
    const struct sv_rec *a, *b;
    unsigned long line;

    if (sort_records(&L->rec, L->n_rec, L->s->n_resp, &dup) != 0) {
        return chiso_diag_set(diag, CHISO_ENOMEM, L->path, 0, 0,
                              "out of memory");
    }
    if (dup == (size_t)-1) {
        return CHISO_OK;
    }
    a = &L->rec[dup - 1];
    b = &L->rec[dup];
    line = (unsigned long)(b->line_ans >> 3);
    return chiso_diag_set(
        diag, CHISO_EDATA, L->path, line,
        field_column(L->path, line, (size_t)L->idx[S_CRIT]),
        "respondent '%s' answers criterion '%s' twice (first at line %lu)",
        chiso_stats_keys_str(L->s->resp_keys, b->resp),
        chiso_stats_keys_str(L->s->crit_keys, b->crit),
        (unsigned long)(a->line_ans >> 3));
}

/* Intern a key; *added says whether it is new. */
static int
intern(chiso_stats_keys *k, const char *s, size_t len, size_t *i, int *added)
{
    return chiso_stats_keys_add(k, s, len, i, added) == CHISO_OK ? 0 : -1;
}

/* Read one data row: CHISO_OK, or the first problem in file order (an
 * earlier duplicate answer, else this row's problem) in diag. */
static chiso_status
read_row(struct sv_load *L,
         chiso_csv_reader *r,
         const chiso_csv_row *row,
         chiso_diag *diag)
{
    chiso_survey *s = L->s;
    const long *idx = L->idx;
    const char *f[N_SURVEY_COLS];
    size_t len[N_SURVEY_COLS], ri, ci, ei;
    double a = 0, w = 1;
    int k, added;
    chiso_status st;

    for (k = 0; k < N_SURVEY_COLS; k++) {
        f[k] = chiso_csv_field(row, idx[k], &len[k]);
        chiso_text_trim(&f[k], &len[k]);
    }
    for (k = S_RESP; k <= S_CRIT; k++) {
        if (len[k] == 0) {
            if ((st = check_duplicates(L, diag)) != CHISO_OK) {
                return st;
            }
            return chiso_csv_field_error(
                r, diag, CHISO_EDATA, row, (size_t)idx[k],
                k == S_RESP
                    ? chiso_msg(DLANG(diag), "empty respondent id in column "
                                             "'%s'")
                : k == S_ELEM
                    ? chiso_msg(DLANG(diag), "empty element in column '%s'")
                    : chiso_msg(DLANG(diag), "empty criterion in column '%s'"),
                chiso_csv_header_name(r, (size_t)idx[k]));
        }
    }
    if (len[S_ANSWER] > 0 &&
        (chiso_parse_number(f[S_ANSWER], len[S_ANSWER], &a) != 0 ||
         !chiso_is_zero(a - floor(a)) || a < ANSWER_MIN || a > ANSWER_MAX)) {
        if ((st = check_duplicates(L, diag)) != CHISO_OK) {
            return st;
        }
        return chiso_csv_field_error(
            r, diag, CHISO_EDATA, row, (size_t)idx[S_ANSWER],
            chiso_msg(DLANG(diag),
                      "invalid answer '%.*s' in column '%s' (expected a whole "
                      "number 1-5, or empty for no answer)"),
            (int)len[S_ANSWER], f[S_ANSWER],
            chiso_csv_header_name(r, (size_t)idx[S_ANSWER]));
    }
    if (s->weighted &&
        (chiso_parse_number(f[S_WEIGHT], len[S_WEIGHT], &w) != 0 || !(w > 0) ||
         !isfinite(w))) {
        if ((st = check_duplicates(L, diag)) != CHISO_OK) {
            return st;
        }
        return chiso_csv_field_error(
            r, diag, CHISO_EDATA, row, (size_t)idx[S_WEIGHT],
            chiso_msg(
                DLANG(diag),
                "invalid weight '%.*s' in column '%s' (expected a positive "
                "number)"),
            (int)len[S_WEIGHT], f[S_WEIGHT],
            chiso_csv_header_name(r, (size_t)idx[S_WEIGHT]));
    }
    /* element */
    if (intern(s->elem_keys, f[S_ELEM], len[S_ELEM], &ei, &added) != 0) {
        goto oom;
    }
    if (added) {
        s->n_elem++;
    }
    /* criterion */
    if (intern(s->crit_keys, f[S_CRIT], len[S_CRIT], &ci, &added) != 0) {
        goto oom;
    }
    if (added) {
        size_t c1 = s->cap_crit, c2 = s->cap_crit, c3 = s->cap_crit;
        if (s->n_crit + 1 >= MAX_ITEMS) {
            return chiso_csv_field_error(
                r, diag, CHISO_EDATA, row, (size_t)idx[S_CRIT],
                chiso_msg(DLANG(diag), "more than %zu criteria"),
                MAX_ITEMS - 1);
        }
        if (grow((void **)&s->crit_elem, &c1, s->n_crit + 1,
                 sizeof(*s->crit_elem)) ||
            grow((void **)&s->crit_line, &c2, s->n_crit + 1,
                 sizeof(*s->crit_line)) ||
            grow((void **)&s->crit_answers, &c3, s->n_crit + 1,
                 sizeof(*s->crit_answers))) {
            goto oom;
        }
        s->cap_crit = c1;
        s->crit_elem[ci] = ei;
        s->crit_line[ci] = row->line;
        s->crit_answers[ci] = 0;
        s->n_crit++;
    } else if (s->crit_elem[ci] != ei) {
        if ((st = check_duplicates(L, diag)) != CHISO_OK) {
            return st;
        }
        return chiso_csv_field_error(
            r, diag, CHISO_EDATA, row, (size_t)idx[S_ELEM],
            chiso_msg(DLANG(diag), "criterion '%s' is in element '%s' here but "
                                   "in '%s' at line %lu"),
            chiso_stats_keys_str(s->crit_keys, ci),
            chiso_stats_keys_str(s->elem_keys, ei),
            chiso_stats_keys_str(s->elem_keys, s->crit_elem[ci]),
            s->crit_line[ci]);
    }
    /* respondent */
    if (intern(s->resp_keys, f[S_RESP], len[S_RESP], &ri, &added) != 0) {
        goto oom;
    }
    if (added) {
        size_t c1 = s->cap_resp, c2 = s->cap_resp;
        if (s->n_resp + 1 >= MAX_ITEMS) {
            return chiso_csv_field_error(
                r, diag, CHISO_EDATA, row, (size_t)idx[S_RESP],
                chiso_msg(DLANG(diag), "more than %zu respondents"),
                MAX_ITEMS - 1);
        }
        if (grow((void **)&s->weight, &c1, s->n_resp + 1, sizeof(*s->weight)) ||
            grow((void **)&s->resp_line, &c2, s->n_resp + 1,
                 sizeof(*s->resp_line))) {
            goto oom;
        }
        s->cap_resp = c1;
        s->weight[ri] = w;
        s->resp_line[ri] = row->line;
        s->n_resp++;
    } else if (s->weighted && !chiso_is_zero(s->weight[ri] - w)) {
        if ((st = check_duplicates(L, diag)) != CHISO_OK) {
            return st;
        }
        return chiso_csv_field_error(
            r, diag, CHISO_EDATA, row, (size_t)idx[S_WEIGHT],
            chiso_msg(DLANG(diag),
                      "respondent '%s' has weight %g here but %g at line %lu "
                      "(one weight per respondent)"),
            chiso_stats_keys_str(s->resp_keys, ri), w, s->weight[ri],
            s->resp_line[ri]);
    }
    if (grow((void **)&L->rec, &L->cap_rec, L->n_rec + 1, sizeof(*L->rec))) {
        goto oom;
    }
    L->rec[L->n_rec].resp = (uint32_t)ri;
    L->rec[L->n_rec].crit = (uint32_t)ci;
    L->rec[L->n_rec].line_ans =
        (uint64_t)row->line << 3 |
        (uint64_t)(len[S_ANSWER] > 0 ? (unsigned)a : 0u);
    L->n_rec++;
    return CHISO_OK;
oom:
    return chiso_diag_set(diag, CHISO_ENOMEM, L->path, 0, 0, "out of memory");
}

/* The compact per-respondent layout from the sorted records. */
static chiso_status
build_answers(struct sv_load *L, chiso_diag *diag)
{
    chiso_survey *s = L->s;
    size_t i, n = 0;

    s->ans_off = calloc(s->n_resp + 1, sizeof(*s->ans_off));
    for (i = 0; i < L->n_rec; i++) {
        n += (L->rec[i].line_ans & 7) != 0;
    }
    s->ans = malloc((n ? n : 1) * sizeof(*s->ans));
    if (s->ans_off == NULL || s->ans == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, L->path, 0, 0,
                              "out of memory");
    }
    for (i = 0; i < L->n_rec; i++) {
        const struct sv_rec *q = &L->rec[i];
        unsigned a = (unsigned)(q->line_ans & 7);
        if (a == 0) {
            continue;
        }
        s->ans_off[q->resp + 1]++;
        s->crit_answers[q->crit]++;
        s->ans[s->n_ans++] = q->crit << 1 | (a >= SATISFIED_MIN ? 1u : 0u);
    }
    for (i = 0; i < s->n_resp; i++) {
        s->ans_off[i + 1] += s->ans_off[i];
    }
    return CHISO_OK;
}

chiso_status
chiso_survey_load(chiso_survey **out, const char *path, chiso_diag *diag)
{
    struct sv_load L;
    chiso_survey *s;
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    chiso_status st;

    *out = NULL;
    memset(&L, 0, sizeof(L));
    L.path = path;
    s = calloc(1, sizeof(*s));
    if (s == NULL || (s->path = chiso_strdup(path)) == NULL ||
        chiso_stats_keys_new(&s->resp_keys, 1024) != CHISO_OK ||
        chiso_stats_keys_new(&s->crit_keys, 64) != CHISO_OK ||
        chiso_stats_keys_new(&s->elem_keys, 16) != CHISO_OK) {
        chiso_survey_free(s);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    L.s = s;
    st = chiso_csv_open(&r, path, NULL, diag);
    if (st == CHISO_OK) {
        st = chiso_csv_bind(r, survey_columns, N_SURVEY_COLS, L.idx, diag);
    }
    if (st != CHISO_OK) {
        goto fail;
    }
    s->weighted = L.idx[S_WEIGHT] >= 0;
    s->col_weight = s->weighted ? (size_t)L.idx[S_WEIGHT] : 0;
    while ((st = chiso_csv_next(r, &row, diag)) == CHISO_OK) {
        size_t j;
        for (j = 0; j < row.n && row.len[j] == 0; j++) {
        }
        if (j == row.n) {
            continue;
        }
        st = read_row(&L, r, &row, diag);
        if (st != CHISO_OK) {
            goto fail;
        }
    }
    if (st != CHISO_DONE) {
        /* a malformed record: an earlier duplicate still comes first */
        chiso_diag held;
        if (diag != NULL) {
            held = *diag;
            chiso_diag_clear(diag);
            if (check_duplicates(&L, diag) == CHISO_OK) {
                *diag = held;
            } else {
                st = diag->code;
            }
        }
        goto fail;
    }
    if (L.n_rec == 0) {
        st = chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                            "the survey has no answers");
        goto fail;
    }
    if ((st = check_duplicates(&L, diag)) != CHISO_OK ||
        (st = build_answers(&L, diag)) != CHISO_OK) {
        goto fail;
    }
    chiso_csv_close(r);
    free(L.rec);
    *out = s;
    return CHISO_OK;
fail:
    chiso_csv_close(r);
    free(L.rec);
    chiso_survey_free(s);
    return st;
}

/* ---- the estimates and the bootstrap ------------------------------------ */

/* A block of statistics kept at once: criteria order[c0 .. c1) (criteria
 * in element order), and the elements completed in it. */
struct sv_block {
    size_t c0, c1;
};

/* Work space of chiso_survey_compute. */
struct sv_work {
    const chiso_survey *s;
    size_t *order;    /* criteria in element order */
    size_t *pos;      /* criterion -> position in order */
    size_t *elem_end; /* element -> position after its last criterion */
    double *w;        /* weights on the scale of the sums */
    int wshift;       /* w = weight 2^wshift */
    uint32_t *ent;    /* answers, criterion as position in order */
    size_t *start;    /* n_resp: first answer of the block, per respondent */
    size_t *who;      /* respondents with answers in the block */
    double *num, *den;
    unsigned *m;
};

/* Respondents with answers in the block starting where start[] points
 * and ending before c1 (criterion positions), in order, into W->who.
 * Returns their count. */
static size_t
block_who(struct sv_work *W, size_t c1)
{
    const chiso_survey *s = W->s;
    size_t i, k = 0;

    for (i = 0; i < s->n_resp; i++) {
        size_t j = W->start[i];
        if (j < s->ans_off[i + 1] && (W->ent[j] >> 1) < c1) {
            W->who[k++] = i;
        }
    }
    return k;
}

/* Weighted sums of the answers of block [c0, c1) for multiplicities m
 * (NULL = each respondent once), into num/den (indexed from c0), over the
 * n_who respondents of W->who. Respondents in order: each sum is added in
 * the order of the respondents, whatever the blocks, as a dense
 * respondents x criteria loop would. */
static void
block_sums(
    struct sv_work *W, const unsigned *m, size_t c0, size_t c1, size_t n_who)
{
    const chiso_survey *s = W->s;
    size_t k, nb = c1 - c0;
    double *num = W->num - c0, *den = W->den - c0;
    int all = c0 == 0 && c1 == s->n_crit;

    memset(W->num, 0, nb * sizeof(*W->num));
    memset(W->den, 0, nb * sizeof(*W->den));
    for (k = 0; k < n_who; k++) {
        size_t i = W->who[k];
        const uint32_t *q = W->ent + W->start[i],
                       *e = W->ent + s->ans_off[i + 1];
        double ws[2];
        if (m != NULL && m[i] == 0) {
            continue;
        }
        ws[1] = W->w[i] * (m ? (double)m[i] : 1.0);
        ws[0] = 0;
        /* num += 0 for an answer below 4 (no branch to mispredict: the
           sum is the same, x + 0 = x) */
        if (all) {
            for (; q < e; q++) {
                uint32_t x = *q;
                den[x >> 1] += ws[1];
                num[x >> 1] += ws[x & 1];
            }
        } else {
            for (; q < e && (*q >> 1) < c1; q++) {
                uint32_t x = *q;
                den[x >> 1] += ws[1];
                num[x >> 1] += ws[x & 1];
            }
        }
    }
}

/* Advance start[] past the block ending at c1. */
static void
block_advance(struct sv_work *W, size_t c1)
{
    const chiso_survey *s = W->s;
    size_t i;

    for (i = 0; i < s->n_resp; i++) {
        size_t j = W->start[i], e = s->ans_off[i + 1];
        while (j < e && (W->ent[j] >> 1) < c1) {
            j++;
        }
        W->start[i] = j;
    }
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

/* k-th smallest of v[0 .. n) (0-based), by selection: v is reordered.
 * Deterministic (median of three pivots), O(n) expected. */
static double
select_kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;

    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
        double a = v[lo], b = v[mid], c = v[hi], piv, t;
        /* median of three */
        piv = a < b ? (b < c ? b : (a < c ? c : a))
                    : (a < c ? a : (b < c ? c : b));
        while (i <= j) {
            while (v[i] < piv) {
                i++;
            }
            while (piv < v[j]) {
                j--;
            }
            if (i <= j) {
                t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0) {
                    break;
                }
                j--;
            }
        }
        if (k <= j) {
            hi = j;
        } else if (k >= i) {
            lo = i;
        } else {
            return v[k];
        }
    }
    return v[k];
}

struct sel_ctx {
    double *v;
    size_t n;
};

static double
sel_kth(const void *ctx, size_t k)
{
    const struct sel_ctx *c = ctx;

    return select_kth(c->v, c->n, k);
}

/* Percentile interval from the replicate values rep[b * stride] of one
 * statistic (NaN where it did not exist). col: scratch of n_rep. */
static void
interval(const double *rep,
         size_t n_rep,
         size_t stride,
         double level,
         double *col,
         chiso_survey_stat *st)
{
    struct sel_ctx c;
    size_t b, m = 0;

    for (b = 0; b < n_rep; b++) {
        double v = rep[b * stride];
        if (!isnan(v)) {
            col[m++] = v;
        }
    }
    st->replicates_used = m;
    if (m == 0) {
        st->ci_low = st->ci_high = (double)NAN;
        return;
    }
    c.v = col;
    c.n = m;
    st->ci_low = chiso_stats_quantile_kth(m, (1.0 - level) / 2.0, sel_kth, &c);
    st->ci_high = chiso_stats_quantile_kth(m, (1.0 + level) / 2.0, sel_kth, &c);
}

static void
work_free(struct sv_work *W)
{
    free(W->order);
    free(W->pos);
    free(W->elem_end);
    free(W->w);
    free(W->ent);
    free(W->start);
    free(W->who);
    free(W->num);
    free(W->den);
    free(W->m);
}

/* Criteria in element order (a counting sort by element: stable, so
 * criteria of one element keep their order). */
static void
element_order(const chiso_survey *s, size_t *order, size_t *elem_end)
{
    size_t c, e;

    memset(elem_end, 0, (s->n_elem + 1) * sizeof(*elem_end));
    for (c = 0; c < s->n_crit; c++) {
        elem_end[s->crit_elem[c] + 1]++;
    }
    for (e = 0; e < s->n_elem; e++) {
        elem_end[e + 1] += elem_end[e];
    }
    /* elem_end[e] is now the start of e; fill, which moves it to e's end
       (the start of e + 1) */
    for (c = 0; c < s->n_crit; c++) {
        order[elem_end[s->crit_elem[c]]++] = c;
    }
}

/* Insertion sort of a respondent's entries by criterion position. */
static void
sort_entries(uint32_t *e, size_t n)
{
    size_t i, j;

    for (i = 1; i < n; i++) {
        uint32_t x = e[i];
        for (j = i; j > 0 && e[j - 1] > x; j--) {
            e[j] = e[j - 1];
        }
        e[j] = x;
    }
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

chiso_status
chiso_survey_compute(chiso_survey_result **out,
                     const chiso_survey *s,
                     const chiso_survey_options *opts,
                     chiso_diag *diag)
{
    chiso_survey_result *res = NULL;
    struct sv_work W;
    size_t B = opts->replicates, i, c, e, p;
    size_t budget = opts->memory_budget ? opts->memory_budget : DEFAULT_BUDGET;
    double *crit = NULL, *elem = NULL, *rep = NULL, *col = NULL, all;
    double *elem_acc = NULL, *all_acc = NULL, maxw = 0;
    size_t *elem_n = NULL;
    chiso_stats__mt *rng = NULL;
    chiso_stats__uniform uni;
    double level = opts->level > 0 ? opts->level : 0.95;
    int identity = 1, ew = 0, bw = 0;
    chiso_status st = CHISO_OK;

    *out = NULL;
    memset(&W, 0, sizeof(W));
    W.s = s;
    if (!(level > 0 && level < 1)) {
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "confidence level %g is not in (0, 1)", level);
    }
    res = calloc(1, sizeof(*res));
    if (res == NULL ||
        !(res->criteria = calloc(s->n_crit + 1, sizeof(*res->criteria))) ||
        !(res->elements = calloc(s->n_elem + 1, sizeof(*res->elements))) ||
        !(crit = malloc((s->n_crit + 1) * sizeof(*crit))) ||
        !(elem = malloc((s->n_elem + 1) * sizeof(*elem))) ||
        !(elem_n = calloc(s->n_elem + 1, sizeof(*elem_n))) ||
        !(W.order = malloc((s->n_crit + 1) * sizeof(*W.order))) ||
        !(W.pos = malloc((s->n_crit + 1) * sizeof(*W.pos))) ||
        !(W.elem_end = malloc((s->n_elem + 1) * sizeof(*W.elem_end))) ||
        !(W.w = malloc((s->n_resp + 1) * sizeof(*W.w))) ||
        !(W.start = malloc((s->n_resp + 1) * sizeof(*W.start))) ||
        !(W.who = malloc((s->n_resp + 1) * sizeof(*W.who))) ||
        !(W.num = malloc((s->n_crit + 1) * sizeof(*W.num))) ||
        !(W.den = malloc((s->n_crit + 1) * sizeof(*W.den))) ||
        !(W.m = malloc((s->n_resp + 1) * sizeof(*W.m)))) {
        goto oom;
    }
    res->n_criteria = s->n_crit;
    res->n_elements = s->n_elem;
    res->n_respondents = s->n_resp;
    res->weighted = s->weighted;
    res->opts = *opts;
    res->opts.level = level;

    /* weights on one power-of-two scale: every weighted sum (at most n
       multiplicities times the largest weight) stays below 1 */
    for (i = 0; i < s->n_resp; i++) {
        maxw = s->weight[i] > maxw ? s->weight[i] : maxw;
    }
    (void)frexp(maxw, &ew);
    while (bw < 62 && ((size_t)1 << bw) < s->n_resp) {
        bw++;
    }
    W.wshift = -(ew + bw);
    for (i = 0; i < s->n_resp; i++) {
        W.w[i] = ldexp(s->weight[i], W.wshift);
        if (W.w[i] < DBL_MIN) {
            st = chiso_diag_set(
                diag, CHISO_EDATA, s->path, s->resp_line[i],
                field_column(s->path, s->resp_line[i], s->col_weight),
                "weight %g of respondent '%s' is too small next to the "
                "largest weight (%g): the ratio is beyond what a double "
                "holds; write the weights on a common scale",
                s->weight[i], chiso_stats_keys_str(s->resp_keys, i), maxw);
            goto fail;
        }
    }

    /* criteria in element order; answers by that position */
    element_order(s, W.order, W.elem_end);
    for (p = 0; p < s->n_crit; p++) {
        W.pos[W.order[p]] = p;
        identity = identity && W.order[p] == p;
    }
    if (identity) {
        W.ent = NULL;
    } else {
        W.ent = malloc((s->n_ans + 1) * sizeof(*W.ent));
        if (W.ent == NULL) {
            goto oom;
        }
        for (i = 0; i < s->n_ans; i++) {
            uint32_t x = s->ans[i];
            W.ent[i] = (uint32_t)(W.pos[x >> 1] << 1) | (x & 1);
        }
        for (i = 0; i < s->n_resp; i++) {
            size_t a = s->ans_off[i], n = s->ans_off[i + 1] - a;
            if (n <= 32) {
                sort_entries(W.ent + a, n);
            } else {
                qsort(W.ent + a, n, sizeof(*W.ent), cmp_u32);
            }
        }
    }
    {
        /* block_sums reads W.ent: the answers themselves when the order
           is the identity */
        uint32_t *ent = W.ent != NULL ? W.ent : s->ans;
        W.ent = ent;
    }

    /* the estimates on the whole sample */
    memcpy(W.start, s->ans_off, s->n_resp * sizeof(*W.start));
    block_sums(&W, NULL, 0, s->n_crit, block_who(&W, s->n_crit));
    for (c = 0; c < s->n_crit; c++) {
        chiso_survey_stat *sc = &res->criteria[c];
        double num = W.num[W.pos[c]], den = W.den[W.pos[c]];
        crit[c] = den > 0 ? 100.0 * num / den : (double)NAN;
        sc->id = chiso_stats_keys_str(s->crit_keys, c);
        sc->element = chiso_stats_keys_str(s->elem_keys, s->crit_elem[c]);
        sc->element_index = s->crit_elem[c];
        sc->share = crit[c];
        sc->weight_sum = ldexp(den, -W.wshift);
        sc->n_answers = s->crit_answers[c];
    }
    for (e = 0; e < s->n_elem; e++) {
        elem[e] = 0;
    }
    for (c = 0; c < s->n_crit; c++) {
        elem[s->crit_elem[c]] += crit[c]; /* NaN propagates */
        elem_n[s->crit_elem[c]]++;
    }
    all = 0;
    for (e = 0; e < s->n_elem; e++) {
        elem[e] /= (double)elem_n[e];
        all += elem[e];
        res->elements[e].id = chiso_stats_keys_str(s->elem_keys, e);
        res->elements[e].element = res->elements[e].id;
        res->elements[e].share = elem[e];
    }
    all /= (double)s->n_elem;
    res->overall.id = "";
    res->overall.element = "";
    res->overall.share = all;

    if (B == 0) {
        for (c = 0; c < s->n_crit; c++) {
            res->criteria[c].ci_low = res->criteria[c].ci_high = (double)NAN;
        }
        for (e = 0; e < s->n_elem; e++) {
            res->elements[e].ci_low = res->elements[e].ci_high = (double)NAN;
        }
        res->overall.ci_low = res->overall.ci_high = (double)NAN;
        goto done;
    }

    /* the bootstrap, block by block of statistics */
    {
        size_t max_stats = budget / (B * sizeof(double)), p0, width;
        if (max_stats < 2) {
            max_stats = 2; /* one criterion and its element at least */
        }
        if (max_stats > 2 * s->n_crit + 1) {
            max_stats = 2 * s->n_crit + 1;
        }
        rep = malloc(B * max_stats * sizeof(*rep));
        col = malloc(B * sizeof(*col));
        elem_acc = calloc(B, sizeof(*elem_acc));
        all_acc = calloc(B, sizeof(*all_acc));
        rng = malloc(sizeof(*rng));
        if (rep == NULL || col == NULL || elem_acc == NULL || all_acc == NULL ||
            rng == NULL) {
            goto oom;
        }
        memcpy(W.start, s->ans_off, s->n_resp * sizeof(*W.start));
        for (p0 = 0; p0 < s->n_crit;) {
            size_t p1 = p0, stats = 0, b, q, k, n_who;
            /* the block: criteria p0 .. p1, each with its element's
               value when the element ends inside */
            while (p1 < s->n_crit) {
                size_t need =
                    1 + (W.elem_end[s->crit_elem[W.order[p1]]] == p1 + 1);
                if (stats > 0 && stats + need > max_stats) {
                    break;
                }
                stats += need;
                p1++;
            }
            width = stats;
            n_who = block_who(&W, p1);
            chiso_stats__mt_seed(rng, opts->seed);
            chiso_stats__uniform_init(&uni, (uint32_t)s->n_resp);
            for (b = 0; b < B; b++) {
                double *row = rep + b * width;
                size_t ke = p1 - p0;
                memset(W.m, 0, s->n_resp * sizeof(*W.m));
                for (i = 0; i < s->n_resp; i++) {
                    W.m[chiso_stats__uniform_draw(rng, &uni)]++;
                }
                block_sums(&W, W.m, p0, p1, n_who);
                for (q = p0; q < p1; q++) {
                    double v = W.den[q - p0] > 0
                                   ? 100.0 * W.num[q - p0] / W.den[q - p0]
                                   : (double)NAN;
                    size_t ec = s->crit_elem[W.order[q]];
                    row[q - p0] = v;
                    elem_acc[b] += v;
                    if (W.elem_end[ec] == q + 1) {
                        /* the element is complete */
                        double ev = elem_acc[b] / (double)elem_n[ec];
                        row[ke++] = ev;
                        all_acc[b] += ev;
                        elem_acc[b] = 0;
                    }
                }
            }
            for (q = p0; q < p1; q++) {
                interval(rep + (q - p0), B, width, level, col,
                         &res->criteria[W.order[q]]);
            }
            k = p1 - p0;
            for (q = p0; q < p1; q++) {
                size_t ec = s->crit_elem[W.order[q]];
                if (W.elem_end[ec] == q + 1) {
                    interval(rep + k, B, width, level, col, &res->elements[ec]);
                    k++;
                }
            }
            block_advance(&W, p1);
            p0 = p1;
        }
        for (i = 0; i < B; i++) {
            all_acc[i] /= (double)s->n_elem;
        }
        interval(all_acc, B, 1, level, col, &res->overall);
    }
done:
    if (W.ent == s->ans) {
        W.ent = NULL;
    }
    work_free(&W);
    free(rng);
    free(crit);
    free(elem);
    free(elem_n);
    free(rep);
    free(col);
    free(elem_acc);
    free(all_acc);
    *out = res;
    return CHISO_OK;
oom:
    st = chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
fail:
    if (W.ent == s->ans) {
        W.ent = NULL;
    }
    work_free(&W);
    free(rng);
    free(crit);
    free(elem);
    free(elem_n);
    free(rep);
    free(col);
    free(elem_acc);
    free(all_acc);
    chiso_survey_result_free(res);
    return st;
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

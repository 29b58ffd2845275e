/*
 * cmd_validate.c - chiso validate FILE...
 *
 * Checks each file by its kind and lists every problem (at most
 * VALIDATE_CAP per file) as file:line:column: message. The kind is told by
 * content, not only the extension: a JSON file with "format":
 * "chiso-framework" is a framework; a CSV file is matched by its header
 * against the kinds below. To teach validate a new kind, add a row to
 * `kinds`.
 */
#define _GNU_SOURCE
#include "cli.h"
#include "commands.h"

#include "chiso_dataset.h"
#include "chiso_framework.h"
#include "chiso_fwtable.h"
#include "chiso_stats.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define VALIDATE_CAP 50

typedef struct validate_kind {
    const char *name;
    /* 1 if this kind claims the file */
    int (*claims)(const char *path, const char *head, size_t len);
    /* check; append problems; fill summary on success */
    chiso_status (*check)(const char *path,
                          chiso_diag_list *problems,
                          char *summary,
                          size_t cap);
} validate_kind;

static int
has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);

    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Fold the first line (header) of a CSV and look for a column name. */
static int
header_has(const char *head, size_t len, const char *const *names)
{
    const char *nl = memchr(head, '\n', len);
    size_t n = nl ? (size_t)(nl - head) : len, i, s = 0;
    char cell[128];

    for (i = 0; i <= n; i++) {
        if (i == n || head[i] == ',' || head[i] == ';' || head[i] == '\t') {
            size_t k;
            chiso_text_fold(head + s, i - s, cell, sizeof(cell));
            for (k = 0; names[k] != NULL; k++) {
                if (strcmp(cell, names[k]) == 0) {
                    return 1;
                }
            }
            s = i + 1;
        }
    }
    return 0;
}

static int
claims_framework(const char *path, const char *head, size_t len)
{
    (void)len;
    return has_suffix(path, ".json") || strstr(head, "chiso-framework");
}

static chiso_status
check_framework(const char *path,
                chiso_diag_list *problems,
                char *summary,
                size_t cap)
{
    chiso_framework *fw = NULL;
    chiso_status st = chiso_framework_check(&fw, path, problems);
    size_t i, leaves = 0;

    if (st == CHISO_OK) {
        for (i = 0; i < fw->n_nodes; i++) {
            leaves += chiso_node_is_leaf(&fw->nodes[i]);
        }
        snprintf(summary, cap,
                 "framework '%s', %zu criteria (%zu leaves), "
                 "max %g",
                 fw->id, fw->n_nodes, leaves, fw->max);
    }
    chiso_framework_free(fw);
    return st;
}

/* A framework table (docs/frameworks.md): a .csv whose first lines name
 * the maximum-points column ("Điểm tối đa"). */
static int
claims_fwtable(const char *path, const char *head, size_t len)
{
    char folded[4200];

    if (!chiso_fwtable_is_table(path)) {
        return 0;
    }
    chiso_text_fold(head, len, folded, sizeof(folded));
    return strstr(folded, "diem_toi_da") != NULL ||
           strstr(folded, "max_points") != NULL;
}

static chiso_status
check_fwtable(const char *path,
              chiso_diag_list *problems,
              char *summary,
              size_t cap)
{
    chiso_fwdoc *doc = NULL;
    chiso_status st = chiso_fwdoc_load(&doc, path, NULL, problems);

    if (st == CHISO_OK) {
        snprintf(summary, cap, "framework table '%s', %zu criteria, max %g",
                 doc->fw->id, doc->fw->n_nodes, doc->fw->max);
    }
    chiso_fwdoc_free(doc);
    return st;
}

static int
claims_evidence(const char *path, const char *head, size_t len)
{
    static const char *const names[] = {
        "criterion_id", "ma_tieu_chi",    "tieu_chi",    "criterion",
        "ma_chi_so",    "indicator_code", "metric_code", NULL};
    (void)path;
    return header_has(head, len, names);
}

static chiso_status
check_evidence(const char *path,
               chiso_diag_list *problems,
               char *summary,
               size_t cap)
{
    chiso_evidence *ev = NULL;
    chiso_status st = chiso_evidence_load_all(&ev, path, problems);

    if (st == CHISO_OK) {
        snprintf(summary, cap, "evidence sheet, %zu rows", ev->n);
    }
    chiso_evidence_free(ev);
    return st;
}

/* ---- published results store, breaks registry, surveys (issue 4) ---- */

static int
claims_published(const char *path, const char *head, size_t len)
{
    static const char *const a[] = {"rank_of", NULL};
    static const char *const b[] = {"component_id", NULL};
    (void)path;
    return header_has(head, len, a) && header_has(head, len, b);
}

static chiso_status
check_published(const char *path,
                chiso_diag_list *problems,
                char *summary,
                size_t cap)
{
    chiso_published *store = NULL;
    chiso_status st = chiso_published_check(&store, path, problems);
    size_t i, conflicts = 0, units = 0, j;

    if (st == CHISO_OK) {
        for (i = 0; i < store->n; i++) {
            conflicts += !store->rows[i].preferred;
            for (j = 0; j < i; j++) {
                if (strcmp(store->rows[j].unit_code,
                           store->rows[i].unit_code) == 0) {
                    break;
                }
            }
            units += j == i;
        }
        snprintf(summary, cap,
                 "published results store, %zu rows, %zu units, %zu "
                 "non-preferred rows of conflicting sources",
                 store->n, units, conflicts);
    }
    chiso_published_free(store);
    return st;
}

static int
claims_breaks(const char *path, const char *head, size_t len)
{
    static const char *const a[] = {"what_changed", NULL};
    (void)path;
    return header_has(head, len, a);
}

static chiso_status
check_breaks(const char *path,
             chiso_diag_list *problems,
             char *summary,
             size_t cap)
{
    chiso_published *tmp = calloc(1, sizeof(*tmp));
    chiso_status st;

    if (tmp == NULL) {
        return chiso_diag_list_addf(problems, CHISO_ENOMEM, path, 0, 0,
                                    "out of memory");
    }
    st = chiso_breaks_check(tmp, path, problems);
    if (st == CHISO_OK) {
        snprintf(summary, cap, "methodology breaks registry, %zu breaks",
                 tmp->n_breaks);
    }
    chiso_published_free(tmp);
    return st;
}

static int
claims_survey(const char *path, const char *head, size_t len)
{
    static const char *const names[] = {"respondent_id", "ma_phieu", "so_phieu",
                                        "ma_nguoi_tra_loi", NULL};
    (void)path;
    return header_has(head, len, names);
}

static chiso_status
check_survey(const char *path,
             chiso_diag_list *problems,
             char *summary,
             size_t cap)
{
    chiso_survey *s = NULL;
    chiso_diag d;
    chiso_status st;

    chiso_diag_clear(&d);
    st = chiso_survey_load(&s, path, &d);
    if (st != CHISO_OK) {
        chiso_diag_list_add(problems, &d);
        return st;
    }
    snprintf(summary, cap, "survey responses, %zu respondents",
             chiso_survey_respondents(s));
    chiso_survey_free(s);
    return CHISO_OK;
}

static const validate_kind kinds[] = {
    {"framework", claims_framework, check_framework},
    {"framework table", claims_fwtable, check_fwtable},
    /* before evidence: a survey has a "criterion" column too */
    {"survey", claims_survey, check_survey},
    {"evidence", claims_evidence, check_evidence},
    {"published", claims_published, check_published},
    {"breaks", claims_breaks, check_breaks},
};

static void
validate_usage(FILE *f)
{
    fprintf(f,
            "Usage: chiso validate FILE...\n\n"
            "Check framework files (JSON) and evidence sheets (CSV) and "
            "list every\nproblem as file:line:column: message (at most %d "
            "per file).\nExit status 1 if any file has a problem.\n",
            VALIDATE_CAP);
}

int
cmd_validate(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int c, a, rc = CLI_EXIT_OK;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 'h') {
            validate_usage(stdout);
            return CLI_EXIT_OK;
        }
        return cli_usage_error("validate", "unknown option '%s'",
                               argv[optind - 1]);
    }
    if (optind >= argc) {
        return cli_usage_error("validate", "no files given");
    }
    for (a = optind; a < argc; a++) {
        const char *path = argv[a];
        chiso_diag_list problems;
        chiso_diag d;
        char *text = NULL, summary[256] = "";
        size_t len = 0, k, i;
        const validate_kind *kind = NULL;
        chiso_status st;

        chiso_diag_clear(&d);
        if (chiso_file_read_all(path, &text, &len, &d) != CHISO_OK) {
            int e = cli_report(&d);
            rc = rc > e ? rc : e;
            continue;
        }
        for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            if (kinds[k].claims(path, text, len > 4096 ? 4096 : len)) {
                kind = &kinds[k];
                break;
            }
        }
        free(text);
        if (kind == NULL) {
            chiso_diag_set(&d, CHISO_ESCHEMA, path, 1, 1,
                           "cannot tell what kind of file this is (expected "
                           "a framework JSON or an evidence sheet CSV with a "
                           "criterion_id column)");
            cli_report(&d);
            rc = rc > CLI_EXIT_DATA ? rc : CLI_EXIT_DATA;
            continue;
        }
        chiso_diag_list_init(&problems, VALIDATE_CAP);
        st = kind->check(path, &problems, summary, sizeof(summary));
        chiso_diag_list_sort(&problems);
        for (i = 0; i < problems.n; i++) {
            cli_print_diag(&problems.items[i], NULL);
        }
        if (problems.n_dropped > 0) {
            fprintf(stderr, "chiso: %s: %zu more problems not shown\n", path,
                    problems.n_dropped);
        }
        if (st == CHISO_OK) {
            printf("%s: ok: %s\n", path, summary);
        } else {
            int e = cli_exit_code(st);
            printf("%s: %zu problem%s\n", path,
                   chiso_diag_list_total(&problems),
                   chiso_diag_list_total(&problems) == 1 ? "" : "s");
            rc = rc > e ? rc : e;
        }
        chiso_diag_list_free(&problems);
    }
    return rc;
}

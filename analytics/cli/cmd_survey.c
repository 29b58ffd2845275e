/*
 * cmd_survey.c - chiso survey RESPONSES.csv [--seed N] [--replicates N]
 *
 * Share of satisfied respondents per criterion, element and overall, with
 * seeded bootstrap percentile intervals.
 */
#define _GNU_SOURCE
#include "cli_stats.h"
#include "commands.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Guard against a typo such as --replicates 2000000000. */
#define MAX_REPLICATES 1000000L

static const char survey_help[] =
    N_("Usage: chiso survey RESPONSES.csv [options]\n"
       "\n"
       "Share satisfied (answer 4 or 5 of 1-5) per criterion, element and "
       "overall,\n"
       "with seeded bootstrap percentile intervals (respondents "
       "resampled).\n"
       "\n"
       "Input: one answer per row with columns respondent_id, element, "
       "criterion,\n"
       "answer (1-5, empty = no answer) and optionally weight (Vietnamese "
       "headers\n"
       "accepted: ma_phieu, yeu_to, tieu_chi, tra_loi, trong_so).\n"
       "\n"
       "Options:\n"
       "  --seed N             seed of gsl_rng_mt19937 (default 20240417)\n"
       "  --replicates N       bootstrap replicates (default 2000; 0 = "
       "none)\n"
       "  --level P            confidence level (default 0.95)\n"
       "  --json FILE|-        write JSON (- = stdout, no table)\n"
       "  --csv FILE           write one CSV row per statistic\n"
       "  --help               this help\n");

static void
print_stat(const chiso_survey_stat *s, const char *label, int crit)
{
    FILE *o = stdout;
    char buf[32];

    cli_cell(o, label, 34, 0);
    if (crit) {
        snprintf(buf, sizeof(buf), "%zu", s->n_answers);
        cli_cell(o, buf, 7, 1);
    } else {
        cli_cell(o, "", 7, 1);
    }
    cli_num(o, s->share, 2, 12);
    cli_num(o, s->ci_low, 2, 9);
    cli_num(o, s->ci_high, 2, 9);
    fputc('\n', o);
}

static int
print_table(const chiso_survey_result *res, const char *path)
{
    FILE *o = stdout;
    size_t i, e, *first = NULL, *next = NULL;
    char label[300];

    printf("%s: %s\n", _("Survey"), path);
    printf("%s: %zu%s\n", _("Respondents"), res->n_respondents,
           res->weighted ? _(" (weighted)") : "");
    if (res->opts.replicates > 0) {
        printf("%s: %zu %s, seed %lu (gsl_rng_mt19937), %s %.0f%%\n",
               _("Bootstrap"), res->opts.replicates, _("replicates"),
               res->opts.seed, _("interval"), res->opts.level * 100);
    }
    putchar('\n');
    cli_cell(o, _("Statistic"), 34, 0);
    cli_cell(o, "n", 7, 1);
    cli_cell(o, _("% satisfied"), 12, 1);
    cli_cell(o, _("CI low"), 9, 1);
    cli_cell(o, _("CI high"), 9, 1);
    fputc('\n', o);
    cli_rule(o, '-', 71);
    fputc('\n', o);
    print_stat(&res->overall, _("OVERALL"), 0);
    /* criteria listed under their element: linked lists per element, in
       criterion order (linear, however many elements) */
    first = malloc((res->n_elements + 1) * sizeof(*first));
    next = malloc((res->n_criteria + 1) * sizeof(*next));
    if (first == NULL || next == NULL) {
        free(first);
        free(next);
        return -1;
    }
    for (e = 0; e < res->n_elements; e++) {
        first[e] = (size_t)-1;
    }
    for (i = res->n_criteria; i-- > 0;) {
        e = res->criteria[i].element_index;
        next[i] = first[e];
        first[e] = i;
    }
    for (e = 0; e < res->n_elements; e++) {
        snprintf(label, sizeof(label), "%s %s", _("Element"),
                 res->elements[e].id);
        print_stat(&res->elements[e], label, 0);
        for (i = first[e]; i != (size_t)-1; i = next[i]) {
            snprintf(label, sizeof(label), "  %s", res->criteria[i].id);
            print_stat(&res->criteria[i], label, 1);
        }
    }
    free(first);
    free(next);
    printf("\n%s\n",
           _("Criterion: (weighted) share answering 4 or 5; element: mean of "
             "its criteria; overall: mean of the elements."));
    return 0;
}

static void
csv_stat(chiso_csvw *w,
         const chiso_survey_stat *s,
         const char *level,
         const char *element,
         const char *criterion,
         int crit)
{
    chiso_csvw_text(w, level);
    chiso_csvw_text(w, element);
    chiso_csvw_text(w, criterion);
    if (crit) {
        chiso_csvw_int(w, (long long)s->n_answers);
        cli_csv_num(w, s->weight_sum);
    } else {
        chiso_csvw_text(w, NULL);
        chiso_csvw_text(w, NULL);
    }
    cli_csv_num(w, s->share);
    cli_csv_num(w, s->ci_low);
    cli_csv_num(w, s->ci_high);
    chiso_csvw_int(w, (long long)s->replicates_used);
    chiso_csvw_end(w);
}

static int
write_csv(const chiso_survey_result *res, const char *path)
{
    static const char *const head[] = {
        "level",           "element",   "criterion",  "n_answers",
        "weight_sum",      "share_pct", "ci_low_pct", "ci_high_pct",
        "replicates_used", NULL};
    chiso_outfile *f = NULL;
    chiso_csvw w;
    size_t i;
    int rc = cli_csv_open(path, &f, &w);

    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    chiso_csvw_row(&w, head);
    csv_stat(&w, &res->overall, "overall", NULL, NULL, 0);
    for (i = 0; i < res->n_elements; i++) {
        csv_stat(&w, &res->elements[i], "element", res->elements[i].id, NULL,
                 0);
    }
    for (i = 0; i < res->n_criteria; i++) {
        csv_stat(&w, &res->criteria[i], "criterion", res->criteria[i].element,
                 res->criteria[i].id, 1);
    }
    return cli_csv_commit(f);
}

static const cli_option survey_options[] = {
    {"seed", required_argument, 's', NULL, NULL},
    {"replicates", required_argument, 'r', NULL, NULL},
    {"level", required_argument, 'l', NULL, NULL},
    {"json", required_argument, 'j', NULL, NULL},
    {"csv", required_argument, 'c', NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};

int
cmd_survey(int argc, char **argv)
{
    cli_parser op;
    chiso_survey_options o = CHISO_SURVEY_OPTIONS_INIT;
    const char *json = NULL, *csv = NULL, *path;
    chiso_survey *s = NULL;
    chiso_survey_result *res = NULL;
    chiso_diag d;
    long v;
    int c, rc = CLI_EXIT_OK;

    chiso_diag_clear(&d);
    d.lang = cli_stats_lang();
    cli_parser_init(&op, "survey", survey_help, NULL, survey_options, NULL,
                    NULL);
    optind = 0;
    while ((c = cli_getopt(&op, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_EXIT) {
            return op.rc;
        }
        switch (c) {
        case 's':
            if (cli_parse_long("survey", "--seed", optarg, &v) != 0) {
                return CLI_EXIT_USAGE;
            }
            if (v < 0 || v > 4294967295L) {
                return cli_usage_error("survey",
                                       _("--seed must be 0..4294967295"
                                         ", got '%s'"),
                                       optarg);
            }
            o.seed = (unsigned long)v;
            break;
        case 'r':
            if (cli_parse_long("survey", "--replicates", optarg, &v) != 0) {
                return CLI_EXIT_USAGE;
            }
            if (v < 0 || v > MAX_REPLICATES) {
                return cli_usage_error("survey",
                                       _("--replicates must be "
                                         "0..%ld, got '%s'"),
                                       MAX_REPLICATES, optarg);
            }
            o.replicates = (size_t)v;
            break;
        case 'l':
            if (cli_parse_double("survey", "--level", optarg, &o.level) != 0) {
                return CLI_EXIT_USAGE;
            }
            if (!(o.level > 0 && o.level < 1)) {
                return cli_usage_error("survey",
                                       _("--level must be between 0 "
                                         "and 1, got '%s'"),
                                       optarg);
            }
            break;
        case 'j':
            json = optarg;
            break;
        case 'c':
            csv = optarg;
            break;
        default:
            break;
        }
    }
    if (argc - optind != 1) {
        return cli_usage_error("survey",
                               _("expected one RESPONSES.csv, got %d "
                                 "arguments"),
                               argc - optind);
    }
    path = argv[optind];
    if (json != NULL && csv != NULL && strcmp(json, "-") == 0 &&
        strcmp(csv, "-") == 0) {
        return cli_usage_error("survey", _("--json and --csv cannot both be "
                                           "standard output"));
    }
    if (cli_check_not_input("survey", json, &path, 1) != 0 ||
        cli_check_not_input("survey", csv, &path, 1) != 0) {
        return CLI_EXIT_USAGE;
    }
    if (chiso_survey_load(&s, path, &d) != CHISO_OK ||
        chiso_survey_compute(&res, s, &o, &d) != CHISO_OK) {
        rc = cli_report(&d);
        goto out;
    }
    if ((json == NULL || strcmp(json, "-") != 0) &&
        (csv == NULL || strcmp(csv, "-") != 0) && print_table(res, path) != 0) {
        fprintf(stderr, "chiso: %s\n", _("out of memory"));
        rc = CLI_EXIT_INTERNAL;
        goto out;
    }
    if (csv != NULL && (rc = write_csv(res, csv)) != CLI_EXIT_OK) {
        goto out;
    }
    if (json != NULL) {
        cJSON *root = chiso_survey_to_json(res, path);
        rc = cli_write_json(root, json);
        cJSON_Delete(root);
    }
out:
    chiso_survey_result_free(res);
    chiso_survey_free(s);
    return rc;
}

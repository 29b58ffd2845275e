/*
 * cmd_composite.c - chiso composite DATA.csv META.csv [options]
 *
 * Loads a COINr-style iData + iMeta pair, computes the composite index
 * and prints the ranking (index and the level just below it), and/or
 * writes JSON and CSV. All computation is in the library
 * (chiso_composite.h); this file only parses options and prints.
 */
#define _GNU_SOURCE
#include "cli_stats.h"
#include "commands.h"

#include "chiso_composite.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TABLE_COLUMNS 8

static const char composite_help[] =
    N_("Usage: chiso composite DATA.csv META.csv [options]\n"
       "\n"
       "Compute a composite index from COINr-style tables: DATA (iData: "
       "uCode,\n"
       "[uName], indicator columns) and META (iMeta: Level, iCode, Parent,\n"
       "Direction, Weight, Type).\n"
       "\n"
       "Options:\n"
       "  --normalise METHOD   minmax (default), zscore, rank, goalposts, "
       "target\n"
       "  --range LO,HI        scale of minmax, goalposts and target "
       "(default 0,100)\n"
       "  --zscore MEAN,SD     mean and standard deviation of z-scores "
       "(default 0,1)\n"
       "  --aggregate METHOD   arithmetic (default), geometric, harmonic\n"
       "  --time VALUE         panel data: use the rows whose Time is "
       "VALUE\n"
       "  --csv FILE|-         write every normalised indicator and "
       "aggregate,\n"
       "                       one row per unit (- = stdout, no table)\n"
       "  --json FILE|-        write the result as JSON (- = stdout, no "
       "table)\n"
       "  --top N              table: show only the first N units\n"
       "  --help               this help\n");

/* Parse "A,B" into two numbers; 0 on success, else prints a usage error. */
static int
parse_pair(
    const char *cmd, const char *opt, const char *s, double *a, double *b)
{
    char *end;

    *a = strtod(s, &end);
    if (end == s || *end != ',' || !isfinite(*a)) {
        return cli_usage_error(cmd,
                               _("option %s expects two numbers A,B, got "
                                 "'%s'"),
                               opt, s);
    }
    s = end + 1;
    *b = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(*b)) {
        return cli_usage_error(cmd,
                               _("option %s expects two numbers A,B, got "
                                 "'%s'"),
                               opt, s);
    }
    return 0;
}

static void
print_table(const chiso_composite_result *res, long top)
{
    const chiso_composite *m = res->model;
    const chiso_cmp_node *root = &m->nodes[m->root];
    size_t n = m->n_units, cols[MAX_TABLE_COLUMNS + 1], n_cols = 0, i, j;
    size_t width;
    FILE *o = stdout;
    char buf[64];

    cols[n_cols++] = m->root;
    for (j = 0; j < root->n_children && n_cols <= MAX_TABLE_COLUMNS; j++) {
        cols[n_cols++] = root->children[j];
    }
    printf("%s: %s (%s)\n", _("Composite index"), root->name, root->code);
    printf("%s: %s, %zu %s, %zu %s, %zu %s%s%s\n", _("Data"), m->data_path,
           m->n_units, _("units"), m->n_indicators, _("indicators"),
           m->n_missing, _("missing values"), m->time ? ", Time " : "",
           m->time ? m->time : "");
    printf("%s: %s, %d %s, %zu %s\n", _("Structure"), m->meta_path, m->n_levels,
           _("levels"), m->n_nodes - m->n_indicators, _("aggregates"));
    printf("%s: %s", _("Normalisation"),
           chiso_cmp_norm_name(res->opts.normalise));
    if (res->opts.normalise == CHISO_NORM_ZSCORE) {
        printf(" (%s %g, %s %g)", _("mean"), res->opts.zscore_mean, _("sd"),
               res->opts.zscore_sd);
    } else if (res->opts.normalise != CHISO_NORM_RANK) {
        printf(" %g..%g", res->opts.range_lo, res->opts.range_hi);
    }
    printf("; %s: %s\n\n", _("aggregation"),
           chiso_cmp_agg_name(res->opts.aggregate));
    cli_cell(o, _("Rank"), 5, 1);
    fputs("  ", o);
    cli_cell(o, _("Code"), 8, 0);
    cli_cell(o, _("Name"), 24, 0);
    for (j = 0; j < n_cols; j++) {
        cli_cell(o, m->nodes[cols[j]].code, 10, 1);
    }
    putchar('\n');
    width = 5 + 2 + 8 + 24 + 10 * n_cols;
    cli_rule(o, '-', width);
    putchar('\n');
    for (i = 0; i < n && (top < 0 || (long)i < top); i++) {
        size_t u = res->order[i];
        unsigned r = res->rank[m->root * n + u];
        if (r > 0) {
            snprintf(buf, sizeof(buf), "%u", r);
        } else {
            snprintf(buf, sizeof(buf), "-");
        }
        cli_cell(o, buf, 5, 1);
        fputs("  ", o);
        cli_cell(o, m->unit_code[u], 8, 0);
        cli_cell(o, m->unit_name[u], 24, 0);
        for (j = 0; j < n_cols; j++) {
            size_t c = cols[j] * n + u;
            cli_num(o, res->defined[c] ? res->value[c] : (double)NAN, 2, 10);
        }
        putchar('\n');
    }
    if (top >= 0 && (size_t)top < n) {
        printf("... %zu %s\n", n - (size_t)top, _("more units (--top)"));
    }
    if (res->n_ranked < n) {
        printf("\n%zu %s\n", n - res->n_ranked,
               _("units have no index score (every component missing) and "
                 "are not ranked"));
    }
    printf("\n%s\n",
           _("Missing values are dropped and the remaining weights "
             "renormalised within the parent; ranks use unrounded scores, "
             "ties share the best place."));
}

static int
write_csv(const chiso_composite_result *res, const char *path)
{
    chiso_outfile *f = NULL;
    chiso_csvw w;
    int rc = cli_csv_open(path, &f, &w);

    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    chiso_composite_write_csv(res, &w);
    return cli_out_commit(&f);
}

static const cli_option composite_options[] = {
    {"normalise", required_argument, 'n', NULL, NULL},
    {"normalize", required_argument, 'n', NULL, NULL},
    {"range", required_argument, 'r', NULL, NULL},
    {"zscore", required_argument, 'z', NULL, NULL},
    {"aggregate", required_argument, 'a', NULL, NULL},
    {"time", required_argument, 't', NULL, NULL},
    {"csv", required_argument, 'c', NULL, NULL},
    {"json", required_argument, 'j', NULL, NULL},
    {"top", required_argument, 'k', NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};

int
cmd_composite(int argc, char **argv)
{
    cli_parser op;
    const char *json_path = NULL, *csv_path = NULL;
    chiso_composite_options opts = CHISO_COMPOSITE_OPTIONS_INIT;
    chiso_composite_load_options lopts = CHISO_COMPOSITE_LOAD_OPTIONS_INIT;
    chiso_composite *m = NULL;
    chiso_composite_result *res = NULL;
    chiso_diag diag;
    long top = -1;
    int c, rc = CLI_EXIT_OK;
    const char *inputs[2];

    chiso_diag_clear(&diag);
    diag.lang = cli_stats_lang();
    cli_parser_init(&op, "composite", composite_help, NULL, composite_options,
                    NULL, NULL);
    optind = 0;
    while ((c = cli_getopt(&op, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_EXIT) {
            rc = op.rc;
            goto out;
        }
        switch (c) {
        case 'n':
            if (chiso_cmp_norm_parse(optarg, &opts.normalise) != 0) {
                rc = cli_usage_error("composite",
                                     _("--normalise must be minmax, zscore, "
                                       "rank, goalposts or target, got '%s'"),
                                     optarg);
                goto out;
            }
            break;
        case 'r':
            if (parse_pair("composite", "--range", optarg, &opts.range_lo,
                           &opts.range_hi) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            break;
        case 'z':
            if (parse_pair("composite", "--zscore", optarg, &opts.zscore_mean,
                           &opts.zscore_sd) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            break;
        case 'a':
            if (chiso_cmp_agg_parse(optarg, &opts.aggregate) != 0) {
                rc = cli_usage_error("composite",
                                     _("--aggregate must be arithmetic, "
                                       "geometric or harmonic, got '%s'"),
                                     optarg);
                goto out;
            }
            break;
        case 't':
            lopts.time = optarg;
            break;
        case 'c':
            csv_path = optarg;
            break;
        case 'j':
            json_path = optarg;
            break;
        case 'k':
            if (cli_parse_long("composite", "--top", optarg, &top) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            if (top < 0) {
                rc = cli_usage_error("composite", _("--top must be 0 or more"));
                goto out;
            }
            break;
        default:
            break;
        }
    }
    if (argc - optind != 2) {
        rc = cli_usage_error("composite",
                             argc - optind == 1
                                 ? _("expected DATA.csv and META.csv, got "
                                     "%d argument")
                                 : _("expected DATA.csv and META.csv, got "
                                     "%d arguments"),
                             argc - optind);
        goto out;
    }
    if (json_path != NULL && csv_path != NULL && strcmp(json_path, "-") == 0 &&
        strcmp(csv_path, "-") == 0) {
        rc = cli_usage_error("composite",
                             _("--json - and --csv - cannot both use standard "
                               "output"));
        goto out;
    }
    if (!(opts.range_lo < opts.range_hi)) {
        rc = cli_usage_error("composite",
                             _("--range LO,HI needs LO < HI, got "
                               "%g,%g"),
                             opts.range_lo, opts.range_hi);
        goto out;
    }
    if (!(opts.zscore_sd > 0)) {
        rc = cli_usage_error("composite",
                             _("--zscore MEAN,SD needs SD > 0, got %g"),
                             opts.zscore_sd);
        goto out;
    }
    inputs[0] = argv[optind];
    inputs[1] = argv[optind + 1];
    if (cli_check_not_input("composite", json_path, inputs, 2) != 0 ||
        cli_check_not_input("composite", csv_path, inputs, 2) != 0) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (chiso_composite_load(&m, inputs[0], inputs[1], &lopts, &diag) !=
            CHISO_OK ||
        chiso_composite_compute(&res, m, &opts, &diag) != CHISO_OK) {
        rc = cli_report(&diag);
        goto out;
    }
    if ((json_path == NULL || strcmp(json_path, "-") != 0) &&
        (csv_path == NULL || strcmp(csv_path, "-") != 0)) {
        print_table(res, top);
    }
    if (csv_path != NULL) {
        rc = write_csv(res, csv_path);
        if (rc != CLI_EXIT_OK) {
            goto out;
        }
    }
    if (json_path != NULL) {
        cJSON *root = chiso_composite_to_json(res);
        if (root == NULL) {
            fprintf(stderr, "chiso: %s\n", _("out of memory"));
            rc = CLI_EXIT_INTERNAL;
            goto out;
        }
        rc = cli_write_json(root, json_path);
        cJSON_Delete(root);
    }
out:
    chiso_composite_result_free(res);
    chiso_composite_free(m);
    return rc;
}

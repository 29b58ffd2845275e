/*
 * cmd_uncertainty.c - chiso uncertainty DATA.csv META.csv [options]
 *
 * Monte Carlo rank uncertainty of a composite index: options, a progress
 * line on stderr when it is a terminal, the table, and the JSON / CSV
 * outputs. The computation is chiso_uncertainty_run().
 */
#define _GNU_SOURCE
#include "cli_stats.h"
#include "commands.h"

#include "chiso_composite.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char uncertainty_help[] =
    N_("Usage: chiso uncertainty DATA.csv META.csv [options]\n"
       "\n"
       "Monte Carlo uncertainty of a composite index's ranks: every "
       "replicate\n"
       "multiplies each weight by U(1-a, 1+a) and draws a normalisation and "
       "an\n"
       "aggregation from the given sets; per unit it reports the nominal "
       "rank,\n"
       "the median rank and the 5th-95th percentile interval.\n"
       "\n"
       "Options:\n"
       "  --replicates N       number of replicates (default 1000)\n"
       "  --seed S             random seed, 0..2^64-1 (default 1)\n"
       "  --weights-noise A    weight factor U(1-A, 1+A) (default 0.25)\n"
       "  --normalise LIST     normalisations to draw from, "
       "comma-separated:\n"
       "                       minmax, zscore, rank, goalposts, target "
       "(default\n"
       "                       minmax); the first is the nominal one\n"
       "  --aggregate LIST     aggregations to draw from: arithmetic, "
       "geometric,\n"
       "                       harmonic (default arithmetic); the first is "
       "nominal\n"
       "  --range LO,HI        scale of minmax, goalposts and target "
       "(default 0,100)\n"
       "  --zscore MEAN,SD     mean and sd of z-scores (default 0,1)\n"
       "  --time VALUE         panel data: use the rows whose Time is "
       "VALUE\n"
       "  --csv FILE|-         "
       "unit,nominal_rank,median_rank,p5_rank,p95_rank,\n"
       "                       nominal_score (- = stdout, no table)\n"
       "  --json FILE|-        the result as JSON (- = stdout, no table)\n"
       "  --replicates-csv FILE  every replicate's methods and weights\n"
       "  --threads N          worker threads, 1-16 (default: one per free\n"
       "                       processor); results do not depend on it\n"
       "  --top N              table: show only the first N units\n"
       "  --help               this help\n");

static int
parse_pair(const char *opt, const char *s, double *a, double *b)
{
    char *end;

    *a = strtod(s, &end);
    if (end == s || *end != ',' || !isfinite(*a)) {
        return cli_usage_error("uncertainty",
                               _("option %s expects two numbers A,B, got '%s'"),
                               opt, s);
    }
    s = end + 1;
    *b = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(*b)) {
        return cli_usage_error("uncertainty",
                               _("option %s expects two numbers A,B, got '%s'"),
                               opt, s);
    }
    return 0;
}

/* Parse a comma-separated list of methods; is_norm selects the kind. */
static int
parse_list(const char *opt,
           const char *s,
           int is_norm,
           chiso_uncertainty_options *o)
{
    char item[32];
    size_t *n = is_norm ? &o->n_normalise : &o->n_aggregate;
    size_t cap = is_norm ? CHISO_NORM_COUNT : CHISO_AGG_COUNT, i;

    *n = 0;
    while (1) {
        size_t len = strcspn(s, ",");
        int bad;
        if (len == 0 || len >= sizeof(item)) {
            return cli_usage_error("uncertainty",
                                   _("option %s expects a comma-separated list "
                                     "of methods"),
                                   opt);
        }
        memcpy(item, s, len);
        item[len] = '\0';
        if (*n == cap) {
            return cli_usage_error("uncertainty", _("too many methods in %s"),
                                   opt);
        }
        bad = is_norm ? chiso_cmp_norm_parse(item, &o->normalise[*n])
                      : chiso_cmp_agg_parse(item, &o->aggregate[*n]);
        if (bad) {
            return cli_usage_error(
                "uncertainty", _("unknown method '%s' in %s (expected %s)"),
                item, opt,
                is_norm ? _("minmax, zscore, rank, goalposts or target")
                        : _("arithmetic, geometric or harmonic"));
        }
        for (i = 0; i < *n; i++) {
            if (is_norm ? o->normalise[i] == o->normalise[*n]
                        : o->aggregate[i] == o->aggregate[*n]) {
                return cli_usage_error("uncertainty",
                                       _("method '%s' is listed twice in %s"),
                                       item, opt);
            }
        }
        (*n)++;
        s += len;
        if (*s == '\0') {
            return 0;
        }
        s++;
    }
}

static void
progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    fputc('\r', stderr);
    fprintf(stderr, _("chiso: uncertainty %3d%% (%zu/%zu replicates)"),
            (int)(100.0 * (double)done / (double)total), done, total);
    if (done == total) {
        fputs("\r\033[K", stderr);
    }
    fflush(stderr);
}

static void
print_list(const chiso_uncertainty_options *o, int is_norm)
{
    size_t i, n = is_norm ? o->n_normalise : o->n_aggregate;

    for (i = 0; i < n; i++) {
        printf("%s%s", i ? ", " : "",
               is_norm ? chiso_cmp_norm_name(o->normalise[i])
                       : chiso_cmp_agg_name(o->aggregate[i]));
    }
}

static void
print_table(const chiso_uncertainty_result *res, long top)
{
    const chiso_composite *m = res->model;
    const chiso_uncertainty_options *o = &res->opts;
    size_t i, n = res->n_units;
    FILE *f = stdout;
    char buf[64];

    printf("%s: %s (%s)\n", _("Rank uncertainty"), m->nodes[m->root].name,
           m->nodes[m->root].code);
    printf("%s: %s, %s; %zu %s%s%s\n", _("Data"), m->data_path, m->meta_path,
           m->n_units, _("units"), m->time ? ", Time " : "",
           m->time ? m->time : "");
    printf("%s: %zu, %s %llu (SplitMix64); %s x U(%g, %g)\n", _("Replicates"),
           o->replicates, _("seed"), (unsigned long long)o->seed, _("weights"),
           1.0 - o->weight_noise, 1.0 + o->weight_noise);
    printf("%s: ", _("Normalisation"));
    print_list(o, 1);
    printf("; %s: ", _("aggregation"));
    print_list(o, 0);
    printf(" (%s: %s, %s)\n\n", _("nominal"),
           chiso_cmp_norm_name(o->normalise[0]),
           chiso_cmp_agg_name(o->aggregate[0]));
    cli_cell(f, _("Rank"), 5, 1);
    fputs("  ", f);
    cli_cell(f, _("Code"), 8, 0);
    cli_cell(f, _("Name"), 24, 0);
    cli_cell(f, _("Score"), 9, 1);
    cli_cell(f, _("Median"), 9, 1);
    cli_cell(f, _("5–95% range"), 14, 1);
    putchar('\n');
    cli_rule(f, '-', 5 + 2 + 8 + 24 + 9 + 9 + 14);
    putchar('\n');
    for (i = 0; i < n && (top < 0 || (long)i < top); i++) {
        size_t u = res->order[i];
        if (res->nominal_rank[u] > 0) {
            snprintf(buf, sizeof(buf), "%u", res->nominal_rank[u]);
        } else {
            snprintf(buf, sizeof(buf), "-");
        }
        cli_cell(f, buf, 5, 1);
        fputs("  ", f);
        cli_cell(f, m->unit_code[u], 8, 0);
        cli_cell(f, m->unit_name[u], 24, 0);
        cli_num(f, res->nominal_score[u], 2, 9);
        if (isfinite(res->median_rank[u])) {
            snprintf(buf, sizeof(buf), "%g", res->median_rank[u]);
            cli_cell(f, buf, 9, 1);
            snprintf(buf, sizeof(buf), "%g–%g", res->p5_rank[u],
                     res->p95_rank[u]);
            cli_cell(f, buf, 14, 1);
        } else {
            cli_cell(f, "-", 9, 1);
            cli_cell(f, "-", 14, 1);
        }
        putchar('\n');
    }
    if (top >= 0 && (size_t)top < n) {
        printf("... %zu %s\n", n - (size_t)top, _("more units (--top)"));
    }
    printf("\n%s\n",
           _("When two units' 5–95% ranges overlap, the difference between "
             "their ranks may not be real."));
}

static int
write_csv_file(const chiso_uncertainty_result *res,
               const char *path,
               int replicates)
{
    chiso_outfile *f = NULL;
    chiso_csvw w;
    int rc = cli_csv_open(path, &f, &w);

    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    if (replicates) {
        chiso_uncertainty_write_replicates_csv(res, &w);
    } else {
        chiso_uncertainty_write_csv(res, &w);
    }
    return cli_out_commit(&f);
}

static const cli_option uncertainty_options[] = {
    {"replicates", required_argument, 'N', NULL, NULL},
    {"seed", required_argument, 's', NULL, NULL},
    {"weights-noise", required_argument, 'w', NULL, NULL},
    {"weight-noise", required_argument, 'w', NULL, NULL},
    {"normalise", required_argument, 'n', NULL, NULL},
    {"normalize", required_argument, 'n', NULL, NULL},
    {"aggregate", required_argument, 'a', NULL, NULL},
    {"range", required_argument, 'r', NULL, NULL},
    {"zscore", required_argument, 'z', NULL, NULL},
    {"time", required_argument, 't', NULL, NULL},
    {"csv", required_argument, 'c', NULL, NULL},
    {"json", required_argument, 'j', NULL, NULL},
    {"replicates-csv", required_argument, 'R', NULL, NULL},
    {"threads", required_argument, 'T', NULL, NULL},
    {"top", required_argument, 'k', NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};

int
cmd_uncertainty(int argc, char **argv)
{
    cli_parser op;
    chiso_uncertainty_options opts = CHISO_UNCERTAINTY_OPTIONS_INIT;
    chiso_composite_load_options lopts = CHISO_COMPOSITE_LOAD_OPTIONS_INIT;
    const char *json_path = NULL, *csv_path = NULL, *rep_path = NULL;
    chiso_composite *m = NULL;
    chiso_uncertainty_result *res = NULL;
    chiso_diag diag;
    long top = -1, v;
    int c, rc = CLI_EXIT_OK, n_stdout = 0;
    const char *inputs[2];
    char *end;

    chiso_diag_clear(&diag);
    diag.lang = cli_stats_lang();
    cli_parser_init(&op, "uncertainty", uncertainty_help, NULL,
                    uncertainty_options, NULL, NULL);
    optind = 0;
    while ((c = cli_getopt(&op, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_EXIT) {
            rc = op.rc;
            goto out;
        }
        switch (c) {
        case 'N':
            if (cli_parse_long("uncertainty", "--replicates", optarg, &v) !=
                0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            if (v < 1 || v > 100000000) {
                rc = cli_usage_error("uncertainty",
                                     _("--replicates must be between 1 and "
                                       "100000000, got %ld"),
                                     v);
                goto out;
            }
            opts.replicates = (size_t)v;
            break;
        case 's': {
            unsigned long long sv;
            errno = 0;
            sv = strtoull(optarg, &end, 10);
            if (optarg[0] == '\0' || optarg[0] == '-' || *end != '\0' ||
                errno != 0) {
                rc =
                    cli_usage_error("uncertainty",
                                    _("--seed expects a whole number from 0 to "
                                      "18446744073709551615, got '%s'"),
                                    optarg);
                goto out;
            }
            opts.seed = (uint64_t)sv;
            break;
        }
        case 'w':
            if (cli_parse_double("uncertainty", "--weights-noise", optarg,
                                 &opts.weight_noise) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            if (!(opts.weight_noise >= 0 && opts.weight_noise < 1)) {
                rc = cli_usage_error("uncertainty",
                                     _("--weights-noise must be at least 0 and "
                                       "below 1 (0.25 = +-25%%), got '%s'"),
                                     optarg);
                goto out;
            }
            break;
        case 'n':
            if (parse_list("--normalise", optarg, 1, &opts) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            break;
        case 'a':
            if (parse_list("--aggregate", optarg, 0, &opts) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            break;
        case 'r':
            if (parse_pair("--range", optarg, &opts.range_lo, &opts.range_hi) !=
                0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            if (!(opts.range_lo < opts.range_hi)) {
                rc = cli_usage_error("uncertainty",
                                     _("--range LO,HI needs LO < HI, got '%s'"),
                                     optarg);
                goto out;
            }
            break;
        case 'z':
            if (parse_pair("--zscore", optarg, &opts.zscore_mean,
                           &opts.zscore_sd) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            if (!(opts.zscore_sd > 0)) {
                rc = cli_usage_error(
                    "uncertainty", _("--zscore MEAN,SD needs SD > 0, got '%s'"),
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
        case 'R':
            rep_path = optarg;
            opts.keep_replicates = 1;
            break;
        case 'T':
            if (cli_parse_long("uncertainty", "--threads", optarg, &v) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            if (v < 1 || v > 16) {
                rc = cli_usage_error(
                    "uncertainty", _("--threads must be 1 to 16, got %ld"), v);
                goto out;
            }
            opts.threads = (unsigned)v;
            break;
        case 'k':
            if (cli_parse_long("uncertainty", "--top", optarg, &top) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            if (top < 0) {
                rc = cli_usage_error("uncertainty",
                                     _("--top must be 0 or more"));
                goto out;
            }
            break;
        default:
            break;
        }
    }
    if (argc - optind != 2) {
        rc = cli_usage_error("uncertainty",
                             argc - optind == 1
                                 ? _("expected DATA.csv and META.csv, got "
                                     "%d argument")
                                 : _("expected DATA.csv and META.csv, got "
                                     "%d arguments"),
                             argc - optind);
        goto out;
    }
    n_stdout = (json_path && strcmp(json_path, "-") == 0) +
               (csv_path && strcmp(csv_path, "-") == 0) +
               (rep_path && strcmp(rep_path, "-") == 0);
    if (n_stdout > 1) {
        rc = cli_usage_error("uncertainty",
                             _("only one of --json, --csv and --replicates-csv "
                               "can write to standard output"));
        goto out;
    }
    inputs[0] = argv[optind];
    inputs[1] = argv[optind + 1];
    if (cli_check_not_input("uncertainty", json_path, inputs, 2) != 0 ||
        cli_check_not_input("uncertainty", csv_path, inputs, 2) != 0 ||
        cli_check_not_input("uncertainty", rep_path, inputs, 2) != 0) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (cli_stderr_is_tty()) {
        opts.progress = progress;
    }
    if (chiso_composite_load(&m, inputs[0], inputs[1], &lopts, &diag) !=
            CHISO_OK ||
        chiso_uncertainty_run(&res, m, &opts, &diag) != CHISO_OK) {
        rc = cli_report(&diag);
        goto out;
    }
    if (n_stdout == 0) {
        print_table(res, top);
    }
    if (csv_path != NULL) {
        rc = write_csv_file(res, csv_path, 0);
        if (rc != CLI_EXIT_OK) {
            goto out;
        }
    }
    if (rep_path != NULL) {
        rc = write_csv_file(res, rep_path, 1);
        if (rc != CLI_EXIT_OK) {
            goto out;
        }
    }
    if (json_path != NULL) {
        cJSON *root = chiso_uncertainty_to_json(res);
        if (root == NULL) {
            fprintf(stderr, "chiso: %s\n", _("out of memory"));
            rc = CLI_EXIT_INTERNAL;
            goto out;
        }
        rc = cli_write_json(root, json_path);
        cJSON_Delete(root);
    }
out:
    chiso_uncertainty_result_free(res);
    chiso_composite_free(m);
    return rc;
}

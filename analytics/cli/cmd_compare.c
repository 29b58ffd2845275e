/*
 * cmd_compare.c - chiso compare --x INDEX --y INDEX --year Y | --data FILE
 *
 * Pearson and Spearman correlation of two indices over the units both
 * cover, with p-values and n.
 */
#define _GNU_SOURCE
#include "cli_stats.h"
#include "commands.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char compare_help[] =
    N_("Usage: chiso compare --x INDEX[:COMP] --y INDEX[:COMP] --year "
       "YEAR [options]\n"
       "       chiso compare --data FILE.csv --x COLUMN --y COLUMN "
       "[options]\n"
       "\n"
       "Pearson and Spearman correlation (with p-values and n) of two "
       "indices\n"
       "across the units that have both values.\n"
       "\n"
       "Options:\n"
       "  --x, --y             indices (INDEX or INDEX:COMPONENT) in the "
       "store,\n"
       "                       or column names of --data\n"
       "  --year YEAR          the year (store only)\n"
       "  --unit-type TYPE     province (default), ministry, department, "
       "region\n"
       "  --data FILE.csv      a table of your own: a unit column and the "
       "two\n"
       "                       value columns\n"
       "  --published DIR      the store directory (default the shipped "
       "store)\n"
       "  --json FILE|-        write JSON (- = stdout, no table)\n"
       "  --csv FILE           write the paired values, one row per unit\n"
       "  --help               this help\n"
       "\n"
       "Spearman uses average ranks for ties; its p-value is the t "
       "approximation\n"
       "(not an exact permutation p-value). n < 3 or a constant variable "
       "is refused.\n|r| = 1 exactly: t infinite, p = 0.\n");

static void
print_corr(const char *name, const chiso_corr *c)
{
    char t[32];

    /* |r| = 1 exactly: t is infinite and p is 0, printed as such */
    if (c->t_infinite) {
        snprintf(t, sizeof(t), "%s", c->t < 0 ? "-∞" : "∞");
    } else {
        snprintf(t, sizeof(t), "%.4f", c->t);
    }
    printf("  %-9s r = %.4f   t = %s   df = %.0f   p = %.4g   n = %zu\n", name,
           c->r, t, c->df, c->p_value, c->n);
}

static void
print_table(const chiso_compare_result *res,
            const char *title,
            const char *xl,
            const char *yl)
{
    FILE *o = stdout;
    size_t i;

    printf("%s\n\n", title);
    cli_cell(o, _("Unit"), 28, 0);
    cli_cell(o, xl, 14, 1);
    cli_cell(o, yl, 14, 1);
    fputc('\n', o);
    for (i = 0; i < res->n; i++) {
        cli_cell(o, res->pairs[i].unit, 28, 0);
        cli_num_short(o, res->pairs[i].x, 14);
        cli_num_short(o, res->pairs[i].y, 14);
        fputc('\n', o);
    }
    printf("\n%s (n = %zu):\n", _("Correlation"), res->n);
    print_corr("Pearson", &res->pearson);
    print_corr("Spearman", &res->spearman);
    printf("  %s\n", _("Spearman: average ranks for ties; p by the t "
                       "approximation."));
    if (res->n_only_x > 0 || res->n_only_y > 0) {
        printf("\n%s\n", _("Only one of the two values (not used):"));
        for (i = 0; i < res->n_only_x; i++) {
            printf("  %s: %s %s\n", res->only_x[i], _("only"), xl);
        }
        for (i = 0; i < res->n_only_y; i++) {
            printf("  %s: %s %s\n", res->only_y[i], _("only"), yl);
        }
    }
}

static int
write_csv(const chiso_compare_result *res, const char *path)
{
    chiso_outfile *f = NULL;
    chiso_csvw w;
    size_t i;
    double *x = NULL, *y = NULL, *rx = NULL, *ry = NULL;
    int rc = cli_csv_open(path, &f, &w);

    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    x = malloc((res->n + 1) * sizeof(*x));
    y = malloc((res->n + 1) * sizeof(*y));
    rx = malloc((res->n + 1) * sizeof(*rx));
    ry = malloc((res->n + 1) * sizeof(*ry));
    if (!x || !y || !rx || !ry) {
        free(x);
        free(y);
        free(rx);
        free(ry);
        chiso_outfile_abort(f);
        fprintf(stderr, "chiso: %s\n", _("out of memory"));
        return CLI_EXIT_INTERNAL;
    }
    for (i = 0; i < res->n; i++) {
        x[i] = res->pairs[i].x;
        y[i] = res->pairs[i].y;
    }
    chiso_stats_average_ranks(x, res->n, rx);
    chiso_stats_average_ranks(y, res->n, ry);
    chiso_csvw_text(&w, "unit_code");
    chiso_csvw_text(&w, "unit");
    chiso_csvw_text(&w, "x");
    chiso_csvw_text(&w, "y");
    chiso_csvw_text(&w, "x_rank");
    chiso_csvw_text(&w, "y_rank");
    chiso_csvw_end(&w);
    for (i = 0; i < res->n; i++) {
        chiso_csvw_text(&w, res->pairs[i].unit_code);
        chiso_csvw_text(&w, res->pairs[i].unit);
        cli_csv_num(&w, x[i]);
        cli_csv_num(&w, y[i]);
        cli_csv_num(&w, rx[i]);
        cli_csv_num(&w, ry[i]);
        chiso_csvw_end(&w);
    }
    free(x);
    free(y);
    free(rx);
    free(ry);
    return cli_csv_commit(f);
}

static const cli_option compare_options[] = {
    {"x", required_argument, 'x', NULL, NULL},
    {"y", required_argument, 'Y', NULL, NULL},
    {"year", required_argument, 'y', NULL, NULL},
    {"unit-type", required_argument, 't', NULL, NULL},
    {"data", required_argument, 'd', NULL, NULL},
    {"published", required_argument, 'p', NULL, NULL},
    {"json", required_argument, 'j', NULL, NULL},
    {"csv", required_argument, 'c', NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};

int
cmd_compare(int argc, char **argv)
{
    cli_parser op;
    const char *xs = NULL, *ys = NULL, *json = NULL, *csv = NULL, *pub = NULL,
               *data = NULL, *unit_type = NULL;
    long year = 0;
    int c, rc = CLI_EXIT_OK, have_year = 0;
    char xi[64], xc[64], yi[64], yc[64], title[512];
    chiso_published *store = NULL;
    chiso_user_table *tbl = NULL;
    chiso_rank_input *inx = NULL, *iny = NULL;
    size_t nx = 0, ny = 0, i;
    chiso_compare_result *res = NULL;
    chiso_diag d;
    const char *inputs[2] = {NULL, NULL};
    const char *xl, *yl;

    chiso_diag_clear(&d);
    d.lang = cli_stats_lang();
    cli_parser_init(&op, "compare", compare_help, NULL, compare_options, NULL,
                    NULL);
    optind = 0;
    while ((c = cli_getopt(&op, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_EXIT) {
            return op.rc;
        }
        switch (c) {
        case 'x':
            xs = optarg;
            break;
        case 'Y':
            ys = optarg;
            break;
        case 'y':
            if (cli_parse_long("compare", "--year", optarg, &year) != 0) {
                return CLI_EXIT_USAGE;
            }
            have_year = 1;
            break;
        case 't':
            unit_type = optarg;
            break;
        case 'd':
            data = optarg;
            break;
        case 'p':
            pub = optarg;
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
    if (optind < argc) {
        return cli_usage_error("compare", _("unexpected argument '%s'"),
                               argv[optind]);
    }
    if (xs == NULL || ys == NULL) {
        return cli_usage_error("compare", _("--x and --y are required"));
    }
    if (data == NULL && !have_year) {
        return cli_usage_error("compare", _("--year is required (or give "
                                            "--data FILE.csv)"));
    }
    if (data != NULL && (have_year || unit_type != NULL)) {
        return cli_usage_error("compare", _("--year and --unit-type apply to "
                                            "the store, not to --data"));
    }
    if (json != NULL && csv != NULL && strcmp(json, "-") == 0 &&
        strcmp(csv, "-") == 0) {
        return cli_usage_error("compare", _("--json and --csv cannot both be "
                                            "standard output"));
    }
    xl = xs;
    yl = ys;
    if (data != NULL) {
        const char *cols[2];
        cols[0] = xs;
        cols[1] = ys;
        if (chiso_user_table_load(&tbl, data, cols, 2, &d) != CHISO_OK) {
            rc = cli_report(&d);
            goto out;
        }
        inx = calloc(tbl->n + 1, sizeof(*inx));
        iny = calloc(tbl->n + 1, sizeof(*iny));
        if (inx == NULL || iny == NULL) {
            rc = CLI_EXIT_INTERNAL;
            goto out;
        }
        for (i = 0; i < tbl->n; i++) {
            inx[i].unit = iny[i].unit = tbl->unit[i];
            inx[i].unit_code = iny[i].unit_code = "";
            inx[i].value = tbl->value[2 * i];
            iny[i].value = tbl->value[2 * i + 1];
            inx[i].has_value = !isnan(inx[i].value);
            iny[i].has_value = !isnan(iny[i].value);
        }
        nx = ny = tbl->n;
        inputs[0] = data;
        snprintf(title, sizeof(title), "%s: %s (%s / %s)", _("Comparison"),
                 data, xs, ys);
    } else {
        if (cli_split_index("compare", "--x", xs, xi, sizeof(xi), xc,
                            sizeof(xc)) != 0 ||
            cli_split_index("compare", "--y", ys, yi, sizeof(yi), yc,
                            sizeof(yc)) != 0) {
            rc = CLI_EXIT_USAGE;
            goto out;
        }
        rc = cli_load_published(cli_published_dir(pub), &store);
        if (rc != CLI_EXIT_OK) {
            goto out;
        }
        if (chiso_rank_inputs_from_store(&inx, &nx, store, xi, xc, (int)year,
                                         unit_type, NULL, &d) != CHISO_OK ||
            chiso_rank_inputs_from_store(&iny, &ny, store, yi, yc, (int)year,
                                         unit_type, NULL, &d) != CHISO_OK) {
            rc = cli_report(&d);
            goto out;
        }
        inputs[0] = store->path;
        inputs[1] = store->breaks_path;
        snprintf(title, sizeof(title), "%s %s / %s, %ld (%s)", _("Comparison"),
                 xs, ys, year, _(unit_type ? unit_type : "province"));
    }
    if (cli_check_not_input("compare", json, inputs, 2) != 0 ||
        cli_check_not_input("compare", csv, inputs, 2) != 0) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (chiso_compare_compute(&res, inx, nx, iny, ny, &d) != CHISO_OK) {
        if (d.path[0] == '\0') {
            snprintf(d.path, sizeof(d.path), "%s", data ? data : store->path);
        }
        rc = cli_report(&d);
        goto out;
    }
    if ((json == NULL || strcmp(json, "-") != 0) &&
        (csv == NULL || strcmp(csv, "-") != 0)) {
        print_table(res, title, xl, yl);
    }
    if (csv != NULL && (rc = write_csv(res, csv)) != CLI_EXIT_OK) {
        goto out;
    }
    if (json != NULL) {
        cJSON *root, *what = cJSON_CreateObject();
        cJSON_AddItemToObject(what, "source",
                              cJSON_CreateString(data ? "data" : "store"));
        cJSON_AddItemToObject(what, "path",
                              cJSON_CreateString(data ? data : store->path));
        cJSON_AddItemToObject(what, "x", cJSON_CreateString(xs));
        cJSON_AddItemToObject(what, "y", cJSON_CreateString(ys));
        cJSON_AddItemToObject(what, "year",
                              data ? cJSON_CreateNull()
                                   : cJSON_CreateNumber((double)year));
        cJSON_AddItemToObject(
            what, "unit_type",
            data ? cJSON_CreateNull()
                 : cJSON_CreateString(unit_type ? unit_type : "province"));
        root = chiso_compare_to_json(res, what);
        rc = cli_write_json(root, json);
        cJSON_Delete(root);
    }
out:
    chiso_compare_free(res);
    free(inx);
    free(iny);
    chiso_user_table_free(tbl);
    chiso_published_free(store);
    return rc;
}

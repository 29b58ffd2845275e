/*
 * cmd_rank.c - chiso rank --index INDEX --year Y | --data FILE.csv
 *
 * Ranks the units of one index-year from the published store, or the rows
 * of a user's own table (unit, value), and lists the units that have no
 * value with the reason.
 */
#define _GNU_SOURCE
#include "cli_stats.h"
#include "commands.h"

#include "chiso_fwtable.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char rank_help[] =
    N_("Usage: chiso rank --index INDEX[:COMPONENT] --year YEAR [options]\n"
       "       chiso rank --data FILE.csv [options]\n"
       "\n"
       "Competition ranks (1, 2, 2, 4), percentiles, quartile groups and\n"
       "classification bands of the units of one index in one year.\n"
       "\n"
       "Options:\n"
       "  --index INDEX[:COMP] index (and component) in the published "
       "store\n"
       "  --year YEAR          the year to rank\n"
       "  --unit-type TYPE     province (default), ministry, department, "
       "region\n"
       "  --data FILE.csv      rank a table of your own: columns unit and "
       "value\n"
       "                       (Vietnamese headers accepted: don_vi, "
       "gia_tri/diem)\n"
       "  --column NAME        the value column of --data (default value)\n"
       "  --lower-is-better    rank ascending (default: higher is better)\n"
       "  --framework FILE     add the framework's classification bands\n"
       "  --published DIR      the store directory (default the shipped "
       "store)\n"
       "  --json FILE|-        write JSON (- = stdout, no table)\n"
       "  --csv FILE           write one CSV row per unit\n"
       "  --help               this help\n");

static const char *
group_label(int g)
{
    switch (g) {
    case 1:
        return _("1 best");
    case 2:
        return _("2 high-average");
    case 3:
        return _("3 low-average");
    case 4:
        return _("4 poor");
    default:
        return "-";
    }
}

static void
print_table(const chiso_rank_result *res,
            const char *title,
            int store,
            const chiso_framework *fw)
{
    FILE *o = stdout;
    size_t i;
    char buf[64];

    printf("%s\n", title);
    printf("%s: %zu; %s\n\n", _("Units with a value"), res->n,
           res->higher_is_better ? _("higher is better")
                                 : _("lower is better"));
    cli_cell(o, _("Rank"), 5, 1);
    fputs("  ", o);
    cli_cell(o, _("Unit"), 28, 0);
    cli_cell(o, _("Value"), 10, 1);
    cli_cell(o, _("Pctile"), 8, 1);
    fputs("  ", o);
    cli_cell(o, _("Group"), 18, 0);
    if (fw != NULL) {
        cli_cell(o, _("Band"), 14, 0);
    }
    if (store) {
        fputs(_("Published rank"), o);
    }
    fputc('\n', o);
    for (i = 0; i < res->n; i++) {
        const chiso_rank_item *it = &res->items[i];
        snprintf(buf, sizeof(buf), "%ld", it->rank);
        cli_cell(o, buf, 5, 1);
        fputs("  ", o);
        cli_cell(o, it->in->unit, 28, 0);
        cli_num_short(o, it->in->value, 10);
        cli_num(o, it->percentile, 2, 8);
        fputs("  ", o);
        cli_cell(o, group_label(it->group), 18, 0);
        if (fw != NULL) {
            cli_cell(o, it->band ? it->band->label : "-", 14, 0);
        }
        if (store && it->in->published_rank > 0) {
            printf("%ld/%ld%s", it->in->published_rank,
                   it->in->published_rank_of,
                   it->in->rank_derived ? _(" (derived)") : "");
        }
        fputc('\n', o);
    }
    if (res->groups) {
        printf("\n%s: Q1 = %.10g, Q2 = %.10g, Q3 = %.10g; %s %zu / %zu / "
               "%zu / %zu\n",
               _("Quartiles (type 7)"), res->q1, res->q2, res->q3,
               _("units per group"), res->group_count[0], res->group_count[1],
               res->group_count[2], res->group_count[3]);
    } else {
        printf("\n%s\n", _("Quartile groups: not computed (needs at least 4 "
                           "units with a value)"));
    }
    if (res->n_unranked > 0) {
        printf("\n%s\n", _("Not ranked (no value):"));
        for (i = 0; i < res->n_unranked; i++) {
            const chiso_rank_input *x = res->unranked[i];
            printf("  %s: %s", x->unit,
                   x->reason && x->reason[0] ? _(x->reason) : _("no value"));
            if (x->published_rank > 0) {
                printf(" [%s %ld/%ld%s]", _("published rank"),
                       x->published_rank, x->published_rank_of,
                       x->rank_derived ? _(", derived") : "");
            }
            fputc('\n', o);
        }
    }
    if (store) {
        printf("\n%s\n",
               _("Note: ranks are among the units with a value in the store, "
                 "not the official ranking; the published rank is in the last "
                 "column."));
    }
}

static int
write_csv(const chiso_rank_result *res, const char *path)
{
    static const char *const head[] = {"rank",
                                       "unit_code",
                                       "unit",
                                       "value",
                                       "percentile",
                                       "group",
                                       "band_id",
                                       "band_label",
                                       "published_rank",
                                       "published_rank_of",
                                       "published_rank_derived",
                                       "ranked",
                                       "reason",
                                       NULL};
    chiso_outfile *f = NULL;
    chiso_csvw w;
    size_t i;
    int rc = cli_csv_open(path, &f, &w);

    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    chiso_csvw_row(&w, head);
    for (i = 0; i < res->n + res->n_unranked; i++) {
        const chiso_rank_item *it = i < res->n ? &res->items[i] : NULL;
        const chiso_rank_input *x = it ? it->in : res->unranked[i - res->n];
        if (it) {
            chiso_csvw_int(&w, it->rank);
        } else {
            chiso_csvw_text(&w, NULL);
        }
        chiso_csvw_text(&w, x->unit_code);
        chiso_csvw_text(&w, x->unit);
        cli_csv_num(&w, it ? x->value : (double)NAN);
        cli_csv_num(&w,
                    it ? chiso_round_half_up(it->percentile, 2) : (double)NAN);
        if (it && it->group > 0) {
            chiso_csvw_int(&w, it->group);
        } else {
            chiso_csvw_text(&w, NULL);
        }
        chiso_csvw_text(&w, it && it->band ? it->band->id : NULL);
        chiso_csvw_text(&w, it && it->band ? it->band->label : NULL);
        if (x->published_rank > 0) {
            chiso_csvw_int(&w, x->published_rank);
            chiso_csvw_int(&w, x->published_rank_of);
        } else {
            chiso_csvw_text(&w, NULL);
            chiso_csvw_text(&w, NULL);
        }
        chiso_csvw_int(&w, x->rank_derived);
        chiso_csvw_int(&w, it != NULL);
        chiso_csvw_text(&w,
                        it ? NULL : (x->reason ? _(x->reason) : _("no value")));
        chiso_csvw_end(&w);
    }
    return cli_csv_commit(f);
}

static const cli_option rank_options[] = {
    {"index", required_argument, 'i', NULL, NULL},
    {"year", required_argument, 'y', NULL, NULL},
    {"unit-type", required_argument, 't', NULL, NULL},
    {"data", required_argument, 'd', NULL, NULL},
    {"column", required_argument, 'k', NULL, NULL},
    {"lower-is-better", no_argument, 'L', NULL, NULL},
    {"framework", required_argument, 'f', NULL, NULL},
    {"published", required_argument, 'p', NULL, NULL},
    {"json", required_argument, 'j', NULL, NULL},
    {"csv", required_argument, 'c', NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};

int
cmd_rank(int argc, char **argv)
{
    cli_parser op;
    const char *spec = NULL, *json = NULL, *csv = NULL, *pub = NULL;
    const char *data = NULL, *column = "value", *fw_path = NULL;
    const char *unit_type = NULL, *scale = NULL;
    long year = 0;
    int c, rc = CLI_EXIT_OK, lower = 0, have_year = 0;
    char index[64], comp[64], title[512];
    chiso_published *store = NULL;
    chiso_user_table *tbl = NULL;
    chiso_framework *fw = NULL;
    chiso_rank_input *in = NULL;
    size_t n = 0, i;
    chiso_rank_result *res = NULL;
    chiso_diag d;
    const char *inputs[4] = {NULL, NULL, NULL, NULL};
    cJSON *what;

    chiso_diag_clear(&d);
    d.lang = cli_stats_lang();
    cli_parser_init(&op, "rank", rank_help, NULL, rank_options, NULL, NULL);
    optind = 0;
    while ((c = cli_getopt(&op, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_EXIT) {
            return op.rc;
        }
        switch (c) {
        case 'i':
            spec = optarg;
            break;
        case 'y':
            if (cli_parse_long("rank", "--year", optarg, &year) != 0) {
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
        case 'k':
            column = optarg;
            break;
        case 'L':
            lower = 1;
            break;
        case 'f':
            fw_path = optarg;
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
        return cli_usage_error("rank", _("unexpected argument '%s'"),
                               argv[optind]);
    }
    if ((data == NULL) == (spec == NULL)) {
        return cli_usage_error("rank", _("give either --index INDEX --year "
                                         "YEAR, or --data FILE.csv"));
    }
    if (spec != NULL && !have_year) {
        return cli_usage_error("rank", _("--year is required with --index"));
    }
    if (data != NULL && (have_year || unit_type != NULL)) {
        return cli_usage_error("rank", _("--year and --unit-type apply to "
                                         "--index, not to --data"));
    }
    if (spec != NULL &&
        cli_split_index("rank", "--index", spec, index, sizeof(index), comp,
                        sizeof(comp)) != 0) {
        return CLI_EXIT_USAGE;
    }
    if (json != NULL && csv != NULL && strcmp(json, "-") == 0 &&
        strcmp(csv, "-") == 0) {
        return cli_usage_error("rank", _("--json and --csv cannot both be "
                                         "standard output"));
    }
    if (fw_path != NULL) {
        if (chiso_fwtable_load(&fw, fw_path, &d) != CHISO_OK) {
            rc = cli_report(&d);
            goto out;
        }
        if (fw->n_classes == 0) {
            rc = cli_usage_error("rank",
                                 _("framework '%s' has no "
                                   "\"classification\" bands"),
                                 fw_path);
            goto out;
        }
    }
    if (data != NULL) {
        const char *cols[1];
        cols[0] = column;
        if (chiso_user_table_load(&tbl, data, cols, 1, &d) != CHISO_OK) {
            rc = cli_report(&d);
            goto out;
        }
        in = calloc(tbl->n + 1, sizeof(*in));
        if (in == NULL) {
            rc = CLI_EXIT_INTERNAL;
            goto out;
        }
        for (i = 0; i < tbl->n; i++) {
            in[i].unit = tbl->unit[i];
            in[i].unit_code = "";
            in[i].has_value = !isnan(tbl->value[i]);
            in[i].value = tbl->value[i];
            in[i].reason = tbl->note[i][0] ? tbl->note[i] : N_("no value");
        }
        n = tbl->n;
        inputs[0] = data;
        snprintf(title, sizeof(title), "%s: %s (%s '%s')", _("Ranking"), data,
                 _("column"), tbl->col_name[0]);
    } else {
        rc = cli_load_published(cli_published_dir(pub), &store);
        if (rc != CLI_EXIT_OK) {
            goto out;
        }
        if (chiso_rank_inputs_from_store(&in, &n, store, index, comp, (int)year,
                                         unit_type, &scale, &d) != CHISO_OK) {
            rc = cli_report(&d);
            goto out;
        }
        if (fw != NULL && scale != NULL && strcmp(scale, "%") != 0) {
            rc = cli_usage_error("rank",
                                 _("classification bands apply to "
                                   "scores in %%; %s is on the scale "
                                   "'%s'"),
                                 spec, scale);
            goto out;
        }
        inputs[0] = store->path;
        inputs[1] = store->breaks_path;
        snprintf(title, sizeof(title), "%s %s%s%s %ld (%s, %s)", _("Ranking"),
                 index, comp[0] ? ":" : "", comp, year,
                 _(unit_type ? unit_type : "province"), scale ? scale : "");
    }
    inputs[2] = fw_path;
    if (cli_check_not_input("rank", json, inputs, 3) != 0 ||
        cli_check_not_input("rank", csv, inputs, 3) != 0) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (chiso_rank_compute(&res, in, n, !lower, fw, &d) != CHISO_OK) {
        if (d.path[0] == '\0') {
            snprintf(d.path, sizeof(d.path), "%s", data ? data : store->path);
        }
        rc = cli_report(&d);
        goto out;
    }
    if ((json == NULL || strcmp(json, "-") != 0) &&
        (csv == NULL || strcmp(csv, "-") != 0)) {
        print_table(res, title, store != NULL, fw);
    }
    if (csv != NULL && (rc = write_csv(res, csv)) != CLI_EXIT_OK) {
        goto out;
    }
    if (json != NULL) {
        cJSON *root;
        what = cJSON_CreateObject();
        if (store != NULL) {
            cJSON_AddItemToObject(what, "source", cJSON_CreateString("store"));
            cJSON_AddItemToObject(what, "path",
                                  cJSON_CreateString(store->path));
            cJSON_AddItemToObject(what, "index", cJSON_CreateString(index));
            cJSON_AddItemToObject(what, "component_id",
                                  comp[0] ? cJSON_CreateString(comp)
                                          : cJSON_CreateNull());
            cJSON_AddItemToObject(what, "year",
                                  cJSON_CreateNumber((double)year));
            cJSON_AddItemToObject(
                what, "unit_type",
                cJSON_CreateString(unit_type ? unit_type : "province"));
            cJSON_AddItemToObject(what, "scale",
                                  cJSON_CreateString(scale ? scale : ""));
        } else {
            cJSON_AddItemToObject(what, "source", cJSON_CreateString("data"));
            cJSON_AddItemToObject(what, "path", cJSON_CreateString(data));
            cJSON_AddItemToObject(what, "column",
                                  cJSON_CreateString(tbl->col_name[0]));
        }
        cJSON_AddItemToObject(what, "framework",
                              fw_path ? cJSON_CreateString(fw_path)
                                      : cJSON_CreateNull());
        root = chiso_rank_to_json(res, what, cli_stats_lang());
        rc = cli_write_json(root, json);
        cJSON_Delete(root);
    }
out:
    chiso_rank_free(res);
    free(in);
    chiso_user_table_free(tbl);
    chiso_framework_free(fw);
    chiso_published_free(store);
    return rc;
}

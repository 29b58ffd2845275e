/*
 * cmd_trend.c - chiso trend --index INDEX[:COMPONENT] [--unit UNIT] ...
 *
 * Prints, per unit, the value series and the rank series with their
 * year-on-year changes and one OLS slope per segment between breaks.
 */
#define _GNU_SOURCE
#include "cli_stats.h"
#include "commands.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char trend_help[] =
    N_("Usage: chiso trend --index INDEX[:COMPONENT] [options]\n"
       "\n"
       "Year-on-year changes and OLS slopes (95% CI, p-value) of a "
       "published\n"
       "index, per segment between methodology breaks, never across one.\n"
       "\n"
       "Options:\n"
       "  --index INDEX[:COMP] index code (PAR_INDEX, SIPAS, PAPI, ...), "
       "optionally\n"
       "                       a component id (PAPI:D6); default the total\n"
       "  --unit UNIT          one unit, by name (\"Hưng Yên\") or code "
       "(hung-yen);\n"
       "                       default every unit with rows\n"
       "  --unit-type TYPE     only units of this type (province, region, "
       "...)\n"
       "  --level P            confidence level of the interval (default "
       "0.95)\n"
       "  --published DIR      the store (results.csv, breaks.csv); "
       "default\n"
       "                       $CHISO_PUBLISHED_DIR or the shipped store\n"
       "  --json FILE|-        write JSON (- = stdout, no table)\n"
       "  --csv FILE           write one CSV row per observation\n"
       "  --help               this help\n");

static void
print_series(const chiso_trend_series *s, const char *scale)
{
    size_t i, k, seg = 0;
    FILE *o = stdout;
    int width = 6;

    if (s->ranks) {
        printf("  %s\n", _("Rank (lower is better):"));
    } else {
        printf("  %s (%s):\n", _("Value"), scale);
    }
    if (s->n_points == 0) {
        printf("    %s\n", s->note);
        return;
    }
    /* "2024" or "2024-H1": the column fits the longest period */
    for (i = 0; i < s->n_points; i++) {
        if (strlen(s->points[i].period) + 1 > (size_t)width) {
            width = (int)strlen(s->points[i].period) + 1;
        }
    }
    fputs("    ", o);
    cli_cell(o, _("Year"), width, 0);
    cli_cell(o, s->ranks ? _("Rank") : _("Value"), 9, 1);
    cli_cell(o, s->ranks ? _("/ of") : "", 7, 1);
    cli_cell(o, _("Change"), 10, 1);
    fputs("  ", o);
    cli_cell(o, _("Conf."), 11, 0);
    fputs(_("Note"), o);
    fputc('\n', o);
    for (i = 0; i < s->n_points; i++) {
        const chiso_trend_point *p = &s->points[i];
        char buf[32];
        fputs("    ", o);
        cli_cell(o, p->period, width, 0);
        if (s->ranks) {
            snprintf(buf, sizeof(buf), "%.0f", p->y);
            cli_cell(o, buf, 9, 1);
            snprintf(buf, sizeof(buf), "/%ld", p->rank_of);
            cli_cell(o, buf, 7, 1);
        } else {
            cli_num(o, p->y, p->row->value_decimals, 9);
            cli_cell(o, "", 7, 1);
        }
        if (i == 0) {
            cli_cell(o, "", 10, 1);
        } else if (s->changes[i - 1].comparable) {
            snprintf(
                buf, sizeof(buf), "%+.*f",
                s->ranks ? 0 : p->row->value_decimals,
                chiso_round_half_up(s->changes[i - 1].change,
                                    s->ranks ? 0 : p->row->value_decimals));
            cli_cell(o, buf, 10, 1);
        } else {
            cli_cell(o, _("n/c"), 10, 1);
        }
        fputs("  ", o);
        cli_cell(o, _(p->row->confidence), 11, 0);
        if (s->ranks && p->row->rank_derived) {
            fputs(_("derived rank"), o);
        }
        fputc('\n', o);
    }
    for (k = 0; k < s->n_changes; k++) {
        if (!s->changes[k].comparable) {
            printf("    %s -> %s %s: %s\n", s->points[k].period,
                   s->points[k + 1].period, _("not comparable"),
                   s->changes[k].reason);
        }
    }
    for (seg = 0; seg < s->n_segments; seg++) {
        const chiso_trend_segment *g = &s->segments[seg];
        /* "2017-2019"; "2022-H2 – 2023-H2" for parts of years */
        printf("    %s %s%s%s (n = %zu", _("Segment"),
               s->points[g->first].period,
               strchr(s->points[g->first].period, '-') ? " – " : "-",
               s->points[g->first + g->n - 1].period, g->n);
        if (s->ranks) {
            printf(", /%ld", g->rank_of);
        }
        fputs("): ", o);
        if (!g->computable) {
            printf("%s\n", _("slope not computable"));
            printf("      %s\n", g->reason);
            continue;
        }
        printf("%s %+.4g/%s, CI %.0f%% [%.4g, %.4g], ", _("slope"),
               g->ols.slope, _("year"), g->ols.level * 100, g->ols.ci_low,
               g->ols.ci_high);
        if (g->ols.perfect_fit) {
            printf("%s\n", _("perfect fit: p undefined"));
        } else {
            printf("p = %.4g\n", g->ols.p_value);
        }
    }
}

static void
print_table(const chiso_trend_result *res)
{
    size_t i;

    printf("%s: %s%s%s\n", _("Trend"), res->index,
           res->component_id[0] ? ":" : "", res->component_id);
    printf("%s: %s\n", _("Store"), res->store->path);
    for (i = 0; i < res->n_units; i++) {
        const chiso_trend_unit *u = &res->units[i];
        printf("\n%s [%s]\n", u->unit, u->unit_code);
        print_series(&u->values, u->scale);
        print_series(&u->ranks, u->scale);
    }
    if (res->n_breaks > 0) {
        printf("\n%s\n", _("Methodology breaks that apply:"));
        for (i = 0; i < res->n_breaks; i++) {
            const chiso_pub_break *b = res->breaks[i];
            printf("  %d %s%s%s%s: %s\n", b->year,
                   b->index[0] ? b->index : _("every index"),
                   b->unit_code[0] ? " " : "", b->unit_code,
                   b->kind == CHISO_BREAK_RANKING_BASE ? _(" (ranks only)")
                                                       : "",
                   b->what_changed);
        }
    }
    if (res->n_skipped > 0) {
        printf("\n%s\n", _("Rows not used:"));
        for (i = 0; i < res->n_skipped; i++) {
            const chiso_trend_skip *k = &res->skipped[i];
            printf("  %s:%lu %s %d: %s\n", res->store->path, k->row->line,
                   k->row->unit, k->row->year, k->reason);
        }
    }
}

static void
csv_series(chiso_csvw *w,
           const chiso_trend_unit *u,
           const chiso_trend_series *s)
{
    size_t g, k;

    for (g = 0; g < s->n_segments; g++) {
        const chiso_trend_segment *sg = &s->segments[g];
        for (k = sg->first; k < sg->first + sg->n; k++) {
            const chiso_trend_point *p = &s->points[k];
            const chiso_trend_change *c = k > 0 ? &s->changes[k - 1] : NULL;
            chiso_csvw_text(w, u->unit_code);
            chiso_csvw_text(w, u->unit);
            chiso_csvw_text(w, s->ranks ? "rank" : "value");
            chiso_csvw_text(w, p->period); /* "2024", "2024-H1" */
            cli_csv_num(w, p->y);
            if (s->ranks) {
                chiso_csvw_int(w, p->rank_of);
                chiso_csvw_int(w, p->row->rank_derived);
            } else {
                chiso_csvw_text(w, NULL);
                chiso_csvw_text(w, NULL);
            }
            cli_csv_num(w, c ? c->change : (double)NAN);
            if (c) {
                chiso_csvw_int(w, c->comparable);
            } else {
                chiso_csvw_text(w, NULL);
            }
            chiso_csvw_int(w, (long long)g + 1);
            chiso_csvw_text(w, s->points[sg->first].period);
            chiso_csvw_text(w, s->points[sg->first + sg->n - 1].period);
            chiso_csvw_int(w, (long long)sg->n);
            chiso_csvw_int(w, sg->computable);
            cli_csv_num(w, sg->computable ? sg->ols.slope : (double)NAN);
            cli_csv_num(w, sg->computable ? sg->ols.ci_low : (double)NAN);
            cli_csv_num(w, sg->computable ? sg->ols.ci_high : (double)NAN);
            cli_csv_num(w, sg->computable ? sg->ols.p_value : (double)NAN);
            chiso_csvw_text(w, sg->computable ? "" : sg->reason);
            chiso_csvw_text(w, p->row->confidence);
            chiso_csvw_text(w, p->row->source);
            chiso_csvw_end(w);
        }
    }
}

static int
write_csv(const chiso_trend_result *res, const char *path)
{
    static const char *const head[] = {"unit_code",
                                       "unit",
                                       "measure",
                                       "year",
                                       "y",
                                       "rank_of",
                                       "rank_derived",
                                       "change",
                                       "comparable",
                                       "segment",
                                       "segment_first_year",
                                       "segment_last_year",
                                       "segment_n",
                                       "computable",
                                       "slope_per_year",
                                       "ci_low",
                                       "ci_high",
                                       "p_value",
                                       "not_computable_reason",
                                       "confidence",
                                       "source",
                                       NULL};
    chiso_outfile *f = NULL;
    chiso_csvw w;
    size_t i;
    int rc = cli_csv_open(path, &f, &w);

    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    chiso_csvw_row(&w, head);
    for (i = 0; i < res->n_units; i++) {
        csv_series(&w, &res->units[i], &res->units[i].values);
        csv_series(&w, &res->units[i], &res->units[i].ranks);
    }
    return cli_csv_commit(f);
}

static const cli_option trend_options[] = {
    {"index", required_argument, 'i', NULL, NULL},
    {"unit", required_argument, 'u', NULL, NULL},
    {"unit-type", required_argument, 't', NULL, NULL},
    {"level", required_argument, 'l', NULL, NULL},
    {"published", required_argument, 'p', NULL, NULL},
    {"json", required_argument, 'j', NULL, NULL},
    {"csv", required_argument, 'c', NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};

int
cmd_trend(int argc, char **argv)
{
    cli_parser op;
    const char *spec = NULL, *json = NULL, *csv = NULL, *pub = NULL;
    chiso_trend_options o = CHISO_TREND_OPTIONS_INIT;
    char index[64], comp[64];
    chiso_published *store = NULL;
    chiso_trend_result *res = NULL;
    chiso_diag d;
    int c, rc = CLI_EXIT_OK;

    chiso_diag_clear(&d);
    d.lang = cli_stats_lang();
    cli_parser_init(&op, "trend", trend_help, NULL, trend_options, NULL, NULL);
    optind = 0;
    while ((c = cli_getopt(&op, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_EXIT) {
            return op.rc;
        }
        switch (c) {
        case 'i':
            spec = optarg;
            break;
        case 'u':
            o.unit = optarg;
            break;
        case 't':
            o.unit_type = optarg;
            break;
        case 'l':
            if (cli_parse_double("trend", "--level", optarg, &o.level) != 0) {
                return CLI_EXIT_USAGE;
            }
            if (!(o.level > 0 && o.level < 1)) {
                return cli_usage_error("trend",
                                       _("--level must be between 0 "
                                         "and 1, got '%s'"),
                                       optarg);
            }
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
        return cli_usage_error("trend", _("unexpected argument '%s'"),
                               argv[optind]);
    }
    if (spec == NULL) {
        return cli_usage_error("trend", _("--index is required"));
    }
    if (cli_split_index("trend", "--index", spec, index, sizeof(index), comp,
                        sizeof(comp)) != 0) {
        return CLI_EXIT_USAGE;
    }
    if (json != NULL && csv != NULL && strcmp(json, "-") == 0 &&
        strcmp(csv, "-") == 0) {
        return cli_usage_error("trend", _("--json and --csv cannot both be "
                                          "standard output"));
    }
    o.index = index;
    o.component_id = comp;
    rc = cli_load_published(cli_published_dir(pub), &store);
    if (rc != CLI_EXIT_OK) {
        goto out;
    }
    {
        const char *inputs[2] = {store->path, store->breaks_path};
        if (cli_check_not_input("trend", json, inputs, 2) != 0 ||
            cli_check_not_input("trend", csv, inputs, 2) != 0) {
            rc = CLI_EXIT_USAGE;
            goto out;
        }
    }
    if (chiso_trend_compute(&res, store, &o, &d) != CHISO_OK) {
        rc = cli_report(&d);
        goto out;
    }
    if ((json == NULL || strcmp(json, "-") != 0) &&
        (csv == NULL || strcmp(csv, "-") != 0)) {
        print_table(res);
    }
    if (csv != NULL && (rc = write_csv(res, csv)) != CLI_EXIT_OK) {
        goto out;
    }
    if (json != NULL) {
        cJSON *root = chiso_trend_to_json(res);
        if (root == NULL) {
            fprintf(stderr, "chiso: %s\n", _("out of memory"));
            rc = CLI_EXIT_INTERNAL;
            goto out;
        }
        rc = cli_write_json(root, json);
        cJSON_Delete(root);
    }
out:
    chiso_trend_free(res);
    chiso_published_free(store);
    return rc;
}

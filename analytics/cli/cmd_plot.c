/*
 * cmd_plot.c - chiso plot KIND --data FILE --out FILE.png|svg|pdf [options]
 *
 * Thin: parses options, loads the CSV into a chart (plots/csv_load.c),
 * renders it with chiso_plot_write (format from the extension, atomic
 * write) and prints one summary line. Every check of the data happens in
 * the library, which names file:line:column.
 */
#define _GNU_SOURCE
#include "cli.h"
#include "cli_opts.h"
#include "commands.h"

#include "chiso_plot.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BREAKS 16
#define MAX_BANDS  16

/* The command's words, in the CLI's language (message catalogue). */
#define PLOT_LANG (cli_language == CLI_LANG_VI ? CHISO_LANG_VI : CHISO_LANG_EN)
#define M_(msgid) chiso_msg(PLOT_LANG, msgid)

static const char plot_help[] =
    N_("Usage: chiso plot KIND --data FILE --out FILE.png|svg|pdf "
       "[options]\n\n"
       "Draw a chart from a CSV file. KIND and its CSV columns:\n"
       "  trend            series, x, y [, lo, hi] [, rank_of, "
       "derived]\n"
       "                   (with rank_of the y values are ranks: 1 at "
       "the top)\n"
       "  small-multiples  series, x, y [, lo, hi]  (one panel per "
       "series)\n"
       "  bars             unit, value [, group] [, rank, rank_of]\n"
       "                   (largest first; rank = the published rank)\n"
       "  radar            axis, value, max [, series]\n"
       "  heatmap          row, column, value\n"
       "  waterfall        label, points_lost [, max]\n"
       "  scatter          x, y [, label]           (least-squares "
       "line and r)\n"
       "  rank-interval    unit, nominal_rank, median_rank, p5_rank, "
       "p95_rank\n\n"
       "Options:\n"
       "  --data FILE          the CSV file (required)\n"
       "  --out FILE           output; .png, .svg or .pdf (required)\n"
       "  --title TEXT         title;  --subtitle TEXT  subtitle\n"
       "  --source TEXT        footer \"Nguồn: TEXT\"\n"
       "  --x-label TEXT       x axis title; --y-label TEXT  y axis "
       "title\n"
       "  --lang vi|en         language of built-in labels (default: "
       "global --lang, vi)\n"
       "  --number-format vi|en  decimal comma (vi) or point (en); "
       "default follows --lang\n"
       "  --width N --height N size in px (PNG) or pt (SVG, PDF); "
       "default 1200 x 800\n"
       "  --highlight UNIT     emphasise one series, bar, row, point "
       "or unit\n"
       "  --break [SERIES@]X=LABEL  trend: methodology break before "
       "x = X,\n"
       "                       of one series or all (repeatable)\n"
       "  --band-label TEXT    trend: legend text of the lo-hi band\n"
       "  --band FROM:TO=LABEL bars: shaded classification band "
       "(repeatable)\n"
       "  --max N              waterfall: the maximum score\n"
       "  --achieved N         waterfall: check max - sum(lost) "
       "equals N\n"
       "  --json FILE|-        write a summary of the chart as JSON\n"
       "  --help               this help\n"
       "Details: docs/charts.md\n");

typedef struct brk {
    double x;
    const char *label;
    char series[512]; /* "" = every series */
} brk;

typedef struct band {
    double from, to;
    const char *label;
} band;

/* --break [SERIES@]X=LABEL: the series part (before the last '@' ahead of
 * the '=') limits the break to one series. */
static int
parse_break(const char *s, brk *b)
{
    const char *eq = strchr(s, '='), *at = NULL, *p, *x = s;
    char num[64];
    char *end;

    for (p = s; eq != NULL && p < eq; p++) {
        if (*p == '@') {
            at = p;
        }
    }
    b->series[0] = '\0';
    if (at != NULL) {
        if (at == s || (size_t)(at - s) >= sizeof(b->series)) {
            return cli_usage_error(
                "plot", M_("--break expects [SERIES@]X=LABEL, got '%s'"), s);
        }
        memcpy(b->series, s, (size_t)(at - s));
        b->series[at - s] = '\0';
        x = at + 1;
    }
    if (eq == NULL || eq == x || (size_t)(eq - x) >= sizeof(num)) {
        return cli_usage_error(
            "plot", M_("--break expects [SERIES@]X=LABEL, got '%s'"), s);
    }
    memcpy(num, x, (size_t)(eq - x));
    num[eq - x] = '\0';
    b->x = strtod(num, &end);
    if (*end != '\0' || !isfinite(b->x)) {
        return cli_usage_error("plot", M_("--break %s: '%s' is not a number"),
                               s, num);
    }
    b->label = eq + 1;
    return 0;
}

static int
parse_band(const char *s, band *b)
{
    const char *colon = strchr(s, ':');
    const char *eq = strchr(s, '=');
    char *end;

    if (colon == NULL || eq == NULL || eq < colon) {
        return cli_usage_error("plot",
                               M_("--band expects FROM:TO=LABEL, got "
                                  "'%s'"),
                               s);
    }
    b->from = strtod(s, &end);
    if (end != colon || !isfinite(b->from)) {
        return cli_usage_error("plot", M_("--band %s: bad FROM"), s);
    }
    b->to = strtod(colon + 1, &end);
    if (end != eq || !isfinite(b->to) || !(b->to > b->from)) {
        return cli_usage_error("plot",
                               M_("--band %s: TO must be a number above "
                                  "FROM"),
                               s);
    }
    b->label = eq + 1;
    return 0;
}

/* What the summary line calls each kind (msgids). */
static const char *const kind_words[CHISO_PLOT_N_KINDS] = {
    N_("trend chart"),    N_("bar chart"),       N_("radar chart"),
    N_("heatmap"),        N_("waterfall chart"), N_("scatter plot"),
    N_("rank intervals"), N_("small multiples")};

static const cli_option plot_options[] = {
    {"data", required_argument, 'd', NULL, NULL},
    {"out", required_argument, 'o', NULL, NULL},
    {"title", required_argument, 't', NULL, NULL},
    {"subtitle", required_argument, 's', NULL, NULL},
    {"source", required_argument, 'S', NULL, NULL},
    {"x-label", required_argument, 'x', NULL, NULL},
    {"y-label", required_argument, 'y', NULL, NULL},
    {"lang", required_argument, 'l', NULL, NULL},
    {"number-format", required_argument, 'n', NULL, NULL},
    {"width", required_argument, 'W', NULL, NULL},
    {"height", required_argument, 'H', NULL, NULL},
    {"highlight", required_argument, 'h' + 256, NULL, NULL},
    {"break", required_argument, 'b', NULL, NULL},
    {"band-label", required_argument, 'B', NULL, NULL},
    {"band", required_argument, 'a', NULL, NULL},
    {"max", required_argument, 'm', NULL, NULL},
    {"achieved", required_argument, 'A', NULL, NULL},
    {"json", required_argument, 'j', NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};

int
cmd_plot(int argc, char **argv)
{
    cli_parser op;
    const char *data = NULL, *out = NULL, *json_path = NULL;
    const char *texts[CHISO_PLOT_N_TEXTS] = {NULL};
    const char *highlight = NULL;
    int lang = cli_language == CLI_LANG_VI ? 0 : 1, numfmt = -1;
    double width = 1200, height = 800;
    brk breaks[MAX_BREAKS];
    band bands[MAX_BANDS];
    size_t n_breaks = 0, n_bands = 0, i;
    chiso_plot_csv_options copts;
    chiso_plot_kind kind;
    chiso_plot_format fmt;
    chiso_chart *chart = NULL;
    chiso_outfile *of = NULL;
    chiso_diag diag;
    int c, rc = CLI_EXIT_OK;
    const char *inputs[1];

    chiso_diag_clear(&diag);
    diag.lang = cli_language == CLI_LANG_VI ? CHISO_LANG_VI : CHISO_LANG_EN;
    chiso_plot_csv_options_init(&copts);
    cli_parser_init(&op, "plot", plot_help, NULL, plot_options, NULL, NULL);
    optind = 0;
    while ((c = cli_getopt(&op, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_EXIT) {
            return op.rc;
        }
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 't':
            texts[CHISO_PLOT_TITLE] = optarg;
            break;
        case 's':
            texts[CHISO_PLOT_SUBTITLE] = optarg;
            break;
        case 'S':
            texts[CHISO_PLOT_SOURCE] = optarg;
            break;
        case 'x':
            texts[CHISO_PLOT_X_LABEL] = optarg;
            break;
        case 'y':
            texts[CHISO_PLOT_Y_LABEL] = optarg;
            break;
        case 'B':
            texts[CHISO_PLOT_BAND_LABEL] = optarg;
            break;
        case 'l':
        case 'n':
            if (strcmp(optarg, "vi") != 0 && strcmp(optarg, "en") != 0) {
                return cli_usage_error("plot",
                                       M_("--%s must be 'vi' or 'en', "
                                          "got '%s'"),
                                       c == 'l' ? "lang" : "number-format",
                                       optarg);
            }
            if (c == 'l') {
                lang = strcmp(optarg, "en") == 0;
            } else {
                numfmt = strcmp(optarg, "en") == 0;
            }
            break;
        case 'W':
        case 'H': {
            long v;
            if (cli_parse_long("plot", c == 'W' ? "--width" : "--height",
                               optarg, &v) != 0) {
                return CLI_EXIT_USAGE;
            }
            if (c == 'W' ? (v < 200 || v > 20000) : (v < 150 || v > 20000)) {
                return cli_usage_error("plot",
                                       M_("--%s must be between %d and "
                                          "20000, got %ld"),
                                       c == 'W' ? "width" : "height",
                                       c == 'W' ? 200 : 150, v);
            }
            if (c == 'W') {
                width = (double)v;
            } else {
                height = (double)v;
            }
            break;
        }
        case 'h' + 256:
            highlight = optarg;
            break;
        case 'b':
            if (n_breaks == MAX_BREAKS) {
                return cli_usage_error("plot", M_("at most %d --break options"),
                                       MAX_BREAKS);
            }
            if (parse_break(optarg, &breaks[n_breaks]) != 0) {
                return CLI_EXIT_USAGE;
            }
            n_breaks++;
            break;
        case 'a':
            if (n_bands == MAX_BANDS) {
                return cli_usage_error("plot", M_("at most %d --band options"),
                                       MAX_BANDS);
            }
            if (parse_band(optarg, &bands[n_bands]) != 0) {
                return CLI_EXIT_USAGE;
            }
            n_bands++;
            break;
        case 'm':
            if (cli_parse_double("plot", "--max", optarg, &copts.max) != 0) {
                return CLI_EXIT_USAGE;
            }
            if (!(copts.max > 0)) {
                return cli_usage_error("plot",
                                       M_("--max must be positive, got "
                                          "'%s'"),
                                       optarg);
            }
            break;
        case 'A':
            if (cli_parse_double("plot", "--achieved", optarg,
                                 &copts.achieved) != 0) {
                return CLI_EXIT_USAGE;
            }
            break;
        case 'j':
            json_path = optarg;
            break;
        default:
            break;
        }
    }
    if (argc - optind != 1) {
        return cli_usage_error("plot",
                               M_("expected one chart KIND, got %d "
                                  "arguments"),
                               argc - optind);
    }
    if (chiso_plot_kind_parse(argv[optind], &kind) != 0) {
        return cli_usage_error("plot",
                               M_("unknown chart kind '%s' (kinds: "
                                  "trend, bars, radar, heatmap, "
                                  "waterfall, scatter, rank-interval, "
                                  "small-multiples)"),
                               argv[optind]);
    }
    if (data == NULL || out == NULL) {
        return cli_usage_error("plot", M_("--data and --out are required"));
    }
    if (strcmp(out, "-") == 0 || chiso_plot_format_from_path(out, &fmt)) {
        return cli_usage_error("plot",
                               M_("cannot tell the format of '%s': "
                                  "--out must end in .png, .svg or .pdf"),
                               out);
    }
    if (n_breaks > 0 && kind != CHISO_PLOT_TREND &&
        kind != CHISO_PLOT_SMALL_MULTIPLES) {
        return cli_usage_error("plot", M_("--break applies to trend and "
                                          "small-multiples charts only"));
    }
    if (n_bands > 0 && kind != CHISO_PLOT_BARS) {
        return cli_usage_error("plot",
                               M_("--band applies to bars charts only"));
    }
    if ((!isnan(copts.max) || !isnan(copts.achieved)) &&
        kind != CHISO_PLOT_WATERFALL) {
        return cli_usage_error("plot", M_("--max and --achieved apply to "
                                          "waterfall charts only"));
    }
    inputs[0] = data;
    if (cli_check_not_input("plot", out, inputs, 1) != 0 ||
        cli_check_not_input("plot", json_path, inputs, 1) != 0) {
        return CLI_EXIT_USAGE;
    }
    if (chiso_chart_new(&chart, kind) != CHISO_OK) {
        fprintf(stderr, "chiso: %s\n", M_("out of memory"));
        return CLI_EXIT_INTERNAL;
    }
    chiso_chart_set_lang(chart, lang ? CHISO_PLOT_LANG_EN : CHISO_PLOT_LANG_VI);
    if (numfmt >= 0) {
        chiso_chart_set_number_format(chart, numfmt ? CHISO_PLOT_NUM_EN
                                                    : CHISO_PLOT_NUM_VI);
    }
    for (i = 0; i < CHISO_PLOT_N_TEXTS; i++) {
        if (chiso_chart_set_text(chart, (chiso_plot_text)i, texts[i]) !=
            CHISO_OK) {
            rc = cli_usage_error("plot", M_("option text is not valid UTF-8"));
            goto out;
        }
    }
    if (highlight != NULL &&
        chiso_chart_set_highlight(chart, highlight) != CHISO_OK) {
        rc = cli_usage_error("plot", M_("--highlight is not valid UTF-8"));
        goto out;
    }
    for (i = 0; i < n_breaks; i++) {
        if (chiso_chart_add_series_break(
                chart, breaks[i].series[0] ? breaks[i].series : NULL,
                breaks[i].x, breaks[i].label) != CHISO_OK) {
            rc =
                cli_usage_error("plot", M_("--break label is not valid UTF-8"));
            goto out;
        }
    }
    for (i = 0; i < n_bands; i++) {
        if (chiso_chart_add_band(chart, bands[i].from, bands[i].to,
                                 bands[i].label) != CHISO_OK) {
            rc = cli_usage_error("plot", M_("--band label is not valid UTF-8"));
            goto out;
        }
    }
    if (chiso_chart_load_csv(chart, data, &copts, &diag) != CHISO_OK) {
        rc = cli_report(&diag);
        goto out;
    }
    if (!chiso_chart_highlight_found(chart)) {
        fprintf(stderr,
                M_("chiso: warning: --highlight '%s' matches nothing in "
                   "%s\n"),
                highlight, data);
    }
    /* the chart is one output of the command's set (with --json) */
    rc = cli_out_open(out, &of);
    if (rc != CLI_EXIT_OK) {
        goto out;
    }
    if (chiso_plot_write_stream(chart, chiso_outfile_stream(of), fmt, width,
                                height, &diag) != CHISO_OK) {
        if (diag.path[0] == '\0' && diag.code == CHISO_EDATA) {
            /* chart-level problems concern the data file */
            snprintf(diag.path, sizeof(diag.path), "%s", data);
        }
        rc = cli_report(&diag);
        goto out;
    }
    rc = cli_out_commit(&of);
    if (rc != CLI_EXIT_OK) {
        goto out;
    }
    if (json_path == NULL || strcmp(json_path, "-") != 0) {
        printf("%s: %s (%s, %s, %.0f×%.0f %s)\n", M_("Chart written"), out,
               M_(kind_words[kind]),
               fmt == CHISO_PLOT_PNG   ? "PNG"
               : fmt == CHISO_PLOT_SVG ? "SVG"
                                       : "PDF",
               width, height, fmt == CHISO_PLOT_PNG ? "px" : "pt");
    }
    if (json_path != NULL) {
        cJSON *root =
            chiso_plot_summary_json(chart, data, out, fmt, width, height);
        if (root == NULL) {
            fprintf(stderr, "chiso: %s\n", M_("out of memory"));
            rc = CLI_EXIT_INTERNAL;
            goto out;
        }
        rc = cli_write_json(root, json_path);
        cJSON_Delete(root);
    }
out:
    chiso_outfile_abort(of);
    chiso_chart_free(chart);
    chiso_plot_release_fonts();
    return rc;
}

/*
 * main.c - chiso's entry point: global options and dispatch.
 *
 * The CLI is the only part of chiso that prints or exits. Every command
 * returns an exit code (cli.h); main() then commits the command's outputs
 * together (or removes them all when it failed), flushes standard output
 * and turns a failed write (> /dev/full) into exit 3. SIGPIPE is ignored:
 * when the reader of a pipe stops (| head), writes fail with EPIPE and
 * chiso ends quietly with the command's own exit code (0), after its files
 * are written (docs/cli.md, "Exit codes").
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "cli_opts.h"
#include "commands.h"

#include <gsl/gsl_errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#ifndef CHISO_VERSION
#define CHISO_VERSION "0.0.0"
#endif

static const cli_command commands[] = {
    {"score", cmd_score,
     N_("score a unit against a framework and an evidence sheet")},
    {"validate", cmd_validate,
     N_("check framework files and evidence sheets, list every problem")},
    {"trend", cmd_trend,
     N_("year-on-year changes and slopes of a published index, per segment")},
    {"rank", cmd_rank,
     N_("rank units on an index in a year: ranks, percentiles, groups")},
    {"compare", cmd_compare,
     N_("Pearson and Spearman correlation of two indices across units")},
    {"survey", cmd_survey,
     N_("share satisfied per criterion/element with bootstrap intervals")},
    {"composite", cmd_composite,
     N_("composite index from COINr-style data and metadata tables")},
    {"uncertainty", cmd_uncertainty,
     N_("Monte Carlo rank uncertainty of a composite index")},
    {"plot", cmd_plot, N_("draw a chart (PNG, SVG, PDF) from a CSV file")},
    {"tasks", cmd_tasks,
     N_("on-time and completion rates from a task register")},
    {"services", cmd_services,
     N_("online, on-time and digitisation rates from a dossier log")},
    {"report", cmd_report,
     N_("the semi-annual report pack: summary.json, tables, charts, PDF")},
    {"fill", cmd_fill,
     N_("fill a Word template's {{placeholders}} from a JSON file")},
    {"framework", cmd_framework,
     N_("frameworks as tables: import a province's criteria table, export "
        "one")},
    {"form", cmd_form,
     N_("the self-assessment workbook, the appraisal copy, and their review")},
};

static const char main_help[] =
    N_("Usage: chiso [--lang vi|en] COMMAND [ARGS...]\n\n"
       "chiso scores a department against the public-administration "
       "reform\nindices (PAR INDEX, SIPAS, PAPI, 766/QĐ-TTg).\n\n");

static const cli_option main_options[] = {
    {"lang", required_argument, 'L', "vi|en",
     N_("language of every message and table (default vi)")},
    {"version", no_argument, 'V', NULL, N_("the version of chiso")},
    {NULL, 0, 0, NULL, NULL}};

/* After the options in `chiso --help`: the commands. */
static void
commands_help(FILE *f)
{
    const chiso_lang lang = cli_lang_code();
    size_t i;

    fprintf(f, "\n%s\n", chiso_msg(lang, "Commands:"));
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        fprintf(f, "  %-12s %s\n", commands[i].name,
                chiso_msg(lang, commands[i].summary));
    }
    fputs(chiso_msg(lang,
                    "\nRun 'chiso COMMAND --help' for a command's options.\n"
                    "Exit codes: 0 ok, 1 invalid input data, 2 usage error, "
                    "3 I/O error,\n4 internal error.\n"),
          f);
}

int
main(int argc, char **argv)
{
    size_t i;
    int a = 1, rc, c;
    cli_parser op;
    chiso_lang lang;

    /* numbers are read and written with '.', whatever the user's locale
     * (the library does so on its own; this covers the CLI's printf) */
    setlocale(LC_ALL, "C");
    signal(SIGPIPE, SIG_IGN);
    cli_json_hooks();
    gsl_set_error_handler_off();
    /* the global options come before the command: stop at the first
     * operand ('+'); the language is known before any help is printed */
    for (a = 1; a + 1 < argc && strncmp(argv[a], "-", 1) == 0; a++) {
        if (strcmp(argv[a], "--lang") == 0 &&
            chiso_lang_parse(argv[a + 1], &lang) == 0) {
            cli_language = lang == CHISO_LANG_EN ? CLI_LANG_EN : CLI_LANG_VI;
        }
    }
    cli_parser_init(&op, NULL, main_help, "+hV", main_options, NULL, NULL);
    op.more_help = commands_help;
    optind = 0;
    while ((c = cli_getopt(&op, argc, argv)) != CLI_OPT_END) {
        switch (c) {
        case CLI_OPT_EXIT:
            return op.rc;
        case 'h':
            cli_help(&op, stdout);
            return CLI_EXIT_OK;
        case 'V':
            printf("chiso %s\n", CHISO_VERSION);
            return CLI_EXIT_OK;
        case 'L':
            if (chiso_lang_parse(optarg, &lang) != 0) {
                return cli_usage_error(NULL,
                                       "--lang must be 'vi' or 'en', got "
                                       "'%s'",
                                       optarg);
            }
            cli_language = lang == CHISO_LANG_EN ? CLI_LANG_EN : CLI_LANG_VI;
            break;
        default:
            break;
        }
    }
    a = optind;
    if (a >= argc) {
        cli_help(&op, stderr);
        return CLI_EXIT_USAGE;
    }
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[a], commands[i].name) == 0) {
            rc = commands[i].run(argc - a, argv + a);
            /* all of the command's outputs, or none */
            if (rc == CLI_EXIT_OK) {
                rc = cli_outputs_commit();
            }
            cli_outputs_free();
            return cli_stdout_finish(rc);
        }
    }
    return cli_usage_error(NULL, "unknown command '%s'", argv[a]);
}

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
     "score a unit against a framework and an evidence sheet"},
    {"validate", cmd_validate,
     "check framework files and evidence sheets, list every problem"},
    {"trend", cmd_trend,
     "year-on-year changes and slopes of a published index, per segment"},
    {"rank", cmd_rank,
     "rank units on an index in a year: ranks, percentiles, groups"},
    {"compare", cmd_compare,
     "Pearson and Spearman correlation of two indices across units"},
    {"survey", cmd_survey,
     "share satisfied per criterion/element with bootstrap intervals"},
    {"composite", cmd_composite,
     "composite index from COINr-style data and metadata tables"},
    {"uncertainty", cmd_uncertainty,
     "Monte Carlo rank uncertainty of a composite index"},
    {"plot", cmd_plot, "draw a chart (PNG, SVG, PDF) from a CSV file"},
    {"tasks", cmd_tasks, "on-time and completion rates from a task register"},
    {"services", cmd_services,
     "online, on-time and digitisation rates from a dossier log"},
    {"report", cmd_report,
     "the semi-annual report pack: summary.json, tables, charts, PDF"},
    {"fill", cmd_fill,
     "fill a Word template's {{placeholders}} from a JSON file"},
    {"framework", cmd_framework,
     "frameworks as tables: import a province's criteria table, export one"},
    {"form", cmd_form,
     "the self-assessment workbook, the appraisal copy, and their review"},
};

static void
usage(FILE *f)
{
    size_t i;

    fprintf(f, "Usage: chiso [--lang vi|en] COMMAND [ARGS...]\n\n"
               "chiso scores a department against the public-administration "
               "reform\nindices (PAR INDEX, SIPAS, PAPI, 766/QĐ-TTg).\n\n"
               "Commands:\n");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(f, "\nRun 'chiso COMMAND --help' for a command's options.\n"
               "Exit codes: 0 ok, 1 invalid input data, 2 usage error, "
               "3 I/O error,\n4 internal error.\n");
}

int
main(int argc, char **argv)
{
    size_t i;
    int a = 1, rc;

    /* numbers are read and written with '.', whatever the user's locale
     * (the library does so on its own; this covers the CLI's printf) */
    setlocale(LC_ALL, "C");
    signal(SIGPIPE, SIG_IGN);
    cli_json_hooks();
    gsl_set_error_handler_off();
    while (a < argc && strncmp(argv[a], "--", 2) == 0) {
        const char *v = NULL;
        if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
            usage(stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(argv[a], "--version") == 0) {
            printf("chiso %s\n", CHISO_VERSION);
            return CLI_EXIT_OK;
        }
        if (strcmp(argv[a], "--lang") == 0 && a + 1 < argc) {
            v = argv[++a];
        } else if (strncmp(argv[a], "--lang=", 7) == 0) {
            v = argv[a] + 7;
        } else {
            return cli_usage_error(NULL, "unknown option '%s'", argv[a]);
        }
        if (strcmp(v, "vi") == 0) {
            cli_language = CLI_LANG_VI;
        } else if (strcmp(v, "en") == 0) {
            cli_language = CLI_LANG_EN;
        } else {
            return cli_usage_error(NULL,
                                   "--lang must be 'vi' or 'en', got "
                                   "'%s'",
                                   v);
        }
        a++;
    }
    if (a >= argc) {
        usage(stderr);
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

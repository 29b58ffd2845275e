/*
 * cmd_report.c - chiso report [CONFIG] [--out DIR] [--quiet]
 *
 * With no CONFIG, the shipped default configuration (a department of Hưng
 * Yên over shipped sample data) is used, so a new user sees the whole pack
 * at once. Progress lines go to stderr only when it is a terminal.
 */
#define _GNU_SOURCE /* getopt_long, realpath */
#include "cli.h"
#include "commands.h"

#include "chiso_plot.h"
#include "chiso_report.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CHISO_DATA_DIR
#define CHISO_DATA_DIR "datasets"
#endif

#define DEFAULT_CONFIG "/samples/report-skhcn-2024-h2.json"

static const char report_help[] =
    N_("Usage: chiso report [CONFIG] [--out DIR] [--force] [--quiet]\n\n"
       "Build the semi-annual report pack: summary.json, tables (CSV), "
       "charts\n(PNG and SVG) and report.pdf, in one folder. CONFIG is the "
       "report\nconfiguration (JSON); without it, the shipped sample.\n\n");

static const cli_option report_options[] = {
    {"out", required_argument, 'o', N_("DIR"),
     N_("output folder (default: out); replaced as a whole only\nwhen the "
        "new pack is complete; your own files in it are\nkept; a folder "
        "chiso did not make is never replaced")},
    {"force", no_argument, 'f', NULL,
     N_("keep files of the previous pack you edited (under a new\nname) "
        "instead of refusing; never deletes anything")},
    {"quiet", no_argument, 'q', NULL, N_("no progress lines")},
    {NULL, 0, 0, NULL, NULL}};

/* After the options: where the shipped sample is. */
static void
report_more_help(FILE *f)
{
    fprintf(f, "\n%s %s%s\n",
            chiso_msg(cli_lang_code(), "The shipped sample configuration:"),
            CHISO_DATA_DIR, DEFAULT_CONFIG);
}

/* The data folder as a path relative to the working directory when it is
 * below it, so messages and summary.json name "datasets/samples/..." and
 * the pack does not depend on where the clone lives. */
static void
data_dir(char *out, size_t len)
{
    const char *dir = getenv("CHISO_DATA_DIR");
    char real[PATH_MAX], cwd[PATH_MAX];
    size_t n;

    if (dir == NULL || *dir == '\0') {
        dir = CHISO_DATA_DIR;
    }
    snprintf(out, len, "%s", dir);
    if (realpath(dir, real) == NULL || getcwd(cwd, sizeof(cwd)) == NULL) {
        return;
    }
    n = strlen(cwd);
    if (strncmp(real, cwd, n) == 0 && real[n] == '/') {
        snprintf(out, len, "%s", real + n + 1);
    }
}

static void
show_progress(void *ctx, const char *step)
{
    (void)ctx;
    fprintf(stderr, "chiso report: %s...\n", step);
}

int
cmd_report(int argc, char **argv)
{
    cli_parser op;
    const char *out = "out", *config = NULL;
    char default_config[PATH_MAX + 64];
    chiso_report_config *cfg = NULL;
    chiso_report_options opts = CHISO_REPORT_OPTIONS_INIT;
    chiso_report_outcome outcome;
    chiso_diag diag;
    int c, quiet = 0, rc = CLI_EXIT_OK;
    size_t i;

    chiso_diag_clear(&diag);
    memset(&outcome, 0, sizeof(outcome));
    cli_parser_init(&op, "report", report_help, NULL, report_options, NULL,
                    NULL);
    optind = 0;
    op.more_help = report_more_help;
    while ((c = cli_getopt(&op, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_EXIT) {
            return op.rc;
        }
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'f':
            opts.keep_edited = 1;
            break;
        default:
            break;
        }
    }
    if (argc - optind > 1) {
        return cli_usage_error("report",
                               "expected at most one CONFIG, got "
                               "%d arguments",
                               argc - optind);
    }
    if (argc - optind == 1) {
        config = argv[optind];
    } else {
        char dir[PATH_MAX];
        data_dir(dir, sizeof(dir));
        snprintf(default_config, sizeof(default_config), "%s%s", dir,
                 DEFAULT_CONFIG);
        config = default_config;
    }
    if (out[0] == '\0') {
        return cli_usage_error("report", "--out needs a folder name");
    }
    if (chiso_report_config_load(&cfg, config, &diag) != CHISO_OK) {
        return cli_report(&diag);
    }
    if (!quiet && cli_stderr_is_tty()) {
        opts.progress = show_progress;
    }
    if (chiso_report_build(cfg, out, &opts, &outcome, &diag) != CHISO_OK) {
        rc = cli_report(&diag);
        fprintf(stderr,
                chiso_msg(cli_lang_code(),
                          "chiso report: nothing was changed in '%s'\n"),
                out);
        goto done;
    }
    if (!quiet) {
        printf("%s: %s (%zu %s)\n",
               T("Đã tạo bộ báo cáo", "Report pack written"), out,
               outcome.n_files, T("tệp", "files"));
        for (i = 0; i < outcome.n_files; i++) {
            printf("  %s/%s\n", out, outcome.files[i]);
        }
        if (outcome.n_warnings > 0) {
            printf("%s (%zu):\n", T("Lưu ý", "Warnings"), outcome.n_warnings);
            for (i = 0; i < outcome.n_warnings; i++) {
                printf("  - %s\n", outcome.warnings[i]);
            }
        }
    }
done:
    chiso_report_outcome_clear(&outcome);
    chiso_report_config_free(cfg);
    chiso_plot_release_fonts();
    return rc;
}

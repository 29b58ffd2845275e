/*
 * cmd_fill.c - chiso fill TEMPLATE.docx DATA.json -o OUT.docx
 *
 * Fills an office's own Word template with the numbers of a JSON file
 * (chiso report's summary.json): {{par.index_pct:2}}, rows repeated per
 * item ({{par.top_lost[].name}}). Every problem of the template is listed
 * at once, each with where it is; nothing is written unless all
 * placeholders have a value. docs/outputs.md is the guide.
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"
#include "cli_opts.h"
#include "commands.h"

#include "chiso_word.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * Is `out` one of the inputs, by name or as the same file under another
 * name (a link, ./x, dir/../x)? A local check until the shared one
 * (chiso_output_check in chiso_util) lands.
 */
static int
is_an_input(const char *out, const char *const *inputs, size_t n)
{
    struct stat so, si;
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(out, inputs[i]) == 0) {
            return 1;
        }
    }
    if (strcmp(out, "-") == 0 || stat(out, &so) != 0) {
        return 0; /* not there yet: cannot be an input */
    }
    for (i = 0; i < n; i++) {
        if (stat(inputs[i], &si) == 0 && si.st_dev == so.st_dev &&
            si.st_ino == so.st_ino) {
            return 1;
        }
    }
    return 0;
}

static const char fill_help[] =
    N_("Usage: chiso fill TEMPLATE.docx DATA.json -o OUT.docx\n"
       "\n"
       "Fill the placeholders of a Word template with the "
       "values of a JSON file\n"
       "(the summary.json of 'chiso report'):\n"
       "  {{par.index_pct}}        a value by its dotted path\n"
       "  {{par.index_pct:2}}      with 2 decimals (0 to 6), "
       "rounded half up\n"
       "  {{services.code:plain}}  a number without thousands "
       "separators\n"
       "  {{period.last_day:date}} a date YYYY-MM-DD shown "
       "dd/mm/yyyy\n"
       "  {{par.top_lost[].name}}  repeats its table row (or "
       "paragraph) once per item\n"
       "  {{par.top_lost[].#}}     the item's number, 1, 2, "
       "...\n"
       "Numbers use the language's separators (vi: 1.234,5; "
       "en: 1,234.5).\n"
       "Every problem of the template is listed at once; "
       "nothing is written\n"
       "unless every placeholder has a value.\n"
       "\n"
       "Options:\n"
       "  -o, --out FILE   the filled document (required; never "
       "one of the inputs)\n"
       "  --quiet          do not print the name of the file "
       "written\n"
       "  --help           this help\n");

static const cli_option fill_options[] = {
    {"out", required_argument, 'o', NULL, NULL},
    {"quiet", no_argument, 'q', NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};

int
cmd_fill(int argc, char **argv)
{
    cli_parser op;
    chiso_lang lang =
        cli_language == CLI_LANG_VI ? CHISO_LANG_VI : CHISO_LANG_EN;
    const char *out = NULL, *tpl, *json;
    const char *inputs[2];
    chiso_json_doc *doc = NULL;
    chiso_word_fill_options opts = CHISO_WORD_FILL_OPTIONS_INIT;
    chiso_diag_list problems;
    chiso_diag diag;
    chiso_status st;
    int c, quiet = 0, rc;
    size_t i;

    cli_parser_init(&op, "fill", fill_help, "o:", fill_options, NULL, NULL);
    optind = 0;
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
        default:
            break;
        }
    }
    if (argc - optind != 2) {
        return cli_usage_error(
            "fill", "%s",
            chiso_msg(lang, "expects a template (.docx) and a data file "
                            "(.json)"));
    }
    if (out == NULL) {
        return cli_usage_error(
            "fill", "%s",
            chiso_msg(lang, "-o OUT.docx is required (the template is "
                            "never written over)"));
    }
    tpl = argv[optind];
    json = argv[optind + 1];
    inputs[0] = tpl;
    inputs[1] = json;
    if (is_an_input(out, inputs, 2)) {
        return cli_usage_error("fill",
                               chiso_msg(lang, "output '%s' is also an input; "
                                               "refusing to overwrite it"),
                               out);
    }
    /* and the shared rules: not inside an input folder, through links */
    if (cli_check_not_input("fill", out, inputs, 2) != 0) {
        return CLI_EXIT_USAGE;
    }
    chiso_diag_clear(&diag);
    diag.lang = lang;
    st = chiso_json_doc_load(&doc, json, &diag);
    if (st != CHISO_OK) {
        return cli_report(&diag);
    }
    opts.lang = lang;
    chiso_diag_list_init(&problems, 200);
    problems.lang = lang;
    st = chiso_word_fill(tpl, chiso_json_doc_root(doc), out, &opts, &problems,
                         &diag);
    for (i = 0; i < problems.n; i++) {
        const chiso_diag *d = &problems.items[i];
        cli_print_diag(d, d->severity == CHISO_SEVERITY_ERROR
                              ? NULL
                              : chiso_msg(lang, "warning: "));
    }
    if (problems.n_dropped > 0) {
        fprintf(stderr, chiso_msg(lang, "chiso: %lu more problems not shown\n"),
                (unsigned long)problems.n_dropped);
    }
    if (st == CHISO_EDATA && problems.n > 0) {
        size_t n_err = 0;
        for (i = 0; i < problems.n; i++) {
            n_err += problems.items[i].severity == CHISO_SEVERITY_ERROR;
        }
        fprintf(stderr,
                chiso_msg(lang, "chiso: %lu problems in the template; "
                                "nothing was written\n"),
                (unsigned long)(n_err + problems.n_dropped));
        rc = CLI_EXIT_DATA;
    } else if (st != CHISO_OK) {
        rc = cli_report(&diag);
    } else {
        rc = CLI_EXIT_OK;
        if (!quiet && strcmp(out, "-") != 0) {
            printf("%s\n", out);
        }
    }
    chiso_diag_list_free(&problems);
    chiso_json_doc_free(doc);
    return rc;
}

/*
 * cmd_framework.c - chiso framework import|export|check
 *
 *   chiso framework import TABLE -o FRAMEWORK.json [--sheet S]
 *   chiso framework export FRAMEWORK -o TABLE.csv|TABLE.xlsx
 *   chiso framework check FRAMEWORK|TABLE
 *
 * A framework table (the criteria table of the province's decision typed
 * into a spreadsheet, docs/frameworks.md) becomes chiso-framework JSON, and
 * a framework becomes that table. Every problem of a table is listed at
 * its cell in one run. Any command taking FRAMEWORK also takes a table
 * directly; import is for keeping the JSON under version control.
 */
#define _GNU_SOURCE
#include "cli.h"
#include "commands.h"

#include "chiso_form.h"
#include "chiso_fwtable.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define FRAMEWORK_CAP 50

static const char framework_help[] =
    N_("Usage: chiso framework import TABLE -o FRAMEWORK.json "
       "[--sheet NAME|N]\n"
       "       chiso framework export FRAMEWORK -o TABLE.csv|"
       "TABLE.xlsx\n"
       "       chiso framework check FRAMEWORK|TABLE\n\n"
       "A framework table is the criteria table of the "
       "province's decision in a\nspreadsheet: Mã, Tên tiêu chí, "
       "Điểm tối đa, Cách chấm, Mức chấm, Nguồn số liệu,\nÁp "
       "dụng, Ghi chú (docs/frameworks.md). import turns it into "
       "framework JSON,\nexport turns a framework (JSON or table) "
       "into the table, check lists every\nproblem at its cell. "
       "Every command taking FRAMEWORK also takes a table.\n\n"
       "Options:\n"
       "  -o, --output FILE   where to write (- = standard "
       "output, JSON and CSV only)\n"
       "  --sheet NAME|N      the workbook sheet holding the "
       "table (default: the\n"
       "                      first sheet with a header row)\n"
       "  --help              this help\n");

/* Print a list of problems (sorted, capped) and return the exit code. */
static int
print_problems(chiso_diag_list *l, const char *path, chiso_status st)
{
    size_t i;
    chiso_lang lang = (chiso_lang)cli_language;

    chiso_diag_list_sort(l);
    for (i = 0; i < l->n; i++) {
        cli_print_diag(&l->items[i], NULL);
    }
    if (l->n_dropped > 0) {
        fprintf(stderr,
                chiso_msg(lang, "chiso: %s: %zu more problems not "
                                "shown\n"),
                path, l->n_dropped);
    }
    if (chiso_diag_list_total(l) > 1) {
        fprintf(stderr, chiso_msg(lang, "chiso: %s: %zu problems\n"), path,
                chiso_diag_list_total(l));
    }
    return cli_exit_code(st);
}

static void
summary(FILE *f, const chiso_fwdoc *doc)
{
    const chiso_framework *fw = doc->fw;
    size_t i, counts[CHISO_RULE_TRACKED + 1], leaves = 0, top = 0;
    chiso_lang lang = (chiso_lang)cli_language;
    int first = 1;
    char max[64];

    memset(counts, 0, sizeof(counts));
    for (i = 0; i < fw->n_nodes; i++) {
        if (chiso_node_is_leaf(&fw->nodes[i])) {
            leaves++;
            counts[fw->nodes[i].rule.type]++;
        }
        top += fw->nodes[i].parent == CHISO_NO_PARENT;
    }
    chiso_format_double(fw->max, max, sizeof(max));
    fprintf(f,
            chiso_msg(lang, "framework '%s': %zu areas, %zu criteria (%zu "
                            "scored leaves"),
            fw->id, top, fw->n_nodes, leaves);
    for (i = CHISO_RULE_MANUAL; i <= CHISO_RULE_TRACKED; i++) {
        if (counts[i] > 0) {
            fprintf(f, "%s %zu %s", first ? ":" : ",", counts[i],
                    lang == CHISO_LANG_VI
                        ? chiso_fwtable_kind_word((chiso_rule_type)i)
                        : chiso_rule_type_name((chiso_rule_type)i));
            first = 0;
        }
    }
    fprintf(f,
            chiso_msg(lang, "), total %s points, %zu classification "
                            "bands\n"),
            max, fw->n_classes);
}

static int
has_ext(const char *path, const char *ext)
{
    const char *dot = strrchr(path, '.');

    return dot != NULL && strcasecmp(dot + 1, ext) == 0;
}

static int
do_import(const char *in, const char *out, const char *sheet)
{
    chiso_fwtable_options o = CHISO_FWTABLE_OPTIONS_INIT;
    chiso_diag_list l;
    chiso_fwdoc *doc = NULL;
    chiso_status st;
    char *json;
    int rc;
    chiso_diag d;

    o.sheet = sheet;
    chiso_diag_list_init(&l, FRAMEWORK_CAP);
    l.lang = (chiso_lang)cli_language;
    st = chiso_fwdoc_load(&doc, in, &o, &l);
    if (st != CHISO_OK) {
        rc = print_problems(&l, in, st);
        chiso_diag_list_free(&l);
        return rc;
    }
    chiso_diag_list_free(&l);
    json = chiso_fwdoc_to_json(doc);
    if (json == NULL) {
        chiso_fwdoc_free(doc);
        fprintf(stderr, "chiso: %s\n",
                chiso_msg((chiso_lang)cli_language, "out of memory"));
        return CLI_EXIT_INTERNAL;
    }
    chiso_diag_clear(&d);
    d.lang = (chiso_lang)cli_language;
    if (strcmp(out, "-") == 0) {
        fputs(json, stdout);
        rc = CLI_EXIT_OK;
    } else if (chiso_file_write_atomic(out, json, strlen(json), &d) !=
               CHISO_OK) {
        rc = cli_report(&d);
    } else {
        rc = CLI_EXIT_OK;
        fprintf(stdout, "%s -> %s: ", in, out);
        summary(stdout, doc);
    }
    free(json);
    chiso_fwdoc_free(doc);
    return rc;
}

static int
do_export(const char *in, const char *out, const char *sheet)
{
    chiso_fwtable_options o = CHISO_FWTABLE_OPTIONS_INIT;
    chiso_diag_list l;
    chiso_fwdoc *doc = NULL;
    chiso_status st;
    chiso_diag d;
    int rc;

    o.sheet = sheet;
    chiso_diag_list_init(&l, FRAMEWORK_CAP);
    l.lang = (chiso_lang)cli_language;
    st = chiso_fwdoc_load(&doc, in, &o, &l);
    if (st != CHISO_OK) {
        rc = print_problems(&l, in, st);
        chiso_diag_list_free(&l);
        return rc;
    }
    chiso_diag_list_free(&l);
    chiso_diag_clear(&d);
    d.lang = (chiso_lang)cli_language;
    if (has_ext(out, "xlsx")) {
        st =
            chiso_form_write_table_xlsx(doc, out, (chiso_lang)cli_language, &d);
        rc = st == CHISO_OK ? CLI_EXIT_OK : cli_report(&d);
    } else if (strcmp(out, "-") == 0 || has_ext(out, "csv") ||
               has_ext(out, "txt")) {
        chiso_outfile *f = NULL;
        rc = cli_out_open(out, &f);
        if (rc == CLI_EXIT_OK) {
            st = chiso_fwdoc_write_csv(doc, chiso_outfile_stream(f));
            if (st != CHISO_OK) {
                chiso_outfile_abort(f);
                fprintf(stderr, "chiso: %s: %s\n", out,
                        chiso_msg((chiso_lang)cli_language,
                                  "cannot write the table"));
                rc = CLI_EXIT_IO;
            } else {
                rc = cli_out_commit(&f);
            }
        }
    } else {
        rc = cli_usage_error("framework",
                             "export writes .csv or .xlsx, not '%s'", out);
    }
    if (rc == CLI_EXIT_OK && strcmp(out, "-") != 0) {
        fprintf(stdout, "%s -> %s: ", in, out);
        summary(stdout, doc);
    }
    chiso_fwdoc_free(doc);
    return rc;
}

static int
do_check(const char *in, const char *sheet)
{
    chiso_fwtable_options o = CHISO_FWTABLE_OPTIONS_INIT;
    chiso_diag_list l;
    chiso_fwdoc *doc = NULL;
    chiso_status st;
    int rc;

    o.sheet = sheet;
    chiso_diag_list_init(&l, FRAMEWORK_CAP);
    l.lang = (chiso_lang)cli_language;
    st = chiso_fwdoc_load(&doc, in, &o, &l);
    if (st != CHISO_OK) {
        rc = print_problems(&l, in, st);
    } else {
        fprintf(stdout, "%s: ok: ", in);
        summary(stdout, doc);
        rc = CLI_EXIT_OK;
    }
    chiso_diag_list_free(&l);
    chiso_fwdoc_free(doc);
    return rc;
}

static const cli_option framework_options[] = {
    {"output", required_argument, 'o', NULL, NULL},
    {"sheet", required_argument, 'S', NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};

int
cmd_framework(int argc, char **argv)
{
    cli_parser op;
    const char *out = NULL, *sheet = NULL, *verb;
    const char *inputs[1];
    int c;

    cli_parser_init(&op, "framework", framework_help, "+o:", framework_options,
                    NULL, NULL);
    optind = 0;
    while ((c = cli_getopt(&op, argc, argv)) != CLI_OPT_END) {
        switch (c) {
        case CLI_OPT_EXIT:
            return op.rc;
        case 'o':
            out = optarg;
            break;
        case 'S':
            sheet = optarg;
            break;
        default:
            break;
        }
    }
    /* options may also follow the verb and the file */
    if (optind >= argc) {
        return cli_usage_error("framework", "expected import, export or check");
    }
    verb = argv[optind++];
    {
        const char *file = NULL;
        while (optind < argc) {
            c = cli_getopt(&op, argc, argv);
            if (c == CLI_OPT_END) {
                if (optind < argc) {
                    if (file != NULL) {
                        return cli_usage_error("framework",
                                               "unexpected argument '%s'",
                                               argv[optind]);
                    }
                    file = argv[optind++];
                }
                continue;
            }
            switch (c) {
            case CLI_OPT_EXIT:
                return op.rc;
            case 'o':
                out = optarg;
                break;
            case 'S':
                sheet = optarg;
                break;
            default:
                break;
            }
        }
        if (file == NULL) {
            return cli_usage_error("framework", "%s: which file?", verb);
        }
        inputs[0] = file;
        if (strcmp(verb, "check") == 0) {
            return do_check(file, sheet);
        }
        if (strcmp(verb, "import") != 0 && strcmp(verb, "export") != 0) {
            return cli_usage_error("framework",
                                   "unknown action '%s' (import, export or "
                                   "check)",
                                   verb);
        }
        if (out == NULL) {
            return cli_usage_error("framework", "%s needs -o FILE", verb);
        }
        if (cli_check_not_input("framework", out, inputs, 1) != 0) {
            return CLI_EXIT_USAGE;
        }
        if (strcmp(verb, "import") == 0) {
            if (has_ext(out, "csv") || has_ext(out, "xlsx")) {
                return cli_usage_error("framework",
                                       "import writes framework JSON; use "
                                       "export for a table");
            }
            return do_import(file, out, sheet);
        }
        return do_export(file, out, sheet);
    }
}

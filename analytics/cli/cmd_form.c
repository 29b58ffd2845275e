/*
 * cmd_form.c - chiso form: the self-assessment workbook and its review.
 *
 *   chiso form FRAMEWORK -o TUCHAM.xlsx [--unit U] [--period P]
 *              [--tasks T.csv] [--dossiers D.csv] [--as-of DATE]
 *   chiso form FRAMEWORK -o THAMDINH.xlsx --appraisal TUCHAM.xlsx [--unit U]
 *   chiso form review FRAMEWORK FILLED.xlsx [--unit U] [--json FILE|-]
 *
 * The first writes the form an office fills (pre-filling what the task
 * register and the dossier log give), the second the council's copy of a
 * filled form, the third lists what a filled copy says: the criteria the
 * council changed, the explanations still missing, the criteria left
 * empty. `chiso score FRAMEWORK FILLED.xlsx` scores a filled copy.
 */
#define _GNU_SOURCE
#include "cli.h"
#include "cli_opts.h"
#include "commands.h"

#include "chiso_form.h"
#include "chiso_fwtable.h"
#include "score_inputs.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char form_help[] =
    N_("Usage: chiso form FRAMEWORK -o TUCHAM.xlsx [--unit U] "
       "[--period P]\n"
       "                  [--tasks T.csv] [--dossiers D.csv] "
       "[--as-of DATE]\n"
       "       chiso form FRAMEWORK -o THAMDINH.xlsx --appraisal "
       "TUCHAM.xlsx [--unit U]\n"
       "       chiso form review FRAMEWORK FILLED.xlsx [--unit U] "
       "[--json FILE|-]\n\n"
       "Write the self-assessment workbook an office fills for a "
       "framework (JSON or\ntable): one row per criterion with "
       "its maximum and rule, cells to fill for\nthe value, the "
       "points, the evidence and the explanation, subtotals, "
       "checks.\nWith --tasks/--dossiers and --period the values "
       "chiso computes are pre-filled.\n--appraisal writes the "
       "council's copy of a filled form. 'review' lists the\n"
       "criteria the council changed, the explanations still "
       "missing and the\ncriteria left empty. 'chiso score "
       "FRAMEWORK FILLED.xlsx' scores a filled form.\n\n"
       "Options:\n"
       "  -o, --output FILE     the workbook to write (.xlsx)\n"
       "  --unit U              the unit (shown on the form; "
       "picks its rows)\n"
       "  --period P            the period: 2024-H1, 2024-Q3, "
       "2024-03, 2024\n"
       "  --tasks FILE          pre-fill tasks.* from a task "
       "register\n"
       "  --dossiers FILE       pre-fill services.* from a "
       "dossier log\n"
       "  --as-of DATE          judge tasks at DATE (default: "
       "the end of the period)\n"
       "  --appraisal FILE      write the appraisal copy of this "
       "filled form\n"
       "  --json FILE|-         review: also write JSON (- = "
       "only JSON on stdout)\n"
       "  --help                this help\n");

static void
print_item_list(const chiso_form_review *r,
                const chiso_framework *fw,
                int which,
                const char *title)
{
    size_t i, n = 0;

    for (i = 0; i < r->n; i++) {
        const chiso_form_item *it = &r->items[i];
        int on = which == 0   ? it->changed
                 : which == 1 ? it->explanation_missing
                              : it->not_filled;
        const chiso_node *nd = &fw->nodes[it->node];
        if (!on) {
            continue;
        }
        if (n++ == 0) {
            printf("\n%s\n", title);
        }
        printf("  ");
        cli_cell(stdout, nd->id, 10, 0);
        printf(" ");
        cli_cell(stdout, nd->name, 44, 0);
        if (which == 0) {
            printf("  %7.2f -> %7.2f  (%+.2f)", it->self_points, it->appraised,
                   it->delta);
        } else if (which == 1) {
            printf("  %7.2f", it->self_points);
        }
        printf("\n");
    }
}

static int
do_review(const char *fw_path,
          const char *filled,
          const char *unit,
          const char *json)
{
    chiso_framework *fw = NULL;
    chiso_evidence *ev = NULL;
    chiso_form_review *r = NULL;
    chiso_diag d;
    int rc = CLI_EXIT_OK;
    chiso_lang lang = (chiso_lang)cli_language;

    chiso_diag_clear(&d);
    d.lang = lang;
    if (chiso_fwtable_load(&fw, fw_path, &d) != CHISO_OK ||
        chiso_evidence_load(&ev, filled, &d) != CHISO_OK ||
        chiso_form_review_compute(&r, fw, ev, unit, &d) != CHISO_OK) {
        rc = cli_report(&d);
        goto out;
    }
    if (json == NULL || strcmp(json, "-") != 0) {
        printf(chiso_msg(lang, "%s: %zu criteria; %zu changed by the "
                               "council, %zu explanations missing, %zu left "
                               "empty\n"),
               filled, r->n, r->n_changed, r->n_explanation_missing,
               r->n_not_filled);
        printf(chiso_msg(lang, "Self-assessed points: %.2f"), r->self_total);
        if (r->has_appraisal) {
            printf(chiso_msg(lang, "; appraised: %.2f (%+.2f)"),
                   r->appraised_total, r->appraised_total - r->self_total);
        }
        printf("\n");
        print_item_list(r, fw, 0,
                        chiso_msg(lang, "Criteria changed by the council "
                                        "(self -> appraised):"));
        print_item_list(r, fw, 1,
                        chiso_msg(lang, "Points claimed without evidence "
                                        "or explanation:"));
        print_item_list(r, fw, 2, chiso_msg(lang, "Criteria left empty:"));
    }
    if (json != NULL) {
        cJSON *root = chiso_form_review_to_json(r, fw, lang);
        if (root == NULL) {
            fprintf(stderr, "chiso: %s\n", chiso_msg(lang, "out of memory"));
            rc = CLI_EXIT_INTERNAL;
            goto out;
        }
        rc = cli_write_json(root, json);
        cJSON_Delete(root);
    }
out:
    chiso_form_review_free(r);
    chiso_evidence_free(ev);
    chiso_framework_free(fw);
    return rc;
}

static const cli_option form_options[] = {
    {"output", required_argument, 'o', NULL, NULL},
    {"unit", required_argument, 'U', NULL, NULL},
    {"period", required_argument, 'P', NULL, NULL},
    {"tasks", required_argument, 'T', NULL, NULL},
    {"dossiers", required_argument, 'D', NULL, NULL},
    {"as-of", required_argument, 'A', NULL, NULL},
    {"appraisal", required_argument, 'a', NULL, NULL},
    {"json", required_argument, 'j', NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};

int
cmd_form(int argc, char **argv)
{
    cli_parser op;
    const char *out = NULL, *appraisal = NULL, *json = NULL;
    const char *inputs[5];
    score_sources src;
    chiso_input_set set = CHISO_INPUT_SET_INIT;
    chiso_form_options fo = CHISO_FORM_OPTIONS_INIT;
    chiso_framework *fw = NULL;
    chiso_evidence *self = NULL;
    chiso_diag d;
    int c, rc = CLI_EXIT_OK;

    memset(&src, 0, sizeof(src));
    cli_parser_init(&op, "form", form_help, "o:", form_options, NULL, NULL);
    optind = 0;
    while ((c = cli_getopt(&op, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_EXIT) {
            return op.rc;
        }
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'U':
            src.unit = optarg;
            break;
        case 'P':
            src.period = optarg;
            break;
        case 'T':
            src.tasks = optarg;
            break;
        case 'D':
            src.dossiers = optarg;
            break;
        case 'A':
            src.as_of = optarg;
            break;
        case 'a':
            appraisal = optarg;
            break;
        case 'j':
            json = optarg;
            break;
        default:
            break;
        }
    }
    if (optind < argc && strcmp(argv[optind], "review") == 0) {
        if (argc - optind != 3) {
            return cli_usage_error("form",
                                   "review expects FRAMEWORK and FILLED");
        }
        inputs[0] = argv[optind + 1];
        inputs[1] = argv[optind + 2];
        if (cli_check_not_input("form", json, inputs, 2) != 0) {
            return CLI_EXIT_USAGE;
        }
        return do_review(argv[optind + 1], argv[optind + 2], src.unit, json);
    }
    if (argc - optind != 1) {
        return cli_usage_error("form",
                               "expected one FRAMEWORK, got %d "
                               "arguments",
                               argc - optind);
    }
    if (out == NULL) {
        return cli_usage_error("form", "give the workbook to write with "
                                       "-o FILE.xlsx");
    }
    if (appraisal != NULL && (src.tasks != NULL || src.dossiers != NULL)) {
        return cli_usage_error("form", "--appraisal copies a filled form: "
                                       "--tasks and --dossiers do not apply");
    }
    inputs[0] = argv[optind];
    inputs[1] = src.tasks;
    inputs[2] = src.dossiers;
    inputs[3] = appraisal;
    if (cli_check_not_input("form", out, inputs, 4) != 0) {
        return CLI_EXIT_USAGE;
    }
    chiso_diag_clear(&d);
    d.lang = (chiso_lang)cli_language;
    if (chiso_fwtable_load(&fw, argv[optind], &d) != CHISO_OK) {
        return cli_report(&d);
    }
    if (appraisal != NULL &&
        chiso_evidence_load(&self, appraisal, &d) != CHISO_OK) {
        rc = cli_report(&d);
        goto done;
    }
    rc = score_inputs_build(&src, &set);
    if (rc != CLI_EXIT_OK) {
        goto done;
    }
    fo.lang = (chiso_lang)cli_language;
    fo.unit = src.unit;
    fo.period = src.period;
    fo.inputs = set.items;
    fo.n_inputs = set.n;
    fo.self = self;
    if (chiso_form_write(fw, out, &fo, &d) != CHISO_OK) {
        rc = cli_report(&d);
        goto done;
    }
    printf(chiso_msg((chiso_lang)cli_language,
                     "%s: %s for framework '%s' (%zu criteria)\n"),
           out,
           chiso_msg((chiso_lang)cli_language,
                     self ? N_("appraisal copy") : N_("self-assessment form")),
           fw->id, fw->n_nodes);
done:
    chiso_input_set_free(&set);
    chiso_evidence_free(self);
    chiso_framework_free(fw);
    return rc;
}

/*
 * cmd_services.c - chiso services DOSSIERS.csv [options]
 *
 * Dossier log -> per unit x period: received, finished, on time, open,
 * online / signed / digitised shares, satisfaction, processing days.
 * The computation is chiso_services_compute(); this file parses options,
 * prints the table and writes the CSV, JSON and rejected rows atomically.
 */
#define _GNU_SOURCE
#include "cli.h"
#include "commands.h"
#include "score_inputs.h"

#include "chiso_logs.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char services_help[] =
    N_("Usage: chiso services DOSSIERS.csv [options]\n\n"
       "Rates per unit and period from a dossier log (one row per dossier),\n"
       "as the one-stop system exports it (- = standard input).\n\n");

static const cli_option services_options[] = {
    {"period", required_argument, 'p', "month|quarter|half|year",
     N_("group by the period of received_at\n(default month)")},
    {"as-of", required_argument, 'a', N_("DATE"),
     N_("judge open dossiers at DATE when it comes before\nthe end of their "
        "period (progress_pct)")},
    {"unit", required_argument, 'u', N_("CODE"),
     N_("only this unit (matched ignoring case and diacritics);\nfor a log "
        "without a unit column: its unit")},
    {"csv", required_argument, 'c', N_("FILE"),
     N_("write the unit x period table as CSV")},
    {"json", required_argument, 'j', N_("FILE|-"),
     N_("write everything as JSON (- = stdout, no table)")},
    {"threads", required_argument, 't', "N",
     N_("threads for large files (default: one per CPU)")},
    {"reference", no_argument, 'R', NULL,
     N_("read with the libcsv reference reader only")},
    {NULL, 0, 0, NULL, NULL}};

static void
print_row(const chiso_services_row *r)
{
    FILE *o = stdout;
    char num[32];

    cli_cell(o, r->unit, 12, 0);
    cli_cell(o, r->period, 8, 0);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)r->received);
    cli_cell(o, num, 11, 1);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)r->finished);
    cli_cell(o, num, 11, 1);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)r->finished_on_time);
    cli_cell(o, num, 11, 1);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)r->open);
    cli_cell(o, num, 9, 1);
    cli_num(o, r->online_pct, 2, 9);
    cli_num(o, r->on_time_pct, 2, 9);
    cli_num(o, r->progress_pct, 2, 9);
    cli_num(o, r->components_signed_pct, 2, 9);
    cli_num(o, r->result_signed_pct, 2, 9);
    cli_num(o, r->digitized_pct, 2, 9);
    cli_num(o, r->satisfaction_mean, 2, 7);
    cli_num(o, r->processing_days_median, 2, 9);
    cli_num(o, r->processing_days_p90, 2, 9);
    fputc('\n', o);
}

static void
print_table(const chiso_services_result *res)
{
    FILE *o = stdout;
    size_t i;
    char asof[40];

    printf("%s: %s\n", T("Nhật ký hồ sơ", "Dossier log"), res->path);
    cli_print_unit(res->has_unit_column, res->n_units, res->units,
                   res->unit_in_log);
    printf("%s: %s", T("Kỳ (theo ngày tiếp nhận)", "Period (of received_at)"),
           cli_code_label(chiso_period_kind_name(res->period)));
    if (res->has_as_of) {
        chiso_format_datetime(res->as_of.secs, res->as_of.has_time, asof,
                              sizeof(asof));
        printf("; %s %s", T("tính đến", "as of"), asof);
    }
    printf("\n\n");
    cli_cell(o, T("Đơn vị", "Unit"), 12, 0);
    cli_cell(o, T("Kỳ", "Period"), 8, 0);
    cli_cell(o, T("Tiếp nhận", "Received"), 11, 1);
    cli_cell(o, T("Đã xong", "Finished"), 11, 1);
    cli_cell(o, T("Đúng hạn", "On time"), 11, 1);
    cli_cell(o, T("Đang xử", "Open"), 9, 1);
    cli_cell(o, T("Tr.tuyến", "Online"), 9, 1);
    cli_cell(o, T("Đ.hạn%", "OnTime%"), 9, 1);
    cli_cell(o, T("Tiến độ", "Progr.%"), 9, 1);
    cli_cell(o, T("Ký TP%", "CompSg%"), 9, 1);
    cli_cell(o, T("Ký KQ%", "ResSg%"), 9, 1);
    cli_cell(o, T("Số hóa%", "Digit%"), 9, 1);
    cli_cell(o, T("HL", "Sat."), 7, 1);
    cli_cell(o, T("Ngày TV", "Med.d"), 9, 1);
    cli_cell(o, T("Ngày P90", "P90 d"), 9, 1);
    fputc('\n', o);
    cli_rule(o, '-', 147);
    fputc('\n', o);
    for (i = 0; i < res->n_rows && i < CLI_TABLE_GROUPS; i++) {
        print_row(&res->rows[i]);
    }
    if (res->n_rows > CLI_TABLE_GROUPS) {
        printf(T("... và %zu nhóm đơn vị x kỳ khác (bảng đầy đủ: --csv hoặc "
                 "--json)\n",
                 "... and %zu more unit x period groups (the full table: "
                 "--csv or --json)\n"),
               res->n_rows - (size_t)CLI_TABLE_GROUPS);
    }
    if (res->n_totals > 0) {
        cli_rule(o, '-', 147);
        fputc('\n', o);
        for (i = 0; i < res->n_totals; i++) {
            print_row(&res->totals[i]);
        }
    }
    cli_rule(o, '-', 147);
    fputc('\n', o);
    print_row(&res->overall);
    if (res->has_status) {
        printf("\n%s: %llu / %llu / %llu\n",
               T("Hồ sơ đã hủy / rút / trả lại (không tính vào các tỷ lệ)",
                 "Dossiers cancelled / withdrawn / returned (in no rate)"),
               (unsigned long long)res->overall.cancelled,
               (unsigned long long)res->overall.withdrawn,
               (unsigned long long)res->overall.returned);
    }
    cli_print_records(res->rows_read, res->rows_counted, res->rows_rejected,
                      res->rows_totals, res->rows_other_units);
    printf("%s\n",
           T("%: Tr.tuyến, Ký TP, Ký KQ, Số hóa trên số tiếp nhận; Đ.hạn% "
             "trên số đã xong; Tiến độ = (xong đúng hạn + đang xử trong "
             "hạn) / tiếp nhận (766); ngày xử lý: trung vị, P90",
             "%: Online, CompSg, ResSg, Digit of received; OnTime% of "
             "finished; Progr. = (finished on time + open within due) / "
             "received (766); processing days: median, p90"));
}

int
cmd_services(int argc, char **argv)
{
    cli_parser op;
    chiso_services_options opts = CHISO_SERVICES_OPTIONS_INIT;
    const char *csv_path = NULL, *json_path = NULL;
    chiso_services_result *res = NULL;
    chiso_outfile *csv_out = NULL;
    chiso_diag diag;
    cli_reading rd;
    chiso_unit_ref unit_ref;
    const char *inputs[1];
    long threads;
    int c, rc = CLI_EXIT_OK, k;

    memset(&diag, 0, sizeof(diag));
    memset(&unit_ref, 0, sizeof(unit_ref));
    diag.lang = cli_diag_lang();
    cli_reading_init(&rd, "services");
    cli_parser_init(&op, "services", services_help, NULL, services_options,
                    cli_reading_options, NULL);
    optind = 0;
    while ((c = cli_getopt(&op, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_EXIT) {
            rc = op.rc;
            goto out;
        }
        k = cli_reading_option(&rd, c, optarg, &opts.table);
        if (k != 0) {
            if (k < 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            continue;
        }
        switch (c) {
        case 'p':
            if (cli_parse_period_kind("services", optarg, &opts.period) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            break;
        case 'a':
            if (cli_parse_as_of("services", optarg, &opts.as_of) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            opts.has_as_of = 1;
            break;
        case 'c':
            csv_path = optarg;
            break;
        case 'j':
            json_path = optarg;
            break;
        case 'u':
            if (optarg[0] == '\0') {
                rc = cli_usage_error("services", "--unit needs a unit code or "
                                                 "name");
                goto out;
            }
            unit_ref.code = optarg;
            opts.unit = &unit_ref;
            break;
        case 't':
            if (cli_parse_long("services", "--threads", optarg, &threads) !=
                0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            if (threads < 1 || threads > 64) {
                rc = cli_usage_error(
                    "services", "--threads must be 1 to 64, got %ld", threads);
                goto out;
            }
            opts.table.threads = (int)threads;
            break;
        case 'R':
            opts.table.reference = 1;
            break;
        default:
            break;
        }
    }
    if (argc - optind != 1) {
        rc = cli_usage_error("services",
                             "expected one DOSSIERS.csv, got %d arguments",
                             argc - optind);
        goto out;
    }
    inputs[0] = argv[optind];
    if (cli_check_not_input("services", csv_path, inputs, 1) != 0 ||
        cli_check_not_input("services", json_path, inputs, 1) != 0 ||
        cli_check_not_input("services", rd.rej_path, inputs, 1) != 0) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    rc = cli_reading_start(&rd, &opts.table);
    if (rc != CLI_EXIT_OK) {
        goto out;
    }
    if (chiso_services_compute(&res, argv[optind], &opts, &diag) != CHISO_OK) {
        rc = cli_reading_failed(&rd, &diag);
        goto out;
    }
    if (res->overall.received + res->overall.cancelled +
            res->overall.withdrawn + res->overall.returned ==
        0) {
        /* no result means a non-zero exit */
        if (opts.unit != NULL) {
            chiso_diag_set(&diag, CHISO_EDATA, argv[optind], 0, 0,
                           "no dossier of unit '%s' to count: nothing is "
                           "reported",
                           opts.unit->code);
        } else {
            chiso_diag_set(&diag, CHISO_EDATA, argv[optind], 0, 0,
                           "no dossier to count: nothing is reported");
        }
        cli_reading_report(&rd, res->rows_rejected,
                           res->rows_read - res->rows_totals,
                           res->max_rejects_pct);
        rc = cli_report(&diag);
        if (cli_reading_commit(&rd) != CLI_EXIT_OK) {
            rc = CLI_EXIT_IO;
        }
        goto out;
    }
    if (csv_path != NULL) {
        rc = cli_out_open(csv_path, &csv_out);
        if (rc != CLI_EXIT_OK) {
            goto out;
        }
        chiso_services_write_csv(res, chiso_outfile_stream(csv_out));
    }
    if (json_path != NULL) {
        cJSON *root = chiso_services_to_json(res);
        if (root == NULL || cli_reading_json(&rd, root) != 0) {
            cJSON_Delete(root);
            fprintf(stderr, "chiso: out of memory\n");
            rc = CLI_EXIT_INTERNAL;
            goto out;
        }
        rc = cli_write_json(root, json_path);
        cJSON_Delete(root);
        if (rc != CLI_EXIT_OK) {
            goto out;
        }
    }
    rc = cli_out_commit(&csv_out);
    if (rc == CLI_EXIT_OK) {
        rc = cli_reading_commit(&rd);
    }
    if (rc != CLI_EXIT_OK) {
        goto out;
    }
    if (json_path == NULL || strcmp(json_path, "-") != 0) {
        print_table(res);
    }
    cli_reading_report(&rd, res->rows_rejected,
                       res->rows_read - res->rows_totals, res->max_rejects_pct);
out:
    chiso_outfile_abort(csv_out);
    cli_reading_free(&rd);
    chiso_services_free(res);
    return rc;
}

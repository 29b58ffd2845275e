/*
 * cmd_tasks.c - chiso tasks TASKS.csv --as-of DATE [options]
 *
 * Task register -> per unit x period of the deadline: assigned, completed
 * on time / late, open, overdue, rates and days late; the overdue list,
 * most overdue first; tasks without a deadline apart. --as-of is required:
 * "overdue" depends on the day, and chiso never reads the clock.
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

/* Overdue tasks listed under the table; the JSON has all of them. */
#define TASKS_OVERDUE_SHOWN 20

static const char tasks_help[] =
    N_("Usage: chiso tasks TASKS.csv --as-of DATE [options]\n\n"
       "Completion and on-time rates per unit and period from a task "
       "register\n(- = standard input). A task counts in the period of its "
       "deadline.\n\n");

static const cli_option tasks_options[] = {
    {"as-of", required_argument, 'a', N_("DATE"),
     N_("the day the state is judged at (required); a date\nwithout time "
        "means the end of that day")},
    {"period", required_argument, 'p', "month|quarter|half|year",
     N_("group by the period of the deadline (default month)")},
    {"unit", required_argument, 'u', N_("CODE"),
     N_("only this unit (matched ignoring case and diacritics);\nfor a "
        "register without a unit column: its unit")},
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
print_row(const chiso_tasks_row *r)
{
    FILE *o = stdout;
    char num[32];
    const uint64_t v[6] = {r->assigned,          r->completed,
                           r->completed_on_time, r->completed_late,
                           r->open_not_due,      r->overdue};
    size_t i;

    cli_cell(o, r->unit, 12, 0);
    cli_cell(o, r->period, 8, 0);
    for (i = 0; i < 6; i++) {
        snprintf(num, sizeof(num), "%llu", (unsigned long long)v[i]);
        cli_cell(o, num, 10, 1);
    }
    cli_num(o, r->on_time_pct, 2, 10);
    cli_num(o, r->completed_pct, 2, 10);
    cli_num(o, r->days_late_mean, 2, 9);
    cli_num(o, r->days_late_median, 2, 9);
    cli_num(o, r->days_late_max, 2, 9);
    fputc('\n', o);
}

static void
print_table(const chiso_tasks_result *res)
{
    FILE *o = stdout;
    size_t i;
    char when[40];

    chiso_format_datetime(res->as_of.secs, res->as_of.has_time, when,
                          sizeof(when));
    printf("%s: %s\n", T("Sổ theo dõi nhiệm vụ", "Task register"), res->path);
    cli_print_unit(res->has_unit_column, res->n_units, res->units,
                   res->unit_in_log);
    printf("%s: %s; %s %s\n\n",
           T("Kỳ (theo hạn hoàn thành)", "Period (of the deadline)"),
           cli_code_label(chiso_period_kind_name(res->period)),
           T("tính đến", "as of"), when);
    cli_cell(o, T("Đơn vị", "Unit"), 12, 0);
    cli_cell(o, T("Kỳ", "Period"), 8, 0);
    cli_cell(o, T("Giao", "Assigned"), 10, 1);
    cli_cell(o, T("Xong", "Done"), 10, 1);
    cli_cell(o, T("Đúng hạn", "On time"), 10, 1);
    cli_cell(o, T("Trễ hạn", "Late"), 10, 1);
    cli_cell(o, T("Chưa đến", "Not due"), 10, 1);
    cli_cell(o, T("Quá hạn", "Overdue"), 10, 1);
    cli_cell(o, T("Đ.hạn%", "OnTime%"), 10, 1);
    cli_cell(o, T("Xong%", "Done%"), 10, 1);
    cli_cell(o, T("Trễ TB", "Late avg"), 9, 1);
    cli_cell(o, T("Trễ TV", "Late med"), 9, 1);
    cli_cell(o, T("Trễ max", "Late max"), 9, 1);
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
    printf("%s\n", T("Đ.hạn% = xong đúng hạn / (đã xong + quá hạn); Xong% = "
                     "đã xong / giao; trễ: số ngày",
                     "OnTime% = done on time / (done + overdue); Done% = "
                     "done / assigned; late: days"));
    if (res->undated_total.tasks > 0) {
        printf("\n%s\n", T("Nhiệm vụ không có hạn (không tính tỷ lệ đúng "
                           "hạn):",
                           "Tasks without a deadline (no on-time status):"));
        for (i = 0; i < res->n_undated; i++) {
            const chiso_tasks_undated *u = &res->undated[i];
            printf("  ");
            cli_cell(o, u->unit, 12, 0);
            printf(" %llu %s, %llu %s, %llu %s\n", (unsigned long long)u->tasks,
                   T("nhiệm vụ", "tasks"), (unsigned long long)u->completed,
                   T("xong", "done"), (unsigned long long)u->open,
                   T("chưa xong", "open"));
        }
    }
    if (res->cancelled > 0) {
        printf(
            "\n%s: %llu\n",
            T("Nhiệm vụ đã hủy (không tính)", "Cancelled tasks (not counted)"),
            (unsigned long long)res->cancelled);
    }
    if (res->n_overdue > 0) {
        printf("\n%s\n", T("Nhiệm vụ quá hạn (quá hạn lâu nhất trước):",
                           "Overdue tasks (most overdue first):"));
        cli_cell(o, T("Số ngày", "Days"), 9, 1);
        fputs("  ", o);
        cli_cell(o, T("Mã", "ID"), 12, 0);
        cli_cell(o, T("Đơn vị", "Unit"), 12, 0);
        cli_cell(o, T("Hạn", "Due"), 20, 0);
        fputs(T("Nội dung", "Title"), o);
        fputc('\n', o);
        for (i = 0; i < res->n_overdue && i < TASKS_OVERDUE_SHOWN; i++) {
            const chiso_task_overdue *t = &res->overdue[i];
            chiso_format_datetime(t->due.secs, t->due.has_time, when,
                                  sizeof(when));
            cli_num(o, t->days_overdue, 2, 9);
            fputs("  ", o);
            cli_cell(o, t->task_id, 12, 0);
            cli_cell(o, t->unit, 12, 0);
            cli_cell(o, when, 20, 0);
            cli_cell(o, t->title, 60, 0);
            fputc('\n', o);
        }
        if (res->n_overdue > TASKS_OVERDUE_SHOWN) {
            printf(T("... và %zu nhiệm vụ quá hạn khác (danh sách đầy đủ: "
                     "--json)\n",
                     "... and %zu more overdue tasks (the full list: "
                     "--json)\n"),
                   res->n_overdue - TASKS_OVERDUE_SHOWN);
        }
    }
    cli_print_records(res->rows_read, res->rows_counted, res->rows_rejected,
                      res->rows_totals, res->rows_other_units);
}

int
cmd_tasks(int argc, char **argv)
{
    cli_parser op;
    chiso_tasks_options opts = CHISO_TASKS_OPTIONS_INIT;
    const char *csv_path = NULL, *json_path = NULL;
    chiso_tasks_result *res = NULL;
    chiso_outfile *csv_out = NULL;
    chiso_diag diag;
    cli_reading rd;
    chiso_unit_ref unit_ref;
    const char *inputs[1];
    long threads;
    int c, rc = CLI_EXIT_OK, has_as_of = 0, k;

    memset(&diag, 0, sizeof(diag));
    memset(&unit_ref, 0, sizeof(unit_ref));
    diag.lang = cli_diag_lang();
    cli_reading_init(&rd, "tasks");
    cli_parser_init(&op, "tasks", tasks_help, NULL, tasks_options,
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
            if (cli_parse_period_kind("tasks", optarg, &opts.period) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            break;
        case 'a':
            if (cli_parse_as_of("tasks", optarg, &opts.as_of) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            has_as_of = 1;
            break;
        case 'c':
            csv_path = optarg;
            break;
        case 'j':
            json_path = optarg;
            break;
        case 'u':
            if (optarg[0] == '\0') {
                rc = cli_usage_error("tasks", "--unit needs a unit code or "
                                              "name");
                goto out;
            }
            unit_ref.code = optarg;
            opts.unit = &unit_ref;
            break;
        case 't':
            if (cli_parse_long("tasks", "--threads", optarg, &threads) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            if (threads < 1 || threads > 64) {
                rc = cli_usage_error(
                    "tasks", "--threads must be 1 to 64, got %ld", threads);
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
        rc = cli_usage_error("tasks",
                             "expected one TASKS.csv, got %d "
                             "arguments",
                             argc - optind);
        goto out;
    }
    if (!has_as_of) {
        rc = cli_usage_error("tasks", "--as-of DATE is required: overdue "
                                      "depends on the day, and chiso does "
                                      "not use today's date");
        goto out;
    }
    inputs[0] = argv[optind];
    if (cli_check_not_input("tasks", csv_path, inputs, 1) != 0 ||
        cli_check_not_input("tasks", json_path, inputs, 1) != 0 ||
        cli_check_not_input("tasks", rd.rej_path, inputs, 1) != 0) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    rc = cli_reading_start(&rd, &opts.table);
    if (rc != CLI_EXIT_OK) {
        goto out;
    }
    if (chiso_tasks_compute(&res, argv[optind], &opts, &diag) != CHISO_OK) {
        rc = cli_reading_failed(&rd, &diag);
        goto out;
    }
    if (res->rows_counted == res->rows_other_units) {
        /* no result means a non-zero exit */
        if (opts.unit != NULL) {
            chiso_diag_set(&diag, CHISO_EDATA, argv[optind], 0, 0,
                           "no task of unit '%s' to count: nothing is "
                           "reported",
                           opts.unit->code);
        } else {
            chiso_diag_set(&diag, CHISO_EDATA, argv[optind], 0, 0,
                           "no task to count: nothing is reported");
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
        chiso_tasks_write_csv(res, chiso_outfile_stream(csv_out));
    }
    if (json_path != NULL) {
        cJSON *root = chiso_tasks_to_json(res);
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
    chiso_tasks_free(res);
    return rc;
}

/*
 * score_inputs.c - options and messages shared by chiso tasks, chiso
 * services and chiso score --tasks/--dossiers, and the bridge from task
 * registers / dossier logs to the scorer's derived inputs for one unit and
 * one period.
 *
 * The period text decides the grouping ("2024-H1" groups by half-year).
 * Without --as-of, tasks are judged at the end of the period (the report
 * "6 tháng đầu năm 2024" is as of 30/06/2024) and open dossiers at the end
 * of the period, as chiso services does.
 */
#define _POSIX_C_SOURCE 200809L
#include "score_inputs.h"
#include "cli.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* Bad rows printed on stderr; the JSON keeps up to its list's cap. */
#define CLI_REJECTS_SHOWN 10

chiso_lang
cli_diag_lang(void)
{
    return cli_language == CLI_LANG_EN ? CHISO_LANG_EN : CHISO_LANG_VI;
}

int
cli_parse_period_kind(const char *cmd, const char *s, chiso_period_kind *k)
{
    if (chiso_period_kind_from_name(s, k) != 0) {
        return cli_usage_error(cmd,
                               "--period must be month, quarter, half "
                               "or year, got '%s'",
                               s);
    }
    return 0;
}

int
cli_parse_as_of(const char *cmd, const char *s, chiso_stamp *t)
{
    char why[160];

    if (chiso_stamp_parse(s, strlen(s), t, why, sizeof(why)) != 0) {
        return cli_usage_error(cmd, "--as-of: invalid date '%s': %s", s, why);
    }
    return 0;
}

int
cli_parse_max_rejects(const char *cmd, const char *s, double *pct)
{
    if (chiso_parse_number(s, strlen(s), pct) != 0 || *pct < 0 || *pct > 100) {
        return cli_usage_error(cmd,
                               "--max-rejects must be a percentage from 0 "
                               "to 100, got '%s'",
                               s);
    }
    return 0;
}

/* Did the run fail because of its bad rows (the verdict of max_rejects)? */
static int
failed_on_rejects(const chiso_diag *diag, const chiso_diag_list *problems)
{
    const chiso_diag *first;

    if (diag->code != CHISO_EDATA && diag->code != CHISO_EPARSE) {
        return 0;
    }
    if (problems->n == 0) {
        return 0;
    }
    first = &problems->items[0];
    return diag->line == first->line && diag->column == first->column &&
           strcmp(diag->path, first->path) == 0 &&
           strncmp(diag->message, first->message, strlen(first->message)) == 0;
}

/* Does the table hold personal data? Then no line of it is echoed. */
static int
has_personal(const cli_reading *r)
{
    size_t i;

    for (i = 0; i < r->notes.n; i++) {
        if (r->notes.items[i].kind != NULL &&
            strcmp(r->notes.items[i].kind, "personal_data_columns") == 0) {
            return 1;
        }
    }
    return 0;
}

/* A diagnostic without the excerpt of its line. */
static void
print_plain(const chiso_diag *d, const char *prefix)
{
    fprintf(stderr, "chiso: %s", prefix ? prefix : "");
    if (d->path[0] != '\0') {
        fprintf(stderr, "%s:", d->path);
        if (d->line > 0) {
            fprintf(stderr, "%lu:", d->line);
            if (d->column > 0) {
                fprintf(stderr, "%lu:", d->column);
            }
        }
        fputc(' ', stderr);
    }
    fprintf(stderr, "%s\n", d->message);
}

static void
print_row_diag(const cli_reading *r, const chiso_diag *d, const char *prefix)
{
    if (has_personal(r)) {
        print_plain(d, prefix);
    } else {
        cli_print_diag(d, prefix);
    }
}

const cli_option cli_reading_options[] = {
    {"rejects", required_argument, 0x100, N_("FILE"),
     N_("write the bad rows there (CSV)")},
    {"max-rejects", required_argument, 0x101, N_("PCT"),
     N_("fail when more than PCT percent of the rows are bad\n(default 5)")},
    {"header-row", required_argument, 0x102, "N",
     N_("the header is row N (default: found in the first 30)")},
    {"excel-dates", no_argument, 0x103, NULL,
     N_("numbers in date columns are Excel serial dates")},
    {"sheet", required_argument, 0x104, N_("NAME|N"),
     N_("the sheet of a workbook (.xlsx, .xls; default: the first\nvisible "
        "sheet with data)")},
    {NULL, 0, 0, NULL, NULL}};

void
cli_reading_init(cli_reading *r, const char *cmd)
{
    memset(r, 0, sizeof(*r));
    r->cmd = cmd;
    chiso_diag_list_init(&r->problems, 50);
    chiso_diag_list_init(&r->notes, 50);
    r->problems.lang = cli_diag_lang();
    r->notes.lang = cli_diag_lang();
}

int
cli_reading_option(cli_reading *r,
                   int c,
                   const char *arg,
                   chiso_table_options *t)
{
    long n;

    switch (c) {
    case 0x100:
        r->rej_path = arg;
        return 1;
    case 0x101:
        return cli_parse_max_rejects(r->cmd, arg, &t->max_rejects_pct) == 0
                   ? 1
                   : -1;
    case 0x102:
        if (cli_parse_long(r->cmd, "--header-row", arg, &n) != 0) {
            return -1;
        }
        if (n < 1) {
            cli_usage_error(r->cmd, "--header-row must be 1 or more, got %ld",
                            n);
            return -1;
        }
        t->header_row = n;
        return 1;
    case 0x103:
        t->date_flags |= CHISO_DATE_EXCEL_SERIAL;
        return 1;
    case 0x104:
        t->sheet = arg;
        return 1;
    default:
        return 0;
    }
}

static void
rejects_header(void *ctx, const char *const *names, size_t n, char delim)
{
    chiso_rejects_csv_header(ctx, names, n, delim);
}

int
cli_reading_start(cli_reading *r, chiso_table_options *t)
{
    if (r->rej_path != NULL) {
        int rc = cli_out_open(r->rej_path, &r->rej_out);
        if (rc != CLI_EXIT_OK) {
            return rc;
        }
        chiso_rejects_csv_init(&r->rw, chiso_outfile_stream(r->rej_out));
        t->on_reject = chiso_rejects_csv_write;
        t->on_header = rejects_header;
        t->reject_ctx = &r->rw;
    }
    t->problems = &r->problems;
    t->notes = &r->notes;
    return CLI_EXIT_OK;
}

static void
print_notes(const cli_reading *r)
{
    size_t i;
    chiso_lang lang = cli_diag_lang();

    for (i = 0; i < r->notes.n; i++) {
        const chiso_diag *d = &r->notes.items[i];
        print_plain(d, d->severity == CHISO_SEVERITY_WARNING
                           ? chiso_msg(lang, "warning: ")
                           : chiso_msg(lang, "note: "));
    }
    if (r->notes.n_dropped > 0) {
        fprintf(stderr, chiso_msg(lang, "chiso: %zu more notes not shown\n"),
                r->notes.n_dropped);
    }
}

int
cli_reading_failed(cli_reading *r, const chiso_diag *diag)
{
    const chiso_diag_list *problems = &r->problems;
    size_t i, shown = problems->n < CLI_REJECTS_SHOWN ? problems->n
                                                      : CLI_REJECTS_SHOWN;
    chiso_lang lang = cli_diag_lang();
    int rc = cli_exit_code(diag->code);

    if (!failed_on_rejects(diag, problems)) {
        print_notes(r);
        print_row_diag(r, diag, NULL);
        return rc;
    }
    print_notes(r);
    /* the first bad row is in the failure's message */
    print_row_diag(r, diag, NULL);
    for (i = 1; i < shown; i++) {
        print_row_diag(r, &problems->items[i], NULL);
    }
    if (chiso_diag_list_total(problems) > shown) {
        fprintf(stderr, chiso_msg(lang, "chiso: %zu more bad rows not shown\n"),
                chiso_diag_list_total(problems) - shown);
    }
    if (r->rej_out != NULL) {
        /* the bad rows are the answer: keep them */
        if (cli_out_commit_now(&r->rej_out) != CLI_EXIT_OK) {
            return CLI_EXIT_IO;
        }
        fprintf(stderr,
                chiso_msg(lang, "chiso: the bad rows were written to %s\n"),
                r->rej_path);
    }
    return rc;
}

void
cli_reading_report(cli_reading *r,
                   uint64_t rejected,
                   uint64_t data_rows,
                   double max_pct)
{
    const chiso_diag_list *problems = &r->problems;
    size_t i, shown = problems->n < CLI_REJECTS_SHOWN ? problems->n
                                                      : CLI_REJECTS_SHOWN;
    char pct[32], lim[32];
    chiso_lang lang = cli_diag_lang();

    print_notes(r);
    for (i = 0; i < shown; i++) {
        print_row_diag(r, &problems->items[i], chiso_msg(lang, "warning: "));
    }
    if (chiso_diag_list_total(problems) > shown) {
        fprintf(stderr, chiso_msg(lang, "chiso: %zu more bad rows not shown\n"),
                chiso_diag_list_total(problems) - shown);
    }
    if (rejected == 0) {
        return;
    }
    chiso_format_double(
        chiso_round_half_up(
            data_rows > 0 ? 100.0 * (double)rejected / (double)data_rows : 0,
            1),
        pct, sizeof(pct));
    chiso_format_double(max_pct, lim, sizeof(lim));
    if (r->rej_path != NULL) {
        fprintf(stderr,
                chiso_msg(lang, "chiso: warning: %llu of %llu rows rejected "
                                "(%s %%, limit %s %%), written to %s\n"),
                (unsigned long long)rejected, (unsigned long long)data_rows,
                pct, lim, r->rej_path);
    } else {
        fprintf(stderr,
                chiso_msg(lang, "chiso: warning: %llu of %llu rows rejected "
                                "(%s %%, limit %s %%); --rejects FILE keeps "
                                "them\n"),
                (unsigned long long)rejected, (unsigned long long)data_rows,
                pct, lim);
    }
}

int
cli_reading_json(cli_reading *r, cJSON *root)
{
    cJSON *w = chiso_diag_list_to_json(&r->notes);
    cJSON *p = chiso_diag_list_to_json(&r->problems), *it;

    if (w == NULL || p == NULL) {
        cJSON_Delete(w);
        cJSON_Delete(p);
        return -1;
    }
    while ((it = cJSON_DetachItemFromArray(p, 0)) != NULL) {
        cJSON_AddItemToArray(w, it);
    }
    cJSON_Delete(p);
    return cJSON_AddItemToObject(root, "warnings", w) ? 0 : -1;
}

int
cli_reading_commit(cli_reading *r)
{
    return cli_out_commit(&r->rej_out);
}

void
cli_reading_free(cli_reading *r)
{
    chiso_outfile_abort(r->rej_out);
    r->rej_out = NULL;
    chiso_diag_list_free(&r->problems);
    chiso_diag_list_free(&r->notes);
}

void
cli_print_records(uint64_t read,
                  uint64_t counted,
                  uint64_t rejected,
                  uint64_t totals,
                  uint64_t other_units)
{
    printf("\n%s: %s = %llu; %s = %llu + %llu", T("Số dòng", "Rows"),
           T("đọc", "read"), (unsigned long long)read,
           T("tính + loại", "counted + rejected"), (unsigned long long)counted,
           (unsigned long long)rejected);
    if (totals > 0) {
        printf(" + %llu %s", (unsigned long long)totals,
               T("dòng tổng (bỏ qua)", "totals rows (skipped)"));
    }
    if (other_units > 0) {
        printf("; %s %llu %s", T("trong đó", "of which"),
               (unsigned long long)other_units,
               T("của đơn vị khác", "of other units"));
    }
    if (rejected > 0 && read > totals) {
        printf(" (%s %.1f %%)", T("loại", "rejected"),
               100.0 * (double)rejected / (double)(read - totals));
    }
    putchar('\n');
}

void
cli_print_unit(int has_column,
               size_t n_units,
               char *const *units,
               const char *in_log)
{
    if (n_units == 0 || (has_column && in_log == NULL)) {
        return;
    }
    printf("%s: %s", T("Đơn vị", "Unit"), units[0]);
    if (!has_column) {
        printf(" (%s)", T("tệp không có cột đơn vị: mọi dòng là của đơn vị "
                          "này (--unit)",
                          "the file has no unit column: every row is this "
                          "unit's (--unit)"));
    } else if (strcmp(in_log, units[0]) != 0) {
        printf(" (%s: %s)", T("trong tệp ghi", "written in the file as"),
               in_log);
    }
    putchar('\n');
}

/* Warnings of a log go to the caller's list, or to stderr. */
static void
pass_warnings(const score_sources *src, chiso_diag_list *w)
{
    size_t i;

    for (i = 0; i < w->n; i++) {
        if (src->warnings != NULL) {
            chiso_diag_list_add(src->warnings, &w->items[i]);
        } else {
            cli_print_diag(&w->items[i],
                           chiso_msg(cli_diag_lang(), "warning: "));
        }
    }
    if (w->n_dropped > 0) {
        if (src->warnings != NULL) {
            src->warnings->n_dropped += w->n_dropped;
        } else {
            fprintf(stderr,
                    chiso_msg(cli_diag_lang(),
                              "chiso: %zu more bad rows not shown\n"),
                    w->n_dropped);
        }
    }
}

int
score_inputs_build(const score_sources *src, chiso_input_set *set)
{
    chiso_period_kind kind;
    int32_t index;
    chiso_stamp as_of;
    int64_t first, end;
    chiso_diag diag;
    chiso_status st;
    chiso_unit_ref ref, *unit = NULL;
    chiso_diag_list w;
    double max_pct = 5.0;
    int rc = CLI_EXIT_OK;

    if (src->tasks == NULL && src->dossiers == NULL) {
        return CLI_EXIT_OK;
    }
    if (src->period == NULL) {
        return cli_usage_error("score", "--tasks and --dossiers need "
                                        "--period (e.g. 2024-H1, 2024-Q3, "
                                        "2024-03, 2024)");
    }
    if (chiso_period_parse(src->period, &kind, &index) != 0) {
        return cli_usage_error("score",
                               "--period must look like 2024-03, "
                               "2024-Q1, 2024-H1 or 2024, got '%s'",
                               src->period);
    }
    if (src->max_rejects != NULL &&
        cli_parse_max_rejects("score", src->max_rejects, &max_pct) != 0) {
        return CLI_EXIT_USAGE;
    }
    chiso_period_days(kind, index, &first, &end);
    as_of.secs = (end - 1) * 86400; /* the last day, as a whole day */
    as_of.has_time = 0;
    if (src->as_of != NULL &&
        cli_parse_as_of("score", src->as_of, &as_of) != 0) {
        return CLI_EXIT_USAGE;
    }
    memset(&ref, 0, sizeof(ref));
    if (src->unit != NULL) {
        ref.code = src->unit;
        unit = &ref;
    }
    memset(&diag, 0, sizeof(diag));
    diag.lang = cli_diag_lang();
    chiso_diag_list_init(&w, 50);
    w.lang = diag.lang;
    if (src->tasks != NULL) {
        chiso_tasks_options to = CHISO_TASKS_OPTIONS_INIT;
        chiso_tasks_result *tr = NULL;
        to.period = kind;
        to.as_of = as_of;
        to.unit = unit;
        to.table.max_rejects_pct = max_pct;
        to.table.problems = &w;
        to.table.notes = &w;
        st = chiso_tasks_compute(&tr, src->tasks, &to, &diag);
        if (st == CHISO_OK) {
            st = chiso_tasks_inputs(set, tr, src->unit, index, &w, &diag);
        }
        chiso_tasks_free(tr);
        if (st != CHISO_OK) {
            rc = cli_report(&diag);
            goto out;
        }
    }
    if (src->dossiers != NULL) {
        chiso_services_options so = CHISO_SERVICES_OPTIONS_INIT;
        chiso_services_result *sr = NULL;
        so.period = kind;
        if (src->as_of != NULL) {
            so.has_as_of = 1;
            so.as_of = as_of;
        }
        so.unit = unit;
        so.table.max_rejects_pct = max_pct;
        so.table.problems = &w;
        so.table.notes = &w;
        st = chiso_services_compute(&sr, src->dossiers, &so, &diag);
        if (st == CHISO_OK) {
            st = chiso_services_inputs(set, sr, src->unit, index, &w, &diag);
        }
        chiso_services_free(sr);
        if (st != CHISO_OK) {
            rc = cli_report(&diag);
            goto out;
        }
    }
out:
    if (rc == CLI_EXIT_OK) {
        pass_warnings(src, &w);
    }
    chiso_diag_list_free(&w);
    return rc;
}

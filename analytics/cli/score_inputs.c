/*
 * score_inputs.c - chiso score --tasks/--dossiers: turn a task register
 * and a dossier log into the derived inputs (tasks.*, services.*) for one
 * unit and one period, by composing the library computations.
 *
 * The period text decides the grouping ("2024-H1" groups by half-year).
 * Without --as-of, tasks are judged at the end of the period (the report
 * "6 tháng đầu năm 2024" is as of 30/06/2024) and open dossiers at the end
 * of the period, as chiso services does.
 */
#define _POSIX_C_SOURCE 200809L
#include "score_inputs.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>

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
score_inputs_build(const score_sources *src, chiso_input_set *set)
{
    chiso_period_kind kind;
    int32_t index;
    chiso_stamp as_of;
    int64_t first, end;
    chiso_diag diag;
    chiso_status st;

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
    chiso_period_days(kind, index, &first, &end);
    as_of.secs = (end - 1) * 86400; /* the last day, as a whole day */
    as_of.has_time = 0;
    if (src->as_of != NULL &&
        cli_parse_as_of("score", src->as_of, &as_of) != 0) {
        return CLI_EXIT_USAGE;
    }
    chiso_diag_clear(&diag);
    if (src->tasks != NULL) {
        chiso_tasks_options to = CHISO_TASKS_OPTIONS_INIT;
        chiso_tasks_result *tr = NULL;
        to.period = kind;
        to.as_of = as_of;
        if (chiso_tasks_compute(&tr, src->tasks, &to, &diag) != CHISO_OK) {
            return cli_report(&diag);
        }
        if (chiso_tasks_find(tr, src->unit, index) == NULL) {
            fprintf(
                stderr, "chiso: warning: %s: no task of %s%s%s is due in %s\n",
                src->tasks, src->unit ? "unit '" : "any unit",
                src->unit ? src->unit : "", src->unit ? "'" : "", src->period);
        }
        st = chiso_tasks_inputs(set, tr, src->unit, index);
        chiso_tasks_free(tr);
        if (st != CHISO_OK) {
            fprintf(stderr, "chiso: out of memory\n");
            return CLI_EXIT_INTERNAL;
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
        if (chiso_services_compute(&sr, src->dossiers, &so, &diag) !=
            CHISO_OK) {
            return cli_report(&diag);
        }
        if (chiso_services_find(sr, src->unit, index) == NULL) {
            fprintf(stderr,
                    "chiso: warning: %s: no dossier of %s%s%s was received "
                    "in %s\n",
                    src->dossiers, src->unit ? "unit '" : "any unit",
                    src->unit ? src->unit : "", src->unit ? "'" : "",
                    src->period);
        }
        st = chiso_services_inputs(set, sr, src->unit, index);
        chiso_services_free(sr);
        if (st != CHISO_OK) {
            fprintf(stderr, "chiso: out of memory\n");
            return CLI_EXIT_INTERNAL;
        }
    }
    return CLI_EXIT_OK;
}

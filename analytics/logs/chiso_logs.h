/*
 * chiso_logs.h - task registers and dossier logs -> on-time, online and
 * digitisation indicators per unit and period.
 *
 * Two inputs a department already has:
 *   - a task register (nhiệm vụ giao, with deadlines): chiso_tasks_*;
 *   - a dossier log of administrative procedures from the one-stop system
 *     (one row per hồ sơ): chiso_services_*.
 * Both are read in one streaming pass; memory grows with the number of
 * unit x period groups, not with rows, except for the exact quantiles of
 * processing days (2 bytes per finished dossier, see logs_int.h) and
 * the overdue-task list.
 *
 * Time rules (README "Dossier logs", "Task registers"):
 *   - timestamps are local times as written, with or without a time of day
 *     (dd/mm/yyyy hh:mm, ISO 8601 ...), no time zone;
 *   - a date without a time stands for that whole day: a due date without
 *     time is the end of that day (23:59:59); a comparison or a difference
 *     that involves a date-only value is made between days;
 *   - a dossier belongs to the period of its received_at; a task to the
 *     period of its due_at (tasks without a deadline are counted apart).
 *
 * The library reads files and computes; it never prints. Row problems are
 * reported through chiso_diag (file:line:column) or, when the options carry
 * a reject callback, handed to it so the run can continue.
 */
#ifndef CHISO_LOGS_H
#define CHISO_LOGS_H

#include "chiso_util.h"
#include "chiso_dataset.h"
#include "chiso_score.h"

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* ---- periods ------------------------------------------------------------ */

typedef enum chiso_period_kind {
    CHISO_PERIOD_MONTH = 0, /* "2024-03" */
    CHISO_PERIOD_QUARTER,   /* "2024-Q1" */
    CHISO_PERIOD_HALF,      /* "2024-H1" (6 tháng đầu năm), "2024-H2" */
    CHISO_PERIOD_YEAR       /* "2024" */
} chiso_period_kind;

/* "month", "quarter", "half", "year" -> kind. Returns 0, or -1 if unknown. */
int chiso_period_kind_from_name(const char *name, chiso_period_kind *out);
const char *chiso_period_kind_name(chiso_period_kind kind);
/* The kind for people, in `lang`: "tháng", "quý", "6 tháng", "năm" (the
 * name above is the stable word of options, CSV and JSON). */
const char *chiso_period_kind_label(chiso_period_kind kind, chiso_lang lang);

/* Index of the period holding day `day` (days since 1970-01-01): for a
 * month y*12+m-1, a quarter y*4+q-1, a half y*2+h-1, a year y. */
int32_t chiso_period_of_day(chiso_period_kind kind, int64_t day);

/* Text of a period index ("2024-03", "2024-Q1", "2024-H2", "2024"). */
void chiso_period_format(chiso_period_kind kind,
                         int32_t index,
                         char *out,
                         size_t len);

/* Parse a period text of any kind. Returns 0, or -1 if malformed. */
int chiso_period_parse(const char *s, chiso_period_kind *kind, int32_t *index);

/* First day and the day after the last day of a period. */
void chiso_period_days(chiso_period_kind kind,
                       int32_t index,
                       int64_t *first_day,
                       int64_t *end_day);

/* A point in time as written: seconds since 1970-01-01 00:00:00 local
 * time, and whether a time of day was given (else secs is 00:00:00). */
typedef struct chiso_stamp {
    int64_t secs;
    int has_time;
} chiso_stamp;

/* Parse a date or date-time (chiso_parse_datetime formats). 0 or -1 with
 * a reason in why. */
int chiso_stamp_parse(
    const char *s, size_t len, chiso_stamp *out, char *why, size_t why_len);

/*
 * a - b in seconds under the whole-day rule: exact seconds when both have
 * a time of day; otherwise whole days between the two dates times 86400.
 * "a is on or before b" is chiso_stamp_diff(a, b) <= 0; with b a date only
 * this is "a <= b's day at 23:59:59".
 */
int64_t chiso_stamp_diff(chiso_stamp a, chiso_stamp b);

/* ---- units ---------------------------------------------------------------- */

/*
 * A unit as the user or a configuration names it. Logs from different
 * systems write the same unit differently (the one-stop system a code
 * "STP" or "000.00.31.H44", the task register a name "Sở Tư pháp"): a log
 * row belongs to the unit when its unit cell equals `code` or one of
 * `names`, compared trimmed and ignoring case, diacritics, spaces and
 * punctuation ("SỞ TƯ PHÁP" = "Sở Tư pháp" = "so-tu-phap").
 */
typedef struct chiso_unit_ref {
    const char *code;         /* labels the result rows ("STP"); not NULL */
    const char *const *names; /* other codes or names; may be NULL */
    size_t n_names;
} chiso_unit_ref;

/*
 * Which of a log's units (unit cells as written) are `want`: hit[i] is set
 * to 1 for every matching units[i] (hit has n_units entries). Returns
 * CHISO_OK when at least one matches; otherwise CHISO_EDATA with diag
 * naming the unit, `path`, the units the log has and the nearest one
 * ("did you mean 'Sở Tư pháp'?"). An empty log (n_units 0) is CHISO_EDATA
 * too.
 */
chiso_status chiso_unit_match(const char *path,
                              const char *const *units,
                              size_t n_units,
                              const chiso_unit_ref *want,
                              unsigned char *hit,
                              chiso_diag *diag);

/*
 * The unit of `units` nearest to `text`, or NULL when none is close: the
 * best of edit distance and shared words on folded names, and initials
 * ("STP" = Sở Tư pháp). For messages only: chiso never counts a unit for
 * another on a guess.
 */
const char *
chiso_unit_nearest(const char *const *units, size_t n_units, const char *text);

/* Rejected rows: chiso_reject, chiso_reject_fn and the CSV writer
 * chiso_rejects_csv are the datasets module's (chiso_dataset.h). */

/* ---- dossier logs (chiso services) --------------------------------------- */

typedef struct chiso_services_options {
    chiso_period_kind period;
    /* progress_pct judges open dossiers at the end of their period, or at
     * as_of when it comes earlier */
    int has_as_of;
    chiso_stamp as_of;
    /* the unit to report (NULL: every unit). With a unit column, the rows
     * of that unit (chiso_unit_ref matching) labelled unit->code, and no
     * matching row is an error naming the nearest unit; without one, every
     * row is that unit's (a single-unit export). */
    const chiso_unit_ref *unit;
    /* how the table is read: header row, delimiter, Excel dates, threads,
     * the reference reader, bad rows (callback, list, the share that fails
     * the run), notes */
    chiso_table_options table;
} chiso_services_options;

#define CHISO_SERVICES_OPTIONS_INIT                                            \
    {                                                                          \
        CHISO_PERIOD_MONTH, 0, {0, 0}, NULL, CHISO_TABLE_OPTIONS_INIT          \
    }

/* One output row: a unit x period group, a period total over all units
 * (unit "*"), or the overall total (unit "*", period "*"). Counts are
 * exact; rates are NaN when their denominator is 0 or their column is
 * absent from the input. */
typedef struct chiso_services_row {
    const char *unit; /* borrowed from the result */
    char period[16];
    int32_t period_index; /* INT32_MIN for the overall row */
    uint64_t received;
    uint64_t finished;
    uint64_t finished_on_time; /* finished_at on or before due_at */
    uint64_t open;             /* finished_at empty */
    uint64_t open_within_due;  /* open, not past due at the period end */
    uint64_t online, components_signed, result_signed, digitized;
    /* dossiers the status column says were cancelled (đã hủy), withdrawn
     * (rút hồ sơ) or returned unprocessed (trả lại hồ sơ): counted apart,
     * in none of the other counts or rates */
    uint64_t cancelled, withdrawn, returned;
    uint64_t rated;     /* satisfaction given */
    uint64_t satisfied; /* rated 4 or 5 */
    uint64_t satisfaction_sum;
    double online_pct;   /* online / received * 100 */
    double on_time_pct;  /* finished_on_time / finished * 100 */
    double progress_pct; /* 766 TDGQ: (finished_on_time +
                                   open_within_due) / received * 100 */
    double components_signed_pct, result_signed_pct, digitized_pct;
    double satisfaction_mean; /* over rated dossiers */
    double satisfied_pct;     /* satisfied / rated * 100 */
    double processing_days_mean, processing_days_median,
        processing_days_p90; /* over finished dossiers */
} chiso_services_row;

typedef struct chiso_services_result {
    char *path;
    chiso_period_kind period;
    int has_as_of;
    chiso_stamp as_of;
    char delimiter;
    /* optional columns found in the header */
    int has_channel, has_components_signed, has_result_signed, has_digitized,
        has_satisfaction, has_status, has_unit_column;
    chiso_services_row *rows; /* unit x period, by unit then period */
    size_t n_rows;
    chiso_services_row *totals; /* all units, per period */
    size_t n_totals;
    chiso_services_row overall;
    /* rows_read = rows_counted + rows_rejected + rows_totals */
    uint64_t rows_read;        /* data records read (header excluded) */
    uint64_t rows_counted;     /* of every unit, cancelled ones included */
    uint64_t rows_rejected;    /* bad rows */
    uint64_t rows_totals;      /* totals rows (Tổng cộng) skipped */
    uint64_t rows_other_units; /* counted rows of units not selected */
    double max_rejects_pct;    /* the limit the run was held to */
    int threads_used;          /* 1 for the reference reader */
    char **units;              /* interned unit codes (rows point here) */
    size_t n_units;
    /* with options.unit: the unit cells that matched, as written
     * ("Sở Tư pháp"; several joined by "; "), else NULL */
    char *unit_in_log;
} chiso_services_result;

/*
 * Read a dossier log ("-" = standard input) and compute every group.
 *
 * Columns (names and aliases in docs/logs.md): received_at, due_at,
 * finished_at are required, unit_code too unless options.unit is given;
 * dossier_id, procedure_code, channel, components_signed, result_signed,
 * digitized, satisfaction, status, note are optional (an absent column
 * makes its rate NaN). The table is read through the datasets pipeline
 * (chiso_table_read: header found where it is, totals rows skipped, large
 * files in parallel, the reference reader's rows and messages).
 *
 * A row with a bad value (an impossible date, a word of no vocabulary, a
 * finish before the receipt, a status that contradicts the dates, a wrong
 * field count) is rejected: counted, handed to options.table.on_reject,
 * listed in options.table.problems; above options.table.max_rejects_pct of
 * the data rows the run fails with the first one's file:line:column and
 * the counts. Malformed CSV (an unterminated quote) stops the run.
 *
 * *out is owned by the caller (chiso_services_free).
 */
chiso_status chiso_services_compute(chiso_services_result **out,
                                    const char *path,
                                    const chiso_services_options *opts,
                                    chiso_diag *diag);

/* Same over a memory buffer (borrowed for the call); `name` is used in
 * messages. */
chiso_status chiso_services_compute_mem(chiso_services_result **out,
                                        const char *name,
                                        const char *data,
                                        size_t len,
                                        const chiso_services_options *opts,
                                        chiso_diag *diag);

void chiso_services_free(chiso_services_result *res);

/*
 * The group row for a unit (NULL = all units) and period index (INT32_MIN
 * = all periods), or NULL if no dossier falls there. Borrowed.
 */
const chiso_services_row *chiso_services_find(const chiso_services_result *res,
                                              const char *unit,
                                              int32_t period_index);

/* JSON document (schema_version 1, README "JSON: chiso services"). New
 * tree owned by the caller, NULL on allocation failure. */
struct cJSON *chiso_services_to_json(const chiso_services_result *res);

/*
 * The CSV of the issue: unit,period,received,finished,finished_on_time,
 * open,online_pct,on_time_pct,components_signed_pct,result_signed_pct,
 * digitized_pct,satisfaction_mean,processing_days_median,
 * processing_days_p90 - one line per unit x period, numbers in the
 * shortest form that reads back exactly, empty for NaN.
 */
void chiso_services_write_csv(const chiso_services_result *res, FILE *out);

/* ---- task registers (chiso tasks) ---------------------------------------- */

typedef struct chiso_tasks_options {
    chiso_period_kind period;
    chiso_stamp as_of; /* required: decides what is overdue */
    /* as for chiso_services_options */
    const chiso_unit_ref *unit;
    chiso_table_options table;
} chiso_tasks_options;

#define CHISO_TASKS_OPTIONS_INIT                                               \
    {                                                                          \
        CHISO_PERIOD_MONTH, {0, 0}, NULL, CHISO_TABLE_OPTIONS_INIT             \
    }

/* One unit x period group of tasks (period of due_at), a period total
 * (unit "*") or the overall row. */
typedef struct chiso_tasks_row {
    const char *unit;
    char period[16];
    int32_t period_index;
    uint64_t assigned;          /* tasks with a deadline in the group */
    uint64_t completed;         /* completed_at on or before as_of */
    uint64_t completed_on_time; /* completed_at on or before due_at */
    uint64_t completed_late;
    uint64_t open_not_due; /* not completed, due_at not passed */
    uint64_t overdue;      /* not completed, due_at passed at as_of */
    double on_time_pct;    /* completed_on_time / (completed + overdue) */
    double completed_pct;  /* completed / assigned */
    double days_late_mean, days_late_median, days_late_max; /* late ones */
} chiso_tasks_row;

/* An open task past its deadline at as_of. */
typedef struct chiso_task_overdue {
    char *task_id, *unit, *title, *source_document;
    chiso_stamp due;
    double days_overdue;
    unsigned long line;
} chiso_task_overdue;

/* Tasks without a deadline, per unit (unit "*" = all). */
typedef struct chiso_tasks_undated {
    const char *unit;
    uint64_t tasks, completed, open;
} chiso_tasks_undated;

typedef struct chiso_tasks_result {
    char *path;
    chiso_period_kind period;
    chiso_stamp as_of;
    char delimiter;
    chiso_tasks_row *rows;
    size_t n_rows;
    chiso_tasks_row *totals;
    size_t n_totals;
    chiso_tasks_row overall;
    chiso_task_overdue *overdue; /* most overdue first */
    size_t n_overdue;
    chiso_tasks_undated *undated; /* by unit */
    size_t n_undated;
    chiso_tasks_undated undated_total;
    uint64_t cancelled; /* status says cancelled: not counted */
    /* as for chiso_services_result */
    uint64_t rows_read, rows_counted, rows_rejected, rows_totals,
        rows_other_units;
    double max_rejects_pct;
    int has_unit_column;
    char **units;
    size_t n_units;
    char *unit_in_log;
    char *overdue_text; /* owns the texts of overdue[] (not their units) */
    /* tasks counted completed (on time or late) by their status alone,
     * without a completion date ("Đã hoàn thành đúng hạn"): their days
     * late are unknown, so they are in completed_late but not in the
     * days-late figures */
    uint64_t done_by_status;
} chiso_tasks_result;

/*
 * Read a task register and compute every group. Columns: due_at required,
 * unit too unless options.unit is given; task_id (else STT, else the line
 * names a task), title, source_document, assigned_at, completed_at, status
 * optional. Bad rows as for chiso_services_compute.
 */
chiso_status chiso_tasks_compute(chiso_tasks_result **out,
                                 const char *path,
                                 const chiso_tasks_options *opts,
                                 chiso_diag *diag);
chiso_status chiso_tasks_compute_mem(chiso_tasks_result **out,
                                     const char *name,
                                     const char *data,
                                     size_t len,
                                     const chiso_tasks_options *opts,
                                     chiso_diag *diag);
void chiso_tasks_free(chiso_tasks_result *res);

const chiso_tasks_row *chiso_tasks_find(const chiso_tasks_result *res,
                                        const char *unit,
                                        int32_t period_index);

struct cJSON *chiso_tasks_to_json(const chiso_tasks_result *res);

/* CSV: unit,period,assigned,completed,completed_on_time,completed_late,
 * open_not_due,overdue,on_time_pct,completed_pct,days_late_mean,
 * days_late_median,days_late_max. */
void chiso_tasks_write_csv(const chiso_tasks_result *res, FILE *out);

/* ---- derived inputs for the scorer ---------------------------------------- */

/*
 * A set of chiso_input_value entries that owns its strings (names are
 * static; details are allocated). Pass items/n as chiso_score_options
 * inputs; free with chiso_input_set_free.
 */
typedef struct chiso_input_set {
    chiso_input_value *items;
    size_t n, cap;
} chiso_input_set;

#define CHISO_INPUT_SET_INIT                                                   \
    {                                                                          \
        NULL, 0, 0                                                             \
    }

/*
 * Append the services.* inputs for a unit (NULL = all units) and a period
 * index of res->period. Rates carry numerator and denominator, so a zero
 * denominator follows the rule's zero_denominator convention; the detail
 * says "FILE: unit U, period P, N dossiers".
 *
 * Never from an empty log: a log without any counted row, or a unit with
 * no row in the log (compare with the unit's label: compute with
 * options.unit to match names), is CHISO_EDATA in diag, naming the units
 * the log has and the nearest one. A unit that has rows, but none in the
 * period, gives counts 0 and rates 0/0 and a typed warning
 * "unit_no_rows_in_period" in `warnings` (may be NULL).
 */
chiso_status chiso_services_inputs(chiso_input_set *set,
                                   const chiso_services_result *res,
                                   const char *unit,
                                   int32_t period_index,
                                   chiso_diag_list *warnings,
                                   chiso_diag *diag);
/* Same for tasks.* (tasks grouped by the period of their deadline). */
chiso_status chiso_tasks_inputs(chiso_input_set *set,
                                const chiso_tasks_result *res,
                                const char *unit,
                                int32_t period_index,
                                chiso_diag_list *warnings,
                                chiso_diag *diag);
void chiso_input_set_free(chiso_input_set *set);

#ifdef __cplusplus
}
#endif

#endif /* CHISO_LOGS_H */

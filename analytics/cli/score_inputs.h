/*
 * score_inputs.h - options shared by chiso tasks, chiso services and
 * chiso score, and the bridge from task registers / dossier logs to the
 * scorer's derived inputs.
 */
#ifndef CHISO_CLI_SCORE_INPUTS_H
#define CHISO_CLI_SCORE_INPUTS_H

#include "chiso_logs.h"

/* --period month|quarter|half|year; prints a usage error, returns 0/2. */
int cli_parse_period_kind(const char *cmd, const char *s, chiso_period_kind *k);
/* --as-of DATE; prints a usage error, returns 0/2. */
int cli_parse_as_of(const char *cmd, const char *s, chiso_stamp *t);

/* The language of diagnostics for the current --lang. */
chiso_lang cli_diag_lang(void);

/* --max-rejects PCT (0..100); prints a usage error, returns 0/2. */
int cli_parse_max_rejects(const char *cmd, const char *s, double *pct);

/*
 * After reading a log with a problems list: print the bad rows (warnings
 * when the run stands, errors when it failed on them) and a summary line
 * with the counts. `failed` is 1 when the run failed on its bad rows.
 */
void cli_print_rejects(const chiso_diag_list *problems,
                       const chiso_diag *failure,
                       uint64_t rejected,
                       uint64_t data_rows,
                       double max_pct,
                       const char *rejects_path);

/* The table's last lines: rows read, counted, rejected, totals rows and
 * rows of other units; and the unit line (nothing for every unit). */
void cli_print_records(uint64_t read,
                       uint64_t counted,
                       uint64_t rejected,
                       uint64_t totals,
                       uint64_t other_units);
void cli_print_unit(int has_column,
                    size_t n_units,
                    char *const *units,
                    const char *in_log);

/* Did the run fail because of its bad rows (the verdict of max_rejects)? */
int cli_failed_on_rejects(const chiso_diag *diag,
                          const chiso_diag_list *problems);

/* What chiso score was given. */
typedef struct score_sources {
    const char *tasks;       /* --tasks FILE or NULL */
    const char *dossiers;    /* --dossiers FILE or NULL */
    const char *unit;        /* --unit CODE or NULL (= all units) */
    const char *period;      /* --period P ("2024-H1") */
    const char *as_of;       /* --as-of DATE or NULL (= end of the period) */
    const char *max_rejects; /* --max-rejects PCT text, NULL = 5 */
    /* typed warnings (unit without rows in the period, rejected rows) go
     * here when not NULL, else to stderr */
    chiso_diag_list *warnings;
} score_sources;

/*
 * Compute the task and dossier indicators for src->unit and src->period
 * and append them to set. Prints diagnostics (errors and warnings such as
 * a unit without rows) and returns an exit code.
 */
int score_inputs_build(const score_sources *src, chiso_input_set *set);

#endif /* CHISO_CLI_SCORE_INPUTS_H */

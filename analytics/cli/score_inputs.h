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

/* What chiso score was given. */
typedef struct score_sources {
    const char *tasks;    /* --tasks FILE or NULL */
    const char *dossiers; /* --dossiers FILE or NULL */
    const char *unit;     /* --unit CODE or NULL (= all units) */
    const char *period;   /* --period P ("2024-H1") */
    const char *as_of;    /* --as-of DATE or NULL (= end of the period) */
} score_sources;

/*
 * Compute the task and dossier indicators for src->unit and src->period
 * and append them to set. Prints diagnostics (errors and warnings such as
 * a unit without rows) and returns an exit code.
 */
int score_inputs_build(const score_sources *src, chiso_input_set *set);

#endif /* CHISO_CLI_SCORE_INPUTS_H */

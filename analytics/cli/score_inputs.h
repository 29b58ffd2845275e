/*
 * score_inputs.h - options shared by chiso tasks, chiso services and
 * chiso score, and the bridge from task registers / dossier logs to the
 * scorer's derived inputs.
 */
#ifndef CHISO_CLI_SCORE_INPUTS_H
#define CHISO_CLI_SCORE_INPUTS_H

#include "chiso_logs.h"

#include "cli_opts.h"

/* --period month|quarter|half|year; prints a usage error, returns 0/2. */
int cli_parse_period_kind(const char *cmd, const char *s, chiso_period_kind *k);
/* --as-of DATE; prints a usage error, returns 0/2. */
int cli_parse_as_of(const char *cmd, const char *s, chiso_stamp *t);

/* Unit x period groups printed in a table; the CSV and JSON have all. */
#define CLI_TABLE_GROUPS 500

/* The language of diagnostics for the current --lang. */
chiso_lang cli_diag_lang(void);

/* --max-rejects PCT (0..100); prints a usage error, returns 0/2. */
int cli_parse_max_rejects(const char *cmd, const char *s, double *pct);

/*
 * How chiso services and chiso tasks read their table, and what they say
 * about it: the options every table command shares (--rejects, --max-rejects,
 * --header-row, --excel-dates), the bad rows and the notes (rows above the
 * header, totals rows, columns not used, personal data).
 */
typedef struct cli_reading {
    const char *cmd;
    chiso_diag_list problems; /* bad rows */
    chiso_diag_list notes;    /* notes on the table */
    const char *rej_path;
    chiso_outfile *rej_out;
    chiso_rejects_csv rw;
} cli_reading;

/* The options of cli_reading (values 0x100..), for cli_parser_init. */
extern const cli_option cli_reading_options[];

void cli_reading_init(cli_reading *r, const char *cmd);
/* An option of CLI_READING_OPTIONS: 1 handled, 0 not one of them, -1 a
 * usage error (printed). */
int cli_reading_option(cli_reading *r,
                       int c,
                       const char *arg,
                       chiso_table_options *t);
/* Open the rejects file and hook the lists into t; an exit code. */
int cli_reading_start(cli_reading *r, chiso_table_options *t);
/* The reading failed with diag: print it (and the other bad rows when it
 * failed on them, keeping the rejects file); returns the exit code. */
int cli_reading_failed(cli_reading *r, const chiso_diag *diag);
/* After a good reading: notes and bad rows on stderr, with the counts. */
void cli_reading_report(cli_reading *r,
                        uint64_t rejected,
                        uint64_t data_rows,
                        double max_pct);
/* "warnings" of a JSON document: notes then bad rows. 0, or -1. */
int cli_reading_json(cli_reading *r, struct cJSON *root);
/* Commit the rejects file (an exit code). */
int cli_reading_commit(cli_reading *r);
void cli_reading_free(cli_reading *r);

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

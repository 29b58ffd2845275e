/*
 * cli.h - what every chiso subcommand shares: exit codes, printing
 * diagnostics (the only place that prints them), option parsing helpers,
 * UTF-8 aware table cells and atomic output files.
 */
#ifndef CHISO_CLI_H
#define CHISO_CLI_H

#include "chiso_util.h"

#include <stdio.h>

/* Exit codes (README "Exit codes"). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_DATA = 1,    /* invalid input data: parse, value, schema */
    CLI_EXIT_USAGE = 2,   /* bad command line */
    CLI_EXIT_IO = 3,      /* file missing, unreadable, unwritable */
    CLI_EXIT_INTERNAL = 4 /* out of memory or a bug */
};

/* Output language of tables and labels (errors are always English). */
typedef enum cli_lang { CLI_LANG_VI = 0, CLI_LANG_EN } cli_lang;
extern cli_lang cli_language;

/* Pick the label for the current language. */
#define T(vi, en) (cli_language == CLI_LANG_VI ? (vi) : (en))

/* One subcommand. */
typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

/* Exit code for a status. */
int cli_exit_code(chiso_status st);

/* Print "chiso: path:line:col: message" (+ source excerpt) to stderr and
 * return the exit code for diag->code. */
int cli_report(const chiso_diag *diag);
/* Print a diagnostic without deciding an exit code (warnings, lists). */
void cli_print_diag(const chiso_diag *diag, const char *prefix);
/* Print a usage error ("chiso CMD: message") plus a hint; returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) CHISO_PRINTF(2, 3);

/* Is stderr a terminal (for progress lines)? */
int cli_stderr_is_tty(void);

/*
 * Parse a non-negative integer or a number option value; print a usage
 * error naming the option on failure and return -1.
 */
int
cli_parse_double(const char *cmd, const char *opt, const char *s, double *out);
int cli_parse_long(const char *cmd, const char *opt, const char *s, long *out);

/* Print s padded (or cut with "…") to `width` display columns. */
void cli_cell(FILE *f, const char *s, size_t width, int right);
/* Print a number with `dec` decimals right-aligned in `width`, or "-"
 * for NaN. */
void cli_num(FILE *f, double x, int dec, size_t width);
/* Print `n` times the character c (ASCII). */
void cli_rule(FILE *f, char c, size_t n);

/*
 * Write a JSON tree to path ("-" = stdout) atomically. Deletes nothing;
 * the caller still owns root. Returns an exit code.
 */
int cli_write_json(const struct cJSON *root, const char *path);

/* Open an atomic output file; on failure print and return the exit code
 * (0 on success). */
int cli_out_open(const char *path, chiso_outfile **f);
/* Commit *f when it is open and set it to NULL; on failure print and
 * return the exit code (0 on success, also when *f is NULL). */
int cli_out_commit(chiso_outfile **f);
/* Open an atomic plain CSV output (',' separated) with a writer. */
int cli_csv_open(const char *path, chiso_outfile **f, chiso_csvw *w);
/* Commit a CSV output (cli_out_commit for callers holding the pointer). */
int cli_csv_commit(chiso_outfile *f);
/* A number cell rounded to 10 significant digits in its shortest form;
 * NaN writes an empty cell. */
void cli_csv_num(chiso_csvw *w, double x);

/* Refuse to write an output over one of the inputs. Returns 0 if fine. */
int cli_check_not_input(const char *cmd,
                        const char *out,
                        const char *const *inputs,
                        size_t n_inputs);

#endif /* CHISO_CLI_H */

/*
 * cli.h - what every chiso subcommand shares: exit codes, printing
 * diagnostics (the only place that prints them), option parsing helpers,
 * UTF-8 aware table cells and atomic output files.
 */
#ifndef CHISO_CLI_H
#define CHISO_CLI_H

#include "chiso_util.h"
#include "cli_opts.h"

#include <stdio.h>

/* Exit codes (README "Exit codes"). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_DATA = 1,    /* invalid input data: parse, value, schema */
    CLI_EXIT_USAGE = 2,   /* bad command line */
    CLI_EXIT_IO = 3,      /* file missing, unreadable, unwritable */
    CLI_EXIT_INTERNAL = 4 /* out of memory or a bug */
};

/* Output language of every message, table and label (--lang). */
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

/* The library language matching --lang. */
chiso_lang cli_lang_code(void);
/* The word for a code the library names in English (a rule type
 * "proportional", a period kind "month", a confidence "high") in the CLI's
 * language; other strings are returned as they are (data). */
const char *cli_code_label(const char *code);
/* A cleared diagnostic in the CLI's language. */
void cli_diag_init(chiso_diag *d);

/*
 * Outputs: one output set per command (docs/safety.md). Every output is
 * opened with cli_out_open (or cli_csv_open / cli_write_json), written,
 * and handed back with cli_out_commit, which checks and syncs it but does
 * not put it in place yet. main() then commits all of a command's outputs
 * together when it returns 0 (files first, standard output last), and
 * removes all of them when it returns anything else. A command that must
 * keep its outputs although it fails (a rejects file written before an
 * exit 1) calls cli_outputs_commit() itself before returning.
 *
 * Paths: "-" is standard output; symbolic links are followed; devices and
 * FIFOs (/dev/null, a named pipe) are written in place; every output is
 * checked against every input the command named (cli_check_not_input).
 */

/* Route cJSON's allocations through the CLI (main calls it once): after
 * a failed allocation no JSON document is written (exit 4), so a builder
 * that left a key out can never reach a file. */
void cli_json_hooks(void);

/*
 * Write a JSON tree to path ("-" = stdout) as one output of the set.
 * Deletes nothing; the caller still owns root. Returns an exit code.
 */
int cli_write_json(const struct cJSON *root, const char *path);

/* Open an output; on failure print and return the exit code (0 on
 * success). Refused (exit 2) when it is, or is inside, an input. */
int cli_out_open(const char *path, chiso_outfile **f);
/* Hand *f (complete) to the output set and set it to NULL; on failure
 * print and return the exit code (0 on success, also when *f is NULL). */
int cli_out_commit(chiso_outfile **f);
int cli_out_commit_now(chiso_outfile **f);
/* Open a plain CSV output (',' separated) with a writer. */
int cli_csv_open(const char *path, chiso_outfile **f, chiso_csvw *w);
/* Hand a CSV output to the set (cli_out_commit for callers holding the
 * pointer). */
int cli_csv_commit(chiso_outfile *f);
/* A number cell rounded to 10 significant digits in its shortest form;
 * NaN writes an empty cell. */
void cli_csv_num(chiso_csvw *w, double x);
/* Put every output of the set in place now (files, then standard
 * output). Returns an exit code; a failure removes the rest. */
int cli_outputs_commit(void);
/* Remove every output of the set. */
void cli_outputs_abort(void);
/* Abort and forget everything (end of the process). */
void cli_outputs_free(void);

/*
 * Remember the command's inputs (NULL and "-" skipped) and refuse an
 * output that is an input, lies inside an input folder, or is named for
 * two outputs: prints the error and returns -1, else 0. `out` may be NULL
 * (only registers the inputs). Every output opened later is checked
 * against every input registered so far.
 */
int cli_check_not_input(const char *cmd,
                        const char *out,
                        const char *const *inputs,
                        size_t n_inputs);
/* Register inputs only (report: the configuration and every file it
 * names). Returns an exit code. */
int cli_add_inputs(const char *const *inputs, size_t n_inputs);
/* Check one output (a file or a folder) against the registered inputs;
 * prints and returns the exit code (0 when fine). */
int cli_check_output(const char *out, chiso_output_kind kind);

/*
 * An input a command reads more than once: when it is a pipe, FIFO or
 * device, read it once (at most `cap` bytes; more is an error naming the
 * cap) into memory, and set *use to a path that reads those bytes from the
 * start at every open (messages still name `path`). Regular files are
 * left alone (*use = path). Returns an exit code (printed on failure).
 */
int cli_input_spool(const char *path, const char **use, size_t cap);

/*
 * Standard output. Is it a pipe whose reader has gone (| head)? And the
 * final check of everything printed: returns rc, or 3 with a message when
 * standard output failed (> /dev/full). A closed pipe is not an error:
 * chiso ends quietly with rc (docs/cli.md, "Exit codes").
 */
int cli_stdout_gone(void);
int cli_stdout_finish(int rc);

#endif /* CHISO_CLI_H */

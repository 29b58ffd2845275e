/*
 * cli_opts.h - the one option parser of chiso's commands.
 *
 * A command describes its options in a table (long name, argument, the
 * value cli_getopt returns, the argument's name and the help text as an
 * English msgid) and parses them with cli_getopt(), a getopt_long wrapper
 * that also answers --help (the help from the message catalogue, in the
 * --lang language) and turns an unknown option or a missing value into one
 * translated usage error (exit 2). docs/i18n.md.
 */
#ifndef CHISO_CLI_OPTS_H
#define CHISO_CLI_OPTS_H

#include <getopt.h>
#include <stdio.h>

/* One option. A table ends with a row whose name is NULL. */
typedef struct cli_option {
    const char *name; /* long name without "--" */
    int has_arg;      /* no_argument or required_argument */
    int val;          /* what cli_getopt returns for it (> 0) */
    const char *arg;  /* the value's name in the help ("FILE"), or NULL */
    const char *help; /* English msgid (N_()); a "\n" continues the text
                         on the next line; NULL: not listed (the command's
                         help text already describes it) */
} cli_option;

#define CLI_OPT_TABLES 3
#define CLI_OPT_MAX    96

typedef struct cli_parser {
    const char *cmd;  /* "services" */
    const char *help; /* msgid: usage lines and description */
    const cli_option *tables[CLI_OPT_TABLES];
    struct option longs[CLI_OPT_MAX + 1];
    char shorts[32];
    void (*more_help)(FILE *f); /* printed after the options, or NULL */
    int rc; /* exit code after CLI_OPT_EXIT: 0 (--help) or 2 (an error) */
} cli_parser;

/* cli_getopt: the options are done (operands from optind on). */
#define CLI_OPT_END (-1)
/* cli_getopt: --help was printed (rc 0) or a usage error (rc 2); the
 * command returns p->rc. */
#define CLI_OPT_EXIT (-2)

/*
 * Prepare a parser. `shorts` are getopt short options ("o:"; a leading '+'
 * stops at the first operand), NULL for none; a..c are option tables (NULL
 * when unused). --help is added.
 */
void cli_parser_init(cli_parser *p,
                     const char *cmd,
                     const char *help,
                     const char *shorts,
                     const cli_option *a,
                     const cli_option *b,
                     const cli_option *c);
/* The next option (its val, with optarg set), CLI_OPT_END or CLI_OPT_EXIT.
 * Starts over when optind is 0 (call it in a fresh loop per command). */
int cli_getopt(cli_parser *p, int argc, char **argv);
/* Print the help: the command's text, then the listed options. */
void cli_help(const cli_parser *p, FILE *f);

#endif /* CHISO_CLI_OPTS_H */

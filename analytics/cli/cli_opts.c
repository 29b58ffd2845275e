/*
 * cli_opts.c - one option parser for every command (cli_opts.h).
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli_opts.h"
#include "cli.h"

#include <string.h>

/* The value of --help: above every command's own values. */
#define CLI_OPT_HELP_VAL 0x7fff

static const cli_option help_option[] = {
    {"help", no_argument, CLI_OPT_HELP_VAL, NULL, N_("this help")},
    {NULL, 0, 0, NULL, NULL}};

void
cli_parser_init(cli_parser *p,
                const char *cmd,
                const char *help,
                const char *shorts,
                const cli_option *a,
                const cli_option *b,
                const cli_option *c)
{
    const cli_option *const t[CLI_OPT_TABLES + 1] = {a, b, c, help_option};
    size_t i, k, n = 0;

    memset(p, 0, sizeof(*p));
    p->cmd = cmd;
    p->help = help;
    p->tables[0] = a;
    p->tables[1] = b;
    p->tables[2] = c;
    for (i = 0; i < CLI_OPT_TABLES + 1; i++) {
        for (k = 0; t[i] != NULL && t[i][k].name != NULL && n < CLI_OPT_MAX;
             k++) {
            p->longs[n].name = t[i][k].name;
            p->longs[n].has_arg = t[i][k].has_arg;
            p->longs[n].flag = NULL;
            p->longs[n].val = t[i][k].val;
            n++;
        }
    }
    /* '+' (stop at the first operand) must come before ':' (report a
     * missing value as ':') */
    shorts = shorts != NULL ? shorts : "";
    if (shorts[0] == '+') {
        chiso_snprintf(p->shorts, sizeof(p->shorts), "+:%s", shorts + 1);
    } else {
        chiso_snprintf(p->shorts, sizeof(p->shorts), ":%s", shorts);
    }
}

/* Print a help text indented by `indent` columns after its first line. */
static void
print_wrapped(FILE *f, const char *text, size_t indent)
{
    const char *s = text, *nl;

    while ((nl = strchr(s, '\n')) != NULL) {
        fwrite(s, 1, (size_t)(nl - s), f);
        fputc('\n', f);
        cli_rule(f, ' ', indent);
        s = nl + 1;
    }
    fprintf(f, "%s\n", s);
}

void
cli_help(const cli_parser *p, FILE *f)
{
    const chiso_lang lang = cli_lang_code();
    const cli_option *const t[CLI_OPT_TABLES + 1] = {p->tables[0], p->tables[1],
                                                     p->tables[2], help_option};
    const size_t col = 23; /* where the help texts start */
    size_t i, k;
    int listed = 0;

    if (p->help != NULL) {
        fputs(chiso_msg(lang, p->help), f);
    }
    for (i = 0; i < CLI_OPT_TABLES + 1; i++) {
        for (k = 0; t[i] != NULL && t[i][k].name != NULL; k++) {
            const cli_option *o = &t[i][k];
            char head[128];
            size_t w;

            if (o->help == NULL || (i == CLI_OPT_TABLES && !listed)) {
                continue; /* the command's text lists it (and --help) */
            }
            if (!listed) {
                fprintf(f, "%s\n", chiso_msg(lang, "Options:"));
                listed = 1;
            }
            chiso_snprintf(head, sizeof(head), "  --%s%s%s", o->name,
                           o->arg ? " " : "",
                           o->arg ? chiso_msg(lang, o->arg) : "");
            w = chiso_utf8_width(head, strlen(head));
            fputs(head, f);
            if (w + 1 > col) {
                fputc('\n', f);
                w = 0;
            }
            cli_rule(f, ' ', col - w);
            print_wrapped(f, chiso_msg(lang, o->help), col);
        }
    }
    if (p->more_help != NULL) {
        p->more_help(f);
    }
}

int
cli_getopt(cli_parser *p, int argc, char **argv)
{
    int c;

    opterr = 0;
    c = getopt_long(argc, argv, p->shorts, p->longs, NULL);
    if (c == -1) {
        return CLI_OPT_END;
    }
    if (c == CLI_OPT_HELP_VAL) {
        cli_help(p, stdout);
        p->rc = CLI_EXIT_OK;
        return CLI_OPT_EXIT;
    }
    if (c == ':') {
        /* a long option's name is argv[optind - 1]; a short one's optopt */
        if (optopt != 0 && optopt < 0x80 && strchr(p->shorts, optopt) &&
            strncmp(argv[optind - 1], "--", 2) != 0) {
            char o[3] = {'-', (char)optopt, '\0'};
            cli_usage_error(p->cmd, "option '%s' needs a value", o);
        } else {
            cli_usage_error(p->cmd, "option '%s' needs a value",
                            argv[optind - 1]);
        }
        p->rc = CLI_EXIT_USAGE;
        return CLI_OPT_EXIT;
    }
    if (c == '?') {
        if (optopt != 0 && optopt < 0x80 && optind > 0 &&
            strncmp(argv[optind - 1], "--", 2) != 0) {
            char o[3] = {'-', (char)optopt, '\0'};
            cli_usage_error(p->cmd, "unknown option '%s'", o);
        } else {
            cli_usage_error(p->cmd, "unknown option '%s'", argv[optind - 1]);
        }
        p->rc = CLI_EXIT_USAGE;
        return CLI_OPT_EXIT;
    }
    return c;
}

/*
 * cli_common.c - printing diagnostics, exit codes, table cells, outputs.
 *
 * Diagnostics follow the GNU format "chiso: file:line:column: message".
 * When the file is a readable regular file and the position is known, the
 * offending line is shown under the message with a caret, as jq and gcc do;
 * the caret is placed by display width, so Vietnamese text lines up.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

cli_lang cli_language = CLI_LANG_VI;

int
cli_exit_code(chiso_status st)
{
    switch (st) {
    case CHISO_OK:
    case CHISO_DONE:
        return CLI_EXIT_OK;
    case CHISO_EPARSE:
    case CHISO_EDATA:
    case CHISO_ESCHEMA:
    case CHISO_EDOMAIN:
        return CLI_EXIT_DATA;
    case CHISO_EUSAGE:
        return CLI_EXIT_USAGE;
    case CHISO_EIO:
        return CLI_EXIT_IO;
    case CHISO_ENOMEM:
    case CHISO_EINVAL:
        return CLI_EXIT_INTERNAL;
    }
    return CLI_EXIT_INTERNAL;
}

/* Read physical line `line` of path (without its newline) into buf. */
static int
read_line(const char *path, unsigned long line, char *buf, size_t cap)
{
    FILE *f;
    struct stat sb;
    unsigned long ln = 1;
    size_t n = 0;
    int c;

    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        return -1;
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        return -1;
    }
    while (ln < line && (c = getc(f)) != EOF) {
        if (c == '\n') {
            ln++;
        }
    }
    if (ln != line) {
        fclose(f);
        return -1;
    }
    while ((c = getc(f)) != EOF && c != '\n' && n + 1 < cap) {
        buf[n++] = (char)c;
    }
    fclose(f);
    while (n > 0 && buf[n - 1] == '\r') {
        n--;
    }
    buf[n] = '\0';
    return 0;
}

static void
print_excerpt(const chiso_diag *d)
{
    char line[512];
    size_t i, off = 0, ch = 1, start = 0;
    const unsigned char *u;

    if (d->path[0] == '\0' || d->line == 0 || d->column == 0 ||
        strcmp(d->path, "-") == 0) {
        return;
    }
    if (read_line(d->path, d->line, line, sizeof(line)) != 0 ||
        line[0] == '\0') {
        return;
    }
    u = (const unsigned char *)line;
    if (d->line == 1 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        start = 3;
    }
    /* byte offset of the column-th character */
    for (i = start; line[i] != '\0' && ch < d->column; i++) {
        if ((u[i + 1] & 0xC0) != 0x80) {
            ch++;
        }
    }
    off = line[i] != '\0' || ch == d->column ? i : strlen(line);
    if (!chiso_utf8_valid(line + start, strlen(line + start), NULL)) {
        return; /* do not echo broken bytes to the terminal */
    }
    fprintf(stderr, "    %s\n    ", line + start);
    for (i = start; i < off; i++) {
        if (line[i] == '\t') {
            fputc('\t', stderr);
        } else if ((u[i] & 0xC0) != 0x80) {
            size_t w = chiso_utf8_width(
                line + i, 1 + (u[i] >= 0xC0) + (u[i] >= 0xE0) + (u[i] >= 0xF0));
            while (w-- > 0) {
                fputc(' ', stderr);
            }
        }
    }
    fputs("^\n", stderr);
}

void
cli_print_diag(const chiso_diag *d, const char *prefix)
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
    fprintf(stderr, "%s\n",
            d->message[0] ? d->message : chiso_status_str(d->code));
    print_excerpt(d);
}

int
cli_report(const chiso_diag *d)
{
    cli_print_diag(d, NULL);
    return cli_exit_code(d->code);
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "chiso%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'chiso %s%s--help' for more information.\n",
            cmd ? cmd : "", cmd ? " " : "");
    return CLI_EXIT_USAGE;
}

int
cli_stderr_is_tty(void)
{
    return isatty(STDERR_FILENO);
}

int
cli_parse_double(const char *cmd, const char *opt, const char *s, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v)) {
        cli_usage_error(cmd, "option %s expects a number, got '%s'", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

int
cli_parse_long(const char *cmd, const char *opt, const char *s, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0) {
        cli_usage_error(cmd, "option %s expects a whole number, got '%s'", opt,
                        s);
        return -1;
    }
    *out = v;
    return 0;
}

void
cli_rule(FILE *f, char c, size_t n)
{
    char run[64];

    /* whole runs at a time: tables of a million rows are mostly padding */
    memset(run, c, sizeof(run));
    while (n > 0) {
        size_t k = n < sizeof(run) ? n : sizeof(run);
        fwrite(run, 1, k, f);
        n -= k;
    }
}

void
cli_cell(FILE *f, const char *s, size_t width, int right)
{
    size_t len = strlen(s), w = chiso_utf8_width(s, len), i, cut;

    if (w <= width) {
        if (right) {
            cli_rule(f, ' ', width - w);
        }
        fputs(s, f);
        if (!right) {
            cli_rule(f, ' ', width - w);
        }
        return;
    }
    /* cut at a character boundary leaving room for the ellipsis */
    cut = 0;
    for (i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (chiso_utf8_width(s, i) + 1 > width) {
                break;
            }
            cut = i;
        }
    }
    /* include the whole last character (and combining marks after it) */
    for (i = cut; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 &&
            chiso_utf8_width(s, i) + 1 > width) {
            break;
        }
    }
    fwrite(s, 1, i, f);
    fputs("\xE2\x80\xA6", f); /* … */
    cli_rule(f, ' ',
             width > chiso_utf8_width(s, i) + 1
                 ? width - chiso_utf8_width(s, i) - 1
                 : 0);
}

void
cli_num(FILE *f, double x, int dec, size_t width)
{
    char tmp[64];

    if (!isfinite(x)) {
        cli_cell(f, "-", width, 1);
        return;
    }
    snprintf(tmp, sizeof(tmp), "%.*f", dec, chiso_round_half_up(x, dec));
    cli_cell(f, tmp, width, 1);
}

int
cli_write_json(const cJSON *root, const char *path)
{
    char *text = chiso_json_print(root);
    chiso_diag d;
    chiso_status st;

    if (text == NULL) {
        fprintf(stderr, "chiso: out of memory\n");
        return CLI_EXIT_INTERNAL;
    }
    chiso_diag_clear(&d);
    if (strcmp(path, "-") == 0) {
        fputs(text, stdout);
        free(text);
        return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_IO;
    }
    st = chiso_file_write_atomic(path, text, strlen(text), &d);
    free(text);
    if (st != CHISO_OK) {
        return cli_report(&d);
    }
    return CLI_EXIT_OK;
}

int
cli_out_open(const char *path, chiso_outfile **f)
{
    chiso_diag d;

    chiso_diag_clear(&d);
    if (chiso_outfile_open(f, path, &d) != CHISO_OK) {
        return cli_report(&d);
    }
    return CLI_EXIT_OK;
}

int
cli_out_commit(chiso_outfile **f)
{
    chiso_outfile *o = *f;
    chiso_diag d;

    *f = NULL;
    if (o == NULL) {
        return CLI_EXIT_OK;
    }
    chiso_diag_clear(&d);
    if (chiso_outfile_commit(o, &d) != CHISO_OK) {
        return cli_report(&d);
    }
    return CLI_EXIT_OK;
}

int
cli_csv_open(const char *path, chiso_outfile **f, chiso_csvw *w)
{
    int rc = cli_out_open(path, f);

    if (rc == CLI_EXIT_OK) {
        chiso_csvw_init(w, chiso_outfile_stream(*f), ',', 0);
    }
    return rc;
}

int
cli_csv_commit(chiso_outfile *f)
{
    return cli_out_commit(&f);
}

void
cli_csv_num(chiso_csvw *w, double x)
{
    chiso_csvw_number(w, isfinite(x) ? chiso_round_sig(x, 10) : x);
}

int
cli_check_not_input(const char *cmd,
                    const char *out,
                    const char *const *inputs,
                    size_t n_inputs)
{
    struct stat so, si;
    size_t i;

    if (out == NULL || strcmp(out, "-") == 0 || stat(out, &so) != 0) {
        return 0;
    }
    for (i = 0; i < n_inputs; i++) {
        if (inputs[i] != NULL && stat(inputs[i], &si) == 0 &&
            si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
            cli_usage_error(cmd,
                            "output '%s' is also an input; refusing to "
                            "overwrite it",
                            out);
            return -1;
        }
    }
    return 0;
}

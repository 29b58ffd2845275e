/*
 * cli_common.c - printing diagnostics, exit codes, table cells, outputs.
 *
 * Diagnostics follow the GNU format "chiso: file:line:column: message".
 * When the file is a readable regular file and the position is known, the
 * offending line is shown under the message with a caret, as jq and gcc do;
 * the caret is placed by display width, so Vietnamese text lines up.
 */
#define _GNU_SOURCE /* realpath */
#include "cli.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

cli_lang cli_language = CLI_LANG_VI;

/* Inputs read once into memory (cli_input_spool): alias and real name. */
static struct {
    char *alias[16]; /* "/dev/fd/M" */
    char *name[16];  /* what the user gave */
    size_t n;
} spooled;
static const char *display_path(const char *p);

/* Codes of the library shown in tables (rule types, period kinds,
 * confidence levels): their words, for the catalogue. */
static const char *const code_words[] = {
    N_("none"),  N_("manual"),    N_("binary"), N_("proportional"),
    N_("bands"), N_("deduction"), N_("terms"),  N_("tracked"),
    N_("month"), N_("quarter"),   N_("half"),   N_("year"),
    N_("high"),  N_("medium"),    N_("low"),    N_("unconfirmed"),
};

const char *
cli_code_label(const char *code)
{
    size_t i;

    for (i = 0; code != NULL && i < sizeof(code_words) / sizeof(*code_words);
         i++) {
        if (strcmp(code, code_words[i]) == 0) {
            return chiso_msg(cli_lang_code(), code);
        }
    }
    return code;
}

chiso_lang
cli_lang_code(void)
{
    return cli_language == CLI_LANG_EN ? CHISO_LANG_EN : CHISO_LANG_VI;
}

void
cli_diag_init(chiso_diag *d)
{
    memset(d, 0, sizeof(*d));
    d->lang = cli_lang_code();
}

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
        fprintf(stderr, "%s:", display_path(d->path));
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

    char who[64];

    chiso_snprintf(who, sizeof(who), "chiso%s%s", cmd ? " " : "",
                   cmd ? cmd : "");
    fprintf(stderr, "%s: ", who);
    va_start(ap, fmt);
    vfprintf(stderr, chiso_msg(cli_lang_code(), fmt), ap);
    va_end(ap);
    fputc('\n', stderr);
    fprintf(stderr,
            chiso_msg(cli_lang_code(), "Try '%s --help' for more information."),
            who);
    fputc('\n', stderr);
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
    v = chiso_strtod(s, &end);
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
    chiso_snprintf(tmp, sizeof(tmp), "%.*f", dec, chiso_round_half_up(x, dec));
    cli_cell(f, tmp, width, 1);
}

/* ---- the outputs of the command ------------------------------------------
 *
 * chiso runs one command per process, and every file it writes goes
 * through here: each output is written in full and synced (cli_out_commit,
 * cli_write_json), then held; main() commits all of them together when the
 * command succeeds, files first and standard output last, or removes all
 * of them when it fails. So `chiso services --json a --csv b` leaves both
 * or neither. The inputs a command names (cli_check_not_input) are
 * remembered, and every output is checked against all of them. CLI state,
 * not library state: the library keeps none.
 */
static struct {
    chiso_outfile **pending; /* complete, synced, not yet in place */
    size_t n_pending;
    char **inputs;
    size_t n_inputs;
    char **outputs; /* resolved paths of the outputs named so far */
    size_t n_outputs;
} outs;

static int
strv_add(char ***v, size_t *n, const char *s)
{
    char **p = realloc(*v, (*n + 1) * sizeof(**v));

    if (p == NULL) {
        return -1;
    }
    *v = p;
    p[*n] = chiso_strdup(s);
    if (p[*n] == NULL) {
        return -1;
    }
    (*n)++;
    return 0;
}

/* realpath of path, or of its folder plus its name when it does not exist
 * yet; a copy of path when neither resolves. */
static char *
resolved(const char *path)
{
    char *r = realpath(path, NULL), *slash, *dir, *rd;
    chiso_buf b = CHISO_BUF_INIT;

    if (r != NULL) {
        return r;
    }
    dir = chiso_strdup(path);
    slash = dir ? strrchr(dir, '/') : NULL;
    if (slash != NULL) {
        *slash = '\0';
    }
    rd = dir ? realpath(slash ? (dir[0] ? dir : "/") : ".", NULL) : NULL;
    if (rd == NULL || chiso_buf_printf(&b, "%s/%s", rd,
                                       slash ? slash + 1 : path) != CHISO_OK) {
        chiso_buf_free(&b);
        b.data = chiso_strdup(path);
    }
    free(rd);
    free(dir);
    return b.data;
}

static int
report_oom(void)
{
    fprintf(stderr, "chiso: %s\n", chiso_msg(cli_lang_code(), "out of memory"));
    return CLI_EXIT_INTERNAL;
}

/* Is this error a closed standard output (the reader of a pipe left)? */
static int
is_stdout_gone(const chiso_diag *d)
{
    return d->code == CHISO_EIO && d->sys_errno == EPIPE &&
           strcmp(d->path, "-") == 0;
}

int
cli_check_output(const char *out, chiso_output_kind kind)
{
    chiso_diag d;

    cli_diag_init(&d);
    if (chiso_output_check(out, (const char *const *)outs.inputs, outs.n_inputs,
                           kind, &d) != CHISO_OK) {
        return cli_report(&d);
    }
    return CLI_EXIT_OK;
}

int
cli_add_inputs(const char *const *inputs, size_t n_inputs)
{
    size_t i, k;

    for (i = 0; i < n_inputs; i++) {
        if (inputs[i] == NULL || strcmp(inputs[i], "-") == 0) {
            continue;
        }
        for (k = 0; k < outs.n_inputs; k++) {
            if (strcmp(outs.inputs[k], inputs[i]) == 0) {
                break;
            }
        }
        if (k == outs.n_inputs &&
            strv_add(&outs.inputs, &outs.n_inputs, inputs[i]) != 0) {
            return report_oom();
        }
    }
    return CLI_EXIT_OK;
}

int
cli_check_not_input(const char *cmd,
                    const char *out,
                    const char *const *inputs,
                    size_t n_inputs)
{
    char *r;
    size_t k;
    int rc;

    (void)cmd;
    if (cli_add_inputs(inputs, n_inputs) != CLI_EXIT_OK) {
        return -1;
    }
    if (out == NULL || strcmp(out, "-") == 0) {
        return 0;
    }
    rc = cli_check_output(out, CHISO_OUTPUT_FILE);
    if (rc != CLI_EXIT_OK) {
        return -1;
    }
    r = resolved(out);
    if (r == NULL) {
        report_oom();
        return -1;
    }
    for (k = 0; k < outs.n_outputs; k++) {
        if (strcmp(outs.outputs[k], r) == 0) {
            chiso_diag d;
            cli_diag_init(&d);
            chiso_diag_set(&d, CHISO_EUSAGE, out, 0, 0,
                           "is given for two outputs; each output needs its "
                           "own file");
            free(r);
            cli_report(&d);
            return -1;
        }
    }
    if (strv_add(&outs.outputs, &outs.n_outputs, r) != 0) {
        free(r);
        report_oom();
        return -1;
    }
    free(r);
    return 0;
}

int
cli_out_open(const char *path, chiso_outfile **f)
{
    chiso_diag d;
    int rc;

    *f = NULL;
    rc = cli_check_output(path, CHISO_OUTPUT_FILE);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    cli_diag_init(&d);
    if (chiso_outfile_open(f, path, &d) != CHISO_OK) {
        return cli_report(&d);
    }
    return CLI_EXIT_OK;
}

int
cli_out_commit(chiso_outfile **f)
{
    chiso_outfile *o = *f, **p;
    chiso_diag d;

    *f = NULL;
    if (o == NULL) {
        return CLI_EXIT_OK;
    }
    cli_diag_init(&d);
    if (chiso_outfile_sync(o, &d) != CHISO_OK) {
        chiso_outfile_abort(o);
        return cli_report(&d);
    }
    p = realloc(outs.pending, (outs.n_pending + 1) * sizeof(*p));
    if (p == NULL) {
        chiso_outfile_abort(o);
        return report_oom();
    }
    outs.pending = p;
    outs.pending[outs.n_pending++] = o;
    return CLI_EXIT_OK;
}

/* An output that is the answer even when the command fails (the bad rows
 * of a log refused for too many of them): synced and put in place now. */
int
cli_out_commit_now(chiso_outfile **f)
{
    chiso_outfile *o = *f;
    chiso_diag d;

    *f = NULL;
    if (o == NULL) {
        return CLI_EXIT_OK;
    }
    cli_diag_init(&d);
    if (chiso_outfile_sync(o, &d) != CHISO_OK ||
        chiso_outfile_commit(o, &d) != CHISO_OK) {
        chiso_outfile_abort(o);
        return cli_report(&d);
    }
    return CLI_EXIT_OK;
}

int
cli_outputs_commit(void)
{
    int rc = CLI_EXIT_OK, pass;
    size_t i;

    /* files first, standard output last: a reader that stops early (|
     * head) cannot keep a file from being written */
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < outs.n_pending; i++) {
            chiso_outfile *o = outs.pending[i];
            chiso_diag d;
            if (o == NULL || chiso_outfile_is_stdout(o) != pass) {
                continue;
            }
            outs.pending[i] = NULL;
            cli_diag_init(&d);
            if (rc != CLI_EXIT_OK) {
                chiso_outfile_abort(o);
            } else if (chiso_outfile_commit(o, &d) != CHISO_OK &&
                       !is_stdout_gone(&d)) {
                rc = cli_report(&d);
            }
        }
    }
    free(outs.pending);
    outs.pending = NULL;
    outs.n_pending = 0;
    return rc;
}

void
cli_outputs_abort(void)
{
    size_t i;

    for (i = 0; i < outs.n_pending; i++) {
        chiso_outfile_abort(outs.pending[i]);
    }
    free(outs.pending);
    outs.pending = NULL;
    outs.n_pending = 0;
}

void
cli_outputs_free(void)
{
    size_t i;

    cli_outputs_abort();
    for (i = 0; i < outs.n_inputs; i++) {
        free(outs.inputs[i]);
    }
    for (i = 0; i < outs.n_outputs; i++) {
        free(outs.outputs[i]);
    }
    free(outs.inputs);
    free(outs.outputs);
    memset(&outs, 0, sizeof(outs));
    for (i = 0; i < spooled.n; i++) {
        free(spooled.alias[i]);
        free(spooled.name[i]);
    }
    spooled.n = 0;
}

/*
 * A safety net under every JSON builder of every module: cJSON allocates
 * through this hook in the CLI, and when any allocation has failed since
 * the command began, no JSON document is written (exit 4), because a
 * builder that did not check could have left a key out. Builders in util
 * and report check on their own (chiso_jb); this covers the rest.
 */
static int json_alloc_failed;

static void *
cli_json_malloc(size_t n)
{
    void *p = malloc(n);

    if (p == NULL) {
        json_alloc_failed = 1;
    }
    return p;
}

void
cli_json_hooks(void)
{
    cJSON_Hooks h;

    h.malloc_fn = cli_json_malloc;
    h.free_fn = free;
    cJSON_InitHooks(&h);
}

int
cli_write_json(const cJSON *root, const char *path)
{
    char *text = json_alloc_failed ? NULL : chiso_json_print(root);
    chiso_outfile *f = NULL;
    size_t len;
    int rc;

    if (text == NULL) {
        return report_oom();
    }
    rc = cli_out_open(path, &f);
    if (rc != CLI_EXIT_OK) {
        free(text);
        return rc;
    }
    len = strlen(text);
    if (fwrite(text, 1, len, chiso_outfile_stream(f)) != len) {
        chiso_diag d;
        cli_diag_init(&d);
        chiso_diag_set_errno(&d, path, errno ? errno : EIO, "cannot write");
        chiso_outfile_abort(f);
        free(text);
        return cli_report(&d);
    }
    free(text);
    return cli_out_commit(&f);
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

/* ---- inputs that can be read only once ------------------------------------------
 *
 * A pipe (<(cat f.json), a named FIFO) or a device can be read once. A
 * command that reads an input twice (validate sniffs the kind, then checks)
 * spools such an input first: read once, up to a cap, into an anonymous
 * in-memory file (memfd). For /dev/fd/N the memory file takes the place of
 * descriptor N, so every later open of /dev/fd/N reads it from the start
 * and messages keep the name the user saw; other names are read through
 * /dev/fd/M and messages are printed with the original name.
 */

static const char *
display_path(const char *p)
{
    size_t i;

    for (i = 0; i < spooled.n; i++) {
        if (strcmp(spooled.alias[i], p) == 0) {
            return spooled.name[i];
        }
    }
    return p;
}

static int
fd_path_number(const char *p)
{
    const char *n = NULL;
    char *end;
    long v;

    if (strncmp(p, "/dev/fd/", 8) == 0) {
        n = p + 8;
    } else if (strncmp(p, "/proc/self/fd/", 14) == 0) {
        n = p + 14;
    }
    if (n == NULL || *n == '\0') {
        return -1;
    }
    v = strtol(n, &end, 10);
    return *end == '\0' && v > 2 && v < 1024 ? (int)v : -1;
}

int
cli_input_spool(const char *path, const char **use, size_t cap)
{
    struct stat sb;
    char *text = NULL;
    size_t len = 0;
    chiso_diag d;
    int fd, n;

    *use = path;
    if (strcmp(path, "-") == 0 || stat(path, &sb) != 0 || S_ISREG(sb.st_mode) ||
        S_ISDIR(sb.st_mode)) {
        return CLI_EXIT_OK; /* read as usual (errors reported there) */
    }
    cli_diag_init(&d);
    if (chiso_file_read_capped(path, cap, &text, &len, &d) != CHISO_OK) {
        return cli_report(&d);
    }
    fd = memfd_create("chiso-input", 0);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len ||
        lseek(fd, 0, SEEK_SET) != 0) {
        chiso_diag_set_errno(&d, path, errno ? errno : EIO, "cannot read");
        if (fd >= 0) {
            close(fd);
        }
        free(text);
        return cli_report(&d);
    }
    free(text);
    n = fd_path_number(path);
    if (n >= 0) {
        if (dup2(fd, n) < 0) {
            chiso_diag_set_errno(&d, path, errno, "cannot read");
            close(fd);
            return cli_report(&d);
        }
        close(fd);
        return CLI_EXIT_OK;
    }
    if (spooled.n < sizeof(spooled.alias) / sizeof(spooled.alias[0])) {
        chiso_buf b = CHISO_BUF_INIT;
        if (chiso_buf_printf(&b, "/dev/fd/%d", fd) == CHISO_OK &&
            (spooled.name[spooled.n] = chiso_strdup(path)) != NULL) {
            spooled.alias[spooled.n++] = b.data;
            *use = b.data;
            return CLI_EXIT_OK;
        }
        chiso_buf_free(&b);
    }
    close(fd);
    return report_oom();
}

/* ---- standard output ---------------------------------------------------------- */

int
cli_stdout_gone(void)
{
    struct stat sb;
    struct pollfd p;

    if (fstat(STDOUT_FILENO, &sb) != 0 ||
        !(S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode))) {
        return 0;
    }
    p.fd = STDOUT_FILENO;
    p.events = POLLOUT;
    p.revents = 0;
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

int
cli_stdout_finish(int rc)
{
    int err = 0;

    errno = 0;
    if (fflush(stdout) != 0) {
        err = errno;
    }
    if (err == 0 && !ferror(stdout)) {
        return rc;
    }
    if (err == EPIPE || cli_stdout_gone()) {
        /* the reader stopped reading (| head): not an error of chiso's */
        return rc;
    }
    if (err != 0) {
        fprintf(stderr, "chiso: %s: %s\n",
                chiso_msg(cli_lang_code(), "cannot write to standard output"),
                chiso_errno_str(cli_lang_code(), err));
    } else {
        fprintf(stderr, "chiso: %s\n",
                chiso_msg(cli_lang_code(), "cannot write to standard output"));
    }
    return rc == CLI_EXIT_OK ? CLI_EXIT_IO : rc;
}

/*
 * csv_write.c - CSV output, plain or Excel-safe.
 *
 * Excel-safe output matters for the report pack: staff open the tables in
 * Excel, which needs a BOM to read UTF-8 Vietnamese correctly and which
 * would execute a cell such as "=HYPERLINK(...)" taken from a dossier note.
 */
#include "chiso_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
chiso_csvw_init(chiso_csvw *w, FILE *out, char delim, int excel)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
    w->delim = delim ? delim : ',';
    w->excel = excel;
    w->at_row_start = 1;
}

static void
sep(chiso_csvw *w)
{
    if (!w->started) {
        w->started = 1;
        if (w->excel) {
            fputs("\xEF\xBB\xBF", w->out);
        }
    }
    if (!w->at_row_start) {
        fputc(w->delim, w->out);
    }
    w->at_row_start = 0;
}

/*
 * Would a spreadsheet read this text cell as a formula? Excel, LibreOffice
 * and Google Sheets start a formula at '=', '+', '-' or '@', and some also
 * after a leading tab or carriage return (OWASP "CSV injection").
 */
static int
formula_like(const char *s)
{
    return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
           s[0] == '\t' || s[0] == '\r';
}

/*
 * One cell. A formula-like text cell gets a leading single quote inside
 * the cell text, so a spreadsheet shows text and never runs it. This
 * allocates nothing, so it cannot fail open: the raw cell is never written
 * instead.
 */
static void
raw_cell(chiso_csvw *w, const char *s, int neutralise)
{
    const char *p;
    int quote = 0, prefix = neutralise && formula_like(s);

    for (p = s; *p; p++) {
        if (*p == w->delim || *p == '"' || *p == '\n' || *p == '\r') {
            quote = 1;
            break;
        }
    }
    if (quote) {
        fputc('"', w->out);
    }
    if (prefix) {
        fputc('\'', w->out);
    }
    if (!quote) {
        fputs(s, w->out);
        return;
    }
    for (p = s; *p; p++) {
        if (*p == '"') {
            fputc('"', w->out);
        }
        fputc(*p, w->out);
    }
    fputc('"', w->out);
}

void
chiso_csvw_text(chiso_csvw *w, const char *s)
{
    sep(w);
    raw_cell(w, s ? s : "", 1);
}

void
chiso_csvw_number(chiso_csvw *w, double x)
{
    char tmp[40];

    sep(w);
    if (!isfinite(x)) {
        return;
    }
    chiso_format_double(x, tmp, sizeof(tmp));
    fputs(tmp, w->out);
}

void
chiso_csvw_fixed(chiso_csvw *w, double x, int decimals)
{
    char tmp[400];
    int n;

    sep(w);
    if (!isfinite(x)) {
        return;
    }
    x = chiso_round_half_up(x, decimals);
    n = chiso_snprintf(tmp, sizeof(tmp), "%.*f", decimals, x);
    if (n >= 0 && (size_t)n < sizeof(tmp)) {
        fputs(tmp, w->out);
    } else {
        /* 1e308 with many decimals: print the long way */
        chiso_buf b = CHISO_BUF_INIT;
        if (chiso_buf_printf(&b, "%.*f", decimals, x) == CHISO_OK) {
            fputs(b.data, w->out);
        } else {
            /* out of memory: make the stream fail rather than write a
             * wrong cell; the caller's commit sees the error */
            w->failed = 1;
        }
        chiso_buf_free(&b);
    }
}

void
chiso_csvw_int(chiso_csvw *w, long long v)
{
    sep(w);
    fprintf(w->out, "%lld", v);
}

void
chiso_csvw_end(chiso_csvw *w)
{
    if (!w->started) {
        sep(w);
    }
    fputc('\n', w->out);
    w->at_row_start = 1;
}

void
chiso_csvw_row(chiso_csvw *w, const char *const *cells)
{
    for (; *cells != NULL; cells++) {
        chiso_csvw_text(w, *cells);
    }
    chiso_csvw_end(w);
}

int
chiso_csvw_error(const chiso_csvw *w)
{
    return w->failed || ferror(w->out);
}

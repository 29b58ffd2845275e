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

static void
raw_cell(chiso_csvw *w, const char *s, int neutralise)
{
    const char *p;
    int quote = 0;

    if (neutralise && w->excel &&
        (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) {
        /* the quote is inside the cell text, so Excel shows text */
        size_t n = strlen(s);
        char *t = malloc(n + 2);
        if (t != NULL) {
            t[0] = '\'';
            memcpy(t + 1, s, n + 1);
            raw_cell(w, t, 0);
            free(t);
            return;
        }
    }
    for (p = s; *p; p++) {
        if (*p == w->delim || *p == '"' || *p == '\n' || *p == '\r') {
            quote = 1;
            break;
        }
    }
    if (!quote) {
        fputs(s, w->out);
        return;
    }
    fputc('"', w->out);
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
chiso_format_double(double x, char *out, size_t len)
{
    int prec;
    double ax = fabs(x);

    if (chiso_is_zero(x)) {
        snprintf(out, len, "0");
        return;
    }
    if (ax >= 1e-6 && ax < 1e15) {
        /* plain decimals ("100", "0.25"), never "1e+02" */
        for (prec = 0; prec <= 20; prec++) {
            snprintf(out, len, "%.*f", prec, x);
            if (!(strtod(out, NULL) < x) && !(strtod(out, NULL) > x)) {
                return;
            }
        }
    }
    for (prec = 1; prec <= 17; prec++) {
        snprintf(out, len, "%.*g", prec, x);
        if (!(strtod(out, NULL) < x) && !(strtod(out, NULL) > x)) {
            return;
        }
    }
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
    sep(w);
    if (!isfinite(x)) {
        return;
    }
    fprintf(w->out, "%.*f", decimals, chiso_round_half_up(x, decimals));
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

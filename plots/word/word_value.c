/*
 * word_value.c - how a placeholder's number looks in the document.
 *
 * Numbers follow the reader's language: Vietnamese writes 1.234,5 (comma
 * before the decimals, dot between thousands), English 1,234.5. Thousands
 * are grouped only from 10 000 up, so a year (2024) or a count below
 * ten thousand is never written "2.024", which a Vietnamese reader takes for
 * two point zero two four; :plain never groups.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_word.h"
#include "word_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int
chiso_word__format_parse(const char *spec, word_format *fmt)
{
    fmt->decimals = -1;
    fmt->plain = 0;
    fmt->date = 0;
    if (spec == NULL || spec[0] == '\0') {
        return 0;
    }
    if (strcmp(spec, "plain") == 0) {
        fmt->plain = 1;
        return 0;
    }
    if (strcmp(spec, "date") == 0) {
        fmt->date = 1;
        return 0;
    }
    if (spec[0] >= '0' && spec[0] <= '6' && spec[1] == '\0') {
        fmt->decimals = spec[0] - '0';
        return 0;
    }
    return -1;
}

void
chiso_word__format_number(
    double x, const word_format *fmt, chiso_lang lang, char *out, size_t cap)
{
    char raw[64], *dot, *p;
    size_t int_digits, i, o = 0;
    int neg;
    char dec_mark = lang == CHISO_LANG_VI ? ',' : '.';
    char group = lang == CHISO_LANG_VI ? '.' : ',';

    if (!isfinite(x)) {
        snprintf(out, cap, "%s", "?");
        return;
    }
    if (fmt->decimals >= 0) {
        double r = chiso_round_half_up(x, fmt->decimals);
        snprintf(raw, sizeof(raw), "%.*f", fmt->decimals, r);
    } else if (fabs(x) < 1e15 && chiso_is_zero(x - floor(x))) {
        snprintf(raw, sizeof(raw), "%.0f", x);
    } else {
        chiso_format_double(x, raw, sizeof(raw));
        if (strchr(raw, 'e') != NULL) {
            /* no exponents in a report: up to 10 decimals, zeros cut */
            size_t n;
            snprintf(raw, sizeof(raw), "%.10f", x);
            n = strlen(raw);
            while (n > 0 && raw[n - 1] == '0') {
                raw[--n] = '\0';
            }
            if (n > 0 && raw[n - 1] == '.') {
                raw[--n] = '\0';
            }
        }
    }
    /* "-0", "-0,00": no sign on a zero */
    neg = raw[0] == '-';
    p = raw + neg;
    if (neg && strspn(p, "0.") == strlen(p)) {
        neg = 0;
    }
    dot = strchr(p, '.');
    int_digits = dot ? (size_t)(dot - p) : strlen(p);
    if (neg && o + 1 < cap) {
        out[o++] = '-';
    }
    for (i = 0; i < int_digits && o + 2 < cap; i++) {
        out[o++] = p[i];
        if (!fmt->plain && int_digits >= 5 && i + 1 < int_digits &&
            (int_digits - i - 1) % 3 == 0) {
            out[o++] = group;
        }
    }
    if (dot != NULL && o + 1 < cap) {
        out[o++] = dec_mark;
        for (i = 1; dot[i] != '\0' && o + 1 < cap; i++) {
            out[o++] = dot[i];
        }
    }
    out[o] = '\0';
}

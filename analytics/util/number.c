/*
 * number.c - numbers read and written the same way under every locale.
 *
 * strtod() and printf() follow LC_NUMERIC: under vi_VN.UTF-8 they read
 * "85,5" and write 85.5 as "85,5". chiso's files (CSV, JSON) always use
 * '.', so every conversion here runs in the "C" locale through
 * uselocale(), which changes the calling thread only and is restored
 * before returning. glibc's newlocale(LC_ALL_MASK, "C", 0) returns its
 * static C locale object without allocating, so the switch costs a few
 * nanoseconds and keeps no state of ours (no global, nothing cached).
 *
 * chiso_format_double() gives the shortest text that reads back to the
 * same double, as "%.*f" with the fewest decimals for ordinary magnitudes
 * and "%.*g" otherwise. Counts, rates and typed values (at most 6
 * decimals, below 4e9) are found with integer arithmetic and no printf at
 * all; other values try 15 significant digits (enough for every value
 * typed as a decimal of at most 15 digits, then trailing zeros are
 * dropped), then 16, then 17 (always enough), and the fixed notation is
 * built from those digits: at most three printf/strtod pairs instead of
 * one per candidate precision (up to 38). tests/unit/test_number.c checks
 * it byte for byte against the previous search on millions of values;
 * tests/bench/bench_format.sh measures it.
 */
#define _GNU_SOURCE /* newlocale, uselocale */
#include "chiso_util.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
chiso_c_locale_enter(chiso_c_locale *s)
{
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);

    s->prev = NULL;
    s->c = NULL;
    if (c == (locale_t)0) {
        return; /* cannot happen with glibc; numbers follow the process */
    }
    s->c = (void *)c;
    s->prev = (void *)uselocale(c);
}

void
chiso_c_locale_leave(chiso_c_locale *s)
{
    if (s->c == NULL) {
        return;
    }
    uselocale((locale_t)s->prev);
    freelocale((locale_t)s->c);
    s->c = NULL;
    s->prev = NULL;
}

double
chiso_strtod(const char *s, char **end)
{
    chiso_c_locale l;
    double v;

    chiso_c_locale_enter(&l);
    v = strtod(s, end);
    chiso_c_locale_leave(&l);
    return v;
}

int
chiso_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
    chiso_c_locale l;
    int n;

    chiso_c_locale_enter(&l);
    n = vsnprintf(buf, len, fmt, ap);
    chiso_c_locale_leave(&l);
    return n;
}

int
chiso_snprintf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = chiso_vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return n;
}

/* Does the text read back (C locale, already entered) to exactly x? */
static int
reads_back(const char *s, double x)
{
    double y = strtod(s, NULL);

    return !(y < x) && !(y > x);
}

/*
 * Split "%.*e" output ("-d.ddde+XX") into its digits and exponent. The
 * caller runs in the C locale, so the separator is '.'.
 */
static size_t
split_e(const char *e, char *dig, int *exp10)
{
    size_t k = 0;

    if (*e == '-') {
        e++;
    }
    for (; *e != '\0' && *e != 'e'; e++) {
        if (*e >= '0' && *e <= '9') {
            dig[k++] = *e;
        }
    }
    *exp10 = *e == 'e' ? atoi(e + 1) : 0;
    return k;
}

void
chiso_format_double(double x, char *out, size_t len)
{
    chiso_c_locale l;
    char e[48], dig[24], tmp[64];
    size_t k, n = 0, i;
    int p, exp10, prec;
    double ax = fabs(x);

    if (chiso_is_zero(x)) {
        snprintf(out, len, "0");
        return;
    }
    if (!isfinite(x)) {
        chiso_c_locale_enter(&l);
        snprintf(out, len, "%.1g", x); /* "inf", "-inf", "nan" */
        chiso_c_locale_leave(&l);
        return;
    }
    if (ax >= 1e-6 && ax < 4e9) {
        /* the common case, a decimal with at most 6 places (counts, rates,
         * values typed in a sheet): r / 10^d == x exactly means the
         * d-place decimal r * 10^-d reads back to x (the division is
         * correctly rounded and both operands are exact), and below 4e9
         * no two 6-place decimals read back to the same double, so the
         * first d that works is the one "%.{d}f" would need */
        static const double p10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
        int d;
        for (d = 0; d <= 6; d++) {
            double r = nearbyint(x * p10[d]), q = r / p10[d];
            if (!(q < x) && !(q > x)) {
                char t[32];
                uint64_t u = (uint64_t)fabs(r);
                size_t nd = 0;
                do {
                    t[nd++] = (char)('0' + u % 10);
                    u /= 10;
                } while (u > 0);
                while (nd <= (size_t)d) {
                    t[nd++] = '0'; /* 0.05: zeros before the digits */
                }
                if (x < 0) {
                    tmp[n++] = '-';
                }
                while (nd > 0) {
                    if (nd == (size_t)d) {
                        tmp[n++] = '.';
                    }
                    tmp[n++] = t[--nd];
                }
                tmp[n] = '\0';
                if (len > 0) {
                    size_t c = n < len - 1 ? n : len - 1;
                    memcpy(out, tmp, c);
                    out[c] = '\0';
                }
                return;
            }
        }
    }
    chiso_c_locale_enter(&l);
    if (ax < DBL_MIN) {
        /* subnormals carry fewer than 53 bits, so 15 digits can be more
         * than the shortest: search (rare; the same as before) */
        for (prec = 1; prec <= 17; prec++) {
            snprintf(out, len, "%.*g", prec, x);
            if (reads_back(out, x)) {
                break;
            }
        }
        chiso_c_locale_leave(&l);
        return;
    }
    for (prec = 15; prec < 17; prec++) {
        snprintf(e, sizeof(e), "%.*e", prec - 1, x);
        if (reads_back(e, x)) {
            break;
        }
    }
    if (prec == 17) {
        snprintf(e, sizeof(e), "%.16e", x); /* 17 digits always suffice */
    }
    k = split_e(e, dig, &exp10);
    if (prec == 15) {
        /* a shorter decimal reads back only if it is these 15 digits with
         * trailing zeros: 15-digit decimals are further apart than the
         * interval that rounds to x */
        while (k > 1 && dig[k - 1] == '0') {
            k--;
        }
    }
    p = (int)k - 1 - exp10;
    if (p < 0) {
        p = 0;
    }
    if (ax >= 1e-6 && ax < 1e15 && p <= 20) {
        /* plain decimals ("100", "0.25"), as "%.{p}f" would print them */
        if (x < 0) {
            tmp[n++] = '-';
        }
        if (exp10 >= 0) {
            for (i = 0; i <= (size_t)exp10; i++) {
                tmp[n++] = i < k ? dig[i] : '0';
            }
            if (p > 0) {
                tmp[n++] = '.';
                for (i = (size_t)exp10 + 1; i < k; i++) {
                    tmp[n++] = dig[i];
                }
            }
        } else {
            tmp[n++] = '0';
            tmp[n++] = '.';
            for (i = 1; i < (size_t)(-exp10); i++) {
                tmp[n++] = '0';
            }
            for (i = 0; i < k; i++) {
                tmp[n++] = dig[i];
            }
        }
        tmp[n] = '\0';
        snprintf(out, len, "%s", tmp);
    } else {
        snprintf(out, len, "%.*g", (int)k, x);
    }
    chiso_c_locale_leave(&l);
}

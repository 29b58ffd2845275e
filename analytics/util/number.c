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

/*
 * The P significant digits (P = 15, 16 or 17) that "%.{P-1}e" prints for
 * ax, 1e-6 <= ax < 1e15, with integer arithmetic instead of printf: ax =
 * m 2^e exactly (m < 2^53, e < 0), so ax 10^s = m 10^s / 2^-e, with s = P -
 * 1 - E and E the decimal exponent (0 <= s <= 22: m 10^s < 2^127), rounded
 * to the nearest integer, ties to even, as glibc's printf rounds. Writes
 * the digits to dig (no NUL) and E to *exp10. When check is set, also
 * tells whether the digits read back to ax (what strtod would do): the
 * decimal q 10^-s is within half a unit in the last place of ax (a quarter
 * below when m is a power of two: the gap below is half the gap above),
 * and a tie reads back when m is even. Returns 1 when the digits read back
 * (or check is 0), 0 when they do not, -1 when ax is out of this range.
 */
#if defined(__SIZEOF_INT128__)
static int
exact_digits(double ax, int P, int check, char *dig, int *exp10)
{
    static const uint64_t p10[20] = {1ull,
                                     10ull,
                                     100ull,
                                     1000ull,
                                     10000ull,
                                     100000ull,
                                     1000000ull,
                                     10000000ull,
                                     100000000ull,
                                     1000000000ull,
                                     10000000000ull,
                                     100000000000ull,
                                     1000000000000ull,
                                     10000000000000ull,
                                     100000000000000ull,
                                     1000000000000000ull,
                                     10000000000000000ull,
                                     100000000000000000ull,
                                     1000000000000000000ull,
                                     10000000000000000000ull};
    __extension__ typedef unsigned __int128 u128;
    int k, E, s, sh, tries;
    uint64_t m, q = 0;
    u128 prod, pow_s = 0, rem = 0, half, lo_p = 0, hi_p = 0;
    int up = 0;

    if (!(ax >= 1e-6 && ax < 1e15)) {
        return -1;
    }
    m = (uint64_t)ldexp(frexp(ax, &k), 53); /* exact: 53 bits */
    sh = 53 - k;                            /* ax = m / 2^sh */
    if (sh <= 0 || sh > 120) {
        return -1;
    }
    E = (int)floor(log10(ax));
    for (tries = 0; tries < 3; tries++) {
        s = P - 1 - E;
        if (s < 0 || s > 22) {
            return -1;
        }
        pow_s = s <= 19 ? (u128)p10[s] : (u128)p10[19] * p10[s - 19];
        prod = (u128)m * pow_s;
        q = (uint64_t)(prod >> sh); /* truncated: decides E */
        lo_p = (u128)p10[P - 1];
        hi_p = (u128)p10[P - 1] * 10;
        if ((u128)q >= hi_p) {
            E++; /* log10 was low by one */
        } else if ((u128)q < lo_p) {
            E--; /* or high */
        } else {
            break;
        }
    }
    if (tries == 3) {
        return -1;
    }
    rem = prod - ((u128)q << sh);
    half = (u128)1 << (sh - 1);
    up = rem > half || (rem == half && (q & 1));
    q += (uint64_t)up;
    if ((u128)q == hi_p) {
        q = p10[P - 1]; /* 9.99..95 -> 1.00..0e(E+1), as printf */
        E++;
    }
    for (k = P - 1; k >= 0; k--) {
        dig[k] = (char)('0' + q % 10);
        q /= 10;
    }
    *exp10 = E;
    if (!check || (rem == 0 && !up)) {
        return 1; /* exact */
    }
    {
        /* |q 10^-s - ax| = d / (2^sh 10^s); within the rounding interval
         * of ax when 2 d < 10^s (4 d below a power of two) */
        u128 d = up ? ((u128)1 << sh) - rem : rem;
        u128 lim = up || m != (1ull << 52) ? 2 * d : 4 * d;
        if (lim < pow_s) {
            return 1;
        }
        if (lim == pow_s) {
            return (m & 1) == 0;
        }
        return 0;
    }
}

#else
static int
exact_digits(double ax, int P, int check, char *dig, int *exp10)
{
    (void)ax, (void)P, (void)check, (void)dig, (void)exp10;
    return -1; /* no 128-bit integers: printf and strtod */
}
#endif

void
chiso_format_double(double x, char *out, size_t len)
{
    chiso_c_locale l;
    char e[48], dig[24], tmp[64];
    size_t k, n = 0, i;
    int p, exp10, prec, ok;
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
    prec = 15;
    ok = exact_digits(ax, 15, 1, dig, &exp10);
    if (ok == 0) {
        prec = 16;
        ok = exact_digits(ax, 16, 1, dig, &exp10);
    }
    if (ok == 0) {
        prec = 17;
        ok = exact_digits(ax, 17, 0, dig, &exp10);
    }
    if (ok == 1) {
        k = (size_t)prec;
    } else {
        /* outside 1e-6..1e15: printf and strtod */
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
    }
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

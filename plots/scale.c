/*
 * scale.c - "nice" ticks, rank ticks, number labels and the least-squares
 * line (GSL's gsl_fit_linear and gsl_stats_correlation).
 *
 * Ticks follow Heckbert's "nice numbers for graph labels" (Graphics Gems,
 * 1990) with the step set {1, 2, 2.5, 5} x 10^k: the raw step span /
 * (target - 1) is rounded up to the next nice step, and the domain is
 * widened to whole multiples of it. Ticks are computed as integer
 * multiples of the step (k * step), never by repeated addition, so there
 * is no drift on long axes.
 */
#include "chiso_plot.h"
#include "plots_int.h"

#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Nice mantissas, smallest first. */
static const double nice_steps[] = {1.0, 2.0, 2.5, 5.0, 10.0};

/* Relative slack when snapping the data ends to step multiples, so 0.3 /
 * 0.1 = 2.9999999999999996 still counts as 3. */
#define SNAP_EPS 1e-9

chiso_status
chiso_plot_nice_ticks(
    double min, double max, int target, int integers, chiso_plot_ticks *out)
{
    double span, mag, raw, base, step = 0, lo_k, hi_k;
    int e, k, attempt;
    size_t n, i;

    if (!isfinite(min) || !isfinite(max) || min > max) {
        return CHISO_EDOMAIN;
    }
    if (target < 2) {
        target = 2;
    } else if (target > 20) {
        target = 20;
    }
    mag = fmax(fabs(min), fabs(max));
    span = max - min;
    if (!isfinite(span)) {
        return CHISO_EDOMAIN;
    }
    /* zero width (or below what a double resolves at this magnitude):
     * open the range around the value */
    if (span <= mag * 1e-12) {
        if (chiso_is_zero(mag)) {
            min = 0;
            max = 1;
        } else {
            double d = mag * 0.1;
            if (integers && d < 1) {
                d = 1;
            }
            min -= d;
            max += d;
            if (min < 0 && min + d >= 0 && integers) {
                min = 0; /* ranks and counts do not go below zero */
            }
        }
        span = max - min;
        if (!isfinite(span)) {
            return CHISO_EDOMAIN;
        }
    }
    raw = span / (target - 1);
    if (integers && raw < 1) {
        raw = 1;
    }
    e = (int)floor(log10(raw));
    base = pow(10.0, e);
    if (!isfinite(base) || chiso_is_zero(base)) {
        return CHISO_EDOMAIN;
    }
    /* find the first nice step >= raw that gives at most MAX_TICKS ticks */
    k = 0;
    while (k < 5 && nice_steps[k] * base < raw * (1 - SNAP_EPS)) {
        k++;
    }
    for (attempt = 0; attempt < 40; attempt++) {
        step = nice_steps[k] * base;
        if (integers && (step < 1 || fabs(step - floor(step)) > 0)) {
            k++;
            if (k == 5) {
                k = 1;
                e++;
                base = pow(10.0, e);
            }
            continue;
        }
        lo_k = floor(min / step + SNAP_EPS);
        hi_k = ceil(max / step - SNAP_EPS);
        if (hi_k - lo_k < 1) {
            hi_k = lo_k + 1;
        }
        if (hi_k - lo_k + 1 <= CHISO_PLOT_MAX_TICKS) {
            break;
        }
        k++;
        if (k == 5) {
            k = 1; /* 10 x 10^e is 1 x 10^(e+1) */
            e++;
            base = pow(10.0, e);
        }
    }
    lo_k = floor(min / step + SNAP_EPS);
    hi_k = ceil(max / step - SNAP_EPS);
    if (hi_k - lo_k < 1) {
        hi_k = lo_k + 1;
    }
    n = (size_t)(hi_k - lo_k) + 1;
    if (n > CHISO_PLOT_MAX_TICKS || n < 2) {
        return CHISO_EDOMAIN;
    }
    for (i = 0; i < n; i++) {
        double v = (lo_k + (double)i) * step;
        if (!isfinite(v)) {
            return CHISO_EDOMAIN;
        }
        out->v[i] = chiso_is_zero(v) ? 0.0 : v; /* no "-0" */
    }
    out->n = n;
    out->step = step;
    out->lo = fmin(out->v[0], min);
    out->hi = fmax(out->v[n - 1], max);
    /* decimals: enough for the step's last significant digit */
    {
        double l = log10(step);
        int d = (int)-floor(l + SNAP_EPS);
        if (fabs(nice_steps[k] - 2.5) < 1e-12) {
            d += 1;
        }
        out->decimals = d > 0 ? d : 0;
        if (out->decimals > 12) {
            out->decimals = 12;
        }
    }
    return CHISO_OK;
}

double
chiso_plot__yfrac(const chiso_plot_axis *ax, double v)
{
    double f = (v - ax->ticks.lo) / (ax->ticks.hi - ax->ticks.lo);

    return ax->inverted ? 1 - f : f;
}

chiso_status
chiso_plot_rank_ticks(long n, int target, chiso_plot_ticks *out)
{
    chiso_plot_ticks t;
    double step, pad;
    size_t k = 0;
    long v;

    if (n < 1 || n > 1000000000L) {
        return CHISO_EDOMAIN;
    }
    memset(&t, 0, sizeof(t));
    if (n <= 10) {
        step = 1; /* every rank */
    } else if (chiso_plot_nice_ticks(1, (double)n, target, 1, &t) != CHISO_OK) {
        return CHISO_EDOMAIN;
    } else {
        step = t.step;
    }
    t.v[k++] = 1;
    for (v = (long)step; v < n && k + 1 < CHISO_PLOT_MAX_TICKS;
         v += (long)step) {
        if (v > 1 && (double)(n - v) >= step / 2) {
            t.v[k++] = (double)v;
        }
    }
    if (n > 1) {
        t.v[k++] = (double)n;
    }
    pad = fmax(0.5, (double)n * 0.02);
    t.n = k;
    t.step = step;
    t.lo = 1 - pad;
    t.hi = (double)n + pad;
    t.decimals = 0;
    *out = t;
    return CHISO_OK;
}

static const char *const superscript[] = {"⁰", "¹", "²", "³", "⁴",
                                          "⁵", "⁶", "⁷", "⁸", "⁹"};

/* Append s to buf[*pos] within cap (always NUL-terminated). */
static void
put(char *buf, size_t cap, size_t *pos, const char *s)
{
    size_t n = strlen(s);

    if (*pos + n >= cap) {
        n = *pos + 1 < cap ? cap - 1 - *pos : 0;
    }
    memcpy(buf + *pos, s, n);
    *pos += n;
    buf[*pos] = '\0';
}

/* The decimal point printf wrote: the first character that is not a
 * digit, whatever LC_NUMERIC says ('.' in C, ',' under vi_VN); NULL if
 * none. The separator chiso writes is the chart's, not the locale's. */
static char *
decimal_point(char *digits)
{
    char *p = digits;

    while (*p >= '0' && *p <= '9') {
        p++;
    }
    return *p != '\0' ? p : NULL;
}

size_t
chiso_plot_format_number(
    double v, int decimals, chiso_plot_numfmt fmt, char *buf, size_t cap)
{
    char digits[400], *dot;
    const char *dec_sep = fmt == CHISO_PLOT_NUM_VI ? "," : ".";
    const char *grp_sep = fmt == CHISO_PLOT_NUM_VI ? "." : ",";
    size_t pos = 0, int_len, i;
    double a = fabs(v);
    int all_zero = 1;

    if (cap == 0) {
        return 0;
    }
    buf[0] = '\0';
    if (isnan(v)) {
        put(buf, cap, &pos, "–");
        return pos;
    }
    if (isinf(v)) {
        put(buf, cap, &pos, v < 0 ? "−∞" : "∞");
        return pos;
    }
    if (decimals < 0) {
        decimals = 0;
    } else if (decimals > 15) {
        decimals = 15;
    }
    if (a >= 1e15 || (a > 0 && a < 1e-6)) {
        /* scientific: mantissa with up to 3 decimals, x10 and superscript */
        int e = (int)floor(log10(a));
        double m = a / pow(10.0, e);
        char exp[16];
        if (m >= 9.9995) { /* rounding carried into the next power */
            m /= 10;
            e++;
        }
        if (v < 0) {
            put(buf, cap, &pos, "−");
        }
        snprintf(digits, sizeof(digits), "%.3f", m);
        dot = decimal_point(digits);
        /* drop trailing zeros of the mantissa */
        i = strlen(digits);
        while (dot != NULL && i > 0 && digits[i - 1] == '0') {
            digits[--i] = '\0';
        }
        if (dot != NULL && digits + i - 1 == dot) {
            digits[--i] = '\0';
            dot = NULL;
        }
        if (dot != NULL) {
            *dot = '\0';
            put(buf, cap, &pos, digits);
            put(buf, cap, &pos, dec_sep);
            put(buf, cap, &pos, dot + 1);
        } else {
            put(buf, cap, &pos, digits);
        }
        put(buf, cap, &pos, "×10");
        snprintf(exp, sizeof(exp), "%d", e);
        for (i = 0; exp[i] != '\0'; i++) {
            put(buf, cap, &pos,
                exp[i] == '-' ? "⁻" : superscript[exp[i] - '0']);
        }
        return pos;
    }
    /* rounded as a person reads the decimal (2.675 -> 2.68), as every
     * other number chiso writes */
    snprintf(digits, sizeof(digits), "%.*f", decimals,
             chiso_round_half_up(a, decimals));
    for (i = 0; digits[i] != '\0'; i++) {
        if (digits[i] >= '1' && digits[i] <= '9') {
            all_zero = 0;
        }
    }
    if (v < 0 && !all_zero) {
        put(buf, cap, &pos, "−"); /* U+2212 MINUS SIGN */
    }
    dot = decimal_point(digits);
    int_len = dot != NULL ? (size_t)(dot - digits) : strlen(digits);
    for (i = 0; i < int_len; i++) {
        char one[2] = {digits[i], '\0'};
        /* group thousands only from 10 000 up: 2024 stays a year */
        if (i > 0 && a >= 9999.5 && (int_len - i) % 3 == 0) {
            put(buf, cap, &pos, grp_sep);
        }
        put(buf, cap, &pos, one);
    }
    if (dot != NULL) {
        put(buf, cap, &pos, dec_sep);
        put(buf, cap, &pos, dot + 1);
    }
    return pos;
}

chiso_status
chiso_plot_fit_line(
    const double *x, const double *y, size_t n, double *a, double *b, double *r)
{
    double c0, c1, cov00, cov01, cov11, sumsq, sxx, syy;

    if (n < 3) {
        return CHISO_EDOMAIN;
    }
    /* GSL assumes valid input (gsl_fit_linear divides by the variance of
     * x without looking): check the variances first */
    sxx = gsl_stats_variance(x, 1, n);
    syy = gsl_stats_variance(y, 1, n);
    if (!(sxx > 0) || !(syy > 0) || !isfinite(sxx) || !isfinite(syy)) {
        return CHISO_EDOMAIN;
    }
    if (gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11,
                       &sumsq) != GSL_SUCCESS ||
        !isfinite(c0) || !isfinite(c1)) {
        return CHISO_EDOMAIN;
    }
    *a = c0;
    *b = c1;
    *r = gsl_stats_correlation(x, 1, y, 1, n);
    if (!isfinite(*r)) {
        return CHISO_EDOMAIN;
    }
    if (*r > 1) {
        *r = 1;
    } else if (*r < -1) {
        *r = -1;
    }
    return CHISO_OK;
}

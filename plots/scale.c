/*
 * scale.c - "nice" ticks, number labels and the least-squares line.
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
        chiso_snprintf(digits, sizeof(digits), "%.3f", m);
        /* drop trailing zeros of the mantissa */
        i = strlen(digits);
        while (i > 0 && digits[i - 1] == '0') {
            digits[--i] = '\0';
        }
        if (i > 0 && digits[i - 1] == '.') {
            digits[--i] = '\0';
        }
        dot = strchr(digits, '.');
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
    chiso_snprintf(digits, sizeof(digits), "%.*f", decimals, a);
    for (i = 0; digits[i] != '\0'; i++) {
        if (digits[i] >= '1' && digits[i] <= '9') {
            all_zero = 0;
        }
    }
    if (v < 0 && !all_zero) {
        put(buf, cap, &pos, "−"); /* U+2212 MINUS SIGN */
    }
    dot = strchr(digits, '.');
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
    double mx = 0, my = 0, sxx = 0, sxy = 0, syy = 0;
    size_t i;

    if (n < 3) {
        return CHISO_EDOMAIN;
    }
    /* two passes: means first, then centred sums (no cancellation) */
    for (i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    for (i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    if (!(sxx > 0) || !(syy > 0) || !isfinite(sxx) || !isfinite(syy)) {
        return CHISO_EDOMAIN;
    }
    *b = sxy / sxx;
    *a = my - *b * mx;
    *r = sxy / sqrt(sxx * syy);
    if (*r > 1) {
        *r = 1;
    } else if (*r < -1) {
        *r = -1;
    }
    return CHISO_OK;
}

/*
 * test_plot_model.c - the chart model without fonts: ticks, number labels,
 * text fitting, legend grids, label thinning and placement, the fitted
 * line, and whole-chart layout decisions (zero baselines, breaks, ranks).
 *
 * Text is measured by a fake fixed-width measurer: every grapheme is
 * size / 2 wide (combining marks are free) and a line is 1.2 x size high,
 * so expected positions can be worked out by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_plot.h"
#include "helpers.h"
#include "plots_int.h" /* chiso_plot__joined: which points a line joins */

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double
fake_width(void *ctx, const char *s, size_t len, double size, int bold)
{
    size_t i, n = 0;
    const unsigned char *u = (const unsigned char *)s;

    (void)ctx;
    (void)bold;
    for (i = 0; i < len; i++) {
        if ((u[i] & 0xC0) == 0x80) {
            continue;
        }
        /* U+0300..U+036F combining marks (CC 80..CD AF) take no room */
        if ((u[i] == 0xCC && i + 1 < len && u[i + 1] >= 0x80) ||
            (u[i] == 0xCD && i + 1 < len && u[i + 1] <= 0xAF)) {
            continue;
        }
        n++;
    }
    return (double)n * size / 2;
}

static double
fake_lh(void *ctx, double size)
{
    (void)ctx;
    return 1.2 * size;
}

static const chiso_plot_measure fake = {fake_width, fake_lh, NULL};

/* ---- ticks ---------------------------------------------------------- */

static void
assert_ticks_sane(const chiso_plot_ticks *t, double min, double max)
{
    size_t i;

    assert_true(t->n >= 2 && t->n <= CHISO_PLOT_MAX_TICKS);
    assert_true(t->v[0] <= min + fabs(min) * 1e-12);
    assert_true(t->v[t->n - 1] >= max - fabs(max) * 1e-12);
    for (i = 1; i < t->n; i++) {
        double k = t->v[i] / t->step;
        assert_true(t->v[i] > t->v[i - 1]);
        /* every tick is a whole multiple of the step */
        chiso_assert_close(k, round(k), 1e-6 * fmax(1, fabs(k)));
    }
    assert_true(t->lo <= min && t->hi >= max);
}

static void
test_ticks_basic(void **state)
{
    chiso_plot_ticks t;

    (void)state;
    /* 0..100 aiming at 6 ticks: raw step 20 -> 20 */
    assert_int_equal(chiso_plot_nice_ticks(0, 100, 6, 0, &t), CHISO_OK);
    assert_int_equal(t.n, 6);
    chiso_assert_close(t.step, 20, 0);
    chiso_assert_close(t.v[5], 100, 0);
    assert_int_equal(t.decimals, 0);
    /* 70.3..94.8, 7 ticks: raw 24.5/6 = 4.08 -> 5; 70..95 */
    assert_int_equal(chiso_plot_nice_ticks(70.3, 94.8, 7, 0, &t), CHISO_OK);
    chiso_assert_close(t.step, 5, 0);
    chiso_assert_close(t.v[0], 70, 0);
    chiso_assert_close(t.v[t.n - 1], 95, 0);
    assert_int_equal(t.n, 6);
    assert_ticks_sane(&t, 70.3, 94.8);
}

static void
test_ticks_negative(void **state)
{
    chiso_plot_ticks t;

    (void)state;
    /* -3.7..2.2, 5 ticks: raw 5.9/4 = 1.475 -> 2; -4..4 */
    assert_int_equal(chiso_plot_nice_ticks(-3.7, 2.2, 5, 0, &t), CHISO_OK);
    chiso_assert_close(t.step, 2, 0);
    assert_int_equal(t.n, 5);
    chiso_assert_close(t.v[0], -4, 0);
    chiso_assert_close(t.v[2], 0, 0);
    assert_false(signbit(t.v[2])); /* a true zero, never "-0" */
    assert_ticks_sane(&t, -3.7, 2.2);
    /* all negative */
    assert_int_equal(chiso_plot_nice_ticks(-950, -12, 6, 0, &t), CHISO_OK);
    assert_ticks_sane(&t, -950, -12);
    chiso_assert_close(t.step, 200, 0);
    chiso_assert_close(t.v[0], -1000, 0);
    chiso_assert_close(t.v[t.n - 1], 0, 0);
}

static void
test_ticks_zero_width(void **state)
{
    chiso_plot_ticks t;

    (void)state;
    /* 0..0 opens to 0..1; raw 0.25 -> 2.5e-1, two decimals needed */
    assert_int_equal(chiso_plot_nice_ticks(0, 0, 5, 0, &t), CHISO_OK);
    assert_int_equal(t.n, 5);
    chiso_assert_close(t.step, 0.25, 1e-15);
    chiso_assert_close(t.v[4], 1, 1e-15);
    assert_int_equal(t.decimals, 2);
    /* 50..50 opens to 45..55; raw 2.5 */
    assert_int_equal(chiso_plot_nice_ticks(50, 50, 5, 0, &t), CHISO_OK);
    chiso_assert_close(t.v[0], 45, 1e-12);
    chiso_assert_close(t.v[t.n - 1], 55, 1e-12);
    chiso_assert_close(t.step, 2.5, 0);
    assert_int_equal(t.decimals, 1);
    /* a span below what doubles resolve at 1e17 counts as zero width */
    assert_int_equal(chiso_plot_nice_ticks(1e17, 1e17 + 16, 5, 0, &t),
                     CHISO_OK);
    assert_ticks_sane(&t, 1e17, 1e17 + 16);
    /* integers: a single year gets whole-number ticks around it */
    assert_int_equal(chiso_plot_nice_ticks(2024, 2024, 5, 1, &t), CHISO_OK);
    assert_true(t.step >= 1);
    assert_ticks_sane(&t, 2024, 2024);
}

static void
test_ticks_huge_and_tiny(void **state)
{
    chiso_plot_ticks t;

    (void)state;
    assert_int_equal(chiso_plot_nice_ticks(0, 1e300, 5, 0, &t), CHISO_OK);
    chiso_assert_close(t.step, 2.5e299, 1e285);
    assert_int_equal(t.n, 5);
    assert_int_equal(t.decimals, 0);
    assert_ticks_sane(&t, 0, 1e300);
    assert_int_equal(chiso_plot_nice_ticks(1e-9, 3e-9, 5, 0, &t), CHISO_OK);
    chiso_assert_close(t.step, 5e-10, 1e-24);
    assert_int_equal(t.decimals, 10);
    assert_ticks_sane(&t, 1e-9, 3e-9);
    /* spans that overflow, NaN, reversed ranges: refused */
    assert_int_equal(chiso_plot_nice_ticks(-1.7e308, 1.7e308, 5, 0, &t),
                     CHISO_EDOMAIN);
    assert_int_equal(chiso_plot_nice_ticks(NAN, 1, 5, 0, &t), CHISO_EDOMAIN);
    assert_int_equal(chiso_plot_nice_ticks(0, INFINITY, 5, 0, &t),
                     CHISO_EDOMAIN);
    assert_int_equal(chiso_plot_nice_ticks(2, 1, 5, 0, &t), CHISO_EDOMAIN);
}

static void
test_ticks_integers(void **state)
{
    chiso_plot_ticks t;

    (void)state;
    /* ten years, ten ticks: step 1 */
    assert_int_equal(chiso_plot_nice_ticks(2015, 2024, 10, 1, &t), CHISO_OK);
    chiso_assert_close(t.step, 1, 0);
    assert_int_equal(t.n, 10);
    chiso_assert_close(t.v[0], 2015, 0);
    /* ranks 1..63 with 10 ticks: raw 6.9 -> 10; 0..70 */
    assert_int_equal(chiso_plot_nice_ticks(1, 63, 10, 1, &t), CHISO_OK);
    chiso_assert_close(t.step, 10, 0);
    assert_int_equal(t.n, 8);
    /* 0..6 with 20 ticks would want 0.33: integers keep 1 */
    assert_int_equal(chiso_plot_nice_ticks(0, 6, 20, 1, &t), CHISO_OK);
    chiso_assert_close(t.step, 1, 0);
    /* 2.5 is not a whole step: 0..9 with 5 ticks takes 5, not 2.5 */
    assert_int_equal(chiso_plot_nice_ticks(0, 9, 5, 1, &t), CHISO_OK);
    chiso_assert_close(t.step, 5, 0);
}

static void
test_ticks_many_ranges(void **state)
{
    /* a seeded sweep over magnitudes, signs and widths */
    unsigned long long s = 12345;
    int k;

    (void)state;
    for (k = 0; k < 5000; k++) {
        chiso_plot_ticks t;
        double a, b, scale;
        int target;
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        scale = pow(10.0, (double)((int)(s >> 33) % 40 - 20));
        a = ((double)((s >> 11) & 0xFFFFF) / 1048576.0 - 0.5) * scale;
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        b = a + (double)((s >> 11) & 0xFFFFF) / 1048576.0 * scale;
        target = 2 + (int)((s >> 40) % 15);
        assert_int_equal(chiso_plot_nice_ticks(a, b, target, 0, &t), CHISO_OK);
        assert_ticks_sane(&t, a, b);
        /* never many more ticks than asked for */
        assert_true(t.n <= (size_t)target * 3 + 2);
    }
}

/* ---- numbers -------------------------------------------------------- */

static void
test_format_number(void **state)
{
    char buf[64];

    (void)state;
    chiso_plot_format_number(1234.5, 1, CHISO_PLOT_NUM_VI, buf, sizeof(buf));
    assert_string_equal(buf, "1234,5"); /* below 10 000: no grouping */
    chiso_plot_format_number(12345.678, 2, CHISO_PLOT_NUM_VI, buf, sizeof(buf));
    assert_string_equal(buf, "12.345,68");
    chiso_plot_format_number(12345.678, 2, CHISO_PLOT_NUM_EN, buf, sizeof(buf));
    assert_string_equal(buf, "12,345.68");
    chiso_plot_format_number(1234567, 0, CHISO_PLOT_NUM_VI, buf, sizeof(buf));
    assert_string_equal(buf, "1.234.567");
    chiso_plot_format_number(2024, 0, CHISO_PLOT_NUM_VI, buf, sizeof(buf));
    assert_string_equal(buf, "2024");
    chiso_plot_format_number(-3.5, 1, CHISO_PLOT_NUM_VI, buf, sizeof(buf));
    assert_string_equal(buf, "\xE2\x88\x92"
                             "3,5"); /* U+2212 minus */
    chiso_plot_format_number(-0.001, 2, CHISO_PLOT_NUM_VI, buf, sizeof(buf));
    assert_string_equal(buf, "0,00"); /* no "-0,00" */
    chiso_plot_format_number(0, 0, CHISO_PLOT_NUM_EN, buf, sizeof(buf));
    assert_string_equal(buf, "0");
    chiso_plot_format_number(1.5e20, 0, CHISO_PLOT_NUM_VI, buf, sizeof(buf));
    assert_string_equal(buf, "1,5×10²⁰");
    chiso_plot_format_number(-2.5e-9, 10, CHISO_PLOT_NUM_EN, buf, sizeof(buf));
    assert_string_equal(buf, "−2.5×10⁻⁹");
    /* a short buffer is cut, never overrun */
    chiso_plot_format_number(12345.678, 2, CHISO_PLOT_NUM_VI, buf, 5);
    assert_string_equal(buf, "12.3");
}

/* ---- text fitting --------------------------------------------------- */

static void
test_fit_text_wrap(void **state)
{
    chiso_plot_label lb;

    (void)state;
    /* size 10: 5 units per letter. 19 letters = 95 fit in 200 */
    assert_int_equal(
        chiso_plot_fit_text(&fake, "Cải cách hành chính", 10, 0, 200, 2, &lb),
        CHISO_OK);
    assert_string_equal(lb.text, "Cải cách hành chính");
    assert_int_equal(lb.n_lines, 1);
    assert_int_equal(lb.truncated, 0);
    chiso_assert_close(lb.w, 95, 1e-9);
    chiso_assert_close(lb.h, 12, 1e-9);
    free(lb.text);
    /* 60 = 12 letters per line: "Cải cách" (8) then "hành chính" (10) */
    assert_int_equal(
        chiso_plot_fit_text(&fake, "Cải cách hành chính", 10, 0, 60, 2, &lb),
        CHISO_OK);
    assert_string_equal(lb.text, "Cải cách\nhành chính");
    assert_int_equal(lb.n_lines, 2);
    assert_int_equal(lb.truncated, 0);
    chiso_assert_close(lb.w, 50, 1e-9);
    free(lb.text);
    /* one line only: 11 letters + "…" = 12 */
    assert_int_equal(
        chiso_plot_fit_text(&fake, "Cải cách hành chính", 10, 0, 60, 1, &lb),
        CHISO_OK);
    assert_string_equal(lb.text, "Cải cách hà…");
    assert_int_equal(lb.truncated, 1);
    assert_true(lb.w <= 60);
    free(lb.text);
}

static void
test_fit_text_long_word(void **state)
{
    chiso_plot_label lb;

    (void)state;
    /* a 20-letter word in lines of 10 letters: cut, then continued */
    assert_int_equal(
        chiso_plot_fit_text(&fake, "Supercalifragilistic", 10, 0, 50, 2, &lb),
        CHISO_OK);
    assert_string_equal(lb.text, "Supercalif\nragilistic");
    assert_int_equal(lb.truncated, 0);
    free(lb.text);
    assert_int_equal(
        chiso_plot_fit_text(&fake, "Supercalifragilistic", 10, 0, 50, 1, &lb),
        CHISO_OK);
    assert_string_equal(lb.text, "Supercali…");
    assert_int_equal(lb.truncated, 1);
    free(lb.text);
    /* three lines, text longer still: the third ends with "…" */
    assert_int_equal(chiso_plot_fit_text(&fake,
                                         "Xây dựng và phát triển Chính "
                                         "quyền điện tử, Chính quyền số",
                                         10, 0, 60, 3, &lb),
                     CHISO_OK);
    assert_int_equal(lb.n_lines, 3);
    assert_int_equal(lb.truncated, 1);
    assert_string_equal(lb.text, "Xây dựng và\nphát triển\nChính quyền…");
    free(lb.text);
}

static void
test_fit_text_graphemes(void **state)
{
    chiso_plot_label lb;
    /* "ếếếế" with each ế decomposed: e + U+0302 + U+0301 */
    const char *decomposed = "e\xCC\x82\xCC\x81"
                             "e\xCC\x82\xCC\x81"
                             "e\xCC\x82\xCC\x81"
                             "e\xCC\x82\xCC\x81";

    (void)state;
    /* room for 2.4 letters: one whole ế (all three code points) + "…" */
    assert_int_equal(chiso_plot_fit_text(&fake, decomposed, 10, 0, 12, 1, &lb),
                     CHISO_OK);
    assert_string_equal(lb.text, "e\xCC\x82\xCC\x81\xE2\x80\xA6");
    assert_int_equal(lb.truncated, 1);
    free(lb.text);
    /* empty and blank texts give no lines */
    assert_int_equal(chiso_plot_fit_text(&fake, "", 10, 0, 12, 1, &lb),
                     CHISO_OK);
    assert_string_equal(lb.text, "");
    assert_int_equal(lb.n_lines, 0);
    chiso_assert_close(lb.h, 0, 0);
    free(lb.text);
    assert_int_equal(chiso_plot_fit_text(&fake, "   ", 10, 0, 12, 1, &lb),
                     CHISO_OK);
    assert_int_equal(lb.n_lines, 0);
    free(lb.text);
}

/* ---- legend ----------------------------------------------------------- */

static void
test_legend_layout(void **state)
{
    const char *labels[5] = {"A", "BBBB", "CC", "DDDDDD", "E"};
    chiso_plot_legend lg;

    (void)state;
    /* size 10: swatch 28 + gap 5 + text; column gap 18.
     * widths A 38, B 53, C 43, D 63, E 38.
     * 4 columns: 38 (A,E) + 53 + 43 + 63 + 3 x 18 = 251 */
    assert_int_equal(
        chiso_plot_legend_layout(&fake, labels, 5, 10, 251, 4, &lg), CHISO_OK);
    assert_int_equal(lg.cols, 4);
    assert_int_equal(lg.rows, 2);
    chiso_assert_close(lg.w, 251, 1e-9);
    chiso_assert_close(lg.items[3].x, 38 + 53 + 43 + 3 * 18 + 33, 1e-9);
    chiso_assert_close(lg.items[4].x, 33, 1e-9); /* E under A */
    chiso_plot_legend_clear(&lg);
    /* one unit less: 3 columns, 63 (A,D) + 53 (B,E) + 43 + 36 = 195 */
    assert_int_equal(
        chiso_plot_legend_layout(&fake, labels, 5, 10, 250, 4, &lg), CHISO_OK);
    assert_int_equal(lg.cols, 3);
    assert_int_equal(lg.rows, 2);
    chiso_assert_close(lg.w, 195, 1e-9);
    /* E is row 1, column 1: x = 63 + 18 + 33; y = 15.6 + (15.6 - 12) / 2 */
    chiso_assert_close(lg.items[4].x, 114, 1e-9);
    chiso_assert_close(lg.items[4].y, 17.4, 1e-9);
    assert_int_equal(lg.items[3].truncated, 0);
    chiso_plot_legend_clear(&lg);
    chiso_plot_legend_clear(&lg); /* clearing twice is harmless */
}

static void
test_legend_ellipsis(void **state)
{
    const char *labels[1] = {"ABCDEFGHIJ"};
    chiso_plot_legend lg;

    (void)state;
    /* 60 wide: 60 - 33 = 27 for text: 4 letters + "…" = 25 */
    assert_int_equal(chiso_plot_legend_layout(&fake, labels, 1, 10, 60, 4, &lg),
                     CHISO_OK);
    assert_int_equal(lg.cols, 1);
    assert_string_equal(lg.items[0].text, "ABCD…");
    assert_int_equal(lg.items[0].truncated, 1);
    chiso_plot_legend_clear(&lg);
}

/* ---- collisions ------------------------------------------------------- */

static void
test_thin_labels(void **state)
{
    double pos[11], len[11];
    unsigned char hide[11];
    size_t i;

    (void)state;
    for (i = 0; i < 11; i++) {
        pos[i] = 10.0 * (double)i;
        len[i] = 15;
    }
    /* 0..100 step 10, 15 wide: every other label */
    assert_int_equal(chiso_plot_thin_labels(pos, len, 11, 0, hide), 6);
    for (i = 0; i < 11; i++) {
        assert_int_equal(hide[i], i % 2);
    }
    /* 0..90: 90 collides with 80, so the end label wins over 80 */
    assert_int_equal(chiso_plot_thin_labels(pos, len, 10, 0, hide), 5);
    assert_int_equal(hide[0], 0);
    assert_int_equal(hide[6], 0);
    assert_int_equal(hide[8], 1);
    assert_int_equal(hide[9], 0);
    /* everything fits: nothing hidden */
    for (i = 0; i < 11; i++) {
        len[i] = 9;
    }
    assert_int_equal(chiso_plot_thin_labels(pos, len, 11, 1, hide), 11);
    /* two labels on top of each other: only the first */
    assert_int_equal(chiso_plot_thin_labels(pos, len, 1, 0, hide), 1);
    pos[1] = 0;
    assert_int_equal(chiso_plot_thin_labels(pos, len, 2, 0, hide), 1);
    assert_int_equal(hide[0], 0);
    assert_int_equal(hide[1], 1);
}

static void
test_place_point_labels(void **state)
{
    double px[2] = {10, 30}, py[2] = {50, 50}, w[2] = {30, 30}, h[2] = {10, 10},
           lx[2], ly[2];
    double bounds[4] = {0, 0, 100, 100}, strip[4] = {0, 40, 75, 20};
    int prio[2] = {0, 1};
    unsigned char hide[2];

    (void)state;
    /* points block labels: A's label on the right would cover B (a
     * square of half-side 2 around (30, 50)); left, above and below leave
     * the bounds. B's label goes right of B. */
    assert_int_equal(chiso_plot_place_point_labels(px, py, w, h, NULL, 2, 2,
                                                   bounds, lx, ly, hide),
                     CHISO_OK);
    assert_int_equal(hide[0], 1);
    assert_int_equal(hide[1], 0);
    chiso_assert_close(lx[1], 32, 1e-12);
    chiso_assert_close(ly[1], 45, 1e-12);
    /* labels block labels. In a strip 20 high (no room above or below)
     * and 75 wide: A goes right (22..47); B's right side leaves the strip
     * and its left side (23..48) overlaps A's label: hidden */
    px[0] = 20;
    px[1] = 50;
    w[0] = w[1] = 25;
    assert_int_equal(chiso_plot_place_point_labels(px, py, w, h, NULL, 2, 2,
                                                   strip, lx, ly, hide),
                     CHISO_OK);
    assert_int_equal(hide[0], 0);
    chiso_assert_close(lx[0], 22, 1e-12);
    assert_int_equal(hide[1], 1);
    /* with priority B is placed first (on its left) and A loses */
    assert_int_equal(chiso_plot_place_point_labels(px, py, w, h, prio, 2, 2,
                                                   strip, lx, ly, hide),
                     CHISO_OK);
    assert_int_equal(hide[1], 0);
    chiso_assert_close(lx[1], 23, 1e-12);
    assert_int_equal(hide[0], 1);
}

/* ---- least squares ---------------------------------------------------- */

static void
test_fit_line(void **state)
{
    /* reference values: numpy.polyfit(x, y, 1) and numpy.corrcoef, run
     * offline (numpy 1.24); by hand for the first set: mean x 3, mean y
     * 6.02, Sxy 19.9, Sxx 10, Syy 39.708 -> b 1.99, a 0.05,
     * r = 19.9 / sqrt(397.08) */
    const double x1[5] = {1, 2, 3, 4, 5}, y1[5] = {2.1, 3.9, 6.2, 7.8, 10.1};
    const double x2[7] = {78.2, 81.5, 84.9, 88.0, 90.3, 92.1, 79.9};
    const double y2[7] = {75.4, 80.2, 82.9, 85.1, 88.7, 87.6, 79.0};
    const double flat[3] = {2, 2, 2};
    double a, b, r;

    (void)state;
    assert_int_equal(chiso_plot_fit_line(x1, y1, 5, &a, &b, &r), CHISO_OK);
    chiso_assert_close(a, 0.05, 1e-12);
    chiso_assert_close(b, 1.99, 1e-12);
    chiso_assert_close(r, 0.9986517555689656, 1e-12);
    assert_int_equal(chiso_plot_fit_line(x2, y2, 7, &a, &b, &r), CHISO_OK);
    chiso_assert_close(a, 8.079344052622165, 1e-9);
    chiso_assert_close(b, 0.8780376393202977, 1e-12);
    chiso_assert_close(r, 0.9766035494053118, 1e-12);
    /* a falling line has negative r */
    assert_int_equal(chiso_plot_fit_line(y1, x1, 5, &a, &b, &r), CHISO_OK);
    assert_true(r > 0);
    {
        const double yd[5] = {10.1, 7.8, 6.2, 3.9, 2.1};
        assert_int_equal(chiso_plot_fit_line(x1, yd, 5, &a, &b, &r), CHISO_OK);
        chiso_assert_close(r, -0.9986517555689656, 1e-12);
        chiso_assert_close(b, -1.99, 1e-12);
    }
    assert_int_equal(chiso_plot_fit_line(x1, y1, 2, &a, &b, &r), CHISO_EDOMAIN);
    assert_int_equal(chiso_plot_fit_line(flat, y1, 3, &a, &b, &r),
                     CHISO_EDOMAIN);
    assert_int_equal(chiso_plot_fit_line(x1, flat, 3, &a, &b, &r),
                     CHISO_EDOMAIN);
}

/* ---- honest charts (issue 10 item 7) ------------------------------------ */

/* Is there a shown tick label with exactly this text? */
static int
has_tick(const chiso_plot_axis *ax, const char *text)
{
    size_t i;

    for (i = 0; i < ax->ticks.n; i++) {
        if (!ax->tick_labels[i].hidden &&
            strcmp(ax->tick_labels[i].text, text) == 0) {
            return 1;
        }
    }
    return 0;
}

static void
test_rank_ticks(void **state)
{
    chiso_plot_ticks t;
    const double t63[] = {1, 10, 20, 30, 40, 50, 63};
    const double t34[] = {1, 5, 10, 15, 20, 25, 30, 34};
    size_t i;

    (void)state;
    /* out of 63: 1 at one end, 63 at the other, never 0 or 64; 60 is
     * dropped, too close to 63 for both labels */
    assert_int_equal(chiso_plot_rank_ticks(63, 8, &t), CHISO_OK);
    assert_int_equal(t.n, sizeof(t63) / sizeof(t63[0]));
    for (i = 0; i < t.n; i++) {
        chiso_assert_close(t.v[i], t63[i], 0);
    }
    assert_true(t.lo < 1 && t.hi > 63 && t.hi - 63 <= 0.05 * 63 &&
                1 - t.lo <= 0.05 * 63);
    assert_int_equal(chiso_plot_rank_ticks(34, 8, &t), CHISO_OK);
    assert_int_equal(t.n, sizeof(t34) / sizeof(t34[0]));
    for (i = 0; i < t.n; i++) {
        chiso_assert_close(t.v[i], t34[i], 0);
    }
    /* few ranked: every rank */
    assert_int_equal(chiso_plot_rank_ticks(5, 8, &t), CHISO_OK);
    assert_int_equal(t.n, 5);
    chiso_assert_close(t.v[4], 5, 0);
    assert_int_equal(chiso_plot_rank_ticks(1, 8, &t), CHISO_OK);
    assert_int_equal(t.n, 1);
    assert_int_equal(chiso_plot_rank_ticks(0, 8, &t), CHISO_EDOMAIN);
}

/* Ranks of a province: PAR INDEX out of 63 (2019 derived), SIPAS out of 61
 * in 2015 and 63 after; a PAR INDEX methodology break in 2017. */
static chiso_chart *
rank_chart(void)
{
    chiso_chart *c = NULL;
    const double x1[5] = {2016, 2017, 2018, 2019, 2020};
    const double r1[5] = {44, 40, 31, 25, 5};
    const long of1[5] = {63, 63, 63, 63, 63};
    const unsigned char d1[5] = {0, 0, 0, 1, 0};
    const double x2[4] = {2015, 2016, 2017, 2018};
    const double r2[4] = {50, 41, 35, 29};
    const long of2[4] = {61, 63, 63, 63};

    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    assert_int_equal(
        chiso_chart_add_rank_series(c, "PAR INDEX", x1, r1, of1, d1, 5),
        CHISO_OK);
    assert_int_equal(
        chiso_chart_add_rank_series(c, "SIPAS", x2, r2, of2, NULL, 4),
        CHISO_OK);
    assert_int_equal(chiso_chart_add_series_break(c, "PAR INDEX", 2017,
                                                  "Đổi phương pháp PAR INDEX"),
                     CHISO_OK);
    return c;
}

static void
test_rank_axis(void **state)
{
    chiso_chart *c = rank_chart();
    chiso_plot_model *md = NULL;
    chiso_diag diag;
    const plot_series *par, *sipas;
    size_t i;

    (void)state;
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_plot_layout(&md, c, 1200, 800, &fake, &diag),
                     CHISO_OK);
    /* 1 at the top, 63 (the number ranked) at the bottom */
    assert_int_equal(md->y.inverted, 1);
    assert_int_equal(md->y_broken, 0);
    chiso_assert_close(md->y.ticks.v[0], 1, 0);
    chiso_assert_close(md->y.ticks.v[md->y.ticks.n - 1], 63, 0);
    assert_true(has_tick(&md->y, "1") && has_tick(&md->y, "63"));
    assert_false(has_tick(&md->y, "0") || has_tick(&md->y, "64"));
    assert_true(md->y.tick_labels[0].y <
                md->y.tick_labels[md->y.ticks.n - 1].y);
    for (i = 0; i < md->y.ticks.n; i++) {
        assert_true(md->y.ticks.v[i] >= 1 && md->y.ticks.v[i] <= 63);
    }
    /* the axis title says which way is best when the caller gave none */
    assert_true(strstr(md->y_title.text, "1 = cao nhất") != NULL);
    /* ranks out of 61 and 63: said, and never joined */
    assert_true(strstr(md->note.text, "61, 63") != NULL);
    par = &c->series[0];
    sipas = &c->series[1];
    assert_int_equal(chiso_plot__joined(c, sipas, 1), 0); /* 61 -> 63 */
    assert_int_equal(chiso_plot__joined(c, sipas, 2), 1); /* 63 -> 63 */
    /* the PAR INDEX break cuts PAR INDEX only */
    assert_int_equal(chiso_plot__joined(c, par, 1), 0); /* 2016 -> 2017 */
    assert_int_equal(chiso_plot__joined(c, sipas, 2), 1);
    assert_int_equal(chiso_plot__joined(c, par, 2), 1);
    /* the derived rank has a legend entry */
    assert_int_equal(md->legend.n, 3);
    assert_true(strstr(md->legend.items[2].text, "không phải công bố") != NULL);
    chiso_plot_model_free(md);
    chiso_chart_free(c);
}

static void
test_rank_series_checks(void **state)
{
    chiso_chart *c = NULL;
    const double x[2] = {2022, 2023}, ok[2] = {31, 29}, zero[2] = {0, 3};
    const double over[2] = {64, 3}, half[2] = {2.5, 3}, gap[2] = {NAN, 3};
    const long of[2] = {63, 63};

    (void)state;
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    assert_int_equal(chiso_chart_add_rank_series(c, "A", x, zero, of, NULL, 2),
                     CHISO_EINVAL);
    assert_int_equal(chiso_chart_add_rank_series(c, "A", x, over, of, NULL, 2),
                     CHISO_EINVAL);
    assert_int_equal(chiso_chart_add_rank_series(c, "A", x, half, of, NULL, 2),
                     CHISO_EINVAL);
    assert_int_equal(chiso_chart_add_rank_series(c, "A", x, ok, NULL, NULL, 2),
                     CHISO_EINVAL);
    assert_int_equal(chiso_chart_add_rank_series(c, "A", x, gap, of, NULL, 2),
                     CHISO_OK);
    /* ranks and values never share an axis */
    assert_int_equal(chiso_chart_add_series(c, "B", x, ok, NULL, NULL, 2),
                     CHISO_EINVAL);
    chiso_chart_free(c);
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    assert_int_equal(chiso_chart_add_series(c, "B", x, ok, NULL, NULL, 2),
                     CHISO_OK);
    assert_int_equal(chiso_chart_add_rank_series(c, "A", x, ok, of, NULL, 2),
                     CHISO_EINVAL);
    chiso_chart_free(c);
}

/* One point at 2023: one tick, 2023; never "2000" (issue 10). Two ranks
 * out of 63 two places apart fill a small part of the height. */
static void
test_one_and_two_points(void **state)
{
    chiso_chart *c = NULL;
    chiso_plot_model *md = NULL;
    chiso_diag diag;
    const double x1[1] = {2023}, y1[1] = {85.5};
    const double x2[2] = {2022, 2023}, r2[2] = {31, 29}, v2[2] = {85.2, 85.6};
    const long of[2] = {63, 63};
    double d_px;

    (void)state;
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    assert_int_equal(chiso_chart_add_series(c, "A", x1, y1, NULL, NULL, 1),
                     CHISO_OK);
    assert_int_equal(chiso_plot_layout(&md, c, 800, 500, &fake, &diag),
                     CHISO_OK);
    assert_int_equal(md->x.ticks.n, 1);
    assert_string_equal(md->x.tick_labels[0].text, "2023");
    assert_int_equal(md->x.tick_labels[0].hidden, 0);
    assert_true(md->x.ticks.lo < 2023 && md->x.ticks.hi > 2023);
    /* the value gets a range around it, not a zero-height axis */
    assert_true(md->y.ticks.lo < 85.5 && md->y.ticks.hi > 85.5);
    chiso_plot_model_free(md);
    chiso_chart_free(c);

    /* two years: exactly those two ticks, integer years only */
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    assert_int_equal(chiso_chart_add_rank_series(c, "A", x2, r2, of, NULL, 2),
                     CHISO_OK);
    assert_int_equal(chiso_plot_layout(&md, c, 800, 500, &fake, &diag),
                     CHISO_OK);
    assert_int_equal(md->x.ticks.n, 2);
    assert_string_equal(md->x.tick_labels[0].text, "2022");
    assert_string_equal(md->x.tick_labels[1].text, "2023");
    /* 31 -> 29 out of 63 moves 2/63.5 of the height, not all of it */
    d_px = fabs(md->y.ticks.hi - md->y.ticks.lo);
    assert_true(2 / d_px < 0.05);
    chiso_plot_model_free(md);
    chiso_chart_free(c);

    /* two values 85.2 -> 85.6: the axis spans at least 10 % of 85.6 */
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    assert_int_equal(chiso_chart_add_series(c, "A", x2, v2, NULL, NULL, 2),
                     CHISO_OK);
    assert_int_equal(chiso_plot_layout(&md, c, 800, 500, &fake, &diag),
                     CHISO_OK);
    assert_true(md->y.ticks.hi - md->y.ticks.lo >= 0.1 * 85.6 - 1e-9);
    assert_true(md->y.ticks.lo <= 85.2 && md->y.ticks.hi >= 85.6);
    chiso_plot_model_free(md);
    chiso_chart_free(c);
}

/* Peer bars carry the published rank or none: never their position. */
static void
test_ranked_bars(void **state)
{
    chiso_chart *c = NULL;
    chiso_plot_model *md = NULL;
    chiso_diag diag;
    size_t i;

    (void)state;
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_BARS), CHISO_OK);
    assert_int_equal(
        chiso_chart_add_ranked_bar(c, "Quảng Ninh", 92.18, NULL, 1, 63),
        CHISO_OK);
    assert_int_equal(
        chiso_chart_add_ranked_bar(c, "Nam Định", 85.1, NULL, 29, 63),
        CHISO_OK);
    assert_int_equal(chiso_chart_add_bar(c, "Hưng Yên", 84.9, NULL), CHISO_OK);
    assert_int_equal(chiso_chart_add_ranked_bar(c, "X", 80, NULL, 64, 63),
                     CHISO_EINVAL);
    assert_int_equal(chiso_chart_add_ranked_bar(c, "X", 80, NULL, 3, 0),
                     CHISO_EINVAL);
    assert_int_equal(chiso_plot_layout(&md, c, 1200, 800, &fake, &diag),
                     CHISO_OK);
    assert_string_equal(md->cats[0].text, "Quảng Ninh (1/63)");
    assert_string_equal(md->cats[1].text, "Nam Định (29/63)");
    assert_string_equal(md->cats[2].text, "Hưng Yên");
    for (i = 0; i < md->n_cats; i++) {
        assert_true(strstr(md->cats[i].text, ". ") == NULL);
    }
    assert_true(strstr(md->note.text, "thứ hạng công bố") != NULL);
    chiso_plot_model_free(md);
    chiso_chart_free(c);
}

/* The chart and a sentence about it write a value the same way. */
static void
test_value_decimals(void **state)
{
    chiso_chart *c = NULL;
    char buf[64];

    (void)state;
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_BARS), CHISO_OK);
    assert_int_equal(chiso_chart_add_bar(c, "A", 91.8, NULL), CHISO_OK);
    assert_int_equal(chiso_chart_add_bar(c, "B", 90, NULL), CHISO_OK);
    /* from the data: one decimal, the Vietnamese comma */
    chiso_chart_format_value(c, 90, buf, sizeof(buf));
    assert_string_equal(buf, "90,0");
    assert_int_equal(chiso_chart_set_decimals(c, 2), CHISO_OK);
    chiso_chart_format_value(c, 91.8, buf, sizeof(buf));
    assert_string_equal(buf, "91,80");
    chiso_chart_set_lang(c, CHISO_PLOT_LANG_EN);
    chiso_chart_format_value(c, 91.8, buf, sizeof(buf));
    assert_string_equal(buf, "91.80");
    assert_int_equal(chiso_chart_set_decimals(c, 7), CHISO_EINVAL);
    assert_int_equal(chiso_chart_set_decimals(c, -1), CHISO_OK);
    chiso_chart_format_value(c, 91.8, buf, sizeof(buf));
    assert_string_equal(buf, "91.8");
    chiso_chart_free(c);
    /* rounded as the report's sentences round (half away from zero on the
     * decimal as written): printf would give 2,67 and 0,12 */
    chiso_plot_format_number(2.675, 2, CHISO_PLOT_NUM_VI, buf, sizeof(buf));
    assert_string_equal(buf, "2,68");
    chiso_plot_format_number(0.125, 2, CHISO_PLOT_NUM_VI, buf, sizeof(buf));
    assert_string_equal(buf, "0,13");
    chiso_plot_format_number(-2.675, 2, CHISO_PLOT_NUM_VI, buf, sizeof(buf));
    assert_string_equal(buf, "−2,68");
}

/* The chart's separator, not the process locale's: under a comma-decimal
 * LC_NUMERIC printf writes "85,5", and the chart still writes what its
 * number format says. Skipped where no such locale is installed. */
static void
test_format_any_locale(void **state)
{
    static const char *const names[] = {"vi_VN.UTF-8", "vi_VN.utf8",
                                        "de_DE.UTF-8", "de_DE.utf8",
                                        "fr_FR.UTF-8"};
    char buf[64];
    size_t i;
    int set = 0;

    (void)state;
    for (i = 0; i < sizeof(names) / sizeof(names[0]) && !set; i++) {
        set = setlocale(LC_NUMERIC, names[i]) != NULL;
    }
    if (!set) {
        skip();
    }
    chiso_plot_format_number(12345.678, 2, CHISO_PLOT_NUM_EN, buf, sizeof(buf));
    assert_string_equal(buf, "12,345.68");
    chiso_plot_format_number(85.5, 1, CHISO_PLOT_NUM_VI, buf, sizeof(buf));
    assert_string_equal(buf, "85,5");
    chiso_plot_format_number(1.5e20, 2, CHISO_PLOT_NUM_EN, buf, sizeof(buf));
    assert_string_equal(buf, "1.5×10²⁰");
    setlocale(LC_NUMERIC, "C");
}

/* Labels follow the chart's language through the catalogue. */
static void
test_labels_language(void **state)
{
    chiso_chart *c = rank_chart();
    chiso_plot_model *md = NULL;
    chiso_diag diag;

    (void)state;
    chiso_diag_clear(&diag);
    chiso_chart_set_lang(c, CHISO_PLOT_LANG_EN);
    assert_int_equal(chiso_plot_layout(&md, c, 1200, 800, &fake, &diag),
                     CHISO_OK);
    assert_string_equal(md->y_title.text, "Rank (1 = best)");
    assert_true(strstr(md->note.text, "different totals (61, 63)") != NULL);
    chiso_plot_model_free(md);
    chiso_chart_free(c);
}

/* Many labelled points are placed without comparing each with all. */
static void
test_place_many_labels(void **state)
{
    size_t n = 20000, i;
    double *px = malloc(n * sizeof(double)), *py = malloc(n * sizeof(double));
    double *w = malloc(n * sizeof(double)), *h = malloc(n * sizeof(double));
    double *lx = malloc(n * sizeof(double)), *ly = malloc(n * sizeof(double));
    unsigned char *hide = malloc(n);
    double bounds[4] = {0, 0, 1000, 700};
    size_t shown = 0, j;

    (void)state;
    assert_non_null(hide);
    for (i = 0; i < n; i++) {
        px[i] = (double)((i * 7919) % 1000);
        py[i] = (double)((i * 104729) % 700);
        w[i] = i % 3 ? 0 : 30; /* two in three unlabelled */
        h[i] = i % 3 ? 0 : 10;
    }
    assert_int_equal(chiso_plot_place_point_labels(px, py, w, h, NULL, n, 3,
                                                   bounds, lx, ly, hide),
                     CHISO_OK);
    /* no two shown labels overlap; none covers a point */
    for (i = 0; i < n; i++) {
        if (hide[i]) {
            continue;
        }
        shown++;
        assert_true(w[i] > 0);
        for (j = 0; j < n; j++) {
            assert_false(px[j] - 3 < lx[i] + w[i] && lx[i] < px[j] + 3 &&
                         py[j] - 3 < ly[i] + h[i] && ly[i] < py[j] + 3);
        }
    }
    assert_true(shown < n / 3);
    free(px);
    free(py);
    free(w);
    free(h);
    free(lx);
    free(ly);
    free(hide);
}

/* ---- whole charts --------------------------------------------------- */

static chiso_chart *
trend_chart(double base)
{
    chiso_chart *c = NULL;
    double x[8], y[8], y2[8];
    int i;

    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    for (i = 0; i < 8; i++) {
        x[i] = 2017 + i;
        y[i] = base + i * 2.5;
        y2[i] = base + 3 + i;
    }
    y2[3] = NAN; /* a gap */
    assert_int_equal(chiso_chart_add_series(c, "Hưng Yên", x, y, NULL, NULL, 8),
                     CHISO_OK);
    assert_int_equal(chiso_chart_add_series(c, "Cả nước", x, y2, NULL, NULL, 8),
                     CHISO_OK);
    assert_int_equal(chiso_chart_add_break(c, 2022, "Đổi phương pháp"),
                     CHISO_OK);
    chiso_chart_set_text(c, CHISO_PLOT_TITLE, "Chỉ số SIPAS");
    chiso_chart_set_text(c, CHISO_PLOT_SOURCE, "Bộ Nội vụ");
    return c;
}

static void
test_layout_trend(void **state)
{
    chiso_chart *c = trend_chart(70);
    chiso_plot_model *md = NULL;
    chiso_diag diag;
    size_t i;

    (void)state;
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_plot_layout(&md, c, 1200, 800, &fake, &diag),
                     CHISO_OK);
    /* data 70..90 is far from zero: broken axis, said in a note */
    assert_int_equal(md->y.starts_at_zero, 0);
    assert_int_equal(md->y_broken, 1);
    assert_true(strstr(md->note.text, "không bắt đầu từ 0") != NULL);
    assert_true(strstr(md->footer.text, "Nguồn: Bộ Nội vụ") != NULL);
    /* years: whole ticks 2017..2024, no grouping */
    assert_int_equal(md->x.integers, 1);
    assert_int_equal(md->x.ticks.n, 8);
    assert_string_equal(md->x.tick_labels[0].text, "2017");
    /* the break rule sits halfway between 2021 and 2022 */
    assert_int_equal(md->n_marks, 1);
    chiso_assert_close(md->mark_x[0], 2021.5, 1e-12);
    assert_string_equal(md->marks[0].text, "Đổi phương pháp");
    assert_int_equal(md->marks[0].hidden, 0);
    /* the break label sits above the data area */
    assert_true(md->marks[0].y + md->marks[0].h <= md->plot.y);
    /* legend: two series in one row */
    assert_int_equal(md->legend.n, 2);
    assert_int_equal(md->legend.rows, 1);
    /* stacking order top to bottom, nothing overlapping */
    assert_true(md->title.y + md->title.h <= md->plot.y);
    assert_true(md->plot.y + md->plot.h <= md->legend.y);
    assert_true(md->legend.y + md->legend.h <= md->note.y);
    assert_true(md->note.y + md->note.h <= md->footer.y);
    assert_true(md->footer.y + md->footer.h <= 800);
    for (i = 1; i < md->y.ticks.n; i++) {
        const chiso_plot_label *a = &md->y.tick_labels[i - 1];
        const chiso_plot_label *b = &md->y.tick_labels[i];
        assert_true(b->hidden || a->hidden || b->y + b->h <= a->y ||
                    a->y + a->h <= b->y);
    }
    chiso_plot_model_free(md);
    chiso_chart_free(c);
    /* data 5..22.5 is close enough to zero (5 <= 0.3 x 22.5): the axis
     * starts there */
    c = trend_chart(5);
    assert_int_equal(chiso_plot_layout(&md, c, 1200, 800, &fake, &diag),
                     CHISO_OK);
    assert_int_equal(md->y.starts_at_zero, 1);
    assert_int_equal(md->y_broken, 0);
    chiso_assert_close(md->y.ticks.lo, 0, 0);
    assert_string_equal(md->note.text, "");
    chiso_plot_model_free(md);
    chiso_chart_free(c);
}

static void
test_layout_bars(void **state)
{
    chiso_chart *c = NULL;
    chiso_plot_model *md = NULL;
    chiso_diag diag;
    char name[300];
    size_t i, j;

    (void)state;
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_BARS), CHISO_OK);
    assert_int_equal(chiso_chart_add_bar(c, "B", 90, NULL), CHISO_OK);
    assert_int_equal(chiso_chart_add_bar(c, "A", 95, NULL), CHISO_OK);
    assert_int_equal(chiso_chart_add_bar(c, "C", 90, NULL), CHISO_OK);
    assert_int_equal(chiso_plot_layout(&md, c, 800, 500, &fake, &diag),
                     CHISO_OK);
    /* values 90..95, yet the value axis starts at zero */
    assert_int_equal(md->x.starts_at_zero, 1);
    chiso_assert_close(md->x.ticks.v[0], 0, 0);
    /* sorted largest first; a bar's position is never written as a rank
     * (issue 10: "5. Nam Định" while its published rank is 29/63) */
    assert_int_equal(md->order[0], 1);
    assert_int_equal(md->order[1], 0);
    assert_int_equal(md->order[2], 2);
    assert_string_equal(md->cats[0].text, "A");
    assert_string_equal(md->cats[1].text, "B");
    assert_string_equal(md->cats[2].text, "C");
    chiso_plot_model_free(md);
    chiso_chart_free(c);

    /* 200 bars with long names: labels cut, none overlapping */
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_BARS), CHISO_OK);
    for (i = 0; i < 200; i++) {
        snprintf(name, sizeof(name),
                 "Ủy ban nhân dân xã số %zu thuộc huyện miền núi rất xa, "
                 "tên dài hơn nhiều so với chỗ dành cho nhãn trên biểu đồ "
                 "này nên phải cắt bớt",
                 i);
        assert_int_equal(chiso_chart_add_bar(c, name, (double)i * 0.37, NULL),
                         CHISO_OK);
    }
    assert_int_equal(chiso_plot_layout(&md, c, 800, 600, &fake, &diag),
                     CHISO_OK);
    assert_int_equal(md->n_cats, 200);
    for (i = 0; i < 200; i++) {
        assert_true(md->cats[i].w <= 800 * 0.3);
        assert_int_equal(md->cats[i].truncated, 1);
    }
    for (i = 0; i < 200; i++) {
        for (j = i + 1; j < 200; j++) {
            const chiso_plot_label *a = &md->cats[i], *b = &md->cats[j];
            if (a->hidden || b->hidden) {
                continue;
            }
            assert_true(a->y + a->h <= b->y + 1e-9 ||
                        b->y + b->h <= a->y + 1e-9);
        }
    }
    chiso_plot_model_free(md);
    chiso_chart_free(c);
}

static void
test_layout_errors(void **state)
{
    chiso_chart *c = NULL;
    chiso_plot_model *md = NULL;
    chiso_diag diag;

    (void)state;
    /* a waterfall losing more than its maximum */
    chiso_diag_clear(&diag);
    diag.lang = CHISO_LANG_EN; /* the messages below are the msgids */
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_WATERFALL), CHISO_OK);
    assert_int_equal(chiso_chart_add_step(c, "Lĩnh vực 1", 7), CHISO_OK);
    assert_int_equal(chiso_chart_add_step(c, "Lĩnh vực 2", 5), CHISO_OK);
    assert_int_equal(chiso_chart_set_max(c, 10), CHISO_OK);
    assert_int_equal(chiso_plot_layout(&md, c, 800, 500, &fake, &diag),
                     CHISO_EDATA);
    assert_null(md);
    assert_true(strstr(diag.message, "exceed the maximum") != NULL);
    chiso_chart_free(c);
    /* a radar with two axes */
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_RADAR), CHISO_OK);
    assert_int_equal(chiso_chart_add_radar(c, NULL, "A", 1, 2), CHISO_OK);
    assert_int_equal(chiso_chart_add_radar(c, NULL, "B", 1, 2), CHISO_OK);
    assert_int_equal(chiso_plot_layout(&md, c, 800, 500, &fake, &diag),
                     CHISO_EDATA);
    assert_true(strstr(diag.message, "at least 3 axes") != NULL);
    /* builder refusals */
    assert_int_equal(chiso_chart_add_radar(c, NULL, "C", 3, 2), CHISO_EINVAL);
    assert_int_equal(chiso_chart_add_bar(c, "x", 1, NULL), CHISO_EINVAL);
    chiso_chart_free(c);
    /* an empty chart and an impossible size */
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_SCATTER), CHISO_OK);
    assert_int_equal(chiso_plot_layout(&md, c, 800, 500, &fake, &diag),
                     CHISO_EDATA);
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_plot_layout(&md, c, 100, 500, &fake, &diag),
                     CHISO_EINVAL);
    chiso_chart_free(c);
    /* x not increasing, band not around y */
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    {
        double x[3] = {1, 3, 2}, y[3] = {1, 2, 3}, lo[3] = {0, 3, 2},
               hi[3] = {2, 4, 4}, xs[3] = {1, 2, 3};
        assert_int_equal(chiso_chart_add_series(c, "s", x, y, NULL, NULL, 3),
                         CHISO_EINVAL);
        assert_int_equal(chiso_chart_add_series(c, "s", xs, y, lo, hi, 3),
                         CHISO_EINVAL);
    }
    chiso_chart_free(c);
}

static void
test_layout_other_kinds(void **state)
{
    chiso_chart *c = NULL;
    chiso_plot_model *md = NULL;
    chiso_diag diag;
    size_t i, j;
    double x[5] = {2020, 2021, 2022, 2023, 2024}, y[5] = {1, 2, 3, 4, 5};
    char name[32];

    (void)state;
    chiso_diag_clear(&diag);
    /* small multiples: 7 panels, none overlapping, same size */
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_SMALL_MULTIPLES), CHISO_OK);
    for (i = 0; i < 7; i++) {
        snprintf(name, sizeof(name), "Đơn vị %zu", i);
        assert_int_equal(chiso_chart_add_series(c, name, x, y, NULL, NULL, 5),
                         CHISO_OK);
    }
    assert_int_equal(chiso_plot_layout(&md, c, 1200, 800, &fake, &diag),
                     CHISO_OK);
    assert_int_equal(md->n_panels, 7);
    assert_true(md->panel_cols * md->panel_rows >= 7);
    for (i = 0; i < 7; i++) {
        for (j = i + 1; j < 7; j++) {
            const chiso_plot_rect *a = &md->panels[i], *b = &md->panels[j];
            assert_true(a->x + a->w <= b->x || b->x + b->w <= a->x ||
                        a->y + a->h <= b->y || b->y + b->h <= a->y);
            chiso_assert_close(a->w, b->w, 1e-9);
        }
    }
    /* 1..5 is close to zero: shared axis from 0 */
    assert_int_equal(md->y.starts_at_zero, 1);
    chiso_plot_model_free(md);
    chiso_chart_free(c);
    /* scatter: fit computed in the model */
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_SCATTER), CHISO_OK);
    for (i = 0; i < 5; i++) {
        static const double yy[5] = {2.1, 3.9, 6.2, 7.8, 10.1};
        assert_int_equal(chiso_chart_add_point(c, (double)i + 1, yy[i], "đv"),
                         CHISO_OK);
    }
    assert_int_equal(chiso_plot_layout(&md, c, 800, 600, &fake, &diag),
                     CHISO_OK);
    assert_int_equal(md->has_fit, 1);
    chiso_assert_close(md->fit_b, 1.99, 1e-12);
    assert_true(strstr(md->legend.items[1].text, "r = 1,00") != NULL);
    chiso_plot_model_free(md);
    chiso_chart_free(c);
    /* rank intervals: sorted by median; rank axis starts at rank 1 */
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_RANK_INTERVAL), CHISO_OK);
    assert_int_equal(chiso_chart_add_interval(c, "B", 2, 3, 1, 6), CHISO_OK);
    assert_int_equal(chiso_chart_add_interval(c, "A", 1, 1, 1, 2), CHISO_OK);
    assert_int_equal(chiso_chart_add_interval(c, "C", 3, 2, 1, 4), CHISO_OK);
    assert_int_equal(chiso_chart_add_interval(c, "D", 3, 4, 5, 6),
                     CHISO_EINVAL); /* median below p5 */
    assert_int_equal(chiso_plot_layout(&md, c, 800, 600, &fake, &diag),
                     CHISO_OK);
    assert_int_equal(md->order[0], 1);
    assert_int_equal(md->order[1], 2);
    assert_int_equal(md->order[2], 0);
    chiso_assert_close(md->x.ticks.v[0], 1, 0);
    chiso_plot_model_free(md);
    chiso_chart_free(c);
    /* heatmap: a missing cell is noted */
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_HEATMAP), CHISO_OK);
    assert_int_equal(chiso_chart_add_cell(c, "r1", "c1", 1), CHISO_OK);
    assert_int_equal(chiso_chart_add_cell(c, "r2", "c2", 3), CHISO_OK);
    assert_int_equal(chiso_chart_add_cell(c, "r1", "c1", 2), CHISO_EINVAL);
    assert_int_equal(chiso_plot_layout(&md, c, 800, 600, &fake, &diag),
                     CHISO_OK);
    assert_int_equal(md->has_missing, 1);
    assert_int_equal(md->n_cols, 2);
    assert_true(strstr(md->note.text, "không có số liệu") != NULL);
    chiso_plot_model_free(md);
    chiso_chart_free(c);
}

static void
test_layout_no_overlaps(void **state)
{
    chiso_chart *c = trend_chart(70);
    chiso_plot_model *md = NULL;
    chiso_diag diag;
    size_t i, j;
    static const char *const axes[6] = {
        "Công tác chỉ đạo, điều hành cải cách hành chính",
        "Cải cách thể chế",
        "Cải cách thủ tục hành chính",
        "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
        "Cải cách tài chính công",
        "Tác động của cải cách hành chính đến người dân, tổ chức"};

    (void)state;
    chiso_diag_clear(&diag);
    /* two more breaks right next to the first, with long labels: visible
     * break labels never overlap and stay inside the canvas */
    assert_int_equal(chiso_chart_add_break(c, 2023,
                                           "Sáp nhập tỉnh, thay đổi phạm vi "
                                           "đánh giá"),
                     CHISO_OK);
    assert_int_equal(chiso_chart_add_break(c, 2024, "Khung mới"), CHISO_OK);
    assert_int_equal(chiso_plot_layout(&md, c, 900, 600, &fake, &diag),
                     CHISO_OK);
    assert_int_equal(md->n_marks, 3);
    for (i = 0; i < md->n_marks; i++) {
        const chiso_plot_label *a = &md->marks[i];
        if (a->hidden) {
            continue;
        }
        assert_true(a->x >= 0 && a->x + a->w <= 900);
        for (j = i + 1; j < md->n_marks; j++) {
            const chiso_plot_label *b = &md->marks[j];
            if (!b->hidden) {
                assert_true(a->x + a->w <= b->x || b->x + b->w <= a->x);
            }
        }
    }
    chiso_plot_model_free(md);
    chiso_chart_free(c);
    /* radar axis labels: inside the canvas, clear of each other */
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_RADAR), CHISO_OK);
    for (i = 0; i < 6; i++) {
        assert_int_equal(chiso_chart_add_radar(c, NULL, axes[i], 7.5, 10),
                         CHISO_OK);
    }
    assert_int_equal(chiso_plot_layout(&md, c, 800, 500, &fake, &diag),
                     CHISO_OK);
    for (i = 0; i < md->n_cats; i++) {
        const chiso_plot_label *a = &md->cats[i];
        assert_true(a->x >= 0 && a->x + a->w <= 800);
        assert_true(a->y >= 0 && a->y + a->h <= 500);
        /* "75,0%" on its own last line */
        assert_non_null(strstr(a->text, "\n75,0%"));
        for (j = i + 1; j < md->n_cats; j++) {
            const chiso_plot_label *b = &md->cats[j];
            assert_true(a->x + a->w <= b->x || b->x + b->w <= a->x ||
                        a->y + a->h <= b->y || b->y + b->h <= a->y);
        }
    }
    chiso_plot_model_free(md);
    chiso_chart_free(c);
}

static void
test_kind_and_format_names(void **state)
{
    chiso_plot_kind k;
    chiso_plot_format f;
    int i;

    (void)state;
    for (i = 0; i < CHISO_PLOT_N_KINDS; i++) {
        assert_int_equal(
            chiso_plot_kind_parse(chiso_plot_kind_name((chiso_plot_kind)i), &k),
            0);
        assert_int_equal(k, i);
    }
    assert_int_equal(chiso_plot_kind_parse("pie", &k), -1);
    assert_int_equal(chiso_plot_format_from_path("a/b.PNG", &f), 0);
    assert_int_equal(f, CHISO_PLOT_PNG);
    assert_int_equal(chiso_plot_format_from_path("b.svg", &f), 0);
    assert_int_equal(f, CHISO_PLOT_SVG);
    assert_int_equal(chiso_plot_format_from_path("b.pdf", &f), 0);
    assert_int_equal(f, CHISO_PLOT_PDF);
    assert_int_equal(chiso_plot_format_from_path("b.jpg", &f), -1);
    assert_int_equal(chiso_plot_format_from_path("dir.png/b", &f), -1);
    assert_int_equal(chiso_plot_format_from_path("png", &f), -1);
}

/* ---- caller-given x tick labels (periods) ---------------------------- */

/* The visible x tick labels of a model: none overlaps the next (with at
 * least `gap` between them); returns how many are visible. */
static size_t
visible_x_labels(const chiso_plot_model *md, double gap)
{
    size_t i, n = 0;
    double right = -1e9;

    for (i = 0; i < md->x.ticks.n; i++) {
        const chiso_plot_label *t = &md->x.tick_labels[i];
        if (t->hidden) {
            continue;
        }
        assert_true(t->x >= right + gap - 1e-9);
        right = t->x + t->w;
        n++;
    }
    return n;
}

static void
test_x_tick_labels(void **state)
{
    static const char *const per[5] = {"2022-H2", "2023-H1", "2023-H2",
                                       "2024-H1", "2024-H2"};
    double x[5] = {2022.75, 2023.25, 2023.75, 2024.25, 2024.75};
    double y[5] = {76.5, 79.6, 79.1, 80.8, 76.9};
    double xq[40], yq[40];
    char names[40][16];
    const char *lq[40];
    chiso_chart *c = NULL;
    chiso_plot_model *md = NULL;
    chiso_diag diag;
    size_t i, n;

    (void)state;
    chiso_diag_clear(&diag);
    /* five semesters: one tick each, labelled with the periods, none of
     * them a number ("2023,25") */
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    assert_int_equal(chiso_chart_add_series(c, "Chỉ số", x, y, NULL, NULL, 5),
                     CHISO_OK);
    assert_int_equal(chiso_chart_set_x_tick_labels(c, x, per, 5), CHISO_OK);
    assert_string_equal(chiso_chart_x_tick_label(c, 2023.75), "2023-H2");
    assert_null(chiso_chart_x_tick_label(c, 2023.5));
    assert_int_equal(chiso_chart_add_break(c, 2023.75, "đổi bộ tiêu chí"),
                     CHISO_OK);
    assert_int_equal(chiso_plot_layout(&md, c, 1200, 800, &fake, &diag),
                     CHISO_OK);
    assert_true(md->x.caller_labels);
    assert_int_equal(md->x.ticks.n, 5);
    for (i = 0; i < 5; i++) {
        assert_true(fabs(md->x.ticks.v[i] - x[i]) < 1e-12);
        assert_string_equal(md->x.tick_labels[i].text, per[i]);
        assert_false(md->x.tick_labels[i].hidden);
    }
    /* the axis spans the periods with half a semester each side */
    assert_true(fabs(md->x.ticks.lo - 2022.5) < 1e-9);
    assert_true(fabs(md->x.ticks.hi - 2025.0) < 1e-9);
    assert_int_equal(visible_x_labels(md, 0), 5);
    chiso_plot_model_free(md);
    md = NULL;
    /* n = 0 clears: numbers again */
    assert_int_equal(chiso_chart_set_x_tick_labels(c, NULL, NULL, 0), CHISO_OK);
    assert_int_equal(chiso_plot_layout(&md, c, 1200, 800, &fake, &diag),
                     CHISO_OK);
    assert_false(md->x.caller_labels);
    assert_non_null(strchr(md->x.tick_labels[0].text, ','));
    chiso_plot_model_free(md);
    md = NULL;
    /* bad calls */
    {
        double xb[2] = {2024.25, 2024.25};
        const char *lb[2] = {"2024-H1", NULL};
        assert_int_equal(chiso_chart_set_x_tick_labels(c, xb, per, 2),
                         CHISO_EINVAL);
        xb[1] = 2024.75;
        assert_int_equal(chiso_chart_set_x_tick_labels(c, xb, lb, 2),
                         CHISO_EINVAL);
        lb[1] = "\xC3";
        assert_int_equal(chiso_chart_set_x_tick_labels(c, xb, lb, 2),
                         CHISO_EINVAL);
    }
    chiso_chart_free(c);
    c = NULL;
    {
        chiso_chart *b = NULL;
        assert_int_equal(chiso_chart_new(&b, CHISO_PLOT_BARS), CHISO_OK);
        assert_int_equal(chiso_chart_set_x_tick_labels(b, x, per, 5),
                         CHISO_EINVAL);
        chiso_chart_free(b);
    }

    /* forty quarters 2015-Q1..2024-Q4 on a narrow chart: at most
     * CHISO_PLOT_MAX_TICKS ticks, the last period always labelled, the
     * visible labels thinned so that none overlaps */
    for (i = 0; i < 40; i++) {
        snprintf(names[i], sizeof(names[i]), "%zu-Q%zu", 2015 + i / 4,
                 i % 4 + 1);
        lq[i] = names[i];
        xq[i] = 2015.0 + (double)(i / 4) + ((double)(i % 4) + 0.5) / 4;
        yq[i] = 70 + (double)(i % 7);
    }
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    assert_int_equal(chiso_chart_add_series(c, "x", xq, yq, NULL, NULL, 40),
                     CHISO_OK);
    assert_int_equal(chiso_chart_set_x_tick_labels(c, xq, lq, 40), CHISO_OK);
    assert_int_equal(chiso_plot_layout(&md, c, 600, 400, &fake, &diag),
                     CHISO_OK);
    n = md->x.ticks.n;
    assert_true(n <= CHISO_PLOT_MAX_TICKS && n >= 20);
    assert_string_equal(md->x.tick_labels[n - 1].text, "2024-Q4");
    assert_false(md->x.tick_labels[n - 1].hidden);
    i = visible_x_labels(md, md->font_size * 0.5);
    assert_true(i >= 2 && i < n);
    /* every tick is one of the periods, at its own x */
    for (i = 0; i < n; i++) {
        const char *t = chiso_chart_x_tick_label(c, md->x.ticks.v[i]);
        assert_non_null(t);
        assert_string_equal(md->x.tick_labels[i].text, t);
    }
    chiso_plot_model_free(md);
    md = NULL;
    chiso_chart_free(c);

    /* small multiples: the break note names the period, not 2023,75 */
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_SMALL_MULTIPLES), CHISO_OK);
    assert_int_equal(
        chiso_chart_add_series(c, "1. Chỉ đạo", x, y, NULL, NULL, 5), CHISO_OK);
    assert_int_equal(
        chiso_chart_add_series(c, "2. Thể chế", x, y, NULL, NULL, 5), CHISO_OK);
    assert_int_equal(chiso_chart_set_x_tick_labels(c, x, per, 5), CHISO_OK);
    assert_int_equal(chiso_chart_add_break(c, 2023.75, "đổi bộ tiêu chí"),
                     CHISO_OK);
    assert_int_equal(chiso_plot_layout(&md, c, 1200, 800, &fake, &diag),
                     CHISO_OK);
    assert_non_null(strstr(md->note.text, "2023-H2"));
    assert_null(strstr(md->note.text, "2023,75"));
    for (i = 0; i < 5; i++) {
        assert_string_equal(md->x.tick_labels[i].text, per[i]);
    }
    /* the last label stays inside the canvas */
    {
        const chiso_plot_label *t = &md->x.tick_labels[4];
        const chiso_plot_rect *p = &md->panels[md->panel_cols - 1];
        double cx = p->x + (x[4] - md->x.ticks.lo) /
                               (md->x.ticks.hi - md->x.ticks.lo) * p->w;
        assert_true(cx + t->w / 2 <= md->width);
    }
    chiso_plot_model_free(md);
    chiso_chart_free(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticks_basic),
        cmocka_unit_test(test_ticks_negative),
        cmocka_unit_test(test_ticks_zero_width),
        cmocka_unit_test(test_ticks_huge_and_tiny),
        cmocka_unit_test(test_ticks_integers),
        cmocka_unit_test(test_ticks_many_ranges),
        cmocka_unit_test(test_format_number),
        cmocka_unit_test(test_fit_text_wrap),
        cmocka_unit_test(test_fit_text_long_word),
        cmocka_unit_test(test_fit_text_graphemes),
        cmocka_unit_test(test_legend_layout),
        cmocka_unit_test(test_legend_ellipsis),
        cmocka_unit_test(test_thin_labels),
        cmocka_unit_test(test_place_point_labels),
        cmocka_unit_test(test_fit_line),
        cmocka_unit_test(test_layout_trend),
        cmocka_unit_test(test_layout_bars),
        cmocka_unit_test(test_layout_errors),
        cmocka_unit_test(test_layout_other_kinds),
        cmocka_unit_test(test_layout_no_overlaps),
        cmocka_unit_test(test_kind_and_format_names),
        cmocka_unit_test(test_rank_ticks),
        cmocka_unit_test(test_rank_axis),
        cmocka_unit_test(test_rank_series_checks),
        cmocka_unit_test(test_one_and_two_points),
        cmocka_unit_test(test_ranked_bars),
        cmocka_unit_test(test_value_decimals),
        cmocka_unit_test(test_labels_language),
        cmocka_unit_test(test_format_any_locale),
        cmocka_unit_test(test_place_many_labels),
        cmocka_unit_test(test_x_tick_labels),
    };
    return cmocka_run_group_tests_name("plot_model", tests, NULL, NULL);
}

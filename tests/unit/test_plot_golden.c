/*
 * test_plot_golden.c - reference images of every chart kind (CTest label
 * `render`).
 *
 *   test_plot_golden PLOTS_DIR              compare with the references
 *   test_plot_golden PLOTS_DIR --candidates write candidates to review
 *
 * Each case renders a sample from PLOTS_DIR/data at 800 x 533 px and
 * compares it with PLOTS_DIR/ref/<case>.ref.png. A pixel differs when any
 * channel is off by more than PIXEL_TOL; the case fails when more than
 * MAX_DIFF_RATIO of the pixels differ (cairo's own test suite works the
 * same way, because antialiasing changes in the last bits between
 * versions). On failure <case>-out.png (what we drew) and <case>-diff.png
 * (differing pixels in red over a faded copy) are written to the current
 * directory.
 *
 * References are never rewritten by this program. --candidates writes
 * <case>.candidate.png and <case>.candidate-diff.png beside each reference
 * and prints how many pixels moved; a person looks at them and accepts a
 * candidate by renaming it (tests/plots/regen_refs.sh does all of this
 * and prints the commands). Runs with the pinned fonts.conf (DejaVu Sans
 * only).
 */
#include "chiso_plot.h"

#include <cairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PIXEL_TOL      24    /* of 255, per channel */
#define MAX_DIFF_RATIO 0.002 /* 0.2 % of the pixels */
#define GOLDEN_W       800
#define GOLDEN_H       533

typedef struct golden_case {
    const char *name;
    chiso_plot_kind kind;
    const char *csv;
    const char *title;
    /* what a reader must see in it; printed with --candidates */
    const char *check;
} golden_case;

static const golden_case cases[] = {
    {"trend", CHISO_PLOT_TREND, "trend.csv",
     "Chỉ số SIPAS: Hưng Yên so với cả nước (ẩn, ệ, Ưu)",
     "lines cut at the 2022 break (dashed rule, label above), band, axis "
     "break mark and note, Vietnamese diacritics"},
    {"ranks", CHISO_PLOT_TREND, "ranks.csv",
     "Thứ hạng các chỉ số của tỉnh Hưng Yên",
     "rank 1 at the top, 63 at the foot; no line from 61 to 63; hollow "
     "derived ranks with a legend entry; PAR INDEX cut at 2022, PAPI not"},
    {"bars", CHISO_PLOT_BARS, "bars.csv", "PAR INDEX của 63 tỉnh, thành phố",
     "largest first, no position numbers, axis from 0, band Nhóm A"},
    {"bars-ranked", CHISO_PLOT_BARS, "bars-ranked.csv",
     "PAR INDEX 2023: các tỉnh so sánh",
     "labels carry the published rank (Nam Định (29/63)), Hưng Yên none; "
     "values with 2 decimals and a comma"},
    {"radar", CHISO_PLOT_RADAR, "radar.csv", "Điểm theo lĩnh vực (%)",
     "axis labels with one-decimal percentages, rings at 20 %"},
    {"heatmap", CHISO_PLOT_HEATMAP, "heatmap.csv",
     "SIPAS theo yếu tố và đơn vị",
     "values in the cells, colour scale on the right, highlighted row"},
    {"waterfall", CHISO_PLOT_WATERFALL, "waterfall.csv",
     "Điểm bị mất theo lĩnh vực",
     "maximum, losses hanging, achieved; values with the same decimals"},
    {"scatter", CHISO_PLOT_SCATTER, "scatter.csv", "PAR INDEX và SIPAS",
     "fitted line and r in the legend, labels without overlaps"},
    {"rank-interval", CHISO_PLOT_RANK_INTERVAL, "rank.csv",
     "Thứ hạng và khoảng bất định 5–95%",
     "rank 1 on the left, published rank as open diamond"},
    {"small-multiples", CHISO_PLOT_SMALL_MULTIPLES, "multiples.csv",
     "Chỉ số theo đơn vị, 2015–2024",
     "one panel per unit, shared scale, others in grey, break rule"},
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static cairo_surface_t *
render_case(const char *dir, const golden_case *gc)
{
    chiso_chart *c = NULL;
    chiso_diag diag;
    char path[1024];
    cairo_surface_t *s;
    cairo_t *cr;

    chiso_diag_clear(&diag);
    diag.lang = CHISO_LANG_VI;
    snprintf(path, sizeof(path), "%s/data/%s", dir, gc->csv);
    if (chiso_chart_new(&c, gc->kind) != CHISO_OK) {
        return NULL;
    }
    chiso_chart_set_text(c, CHISO_PLOT_TITLE, gc->title);
    chiso_chart_set_text(c, CHISO_PLOT_SOURCE, "Bộ Nội vụ (số liệu minh hoạ)");
    chiso_chart_set_highlight(c, "Hưng Yên");
    if (strcmp(gc->name, "trend") == 0 ||
        gc->kind == CHISO_PLOT_SMALL_MULTIPLES) {
        chiso_chart_add_break(c, 2022, "Đổi phương pháp khảo sát");
    }
    if (strcmp(gc->name, "ranks") == 0) {
        chiso_chart_add_series_break(c, "PAR INDEX", 2022,
                                     "2022: PAR INDEX đổi phương pháp");
    }
    if (gc->kind == CHISO_PLOT_BARS) {
        chiso_chart_add_band(c, 90, 100, "Nhóm A");
    }
    if (chiso_chart_load_csv(c, path, NULL, &diag) != CHISO_OK) {
        fprintf(stderr, "%s: %s\n", path, diag.message);
        chiso_chart_free(c);
        return NULL;
    }
    s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, GOLDEN_W, GOLDEN_H);
    cr = cairo_create(s);
    if (chiso_plot_draw(cr, c, GOLDEN_W, GOLDEN_H, &diag) != CHISO_OK) {
        fprintf(stderr, "%s: %s\n", gc->name, diag.message);
        cairo_destroy(cr);
        cairo_surface_destroy(s);
        chiso_chart_free(c);
        return NULL;
    }
    cairo_destroy(cr);
    chiso_chart_free(c);
    cairo_surface_flush(s);
    return s;
}

/* Compare; returns the number of differing pixels, or -1 on a size
 * mismatch. Fills diff (same size as a) when not NULL. */
static long
compare(cairo_surface_t *a, cairo_surface_t *b, cairo_surface_t *diff)
{
    int w = cairo_image_surface_get_width(a);
    int h = cairo_image_surface_get_height(a);
    int sa = cairo_image_surface_get_stride(a);
    int sb = cairo_image_surface_get_stride(b);
    int sd = diff ? cairo_image_surface_get_stride(diff) : 0;
    const unsigned char *pa = cairo_image_surface_get_data(a);
    const unsigned char *pb = cairo_image_surface_get_data(b);
    unsigned char *pd = diff ? cairo_image_surface_get_data(diff) : NULL;
    long n = 0;
    int x, y, k;

    if (w != cairo_image_surface_get_width(b) ||
        h != cairo_image_surface_get_height(b)) {
        return -1;
    }
    for (y = 0; y < h; y++) {
        const uint32_t *ra = (const uint32_t *)(const void *)(pa + y * sa);
        const uint32_t *rb = (const uint32_t *)(const void *)(pb + y * sb);
        uint32_t *rd = pd ? (uint32_t *)(void *)(pd + y * sd) : NULL;
        for (x = 0; x < w; x++) {
            int bad = 0;
            for (k = 0; k < 24; k += 8) {
                int ca = (int)((ra[x] >> k) & 0xFF);
                int cb = (int)((rb[x] >> k) & 0xFF);
                if (abs(ca - cb) > PIXEL_TOL) {
                    bad = 1;
                }
            }
            n += bad;
            if (rd != NULL) {
                /* faded original, differing pixels red */
                uint32_t g = ((ra[x] & 0xFF) + 3 * 255) / 4;
                rd[x] =
                    bad ? 0xFFFF0000u : (0xFF000000u | g << 16 | g << 8 | g);
            }
        }
    }
    if (diff != NULL) {
        cairo_surface_mark_dirty(diff);
    }
    return n;
}

static int
write_png(cairo_surface_t *s, const char *path)
{
    if (cairo_surface_write_to_png(s, path) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "cannot write %s\n", path);
        return 1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/plots";
    int candidates = argc > 2 && strcmp(argv[2], "--candidates") == 0;
    size_t i;
    int failed = 0;

    if (getenv("UPDATE_GOLDEN") != NULL &&
        strcmp(getenv("UPDATE_GOLDEN"), "1") == 0) {
        /* the other goldens' switch must not rewrite images unseen */
        fprintf(stderr, "test_plot_golden: references are not rewritten by "
                        "UPDATE_GOLDEN; run tests/plots/regen_refs.sh and "
                        "review the candidates\n");
    }
    for (i = 0; i < N_CASES; i++) {
        const golden_case *gc = &cases[i];
        char ref_path[1024], out_path[1200];
        cairo_surface_t *got = render_case(dir, gc), *ref, *diff;
        long n;
        double ratio;
        int have_ref;

        snprintf(ref_path, sizeof(ref_path), "%s/ref/%s.ref.png", dir,
                 gc->name);
        if (got == NULL) {
            failed = 1;
            continue;
        }
        ref = cairo_image_surface_create_from_png(ref_path);
        have_ref = cairo_surface_status(ref) == CAIRO_STATUS_SUCCESS;
        diff =
            cairo_image_surface_create(CAIRO_FORMAT_RGB24, GOLDEN_W, GOLDEN_H);
        n = have_ref ? compare(got, ref, diff) : -1;
        ratio = n < 0 ? 1.0 : (double)n / (GOLDEN_W * GOLDEN_H);
        if (candidates) {
            /* beside the reference, for a person to look at */
            snprintf(out_path, sizeof(out_path), "%s/ref/%s.candidate.png", dir,
                     gc->name);
            failed |= write_png(got, out_path);
            if (have_ref) {
                snprintf(out_path, sizeof(out_path),
                         "%s/ref/%s.candidate-diff.png", dir, gc->name);
                failed |= write_png(diff, out_path);
            }
            printf("%-16s %s: %ld differing pixels (%.4f %%)\n"
                   "                 look for: %s\n",
                   gc->name, have_ref ? "changed" : "NEW (no reference)",
                   n < 0 ? (long)GOLDEN_W * GOLDEN_H : n, 100 * ratio,
                   gc->check);
        } else if (!have_ref) {
            fprintf(stderr,
                    "%s: no reference %s (make one with "
                    "tests/plots/regen_refs.sh)\n",
                    gc->name, ref_path);
            failed = 1;
        } else {
            printf("%-16s %ld differing pixels (%.4f %%, limit %.2f %%)\n",
                   gc->name, n, 100 * ratio, 100 * MAX_DIFF_RATIO);
            if (n < 0 || ratio > MAX_DIFF_RATIO) {
                snprintf(out_path, sizeof(out_path), "%s-out.png", gc->name);
                write_png(got, out_path);
                snprintf(out_path, sizeof(out_path), "%s-diff.png", gc->name);
                write_png(diff, out_path);
                fprintf(stderr,
                        "%s: differs from %s; wrote %s-out.png and "
                        "%s-diff.png\n",
                        gc->name, ref_path, gc->name, gc->name);
                failed = 1;
            }
        }
        cairo_surface_destroy(diff);
        cairo_surface_destroy(ref);
        cairo_surface_destroy(got);
    }
    chiso_plot_release_fonts();
    return failed;
}

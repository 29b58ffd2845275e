/*
 * test_plot_render.c - render smoke tests: every chart kind in every
 * format, through the library API and through the CSV loader, plus the
 * properties the renderer promises: Vietnamese glyphs present in the
 * pinned font, same bytes for the same chart (PNG, SVG, PDF), PDF dates
 * from SOURCE_DATE_EPOCH, atomic writes, CSV errors with positions.
 * Runs with FONTCONFIG_FILE=tests/plots/fonts.conf (set by CTest).
 */
#define _GNU_SOURCE /* memmem, open_memstream */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_plot.h"
#include "helpers.h"
#include "render_int.h" /* chiso_plot__png_write */

#include <cjson/cJSON.h>
#include <math.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const sample_csv[CHISO_PLOT_N_KINDS] = {
    "tests/plots/data/trend.csv",     "tests/plots/data/bars.csv",
    "tests/plots/data/radar.csv",     "tests/plots/data/heatmap.csv",
    "tests/plots/data/waterfall.csv", "tests/plots/data/scatter.csv",
    "tests/plots/data/rank.csv",      "tests/plots/data/multiples.csv"};

static char *
slurp(const char *path, size_t *len)
{
    char *data = NULL;
    chiso_diag d;

    chiso_diag_clear(&d);
    if (chiso_file_read_all(path, &data, len, &d) != CHISO_OK) {
        return NULL;
    }
    return data;
}

static chiso_chart *
load_sample(chiso_plot_kind kind)
{
    chiso_chart *c = NULL;
    chiso_diag diag;
    chiso_status st;

    chiso_diag_clear(&diag);
    assert_int_equal(chiso_chart_new(&c, kind), CHISO_OK);
    chiso_chart_set_text(c, CHISO_PLOT_TITLE,
                         "Biểu đồ kiểm thử: ẩn, ệ, Ưu tiên, Đông Hải");
    chiso_chart_set_text(c, CHISO_PLOT_SUBTITLE, "Phụ đề");
    chiso_chart_set_text(c, CHISO_PLOT_SOURCE, "Sở Nội vụ");
    chiso_chart_set_highlight(c, "Hưng Yên");
    if (kind == CHISO_PLOT_TREND || kind == CHISO_PLOT_SMALL_MULTIPLES) {
        chiso_chart_add_break(c, 2022, "Đổi phương pháp");
    }
    st =
        chiso_chart_load_csv(c, chiso_test_path(sample_csv[kind]), NULL, &diag);
    if (st != CHISO_OK) {
        fail_msg("%s: %s", sample_csv[kind], diag.message);
    }
    return c;
}

static const char *
tmp_path(const char *name)
{
    static char buf[4][512];
    static int k;
    const char *tmp = getenv("TMPDIR");

    k = (k + 1) % 4;
    snprintf(buf[k], sizeof(buf[k]), "%s/chiso_plot_%ld_%s", tmp ? tmp : "/tmp",
             (long)getpid(), name);
    return buf[k];
}

static void
test_every_kind_every_format(void **state)
{
    static const char *const ext[3] = {"png", "svg", "pdf"};
    static const char *const magic[3] = {"\x89PNG", "<?xml", "%PDF"};
    int k, f;

    (void)state;
    for (k = 0; k < CHISO_PLOT_N_KINDS; k++) {
        chiso_chart *c = load_sample((chiso_plot_kind)k);
        for (f = 0; f < 3; f++) {
            char name[64];
            const char *path;
            chiso_diag diag;
            size_t len = 0;
            char *data;
            snprintf(name, sizeof(name), "%s.%s",
                     chiso_plot_kind_name((chiso_plot_kind)k), ext[f]);
            path = tmp_path(name);
            chiso_diag_clear(&diag);
            if (chiso_plot_write(c, path, 900, 600, &diag) != CHISO_OK) {
                fail_msg("%s: %s", name, diag.message);
            }
            data = slurp(path, &len);
            assert_non_null(data);
            assert_true(len > 1000);
            assert_memory_equal(data, magic[f], strlen(magic[f]));
            free(data);
            unlink(path);
        }
        chiso_chart_free(c);
    }
}

/* Same chart, same bytes: render twice into memory and compare. */
static char *
render_mem(const chiso_chart *c, chiso_plot_format fmt, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    chiso_diag diag;

    assert_non_null(f);
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_plot_write_stream(c, f, fmt, 800, 500, &diag),
                     CHISO_OK);
    fclose(f);
    return buf;
}

static void
test_deterministic_bytes(void **state)
{
    int k, f;

    (void)state;
    unsetenv("SOURCE_DATE_EPOCH");
    for (k = 0; k < CHISO_PLOT_N_KINDS; k++) {
        chiso_chart *c = load_sample((chiso_plot_kind)k);
        for (f = 0; f < 3; f++) {
            size_t la, lb;
            char *a = render_mem(c, (chiso_plot_format)f, &la);
            char *b = render_mem(c, (chiso_plot_format)f, &lb);
            assert_int_equal(la, lb);
            assert_memory_equal(a, b, la);
            free(a);
            free(b);
        }
        chiso_chart_free(c);
    }
}

static void
test_pdf_dates(void **state)
{
    chiso_chart *c = load_sample(CHISO_PLOT_WATERFALL);
    size_t len;
    char *pdf;

    (void)state;
    unsetenv("SOURCE_DATE_EPOCH");
    pdf = render_mem(c, CHISO_PLOT_PDF, &len);
    /* the fixed date, never the current time */
    assert_non_null(memmem(pdf, len, "/CreationDate (20000101000000Z)", 31));
    assert_non_null(memmem(pdf, len, "/ModDate (20000101000000Z)", 26));
    free(pdf);
    /* 1700000000 = 2023-11-14 22:13:20 UTC */
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    pdf = render_mem(c, CHISO_PLOT_PDF, &len);
    assert_non_null(memmem(pdf, len, "/CreationDate (20231114221320Z)", 31));
    free(pdf);
    /* garbage is ignored: the fixed date again */
    setenv("SOURCE_DATE_EPOCH", "soon", 1);
    pdf = render_mem(c, CHISO_PLOT_PDF, &len);
    assert_non_null(memmem(pdf, len, "/CreationDate (20000101000000Z)", 31));
    free(pdf);
    unsetenv("SOURCE_DATE_EPOCH");
    chiso_chart_free(c);
}

/* Every Vietnamese letter has a glyph in the font we ask for. */
static void
test_vietnamese_glyphs(void **state)
{
    static const char *const texts[] = {"ẩ ệ Ưu Ước Đông Hải ạ ả ấ ầ ẫ ậ ắ ằ ẳ "
                                        "ẵ ặ ẹ ẻ ẽ ế ề ể ễ ỉ ị ọ ỏ ố ồ ổ ỗ ộ "
                                        "ớ ờ ở ỡ ợ ụ ủ ứ ừ ử ữ ự ỳ ỵ ỷ ỹ",
                                        "ẨỆƯỮỰỲỴỶỸĐƠ",
                                        /* decomposed: e + circumflex + acute */
                                        "Nghe\xCC\x82\xCC\x81 An"};
    cairo_surface_t *s =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, 100, 100);
    cairo_t *cr = cairo_create(s);
    PangoLayout *layout = pango_cairo_create_layout(cr);
    PangoFontDescription *fd =
        pango_font_description_from_string("DejaVu Sans 12");
    size_t i;

    (void)state;
    pango_layout_set_font_description(layout, fd);
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        PangoLayoutIter *it;
        PangoLayoutRun *run;
        PangoFontDescription *used;
        char *fam;
        pango_layout_set_text(layout, texts[i], -1);
        assert_int_equal(pango_layout_get_unknown_glyphs_count(layout), 0);
        it = pango_layout_get_iter(layout);
        run = pango_layout_iter_get_run_readonly(it);
        assert_non_null(run);
        used = pango_font_describe(run->item->analysis.font);
        fam = g_strdup(pango_font_description_get_family(used));
        assert_string_equal(fam, "DejaVu Sans");
        g_free(fam);
        pango_font_description_free(used);
        pango_layout_iter_free(it);
    }
    pango_font_description_free(fd);
    g_object_unref(layout);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

static void
test_atomic_write(void **state)
{
    chiso_chart *c = NULL;
    chiso_diag diag;
    const char *path;
    size_t len;
    char *data;
    struct stat sb;

    (void)state;
    /* an existing file stays as it was when rendering fails */
    path = chiso_test_file("keep.png", "old");
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_BARS), CHISO_OK);
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_plot_write(c, path, 800, 500, &diag), CHISO_EDATA);
    data = slurp(path, &len);
    assert_non_null(data);
    assert_string_equal(data, "old");
    free(data);
    unlink(path);
    /* a missing directory: I/O error, nothing created */
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_chart_add_bar(c, "A", 1, NULL), CHISO_OK);
    assert_int_equal(
        chiso_plot_write(c, "/nonexistent-dir/x.png", 800, 500, &diag),
        CHISO_EIO);
    assert_true(stat("/nonexistent-dir/x.png", &sb) != 0);
    /* a bad extension or "-" is a usage error */
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_plot_write(c, tmp_path("x.jpg"), 800, 500, &diag),
                     CHISO_EUSAGE);
    assert_true(stat(tmp_path("x.jpg"), &sb) != 0);
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_plot_write(c, "-", 800, 500, &diag), CHISO_EUSAGE);
    chiso_chart_free(c);
}

static void
expect_csv_error(chiso_plot_kind kind,
                 const char *text,
                 chiso_status code,
                 unsigned long line,
                 unsigned long col,
                 const char *msg)
{
    chiso_chart *c = NULL;
    chiso_diag diag;
    const char *path = chiso_test_file("bad.csv", text);

    chiso_diag_clear(&diag);
    diag.lang = CHISO_LANG_EN; /* the msgids; Vietnamese in test_csv_vi */
    assert_int_equal(chiso_chart_new(&c, kind), CHISO_OK);
    assert_int_equal(chiso_chart_load_csv(c, path, NULL, &diag), code);
    if (strstr(diag.message, msg) == NULL) {
        fail_msg("message '%s' lacks '%s'", diag.message, msg);
    }
    assert_int_equal(diag.line, line);
    assert_int_equal(diag.column, col);
    chiso_chart_free(c);
    unlink(path);
}

static void
test_csv_errors(void **state)
{
    (void)state;
    expect_csv_error(CHISO_PLOT_TREND, "series,x\nA,1\n", CHISO_ESCHEMA, 1, 1,
                     "missing column 'y'");
    expect_csv_error(CHISO_PLOT_TREND, "series,x,y\nA,2020,80\nA,2021,8o\n",
                     CHISO_EDATA, 3, 8, "invalid number '8o' in column 'y'");
    expect_csv_error(CHISO_PLOT_TREND,
                     "series,x,y\nA,2020,80\nB,2020,1\nA,2020,81\n",
                     CHISO_EDATA, 4, 3,
                     "duplicate entry '2020' in column 'x' (first on line 2)");
    expect_csv_error(CHISO_PLOT_TREND, "series,x,y,lo,hi\nA,2020,80,81,90\n",
                     CHISO_EDATA, 2, 11, "lo above y");
    expect_csv_error(CHISO_PLOT_BARS, "Đơn vị;Điểm\nHà Nội;91,4\nHà Nội;90\n",
                     CHISO_EDATA, 3, 1, "duplicate entry 'Hà Nội'");
    expect_csv_error(CHISO_PLOT_RADAR, "axis,value,max\nA,11,10\n", CHISO_EDATA,
                     2, 3, "value outside 0..max");
    expect_csv_error(CHISO_PLOT_RANK_INTERVAL,
                     "unit,nominal_rank,median_rank,p5_rank,p95_rank\n"
                     "A,1,3,1,2\n",
                     CHISO_EDATA, 2, 9, "p95 below the median");
    expect_csv_error(CHISO_PLOT_WATERFALL, "label,points_lost\nA,1\n",
                     CHISO_ESCHEMA, 1, 0, "needs the maximum");
    expect_csv_error(CHISO_PLOT_SCATTER, "x,y\n", CHISO_EDATA, 0, 0,
                     "no data rows");
}

/* ---- image checks of honest charts (issue 10 item 7) -------------------- */

typedef struct drawn {
    cairo_surface_t *s;
    chiso_plot_model *md;
    chiso_plot_measure m;
    cairo_t *cr;
} drawn;

/* Lay out with the real fonts and draw into an RGB image. */
static void
draw_image(drawn *d, const chiso_chart *c, int w, int h)
{
    chiso_diag diag;

    chiso_diag_clear(&diag);
    d->s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    d->cr = cairo_create(d->s);
    assert_int_equal(chiso_plot_pango_measure_init(&d->m, d->cr), CHISO_OK);
    assert_int_equal(chiso_plot_layout(&d->md, c, w, h, &d->m, &diag),
                     CHISO_OK);
    assert_int_equal(chiso_plot_render(d->cr, c, d->md, &diag), CHISO_OK);
    cairo_surface_flush(d->s);
}

static void
drawn_free(drawn *d)
{
    chiso_plot_model_free(d->md);
    chiso_plot_pango_measure_clear(&d->m);
    cairo_destroy(d->cr);
    cairo_surface_destroy(d->s);
}

static unsigned int
pixel(const drawn *d, double x, double y)
{
    const unsigned char *p = cairo_image_surface_get_data(d->s);
    int stride = cairo_image_surface_get_stride(d->s);
    const uint32_t *row =
        (const uint32_t *)(const void *)(p + (size_t)floor(y) * (size_t)stride);

    return row[(size_t)floor(x)] & 0xFFFFFF;
}

static double
px_x(const chiso_plot_model *md, double v)
{
    return md->plot.x + (v - md->x.ticks.lo) /
                            (md->x.ticks.hi - md->x.ticks.lo) * md->plot.w;
}

static double
px_y(const chiso_plot_model *md, double v)
{
    double f = (v - md->y.ticks.lo) / (md->y.ticks.hi - md->y.ticks.lo);
    return md->plot.y + (md->y.inverted ? f : 1 - f) * md->plot.h;
}

/* Is the colour close to c (each channel within 40)? */
static int
near_colour(unsigned int got, unsigned int c)
{
    int k;

    for (k = 0; k < 24; k += 8) {
        int a = (int)((got >> k) & 0xFF), b = (int)((c >> k) & 0xFF);
        if (abs(a - b) > 40) {
            return 0;
        }
    }
    return 1;
}

static void
test_rank_image(void **state)
{
    chiso_chart *c = NULL;
    const double x[4] = {2015, 2016, 2017, 2018};
    const double r[4] = {60, 63, 1, 2};
    const long of[4] = {61, 63, 63, 63};
    const unsigned char der[4] = {0, 0, 0, 1};
    drawn d;
    double xm, ym;

    (void)state;
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    assert_int_equal(
        chiso_chart_add_rank_series(c, "Hưng Yên", x, r, of, der, 4), CHISO_OK);
    draw_image(&d, c, 900, 600);
    /* rank 1 is drawn at the top of the plot, rank 63 at its foot */
    assert_true(px_y(d.md, 1) < d.md->plot.y + 0.05 * d.md->plot.h);
    assert_true(px_y(d.md, 63) > d.md->plot.y + 0.95 * d.md->plot.h);
    assert_true(
        near_colour(pixel(&d, px_x(d.md, 2017), px_y(d.md, 1)), 0x0072B2));
    assert_true(
        near_colour(pixel(&d, px_x(d.md, 2016), px_y(d.md, 63)), 0x0072B2));
    /* 60/61 -> 63/63: no line between them (the midpoint is background) */
    xm = (px_x(d.md, 2015) + px_x(d.md, 2016)) / 2;
    ym = (px_y(d.md, 60) + px_y(d.md, 63)) / 2;
    assert_false(near_colour(pixel(&d, xm, ym), 0x0072B2));
    /* 63 -> 1 (both out of 63) is joined */
    xm = (px_x(d.md, 2016) + px_x(d.md, 2017)) / 2;
    ym = (px_y(d.md, 63) + px_y(d.md, 1)) / 2;
    assert_true(near_colour(pixel(&d, xm, ym), 0x0072B2));
    /* the derived rank (2018) is hollow: white inside */
    assert_int_equal(pixel(&d, px_x(d.md, 2018), px_y(d.md, 2)), 0xFFFFFF);
    /* a published one is filled */
    assert_true(
        near_colour(pixel(&d, px_x(d.md, 2016), px_y(d.md, 63)), 0x0072B2));
    drawn_free(&d);
    chiso_chart_free(c);
}

/* A series break cuts that series only. */
static void
test_series_break_image(void **state)
{
    chiso_chart *c = NULL;
    const double x[2] = {2016, 2017}, a[2] = {40, 60}, b[2] = {60, 40};
    drawn d;
    double xm, ym;

    (void)state;
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    assert_int_equal(
        chiso_chart_add_series(c, "PAR INDEX", x, a, NULL, NULL, 2), CHISO_OK);
    assert_int_equal(chiso_chart_add_series(c, "SIPAS", x, b, NULL, NULL, 2),
                     CHISO_OK);
    assert_int_equal(chiso_chart_add_series_break(c, "PAR INDEX", 2017, "Đổi"),
                     CHISO_OK);
    draw_image(&d, c, 900, 600);
    /* a quarter of the way: PAR INDEX (blue) is not drawn, SIPAS
     * (vermillion) is */
    xm = px_x(d.md, 2016.25);
    ym = px_y(d.md, 45);
    assert_false(near_colour(pixel(&d, xm, ym), 0x0072B2));
    ym = px_y(d.md, 55);
    assert_true(near_colour(pixel(&d, xm, ym), 0xD55E00));
    drawn_free(&d);
    chiso_chart_free(c);
}

/* Messages in the diagnostic's language (Vietnamese by default), the
 * whole sentence: format and inserted phrase. */
static void
test_csv_vi(void **state)
{
    chiso_chart *c = NULL;
    chiso_diag diag;
    const char *path = chiso_test_file("vi.csv", "series,x,y,lo,hi\n"
                                                 "A,2020,80,81,90\n");

    (void)state;
    chiso_diag_clear(&diag);
    diag.lang = CHISO_LANG_VI;
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    assert_int_equal(chiso_chart_load_csv(c, path, NULL, &diag), CHISO_EDATA);
    assert_string_equal(diag.message, "lo lớn hơn y: giá trị '81' ở cột 'lo'");
    chiso_chart_free(c);
    unlink(path);
}

/* CSV: rank columns, checked where they stand. */
static void
test_csv_ranks(void **state)
{
    chiso_chart *c = NULL;
    chiso_diag diag;
    const char *path;

    (void)state;
    path = chiso_test_file("r.csv", "series,x,y,rank_of,derived\n"
                                    "PAR INDEX,2022,31,63,0\n"
                                    "PAR INDEX,2023,29,63,có\n");
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    assert_int_equal(chiso_chart_load_csv(c, path, NULL, &diag), CHISO_OK);
    chiso_chart_free(c);
    unlink(path);
    expect_csv_error(CHISO_PLOT_TREND, "series,x,y,rank_of\nA,2022,64,63\n",
                     CHISO_EDATA, 2, 8,
                     "a rank must be a whole number from 1 to the number "
                     "ranked, got '64'");
    expect_csv_error(CHISO_PLOT_TREND, "series,x,y,rank_of\nA,2022,3,\n",
                     CHISO_EDATA, 2, 10, "needs the number ranked");
    expect_csv_error(CHISO_PLOT_TREND,
                     "series,x,y,rank_of,derived\nA,2022,3,63,maybe\n",
                     CHISO_EDATA, 2, 13, "not yes or no");
    expect_csv_error(CHISO_PLOT_BARS, "unit,value,rank\nA,3,1\n", CHISO_ESCHEMA,
                     1, 0, "needs its partner 'rank_of'");
    expect_csv_error(CHISO_PLOT_BARS, "unit,value,rank,rank_of\nA,3,1.5,63\n",
                     CHISO_EDATA, 2, 5, "whole number");
    path = chiso_test_file("b.csv", "unit,value,rank,rank_of\n"
                                    "Nam Định,85.1,29,63\nHưng Yên,84.9,,\n");
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_BARS), CHISO_OK);
    assert_int_equal(chiso_chart_load_csv(c, path, NULL, &diag), CHISO_OK);
    chiso_chart_free(c);
    unlink(path);
}

/* Batch writing: no per-file sync, several threads, same bytes. */
static void
test_write_batch(void **state)
{
    chiso_chart *charts[CHISO_PLOT_N_KINDS];
    char names[CHISO_PLOT_N_KINDS][512];
    const char *paths[CHISO_PLOT_N_KINDS];
    chiso_plot_write_options o;
    chiso_diag diag;
    size_t i;

    (void)state;
    chiso_plot_write_options_init(&o);
    o.width = 700;
    o.height = 450;
    o.no_sync = 1;
    o.threads = 2;
    for (i = 0; i < CHISO_PLOT_N_KINDS; i++) {
        charts[i] = load_sample((chiso_plot_kind)i);
        char name[64];
        snprintf(name, sizeof(name), "batch_%zu.%s", i, i % 2 ? "svg" : "png");
        snprintf(names[i], sizeof(names[i]), "%s", tmp_path(name));
        paths[i] = names[i];
    }
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_plot_write_many((const chiso_chart *const *)charts,
                                           paths, CHISO_PLOT_N_KINDS, &o,
                                           &diag),
                     CHISO_OK);
    for (i = 0; i < CHISO_PLOT_N_KINDS; i++) {
        /* the same bytes as one synced write */
        size_t la = 0, lb = 0;
        char *a = slurp(paths[i], &la), *b;
        const char *one = tmp_path(i % 2 ? "one.svg" : "one.png");
        assert_int_equal(chiso_plot_write(charts[i], one, 700, 450, &diag),
                         CHISO_OK);
        b = slurp(one, &lb);
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(la, lb);
        assert_memory_equal(a, b, la);
        free(a);
        free(b);
        unlink(one);
        unlink(paths[i]);
    }
    /* a failing chart: its diagnostic, no temporary file left */
    chiso_chart_free(charts[3]);
    assert_int_equal(chiso_chart_new(&charts[3], CHISO_PLOT_HEATMAP), CHISO_OK);
    chiso_diag_clear(&diag);
    diag.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_plot_write_many((const chiso_chart *const *)charts,
                                           paths, CHISO_PLOT_N_KINDS, &o,
                                           &diag),
                     CHISO_EDATA);
    assert_true(strstr(diag.message, "no cells") != NULL);
    for (i = 0; i < CHISO_PLOT_N_KINDS; i++) {
        unlink(paths[i]);
        chiso_chart_free(charts[i]);
    }
    /* the unsynced writer never renames over something not a file */
    charts[0] = load_sample(CHISO_PLOT_BARS);
    mkdir(tmp_path("dir.png"), 0700);
    chiso_diag_clear(&diag);
    assert_int_equal(
        chiso_plot_write_ex(charts[0], tmp_path("dir.png"), &o, &diag),
        CHISO_EUSAGE);
    rmdir(tmp_path("dir.png"));
    chiso_chart_free(charts[0]);
}

/* The report's way: each chart laid out once for its PNG, its SVG and the
 * page's copy; every kind, the same bytes as a separate write each. */
static void *
help_batch(void *arg)
{
    chiso_plot_batch_help(arg);
    chiso_plot_release_fonts();
    return NULL;
}

static void
test_write_jobs(void **state)
{
    chiso_chart *charts[CHISO_PLOT_N_KINDS];
    chiso_plot_job jobs[CHISO_PLOT_N_KINDS];
    char png[CHISO_PLOT_N_KINDS][512], svg[CHISO_PLOT_N_KINDS][512];
    chiso_plot_write_options o;
    chiso_plot_batch *b = NULL;
    chiso_diag diag;
    pthread_t tid;
    size_t i, k;

    (void)state;
    chiso_plot_write_options_init(&o);
    o.width = 700;
    o.height = 450;
    o.no_sync = 1;
    memset(jobs, 0, sizeof(jobs));
    for (i = 0; i < CHISO_PLOT_N_KINDS; i++) {
        char name[64];
        charts[i] = load_sample((chiso_plot_kind)i);
        snprintf(name, sizeof(name), "job_%zu.png", i);
        snprintf(png[i], sizeof(png[i]), "%s", tmp_path(name));
        snprintf(name, sizeof(name), "job_%zu.svg", i);
        snprintf(svg[i], sizeof(svg[i]), "%s", tmp_path(name));
        jobs[i].chart = charts[i];
        jobs[i].png_path = png[i];
        jobs[i].svg_path = svg[i];
        jobs[i].keep_svg = 1;
    }
    /* run by this thread and one that helps */
    chiso_diag_clear(&diag);
    assert_int_equal(
        chiso_plot_batch_new(&b, jobs, CHISO_PLOT_N_KINDS, &o, &diag),
        CHISO_OK);
    assert_int_equal(pthread_create(&tid, NULL, help_batch, b), 0);
    assert_int_equal(chiso_plot_batch_wait(b, &diag), CHISO_OK);
    pthread_join(tid, NULL);
    chiso_plot_batch_free(b);
    for (i = 0; i < CHISO_PLOT_N_KINDS; i++) {
        for (k = 0; k < 2; k++) {
            size_t la = 0, lb = 0;
            const char *path = k ? svg[i] : png[i];
            const char *one = tmp_path(k ? "one.svg" : "one.png");
            char *a = slurp(path, &la), *bb;
            assert_int_equal(chiso_plot_write(charts[i], one, 700, 450, &diag),
                             CHISO_OK);
            bb = slurp(one, &lb);
            assert_non_null(a);
            assert_non_null(bb);
            assert_int_equal(la, lb);
            assert_memory_equal(a, bb, la);
            if (k) {
                /* the kept SVG is the file's */
                assert_int_equal(jobs[i].svg_len, la);
                assert_memory_equal(jobs[i].svg, a, la);
                assert_int_equal(jobs[i].svg[la], '\0');
            }
            free(a);
            free(bb);
            unlink(one);
            unlink(path);
        }
        /* the hotspots of the model drawn */
        {
            cairo_surface_t *s =
                cairo_svg_surface_create_for_stream(NULL, NULL, 700, 450);
            cairo_t *cr = cairo_create(s);
            chiso_plot_measure m;
            chiso_plot_model *md = NULL;
            chiso_plot_hotspot *spots = NULL;
            size_t n = 0, j;
            assert_int_equal(chiso_plot_pango_measure_init(&m, cr), CHISO_OK);
            assert_int_equal(
                chiso_plot_layout(&md, charts[i], 700, 450, &m, &diag),
                CHISO_OK);
            assert_int_equal(chiso_plot_hotspots(charts[i], md, &spots, &n),
                             CHISO_OK);
            assert_int_equal(n, jobs[i].n_spots);
            for (j = 0; j < n; j++) {
                assert_string_equal(spots[j].label, jobs[i].spots[j].label);
                /* same model, same positions: the same bits */
                assert_memory_equal(&spots[j].x, &jobs[i].spots[j].x,
                                    sizeof(double));
                assert_memory_equal(&spots[j].y, &jobs[i].spots[j].y,
                                    sizeof(double));
            }
            chiso_plot_hotspots_free(spots, n);
            chiso_plot_model_free(md);
            chiso_plot_pango_measure_clear(&m);
            cairo_destroy(cr);
            cairo_surface_destroy(s);
        }
        chiso_plot_job_clear(&jobs[i]);
    }
    /* a failing chart among them: its diagnostic (the lowest one failed) */
    chiso_chart_free(charts[3]);
    assert_int_equal(chiso_chart_new(&charts[3], CHISO_PLOT_HEATMAP), CHISO_OK);
    jobs[3].chart = charts[3];
    chiso_diag_clear(&diag);
    diag.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_plot_write_jobs(jobs, CHISO_PLOT_N_KINDS, &o, &diag),
                     CHISO_EDATA);
    assert_true(strstr(diag.message, "no cells") != NULL);
    for (i = 0; i < CHISO_PLOT_N_KINDS; i++) {
        chiso_plot_job_clear(&jobs[i]);
        unlink(png[i]);
        unlink(svg[i]);
        chiso_chart_free(charts[i]);
    }
}

static void
test_csv_layouts(void **state)
{
    chiso_chart *c = NULL;
    chiso_diag diag;
    chiso_plot_csv_options o;
    const char *path;

    (void)state;
    /* Vietnamese headers, ';', decimal commas, rows out of order */
    path = chiso_test_file("vi.csv", "\xEF\xBB\xBF"
                                     "Chuỗi;Năm;Giá trị\n"
                                     "Hưng Yên;2021;80,5\n"
                                     "Hưng Yên;2020;79,25\n");
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_TREND), CHISO_OK);
    assert_int_equal(chiso_chart_load_csv(c, path, NULL, &diag), CHISO_OK);
    assert_int_equal(chiso_chart_set_highlight(c, "Hưng Yên"), CHISO_OK);
    assert_int_equal(chiso_chart_highlight_found(c), 1);
    assert_int_equal(chiso_chart_set_highlight(c, "Hà Nội"), CHISO_OK);
    assert_int_equal(chiso_chart_highlight_found(c), 0);
    chiso_chart_free(c);
    unlink(path);
    /* waterfall: achieved checked against max - sum(lost) */
    path = chiso_test_file("wf.csv", "label,points_lost\nA,1.5\nB,2.25\n");
    chiso_plot_csv_options_init(&o);
    o.max = 10;
    o.achieved = 6.25;
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_WATERFALL), CHISO_OK);
    assert_int_equal(chiso_chart_load_csv(c, path, &o, &diag), CHISO_OK);
    chiso_chart_free(c);
    o.achieved = 6.5;
    chiso_diag_clear(&diag);
    diag.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_WATERFALL), CHISO_OK);
    assert_int_equal(chiso_chart_load_csv(c, path, &o, &diag), CHISO_EDATA);
    assert_true(strstr(diag.message, "not the achieved 6.50") != NULL);
    chiso_chart_free(c);
    unlink(path);
}

/* Drawing on a caller's own surface, with a caller-made model. */
static void
test_caller_surface(void **state)
{
    cairo_surface_t *s =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 640, 400);
    cairo_t *cr = cairo_create(s);
    chiso_chart *c = load_sample(CHISO_PLOT_RADAR);
    chiso_plot_measure m;
    chiso_plot_model *md = NULL;
    chiso_diag diag;

    (void)state;
    chiso_diag_clear(&diag);
    assert_int_equal(chiso_plot_pango_measure_init(&m, cr), CHISO_OK);
    assert_int_equal(chiso_plot_layout(&md, c, 640, 400, &m, &diag), CHISO_OK);
    assert_int_equal(chiso_plot_render(cr, c, md, &diag), CHISO_OK);
    assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    chiso_plot_model_free(md);
    chiso_plot_pango_measure_clear(&m);
    chiso_plot_pango_measure_clear(&m);
    assert_int_equal(chiso_plot_draw(cr, c, 640, 400, &diag), CHISO_OK);
    chiso_chart_free(c);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* Encode with chiso_plot__png_write, decode with cairo (libpng): same pixels. */
typedef struct mem_reader {
    const unsigned char *p;
    size_t len, pos;
} mem_reader;

static cairo_status_t
mem_read(void *closure, unsigned char *data, unsigned int len)
{
    mem_reader *r = closure;

    if (r->pos + len > r->len) {
        return CAIRO_STATUS_READ_ERROR;
    }
    memcpy(data, r->p + r->pos, len);
    r->pos += len;
    return CAIRO_STATUS_SUCCESS;
}

static void
assert_png_roundtrip(cairo_surface_t *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int w = cairo_image_surface_get_width(s);
    int h = cairo_image_surface_get_height(s);
    int st = cairo_image_surface_get_stride(s), y, x;
    mem_reader r;
    cairo_surface_t *back;

    cairo_surface_flush(s);
    assert_int_equal(
        chiso_plot__png_write(f, cairo_image_surface_get_data(s), w, h, st),
        CHISO_OK);
    fclose(f);
    r.p = (const unsigned char *)buf;
    r.len = len;
    r.pos = 0;
    back = cairo_image_surface_create_from_png_stream(mem_read, &r);
    assert_int_equal(cairo_surface_status(back), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(back), w);
    assert_int_equal(cairo_image_surface_get_height(back), h);
    for (y = 0; y < h; y++) {
        const uint32_t *a =
            (const uint32_t *)(const void *)(cairo_image_surface_get_data(s) +
                                             (size_t)y * (size_t)st);
        const uint32_t *b =
            (const uint32_t
                 *)(const void *)(cairo_image_surface_get_data(back) +
                                  (size_t)y *
                                      (size_t)cairo_image_surface_get_stride(
                                          back));
        for (x = 0; x < w; x++) {
            if ((a[x] & 0xFFFFFF) != (b[x] & 0xFFFFFF)) {
                fail_msg("pixel (%d, %d) of %dx%d: %06x written, %06x read", x,
                         y, w, h, a[x] & 0xFFFFFF, b[x] & 0xFFFFFF);
            }
        }
    }
    cairo_surface_destroy(back);
    free(buf);
}

static cairo_surface_t *
synthetic(int w, int h, int pattern)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    unsigned char *d = cairo_image_surface_get_data(s);
    int st = cairo_image_surface_get_stride(s), x, y;
    uint32_t seed = 1;

    cairo_surface_flush(s);
    for (y = 0; y < h; y++) {
        uint32_t *row = (uint32_t *)(void *)(d + (size_t)y * (size_t)st);
        for (x = 0; x < w; x++) {
            seed = seed * 1103515245u + 12345u;
            switch (pattern) {
            case 0: /* noise: literals everywhere */
                row[x] = (seed >> 8) & 0xFFFFFF;
                break;
            case 1: /* one colour: long runs, identical rows */
                row[x] = 0xFFFFFF;
                break;
            case 2: /* gradient with repeated row blocks and short runs */
                row[x] = (uint32_t)(((x / 3) & 0xFF) << 16 |
                                    ((y / 7) & 0xFF) << 8 | (x * y & 0x3F));
                break;
            default: /* mostly white with noise specks */
                row[x] = seed % 97 == 0 ? (seed >> 8) & 0xFFFFFF : 0xFFFFFF;
                break;
            }
        }
    }
    cairo_surface_mark_dirty(s);
    return s;
}

static void
test_png_encoder(void **state)
{
    static const int sizes[][2] = {{1, 1},   {2, 3},    {7, 5},
                                   {259, 4}, {640, 40}, {11000, 3}};
    size_t i;
    int p, k;

    (void)state;
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        for (p = 0; p < 4; p++) {
            cairo_surface_t *s = synthetic(sizes[i][0], sizes[i][1], p);
            assert_png_roundtrip(s);
            cairo_surface_destroy(s);
        }
    }
    /* real charts */
    for (k = 0; k < CHISO_PLOT_N_KINDS; k++) {
        cairo_surface_t *s =
            cairo_image_surface_create(CAIRO_FORMAT_RGB24, 640, 400);
        cairo_t *cr = cairo_create(s);
        chiso_chart *c = load_sample((chiso_plot_kind)k);
        chiso_diag diag;
        chiso_diag_clear(&diag);
        assert_int_equal(chiso_plot_draw(cr, c, 640, 400, &diag), CHISO_OK);
        cairo_destroy(cr);
        assert_png_roundtrip(s);
        cairo_surface_destroy(s);
        chiso_chart_free(c);
    }
}

static void
test_summary_json(void **state)
{
    chiso_chart *c = load_sample(CHISO_PLOT_TREND);
    struct cJSON *j;
    char *text;

    (void)state;
    chiso_chart_set_lang(c, CHISO_PLOT_LANG_EN);
    chiso_chart_set_number_format(c, CHISO_PLOT_NUM_VI);
    j = chiso_plot_summary_json(c, "d.csv", "o.svg", CHISO_PLOT_SVG, 900, 600);
    assert_non_null(j);
    text = chiso_json_print(j);
    assert_string_equal(text, "{\n"
                              "  \"schema_version\": 1,\n"
                              "  \"kind\": \"trend\",\n"
                              "  \"data\": \"d.csv\",\n"
                              "  \"output\": \"o.svg\",\n"
                              "  \"format\": \"svg\",\n"
                              "  \"width\": 900,\n"
                              "  \"height\": 600,\n"
                              "  \"unit\": \"pt\",\n"
                              "  \"lang\": \"en\",\n"
                              "  \"number_format\": \"vi\",\n"
                              "  \"items\": 4,\n"
                              "  \"breaks\": 1,\n"
                              "  \"bands\": 0,\n"
                              "  \"highlight\": \"Hưng Yên\",\n"
                              "  \"highlight_found\": true\n"
                              "}\n");
    free(text);
    cJSON_Delete(j);
    chiso_chart_free(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind_every_format),
        cmocka_unit_test(test_deterministic_bytes),
        cmocka_unit_test(test_pdf_dates),
        cmocka_unit_test(test_vietnamese_glyphs),
        cmocka_unit_test(test_atomic_write),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_csv_layouts),
        cmocka_unit_test(test_caller_surface),
        cmocka_unit_test(test_png_encoder),
        cmocka_unit_test(test_summary_json),
        cmocka_unit_test(test_rank_image),
        cmocka_unit_test(test_series_break_image),
        cmocka_unit_test(test_csv_ranks),
        cmocka_unit_test(test_csv_vi),
        cmocka_unit_test(test_write_batch),
        cmocka_unit_test(test_write_jobs),
    };
    return cmocka_run_group_tests_name("plot_render", tests, NULL, NULL);
}

/*
 * test_doc.c - the PDF brief engine: pagination, repeated table headers,
 * deterministic bytes, atomic output.
 */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_plot.h"
#include "helpers.h"

#include <sys/stat.h>

static void
draw_box(cairo_t *cr, double w, double h, void *ctx)
{
    (void)ctx;
    cairo_rectangle(cr, 2, 2, w - 4, h - 4);
    cairo_stroke(cr);
}

/* Write a document with a long table; return the number of pages. */
static int
write_doc(const char *path, int rows)
{
    chiso_doc *d = NULL;
    chiso_diag g;
    chiso_doc_options o = CHISO_DOC_OPTIONS_INIT;
    static const char *const hd[] = {"Mã", "Tiêu chí", "Điểm"};
    static const double wd[] = {0.15, 0.65, 0.2};
    chiso_doc_table_spec t = {3, hd, wd, "llr", 0};
    chiso_doc_figure_box box = {"80,23 %", "Chỉ số CCHC", "Khá"};
    char a[32], b[96], c[32];
    int i, pages;

    chiso_diag_clear(&g);
    o.footer = "Sở Khoa học và Công nghệ tỉnh Hưng Yên";
    o.page_label = "Trang";
    assert_int_equal(chiso_doc_open(&d, path, &o, &g), CHISO_OK);
    chiso_doc_heading(d, "Báo cáo CCHC 6 tháng cuối năm 2024", 1);
    chiso_doc_key_figures(d, &box, 1);
    chiso_doc_paragraph(d, "Ưu tiên khắc phục: giải ngân vốn đầu tư công.", 0);
    chiso_doc_table_begin(d, &t);
    for (i = 0; i < rows; i++) {
        const char *cells[3];
        snprintf(a, sizeof(a), "%d", i + 1);
        snprintf(b, sizeof(b), "Tiêu chí thành phần số %d", i + 1);
        snprintf(c, sizeof(c), "%d,00", i % 3);
        cells[0] = a;
        cells[1] = b;
        cells[2] = c;
        chiso_doc_table_row(d, cells, 0);
    }
    chiso_doc_table_end(d);
    chiso_doc_figure(d, 200, draw_box, NULL, "Hình 1. Khung.");
    pages = chiso_doc_page(d);
    assert_int_equal(chiso_doc_close(d, &g), CHISO_OK);
    return pages;
}

static char *
slurp(const char *path, size_t *len)
{
    char *text = NULL;
    chiso_diag g;

    chiso_diag_clear(&g);
    assert_int_equal(chiso_file_read_all(path, &text, len, &g), CHISO_OK);
    return text;
}

static void
test_pagination_and_determinism(void **state)
{
    char p1[128], p2[128];
    char *a, *b;
    size_t la, lb;

    (void)state;
    snprintf(p1, sizeof(p1), "/tmp/chiso_doc_a_%ld.pdf", (long)getpid());
    snprintf(p2, sizeof(p2), "/tmp/chiso_doc_b_%ld.pdf", (long)getpid());
    /* a short table fits on page 1; 120 rows need more pages */
    assert_int_equal(write_doc(p1, 5), 1);
    assert_true(write_doc(p2, 120) >= 3);
    /* same content, same bytes */
    assert_true(write_doc(p2, 120) >= 3);
    assert_int_equal(write_doc(p1, 120), write_doc(p2, 120));
    a = slurp(p1, &la);
    b = slurp(p2, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    assert_true(la > 1000 && memcmp(a, "%PDF-", 5) == 0);
    /* the creation date is fixed, not today's */
    assert_non_null(memmem(a, la, "20000101000000", 14));
    free(a);
    free(b);
    unlink(p1);
    unlink(p2);
}

static void
test_abort_leaves_nothing(void **state)
{
    char p[128];
    chiso_doc *d = NULL;
    chiso_diag g;
    struct stat sb;

    (void)state;
    snprintf(p, sizeof(p), "/tmp/chiso_doc_c_%ld.pdf", (long)getpid());
    chiso_diag_clear(&g);
    assert_int_equal(chiso_doc_open(&d, p, NULL, &g), CHISO_OK);
    chiso_doc_heading(d, "x", 1);
    chiso_doc_abort(d);
    assert_int_equal(stat(p, &sb), -1);
    assert_int_equal(chiso_doc_open(&d, "/nonexistent-dir/x.pdf", NULL, &g),
                     CHISO_EIO);
}

/* Regression: a heatmap growing past 8 rows and 8 columns (the report's
 * months) read past its old arrays (found by ASan). */
static void
test_heatmap_growth(void **state)
{
    chiso_chart *c = NULL;
    chiso_diag g;
    char row[16], col[16], path[128];
    int r, k;

    (void)state;
    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_HEATMAP), CHISO_OK);
    for (r = 0; r < 11; r++) {
        for (k = 0; k < 25; k++) {
            snprintf(row, sizeof(row), "r%d", r);
            snprintf(col, sizeof(col), "%02d/24", k);
            assert_int_equal(chiso_chart_add_cell(c, row, col, r * 25 + k),
                             CHISO_OK);
        }
    }
    snprintf(path, sizeof(path), "/tmp/chiso_heat_%ld.png", (long)getpid());
    chiso_diag_clear(&g);
    assert_int_equal(chiso_plot_write(c, path, 600, 400, &g), CHISO_OK);
    unlink(path);
    chiso_chart_free(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pagination_and_determinism),
        cmocka_unit_test(test_abort_leaves_nothing),
        cmocka_unit_test(test_heatmap_growth),
    };
    int rc = cmocka_run_group_tests_name("doc", tests, NULL, NULL);

    chiso_plot_release_fonts();
    return rc;
}

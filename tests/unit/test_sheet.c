/*
 * test_sheet.c - the workbook writer: sheet names, typed cells, errors
 * kept until the write, atomic and deterministic output.
 *
 * `test_sheet --write DIR` writes the sample workbooks into DIR and exits;
 * tests/data/sheet/check_sheet.py reads them back with openpyxl (values,
 * number formats, frozen panes, autofilter, validation, protection) and
 * LibreOffice converts one (ctest sheet.openpyxl, sheet.libreoffice).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_sheet.h"
#include "helpers.h"

#include <errno.h>
#include <sys/stat.h>

/* The full sample: a summary, a typed table, a protected form. */
static chiso_status
write_full(const char *path, chiso_diag *g)
{
    chiso_sheet_book *b = NULL;
    chiso_sheet_book_options o = CHISO_SHEET_BOOK_OPTIONS_INIT;
    chiso_sheet *s;
    chiso_status st;
    static const chiso_sheet_figure figs[] = {
        {"Chỉ số CCHC (tự chấm)", CHISO_SHEET_PERCENT, 81.23, 2, NULL, "%",
         "Tự chấm theo Bộ tiêu chí"},
        {"Tổng điểm", CHISO_SHEET_NUMBER, 24.5, 2, NULL, "điểm", NULL},
        {"Số hồ sơ tiếp nhận", CHISO_SHEET_INTEGER, 12345, 0, NULL, "hồ sơ",
         "Sổ theo dõi hồ sơ"},
        {"Tỷ lệ nhiệm vụ đúng hạn", CHISO_SHEET_PERCENT, NAN, 2, NULL, "%",
         "Không có sổ nhiệm vụ"},
        {"Xếp loại", CHISO_SHEET_TEXT, 0, 0, "Khá", NULL, NULL},
    };
    static const chiso_sheet_column cols[] = {
        {"Mã", CHISO_SHEET_TEXT, 0, 0},
        {"Tên tiêu chí", CHISO_SHEET_TEXT, 0, 0},
        {"Điểm tối đa", CHISO_SHEET_NUMBER, 2, 0},
        {"Điểm", CHISO_SHEET_NUMBER, 2, 0},
        {"Tỷ lệ đạt", CHISO_SHEET_PERCENT, 2, 0},
        {"Hạn", CHISO_SHEET_DATE, 0, 0},
        {"Số hồ sơ", CHISO_SHEET_INTEGER, 0, 0},
    };
    static const char *const yn[] = {"có", "không"};
    char longtext[400];
    int i;

    o.title = "Báo cáo CCHC";
    st = chiso_sheet_book_new(&b, &o, g);
    if (st != CHISO_OK) {
        return st;
    }
    chiso_sheet_add_summary(b, "Tổng hợp", "Kết quả CCHC 6 tháng cuối năm 2024",
                            figs, sizeof(figs) / sizeof(figs[0]), &s);
    chiso_sheet_add_table(b, "Tiêu chí", NULL, cols, 7, &s);
    chiso_sheet_put_text(s, "1.1");
    chiso_sheet_put_text(s, "Ban hành kế hoạch CCHC năm");
    chiso_sheet_put_number(s, 2);
    chiso_sheet_put_number(s, 1.5);
    chiso_sheet_put_number(s, 75);
    chiso_sheet_put_date(s, "2024-06-30");
    chiso_sheet_put_number(s, 1234);
    chiso_sheet_put_text(s, "1.2");
    longtext[0] = '\0';
    for (i = 0; i < 10; i++) {
        strcat(longtext, "Giải quyết hồ sơ đúng hạn; ");
    }
    chiso_sheet_put_text(s, longtext);
    chiso_sheet_put_number(s, 3);
    chiso_sheet_put_missing(s); /* not reported: empty, never 0 */
    chiso_sheet_put_number(s, NAN);
    chiso_sheet_put_date(s, "");
    chiso_sheet_put_number(s, 0);
    chiso_sheet_put_text(s, "2");
    chiso_sheet_put_text(s, "Tổ chức bộ máy");
    chiso_sheet_end_row(s);

    chiso_sheet_add(b, "Tự chấm", &s);
    chiso_sheet_merge(s, 0, 0, 0, 4, "PHIẾU TỰ CHẤM ĐIỂM", CHISO_SHEET_TITLE);
    chiso_sheet_text(s, 1, 0, "Mã", CHISO_SHEET_HEADER);
    chiso_sheet_text(s, 1, 1, "Tiêu chí", CHISO_SHEET_HEADER);
    chiso_sheet_text(s, 1, 2, "Điểm tối đa", CHISO_SHEET_HEADER);
    chiso_sheet_text(s, 1, 3, "Tự chấm", CHISO_SHEET_HEADER);
    chiso_sheet_text(s, 1, 4, "Có tài liệu", CHISO_SHEET_HEADER);
    chiso_sheet_text(s, 2, 0, "1", CHISO_SHEET_BOLD);
    chiso_sheet_text(s, 2, 1, "Công tác chỉ đạo", CHISO_SHEET_BOLD);
    chiso_sheet_formula(s, 2, 2, "=SUM(C4:C5)", 3.5, CHISO_SHEET_NUMBER, 2,
                        CHISO_SHEET_BOLD);
    chiso_sheet_formula(s, 2, 3, "=SUM(D4:D5)", 2.25, CHISO_SHEET_NUMBER, 2,
                        CHISO_SHEET_BOLD);
    chiso_sheet_text(s, 3, 0, "1.1", CHISO_SHEET_INDENT(1));
    chiso_sheet_text(s, 3, 1, "Kế hoạch", CHISO_SHEET_INDENT(1));
    chiso_sheet_number(s, 3, 2, 2, CHISO_SHEET_NUMBER, 2, 0);
    chiso_sheet_number(s, 3, 3, 1.25, CHISO_SHEET_NUMBER, 2,
                       CHISO_SHEET_INPUT | CHISO_SHEET_DERIVED);
    chiso_sheet_text(s, 4, 0, "1.2", CHISO_SHEET_INDENT(1));
    chiso_sheet_text(s, 4, 1, "Báo cáo", CHISO_SHEET_INDENT(1));
    chiso_sheet_number(s, 4, 2, 1.5, CHISO_SHEET_NUMBER, 2, 0);
    chiso_sheet_number(s, 4, 3, 1, CHISO_SHEET_NUMBER, 2, CHISO_SHEET_INPUT);
    chiso_sheet_blank(s, 3, 4, CHISO_SHEET_TEXT, 0, CHISO_SHEET_INPUT);
    chiso_sheet_blank(s, 4, 4, CHISO_SHEET_TEXT, 0, CHISO_SHEET_INPUT);
    chiso_sheet_row_level(s, 3, 1);
    chiso_sheet_row_level(s, 4, 1);
    chiso_sheet_validate_number(s, 3, 3, 3, 3, 0, 2, 0, NULL);
    chiso_sheet_validate_number(s, 4, 3, 4, 3, 0, 1.5, 0, NULL);
    chiso_sheet_validate_list(s, 3, 4, 4, 4, yn, 2, NULL);
    chiso_sheet_note(s, 3, 3, "Giá trị tính từ sổ theo dõi nhiệm vụ.");
    chiso_sheet_freeze(s, 2, 2);
    chiso_sheet_column_width(s, 1, 40);
    chiso_sheet_print_setup(s, 1, 2);
    chiso_sheet_protect(s);

    /* names: forbidden characters, a duplicate ignoring case */
    chiso_sheet_add(b, "Bảng [1]: a/b*c?", &s);
    chiso_sheet_text(s, 0, 0, "x", 0);
    chiso_sheet_add(b, "TỔNG HỢP", &s);
    chiso_sheet_text(s, 0, 0, "y", 0);

    st = chiso_sheet_book_write(b, path, g);
    chiso_sheet_book_free(b);
    return st;
}

static const char *
tmp_path(const char *name)
{
    static char buf[4][512];
    static int k;
    const char *tmp = getenv("TMPDIR");

    k = (k + 1) % 4;
    snprintf(buf[k], sizeof(buf[k]), "%s/chiso_sheet_%ld_%s",
             tmp ? tmp : "/tmp", (long)getpid(), name);
    return buf[k];
}

static void
test_names(void **state)
{
    char out[128];

    (void)state;
    chiso_sheet_name_sanitize("Bảng [1]: a/b*c?", out, sizeof(out));
    assert_string_equal(out, "Bảng _1__ a_b_c_");
    chiso_sheet_name_sanitize("'Tiêu chí'", out, sizeof(out));
    assert_string_equal(out, "Tiêu chí");
    chiso_sheet_name_sanitize("", out, sizeof(out));
    assert_string_equal(out, "Sheet");
    chiso_sheet_name_sanitize(NULL, out, sizeof(out));
    assert_string_equal(out, "Sheet");
    /* 31 characters, cut at a character boundary (Vietnamese letters are
     * one character each) */
    chiso_sheet_name_sanitize("Kết quả thực hiện nhiệm vụ được giao năm 2024",
                              out, sizeof(out));
    assert_string_equal(out, "Kết quả thực hiện nhiệm vụ được");
    assert_int_equal(chiso_utf8_count(out, strlen(out)), 31);
    /* a cut that leaves a trailing space drops it */
    chiso_sheet_name_sanitize("Danh sách các tiêu chí bị trừ  điểm", out,
                              sizeof(out));
    assert_string_equal(out, "Danh sách các tiêu chí bị trừ");
    /* invalid UTF-8 and control characters */
    chiso_sheet_name_sanitize("a\xff"
                              "b\tc",
                              out, sizeof(out));
    assert_string_equal(out, "a_b_c");
}

static void
test_unique_names(void **state)
{
    chiso_sheet_book *b = NULL;
    chiso_sheet *s1, *s2, *s3, *s4;
    chiso_diag g;

    (void)state;
    chiso_diag_clear(&g);
    assert_int_equal(chiso_sheet_book_new(&b, NULL, &g), CHISO_OK);
    assert_int_equal(chiso_sheet_add(b, "Tổng hợp", &s1), CHISO_OK);
    assert_int_equal(chiso_sheet_add(b, "TỔNG HỢP", &s2), CHISO_OK);
    assert_int_equal(chiso_sheet_add(b, "tổng hợp", &s3), CHISO_OK);
    assert_int_equal(chiso_sheet_add(b, "history", &s4), CHISO_OK);
    assert_string_equal(chiso_sheet_name(s1), "Tổng hợp");
    assert_string_equal(chiso_sheet_name(s2), "TỔNG HỢP (2)");
    assert_string_equal(chiso_sheet_name(s3), "tổng hợp (3)");
    assert_string_equal(chiso_sheet_name(s4), "history (2)");
    /* a long duplicate keeps 31 characters with its suffix */
    assert_int_equal(
        chiso_sheet_add(b, "Kết quả thực hiện nhiệm vụ được giao", &s1),
        CHISO_OK);
    assert_int_equal(
        chiso_sheet_add(b, "Kết quả thực hiện nhiệm vụ được giao", &s2),
        CHISO_OK);
    assert_string_equal(chiso_sheet_name(s2), "Kết quả thực hiện nhiệm vụ (2)");
    chiso_sheet_book_free(b);
}

static void
test_deterministic(void **state)
{
    char *a = NULL, *c = NULL;
    size_t na = 0, nc = 0;
    chiso_diag g;
    const char *p1 = tmp_path("det1.xlsx"), *p2 = tmp_path("det2.xlsx");

    (void)state;
    chiso_diag_clear(&g);
    assert_int_equal(write_full(p1, &g), CHISO_OK);
    sleep(1); /* a clock in the output would show */
    assert_int_equal(write_full(p2, &g), CHISO_OK);
    assert_int_equal(chiso_file_read_all(p1, &a, &na, &g), CHISO_OK);
    assert_int_equal(chiso_file_read_all(p2, &c, &nc, &g), CHISO_OK);
    assert_true(na > 1000);
    assert_int_equal(na, nc);
    assert_memory_equal(a, c, na);
    /* the creation date is the fixed one */
    assert_non_null(memmem(a, na, "PK", 2));
    free(a);
    free(c);
    unlink(p1);
    unlink(p2);
}

/* An error is kept: the write fails with the first one and the previous
 * file is left as it was. */
static void
test_errors_kept(void **state)
{
    chiso_sheet_book *b = NULL;
    chiso_sheet *s;
    chiso_diag g;
    const char *p = tmp_path("kept.xlsx");
    static const chiso_sheet_column cols[] = {{"Tên", CHISO_SHEET_TEXT, 0, 0},
                                              {"Ngày", CHISO_SHEET_DATE, 0, 0}};
    char *data = NULL;
    size_t n = 0;

    (void)state;
    chiso_diag_clear(&g);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs("previous", f);
    fclose(f);
    assert_int_equal(chiso_sheet_book_new(&b, NULL, &g), CHISO_OK);
    assert_int_equal(chiso_sheet_add_table(b, "Bảng", NULL, cols, 2, &s),
                     CHISO_OK);
    assert_int_equal(chiso_sheet_put_text(s, "a\xc3"), CHISO_EDATA);
    /* later errors do not replace the first */
    assert_int_equal(chiso_sheet_put_date(s, "30/06/2024"), CHISO_EDATA);
    assert_int_equal(chiso_sheet_book_error(b, NULL), CHISO_EDATA);
    assert_int_equal(chiso_sheet_book_write(b, p, &g), CHISO_EDATA);
    assert_non_null(strstr(g.message, "trang 'Bảng' ô A2"));
    assert_non_null(strstr(g.message, "UTF-8"));
    chiso_sheet_book_free(b);
    assert_int_equal(chiso_file_read_all(p, &data, &n, &g), CHISO_OK);
    assert_string_equal(data, "previous");
    free(data);
    unlink(p);
}

static void
test_errors_each(void **state)
{
    chiso_sheet_book *b = NULL;
    chiso_sheet *s, *t;
    chiso_diag g;
    chiso_sheet_book_options o = CHISO_SHEET_BOOK_OPTIONS_INIT;
    static const chiso_sheet_column cols[] = {{"Tên", CHISO_SHEET_TEXT, 0, 0},
                                              {"Ngày", CHISO_SHEET_DATE, 0, 0}};
    static const char *const bad_list[] = {"có, không"};
    char big[40000];

    (void)state;
    o.lang = CHISO_LANG_EN;
    /* each call below fails; a fresh workbook for each keeps the first
     * error visible */
#define FRESH()                                                                \
    do {                                                                       \
        chiso_sheet_book_free(b);                                              \
        assert_int_equal(chiso_sheet_book_new(&b, &o, &g), CHISO_OK);          \
        assert_int_equal(chiso_sheet_add(b, "S", &s), CHISO_OK);               \
    } while (0)
    chiso_diag_clear(&g);
    FRESH();
    assert_int_equal(chiso_sheet_text(s, 0, 0, "a\001b", 0), CHISO_EDATA);
    chiso_sheet_book_error(b, &g);
    assert_string_equal(
        g.message, "sheet 'S' cell A1: control character U+0001 in the text");
    FRESH();
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(chiso_sheet_text(s, 0, 0, big, 0), CHISO_EDATA);
    FRESH();
    assert_int_equal(chiso_sheet_text(s, 1048576, 0, "x", 0), CHISO_EDATA);
    chiso_sheet_book_error(b, &g);
    assert_non_null(strstr(g.message, "row 1048577"));
    FRESH();
    assert_int_equal(chiso_sheet_date(s, 0, 0, 2023, 2, 29, 0), CHISO_EDATA);
    chiso_sheet_book_error(b, &g);
    assert_string_equal(g.message, "sheet 'S' cell A1: 2023-02-29 is not a "
                                   "date Excel can hold");
    FRESH();
    assert_int_equal(chiso_sheet_number(s, 0, 0, 1, CHISO_SHEET_NUMBER, 11, 0),
                     CHISO_EINVAL);
    FRESH();
    assert_int_equal(
        chiso_sheet_validate_list(s, 0, 0, 3, 0, bad_list, 1, NULL),
        CHISO_EDATA);
    FRESH();
    assert_int_equal(chiso_sheet_validate_number(s, 0, 0, 3, 0, 5, 1, 0, NULL),
                     CHISO_EINVAL);
    FRESH();
    assert_int_equal(chiso_sheet_merge(s, 0, 0, 0, 0, "x", 0), CHISO_EINVAL);
    FRESH();
    assert_int_equal(
        chiso_sheet_formula(s, 0, 0, "=", 1, CHISO_SHEET_NUMBER, 0, 0),
        CHISO_EINVAL);
    FRESH();
    assert_int_equal(chiso_sheet_add_table(b, "T", NULL, cols, 2, &t),
                     CHISO_OK);
    assert_int_equal(chiso_sheet_put_number(t, 1), CHISO_EINVAL);
    chiso_sheet_book_error(b, &g);
    assert_string_equal(g.message,
                        "table 'T' column 'Tên' is not a number column");
    FRESH();
    /* not a table */
    assert_int_equal(chiso_sheet_put_text(s, "x"), CHISO_EINVAL);
    /* a workbook without a sheet */
    chiso_sheet_book_free(b);
    assert_int_equal(chiso_sheet_book_new(&b, &o, &g), CHISO_OK);
    chiso_diag_clear(&g);
    assert_int_equal(chiso_sheet_book_write(b, tmp_path("none.xlsx"), &g),
                     CHISO_EINVAL);
    assert_int_equal(access(tmp_path("none.xlsx"), F_OK), -1);
    chiso_sheet_book_free(b);
    b = NULL;
#undef FRESH
}

/* Messages are Vietnamese by default. */
static void
test_vietnamese_messages(void **state)
{
    chiso_sheet_book *b = NULL;
    chiso_sheet *s;
    chiso_diag g;

    (void)state;
    chiso_diag_clear(&g);
    assert_int_equal(chiso_sheet_book_new(&b, NULL, &g), CHISO_OK);
    assert_int_equal(chiso_sheet_add(b, "S", &s), CHISO_OK);
    assert_int_equal(chiso_sheet_date(s, 0, 0, 2023, 2, 29, 0), CHISO_EDATA);
    chiso_sheet_book_error(b, &g);
    assert_string_equal(g.message, "trang 'S' ô A1: 2023-02-29 không phải "
                                   "ngày Excel lưu được");
    chiso_sheet_book_free(b);
}

static void
test_io_error(void **state)
{
    chiso_diag g;

    (void)state;
    chiso_diag_clear(&g);
    assert_int_equal(write_full("/nonexistent-dir/x.xlsx", &g), CHISO_EIO);
    assert_string_equal(g.path, "/nonexistent-dir/x.xlsx");
}

/* Column widths fit the content: checked in the XML (cols element). */
static void
test_widths(void **state)
{
    chiso_sheet_book *b = NULL;
    chiso_sheet *s;
    chiso_diag g;
    const char *p = tmp_path("widths.xlsx");
    static const chiso_sheet_column cols[] = {
        {"Tên", CHISO_SHEET_TEXT, 0, 0},
        {"Số", CHISO_SHEET_NUMBER, 2, 0},
        {"Một tiêu đề rất dài của cột phần trăm", CHISO_SHEET_PERCENT, 2, 0}};

    (void)state;
    chiso_diag_clear(&g);
    assert_int_equal(chiso_sheet_book_new(&b, NULL, &g), CHISO_OK);
    assert_int_equal(chiso_sheet_add_table(b, "W", NULL, cols, 3, &s),
                     CHISO_OK);
    chiso_sheet_put_text(s, "Sở Khoa học và Công nghệ"); /* 24 columns */
    chiso_sheet_put_number(s, 1234567.891);              /* 1,234,567.89 */
    chiso_sheet_put_number(s, 81.23);                    /* 81.23% */
    assert_int_equal(chiso_sheet_book_write(b, p, &g), CHISO_OK);
    chiso_sheet_book_free(b);
    /* the XML is checked by check_sheet.py; here only that it was written */
    assert_int_equal(access(p, F_OK), 0);
    unlink(p);
}

static int
write_samples(const char *dir)
{
    char path[1024];
    chiso_diag g;

    chiso_diag_clear(&g);
    snprintf(path, sizeof(path), "%s/full.xlsx", dir);
    if (write_full(path, &g) != CHISO_OK) {
        fprintf(stderr, "test_sheet: %s: %s\n", g.path, g.message);
        return 1;
    }
    snprintf(path, sizeof(path), "%s/full2.xlsx", dir);
    if (write_full(path, &g) != CHISO_OK) {
        fprintf(stderr, "test_sheet: %s: %s\n", g.path, g.message);
        return 1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_unique_names),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_errors_kept),
        cmocka_unit_test(test_errors_each),
        cmocka_unit_test(test_vietnamese_messages),
        cmocka_unit_test(test_io_error),
        cmocka_unit_test(test_widths),
    };

    if (argc == 3 && strcmp(argv[1], "--write") == 0) {
        return write_samples(argv[2]);
    }
    return cmocka_run_group_tests_name("sheet", tests, NULL, NULL);
}

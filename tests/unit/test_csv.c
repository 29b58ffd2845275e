/* test_csv.c - CSV reader, positions, value parsers, evidence sheets. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_dataset.h"
#include "datasets_int.h"
#include "helpers.h"

/* Read all rows of a CSV held in memory; returns the status at the end. */
static chiso_status
read_all(const char *text,
         size_t *n_rows,
         chiso_diag *d,
         char fields[][8][32],
         size_t *n_fields)
{
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    chiso_status st;

    memset(d, 0, sizeof(*d));
    d->lang = CHISO_LANG_EN;
    *n_rows = 0;
    st = chiso_csv_open_mem(&r, "t.csv", text, strlen(text), NULL, d);
    if (st != CHISO_OK) {
        return st;
    }
    while ((st = chiso_csv_next(r, &row, d)) == CHISO_OK) {
        size_t k;
        if (fields != NULL && *n_rows < 8) {
            n_fields[*n_rows] = row.n;
            for (k = 0; k < row.n && k < 8; k++) {
                snprintf(fields[*n_rows][k], 32, "%s", row.field[k]);
            }
        }
        (*n_rows)++;
    }
    chiso_csv_close(r);
    return st;
}

static void
test_delimiters_bom_crlf(void **state)
{
    char f[8][8][32];
    size_t nf[8], n;
    chiso_diag d;

    (void)state;
    assert_int_equal(read_all("\xEF\xBB\xBFMã;Giá trị\r\n1.1;85,5\r\n1.2;"
                              "\"a;b\"\r\n",
                              &n, &d, f, nf),
                     CHISO_DONE);
    assert_int_equal(n, 3);
    assert_string_equal(f[0][0], "Mã");
    assert_string_equal(f[1][1], "85,5");
    assert_string_equal(f[2][1], "a;b");
    assert_int_equal(read_all("a\tb\n1\t2\n", &n, &d, f, nf), CHISO_DONE);
    assert_int_equal(nf[1], 2);
    assert_string_equal(f[1][1], "2");
    /* Excel's "sep=" line */
    assert_int_equal(read_all("sep=;\na;b\n1,5;2\n", &n, &d, f, nf),
                     CHISO_DONE);
    assert_int_equal(n, 2);
    assert_string_equal(f[1][0], "1,5");
    /* no final newline, blank lines skipped */
    assert_int_equal(read_all("a,b\n\n1,2", &n, &d, f, nf), CHISO_DONE);
    assert_int_equal(n, 2);
}

static void
test_quoted_newlines_and_lines(void **state)
{
    const char *text = "id,note,v\n1,\"hai\ndòng\",x\n2,ok,y\n";
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    chiso_diag d;
    unsigned long line, col;

    (void)state;
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_csv_open_mem(&r, "t.csv", text, strlen(text), NULL, &d),
        CHISO_OK);
    assert_int_equal(chiso_csv_next(r, &row, &d), CHISO_OK);
    assert_int_equal(chiso_csv_next(r, &row, &d), CHISO_OK);
    assert_int_equal(row.line, 2);
    assert_string_equal(row.field[1], "hai\ndòng");
    chiso_csv_field_position(r, &row, 2, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 7); /* after 'dòng",' : d ò n g " , -> col 7 */
    assert_int_equal(chiso_csv_next(r, &row, &d), CHISO_OK);
    assert_int_equal(row.line, 4);
    chiso_csv_field_position(r, &row, 1, &line, &col);
    assert_int_equal(line, 4);
    assert_int_equal(col, 3);
    assert_int_equal(chiso_csv_next(r, &row, &d), CHISO_DONE);
    chiso_csv_close(r);
}

static void
test_malformed(void **state)
{
    size_t n;
    chiso_diag d;

    (void)state;
    assert_int_equal(read_all("a,b\n1,\"open\n2,3\n", &n, &d, NULL, NULL),
                     CHISO_EPARSE);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.column, 3);
    assert_non_null(strstr(d.message, "unterminated quoted field"));

    assert_int_equal(read_all("a,b\n1,2,3\n", &n, &d, NULL, NULL),
                     CHISO_EPARSE);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.column, 5);
    assert_string_equal(d.message, "row has 3 fields but the header has 2");

    assert_int_equal(read_all("a,b\n1\n", &n, &d, NULL, NULL), CHISO_EPARSE);
    assert_string_equal(d.message, "row has 1 fields but the header has 2");

    /* trailing empty cells are tolerated */
    assert_int_equal(read_all("a,b\n1,2,,\n", &n, &d, NULL, NULL), CHISO_DONE);

    assert_int_equal(read_all("a,b\n1,x\"y\n", &n, &d, NULL, NULL),
                     CHISO_EPARSE);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.column, 4);
    assert_non_null(strstr(d.message, "unexpected quote"));

    assert_int_equal(read_all("a,b\n\"x\"y,1\n", &n, &d, NULL, NULL),
                     CHISO_EPARSE);
    assert_non_null(strstr(d.message, "after a closing quote"));

    assert_int_equal(read_all("a,b\n1,\xFF\n", &n, &d, NULL, NULL),
                     CHISO_EPARSE);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.column, 3);

    assert_int_equal(read_all("\xFF\xFE"
                              "a\0,\0",
                              &n, &d, NULL, NULL),
                     CHISO_EPARSE);
    assert_non_null(strstr(d.message, "UTF-16"));

    assert_int_equal(read_all("a,b\r1,2\r3,4\r", &n, &d, NULL, NULL),
                     CHISO_EPARSE);
    assert_non_null(strstr(d.message, "carriage return"));
}

static void
test_bind(void **state)
{
    static const chiso_csv_column cols[] = {
        {"criterion_id", "ma_tieu_chi|id", 1},
        {"value", "gia_tri", 0},
        {"note", "ghi_chu", 0},
    };
    const char *text = "Giá trị,MÃ TIÊU CHÍ,Khác\n1,2,3\n";
    chiso_csv_reader *r = NULL;
    chiso_diag d;
    long idx[3];

    (void)state;
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_csv_open_mem(&r, "t.csv", text, strlen(text), NULL, &d),
        CHISO_OK);
    assert_int_equal(chiso_csv_bind(r, cols, 3, idx, &d), CHISO_OK);
    assert_int_equal(idx[0], 1);
    assert_int_equal(idx[1], 0);
    assert_int_equal(idx[2], -1);
    chiso_csv_close(r);

    text = "value,note\n1,2\n";
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    chiso_csv_open_mem(&r, "t.csv", text, strlen(text), NULL, &d);
    assert_int_equal(chiso_csv_bind(r, cols, 3, idx, &d), CHISO_ESCHEMA);
    assert_non_null(strstr(d.message, "missing column 'criterion_id'"));
    chiso_csv_close(r);

    text = "id,ma_tieu_chi\n1,2\n";
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    chiso_csv_open_mem(&r, "t.csv", text, strlen(text), NULL, &d);
    assert_int_equal(chiso_csv_bind(r, cols, 3, idx, &d), CHISO_ESCHEMA);
    assert_int_equal(d.column, 4);
    chiso_csv_close(r);

    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    chiso_csv_open_mem(&r, "t.csv", "", 0, NULL, &d);
    assert_int_equal(chiso_csv_bind(r, cols, 3, idx, &d), CHISO_EPARSE);
    assert_string_equal(d.message, "empty file: expected a header row");
    chiso_csv_close(r);
}

static void
test_numbers(void **state)
{
    double v = 0;

    (void)state;
    assert_int_equal(chiso_parse_number("85,5", 4, &v), 0);
    chiso_assert_close(v, 85.5, 0);
    assert_int_equal(chiso_parse_number(" 85.5 % ", 8, &v), 0);
    chiso_assert_close(v, 85.5, 0);
    assert_int_equal(chiso_parse_number("1.234.567", 9, &v), 0);
    chiso_assert_close(v, 1234567, 0);
    assert_int_equal(chiso_parse_number("1.234,5", 7, &v), 0);
    chiso_assert_close(v, 1234.5, 0);
    assert_int_equal(chiso_parse_number("1,234.5", 7, &v), 0);
    chiso_assert_close(v, 1234.5, 0);
    assert_int_equal(chiso_parse_number("-0,25", 5, &v), 0);
    chiso_assert_close(v, -0.25, 0);
    assert_int_equal(chiso_parse_number("2e3", 3, &v), 0);
    chiso_assert_close(v, 2000, 0);
    assert_int_equal(chiso_parse_number(",5", 2, &v), 0);
    chiso_assert_close(v, 0.5, 0);
    assert_int_equal(chiso_parse_number("", 0, &v), -1);
    assert_int_equal(chiso_parse_number("abc", 3, &v), -1);
    assert_int_equal(chiso_parse_number("1.2.3,4", 7, &v), -1);
    assert_int_equal(chiso_parse_number("1,23,4", 6, &v), -1);
    assert_int_equal(chiso_parse_number("nan", 3, &v), -1);
    assert_int_equal(chiso_parse_number("inf", 3, &v), -1);
    assert_int_equal(chiso_parse_number("1e999", 5, &v), -1);
    assert_int_equal(chiso_parse_number("-", 1, &v), -1);
    assert_int_equal(chiso_parse_number("1e", 2, &v), -1);
}

static void
test_dates(void **state)
{
    int64_t s = 0;
    int has_time = 0;
    char why[128];

    (void)state;
    assert_int_equal(
        chiso_parse_datetime("2024-03-31", 10, &s, &has_time, why, sizeof(why)),
        0);
    assert_int_equal(s, 1711843200);
    assert_false(has_time);
    assert_int_equal(chiso_parse_datetime("31/03/2024 08:30", 16, &s, &has_time,
                                          why, sizeof(why)),
                     0);
    assert_int_equal(s, 1711843200 + 8 * 3600 + 30 * 60);
    assert_true(has_time);
    assert_int_equal(chiso_parse_datetime("08:30:15 31/03/2024", 19, &s,
                                          &has_time, why, sizeof(why)),
                     0);
    assert_int_equal(s, 1711843200 + 8 * 3600 + 30 * 60 + 15);
    assert_int_equal(chiso_parse_datetime("2024-03-31T23:59:59", 19, &s,
                                          &has_time, why, sizeof(why)),
                     0);
    assert_int_equal(s, 1711843200 + 86399);
    assert_int_equal(
        chiso_parse_datetime("1/2/2024", 8, &s, &has_time, why, sizeof(why)),
        0);
    assert_int_equal(s, chiso_days_from_civil(2024, 2, 1) * 86400);
    assert_int_equal(
        chiso_parse_datetime("29/02/2024", 10, &s, &has_time, why, sizeof(why)),
        0);
    assert_int_equal(
        chiso_parse_datetime("31/02/2024", 10, &s, &has_time, why, sizeof(why)),
        -1);
    assert_string_equal(why, "impossible date: February 2024 has 29 days");
    assert_int_equal(
        chiso_parse_datetime("29/02/2023", 10, &s, &has_time, why, sizeof(why)),
        -1);
    assert_string_equal(why, "impossible date: February 2023 has 28 days");
    assert_int_equal(
        chiso_parse_datetime("2024-13-01", 10, &s, &has_time, why, sizeof(why)),
        -1);
    assert_string_equal(why, "impossible date: month 13 does not exist");
    assert_int_equal(
        chiso_parse_datetime("31/03/24", 8, &s, &has_time, why, sizeof(why)),
        -1);
    assert_non_null(strstr(why, "two-digit year"));
    assert_int_equal(
        chiso_parse_datetime("45382", 5, &s, &has_time, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "Excel serial date"));
    assert_int_equal(chiso_parse_datetime("2024-03-31 25:00", 16, &s, &has_time,
                                          why, sizeof(why)),
                     -1);
    assert_int_equal(chiso_parse_datetime("hôm qua", strlen("hôm qua"), &s,
                                          &has_time, why, sizeof(why)),
                     -1);
}

static void
test_civil_roundtrip(void **state)
{
    int64_t z;
    int y;
    unsigned m, d;

    (void)state;
    for (z = -800000; z <= 800000; z += 37) {
        chiso_civil_from_days(z, &y, &m, &d);
        assert_int_equal(chiso_days_from_civil(y, m, d), z);
    }
    assert_int_equal(chiso_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(chiso_days_from_civil(2000, 3, 1), 11017);
}

static void
test_bool_na(void **state)
{
    (void)state;
    assert_int_equal(chiso_parse_bool("Có", strlen("Có")), 1);
    assert_int_equal(chiso_parse_bool("KHÔNG", strlen("KHÔNG")), 0);
    assert_int_equal(chiso_parse_bool("Đạt", strlen("Đạt")), 1);
    assert_int_equal(chiso_parse_bool("không đạt", strlen("không đạt")), 0);
    assert_int_equal(chiso_parse_bool("x", 1), 1);
    assert_int_equal(chiso_parse_bool("maybe", 5), -1);
    assert_int_equal(chiso_parse_bool("x?", 2), -1);
    assert_int_equal(chiso_parse_bool("1.", 2), -1);
    assert_int_equal(chiso_parse_bool(" có ", strlen(" có ")), 1);
    assert_true(
        chiso_text_is_not_applicable("Không áp dụng", strlen("Không áp dụng")));
    assert_true(chiso_text_is_not_applicable("N/A", 3));
    assert_true(chiso_text_is_not_applicable("KAD", 3));
    assert_false(chiso_text_is_not_applicable("0", 1));
}

static void
test_evidence(void **state)
{
    const char *p = chiso_test_file(
        "ev.csv", "\xEF\xBB\xBFMã tiêu chí;Giá trị;Điểm tự chấm;Điểm thẩm "
                  "định;Tài liệu kiểm chứng;Ghi chú\n"
                  "1.1;;2;1,5;QĐ 12/QĐ-SKHCN;\n"
                  "1.2;85,5;;;BC 45/BC;\"ghi chú; có dấu\"\n"
                  ";;;;;\n"
                  "1.3;KAD;;;;\n"
                  "1.4;Có;;;;\n");
    chiso_evidence *ev = NULL;
    chiso_diag d;

    (void)state;
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_evidence_load(&ev, p, &d), CHISO_OK);
    assert_int_equal(ev->n, 4);
    assert_string_equal(ev->entries[0].id, "1.1");
    assert_true(ev->entries[0].has_points);
    chiso_assert_close(ev->entries[0].points, 2, 0);
    chiso_assert_close(ev->entries[0].appraised, 1.5, 0);
    assert_true(ev->entries[1].has_value);
    chiso_assert_close(ev->entries[1].value, 85.5, 0);
    assert_string_equal(ev->entries[1].note, "ghi chú; có dấu");
    assert_true(ev->entries[2].not_applicable);
    assert_false(ev->entries[3].has_value);
    assert_string_equal(ev->entries[3].value_text, "Có");
    assert_int_equal(ev->entries[1].line, 3);
    assert_int_equal(ev->entries[1].col_value, 5);
    chiso_evidence_free(ev);
}

static void
test_evidence_errors(void **state)
{
    chiso_evidence *ev = NULL;
    chiso_diag d;
    chiso_diag_list list;

    (void)state;
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_evidence_load(&ev,
                            chiso_test_file("e1.csv", "criterion_id,points\n"
                                                      "1.1,abc\n"),
                            &d),
        CHISO_EDATA);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.column, 5);
    assert_string_equal(d.message, "invalid number 'abc' in column 'points'");
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_evidence_load(&ev,
                            chiso_test_file("e2.csv", "criterion_id,points\n"
                                                      "1.1,-1\n"),
                            &d),
        CHISO_EDATA);
    assert_string_equal(d.message, "negative value '-1' in column 'points'");
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_evidence_load(&ev,
                            chiso_test_file("e3.csv", "criterion_id,points\n"
                                                      "1.1,1\n1.1,2\n"),
                            &d),
        CHISO_EDATA);
    assert_string_equal(d.message,
                        "duplicate criterion id '1.1' (first given at line 2)");
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_evidence_load(&ev, "/nonexistent/x.csv", &d),
                     CHISO_EIO);
    /* collect mode finds all three problems */
    chiso_diag_list_init(&list, 10);
    assert_int_equal(
        chiso_evidence_load_all(
            &ev,
            chiso_test_file("e4.csv", "criterion_id,points,value\n"
                                      "1.1,x,1\n1.2,1,zz\n1.3,-2,1\n"),
            &list),
        CHISO_EDATA);
    assert_int_equal(list.n, 3);
    chiso_diag_list_free(&list);
}

/* A tree for chiso_evidence_check_tree: 1 -> 1.1, 1.2; 2 -> 2.1, 2.2;
 * 2.2 -> 2.2.1, 2.2.2. */
static int
tree_children(void *ctx, const char *id, const char *const **kids, size_t *n)
{
    static const char *const k1[] = {"1.1", "1.2"};
    static const char *const k2[] = {"2.1", "2.2"};
    static const char *const k22[] = {"2.2.1", "2.2.2"};

    (void)ctx;
    if (strcmp(id, "1") == 0) {
        *kids = k1;
        *n = 2;
        return 1;
    }
    if (strcmp(id, "2") == 0) {
        *kids = k2;
        *n = 2;
        return 1;
    }
    if (strcmp(id, "2.2") == 0) {
        *kids = k22;
        *n = 2;
        return 1;
    }
    return strchr(id, '.') != NULL ? 0 : -1;
}

/*
 * Issue 11: a sheet as offices keep it - title rows, an STT column, area
 * rows with their points, a heading without id, a "Tổng cộng" row. Area 1
 * says 6 points, its children 2 + 3.5 = 5.5: a warning. Area 2 says 4,
 * its children 1 + (1.5 + 1.5) = 4 (2.2 has no row: the sum of its own
 * children): no warning. The totals row (8.5) is skipped and never read.
 */
static void
test_evidence_office_sheet(void **state)
{
    const char *p = chiso_test_file(
        "ev_office.csv", "BẢNG TỰ CHẤM ĐIỂM NĂM 2024;;;\n"
                         "Đơn vị: Sở Tư pháp;;;\n"
                         "STT;Mã tiêu chí;Tên tiêu chí;Điểm tự chấm\n"
                         "I;1;Công tác chỉ đạo;6\n"
                         "1;1.1;Kế hoạch;2\n"
                         "2;1.2;Báo cáo;3,5\n"
                         ";;Lĩnh vực thứ hai;\n"
                         "II;2;Hiện đại hóa;4\n"
                         "3;2.1;Trực tuyến;1\n"
                         "4;2.2.1;Số hóa;1,5\n"
                         "5;2.2.2;Ký số;1,5\n"
                         ";;Tổng cộng;8,5\n");
    chiso_evidence *ev = NULL;
    chiso_diag_list problems, notes, warnings;
    chiso_table_options o = CHISO_TABLE_OPTIONS_INIT;
    chiso_evidence_tree tree = {NULL, tree_children};
    size_t n_inner = 0;

    (void)state;
    chiso_diag_list_init(&problems, 10);
    chiso_diag_list_init(&notes, 10);
    chiso_diag_list_init(&warnings, 10);
    problems.lang = notes.lang = warnings.lang = CHISO_LANG_EN;
    o.notes = &notes;
    assert_int_equal(chiso_evidence_load_ex(&ev, p, &o, &problems), CHISO_OK);
    assert_int_equal(problems.n, 0);
    assert_int_equal(ev->n, 7); /* heading and totals rows are not rows */
    assert_string_equal(ev->entries[0].id, "1");
    assert_int_equal(ev->entries[0].line, 4);
    assert_int_equal(notes.n, 2);
    assert_string_equal(notes.items[0].kind, "rows_above_header");
    assert_string_equal(notes.items[1].kind, "totals_row_skipped");
    assert_int_equal(notes.items[1].line, 12);
    assert_int_equal(chiso_evidence_check_tree(ev, &tree, &warnings, &n_inner),
                     CHISO_OK);
    assert_int_equal(n_inner, 2);
    assert_int_equal(warnings.n, 1);
    assert_string_equal(warnings.items[0].kind, "inner_points_differ");
    assert_string_equal(warnings.items[0].criterion_id, "1");
    assert_int_equal(warnings.items[0].line, 4);
    assert_non_null(strstr(warnings.items[0].message, "has 6 points"));
    assert_non_null(strstr(warnings.items[0].message, "add up to 5.5"));
    chiso_evidence_free(ev);
    chiso_diag_list_free(&problems);
    chiso_diag_list_free(&notes);
    chiso_diag_list_free(&warnings);
}

/* Duplicate ids over many rows: the check is linear (a hash), and every
 * duplicate is found, bad rows included. */
static void
test_evidence_duplicates(void **state)
{
    chiso_buf b = CHISO_BUF_INIT;
    chiso_evidence *ev = NULL;
    chiso_diag_list problems;
    int i;
    const char *p;

    (void)state;
    chiso_buf_puts(&b, "criterion_id,unit,points\n");
    for (i = 0; i < 20000; i++) {
        chiso_buf_printf(&b, "c%d,U%d,%s\n", i % 10000, i / 10000,
                         i == 3 ? "x" : "1");
    }
    chiso_buf_puts(&b, "c3,U0,1\nc5,U1,1\n");
    p = chiso_test_file("ev_dup.csv", b.data);
    chiso_diag_list_init(&problems, 10);
    problems.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_evidence_load_all(&ev, p, &problems), CHISO_EDATA);
    /* 'x' at line 5, then c3 of U0 again (its first row was bad) and c5 of
     * U1 again */
    assert_int_equal(problems.n, 3);
    assert_non_null(strstr(problems.items[1].message,
                           "duplicate criterion id 'c3' (first given at line "
                           "5)"));
    assert_int_equal(problems.items[2].line, 20003);
    chiso_diag_list_free(&problems);
    chiso_buf_free(&b);
}

/* Every word of the vocabularies folds to its key (the table and
 * docs/vocabulary.md cannot drift apart), no key is listed twice in one
 * vocabulary, and the words offices write mean what they say. */
static void
test_vocabularies(void **state)
{
    static const struct {
        chiso_vocab v;
        const char *text;
        int value;
    } cases[] = {
        {CHISO_VOCAB_CHANNEL, "Trực tuyến", CHISO_CHANNEL_ONLINE},
        {CHISO_VOCAB_CHANNEL, " TRỰC TUYẾN TOÀN TRÌNH ",
         CHISO_CHANNEL_ONLINE_FULL},
        {CHISO_VOCAB_CHANNEL, "Trực tuyến một phần",
         CHISO_CHANNEL_ONLINE_PARTIAL},
        {CHISO_VOCAB_CHANNEL, "Trực tiếp", CHISO_CHANNEL_DIRECT},
        {CHISO_VOCAB_CHANNEL, "Nộp trực tiếp", CHISO_CHANNEL_DIRECT},
        {CHISO_VOCAB_CHANNEL, "Qua dịch vụ BCCI", CHISO_CHANNEL_POSTAL},
        {CHISO_VOCAB_CHANNEL, "Qua bưu chính công ích", CHISO_CHANNEL_POSTAL},
        {CHISO_VOCAB_CHANNEL, "Fax", CHISO_VOCAB_UNKNOWN},
        {CHISO_VOCAB_FLAG, "Có", 1},
        {CHISO_VOCAB_FLAG, "không", 0},
        {CHISO_VOCAB_FLAG, "Đã số hóa", 1},
        {CHISO_VOCAB_FLAG, "Chưa số hóa", 0},
        {CHISO_VOCAB_FLAG, "Đã ký số", 1},
        {CHISO_VOCAB_FLAG, "Chưa ký số", 0},
        {CHISO_VOCAB_FLAG, "x", 1},
        {CHISO_VOCAB_FLAG, "\xE2\x9C\x93", 1},
        {CHISO_VOCAB_FLAG, "x?", CHISO_VOCAB_UNKNOWN},
        {CHISO_VOCAB_FLAG, "  ", CHISO_VOCAB_EMPTY},
        {CHISO_VOCAB_SATISFACTION, "Rất hài lòng", 5},
        {CHISO_VOCAB_SATISFACTION, "Hài lòng", 4},
        {CHISO_VOCAB_SATISFACTION, "Bình thường", 3},
        {CHISO_VOCAB_SATISFACTION, "Không hài lòng", 2},
        {CHISO_VOCAB_SATISFACTION, "Chưa đánh giá", 0},
        {CHISO_VOCAB_TASK_STATUS, "Đã hoàn thành đúng hạn",
         CHISO_TASK_DONE_ON_TIME},
        {CHISO_VOCAB_TASK_STATUS, "Đã hoàn thành quá hạn",
         CHISO_TASK_DONE_LATE},
        {CHISO_VOCAB_TASK_STATUS, "Đang thực hiện trong hạn", CHISO_TASK_OPEN},
        {CHISO_VOCAB_TASK_STATUS, "Đang thực hiện quá hạn", CHISO_TASK_OPEN},
        {CHISO_VOCAB_TASK_STATUS, "Chưa hoàn thành", CHISO_TASK_OPEN},
        {CHISO_VOCAB_TASK_STATUS, "Đã hủy", CHISO_TASK_CANCELLED},
        {CHISO_VOCAB_DOSSIER_STATUS, "Đã trả kết quả", CHISO_DOSSIER_FINISHED},
        {CHISO_VOCAB_DOSSIER_STATUS, "Trả kết quả quá hạn",
         CHISO_DOSSIER_FINISHED},
        {CHISO_VOCAB_DOSSIER_STATUS, "Đang giải quyết", CHISO_DOSSIER_OPEN},
        {CHISO_VOCAB_DOSSIER_STATUS, "Đã hủy", CHISO_DOSSIER_CANCELLED},
        {CHISO_VOCAB_DOSSIER_STATUS, "Trả lại hồ sơ", CHISO_DOSSIER_RETURNED},
        {CHISO_VOCAB_DOSSIER_STATUS, "Rút hồ sơ", CHISO_DOSSIER_WITHDRAWN},
    };
    size_t i, k, j, n;
    char key[96];
    chiso_vocab_cache cache;

    (void)state;
    for (k = 0; k < CHISO_VOCAB_COUNT; k++) {
        n = chiso_vocab_count((chiso_vocab)k);
        assert_true(n > 0);
        for (i = 0; i < n; i++) {
            const char *ki, *kj;
            int value;
            const char *word =
                chiso_vocab_entry((chiso_vocab)k, i, &value, &ki);
            if (word != NULL) {
                chiso_vocab_key(word, strlen(word), key, sizeof(key));
                if (strcmp(key, ki) != 0) {
                    fail_msg("%s: '%s' folds to '%s', table says '%s'",
                             chiso_vocab_name((chiso_vocab)k), word, key, ki);
                }
            }
            for (j = 0; j < i; j++) {
                chiso_vocab_entry((chiso_vocab)k, j, NULL, &kj);
                if (strcmp(ki, kj) == 0) {
                    fail_msg("%s: key '%s' twice",
                             chiso_vocab_name((chiso_vocab)k), ki);
                }
            }
        }
    }
    memset(&cache, 0, sizeof(cache));
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = chiso_vocab_lookup(cases[i].v, cases[i].text,
                                     strlen(cases[i].text));
        if (got != cases[i].value) {
            fail_msg("'%s': %d, expected %d", cases[i].text, got,
                     cases[i].value);
        }
        /* twice through the cache: the same answer */
        for (j = 0; j < 2; j++) {
            assert_int_equal(chiso_vocab_cached(&cache, cases[i].v,
                                                cases[i].text,
                                                strlen(cases[i].text)),
                             cases[i].value);
        }
    }
    /* the cache tells vocabularies apart: "Đã hủy" is a status, not a
     * flag */
    assert_int_equal(chiso_vocab_cached(&cache, CHISO_VOCAB_FLAG, "Đã hủy",
                                        strlen("Đã hủy")),
                     CHISO_VOCAB_UNKNOWN);
}

/* docs/vocabulary.md and the table of datasets/vocab.c list the same words
 * (each row: | word | means | `key` |). */
static void
test_vocabulary_doc(void **state)
{
    const char *root = getenv("CHISO_SOURCE_DIR");
    char path[1024], *doc = NULL;
    size_t len = 0, k, i, n;
    chiso_diag d;

    (void)state;
    if (root == NULL) {
        skip();
    }
    snprintf(path, sizeof(path), "%s/docs/vocabulary.md", root);
    memset(&d, 0, sizeof(d));
    assert_int_equal(chiso_file_read_all(path, &doc, &len, &d), CHISO_OK);
    for (k = 0; k < CHISO_VOCAB_COUNT; k++) {
        n = chiso_vocab_count((chiso_vocab)k);
        for (i = 0; i < n; i++) {
            const char *key;
            const char *word = chiso_vocab_entry((chiso_vocab)k, i, NULL, &key);
            char row[256];
            if (word == NULL) {
                continue;
            }
            snprintf(row, sizeof(row), "| %s |", word);
            if (strstr(doc, row) == NULL) {
                fail_msg("docs/vocabulary.md lacks '%s'", word);
            }
            snprintf(row, sizeof(row), "| `%s` |", key);
            if (strstr(doc, row) == NULL) {
                fail_msg("docs/vocabulary.md lacks key '%s'", key);
            }
        }
    }
    /* and every key the document shows is known */
    {
        const char *p = doc;
        while ((p = strstr(p, "| `")) != NULL) {
            const char *e = strchr(p + 3, '`');
            char key[96];
            int known = 0;
            size_t m = e ? (size_t)(e - p - 3) : 0;
            if (e == NULL || m >= sizeof(key)) {
                break;
            }
            memcpy(key, p + 3, m);
            key[m] = '\0';
            for (k = 0; k < CHISO_VOCAB_COUNT && !known; k++) {
                n = chiso_vocab_count((chiso_vocab)k);
                for (i = 0; i < n && !known; i++) {
                    const char *kk;
                    chiso_vocab_entry((chiso_vocab)k, i, NULL, &kk);
                    known = strcmp(kk, key) == 0;
                }
            }
            if (!known) {
                fail_msg("docs/vocabulary.md shows '%s', which no table has",
                         key);
            }
            p = e + 1;
        }
    }
    free(doc);
}

/* A self-assessment workbook with two bad cells (tests/data/messy,
 * make_messy.py): both are listed in one pass, named by cell, and the rows
 * read well are still given (chiso_evidence_load_partial) for the checks
 * that follow; a header over two rows in CSV is joined. */
static void
test_evidence_workbook_partial(void **state)
{
    const char *p = "../data/messy/evidence-bad.xlsx";
    chiso_evidence *ev = NULL;
    chiso_diag_list problems;
    chiso_table_options o = CHISO_TABLE_OPTIONS_INIT;
    char where[256];
    unsigned long line, col;
    char *text = NULL;
    size_t len = 0;

    (void)state;
    chiso_diag_list_init(&problems, 10);
    problems.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_evidence_load_partial(&ev, p, &o, &problems),
                     CHISO_EDATA);
    assert_non_null(ev);
    assert_int_equal(problems.n, 2);
    assert_string_equal(problems.items[0].path,
                        "../data/messy/evidence-bad.xlsx:Phiếu!C6");
    assert_non_null(strstr(problems.items[0].message, "chín mươi"));
    assert_string_equal(problems.items[1].path,
                        "../data/messy/evidence-bad.xlsx:Phiếu!C8");
    assert_int_equal(ev->n, 3); /* 1, 1.1, 1.3 */
    assert_string_equal(ev->sheet, "Phiếu");
    chiso_evidence_where(ev, &ev->entries[2], ev->entries[2].col_id, where,
                         sizeof(where), &line, &col);
    assert_string_equal(where, "../data/messy/evidence-bad.xlsx:Phiếu!A7");
    assert_int_equal(line, 0);
    chiso_evidence_free(ev);
    chiso_diag_list_free(&problems);
    /* load_ex keeps its contract: nothing on an error */
    chiso_diag_list_init(&problems, 10);
    ev = NULL;
    assert_int_equal(chiso_evidence_load_ex(&ev, p, &o, &problems),
                     CHISO_EDATA);
    assert_null(ev);
    chiso_diag_list_free(&problems);
    /* the head of the workbook as text, for validate */
    assert_int_equal(chiso_table_head_text(p, 0, &text, &len, NULL), CHISO_OK);
    assert_non_null(strstr(text, "Mã tiêu chí;Tên tiêu chí"));
    free(text);
    assert_int_equal(chiso_table_head_text(p, 1, &text, &len, NULL),
                     CHISO_DONE);
    assert_int_equal(chiso_table_head_text("../data/messy/tasks-messy.csv", 0,
                                           &text, &len, NULL),
                     CHISO_EINVAL);
    /* a CSV header over two rows: "Điểm" over "Tự chấm", "STT" once */
    p = chiso_test_file("ev_two_rows.csv", "PHIẾU TỰ CHẤM;;\n"
                                           "STT;Mã tiêu chí;Điểm\n"
                                           ";;Tự chấm\n"
                                           "1;1.1;2\n"
                                           "2;1.2;1,5\n");
    chiso_diag_list_init(&problems, 10);
    assert_int_equal(chiso_evidence_load_ex(&ev, p, &o, &problems), CHISO_OK);
    assert_int_equal(ev->n, 2);
    assert_int_equal(ev->entries[1].has_points, 1);
    chiso_assert_close(ev->entries[1].points, 1.5, 0);
    assert_null(ev->sheet);
    chiso_evidence_free(ev);
    chiso_diag_list_free(&problems);
}

/* The tokenizer's UTF-8 check, 32 bytes at a time (AVX2, when the CPU has
 * it), 16 at a time and byte by byte, against chiso_utf8_valid: every
 * 2-byte string and a sample of 3- and 4-byte ones at the edges of a 16-
 * and a 32-byte block, cut there or followed by ASCII, and
 * random text. (Every 3-byte string was compared once by hand.) */
static void
test_utf8_check(void **state)
{
    chiso__tok simd, scalar, ssse3;
    unsigned char b[48];
    static const int at[7] = {0, 13, 14, 15, 29, 30, 31};
    unsigned x = 7u;
    size_t i, n;
    int k, it;

    (void)state;
    chiso__tok_init(&simd, ',');
    chiso__tok_init(&scalar, ',');
    chiso__tok_init(&ssse3, ',');
    scalar.simd_utf8 = 0;
    if (ssse3.simd_utf8 == 2) {
        ssse3.simd_utf8 = 1; /* the 16-byte path on an AVX2 machine too */
    }
    for (k = 0; k < 7; k++) {
        for (it = 0; it < (1 << 16) + 200000; it++) {
            memset(b, 'a', sizeof(b));
            if (it < (1 << 16)) {
                b[at[k]] = (unsigned char)(it >> 8);
                b[at[k] + 1] = (unsigned char)it;
            } else {
                for (i = 0; i < 4; i++) {
                    x = x * 1103515245u + 12345u;
                    b[at[k] + i] = (unsigned char)(0x70 + (x >> 16) % 0x90);
                }
            }
            for (n = (size_t)at[k] + 2; n <= (size_t)at[k] + 6; n += 2) {
                int ref = chiso_utf8_valid((const char *)b, n, NULL) != 0;
                const unsigned char *at_k = b + at[k];
                assert_int_equal(chiso__utf8_check(&simd, b, b, b + n) != 0,
                                 ref);
                /* the ASCII before at_k may be read too */
                assert_int_equal(chiso__utf8_check(&simd, b, at_k, b + n) != 0,
                                 ref);
                assert_int_equal(
                    chiso__utf8_check(&simd, at_k, at_k, b + n) != 0, ref);
                assert_int_equal(chiso__utf8_check(&scalar, b, b, b + n) != 0,
                                 ref);
                assert_int_equal(chiso__utf8_check(&ssse3, b, b, b + n) != 0,
                                 ref);
            }
        }
    }
}

/* Cut a buffer record by record with T; the rows as text (code, fields,
 * consumed bytes) in out. */
static void
cut_all(const chiso__tok *T, const unsigned char *b, size_t n, chiso_buf *out)
{
    const char *f[16];
    size_t len[16], nf, used, i;
    char scratch[512];
    chiso__fields J;
    const char *p = (const char *)b, *e = (const char *)b + n;
    int k, quoted;

    while (p < e) {
        J.f = f;
        J.len = len;
        J.scratch = scratch;
        J.scratch_cap = sizeof(scratch);
        J.cap = 12;
        k = chiso__tokenize(T, &J, p, e, 1, &nf, &used, &quoted);
        chiso_buf_printf(out, "%d %zu q%d:", k, nf, quoted);
        if (k != CHISO__T_ROW && k != CHISO__T_BLANK) {
            chiso_buf_puts(out, "\n");
            return;
        }
        for (i = 0; i < nf; i++) {
            chiso_buf_printf(out, "[%zu]", len[i]);
            chiso_buf_append(out, f[i], len[i]);
        }
        chiso_buf_printf(out, " +%zu\n", used);
        p += used;
    }
}

/* The AVX2 tokenizer (64-byte windows, chosen at run time) against the
 * SSE2 one on random records of delimiters, quotes, spaces, '\r', NULs,
 * UTF-8 and bad bytes, long and short, with all three delimiters. On a
 * CPU without AVX2 both runs take the SSE2 path. */
static void
test_tokenize_avx2(void **state)
{
    static const unsigned char alpha[] = {
        'a',  'b',  '1',  ',',  ';', '\t', ' ', ' ', '\r', '\n', '"',  0xC3,
        0xA9, 0xE1, 0xBA, 0xBF, 'x', 'y',  'z', '-', ':',  'T',  0xFF, 0};
    static const char delims[3] = {',', ';', '\t'};
    unsigned char b[700];
    unsigned x = 12345u;
    int it, d;

    (void)state;
    for (d = 0; d < 3; d++) {
        chiso__tok fast, sse2;
        chiso__tok_init(&fast, delims[d]);
        chiso__tok_init(&sse2, delims[d]);
        sse2.simd_avx2 = 0;
        for (it = 0; it < 40000; it++) {
            chiso_buf A = CHISO_BUF_INIT, B = CHISO_BUF_INIT;
            size_t n, i, rare;
            x = x * 1103515245u + 12345u;
            n = (x >> 8) % sizeof(b);
            x = x * 1103515245u + 12345u;
            /* mostly plain text: the special bytes 1 in `rare` */
            rare = 2 + (x >> 8) % 40;
            for (i = 0; i < n; i++) {
                x = x * 1103515245u + 12345u;
                if ((x >> 8) % rare == 0) {
                    x = x * 1103515245u + 12345u;
                    b[i] = alpha[(x >> 8) % sizeof(alpha)];
                } else {
                    x = x * 1103515245u + 12345u;
                    b[i] = (x >> 8) % 5 == 0
                               ? (unsigned char)delims[d]
                               : (unsigned char)('a' + (x >> 9) % 26);
                }
            }
            cut_all(&fast, b, n, &A);
            cut_all(&sse2, b, n, &B);
            assert_int_equal(A.len, B.len);
            if (A.len > 0) {
                assert_memory_equal(A.data, B.data, A.len);
            }
            chiso_buf_free(&A);
            chiso_buf_free(&B);
        }
    }
}

/* A record with more fields than the field array holds: T_BAD with *nf at
 * the array's capacity, so the reader grows it and cuts the record again
 * (before, a plain record said *nf == 0 and every row of a file wider than
 * 64 columns went to libcsv). Plain and quoted records both. */
static void
test_tokenize_wide(void **state)
{
    /* each record is followed by another, so that the 16-byte scan runs */
    static const char *rec[2] = {
        "a,b,c,d,e,f\nnext,record,in,the,buffer\n",
        "a,\"b\",c,d,e,f\nnext,record,in,the,buffer\n"};
    const char *f[8];
    size_t len[8], nf, used;
    char scratch[64];
    chiso__fields J;
    chiso__tok T;
    int k, quoted;

    (void)state;
    chiso__tok_init(&T, ',');
    for (k = 0; k < 2; k++) {
        const char *p = rec[k];
        J.f = f;
        J.len = len;
        J.scratch = scratch;
        J.scratch_cap = sizeof(scratch);
        J.cap = 4;
        assert_int_equal(
            chiso__tokenize(&T, &J, p, p + strlen(p), 1, &nf, &used, &quoted),
            CHISO__T_BAD);
        assert_int_equal(nf, 4);
        J.cap = 8;
        assert_int_equal(
            chiso__tokenize(&T, &J, p, p + strlen(p), 1, &nf, &used, &quoted),
            CHISO__T_ROW);
        assert_int_equal(nf, 6);
        assert_int_equal(used, (size_t)(strchr(p, '\n') - p) + 1);
        assert_int_equal(len[5], 1);
        assert_memory_equal(f[5], "f", 1);
        assert_int_equal(quoted, k);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vocabularies),
        cmocka_unit_test(test_vocabulary_doc),
        cmocka_unit_test(test_delimiters_bom_crlf),
        cmocka_unit_test(test_quoted_newlines_and_lines),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_utf8_check),
        cmocka_unit_test(test_tokenize_wide),
        cmocka_unit_test(test_tokenize_avx2),
        cmocka_unit_test(test_bind),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_civil_roundtrip),
        cmocka_unit_test(test_bool_na),
        cmocka_unit_test(test_evidence),
        cmocka_unit_test(test_evidence_errors),
        cmocka_unit_test(test_evidence_office_sheet),
        cmocka_unit_test(test_evidence_workbook_partial),
        cmocka_unit_test(test_evidence_duplicates),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}

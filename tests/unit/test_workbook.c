/*
 * test_workbook.c - the workbook reader (datasets/workbook).
 *
 * 1. Fixtures written by independent writers (openpyxl, XlsxWriter,
 *    LibreOffice, a hand-written strict/.NET-style package; see
 *    tests/data/workbook/make_fixtures.py) are read and compared cell by
 *    cell with NAME.expected.json, which the generator derived from the
 *    values it wrote. Numbers are also checked against strtod of the
 *    expected text, and date serials against a day count done here.
 * 2. The value rules (numbers, dates, number formats, escapes, references)
 *    against independent computations.
 * 3. Every documented error, on packages built here with libzip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_workbook.h"
#include "workbook_int.h"
#include "helpers.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* ---- helpers ------------------------------------------------------------- */

static chiso_diag
en_diag(void)
{
    chiso_diag d;
    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    return d;
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    if (len != NULL) {
        *len = (size_t)n;
    }
    return buf;
}

/* Days from 1899-12-30 to y-m-d, counted year by year and month by month
 * (an independent check of the serials; Excel's 1900-02-29 is day 60). */
static double
excel_serial(int y, int m, int d)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long days = 0;
    int k;

    if (y == 1900 && m == 2 && d == 29) {
        return 60;
    }
    for (k = 1900; k < y; k++) {
        days += (k % 4 == 0 && (k % 100 != 0 || k % 400 == 0)) ? 366 : 365;
    }
    for (k = 1; k < m; k++) {
        days += dm[k - 1] +
                (k == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
    }
    days += d; /* 1900-01-01 -> 1 */
    if (days >= 60) {
        days++; /* after the fictitious 1900-02-29 */
    }
    return (double)days;
}

/* The serial a date text stands for, or -1. */
static double
text_serial(const char *t)
{
    int y, mo, d, hh = 0, mi = 0, ss = 0;
    if (strlen(t) == 8 && sscanf(t, "%d:%d:%d", &hh, &mi, &ss) == 3) {
        return (hh * 3600 + mi * 60 + ss) / 86400.0;
    }
    if (sscanf(t, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &hh, &mi, &ss) < 3) {
        return -1;
    }
    return excel_serial(y, mo, d) + (hh * 3600 + mi * 60 + ss) / 86400.0;
}

static const char *
kind_name(const chiso_cell *c)
{
    if (c->flags & CHISO_CELL_UNCALCULATED) {
        return "uncalculated";
    }
    switch (c->kind) {
    case CHISO_CELL_EMPTY:
        return "empty";
    case CHISO_CELL_TEXT:
        return "text";
    case CHISO_CELL_NUMBER:
        return "number";
    case CHISO_CELL_BOOL:
        return "bool";
    case CHISO_CELL_DATE:
        return "date";
    case CHISO_CELL_ERROR:
        return "error";
    }
    return "?";
}

/* ---- 1. fixtures ------------------------------------------------------------ */

static void
check_fixture(const char *file, const char *expected)
{
    char *json = slurp(chiso_test_path(expected), NULL);
    cJSON *doc, *sheets, *reads, *rd;
    chiso_workbook *wb = NULL;
    chiso_diag d = en_diag();
    size_t k;

    assert_non_null(json);
    doc = cJSON_Parse(json);
    assert_non_null(doc);
    if (chiso_workbook_open(&wb, chiso_test_path(file), &d) != CHISO_OK) {
        fail_msg("%s: %s: %s", file, d.path, d.message);
    }
    sheets = cJSON_GetObjectItem(doc, "sheets");
    assert_int_equal(chiso_workbook_sheet_count(wb),
                     (size_t)cJSON_GetArraySize(sheets));
    for (k = 0; k < chiso_workbook_sheet_count(wb); k++) {
        cJSON *s = cJSON_GetArrayItem(sheets, (int)k);
        assert_string_equal(chiso_workbook_sheet_name(wb, k),
                            cJSON_GetArrayItem(s, 0)->valuestring);
        assert_int_equal(chiso_workbook_sheet_hidden(wb, k),
                         cJSON_GetArrayItem(s, 1)->valueint);
    }
    reads = cJSON_GetObjectItem(doc, "reads");
    cJSON_ArrayForEach(rd, reads)
    {
        cJSON *sheet = cJSON_GetObjectItem(rd, "sheet");
        cJSON *rows = cJSON_GetObjectItem(rd, "rows"), *er;
        chiso_workbook_row row;
        chiso_status st;
        const char *want_sheet =
            cJSON_IsString(sheet) ? sheet->valuestring : NULL;

        d = en_diag();
        assert_int_equal(
            chiso_workbook_fill_merged(
                wb, cJSON_IsTrue(cJSON_GetObjectItem(rd, "fill")), &d),
            CHISO_OK);
        if (chiso_workbook_select(wb, want_sheet, &d) != CHISO_OK) {
            fail_msg("%s sheet %s: %s", file, want_sheet ? want_sheet : "-",
                     d.message);
        }
        assert_string_equal(chiso_workbook_selected_name(wb),
                            cJSON_GetObjectItem(rd, "selected")->valuestring);
        cJSON_ArrayForEach(er, rows)
        {
            int want_row = cJSON_GetArrayItem(er, 0)->valueint;
            cJSON *cells = cJSON_GetArrayItem(er, 1), *ec;
            size_t col, seen = 0;

            st = chiso_workbook_next_row(wb, &row, &d);
            if (st != CHISO_OK) {
                fail_msg("%s [%s] row %d: status %d %s", file,
                         want_sheet ? want_sheet : "-", want_row, st,
                         d.message);
            }
            if ((int)row.row != want_row) {
                fail_msg("%s [%s]: row %u, expected %d", file,
                         want_sheet ? want_sheet : "-", row.row, want_row);
            }
            assert_true(row.n >= 1);
            assert_true(row.cells[row.n - 1].kind != CHISO_CELL_EMPTY ||
                        (row.cells[row.n - 1].flags & CHISO_CELL_UNCALCULATED));
            for (col = 1; col <= row.n; col++) {
                const chiso_cell *c = &row.cells[col - 1];
                char ref[16];
                const char *want_kind = "empty", *want_text = "";
                chiso_workbook_cell_ref((uint32_t)col, row.row, ref,
                                        sizeof(ref));
                cJSON_ArrayForEach(ec, cells)
                {
                    if (strcmp(cJSON_GetArrayItem(ec, 0)->valuestring, ref) ==
                        0) {
                        want_kind = cJSON_GetArrayItem(ec, 1)->valuestring;
                        want_text = cJSON_GetArrayItem(ec, 2)->valuestring;
                        seen++;
                    }
                }
                assert_non_null(c->text);
                assert_int_equal(c->text[c->len], '\0');
                assert_int_equal(strlen(c->text), c->len);
                if (strcmp(kind_name(c), want_kind) != 0 ||
                    strcmp(c->text, want_text) != 0) {
                    fail_msg("%s [%s] %s: got %s \"%s\", expected %s \"%s\"",
                             file, want_sheet ? want_sheet : "-", ref,
                             kind_name(c), c->text, want_kind, want_text);
                }
                if (c->kind == CHISO_CELL_NUMBER) {
                    double v = strtod(c->text, NULL);
                    assert_true(!(v < c->number) && !(v > c->number));
                } else if (c->kind == CHISO_CELL_DATE) {
                    double v = text_serial(c->text);
                    /* text is rounded to the second */
                    chiso_assert_close(c->number, v, 0.5 / 86400 + 1e-9);
                } else if (c->kind == CHISO_CELL_BOOL) {
                    chiso_assert_close(c->number, c->text[0] == 'T' ? 1 : 0, 0);
                } else {
                    assert_true(isnan(c->number));
                }
            }
            if (seen != (size_t)cJSON_GetArraySize(cells)) {
                fail_msg("%s [%s] row %d: %zu expected cells not in the row "
                         "(n = %zu)",
                         file, want_sheet ? want_sheet : "-", want_row,
                         (size_t)cJSON_GetArraySize(cells) - seen, row.n);
            }
        }
        st = chiso_workbook_next_row(wb, &row, &d);
        if (st != CHISO_DONE) {
            fail_msg("%s [%s]: extra row %u (status %d %s)", file,
                     want_sheet ? want_sheet : "-", row.row, st, d.message);
        }
        /* DONE again, never a crash, after the end */
        assert_int_equal(chiso_workbook_next_row(wb, &row, &d), CHISO_DONE);
    }
    chiso_workbook_free(wb);
    cJSON_Delete(doc);
    free(json);
}

#define FIXTURE(name, file, exp)                                               \
    static void name(void **state)                                             \
    {                                                                          \
        (void)state;                                                           \
        check_fixture("tests/data/workbook/" file,                             \
                      "tests/data/workbook/" exp ".expected.json");            \
    }

FIXTURE(fixture_openpyxl, "openpyxl_dossiers.xlsx", "openpyxl_dossiers")
FIXTURE(fixture_openpyxl_1904, "openpyxl_1904.xlsx", "openpyxl_1904")
FIXTURE(fixture_xlsxwriter_inline,
        "xlsxwriter_inline.xlsx",
        "xlsxwriter_inline")
FIXTURE(fixture_xlsxwriter_shared,
        "xlsxwriter_shared.xlsx",
        "xlsxwriter_shared")
FIXTURE(fixture_libreoffice_xlsx,
        "libreoffice_dossiers.xlsx",
        "libreoffice_dossiers.xlsx")
FIXTURE(fixture_libreoffice_xls,
        "libreoffice_dossiers.xls",
        "libreoffice_dossiers.xls")
FIXTURE(fixture_handmade, "handmade_sdk.xlsx", "handmade_sdk")

/* The same workbooks from memory give the same first rows. */
static void
open_mem_same_as_file(void **state)
{
    static const char *files[] = {
        "tests/data/workbook/openpyxl_dossiers.xlsx",
        "tests/data/workbook/libreoffice_dossiers.xls"};
    size_t f;

    (void)state;
    for (f = 0; f < 2; f++) {
        size_t len;
        char *data = slurp(chiso_test_path(files[f]), &len);
        chiso_workbook *a = NULL, *b = NULL;
        chiso_workbook_row ra, rb;
        chiso_diag d = en_diag();
        chiso_status sa, sb;
        assert_non_null(data);
        assert_int_equal(chiso_workbook_sniff(data, len),
                         f == 0 ? CHISO_WORKBOOK_XLSX : CHISO_WORKBOOK_XLS);
        assert_int_equal(chiso_workbook_open(&a, chiso_test_path(files[f]), &d),
                         CHISO_OK);
        assert_int_equal(chiso_workbook_open_mem(&b, "mem", data, len, &d),
                         CHISO_OK);
        assert_int_equal(chiso_workbook_format(b),
                         f == 0 ? CHISO_WORKBOOK_XLSX : CHISO_WORKBOOK_XLS);
        assert_string_equal(chiso_workbook_path(b), "mem");
        assert_int_equal(chiso_workbook_select(a, "2", &d), CHISO_OK);
        assert_int_equal(chiso_workbook_select(b, "2", &d), CHISO_OK);
        for (;;) {
            size_t k;
            sa = chiso_workbook_next_row(a, &ra, &d);
            sb = chiso_workbook_next_row(b, &rb, &d);
            assert_int_equal(sa, sb);
            if (sa != CHISO_OK) {
                break;
            }
            assert_int_equal(ra.row, rb.row);
            assert_int_equal(ra.n, rb.n);
            for (k = 0; k < ra.n; k++) {
                assert_string_equal(ra.cells[k].text, rb.cells[k].text);
            }
        }
        assert_int_equal(sa, CHISO_DONE);
        chiso_workbook_free(a);
        chiso_workbook_free(b);
        free(data);
    }
}

/* Selecting again rewinds; the default sheet's first row is not lost. */
static void
select_rewinds(void **state)
{
    chiso_workbook *wb = NULL;
    chiso_workbook_row row;
    chiso_diag d = en_diag();
    uint32_t first;

    (void)state;
    assert_int_equal(
        chiso_workbook_open(
            &wb, chiso_test_path("tests/data/workbook/xlsxwriter_inline.xlsx"),
            &d),
        CHISO_OK);
    assert_null(chiso_workbook_selected_name(wb));
    assert_int_equal(chiso_workbook_selected_index(wb), (size_t)-1);
    assert_int_equal(chiso_workbook_next_row(wb, &row, &d), CHISO_EINVAL);
    d = en_diag();
    assert_int_equal(chiso_workbook_select(wb, NULL, &d), CHISO_OK);
    assert_int_equal(chiso_workbook_selected_index(wb), 1);
    assert_int_equal(chiso_workbook_next_row(wb, &row, &d), CHISO_OK);
    first = row.row;
    assert_int_equal(first, 1);
    assert_int_equal(chiso_workbook_next_row(wb, &row, &d), CHISO_OK);
    assert_int_equal(row.row, 2);
    assert_int_equal(chiso_workbook_select(wb, "Hồ sơ", &d), CHISO_OK);
    assert_int_equal(chiso_workbook_next_row(wb, &row, &d), CHISO_OK);
    assert_int_equal(row.row, first);
    assert_string_equal(
        row.cells[0].text,
        "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH");
    chiso_workbook_free(wb);
}

/* Merged ranges: before the rows (second pass), after them (free), and
 * from every writer that records them. */
static void
merges_listed(void **state)
{
    static const char *files[] = {
        "openpyxl_dossiers.xlsx", "xlsxwriter_inline.xlsx",
        "xlsxwriter_shared.xlsx", "libreoffice_dossiers.xlsx"};
    size_t f;

    (void)state;
    for (f = 0; f < 4; f++) {
        char rel[256];
        chiso_workbook *wb = NULL;
        chiso_workbook_row row;
        const chiso_workbook_range *r;
        size_t n;
        int known;
        chiso_diag d = en_diag();
        int pass;

        snprintf(rel, sizeof(rel), "tests/data/workbook/%s", files[f]);
        assert_int_equal(chiso_workbook_open(&wb, chiso_test_path(rel), &d),
                         CHISO_OK);
        for (pass = 0; pass < 2; pass++) {
            assert_int_equal(chiso_workbook_select(wb, "Hồ sơ", &d), CHISO_OK);
            if (pass == 1) {
                while (chiso_workbook_next_row(wb, &row, &d) == CHISO_OK) {
                }
            }
            assert_int_equal(chiso_workbook_merges(wb, &r, &n, &known, &d),
                             CHISO_OK);
            assert_int_equal(known, 1);
            if (n != 3) {
                fail_msg("%s pass %d: %zu merges", files[f], pass, n);
            }
            assert_int_equal(r[0].first_row, 1);
            assert_int_equal(r[0].first_col, 1);
            assert_int_equal(r[0].last_row, 1);
            assert_int_equal(r[0].last_col, 10);
            assert_int_equal(r[1].first_row, 2);
            assert_int_equal(r[2].first_row, 12);
            assert_int_equal(r[2].last_col, 4);
        }
        assert_int_equal(chiso_workbook_select(wb, "Tổng hợp", &d), CHISO_OK);
        assert_int_equal(chiso_workbook_merges(wb, &r, &n, &known, &d),
                         CHISO_OK);
        assert_int_equal(n, 0);
        chiso_workbook_free(wb);
    }
}

/* ---- 2. value rules ---------------------------------------------------------- */

/* Shortest round-trip text, the slow obvious way. */
static void
shortest_ref(double x, char *out)
{
    int p;
    for (p = 1; p <= 17; p++) {
        snprintf(out, 40, "%.*g", p, x);
        if (!(strtod(out, NULL) < x) && !(strtod(out, NULL) > x)) {
            return;
        }
    }
}

static void
numbers_shortest(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"0", "0"},
        {"-0", "0"},
        {"0.0", "0"},
        {"12", "12"},
        {"+12.50", "12.5"},
        {" 7 ", "7"},
        {"0.1", "0.1"},
        {"0.30000000000000004", "0.30000000000000004"},
        {"1E-3", "0.001"},
        {"1.5E+20", "1.5e+20"},
        {"1e-7", "1e-07"},
        {"0.000001", "0.000001"},
        {"123456789012345", "123456789012345"},
        {"1234567890123456", "1234567890123456"},
        {"12345678901234567", "12345678901234568"},
        {"123456789012345678", "1.2345678901234568e+17"},
        {"45292.5", "45292.5"},
        {"-250.75", "-250.75"},
        {"100", "100"},
        {"1e14", "100000000000000"},
        {"3.0000000000000001", "3"},
        {"0.1000000000000000055511151231257827", "0.1"},
        {"99999999999999999999999", "1e+23"},
    };
    static const char *bad[] = {"",    " ",    "1.2.3", "abc", "1e",    "--1",
                                "1,5", "0x10", "inf",   "nan", "1e999", "12 3"};
    size_t i;
    char out[48];
    size_t n;
    double v;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (!chiso_workbook__parse_number(cases[i].in, strlen(cases[i].in), &v,
                                          out, &n)) {
            fail_msg("\"%s\" refused", cases[i].in);
        }
        if (strcmp(out, cases[i].out) != 0 || n != strlen(out)) {
            fail_msg("\"%s\" -> \"%s\", expected \"%s\"", cases[i].in, out,
                     cases[i].out);
        }
        chiso_assert_close(v, strtod(cases[i].in, NULL), 0);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (chiso_workbook__parse_number(bad[i], strlen(bad[i]), &v, out, &n)) {
            fail_msg("\"%s\" accepted as %s", bad[i], out);
        }
    }
    /* random doubles: the value is exact, and the text has as many
     * significant digits as the shortest "%.*g" that reads back */
    srand(12345);
    for (i = 0; i < 20000; i++) {
        char in[48], ref[48];
        double x = ((double)rand() / RAND_MAX - 0.5) *
                   pow(10.0, (double)(rand() % 40 - 12));
        int digits_out = 0, digits_ref = 0;
        const char *p;
        snprintf(in, sizeof(in), i % 2 ? "%.17g" : "%.9g", x);
        x = strtod(in, NULL);
        assert_true(chiso_workbook__parse_number(in, strlen(in), &v, out, &n) ==
                    1);
        assert_true(!(v < x) && !(v > x));
        assert_true(!(strtod(out, NULL) < x) && !(strtod(out, NULL) > x));
        shortest_ref(x, ref);
        for (p = out; *p && *p != 'e'; p++) {
            digits_out += *p >= '1' && *p <= '9' ? 1 : 0;
        }
        for (p = ref; *p && *p != 'e'; p++) {
            digits_ref += *p >= '1' && *p <= '9' ? 1 : 0;
        }
        /* nonzero digits are a lower bound of the length: compare them */
        if (digits_out > digits_ref) {
            fail_msg("%s -> %s, longer than %s", in, out, ref);
        }
        /* and the writer agrees with util's shortest form */
        chiso_format_double(x, ref, sizeof(ref));
        if (strcmp(out, ref) != 0) {
            fail_msg("%s -> %s, chiso_format_double gives %s", in, out, ref);
        }
    }
}

static void
dates_serials(void **state)
{
    static const struct {
        double serial;
        int fmt;
        const char *text; /* NULL: not a date */
    } cases[] = {
        {1, WB_FMT_DATE, "1900-01-01"},
        {59, WB_FMT_DATE, "1900-02-28"},
        {60, WB_FMT_DATE, "1900-02-29"},
        {61, WB_FMT_DATE, "1900-03-01"},
        {45306, WB_FMT_DATE, "2024-01-15"},
        {45306.5, WB_FMT_DATE, "2024-01-15 12:00:00"},
        {45306, WB_FMT_DATETIME, "2024-01-15 00:00:00"},
        {45306.25, WB_FMT_TIME, "2024-01-15 06:00:00"},
        {0.25, WB_FMT_TIME, "06:00:00"},
        {0.25, WB_FMT_DATETIME, "06:00:00"},
        {0.25, WB_FMT_DATE, NULL},
        {0, WB_FMT_TIME, "00:00:00"},
        {-1, WB_FMT_DATE, NULL},
        {2958465, WB_FMT_DATE, "9999-12-31"},
        {2958465.99999999, WB_FMT_DATE, NULL}, /* rounds into year 10000 */
        {2958466, WB_FMT_DATE, NULL},
        {45306.99999999, WB_FMT_DATETIME, "2024-01-16 00:00:00"},
        {45306.5, WB_FMT_NUMBER, NULL},
    };
    size_t i;
    char out[48];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n =
            chiso_workbook__format_serial(cases[i].serial, cases[i].fmt, out);
        if (cases[i].text == NULL) {
            if (n != 0) {
                fail_msg("%.17g: \"%s\", expected no date", cases[i].serial,
                         out);
            }
        } else if (n == 0 || strcmp(out, cases[i].text) != 0) {
            fail_msg("%.17g -> \"%s\", expected \"%s\"", cases[i].serial,
                     n ? out : "(none)", cases[i].text);
        }
    }
    /* every day 1900..2200 against the independent day count */
    for (i = 1; i < 110000; i += 7) {
        int y, m, d;
        size_t n = chiso_workbook__format_serial((double)i, WB_FMT_DATE, out);
        assert_int_equal(n, 10);
        assert_int_equal(sscanf(out, "%d-%d-%d", &y, &m, &d), 3);
        chiso_assert_close(excel_serial(y, m, d), (double)i, 0);
        chiso_assert_close(chiso_workbook__serial(y, m, d, 0, 0, 0), (double)i,
                           0);
    }
    chiso_assert_close(chiso_workbook__serial(1900, 2, 29, 0, 0, 0), 60, 0);
    chiso_assert_close(chiso_workbook__serial(2023, 2, 29, 0, 0, 0), -1, 0);
    chiso_assert_close(chiso_workbook__serial(1899, 12, 31, 0, 0, 0), -1, 0);
}

static void
iso_dates(void **state)
{
    static const struct {
        const char *in;
        int ok, fmt;
        double serial;
    } cases[] = {
        {"2024-01-15", 1, WB_FMT_DATE, 45306},
        {"2024-01-15T12:00:00", 1, WB_FMT_DATETIME, 45306.5},
        {"2024-01-15T06:00:00Z", 1, WB_FMT_DATETIME, 45306.25},
        {"2024-01-15T06:00:00.000+07:00", 1, WB_FMT_DATETIME, 45306.25},
        {"2024-01-15 06:00", 1, WB_FMT_DATETIME, 45306.25},
        {"06:00:00", 1, WB_FMT_TIME, 0.25},
        {"2024-02-30", 0, 0, 0},
        {"2024-1-15", 0, 0, 0},
        {"24:00:00", 0, 0, 0},
        {"", 0, 0, 0},
        {"2024-01-15X", 0, 0, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double s = -7;
        int fmt = -1;
        int ok = chiso_workbook__parse_iso(cases[i].in, strlen(cases[i].in), &s,
                                           &fmt);
        if (ok != cases[i].ok) {
            fail_msg("\"%s\": ok %d, expected %d", cases[i].in, ok,
                     cases[i].ok);
        }
        if (ok) {
            assert_int_equal(fmt, cases[i].fmt);
            chiso_assert_close(s, cases[i].serial, 1e-9);
        }
    }
}

static void
number_formats(void **state)
{
    static const struct {
        const char *code;
        int cls;
    } cases[] = {
        {"General", WB_FMT_NUMBER},
        {"0.00", WB_FMT_NUMBER},
        {"#,##0.00\\ \"đ\";[Red]-#,##0.00", WB_FMT_NUMBER},
        {"0.00E+00", WB_FMT_NUMBER},
        {"0%", WB_FMT_NUMBER},
        {"@", WB_FMT_NUMBER},
        {"\"Ngày\" 0", WB_FMT_NUMBER},
        {"[Red]0.00", WB_FMT_NUMBER},
        {"dd/mm/yyyy", WB_FMT_DATE},
        {"d/m/yyyy", WB_FMT_DATE},
        {"[$-42A]d mmmm yyyy", WB_FMT_DATE},
        {"mmm-yy", WB_FMT_DATE},
        {"yyyy", WB_FMT_DATE},
        {"\"Ngày\" dd/mm/yyyy", WB_FMT_DATE},
        {"dd/mm/yyyy hh:mm", WB_FMT_DATETIME},
        {"dd/mm/yyyy\\ hh:mm:ss", WB_FMT_DATETIME},
        {"m/d/yyyy h:mm AM/PM", WB_FMT_DATETIME},
        {"hh:mm", WB_FMT_TIME},
        {"h:mm AM/PM", WB_FMT_TIME},
        {"mm:ss", WB_FMT_TIME},
        {"[h]:mm:ss", WB_FMT_TIME},
        {"[hh]", WB_FMT_TIME},
        {"dd/mm/yyyy;@", WB_FMT_DATE},
        {"0;\"dd\"", WB_FMT_NUMBER},
        {"\"TRUE\";\"TRUE\";\"FALSE\"", WB_FMT_NUMBER},
        {"", WB_FMT_NUMBER},
        {"\"unterminated", WB_FMT_NUMBER},
        {"[unterminated", WB_FMT_NUMBER},
        {"0\\", WB_FMT_NUMBER},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int c = chiso_workbook__format_class(cases[i].code);
        if (c != cases[i].cls) {
            fail_msg("\"%s\": class %d, expected %d", cases[i].code, c,
                     cases[i].cls);
        }
    }
    assert_int_equal(chiso_workbook__format_class(NULL), WB_FMT_NUMBER);
    for (i = 0; i < 200; i++) {
        int c = chiso_workbook__builtin_class((unsigned)i);
        int want = (i >= 14 && i <= 17) || (i >= 27 && i <= 31) || i == 36 ||
                           i == 50 || i == 51 || i == 54 || i == 57 || i == 58
                       ? WB_FMT_DATE
                   : i == 22 ? WB_FMT_DATETIME
                   : (i >= 18 && i <= 21) || (i >= 32 && i <= 35) ||
                           (i >= 45 && i <= 47) || i == 52 || i == 53 ||
                           i == 55 || i == 56
                       ? WB_FMT_TIME
                       : WB_FMT_NUMBER;
        assert_int_equal(c, want);
    }
}

static void
escapes(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"a_x000D_b", "a\rb"},
        {"_x005F_x000D_", "_x000D_"},
        {"_x000d__x000A_", "\r\n"},
        {"_x0041_", "A"},
        {"_x1EA0_", "\xe1\xba\xa0"},            /* Ạ */
        {"_xD83D__xDE00_", "\xf0\x9f\x98\x80"}, /* U+1F600 */
        {"_xD83D_", "\xef\xbf\xbd"},            /* a lone surrogate */
        {"_x0000_", "\xef\xbf\xbd"},            /* NUL never reaches text */
        {"_x00G0_", "_x00G0_"},
        {"_x000D", "_x000D"},
        {"no escapes", "no escapes"},
        {"__x0041__", "_A_"},
    };
    size_t i;
    char buf[64];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n;
        strcpy(buf, cases[i].in);
        n = chiso_workbook__unescape(buf, strlen(buf));
        buf[n] = '\0';
        if (strcmp(buf, cases[i].out) != 0) {
            fail_msg("\"%s\" -> \"%s\"", cases[i].in, buf);
        }
    }
}

static void
references(void **state)
{
    char out[64];
    uint32_t c, r;
    chiso_workbook *wb = NULL;
    chiso_diag d = en_diag();

    (void)state;
    chiso_workbook_cell_ref(1, 1, out, sizeof(out));
    assert_string_equal(out, "A1");
    chiso_workbook_cell_ref(2, 7, out, sizeof(out));
    assert_string_equal(out, "B7");
    chiso_workbook_cell_ref(26, 10, out, sizeof(out));
    assert_string_equal(out, "Z10");
    chiso_workbook_cell_ref(27, 10, out, sizeof(out));
    assert_string_equal(out, "AA10");
    chiso_workbook_cell_ref(702, 1, out, sizeof(out));
    assert_string_equal(out, "ZZ1");
    chiso_workbook_cell_ref(703, 1, out, sizeof(out));
    assert_string_equal(out, "AAA1");
    chiso_workbook_cell_ref(16384, 1048576, out, sizeof(out));
    assert_string_equal(out, "XFD1048576");
    chiso_workbook_cell_ref(3, 0, out, sizeof(out));
    assert_string_equal(out, "C");
    chiso_workbook_cell_ref(0, 9, out, sizeof(out));
    assert_string_equal(out, "9");
    chiso_workbook_cell_ref(27, 10, out, 3);
    assert_string_equal(out, "AA");

    assert_true(chiso_workbook__parse_ref("XFD1048576", &c, &r));
    assert_int_equal(c, 16384);
    assert_int_equal(r, 1048576);
    assert_true(chiso_workbook__parse_ref("$B$7", &c, &r));
    assert_int_equal(c, 2);
    assert_int_equal(r, 7);
    assert_true(chiso_workbook__parse_ref("aa10", &c, &r));
    assert_int_equal(c, 27);
    assert_false(chiso_workbook__parse_ref("XFE1", &c, &r));
    assert_false(chiso_workbook__parse_ref("A1048577", &c, &r));
    assert_false(chiso_workbook__parse_ref("A0", &c, &r));
    assert_false(chiso_workbook__parse_ref("1", &c, &r));
    assert_false(chiso_workbook__parse_ref("A1B", &c, &r));
    assert_false(chiso_workbook__parse_ref("AAAA1", &c, &r));

    /* positions name the file, the sheet and the cell */
    assert_int_equal(
        chiso_workbook_open(
            &wb, chiso_test_path("tests/data/workbook/openpyxl_dossiers.xlsx"),
            &d),
        CHISO_OK);
    chiso_workbook_position(wb, 7, 17, out, sizeof(out));
    assert_non_null(strstr(out, "openpyxl_dossiers.xlsx"));
    assert_null(strchr(out, '!'));
    assert_int_equal(chiso_workbook_select(wb, "ho so", &d), CHISO_OK);
    chiso_workbook_position(wb, 7, 17, out, sizeof(out));
    assert_non_null(strstr(out, "openpyxl_dossiers.xlsx:Hồ sơ!G17"));
    chiso_workbook_position(wb, 0, 17, out, sizeof(out));
    assert_non_null(strstr(out, "openpyxl_dossiers.xlsx:Hồ sơ!17:17"));
    chiso_workbook_position(wb, 0, 0, out, sizeof(out));
    assert_int_equal(strcmp(out + strlen(out) - strlen(":Hồ sơ"), ":Hồ sơ"), 0);
    /* a short buffer keeps the sheet and the cell, cutting the file */
    chiso_workbook_position(wb, 7, 17, out, 24);
    assert_true(strlen(out) <= 23);
    assert_non_null(strstr(out, ":Hồ sơ!G17"));
    chiso_workbook_free(wb);
}

/* ---- 3. errors ----------------------------------------------------------------- */

/* Write a zip of (name, content) pairs, NULL-terminated; returns its path. */
static const char *
make_zip(const char *name, const char *const *parts)
{
    const char *path = chiso_test_file(name, "");
    zip_t *z;
    int err = 0;
    size_t i;

    z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(z);
    for (i = 0; parts[i] != NULL; i += 2) {
        zip_source_t *s =
            zip_source_buffer(z, parts[i + 1], strlen(parts[i + 1]), 0);
        assert_non_null(s);
        assert_true(zip_file_add(z, parts[i], s, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    return path;
}

#define RELS                                                                   \
    "<?xml version=\"1.0\"?><Relationships "                                   \
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"  \
    "<Relationship Id=\"rId1\" "                                               \
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"            \
    "relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"              \
    "</Relationships>"
#define BOOK                                                                   \
    "<workbook><sheets><sheet name=\"Trang 1\" sheetId=\"1\" r:id=\"rId1\"/>"  \
    "<sheet name=\"Biểu đồ\" sheetId=\"2\" r:id=\"rId3\"/>"               \
    "<sheet name=\"Ẩn\" sheetId=\"3\" state=\"veryHidden\" r:id=\"rId4\"/>"  \
    "</sheets></workbook>"
#define BOOK_RELS                                                              \
    "<Relationships>"                                                          \
    "<Relationship Id=\"rId1\" Type=\"x/worksheet\" "                          \
    "Target=\"worksheets/sheet1.xml\"/>"                                       \
    "<Relationship Id=\"rId2\" Type=\"x/sharedStrings\" "                      \
    "Target=\"sharedStrings.xml\"/>"                                           \
    "<Relationship Id=\"rId3\" Type=\"x/chartsheet\" "                         \
    "Target=\"chartsheets/sheet1.xml\"/>"                                      \
    "<Relationship Id=\"rId4\" Type=\"x/worksheet\" "                          \
    "Target=\"worksheets/sheet4.xml\"/>"                                       \
    "</Relationships>"
#define SST "<sst><si><t>một</t></si><si><t>hai</t></si></sst>"

/* A one-sheet workbook whose sheet XML is `sheet`. */
static const char *
mini_xlsx(const char *name, const char *sheet)
{
    const char *parts[] = {"_rels/.rels",
                           RELS,
                           "xl/workbook.xml",
                           BOOK,
                           "xl/_rels/workbook.xml.rels",
                           BOOK_RELS,
                           "xl/sharedStrings.xml",
                           SST,
                           "xl/worksheets/sheet1.xml",
                           sheet,
                           "xl/worksheets/sheet4.xml",
                           "<worksheet><sheetData><row><c t=\"s\"><v>1</v>"
                           "</c></row></sheetData></worksheet>",
                           NULL};
    return make_zip(name, parts);
}

/* Open + select the first sheet + read every row; returns the status
 * that ended it and fills d. */
static chiso_status
read_all(const char *path, chiso_diag *d, size_t *rows)
{
    chiso_workbook *wb = NULL;
    chiso_workbook_row row;
    chiso_status st;

    *rows = 0;
    st = chiso_workbook_open(&wb, path, d);
    if (st != CHISO_OK) {
        assert_null(wb);
        return st;
    }
    st = chiso_workbook_select(wb, "1", d);
    while (st == CHISO_OK &&
           (st = chiso_workbook_next_row(wb, &row, d)) == CHISO_OK) {
        (*rows)++;
    }
    if (st != CHISO_DONE) {
        /* sticky: the same error again, message and all */
        chiso_diag again = en_diag();
        if (chiso_workbook_selected_name(wb) != NULL) {
            assert_int_equal(chiso_workbook_next_row(wb, &row, &again), st);
            assert_string_equal(again.message, d->message);
            assert_string_equal(again.path, d->path);
        }
    }
    chiso_workbook_free(wb);
    return st;
}

static void
expect_error(const char *path,
             chiso_status want,
             const char *in_message,
             const char *in_path)
{
    chiso_diag d = en_diag();
    size_t rows;
    chiso_status st = read_all(path, &d, &rows);

    if (st != want) {
        fail_msg("%s: status %d (%s), expected %d", path, st, d.message, want);
    }
    assert_int_equal(d.code, want);
    assert_true(d.message[0] != '\0');
    assert_int_equal(d.line, 0);
    if (in_message != NULL && strstr(d.message, in_message) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", d.message, in_message);
    }
    if (in_path != NULL && strstr(d.path, in_path) == NULL) {
        fail_msg("path \"%s\" lacks \"%s\"", d.path, in_path);
    }
}

#define SHEET(rows) "<worksheet><sheetData>" rows "</sheetData></worksheet>"

static void
cells_of_every_kind(void **state)
{
    const char *p = mini_xlsx(
        "kinds.xlsx",
        SHEET("<row r=\"2\"><c r=\"B2\" t=\"s\"><v>0</v></c>"
              "<c r=\"D2\" t=\"b\"><v>1</v></c><c t=\"e\"><v>#DIV/0!</v></c>"
              "<c><f>SUM(A1)</f><v></v></c><c t=\"str\"><f>A1</f><v>x</v></c>"
              "<c t=\"str\"><f>\"\"</f><v></v></c><c t=\"n\"><v>  </v></c>"
              "<c s=\"9\"><v>3</v></c></row>"
              "<row r=\"3\"><c r=\"A3\"/><c r=\"B3\" t=\"inlineStr\"><is/></c>"
              "</row><row><c><f>1</f></c></row>"));
    chiso_workbook *wb = NULL;
    chiso_workbook_row row;
    chiso_diag d = en_diag();

    (void)state;
    assert_int_equal(chiso_workbook_open(&wb, p, &d), CHISO_OK);
    assert_int_equal(chiso_workbook_sheet_count(wb), 3);
    assert_int_equal(chiso_workbook_sheet_is_chart(wb, 1), 1);
    assert_int_equal(chiso_workbook_sheet_hidden(wb, 2), 2);
    assert_int_equal(chiso_workbook_sheet_hidden(wb, 9), -1);
    assert_null(chiso_workbook_sheet_name(wb, 9));
    assert_int_equal(chiso_workbook_date1904(wb), 0);
    assert_int_equal(chiso_workbook_select(wb, NULL, &d), CHISO_OK);
    assert_string_equal(chiso_workbook_selected_name(wb), "Trang 1");
    assert_int_equal(chiso_workbook_next_row(wb, &row, &d), CHISO_OK);
    assert_int_equal(row.row, 2);
    assert_int_equal(row.n, 10); /* B..J; the style 9 does not exist */
    assert_int_equal(row.cells[0].kind, CHISO_CELL_EMPTY);
    assert_string_equal(row.cells[1].text, "một");
    assert_int_equal(row.cells[2].kind, CHISO_CELL_EMPTY);
    assert_int_equal(row.cells[3].kind, CHISO_CELL_BOOL);
    assert_int_equal(row.cells[4].kind, CHISO_CELL_ERROR);
    assert_string_equal(row.cells[4].text, "#DIV/0!");
    assert_int_equal(row.cells[5].kind, CHISO_CELL_EMPTY);
    assert_int_equal(row.cells[5].flags,
                     CHISO_CELL_FORMULA | CHISO_CELL_UNCALCULATED);
    assert_int_equal(row.cells[6].kind, CHISO_CELL_TEXT);
    assert_int_equal(row.cells[6].flags, CHISO_CELL_FORMULA);
    assert_int_equal(row.cells[7].kind, CHISO_CELL_EMPTY);
    assert_int_equal(row.cells[7].flags, CHISO_CELL_FORMULA);
    assert_int_equal(row.cells[8].kind, CHISO_CELL_EMPTY); /* spaces only */
    assert_int_equal(row.cells[8].flags, 0);
    assert_int_equal(row.cells[9].kind, CHISO_CELL_NUMBER);
    assert_string_equal(row.cells[9].text, "3");
    /* row 3 holds only empty cells: skipped; row 4 an uncalculated one */
    assert_int_equal(chiso_workbook_next_row(wb, &row, &d), CHISO_OK);
    assert_int_equal(row.row, 4);
    assert_int_equal(row.n, 1);
    assert_int_equal(row.cells[0].flags,
                     CHISO_CELL_FORMULA | CHISO_CELL_UNCALCULATED);
    assert_int_equal(chiso_workbook_next_row(wb, &row, &d), CHISO_DONE);
    /* the very hidden sheet by name and by folded name */
    assert_int_equal(chiso_workbook_select(wb, "an", &d), CHISO_OK);
    assert_int_equal(chiso_workbook_next_row(wb, &row, &d), CHISO_OK);
    assert_string_equal(row.cells[0].text, "hai");
    chiso_workbook_free(wb);
}

static void
sheet_selection_errors(void **state)
{
    const char *p = mini_xlsx("sel.xlsx", SHEET(""));
    chiso_workbook *wb = NULL;
    chiso_workbook_row row;
    chiso_diag d = en_diag();

    (void)state;
    assert_int_equal(chiso_workbook_open(&wb, p, &d), CHISO_OK);
    /* no visible sheet holds data: the first visible worksheet, empty */
    assert_int_equal(chiso_workbook_select(wb, NULL, &d), CHISO_OK);
    assert_string_equal(chiso_workbook_selected_name(wb), "Trang 1");
    assert_int_equal(chiso_workbook_next_row(wb, &row, &d), CHISO_DONE);
    assert_int_equal(chiso_workbook_select(wb, "Hồ sơ", &d), CHISO_EUSAGE);
    assert_non_null(strstr(d.message, "\"Hồ sơ\""));
    assert_non_null(strstr(d.message, "1 \"Trang 1\""));
    assert_non_null(strstr(d.message, "2 \"Biểu đồ\" (chart sheet)"));
    assert_non_null(strstr(d.message, "3 \"Ẩn\" (hidden sheet)"));
    assert_null(chiso_workbook_selected_name(wb));
    d = en_diag();
    assert_int_equal(chiso_workbook_select(wb, "4", &d), CHISO_EUSAGE);
    d = en_diag();
    assert_int_equal(chiso_workbook_select(wb, "0", &d), CHISO_EUSAGE);
    d = en_diag();
    assert_int_equal(chiso_workbook_select(wb, "2", &d), CHISO_EUSAGE);
    assert_non_null(strstr(d.message, "chart"));
    d = en_diag();
    assert_int_equal(chiso_workbook_select(wb, "trang-1", &d), CHISO_OK);
    /* in Vietnamese by default */
    memset(&d, 0, sizeof(d));
    assert_int_equal(chiso_workbook_select(wb, "Không có", &d), CHISO_EUSAGE);
    assert_non_null(strstr(d.message, "Không có"));
    assert_int_equal(chiso_msg_has(CHISO_LANG_VI,
                                   "no sheet \"%s\" in the workbook; its "
                                   "sheets are: %s"),
                     1);
    chiso_workbook_free(wb);

    /* two sheets folding to the same name */
    {
        const char *parts[] = {
            "xl/workbook.xml",
            "<workbook><sheets><sheet name=\"Hồ sơ\" r:id=\"a\"/>"
            "<sheet name=\"HO SO\" r:id=\"b\"/></sheets></workbook>",
            "xl/_rels/workbook.xml.rels",
            "<Relationships><Relationship Id=\"a\" Type=\"x/worksheet\" "
            "Target=\"s.xml\"/><Relationship Id=\"b\" Type=\"x/worksheet\" "
            "Target=\"s.xml\"/></Relationships>",
            "xl/s.xml",
            SHEET(""),
            NULL};
        d = en_diag();
        assert_int_equal(
            chiso_workbook_open(&wb, make_zip("amb.xlsx", parts), &d),
            CHISO_OK);
        assert_int_equal(chiso_workbook_select(wb, "ho so", &d), CHISO_EUSAGE);
        assert_non_null(strstr(d.message, "more than one"));
        d = en_diag();
        assert_int_equal(chiso_workbook_select(wb, "HO SO", &d), CHISO_OK);
        assert_int_equal(chiso_workbook_selected_index(wb), 1);
        chiso_workbook_free(wb);
    }
}

static void
damaged_sheets(void **state)
{
    (void)state;
    expect_error(mini_xlsx("sst.xlsx",
                           SHEET("<row r=\"7\"><c r=\"G7\" t=\"s\"><v>2</v></c>"
                                 "</row>")),
                 CHISO_EPARSE, "shared string number \"2\"", ":Trang 1!G7");
    expect_error(mini_xlsx("num.xlsx", SHEET("<row r=\"3\"><c r=\"B3\"><v>1.2."
                                             "3</v></c></row>")),
                 CHISO_EPARSE, "\"1.2.3\" is not a number", ":Trang 1!B3");
    expect_error(
        mini_xlsx("bool.xlsx",
                  SHEET("<row><c r=\"A1\" t=\"b\"><v>2</v></c></row>")),
        CHISO_EPARSE, "boolean", ":Trang 1!A1");
    expect_error(
        mini_xlsx("date.xlsx",
                  SHEET("<row><c r=\"A1\" t=\"d\"><v>hôm qua</v></c></row>")),
        CHISO_EPARSE, "ISO 8601", "!A1");
    expect_error(mini_xlsx("row.xlsx", SHEET("<row r=\"1048577\"/>")),
                 CHISO_EPARSE, "\"1048577\"", NULL);
    expect_error(mini_xlsx("row0.xlsx", SHEET("<row r=\"0\"/>")), CHISO_EPARSE,
                 "invalid row reference", NULL);
    expect_error(
        mini_xlsx("col.xlsx", SHEET("<row r=\"5\"><c r=\"XFE5\"/></row>")),
        CHISO_EPARSE, "\"XFE5\"", ":Trang 1!5:5");
    expect_error(mini_xlsx("xml.xlsx", "<worksheet><sheetData><row r=\"4\">"
                                       "<c r=\"A4\"><v>1</v></c><c>"),
                 CHISO_EPARSE, "not well-formed XML", ":Trang 1");
    expect_error(mini_xlsx("tag.xlsx", "<worksheet><sheetData></row>"),
                 CHISO_EPARSE, "not well-formed XML", NULL);
    expect_error(
        mini_xlsx("dtd.xlsx",
                  "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
                  "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                  "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&b;"
                  "</t></is></c></row></sheetData></worksheet>"),
        CHISO_EPARSE, "DTD", NULL);
    {
        /* a cell beyond 1 MiB of text (compresses to a few KiB) */
        size_t n = CHISO_WORKBOOK_MAX_CELL_BYTES + 10, pre, post;
        char *big;
        const char *head = "<worksheet><sheetData><row><c t=\"inlineStr\">"
                           "<is><t>";
        const char *tail = "</t></is></c></row></sheetData></worksheet>";
        pre = strlen(head);
        post = strlen(tail);
        big = malloc(pre + n + post + 1);
        assert_non_null(big);
        memcpy(big, head, pre);
        memset(big + pre, 'x', n);
        memcpy(big + pre + n, tail, post + 1);
        expect_error(mini_xlsx("bigcell.xlsx", big), CHISO_EPARSE, "too large",
                     "!A1");
        free(big);
    }
}

static void
damaged_files(void **state)
{
    size_t len;
    char *data;
    const char *p;
    FILE *f;

    (void)state;
    expect_error(chiso_test_file("text.xlsx", "ma_ho_so,don_vi\n1,STP\n"),
                 CHISO_EPARSE, "not an Excel workbook", "text.xlsx");
    expect_error(chiso_test_file("empty.xlsx", ""), CHISO_EPARSE,
                 "not an Excel workbook", NULL);
    {
        chiso_diag d = en_diag();
        chiso_workbook *wb = (chiso_workbook *)&d;
        assert_int_equal(
            chiso_workbook_open(&wb, "/nonexistent/dir/x.xlsx", &d), CHISO_EIO);
        assert_null(wb);
        assert_true(d.sys_errno != 0);
        d = en_diag();
        assert_int_equal(chiso_workbook_open(&wb, "/tmp", &d), CHISO_EIO);
        d = en_diag();
        assert_int_equal(chiso_workbook_open_mem(&wb, "x", "abc", 3, &d),
                         CHISO_EPARSE);
        assert_null(wb);
    }
    /* truncated: the first half of a real workbook */
    data = slurp(chiso_test_path("tests/data/workbook/xlsxwriter_shared.xlsx"),
                 &len);
    assert_non_null(data);
    p = chiso_test_file("half.xlsx", "");
    f = fopen(p, "wb");
    assert_non_null(f);
    fwrite(data, 1, len / 2, f);
    fclose(f);
    expect_error(p, CHISO_EPARSE, "damaged workbook", NULL);
    /* a flipped byte in the middle: a checksum or inflate error, or
     * malformed XML, never a crash */
    data[len / 3] ^= 0x55;
    f = fopen(p, "wb");
    assert_non_null(f);
    fwrite(data, 1, len, f);
    fclose(f);
    {
        chiso_diag d = en_diag();
        size_t rows;
        chiso_status st = read_all(p, &d, &rows);
        assert_true(st == CHISO_DONE || st == CHISO_EPARSE);
        assert_true(st == CHISO_DONE || d.message[0] != '\0');
    }
    free(data);
    /* .xls files: truncated, and an OLE2 file that is no workbook */
    data = slurp(
        chiso_test_path("tests/data/workbook/libreoffice_dossiers.xls"), &len);
    assert_non_null(data);
    f = fopen(p = chiso_test_file("half.xls", ""), "wb");
    assert_non_null(f);
    fwrite(data, 1, len / 2, f);
    fclose(f);
    {
        chiso_diag d = en_diag();
        size_t rows;
        chiso_status st = read_all(p, &d, &rows);
        assert_true(st == CHISO_EPARSE || st == CHISO_DONE);
        assert_true(st == CHISO_DONE || d.message[0] != '\0');
    }
    free(data);
    {
        /* an encrypted OOXML package is an OLE2 file with an
         * "EncryptedPackage" stream */
        unsigned char ole[2048];
        static const char nm[] = "EncryptedPackage";
        size_t i;
        memset(ole, 0, sizeof(ole));
        memcpy(ole, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
        for (i = 0; i + 1 < sizeof(nm); i++) {
            ole[1024 + 2 * i] = (unsigned char)nm[i];
        }
        f = fopen(p = chiso_test_file("enc.xlsx", ""), "wb");
        assert_non_null(f);
        fwrite(ole, 1, sizeof(ole), f);
        fclose(f);
        expect_error(p, CHISO_EPARSE, "password", NULL);
    }
}

static void
odd_packages(void **state)
{
    (void)state;
    {
        const char *parts[] = {"word/document.xml", "<w:document/>", NULL};
        expect_error(make_zip("doc.xlsx", parts), CHISO_EPARSE,
                     "no workbook part", NULL);
    }
    {
        const char *parts[] = {"mimetype",
                               "application/vnd.oasis.opendocument."
                               "spreadsheet",
                               "content.xml", "<office:document-content/>",
                               NULL};
        expect_error(make_zip("ods.xlsx", parts), CHISO_EPARSE, ".ods", NULL);
    }
    {
        const char *parts[] = {"xl/workbook.bin", "binary", NULL};
        expect_error(make_zip("xlsb.xlsx", parts), CHISO_EPARSE, ".xlsb", NULL);
    }
    {
        const char *parts[] = {"xl/workbook.xml",
                               "<workbook><sheets/></workbook>", NULL};
        expect_error(make_zip("nosheet.xlsx", parts), CHISO_EPARSE,
                     "no worksheet", NULL);
    }
    {
        /* the sheet's part is missing */
        const char *parts[] = {"_rels/.rels",
                               RELS,
                               "xl/workbook.xml",
                               BOOK,
                               "xl/_rels/workbook.xml.rels",
                               BOOK_RELS,
                               NULL};
        expect_error(make_zip("nopart.xlsx", parts), CHISO_EPARSE, "missing",
                     NULL);
    }
    {
        /* no relationships at all: the usual part names are tried */
        const char *parts[] = {
            "xl/workbook.xml",
            "<workbook><sheets><sheet name=\"A\"/></sheets></workbook>",
            "xl/worksheets/sheet1.xml",
            SHEET("<row><c t=\"s\"><v>1</v></c></row>"),
            "xl/sharedStrings.xml",
            SST,
            NULL};
        chiso_diag d = en_diag();
        size_t rows;
        assert_int_equal(read_all(make_zip("norels.xlsx", parts), &d, &rows),
                         CHISO_DONE);
        assert_int_equal(rows, 1);
    }
    {
        /* workbook.xml beyond 64 MiB (a zip bomb of spaces) */
        size_t n = CHISO_WORKBOOK_MAX_PART_BYTES + 100;
        char *big = malloc(n + 64);
        const char *parts[] = {"xl/workbook.xml", NULL, NULL};
        assert_non_null(big);
        strcpy(big, "<workbook>");
        memset(big + 10, ' ', n);
        strcpy(big + 10 + n, "</workbook>");
        parts[1] = big;
        expect_error(make_zip("bomb.xlsx", parts), CHISO_EPARSE, "too large",
                     NULL);
        free(big);
    }
    {
        /* an encrypted zip entry */
        const char *path = chiso_test_file("zipenc.xlsx", "");
        zip_t *z;
        int err = 0;
        zip_int64_t i;
        z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
        assert_non_null(z);
        zip_file_add(z, "_rels/.rels",
                     zip_source_buffer(z, RELS, strlen(RELS), 0), 0);
        i = zip_file_add(z, "xl/workbook.xml",
                         zip_source_buffer(z, BOOK, strlen(BOOK), 0), 0);
        assert_true(i >= 0);
        if (zip_file_set_encryption(z, (zip_uint64_t)i, ZIP_EM_AES_256,
                                    "mật khẩu") == 0) {
            assert_int_equal(zip_close(z), 0);
            expect_error(path, CHISO_EPARSE, "encrypted", NULL);
        } else {
            zip_discard(z);
        }
    }
}

/* A sheet part above 1 MiB is inflated by a read-ahead thread: whole
 * reads, a restart and a free in the middle, from a file and from memory,
 * and a checksum error found by the thread. */
static char *
big_sheet(size_t rows)
{
    chiso_buf b = CHISO_BUF_INIT;
    size_t r;

    chiso_buf_puts(&b, "<worksheet><sheetData>");
    for (r = 1; r <= rows; r++) {
        chiso_buf_printf(&b,
                         "<row r=\"%zu\"><c r=\"A%zu\" t=\"inlineStr\"><is><t>"
                         "HS-%zu</t></is></c><c r=\"B%zu\"><v>%zu.5</v></c>"
                         "</row>",
                         r, r, r, r, r);
    }
    chiso_buf_puts(&b, "</sheetData></worksheet>");
    return b.data;
}

static void
big_sheet_read_ahead(void **state)
{
    const size_t rows = 40000;
    char *sheet = big_sheet(rows), *data;
    const char *parts[] = {"xl/workbook.xml",
                           "<workbook><sheets><sheet name=\"Lớn\" "
                           "r:id=\"a\"/></sheets></workbook>",
                           "xl/_rels/workbook.xml.rels",
                           "<Relationships><Relationship Id=\"a\" "
                           "Type=\"x/worksheet\" Target=\"s.xml\"/>"
                           "</Relationships>",
                           "xl/s.xml",
                           sheet,
                           NULL};
    const char *path;
    size_t len, pass;
    FILE *f;

    (void)state;
    assert_true(strlen(sheet) > 2u * 1024 * 1024);
    path = make_zip("big.xlsx", parts);
    data = slurp(path, &len);
    assert_non_null(data);
    for (pass = 0; pass < 2; pass++) {
        chiso_workbook *wb = NULL;
        chiso_workbook_row row;
        chiso_diag d = en_diag();
        size_t n = 0;
        double sum = 0;
        chiso_status st;

        if (pass == 0) {
            assert_int_equal(chiso_workbook_open(&wb, path, &d), CHISO_OK);
        } else {
            assert_int_equal(
                chiso_workbook_open_mem(&wb, "big.xlsx", data, len, &d),
                CHISO_OK);
        }
        /* a restart in the middle stops the thread and begins again */
        assert_int_equal(chiso_workbook_select(wb, NULL, &d), CHISO_OK);
        for (n = 0; n < 1000; n++) {
            assert_int_equal(chiso_workbook_next_row(wb, &row, &d), CHISO_OK);
        }
        assert_int_equal(chiso_workbook_select(wb, "Lớn", &d), CHISO_OK);
        n = 0;
        while ((st = chiso_workbook_next_row(wb, &row, &d)) == CHISO_OK) {
            char want[32];
            n++;
            assert_int_equal(row.row, n);
            assert_int_equal(row.n, 2);
            snprintf(want, sizeof(want), "HS-%zu", n);
            assert_string_equal(row.cells[0].text, want);
            sum += row.cells[1].number;
        }
        assert_int_equal(st, CHISO_DONE);
        assert_int_equal(n, rows);
        /* 1.5 + 2.5 + ... + 40000.5 */
        chiso_assert_close(sum, 800040000.0, 0);
        /* a free in the middle stops the thread */
        assert_int_equal(chiso_workbook_select(wb, "1", &d), CHISO_OK);
        assert_int_equal(chiso_workbook_next_row(wb, &row, &d), CHISO_OK);
        chiso_workbook_free(wb);
    }
    free(data);

    /* stored, not deflated, then one letter changed near the end: the
     * XML stays well-formed and the thread meets the CRC error */
    {
        const char *spath = chiso_test_file("bigcrc.xlsx", "");
        zip_t *z;
        int err = 0;
        zip_int64_t k;
        char *hit;
        z = zip_open(spath, ZIP_CREATE | ZIP_TRUNCATE, &err);
        assert_non_null(z);
        for (k = 0; parts[2 * k] != NULL; k++) {
            zip_int64_t i =
                zip_file_add(z, parts[2 * k],
                             zip_source_buffer(z, parts[2 * k + 1],
                                               strlen(parts[2 * k + 1]), 0),
                             0);
            assert_true(i >= 0);
            zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
        }
        assert_int_equal(zip_close(z), 0);
        data = slurp(spath, &len);
        assert_non_null(data);
        hit = NULL;
        for (k = 0; (size_t)k + 9 < len; k++) {
            if (memcmp(data + k, "HS-39999<", 9) == 0) {
                hit = data + k;
                break;
            }
        }
        if (hit == NULL) {
            fail_msg("marker not found in the stored zip");
        } else {
            hit[0] = 'X';
        }
        f = fopen(spath, "wb");
        assert_non_null(f);
        fwrite(data, 1, len, f);
        fclose(f);
        free(data);
        expect_error(spath, CHISO_EPARSE, "checksum", NULL);
    }
    free(sheet);
}

static void
null_arguments(void **state)
{
    chiso_workbook_row row;
    const chiso_workbook_range *r;
    size_t n;
    chiso_diag d = en_diag();

    (void)state;
    assert_int_equal(chiso_workbook_sniff(NULL, 0), 0);
    assert_int_equal(chiso_workbook_sniff("PK\3\4", 4), CHISO_WORKBOOK_XLSX);
    assert_int_equal(chiso_workbook_sniff("PK\5\6", 4), CHISO_WORKBOOK_XLSX);
    assert_int_equal(chiso_workbook_sniff("PK", 2), 0);
    assert_int_equal(
        chiso_workbook_sniff("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8),
        CHISO_WORKBOOK_XLS);
    assert_int_equal(chiso_workbook_open(NULL, "x", &d), CHISO_EINVAL);
    assert_int_equal(chiso_workbook_select(NULL, NULL, NULL), CHISO_EINVAL);
    assert_int_equal(chiso_workbook_next_row(NULL, &row, NULL), CHISO_EINVAL);
    assert_int_equal(chiso_workbook_merges(NULL, &r, &n, NULL, NULL),
                     CHISO_EINVAL);
    assert_int_equal(chiso_workbook_fill_merged(NULL, 1, NULL), CHISO_EINVAL);
    assert_int_equal(chiso_workbook_sheet_count(NULL), 0);
    assert_null(chiso_workbook_sheet_name(NULL, 0));
    assert_int_equal(chiso_workbook_format(NULL), 0);
    chiso_workbook_position(NULL, 1, 1, NULL, 0);
    chiso_workbook_free(NULL);
}

/* The rows of the selected sheet as "row:A|B|C" lines, merges filled. */
static void
rows_text(chiso_workbook *wb, chiso_buf *out)
{
    chiso_workbook_row r;
    chiso_diag d = en_diag();
    size_t k;

    while (chiso_workbook_next_row(wb, &r, &d) == CHISO_OK) {
        chiso_buf_printf(out, "%u:", (unsigned)r.row);
        for (k = 0; k < r.n; k++) {
            chiso_buf_printf(out, "%s%s", k ? "|" : "", r.cells[k].text);
        }
        chiso_buf_append(out, "\n", 1);
    }
    assert_int_equal(d.code, CHISO_OK);
}

/*
 * "Excel" files that are markup, as web systems export them: an HTML
 * table saved as .xls (a title row spanning the table, a header over two
 * rows with rowspan/colspan, <br> and &nbsp; in cells, a nested table
 * inside a cell, a caption) and an Excel 2003 XML spreadsheet (typed
 * cells, ss:Index, MergeAcross/MergeDown). Expected rows written by hand
 * from the markup, the way a browser and Excel lay them out.
 */
static void
markup_files(void **state)
{
    static const char html[] =
        "\xEF\xBB\xBF<html><head><meta charset=\"utf-8\"></head><body>"
        "<p>Trang xuất từ hệ thống</p>"
        "<table border=1><caption>Sổ hồ sơ</caption>"
        "<tr><td colspan=\"3\"><b>SỔ THEO DÕI</b></td></tr>"
        "<tr><th rowspan=2>STT</th><th colspan=2>Ngày</th></tr>"
        "<tr><th>Tiếp&nbsp;nhận</th><th>Trả<br>kết quả</th></tr>"
        "<tbody><tr><td> 1 </td><td>01/07/2024</td>"
        "<td><table><tr><td>lồng</td></tr></table></td></tr>"
        "<tr><td rowspan=\"2\">2</td><td>02/07/2024</td><td>x</td></tr>"
        "<tr><td>03/07/2024</td><td>y</td></tr></tbody></table>"
        "<table><tr><td>bảng hai</td></tr></table></body></html>";
    static const char xml[] =
        "<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n"
        "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" "
        "xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">"
        "<Worksheet ss:Name=\"Nhiệm vụ\"><Table>"
        "<Row><Cell ss:MergeAcross=\"2\"><Data ss:Type=\"String\">TIÊU "
        "ĐỀ</Data></Cell></Row>"
        "<Row ss:Index=\"3\"><Cell><Data ss:Type=\"String\">a</Data></Cell>"
        "<Cell ss:MergeDown=\"1\"><Data ss:Type=\"String\">SKHCN</Data></Cell>"
        "<Cell><Data ss:Type=\"Number\">0.1</Data></Cell></Row>"
        "<Row><Cell><Data ss:Type=\"DateTime\">2024-03-31T00:00:00.000</Data>"
        "</Cell><Cell ss:Index=\"3\"><Data ss:Type=\"DateTime\">2024-03-31T08:"
        "30:00.000</Data></Cell><Cell><Data "
        "ss:Type=\"Boolean\">1</Data></Cell></Row>"
        "</Table></Worksheet><Worksheet ss:Name=\"Hai\"/></Workbook>";
    chiso_workbook *wb = NULL;
    chiso_diag d = en_diag();
    chiso_buf b = CHISO_BUF_INIT;
    const chiso_workbook_range *ranges;
    size_t n;
    int known;
    char pos[128];

    (void)state;
    assert_int_equal(chiso_workbook_sniff(html, sizeof(html) - 1),
                     CHISO_WORKBOOK_HTML);
    assert_int_equal(chiso_workbook_sniff(xml, sizeof(xml) - 1),
                     CHISO_WORKBOOK_XML2003);
    assert_int_equal(chiso_workbook_sniff("<html", 5), CHISO_WORKBOOK_HTML);
    assert_int_equal(chiso_workbook_sniff("<p>hi</p>", 9), 0);
    /* HTML, from a file: every table is a sheet, in document order; a
     * table's rows are its own (a cell holding a table reads as its text) */
    assert_int_equal(
        chiso_workbook_open(&wb, chiso_test_file("web.xls", html), &d),
        CHISO_OK);
    assert_int_equal(chiso_workbook_format(wb), CHISO_WORKBOOK_HTML);
    assert_int_equal(chiso_workbook_sheet_count(wb), 3);
    assert_string_equal(chiso_workbook_sheet_name(wb, 0), "Sổ hồ sơ");
    assert_string_equal(chiso_workbook_sheet_name(wb, 1), "Bảng 2");
    assert_string_equal(chiso_workbook_sheet_name(wb, 2), "Bảng 3");
    assert_int_equal(chiso_workbook_select(wb, "2", &d), CHISO_OK);
    rows_text(wb, &b);
    assert_string_equal(b.data, "1:lồng\n");
    b.len = 0;
    assert_int_equal(chiso_workbook_select(wb, "1", &d), CHISO_OK);
    rows_text(wb, &b);
    assert_non_null(strstr(b.data, "4:1|01/07/2024|lồng\n"));
    b.len = 0;
    assert_int_equal(chiso_workbook_select(wb, "3", &d), CHISO_OK);
    rows_text(wb, &b);
    assert_string_equal(b.data, "1:bảng hai\n");
    chiso_workbook_free(wb);
    wb = NULL;
    b.len = 0;
    /* the same page without the nested table: one sheet named by its
     * caption; spans laid out as a browser does, merges filled */
    {
        char *flat = chiso_strdup(html);
        char *at = strstr(flat, "<table><tr><td>lồng</td></tr></table>");
        assert_non_null(at);
        memmove(at, at + strlen("<table><tr><td>lồng</td></tr></table>"),
                strlen(at + strlen("<table><tr><td>lồng</td></tr></table>")) +
                    1);
        assert_int_equal(
            chiso_workbook_open_mem(&wb, "web.xls", flat, strlen(flat), &d),
            CHISO_OK);
        assert_string_equal(chiso_workbook_sheet_name(wb, 0), "Sổ hồ sơ");
        assert_int_equal(chiso_workbook_select(wb, NULL, &d), CHISO_OK);
        assert_int_equal(chiso_workbook_fill_merged(wb, 1, &d), CHISO_OK);
        rows_text(wb, &b);
        assert_string_equal(b.data, "1:SỔ THEO DÕI|SỔ THEO DÕI|SỔ THEO DÕI\n"
                                    "2:STT|Ngày|Ngày\n"
                                    "3:STT|Tiếp nhận|Trả\nkết quả\n"
                                    "4:1|01/07/2024\n"
                                    "5:2|02/07/2024|x\n"
                                    "6:2|03/07/2024|y\n");
        assert_int_equal(chiso_workbook_merges(wb, &ranges, &n, &known, &d),
                         CHISO_OK);
        assert_int_equal(n, 4);
        chiso_workbook_position(wb, 2, 6, pos, sizeof(pos));
        assert_string_equal(pos, "web.xls:Sổ hồ sơ!B6");
        chiso_workbook_free(wb);
        free(flat);
        wb = NULL;
        b.len = 0;
    }
    /* SpreadsheetML: typed cells, ss:Index, merges */
    assert_int_equal(
        chiso_workbook_open_mem(&wb, "ss.xls", xml, sizeof(xml) - 1, &d),
        CHISO_OK);
    assert_int_equal(chiso_workbook_format(wb), CHISO_WORKBOOK_XML2003);
    assert_int_equal(chiso_workbook_sheet_count(wb), 2);
    assert_string_equal(chiso_workbook_sheet_name(wb, 0), "Nhiệm vụ");
    assert_int_equal(chiso_workbook_select(wb, NULL, &d), CHISO_OK);
    assert_int_equal(chiso_workbook_fill_merged(wb, 1, &d), CHISO_OK);
    rows_text(wb, &b);
    assert_string_equal(b.data,
                        "1:TIÊU ĐỀ|TIÊU ĐỀ|TIÊU ĐỀ\n"
                        "3:a|SKHCN|0.1\n"
                        "4:2024-03-31|SKHCN|2024-03-31 08:30:00|TRUE\n");
    chiso_workbook_free(wb);
    wb = NULL;
    /* damaged XML: an error, never a crash */
    assert_int_equal(chiso_workbook_open_mem(&wb, "bad.xls", xml, 300, &d),
                     CHISO_EPARSE);
    assert_null(wb);
    chiso_buf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_openpyxl),
        cmocka_unit_test(fixture_openpyxl_1904),
        cmocka_unit_test(fixture_xlsxwriter_inline),
        cmocka_unit_test(fixture_xlsxwriter_shared),
        cmocka_unit_test(fixture_libreoffice_xlsx),
        cmocka_unit_test(fixture_libreoffice_xls),
        cmocka_unit_test(fixture_handmade),
        cmocka_unit_test(open_mem_same_as_file),
        cmocka_unit_test(select_rewinds),
        cmocka_unit_test(merges_listed),
        cmocka_unit_test(numbers_shortest),
        cmocka_unit_test(dates_serials),
        cmocka_unit_test(iso_dates),
        cmocka_unit_test(number_formats),
        cmocka_unit_test(escapes),
        cmocka_unit_test(references),
        cmocka_unit_test(cells_of_every_kind),
        cmocka_unit_test(sheet_selection_errors),
        cmocka_unit_test(damaged_sheets),
        cmocka_unit_test(damaged_files),
        cmocka_unit_test(markup_files),
        cmocka_unit_test(odd_packages),
        cmocka_unit_test(big_sheet_read_ahead),
        cmocka_unit_test(null_arguments),
    };
    return cmocka_run_group_tests_name("workbook", tests, NULL, NULL);
}

/* test_base.c - diagnostics, text folding, rounding, JSON positions. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "chiso_util.h"
#include "helpers.h"

#include <cjson/cJSON.h>
#include <errno.h>

static void
test_diag_first_error_wins(void **state)
{
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    assert_int_equal(
        chiso_diag_set(&d, CHISO_EDATA, "a.csv", 3, 7, "bad %s", "x"),
        CHISO_EDATA);
    chiso_diag_set(&d, CHISO_EIO, "b.csv", 1, 1, "later");
    assert_int_equal(d.code, CHISO_EDATA);
    assert_string_equal(d.path, "a.csv");
    assert_int_equal(d.line, 3);
    assert_int_equal(d.column, 7);
    assert_string_equal(d.message, "bad x");
}

static void
test_fold(void **state)
{
    char out[64];

    (void)state;
    chiso_text_fold("Mã tiêu chí", strlen("Mã tiêu chí"), out, sizeof(out));
    assert_string_equal(out, "ma_tieu_chi");
    chiso_text_fold("  ĐIỂM THẨM ĐỊNH ", strlen("  ĐIỂM THẨM ĐỊNH "), out,
                    sizeof(out));
    assert_string_equal(out, "diem_tham_dinh");
    /* decomposed (NFD) input: a + combining grave */
    chiso_text_fold("Ta\xCC\x80i liê\xCC\xA3u",
                    strlen("Ta\xCC\x80i liê\xCC\xA3u"), out, sizeof(out));
    assert_string_equal(out, "tai_lieu");
    chiso_text_fold("Ưu tiên/Ơn", strlen("Ưu tiên/Ơn"), out, sizeof(out));
    assert_string_equal(out, "uu_tien_on");
    /* truncation keeps a NUL */
    assert_int_equal(chiso_text_fold("abcdef", 6, out, 4), 6);
    assert_string_equal(out, "abc");
}

static void
test_utf8(void **state)
{
    size_t bad = 0;

    (void)state;
    assert_true(chiso_utf8_valid("Hưng Yên", strlen("Hưng Yên"), NULL));
    assert_false(chiso_utf8_valid("ab\xFF", 3, &bad));
    assert_int_equal(bad, 2);
    assert_false(chiso_utf8_valid("\xC0\xAF", 2, &bad));     /* overlong */
    assert_false(chiso_utf8_valid("\xED\xA0\x80", 3, &bad)); /* surrogate */
    assert_int_equal(chiso_utf8_count("Hưng Yên", strlen("Hưng Yên")), 8);
    assert_int_equal(chiso_utf8_width("Hưng Yên", strlen("Hưng Yên")), 8);
    assert_int_equal(chiso_utf8_width("e\xCC\x81", 3), 1);
}

static void
test_round(void **state)
{
    (void)state;
    /* 2.675 is stored as 2.67499999999999982236431605997495353221893310546875 */
    chiso_assert_close(chiso_round_half_up(2.675, 2), 2.68, 1e-12);
    chiso_assert_close(chiso_round_half_up(1.005, 2), 1.01, 1e-12);
    chiso_assert_close(chiso_round_half_up(-1.005, 2), -1.01, 1e-12);
    chiso_assert_close(chiso_round_half_up(81.325, 2), 81.33, 1e-12);
    chiso_assert_close(chiso_round_half_up(0.004999, 2), 0.0, 1e-12);
    chiso_assert_close(chiso_round_half_up(68.32 / 84 * 100, 2), 81.33, 1e-12);
    chiso_assert_close(chiso_round_sig(0.1 + 0.2, 10), 0.3, 0);
    assert_true(isnan(chiso_round_half_up(NAN, 2)));
}

static void
test_json_positions(void **state)
{
    const char *text = "{\n  \"a\": 1,\n  \"b\": [true, {\"c\": \"Hà\"}]\n}";
    chiso_json_doc *doc = NULL;
    chiso_diag d;
    unsigned long line, col;
    const cJSON *root, *b, *c;

    (void)state;
    chiso_diag_clear(&d);
    assert_int_equal(
        chiso_json_doc_parse(&doc, "t.json", text, strlen(text), &d), CHISO_OK);
    root = chiso_json_doc_root(doc);
    b = cJSON_GetObjectItemCaseSensitive(root, "b");
    c = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(b, 1), "c");
    chiso_json_doc_locate(doc, b, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 8);
    chiso_json_doc_locate(doc, c, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 21);
    chiso_json_doc_free(doc);
}

static void
test_json_errors(void **state)
{
    chiso_json_doc *doc = NULL;
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN; /* the expected texts are the English msgids */
    assert_int_equal(
        chiso_json_doc_parse(&doc, "t.json", "{\"a\": 1,\n \"a\": 2}", 17, &d),
        CHISO_EPARSE);
    assert_null(doc);
    assert_string_equal(d.message, "duplicate key \"a\"");
    assert_int_equal(d.line, 2);
    assert_int_equal(d.column, 2);

    chiso_diag_clear(&d);
    assert_int_equal(
        chiso_json_doc_parse(&doc, "t.json", "{\"a\": tru}", 10, &d),
        CHISO_EPARSE);
    assert_int_equal(d.line, 1);
    assert_int_equal(d.column, 7);

    chiso_diag_clear(&d);
    assert_int_equal(chiso_json_doc_parse(&doc, "t.json", "  \n ", 4, &d),
                     CHISO_EPARSE);
    assert_string_equal(d.message, "empty file: expected a JSON value");

    chiso_diag_clear(&d);
    assert_int_equal(chiso_json_doc_parse(&doc, "t.json", "{}\x00x", 4, &d),
                     CHISO_EPARSE);
    chiso_diag_clear(&d);
    assert_int_equal(chiso_json_doc_parse(&doc, "t.json", "{} x", 4, &d),
                     CHISO_EPARSE);
    assert_int_equal(d.column, 4);
}

static void
test_json_print_deterministic(void **state)
{
    cJSON *o = cJSON_CreateObject();
    char *s;

    (void)state;
    cJSON_AddItemToObject(o, "x", chiso_json_number(0.1 + 0.2));
    cJSON_AddItemToObject(o, "pct", chiso_json_fixed(81.325, 2));
    cJSON_AddItemToObject(o, "n", cJSON_CreateNumber(42));
    cJSON_AddItemToObject(o, "nan", chiso_json_number(NAN));
    cJSON_AddItemToObject(o, "s", cJSON_CreateString("Sở \"KH\"\n"));
    cJSON_AddItemToObject(o, "e", cJSON_CreateArray());
    s = chiso_json_print(o);
    assert_string_equal(s, "{\n  \"x\": 0.3,\n  \"pct\": 81.33,\n  \"n\": 42,\n"
                           "  \"nan\": null,\n  \"s\": \"Sở \\\"KH\\\"\\n\",\n"
                           "  \"e\": []\n}\n");
    free(s);
    cJSON_Delete(o);
}

static void
test_format_double(void **state)
{
    char out[64];

    (void)state;
    chiso_format_double(100, out, sizeof(out));
    assert_string_equal(out, "100");
    chiso_format_double(0.1 + 0.2, out, sizeof(out));
    assert_string_equal(out, "0.30000000000000004");
    chiso_format_double(81.33, out, sizeof(out));
    assert_string_equal(out, "81.33");
    chiso_format_double(-2.5e-9, out, sizeof(out));
    assert_string_equal(out, "-2.5e-09");
    chiso_format_double(1e20, out, sizeof(out));
    assert_string_equal(out, "1e+20");
    chiso_format_double(1.0 / 3, out, sizeof(out));
    assert_string_equal(out, "0.3333333333333333");
}

static void
test_atomic_write(void **state)
{
    char path[256], *text = NULL;
    size_t len;
    chiso_diag d;
    chiso_outfile *f;

    (void)state;
    snprintf(path, sizeof(path), "/tmp/chiso_atomic_%ld.txt", (long)getpid());
    chiso_diag_clear(&d);
    assert_int_equal(chiso_file_write_atomic(path, "old\n", 4, &d), CHISO_OK);
    /* an aborted write leaves the old content */
    assert_int_equal(chiso_outfile_open(&f, path, &d), CHISO_OK);
    fputs("partial", chiso_outfile_stream(f));
    chiso_outfile_abort(f);
    assert_int_equal(chiso_file_read_all(path, &text, &len, &d), CHISO_OK);
    assert_string_equal(text, "old\n");
    free(text);
    unlink(path);
    chiso_diag_clear(&d);
    assert_int_equal(
        chiso_file_write_atomic("/nonexistent-dir/x.json", "x", 1, &d),
        CHISO_EIO);
    assert_int_equal(d.sys_errno, ENOENT);
}

static void
test_outdir(void **state)
{
    char path[256], file[300], *text = NULL;
    size_t len;
    chiso_diag d;
    chiso_outdir *od;
    FILE *f;

    (void)state;
    snprintf(path, sizeof(path), "/tmp/chiso_outdir_%ld", (long)getpid());
    chiso_diag_clear(&d);
    /* first run creates the folder */
    assert_int_equal(chiso_outdir_open(&od, path, &d), CHISO_OK);
    snprintf(file, sizeof(file), "%s/a.txt", chiso_outdir_path(od));
    assert_int_equal(chiso_file_write_atomic(file, "one\n", 4, &d), CHISO_OK);
    assert_int_equal(chiso_outdir_commit(od, &d), CHISO_OK);
    /* a failed second run leaves it untouched */
    assert_int_equal(chiso_outdir_open(&od, path, &d), CHISO_OK);
    snprintf(file, sizeof(file), "%s/a.txt", chiso_outdir_path(od));
    f = fopen(file, "w");
    assert_non_null(f);
    fputs("half", f);
    fclose(f);
    chiso_outdir_abort(od);
    snprintf(file, sizeof(file), "%s/a.txt", path);
    assert_int_equal(chiso_file_read_all(file, &text, &len, &d), CHISO_OK);
    assert_string_equal(text, "one\n");
    free(text);
    /* a successful run replaces everything, old files included */
    assert_int_equal(chiso_outdir_open(&od, path, &d), CHISO_OK);
    snprintf(file, sizeof(file), "%s/b.txt", chiso_outdir_path(od));
    assert_int_equal(chiso_file_write_atomic(file, "two\n", 4, &d), CHISO_OK);
    assert_int_equal(chiso_outdir_commit(od, &d), CHISO_OK);
    snprintf(file, sizeof(file), "%s/a.txt", path);
    assert_int_equal(access(file, F_OK), -1);
    snprintf(file, sizeof(file), "%s/b.txt", path);
    assert_int_equal(chiso_file_read_all(file, &text, &len, &d), CHISO_OK);
    assert_string_equal(text, "two\n");
    free(text);
    unlink(file);
    rmdir(path);
}

static void
test_format_double_whole_numbers(void **state)
{
    char buf[40];
    static const struct {
        double x;
        const char *want;
    } cases[] = {{10, "10"},          {100, "100"},       {2000, "2000"},
                 {-30, "-30"},        {0.1, "0.1"},       {12.5, "12.5"},
                 {1.5e20, "1.5e+20"}, {1e-05, "0.00001"}, {0, "0"}};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        chiso_format_double(cases[i].x, buf, sizeof(buf));
        assert_string_equal(buf, cases[i].want);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diag_first_error_wins),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_round),
        cmocka_unit_test(test_json_positions),
        cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_json_print_deterministic),
        cmocka_unit_test(test_format_double),
        cmocka_unit_test(test_atomic_write),
        cmocka_unit_test(test_outdir),
        cmocka_unit_test(test_format_double_whole_numbers),
    };
    return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}

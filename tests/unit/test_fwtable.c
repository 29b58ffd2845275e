/* test_fwtable.c - framework tables: the rule grammar, import with every
 * problem at its cell, export, and the round trip on every shipped
 * framework. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_fwtable.h"
#include "helpers.h"

#include <dirent.h>
#include <math.h>

/* Read a table given as text; problems in English into *l (initialised
 * here, freed by the caller). */
static chiso_status
read_table(const char *name,
           const char *text,
           chiso_fwdoc **doc,
           chiso_diag_list *l)
{
    chiso_diag_list_init(l, 100);
    l->lang = CHISO_LANG_EN;
    return chiso_fwtable_read(doc, chiso_test_file(name, text), NULL, l);
}

static chiso_fwdoc *
must_read(const char *text)
{
    chiso_diag_list l;
    chiso_fwdoc *doc = NULL;

    if (read_table("t.csv", text, &doc, &l) != CHISO_OK) {
        fail_msg("table refused: %s:%lu:%lu: %s", l.n ? l.items[0].path : "",
                 l.n ? l.items[0].line : 0, l.n ? l.items[0].column : 0,
                 l.n ? l.items[0].message : "(no message)");
    }
    chiso_diag_list_free(&l);
    return doc;
}

static const chiso_node *
node(const chiso_fwdoc *doc, const char *id)
{
    long k = chiso_framework_find(doc->fw, id);

    if (k < 0) {
        fail_msg("no node '%s'", id);
    }
    return &doc->fw->nodes[k];
}

/* Expect a problem containing needle at line:col (col 0 = any). */
static void
expect_at(const chiso_diag_list *l,
          const char *needle,
          unsigned long line,
          unsigned long col)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        if (strstr(l->items[i].message, needle) != NULL) {
            if (l->items[i].line != line ||
                (col != 0 && l->items[i].column != col)) {
                fail_msg("'%s' at %lu:%lu, expected %lu:%lu", needle,
                         l->items[i].line, l->items[i].column, line, col);
            }
            return;
        }
    }
    for (i = 0; i < l->n; i++) {
        print_message("  problem: %lu:%lu: %s\n", l->items[i].line,
                      l->items[i].column, l->items[i].message);
    }
    fail_msg("no problem contains '%s'", needle);
}

#define HDR "Mã,Tên tiêu chí,Điểm tối đa,Cách chấm,Mức chấm\n"

/* One leaf of max `max` with a rule: the leaf of the parsed table. */
static chiso_fwdoc *
one_rule(const char *kind, const char *params, const char *max)
{
    char text[1024];

    snprintf(text, sizeof(text),
             HDR "1,Lĩnh vực,%s,,\n1.1,Tiêu chí,%s,%s,\"%s\"\n", max, max, kind,
             params);
    return must_read(text);
}

static void
rule_error(const char *kind,
           const char *params,
           const char *max,
           const char *needle)
{
    char text[1024];
    chiso_diag_list l;
    chiso_fwdoc *doc = NULL;

    snprintf(text, sizeof(text),
             HDR "1,Lĩnh vực,%s,,\n1.1,Tiêu chí,%s,%s,\"%s\"\n", max, max, kind,
             params);
    if (read_table("e.csv", text, &doc, &l) == CHISO_OK) {
        chiso_fwdoc_free(doc);
        chiso_diag_list_free(&l);
        fail_msg("'%s' '%s' accepted, expected '%s'", kind, params, needle);
    }
    expect_at(&l, needle, 3, 0);
    chiso_diag_list_free(&l);
}

static void
test_bands(void **state)
{
    chiso_fwdoc *d;
    const chiso_rule *r;

    (void)state;
    /* the brief's example, with a decimal comma and an en dash */
    d = one_rule("theo mức", "≥100%: 2; 80–<100%: 1; <80%: 0", "2");
    r = &node(d, "1.1")->rule;
    assert_int_equal(r->type, CHISO_RULE_BANDS);
    assert_int_equal(r->unit, CHISO_UNIT_PERCENT);
    assert_int_equal(r->upper_bands, 0);
    assert_int_equal(r->n_bands, 3);
    chiso_assert_close(r->bands[0].bound, 100, 0);
    chiso_assert_close(r->bands[1].bound, 80, 0);
    chiso_assert_close(r->bands[1].points, 1, 0);
    chiso_assert_close(r->bands[2].bound, 0, 0);
    chiso_fwdoc_free(d);
    /* in words, out of order, points with "điểm" */
    d = one_rule("Theo mức",
                 "dưới 70%: 0 điểm; từ 70% đến dưới 90%: 1,5 điểm; từ 90% "
                 "trở lên: 3 điểm",
                 "3");
    r = &node(d, "1.1")->rule;
    assert_int_equal(r->n_bands, 3);
    chiso_assert_close(r->bands[0].bound, 90, 0);
    chiso_assert_close(r->bands[1].bound, 70, 0);
    chiso_assert_close(r->bands[1].points, 1.5, 0);
    chiso_fwdoc_free(d);
    /* "còn lại", ">=" and a newline between bands */
    d = one_rule("mức", ">= 95%: 5\n>= 80%: 3\ncòn lại: 0", "5");
    r = &node(d, "1.1")->rule;
    assert_int_equal(r->n_bands, 3);
    chiso_assert_close(r->bands[2].bound, 0, 0);
    chiso_assert_close(r->bands[1].bound, 80, 0);
    chiso_fwdoc_free(d);
    /* "từ a - dưới b" and "= points" */
    d = one_rule("theo mức", "100% = 2; từ 80% - dưới 100% = 1; dưới 80% = 0",
                 "2");
    chiso_assert_close(node(d, "1.1")->rule.bands[1].bound, 80, 0);
    chiso_assert_close(node(d, "1.1")->rule.bands[0].bound, 100, 0);
    chiso_fwdoc_free(d);
    /* "x ≤ v < y" form */
    d = one_rule("theo mức", "≥ 90%: 2; 50% ≤ tỷ lệ < 90%: 1; < 50%: 0", "2");
    chiso_assert_close(node(d, "1.1")->rule.bands[1].bound, 50, 0);
    chiso_fwdoc_free(d);
}

static void
test_bands_counts(void **state)
{
    chiso_fwdoc *d;
    const chiso_rule *r;

    (void)state;
    /* whole numbers: 1–2 is 1 and 2 */
    d = must_read("Mã,Tên tiêu chí,Điểm tối đa,Cách chấm,Mức chấm,Đơn vị "
                  "tính\n1,A,3,,,\n1.1,Phản ánh quá hạn,3,theo mức,\"0: 3; "
                  "1–2: 1,5; ≥ 3: 0\",số lượng\n");
    r = &node(d, "1.1")->rule;
    assert_int_equal(r->unit, CHISO_UNIT_COUNT);
    assert_int_equal(r->upper_bands, 0);
    assert_int_equal(r->n_bands, 3);
    chiso_assert_close(r->bands[0].bound, 3, 0);
    chiso_assert_close(r->bands[0].points, 0, 0);
    chiso_assert_close(r->bands[1].bound, 1, 0);
    chiso_assert_close(r->bands[2].bound, 0, 0);
    chiso_assert_close(r->bands[2].points, 3, 0);
    chiso_fwdoc_free(d);
    /* written with ≤: max bands, the last one open */
    d = must_read(
        "Mã,Tên tiêu chí,Điểm tối đa,Cách chấm,Mức chấm,ĐVT\n"
        "1,A,2,,,\n1.1,B,2,theo mức,\"≤ 0: 2; ≤ 2: 1; > 2: 0\",lần\n");
    r = &node(d, "1.1")->rule;
    assert_int_equal(r->upper_bands, 1);
    assert_int_equal(r->n_bands, 3);
    chiso_assert_close(r->bands[0].bound, 0, 0);
    chiso_assert_close(r->bands[1].bound, 2, 0);
    assert_true(r->bands[2].open);
    chiso_fwdoc_free(d);
}

static void
test_bands_errors(void **state)
{
    (void)state;
    /* the decision's own ambiguity (Cà Mau 1880, 1.1.4) */
    rule_error("theo mức", "trên 90%: 2; từ 70% - 90%: 1; dưới 70%: 0", "2",
               "leaves 90% out");
    rule_error("theo mức", "≥ 90%: 2; 50–<80%: 1; < 50%: 0", "2",
               "leave a gap at 80%");
    rule_error("theo mức", "≥ 90%: 2; 50–90%: 1; < 50%: 0", "2",
               "overlap at 90%");
    rule_error("theo mức", "≥ 90%: 1; < 90%: 0", "2",
               "no band gives the full 2 points");
    rule_error("theo mức", "≥ 90%: 3; < 90%: 0", "2", "outside 0..2");
    rule_error("theo mức", "≥ 90%: 2; 50–<90%: 1", "2",
               "do not cover values from 0");
    rule_error("theo mức", "tốt: 2; kém: 0", "2",
               "condition is not understood");
    rule_error("theo mức", "", "2", "needs its bands");
    rule_error("theo mức", "≥ 90%: 2; mẫu số 0: tùy", "2",
               "zero denominator gives");
}

static void
test_proportional_deduction(void **state)
{
    chiso_fwdoc *d;
    const chiso_rule *r;

    (void)state;
    d = one_rule("tỷ lệ", "đạt tối đa khi ≥ 90%; mẫu số 0: đủ điểm", "3");
    r = &node(d, "1.1")->rule;
    assert_int_equal(r->type, CHISO_RULE_PROPORTIONAL);
    chiso_assert_close(r->target, 90, 0);
    assert_int_equal(r->zero_den, CHISO_ZERO_DEN_FULL);
    assert_true(r->capped);
    chiso_fwdoc_free(d);
    d = one_rule("tỉ lệ", "", "3");
    r = &node(d, "1.1")->rule;
    chiso_assert_close(r->target, 100, 0);
    assert_int_equal(r->zero_den, CHISO_ZERO_DEN_NO_SCORE);
    chiso_fwdoc_free(d);
    d = one_rule("tỷ lệ",
                 "tối đa khi đạt 80%, không giới hạn; không có hồ "
                 "sơ: 0 điểm",
                 "2");
    r = &node(d, "1.1")->rule;
    chiso_assert_close(r->target, 80, 0);
    assert_false(r->capped);
    assert_int_equal(r->zero_den, CHISO_ZERO_DEN_ZERO);
    chiso_fwdoc_free(d);
    d = one_rule("trừ điểm", "0,5 mỗi nhiệm vụ, tối thiểu 0", "2");
    r = &node(d, "1.1")->rule;
    assert_int_equal(r->type, CHISO_RULE_DEDUCTION);
    chiso_assert_close(r->per, 0.5, 0);
    assert_int_equal(r->unit, CHISO_UNIT_COUNT);
    chiso_fwdoc_free(d);
    d = one_rule("trừ", "trừ 1 điểm/trường hợp", "4");
    chiso_assert_close(node(d, "1.1")->rule.per, 1, 0);
    chiso_fwdoc_free(d);
    rule_error("tỷ lệ", "tuỳ hội đồng", "2", "is not understood");
    rule_error("trừ điểm", "0,5 mỗi lần, tối thiểu 1", "2",
               "down to 0 points only");
    rule_error("trừ điểm", "", "2", "points per case");
    rule_error("chấm chay", "", "2", "unknown scoring kind");
}

static void
test_kinds_and_tracked(void **state)
{
    chiso_fwdoc *d;

    (void)state;
    d = must_read(HDR "1,A,3,,\n1.1,B,1,có–không,\n1.2,C,1,Đạt/Không đạt,\n"
                      "1.3,D,1,,\n1.4,E,0,,\n1.5,F,0,theo dõi,\n");
    assert_int_equal(node(d, "1.1")->rule.type, CHISO_RULE_BINARY);
    assert_int_equal(node(d, "1.2")->rule.type, CHISO_RULE_BINARY);
    assert_int_equal(node(d, "1.3")->rule.type, CHISO_RULE_MANUAL);
    assert_int_equal(node(d, "1.4")->rule.type, CHISO_RULE_TRACKED);
    assert_int_equal(node(d, "1.5")->rule.type, CHISO_RULE_TRACKED);
    chiso_fwdoc_free(d);
    /* an empty kind with a list of thresholds is a bands rule */
    d = must_read(HDR "1,A,2,,\n1.1,B,2,,\"≥ 100%: 2; < 100%: 0\"\n");
    assert_int_equal(node(d, "1.1")->rule.type, CHISO_RULE_BANDS);
    chiso_fwdoc_free(d);
}

/* A table the way an officer types it: a title, a header block, Roman
 * areas with numbering restarting per area, Vietnamese words. */
static const char officer[] =
    "BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CCHC CỦA CÁC SỞ (THỬ)\n"
    "Căn cứ: Quyết định số 123/QĐ-UBND ngày 01/02/2024\n"
    "Xếp loại: Tốt ≥ 90%; Khá từ 80% đến dưới 90%; Trung bình 70–<80%; Yếu "
    "< 70%\n"
    "Làm tròn điểm,2\n"
    ";;\n"
    "STT,Tên tiêu chí,Điểm tối đa,Cách chấm,Mức chấm,Nguồn số liệu,Áp "
    "dụng,Ghi chú\n"
    "I,CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH,10,,,,,\n"
    "1,Kế hoạch CCHC năm,2,có–không,,,,\n"
    "2,Mức độ hoàn thành kế hoạch,3,theo mức,\"≥100%: 3; 80–<100%: 1,5; "
    "<80%: 0\",,,\n"
    "3,Nhiệm vụ UBND tỉnh giao,5,,,,,\n"
    "3.1,Tỷ lệ nhiệm vụ hoàn thành đúng hạn,3,Theo mức,từ 90% trở lên: 3; từ "
    "70% đến dưới 90%: 1; dưới 70%: 0,tỷ lệ nhiệm vụ hoàn thành đúng hạn,,\n"
    "3.2,Nhiệm vụ quá hạn,2,trừ điểm,\"0,5 mỗi nhiệm vụ, tối thiểu "
    "0\",tasks.overdue,,\n"
    "II,CẢI CÁCH TTHC,10,,,,,\n"
    "1,Tỷ lệ hồ sơ trực tuyến,4,tỷ lệ,đạt tối đa khi ≥ 90%; mẫu số 0: không "
    "chấm,services.online_pct,,\n"
    "2,Kiểm soát TTHC,3,tự chấm,,,KAD,chỉ áp dụng với sở có TTHC\n"
    "3,Báo cáo,3,có/không,,,,\n"
    "Tổng cộng,,20,,,,,\n";

static void
test_officer_table(void **state)
{
    chiso_fwdoc *d;
    const chiso_node *n;
    size_t al;
    const char *rest, *ap;

    (void)state;
    d = must_read(officer);
    assert_string_equal(d->fw->name,
                        "BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CCHC CỦA CÁC SỞ (THỬ)");
    assert_string_equal(d->fw->legal_basis,
                        "Quyết định số 123/QĐ-UBND ngày 01/02/2024");
    assert_int_equal(d->fw->points_decimals, 2);
    assert_true(d->declared_max);
    chiso_assert_close(d->fw->max, 20, 0);
    assert_int_equal(d->fw->n_classes, 4);
    assert_string_equal(d->fw->classes[0].id, "tot");
    chiso_assert_close(d->fw->classes[1].min, 80, 0);
    assert_string_equal(d->fw->classes[2].label, "Trung bình");
    chiso_assert_close(d->fw->classes[3].min, 0, 0);
    /* numbering restarts per area: ids are qualified by the area */
    n = node(d, "I.3.1");
    assert_int_equal(n->depth, 2);
    assert_string_equal(d->fw->nodes[n->parent].id, "I.3");
    assert_string_equal(n->rule.source, "tasks.on_time_pct");
    assert_int_equal(node(d, "I.3.2")->rule.type, CHISO_RULE_DEDUCTION);
    chiso_assert_close(node(d, "II.1")->rule.target, 90, 0);
    n = node(d, "II.2");
    ap = chiso_fwtable_node_applies(n, &al, &rest);
    assert_non_null(ap);
    assert_true(chiso_fwtable_applies_is_kad(ap, al));
    assert_string_equal(rest, "chỉ áp dụng với sở có TTHC");
    /* the table's own position of each node */
    assert_int_equal(node(d, "II.2")->line, 15);
    chiso_fwdoc_free(d);
}

/* A ';' CSV as Excel writes it in Vietnam, with the classification typed
 * in one cell but split by the delimiter, and a heading above the title. */
static void
test_semicolon_csv(void **state)
{
    chiso_fwdoc *d;

    (void)state;
    d = must_read("UBND TỈNH HƯNG YÊN;;;\n"
                  "BỘ TIÊU CHÍ ĐÁNH GIÁ CCHC CÁC SỞ NĂM 2025;;;\n"
                  "Xếp loại: Tốt: ≥ 90; Khá: 80–<90; Yếu: < 80;;;\n"
                  "TT;Tên tiêu chí;Điểm tối đa;Cách chấm;Mức chấm\n"
                  "1;A;3;;\n"
                  "1.1;B;3;theo mức;\"100%: 3; từ 90% đến dưới 100%: 2; "
                  "dưới 90%: 0\"\n");
    assert_string_equal(d->fw->name,
                        "BỘ TIÊU CHÍ ĐÁNH GIÁ CCHC CÁC SỞ NĂM 2025");
    assert_int_equal(d->fw->n_classes, 3);
    assert_string_equal(d->fw->classes[1].label, "Khá");
    chiso_assert_close(d->fw->classes[1].min, 80, 0);
    chiso_assert_close(node(d, "1.1")->rule.bands[0].bound, 100, 0);
    chiso_assert_close(node(d, "1.1")->rule.bands[1].bound, 90, 0);
    chiso_fwdoc_free(d);
}

/* Codes without restarts are kept as written; letters under numbers. */
static void
test_codes(void **state)
{
    chiso_fwdoc *d;

    (void)state;
    d = must_read(HDR "A,Lĩnh vực A,3,,\n1.,Một,1,tự chấm,\n2.,Hai,2,,\n"
                      "a),Hai a,1,tự chấm,\nb),Hai b,1,tự chấm,\n"
                      "B,Lĩnh vực B,1,,\n3,Ba,1,tự chấm,\n");
    assert_int_equal(node(d, "1")->depth, 1);
    assert_string_equal(d->fw->nodes[node(d, "1")->parent].id, "A");
    assert_int_equal(node(d, "2.a")->depth, 2);
    assert_string_equal(d->fw->nodes[node(d, "2.b")->parent].id, "2");
    assert_string_equal(d->fw->nodes[node(d, "3")->parent].id, "B");
    chiso_fwdoc_free(d);
    /* the level column: any codes */
    d = must_read("Mã,Cấp,Tên tiêu chí,Điểm tối đa,Cách chấm\n"
                  "TD,1,Thẩm định,3,\nX1,2,Một,1,tự chấm\nX2,2,Hai,2,tự "
                  "chấm\nSIPAS,1,Hài lòng,1,tự chấm\n");
    assert_int_equal(node(d, "X2")->depth, 1);
    assert_string_equal(d->fw->nodes[node(d, "X2")->parent].id, "TD");
    assert_int_equal(node(d, "SIPAS")->depth, 0);
    chiso_fwdoc_free(d);
}

/* The decision's rule lines on rows of their own (Cà Mau 1880's layout),
 * a second header line, and the totals row. */
static void
test_continuation_rows(void **state)
{
    chiso_fwdoc *d;

    (void)state;
    d = must_read("STT,Lĩnh vực/Tiêu chí/Tiêu chí thành phần,Điểm tối "
                  "đa,Điểm đánh giá,,\n"
                  ",,,Tự đánh giá,SNV đánh giá,\n"
                  "1,CHỈ ĐẠO ĐIỀU HÀNH,2,,,\n"
                  "1.1,Ban hành kế hoạch,1,,,\n"
                  ",Ban hành kịp thời: 1,,,,\n"
                  ",\"Ban hành không kịp thời: 0,5\",,,,\n"
                  ",Không ban hành: 0,,,,\n"
                  "1.2,Báo cáo,1,,,\n"
                  ",Đủ: 1,,,,\n"
                  ",TỔNG CỘNG,2,,,\n");
    assert_int_equal(node(d, "1.1")->rule.type, CHISO_RULE_MANUAL);
    assert_string_equal(node(d, "1.1")->rule.text,
                        "Ban hành kịp thời: 1\nBan hành không kịp thời: "
                        "0,5\nKhông ban hành: 0");
    assert_true(d->declared_max);
    chiso_fwdoc_free(d);
}

static void
test_terms(void **state)
{
    chiso_fwdoc *d;
    const chiso_rule *r;

    (void)state;
    d = must_read("Mã,Tên tiêu chí,Điểm tối đa,Cách chấm,Mức chấm,Nguồn số "
                  "liệu\n"
                  "1,A,10,,,\n1.1,Trực tuyến,10,theo thành phần,,\n"
                  "P,Cung cấp,4,thành phần,đạt tối đa khi ≥ 80%,\n"
                  "O,Nộp trực tuyến,6,thành phần,\"đạt tối đa khi ≥ 50%; mẫu "
                  "số 0: không chấm\",tỷ lệ hồ sơ trực tuyến\n");
    r = &node(d, "1.1")->rule;
    assert_int_equal(r->type, CHISO_RULE_TERMS);
    assert_int_equal(r->n_terms, 2);
    assert_string_equal(r->terms[0].input, "P");
    chiso_assert_close(r->terms[0].full_at, 80, 0);
    assert_int_equal(r->terms[0].zero_den, CHISO_ZERO_DEN_ZERO);
    assert_int_equal(r->terms[1].zero_den, CHISO_ZERO_DEN_NO_SCORE);
    assert_string_equal(r->terms[1].source, "services.online_pct");
    chiso_fwdoc_free(d);
}

/* Every problem of a table in one pass, each at its cell. */
static void
test_problems_at_cells(void **state)
{
    chiso_diag_list l;
    chiso_fwdoc *d = NULL;

    (void)state;
    assert_int_not_equal(
        read_table("bad.csv",
                   "Tên bộ tiêu chí,Khung lỗi\n"
                   "Xếp loại: Tốt ≥ 90; Khá 80–<90; Yếu < 75\n"
                   "Tác giả,ai đó\n"
                   "Mã,Tên tiêu chí,Điểm tối đa,Cách chấm,Mức chấm,Nguồn số "
                   "liệu\n"
                   "1,Chỉ đạo điều hành,10,,,\n"
                   "1.1,Kế hoạch,2,có không,,\n"
                   "1.2,Hoàn thành,3,theo mức,\"trên 90%: 3; từ 70% - 90%: 1; "
                   "dưới 70%: 0\",\n"
                   "1.3,Hồ sơ,1,tỷ lệ,,services.online\n"
                   "1.3,Trùng mã,1,tự chấm,,\n"
                   "2.1,Không có cha,2,tự chấm,,\n"
                   "3,Thiếu điểm,,,,\n"
                   "4,Theo dõi,1,theo dõi,,\n"
                   "5,Kiểu lạ,1,chấm chay,,\n",
                   &d, &l),
        CHISO_OK);
    assert_null(d);
    expect_at(&l, "ends at 75 but the next band", 2, 1);
    expect_at(&l, "unknown key 'Tác giả'", 3, 1);
    expect_at(&l, "add up to 7 points, not its maximum 10", 5, 21);
    expect_at(&l, "leaves 90% out", 7, 27);
    expect_at(&l, "unknown data source 'services.online'", 8, 20);
    expect_at(&l, "code '1.3' is used twice", 9, 1);
    expect_at(&l, "no parent '2' above it", 10, 1);
    expect_at(&l, "criterion '3' has no maximum", 11, 14);
    expect_at(&l, "maximum must be 0, not 1", 12, 12);
    expect_at(&l, "unknown scoring kind 'chấm chay'", 13, 13);
    assert_int_equal(chiso_diag_list_total(&l), 10);
    chiso_diag_list_free(&l);
    /* no header at all */
    assert_int_equal(read_table("nohdr.csv", "a,b\n1,2\n", &d, &l),
                     CHISO_ESCHEMA);
    expect_at(&l, "no header row", 0, 0);
    chiso_diag_list_free(&l);
}

/* Problems are in the user's language (Vietnamese by default). */
static void
test_vietnamese_messages(void **state)
{
    chiso_diag_list l;
    chiso_fwdoc *d = NULL;

    (void)state;
    chiso_diag_list_init(&l, 10);
    assert_int_not_equal(
        chiso_fwtable_read(&d,
                           chiso_test_file("vi.csv", HDR "1,A,2,,\n1.1,B,1,tự "
                                                         "chấm,\n"),
                           NULL, &l),
        CHISO_OK);
    assert_int_equal(l.n, 1);
    assert_non_null(strstr(l.items[0].message, "cộng lại"));
    chiso_diag_list_free(&l);
}

/* JSON -> table -> JSON on every shipped framework, and the JSON writer. */
static void
test_round_trip_shipped(void **state)
{
    DIR *dir = opendir(chiso_test_path("indicators/frameworks"));
    struct dirent *e;
    int n = 0;

    (void)state;
    assert_non_null(dir);
    while ((e = readdir(dir)) != NULL) {
        char path[1200], why[512], csv[64], csvp[600], jsonp[600];
        size_t len = strlen(e->d_name);
        chiso_fwdoc *a = NULL, *b = NULL, *c = NULL;
        chiso_diag_list l;
        FILE *f;
        char *json;
        chiso_framework *fw = NULL;
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) {
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s",
                 chiso_test_path("indicators/frameworks"), e->d_name);
        chiso_diag_list_init(&l, 10);
        assert_int_equal(chiso_fwdoc_load(&a, path, NULL, &l), CHISO_OK);
        /* table */
        snprintf(csv, sizeof(csv), "rt_%d.csv", n);
        snprintf(csvp, sizeof(csvp), "%s", chiso_test_file(csv, ""));
        snprintf(jsonp, sizeof(jsonp), "%s", chiso_test_file("rt.json", ""));
        f = fopen(csvp, "wb");
        assert_non_null(f);
        assert_int_equal(chiso_fwdoc_write_csv(a, f), CHISO_OK);
        fclose(f);
        if (chiso_fwdoc_load(&b, csvp, NULL, &l) != CHISO_OK) {
            fail_msg("%s: exported table refused: %lu:%lu: %s", e->d_name,
                     l.items[0].line, l.items[0].column, l.items[0].message);
        }
        if (!chiso_fwdoc_compare(a, b, why, sizeof(why))) {
            fail_msg("%s: table round trip differs: %s", e->d_name, why);
        }
        /* the JSON the import writes loads to the same framework */
        json = chiso_fwdoc_to_json(b);
        assert_non_null(json);
        f = fopen(jsonp, "wb");
        fputs(json, f);
        fclose(f);
        free(json);
        assert_int_equal(chiso_fwdoc_load(&c, jsonp, NULL, &l), CHISO_OK);
        if (!chiso_fwdoc_compare(a, c, why, sizeof(why))) {
            fail_msg("%s: JSON round trip differs: %s", e->d_name, why);
        }
        /* what commands call */
        assert_int_equal(chiso_fwtable_load(&fw, csvp, NULL), CHISO_OK);
        assert_int_equal(fw->n_nodes, a->fw->n_nodes);
        chiso_framework_free(fw);
        chiso_fwdoc_free(a);
        chiso_fwdoc_free(b);
        chiso_fwdoc_free(c);
        chiso_diag_list_free(&l);
        n++;
    }
    closedir(dir);
    assert_true(n >= 4);
}

/* A table written by chiso, then read: officer's table -> export -> read. */
static void
test_round_trip_table(void **state)
{
    chiso_fwdoc *a = must_read(officer), *b = NULL;
    chiso_diag_list l;
    char why[512];
    FILE *f;

    (void)state;
    char p[600];

    snprintf(p, sizeof(p), "%s", chiso_test_file("o2.csv", ""));
    f = fopen(p, "wb");
    assert_int_equal(chiso_fwdoc_write_csv(a, f), CHISO_OK);
    fclose(f);
    chiso_diag_list_init(&l, 10);
    assert_int_equal(chiso_fwdoc_load(&b, p, NULL, &l), CHISO_OK);
    if (!chiso_fwdoc_compare(a, b, why, sizeof(why))) {
        fail_msg("differs: %s", why);
    }
    chiso_fwdoc_free(a);
    chiso_fwdoc_free(b);
    chiso_diag_list_free(&l);
}

static void
test_words(void **state)
{
    chiso_fwdoc *d;
    char *w;

    (void)state;
    d = one_rule("theo mức", "≥100%: 2; 80–<100%: 1; <80%: 0", "2");
    w = chiso_fwtable_rule_params(node(d, "1.1"));
    assert_string_equal(w, "≥ 100%: 2; 80–<100%: 1; < 80%: 0");
    free(w);
    w = chiso_fwtable_rule_words(node(d, "1.1"), CHISO_LANG_EN);
    assert_string_equal(w, "By bands: ≥ 100%: 2; 80–<100%: 1; < 80%: 0");
    free(w);
    chiso_fwdoc_free(d);
    d = one_rule("trừ điểm", "0,5 mỗi nhiệm vụ", "2");
    w = chiso_fwtable_rule_params(node(d, "1.1"));
    assert_string_equal(w, "trừ 0,5 mỗi trường hợp, tối thiểu 0");
    free(w);
    chiso_fwdoc_free(d);
    assert_string_equal(chiso_fwtable_source_name("Tỷ lệ số hóa hồ sơ",
                                                  strlen("Tỷ lệ số hóa hồ sơ")),
                        "services.digitized_pct");
    assert_null(chiso_fwtable_source_name("báo cáo", 8));
}

/* The transcribed decision (Cà Mau 1880/QĐ-UBND, 2013, area 1): its
 * maxima add up as the decision prints them, the rules are the printed
 * ones, and the shipped JSON is what the shipped table imports to. */
static void
test_camau_1880(void **state)
{
    /* the decision's printed maxima, typed from the source */
    static const struct {
        const char *id;
        double max;
    } printed[] = {{"1", 20},    {"1.1", 5},   {"1.1.1", 1}, {"1.1.2", 1},
                   {"1.1.3", 1}, {"1.1.4", 2}, {"1.2", 2},   {"1.2.1", 1},
                   {"1.2.2", 1}, {"1.3", 3}};
    chiso_fwdoc *t = NULL, *j = NULL;
    chiso_diag_list l;
    char why[512];
    size_t i, k;
    double sum;
    const chiso_node *n;

    (void)state;
    chiso_diag_list_init(&l, 20);
    assert_int_equal(
        chiso_fwdoc_load(
            &t,
            chiso_test_path("indicators/frameworks/camau-1880-2013-dept.csv"),
            NULL, &l),
        CHISO_OK);
    assert_int_equal(
        chiso_fwdoc_load(
            &j,
            chiso_test_path("indicators/frameworks/camau-1880-2013-dept.json"),
            NULL, &l),
        CHISO_OK);
    for (i = 0; i < sizeof(printed) / sizeof(printed[0]); i++) {
        n = node(t, printed[i].id);
        chiso_assert_close(n->max, printed[i].max, 0);
    }
    /* 1.1 = 1 + 1 + 1 + 2, 1.2 = 1 + 1, area 1 = 20 as printed */
    for (i = 0; i < t->fw->n_nodes; i++) {
        n = &t->fw->nodes[i];
        if (n->n_children == 0) {
            continue;
        }
        sum = 0;
        for (k = 0; k < n->n_children; k++) {
            sum += t->fw->nodes[n->children[k]].max;
        }
        chiso_assert_close(sum, n->max, 1e-9);
    }
    chiso_assert_close(t->fw->max, 20, 0);
    assert_true(t->declared_max);
    /* the printed rule of 1.1.4, read as bands >= 90 / >= 70 */
    n = node(t, "1.1.4");
    assert_int_equal(n->rule.type, CHISO_RULE_BANDS);
    chiso_assert_close(n->rule.bands[0].bound, 90, 0);
    chiso_assert_close(n->rule.bands[1].bound, 70, 0);
    assert_string_equal(n->rule.confidence, "inferred");
    assert_int_equal(node(t, "1.2.1")->rule.type, CHISO_RULE_BINARY);
    assert_string_equal(t->fw->status, "partial");
    if (!chiso_fwdoc_compare(t, j, why, sizeof(why))) {
        fail_msg("the shipped JSON is not the table's import: %s", why);
    }
    chiso_fwdoc_free(t);
    chiso_fwdoc_free(j);
    chiso_diag_list_free(&l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bands),
        cmocka_unit_test(test_bands_counts),
        cmocka_unit_test(test_bands_errors),
        cmocka_unit_test(test_proportional_deduction),
        cmocka_unit_test(test_kinds_and_tracked),
        cmocka_unit_test(test_officer_table),
        cmocka_unit_test(test_semicolon_csv),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_continuation_rows),
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_problems_at_cells),
        cmocka_unit_test(test_vietnamese_messages),
        cmocka_unit_test(test_round_trip_shipped),
        cmocka_unit_test(test_round_trip_table),
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_camau_1880),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

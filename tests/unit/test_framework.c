/* test_framework.c - framework loading and validation. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_framework.h"
#include "helpers.h"

#define HEAD "{\"format\":\"chiso-framework\",\"id\":\"t\",\"name\":\"Thử\","

/* Load text as a framework; return the status and the first problem. */
static chiso_status
load_text(const char *text, chiso_framework **fw, chiso_diag *d)
{
    chiso_diag_clear(d);
    return chiso_framework_load(fw, chiso_test_file("fw.json", text), d);
}

/* Expect validation to report a problem containing `needle` (at line:col
 * when line > 0). */
static void
expect_problem(const char *text,
               const char *needle,
               unsigned long line,
               unsigned long col)
{
    chiso_framework *fw = NULL;
    chiso_diag_list list;
    chiso_status st;
    size_t i;

    chiso_diag_list_init(&list, 100);
    list.lang = CHISO_LANG_EN; /* the needles are the English msgids */
    st = chiso_framework_check(&fw, chiso_test_file("fw.json", text), &list);
    if (st == CHISO_OK) {
        chiso_framework_free(fw);
        chiso_diag_list_free(&list);
        fail_msg("expected a problem containing '%s'", needle);
    }
    assert_null(fw);
    for (i = 0; i < list.n; i++) {
        if (strstr(list.items[i].message, needle) != NULL) {
            break;
        }
    }
    if (i == list.n) {
        fail_msg("no problem contains '%s' (first: '%s')", needle,
                 list.n ? list.items[0].message : "");
    }
    if (line > 0 &&
        (list.items[i].line != line || list.items[i].column != col)) {
        fail_msg("'%s' reported at %lu:%lu, expected %lu:%lu", needle,
                 list.items[i].line, list.items[i].column, line, col);
    }
    chiso_diag_list_free(&list);
}

static void
test_load_tree(void **state)
{
    chiso_framework *fw = NULL;
    chiso_diag d;
    long k;

    (void)state;
    assert_int_equal(
        load_text(HEAD "\"classification\":[{\"id\":\"A\",\"label\":\"Nhóm "
                       "A\",\"min\":90},{\"id\":\"B\",\"label\":\"Nhóm "
                       "B\",\"min\":0}],\"nodes\":["
                       "{\"id\":\"1\",\"name\":\"a\",\"max\":3,\"children\":["
                       "{\"id\":\"1.1\",\"name\":\"b\",\"max\":1,\"rule\":"
                       "\"manual\"},"
                       "{\"id\":\"1.2\",\"name\":\"c\",\"max\":2,\"children\":"
                       "[{\"id\":\"1.2.1\",\"name\":\"d\",\"max\":2,\"rule\":"
                       "{\"type\":\"bands\",\"bands\":[{\"min\":100,"
                       "\"points\":2},{\"min\":80,\"points\":1},{\"min\":0,"
                       "\"points\":0}]}}]}]},"
                       "{\"id\":\"2\",\"name\":\"e\",\"max\":0,\"rule\":"
                       "\"tracked\"}]}",
                  &fw, &d),
        CHISO_OK);
    assert_int_equal(fw->n_nodes, 5);
    chiso_assert_close(fw->max, 3, 1e-12);
    k = chiso_framework_find(fw, "1.2.1");
    assert_int_equal(k, 3);
    assert_int_equal(fw->nodes[k].depth, 2);
    assert_int_equal(fw->nodes[k].parent, 2);
    assert_int_equal(fw->nodes[0].n_children, 2);
    assert_int_equal(fw->nodes[k].rule.type, CHISO_RULE_BANDS);
    assert_int_equal(fw->nodes[k].rule.n_bands, 3);
    assert_string_equal(chiso_framework_classify(fw, 90)->id, "A");
    assert_string_equal(chiso_framework_classify(fw, 89.99)->id, "B");
    assert_int_equal(fw->points_decimals, -1);
    /* ids as paper forms write them: a trailing dot, a Roman numeral for a
     * top-level area only, the canonical spelling only */
    assert_int_equal(chiso_framework_find(fw, "1.2.1."), 3);
    assert_int_equal(chiso_framework_find(fw, "1.1.."), 1);
    assert_int_equal(chiso_framework_find(fw, "I"), 0);
    assert_int_equal(chiso_framework_find(fw, "II"), 4);
    assert_int_equal(chiso_framework_find(fw, "II."), 4);
    assert_int_equal(chiso_framework_find(fw, "III"), -1); /* no area 3 */
    assert_int_equal(chiso_framework_find(fw, "IIII"), -1);
    assert_int_equal(chiso_framework_find(fw, "i"), -1);
    assert_int_equal(chiso_framework_find(fw, "."), -1);
    assert_int_equal(chiso_framework_find(fw, ""), -1);
    assert_int_equal(chiso_framework_find(fw, "1.2.1.x"), -1);
    chiso_framework_free(fw);
}

static void
test_structure_problems(void **state)
{
    (void)state;
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"max\":3,"
                        "\"children\":[{\"id\":\"1.1\",\"name\":\"b\",\"max\":"
                        "1,\"rule\":\"manual\"}]}]}",
                   "add up to 1, not its \"max\" 3", 1, 87);
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"max\":1,"
                        "\"rule\":\"manual\"},{\"id\":\"1\",\"name\":\"b\","
                        "\"max\":1,\"rule\":\"manual\"}]}",
                   "duplicate id \"1\"", 0, 0);
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"maxx\":1,"
                        "\"rule\":\"manual\"}]}",
                   "unknown key \"maxx\"", 0, 0);
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"max\":1,"
                        "\"rule\":\"magic\"}]}",
                   "unknown rule type \"magic\"", 0, 0);
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"max\":-1,"
                        "\"rule\":\"manual\"}]}",
                   "must not be negative", 0, 0);
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"max\":0,"
                        "\"rule\":\"manual\"}]}",
                   "must use the \"tracked\" rule", 0, 0);
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"max\":1}]}",
                   "needs \"children\" or a \"rule\"", 0, 0);
    expect_problem(HEAD "\"max\":100,\"nodes\":[{\"id\":\"1\",\"name\":\"a\","
                        "\"max\":1,\"rule\":\"manual\"}]}",
                   "add up to 1, not the framework's \"max\" 100", 0, 0);
    expect_problem("{\"format\":\"chiso-framework\",\"name\":\"x\","
                   "\"nodes\":[]}",
                   "missing \"id\"", 1, 1);
    expect_problem("[1,2]", "must hold a JSON object", 1, 1);
    expect_problem("{\"id\": ", "unexpected end of file", 1, 8);
}

static void
test_rule_problems(void **state)
{
    (void)state;
    /* bands out of order */
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"max\":2,"
                        "\"rule\":{\"type\":\"bands\",\"bands\":[{\"min\":80,"
                        "\"points\":1},{\"min\":100,\"points\":2},{\"min\":0,"
                        "\"points\":0}]}}]}",
                   "bands are not ordered", 0, 0);
    /* bands leave a gap at the bottom */
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"max\":2,"
                        "\"rule\":{\"type\":\"bands\",\"bands\":[{\"min\":100,"
                        "\"points\":2},{\"min\":80,\"points\":1}]}}]}",
                   "do not cover the domain", 0, 0);
    /* band points above the maximum */
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"max\":2,"
                        "\"rule\":{\"type\":\"bands\",\"bands\":[{\"min\":0,"
                        "\"points\":3}]}}]}",
                   "band points 3 outside 0..2", 0, 0);
    /* upper bands must end open or at the domain's top */
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"max\":2,"
                        "\"rule\":{\"type\":\"bands\",\"unit\":\"count\","
                        "\"bands\":[{\"max\":0,\"points\":2},{\"max\":3,"
                        "\"points\":1}]}}]}",
                   "do not cover the domain", 0, 0);
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"max\":2,"
                        "\"rule\":{\"type\":\"proportional\",\"target\":0}}]}",
                   "\"target\" must be positive", 0, 0);
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"max\":2,"
                        "\"rule\":{\"type\":\"proportional\",\"source\":"
                        "\"tasks.nothing\"}}]}",
                   "unknown derived input \"tasks.nothing\"", 0, 0);
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"max\":10,"
                        "\"rule\":{\"type\":\"terms\",\"terms\":[{\"input\":"
                        "\"A\",\"points\":6}]}}]}",
                   "at most 6 points, less than", 0, 0);
    expect_problem(HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\",\"max\":2,"
                        "\"rule\":{\"type\":\"proportional\","
                        "\"zero_denominator\":\"maybe\"}}]}",
                   "\"zero_denominator\" must be", 0, 0);
    expect_problem(HEAD "\"classification\":[{\"id\":\"A\",\"label\":\"A\","
                        "\"min\":90},{\"id\":\"B\",\"label\":\"B\",\"min\":"
                        "80}],\"nodes\":[{\"id\":\"1\",\"name\":\"a\","
                        "\"max\":1,\"rule\":\"manual\"}]}",
                   "do not cover 0..100", 0, 0);
    /* a terms input id colliding with a node id */
    expect_problem(HEAD "\"nodes\":[{\"id\":\"A\",\"name\":\"a\",\"max\":1,"
                        "\"rule\":\"manual\"},{\"id\":\"B\",\"name\":\"b\","
                        "\"max\":6,\"rule\":{\"type\":\"terms\",\"terms\":[{"
                        "\"input\":\"A\",\"points\":6}]}}]}",
                   "duplicate id \"A\"", 0, 0);
}

static void
test_check_collects_all(void **state)
{
    chiso_diag_list list;

    (void)state;
    chiso_diag_list_init(&list, 50);
    assert_int_equal(
        chiso_framework_check(
            NULL,
            chiso_test_file("fw.json",
                            HEAD "\"nodes\":[{\"id\":\"1\",\"name\":\"a\","
                                 "\"max\":1,\"rule\":\"magic\"},\n{\"id\":"
                                 "\"1\",\"name\":\"b\",\"max\":1,\"rule\":"
                                 "\"manual\",\"extra\":1}]}"),
            &list),
        CHISO_ESCHEMA);
    assert_int_equal(list.n, 3);
    chiso_diag_list_free(&list);
}

static void
test_shipped_frameworks_load(void **state)
{
    static const char *const files[] = {
        "indicators/frameworks/par-province-876.json",
        "indicators/frameworks/par-province-2948.json",
        "indicators/frameworks/par-department-template.json",
        "indicators/frameworks/qd766.json",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        chiso_framework *fw = NULL;
        chiso_diag d;
        chiso_diag_clear(&d);
        if (chiso_framework_load(&fw, chiso_test_path(files[i]), &d) !=
            CHISO_OK) {
            fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
        }
        chiso_assert_close(fw->max, 100, 1e-9);
        chiso_framework_free(fw);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_tree),
        cmocka_unit_test(test_structure_problems),
        cmocka_unit_test(test_rule_problems),
        cmocka_unit_test(test_check_collects_all),
        cmocka_unit_test(test_shipped_frameworks_load),
    };
    return cmocka_run_group_tests_name("framework", tests, NULL, NULL);
}

/*
 * test_report.c - chiso report: the pack from the shipped sample, the
 * summary.json schema against docs/report.md's table (both ways), byte-identical
 * reruns, a failed run that leaves the previous pack intact, and
 * configuration errors at their file:line:column.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_report.h"
#include "helpers.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <sys/stat.h>

#define MAX_KEYS 512

struct keyset {
    char *key[MAX_KEYS];
    char *type[MAX_KEYS];
    size_t n;
};

static void
keyset_add(struct keyset *k, const char *key, const char *type)
{
    size_t i;

    for (i = 0; i < k->n; i++) {
        if (strcmp(k->key[i], key) == 0) {
            return;
        }
    }
    assert_true(k->n < MAX_KEYS);
    k->key[k->n] = chiso_strdup(key);
    k->type[k->n] = chiso_strdup(type ? type : "");
    k->n++;
}

static long
keyset_find(const struct keyset *k, const char *key)
{
    size_t i;

    for (i = 0; i < k->n; i++) {
        if (strcmp(k->key[i], key) == 0) {
            return (long)i;
        }
    }
    return -1;
}

static void
keyset_free(struct keyset *k)
{
    size_t i;

    for (i = 0; i < k->n; i++) {
        free(k->key[i]);
        free(k->type[i]);
    }
    k->n = 0;
}

/* The documented keys: docs/report.md's "summary.json" table. */
static void
readme_keys(struct keyset *k)
{
    char *text = NULL, *p, *line, *save = NULL;
    size_t len;
    chiso_diag d;
    int in_section = 0;

    chiso_diag_clear(&d);
    assert_int_equal(
        chiso_file_read_all(chiso_test_path("docs/report.md"), &text, &len, &d),
        CHISO_OK);
    for (line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "## summary.json", 15) == 0) {
            in_section = 1;
            continue;
        }
        if (in_section && line[0] == '#') {
            break;
        }
        if (in_section && strncmp(line, "| `", 3) == 0) {
            char key[200], type[100];
            char *end = strchr(line + 3, '`'), *c2, *c3;
            assert_non_null(end);
            snprintf(key, sizeof(key), "%.*s", (int)(end - line - 3), line + 3);
            c2 = strchr(end, '|');
            assert_non_null(c2);
            c3 = strchr(c2 + 1, '|');
            assert_non_null(c3);
            snprintf(type, sizeof(type), "%.*s", (int)(c3 - c2 - 1), c2 + 1);
            p = type;
            while (*p == ' ') {
                p++;
            }
            memmove(type, p, strlen(p) + 1);
            while (strlen(type) > 0 && type[strlen(type) - 1] == ' ') {
                type[strlen(type) - 1] = '\0';
            }
            keyset_add(k, key, type);
        }
    }
    free(text);
    assert_true(k->n > 50);
}

static const char *
json_type(const cJSON *v)
{
    return cJSON_IsObject(v)   ? "object"
           : cJSON_IsArray(v)  ? "array"
           : cJSON_IsString(v) ? "string"
           : cJSON_IsNumber(v) ? "number"
           : cJSON_IsBool(v)   ? "boolean"
                               : "null";
}

/* Every key path in the document; `doc` tells where not to descend. */
static void
flatten(const cJSON *v,
        const char *path,
        struct keyset *out,
        const struct keyset *doc)
{
    const cJSON *c;
    char sub[300];
    long k;

    if (cJSON_IsObject(v)) {
        for (c = v->child; c != NULL; c = c->next) {
            snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "",
                     c->string);
            /* services.previous has the keys of services.current */
            if (strncmp(sub, "services.previous", 17) == 0) {
                char alias[300];
                snprintf(alias, sizeof(alias), "services.current%s", sub + 17);
                snprintf(sub, sizeof(sub), "%s", alias);
            }
            keyset_add(out, sub, json_type(c));
            k = keyset_find(doc, sub);
            if (k >= 0 && (strcmp(doc->type[k], "store row") == 0 ||
                           strcmp(doc->type[k], "trend segment") == 0)) {
                continue;
            }
            flatten(c, sub, out, doc);
        }
    } else if (cJSON_IsArray(v)) {
        for (c = v->child; c != NULL; c = c->next) {
            if (cJSON_IsObject(c)) {
                snprintf(sub, sizeof(sub), "%s[]", path);
                flatten(c, sub, out, doc);
            }
        }
    }
}

static char *
slurp(const char *path, size_t *len)
{
    char *text = NULL;
    chiso_diag d;

    chiso_diag_clear(&d);
    if (chiso_file_read_all(path, &text, len, &d) != CHISO_OK) {
        fail_msg("%s: %s", path, d.message);
    }
    return text;
}

static void
build_sample(const char *out)
{
    chiso_report_config *cfg = NULL;
    chiso_diag d;
    chiso_report_outcome o;

    chiso_diag_clear(&d);
    if (chiso_report_config_load(
            &cfg, chiso_test_path("datasets/samples/report-skhcn-2024-h2.json"),
            &d) != CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    if (chiso_report_build(cfg, out, NULL, &o, &d) != CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    assert_true(o.n_files >= 20); /* with report.xlsx, .docx, .html */
    chiso_report_outcome_clear(&o);
    chiso_report_config_free(cfg);
}

static void
test_summary_schema(void **state)
{
    char out[256], path[300];
    char *text;
    size_t len, i;
    cJSON *root;
    struct keyset doc = {0}, got = {0};

    (void)state;
    snprintf(out, sizeof(out), "/tmp/chiso_report_a_%ld", (long)getpid());
    build_sample(out);
    snprintf(path, sizeof(path), "%s/summary.json", out);
    text = slurp(path, &len);
    root = cJSON_Parse(text);
    assert_non_null(root);
    readme_keys(&doc);
    flatten(root, "", &got, &doc);
    /* every key in the file is documented, with its type */
    for (i = 0; i < got.n; i++) {
        long k = keyset_find(&doc, got.key[i]);
        if (k < 0) {
            fail_msg(
                "summary.json key '%s' is not documented in docs/report.md",
                got.key[i]);
        }
        if (strcmp(got.type[i], "null") != 0 &&
            strcmp(doc.type[k], "store row") != 0 &&
            strcmp(doc.type[k], "trend segment") != 0 &&
            strcmp(doc.type[k], got.type[i]) != 0) {
            fail_msg("key '%s' is a %s, docs/report.md says %s", got.key[i],
                     got.type[i], doc.type[k]);
        }
    }
    /* every documented key is in the sample's file */
    for (i = 0; i < doc.n; i++) {
        if (keyset_find(&got, doc.key[i]) < 0) {
            fail_msg("docs/report.md documents '%s', absent from summary.json",
                     doc.key[i]);
        }
    }
    /* a few numbers, checked by hand against the shipped sample:
     * 73.82 / 96 = 76.896 -> 76.90; online 243 / 291 = 83.505 -> 83.51 */
    chiso_assert_close(
        cJSON_GetObjectItem(cJSON_GetObjectItem(root, "par"), "index_pct")
            ->valuedouble,
        76.90, 1e-9);
    chiso_assert_close(
        cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(root, "services"),
                                "current"),
            "online_pct")
            ->valuedouble,
        83.51, 1e-9);
    assert_int_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(root, "tasks"), "overdue_as_of")
            ->valueint,
        2);
    /* typed warnings (schema 2): the sample's self-assessed 6.1 differs
     * from its rule (evidence line 40); 1.6 and 2.6 have points without
     * evidence but a note in the sheet's Ghi chú column explaining it:
     * listed as explained, not as "cần giải trình" */
    {
        const cJSON *w;
        int differ = 0, ev = 0, explained = 0;
        cJSON_ArrayForEach(w, cJSON_GetObjectItem(root, "warnings"))
        {
            const cJSON *code = cJSON_GetObjectItem(w, "code");
            assert_true(cJSON_IsObject(w));
            assert_true(cJSON_IsString(code));
            assert_string_not_equal(code->valuestring, "unclassified");
            if (strcmp(code->valuestring, "self_points_differ") == 0) {
                differ++;
                assert_string_equal(
                    cJSON_GetObjectItem(w, "criterion_id")->valuestring, "6.1");
                assert_int_equal(cJSON_GetObjectItem(w, "line")->valueint, 40);
            }
            ev += strcmp(code->valuestring, "evidence_missing") == 0;
            if (strcmp(code->valuestring, "evidence_explained") == 0) {
                explained++;
                assert_non_null(
                    strstr(cJSON_GetObjectItem(w, "message")->valuestring,
                           "1.6, 2.6"));
            }
        }
        assert_int_equal(differ, 1);
        assert_int_equal(ev, 0);
        assert_int_equal(explained, 1);
    }
    cJSON_Delete(root);
    free(text);
    keyset_free(&doc);
    keyset_free(&got);
}

static void
compare_dirs(const char *a, const char *b)
{
    DIR *d = opendir(a);
    struct dirent *e;
    size_t n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        char pa[600], pb[600];
        char *ta, *tb;
        size_t la, lb;
        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(pa, sizeof(pa), "%s/%s", a, e->d_name);
        snprintf(pb, sizeof(pb), "%s/%s", b, e->d_name);
        ta = slurp(pa, &la);
        tb = slurp(pb, &lb);
        if (la != lb || memcmp(ta, tb, la) != 0) {
            fail_msg("%s differs between two runs", e->d_name);
        }
        free(ta);
        free(tb);
        n++;
    }
    closedir(d);
    assert_true(n >= 17);
}

static void
test_identical_reruns_and_safe_failure(void **state)
{
    char a[256], b[256], bad[300], f[400];
    char *before, *after;
    size_t lb, la;
    chiso_report_config *cfg = NULL;
    chiso_diag d;
    struct stat sb;

    (void)state;
    snprintf(a, sizeof(a), "/tmp/chiso_report_b_%ld", (long)getpid());
    snprintf(b, sizeof(b), "/tmp/chiso_report_c_%ld", (long)getpid());
    build_sample(a);
    build_sample(b);
    compare_dirs(a, b);
    /* a run over the same folder replaces it with the same bytes */
    build_sample(a);
    compare_dirs(a, b);
    /* a failing run (missing evidence file) leaves the pack as it was */
    snprintf(f, sizeof(f), "%s/summary.json", a);
    before = slurp(f, &lb);
    chiso_diag_clear(&d);
    assert_int_equal(
        chiso_report_config_load(
            &cfg, chiso_test_path("datasets/samples/report-skhcn-2024-h2.json"),
            &d),
        CHISO_OK);
    free(cfg->evidence);
    cfg->evidence = chiso_strdup("/nonexistent/evidence.csv");
    assert_int_equal(chiso_report_build(cfg, a, NULL, NULL, &d), CHISO_EIO);
    assert_string_equal(d.path, "/nonexistent/evidence.csv");
    chiso_report_config_free(cfg);
    after = slurp(f, &la);
    assert_int_equal(la, lb);
    assert_memory_equal(before, after, la);
    free(before);
    free(after);
    compare_dirs(a, b);
    /* no temporary sibling is left behind */
    snprintf(bad, sizeof(bad), "%s.tmp-", a);
    {
        DIR *dir = opendir("/tmp");
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            char full[600];
            snprintf(full, sizeof(full), "/tmp/%s", e->d_name);
            if (strncmp(full, bad, strlen(bad)) == 0) {
                fail_msg("temporary folder %s left behind", full);
            }
        }
        closedir(dir);
    }
    assert_int_equal(stat(a, &sb), 0);
}

static void
expect_config_error(const char *text,
                    const char *needle,
                    unsigned long line,
                    unsigned long col)
{
    chiso_report_config *cfg = NULL;
    chiso_diag d;

    chiso_diag_clear(&d);
    d.lang = CHISO_LANG_EN; /* the needles are the English msgids */
    if (chiso_report_config_load(&cfg, chiso_test_file("cfg.json", text), &d) ==
        CHISO_OK) {
        chiso_report_config_free(cfg);
        fail_msg("expected an error containing '%s'", needle);
    }
    if (strstr(d.message, needle) == NULL) {
        fail_msg("'%s' does not contain '%s'", d.message, needle);
    }
    assert_int_equal(d.line, line);
    assert_int_equal(d.column, col);
}

#define CFG_HEAD "{\"format\": \"chiso-report\",\n"

static void
test_config_errors(void **state)
{
    chiso_report_config *cfg = NULL;
    chiso_diag d;

    (void)state;
    expect_config_error(CFG_HEAD
                        "\"unit\": {\"code\": \"X\", \"name\": \"Y\"},\n"
                        "\"period\": \"2024-H3\", \"framework\": "
                        "\"f.json\", \"evidence\": \"e.csv\"}",
                        "bad period '2024-H3'", 3, 11);
    expect_config_error(CFG_HEAD
                        "\"unit\": {\"code\": \"X\", \"name\": \"Y\"},\n"
                        "\"perod\": \"2024-H2\"}",
                        "unknown key \"perod\"", 3, 10);
    expect_config_error(CFG_HEAD "\"period\": \"2024-H2\"}", "missing \"unit\"",
                        1, 1);
    expect_config_error(CFG_HEAD
                        "\"unit\": {\"code\": \"X\", \"name\": \"Y\"},\n"
                        "\"period\": \"2024\", \"framework\": "
                        "\"f.json\", \"evidence\": \"e.csv\", "
                        "\"as_of\": \"31/02/2024\"}",
                        "impossible date", 3, 72);
    /* relative paths resolve against the configuration's folder */
    chiso_diag_clear(&d);
    assert_int_equal(
        chiso_report_config_load(
            &cfg,
            chiso_test_file("cfg.json",
                            CFG_HEAD "\"unit\": {\"code\": \"X\", \"name\": "
                                     "\"Y\"}, \"period\": \"2024-07\", "
                                     "\"framework\": \"../a/./f.json\", "
                                     "\"evidence\": \"e.csv\"}"),
            &d),
        CHISO_OK);
    assert_non_null(strstr(cfg->evidence, "/e.csv"));
    assert_null(strstr(cfg->framework, "/./"));
    chiso_report_config_free(cfg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_schema),
        cmocka_unit_test(test_identical_reruns_and_safe_failure),
        cmocka_unit_test(test_config_errors),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}

/*
 * test_json_alloc.c - JSON builders under allocation failure.
 *
 * cJSON's allocator is replaced (cJSON_InitHooks) by one that fails the
 * k-th allocation after the hook is armed. Each builder runs for k = 1, 2,
 * ... until a run sees no failure; every run must end in "out of memory"
 * or in the complete document (byte for byte the one built without
 * failures) - never a tree with a key missing. Under ASan the suite also
 * proves nothing leaks on those paths.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_report.h"
#include "chiso_plot.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the failing allocator (test only; cJSON's hooks are global) ---- */

static long fail_at;   /* 0 = never */
static long n_calls;   /* allocations since armed */
static int armed;      /* counting? */
static int failed_one; /* did the k-th allocation fail in this run? */

static void *
hook_malloc(size_t n)
{
    if (armed && fail_at > 0 && ++n_calls == fail_at) {
        failed_one = 1;
        return NULL;
    }
    return malloc(n);
}

static void
hook_free(void *p)
{
    free(p);
}

static void
arm(long k)
{
    fail_at = k;
    n_calls = 0;
    failed_one = 0;
    armed = 1;
}

static void
disarm(void)
{
    armed = 0;
}

static int
setup(void **state)
{
    cJSON_Hooks h = {hook_malloc, hook_free};

    (void)state;
    cJSON_InitHooks(&h);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    cJSON_InitHooks(NULL);
    return 0;
}

/* ---- builders of util ---- */

static cJSON *
build_jb(void)
{
    chiso_jb jb = CHISO_JB_INIT;
    cJSON *root = chiso_jb_object(&jb), *arr, *o;
    int i;

    chiso_jb_str(&jb, root, "unit", "Sở Tư pháp");
    chiso_jb_str(&jb, root, "missing", NULL);
    chiso_jb_fixed(&jb, root, "index_pct", 85.456, 2);
    chiso_jb_num(&jb, root, "nan", (double)NAN);
    chiso_jb_int(&jb, root, "n", 42);
    chiso_jb_bool(&jb, root, "ok", 1);
    chiso_jb_null(&jb, root, "none");
    arr = chiso_jb_arr(&jb, root, "areas");
    for (i = 0; i < 5; i++) {
        o = chiso_jb_obj(&jb, arr, NULL);
        chiso_jb_int(&jb, o, "i", i);
        chiso_jb_num(&jb, o, "x", i / 3.0);
    }
    return chiso_jb_finish(&jb, root);
}

static cJSON *
build_diag_list(void)
{
    chiso_diag_list l;
    cJSON *j;

    chiso_diag_list_init(&l, 10);
    l.lang = CHISO_LANG_EN;
    chiso_diag_list_addk(&l, "unit_not_in_log", CHISO_SEVERITY_WARNING, "3.1",
                         "log.csv", 4, 2, "no row for unit %s", "STP");
    chiso_diag_list_addf(&l, CHISO_EDATA, NULL, 0, 0, "plain");
    j = chiso_diag_list_to_json(&l);
    chiso_diag_list_free(&l);
    return j;
}

/* Run build() for k = 1.. until a run without failure; each result is
 * NULL or prints as the reference. */
static void
each_failure(cJSON *(*build)(void), const char *what)
{
    cJSON *ref = build(), *got;
    char *want = chiso_json_print(ref);
    long k;

    assert_non_null(want);
    cJSON_Delete(ref);
    for (k = 1;; k++) {
        arm(k);
        got = build();
        disarm();
        if (got != NULL) {
            char *text = chiso_json_print(got);
            if (text == NULL || strcmp(text, want) != 0) {
                fail_msg("%s: allocation %ld failed and the document is "
                         "incomplete:\n%s",
                         what, k, text ? text : "(null)");
            }
            free(text);
            cJSON_Delete(got);
        }
        if (!failed_one) {
            break; /* every allocation has been made to fail once */
        }
    }
    assert_true(k > 3);
    free(want);
}

static void
test_jb(void **state)
{
    (void)state;
    each_failure(build_jb, "chiso_jb");
}

static void
test_diag_list_json(void **state)
{
    (void)state;
    each_failure(build_diag_list, "chiso_diag_list_to_json");
}

/* ---- the pack manifest and the report's summary.json ---- */

static char work[512];

static void
write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *
slurp(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    chiso_diag d;

    chiso_diag_clear(&d);
    if (chiso_file_read_all(path, &text, &len, &d) != CHISO_OK) {
        return NULL;
    }
    return text;
}

static void
rm_rf(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL) {
        unlink(dir);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char p[1024];
        struct stat sb;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            rm_rf(p);
        } else {
            unlink(p);
        }
    }
    closedir(d);
    rmdir(dir);
}

static void
test_manifest(void **state)
{
    char pack[600], file[700], *want = NULL, *got;
    long k;

    (void)state;
    snprintf(pack, sizeof(pack), "%s/manifest-pack", work);
    rm_rf(pack);
    for (k = 0;; k++) {
        chiso_outdir *od = NULL;
        chiso_diag d;
        chiso_status st;
        chiso_diag_clear(&d);
        if (chiso_outdir_open(&od, pack, &d) != CHISO_OK) {
            fail_msg("%s: %s", d.path, d.message);
        }
        snprintf(file, sizeof(file), "%s/a.txt", chiso_outdir_path(od));
        assert_int_equal(chiso_file_write_atomic(file, "one\n", 4, &d),
                         CHISO_OK);
        snprintf(file, sizeof(file), "%s/b.txt", chiso_outdir_path(od));
        assert_int_equal(chiso_file_write_atomic(file, "two\n", 4, &d),
                         CHISO_OK);
        arm(k);
        st = chiso_outdir_commit(od, &d);
        disarm();
        snprintf(file, sizeof(file), "%s/" CHISO_PACK_MANIFEST, pack);
        if (k == 0) {
            assert_int_equal(st, CHISO_OK);
            want = slurp(file);
            assert_non_null(want);
            continue;
        }
        got = slurp(file);
        /* refused (the old manifest could not be read) or complete */
        if (st == CHISO_OK) {
            assert_non_null(got);
            assert_string_equal(got, want);
        } else {
            assert_true(st == CHISO_ENOMEM || st == CHISO_EUSAGE);
            assert_non_null(got); /* the previous pack is intact */
            assert_string_equal(got, want);
        }
        free(got);
        if (!failed_one) {
            break;
        }
    }
    free(want);
    rm_rf(pack);
}

static int
arm_at_files(const char *step)
{
    return strcmp(step, "files") == 0;
}

static long arm_k;

static void
progress(void *ctx, const char *step)
{
    (void)ctx;
    if (arm_at_files(step)) {
        arm(arm_k); /* everything written into the pack from here on */
    }
}

static void
test_report_summary(void **state)
{
    const char *src = getenv("CHISO_SOURCE_DIR");
    char dir[600], p[700], pack[700], *want = NULL;
    chiso_report_config *cfg = NULL;
    chiso_diag d;
    long k;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/tiny", work);
    rm_rf(dir);
    assert_int_equal(mkdir(dir, 0777), 0);
    snprintf(p, sizeof(p), "%s/tests/golden/score-basic/table-en/fw.json",
             src ? src : "../..");
    {
        char *t = slurp(p);
        char q[700];
        assert_non_null(t);
        snprintf(q, sizeof(q), "%s/fw.json", dir);
        write_text(q, t);
        free(t);
        snprintf(p, sizeof(p), "%s/tests/golden/score-basic/table-en/ev.csv",
                 src ? src : "../..");
        t = slurp(p);
        assert_non_null(t);
        snprintf(q, sizeof(q), "%s/ev.csv", dir);
        write_text(q, t);
        free(t);
    }
    snprintf(p, sizeof(p), "%s/cfg.json", dir);
    write_text(p, "{\"format\": \"chiso-report\", \"format_version\": 1,\n"
                  " \"unit\": {\"code\": \"X\", \"name\": \"Sở X\"},\n"
                  " \"period\": \"2024-H1\", \"framework\": \"fw.json\",\n"
                  " \"evidence\": \"ev.csv\"}\n");
    chiso_diag_clear(&d);
    assert_int_equal(chiso_report_config_load(&cfg, p, &d), CHISO_OK);
    snprintf(pack, sizeof(pack), "%s/pack", dir);
    for (k = 0;; k++) {
        chiso_report_options o = CHISO_REPORT_OPTIONS_INIT;
        chiso_status st;
        char sp[800], *got;
        o.progress = progress;
        arm_k = k;
        chiso_diag_clear(&d);
        st = chiso_report_build(cfg, pack, &o, NULL, &d);
        disarm();
        snprintf(sp, sizeof(sp), "%s/summary.json", pack);
        got = slurp(sp);
        if (k == 0) {
            assert_int_equal(st, CHISO_OK);
            want = got;
            continue;
        }
        /* complete, or refused with the previous pack intact */
        assert_non_null(got);
        assert_string_equal(got, want);
        if (st != CHISO_OK) {
            assert_true(st == CHISO_ENOMEM || st == CHISO_EUSAGE);
        }
        free(got);
        if (!failed_one) {
            break;
        }
    }
    assert_true(k > 50);
    free(want);
    chiso_report_config_free(cfg);
    chiso_plot_release_fonts();
    rm_rf(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jb),
        cmocka_unit_test(test_diag_list_json),
        cmocka_unit_test(test_manifest),
        cmocka_unit_test(test_report_summary),
    };
    /* tmpfs when there is one: the report is synced k times */
    snprintf(work, sizeof(work), "%s/chiso-jalloc-%ld",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
             (long)getpid());
    mkdir(work, 0777);
    {
        int rc =
            cmocka_run_group_tests_name("json_alloc", tests, setup, teardown);
        rm_rf(work);
        return rc;
    }
}

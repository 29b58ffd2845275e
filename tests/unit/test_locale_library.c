/*
 * test_locale_library.c - a program that links chiso and calls
 * setlocale(LC_ALL, "vi_VN.UTF-8") (decimal comma) gets the same bytes as
 * in the "C" locale: the whole report pack (scores, rates, tables, charts
 * as SVG and PNG, the PDF, summary.json), the score JSON and the dossier
 * CSV. Skipped, saying so, when no comma-decimal locale can be set
 * (tests/safety/make_locale.sh generates one into LOCPATH).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_logs.h"
#include "chiso_plot.h"
#include "chiso_report.h"
#include "chiso_score.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char root[2048];

static const char *
src(const char *rel, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s", root, rel);
    return buf;
}

static int
set_comma_locale(void)
{
    static const char *const names[] = {"vi_VN.UTF-8", "vi_VN.utf8",
                                        "de_DE.UTF-8", NULL};
    size_t i;

    for (i = 0; names[i] != NULL; i++) {
        if (setlocale(LC_ALL, names[i]) != NULL &&
            strcmp(localeconv()->decimal_point, ",") == 0) {
            return 1;
        }
    }
    setlocale(LC_ALL, "C");
    return 0;
}

/* Everything the library produces from the sample inputs, as one text:
 * each pack file's name and bytes, the score JSON and the dossier CSV. */
static char *
produce(const char *out_dir)
{
    chiso_report_config *cfg = NULL;
    chiso_report_options opts = CHISO_REPORT_OPTIONS_INIT;
    chiso_report_outcome outcome;
    chiso_diag d;
    chiso_buf all = CHISO_BUF_INIT;
    char p1[2300], p2[2300];
    size_t i;

    chiso_diag_clear(&d);
    assert_int_equal(
        chiso_report_config_load(
            &cfg,
            src("datasets/samples/report-skhcn-2024-h2.json", p1, sizeof(p1)),
            &d),
        CHISO_OK);
    if (chiso_report_build(cfg, out_dir, &opts, &outcome, &d) != CHISO_OK) {
        fail_msg("report: %s: %s", d.path, d.message);
    }
    for (i = 0; i < outcome.n_files; i++) {
        char path[4300], *text = NULL;
        size_t len = 0;
        snprintf(path, sizeof(path), "%s/%s", out_dir, outcome.files[i]);
        assert_int_equal(chiso_file_read_all(path, &text, &len, &d), CHISO_OK);
        chiso_buf_printf(&all, "== %s %zu\n", outcome.files[i], len);
        chiso_buf_append(&all, text, len);
        free(text);
    }
    chiso_report_outcome_clear(&outcome);
    chiso_report_config_free(cfg);

    /* score JSON */
    {
        chiso_framework *fw = NULL;
        chiso_evidence *ev = NULL;
        chiso_score_result *res = NULL;
        chiso_score_options so = CHISO_SCORE_OPTIONS_INIT;
        cJSON *j;
        char *text;
        assert_int_equal(
            chiso_framework_load(
                &fw,
                src("indicators/frameworks/par-department-template.json", p1,
                    sizeof(p1)),
                &d),
            CHISO_OK);
        assert_int_equal(chiso_evidence_load(
                             &ev,
                             src("datasets/samples/evidence-skhcn-2024-h2.csv",
                                 p2, sizeof(p2)),
                             &d),
                         CHISO_OK);
        assert_int_equal(chiso_score_compute(&res, fw, ev, &so, &d), CHISO_OK);
        j = chiso_score_to_json(res, NULL, NULL, 0);
        assert_non_null(j);
        text = chiso_json_print(j);
        chiso_buf_puts(&all, "== score.json\n");
        chiso_buf_puts(&all, text);
        free(text);
        cJSON_Delete(j);
        chiso_score_free(res);
        chiso_evidence_free(ev);
        chiso_framework_free(fw);
    }
    /* dossier log CSV */
    {
        chiso_services_options so = CHISO_SERVICES_OPTIONS_INIT;
        chiso_services_result *res = NULL;
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        assert_non_null(f);
        assert_int_equal(chiso_services_compute(
                             &res,
                             src("datasets/samples/dossiers-excel-2024-h1.csv",
                                 p1, sizeof(p1)),
                             &so, &d),
                         CHISO_OK);
        chiso_services_write_csv(res, f);
        fclose(f);
        chiso_buf_puts(&all, "== services.csv\n");
        chiso_buf_append(&all, text, len);
        free(text);
        chiso_services_free(res);
    }
    return all.data;
}

static void
remove_pack(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char p[4300];
        if (e->d_name[0] == '.' &&
            (e->d_name[1] == '\0' ||
             (e->d_name[1] == '.' && e->d_name[2] == '\0'))) {
            continue;
        }
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static void
test_same_bytes_under_comma_locale(void **state)
{
    char a_dir[256], b_dir[256], *a, *b;
    size_t i;

    (void)state;
    if (!set_comma_locale()) {
        if (getenv("CHISO_REQUIRE_LOCALE") != NULL) {
            fail_msg("no comma-decimal locale available");
        }
        print_message("SKIPPED: no comma-decimal locale could be set\n");
        skip();
        return;
    }
    setlocale(LC_ALL, "C");
    snprintf(a_dir, sizeof(a_dir), "/tmp/chiso-locale-c-%ld", (long)getpid());
    snprintf(b_dir, sizeof(b_dir), "/tmp/chiso-locale-vi-%ld", (long)getpid());
    a = produce(a_dir);
    assert_true(set_comma_locale());
    b = produce(b_dir);
    setlocale(LC_ALL, "C");
    remove_pack(a_dir);
    remove_pack(b_dir);
    assert_non_null(a);
    assert_non_null(b);
    for (i = 0; a[i] != '\0' && a[i] == b[i]; i++) {
    }
    if (a[i] != b[i]) {
        size_t from = i > 80 ? i - 80 : 0;
        fail_msg("bytes differ at %zu:\nC:  %.160s\nvi: %.160s", i, a + from,
                 b + from);
    }
    free(a);
    free(b);
    chiso_plot_release_fonts();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_bytes_under_comma_locale),
    };
    const char *r = getenv("CHISO_SOURCE_DIR");

    snprintf(root, sizeof(root), "%s", r ? r : "../..");
    return cmocka_run_group_tests_name("locale_library", tests, NULL, NULL);
}

/*
 * test_plot_report.c - the report pack's charts (analytics/report/
 * report_charts.c), through chiso_report_build:
 *   - a unit with no dossier in the period or the one before, and no task
 *     register: the rates-by-month heatmap has nothing to draw; the pack is
 *     still written, the chart is left out with its reason and the warning
 *     "chart_left_out" (it failed with "the heatmap has no value to draw"
 *     before, issue 10);
 *   - the sample pack: its readings quote the published ranks out of their
 *     own totals and the peers' published values with the chart's
 *     decimals.
 * Runs with the pinned fonts (CTest sets FONTCONFIG_FILE).
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
#include <sys/stat.h>

static char *
slurp(const char *path)
{
    char *text = NULL;
    size_t len;
    chiso_diag d;

    chiso_diag_clear(&d);
    if (chiso_file_read_all(path, &text, &len, &d) != CHISO_OK) {
        fail_msg("%s: %s", path, d.message);
    }
    return text;
}

/* The summary's chart entry with this id. */
static const cJSON *
chart_entry(const cJSON *root, const char *id)
{
    const cJSON *c;

    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "charts"))
    {
        const cJSON *v = cJSON_GetObjectItem(c, "id");
        if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0) {
            return c;
        }
    }
    fail_msg("no chart '%s' in summary.json", id);
    return NULL;
}

/* A configuration over the shipped sample inputs for another period. */
static const char *
config_log(const char *period,
           const char *as_of,
           const char *lang,
           int tasks,
           const char *dossiers)
{
    static char text[4096];

    snprintf(
        text, sizeof(text),
        "{\n"
        "  \"format\": \"chiso-report\",\n"
        "  \"format_version\": 1,\n"
        "  \"unit\": {\"code\": \"SKHCN\", \"name\": \"Sở Khoa học và Công "
        "nghệ\"},\n"
        "  \"province\": \"Hưng Yên\",\n"
        "  \"period\": \"%s\",\n"
        "  \"language\": \"%s\",\n"
        "  \"framework\": \"%s\",\n"
        "  \"evidence\": \"%s\",\n"
        "%s%s%s"
        "  \"dossiers\": \"%s\",\n"
        "  \"as_of\": \"%s\",\n"
        "  \"published\": \"%s\",\n"
        "  \"compare_units\": [\"Quảng Ninh\", \"Hải Phòng\", \"Nam Định\"]\n"
        "}\n",
        period, lang,
        chiso_test_path("indicators/frameworks/par-department-template.json"),
        chiso_test_path("datasets/samples/evidence-skhcn-2024-h2.csv"),
        tasks ? "  \"tasks\": \"" : "",
        tasks ? chiso_test_path("datasets/samples/tasks-skhcn-2024.csv") : "",
        tasks ? "\",\n" : "", dossiers, as_of,
        chiso_test_path("datasets/published"));
    return chiso_test_file("report.json", text);
}

static const char *
config(const char *period, const char *as_of, const char *lang, int tasks)
{
    return config_log(
        period, as_of, lang, tasks,
        chiso_test_path("datasets/samples/dossiers-skhcn-2024.csv"));
}

/* A log with dossiers of SKHCN in December 2024 and January 2026 only:
 * 2025 lies inside its span, a year without dossiers (a log that does not
 * reach the period at all is an error, tested in test_services). */
static const char *
gap_log(void)
{
    return chiso_test_file(
        "gap.csv",
        "dossier_id,unit_code,received_at,due_at,finished_at,channel\n"
        "g1,SKHCN,10/12/2024 08:00,20/12/2024,15/12/2024,online\n"
        "g2,SKHCN,10/01/2026 08:00,20/01/2026,15/01/2026,direct\n");
}

static void
build(const char *cfg_path,
      const char *out,
      chiso_report_outcome *o,
      chiso_status want)
{
    chiso_report_config *cfg = NULL;
    chiso_diag d;
    chiso_status st;

    chiso_diag_clear(&d);
    if (chiso_report_config_load(&cfg, cfg_path, &d) != CHISO_OK) {
        fail_msg("%s:%lu:%lu: %s", d.path, d.line, d.column, d.message);
    }
    st = chiso_report_build(cfg, out, NULL, o, &d);
    if (st != want) {
        fail_msg("report: status %d, expected %d: %s", (int)st, (int)want,
                 d.message);
    }
    chiso_report_config_free(cfg);
}

static void
remove_pack(const char *out, const chiso_report_outcome *o)
{
    size_t i;
    char path[700];

    for (i = 0; i < o->n_files; i++) {
        snprintf(path, sizeof(path), "%s/%s", out, o->files[i]);
        unlink(path);
    }
    rmdir(out);
}

static void
test_heatmap_without_values(void **state)
{
    char out[256], path[300];
    chiso_report_outcome o;
    char *text;
    cJSON *root;
    const cJSON *e;
    size_t i;
    int warned = 0;
    struct stat sb;

    (void)state;
    snprintf(out, sizeof(out), "/tmp/chiso_plot_report_%ld", (long)getpid());
    /* the log has no row in 2025-H2 nor in 2025-H1 (inside its span) */
    build(config_log("2025-H2", "31/12/2025", "en", 0, gap_log()), out, &o,
          CHISO_OK);
    for (i = 0; i < o.n_warnings; i++) {
        if (strstr(o.warnings[i], "chart 'chart-rates-by-month' left out") !=
                NULL &&
            strstr(o.warnings[i], "no value to draw") != NULL) {
            warned = 1;
        }
    }
    assert_true(warned);
    snprintf(path, sizeof(path), "%s/chart-rates-by-month.png", out);
    assert_true(stat(path, &sb) != 0);
    snprintf(path, sizeof(path), "%s/summary.json", out);
    text = slurp(path);
    root = cJSON_Parse(text);
    assert_non_null(root);
    e = chart_entry(root, "chart-rates-by-month");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(e, "png")));
    assert_true(cJSON_IsString(cJSON_GetObjectItem(e, "missing_reason")));
    assert_true(strstr(cJSON_GetObjectItem(e, "missing_reason")->valuestring,
                       "heatmap") != NULL);
    /* the other charts are drawn */
    e = chart_entry(root, "chart-areas");
    assert_true(cJSON_IsString(cJSON_GetObjectItem(e, "png")));
    cJSON_Delete(root);
    free(text);
    remove_pack(out, &o);
    chiso_report_outcome_clear(&o);

    /* in Vietnamese, the reason too */
    build(config_log("2025-H2", "31/12/2025", "vi", 0, gap_log()), out, &o,
          CHISO_OK);
    warned = 0;
    for (i = 0; i < o.n_warnings; i++) {
        warned |= strstr(o.warnings[i], "bỏ biểu đồ 'chart-rates-by-month'") !=
                      NULL &&
                  strstr(o.warnings[i], "bản đồ nhiệt") != NULL;
    }
    assert_true(warned);
    remove_pack(out, &o);
    chiso_report_outcome_clear(&o);
}

static void
test_sample_readings(void **state)
{
    char out[256], path[300];
    chiso_report_outcome o;
    char *text;
    cJSON *root;
    const char *r;

    (void)state;
    snprintf(out, sizeof(out), "/tmp/chiso_plot_report_s_%ld", (long)getpid());
    build(config("2024-H2", "31/12/2024", "vi", 1), out, &o, CHISO_OK);
    snprintf(path, sizeof(path), "%s/summary.json", out);
    text = slurp(path);
    root = cJSON_Parse(text);
    assert_non_null(root);
    /* ranks quoted out of their own totals (results.csv: PAR INDEX 2024
     * 14/63, PAPI 2024 19/63), derived ones explained */
    r = cJSON_GetObjectItem(chart_entry(root, "chart-province-ranks"),
                            "reading")
            ->valuestring;
    assert_true(strstr(r, "PAR INDEX hạng 14/63 (2024)") != NULL);
    assert_true(strstr(r, "PAPI hạng 19/63 (2024)") != NULL);
    assert_true(strstr(r, "Điểm rỗng") != NULL);
    /* the peers' values as published, two decimals with a comma: Quảng
     * Ninh 92.18 in 2023 */
    r = cJSON_GetObjectItem(chart_entry(root, "chart-par-peers"), "reading")
            ->valuestring;
    assert_true(strstr(r, "Quảng Ninh") != NULL);
    assert_true(strstr(r, "(92,18 %)") != NULL);
    /* Hưng Yên's 2023 PAR INDEX rank is derived: said so */
    assert_true(strstr(r, "tính ra") != NULL);
    cJSON_Delete(root);
    free(text);
    remove_pack(out, &o);
    chiso_report_outcome_clear(&o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heatmap_without_values),
        cmocka_unit_test(test_sample_readings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

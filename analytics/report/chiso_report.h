/*
 * chiso_report.h - the semi-annual report pack (báo cáo CCHC 6 tháng /
 * năm) in one call.
 *
 * A report configuration (JSON, "format": "chiso-report") names the unit,
 * the period and the inputs: framework, evidence sheet, task register,
 * dossier log and the published-results store. chiso_report_build()
 * scores, computes the task and service rates for the period and the one
 * before it, reads the province's latest published indices and their
 * trends, draws the charts, and writes the pack into a folder:
 * summary.json, the tables as Excel-safe CSV, every chart as PNG and SVG,
 * and report.pdf (a short Vietnamese brief). The folder is assembled in a
 * temporary sibling and swapped into place, so a failed or interrupted run
 * leaves the previous pack intact; the same inputs give the same bytes.
 *
 * This module sits above the others (it composes analytics and plots);
 * it never prints: progress goes through a callback.
 */
#ifndef CHISO_REPORT_H
#define CHISO_REPORT_H

#include "chiso_util.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chiso_report_config {
    char *path;      /* the configuration file */
    char *title;     /* may be NULL: built from unit and period */
    char *unit_code; /* "SKHCN" */
    char *unit_name; /* "Sở Khoa học và Công nghệ tỉnh Hưng Yên" */
    /* how the logs may write the unit besides code and name ("unit":
     * {"names": [...], "dossier_unit": "...", "task_unit": "..."}) */
    char **unit_names;
    size_t n_unit_names;
    char *dossier_unit; /* as the dossier log writes it, or NULL */
    char *task_unit;    /* as the task register writes it, or NULL */
    char *province;     /* name or code in the published store, or NULL */
    char *period;       /* "2024-H2", "2024", "2024-Q3", "2024-07" */
    char *language;     /* "vi" (default) or "en" */
    /* inputs, resolved against the configuration's folder; NULL = absent */
    char *framework;
    char *evidence;
    char *tasks;
    char *dossiers;
    char *published; /* folder with results.csv and breaks.csv */
    char *as_of;     /* date text; NULL = end of the period */
    char **compare_units;
    size_t n_compare_units;
    char **indices; /* published indices to report; default PAR_INDEX,
                            SIPAS, PAPI */
    size_t n_indices;
    char **notes; /* printed on the brief's first page */
    size_t n_notes;
    /* issue 13: "scope": "province" builds the province's pack (every
     * unit of `evidence` - a multi-unit sheet or a folder of per-unit
     * sheets - scored and ranked; `unit` is then optional) */
    int province_scope;
    char *units; /* unit list CSV (unit, name, group/khối), or NULL */
    /* issue 13: "history": earlier periods of the department */
    struct chiso_report_history_source *history;
    size_t n_history;
} chiso_report_config;

/* One entry of "history": a previous pack's summary.json, a score JSON
 * (chiso score --json) or a history table CSV (unit, period, index_pct,
 * area_<id>_pct..., rank, rank_of, framework, source). */
typedef enum chiso_report_history_kind {
    CHISO_HISTORY_SUMMARY = 0,
    CHISO_HISTORY_SCORE,
    CHISO_HISTORY_TABLE
} chiso_report_history_kind;

typedef struct chiso_report_history_source {
    chiso_report_history_kind kind;
    char *path;
    char *period;       /* "2023-H1"; required for summary and score, NULL for a
                     table (its rows name their periods) */
    long rank, rank_of; /* optional rank among departments (0 = unknown) */
} chiso_report_history_source;

/*
 * Load a configuration. Relative paths are resolved against the folder of
 * the configuration file. Unknown keys, missing required keys (unit,
 * period, framework, evidence) and malformed values are reported at their
 * file:line:column. The caller frees *out with chiso_report_config_free.
 */
chiso_status chiso_report_config_load(chiso_report_config **out,
                                      const char *path,
                                      chiso_diag *diag);
void chiso_report_config_free(chiso_report_config *cfg);

/*
 * Every input a configuration names (the configuration itself, framework,
 * evidence, task register, dossier log, published store): at most cap
 * pointers into cfg, in that order. Returns how many. The pack is refused
 * when it is, contains or lies inside any of them.
 */
size_t chiso_report_config_inputs(const chiso_report_config *cfg,
                                  const char **out,
                                  size_t cap);

typedef struct chiso_report_options {
    /* called before each step ("scoring", "charts", ...); may be NULL */
    void (*progress)(void *ctx, const char *step);
    void *progress_ctx;
    int threads; /* for the dossier log; 0 = automatic */
    /* keep files of the previous pack the user edited (under a new name
     * when the new pack writes that name) instead of refusing */
    int keep_edited;
} chiso_report_options;

#define CHISO_REPORT_OPTIONS_INIT                                              \
    {                                                                          \
        NULL, NULL, 0, 0                                                       \
    }

/* What a successful build wrote. */
typedef struct chiso_report_outcome {
    size_t n_files;
    char **files; /* names inside the folder, sorted */
    size_t n_warnings;
    char **warnings; /* also in summary.json */
} chiso_report_outcome;

/*
 * Build the pack into folder `out_dir` (created or replaced as a whole,
 * by the rules of chiso_outdir in chiso_util.h: a folder chiso did not
 * make is refused, the user's files in a pack are kept and named in the
 * outcome's warnings, edited files are refused unless keep_edited; the
 * folder gets a manifest, .chiso-pack.json). Refused (CHISO_EUSAGE) when
 * out_dir is, contains or lies inside an input. On failure nothing in
 * out_dir changes and diag says why (a bad input is reported at its
 * file:line:column). outcome may be NULL; else the caller frees it with
 * chiso_report_outcome_clear.
 */
chiso_status chiso_report_build(const chiso_report_config *cfg,
                                const char *out_dir,
                                const chiso_report_options *opts,
                                chiso_report_outcome *outcome,
                                chiso_diag *diag);
void chiso_report_outcome_clear(chiso_report_outcome *o);

/*
 * The tables of a command as an Excel workbook (`--xlsx FILE` of chiso
 * score, services and tasks), in memory: *out (free()) holds the .xlsx
 * bytes, for the caller to write through its own checked output. Sheets
 * as in the report pack's report.xlsx (docs/outputs.md): a summary of key
 * figures, then one sheet per table, numbers stored as numbers
 * (percentages as fractions shown 0.00%), header rows frozen, autofilter,
 * fitted widths; labels in `lang`; the same bytes for the same result.
 */
struct chiso_framework;
struct chiso_score_result;
struct chiso_services_result;
struct chiso_tasks_result;

/* Score: summary (index, points, grade, appraised), areas, every
 * criterion (with points lost), the criteria that lost points with their
 * next value and gain. `source` names the evidence sheet (may be NULL). */
chiso_status chiso_report_score_xlsx(const struct chiso_framework *fw,
                                     const struct chiso_score_result *res,
                                     const char *source,
                                     chiso_lang lang,
                                     char **out,
                                     size_t *len,
                                     chiso_diag *diag);
/* Dossier log: unit x period, as `chiso services --csv`. */
chiso_status chiso_report_services_xlsx(const struct chiso_services_result *res,
                                        chiso_lang lang,
                                        char **out,
                                        size_t *len,
                                        chiso_diag *diag);
/* Task register: unit x period as `chiso tasks --csv`, and the overdue
 * tasks. */
chiso_status chiso_report_tasks_xlsx(const struct chiso_tasks_result *res,
                                     chiso_lang lang,
                                     char **out,
                                     size_t *len,
                                     chiso_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* CHISO_REPORT_H */

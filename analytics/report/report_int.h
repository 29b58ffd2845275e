/*
 * report_int.h - state shared by the files of the report module.
 *
 * report.c computes everything into `struct rp`; report_summary.c turns it
 * into summary.json and the CSV tables; report_charts.c builds the charts;
 * report_pdf.c lays out the brief. Only report.c does I/O on inputs; the
 * others only read `struct rp` and write into the output folder.
 */
#ifndef CHISO_REPORT_INT_H
#define CHISO_REPORT_INT_H

#include "chiso_report.h"

#include "chiso_score.h"
#include "chiso_plot.h"
#include "chiso_logs.h"
#include "chiso_stats.h"
#include "chiso_sheet.h"

#define REPORT_MAX_INDICES 8
#define REPORT_CHARTS      5

/*
 * Texts of a chart. Fixed arrays (report_charts.c fills them with
 * chiso_textf), sized well beyond real names; a longer text is cut at a
 * UTF-8 character boundary with "…", never mid-character.
 */
struct report_chart {
    const char *base;   /* file name without extension: "areas" */
    chiso_chart *chart; /* NULL when there is no data for it */
    char caption[1024]; /* "Hình 1. ..." */
    char reading[4096]; /* the one-sentence reading under it */
    char why_missing[1024];
    chiso_diag missing; /* typed warning "chart_left_out" when left out */
    /* its files' drawing: the SVG and hotspots the web page shows again
     * (chiso_report__charts_wait) */
    chiso_plot_job drawn;
};

/* The charts' size in the files and on the web page (SVG user units). */
#define REPORT_CHART_W 1200
#define REPORT_CHART_H 800

struct rp {
    const chiso_report_config *cfg;
    const chiso_report_options *opts;
    chiso_diag *diag;
    int en;

    /* the period, the previous one and the as-of time */
    chiso_period_kind kind;
    int32_t idx, prev;
    int64_t first_day, end_day; /* [first, end) in days since 1970 */
    int64_t prev_first_day, prev_end_day;
    chiso_stamp as_of;
    char period_label[64], prev_label[64];

    chiso_framework *fw;
    chiso_evidence *ev;
    chiso_score_result *score;

    chiso_tasks_result *tasks;        /* grouped by cfg's period kind */
    chiso_tasks_result *tasks_month;  /* by month, for the chart */
    chiso_services_result *svc;       /* by period kind */
    chiso_services_result *svc_month; /* by month */
    chiso_input_set inputs;

    chiso_published *pub;
    const char *index_names[REPORT_MAX_INDICES];
    chiso_latest latest[REPORT_MAX_INDICES];
    int has_latest[REPORT_MAX_INDICES];
    size_t n_indices;

    struct report_chart charts[REPORT_CHARTS];
    /* their drawing (chiso_report__charts_start .. _wait): one job per
     * chart, run by the main thread and the PDF's when it is done */
    chiso_plot_job jobs[REPORT_CHARTS];
    size_t job_of[REPORT_CHARTS];
    size_t n_jobs;
    chiso_plot_batch *batch;

    chiso_outdir *od;
    char **files;
    size_t n_files;
    char **warnings;
    size_t n_warnings;
    /* the same warnings typed (code, severity, file:line:column,
     * criterion), plus the logs' row and unit notes: summary.json */
    chiso_diag_list wlist;
    /* the tables of the pack, built once (chiso_report__build_tables) and
     * written as CSV, workbook sheets, web and Word tables */
    struct report_table *tables;
    size_t n_tables;
    char **strs; /* chiso_report__strf: texts that live as long as the report */
    size_t n_strs;
    int oom; /* an allocation failed (the diagnostic says so) */
    struct report_history *hist; /* report_history.c; NULL: no history */
};

/* ---- tables ----------------------------------------------------------- */

/* How a column's numbers are written. CSV keeps the bytes it always had:
 * INT as a whole number, FIXED/PCT with `dec` decimals, SIG with 10
 * significant digits, DATE as the text given ("2024-12-15"). */
typedef enum report_col_kind {
    RC_TEXT = 0,
    RC_INT,
    RC_FIXED,
    RC_SIG,
    RC_PCT, /* percent points (81.23) */
    RC_DATE,
    RC_YEAR /* a whole number never grouped (2024, not 2.024) */
} report_col_kind;

#define REPORT_TABLE_COLS 16

struct report_col {
    const char *header;
    report_col_kind kind;
    int dec;
};

struct report_cell {
    const char *text; /* RC_TEXT / RC_DATE; NULL = empty */
    double value;     /* numbers; NaN = empty */
    int dec;          /* -1 = the column's */
    /* what people see instead of value (workbook, page, document; the
     * CSV keeps value): a target rounded away from the current value */
    int has_shown;
    double shown;
};

/* A value to reach (next_value) rounded to 2 decimals away from the
 * current value (up when above it, down when below), so the number shown
 * still reaches the step; whole numbers unchanged; without a current
 * value, next itself. */
double chiso_report__target_round(double next, int has_value, double value);

struct report_table {
    const char *csv;   /* "table-criteria.csv"; NULL = not written as CSV */
    const char *sheet; /* sheet name */
    const char *title; /* caption */
    size_t n_cols;
    struct report_col cols[REPORT_TABLE_COLS];
    size_t n_rows;
    struct report_cell *cells; /* n_rows x n_cols */
    unsigned char *flags;      /* per row: 1 = stands out (an area row) */
    size_t cap_rows;
};

/* Vietnamese or English text. */
#define RT(R, vi, en_) ((R)->en ? (en_) : (vi))

/* Number with `dec` decimals and the language's decimal separator. */
void
chiso_report__num(const struct rp *R, double x, int dec, char *out, size_t len);
/* Append a warning (copied; any length): text only (R->warnings). */
void chiso_report__warn(struct rp *R, const char *fmt, ...) CHISO_PRINTF(2, 3);
/* Append a typed warning (code from docs/warnings.md; criterion_id and
 * path may be NULL) to R->warnings and R->wlist. fmt is the text already
 * in the report's language. */
void chiso_report__warnk(struct rp *R,
                         const char *code,
                         chiso_severity severity,
                         const char *criterion_id,
                         const char *path,
                         const char *fmt,
                         ...) CHISO_PRINTF(6, 7);
/* Formatted text of any length that lives until the report is built
 * ("" and R->oom on allocation failure). */
const char *chiso_report__strf(struct rp *R, const char *fmt, ...)
    CHISO_PRINTF(2, 3);
/* Full path of a file inside the temporary output folder (lives until the
 * report is built). */
const char *chiso_report__path(struct rp *R, const char *name);
/* Record a written file name. */
chiso_status chiso_report__add_file(struct rp *R, const char *name);
/* report_export.c: one key figure of a workbook's summary sheet, appended
 * at f[*n] (value NaN = no data); report_office.c uses it too. */
void chiso_report__fig(chiso_sheet_figure *f,
                       size_t *n,
                       const char *label,
                       chiso_sheet_kind kind,
                       double value,
                       int dec,
                       const char *unit,
                       const char *source);
/* report.c: the start and the end of a pack, shared by the department's
 * and the province's (see there). */
chiso_status
chiso_report__pack_open(struct rp *R, const char *out_dir, chiso_diag *diag);
chiso_status chiso_report__pack_commit(struct rp *R,
                                       chiso_status st,
                                       chiso_status (*summary)(void *ctx),
                                       void *ctx,
                                       const char *out_dir,
                                       chiso_report_outcome *outcome,
                                       chiso_diag *diag);

/* report_summary.c */
chiso_status chiso_report__write_summary(struct rp *R);
/* A new table of R->tables (cols copied; NULL and R->oom on allocation
 * failure) and a new row of it, its cells empty (NaN, NULL). */
struct report_table *chiso_report__table_add(struct rp *R,
                                             const char *csv,
                                             const char *sheet,
                                             const char *title,
                                             const struct report_col *cols,
                                             size_t n_cols);
struct report_cell *chiso_report__table_row(struct rp *R,
                                            struct report_table *t,
                                            unsigned char flags);
/* The tables of a score alone (areas, criteria, points lost): R->fw,
 * R->score and R->en are all they read. */
void chiso_report__build_score_tables(struct rp *R);
/* Build the tables (R->tables) once. */
chiso_status chiso_report__build_tables(struct rp *R);
/* The table whose CSV file or sheet is named `name` (NULL if not built). */
const struct report_table *chiso_report__table_named(const struct rp *R,
                                                     const char *name);
void chiso_report__free_tables(struct rp *R);
chiso_status chiso_report__write_tables(struct rp *R);

/* report_office.c: report.xlsx, report.docx, report.html */
struct chiso_sheet_book;
/* A table as a sheet of book (errors kept by the book). */
void chiso_report__sheet_table(struct chiso_sheet_book *book,
                               const struct report_table *t);
chiso_status chiso_report__write_xlsx(struct rp *R);
chiso_status chiso_report__write_docx(struct rp *R);
chiso_status chiso_report__write_html(struct rp *R);

/* report_charts.c */
chiso_status chiso_report__build_charts(struct rp *R);
/* Append the typed warnings of the charts left out ("chart_left_out",
 * docs/warnings.md) to list. They are also in R->warnings as text. */
chiso_status chiso_report__chart_warnings(const struct rp *R,
                                          chiso_diag_list *list);
/* The charts' files in two steps: the jobs set up (files listed, batch
 * made, nothing drawn yet), then drawn by this thread with the help of
 * others (chiso_plot_batch_help(R->batch)) and their drawings kept for
 * the page. R->batch is freed with R
 * (or by the caller once no thread helps any more). */
chiso_status chiso_report__charts_start(struct rp *R);
chiso_status chiso_report__charts_wait(struct rp *R);
void chiso_report__free_charts(struct rp *R);

/* report_pdf.c */
chiso_status chiso_report__write_pdf(struct rp *R);

/* Top-level areas of the framework, in order (indices into fw->nodes). */
size_t chiso_report__areas(const struct rp *R, size_t *out, size_t cap);
/* The services row of the unit for a period index (NULL if none). */
const chiso_services_row *chiso_report__svc_row(const struct rp *R,
                                                int32_t idx);
/* The tasks row of the unit for the report period (NULL if none). */
const chiso_tasks_row *chiso_report__tasks_row(const struct rp *R);
/* Overdue tasks of the unit (count), as of the report's date. */
size_t chiso_report__unit_overdue(const struct rp *R);

/* report_history.c: the unit's earlier periods ("history"). compute
 * after the score; write adds the charts and history.csv; json is the
 * summary's "history" (null without one); pdf adds the brief's section. */
chiso_status chiso_report__history_compute(struct rp *R);
chiso_status chiso_report__history_write(struct rp *R);
struct cJSON *chiso_report__history_json(chiso_jb *jb, const struct rp *R);
chiso_status chiso_report__history_pdf(struct rp *R, chiso_doc *d);
void chiso_report__history_free(struct rp *R);

/* report.c: a period's words ("6 tháng đầu năm 2024", "quý II/2024"). */
void chiso_report__period_label(
    int en, chiso_period_kind kind, int32_t idx, char *out, size_t len);

/* report_province.c: the province's pack ("scope": "province"), with the
 * contract of chiso_report_build. */
chiso_status chiso_report__province_build(const chiso_report_config *cfg,
                                          const char *out_dir,
                                          const chiso_report_options *opts,
                                          chiso_report_outcome *outcome,
                                          chiso_diag *diag);

#endif /* CHISO_REPORT_INT_H */

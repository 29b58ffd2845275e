/*
 * office_stubs.c - written by office_stubs.py, do not edit.
 *
 * One function per function of the lazily loaded modules that the
 * executable calls: load chiso-office.so (office_load.c) and call the
 * real function through its table.
 */
#include "office.h"

chiso_status
chiso_workbook_open(chiso_workbook **out, const char *path, chiso_diag *diag)
{
    return cli_office()->chiso_workbook_open(out, path, diag);
}

chiso_status
chiso_workbook_open_mem(chiso_workbook **out,
                        const char *name,
                        const void *data,
                        size_t len,
                        chiso_diag *diag)
{
    return cli_office()->chiso_workbook_open_mem(out, name, data, len, diag);
}

void
chiso_workbook_free(chiso_workbook *wb)
{
    if (wb == NULL) {
        return;
    }
    cli_office()->chiso_workbook_free(wb);
}

size_t
chiso_workbook_sheet_count(const chiso_workbook *wb)
{
    return cli_office()->chiso_workbook_sheet_count(wb);
}

const char *
chiso_workbook_sheet_name(const chiso_workbook *wb, size_t i)
{
    return cli_office()->chiso_workbook_sheet_name(wb, i);
}

int
chiso_workbook_sheet_hidden(const chiso_workbook *wb, size_t i)
{
    return cli_office()->chiso_workbook_sheet_hidden(wb, i);
}

int
chiso_workbook_sheet_is_chart(const chiso_workbook *wb, size_t i)
{
    return cli_office()->chiso_workbook_sheet_is_chart(wb, i);
}

chiso_status
chiso_workbook_select(chiso_workbook *wb, const char *sheet, chiso_diag *diag)
{
    return cli_office()->chiso_workbook_select(wb, sheet, diag);
}

size_t
chiso_workbook_selected_index(const chiso_workbook *wb)
{
    return cli_office()->chiso_workbook_selected_index(wb);
}

const char *
chiso_workbook_selected_name(const chiso_workbook *wb)
{
    return cli_office()->chiso_workbook_selected_name(wb);
}

chiso_status
chiso_workbook_next_row(chiso_workbook *wb,
                        chiso_workbook_row *row,
                        chiso_diag *diag)
{
    return cli_office()->chiso_workbook_next_row(wb, row, diag);
}

chiso_status
chiso_workbook_fill_merged(chiso_workbook *wb, int on, chiso_diag *diag)
{
    return cli_office()->chiso_workbook_fill_merged(wb, on, diag);
}

void
chiso_workbook_position(
    const chiso_workbook *wb, uint32_t col, uint32_t row, char *out, size_t len)
{
    cli_office()->chiso_workbook_position(wb, col, row, out, len);
}

chiso_status
chiso_fwtable_load(chiso_framework **out, const char *path, chiso_diag *diag)
{
    return cli_office()->chiso_fwtable_load(out, path, diag);
}

int
chiso_fwtable_is_table(const char *path)
{
    return cli_office()->chiso_fwtable_is_table(path);
}

const char *
chiso_fwtable_kind_word(chiso_rule_type t)
{
    return cli_office()->chiso_fwtable_kind_word(t);
}

chiso_status
chiso_fwdoc_load(chiso_fwdoc **out,
                 const char *path,
                 const chiso_fwtable_options *opts,
                 chiso_diag_list *problems)
{
    return cli_office()->chiso_fwdoc_load(out, path, opts, problems);
}

void
chiso_fwdoc_free(chiso_fwdoc *doc)
{
    if (doc == NULL) {
        return;
    }
    cli_office()->chiso_fwdoc_free(doc);
}

char *
chiso_fwdoc_to_json(const chiso_fwdoc *doc)
{
    return cli_office()->chiso_fwdoc_to_json(doc);
}

chiso_status
chiso_fwdoc_write_csv(const chiso_fwdoc *doc, FILE *out)
{
    return cli_office()->chiso_fwdoc_write_csv(doc, out);
}

chiso_status
chiso_form_write(const chiso_framework *fw,
                 const char *path,
                 const chiso_form_options *opts,
                 chiso_diag *diag)
{
    return cli_office()->chiso_form_write(fw, path, opts, diag);
}

chiso_status
chiso_form_write_table_xlsx(const chiso_fwdoc *doc,
                            const char *path,
                            chiso_lang lang,
                            chiso_diag *diag)
{
    return cli_office()->chiso_form_write_table_xlsx(doc, path, lang, diag);
}

chiso_status
chiso_form_review_compute(chiso_form_review **out,
                          const chiso_framework *fw,
                          const chiso_evidence *ev,
                          const char *unit,
                          chiso_diag *diag)
{
    return cli_office()->chiso_form_review_compute(out, fw, ev, unit, diag);
}

void
chiso_form_review_free(chiso_form_review *r)
{
    if (r == NULL) {
        return;
    }
    cli_office()->chiso_form_review_free(r);
}

struct cJSON *
chiso_form_review_to_json(const chiso_form_review *r,
                          const chiso_framework *fw,
                          chiso_lang lang)
{
    return cli_office()->chiso_form_review_to_json(r, fw, lang);
}

chiso_status
chiso_chart_new(chiso_chart **out, chiso_plot_kind kind)
{
    return cli_office()->chiso_chart_new(out, kind);
}

void
chiso_chart_free(chiso_chart *chart)
{
    if (chart == NULL) {
        return;
    }
    cli_office()->chiso_chart_free(chart);
}

chiso_status
chiso_chart_load_csv(chiso_chart *chart,
                     const char *path,
                     const chiso_plot_csv_options *opts,
                     chiso_diag *diag)
{
    return cli_office()->chiso_chart_load_csv(chart, path, opts, diag);
}

chiso_status
chiso_chart_set_text(chiso_chart *chart,
                     chiso_plot_text which,
                     const char *utf8)
{
    return cli_office()->chiso_chart_set_text(chart, which, utf8);
}

void
chiso_chart_set_lang(chiso_chart *chart, chiso_plot_lang lang)
{
    cli_office()->chiso_chart_set_lang(chart, lang);
}

void
chiso_chart_set_number_format(chiso_chart *chart, chiso_plot_numfmt fmt)
{
    cli_office()->chiso_chart_set_number_format(chart, fmt);
}

chiso_status
chiso_chart_set_highlight(chiso_chart *chart, const char *unit)
{
    return cli_office()->chiso_chart_set_highlight(chart, unit);
}

int
chiso_chart_highlight_found(const chiso_chart *chart)
{
    return cli_office()->chiso_chart_highlight_found(chart);
}

chiso_status
chiso_chart_add_band(chiso_chart *chart,
                     double from,
                     double to,
                     const char *label)
{
    return cli_office()->chiso_chart_add_band(chart, from, to, label);
}

chiso_status
chiso_chart_add_series_break(chiso_chart *chart,
                             const char *series,
                             double x,
                             const char *label)
{
    return cli_office()->chiso_chart_add_series_break(chart, series, x, label);
}

void
chiso_plot_csv_options_init(chiso_plot_csv_options *opts)
{
    cli_office()->chiso_plot_csv_options_init(opts);
}

int
chiso_plot_format_from_path(const char *path, chiso_plot_format *out)
{
    return cli_office()->chiso_plot_format_from_path(path, out);
}

int
chiso_plot_kind_parse(const char *name, chiso_plot_kind *out)
{
    return cli_office()->chiso_plot_kind_parse(name, out);
}

void
chiso_plot_release_fonts(void)
{
    cli_office()->chiso_plot_release_fonts();
}

struct cJSON *
chiso_plot_summary_json(const chiso_chart *chart,
                        const char *data_path,
                        const char *out_path,
                        chiso_plot_format fmt,
                        double width,
                        double height)
{
    return cli_office()->chiso_plot_summary_json(chart, data_path, out_path,
                                                 fmt, width, height);
}

chiso_status
chiso_plot_write_stream(const chiso_chart *chart,
                        FILE *f,
                        chiso_plot_format fmt,
                        double width,
                        double height,
                        chiso_diag *diag)
{
    return cli_office()->chiso_plot_write_stream(chart, f, fmt, width, height,
                                                 diag);
}

chiso_status
chiso_word_fill(const char *template_path,
                const struct cJSON *data,
                const char *out_path,
                const chiso_word_fill_options *opts,
                chiso_diag_list *problems,
                chiso_diag *diag)
{
    return cli_office()->chiso_word_fill(template_path, data, out_path, opts,
                                         problems, diag);
}

chiso_status
chiso_report_build(const chiso_report_config *cfg,
                   const char *out_dir,
                   const chiso_report_options *opts,
                   chiso_report_outcome *outcome,
                   chiso_diag *diag)
{
    return cli_office()->chiso_report_build(cfg, out_dir, opts, outcome, diag);
}

chiso_status
chiso_report_config_load(chiso_report_config **out,
                         const char *path,
                         chiso_diag *diag)
{
    return cli_office()->chiso_report_config_load(out, path, diag);
}

void
chiso_report_config_free(chiso_report_config *cfg)
{
    if (cfg == NULL) {
        return;
    }
    cli_office()->chiso_report_config_free(cfg);
}

void
chiso_report_outcome_clear(chiso_report_outcome *o)
{
    cli_office()->chiso_report_outcome_clear(o);
}

chiso_status
chiso_report_score_xlsx(const struct chiso_framework *fw,
                        const struct chiso_score_result *res,
                        const char *source,
                        chiso_lang lang,
                        char **out,
                        size_t *len,
                        chiso_diag *diag)
{
    return cli_office()->chiso_report_score_xlsx(fw, res, source, lang, out,
                                                 len, diag);
}

chiso_status
chiso_report_services_xlsx(const struct chiso_services_result *res,
                           chiso_lang lang,
                           char **out,
                           size_t *len,
                           chiso_diag *diag)
{
    return cli_office()->chiso_report_services_xlsx(res, lang, out, len, diag);
}

chiso_status
chiso_report_tasks_xlsx(const struct chiso_tasks_result *res,
                        chiso_lang lang,
                        char **out,
                        size_t *len,
                        chiso_diag *diag)
{
    return cli_office()->chiso_report_tasks_xlsx(res, lang, out, len, diag);
}

/*
 * summary_json.c - the JSON summary of a drawn chart (chiso plot --json).
 *
 * Built here, not in the CLI, so `chiso report` can embed the same object.
 * Key order is fixed; docs/charts.md documents every key.
 */
#include "chiso_plot.h"
#include "plots_int.h"

#include <cjson/cJSON.h>

static const char *const format_names[3] = {"png", "svg", "pdf"};

cJSON *
chiso_plot_summary_json(const chiso_chart *chart,
                        const char *data_path,
                        const char *out_path,
                        chiso_plot_format fmt,
                        double width,
                        double height)
{
    cJSON *root = cJSON_CreateObject();
    size_t n_items = 0;

    if (root == NULL || (unsigned)fmt > CHISO_PLOT_PDF) {
        cJSON_Delete(root);
        return NULL;
    }
    switch (chart->kind) {
    case CHISO_PLOT_TREND:
    case CHISO_PLOT_SMALL_MULTIPLES:
        n_items = chart->n_series;
        break;
    case CHISO_PLOT_BARS:
    case CHISO_PLOT_WATERFALL:
        n_items = chart->n_bars;
        break;
    case CHISO_PLOT_RADAR:
        n_items = chart->cols.n;
        break;
    case CHISO_PLOT_HEATMAP:
        n_items = chart->rows.n;
        break;
    case CHISO_PLOT_SCATTER:
        n_items = chart->n_points;
        break;
    case CHISO_PLOT_RANK_INTERVAL:
        n_items = chart->n_intervals;
        break;
    }
    if (!cJSON_AddNumberToObject(root, "schema_version", 1) ||
        !cJSON_AddStringToObject(root, "kind",
                                 chiso_plot_kind_name(chart->kind)) ||
        !(data_path != NULL ? cJSON_AddStringToObject(root, "data", data_path)
                            : cJSON_AddNullToObject(root, "data")) ||
        !cJSON_AddStringToObject(root, "output", out_path) ||
        !cJSON_AddStringToObject(root, "format", format_names[fmt]) ||
        !cJSON_AddItemToObject(root, "width", chiso_json_number(width)) ||
        !cJSON_AddItemToObject(root, "height", chiso_json_number(height)) ||
        !cJSON_AddStringToObject(root, "unit",
                                 fmt == CHISO_PLOT_PNG ? "px" : "pt") ||
        !cJSON_AddStringToObject(
            root, "lang", chart->lang == CHISO_PLOT_LANG_VI ? "vi" : "en") ||
        !cJSON_AddStringToObject(root, "number_format",
                                 chart->numfmt == CHISO_PLOT_NUM_VI ? "vi"
                                                                    : "en") ||
        !cJSON_AddItemToObject(root, "items",
                               chiso_json_number((double)n_items)) ||
        !cJSON_AddNumberToObject(root, "breaks", (double)chart->n_breaks) ||
        !cJSON_AddNumberToObject(root, "bands", (double)chart->n_bands) ||
        !(chart->highlight != NULL
              ? cJSON_AddStringToObject(root, "highlight", chart->highlight)
              : cJSON_AddNullToObject(root, "highlight")) ||
        !cJSON_AddBoolToObject(root, "highlight_found",
                               chiso_chart_highlight_found(chart))) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

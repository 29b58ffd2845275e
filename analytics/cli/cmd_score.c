/*
 * cmd_score.c - chiso score FRAMEWORK EVIDENCE [options]
 *
 * Loads, scores, prints a table (or JSON), and with --what-if scores a
 * second time with the given inputs replaced, to show what reaching a
 * target is worth.
 */
#define _GNU_SOURCE
#include "cli.h"
#include "cli_opts.h"
#include "commands.h"

#include "chiso_score.h"
#include "cmd_score_units.h"
#include "score_inputs.h"
#include "chiso_fwtable.h"
#include "chiso_report.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_WHAT_IF 64

static const char score_help[] =
    N_("Usage: chiso score FRAMEWORK EVIDENCE [options]\n"
       "       chiso score FRAMEWORK EVIDENCE --all-units [options]\n"
       "       chiso score FRAMEWORK EVIDENCE... | FOLDER [options]\n\n"
       "Score a unit against a framework (JSON) from an evidence sheet "
       "(CSV), or\nevery unit at once: a sheet with a unit column "
       "(--all-units), several\nsheets or a folder of sheets (one per "
       "unit, named by the file).\n\n"
       "Options:\n"
       "  --json FILE|-        write the result as JSON (- = stdout, "
       "no table)\n"
       "  --unit CODE          the unit to score when the sheet holds "
       "several\n"
       "  --what-if ID=N/D     score again with numerator/denominator "
       "N/D for\n"
       "                       leaf or input ID (repeatable); "
       "ID=VALUE sets a value\n"
       "  --tasks FILE         fill tasks.* inputs from a task "
       "register\n"
       "  --dossiers FILE      fill services.* inputs from a dossier "
       "log\n"
       "  --period P           period of those inputs: 2024-03, "
       "2024-Q1, 2024-H1, 2024\n"
       "  --as-of DATE         judge tasks (and open dossiers) at DATE "
       "(default:\n"
       "                       the end of the period)\n"
       "  --xlsx FILE          the tables as an Excel workbook (one unit)\n"
       "Every unit at once:\n"
       "  --all-units          score every unit of the sheet\n"
       "  --units FILE         unit list (CSV: unit, name, group): "
       "names, groups\n"
       "                       (khối) and who must be scored\n"
       "  --csv FILE           one row per unit (ranks, index, areas)\n"
       "  --top N              criteria listed as most lost (default "
       "10)\n"
       "  --help               this help\n");

static int
parse_what_if(const char *s, chiso_what_if *w, char **id_out)
{
    const char *eq = strchr(s, '=');
    const char *slash;
    char *end;

    memset(w, 0, sizeof(*w));
    if (eq == NULL || eq == s) {
        return cli_usage_error("score",
                               "--what-if expects ID=N/D or "
                               "ID=VALUE, got '%s'",
                               s);
    }
    *id_out = chiso_strndup(s, (size_t)(eq - s));
    w->id = *id_out;
    slash = strchr(eq + 1, '/');
    if (slash != NULL) {
        w->has_counts = 1;
        w->numerator = strtod(eq + 1, &end);
        if (end != slash || w->numerator < 0) {
            return cli_usage_error("score", "--what-if %s: bad numerator", s);
        }
        w->denominator = strtod(slash + 1, &end);
        if (*end != '\0' || slash[1] == '\0' || w->denominator < 0) {
            return cli_usage_error("score", "--what-if %s: bad denominator", s);
        }
        if (!chiso_is_zero(w->numerator - floor(w->numerator)) ||
            !chiso_is_zero(w->denominator - floor(w->denominator))) {
            return cli_usage_error("score",
                                   "--what-if %s: numerator and denominator "
                                   "are counts (whole numbers)",
                                   s);
        }
        if (w->numerator > w->denominator) {
            return cli_usage_error("score",
                                   "--what-if %s: numerator above "
                                   "denominator",
                                   s);
        }
        return 0;
    }
    w->has_value = 1;
    w->value = strtod(eq + 1, &end);
    if (*end != '\0' || eq[1] == '\0' || !isfinite(w->value) || w->value < 0) {
        return cli_usage_error("score", "--what-if %s: bad value", s);
    }
    return 0;
}

/* A classification band's label in the output language (the English one
 * when the framework gives it). */
static const char *
band_label(const chiso_class_band *b)
{
    return cli_language == CLI_LANG_EN && b->label_en != NULL ? b->label_en
                                                              : b->label;
}

/* ---- table printing ------------------------------------------------------
 * One row per node: id (indented by depth), name, the rule's input value
 * (the rate), points, maximum, applicable maximum, index %, then appraised
 * points and the reconciliation with official points when the sheet has
 * them. Marks after a leaf: * scored without evidence, ? not reported,
 * ^ rule not confirmed (its "confidence" in the framework file). Leaves of
 * a terms rule get their inputs spelled out under the table.
 */

#define ID_WIDTH_MIN 10
#define ID_WIDTH_MAX 40

/* Is the leaf's rule less than confirmed? ("confirmed" and "high" are.) */
static int
rule_doubtful(const chiso_node *n)
{
    const char *c = n->rule.confidence;

    return c != NULL && strcmp(c, "confirmed") != 0 && strcmp(c, "high") != 0;
}

/* Display width of the widest indented id among nodes (or lost leaves). */
static size_t
id_width(const chiso_framework *fw, const size_t *which, size_t n_which)
{
    size_t i, w = ID_WIDTH_MIN;
    size_t n = which != NULL ? n_which : fw->n_nodes;

    for (i = 0; i < n; i++) {
        const chiso_node *nd = &fw->nodes[which != NULL ? which[i] : i];
        size_t x = chiso_utf8_width(nd->id, strlen(nd->id)) +
                   (which != NULL ? 0 : (size_t)nd->depth * 2);
        if (x + 1 > w) {
            w = x + 1;
        }
    }
    return w > ID_WIDTH_MAX ? ID_WIDTH_MAX : w;
}

/* The rule's input value as a short cell: "87.50%", "có", "3", "0/0". */
static void
value_cell(FILE *o,
           const chiso_node *n,
           const chiso_node_score *ns,
           size_t width)
{
    char buf[48];

    if (!chiso_node_is_leaf(n) || !ns->applicable) {
        cli_cell(o, "", width, 1);
    } else if (ns->no_score ||
               (ns->has_counts && chiso_is_zero(ns->denominator))) {
        cli_cell(o, "0/0", width, 1);
    } else if (!ns->has_value) {
        cli_cell(o, "", width, 1);
    } else if (n->rule.type == CHISO_RULE_BINARY) {
        cli_cell(o, ns->value > 0.5 ? T("có", "yes") : T("không", "no"), width,
                 1);
    } else if (n->rule.unit == CHISO_UNIT_PERCENT) {
        snprintf(buf, sizeof(buf), "%.2f%%", chiso_round_half_up(ns->value, 2));
        cli_cell(o, buf, width, 1);
    } else if (n->rule.unit == CHISO_UNIT_COUNT) {
        snprintf(buf, sizeof(buf), "%.0f", ns->value);
        cli_cell(o, buf, width, 1);
    } else {
        cli_num(o, ns->value, 2, width);
    }
}

/* A target as two cells: the input to reach ("623/1000", "85.75%",
 * "3", "có") and what it gains ("+0.01"); "-" when there is none. */
static void
target_cells(FILE *o,
             const chiso_node *n,
             const chiso_node_score *ns,
             const chiso_target *t,
             int dec)
{
    char buf[64];
    chiso_value_unit unit = n->rule.unit;
    size_t i;

    for (i = 0; ns->target_id != NULL && i < n->rule.n_terms; i++) {
        if (strcmp(n->rule.terms[i].input, ns->target_id) == 0) {
            unit = n->rule.terms[i].unit;
        }
    }

    if (!(t->gain > 0)) {
        cli_cell(o, "-", 11, 1);
        cli_cell(o, "-", 7, 1);
        return;
    }
    if (t->has_counts) {
        snprintf(buf, sizeof(buf), "%.0f/%.0f", t->numerator, t->denominator);
    } else if (n->rule.type == CHISO_RULE_BINARY) {
        snprintf(buf, sizeof(buf), "%s", T("có", "yes"));
    } else {
        /* two decimals at most; a value with more is rounded away from
         * the current one (so it still gains) and marked >= or <= */
        double x = t->value, r = chiso_round_half_up(x, 2);
        const char *mark = "";
        if (fabs(x - r) > 1e-9 * fmax(1.0, fabs(x))) {
            int up = !ns->has_value || x > ns->value;
            r = (up ? ceil(x * 100 - 1e-6) : floor(x * 100 + 1e-6)) / 100;
            mark = up ? ">=" : "<=";
        }
        snprintf(buf, sizeof(buf), "%s%.*f%s", mark,
                 chiso_is_zero(r - floor(r)) ? 0 : 2, r,
                 unit == CHISO_UNIT_PERCENT ? "%" : "");
    }
    cli_cell(o, buf, 11, 1);
    snprintf(buf, sizeof(buf), "+%.*f", dec, t->gain);
    cli_cell(o, buf, 7, 1);
}

/* The reconciliation cell: ok, a 0.01 difference, ~ within the rule's
 * known tolerance, or OFF (more than 0.01). */
static const char *
official_check(const chiso_node_score *ns, int dec)
{
    if (chiso_is_zero(chiso_round_half_up(ns->official_diff, dec))) {
        return T("khớp", "ok");
    }
    if (ns->official_within_tolerance) {
        return T("~ sai số", "~ tol.");
    }
    return ns->official_flag ? T("LỆCH!", "OFF!") : T("lệch nhỏ", "small");
}

static void
print_table(const chiso_score_result *res, const char *ev_path)
{
    const chiso_framework *fw = res->fw;
    int dec = fw->points_decimals >= 0 ? fw->points_decimals : 2;
    size_t i, width, n_doubtful = 0, n_terms = 0;
    size_t w_id = id_width(fw, NULL, 0);
    size_t w_name = w_id > 20 ? 36 : 44;
    size_t w_pts = res->n_no_score > 0 ? 11 : 8;
    FILE *o = stdout;
    char label[300];

    printf("%s: %s [%s]%s%s\n", T("Khung tiêu chí", "Framework"), fw->name,
           fw->id, fw->status ? " - " : "", fw->status ? fw->status : "");
    if (ev_path != NULL) {
        printf("%s: %s\n", T("Phiếu chấm điểm", "Evidence sheet"), ev_path);
    }
    putchar('\n');
    cli_cell(o, T("Mã", "ID"), w_id, 0);
    cli_cell(o, T("Tiêu chí", "Criterion"), w_name, 0);
    cli_cell(o, T("Giá trị", "Value"), 9, 1);
    cli_cell(o, T("Điểm", "Points"), w_pts, 1);
    cli_cell(o, T("Tối đa", "Max"), 8, 1);
    cli_cell(o, T("Áp dụng", "Appl."), 8, 1);
    cli_cell(o, "%", 8, 1);
    width = w_id + w_name + 9 + w_pts + 8 + 8 + 8;
    if (res->has_appraised) {
        cli_cell(o, T("Thẩm định", "Appraised"), 10, 1);
        width += 10;
    }
    if (res->n_official > 0) {
        cli_cell(o, T("Công bố", "Official"), 9, 1);
        cli_cell(o, T("Lệch", "Diff"), 8, 1);
        fputs("  ", o);
        cli_cell(o, T("Đối chiếu", "Check"), 9, 0);
        width += 9 + 8 + 2 + 9;
    }
    fputs("\n", o);
    cli_rule(o, '-', width);
    putchar('\n');
    for (i = 0; i < fw->n_nodes; i++) {
        const chiso_node *n = &fw->nodes[i];
        const chiso_node_score *ns = &res->nodes[i];
        int leaf = chiso_node_is_leaf(n);
        snprintf(label, sizeof(label), "%*s%s", n->depth * 2, "", n->id);
        cli_cell(o, label, w_id, 0);
        cli_cell(o, n->name, w_name, 0);
        value_cell(o, n, ns, 9);
        if (leaf && !ns->applicable) {
            cli_cell(o, T("KAD", "n/a"), w_pts, 1);
        } else if (leaf && ns->no_score) {
            cli_cell(o, T("không điểm", "no score"), w_pts, 1);
        } else if (leaf && n->rule.type == CHISO_RULE_TRACKED) {
            cli_cell(o, T("theo dõi", "tracked"), w_pts, 1);
        } else {
            cli_num(o, ns->points, dec, w_pts);
        }
        cli_num(o, n->max, dec, 8);
        cli_num(o, ns->applicable_max, dec, 8);
        cli_num(o, ns->index_pct, 2, 8);
        if (res->has_appraised) {
            if (ns->applicable && n->max > 0) {
                cli_num(o, ns->appraised, dec, 10);
            } else {
                cli_cell(o, "", 10, 1);
            }
        }
        if (res->n_official > 0) {
            if (ns->has_official) {
                double diff =
                    chiso_round_half_up(ns->points - ns->official, dec);
                /* a sign only on a real difference */
                snprintf(label, sizeof(label),
                         chiso_is_zero(diff) ? "%.*f" : "%+.*f", dec, diff);
                cli_num(o, ns->official, dec, 9);
                cli_cell(o, label, 8, 1);
                fputs("  ", o);
                cli_cell(o, leaf ? official_check(ns, dec) : "", 9, 0);
            } else {
                cli_cell(o, "", 9 + 8 + 2 + 9, 0);
            }
        }
        if (leaf) {
            int marks = ns->evidence_missing ||
                        (!ns->reported && n->rule.type != CHISO_RULE_TRACKED) ||
                        rule_doubtful(n);
            if (marks) {
                fputc(' ', o);
            }
            fputs(ns->evidence_missing ? "*" : "", o);
            fputs(!ns->reported && n->rule.type != CHISO_RULE_TRACKED ? "?"
                                                                      : "",
                  o);
            fputs(rule_doubtful(n) ? "^" : "", o);
            n_doubtful += rule_doubtful(n) != 0;
            n_terms += n->rule.type == CHISO_RULE_TERMS && ns->applicable;
        }
        fputc('\n', o);
    }
    cli_rule(o, '-', width);
    putchar('\n');
    cli_cell(o, T("TỔNG", "TOTAL"), w_id + w_name + 9, 0);
    cli_num(o, res->points, dec, w_pts);
    cli_num(o, res->max, dec, 8);
    cli_num(o, res->applicable_max, dec, 8);
    cli_num(o, res->index_pct, fw->index_decimals, 8);
    if (res->has_appraised) {
        cli_num(o, res->appraised, dec, 10);
    }
    if (res->n_official > 0) {
        /* the published total is the sum of the published groups */
        double off = 0, diff;
        for (i = 0; i < fw->n_nodes; i++) {
            if (fw->nodes[i].parent == CHISO_NO_PARENT &&
                res->nodes[i].has_official) {
                off += res->nodes[i].official;
            }
        }
        off = chiso_round_half_up(off, dec);
        diff = chiso_round_half_up(res->points - off, dec);
        cli_num(o, off, dec, 9);
        snprintf(label, sizeof(label), chiso_is_zero(diff) ? "%.*f" : "%+.*f",
                 dec, diff);
        cli_cell(o, label, 8, 1);
    }
    putchar('\n');
    printf("\n%s: %.*f / %.*f = %.*f %%", T("Chỉ số", "Index"), dec,
           res->points, dec, res->applicable_max, fw->index_decimals,
           res->index_pct);
    if (res->group != NULL) {
        printf("  ->  %s", band_label(res->group));
    }
    putchar('\n');
    if (res->has_appraised) {
        printf("%s: %.*f %s = %.*f %%", T("Điểm thẩm định", "Appraised"), dec,
               res->appraised, T("điểm", "points"), fw->index_decimals,
               res->appraised_index_pct);
        if (res->appraised_group != NULL) {
            printf("  ->  %s", band_label(res->appraised_group));
        }
        printf("  (%s %+.*f)\n", T("tự chấm - thẩm định", "self - appraised"),
               dec, chiso_round_half_up(res->points - res->appraised, dec));
    }
    if (n_terms > 0) {
        printf("\n%s\n", T("Chi tiết các thành phần (quy tắc terms):",
                           "Terms of the composite rules:"));
        for (i = 0; i < fw->n_nodes; i++) {
            const chiso_node *n = &fw->nodes[i];
            if (n->rule.type == CHISO_RULE_TERMS && res->nodes[i].applicable) {
                printf("  %s: %s\n", n->id, res->nodes[i].explain);
            }
        }
    }
    if (res->n_lost > 0) {
        size_t w_lid = id_width(fw, res->lost, res->n_lost);
        printf("\n%s\n", T("Điểm bị mất (mất nhiều nhất trước):",
                           "Points lost (largest first):"));
        cli_cell(o, "#", 4, 1);
        fputs("  ", o);
        cli_cell(o, T("Mã", "ID"), w_lid, 0);
        cli_cell(o, T("Tiêu chí", "Criterion"), 34, 0);
        cli_cell(o, T("Mất", "Lost"), 7, 1);
        cli_cell(o, T("Giá trị", "Value"), 9, 1);
        cli_cell(o, T("Bước tới", "Next"), 11, 1);
        cli_cell(o, T("Thêm", "Gain"), 7, 1);
        cli_cell(o, T("Đủ điểm", "Best"), 11, 1);
        cli_cell(o, T("Thêm", "Gain"), 7, 1);
        fputs("  ", o);
        fputs(T("Quy tắc", "Rule"), o);
        putchar('\n');
        for (i = 0; i < res->n_lost; i++) {
            size_t k = res->lost[i];
            const chiso_node *n = &fw->nodes[k];
            const chiso_node_score *ns = &res->nodes[k];
            char num[32];
            snprintf(num, sizeof(num), "%zu", i + 1);
            cli_cell(o, num, 4, 1);
            fputs("  ", o);
            cli_cell(o, n->id, w_lid, 0);
            cli_cell(o, n->name, 34, 0);
            cli_num(o, n->max - ns->points, dec, 7);
            if (!ns->reported) {
                cli_cell(o, T("chưa có", "missing"), 9, 1);
            } else if (n->rule.type == CHISO_RULE_TERMS) {
                cli_cell(o, "-", 9, 1);
            } else {
                value_cell(o, n, ns, 9);
            }
            target_cells(o, n, ns, &ns->next, dec);
            target_cells(o, n, ns, &ns->full, dec);
            printf("  %s\n",
                   cli_code_label(chiso_rule_type_name(n->rule.type)));
        }
        for (i = 0; i < res->n_lost; i++) {
            const chiso_node_score *ns = &res->nodes[res->lost[i]];
            if (fw->nodes[res->lost[i]].rule.type == CHISO_RULE_TERMS &&
                ns->target_id != NULL) {
                printf("  %s: %s %s\n", fw->nodes[res->lost[i]].id,
                       T("bước tới ở thành phần", "next step on input"),
                       ns->target_id);
            }
        }
        printf("%s\n",
               T("Bước tới: giá trị gần nhất được thêm điểm; Đủ điểm: giá "
                 "trị gần nhất cho điểm cao nhất của quy tắc (tử số/mẫu số "
                 "khi số liệu là số đếm; thử bằng --what-if)",
                 "Next: the nearest value that gains points; Best: the "
                 "nearest that gives the rule's most (numerator/denominator "
                 "when the input is counts; try it with --what-if)"));
    }
    putchar('\n');
    if (res->n_explanation_missing > 0) {
        printf("* %zu %s\n", res->n_explanation_missing,
               T("tiêu chí có điểm nhưng chưa có tài liệu kiểm chứng (cần "
                 "giải trình)",
                 "criteria scored without an evidence reference (an "
                 "explanation is required)"));
    }
    if (res->n_evidence_missing > res->n_explanation_missing) {
        printf("* %zu %s\n",
               res->n_evidence_missing - res->n_explanation_missing,
               T("tiêu chí có điểm, chưa có tài liệu kiểm chứng nhưng đã "
                 "giải trình",
                 "criteria scored without an evidence reference, with an "
                 "explanation"));
    }
    if (res->n_not_reported > 0) {
        printf("? %zu %s\n", res->n_not_reported,
               T("tiêu chí chưa có số liệu: tính 0 điểm",
                 "criteria not reported: scored 0"));
    }
    if (res->n_no_score > 0) {
        printf("%s %zu %s\n", T("không điểm:", "no score:"), res->n_no_score,
               T("chỉ số có mẫu số 0 không được chấm điểm (tính 0 trong "
                 "tổng nhóm, không quy đổi lại)",
                 "indicators with a zero denominator get no score (counted "
                 "as 0 in the group total, no re-normalisation)"));
    }
    if (n_doubtful > 0) {
        printf("^ %zu %s\n", n_doubtful,
               T("tiêu chí có quy tắc hoặc tối đa chưa được xác nhận (độ "
                 "tin cậy):",
                 "criteria whose rule or maximum is not confirmed "
                 "(confidence):"));
        for (i = 0; i < fw->n_nodes; i++) {
            const chiso_node *n = &fw->nodes[i];
            if (chiso_node_is_leaf(n) && rule_doubtful(n)) {
                printf("    %s: %s", n->id, cli_code_label(n->rule.confidence));
                if (n->rule.tolerance > 0) {
                    printf(", %s ±%g %s", T("sai số đã biết", "known to"),
                           n->rule.tolerance, T("điểm", "points"));
                }
                putchar('\n');
            }
        }
    }
    if (res->n_official > 0) {
        printf("%s: %zu %s, %zu %s\n",
               T("Đối chiếu điểm công bố", "Reconciliation with official "
                                           "points"),
               res->n_official, T("chỉ số", "indicators"),
               res->n_official_flags,
               T("lệch quá 0.01 điểm (LỆCH!); ~ sai số = lệch nhưng trong "
                 "sai số đã biết của quy tắc",
                 "off by more than 0.01 points (OFF!); ~ tol. = differs, but "
                 "within the rule's known tolerance"));
        for (i = 0; i < fw->n_nodes; i++) {
            const chiso_node_score *ns = &res->nodes[i];
            if (chiso_node_is_leaf(&fw->nodes[i]) &&
                (ns->official_flag || ns->official_within_tolerance)) {
                printf("    %s: %s %.*f, %s %.*f (%+.*f)%s\n", fw->nodes[i].id,
                       T("chiso", "chiso"), dec, ns->points,
                       T("công bố", "official"), dec, ns->official, dec,
                       chiso_round_half_up(ns->points - ns->official, dec),
                       ns->official_within_tolerance
                           ? T(" - trong sai số đã biết của quy tắc",
                               " - within the rule's known tolerance")
                           : "");
            }
        }
    }
    for (i = 0; i < res->warnings.n; i++) {
        cli_print_diag(&res->warnings.items[i],
                       chiso_msg(cli_lang_code(), "warning: "));
    }
    if (res->warnings.n_dropped > 0) {
        fprintf(stderr, "chiso: %s", chiso_msg(cli_lang_code(), "warning: "));
        fprintf(stderr,
                chiso_msg(cli_lang_code(), "%zu more warnings not shown"),
                res->warnings.n_dropped);
        fputc('\n', stderr);
    }
}

/*
 * The self-assessment sheet: every problem of it listed (exit 1), and what
 * was understood of its layout said (title rows above the header, totals
 * rows skipped, the STT column read as the codes).
 */
static int
load_sheet(const char *path, chiso_evidence **ev)
{
    chiso_table_options t = CHISO_TABLE_OPTIONS_INIT;
    chiso_diag_list problems, notes;
    chiso_status st;
    size_t i;
    int rc = CLI_EXIT_OK;

    chiso_diag_list_init(&problems, 100);
    chiso_diag_list_init(&notes, 50);
    problems.lang = notes.lang = cli_diag_lang();
    t.notes = &notes;
    st = chiso_evidence_load_ex(ev, path, &t, &problems);
    for (i = 0; i < notes.n; i++) {
        cli_print_diag(&notes.items[i],
                       chiso_msg(cli_lang_code(),
                                 notes.items[i].severity == CHISO_SEVERITY_INFO
                                     ? "note: "
                                     : "warning: "));
    }
    if (st != CHISO_OK) {
        for (i = 0; i < problems.n; i++) {
            cli_print_diag(&problems.items[i], NULL);
        }
        if (problems.n_dropped > 0) {
            fprintf(stderr,
                    chiso_msg(cli_lang_code(),
                              "chiso: %zu more bad rows not shown\n"),
                    problems.n_dropped);
        }
        rc = cli_exit_code(st);
        if (problems.n == 0) {
            fprintf(stderr, "chiso: %s: %s\n", path, chiso_status_str(st));
        }
    }
    chiso_diag_list_free(&problems);
    chiso_diag_list_free(&notes);
    return rc;
}

/* One line of the what-if table: id, name, [values], points before ->
 * after, change. */
static void
what_if_line(const chiso_framework *fw,
             size_t i,
             const chiso_node_score *b,
             const chiso_node_score *a,
             size_t w_id,
             int dec)
{
    const chiso_node *n = &fw->nodes[i];

    printf("  ");
    cli_cell(stdout, n->id, w_id, 0);
    cli_cell(stdout, n->name, 36, 0);
    if (chiso_node_is_leaf(n) && n->rule.type != CHISO_RULE_TERMS) {
        value_cell(stdout, n, b, 9);
        fputs(" -> ", stdout);
        value_cell(stdout, n, a, 9);
    } else {
        /* groups, and terms rules whose inputs the table's notes spell out */
        cli_cell(stdout, "", 9 + 4 + 9, 0);
    }
    cli_num(stdout, b->points, dec, 8);
    fputs(" -> ", stdout);
    cli_num(stdout, a->points, dec, 8);
    printf("  (%+.*f)\n", dec, chiso_round_half_up(a->points - b->points, dec));
}

static void
print_what_if(const chiso_score_result *base, const chiso_score_result *w)
{
    const chiso_framework *fw = base->fw;
    int dec = fw->points_decimals >= 0 ? fw->points_decimals : 2;
    size_t i, w_id = id_width(fw, NULL, 0);

    printf("\n%s\n", T("Giả định (--what-if), tiêu chí thay đổi:",
                       "What if (--what-if), changed criteria:"));
    for (i = 0; i < fw->n_nodes; i++) {
        if (chiso_node_is_leaf(&fw->nodes[i]) &&
            w->nodes[i].origin == CHISO_ORIGIN_WHAT_IF) {
            what_if_line(fw, i, &base->nodes[i], &w->nodes[i], w_id, dec);
        }
    }
    printf("%s\n", T("Theo nhóm:", "By group:"));
    for (i = 0; i < fw->n_nodes; i++) {
        if (fw->nodes[i].parent == CHISO_NO_PARENT) {
            what_if_line(fw, i, &base->nodes[i], &w->nodes[i], w_id, dec);
        }
    }
    printf("  %s: %.*f -> %.*f (%+.*f); %s %.*f %% -> %.*f %%",
           T("Tổng", "Total"), dec, base->points, dec, w->points, dec,
           chiso_round_half_up(w->points - base->points, dec),
           T("chỉ số", "index"), fw->index_decimals, base->index_pct,
           fw->index_decimals, w->index_pct);
    if (w->group != NULL && w->group != base->group) {
        printf("  (%s -> %s)", base->group ? band_label(base->group) : "-",
               band_label(w->group));
    }
    putchar('\n');
}

static const cli_option score_options[] = {
    {"json", required_argument, 'j', NULL, NULL},
    {"unit", required_argument, 'u', NULL, NULL},
    {"what-if", required_argument, 'w', NULL, NULL},
    {"tasks", required_argument, 'T', NULL, NULL},
    {"dossiers", required_argument, 'D', NULL, NULL},
    {"period", required_argument, 'P', NULL, NULL},
    {"as-of", required_argument, 'A', NULL, NULL},
    {"all-units", no_argument, 'a', NULL, NULL},
    {"units", required_argument, 'U', NULL, NULL},
    {"csv", required_argument, 'c', NULL, NULL},
    {"xlsx", required_argument, 'X', NULL, NULL},
    {"top", required_argument, 't', NULL, NULL},
    {NULL, 0, 0, NULL, NULL}};

int
cmd_score(int argc, char **argv)
{
    cli_parser op;
    const char *json_path = NULL, *unit = NULL;
    chiso_what_if what_if[MAX_WHAT_IF];
    char *what_if_ids[MAX_WHAT_IF];
    size_t n_what_if = 0, i;
    chiso_framework *fw = NULL;
    chiso_evidence *ev = NULL;
    chiso_score_result *res = NULL, *wres = NULL;
    chiso_score_options opts = CHISO_SCORE_OPTIONS_INIT;
    chiso_diag diag;
    int c, rc = CLI_EXIT_OK;
    const char *inputs[4];
    score_sources src = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    chiso_input_set set = CHISO_INPUT_SET_INIT;
    int all_units = 0, multi;
    const char *units_file = NULL, *csv_path = NULL, *xlsx_path = NULL;
    long top = 10;
    struct stat sb;

    chiso_diag_clear(&diag);
    diag.lang = cli_language == CLI_LANG_EN ? CHISO_LANG_EN : CHISO_LANG_VI;
    opts.lang = diag.lang;
    cli_parser_init(&op, "score", score_help, NULL, score_options, NULL, NULL);
    optind = 0;
    while ((c = cli_getopt(&op, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_EXIT) {
            rc = op.rc;
            goto out;
        }
        switch (c) {
        case 'j':
            json_path = optarg;
            break;
        case 'u':
            unit = optarg;
            break;
        case 'w':
            if (n_what_if == MAX_WHAT_IF) {
                rc = cli_usage_error("score", "too many --what-if options");
                goto out;
            }
            if (parse_what_if(optarg, &what_if[n_what_if],
                              &what_if_ids[n_what_if]) != 0) {
                free(what_if_ids[n_what_if]);
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            n_what_if++;
            break;
        case 'T':
            src.tasks = optarg;
            break;
        case 'D':
            src.dossiers = optarg;
            break;
        case 'P':
            src.period = optarg;
            break;
        case 'A':
            src.as_of = optarg;
            break;
        case 'a':
            all_units = 1;
            break;
        case 'U':
            units_file = optarg;
            break;
        case 'c':
            csv_path = optarg;
            break;
        case 'X':
            xlsx_path = optarg;
            break;
        case 't':
            if (cli_parse_long("score", "--top", optarg, &top) != 0) {
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            break;
        default:
            break;
        }
    }
    multi = all_units || argc - optind > 2 ||
            (argc - optind == 2 && stat(argv[optind + 1], &sb) == 0 &&
             S_ISDIR(sb.st_mode));
    if (argc - optind < 2 || (!multi && argc - optind != 2)) {
        rc = cli_usage_error("score",
                             "expected FRAMEWORK and EVIDENCE, got "
                             "%d argument%s",
                             argc - optind, argc - optind == 1 ? "" : "s");
        goto out;
    }
    if (multi) {
        score_units_args ua;
        const char *bad = unit != NULL           ? "--unit"
                          : n_what_if > 0        ? "--what-if"
                          : src.tasks != NULL    ? "--tasks"
                          : src.dossiers != NULL ? "--dossiers"
                          : xlsx_path != NULL    ? "--xlsx"
                                                 : NULL;
        if (bad != NULL) {
            rc = cli_usage_error("score",
                                 "%s scores one unit; it cannot be used with "
                                 "--all-units, several sheets or a folder",
                                 bad);
            goto out;
        }
        /* every input first (the sheets, the framework, the unit list),
           then each output checked once against all of them */
        if (cli_add_inputs((const char *const *)&argv[optind],
                           (size_t)(argc - optind)) != CLI_EXIT_OK ||
            (units_file != NULL &&
             cli_add_inputs(&units_file, 1) != CLI_EXIT_OK)) {
            rc = CLI_EXIT_INTERNAL;
            goto out;
        }
        if (cli_check_not_input("score", json_path, NULL, 0) != 0 ||
            cli_check_not_input("score", csv_path, NULL, 0) != 0) {
            rc = CLI_EXIT_USAGE;
            goto out;
        }
        ua.framework = argv[optind];
        ua.paths = &argv[optind + 1];
        ua.n_paths = (size_t)(argc - optind - 1);
        ua.units_file = units_file;
        ua.json_path = json_path;
        ua.csv_path = csv_path;
        ua.top = top > 0 ? (size_t)top : 10;
        rc = cmd_score_units(&ua);
        goto out;
    }
    if (units_file != NULL || csv_path != NULL) {
        rc = cli_usage_error("score",
                             "%s is for scoring every unit (--all-units, "
                             "several sheets or a folder)",
                             units_file != NULL ? "--units" : "--csv");
        goto out;
    }
    inputs[0] = argv[optind];
    inputs[1] = argv[optind + 1];
    inputs[2] = src.tasks;
    inputs[3] = src.dossiers;
    if (cli_check_not_input("score", json_path, inputs, 4) != 0 ||
        cli_check_not_input("score", xlsx_path, inputs, 4) != 0) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (chiso_fwtable_load(&fw, argv[optind], &diag) != CHISO_OK) {
        rc = cli_report(&diag);
        goto out;
    }
    rc = load_sheet(argv[optind + 1], &ev);
    if (rc != CLI_EXIT_OK) {
        goto out;
    }
    opts.unit = unit;
    src.unit = unit;
    rc = score_inputs_build(&src, &set);
    if (rc != CLI_EXIT_OK) {
        goto out;
    }
    opts.inputs = set.items;
    opts.n_inputs = set.n;
    if (chiso_score_compute(&res, fw, ev, &opts, &diag) != CHISO_OK) {
        rc = cli_report(&diag);
        goto out;
    }
    if (n_what_if > 0) {
        opts.what_if = what_if;
        opts.n_what_if = n_what_if;
        if (chiso_score_compute(&wres, fw, ev, &opts, &diag) != CHISO_OK) {
            rc = cli_report(&diag);
            goto out;
        }
    }
    if (json_path == NULL || strcmp(json_path, "-") != 0) {
        print_table(res, argv[optind + 1]);
        if (wres != NULL) {
            print_what_if(res, wres);
        }
    }
    if (xlsx_path != NULL) {
        char *x = NULL;
        size_t xl = 0;
        chiso_status xs = chiso_report_score_xlsx(
            fw, res, argv[optind + 1], cli_lang_code(), &x, &xl, &diag);
        rc = cli_write_xlsx(xlsx_path, xs, x, xl, &diag);
        if (rc != CLI_EXIT_OK) {
            goto out;
        }
    }
    if (json_path != NULL) {
        cJSON *root = chiso_score_to_json(res, wres, what_if, n_what_if);
        if (root == NULL) {
            fprintf(stderr, "chiso: out of memory\n");
            rc = CLI_EXIT_INTERNAL;
            goto out;
        }
        rc = cli_write_json(root, json_path);
        cJSON_Delete(root);
    }
out:
    for (i = 0; i < n_what_if; i++) {
        free(what_if_ids[i]);
    }
    chiso_score_free(wres);
    chiso_score_free(res);
    chiso_input_set_free(&set);
    chiso_evidence_free(ev);
    chiso_framework_free(fw);
    return rc;
}

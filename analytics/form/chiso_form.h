/*
 * chiso_form.h - the self-assessment workbook an office fills, the
 * council's appraisal copy, and what a filled copy says.
 *
 * chiso_form_write() writes TUCHAM.xlsx for a framework: a few title rows
 * (the framework, the unit, the period, how to fill it), then one row per
 * node in tree order. Area and criterion rows carry subtotal formulas
 * (=SUM of their children's points); leaf rows carry the maximum, the rule
 * in words and the cells to fill: applicability (KAD), the measured value,
 * numerator and denominator, the self-assessed points, the evidence
 * reference (tài liệu kiểm chứng) and the explanation (giải trình), which
 * a check column asks for when points are claimed without evidence. Input
 * cells are validated (points 0..max, có/không lists, rates 0..100) and
 * are the only unlocked cells: the structure is protected (no password;
 * it prevents accidents). Values chiso derived from a task register or a
 * dossier log are pre-filled and marked (blue cells, source named).
 *
 * The columns are the evidence sheet's (docs/frameworks.md, "The
 * self-assessment workbook"): Mã, Áp dụng, Giá trị, Tử số, Mẫu số, Điểm tự
 * chấm, Tài liệu kiểm chứng, Giải trình (and for the appraisal copy Điểm
 * thẩm định), so `chiso score FRAMEWORK TUCHAM.xlsx` reads a filled form
 * back through the evidence reader; the other columns are ignored there.
 *
 * With `self` set, the council's appraisal copy is written instead: the
 * unit's values, points, evidence and explanations read-only, and the
 * appraised points and the council's comments to fill.
 *
 * The workbook is written with libxlsxwriter, deterministically (fixed
 * creation time: same inputs, same bytes) and atomically. It is written
 * directly rather than through chiso_sheet (plots/sheet), which came to
 * main later and which a form needs more from: formulas whose cached value
 * is a text (the check column), pre-filled cells that are both marked and
 * editable, and a place below the plots layer.
 */
#ifndef CHISO_FORM_H
#define CHISO_FORM_H

#include "chiso_fwtable.h"
#include "chiso_score.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chiso_form_options {
    chiso_lang lang;    /* labels and messages */
    const char *unit;   /* shown in the header; NULL = a cell to fill */
    const char *period; /* "2024-H1"; NULL = a cell to fill */
    /* derived inputs (task register, dossier log): leaves whose rule names
     * one are pre-filled and marked; may be NULL */
    const chiso_input_value *inputs;
    size_t n_inputs;
    /* the unit's filled self-assessment: write the appraisal copy */
    const chiso_evidence *self;
} chiso_form_options;

#define CHISO_FORM_OPTIONS_INIT                                                \
    {                                                                          \
        CHISO_LANG_VI, NULL, NULL, NULL, 0, NULL                               \
    }

/*
 * Write the form for fw to path (.xlsx), atomically. Problems (a self
 * sheet naming unknown criteria, a file that cannot be written) go to
 * diag.
 */
chiso_status chiso_form_write(const chiso_framework *fw,
                              const char *path,
                              const chiso_form_options *opts,
                              chiso_diag *diag);

/*
 * Write a framework table as a workbook: sheet "Tiêu chí" (the header
 * block and the table) and sheet "Xếp loại" (the classification), the
 * layout chiso_fwtable_read() reads back.
 */
chiso_status chiso_form_write_table_xlsx(const chiso_fwdoc *doc,
                                         const char *path,
                                         chiso_lang lang,
                                         chiso_diag *diag);

/* ---- what a filled form says ---------------------------------------------- */

/* One leaf of a review. */
typedef struct chiso_form_item {
    size_t node;        /* index into fw->nodes */
    int has_self;       /* self-assessed points entered */
    double self_points; /* as entered */
    int has_appraised;
    double appraised;
    double delta;            /* appraised - self (0 when either is missing) */
    int changed;             /* both entered and different by > 0.005 */
    int explanation_missing; /* points claimed, no evidence, no giải trình */
    int not_filled;          /* applicable leaf with nothing entered */
} chiso_form_item;

typedef struct chiso_form_review {
    chiso_form_item *items; /* every leaf, framework order */
    size_t n;
    size_t n_changed, n_explanation_missing, n_not_filled;
    int has_appraisal; /* any appraised points */
    double self_total, appraised_total;
} chiso_form_review;

/*
 * Review a filled form (or appraisal copy) read as an evidence sheet:
 * the criteria the council changed, the explanations still missing, the
 * leaves left empty. *out is owned by the caller (chiso_form_review_free).
 */
chiso_status chiso_form_review_compute(chiso_form_review **out,
                                       const chiso_framework *fw,
                                       const chiso_evidence *ev,
                                       const char *unit,
                                       chiso_diag *diag);
void chiso_form_review_free(chiso_form_review *r);

/* The review as JSON (schema_version 1, docs/frameworks.md). */
struct cJSON *chiso_form_review_to_json(const chiso_form_review *r,
                                        const chiso_framework *fw,
                                        chiso_lang lang);

#ifdef __cplusplus
}
#endif

#endif /* CHISO_FORM_H */

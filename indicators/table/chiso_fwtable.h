/*
 * chiso_fwtable.h - frameworks as the province publishes them: a table.
 *
 * A framework table is the criteria table of a provincial decision (Bộ
 * tiêu chí xác định Chỉ số CCHC của các sở, ban, ngành) typed into a
 * spreadsheet: one row per area, criterion and sub-criterion, with its
 * code (Mã), name (Tên tiêu chí), maximum (Điểm tối đa), how it is scored
 * in an officer's words (Cách chấm: tự chấm, có/không, tỷ lệ, theo mức,
 * trừ điểm, theo thành phần, theo dõi) and the rule's parameters in plain
 * cells (Mức chấm: "≥ 100%: 2; 80–<100%: 1; < 80%: 0"). The hierarchy comes
 * from the codes (1, 1.1, 1.1.2; Roman numerals or letters at the top) or
 * from a level column (Cấp). Classification bands and the framework's own
 * data (name, legal basis, rounding) sit in a block of "key | value" rows
 * above the table; in a workbook the bands may also be a second sheet.
 * The format is documented in docs/frameworks.md.
 *
 * Reading a table validates everything and reports every problem at its
 * cell (file.csv:12:4 or file.xlsx:Tiêu chí!D12), then builds the
 * chiso-framework JSON and loads it through chiso_framework's own
 * validator, so a table and the JSON it becomes always mean the same.
 *
 * Export is the inverse: a framework (JSON or table) becomes the same
 * table, and reading it back gives the same framework
 * (chiso_fwdoc_compare). The CSV writer is here; the workbook writer is in
 * analytics/form (chiso_form.h), over the grid this module builds.
 *
 * Words in the table are input vocabulary, matched ignoring case,
 * diacritics and punctuation; the accepted words are listed in
 * docs/frameworks.md.
 */
#ifndef CHISO_FWTABLE_H
#define CHISO_FWTABLE_H

#include "chiso_framework.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A source document named by the framework ("sources" in the JSON). */
typedef struct chiso_fwdoc_source {
    char *title;
    char *url;      /* may be NULL */
    char *used_for; /* may be NULL */
} chiso_fwdoc_source;

/*
 * A framework with what its file carries beyond chiso_framework: the
 * sources and the English labels of the classification bands (which the
 * framework loader checks but does not keep).
 */
typedef struct chiso_fwdoc {
    chiso_framework *fw; /* owned */
    chiso_fwdoc_source *sources;
    size_t n_sources;
    char **class_label_en; /* fw->n_classes entries, each may be NULL */
    int declared_max;      /* the file states the total (root "max") */
} chiso_fwdoc;

void chiso_fwdoc_free(chiso_fwdoc *doc);

/* Options for reading a table. */
typedef struct chiso_fwtable_options {
    const char *sheet; /* workbook sheet name or 1-based number; NULL = the
                          first sheet holding the table */
} chiso_fwtable_options;

#define CHISO_FWTABLE_OPTIONS_INIT                                             \
    {                                                                          \
        NULL                                                                   \
    }

/*
 * Is this path a framework table (by its name: .csv, .tsv, .txt, .xlsx,
 * .xls) rather than a framework JSON file?
 */
int chiso_fwtable_is_table(const char *path);

/*
 * Read a framework table and append every problem to `problems` (at most
 * the list's cap; the rest are counted). Returns CHISO_OK when there is
 * none; then *out holds the document. Problems are in problems->lang.
 */
chiso_status chiso_fwtable_read(chiso_fwdoc **out,
                                const char *path,
                                const chiso_fwtable_options *opts,
                                chiso_diag_list *problems);

/*
 * A framework JSON file or a table, by the path's name, as a document.
 * Same contract as chiso_fwtable_read.
 */
chiso_status chiso_fwdoc_load(chiso_fwdoc **out,
                              const char *path,
                              const chiso_fwtable_options *opts,
                              chiso_diag_list *problems);

/*
 * Load a framework from a JSON file or a table: what every command taking
 * FRAMEWORK calls. Stops at the first problem, reported in diag (in
 * diag->lang).
 */
chiso_status
chiso_fwtable_load(chiso_framework **out, const char *path, chiso_diag *diag);

/*
 * The document as chiso-framework JSON text (one line per leaf, as the
 * shipped files are written), NUL-terminated; the caller frees it. NULL
 * on allocation failure.
 */
char *chiso_fwdoc_to_json(const chiso_fwdoc *doc);

/*
 * Compare two documents field by field (everything a framework file
 * holds). Returns 1 when equal; else 0, with the first difference
 * described in `why` (English).
 */
int chiso_fwdoc_compare(const chiso_fwdoc *a,
                        const chiso_fwdoc *b,
                        char *why,
                        size_t why_cap);

/* ---- the table as a grid (export) ---------------------------------------- */

/* What a cell of the exported table is, for a writer that styles cells. */
typedef enum chiso_fwgrid_role {
    CHISO_FWGRID_EMPTY = 0,
    CHISO_FWGRID_META_KEY,   /* header block: the key ("Căn cứ") */
    CHISO_FWGRID_META_VALUE, /* header block: a value */
    CHISO_FWGRID_HEADER,     /* the table's header row */
    CHISO_FWGRID_AREA,       /* a top-level node's row */
    CHISO_FWGRID_INNER,      /* a deeper node with children */
    CHISO_FWGRID_LEAF,       /* a leaf */
    CHISO_FWGRID_TERM        /* a term of a terms rule */
} chiso_fwgrid_role;

typedef struct chiso_fwgrid_cell {
    char *text;    /* "" when empty; numbers also as text */
    int is_number; /* write as a number */
    double number;
} chiso_fwgrid_cell;

typedef struct chiso_fwgrid_row {
    chiso_fwgrid_cell *cells;
    size_t n;
    chiso_fwgrid_role role;
    int depth; /* node rows: the node's depth */
} chiso_fwgrid_row;

typedef struct chiso_fwgrid {
    chiso_fwgrid_row *rows;
    size_t n;
    size_t header_row; /* index of the header row */
    size_t n_columns;  /* of the table */
    /* classification bands, also as their own small table (for a second
     * workbook sheet): rows of {Nhãn, Từ (%), Mã, Nhãn tiếng Anh} */
    chiso_fwgrid_row *class_rows;
    size_t n_class_rows;
} chiso_fwgrid;

/*
 * Build the exported table of a document. With `classes_inline` the
 * classification bands are rows of the header block (CSV); without, they
 * are only in class_rows (a workbook's second sheet "Xếp loại").
 */
chiso_status chiso_fwdoc_to_grid(chiso_fwgrid **out,
                                 const chiso_fwdoc *doc,
                                 int classes_inline);
void chiso_fwgrid_free(chiso_fwgrid *g);

/* Write the table as CSV (',' separated, UTF-8 with BOM for Excel). */
chiso_status chiso_fwdoc_write_csv(const chiso_fwdoc *doc, FILE *out);

/* ---- rules in words ------------------------------------------------------- */

/* The officer's word for a rule type ("theo mức"), Vietnamese. */
const char *chiso_fwtable_kind_word(chiso_rule_type t);

/*
 * The rule's parameters as the table writes them (the "Mức chấm" cell):
 * "≥ 100%: 2; 80–<100%: 1; < 80%: 0", "trừ 0,5 mỗi trường hợp, tối thiểu
 * 0", "đạt tối đa khi ≥ 90%". "" when the rule has none. Caller frees.
 */
char *chiso_fwtable_rule_params(const chiso_node *leaf);

/* The parameters of a term of a terms rule ("đạt tối đa khi ≥ 80%").
 * Caller frees. */
char *chiso_fwtable_term_params(const chiso_term *t);

/*
 * The whole rule in one sentence for a form, in `lang`: "Theo mức:
 * ≥ 100%: 2; 80–<100%: 1; < 80%: 0". Caller frees.
 */
char *chiso_fwtable_rule_words(const chiso_node *leaf, chiso_lang lang);

/*
 * The text of the "Áp dụng" cell a node carries ("KAD", "Sở có TTHC"), or
 * NULL. The JSON format has no field for it: chiso keeps it as the first
 * line of the node's note, "Áp dụng: KAD". *rest (may be NULL) receives
 * the note without that line (or NULL). Both point into the note: copy
 * them (lengths via *applies_len).
 */
const char *chiso_fwtable_node_applies(const chiso_node *n,
                                       size_t *applies_len,
                                       const char **rest);
/* Does the Áp dụng text mean "not applicable" (KAD, không, N/A)? */
int chiso_fwtable_applies_is_kad(const char *s, size_t len);

/* The derived input a Vietnamese phrase or a name stands for, or NULL
 * ("tỷ lệ hồ sơ trực tuyến" -> "services.online_pct"). */
const char *chiso_fwtable_source_name(const char *s, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* CHISO_FWTABLE_H */

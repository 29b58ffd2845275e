/*
 * fwtable_int.h - internals shared by the files of indicators/table.
 * Never included by another module (tests of this module may).
 */
#ifndef CHISO_FWTABLE_INT_H
#define CHISO_FWTABLE_INT_H

#include "chiso_fwtable.h"

/* ---- the table as read ---------------------------------------------------- */

typedef struct fwt_cell {
    char *text; /* trimmed, NUL-terminated; "" when empty */
    size_t len;
    unsigned long line, col; /* CSV: line and character column;
                                workbook: row and column (1-based) */
    int has_num;             /* a workbook number cell */
    double num;
} fwt_cell;

typedef struct fwt_row {
    fwt_cell *cells;
    size_t n;
    unsigned long line; /* CSV: physical line; workbook: row (1-based) */
} fwt_row;

typedef struct fwt_sheet {
    char *name; /* workbook sheet name; NULL for CSV */
    fwt_row *rows;
    size_t n, cap;
} fwt_sheet;

typedef struct fwt_book {
    char *path;
    int workbook; /* 1: cells are named Sheet!D12 */
    fwt_sheet *sheets;
    size_t n;
} fwt_book;

/* Read a CSV file into a book of one sheet. Problems of the file itself
 * (cannot open, malformed CSV) are appended to `problems`. */
chiso_status chiso_fwtable__read_csv(fwt_book **out,
                                     const char *path,
                                     chiso_diag_list *problems);
/* Read a workbook (every sheet). */
chiso_status chiso_fwtable__read_workbook(fwt_book **out,
                                          const char *path,
                                          const chiso_fwtable_options *opts,
                                          chiso_diag_list *problems);
void chiso_fwtable__book_free(fwt_book *b);

/* "D12" for column 4, row 12. */
void chiso_fwtable__cell_name(unsigned long col,
                              unsigned long row,
                              char *out,
                              size_t cap);

/* ---- the rule grammar (words.c) ------------------------------------------- */

/* What the "Cách chấm" cell says. */
typedef enum fwt_kind {
    FWT_K_NONE = 0, /* empty */
    FWT_K_MANUAL,
    FWT_K_BINARY,
    FWT_K_PROPORTIONAL,
    FWT_K_BANDS,
    FWT_K_DEDUCTION,
    FWT_K_TERMS,
    FWT_K_TRACKED,
    FWT_K_TERM, /* a row holding one term of the terms rule above */
    FWT_K_UNKNOWN
} fwt_kind;

fwt_kind chiso_fwtable__kind_parse(const char *s, size_t len);
/* The accepted words, for messages. */
const char *chiso_fwtable__kind_words(void);

/* "%", "tỷ số", ... -> unit; -1 if unknown. */
int chiso_fwtable__unit_parse(const char *s, size_t len);
const char *chiso_fwtable__unit_word(chiso_value_unit u);
/* The default unit of a rule type (as chiso_framework's loader has it). */
chiso_value_unit chiso_fwtable__unit_default(chiso_rule_type t);

/*
 * Parse a rule's parameters into r (type, unit and node max already set;
 * r->unit may be changed when the text says "%" and unit_given is 0).
 * Fills bands/target/per/zero_den/capped/domain as the type needs.
 * Returns 0, or -1 with an English msgid-formatted reason in why (already
 * translated into lang).
 */
int chiso_fwtable__params_parse(chiso_rule *r,
                                double max,
                                int unit_given,
                                const char *s,
                                size_t len,
                                chiso_lang lang,
                                char *why,
                                size_t why_cap);

/* Parse the parameters of a term row into t (unit set). */
int chiso_fwtable__term_parse(chiso_term *t,
                              int unit_given,
                              const char *s,
                              size_t len,
                              chiso_lang lang,
                              char *why,
                              size_t why_cap);

/* A number as a Vietnamese text ("0,5"). */
void chiso_fwtable__num_vi(double x, char *out, size_t cap);

/* Parse a number cell: "1,5", "2 điểm", "2đ". 0 or -1. */
int chiso_fwtable__number(const char *s, size_t len, double *out);

/* Classification: "≥ 90", "từ 80 đến dưới 90", "< 70" -> the band's lower
 * bound and, when stated, its upper bound (HUGE_VAL when not). */
int chiso_fwtable__class_range(
    const char *s, size_t len, double *lo, double *hi, int *hi_incl);

/* Does the folded text equal one of the '|'-separated folded words? */
int chiso_fwtable__fold_is(const char *s, size_t len, const char *words);

/* ---- the JSON writer (json_out.c) ------------------------------------------ */

/*
 * Write fw (+ the document's extras, may be NULL) as chiso-framework JSON
 * into out. When node_line is not NULL it receives, per node, the line of
 * the JSON text where the node starts.
 */
chiso_status chiso_fwtable__json_write(const chiso_framework *fw,
                                       const chiso_fwdoc *extras,
                                       chiso_buf *out,
                                       unsigned long *node_line);

/* Status words: "official" <-> "chính thức". */
const char *chiso_fwtable__status_vi(const char *status);
const char *chiso_fwtable__status_parse(const char *s, size_t len);

#endif /* CHISO_FWTABLE_INT_H */

/*
 * form.c - the self-assessment workbook (phiếu tự chấm) and the council's
 * appraisal copy (phiếu thẩm định).
 *
 * Layout (0-based rows): 0 title, 1 framework, 2 unit and period, 3 how
 * to fill, 5 the header, then one row per node in tree order, the terms of
 * a terms rule on rows of their own below their criterion. Columns are
 * those of the evidence sheet, so a filled copy is read back by the
 * evidence reader (chiso score); the others (name, maximum, rule in
 * words, source, check) are ignored there.
 */
#define _POSIX_C_SOURCE 200809L
#include "form_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_ROW 5
#define FIRST_ROW  6

/* Columns. The appraisal copy adds the last three. */
enum {
    F_CODE,
    F_NAME,
    F_MAX,
    F_RULE,
    F_APPLIES,
    F_VALUE,
    F_NUM,
    F_DEN,
    F_POINTS,
    F_EVIDENCE,
    F_NOTE,
    F_SOURCE,
    F_CHECK,
    F_APPRAISED,
    F_COMMENT,
    F_DELTA,
    N_F
};

/* The headers are the evidence sheet's Vietnamese column names (input
 * vocabulary the reader matches), in every language. */
static const char *const f_header[N_F] = {
    "Mã",
    "Tên tiêu chí",
    "Điểm tối đa",
    "Cách chấm",
    "Áp dụng",
    "Giá trị",
    "Tử số",
    "Mẫu số",
    "Điểm tự chấm",
    "Tài liệu kiểm chứng",
    "Giải trình",
    "Nguồn số liệu",
    "Kiểm tra",
    "Điểm thẩm định",
    "Ý kiến thẩm định",
    "Chênh lệch",
};

static const double f_width[N_F] = {9,  48, 8,  36, 9,  10, 9,  9,
                                    10, 26, 30, 22, 18, 10, 30, 10};

typedef struct fmts {
    lxw_format *title, *sub, *sub_fit, *note, *header;
    lxw_format *code[3], *name[4], *max, *rule;
    lxw_format *in_text, *in_num, *in_whole, *der_text, *der_num, *der_whole;
    lxw_format *ro_text, *ro_num, *grey, *sum[3], *check, *delta;
} fmts;

typedef struct fw_ctx {
    const chiso_framework *fw;
    const chiso_form_options *o;
    chiso_lang lang;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    fmts f;
    int appraisal;
    int n_cols;
    uint32_t *row_of;        /* per node: its sheet row */
    double *cached;          /* per node: points shown (prefill / self) */
    chiso_score_result *pre; /* derived inputs scored, or NULL */
    long *ev_of;             /* appraisal: per node, evidence entry or -1 */
    const chiso_evidence *ev;
    uint8_t *lines; /* per sheet row from FIRST_ROW: text lines (height) */
    uint8_t *level; /* per sheet row from FIRST_ROW: outline level */
    uint32_t n_rows;
    lxw_error err;
    int oom;
} fw_ctx;

static void
chk(fw_ctx *c, lxw_error e)
{
    if (e != LXW_NO_ERROR && c->err == LXW_NO_ERROR) {
        c->err = e;
    }
}

static lxw_format *
fmt(fw_ctx *c,
    unsigned bold,
    int wrap,
    uint32_t bg,
    const char *num,
    int unlocked,
    int indent)
{
    lxw_format *f = workbook_add_format(c->wb);

    if (f == NULL) {
        c->oom = 1;
        return NULL;
    }
    format_set_font_name(f, "Times New Roman");
    format_set_font_size(f, 11);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    if (bold) {
        format_set_bold(f);
    }
    if (wrap) {
        format_set_text_wrap(f);
    }
    if (bg != 0) {
        format_set_bg_color(f, bg);
        format_set_pattern(f, LXW_PATTERN_SOLID);
    }
    if (num != NULL) {
        format_set_num_format(f, num);
    }
    if (unlocked) {
        format_set_unlocked(f);
    }
    if (indent > 0) {
        format_set_indent(f, (uint8_t)indent);
    }
    return f;
}

#define BG_INPUT   0xFFF2CC /* pale yellow: to fill */
#define BG_DERIVED 0xDDEBF7 /* pale blue: pre-filled by chiso */
#define BG_GREY    0xEDEDED /* not used for this rule */
#define BG_AREA    0xD9E1F2
#define BG_HEADER  0xD9D9D9

static void
make_formats(fw_ctx *c)
{
    fmts *f = &c->f;
    int d;

    f->title = workbook_add_format(c->wb);
    f->sub = workbook_add_format(c->wb);
    f->sub_fit = workbook_add_format(c->wb);
    f->note = workbook_add_format(c->wb);
    if (f->title == NULL || f->sub == NULL || f->sub_fit == NULL ||
        f->note == NULL) {
        c->oom = 1;
        return;
    }
    format_set_font_name(f->title, "Times New Roman");
    format_set_font_size(f->title, 14);
    format_set_bold(f->title);
    format_set_align(f->title, LXW_ALIGN_CENTER);
    format_set_font_name(f->sub, "Times New Roman");
    format_set_bold(f->sub);
    /* a label in a narrow column ("Kỳ đánh giá:" over "Điểm tối đa"),
     * shrunk to fit rather than cut */
    format_set_font_name(f->sub_fit, "Times New Roman");
    format_set_bold(f->sub_fit);
    format_set_shrink(f->sub_fit);
    format_set_font_name(f->note, "Times New Roman");
    format_set_italic(f->note);
    format_set_text_wrap(f->note);
    format_set_align(f->note, LXW_ALIGN_VERTICAL_TOP);
    f->header = fmt(c, 1, 1, BG_HEADER, NULL, 0, 0);
    if (f->header != NULL) {
        format_set_align(f->header, LXW_ALIGN_CENTER);
        format_set_align(f->header, LXW_ALIGN_VERTICAL_CENTER);
    }
    for (d = 0; d < 3; d++) {
        f->code[d] = fmt(c, d < 2, 0, d == 0 ? BG_AREA : 0, "@", 0, 0);
        f->sum[d] = fmt(c, d < 2, 0, d == 0 ? BG_AREA : 0, "0.00", 0, 0);
    }
    for (d = 0; d < 4; d++) {
        f->name[d] = fmt(c, d < 2, 1, d == 0 ? BG_AREA : 0, NULL, 0, d);
    }
    f->max = fmt(c, 0, 0, 0, "0.00", 0, 0);
    f->rule = fmt(c, 0, 1, 0, NULL, 0, 0);
    f->in_text = fmt(c, 0, 1, BG_INPUT, "@", 1, 0);
    f->in_num = fmt(c, 0, 0, BG_INPUT, "0.00", 1, 0);
    f->in_whole = fmt(c, 0, 0, BG_INPUT, "0", 1, 0);
    f->der_text = fmt(c, 0, 1, BG_DERIVED, "@", 1, 0);
    f->der_num = fmt(c, 0, 0, BG_DERIVED, "0.00", 1, 0);
    f->der_whole = fmt(c, 0, 0, BG_DERIVED, "0", 1, 0);
    f->ro_text = fmt(c, 0, 1, 0, "@", 0, 0);
    f->ro_num = fmt(c, 0, 0, 0, "0.00", 0, 0);
    f->grey = fmt(c, 0, 0, BG_GREY, NULL, 0, 0);
    f->check = fmt(c, 1, 1, 0, NULL, 0, 0);
    if (f->check != NULL) {
        format_set_font_color(f->check, 0xC00000);
    }
    f->delta = fmt(c, 0, 0, 0, "0.00;[Red]-0.00;0.00", 0, 0);
}

/* ---- cell helpers ------------------------------------------------------------ */

/* Lines `s` takes in a wrapped column of `width` characters: neither
 * Excel nor LibreOffice fits a row's height to wrapped text when it opens
 * a file, so the form sets it (a character counted per code point; a
 * little narrower than the column, so that a line is never cut). */
static unsigned
text_lines(const char *s, double width)
{
    unsigned lines = 0, cp = 0;
    unsigned per = width > 4 ? (unsigned)(width * 0.95) : 1;
    const unsigned char *p = (const unsigned char *)s;

    for (;; p++) {
        if (*p == '\0' || *p == '\n') {
            lines += cp == 0 ? 1 : (cp + per - 1) / per;
            cp = 0;
            if (*p == '\0') {
                break;
            }
        } else if ((*p & 0xC0) != 0x80) {
            cp++;
        }
    }
    return lines;
}

static void
text(fw_ctx *c, uint32_t r, int col, const char *s, lxw_format *f)
{
    if (col >= c->n_cols) {
        return;
    }
    if (s == NULL || s[0] == '\0') {
        chk(c, worksheet_write_blank(c->ws, r, (lxw_col_t)col, f));
        return;
    }
    chk(c, worksheet_write_string(c->ws, r, (lxw_col_t)col, s, f));
    if (c->lines != NULL && r >= FIRST_ROW && r - FIRST_ROW < c->n_rows &&
        (col == F_NAME || col == F_RULE || col == F_EVIDENCE || col == F_NOTE ||
         col == F_SOURCE || col == F_COMMENT)) {
        unsigned n = text_lines(s, f_width[col]);
        uint8_t *l = &c->lines[r - FIRST_ROW];
        if (n > *l) {
            *l = (uint8_t)(n < 20 ? n : 20);
        }
    }
}

/* The outline level of a sheet row (set with its height at the end). */
static void
set_level(fw_ctx *c, uint32_t r, int depth)
{
    if (c->level != NULL && r >= FIRST_ROW && r - FIRST_ROW < c->n_rows) {
        c->level[r - FIRST_ROW] = (uint8_t)(depth < 7 ? depth : 7);
    }
}

static void
number(fw_ctx *c, uint32_t r, int col, double x, lxw_format *f)
{
    if (col >= c->n_cols) {
        return;
    }
    if (!isfinite(x)) {
        chk(c, worksheet_write_blank(c->ws, r, (lxw_col_t)col, f));
        return;
    }
    chk(c, worksheet_write_number(c->ws, r, (lxw_col_t)col, x, f));
}

static void
blank(fw_ctx *c, uint32_t r, int col, lxw_format *f)
{
    if (col < c->n_cols) {
        chk(c, worksheet_write_blank(c->ws, r, (lxw_col_t)col, f));
    }
}

/* Excel's name of a 0-based cell: (8, 5) -> "I6". */
static void
cell_name(int col, uint32_t row, char *out, size_t cap)
{
    char letters[8];
    size_t n = 0, i;
    unsigned c1 = (unsigned)col + 1;

    while (c1 > 0 && n < sizeof(letters)) {
        letters[n++] = (char)('A' + (c1 - 1) % 26);
        c1 = (c1 - 1) / 26;
    }
    for (i = 0; i < n && i + 1 < cap; i++) {
        out[i] = letters[n - 1 - i];
    }
    snprintf(out + i, cap > i ? cap - i : 0, "%lu", (unsigned long)row + 1);
}

/* Validation on one cell. */
static void
v_decimal(fw_ctx *c, uint32_t r, int col, double lo, double hi, const char *msg)
{
    lxw_data_validation v;

    memset(&v, 0, sizeof(v));
    v.validate = LXW_VALIDATION_TYPE_DECIMAL;
    v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    v.minimum_number = lo;
    v.maximum_number = hi;
    v.error_title = (char *)(uintptr_t)chiso_msg(c->lang, "Invalid value");
    v.error_message = (char *)(uintptr_t)msg;
    chk(c, worksheet_data_validation_cell(c->ws, r, (lxw_col_t)col, &v));
}

static void
v_whole(fw_ctx *c, uint32_t r, int col, const char *msg)
{
    lxw_data_validation v;

    memset(&v, 0, sizeof(v));
    v.validate = LXW_VALIDATION_TYPE_INTEGER;
    v.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
    v.value_number = 0;
    v.error_title = (char *)(uintptr_t)chiso_msg(c->lang, "Invalid value");
    v.error_message = (char *)(uintptr_t)msg;
    chk(c, worksheet_data_validation_cell(c->ws, r, (lxw_col_t)col, &v));
}

static void
v_list(fw_ctx *c, uint32_t r, int col, const char **items, const char *msg)
{
    lxw_data_validation v;

    memset(&v, 0, sizeof(v));
    v.validate = LXW_VALIDATION_TYPE_LIST;
    v.value_list = (char **)(uintptr_t)items;
    v.error_title = (char *)(uintptr_t)chiso_msg(c->lang, "Invalid value");
    v.error_message = (char *)(uintptr_t)msg;
    chk(c, worksheet_data_validation_cell(c->ws, r, (lxw_col_t)col, &v));
}

/* ---- what a leaf takes --------------------------------------------------- */

static int
takes_value(const chiso_rule *r)
{
    return r->type != CHISO_RULE_MANUAL && r->type != CHISO_RULE_TERMS &&
           r->type != CHISO_RULE_NONE;
}

static int
takes_counts(chiso_rule_type t, chiso_value_unit u)
{
    return (t == CHISO_RULE_PROPORTIONAL || t == CHISO_RULE_BANDS ||
            t == CHISO_RULE_TRACKED || t == CHISO_RULE_TERMS) &&
           (u == CHISO_UNIT_PERCENT || u == CHISO_UNIT_RATIO);
}

/* The value cell's validation for a unit. */
static void
value_validation(fw_ctx *c, uint32_t r, chiso_rule_type t, chiso_value_unit u)
{
    static const char *yes_no[] = {"có", "không", NULL};

    if (t == CHISO_RULE_BINARY) {
        v_list(c, r, F_VALUE, yes_no,
               chiso_msg(c->lang, "Choose 'có' (yes) or 'không' (no)."));
    } else if (u == CHISO_UNIT_PERCENT) {
        v_decimal(c, r, F_VALUE, 0, 100,
                  chiso_msg(c->lang, "A rate in percent, from 0 to 100."));
    } else if (u == CHISO_UNIT_RATIO) {
        v_decimal(c, r, F_VALUE, 0, 1,
                  chiso_msg(c->lang, "A ratio from 0 to 1."));
    } else if (u == CHISO_UNIT_COUNT) {
        v_whole(c, r, F_VALUE,
                chiso_msg(c->lang, "A count: a whole number from 0 up."));
    } else {
        v_decimal(c, r, F_VALUE, 0, 1e15,
                  chiso_msg(c->lang, "A number from 0 up."));
    }
}

/* The self sheet's entry for a node id (appraisal copy). */
static long
find_entry(const chiso_evidence *ev, const char *id, const char *unit)
{
    size_t i;

    for (i = 0; ev != NULL && i < ev->n; i++) {
        if (strcmp(ev->entries[i].id, id) == 0 &&
            (unit == NULL || ev->entries[i].unit[0] == '\0' ||
             strcmp(ev->entries[i].unit, unit) == 0)) {
            return (long)i;
        }
    }
    return -1;
}

static void
num_text(double x, char *out, size_t cap)
{
    chiso_format_double(chiso_round_sig(x, 10), out, cap);
}

/* The check formula of a leaf row (text result). AND() evaluates every
 * argument in Excel and LibreOffice, so the division is guarded itself: an
 * empty denominator must not show #DIV/0! on a blank form. */
static void
check_cell(fw_ctx *c, uint32_t r, int counts, int unit_ratio, const char *now)
{
    char f[600], I[16], J[16], K[16], V[16], G[16], H[16];

    cell_name(F_POINTS, r, I, sizeof(I));
    cell_name(F_EVIDENCE, r, J, sizeof(J));
    cell_name(F_NOTE, r, K, sizeof(K));
    cell_name(F_VALUE, r, V, sizeof(V));
    cell_name(F_NUM, r, G, sizeof(G));
    cell_name(F_DEN, r, H, sizeof(H));
    if (counts) {
        snprintf(f, sizeof(f),
                 "=IF(AND(ISNUMBER(%s),N(%s)>0,ISNUMBER(%s),"
                 "ABS(%s-%s/IF(N(%s)>0,%s,1)*%s)>0.005),\"%s\","
                 "IF(AND(N(%s)>0,%s=\"\",%s=\"\"),\"%s\",\"\"))",
                 V, H, G, V, G, H, H, unit_ratio ? "1" : "100",
                 chiso_msg(c->lang, "Value differs from numerator/denominator"),
                 I, J, K, chiso_msg(c->lang, "Explanation missing"));
    } else {
        snprintf(f, sizeof(f), "=IF(AND(N(%s)>0,%s=\"\",%s=\"\"),\"%s\",\"\")",
                 I, J, K, chiso_msg(c->lang, "Explanation missing"));
    }
    chk(c, worksheet_write_formula_str(c->ws, r, F_CHECK, f, c->f.check,
                                       now ? now : ""));
}

/* ---- rows -------------------------------------------------------------------- */

static void write_node(fw_ctx *c, size_t i, uint32_t *row);

static void
write_inner(fw_ctx *c, size_t i, uint32_t r)
{
    const chiso_node *n = &c->fw->nodes[i];
    int d = n->depth < 2 ? n->depth : 2;
    chiso_buf f = CHISO_BUF_INIT;
    size_t k;
    double sum = 0;
    int col;

    for (col = F_APPLIES; col < c->n_cols; col++) {
        if (col != F_POINTS && col != F_APPRAISED && col != F_DELTA) {
            blank(c, r, col, d == 0 ? c->f.code[0] : c->f.grey);
        }
    }
    chiso_buf_puts(&f, "=SUM(");
    for (k = 0; k < n->n_children; k++) {
        char ref[16];
        cell_name(F_POINTS, c->row_of[n->children[k]], ref, sizeof(ref));
        chiso_buf_printf(&f, "%s%s", k ? "," : "", ref);
        sum += c->cached[n->children[k]];
    }
    chiso_buf_puts(&f, ")");
    if (f.data == NULL) {
        c->oom = 1;
        return;
    }
    c->cached[i] = sum;
    chk(c, worksheet_write_formula_num(c->ws, r, F_POINTS, f.data, c->f.sum[d],
                                       sum));
    if (c->appraisal) {
        /* the same sum over the appraised column; the difference only once
         * something was appraised */
        chiso_buf g = CHISO_BUF_INIT, cnt = CHISO_BUF_INIT;
        char I[16], A[16];
        chiso_buf_puts(&g, "=SUM(");
        chiso_buf_puts(&cnt, "");
        for (k = 0; k < n->n_children; k++) {
            char ref[16];
            cell_name(F_APPRAISED, c->row_of[n->children[k]], ref, sizeof(ref));
            chiso_buf_printf(&g, "%s%s", k ? "," : "", ref);
            chiso_buf_printf(&cnt, "%s%s", k ? "," : "", ref);
        }
        chiso_buf_puts(&g, ")");
        if (g.data == NULL || cnt.data == NULL) {
            c->oom = 1;
        } else {
            char *fd;
            size_t len = strlen(cnt.data) + 64;
            chk(c, worksheet_write_formula_num(c->ws, r, F_APPRAISED, g.data,
                                               c->f.sum[d], 0));
            cell_name(F_POINTS, r, I, sizeof(I));
            cell_name(F_APPRAISED, r, A, sizeof(A));
            fd = malloc(len);
            if (fd == NULL) {
                c->oom = 1;
            } else {
                snprintf(fd, len, "=IF(COUNT(%s)=0,\"\",%s-%s)", cnt.data, A,
                         I);
                chk(c, worksheet_write_formula_str(c->ws, r, F_DELTA, fd,
                                                   c->f.delta, ""));
                free(fd);
            }
        }
        chiso_buf_free(&g);
        chiso_buf_free(&cnt);
    }
    chiso_buf_free(&f);
}

static void
write_leaf(fw_ctx *c, size_t i, uint32_t r)
{
    const chiso_node *n = &c->fw->nodes[i];
    const chiso_rule *ru = &n->rule;
    const chiso_node_score *ps = c->pre ? &c->pre->nodes[i] : NULL;
    int derived = ps != NULL && ps->origin == CHISO_ORIGIN_DERIVED;
    int counts = takes_counts(ru->type, ru->unit);
    size_t al;
    const char *ap = chiso_fwtable_node_applies(n, &al, NULL);
    int kad = ap != NULL && chiso_fwtable_applies_is_kad(ap, al);
    long e = c->ev_of ? c->ev_of[i] : -1;
    const chiso_evidence_entry *en = e >= 0 ? &c->ev->entries[e] : NULL;
    char now[64] = "";
    static const char *applies[] = {"Có", "KAD", NULL};

    c->cached[i] = 0;
    if (c->appraisal) {
        /* the unit's values, read-only */
        text(c, r, F_APPLIES, en && en->not_applicable ? "KAD" : "",
             c->f.ro_text);
        if (en && en->value_text[0] != '\0' && !en->not_applicable) {
            if (en->has_value) {
                number(c, r, F_VALUE, en->value, c->f.ro_num);
            } else {
                text(c, r, F_VALUE, en->value_text, c->f.ro_text);
            }
        } else {
            blank(c, r, F_VALUE, takes_value(ru) ? c->f.ro_text : c->f.grey);
        }
        number(c, r, F_NUM,
               en && en->has_numerator ? en->numerator : (double)NAN,
               counts ? c->f.ro_num : c->f.grey);
        number(c, r, F_DEN,
               en && en->has_denominator ? en->denominator : (double)NAN,
               counts ? c->f.ro_num : c->f.grey);
        number(c, r, F_POINTS, en && en->has_points ? en->points : (double)NAN,
               c->f.ro_num);
        c->cached[i] = en && en->has_points ? en->points : 0;
        text(c, r, F_EVIDENCE, en ? en->evidence : "", c->f.ro_text);
        text(c, r, F_NOTE, en ? en->note : "", c->f.ro_text);
        if (ru->type == CHISO_RULE_TRACKED) {
            blank(c, r, F_APPRAISED, c->f.grey);
        } else {
            blank(c, r, F_APPRAISED, c->f.in_num);
            v_decimal(c, r, F_APPRAISED, 0, n->max,
                      chiso_msg(c->lang,
                                "Appraised points from 0 to the criterion's "
                                "maximum."));
        }
        blank(c, r, F_COMMENT, c->f.in_text);
        {
            char fd[128], I[16], A[16];
            cell_name(F_POINTS, r, I, sizeof(I));
            cell_name(F_APPRAISED, r, A, sizeof(A));
            snprintf(fd, sizeof(fd), "=IF(ISNUMBER(%s),%s-N(%s),\"\")", A, A,
                     I);
            chk(c, worksheet_write_formula_str(c->ws, r, F_DELTA, fd,
                                               c->f.delta, ""));
        }
        if (en && en->has_points && en->points > 0 && en->evidence[0] == '\0' &&
            en->note[0] == '\0') {
            snprintf(now, sizeof(now), "%s",
                     chiso_msg(c->lang, "Explanation missing"));
        }
        check_cell(c, r, 0, 0, now);
        text(c, r, F_SOURCE, ru->source, c->f.ro_text);
        return;
    }
    /* Áp dụng */
    if (kad) {
        text(c, r, F_APPLIES, "KAD", c->f.der_text);
    } else {
        blank(c, r, F_APPLIES, c->f.in_text);
    }
    v_list(c, r, F_APPLIES, applies,
           chiso_msg(c->lang,
                     "Empty or 'Có' when the criterion applies; 'KAD' when "
                     "it does not."));
    if (ap != NULL && !kad) {
        char note[300];
        snprintf(note, sizeof(note), "%s: %.*s", "Áp dụng", (int)al, ap);
        chk(c, worksheet_write_comment(c->ws, r, F_APPLIES, note));
    }
    /* value and counts */
    if (takes_value(ru)) {
        if (derived && ps->has_value) {
            number(c, r, F_VALUE, ps->value, c->f.der_num);
        } else {
            blank(c, r, F_VALUE,
                  ru->type == CHISO_RULE_BINARY ? c->f.in_text : c->f.in_num);
        }
        value_validation(c, r, ru->type, ru->unit);
    } else {
        blank(c, r, F_VALUE, c->f.grey);
    }
    if (counts && ru->type != CHISO_RULE_TERMS) {
        if (derived && ps->has_counts) {
            number(c, r, F_NUM, ps->numerator, c->f.der_whole);
            number(c, r, F_DEN, ps->denominator, c->f.der_whole);
        } else {
            blank(c, r, F_NUM, c->f.in_whole);
            blank(c, r, F_DEN, c->f.in_whole);
        }
        v_whole(c, r, F_NUM,
                chiso_msg(c->lang, "A count: a whole number from 0 up."));
        v_whole(c, r, F_DEN,
                chiso_msg(c->lang, "A count: a whole number from 0 up."));
    } else {
        blank(c, r, F_NUM, c->f.grey);
        blank(c, r, F_DEN, c->f.grey);
    }
    /* points */
    if (ru->type == CHISO_RULE_TRACKED) {
        blank(c, r, F_POINTS, c->f.grey);
    } else {
        if (derived && isfinite(ps->points) && ps->reported) {
            number(c, r, F_POINTS, ps->points, c->f.der_num);
            c->cached[i] = ps->points;
        } else {
            blank(c, r, F_POINTS, c->f.in_num);
        }
        {
            char msg[200], mx[32];
            num_text(n->max, mx, sizeof(mx));
            snprintf(msg, sizeof(msg),
                     chiso_msg(c->lang, "Points from 0 to %s."), mx);
            v_decimal(c, r, F_POINTS, 0, n->max, msg);
        }
    }
    /* evidence and explanation */
    if (derived && ps->source_detail != NULL) {
        text(c, r, F_EVIDENCE, ps->source_detail, c->f.der_text);
    } else {
        blank(c, r, F_EVIDENCE, c->f.in_text);
    }
    blank(c, r, F_NOTE, c->f.in_text);
    text(c, r, F_SOURCE, ru->source, derived ? c->f.der_text : c->f.ro_text);
    if (ru->type != CHISO_RULE_TRACKED) {
        if (c->cached[i] > 0 && !(derived && ps->source_detail != NULL)) {
            snprintf(now, sizeof(now), "%s",
                     chiso_msg(c->lang, "Explanation missing"));
        }
        check_cell(c, r, counts && ru->type != CHISO_RULE_TERMS,
                   ru->unit == CHISO_UNIT_RATIO, now);
    } else {
        blank(c, r, F_CHECK, c->f.check);
    }
}

static void
write_term(fw_ctx *c, size_t i, size_t t, uint32_t r)
{
    const chiso_node *n = &c->fw->nodes[i];
    const chiso_term *tm = &n->rule.terms[t];
    const chiso_term_score *ts =
        c->pre && c->pre->nodes[i].terms ? &c->pre->nodes[i].terms[t] : NULL;
    int derived = ts != NULL && ts->origin == CHISO_ORIGIN_DERIVED;
    int counts = tm->unit == CHISO_UNIT_PERCENT || tm->unit == CHISO_UNIT_RATIO;
    char *w = chiso_fwtable_term_params(tm);
    char pts[32], line[400];
    long e = c->ev ? find_entry(c->ev, tm->input, c->o->unit) : -1;
    const chiso_evidence_entry *en = e >= 0 ? &c->ev->entries[e] : NULL;
    int col;

    text(c, r, F_CODE, tm->input, c->f.code[2]);
    text(c, r, F_NAME, tm->name ? tm->name : tm->input, c->f.name[3]);
    number(c, r, F_MAX, tm->points, c->f.max);
    num_text(tm->points, pts, sizeof(pts));
    snprintf(line, sizeof(line), "%s (%s): %s", chiso_msg(c->lang, "Component"),
             pts, w ? w : "");
    free(w);
    text(c, r, F_RULE, line, c->f.rule);
    for (col = F_APPLIES; col < c->n_cols; col++) {
        if (col != F_VALUE && col != F_NUM && col != F_DEN) {
            blank(c, r, col, c->f.grey);
        }
    }
    if (c->appraisal) {
        number(c, r, F_VALUE, en && en->has_value ? en->value : (double)NAN,
               c->f.ro_num);
        number(c, r, F_NUM,
               en && en->has_numerator ? en->numerator : (double)NAN,
               c->f.ro_num);
        number(c, r, F_DEN,
               en && en->has_denominator ? en->denominator : (double)NAN,
               c->f.ro_num);
        return;
    }
    if (derived && ts->has_value) {
        number(c, r, F_VALUE, ts->value, c->f.der_num);
    } else {
        blank(c, r, F_VALUE, c->f.in_num);
    }
    value_validation(c, r, CHISO_RULE_PROPORTIONAL, tm->unit);
    if (counts) {
        blank(c, r, F_NUM, c->f.in_whole);
        blank(c, r, F_DEN, c->f.in_whole);
        v_whole(c, r, F_NUM,
                chiso_msg(c->lang, "A count: a whole number from 0 up."));
        v_whole(c, r, F_DEN,
                chiso_msg(c->lang, "A count: a whole number from 0 up."));
    } else {
        blank(c, r, F_NUM, c->f.grey);
        blank(c, r, F_DEN, c->f.grey);
    }
    if (tm->source != NULL) {
        text(c, r, F_SOURCE, tm->source,
             derived ? c->f.der_text : c->f.ro_text);
    }
}

static void
write_node(fw_ctx *c, size_t i, uint32_t *row)
{
    const chiso_node *n = &c->fw->nodes[i];
    uint32_t r = (*row)++;
    int d = n->depth < 2 ? n->depth : 2;
    size_t k;

    c->row_of[i] = r;
    text(c, r, F_CODE, n->id, c->f.code[d]);
    text(c, r, F_NAME, n->name, c->f.name[n->depth < 3 ? n->depth : 3]);
    number(c, r, F_MAX, n->max, n->n_children ? c->f.sum[d] : c->f.max);
    set_level(c, r, (int)n->depth);
    if (n->n_children > 0) {
        blank(c, r, F_RULE, d == 0 ? c->f.code[0] : c->f.rule);
        /* children first: the sum refers to their rows */
        for (k = 0; k < n->n_children; k++) {
            write_node(c, n->children[k], row);
        }
        write_inner(c, i, r);
        return;
    }
    {
        /* the rule in words; for the rules whose words say only "0..max"
         * or "yes/no", also the decision's own wording (Diễn giải): what
         * earns the points */
        char *w = chiso_fwtable_rule_words(n, c->lang);
        const char *t = n->rule.text;
        if (w != NULL && t != NULL && t[0] != '\0' &&
            (n->rule.type == CHISO_RULE_MANUAL ||
             n->rule.type == CHISO_RULE_BINARY)) {
            size_t lw = strlen(w), lt = strlen(t);
            char *both = malloc(lw + lt + 2);
            if (both == NULL) {
                c->oom = 1;
            } else {
                memcpy(both, w, lw);
                both[lw] = '\n';
                memcpy(both + lw + 1, t, lt + 1);
                free(w);
                w = both;
            }
        }
        text(c, r, F_RULE, w, c->f.rule);
        free(w);
    }
    write_leaf(c, i, r);
    for (k = 0; k < n->rule.n_terms; k++) {
        uint32_t tr = (*row)++;
        set_level(c, tr, (int)n->depth + 1);
        write_term(c, i, k, tr);
    }
}

chiso_status
chiso_form_write(const chiso_framework *fw,
                 const char *path,
                 const chiso_form_options *opts,
                 chiso_diag *diag)
{
    chiso_form_options dflt = CHISO_FORM_OPTIONS_INIT;
    form_book b;
    fw_ctx c;
    chiso_status st;
    uint32_t row = FIRST_ROW;
    size_t i;
    int col;
    lxw_protection prot;
    char line[700];

    if (opts == NULL) {
        opts = &dflt;
    }
    memset(&c, 0, sizeof(c));
    c.fw = fw;
    c.o = opts;
    c.lang = opts->lang;
    c.appraisal = opts->self != NULL;
    c.ev = opts->self;
    c.n_cols = c.appraisal ? N_F : F_CHECK + 1;
    c.row_of = calloc(fw->n_nodes ? fw->n_nodes : 1, sizeof(*c.row_of));
    c.cached = calloc(fw->n_nodes ? fw->n_nodes : 1, sizeof(*c.cached));
    /* one row per node and per component of a terms rule, and the total */
    c.n_rows = (uint32_t)fw->n_nodes + 1;
    for (i = 0; i < fw->n_nodes; i++) {
        c.n_rows += (uint32_t)fw->nodes[i].rule.n_terms;
    }
    c.lines = calloc(c.n_rows, 1);
    c.level = calloc(c.n_rows, 1);
    if (c.row_of == NULL || c.cached == NULL || c.lines == NULL ||
        c.level == NULL) {
        free(c.row_of);
        free(c.cached);
        free(c.lines);
        free(c.level);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    /* what the logs give: score them alone */
    if (opts->n_inputs > 0 && !c.appraisal) {
        chiso_score_options so = CHISO_SCORE_OPTIONS_INIT;
        chiso_diag d2;
        chiso_diag_clear(&d2);
        d2.lang = c.lang;
        so.inputs = opts->inputs;
        so.n_inputs = opts->n_inputs;
        so.unit = opts->unit;
        so.partial = 1; /* logs that fill no criterion pre-fill nothing */
        so.no_targets = 1;
        if (chiso_score_compute(&c.pre, fw, NULL, &so, &d2) != CHISO_OK) {
            free(c.row_of);
            free(c.cached);
            free(c.lines);
            free(c.level);
            if (diag != NULL && diag->code == CHISO_OK) {
                *diag = d2;
            }
            return d2.code;
        }
    }
    if (c.appraisal && opts->unit == NULL) {
        /* a sheet of several units needs --unit */
        for (i = 1; i < c.ev->n; i++) {
            if (strcmp(c.ev->entries[i].unit, c.ev->entries[0].unit) != 0) {
                st = chiso_diag_set(diag, CHISO_EUSAGE, c.ev->path, 0, 0,
                                    "the sheet holds several units ('%s', "
                                    "'%s', ...): say which with --unit",
                                    c.ev->entries[0].unit,
                                    c.ev->entries[i].unit);
                goto out;
            }
        }
    }
    if (c.appraisal) {
        c.ev_of = calloc(fw->n_nodes ? fw->n_nodes : 1, sizeof(*c.ev_of));
        if (c.ev_of == NULL) {
            st =
                chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
            goto out;
        }
        for (i = 0; i < fw->n_nodes; i++) {
            c.ev_of[i] = find_entry(c.ev, fw->nodes[i].id, opts->unit);
        }
        for (i = 0; i < c.ev->n; i++) {
            const chiso_evidence_entry *e = &c.ev->entries[i];
            size_t t;
            if ((opts->unit != NULL && e->unit[0] != '\0' &&
                 strcmp(e->unit, opts->unit) != 0) ||
                chiso_framework_find(fw, e->id) >= 0 ||
                chiso_framework_find_input(fw, e->id, &t) >= 0) {
                continue;
            }
            st = chiso_diag_set(diag, CHISO_EDATA, c.ev->path, e->line,
                                e->col_id,
                                "criterion '%s' of the self-assessment is not "
                                "in framework '%s'",
                                e->id, fw->id);
            goto out;
        }
    }
    st = chiso_form__book_open(
        &b, path,
        chiso_msg(c.lang, c.appraisal ? N_("Appraisal sheet")
                                      : N_("Self-assessment sheet")),
        diag);
    if (st != CHISO_OK) {
        goto out;
    }
    c.wb = b.wb;
    c.ws = workbook_add_worksheet(
        b.wb, chiso_msg(c.lang,
                        c.appraisal ? N_("Appraisal") : N_("Self-assessment")));
    if (c.ws == NULL) {
        chiso_form__book_abort(&b);
        st = chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
        goto out;
    }
    make_formats(&c);
    /* title rows */
    chk(&c, worksheet_merge_range(
                c.ws, 0, 0, 0, (lxw_col_t)(c.n_cols - 1),
                chiso_msg(c.lang,
                          c.appraisal
                              ? N_("APPRAISAL OF THE SELF-ASSESSMENT OF THE "
                                   "PUBLIC ADMINISTRATION REFORM INDEX")
                              : N_("SELF-ASSESSMENT OF THE PUBLIC "
                                   "ADMINISTRATION REFORM INDEX")),
                c.f.title));
    snprintf(line, sizeof(line), "%s: %s [%s]", chiso_msg(c.lang, "Framework"),
             fw->name, fw->id);
    chk(&c, worksheet_write_string(c.ws, 1, 0, line, c.f.sub));
    chk(&c, worksheet_write_string(c.ws, 2, 0, chiso_msg(c.lang, "Unit:"),
                                   c.f.sub));
    text(&c, 2, 1, opts->unit, opts->unit ? c.f.ro_text : c.f.in_text);
    chk(&c, worksheet_write_string(c.ws, 2, 2, chiso_msg(c.lang, "Period:"),
                                   c.f.sub_fit));
    text(&c, 2, 3, opts->period, opts->period ? c.f.ro_text : c.f.in_text);
    chk(&c,
        worksheet_merge_range(
            c.ws, 3, 0, 3, (lxw_col_t)(c.n_cols - 1),
            chiso_msg(c.lang,
                      c.appraisal
                          ? N_("The council fills the yellow cells: the "
                               "appraised points and a comment for each "
                               "criterion. The unit's values, points, evidence "
                               "and explanations are kept as they were and "
                               "cannot be changed.")
                          : N_("Fill the yellow cells. Blue cells are values "
                               "chiso computed from the task register or the "
                               "dossier log (change them only with a reason). "
                               "A criterion given points without an evidence "
                               "reference needs an explanation (Giải trình). "
                               "Write KAD in the Áp dụng column when a "
                               "criterion does not apply to the unit.")),
            c.f.note));
    chk(&c, worksheet_set_row(c.ws, 3, 45, NULL));
    chk(&c, worksheet_set_row(c.ws, HEADER_ROW, 30, NULL));
    for (col = 0; col < c.n_cols; col++) {
        chk(&c, worksheet_write_string(c.ws, HEADER_ROW, (lxw_col_t)col,
                                       chiso_msg(c.lang, f_header[col]),
                                       c.f.header));
        chk(&c, worksheet_set_column(c.ws, (lxw_col_t)col, (lxw_col_t)col,
                                     f_width[col], NULL));
    }
    /* the tree */
    for (i = 0; i < fw->n_nodes; i++) {
        if (fw->nodes[i].parent == CHISO_NO_PARENT) {
            write_node(&c, i, &row);
        }
    }
    /* the total */
    {
        chiso_buf f = CHISO_BUF_INIT;
        double sum = 0;
        size_t k = 0;
        chiso_buf_puts(&f, "=SUM(");
        for (i = 0; i < fw->n_nodes; i++) {
            if (fw->nodes[i].parent == CHISO_NO_PARENT) {
                char ref[16];
                cell_name(F_POINTS, c.row_of[i], ref, sizeof(ref));
                chiso_buf_printf(&f, "%s%s", k++ ? "," : "", ref);
                sum += c.cached[i];
            }
        }
        chiso_buf_puts(&f, ")");
        chk(&c, worksheet_write_string(c.ws, row, F_CODE, "Tổng cộng",
                                       c.f.code[0]));
        blank(&c, row, F_NAME, c.f.name[0]);
        number(&c, row, F_MAX, fw->max, c.f.sum[0]);
        if (f.data != NULL) {
            chk(&c, worksheet_write_formula_num(c.ws, row, F_POINTS, f.data,
                                                c.f.sum[0], sum));
        }
        chiso_buf_free(&f);
    }
    /* row heights for wrapped text, with the outline levels */
    for (i = 0; i < c.n_rows && FIRST_ROW + i < row; i++) {
        lxw_row_col_options ro;
        double h = LXW_DEF_ROW_HEIGHT;
        if (c.lines[i] > 1) {
            h = 15.0 * c.lines[i];
        }
        if (c.level[i] == 0 && c.lines[i] <= 1) {
            continue;
        }
        memset(&ro, 0, sizeof(ro));
        ro.level = c.level[i];
        chk(&c, worksheet_set_row_opt(c.ws, (lxw_row_t)(FIRST_ROW + i), h, NULL,
                                      &ro));
    }
    worksheet_freeze_panes(c.ws, FIRST_ROW, 2);
    /* printed as an office prints a form to sign: A4 landscape, one page
     * wide, the header row on every page */
    worksheet_set_landscape(c.ws);
    worksheet_set_paper(c.ws, 9);
    worksheet_fit_to_pages(c.ws, 1, 0);
    chk(&c, worksheet_repeat_rows(c.ws, HEADER_ROW, HEADER_ROW));
    worksheet_set_margins(c.ws, 0.4, 0.4, 0.5, 0.5);
    memset(&prot, 0, sizeof(prot));
    prot.format_columns = 1;
    prot.format_rows = 1;
    prot.sort = 1;
    prot.autofilter = 1;
    worksheet_protect(c.ws, NULL, &prot);
    if (c.oom) {
        chiso_form__book_abort(&b);
        st = chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
        goto out;
    }
    if (c.err != LXW_NO_ERROR) {
        chiso_form__book_abort(&b);
        st = chiso_form__lxw_error(c.err, path, diag);
        goto out;
    }
    st = chiso_form__book_commit(&b, diag);
out:
    chiso_score_free(c.pre);
    free(c.row_of);
    free(c.cached);
    free(c.ev_of);
    free(c.lines);
    free(c.level);
    return st;
}

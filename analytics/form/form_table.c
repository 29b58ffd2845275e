/*
 * form_table.c - a framework table as a workbook: sheet "Tiêu chí" holds
 * the block of "key | value" rows and the criteria table (the layout the
 * table reader takes back), sheet "Xếp loại" the classification bands.
 * Numbers are numbers; long texts wrap; the header row is frozen.
 */
#define _POSIX_C_SOURCE 200809L
#include "form_int.h"

#include <string.h>

static double
col_width(const chiso_fwgrid *g, size_t col)
{
    size_t i;
    double w = 6;

    for (i = g->header_row; i < g->n; i++) {
        const chiso_fwgrid_row *r = &g->rows[i];
        if (col < r->n && r->cells[col].text != NULL) {
            double k = (double)chiso_utf8_width(r->cells[col].text,
                                                strlen(r->cells[col].text));
            if (k > w) {
                w = k;
            }
        }
    }
    return w > 50 ? 50 : w + 1;
}

static lxw_error
write_rows(lxw_worksheet *ws,
           const chiso_fwgrid_row *rows,
           size_t n,
           size_t first,
           lxw_format *key,
           lxw_format *head,
           lxw_format *area,
           lxw_format *textf,
           lxw_format *num)
{
    size_t i, k;
    lxw_error e = LXW_NO_ERROR;

    for (i = 0; i < n && e == LXW_NO_ERROR; i++) {
        const chiso_fwgrid_row *r = &rows[i];
        for (k = 0; k < r->n && e == LXW_NO_ERROR; k++) {
            const chiso_fwgrid_cell *c = &r->cells[k];
            lxw_format *f = r->role == CHISO_FWGRID_HEADER ? head
                            : r->role == CHISO_FWGRID_AREA ? area
                            : r->role == CHISO_FWGRID_META_KEY && k == 0
                                ? key
                                : textf;
            if (c->is_number) {
                e = worksheet_write_number(
                    ws, (lxw_row_t)(first + i), (lxw_col_t)k, c->number,
                    r->role == CHISO_FWGRID_AREA ? area : num);
            } else if (c->text != NULL && c->text[0] != '\0') {
                e = worksheet_write_string(ws, (lxw_row_t)(first + i),
                                           (lxw_col_t)k, c->text, f);
            }
        }
    }
    return e;
}

chiso_status
chiso_form_write_table_xlsx(const chiso_fwdoc *doc,
                            const char *path,
                            chiso_lang lang,
                            chiso_diag *diag)
{
    chiso_fwgrid *g = NULL;
    form_book b;
    lxw_worksheet *ws, *cs;
    lxw_format *key, *head, *area, *textf, *num;
    chiso_status st;
    lxw_error e;
    size_t k;

    (void)lang;
    st = chiso_fwdoc_to_grid(&g, doc, 0);
    if (st != CHISO_OK) {
        return chiso_diag_set(diag, st, path, 0, 0, "out of memory");
    }
    st = chiso_form__book_open(&b, path, doc->fw->name, diag);
    if (st != CHISO_OK) {
        chiso_fwgrid_free(g);
        return st;
    }
    /* the sheet names are the table format's vocabulary */
    ws = workbook_add_worksheet(b.wb, "Tiêu chí");
    cs = g->n_class_rows > 0 ? workbook_add_worksheet(b.wb, "Xếp loại") : NULL;
    key = workbook_add_format(b.wb);
    head = workbook_add_format(b.wb);
    area = workbook_add_format(b.wb);
    textf = workbook_add_format(b.wb);
    num = workbook_add_format(b.wb);
    if (ws == NULL || key == NULL || head == NULL || area == NULL ||
        textf == NULL || num == NULL || (g->n_class_rows > 0 && cs == NULL)) {
        chiso_form__book_abort(&b);
        chiso_fwgrid_free(g);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    format_set_bold(key);
    format_set_bold(head);
    format_set_text_wrap(head);
    format_set_bg_color(head, 0xD9D9D9);
    format_set_pattern(head, LXW_PATTERN_SOLID);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_bold(area);
    format_set_bg_color(area, 0xD9E1F2);
    format_set_pattern(area, LXW_PATTERN_SOLID);
    format_set_text_wrap(area);
    format_set_align(area, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(textf);
    format_set_align(textf, LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(textf, "@");
    format_set_align(num, LXW_ALIGN_VERTICAL_TOP);
    e = write_rows(ws, g->rows, g->n, 0, key, head, area, textf, num);
    for (k = 0; e == LXW_NO_ERROR && k < g->n_columns; k++) {
        e = worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k,
                                 col_width(g, k), NULL);
    }
    worksheet_freeze_panes(ws, (lxw_row_t)(g->header_row + 1), 0);
    if (e == LXW_NO_ERROR && cs != NULL) {
        e = write_rows(cs, g->class_rows, g->n_class_rows, 0, key, head, area,
                       textf, num);
        for (k = 0; e == LXW_NO_ERROR && k < 4; k++) {
            e = worksheet_set_column(cs, (lxw_col_t)k, (lxw_col_t)k, 18, NULL);
        }
    }
    chiso_fwgrid_free(g);
    if (e != LXW_NO_ERROR) {
        chiso_form__book_abort(&b);
        return chiso_form__lxw_error(e, path, diag);
    }
    return chiso_form__book_commit(&b, diag);
}

/*
 * sheet_table.c - typed tables filled row by row, and the summary sheet.
 *
 * A table sheet is an ordinary sheet that remembers its columns and a
 * cursor (row, next column). Values are written as they come; what depends
 * on the whole table (the autofilter's last row) is set when the workbook
 * is written (chiso_sheet__table_finish). Header text counts at most
 * SHEET_HEADER_WIDTH_MAX columns wide when fitting, so a long header wraps
 * instead of widening a column of short numbers.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_sheet.h"
#include "sheet_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

chiso_status
chiso_sheet_add_table(chiso_sheet_book *book,
                      const char *name,
                      const char *title,
                      const chiso_sheet_column *cols,
                      size_t n_cols,
                      chiso_sheet **out)
{
    chiso_sheet *s;
    chiso_status st;
    size_t i;
    uint32_t row = 0;

    if (out != NULL) {
        *out = NULL;
    }
    if (n_cols == 0 || n_cols > SHEET_MAX_COLS) {
        return chiso_sheet__fail(book, CHISO_EINVAL,
                                 "a table needs 1 to 16384 columns, not %lu",
                                 (unsigned long)n_cols);
    }
    for (i = 0; i < n_cols; i++) {
        if ((unsigned)cols[i].kind > CHISO_SHEET_DATE || cols[i].decimals < 0 ||
            cols[i].decimals > 10 || cols[i].width < 0 || cols[i].width > 255) {
            return chiso_sheet__fail(book, CHISO_EINVAL,
                                     "table '%s' column %lu: invalid kind, "
                                     "decimals (0 to 10) or width",
                                     name ? name : "", (unsigned long)i + 1);
        }
    }
    if ((st = chiso_sheet_add(book, name, &s)) != CHISO_OK) {
        return st;
    }
    s->cols = calloc(n_cols, sizeof(*s->cols));
    if (s->cols == NULL) {
        return chiso_sheet__fail(book, CHISO_ENOMEM, "out of memory");
    }
    for (i = 0; i < n_cols; i++) {
        s->cols[i] = cols[i];
        s->cols[i].header = chiso_strdup(cols[i].header ? cols[i].header : "");
        s->n_cols = i + 1;
        if (s->cols[i].header == NULL) {
            return chiso_sheet__fail(book, CHISO_ENOMEM, "out of memory");
        }
    }
    s->is_table = 1;
    if (title != NULL) {
        st = n_cols > 1 ? chiso_sheet_merge(s, 0, 0, 0, (uint16_t)(n_cols - 1),
                                            title, CHISO_SHEET_TITLE)
                        : chiso_sheet_text(s, 0, 0, title, CHISO_SHEET_TITLE);
        if (st != CHISO_OK) {
            return st;
        }
        row = 1;
    }
    s->header_row = row;
    for (i = 0; i < n_cols; i++) {
        double w;
        const char *h = s->cols[i].header;
        if ((st = chiso_sheet_text(s, row, (uint16_t)i, h,
                                   CHISO_SHEET_HEADER)) != CHISO_OK) {
            return st;
        }
        /* chiso_sheet_text fitted the full header: cap it (it wraps) */
        w = chiso_sheet__text_width(h);
        s->fit[i] = w > SHEET_HEADER_WIDTH_MAX ? SHEET_HEADER_WIDTH_MAX : w;
        if (cols[i].width > 0 &&
            (st = chiso_sheet_column_width(s, (uint16_t)i, cols[i].width)) !=
                CHISO_OK) {
            return st;
        }
    }
    if ((st = chiso_sheet_freeze(s, row + 1, 0)) != CHISO_OK) {
        return st;
    }
    /* printed: A4, one page wide, the header on every page */
    if ((st = chiso_sheet_print_setup(s, n_cols > 6, row + 1)) != CHISO_OK) {
        return st;
    }
    s->cur_row = row + 1;
    s->cur_col = 0;
    if (out != NULL) {
        *out = s;
    }
    return CHISO_OK;
}

uint32_t
chiso_sheet_table_rows(const chiso_sheet *sheet)
{
    return sheet->n_rows;
}

/* The column the next put goes to; starts a row when needed. */
static chiso_status
next_cell(chiso_sheet *s, size_t *col)
{
    if (!s->is_table) {
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "sheet '%s' is not a table", s->name);
    }
    if (s->cur_col == 0) {
        if (s->cur_row >= SHEET_MAX_ROWS) {
            return chiso_sheet__fail(s->book, CHISO_EDATA,
                                     "table '%s' has more rows than Excel "
                                     "holds",
                                     s->name);
        }
        s->n_rows++;
    }
    *col = s->cur_col;
    return CHISO_OK;
}

static void
advance(chiso_sheet *s)
{
    if (++s->cur_col == s->n_cols) {
        s->cur_col = 0;
        s->cur_row++;
    }
}

chiso_status
chiso_sheet_put_text(chiso_sheet *s, const char *text)
{
    size_t c = 0;
    chiso_status st;
    unsigned style = 0;

    if ((st = next_cell(s, &c)) != CHISO_OK) {
        return st;
    }
    if (text != NULL && chiso_sheet__text_width(text) > SHEET_WIDTH_MAX) {
        style = CHISO_SHEET_WRAP;
    }
    st = chiso_sheet_text(s, s->cur_row, (uint16_t)c, text, style);
    advance(s);
    return st;
}

chiso_status
chiso_sheet_put_number(chiso_sheet *s, double value)
{
    size_t c = 0;
    chiso_status st;
    chiso_sheet_kind kind;

    if ((st = next_cell(s, &c)) != CHISO_OK) {
        return st;
    }
    kind = s->cols[c].kind;
    if (kind == CHISO_SHEET_TEXT || kind == CHISO_SHEET_DATE) {
        advance(s);
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "table '%s' column '%s' is not a number "
                                 "column",
                                 s->name, s->cols[c].header);
    }
    st = chiso_sheet_number(s, s->cur_row, (uint16_t)c, value, kind,
                            s->cols[c].decimals, 0);
    advance(s);
    return st;
}

/* "YYYY-MM-DD" with an optional time after it; 0 on success. */
static int
parse_iso_date(const char *s, int *y, int *m, int *d)
{
    int i;

    for (i = 0; i < 10; i++) {
        int digit = i != 4 && i != 7;
        if (s[i] == '\0' || (digit && (s[i] < '0' || s[i] > '9')) ||
            (!digit && s[i] != '-')) {
            return -1;
        }
    }
    if (s[10] != '\0' && s[10] != ' ' && s[10] != 'T') {
        return -1;
    }
    *y = atoi(s);
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    *d = (s[8] - '0') * 10 + (s[9] - '0');
    return 0;
}

chiso_status
chiso_sheet_put_date(chiso_sheet *s, const char *iso)
{
    size_t c = 0;
    chiso_status st;
    int y, m, d;
    char ref[16];

    if ((st = next_cell(s, &c)) != CHISO_OK) {
        return st;
    }
    if (s->cols[c].kind != CHISO_SHEET_DATE) {
        advance(s);
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "table '%s' column '%s' is not a date "
                                 "column",
                                 s->name, s->cols[c].header);
    }
    if (iso == NULL || iso[0] == '\0') {
        st = chiso_sheet_blank(s, s->cur_row, (uint16_t)c, CHISO_SHEET_DATE, 0,
                               0);
    } else if (parse_iso_date(iso, &y, &m, &d) != 0) {
        chiso_sheet__cellref(s->cur_row, (uint16_t)c, ref, sizeof(ref));
        st = chiso_sheet__fail(s->book, CHISO_EDATA,
                               "sheet '%s' cell %s: '%s' is not a date "
                               "YYYY-MM-DD",
                               s->name, ref, iso);
    } else {
        st = chiso_sheet_date(s, s->cur_row, (uint16_t)c, y, m, d, 0);
    }
    advance(s);
    return st;
}

chiso_status
chiso_sheet_put_missing(chiso_sheet *s)
{
    size_t c = 0;
    chiso_status st;

    if ((st = next_cell(s, &c)) != CHISO_OK) {
        return st;
    }
    st = chiso_sheet_blank(s, s->cur_row, (uint16_t)c, s->cols[c].kind,
                           s->cols[c].decimals, 0);
    advance(s);
    return st;
}

chiso_status
chiso_sheet_end_row(chiso_sheet *s)
{
    if (!s->is_table) {
        return chiso_sheet__fail(s->book, CHISO_EINVAL,
                                 "sheet '%s' is not a table", s->name);
    }
    if (s->cur_col != 0) {
        s->cur_col = 0;
        s->cur_row++;
    }
    return CHISO_OK;
}

chiso_status
chiso_sheet__table_finish(chiso_sheet *s)
{
    uint32_t last = s->header_row + s->n_rows;

    if (s->n_cols == 0) {
        return CHISO_OK; /* the summary sheet: no autofilter */
    }
    return chiso_sheet_autofilter(s, s->header_row, 0, last,
                                  (uint16_t)(s->n_cols - 1));
}

chiso_status
chiso_sheet_add_summary(chiso_sheet_book *book,
                        const char *name,
                        const char *title,
                        const chiso_sheet_figure *figs,
                        size_t n,
                        chiso_sheet **out)
{
    static const char *const heads[4] = {
        N_("Indicator"), N_("Value"), N_("Unit of measure"), N_("Data source")};
    chiso_sheet *s;
    chiso_status st;
    uint32_t row = 0;
    size_t i;

    if (out != NULL) {
        *out = NULL;
    }
    if ((st = chiso_sheet_add(book, name, &s)) != CHISO_OK) {
        return st;
    }
    if (title != NULL) {
        if ((st = chiso_sheet_merge(s, 0, 0, 0, 3, title, CHISO_SHEET_TITLE)) !=
            CHISO_OK) {
            return st;
        }
        row = 1;
    }
    for (i = 0; i < 4; i++) {
        if ((st = chiso_sheet_text(s, row, (uint16_t)i,
                                   chiso_msg(book->lang, heads[i]),
                                   CHISO_SHEET_HEADER)) != CHISO_OK) {
            return st;
        }
    }
    if ((st = chiso_sheet_freeze(s, row + 1, 0)) != CHISO_OK ||
        (st = chiso_sheet_print_setup(s, 0, row + 1)) != CHISO_OK) {
        return st;
    }
    for (i = 0; i < n; i++) {
        const chiso_sheet_figure *f = &figs[i];
        uint32_t r = row + 1 + (uint32_t)i;
        if (f->label == NULL) {
            return chiso_sheet__fail(book, CHISO_EINVAL,
                                     "summary figure %lu has no label",
                                     (unsigned long)i + 1);
        }
        st = chiso_sheet_text(s, r, 0, f->label, CHISO_SHEET_BORDER);
        if (st == CHISO_OK) {
            if (f->kind == CHISO_SHEET_TEXT) {
                st = chiso_sheet_text(s, r, 1, f->text ? f->text : "",
                                      CHISO_SHEET_BORDER);
            } else if (f->kind == CHISO_SHEET_DATE) {
                st = chiso_sheet__fail(book, CHISO_EINVAL,
                                       "summary figure '%s': dates are "
                                       "given as text",
                                       f->label);
            } else if (!isfinite(f->value)) {
                st = chiso_sheet_text(s, r, 1,
                                      chiso_msg(book->lang, "(no data)"),
                                      CHISO_SHEET_BORDER | CHISO_SHEET_ITALIC);
            } else {
                st = chiso_sheet_number(s, r, 1, f->value, f->kind, f->decimals,
                                        CHISO_SHEET_BORDER);
            }
        }
        if (st == CHISO_OK) {
            st = chiso_sheet_text(s, r, 2, f->unit, CHISO_SHEET_BORDER);
        }
        if (st == CHISO_OK) {
            st = chiso_sheet_text(s, r, 3, f->source, CHISO_SHEET_BORDER);
        }
        if (st != CHISO_OK) {
            return st;
        }
    }
    if (out != NULL) {
        *out = s;
    }
    return CHISO_OK;
}

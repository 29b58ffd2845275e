/*
 * grid.c - read a framework table into memory as rows of cells with their
 * positions: CSV through the datasets reader (ragged rows allowed, the
 * delimiter detected over the first lines, since a title block sits above
 * the header), workbooks through the workbook reader.
 *
 * Framework tables are small (hundreds of rows), so every cell's position
 * is computed while its row is current.
 */
#define _POSIX_C_SOURCE 200809L
#include "fwtable_int.h"

#include "chiso_dataset.h"

#include <stdlib.h>
#include <string.h>

void
chiso_fwtable__cell_name(unsigned long col,
                         unsigned long row,
                         char *out,
                         size_t cap)
{
    char letters[8];
    size_t n = 0, i;

    while (col > 0 && n < sizeof(letters)) {
        unsigned long d = (col - 1) % 26;
        letters[n++] = (char)('A' + d);
        col = (col - 1) / 26;
    }
    for (i = 0; i < n && i + 1 < cap; i++) {
        out[i] = letters[n - 1 - i];
    }
    snprintf(out + i, cap > i ? cap - i : 0, "%lu", row);
}

static void
sheet_free(fwt_sheet *s)
{
    size_t i, j;

    for (i = 0; i < s->n; i++) {
        for (j = 0; j < s->rows[i].n; j++) {
            free(s->rows[i].cells[j].text);
        }
        free(s->rows[i].cells);
    }
    free(s->rows);
    free(s->name);
}

void
chiso_fwtable__book_free(fwt_book *b)
{
    size_t i;

    if (b == NULL) {
        return;
    }
    for (i = 0; i < b->n; i++) {
        sheet_free(&b->sheets[i]);
    }
    free(b->sheets);
    free(b->path);
    free(b);
}

/* The delimiter most used outside quotes in the first lines. */
static char
sniff_delimiter(const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t n_comma = 0, n_semi = 0, n_tab = 0, lines = 0;
    int c, inq = 0;

    if (f == NULL) {
        return 0;
    }
    while (lines < 40 && (c = getc(f)) != EOF) {
        if (c == '"') {
            inq = !inq;
        } else if (!inq) {
            n_comma += c == ',';
            n_semi += c == ';';
            n_tab += c == '\t';
            lines += c == '\n';
        }
    }
    fclose(f);
    if (n_semi > n_comma && n_semi >= n_tab) {
        return ';';
    }
    if (n_tab > n_comma && n_tab > n_semi) {
        return '\t';
    }
    return ',';
}

static chiso_status
add_row(fwt_sheet *s, fwt_row *r)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        fwt_row *p = realloc(s->rows, cap * sizeof(*p));
        if (p == NULL) {
            return CHISO_ENOMEM;
        }
        s->rows = p;
        s->cap = cap;
    }
    s->rows[s->n++] = *r;
    return CHISO_OK;
}

chiso_status
chiso_fwtable__read_csv(fwt_book **out,
                        const char *path,
                        chiso_diag_list *problems)
{
    chiso_csv_options o = CHISO_CSV_OPTIONS_INIT;
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    chiso_diag d;
    chiso_status st;
    fwt_book *b;
    fwt_sheet *sh;

    *out = NULL;
    chiso_diag_clear(&d);
    d.lang = problems->lang;
    b = calloc(1, sizeof(*b));
    if (b == NULL || (b->path = chiso_strdup(path)) == NULL ||
        (b->sheets = calloc(1, sizeof(*b->sheets))) == NULL) {
        chiso_fwtable__book_free(b);
        chiso_diag_list_addf(problems, CHISO_ENOMEM, path, 0, 0,
                             "out of memory");
        return CHISO_ENOMEM;
    }
    b->n = 1;
    sh = &b->sheets[0];
    o.allow_ragged = 1;
    o.delimiter = strcmp(path, "-") == 0 ? 0 : sniff_delimiter(path);
    st = chiso_csv_open(&r, path, &o, &d);
    if (st != CHISO_OK) {
        chiso_diag_list_add(problems, &d);
        chiso_fwtable__book_free(b);
        return st;
    }
    while ((st = chiso_csv_next(r, &row, &d)) == CHISO_OK) {
        fwt_row fr;
        size_t k;
        memset(&fr, 0, sizeof(fr));
        fr.line = row.line;
        fr.n = row.n;
        fr.cells = calloc(row.n ? row.n : 1, sizeof(*fr.cells));
        if (fr.cells == NULL) {
            st = CHISO_ENOMEM;
            break;
        }
        for (k = 0; k < row.n; k++) {
            const char *s = row.field[k];
            size_t len = row.len[k];
            fwt_cell *c = &fr.cells[k];
            chiso_text_trim(&s, &len);
            /* a cell chiso (or Excel) neutralised so it never runs as a
             * formula: '=..., '-..., '+..., '@... */
            if (len >= 2 && s[0] == '\'' && strchr("=+-@", s[1]) != NULL) {
                s++;
                len--;
            }
            c->text = chiso_strndup(s, len);
            c->len = len;
            chiso_csv_field_position(r, &row, k, &c->line, &c->col);
            if (c->text == NULL) {
                st = CHISO_ENOMEM;
            }
        }
        if (st == CHISO_OK) {
            st = add_row(sh, &fr);
        }
        if (st != CHISO_OK) {
            for (k = 0; k < fr.n; k++) {
                free(fr.cells[k].text);
            }
            free(fr.cells);
            break;
        }
    }
    chiso_csv_close(r);
    if (st == CHISO_ENOMEM) {
        chiso_diag_list_addf(problems, CHISO_ENOMEM, path, 0, 0,
                             "out of memory");
        chiso_fwtable__book_free(b);
        return st;
    }
    if (st != CHISO_DONE) {
        chiso_diag_list_add(problems, &d);
        chiso_fwtable__book_free(b);
        return st;
    }
    *out = b;
    return CHISO_OK;
}

#ifdef CHISO_HAVE_WORKBOOK
#include "chiso_workbook.h"

/* Every worksheet of the workbook, rows with their cells. */
chiso_status
chiso_fwtable__read_workbook(fwt_book **out,
                             const char *path,
                             const chiso_fwtable_options *opts,
                             chiso_diag_list *problems)
{
    chiso_workbook *wb = NULL;
    chiso_workbook_row row;
    chiso_diag d;
    chiso_status st;
    fwt_book *b;
    size_t i, n_sheets, k;

    (void)opts;
    *out = NULL;
    chiso_diag_clear(&d);
    d.lang = problems->lang;
    st = chiso_workbook_open(&wb, path, &d);
    if (st != CHISO_OK) {
        chiso_diag_list_add(problems, &d);
        return st;
    }
    n_sheets = chiso_workbook_sheet_count(wb);
    b = calloc(1, sizeof(*b));
    if (b == NULL || (b->path = chiso_strdup(path)) == NULL ||
        (b->sheets = calloc(n_sheets ? n_sheets : 1, sizeof(*b->sheets))) ==
            NULL) {
        chiso_fwtable__book_free(b);
        chiso_workbook_free(wb);
        chiso_diag_list_addf(problems, CHISO_ENOMEM, path, 0, 0,
                             "out of memory");
        return CHISO_ENOMEM;
    }
    b->workbook = 1;
    for (i = 0; i < n_sheets && st == CHISO_OK; i++) {
        fwt_sheet *sh = &b->sheets[b->n];
        char num[32];
        if (chiso_workbook_sheet_is_chart(wb, i)) {
            continue;
        }
        snprintf(num, sizeof(num), "%zu", i + 1);
        st = chiso_workbook_select(wb, num, &d);
        if (st != CHISO_OK) {
            break;
        }
        sh->name = chiso_strdup(chiso_workbook_sheet_name(wb, i));
        b->n++;
        if (sh->name == NULL) {
            st = CHISO_ENOMEM;
            break;
        }
        while ((st = chiso_workbook_next_row(wb, &row, &d)) == CHISO_OK) {
            fwt_row fr;
            memset(&fr, 0, sizeof(fr));
            fr.line = row.row;
            fr.n = row.n;
            fr.cells = calloc(row.n ? row.n : 1, sizeof(*fr.cells));
            if (fr.cells == NULL) {
                st = CHISO_ENOMEM;
                break;
            }
            for (k = 0; k < row.n; k++) {
                const chiso_cell *c = &row.cells[k];
                const char *t = c->text;
                size_t len = c->len;
                chiso_text_trim(&t, &len);
                fr.cells[k].text = chiso_strndup(t, len);
                fr.cells[k].len = len;
                fr.cells[k].line = row.row;
                fr.cells[k].col = (unsigned long)k + 1;
                fr.cells[k].has_num = c->kind == CHISO_CELL_NUMBER;
                fr.cells[k].num = c->number;
                if (fr.cells[k].text == NULL) {
                    st = CHISO_ENOMEM;
                }
            }
            if (st == CHISO_OK) {
                st = add_row(sh, &fr);
            }
            if (st != CHISO_OK) {
                for (k = 0; k < fr.n; k++) {
                    free(fr.cells[k].text);
                }
                free(fr.cells);
                break;
            }
        }
        if (st == CHISO_DONE) {
            st = CHISO_OK;
        }
    }
    chiso_workbook_free(wb);
    if (st != CHISO_OK) {
        if (st == CHISO_ENOMEM) {
            chiso_diag_list_addf(problems, CHISO_ENOMEM, path, 0, 0,
                                 "out of memory");
        } else {
            chiso_diag_list_add(problems, &d);
        }
        chiso_fwtable__book_free(b);
        return st;
    }
    *out = b;
    return CHISO_OK;
}
#else
chiso_status
chiso_fwtable__read_workbook(fwt_book **out,
                             const char *path,
                             const chiso_fwtable_options *opts,
                             chiso_diag_list *problems)
{
    (void)opts;
    *out = NULL;
    chiso_diag_list_addf(problems, CHISO_EUSAGE, path, 0, 0,
                         "this chiso cannot read workbooks yet: save the "
                         "table as CSV UTF-8");
    return CHISO_EUSAGE;
}
#endif

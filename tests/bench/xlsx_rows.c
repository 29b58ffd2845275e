/*
 * xlsx_rows.c - benchmark and inspection driver for chiso_workbook (not a
 * test; see tests/bench/bench_xlsx.sh).
 *
 *   xlsx_rows FILE [--sheet S] [--sum COL] [--fill]
 *       count the data rows of the sheet and, with --sum, add up the
 *       numbers of column COL (1-based); prints "rows N sum S" where N
 *       counts every non-empty row and S is the shortest round-trip text
 *       of the sum (numbers only; dates add their 1900-system serial).
 *   xlsx_rows FILE --dump [--sheet S] [--fill]
 *       print every row as "ROW<TAB>REF=KIND:TEXT ..." (non-empty cells).
 *   xlsx_rows FILE --csv [--sheet S] [--fill]
 *       print every non-empty row as CSV, dense from column A.
 *   xlsx_rows FILE --sheets
 *       list the sheets: index, hidden flag, name.
 */
#include "chiso_workbook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
kind_name(chiso_cell_kind k)
{
    switch (k) {
    case CHISO_CELL_EMPTY:
        return "empty";
    case CHISO_CELL_TEXT:
        return "text";
    case CHISO_CELL_NUMBER:
        return "number";
    case CHISO_CELL_BOOL:
        return "bool";
    case CHISO_CELL_DATE:
        return "date";
    case CHISO_CELL_ERROR:
        return "error";
    }
    return "?";
}

static void
csv_field(const char *s, size_t n)
{
    size_t i;
    int quote = 0;
    for (i = 0; i < n; i++) {
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') {
            quote = 1;
        }
    }
    if (!quote) {
        fwrite(s, 1, n, stdout);
        return;
    }
    putchar('"');
    for (i = 0; i < n; i++) {
        if (s[i] == '"') {
            putchar('"');
        }
        putchar(s[i]);
    }
    putchar('"');
}

int
main(int argc, char **argv)
{
    const char *file = NULL, *sheet = NULL;
    int mode = 0, fill = 0, i;
    long sum_col = 0;
    chiso_workbook *wb = NULL;
    chiso_workbook_row row;
    chiso_diag d;
    chiso_status st;
    unsigned long long rows = 0;
    double sum = 0;

    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--sheet") == 0 && i + 1 < argc) {
            sheet = argv[++i];
        } else if (strcmp(argv[i], "--sum") == 0 && i + 1 < argc) {
            sum_col = atol(argv[++i]);
        } else if (strcmp(argv[i], "--dump") == 0) {
            mode = 1;
        } else if (strcmp(argv[i], "--csv") == 0) {
            mode = 2;
        } else if (strcmp(argv[i], "--sheets") == 0) {
            mode = 3;
        } else if (strcmp(argv[i], "--fill") == 0) {
            fill = 1;
        } else if (file == NULL) {
            file = argv[i];
        } else {
            fprintf(stderr, "xlsx_rows: unexpected argument %s\n", argv[i]);
            return 2;
        }
    }
    if (file == NULL) {
        fprintf(stderr, "usage: xlsx_rows FILE [--sheet S] [--sum COL] "
                        "[--dump|--csv|--sheets] [--fill]\n");
        return 2;
    }
    st = chiso_workbook_open(&wb, file, &d);
    if (st != CHISO_OK) {
        fprintf(stderr, "xlsx_rows: %s: %s\n", d.path, d.message);
        return 1;
    }
    if (mode == 3) {
        size_t k;
        for (k = 0; k < chiso_workbook_sheet_count(wb); k++) {
            printf("%zu\t%d\t%s\n", k + 1, chiso_workbook_sheet_hidden(wb, k),
                   chiso_workbook_sheet_name(wb, k));
        }
        chiso_workbook_free(wb);
        return 0;
    }
    if (fill) {
        chiso_workbook_fill_merged(wb, 1, &d);
    }
    st = chiso_workbook_select(wb, sheet, &d);
    if (st != CHISO_OK) {
        fprintf(stderr, "xlsx_rows: %s: %s\n", d.path, d.message);
        chiso_workbook_free(wb);
        return 1;
    }
    while ((st = chiso_workbook_next_row(wb, &row, &d)) == CHISO_OK) {
        size_t k;
        rows++;
        if (mode == 1) {
            printf("%u", (unsigned)row.row);
            for (k = 0; k < row.n; k++) {
                char ref[16];
                const chiso_cell *c = &row.cells[k];
                if (c->kind == CHISO_CELL_EMPTY && c->flags == 0) {
                    continue;
                }
                chiso_workbook_cell_ref((uint32_t)k + 1, row.row, ref,
                                        sizeof(ref));
                printf("\t%s=%s%s:%s", ref, kind_name(c->kind),
                       c->flags & CHISO_CELL_UNCALCULATED ? "!" : "", c->text);
            }
            putchar('\n');
        } else if (mode == 2) {
            for (k = 0; k < row.n; k++) {
                if (k > 0) {
                    putchar(',');
                }
                csv_field(row.cells[k].text, row.cells[k].len);
            }
            putchar('\n');
        } else if (sum_col > 0 && (size_t)sum_col <= row.n) {
            const chiso_cell *c = &row.cells[sum_col - 1];
            if (c->kind == CHISO_CELL_NUMBER || c->kind == CHISO_CELL_DATE) {
                sum += c->number;
            }
        }
    }
    if (st != CHISO_DONE) {
        fprintf(stderr, "xlsx_rows: %s: %s\n", d.path, d.message);
        chiso_workbook_free(wb);
        return 1;
    }
    if (mode == 0) {
        char s[40];
        chiso_format_double(sum, s, sizeof(s));
        printf("rows %llu sum %s\n", rows, s);
    }
    chiso_workbook_free(wb);
    return 0;
}

/*
 * fuzz_csv.c - bytes -> CSV reader (every row, every field position),
 * number/date/bool parsers on every field. Fails only on crashes,
 * sanitizer reports, or an error without a message.
 */
#include "chiso_dataset.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    chiso_diag d;
    chiso_status st;
    size_t rows = 0;

    chiso_diag_clear(&d);
    if (chiso_csv_open_mem(&r, "fuzz.csv", (const char *)data, size, NULL,
                           &d) != CHISO_OK) {
        return 0;
    }
    while ((st = chiso_csv_next(r, &row, &d)) == CHISO_OK && rows < 100000) {
        size_t k;
        for (k = 0; k < row.n; k++) {
            double v;
            int64_t secs;
            int has_time;
            char why[128];
            unsigned long line, col;
            (void)chiso_parse_number(row.field[k], row.len[k], &v);
            (void)chiso_parse_datetime(row.field[k], row.len[k], &secs,
                                       &has_time, why, sizeof(why));
            (void)chiso_parse_bool(row.field[k], row.len[k]);
            chiso_csv_field_position(r, &row, k, &line, &col);
        }
        rows++;
    }
    if (st != CHISO_DONE && st != CHISO_OK && d.message[0] == '\0') {
        abort();
    }
    chiso_csv_close(r);
    return 0;
}

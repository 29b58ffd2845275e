/*
 * fuzz_csv.c - bytes -> CSV reader, twice: with libcsv alone (the
 * reference) and with the fast tokenizer (libcsv taking over any record it
 * does not accept). Also the number/date/bool parsers on every field.
 *
 * Fails (abort) on a crash, a sanitizer report, an error without a
 * message, or any difference between the two readings: the same records
 * (field count, bytes of every field, line), the same position of every
 * field, the same final status, message, line and column. The first byte
 * picks the delimiter given to the reader (bits 0-1 - 0: detect, 1: ',',
 * 2: ';', 3: tab - so tab-delimited input reaches the tokenizer too) and
 * whether ragged rows are allowed (bit 2).
 *
 * The tokenizer is also run alone over the bytes, record after record,
 * once on its AVX2 path (when the CPU has AVX2) and once on the SSE2 path:
 * the same codes, fields, quoting and lengths.
 */
#include "chiso_dataset.h"
#include "datasets_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One reading, as text: every record and position, then the outcome. */
static char *
reading(const char *data, size_t size, char delim, int ragged, int reference)
{
    chiso_csv_options o = CHISO_CSV_OPTIONS_INIT;
    chiso_csv_reader *r = NULL;
    chiso_csv_row row;
    chiso_diag d;
    chiso_status st;
    chiso_buf b = CHISO_BUF_INIT;
    size_t rows = 0;

    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    o.delimiter = delim;
    o.allow_ragged = ragged;
    o.reference = reference;
    if (chiso_csv_open_mem(&r, "fuzz.csv", data, size, &o, &d) != CHISO_OK) {
        return NULL;
    }
    while ((st = chiso_csv_next(r, &row, &d)) == CHISO_OK && rows < 100000) {
        size_t k;
        chiso_buf_printf(&b, "R%lu/%lu:%zu", row.line, row.record, row.n);
        for (k = 0; k < row.n; k++) {
            double v;
            int64_t secs;
            int has_time;
            char why[128];
            unsigned long line, col;
            if (row.field[k][row.len[k]] != '\0') {
                abort(); /* fields are NUL-terminated */
            }
            (void)chiso_parse_number(row.field[k], row.len[k], &v);
            (void)chiso_parse_datetime(row.field[k], row.len[k], &secs,
                                       &has_time, why, sizeof(why));
            (void)chiso_parse_bool(row.field[k], row.len[k]);
            chiso_csv_field_position(r, &row, k, &line, &col);
            chiso_buf_printf(&b, "|%lu:%lu:", line, col);
            chiso_buf_append(&b, row.field[k], row.len[k]);
        }
        chiso_buf_puts(&b, "\n");
        rows++;
    }
    if (st != CHISO_DONE && st != CHISO_OK && d.message[0] == '\0') {
        abort();
    }
    chiso_buf_printf(&b, "=%d %lu:%lu %s\n", (int)st, d.line, d.column,
                     d.message);
    chiso_csv_close(r);
    return b.data;
}

/* The records of [p, e) as cut by T, as text. */
static void
cut_all(const chiso__tok *T, const char *p, const char *e, chiso_buf *out)
{
    const char *f[16];
    size_t len[16], nf, used, i;
    char *scratch = malloc((size_t)(e - p) + 64);
    chiso__fields J;
    int k, quoted;

    if (scratch == NULL) {
        abort();
    }
    while (p < e) {
        J.f = f;
        J.len = len;
        J.scratch = scratch;
        J.scratch_cap = (size_t)(e - p) + 64;
        J.cap = 16;
        k = chiso__tokenize(T, &J, p, e, 1, &nf, &used, &quoted);
        chiso_buf_printf(out, "%d %zu q%d:", k, nf, quoted);
        if (k != CHISO__T_ROW && k != CHISO__T_BLANK) {
            break;
        }
        for (i = 0; i < nf; i++) {
            chiso_buf_printf(out, "[%zu]", len[i]);
            chiso_buf_append(out, f[i], len[i]);
        }
        chiso_buf_printf(out, " +%zu\n", used);
        p += used;
    }
    free(scratch);
}

static void
avx2_equals_sse2(const char *data, size_t size, char delim)
{
    chiso__tok fast, sse2;
    chiso_buf a = CHISO_BUF_INIT, b = CHISO_BUF_INIT;

    chiso__tok_init(&fast, delim);
    chiso__tok_init(&sse2, delim);
    sse2.simd_avx2 = 0;
    cut_all(&fast, data, data + size, &a);
    cut_all(&sse2, data, data + size, &b);
    if (a.len != b.len || (a.len > 0 && memcmp(a.data, b.data, a.len) != 0)) {
        abort();
    }
    chiso_buf_free(&a);
    chiso_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delims[4] = {0, ',', ';', '\t'};
    char *ref, *fast;
    char delim;
    int ragged;

    if (size == 0) {
        return 0;
    }
    delim = delims[data[0] & 3];
    ragged = (data[0] >> 2) & 1;
    ref = reading((const char *)data + 1, size - 1, delim, ragged, 1);
    fast = reading((const char *)data + 1, size - 1, delim, ragged, 0);
    if ((ref == NULL) != (fast == NULL) ||
        (ref != NULL && strcmp(ref, fast) != 0)) {
        abort();
    }
    free(ref);
    free(fast);
    avx2_equals_sse2((const char *)data + 1, size - 1, delim ? delim : ',');
    return 0;
}

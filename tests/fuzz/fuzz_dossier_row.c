/*
 * fuzz_dossier_row.c - bytes -> dossier log -> chiso services, three ways:
 *
 *   1. the libcsv reference reader alone (options.table.reference);
 *   2. in order, one thread: the fast tokenizer with libcsv taking over
 *      the records it leaves (what standard input from a pipe gets);
 *   3. in parallel: split over 3 threads even on tiny inputs, so guessed
 *      split points land inside quoted fields.
 *
 * each with and without a reject callback, and under two limits of bad
 * rows (100 %: every row is read and handed over; 5 %: the verdict).
 *
 * Fails (abort) on a crash or sanitizer report, an error without a
 * message, or any difference from the reference: status, message, line
 * and column; rows read, counted, rejected and totals rows; the rejected
 * rows handed to the callback (position, reason, fields); the CSV output.
 * A reject run must reconcile: read = counted + rejected + totals.
 *
 * The first byte picks the delimiter (bits 0-1: ',', ';', tab, ',') and
 * the period (bits 2-3); the rest is the body after a fixed header, so
 * mutations reach the row parser.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_logs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
csv_text(const chiso_services_result *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (f == NULL) {
        abort();
    }
    chiso_services_write_csv(r, f);
    fclose(f);
    return buf;
}

/* Log every rejected row: position, reason and fields. */
static int
log_reject(void *ctx, const chiso_reject *rej)
{
    chiso_buf *b = ctx;
    size_t i;

    if (rej->reason == NULL || rej->reason[0] == '\0') {
        abort();
    }
    chiso_buf_printf(b, "%lu:%lu|%s|%zu", rej->line, rej->column, rej->reason,
                     rej->n_fields);
    for (i = 0; i < rej->n_fields; i++) {
        chiso_buf_puts(b, "\x1f");
        chiso_buf_append(b, rej->field[i], rej->field_len[i]);
    }
    chiso_buf_puts(b, "\n");
    return 0;
}

/* One run as text: outcome, counts, rejects and the CSV. */
static char *
one_run(const char *text, size_t len, chiso_services_options o, int mode,
        int with_rejects)
{
    chiso_services_result *r = NULL;
    chiso_buf log = CHISO_BUF_INIT, out = CHISO_BUF_INIT;
    chiso_diag d;
    chiso_status st;

    memset(&d, 0, sizeof(d));
    d.lang = CHISO_LANG_EN;
    if (mode == 0) {
        o.table.reference = 1;
    } else if (mode == 1) {
        o.table.threads = 1;
    } else {
        o.table.threads = 3;
        o.table.min_split = 1;
    }
    if (with_rejects) {
        o.table.on_reject = log_reject;
        o.table.reject_ctx = &log;
    }
    st = chiso_services_compute_mem(&r, "fuzz.csv", text, len, &o, &d);
    if (st != CHISO_OK && d.message[0] == '\0') {
        abort();
    }
    chiso_buf_printf(&out, "%d %lu:%lu %s\n", (int)st, d.line, d.column,
                     d.message);
    if (st == CHISO_OK) {
        char *csv;
        if (r->rows_read !=
            r->rows_counted + r->rows_rejected + r->rows_totals) {
            abort();
        }
        chiso_buf_printf(&out, "%llu %llu %llu %llu\n",
                         (unsigned long long)r->rows_read,
                         (unsigned long long)r->rows_counted,
                         (unsigned long long)r->rows_rejected,
                         (unsigned long long)r->rows_totals);
        csv = csv_text(r);
        chiso_buf_puts(&out, csv);
        free(csv);
    }
    if (log.data != NULL) {
        chiso_buf_puts(&out, log.data);
    }
    chiso_services_free(r);
    chiso_buf_free(&log);
    return out.data;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char head[] =
        "dossier_id,unit_code,procedure_code,received_at,due_at,"
        "finished_at,channel,components_signed,result_signed,digitized,"
        "satisfaction,note,status\n";
    static const char delims[4] = {',', ';', '\t', ','};
    static const double limits[2] = {100, 5};
    char *text, *ref, *other;
    size_t len, i;
    int mode, rej, lim;
    char delim;
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;

    if (size == 0) {
        return 0;
    }
    len = sizeof(head) - 1 + size - 1;
    text = malloc(len + 1);
    if (text == NULL) {
        return 0;
    }
    delim = delims[data[0] & 3];
    memcpy(text, head, sizeof(head) - 1);
    memcpy(text + sizeof(head) - 1, data + 1, size - 1);
    for (i = 0; i < sizeof(head) - 1; i++) {
        if (text[i] == ',') {
            text[i] = delim;
        }
    }
    text[len] = '\0';
    o.period = (chiso_period_kind)(data[0] >> 2 & 3);
    for (lim = 0; lim < 2; lim++) {
        o.table.max_rejects_pct = limits[lim];
        for (rej = 0; rej < 2; rej++) {
            ref = one_run(text, len, o, 0, rej);
            for (mode = 1; mode <= 2; mode++) {
                other = one_run(text, len, o, mode, rej);
                if (strcmp(ref, other) != 0) {
                    abort();
                }
                free(other);
            }
            free(ref);
        }
    }
    free(text);
    return 0;
}

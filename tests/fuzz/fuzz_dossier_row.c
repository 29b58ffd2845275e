/*
 * fuzz_dossier_row.c - bytes -> dossier log -> chiso services, three ways:
 *
 *   1. the libcsv reference reader (SVC_MODE_REFERENCE), with and without
 *      a reject callback;
 *   2. the fast tokenizer alone (SVC_MODE_FAST_ONLY), split over 3 threads
 *      even on tiny inputs, so guessed split points land inside quoted
 *      fields, with and without a reject callback;
 *   3. the default mode (fast, falling back to the reference reader).
 *
 * Fails (abort) on a crash or sanitizer report, an error without a
 * message, a fast-path success where the reference reader fails or counts
 * differently, a fast-path error message or position, or a rejected row
 * (position, reason, fields), that differs from the reference reader's,
 * any difference in the CSV output, a default-mode result or message that
 * differs from the reference reader's, or a reject run whose rows read !=
 * counted + rejected.
 *
 * The first byte picks the delimiter (even: ',', odd: ';'); the rest is the
 * body after a fixed header, so mutations reach the row parser.
 */
#define _POSIX_C_SOURCE 200809L
#include "logs_int.h"

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

/* Reference reader and fast tokenizer with a reject callback: when the
 * fast path does not fall back, the same rows, positions and reasons. */
static void
compare_rejects(const char *text, size_t len, chiso_services_options o)
{
    chiso_buf lr = CHISO_BUF_INIT, lf = CHISO_BUF_INIT;
    chiso_services_result *r = NULL, *f = NULL;
    chiso_diag dr, df;
    chiso_status sr, sf;

    o.on_reject = log_reject;
    o.reject_ctx = &lr;
    memset(&dr, 0, sizeof(dr));
    sr = svc_compute(&r, "fuzz.csv", text, len, &o, SVC_MODE_REFERENCE, &dr);
    if (sr == CHISO_OK && r->rows_read != r->rows_counted + r->rows_rejected) {
        abort();
    }
    o.reject_ctx = &lf;
    memset(&df, 0, sizeof(df));
    sf = svc_compute(&f, "fuzz.csv", text, len, &o, SVC_MODE_FAST_ONLY, &df);
    if (sf == CHISO_OK) {
        char *a, *b;
        if (sr != CHISO_OK || f->rows_read != r->rows_read ||
            f->rows_rejected != r->rows_rejected ||
            strcmp(lr.data ? lr.data : "", lf.data ? lf.data : "") != 0) {
            abort();
        }
        a = csv_text(r);
        b = csv_text(f);
        if (strcmp(a, b) != 0) {
            abort();
        }
        free(a);
        free(b);
    } else if (sf != CHISO_DONE &&
               (sf != sr || strcmp(df.message, dr.message) != 0 ||
                df.line != dr.line || df.column != dr.column ||
                strcmp(lr.data ? lr.data : "", lf.data ? lf.data : "") != 0)) {
        /* failed on its bad rows: as the reference did, with the same
         * rows handed over */
        abort();
    }
    chiso_services_free(r);
    chiso_services_free(f);
    chiso_buf_free(&lr);
    chiso_buf_free(&lf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char head[] =
        "dossier_id,unit_code,procedure_code,received_at,due_at,"
        "finished_at,channel,components_signed,result_signed,digitized,"
        "satisfaction,note\n";
    char *text;
    size_t len, i;
    chiso_services_options o = CHISO_SERVICES_OPTIONS_INIT;
    chiso_services_result *ref = NULL, *fast = NULL, *aut = NULL, *rej = NULL;
    chiso_diag d_ref, d_fast, d_aut, d_rej;
    chiso_status s_ref, s_fast, s_aut, s_rej;
    chiso_buf rej_log = CHISO_BUF_INIT;
    char *c_ref = NULL, *c_other = NULL;

    if (size == 0) {
        return 0;
    }
    len = sizeof(head) - 1 + size - 1;
    text = malloc(len + 1);
    if (text == NULL) {
        return 0;
    }
    memcpy(text, head, sizeof(head) - 1);
    memcpy(text + sizeof(head) - 1, data + 1, size - 1);
    if (data[0] & 1) {
        for (i = 0; i < sizeof(head) - 1; i++) {
            if (text[i] == ',') {
                text[i] = ';';
            }
        }
    }
    text[len] = '\0';
    o.period = (chiso_period_kind)(data[0] >> 1 & 3);
    svc_fast_min_split = 1;

    memset(&d_ref, 0, sizeof(d_ref));
    s_ref = svc_compute(&ref, "fuzz.csv", text, len, &o, SVC_MODE_REFERENCE,
                        &d_ref);
    if (s_ref != CHISO_OK && d_ref.message[0] == '\0') {
        abort();
    }
    if (s_ref == CHISO_OK) {
        c_ref = csv_text(ref);
    }

    o.threads = 3;
    memset(&d_fast, 0, sizeof(d_fast));
    s_fast = svc_compute(&fast, "fuzz.csv", text, len, &o, SVC_MODE_FAST_ONLY,
                         &d_fast);
    if (s_fast == CHISO_OK) {
        if (s_ref != CHISO_OK || fast->rows_read != ref->rows_read ||
            fast->rows_counted != ref->rows_counted) {
            abort(); /* the fast path accepted what the reference refuses */
        }
        c_other = csv_text(fast);
        if (strcmp(c_ref, c_other) != 0) {
            abort();
        }
        free(c_other);
        c_other = NULL;
    } else if (s_fast != CHISO_DONE) {
        /* the fast path stopped at a bad row: the reference's message */
        if (s_fast != s_ref || strcmp(d_fast.message, d_ref.message) != 0 ||
            d_fast.line != d_ref.line || d_fast.column != d_ref.column) {
            abort();
        }
    }

    memset(&d_aut, 0, sizeof(d_aut));
    s_aut = svc_compute(&aut, "fuzz.csv", text, len, &o, SVC_MODE_AUTO, &d_aut);
    if (s_aut != s_ref || strcmp(d_aut.message, d_ref.message) != 0 ||
        d_aut.line != d_ref.line || d_aut.column != d_ref.column) {
        abort(); /* messages and positions must be the reference's */
    }
    if (s_aut == CHISO_OK) {
        c_other = csv_text(aut);
        if (strcmp(c_ref, c_other) != 0) {
            abort();
        }
        free(c_other);
        c_other = NULL;
    }

    /* every bad row allowed, then the default limit */
    o.max_rejects_pct = 100;
    compare_rejects(text, len, o);
    o.max_rejects_pct = 5;
    compare_rejects(text, len, o);
    o.on_reject = log_reject;
    o.reject_ctx = &rej_log;
    memset(&d_rej, 0, sizeof(d_rej));
    s_rej = svc_compute(&rej, "fuzz.csv", text, len, &o, SVC_MODE_AUTO, &d_rej);
    if (s_rej == CHISO_OK &&
        rej->rows_read != rej->rows_counted + rej->rows_rejected) {
        abort();
    }
    if (s_rej != CHISO_OK && d_rej.message[0] == '\0') {
        abort();
    }

    free(c_ref);
    chiso_services_free(ref);
    chiso_services_free(fast);
    chiso_services_free(aut);
    chiso_services_free(rej);
    chiso_buf_free(&rej_log);
    free(text);
    return 0;
}

/*
 * fuzz_composite.c - bytes -> iMeta and iData (split at the first line
 * "====") -> chiso_composite_load, then every normalisation and
 * aggregation and a short uncertainty run on whatever loads. Fails only on
 * crashes, sanitizer reports, or an error without a message. The loader
 * reads files, so the two parts are written to temporary files.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_composite.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
write_tmp(char *path, const uint8_t *p, size_t n)
{
    int fd = mkstemp(path);
    size_t off = 0;

    if (fd < 0) {
        return -1;
    }
    while (off < n) {
        ssize_t w = write(fd, p + off, n - off);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    close(fd);
    return 0;
}

static void
check(chiso_status st, const chiso_diag *d)
{
    if (st != CHISO_OK && d->message[0] == '\0') {
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n====\n";
    const uint8_t *cut = NULL;
    char meta[64] = "/tmp/chiso_fz_meta_XXXXXX";
    char dat[64] = "/tmp/chiso_fz_data_XXXXXX";
    chiso_composite *m = NULL;
    chiso_diag d;
    size_t i, nm;

    for (i = 0; i + sizeof(sep) - 1 <= size; i++) {
        if (memcmp(data + i, sep, sizeof(sep) - 1) == 0) {
            cut = data + i;
            break;
        }
    }
    nm = cut ? (size_t)(cut - data) : size;
    if (write_tmp(meta, data, nm) != 0) {
        return 0;
    }
    if (write_tmp(dat, cut ? cut + sizeof(sep) - 1 : data,
                  cut ? size - nm - (sizeof(sep) - 1) : 0) != 0) {
        unlink(meta);
        return 0;
    }
    chiso_diag_clear(&d);
    check(chiso_composite_load(&m, dat, meta, NULL, &d), &d);
    if (m != NULL) {
        int n, a;
        for (n = 0; n < CHISO_NORM_COUNT; n++) {
            for (a = 0; a < CHISO_AGG_COUNT; a++) {
                chiso_composite_options o = CHISO_COMPOSITE_OPTIONS_INIT;
                chiso_composite_result *r = NULL;
                o.normalise = (chiso_cmp_norm)n;
                o.aggregate = (chiso_cmp_agg)a;
                o.range_lo = 1;
                chiso_diag_clear(&d);
                check(chiso_composite_compute(&r, m, &o, &d), &d);
                chiso_composite_result_free(r);
            }
        }
        {
            chiso_uncertainty_options uo = CHISO_UNCERTAINTY_OPTIONS_INIT;
            chiso_uncertainty_result *ur = NULL;
            uo.replicates = 5;
            uo.range_lo = 1;
            uo.normalise[1] = CHISO_NORM_RANK;
            uo.n_normalise = 2;
            uo.aggregate[1] = CHISO_AGG_HARMONIC;
            uo.n_aggregate = 2;
            uo.keep_replicates = 1;
            chiso_diag_clear(&d);
            check(chiso_uncertainty_run(&ur, m, &uo, &d), &d);
            chiso_uncertainty_result_free(ur);
        }
        chiso_composite_free(m);
    }
    unlink(meta);
    unlink(dat);
    return 0;
}

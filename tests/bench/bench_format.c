/*
 * bench_format.c - cost of chiso_format_double per number, against the
 * search it replaced (kept here verbatim as the reference), on the kinds of
 * numbers chiso writes. Not a test: prints ns per number and the ratio.
 *
 *   bench_format [N]      (default 2,000,000 numbers per kind)
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void
before(double x, char *out, size_t len)
{
    int prec;
    double ax = fabs(x);

    if (chiso_is_zero(x)) {
        snprintf(out, len, "0");
        return;
    }
    if (ax >= 1e-6 && ax < 1e15) {
        for (prec = 0; prec <= 20; prec++) {
            snprintf(out, len, "%.*f", prec, x);
            if (!(strtod(out, NULL) < x) && !(strtod(out, NULL) > x)) {
                return;
            }
        }
    }
    for (prec = 1; prec <= 17; prec++) {
        snprintf(out, len, "%.*g", prec, x);
        if (!(strtod(out, NULL) < x) && !(strtod(out, NULL) > x)) {
            return;
        }
    }
}

static double
now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t
rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

int
main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 2000000, i;
    static const char *const kinds[] = {
        "scores 0-100, full precision (composite)",
        "rates rounded to 10 digits (services, rank)",
        "short decimals as typed (85.5, 0.25)", "integers (counts)"};
    double *x = malloc((size_t)n * sizeof(*x));
    char buf[64];
    size_t k;
    volatile size_t sink = 0;

    if (x == NULL) {
        return 1;
    }
    printf("%-46s %12s %12s %8s\n", "numbers", "before ns", "now ns", "ratio");
    for (k = 0; k < 4; k++) {
        uint64_t s = 0x9E3779B97F4A7C15ull + k;
        double t0, t1, t2;
        for (i = 0; i < n; i++) {
            double u = (double)(rnd(&s) >> 11) / 9007199254740992.0;
            switch (k) {
            case 0:
                x[i] = 100.0 * u;
                break;
            case 1:
                x[i] = chiso_round_sig(100.0 * u / 3.0, 10);
                break;
            case 2:
                x[i] = floor(u * 10000.0) / 10.0;
                break;
            default:
                x[i] = floor(u * 1e6);
            }
        }
        t0 = now();
        for (i = 0; i < n; i++) {
            before(x[i], buf, sizeof(buf));
            sink += (size_t)buf[0];
        }
        t1 = now();
        for (i = 0; i < n; i++) {
            chiso_format_double(x[i], buf, sizeof(buf));
            sink += (size_t)buf[0];
        }
        t2 = now();
        printf("%-46s %12.0f %12.0f %7.3fx\n", kinds[k],
               (t1 - t0) / (double)n * 1e9, (t2 - t1) / (double)n * 1e9,
               (t2 - t1) / (t1 - t0));
    }
    free(x);
    return sink == 0;
}

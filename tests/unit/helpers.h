/*
 * helpers.h - shared test helpers. cmocka 1.1.5's assert_float_equal casts
 * to float, so doubles are compared here, GSL gsl_test_rel style.
 */
#ifndef CHISO_TEST_HELPERS_H
#define CHISO_TEST_HELPERS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* |actual - expected| <= tol (absolute), with a readable failure. */
#define chiso_assert_close(actual, expected, tol)                              \
    do {                                                                       \
        double a_ = (actual), e_ = (expected), t_ = (tol);                     \
        if (!(fabs(a_ - e_) <= t_)) {                                          \
            fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #actual, a_, \
                     e_, t_);                                                  \
        }                                                                      \
    } while (0)

/* Path of a file in the source tree (CHISO_SOURCE_DIR set by CTest). */
static inline const char *
chiso_test_path(const char *rel)
{
    static char buf[8][1024];
    static int k;
    const char *root = getenv("CHISO_SOURCE_DIR");

    k = (k + 1) % 8;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", root ? root : "../..", rel);
    return buf[k];
}

/* Write text to a temporary file and return its path (static buffer). */
static inline const char *
chiso_test_file(const char *name, const char *text)
{
    static char buf[8][512];
    static int k;
    FILE *f;
    const char *tmp = getenv("TMPDIR");

    k = (k + 1) % 8;
    snprintf(buf[k], sizeof(buf[k]), "%s/chiso_test_%ld_%s", tmp ? tmp : "/tmp",
             (long)getpid(), name);
    f = fopen(buf[k], "wb");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
    return buf[k];
}

#endif

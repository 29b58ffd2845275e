/*
 * test_number.c - numbers independent of the locale, and the shortest
 * round-trip formatter checked byte for byte against the search it
 * replaced (kept below as the reference).
 *
 * CHISO_NUMBER_SAMPLES sets the number of random values (default 1
 * million; the benchmark script runs more).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_util.h"
#include "chiso_dataset.h"

#include <cjson/cJSON.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The implementation before issue 16: up to 21 "%.*f" and 17 "%.*g"
 * attempts, each read back with strtod (run under the C locale here). */
static void
reference_format_double(double x, char *out, size_t len)
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

/* xorshift64*: seeded, so a failure reproduces */
static uint64_t
next_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

static double
bits_to_double(uint64_t b)
{
    double x;

    memcpy(&x, &b, sizeof(x));
    return x;
}

static void
check_one(double x)
{
    char a[64], b[64];

    chiso_format_double(x, a, sizeof(a));
    reference_format_double(x, b, sizeof(b));
    if (strcmp(a, b) != 0) {
        fail_msg("%.17g (%a): new '%s', reference '%s'", x, x, a, b);
    }
}

/* A value of the kind the given draw selects. */
static double
draw(uint64_t *s, int kind)
{
    uint64_t r = next_rand(s);
    double d = (double)(r >> 11) / 9007199254740992.0; /* [0, 1) */
    double sign = (r & 1) ? -1.0 : 1.0;

    switch (kind) {
    case 0: /* any bit pattern: subnormals, huge, tiny */
        return bits_to_double(r);
    case 1: /* subnormals */
        return bits_to_double(r & 0x800FFFFFFFFFFFFFull);
    case 2: /* integers */
        return sign * floor(d * pow(10.0, (double)(next_rand(s) % 17)));
    case 3: /* halves, quarters, eighths */
        return sign * floor(d * 1e6) / (double)(1u << (next_rand(s) % 4));
    case 4: { /* short decimals, as typed in a sheet */
        int dec = (int)(next_rand(s) % 8);
        return sign * floor(d * 1e7) / pow(10.0, dec);
    }
    case 5: /* around the switch points 1e-6 and 1e15 */
        return sign * (next_rand(s) & 2 ? 1e-6 : 1e15) *
               (1.0 + (d - 0.5) * 1e-9);
    case 6: /* ratios and percentages computed by chiso */
        return sign * 100.0 * d / (1.0 + (double)(next_rand(s) % 1000));
    default: /* neighbours of powers of ten and two */
        return nextafter(pow(10.0, (double)((int)(next_rand(s) % 40) - 20)),
                         (r & 2) ? (double)INFINITY : 0.0);
    }
}

static void
test_format_matches_reference(void **state)
{
    static const double fixed[] = {0.0,
                                   -0.0,
                                   1.0,
                                   0.1,
                                   0.5,
                                   2.675,
                                   85.5,
                                   100.0,
                                   1e-6,
                                   9.999999e-7,
                                   1e15,
                                   999999999999999.9,
                                   1e21,
                                   1.5e20,
                                   DBL_MAX,
                                   DBL_MIN,
                                   4.9406564584124654e-324,
                                   2.2250738585072009e-308,
                                   0.30000000000000004,
                                   123456789012345.67,
                                   1.2345678901234567e-6,
                                   9.5,
                                   0.95,
                                   99.95,
                                   5e-324};
    const char *env = getenv("CHISO_NUMBER_SAMPLES");
    long n = env != NULL ? atol(env) : 1000000;
    uint64_t s = 0x9E3779B97F4A7C15ull;
    size_t i;
    long k;

    (void)state;
    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        check_one(fixed[i]);
        check_one(-fixed[i]);
    }
    check_one(INFINITY);
    check_one(-INFINITY);
    check_one(NAN);
    for (k = 0; k < n; k++) {
        check_one(draw(&s, (int)(k % 8)));
    }
    /* the range of the exact integer digits (1e-6 .. 1e15, issue 16):
     * every bit pattern of the mantissa, exponents across it and around
     * its ends, and quotients as chiso computes them */
    for (k = 0; k < n / 4; k++) {
        uint64_t r = next_rand(&s);
        int e = (int)(next_rand(&s) % 74) - 23; /* 2^-23 .. 2^50 */
        double m = 1.0 + (double)(r >> 12) / 4503599627370496.0;
        check_one(ldexp(m, e));
        check_one((double)(r % 100000) / (double)(1 + next_rand(&s) % 997));
    }
}

/* Every comma-decimal locale the machine has (the test script generates
 * vi_VN.UTF-8 into LOCPATH); returns the name set, or NULL. */
static const char *
comma_locale(void)
{
    static const char *const names[] = {"vi_VN.UTF-8", "vi_VN.utf8",
                                        "de_DE.UTF-8", "de_DE.utf8",
                                        "fr_FR.UTF-8", NULL};
    size_t i;

    for (i = 0; names[i] != NULL; i++) {
        if (setlocale(LC_ALL, names[i]) != NULL &&
            strcmp(localeconv()->decimal_point, ",") == 0) {
            return names[i];
        }
    }
    setlocale(LC_ALL, "C");
    return NULL;
}

static void
test_locale_independent(void **state)
{
    const char *loc = comma_locale();
    char buf[64], *end;
    double v;
    chiso_csvw w;
    FILE *f;
    char *text = NULL;
    size_t len = 0;
    cJSON *o;

    (void)state;
    if (loc == NULL) {
        if (getenv("CHISO_REQUIRE_LOCALE") != NULL) {
            fail_msg("no comma-decimal locale (vi_VN.UTF-8) available");
        }
        print_message("SKIPPED: no comma-decimal locale could be set "
                      "(generate vi_VN.UTF-8, see tests/safety)\n");
        skip();
        return;
    }
    /* the process really is in a comma locale */
    snprintf(buf, sizeof(buf), "%.1f", 85.5);
    assert_string_equal(buf, "85,5");

    /* parsing: "85.5" is 85.5; strtod itself would stop at the '.' */
    v = chiso_strtod("85.5", &end);
    assert_true(v > 85.49 && v < 85.51);
    assert_int_equal(*end, '\0');
    assert_int_equal(chiso_parse_number("85.5", 4, &v), 0);
    assert_true(v > 85.49 && v < 85.51);
    /* a decimal comma typed in a sheet is still understood */
    assert_int_equal(chiso_parse_number("85,5", 4, &v), 0);
    assert_true(v > 85.49 && v < 85.51);

    /* printing */
    chiso_format_double(85.5, buf, sizeof(buf));
    assert_string_equal(buf, "85.5");
    chiso_format_double(1.5e20, buf, sizeof(buf));
    assert_string_equal(buf, "1.5e+20");
    chiso_snprintf(buf, sizeof(buf), "%.2f", 85.5);
    assert_string_equal(buf, "85.50");
    assert_true(fabs(chiso_round_sig(85.55555, 3) - 85.6) < 1e-12);
    assert_true(fabs(chiso_round_half_up(2.675, 2) - 2.68) < 1e-12);

    /* CSV and JSON writers */
    f = open_memstream(&text, &len);
    assert_non_null(f);
    chiso_csvw_init(&w, f, ',', 0);
    chiso_csvw_number(&w, 85.5);
    chiso_csvw_fixed(&w, 85.5, 2);
    chiso_csvw_end(&w);
    fclose(f);
    assert_string_equal(text, "85.5,85.50\n");
    free(text);

    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "x", 85.5);
    cJSON_AddNumberToObject(o, "n", 1e20);
    text = chiso_json_print(o);
    assert_string_equal(text, "{\n  \"x\": 85.5,\n  \"n\": 1e+20\n}\n");
    free(text);
    cJSON_Delete(o);
    /* cJSON's own parser (frameworks, configurations) in this locale */
    o = cJSON_Parse("{\"x\": 85.5}");
    assert_non_null(o);
    assert_true(fabs(cJSON_GetObjectItem(o, "x")->valuedouble - 85.5) < 1e-12);
    cJSON_Delete(o);

    /* diagnostics format numbers the same way */
    {
        chiso_diag d;
        chiso_diag_clear(&d);
        d.lang = CHISO_LANG_EN;
        chiso_diag_set(&d, CHISO_EDATA, "x.csv", 1, 1, "value %g", 85.5);
        assert_string_equal(d.message, "value 85.5");
    }
    setlocale(LC_ALL, "C");
}

/* chiso_strtod (its Eisel-Lemire path for plain decimals) against glibc's
 * strtod in the C locale: same bits and same end pointer, on every power
 * of ten of the table and its neighbours, on decimals just beside halfway
 * points between doubles, on random decimals of 1..21 digits with a point
 * anywhere and an exponent in [-90, 90], and on texts the fast path must
 * leave to strtod (spaces, hex, inf, nan, lone signs, "1e", subnormals). */
static void
expect_same(const char *s)
{
    char *e1, *e2;
    double a = strtod(s, &e1);
    double b = chiso_strtod(s, &e2);
    uint64_t ba, bb;

    memcpy(&ba, &a, sizeof(ba));
    memcpy(&bb, &b, sizeof(bb));
    if (ba != bb || e1 != e2) {
        fail_msg("chiso_strtod(\"%s\") = %.17g (+%d), strtod %.17g (+%d)", s, b,
                 (int)(e2 - s), a, (int)(e1 - s));
    }
}

static void
test_strtod_matches_libc(void **state)
{
    static const char *const odd[] = {
        "",
        "-",
        "+",
        ".",
        "-.",
        " 1.5",
        "0x1p3",
        "-0X10",
        "inf",
        "-nan",
        "1e",
        "1e+",
        "2.5E-x",
        "5.",
        "-.5",
        "+0",
        "-0",
        "-0.000",
        "00000000000000000000000001.5",
        "0.00000000000000000000000000000000000000000000000000000000001",
        "1.7976931348623157e308",
        "1.8e308",
        "4.9e-324",
        "2.2250738585072011e-308",
        "9007199254740993",
        "9007199254740992.5",
        "123456789012345678901234",
        "1234567890123456789",
        "12345678901234567890",
        "1e00005",
        "1e-64",
        "1e64",
        "1e65",
        "1e-65",
        "85,5",
        "3.14abc",
        NULL};
    char buf[96];
    uint64_t x = 88172645463325252u;
    double d;
    size_t i;
    int e, k, it;

    (void)state;
    setlocale(LC_ALL, "C");
    for (i = 0; odd[i] != NULL; i++) {
        expect_same(odd[i]);
    }
    for (e = -70; e <= 70; e++) {
        for (k = 1; k <= 9; k++) {
            snprintf(buf, sizeof(buf), "%de%d", k, e);
            expect_same(buf);
            snprintf(buf, sizeof(buf), "-%d.999999999999999999e%d", k, e);
            expect_same(buf);
        }
    }
    /* decimals beside the halfway point between two doubles: the 17- to
     * 19-digit texts of (a + b) / 2 and their last-digit neighbours */
    for (it = 0; it < 200000; it++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        d = ldexp((double)(x >> 11), (int)(x % 200) - 150);
        if (chiso_is_zero(d) || !isfinite(d)) {
            continue;
        }
        snprintf(buf, sizeof(buf), "%.18e",
                 d + (nextafter(d, INFINITY) - d) / 2);
        expect_same(buf);
        snprintf(buf, sizeof(buf), "%.16e", d);
        expect_same(buf);
        snprintf(buf, sizeof(buf), "%.17g", d);
        expect_same(buf);
    }
    /* random plain decimals */
    for (it = 0; it < 1000000; it++) {
        int nd, pt, pos = 0, j;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        nd = 1 + (int)(x % 21);
        pt = (int)((x >> 8) % (uint64_t)(nd + 2)) - 1;
        if ((x >> 16) & 1) {
            buf[pos++] = '-';
        }
        for (j = 0; j < nd; j++) {
            uint64_t r = x >> (20 + (j % 10) * 4);
            if (j == pt) {
                buf[pos++] = '.';
            }
            buf[pos++] = (char)('0' + (int)((r ^ (uint64_t)j * 7u) % 10u));
        }
        if ((x >> 60) & 1) {
            pos += snprintf(buf + pos, sizeof(buf) - (size_t)pos, "e%d",
                            (int)((x >> 40) % 181) - 90);
        }
        buf[pos] = '\0';
        expect_same(buf);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_matches_reference),
        cmocka_unit_test(test_locale_independent),
        cmocka_unit_test(test_strtod_matches_libc),
    };
    return cmocka_run_group_tests_name("number", tests, NULL, NULL);
}

/*
 * number.c - numbers read and written the same way under every locale.
 *
 * strtod() and printf() follow LC_NUMERIC: under vi_VN.UTF-8 they read
 * "85,5" and write 85.5 as "85,5". chiso's files (CSV, JSON) always use
 * '.', so every conversion here runs in the "C" locale through
 * uselocale(), which changes the calling thread only and is restored
 * before returning. glibc's newlocale(LC_ALL_MASK, "C", 0) returns its
 * static C locale object without allocating, so the switch costs a few
 * nanoseconds and keeps no state of ours (no global, nothing cached).
 *
 * chiso_format_double() gives the shortest text that reads back to the
 * same double, as "%.*f" with the fewest decimals for ordinary magnitudes
 * and "%.*g" otherwise. Counts, rates and typed values (at most 6
 * decimals, below 4e9) are found with integer arithmetic and no printf at
 * all; other values try 15 significant digits (enough for every value
 * typed as a decimal of at most 15 digits, then trailing zeros are
 * dropped), then 16, then 17 (always enough), and the fixed notation is
 * built from those digits: at most three printf/strtod pairs instead of
 * one per candidate precision (up to 38). tests/unit/test_number.c checks
 * it byte for byte against the previous search on millions of values;
 * tests/bench/bench_format.sh measures it.
 */
#define _GNU_SOURCE /* newlocale, uselocale */
#include "chiso_util.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
chiso_c_locale_enter(chiso_c_locale *s)
{
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);

    s->prev = NULL;
    s->c = NULL;
    if (c == (locale_t)0) {
        return; /* cannot happen with glibc; numbers follow the process */
    }
    s->c = (void *)c;
    s->prev = (void *)uselocale(c);
}

void
chiso_c_locale_leave(chiso_c_locale *s)
{
    if (s->c == NULL) {
        return;
    }
    uselocale((locale_t)s->prev);
    freelocale((locale_t)s->c);
    s->c = NULL;
    s->prev = NULL;
}

/*
 * 10^e for e in [-64, 64] as a 128-bit mantissa m (2^127 <= m < 2^128,
 * rounded down) with 10^e = m * 2^k: {high 64 bits, low 64 bits}. Written
 * by an exact integer computation (floor(10^e * 2^s), Python integers);
 * the method and the table's definition are those of D. Lemire, "Number
 * Parsing at a Gigabyte per Second" (2021) and Go's strconv
 * (detailedPowersOfTen). tests/unit/test_number.c checks the conversion
 * against strtod on every entry and millions of random decimals.
 */
#if defined(__SIZEOF_INT128__)
#define POW10_MIN (-64)
#define POW10_MAX 64
static const uint64_t pow10_128[POW10_MAX - POW10_MIN + 1][2] = {
    {0xa87fea27a539e9a5u, 0x3f2398d747b36224u}, /* 1e-64 */
    {0xd29fe4b18e88640eu, 0x8eec7f0d19a03aadu}, /* 1e-63 */
    {0x83a3eeeef9153e89u, 0x1953cf68300424acu}, /* 1e-62 */
    {0xa48ceaaab75a8e2bu, 0x5fa8c3423c052dd7u}, /* 1e-61 */
    {0xcdb02555653131b6u, 0x3792f412cb06794du}, /* 1e-60 */
    {0x808e17555f3ebf11u, 0xe2bbd88bbee40bd0u}, /* 1e-59 */
    {0xa0b19d2ab70e6ed6u, 0x5b6aceaeae9d0ec4u}, /* 1e-58 */
    {0xc8de047564d20a8bu, 0xf245825a5a445275u}, /* 1e-57 */
    {0xfb158592be068d2eu, 0xeed6e2f0f0d56712u}, /* 1e-56 */
    {0x9ced737bb6c4183du, 0x55464dd69685606bu}, /* 1e-55 */
    {0xc428d05aa4751e4cu, 0xaa97e14c3c26b886u}, /* 1e-54 */
    {0xf53304714d9265dfu, 0xd53dd99f4b3066a8u}, /* 1e-53 */
    {0x993fe2c6d07b7fabu, 0xe546a8038efe4029u}, /* 1e-52 */
    {0xbf8fdb78849a5f96u, 0xde98520472bdd033u}, /* 1e-51 */
    {0xef73d256a5c0f77cu, 0x963e66858f6d4440u}, /* 1e-50 */
    {0x95a8637627989aadu, 0xdde7001379a44aa8u}, /* 1e-49 */
    {0xbb127c53b17ec159u, 0x5560c018580d5d52u}, /* 1e-48 */
    {0xe9d71b689dde71afu, 0xaab8f01e6e10b4a6u}, /* 1e-47 */
    {0x9226712162ab070du, 0xcab3961304ca70e8u}, /* 1e-46 */
    {0xb6b00d69bb55c8d1u, 0x3d607b97c5fd0d22u}, /* 1e-45 */
    {0xe45c10c42a2b3b05u, 0x8cb89a7db77c506au}, /* 1e-44 */
    {0x8eb98a7a9a5b04e3u, 0x77f3608e92adb242u}, /* 1e-43 */
    {0xb267ed1940f1c61cu, 0x55f038b237591ed3u}, /* 1e-42 */
    {0xdf01e85f912e37a3u, 0x6b6c46dec52f6688u}, /* 1e-41 */
    {0x8b61313bbabce2c6u, 0x2323ac4b3b3da015u}, /* 1e-40 */
    {0xae397d8aa96c1b77u, 0xabec975e0a0d081au}, /* 1e-39 */
    {0xd9c7dced53c72255u, 0x96e7bd358c904a21u}, /* 1e-38 */
    {0x881cea14545c7575u, 0x7e50d64177da2e54u}, /* 1e-37 */
    {0xaa242499697392d2u, 0xdde50bd1d5d0b9e9u}, /* 1e-36 */
    {0xd4ad2dbfc3d07787u, 0x955e4ec64b44e864u}, /* 1e-35 */
    {0x84ec3c97da624ab4u, 0xbd5af13bef0b113eu}, /* 1e-34 */
    {0xa6274bbdd0fadd61u, 0xecb1ad8aeacdd58eu}, /* 1e-33 */
    {0xcfb11ead453994bau, 0x67de18eda5814af2u}, /* 1e-32 */
    {0x81ceb32c4b43fcf4u, 0x80eacf948770ced7u}, /* 1e-31 */
    {0xa2425ff75e14fc31u, 0xa1258379a94d028du}, /* 1e-30 */
    {0xcad2f7f5359a3b3eu, 0x096ee45813a04330u}, /* 1e-29 */
    {0xfd87b5f28300ca0du, 0x8bca9d6e188853fcu}, /* 1e-28 */
    {0x9e74d1b791e07e48u, 0x775ea264cf55347du}, /* 1e-27 */
    {0xc612062576589ddau, 0x95364afe032a819du}, /* 1e-26 */
    {0xf79687aed3eec551u, 0x3a83ddbd83f52204u}, /* 1e-25 */
    {0x9abe14cd44753b52u, 0xc4926a9672793542u}, /* 1e-24 */
    {0xc16d9a0095928a27u, 0x75b7053c0f178293u}, /* 1e-23 */
    {0xf1c90080baf72cb1u, 0x5324c68b12dd6338u}, /* 1e-22 */
    {0x971da05074da7beeu, 0xd3f6fc16ebca5e03u}, /* 1e-21 */
    {0xbce5086492111aeau, 0x88f4bb1ca6bcf584u}, /* 1e-20 */
    {0xec1e4a7db69561a5u, 0x2b31e9e3d06c32e5u}, /* 1e-19 */
    {0x9392ee8e921d5d07u, 0x3aff322e62439fcfu}, /* 1e-18 */
    {0xb877aa3236a4b449u, 0x09befeb9fad487c2u}, /* 1e-17 */
    {0xe69594bec44de15bu, 0x4c2ebe687989a9b3u}, /* 1e-16 */
    {0x901d7cf73ab0acd9u, 0x0f9d37014bf60a10u}, /* 1e-15 */
    {0xb424dc35095cd80fu, 0x538484c19ef38c94u}, /* 1e-14 */
    {0xe12e13424bb40e13u, 0x2865a5f206b06fb9u}, /* 1e-13 */
    {0x8cbccc096f5088cbu, 0xf93f87b7442e45d3u}, /* 1e-12 */
    {0xafebff0bcb24aafeu, 0xf78f69a51539d748u}, /* 1e-11 */
    {0xdbe6fecebdedd5beu, 0xb573440e5a884d1bu}, /* 1e-10 */
    {0x89705f4136b4a597u, 0x31680a88f8953030u}, /* 1e-9 */
    {0xabcc77118461cefcu, 0xfdc20d2b36ba7c3du}, /* 1e-8 */
    {0xd6bf94d5e57a42bcu, 0x3d32907604691b4cu}, /* 1e-7 */
    {0x8637bd05af6c69b5u, 0xa63f9a49c2c1b10fu}, /* 1e-6 */
    {0xa7c5ac471b478423u, 0x0fcf80dc33721d53u}, /* 1e-5 */
    {0xd1b71758e219652bu, 0xd3c36113404ea4a8u}, /* 1e-4 */
    {0x83126e978d4fdf3bu, 0x645a1cac083126e9u}, /* 1e-3 */
    {0xa3d70a3d70a3d70au, 0x3d70a3d70a3d70a3u}, /* 1e-2 */
    {0xccccccccccccccccu, 0xccccccccccccccccu}, /* 1e-1 */
    {0x8000000000000000u, 0x0000000000000000u}, /* 1e0 */
    {0xa000000000000000u, 0x0000000000000000u}, /* 1e1 */
    {0xc800000000000000u, 0x0000000000000000u}, /* 1e2 */
    {0xfa00000000000000u, 0x0000000000000000u}, /* 1e3 */
    {0x9c40000000000000u, 0x0000000000000000u}, /* 1e4 */
    {0xc350000000000000u, 0x0000000000000000u}, /* 1e5 */
    {0xf424000000000000u, 0x0000000000000000u}, /* 1e6 */
    {0x9896800000000000u, 0x0000000000000000u}, /* 1e7 */
    {0xbebc200000000000u, 0x0000000000000000u}, /* 1e8 */
    {0xee6b280000000000u, 0x0000000000000000u}, /* 1e9 */
    {0x9502f90000000000u, 0x0000000000000000u}, /* 1e10 */
    {0xba43b74000000000u, 0x0000000000000000u}, /* 1e11 */
    {0xe8d4a51000000000u, 0x0000000000000000u}, /* 1e12 */
    {0x9184e72a00000000u, 0x0000000000000000u}, /* 1e13 */
    {0xb5e620f480000000u, 0x0000000000000000u}, /* 1e14 */
    {0xe35fa931a0000000u, 0x0000000000000000u}, /* 1e15 */
    {0x8e1bc9bf04000000u, 0x0000000000000000u}, /* 1e16 */
    {0xb1a2bc2ec5000000u, 0x0000000000000000u}, /* 1e17 */
    {0xde0b6b3a76400000u, 0x0000000000000000u}, /* 1e18 */
    {0x8ac7230489e80000u, 0x0000000000000000u}, /* 1e19 */
    {0xad78ebc5ac620000u, 0x0000000000000000u}, /* 1e20 */
    {0xd8d726b7177a8000u, 0x0000000000000000u}, /* 1e21 */
    {0x878678326eac9000u, 0x0000000000000000u}, /* 1e22 */
    {0xa968163f0a57b400u, 0x0000000000000000u}, /* 1e23 */
    {0xd3c21bcecceda100u, 0x0000000000000000u}, /* 1e24 */
    {0x84595161401484a0u, 0x0000000000000000u}, /* 1e25 */
    {0xa56fa5b99019a5c8u, 0x0000000000000000u}, /* 1e26 */
    {0xcecb8f27f4200f3au, 0x0000000000000000u}, /* 1e27 */
    {0x813f3978f8940984u, 0x4000000000000000u}, /* 1e28 */
    {0xa18f07d736b90be5u, 0x5000000000000000u}, /* 1e29 */
    {0xc9f2c9cd04674edeu, 0xa400000000000000u}, /* 1e30 */
    {0xfc6f7c4045812296u, 0x4d00000000000000u}, /* 1e31 */
    {0x9dc5ada82b70b59du, 0xf020000000000000u}, /* 1e32 */
    {0xc5371912364ce305u, 0x6c28000000000000u}, /* 1e33 */
    {0xf684df56c3e01bc6u, 0xc732000000000000u}, /* 1e34 */
    {0x9a130b963a6c115cu, 0x3c7f400000000000u}, /* 1e35 */
    {0xc097ce7bc90715b3u, 0x4b9f100000000000u}, /* 1e36 */
    {0xf0bdc21abb48db20u, 0x1e86d40000000000u}, /* 1e37 */
    {0x96769950b50d88f4u, 0x1314448000000000u}, /* 1e38 */
    {0xbc143fa4e250eb31u, 0x17d955a000000000u}, /* 1e39 */
    {0xeb194f8e1ae525fdu, 0x5dcfab0800000000u}, /* 1e40 */
    {0x92efd1b8d0cf37beu, 0x5aa1cae500000000u}, /* 1e41 */
    {0xb7abc627050305adu, 0xf14a3d9e40000000u}, /* 1e42 */
    {0xe596b7b0c643c719u, 0x6d9ccd05d0000000u}, /* 1e43 */
    {0x8f7e32ce7bea5c6fu, 0xe4820023a2000000u}, /* 1e44 */
    {0xb35dbf821ae4f38bu, 0xdda2802c8a800000u}, /* 1e45 */
    {0xe0352f62a19e306eu, 0xd50b2037ad200000u}, /* 1e46 */
    {0x8c213d9da502de45u, 0x4526f422cc340000u}, /* 1e47 */
    {0xaf298d050e4395d6u, 0x9670b12b7f410000u}, /* 1e48 */
    {0xdaf3f04651d47b4cu, 0x3c0cdd765f114000u}, /* 1e49 */
    {0x88d8762bf324cd0fu, 0xa5880a69fb6ac800u}, /* 1e50 */
    {0xab0e93b6efee0053u, 0x8eea0d047a457a00u}, /* 1e51 */
    {0xd5d238a4abe98068u, 0x72a4904598d6d880u}, /* 1e52 */
    {0x85a36366eb71f041u, 0x47a6da2b7f864750u}, /* 1e53 */
    {0xa70c3c40a64e6c51u, 0x999090b65f67d924u}, /* 1e54 */
    {0xd0cf4b50cfe20765u, 0xfff4b4e3f741cf6du}, /* 1e55 */
    {0x82818f1281ed449fu, 0xbff8f10e7a8921a4u}, /* 1e56 */
    {0xa321f2d7226895c7u, 0xaff72d52192b6a0du}, /* 1e57 */
    {0xcbea6f8ceb02bb39u, 0x9bf4f8a69f764490u}, /* 1e58 */
    {0xfee50b7025c36a08u, 0x02f236d04753d5b4u}, /* 1e59 */
    {0x9f4f2726179a2245u, 0x01d762422c946590u}, /* 1e60 */
    {0xc722f0ef9d80aad6u, 0x424d3ad2b7b97ef5u}, /* 1e61 */
    {0xf8ebad2b84e0d58bu, 0xd2e0898765a7deb2u}, /* 1e62 */
    {0x9b934c3b330c8577u, 0x63cc55f49f88eb2fu}, /* 1e63 */
    {0xc2781f49ffcfa6d5u, 0x3cbf6b71c76b25fbu}, /* 1e64 */
};
#endif

/*
 * The double nearest to mant x 10^exp10 (ties to even, exactly what
 * strtod returns for that decimal), by the Eisel-Lemire method: one or two
 * 64 x 128-bit products with a table of powers of ten. Returns 1 and sets
 * *out when the result is certain; 0 when the caller must use strtod
 * (exp10 outside [-64, 64], a product too close to a halfway point, a
 * subnormal or infinite result, or no 128-bit integers).
 */
static int
decimal_to_double(uint64_t mant, int exp10, int neg, double *out)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 x;
    uint64_t xhi, xlo, m, bits;
    const uint64_t *p;
    int64_t e2;
    int clz, msb;

    if (mant == 0) {
        *out = neg ? -0.0 : 0.0;
        return 1;
    }
    if (exp10 < POW10_MIN || exp10 > POW10_MAX) {
        return 0;
    }
    p = pow10_128[exp10 - POW10_MIN];
    clz = __builtin_clzll(mant);
    mant <<= clz;
    /* floor(exp10 * log2(10)) for |exp10| <= 64: 217706 / 2^16 */
    e2 = (int64_t)217706 * exp10;
    e2 = (e2 >= 0 ? e2 >> 16 : -((-e2 + 65535) >> 16)) + 64 + 1023 - clz;
    x = (u128)mant * p[0];
    xhi = (uint64_t)(x >> 64);
    xlo = (uint64_t)x;
    if ((xhi & 0x1FF) == 0x1FF && xlo + mant < mant) {
        /* the truncated high product may be off: add the low word's */
        u128 y = (u128)mant * p[1];
        uint64_t yhi = (uint64_t)(y >> 64), ylo = (uint64_t)y;
        uint64_t mhi = xhi, mlo = xlo + yhi;
        if (mlo < xlo) {
            mhi++;
        }
        if ((mhi & 0x1FF) == 0x1FF && mlo + 1 == 0 && ylo + mant < mant) {
            return 0;
        }
        xhi = mhi;
        xlo = mlo;
    }
    msb = (int)(xhi >> 63);
    m = xhi >> (msb + 9);
    e2 -= 1 ^ msb;
    if (xlo == 0 && (xhi & 0x1FF) == 0 && (m & 3) == 1) {
        return 0; /* exactly halfway as far as 128 bits tell */
    }
    m += m & 1;
    m >>= 1;
    if (m >> 53) {
        m >>= 1;
        e2++;
    }
    if (e2 <= 0 || e2 >= 0x7FF) {
        return 0; /* subnormal, zero by underflow or infinite */
    }
    bits = ((uint64_t)e2 << 52) | (m & 0x000FFFFFFFFFFFFFu);
    if (neg) {
        bits |= 0x8000000000000000u;
    }
    memcpy(out, &bits, sizeof(bits));
    return 1;
#else
    (void)mant;
    (void)exp10;
    (void)neg;
    (void)out;
    return 0;
#endif
}

int
chiso_strtod_plain(const char *s, char **end, double *out)
{
    const unsigned char *p = (const unsigned char *)s;
    uint64_t mant = 0;
    int neg = 0, sig = 0, nd = 0, exp10 = 0;

    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        return 0;
    }
    for (; *p >= '0' && *p <= '9'; p++, nd++) {
        if (mant != 0 || *p != '0') {
            if (++sig > 19) {
                return 0;
            }
            mant = mant * 10 + (uint64_t)(*p - '0');
        }
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, nd++) {
            if (mant != 0 || *p != '0') {
                if (++sig > 19) {
                    return 0;
                }
                mant = mant * 10 + (uint64_t)(*p - '0');
            }
            exp10--;
        }
    }
    if (nd == 0) {
        return 0;
    }
    if (*p == 'e' || *p == 'E') {
        const unsigned char *q = p + 1;
        int eneg = 0, ev = 0, ed = 0;
        if (*q == '-' || *q == '+') {
            eneg = *q == '-';
            q++;
        }
        for (; *q >= '0' && *q <= '9'; q++) {
            if (++ed > 4) {
                return 0;
            }
            ev = ev * 10 + (*q - '0');
        }
        if (ed > 0) {
            exp10 += eneg ? -ev : ev;
            p = q;
        }
    }
    if (!decimal_to_double(mant, exp10, neg, out)) {
        return 0;
    }
    if (end != NULL) {
        *end = (char *)(uintptr_t)p;
    }
    return 1;
}

double
chiso_strtod(const char *s, char **end)
{
    chiso_c_locale l;
    double v;

    if (chiso_strtod_plain(s, end, &v)) {
        return v;
    }
    chiso_c_locale_enter(&l);
    v = strtod(s, end);
    chiso_c_locale_leave(&l);
    return v;
}

int
chiso_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
    chiso_c_locale l;
    int n;

    chiso_c_locale_enter(&l);
    n = vsnprintf(buf, len, fmt, ap);
    chiso_c_locale_leave(&l);
    return n;
}

int
chiso_snprintf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = chiso_vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return n;
}

/* Does the text read back (C locale, already entered) to exactly x? */
static int
reads_back(const char *s, double x)
{
    double y = strtod(s, NULL);

    return !(y < x) && !(y > x);
}

/*
 * Split "%.*e" output ("-d.ddde+XX") into its digits and exponent. The
 * caller runs in the C locale, so the separator is '.'.
 */
static size_t
split_e(const char *e, char *dig, int *exp10)
{
    size_t k = 0;

    if (*e == '-') {
        e++;
    }
    for (; *e != '\0' && *e != 'e'; e++) {
        if (*e >= '0' && *e <= '9') {
            dig[k++] = *e;
        }
    }
    *exp10 = *e == 'e' ? atoi(e + 1) : 0;
    return k;
}

/*
 * The P significant digits (P = 15, 16 or 17) that "%.{P-1}e" prints for
 * ax, 1e-6 <= ax < 1e15, with integer arithmetic instead of printf: ax =
 * m 2^e exactly (m < 2^53, e < 0), so ax 10^s = m 10^s / 2^-e, with s = P -
 * 1 - E and E the decimal exponent (0 <= s <= 22: m 10^s < 2^127), rounded
 * to the nearest integer, ties to even, as glibc's printf rounds. Writes
 * the digits to dig (no NUL) and E to *exp10. When check is set, also
 * tells whether the digits read back to ax (what strtod would do): the
 * decimal q 10^-s is within half a unit in the last place of ax (a quarter
 * below when m is a power of two: the gap below is half the gap above),
 * and a tie reads back when m is even. Returns 1 when the digits read back
 * (or check is 0), 0 when they do not, -1 when ax is out of this range.
 */
#if defined(__SIZEOF_INT128__)
static int
exact_digits(double ax, int P, int check, char *dig, int *exp10)
{
    static const uint64_t p10[20] = {1ull,
                                     10ull,
                                     100ull,
                                     1000ull,
                                     10000ull,
                                     100000ull,
                                     1000000ull,
                                     10000000ull,
                                     100000000ull,
                                     1000000000ull,
                                     10000000000ull,
                                     100000000000ull,
                                     1000000000000ull,
                                     10000000000000ull,
                                     100000000000000ull,
                                     1000000000000000ull,
                                     10000000000000000ull,
                                     100000000000000000ull,
                                     1000000000000000000ull,
                                     10000000000000000000ull};
    __extension__ typedef unsigned __int128 u128;
    int k, E, s, sh, tries;
    uint64_t m, q = 0;
    u128 prod, pow_s = 0, rem = 0, half, lo_p = 0, hi_p = 0;
    int up = 0;

    if (!(ax >= 1e-6 && ax < 1e15)) {
        return -1;
    }
    m = (uint64_t)ldexp(frexp(ax, &k), 53); /* exact: 53 bits */
    sh = 53 - k;                            /* ax = m / 2^sh */
    if (sh <= 0 || sh > 120) {
        return -1;
    }
    E = (int)floor(log10(ax));
    for (tries = 0; tries < 3; tries++) {
        s = P - 1 - E;
        if (s < 0 || s > 22) {
            return -1;
        }
        pow_s = s <= 19 ? (u128)p10[s] : (u128)p10[19] * p10[s - 19];
        prod = (u128)m * pow_s;
        q = (uint64_t)(prod >> sh); /* truncated: decides E */
        lo_p = (u128)p10[P - 1];
        hi_p = (u128)p10[P - 1] * 10;
        if ((u128)q >= hi_p) {
            E++; /* log10 was low by one */
        } else if ((u128)q < lo_p) {
            E--; /* or high */
        } else {
            break;
        }
    }
    if (tries == 3) {
        return -1;
    }
    rem = prod - ((u128)q << sh);
    half = (u128)1 << (sh - 1);
    up = rem > half || (rem == half && (q & 1));
    q += (uint64_t)up;
    if ((u128)q == hi_p) {
        q = p10[P - 1]; /* 9.99..95 -> 1.00..0e(E+1), as printf */
        E++;
    }
    for (k = P - 1; k >= 0; k--) {
        dig[k] = (char)('0' + q % 10);
        q /= 10;
    }
    *exp10 = E;
    if (!check || (rem == 0 && !up)) {
        return 1; /* exact */
    }
    {
        /* |q 10^-s - ax| = d / (2^sh 10^s); within the rounding interval
         * of ax when 2 d < 10^s (4 d below a power of two) */
        u128 d = up ? ((u128)1 << sh) - rem : rem;
        u128 lim = up || m != (1ull << 52) ? 2 * d : 4 * d;
        if (lim < pow_s) {
            return 1;
        }
        if (lim == pow_s) {
            return (m & 1) == 0;
        }
        return 0;
    }
}

#else
static int
exact_digits(double ax, int P, int check, char *dig, int *exp10)
{
    (void)ax, (void)P, (void)check, (void)dig, (void)exp10;
    return -1; /* no 128-bit integers: printf and strtod */
}
#endif

void
chiso_format_double(double x, char *out, size_t len)
{
    chiso_c_locale l;
    char e[48], dig[24], tmp[64];
    size_t k, n = 0, i;
    int p, exp10, prec, ok;
    double ax = fabs(x);

    if (chiso_is_zero(x)) {
        snprintf(out, len, "0");
        return;
    }
    if (!isfinite(x)) {
        chiso_c_locale_enter(&l);
        snprintf(out, len, "%.1g", x); /* "inf", "-inf", "nan" */
        chiso_c_locale_leave(&l);
        return;
    }
    if (ax >= 1e-6 && ax < 4e9) {
        /* the common case, a decimal with at most 6 places (counts, rates,
         * values typed in a sheet): r / 10^d == x exactly means the
         * d-place decimal r * 10^-d reads back to x (the division is
         * correctly rounded and both operands are exact), and below 4e9
         * no two 6-place decimals read back to the same double, so the
         * first d that works is the one "%.{d}f" would need */
        static const double p10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
        int d;
        for (d = 0; d <= 6; d++) {
            double r = nearbyint(x * p10[d]), q = r / p10[d];
            if (!(q < x) && !(q > x)) {
                char t[32];
                uint64_t u = (uint64_t)fabs(r);
                size_t nd = 0;
                do {
                    t[nd++] = (char)('0' + u % 10);
                    u /= 10;
                } while (u > 0);
                while (nd <= (size_t)d) {
                    t[nd++] = '0'; /* 0.05: zeros before the digits */
                }
                if (x < 0) {
                    tmp[n++] = '-';
                }
                while (nd > 0) {
                    if (nd == (size_t)d) {
                        tmp[n++] = '.';
                    }
                    tmp[n++] = t[--nd];
                }
                tmp[n] = '\0';
                if (len > 0) {
                    size_t c = n < len - 1 ? n : len - 1;
                    memcpy(out, tmp, c);
                    out[c] = '\0';
                }
                return;
            }
        }
    }
    chiso_c_locale_enter(&l);
    if (ax < DBL_MIN) {
        /* subnormals carry fewer than 53 bits, so 15 digits can be more
         * than the shortest: search (rare; the same as before) */
        for (prec = 1; prec <= 17; prec++) {
            snprintf(out, len, "%.*g", prec, x);
            if (reads_back(out, x)) {
                break;
            }
        }
        chiso_c_locale_leave(&l);
        return;
    }
    prec = 15;
    ok = exact_digits(ax, 15, 1, dig, &exp10);
    if (ok == 0) {
        prec = 16;
        ok = exact_digits(ax, 16, 1, dig, &exp10);
    }
    if (ok == 0) {
        prec = 17;
        ok = exact_digits(ax, 17, 0, dig, &exp10);
    }
    if (ok == 1) {
        k = (size_t)prec;
    } else {
        /* outside 1e-6..1e15: printf and strtod */
        for (prec = 15; prec < 17; prec++) {
            snprintf(e, sizeof(e), "%.*e", prec - 1, x);
            if (reads_back(e, x)) {
                break;
            }
        }
        if (prec == 17) {
            snprintf(e, sizeof(e), "%.16e", x); /* 17 digits always suffice */
        }
        k = split_e(e, dig, &exp10);
    }
    if (prec == 15) {
        /* a shorter decimal reads back only if it is these 15 digits with
         * trailing zeros: 15-digit decimals are further apart than the
         * interval that rounds to x */
        while (k > 1 && dig[k - 1] == '0') {
            k--;
        }
    }
    p = (int)k - 1 - exp10;
    if (p < 0) {
        p = 0;
    }
    if (ax >= 1e-6 && ax < 1e15 && p <= 20) {
        /* plain decimals ("100", "0.25"), as "%.{p}f" would print them */
        if (x < 0) {
            tmp[n++] = '-';
        }
        if (exp10 >= 0) {
            for (i = 0; i <= (size_t)exp10; i++) {
                tmp[n++] = i < k ? dig[i] : '0';
            }
            if (p > 0) {
                tmp[n++] = '.';
                for (i = (size_t)exp10 + 1; i < k; i++) {
                    tmp[n++] = dig[i];
                }
            }
        } else {
            tmp[n++] = '0';
            tmp[n++] = '.';
            for (i = 1; i < (size_t)(-exp10); i++) {
                tmp[n++] = '0';
            }
            for (i = 0; i < k; i++) {
                tmp[n++] = dig[i];
            }
        }
        tmp[n] = '\0';
        snprintf(out, len, "%s", tmp);
    } else {
        snprintf(out, len, "%.*g", (int)k, x);
    }
    chiso_c_locale_leave(&l);
}

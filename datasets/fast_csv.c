/*
 * fast_csv.c - the fast CSV tokenizer: one record at a time, exactly as
 * the reference reader (libcsv with CSV_STRICT, the reader's space rules,
 * '\n' records, blank lines skipped, NUL and invalid UTF-8 refused) cuts
 * well-formed input, at a fraction of its cost; anything else is left to
 * libcsv (CHISO__T_BAD), which then produces the message.
 *
 * Why: libcsv calls back per field and copies every byte into its entry
 * buffer, and the reference reader hands it one line at a time and checks
 * each line. This tokenizer scans a byte-class table over a buffer, skips
 * plain text 16 bytes at a time (SSE2), points at unquoted fields in place
 * and copies only fields with doubled quotes. It serves the sequential
 * reader (csv_reader.c: every table chiso reads, standard input included),
 * and the parallel runner of large files (table.c). The fuzz targets
 * tests/fuzz/fuzz_csv.c and fuzz_dossier_row.c check on every input that
 * both give the reference reader's rows, positions and messages.
 */
#include "datasets_int.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__SSE2__) && defined(__GNUC__) && defined(__x86_64__)
#define CHISO_UTF8_SSSE3 1
#include <tmmintrin.h>
#endif
#if defined(__SSE2__) && defined(__GNUC__) && defined(__x86_64__) &&           \
    !defined(CHISO_NO_AVX2)
#define CHISO_TOK_AVX2 1
#include <immintrin.h>
#endif

void
chiso__tok_init(chiso__tok *t, char delim)
{
    int c;

    memset(t, 0, sizeof(*t));
    t->delim = (unsigned char)delim;
    t->ucls[0] = t->ucls['\n'] = t->ucls['"'] = t->ucls[t->delim] = 1;
    t->qcls[0] = t->qcls['"'] = 1;
    for (c = 0; c < 256; c++) {
        t->sp[c] = (unsigned char)chiso__is_space((unsigned char)c, t->delim);
    }
#ifdef CHISO_UTF8_SSSE3
    t->simd_utf8 = (unsigned char)(__builtin_cpu_supports("ssse3") != 0);
#endif
#ifdef CHISO_TOK_AVX2
    t->simd_avx2 = (unsigned char)(__builtin_cpu_supports("avx2") != 0 &&
                                   __builtin_cpu_supports("bmi") != 0);
    if (__builtin_cpu_supports("avx2")) {
        t->simd_utf8 = 2;
    }
#endif
}

uint64_t
chiso__count_nl(const char *p, size_t n)
{
    const char *e = p + n;
    uint64_t c = 0;

    while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
        c++;
        p++;
    }
    return c;
}

/*
 * Byte scans. Plain fields are skipped 16 bytes at a time with SSE2 (part
 * of every x86-64 CPU) and byte by byte elsewhere; the stop sets are the
 * bytes libcsv treats specially. Bytes >= 0x80 are not stops: the record
 * is checked for UTF-8 once it is cut (first_nonascii).
 */
static const unsigned char *
scan_unquoted(const chiso__tok *T,
              const unsigned char *p,
              const unsigned char *e)
{
#if defined(__SSE2__)
    const __m128i vd = _mm_set1_epi8((char)T->delim);
    const __m128i vn = _mm_set1_epi8('\n');
    const __m128i vq = _mm_set1_epi8('"');
    const __m128i vz = _mm_setzero_si128();

    while (e - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, vd), _mm_cmpeq_epi8(x, vn)),
            _mm_or_si128(_mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vz)));
        int bits = _mm_movemask_epi8(m);
        if (bits != 0) {
            return p + __builtin_ctz((unsigned)bits);
        }
        p += 16;
    }
#endif
    while (p < e && !T->ucls[*p]) {
        p++;
    }
    return p;
}

static const unsigned char *
scan_quoted(const chiso__tok *T, const unsigned char *p, const unsigned char *e)
{
#if defined(__SSE2__)
    const __m128i vq = _mm_set1_epi8('"');
    const __m128i vz = _mm_setzero_si128();

    while (e - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        int bits = _mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vz)));
        if (bits != 0) {
            return p + __builtin_ctz((unsigned)bits);
        }
        p += 16;
    }
#endif
    while (p < e && !T->qcls[*p]) {
        p++;
    }
    return p;
}

static const unsigned char *
first_nonascii(const unsigned char *p, const unsigned char *e)
{
#if defined(__SSE2__)
    while (e - p >= 16) {
        int bits = _mm_movemask_epi8(
            _mm_loadu_si128((const __m128i *)(const void *)p));
        if (bits != 0) {
            return p + __builtin_ctz((unsigned)bits);
        }
        p += 16;
    }
#endif
    while (p < e && *p < 0x80) {
        p++;
    }
    return p < e ? p : NULL;
}

/* The rules of chiso_utf8_valid (shortest forms, no surrogates, at most
 * U+10FFFF), inlined for the hot path. */
static int
utf8_ok(const unsigned char *p, const unsigned char *e)
{
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
        } else if (c >= 0xC2 && c <= 0xDF) {
            if (e - p < 2 || (p[1] & 0xC0) != 0x80) {
                return 0;
            }
            p += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            unsigned v;
            if (e - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) {
                return 0;
            }
            v = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)) {
                return 0;
            }
            p += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            unsigned v;
            if (e - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
                (p[3] & 0xC0) != 0x80) {
                return 0;
            }
            v = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) |
                ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
            if (v < 0x10000 || v > 0x10FFFF) {
                return 0;
            }
            p += 4;
        } else {
            return 0;
        }
    }
    return 1;
}

#ifdef CHISO_UTF8_SSSE3
/*
 * The same rules 16 bytes at a time (the lookup algorithm of Keiser and
 * Lemire, "Validating UTF-8 in less than one instruction per byte", 2021):
 * three table lookups on the nibbles of each byte and the byte before it
 * flag every bad pair (too short, too long, overlong, surrogate, above
 * U+10FFFF, two continuations); a continuation two or three bytes after a
 * 3- or 4-byte lead is then required. The last block is padded with NULs,
 * which also catches a sequence cut at the end. Records of Vietnamese text
 * have a multi-byte letter every few bytes: the scalar loop's branches
 * were a tenth of the time of a task register.
 */
__attribute__((target("ssse3"))) static int
utf8_ok_ssse3(const unsigned char *p, const unsigned char *e)
{
    enum {
        TOO_SHORT = 1 << 0,
        TOO_LONG = 1 << 1,
        OVERLONG_3 = 1 << 2,
        TOO_LARGE = 1 << 3,
        SURROGATE = 1 << 4,
        OVERLONG_2 = 1 << 5,
        TOO_LARGE_1000 = 1 << 6,
        OVERLONG_4 = 1 << 6,
        TWO_CONTS = 1 << 7,
        CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS
    };
    const __m128i b1h = _mm_setr_epi8(
        TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
        TOO_LONG, (char)TWO_CONTS, (char)TWO_CONTS, (char)TWO_CONTS,
        (char)TWO_CONTS, TOO_SHORT | OVERLONG_2, TOO_SHORT,
        TOO_SHORT | OVERLONG_3 | SURROGATE,
        TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4);
    const __m128i b1l = _mm_setr_epi8(
        (char)(CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4),
        (char)(CARRY | OVERLONG_2), (char)CARRY, (char)CARRY,
        (char)(CARRY | TOO_LARGE), (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000));
    const __m128i b2h = _mm_setr_epi8(
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
        TOO_SHORT, TOO_SHORT,
        (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 |
               OVERLONG_4),
        (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE),
        (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),
        (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT);
    const __m128i low4 = _mm_set1_epi8(0x0F);
    const __m128i top = _mm_set1_epi8((char)0x80);
    const __m128i third = _mm_set1_epi8((char)(0xE0 - 0x80));
    const __m128i fourth = _mm_set1_epi8((char)(0xF0 - 0x80));
    __m128i prev = _mm_setzero_si128(), err = _mm_setzero_si128();
    int last = 0;

    while (!last) {
        __m128i in, p1, p2, p3, sc, must;
        if (e - p >= 16) {
            in = _mm_loadu_si128((const __m128i *)(const void *)p);
            p += 16;
        } else {
            unsigned char pad[16] = {0};
            memcpy(pad, p, (size_t)(e - p));
            in = _mm_loadu_si128((const __m128i *)(const void *)pad);
            p = e;
            last = 1;
        }
        p1 = _mm_alignr_epi8(in, prev, 15);
        p2 = _mm_alignr_epi8(in, prev, 14);
        p3 = _mm_alignr_epi8(in, prev, 13);
        sc = _mm_and_si128(
            _mm_and_si128(_mm_shuffle_epi8(
                              b1h, _mm_and_si128(_mm_srli_epi16(p1, 4), low4)),
                          _mm_shuffle_epi8(b1l, _mm_and_si128(p1, low4))),
            _mm_shuffle_epi8(b2h, _mm_and_si128(_mm_srli_epi16(in, 4), low4)));
        must = _mm_and_si128(
            _mm_or_si128(_mm_subs_epu8(p2, third), _mm_subs_epu8(p3, fourth)),
            top);
        err = _mm_or_si128(err, _mm_xor_si128(must, sc));
        prev = in;
    }
    return _mm_movemask_epi8(_mm_cmpeq_epi8(err, _mm_setzero_si128())) ==
           0xFFFF;
}
#endif

#ifdef CHISO_TOK_AVX2
/* utf8_ok_ssse3 32 bytes at a time (AVX2): the same tables in both
 * 128-bit lanes, the previous bytes taken across the lane boundary. */
__attribute__((target("avx2"))) static int
utf8_ok_avx2(const unsigned char *lo,
             const unsigned char *p,
             const unsigned char *e)
{
    enum {
        TOO_SHORT = 1 << 0,
        TOO_LONG = 1 << 1,
        OVERLONG_3 = 1 << 2,
        TOO_LARGE = 1 << 3,
        SURROGATE = 1 << 4,
        OVERLONG_2 = 1 << 5,
        TOO_LARGE_1000 = 1 << 6,
        OVERLONG_4 = 1 << 6,
        TWO_CONTS = 1 << 7,
        CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS
    };
    const __m256i b1h = _mm256_broadcastsi128_si256(_mm_setr_epi8(
        TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
        TOO_LONG, (char)TWO_CONTS, (char)TWO_CONTS, (char)TWO_CONTS,
        (char)TWO_CONTS, TOO_SHORT | OVERLONG_2, TOO_SHORT,
        TOO_SHORT | OVERLONG_3 | SURROGATE,
        TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4));
    const __m256i b1l = _mm256_broadcastsi128_si256(_mm_setr_epi8(
        (char)(CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4),
        (char)(CARRY | OVERLONG_2), (char)CARRY, (char)CARRY,
        (char)(CARRY | TOO_LARGE), (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
        (char)(CARRY | TOO_LARGE | TOO_LARGE_1000)));
    const __m256i b2h = _mm256_broadcastsi128_si256(_mm_setr_epi8(
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
        TOO_SHORT, TOO_SHORT,
        (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 |
               OVERLONG_4),
        (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE),
        (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),
        (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT));
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    const __m256i top = _mm256_set1_epi8((char)0x80);
    const __m256i third = _mm256_set1_epi8((char)(0xE0 - 0x80));
    const __m256i fourth = _mm256_set1_epi8((char)(0xF0 - 0x80));
    __m256i prev = _mm256_setzero_si256(), err = _mm256_setzero_si256();
    int last = 0;
    size_t blocks = ((size_t)(e - p) + 31) / 32;

    /* start earlier, in the ASCII before p, so as to end on a whole
     * block: copying the last bytes into a padded block stalls the load
     * that reads it (the bytes were just stored one by one) */
    if ((size_t)(e - lo) >= blocks * 32) {
        p = e - blocks * 32;
    }
    while (!last) {
        __m256i in, cross, p1, p2, p3, sc, must;
        if (p == e) {
            /* ended on a whole block: no sequence may be cut at its end
             * (a lead byte in the last, 3- or 4-byte lead in the last
             * two or three bytes) */
            const __m256i max = _mm256_setr_epi8(
                -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, (char)0xEF,
                (char)0xDF, (char)0xBF);
            err = _mm256_or_si256(err, _mm256_subs_epu8(prev, max));
            break;
        }
        if (e - p >= 32) {
            in = _mm256_loadu_si256((const __m256i *)(const void *)p);
            p += 32;
        } else {
            unsigned char pad[32] = {0};
            memcpy(pad, p, (size_t)(e - p));
            in = _mm256_loadu_si256((const __m256i *)(const void *)pad);
            p = e;
            last = 1;
        }
        /* [prev's high lane, in's low lane]: the 16 bytes before each
         * lane of in */
        cross = _mm256_permute2x128_si256(prev, in, 0x21);
        p1 = _mm256_alignr_epi8(in, cross, 15);
        p2 = _mm256_alignr_epi8(in, cross, 14);
        p3 = _mm256_alignr_epi8(in, cross, 13);
        sc = _mm256_and_si256(
            _mm256_and_si256(
                _mm256_shuffle_epi8(
                    b1h, _mm256_and_si256(_mm256_srli_epi16(p1, 4), low4)),
                _mm256_shuffle_epi8(b1l, _mm256_and_si256(p1, low4))),
            _mm256_shuffle_epi8(
                b2h, _mm256_and_si256(_mm256_srli_epi16(in, 4), low4)));
        must = _mm256_and_si256(_mm256_or_si256(_mm256_subs_epu8(p2, third),
                                                _mm256_subs_epu8(p3, fourth)),
                                top);
        err = _mm256_or_si256(err, _mm256_xor_si256(must, sc));
        prev = in;
    }
    return _mm256_testz_si256(err, err);
}
#endif

int
chiso__utf8_check(const chiso__tok *T,
                  const unsigned char *lo,
                  const unsigned char *p,
                  const unsigned char *e)
{
#ifdef CHISO_TOK_AVX2
    if (T->simd_utf8 == 2) {
        return utf8_ok_avx2(lo, p, e);
    }
#else
    (void)lo;
#endif
#ifdef CHISO_UTF8_SSSE3
    if (T->simd_utf8) {
        return utf8_ok_ssse3(p, e);
    }
#else
    (void)T;
#endif
    return utf8_ok(p, e);
}

static int
add_field(chiso__fields *J, size_t *nf, const char *s, size_t n)
{
    if (*nf == J->cap) {
        return -1;
    }
    J->f[*nf] = s;
    J->len[*nf] = n;
    (*nf)++;
    return 0;
}

#if defined(__SSE2__)
/* Field [a, fe) with the spaces at both ends trimmed. */
static inline int
put_trimmed(const chiso__tok *T,
            chiso__fields *J,
            size_t *n,
            const unsigned char *a,
            const unsigned char *fe)
{
    while (a < fe && T->sp[*a]) {
        a++;
    }
    while (fe > a && T->sp[fe[-1]]) {
        fe--;
    }
    if (*n == J->cap) {
        return -1;
    }
    J->f[*n] = (const char *)a;
    J->len[*n] = (size_t)(fe - a);
    (*n)++;
    return 0;
}

/*
 * The end of a plain record (both the 16- and the 64-byte scans): its last
 * field [fs, nl), blank or a row, its UTF-8 checked from hi, the first
 * byte above 0x7F (NULL: none).
 */
static inline int
plain_end(const chiso__tok *T,
          chiso__fields *J,
          size_t n,
          const unsigned char *p0,
          const unsigned char *fs,
          const unsigned char *nl,
          const unsigned char *hi,
          size_t *nf,
          size_t *used)
{
    if (put_trimmed(T, J, &n, fs, nl) != 0) {
        *nf = n;
        return CHISO__T_BAD;
    }
    *used = (size_t)(nl + 1 - p0);
    if (n == 1 && J->len[0] == 0) {
        /* no delimiter and only spaces: libcsv reports no row */
        *nf = 0;
        return CHISO__T_BLANK;
    }
    *nf = n;
    if (hi != NULL && !chiso__utf8_check(T, p0, hi, nl + 1)) {
        return CHISO__T_BAD;
    }
    return CHISO__T_ROW;
}

/*
 * The common record: no quote and no NUL before its '\n', which lies
 * within [p0, end). Its fields are then the bytes between delimiters with
 * the spaces at both ends trimmed, which is what the general loop below
 * makes of them (a record of spaces alone is blank); the delimiters and
 * the '\n' are found 16 bytes at a time. Returns a CHISO__T_* as
 * chiso__tokenize, or -1 when a quote or a NUL comes first (or the buffer
 * ends): then the fields before it are in J (*nf of them) and the general
 * loop carries on from *resume, the start of the field that holds it.
 */
static int
tokenize_plain(const chiso__tok *T,
               chiso__fields *J,
               const unsigned char *p0,
               const unsigned char *e,
               size_t *nf,
               size_t *used,
               const unsigned char **resume)
{
    const __m128i vd = _mm_set1_epi8((char)T->delim);
    const __m128i vn = _mm_set1_epi8('\n');
    const __m128i vq = _mm_set1_epi8('"');
    const __m128i vz = _mm_setzero_si128();
    const unsigned char *q = p0, *fs = p0, *hi = NULL, *nl;
    size_t n = 0;

    for (;; q += 16) {
        __m128i x;
        unsigned dm, nm, bm, hm;
        if (e - q < 16) {
            *nf = n;
            *resume = fs;
            return -1;
        }
        x = _mm_loadu_si128((const __m128i *)(const void *)q);
        nm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vn));
        dm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vd));
        bm = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vz)));
        hm = (unsigned)_mm_movemask_epi8(x);
        if (nm != 0) {
            /* only the bytes before the '\n' count */
            unsigned below = (nm & (0u - nm)) - 1u;
            dm &= below;
            bm &= below;
            hm &= below;
        }
        if (bm != 0) {
            /* the fields ended before the quote are cut */
            dm &= (bm & (0u - bm)) - 1u;
            while (dm != 0) {
                const unsigned char *fe = q + __builtin_ctz(dm);
                dm &= dm - 1u;
                if (put_trimmed(T, J, &n, fs, fe) != 0) {
                    *nf = n; /* == J->cap: the caller may grow and retry */
                    return CHISO__T_BAD;
                }
                fs = fe + 1;
            }
            *nf = n;
            *resume = fs;
            return -1;
        }
        if (hm != 0 && hi == NULL) {
            hi = q + __builtin_ctz(hm);
        }
        while (dm != 0) {
            const unsigned char *fe = q + __builtin_ctz(dm);
            dm &= dm - 1u;
            if (put_trimmed(T, J, &n, fs, fe) != 0) {
                *nf = n;
                return CHISO__T_BAD;
            }
            fs = fe + 1;
        }
        if (nm != 0) {
            nl = q + __builtin_ctz(nm);
            break;
        }
    }
    return plain_end(T, J, n, p0, fs, nl, hi, nf, used);
}
#endif

#ifdef CHISO_TOK_AVX2
/* Bytes of [q, q+64) equal to c's byte, as bits. */
__attribute__((target("avx2,bmi"))) static inline uint64_t
eq64(__m256i a, __m256i b, __m256i c)
{
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, c)) |
           (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, c))
               << 32;
}

/*
 * tokenize_plain 64 bytes at a time (AVX2, chosen at run time): the
 * delimiters, the '\n', the quotes and NULs, and the bytes >= 0x80 of a
 * 64-byte window as bit masks, the fields cut from the delimiter mask.
 * Same contract and same results as tokenize_plain; a record that reaches
 * within 64 bytes of the buffer's end goes on in the general loop (from
 * the start of the field it is in, as at a quote). The unit test
 * test_tokenize_avx2 and the fuzz target fuzz_csv compare both paths.
 */
/*
 * The fields ending at the delimiters dm marks in the 64 bytes at q, the
 * first starting at *fs: stored as they are when nothing needs trimming
 * and all fit, else trimmed one by one. -1 when the array is full.
 */
__attribute__((target("avx2,bmi,popcnt"))) static inline int
cut_fields64(const chiso__tok *T,
             chiso__fields *J,
             size_t *n,
             const unsigned char **fs,
             const unsigned char *q,
             uint64_t dm,
             int trim)
{
    if (!trim && *n + (size_t)__builtin_popcountll(dm) < J->cap) {
        /* nothing to trim and room for every field: store them */
        while (dm != 0) {
            const unsigned char *fe = q + __builtin_ctzll(dm);
            dm &= dm - 1;
            J->f[*n] = (const char *)*fs;
            J->len[*n] = (size_t)(fe - *fs);
            (*n)++;
            *fs = fe + 1;
        }
    }
    while (dm != 0) {
        const unsigned char *fe = q + __builtin_ctzll(dm);
        dm &= dm - 1;
        if (put_trimmed(T, J, n, *fs, fe) != 0) {
            return -1;
        }
        *fs = fe + 1;
    }
    return 0;
}

__attribute__((target("avx2,bmi,popcnt"))) static int
tokenize_plain_avx2(const chiso__tok *T,
                    chiso__fields *J,
                    const unsigned char *p0,
                    const unsigned char *e,
                    size_t *nf,
                    size_t *used,
                    const unsigned char **resume)
{
    const __m256i vd = _mm256_set1_epi8((char)T->delim);
    const __m256i vn = _mm256_set1_epi8('\n');
    const __m256i vq = _mm256_set1_epi8('"');
    const __m256i vz = _mm256_setzero_si256();
    const __m256i v20 = _mm256_set1_epi8(0x20);
    const unsigned char *q = p0, *fs = p0, *hi = NULL, *nl;
    size_t n = 0;
    uint64_t after = 1, last_sp = 0;
    int trim = 0;

    for (;; q += 64) {
        __m256i x0, x1;
        uint64_t dm, nm, bm, hm, sm, bd;
        if (e - q < 64) {
            *nf = n;
            *resume = fs;
            return -1;
        }
        x0 = _mm256_loadu_si256((const __m256i *)(const void *)q);
        x1 = _mm256_loadu_si256((const __m256i *)(const void *)(q + 32));
        nm = eq64(x0, x1, vn);
        dm = eq64(x0, x1, vd);
        bm = eq64(x0, x1, vq) | eq64(x0, x1, vz);
        hm = (uint64_t)(uint32_t)_mm256_movemask_epi8(x0) |
             (uint64_t)(uint32_t)_mm256_movemask_epi8(x1) << 32;
        /* a space (the bytes T->sp trims) first or last in a field, i.e.
         * just after or just before a delimiter or the '\n' (or first in
         * the record): then the fields are trimmed byte by byte. Each
         * field's first and last bytes lie in this window or an earlier
         * one, so the test is made before its fields are cut. */
        sm = eq64(_mm256_max_epu8(x0, v20), _mm256_max_epu8(x1, v20), v20);
        bd = dm | nm;
        sm &= ~bd; /* bytes <= 0x20 but the ends: all spaces among them */
        trim |= ((sm & ((bd << 1) | after)) | (sm & (bd >> 1)) |
                 (last_sp & bd & 1)) != 0;
        after = bd >> 63;
        last_sp = sm >> 63;
        if (nm != 0) {
            /* only the bytes before the '\n' count */
            uint64_t below = (nm & (0 - nm)) - 1;
            dm &= below;
            bm &= below;
            hm &= below;
        }
        if (bm != 0) {
            /* the fields ended before the quote are cut */
            dm &= (bm & (0 - bm)) - 1;
            if (cut_fields64(T, J, &n, &fs, q, dm, trim) != 0) {
                *nf = n; /* == J->cap: the caller may grow and retry */
                return CHISO__T_BAD;
            }
            *nf = n;
            *resume = fs;
            return -1;
        }
        if (hm != 0 && hi == NULL) {
            hi = q + __builtin_ctzll(hm);
        }
        if (cut_fields64(T, J, &n, &fs, q, dm, trim) != 0) {
            *nf = n;
            return CHISO__T_BAD;
        }
        if (nm != 0) {
            nl = q + __builtin_ctzll(nm);
            break;
        }
    }
    return plain_end(T, J, n, p0, fs, nl, hi, nf, used);
}
#endif

/*
 * Tokenize one record starting at p0 (libcsv state ROW_NOT_BEGUN) within
 * [p0, end). at_eof: end is the end of the input. On CHISO__T_ROW or CHISO__T_BLANK,
 * *used is the byte count consumed (through the '\n').
 */
int
chiso__tokenize(const chiso__tok *T,
                chiso__fields *J,
                const char *p0,
                const char *end,
                int at_eof,
                size_t *nf,
                size_t *used,
                int *quoted)
{
    const unsigned char *p = (const unsigned char *)p0;
    const unsigned char *e = (const unsigned char *)end;
    const unsigned char d = T->delim;
    const unsigned char *nonascii;

    *nf = 0;
    *quoted = 0;
    J->scratch_len = 0;
#if defined(__SSE2__)
    {
        const unsigned char *resume = p;
        int k;
#ifdef CHISO_TOK_AVX2
        if (T->simd_avx2 && e - p >= 64) {
            k = tokenize_plain_avx2(T, J, p, e, nf, used, &resume);
        } else
#endif
            k = tokenize_plain(T, J, p, e, nf, used, &resume);
        if (k >= 0) {
            return k;
        }
        p = resume;
    }
#endif
    for (;;) {
        const unsigned char *fs;
        /* ROW_NOT_BEGUN / FIELD_NOT_BEGUN: leading spaces are skipped */
        while (p < e && T->sp[*p]) {
            p++;
        }
        if (p == e) {
            if (!at_eof) {
                return CHISO__T_MORE;
            }
            if (*nf == 0) {
                *used = (size_t)(p - (const unsigned char *)p0);
                return CHISO__T_BLANK;
            }
            /* csv_fini in FIELD_NOT_BEGUN: an empty last field */
            if (add_field(J, nf, (const char *)p, 0) != 0) {
                return CHISO__T_BAD;
            }
            goto row_done;
        }
        if (*p == '\n') {
            if (*nf == 0) {
                *used = (size_t)(p + 1 - (const unsigned char *)p0);
                return CHISO__T_BLANK; /* libcsv does not report empty rows */
            }
            if (add_field(J, nf, (const char *)p, 0) != 0) {
                return CHISO__T_BAD;
            }
            p++;
            goto row_done;
        }
        if (*p == d) {
            if (add_field(J, nf, (const char *)p, 0) != 0) {
                return CHISO__T_BAD;
            }
            p++;
            continue;
        }
        if (*p != '"') {
            /* unquoted: up to the delimiter or '\n'; trailing spaces go */
            const unsigned char *fe;
            fs = p;
            p = scan_unquoted(T, p, e);
            if (p == e && !at_eof) {
                return CHISO__T_MORE;
            }
            if (p < e && (*p == '"' || *p == 0)) {
                return CHISO__T_BAD; /* CSV_STRICT: quote inside unquoted field */
            }
            fe = p;
            while (fe > fs && T->sp[fe[-1]]) {
                fe--;
            }
            if (add_field(J, nf, (const char *)fs, (size_t)(fe - fs)) != 0) {
                return CHISO__T_BAD;
            }
            if (p == e) {
                goto row_done; /* csv_fini in FIELD_BEGUN */
            }
            if (*p++ == '\n') {
                goto row_done;
            }
            continue;
        }
        /* quoted: "" is a quote; after the closing quote only spaces, then
         * the delimiter or '\n' */
        {
            size_t s0 = J->scratch_len;
            int escaped = 0;
            *quoted = 1;
            p++;
            fs = p;
            for (;;) {
                p = scan_quoted(T, p, e);
                if (p == e) {
                    return at_eof ? CHISO__T_BAD
                                  : CHISO__T_MORE; /* unterminated */
                }
                if (*p == 0) {
                    return CHISO__T_BAD;
                }
                /* a quote */
                if (p + 1 == e && !at_eof) {
                    return CHISO__T_MORE;
                }
                if (p + 1 < e && p[1] == '"') {
                    size_t n = (size_t)(p + 1 - fs);
                    if (J->scratch_len + n > J->scratch_cap) {
                        return CHISO__T_BAD;
                    }
                    memcpy(J->scratch + J->scratch_len, fs, n);
                    J->scratch_len += n;
                    escaped = 1;
                    p += 2;
                    fs = p;
                    continue;
                }
                break;
            }
            if (escaped) {
                size_t n = (size_t)(p - fs);
                if (J->scratch_len + n > J->scratch_cap) {
                    return CHISO__T_BAD;
                }
                memcpy(J->scratch + J->scratch_len, fs, n);
                J->scratch_len += n;
                if (add_field(J, nf, J->scratch + s0, J->scratch_len - s0) !=
                    0) {
                    return CHISO__T_BAD;
                }
            } else if (add_field(J, nf, (const char *)fs, (size_t)(p - fs)) !=
                       0) {
                return CHISO__T_BAD;
            }
            p++; /* the closing quote */
            while (p < e && T->sp[*p]) {
                p++;
            }
            if (p == e) {
                if (!at_eof) {
                    return CHISO__T_MORE;
                }
                goto row_done;
            }
            if (*p == d) {
                p++;
                continue;
            }
            if (*p == '\n') {
                p++;
                goto row_done;
            }
            return CHISO__T_BAD;
        }
    }
row_done:
    *used = (size_t)(p - (const unsigned char *)p0);
    /* ASCII is always valid: validate from the first other byte on */
    nonascii = first_nonascii((const unsigned char *)p0, p);
    if (nonascii != NULL &&
        !chiso__utf8_check(T, (const unsigned char *)p0, nonascii, p)) {
        return CHISO__T_BAD;
    }
    return CHISO__T_ROW;
}

/*
 * Where field k of the raw record [s, e) starts, exactly as the reference
 * reader's chiso_csv_field_position() finds it (csv_reader.c scan_record +
 * col_at): leading spaces skipped, quotes followed, a missing field placed
 * just past the record's text.
 */
void
chiso__raw_position(const char *s,
                    const char *e,
                    unsigned char delim,
                    size_t k,
                    unsigned long *rel_line,
                    unsigned long *column)
{
    const char *i = s, *fstart = s, *ls = s, *f_ls = s;
    unsigned long ln = 0, f_line = 0;
    size_t field = 0;
    int inq = 0, at_field_start = 1, found = 0;

    for (; i < e; i++) {
        char c = *i;
        if (at_field_start && (c == ' ' || (c == '\t' && delim != '\t'))) {
            continue;
        }
        if (at_field_start && field == k && !found) {
            f_line = ln;
            f_ls = ls;
            fstart = i;
            found = 1;
        }
        at_field_start = 0;
        if (inq) {
            if (c == '"') {
                if (i + 1 < e && i[1] == '"') {
                    i++;
                } else {
                    inq = 0;
                }
            } else if (c == '\n') {
                ln++;
                ls = i + 1;
            }
            continue;
        }
        if (c == '"') {
            inq = 1;
        } else if (c == (char)delim) {
            field++;
            at_field_start = 1;
        } else if (c == '\n') {
            break;
        }
    }
    if (!found) {
        while (i > s && (i[-1] == '\n' || i[-1] == '\r')) {
            i--;
        }
        fstart = i;
        f_line = ln;
        f_ls = ls;
    }
    *rel_line = f_line;
    *column =
        (unsigned long)chiso_utf8_count(f_ls, (size_t)(fstart - f_ls)) + 1;
}

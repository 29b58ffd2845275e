/*
 * sha256.c - SHA-256 (FIPS 180-4), for the digests of a report pack's
 * manifest. Small and dependency-free; checked against the FIPS test
 * vectors in tests/unit/test_output.c.
 */
#include "chiso_util.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CHISO_SHA_NI 1
#endif

static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu,
    0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u, 0xd807aa98u, 0x12835b01u,
    0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u,
    0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu,
    0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u,
    0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u,
    0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u,
    0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u, 0x1e376c08u,
    0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu,
    0x682e6ff3u, 0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
    0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u};

static uint32_t
ror(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void
block(chiso_sha256 *s, const unsigned char *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
    unsigned i;

    for (i = 0; i < 16; i++) {
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    }
    for (i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = s->h[0];
    b = s->h[1];
    c = s->h[2];
    d = s->h[3];
    e = s->h[4];
    f = s->h[5];
    g = s->h[6];
    h = s->h[7];
    for (i = 0; i < 64; i++) {
        t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) +
             K[i] + w[i];
        t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
             ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
    s->h[5] += f;
    s->h[6] += g;
    s->h[7] += h;
}

#ifdef CHISO_SHA_NI
/*
 * The same compression with the x86 SHA extensions (SHA-NI: most CPUs
 * since 2017), about eight times the speed of block(): the digests of a
 * report pack (several MB, read back twice per run) were a fifth of its
 * time. Same arithmetic, same digests; block() is used where the
 * instructions are missing, and the FIPS vectors in
 * tests/unit/test_output.c pass through whichever this CPU runs.
 */
static int
have_sha_ni(void)
{
    /* libgcc's record of the CPU, read at start-up (cpuid traps in a
     * virtual machine: not once per call) */
    return __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1") &&
           __builtin_cpu_supports("ssse3");
}

__attribute__((target("sha,sse4.1,ssse3"))) static void
blocks_ni(uint32_t h[8], const unsigned char *p, size_t n)
{
    const __m128i bswap =
        _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i st0, st1, msg, tmp, m0, m1, m2, m3, save0, save1;

    /* h[0..7] = a b c d e f g h  ->  st0 = ABEF, st1 = CDGH */
    tmp = _mm_loadu_si128((const __m128i *)(const void *)&h[0]);
    st1 = _mm_loadu_si128((const __m128i *)(const void *)&h[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xB1);    /* CDAB */
    st1 = _mm_shuffle_epi32(st1, 0x1B);    /* EFGH */
    st0 = _mm_alignr_epi8(tmp, st1, 8);    /* ABEF */
    st1 = _mm_blend_epi16(st1, tmp, 0xF0); /* CDGH */

    while (n-- > 0) {
        save0 = st0;
        save1 = st1;

#define KV(i)                                                                  \
    _mm_set_epi32((int)K[(i) + 3], (int)K[(i) + 2], (int)K[(i) + 1],           \
                  (int)K[(i)])
#define ROUNDS(m, i)                                                           \
    msg = _mm_add_epi32((m), KV(i));                                           \
    st1 = _mm_sha256rnds2_epu32(st1, st0, msg);                                \
    msg = _mm_shuffle_epi32(msg, 0x0E);                                        \
    st0 = _mm_sha256rnds2_epu32(st0, st1, msg)
/* the next four message words from the current ones (cur) and the two
 * blocks before: nxt = msg2(nxt + alignr(cur, prv), cur), and prv gets
 * its msg1 step for later */
#define SCHED(nxt, prv, cur)                                                   \
    tmp = _mm_alignr_epi8((cur), (prv), 4);                                    \
    (nxt) = _mm_add_epi32((nxt), tmp);                                         \
    (nxt) = _mm_sha256msg2_epu32((nxt), (cur));                                \
    (prv) = _mm_sha256msg1_epu32((prv), (cur))

        m0 = _mm_shuffle_epi8(
            _mm_loadu_si128((const __m128i *)(const void *)(p + 0)), bswap);
        m1 = _mm_shuffle_epi8(
            _mm_loadu_si128((const __m128i *)(const void *)(p + 16)), bswap);
        m2 = _mm_shuffle_epi8(
            _mm_loadu_si128((const __m128i *)(const void *)(p + 32)), bswap);
        m3 = _mm_shuffle_epi8(
            _mm_loadu_si128((const __m128i *)(const void *)(p + 48)), bswap);

        ROUNDS(m0, 0);
        ROUNDS(m1, 4);
        m0 = _mm_sha256msg1_epu32(m0, m1);
        ROUNDS(m2, 8);
        m1 = _mm_sha256msg1_epu32(m1, m2);
        ROUNDS(m3, 12);
        SCHED(m0, m2, m3);
        ROUNDS(m0, 16);
        SCHED(m1, m3, m0);
        ROUNDS(m1, 20);
        SCHED(m2, m0, m1);
        ROUNDS(m2, 24);
        SCHED(m3, m1, m2);
        ROUNDS(m3, 28);
        SCHED(m0, m2, m3);
        ROUNDS(m0, 32);
        SCHED(m1, m3, m0);
        ROUNDS(m1, 36);
        SCHED(m2, m0, m1);
        ROUNDS(m2, 40);
        SCHED(m3, m1, m2);
        ROUNDS(m3, 44);
        SCHED(m0, m2, m3);
        ROUNDS(m0, 48);
        SCHED(m1, m3, m0);
        ROUNDS(m1, 52);
        SCHED(m2, m0, m1);
        ROUNDS(m2, 56);
        SCHED(m3, m1, m2);
        ROUNDS(m3, 60);
#undef SCHED
#undef ROUNDS
#undef KV

        st0 = _mm_add_epi32(st0, save0);
        st1 = _mm_add_epi32(st1, save1);
        p += 64;
    }

    /* back to a b c d e f g h */
    tmp = _mm_shuffle_epi32(st0, 0x1B);    /* FEBA */
    st1 = _mm_shuffle_epi32(st1, 0xB1);    /* DCHG */
    st0 = _mm_blend_epi16(tmp, st1, 0xF0); /* DCBA */
    st1 = _mm_alignr_epi8(st1, tmp, 8);    /* HGFE */
    _mm_storeu_si128((__m128i *)(void *)&h[0], st0);
    _mm_storeu_si128((__m128i *)(void *)&h[4], st1);
}
#endif

void
chiso_sha256_init(chiso_sha256 *s)
{
    static const uint32_t h0[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u,
                                   0xa54ff53au, 0x510e527fu, 0x9b05688cu,
                                   0x1f83d9abu, 0x5be0cd19u};

    memcpy(s->h, h0, sizeof(h0));
    s->n = 0;
    s->fill = 0;
}

void
chiso_sha256_update(chiso_sha256 *s, const void *data, size_t len)
{
    const unsigned char *p = data;

    s->n += len;
    if (s->fill > 0) {
        size_t k = 64 - s->fill < len ? 64 - s->fill : len;
        memcpy(s->buf + s->fill, p, k);
        s->fill += k;
        p += k;
        len -= k;
        if (s->fill < 64) {
            return;
        }
        block(s, s->buf);
        s->fill = 0;
    }
#ifdef CHISO_SHA_NI
    if (len >= 256 && have_sha_ni()) {
        blocks_ni(s->h, p, len / 64);
        p += len / 64 * 64;
        len %= 64;
    }
#endif
    while (len >= 64) {
        block(s, p);
        p += 64;
        len -= 64;
    }
    memcpy(s->buf, p, len);
    s->fill = len;
}

void
chiso_sha256_final(chiso_sha256 *s, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    uint64_t bits = (uint64_t)s->n * 8;
    unsigned char pad[72];
    size_t k = s->fill < 56 ? 56 - s->fill : 120 - s->fill, i;

    memset(pad, 0, sizeof(pad));
    pad[0] = 0x80;
    for (i = 0; i < 8; i++) {
        pad[k + i] = (unsigned char)(bits >> (56 - 8 * i));
    }
    chiso_sha256_update(s, pad, k + 8);
    for (i = 0; i < 32; i++) {
        unsigned char b = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
        hex[2 * i] = digits[b >> 4];
        hex[2 * i + 1] = digits[b & 15];
    }
    hex[64] = '\0';
}

/*
 * png_fast.c - a small, fast PNG encoder for chart images.
 *
 * Why not cairo_surface_write_to_png: it runs libpng with adaptive row
 * filters and zlib level 6, which took about 80 % of the time of a
 * 1200 x 800 chart. Charts are mostly runs of one colour (background,
 * bars, lines) plus antialiased edges, so a much simpler encoder does
 * nearly as well: rows are stored unfiltered (filter type 0) and
 * compressed as one DEFLATE block with the fixed Huffman code (RFC 1951
 * 3.2.6), using only two kinds of back-reference - "same as the pixel
 * before" (distance 3) and "same as the row above" (distance = row
 * length) - found by comparing whole pixels of the source (two at a
 * time), no hashing; a run of 8 or more pixels equal to the one before is
 * taken without looking above. The Adler-32 checksum is gathered during
 * the matching, a run of equal pixels in one step. On x86-64 the scans
 * and the sums go four pixels at a time with SSE2 (the same bytes as the
 * portable code, which other processors use; build with
 * -DCHISO_PNG_SCALAR to compare). Output is about 1.5-2x
 * the size of libpng's and several times faster. Everything here is
 * deterministic: same pixels, same bytes.
 *
 * Checked by test_plot_render: images written here decode (through cairo
 * and libpng) to exactly the pixels that were drawn.
 */
#include "plots_int.h"
#include "render_int.h"

#include <pthread.h>
#include <stdint.h>
#if defined(__SSE2__) && defined(__GNUC__) && !defined(CHISO_PNG_SCALAR)
#include <emmintrin.h> /* SSE2: every x86-64 processor has it */
#define PNG_SSE2 1
#endif
#include <stdlib.h>
#include <string.h>

/* Bytes gathered before an IDAT chunk is written out. */
#define PNG_CHUNK_BYTES (1u << 20)
/* Longest match DEFLATE can express. */
#define MAX_MATCH 258
/* DEFLATE window: a row longer than this cannot refer to the row above. */
#define WINDOW 32768
/* A run of this many pixels equal to the one before is taken without
 * looking at the row above. */
#define LEFT_WINS 8

typedef struct png_out {
    FILE *f;
    unsigned char *buf; /* pending compressed bytes */
    size_t len;
    uint64_t acc; /* bit accumulator, LSB first */
    int n_bits;
    uint32_t adler_a, adler_b;
    int failed;
} png_out;

/*
 * The only process-wide data of the plots module: three constant tables
 * (CRC-32 and the fixed Huffman code), computed once by tables_init under
 * pthread_once and never written again, so any number of threads may
 * encode at once. They hold no state of any chart.
 */

/* CRC-32 (ISO 3309, as PNG uses it), eight bytes at a time
 * ("slicing-by-8"): table k holds the CRC of a byte followed by k zeros. */
static uint32_t crc_table[8][256];

static void
crc_init(void)
{
    uint32_t c;
    int n, k;

    for (n = 0; n < 256; n++) {
        c = (uint32_t)n;
        for (k = 0; k < 8; k++) {
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[0][n] = c;
    }
    for (n = 0; n < 256; n++) {
        for (k = 1; k < 8; k++) {
            c = crc_table[k - 1][n];
            crc_table[k][n] = (c >> 8) ^ crc_table[0][c & 0xFF];
        }
    }
}

static uint32_t
crc_update(uint32_t crc, const unsigned char *p, size_t n)
{
    while (n >= 8) {
        uint32_t one = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                              (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        crc = crc_table[7][one & 0xFF] ^ crc_table[6][(one >> 8) & 0xFF] ^
              crc_table[5][(one >> 16) & 0xFF] ^ crc_table[4][one >> 24] ^
              crc_table[3][p[4]] ^ crc_table[2][p[5]] ^ crc_table[1][p[6]] ^
              crc_table[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n-- > 0) {
        crc = crc_table[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    }
    return crc;
}

static void
put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void
write_chunk(png_out *o, const char *type, const unsigned char *data, size_t len)
{
    unsigned char hdr[8], crc[4];
    uint32_t c = 0xFFFFFFFFu;

    put_u32(hdr, (uint32_t)len);
    memcpy(hdr + 4, type, 4);
    c = crc_update(c, hdr + 4, 4);
    c = crc_update(c, data, len);
    put_u32(crc, c ^ 0xFFFFFFFFu);
    if (fwrite(hdr, 1, 8, o->f) != 8 ||
        (len > 0 && fwrite(data, 1, len, o->f) != len) ||
        fwrite(crc, 1, 4, o->f) != 4) {
        o->failed = 1;
    }
}

static void
flush_idat(png_out *o)
{
    if (o->len > 0) {
        write_chunk(o, "IDAT", o->buf, o->len);
        o->len = 0;
    }
}

static void
put_byte(png_out *o, unsigned char b)
{
    if (o->len == PNG_CHUNK_BYTES) {
        flush_idat(o);
    }
    o->buf[o->len++] = b;
}

/* Append `count` (<= 32) bits of `bits` (LSB first). Fewer than 32 bits
 * wait in the accumulator between calls; whole 32-bit words go out. */
static void
put_bits(png_out *o, uint32_t bits, int count)
{
    o->acc |= (uint64_t)bits << o->n_bits;
    o->n_bits += count;
    if (o->n_bits >= 32) {
        if (o->len + 4 > PNG_CHUNK_BYTES) {
            flush_idat(o);
        }
        o->buf[o->len] = (unsigned char)o->acc;
        o->buf[o->len + 1] = (unsigned char)(o->acc >> 8);
        o->buf[o->len + 2] = (unsigned char)(o->acc >> 16);
        o->buf[o->len + 3] = (unsigned char)(o->acc >> 24);
        o->len += 4;
        o->acc >>= 32;
        o->n_bits -= 32;
    }
}

/* Pad to a byte boundary and write out every pending bit. */
static void
flush_bits(png_out *o)
{
    o->n_bits = (o->n_bits + 7) & ~7;
    while (o->n_bits > 0) {
        put_byte(o, (unsigned char)o->acc);
        o->acc >>= 8;
        o->n_bits -= 8;
    }
}

/* Fixed Huffman codes (RFC 1951 3.2.6), bit-reversed for LSB-first
 * output. */
static uint16_t lit_code[288];
static unsigned char lit_len[288];

static uint32_t
reverse(uint32_t v, int n)
{
    uint32_t r = 0;
    int i;

    for (i = 0; i < n; i++) {
        r = (r << 1) | ((v >> i) & 1);
    }
    return r;
}

static void
codes_init(void)
{
    int v;

    for (v = 0; v < 288; v++) {
        uint32_t code;
        int n;
        if (v < 144) {
            code = 0x30u + (uint32_t)v;
            n = 8;
        } else if (v < 256) {
            code = 0x190u + (uint32_t)(v - 144);
            n = 9;
        } else if (v < 280) {
            code = (uint32_t)(v - 256);
            n = 7;
        } else {
            code = 0xC0u + (uint32_t)(v - 280);
            n = 8;
        }
        lit_code[v] = (uint16_t)reverse(code, n);
        lit_len[v] = (unsigned char)n;
    }
}

static void
put_literal(png_out *o, unsigned char b)
{
    put_bits(o, lit_code[b], lit_len[b]);
}

/* Length 3..258 -> code 257..285 with extra bits (RFC 1951 3.2.5), as
 * one bit string: *count bits (at most 13). */
static uint32_t
length_bits_slow(unsigned len, int *count)
{
    static const uint16_t base[29] = {
        3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
        31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static const unsigned char extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
                                            1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                            4, 4, 4, 4, 5, 5, 5, 5, 0};
    int k = 28;

    while (base[k] > len) {
        k--;
    }
    *count = lit_len[257 + k] + extra[k];
    return lit_code[257 + k] | (uint32_t)(len - base[k]) << lit_len[257 + k];
}

/* The same, looked up: built once with the other tables. */
static uint32_t len_code[MAX_MATCH + 1];
static unsigned char len_count[MAX_MATCH + 1];

static void
lengths_init(void)
{
    unsigned len;

    for (len = 3; len <= MAX_MATCH; len++) {
        int n;
        len_code[len] = length_bits_slow(len, &n);
        len_count[len] = (unsigned char)n;
    }
}

static uint32_t
length_bits(unsigned len, int *count)
{
    *count = len_count[len];
    return len_code[len];
}

/* Distance 1..32768 -> 5-bit code with extra bits, as one bit string:
 * *count bits (at most 18). */
static uint32_t
distance_bits(unsigned dist, int *count)
{
    unsigned code, extra, base;

    if (dist <= 4) {
        code = dist - 1;
        extra = 0;
        base = dist;
    } else {
        /* codes 4.. come in pairs per power of two */
        unsigned d = dist - 1, nb = 0;
        while ((d >> nb) > 3) {
            nb++;
        }
        /* d has nb + 2 significant bits; extra bits = nb */
        code = 2 * nb + ((d >> nb) & 1) + 2;
        extra = nb;
        base = ((2u + ((d >> nb) & 1)) << nb) + 1;
    }
    *count = 5 + (int)extra;
    return reverse(code, 5) | (dist - base) << 5;
}

/* A back-reference of n bytes (a multiple of 3, so every piece is at
 * least 3 long: 258 = 3 x 86) at distance dist. */
static void
put_run(png_out *o, size_t n, unsigned dist)
{
    int nd, nl;
    uint32_t d = distance_bits(dist, &nd);
    uint32_t full = length_bits(MAX_MATCH, &nl);

    /* length and distance together: at most 13 + 18 bits */
    while (n >= MAX_MATCH) {
        put_bits(o, full | d << nl, nl + nd);
        n -= MAX_MATCH;
    }
    if (n > 0) {
        uint32_t l = length_bits((unsigned)n, &nl);
        put_bits(o, l | d << nl, nl + nd);
    }
}

/*
 * Adler-32 sums of one PNG row on their own, computed from the source
 * pixels: s1 = sum of the bytes, s2 = sum of (len - i) x byte i, both mod
 * 65521, so that the running checksum becomes a += s1, b += len x a + s2
 * (zlib's adler32_combine). The row's filter byte is 0 and adds nothing.
 * A row equal to the one before has the same sums, which are then
 * reused.
 */
static void
row_sums_finish(size_t w,
                uint64_t sum_s,
                uint64_t sum_js,
                uint64_t sum_t,
                uint32_t *s1,
                uint32_t *s2)
{
    /* with S_j = r + g + bl and T_j = 3r + 2g + bl of pixel j,
     * s1 = sum S_j and s2 = sum_j (3 (sum_{k<j} S_k) + T_j)
     *    = 3 (w - 1) sum S_j - 3 sum j S_j + sum T_j.
     * 64-bit sums cannot overflow for w <= 20000 (sum j S_j < 2^39). */
    *s1 = (uint32_t)(sum_s % 65521u);
    *s2 = (uint32_t)((3 * ((uint64_t)(w - 1) * sum_s % 65521u) + 3 * 65521u -
                      3 * (sum_js % 65521u) + sum_t % 65521u) %
                     65521u);
}

static void
adler_add_row(png_out *o, size_t len, uint32_t s1, uint32_t s2)
{
    uint64_t a = o->adler_a, b = o->adler_b;

    b = (b + (uint64_t)(len % 65521u) * a + s2) % 65521u;
    a = (a + s1) % 65521u;
    o->adler_a = (uint32_t)a;
    o->adler_b = (uint32_t)b;
}

/* Pixels are compared two at a time (the unused top byte of each masked
 * out). */
#define PAIR_MASK 0x00FFFFFF00FFFFFFull

static uint64_t
load_pair(const uint32_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

#ifdef PNG_SSE2
/* Index (0..3) of the first of four 32-bit lanes that differ, given the
 * byte mask of _mm_cmpeq_epi32; 4 when all are equal. */
static size_t
first_unequal(int eq_bytes)
{
    unsigned ne = (unsigned)~eq_bytes & 0xFFFFu;

    return ne == 0 ? 4 : (size_t)__builtin_ctz(ne) / 4;
}
#endif

/* Number of pixels from x on equal to v (RGB). */
static size_t
run_of(const uint32_t *px, size_t x, size_t w, uint32_t v)
{
    uint64_t vv = (uint64_t)(v & 0xFFFFFFu) * 0x0000000100000001ull;
    size_t i = x;

#ifdef PNG_SSE2
    {
        const __m128i m = _mm_set1_epi32(0x00FFFFFF);
        const __m128i want = _mm_set1_epi32((int)(v & 0xFFFFFFu));
        while (i + 4 <= w) {
            __m128i p = _mm_and_si128(
                _mm_loadu_si128((const __m128i *)(const void *)(px + i)), m);
            size_t k =
                first_unequal(_mm_movemask_epi8(_mm_cmpeq_epi32(p, want)));
            i += k;
            if (k < 4) {
                return i - x;
            }
        }
    }
#endif
    while (i + 2 <= w && ((load_pair(px + i) ^ vv) & PAIR_MASK) == 0) {
        i += 2;
    }
    while (i < w && ((px[i] ^ v) & 0xFFFFFFu) == 0) {
        i++;
    }
    return i - x;
}

/* Number of pixels from x on equal to those of the row above, q. */
static size_t
run_above(const uint32_t *px, const uint32_t *q, size_t x, size_t w)
{
    size_t i = x;

#ifdef PNG_SSE2
    {
        const __m128i m = _mm_set1_epi32(0x00FFFFFF);
        while (i + 4 <= w) {
            __m128i a = _mm_and_si128(
                _mm_loadu_si128((const __m128i *)(const void *)(px + i)), m);
            __m128i b = _mm_and_si128(
                _mm_loadu_si128((const __m128i *)(const void *)(q + i)), m);
            size_t k = first_unequal(_mm_movemask_epi8(_mm_cmpeq_epi32(a, b)));
            i += k;
            if (k < 4) {
                return i - x;
            }
        }
    }
#endif
    while (i + 2 <= w &&
           ((load_pair(px + i) ^ load_pair(q + i)) & PAIR_MASK) == 0) {
        i += 2;
    }
    while (i < w && ((px[i] ^ q[i]) & 0xFFFFFFu) == 0) {
        i++;
    }
    return i - x;
}

/*
 * The Adler-32 terms of k pixels from x, one by one: sum of S, of x S and
 * of T (row_sums_finish). With SSE2, four pixels at a time in 32-bit
 * lanes, flushed every 256 blocks so no lane overflows; sum of b S_b over
 * the blocks is (B - 1) sum S - sum of the running prefix sums, which
 * needs no multiplication in the loop.
 */
static void
pixel_sums(const uint32_t *px,
           size_t x,
           size_t k,
           uint64_t *sum_s,
           uint64_t *sum_js,
           uint64_t *sum_t)
{
#ifdef PNG_SSE2
    const __m128i ff = _mm_set1_epi32(0xFF);

    while (k >= 8) {
        size_t blocks = k / 4, b, l;
        __m128i acc_s = _mm_setzero_si128(), acc_t = _mm_setzero_si128();
        __m128i acc_p = _mm_setzero_si128();
        uint32_t vs[4], vt[4], vp[4];
        if (blocks > 256) {
            blocks = 256;
        }
        for (b = 0; b < blocks; b++) {
            __m128i p = _mm_loadu_si128(
                (const __m128i *)(const void *)(px + x + 4 * b));
            __m128i bl = _mm_and_si128(p, ff);
            __m128i g = _mm_and_si128(_mm_srli_epi32(p, 8), ff);
            __m128i r = _mm_and_si128(_mm_srli_epi32(p, 16), ff);
            __m128i sv = _mm_add_epi32(_mm_add_epi32(r, g), bl);
            /* T = 3r + 2g + b = S + 2r + g */
            __m128i tv =
                _mm_add_epi32(_mm_add_epi32(sv, _mm_slli_epi32(r, 1)), g);
            acc_p = _mm_add_epi32(acc_p, acc_s); /* prefix sum before b */
            acc_s = _mm_add_epi32(acc_s, sv);
            acc_t = _mm_add_epi32(acc_t, tv);
        }
        _mm_storeu_si128((__m128i *)(void *)vs, acc_s);
        _mm_storeu_si128((__m128i *)(void *)vt, acc_t);
        _mm_storeu_si128((__m128i *)(void *)vp, acc_p);
        for (l = 0; l < 4; l++) {
            /* pixel x + 4 b + l: sum_b (x + l + 4 b) S_b */
            uint64_t tot = vs[l];
            uint64_t bs = (uint64_t)(blocks - 1) * tot - vp[l];
            *sum_s += tot;
            *sum_t += vt[l];
            *sum_js += (uint64_t)(x + l) * tot + 4 * bs;
        }
        x += 4 * blocks;
        k -= 4 * blocks;
    }
#endif
    for (; k > 0; k--, x++) {
        uint32_t p = px[x];
        uint32_t r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF;
        uint32_t bl = p & 0xFF, sj = r + g + bl;
        *sum_s += sj;
        *sum_js += (uint64_t)x * sj;
        *sum_t += 3 * r + 2 * g + bl;
    }
}

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void
tables_init(void)
{
    crc_init();
    codes_init();
    lengths_init(); /* after codes_init: it reads the literal codes */
}

chiso_status
chiso_plot__png_write(
    FILE *f, const unsigned char *data, int width, int height, int stride)
{
    static const unsigned char sig[8] = {0x89, 'P',  'N',  'G',
                                         '\r', '\n', 0x1A, '\n'};
    unsigned char ihdr[13], tail[4];
    size_t row_len = (size_t)width * 3 + 1;
    int y, use_up = row_len <= WINDOW;
    uint32_t s1 = 0, s2 = 0;
    /* a row's Adler-32 terms: sums of S, j S and T (row_sums_finish) */
    uint64_t sum_s, sum_js, sum_t;
    png_out o;

    /* the tables are built once per process, safely across threads */
    pthread_once(&tables_once, tables_init);
    memset(&o, 0, sizeof(o));
    o.f = f;
    o.adler_a = 1;
    o.buf = malloc(PNG_CHUNK_BYTES);
    if (o.buf == NULL) {
        return CHISO_ENOMEM;
    }
    if (fwrite(sig, 1, 8, f) != 8) {
        o.failed = 1;
    }
    put_u32(ihdr, (uint32_t)width);
    put_u32(ihdr + 4, (uint32_t)height);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 2;  /* colour type: RGB */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering (we use filter 0 on every row) */
    ihdr[12] = 0; /* no interlace */
    write_chunk(&o, "IHDR", ihdr, 13);
    /* zlib header: deflate, 32 KiB window, no dictionary, check bits */
    put_byte(&o, 0x78);
    put_byte(&o, 0x01);
    /* one final block with fixed Huffman codes: BFINAL 1, BTYPE 01 */
    put_bits(&o, 1, 1);
    put_bits(&o, 1, 2);
    for (y = 0; y < height; y++) {
        const uint32_t *px =
            (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        size_t x;
        if (use_up && y > 0 &&
            memcmp(px, data + (size_t)(y - 1) * (size_t)stride,
                   (size_t)width * 4) == 0) {
            /* the same pixels as the row above: same sums, one long
             * back-reference per 258 bytes */
            adler_add_row(&o, row_len, s1, s2);
            put_literal(&o, 0); /* the filter byte */
            put_run(&o, row_len - 1, (unsigned)row_len);
            continue;
        }
        /* matches are found on whole pixels, in the source: a run of
         * pixels equal to the one before is a distance-3 match, a run
         * equal to the row above a distance-row_len match. The row's
         * Adler-32 sums are gathered on the way (row_sums' terms): a run
         * of k equal pixels from x adds k S, S (k x + k (k - 1) / 2) and
         * k T in one step, so long runs cost no per-pixel work */
        put_literal(&o, 0); /* the filter byte */
        sum_s = sum_js = sum_t = 0;
        x = 0;
        while (x < (size_t)width) {
            size_t up = 0, left = 0, k;
            if (x > 0) {
                left = run_of(px, x, (size_t)width, px[x - 1]);
            }
            /* a long run of the pixel before wins outright (its distance
             * is the cheapest); otherwise compare with the row above */
            if (left < LEFT_WINS && use_up && y > 0) {
                const uint32_t *q =
                    (const uint32_t *)(const void *)(data + (size_t)(y - 1) *
                                                                (size_t)stride);
                up = run_above(px, q, x, (size_t)width);
            }
            /* prefer the pixel before on ties: its distance is cheaper */
            if (left >= 1 && left >= up) {
                uint32_t p = px[x - 1];
                uint64_t sj =
                    ((p >> 16) & 0xFF) + ((p >> 8) & 0xFF) + (p & 0xFF);
                uint64_t tj =
                    3 * ((p >> 16) & 0xFF) + 2 * ((p >> 8) & 0xFF) + (p & 0xFF);
                put_run(&o, left * 3, 3);
                sum_s += left * sj;
                sum_js +=
                    sj * ((uint64_t)left * x + (uint64_t)left * (left - 1) / 2);
                sum_t += left * tj;
                x += left;
                continue;
            }
            if (up >= 2) {
                put_run(&o, up * 3, (unsigned)row_len);
                k = up;
            } else {
                /* three literals in one go: at most 27 bits */
                unsigned r = (px[x] >> 16) & 0xFF, g = (px[x] >> 8) & 0xFF;
                unsigned bl = px[x] & 0xFF;
                put_bits(&o,
                         lit_code[r] | (uint32_t)lit_code[g] << lit_len[r] |
                             (uint32_t)lit_code[bl]
                                 << (lit_len[r] + lit_len[g]),
                         lit_len[r] + lit_len[g] + lit_len[bl]);
                k = 1;
            }
            pixel_sums(px, x, k, &sum_s, &sum_js, &sum_t);
            x += k;
        }
        row_sums_finish((size_t)width, sum_s, sum_js, sum_t, &s1, &s2);
        adler_add_row(&o, row_len, s1, s2);
    }
    put_bits(&o, lit_code[256], lit_len[256]); /* end of block */
    flush_bits(&o);
    put_u32(tail, (o.adler_b << 16) | o.adler_a);
    put_byte(&o, tail[0]);
    put_byte(&o, tail[1]);
    put_byte(&o, tail[2]);
    put_byte(&o, tail[3]);
    flush_idat(&o);
    write_chunk(&o, "IEND", NULL, 0);
    free(o.buf);
    return o.failed ? CHISO_EIO : CHISO_OK;
}

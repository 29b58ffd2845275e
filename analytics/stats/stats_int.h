/*
 * stats_int.h - internals of the stats module shared by its files and its
 * tests (not installed, not for other modules).
 */
#ifndef CHISO_STATS_INT_H
#define CHISO_STATS_INT_H

#include "chiso_stats.h"

#include <stdint.h>

/* The language of a diagnostic (Vietnamese without one): messages that
 * are formatted before they reach chiso_diag_set are translated into it
 * first. */
#define DLANG(d) ((d) != NULL ? (d)->lang : CHISO_LANG_VI)

/*
 * GSL's gsl_rng_mt19937 and gsl_rng_uniform_int, inline: the same seeding
 * (gsl_rng_set: seed 0 means 4357, Knuth's multiplier), the same 32-bit
 * outputs, the same rejection rule (k = x / (0xffffffff / n) until k <
 * n), so a bootstrap drawn here is the one drawn through GSL, bit for bit
 * (test_survey checks millions of draws against GSL). Why not GSL's
 * functions: a call through its function pointer and a 64-bit division
 * per draw are most of the cost of a bootstrap replicate; here the
 * division is a multiplication by a precomputed reciprocal (exact for
 * 32-bit operands: Lemire, Kaser & Kurz 2019).
 */
typedef struct chiso_stats__mt {
    uint32_t mt[624];
    unsigned mti;
} chiso_stats__mt;

void chiso_stats__mt_seed(chiso_stats__mt *g, unsigned long seed);
void chiso_stats__mt_refill(chiso_stats__mt *g);

static inline uint32_t
chiso_stats__mt_next(chiso_stats__mt *g)
{
    uint32_t k;

    if (g->mti >= 624) {
        chiso_stats__mt_refill(g);
    }
    k = g->mt[g->mti++];
    k ^= k >> 11;
    k ^= (k << 7) & 0x9d2c5680u;
    k ^= (k << 15) & 0xefc60000u;
    k ^= k >> 18;
    return k;
}

/* 128-bit products (GCC and clang; -Wpedantic knows them as extensions) */
__extension__ typedef unsigned __int128 chiso_stats__u128;

/* gsl_rng_uniform_int(r, n) for 1 <= n <= 0xffffffff: set up once per n. */
typedef struct chiso_stats__uniform {
    uint32_t n, scale;
    uint64_t inv; /* ceil(2^64 / scale), 0 when scale = 1 */
} chiso_stats__uniform;

static inline void
chiso_stats__uniform_init(chiso_stats__uniform *u, uint32_t n)
{
    u->n = n;
    u->scale = 0xffffffffu / n;
    u->inv = u->scale > 1 ? UINT64_MAX / u->scale + 1 : 0;
}

static inline uint32_t
chiso_stats__uniform_draw(chiso_stats__mt *g, const chiso_stats__uniform *u)
{
    uint32_t k;

    do {
        uint32_t x = chiso_stats__mt_next(g);
        k = u->inv ? (uint32_t)(((chiso_stats__u128)u->inv * x) >> 64) : x;
    } while (k >= u->n);
    return k;
}

#endif /* CHISO_STATS_INT_H */

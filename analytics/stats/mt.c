/*
 * mt.c - GSL's MT19937 (gsl_rng_mt19937), inline for the survey
 * bootstrap; see stats_int.h. Matsumoto & Nishimura (1998), with the 2002
 * seeding that GSL uses.
 */
#include "stats_int.h"

#define MT_N       624
#define MT_M       397
#define UPPER_MASK 0x80000000u
#define LOWER_MASK 0x7fffffffu
#define MAGIC(y)   (((y)&0x1u) ? 0x9908b0dfu : 0u)

void
chiso_stats__mt_seed(chiso_stats__mt *g, unsigned long seed)
{
    unsigned i;

    if (seed == 0) {
        seed = 4357; /* GSL's default seed */
    }
    g->mt[0] = (uint32_t)(seed & 0xffffffffUL);
    for (i = 1; i < MT_N; i++) {
        g->mt[i] = 1812433253u * (g->mt[i - 1] ^ (g->mt[i - 1] >> 30)) + i;
    }
    g->mti = MT_N;
}

void
chiso_stats__mt_refill(chiso_stats__mt *g)
{
    uint32_t *mt = g->mt, y;
    unsigned kk;

    for (kk = 0; kk < MT_N - MT_M; kk++) {
        y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + MT_M] ^ (y >> 1) ^ MAGIC(y);
    }
    for (; kk < MT_N - 1; kk++) {
        y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + MT_M - MT_N] ^ (y >> 1) ^ MAGIC(y);
    }
    y = (mt[MT_N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ MAGIC(y);
    g->mti = 0;
}

/*
 * uncertainty.c - Monte Carlo uncertainty of composite-index ranks.
 *
 * The expensive part of a replicate is one weighted sum per tree edge and
 * unit. Everything that does not depend on the replicate is done once:
 * every normalisation of the set is computed up front, and for every
 * (normalisation, aggregation) pair the indicators are stored already
 * transformed (x, ln x or 1/x, see composite_int.h), so a replicate is
 * only: draw weights, run the aggregation kernel over preallocated
 * buffers, rank the units. No allocation happens inside the loop.
 *
 * Ranks are integers 1..n, so instead of storing R x n ranks each worker
 * keeps a histogram of ranks per unit (n x (n+1) counters) and the
 * percentiles are read from the cumulative counts: memory O(n^2) whatever
 * R, and merging workers is an exact integer sum.
 *
 * Determinism: replicate r draws from its own SplitMix64 stream, seeded
 * with the (r+1)-th output of SplitMix64(seed) (Steele, Lea & Flood 2014;
 * the generator is 10 lines and passes BigCrush). Threads take fixed
 * chunks of MC_CHUNK consecutive replicates from a shared counter; which
 * thread runs a chunk changes only the speed: a replicate's numbers
 * depend on r alone and the histograms are exact integer sums, so the
 * results do not depend on how many threads ran, nor on scheduling.
 *
 * Complete data (no missing value) takes the grouped path: a chunk's
 * weights are drawn first, its replicates are sorted by the method pair
 * they drew, and up to MC_G replicates of one pair are aggregated
 * together, so each row of indicator values is loaded once for all of
 * them (the loop was bound by reading the indicator matrix from the
 * level-2 cache, one replicate at a time). Per unit and replicate the
 * operations and their order are exactly those of
 * chiso_composite__aggregate (sum of w x over the children in order,
 * then one division by the sum of the weights in order), so the scores,
 * hence the ranks, are bit for bit those of the per-replicate path. Rows
 * are padded to MC_PAD units (zeros) so that every vector is whole.
 * Ranks of up to MC_RANK_COUNT_MAX units are counted (1 + the number of
 * strictly higher keys, the competition rank) in vector compares instead
 * of sorted, first on the keys rounded to float (exact when those ranks
 * are a permutation), else on the doubles: no unpredictable branch.
 * The working buffers are carved from one arena (struct mc_arena).
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT, getloadavg */
#include "composite_int.h"

#include "chiso_stats.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPLITMIX_GAMMA 0x9E3779B97F4A7C15ULL

/* Clones of the per-replicate loops for AVX-512 and AVX2 (the same
 * operations, wider; no FMA: identical results). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&         \
    defined(__linux__) && !defined(__SANITIZE_THREAD__) &&                     \
    !defined(CHISO_NO_SIMD_CLONES)
#define MC_CLONES                                                              \
    __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
/* AVX2 has no 64-bit multiplication: its emulation is slower than the
   scalar code, so the draws have no AVX2 clone */
#define MC_DRAW_CLONES                                                         \
    __attribute__((target_clones("arch=x86-64-v4", "default")))
#else
#define MC_CLONES
#define MC_DRAW_CLONES
#endif
#define MAX_THREADS 16
/* automatic threads keep the rank histograms (n (n + 1) counters each)
   within this many bytes in total */
#define MAX_HIST_BYTES ((double)(256 << 20))
/* rank histograms take n (n + 1) counters per thread: 5000 units is 100 MB */
#define MAX_UNITS 5000
/* --replicates-csv keeps replicates x nodes doubles: 2^27 is 1 GiB */
#define MAX_KEPT_WEIGHTS 134217728.0
/* below this many edge-unit products in total, one thread is as fast.
   Measured on the 2-core benchmark VM (63 units x 249 nodes, about 0.7 us
   a replicate): a second thread was a wash at 10,000 replicates (1.6e8
   products; starting it and its page faults cost about what it saves),
   paid a little at 20,000 and clearly from 40,000 (39.9 -> 30.3 ms) */
#define MIN_WORK_FOR_THREADS 3.0e8
/* replicates a thread takes at a time (and draws before aggregating) */
#define MC_CHUNK 64
/* replicates aggregated together (one method pair) */
#define MC_G 4
/* units per row of the grouped path: a multiple of this */
#define MC_PAD 32
/* units ranked by counting; above, by sorting */
#define MC_RANK_COUNT_MAX 256

static inline uint64_t
splitmix64_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/*
 * The draws u[0 .. cnt) of a replicate whose stream starts at state s:
 * draw k is the top 53 bits of mix(s + (k + 1) gamma), as many calls of
 * splitmix64_next would give, in [0, 1). SplitMix64's state only adds
 * gamma, so every draw is computed on its own and the loop vectorises
 * (AVX-512 has the 64-bit multiplications); the values are the same.
 */
MC_DRAW_CLONES static void
draw_uniforms(uint64_t s, double *u, size_t cnt)
{
    size_t k;

    for (k = 0; k < cnt; k++) {
        uint64_t z = s + (uint64_t)(k + 1) * SPLITMIX_GAMMA;
        u[k] = (double)(splitmix64_mix(z) >> 11) * 0x1.0p-53;
    }
}

/* w[k] = wk[k] (1 + noise (2 u[k] - 1)) for the nodes below the index: a
 * factor U(1 - noise, 1 + noise) on the kernel's scale, exactly
 * (weight x factor) 2^shift. */
MC_CLONES static void
perturb_weights(
    const double *wk, const double *u, double noise, double *w, size_t cnt)
{
    size_t k;

    for (k = 0; k < cnt; k++) {
        w[k] = wk[k] * (1.0 + noise * (2.0 * u[k] - 1.0));
    }
}

#if defined(__GNUC__)
/* the grouped path (GCC and clang vector extensions) */
#define MC_GROUPED 1
typedef double mc_v8 __attribute__((vector_size(8 * sizeof(double))));
typedef long long mc_i8 __attribute__((vector_size(8 * sizeof(long long))));
typedef float mc_f16 __attribute__((vector_size(16 * sizeof(float))));
typedef int mc_i16 __attribute__((vector_size(16 * sizeof(int))));
#endif

struct mc_shared {
    const chiso_composite *m;
    const chiso_uncertainty_options *o;
    size_t n, nn, n_ind;
    size_t np; /* units per padded row (grouped path) */
    const double *ind_t[CHISO_NORM_COUNT][CHISO_AGG_COUNT];
    /* the same, rows padded to np units with zeros (grouped path) */
    const double *ind_p[CHISO_NORM_COUNT][CHISO_AGG_COUNT];
    const double *ind_mask; /* NULL when no value is missing */
    const double *wk;       /* the weights on the kernel's scale */
    const int *wshift;      /* and the power of two applied to each */
    chiso_uncertainty_result *res;
    int grouped; /* complete data and vector extensions */
    int wide;    /* the AVX-512 group kernels */
    /* written by every thread: a cache line of their own, away from the
       fields above that the kernels read */
    _Alignas(64) _Atomic size_t next; /* the next chunk to take */
    _Atomic size_t done;              /* replicates finished */
    char pad[64 - 2 * sizeof(size_t)];
};

struct mc_worker {
    _Alignas(64) struct mc_shared *S; /* workers in separate cache lines */
    double *w, *mask, *key;
    double *u;          /* the draws of one replicate (nodes + 2) */
    size_t *perm;       /* units by the previous replicate's keys */
    size_t sort_budget; /* insertion-sort shifts before a full sort */
    /* per-replicate path: n_nodes x n_units per method pair */
    double *t[CHISO_NORM_COUNT][CHISO_AGG_COUNT];
    /* grouped path: a chunk's weights (MC_CHUNK x n_nodes), methods and
       the aggregates of MC_G replicates ((n_nodes - n_ind) x np each) */
    double *wchunk;
    unsigned char *ki, *ai;
    size_t *slot;
    double *agg;
    float *keyf; /* the keys rounded to float (np, padded with -inf) */
    unsigned *rank;
    size_t *idx;
    uint32_t *hist;     /* n x (n + 1) */
    uint64_t *rank_sum; /* n */
    size_t reported;    /* progress: replicates last reported */
    int is_caller;
};

/* Competition ranks of key[] (higher first) among defined units.
 *
 * Consecutive replicates order the units almost the same way, so the
 * worker keeps the previous replicate's order in perm and re-sorts it by
 * insertion: O(n + number of swaps), a few hundred comparisons for 63
 * units instead of a full sort. If the order changed a lot (more shifts
 * than a merge sort would cost), the full sort of chiso_composite__rank
 * is used instead. Ranks depend only on the keys (ties share the best
 * place), never on the starting order, so results stay independent of
 * the threads. Undefined units carry -inf keys and sort last. */
static void
rank_replicate(struct mc_worker *W, const double *defined)
{
    size_t n = W->S->n, i, j, shifts = 0, budget = W->sort_budget;
    const double *key = W->key;
    size_t *perm = W->perm;

    for (i = 1; i < n; i++) {
        size_t x = perm[i];
        double kx = key[x];
        for (j = i; j > 0 && key[perm[j - 1]] < kx; j--) {
            perm[j] = perm[j - 1];
        }
        perm[j] = x;
        shifts += i - j;
        if (shifts > budget) {
            /* a full sort; its output (defined units, best first) is the
               starting order of the next replicate */
            size_t k = chiso_composite__rank(key, defined, n, W->rank, W->idx);
            memcpy(perm, W->idx, k * sizeof(*perm));
            for (i = 0; i < n; i++) {
                if (W->rank[i] == 0) {
                    perm[k++] = i;
                }
            }
            return;
        }
    }
    for (i = 0; i < n; i++) {
        size_t u = perm[i];
        if (defined != NULL && !(defined[u] > 0)) {
            W->rank[u] = 0;
        } else if (i > 0 && !(key[u] < key[perm[i - 1]])) {
            W->rank[u] = W->rank[perm[i - 1]]; /* tie: the best place */
        } else {
            W->rank[u] = (unsigned)(i + 1);
        }
    }
}

/*
 * Working memory of a run, carved from one arena: zeroed, 64-byte aligned
 * pieces, all released at once. On Linux the arena is one anonymous
 * mapping with transparent huge pages asked for (madvise): the buffers of
 * the 63 x 240 benchmark (about 1 MB: normalised and padded indicators,
 * each worker's chunk of weights and histograms) are then touched through
 * one or two 2 MiB pages instead of some 250 page faults, which cost about
 * 10 us each in a virtual machine, more than the replicates themselves.
 * The mapping is only reserved address space: pages never touched cost
 * nothing. Elsewhere, and under the sanitizers (so that each piece keeps
 * its own bounds), every piece is its own calloc.
 */
#if defined(__linux__) && !defined(__SANITIZE_ADDRESS__) &&                    \
    !defined(__SANITIZE_THREAD__)
#define MC_ARENA_MAP 1
#include <sys/mman.h>
#endif
#define MC_HUGE     ((size_t)2 << 20)
#define MC_HUGE_MAX ((size_t)32 << 20)

struct mc_arena {
    char *map; /* the mapping, NULL when pieces are calloc'd */
    size_t map_size;
    char *base; /* its first 2 MiB boundary */
    size_t size, used;
    void **owned; /* calloc'd pieces */
    size_t n_owned, cap_owned;
};

/* Bytes a piece of `bytes` takes in the arena. */
static size_t
arena_piece(size_t bytes)
{
    return (bytes + 63) / 64 * 64 + 64;
}

/* Reserve `size` bytes (the sum of arena_piece() of every piece); 0 even
 * when no mapping could be made (pieces are then calloc'd). */
static void
arena_open(struct mc_arena *A, size_t size)
{
    memset(A, 0, sizeof(*A));
#if defined(MC_ARENA_MAP)
    {
        size_t len = (size + MC_HUGE - 1) / MC_HUGE * MC_HUGE;
        void *p = mmap(NULL, len + MC_HUGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED) {
            uintptr_t a =
                ((uintptr_t)p + MC_HUGE - 1) & ~(uintptr_t)(MC_HUGE - 1);
            A->map = p;
            A->map_size = len + MC_HUGE;
            A->base = (char *)a;
            A->size = len;
#if defined(MADV_HUGEPAGE)
            /* a hint; not for large arenas, whose pieces (the rank
               histograms of thousands of units) are touched sparsely:
               a huge page would make all of it resident */
            if (len <= MC_HUGE_MAX) {
                (void)madvise(A->base, len, MADV_HUGEPAGE);
            }
#endif
        }
    }
#else
    (void)size;
#endif
}

/* A zeroed piece of `bytes` (count x size, checked), or NULL. */
static void *
arena_get(struct mc_arena *A, size_t count, size_t size)
{
    size_t bytes;

    if (size != 0 && count > SIZE_MAX / size) {
        return NULL;
    }
    bytes = count * size;
    if (A->map != NULL) {
        size_t piece = arena_piece(bytes);
        char *p = A->base + A->used;
        if (piece > A->size - A->used) {
            return NULL;
        }
        A->used += piece;
        return p;
    }
    if (A->n_owned == A->cap_owned) {
        size_t cap = A->cap_owned ? 2 * A->cap_owned : 64;
        void **o = realloc(A->owned, cap * sizeof(*o));
        if (o == NULL) {
            return NULL;
        }
        A->owned = o;
        A->cap_owned = cap;
    }
    A->owned[A->n_owned] = calloc(bytes ? bytes : 1, 1);
    return A->owned[A->n_owned] != NULL ? A->owned[A->n_owned++] : NULL;
}

static void
arena_close(struct mc_arena *A)
{
    size_t i;

#if defined(MC_ARENA_MAP)
    if (A->map != NULL) {
        munmap(A->map, A->map_size);
    }
#endif
    for (i = 0; i < A->n_owned; i++) {
        free(A->owned[i]);
    }
    free(A->owned);
    memset(A, 0, sizeof(*A));
}

/* The (r+1)-th output of SplitMix64(seed) seeds replicate r; its draws, in
 * order: one per node but the index (the last node), then the
 * normalisation, then the aggregation. w receives the replicate's weights
 * on the kernel's scale; *ki and *ai the positions of its methods in the
 * option lists. */
static void
draw_replicate(struct mc_worker *W, size_t r, double *w, size_t *ki, size_t *ai)
{
    const struct mc_shared *S = W->S;
    const chiso_uncertainty_options *o = S->o;
    size_t nn = S->nn, k;
    uint64_t s = splitmix64_mix(o->seed + (uint64_t)(r + 1) * SPLITMIX_GAMMA);
    chiso_uncertainty_result *res = S->res;

    draw_uniforms(s, W->u, nn + 1);
    perturb_weights(S->wk, W->u, o->weight_noise, w, nn - 1);
    w[S->m->root] = S->wk[S->m->root];
    *ki = (size_t)(W->u[nn - 1] * (double)o->n_normalise);
    *ai = (size_t)(W->u[nn] * (double)o->n_aggregate);
    if (res->rep_weight != NULL) {
        /* back on the scale of the weights as written (exact) */
        for (k = 0; k < nn; k++) {
            res->rep_weight[r * nn + k] = k == S->m->root
                                              ? S->m->nodes[k].weight
                                              : ldexp(w[k], -S->wshift[k]);
        }
        res->rep_normalise[r] = o->normalise[*ki];
        res->rep_aggregate[r] = o->aggregate[*ai];
    }
}

/* Add a replicate's ranks (W->rank, 0 = unranked) to the histograms. */
static void
record_ranks(struct mc_worker *W)
{
    size_t n = W->S->n, u;

    for (u = 0; u < n; u++) {
        if (W->rank[u] > 0) {
            W->hist[u * (n + 1) + W->rank[u]]++;
            W->rank_sum[u] += W->rank[u];
        }
    }
}

/* One replicate on the per-replicate path (missing values, or no vector
 * extensions): chiso_composite__aggregate on the worker's own buffers. */
static void
replicate_single(struct mc_worker *W, size_t r)
{
    struct mc_shared *S = W->S;
    const chiso_composite *m = S->m;
    const chiso_uncertainty_options *o = S->o;
    size_t n = S->n, u, ki, ai, root_row = m->root * n;
    chiso_cmp_norm norm;
    chiso_cmp_agg agg;
    const double *t, *def;

    draw_replicate(W, r, W->w, &ki, &ai);
    norm = o->normalise[ki];
    agg = o->aggregate[ai];
    chiso_composite__aggregate(m, W->w, W->t[norm][agg], W->mask);
    t = W->t[norm][agg] + root_row;
    def = W->mask != NULL ? W->mask + root_row : NULL;
    /* the score is t, exp(t) or 1/t: rank on t (reversed for the
       harmonic mean), which orders units the same way */
    for (u = 0; u < n; u++) {
        double key = agg == CHISO_AGG_HARMONIC ? -t[u] : t[u];
        W->key[u] = def == NULL || def[u] > 0 ? key : -(double)INFINITY;
    }
    rank_replicate(W, def);
    record_ranks(W);
}

#if defined(MC_GROUPED)
/*
 * The aggregates of G replicates of one method pair: w[q] the weights of
 * replicate q, agg + q (n_nodes - n_ind) np its aggregates' rows (node k
 * at row k - n_ind), ind the padded indicator rows. G <= MC_G and NV <= 4
 * (vectors of 8 units per block) are constants of each instance, so the G
 * x NV accumulators stay in registers while the children are walked, and
 * an indicator's vectors are loaded once for the G replicates. Per unit:
 * a = 0, a += w[c] x[c] over the children in order, a / (sum of w[c] in
 * order): chiso_composite__aggregate's operations (no FMA: the build has
 * -ffp-contract=off).
 */
__attribute__((always_inline)) static inline void
group_body(const struct mc_shared *S,
           const double *const *w,
           double *agg,
           const double *ind,
           const size_t G,
           const size_t NV)
{
    const chiso_composite *m = S->m;
    size_t np = S->np, n_ind = S->n_ind, nn = S->nn;
    size_t stride = (nn - n_ind) * np, k, j, q, v, u0;

    for (k = n_ind; k < nn; k++) {
        const chiso_cmp_node *p = &m->nodes[k];
        const size_t *ch = p->children;
        size_t nc = p->n_children;
        double wsum[MC_G];

        /* each sum in the children's order; the G sums side by side */
        for (q = 0; q < G; q++) {
            wsum[q] = 0;
        }
        for (j = 0; j < nc; j++) {
            for (q = 0; q < G; q++) {
                wsum[q] += w[q][ch[j]];
            }
        }
        for (u0 = 0; u0 < np; u0 += 8 * NV) {
            mc_v8 a[MC_G][4], x[4];

            for (q = 0; q < G; q++) {
                for (v = 0; v < NV; v++) {
                    a[q][v] = (mc_v8){0, 0, 0, 0, 0, 0, 0, 0};
                }
            }
            for (j = 0; j < nc; j++) {
                size_t c = ch[j];
                if (c < n_ind) {
                    const double *row = ind + c * np + u0;
                    for (v = 0; v < NV; v++) {
                        memcpy(&x[v], row + 8 * v, sizeof(mc_v8));
                    }
                    for (q = 0; q < G; q++) {
                        double wc = w[q][c];
                        mc_v8 wv = {wc, wc, wc, wc, wc, wc, wc, wc};
                        for (v = 0; v < NV; v++) {
                            a[q][v] += wv * x[v];
                        }
                    }
                } else {
                    for (q = 0; q < G; q++) {
                        const double *row =
                            agg + q * stride + (c - n_ind) * np + u0;
                        double wc = w[q][c];
                        mc_v8 wv = {wc, wc, wc, wc, wc, wc, wc, wc};
                        for (v = 0; v < NV; v++) {
                            memcpy(&x[v], row + 8 * v, sizeof(mc_v8));
                            a[q][v] += wv * x[v];
                        }
                    }
                }
            }
            for (q = 0; q < G; q++) {
                double ws = wsum[q];
                mc_v8 s = {ws, ws, ws, ws, ws, ws, ws, ws};
                double *out = agg + q * stride + (k - n_ind) * np + u0;
                for (v = 0; v < NV; v++) {
                    a[q][v] /= s;
                    memcpy(out + 8 * v, &a[q][v], sizeof(mc_v8));
                }
            }
        }
    }
}

typedef void (*group_fn)(const struct mc_shared *S,
                         const double *const *w,
                         double *agg,
                         const double *ind);

#define GROUP_INSTANCE(name, attr, G, NV)                                      \
    attr static void name(const struct mc_shared *S, const double *const *w,   \
                          double *agg, const double *ind)                      \
    {                                                                          \
        group_body(S, w, agg, ind, G, NV);                                     \
    }

/* two replicates at a time, 16 units per block: any x86-64 (AVX2 keeps
   the eight accumulators in registers) and any other target */
GROUP_INSTANCE(group_n1, MC_CLONES, 1, 2)
GROUP_INSTANCE(group_n2, MC_CLONES, 2, 2)

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&         \
    defined(__linux__) && !defined(__SANITIZE_THREAD__) &&                     \
    !defined(CHISO_NO_SIMD_CLONES)
/* AVX-512: four replicates, 32 units per block (16 accumulators of the 32
   registers); chosen at run time when the processor has it */
#define MC_WIDE 1
#define MC_AVX512                                                              \
    __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512cd")))
GROUP_INSTANCE(group_w1, MC_AVX512, 1, 4)
GROUP_INSTANCE(group_w2, MC_AVX512, 2, 4)
GROUP_INSTANCE(group_w3, MC_AVX512, 3, 4)
GROUP_INSTANCE(group_w4, MC_AVX512, 4, 4)

static int
have_avx512(void)
{
    return __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512cd");
}
#endif

/* The aggregates of g <= MC_G replicates of one method pair. */
static void
group_aggregate(const struct mc_shared *S,
                const double *const *w,
                double *agg,
                const double *ind,
                size_t g)
{
    size_t stride = (S->nn - S->n_ind) * S->np, q;

#if defined(MC_WIDE)
    if (S->wide) {
        static const group_fn wide[MC_G] = {group_w1, group_w2, group_w3,
                                            group_w4};
        wide[g - 1](S, w, agg, ind);
        return;
    }
#endif
    for (q = 0; q < g; q += 2) {
        if (g - q >= 2) {
            group_n2(S, w + q, agg + q * stride, ind);
        } else {
            group_n1(S, w + q, agg + q * stride, ind);
        }
    }
}

/* Competition ranks (1 + the number of strictly higher keys) of key[0 ..
 * n), padded to np (a multiple of MC_PAD) with -inf: every unit defined.
 * n <= MC_RANK_COUNT_MAX. The same ranks as rank_replicate, with no
 * data-dependent branch: for blocks of 32 units, each key in turn is
 * compared with the whole block at once, four independent counters. */
MC_CLONES static void
rank_count(const double *key, size_t n, size_t np, unsigned *rank)
{
    size_t u0, v, i, b;

    for (u0 = 0; u0 < np; u0 += MC_PAD) {
        mc_v8 x[MC_PAD / 8];
        mc_i8 c[MC_PAD / 8];
        for (b = 0; b < MC_PAD / 8; b++) {
            memcpy(&x[b], key + u0 + 8 * b, sizeof(x[b]));
            c[b] = (mc_i8){0, 0, 0, 0, 0, 0, 0, 0};
        }
        for (v = 0; v < n; v++) {
            double kv = key[v];
            mc_v8 k = {kv, kv, kv, kv, kv, kv, kv, kv};
            for (b = 0; b < MC_PAD / 8; b++) {
                c[b] -= (mc_i8)(k > x[b]); /* -1 where v is higher */
            }
        }
        for (b = 0; b < MC_PAD / 8; b++) {
            for (i = 0; i < 8 && u0 + 8 * b + i < n; i++) {
                rank[u0 + 8 * b + i] = (unsigned)(1 + c[b][i]);
            }
        }
    }
}

/* The same ranks from the keys rounded to float, 16 to a vector: half
 * the compares. Rounding is monotone (a > b gives (float)a >= (float)b),
 * so when the n rounded keys are all different their order is that of the
 * doubles and the ranks are exact; that is so exactly when the ranks
 * found are a permutation of 1 .. n. Otherwise (two keys equal or within
 * a float's precision) 0 is returned and nothing is promised: the caller
 * counts on the doubles. */
/* Counts of higher keys for the NB x 16 units from u0 (NB a constant of
 * each call, so the counters stay in registers), into the ranks; 0 on a
 * rank met before (a tie among the floats). */
__attribute__((always_inline)) static inline int
count_block_float(const float *kf,
                  size_t n,
                  size_t u0,
                  const size_t NB,
                  unsigned *rank,
                  uint64_t *seen)
{
    mc_f16 x[4];
    mc_i16 c[4];
    size_t v, i, b;

    for (b = 0; b < NB; b++) {
        memcpy(&x[b], kf + u0 + 16 * b, sizeof(x[b]));
        c[b] = (mc_i16){0};
    }
    for (v = 0; v < n; v++) {
        float kv = kf[v];
        mc_f16 k = {kv, kv, kv, kv, kv, kv, kv, kv,
                    kv, kv, kv, kv, kv, kv, kv, kv};
        for (b = 0; b < NB; b++) {
            c[b] -= (mc_i16)(k > x[b]); /* -1 where v is higher */
        }
    }
    for (b = 0; b < NB; b++) {
        for (i = 0; i < 16 && u0 + 16 * b + i < n; i++) {
            unsigned r = (unsigned)(1 + c[b][i]);
            if (seen[r / 64] >> (r % 64) & 1) {
                return 0;
            }
            seen[r / 64] |= (uint64_t)1 << (r % 64);
            rank[u0 + 16 * b + i] = r;
        }
    }
    return 1;
}

MC_CLONES static int
rank_count_float(
    const double *key, float *kf, size_t n, size_t np, unsigned *rank)
{
    uint64_t seen[(MC_RANK_COUNT_MAX + 64) / 64] = {0};
    size_t u0, u;

    for (u = 0; u < n; u++) {
        kf[u] = (float)key[u];
    }
    /* blocks of 64 units, the last one of 32 when np is an odd multiple
       of 32 */
    for (u0 = 0; u0 < np; u0 += 64) {
        if (np - u0 >= 64 ? !count_block_float(kf, n, u0, 4, rank, seen)
                          : !count_block_float(kf, n, u0, 2, rank, seen)) {
            return 0; /* a tie among the floats */
        }
    }
    return 1;
}

/* Replicates [r0, r1) on the grouped path. */
static void
chunk_grouped(struct mc_worker *W, size_t r0, size_t r1)
{
    struct mc_shared *S = W->S;
    const chiso_composite *m = S->m;
    const chiso_uncertainty_options *o = S->o;
    size_t n = S->n, nn = S->nn, np = S->np, cnt = r1 - r0, i, q, u, pair;
    size_t stride = (nn - S->n_ind) * np;
    size_t root_off = (m->root - S->n_ind) * np;
    size_t n_pairs = o->n_normalise * o->n_aggregate;

    for (i = 0; i < cnt; i++) {
        size_t ki, ai;
        draw_replicate(W, r0 + i, W->wchunk + i * nn, &ki, &ai);
        W->ki[i] = (unsigned char)ki;
        W->ai[i] = (unsigned char)ai;
    }
    for (pair = 0; pair < n_pairs; pair++) {
        size_t ki = pair / o->n_aggregate, ai = pair % o->n_aggregate, k = 0;
        chiso_cmp_agg agg = o->aggregate[ai];
        const double *ind = S->ind_p[o->normalise[ki]][agg];

        for (i = 0; i < cnt; i++) {
            if (W->ki[i] == ki && W->ai[i] == ai) {
                W->slot[k++] = i;
            }
        }
        for (i = 0; i < k; i += MC_G) {
            const double *wq[MC_G];
            size_t g = k - i < MC_G ? k - i : MC_G;

            for (q = 0; q < g; q++) {
                wq[q] = W->wchunk + W->slot[i + q] * nn;
            }
            group_aggregate(S, wq, W->agg, ind, g);
            for (q = 0; q < g; q++) {
                const double *t = W->agg + q * stride + root_off;
                /* rank on t (reversed for the harmonic mean) */
                for (u = 0; u < n; u++) {
                    W->key[u] = agg == CHISO_AGG_HARMONIC ? -t[u] : t[u];
                }
                if (n <= MC_RANK_COUNT_MAX) {
                    if (!rank_count_float(W->key, W->keyf, n, np, W->rank)) {
                        rank_count(W->key, n, np, W->rank);
                    }
                } else {
                    rank_replicate(W, NULL);
                }
                record_ranks(W);
            }
        }
    }
}
#endif

/* Take chunks of replicates from the shared counter until none is left. */
static void
run_chunks(struct mc_worker *W)
{
    struct mc_shared *S = W->S;
    const chiso_uncertainty_options *o = S->o;
    size_t R = o->replicates;
    size_t step = (R / 100) ? R / 100 : 1;

    for (;;) {
        size_t c = atomic_fetch_add_explicit(&S->next, 1, memory_order_relaxed);
        size_t r0, r1, r, done;

        if (c >= (R + MC_CHUNK - 1) / MC_CHUNK) {
            break;
        }
        r0 = c * MC_CHUNK;
        r1 = R - r0 < MC_CHUNK ? R : r0 + MC_CHUNK;
#if defined(MC_GROUPED)
        if (S->grouped) {
            chunk_grouped(W, r0, r1);
        } else
#endif
        {
            for (r = r0; r < r1; r++) {
                replicate_single(W, r);
            }
        }
        done =
            atomic_fetch_add_explicit(&S->done, r1 - r0, memory_order_relaxed) +
            (r1 - r0);
        if (W->is_caller && o->progress != NULL &&
            done / step > W->reported / step) {
            o->progress(o->progress_ctx, done, R);
            W->reported = done;
        }
    }
}

/*
 * A worker thread's start. On a busy machine a new thread may get its
 * first time slice only after the caller has done every chunk (a
 * replicate of the benchmark takes under a microsecond, a scheduling
 * period several milliseconds): the caller then cancels it instead of
 * waiting for it to be scheduled only to find nothing left. The thread
 * claims its worker (PENDING -> RUNNING) or finds itself cancelled
 * (PENDING -> CANCELLED, by the caller) with one atomic exchange, so
 * exactly one of them decides; a cancelled thread touches nothing but
 * this block, which lives on the heap until both have let go of it, and
 * the caller detaches it. A thread that did start is joined: it stops
 * after its chunk.
 */
enum { MC_PENDING, MC_RUNNING, MC_CANCELLED };

struct mc_start {
    _Atomic int state;
    _Atomic int refs; /* the caller and the thread */
    struct mc_worker *W;
};

static void
start_release(struct mc_start *b)
{
    if (atomic_fetch_sub(&b->refs, 1) == 1) {
        free(b);
    }
}

static void *
thread_main(void *p)
{
    struct mc_start *b = p;
    int expect = MC_PENDING;

    if (atomic_compare_exchange_strong(&b->state, &expect, MC_RUNNING)) {
        run_chunks(b->W);
    }
    start_release(b);
    return NULL;
}

/* Bytes of a worker's pieces (arena_piece of each). */
static size_t
worker_bytes(const struct mc_shared *S, size_t n_pairs)
{
    size_t n = S->n, nn = S->nn, np = S->np, b;

    b = arena_piece(nn * sizeof(double)) +
        arena_piece((nn + 2) * sizeof(double)) +
        arena_piece(np * sizeof(double)) + arena_piece(n * sizeof(size_t)) +
        arena_piece(n * sizeof(unsigned)) +
        arena_piece(2 * n * sizeof(size_t)) +
        arena_piece(n * (n + 1) * sizeof(uint32_t)) +
        arena_piece(n * sizeof(uint64_t));
    if (S->grouped) {
        return b + arena_piece(MC_CHUNK * nn * sizeof(double)) +
               2 * arena_piece(MC_CHUNK) +
               arena_piece(MC_CHUNK * sizeof(size_t)) +
               arena_piece(MC_G * (nn - S->n_ind) * np * sizeof(double)) +
               arena_piece(np * sizeof(float));
    }
    return b +
           (S->ind_mask != NULL ? arena_piece(nn * n * sizeof(double)) : 0) +
           n_pairs * arena_piece(nn * n * sizeof(double));
}

static int
worker_init(struct mc_worker *W, struct mc_shared *S, struct mc_arena *A)
{
    size_t n = S->n, nn = S->nn, np = S->np, ni = S->n_ind * S->n, i, j;

    memset(W, 0, sizeof(*W));
    W->S = S;
    W->w = arena_get(A, nn, sizeof(double));
    W->u = arena_get(A, nn + 2, sizeof(double));
    W->key = arena_get(A, np, sizeof(double));
    W->perm = arena_get(A, n, sizeof(size_t));
    W->rank = arena_get(A, n, sizeof(unsigned));
    W->idx = arena_get(A, 2 * n, sizeof(size_t));
    W->hist = arena_get(A, n * (n + 1), sizeof(uint32_t));
    W->rank_sum = arena_get(A, n, sizeof(uint64_t));
    if (W->w == NULL || W->u == NULL || W->key == NULL || W->perm == NULL ||
        W->rank == NULL || W->idx == NULL || W->hist == NULL ||
        W->rank_sum == NULL) {
        return -1;
    }
    for (i = n; i < np; i++) {
        W->key[i] = -(double)INFINITY; /* padding: never higher */
    }
    {
        size_t u, lg = 1;
        for (u = 0; u < n; u++) {
            W->perm[u] = u;
        }
        while (((size_t)1 << lg) < n) {
            lg++;
        }
        /* about twice what a merge sort of n costs */
        W->sort_budget = 2 * n * lg;
    }
    if (S->grouped) {
        W->wchunk = arena_get(A, MC_CHUNK * nn, sizeof(double));
        W->ki = arena_get(A, MC_CHUNK, 1);
        W->ai = arena_get(A, MC_CHUNK, 1);
        W->slot = arena_get(A, MC_CHUNK, sizeof(size_t));
        W->agg = arena_get(A, MC_G * (nn - S->n_ind) * np, sizeof(double));
        W->keyf = arena_get(A, np, sizeof(float));
        if (W->wchunk == NULL || W->ki == NULL || W->ai == NULL ||
            W->slot == NULL || W->agg == NULL || W->keyf == NULL) {
            return -1;
        }
        for (i = n; i < np; i++) {
            W->keyf[i] = -(float)INFINITY; /* padding: never higher */
        }
        return 0;
    }
    if (S->ind_mask != NULL) {
        W->mask = arena_get(A, nn * n, sizeof(double));
        if (W->mask == NULL) {
            return -1;
        }
        memcpy(W->mask, S->ind_mask, ni * sizeof(double));
    }
    /* each worker owns a full node x unit buffer per method pair: the
       indicators' rows are copied once, the aggregates' rows are rewritten
       by every replicate */
    for (i = 0; i < CHISO_NORM_COUNT; i++) {
        for (j = 0; j < CHISO_AGG_COUNT; j++) {
            if (S->ind_t[i][j] == NULL) {
                continue;
            }
            W->t[i][j] = arena_get(A, nn * n, sizeof(double));
            if (W->t[i][j] == NULL) {
                return -1;
            }
            memcpy(W->t[i][j], S->ind_t[i][j], ni * sizeof(double));
        }
    }
    return 0;
}

/* A unit's ranks over the replicates, as a histogram: h[r] replicates
 * ranked it r (1..n). */
struct rank_hist {
    const uint32_t *h;
    size_t n;
};

/* k-th smallest (0-based) rank from the histogram. */
static double
hist_kth(const void *ctx, size_t k)
{
    const struct rank_hist *rh = ctx;
    uint64_t cum = 0;
    size_t r;

    for (r = 1; r <= rh->n; r++) {
        cum += rh->h[r];
        if (cum > k) {
            return (double)r;
        }
    }
    return (double)rh->n;
}

/* Type-7 percentile (numpy's default 'linear', R's type 7) of the
 * `count` ranks in the histogram: chiso_stats_quantile_kth, the one
 * quantile of chiso (GSL's), on the sequence the histogram stands for. */
static double
hist_percentile(const uint32_t *h, size_t n, uint64_t count, double p)
{
    struct rank_hist rh;

    rh.h = h;
    rh.n = n;
    return chiso_stats_quantile_kth((size_t)count, p, hist_kth, &rh);
}

static chiso_status
check_options(const chiso_uncertainty_options *o, chiso_diag *diag)
{
    chiso_composite_options c = CHISO_COMPOSITE_OPTIONS_INIT;
    size_t i, j;

    if (o->replicates < 1 || o->replicates > 100000000) {
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "the number of replicates must be between 1 "
                              "and 100000000");
    }
    if (!(o->weight_noise >= 0 && o->weight_noise < 1)) {
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "the weight noise must be at least 0 and below "
                              "1 (0.25 = +-25 %%), got %g",
                              o->weight_noise);
    }
    if (o->n_normalise < 1 || o->n_normalise > CHISO_NORM_COUNT ||
        o->n_aggregate < 1 || o->n_aggregate > CHISO_AGG_COUNT) {
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "give at least one normalisation and one "
                              "aggregation");
    }
    for (i = 0; i < o->n_normalise; i++) {
        for (j = 0; j < i; j++) {
            if (o->normalise[i] == o->normalise[j]) {
                return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                                      "normalisation '%s' is listed twice",
                                      chiso_cmp_norm_name(o->normalise[i]));
            }
        }
        if ((unsigned)o->normalise[i] >= CHISO_NORM_COUNT) {
            return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                                  "unknown normalisation");
        }
    }
    for (i = 0; i < o->n_aggregate; i++) {
        for (j = 0; j < i; j++) {
            if (o->aggregate[i] == o->aggregate[j]) {
                return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                                      "aggregation '%s' is listed twice",
                                      chiso_cmp_agg_name(o->aggregate[i]));
            }
        }
        if ((unsigned)o->aggregate[i] >= CHISO_AGG_COUNT) {
            return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                                  "unknown aggregation");
        }
    }
    c.range_lo = o->range_lo;
    c.range_hi = o->range_hi;
    c.zscore_mean = o->zscore_mean;
    c.zscore_sd = o->zscore_sd;
    return chiso_composite__check_options(&c, diag);
}

void
chiso_uncertainty_result_free(chiso_uncertainty_result *res)
{
    if (res == NULL) {
        return;
    }
    free(res->nominal_rank);
    free(res->nominal_score);
    free(res->median_rank);
    free(res->p5_rank);
    free(res->p95_rank);
    free(res->mean_rank);
    free(res->order);
    free(res->rep_normalise);
    free(res->rep_aggregate);
    free(res->rep_weight);
    free(res);
}

/* Tasks that want a processor right now, from the kernel's count of
 * runnable tasks (the fourth field of /proc/loadavg, "running/total",
 * which counts this thread too); -1 if unknown. */
static long
runnable_others(void)
{
#if defined(__linux__)
    char buf[128];
    long running = -1;
    FILE *f = fopen("/proc/loadavg", "r");

    if (f != NULL) {
        size_t k = fread(buf, 1, sizeof(buf) - 1, f);
        const char *p;
        buf[k] = '\0';
        fclose(f);
        /* "0.50 0.40 0.30 2/100 12345": the field after three numbers */
        p = strchr(buf, '/');
        if (p != NULL) {
            const char *b = p;
            while (b > buf && b[-1] >= '0' && b[-1] <= '9') {
                b--;
            }
            if (b < p) {
                running = strtol(b, NULL, 10);
            }
        }
    }
    return running >= 1 ? running - 1 : -1;
#else
    return -1;
#endif
}

/*
 * Threads: the number asked for, or automatically one per processor this
 * process may run on (sched_getaffinity) that is free now, i.e. not
 * wanted by another runnable task (/proc/loadavg; elsewhere the
 * one-minute load average), at most MAX_THREADS and within MAX_HIST_BYTES
 * of histograms; one thread for small runs, where starting a thread costs
 * more than it saves. Threads take chunks of replicates from one counter,
 * so a thread the system runs late only leaves its chunks to the others.
 * The results do not depend on the count (each replicate has its own
 * stream and the histograms add up exactly), so this only decides the
 * speed.
 */
static unsigned
auto_threads(const chiso_composite *m, const chiso_uncertainty_options *o)
{
    double work =
        (double)o->replicates * (double)m->n_units * (double)m->n_nodes;
    double hist = 4.0 * (double)m->n_units * (double)(m->n_units + 1);
    unsigned t;

    if (o->threads > 0) {
        t = o->threads;
    } else if (work < MIN_WORK_FOR_THREADS) {
        t = 1;
    } else {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN), busy = runnable_others();
        double load[1];
#if defined(__linux__)
        cpu_set_t set;
        CPU_ZERO(&set);
        if (sched_getaffinity(0, sizeof(set), &set) == 0) {
            cpus = CPU_COUNT(&set);
        }
#endif
        if (busy < 0 && getloadavg(load, 1) == 1 && load[0] >= 0) {
            busy = (long)load[0];
        }
        if (busy > 0) {
            cpus -= busy;
        }
        t = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (unsigned)cpus;
        while (t > 1 && (double)t * hist > MAX_HIST_BYTES) {
            t--;
        }
    }
    if (t > MAX_THREADS) {
        t = MAX_THREADS;
    }
    if ((size_t)t > o->replicates) {
        t = (unsigned)o->replicates;
    }
    return t ? t : 1;
}

/* Nominal scores and ranks: the composite engine's own path. 0, or -1
 * when out of memory. */
static int
nominal(struct mc_shared *S, struct mc_worker *W, struct mc_arena *A)
{
    const chiso_composite *m = S->m;
    const chiso_uncertainty_options *o = S->o;
    chiso_uncertainty_result *res = S->res;
    size_t n = S->n, u, root_row = m->root * n;
    chiso_cmp_agg agg = o->aggregate[0];
    double *t = arena_get(A, S->nn * n, sizeof(double));
    const double *def;

    if (t == NULL) {
        return -1;
    }
    memcpy(t, S->ind_t[o->normalise[0]][agg], S->n_ind * n * sizeof(double));
    memcpy(W->w, S->wk, S->nn * sizeof(double));
    chiso_composite__aggregate(m, W->w, t, W->mask);
    def = W->mask != NULL ? W->mask + root_row : NULL;
    for (u = 0; u < n; u++) {
        int ok = def == NULL || def[u] > 0;
        res->nominal_score[u] =
            ok ? chiso_composite__untransform(agg, t[root_row + u])
               : (double)NAN;
        W->key[u] = ok ? res->nominal_score[u] : 0;
    }
    res->n_ranked =
        chiso_composite__rank(W->key, def, n, res->nominal_rank, W->idx);
    return 0;
}

chiso_status
chiso_uncertainty_run(chiso_uncertainty_result **out,
                      const chiso_composite *m,
                      const chiso_uncertainty_options *opts,
                      chiso_diag *diag)
{
    return chiso_composite__uncertainty_run_paths(out, m, opts, 0, diag);
}

chiso_status
chiso_composite__uncertainty_run_paths(chiso_uncertainty_result **out,
                                       const chiso_composite *m,
                                       const chiso_uncertainty_options *opts,
                                       unsigned paths,
                                       chiso_diag *diag)
{
    struct mc_shared S;
    struct mc_worker W[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    struct mc_start *start[MAX_THREADS];
    double *norm_x[CHISO_NORM_COUNT] = {NULL};
    double *tbuf[CHISO_NORM_COUNT][CHISO_AGG_COUNT];
    double *pbuf[CHISO_NORM_COUNT][CHISO_AGG_COUNT];
    double *mask = NULL, *wk = NULL;
    int *wshift = NULL;
    chiso_uncertainty_result *res = NULL;
    struct mc_arena A;
    size_t n = m->n_units, i, j, u, n_started = 0, need, n_pairs;
    unsigned n_threads, t;
    chiso_status st;
    int complete;

    *out = NULL;
    memset(&A, 0, sizeof(A));
    memset(&S, 0, sizeof(S));
    memset(tbuf, 0, sizeof(tbuf));
    memset(pbuf, 0, sizeof(pbuf));
    for (t = 0; t < MAX_THREADS; t++) {
        memset(&W[t], 0, sizeof(W[t]));
    }
    st = check_options(opts, diag);
    if (st != CHISO_OK) {
        return st;
    }
    if (n > MAX_UNITS) {
        return chiso_diag_set(diag, CHISO_EUSAGE, m->data_path, 0, 0,
                              "%zu units: the uncertainty analysis keeps a "
                              "rank histogram per unit and supports up to %d "
                              "units",
                              n, MAX_UNITS);
    }
    if (opts->keep_replicates) {
        /* every kept weight must be a finite number as written */
        for (i = 0; i < m->n_nodes; i++) {
            if (i != m->root &&
                !isfinite(m->nodes[i].weight * (1.0 + opts->weight_noise))) {
                return chiso_diag_set(
                    diag, CHISO_EUSAGE, m->meta_path, m->nodes[i].meta_line,
                    m->nodes[i].meta_weight_column,
                    "Weight %g of '%s' times %g (1 + the weight noise) is "
                    "beyond the largest double, so --replicates-csv cannot "
                    "write it: write the weights on a smaller scale",
                    m->nodes[i].weight, m->nodes[i].code,
                    1.0 + opts->weight_noise);
            }
        }
    }
    if (opts->keep_replicates &&
        (double)opts->replicates * (double)m->n_nodes > MAX_KEPT_WEIGHTS) {
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "keeping every replicate's weights would need "
                              "%.0f values (limit %.0f): use fewer replicates "
                              "with --replicates-csv",
                              (double)opts->replicates * (double)m->n_nodes,
                              MAX_KEPT_WEIGHTS);
    }
    res = calloc(1, sizeof(*res));
    if (res == NULL) {
        goto nomem;
    }
    res->model = m;
    res->opts = *opts;
    res->n_units = n;
    res->nominal_rank = calloc(n, sizeof(unsigned));
    res->nominal_score = malloc(n * sizeof(double));
    res->median_rank = malloc(n * sizeof(double));
    res->p5_rank = malloc(n * sizeof(double));
    res->p95_rank = malloc(n * sizeof(double));
    res->mean_rank = malloc(n * sizeof(double));
    res->order = malloc(n * sizeof(size_t));
    if (res->nominal_rank == NULL || res->nominal_score == NULL ||
        res->median_rank == NULL || res->p5_rank == NULL ||
        res->p95_rank == NULL || res->mean_rank == NULL || res->order == NULL) {
        goto nomem;
    }
    if (opts->keep_replicates) {
        res->rep_normalise =
            malloc(opts->replicates * sizeof(*res->rep_normalise));
        res->rep_aggregate =
            malloc(opts->replicates * sizeof(*res->rep_aggregate));
        res->rep_weight =
            malloc(opts->replicates * m->n_nodes * sizeof(double));
        if (res->rep_normalise == NULL || res->rep_aggregate == NULL ||
            res->rep_weight == NULL) {
            goto nomem;
        }
    }
    mask = chiso_composite__mask(m, &complete);
    wk = malloc(m->n_nodes * sizeof(*wk));
    wshift = malloc(m->n_nodes * sizeof(*wshift));
    if (complete < 0 || wk == NULL || wshift == NULL) {
        goto nomem;
    }
    chiso_composite__kernel_weights(m, wk, wshift);
    S.wk = wk;
    S.wshift = wshift;
    S.m = m;
    S.o = &res->opts;
    S.n = n;
    S.nn = m->n_nodes;
    S.n_ind = m->n_indicators;
    S.ind_mask = mask;
    S.res = res;
    S.np = (n + MC_PAD - 1) / MC_PAD * MC_PAD;
    atomic_init(&S.next, 0);
    atomic_init(&S.done, 0);
#if defined(MC_GROUPED)
    S.grouped = mask == NULL && !(paths & CHISO_MC_PATH_SINGLE);
#endif
#if defined(MC_WIDE)
    S.wide = have_avx512() && !(paths & CHISO_MC_PATH_NARROW);
#endif
    n_threads = auto_threads(m, opts);
    res->threads_used = n_threads;
    /* the arena: normalised, transformed and padded indicators, the
       nominal run's nodes, every worker's pieces */
    n_pairs = opts->n_normalise * opts->n_aggregate;
    need =
        opts->n_normalise * arena_piece(m->n_indicators * n * sizeof(double)) +
        n_pairs * arena_piece(m->n_indicators * n * sizeof(double)) +
        (S.grouped
             ? n_pairs * arena_piece(m->n_indicators * S.np * sizeof(double))
             : 0) +
        arena_piece(S.nn * n * sizeof(double)) +
        n_threads * worker_bytes(&S, n_pairs);
    arena_open(&A, need);
    /* every normalisation once, every (normalisation, aggregation) pair
       checked and transformed once */
    for (i = 0; i < opts->n_normalise; i++) {
        chiso_composite_options c = CHISO_COMPOSITE_OPTIONS_INIT;
        chiso_cmp_norm k = opts->normalise[i];
        c.normalise = k;
        c.range_lo = opts->range_lo;
        c.range_hi = opts->range_hi;
        c.zscore_mean = opts->zscore_mean;
        c.zscore_sd = opts->zscore_sd;
        norm_x[k] = arena_get(&A, m->n_indicators * n, sizeof(double));
        if (norm_x[k] == NULL) {
            goto nomem;
        }
        st = chiso_composite__normalise(m, &c, norm_x[k], NULL, NULL, diag);
        if (st != CHISO_OK) {
            goto fail;
        }
        for (j = 0; j < opts->n_aggregate; j++) {
            chiso_cmp_agg a = opts->aggregate[j];
            c.aggregate = a;
            st = chiso_composite__check_positive(m, &c, norm_x[k], diag);
            if (st != CHISO_OK) {
                goto fail;
            }
            tbuf[k][a] = arena_get(&A, m->n_indicators * n, sizeof(double));
            if (tbuf[k][a] == NULL) {
                goto nomem;
            }
            chiso_composite__transform(m, a, norm_x[k], tbuf[k][a]);
            S.ind_t[k][a] = tbuf[k][a];
            if (S.grouped) {
                size_t row;
                pbuf[k][a] =
                    arena_get(&A, m->n_indicators * S.np, sizeof(double));
                if (pbuf[k][a] == NULL) {
                    goto nomem;
                }
                for (row = 0; row < m->n_indicators; row++) {
                    memcpy(pbuf[k][a] + row * S.np, tbuf[k][a] + row * n,
                           n * sizeof(double));
                }
                S.ind_p[k][a] = pbuf[k][a];
            }
        }
    }
    for (t = 0; t < n_threads; t++) {
        if (worker_init(&W[t], &S, &A) != 0) {
            goto nomem;
        }
    }
    if (nominal(&S, &W[0], &A) != 0) {
        goto nomem;
    }
    /* workers 1.. on their own threads, worker 0 on this one; all take
       chunks from one counter, so a thread that could not start, or that
       the system runs late, leaves its share to the others */
    for (t = 1; t < n_threads; t++) {
        start[t] = malloc(sizeof(*start[t]));
        if (start[t] == NULL) {
            break;
        }
        atomic_init(&start[t]->state, MC_PENDING);
        atomic_init(&start[t]->refs, 2);
        start[t]->W = &W[t];
        if (pthread_create(&tid[t], NULL, thread_main, start[t]) != 0) {
            free(start[t]);
            break;
        }
        n_started++;
    }
    W[0].is_caller = 1;
    run_chunks(&W[0]);
    for (t = 1; t <= n_started; t++) {
        int expect = MC_PENDING;
        if (atomic_compare_exchange_strong(&start[t]->state, &expect,
                                           MC_CANCELLED)) {
            pthread_detach(tid[t]); /* never ran, never will: W[t] unused */
        } else {
            pthread_join(tid[t], NULL);
        }
        start_release(start[t]);
    }
    if (opts->progress != NULL) {
        opts->progress(opts->progress_ctx, opts->replicates, opts->replicates);
    }
    for (t = 1; t < n_threads; t++) {
        for (i = 0; i < n * (n + 1); i++) {
            W[0].hist[i] += W[t].hist[i];
        }
        for (u = 0; u < n; u++) {
            W[0].rank_sum[u] += W[t].rank_sum[u];
        }
    }
    for (u = 0; u < n; u++) {
        const uint32_t *h = W[0].hist + u * (n + 1);
        uint64_t count = 0;
        for (i = 1; i <= n; i++) {
            count += h[i];
        }
        if (count == 0) {
            res->median_rank[u] = res->p5_rank[u] = res->p95_rank[u] =
                res->mean_rank[u] = (double)NAN;
            continue;
        }
        res->median_rank[u] = hist_percentile(h, n, count, 0.5);
        res->p5_rank[u] = hist_percentile(h, n, count, 0.05);
        res->p95_rank[u] = hist_percentile(h, n, count, 0.95);
        res->mean_rank[u] = (double)W[0].rank_sum[u] / (double)count;
    }
    /* order by nominal rank, unranked last, ties in iData order */
    if (chiso_composite__order(res->nominal_rank, n, res->order) != 0) {
        goto nomem;
    }
    st = CHISO_OK;
    goto done;
nomem:
    st = chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
fail:
    chiso_uncertainty_result_free(res);
    res = NULL;
done:
    arena_close(&A);
    free(mask);
    free(wk);
    free(wshift);
    *out = res;
    return st;
}

/*
 * keys.c - a set of strings numbered in order of first insertion.
 *
 * Open addressing with linear probing over a power-of-two table kept at
 * most half full; the hash is 64-bit FNV-1a. Lookups and insertions take
 * constant expected time, so matching units, codes or respondents is
 * linear in the input instead of quadratic. The strings are copied into
 * one growing block; indices stay valid for the life of the set.
 */
#include "chiso_stats.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct chiso_stats_keys {
    size_t *slot;   /* 0 = empty, else index + 1 */
    size_t cap;     /* slots, a power of two */
    size_t n;       /* keys */
    size_t *off;    /* n: offset of key i in text */
    size_t *len;    /* n */
    uint64_t *hash; /* n */
    size_t n_cap;   /* allocated entries of off, len, hash */
    char *text;     /* the keys, each NUL-terminated */
    size_t text_len, text_cap;
};

static uint64_t
fnv1a(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

chiso_status
chiso_stats_keys_new(chiso_stats_keys **out, size_t hint)
{
    chiso_stats_keys *k = calloc(1, sizeof(*k));
    size_t cap = 16;

    *out = NULL;
    if (k == NULL) {
        return CHISO_ENOMEM;
    }
    while (cap < 2 * hint && cap < ((size_t)1 << 40)) {
        cap *= 2;
    }
    k->slot = calloc(cap, sizeof(*k->slot));
    if (k->slot == NULL) {
        free(k);
        return CHISO_ENOMEM;
    }
    k->cap = cap;
    *out = k;
    return CHISO_OK;
}

void
chiso_stats_keys_free(chiso_stats_keys *k)
{
    if (k == NULL) {
        return;
    }
    free(k->slot);
    free(k->off);
    free(k->len);
    free(k->hash);
    free(k->text);
    free(k);
}

size_t
chiso_stats_keys_count(const chiso_stats_keys *k)
{
    return k->n;
}

const char *
chiso_stats_keys_str(const chiso_stats_keys *k, size_t i)
{
    return k->text + k->off[i];
}

/* Slot of key (s, len, h), or of the empty slot where it would go. */
static size_t
probe(const chiso_stats_keys *k, const char *s, size_t len, uint64_t h)
{
    size_t mask = k->cap - 1, p = (size_t)h & mask;

    while (k->slot[p] != 0) {
        size_t i = k->slot[p] - 1;
        if (k->hash[i] == h && k->len[i] == len &&
            memcmp(k->text + k->off[i], s, len) == 0) {
            return p;
        }
        p = (p + 1) & mask;
    }
    return p;
}

long
chiso_stats_keys_find(const chiso_stats_keys *k, const char *s, size_t len)
{
    size_t p = probe(k, s, len, fnv1a(s, len));

    return k->slot[p] ? (long)(k->slot[p] - 1) : -1;
}

static int
rehash(chiso_stats_keys *k)
{
    size_t cap = k->cap * 2, i, mask = cap - 1;
    size_t *slot = calloc(cap, sizeof(*slot));

    if (slot == NULL) {
        return -1;
    }
    for (i = 0; i < k->n; i++) {
        size_t p = (size_t)k->hash[i] & mask;
        while (slot[p] != 0) {
            p = (p + 1) & mask;
        }
        slot[p] = i + 1;
    }
    free(k->slot);
    k->slot = slot;
    k->cap = cap;
    return 0;
}

chiso_status
chiso_stats_keys_add(
    chiso_stats_keys *k, const char *s, size_t len, size_t *index, int *added)
{
    uint64_t h = fnv1a(s, len);
    size_t p = probe(k, s, len, h);

    if (added != NULL) {
        *added = 0;
    }
    if (k->slot[p] != 0) {
        *index = k->slot[p] - 1;
        return CHISO_OK;
    }
    if (k->n == k->n_cap) {
        size_t nc = k->n_cap ? 2 * k->n_cap : 16;
        void *a = realloc(k->off, nc * sizeof(*k->off));
        if (a == NULL) {
            return CHISO_ENOMEM;
        }
        k->off = a;
        a = realloc(k->len, nc * sizeof(*k->len));
        if (a == NULL) {
            return CHISO_ENOMEM;
        }
        k->len = a;
        a = realloc(k->hash, nc * sizeof(*k->hash));
        if (a == NULL) {
            return CHISO_ENOMEM;
        }
        k->hash = a;
        k->n_cap = nc;
    }
    if (k->text_len + len + 1 > k->text_cap) {
        size_t nc = k->text_cap ? 2 * k->text_cap : 256;
        char *t;
        while (nc < k->text_len + len + 1) {
            nc *= 2;
        }
        t = realloc(k->text, nc);
        if (t == NULL) {
            return CHISO_ENOMEM;
        }
        k->text = t;
        k->text_cap = nc;
    }
    memcpy(k->text + k->text_len, s, len);
    k->text[k->text_len + len] = '\0';
    k->off[k->n] = k->text_len;
    k->len[k->n] = len;
    k->hash[k->n] = h;
    k->text_len += len + 1;
    k->slot[p] = k->n + 1;
    *index = k->n++;
    if (added != NULL) {
        *added = 1;
    }
    if (2 * k->n > k->cap && rehash(k) != 0) {
        /* the key is in; the table is fuller than planned, still correct
           while it has an empty slot */
        if (k->n + 1 >= k->cap) {
            return CHISO_ENOMEM;
        }
    }
    return CHISO_OK;
}

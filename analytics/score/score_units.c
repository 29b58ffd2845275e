/*
 * score_units.c - every unit of one or several sheets scored at once,
 * ranked overall and within groups, and the criteria most units lose
 * points on.
 */
#include "score_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- string map ---------------------------------------------------------- */

void
chiso_score__map_init(struct strmap *m)
{
    memset(m, 0, sizeof(*m));
}

static size_t
map_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return (size_t)(h ^ (h >> 29));
}

static int
map_grow(struct strmap *m)
{
    size_t cap = m->slots ? 2 * (m->mask + 1) : 64, i;
    struct strmap_slot *s = calloc(cap, sizeof(*s));

    if (s == NULL) {
        return -1;
    }
    for (i = 0; m->slots != NULL && i <= m->mask; i++) {
        if (m->slots[i].key != NULL) {
            size_t j = map_hash(m->slots[i].key) & (cap - 1);
            while (s[j].key != NULL) {
                j = (j + 1) & (cap - 1);
            }
            s[j] = m->slots[i];
        }
    }
    free(m->slots);
    m->slots = s;
    m->mask = cap - 1;
    return 0;
}

int
chiso_score__map_get(struct strmap *m, const char *key, size_t put, size_t *val)
{
    size_t i;

    if ((m->n + 1) * 2 > (m->slots ? m->mask + 1 : 0) && map_grow(m) != 0) {
        return -1;
    }
    i = map_hash(key) & m->mask;
    while (m->slots[i].key != NULL) {
        if (strcmp(m->slots[i].key, key) == 0) {
            *val = m->slots[i].val;
            return 1;
        }
        i = (i + 1) & m->mask;
    }
    m->slots[i].key = chiso_strdup(key);
    if (m->slots[i].key == NULL) {
        return -1;
    }
    m->slots[i].val = put;
    m->n++;
    *val = put;
    return 0;
}

void
chiso_score__map_free(struct strmap *m)
{
    size_t i;

    for (i = 0; m->slots != NULL && i <= m->mask; i++) {
        free(m->slots[i].key);
    }
    free(m->slots);
    memset(m, 0, sizeof(*m));
}

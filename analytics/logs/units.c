/*
 * units.c - which rows of a log belong to the unit the user means.
 *
 * A department's two logs seldom write its name the same way: the one-stop
 * system exports a code ("STP", "000.00.31.H44"), the task register the
 * name ("Sở Tư pháp"), a configuration may say either. A unit is matched on
 * folded text (case, diacritics, spaces and punctuation ignored), against
 * every code and name the configuration gives. Nothing is guessed: when no
 * unit of the log matches, the run stops and names the nearest unit, so
 * the user adds the name to the configuration - a leaf is never filled from
 * rows that are not the unit's, nor from no rows at all.
 */
#include "logs_int.h"

#include <stdlib.h>
#include <string.h>

#define KEY_CAP 160

/* Folded text without separators: "Sở Tư pháp" -> "sotuphap". */
static size_t
unit_key(const char *s, char *out, size_t cap)
{
    char f[KEY_CAP];
    size_t i, n = 0;
    size_t len = strlen(s);

    chiso_text_trim(&s, &len);
    chiso_text_fold(s, len, f, sizeof(f));
    for (i = 0; f[i] != '\0' && n + 1 < cap; i++) {
        if (f[i] != '_') {
            out[n++] = f[i];
        }
    }
    out[n] = '\0';
    return n;
}

static int
unit_equal(const char *a, const char *b)
{
    char ka[KEY_CAP], kb[KEY_CAP];

    if (strcmp(a, b) == 0) {
        return 1;
    }
    return unit_key(a, ka, sizeof(ka)) > 0 && unit_key(b, kb, sizeof(kb)) > 0 &&
           strcmp(ka, kb) == 0;
}

/* Edit distance between two short ASCII keys (two rows of the table). */
static size_t
edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b), i, j;
    size_t row0[KEY_CAP + 1], row1[KEY_CAP + 1];
    size_t *prev = row0, *cur = row1, *t;

    for (j = 0; j <= nb; j++) {
        prev[j] = j;
    }
    for (i = 1; i <= na; i++) {
        cur[0] = i;
        for (j = 1; j <= nb; j++) {
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t m = del < ins ? del : ins;
            cur[j] = m < sub ? m : sub;
        }
        t = prev;
        prev = cur;
        cur = t;
    }
    return prev[nb];
}

/* Words of the folded text and their initials ("so_khoa_hoc_va_cong_nghe"
 * -> "skhcn": "và" and "of" are not initials). */
static size_t
words(const char *s, char w[][KEY_CAP], size_t max, char *initials)
{
    char f[KEY_CAP];
    size_t len = strlen(s), n = 0, k = 0;
    const char *p, *q;

    chiso_text_trim(&s, &len);
    chiso_text_fold(s, len, f, sizeof(f));
    for (p = f; *p != '\0' && n < max; p = q) {
        size_t m;
        while (*p == '_') {
            p++;
        }
        for (q = p; *q != '\0' && *q != '_'; q++) {
        }
        m = (size_t)(q - p);
        if (m == 0) {
            continue;
        }
        if (m >= KEY_CAP) {
            m = KEY_CAP - 1;
        }
        memcpy(w[n], p, m);
        w[n][m] = '\0';
        if (strcmp(w[n], "va") != 0 && strcmp(w[n], "and") != 0 &&
            strcmp(w[n], "of") != 0 && k + 1 < KEY_CAP) {
            initials[k++] = w[n][0];
        }
        n++;
    }
    initials[k] = '\0';
    return n;
}

/* Similarity in [0, 1] of two unit texts. */
static double
similarity(const char *a, const char *b)
{
    char ka[KEY_CAP], kb[KEY_CAP], ia[KEY_CAP], ib[KEY_CAP];
    char wa[16][KEY_CAP], wb[16][KEY_CAP];
    size_t na, nb, la, lb, i, j, shared = 0;
    double best, s;

    la = unit_key(a, ka, sizeof(ka));
    lb = unit_key(b, kb, sizeof(kb));
    if (la == 0 || lb == 0) {
        return 0;
    }
    best = 1.0 - (double)edit_distance(ka, kb) / (double)(la > lb ? la : lb);
    na = words(a, wa, 16, ia);
    nb = words(b, wb, 16, ib);
    for (i = 0; i < na; i++) {
        for (j = 0; j < nb; j++) {
            if (strcmp(wa[i], wb[j]) == 0) {
                shared++;
                break;
            }
        }
    }
    if (na + nb > shared) {
        s = (double)shared / (double)(na + nb - shared);
        best = s > best ? s : best;
    }
    /* a code that spells the initials of a name */
    if ((na > 1 && strlen(ia) > 1 && strcmp(ia, kb) == 0) ||
        (nb > 1 && strlen(ib) > 1 && strcmp(ib, ka) == 0)) {
        best = best > 0.9 ? best : 0.9;
    }
    return best;
}

const char *
chiso_unit_nearest(const char *const *units, size_t n_units, const char *text)
{
    size_t i;
    double best = 0.5, s;
    const char *hit = NULL;

    for (i = 0; i < n_units; i++) {
        s = similarity(units[i], text);
        if (s > best) {
            best = s;
            hit = units[i];
        }
    }
    return hit;
}

chiso_status
chiso_unit_match(const char *path,
                 const char *const *units,
                 size_t n_units,
                 const chiso_unit_ref *want,
                 unsigned char *hit,
                 chiso_diag *diag)
{
    size_t i, k, n_hit = 0;
    const char *near = NULL;
    chiso_buf list = CHISO_BUF_INIT;
    chiso_status st;

    for (i = 0; i < n_units; i++) {
        hit[i] = (unsigned char)unit_equal(units[i], want->code);
        for (k = 0; !hit[i] && want->names != NULL && k < want->n_names; k++) {
            hit[i] = (unsigned char)(want->names[k] != NULL &&
                                     unit_equal(units[i], want->names[k]));
        }
        n_hit += hit[i];
    }
    if (n_hit > 0) {
        return CHISO_OK;
    }
    if (n_units == 0) {
        return chiso_diag_set(diag, CHISO_EDATA, path, 0, 0,
                              "no row of unit '%s': the file has no row to "
                              "count",
                              want->code);
    }
    near = chiso_unit_nearest(units, n_units, want->code);
    for (k = 0; near == NULL && want->names != NULL && k < want->n_names; k++) {
        if (want->names[k] != NULL) {
            near = chiso_unit_nearest(units, n_units, want->names[k]);
        }
    }
    for (i = 0; i < n_units && i < 8; i++) {
        chiso_buf_printf(&list, "%s'%s'", i ? ", " : "", units[i]);
    }
    if (n_units > 8) {
        chiso_buf_printf(&list, ", …");
    }
    if (near != NULL) {
        st = chiso_diag_set(
            diag, CHISO_EDATA, path, 0, 0,
            "no row of unit '%s' (the file has %zu unit(s): %s); did you mean "
            "'%s'? Give the unit as the file writes it, or add that name to "
            "the unit's names in the report configuration",
            want->code, n_units, list.data ? list.data : "", near);
    } else {
        st = chiso_diag_set(
            diag, CHISO_EDATA, path, 0, 0,
            "no row of unit '%s' (the file has %zu unit(s): %s); give the "
            "unit as the file writes it, or add that name to the unit's names "
            "in the report configuration",
            want->code, n_units, list.data ? list.data : "");
    }
    chiso_buf_free(&list);
    return st;
}

/*
 * evidence.c - evidence sheets (bảng tự chấm điểm kèm tài liệu kiểm chứng).
 *
 * One row per leaf criterion (or per named rule input). The loader checks
 * what can be checked without the framework: the CSV itself, numbers,
 * signs, "N/A" markers and duplicate ids. It keeps the line and column of
 * every cell so the scorer, which knows the framework, can point at the
 * exact cell when an id is unknown or points exceed a maximum.
 *
 * In collect mode (chiso validate) row-level problems are appended to a
 * list and loading continues; a CSV syntax error still stops the file.
 */
#include "chiso_dataset.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum {
    COL_ID,
    COL_VALUE,
    COL_NUM,
    COL_DEN,
    COL_POINTS,
    COL_APPRAISED,
    COL_OFFICIAL,
    COL_EVIDENCE,
    COL_NOTE,
    COL_APPLICABLE,
    COL_UNIT,
    COL_DATE,
    N_COLS
};

static const chiso_csv_column evidence_columns[N_COLS] = {
    {"criterion_id",
     "id|criterion|criterion_code|code|ma|ma_tieu_chi|tieu_chi|ma_chi_so|"
     "chi_so|indicator|indicator_code|metric_code|ma_chi_tieu",
     1},
    {"value",
     "gia_tri|ket_qua|ty_le|so_lieu|measured|measured_value|rate|"
     "ket_qua_thuc_hien",
     0},
    {"numerator", "tu_so|so_dat|num", 0},
    {"denominator", "mau_so|tong_so|den", 0},
    {"points",
     "self_points|diem|diem_tu_danh_gia|diem_tu_cham|self_score|"
     "score|tu_cham",
     0},
    {"appraised_points", "appraised|diem_tham_dinh|tham_dinh", 0},
    {"official_points", "official|diem_cong_bo|diem_chinh_thuc|portal_points",
     0},
    {"evidence",
     "evidence_ref|evidence_reference|tai_lieu_kiem_chung|"
     "kiem_chung|tai_lieu|van_ban|van_ban_kiem_chung",
     0},
    {"note", "notes|ghi_chu|giai_trinh|explanation|comment|thuyet_minh", 0},
    {"applicable", "ap_dung|co_ap_dung|applies", 0},
    {"unit", "unit_code|don_vi|ma_don_vi", 0},
    {"evidence_date", "date|ngay|ngay_ban_hanh|ngay_van_ban|ngay_kiem_chung",
     0},
};

/*
 * Duplicate ids (same unit, same id) in linear time: one hash table of ids
 * per unit, found through a small table of units. Sheets list a unit's
 * rows together, so the current unit's table stays in cache and the unit
 * is looked up only when it changes. A slot keeps 32 bits of the id's hash
 * beside the entry index; the hash also places the slot, so growing a
 * table never reads the entries again, and a probe reads an entry only
 * when the hashes agree.
 */
struct id_table {
    uint64_t *slot; /* hash << 32 | (entry index + 1); 0 = empty */
    size_t mask, n;
};

struct dup_table {
    struct id_table *units; /* one per distinct unit text */
    const char **unit_text; /* borrowed from the first entry of the unit */
    size_t n_units, cap_units;
    size_t *unit_slot; /* open addressing over units: index + 1 */
    size_t unit_mask;
    long cur;             /* the previous row's unit, or -1 */
    const char *cur_text; /* its text */
};

static uint32_t
str_hash32(const char *p)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (; *p; p++) {
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    }
    return (uint32_t)(h ^ (h >> 32));
}

static int
id_table_grow(struct id_table *t)
{
    size_t cap = t->slot ? 2 * (t->mask + 1) : 64, k;
    uint64_t *s = calloc(cap, sizeof(*s));

    if (s == NULL) {
        return -1;
    }
    for (k = 0; t->slot != NULL && k <= t->mask; k++) {
        if (t->slot[k] != 0) {
            size_t j = (size_t)(t->slot[k] >> 32) & (cap - 1);
            while (s[j] != 0) {
                j = (j + 1) & (cap - 1);
            }
            s[j] = t->slot[k];
        }
    }
    free(t->slot);
    t->slot = s;
    t->mask = cap - 1;
    return 0;
}

/* The table of unit text u: found, or added. -1 on allocation failure. */
static long
dup_unit(struct dup_table *d, const char *u)
{
    uint32_t h;
    size_t i;

    if (d->cur >= 0 && strcmp(d->cur_text, u) == 0) {
        return d->cur;
    }
    if ((d->n_units + 1) * 2 > (d->unit_slot ? d->unit_mask + 1 : 0)) {
        size_t cap = d->unit_slot ? 2 * (d->unit_mask + 1) : 16, k;
        size_t *s = calloc(cap, sizeof(*s));
        if (s == NULL) {
            return -1;
        }
        for (k = 0; k < d->n_units; k++) {
            size_t j = str_hash32(d->unit_text[k]) & (cap - 1);
            while (s[j] != 0) {
                j = (j + 1) & (cap - 1);
            }
            s[j] = k + 1;
        }
        free(d->unit_slot);
        d->unit_slot = s;
        d->unit_mask = cap - 1;
    }
    h = str_hash32(u);
    for (i = h & d->unit_mask; d->unit_slot[i] != 0;
         i = (i + 1) & d->unit_mask) {
        if (strcmp(d->unit_text[d->unit_slot[i] - 1], u) == 0) {
            break;
        }
    }
    if (d->unit_slot[i] == 0) {
        if (d->n_units == d->cap_units) {
            size_t cap = d->cap_units ? 2 * d->cap_units : 16;
            struct id_table *t = realloc(d->units, cap * sizeof(*t));
            const char **x;
            if (t == NULL) {
                return -1;
            }
            d->units = t;
            x = realloc(d->unit_text, cap * sizeof(*x));
            if (x == NULL) {
                return -1;
            }
            d->unit_text = x;
            d->cap_units = cap;
        }
        memset(&d->units[d->n_units], 0, sizeof(d->units[0]));
        d->unit_text[d->n_units] = u;
        d->unit_slot[i] = ++d->n_units;
    }
    d->cur = (long)d->unit_slot[i] - 1;
    d->cur_text = d->unit_text[d->cur];
    return d->cur;
}

/* The earlier entry with e's unit and id, -1 if none (then e's index,
 * ev->n, is recorded: the caller appends e next), or -2 on allocation
 * failure. */
static long
dup_find(struct dup_table *d,
         const chiso_evidence *ev,
         const chiso_evidence_entry *e)
{
    long u = dup_unit(d, e->unit);
    struct id_table *t;
    uint64_t tag;
    size_t i;

    if (u < 0 || ev->n >= 0xFFFFFFFFu) {
        return -2;
    }
    t = &d->units[u];
    if ((t->n + 1) * 2 > (t->slot ? t->mask + 1 : 0) && id_table_grow(t) != 0) {
        return -2;
    }
    tag = str_hash32(e->id);
    for (i = (size_t)tag & t->mask; t->slot[i] != 0; i = (i + 1) & t->mask) {
        if (t->slot[i] >> 32 == tag) {
            size_t k = (size_t)(t->slot[i] & 0xFFFFFFFFu) - 1;
            if (strcmp(ev->entries[k].id, e->id) == 0) {
                return (long)k;
            }
        }
    }
    t->slot[i] = tag << 32 | ((uint64_t)ev->n + 1);
    t->n++;
    return -1;
}

static void
dup_free(struct dup_table *d)
{
    size_t i;

    for (i = 0; i < d->n_units; i++) {
        free(d->units[i].slot);
    }
    free(d->units);
    free(d->unit_text);
    free(d->unit_slot);
}

struct loader {
    chiso_csv_reader *r;
    chiso_diag *diag;          /* stop mode */
    chiso_diag_list *problems; /* collect mode */
    int n_problems;
};

/* Report a cell problem; returns nonzero if loading must stop. */
static int cell_problem(struct loader *L,
                        const chiso_csv_row *row,
                        long k,
                        const char *fmt,
                        ...) CHISO_PRINTF(4, 5);

static int
cell_problem(
    struct loader *L, const chiso_csv_row *row, long k, const char *fmt, ...)
{
    chiso_diag d;
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    chiso_diag_clear(&d);
    chiso_csv_field_error(L->r, &d, CHISO_EDATA, row, (size_t)k, "%s", msg);
    L->n_problems++;
    if (L->problems != NULL) {
        chiso_diag_list_add(L->problems, &d);
        return 0;
    }
    *L->diag = d;
    return 1;
}

static unsigned long
cell_col(struct loader *L, const chiso_csv_row *row, long k)
{
    unsigned long line, col;

    if (k < 0) {
        return 0;
    }
    chiso_csv_field_position(L->r, row, (size_t)k, &line, &col);
    return col;
}

/* Parse a non-negative number cell. 0: absent/empty, 1: ok, -1: stop. */
static int
number_cell(
    struct loader *L, const chiso_csv_row *row, long k, double *out, int *bad)
{
    size_t len;
    const char *s = chiso_csv_field(row, k, &len);
    const char *name;

    chiso_text_trim(&s, &len);
    if (k < 0 || len == 0) {
        return 0;
    }
    name = chiso_csv_header_name(L->r, (size_t)k);
    if (chiso_parse_number(s, len, out) != 0) {
        *bad = 1;
        return cell_problem(L, row, k, "invalid number '%s' in column '%s'",
                            row->field[k], name)
                   ? -1
                   : 0;
    }
    if (*out < 0) {
        *bad = 1;
        return cell_problem(L, row, k, "negative value '%s' in column '%s'",
                            row->field[k], name)
                   ? -1
                   : 0;
    }
    return 1;
}

static char *
trimmed_copy(const chiso_csv_row *row, long k)
{
    size_t len;
    const char *s = chiso_csv_field(row, k, &len);

    chiso_text_trim(&s, &len);
    return chiso_strndup(s, len);
}

static void
entry_free(chiso_evidence_entry *e)
{
    free(e->id);
    free(e->value_text);
    free(e->evidence);
    free(e->note);
    free(e->unit);
}

static chiso_status
load(chiso_evidence **out,
     const char *path,
     chiso_diag *diag,
     chiso_diag_list *problems)
{
    struct loader L;
    chiso_evidence *ev = NULL;
    chiso_csv_row row;
    long idx[N_COLS];
    chiso_status st;
    size_t cap = 0;
    chiso_diag local;
    struct dup_table dups = {NULL, NULL, 0, 0, NULL, 0, -1, NULL};

    *out = NULL;
    memset(&L, 0, sizeof(L));
    chiso_diag_clear(&local);
    L.diag = diag ? diag : &local;
    L.problems = problems;
    st = chiso_csv_open(&L.r, path, NULL, L.diag);
    if (st != CHISO_OK) {
        goto fail;
    }
    st = chiso_csv_bind(L.r, evidence_columns, N_COLS, idx, L.diag);
    if (st != CHISO_OK) {
        goto fail;
    }
    ev = calloc(1, sizeof(*ev));
    if (ev == NULL || (ev->path = chiso_strdup(path)) == NULL) {
        st = chiso_diag_set(L.diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
        goto fail;
    }
    ev->has_unit_column = idx[COL_UNIT] >= 0;
    while ((st = chiso_csv_next(L.r, &row, L.diag)) == CHISO_OK) {
        chiso_evidence_entry e;
        size_t len, j;
        const char *s;
        int bad = 0, rc;

        /* skip rows that are entirely empty (Excel leaves some) */
        for (j = 0; j < row.n && row.len[j] == 0; j++) {
        }
        if (j == row.n) {
            continue;
        }
        memset(&e, 0, sizeof(e));
        e.line = row.line;
        e.id = trimmed_copy(&row, idx[COL_ID]);
        e.value_text = trimmed_copy(&row, idx[COL_VALUE]);
        e.evidence = trimmed_copy(&row, idx[COL_EVIDENCE]);
        e.note = trimmed_copy(&row, idx[COL_NOTE]);
        e.unit = trimmed_copy(&row, idx[COL_UNIT]);
        if (!e.id || !e.value_text || !e.evidence || !e.note || !e.unit) {
            entry_free(&e);
            st = chiso_diag_set(L.diag, CHISO_ENOMEM, path, 0, 0,
                                "out of memory");
            goto fail;
        }
        e.col_id = cell_col(&L, &row, idx[COL_ID]);
        e.col_value = cell_col(&L, &row, idx[COL_VALUE]);
        e.col_numerator = cell_col(&L, &row, idx[COL_NUM]);
        e.col_denominator = cell_col(&L, &row, idx[COL_DEN]);
        e.col_points = cell_col(&L, &row, idx[COL_POINTS]);
        e.col_appraised = cell_col(&L, &row, idx[COL_APPRAISED]);
        e.col_official = cell_col(&L, &row, idx[COL_OFFICIAL]);
        if (e.id[0] == '\0') {
            rc = cell_problem(&L, &row, idx[COL_ID],
                              "empty criterion id in column '%s'",
                              chiso_csv_header_name(L.r, (size_t)idx[COL_ID]));
            entry_free(&e);
            if (rc) {
                st = CHISO_EDATA;
                goto fail;
            }
            continue;
        }
        /* value: a number, a yes/no word, or N/A */
        s = e.value_text;
        len = strlen(s);
        if (len > 0) {
            if (chiso_text_is_not_applicable(s, len)) {
                e.not_applicable = 1;
            } else if (chiso_parse_number(s, len, &e.value) == 0) {
                e.has_value = 1;
                if (e.value < 0) {
                    bad = 1;
                    if (cell_problem(&L, &row, idx[COL_VALUE],
                                     "negative value '%s' in column '%s'", s,
                                     chiso_csv_header_name(
                                         L.r, (size_t)idx[COL_VALUE]))) {
                        entry_free(&e);
                        st = CHISO_EDATA;
                        goto fail;
                    }
                }
            } else if (chiso_parse_bool(s, len) < 0) {
                bad = 1;
                if (cell_problem(
                        &L, &row, idx[COL_VALUE],
                        "invalid value '%s' in column '%s' (expected "
                        "a number, yes/no, or N/A)",
                        s,
                        chiso_csv_header_name(L.r, (size_t)idx[COL_VALUE]))) {
                    entry_free(&e);
                    st = CHISO_EDATA;
                    goto fail;
                }
            }
        }
        rc = number_cell(&L, &row, idx[COL_NUM], &e.numerator, &bad);
        e.has_numerator = rc > 0;
        if (rc >= 0) {
            rc = number_cell(&L, &row, idx[COL_DEN], &e.denominator, &bad);
            e.has_denominator = rc > 0;
        }
        if (rc >= 0) {
            rc = number_cell(&L, &row, idx[COL_POINTS], &e.points, &bad);
            e.has_points = rc > 0;
        }
        if (rc >= 0) {
            rc = number_cell(&L, &row, idx[COL_APPRAISED], &e.appraised, &bad);
            e.has_appraised = rc > 0;
        }
        if (rc >= 0) {
            rc = number_cell(&L, &row, idx[COL_OFFICIAL], &e.official, &bad);
            e.has_official = rc > 0;
        }
        if (rc >= 0 && idx[COL_APPLICABLE] >= 0) {
            s = chiso_csv_field(&row, idx[COL_APPLICABLE], &len);
            chiso_text_trim(&s, &len);
            if (len > 0) {
                int yn = chiso_parse_bool(s, len);
                if (yn == 0 || chiso_text_is_not_applicable(s, len)) {
                    e.not_applicable = 1;
                } else if (yn < 0) {
                    bad = 1;
                    if (cell_problem(&L, &row, idx[COL_APPLICABLE],
                                     "invalid value '%s' in column '%s' "
                                     "(expected yes/no)",
                                     row.field[idx[COL_APPLICABLE]],
                                     chiso_csv_header_name(
                                         L.r, (size_t)idx[COL_APPLICABLE]))) {
                        rc = -1;
                    }
                }
            }
        }
        if (rc >= 0 && idx[COL_DATE] >= 0) {
            s = chiso_csv_field(&row, idx[COL_DATE], &len);
            chiso_text_trim(&s, &len);
            if (len > 0) {
                char why[128];
                int has_time;
                if (chiso_parse_datetime(s, len, &e.date, &has_time, why,
                                         sizeof(why)) == 0) {
                    e.has_date = 1;
                } else {
                    bad = 1;
                    if (cell_problem(
                            &L, &row, idx[COL_DATE],
                            "invalid date '%s' in column '%s' (%s)",
                            row.field[idx[COL_DATE]],
                            chiso_csv_header_name(L.r, (size_t)idx[COL_DATE]),
                            why)) {
                        rc = -1;
                    }
                }
            }
        }
        if (rc < 0) {
            entry_free(&e);
            st = CHISO_EDATA;
            goto fail;
        }
        if (!bad) {
            /* duplicates (same unit, same id) through a hash: linear */
            long first = dup_find(&dups, ev, &e);
            if (first == -2) {
                entry_free(&e);
                st = chiso_diag_set(L.diag, CHISO_ENOMEM, path, 0, 0,
                                    "out of memory");
                goto fail;
            }
            if (first >= 0) {
                bad = 1;
                if (cell_problem(&L, &row, idx[COL_ID],
                                 "duplicate criterion id '%s' (first given at "
                                 "line %lu)",
                                 e.id, ev->entries[first].line)) {
                    entry_free(&e);
                    st = CHISO_EDATA;
                    goto fail;
                }
            }
        }
        if (bad) {
            entry_free(&e);
            continue;
        }
        if (ev->n == cap) {
            chiso_evidence_entry *p;
            cap = cap ? cap * 2 : 32;
            p = realloc(ev->entries, cap * sizeof(*p));
            if (p == NULL) {
                entry_free(&e);
                st = chiso_diag_set(L.diag, CHISO_ENOMEM, path, 0, 0,
                                    "out of memory");
                goto fail;
            }
            ev->entries = p;
        }
        ev->entries[ev->n++] = e;
    }
    if (st != CHISO_DONE) {
        goto fail;
    }
    chiso_csv_close(L.r);
    dup_free(&dups);
    if (L.n_problems > 0) {
        chiso_evidence_free(ev);
        return CHISO_EDATA;
    }
    *out = ev;
    return CHISO_OK;
fail:
    dup_free(&dups);
    if (problems != NULL && L.diag->code != CHISO_OK && L.diag == &local) {
        chiso_diag_list_add(problems, &local);
    }
    chiso_csv_close(L.r);
    chiso_evidence_free(ev);
    return st != CHISO_OK ? st : CHISO_EDATA;
}

chiso_status
chiso_evidence_load(chiso_evidence **out, const char *path, chiso_diag *diag)
{
    return load(out, path, diag, NULL);
}

chiso_status
chiso_evidence_load_all(chiso_evidence **out,
                        const char *path,
                        chiso_diag_list *problems)
{
    return load(out, path, NULL, problems);
}

void
chiso_evidence_free(chiso_evidence *ev)
{
    size_t i;

    if (ev == NULL) {
        return;
    }
    for (i = 0; i < ev->n; i++) {
        entry_free(&ev->entries[i]);
    }
    free(ev->entries);
    free(ev->path);
    free(ev);
}

/*
 * evidence.c - evidence sheets (bảng tự chấm điểm kèm tài liệu kiểm chứng).
 *
 * Read through the one row pipeline (table.c), so a sheet is read as the
 * office keeps it: a title above the header, empty leading columns, area
 * and criterion rows with subtotals, a "Tổng cộng" row at the end (skipped
 * and noted), Vietnamese column names. One row per criterion or named rule
 * input; rows of inner nodes (areas, criteria with sub-criteria) are kept
 * like any other: whether an id is a leaf, an inner node or unknown is for
 * the framework to say (chiso_evidence_check_tree, the scorer).
 *
 * The loader checks what can be checked without the framework: numbers,
 * signs, "N/A" markers, dates, duplicate ids (a hash of unit + id, so the
 * check is linear), and it keeps the line and column of every cell so the
 * scorer can point at the exact cell. Every problem of a sheet is found in
 * one pass, in file order.
 */
#define _GNU_SOURCE /* qsort_r */
#include "chiso_dataset.h"
#include "chiso_workbook.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
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
    COL_SEQ,
    N_COLS
};

static const chiso_csv_column evidence_columns[N_COLS] = {
    {"criterion_id",
     "id|criterion|criterion_code|code|ma|ma_tieu_chi|tieu_chi|ma_chi_so|"
     "chi_so|indicator|indicator_code|metric_code|ma_chi_tieu|ma_so",
     1},
    {"value",
     "gia_tri|ket_qua|ty_le|so_lieu|measured|measured_value|rate|"
     "ket_qua_thuc_hien",
     0},
    {"numerator", "tu_so|so_dat|num", 0},
    {"denominator", "mau_so|tong_so|den", 0},
    {"points",
     "self_points|diem|diem_tu_danh_gia|diem_tu_cham|self_score|"
     "score|tu_cham|diem_dat_duoc|diem_danh_gia",
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
    {"seq", "stt|so_tt|tt|so_thu_tu", 0},
};

/* The strings of a sheet's entries live in blocks owned by the evidence
 * (one allocation per 64 KiB instead of five per row): a 1 M-row sheet
 * was 7 M mallocs and most of the reading time. Entries never free their
 * strings one by one; chiso_evidence_free() frees the blocks. */
#define ARENA_BLOCK 65536

struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
};

/* A chiso_evidence as the loader allocates it: the public part first. */
struct evidence_own {
    chiso_evidence pub;
    struct arena_block *blocks;
    char empty[1]; /* every empty cell */
};

static char *
arena_strndup(struct evidence_own *o, const char *s, size_t len)
{
    struct arena_block *b = o->blocks;
    char *out;

    if (len == 0) {
        return o->empty;
    }
    if (b == NULL || b->cap - b->used < len + 1) {
        size_t cap = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
        b = malloc(sizeof(*b) + cap);
        if (b == NULL) {
            return NULL;
        }
        b->next = o->blocks;
        b->used = 0;
        b->cap = cap;
        o->blocks = b;
    }
    out = b->data + b->used;
    memcpy(out, s, len);
    out[len] = '\0';
    b->used += len + 1;
    return out;
}

struct loader {
    chiso_table *t;
    const long *col;
    chiso_lang lang;
    chiso_diag_list *problems;
    chiso_evidence *ev;
    struct evidence_own *own; /* the same, with its string blocks */
    char *last_unit;          /* consecutive rows share one unit string */
    size_t cap;
    /* every criterion id seen (bad rows too), for duplicates: one table
     * of ids per unit (struct unit_ids), units found by hash */
    struct seen {
        const char *id;
        unsigned long line;
    } * seen;
    size_t n_seen, cap_seen;
    struct unit_ids *ids;
    size_t n_ids, cap_ids, cur_ids;
    size_t *umap; /* unit -> index into ids + 1 */
    size_t umask;
    int oom;
};

/* A cell problem: appended to the problems list (every one, in order). */
static void cell_problem(struct loader *L,
                         const chiso_row *row,
                         long k,
                         const char *fmt,
                         ...) CHISO_PRINTF(4, 5);

static void
cell_problem(
    struct loader *L, const chiso_row *row, long k, const char *fmt, ...)
{
    char msg[512], path[600];
    unsigned long line, col;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), chiso_msg(L->lang, fmt), ap);
    va_end(ap);
    chiso_table_where(L->t, row, k >= 0 ? (size_t)k : 0, path, sizeof(path),
                      &line, &col);
    if (chiso_diag_list_addk(L->problems, "evidence_cell", CHISO_SEVERITY_ERROR,
                             NULL, path, line, k >= 0 ? col : 0, "%s",
                             msg) == CHISO_ENOMEM) {
        L->oom = 1;
    }
}

static const char *
name_of(struct loader *L, int c)
{
    return chiso_table_column_name(L->t, (size_t)c);
}

static unsigned long
cell_col(const chiso_row *row, long k)
{
    unsigned long line, col;

    if (k < 0) {
        return 0;
    }
    chiso_row_position(row, (size_t)k, &line, &col);
    return col;
}

static char *
trimmed_copy(struct loader *L, const chiso_row *row, long k)
{
    const char *s = "";
    size_t len = 0;

    if (k >= 0 && (size_t)k < row->n) {
        s = row->field[k];
        len = row->len[k];
    }
    chiso_text_trim(&s, &len);
    return arena_strndup(L->own, s, len);
}

/* Copy of a cell for messages (NUL-terminated, as written). */
static void
cell_text(const chiso_row *row, long k, char *out, size_t cap)
{
    size_t len = k >= 0 && (size_t)k < row->n ? row->len[k] : 0;

    if (len >= cap) {
        len = cap - 1;
        while (len > 0 && ((unsigned char)row->field[k][len] & 0xC0) == 0x80) {
            len--;
        }
    }
    if (len > 0) {
        memcpy(out, row->field[k], len);
    }
    out[len] = '\0';
}

/* Does column k of the row hold a formula never calculated? */
static int
uncalculated_cell(const chiso_row *row, long k)
{
    return k >= 0 && (size_t)k < row->n &&
           chiso_table_is_uncalculated(row->field[k], row->len[k]);
}

/* A non-negative number cell. 0 absent/empty, 1 read, -1 bad (noted). */
static int
number_cell(struct loader *L, const chiso_row *row, int c, double *out)
{
    long k = L->col[c];
    const char *s;
    size_t len;
    char text[128];

    if (k < 0 || (size_t)k >= row->n) {
        return 0;
    }
    s = row->field[k];
    len = row->len[k];
    chiso_text_trim(&s, &len);
    if (len == 0) {
        return 0;
    }
    cell_text(row, k, text, sizeof(text));
    if (chiso_table_is_uncalculated(s, len)) {
        cell_problem(L, row, k, "%s",
                     chiso_msg(L->lang, CHISO_UNCALCULATED_MSG));
        return -1;
    }
    if (chiso_parse_number(s, len, out) != 0) {
        cell_problem(L, row, k, "invalid number '%s' in column '%s'", text,
                     name_of(L, c));
        return -1;
    }
    if (*out < 0) {
        cell_problem(L, row, k, "negative value '%s' in column '%s'", text,
                     name_of(L, c));
        return -1;
    }
    return 1;
}

/* An entry's strings belong to the evidence's blocks: nothing to free
 * one by one (kept as the one place that says so). */
static void
entry_free(chiso_evidence_entry *e)
{
    (void)e;
}

static uint32_t
str_hash(const char *p)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (; *p; p++) {
        h = (h ^ (unsigned char)*p) * 16777619u;
    }
    return h;
}

/* The ids of one unit: open addressing, each slot (hash << 32) | (index
 * into seen + 1), 0 = empty. One table per unit keeps a lookup inside a
 * table the size of one unit's sheet (it stays in cache), and the stored
 * hash spares comparing strings that cannot match. */
struct unit_ids {
    const char *unit;
    uint64_t *slot;
    size_t mask, n;
};

static int
ids_grow(struct unit_ids *u)
{
    size_t cap = u->slot ? 2 * (u->mask + 1) : 64, i;
    uint64_t *t = calloc(cap, sizeof(*t));

    if (t == NULL) {
        return -1;
    }
    for (i = 0; u->slot != NULL && i <= u->mask; i++) {
        if (u->slot[i] != 0) {
            size_t h = (size_t)(u->slot[i] >> 32) & (cap - 1);
            while (t[h] != 0) {
                h = (h + 1) & (cap - 1);
            }
            t[h] = u->slot[i];
        }
    }
    free(u->slot);
    u->slot = t;
    u->mask = cap - 1;
    return 0;
}

/* The table of `unit` (created when new), or NULL on memory. */
static struct unit_ids *
unit_ids_of(struct loader *L, const char *unit)
{
    uint32_t h;
    size_t i;

    if (L->cur_ids < L->n_ids && (L->ids[L->cur_ids].unit == unit ||
                                  strcmp(L->ids[L->cur_ids].unit, unit) == 0)) {
        return &L->ids[L->cur_ids];
    }
    h = str_hash(unit);
    for (i = L->umap ? h & L->umask : 0; L->umap != NULL && L->umap[i] != 0;
         i = (i + 1) & L->umask) {
        if (strcmp(L->ids[L->umap[i] - 1].unit, unit) == 0) {
            L->cur_ids = L->umap[i] - 1;
            return &L->ids[L->cur_ids];
        }
    }
    if ((L->n_ids + 1) * 2 > (L->umap ? L->umask + 1 : 0)) {
        size_t cap = L->umap ? 2 * (L->umask + 1) : 16, j;
        size_t *t = calloc(cap, sizeof(*t));
        if (t == NULL) {
            return NULL;
        }
        for (j = 0; j < L->n_ids; j++) {
            size_t k = str_hash(L->ids[j].unit) & (cap - 1);
            while (t[k] != 0) {
                k = (k + 1) & (cap - 1);
            }
            t[k] = j + 1;
        }
        free(L->umap);
        L->umap = t;
        L->umask = cap - 1;
    }
    if (L->n_ids == L->cap_ids) {
        size_t cap = L->cap_ids ? 2 * L->cap_ids : 8;
        struct unit_ids *q = realloc(L->ids, cap * sizeof(*q));
        if (q == NULL) {
            return NULL;
        }
        L->ids = q;
        L->cap_ids = cap;
    }
    memset(&L->ids[L->n_ids], 0, sizeof(L->ids[0]));
    L->ids[L->n_ids].unit = unit; /* the evidence's string */
    for (i = h & L->umask; L->umap[i] != 0; i = (i + 1) & L->umask) {
    }
    L->umap[i] = ++L->n_ids;
    L->cur_ids = L->n_ids - 1;
    return &L->ids[L->cur_ids];
}

/*
 * Note that (unit, id) was seen at `line`. Returns the line where it was
 * first seen when it is a duplicate, 0 when it is new, or -1 when memory
 * ran out.
 */
static long
seen_before(struct loader *L,
            const char *unit,
            const char *id,
            unsigned long line)
{
    struct unit_ids *u = unit_ids_of(L, unit);
    uint32_t hid;
    size_t h;

    if (u == NULL ||
        ((u->n + 1) * 2 > (u->slot ? u->mask + 1 : 0) && ids_grow(u) != 0)) {
        return -1;
    }
    hid = str_hash(id);
    for (h = hid & u->mask; u->slot[h] != 0; h = (h + 1) & u->mask) {
        if ((uint32_t)(u->slot[h] >> 32) == hid) {
            const struct seen *e = &L->seen[(u->slot[h] & 0xFFFFFFFFu) - 1];
            if (strcmp(e->id, id) == 0) {
                return (long)e->line;
            }
        }
    }
    if (L->n_seen == L->cap_seen) {
        size_t cap = L->cap_seen ? L->cap_seen * 2 : 32;
        struct seen *p = realloc(L->seen, cap * sizeof(*p));
        if (p == NULL) {
            return -1;
        }
        L->seen = p;
        L->cap_seen = cap;
    }
    /* the strings are the evidence's (its blocks outlive the loader) */
    L->seen[L->n_seen].id = id;
    L->seen[L->n_seen].line = line;
    L->n_seen++;
    u->slot[h] = ((uint64_t)hid << 32) | (uint64_t)L->n_seen;
    u->n++;
    return 0;
}

static void
seen_free(struct loader *L)
{
    size_t i;

    free(L->seen);
    for (i = 0; i < L->n_ids; i++) {
        free(L->ids[i].slot);
    }
    free(L->ids);
    free(L->umap);
}

static int
keep(struct loader *L, chiso_evidence_entry *e)
{
    if (L->ev->n == L->cap) {
        size_t cap = L->cap ? L->cap * 2 : 32;
        chiso_evidence_entry *p = realloc(L->ev->entries, cap * sizeof(*p));
        if (p == NULL) {
            return -1;
        }
        L->ev->entries = p;
        L->cap = cap;
    }
    L->ev->entries[L->ev->n++] = *e;
    return 0;
}

/* A row without an id whose cells are all text: a heading. */
static int
is_heading(const chiso_row *row)
{
    size_t i, n = 0;

    for (i = 0; i < row->n; i++) {
        const char *s = row->field[i];
        size_t len = row->len[i];
        double v;
        chiso_text_trim(&s, &len);
        if (len == 0) {
            continue;
        }
        if (chiso_parse_number(s, len, &v) == 0) {
            return 0;
        }
        n++;
    }
    return n > 0;
}

static void *
worker_new(void *ctx)
{
    return ctx;
}

static void
worker_free(void *w)
{
    (void)w;
}

static int
handle_row(void *w, const chiso_row *row, chiso_row_error *err)
{
    struct loader *L = w;
    const long *col = L->col;
    chiso_evidence_entry e;
    size_t j, len;
    const char *s;
    int bad = 0, rc;
    size_t before = chiso_diag_list_total(L->problems);

    (void)err;
    /* rows that are entirely empty (Excel leaves some) */
    for (j = 0; j < row->n; j++) {
        s = row->field[j];
        len = row->len[j];
        chiso_text_trim(&s, &len);
        if (len > 0) {
            break;
        }
    }
    if (j == row->n) {
        return CHISO_ROW_OK;
    }
    memset(&e, 0, sizeof(e));
    e.line = row->line;
    e.id = trimmed_copy(L, row, col[COL_ID]);
    e.value_text = trimmed_copy(L, row, col[COL_VALUE]);
    e.evidence = trimmed_copy(L, row, col[COL_EVIDENCE]);
    e.note = trimmed_copy(L, row, col[COL_NOTE]);
    {
        /* the unit of the row before, when it is the same */
        const char *u = "";
        size_t ul = 0;
        long k = col[COL_UNIT];
        if (k >= 0 && (size_t)k < row->n) {
            u = row->field[k];
            ul = row->len[k];
        }
        chiso_text_trim(&u, &ul);
        if (L->last_unit != NULL && strlen(L->last_unit) == ul &&
            memcmp(L->last_unit, u, ul) == 0) {
            e.unit = L->last_unit;
        } else {
            e.unit = arena_strndup(L->own, u, ul);
            L->last_unit = e.unit;
        }
    }
    if (!e.id || !e.value_text || !e.evidence || !e.note || !e.unit) {
        entry_free(&e);
        return CHISO_ROW_FATAL;
    }
    e.col_id = cell_col(row, col[COL_ID]);
    e.col_value = cell_col(row, col[COL_VALUE]);
    e.col_numerator = cell_col(row, col[COL_NUM]);
    e.col_denominator = cell_col(row, col[COL_DEN]);
    e.col_points = cell_col(row, col[COL_POINTS]);
    e.col_appraised = cell_col(row, col[COL_APPRAISED]);
    e.col_official = cell_col(row, col[COL_OFFICIAL]);
    if (e.id[0] == '\0') {
        if (is_heading(row)) {
            entry_free(&e); /* a heading row of the printed form */
            return CHISO_ROW_OK;
        }
        cell_problem(L, row, col[COL_ID], "empty criterion id in column '%s'",
                     name_of(L, COL_ID));
        entry_free(&e);
        return L->oom ? CHISO_ROW_FATAL : CHISO_ROW_OK;
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
                cell_problem(L, row, col[COL_VALUE],
                             "negative value '%s' in column '%s'", s,
                             name_of(L, COL_VALUE));
            }
        } else if (chiso_parse_bool(s, len) < 0) {
            cell_problem(L, row, col[COL_VALUE],
                         "invalid value '%s' in column '%s' (expected a "
                         "number, yes/no, or N/A)",
                         s, name_of(L, COL_VALUE));
        }
    }
    rc = number_cell(L, row, COL_NUM, &e.numerator);
    e.has_numerator = rc > 0;
    rc = number_cell(L, row, COL_DEN, &e.denominator);
    e.has_denominator = rc > 0;
    e.points_uncalculated = uncalculated_cell(row, col[COL_POINTS]);
    rc = e.points_uncalculated ? 0 : number_cell(L, row, COL_POINTS, &e.points);
    e.has_points = rc > 0;
    e.appraised_uncalculated = uncalculated_cell(row, col[COL_APPRAISED]);
    rc = e.appraised_uncalculated
             ? 0
             : number_cell(L, row, COL_APPRAISED, &e.appraised);
    e.has_appraised = rc > 0;
    rc = number_cell(L, row, COL_OFFICIAL, &e.official);
    e.has_official = rc > 0;
    if (col[COL_APPLICABLE] >= 0 && (size_t)col[COL_APPLICABLE] < row->n) {
        s = row->field[col[COL_APPLICABLE]];
        len = row->len[col[COL_APPLICABLE]];
        chiso_text_trim(&s, &len);
        if (len > 0) {
            int yn = chiso_parse_bool(s, len);
            if (yn == 0 || chiso_text_is_not_applicable(s, len)) {
                e.not_applicable = 1;
            } else if (yn < 0) {
                char text[128];
                cell_text(row, col[COL_APPLICABLE], text, sizeof(text));
                cell_problem(L, row, col[COL_APPLICABLE],
                             "invalid value '%s' in column '%s' (expected "
                             "yes/no)",
                             text, name_of(L, COL_APPLICABLE));
            }
        }
    }
    if (col[COL_DATE] >= 0 && (size_t)col[COL_DATE] < row->n) {
        s = row->field[col[COL_DATE]];
        len = row->len[col[COL_DATE]];
        chiso_text_trim(&s, &len);
        if (len > 0) {
            char why[160], text[128];
            int has_time;
            if (chiso_parse_datetime_ex(s, len, chiso_table_date_flags(L->t),
                                        L->lang, &e.date, &has_time, why,
                                        sizeof(why)) == 0) {
                e.has_date = 1;
            } else {
                cell_text(row, col[COL_DATE], text, sizeof(text));
                cell_problem(L, row, col[COL_DATE],
                             "invalid date '%s' in column '%s' (%s)", text,
                             name_of(L, COL_DATE), why);
            }
        }
    }
    {
        long first = seen_before(L, e.unit, e.id, e.line);
        if (first < 0) {
            entry_free(&e);
            return CHISO_ROW_FATAL;
        }
        if (first > 0) {
            cell_problem(L, row, col[COL_ID],
                         "duplicate criterion id '%s' (first given at line "
                         "%lu)",
                         e.id, (unsigned long)first);
        }
    }
    bad = chiso_diag_list_total(L->problems) > before;
    if (L->oom) {
        entry_free(&e);
        return CHISO_ROW_FATAL;
    }
    if (bad) {
        entry_free(&e);
        return CHISO_ROW_OK;
    }
    if (keep(L, &e) != 0) {
        entry_free(&e);
        return CHISO_ROW_FATAL;
    }
    return CHISO_ROW_OK;
}

static chiso_status
load(chiso_evidence **out,
     const char *path,
     const chiso_table_options *topts,
     chiso_diag *diag,
     chiso_diag_list *problems,
     int partial)
{
    chiso_table_schema schema = {evidence_columns,     N_COLS, COL_ID, COL_SEQ,
                                 N_("evidence sheet"), 1};
    chiso_table_options o = CHISO_TABLE_OPTIONS_INIT;
    chiso_row_handler h;
    chiso_table_run run;
    struct loader L;
    chiso_diag_list own;
    chiso_diag local;
    chiso_status st;

    *out = NULL;
    if (topts != NULL) {
        o = *topts;
    }
    memset(&L, 0, sizeof(L));
    memset(&local, 0, sizeof(local));
    local.lang = diag != NULL       ? diag->lang
                 : problems != NULL ? problems->lang
                                    : CHISO_LANG_VI;
    chiso_diag_list_init(&own, 50);
    own.lang = local.lang;
    L.lang = local.lang;
    L.problems = problems != NULL ? problems : &own;
    /* bad cells are the loader's problems, never rejected rows */
    o.max_rejects_pct = 0;
    o.on_reject = NULL;
    o.problems = L.problems;
    st = chiso_table_open(&L.t, path, &schema, &o, &local);
    if (st != CHISO_OK) {
        goto fail;
    }
    L.col = chiso_table_index(L.t);
    L.own = calloc(1, sizeof(*L.own));
    L.ev = L.own != NULL ? &L.own->pub : NULL;
    if (L.ev == NULL || (L.ev->path = chiso_strdup(path)) == NULL) {
        st = chiso_diag_set(&local, CHISO_ENOMEM, path, 0, 0, "out of memory");
        goto fail;
    }
    L.ev->has_unit_column = L.col[COL_UNIT] >= 0;
    if (chiso_table_sheet(L.t) != NULL &&
        (L.ev->sheet = chiso_strdup(chiso_table_sheet(L.t))) == NULL) {
        st = chiso_diag_set(&local, CHISO_ENOMEM, path, 0, 0, "out of memory");
        goto fail;
    }
    memset(&h, 0, sizeof(h));
    h.ctx = &L;
    h.worker_new = worker_new;
    h.worker_free = worker_free;
    h.row = handle_row;
    h.sequential = 1;
    st = chiso_table_read(L.t, &h, &run, &local);
    chiso_table_run_free(&run, &h);
    if (st != CHISO_OK && chiso_diag_list_total(L.problems) == 0) {
        goto fail;
    }
    if (chiso_diag_list_total(L.problems) > 0) {
        size_t n = chiso_diag_list_total(L.problems);
        st = CHISO_EDATA;
        if (problems == NULL && diag != NULL) {
            /* stop mode: the first problem, and how many there are */
            chiso_diag first = L.problems->items[0];
            if (n > 1) {
                chiso_diag_set(diag, CHISO_EDATA, first.path, first.line,
                               first.column,
                               "%s (and %zu more problems in this sheet: "
                               "chiso validate lists them all)",
                               first.message, n - 1);
            } else {
                chiso_diag_set(diag, CHISO_EDATA, first.path, first.line,
                               first.column, "%s", first.message);
            }
        }
        if (partial) {
            chiso_table_close(L.t);
            chiso_diag_list_free(&own);
            seen_free(&L);
            *out = L.ev;
            return st;
        }
        goto out;
    }
    chiso_table_close(L.t);
    chiso_diag_list_free(&own);
    seen_free(&L);
    *out = L.ev;
    return CHISO_OK;
fail:
    if (problems != NULL) {
        chiso_diag_list_add(problems, &local);
    } else if (diag != NULL) {
        *diag = local;
    }
out:
    chiso_table_close(L.t);
    chiso_diag_list_free(&own);
    seen_free(&L);
    chiso_evidence_free(L.ev);
    return st != CHISO_OK ? st : CHISO_EDATA;
}

chiso_status
chiso_evidence_load(chiso_evidence **out, const char *path, chiso_diag *diag)
{
    return load(out, path, NULL, diag, NULL, 0);
}

chiso_status
chiso_evidence_load_all(chiso_evidence **out,
                        const char *path,
                        chiso_diag_list *problems)
{
    return load(out, path, NULL, NULL, problems, 0);
}

chiso_status
chiso_evidence_load_ex(chiso_evidence **out,
                       const char *path,
                       const chiso_table_options *opts,
                       chiso_diag_list *problems)
{
    return load(out, path, opts, NULL, problems, 0);
}

chiso_status
chiso_evidence_load_partial(chiso_evidence **out,
                            const char *path,
                            const chiso_table_options *opts,
                            chiso_diag_list *problems)
{
    return load(out, path, opts, NULL, problems, 1);
}

void
chiso_evidence_where(const chiso_evidence *ev,
                     const chiso_evidence_entry *e,
                     unsigned long column,
                     char *path,
                     size_t cap,
                     unsigned long *line,
                     unsigned long *col)
{
    if (ev->sheet != NULL) {
        char ref[32];
        chiso_workbook_cell_ref((uint32_t)column, (uint32_t)e->line, ref,
                                sizeof(ref));
        if (column == 0) {
            snprintf(path, cap, "%s:%s!%s:%s", ev->path, ev->sheet, ref, ref);
        } else {
            snprintf(path, cap, "%s:%s!%s", ev->path, ev->sheet, ref);
        }
        *line = *col = 0;
        return;
    }
    snprintf(path, cap, "%s", ev->path);
    *line = e->line;
    *col = column;
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
    free(ev->sheet);
    {
        /* every chiso_evidence is allocated by the loader with its blocks */
        struct evidence_own *o = (struct evidence_own *)ev;
        struct arena_block *b = o->blocks, *next;
        for (; b != NULL; b = next) {
            next = b->next;
            free(b);
        }
        free(o);
    }
}

/* ---- rows of inner nodes -------------------------------------------------- */

/* Entries sorted by unit and id, for lookups. */
typedef struct tree_index {
    const chiso_evidence *ev;
    size_t *at;
} tree_index;

static int
cmp_entry(const chiso_evidence_entry *a, const char *unit, const char *id)
{
    int c = strcmp(a->unit, unit);

    return c != 0 ? c : strcmp(a->id, id);
}

static const chiso_evidence_entry *
tree_find(const tree_index *ix, const char *unit, const char *id)
{
    size_t lo = 0, hi = ix->ev->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_entry(&ix->ev->entries[ix->at[mid]], unit, id);
        if (c == 0) {
            return &ix->ev->entries[ix->at[mid]];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

/* The points of `id` for a unit: its row's, else the sum of its children's
 * (recursively). 0 when some leaf below has no points. */
static int
tree_points(const tree_index *ix,
            const char *unit,
            const char *id,
            const chiso_evidence_tree *tree,
            int depth,
            double *out)
{
    const char *const *kids;
    size_t n_kids, k;
    double sum = 0;
    const chiso_evidence_entry *e = tree_find(ix, unit, id);

    if (e != NULL && e->not_applicable) {
        *out = 0;
        return 1;
    }
    if (e != NULL && e->has_points) {
        *out = e->points;
        return 1;
    }
    if (depth > 32 || tree->children(tree->ctx, id, &kids, &n_kids) != 1) {
        return 0;
    }
    for (k = 0; k < n_kids; k++) {
        double p;
        if (!tree_points(ix, unit, kids[k], tree, depth + 1, &p)) {
            return 0;
        }
        sum += p;
    }
    *out = sum;
    return 1;
}

static int
cmp_at(const void *a, const void *b, void *ctx)
{
    const chiso_evidence *ev = ctx;
    const chiso_evidence_entry *x = &ev->entries[*(const size_t *)a];
    const chiso_evidence_entry *y = &ev->entries[*(const size_t *)b];

    return cmp_entry(x, y->unit, y->id);
}

chiso_status
chiso_evidence_check_tree(const chiso_evidence *ev,
                          const chiso_evidence_tree *tree,
                          chiso_diag_list *warnings,
                          size_t *n_inner)
{
    size_t i, k;
    tree_index ix;

    *n_inner = 0;
    ix.ev = ev;
    ix.at = malloc((ev->n ? ev->n : 1) * sizeof(*ix.at));
    if (ix.at == NULL) {
        return CHISO_ENOMEM;
    }
    for (i = 0; i < ev->n; i++) {
        ix.at[i] = i;
    }
    qsort_r(ix.at, ev->n, sizeof(*ix.at), cmp_at, (void *)(uintptr_t)ev);
    for (i = 0; i < ev->n; i++) {
        const chiso_evidence_entry *e = &ev->entries[i];
        const char *const *kids;
        size_t n_kids;
        double sum = 0;
        int complete = 1;

        if (tree->children(tree->ctx, e->id, &kids, &n_kids) != 1) {
            continue;
        }
        (*n_inner)++;
        if (!e->has_points || e->not_applicable) {
            continue;
        }
        for (k = 0; k < n_kids && complete; k++) {
            double p;
            if (tree_points(&ix, e->unit, kids[k], tree, 0, &p)) {
                sum += p;
            } else {
                complete = 0;
            }
        }
        if (complete && fabs(e->points - sum) > 1e-9) {
            char a[32], b[32], where[600];
            unsigned long wl, wc;
            chiso_format_double(e->points, a, sizeof(a));
            chiso_format_double(chiso_round_half_up(sum, 6), b, sizeof(b));
            chiso_evidence_where(ev, e, e->col_points, where, sizeof(where),
                                 &wl, &wc);
            chiso_diag_list_addk(
                warnings, "inner_points_differ", CHISO_SEVERITY_WARNING, e->id,
                where, wl, wc,
                "criterion '%s' has %s points here, but its sub-criteria add "
                "up to %s; the score adds up the sub-criteria",
                e->id, a, b);
        }
    }
    free(ix.at);
    return CHISO_OK;
}

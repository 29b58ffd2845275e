/*
 * table.c - the one row pipeline: every table chiso reads comes through
 * here, whatever its kind (dossier log, task register, evidence sheet).
 *
 *   source      a CSV file, standard input or memory (chiso_csv_reader,
 *               cutting records with the fast tokenizer), read in order;
 *               or, for large regular files and memory, parts of the
 *               bytes read by threads (below);
 *   header      the row the user names, or the first of the first 30 rows
 *               holding every required column; rows above are titles;
 *   columns     matched by name and alias (case, diacritics, spaces,
 *               underscores and CamelCase ignored); a header that looks
 *               like a column the schema lacks is a warning, personal data
 *               columns are noted and never read;
 *   rows        totals rows ("Tổng cộng", or no id and only numbers) are
 *               skipped and noted; a wrong field count is a bad row; every
 *               other row goes to the caller's handler;
 *   bad rows    counted, handed to the reject callback in file order,
 *               listed, and the run fails when they exceed a share.
 *
 * Parallel reading. Thread k starts at a guessed record start s_k, the byte
 * after the first '\n' past k/T of the bytes; a guess may be wrong when
 * that '\n' sits inside a quoted field. Thread k-1, which started at a
 * confirmed record start, parses until its next record would begin at or
 * after s_k: if it begins exactly at s_k, s_k is confirmed and thread k-1
 * stops; if the record straddles s_k, the guess was wrong and thread k-1
 * carries on (to s_{k+1}, and so on, or to the end). The used threads form
 * a chain from thread 0; the work of an unconfirmed thread is dropped with
 * its worker. Anything the tokenizer does not accept exactly as libcsv
 * would makes the whole table be read again in order, where libcsv takes
 * over the records it has to. Line numbers of a part are only known when
 * the parts before it are done: rows carry a position (part, line within
 * the part) that chiso_table_line() turns into a line afterwards, and bad
 * rows are reported in file order once every thread is done.
 */
#define _POSIX_C_SOURCE 200809L
#include "datasets_int.h"
#include "chiso_workbook.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADER_SEARCH  30           /* rows searched for the header */
#define FAST_READ      (256u << 10) /* bytes per pread */
#define FAST_EXTRA     16           /* fields beyond the header */
#define FAST_MAX_BAD   100000       /* bad rows held for the callback */
#define FAST_MIN_SPLIT (4u << 20)
#define MAX_THREADS    64
#define PART_SHIFT     40
#define NOTES_PER_PART 20 /* totals rows noted per part */

struct chiso_table {
    char *path;
    chiso_table_options opts;
    chiso_table_schema schema;
    chiso_lang lang;
    chiso_csv_reader *rd; /* positioned after the header */
    const char *mem;      /* memory input, or NULL */
    size_t mem_len;
    long *index;             /* per schema column */
    size_t width;            /* header fields */
    char **header;           /* names as written */
    unsigned char *personal; /* per header field */
    unsigned long header_line;
    unsigned long data_line; /* line at the first data byte */
    uint64_t data_start;     /* byte offset of the first data record */
    char delim;
    int read_done;
    /* a workbook sheet instead of CSV (rows read in order) */
    chiso_workbook *wb;
    char *wb_data; /* standard input read whole, for the zip */
    const char **wf;
    size_t *wl, wcap;
    unsigned long wb_records;
    unsigned char pipe_head[1024]; /* first bytes of a pipe, not yet given */
    size_t pipe_n;
};

/* Text of an uncalculated formula cell: never empty, never zero. */
#define UNCALCULATED CHISO_UNCALCULATED_TEXT

/* The next row of a workbook sheet as a record: cell texts, row number as
 * its line. */
static chiso_status
wb_next(chiso_table *t, chiso_csv_row *row, chiso_diag *diag)
{
    chiso_workbook_row wr;
    chiso_status st = chiso_workbook_next_row(t->wb, &wr, diag);
    size_t k, n;

    memset(row, 0, sizeof(*row));
    if (st != CHISO_OK) {
        return st;
    }
    /* once the header is known every row has its width: a sheet does not
     * store the empty cells at the end of a row */
    n = t->width > 0 ? t->width : wr.n;
    if (n > t->wcap || t->wf == NULL) {
        size_t cap = n > 16 ? n : 16;
        const char **f = realloc((void *)(uintptr_t)t->wf, cap * sizeof(*f));
        size_t *l;
        if (f == NULL) {
            return chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0,
                                  "out of memory");
        }
        t->wf = f;
        l = realloc(t->wl, cap * sizeof(*l));
        if (l == NULL) {
            return chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0,
                                  "out of memory");
        }
        t->wl = l;
        t->wcap = cap;
    }
    for (k = 0; k < n; k++) {
        if (k >= wr.n) {
            t->wf[k] = "";
            t->wl[k] = 0;
        } else if (wr.cells[k].flags & CHISO_CELL_UNCALCULATED) {
            t->wf[k] = UNCALCULATED;
            t->wl[k] = sizeof(UNCALCULATED) - 1;
        } else {
            t->wf[k] = wr.cells[k].text;
            t->wl[k] = wr.cells[k].len;
        }
    }
    row->n = n;
    row->field = t->wf;
    row->len = t->wl;
    row->line = wr.row;
    row->record = ++t->wb_records;
    return CHISO_OK;
}

/* The next record of the source. */
static chiso_status
next_record(chiso_table *t, chiso_csv_row *row, chiso_diag *diag)
{
    return t->wb != NULL ? wb_next(t, row, diag)
                         : chiso_csv_next(t->rd, row, diag);
}

/*
 * Where a cell is, for messages: a CSV file's path with line and column,
 * or a workbook cell's "FILE:SHEET!B7" (line and column 0, as
 * chiso_workbook.h puts it; column 0: the whole row "FILE:SHEET!7:7").
 */
static void
where(const chiso_table *t,
      unsigned long line,
      unsigned long col,
      char *path,
      size_t cap,
      unsigned long *out_line,
      unsigned long *out_col)
{
    if (t->wb != NULL) {
        chiso_workbook_position(t->wb, (uint32_t)col, (uint32_t)line, path,
                                cap);
        *out_line = *out_col = 0;
        return;
    }
    snprintf(path, cap, "%s", t->path);
    *out_line = line;
    *out_col = col;
}

/* ---- small helpers -------------------------------------------------------- */

/* Folded text without separators ("Ngày tiếp nhận" -> "ngaytiepnhan"). */
static size_t
key_of(const char *s, size_t len, char *out, size_t cap)
{
    char f[256];
    size_t i, n = 0;

    chiso_text_trim(&s, &len);
    chiso_text_fold(s, len, f, sizeof(f));
    for (i = 0; f[i] != '\0'; i++) {
        if (f[i] != '_' && n + 1 < cap) {
            out[n++] = f[i];
        }
    }
    out[n] = '\0';
    return n;
}

/* A short quote of a cell for messages (at most 60 bytes, whole
 * characters). */
static void
quote_cell(const char *s, size_t len, char *out, size_t cap)
{
    size_t n;

    chiso_text_trim(&s, &len);
    n = len < 60 ? len : 60;
    if (n + 4 > cap) {
        n = cap > 4 ? cap - 4 : 0;
    }
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xC0) == 0x80) {
        n--;
    }
    memcpy(out, s, n);
    if (n < len) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

static const char *const personal_keys[] = {"chuhoso",
                                            "tenchuhoso",
                                            "hotenchuhoso",
                                            "nguoinop",
                                            "tennguoinop",
                                            "hotennguoinop",
                                            "nguoinophoso",
                                            "nguoidenghi",
                                            "hoten",
                                            "hovaten",
                                            "diachi",
                                            "diachichuhoso",
                                            "diachinguoinop",
                                            "sodienthoai",
                                            "sodienthoaichuhoso",
                                            "dienthoai",
                                            "sdt",
                                            "email",
                                            "thudientu",
                                            "cmnd",
                                            "cccd",
                                            "socmnd",
                                            "socccd",
                                            "socancuoc",
                                            "sodinhdanh",
                                            "sodinhdanhcanhan",
                                            "ngaysinh",
                                            "applicant",
                                            "applicantname",
                                            "address",
                                            "phone",
                                            NULL};

static int
is_personal(const char *key)
{
    size_t i;

    for (i = 0; personal_keys[i] != NULL; i++) {
        if (strcmp(key, personal_keys[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Edit distance of two short keys, capped at 3. */
static size_t
near_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b), i, j;
    size_t row0[96], row1[96], *prev = row0, *cur = row1, *t;

    if (na >= 95 || nb >= 95 || (na > nb ? na - nb : nb - na) > 3) {
        return 4;
    }
    for (j = 0; j <= nb; j++) {
        prev[j] = j;
    }
    for (i = 1; i <= na; i++) {
        cur[0] = i;
        for (j = 1; j <= nb; j++) {
            size_t d = prev[j] + 1, s = cur[j - 1] + 1;
            size_t x = prev[j - 1] + (a[i - 1] != b[j - 1]);
            cur[j] = d < s ? (d < x ? d : x) : (s < x ? s : x);
        }
        t = prev;
        prev = cur;
        cur = t;
    }
    return prev[nb];
}

/* Does a header key look like name/alias a (without '_') of a column? */
static int
looks_like(const char *key, const char *a, size_t an)
{
    char k[96];
    size_t i, n = 0, kl = strlen(key);

    for (i = 0; i < an && n + 1 < sizeof(k); i++) {
        if (a[i] != '_') {
            k[n++] = a[i];
        }
    }
    k[n] = '\0';
    if (n < 4 || kl < 4) {
        return 0;
    }
    if ((n >= 6 && strstr(key, k) != NULL) ||
        (kl >= 6 && strstr(k, key) != NULL)) {
        return 1;
    }
    return n >= 6 && near_distance(key, k) <= 2;
}

/* The schema column a header key looks like, among the unbound ones;
 * -1 when none. */
static long
resembles(const chiso_table *t, const char *key)
{
    size_t c;

    for (c = 0; c < t->schema.n_cols; c++) {
        const chiso_csv_column *col = &t->schema.cols[c];
        const char *a, *bar;
        if (t->index[c] >= 0) {
            continue;
        }
        if (looks_like(key, col->name, strlen(col->name))) {
            return (long)c;
        }
        for (a = col->aliases; a != NULL && *a; a = bar ? bar + 1 : NULL) {
            bar = strchr(a, '|');
            if (looks_like(key, a, bar ? (size_t)(bar - a) : strlen(a))) {
                return (long)c;
            }
            if (bar == NULL) {
                break;
            }
        }
    }
    return -1;
}

/* ---- header --------------------------------------------------------------- */

typedef struct bind_result {
    size_t required, found;
    long dup_a, dup_b; /* two fields meaning one column, or -1 */
    size_t dup_col;
} bind_result;

static void
bind_row(const chiso_table_schema *S,
         const chiso_csv_row *row,
         long *index,
         bind_result *b)
{
    size_t i, c;
    char folded[256];

    memset(b, 0, sizeof(*b));
    b->dup_a = b->dup_b = -1;
    for (c = 0; c < S->n_cols; c++) {
        index[c] = -1;
    }
    for (i = 0; i < row->n; i++) {
        chiso_text_fold(row->field[i], row->len[i], folded, sizeof(folded));
        if (folded[0] == '\0') {
            continue;
        }
        for (c = 0; c < S->n_cols; c++) {
            if (!chiso__column_match(folded, &S->cols[c])) {
                continue;
            }
            if (index[c] >= 0) {
                if (b->dup_a < 0) {
                    b->dup_a = index[c];
                    b->dup_b = (long)i;
                    b->dup_col = c;
                }
                break;
            }
            index[c] = (long)i;
            b->found++;
            b->required += S->cols[c].required != 0;
            break;
        }
    }
    if (S->seq_is_id && S->id_col >= 0 && S->seq_col >= 0 &&
        index[S->id_col] < 0 && index[S->seq_col] >= 0) {
        index[S->id_col] = index[S->seq_col];
        index[S->seq_col] = -1;
        b->required += S->cols[S->id_col].required != 0;
    }
}

static size_t
n_required(const chiso_table_schema *S)
{
    size_t c, n = 0;

    for (c = 0; c < S->n_cols; c++) {
        n += S->cols[c].required != 0;
    }
    return n;
}

/* The error for a header that lacks a required column. */
static chiso_status
missing_column(chiso_table *t,
               const chiso_csv_row *row,
               const long *index,
               int searched,
               chiso_diag *diag)
{
    size_t i, c;
    chiso_buf names = CHISO_BUF_INIT, alias = CHISO_BUF_INIT;
    const char *a;
    chiso_status st;
    char wpath[600];
    unsigned long wl, wc;

    for (c = 0; c < t->schema.n_cols; c++) {
        if (t->schema.cols[c].required && index[c] < 0) {
            break;
        }
    }
    for (i = 0; i < row->n && i < 40; i++) {
        chiso_buf_printf(&names, "%s'%.*s'", i ? ", " : "", (int)row->len[i],
                         row->field[i]);
    }
    for (a = t->schema.cols[c].aliases; a != NULL && *a; a++) {
        chiso_buf_append(&alias, *a == '|' ? ", " : a, *a == '|' ? 2 : 1);
    }
    where(t, row->line, t->wb != NULL ? 0 : 1, wpath, sizeof(wpath), &wl, &wc);
    if (searched) {
        st = chiso_diag_set(
            diag, CHISO_ESCHEMA, wpath, wl, wc,
            "no header row with column '%s' in the first %d rows (also "
            "accepted: %s); the closest, at this line, has %s; name the "
            "header row with --header-row N",
            t->schema.cols[c].name, HEADER_SEARCH,
            alias.data ? alias.data : "-",
            names.data ? names.data : "no columns");
    } else {
        st = chiso_diag_set(diag, CHISO_ESCHEMA, wpath, wl, wc,
                            "missing column '%s' (also accepted: %s); the "
                            "header has %s",
                            t->schema.cols[c].name,
                            alias.data ? alias.data : "-",
                            names.data ? names.data : "no columns");
    }
    chiso_buf_free(&names);
    chiso_buf_free(&alias);
    return st;
}

static void note(chiso_table *t,
                 const char *kind,
                 chiso_severity sev,
                 unsigned long line,
                 const char *fmt,
                 ...) CHISO_PRINTF(5, 6);

static void
note(chiso_table *t,
     const char *kind,
     chiso_severity sev,
     unsigned long line,
     const char *fmt,
     ...)
{
    char msg[512], wpath[600];
    unsigned long wl, wc;
    va_list ap;

    if (t->opts.notes == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), chiso_msg(t->opts.notes->lang, fmt), ap);
    va_end(ap);
    where(t, line, 0, wpath, sizeof(wpath), &wl, &wc);
    chiso_diag_list_addk(t->opts.notes, kind, sev, NULL, wpath, wl, wc, "%s",
                         msg);
}

/* A header cell as messages show it: a wrapped header ("Số, ký hiệu" and
 * "văn bản giao" on two lines of one cell, Alt+Enter in Excel) on one line,
 * each run of spaces, tabs and line breaks one space, none at the ends. */
static void
one_line(char *s)
{
    char *w = s, *r;
    int gap = 0;

    for (r = s; *r != '\0'; r++) {
        if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
            gap = 1;
            continue;
        }
        if (gap && w != s) {
            *w++ = ' ';
        }
        gap = 0;
        *w++ = *r;
    }
    *w = '\0';
}
/* Keep the header: names, width (trailing empty names cut), personal data
 * columns, notes on columns not used. */
static chiso_status
take_header(chiso_table *t, const chiso_csv_row *row, chiso_diag *diag)
{
    size_t i, n = row->n;
    chiso_buf pers = CHISO_BUF_INIT;
    char key[160];

    while (n > 0) {
        const char *s = row->field[n - 1];
        size_t len = row->len[n - 1];
        chiso_text_trim(&s, &len);
        if (len > 0) {
            break;
        }
        n--;
    }
    t->width = n;
    t->header = calloc(n ? n : 1, sizeof(*t->header));
    t->personal = calloc(n ? n : 1, 1);
    if (t->header == NULL || t->personal == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0,
                              "out of memory");
    }
    for (i = 0; i < n; i++) {
        t->header[i] = chiso_strndup(row->field[i], row->len[i]);
        if (t->header[i] == NULL) {
            return chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0,
                                  "out of memory");
        }
        one_line(t->header[i]);
    }
    t->header_line = row->line;
    for (i = 0; i < n; i++) {
        size_t c;
        int bound = 0;
        for (c = 0; c < t->schema.n_cols; c++) {
            bound |= t->index[c] == (long)i;
        }
        if (bound ||
            key_of(row->field[i], row->len[i], key, sizeof(key)) == 0) {
            continue;
        }
        if (is_personal(key)) {
            t->personal[i] = 1;
            chiso_buf_printf(&pers, "%s'%s'", pers.len ? ", " : "",
                             t->header[i]);
            continue;
        }
        {
            long c2 = resembles(t, key);
            if (c2 >= 0) {
                note(t, "column_not_used", CHISO_SEVERITY_WARNING,
                     t->header_line,
                     "column '%s' is not read: it looks like '%s', but its "
                     "name is none chiso knows for it (see the column's "
                     "names in the documentation)",
                     t->header[i], t->schema.cols[c2].name);
            }
        }
    }
    if (t->schema.seq_is_id && t->schema.id_col >= 0 &&
        t->schema.seq_col >= 0 && t->index[t->schema.id_col] >= 0 &&
        t->index[t->schema.seq_col] < 0 &&
        key_of(row->field[t->index[t->schema.id_col]],
               row->len[t->index[t->schema.id_col]], key, sizeof(key)) != 0 &&
        chiso__column_match(key, &t->schema.cols[t->schema.seq_col])) {
        note(t, "seq_column_as_id", CHISO_SEVERITY_INFO, t->header_line,
             "no code column ('Mã', '%s'): the codes of column '%s' are read "
             "as the ids",
             t->schema.cols[t->schema.id_col].name,
             t->header[t->index[t->schema.id_col]]);
    }
    if (pers.len > 0) {
        note(t, "personal_data_columns", CHISO_SEVERITY_INFO, t->header_line,
             "columns %s hold personal data: not read, and never copied into "
             "any output but the rejected rows",
             pers.data);
    }
    chiso_buf_free(&pers);
    return CHISO_OK;
}

/* ---- a header over two rows ----------------------------------------------- */

/* A row kept while looking for the header: the record before the current
 * one, or the names of a header over two rows. */
typedef struct kept_row {
    char **f;
    size_t *l;
    size_t n;
    unsigned long line;
} kept_row;

static void
kept_free(kept_row *k)
{
    size_t i;

    for (i = 0; k->f != NULL && i < k->n; i++) {
        free(k->f[i]);
    }
    free(k->f);
    free(k->l);
    memset(k, 0, sizeof(*k));
}

/* Take cell i (len bytes); returns 0 when out of memory. */
static int
kept_put(kept_row *k, size_t i, const char *s, size_t len)
{
    k->f[i] = chiso_strndup(s, len);
    k->l[i] = len;
    return k->f[i] != NULL;
}

static int
kept_alloc(kept_row *k, size_t n, unsigned long line)
{
    kept_free(k);
    k->f = calloc(n ? n : 1, sizeof(*k->f));
    k->l = calloc(n ? n : 1, sizeof(*k->l));
    k->n = n;
    k->line = line;
    return k->f != NULL && k->l != NULL;
}

static int
kept_set(kept_row *k, const chiso_csv_row *row)
{
    size_t i;

    if (!kept_alloc(k, row->n, row->line)) {
        return 0;
    }
    for (i = 0; i < row->n; i++) {
        if (!kept_put(k, i, row->field[i], row->len[i])) {
            return 0;
        }
    }
    return 1;
}

/* Does a cell's text name a column of the schema? */
static int
names_column(const chiso_table_schema *S, const char *s, size_t len)
{
    char folded[256];
    size_t c;

    chiso_text_fold(s, len, folded, sizeof(folded));
    if (folded[0] == '\0') {
        return 0;
    }
    for (c = 0; c < S->n_cols; c++) {
        if (chiso__column_match(folded, &S->cols[c])) {
            return 1;
        }
    }
    return 0;
}

/*
 * The names of a header written over two rows, as offices lay them out: a
 * group name over the names under it ("Ngày" merged over "Tiếp nhận",
 * "Hẹn trả", "Trả kết quả"), single names merged down both rows ("STT").
 * Per column: the lower name when it names a column by itself, else the
 * two joined ("Ngày Tiếp nhận") when that does, else the upper one when it
 * does, else the two joined; one of them when the other is empty or says
 * the same (a name merged down). A group name whose merge a format does
 * not record (.xls) reads on over the empty upper cells while the lower
 * row goes on.
 */
static int
combine_rows(const chiso_table_schema *S,
             const kept_row *top,
             const chiso_csv_row *bot,
             kept_row *out)
{
    size_t n = top->n > bot->n ? top->n : bot->n, i;
    const char *group = NULL;
    size_t group_len = 0;
    chiso_buf b = CHISO_BUF_INIT;
    int ok = 1;

    if (!kept_alloc(out, n, bot->line)) {
        return 0;
    }
    for (i = 0; i < n && ok; i++) {
        const char *u = i < top->n ? top->f[i] : "";
        size_t ul = i < top->n ? top->l[i] : 0;
        const char *d = i < bot->n ? bot->field[i] : "";
        size_t dl = i < bot->n ? bot->len[i] : 0;
        char ku[160], kd[160];

        chiso_text_trim(&u, &ul);
        chiso_text_trim(&d, &dl);
        if (ul == 0 && dl > 0 && group != NULL) {
            u = group;
            ul = group_len;
        }
        group = dl > 0 && ul > 0 ? u : NULL;
        group_len = group != NULL ? ul : 0;
        key_of(u, ul, ku, sizeof(ku));
        key_of(d, dl, kd, sizeof(kd));
        b.len = 0;
        if (dl == 0 || strcmp(ku, kd) == 0) {
            ok = kept_put(out, i, u, ul);
            continue;
        }
        if (ul == 0 || names_column(S, d, dl)) {
            ok = kept_put(out, i, d, dl);
            continue;
        }
        if (chiso_buf_printf(&b, "%.*s %.*s", (int)ul, u, (int)dl, d) != 0) {
            ok = 0;
            break;
        }
        if (!names_column(S, b.data, b.len) && names_column(S, u, ul)) {
            ok = kept_put(out, i, u, ul);
        } else {
            ok = kept_put(out, i, b.data, b.len);
        }
    }
    chiso_buf_free(&b);
    return ok;
}

static void
kept_as_row(const kept_row *k, chiso_csv_row *row)
{
    memset(row, 0, sizeof(*row));
    row->field = (const char *const *)k->f;
    row->len = k->l;
    row->n = k->n;
    row->line = k->line;
}

static chiso_status
find_header(chiso_table *t, chiso_diag *diag)
{
    chiso_csv_row row;
    chiso_status st;
    long *best_index = NULL, *index = NULL;
    chiso_buf best_names = CHISO_BUF_INIT;
    bind_result b, best;
    size_t need = n_required(&t->schema), rec = 0, best_rec = 0;
    unsigned long first_title = 0, last_title = 0;
    char title[80] = "";
    int searched = t->opts.header_row <= 0;
    chiso_csv_row best_row, crow;
    const chiso_csv_row *hrow;
    int two;
    char **best_fields = NULL;
    size_t *best_len = NULL, best_n = 0;
    long limit = searched ? HEADER_SEARCH : t->opts.header_row;
    long *index2 = NULL;
    kept_row prev, comb;
    unsigned long before_first = 0, before_last = 0;

    memset(&prev, 0, sizeof(prev));
    memset(&comb, 0, sizeof(comb));
    memset(&best, 0, sizeof(best));
    memset(&best_row, 0, sizeof(best_row));
    index = calloc(t->schema.n_cols ? t->schema.n_cols : 1, sizeof(*index));
    best_index =
        calloc(t->schema.n_cols ? t->schema.n_cols : 1, sizeof(*best_index));
    index2 = calloc(t->schema.n_cols ? t->schema.n_cols : 1, sizeof(*index2));
    if (index == NULL || best_index == NULL || index2 == NULL) {
        st = chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0, "out of memory");
        goto out;
    }
    for (;;) {
        st = next_record(t, &row, diag);
        if (st == CHISO_DONE) {
            if (rec == 0) {
                st = chiso_diag_set(diag, CHISO_EPARSE, t->path, 1, 1,
                                    "empty file: expected a header row");
            } else if (!searched && (long)rec < t->opts.header_row) {
                st = chiso_diag_set(diag, CHISO_EUSAGE, t->path, 0, 0,
                                    "--header-row %ld: the file has %zu rows",
                                    t->opts.header_row, rec);
            } else {
                best_row.field = (const char *const *)best_fields;
                best_row.len = best_len;
                best_row.n = best_n;
                st = missing_column(t, &best_row, best_index,
                                    searched && best_rec > 1, diag);
            }
            goto out;
        }
        if (st != CHISO_OK) {
            goto out;
        }
        rec++;
        if (!searched && (long)rec < t->opts.header_row) {
            goto title;
        }
        bind_row(&t->schema, &row, index, &b);
        hrow = &row;
        two = 0;
        if (b.required < need && prev.n > 0 &&
            (t->wb == NULL || row.line == prev.line + 1)) {
            bind_result b2;
            if (!combine_rows(&t->schema, &prev, &row, &comb)) {
                st = chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0,
                                    "out of memory");
                goto out;
            }
            kept_as_row(&comb, &crow);
            bind_row(&t->schema, &crow, index2, &b2);
            if (b2.required == need) {
                b = b2;
                memcpy(index, index2, t->schema.n_cols * sizeof(*index));
                hrow = &crow;
                two = 1;
            }
        }
        if (b.required == need || !searched) {
            if (b.required < need) {
                st = missing_column(t, &row, index, 0, diag);
                goto out;
            }
            if (b.dup_a >= 0) {
                unsigned long line, col;
                char wpath[600];
                if (t->wb != NULL) {
                    where(t, row.line, (unsigned long)b.dup_b + 1, wpath,
                          sizeof(wpath), &line, &col);
                } else {
                    chiso_csv_field_position(t->rd, &row, (size_t)b.dup_b,
                                             &line, &col);
                    snprintf(wpath, sizeof(wpath), "%s", t->path);
                }
                st = chiso_diag_set(
                    diag, CHISO_ESCHEMA, wpath, line, col,
                    "columns '%.*s' and '%.*s' both mean '%s'",
                    (int)hrow->len[b.dup_a], hrow->field[b.dup_a],
                    (int)hrow->len[b.dup_b], hrow->field[b.dup_b],
                    t->schema.cols[b.dup_col].name);
                goto out;
            }
            memcpy(t->index, index, t->schema.n_cols * sizeof(*index));
            st = take_header(t, hrow, diag);
            if (st != CHISO_OK) {
                goto out;
            }
            if (two) {
                /* the row above was the header's first row, not a title */
                first_title = before_first;
                last_title = before_last;
                if (first_title == 0) {
                    title[0] = '\0';
                }
            }
            break;
        }
        if (best_fields == NULL || b.required > best.required ||
            (b.required == best.required && b.found > best.found)) {
            size_t i;
            for (i = 0; i < best_n; i++) {
                free(best_fields[i]);
            }
            free(best_fields);
            free(best_len);
            best_fields = calloc(row.n ? row.n : 1, sizeof(*best_fields));
            best_len = calloc(row.n ? row.n : 1, sizeof(*best_len));
            best_n = 0;
            if (best_fields == NULL || best_len == NULL) {
                st = chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0,
                                    "out of memory");
                goto out;
            }
            for (i = 0; i < row.n; i++) {
                best_fields[i] = chiso_strndup(row.field[i], row.len[i]);
                best_len[i] = row.len[i];
                best_n++;
                if (best_fields[i] == NULL) {
                    st = chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0,
                                        "out of memory");
                    goto out;
                }
            }
            best = b;
            best_rec = rec;
            best_row.line = row.line;
            memcpy(best_index, index, t->schema.n_cols * sizeof(*index));
        }
        if ((long)rec >= limit) {
            best_row.field = (const char *const *)best_fields;
            best_row.len = best_len;
            best_row.n = best_n;
            st = missing_column(t, &best_row, best_index, best_rec > 1, diag);
            goto out;
        }
    title:
        before_first = first_title;
        before_last = last_title;
        if (!kept_set(&prev, &row)) {
            st = chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0,
                                "out of memory");
            goto out;
        }
        if (first_title == 0) {
            size_t i;
            first_title = row.line;
            for (i = 0; i < row.n && title[0] == '\0'; i++) {
                quote_cell(row.field[i], row.len[i], title, sizeof(title));
            }
        }
        last_title = row.line;
    }
    if (two) {
        note(t, "header_two_rows", CHISO_SEVERITY_INFO, t->header_line,
             "the header is written over two rows (lines %lu-%lu): the names "
             "of the upper row are joined to those under them",
             prev.line, t->header_line);
    }
    if (first_title > 0 && first_title == last_title) {
        note(t, "rows_above_header", CHISO_SEVERITY_INFO, t->header_line,
             "the header is at line %lu; the row above it (line %lu, '%s') "
             "is a title, not data",
             t->header_line, first_title, title);
    } else if (first_title > 0) {
        note(t, "rows_above_header", CHISO_SEVERITY_INFO, t->header_line,
             "the header is at line %lu; the rows above it (lines %lu-%lu, "
             "'%s') are a title, not data",
             t->header_line, first_title, last_title, title);
    }
    if (t->wb == NULL) {
        t->data_start = chiso_csv_bytes_read(t->rd);
        t->data_line = chiso_csv_next_line(t->rd);
        t->delim = chiso_csv_delimiter(t->rd);
    } else {
        t->delim = ',';
    }
    st = CHISO_OK;
out:
    if (best_fields != NULL) {
        size_t i;
        for (i = 0; i < best_n; i++) {
            free(best_fields[i]);
        }
    }
    free(best_fields);
    free(best_len);
    free(index);
    free(best_index);
    free(index2);
    kept_free(&prev);
    kept_free(&comb);
    chiso_buf_free(&best_names);
    return st;
}

/*
 * A workbook (by its first bytes, not its name) is read through
 * chiso_workbook: the sheet named in the options (else the first with
 * data), merged cells filled (a unit merged over rows counts for each
 * row), numbers in date columns read as Excel serial dates. A workbook on
 * standard input is read whole first (a zip needs random access).
 */
static chiso_status
open_workbook(chiso_table *t,
              const char *path,
              const char *data,
              size_t len,
              chiso_diag *diag)
{
    unsigned char head[1024];
    size_t n = 0;
    chiso_status st;

    if (data != NULL) {
        n = len < sizeof(head) ? len : sizeof(head);
        memcpy(head, data, n);
    } else {
        int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
        struct stat sb;
        ssize_t got;
        if (fd < 0) {
            return CHISO_OK; /* the CSV reader says why */
        }
        if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
            got = pread(fd, head, sizeof(head), 0);
            n = got > 0 ? (size_t)got : 0;
        } else if (fd == 0) {
            /* a pipe: its first bytes are read here and handed to the
             * CSV reader when it is not a workbook */
            while (n < sizeof(head)) {
                got = read(0, head + n, sizeof(head) - n);
                if (got < 0 && errno == EINTR) {
                    continue;
                }
                if (got <= 0) {
                    break;
                }
                n += (size_t)got;
            }
            memcpy(t->pipe_head, head, n);
            t->pipe_n = n;
        }
        if (fd != 0) {
            close(fd);
        }
    }
    if (chiso_workbook_sniff(head, n) == 0) {
        return CHISO_OK;
    }
    if (data == NULL && strcmp(path, "-") == 0 && t->pipe_n > 0) {
        /* a workbook through a pipe: its first bytes, then the rest */
        char *rest = NULL;
        size_t rest_len = 0;
        st = chiso_file_read_all("-", &rest, &rest_len, diag);
        if (st != CHISO_OK) {
            return st;
        }
        t->wb_data = malloc(t->pipe_n + rest_len + 1);
        if (t->wb_data == NULL) {
            free(rest);
            return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0,
                                  "out of memory");
        }
        memcpy(t->wb_data, t->pipe_head, t->pipe_n);
        memcpy(t->wb_data + t->pipe_n, rest, rest_len);
        len = t->pipe_n + rest_len;
        t->pipe_n = 0;
        free(rest);
        st = chiso_workbook_open_mem(&t->wb, "-", t->wb_data, len, diag);
    } else if (data == NULL && strcmp(path, "-") == 0) {
        st = chiso_file_read_all("-", &t->wb_data, &len, diag);
        if (st != CHISO_OK) {
            return st;
        }
        st = chiso_workbook_open_mem(&t->wb, "-", t->wb_data, len, diag);
    } else if (data != NULL) {
        st = chiso_workbook_open_mem(&t->wb, path, data, len, diag);
    } else {
        st = chiso_workbook_open(&t->wb, path, diag);
    }
    if (st == CHISO_OK) {
        st = chiso_workbook_select(t->wb, t->opts.sheet, diag);
    }
    if (st == CHISO_OK) {
        st = chiso_workbook_fill_merged(t->wb, 1, diag);
    }
    t->opts.date_flags |= CHISO_DATE_EXCEL_SERIAL;
    return st;
}

/* Forget a header found or half found, to look on another sheet. */
static void
reset_header(chiso_table *t)
{
    size_t i;

    for (i = 0; t->header != NULL && i < t->width; i++) {
        free(t->header[i]);
    }
    free(t->header);
    free(t->personal);
    t->header = NULL;
    t->personal = NULL;
    t->width = 0;
    t->header_line = 0;
    t->wb_records = 0;
}

/*
 * Without --sheet, the table is on the first sheet that has its header: a
 * workbook often opens on a sheet of instructions, a cover or a pivot.
 * The default sheet (the first with data) was tried; the other visible
 * worksheets are tried in order. When none has the header, the error is
 * the default sheet's (it names the closest row there), with the sheets
 * listed.
 */
static chiso_status
other_sheets(chiso_table *t, chiso_diag *diag)
{
    size_t n = chiso_workbook_sheet_count(t->wb), i;
    size_t first = chiso_workbook_selected_index(t->wb);
    chiso_diag d;
    chiso_buf names = CHISO_BUF_INIT;
    chiso_status st;
    char num[32];

    for (i = 0; i < n; i++) {
        if (i == first || chiso_workbook_sheet_hidden(t->wb, i) ||
            chiso_workbook_sheet_is_chart(t->wb, i)) {
            continue;
        }
        memset(&d, 0, sizeof(d));
        d.lang = t->lang;
        snprintf(num, sizeof(num), "%zu", i + 1);
        reset_header(t);
        st = chiso_workbook_select(t->wb, num, &d);
        if (st == CHISO_OK) {
            st = chiso_workbook_fill_merged(t->wb, 1, &d);
        }
        if (st == CHISO_OK) {
            st = find_header(t, &d);
        }
        if (st == CHISO_OK) {
            note(t, "sheet_chosen", CHISO_SEVERITY_INFO, 0,
                 "read sheet '%s', the first that has the table's header "
                 "(sheet '%s' has not; choose another with --sheet)",
                 chiso_workbook_sheet_name(t->wb, i),
                 chiso_workbook_sheet_name(t->wb, first));
            chiso_diag_clear(diag); /* the first sheet's error is gone */
            return CHISO_OK;
        }
        if (st != CHISO_ESCHEMA && st != CHISO_EPARSE) {
            *diag = d;
            return st;
        }
    }
    for (i = 0; i < n; i++) {
        if (!chiso_workbook_sheet_is_chart(t->wb, i)) {
            chiso_buf_printf(&names, "%s'%s'", names.len ? ", " : "",
                             chiso_workbook_sheet_name(t->wb, i));
        }
    }
    if (diag != NULL && n > 1 && names.len > 0) {
        char msg[sizeof(diag->message)];
        snprintf(msg, sizeof(msg), "%s", diag->message);
        snprintf(diag->message, sizeof(diag->message), "%s%s%s", msg,
                 chiso_msg(t->lang, "; no other sheet has the header either:"
                                    " "),
                 names.data);
    }
    chiso_buf_free(&names);
    return CHISO_ESCHEMA;
}

/*
 * Many "Excel" exports of web systems are a web page (HTML) or an Excel
 * 2003 XML spreadsheet saved under an .xls name. Neither is a workbook nor
 * a CSV file: say so, and how to save it, rather than a CSV error on its
 * first tag.
 */
static chiso_status
markup_check(const chiso_table *t,
             const char *path,
             const char *data,
             size_t len,
             chiso_diag *diag)
{
    char head[1024];
    size_t n = 0, i = 0;
    char low[1024];

    if (data != NULL) {
        n = len < sizeof(head) ? len : sizeof(head);
        memcpy(head, data, n);
    } else if (t->pipe_n > 0) {
        n = t->pipe_n;
        memcpy(head, t->pipe_head, n);
    } else if (strcmp(path, "-") != 0) {
        int fd = open(path, O_RDONLY);
        ssize_t got;
        if (fd < 0) {
            return CHISO_OK;
        }
        got = pread(fd, head, sizeof(head), 0);
        close(fd);
        n = got > 0 ? (size_t)got : 0;
    }
    if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) {
        i = 3;
    }
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' ||
                     head[i] == '\n')) {
        i++;
    }
    if (i >= n || head[i] != '<') {
        return CHISO_OK;
    }
    for (n -= i, len = 0; len < n; len++) {
        char c = head[i + len];
        low[len] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    low[n < sizeof(low) ? n : sizeof(low) - 1] = '\0';
    if (strstr(low, "<html") == NULL && strstr(low, "<table") == NULL &&
        strstr(low, "<!doctype") == NULL && strstr(low, "<?xml") == NULL &&
        strstr(low, "<workbook") == NULL) {
        return CHISO_OK;
    }
    return chiso_diag_set(
        diag, CHISO_EPARSE, path, 0, 0,
        "this file is a web page (HTML) or an XML spreadsheet saved under "
        "a workbook's name, not a workbook or a CSV file; open it in Excel "
        "or LibreOffice and save it as Excel Workbook (.xlsx) or as CSV "
        "UTF-8");
}

static chiso_status
table_open(chiso_table **out,
           const char *path,
           const char *data,
           size_t len,
           const chiso_table_schema *schema,
           const chiso_table_options *opts,
           chiso_diag *diag)
{
    chiso_table_options o = CHISO_TABLE_OPTIONS_INIT;
    chiso_csv_options co = CHISO_CSV_OPTIONS_INIT;
    chiso_table *t;
    chiso_status st;

    *out = NULL;
    if (opts != NULL) {
        o = *opts;
    }
    t = calloc(1, sizeof(*t));
    if (t == NULL || (t->path = chiso_strdup(path)) == NULL ||
        (t->index = calloc(schema->n_cols ? schema->n_cols : 1,
                           sizeof(*t->index))) == NULL) {
        chiso_table_close(t);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    t->opts = o;
    t->schema = *schema;
    t->lang = diag != NULL ? diag->lang : CHISO_LANG_VI;
    t->mem = data;
    t->mem_len = len;
    co.delimiter = o.delimiter;
    co.allow_ragged = 1;
    co.reference = o.reference;
    st = open_workbook(t, path, data, len, diag);
    if (st == CHISO_OK && t->wb == NULL) {
        st = markup_check(t, path, data, len, diag);
    }
    if (st == CHISO_OK && t->wb == NULL) {
        st = data != NULL
                 ? chiso_csv_open_mem(&t->rd, path, data, len, &co, diag)
                 : chiso_csv_open(&t->rd, path, &co, diag);
        if (st == CHISO_OK && t->pipe_n > 0) {
            chiso__csv_prime(t->rd, (const char *)t->pipe_head, t->pipe_n);
        }
    }
    if (st == CHISO_OK) {
        st = find_header(t, diag);
    }
    if (st == CHISO_ESCHEMA && t->wb != NULL &&
        (t->opts.sheet == NULL || t->opts.sheet[0] == '\0')) {
        st = other_sheets(t, diag);
    }
    if (st != CHISO_OK) {
        chiso_table_close(t);
        return st;
    }
    *out = t;
    return CHISO_OK;
}

chiso_status
chiso_table_open(chiso_table **out,
                 const char *path,
                 const chiso_table_schema *schema,
                 const chiso_table_options *opts,
                 chiso_diag *diag)
{
    return table_open(out, path, NULL, 0, schema, opts, diag);
}

chiso_status
chiso_table_open_mem(chiso_table **out,
                     const char *name,
                     const char *data,
                     size_t len,
                     const chiso_table_schema *schema,
                     const chiso_table_options *opts,
                     chiso_diag *diag)
{
    return table_open(out, name, data ? data : "", len, schema, opts, diag);
}

void
chiso_table_close(chiso_table *t)
{
    size_t i;

    if (t == NULL) {
        return;
    }
    chiso_csv_close(t->rd);
    chiso_workbook_free(t->wb);
    free(t->wb_data);
    free((void *)(uintptr_t)t->wf);
    free(t->wl);
    for (i = 0; t->header != NULL && i < t->width; i++) {
        free(t->header[i]);
    }
    free(t->header);
    free(t->personal);
    free(t->index);
    free(t->path);
    free(t);
}

const long *
chiso_table_index(const chiso_table *t)
{
    return t->index;
}

size_t
chiso_table_width(const chiso_table *t)
{
    return t->width;
}

const char *const *
chiso_table_header(const chiso_table *t)
{
    return (const char *const *)t->header;
}

const char *
chiso_table_column_name(const chiso_table *t, size_t c)
{
    long k = c < t->schema.n_cols ? t->index[c] : -1;

    return k >= 0 && (size_t)k < t->width ? t->header[k]
                                          : t->schema.cols[c].name;
}

char
chiso_table_delimiter(const chiso_table *t)
{
    return t->delim;
}

const char *
chiso_table_path(const chiso_table *t)
{
    return t->path;
}

unsigned long
chiso_table_header_line(const chiso_table *t)
{
    return t->header_line;
}

unsigned
chiso_table_date_flags(const chiso_table *t)
{
    return t->opts.date_flags;
}

chiso_lang
chiso_table_lang(const chiso_table *t)
{
    return t->lang;
}

const char *
chiso_table_sheet(const chiso_table *t)
{
    return t->wb != NULL ? chiso_workbook_selected_name(t->wb) : NULL;
}

void
chiso_table_where(const chiso_table *t,
                  const chiso_row *row,
                  size_t k,
                  char *path,
                  size_t cap,
                  unsigned long *line,
                  unsigned long *column)
{
    unsigned long l, c;

    if (t->wb != NULL) {
        where(t, row->line, (unsigned long)k + 1, path, cap, line, column);
        return;
    }
    chiso_row_position(row, k, &l, &c);
    where(t, l, c, path, cap, line, column);
}

void
chiso_row_position(const chiso_row *row,
                   size_t k,
                   unsigned long *line,
                   unsigned long *column)
{
    unsigned long rel = 0;

    *column = 0;
    if (row->raw != NULL) {
        chiso__raw_position(row->raw, row->raw + row->raw_len, row->delim, k,
                            &rel, column);
    } else if (row->line > 0) {
        *column = (unsigned long)k + 1; /* a sheet's cells are columns */
    }
    *line = row->line > 0 ? row->line + rel : 0;
}

/* ---- rows: field count, totals rows ---------------------------------------- */

/*
 * The reference reader's rule for the field count: equal to the header,
 * or longer with only empty extra fields (then *n is cut to the header).
 * Returns 0 if fine, else -1 with *bad_field the field to point at.
 */
static int
check_count(size_t width, const size_t *len, size_t *n, size_t *bad_field)
{
    size_t i;

    if (*n == width) {
        return 0;
    }
    if (*n > width) {
        for (i = width; i < *n && len[i] == 0; i++) {
        }
        if (i == *n) {
            *n = width;
            return 0;
        }
        *bad_field = width;
        return -1;
    }
    *bad_field = *n;
    return -1;
}

static int
blank(const char *s, size_t n)
{
    chiso_text_trim_quick(&s, &n);
    return n == 0;
}

/*
 * Is this a totals row? 1 with the cell that says so in *cell (k), else 0.
 * A totals row is one whose first non-empty cell is a totals word ("Tổng
 * cộng", "Cộng", "Tổng số", "Tổng", "Total"), or one whose identifying
 * columns are empty while its other cells are numbers.
 */
static int
is_totals(const chiso_table *t,
          const char *const *f,
          const size_t *len,
          size_t n,
          size_t *cell)
{
    static const char *const words[] = {"tongcong", "cong",    "tong",
                                        "tongso",   "total",   "grandtotal",
                                        "subtotal", "congdon", NULL};
    static const char *const prefixes[] = {"tongcong", "tongso", NULL};
    char key[64];
    size_t i, k, nonempty = 0;
    long id = t->schema.id_col >= 0 ? t->index[t->schema.id_col] : -1;
    long seq = t->schema.seq_col >= 0 ? t->index[t->schema.seq_col] : -1;

    for (i = 0; i < n; i++) {
        const char *s = f[i];
        size_t sl = len[i];
        unsigned char c0;
        chiso_text_trim_quick(&s, &sl);
        if (sl == 0) {
            continue;
        }
        /* every totals word starts with t, c, g or s (Tổng, Cộng, Grand,
         * Subtotal): most first cells (ids, numbers) end here, unfolded */
        c0 = (unsigned char)(s[0] | 0x20);
        if (sl > 60 || (c0 != 't' && c0 != 'c' && c0 != 'g' && c0 != 's')) {
            break;
        }
        key_of(f[i], len[i], key, sizeof(key));
        for (k = 0; words[k] != NULL; k++) {
            if (strcmp(key, words[k]) == 0) {
                *cell = i;
                return 1;
            }
        }
        for (k = 0; prefixes[k] != NULL; k++) {
            if (strncmp(key, prefixes[k], strlen(prefixes[k])) == 0) {
                *cell = i;
                return 1;
            }
        }
        break;
    }
    if (id < 0 && seq < 0) {
        return 0;
    }
    if ((id >= 0 && (size_t)id < n && !blank(f[id], len[id])) ||
        (seq >= 0 && (size_t)seq < n && !blank(f[seq], len[seq]))) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        double v;
        if (blank(f[i], len[i])) {
            continue;
        }
        if (chiso_parse_number(f[i], len[i], &v) != 0) {
            return 0;
        }
        if (nonempty++ == 0) {
            *cell = i;
        }
    }
    return nonempty > 0;
}

/* The identifying columns is_totals() looks at: field indexes or -1. */
static void
totals_cols(const chiso_table *t, long *id, long *seq)
{
    *id = t->schema.id_col >= 0 ? t->index[t->schema.id_col] : -1;
    *seq = t->schema.seq_col >= 0 ? t->index[t->schema.seq_col] : -1;
}

/* Field k is there and surely not blank: its first byte is not trimmed. */
static inline int
filled(const char *const *f, const size_t *len, size_t n, long k)
{
    return k >= 0 && (size_t)k < n && len[k] > 0 &&
           (unsigned char)f[k][0] > ' ' && (unsigned char)f[k][0] != 0xC2;
}

/*
 * 1 when is_totals() would say no for a reason seen at a glance: the first
 * cell starts with a byte no trimming removes and no totals word starts
 * with, and an identifying column (id, seq: totals_cols) is filled or
 * there is none. 0: ask is_totals(). Inline: asked of every row.
 */
static inline int
surely_not_totals(
    const char *const *f, const size_t *len, size_t n, long id, long seq)
{
    unsigned char c0;

    if (n == 0 || len[0] == 0) {
        return 0;
    }
    c0 = (unsigned char)f[0][0];
    if (c0 <= ' ' || c0 == 0xC2) {
        return 0;
    }
    c0 |= 0x20;
    if (c0 == 't' || c0 == 'c' || c0 == 'g' || c0 == 's') {
        return 0;
    }
    return (id < 0 && seq < 0) || filled(f, len, n, id) ||
           filled(f, len, n, seq);
}

/* ---- bad rows ------------------------------------------------------------- */

typedef struct rejects {
    chiso_table *t;
    chiso_diag first; /* code CHISO_OK while there is none */
    uint64_t n;
} rejects;

static chiso_status
reject_add(rejects *R,
           const chiso_reject *rej,
           chiso_status code,
           chiso_diag *diag)
{
    chiso_table *t = R->t;

    R->n++;
    if (R->first.code == CHISO_OK) {
        R->first.lang = t->lang;
        chiso_diag_set(&R->first, code, rej->path, rej->line, rej->column, "%s",
                       rej->reason);
    }
    if (t->opts.problems != NULL) {
        chiso_diag_list_addk(t->opts.problems, "row_rejected",
                             CHISO_SEVERITY_WARNING, NULL, rej->path, rej->line,
                             rej->column, "%s", rej->reason);
    }
    if (t->opts.on_reject != NULL &&
        t->opts.on_reject(t->opts.reject_ctx, rej) != 0) {
        return chiso_diag_set(diag, CHISO_EIO, rej->path, 0, 0,
                              "cannot write the rejected rows");
    }
    return CHISO_OK;
}

static void
reject_count(rejects *R, uint64_t n)
{
    R->n += n;
    if (R->t->opts.problems != NULL) {
        R->t->opts.problems->n_dropped += (size_t)n;
    }
}

static chiso_status
reject_verdict(const rejects *R, uint64_t data_rows, chiso_diag *diag)
{
    char pct[32], lim[32];
    double max = R->t->opts.max_rejects_pct;

    if (R->n == 0 || data_rows == 0 ||
        100.0 * (double)R->n <= max * (double)data_rows) {
        return CHISO_OK;
    }
    chiso_format_double(
        chiso_round_half_up(100.0 * (double)R->n / (double)data_rows, 1), pct,
        sizeof(pct));
    chiso_format_double(max, lim, sizeof(lim));
    return chiso_diag_set(diag, R->first.code, R->first.path, R->first.line,
                          R->first.column,
                          "%s; %llu of %llu rows rejected (%s %%), above the "
                          "limit of %s %% (--max-rejects)",
                          R->first.message, (unsigned long long)R->n,
                          (unsigned long long)data_rows, pct, lim);
}

static void
note_totals(chiso_table *t, unsigned long line, const char *cell, size_t len)
{
    char q[80];

    quote_cell(cell, len, q, sizeof(q));
    note(t, "totals_row_skipped", CHISO_SEVERITY_INFO, line,
         "a totals row ('%s'): skipped, not counted", q);
}

/* ---- sequential reading ---------------------------------------------------- */

static chiso_status
read_sequential(chiso_table *t,
                const chiso_row_handler *h,
                chiso_table_run *run,
                rejects *R,
                chiso_diag *diag)
{
    chiso_csv_row row;
    chiso_row r;
    chiso_row_error err;
    chiso_status st;
    char rpath[600];
    void *w = h->worker_new(h->ctx);
    long tot_id, tot_seq;

    totals_cols(t, &tot_id, &tot_seq);
    run->workers = calloc(1, sizeof(*run->workers));
    run->part_lines = calloc(1, sizeof(*run->part_lines));
    if (w == NULL || run->workers == NULL || run->part_lines == NULL) {
        if (w != NULL) {
            h->worker_free(w);
        }
        return chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0,
                              "out of memory");
    }
    run->workers[0] = w;
    run->n_workers = 1;
    run->n_parts = 1;
    run->threads_used = 1;
    memset(&r, 0, sizeof(r));
    r.delim = (unsigned char)t->delim;
    for (;;) {
        size_t n, bad, cell;
        int rc;
        st = next_record(t, &row, diag);
        if (st == CHISO_DONE) {
            return CHISO_OK;
        }
        if (st != CHISO_OK) {
            return st;
        }
        run->rows_read++;
        r.field = row.field;
        r.len = row.len;
        r.line = row.line;
        r.pos = row.line - 1;
        if (t->wb == NULL) {
            r.raw = chiso_csv_raw_record(t->rd, &r.raw_len);
        }
        n = row.n;
        if (check_count(t->width, row.len, &n, &bad) != 0) {
            chiso_reject rej;
            char msg[200];
            snprintf(
                msg, sizeof(msg),
                chiso_msg(t->lang, "row has %zu fields but the header has %zu"),
                row.n, t->width);
            r.n = row.n;
            chiso_table_where(t, &r, bad, rpath, sizeof(rpath), &rej.line,
                              &rej.column);
            rej.path = rpath;
            rej.reason = msg;
            rej.n_fields = row.n;
            rej.field = row.field;
            rej.field_len = row.len;
            st = reject_add(R, &rej, CHISO_EPARSE, diag);
            if (st != CHISO_OK) {
                return st;
            }
            continue;
        }
        r.n = n;
        if (!surely_not_totals(row.field, row.len, n, tot_id, tot_seq) &&
            is_totals(t, row.field, row.len, n, &cell)) {
            run->rows_totals++;
            note_totals(t, row.line, row.field[cell], row.len[cell]);
            continue;
        }
        err.code = CHISO_EDATA;
        err.field = 0;
        err.msg[0] = '\0';
        rc = h->row(w, &r, &err);
        if (rc == CHISO_ROW_OK) {
            run->rows_counted++;
            continue;
        }
        if (rc == CHISO_ROW_FATAL) {
            return chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0,
                                  "out of memory");
        }
        {
            chiso_reject rej;
            chiso_table_where(t, &r, err.field, rpath, sizeof(rpath), &rej.line,
                              &rej.column);
            rej.path = rpath;
            if (t->wb != NULL && err.field < row.n &&
                chiso_table_is_uncalculated(row.field[err.field],
                                            row.len[err.field])) {
                /* not "invalid date '#FORMULA?'": what it is, what to do */
                snprintf(err.msg, sizeof(err.msg), "%s",
                         chiso_msg(t->lang, CHISO_UNCALCULATED_MSG));
            }
            rej.reason = err.msg;
            rej.n_fields = row.n;
            rej.field = row.field;
            rej.field_len = row.len;
            st = reject_add(R, &rej, err.code, diag);
            if (st != CHISO_OK) {
                return st;
            }
        }
    }
}

int
chiso_table_is_uncalculated(const char *s, size_t len)
{
    return s != NULL && len == sizeof(UNCALCULATED) - 1 &&
           memcmp(s, UNCALCULATED, len) == 0;
}

/* ---- parallel reading ---------------------------------------------------- */

/* A bad row met by a thread, kept until the line numbers are known. */
typedef struct fbad {
    uint64_t nl_before; /* '\n' between the part's start and the record */
    unsigned long rel_line, column;
    chiso_status code;
    char *msg;
    char **field; /* the row's fields (only for the reject callback) */
    size_t *flen;
    size_t n;
} fbad;

/* A totals row met by a thread. */
typedef struct ftot {
    uint64_t nl_before;
    char text[80];
} ftot;

/* Jobs run on different threads and count rows as they go: each starts
 * on its own 128-byte boundary (the pair of cache lines the prefetcher
 * fetches together), so two threads never write the same line. */
#define JOB_ALIGN 128
typedef struct fjob {
    _Alignas(JOB_ALIGN) chiso_table *t;
    const chiso_row_handler *h;
    int fd;
    const char *data;
    uint64_t size, start;
    const uint64_t *bounds;
    size_t n_bounds, self;
    atomic_int *stop;
    size_t keep_max;
    int keep_fields;
    chiso__tok tok;
    chiso__fields ff;
    char *buf;
    size_t cap, len;
    uint64_t base;
    void *worker;
    uint64_t rows, rows_read, totals;
    uint64_t lines;           /* '\n' consumed since start */
    unsigned long first_line; /* line at start when known (part 0) */
    fbad *bad;
    size_t n_bad, cap_bad;
    uint64_t n_bad_counted;
    ftot tot[NOTES_PER_PART];
    size_t n_tot;
    int irregular;
    int sys_err;
    size_t linked;
    long tot_id, tot_seq; /* totals_cols() */
} fjob;

static int
keep_bad(fjob *J,
         const char *p0,
         size_t used,
         size_t nf,
         size_t field,
         chiso_status code,
         const char *msg)
{
    fbad *b;
    size_t i;

    if (J->n_bad == J->cap_bad) {
        size_t cap = J->cap_bad ? J->cap_bad * 2 : 16;
        fbad *nb = realloc(J->bad, cap * sizeof(*nb));
        if (nb == NULL) {
            return -1;
        }
        J->bad = nb;
        J->cap_bad = cap;
    }
    b = &J->bad[J->n_bad];
    memset(b, 0, sizeof(*b));
    b->nl_before = J->lines;
    b->code = code;
    chiso__raw_position(p0, p0 + used, J->tok.delim, field, &b->rel_line,
                        &b->column);
    b->msg = chiso_strdup(msg);
    J->n_bad++;
    if (b->msg == NULL) {
        return -1;
    }
    if (!J->keep_fields) {
        return 0;
    }
    b->field = calloc(nf ? nf : 1, sizeof(*b->field));
    b->flen = calloc(nf ? nf : 1, sizeof(*b->flen));
    if (b->field == NULL || b->flen == NULL) {
        return -1;
    }
    b->n = nf;
    for (i = 0; i < nf; i++) {
        b->field[i] = chiso_strndup(J->ff.f[i], J->ff.len[i]);
        b->flen[i] = J->ff.len[i];
        if (b->field[i] == NULL) {
            return -1;
        }
    }
    return 0;
}

/* Keep bytes from absolute offset `keep` on and read more. 0, or -1. */
static int
job_refill(fjob *J, uint64_t keep)
{
    size_t off = (size_t)(keep - J->base);
    ssize_t got;

    if (off > 0) {
        memmove(J->buf, J->buf + off, J->len - off);
        J->len -= off;
        J->base = keep;
    }
    if (J->cap - J->len < FAST_READ) {
        size_t ncap = J->cap ? J->cap * 2 : 2 * FAST_READ;
        char *nb = realloc(J->buf, ncap);
        if (nb == NULL) {
            J->sys_err = -1;
            return -1;
        }
        J->buf = nb;
        J->cap = ncap;
    }
    for (;;) {
        uint64_t at = J->base + J->len;
        size_t want = J->cap - J->len;
        if (at >= J->size) {
            return 0;
        }
        if (want > J->size - at) {
            want = (size_t)(J->size - at);
        }
        got = pread(J->fd, J->buf + J->len, want, (off_t)at);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        break;
    }
    if (got < 0) {
        J->sys_err = errno;
        return -1;
    }
    if (got == 0) {
        J->irregular = 1; /* the file shrank under us */
        return -1;
    }
    J->len += (size_t)got;
    return 0;
}

static void *
run_job(void *arg)
{
    fjob *J = arg;
    chiso_table *t = J->t;
    uint64_t pos = J->start;
    size_t next_b = J->self + 1;
    chiso_row r;
    chiso_row_error err;

    memset(&r, 0, sizeof(r));
    r.field = J->ff.f;
    r.len = J->ff.len;
    r.delim = J->tok.delim;
    if (J->data != NULL) {
        J->buf = (char *)(uintptr_t)J->data;
        J->len = (size_t)J->size;
        J->base = 0;
    } else {
        J->base = pos;
    }
    for (;;) {
        size_t off, nf = 0, used = 0, n, bad = 0, cell;
        int at_eof, tk, quoted, rc;
        const char *p0;
        chiso_status code = CHISO_OK;
        const char *msg = NULL;
        char count_msg[200];
        uint64_t nl;
        if ((J->rows_read & 4095) == 0 && J->self > 0 &&
            atomic_load_explicit(J->stop, memory_order_relaxed)) {
            J->irregular = 1;
            break;
        }
        /* a record starts at pos: is it the next thread's start? */
        while (next_b < J->n_bounds && J->bounds[next_b] < pos) {
            next_b++;
        }
        if (next_b < J->n_bounds && J->bounds[next_b] == pos) {
            J->linked = next_b;
            break;
        }
        if (pos >= J->size) {
            J->linked = J->n_bounds;
            break;
        }
        off = (size_t)(pos - J->base);
        if (off >= J->len) {
            if (job_refill(J, pos) != 0) {
                break;
            }
            continue;
        }
        at_eof = J->base + J->len >= J->size;
        p0 = J->buf + off;
        tk = chiso__tokenize(&J->tok, &J->ff, p0, J->buf + J->len, at_eof, &nf,
                             &used, &quoted);
        if (tk == CHISO__T_MORE) {
            if (J->len - off > CHISO__TOK_MAX_RECORD || J->data != NULL) {
                J->irregular = 1;
                break;
            }
            if (job_refill(J, pos) != 0) {
                break;
            }
            continue;
        }
        if (tk == CHISO__T_BAD || used > CHISO__TOK_MAX_RECORD) {
            J->irregular = 1;
            break;
        }
        pos += used;
        /* newlines: only the terminator, unless a quoted field held some */
        nl = quoted ? chiso__count_nl(p0, used)
                    : (uint64_t)(used > 0 && p0[used - 1] == '\n');
        if (tk == CHISO__T_BLANK) {
            J->lines += nl;
            continue;
        }
        J->rows_read++;
        n = nf;
        if (check_count(t->width, J->ff.len, &n, &bad) != 0) {
            snprintf(
                count_msg, sizeof(count_msg),
                chiso_msg(t->lang, "row has %zu fields but the header has %zu"),
                nf, t->width);
            code = CHISO_EPARSE;
            msg = count_msg;
        } else if (!surely_not_totals(J->ff.f, J->ff.len, n, J->tot_id,
                                      J->tot_seq) &&
                   is_totals(t, J->ff.f, J->ff.len, n, &cell)) {
            if (J->n_tot < NOTES_PER_PART) {
                ftot *ft = &J->tot[J->n_tot++];
                ft->nl_before = J->lines;
                quote_cell(J->ff.f[cell], J->ff.len[cell], ft->text,
                           sizeof(ft->text));
            }
            J->totals++;
            J->lines += nl;
            continue;
        } else {
            r.n = n;
            r.pos = ((uint64_t)J->self << PART_SHIFT) | J->lines;
            r.line =
                J->first_line > 0 ? J->first_line + (unsigned long)J->lines : 0;
            r.raw = p0;
            r.raw_len = used;
            err.code = CHISO_EDATA;
            err.field = 0;
            err.msg[0] = '\0';
            rc = J->h->row(J->worker, &r, &err);
            if (rc == CHISO_ROW_FATAL) {
                J->sys_err = -1;
                break;
            }
            if (rc != CHISO_ROW_OK) {
                code = err.code;
                msg = err.msg;
                bad = err.field;
            }
        }
        if (code != CHISO_OK) {
            if (J->n_bad < J->keep_max) {
                if (keep_bad(J, p0, used, nf, bad, code, msg) != 0) {
                    J->sys_err = -1;
                    break;
                }
            } else if (J->keep_fields) {
                /* too many rows to hold for the callback: read in order */
                J->irregular = 1;
                break;
            } else {
                J->n_bad_counted++;
            }
            J->lines += nl;
            continue;
        }
        J->lines += nl;
        J->rows++;
    }
    if (J->self == 0 && (J->irregular || J->sys_err != 0)) {
        /* thread 0 is always on the chain: the run falls back anyway */
        atomic_store(J->stop, 1);
    }
    if (J->data != NULL) {
        J->buf = NULL;
    }
    return NULL;
}

static int
job_init(fjob *J, chiso_table *t, const chiso_row_handler *h)
{
    memset(J, 0, sizeof(*J));
    J->t = t;
    J->h = h;
    J->ff.cap = t->width + FAST_EXTRA;
    J->ff.f = calloc(J->ff.cap, sizeof(*J->ff.f));
    J->ff.len = calloc(J->ff.cap, sizeof(*J->ff.len));
    J->ff.scratch_cap = CHISO__TOK_MAX_RECORD + 64;
    if (t->mem != NULL && t->mem_len + 64 < J->ff.scratch_cap) {
        J->ff.scratch_cap = t->mem_len + 64; /* no field is longer */
    }
    J->ff.scratch = malloc(J->ff.scratch_cap);
    chiso__tok_init(&J->tok, t->delim);
    totals_cols(t, &J->tot_id, &J->tot_seq);
    J->worker = h->worker_new(h->ctx);
    return J->ff.f != NULL && J->ff.len != NULL && J->ff.scratch != NULL &&
                   J->worker != NULL
               ? 0
               : -1;
}

static void
job_free(fjob *J, const chiso_row_handler *h)
{
    size_t i, k;

    for (i = 0; i < J->n_bad; i++) {
        for (k = 0; J->bad[i].field != NULL && k < J->bad[i].n; k++) {
            free(J->bad[i].field[k]);
        }
        free(J->bad[i].field);
        free(J->bad[i].flen);
        free(J->bad[i].msg);
    }
    free(J->bad);
    free((void *)(uintptr_t)J->ff.f);
    free(J->ff.len);
    free(J->ff.scratch);
    if (J->data == NULL) {
        free(J->buf);
    }
    if (J->worker != NULL) {
        h->worker_free(J->worker);
    }
}

/* Offset just after the first '\n' at or after `at`, or 0 if none within
 * a window. */
static uint64_t
guess_start(int fd, const char *data, uint64_t size, uint64_t at)
{
    char win[65536];
    const char *src, *nl;
    size_t n;

    if (at >= size) {
        return 0;
    }
    n = size - at < sizeof(win) ? (size_t)(size - at) : sizeof(win);
    if (data != NULL) {
        src = data + at;
    } else {
        ssize_t got = pread(fd, win, n, (off_t)at);
        if (got <= 0) {
            return 0;
        }
        n = (size_t)got;
        src = win;
    }
    nl = memchr(src, '\n', n);
    return nl == NULL ? 0 : at + (uint64_t)(nl - src) + 1;
}

typedef enum { FAST_OK, FAST_FALLBACK, FAST_ERROR } fast_status;

static fast_status
read_parallel(chiso_table *t,
              const chiso_row_handler *h,
              int fd,
              uint64_t size,
              int n_threads,
              chiso_table_run *run,
              rejects *R,
              chiso_diag *diag)
{
    uint64_t bounds[MAX_THREADS], start = t->data_start, line_base;
    uint64_t min_split = t->opts.min_split ? t->opts.min_split : FAST_MIN_SPLIT;
    size_t n_b = 1, i, j, n_used = 0, chain[MAX_THREADS];
    fjob *jobs = NULL;
    pthread_t tid[MAX_THREADS];
    int started[MAX_THREADS];
    fast_status st = FAST_FALLBACK;
    atomic_int stop;
    size_t keep_max = FAST_MAX_BAD;
    const char *data = t->mem;

    if (t->opts.on_reject == NULL) {
        keep_max = t->opts.problems != NULL ? t->opts.problems->cap + 1 : 1;
    }
    if (n_threads < 1) {
        n_threads = 1;
    }
    if (n_threads > MAX_THREADS) {
        n_threads = MAX_THREADS;
    }
    if (size - start < (uint64_t)n_threads * min_split) {
        n_threads = (int)((size - start) / min_split) + 1;
        if (n_threads > MAX_THREADS) {
            n_threads = MAX_THREADS;
        }
    }
    bounds[0] = start;
    for (i = 1; i < (size_t)n_threads; i++) {
        uint64_t g = guess_start(
            fd, data, size, start + (size - start) * i / (uint64_t)n_threads);
        if (g > bounds[n_b - 1] && g < size) {
            bounds[n_b++] = g;
        }
    }
    atomic_init(&stop, 0);
    jobs = aligned_alloc(JOB_ALIGN, n_b * sizeof(*jobs));
    if (jobs != NULL) {
        memset(jobs, 0, n_b * sizeof(*jobs));
    }
    if (jobs == NULL) {
        chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0, "out of memory");
        return FAST_ERROR;
    }
    for (i = 0; i < n_b; i++) {
        if (job_init(&jobs[i], t, h) != 0) {
            chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0, "out of memory");
            st = FAST_ERROR;
            n_b = i + 1;
            goto out;
        }
        jobs[i].fd = fd;
        jobs[i].data = data;
        jobs[i].size = size;
        jobs[i].start = bounds[i];
        jobs[i].bounds = bounds;
        jobs[i].n_bounds = n_b;
        jobs[i].self = i;
        jobs[i].stop = &stop;
        jobs[i].keep_max = keep_max;
        jobs[i].keep_fields = t->opts.on_reject != NULL;
        jobs[i].linked = n_b + 1; /* not reached */
        jobs[i].first_line = i == 0 ? t->data_line : 0;
        started[i] = 0;
    }
    for (i = 1; i < n_b; i++) {
        started[i] = pthread_create(&tid[i], NULL, run_job, &jobs[i]) == 0;
    }
    run_job(&jobs[0]);
    for (i = 1; i < n_b; i++) {
        if (started[i]) {
            pthread_join(tid[i], NULL);
        } else {
            run_job(&jobs[i]);
        }
    }
    /* follow the chain of confirmed starts from thread 0 */
    for (i = 0;;) {
        fjob *J = &jobs[i];
        chain[n_used++] = i;
        if (J->sys_err != 0) {
            if (J->sys_err < 0) {
                chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0,
                               "out of memory");
            } else {
                chiso_diag_set_errno(diag, t->path, J->sys_err, "cannot read");
            }
            st = FAST_ERROR;
            goto out;
        }
        if (J->irregular || J->linked > n_b) {
            st = FAST_FALLBACK;
            goto out;
        }
        if (J->linked == n_b) {
            break;
        }
        i = J->linked;
    }
    /* parts, line numbers, bad rows and totals rows in file order */
    run->workers = calloc(n_used, sizeof(*run->workers));
    run->part_lines = calloc(n_b, sizeof(*run->part_lines));
    if (run->workers == NULL || run->part_lines == NULL) {
        chiso_diag_set(diag, CHISO_ENOMEM, t->path, 0, 0, "out of memory");
        st = FAST_ERROR;
        goto out;
    }
    run->n_parts = n_b;
    line_base = t->data_line - 1;
    for (j = 0; j < n_used; j++) {
        fjob *J = &jobs[chain[j]];
        size_t b = 0, k = 0;
        run->part_lines[chain[j]] = line_base;
        /* bad rows and totals rows interleaved by their place */
        while (b < J->n_bad || k < J->n_tot) {
            if (k < J->n_tot &&
                (b == J->n_bad || J->tot[k].nl_before < J->bad[b].nl_before)) {
                note_totals(
                    t, (unsigned long)(line_base + J->tot[k].nl_before + 1),
                    J->tot[k].text, strlen(J->tot[k].text));
                k++;
                continue;
            }
            {
                const fbad *fb = &J->bad[b++];
                chiso_reject rej;
                rej.path = t->path;
                rej.line = (unsigned long)(line_base + fb->nl_before + 1) +
                           fb->rel_line;
                rej.column = fb->column;
                rej.reason = fb->msg;
                rej.n_fields = fb->n;
                rej.field = (const char *const *)fb->field;
                rej.field_len = fb->flen;
                if (reject_add(R, &rej, fb->code, diag) != CHISO_OK) {
                    st = FAST_ERROR;
                    goto out;
                }
            }
        }
        reject_count(R, J->n_bad_counted);
        line_base += J->lines;
        run->rows_read += J->rows_read;
        run->rows_counted += J->rows;
        run->rows_totals += J->totals;
        run->workers[run->n_workers++] = J->worker;
        J->worker = NULL;
    }
    run->threads_used = (int)n_used;
    st = FAST_OK;
out:
    for (i = 0; i < n_b; i++) {
        job_free(&jobs[i], h);
    }
    free(jobs);
    if (st == FAST_FALLBACK) {
        free(run->workers);
        free(run->part_lines);
        memset(run, 0, sizeof(*run));
    }
    return st;
}

static int
default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

chiso_status
chiso_table_read(chiso_table *t,
                 const chiso_row_handler *h,
                 chiso_table_run *run,
                 chiso_diag *diag)
{
    rejects R;
    chiso_status st = CHISO_OK;
    int fd = -1, threads;
    uint64_t size = 0;
    int parallel = 0;
    size_t i;

    memset(run, 0, sizeof(*run));
    memset(&R, 0, sizeof(R));
    R.t = t;
    if (t->read_done) {
        return chiso_diag_set(diag, CHISO_EINVAL, t->path, 0, 0,
                              "a table is read once");
    }
    t->read_done = 1;
    if (t->opts.on_header != NULL) {
        t->opts.on_header(t->opts.reject_ctx, (const char *const *)t->header,
                          t->width, t->delim);
    }
    threads = t->opts.threads > 0 ? t->opts.threads : default_threads();
    /* regular files and memory: the zero-copy runner, one thread or more;
     * pipes and handlers that need rows in order: the reader */
    if (!t->opts.reference && !h->sequential && t->wb == NULL) {
        struct stat sb;
        if (t->mem != NULL) {
            size = t->mem_len;
            parallel = 1;
        } else {
            /* standard input too, when it is a regular file */
            fd = strcmp(t->path, "-") == 0 ? dup(0) : open(t->path, O_RDONLY);
            if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
                size = (uint64_t)sb.st_size;
                parallel = size > t->data_start;
            }
        }
    }
    if (parallel) {
        fast_status fs = read_parallel(t, h, fd, size, threads, run, &R, diag);
        if (fs == FAST_ERROR) {
            st =
                diag != NULL && diag->code != CHISO_OK ? diag->code : CHISO_EIO;
            goto out;
        }
        if (fs == FAST_OK) {
            goto verdict;
        }
        /* read again in order from the header on (libcsv takes over the
         * records the tokenizer leaves) */
    }
    st = read_sequential(t, h, run, &R, diag);
    if (st != CHISO_OK) {
        goto out;
    }
verdict:
    run->rows_rejected = R.n;
    st = reject_verdict(&R, run->rows_read - run->rows_totals, diag);
out:
    if (fd >= 0) {
        close(fd);
    }
    if (st != CHISO_OK) {
        for (i = 0; i < run->n_workers; i++) {
            h->worker_free(run->workers[i]);
        }
        free(run->workers);
        free(run->part_lines);
        memset(run, 0, sizeof(*run));
    }
    return st;
}

unsigned long
chiso_table_line(const chiso_table_run *run, uint64_t pos)
{
    size_t part = (size_t)(pos >> PART_SHIFT);
    uint64_t rel = pos & (((uint64_t)1 << PART_SHIFT) - 1);

    if (part >= run->n_parts) {
        return 0;
    }
    return (unsigned long)(run->part_lines[part] + rel + 1);
}

void
chiso_table_run_free(chiso_table_run *run, const chiso_row_handler *h)
{
    size_t i;

    if (run == NULL) {
        return;
    }
    for (i = 0; i < run->n_workers; i++) {
        if (h != NULL) {
            h->worker_free(run->workers[i]);
        }
    }
    free(run->workers);
    free(run->part_lines);
    memset(run, 0, sizeof(*run));
}

/* ---- rejected rows as CSV ------------------------------------------------ */

void
chiso_rejects_csv_init(chiso_rejects_csv *w, FILE *out)
{
    memset(w, 0, sizeof(*w));
    chiso_csvw_init(&w->w, out, ',', 1);
}

void
chiso_rejects_csv_header(void *ctx,
                         const char *const *names,
                         size_t n,
                         char delim)
{
    chiso_rejects_csv *w = ctx;
    size_t i;

    if (w->header_done) {
        return;
    }
    w->w.delim = delim; /* the writer starts the file with a BOM */
    for (i = 0; i < n; i++) {
        chiso_csvw_text(&w->w, names[i]);
    }
    chiso_csvw_text(&w->w, "reject_location");
    chiso_csvw_text(&w->w, "reject_reason");
    chiso_csvw_end(&w->w);
    w->header_done = 1;
}

int
chiso_rejects_csv_write(void *ctx, const chiso_reject *rej)
{
    chiso_rejects_csv *w = ctx;
    char loc[600];
    size_t i;

    for (i = 0; i < rej->n_fields; i++) {
        char *f = chiso_strndup(rej->field[i], rej->field_len[i]);
        if (f == NULL) {
            return -1;
        }
        chiso_csvw_text(&w->w, f);
        free(f);
    }
    if (rej->line == 0) {
        /* a workbook cell: "FILE:SHEET!B7" says it all */
        snprintf(loc, sizeof(loc), "%s", rej->path);
    } else if (rej->column > 0) {
        snprintf(loc, sizeof(loc), "%s:%lu:%lu", rej->path, rej->line,
                 rej->column);
    } else {
        snprintf(loc, sizeof(loc), "%s:%lu", rej->path, rej->line);
    }
    chiso_csvw_text(&w->w, loc);
    chiso_csvw_text(&w->w, rej->reason);
    chiso_csvw_end(&w->w);
    w->n++;
    return ferror(w->w.out) ? -1 : 0;
}

/* ---- the head of a workbook, for telling its kind ------------------------- */

static void
head_cell(chiso_buf *b, const char *s, size_t len, int first)
{
    size_t i;

    if (!first) {
        chiso_buf_append(b, ";", 1);
    }
    for (i = 0; i < len; i++) {
        char c = s[i];
        chiso_buf_append(b, c == ';' || c == '\n' || c == '\r' ? " " : &c, 1);
    }
}

chiso_status
chiso_table_head_text(
    const char *path, size_t k, char **text, size_t *len, chiso_diag *diag)
{
    unsigned char head[1024];
    ssize_t got;
    int fd;
    chiso_workbook *wb = NULL;
    chiso_buf b = CHISO_BUF_INIT;
    kept_row prev, comb;
    chiso_table_schema none;
    chiso_status st;
    size_t n, i, seen = 0, rows = 0;
    char num[32];

    *text = NULL;
    *len = 0;
    fd = open(path, O_RDONLY);
    if (fd < 0) {
        return CHISO_EINVAL;
    }
    got = pread(fd, head, sizeof(head), 0);
    close(fd);
    if (got <= 0 || chiso_workbook_sniff(head, (size_t)got) == 0) {
        return CHISO_EINVAL;
    }
    st = chiso_workbook_open(&wb, path, diag);
    if (st != CHISO_OK) {
        return st;
    }
    n = chiso_workbook_sheet_count(wb);
    for (i = 0; i < n; i++) {
        if (!chiso_workbook_sheet_hidden(wb, i) &&
            !chiso_workbook_sheet_is_chart(wb, i) && seen++ == k) {
            break;
        }
    }
    if (i == n) {
        chiso_workbook_free(wb);
        return CHISO_DONE;
    }
    snprintf(num, sizeof(num), "%zu", i + 1);
    st = chiso_workbook_select(wb, num, diag);
    if (st == CHISO_OK) {
        st = chiso_workbook_fill_merged(wb, 1, diag);
    }
    memset(&prev, 0, sizeof(prev));
    memset(&comb, 0, sizeof(comb));
    memset(&none, 0, sizeof(none));
    while (st == CHISO_OK && rows < HEADER_SEARCH) {
        chiso_workbook_row wr;
        chiso_csv_row row;
        size_t c;
        const char **f;
        size_t *l;
        st = chiso_workbook_next_row(wb, &wr, diag);
        if (st != CHISO_OK) {
            break;
        }
        f = calloc(wr.n ? wr.n : 1, sizeof(*f));
        l = calloc(wr.n ? wr.n : 1, sizeof(*l));
        if (f == NULL || l == NULL) {
            free((void *)(uintptr_t)f);
            free(l);
            st = CHISO_ENOMEM;
            break;
        }
        for (c = 0; c < wr.n; c++) {
            f[c] = wr.cells[c].text != NULL ? wr.cells[c].text : "";
            l[c] = wr.cells[c].text != NULL ? wr.cells[c].len : 0;
            head_cell(&b, f[c], l[c], c == 0);
        }
        memset(&row, 0, sizeof(row));
        row.field = f;
        row.len = l;
        row.n = wr.n;
        row.line = wr.row;
        if (prev.n > 0 && combine_rows(&none, &prev, &row, &comb)) {
            for (c = 0; c < comb.n; c++) {
                head_cell(&b, comb.f[c], comb.l[c], 0);
            }
        }
        chiso_buf_append(&b, "\n", 1);
        if (!kept_set(&prev, &row)) {
            st = CHISO_ENOMEM;
        }
        free((void *)(uintptr_t)f);
        free(l);
        rows++;
    }
    kept_free(&prev);
    kept_free(&comb);
    chiso_workbook_free(wb);
    if (st == CHISO_ENOMEM) {
        chiso_buf_free(&b);
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    if (st != CHISO_OK && st != CHISO_DONE) {
        chiso_buf_free(&b);
        return st;
    }
    if (b.data == NULL) {
        chiso_buf_append(&b, "", 0);
    }
    *text = b.data != NULL ? b.data : chiso_strdup("");
    *len = b.len;
    return *text != NULL ? CHISO_OK : CHISO_ENOMEM;
}

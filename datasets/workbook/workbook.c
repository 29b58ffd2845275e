/*
 * workbook.c - the format-independent half of chiso_workbook: opening
 * (sniffing the first bytes), the sheet list and sheet selection, row
 * assembly shared by the .xlsx and .xls back ends, merged ranges and the
 * optional filling of merged cells, and Excel-style positions.
 *
 * Row assembly: the back end calls row_begin, then cell_at / cell_text /
 * cell_done per cell, then row_end, which turns text offsets into pointers
 * (the row's text buffer may move while it grows) and fills merged cells.
 * Errors of a sheet are sticky: once a sheet is found damaged, every later
 * next_row returns the same diagnostic, so a caller looping "until not
 * OK" cannot run past a broken part into garbage.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_workbook.h"
#include "workbook_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static chiso_workbook *
wb_new(const char *path)
{
    chiso_workbook *wb = calloc(1, sizeof(*wb));

    if (wb == NULL) {
        return NULL;
    }
    wb->path = chiso_strdup(path != NULL ? path : "");
    if (wb->path == NULL) {
        free(wb);
        return NULL;
    }
    wb->selected = (size_t)-1;
    return wb;
}

chiso_status
chiso_workbook_open(chiso_workbook **out, const char *path, chiso_diag *diag)
{
    chiso_workbook *wb;
    unsigned char head[1024];
    size_t n;
    FILE *f;
    struct stat sb;
    chiso_status st;

    if (out == NULL || path == NULL) {
        return chiso_diag_set(diag, CHISO_EINVAL, NULL, 0, 0,
                              "chiso_workbook_open: NULL argument");
    }
    *out = NULL;
    if (stat(path, &sb) != 0) {
        return chiso_diag_set_errno(diag, path, errno, "cannot open");
    }
    if (S_ISDIR(sb.st_mode)) {
        return chiso_diag_set_errno(diag, path, EISDIR, "cannot open");
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        return chiso_diag_set_errno(diag, path, errno, "cannot open");
    }
    n = fread(head, 1, sizeof(head), f);
    if (ferror(f)) {
        int e = errno;
        fclose(f);
        return chiso_diag_set_errno(diag, path, e, "cannot read");
    }
    fclose(f);
    wb = wb_new(path);
    if (wb == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    wb->format = chiso_workbook_sniff(head, n);
    switch (wb->format) {
    case CHISO_WORKBOOK_XLSX:
        st = chiso_workbook__xlsx_open(wb, NULL, 0, diag);
        break;
    case CHISO_WORKBOOK_XLS:
        st = chiso_workbook__xls_open(wb, path, diag);
        break;
    case CHISO_WORKBOOK_HTML:
    case CHISO_WORKBOOK_XML2003: {
        char *data = NULL;
        size_t len = 0;
        st = chiso_file_read_all(path, &data, &len, diag);
        if (st == CHISO_OK) {
            st = chiso_workbook__markup_open(wb, data, len, diag);
        }
        free(data);
        break;
    }
    default:
        st = chiso_diag_set(diag, CHISO_EPARSE, path, 0, 0,
                            "not an Excel workbook (.xlsx or .xls): the file "
                            "does not start like one");
        break;
    }
    if (st != CHISO_OK) {
        chiso_workbook_free(wb);
        return st;
    }
    *out = wb;
    return CHISO_OK;
}

chiso_status
chiso_workbook_open_mem(chiso_workbook **out,
                        const char *name,
                        const void *data,
                        size_t len,
                        chiso_diag *diag)
{
    chiso_workbook *wb;
    chiso_status st;

    if (out == NULL || (data == NULL && len > 0)) {
        return chiso_diag_set(diag, CHISO_EINVAL, NULL, 0, 0,
                              "chiso_workbook_open_mem: NULL argument");
    }
    *out = NULL;
    wb = wb_new(name);
    if (wb == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, name, 0, 0, "out of memory");
    }
    wb->format = chiso_workbook_sniff(data, len);
    switch (wb->format) {
    case CHISO_WORKBOOK_XLSX:
        st = chiso_workbook__xlsx_open(wb, data, len, diag);
        break;
    case CHISO_WORKBOOK_XLS: {
        /* libfreexl opens files only: a private copy, unlinked at once */
        const char *dir = getenv("TMPDIR");
        char tmp[4096];
        int fd;
        FILE *f;
        snprintf(tmp, sizeof(tmp), "%s/chiso-xls-XXXXXX",
                 dir != NULL && dir[0] != '\0' ? dir : "/tmp");
        fd = mkstemp(tmp);
        if (fd < 0) {
            st = chiso_diag_set_errno(diag, tmp, errno,
                                      "cannot create a temporary file");
            break;
        }
        f = fdopen(fd, "wb");
        if (f == NULL || fwrite(data, 1, len, f) != len || fflush(f) != 0) {
            int e = errno;
            if (f != NULL) {
                fclose(f);
            }
            unlink(tmp);
            st = chiso_diag_set_errno(diag, tmp, e,
                                      "cannot write a temporary file");
            break;
        }
        st = chiso_workbook__xls_open(wb, tmp, diag);
        fclose(f);
        unlink(tmp);
        break;
    }
    case CHISO_WORKBOOK_HTML:
    case CHISO_WORKBOOK_XML2003:
        st = chiso_workbook__markup_open(wb, data, len, diag);
        break;
    default:
        st = chiso_diag_set(diag, CHISO_EPARSE, name, 0, 0,
                            "not an Excel workbook (.xlsx or .xls): the file "
                            "does not start like one");
        break;
    }
    if (st != CHISO_OK) {
        chiso_workbook_free(wb);
        return st;
    }
    *out = wb;
    return CHISO_OK;
}

int
chiso_workbook_format(const chiso_workbook *wb)
{
    return wb != NULL ? wb->format : 0;
}

const char *
chiso_workbook_path(const chiso_workbook *wb)
{
    return wb != NULL ? wb->path : NULL;
}

int
chiso_workbook_date1904(const chiso_workbook *wb)
{
    return wb != NULL ? wb->date1904 : 0;
}

size_t
chiso_workbook_sheet_count(const chiso_workbook *wb)
{
    return wb != NULL ? wb->n_sheets : 0;
}

const char *
chiso_workbook_sheet_name(const chiso_workbook *wb, size_t i)
{
    return wb != NULL && i < wb->n_sheets ? wb->sheets[i].name : NULL;
}

int
chiso_workbook_sheet_hidden(const chiso_workbook *wb, size_t i)
{
    return wb != NULL && i < wb->n_sheets ? wb->sheets[i].hidden : -1;
}

int
chiso_workbook_sheet_is_chart(const chiso_workbook *wb, size_t i)
{
    return wb != NULL && i < wb->n_sheets ? wb->sheets[i].chart : 0;
}

const char *
chiso_workbook_selected_name(const chiso_workbook *wb)
{
    return wb != NULL && wb->selected < wb->n_sheets
               ? wb->sheets[wb->selected].name
               : NULL;
}

size_t
chiso_workbook_selected_index(const chiso_workbook *wb)
{
    return wb != NULL ? wb->selected : (size_t)-1;
}

/* ---- positions ----------------------------------------------------------- */


/* Copy at most cap-1 bytes of s, cut at a UTF-8 character boundary. */
static size_t
copy_utf8(char *out, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (cap == 0) {
        return 0;
    }
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
            n--;
        }
    }
    memcpy(out, s, n);
    out[n] = '\0';
    return n;
}

void
chiso_workbook_position(
    const chiso_workbook *wb, uint32_t col, uint32_t row, char *out, size_t len)
{
    char ref[40], sheet[256], tail[320];
    const char *file;
    size_t nt;

    if (out == NULL || len == 0) {
        return;
    }
    out[0] = '\0';
    if (wb == NULL) {
        return;
    }
    if (col > 0 && row > 0) {
        chiso_workbook_cell_ref(col, row, ref, sizeof(ref));
    } else if (row > 0) {
        snprintf(ref, sizeof(ref), "%u:%u", (unsigned)row, (unsigned)row);
    } else if (col > 0) {
        chiso_workbook_cell_ref(col, 0, ref, sizeof(ref));
    } else {
        ref[0] = '\0';
    }
    tail[0] = '\0';
    if (wb->selected < wb->n_sheets) {
        copy_utf8(sheet, sizeof(sheet), wb->sheets[wb->selected].name);
        snprintf(tail, sizeof(tail), ":%s%s%s", sheet, ref[0] ? "!" : "", ref);
    }
    nt = strlen(tail);
    /* the file name gives way first: its last component, then a cut */
    file = wb->path;
    if (strlen(file) + nt >= len) {
        const char *slash = strrchr(file, '/');
        if (slash != NULL) {
            file = slash + 1;
        }
    }
    if (nt >= len) {
        copy_utf8(out, len, tail + 1);
        return;
    }
    {
        size_t n = copy_utf8(out, len - nt, file);
        memcpy(out + n, tail, nt + 1);
    }
}

/* ---- row assembly -------------------------------------------------------- */

static void
cell_empty(chiso_cell *c)
{
    c->kind = CHISO_CELL_EMPTY;
    c->flags = 0;
    c->text = chiso_workbook__empty;
    c->len = 0;
    c->number = (double)NAN;
}

void
chiso_workbook__row_begin(chiso_workbook *wb, uint32_t row)
{
    wb->cells_len = 0;
    wb->n_nonempty = 0;
    wb->rowtext.len = 0;
    wb->row_num = row;
}

chiso_status
chiso_workbook__cell_at(chiso_workbook *wb, uint32_t col, chiso_cell **cell)
{
    size_t i = (size_t)col - 1;

    if (col == 0 || col > CHISO_WORKBOOK_MAX_COLS) {
        return CHISO_EINVAL;
    }
    if (col > wb->cells_cap) {
        size_t cap = wb->cells_cap ? wb->cells_cap : 16;
        chiso_cell *c;
        size_t *o;
        while (cap < col) {
            cap *= 2;
        }
        if (cap > CHISO_WORKBOOK_MAX_COLS) {
            cap = CHISO_WORKBOOK_MAX_COLS;
        }
        c = realloc(wb->cells, cap * sizeof(*c));
        if (c == NULL) {
            return CHISO_ENOMEM;
        }
        wb->cells = c;
        o = realloc(wb->text_off, cap * sizeof(*o));
        if (o == NULL) {
            return CHISO_ENOMEM;
        }
        wb->text_off = o;
        wb->cells_cap = cap;
    }
    while (wb->cells_len < col) {
        cell_empty(&wb->cells[wb->cells_len]);
        wb->text_off[wb->cells_len] = (size_t)-1;
        wb->cells_len++;
    }
    cell_empty(&wb->cells[i]);
    wb->text_off[i] = (size_t)-1;
    *cell = &wb->cells[i];
    return CHISO_OK;
}

void
chiso_workbook__cell_done(chiso_workbook *wb, uint32_t col)
{
    if (col > wb->n_nonempty) {
        wb->n_nonempty = col;
    }
}

chiso_status
chiso_workbook__cell_text(chiso_workbook *wb,
                          uint32_t col,
                          const char *s,
                          size_t len)
{
    size_t off = wb->rowtext.len;

    if (len > CHISO_WORKBOOK_MAX_CELL_BYTES ||
        off + len + 1 > CHISO_WORKBOOK_MAX_ROW_BYTES) {
        return CHISO_EDATA;
    }
    if (chiso_buf_reserve(&wb->rowtext, len + 1) != CHISO_OK) {
        return CHISO_ENOMEM;
    }
    memcpy(wb->rowtext.data + off, s, len);
    wb->rowtext.data[off + len] = '\0';
    wb->rowtext.len = off + len + 1;
    wb->text_off[col - 1] = off;
    wb->cells[col - 1].len = len;
    return CHISO_OK;
}

static int
cell_counts(const chiso_cell *c)
{
    return c->kind != CHISO_CELL_EMPTY || (c->flags & CHISO_CELL_UNCALCULATED);
}

static void
merge_capture(wb_merge *m, const chiso_workbook *wb)
{
    const chiso_cell *c;

    m->have = 1;
    free(m->text);
    m->text = NULL;
    m->kind = CHISO_CELL_EMPTY;
    m->flags = 0;
    m->number = (double)NAN;
    m->len = 0;
    if (m->r.first_col > wb->cells_len) {
        return;
    }
    c = &wb->cells[m->r.first_col - 1];
    m->text = chiso_strndup(c->text, c->len);
    if (m->text == NULL) {
        return; /* out of memory: this range is not filled */
    }
    m->kind = c->kind;
    m->flags = c->flags;
    m->number = c->number;
    m->len = c->len;
}

static void
fill_merges(chiso_workbook *wb)
{
    size_t j;
    uint32_t row = wb->row_num;

    /* merges are sorted by first row; the ones starting at or before
     * this row are [0, merge_next). A merged area shows its top-left
     * value only, so a value hidden under it (a broken file) gives way. */
    while (wb->merge_next < wb->n_merges &&
           wb->merges[wb->merge_next].r.first_row <= row) {
        wb->merge_next++;
    }
    for (j = 0; j < wb->merge_next; j++) {
        wb_merge *m = &wb->merges[j];
        uint32_t c;
        if (m->r.last_row < row) {
            continue;
        }
        if (m->r.first_row == row) {
            merge_capture(m, wb);
        }
        if (!m->have || m->text == NULL || m->kind == CHISO_CELL_EMPTY) {
            continue;
        }
        for (c = m->r.first_col; c <= m->r.last_col; c++) {
            chiso_cell *cell;
            if (c == m->r.first_col && row == m->r.first_row) {
                continue;
            }
            if (chiso_workbook__cell_at(wb, c, &cell) != CHISO_OK) {
                return;
            }
            cell->kind = m->kind;
            cell->flags = m->flags;
            cell->number = m->number;
            cell->text = m->text;
            cell->len = m->len;
            chiso_workbook__cell_done(wb, c);
        }
    }
}

int
chiso_workbook__row_end(chiso_workbook *wb)
{
    size_t i;

    for (i = 0; i < wb->cells_len; i++) {
        if (wb->text_off[i] != (size_t)-1) {
            wb->cells[i].text = wb->rowtext.data + wb->text_off[i];
            wb->text_off[i] = (size_t)-1;
        }
    }
    while (wb->n_nonempty > 0 && !cell_counts(&wb->cells[wb->n_nonempty - 1])) {
        wb->n_nonempty--;
    }
    if (wb->fill_merged && wb->n_merges > 0 && wb->n_nonempty > 0) {
        fill_merges(wb);
    }
    return wb->n_nonempty > 0;
}

/* ---- merges ------------------------------------------------------------ */

static void
merges_clear(chiso_workbook *wb)
{
    size_t j;
    for (j = 0; j < wb->n_merges; j++) {
        free(wb->merges[j].text);
    }
    free(wb->merges);
    free(wb->ranges);
    wb->merges = NULL;
    wb->ranges = NULL;
    wb->n_merges = 0;
    wb->merges_known = 0;
    wb->merge_next = 0;
}

chiso_status
chiso_workbook__add_merge(chiso_workbook *wb, const chiso_workbook_range *r)
{
    wb_merge *m;

    if (wb->merges_known) {
        return CHISO_OK; /* already read by the first pass */
    }
    if (wb->n_merges >= CHISO_WORKBOOK_MAX_MERGES) {
        return CHISO_EDATA;
    }
    if ((wb->n_merges & (wb->n_merges - 1)) == 0) {
        size_t cap = wb->n_merges ? wb->n_merges * 2 : 8;
        m = realloc(wb->merges, cap * sizeof(*m));
        if (m == NULL) {
            return CHISO_ENOMEM;
        }
        wb->merges = m;
    }
    m = &wb->merges[wb->n_merges++];
    memset(m, 0, sizeof(*m));
    m->r = *r;
    return CHISO_OK;
}

static int
merge_cmp(const void *a, const void *b)
{
    const wb_merge *x = a, *y = b;
    if (x->r.first_row != y->r.first_row) {
        return x->r.first_row < y->r.first_row ? -1 : 1;
    }
    if (x->r.first_col != y->r.first_col) {
        return x->r.first_col < y->r.first_col ? -1 : 1;
    }
    return 0;
}

void
chiso_workbook__merges_done(chiso_workbook *wb)
{
    if (wb->merges_known) {
        return;
    }
    if (wb->n_merges > 1) {
        qsort(wb->merges, wb->n_merges, sizeof(*wb->merges), merge_cmp);
    }
    wb->merges_known = 1;
    wb->merge_next = 0;
}

static chiso_status
load_merges(chiso_workbook *wb, chiso_diag *diag)
{
    if (wb->merges_known || wb->format != CHISO_WORKBOOK_XLSX) {
        return CHISO_OK;
    }
    return chiso_workbook__xlsx_merges(wb, diag);
}

chiso_status
chiso_workbook_merges(chiso_workbook *wb,
                      const chiso_workbook_range **ranges,
                      size_t *n,
                      int *known,
                      chiso_diag *diag)
{
    chiso_status st;
    size_t j;

    if (wb == NULL || ranges == NULL || n == NULL) {
        return chiso_diag_set(diag, CHISO_EINVAL, NULL, 0, 0,
                              "chiso_workbook_merges: NULL argument");
    }
    *ranges = NULL;
    *n = 0;
    if (known != NULL) {
        *known = 0;
    }
    if (wb->selected >= wb->n_sheets) {
        return chiso_diag_set(diag, CHISO_EINVAL, wb->path, 0, 0,
                              "no sheet selected");
    }
    st = load_merges(wb, diag);
    if (st != CHISO_OK) {
        return st;
    }
    free(wb->ranges);
    wb->ranges = NULL;
    if (wb->n_merges > 0) {
        wb->ranges = malloc(wb->n_merges * sizeof(*wb->ranges));
        if (wb->ranges == NULL) {
            return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                                  "out of memory");
        }
        for (j = 0; j < wb->n_merges; j++) {
            wb->ranges[j] = wb->merges[j].r;
        }
    }
    *ranges = wb->ranges;
    *n = wb->n_merges;
    if (known != NULL) {
        *known = wb->format == CHISO_WORKBOOK_XLSX;
    }
    return CHISO_OK;
}

chiso_status
chiso_workbook_fill_merged(chiso_workbook *wb, int on, chiso_diag *diag)
{
    if (wb == NULL) {
        return chiso_diag_set(diag, CHISO_EINVAL, NULL, 0, 0,
                              "chiso_workbook_fill_merged: NULL argument");
    }
    wb->fill_merged = on != 0;
    if (on && wb->selected < wb->n_sheets) {
        chiso_status st = load_merges(wb, diag);
        /* the first row, read ahead by chiso_workbook_select() before
         * filling was asked for, is filled now (a header merged across
         * columns on the sheet's first row) */
        if (st == CHISO_OK && wb->pending && wb->n_merges > 0 &&
            wb->n_nonempty > 0) {
            fill_merges(wb);
        }
        return st;
    }
    return CHISO_OK;
}

/* ---- selection ------------------------------------------------------------ */

static chiso_status
backend_select(chiso_workbook *wb, size_t i, chiso_diag *diag)
{
    chiso_status st;

    merges_clear(wb);
    wb->pending = 0;
    wb->sticky = CHISO_OK;
    wb->selected = i;
    st = wb->format == CHISO_WORKBOOK_XLSX
             ? chiso_workbook__xlsx_select(wb, i, diag)
         : wb->format == CHISO_WORKBOOK_XLS
             ? chiso_workbook__xls_select(wb, i, diag)
             : chiso_workbook__markup_select(wb, i, diag);
    if (st == CHISO_OK && wb->fill_merged) {
        st = load_merges(wb, diag);
    }
    if (st != CHISO_OK) {
        wb->selected = (size_t)-1;
    }
    return st;
}

static chiso_status
backend_next(chiso_workbook *wb, chiso_diag *diag)
{
    return wb->format == CHISO_WORKBOOK_XLSX
               ? chiso_workbook__xlsx_next(wb, diag)
           : wb->format == CHISO_WORKBOOK_XLS
               ? chiso_workbook__xls_next(wb, diag)
               : chiso_workbook__markup_next(wb, diag);
}

/* The list of sheets for a message: "Hồ sơ", "Ẩn" (hidden), ... */
static void
sheet_list(const chiso_workbook *wb, chiso_lang lang, char *out, size_t cap)
{
    size_t i, n = 0;

    out[0] = '\0';
    for (i = 0; i < wb->n_sheets && n + 1 < cap; i++) {
        const char *note = NULL;
        int w;
        if (wb->sheets[i].chart) {
            note = chiso_msg(lang, "chart sheet");
        } else if (wb->sheets[i].hidden) {
            note = chiso_msg(lang, "hidden sheet");
        }
        w = snprintf(out + n, cap - n, "%s%zu \"%s\"%s%s%s", i ? ", " : "",
                     i + 1, wb->sheets[i].name, note ? " (" : "",
                     note ? note : "", note ? ")" : "");
        if (w < 0 || (size_t)w >= cap - n) {
            /* cut at a character boundary and mark the cut */
            n = cap - 4;
            while (n > 0 && ((unsigned char)out[n] & 0xC0) == 0x80) {
                n--;
            }
            memcpy(out + n, "...", 4);
            return;
        }
        n += (size_t)w;
    }
}

static int
all_digits(const char *s)
{
    if (*s == '\0') {
        return 0;
    }
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9') {
            return 0;
        }
    }
    return 1;
}

chiso_status
chiso_workbook_select(chiso_workbook *wb, const char *sheet, chiso_diag *diag)
{
    size_t i, found = (size_t)-1, n_found = 0;
    chiso_lang lang = diag != NULL ? diag->lang : CHISO_LANG_VI;
    char list[400];
    chiso_status st;

    if (wb == NULL) {
        return chiso_diag_set(diag, CHISO_EINVAL, NULL, 0, 0,
                              "chiso_workbook_select: NULL argument");
    }
    wb->selected = (size_t)-1;
    if (sheet == NULL || sheet[0] == '\0') {
        size_t first = (size_t)-1;
        int pass;
        /* pass 0: visible worksheets; pass 1 (only when none is
         * visible): hidden ones */
        for (pass = 0; pass < 2; pass++) {
            for (i = 0; i < wb->n_sheets; i++) {
                if (wb->sheets[i].chart ||
                    (wb->sheets[i].hidden != 0) != (pass == 1)) {
                    continue;
                }
                if (first == (size_t)-1) {
                    first = i;
                }
                st = backend_select(wb, i, diag);
                if (st != CHISO_OK) {
                    return st;
                }
                st = backend_next(wb, diag);
                if (st == CHISO_OK) {
                    wb->pending = 1;
                    return CHISO_OK;
                }
                if (st != CHISO_DONE) {
                    wb->selected = (size_t)-1;
                    return st;
                }
            }
            if (first != (size_t)-1) {
                break;
            }
        }
        if (first == (size_t)-1) {
            return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                                  "the workbook has no worksheet");
        }
        return backend_select(wb, first, diag);
    }
    for (i = 0; i < wb->n_sheets; i++) {
        if (strcmp(wb->sheets[i].name, sheet) == 0) {
            found = i;
            break;
        }
    }
    if (found == (size_t)-1 && all_digits(sheet) && strlen(sheet) < 6) {
        size_t k = (size_t)atol(sheet);
        if (k >= 1 && k <= wb->n_sheets) {
            found = k - 1;
        }
    }
    if (found == (size_t)-1) {
        char want[256], have[256];
        size_t wl = chiso_text_fold(sheet, strlen(sheet), want, sizeof(want));
        for (i = 0; i < wb->n_sheets && wl > 0; i++) {
            const char *nm = wb->sheets[i].name;
            size_t hl = chiso_text_fold(nm, strlen(nm), have, sizeof(have));
            if (hl == wl && strcmp(want, have) == 0) {
                if (n_found++ == 0) {
                    found = i;
                }
            }
        }
        if (n_found > 1) {
            sheet_list(wb, lang, list, sizeof(list));
            return chiso_diag_set(diag, CHISO_EUSAGE, wb->path, 0, 0,
                                  "sheet \"%s\" matches more than one sheet "
                                  "of the workbook; give its exact name or "
                                  "number: %s",
                                  sheet, list);
        }
    }
    if (found == (size_t)-1) {
        sheet_list(wb, lang, list, sizeof(list));
        return chiso_diag_set(diag, CHISO_EUSAGE, wb->path, 0, 0,
                              "no sheet \"%s\" in the workbook; its sheets "
                              "are: %s",
                              sheet, list);
    }
    if (wb->sheets[found].chart) {
        sheet_list(wb, lang, list, sizeof(list));
        return chiso_diag_set(diag, CHISO_EUSAGE, wb->path, 0, 0,
                              "sheet \"%s\" is a chart, not a table; the "
                              "sheets are: %s",
                              wb->sheets[found].name, list);
    }
    return backend_select(wb, found, diag);
}

/* ---- rows ------------------------------------------------------------------ */

chiso_status
chiso_workbook_next_row(chiso_workbook *wb,
                        chiso_workbook_row *row,
                        chiso_diag *diag)
{
    chiso_status st;
    chiso_diag local;

    if (wb == NULL || row == NULL) {
        return chiso_diag_set(diag, CHISO_EINVAL, NULL, 0, 0,
                              "chiso_workbook_next_row: NULL argument");
    }
    row->row = 0;
    row->n = 0;
    row->cells = NULL;
    if (wb->selected >= wb->n_sheets) {
        return chiso_diag_set(diag, CHISO_EINVAL, wb->path, 0, 0,
                              "no sheet selected");
    }
    if (wb->sticky != CHISO_OK) {
        if (diag != NULL && diag->code == CHISO_OK) {
            *diag = wb->sticky_diag;
        }
        return wb->sticky;
    }
    if (wb->pending) {
        wb->pending = 0;
        st = CHISO_OK;
    } else {
        memset(&local, 0, sizeof(local));
        local.lang = diag != NULL ? diag->lang : CHISO_LANG_VI;
        st = backend_next(wb, &local);
        if (st != CHISO_OK && st != CHISO_DONE) {
            if (local.code == CHISO_OK) {
                /* a back end returned an error without words: never leave
                 * the caller with an empty message */
                local.code = st;
                snprintf(local.path, sizeof(local.path), "%s", wb->path);
                snprintf(local.message, sizeof(local.message), "%s",
                         chiso_status_str(st));
            }
            wb->sticky = st;
            wb->sticky_diag = local;
            if (diag != NULL && diag->code == CHISO_OK) {
                *diag = local;
            }
            return st;
        }
    }
    if (st == CHISO_OK) {
        row->row = wb->row_num;
        row->n = wb->n_nonempty;
        row->cells = wb->cells;
    }
    return st;
}

void
chiso_workbook_free(chiso_workbook *wb)
{
    size_t i;

    if (wb == NULL) {
        return;
    }
    if (wb->format == CHISO_WORKBOOK_XLSX) {
        chiso_workbook__xlsx_free(wb);
    } else if (wb->format == CHISO_WORKBOOK_XLS) {
        chiso_workbook__xls_free(wb);
    } else {
        chiso_workbook__markup_free(wb);
    }
    merges_clear(wb);
    for (i = 0; i < wb->n_sheets; i++) {
        free(wb->sheets[i].name);
        free(wb->sheets[i].part);
    }
    free(wb->sheets);
    free(wb->cells);
    free(wb->text_off);
    chiso_buf_free(&wb->rowtext);
    free(wb->path);
    free(wb);
}

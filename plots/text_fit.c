/*
 * text_fit.c - label decisions made before any drawing: wrapping and
 * ellipsis, legend grids, thinning crowded tick labels, placing point
 * labels without overlaps.
 *
 * Widths come from a chiso_plot_measure callback, so these decisions are
 * plain functions of the text and a size; the tests use a fixed-width fake
 * measurer. Cuts happen only at "grapheme starts": a code point that is
 * not a continuation byte and not a combining mark, so a Vietnamese letter
 * written in decomposed form (e + U+0302 + U+0301) is never split.
 */
#include "chiso_plot.h"
#include "plots_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ELLIPSIS "\xE2\x80\xA6" /* U+2026 */
/* Widths equal to the limit up to rounding count as fitting. */
#define FIT_EPS 1e-6

/* Decode the code point at s[i] (valid UTF-8 assumed); returns its length. */
static size_t
utf8_decode(const unsigned char *s, size_t len, size_t i, unsigned long *cp)
{
    unsigned char c = s[i];

    if (c < 0x80 || i + 1 >= len) {
        *cp = c;
        return 1;
    }
    if ((c & 0xE0) == 0xC0) {
        *cp = ((unsigned long)(c & 0x1F) << 6) | (s[i + 1] & 0x3F);
        return 2;
    }
    if ((c & 0xF0) == 0xE0 && i + 2 < len) {
        *cp = ((unsigned long)(c & 0x0F) << 12) |
              ((unsigned long)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
        return 3;
    }
    if (i + 3 < len) {
        *cp = ((unsigned long)(c & 0x07) << 18) |
              ((unsigned long)(s[i + 1] & 0x3F) << 12) |
              ((unsigned long)(s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
        return 4;
    }
    *cp = c;
    return 1;
}

static int
is_combining(unsigned long cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE20 && cp <= 0xFE2F);
}

/* Length of the grapheme (base + combining marks) starting at s[i]. */
static size_t
grapheme_len(const char *s, size_t len, size_t i)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned long cp;
    size_t j = i + utf8_decode(u, len, i, &cp);

    while (j < len) {
        size_t k = utf8_decode(u, len, j, &cp);
        if (!is_combining(cp)) {
            break;
        }
        j += k;
    }
    return j - i;
}

static double
width_of(const chiso_plot_measure *m,
         const char *s,
         size_t len,
         double size,
         int bold)
{
    return len == 0 ? 0 : m->text_width(m->ctx, s, len, size, bold);
}

/*
 * Longest prefix of [s, s+len) ending on a grapheme boundary whose width,
 * plus the ellipsis if `ell`, fits max_w. Returns its byte length (0 if
 * not even one grapheme fits).
 */
static size_t
fit_prefix(const chiso_plot_measure *m,
           const char *s,
           size_t len,
           double size,
           int bold,
           double max_w,
           int ell)
{
    char tmp[1024];
    size_t i = 0, best = 0, ell_len = ell ? strlen(ELLIPSIS) : 0;

    while (i < len) {
        size_t g = grapheme_len(s, len, i);
        size_t n = i + g;
        if (n + ell_len >= sizeof(tmp)) {
            break;
        }
        memcpy(tmp, s, n);
        memcpy(tmp + n, ELLIPSIS, ell_len);
        if (width_of(m, tmp, n + ell_len, size, bold) > max_w + FIT_EPS) {
            break;
        }
        best = n;
        i = n;
    }
    return best;
}

/* Text buffer for fitted lines. */
static chiso_status
append(chiso_buf *b, const char *s, size_t n)
{
    return chiso_buf_append(b, s, n);
}

chiso_status
chiso_plot_fit_text(const chiso_plot_measure *m,
                    const char *text,
                    double size,
                    int bold,
                    double max_width,
                    int max_lines,
                    chiso_plot_label *out)
{
    chiso_buf b = CHISO_BUF_INIT;
    const char *p = text != NULL ? text : "";
    size_t len = strlen(p), i = 0;
    int lines = 0, truncated = 0;
    double w_max = 0;
    chiso_status st = CHISO_OK;

    memset(out, 0, sizeof(*out));
    if (max_lines < 1) {
        max_lines = 1;
    }
    if (max_width < 1) {
        max_width = 1;
    }
    while (i < len && (p[i] == ' ' || p[i] == '\n')) {
        i++;
    }
    while (i < len && lines < max_lines) {
        int is_last = lines + 1 == max_lines;
        size_t line_start = b.len, end = i, j = i, we, rest_len = len - i;
        double w, rest_w;

        /* the common case first: all that is left fits on this line (one
         * measurement instead of one per word) */
        while (rest_len > 0 && p[i + rest_len - 1] == ' ') {
            rest_len--;
        }
        if (memchr(p + i, '\n', rest_len) == NULL &&
            (rest_w = width_of(m, p + i, rest_len, size, bold)) <=
                max_width + FIT_EPS) {
            st = append(&b, p + i, rest_len);
            if (st != CHISO_OK) {
                goto out;
            }
            w_max = rest_w > w_max ? rest_w : w_max;
            lines++;
            break;
        }
        /* the longest run of whole words from i that fits */
        while (j < len && p[j] != '\n') {
            we = j;
            while (we < len && p[we] != ' ' && p[we] != '\n') {
                we++;
            }
            if (width_of(m, p + i, we - i, size, bold) > max_width + FIT_EPS) {
                break;
            }
            end = we;
            j = we;
            while (j < len && p[j] == ' ') {
                j++;
            }
        }
        if (end == i) {
            /* the first word alone is too wide: cut it */
            size_t cut;
            we = i;
            while (we < len && p[we] != ' ' && p[we] != '\n') {
                we++;
            }
            if (is_last) {
                cut = fit_prefix(m, p + i, we - i, size, bold, max_width, 1);
                st = append(&b, p + i, cut);
                if (st == CHISO_OK) {
                    st = append(&b, ELLIPSIS, strlen(ELLIPSIS));
                }
                truncated = 1;
                i = len;
            } else {
                cut = fit_prefix(m, p + i, we - i, size, bold, max_width, 0);
                if (cut == 0) {
                    cut = grapheme_len(p, len, i);
                }
                st = append(&b, p + i, cut);
                i += cut;
            }
        } else {
            size_t rest = end;
            while (rest < len && (p[rest] == ' ' || p[rest] == '\n')) {
                rest++;
            }
            if (is_last && rest < len) {
                /* text remains after the last line: end it with "…" */
                size_t cut =
                    fit_prefix(m, p + i, len - i, size, bold, max_width, 1);
                while (cut > 0 &&
                       (p[i + cut - 1] == ' ' || p[i + cut - 1] == '\n')) {
                    cut--;
                }
                /* a '\n' inside the cut would start a new line: stop there */
                for (j = 0; j < cut; j++) {
                    if (p[i + j] == '\n') {
                        cut = j;
                        break;
                    }
                }
                st = append(&b, p + i, cut);
                if (st == CHISO_OK) {
                    st = append(&b, ELLIPSIS, strlen(ELLIPSIS));
                }
                truncated = 1;
                i = len;
            } else {
                st = append(&b, p + i, end - i);
                i = rest;
            }
        }
        if (st != CHISO_OK) {
            goto out;
        }
        w = b.len > line_start ? width_of(m, b.data + line_start,
                                          b.len - line_start, size, bold)
                               : 0;
        if (w > w_max) {
            w_max = w;
        }
        lines++;
        if (i < len && lines < max_lines) {
            st = append(&b, "\n", 1);
            if (st != CHISO_OK) {
                goto out;
            }
        }
    }
    if (b.data == NULL) {
        out->text = calloc(1, 1);
        if (out->text == NULL) {
            return CHISO_ENOMEM;
        }
    } else {
        out->text = b.data;
        b.data = NULL;
    }
    out->w = w_max;
    out->n_lines = lines;
    out->h = m->line_height(m->ctx, size) * lines;
    out->size = size;
    out->bold = bold;
    out->truncated = truncated;
out:
    chiso_buf_free(&b);
    return st;
}

chiso_status
chiso_plot_legend_layout(const chiso_plot_measure *m,
                         const char *const *labels,
                         size_t n,
                         double size,
                         double max_width,
                         size_t max_cols,
                         chiso_plot_legend *out)
{
    double swatch = 2.8 * size, gap = 0.5 * size, col_gap = 1.8 * size;
    double lh = m->line_height(m->ctx, size), *iw = NULL;
    double colw[CHISO_PLOT_LEGEND_MAX_COLS], total = 0;
    size_t cols, i, j;
    chiso_status st = CHISO_OK;

    memset(out, 0, sizeof(*out));
    if (n == 0) {
        return CHISO_OK;
    }
    out->items = calloc(n, sizeof(*out->items));
    iw = calloc(n, sizeof(*iw));
    if (out->items == NULL || iw == NULL) {
        free(iw);
        chiso_plot_legend_clear(out);
        return CHISO_ENOMEM;
    }
    out->n = n;
    for (i = 0; i < n; i++) {
        iw[i] =
            swatch + gap + width_of(m, labels[i], strlen(labels[i]), size, 0);
    }
    if (max_cols < 1) {
        max_cols = 1;
    }
    if (max_cols > CHISO_PLOT_LEGEND_MAX_COLS) {
        max_cols = CHISO_PLOT_LEGEND_MAX_COLS;
    }
    /* the most columns whose natural widths fit side by side */
    for (cols = max_cols < n ? max_cols : n; cols >= 1; cols--) {
        total = (double)(cols - 1) * col_gap;
        for (j = 0; j < cols; j++) {
            colw[j] = 0;
            for (i = j; i < n; i += cols) {
                colw[j] = iw[i] > colw[j] ? iw[i] : colw[j];
            }
            total += colw[j];
        }
        if (total <= max_width + FIT_EPS || cols == 1) {
            break;
        }
    }
    if (colw[0] > max_width) {
        colw[0] = max_width; /* one column, still too wide: ellipsis */
        total = max_width;
    }
    out->cols = cols;
    out->rows = (n + cols - 1) / cols;
    out->swatch_w = swatch;
    out->col_w = colw[0];
    out->row_h = lh * 1.3;
    for (i = 0; i < n && st == CHISO_OK; i++) {
        chiso_plot_label *it = &out->items[i];
        double x = 0;
        for (j = 0; j < i % cols; j++) {
            x += colw[j] + col_gap;
        }
        if (iw[i] <= colw[i % cols] + FIT_EPS &&
            strchr(labels[i], '\n') == NULL) {
            /* fits as measured: no second measurement */
            memset(it, 0, sizeof(*it));
            it->text = chiso_strdup(labels[i]);
            st = it->text != NULL ? CHISO_OK : CHISO_ENOMEM;
            it->w = iw[i] - swatch - gap;
            it->h = lh;
            it->n_lines = it->text != NULL && it->text[0] != '\0';
            it->size = size;
        } else {
            st = chiso_plot_fit_text(m, labels[i], size, 0,
                                     colw[i % cols] - swatch - gap, 1, it);
        }
        it->x = x + swatch + gap;
        it->y = (double)(i / cols) * out->row_h + (out->row_h - lh) / 2;
    }
    free(iw);
    if (st != CHISO_OK) {
        chiso_plot_legend_clear(out);
        return st;
    }
    out->w = total;
    out->h = (double)out->rows * out->row_h;
    return CHISO_OK;
}

void
chiso_plot_legend_clear(chiso_plot_legend *lg)
{
    size_t i;

    if (lg == NULL) {
        return;
    }
    for (i = 0; i < lg->n && lg->items != NULL; i++) {
        free(lg->items[i].text);
    }
    free(lg->items);
    memset(lg, 0, sizeof(*lg));
}

size_t
chiso_plot_thin_labels(const double *pos,
                       const double *len,
                       size_t n,
                       double gap,
                       unsigned char *hide)
{
    size_t i, kept = 0, last = 0;

    if (n == 0) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        hide[i] = 1;
    }
    /* the first label always shows */
    hide[0] = 0;
    kept = 1;
    for (i = 1; i < n; i++) {
        double need = (len[last] + len[i]) / 2 + gap;
        if (fabs(pos[i] - pos[last]) >= need) {
            hide[i] = 0;
            last = i;
            kept++;
        }
    }
    /* keep the end of the axis labelled: show the last label and drop kept
     * ones before it that collide with it */
    if (n > 1 && hide[n - 1]) {
        hide[n - 1] = 0;
        kept++;
        for (i = n - 1; i-- > 1;) {
            if (hide[i]) {
                continue;
            }
            if (fabs(pos[n - 1] - pos[i]) < (len[n - 1] + len[i]) / 2 + gap) {
                hide[i] = 1;
                kept--;
            } else {
                break;
            }
        }
        if (fabs(pos[n - 1] - pos[0]) < (len[n - 1] + len[0]) / 2 + gap) {
            hide[n - 1] = 1; /* only room for one label: keep the first */
            kept--;
        }
    }
    return kept;
}

static int
rects_overlap(double ax,
              double ay,
              double aw,
              double ah,
              double bx,
              double by,
              double bw,
              double bh)
{
    return ax < bx + bw && bx < ax + aw && ay < by + bh && by < ay + ah;
}

/*
 * A uniform grid over the bounds, so a candidate label is checked against
 * the points and placed labels near it rather than against all of them:
 * placing labels costs O(n + checks near each label) instead of O(n^2).
 * Points are bucketed once (counting sort); placed labels are linked into
 * every cell their box covers.
 */
typedef struct label_grid {
    double x0, y0, cs; /* origin and cell size */
    size_t gw, gh;
    size_t *pt_start; /* gw * gh + 1 offsets into pt_idx */
    size_t *pt_idx;
    long *lab_head; /* per cell: first link, -1 = none */
    long *lab_next; /* per link */
    size_t *lab_item;
    size_t n_links, cap_links;
} label_grid;

static size_t
cell_x(const label_grid *g, double x)
{
    double f = floor((x - g->x0) / g->cs);
    return f < 0 ? 0 : f >= (double)g->gw ? g->gw - 1 : (size_t)f;
}

static size_t
cell_y(const label_grid *g, double y)
{
    double f = floor((y - g->y0) / g->cs);
    return f < 0 ? 0 : f >= (double)g->gh ? g->gh - 1 : (size_t)f;
}

static void
grid_free(label_grid *g)
{
    free(g->pt_start);
    free(g->pt_idx);
    free(g->lab_head);
    free(g->lab_next);
    free(g->lab_item);
}

static chiso_status
grid_init(label_grid *g,
          const double *px,
          const double *py,
          size_t n,
          double cs,
          const double bounds[4])
{
    size_t i, k, cells;

    memset(g, 0, sizeof(*g));
    g->x0 = bounds[0];
    g->y0 = bounds[1];
    /* cells no smaller than needed to keep their number near n */
    g->cs = fmax(cs, sqrt(bounds[2] * bounds[3] / (double)(n + 16)));
    if (!(g->cs > 0) || !isfinite(g->cs)) {
        g->cs = 1;
    }
    g->gw = (size_t)fmin(ceil(bounds[2] / g->cs), 4096) + 1;
    g->gh = (size_t)fmin(ceil(bounds[3] / g->cs), 4096) + 1;
    cells = g->gw * g->gh;
    g->pt_start = calloc(cells + 1, sizeof(*g->pt_start));
    g->pt_idx = malloc((n ? n : 1) * sizeof(*g->pt_idx));
    g->lab_head = malloc(cells * sizeof(*g->lab_head));
    if (g->pt_start == NULL || g->pt_idx == NULL || g->lab_head == NULL) {
        grid_free(g);
        return CHISO_ENOMEM;
    }
    for (k = 0; k < cells; k++) {
        g->lab_head[k] = -1;
    }
    for (i = 0; i < n; i++) {
        g->pt_start[cell_y(g, py[i]) * g->gw + cell_x(g, px[i]) + 1]++;
    }
    for (k = 0; k < cells; k++) {
        g->pt_start[k + 1] += g->pt_start[k];
    }
    for (i = 0; i < n; i++) {
        size_t c = cell_y(g, py[i]) * g->gw + cell_x(g, px[i]);
        g->pt_idx[g->pt_start[c]++] = i;
    }
    /* pt_start[c] is now the end of cell c; shift back to starts */
    for (k = cells; k > 0; k--) {
        g->pt_start[k] = g->pt_start[k - 1];
    }
    g->pt_start[0] = 0;
    return CHISO_OK;
}

static chiso_status
grid_add_label(
    label_grid *g, size_t item, double x, double y, double w, double h)
{
    size_t cx0 = cell_x(g, x), cx1 = cell_x(g, x + w);
    size_t cy0 = cell_y(g, y), cy1 = cell_y(g, y + h), cx, cy;

    for (cy = cy0; cy <= cy1; cy++) {
        for (cx = cx0; cx <= cx1; cx++) {
            size_t c = cy * g->gw + cx;
            if (g->n_links == g->cap_links) {
                size_t cap = g->cap_links ? g->cap_links * 2 : 64;
                long *nx = realloc(g->lab_next, cap * sizeof(*nx));
                size_t *it;
                if (nx == NULL) {
                    return CHISO_ENOMEM;
                }
                g->lab_next = nx;
                it = realloc(g->lab_item, cap * sizeof(*it));
                if (it == NULL) {
                    return CHISO_ENOMEM;
                }
                g->lab_item = it;
                g->cap_links = cap;
            }
            g->lab_item[g->n_links] = item;
            g->lab_next[g->n_links] = g->lab_head[c];
            g->lab_head[c] = (long)g->n_links++;
        }
    }
    return CHISO_OK;
}

/* Is the box (x, y, w, h) clear of every point but `self` (each a square
 * of half-side r) and of every placed label? */
static int
grid_box_clear(const label_grid *g,
               const double *px,
               const double *py,
               const double *lx,
               const double *ly,
               const double *lw,
               const double *lh,
               size_t self,
               double r,
               double x,
               double y,
               double w,
               double h)
{
    /* points within r of the box can touch it */
    size_t cx0 = cell_x(g, x - r), cx1 = cell_x(g, x + w + r);
    size_t cy0 = cell_y(g, y - r), cy1 = cell_y(g, y + h + r), cx, cy, k;

    for (cy = cy0; cy <= cy1; cy++) {
        for (cx = cx0; cx <= cx1; cx++) {
            size_t c = cy * g->gw + cx;
            long l;
            for (k = g->pt_start[c]; k < g->pt_start[c + 1]; k++) {
                size_t j = g->pt_idx[k];
                if (rects_overlap(x, y, w, h, px[j] - r, py[j] - r, 2 * r,
                                  2 * r)) {
                    return 0;
                }
            }
            for (l = g->lab_head[c]; l >= 0; l = g->lab_next[l]) {
                size_t j = g->lab_item[l];
                if (j != self &&
                    rects_overlap(x, y, w, h, lx[j], ly[j], lw[j], lh[j])) {
                    return 0;
                }
            }
        }
    }
    return 1;
}

chiso_status
chiso_plot_place_point_labels(const double *px,
                              const double *py,
                              const double *w,
                              const double *h,
                              const int *priority,
                              size_t n,
                              double off,
                              const double bounds[4],
                              double *lx,
                              double *ly,
                              unsigned char *hide)
{
    size_t pass, i;
    double r = off, cs = 2 * off; /* points are kept clear within r */
    label_grid g;
    chiso_status st;

    for (i = 0; i < n; i++) {
        hide[i] = 1;
        lx[i] = px[i];
        ly[i] = py[i];
        if (w[i] > 0 && h[i] > 0) {
            cs = fmax(cs, h[i]);
        }
    }
    st = grid_init(&g, px, py, n, cs, bounds);
    if (st != CHISO_OK) {
        return st;
    }
    for (pass = 0; pass < 2 && st == CHISO_OK; pass++) {
        for (i = 0; i < n && st == CHISO_OK; i++) {
            int k;
            if ((priority != NULL && priority[i] != 0) != (pass == 0) ||
                !(w[i] > 0) || !(h[i] > 0)) {
                continue; /* not this pass, or nothing to place */
            }
            for (k = 0; k < 4; k++) {
                double x, y;
                switch (k) {
                case 0: /* right */
                    x = px[i] + off;
                    y = py[i] - h[i] / 2;
                    break;
                case 1: /* left */
                    x = px[i] - off - w[i];
                    y = py[i] - h[i] / 2;
                    break;
                case 2: /* above */
                    x = px[i] - w[i] / 2;
                    y = py[i] - off - h[i];
                    break;
                default: /* below */
                    x = px[i] - w[i] / 2;
                    y = py[i] + off;
                    break;
                }
                if (x < bounds[0] || y < bounds[1] ||
                    x + w[i] > bounds[0] + bounds[2] ||
                    y + h[i] > bounds[1] + bounds[3]) {
                    continue;
                }
                if (grid_box_clear(&g, px, py, lx, ly, w, h, i, r, x, y, w[i],
                                   h[i])) {
                    lx[i] = x;
                    ly[i] = y;
                    hide[i] = 0;
                    st = grid_add_label(&g, i, x, y, w[i], h[i]);
                    break;
                }
            }
        }
    }
    grid_free(&g);
    return st;
}

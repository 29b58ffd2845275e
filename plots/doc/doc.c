/*
 * doc.c - a small flowing layout engine for PDF briefs.
 *
 * The cursor `y` moves down the page; each block measures itself with
 * Pango first, then starts a new page if it would cross the bottom margin.
 * Tables are drawn row by row, so a long table continues on the next page
 * with its header repeated. Sizes are in points (the PDF surface's unit)
 * and fonts are set with absolute sizes, so no DPI conversion is involved.
 */
#include "chiso_doc.h"

#include <cairo-pdf.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define A4_W      595.28
#define A4_H      841.89
#define BODY_PT   10.0
#define SMALL_PT  8.5
#define FOOTER_PT 7.5
#define CELL_PAD  3.0

struct chiso_doc {
    chiso_outfile *of;
    cairo_surface_t *surface;
    cairo_t *cr;
    double w, h, margin, x0, x1, y, y_max;
    int page;
    int page_open;
    char *font;
    char *footer;
    char *page_label;
    /* table in progress (borrowed spec, valid until table_end) */
    const chiso_doc_table_spec *table;
    int table_header_drawn;
};

static cairo_status_t
write_stream(void *closure, const unsigned char *data, unsigned int length)
{
    FILE *f = closure;

    return fwrite(data, 1, length, f) == length ? CAIRO_STATUS_SUCCESS
                                                : CAIRO_STATUS_WRITE_ERROR;
}

static PangoLayout *
layout_new(chiso_doc *d,
           const char *text,
           double size_pt,
           int bold,
           int italic,
           double width_pt)
{
    PangoLayout *l = pango_cairo_create_layout(d->cr);
    PangoFontDescription *fd = pango_font_description_from_string(d->font);

    pango_font_description_set_absolute_size(fd, size_pt * PANGO_SCALE);
    if (bold) {
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    }
    if (italic) {
        pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
    }
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (width_pt > 0) {
        pango_layout_set_width(l, (int)(width_pt * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_text(l, text ? text : "", -1);
    return l;
}

static double
layout_height(PangoLayout *l)
{
    int w, h;

    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

static void
set_grey(cairo_t *cr, double g)
{
    cairo_set_source_rgb(cr, g, g, g);
}

static void
draw_text(chiso_doc *d,
          const char *text,
          double x,
          double y,
          double size,
          int bold,
          double width,
          double grey,
          PangoAlignment align)
{
    PangoLayout *l = layout_new(d, text, size, bold, 0, width);

    pango_layout_set_alignment(l, align);
    set_grey(d->cr, grey);
    cairo_move_to(d->cr, x, y);
    pango_cairo_show_layout(d->cr, l);
    g_object_unref(l);
}

static void
start_page(chiso_doc *d)
{
    char num[64];

    d->page++;
    d->page_open = 1;
    d->y = d->margin;
    /* footer: a rule, the document footer at left, the page at right */
    set_grey(d->cr, 0.6);
    cairo_set_line_width(d->cr, 0.5);
    cairo_move_to(d->cr, d->x0, d->h - d->margin + 8);
    cairo_line_to(d->cr, d->x1, d->h - d->margin + 8);
    cairo_stroke(d->cr);
    if (d->footer != NULL) {
        draw_text(d, d->footer, d->x0, d->h - d->margin + 11, FOOTER_PT, 0,
                  (d->x1 - d->x0) * 0.8, 0.35, PANGO_ALIGN_LEFT);
    }
    snprintf(num, sizeof(num), "%s %d", d->page_label ? d->page_label : "",
             d->page);
    draw_text(d, num, d->x0, d->h - d->margin + 11, FOOTER_PT, 0, d->x1 - d->x0,
              0.35, PANGO_ALIGN_RIGHT);
    set_grey(d->cr, 0);
}

static void
new_page(chiso_doc *d)
{
    if (d->page_open) {
        cairo_show_page(d->cr);
    }
    start_page(d);
    d->table_header_drawn = 0;
}

/* Make sure `need` points fit below the cursor; else start a new page. */
static void
ensure(chiso_doc *d, double need)
{
    if (!d->page_open) {
        start_page(d);
    }
    if (d->y + need > d->y_max && d->y > d->margin + 1) {
        new_page(d);
    }
}

chiso_status
chiso_doc_open(chiso_doc **out,
               const char *path,
               const chiso_doc_options *o,
               chiso_diag *diag)
{
    chiso_doc_options defaults = CHISO_DOC_OPTIONS_INIT;
    chiso_doc *d;
    chiso_status st;
    const char *sde;
    char date[32] = "2000-01-01T00:00:00";

    *out = NULL;
    if (o == NULL) {
        o = &defaults;
    }
    d = calloc(1, sizeof(*d));
    if (d == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    d->w = o->width_pt > 0 ? o->width_pt : A4_W;
    d->h = o->height_pt > 0 ? o->height_pt : A4_H;
    d->margin = o->margin_pt > 0 ? o->margin_pt : 48;
    d->x0 = d->margin;
    d->x1 = d->w - d->margin;
    d->y_max = d->h - d->margin;
    d->font = chiso_strdup(o->font ? o->font : "DejaVu Sans");
    d->footer = chiso_strdup(o->footer);
    d->page_label = chiso_strdup(o->page_label ? o->page_label : "");
    st = chiso_outfile_open(&d->of, path, diag);
    if (st != CHISO_OK) {
        chiso_doc_abort(d);
        return st;
    }
    d->surface = cairo_pdf_surface_create_for_stream(
        write_stream, chiso_outfile_stream(d->of), d->w, d->h);
    d->cr = cairo_create(d->surface);
    if (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS) {
        chiso_doc_abort(d);
        return chiso_diag_set(diag, CHISO_EIO, path, 0, 0,
                              "cannot start the PDF");
    }
    /* reproducible bytes: no wall-clock date in the file */
    sde = getenv("SOURCE_DATE_EPOCH");
    if (sde != NULL && *sde != '\0') {
        char *end;
        long long t = strtoll(sde, &end, 10);
        if (*end == '\0' && t >= 0) {
            time_t tt = (time_t)t;
            struct tm tm;
            if (gmtime_r(&tt, &tm) != NULL) {
                strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
            }
        }
    }
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATE_DATE,
                                   date);
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_MOD_DATE,
                                   date);
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR,
                                   "chiso");
    if (o->title != NULL) {
        cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE,
                                       o->title);
    }
    *out = d;
    return CHISO_OK;
}

void
chiso_doc_heading(chiso_doc *d, const char *text, int level)
{
    double size = level <= 1 ? 17 : level == 2 ? 13 : 11;
    double before = level <= 1 ? 0 : level == 2 ? 10 : 6;
    PangoLayout *l = layout_new(d, text, size, 1, 0, d->x1 - d->x0);
    double h = layout_height(l);

    /* keep a heading with at least a few lines of what follows */
    ensure(d, before + h + 4 * BODY_PT);
    if (d->y > d->margin + 1) {
        d->y += before;
    }
    set_grey(d->cr, level <= 1 ? 0.05 : 0.1);
    cairo_move_to(d->cr, d->x0, d->y);
    pango_cairo_show_layout(d->cr, l);
    g_object_unref(l);
    d->y += h + (level <= 1 ? 6 : 4);
    if (level == 2) {
        set_grey(d->cr, 0.75);
        cairo_set_line_width(d->cr, 0.6);
        cairo_move_to(d->cr, d->x0, d->y - 2);
        cairo_line_to(d->cr, d->x1, d->y - 2);
        cairo_stroke(d->cr);
        d->y += 3;
    }
    set_grey(d->cr, 0);
}

void
chiso_doc_paragraph(chiso_doc *d, const char *text, int small)
{
    double size = small ? SMALL_PT : BODY_PT;
    PangoLayout *l = layout_new(d, text, size, 0, 0, d->x1 - d->x0);
    PangoLayoutIter *it;
    double h = layout_height(l);

    if (!d->page_open) {
        start_page(d);
    }
    if (d->y + h <= d->y_max) {
        set_grey(d->cr, small ? 0.25 : 0.05);
        cairo_move_to(d->cr, d->x0, d->y);
        pango_cairo_show_layout(d->cr, l);
        d->y += h + size * 0.5;
        g_object_unref(l);
        set_grey(d->cr, 0);
        return;
    }
    /* a long paragraph: place it line by line across pages */
    it = pango_layout_get_iter(l);
    do {
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        PangoRectangle logical;
        double lh, base;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        lh = (double)logical.height / PANGO_SCALE;
        ensure(d, lh);
        base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE -
               (double)logical.y / PANGO_SCALE;
        set_grey(d->cr, small ? 0.25 : 0.05);
        cairo_move_to(d->cr, d->x0, d->y + base);
        pango_cairo_show_layout_line(d->cr, line);
        d->y += lh;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(l);
    d->y += size * 0.5;
    set_grey(d->cr, 0);
}

void
chiso_doc_space(chiso_doc *d, double pt)
{
    if (!d->page_open) {
        start_page(d);
    }
    d->y = fmin(d->y + pt, d->y_max);
}

void
chiso_doc_page_break(chiso_doc *d)
{
    new_page(d);
}

void
chiso_doc_key_figures(chiso_doc *d, const chiso_doc_figure_box *boxes, size_t n)
{
    double gap = 8, bw, bh = 0, pad = 8;
    size_t i;

    if (n == 0) {
        return;
    }
    bw = ((d->x1 - d->x0) - gap * (double)(n - 1)) / (double)n;
    /* measure: the tallest box sets the row height */
    for (i = 0; i < n; i++) {
        PangoLayout *v = layout_new(d, boxes[i].value, 18, 1, 0, bw - 2 * pad);
        PangoLayout *lb =
            layout_new(d, boxes[i].label, 8.5, 0, 0, bw - 2 * pad);
        PangoLayout *nt = layout_new(d, boxes[i].note, 7.5, 0, 0, bw - 2 * pad);
        double hh = layout_height(v) + layout_height(lb) +
                    (boxes[i].note ? layout_height(nt) + 2 : 0) + 2 * pad + 4;
        bh = fmax(bh, hh);
        g_object_unref(v);
        g_object_unref(lb);
        g_object_unref(nt);
    }
    ensure(d, bh + 6);
    for (i = 0; i < n; i++) {
        double x = d->x0 + (double)i * (bw + gap), y = d->y + pad;
        PangoLayout *v = layout_new(d, boxes[i].value, 18, 1, 0, bw - 2 * pad);
        PangoLayout *lb =
            layout_new(d, boxes[i].label, 8.5, 0, 0, bw - 2 * pad);
        cairo_set_source_rgb(d->cr, 0.95, 0.96, 0.98);
        cairo_rectangle(d->cr, x, d->y, bw, bh);
        cairo_fill_preserve(d->cr);
        cairo_set_source_rgb(d->cr, 0.70, 0.74, 0.80);
        cairo_set_line_width(d->cr, 0.7);
        cairo_stroke(d->cr);
        cairo_set_source_rgb(d->cr, 0.0, 0.27, 0.53);
        cairo_move_to(d->cr, x + pad, y);
        pango_cairo_show_layout(d->cr, v);
        y += layout_height(v) + 2;
        set_grey(d->cr, 0.15);
        cairo_move_to(d->cr, x + pad, y);
        pango_cairo_show_layout(d->cr, lb);
        y += layout_height(lb) + 2;
        if (boxes[i].note != NULL) {
            PangoLayout *nt =
                layout_new(d, boxes[i].note, 7.5, 0, 0, bw - 2 * pad);
            set_grey(d->cr, 0.4);
            cairo_move_to(d->cr, x + pad, y);
            pango_cairo_show_layout(d->cr, nt);
            g_object_unref(nt);
        }
        g_object_unref(v);
        g_object_unref(lb);
    }
    set_grey(d->cr, 0);
    d->y += bh + 10;
}

/* ---- tables ------------------------------------------------------------ */

/* A row's cells, laid out once for its height and its drawing (they were
 * laid out three times, a third of the PDF's time). Alignment does not
 * change where lines break, so it is set before measuring. */
typedef struct table_row {
    PangoLayout *stack[16];
    PangoLayout **cell;
    size_t n;
    double h; /* with the padding */
} table_row;

static void
table_row_layout(chiso_doc *d, const char *const *cells, int bold, table_row *r)
{
    const chiso_doc_table_spec *t = d->table;
    double size = t->small ? 7.5 : SMALL_PT, tw = d->x1 - d->x0, h = 0;
    size_t c;

    r->n = t->n_cols;
    r->cell = r->n <= sizeof(r->stack) / sizeof(r->stack[0])
                  ? r->stack
                  : g_new0(PangoLayout *, r->n);
    for (c = 0; c < t->n_cols; c++) {
        PangoLayout *l = layout_new(d, cells[c], size, bold, 0,
                                    t->widths[c] * tw - 2 * CELL_PAD);
        char a = t->align ? t->align[c] : 'l';
        pango_layout_set_alignment(l, a == 'r'   ? PANGO_ALIGN_RIGHT
                                      : a == 'c' ? PANGO_ALIGN_CENTER
                                                 : PANGO_ALIGN_LEFT);
        h = fmax(h, layout_height(l));
        r->cell[c] = l;
    }
    r->h = h + 2 * CELL_PAD;
}

static void
table_row_free(table_row *r)
{
    size_t c;

    for (c = 0; c < r->n; c++) {
        g_object_unref(r->cell[c]);
    }
    if (r->cell != r->stack) {
        g_free(r->cell);
    }
}

static void
table_draw_row(chiso_doc *d, const table_row *r, int header)
{
    const chiso_doc_table_spec *t = d->table;
    double tw = d->x1 - d->x0;
    double h = r->h, x = d->x0;
    size_t c;

    if (header) {
        cairo_set_source_rgb(d->cr, 0.88, 0.91, 0.95);
        cairo_rectangle(d->cr, d->x0, d->y, tw, h);
        cairo_fill(d->cr);
    }
    for (c = 0; c < t->n_cols; c++) {
        double cw = t->widths[c] * tw;
        set_grey(d->cr, 0.05);
        cairo_move_to(d->cr, x + CELL_PAD, d->y + CELL_PAD);
        pango_cairo_show_layout(d->cr, r->cell[c]);
        x += cw;
    }
    set_grey(d->cr, header ? 0.55 : 0.82);
    cairo_set_line_width(d->cr, header ? 0.7 : 0.4);
    cairo_move_to(d->cr, d->x0, d->y + h);
    cairo_line_to(d->cr, d->x1, d->y + h);
    cairo_stroke(d->cr);
    set_grey(d->cr, 0);
    d->y += h;
}

void
chiso_doc_table_begin(chiso_doc *d, const chiso_doc_table_spec *spec)
{
    d->table = spec;
    d->table_header_drawn = 0;
}

void
chiso_doc_table_row(chiso_doc *d, const char *const *cells, int emphasis)
{
    table_row row, head;
    int have_head = 0;
    double need;

    table_row_layout(d, cells, emphasis, &row);
    need = row.h;
    if (!d->table_header_drawn) {
        table_row_layout(d, d->table->headers, 1, &head);
        have_head = 1;
        need += head.h;
    }
    /* a new page here does not change the layouts (same surface, same
     * transformation); it asks for the header again */
    ensure(d, need);
    if (!d->table_header_drawn) {
        if (!have_head) {
            table_row_layout(d, d->table->headers, 1, &head);
            have_head = 1;
        }
        table_draw_row(d, &head, 1);
        d->table_header_drawn = 1;
    }
    if (have_head) {
        table_row_free(&head);
    }
    table_draw_row(d, &row, 0);
    table_row_free(&row);
}

void
chiso_doc_table_end(chiso_doc *d)
{
    d->table = NULL;
    d->y += 8;
}

void
chiso_doc_figure(chiso_doc *d,
                 double height_pt,
                 chiso_doc_draw_fn draw,
                 void *ctx,
                 const char *caption)
{
    double w = d->x1 - d->x0, ch = 0;
    PangoLayout *cap = NULL;

    if (caption != NULL) {
        cap = layout_new(d, caption, SMALL_PT, 0, 1, w);
        ch = layout_height(cap) + 4;
    }
    if (height_pt > d->y_max - d->margin - ch) {
        height_pt = d->y_max - d->margin - ch;
    }
    ensure(d, height_pt + ch);
    cairo_save(d->cr);
    cairo_translate(d->cr, d->x0, d->y);
    cairo_rectangle(d->cr, 0, 0, w, height_pt);
    cairo_clip(d->cr);
    draw(d->cr, w, height_pt, ctx);
    cairo_restore(d->cr);
    d->y += height_pt + 4;
    if (cap != NULL) {
        set_grey(d->cr, 0.25);
        cairo_move_to(d->cr, d->x0, d->y);
        pango_cairo_show_layout(d->cr, cap);
        set_grey(d->cr, 0);
        d->y += ch + 6;
        g_object_unref(cap);
    }
}

int
chiso_doc_page(const chiso_doc *d)
{
    return d->page;
}

static void
doc_free(chiso_doc *d)
{
    if (d->cr != NULL) {
        cairo_destroy(d->cr);
    }
    if (d->surface != NULL) {
        cairo_surface_destroy(d->surface);
    }
    free(d->font);
    free(d->footer);
    free(d->page_label);
    free(d);
}

chiso_status
chiso_doc_close(chiso_doc *d, chiso_diag *diag)
{
    cairo_status_t cs;
    chiso_outfile *of = d->of;

    if (!d->page_open) {
        start_page(d);
    }
    cairo_show_page(d->cr);
    cairo_surface_finish(d->surface);
    cs = cairo_surface_status(d->surface);
    if (cs == CAIRO_STATUS_SUCCESS) {
        cs = cairo_status(d->cr);
    }
    d->of = NULL;
    doc_free(d);
    if (cs != CAIRO_STATUS_SUCCESS) {
        chiso_outfile_abort(of);
        return chiso_diag_set(diag, CHISO_EIO, NULL, 0, 0,
                              "cannot write the PDF: %s",
                              cairo_status_to_string(cs));
    }
    return chiso_outfile_commit(of, diag);
}

void
chiso_doc_abort(chiso_doc *d)
{
    chiso_outfile *of;

    if (d == NULL) {
        return;
    }
    of = d->of;
    if (d->surface != NULL) {
        cairo_surface_finish(d->surface);
    }
    d->of = NULL;
    doc_free(d);
    chiso_outfile_abort(of);
}

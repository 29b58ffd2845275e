/*
 * chiso_doc.h - multi-page PDF documents (the report brief) with Cairo and
 * Pango: headings, wrapped paragraphs, key-figure boxes, tables that
 * continue across pages with their header repeated, and figures drawn by a
 * callback (a chart renderer) at the current position.
 *
 * The document flows top to bottom; every call places its content below
 * the previous one and starts a new page when it would not fit. Text is
 * laid out by Pango in DejaVu Sans, so Vietnamese diacritics render.
 * Output is deterministic: the PDF creation date comes from
 * SOURCE_DATE_EPOCH when set, else a fixed date (2000-01-01), and the file
 * is written to a temporary file and renamed into place on close.
 */
#ifndef CHISO_DOC_H
#define CHISO_DOC_H

#include "chiso_util.h"

#include <cairo.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chiso_doc chiso_doc;

typedef struct chiso_doc_options {
    double width_pt, height_pt; /* page size; 0 = A4 (595.28 x 841.89) */
    double margin_pt;           /* 0 = 48 */
    const char *font;           /* 0 = "DejaVu Sans" */
    const char *title;          /* PDF metadata title, may be NULL */
    const char *footer;         /* left footer text on every page */
    const char *page_label;     /* "Trang" -> "Trang 3" at the right */
} chiso_doc_options;

#define CHISO_DOC_OPTIONS_INIT                                                 \
    {                                                                          \
        0, 0, 0, NULL, NULL, NULL, NULL                                        \
    }

/* Start a document written (atomically) to path on close. */
chiso_status chiso_doc_open(chiso_doc **out,
                            const char *path,
                            const chiso_doc_options *opts,
                            chiso_diag *diag);

/* Heading: level 1 (title), 2 (section) or 3. */
void chiso_doc_heading(chiso_doc *d, const char *text, int level);
/* A paragraph wrapped to the text width; `small` uses a smaller size. */
void chiso_doc_paragraph(chiso_doc *d, const char *text, int small);
/* Vertical space in points. */
void chiso_doc_space(chiso_doc *d, double pt);
/* Start the next content on a new page. */
void chiso_doc_page_break(chiso_doc *d);

/* A row of up to 4 boxes: big value, label under it, optional note. */
typedef struct chiso_doc_figure_box {
    const char *value; /* "87,45 %" */
    const char *label; /* "Chỉ số CCHC tự đánh giá" */
    const char *note;  /* "Nhóm B · thẩm định 85,10 %", may be NULL */
} chiso_doc_figure_box;
void chiso_doc_key_figures(chiso_doc *d,
                           const chiso_doc_figure_box *boxes,
                           size_t n);

/* Tables: column widths as fractions of the text width (summing to 1),
 * alignment 'l', 'r' or 'c' per column. Cells wrap; rows never split; the
 * header row is repeated on every page the table continues on. */
typedef struct chiso_doc_table_spec {
    size_t n_cols;
    const char *const *headers;
    const double *widths;
    const char *align;
    int small; /* smaller font for wide tables */
} chiso_doc_table_spec;
void chiso_doc_table_begin(chiso_doc *d, const chiso_doc_table_spec *spec);
/* A row; `emphasis` draws it bold (totals). */
void chiso_doc_table_row(chiso_doc *d, const char *const *cells, int emphasis);
void chiso_doc_table_end(chiso_doc *d);

/*
 * A figure of the given height (the width is the text width): `draw` is
 * called with a cairo_t translated so (0,0) is the figure's top-left
 * corner, and the figure's width and height in points. A caption (may be
 * NULL) is set under it.
 */
typedef void (*chiso_doc_draw_fn)(cairo_t *cr,
                                  double width,
                                  double height,
                                  void *ctx);
void chiso_doc_figure(chiso_doc *d,
                      double height_pt,
                      chiso_doc_draw_fn draw,
                      void *ctx,
                      const char *caption);

/* Current page number (1-based). */
int chiso_doc_page(const chiso_doc *d);

/* Finish, check Cairo's status, move the file into place; frees d. */
chiso_status chiso_doc_close(chiso_doc *d, chiso_diag *diag);
/* Discard the document (no file is left); frees d. NULL allowed. */
void chiso_doc_abort(chiso_doc *d);

#ifdef __cplusplus
}
#endif

#endif /* CHISO_DOC_H */

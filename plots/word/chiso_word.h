/*
 * chiso_word.h - Word documents (.docx) chiso writes, and Word templates it
 * fills.
 *
 * Two jobs:
 *
 *  1. A writer: an in-memory document filled block by block (headings,
 *     paragraphs of bold/italic runs, bulleted and numbered lists, tables
 *     whose header row repeats on every page, PNG images with a caption and
 *     alt text, the administrative letterhead), then written as OOXML that
 *     Word and LibreOffice open. Vietnamese government style by default
 *     (Decree 30/2020/NĐ-CP): Times New Roman 14 pt, A4, margins top 2 cm,
 *     bottom 2 cm, left 3 cm, right 1.5 cm, justified body with a 1 cm
 *     first-line indent, page numbers in the footer (or at the top, from
 *     page 2, as the decree says).
 *
 *  2. Template fill: an office's own .docx with placeholders
 *     ({{par.index_pct}}, {{tasks.on_time_pct:1}}, rows repeated per item
 *     of an array: {{par.top_lost[].name}}) filled from a JSON document
 *     (chiso report's summary.json). docs/outputs.md is the user's guide.
 *
 * Both write atomically (chiso_util's temporary file + rename) and
 * deterministically: zip entries carry the fixed time 1980-01-01 00:00, in a
 * fixed order, and the document properties hold no date unless the caller
 * gives one. The same calls (or the same template and data) give the same
 * bytes.
 *
 * Errors: functions return a chiso_status; the writer also keeps its first
 * error, so a caller may add many blocks and check only chiso_word_write(),
 * which then fails with that error and writes nothing. Text must be valid
 * UTF-8; '\n' in a run is a line break, '\t' a tab; other control
 * characters are refused (CHISO_EDATA).
 */
#ifndef CHISO_WORD_H
#define CHISO_WORD_H

#include "chiso_util.h"

#include <stddef.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* ---- the writer ------------------------------------------------------------ */

typedef struct chiso_word_doc chiso_word_doc;

/* Where page numbers go. */
typedef enum chiso_word_page_numbers {
    CHISO_WORD_PAGENUM_FOOTER = 0, /* centred in the footer, every page */
    CHISO_WORD_PAGENUM_HEADER,     /* centred at the top, not on page 1
                                      (Decree 30/2020/NĐ-CP) */
    CHISO_WORD_PAGENUM_NONE
} chiso_word_page_numbers;

/* Document options. Zero-initialise or use CHISO_WORD_OPTIONS_INIT; zero
 * fields take the defaults in brackets. */
typedef struct chiso_word_options {
    chiso_lang lang;     /* proofing language, caption words ("Bảng",
                            "Hình"), messages [Vietnamese] */
    const char *font;    /* [Times New Roman] */
    double font_size_pt; /* body text, 10..16 [14] */
    double margin_top_cm, margin_bottom_cm; /* [2, 2] */
    double margin_left_cm, margin_right_cm; /* [3, 1.5] */
    chiso_word_page_numbers page_numbers;   /* [footer] */
    const char *title;                      /* docProps/core.xml; NULL = none */
    const char *subject;
    const char *author;
    time_t created; /* written into docProps only when not 0 */
} chiso_word_options;

#define CHISO_WORD_OPTIONS_INIT                                                \
    {                                                                          \
        CHISO_LANG_VI, NULL, 0, 0, 0, 0, 0, CHISO_WORD_PAGENUM_FOOTER, NULL,   \
            NULL, NULL, 0                                                      \
    }

/* Paragraph alignment. */
typedef enum chiso_word_align {
    CHISO_WORD_JUSTIFY = 0, /* body text */
    CHISO_WORD_LEFT,
    CHISO_WORD_CENTER,
    CHISO_WORD_RIGHT
} chiso_word_align;

/* Run styles, OR-ed. */
#define CHISO_WORD_BOLD      0x01u
#define CHISO_WORD_ITALIC    0x02u
#define CHISO_WORD_UNDERLINE 0x04u

/*
 * A new, empty document. opts may be NULL (defaults). Returns CHISO_EUSAGE
 * for an option out of range (message names it), CHISO_ENOMEM. The caller
 * releases *out with chiso_word_free().
 */
chiso_status chiso_word_new(chiso_word_doc **out,
                            const chiso_word_options *opts,
                            chiso_diag *diag);
void chiso_word_free(chiso_word_doc *doc);

/* The first error recorded (CHISO_OK if none), with its message in *diag
 * when diag is not NULL. */
chiso_status chiso_word_error(const chiso_word_doc *doc, chiso_diag *diag);

/* A heading, level 1..3 (Word's built-in "Heading 1..3": they appear in
 * the navigation pane and a table of contents). The text is used as given
 * ("I. KẾT QUẢ THỰC HIỆN"): no automatic numbering. */
chiso_status
chiso_word_heading(chiso_word_doc *doc, int level, const char *text);

/* A body paragraph of one plain run (justified, first-line indent). */
chiso_status chiso_word_paragraph(chiso_word_doc *doc, const char *text);

/*
 * A paragraph built from runs: chiso_word_para_begin(), then any number of
 * chiso_word_run(), then chiso_word_para_end(). `indent` 0 removes the
 * first-line indent (centred titles, signature blocks).
 */
chiso_status
chiso_word_para_begin(chiso_word_doc *doc, chiso_word_align align, int indent);
chiso_status
chiso_word_run(chiso_word_doc *doc, const char *text, unsigned style);
chiso_status chiso_word_para_end(chiso_word_doc *doc);

/* List items. Consecutive items form one list; a numbered list restarts
 * after any other block. level 0..2: numbered "1.", "a)", "-"; bulleted
 * "-", "+", "•". */
typedef enum chiso_word_list {
    CHISO_WORD_BULLET = 0,
    CHISO_WORD_NUMBERED
} chiso_word_list;

chiso_status chiso_word_list_item(chiso_word_doc *doc,
                                  chiso_word_list kind,
                                  int level,
                                  const char *text);
/* A list item built from runs (end it with chiso_word_para_end). */
chiso_status
chiso_word_list_begin(chiso_word_doc *doc, chiso_word_list kind, int level);

/* A page break. */
chiso_status chiso_word_page_break(chiso_word_doc *doc);

/*
 * The letterhead of a Vietnamese administrative document: on the left the
 * parent body (may be NULL), the issuing body in bold and the document
 * number ("Số: 15/BC-SKHCN", may be NULL); on the right the national
 * motto (Quốc hiệu, tiêu ngữ; in the document's language) and the place
 * and date line in italics ("Hưng Yên, ngày 31 tháng 12 năm 2024", may be
 * NULL). A borderless two-column table, as offices type it.
 */
chiso_status chiso_word_letterhead(chiso_word_doc *doc,
                                   const char *parent_body,
                                   const char *body,
                                   const char *number,
                                   const char *place_date);

/* ---- tables ------------------------------------------------------------ */

/* A column of a table. */
typedef struct chiso_word_column {
    const char *header;     /* header text; the header row repeats on
                               every page */
    double width_cm;        /* 0 = an equal share of the width left */
    chiso_word_align align; /* cells' alignment (numbers: RIGHT);
                               JUSTIFY means LEFT here */
} chiso_word_column;

/*
 * Begin a table of n columns (1..63). caption: NULL = none, else a
 * paragraph above the table "Bảng N. caption" ("Table N." in English),
 * numbered in order. Widths given in cm must fit the text width (16.5 cm
 * with the default margins); the others share what is left.
 */
chiso_status chiso_word_table_begin(chiso_word_doc *doc,
                                    const chiso_word_column *cols,
                                    size_t n,
                                    const char *caption);

/*
 * A row: cells[i] is the text of cell i (NULL = empty). style: run style
 * for the whole row (CHISO_WORD_BOLD for a total row).
 */
chiso_status chiso_word_table_row(chiso_word_doc *doc,
                                  const char *const *cells,
                                  unsigned style);

/*
 * A row with merged cells: n_cells cells, cell i spanning spans[i] grid
 * columns (spans NULL = 1 each; the spans must add up to the table's
 * columns). A cell whose text is CHISO_WORD_MERGE_UP continues the cell
 * above it (a vertical merge; same span as the cell above).
 */
chiso_status chiso_word_table_row_spans(chiso_word_doc *doc,
                                        const char *const *cells,
                                        const unsigned *spans,
                                        size_t n_cells,
                                        unsigned style);
extern const char CHISO_WORD_MERGE_UP[];

/* End the table. */
chiso_status chiso_word_table_end(chiso_word_doc *doc);

/* ---- images ---------------------------------------------------------- */

/*
 * An embedded PNG image, centred, `width_cm` wide (0 = the text width; a
 * width above it is reduced to it), its height from the image's aspect
 * ratio. caption: NULL = none, else a paragraph below "Hình N. caption"
 * ("Figure N."). alt: the alternative text read by screen readers (NULL =
 * the caption). The bytes are copied. A file that is not a PNG is
 * CHISO_EDATA.
 */
chiso_status chiso_word_image_png(chiso_word_doc *doc,
                                  const void *png,
                                  size_t len,
                                  double width_cm,
                                  const char *caption,
                                  const char *alt);
/* The same from a file (read now). */
chiso_status chiso_word_image_file(chiso_word_doc *doc,
                                   const char *path,
                                   double width_cm,
                                   const char *caption,
                                   const char *alt);

/* ---- output -------------------------------------------------------------- */

/*
 * The .docx bytes. On success the caller owns *out (free()). Fails with the
 * document's first error if there was one; an open paragraph or table is
 * CHISO_EINVAL. The document stays usable (more blocks may be added).
 */
chiso_status chiso_word_to_memory(chiso_word_doc *doc,
                                  char **out,
                                  size_t *len,
                                  chiso_diag *diag);

/* Write the document to path ("-" = standard output) atomically. */
chiso_status
chiso_word_write(chiso_word_doc *doc, const char *path, chiso_diag *diag);

/* ---- template fill -------------------------------------------------------- */

/* Fill options. Zero-initialise or use CHISO_WORD_FILL_OPTIONS_INIT. */
typedef struct chiso_word_fill_options {
    chiso_lang lang; /* numbers' separators (Vietnamese 1.234,5; English
                        1,234.5), yes/no words, messages [Vietnamese] */
} chiso_word_fill_options;

#define CHISO_WORD_FILL_OPTIONS_INIT                                           \
    {                                                                          \
        CHISO_LANG_VI                                                          \
    }

/*
 * Fill the placeholders of template_path (a .docx or .dotx) from `data`
 * and write the result to out_path atomically.
 *
 * Placeholders are {{dotted.path}} into data, {{path:N}} for N decimals
 * (0..6, rounded half up), {{path:plain}} (no thousands grouping),
 * {{path:date}} (YYYY-MM-DD shown dd/mm/yyyy); {{array[].key}} repeats
 * the table row (or, outside a table, the paragraph) holding it once per
 * item of the array, {{array[].#}} numbers the items 1, 2, ... A
 * placeholder may be split across runs, proofing marks and bookmarks, as
 * Word saves it. The main document, headers, footers, footnotes and
 * endnotes are filled; every other part of the file is copied unchanged,
 * and parts without placeholders keep their exact bytes.
 *
 * Every problem of the template is found in one pass: each is appended to
 * `problems` (when not NULL; initialise it with chiso_diag_list_init) with
 * the template's path and where it is ("table 2, row 3, cell 1",
 * "paragraph 12", "footer"), naming the placeholder. Errors (unknown
 * placeholders, a value that is an object, a bad format) make the call
 * return CHISO_EDATA and write nothing; a null value (no data) is written
 * as "(không có số liệu)" and listed as a warning (kind "fill_no_data").
 * diag receives the first error, or the I/O problem (CHISO_EIO), or
 * CHISO_EPARSE for a file that is not a Word document. out_path must not
 * be the template (CHISO_EUSAGE).
 */
chiso_status chiso_word_fill(const char *template_path,
                             const struct cJSON *data,
                             const char *out_path,
                             const chiso_word_fill_options *opts,
                             chiso_diag_list *problems,
                             chiso_diag *diag);

/* As chiso_word_fill, from and to memory (*out freed with free()). */
chiso_status chiso_word_fill_mem(const char *template_name,
                                 const void *template_bytes,
                                 size_t template_len,
                                 const struct cJSON *data,
                                 const chiso_word_fill_options *opts,
                                 char **out,
                                 size_t *out_len,
                                 chiso_diag_list *problems,
                                 chiso_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* CHISO_WORD_H */

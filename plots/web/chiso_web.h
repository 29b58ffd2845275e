/*
 * chiso_web.h - report.html: the page leadership reads on a screen.
 *
 * A page is built block by block, in reading order, then written as ONE
 * self-contained HTML5 file: the style sheet, the charts (inline SVG) and
 * a small table-sorting script are inside it; nothing is loaded from
 * anywhere (no font, no image, no script, no style sheet; a Content
 * Security Policy in the page forbids it too), so the file can be mailed,
 * put on a shared drive or opened with no network, and shows the same.
 *
 *   title, subtitle                      chiso_web_new()
 *   key-figure cards                     chiso_web_cards()
 *   sections, paragraphs, lists          chiso_web_section(), _paragraph()
 *   charts with caption and reading      chiso_web_figure_chart()
 *   sortable tables                      chiso_web_table_begin(), _put_*()
 *   caveats, sources                     chiso_web_note(), _source()
 *   the file                             chiso_web_write()
 *
 * What the page does: Vietnamese first (lang="vi", the words the page
 * writes itself from the message catalogue; English with
 * CHISO_LANG_EN), numbers with the language's separators (76,9 and
 * 12.345 in Vietnamese), every value of a chart on hover (a tooltip over
 * each bar, point, cell), tables sorted by a click or the keyboard on a
 * header (numbers sort as numbers, missing values last; the table reads
 * in its given order without the script), rounded numbers show their full
 * value on hover, a print style sheet (A4, no buttons, table rows and
 * charts never split across pages), and a layout that reads on a phone
 * (cards wrap, wide tables scroll inside their box, charts scale).
 *
 * Safety: every text given to this API is HTML-escaped (names of units and
 * criteria come from users' files); text must be valid UTF-8 (control
 * characters other than tab and line feed are refused, CHISO_EDATA). An
 * SVG given as text (chiso_web_figure_svg) is checked: no script, no
 * event handler, no reference outside the page. A web address in a text
 * (a source) is shown as text, never as a link, with the ':' of "://"
 * written as a character reference: the file holds no URL at all.
 *
 * Determinism: no clock is read, ids are numbered in order; the same calls
 * give the same bytes. Output is atomic (chiso_util's chiso_outfile).
 *
 * Errors: every function returns a chiso_status; the page also keeps its
 * first error, so a caller may add many blocks and check only
 * chiso_web_write(), which then fails with that error and writes nothing.
 * docs/outputs.md ("Web page") is the reader's guide.
 */
#ifndef CHISO_WEB_H
#define CHISO_WEB_H

#include "chiso_util.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct chiso_chart; /* chiso_plot.h */

typedef struct chiso_web_page chiso_web_page;

/* Page options. Zero-initialise or use CHISO_WEB_OPTIONS_INIT. */
typedef struct chiso_web_options {
    chiso_lang lang;       /* page language, its own words, numbers [vi] */
    const char *title;     /* <title> and the page heading [required] */
    const char *subtitle;  /* line under the heading; NULL = none */
    const char *generator; /* <meta name="generator">; NULL = none */
} chiso_web_options;

#define CHISO_WEB_OPTIONS_INIT                                                 \
    {                                                                          \
        CHISO_LANG_VI, NULL, NULL, NULL                                        \
    }

/*
 * A new, empty page. CHISO_EUSAGE without a title; CHISO_EDATA for a
 * title that is not UTF-8 text. The caller releases *out with
 * chiso_web_free().
 */
chiso_status chiso_web_new(chiso_web_page **out,
                           const chiso_web_options *opts,
                           chiso_diag *diag);
void chiso_web_free(chiso_web_page *page);

/* The first error recorded (CHISO_OK if none), its message in *diag when
 * diag is not NULL. */
chiso_status chiso_web_error(const chiso_web_page *page, chiso_diag *diag);

/* ---- key figures ----------------------------------------------------------- */

/* How a figure stands; shown by a colour AND a word (never colour alone). */
typedef enum chiso_web_tone {
    CHISO_WEB_NEUTRAL = 0, /* information */
    CHISO_WEB_GOOD,        /* "đạt" */
    CHISO_WEB_WARN,        /* "cần chú ý" */
    CHISO_WEB_BAD,         /* "chưa đạt" */
    CHISO_WEB_NO_DATA /* "không có số liệu" (also when value is NULL) */
} chiso_web_tone;

typedef struct chiso_web_card {
    const char *label;  /* "Chỉ số CCHC tự đánh giá" [required] */
    const char *value;  /* already formatted: "76,90"; NULL or "" = no
                           data (the card says so, never 0) */
    const char *unit;   /* "%", "điểm"; NULL = none */
    const char *note;   /* "Khá · kỳ trước 74,10 %"; NULL = none */
    const char *source; /* where the number comes from; NULL = none */
    const char *exact;  /* shown on hover over the value (the unrounded
                           number, a definition); NULL = none */
    chiso_web_tone tone;
} chiso_web_card;

/* A row of n cards (1..12); they wrap on narrow screens. */
chiso_status
chiso_web_cards(chiso_web_page *page, const chiso_web_card *cards, size_t n);

/* ---- text ---------------------------------------------------------------- */

/* A section heading (<h2>, listed in the page's contents when the page
 * has three sections or more). */
chiso_status chiso_web_section(chiso_web_page *page, const char *heading);
/* A heading inside a section (<h3>). */
chiso_status chiso_web_subsection(chiso_web_page *page, const char *heading);
/* A paragraph; '\n' is a line break. */
chiso_status chiso_web_paragraph(chiso_web_page *page, const char *text);
/* A bulleted (numbered != 0: numbered) list of n items. */
chiso_status chiso_web_list(chiso_web_page *page,
                            const char *const *items,
                            size_t n,
                            int numbered);

/* ---- figures ---------------------------------------------------------------- */

/*
 * A chart drawn into the page as inline SVG (width x height in SVG user
 * units, as chiso_plot_write's SVG; the page scales it to the column),
 * every data mark carrying its value as a tooltip
 * (chiso_plot_hotspots). Below it: "Hình N. caption" and the one-sentence
 * reading (may be NULL). alt: what a screen reader says for the image
 * (NULL = the caption). A chart that cannot be drawn is the layout's error
 * (CHISO_EDATA, diag says why); callers that want to go on use
 * chiso_web_figure_missing() instead.
 */
chiso_status chiso_web_figure_chart(chiso_web_page *page,
                                    const struct chiso_chart *chart,
                                    double width,
                                    double height,
                                    const char *caption,
                                    const char *reading,
                                    const char *alt);

/*
 * A figure from an SVG document made elsewhere (a chart file of the
 * pack): the XML declaration and namespaces are dropped, ids are made
 * unique in the page, width and height give way to the viewBox. Refused
 * (CHISO_EDATA): a document that is not an <svg>, or holds a script, an
 * event handler (on...=), a foreignObject, or a reference that is not
 * inside the document (href other than "#id"). No tooltips: the page
 * cannot know where the marks are.
 */
chiso_status chiso_web_figure_svg(chiso_web_page *page,
                                  const char *svg,
                                  size_t len,
                                  const char *caption,
                                  const char *reading,
                                  const char *alt);

/*
 * A chart drawn before (chiso_plot_write_jobs with keep_svg: the SVG of
 * its chart file and the hotspots of its model), as chiso_web_figure_chart
 * would draw it at that size, without drawing it again: the same element,
 * tooltips included. svg must end with a NUL byte after len bytes.
 */
struct chiso_plot_hotspot;
chiso_status chiso_web_figure_drawn(chiso_web_page *page,
                                    const char *svg,
                                    size_t len,
                                    const struct chiso_plot_hotspot *spots,
                                    size_t n_spots,
                                    const char *caption,
                                    const char *reading,
                                    const char *alt);

/* A chart that was left out: its caption and why (so the reader knows a
 * chart is missing, not that it was forgotten). Numbered like a figure. */
chiso_status chiso_web_figure_missing(chiso_web_page *page,
                                      const char *caption,
                                      const char *why);

/* ---- tables ------------------------------------------------------------------ */

typedef enum chiso_web_kind {
    CHISO_WEB_TEXT = 0, /* sorted by the page language's collation */
    CHISO_WEB_INTEGER,  /* whole numbers, 12.345 (grouped from 10 000) */
    CHISO_WEB_NUMBER,   /* `decimals` places: 76,90 */
    CHISO_WEB_PERCENT   /* percent points (76.9 -> "76,90 %") */
} chiso_web_kind;

typedef struct chiso_web_column {
    const char *header; /* [required] */
    chiso_web_kind kind;
    int decimals; /* NUMBER and PERCENT: 0..6 */
} chiso_web_column;

/*
 * Begin a table of n columns (1..64): "Bảng N. caption" above it (caption
 * may be NULL: no number either), a header row whose cells sort the table
 * (buttons, added by the page's script; aria-sort says the order), then
 * rows filled left to right with chiso_web_put_*(); a row is complete when
 * its last cell is put. cols is copied.
 */
chiso_status chiso_web_table_begin(chiso_web_page *page,
                                   const char *caption,
                                   const chiso_web_column *cols,
                                   size_t n);
/* The next cell: text (any column). */
chiso_status chiso_web_put_text(chiso_web_page *page, const char *text);
/* The next cell: a number in a number column (CHISO_EINVAL in a TEXT
 * column). NaN = no data: the cell shows a dash, says "không có số
 * liệu" on hover and sorts last; never 0. A rounded value shows its full
 * value on hover. */
chiso_status chiso_web_put_number(chiso_web_page *page, double value);
/* The next cell: no data (any column). */
chiso_status chiso_web_put_missing(chiso_web_page *page);

/* Row flags (chiso_web_row_flags). */
#define CHISO_WEB_ROW_HIGHLIGHT 0x1u /* stands out: the unit among peers */
#define CHISO_WEB_ROW_TOTAL     0x2u /* a total: bold, kept at the foot */

/* Flags of the row being filled (or of the next row, when none is). */
chiso_status chiso_web_row_flags(chiso_web_page *page, unsigned flags);

/* End the table; note (may be NULL): a line under it (source, unit). An
 * unfinished row is CHISO_EINVAL. */
chiso_status chiso_web_table_end(chiso_web_page *page, const char *note);

/* ---- caveats and sources ------------------------------------------------------- */

/* A caveat about the data, listed near the end under "Lưu ý về số liệu". */
chiso_status chiso_web_note(chiso_web_page *page, const char *text);
/* A source, listed in the footer under "Nguồn". */
chiso_status chiso_web_source(chiso_web_page *page, const char *text);

/* ---- output ------------------------------------------------------------------- */

/*
 * The page's bytes. On success the caller owns *out (free()). Fails with
 * the page's first error; an open table is CHISO_EINVAL. The page stays
 * usable.
 */
chiso_status chiso_web_to_memory(chiso_web_page *page,
                                 char **out,
                                 size_t *len,
                                 chiso_diag *diag);

/* Write the page to path ("-" = standard output) atomically. */
chiso_status
chiso_web_write(chiso_web_page *page, const char *path, chiso_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* CHISO_WEB_H */

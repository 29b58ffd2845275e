/*
 * web_int.h - internals shared by the files of the web module.
 *
 * web_page.c builds the page (blocks appended to one buffer as they come,
 * escaped on the way in); web_svg.c turns a chart into inline SVG with its
 * hover regions; web_text.c escapes text and writes numbers; web_assets.c
 * holds the style sheet and the sorting script; web_sha256.c hashes the
 * script for the page's Content Security Policy.
 */
#ifndef CHISO_WEB_INT_H
#define CHISO_WEB_INT_H

#include "chiso_web.h"

#include <stdint.h>

#define WEB_MAX_COLS  64
#define WEB_MAX_CARDS 12
#define WEB_WIDE      24 /* characters: a text column wider gets room */

/* A string -> number map (open addressing, FNV-1a): ids of a chart, the
 * page's glyph outlines. Numbers count from 1 in order of insertion. */
typedef struct chiso_web__strmap {
    char **keys;
    size_t *vals;
    size_t n, cap; /* cap: 0 or a power of two */
} chiso_web__strmap;

/* Number of s; 0 when absent (add == 0) or out of memory. */
size_t
chiso_web__strmap_get(chiso_web__strmap *m, const char *s, size_t len, int add);
void chiso_web__strmap_free(chiso_web__strmap *m);

struct chiso_web_page {
    chiso_lang lang;
    char *title, *subtitle, *generator;
    chiso_buf body; /* the blocks, in order */
    char **sections;
    size_t n_sections;
    char **notes;
    size_t n_notes;
    char **sources;
    size_t n_sources;
    int n_figures, n_tables, n_ids, hint_shown;
    /* glyph outlines (<symbol>) already in the page, by their content:
     * a glyph drawn in several charts is defined once (id g<k>) */
    chiso_web__strmap glyphs;

    /* the open table */
    int in_table;
    chiso_web_column cols[WEB_MAX_COLS];
    char *headers[WEB_MAX_COLS];
    char *caption;
    size_t col_chars[WEB_MAX_COLS]; /* longest text per column */
    size_t n_cols, col, n_rows;
    unsigned row_flags;
    int table_missing; /* a cell says "no data": explain under it */
    chiso_buf row, tbody, tfoot;

    chiso_status st; /* first error */
    chiso_diag err;
};

/* Record the first error and return it (message translated into the
 * page's language). */
chiso_status
chiso_web__fail(chiso_web_page *p, chiso_status code, const char *fmt, ...)
    CHISO_PRINTF(3, 4);

/* Check that text is valid UTF-8 without control characters other than
 * tab and line feed; CHISO_EDATA (recorded) naming `what` otherwise. */
chiso_status
chiso_web__check_text(chiso_web_page *p, const char *text, const char *what);

/* Append text HTML-escaped (& < > " '); '\n' becomes <br> when br. */
chiso_status chiso_web__esc(chiso_buf *b, const char *text, int br);

/* A number for people: `dec` decimals rounded half up, the language's
 * separators, thousands grouped from 10 000, '-' as the minus sign. */
void chiso_web__num(chiso_lang lang, double v, int dec, char *out, size_t cap);
/* The number as people read it with up to 6 decimals (no trailing
 * zeros): the hover text of a rounded value. */
void chiso_web__num_full(chiso_lang lang, double v, char *out, size_t cap);
/* The shortest text that reads back to v, with a '.' (data-v). */
void chiso_web__num_machine(double v, char *out, size_t cap);

/* SHA-256 of len bytes, as base64 (44 characters + NUL). */
void chiso_web__sha256_b64(const void *data, size_t len, char out[45]);

/* The style sheet (pieces, NULL-terminated: C99 limits a literal's
 * length) and the script (web_assets.c). */
extern const char *const chiso_web__css[];
extern const char chiso_web__js[];

/*
 * Chart or SVG text -> the <svg> element for the page, appended to out:
 * ids prefixed with `prefix` and numbered in order, root attributes
 * replaced by a viewBox, role="img" and a <title> (alt). For a chart the
 * hover regions are appended before </svg>.
 */
struct chiso_chart;
chiso_status chiso_web__chart_svg(chiso_web_page *p,
                                  const struct chiso_chart *chart,
                                  double width,
                                  double height,
                                  const char *prefix,
                                  const char *alt,
                                  chiso_buf *out);
/* An SVG drawn by the plots module (NUL-terminated) and its hover
 * regions -> the element chiso_web__chart_svg would give. */
struct chiso_plot_hotspot;
chiso_status chiso_web__drawn_svg(chiso_web_page *p,
                                  const char *svg,
                                  size_t len,
                                  const struct chiso_plot_hotspot *spots,
                                  size_t n_spots,
                                  const char *prefix,
                                  const char *alt,
                                  chiso_buf *out);
chiso_status chiso_web__import_svg(chiso_web_page *p,
                                   const char *svg,
                                   size_t len,
                                   const char *prefix,
                                   const char *alt,
                                   chiso_buf *out);

#endif /* CHISO_WEB_INT_H */

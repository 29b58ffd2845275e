/*
 * word_int.h - internals shared by the files of plots/word: the zip
 * container (word_zip.c), the writer (word_write.c, word_parts.c) and the
 * template fill (word_fill.c, word_value.c). Not for other modules.
 */
#ifndef CHISO_WORD_INT_H
#define CHISO_WORD_INT_H

#include "chiso_word.h"

#include <stdint.h>

/* OOXML namespaces. */
#define WORD_NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define WORD_NS_R                                                              \
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define WORD_NS_WP                                                             \
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#define WORD_NS_A   "http://schemas.openxmlformats.org/drawingml/2006/main"
#define WORD_NS_PIC "http://schemas.openxmlformats.org/drawingml/2006/picture"

/* Lengths: 1 cm = 566.93 twips (1/1440 inch) = 360000 EMU. */
#define WORD_TWIPS_PER_CM (1440.0 / 2.54)
#define WORD_EMU_PER_CM   360000.0

/* The largest part of a template read into memory (a zip bomb guard);
 * real documents are far below. */
#define WORD_MAX_PART_BYTES ((uint64_t)256 << 20)

/* One file of the zip container. */
typedef struct word_part {
    const char *name; /* "word/document.xml" */
    const void *data;
    size_t len;
    int store; /* 1 = no compression (PNG is compressed already) */
} word_part;

/*
 * Build a zip archive in memory from parts, in the order given, every
 * entry dated 1980-01-01 00:00 (the zip format's first day), so the bytes
 * depend only on the parts. *out is freed with free().
 */
chiso_status chiso_word__zip_build(const word_part *parts,
                                   size_t n,
                                   char **out,
                                   size_t *len,
                                   chiso_diag *diag);

/* The fixed entry time, as libzip wants it (a local time_t that maps to
 * 1980-01-01 00:00 in every time zone). */
time_t chiso_word__zip_time(void);

/* Append s to b with XML escaping (& < > and, for attributes, "). */
chiso_status chiso_word__xml_escape(chiso_buf *b, const char *s, size_t len);

/* Check run text: valid UTF-8, no control characters but \t and \n.
 * Returns 0 if fine, else the offset + 1 of the first bad byte. */
size_t chiso_word__text_bad(const char *s);

/* ---- values for placeholders (word_value.c) ------------------------------ */

/* How a placeholder's value is shown. */
typedef struct word_format {
    int decimals; /* -1 = as stored */
    int plain;    /* no thousands grouping */
    int date;     /* YYYY-MM-DD -> dd/mm/yyyy */
} word_format;

/*
 * Parse the format after ':' ("2", "plain", "date", "" = none). Returns 0,
 * or -1 for an unknown format.
 */
int chiso_word__format_parse(const char *spec, word_format *fmt);

/*
 * Format a number as a reader of `lang` expects: decimal comma and '.'
 * between thousands in Vietnamese, the other way in English; thousands
 * grouped only from 10 000 up (a year or a count below 10 000 stays
 * "2024"), never with :plain. Writes into out (cap >= 64).
 */
void chiso_word__format_number(
    double x, const word_format *fmt, chiso_lang lang, char *out, size_t cap);

/* ---- the document model (word_write.c, word_parts.c) ------------------- */

/* A4 in twips. */
#define WORD_A4_WIDTH_TW  11906L
#define WORD_A4_HEIGHT_TW 16838L

typedef struct word_cell {
    char *text;
    unsigned span; /* grid columns covered */
    int merge_up;  /* continues the cell above (vertical merge) */
} word_cell;

typedef struct word_row {
    word_cell *cells;
    size_t n;
    unsigned style;
} word_row;

typedef struct word_media {
    char *data;
    size_t len;
} word_media;

struct chiso_word_doc {
    chiso_lang lang;
    char *font, *title, *subject, *author;
    unsigned half_points; /* body font size */
    long margin_tw[4];    /* top, right, bottom, left */
    long text_width_tw;
    chiso_word_page_numbers page_numbers;
    time_t created;
    chiso_buf body; /* the blocks' XML */
    chiso_diag err; /* the first error, kept */
    int in_para;
    int after_table; /* the last block was a table */
    /* lists: one numbering instance per list, so each restarts at 1 */
    unsigned char *num_kinds; /* kind of instance i+1 */
    unsigned n_nums;
    unsigned cur_num; /* instance of the list running, 0 = none */
    chiso_word_list cur_kind;
    /* the open table */
    int in_table;
    char **col_header;
    long *col_tw;
    chiso_word_align *col_align;
    size_t n_cols;
    word_row *rows;
    size_t n_rows, cap_rows;
    unsigned n_tables, n_figures; /* caption numbers */
    word_media *media;            /* media/image<i+1>.png */
    size_t n_media;
};

/* Record the first error (message translated) and return code. */
chiso_status
chiso_word__fail(chiso_word_doc *d, chiso_status code, const char *fmt, ...)
    CHISO_PRINTF(3, 4);
/* Append XML to the body (errors recorded). */
chiso_status chiso_word__put(chiso_word_doc *d, const char *s);
chiso_status chiso_word__putf(chiso_word_doc *d, const char *fmt, ...)
    CHISO_PRINTF(2, 3);
/* A run of text into b: <w:t>, <w:br/> for '\n', <w:tab/> for '\t';
 * half_points 0 = the style's size. */
chiso_status chiso_word__run_xml(chiso_word_doc *d,
                                 chiso_buf *b,
                                 const char *text,
                                 unsigned style,
                                 unsigned half_points);

/* Indents of list items (twips): left edge of the text and hanging part
 * that holds the marker. */
int chiso_word__list_hanging(chiso_word_list kind);
int chiso_word__list_left(chiso_word_list kind, int level);

#endif /* CHISO_WORD_INT_H */

/*
 * word_write.c - the document model of the .docx writer.
 *
 * The body is serialised as it is built: each block appends its WordprocessingML
 * to one buffer, so the model is that buffer plus what the package needs at
 * the end (images, list instances, counters). Tables are the exception:
 * their rows are kept until chiso_word_table_end(), because a vertical merge
 * must be marked "restart" on the first cell of the run, known only when
 * the next row arrives. word_parts.c writes the other parts (styles,
 * numbering, footer, relationships) and assembles the package.
 *
 * Element order inside pPr, rPr, tblPr, tcPr and sectPr follows the
 * schema's sequences (ECMA-376 Part 1, §17): Word refuses a file whose
 * property elements are out of order even where LibreOffice is lenient.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_word.h"
#include "word_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char CHISO_WORD_MERGE_UP[] = "\x01merge-up";

chiso_status
chiso_word__fail(chiso_word_doc *d, chiso_status code, const char *fmt, ...)
{
    va_list ap;
    char msg[sizeof(d->err.message)];

    if (d->err.code != CHISO_OK) {
        return code;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), chiso_msg(d->lang, fmt), ap);
    va_end(ap);
    chiso_diag_set(&d->err, code, NULL, 0, 0, "%s", msg);
    return code;
}

chiso_status
chiso_word_error(const chiso_word_doc *doc, chiso_diag *diag)
{
    if (diag != NULL && doc->err.code != CHISO_OK) {
        chiso_lang lang = diag->lang;
        *diag = doc->err;
        diag->lang = lang;
    }
    return doc->err.code;
}

/* Options in range: message names the option. */
static chiso_status
check_range(chiso_diag *diag,
            chiso_lang lang,
            const char *name,
            double v,
            double lo,
            double hi)
{
    (void)lang;
    if (!(v >= lo && v <= hi)) {
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "%s = %g is outside %g..%g", name, v, lo, hi);
    }
    return CHISO_OK;
}

chiso_status
chiso_word_new(chiso_word_doc **out,
               const chiso_word_options *opts,
               chiso_diag *diag)
{
    chiso_word_doc *d;
    chiso_word_options o = CHISO_WORD_OPTIONS_INIT;
    chiso_status st;

    *out = NULL;
    if (opts != NULL) {
        o = *opts;
    }
    if (chiso_is_zero(o.font_size_pt)) {
        o.font_size_pt = 14;
    }
    if (chiso_is_zero(o.margin_top_cm)) {
        o.margin_top_cm = 2;
    }
    if (chiso_is_zero(o.margin_bottom_cm)) {
        o.margin_bottom_cm = 2;
    }
    if (chiso_is_zero(o.margin_left_cm)) {
        o.margin_left_cm = 3;
    }
    if (chiso_is_zero(o.margin_right_cm)) {
        o.margin_right_cm = 1.5;
    }
    if ((st = check_range(diag, o.lang, "font_size_pt", o.font_size_pt, 10,
                          16)) != CHISO_OK ||
        (st = check_range(diag, o.lang, "margin_top_cm", o.margin_top_cm, 0.5,
                          6)) != CHISO_OK ||
        (st = check_range(diag, o.lang, "margin_bottom_cm", o.margin_bottom_cm,
                          0.5, 6)) != CHISO_OK ||
        (st = check_range(diag, o.lang, "margin_left_cm", o.margin_left_cm, 0.5,
                          6)) != CHISO_OK ||
        (st = check_range(diag, o.lang, "margin_right_cm", o.margin_right_cm,
                          0.5, 6)) != CHISO_OK) {
        return st;
    }
    if ((unsigned)o.page_numbers > CHISO_WORD_PAGENUM_NONE ||
        (unsigned)o.lang > CHISO_LANG_EN) {
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "invalid page number position or language");
    }
    d = calloc(1, sizeof(*d));
    if (d == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    d->lang = o.lang;
    d->err.lang = o.lang;
    d->font = chiso_strdup(o.font ? o.font : "Times New Roman");
    d->title = o.title ? chiso_strdup(o.title) : NULL;
    d->subject = o.subject ? chiso_strdup(o.subject) : NULL;
    d->author = o.author ? chiso_strdup(o.author) : NULL;
    if (d->font == NULL || (o.title && !d->title) ||
        (o.subject && !d->subject) || (o.author && !d->author)) {
        chiso_word_free(d);
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (chiso_word__text_bad(d->font) || strpbrk(d->font, "\t\n") ||
        (d->title && chiso_word__text_bad(d->title)) ||
        (d->subject && chiso_word__text_bad(d->subject)) ||
        (d->author && chiso_word__text_bad(d->author))) {
        chiso_word_free(d);
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "the font name or a document property is not "
                              "valid UTF-8 text");
    }
    d->half_points = (unsigned)lround(o.font_size_pt * 2);
    d->margin_tw[0] = lround(o.margin_top_cm * WORD_TWIPS_PER_CM);
    d->margin_tw[1] = lround(o.margin_right_cm * WORD_TWIPS_PER_CM);
    d->margin_tw[2] = lround(o.margin_bottom_cm * WORD_TWIPS_PER_CM);
    d->margin_tw[3] = lround(o.margin_left_cm * WORD_TWIPS_PER_CM);
    d->text_width_tw = WORD_A4_WIDTH_TW - d->margin_tw[1] - d->margin_tw[3];
    if (d->text_width_tw < 2000) {
        chiso_word_free(d);
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "the margins leave no room for text");
    }
    d->page_numbers = o.page_numbers;
    d->created = o.created;
    *out = d;
    return CHISO_OK;
}

static void
free_rows(chiso_word_doc *d)
{
    size_t i, j;

    for (i = 0; i < d->n_rows; i++) {
        for (j = 0; j < d->rows[i].n; j++) {
            free(d->rows[i].cells[j].text);
        }
        free(d->rows[i].cells);
    }
    free(d->rows);
    d->rows = NULL;
    d->n_rows = d->cap_rows = 0;
}

void
chiso_word_free(chiso_word_doc *d)
{
    size_t i;

    if (d == NULL) {
        return;
    }
    chiso_buf_free(&d->body);
    free_rows(d);
    for (i = 0; i < d->n_cols; i++) {
        free(d->col_header[i]);
    }
    free(d->col_header);
    free(d->col_tw);
    free(d->col_align);
    for (i = 0; i < d->n_media; i++) {
        free(d->media[i].data);
    }
    free(d->media);
    free(d->num_kinds);
    free(d->font);
    free(d->title);
    free(d->subject);
    free(d->author);
    free(d);
}

/* ---- runs and paragraphs -------------------------------------------------- */

/* A block may start: no paragraph or table open, no earlier error. */
static chiso_status
block_ok(chiso_word_doc *d, int list_item)
{
    if (d->err.code != CHISO_OK) {
        return d->err.code;
    }
    if (d->in_para) {
        return chiso_word__fail(d, CHISO_EINVAL,
                                "a paragraph is still open (call "
                                "chiso_word_para_end)");
    }
    if (d->in_table) {
        return chiso_word__fail(d, CHISO_EINVAL,
                                "a table is still open (call "
                                "chiso_word_table_end)");
    }
    if (!list_item) {
        d->cur_num = 0; /* the next list starts again at 1 */
    }
    d->after_table = 0;
    return CHISO_OK;
}

/* Two tables in a row would be joined into one by Word: a table that
 * follows a table gets an empty paragraph between them. Call with the
 * after_table flag read before block_ok() cleared it. */
static chiso_status
table_gap(chiso_word_doc *d, int after_table)
{
    if (!after_table) {
        return CHISO_OK;
    }
    return chiso_word__put(d, "<w:p><w:pPr><w:spacing w:before=\"0\"/>"
                              "</w:pPr></w:p>");
}

static chiso_status
check_text(chiso_word_doc *d, const char *text)
{
    size_t bad = chiso_word__text_bad(text);

    if (bad != 0) {
        return chiso_word__fail(d, CHISO_EDATA,
                                "text '%.40s': invalid UTF-8 or a control "
                                "character at byte %lu",
                                text, (unsigned long)bad);
    }
    return CHISO_OK;
}

chiso_status
chiso_word__put(chiso_word_doc *d, const char *s)
{
    chiso_status st = chiso_buf_puts(&d->body, s);

    if (st != CHISO_OK) {
        return chiso_word__fail(d, st, "out of memory");
    }
    return CHISO_OK;
}

chiso_status
chiso_word__putf(chiso_word_doc *d, const char *fmt, ...)
{
    va_list ap;
    char small[512], *buf = small;
    int n;
    chiso_status st;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return chiso_word__fail(d, CHISO_EINVAL, "internal: bad XML format");
    }
    if ((size_t)n >= sizeof(small)) {
        buf = malloc((size_t)n + 1);
        if (buf == NULL) {
            return chiso_word__fail(d, CHISO_ENOMEM, "out of memory");
        }
        va_start(ap, fmt);
        vsnprintf(buf, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    st = chiso_word__put(d, buf);
    if (buf != small) {
        free(buf);
    }
    return st;
}

/* <w:r> pieces for text, with <w:br/> for '\n' and <w:tab/> for '\t'. */
chiso_status
chiso_word__run_xml(chiso_word_doc *d,
                    chiso_buf *b,
                    const char *text,
                    unsigned style,
                    unsigned half_points)
{
    chiso_status st = CHISO_OK;
    const char *p = text;

    st = chiso_buf_puts(b, "<w:r>");
    if (st == CHISO_OK &&
        (style & (CHISO_WORD_BOLD | CHISO_WORD_ITALIC | CHISO_WORD_UNDERLINE) ||
         half_points != 0)) {
        st = chiso_buf_puts(b, "<w:rPr>");
        if (st == CHISO_OK && (style & CHISO_WORD_BOLD)) {
            st = chiso_buf_puts(b, "<w:b/><w:bCs/>");
        }
        if (st == CHISO_OK && (style & CHISO_WORD_ITALIC)) {
            st = chiso_buf_puts(b, "<w:i/><w:iCs/>");
        }
        if (st == CHISO_OK && half_points != 0) {
            st = chiso_buf_printf(b,
                                  "<w:sz w:val=\"%u\"/><w:szCs w:val=\"%u\"/>",
                                  half_points, half_points);
        }
        if (st == CHISO_OK && (style & CHISO_WORD_UNDERLINE)) {
            st = chiso_buf_puts(b, "<w:u w:val=\"single\"/>");
        }
        if (st == CHISO_OK) {
            st = chiso_buf_puts(b, "</w:rPr>");
        }
    }
    while (st == CHISO_OK && *p != '\0') {
        size_t n = strcspn(p, "\t\n");
        if (n > 0) {
            st = chiso_buf_puts(b, "<w:t xml:space=\"preserve\">");
            if (st == CHISO_OK) {
                st = chiso_word__xml_escape(b, p, n);
            }
            if (st == CHISO_OK) {
                st = chiso_buf_puts(b, "</w:t>");
            }
            p += n;
        }
        if (st == CHISO_OK && *p == '\t') {
            st = chiso_buf_puts(b, "<w:tab/>");
            p++;
        } else if (st == CHISO_OK && *p == '\n') {
            st = chiso_buf_puts(b, "<w:br/>");
            p++;
        }
    }
    if (st == CHISO_OK) {
        st = chiso_buf_puts(b, "</w:r>");
    }
    if (st != CHISO_OK) {
        return chiso_word__fail(d, st, "out of memory");
    }
    return CHISO_OK;
}

static const char *
jc_name(chiso_word_align a)
{
    switch (a) {
    case CHISO_WORD_JUSTIFY:
        return "both";
    case CHISO_WORD_LEFT:
        return "left";
    case CHISO_WORD_CENTER:
        return "center";
    case CHISO_WORD_RIGHT:
        return "right";
    }
    return "both";
}

/* Open <w:p> with its properties. style: a paragraph style id or NULL. */
static chiso_status
para_open(chiso_word_doc *d,
          const char *style,
          int keep_next,
          unsigned num_id,
          int level,
          int indent,
          chiso_word_align align)
{
    chiso_status st = chiso_word__put(d, "<w:p><w:pPr>");

    if (st == CHISO_OK && style != NULL) {
        st = chiso_word__putf(d, "<w:pStyle w:val=\"%s\"/>", style);
    }
    if (st == CHISO_OK && keep_next) {
        st = chiso_word__put(d, "<w:keepNext/>");
    }
    if (st == CHISO_OK && num_id != 0) {
        st = chiso_word__putf(d,
                              "<w:numPr><w:ilvl w:val=\"%d\"/><w:numId "
                              "w:val=\"%u\"/></w:numPr>",
                              level, num_id);
    }
    if (st == CHISO_OK && num_id != 0) {
        /* direct, as the list style's indent would override the
         * numbering's (ECMA-376 §17.7.2: styles after numbering) */
        st = chiso_word__putf(d, "<w:ind w:left=\"%d\" w:hanging=\"%d\"/>",
                              chiso_word__list_left(d->cur_kind, level),
                              chiso_word__list_hanging(d->cur_kind));
    } else if (st == CHISO_OK && !indent) {
        st = chiso_word__put(d, "<w:ind w:firstLine=\"0\"/>");
    }
    if (st == CHISO_OK && align != CHISO_WORD_JUSTIFY) {
        st = chiso_word__putf(d, "<w:jc w:val=\"%s\"/>", jc_name(align));
    }
    if (st == CHISO_OK) {
        st = chiso_word__put(d, "</w:pPr>");
    }
    return st;
}

chiso_status
chiso_word_para_begin(chiso_word_doc *d, chiso_word_align align, int indent)
{
    chiso_status st;

    if ((st = block_ok(d, 0)) != CHISO_OK) {
        return st;
    }
    if ((unsigned)align > CHISO_WORD_RIGHT) {
        return chiso_word__fail(d, CHISO_EINVAL, "invalid alignment %d",
                                (int)align);
    }
    if ((st = para_open(d, NULL, 0, 0, 0, indent, align)) != CHISO_OK) {
        return st;
    }
    d->in_para = 1;
    return CHISO_OK;
}

chiso_status
chiso_word_run(chiso_word_doc *d, const char *text, unsigned style)
{
    chiso_status st;

    if (d->err.code != CHISO_OK) {
        return d->err.code;
    }
    if (!d->in_para) {
        return chiso_word__fail(d, CHISO_EINVAL,
                                "a run outside a paragraph (call "
                                "chiso_word_para_begin first)");
    }
    if (text == NULL || text[0] == '\0') {
        return CHISO_OK;
    }
    if ((st = check_text(d, text)) != CHISO_OK) {
        return st;
    }
    return chiso_word__run_xml(d, &d->body, text, style, 0);
}

chiso_status
chiso_word_para_end(chiso_word_doc *d)
{
    if (d->err.code != CHISO_OK) {
        return d->err.code;
    }
    if (!d->in_para) {
        return chiso_word__fail(d, CHISO_EINVAL, "no paragraph is open");
    }
    d->in_para = 0;
    return chiso_word__put(d, "</w:p>");
}

/* A whole paragraph of one run. */
static chiso_status
simple_para(chiso_word_doc *d,
            const char *style,
            int keep_next,
            int indent,
            chiso_word_align align,
            const char *text,
            unsigned run_style)
{
    chiso_status st;

    if (text == NULL) {
        text = "";
    }
    if ((st = check_text(d, text)) != CHISO_OK ||
        (st = para_open(d, style, keep_next, 0, 0, indent, align)) !=
            CHISO_OK) {
        return st;
    }
    if (text[0] != '\0' && (st = chiso_word__run_xml(
                                d, &d->body, text, run_style, 0)) != CHISO_OK) {
        return st;
    }
    return chiso_word__put(d, "</w:p>");
}

chiso_status
chiso_word_heading(chiso_word_doc *d, int level, const char *text)
{
    static const char *const ids[3] = {"Heading1", "Heading2", "Heading3"};
    chiso_status st;

    if ((st = block_ok(d, 0)) != CHISO_OK) {
        return st;
    }
    if (level < 1 || level > 3) {
        return chiso_word__fail(d, CHISO_EINVAL,
                                "heading level %d (levels are 1 to 3)", level);
    }
    if (text == NULL || text[0] == '\0') {
        return chiso_word__fail(d, CHISO_EINVAL, "empty heading");
    }
    /* style carries keepNext, indent and alignment */
    return simple_para(d, ids[level - 1], 0, 1, CHISO_WORD_JUSTIFY, text, 0);
}

chiso_status
chiso_word_paragraph(chiso_word_doc *d, const char *text)
{
    chiso_status st;

    if ((st = block_ok(d, 0)) != CHISO_OK) {
        return st;
    }
    return simple_para(d, NULL, 0, 1, CHISO_WORD_JUSTIFY, text, 0);
}

chiso_status
chiso_word_page_break(chiso_word_doc *d)
{
    chiso_status st;

    if ((st = block_ok(d, 0)) != CHISO_OK) {
        return st;
    }
    return chiso_word__put(d, "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
}

/* ---- lists -------------------------------------------------------------- */

/* The marker sits at the body's first-line indent (1 cm) plus 1 cm per
 * level; the text follows 0.5 cm after a bullet, 1 cm after a number
 * ("1.", "a)"). */
int
chiso_word__list_hanging(chiso_word_list kind)
{
    return kind == CHISO_WORD_NUMBERED ? 567 : 284;
}

int
chiso_word__list_left(chiso_word_list kind, int level)
{
    return 567 + 567 * level + chiso_word__list_hanging(kind);
}

chiso_status
chiso_word_list_begin(chiso_word_doc *d, chiso_word_list kind, int level)
{
    chiso_status st;

    if ((st = block_ok(d, 1)) != CHISO_OK) {
        return st;
    }
    if ((unsigned)kind > CHISO_WORD_NUMBERED || level < 0 || level > 2) {
        return chiso_word__fail(d, CHISO_EINVAL,
                                "list kind %d or level %d (levels 0 to 2)",
                                (int)kind, level);
    }
    if (d->cur_num == 0 || d->cur_kind != kind) {
        /* a new list instance: numbering starts again */
        unsigned char *k = realloc(d->num_kinds, d->n_nums + 1);
        if (k == NULL) {
            return chiso_word__fail(d, CHISO_ENOMEM, "out of memory");
        }
        d->num_kinds = k;
        d->num_kinds[d->n_nums++] = (unsigned char)kind;
        d->cur_num = d->n_nums;
        d->cur_kind = kind;
    }
    if ((st = para_open(d, "ListParagraph", 0, d->cur_num, level, 1,
                        CHISO_WORD_JUSTIFY)) != CHISO_OK) {
        return st;
    }
    d->in_para = 1;
    return CHISO_OK;
}

chiso_status
chiso_word_list_item(chiso_word_doc *d,
                     chiso_word_list kind,
                     int level,
                     const char *text)
{
    chiso_status st;

    if (text == NULL) {
        text = "";
    }
    if ((st = check_text(d, text)) != CHISO_OK ||
        (st = chiso_word_list_begin(d, kind, level)) != CHISO_OK ||
        (st = chiso_word_run(d, text, 0)) != CHISO_OK) {
        return st;
    }
    return chiso_word_para_end(d);
}

/* ---- tables --------------------------------------------------------------- */

chiso_status
chiso_word_table_begin(chiso_word_doc *d,
                       const chiso_word_column *cols,
                       size_t n,
                       const char *caption)
{
    chiso_status st;
    double fixed = 0, left;
    size_t i, n_auto = 0;
    long sum = 0;
    int after_table = d->after_table;

    if ((st = block_ok(d, 0)) != CHISO_OK) {
        return st;
    }
    if (n == 0 || n > 63) {
        return chiso_word__fail(d, CHISO_EINVAL,
                                "a table has 1 to 63 columns, not %lu",
                                (unsigned long)n);
    }
    for (i = 0; i < n; i++) {
        if (!(cols[i].width_cm >= 0) || (unsigned)cols[i].align > 3) {
            return chiso_word__fail(d, CHISO_EINVAL,
                                    "table column %lu: invalid width or "
                                    "alignment",
                                    (unsigned long)i + 1);
        }
        if (cols[i].header != NULL &&
            (st = check_text(d, cols[i].header)) != CHISO_OK) {
            return st;
        }
        fixed += cols[i].width_cm * WORD_TWIPS_PER_CM;
        n_auto += cols[i].width_cm > 0 ? 0 : 1;
    }
    left = (double)d->text_width_tw - fixed;
    if (left < -1 || (n_auto > 0 && left < 300.0 * (double)n_auto)) {
        return chiso_word__fail(d, CHISO_EINVAL,
                                "table columns of %.2f cm do not fit the "
                                "text width of %.2f cm",
                                fixed / WORD_TWIPS_PER_CM,
                                (double)d->text_width_tw / WORD_TWIPS_PER_CM);
    }
    if (caption != NULL && (st = check_text(d, caption)) != CHISO_OK) {
        return st;
    }
    d->col_header = calloc(n, sizeof(char *));
    d->col_tw = calloc(n, sizeof(long));
    d->col_align = calloc(n, sizeof(chiso_word_align));
    if (d->col_header == NULL || d->col_tw == NULL || d->col_align == NULL) {
        return chiso_word__fail(d, CHISO_ENOMEM, "out of memory");
    }
    d->n_cols = n;
    for (i = 0; i < n; i++) {
        d->col_header[i] = chiso_strdup(cols[i].header ? cols[i].header : "");
        if (d->col_header[i] == NULL) {
            return chiso_word__fail(d, CHISO_ENOMEM, "out of memory");
        }
        d->col_tw[i] = cols[i].width_cm > 0
                           ? lround(cols[i].width_cm * WORD_TWIPS_PER_CM)
                           : (long)floor(left / (double)n_auto);
        d->col_align[i] = cols[i].align == CHISO_WORD_JUSTIFY ? CHISO_WORD_LEFT
                                                              : cols[i].align;
        sum += d->col_tw[i];
    }
    /* rounding leftovers go to the last auto (or last) column */
    if (n_auto > 0 && sum < d->text_width_tw) {
        for (i = n; i-- > 0;) {
            if (cols[i].width_cm <= 0) {
                d->col_tw[i] += d->text_width_tw - sum;
                break;
            }
        }
    }
    if (caption == NULL && (st = table_gap(d, after_table)) != CHISO_OK) {
        return st;
    }
    if (caption != NULL) {
        char label[64];
        d->n_tables++;
        snprintf(label, sizeof(label), chiso_msg(d->lang, "Table %u. "),
                 d->n_tables);
        if ((st = para_open(d, "Caption", 1, 0, 0, 1, CHISO_WORD_CENTER)) !=
                CHISO_OK ||
            (st = chiso_word__run_xml(d, &d->body, label, CHISO_WORD_BOLD,
                                      0)) != CHISO_OK ||
            (st = chiso_word__run_xml(d, &d->body, caption, 0, 0)) !=
                CHISO_OK ||
            (st = chiso_word__put(d, "</w:p>")) != CHISO_OK) {
            return st;
        }
    }
    d->in_table = 1;
    return CHISO_OK;
}

chiso_status
chiso_word_table_row_spans(chiso_word_doc *d,
                           const char *const *cells,
                           const unsigned *spans,
                           size_t n_cells,
                           unsigned style)
{
    word_row *r;
    size_t i, total = 0;

    if (d->err.code != CHISO_OK) {
        return d->err.code;
    }
    if (!d->in_table) {
        return chiso_word__fail(d, CHISO_EINVAL,
                                "a table row outside a table (call "
                                "chiso_word_table_begin first)");
    }
    for (i = 0; i < n_cells; i++) {
        unsigned sp = spans ? spans[i] : 1;
        const char *t = cells[i];
        if (sp == 0) {
            return chiso_word__fail(d, CHISO_EINVAL,
                                    "table row %lu: a cell spans 0 columns",
                                    (unsigned long)d->n_rows + 1);
        }
        total += sp;
        if (t != NULL && t != CHISO_WORD_MERGE_UP) {
            chiso_status st = check_text(d, t);
            if (st != CHISO_OK) {
                return st;
            }
        }
    }
    if (total != d->n_cols) {
        return chiso_word__fail(d, CHISO_EINVAL,
                                "table row %lu covers %lu columns; the table "
                                "has %lu",
                                (unsigned long)d->n_rows + 1,
                                (unsigned long)total, (unsigned long)d->n_cols);
    }
    if (d->n_rows == d->cap_rows) {
        size_t cap = d->cap_rows ? 2 * d->cap_rows : 16;
        word_row *p = realloc(d->rows, cap * sizeof(*p));
        if (p == NULL) {
            return chiso_word__fail(d, CHISO_ENOMEM, "out of memory");
        }
        d->rows = p;
        d->cap_rows = cap;
    }
    r = &d->rows[d->n_rows];
    r->cells = calloc(n_cells ? n_cells : 1, sizeof(word_cell));
    if (r->cells == NULL) {
        return chiso_word__fail(d, CHISO_ENOMEM, "out of memory");
    }
    r->n = 0;
    r->style = style;
    d->n_rows++;
    for (i = 0; i < n_cells; i++) {
        word_cell *c = &r->cells[i];
        c->span = spans ? spans[i] : 1;
        c->merge_up = cells[i] == CHISO_WORD_MERGE_UP;
        c->text = chiso_strdup(cells[i] == NULL || c->merge_up ? "" : cells[i]);
        r->n = i + 1;
        if (c->text == NULL) {
            return chiso_word__fail(d, CHISO_ENOMEM, "out of memory");
        }
    }
    return CHISO_OK;
}

chiso_status
chiso_word_table_row(chiso_word_doc *d,
                     const char *const *cells,
                     unsigned style)
{
    if (d->err.code == CHISO_OK && !d->in_table) {
        return chiso_word__fail(d, CHISO_EINVAL,
                                "a table row outside a table (call "
                                "chiso_word_table_begin first)");
    }
    return chiso_word_table_row_spans(d, cells, NULL, d->n_cols, style);
}

/* Grid column where cell j of row r starts. */
static size_t
cell_grid_start(const word_row *r, size_t j)
{
    size_t k, g = 0;

    for (k = 0; k < j; k++) {
        g += r->cells[k].span;
    }
    return g;
}

/* The cell of row r starting at grid column g, or NULL. */
static const word_cell *
cell_at(const word_row *r, size_t g)
{
    size_t k, pos = 0;

    for (k = 0; k < r->n; k++) {
        if (pos == g) {
            return &r->cells[k];
        }
        pos += r->cells[k].span;
    }
    return NULL;
}

static chiso_status
cell_xml(chiso_word_doc *d,
         const word_cell *c,
         size_t grid,
         int header,
         int vmerge,
         unsigned style)
{
    long w = 0;
    size_t k;
    chiso_status st;
    chiso_word_align align = header ? CHISO_WORD_CENTER : d->col_align[grid];

    for (k = grid; k < grid + c->span && k < d->n_cols; k++) {
        w += d->col_tw[k];
    }
    st = chiso_word__putf(
        d, "<w:tc><w:tcPr><w:tcW w:w=\"%ld\" w:type=\"dxa\"/>", w);
    if (st == CHISO_OK && c->span > 1) {
        st = chiso_word__putf(d, "<w:gridSpan w:val=\"%u\"/>", c->span);
    }
    if (st == CHISO_OK && vmerge == 1) {
        st = chiso_word__put(d, "<w:vMerge w:val=\"restart\"/>");
    } else if (st == CHISO_OK && vmerge == 2) {
        st = chiso_word__put(d, "<w:vMerge/>");
    }
    if (st == CHISO_OK && header) {
        st = chiso_word__put(d, "<w:shd w:val=\"clear\" w:color=\"auto\" "
                                "w:fill=\"D9D9D9\"/>");
    }
    if (st == CHISO_OK && (header || vmerge)) {
        st = chiso_word__put(d, "<w:vAlign w:val=\"center\"/>");
    }
    if (st == CHISO_OK) {
        st = chiso_word__putf(d,
                              "</w:tcPr><w:p><w:pPr><w:pStyle "
                              "w:val=\"TableText\"/><w:jc w:val=\"%s\"/>"
                              "</w:pPr>",
                              jc_name(align));
    }
    if (st == CHISO_OK && c->text[0] != '\0' && vmerge != 2) {
        st = chiso_word__run_xml(d, &d->body, c->text,
                                 header ? CHISO_WORD_BOLD : style, 0);
    }
    if (st == CHISO_OK) {
        st = chiso_word__put(d, "</w:p></w:tc>");
    }
    return st;
}

chiso_status
chiso_word_table_end(chiso_word_doc *d)
{
    chiso_status st;
    size_t i, j;
    word_cell hc;

    if (d->err.code != CHISO_OK) {
        return d->err.code;
    }
    if (!d->in_table) {
        return chiso_word__fail(d, CHISO_EINVAL, "no table is open");
    }
    /* a merge-up cell needs a cell above it with the same span */
    for (i = 0; i < d->n_rows; i++) {
        for (j = 0; j < d->rows[i].n; j++) {
            const word_cell *c = &d->rows[i].cells[j], *above;
            if (!c->merge_up) {
                continue;
            }
            above = i > 0 ? cell_at(&d->rows[i - 1],
                                    cell_grid_start(&d->rows[i], j))
                          : NULL;
            if (above == NULL || above->span != c->span) {
                return chiso_word__fail(d, CHISO_EINVAL,
                                        "table row %lu, cell %lu: nothing "
                                        "above to merge with",
                                        (unsigned long)i + 1,
                                        (unsigned long)j + 1);
            }
        }
    }
    st = chiso_word__putf(d,
                          "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/>"
                          "<w:tblW w:w=\"%ld\" w:type=\"dxa\"/>"
                          "<w:tblLayout w:type=\"fixed\"/>"
                          "<w:tblLook w:val=\"04A0\" w:firstRow=\"1\" "
                          "w:lastRow=\"0\" w:firstColumn=\"1\" "
                          "w:lastColumn=\"0\" w:noHBand=\"0\" "
                          "w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
                          d->text_width_tw);
    for (i = 0; i < d->n_cols && st == CHISO_OK; i++) {
        st = chiso_word__putf(d, "<w:gridCol w:w=\"%ld\"/>", d->col_tw[i]);
    }
    if (st == CHISO_OK) {
        /* the header row repeats on every page and never splits */
        st = chiso_word__put(d, "</w:tblGrid><w:tr><w:trPr><w:cantSplit/>"
                                "<w:tblHeader/></w:trPr>");
    }
    hc.span = 1;
    hc.merge_up = 0;
    for (i = 0; i < d->n_cols && st == CHISO_OK; i++) {
        hc.text = d->col_header[i];
        st = cell_xml(d, &hc, i, 1, 0, 0);
    }
    if (st == CHISO_OK) {
        st = chiso_word__put(d, "</w:tr>");
    }
    for (i = 0; i < d->n_rows && st == CHISO_OK; i++) {
        const word_row *r = &d->rows[i];
        st = chiso_word__put(d, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (j = 0; j < r->n && st == CHISO_OK; j++) {
            size_t g = cell_grid_start(r, j);
            const word_cell *below =
                i + 1 < d->n_rows ? cell_at(&d->rows[i + 1], g) : NULL;
            int vmerge = r->cells[j].merge_up                 ? 2
                         : (below != NULL && below->merge_up) ? 1
                                                              : 0;
            st = cell_xml(d, &r->cells[j], g, 0, vmerge, r->style);
        }
        if (st == CHISO_OK) {
            st = chiso_word__put(d, "</w:tr>");
        }
    }
    if (st == CHISO_OK) {
        st = chiso_word__put(d, "</w:tbl>");
    }
    free_rows(d);
    for (i = 0; i < d->n_cols; i++) {
        free(d->col_header[i]);
    }
    free(d->col_header);
    free(d->col_tw);
    free(d->col_align);
    d->col_header = NULL;
    d->col_tw = NULL;
    d->col_align = NULL;
    d->n_cols = 0;
    d->in_table = 0;
    d->after_table = 1;
    return st;
}

/* ---- the letterhead --------------------------------------------------------- */

static chiso_status
lh_para(chiso_word_doc *d,
        const char *text,
        unsigned style,
        unsigned half_points)
{
    chiso_status st;

    st = chiso_word__put(d, "<w:p><w:pPr><w:pStyle w:val=\"TableText\"/>"
                            "<w:jc w:val=\"center\"/></w:pPr>");
    if (st == CHISO_OK && text != NULL && text[0] != '\0') {
        st = chiso_word__run_xml(d, &d->body, text, style, half_points);
    }
    if (st == CHISO_OK) {
        st = chiso_word__put(d, "</w:p>");
    }
    return st;
}

chiso_status
chiso_word_letterhead(chiso_word_doc *d,
                      const char *parent_body,
                      const char *body,
                      const char *number,
                      const char *place_date)
{
    chiso_status st;
    long wl = d->text_width_tw * 2 / 5, wr = d->text_width_tw - wl;
    const char *motto1 = chiso_msg(d->lang, "SOCIALIST REPUBLIC OF VIETNAM");
    const char *motto2 =
        chiso_msg(d->lang, "Independence - Freedom - Happiness");
    const char *const texts[4] = {parent_body, body, number, place_date};
    size_t i;
    int after_table = d->after_table;

    if ((st = block_ok(d, 0)) != CHISO_OK ||
        (st = table_gap(d, after_table)) != CHISO_OK) {
        return st;
    }
    if (body == NULL || body[0] == '\0') {
        return chiso_word__fail(d, CHISO_EINVAL,
                                "the letterhead needs the issuing body");
    }
    for (i = 0; i < 4; i++) {
        if (texts[i] != NULL && (st = check_text(d, texts[i])) != CHISO_OK) {
            return st;
        }
    }
    st = chiso_word__putf(
        d,
        "<w:tbl><w:tblPr><w:tblW w:w=\"%ld\" w:type=\"dxa\"/>"
        "<w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/>"
        "<w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/>"
        "<w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders>"
        "<w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"0000\"/></w:tblPr>"
        "<w:tblGrid><w:gridCol w:w=\"%ld\"/><w:gridCol w:w=\"%ld\"/>"
        "</w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w=\"%ld\" "
        "w:type=\"dxa\"/></w:tcPr>",
        d->text_width_tw, wl, wr, wl);
    /* the issuing body's side, 13 pt as the decree sets it */
    if (st == CHISO_OK && parent_body != NULL) {
        st = lh_para(d, parent_body, 0, 26);
    }
    if (st == CHISO_OK) {
        st = lh_para(d, body, CHISO_WORD_BOLD, 26);
    }
    if (st == CHISO_OK && number != NULL) {
        st = lh_para(d, number, 0, 26);
    }
    if (st == CHISO_OK) {
        st = chiso_word__putf(d,
                              "</w:tc><w:tc><w:tcPr><w:tcW w:w=\"%ld\" "
                              "w:type=\"dxa\"/></w:tcPr>",
                              wr);
    }
    if (st == CHISO_OK) {
        st = lh_para(d, motto1, CHISO_WORD_BOLD, 26);
    }
    if (st == CHISO_OK) {
        st = lh_para(d, motto2, CHISO_WORD_BOLD | CHISO_WORD_UNDERLINE, 28);
    }
    if (st == CHISO_OK && place_date != NULL) {
        st = lh_para(d, place_date, CHISO_WORD_ITALIC, 28);
    }
    if (st == CHISO_OK) {
        st = chiso_word__put(d, "</w:tc></w:tr></w:tbl>");
    }
    d->after_table = 1;
    return st;
}

/* ---- images ----------------------------------------------------------------- */

static uint32_t
be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

chiso_status
chiso_word_image_png(chiso_word_doc *d,
                     const void *png,
                     size_t len,
                     double width_cm,
                     const char *caption,
                     const char *alt)
{
    static const unsigned char sig[8] = {0x89, 'P',  'N',  'G',
                                         '\r', '\n', 0x1A, '\n'};
    const unsigned char *p = png;
    uint32_t w, h;
    double max_cm, cx, cy;
    word_media *m;
    chiso_status st;
    chiso_buf alt_x = CHISO_BUF_INIT;
    unsigned id;

    if ((st = block_ok(d, 0)) != CHISO_OK) {
        return st;
    }
    if (png == NULL || len < 33 || memcmp(p, sig, 8) != 0 ||
        memcmp(p + 12, "IHDR", 4) != 0) {
        return chiso_word__fail(d, CHISO_EDATA, "the image is not a PNG file");
    }
    w = be32(p + 16);
    h = be32(p + 20);
    if (w == 0 || h == 0 || w > 100000 || h > 100000) {
        return chiso_word__fail(d, CHISO_EDATA,
                                "the PNG image has a size of %lu x %lu pixels",
                                (unsigned long)w, (unsigned long)h);
    }
    if (!(width_cm >= 0)) {
        return chiso_word__fail(d, CHISO_EINVAL, "image width %g cm", width_cm);
    }
    if ((caption && (st = check_text(d, caption)) != CHISO_OK) ||
        (alt && (st = check_text(d, alt)) != CHISO_OK)) {
        return st;
    }
    max_cm = (double)d->text_width_tw / WORD_TWIPS_PER_CM;
    if (width_cm <= 0 || width_cm > max_cm) {
        width_cm = max_cm;
    }
    cx = floor(width_cm * WORD_EMU_PER_CM);
    cy = floor(cx * (double)h / (double)w);
    m = realloc(d->media, (d->n_media + 1) * sizeof(*m));
    if (m == NULL) {
        return chiso_word__fail(d, CHISO_ENOMEM, "out of memory");
    }
    d->media = m;
    m = &d->media[d->n_media];
    m->data = malloc(len);
    if (m->data == NULL) {
        return chiso_word__fail(d, CHISO_ENOMEM, "out of memory");
    }
    memcpy(m->data, png, len);
    m->len = len;
    d->n_media++;
    id = (unsigned)d->n_media;
    if (alt == NULL) {
        alt = caption ? caption : "";
    }
    /* alt text goes into an attribute: no line breaks there */
    st = chiso_word__xml_escape(&alt_x, alt, strlen(alt));
    if (st == CHISO_OK) {
        char *c;
        for (c = alt_x.data; c != NULL && *c != '\0'; c++) {
            if (*c == '\n' || *c == '\t') {
                *c = ' ';
            }
        }
    }
    if (st != CHISO_OK) {
        chiso_buf_free(&alt_x);
        return chiso_word__fail(d, st, "out of memory");
    }
    st = para_open(d, NULL, caption != NULL, 0, 0, 0, CHISO_WORD_CENTER);
    if (st == CHISO_OK) {
        st = chiso_word__putf(
            d,
            "<w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" "
            "distR=\"0\"><wp:extent cx=\"%.0f\" cy=\"%.0f\"/>"
            "<wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>"
            "<wp:docPr id=\"%u\" name=\"Picture %u\" descr=\"",
            cx, cy, id, id);
    }
    if (st == CHISO_OK) {
        st = chiso_word__put(d, alt_x.data ? alt_x.data : "");
    }
    if (st == CHISO_OK) {
        st = chiso_word__putf(
            d,
            "\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks "
            "xmlns:a=\"" WORD_NS_A "\" noChangeAspect=\"1\"/>"
            "</wp:cNvGraphicFramePr><a:graphic xmlns:a=\"" WORD_NS_A "\">"
            "<a:graphicData uri=\"" WORD_NS_PIC "\"><pic:pic "
            "xmlns:pic=\"" WORD_NS_PIC "\"><pic:nvPicPr><pic:cNvPr id=\"%u\" "
            "name=\"image%u.png\"/><pic:cNvPicPr/></pic:nvPicPr>"
            "<pic:blipFill><a:blip r:embed=\"rIdImg%u\"/><a:stretch>"
            "<a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>"
            "<a:off x=\"0\" y=\"0\"/><a:ext cx=\"%.0f\" cy=\"%.0f\"/></a:xfrm>"
            "<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr>"
            "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>"
            "</w:r></w:p>",
            id, id, id, cx, cy);
    }
    chiso_buf_free(&alt_x);
    if (st == CHISO_OK && caption != NULL) {
        char label[64];
        d->n_figures++;
        snprintf(label, sizeof(label), chiso_msg(d->lang, "Figure %u. "),
                 d->n_figures);
        if ((st = para_open(d, "Caption", 0, 0, 0, 1, CHISO_WORD_CENTER)) ==
                CHISO_OK &&
            (st = chiso_word__run_xml(d, &d->body, label, CHISO_WORD_BOLD,
                                      0)) == CHISO_OK &&
            (st = chiso_word__run_xml(d, &d->body, caption, 0, 0)) ==
                CHISO_OK) {
            st = chiso_word__put(d, "</w:p>");
        }
    }
    return st;
}

chiso_status
chiso_word_image_file(chiso_word_doc *d,
                      const char *path,
                      double width_cm,
                      const char *caption,
                      const char *alt)
{
    char *data = NULL;
    size_t len = 0;
    chiso_status st;
    chiso_diag g;

    if (d->err.code != CHISO_OK) {
        return d->err.code;
    }
    chiso_diag_clear(&g);
    g.lang = d->lang;
    st = chiso_file_read_all(path, &data, &len, &g);
    if (st != CHISO_OK) {
        d->err = g;
        return st;
    }
    st = chiso_word_image_png(d, data, len, width_cm, caption, alt);
    free(data);
    if (st != CHISO_OK && d->err.path[0] == '\0') {
        snprintf(d->err.path, sizeof(d->err.path), "%s", path);
    }
    return st;
}

/*
 * word_parts.c - the package around the body: styles, numbering, settings,
 * the page-number footer (or header), relationships, content types,
 * document properties; and the writing of the whole .docx.
 *
 * Styles carry the Vietnamese administrative layout (Decree 30/2020/NĐ-CP,
 * Appendix I): the body is justified with a 1 cm first-line indent and 6 pt
 * before each paragraph; headings are bold and keep with the next
 * paragraph; captions italic and centred; table text one point smaller,
 * without indent. Headings use Word's built-in style names ("heading 1")
 * so Word's navigation pane and table of contents find them.
 */
#define _POSIX_C_SOURCE 200809L
#include "chiso_word.h"
#include "word_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define XML_DECL                                                               \
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

static chiso_status
build_styles(const chiso_word_doc *d, chiso_buf *b)
{
    chiso_buf font = CHISO_BUF_INIT;
    chiso_status st;
    unsigned hp = d->half_points, small = hp > 20 ? hp - 2 : hp;
    const char *lang = d->lang == CHISO_LANG_VI ? "vi-VN" : "en-GB";

    st = chiso_word__xml_escape(&font, d->font, strlen(d->font));
    if (st != CHISO_OK) {
        return st;
    }
    st = chiso_buf_printf(
        b,
        XML_DECL "<w:styles xmlns:w=\"" WORD_NS_W "\"><w:docDefaults>"
                 "<w:rPrDefault><w:rPr><w:rFonts w:ascii=\"%s\" "
                 "w:eastAsia=\"%s\" w:hAnsi=\"%s\" w:cs=\"%s\"/>"
                 "<w:sz w:val=\"%u\"/><w:szCs w:val=\"%u\"/>"
                 "<w:lang w:val=\"%s\" w:eastAsia=\"en-US\" w:bidi=\"ar-SA\"/>"
                 "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
                 "<w:spacing w:before=\"120\" w:after=\"0\" w:line=\"264\" "
                 "w:lineRule=\"auto\"/></w:pPr></w:pPrDefault>"
                 "</w:docDefaults>",
        font.data, font.data, font.data, font.data, hp, hp, lang);
    chiso_buf_free(&font);
    if (st != CHISO_OK) {
        return st;
    }
    st = chiso_buf_printf(
        b,
        /* body text */
        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
        "<w:name w:val=\"Normal\"/><w:qFormat/><w:pPr><w:widowControl/>"
        "<w:ind w:firstLine=\"567\"/><w:jc w:val=\"both\"/></w:pPr></w:style>"
        "<w:style w:type=\"character\" w:default=\"1\" "
        "w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default "
        "Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/>"
        "<w:unhideWhenUsed/></w:style>"
        "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\">"
        "<w:name w:val=\"Normal Table\"/><w:uiPriority w:val=\"99\"/>"
        "<w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w=\"0\" "
        "w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/>"
        "<w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" "
        "w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/>"
        "</w:tblCellMar></w:tblPr></w:style>"
        "<w:style w:type=\"numbering\" w:default=\"1\" w:styleId=\"NoList\">"
        "<w:name w:val=\"No List\"/><w:uiPriority w:val=\"99\"/>"
        "<w:semiHidden/><w:unhideWhenUsed/></w:style>"
        /* headings: I. ..., 1. ..., a) ... */
        "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\">"
        "<w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/>"
        "<w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/>"
        "<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"240\" "
        "w:after=\"60\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"left\"/>"
        "<w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr>"
        "</w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\">"
        "<w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/>"
        "<w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/>"
        "<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"180\"/>"
        "<w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr>"
        "</w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"Heading3\">"
        "<w:name w:val=\"heading 3\"/><w:basedOn w:val=\"Normal\"/>"
        "<w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/>"
        "<w:pPr><w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"2\"/>"
        "</w:pPr><w:rPr><w:b/><w:bCs/><w:i/><w:iCs/></w:rPr></w:style>"
        /* captions, table text, lists, header and footer */
        "<w:style w:type=\"paragraph\" w:styleId=\"Caption\">"
        "<w:name w:val=\"caption\"/><w:basedOn w:val=\"Normal\"/>"
        "<w:next w:val=\"Normal\"/><w:uiPriority w:val=\"35\"/><w:qFormat/>"
        "<w:pPr><w:spacing w:before=\"60\" w:after=\"120\"/>"
        "<w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr>"
        "<w:rPr><w:i/><w:iCs/><w:sz w:val=\"%u\"/><w:szCs w:val=\"%u\"/>"
        "</w:rPr></w:style>"
        "<w:style w:type=\"paragraph\" w:customStyle=\"1\" "
        "w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/>"
        "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr>"
        "<w:spacing w:before=\"40\" w:after=\"40\" w:line=\"240\" "
        "w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"left\"/>"
        "</w:pPr><w:rPr><w:sz w:val=\"%u\"/><w:szCs w:val=\"%u\"/></w:rPr>"
        "</w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"ListParagraph\">"
        "<w:name w:val=\"List Paragraph\"/><w:basedOn w:val=\"Normal\"/>"
        "<w:uiPriority w:val=\"34\"/><w:qFormat/><w:pPr>"
        "<w:spacing w:before=\"60\"/><w:ind w:firstLine=\"0\"/></w:pPr>"
        "</w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"Header\">"
        "<w:name w:val=\"header\"/><w:basedOn w:val=\"Normal\"/>"
        "<w:uiPriority w:val=\"99\"/><w:unhideWhenUsed/><w:pPr>"
        "<w:spacing w:before=\"0\"/><w:ind w:firstLine=\"0\"/>"
        "<w:jc w:val=\"center\"/></w:pPr></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"Footer\">"
        "<w:name w:val=\"footer\"/><w:basedOn w:val=\"Normal\"/>"
        "<w:uiPriority w:val=\"99\"/><w:unhideWhenUsed/><w:pPr>"
        "<w:spacing w:before=\"0\"/><w:ind w:firstLine=\"0\"/>"
        "<w:jc w:val=\"center\"/></w:pPr></w:style>"
        /* tables: thin single borders */
        "<w:style w:type=\"table\" w:styleId=\"TableGrid\">"
        "<w:name w:val=\"Table Grid\"/><w:basedOn w:val=\"TableNormal\"/>"
        "<w:uiPriority w:val=\"59\"/><w:tblPr><w:tblBorders>"
        "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
        "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
        "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" "
        "w:color=\"auto\"/>"
        "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
        "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" "
        "w:color=\"auto\"/>"
        "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" "
        "w:color=\"auto\"/></w:tblBorders></w:tblPr></w:style>"
        "</w:styles>",
        small, small, small, small);
    return st;
}

/* Bullets "-", "+", "•"; numbers "1.", "a)", "-" (Vietnamese usage). */
static chiso_status
build_numbering(const chiso_word_doc *d, chiso_buf *b)
{
    static const char *const bullet_text[3] = {"-", "+", "\xE2\x80\xA2"};
    static const char *const num_fmt[3] = {"decimal", "lowerLetter", "bullet"};
    static const char *const num_text[3] = {"%1.", "%2)", "-"};
    chiso_status st;
    unsigned a, l, i;

    st = chiso_buf_puts(b, XML_DECL "<w:numbering xmlns:w=\"" WORD_NS_W "\">");
    for (a = 0; a < 2 && st == CHISO_OK; a++) {
        st = chiso_buf_printf(b,
                              "<w:abstractNum w:abstractNumId=\"%u\">"
                              "<w:multiLevelType w:val=\"hybridMultilevel\"/>",
                              a);
        for (l = 0; l < 3 && st == CHISO_OK; l++) {
            const char *fmt = a == 0 ? "bullet" : num_fmt[l];
            const char *text = a == 0 ? bullet_text[l] : num_text[l];
            chiso_word_list kind =
                a == 0 ? CHISO_WORD_BULLET : CHISO_WORD_NUMBERED;
            st = chiso_buf_printf(
                b,
                "<w:lvl w:ilvl=\"%u\"><w:start w:val=\"1\"/>"
                "<w:numFmt w:val=\"%s\"/><w:lvlText w:val=\"%s\"/>"
                "<w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"%d\" "
                "w:hanging=\"%d\"/></w:pPr></w:lvl>",
                l, fmt, text, chiso_word__list_left(kind, (int)l),
                chiso_word__list_hanging(kind));
        }
        if (st == CHISO_OK) {
            st = chiso_buf_puts(b, "</w:abstractNum>");
        }
    }
    for (i = 0; i < d->n_nums && st == CHISO_OK; i++) {
        st = chiso_buf_printf(b,
                              "<w:num w:numId=\"%u\"><w:abstractNumId "
                              "w:val=\"%u\"/><w:lvlOverride w:ilvl=\"0\">"
                              "<w:startOverride w:val=\"1\"/></w:lvlOverride>"
                              "</w:num>",
                              i + 1, (unsigned)d->num_kinds[i]);
    }
    if (st == CHISO_OK) {
        st = chiso_buf_puts(b, "</w:numbering>");
    }
    return st;
}

/* The page-number paragraph (a PAGE field) of a footer or header. */
static chiso_status
build_pagenum(chiso_buf *b, const char *root, const char *style)
{
    return chiso_buf_printf(
        b,
        XML_DECL "<w:%s xmlns:w=\"" WORD_NS_W "\" xmlns:r=\"" WORD_NS_R "\">"
                 "<w:p><w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>"
                 "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
                 "<w:r><w:instrText xml:space=\"preserve\"> PAGE "
                 "</w:instrText></w:r>"
                 "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
                 "<w:r><w:t>1</w:t></w:r>"
                 "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:%s>",
        root, style, root);
}

static chiso_status
build_empty_header(chiso_buf *b)
{
    return chiso_buf_puts(
        b, XML_DECL "<w:hdr xmlns:w=\"" WORD_NS_W "\" xmlns:r=\"" WORD_NS_R
                    "\"><w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr>"
                    "</w:p></w:hdr>");
}

static chiso_status
build_document(const chiso_word_doc *d, chiso_buf *b)
{
    chiso_status st;

    st = chiso_buf_puts(b, XML_DECL "<w:document xmlns:w=\"" WORD_NS_W
                                    "\" xmlns:r=\"" WORD_NS_R
                                    "\" xmlns:wp=\"" WORD_NS_WP "\"><w:body>");
    if (st == CHISO_OK && d->body.len > 0) {
        st = chiso_buf_append(b, d->body.data, d->body.len);
    }
    if (st == CHISO_OK && (d->after_table || d->body.len == 0)) {
        /* the body ends with a paragraph, as Word writes it */
        st = chiso_buf_puts(b, "<w:p/>");
    }
    if (st == CHISO_OK) {
        st = chiso_buf_puts(b, "<w:sectPr>");
    }
    if (st == CHISO_OK && d->page_numbers == CHISO_WORD_PAGENUM_FOOTER) {
        st = chiso_buf_puts(b, "<w:footerReference w:type=\"default\" "
                               "r:id=\"rIdFooter1\"/>");
    } else if (st == CHISO_OK && d->page_numbers == CHISO_WORD_PAGENUM_HEADER) {
        st = chiso_buf_puts(b, "<w:headerReference w:type=\"default\" "
                               "r:id=\"rIdHeader1\"/><w:headerReference "
                               "w:type=\"first\" r:id=\"rIdHeader2\"/>");
    }
    if (st == CHISO_OK) {
        st = chiso_buf_printf(
            b,
            "<w:pgSz w:w=\"%ld\" w:h=\"%ld\"/><w:pgMar w:top=\"%ld\" "
            "w:right=\"%ld\" w:bottom=\"%ld\" w:left=\"%ld\" w:header=\"567\" "
            "w:footer=\"567\" w:gutter=\"0\"/><w:cols w:space=\"720\"/>%s"
            "<w:docGrid w:linePitch=\"360\"/></w:sectPr></w:body></w:document>",
            WORD_A4_WIDTH_TW, WORD_A4_HEIGHT_TW, d->margin_tw[0],
            d->margin_tw[1], d->margin_tw[2], d->margin_tw[3],
            d->page_numbers == CHISO_WORD_PAGENUM_HEADER ? "<w:titlePg/>" : "");
    }
    return st;
}

static chiso_status
build_doc_rels(const chiso_word_doc *d, chiso_buf *b)
{
    chiso_status st;
    size_t i;

    st = chiso_buf_puts(
        b, XML_DECL
        "<Relationships "
        "xmlns=\"http://schemas.openxmlformats.org/package/2006/"
        "relationships\">"
        "<Relationship Id=\"rIdStyles\" Type=\"" WORD_NS_R "/styles\" "
        "Target=\"styles.xml\"/>"
        "<Relationship Id=\"rIdSettings\" Type=\"" WORD_NS_R "/settings\" "
        "Target=\"settings.xml\"/>"
        "<Relationship Id=\"rIdNumbering\" Type=\"" WORD_NS_R "/numbering\" "
        "Target=\"numbering.xml\"/>");
    if (st == CHISO_OK && d->page_numbers == CHISO_WORD_PAGENUM_FOOTER) {
        st = chiso_buf_puts(b, "<Relationship Id=\"rIdFooter1\" "
                               "Type=\"" WORD_NS_R "/footer\" "
                               "Target=\"footer1.xml\"/>");
    } else if (st == CHISO_OK && d->page_numbers == CHISO_WORD_PAGENUM_HEADER) {
        st = chiso_buf_puts(b, "<Relationship Id=\"rIdHeader1\" "
                               "Type=\"" WORD_NS_R "/header\" "
                               "Target=\"header1.xml\"/>"
                               "<Relationship Id=\"rIdHeader2\" "
                               "Type=\"" WORD_NS_R "/header\" "
                               "Target=\"header2.xml\"/>");
    }
    for (i = 0; i < d->n_media && st == CHISO_OK; i++) {
        st = chiso_buf_printf(b,
                              "<Relationship Id=\"rIdImg%lu\" "
                              "Type=\"" WORD_NS_R "/image\" "
                              "Target=\"media/image%lu.png\"/>",
                              (unsigned long)i + 1, (unsigned long)i + 1);
    }
    if (st == CHISO_OK) {
        st = chiso_buf_puts(b, "</Relationships>");
    }
    return st;
}

static chiso_status
build_content_types(const chiso_word_doc *d, chiso_buf *b)
{
    chiso_status st;

    st = chiso_buf_puts(
        b, XML_DECL
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
        "content-types\">"
        "<Default Extension=\"rels\" ContentType=\"application/"
        "vnd.openxmlformats-package.relationships+xml\"/>"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Default Extension=\"png\" ContentType=\"image/png\"/>"
        "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        "\"/>"
        "<Override PartName=\"/word/styles.xml\" ContentType=\"application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
        "<Override PartName=\"/word/settings.xml\" ContentType=\"application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
        "<Override PartName=\"/word/numbering.xml\" "
        "ContentType=\"application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>");
    if (st == CHISO_OK && d->page_numbers == CHISO_WORD_PAGENUM_FOOTER) {
        st = chiso_buf_puts(
            b, "<Override PartName=\"/word/footer1.xml\" "
               "ContentType=\"application/"
               "vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
               "\"/>");
    } else if (st == CHISO_OK && d->page_numbers == CHISO_WORD_PAGENUM_HEADER) {
        st = chiso_buf_puts(
            b, "<Override PartName=\"/word/header1.xml\" "
               "ContentType=\"application/"
               "vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
               "\"/><Override PartName=\"/word/header2.xml\" "
               "ContentType=\"application/"
               "vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
               "\"/>");
    }
    if (st == CHISO_OK) {
        st = chiso_buf_puts(
            b, "<Override PartName=\"/docProps/core.xml\" "
               "ContentType=\"application/"
               "vnd.openxmlformats-package.core-properties+xml\"/>"
               "<Override PartName=\"/docProps/app.xml\" "
               "ContentType=\"application/"
               "vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
               "</Types>");
    }
    return st;
}

static chiso_status
prop(chiso_buf *b, const char *tag, const char *value)
{
    chiso_status st;

    if (value == NULL) {
        return CHISO_OK;
    }
    st = chiso_buf_printf(b, "<%s>", tag);
    if (st == CHISO_OK) {
        st = chiso_word__xml_escape(b, value, strlen(value));
    }
    if (st == CHISO_OK) {
        st = chiso_buf_printf(b, "</%s>", tag);
    }
    return st;
}

static chiso_status
build_core(const chiso_word_doc *d, chiso_buf *b)
{
    chiso_status st;

    st = chiso_buf_puts(
        b, XML_DECL
        "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/"
        "package/2006/metadata/core-properties\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
        "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
    if (st == CHISO_OK) {
        st = prop(b, "dc:title", d->title);
    }
    if (st == CHISO_OK) {
        st = prop(b, "dc:subject", d->subject);
    }
    if (st == CHISO_OK) {
        st = prop(b, "dc:creator", d->author);
    }
    if (st == CHISO_OK && d->created != 0) {
        struct tm tm;
        char when[32];
        time_t t = d->created;
        gmtime_r(&t, &tm);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
        st = chiso_buf_printf(b,
                              "<dcterms:created xsi:type=\"dcterms:W3CDTF\">"
                              "%s</dcterms:created><dcterms:modified "
                              "xsi:type=\"dcterms:W3CDTF\">%s"
                              "</dcterms:modified>",
                              when, when);
    }
    if (st == CHISO_OK) {
        st = chiso_buf_puts(b, "</cp:coreProperties>");
    }
    return st;
}

#define SETTINGS                                                               \
    XML_DECL "<w:settings xmlns:w=\"" WORD_NS_W "\">"                          \
             "<w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"567\"/>"    \
             "<w:characterSpacingControl w:val=\"doNotCompress\"/>"            \
             "<w:compat><w:compatSetting w:name=\"compatibilityMode\" "        \
             "w:uri=\"http://schemas.microsoft.com/office/word\" "             \
             "w:val=\"15\"/></w:compat></w:settings>"

#define APP                                                                    \
    XML_DECL "<Properties xmlns=\"http://schemas.openxmlformats.org/"          \
             "officeDocument/2006/extended-properties\">"                      \
             "<Application>chiso</Application></Properties>"

#define ROOT_RELS                                                              \
    XML_DECL                                                                   \
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"   \
    "relationships\"><Relationship Id=\"rId1\" Type=\"" WORD_NS_R              \
    "/officeDocument\" Target=\"word/document.xml\"/>"                         \
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/"      \
    "package/2006/relationships/metadata/core-properties\" "                   \
    "Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" "                 \
    "Type=\"" WORD_NS_R "/extended-properties\" "                              \
    "Target=\"docProps/app.xml\"/></Relationships>"

chiso_status
chiso_word_to_memory(chiso_word_doc *d,
                     char **out,
                     size_t *len,
                     chiso_diag *diag)
{
    enum { CT, DOC, STY, NUM, RELS, CORE, HF1, HF2, NBUF };
    chiso_buf b[NBUF];
    word_part parts[16];
    word_part *all = NULL;
    char(*names)[48] = NULL;
    size_t n = 0, i;
    chiso_status st = CHISO_OK;

    *out = NULL;
    *len = 0;
    if (d->err.code == CHISO_OK && (d->in_para || d->in_table)) {
        chiso_word__fail(d, CHISO_EINVAL,
                         "the document ends inside a paragraph or a table");
    }
    if (d->err.code != CHISO_OK) {
        return chiso_word_error(d, diag);
    }
    for (i = 0; i < NBUF; i++) {
        b[i].data = NULL;
        b[i].len = b[i].cap = 0;
    }
    st = build_content_types(d, &b[CT]);
    if (st == CHISO_OK) {
        st = build_document(d, &b[DOC]);
    }
    if (st == CHISO_OK) {
        st = build_styles(d, &b[STY]);
    }
    if (st == CHISO_OK) {
        st = build_numbering(d, &b[NUM]);
    }
    if (st == CHISO_OK) {
        st = build_doc_rels(d, &b[RELS]);
    }
    if (st == CHISO_OK) {
        st = build_core(d, &b[CORE]);
    }
    if (st == CHISO_OK && d->page_numbers == CHISO_WORD_PAGENUM_FOOTER) {
        st = build_pagenum(&b[HF1], "ftr", "Footer");
    } else if (st == CHISO_OK && d->page_numbers == CHISO_WORD_PAGENUM_HEADER) {
        st = build_pagenum(&b[HF1], "hdr", "Header");
        if (st == CHISO_OK) {
            st = build_empty_header(&b[HF2]);
        }
    }
    if (st != CHISO_OK) {
        for (i = 0; i < NBUF; i++) {
            chiso_buf_free(&b[i]);
        }
        return chiso_diag_set(diag, st, NULL, 0, 0, "out of memory");
    }
#define ADD(nm, p, l, s)                                                       \
    do {                                                                       \
        parts[n].name = (nm);                                                  \
        parts[n].data = (p);                                                   \
        parts[n].len = (l);                                                    \
        parts[n].store = (s);                                                  \
        n++;                                                                   \
    } while (0)
    ADD("[Content_Types].xml", b[CT].data, b[CT].len, 0);
    ADD("_rels/.rels", ROOT_RELS, strlen(ROOT_RELS), 0);
    ADD("docProps/core.xml", b[CORE].data, b[CORE].len, 0);
    ADD("docProps/app.xml", APP, strlen(APP), 0);
    ADD("word/document.xml", b[DOC].data, b[DOC].len, 0);
    ADD("word/_rels/document.xml.rels", b[RELS].data, b[RELS].len, 0);
    ADD("word/styles.xml", b[STY].data, b[STY].len, 0);
    ADD("word/settings.xml", SETTINGS, strlen(SETTINGS), 0);
    ADD("word/numbering.xml", b[NUM].data, b[NUM].len, 0);
    if (d->page_numbers == CHISO_WORD_PAGENUM_FOOTER) {
        ADD("word/footer1.xml", b[HF1].data, b[HF1].len, 0);
    } else if (d->page_numbers == CHISO_WORD_PAGENUM_HEADER) {
        ADD("word/header1.xml", b[HF1].data, b[HF1].len, 0);
        ADD("word/header2.xml", b[HF2].data, b[HF2].len, 0);
    }
#undef ADD
    /* images after the XML parts */
    all = malloc((n + d->n_media) * sizeof(*all));
    names = malloc((d->n_media ? d->n_media : 1) * sizeof(*names));
    if (all == NULL || names == NULL) {
        st = chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    } else {
        memcpy(all, parts, n * sizeof(*all));
        for (i = 0; i < d->n_media; i++) {
            snprintf(names[i], sizeof(names[i]), "word/media/image%lu.png",
                     (unsigned long)i + 1);
            all[n + i].name = names[i];
            all[n + i].data = d->media[i].data;
            all[n + i].len = d->media[i].len;
            all[n + i].store = 1;
        }
        st = chiso_word__zip_build(all, n + d->n_media, out, len, diag);
    }
    free(all);
    free(names);
    for (i = 0; i < NBUF; i++) {
        chiso_buf_free(&b[i]);
    }
    return st;
}

chiso_status
chiso_word_write(chiso_word_doc *d, const char *path, chiso_diag *diag)
{
    char *data = NULL;
    size_t len = 0;
    chiso_status st;

    st = chiso_word_to_memory(d, &data, &len, diag);
    if (st == CHISO_OK) {
        st = chiso_file_write_atomic(path, data, len, diag);
    } else if (diag != NULL && diag->path[0] == '\0') {
        snprintf(diag->path, sizeof(diag->path), "%s", path);
    }
    free(data);
    return st;
}

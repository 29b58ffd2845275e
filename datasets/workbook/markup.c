/*
 * markup.c - "Excel" files that are markup: a web page (HTML table) or an
 * Excel 2003 XML spreadsheet (SpreadsheetML) saved under an .xls name.
 * Many one-stop systems and web registers export these ("Xuất Excel"
 * gives an HTML table named .xls), and Excel opens them with a warning; a
 * planning officer never sees the difference. Both are parsed with
 * libxml2 (its HTML parser recovers from the tag soup such pages are).
 *
 * Sheets: an HTML file gives one sheet per table, in document order, a
 * table inside another too ("Bảng 1", "Bảng 2", ... or the table's
 * caption; the rows of a table are its own, a cell holding a table reads
 * as that table's text, so a layout table around the data is passed over
 * by the search for the header), a SpreadsheetML
 * file one per Worksheet (its ss:Name). Rows are the table's rows in
 * order (thead, tbody, tfoot as written), numbered from 1.
 *
 * Cells: colspan/rowspan (ss:MergeAcross/ss:MergeDown) are merged ranges,
 * known before the first row; cells under a rowspan from above are skipped
 * the way a browser lays them out. An HTML cell is its text as shown: tags
 * dropped, runs of spaces one space, <br> and block ends a line break,
 * &nbsp; a space. SpreadsheetML cells keep their type: Number a number,
 * DateTime a date, Boolean a bool, String text; ss:Index moves to a column
 * or row.
 */
#include "workbook_int.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SS_NS "urn:schemas-microsoft-com:office:spreadsheet"
/* rowspan/colspan as browsers cap them */
#define MAX_COLSPAN 1000u
#define MAX_ROWSPAN 65534u

struct wb_markup {
    xmlDocPtr doc;
    int ss;             /* SpreadsheetML, else HTML */
    xmlNodePtr *tables; /* per sheet: <table> or <Worksheet> */
    xmlNodePtr *rows;   /* rows of the selected sheet */
    uint32_t *row_num;  /* their numbers */
    size_t n_rows, cap_rows, next;
    uint32_t *span; /* per column: rows still covered from above */
    size_t n_span;
    chiso_buf text;
};


/* ---- helpers ------------------------------------------------------------- */

static int
is_el(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE &&
           xmlStrcasecmp(n->name, (const xmlChar *)name) == 0;
}

/* An attribute as an unsigned number; dflt when absent or not a number. */
static uint32_t
attr_u32(xmlNodePtr n, const char *name, const char *ns, uint32_t dflt)
{
    xmlChar *v =
        ns != NULL ? xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)ns)
                   : xmlGetProp(n, (const xmlChar *)name);
    unsigned long x;
    char *end;

    if (v == NULL) {
        return dflt;
    }
    x = strtoul((const char *)v, &end, 10);
    if (end == (char *)v) {
        x = dflt;
    }
    xmlFree(v);
    return x > UINT32_MAX ? UINT32_MAX : (uint32_t)x;
}

static chiso_status
rows_add(struct wb_markup *m, xmlNodePtr row, uint32_t num)
{
    if (m->n_rows == m->cap_rows) {
        size_t cap = m->cap_rows ? m->cap_rows * 2 : 64;
        xmlNodePtr *r = realloc(m->rows, cap * sizeof(*r));
        uint32_t *k;
        if (r == NULL) {
            return CHISO_ENOMEM;
        }
        m->rows = r;
        k = realloc(m->row_num, cap * sizeof(*k));
        if (k == NULL) {
            return CHISO_ENOMEM;
        }
        m->row_num = k;
        m->cap_rows = cap;
    }
    m->rows[m->n_rows] = row;
    m->row_num[m->n_rows] = num;
    m->n_rows++;
    return CHISO_OK;
}

/* The <tr> of a table, not of a table inside it, in document order. */
static chiso_status
html_rows(struct wb_markup *m, xmlNodePtr n)
{
    xmlNodePtr c;
    chiso_status st;

    for (c = n->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_el(c, "table")) {
            continue;
        }
        if (is_el(c, "tr")) {
            st = rows_add(m, c, (uint32_t)m->n_rows + 1);
        } else {
            st = html_rows(m, c);
        }
        if (st != CHISO_OK) {
            return st;
        }
    }
    return CHISO_OK;
}

/* ---- cell text ------------------------------------------------------------ */

static int
is_block(const xmlNode *n)
{
    static const char *const b[] = {"p",  "div", "li", "tr", "h1", "h2",
                                    "h3", "h4",  "h5", "h6", "ul", "ol"};
    size_t i;

    for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
        if (is_el(n, b[i])) {
            return 1;
        }
    }
    return 0;
}

static void
collect(chiso_buf *b, xmlNodePtr n)
{
    xmlNodePtr c;

    for (c = n->children; c != NULL; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content != NULL) {
                chiso_buf_append(b, (const char *)c->content,
                                 strlen((const char *)c->content));
            }
        } else if (c->type == XML_ELEMENT_NODE) {
            if (is_el(c, "script") || is_el(c, "style")) {
                continue;
            }
            if (is_el(c, "br")) {
                chiso_buf_append(b, "\n", 1);
                continue;
            }
            if (is_block(c)) {
                chiso_buf_append(b, "\n", 1);
            }
            collect(b, c);
            if (is_block(c)) {
                chiso_buf_append(b, "\n", 1);
            }
        }
    }
}

/* In place: NBSP and runs of spaces one space, spaces around line breaks
 * and repeated line breaks dropped, none at the ends. */
static size_t
tidy(char *s, size_t n)
{
    size_t r = 0, w = 0;
    int space = 0, brk = 0;

    for (r = 0; r < n; r++) {
        unsigned char c = (unsigned char)s[r];
        if (c == 0xC2 && r + 1 < n && (unsigned char)s[r + 1] == 0xA0) {
            r++;
            space = 1;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
            space = 1;
            continue;
        }
        if (c == '\n') {
            brk = 1;
            continue;
        }
        if (w > 0) {
            if (brk) {
                s[w++] = '\n';
            } else if (space) {
                s[w++] = ' ';
            }
        }
        space = brk = 0;
        s[w++] = (char)c;
    }
    return w;
}

/* ---- rows ------------------------------------------------------------------ */

static chiso_status
span_room(struct wb_markup *m, size_t cols)
{
    if (cols > m->n_span) {
        size_t cap = m->n_span ? m->n_span : 16;
        uint32_t *s;
        while (cap < cols) {
            cap *= 2;
        }
        s = realloc(m->span, cap * sizeof(*s));
        if (s == NULL) {
            return CHISO_ENOMEM;
        }
        memset(s + m->n_span, 0, (cap - m->n_span) * sizeof(*s));
        m->span = s;
        m->n_span = cap;
    }
    return CHISO_OK;
}

/* Put a text cell (or, for SpreadsheetML, a typed one) at col. */
static chiso_status
put_cell(chiso_workbook *wb, struct wb_markup *m, uint32_t col, xmlNodePtr td)
{
    chiso_cell *c;
    chiso_status st;
    char *s;
    size_t n;
    xmlNodePtr data = NULL;
    xmlChar *type = NULL;

    m->text.len = 0;
    if (m->ss) {
        xmlNodePtr k;
        for (k = td->children; k != NULL; k = k->next) {
            if (is_el(k, "Data")) {
                data = k;
                break;
            }
        }
        if (data == NULL) {
            return CHISO_OK;
        }
        type =
            xmlGetNsProp(data, (const xmlChar *)"Type", (const xmlChar *)SS_NS);
        collect(&m->text, data);
    } else {
        collect(&m->text, td);
    }
    if (chiso_buf_reserve(&m->text, 1) != CHISO_OK) {
        xmlFree(type);
        return CHISO_ENOMEM;
    }
    s = m->text.data;
    n = m->text.len;
    if (s == NULL) {
        xmlFree(type);
        return CHISO_OK;
    }
    n = tidy(s, n);
    s[n] = '\0';
    if (n == 0) {
        xmlFree(type);
        return CHISO_OK;
    }
    st = chiso_workbook__cell_at(wb, col, &c);
    if (st != CHISO_OK) {
        xmlFree(type);
        return st;
    }
    if (type != NULL && xmlStrcmp(type, (const xmlChar *)"Number") == 0) {
        char num[48];
        size_t nl;
        double d;
        if (chiso_workbook__parse_number(s, n, &d, num, &nl)) {
            xmlFree(type);
            st = chiso_workbook__cell_text(wb, col, num, nl);
            c->kind = CHISO_CELL_NUMBER;
            c->number = d;
            chiso_workbook__cell_done(wb, col);
            return st;
        }
    } else if (type != NULL &&
               xmlStrcmp(type, (const xmlChar *)"DateTime") == 0) {
        char num[48];
        size_t nl;
        double d;
        int cls;
        if (chiso_workbook__parse_iso(s, n, &d, &cls)) {
            /* "2024-03-01T00:00:00.000" is a date, with a time a date and
             * time */
            if (cls == WB_FMT_DATETIME && !(d > floor(d))) {
                cls = WB_FMT_DATE;
            }
            nl = chiso_workbook__format_serial(d, cls, num);
            if (nl > 0) {
                xmlFree(type);
                st = chiso_workbook__cell_text(wb, col, num, nl);
                c->kind = CHISO_CELL_DATE;
                c->number = d;
                chiso_workbook__cell_done(wb, col);
                return st;
            }
        }
    } else if (type != NULL &&
               xmlStrcmp(type, (const xmlChar *)"Boolean") == 0) {
        int t = n == 1 && s[0] == '1';
        xmlFree(type);
        st =
            chiso_workbook__cell_text(wb, col, t ? "TRUE" : "FALSE", t ? 4 : 5);
        c->kind = CHISO_CELL_BOOL;
        c->number = t;
        chiso_workbook__cell_done(wb, col);
        return st;
    }
    xmlFree(type);
    st = chiso_workbook__cell_text(wb, col, s, n);
    c->kind = CHISO_CELL_TEXT;
    chiso_workbook__cell_done(wb, col);
    return st;
}

/*
 * Lay out one row: its cells placed at their columns past the cells
 * covered from above, merges recorded (pass 1) or cells put (pass 2).
 */
static chiso_status
lay_row(chiso_workbook *wb, struct wb_markup *m, size_t i, int cells)
{
    xmlNodePtr tr = m->rows[i], td;
    uint32_t row = m->row_num[i], col = 1, k;
    size_t n_cover = m->n_span;
    uint32_t *before = NULL;
    chiso_status st = CHISO_OK;

    /* the columns covered from above when the row starts */
    if (n_cover > 0) {
        before = malloc(n_cover * sizeof(*before));
        if (before == NULL) {
            return CHISO_ENOMEM;
        }
        memcpy(before, m->span, n_cover * sizeof(*before));
    }
    for (td = tr->children; td != NULL && st == CHISO_OK; td = td->next) {
        uint32_t cs, rs;
        if (m->ss ? !is_el(td, "Cell")
                  : !(is_el(td, "td") || is_el(td, "th"))) {
            continue;
        }
        if (m->ss) {
            uint32_t at = attr_u32(td, "Index", SS_NS, 0);
            if (at > col) {
                col = at;
            }
            cs = attr_u32(td, "MergeAcross", SS_NS, 0) + 1;
            rs = attr_u32(td, "MergeDown", SS_NS, 0) + 1;
        } else {
            while (col <= n_cover && before[col - 1] > 0) {
                col++;
            }
            cs = attr_u32(td, "colspan", NULL, 1);
            rs = attr_u32(td, "rowspan", NULL, 1);
        }
        cs = cs < 1 ? 1 : cs > MAX_COLSPAN ? MAX_COLSPAN : cs;
        rs = rs < 1 ? 1 : rs > MAX_ROWSPAN ? MAX_ROWSPAN : rs;
        if (col + cs - 1 > CHISO_WORKBOOK_MAX_COLS) {
            st = CHISO_EDATA;
            break;
        }
        if (!cells && (cs > 1 || rs > 1)) {
            chiso_workbook_range r;
            r.first_col = col;
            r.last_col = col + cs - 1;
            r.first_row = row;
            r.last_row = row + rs - 1;
            st = chiso_workbook__add_merge(wb, &r);
        } else if (cells) {
            st = put_cell(wb, m, col, td);
        }
        if (st == CHISO_OK && !m->ss && rs > 1) {
            st = span_room(m, col + cs - 1);
            for (k = col; st == CHISO_OK && k < col + cs; k++) {
                m->span[k - 1] = rs - 1;
            }
        }
        col += cs;
    }
    /* the rows covered from above are one fewer */
    for (k = 0; k < n_cover && st == CHISO_OK; k++) {
        if (before[k] > 0 && m->span[k] == before[k]) {
            m->span[k]--;
        }
    }
    free(before);
    return st;
}

/* ---- back end -------------------------------------------------------------- */

static void
markup_clear_rows(struct wb_markup *m)
{
    m->n_rows = 0;
    m->next = 0;
    if (m->span != NULL) {
        memset(m->span, 0, m->n_span * sizeof(*m->span));
    }
}

static chiso_status
add_sheet(chiso_workbook *wb, struct wb_markup *m, xmlNodePtr t, char *name)
{
    wb_sheet *s = realloc(wb->sheets, (wb->n_sheets + 1) * sizeof(*s));
    xmlNodePtr *tt;

    if (s == NULL) {
        free(name);
        return CHISO_ENOMEM;
    }
    wb->sheets = s;
    tt = realloc(m->tables, (wb->n_sheets + 1) * sizeof(*tt));
    if (tt == NULL) {
        free(name);
        return CHISO_ENOMEM;
    }
    m->tables = tt;
    memset(&s[wb->n_sheets], 0, sizeof(*s));
    s[wb->n_sheets].name = name;
    m->tables[wb->n_sheets] = t;
    wb->n_sheets++;
    return CHISO_OK;
}

static chiso_status
html_sheets(chiso_workbook *wb, struct wb_markup *m, xmlNodePtr n)
{
    xmlNodePtr c;
    chiso_status st;

    for (c = n; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (is_el(c, "table")) {
            char buf[64];
            snprintf(buf, sizeof(buf), "Bảng %zu", wb->n_sheets + 1);
            st = add_sheet(wb, m, c, chiso_strdup(buf));
            if (st != CHISO_OK) {
                return st;
            }
        }
        if (c->children != NULL) {
            st = html_sheets(wb, m, c->children);
            if (st != CHISO_OK) {
                return st;
            }
        }
    }
    return CHISO_OK;
}

static chiso_status
ss_sheets(chiso_workbook *wb, struct wb_markup *m, xmlNodePtr root)
{
    xmlNodePtr c;
    chiso_status st;

    for (c = root->children; c != NULL; c = c->next) {
        xmlChar *name;
        char buf[64];
        if (!is_el(c, "Worksheet")) {
            continue;
        }
        name = xmlGetNsProp(c, (const xmlChar *)"Name", (const xmlChar *)SS_NS);
        snprintf(buf, sizeof(buf), "Sheet%zu", wb->n_sheets + 1);
        st = add_sheet(wb, m, c,
                       chiso_strdup(name != NULL && name[0] != '\0'
                                        ? (const char *)name
                                        : buf));
        xmlFree(name);
        if (st != CHISO_OK) {
            return st;
        }
    }
    return CHISO_OK;
}

chiso_status
chiso_workbook__markup_open(chiso_workbook *wb,
                            const void *data,
                            size_t len,
                            chiso_diag *diag)
{
    struct wb_markup *m;
    chiso_status st;
    size_t i;

    if (len > (size_t)INT32_MAX) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "the web page is too large to read (more than "
                              "2 GiB)");
    }
    m = calloc(1, sizeof(*m));
    if (m == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                              "out of memory");
    }
    wb->mk = m;
    m->ss = wb->format == CHISO_WORKBOOK_XML2003;
    if (m->ss) {
        m->doc = xmlReadMemory(data, (int)len, NULL, NULL,
                               XML_PARSE_NONET | XML_PARSE_NOERROR |
                                   XML_PARSE_NOWARNING | XML_PARSE_HUGE);
    } else {
        /* a page without a charset is read as UTF-8 when its bytes are
         * (libxml2 would assume ISO-8859-1 and garble Vietnamese) */
        m->doc =
            htmlReadMemory(data, (int)len, NULL,
                           chiso_utf8_valid(data, len, NULL) ? "UTF-8" : NULL,
                           HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                               HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    }
    if (m->doc == NULL || xmlDocGetRootElement(m->doc) == NULL) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              m->ss ? "this Excel 2003 XML spreadsheet is "
                                      "damaged (not well-formed XML)"
                                    : "this web page cannot be read");
    }
    st = m->ss ? ss_sheets(wb, m, xmlDocGetRootElement(m->doc))
               : html_sheets(wb, m, xmlDocGetRootElement(m->doc));
    if (st != CHISO_OK) {
        return chiso_diag_set(diag, st, wb->path, 0, 0, "out of memory");
    }
    if (!m->ss) {
        /* a caption names its table */
        for (i = 0; i < wb->n_sheets; i++) {
            xmlNodePtr c;
            for (c = m->tables[i]->children; c != NULL; c = c->next) {
                if (is_el(c, "caption")) {
                    chiso_buf b = CHISO_BUF_INIT;
                    collect(&b, c);
                    if (b.len > 0 && chiso_buf_reserve(&b, 1) == CHISO_OK) {
                        b.len = tidy(b.data, b.len);
                        b.data[b.len] = '\0';
                        if (b.len > 0 && b.len < 100 &&
                            strchr(b.data, '\n') == NULL) {
                            free(wb->sheets[i].name);
                            wb->sheets[i].name = b.data;
                            b.data = NULL;
                        }
                    }
                    chiso_buf_free(&b);
                    break;
                }
            }
            if (wb->sheets[i].name == NULL) {
                return chiso_diag_set(diag, CHISO_ENOMEM, wb->path, 0, 0,
                                      "out of memory");
            }
        }
    }
    if (wb->n_sheets == 0) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              m->ss ? "this Excel 2003 XML spreadsheet has "
                                      "no worksheet"
                                    : "this web page has no table to read");
    }
    return CHISO_OK;
}

/* The rows of sheet i, numbered. */
static chiso_status
sheet_rows(struct wb_markup *m, size_t i)
{
    xmlNodePtr t, r;
    uint32_t num = 0;
    chiso_status st = CHISO_OK;

    if (!m->ss) {
        return html_rows(m, m->tables[i]);
    }
    for (t = m->tables[i]->children; t != NULL; t = t->next) {
        if (!is_el(t, "Table")) {
            continue;
        }
        for (r = t->children; r != NULL && st == CHISO_OK; r = r->next) {
            uint32_t at;
            if (!is_el(r, "Row")) {
                continue;
            }
            at = attr_u32(r, "Index", SS_NS, 0);
            num = at > num ? at : num + 1;
            st = rows_add(m, r, num);
        }
        break;
    }
    return st;
}

chiso_status
chiso_workbook__markup_select(chiso_workbook *wb, size_t i, chiso_diag *diag)
{
    struct wb_markup *m = wb->mk;
    chiso_status st = CHISO_OK;
    size_t k;

    markup_clear_rows(m);
    st = sheet_rows(m, i);
    /* pass 1: the merges, before any row is read */
    for (k = 0; k < m->n_rows && st == CHISO_OK; k++) {
        st = lay_row(wb, m, k, 0);
    }
    if (st == CHISO_OK) {
        chiso_workbook__merges_done(wb);
    }
    markup_clear_rows(m);
    m->n_rows = 0;
    if (st == CHISO_OK) {
        /* the rows again (the list was cleared with the spans) */
        st = sheet_rows(m, i);
    }
    if (st == CHISO_ENOMEM) {
        return chiso_diag_set(diag, st, wb->path, 0, 0, "out of memory");
    }
    if (st != CHISO_OK) {
        return chiso_diag_set(diag, CHISO_EPARSE, wb->path, 0, 0,
                              "the table is too wide (more than %u columns)",
                              (unsigned)CHISO_WORKBOOK_MAX_COLS);
    }
    return CHISO_OK;
}

chiso_status
chiso_workbook__markup_next(chiso_workbook *wb, chiso_diag *diag)
{
    struct wb_markup *m = wb->mk;

    while (m->next < m->n_rows) {
        size_t i = m->next++;
        chiso_status st;
        chiso_workbook__row_begin(wb, m->row_num[i]);
        st = lay_row(wb, m, i, 1);
        if (st == CHISO_ENOMEM) {
            return chiso_diag_set(diag, st, wb->path, 0, 0, "out of memory");
        }
        if (st != CHISO_OK) {
            char pos[512];
            chiso_workbook_position(wb, 0, m->row_num[i], pos, sizeof(pos));
            return chiso_diag_set(diag, CHISO_EPARSE, pos, 0, 0,
                                  "the cell is too large (more than %u "
                                  "bytes of text in the cell or %u in the "
                                  "row)",
                                  CHISO_WORKBOOK_MAX_CELL_BYTES,
                                  CHISO_WORKBOOK_MAX_ROW_BYTES);
        }
        if (chiso_workbook__row_end(wb)) {
            return CHISO_OK;
        }
    }
    return CHISO_DONE;
}

void
chiso_workbook__markup_free(chiso_workbook *wb)
{
    struct wb_markup *m = wb->mk;

    if (m == NULL) {
        return;
    }
    if (m->doc != NULL) {
        xmlFreeDoc(m->doc);
    }
    free(m->tables);
    free(m->rows);
    free(m->row_num);
    free(m->span);
    chiso_buf_free(&m->text);
    free(m);
    wb->mk = NULL;
}

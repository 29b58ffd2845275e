/*
 * test_word.c - the .docx writer and the template fill.
 *
 * Templates come from tests/data/word (made by make_templates.py the way
 * Word saves them, placeholders split across runs). The filled text is read
 * back from the zip here; tests/data/word/check_word_lo.py converts the
 * same documents with LibreOffice (ctest word.libreoffice).
 *
 * `test_word --write DIR` writes the sample documents into DIR and exits.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chiso_word.h"
#include "helpers.h"
#include "word_int.h"

#include <cjson/cJSON.h>
#include <sys/stat.h>
#include <zip.h>

/* ---- helpers ---------------------------------------------------------------- */

/* Entry `name` of a zip in memory (NUL-terminated, caller frees), or
 * NULL. */
static char *
zip_entry(const char *zbytes, size_t zlen, const char *name, size_t *len)
{
    zip_error_t ze;
    zip_source_t *src;
    zip_t *za;
    zip_file_t *zf;
    zip_stat_t sb;
    char *buf = NULL;

    zip_error_init(&ze);
    src = zip_source_buffer_create(zbytes, zlen, 0, &ze);
    za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (za == NULL) {
        zip_source_free(src);
        zip_error_fini(&ze);
        return NULL;
    }
    if (zip_stat(za, name, 0, &sb) == 0 && (zf = zip_fopen(za, name, 0))) {
        buf = malloc(sb.size + 1);
        zip_fread(zf, buf, sb.size);
        buf[sb.size] = '\0';
        if (len != NULL) {
            *len = sb.size;
        }
        zip_fclose(zf);
    }
    zip_close(za);
    zip_error_fini(&ze);
    return buf;
}

/* CRC and compressed size of an entry (to prove it was copied as is). */
static int
entry_stat(const char *zbytes,
           size_t zlen,
           const char *name,
           uint32_t *crc,
           uint64_t *csize,
           time_t *mtime)
{
    zip_error_t ze;
    zip_source_t *src;
    zip_t *za;
    zip_stat_t sb;
    int ok = -1;

    zip_error_init(&ze);
    src = zip_source_buffer_create(zbytes, zlen, 0, &ze);
    za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (za != NULL && zip_stat(za, name, 0, &sb) == 0) {
        *crc = sb.crc;
        *csize = sb.comp_size;
        *mtime = sb.mtime;
        ok = 0;
    }
    if (za != NULL) {
        zip_close(za);
    } else {
        zip_source_free(src);
    }
    zip_error_fini(&ze);
    return ok;
}

/* The visible text of a WordprocessingML part: paragraphs on lines, tags
 * dropped, entities decoded, <w:tab/> as a tab. */
static char *
xml_text(const char *xml)
{
    size_t n = strlen(xml), o = 0;
    char *out = malloc(n + 1);
    const char *p = xml;

    while (*p != '\0') {
        if (*p == '<') {
            if (strncmp(p, "</w:p>", 6) == 0) {
                out[o++] = '\n';
            } else if (strncmp(p, "<w:tab/>", 8) == 0) {
                out[o++] = '\t';
            } else if (strncmp(p, "<w:instrText", 12) == 0) {
                p = strstr(p, "</w:instrText>");
            }
            p = strchr(p, '>');
            p = p ? p + 1 : xml + n;
            continue;
        }
        if (*p == '&') {
            static const char *const ent[4][2] = {
                {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}};
            int k, done = 0;
            for (k = 0; k < 4 && !done; k++) {
                size_t l = strlen(ent[k][0]);
                if (strncmp(p, ent[k][0], l) == 0) {
                    out[o++] = ent[k][1][0];
                    p += l;
                    done = 1;
                }
            }
            if (done) {
                continue;
            }
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
    return out;
}

static char *
docx_text(const char *zbytes, size_t zlen, const char *part)
{
    char *xml = zip_entry(zbytes, zlen, part, NULL), *t;

    if (xml == NULL) {
        return NULL;
    }
    t = xml_text(xml);
    free(xml);
    return t;
}

static cJSON *
load_json(const char *rel)
{
    char *text = NULL;
    size_t len = 0;
    chiso_diag g;
    cJSON *j;

    chiso_diag_clear(&g);
    assert_int_equal(chiso_file_read_all(chiso_test_path(rel), &text, &len, &g),
                     CHISO_OK);
    j = cJSON_Parse(text);
    free(text);
    assert_non_null(j);
    return j;
}

static char *
read_file(const char *path, size_t *len)
{
    char *data = NULL;
    chiso_diag g;

    chiso_diag_clear(&g);
    assert_int_equal(chiso_file_read_all(path, &data, len, &g), CHISO_OK);
    return data;
}

#define assert_contains(hay, needle)                                           \
    do {                                                                       \
        if (strstr((hay), (needle)) == NULL) {                                 \
            fail_msg("'%s' not found in:\n%s", (needle), (hay));               \
        }                                                                      \
    } while (0)

/* ---- numbers ------------------------------------------------------------------ */

static void
fmt(double x, const char *spec, chiso_lang lang, const char *want)
{
    word_format f;
    char out[80];

    assert_int_equal(chiso_word__format_parse(spec, &f), 0);
    chiso_word__format_number(x, &f, lang, out, sizeof(out));
    if (strcmp(out, want) != 0) {
        fail_msg("%.17g:%s -> '%s', expected '%s'", x, spec ? spec : "", out,
                 want);
    }
}

static void
test_numbers(void **state)
{
    word_format f;

    (void)state;
    fmt(81.23, NULL, CHISO_LANG_VI, "81,23");
    fmt(81.23, NULL, CHISO_LANG_EN, "81.23");
    fmt(81.2349, "2", CHISO_LANG_VI, "81,23");
    fmt(2.675, "2", CHISO_LANG_VI, "2,68"); /* half up, as a person rounds */
    fmt(92.45, "1", CHISO_LANG_VI, "92,5");
    fmt(90, "1", CHISO_LANG_VI, "90,0");
    fmt(2024, NULL, CHISO_LANG_VI, "2024"); /* a year is never 2.024 */
    fmt(9999, NULL, CHISO_LANG_VI, "9999");
    fmt(12345, NULL, CHISO_LANG_VI, "12.345");
    fmt(12345, NULL, CHISO_LANG_EN, "12,345");
    fmt(1234567.891, "2", CHISO_LANG_VI, "1.234.567,89");
    fmt(1234567.891, "2", CHISO_LANG_EN, "1,234,567.89");
    fmt(20241, "plain", CHISO_LANG_VI, "20241");
    fmt(-0.001, "2", CHISO_LANG_VI, "0,00"); /* no "-0,00" */
    fmt(-12.5, NULL, CHISO_LANG_VI, "-12,5");
    fmt(-123456, NULL, CHISO_LANG_VI, "-123.456");
    fmt(0.00001, NULL, CHISO_LANG_VI, "0,00001"); /* no exponent */
    fmt(7, "0", CHISO_LANG_VI, "7");
    fmt(6.5, "0", CHISO_LANG_VI, "7");
    assert_int_equal(chiso_word__format_parse("7", &f), -1);
    assert_int_equal(chiso_word__format_parse("2f", &f), -1);
    assert_int_equal(chiso_word__format_parse("Date", &f), -1);
}

/* ---- the writer -------------------------------------------------------------- */

static const char *
png_path(void)
{
    return chiso_test_path("tests/plots/ref/bars.ref.png");
}

/* The sample report: every kind of block. */
static chiso_status
build_report(chiso_word_doc **out, chiso_word_page_numbers pn, int rows)
{
    chiso_word_doc *d = NULL;
    chiso_word_options o = CHISO_WORD_OPTIONS_INIT;
    chiso_diag g;
    chiso_status st;
    static const chiso_word_column cols[] = {
        {"STT", 1.2, CHISO_WORD_CENTER},
        {"Tiêu chí", 0, CHISO_WORD_LEFT},
        {"Điểm tối đa", 2.6, CHISO_WORD_RIGHT},
        {"Điểm đạt", 2.6, CHISO_WORD_RIGHT}};
    static const unsigned span_area[] = {1, 3};
    int i;

    chiso_diag_clear(&g);
    o.page_numbers = pn;
    o.title = "Báo cáo kết quả CCHC 6 tháng cuối năm 2024";
    o.author = "Sở Khoa học và Công nghệ";
    st = chiso_word_new(&d, &o, &g);
    if (st != CHISO_OK) {
        return st;
    }
    chiso_word_letterhead(d, "UBND TỈNH HƯNG YÊN", "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
                          "Số: 215/BC-SKHCN",
                          "Hưng Yên, ngày 31 tháng 12 năm 2024");
    chiso_word_para_begin(d, CHISO_WORD_CENTER, 0);
    chiso_word_run(d, "BÁO CÁO", CHISO_WORD_BOLD);
    chiso_word_para_end(d);
    chiso_word_para_begin(d, CHISO_WORD_CENTER, 0);
    chiso_word_run(d,
                   "Kết quả thực hiện công tác cải cách hành chính\n"
                   "6 tháng cuối năm 2024",
                   CHISO_WORD_BOLD);
    chiso_word_para_end(d);
    chiso_word_heading(d, 1, "I. KẾT QUẢ THỰC HIỆN");
    chiso_word_heading(d, 2, "1. Công tác chỉ đạo, điều hành");
    chiso_word_para_begin(d, CHISO_WORD_JUSTIFY, 1);
    chiso_word_run(d, "Chỉ số CCHC tự chấm đạt ", 0);
    chiso_word_run(d, "81,23 %", CHISO_WORD_BOLD);
    chiso_word_run(d, ", xếp loại ", 0);
    chiso_word_run(d, "Khá", CHISO_WORD_ITALIC);
    chiso_word_run(d, "; tỷ lệ hồ sơ đúng hạn\tđạt 92,5 %.", 0);
    chiso_word_para_end(d);
    chiso_word_heading(d, 3, "a) Ban hành kế hoạch");
    chiso_word_paragraph(d, "Đơn vị đã ban hành kế hoạch CCHC năm 2024 đúng "
                            "thời hạn & đầy đủ nội dung <theo hướng dẫn>.");
    chiso_word_list_item(d, CHISO_WORD_NUMBERED, 0, "Kế hoạch CCHC năm.");
    chiso_word_list_item(d, CHISO_WORD_NUMBERED, 0, "Kế hoạch kiểm tra.");
    chiso_word_list_item(d, CHISO_WORD_NUMBERED, 1, "Kiểm tra nội bộ.");
    chiso_word_list_item(d, CHISO_WORD_BULLET, 0, "Tuyên truyền CCHC.");
    chiso_word_list_item(d, CHISO_WORD_BULLET, 1, "Trên cổng thông tin.");
    chiso_word_paragraph(d, "Danh sách thứ hai bắt đầu lại từ 1:");
    chiso_word_list_item(d, CHISO_WORD_NUMBERED, 0, "Mục một.");
    chiso_word_list_begin(d, CHISO_WORD_NUMBERED, 0);
    chiso_word_run(d, "Mục hai ", 0);
    chiso_word_run(d, "in đậm", CHISO_WORD_BOLD);
    chiso_word_para_end(d);
    chiso_word_table_begin(d, cols, 4, "Kết quả tự chấm theo tiêu chí");
    {
        const char *area[] = {"I", "Công tác chỉ đạo, điều hành"};
        chiso_word_table_row_spans(d, area, span_area, 2, CHISO_WORD_BOLD);
    }
    for (i = 0; i < rows; i++) {
        char a[16], b[96], c[16], e[16];
        const char *cells[4];
        snprintf(a, sizeof(a), "%d", i + 1);
        snprintf(b, sizeof(b), "Tiêu chí thành phần số %d về cải cách", i + 1);
        snprintf(c, sizeof(c), "%d,00", 1 + i % 3);
        snprintf(e, sizeof(e), "%d,50", i % 3);
        cells[0] = a;
        cells[1] = b;
        cells[2] = c;
        cells[3] = e;
        chiso_word_table_row(d, cells, 0);
    }
    {
        /* a vertical merge: "Ghi chú" spans two rows in column 2 */
        const char *r1[] = {"A", "Ô gộp dọc", "1,00", "1,00"};
        const char *r2[] = {"B", CHISO_WORD_MERGE_UP, "2,00", "2,00"};
        const char *tot[] = {"", "Tổng cộng", "95,00", "81,23"};
        chiso_word_table_row(d, r1, 0);
        chiso_word_table_row(d, r2, 0);
        chiso_word_table_row(d, tot, CHISO_WORD_BOLD);
    }
    chiso_word_table_end(d);
    chiso_word_image_file(d, png_path(), 14, "Điểm theo lĩnh vực",
                          "Biểu đồ cột điểm của từng lĩnh vực");
    chiso_word_heading(d, 1, "II. TỒN TẠI, HẠN CHẾ");
    chiso_word_paragraph(d, "Tỷ lệ hồ sơ trễ hạn còn cao.");
    chiso_word_page_break(d);
    chiso_word_heading(d, 1, "III. PHƯƠNG HƯỚNG");
    chiso_word_paragraph(d, "Nâng tỷ lệ số hóa hồ sơ lên 90 %.");
    *out = d;
    st = chiso_word_error(d, &g);
    if (st != CHISO_OK) {
        fprintf(stderr, "build_report: %s\n", g.message);
    }
    return st;
}

static void
test_write_report(void **state)
{
    chiso_word_doc *d = NULL;
    char *a = NULL, *b = NULL, *text, *core, *ct;
    size_t na = 0, nb = 0;
    chiso_diag g;

    (void)state;
    chiso_diag_clear(&g);
    assert_int_equal(build_report(&d, CHISO_WORD_PAGENUM_FOOTER, 30), CHISO_OK);
    assert_int_equal(chiso_word_to_memory(d, &a, &na, &g), CHISO_OK);
    chiso_word_free(d);
    /* the same calls give the same bytes */
    assert_int_equal(build_report(&d, CHISO_WORD_PAGENUM_FOOTER, 30), CHISO_OK);
    assert_int_equal(chiso_word_to_memory(d, &b, &nb, &g), CHISO_OK);
    chiso_word_free(d);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    /* every entry dated 1980-01-01 00:00 (local header bytes 10..13:
     * time 0x0000, date 0x0021) */
    assert_int_equal((unsigned char)a[10], 0);
    assert_int_equal((unsigned char)a[11], 0);
    assert_int_equal((unsigned char)a[12], 0x21);
    assert_int_equal((unsigned char)a[13], 0);
    /* the first entry is the content types */
    assert_memory_equal(a + 30, "[Content_Types].xml", 19);
    text = docx_text(a, na, "word/document.xml");
    assert_non_null(text);
    assert_contains(text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    assert_contains(text, "Độc lập - Tự do - Hạnh phúc");
    assert_contains(text, "Bảng 1. Kết quả tự chấm theo tiêu chí");
    assert_contains(text, "Hình 1. Điểm theo lĩnh vực");
    assert_contains(text, "đúng thời hạn & đầy đủ nội dung <theo hướng dẫn>.");
    assert_contains(text, "Chỉ số CCHC tự chấm đạt 81,23 %, xếp loại Khá");
    free(text);
    /* document properties: no date unless asked */
    core = zip_entry(a, na, "docProps/core.xml", NULL);
    assert_non_null(core);
    assert_null(strstr(core, "dcterms:created"));
    assert_contains(core, "<dc:title>Báo cáo kết quả CCHC");
    free(core);
    ct = zip_entry(a, na, "[Content_Types].xml", NULL);
    assert_contains(ct, "/word/footer1.xml");
    free(ct);
    /* the image is embedded as it was */
    {
        size_t nimg = 0, npng = 0;
        char *img = zip_entry(a, na, "word/media/image1.png", &nimg);
        char *png = read_file(png_path(), &npng);
        assert_non_null(img);
        assert_int_equal(nimg, npng);
        assert_memory_equal(img, png, npng);
        free(img);
        free(png);
    }
    /* well-formed XML: the fill parses every part it reads */
    {
        cJSON *empty = cJSON_CreateObject();
        char *f = NULL;
        size_t nf = 0;
        chiso_diag_list pl;
        chiso_diag_list_init(&pl, 10);
        assert_int_equal(chiso_word_fill_mem("report.docx", a, na, empty, NULL,
                                             &f, &nf, &pl, &g),
                         CHISO_OK);
        assert_int_equal(chiso_diag_list_total(&pl), 0);
        free(f);
        chiso_diag_list_free(&pl);
        cJSON_Delete(empty);
    }
    free(a);
    free(b);
}

static void
test_write_header_pagenum(void **state)
{
    chiso_word_doc *d = NULL;
    char *a = NULL, *doc, *ct;
    size_t na = 0;
    chiso_diag g;

    (void)state;
    chiso_diag_clear(&g);
    assert_int_equal(build_report(&d, CHISO_WORD_PAGENUM_HEADER, 5), CHISO_OK);
    assert_int_equal(chiso_word_to_memory(d, &a, &na, &g), CHISO_OK);
    chiso_word_free(d);
    doc = zip_entry(a, na, "word/document.xml", NULL);
    assert_contains(doc, "<w:titlePg/>");
    assert_contains(doc, "w:type=\"first\" r:id=\"rIdHeader2\"");
    ct = zip_entry(a, na, "[Content_Types].xml", NULL);
    assert_null(strstr(ct, "footer"));
    free(ct);
    free(doc);
    free(a);
}

static void
test_write_options(void **state)
{
    chiso_word_doc *d = NULL;
    chiso_word_options o = CHISO_WORD_OPTIONS_INIT;
    chiso_diag g;
    char *a = NULL, *core, *styles;
    size_t na = 0;

    (void)state;
    chiso_diag_clear(&g);
    o.font_size_pt = 20;
    assert_int_equal(chiso_word_new(&d, &o, &g), CHISO_EUSAGE);
    assert_null(d);
    assert_non_null(strstr(g.message, "font_size_pt"));
    o = (chiso_word_options)CHISO_WORD_OPTIONS_INIT;
    o.margin_left_cm = 10;
    o.margin_right_cm = 10;
    chiso_diag_clear(&g);
    assert_int_equal(chiso_word_new(&d, &o, &g), CHISO_EUSAGE);
    o = (chiso_word_options)CHISO_WORD_OPTIONS_INIT;
    o.created = 1719705600; /* 2024-06-30 */
    o.font_size_pt = 13;
    o.lang = CHISO_LANG_EN;
    chiso_diag_clear(&g);
    assert_int_equal(chiso_word_new(&d, &o, &g), CHISO_OK);
    chiso_word_paragraph(d, "An empty report.");
    assert_int_equal(chiso_word_to_memory(d, &a, &na, &g), CHISO_OK);
    chiso_word_free(d);
    core = zip_entry(a, na, "docProps/core.xml", NULL);
    assert_contains(core, "2024-06-30T00:00:00Z</dcterms:created>");
    styles = zip_entry(a, na, "word/styles.xml", NULL);
    assert_contains(styles, "<w:sz w:val=\"26\"/>");
    assert_contains(styles, "w:val=\"en-GB\"");
    assert_contains(styles, "w:ascii=\"Times New Roman\"");
    free(core);
    free(styles);
    free(a);
}

static void
test_write_errors(void **state)
{
    chiso_word_doc *d = NULL;
    chiso_diag g;
    char *a = NULL;
    size_t na = 0;
    static const chiso_word_column cols[] = {{"A", 0, 0}, {"B", 0, 0}};
    static const chiso_word_column wide[] = {{"A", 10, 0}, {"B", 10, 0}};
    const char *row1[] = {"x"};
    const unsigned span3[] = {3};
    const char *path = "/tmp/chiso_word_never_written.docx";

    (void)state;
#define FRESH()                                                                \
    do {                                                                       \
        chiso_word_free(d);                                                    \
        d = NULL;                                                              \
        chiso_diag_clear(&g);                                                  \
        g.lang = CHISO_LANG_EN;                                                \
        assert_int_equal(chiso_word_new(&d, NULL, &g), CHISO_OK);              \
    } while (0)
    FRESH();
    assert_int_equal(chiso_word_paragraph(d, "bad \xff byte"), CHISO_EDATA);
    /* later calls keep the first error */
    assert_int_equal(chiso_word_heading(d, 1, "x"), CHISO_EDATA);
    unlink(path);
    assert_int_equal(chiso_word_write(d, path, &g), CHISO_EDATA);
    assert_int_equal(access(path, F_OK), -1);
    /* Vietnamese by default */
    assert_non_null(strstr(g.message, "UTF-8"));
    FRESH();
    assert_int_equal(chiso_word_paragraph(d, "bell\a"), CHISO_EDATA);
    FRESH();
    assert_int_equal(chiso_word_heading(d, 4, "x"), CHISO_EINVAL);
    FRESH();
    assert_int_equal(chiso_word_table_begin(d, wide, 2, NULL), CHISO_EINVAL);
    FRESH();
    assert_int_equal(chiso_word_table_begin(d, cols, 2, NULL), CHISO_OK);
    assert_int_equal(chiso_word_table_row_spans(d, row1, span3, 1, 0),
                     CHISO_EINVAL);
    FRESH();
    assert_int_equal(chiso_word_table_begin(d, cols, 2, NULL), CHISO_OK);
    {
        const char *r[] = {CHISO_WORD_MERGE_UP, "x"};
        assert_int_equal(chiso_word_table_row(d, r, 0), CHISO_OK);
        assert_int_equal(chiso_word_table_end(d), CHISO_EINVAL);
    }
    FRESH();
    assert_int_equal(chiso_word_image_png(d, "GIF89a........................",
                                          30, 0, NULL, NULL),
                     CHISO_EDATA);
    FRESH();
    assert_int_equal(chiso_word_para_begin(d, CHISO_WORD_LEFT, 0), CHISO_OK);
    assert_int_equal(chiso_word_to_memory(d, &a, &na, &g), CHISO_EINVAL);
    assert_null(a);
    FRESH();
    assert_int_equal(chiso_word_run(d, "x", 0), CHISO_EINVAL);
    FRESH();
    assert_int_equal(
        chiso_word_image_file(d, "/nonexistent.png", 0, NULL, NULL), CHISO_EIO);
    chiso_word_free(d);
#undef FRESH
}

/* ---- the fill ---------------------------------------------------------------- */

static void
fill(const char *tpl_rel,
     const char *json_rel,
     chiso_lang lang,
     chiso_status want,
     char **out,
     size_t *out_len,
     chiso_diag_list *pl)
{
    size_t n = 0;
    char *tpl = read_file(chiso_test_path(tpl_rel), &n);
    cJSON *j = load_json(json_rel);
    chiso_word_fill_options o = CHISO_WORD_FILL_OPTIONS_INIT;
    chiso_diag g;

    chiso_diag_clear(&g);
    g.lang = lang;
    o.lang = lang;
    chiso_diag_list_init(pl, 50);
    pl->lang = lang;
    assert_int_equal(
        chiso_word_fill_mem(tpl_rel, tpl, n, j, &o, out, out_len, pl, &g),
        want);
    free(tpl);
    cJSON_Delete(j);
}

static void
test_fill_split(void **state)
{
    char *out = NULL, *text, *hdr, *ftr, *xml;
    size_t n = 0;
    chiso_diag_list pl;

    (void)state;
    fill("tests/data/word/split.docx", "tests/data/word/summary-small.json",
         CHISO_LANG_VI, CHISO_OK, &out, &n, &pl);
    text = docx_text(out, n, "word/document.xml");
    assert_contains(text, "Kỳ báo cáo: 6 tháng cuối năm 2024 (đến ngày "
                          "31/12/2024).");
    /* split over runs, proofing marks and a bookmark */
    assert_contains(text, "Chỉ số CCHC tự chấm đạt 81,23 %, xếp loại Khá.");
    assert_contains(text, "đúng hạn: 92,5 %; quá hạn: 3 nhiệm vụ.");
    assert_contains(text, "Hồ sơ tiếp nhận: 12.345 (mã 20241); số ngày trễ "
                          "trung bình: (không có số liệu); có số liệu dịch "
                          "vụ: có.");
    assert_contains(text, "ghi chú: dòng một dòng hai.");
    /* the repeated row: header, three items, total */
    assert_contains(text, "1\nTỷ lệ hồ sơ giải quyết đúng hạn\n2,50\n"
                          "2\nSố hóa hồ sơ, kết quả giải quyết TTHC\n1,75\n"
                          "3\nKiểm soát thủ tục hành chính\n1,25\n\n"
                          "Tổng số điểm bị trừ\n5,50\n");
    /* a repeated paragraph, an empty list (paragraph gone), an index */
    assert_contains(text, "- Công tác chỉ đạo, điều hành: 90,0 %\n"
                          "- Cải cách thể chế: 72,3 %\n"
                          "Lĩnh vực thứ hai: Cải cách thể chế.");
    assert_null(strstr(text, "Không có:"));
    assert_null(strstr(text, "{{"));
    assert_null(strstr(text, "}}"));
    free(text);
    hdr = docx_text(out, n, "word/header1.xml");
    assert_contains(hdr, "Sở Khoa học và Công nghệ tỉnh Hưng Yên");
    ftr = docx_text(out, n, "word/footer1.xml");
    assert_contains(ftr, "Báo cáo 6 tháng cuối năm 2024 – trang");
    free(hdr);
    free(ftr);
    /* formatting of the run where a placeholder starts is kept, and the
     * bookmark and proofing marks are still there */
    xml = zip_entry(out, n, "word/document.xml", NULL);
    assert_contains(xml, "_GoBack");
    assert_contains(xml, "<w:proofErr w:type=\"spellStart\"/>");
    assert_contains(xml, "<w:r w:rsidR=\"00D11111\"><w:t "
                         "xml:space=\"preserve\">81,23</w:t></w:r>");
    free(xml);
    /* one warning: the null */
    assert_int_equal(chiso_diag_list_total(&pl), 1);
    assert_string_equal(pl.items[0].kind, "fill_no_data");
    assert_int_equal(pl.items[0].severity, CHISO_SEVERITY_WARNING);
    assert_string_equal(pl.items[0].message,
                        "đoạn 5: trường {{tasks.days_late_mean:2}} không có số "
                        "liệu (null); văn bản ghi rõ điều đó");
    chiso_diag_list_free(&pl);
    free(out);
}

static void
test_fill_english(void **state)
{
    char *out = NULL, *text;
    size_t n = 0;
    chiso_diag_list pl;

    (void)state;
    fill("tests/data/word/split.docx", "tests/data/word/summary-small.json",
         CHISO_LANG_EN, CHISO_OK, &out, &n, &pl);
    text = docx_text(out, n, "word/document.xml");
    assert_contains(text, "đạt 81.23 %");
    assert_contains(text, "12,345 (mã 20241)");
    assert_contains(text, "(no data)");
    assert_contains(text, "dịch vụ: yes.");
    free(text);
    chiso_diag_list_free(&pl);
    free(out);
}

/* Parts without a placeholder keep their bytes; the zip keeps its order and
 * the template's times; two fills give the same bytes. */
static void
test_fill_keeps_bytes(void **state)
{
    char *out = NULL, *out2 = NULL, *tpl;
    size_t n = 0, n2 = 0, nt = 0;
    chiso_diag_list pl;
    static const char *const same[] = {"word/styles.xml", "word/settings.xml",
                                       "docProps/core.xml", "_rels/.rels"};
    size_t i;
    uint32_t c1, c2;
    uint64_t s1, s2;
    time_t t1, t2;

    (void)state;
    fill("tests/data/word/split.docx", "tests/data/word/summary-small.json",
         CHISO_LANG_VI, CHISO_OK, &out, &n, &pl);
    chiso_diag_list_free(&pl);
    fill("tests/data/word/split.docx", "tests/data/word/summary-small.json",
         CHISO_LANG_VI, CHISO_OK, &out2, &n2, &pl);
    chiso_diag_list_free(&pl);
    assert_int_equal(n, n2);
    assert_memory_equal(out, out2, n);
    tpl = read_file(chiso_test_path("tests/data/word/split.docx"), &nt);
    for (i = 0; i < 4; i++) {
        assert_int_equal(entry_stat(tpl, nt, same[i], &c1, &s1, &t1), 0);
        assert_int_equal(entry_stat(out, n, same[i], &c2, &s2, &t2), 0);
        assert_int_equal(c1, c2);
        assert_int_equal(s1, s2);
        assert_int_equal(t1, t2);
    }
    /* the filled document keeps its entry's time too */
    assert_int_equal(entry_stat(tpl, nt, "word/document.xml", &c1, &s1, &t1),
                     0);
    assert_int_equal(entry_stat(out, n, "word/document.xml", &c2, &s2, &t2), 0);
    assert_true(c1 != c2);
    assert_int_equal(t1, t2);
    free(tpl);
    free(out);
    free(out2);

    /* a template without placeholders comes out identical */
    fill("tests/data/word/plain.docx", "tests/data/word/summary-small.json",
         CHISO_LANG_VI, CHISO_OK, &out, &n, &pl);
    chiso_diag_list_free(&pl);
    tpl = read_file(chiso_test_path("tests/data/word/plain.docx"), &nt);
    assert_int_equal(n, nt);
    assert_memory_equal(out, tpl, n);
    free(tpl);
    free(out);
}

static void
test_fill_dotx(void **state)
{
    char *out = NULL, *ct;
    size_t n = 0;
    chiso_diag_list pl;

    (void)state;
    fill("tests/data/word/split.dotx", "tests/data/word/summary-small.json",
         CHISO_LANG_VI, CHISO_OK, &out, &n, &pl);
    ct = zip_entry(out, n, "[Content_Types].xml", NULL);
    assert_contains(ct, "wordprocessingml.document.main+xml");
    assert_null(strstr(ct, "template.main"));
    free(ct);
    chiso_diag_list_free(&pl);
    free(out);
}

/* Every mistake of the template, all at once, each where it is. */
static void
test_fill_errors(void **state)
{
    char *out = NULL;
    size_t n = 0, i;
    chiso_diag_list pl;
    static const char *const want[] = {
        "paragraph 1: unknown placeholder {{par.index_pc}}: 'par' has no "
        "'index_pc'",
        "paragraph 1: placeholder {{par.index_pct:x}}: unknown format 'x' "
        "(use 0 to 6 decimals, 'plain' or 'date')",
        "paragraph 2: '{{' without a closing '}}' in \"{{par.points\"",
        "paragraph 2: placeholder {{unit}} is an object, not a value: name "
        "one of its items",
        "paragraph 2: placeholder {{period.id:2}}: decimals are for "
        "numbers; 'period.id' is text",
        "paragraph 3: placeholder {{#}}: '#' numbers the items of a repeated "
        "row: write {{array[].#}}",
        "paragraph 3: placeholder {{par..x}}: a name is expected",
        "paragraph 3: unknown placeholder {{par.areas[9].name}}: "
        "'par.areas' has 2 items; item 9 does not exist (items count from "
        "1)",
        "paragraph 4: unknown placeholder {{unit.name[]...}}: 'unit.name' "
        "is not a list",
        "table 1, row 2, cell 2: one row repeats over one list; this row "
        "names 'par.top_lost' and 'par.areas'",
        "table 1, row 3, cell 2: unknown placeholder {{par.top_lost[].nam}}: "
        "item 1 of 'par.top_lost': the data has no 'nam'",
        "table 1, row 3, cell 3: unknown placeholder {{tasks.missing}}: "
        "'tasks' has no 'missing'",
        "footer (footer1.xml), paragraph 1: unknown placeholder "
        "{{period.lable}}: 'period' has no 'lable'",
    };

    (void)state;
    fill("tests/data/word/errors.docx", "tests/data/word/summary-small.json",
         CHISO_LANG_EN, CHISO_EDATA, &out, &n, &pl);
    assert_null(out);
    chiso_diag_list_sort(&pl);
    for (i = 0; i < pl.n; i++) {
        assert_string_equal(pl.items[i].path, "tests/data/word/errors.docx");
        assert_int_equal(pl.items[i].severity, CHISO_SEVERITY_ERROR);
        assert_string_equal(pl.items[i].kind, "fill_placeholder");
    }
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        size_t k;
        int found = 0;
        for (k = 0; k < pl.n && !found; k++) {
            found = strcmp(pl.items[k].message, want[i]) == 0;
        }
        if (!found) {
            for (k = 0; k < pl.n; k++) {
                fprintf(stderr, "  got: %s\n", pl.items[k].message);
            }
            fail_msg("missing: %s", want[i]);
        }
    }
    assert_int_equal(pl.n, sizeof(want) / sizeof(want[0]));
    chiso_diag_list_free(&pl);
}

static void
test_fill_not_docx(void **state)
{
    chiso_diag g;
    char *out = NULL;
    size_t n = 0;
    cJSON *j = cJSON_CreateObject();
    chiso_word_doc *d = NULL;
    char *zipbytes = NULL;
    size_t nz = 0;
    word_part part = {"hello.txt", "hi", 2, 0};

    (void)state;
    chiso_diag_clear(&g);
    g.lang = CHISO_LANG_EN;
    assert_int_equal(
        chiso_word_fill_mem("x.docx", "hello", 5, j, NULL, &out, &n, NULL, &g),
        CHISO_EPARSE);
    assert_string_equal(g.message,
                        "not a Word document (.docx): not a zip file");
    assert_string_equal(g.path, "x.docx");
    /* a zip without a document */
    assert_int_equal(chiso_word__zip_build(&part, 1, &zipbytes, &nz, &g),
                     CHISO_OK);
    chiso_diag_clear(&g);
    g.lang = CHISO_LANG_EN;
    assert_int_equal(chiso_word_fill_mem("y.docx", zipbytes, nz, j, NULL, &out,
                                         &n, NULL, &g),
                     CHISO_EPARSE);
    assert_string_equal(g.message,
                        "not a Word document (.docx): no 'word/document.xml'");
    free(zipbytes);
    /* data that is not an object */
    chiso_diag_clear(&g);
    assert_int_equal(chiso_word_new(&d, NULL, &g), CHISO_OK);
    chiso_word_free(d);
    {
        cJSON *arr = cJSON_CreateArray();
        assert_int_equal(chiso_word_fill_mem("z.docx", "PK\x03\x04", 4, arr,
                                             NULL, &out, &n, NULL, &g),
                         CHISO_EDATA);
        cJSON_Delete(arr);
    }
    cJSON_Delete(j);
}

/* The output is never the template, whatever the path looks like. */
static void
test_fill_refuses_template(void **state)
{
    chiso_diag g;
    cJSON *j = load_json("tests/data/word/summary-small.json");
    char tpl[512], alias[520];
    size_t n = 0;
    char *before = read_file(chiso_test_path("tests/data/word/split.docx"), &n);
    char *after;
    size_t n2 = 0;

    (void)state;
    snprintf(tpl, sizeof(tpl), "%s/chiso_word_%ld_tpl.docx",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    assert_int_equal(chiso_file_write_atomic(tpl, before, n, NULL), CHISO_OK);
    snprintf(alias, sizeof(alias), "%s.lnk", tpl);
    unlink(alias);
    assert_int_equal(symlink(tpl, alias), 0);
    chiso_diag_clear(&g);
    assert_int_equal(chiso_word_fill(tpl, j, alias, NULL, NULL, &g),
                     CHISO_EUSAGE);
    after = read_file(tpl, &n2);
    assert_int_equal(n, n2);
    assert_memory_equal(before, after, n);
    unlink(alias);
    unlink(tpl);
    free(before);
    free(after);
    cJSON_Delete(j);
}

/* ---- samples for LibreOffice ---------------------------------------------------- */

static int
write_samples(const char *dir)
{
    char path[1024];
    chiso_word_doc *d = NULL;
    chiso_diag g;
    size_t n = 0;
    char *out = NULL, *tpl;
    cJSON *j;
    chiso_diag_list pl;
    const char *src = getenv("CHISO_SOURCE_DIR");
    char p2[1024];

    chiso_diag_clear(&g);
    if (build_report(&d, CHISO_WORD_PAGENUM_FOOTER, 40) != CHISO_OK) {
        return 1;
    }
    snprintf(path, sizeof(path), "%s/report.docx", dir);
    if (chiso_word_write(d, path, &g) != CHISO_OK) {
        fprintf(stderr, "test_word: %s: %s\n", g.path, g.message);
        return 1;
    }
    chiso_word_free(d);
    if (build_report(&d, CHISO_WORD_PAGENUM_HEADER, 40) != CHISO_OK) {
        return 1;
    }
    snprintf(path, sizeof(path), "%s/report-header.docx", dir);
    if (chiso_word_write(d, path, &g) != CHISO_OK) {
        fprintf(stderr, "test_word: %s: %s\n", g.path, g.message);
        return 1;
    }
    chiso_word_free(d);
    /* the split template filled */
    snprintf(p2, sizeof(p2), "%s/tests/data/word/summary-small.json",
             src ? src : "../..");
    if (chiso_file_read_all(p2, &tpl, &n, &g) != CHISO_OK) {
        fprintf(stderr, "test_word: %s: %s\n", g.path, g.message);
        return 1;
    }
    j = cJSON_Parse(tpl);
    free(tpl);
    snprintf(p2, sizeof(p2), "%s/tests/data/word/split.docx",
             src ? src : "../..");
    snprintf(path, sizeof(path), "%s/split-filled.docx", dir);
    chiso_diag_list_init(&pl, 10);
    if (chiso_word_fill(p2, j, path, NULL, &pl, &g) != CHISO_OK) {
        fprintf(stderr, "test_word: %s: %s\n", g.path, g.message);
        return 1;
    }
    chiso_diag_list_free(&pl);
    cJSON_Delete(j);
    (void)out;
    return 0;
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_write_report),
        cmocka_unit_test(test_write_header_pagenum),
        cmocka_unit_test(test_write_options),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_fill_split),
        cmocka_unit_test(test_fill_english),
        cmocka_unit_test(test_fill_keeps_bytes),
        cmocka_unit_test(test_fill_dotx),
        cmocka_unit_test(test_fill_errors),
        cmocka_unit_test(test_fill_not_docx),
        cmocka_unit_test(test_fill_refuses_template),
    };

    if (argc == 3 && strcmp(argv[1], "--write") == 0) {
        return write_samples(argv[2]);
    }
    return cmocka_run_group_tests_name("word", tests, NULL, NULL);
}

/*
 * test_web.c - the web page builder (plots/web) and the charts' hover
 * regions (plots/hotspots.c).
 *
 * What a reader of report.html relies on: every text escaped (names from
 * users' files), no URL and nothing to load in the file, the same bytes
 * from the same calls, numbers with the language's separators and the
 * full value of a rounded number on hover, tables whose cells sort by
 * their value, the first error kept and nothing written after it, SVG
 * from elsewhere refused when it holds anything active, ids unique in the
 * page, and hover regions that sit on the marks they describe (checked
 * against the pixels of the chart drawn from the same model, with a
 * control that moves them off).
 *
 * Runs with the pinned fonts.conf (DejaVu Sans only).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "chiso_plot.h"
#include "chiso_web.h"
#include "web_int.h"

#include "helpers.h"

#include <cairo.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- helpers ----------------------------------------------------------- */

static chiso_web_page *
new_page(chiso_lang lang, const char *title)
{
    chiso_web_options o = CHISO_WEB_OPTIONS_INIT;
    chiso_web_page *p = NULL;
    chiso_diag d;

    chiso_diag_clear(&d);
    o.lang = lang;
    o.title = title;
    o.generator = "chiso test";
    assert_int_equal(chiso_web_new(&p, &o, &d), CHISO_OK);
    return p;
}

/* The page's bytes (NUL-terminated); fails the test on an error. */
static char *
page_text(chiso_web_page *p)
{
    char *s = NULL;
    size_t n = 0;
    chiso_diag d;

    chiso_diag_clear(&d);
    if (chiso_web_to_memory(p, &s, &n, &d) != CHISO_OK) {
        fail_msg("page: %s", d.message);
    }
    assert_int_equal(strlen(s), n);
    return s;
}

static size_t
count(const char *hay, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    const char *at = hay;

    while ((at = strstr(at, needle)) != NULL) {
        n++;
        at += k;
    }
    return n;
}

static chiso_chart *
load_chart(chiso_plot_kind kind, const char *csv)
{
    chiso_chart *c = NULL;
    chiso_diag d;
    char rel[256];

    chiso_diag_clear(&d);
    snprintf(rel, sizeof(rel), "tests/plots/data/%s", csv);
    assert_int_equal(chiso_chart_new(&c, kind), CHISO_OK);
    chiso_chart_set_highlight(c, "Hưng Yên");
    if (chiso_chart_load_csv(c, chiso_test_path(rel), NULL, &d) != CHISO_OK) {
        fail_msg("%s: %s", csv, d.message);
    }
    return c;
}

static chiso_chart *
small_bars(void)
{
    chiso_chart *c = NULL;

    assert_int_equal(chiso_chart_new(&c, CHISO_PLOT_BARS), CHISO_OK);
    chiso_chart_set_text(c, CHISO_PLOT_TITLE, "PAR INDEX");
    assert_int_equal(chiso_chart_add_bar(c, "Quảng Ninh", 92.18, NULL),
                     CHISO_OK);
    assert_int_equal(chiso_chart_add_bar(c, "Sở <Thử> & \"x\"", 85.5, NULL),
                     CHISO_OK);
    assert_int_equal(chiso_chart_add_bar(c, "Hà Nội", 89, NULL), CHISO_OK);
    return c;
}

/* ---- escaping and what the file holds ---------------------------------- */

#define EVIL "<script>alert(\"x\")</script> & 'q'"
#define EVIL_ESC                                                               \
    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"

static void
test_escaping(void **state)
{
    chiso_web_page *p = new_page(CHISO_LANG_VI, EVIL);
    chiso_web_card card;
    chiso_web_column cols[2] = {{EVIL, CHISO_WEB_TEXT, 0},
                                {"Điểm", CHISO_WEB_NUMBER, 2}};
    const char *items[1] = {EVIL};
    char *s;

    (void)state;
    memset(&card, 0, sizeof(card));
    card.label = EVIL;
    card.value = EVIL;
    card.unit = EVIL;
    card.note = EVIL;
    card.source = EVIL;
    card.exact = EVIL;
    assert_int_equal(chiso_web_cards(p, &card, 1), CHISO_OK);
    assert_int_equal(chiso_web_section(p, EVIL), CHISO_OK);
    assert_int_equal(chiso_web_subsection(p, EVIL), CHISO_OK);
    assert_int_equal(chiso_web_paragraph(p, EVIL), CHISO_OK);
    assert_int_equal(chiso_web_list(p, items, 1, 0), CHISO_OK);
    assert_int_equal(chiso_web_figure_missing(p, EVIL, EVIL), CHISO_OK);
    assert_int_equal(chiso_web_table_begin(p, EVIL, cols, 2), CHISO_OK);
    assert_int_equal(chiso_web_put_text(p, EVIL), CHISO_OK);
    assert_int_equal(chiso_web_put_number(p, 1.5), CHISO_OK);
    assert_int_equal(chiso_web_table_end(p, EVIL), CHISO_OK);
    assert_int_equal(chiso_web_note(p, EVIL), CHISO_OK);
    assert_int_equal(chiso_web_source(p, EVIL), CHISO_OK);
    s = page_text(p);
    /* the page's own script is the only one; the text is all escaped */
    assert_int_equal(count(s, "<script"), 1);
    assert_null(strstr(s, "alert(\""));
    assert_null(strstr(s, "'q'"));
    /* title, h1, card x6, h2, toc link, h3, p, li, missing (2),
     * caption, th, td, table note, note, source */
    assert_true(count(s, EVIL_ESC) >= 20);
    free(s);
    chiso_web_free(p);
}

static void
test_no_url_nothing_to_load(void **state)
{
    chiso_web_page *p = new_page(CHISO_LANG_VI, "Trang");
    chiso_chart *c = small_bars();
    char *s;

    (void)state;
    assert_int_equal(chiso_web_source(p, "https://www.vietnam.vn/a?b=c (2025)"),
                     CHISO_OK);
    assert_int_equal(chiso_web_paragraph(p, "xem http://example.com nhé"),
                     CHISO_OK);
    assert_int_equal(chiso_web_figure_chart(p, c, 800, 500, "Hình", NULL, NULL),
                     CHISO_OK);
    s = page_text(p);
    assert_null(strstr(s, "://"));
    assert_null(strstr(s, "xmlns"));
    assert_null(strstr(s, " src="));
    assert_null(strstr(s, "<link"));
    assert_null(strstr(s, "<img"));
    assert_null(strstr(s, "@import"));
    assert_null(strstr(s, "<?xml"));
    /* the address still reads the same (a character reference) */
    assert_non_null(strstr(s, "https&#58;//www.vietnam.vn/a?b=c (2025)"));
    /* every url( points inside the page */
    {
        const char *at = s;
        while ((at = strstr(at, "url(")) != NULL) {
            assert_int_equal(at[4], '#');
            at += 4;
        }
    }
    /* the policy: nothing loads, the one script runs by its hash */
    assert_non_null(strstr(s, "default-src 'none'; style-src 'unsafe-inline'; "
                              "script-src 'sha256-"));
    assert_non_null(strstr(s, "<html lang=\"vi\">"));
    assert_non_null(strstr(s, "<meta charset=\"utf-8\">"));
    free(s);
    chiso_chart_free(c);
    chiso_web_free(p);
}

/* The CSP names the hash of exactly the script in the page. */
static void
test_script_hash(void **state)
{
    chiso_web_page *p = new_page(CHISO_LANG_VI, "Trang");
    char *s = page_text(p), hash[45], want[80];
    const char *a, *b;

    (void)state;
    a = strstr(s, "<script>");
    b = strstr(s, "</script>");
    assert_non_null(a);
    assert_non_null(b);
    a += strlen("<script>");
    chiso_web__sha256_b64(a, (size_t)(b - a), hash);
    snprintf(want, sizeof(want), "script-src 'sha256-%s'", hash);
    assert_non_null(strstr(s, want));
    free(s);
    chiso_web_free(p);
}

static void
test_sha256_vectors(void **state)
{
    /* values from Python's hashlib, base64-encoded */
    static const struct {
        size_t n;
        char c;
        const char *b64;
    } v[] = {{0, 'x', "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
             {55, 'x', "1eKFaDzU78AtAhpcYgFGlJWJAQBdb3HongmJ+sd+QHI="},
             {56, 'x', "BMJiYTcO51QVSdFt7jIMcj4/0UZx5moJmv4KN3wWiI4="},
             {64, 'x', "fOEAlx9k5wAej+WlGXPs3+HO1Cvv5+6NX9YhlQa1OTw="},
             {1000000, 'a', "zcduXJkU+5KBocfihNc+Z/GAmkiklyAOBG05zMcRLNA="}};
    char out[45], *buf = malloc(1000000);
    size_t i;

    (void)state;
    assert_non_null(buf);
    chiso_web__sha256_b64("abc", 3, out);
    assert_string_equal(out, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        memset(buf, v[i].c, v[i].n);
        chiso_web__sha256_b64(buf, v[i].n, out);
        assert_string_equal(out, v[i].b64);
    }
    free(buf);
}

/* ---- determinism ----------------------------------------------------------- */

static char *
build_demo(chiso_lang lang)
{
    chiso_web_page *p = new_page(lang, "Báo cáo");
    chiso_chart *c = small_bars(),
                *h = load_chart(CHISO_PLOT_HEATMAP, "heatmap.csv");
    chiso_web_column cols[1] = {{"Tỷ lệ", CHISO_WEB_PERCENT, 1}};
    char *s;

    assert_int_equal(chiso_web_figure_chart(p, c, 900, 600, "A", "b", NULL),
                     CHISO_OK);
    assert_int_equal(chiso_web_figure_chart(p, h, 900, 600, "C", NULL, NULL),
                     CHISO_OK);
    assert_int_equal(chiso_web_table_begin(p, "T", cols, 1), CHISO_OK);
    assert_int_equal(chiso_web_put_number(p, 81.2345), CHISO_OK);
    assert_int_equal(chiso_web_table_end(p, NULL), CHISO_OK);
    s = page_text(p);
    chiso_chart_free(c);
    chiso_chart_free(h);
    chiso_web_free(p);
    return s;
}

static void
test_deterministic(void **state)
{
    char *a = build_demo(CHISO_LANG_VI), *b, *c;
    chiso_chart *x = small_bars();
    chiso_diag d;

    (void)state;
    /* another chart drawn in between moves cairo's surface counter */
    chiso_diag_clear(&d);
    assert_int_equal(
        chiso_plot_write(x, chiso_test_file("web.svg", ""), 400, 300, &d),
        CHISO_OK);
    b = build_demo(CHISO_LANG_VI);
    c = build_demo(CHISO_LANG_EN);
    assert_string_equal(a, b);
    assert_true(strcmp(a, c) != 0);
    assert_non_null(strstr(c, "<html lang=\"en\">"));
    assert_non_null(strstr(c, "Figure 2."));
    assert_non_null(strstr(a, "Hình 2."));
    assert_non_null(strstr(a, "Bảng 1."));
    free(a);
    free(b);
    free(c);
    chiso_chart_free(x);
}

/* Every id is unique; every reference names an id of the page. */
static void
test_ids_unique(void **state)
{
    char *s = build_demo(CHISO_LANG_VI);
    char **ids = NULL;
    size_t n = 0, i, j, refs = 0;
    const char *at = s;

    (void)state;
    while ((at = strstr(at, " id=\"")) != NULL) {
        const char *e;
        at += 5;
        e = strchr(at, '"');
        ids = realloc(ids, (n + 1) * sizeof(*ids));
        ids[n++] = chiso_strndup(at, (size_t)(e - at));
    }
    assert_true(n > 50);
    for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
            if (strcmp(ids[i], ids[j]) == 0) {
                fail_msg("id '%s' twice", ids[i]);
            }
        }
    }
    for (at = s; (at = strpbrk(at, "#")) != NULL; at++) {
        const char *e;
        int found = 0;
        if (!(at[-1] == '"' || at[-1] == '(')) {
            continue; /* a colour, a character reference */
        }
        e = at + 1;
        while (*e != '"' && *e != ')') {
            e++;
        }
        for (i = 0; i < n && !found; i++) {
            found = strlen(ids[i]) == (size_t)(e - at - 1) &&
                    strncmp(ids[i], at + 1, (size_t)(e - at - 1)) == 0;
        }
        if (!found) {
            fail_msg("reference %.*s names no id", (int)(e - at), at);
        }
        refs++;
    }
    assert_true(refs > 50);
    /* the two charts' ids carry their figure's prefix; glyph outlines
     * are the page's (g<k>), defined once: the second chart draws
     * letters defined in the first */
    assert_non_null(strstr(s, "id=\"f1-"));
    assert_non_null(strstr(s, "id=\"f2-"));
    assert_non_null(strstr(s, "<symbol overflow=\"visible\" id=\"g1\">"));
    {
        const char *f2 = strstr(s, "id=\"f2-t\""), *u;
        int shared = 0;
        assert_non_null(f2);
        for (u = f2; (u = strstr(u, "href=\"#g")) != NULL && !shared; u++) {
            char def[32];
            const char *q = strchr(u + 7, '"');
            snprintf(def, sizeof(def), "id=\"%.*s\"", (int)(q - u - 7), u + 7);
            shared = strstr(s, def) < f2;
        }
        assert_true(shared);
    }
    for (i = 0; i < n; i++) {
        free(ids[i]);
    }
    free(ids);
    free(s);
}

/* ---- numbers ----------------------------------------------------------------- */

static void
test_numbers(void **state)
{
    char b[64];

    (void)state;
    chiso_web__num(CHISO_LANG_VI, 1234.5, 1, b, sizeof(b));
    assert_string_equal(b, "1234,5"); /* not grouped below 10 000 */
    chiso_web__num(CHISO_LANG_VI, 12345.678, 2, b, sizeof(b));
    assert_string_equal(b, "12.345,68");
    chiso_web__num(CHISO_LANG_EN, 12345.678, 2, b, sizeof(b));
    assert_string_equal(b, "12,345.68");
    chiso_web__num(CHISO_LANG_VI, 1234567, 0, b, sizeof(b));
    assert_string_equal(b, "1.234.567");
    chiso_web__num(CHISO_LANG_VI, 2.675, 2, b, sizeof(b));
    assert_string_equal(b, "2,68"); /* half up as the decimal reads */
    chiso_web__num(CHISO_LANG_VI, -0.004, 2, b, sizeof(b));
    assert_string_equal(b, "0,00"); /* no "-0,00" */
    chiso_web__num(CHISO_LANG_VI, -12.5, 1, b, sizeof(b));
    assert_string_equal(b, "-12,5");
    chiso_web__num(CHISO_LANG_VI, 2024, 0, b, sizeof(b));
    assert_string_equal(b, "2024");
    chiso_web__num_full(CHISO_LANG_VI, 81.23456789, b, sizeof(b));
    assert_string_equal(b, "81,234568");
    chiso_web__num_full(CHISO_LANG_VI, 90, b, sizeof(b));
    assert_string_equal(b, "90");
    chiso_web__num_machine(81.2345, b, sizeof(b));
    assert_string_equal(b, "81.2345");
    chiso_web__num_machine(0.1 + 0.2, b, sizeof(b));
    assert_true(chiso_is_zero(strtod(b, NULL) - (0.1 + 0.2)));
}

/* Under a locale with a decimal comma the page is the same. */
static void
test_numbers_locale(void **state)
{
    char *a = build_demo(CHISO_LANG_EN), *b;
    const char *loc = setlocale(LC_NUMERIC, "de_DE.UTF-8");

    (void)state;
    if (loc == NULL) {
        loc = setlocale(LC_NUMERIC, "vi_VN.UTF-8");
    }
    if (loc == NULL) {
        free(a);
        skip();
    }
    b = build_demo(CHISO_LANG_EN);
    setlocale(LC_NUMERIC, "C");
    assert_string_equal(a, b);
    free(a);
    free(b);
}

/* ---- tables -------------------------------------------------------------------- */

static void
test_table(void **state)
{
    chiso_web_page *p = new_page(CHISO_LANG_VI, "Trang");
    chiso_web_column cols[4] = {{"Tên", CHISO_WEB_TEXT, 0},
                                {"Điểm", CHISO_WEB_NUMBER, 2},
                                {"Tỷ lệ", CHISO_WEB_PERCENT, 1},
                                {"Hồ sơ", CHISO_WEB_INTEGER, 0}};
    char *s;

    (void)state;
    assert_int_equal(chiso_web_table_begin(p, "Bảng thử", cols, 4), CHISO_OK);
    assert_int_equal(chiso_web_put_text(p, "Hà Nội"), CHISO_OK);
    assert_int_equal(chiso_web_put_number(p, 9), CHISO_OK);
    assert_int_equal(chiso_web_put_number(p, 81.2345), CHISO_OK);
    assert_int_equal(chiso_web_put_number(p, 15678), CHISO_OK);
    assert_int_equal(chiso_web_row_flags(p, CHISO_WEB_ROW_HIGHLIGHT), CHISO_OK);
    assert_int_equal(chiso_web_put_text(p, "Hưng Yên"), CHISO_OK);
    assert_int_equal(chiso_web_put_number(p, NAN), CHISO_OK);
    assert_int_equal(chiso_web_put_number(p, 76.9), CHISO_OK);
    assert_int_equal(chiso_web_put_missing(p), CHISO_OK);
    assert_int_equal(chiso_web_row_flags(p, CHISO_WEB_ROW_TOTAL), CHISO_OK);
    assert_int_equal(chiso_web_put_text(p, "Tổng"), CHISO_OK);
    assert_int_equal(chiso_web_put_number(p, 9), CHISO_OK);
    assert_int_equal(chiso_web_put_number(p, 80), CHISO_OK);
    assert_int_equal(chiso_web_put_number(p, 15678), CHISO_OK);
    assert_int_equal(chiso_web_table_end(p, "Nguồn: thử."), CHISO_OK);
    s = page_text(p);
    assert_non_null(strstr(s, "<table class=\"sortable\""));
    /* a short text column keeps its longest text ("Hưng Yên") on a line */
    assert_non_null(strstr(s, "<th scope=\"col\" data-type=\"text\" "
                              "style=\"min-width:6.6em\">Tên</th>"
                              "<th scope=\"col\" data-type=\"num\" "
                              "class=\"num\">Điểm</th>"));
    /* 9 with 2 decimals is not rounded: no hover text */
    assert_non_null(strstr(s, "<td class=\"num\" data-v=\"9\">9,00</td>"));
    /* a rounded percentage shows its full value on hover; a no-break
     * space before the sign */
    assert_non_null(strstr(s, "<td class=\"num\" data-v=\"81.2345\"><abbr "
                              "title=\"81,2345\xC2\xA0%\">81,2\xC2\xA0%"
                              "</abbr></td>"));
    assert_non_null(strstr(s, "data-v=\"15678\">15.678</td>"));
    /* no data: a dash that says so, an empty sort value (sorts last) */
    assert_non_null(strstr(s, "<td class=\"num na\" data-v=\"\"><abbr "
                              "title=\"không có số liệu\">\xE2\x80\x94"));
    assert_non_null(strstr(s, "<tr data-i=\"1\" class=\"hl\">"));
    assert_non_null(strstr(s, "<tfoot>\n<tr data-i=\"2\"><td>Tổng</td>"));
    assert_non_null(strstr(s, "— : không có số liệu."));
    assert_non_null(strstr(s, "<p class=\"tnote\">Nguồn: thử.</p>"));
    assert_non_null(strstr(s, "<span class=\"no\">Bảng 1.</span> Bảng thử"));
    /* the box scrolls on a phone and is reachable with the keyboard */
    assert_non_null(strstr(s, "<div class=\"scroll\" role=\"region\" "
                              "aria-labelledby=\"t1-c\" tabindex=\"0\">"));
    free(s);
    chiso_web_free(p);
}

static void
test_first_error_kept(void **state)
{
    chiso_web_page *p = new_page(CHISO_LANG_VI, "Trang");
    chiso_web_column cols[2] = {{"Tên", CHISO_WEB_TEXT, 0},
                                {"Điểm", CHISO_WEB_NUMBER, 2}};
    chiso_diag d;
    const char *path = chiso_test_file("web-keep.html", "trang cũ\n");
    char *old = NULL;
    size_t n;

    (void)state;
    chiso_diag_clear(&d);
    assert_int_equal(chiso_web_table_begin(p, NULL, cols, 2), CHISO_OK);
    /* a number in a text column */
    assert_int_equal(chiso_web_put_number(p, 1), CHISO_EINVAL);
    /* later calls return the first error */
    assert_int_equal(chiso_web_put_text(p, "x"), CHISO_EINVAL);
    assert_int_equal(chiso_web_paragraph(p, "y"), CHISO_EINVAL);
    assert_int_equal(chiso_web_write(p, path, &d), CHISO_EINVAL);
    assert_non_null(strstr(d.message, "cột 1 của bảng chứa chữ"));
    /* nothing written: the previous file is untouched */
    assert_int_equal(chiso_file_read_all(path, &old, &n, NULL), CHISO_OK);
    assert_string_equal(old, "trang cũ\n");
    free(old);
    chiso_web_free(p);
    remove(path);
}

static void
test_misuse(void **state)
{
    chiso_web_page *p;
    chiso_web_options o = CHISO_WEB_OPTIONS_INIT;
    chiso_web_column cols[1] = {{"A", CHISO_WEB_NUMBER, 2}};
    chiso_web_column bad[1] = {{"A", CHISO_WEB_NUMBER, 9}};
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    assert_int_equal(chiso_web_new(&p, &o, &d), CHISO_EUSAGE);
    assert_null(p);
    assert_non_null(strstr(d.message, "trang web cần có tiêu đề"));

    p = new_page(CHISO_LANG_VI, "T");
    assert_int_equal(chiso_web_table_begin(p, NULL, cols, 1), CHISO_OK);
    assert_int_equal(chiso_web_section(p, "S"), CHISO_EINVAL);
    chiso_web_free(p);

    p = new_page(CHISO_LANG_VI, "T");
    assert_int_equal(chiso_web_table_begin(p, NULL, bad, 1), CHISO_EINVAL);
    chiso_web_free(p);

    p = new_page(CHISO_LANG_VI, "T");
    assert_int_equal(chiso_web_put_text(p, "x"), CHISO_EINVAL); /* no table */
    chiso_web_free(p);

    p = new_page(CHISO_LANG_VI, "T");
    cols[0].kind = CHISO_WEB_TEXT;
    assert_int_equal(chiso_web_table_begin(p, NULL, cols, 1), CHISO_OK);
    {
        char *s = NULL;
        size_t n;
        chiso_diag_clear(&d);
        assert_int_equal(chiso_web_to_memory(p, &s, &n, &d), CHISO_EINVAL);
        assert_null(s);
        assert_non_null(strstr(d.message, "bảng vẫn đang mở"));
    }
    chiso_web_free(p);

    p = new_page(CHISO_LANG_EN, "T");
    {
        chiso_web_column two[2] = {{"A", CHISO_WEB_TEXT, 0},
                                   {"B", CHISO_WEB_TEXT, 0}};
        assert_int_equal(chiso_web_table_begin(p, NULL, two, 2), CHISO_OK);
        assert_int_equal(chiso_web_put_text(p, "a"), CHISO_OK);
        chiso_diag_clear(&d);
        assert_int_equal(chiso_web_table_end(p, NULL), CHISO_EINVAL);
        chiso_web_error(p, &d);
        assert_string_equal(d.message,
                            "the table's last row has 1 of its 2 cells");
    }
    chiso_web_free(p);
    chiso_web_free(NULL);
}

static void
test_bad_text(void **state)
{
    chiso_web_page *p = new_page(CHISO_LANG_VI, "T");
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    assert_int_equal(chiso_web_paragraph(p, "ab\xC3("), CHISO_EDATA);
    chiso_web_error(p, &d);
    assert_string_equal(d.message,
                        "đoạn văn không phải văn bản UTF-8 hợp lệ (byte 3)");
    chiso_web_free(p);

    p = new_page(CHISO_LANG_VI, "T");
    chiso_diag_clear(&d);
    assert_int_equal(chiso_web_source(p, "a\x01"), CHISO_EDATA);
    chiso_web_error(p, &d);
    assert_string_equal(d.message, "nguồn chứa ký tự điều khiển (byte 2)");
    chiso_web_free(p);
}

/* ---- cards, contents ------------------------------------------------------------ */

static void
test_cards(void **state)
{
    chiso_web_page *p = new_page(CHISO_LANG_VI, "T");
    chiso_web_card c[3];
    char *s;

    (void)state;
    memset(c, 0, sizeof(c));
    c[0].label = "Chỉ số";
    c[0].value = "76,90";
    c[0].unit = "%";
    c[0].exact = "76,8958 %";
    c[0].tone = CHISO_WEB_GOOD;
    c[1].label = "Điểm PAR INDEX";
    c[1].value = "";
    c[1].tone = CHISO_WEB_GOOD; /* no value: never "good" */
    c[2].label = "Nhiệm vụ";
    c[2].value = "3";
    c[2].tone = CHISO_WEB_BAD;
    assert_int_equal(chiso_web_cards(p, c, 3), CHISO_OK);
    assert_int_equal(chiso_web_cards(p, c, 0), CHISO_EINVAL);
    chiso_web_free(p);
    p = new_page(CHISO_LANG_VI, "T");
    assert_int_equal(chiso_web_cards(p, c, 3), CHISO_OK);
    s = page_text(p);
    assert_non_null(strstr(s, "<li class=\"card t-good\">"));
    assert_non_null(strstr(s, "<abbr title=\"76,8958 %\">76,90</abbr><span "
                              "class=\"u\">%</span>"));
    assert_non_null(strstr(s, "<p class=\"tone\">Đạt</p>"));
    assert_non_null(strstr(s, "<li class=\"card t-none\">"));
    assert_non_null(strstr(s, "<p class=\"val none\">không có số liệu</p>"));
    assert_non_null(strstr(s, "<p class=\"tone\">Chưa đạt</p>"));
    assert_non_null(strstr(s, "aria-label=\"Số liệu chính\""));
    free(s);
    chiso_web_free(p);
}

static void
test_contents(void **state)
{
    chiso_web_page *p = new_page(CHISO_LANG_VI, "T");
    char *s;

    (void)state;
    assert_int_equal(chiso_web_section(p, "I. Một"), CHISO_OK);
    assert_int_equal(chiso_web_section(p, "II. Hai"), CHISO_OK);
    s = page_text(p);
    assert_null(strstr(s, "<nav"));
    free(s);
    assert_int_equal(chiso_web_note(p, "Lưu ý"), CHISO_OK);
    s = page_text(p);
    assert_non_null(strstr(s, "<nav class=\"toc\""));
    assert_non_null(strstr(s, "<li><a href=\"#s2\">II. Hai</a></li>"));
    assert_non_null(strstr(s, "<a href=\"#notes-h\">Lưu ý về số liệu</a>"));
    assert_non_null(strstr(s, "<h2 id=\"s1\">I. Một</h2>"));
    free(s);
    chiso_web_free(p);
}

/* ---- SVG from elsewhere ---------------------------------------------------------- */

static chiso_status
import(const char *svg)
{
    chiso_web_page *p = new_page(CHISO_LANG_VI, "T");
    chiso_status st =
        chiso_web_figure_svg(p, svg, strlen(svg), "c", NULL, NULL);

    chiso_web_free(p);
    return st;
}

static void
test_import_svg(void **state)
{
    static const char *const refused[] = {
        "<svg viewBox=\"0 0 10 10\"><script>alert(1)</script></svg>",
        "<svg viewBox=\"0 0 10 10\"><SCRIPT>alert(1)</SCRIPT></svg>",
        "<svg viewBox=\"0 0 10 10\" onload=\"alert(1)\"></svg>",
        "<svg viewBox=\"0 0 10 10\"><rect OnClick='x()'/></svg>",
        "<svg viewBox=\"0 0 10 10\"><foreignObject/></svg>",
        "<svg viewBox=\"0 0 10 10\"><style>@import url(x.css)</style></svg>",
        "<svg viewBox=\"0 0 10 10\"><use href=\"x.svg#a\"/></svg>",
        "<svg viewBox=\"0 0 10 10\"><use xlink:href=\"http://e.com/a\"/></svg>",
        "<svg viewBox=\"0 0 10 10\"><image "
        "href=\"data:image/svg+xml,x\"/></svg>",
        "<svg viewBox=\"0 0 10 10\"><rect fill=\"url(http://e.com/a)\"/></svg>",
        "<svg viewBox=\"0 0 10 10\"><a href=\"javascript:alert(1)\"/></svg>",
        "<svg viewBox=\"0 0 10 10\"><set attributeName=\"href\" "
        "to=\"javascript:alert(1)\"/></svg>",
        "<svg viewBox=\"0 0 10 10\"><animate attributeName=\"x\"/></svg>",
        "<!DOCTYPE svg [<!ENTITY x \"y\">]><svg viewBox=\"0 0 1 1\"></svg>",
        "<svg viewBox=\"0 0 10 10\"><text>&x;</text></svg>",
        "<svg viewBox=\"0 0 10 10\"><![CDATA[x]]></svg>",
        "<html><body></body></html>",
        "<svg><rect/></svg>",
        "<svg viewBox=\"0 0 10 10\"><rect</svg>",
        /* an inner </svg> would end the drawing and go on as HTML */
        "<svg viewBox=\"0 0 9 9\"></svg><img src=\"x.png\"/><svg></svg>",
        "<svg viewBox=\"0 0 9 9\"><g></svg><p>x</p></g></svg>",
        /* an HTML element ends inline SVG in the HTML parser */
        "<svg viewBox=\"0 0 9 9\"><img src=\"x.png\"/></svg>",
        "<svg viewBox=\"0 0 9 9\"><b>x</b></svg>",
        "<svg viewBox=\"0 0 9 9\"><scrift>x</script></svg>",
        "<svg viewBox=\"0 0 9 9\"><g><rect></g></svg>",
        "<svg viewBox=\"0 0 9 9\"><g></svg>",
    };
    chiso_web_page *p;
    chiso_diag d;
    size_t i;
    char *s;

    (void)state;
    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        if (import(refused[i]) != CHISO_EDATA) {
            fail_msg("accepted: %s", refused[i]);
        }
    }
    p = new_page(CHISO_LANG_VI, "T");
    chiso_diag_clear(&d);
    assert_int_equal(chiso_web_figure_svg(p, refused[0], strlen(refused[0]),
                                          "c", NULL, NULL),
                     CHISO_EDATA);
    chiso_web_error(p, &d);
    assert_non_null(strstr(d.message, "không nhận tệp SVG: tệp chứa mã lệnh"));
    chiso_web_free(p);

    /* accepted: a DOCTYPE without declarations, ids and references
     * renumbered, sizes into a viewBox, data images, numbers rounded */
    p = new_page(CHISO_LANG_VI, "T");
    {
        const char *ok =
            "<?xml version=\"1.0\"?>\n<!-- made elsewhere -->\n"
            "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
            "\"svg11.dtd\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"300pt\" height=\"200pt\"><defs><clipPath id=\"c1\">"
            "<rect x=\"1.23456\" y=\"-0.004\" width=\"9.995\" "
            "height='2'/></clipPath></defs><g clip-path=\"url(#c1)\">"
            "<use href=\"#c1\"/><image href=\"data:image/png;base64,AAAA\"/>"
            "<text>a &amp; b &#8364;</text></g></svg>";
        assert_int_equal(
            chiso_web_figure_svg(p, ok, strlen(ok), "Hình", "Đọc", "Mô tả"),
            CHISO_OK);
    }
    s = page_text(p);
    assert_non_null(strstr(s, "<svg class=\"chart-svg\" viewBox=\"0 0 300 "
                              "200\" role=\"img\" aria-labelledby=\"f1-t\""));
    assert_non_null(strstr(s, "<title id=\"f1-t\">Mô tả</title>"));
    assert_non_null(strstr(s, "<clipPath id=\"f1-1\"><rect x=\"1.23\" "
                              "y=\"-0\" width=\"10\" height=\"2\"/>"));
    assert_non_null(strstr(s, "clip-path=\"url(#f1-1)\""));
    assert_non_null(strstr(s, "<use href=\"#f1-1\"/>"));
    assert_non_null(strstr(s, "data:image/png;base64,AAAA"));
    assert_non_null(strstr(s, "<text>a &amp; b &#8364;</text>"));
    assert_null(strstr(s, "://"));
    assert_null(strstr(s, "DOCTYPE svg"));
    /* no tooltips without a model */
    assert_null(strstr(s, "class=\"hs\""));
    free(s);
    chiso_web_free(p);
}

/* Glyph outlines are shared between figures; a symbol that refers to ids
 * of its own document never is (the same text means other things). */
static void
test_import_symbols(void **state)
{
    const char *a = "<svg viewBox=\"0 0 9 9\"><symbol id=\"x\"><path "
                    "d=\"M0 0\"/></symbol><symbol id=\"y\"><use "
                    "href=\"#p\"/></symbol><path id=\"p\" d=\"M1 1\"/>"
                    "<use href=\"#x\"/><use href=\"#y\"/></svg>";
    const char *b = "<svg viewBox=\"0 0 9 9\"><symbol id=\"x\"><path "
                    "d=\"M0 0\"/></symbol><symbol id=\"y\"><use "
                    "href=\"#p\"/></symbol><path id=\"p\" d=\"M2 2\"/>"
                    "<use href=\"#x\"/><use href=\"#y\"/></svg>";
    chiso_web_page *p = new_page(CHISO_LANG_VI, "T");
    char *s;

    (void)state;
    assert_int_equal(chiso_web_figure_svg(p, a, strlen(a), "A", NULL, NULL),
                     CHISO_OK);
    assert_int_equal(chiso_web_figure_svg(p, b, strlen(b), "B", NULL, NULL),
                     CHISO_OK);
    s = page_text(p);
    /* the plain outline once, used by both figures */
    assert_int_equal(count(s, "<symbol id=\"g1\"><path d=\"M0 0\"/>"), 1);
    assert_int_equal(count(s, "<use href=\"#g1\"/>"), 2);
    /* the symbol that uses #p: one per figure, each with its own p */
    assert_non_null(strstr(s, "<symbol id=\"f1-2\"><use href=\"#f1-3\"/>"));
    assert_non_null(strstr(s, "<symbol id=\"f2-2\"><use href=\"#f2-3\"/>"));
    free(s);
    chiso_web_free(p);
}

/* A chart file the plots module wrote goes through as it is. */
static void
test_import_chart_file(void **state)
{
    chiso_chart *c = load_chart(CHISO_PLOT_TREND, "trend.csv");
    chiso_web_page *p = new_page(CHISO_LANG_VI, "T");
    const char *path = chiso_test_file("web-chart.svg", "");
    char *svg = NULL, *s;
    size_t n;
    chiso_diag d;

    (void)state;
    chiso_diag_clear(&d);
    assert_int_equal(chiso_plot_write(c, path, 1200, 800, &d), CHISO_OK);
    assert_int_equal(chiso_file_read_all(path, &svg, &n, &d), CHISO_OK);
    assert_int_equal(chiso_web_figure_svg(p, svg, n, "Xu hướng", NULL, NULL),
                     CHISO_OK);
    s = page_text(p);
    assert_non_null(strstr(s, "viewBox=\"0 0 1200 800\""));
    assert_true(count(s, "<use ") > 100);
    /* rounding numbers keeps the drawing near 2/3 of cairo's size */
    assert_true(strlen(s) < n);
    free(s);
    free(svg);
    remove(path);
    chiso_chart_free(c);
    chiso_web_free(p);
}

/* ---- hover regions --------------------------------------------------------------- */

typedef struct drawn {
    cairo_surface_t *surf;
    chiso_plot_hotspot *spots;
    size_t n;
} drawn;

static void
draw(chiso_chart *c, double w, double h, drawn *out)
{
    cairo_t *cr;
    chiso_plot_measure m;
    chiso_plot_model *md = NULL;
    chiso_diag d;

    chiso_diag_clear(&d);
    out->surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
    cr = cairo_create(out->surf);
    assert_int_equal(chiso_plot_pango_measure_init(&m, cr), CHISO_OK);
    if (chiso_plot_layout(&md, c, w, h, &m, &d) != CHISO_OK) {
        fail_msg("layout: %s", d.message);
    }
    assert_int_equal(chiso_plot_render(cr, c, md, &d), CHISO_OK);
    assert_int_equal(chiso_plot_hotspots(c, md, &out->spots, &out->n),
                     CHISO_OK);
    chiso_plot_pango_measure_clear(&m);
    chiso_plot_model_free(md);
    cairo_destroy(cr);
    cairo_surface_flush(out->surf);
}

static void
drawn_free(drawn *d)
{
    chiso_plot_hotspots_free(d->spots, d->n);
    cairo_surface_destroy(d->surf);
}

/* A pixel of a data mark: coloured (not white, grey or black text). */
static int
mark_at(cairo_surface_t *s, double x, double y)
{
    int w = cairo_image_surface_get_width(s);
    int h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    int xi = (int)floor(x), yi = (int)floor(y);
    uint32_t v;
    int r, g, b, hi, lo;

    if (xi < 0 || yi < 0 || xi >= w || yi >= h) {
        return 0;
    }
    memcpy(&v, px + yi * stride + xi * 4, 4);
    r = (int)((v >> 16) & 0xFF);
    g = (int)((v >> 8) & 0xFF);
    b = (int)(v & 0xFF);
    hi = r > g ? (r > b ? r : b) : (g > b ? g : b);
    lo = r < g ? (r < b ? r : b) : (g < b ? g : b);
    return hi - lo > 40;
}

/* A hatched "no data" cell: grey, not coloured. */
static int
grey_at(cairo_surface_t *s, double x, double y)
{
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    uint32_t v;
    int r, g, b;

    memcpy(&v, px + (int)y * stride + (int)x * 4, 4);
    r = (int)((v >> 16) & 0xFF);
    g = (int)((v >> 8) & 0xFF);
    b = (int)(v & 0xFF);
    return abs(r - g) < 8 && abs(g - b) < 8 && r >= 0x90 && r <= 0xF0;
}

/* Does a region cover a data mark? Circles: their centre is on the mark
 * (or, partly covered by a label, next to it). Rectangles: a data mark
 * crosses their middle line (horizontal for
 * rows, vertical for columns). (dx, dy) moves the region (the control). */
static int
on_mark(cairo_surface_t *s,
        const chiso_plot_hotspot *h,
        double dx,
        double dy,
        int vertical)
{
    double t;
    int hits = 0;

    if (h->shape == CHISO_PLOT_SPOT_CIRCLE) {
        /* the centre or next to it (a label may cover part of a marker) */
        for (t = 0; t < 9; t++) {
            int a = (int)t % 3 - 1, b = (int)t / 3 - 1;
            hits += mark_at(s, h->x + dx + 2.5 * a, h->y + dy + 2.5 * b);
        }
        /* a hollow marker (a computed rank): its rim */
        for (t = 0; t < 16; t++) {
            double ang = t * 3.14159265358979 / 8;
            hits +=
                mark_at(s, h->x + dx + 5 * cos(ang), h->y + dy + 5 * sin(ang));
        }
        return hits > 0;
    }
    if (vertical) {
        for (t = 0; t < h->h; t += 1) {
            hits += mark_at(s, h->x + dx + h->w / 2, h->y + dy + t);
        }
    } else {
        for (t = 0; t < h->w; t += 1) {
            hits += mark_at(s, h->x + dx + t, h->y + dy + h->h / 2);
        }
    }
    return hits >= 3;
}

static void
test_hotspots_on_marks(void **state)
{
    static const struct {
        chiso_plot_kind kind;
        const char *csv;
        size_t min_spots;
    } k[] = {{CHISO_PLOT_TREND, "trend.csv", 20},
             {CHISO_PLOT_SMALL_MULTIPLES, "multiples.csv", 50},
             {CHISO_PLOT_BARS, "bars.csv", 63},
             {CHISO_PLOT_RANK_INTERVAL, "rank.csv", 20},
             {CHISO_PLOT_WATERFALL, "waterfall.csv", 10},
             {CHISO_PLOT_SCATTER, "scatter.csv", 63},
             {CHISO_PLOT_RADAR, "radar.csv", 8},
             {CHISO_PLOT_HEATMAP, "heatmap.csv", 40},
             /* ranks: rank 1 at the top, hollow computed ranks */
             {CHISO_PLOT_TREND, "ranks.csv", 10},
             {CHISO_PLOT_BARS, "bars-ranked.csv", 6}};
    size_t i, j;

    (void)state;
    for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
        chiso_chart *c = load_chart(k[i].kind, k[i].csv);
        drawn d;
        size_t ok = 0, moved = 0, checked = 0, grey = 0;
        int vertical = k[i].kind == CHISO_PLOT_WATERFALL;
        int heat = k[i].kind == CHISO_PLOT_HEATMAP;
        draw(c, 1200, 800, &d);
        if (d.n < k[i].min_spots) {
            fail_msg("%s: %zu regions", k[i].csv, d.n);
        }
        for (j = 0; j < d.n; j++) {
            const chiso_plot_hotspot *h = &d.spots[j];
            /* the control: points moved off by 37 units, rows by half a
             * row (onto the gap between bars), columns by half a column */
            double dx = h->shape == CHISO_PLOT_SPOT_CIRCLE ? 37
                        : vertical                         ? h->w / 2
                                                           : 0;
            double dy = h->shape == CHISO_PLOT_SPOT_CIRCLE ? 37
                        : vertical                         ? 0
                                                           : h->h / 2;
            if (strstr(h->label, "không có số liệu") != NULL) {
                /* a hatched grey cell: it must be there, and only there */
                grey += (size_t)grey_at(d.surf, h->x + h->w / 2 + 2,
                                        h->y + h->h / 2);
                continue;
            }
            checked++;
            if (!on_mark(d.surf, h, 0, 0, vertical)) {
                print_message("off its mark: %s at %g,%g\n", h->label, h->x,
                              h->y);
            }
            ok += (size_t)on_mark(d.surf, h, 0, 0, vertical);
            moved += (size_t)on_mark(d.surf, h, dx, dy, vertical);
        }
        if (ok != checked) {
            fail_msg("%s: %zu of %zu regions on a mark", k[i].csv, ok, checked);
        }
        if (!heat && moved * 4 > checked) {
            fail_msg("%s: control moved %zu of %zu still on marks", k[i].csv,
                     moved, checked);
        }
        if (heat && grey != 1) {
            fail_msg("heatmap: the no-data region is not on the hatched cell");
        }
        drawn_free(&d);
        chiso_chart_free(c);
    }
}

static void
test_hotspot_labels(void **state)
{
    chiso_chart *c = load_chart(CHISO_PLOT_HEATMAP, "heatmap.csv");
    chiso_chart *b = small_bars(), *w = NULL;
    drawn d;
    size_t j;
    int missing = 0, value = 0;

    (void)state;
    draw(c, 1200, 800, &d);
    for (j = 0; j < d.n; j++) {
        missing += strcmp(d.spots[j].label,
                          "Sở Y tế — Kết quả dịch vụ: không có số liệu") == 0;
        value += strcmp(d.spots[j].label,
                        "Sở Tư pháp — Tiếp cận dịch vụ: 94,2") == 0;
    }
    assert_int_equal(missing, 1);
    assert_int_equal(value, 1);
    drawn_free(&d);

    chiso_chart_set_lang(b, CHISO_PLOT_LANG_EN);
    draw(b, 800, 500, &d);
    assert_int_equal(d.n, 3);
    assert_string_equal(d.spots[0].label, "Quảng Ninh: 92.18");
    assert_string_equal(d.spots[2].label, "Sở <Thử> & \"x\": 85.50");
    drawn_free(&d);

    {
        chiso_chart *r = load_chart(CHISO_PLOT_TREND, "ranks.csv");
        int pub = 0, derived = 0;
        draw(r, 1200, 800, &d);
        for (j = 0; j < d.n; j++) {
            pub +=
                strcmp(d.spots[j].label, "PAR INDEX — 2018: hạng 44/63") == 0;
            derived += strcmp(d.spots[j].label,
                              "PAR INDEX — 2020: hạng 31/63 (tính từ điểm "
                              "công bố, không phải hạng công bố)") == 0;
        }
        assert_int_equal(pub, 1);
        assert_int_equal(derived, 1);
        drawn_free(&d);
        chiso_chart_free(r);
        r = load_chart(CHISO_PLOT_BARS, "bars-ranked.csv");
        draw(r, 1200, 800, &d);
        assert_string_equal(d.spots[0].label, "Quảng Ninh (1/63): 92,18");
        drawn_free(&d);
        chiso_chart_free(r);
    }
    {
        /* a series denser than its pixels: one region per 1.5 units of x,
         * the last point kept */
        static double x[5000], y[5000];
        chiso_chart *t = NULL;
        for (j = 0; j < 5000; j++) {
            x[j] = (double)j;
            y[j] = 50 + 10 * sin((double)j / 100);
        }
        assert_int_equal(chiso_chart_new(&t, CHISO_PLOT_TREND), CHISO_OK);
        assert_int_equal(chiso_chart_add_series(t, "s", x, y, NULL, NULL, 5000),
                         CHISO_OK);
        draw(t, 800, 500, &d);
        assert_true(d.n > 300 && d.n < 600);
        assert_non_null(strstr(d.spots[d.n - 1].label, "4999"));
        drawn_free(&d);
        chiso_chart_free(t);
    }
    assert_int_equal(chiso_chart_new(&w, CHISO_PLOT_WATERFALL), CHISO_OK);
    assert_int_equal(chiso_chart_set_max(w, 96), CHISO_OK);
    assert_int_equal(chiso_chart_add_step(w, "Thể chế", 0.5), CHISO_OK);
    assert_int_equal(chiso_chart_add_step(w, "Công vụ", 2), CHISO_OK);
    draw(w, 800, 500, &d);
    assert_int_equal(d.n, 4);
    assert_string_equal(d.spots[0].label,
                        "Tối đa: 96,0"); /* the chart's decimals */
    assert_string_equal(d.spots[1].label, "Thể chế: \xE2\x88\x92"
                                          "0,5");
    assert_string_equal(d.spots[3].label, "Đạt được: 93,5");
    drawn_free(&d);
    assert_int_equal(chiso_plot_hotspots(w, NULL, &d.spots, &d.n),
                     CHISO_EINVAL);
    chiso_chart_free(w);
    chiso_chart_free(b);
    chiso_chart_free(c);
}

/* The regions reach the page: a <title> per mark, over the drawing. */
static void
test_chart_tooltips_in_page(void **state)
{
    chiso_web_page *p = new_page(CHISO_LANG_VI, "T");
    chiso_chart *c = small_bars();
    char *s;

    (void)state;
    assert_int_equal(chiso_web_figure_chart(p, c, 800, 500, "Hình", "Câu đọc.",
                                            "Biểu đồ cột"),
                     CHISO_OK);
    s = page_text(p);
    assert_non_null(strstr(s, "<g class=\"hs\">\n<rect x=\""));
    assert_non_null(strstr(s, "<title>Quảng Ninh: 92,18</title></rect>"));
    assert_non_null(strstr(s, "<title>Sở &lt;Thử&gt; &amp; &quot;x&quot;: "
                              "85,50</title>"));
    assert_non_null(strstr(s, "</g>\n</svg></div>\n<p class=\"tip\" "
                              "aria-live=\"polite\"></p>"));
    assert_non_null(strstr(s, "<p class=\"reading\">Câu đọc.</p>"));
    assert_non_null(strstr(s, "<title id=\"f1-t\">Biểu đồ cột</title>"));
    assert_non_null(strstr(s, "<p class=\"hint\">"));
    free(s);
    chiso_web_free(p);
    p = new_page(CHISO_LANG_VI, "T");
    assert_int_equal(chiso_web_figure_chart(p, c, 100, 500, "x", NULL, NULL),
                     CHISO_EUSAGE);
    chiso_chart_free(c);
    chiso_web_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_no_url_nothing_to_load),
        cmocka_unit_test(test_script_hash),
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_ids_unique),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_numbers_locale),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_first_error_kept),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_bad_text),
        cmocka_unit_test(test_cards),
        cmocka_unit_test(test_contents),
        cmocka_unit_test(test_import_svg),
        cmocka_unit_test(test_import_symbols),
        cmocka_unit_test(test_import_chart_file),
        cmocka_unit_test(test_hotspots_on_marks),
        cmocka_unit_test(test_hotspot_labels),
        cmocka_unit_test(test_chart_tooltips_in_page),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    chiso_plot_release_fonts();
    return rc;
}

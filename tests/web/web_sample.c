/*
 * web_sample.c - a fixed sample page for the browser tests:
 *   web_sample OUT.html [en]
 *
 * Every kind of block chiso_web has: cards of each status (one without
 * data), sections (enough for the contents list), a paragraph and a list,
 * charts with hover regions (bars with a highlighted unit, a heatmap with
 * a missing cell, a trend with a band), a chart left out, a sortable
 * table with numbers, percentages, a missing value, a highlighted row and
 * a total row, notes and sources (one a web address). Names carry what
 * user files may carry: <script>, &, quotes. The data is made up.
 *
 *   web_sample OUT.html kinds PLOTS_DATA_DIR [debug]
 *
 * One figure per chart kind, from the CSV samples of the chart tests;
 * `debug` paints the hover regions (to check by eye that they sit on the
 * marks).
 */
#include "chiso_plot.h"
#include "chiso_web.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define CHECK(x)                                                               \
    do {                                                                       \
        if ((x) != CHISO_OK) {                                                 \
            goto fail;                                                         \
        }                                                                      \
    } while (0)

static const char *const units[] = {
    "Quảng Ninh", "Hải Phòng", "Hà Nội",    "Bắc Ninh",
    "Hưng Yên",   "Nam Định",  "Thái Bình", "Sở <Thử> & \"Nghiệm\"'s"};
static const double values[] = {92.18, 90.55, 89.4, 87.3,
                                85.62, 84.1,  83.0, 80.5};
static const char *const areas[] = {
    "Chỉ đạo, điều hành", "Thể chế", "Thủ tục hành chính",
    "Tổ chức bộ máy",     "Công vụ", "Tài chính công",
    "Chính quyền số"};
static const double area_pts[] = {9, 5.5, 17.21, 8.5, 10, 7.5, 16.11};
static const double area_max[] = {16, 6, 21, 9, 12, 12, 20};

static int
charts(chiso_web_page *pg, int en)
{
    chiso_chart *c = NULL;
    size_t i;
    static const double years[] = {2018, 2019, 2020, 2021, 2022, 2023, 2024};
    static const double hy[] = {80.1, 81.5, 83.2, 82.0, 84.9, 85.62, 86.89};
    static const double lo[] = {78.9, 80.0, 81.9, 80.4, 83.0, 84.1, 85.2};
    static const double hi[] = {81.3, 83.0, 84.5, 83.6, 86.8, 87.1, 88.6};
    static const char *const rates[] = {"Nộp trực tuyến", "Đúng hạn", "Số hóa"};
    static const char *const months[] = {"T7", "T8", "T9", "T10", "T11", "T12"};

    CHECK(chiso_chart_new(&c, CHISO_PLOT_BARS));
    chiso_chart_set_lang(c, en ? CHISO_PLOT_LANG_EN : CHISO_PLOT_LANG_VI);
    chiso_chart_set_text(c, CHISO_PLOT_TITLE,
                         en ? "PAR INDEX 2023 of the comparison provinces"
                            : "PAR INDEX 2023 của các tỉnh so sánh");
    chiso_chart_set_text(c, CHISO_PLOT_SOURCE, "Bộ Nội vụ (số liệu minh hoạ)");
    chiso_chart_set_highlight(c, "Hưng Yên");
    chiso_chart_add_band(c, 90, 100, en ? "Group A" : "Nhóm A");
    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        CHECK(chiso_chart_add_bar(c, units[i], values[i], NULL));
    }
    CHECK(chiso_web_figure_chart(
        pg, c, 1200, 800,
        en ? "The province among its peers" : "Tỉnh so với các tỉnh bạn",
        en ? "Hưng Yên is fifth of the eight, at 85.62 %."
           : "Hưng Yên đứng thứ năm trong tám tỉnh, đạt 85,62 %.",
        NULL));
    chiso_chart_free(c);
    c = NULL;

    CHECK(chiso_chart_new(&c, CHISO_PLOT_TREND));
    chiso_chart_set_lang(c, en ? CHISO_PLOT_LANG_EN : CHISO_PLOT_LANG_VI);
    chiso_chart_set_text(c, CHISO_PLOT_TITLE, "SIPAS — Hưng Yên");
    chiso_chart_set_text(c, CHISO_PLOT_BAND_LABEL,
                         en ? "95 % interval" : "Khoảng tin cậy 95 %");
    CHECK(chiso_chart_add_series(c, "Hưng Yên", years, hy, lo, hi, 7));
    CHECK(
        chiso_chart_add_break(c, 2021, en ? "New method" : "Đổi phương pháp"));
    CHECK(chiso_web_figure_chart(pg, c, 1200, 700,
                                 en ? "Satisfaction over the years"
                                    : "Mức độ hài lòng qua các năm",
                                 NULL, NULL));
    chiso_chart_free(c);
    c = NULL;

    CHECK(chiso_chart_new(&c, CHISO_PLOT_HEATMAP));
    chiso_chart_set_lang(c, en ? CHISO_PLOT_LANG_EN : CHISO_PLOT_LANG_VI);
    chiso_chart_set_text(c, CHISO_PLOT_TITLE,
                         en ? "Rates by month (%)" : "Tỷ lệ theo tháng (%)");
    for (i = 0; i < 3; i++) {
        size_t m;
        for (m = 0; m < 6; m++) {
            double v = 60 + 5.5 * (double)i + 3.25 * (double)m;
            if (i == 2 && m == 3) {
                v = NAN; /* no data that month */
            }
            CHECK(chiso_chart_add_cell(c, rates[i], months[m], v));
        }
    }
    CHECK(chiso_web_figure_chart(
        pg, c, 1200, 600, en ? "Service rates by month" : "Tỷ lệ theo tháng",
        en ? "Online submission rose every month."
           : "Tỷ lệ nộp trực tuyến tăng đều qua các tháng.",
        NULL));
    chiso_chart_free(c);
    c = NULL;

    CHECK(chiso_chart_new(&c, CHISO_PLOT_WATERFALL));
    chiso_chart_set_lang(c, en ? CHISO_PLOT_LANG_EN : CHISO_PLOT_LANG_VI);
    chiso_chart_set_text(c, CHISO_PLOT_TITLE,
                         en ? "Points lost by area"
                            : "Điểm bị mất theo lĩnh vực");
    CHECK(chiso_chart_set_max(c, 96));
    for (i = 0; i < 7; i++) {
        CHECK(chiso_chart_add_step(c, areas[i], area_max[i] - area_pts[i]));
    }
    CHECK(chiso_web_figure_chart(pg, c, 1200, 800,
                                 en ? "From the maximum to the score"
                                    : "Từ điểm tối đa đến điểm đạt được",
                                 NULL, NULL));
    chiso_chart_free(c);
    c = NULL;
    CHECK(chiso_web_figure_missing(
        pg, en ? "The province's ranks" : "Thứ hạng của tỉnh",
        en ? "the store holds no rank for the province"
           : "kho số liệu không có thứ hạng của tỉnh"));
    return 0;
fail:
    chiso_chart_free(c);
    return -1;
}

static int
kinds_page(const char *out, const char *dir, int debug)
{
    static const struct {
        chiso_plot_kind kind;
        const char *csv;
    } k[] = {{CHISO_PLOT_TREND, "trend.csv"},
             {CHISO_PLOT_SMALL_MULTIPLES, "multiples.csv"},
             {CHISO_PLOT_BARS, "bars.csv"},
             {CHISO_PLOT_RANK_INTERVAL, "rank.csv"},
             {CHISO_PLOT_WATERFALL, "waterfall.csv"},
             {CHISO_PLOT_SCATTER, "scatter.csv"},
             {CHISO_PLOT_RADAR, "radar.csv"},
             {CHISO_PLOT_HEATMAP, "heatmap.csv"}};
    chiso_web_options o = CHISO_WEB_OPTIONS_INIT;
    chiso_web_page *pg = NULL;
    chiso_chart *c = NULL;
    chiso_diag diag;
    char path[1024];
    size_t i;

    chiso_diag_clear(&diag);
    o.title = "Mọi loại biểu đồ";
    CHECK(chiso_web_new(&pg, &o, &diag));
    for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, k[i].csv);
        CHECK(chiso_chart_new(&c, k[i].kind));
        chiso_chart_set_text(c, CHISO_PLOT_TITLE,
                             chiso_plot_kind_name(k[i].kind));
        chiso_chart_set_highlight(c, "Hưng Yên");
        CHECK(chiso_chart_load_csv(c, path, NULL, &diag));
        CHECK(chiso_web_figure_chart(
            pg, c, 1200, 800, chiso_plot_kind_name(k[i].kind), NULL, NULL));
        chiso_chart_free(c);
        c = NULL;
    }
    CHECK(chiso_web_write(pg, out, &diag));
    chiso_web_free(pg);
    if (debug) {
        /* paint the regions: a copy whose style makes them visible */
        FILE *f = fopen(out, "r+b");
        if (f != NULL) {
            char buf[1 << 16];
            size_t n = fread(buf, 1, sizeof(buf) - 1, f);
            char *at;
            buf[n] = '\0';
            at = strstr(buf, "fill-opacity:0;");
            if (at != NULL) {
                fseek(f, (long)(at - buf), SEEK_SET);
                fputs("fill-opacity:.4;", f); /* same length */
            }
            fclose(f);
        }
    }
    return 0;
fail:
    chiso_web_error(pg, &diag);
    fprintf(stderr, "web_sample: %s\n", diag.message);
    chiso_chart_free(c);
    chiso_web_free(pg);
    return 1;
}

int
main(int argc, char **argv)
{
    chiso_web_options o = CHISO_WEB_OPTIONS_INIT;
    chiso_web_page *pg = NULL;
    chiso_diag diag;
    int en = argc > 2 && strcmp(argv[2], "en") == 0;
    size_t i;
    double total = 0, total_max = 0;
    chiso_web_card cards[4];
    static const chiso_web_column cols[] = {{"Lĩnh vực", CHISO_WEB_TEXT, 0},
                                            {"Điểm", CHISO_WEB_NUMBER, 2},
                                            {"Tối đa", CHISO_WEB_INTEGER, 0},
                                            {"Tỷ lệ", CHISO_WEB_PERCENT, 1},
                                            {"Hồ sơ", CHISO_WEB_INTEGER, 0}};
    static const double dossiers[] = {1234, 15678, NAN, 120, 99999, 8, 450};
    const char *items[2];

    if (argc < 2) {
        fprintf(stderr,
                "usage: web_sample OUT.html [en | kinds DIR [debug]]\n");
        return 2;
    }
    if (argc > 3 && strcmp(argv[2], "kinds") == 0) {
        int rc = kinds_page(argv[1], argv[3], argc > 4);
        chiso_plot_release_fonts();
        return rc;
    }
    chiso_diag_clear(&diag);
    o.lang = en ? CHISO_LANG_EN : CHISO_LANG_VI;
    o.title = en ? "Administrative reform report, second half of 2024"
                 : "Báo cáo kết quả cải cách hành chính 6 tháng cuối năm 2024";
    o.subtitle = "Sở Khoa học và Công nghệ tỉnh Hưng Yên — <mẫu> & \"thử\"";
    o.generator = "chiso 0.1.0";
    CHECK(chiso_web_new(&pg, &o, &diag));
    memset(cards, 0, sizeof(cards));
    cards[0].label = en ? "Self-assessed PAR index" : "Chỉ số CCHC tự đánh giá";
    cards[0].value = en ? "76.90" : "76,90";
    cards[0].unit = "%";
    cards[0].note =
        en ? "Average · appraised 74.29 %" : "Trung bình · thẩm định 74,29 %";
    cards[0].source = "Bộ tiêu chí <khung mẫu> & \"TEMPLATE\"";
    cards[0].exact = en ? "76.8958 %" : "76,8958 %";
    cards[0].tone = CHISO_WEB_WARN;
    cards[1].label =
        en ? "Tasks completed on time" : "Nhiệm vụ hoàn thành đúng hạn";
    cards[1].value = en ? "86.67" : "86,67";
    cards[1].unit = "%";
    cards[1].note = en ? "2 tasks overdue" : "2 nhiệm vụ quá hạn";
    cards[1].tone = CHISO_WEB_BAD;
    cards[2].label = en ? "Dossiers submitted online" : "Hồ sơ nộp trực tuyến";
    cards[2].value = en ? "83.51" : "83,51";
    cards[2].unit = "%";
    cards[2].note = en ? "previous period 68.00 %" : "kỳ trước 68,00 %";
    cards[2].tone = CHISO_WEB_GOOD;
    cards[3].label =
        en ? "Province's PAR INDEX score" : "Điểm PAR INDEX của tỉnh";
    cards[3].value = NULL;
    cards[3].note = en ? "only a rank is published" : "chỉ công bố thứ hạng";
    CHECK(chiso_web_cards(pg, cards, 4));

    CHECK(chiso_web_section(pg, en ? "I. Results" : "I. Kết quả thực hiện"));
    CHECK(chiso_web_paragraph(
        pg,
        en ? "The unit scored 73.82 of 96 applicable points.\nA second line."
           : "Đơn vị đạt 73,82 trên 96 điểm áp dụng.\nDòng thứ hai."));
    CHECK(charts(pg, en));

    CHECK(
        chiso_web_section(pg, en ? "II. Areas" : "II. Kết quả theo lĩnh vực"));
    CHECK(chiso_web_table_begin(
        pg, en ? "Points by area" : "Điểm theo lĩnh vực", cols, 5));
    for (i = 0; i < 7; i++) {
        if (i == 2) {
            CHECK(chiso_web_row_flags(pg, CHISO_WEB_ROW_HIGHLIGHT));
        }
        CHECK(chiso_web_put_text(pg, i == 5 ? "Tài chính <công> & \"ngân sách\""
                                            : areas[i]));
        CHECK(chiso_web_put_number(pg, area_pts[i]));
        CHECK(chiso_web_put_number(pg, area_max[i]));
        CHECK(chiso_web_put_number(pg, area_pts[i] / area_max[i] * 100));
        CHECK(chiso_web_put_number(pg, dossiers[i]));
        total += area_pts[i];
        total_max += area_max[i];
    }
    CHECK(chiso_web_row_flags(pg, CHISO_WEB_ROW_TOTAL));
    CHECK(chiso_web_put_text(pg, en ? "Total" : "Tổng cộng"));
    CHECK(chiso_web_put_number(pg, total));
    CHECK(chiso_web_put_number(pg, total_max));
    CHECK(chiso_web_put_number(pg, total / total_max * 100));
    CHECK(chiso_web_put_missing(pg));
    CHECK(chiso_web_table_end(pg, en ? "Source: the unit's self-assessment."
                                     : "Nguồn: bảng tự đánh giá của đơn vị."));

    CHECK(chiso_web_section(pg, en ? "III. What to fix first"
                                   : "III. Việc cần làm trước"));
    items[0] = en ? "Raise the on-time rate of assigned tasks to 90 %."
                  : "Nâng tỷ lệ nhiệm vụ hoàn thành đúng hạn lên 90 %.";
    items[1] = "Giải ngân vốn đầu tư công <80 %> & \"kế hoạch\"";
    CHECK(chiso_web_list(pg, items, 2, 1));

    CHECK(chiso_web_note(pg, en ? "46 criteria have no appraised points."
                                : "46 tiêu chí chưa có điểm thẩm định."));
    CHECK(chiso_web_note(pg, "Ghi chú có <b>thẻ</b> & \"ngoặc kép\""));
    CHECK(chiso_web_source(pg, "Bộ Nội vụ, Báo cáo PAR INDEX 2023"));
    CHECK(chiso_web_source(
        pg, "https://www.vietnam.vn/en/trien-khai-nhiem-vu (trang tin)"));
    CHECK(chiso_web_write(pg, argv[1], &diag));
    chiso_web_free(pg);
    chiso_plot_release_fonts();
    return 0;
fail:
    chiso_web_error(pg, &diag);
    fprintf(stderr, "web_sample: %s\n", diag.message);
    chiso_web_free(pg);
    chiso_plot_release_fonts();
    return 1;
}

/*
 * bench_charts.c - the chiso side of tests/bench/bench_charts.sh.
 *
 *   bench_charts render OUTDIR [N]   draw N trend charts in this process,
 *                                    each file synced (chiso_plot_write)
 *   bench_charts batch OUTDIR [N]    the same, files not synced one by one
 *                                    (no_sync) and the folder synced once
 *                                    at the end, as a report pack does
 *   bench_charts csv OUTDIR [N]      write the N charts' data as CSV files
 *                                    (for the one-process-per-chart run)
 *
 * Each chart has the same content shape as the matplotlib peer
 * (mpl_charts.py): 8 series x 10 yearly points (2015-2024), a random walk
 * starting uniformly in [70, 85] with Gaussian steps (mean 0.8, sd 1.5)
 * clamped to [50, 100], 1200 x 800 px PNG, a Vietnamese title, axis titles,
 * legend, grid and markers. The random numbers differ from Python's (our
 * own seeded generator); the content and sizes do not. Prints the time
 * spent on stderr. Not a test: it only prints figures.
 */
#define _GNU_SOURCE /* syncfs */
#include "chiso_plot.h"

#include <fcntl.h>
#include <unistd.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const series_names[8] = {
    "Sở Tư pháp",  "Sở Nội vụ",      "Sở Tài chính",        "Sở Y tế",
    "Sở Xây dựng", "Sở Công Thương", "UBND huyện Đông Hải", "Trung bình tỉnh"};

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

/* splitmix64 */
static double
uniform01(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

static double
gauss(double mu, double sd)
{
    /* Box-Muller */
    double u1 = uniform01(), u2 = uniform01();
    if (u1 < 1e-300) {
        u1 = 1e-300;
    }
    return mu + sd * sqrt(-2 * log(u1)) * cos(2 * 3.14159265358979323846 * u2);
}

static void
make_data(double y[8][10])
{
    int s, k;

    for (s = 0; s < 8; s++) {
        double v = 70 + 15 * uniform01();
        for (k = 0; k < 10; k++) {
            v = fmin(100.0, fmax(50.0, v + gauss(0.8, 1.5)));
            y[s][k] = v;
        }
    }
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
    int n = 100, c, s, k;
    double t0, t1, x[10], y[8][10];
    char path[1024], title[256];

    int batch = 0;
    chiso_plot_write_options wo;
    chiso_chart **charts;
    char **paths;

    if (argc < 3 ||
        (strcmp(argv[1], "render") != 0 && strcmp(argv[1], "batch") != 0 &&
         strcmp(argv[1], "csv") != 0)) {
        fprintf(stderr, "usage: bench_charts render|batch|csv OUTDIR [N]\n");
        return 2;
    }
    batch = strcmp(argv[1], "batch") == 0;
    chiso_plot_write_options_init(&wo);
    wo.no_sync = batch;
    wo.threads =
        getenv("CHISO_THREADS") ? (unsigned)atoi(getenv("CHISO_THREADS")) : 0;
    if (argc > 3) {
        n = atoi(argv[3]);
    }
    if (n < 1) {
        n = 1;
    }
    charts = calloc((size_t)n, sizeof(*charts));
    paths = calloc((size_t)n, sizeof(*paths));
    if (charts == NULL || paths == NULL) {
        return 4;
    }
    mkdir(argv[2], 0777);
    for (k = 0; k < 10; k++) {
        x[k] = 2015 + k;
    }
    t0 = now();
    for (c = 0; c < n; c++) {
        make_data(y);
        if (strcmp(argv[1], "csv") == 0) {
            FILE *f;
            snprintf(path, sizeof(path), "%s/chart_%03d.csv", argv[2], c);
            f = fopen(path, "w");
            if (f == NULL) {
                perror(path);
                return 3;
            }
            fputs("series,x,y\n", f);
            for (s = 0; s < 8; s++) {
                for (k = 0; k < 10; k++) {
                    fprintf(f, "%s,%d,%.6f\n", series_names[s], 2015 + k,
                            y[s][k]);
                }
            }
            fclose(f);
        } else {
            chiso_chart *ch = NULL;
            chiso_diag diag;
            chiso_diag_clear(&diag);
            if (chiso_chart_new(&ch, CHISO_PLOT_TREND) != CHISO_OK) {
                return 4;
            }
            snprintf(title, sizeof(title),
                     "Chỉ số cải cách hành chính (PAR INDEX) — biểu đồ %d",
                     c + 1);
            chiso_chart_set_text(ch, CHISO_PLOT_TITLE, title);
            chiso_chart_set_text(ch, CHISO_PLOT_X_LABEL, "Năm đánh giá");
            chiso_chart_set_text(ch, CHISO_PLOT_Y_LABEL, "Điểm chỉ số (%)");
            for (s = 0; s < 8; s++) {
                chiso_chart_add_series(ch, series_names[s], x, y[s], NULL, NULL,
                                       10);
            }
            snprintf(path, sizeof(path), "%s/chart_%03d.png", argv[2], c);
            if (batch) {
                /* drawn all together below */
                charts[c] = ch;
                paths[c] = strdup(path);
                continue;
            }
            if (chiso_plot_write_ex(ch, path, &wo, &diag) != CHISO_OK) {
                fprintf(stderr, "bench_charts: %s\n", diag.message);
                chiso_chart_free(ch);
                return 1;
            }
            chiso_chart_free(ch);
        }
    }
    if (batch) {
        chiso_diag diag;
        chiso_diag_clear(&diag);
        if (chiso_plot_write_many((const chiso_chart *const *)charts,
                                  (const char *const *)paths, (size_t)n, &wo,
                                  &diag) != CHISO_OK) {
            fprintf(stderr, "bench_charts: %s\n", diag.message);
            return 1;
        }
        for (c = 0; c < n; c++) {
            chiso_chart_free(charts[c]);
            free(paths[c]);
        }
        free(charts);
        free(paths);
    }
    if (batch) {
        /* one sync for the whole folder instead of one per chart */
        int fd = open(argv[2], O_RDONLY | O_DIRECTORY);
        if (fd < 0 || syncfs(fd) != 0 || fsync(fd) != 0) {
            perror(argv[2]);
            return 3;
        }
        close(fd);
    }
    t1 = now();
    if (!batch) {
        free(charts);
        free(paths);
    }
    fprintf(stderr, "%d charts %.3f s (%.2f ms/chart)\n", n, t1 - t0,
            1000 * (t1 - t0) / n);
    return 0;
}

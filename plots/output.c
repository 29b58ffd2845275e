/*
 * output.c - charts to PNG, SVG and PDF files.
 *
 * The format follows the file extension. This file owns the cairo
 * surface: it creates it on a stream that goes to a temporary file beside
 * the destination (chiso_outfile), draws, finishes the surface, checks
 * the cairo status at each step and only then renames the file into
 * place, so a failed run leaves no partial chart behind.
 *
 * Reproducible bytes: PNG has no timestamp. cairo names SVG groups
 * "surface<N>" after a process-wide surface counter, so the second chart
 * drawn by one process would differ from the first: the SVG is collected
 * in memory and those ids are renumbered in order of appearance (checked
 * by test_plot_render). PDF creation and modification dates are set explicitly from
 * SOURCE_DATE_EPOCH (reproducible-builds.org convention) when it holds a
 * valid number of seconds, else to the fixed date 2000-01-01T00:00:00Z,
 * never to the current time.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE (glibc) */
#define _GNU_SOURCE     /* memmem */
#include "chiso_plot.h"
#include "plots_int.h"
#include "render_int.h"

#include "chiso_dataset.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The PDF date used when SOURCE_DATE_EPOCH is not set. */
#define PLOT_PDF_FIXED_DATE "2000-01-01T00:00:00Z"

static cairo_status_t
buf_cb(void *closure, const unsigned char *data, unsigned int len)
{
    return chiso_buf_append(closure, data, len) == CHISO_OK
               ? CAIRO_STATUS_SUCCESS
               : CAIRO_STATUS_NO_MEMORY;
}

/*
 * Write the SVG text with every "surface<digits>" id replaced by
 * "surface<k>", k counting distinct ids from 1 in order of appearance.
 * A chart has a handful of surfaces; a small table is enough.
 */
static int
write_svg_canonical(const chiso_buf *b, FILE *f)
{
    static const char key[] = "surface";
    unsigned long seen[256];
    size_t n_seen = 0, i = 0, start = 0, klen = sizeof(key) - 1;
    const char *s = b->data;

    while (b->data != NULL && i + klen < b->len) {
        size_t j, k;
        unsigned long id = 0;
        /* to the next "surface" (memmem, not a compare per byte) */
        const char *hit = memmem(s + i, b->len - i, key, klen);
        if (hit == NULL) {
            break;
        }
        i = (size_t)(hit - s);
        j = i + klen;
        if (j >= b->len || s[j] < '0' || s[j] > '9') {
            i++;
            continue;
        }
        while (j < b->len && s[j] >= '0' && s[j] <= '9') {
            id = id * 10 + (unsigned long)(s[j] - '0');
            j++;
        }
        for (k = 0; k < n_seen && seen[k] != id; k++) {
        }
        if (k == n_seen) {
            if (n_seen == sizeof(seen) / sizeof(seen[0])) {
                return -1;
            }
            seen[n_seen++] = id;
        }
        if (fwrite(s + start, 1, i + klen - start, f) != i + klen - start ||
            fprintf(f, "%zu", k + 1) < 0) {
            return -1;
        }
        start = i = j;
    }
    if (b->len > start &&
        fwrite(s + start, 1, b->len - start, f) != b->len - start) {
        return -1;
    }
    return 0;
}

static cairo_status_t
write_cb(void *closure, const unsigned char *data, unsigned int len)
{
    FILE *f = closure;

    return fwrite(data, 1, len, f) == len ? CAIRO_STATUS_SUCCESS
                                          : CAIRO_STATUS_WRITE_ERROR;
}

/* The PDF date: SOURCE_DATE_EPOCH if set and valid, else the fixed date. */
static void
pdf_date(char *out, size_t cap)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end;
    long long secs;
    int y;
    unsigned m, d;
    long long days, rem;

    snprintf(out, cap, "%s", PLOT_PDF_FIXED_DATE);
    if (sde == NULL || sde[0] == '\0') {
        return;
    }
    errno = 0;
    secs = strtoll(sde, &end, 10);
    if (*end != '\0' || errno != 0 || secs < 0 || secs > 253402300799LL) {
        return; /* not a valid epoch: keep the fixed date */
    }
    days = secs / 86400;
    rem = secs % 86400;
    chiso_civil_from_days(days, &y, &m, &d);
    snprintf(out, cap, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", y, m, d,
             rem / 3600, rem / 60 % 60, rem % 60);
}

/* Large pages for the pixel buffer: 2 MiB alignment lets the kernel back
 * it with transparent huge pages, so the first touch of a 1200 x 800
 * image costs two page faults instead of ~940 (halving the time of a
 * one-chart process on virtual machines where faults are slow). */
#define PIXEL_ALIGN ((size_t)2 << 20)

/* A pixel buffer kept from one chart to the next by a batch writer's
 * thread, so its pages are faulted in once, not once per chart. */
typedef struct pixel_keep {
    void *p;
    size_t size;
} pixel_keep;

static cairo_surface_t *
pixel_surface(int w, int h, pixel_keep *keep, unsigned char **pixels)
{
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, w);
    size_t size = (size_t)stride * (size_t)h;
    void *p = NULL;

    if (keep != NULL && stride > 0 && keep->p != NULL && keep->size >= size) {
        /* cairo clears nothing it does not draw: the chart paints its
         * whole background first */
        return cairo_image_surface_create_for_data(keep->p, CAIRO_FORMAT_RGB24,
                                                   w, h, stride);
    }
    if (stride > 0 && size >= PIXEL_ALIGN / 2) {
        size = (size + PIXEL_ALIGN - 1) & ~(PIXEL_ALIGN - 1);
        if (posix_memalign(&p, PIXEL_ALIGN, size) != 0) {
            p = NULL;
        }
#ifdef MADV_HUGEPAGE
        if (p != NULL) {
            madvise(p, size, MADV_HUGEPAGE); /* a hint; failure is fine */
        }
#endif
    }
    if (p == NULL) {
        return cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    }
    if (keep != NULL) {
        free(keep->p);
        keep->p = p;
        keep->size = size;
    } else {
        *pixels = p;
    }
    return cairo_image_surface_create_for_data(p, CAIRO_FORMAT_RGB24, w, h,
                                               stride);
}

static chiso_status
surface_error(chiso_diag *diag, cairo_status_t cs, const char *what)
{
    if (cs == CAIRO_STATUS_NO_MEMORY) {
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return chiso_diag_set(
        diag, CHISO_EIO, NULL, 0, 0, "%s: %s",
        chiso_msg(diag != NULL ? diag->lang : CHISO_LANG_VI, what),
        cairo_status_to_string(cs));
}

/* The chart size and the chart's data, checked before any font or
 * surface exists (every writer of a chart starts so). */
static chiso_status
check_chart(const chiso_chart *chart,
            double width,
            double height,
            chiso_diag *diag)
{
    if (!(width >= 200 && height >= 150 && width <= 20000 && height <= 20000)) {
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "chart size %gx%g is outside 200x150 .. "
                              "20000x20000",
                              width, height);
    }
    return chiso_plot_check(chart, width, height, diag);
}

/* A drawing context on a new surface, both checked. *cr is NULL unless
 * it was made (then the caller destroys it). */
static chiso_status
open_context(cairo_surface_t *surf, cairo_t **cr, chiso_diag *diag)
{
    cairo_status_t cs = cairo_surface_status(surf);

    *cr = NULL;
    if (cs != CAIRO_STATUS_SUCCESS) {
        return surface_error(diag, cs, "cannot create the chart surface");
    }
    *cr = cairo_create(surf);
    cs = cairo_status(*cr);
    if (cs != CAIRO_STATUS_SUCCESS) {
        return surface_error(diag, cs, "cannot draw");
    }
    return CHISO_OK;
}

/* Finish a surface drawn on and check it. */
static chiso_status
finish_surface(cairo_surface_t *surf, chiso_diag *diag)
{
    cairo_status_t cs;

    cairo_surface_finish(surf);
    cs = cairo_surface_status(surf);
    if (cs != CAIRO_STATUS_SUCCESS) {
        return surface_error(diag, cs, "cannot write the chart");
    }
    return CHISO_OK;
}

/* An image surface's pixels into f as PNG with our own encoder (several
 * times faster than cairo's, png_fast.c). */
static chiso_status
png_from_surface(FILE *f, cairo_surface_t *surf, chiso_diag *diag)
{
    chiso_status st;

    cairo_surface_flush(surf);
    st = chiso_plot__png_write(f, cairo_image_surface_get_data(surf),
                               cairo_image_surface_get_width(surf),
                               cairo_image_surface_get_height(surf),
                               cairo_image_surface_get_stride(surf));
    if (st != CHISO_OK) {
        return chiso_diag_set(diag, st, NULL, 0, 0,
                              st == CHISO_ENOMEM ? "out of memory"
                                                 : "cannot write the PNG");
    }
    return CHISO_OK;
}

/* A font-free measurer (every character half the size wide), used to run
 * the layout's data checks before any font or surface is touched. */
static double
rough_width(void *ctx, const char *s, size_t len, double size, int bold)
{
    (void)ctx;
    (void)bold;
    return (double)chiso_utf8_count(s, len) * size / 2;
}

static double
rough_line_height(void *ctx, double size)
{
    (void)ctx;
    return 1.2 * size;
}

chiso_status
chiso_plot_check(const chiso_chart *chart,
                 double width,
                 double height,
                 chiso_diag *diag)
{
    chiso_plot_measure m = {rough_width, rough_line_height, NULL};
    chiso_plot_model *md = NULL;
    chiso_diag quiet;
    chiso_status st;

    /* the msgid (English) tells a data problem from a size problem */
    chiso_diag_clear(&quiet);
    quiet.lang = CHISO_LANG_EN;
    st = chiso_plot_layout(&md, chart, width, height, &m, &quiet);
    chiso_plot_model_free(md);
    md = NULL;
    /* only problems with the data count here; "too small for its texts"
     * depends on the real font and is left to the real layout */
    if (st == CHISO_OK || strstr(quiet.message, "too small") != NULL ||
        strstr(quiet.message, "too narrow") != NULL) {
        return CHISO_OK;
    }
    if (diag != NULL && diag->code == CHISO_OK) {
        /* again, for the message in the caller's language */
        chiso_diag_clear(&quiet);
        quiet.lang = diag->lang;
        chiso_plot_layout(&md, chart, width, height, &m, &quiet);
        chiso_plot_model_free(md);
        *diag = quiet;
    }
    return st;
}

static chiso_status
write_stream(const chiso_chart *chart,
             FILE *f,
             chiso_plot_format fmt,
             double width,
             double height,
             pixel_keep *keep,
             chiso_diag *diag)
{
    cairo_surface_t *surf = NULL;
    cairo_t *cr = NULL;
    chiso_status st = CHISO_OK;
    char date[40];
    chiso_buf svg = CHISO_BUF_INIT;
    unsigned char *pixels = NULL;

    /* data problems are found before any font or surface exists */
    st = check_chart(chart, width, height, diag);
    if (st != CHISO_OK) {
        return st;
    }
    switch (fmt) {
    case CHISO_PLOT_PNG:
        surf =
            pixel_surface((int)ceil(width), (int)ceil(height), keep, &pixels);
        break;
    case CHISO_PLOT_SVG:
        surf = cairo_svg_surface_create_for_stream(buf_cb, &svg, width, height);
        cairo_svg_surface_set_document_unit(surf, CAIRO_SVG_UNIT_PT);
        break;
    case CHISO_PLOT_PDF:
        surf = cairo_pdf_surface_create_for_stream(write_cb, f, width, height);
        pdf_date(date, sizeof(date));
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE,
                                       date);
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_MOD_DATE, date);
        if (chart->text[CHISO_PLOT_TITLE] != NULL) {
            cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE,
                                           chart->text[CHISO_PLOT_TITLE]);
        }
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR,
                                       "chiso");
        break;
    default:
        return chiso_diag_set(diag, CHISO_EINVAL, NULL, 0, 0,
                              "unknown chart format");
    }
    st = open_context(surf, &cr, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    st = chiso_plot_draw(cr, chart, width, height, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    cairo_destroy(cr);
    cr = NULL;
    if (fmt == CHISO_PLOT_PNG) {
        st = png_from_surface(f, surf, diag);
        if (st != CHISO_OK) {
            goto out;
        }
    }
    st = finish_surface(surf, diag);
    if (st == CHISO_OK && fmt == CHISO_PLOT_SVG &&
        write_svg_canonical(&svg, f) != 0) {
        st =
            chiso_diag_set(diag, CHISO_EIO, NULL, 0, 0, "cannot write the SVG");
    }
out:
    chiso_buf_free(&svg);
    if (cr != NULL) {
        cairo_destroy(cr);
    }
    if (surf != NULL) {
        cairo_surface_destroy(surf);
    }
    free(pixels);
    return st;
}

chiso_status
chiso_plot_write_stream(const chiso_chart *chart,
                        FILE *f,
                        chiso_plot_format fmt,
                        double width,
                        double height,
                        chiso_diag *diag)
{
    return write_stream(chart, f, fmt, width, height, NULL, diag);
}

void
chiso_plot_write_options_init(chiso_plot_write_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->width = 1200;
    opts->height = 800;
}

/*
 * The batch writer (opts->no_sync): temporary file beside the path, then
 * rename, without fsync; the caller syncs the folder once for the whole
 * batch. The path must be absent or a regular file: anything else (a
 * device, a FIFO, a symlink, a folder) is refused rather than renamed
 * over.
 */
/* What goes into an output file once it is open (a chart drawn into a
 * stream, or bytes drawn before). */
typedef chiso_status (*emit_fn)(void *ctx, FILE *f, chiso_diag *diag);

static chiso_status
write_unsynced(const char *path, emit_fn emit, void *ctx, chiso_diag *diag)
{
    struct stat sb;
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    FILE *f = NULL;
    int fd, err = 0;
    chiso_status st;

    if (tmp == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, path, 0, 0, "out of memory");
    }
    if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        free(tmp);
        return chiso_diag_set(diag, CHISO_EUSAGE, path, 0, 0,
                              "exists and is not a regular file; not "
                              "replacing it");
    }
    snprintf(tmp, len + 16, "%s.tmp-XXXXXX", path);
    fd = mkstemp(tmp);
    /* mkstemp makes 0600: a chart gets the mode fopen() would give, like
     * every other file of the pack */
    if (fd >= 0 && fchmod(fd, (mode_t)chiso_file_default_mode()) != 0) {
        /* keep 0600: safe, only less convenient */
    }
    if (fd < 0 || (f = fdopen(fd, "wb")) == NULL) {
        err = errno;
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return chiso_diag_set_errno(diag, path, err, "cannot write");
    }
    st = emit(ctx, f, diag);
    if (fflush(f) != 0 || ferror(f)) {
        err = errno ? errno : EIO;
    }
    if (fclose(f) != 0 && err == 0) {
        err = errno;
    }
    if (st == CHISO_OK && err == 0 && rename(tmp, path) != 0) {
        err = errno;
    }
    if (st == CHISO_OK && err != 0) {
        st = chiso_diag_set_errno(diag, path, err, "cannot write");
    }
    if (st != CHISO_OK) {
        unlink(tmp);
    }
    free(tmp);
    return st;
}

/* path written by emit: unsynced (write_unsynced) or as a synced,
 * atomic output file. */
static chiso_status
write_file(
    const char *path, int no_sync, emit_fn emit, void *ctx, chiso_diag *diag)
{
    chiso_outfile *of = NULL;
    chiso_status st;

    if (no_sync) {
        return write_unsynced(path, emit, ctx, diag);
    }
    st = chiso_outfile_open(&of, path, diag);
    if (st != CHISO_OK) {
        return st;
    }
    st = emit(ctx, chiso_outfile_stream(of), diag);
    if (st != CHISO_OK) {
        chiso_outfile_abort(of);
        return st;
    }
    return chiso_outfile_commit(of, diag);
}

typedef struct stream_job {
    const chiso_chart *chart;
    chiso_plot_format fmt;
    double width, height;
    pixel_keep *keep;
} stream_job;

static chiso_status
emit_stream(void *ctx, FILE *f, chiso_diag *diag)
{
    const stream_job *j = ctx;

    return write_stream(j->chart, f, j->fmt, j->width, j->height, j->keep,
                        diag);
}

static chiso_status
write_ex(const chiso_chart *chart,
         const char *path,
         const chiso_plot_write_options *opts,
         pixel_keep *keep,
         chiso_diag *diag)
{
    stream_job j;

    if (strcmp(path, "-") == 0 || chiso_plot_format_from_path(path, &j.fmt)) {
        return chiso_diag_set(diag, CHISO_EUSAGE, NULL, 0, 0,
                              "cannot tell the chart format of '%s': the "
                              "output must end in .png, .svg or .pdf",
                              path);
    }
    j.chart = chart;
    j.width = opts->width;
    j.height = opts->height;
    j.keep = keep;
    return write_file(path, opts->no_sync, emit_stream, &j, diag);
}

/* ---- one chart, several outputs ------------------------------------------ */

typedef struct job_state {
    chiso_plot_job *job;
    double width, height;
    pixel_keep *keep;
    chiso_plot_model *md; /* the model, once laid out */
    char *svg;            /* the SVG file's bytes, once drawn */
    size_t svg_len;
} job_state;

/*
 * Lay the chart out and draw its SVG, once: as write_stream does for an
 * SVG file (same checks, same surface, same drawing), keeping the model
 * and the canonical bytes.
 */
static chiso_status
job_draw(job_state *js, chiso_diag *diag)
{
    const chiso_chart *chart = js->job->chart;
    double width = js->width, height = js->height;
    cairo_surface_t *surf;
    cairo_t *cr = NULL;
    chiso_buf svg = CHISO_BUF_INIT;
    chiso_status st;
    FILE *m;

    if (js->svg != NULL) {
        return CHISO_OK;
    }
    st = check_chart(chart, width, height, diag);
    if (st != CHISO_OK) {
        return st;
    }
    surf = cairo_svg_surface_create_for_stream(buf_cb, &svg, width, height);
    cairo_svg_surface_set_document_unit(surf, CAIRO_SVG_UNIT_PT);
    st = open_context(surf, &cr, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    st = chiso_plot__draw_keep(cr, chart, width, height, &js->md, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    cairo_destroy(cr);
    cr = NULL;
    st = finish_surface(surf, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    /* the bytes the SVG file gets (cairo's surface numbers made the
     * chart's own) */
    m = open_memstream(&js->svg, &js->svg_len);
    if (m != NULL) {
        int bad = write_svg_canonical(&svg, m) != 0;
        if (fclose(m) != 0) {
            bad = 1;
        }
        if (bad) {
            free(js->svg);
            js->svg = NULL;
        }
    }
    if (js->svg == NULL) {
        st = chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
out:
    chiso_buf_free(&svg);
    if (cr != NULL) {
        cairo_destroy(cr);
    }
    cairo_surface_destroy(surf);
    return st;
}

/* The PNG from the job's model (write_stream's PNG branch). */
static chiso_status
emit_job_png(void *ctx, FILE *f, chiso_diag *diag)
{
    job_state *js = ctx;
    cairo_surface_t *surf;
    cairo_t *cr = NULL;
    unsigned char *pixels = NULL;
    chiso_status st = job_draw(js, diag);

    if (st != CHISO_OK) {
        return st;
    }
    surf = pixel_surface((int)ceil(js->width), (int)ceil(js->height), js->keep,
                         &pixels);
    st = open_context(surf, &cr, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    st = chiso_plot_render(cr, js->job->chart, js->md, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    cairo_destroy(cr);
    cr = NULL;
    st = png_from_surface(f, surf, diag);
    if (st != CHISO_OK) {
        goto out;
    }
    st = finish_surface(surf, diag);
out:
    if (cr != NULL) {
        cairo_destroy(cr);
    }
    cairo_surface_destroy(surf);
    free(pixels);
    return st;
}

static chiso_status
emit_job_svg(void *ctx, FILE *f, chiso_diag *diag)
{
    job_state *js = ctx;
    chiso_status st = job_draw(js, diag);

    if (st == CHISO_OK && fwrite(js->svg, 1, js->svg_len, f) != js->svg_len) {
        st =
            chiso_diag_set(diag, CHISO_EIO, NULL, 0, 0, "cannot write the SVG");
    }
    return st;
}

static chiso_status
job_run(chiso_plot_job *j,
        const chiso_plot_write_options *opts,
        pixel_keep *keep,
        chiso_diag *diag)
{
    job_state js;
    chiso_status st = CHISO_OK;

    memset(&js, 0, sizeof(js));
    js.job = j;
    js.width = opts->width;
    js.height = opts->height;
    js.keep = keep;
    if (j->png_path != NULL) {
        st = write_file(j->png_path, opts->no_sync, emit_job_png, &js, diag);
    }
    if (st == CHISO_OK && j->svg_path != NULL) {
        st = write_file(j->svg_path, opts->no_sync, emit_job_svg, &js, diag);
    }
    if (st == CHISO_OK && j->keep_svg) {
        st = job_draw(&js, diag);
        if (st == CHISO_OK && chiso_plot_hotspots(j->chart, js.md, &j->spots,
                                                  &j->n_spots) != CHISO_OK) {
            st =
                chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
        }
        if (st == CHISO_OK) {
            j->svg = js.svg;
            j->svg_len = js.svg_len;
            js.svg = NULL;
        }
    }
    free(js.svg);
    chiso_plot_model_free(js.md);
    return st;
}

void
chiso_plot_job_clear(chiso_plot_job *job)
{
    if (job == NULL) {
        return;
    }
    free(job->svg);
    chiso_plot_hotspots_free(job->spots, job->n_spots);
    job->svg = NULL;
    job->svg_len = 0;
    job->spots = NULL;
    job->n_spots = 0;
}

chiso_status
chiso_plot_write_ex(const chiso_chart *chart,
                    const char *path,
                    const chiso_plot_write_options *opts,
                    chiso_diag *diag)
{
    return write_ex(chart, path, opts, NULL, diag);
}

chiso_status
chiso_plot_write(const chiso_chart *chart,
                 const char *path,
                 double width,
                 double height,
                 chiso_diag *diag)
{
    chiso_plot_write_options o;

    chiso_plot_write_options_init(&o);
    o.width = width;
    o.height = height;
    return chiso_plot_write_ex(chart, path, &o, diag);
}

/* ---- many charts at once ------------------------------------------------ */

typedef struct batch {
    const chiso_chart *const *charts;
    const char *const *paths;
    chiso_plot_job *jobs; /* or jobs (chiso_plot_write_jobs) */
    size_t n;
    const chiso_plot_write_options *opts;
    pthread_mutex_t lock;
    pthread_cond_t idle; /* signalled when busy drops to 0 */
    size_t busy;         /* jobs taken and not finished */
    size_t next;         /* next chart to take */
    size_t failed_at;    /* lowest failed index, n if none */
    chiso_diag diag;     /* its diagnostic */
    chiso_status st;
} batch;

/* Take charts until none is left or one failed. */
static void
batch_run(batch *b)
{
    pixel_keep keep = {NULL, 0};

    for (;;) {
        size_t i;
        chiso_diag d;
        chiso_status st;
        pthread_mutex_lock(&b->lock);
        i = b->next < b->failed_at ? b->next++ : b->n;
        d = b->diag; /* for its language */
        if (i < b->n) {
            b->busy++;
        }
        pthread_mutex_unlock(&b->lock);
        if (i >= b->n) {
            break;
        }
        chiso_diag_clear(&d);
        st = b->jobs != NULL
                 ? job_run(&b->jobs[i], b->opts, &keep, &d)
                 : write_ex(b->charts[i], b->paths[i], b->opts, &keep, &d);
        pthread_mutex_lock(&b->lock);
        if (st != CHISO_OK && i < b->failed_at) {
            b->failed_at = i;
            b->diag = d;
            b->st = st;
        }
        if (--b->busy == 0) {
            pthread_cond_broadcast(&b->idle);
        }
        pthread_mutex_unlock(&b->lock);
    }
    free(keep.p);
}

static void *
batch_worker(void *arg)
{
    batch_run(arg);
    /* Pango's font map is per thread: release this one's */
    chiso_plot_release_fonts();
    return NULL;
}

static chiso_status
batch_all(batch *b, chiso_diag *diag)
{
    pthread_t tid[CHISO_PLOT_MAX_THREADS];
    size_t n_threads = b->opts->threads, started = 0, i;

    if (b->n == 0) {
        return CHISO_OK;
    }
    if (n_threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        n_threads = cpus > 0 ? (size_t)cpus : 1;
    }
    if (n_threads > CHISO_PLOT_MAX_THREADS) {
        n_threads = CHISO_PLOT_MAX_THREADS;
    }
    if (n_threads > b->n) {
        n_threads = b->n;
    }
    b->failed_at = b->n;
    b->st = CHISO_OK;
    chiso_diag_clear(&b->diag);
    if (diag != NULL) {
        b->diag.lang = diag->lang;
    }
    if (pthread_mutex_init(&b->lock, NULL) != 0) {
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (pthread_cond_init(&b->idle, NULL) != 0) {
        pthread_mutex_destroy(&b->lock);
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    /* the calling thread works too: n_threads - 1 helpers */
    for (i = 1; i < n_threads; i++) {
        if (pthread_create(&tid[started], NULL, batch_worker, b) != 0) {
            break; /* fewer helpers; the work still gets done */
        }
        started++;
    }
    /* the caller's own fonts stay loaded (its font map is its own) */
    batch_run(b);
    for (i = 0; i < started; i++) {
        pthread_join(tid[i], NULL);
    }
    pthread_cond_destroy(&b->idle);
    pthread_mutex_destroy(&b->lock);
    if (b->st != CHISO_OK && diag != NULL && diag->code == CHISO_OK) {
        *diag = b->diag;
    }
    return b->st;
}

chiso_status
chiso_plot_write_many(const chiso_chart *const *charts,
                      const char *const *paths,
                      size_t n,
                      const chiso_plot_write_options *opts,
                      chiso_diag *diag)
{
    batch b;

    memset(&b, 0, sizeof(b));
    b.charts = charts;
    b.paths = paths;
    b.n = n;
    b.opts = opts;
    return batch_all(&b, diag);
}

chiso_status
chiso_plot_write_jobs(chiso_plot_job *jobs,
                      size_t n,
                      const chiso_plot_write_options *opts,
                      chiso_diag *diag)
{
    batch b;

    memset(&b, 0, sizeof(b));
    b.jobs = jobs;
    b.n = n;
    b.opts = opts;
    return batch_all(&b, diag);
}

/* ---- jobs shared with the caller's other threads -------------------------- */

struct chiso_plot_batch {
    batch b;
    chiso_plot_write_options opts;
};

chiso_status
chiso_plot_batch_new(chiso_plot_batch **out,
                     chiso_plot_job *jobs,
                     size_t n,
                     const chiso_plot_write_options *opts,
                     chiso_diag *diag)
{
    chiso_plot_batch *pb = calloc(1, sizeof(*pb));

    *out = NULL;
    if (pb == NULL) {
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    pb->opts = *opts;
    pb->b.jobs = jobs;
    pb->b.n = n;
    pb->b.opts = &pb->opts;
    pb->b.failed_at = n;
    pb->b.st = CHISO_OK;
    chiso_diag_clear(&pb->b.diag);
    if (diag != NULL) {
        pb->b.diag.lang = diag->lang;
    }
    if (pthread_mutex_init(&pb->b.lock, NULL) != 0) {
        free(pb);
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (pthread_cond_init(&pb->b.idle, NULL) != 0) {
        pthread_mutex_destroy(&pb->b.lock);
        free(pb);
        return chiso_diag_set(diag, CHISO_ENOMEM, NULL, 0, 0, "out of memory");
    }
    *out = pb;
    return CHISO_OK;
}

void
chiso_plot_batch_help(chiso_plot_batch *pb)
{
    if (pb != NULL) {
        batch_run(&pb->b);
    }
}

chiso_status
chiso_plot_batch_wait(chiso_plot_batch *pb, chiso_diag *diag)
{
    batch *b = &pb->b;

    batch_run(b);
    pthread_mutex_lock(&b->lock);
    while (b->busy > 0) {
        pthread_cond_wait(&b->idle, &b->lock);
    }
    pthread_mutex_unlock(&b->lock);
    if (b->st != CHISO_OK && diag != NULL && diag->code == CHISO_OK) {
        *diag = b->diag;
    }
    return b->st;
}

void
chiso_plot_batch_free(chiso_plot_batch *pb)
{
    if (pb == NULL) {
        return;
    }
    pthread_cond_destroy(&pb->b.idle);
    pthread_mutex_destroy(&pb->b.lock);
    free(pb);
}

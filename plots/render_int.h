/*
 * render_int.h - internals of the Cairo/Pango side of the plots module.
 */
#ifndef CHISO_RENDER_INT_H
#define CHISO_RENDER_INT_H

#include "chiso_plot.h"

#include <cairo.h>
#include <stdio.h>

#define PLOT_PI 3.14159265358979323846

/* Pango text state for one render: context, one reused layout, font. */
typedef struct plot_text plot_text;

chiso_status chiso_plot__text_new(plot_text **out, cairo_t *cr);
void chiso_plot__text_free(plot_text *t);
/* A measurer backed by t (borrowed: valid while t lives). */
void chiso_plot__text_measure(plot_text *t, chiso_plot_measure *m);
/* Draw a fitted label, offset by (dx, dy). Hidden and empty labels are
 * skipped. The colour is cr's current source. */
void chiso_plot__text_draw(plot_text *t,
                           cairo_t *cr,
                           const chiso_plot_label *lb,
                           double dx,
                           double dy);

/* chiso_plot_draw that also hands over the model it drew (*keep, the
 * caller frees it; NULL on failure) when keep is not NULL. */
chiso_status chiso_plot__draw_keep(cairo_t *cr,
                                   const chiso_chart *chart,
                                   double width,
                                   double height,
                                   chiso_plot_model **keep,
                                   chiso_diag *diag);

/*
 * Encode an RGB24 cairo image (width x height, `stride` bytes per row) as
 * PNG into f (png_fast.c). CHISO_EIO on a write error, CHISO_ENOMEM.
 */
chiso_status chiso_plot__png_write(
    FILE *f, const unsigned char *data, int width, int height, int stride);

#endif /* CHISO_RENDER_INT_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * raster.h - the one way engine/render runs pdftoppm (raster.c): the PDF in on a pipe, the
 * output read back with a size cap, the child killed and reaped whatever goes wrong.
 */
#ifndef TRYKK_RASTER_H
#define TRYKK_RASTER_H

#include <glib.h>
#include "render.h"

struct raster_job {
    const char *const *argv; /* argv[0]: the program by absolute path; fixed arguments */
    const struct bytes *in;  /* written to its stdin */
    size_t cap;              /* the most stdout may hold: more is an error (EFBIG) */
    bool writes_files;       /* it writes files (a proof's PNGs): no file size, memory or CPU
                              * limits and no timeout; otherwise a pipe is all it writes to */
};

/* Run job; its stdout appended to out. 0, or -1 with *err ("cannot run …" or "pdftoppm
 * could not render <what> (<why>)"). A child that exits early is no SIGPIPE for trykk. */
int raster_run(const struct raster_job *job, const char *what, GByteArray *out, char **err);

/* Pages 1..pages of pdf, the rectangle f of each (inset, rounded inwards; clipped to a
 * smaller page) at dpi in gray, rendered by one pdftoppm run into out: one binary PGM per
 * page, back to back. -1 and *err when it fails. */
int render_gray(const struct bytes *pdf, int pages, const struct rect_mm *f, double inset,
                int dpi, GByteArray *out, char **err);

/* inkbatch.c: one letter's page to render in a batch: page 1 of pdf, the rectangle rect when
 * it is rendered alone. After render_gray_items, pgm holds its PGM (the caller frees it), or
 * is NULL and err says why. */
struct gray_item {
    const struct bytes *pdf;
    struct rect_mm rect;
    GByteArray *pgm;
    char *err;
};
/* Page 1 of every item, in one pdftoppm run of the items' pages joined (each rendered with
 * the rectangle joined, the widest of them; a smaller page clips it), so the pixels are the
 * ones a rendering alone gives. When the joined run fails (what names the pages in the log
 * line), every item is rendered alone with its own rectangle: one bad page fails only its
 * item. A batch of one is rendered alone. */
void render_gray_items(struct gray_item *items, size_t n, const struct rect_mm *joined,
                       double inset, int dpi, const char *what);

#endif

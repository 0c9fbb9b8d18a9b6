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

#endif

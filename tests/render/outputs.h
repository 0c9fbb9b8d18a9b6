/* SPDX-License-Identifier: Apache-2.0 */
/*
 * outputs.h - looking at printed output the way a print room would: text positions
 * (pdftotext -bbox), DataMatrix codes (pdftoppm at 300 dpi + dmtxread), ink per plate
 * (Ghostscript inkcov and tiffsep), page boxes and raw streams (qpdf).
 */
#ifndef TRYKK_TEST_OUTPUTS_H
#define TRYKK_TEST_OUTPUTS_H

#include <stdbool.h>
#include <glib.h>
#include "util/util.h"

struct word {
    char *text;
    double x0, y0, x1, y1; /* mm from the page's top-left */
};

/* stdout of argv, or NULL when it fails */
char *out_run(const char *const *argv);
/* Words of one page (1-based); free with g_ptr_array_free. */
GPtrArray *out_words(const char *pdf, int page);
/* The word equal to text on the page, or NULL. */
const struct word *out_find(GPtrArray *words, const char *text);
/* DataMatrix payloads decoded from the mark zone (x 0-15, y 95-175 mm) of a page. */
char *out_datamatrix(const char *pdf, int page);
/* Ink coverage C, M, Y, K of one page (Ghostscript inkcov). */
void out_inkcov(const char *pdf, int page, double cmyk[4]);
/* Plate names (tiffsep) of one page that carry ink. */
GPtrArray *out_plates(const char *pdf, int page);
int out_pages(const char *pdf);
/* MediaBox of a page in points; rotation in *rot. */
void out_box(const char *pdf, int page, double box[4], int *rot);
/* Raw (undecoded) data of every image and embedded font stream, keyed "image:N"/"font:N". */
GPtrArray *out_streams(const struct bytes *pdf, const char *kind);
/* A rectangle (mm) of a page rendered at 300 dpi in gray: *pw × *ph bytes, row by row. */
guchar *out_gray(const char *pdf, int page, double x, double y, double w, double h,
                 unsigned *pw, unsigned *ph);
/* Dark pixels (gray < 128) in a rectangle (mm) of a page rendered at 300 dpi. */
long out_dark(const char *pdf, int page, double x, double y, double w, double h);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * blank.c - is the eco field of page 1 free of ink? Is there sender ink under the marks?
 *
 * The check renders page 1 as it will print (page.c: annotations flattened into the
 * content, the page boxed like assembly does), with -hide-annotations so nothing but that
 * content counts. pdftoppm renders only the field (inset by about 1 mm, rounded inwards) at
 * low resolution in gray (render_gray, raster.c: the PDF in on a pipe, the PGM back on
 * one); pixels darker than the layout's threshold are ink. The same rendering looks at the
 * inserter marks' knockout area of the sheet fronts of a whole planning batch (inkbatch.c), several
 * strip pages in one run.
 */
#include <stdio.h>
#include <string.h>
#include "pdfpage.h"
#include "raster.h"

size_t pgm_size(const unsigned char *pgm, size_t len, unsigned *w, unsigned *h)
{
    char head[64];
    unsigned max;
    int hdr = 0;

    memcpy(head, pgm, MIN(len, sizeof head - 1));
    head[MIN(len, sizeof head - 1)] = '\0';
    if (len < 3 || sscanf(head, "P5 %u %u %u%n", w, h, &max, &hdr) < 3 || max != 255 ||
        hdr <= 0 || *w > 1u << 16 || *h > 1u << 16 || (size_t)hdr + 1 + (size_t)*w * *h > len)
        return 0;
    return (size_t)hdr + 1 + (size_t)*w * *h;
}

long pgm_ink(const unsigned char *pgm, size_t len, int threshold, long c0, long c1)
{
    unsigned w, h, x, y;
    size_t size = pgm_size(pgm, len, &w, &h), hdr = size - (size_t)w * h;
    long ink = 0;

    if (size == 0)
        return -1;
    if (c1 < 0 || c1 > (long)w)
        c1 = w;
    for (y = 0; y < h; y++)
        for (x = (unsigned)MAX(c0, 0); (long)x < c1; x++)
            ink += pgm[hdr + (size_t)y * w + x] < threshold;
    return ink;
}

static long render_ink(const struct bytes *pdf, const struct rect_mm *f, double inset, int dpi,
                       int threshold, char **err)
{
    GByteArray *out = g_byte_array_new();
    long ink = render_gray(pdf, 1, f, inset, dpi, out, err) < 0
                   ? -2
                   : pgm_ink(out->data, out->len, threshold, 0, -1);

    g_byte_array_free(out, TRUE);
    if (ink == -1)
        *err = g_strdup("pdftoppm's output is not a PGM");
    return ink < 0 ? -1 : ink;
}

int zone_ink(const struct bytes *pdf, const struct layout *l, long *ink, bool *landscape,
             char **err)
{
    struct bytes page1 = {0};

    *ink = -1;
    *landscape = false;
    if (page_as_printed(pdf, 0, PT(l->page_w), PT(l->page_h), &page1, landscape, err) < 0)
        return -1;
    if (*landscape) {
        *ink = 0;
        bytes_wipe_free(&page1);
        return 0;
    }
    *ink = render_ink(&page1, &l->eco_field, l->eco_inset, l->eco_dpi, l->eco_threshold, err);
    bytes_wipe_free(&page1);
    return *ink < 0 ? -1 : 0;
}

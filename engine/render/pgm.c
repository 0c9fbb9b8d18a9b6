/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pgm.c - reading pdftoppm's gray renderings: the size of one binary PGM in a run's output
 * (a run of several pages writes them back to back) and its ink pixels below a threshold.
 * Used by the eco check (blank.c) and the mark-zone check (inkbatch.c).
 */
#include <stdio.h>
#include <string.h>
#include "pdfpage.h"

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

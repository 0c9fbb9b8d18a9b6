/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fold.c - how a sheet goes into its envelope: the fold lines of an A4 sheet for a stock.
 *
 * A sheet that fits the envelope face flat (either way round) is not folded (C4); otherwise
 * it is folded into the fewest equal panels that fit the face's height (C5: once, at the
 * middle; a C6/5 or DL stock would give two folds). The lines are at equal distances from
 * the top of the sheet, which is the panel that faces the window. The proof overlay draws
 * them and the job ticket names the folding scheme from their number.
 */
#include "render.h"

#define FIT_MM 1e-6

int fold_lines(const struct layout *l, const struct stock *s, double *y, int max)
{
    int panels, i;

    if ((l->page_w <= s->width + FIT_MM && l->page_h <= s->height + FIT_MM) ||
        (l->page_h <= s->width + FIT_MM && l->page_w <= s->height + FIT_MM))
        return 0;
    for (panels = 2; panels <= max + 1; panels++)
        if (l->page_h / panels <= s->height + FIT_MM && l->page_w <= s->width + FIT_MM)
            break;
    if (panels > max + 1)
        return -1;
    for (i = 1; i < panels; i++)
        y[i - 1] = l->page_h * i / panels;
    return panels - 1;
}

const char *fold_catalog(int folds)
{
    /* CIP4 JDF fold catalogue: F2-1 a flat sheet, F4-1 one fold (two panels). More folds
     * have several catalogue entries (letter or zig-zag): the stock would have to say. */
    return folds == 0 ? "F2-1" : folds == 1 ? "F4-1" : NULL;
}

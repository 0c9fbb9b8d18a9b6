/* SPDX-License-Identifier: Apache-2.0 */
/*
 * blank.c - is the eco field of page 1 free of ink? Is there sender ink under the marks?
 *
 * The check renders page 1 as it will print (page.c: annotations flattened into the
 * content, the page boxed like assembly does), with -hide-annotations so nothing but that
 * content counts. pdftoppm renders only the field (inset by about 1 mm, rounded inwards) at
 * low resolution in gray (render_gray, raster.c: the PDF in on a pipe, the PGM back on
 * one); pixels darker than the layout's threshold are ink. A planning batch renders the
 * fields of up to 64 letters in one pdftoppm run (eco_batch_*: the pages as printed joined,
 * one PGM each, render_gray_items in inkbatch.c), each letter alone when that run fails; a
 * letter's page 1 is held only until the batch is rendered, then wiped. The same rendering
 * looks at the inserter marks' knockout area of the sheet fronts of a whole planning batch
 * (inkbatch.c), several strip pages in one run.
 */
#include "pdfpage.h"
#include "raster.h"

/* Page 1 of a letter as it prints, until the batch is rendered; its ink after. */
struct eco_slot {
    struct bytes page1; /* wiped as soon as the batch is rendered */
    GByteArray *pgm;
    char *err;
};

struct eco_batch {
    const struct layout *l;
    GArray *slots; /* struct eco_slot */
};

struct eco_batch *eco_batch_new(const struct layout *l)
{
    struct eco_batch *b = g_new0(struct eco_batch, 1);

    b->l = l;
    b->slots = g_array_new(FALSE, TRUE, sizeof(struct eco_slot));
    return b;
}

int eco_batch_add(struct eco_batch *b, const struct bytes *pdf, bool *landscape, char **err)
{
    struct eco_slot s = {{0}, NULL, NULL};

    int rc;

    *landscape = false;
    rc = page_as_printed(pdf, 0, PT(b->l->page_w), PT(b->l->page_h), &s.page1, landscape, err);
    if (rc < 0 || *landscape) {
        bytes_wipe_free(&s.page1);
        return rc < 0 ? -1 : -2;
    }
    g_array_append_val(b->slots, s);
    return (int)b->slots->len - 1;
}

void eco_batch_render(struct eco_batch *b)
{
    struct gray_item *items = g_new0(struct gray_item, b->slots->len + 1);
    guint i;

    for (i = 0; i < b->slots->len; i++) {
        items[i].pdf = &g_array_index(b->slots, struct eco_slot, i).page1;
        items[i].rect = b->l->eco_field;
    }
    render_gray_items(items, b->slots->len, &b->l->eco_field, b->l->eco_inset, b->l->eco_dpi,
                      "eco fields");
    for (i = 0; i < b->slots->len; i++) {
        struct eco_slot *s = &g_array_index(b->slots, struct eco_slot, i);
        s->pgm = items[i].pgm;
        s->err = items[i].err;
        bytes_wipe_free(&s->page1);
    }
    g_free(items);
}

int eco_batch_result(struct eco_batch *b, int slot, long *ink, char **err)
{
    struct eco_slot *s = &g_array_index(b->slots, struct eco_slot, slot);

    *ink = -1;
    if (!s->pgm) {
        *err = g_strdup(s->err ? s->err : "the eco field was not rendered");
        return -1;
    }
    *ink = pgm_ink(s->pgm->data, s->pgm->len, b->l->eco_threshold, 0, -1);
    if (*ink < 0)
        *err = g_strdup("pdftoppm's output is not a PGM");
    return *ink < 0 ? -1 : 0;
}

void eco_batch_free(struct eco_batch *b)
{
    guint i;

    if (!b)
        return;
    for (i = 0; i < b->slots->len; i++) {
        struct eco_slot *s = &g_array_index(b->slots, struct eco_slot, i);
        bytes_wipe_free(&s->page1);
        if (s->pgm)
            g_byte_array_free(s->pgm, TRUE);
        g_free(s->err);
    }
    g_array_free(b->slots, TRUE);
    g_free(b);
}

int zone_ink(const struct bytes *pdf, const struct layout *l, long *ink, bool *landscape,
             char **err)
{
    struct eco_batch *b = eco_batch_new(l);
    int slot = eco_batch_add(b, pdf, landscape, err), rc = slot == -2 ? 0 : -1;

    *ink = slot == -2 ? 0 : -1;
    if (slot >= 0) {
        eco_batch_render(b);
        rc = eco_batch_result(b, slot, ink, err);
    }
    eco_batch_free(b);
    return rc;
}

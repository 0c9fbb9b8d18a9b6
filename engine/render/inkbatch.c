/* SPDX-License-Identifier: Apache-2.0 */
/*
 * inkbatch.c - sender ink under the inserter marks, for a whole planning batch at once.
 *
 * Each letter's sheet fronts become one strip page as soon as the letter is added (strip.c:
 * qpdf copies what the tiles show, so the caller wipes the decrypted documents right away);
 * the strips of the batch are joined into one document and pdftoppm renders all of them in
 * one run (each pdftoppm start costs tens of milliseconds), one PGM per strip. Each letter
 * gets the ink of its own tiles. A letter whose strip cannot be built fails alone, when it
 * is added. When the joined rendering fails (a hostile page can make pdftoppm crash or run
 * out of its limits), every strip is rendered alone, so a bad letter costs only itself.
 * A strip is one letter on one page, laid out exactly as when it is rendered alone, so the
 * pixels and the counts do not depend on the batch.
 */
#include <math.h>
#include <string.h>
#include "pdfpage.h"
#include "raster.h"

struct ink_slot {
    struct bytes strip;  /* empty: the letter has no front */
    GArray *front;       /* the letter's page number of each tile */
    GByteArray *pgm;     /* its rendering, NULL until rendered */
    char *err;           /* why it could not be rendered */
};

struct ink_batch {
    const struct layout *l;
    const struct marks *m;
    struct rect_mm r;    /* the marks' extent on the sheet */
    GArray *slots;       /* struct ink_slot */
};

static struct ink_slot *slot_at(struct ink_batch *b, int i)
{
    return &g_array_index(b->slots, struct ink_slot, i);
}

struct ink_batch *ink_batch_new(const struct layout *l, const struct marks *m)
{
    struct ink_batch *b = g_new0(struct ink_batch, 1);

    b->l = l;
    b->m = m;
    b->r = marks_extent(m);
    b->slots = g_array_new(FALSE, TRUE, sizeof(struct ink_slot));
    return b;
}

int ink_batch_add(struct ink_batch *b, const struct bytes *docs, size_t ndocs, char **err)
{
    struct ink_slot s = {{0}, g_array_new(FALSE, FALSE, sizeof(int)), NULL, NULL};

    if (marks_strip(docs, ndocs, PT(b->l->page_w), PT(b->l->page_h), b->r, &s.strip, s.front,
                    err) < 0) {
        bytes_wipe_free(&s.strip);
        g_array_free(s.front, TRUE);
        return -1;
    }
    g_array_append_val(b->slots, s);
    return (int)b->slots->len - 1;
}

/* The strip's rectangle to render: all its tiles side by side. */
static struct rect_mm strip_rect(const struct ink_batch *b, guint tiles)
{
    return (struct rect_mm){0, 0, b->r.w * tiles, b->r.h};
}

/* One item alone (the fallback, and a batch of one). */
static void render_alone(struct gray_item *it, double inset, int dpi)
{
    it->pgm = g_byte_array_new();
    if (render_gray(it->pdf, 1, &it->rect, inset, dpi, it->pgm, &it->err) < 0) {
        g_byte_array_free(it->pgm, TRUE);
        it->pgm = NULL;
    }
}

/* Cut the joined rendering into one PGM per item; false when it does not add up. */
static bool split(struct gray_item *items, size_t n, const GByteArray *all)
{
    size_t off = 0, size, i;
    unsigned w, h;

    for (i = 0; i < n; i++, off += size) {
        size = off < all->len ? pgm_size(all->data + off, all->len - off, &w, &h) : 0;
        if (size == 0)
            return false;
        items[i].pgm = g_byte_array_new();
        g_byte_array_append(items[i].pgm, all->data + off, (guint)size);
    }
    return off == all->len;
}

/* Every item in one pdftoppm run; false (nothing rendered) when that fails. */
static bool render_joined(struct gray_item *items, size_t n, const struct rect_mm *joined,
                          double inset, int dpi, const char *what)
{
    struct bytes all = {0};
    GByteArray *out = g_byte_array_new();
    const struct bytes **pdfs = g_new(const struct bytes *, n);
    char *err = NULL;
    size_t i;
    bool ok;

    for (i = 0; i < n; i++)
        pdfs[i] = items[i].pdf;
    ok = strips_join(pdfs, n, &all, &err) == 0 &&
         render_gray(&all, (int)n, joined, inset, dpi, out, &err) == 0 && split(items, n, out);
    for (i = 0; !ok && i < n; i++) {
        if (items[i].pgm)
            g_byte_array_free(items[i].pgm, TRUE);
        items[i].pgm = NULL;
    }
    if (!ok)
        log_info("the batch's %s were not rendered together (%s): each letter alone", what,
                 err ? err : "the pages do not add up");
    g_free(err);
    g_free(pdfs);
    bytes_wipe_free(&all);
    g_byte_array_free(out, TRUE);
    return ok;
}

void render_gray_items(struct gray_item *items, size_t n, const struct rect_mm *joined,
                       double inset, int dpi, const char *what)
{
    size_t i;

    if (n < 2 || !render_joined(items, n, joined, inset, dpi, what))
        for (i = 0; i < n; i++)
            render_alone(&items[i], inset, dpi);
}

/* The letters with a strip: their slots in order, the widest strip's tile count. */
static GPtrArray *with_strip(struct ink_batch *b, guint *widest)
{
    GPtrArray *v = g_ptr_array_new();
    guint i;

    *widest = 0;
    for (i = 0; i < b->slots->len; i++) {
        struct ink_slot *s = slot_at(b, (int)i);
        if (s->front->len == 0)
            continue;
        g_ptr_array_add(v, s);
        *widest = MAX(*widest, s->front->len);
    }
    return v;
}

void ink_batch_render(struct ink_batch *b)
{
    guint widest, i;
    GPtrArray *v = with_strip(b, &widest);
    struct gray_item *items = g_new0(struct gray_item, v->len + 1);
    struct rect_mm all = strip_rect(b, widest);

    for (i = 0; i < v->len; i++) {
        struct ink_slot *s = v->pdata[i];
        items[i].pdf = &s->strip;
        items[i].rect = strip_rect(b, s->front->len);
    }
    render_gray_items(items, v->len, &all, 0, b->m->ink_dpi, "mark areas");
    for (i = 0; i < v->len; i++) {
        struct ink_slot *s = v->pdata[i];
        s->pgm = items[i].pgm;
        s->err = items[i].err;
    }
    g_free(items);
    g_ptr_array_free(v, TRUE);
}

int ink_batch_result(struct ink_batch *b, int slot, GString *pages, long *ink, char **err)
{
    struct ink_slot *s = slot_at(b, slot);
    double tile = b->r.w * b->m->ink_dpi / 25.4;
    guint k;

    *ink = 0;
    if (s->front->len > 0 && !s->pgm) {
        *err = g_strdup(s->err ? s->err : "the mark areas were not rendered");
        return -1;
    }
    for (k = 0; k < s->front->len; k++) {
        /* whole pixels of tile k only: a neighbour's edge may blend into a shared column */
        long px = pgm_ink(s->pgm->data, s->pgm->len, b->m->ink_threshold,
                          (long)ceil(k * tile) + 1, (long)floor((k + 1) * tile) - 1);
        if (px < 0) {
            *err = g_strdup("pdftoppm's output is not a PGM");
            return -1;
        }
        if (px > 0) {
            g_string_append_printf(pages, "%s%d", pages->len ? ", " : "",
                                   g_array_index(s->front, int, k));
            *ink += px;
        }
    }
    return 0;
}

void ink_batch_free(struct ink_batch *b)
{
    guint i;

    if (!b)
        return;
    for (i = 0; i < b->slots->len; i++) {
        struct ink_slot *s = slot_at(b, (int)i);
        bytes_wipe_free(&s->strip);
        g_array_free(s->front, TRUE);
        if (s->pgm)
            g_byte_array_free(s->pgm, TRUE);
        g_free(s->err);
    }
    g_array_free(b->slots, TRUE);
    g_free(b);
}

int marks_ink(const struct bytes *docs, size_t ndocs, const struct layout *l,
              const struct marks *m, GString *pages, long *ink, char **err)
{
    struct ink_batch *b = ink_batch_new(l, m);
    int slot = ink_batch_add(b, docs, ndocs, err), rc = -1;

    *ink = 0;
    if (slot >= 0) {
        ink_batch_render(b);
        rc = ink_batch_result(b, slot, pages, ink, err);
    }
    ink_batch_free(b);
    return rc;
}

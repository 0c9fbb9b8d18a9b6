/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compose.c - the engine-drawn content of a job's sheets, as one Cairo PDF.
 *
 * Each page of this document is later stamped onto a sheet as a form XObject (assemble.c):
 * a cover sheet, the eco address stamp on page 1, and the inserter marks. Everything drawn
 * here is black vector content, which assemble.c rewrites to DeviceGray so it prints on the
 * K plate only; logos are images and keep their own colour space (grey for SORT_HVIT).
 * Text uses one font at one size from fonts/ (fonts_map), so identical input gives
 * identical bytes.
 */
#include <string.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include "render.h"

struct deco {
    const struct render_setup *rs;
    GByteArray *buf;
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoContext *ctx;
    PangoLayout *pl;
    struct rect_mm address;
    int pages;
};

cairo_status_t render_pdf_sink(void *closure, const unsigned char *data, unsigned int len)
{
    g_byte_array_append(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

struct deco *deco_open(const struct render_setup *rs)
{
    struct deco *d = g_new0(struct deco, 1);
    PangoFontDescription *fd = pango_font_description_new();
    char *err = NULL;

    d->rs = rs;
    d->buf = g_byte_array_new();
    d->surface = cairo_pdf_surface_create_for_stream(render_pdf_sink, d->buf, PT(rs->layout->page_w),
                                                     PT(rs->layout->page_h));
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATE_DATE, rs->date);
    d->cr = cairo_create(d->surface);
    d->ctx = pango_font_map_create_context(fonts_map());
    pango_cairo_update_context(d->cr, d->ctx);
    /* glyphs where the font puts them: rounded to whole points they would not match the
     * widths address.c measures */
    pango_context_set_round_glyph_positions(d->ctx, FALSE);
    d->pl = pango_layout_new(d->ctx);
    pango_font_description_set_family(fd, rs->layout->font_family);
    pango_font_description_set_absolute_size(fd, rs->layout->font_pt * PANGO_SCALE);
    pango_layout_set_font_description(d->pl, fd);
    pango_font_description_free(fd);
    if (rs->layout->kind != LAYOUT_WINDOWLESS &&
        layout_address_in(rs->layout, rs->stock, &d->address, &err) < 0) {
        log_warn("%s; using the layout's block as it is", err); /* checked at start-up */
        d->address = rs->layout->address;
        g_free(err);
    }
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    return d;
}

static void text_at(struct deco *d, double x_mm, double y_mm, const char *text)
{
    pango_layout_set_text(d->pl, text, -1);
    cairo_move_to(d->cr, PT(x_mm), PT(y_mm));
    pango_cairo_show_layout(d->cr, d->pl);
}

static void bars_at(struct deco *d, GArray *bars, double x_mm, double y_mm, double mw,
                    double mh)
{
    guint i;

    for (i = 0; i < bars->len; i++) {
        const struct bar *b = &g_array_index(bars, struct bar, i);
        cairo_rectangle(d->cr, PT(x_mm + b->x * mw), PT(y_mm + b->y * mh), PT(b->w * mw),
                        PT(b->h * mh));
    }
    cairo_fill(d->cr);
}

/* text at a size other than the layout's (the return line), the layout's size restored */
static void text_at_pt(struct deco *d, double pt, double x_mm, double y_mm, const char *text)
{
    PangoFontDescription *fd = pango_font_description_copy(pango_layout_get_font_description(d->pl));

    pango_font_description_set_absolute_size(fd, pt * PANGO_SCALE);
    pango_layout_set_font_description(d->pl, fd);
    text_at(d, x_mm, y_mm, text);
    pango_font_description_set_absolute_size(fd, d->rs->layout->font_pt * PANGO_SCALE);
    pango_layout_set_font_description(d->pl, fd);
    pango_font_description_free(fd);
}

/* "EA", then the Code 128 return barcode ea_gap to its right, on one address line; returns
 * the x where the barcode's quiet zone ends. */
static double ea_line(struct deco *d, const char *code, double x, double y)
{
    const struct layout *l = d->rs->layout;
    double cols = 0, rows, w = text_width_mm(l->font_family, l->font_pt, "EA");
    GArray *bars = barcode_bars(false, code, &cols, &rows);

    text_at(d, x, y, "EA");
    if (bars) {
        bars_at(d, bars, x + w + l->ea_gap, y + (layout_line_mm(l) - l->ea_bar_h) / 2, l->ea_module,
                l->ea_bar_h);
        g_array_free(bars, TRUE);
    }
    return x + w + l->ea_gap + cols * l->ea_module + MAX(3, 10 * l->ea_module);
}

/* The return address as parts: its lines; for an EA letter the sending agency first, then
 * "c/o" the provider whose EA address it is (the citizen sees who sent the letter). */
static GPtrArray *return_parts(const struct render_piece *p)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    struct address_block b = {0};
    int i;

    address_lines(&p->return_addr, &b);
    for (i = 0; i < b.n; i++) {
        if (i == 0 && p->ea_code && p->sender_name && *p->sender_name) {
            g_ptr_array_add(parts, g_strdup(p->sender_name));
            g_ptr_array_add(parts, g_strconcat("c/o ", b.line[0], NULL));
        } else {
            g_ptr_array_add(parts, g_strdup(b.line[i]));
        }
    }
    address_block_clear(&b);
    return parts;
}

/* Heights of the block's lines: the return line's own line height (it is smaller), the EA
 * line (the barcode with room around it), the recipient's pitch and its last line. */
struct block_h {
    double ret, ea, pitch, last;
};

static double block_height(const struct block_h *h, bool ret, bool ea, int n)
{
    return (ret ? h->ret : 0) + (ea ? h->ea : 0) + (n > 0 ? (n - 1) * h->pitch + h->last : 0);
}

static void return_line(struct deco *d, const struct render_piece *p, const char *keyword,
                        double pt, double x, double y, double w)
{
    const struct layout *l = d->rs->layout;
    GPtrArray *parts = return_parts(p);
    bool cut;
    char *t;

    if (p->ea_code && p->sender_name && *p->sender_name && parts->len > 2) {
        /* "<agency>, c/o <provider>" is one part: never dropped, cut at its end at worst */
        char *both = g_strconcat(parts->pdata[0], ", ", parts->pdata[1], NULL);
        g_ptr_array_remove_index(parts, 1);
        g_free(parts->pdata[0]);
        parts->pdata[0] = both;
    }
    t = address_join_fit(keyword, (char *const *)parts->pdata, (int)parts->len, l->font_family,
                         pt, w, &cut);
    text_at_pt(d, pt, x, y, t);
    g_free(t);
    g_ptr_array_free(parts, TRUE);
}

/*
 * The block in the window, top to bottom: the one-line return address (smaller, shortened
 * from the middle so postcode and place stay), the EA line, then the recipient. When all
 * three do not fit the window inside its inset (an EA letter to a six-line foreign address
 * in C5), the return line moves onto the EA line, right of the barcode's quiet zone, a point
 * smaller; the recipient is never dropped and the block never comes nearer the window edge than the
 * inset.
 */
static void address_block(struct deco *d, const struct render_piece *p, struct render_stats *st)
{
    const struct layout *l = d->rs->layout;
    const struct rect_mm *a = &d->address;
    struct address_block rcp = {0};
    struct block_h h = {text_height_mm(l->font_family, l->return_pt), 0, layout_line_mm(l),
                        text_height_mm(l->font_family, l->font_pt)};
    bool ea = p->ea_code != NULL, ret = p->return_addr.navn && *p->return_addr.navn;
    double y = a->y, x_after;
    int room, i;

    h.ea = MAX(h.pitch, l->ea_bar_h + 0.3);
    address_lines_in(&p->recipient, p->country_english, &rcp);
    address_fit(&rcp, l->font_family, l->font_pt, a->w);
    for (room = rcp.n; room > 1 && block_height(&h, false, ea, room) > a->h + 1e-6; room--)
        ;
    if (ret && block_height(&h, true, ea, rcp.n) <= a->h + 1e-6) {
        return_line(d, p, "Returadresse:", l->return_pt, a->x, y, a->w);
        y += h.ret;
        ret = false;
    }
    if (ea) {
        x_after = ea_line(d, p->ea_code, a->x, y);
        if (ret && a->x + a->w - x_after > 20) {
            /* a point smaller: the agency and its c/o should still show */
            double pt = MAX(6, l->return_pt - 1);
            return_line(d, p, "Retur:", pt, x_after,
                        y + (h.ea - text_height_mm(l->font_family, pt)) / 2, a->x + a->w - x_after);
            ret = false;
        }
        y += h.ea;
    }
    for (i = 0; i < rcp.n && i < room; i++, y += h.pitch)
        text_at(d, a->x, y, rcp.line[i]);
    if (ret)
        log_warn("letter %s: no room for the return address in the window",
                 p->letter_id ? p->letter_id : p->code);
    if (rcp.shortened || rcp.n > room) {
        st->shortened++;
        log_warn("letter %s: the recipient's address was shortened to fit the window",
                 p->letter_id ? p->letter_id : p->code);
    }
    address_block_clear(&rcp);
}

static void piece_code(struct deco *d, const struct render_piece *p)
{
    const struct layout *l = d->rs->layout;
    char *t;

    if (l->piece_code.x <= 0 && l->piece_code.y <= 0)
        return;
    t = g_strdup_printf("Forsendelse %s", p->code);
    text_at(d, l->piece_code.x, l->piece_code.y, t);
    g_free(t);
}

/* Luminance (Rec. 601) of every pixel, so a SORT_HVIT letter's logo is an image in grey. */
static void to_grey(cairo_surface_t *img)
{
    int w, h, stride, x, y;
    unsigned char *px;

    cairo_surface_flush(img);
    if (cairo_image_surface_get_format(img) != CAIRO_FORMAT_ARGB32 &&
        cairo_image_surface_get_format(img) != CAIRO_FORMAT_RGB24)
        return;
    w = cairo_image_surface_get_width(img);
    h = cairo_image_surface_get_height(img);
    stride = cairo_image_surface_get_stride(img);
    px = cairo_image_surface_get_data(img);
    for (y = 0; y < h; y++) {
        guint32 *row = (guint32 *)(void *)(px + (size_t)y * stride);
        for (x = 0; x < w; x++) {
            guint32 v = row[x];
            guint32 r = (v >> 16) & 0xff, g = (v >> 8) & 0xff, b = v & 0xff;
            guint32 l = (299 * r + 587 * g + 114 * b) / 1000;
            row[x] = (v & 0xff000000u) | (l << 16) | (l << 8) | l;
        }
    }
    cairo_surface_mark_dirty(img);
}

/* The logo scaled into its box, keeping its aspect ratio; grey for a SORT_HVIT letter. */
static void logo(struct deco *d, const struct render_piece *p)
{
    const struct rect_mm *box = &d->rs->layout->logo;
    cairo_surface_t *img;
    double iw, ih, k;

    if (!p->logo)
        return;
    img = cairo_image_surface_create_from_png(p->logo);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        log_warn("piece %s: logo %s cannot be read; printed without it", p->code, p->logo);
        cairo_surface_destroy(img);
        return;
    }
    iw = cairo_image_surface_get_width(img);
    ih = cairo_image_surface_get_height(img);
    k = MIN(PT(box->w) / iw, PT(box->h) / ih);
    cairo_save(d->cr);
    cairo_translate(d->cr, PT(box->x), PT(box->y));
    cairo_scale(d->cr, k, k);
    if (!p->colour)
        to_grey(img);
    cairo_set_source_surface(d->cr, img, 0, 0);
    cairo_paint(d->cr);
    cairo_restore(d->cr);
    cairo_surface_destroy(img);
}

/* "Avsender: <agency>" under the window: the return address may be the provider's. */
static void sender_line(struct deco *d, const struct render_piece *p)
{
    const struct layout *l = d->rs->layout;
    struct address_block b = {0};

    if (!p->sender_name || !*p->sender_name)
        return;
    b.line[0] = g_strconcat("Avsender: ", p->sender_name, NULL);
    b.n = 1;
    address_fit(&b, l->font_family, l->font_pt, l->sender_line.w);
    text_at(d, l->sender_line.x, l->sender_line.y, b.line[0]);
    address_block_clear(&b);
}

void deco_cover(struct deco *d, const struct render_piece *p, struct render_stats *st)
{
    const struct layout *l = d->rs->layout;
    GPtrArray *rb = return_parts(p);
    double lh = layout_line_mm(l), nat = text_height_mm(l->font_family, l->font_pt);
    struct address_block b = {0};
    guint i;

    logo(d, p);
    for (i = 0; i < rb->len && b.n < ADDRESS_MAX_LINES; i++)
        b.line[b.n++] = g_strdup(rb->pdata[i]);
    g_ptr_array_free(rb, TRUE);
    address_fit(&b, l->font_family, l->font_pt, l->return_block.w);
    for (i = 0; (int)i < b.n && i * lh + nat <= l->return_block.h + 1e-6; i++)
        text_at(d, l->return_block.x, l->return_block.y + i * lh, b.line[i]);
    address_block_clear(&b);
    address_block(d, p, st);
    sender_line(d, p);
    piece_code(d, p);
}

void deco_stamp(struct deco *d, const struct render_piece *p, struct render_stats *st)
{
    address_block(d, p, st);
    piece_code(d, p);
}

/* White under the marks and knockout mm around them, so sender content cannot spoil them. */
static void knockout(struct deco *d, double x, double y, double w, double h)
{
    double k = d->rs->marks->knockout;

    cairo_set_source_rgb(d->cr, 1, 1, 1);
    cairo_rectangle(d->cr, PT(x - k), PT(y - k), PT(w + 2 * k), PT(h + 2 * k));
    cairo_fill(d->cr);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
}

void deco_marks(struct deco *d, const struct render_piece *p, int n, int m, int seq)
{
    const struct marks *mk = d->rs->marks;
    int i;

    if (mk->kind == MARKS_DATAMATRIX) {
        double cols, rows;
        char *payload = marks_payload(p->job_no, p->seq, n, m);
        GArray *bars = barcode_bars(true, payload, &cols, &rows);
        if (bars) {
            knockout(d, mk->x, mk->y, cols * mk->module, rows * mk->module);
            bars_at(d, bars, mk->x, mk->y, mk->module, mk->module);
            g_array_free(bars, TRUE);
        }
        g_free(payload);
        return;
    }
    knockout(d, mk->x, mk->y, mk->bar_length, (mk->positions - 1) * mk->pitch + mk->bar_thickness);
    unsigned bits = omr_bits(mk, n, m, seq);
    for (i = 0; i < mk->positions; i++)
        if (bits & (1u << i))
            cairo_rectangle(d->cr, PT(mk->x), PT(mk->y + i * mk->pitch), PT(mk->bar_length),
                            PT(mk->bar_thickness));
    cairo_fill(d->cr);
}

int deco_next(struct deco *d)
{
    cairo_show_page(d->cr);
    return d->pages++;
}

int deco_close(struct deco *d, struct bytes *pdf, char **err)
{
    cairo_status_t s;

    g_object_unref(d->pl);
    g_object_unref(d->ctx);
    cairo_destroy(d->cr);
    cairo_surface_finish(d->surface);
    s = cairo_surface_status(d->surface);
    cairo_surface_destroy(d->surface);
    pdf->len = d->buf->len;
    pdf->data = g_byte_array_free(d->buf, FALSE);
    g_free(d);
    if (s != CAIRO_STATUS_SUCCESS) {
        *err = g_strdup_printf("drawing the sheets failed: %s", cairo_status_to_string(s));
        bytes_free(pdf);
        return -1;
    }
    return 0;
}

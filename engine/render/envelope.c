/* SPDX-License-Identifier: Apache-2.0 */
/*
 * envelope.c - the envelope print stream for windowless stock: one face per piece, in the
 * order of the content sets, written with libharu (libraries.md §8).
 *
 * Pango does the text work (the same line fitting as the sheets, from the same font file);
 * libharu draws each line, the EA barcode and the piece's DataMatrix in DeviceGray, so the
 * face prints on the K plate only. The face's DataMatrix carries the piece's first-sheet
 * payload, so the inserter can match envelope and content before sealing.
 *
 * The sender's logo is read with Cairo, laid on white (the envelope) and given to libharu
 * as raw samples: DeviceGray (luminance) for a SORT_HVIT piece, DeviceRGB for FARGE; one
 * image per logo file and job, shared by its faces. A logo that cannot be read is left out
 * with a warning, as on the cover sheet. libharu's ToUnicode CMap is broken (tounicode.c
 * replaces it), and the finished stream goes through the same pdf_preflight as a sender's
 * document, at the face size, so a face that a print room would refuse is never published.
 */
#include <setjmp.h>
#include <string.h>
#include <cairo.h>
#include <hpdf.h>
#include "render.h"

struct face {
    HPDF_Doc doc;
    HPDF_Page page;
    HPDF_Font font;
    const struct render_setup *rs;
    double h; /* face height in points, for flipping y */
    GHashTable *logos;             /* file -> HPDF_Image, or absent when unreadable */
    unsigned char used[0x10000 / 8]; /* the characters drawn, for the ToUnicode CMap */
    jmp_buf fail;
    HPDF_STATUS error, detail;
};

static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
    struct face *f = data;

    f->error = error;
    f->detail = detail;
    longjmp(f->fail, 1);
}

/* One line with its top at (x, y) mm from the face's top-left; baseline at 0.8 em. */
static void text_at(struct face *f, double x, double y, const char *text)
{
    double pt = f->rs->layout->font_pt;
    const char *c;

    for (c = text; *c; c = g_utf8_next_char(c)) {
        gunichar u = g_utf8_get_char(c);
        if (u < 0x10000)
            f->used[u / 8] |= (unsigned char)(1u << (u % 8));
    }
    HPDF_Page_BeginText(f->page);
    HPDF_Page_SetFontAndSize(f->page, f->font, (HPDF_REAL)pt);
    HPDF_Page_TextOut(f->page, (HPDF_REAL)PT(x), (HPDF_REAL)(f->h - PT(y) - pt * 0.905),
                      text);
    HPDF_Page_EndText(f->page);
}

static void bars_at(struct face *f, GArray *bars, double x, double y, double mw, double mh)
{
    guint i;

    for (i = 0; i < bars->len; i++) {
        const struct bar *b = &g_array_index(bars, struct bar, i);
        HPDF_Page_Rectangle(f->page, (HPDF_REAL)PT(x + b->x * mw),
                            (HPDF_REAL)(f->h - PT(y + (b->y + b->h) * mh)),
                            (HPDF_REAL)PT(b->w * mw), (HPDF_REAL)PT(b->h * mh));
    }
    HPDF_Page_Fill(f->page);
}

static void lines_at(struct face *f, struct address_block *b, const struct rect_mm *r, int max)
{
    int i;

    for (i = 0; i < b->n && i < max; i++)
        text_at(f, r->x, r->y + i * layout_line_mm(f->rs->layout), b->line[i]);
}

static void face_address(struct face *f, const struct render_piece *p)
{
    const struct layout *l = f->rs->layout;
    struct rect_mm r = f->rs->stock->face_address;
    struct address_block rcp = {0};
    double cols, rows;

    if (p->ea_code) {
        GArray *bars = barcode_bars(false, p->ea_code, &cols, &rows);
        text_at(f, r.x, r.y, "EA");
        if (bars) {
            bars_at(f, bars, r.x + 5 + l->ea_gap, r.y + (layout_line_mm(l) - l->ea_bar_h) / 2,
                    l->ea_module, l->ea_bar_h);
            g_array_free(bars, TRUE);
        }
        r.y += layout_line_mm(l);
        r.h -= layout_line_mm(l);
    }
    address_lines_in(&p->recipient, p->country_english, &rcp);
    address_fit(&rcp, l->font_family, l->font_pt, r.w);
    lines_at(f, &rcp, &r, (int)(r.h / layout_line_mm(l) + 1e-6));
    address_block_clear(&rcp);
}

/* A pixel of Cairo's premultiplied ARGB laid on white: (r, g, b) 0-255. */
static void on_white(guint32 v, unsigned rgb[3])
{
    unsigned a = v >> 24, i;

    for (i = 0; i < 3; i++)
        rgb[i] = ((v >> (16 - 8 * i)) & 0xff) + 255 - a;
}

/* The logo's samples on white: 1 byte (Rec. 601 luminance) or 3 bytes (RGB) per pixel. */
static unsigned char *logo_samples(cairo_surface_t *img, bool colour)
{
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img), x, y, bpp = colour ? 3 : 1;
    bool alpha = cairo_image_surface_get_format(img) == CAIRO_FORMAT_ARGB32;
    unsigned char *px = cairo_image_surface_get_data(img), *out, *o;

    out = o = g_malloc((size_t)w * (size_t)h * (size_t)bpp);
    for (y = 0; y < h; y++) {
        const guint32 *row = (const guint32 *)(const void *)(px + (size_t)y * stride);
        for (x = 0; x < w; x++) {
            unsigned rgb[3];
            on_white(alpha ? row[x] : row[x] | 0xff000000u, rgb);
            if (colour) {
                *o++ = (unsigned char)rgb[0];
                *o++ = (unsigned char)rgb[1];
                *o++ = (unsigned char)rgb[2];
            } else {
                *o++ = (unsigned char)((299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2]) / 1000);
            }
        }
    }
    return out;
}

/* The job's image of a logo file (loaded once); NULL when the file is not a readable PNG. */
static HPDF_Image logo_image(struct face *f, const char *file, bool colour)
{
    cairo_surface_t *img;
    unsigned char *samples;
    HPDF_Image out;
    cairo_format_t fmt;

    if (g_hash_table_contains(f->logos, file))
        return g_hash_table_lookup(f->logos, file);
    img = cairo_image_surface_create_from_png(file);
    fmt = cairo_image_surface_get_format(img);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS ||
        (fmt != CAIRO_FORMAT_ARGB32 && fmt != CAIRO_FORMAT_RGB24)) {
        log_warn("envelope faces: logo %s cannot be read; printed without it", file);
        cairo_surface_destroy(img);
        g_hash_table_insert(f->logos, g_strdup(file), NULL);
        return NULL;
    }
    cairo_surface_flush(img);
    samples = logo_samples(img, colour);
    out = HPDF_LoadRawImageFromMem(f->doc, samples, (HPDF_UINT)cairo_image_surface_get_width(img),
                                   (HPDF_UINT)cairo_image_surface_get_height(img),
                                   colour ? HPDF_CS_DEVICE_RGB : HPDF_CS_DEVICE_GRAY, 8);
    g_free(samples);
    cairo_surface_destroy(img);
    g_hash_table_insert(f->logos, g_strdup(file), out);
    return out;
}

static void face_return(struct face *f, const struct render_piece *p)
{
    const struct layout *l = f->rs->layout;
    const struct stock *s = f->rs->stock;
    struct address_block rb = {0};

    address_lines(&p->return_addr, &rb);
    address_fit(&rb, l->font_family, l->font_pt, s->face_return.w);
    lines_at(f, &rb, &s->face_return, 4);
    address_block_clear(&rb);
    if (p->logo) {
        HPDF_Image img = logo_image(f, p->logo, p->colour);
        double iw, ih, k;
        if (!img)
            return;
        iw = HPDF_Image_GetWidth(img);
        ih = HPDF_Image_GetHeight(img);
        k = MIN(PT(s->face_logo.w) / iw, PT(s->face_logo.h) / ih);
        HPDF_Page_DrawImage(f->page, img, (HPDF_REAL)PT(s->face_logo.x),
                            (HPDF_REAL)(f->h - PT(s->face_logo.y) - ih * k), (HPDF_REAL)(iw * k),
                            (HPDF_REAL)(ih * k));
    }
}

static void face_code(struct face *f, const struct render_piece *p, int sheets)
{
    const struct stock *s = f->rs->stock;
    const struct marks *mk = f->rs->marks;
    char *payload = marks_payload(p->job_no, p->seq, 1, sheets), *text;
    double cols, rows;
    GArray *bars = barcode_bars(true, payload, &cols, &rows);

    if (bars) {
        bars_at(f, bars, s->code_x, s->code_y, mk->module, mk->module);
        g_array_free(bars, TRUE);
    }
    text = g_strdup_printf("Forsendelse %s", p->code);
    text_at(f, s->code_x - 25, s->code_y + cols * mk->module + 2, text);
    g_free(text);
    g_free(payload);
}

static int face_setup(struct face *f, char **err)
{
    char *ttf = g_build_filename(fonts_dir(), "LiberationSans-Regular.ttf", NULL);
    const char *name;
    char date[32];
    HPDF_Date d = {0};

    HPDF_SetCompressionMode(f->doc, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(f->doc);
    HPDF_SetCurrentEncoder(f->doc, "UTF-8");
    name = HPDF_LoadTTFontFromFile(f->doc, ttf, HPDF_TRUE);
    g_free(ttf);
    f->font = HPDF_GetFont(f->doc, name, "UTF-8");
    g_strlcpy(date, f->rs->date, sizeof date);
    if (sscanf(date, "%4d-%2d-%2dT%2d:%2d:%2d", &d.year, &d.month, &d.day, &d.hour, &d.minutes,
               &d.seconds) == 6) {
        d.ind = 'Z';
        HPDF_SetInfoDateAttr(f->doc, HPDF_INFO_CREATION_DATE, d);
    }
    HPDF_SetInfoAttr(f->doc, HPDF_INFO_PRODUCER, "trykk " TRYKK_VERSION);
    HPDF_SetInfoAttr(f->doc, HPDF_INFO_TITLE, f->rs->title);
    (void)err;
    return 0;
}

/* The ToUnicode made valid, then the preflight a sender's PDF gets, at the face size. */
static int faces_checked(const struct render_setup *rs, struct bytes *pdf, size_t n,
                         const unsigned char *used, char **err)
{
    struct pdf_limits lim = {0.5, (int)n, rs->stock->width, rs->stock->height};
    struct pdf_info info = {0};
    struct reason r = {0};
    int rc = envelope_tounicode(pdf, used, err);

    if (rc == 0 && n > 0 && pdf_preflight(pdf, &lim, &info, &r) < 0) {
        *err = g_strdup_printf("envelope faces fail the preflight: %s: %s", r.code, r.detail);
        rc = -1;
    }
    if (rc < 0)
        bytes_free(pdf);
    return rc;
}

int render_envelopes(const struct render_setup *rs, const struct render_piece *p, size_t n,
                     struct bytes *pdf, char **err)
{
    struct face f = {0};
    volatile size_t i = 0;

    f.rs = rs;
    f.h = PT(rs->stock->height);
    f.doc = HPDF_New(on_error, &f);
    if (!f.doc) {
        *err = g_strdup("libharu cannot start");
        return -1;
    }
    if (setjmp(f.fail)) {
        *err = g_strdup_printf("envelope faces: libharu error 0x%04X (detail %u) at piece %zu",
                               (unsigned)f.error, (unsigned)f.detail, (size_t)i + 1);
        HPDF_Free(f.doc);
        g_hash_table_destroy(f.logos);
        return -1;
    }
    f.logos = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    face_setup(&f, err);
    for (i = 0; i < n; i++) {
        f.page = HPDF_AddPage(f.doc);
        HPDF_Page_SetWidth(f.page, (HPDF_REAL)PT(rs->stock->width));
        HPDF_Page_SetHeight(f.page, (HPDF_REAL)f.h);
        HPDF_Page_SetGrayFill(f.page, 0);
        face_return(&f, &p[i]);
        face_address(&f, &p[i]);
        face_code(&f, &p[i], p[i].sheets);
    }
    HPDF_SaveToStream(f.doc);
    pdf->len = HPDF_GetStreamSize(f.doc);
    pdf->data = g_malloc(pdf->len + 1);
    {
        HPDF_UINT32 got = (HPDF_UINT32)pdf->len;
        HPDF_ReadFromStream(f.doc, pdf->data, &got);
        pdf->len = got;
    }
    HPDF_Free(f.doc);
    g_hash_table_destroy(f.logos);
    return faces_checked(rs, pdf, n, f.used, err);
}

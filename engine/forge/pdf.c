/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pdf.c - test and demo PDFs: Cairo + Pango pages with an embedded subset of the project's
 * font, optionally re-written by qpdf (encryption, a forced version), or a small hand-made
 * PDF whose font is not embedded.
 */
#include <stdio.h>
#include <string.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <zlib.h>
#include <qpdf/qpdf-c.h>
#include "forge.h"
#include "../render/render.h"

#define MM (72.0 / 25.4)

/* Text through the engine's font map (the shipped fonts), never the system's: what the
 * machine happens to have installed must not change the fixture. */
static void draw_page(cairo_t *cr, PangoContext *ctx, const struct forge_pdf *o, int page)
{
    PangoLayout *layout = pango_layout_new(ctx);
    PangoFontDescription *font = pango_font_description_from_string("Liberation Sans 11");
    char *text = g_strdup_printf("%s\n\nSide %d av %d", o->body ? o->body : "Brev", page, o->pages);

    pango_cairo_context_set_font_options(pango_layout_get_context(layout), NULL);
    pango_layout_set_font_description(layout, font);
    pango_layout_set_width(layout, (int)(150 * MM * PANGO_SCALE));
    pango_layout_set_text(layout, text, -1);
    cairo_move_to(cr, 25 * MM, (o->window_text ? 50 : 120) * MM); /* 120: below the field */
    pango_cairo_show_layout(cr, layout);
    cairo_rectangle(cr, 25 * MM, 200 * MM, 60 * MM, 20 * MM); /* a little vector graphic */
    cairo_set_source_rgb(cr, 0.2, 0.3, 0.6);
    cairo_fill(cr);
    if (o->margin_ink) { /* black in the whole left margin below the eco field */
        cairo_rectangle(cr, 0, 90 * MM, 18 * MM, 207 * MM);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_fill(cr);
    }
    g_free(text);
    pango_font_description_free(font);
    g_object_unref(layout);
}

static int cairo_pdf(const struct forge_pdf *o, struct bytes *out)
{
    GByteArray *buf = g_byte_array_new();
    double w = (o->width_mm > 0 ? o->width_mm : 210) * MM, h = (o->height_mm > 0 ? o->height_mm
                                                                                : 297) * MM;
    bool land = o->rotate == 90;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(render_pdf_sink, buf, land ? h : w,
                                                             land ? w : h);
    cairo_matrix_t m;
    cairo_t *cr = cairo_create(s);
    PangoContext *ctx;
    int p;

    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2026-01-01T00:00:00Z");
    if (o->title)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, o->title);
    ctx = pango_font_map_create_context(fonts_map());
    pango_cairo_update_context(cr, ctx);
    /* draw in display coordinates; /Rotate (added later) turns the page upright */
    if (o->rotate == 90)
        cairo_matrix_init(&m, 0, -1, 1, 0, 0, w);
    else if (o->rotate == 180)
        cairo_matrix_init(&m, -1, 0, 0, -1, w, h);
    else
        cairo_matrix_init_identity(&m);
    cairo_set_matrix(cr, &m);
    for (p = 1; p <= (o->pages > 0 ? o->pages : 1); p++) {
        draw_page(cr, ctx, o, p);
        cairo_show_page(cr);
    }
    g_object_unref(ctx);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    out->len = buf->len;
    out->data = g_byte_array_free(buf, FALSE);
    return 0;
}

/* A one-page PDF whose font (Calibri) is referenced but not embedded. */
static int unembedded(struct bytes *out)
{
    static const char *const objs[] = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R"
        " >> >> /Contents 4 0 R >>",
        "<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 700 Td (Brev til deg) Tj ET\nendstream",
        "<< /Type /Font /Subtype /TrueType /BaseFont /Calibri /FirstChar 32 /LastChar 126 >>",
    };
    GString *s = g_string_new("%PDF-1.4\n");
    size_t off[5], i;

    for (i = 0; i < 5; i++) {
        off[i] = s->len;
        g_string_append_printf(s, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    i = s->len;
    g_string_append(s, "xref\n0 6\n0000000000 65535 f \n");
    for (size_t k = 0; k < 5; k++)
        g_string_append_printf(s, "%010zu 00000 n \n", off[k]);
    g_string_append_printf(s, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", i);
    out->len = s->len;
    out->data = (unsigned char *)g_string_free(s, FALSE);
    return 0;
}

/* An 8 × 8 DeviceCMYK image, Flate-compressed, as a new stream of q. */
static qpdf_oh cmyk_image(qpdf_data q)
{
    unsigned char px[8 * 8 * 4], z[512];
    uLongf zn = sizeof z;
    qpdf_oh img = qpdf_oh_new_stream(q);
    size_t i;

    for (i = 0; i < sizeof px; i++)
        px[i] = (unsigned char)(i * 37 % 251);
    compress2(z, &zn, px, sizeof px, 9);
    qpdf_oh_replace_stream_data(q, img, z, zn, qpdf_oh_new_name(q, "/FlateDecode"),
                                qpdf_oh_new_null(q));
    qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, img), "/Type", qpdf_oh_new_name(q, "/XObject"));
    qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, img), "/Subtype", qpdf_oh_new_name(q, "/Image"));
    qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, img), "/Width", qpdf_oh_new_integer(q, 8));
    qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, img), "/Height", qpdf_oh_new_integer(q, 8));
    qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, img), "/ColorSpace",
                        qpdf_oh_new_name(q, "/DeviceCMYK"));
    qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, img), "/BitsPerComponent",
                        qpdf_oh_new_integer(q, 8));
    return img;
}

/* Press content near the bottom of every page: process CMYK, a spot colour, an image. */
static void add_press(qpdf_data q)
{
    /* Q closes the q put before the page's own content, whose CTM Cairo leaves flipped */
    static const char draw[] = "Q\nq 0 0.2 0.8 0 k 80 60 100 40 re f Q\n"
                               "q /CSpot cs 1 scn 200 60 100 40 re f Q\n"
                               "q 60 0 0 60 320 50 cm /ImCMYK Do Q\n";
    qpdf_oh img = cmyk_image(q), spot = qpdf_oh_parse(q,
        "[/Separation /PANTONE#20286#20C /DeviceCMYK << /FunctionType 2 /Domain [0 1]"
        " /C0 [0 0 0 0] /C1 [1 0.66 0 0.02] /N 1 >>]");
    int i, n = qpdf_get_num_pages(q);

    for (i = 0; i < n; i++) {
        qpdf_oh page = qpdf_get_page_n(q, (size_t)i), res, xo, cs, body, arr;
        res = qpdf_oh_get_key(q, page, "/Resources");
        xo = qpdf_oh_get_key(q, res, "/XObject");
        if (!qpdf_oh_is_dictionary(q, xo)) {
            xo = qpdf_oh_new_dictionary(q);
            qpdf_oh_replace_key(q, res, "/XObject", xo);
        }
        qpdf_oh_replace_key(q, xo, "/ImCMYK", img);
        cs = qpdf_oh_new_dictionary(q);
        qpdf_oh_replace_key(q, cs, "/CSpot", spot);
        qpdf_oh_replace_key(q, res, "/ColorSpace", cs);
        body = qpdf_oh_new_stream(q);
        qpdf_oh_replace_stream_data(q, body, (const unsigned char *)draw, sizeof draw - 1,
                                    qpdf_oh_new_null(q), qpdf_oh_new_null(q));
        arr = qpdf_oh_new_array(q);
        {
            qpdf_oh open = qpdf_oh_new_stream(q), old = qpdf_oh_get_key(q, page, "/Contents");
            int k, m = qpdf_oh_is_array(q, old) ? qpdf_oh_get_array_n_items(q, old) : 1;
            qpdf_oh_replace_stream_data(q, open, (const unsigned char *)"q\n", 2,
                                        qpdf_oh_new_null(q), qpdf_oh_new_null(q));
            qpdf_oh_append_item(q, arr, open);
            for (k = 0; k < m; k++)
                qpdf_oh_append_item(q, arr, qpdf_oh_is_array(q, old)
                                                ? qpdf_oh_get_array_item(q, old, k) : old);
        }
        qpdf_oh_append_item(q, arr, body);
        qpdf_oh_replace_key(q, page, "/Contents", arr);
    }
}

/* /Rotate on every page; the page was drawn landscape for 90/270 (see cairo_pdf). */
static void add_rotate(qpdf_data q, int rotate)
{
    int i, n = qpdf_get_num_pages(q);

    for (i = 0; i < n; i++)
        qpdf_oh_replace_key(q, qpdf_get_page_n(q, (size_t)i), "/Rotate",
                            qpdf_oh_new_integer(q, rotate));
}

static int rewrite(const struct forge_pdf *o, struct bytes *pdf)
{
    qpdf_data q = qpdf_init();
    int rc = -1;

    qpdf_silence_errors(q);
    if (!(qpdf_read_memory(q, "forge", (const char *)pdf->data, pdf->len, NULL) & QPDF_ERRORS)) {
        if (o->press)
            add_press(q);
        if (o->rotate)
            add_rotate(q, o->rotate);
    }
    if (!qpdf_has_error(q) && !(qpdf_init_write_memory(q) & QPDF_ERRORS)) {
        qpdf_set_deterministic_ID(q, o->encrypt ? QPDF_FALSE : QPDF_TRUE);
        if (o->encrypt)
            qpdf_set_r6_encryption_parameters2(q, "secret", "owner", QPDF_TRUE, QPDF_TRUE,
                                               QPDF_TRUE, QPDF_TRUE, QPDF_TRUE, QPDF_TRUE,
                                               qpdf_r3p_full, QPDF_TRUE);
        if (o->force_version)
            qpdf_force_pdf_version(q, o->force_version);
        if (!(qpdf_write(q) & QPDF_ERRORS)) {
            struct bytes w = {0};
            bytes_set(&w, qpdf_get_buffer(q), qpdf_get_buffer_length(q));
            bytes_free(pdf);
            *pdf = w;
            rc = 0;
        }
    }
    qpdf_cleanup(&q);
    return rc;
}

int forge_pdf_make(const struct forge_pdf *o, struct bytes *out)
{
    int rc;

    if (o->raw) {
        bytes_set(out, o->raw->data, o->raw->len);
        return 0;
    }
    rc = o->unembedded_font ? unembedded(out) : cairo_pdf(o, out);
    if (rc == 0 && (o->encrypt || o->force_version || o->press || o->rotate))
        rc = rewrite(o, out);
    return rc;
}

/*
 * pdf.c - test and demo PDFs: Cairo + Pango pages with an embedded subset of the project's
 * font, optionally re-written by qpdf (encryption, a forced version), or a small hand-made
 * PDF whose font is not embedded.
 */
#include <stdio.h>
#include <string.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qpdf/qpdf-c.h>
#include "forge.h"
#include "../render/render.h"

#define MM (72.0 / 25.4)

static cairo_status_t to_array(void *closure, const unsigned char *data, unsigned int len)
{
    g_byte_array_append(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

static void draw_page(cairo_t *cr, const struct forge_pdf *o, int page)
{
    PangoLayout *layout = pango_cairo_create_layout(cr);
    PangoFontDescription *font = pango_font_description_from_string("Liberation Sans 11");
    char *text = g_strdup_printf("%s\n\nSide %d av %d", o->body ? o->body : "Brev", page, o->pages);

    pango_cairo_context_set_font_options(pango_layout_get_context(layout), NULL);
    pango_layout_set_font_description(layout, font);
    pango_layout_set_width(layout, (int)(150 * MM * PANGO_SCALE));
    pango_layout_set_text(layout, text, -1);
    cairo_move_to(cr, 25 * MM, 120 * MM); /* below the window field */
    pango_cairo_show_layout(cr, layout);
    cairo_rectangle(cr, 25 * MM, 200 * MM, 60 * MM, 20 * MM); /* a little vector graphic */
    cairo_set_source_rgb(cr, 0.2, 0.3, 0.6);
    cairo_fill(cr);
    g_free(text);
    pango_font_description_free(font);
    g_object_unref(layout);
}

static int cairo_pdf(const struct forge_pdf *o, struct bytes *out)
{
    GByteArray *buf = g_byte_array_new();
    double w = (o->width_mm > 0 ? o->width_mm : 210) * MM, h = (o->height_mm > 0 ? o->height_mm
                                                                                : 297) * MM;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_array, buf, w, h);
    cairo_t *cr = cairo_create(s);
    PangoContext *ctx;
    int p;

    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2026-01-01T00:00:00Z");
    if (o->title)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, o->title);
    ctx = pango_font_map_create_context(fonts_map());
    pango_cairo_update_context(cr, ctx);
    for (p = 1; p <= (o->pages > 0 ? o->pages : 1); p++) {
        draw_page(cr, o, p);
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

static int rewrite(const struct forge_pdf *o, struct bytes *pdf)
{
    qpdf_data q = qpdf_init();
    int rc = -1;

    qpdf_silence_errors(q);
    if (!(qpdf_read_memory(q, "forge", (const char *)pdf->data, pdf->len, NULL) & QPDF_ERRORS) &&
        !(qpdf_init_write_memory(q) & QPDF_ERRORS)) {
        qpdf_set_deterministic_ID(q, o->encrypt ? QPDF_FALSE : QPDF_TRUE);
        if (o->encrypt)
            qpdf_set_r6_encryption_parameters2(q, "secret", "owner", QPDF_TRUE, QPDF_TRUE,
                                               QPDF_TRUE, QPDF_TRUE, QPDF_TRUE, QPDF_TRUE,
                                               qpdf_r3p_full, QPDF_TRUE);
        if (o->force_version)
            qpdf_force_pdf_version(q, o->force_version);
        if (!(qpdf_write(q) & QPDF_ERRORS)) {
            struct bytes w;
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
    int rc = o->unembedded_font ? unembedded(out) : cairo_pdf(o, out);

    if (rc == 0 && (o->encrypt || o->force_version))
        rc = rewrite(o, out);
    return rc;
}

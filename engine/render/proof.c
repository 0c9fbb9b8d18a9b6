/* SPDX-License-Identifier: Apache-2.0 */
/*
 * proof.c - the proof's own layer over a letter's pages (trykk proof): what an operator
 * checks a proof for, drawn in thin coloured lines with labels, never printed.
 *
 *   window      the stock's window on the first sheet's front, as the sheet lies in the
 *               envelope (blue); on an envelope face, the face's address field
 *   folds       the fold lines of the sheet for the stock (green, dashed; fold.c)
 *   mark zone   the inserter marks' zone on every sheet front (magenta)
 *   placeholder when the letter's job has not closed, its piece has no code yet: a red band
 *               "PRØVE – ikke planlagt" on every page says the code shown is not the one
 *               that will print
 *
 * The layer is one Cairo PDF (one page per page of the proof, coloured: this is not print
 * content, so it is not turned to DeviceGray) stamped on top of each page as a form XObject
 * with qpdf, mapped through the page's geometry like the engine's own content. All geometry
 * comes from the layout, stock and marks profiles.
 */
#include <string.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include "pdfpage.h"
#include "../util/error.h"

#define LINE_MM 0.5
#define LABEL_PT 7.0
#define MAX_FOLDS 4

struct rgb {
    double r, g, b;
};

static const struct rgb WINDOW = {0, 0, 1}, FOLD = {0, 0.6, 0}, ZONE = {1, 0, 1},
                        PLACEHOLDER = {0.85, 0, 0};

struct layer {
    cairo_t *cr;
    PangoLayout *pl;
};

static void label(struct layer *ly, const struct rgb *c, double x, double y, const char *text)
{
    pango_layout_set_text(ly->pl, text, -1);
    cairo_set_source_rgb(ly->cr, c->r, c->g, c->b);
    cairo_move_to(ly->cr, PT(x), PT(y));
    pango_cairo_show_layout(ly->cr, ly->pl);
}

static void box(struct layer *ly, const struct rgb *c, const struct rect_mm *r, const char *text)
{
    cairo_set_source_rgb(ly->cr, c->r, c->g, c->b);
    cairo_set_line_width(ly->cr, PT(LINE_MM));
    cairo_set_dash(ly->cr, NULL, 0, 0);
    cairo_rectangle(ly->cr, PT(r->x), PT(r->y), PT(r->w), PT(r->h));
    cairo_stroke(ly->cr);
    label(ly, c, r->x + 1, r->y + r->h + 0.5, text);
}

static void folds(struct layer *ly, const struct proof_request *q, double w)
{
    double y[MAX_FOLDS], dash = PT(3);
    int n = fold_lines(q->rs->layout, q->rs->stock, y, MAX_FOLDS), i;

    cairo_set_source_rgb(ly->cr, FOLD.r, FOLD.g, FOLD.b);
    cairo_set_line_width(ly->cr, PT(LINE_MM));
    cairo_set_dash(ly->cr, &dash, 1, 0);
    for (i = 0; i < n; i++) {
        char *t = g_strdup_printf("fals %d (%s)", i + 1, q->rs->stock->format);
        cairo_move_to(ly->cr, 0, PT(y[i]));
        cairo_line_to(ly->cr, PT(w), PT(y[i]));
        cairo_stroke(ly->cr);
        label(ly, &FOLD, w - 40, y[i] + 0.5, t);
        g_free(t);
    }
    cairo_set_dash(ly->cr, NULL, 0, 0);
}

static void placeholder(struct layer *ly, double w)
{
    cairo_set_source_rgb(ly->cr, PLACEHOLDER.r, PLACEHOLDER.g, PLACEHOLDER.b);
    cairo_rectangle(ly->cr, 0, 0, PT(w), PT(LINE_MM));
    cairo_fill(ly->cr);
    label(ly, &PLACEHOLDER, 20, 1, "PRØVE – ikke planlagt: forsendelseskoden er foreløpig og "
                                    "tildeles når jobben lukkes");
}

/* What goes over page i (0-based) of a sheet proof, or of an envelope face. */
static void draw_page(struct layer *ly, const struct proof_request *q, int i, double w)
{
    const struct stock *s = q->rs->stock;
    const struct marks *mk = q->rs->marks;

    if (q->overlay && q->face) {
        box(ly, &WINDOW, &s->face_address, "adressefelt");
    } else if (q->overlay) {
        char *t = g_strdup_printf("vindu %s", s->format);
        if (i == 0 && s->window)
            box(ly, &WINDOW, &s->win, t);
        folds(ly, q, w);
        if (i % 2 == 0)
            box(ly, &ZONE, &mk->zone, "merkesone");
        g_free(t);
    }
    if (q->placeholder)
        placeholder(ly, w);
}

static int draw_layer(const struct proof_request *q, int pages, double w, double h,
                      struct bytes *out, char **err)
{
    GByteArray *buf = g_byte_array_new();
    cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(render_pdf_sink, buf, PT(w), PT(h));
    PangoContext *ctx = pango_font_map_create_context(fonts_map());
    PangoFontDescription *fd = pango_font_description_new();
    struct layer ly = {0};
    cairo_status_t st;
    int i;

    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, q->rs->date);
    ly.cr = cairo_create(sf);
    pango_cairo_update_context(ly.cr, ctx);
    ly.pl = pango_layout_new(ctx);
    pango_font_description_set_family(fd, q->rs->layout->font_family);
    pango_font_description_set_absolute_size(fd, LABEL_PT * PANGO_SCALE);
    pango_layout_set_font_description(ly.pl, fd);
    pango_font_description_free(fd);
    for (i = 0; i < pages; i++) {
        draw_page(&ly, q, i, w);
        cairo_show_page(ly.cr);
    }
    g_object_unref(ly.pl);
    g_object_unref(ctx);
    cairo_destroy(ly.cr);
    cairo_surface_finish(sf);
    st = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    out->len = buf->len;
    out->data = g_byte_array_free(buf, FALSE);
    if (st != CAIRO_STATUS_SUCCESS) {
        *err = g_strdup_printf("drawing the proof layer failed: %s", cairo_status_to_string(st));
        return -1;
    }
    return 0;
}

/* Page i of the layer as a form XObject of out (its colours kept). */
static qpdf_oh layer_form(qpdf_data layer, int i, double w, double h, qpdf_data out)
{
    qpdf_oh page = qpdf_get_page_n(layer, (size_t)i), form, dict;
    unsigned char *data = NULL;
    size_t len = 0;
    char *bbox = g_strdup_printf("[0 0 %.4f %.4f]", PT(w), PT(h));

    qpdf_oh_get_page_content_data(layer, page, &data, &len);
    form = page_flate_stream(layer, data, len);
    free(data);
    dict = qpdf_oh_get_dict(layer, form);
    qpdf_oh_replace_key(layer, dict, "/Type", qpdf_oh_new_name(layer, "/XObject"));
    qpdf_oh_replace_key(layer, dict, "/Subtype", qpdf_oh_new_name(layer, "/Form"));
    qpdf_oh_replace_key(layer, dict, "/BBox", qpdf_oh_parse(layer, bbox));
    qpdf_oh_replace_key(layer, dict, "/Resources", qpdf_oh_get_key(layer, page, "/Resources"));
    g_free(bbox);
    return qpdf_oh_copy_foreign_object(out, layer, form);
}

static void stamp(qpdf_data q, qpdf_oh page, qpdf_oh form, double w, double h)
{
    qpdf_oh xo = qpdf_oh_new_dictionary(q);
    double b[4], cm[6];
    char *draw;

    page_geometry(q, page, PT(w), PT(h), b, cm);
    qpdf_oh_replace_key(q, xo, "/TrykkProof", form);
    draw = g_strdup_printf("q %.4f %.4f %.4f %.4f %.4f %.4f cm /TrykkProof Do Q\n", cm[0], cm[1],
                           cm[2], cm[3], cm[4], cm[5]);
    page_overlay(q, page, draw, xo);
    g_free(draw);
}

static int failed(qpdf_data q, const char *what, char **err)
{
    if (!qpdf_has_error(q))
        return 0;
    return error_first(err, "proof: %s: %s", what,
                       qpdf_get_error_full_text(q, qpdf_get_error(q)));
}

int render_proof(const struct proof_request *q, struct bytes *pdf, char **err)
{
    double w = q->face ? q->rs->stock->width : q->rs->layout->page_w;
    double h = q->face ? q->rs->stock->height : q->rs->layout->page_h;
    qpdf_data doc = qpdf_init(), layer = qpdf_init();
    struct bytes drawn = {0}, out = {0};
    int rc, i, n;

    *err = NULL;
    qpdf_silence_errors(doc);
    qpdf_silence_errors(layer);
    qpdf_read_memory(doc, "proof", (const char *)pdf->data, pdf->len, NULL);
    rc = failed(doc, "reading the pages", err);
    n = rc == 0 ? qpdf_get_num_pages(doc) : 0;
    if (rc == 0 && (q->overlay || q->placeholder))
        rc = draw_layer(q, n, w, h, &drawn, err);
    if (rc == 0 && drawn.len) {
        qpdf_read_memory(layer, "proof layer", (const char *)drawn.data, drawn.len, NULL);
        for (i = 0; i < n && rc == 0; i++) {
            stamp(doc, qpdf_get_page_n(doc, (size_t)i), layer_form(layer, i, w, h, doc), w, h);
            rc = failed(layer, "the layer", err) < 0 ? -1 : failed(doc, "stamping", err);
        }
    }
    if (rc == 0) {
        qpdf_init_write_memory(doc);
        qpdf_set_deterministic_ID(doc, QPDF_TRUE);
        qpdf_write(doc);
        rc = failed(doc, "writing", err);
    }
    if (rc == 0)
        bytes_set(&out, qpdf_get_buffer(doc), qpdf_get_buffer_length(doc));
    qpdf_cleanup(&layer);
    qpdf_cleanup(&doc); /* it read pdf lazily: only now can pdf go */
    bytes_free(&drawn);
    if (rc == 0) {
        bytes_wipe_free(pdf);
        *pdf = out;
    }
    return rc;
}

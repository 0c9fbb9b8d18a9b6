/*
 * handover.c - the handover note for the postal operator: how many pieces of a dispatched
 * job, per posttype, format, zone and weight band, as CSV and as a one-page PDF to sign.
 *
 * Both are made from the ledger alone (the job's POSTED pieces), so a note lost to a crash
 * is rebuilt identically. No names or addresses: counts and weights only.
 */
#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include "jobs.h"

#define MM (72.0 / 25.4)

static long long total_of(json_t *rows, const char *key)
{
    long long t = 0;
    size_t i;
    json_t *r;

    json_array_foreach(rows, i, r)
        t += json_integer_value(json_object_get(r, key));
    return t;
}

static const char *str(json_t *r, const char *key)
{
    const char *s = json_string_value(json_object_get(r, key));

    return s ? s : "";
}

char *handover_csv(const struct job_row *j, const char *day, json_t *rows)
{
    GString *s = g_string_new("job,posting_day,posttype,format,zone,weight_band,pieces,"
                              "weight_g\r\n");
    size_t i;
    json_t *r;

    json_array_foreach(rows, i, r)
        g_string_append_printf(s, "%s,%s,%s,%s,%s,%s,%lld,%lld\r\n", j->name, day,
                               str(r, "posttype"), str(r, "format"), str(r, "zone"),
                               str(r, "weight_band"),
                               (long long)json_integer_value(json_object_get(r, "pieces")),
                               (long long)(json_integer_value(json_object_get(r, "weight_mg")) +
                                           999) / 1000);
    g_string_append_printf(s, "%s,%s,total,,,,%lld,%lld\r\n", j->name, day,
                           total_of(rows, "pieces"), (total_of(rows, "weight_mg") + 999) / 1000);
    return g_string_free(s, FALSE);
}

static void text(cairo_t *cr, PangoContext *ctx, double x, double y, const char *font,
                 const char *s)
{
    PangoLayout *l = pango_layout_new(ctx);
    PangoFontDescription *f = pango_font_description_from_string(font);

    pango_layout_set_font_description(l, f);
    pango_layout_set_text(l, s, -1);
    cairo_move_to(cr, x * MM, y * MM);
    pango_cairo_show_layout(cr, l);
    pango_font_description_free(f);
    g_object_unref(l);
}

static void table(cairo_t *cr, PangoContext *ctx, json_t *rows, double y)
{
    static const char *const head[] = {"A/B", "Format", "Zone", "Weight band", "Pieces",
                                       "Weight (g)"};
    static const double col[] = {20, 40, 70, 95, 135, 160};
    size_t i, c;
    json_t *r;

    for (c = 0; c < G_N_ELEMENTS(head); c++)
        text(cr, ctx, col[c], y, "Liberation Sans Bold 10", head[c]);
    json_array_foreach(rows, i, r) {
        char n[24], w[24];
        const char *cells[] = {str(r, "posttype"), str(r, "format"), str(r, "zone"),
                               str(r, "weight_band"), n, w};
        g_snprintf(n, sizeof n, "%lld", (long long)json_integer_value(json_object_get(r, "pieces")));
        g_snprintf(w, sizeof w, "%lld",
                   (long long)(json_integer_value(json_object_get(r, "weight_mg")) + 999) / 1000);
        y += 6;
        for (c = 0; c < G_N_ELEMENTS(cells); c++)
            text(cr, ctx, col[c], y, "Liberation Sans 10", cells[c]);
    }
    {
        char n[24], w[24];
        g_snprintf(n, sizeof n, "%lld", total_of(rows, "pieces"));
        g_snprintf(w, sizeof w, "%lld", (total_of(rows, "weight_mg") + 999) / 1000);
        y += 8;
        text(cr, ctx, col[0], y, "Liberation Sans Bold 10", "Total");
        text(cr, ctx, col[4], y, "Liberation Sans Bold 10", n);
        text(cr, ctx, col[5], y, "Liberation Sans Bold 10", w);
    }
}

int handover_pdf(const struct job_row *j, const char *day, const char *provider, json_t *rows,
                 struct bytes *out)
{
    GByteArray *buf = g_byte_array_new();
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(render_pdf_sink, buf, 210 * MM, 297 * MM);
    cairo_t *cr = cairo_create(s);
    PangoContext *ctx = pango_font_map_create_context(fonts_map());
    char *line;

    /* fixed metadata: the same ledger gives the same bytes */
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "Handover note");
    pango_cairo_update_context(cr, ctx);
    text(cr, ctx, 20, 20, "Liberation Sans Bold 16", "Innleveringsliste / handover note");
    line = g_strdup_printf("Print provider %s    job %s    posting day %s", provider, j->name,
                           day);
    text(cr, ctx, 20, 32, "Liberation Sans 11", line);
    g_free(line);
    line = g_strdup_printf("%s %s, %s envelopes, %s", j->layout, j->colour, j->envelope,
                           strcmp(j->posttype, "A") == 0 ? "A-post (priority)" : "B-post (economy)");
    text(cr, ctx, 20, 39, "Liberation Sans 11", line);
    g_free(line);
    table(cr, ctx, rows, 52);
    text(cr, ctx, 20, 250, "Liberation Sans 10", "Handed over by (print provider)");
    text(cr, ctx, 115, 250, "Liberation Sans 10", "Received by (postal operator)");
    cairo_set_line_width(cr, 0.3);
    cairo_move_to(cr, 20 * MM, 270 * MM);
    cairo_line_to(cr, 95 * MM, 270 * MM);
    cairo_move_to(cr, 115 * MM, 270 * MM);
    cairo_line_to(cr, 190 * MM, 270 * MM);
    cairo_stroke(cr);
    cairo_show_page(cr);
    g_object_unref(ctx);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    out->len = buf->len;
    out->data = g_byte_array_free(buf, FALSE);
    return 0;
}

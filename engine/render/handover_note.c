/* SPDX-License-Identifier: Apache-2.0 */
/*
 * handover_note.c - the PDF of a posting day's handover (innleveringsliste), to sign at the
 * counter: who hands over, the day's totals and jobs, one table row per weight band and a
 * sum per zone, priority and format, and the signature block.
 *
 * It draws what it is given (jobs/handover.c puts the words and numbers together from the
 * ledger): no recipients' names or addresses. The table flows onto as many A4 pages as the
 * lines need; the signature block closes the last one.
 */
#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include "handover_note.h"
#include "render.h"

#define MM (72.0 / 25.4)
#define PAGE_BOTTOM 262.0   /* mm: the table stops here; below are the footer and signatures */
#define ROW 5.5             /* mm per table row */

static const char *or_unset(const char *s)
{
    return s && *s ? s : "IKKE SATT";
}

/* 2026-11-16 -> 16.11.2026 */
static char *norwegian_day(const char *day)
{
    return strlen(day) == 10 ? g_strdup_printf("%.2s.%.2s.%.4s", day + 8, day + 5, day)
                             : g_strdup(day);
}

static char *norwegian_time(const char *rfc3339)
{
    GDateTime *t = time_parse_rfc3339(rfc3339);
    char *s = t ? g_date_time_format(t, "%d.%m.%Y kl. %H:%M") : g_strdup(rfc3339);

    if (t)
        g_date_time_unref(t);
    return s;
}

struct page {
    cairo_t *cr;
    PangoContext *ctx;
    const struct handover_note *d;
    double y;
    int n;
};

/* Text at (x, y) mm, wrapped at width mm when width > 0; returns its height in mm. */
static double text(struct page *p, double x, double y, double width, const char *font,
                   const char *s)
{
    PangoLayout *l = pango_layout_new(p->ctx);
    PangoFontDescription *f = pango_font_description_from_string(font);
    int w, h;

    pango_layout_set_font_description(l, f);
    if (width > 0)
        pango_layout_set_width(l, (int)(width * MM * PANGO_SCALE));
    pango_layout_set_text(l, s, -1);
    cairo_move_to(p->cr, x * MM, y * MM);
    pango_cairo_show_layout(p->cr, l);
    pango_layout_get_size(l, &w, &h);
    pango_font_description_free(f);
    g_object_unref(l);
    return h / (double)PANGO_SCALE / MM;
}

static const double col[] = {20, 40, 62, 84, 116, 136, 158, 176};

static void table_head(struct page *p)
{
    static const char *const head[] = {"Sone", "Prioritet", "Format", "Vektklasse", "Antall",
                                       "Vekt (g)", "EA", "Brett"};
    size_t c;

    for (c = 0; c < G_N_ELEMENTS(head); c++)
        text(p, col[c], p->y, 0, "Liberation Sans Bold 9.5", head[c]);
    cairo_set_line_width(p->cr, 0.3);
    cairo_move_to(p->cr, 20 * MM, (p->y + 5) * MM);
    cairo_line_to(p->cr, 190 * MM, (p->y + 5) * MM);
    cairo_stroke(p->cr);
    p->y += 6.5;
}

static void footer(struct page *p)
{
    char *day = norwegian_day(p->d->day);
    char *s = g_strdup_printf("Innleveringsliste %s · %s · side %d", day, or_unset(p->d->name),
                              p->n);

    text(p, 20, 287, 0, "Liberation Sans 8", s);
    g_free(s);
    g_free(day);
}

/* A new page when `mm` more do not fit above the bottom. */
static void need(struct page *p, double mm)
{
    if (p->y + mm <= PAGE_BOTTOM)
        return;
    footer(p);
    cairo_show_page(p->cr);
    p->n++;
    p->y = 18;
    text(p, 20, p->y, 0, "Liberation Sans Bold 12", "Innleveringsliste (forts.)");
    p->y += 9;
    table_head(p);
}

static void row(struct page *p, const struct handover_note_line *l)
{
    const char *font = l->group ? "Liberation Sans Bold 9.5" : "Liberation Sans 9.5";
    char n[4][24];
    const char *cells[8] = {l->zone, l->posttype, l->format, l->group ? "Sum" : l->band,
                            n[0], n[1], n[2], l->group ? n[3] : ""};
    size_t c;

    g_snprintf(n[0], sizeof n[0], "%lld", l->pieces);
    g_snprintf(n[1], sizeof n[1], "%lld", l->weight_g);
    g_snprintf(n[2], sizeof n[2], "%lld", l->ea);
    g_snprintf(n[3], sizeof n[3], "%d", l->trays);
    need(p, ROW);
    for (c = 0; c < G_N_ELEMENTS(cells); c++)
        text(p, col[c], p->y, 0, font, cells[c]);
    p->y += l->group ? ROW + 2 : ROW;
}

static void total(struct page *p)
{
    const struct handover_note *d = p->d;
    char n[4][24];
    const char *cells[] = {n[0], n[1], n[2], n[3]};
    size_t c;

    g_snprintf(n[0], sizeof n[0], "%lld", d->pieces);
    g_snprintf(n[1], sizeof n[1], "%lld", d->weight_g);
    g_snprintf(n[2], sizeof n[2], "%lld", d->ea);
    g_snprintf(n[3], sizeof n[3], "%d", d->trays);
    need(p, ROW + 2);
    cairo_move_to(p->cr, 20 * MM, p->y * MM);
    cairo_line_to(p->cr, 190 * MM, p->y * MM);
    cairo_stroke(p->cr);
    p->y += 1.5;
    text(p, col[0], p->y, 0, "Liberation Sans Bold 10", "Totalt");
    for (c = 0; c < G_N_ELEMENTS(cells); c++)
        text(p, col[4 + c], p->y, 0, "Liberation Sans Bold 10", cells[c]);
    p->y += ROW + 4;
}

/* Who hands over, when, and the day's totals. */
static void head(struct page *p)
{
    const struct handover_note *d = p->d;
    char *day = norwegian_day(d->day), *made = norwegian_time(d->made_at), *s;
    double left = 30, right = 30;
    GString *jobs = g_string_new(NULL);
    guint i;

    text(p, 20, 15, 0, "Liberation Sans Bold 18", "Innleveringsliste");
    left += text(p, 20, left, 90, "Liberation Sans Bold 11", or_unset(d->name));
    for (i = 0; d->address[i]; i++)
        left += text(p, 20, left, 90, "Liberation Sans 10", d->address[i]);
    if (!d->address[0])
        left += text(p, 20, left, 90, "Liberation Sans 10", "Adresse: IKKE SATT");
    s = g_strdup_printf("Org.nr. %.3s %.3s %.3s", d->orgnr, strlen(d->orgnr) > 3 ? d->orgnr + 3
                        : "", strlen(d->orgnr) > 6 ? d->orgnr + 6 : "");
    left += text(p, 20, left, 90, "Liberation Sans 10", s);
    g_free(s);
    s = g_strdup_printf("Kundenummer: %s", or_unset(d->customer_number));
    left += text(p, 20, left, 90, "Liberation Sans Bold 10", s);
    g_free(s);
    {
        char *r[5];
        r[0] = g_strdup_printf("Innleveringsdag: %s", day);
        r[1] = g_strdup_printf("Laget: %s", made);
        r[2] = g_strdup_printf("Sendinger: %lld", d->pieces);
        r[3] = g_strdup_printf("Brett: %d (småbrev %d, storbrev %d per brett)", d->trays,
                               d->per_tray[0], d->per_tray[1]);
        r[4] = g_strdup_printf("Med EA-merking: %lld", d->ea);
        for (i = 0; i < G_N_ELEMENTS(r); i++) {
            right += text(p, 115, right, 75, i ? "Liberation Sans 10" : "Liberation Sans Bold 10",
                          r[i]);
            g_free(r[i]);
        }
    }
    p->y = MAX(left, right) + 4;
    for (i = 0; i < d->njobs; i++)
        g_string_append_printf(jobs, "%s%s", i ? ", " : "", d->jobs[i]);
    s = g_strdup_printf("Jobber (%zu): %s", d->njobs, jobs->str);
    p->y += text(p, 20, p->y, 170, "Liberation Sans 9", s) + 2;
    g_free(s);
    if (d->missing) {
        s = g_strdup_printf("MERK: ikke satt i konfigurasjonen: %s.", d->missing);
        p->y += text(p, 20, p->y, 170, "Liberation Sans Bold 10", s) + 2;
        g_free(s);
    }
    p->y += 3;
    g_string_free(jobs, TRUE);
    g_free(day);
    g_free(made);
}

static void signatures(struct page *p)
{
    if (p->y > PAGE_BOTTOM - 22)
        need(p, 1000); /* a page of its own */
    p->y = MAX(p->y + 6, 248);
    text(p, 20, p->y, 0, "Liberation Sans 9.5", "Levert av (trykkeri), dato og klokkeslett");
    text(p, 115, p->y, 0, "Liberation Sans 9.5", "Mottatt av (Posten), dato og klokkeslett");
    cairo_set_line_width(p->cr, 0.3);
    cairo_move_to(p->cr, 20 * MM, (p->y + 26) * MM);
    cairo_line_to(p->cr, 95 * MM, (p->y + 26) * MM);
    cairo_move_to(p->cr, 115 * MM, (p->y + 26) * MM);
    cairo_line_to(p->cr, 190 * MM, (p->y + 26) * MM);
    cairo_stroke(p->cr);
}

int render_handover_note(const struct handover_note *d, struct bytes *out)
{
    GByteArray *buf = g_byte_array_new();
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(render_pdf_sink, buf, 210 * MM,
                                                             297 * MM);
    struct page p = {cairo_create(s), pango_font_map_create_context(fonts_map()), d, 0, 1};
    char *title = g_strdup_printf("Innleveringsliste %s", d->day);
    guint i;
    int rc;

    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, d->made_at);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
    pango_cairo_update_context(p.cr, p.ctx);
    head(&p);
    table_head(&p);
    for (i = 0; i < d->nlines; i++)
        row(&p, &d->lines[i]);
    total(&p);
    signatures(&p);
    footer(&p);
    cairo_show_page(p.cr);
    g_object_unref(p.ctx);
    cairo_destroy(p.cr);
    cairo_surface_finish(s);
    rc = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS ? 0 : -1;
    cairo_surface_destroy(s);
    out->len = buf->len;
    out->data = g_byte_array_free(buf, FALSE);
    g_free(title);
    return rc;
}

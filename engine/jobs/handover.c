/* SPDX-License-Identifier: Apache-2.0 */
/*
 * handover.c - the two files of a posting day's handover (innleveringsliste): a CSV for
 * Posten's and the provider's systems and a PDF to sign at the counter, both in Posten's
 * words (Innland / Europa / Verden, A-post / B-post, småbrev / storbrev, 0–20 g, 21–50 g …).
 *
 * No names or addresses of recipients: counts, weights and trays only. The PDF is drawn by
 * render/handover_note.c from the words and numbers put together here.
 */
#include <string.h>
#include "jobs.h"
#include "../render/handover_note.h"

static long long grams(long long mg)
{
    return (mg + 999) / 1000;
}

static void field(GString *s, const char *v, bool last)
{
    v = v ? v : "";
    if (strpbrk(v, ",\"\r\n")) {
        g_string_append_c(s, '"');
        for (; *v; v++) {
            if (*v == '"')
                g_string_append_c(s, '"');
            g_string_append_c(s, *v);
        }
        g_string_append_c(s, '"');
    } else {
        g_string_append(s, v);
    }
    g_string_append(s, last ? "\r\n" : ",");
}

static void csv_line(GString *s, const struct handover_day *d, const char *address,
                     const char *const cells[4], long long pieces, long long mg, long long ea,
                     const char *trays)
{
    char n[3][24];

    field(s, d->day, false);
    field(s, d->made_at, false);
    field(s, d->name, false);
    field(s, address, false);
    field(s, d->customer_number, false);
    field(s, cells[0], false);
    field(s, cells[1], false);
    field(s, cells[2], false);
    field(s, cells[3], false);
    g_snprintf(n[0], sizeof n[0], "%lld", pieces);
    g_snprintf(n[1], sizeof n[1], "%lld", grams(mg));
    g_snprintf(n[2], sizeof n[2], "%lld", ea);
    field(s, n[0], false);
    field(s, n[1], false);
    field(s, n[2], false);
    field(s, trays, true);
}

char *handover_csv(const struct handover_day *d)
{
    GString *s = g_string_new("dag,laget,leverandor,adresse,kundenummer,sone,prioritet,format,"
                              "vektklasse,antall,vekt_g,ea,brett\r\n");
    char *address = g_strjoinv(", ", d->address), trays[24];
    guint i;

    for (i = 0; i < d->lines->len; i++) {
        const struct handover_line *l = &g_array_index(d->lines, struct handover_line, i);
        const char *cells[4] = {postal_zone_word(l->zone, true), postal_posttype_word(l->posttype),
                                postal_format_word(l->format), l->group ? "sum" : l->band};
        g_snprintf(trays, sizeof trays, "%d", l->trays);
        csv_line(s, d, address, cells, l->pieces, l->weight_mg, l->ea, l->group ? trays : "");
    }
    {
        const char *cells[4] = {"totalt", "", "", ""};
        g_snprintf(trays, sizeof trays, "%d", d->trays);
        csv_line(s, d, address, cells, d->pieces, d->weight_mg, d->ea, trays);
    }
    g_free(address);
    return g_string_free(s, FALSE);
}

const char *postal_zone_word(const char *zone, bool capital)
{
    if (g_strcmp0(zone, "NO") == 0)
        return capital ? "Innland" : "innland";
    if (g_strcmp0(zone, "EU") == 0)
        return capital ? "Europa" : "europa";
    if (g_strcmp0(zone, "WORLD") == 0)
        return capital ? "Verden" : "verden";
    return ""; /* no cost row: a letter planned before costs were kept */
}

const char *postal_posttype_word(const char *posttype)
{
    return g_strcmp0(posttype, "A") == 0 ? "A-post" : "B-post";
}

const char *postal_format_word(const char *format)
{
    return g_strcmp0(format, "small") == 0 ? "småbrev" : "storbrev";
}

/* The note in Posten's words and whole grams, for the PDF. */
static struct handover_note_line note_line(const struct handover_line *l)
{
    struct handover_note_line n = {postal_zone_word(l->zone, true),
                                   postal_posttype_word(l->posttype),
                                   postal_format_word(l->format), l->band, l->pieces,
                                   grams(l->weight_mg), l->ea, l->group, l->trays};

    return n;
}

int handover_pdf(const struct handover_day *d, struct bytes *out)
{
    struct handover_note_line *lines = g_new0(struct handover_note_line, d->lines->len + 1);
    struct handover_note n = {d->day, d->made_at, d->name, d->orgnr, d->customer_number,
                              d->missing, (const char *const *)d->address,
                              {d->per_tray[0], d->per_tray[1]},
                              (const char *const *)d->jobs->pdata, d->jobs->len, lines,
                              d->lines->len, d->pieces, grams(d->weight_mg), d->ea, d->trays};
    guint i;
    int rc;

    for (i = 0; i < d->lines->len; i++)
        lines[i] = note_line(&g_array_index(d->lines, struct handover_line, i));
    rc = render_handover_note(&n, out);
    g_free(lines);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * address.c - address blocks: line order, country names and fitting to a width.
 *
 * The same lines feed the cover sheet, the eco stamp (Cairo) and the envelope face
 * (libharu), so all three print identical text. Lines never go below the layout's size:
 * a line that does not fit is shortened at its end with an ellipsis (print-production.md §4).
 */
#include <string.h>
#include <pango/pangocairo.h>
#include "render.h"

static void add(struct address_block *b, const char *s)
{
    if (s && *s && b->n < ADDRESS_MAX_LINES)
        b->line[b->n++] = g_utf8_normalize(s, -1, G_NORMALIZE_NFC);
}

/* The last line: "postnummer POSTSTED" (the town in capitals, as Posten's addressing guide
 * shows), or the country: the name for landkode (country.c), else land, in capitals. */
static char *last_line(const struct address *a, bool english)
{
    const char *n = a->landkode && *a->landkode ? country_name_in(a->landkode, english) : NULL;

    if (a->postnummer && *a->postnummer) {
        char *town = g_utf8_strup(a->poststed ? a->poststed : "", -1);
        char *l = g_strdup_printf("%s %s", a->postnummer, town);
        g_free(town);
        return g_strstrip(l);
    }
    if (n)
        return g_strdup(n);
    if (a->land && *a->land)
        return g_utf8_strup(a->land, -1);
    return a->landkode && *a->landkode ? g_ascii_strup(a->landkode, -1) : NULL;
}

void address_lines_in(const struct address *a, bool english, struct address_block *b)
{
    char *last = last_line(a, english);
    int i;

    memset(b, 0, sizeof *b);
    add(b, a->navn);
    for (i = 0; i < 4; i++)
        add(b, a->linje[i]);
    add(b, last);
    g_free(last);
}

void address_lines(const struct address *a, struct address_block *b)
{
    address_lines_in(a, false, b);
}

char *address_one_line(const char *keyword, const struct address *a)
{
    struct address_block b = {0};
    GString *s = g_string_new(keyword);
    int i;

    address_lines(a, &b);
    for (i = 0; i < b.n; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : " ", b.line[i]);
    address_block_clear(&b);
    return g_string_free(s, FALSE);
}

static double width_mm(PangoLayout *pl, const char *text)
{
    int w, h;

    pango_layout_set_text(pl, text, -1);
    pango_layout_get_size(pl, &w, &h);
    return (double)w / PANGO_SCALE * 25.4 / 72;
}

/* The longest prefix (whole characters) that fits with "…" appended. */
static char *shorten(PangoLayout *pl, const char *line, double max)
{
    glong n = g_utf8_strlen(line, -1), lo = 0, hi = n;
    char *best = g_strdup("…");

    while (lo < hi) {
        glong mid = (lo + hi + 1) / 2;
        char *prefix = g_utf8_substring(line, 0, mid);
        char *cand;
        gsize len = strlen(g_strchomp(prefix));
        while (len > 0 && strchr(",;:", prefix[len - 1])) /* no "…" after a comma */
            prefix[--len] = 0;
        cand = g_strconcat(g_strchomp(prefix), "…", NULL);
        g_free(prefix);
        if (width_mm(pl, cand) <= max) {
            g_free(best);
            best = cand;
            lo = mid;
        } else {
            g_free(cand);
            hi = mid - 1;
        }
    }
    return best;
}

/* One layout for measuring, made once (like the font map), set to the block's font. */
static PangoLayout *measure(const char *family, double pt)
{
    static PangoLayout *pl;
    PangoFontDescription *fd = pango_font_description_new();

    if (!pl) {
        /* unhinted, unrounded, as the PDF surface draws: whole-point rounding would make a
         * 10 pt line 13 pt high */
        PangoContext *ctx = pango_font_map_create_context(fonts_map());
        cairo_font_options_t *fo = cairo_font_options_create();
        cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
        cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
        pango_cairo_context_set_font_options(ctx, fo);
        pango_context_set_round_glyph_positions(ctx, FALSE);
        cairo_font_options_destroy(fo);
        pl = pango_layout_new(ctx);
        g_object_unref(ctx);
    }
    pango_font_description_set_family(fd, family);
    pango_font_description_set_absolute_size(fd, pt * PANGO_SCALE);
    pango_layout_set_font_description(pl, fd);
    pango_font_description_free(fd);
    return pl;
}

double text_width_mm(const char *family, double pt, const char *text)
{
    return width_mm(measure(family, pt), text);
}

/* The font's ascent plus descent: where its glyphs lie below the line's top (Pango puts
 * the baseline one ascent below it). */
double text_height_mm(const char *family, double pt)
{
    PangoLayout *pl = measure(family, pt);
    PangoFontMetrics *m = pango_context_get_metrics(pango_layout_get_context(pl),
                                                    pango_layout_get_font_description(pl), NULL);
    double h = (double)(pango_font_metrics_get_ascent(m) + pango_font_metrics_get_descent(m)) /
               PANGO_SCALE * 25.4 / 72;

    pango_font_metrics_unref(m);
    return h;
}

/* The shown part between the first and the last nearest the middle (the later on a tie). */
static int middle_part(const bool *drop, int n)
{
    double mid = (n - 1) / 2.0, best = 1e9;
    int k, pick = 1;

    for (k = 1; k < n - 1; k++)
        if (!drop[k] && (k - mid < 0 ? mid - k : k - mid) <= best) {
            best = k - mid < 0 ? mid - k : k - mid;
            pick = k;
        }
    return pick;
}

/*
 * parts joined by ", " after the keyword, no wider than max: when it does not fit, parts
 * are dropped from the middle outwards (an ellipsis marks the gap), so the first part (the
 * name) and the last (postcode and place) stay; the first is cut at its end as a last
 * resort. The last part is never cut.
 */
char *address_join_fit(const char *keyword, char *const *parts, int n, const char *family,
                       double pt, double max, bool *shortened)
{
    PangoLayout *pl = measure(family, pt);
    bool *drop = g_new0(bool, n + 1);
    char *out = NULL;
    int k, gone = 0;

    *shortened = false;
    for (;;) {
        GString *s = g_string_new(keyword);
        bool gap = false;
        for (k = 0; k < n; k++) {
            if (drop[k]) {
                if (!gap)
                    g_string_append(s, k ? ", …" : " …");
                gap = true;
                continue;
            }
            gap = false;
            g_string_append_printf(s, "%s%s", k ? ", " : " ", parts[k]);
        }
        out = g_string_free(s, FALSE);
        if (width_mm(pl, out) <= max || n - gone <= 2)
            break;
        k = middle_part(drop, n);
        drop[k] = true;
        gone++;
        *shortened = true;
        g_free(out);
    }
    if (width_mm(pl, out) > max && n >= 2) {
        /* the first part cut at its end, its ellipsis standing for the dropped parts too:
         * "keyword Na…, 0150 OSLO" */
        char *tail = g_strconcat(", ", parts[n - 1], NULL);
        double room = max - width_mm(pl, tail) - width_mm(pl, keyword) - width_mm(pl, " ");
        char *head = shorten(pl, parts[0], MAX(room, 0));
        g_free(out);
        out = g_strdup_printf("%s %s%s", keyword, head, tail);
        g_free(head);
        g_free(tail);
        *shortened = true;
    }
    g_free(drop);
    return out;
}

void address_fit(struct address_block *b, const char *family, double pt, double max)
{
    PangoLayout *pl = measure(family, pt);
    int i;

    for (i = 0; i < b->n; i++) {
        if (width_mm(pl, b->line[i]) <= max)
            continue;
        char *s = shorten(pl, b->line[i], max);
        g_free(b->line[i]);
        b->line[i] = s;
        b->shortened = true;
    }
}

void address_block_clear(struct address_block *b)
{
    int i;

    for (i = 0; i < b->n; i++)
        g_free(b->line[i]);
    memset(b, 0, sizeof *b);
}

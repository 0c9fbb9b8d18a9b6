/*
 * address.c - address blocks: line order, country names and fitting to a width.
 *
 * The same lines feed the cover sheet, the eco stamp (Cairo) and the envelope face
 * (libharu), so all three print identical text. Lines never go below the layout's size:
 * a line that does not fit is shortened at its end with an ellipsis (print-production.md §4).
 */
#include <string.h>
#include <jansson.h>
#include <pango/pangocairo.h>
#include "render.h"

#define ISO_3166 "/usr/share/iso-codes/json/iso_3166-1.json"

static void add(struct address_block *b, const char *s)
{
    if (s && *s && b->n < ADDRESS_MAX_LINES)
        b->line[b->n++] = g_utf8_normalize(s, -1, G_NORMALIZE_NFC);
}

/* The English short name of an ISO 3166-1 alpha-2 code, upper case, from iso-codes. */
const char *country_name(const char *iso2)
{
    static GHashTable *names;
    json_t *root, *list, *c;
    size_t i;

    if (!names) {
        names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        root = json_load_file(ISO_3166, 0, NULL);
        list = json_object_get(root, "3166-1");
        json_array_foreach(list, i, c) {
            const char *a2 = json_string_value(json_object_get(c, "alpha_2"));
            const char *nm = json_string_value(json_object_get(c, "name"));
            if (a2 && nm)
                g_hash_table_insert(names, g_ascii_strup(a2, -1), g_utf8_strup(nm, -1));
        }
        json_decref(root);
    }
    {
        char *up = g_ascii_strup(iso2, -1);
        const char *n = g_hash_table_lookup(names, up);
        g_free(up);
        return n;
    }
}

void address_lines(const struct address *a, struct address_block *b)
{
    int i;

    memset(b, 0, sizeof *b);
    add(b, a->navn);
    for (i = 0; i < 4; i++)
        add(b, a->linje[i]);
    if (a->postnummer && *a->postnummer) {
        char *l = g_strdup_printf("%s %s", a->postnummer, a->poststed ? a->poststed : "");
        add(b, g_strstrip(l));
        g_free(l);
    } else if (a->land && *a->land) {
        char *l = g_utf8_strup(a->land, -1);
        add(b, l);
        g_free(l);
    } else if (a->landkode && *a->landkode) {
        const char *n = country_name(a->landkode);
        char *l = g_ascii_strup(a->landkode, -1);
        add(b, n ? n : l);
        g_free(l);
    }
}

char *address_one_line(const char *keyword, const struct address *a)
{
    struct address_block b;
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
        char *cand = g_strconcat(g_strchomp(prefix), "…", NULL);
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
        PangoContext *ctx = pango_font_map_create_context(fonts_map());
        pl = pango_layout_new(ctx);
        g_object_unref(ctx);
    }
    pango_font_description_set_family(fd, family);
    pango_font_description_set_absolute_size(fd, pt * PANGO_SCALE);
    pango_layout_set_font_description(pl, fd);
    pango_font_description_free(fd);
    return pl;
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

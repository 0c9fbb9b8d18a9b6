/* SPDX-License-Identifier: Apache-2.0 */
/*
 * country.c - the country line of a foreign address, from iso-codes.
 *
 * Posten's and Bring's examples write the country in Norwegian in capitals (SVERIGE,
 * STORBRITANNIA), so the default is the Norwegian Bokmål short name from iso-codes' nb
 * translation (iso_3166-1.mo, read here directly: a gettext catalogue is a sorted table of
 * strings, and reading it needs no change of the process's locale). A sender's profile can
 * ask for the English name instead. The short name is the translated common name when
 * iso-codes has one (Sør-Korea, Taiwan), else the translated name, with an inverted official
 * form ("Iran, Den islamske republikk") cut at its comma when a common name exists.
 */
#include <string.h>
#include <jansson.h>
#include "render.h"

#define ISO_3166 "/usr/share/iso-codes/json/iso_3166-1.json"
#define ISO_3166_NB "/usr/share/locale/nb/LC_MESSAGES/iso_3166-1.mo"

/* One 32-bit word of a .mo file, in the file's byte order. */
static guint32 mo_word(const guchar *d, gsize len, gsize off, bool swap)
{
    guint32 v;

    if (off + 4 > len)
        return 0;
    memcpy(&v, d + off, 4);
    return swap ? GUINT32_SWAP_LE_BE(v) : v;
}

/* English msgid -> Norwegian msgstr, from a gettext .mo catalogue; empty when unreadable. */
static GHashTable *mo_load(const char *path)
{
    GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    gchar *raw = NULL;
    gsize len = 0;
    const guchar *d;
    guint32 n, orig, trans, i;
    bool swap;

    if (!g_file_get_contents(path, &raw, &len, NULL) || len < 28) {
        g_free(raw);
        return t;
    }
    d = (const guchar *)raw;
    swap = mo_word(d, len, 0, false) != 0x950412deu;
    if (mo_word(d, len, 0, swap) == 0x950412deu) {
        n = mo_word(d, len, 8, swap);
        orig = mo_word(d, len, 12, swap);
        trans = mo_word(d, len, 16, swap);
        for (i = 0; i < n && (gsize)orig + 8 * (gsize)i + 8 <= len; i++) {
            guint32 ol = mo_word(d, len, orig + 8 * i, swap);
            guint32 oo = mo_word(d, len, orig + 8 * i + 4, swap);
            guint32 tl = mo_word(d, len, trans + 8 * i, swap);
            guint32 to = mo_word(d, len, trans + 8 * i + 4, swap);
            if ((gsize)oo + ol >= len || (gsize)to + tl >= len || !ol || !tl ||
                !g_utf8_validate(raw + to, tl, NULL))
                continue;
            g_hash_table_insert(t, g_strndup(raw + oo, ol), g_strndup(raw + to, tl));
        }
    }
    g_free(raw);
    return t;
}

/* The Norwegian short name of one iso-codes entry, or NULL when it has no translation. */
static char *nb_short(GHashTable *nb, const char *name, const char *common)
{
    const char *t = common ? g_hash_table_lookup(nb, common) : NULL;
    const char *comma;

    if (t)
        return g_strdup(t);
    t = g_hash_table_lookup(nb, name);
    if (!t)
        return NULL;
    comma = strstr(t, ", ");
    if (common && comma)
        return g_strndup(t, (gsize)(comma - t)); /* "Iran, Den islamske republikk" */
    if (common && g_str_has_suffix(t, common))
        return g_strdup(common);                   /* "Den arabiske republikk Syria" */
    return g_strdup(t);
}

struct countries {
    GHashTable *en, *nb; /* upper-case alpha-2 -> upper-case short name */
};

static const struct countries *countries(void)
{
    static struct countries c;
    json_t *root, *list, *e;
    GHashTable *mo;
    size_t i;

    if (c.en)
        return &c;
    c.en = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    c.nb = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    mo = mo_load(ISO_3166_NB);
    root = json_load_file(ISO_3166, 0, NULL);
    list = json_object_get(root, "3166-1");
    json_array_foreach(list, i, e) {
        const char *a2 = json_string_value(json_object_get(e, "alpha_2"));
        const char *nm = json_string_value(json_object_get(e, "name"));
        const char *cn = json_string_value(json_object_get(e, "common_name"));
        char *no;
        if (!a2 || !nm)
            continue;
        g_hash_table_insert(c.en, g_ascii_strup(a2, -1), g_utf8_strup(cn ? cn : nm, -1));
        no = nb_short(mo, nm, cn);
        if (no)
            g_hash_table_insert(c.nb, g_ascii_strup(a2, -1), g_utf8_strup(no, -1));
        g_free(no);
    }
    json_decref(root);
    g_hash_table_destroy(mo);
    return &c;
}

const char *country_name_in(const char *iso2, bool english)
{
    const struct countries *c = countries();
    char *up = g_ascii_strup(iso2, -1);
    const char *n = english ? NULL : g_hash_table_lookup(c->nb, up);

    if (!n)
        n = g_hash_table_lookup(c->en, up); /* no Norwegian name: the English one */
    g_free(up);
    return n;
}

const char *country_name(const char *iso2)
{
    return country_name_in(iso2, false);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * price.c - what one letter costs under a tariff, and which postage group it belongs to.
 *
 *   charged sheets = ceil(max(0, pages - free pages) / 2)      normal: free 0; eco: free 1.5
 *   print price    = base (broker fee included) + charged sheets × sheet price
 *
 * The windowless layout (printed envelope face instead of a cover sheet) is priced as the
 * normal layout; a MANUAL piece (more than a C4 holds) as C4. Both are stated in the README.
 */
#include <stdlib.h>
#include <string.h>
#include "costs.h"

int charged_sheets(int pages, int free_half_pages)
{
    int half = 2 * pages - free_half_pages;

    return half <= 0 ? 0 : (half + 3) / 4;
}

static int layout_index(const char *layout)
{
    return layout && strcmp(layout, "eco") == 0 ? T_ECO : T_NORMAL;
}

int price_print(const struct tariff *t, const struct cost_input *in, struct print_price *out,
                char **err)
{
    int k = layout_index(in->layout);
    int c = in->colour && strcmp(in->colour, "FARGE") == 0 ? T_COLOUR : T_BW;
    int e = in->envelope && strcmp(in->envelope, "C5") == 0 ? T_C5 : T_C4;

    memset(out, 0, sizeof *out);
    if (in->pages < 1) {
        *err = g_strdup_printf("cannot price a letter of %d pages", in->pages);
        return -1;
    }
    out->charged_sheets = charged_sheets(in->pages, t->layout[k].free_half_pages);
    out->broker_ore = t->broker_ore;
    out->base_ore = t->layout[k].base[c][e] - t->broker_ore;
    out->sheets_ore = out->charged_sheets * t->layout[k].sheet[c];
    return 0;
}

long long price_return_fee(const struct tariff *t, const char *layout)
{
    return t->layout[layout_index(layout)].return_fee;
}

int postage_classify(const struct postage_table *pt, const struct cost_input *in,
                     struct postage_class *out, char **err)
{
    int i, grams = (in->weight_mg + 999) / 1000;
    const char *zone = "NO";

    memset(out, 0, sizeof *out);
    g_strlcpy(out->format, in->envelope && strcmp(in->envelope, "C5") == 0 ? "small" : "large",
              sizeof out->format);
    for (i = 0; i < pt->nbands && grams > pt->band_g[i]; i++)
        ;
    if (i == pt->nbands) {
        *err = g_strdup_printf("%d g is above the heaviest weight band (%d g) of postage table "
                               "%s", grams, pt->band_g[pt->nbands - 1], pt->head.id);
        return -1;
    }
    g_snprintf(out->band, sizeof out->band, "%dg", pt->band_g[i]);
    if (in->landkode && *in->landkode && g_ascii_strcasecmp(in->landkode, "NO") != 0) {
        char up[3] = {g_ascii_toupper(in->landkode[0]),
                      in->landkode[1] ? g_ascii_toupper(in->landkode[1]) : 0, 0};
        zone = g_hash_table_lookup(pt->zone_of, up);
        if (!zone)
            zone = "WORLD";
    }
    g_strlcpy(out->zone, zone, sizeof out->zone);
    return 0;
}

int postage_unit(const struct postage_table *pt, const char *posttype,
                 const struct postage_class *c, long long quantity, long long *unit, char **err)
{
    char *key = g_strdup_printf("%s %s %s", posttype, c->format, c->zone);
    const struct postage_tiers *t = g_hash_table_lookup(pt->prices, key);
    int i, band;

    for (band = 0; band < pt->nbands; band++)
        if (strtol(c->band, NULL, 10) == pt->band_g[band])
            break;
    if (!t || band == pt->nbands) {
        *err = g_strdup_printf("postage table %s has no price for %s, band %s", pt->head.id, key,
                               c->band);
        g_free(key);
        return -1;
    }
    for (i = 0; i + 1 < t->n && quantity >= t->from[i + 1]; i++)
        ;
    *unit = t->price[i][band];
    g_free(key);
    return 0;
}

int tariff_discount_bp(const struct tariff *t, long long volume, bool sheets)
{
    int i, bp = 0;

    for (i = 0; i < t->nbrackets && volume >= t->bracket[i].from; i++)
        bp = sheets ? t->bracket[i].sheet_bp : t->bracket[i].envelope_bp;
    return bp;
}

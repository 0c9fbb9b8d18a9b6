/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fonts.c - a Pango font map that sees only the fonts shipped in fonts/.
 *
 * A private fontconfig configuration with the project's font directory, so what "Liberation
 * Sans" resolves to never depends on the machine's installed fonts, and output is
 * reproducible. Resolution is 72 dpi so a 10 pt font is 10 pt in the PDF.
 */
#include <stdlib.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include "render.h"

static const char *fonts_shipped_dir(void)
{
    static char *dir;

    if (!dir)
        dir = g_build_filename(data_dir(), "fonts", NULL);
    return dir;
}

const char *fonts_dir(void)
{
    const char *env = getenv("TRYKK_FONTS_DIR");

    return env && *env ? env : fonts_shipped_dir();
}

PangoFontMap *fonts_map(void)
{
    static PangoFontMap *map;
    FcConfig *fc;
    char *cache, *xml;

    if (map)
        return map;
    fc = FcConfigCreate();
    cache = g_build_filename(g_get_user_cache_dir(), "trykk-fontconfig", NULL);
    g_mkdir_with_parents(cache, 0700);
    xml = g_markup_printf_escaped("<fontconfig><cachedir>%s</cachedir></fontconfig>", cache);
    FcConfigParseAndLoadFromMemory(fc, (const FcChar8 *)xml, FcFalse);
    g_free(xml);
    g_free(cache);
    if (!FcConfigAppFontAddDir(fc, (const FcChar8 *)fonts_dir()))
        log_panic("cannot load fonts from %s", fonts_dir());
    map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), fc);
    FcConfigDestroy(fc);
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(map), 72.0);
    return map;
}

/*
 * render.h - everything that looks inside the sender's PDFs. For intake: the preflight that
 * decides whether a document can be printed as the sender made it.
 */
#ifndef TRYKK_RENDER_H
#define TRYKK_RENDER_H

#include "../util/reason.h"
#include "../util/util.h"

struct pdf_info {
    int pages;
    char version[8];
};

/* PDF rules of dpi-print-format.md §7: readable, not encrypted, version 1.0-1.7, every page
 * A4 portrait within ±tolerance_mm after /Rotate and CropBox, fonts embedded or standard. */
int pdf_preflight(const struct bytes *pdf, double tolerance_mm, struct pdf_info *out,
                  struct reason *r);

/* fonts.c: the project's fonts only (fonts/, or TRYKK_FONTS_DIR). */
typedef struct _PangoFontMap PangoFontMap;
const char *fonts_dir(void);
PangoFontMap *fonts_map(void);

#endif

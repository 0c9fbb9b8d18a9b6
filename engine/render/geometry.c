/* SPDX-License-Identifier: Apache-2.0 */
/*
 * geometry.c - one check, at start-up, that everything the engine draws on a sheet is where
 * a window envelope and an inserter need it.
 *
 * Every engine-drawn item of a layout (address block with its return line and EA barcode,
 * the cover's return address block, logo, "Avsender" line, piece code, the inserter marks
 * with their knockout) is a rectangle in mm. For every window stock in use: the address
 * block must lie inside the window less the layout's inset and hold the layout's number of
 * lines; every other item must stay clear of the window grown by the stock's slip (5 mm:
 * the sheet moves in the envelope). Every item but the marks must stay clear of the mark
 * zone, and the marks (knockout included) must stay inside the zone and the reserved left
 * margin. An eco layout's piece code must lie in the blank field (elsewhere is the sender's
 * content). The first item that breaks a rule is named with the stock and the overlap.
 */
#include <string.h>
#include "render.h"

struct item {
    const char *name;
    struct rect_mm r;
};

static struct rect_mm grow(struct rect_mm r, double by)
{
    struct rect_mm g = {r.x - by, r.y - by, r.w + 2 * by, r.h + 2 * by};

    return g;
}

/* The overlap of a and b (w, h <= 0 when they do not meet). */
static struct rect_mm meet(struct rect_mm a, struct rect_mm b)
{
    struct rect_mm m = {0};

    m.x = MAX(a.x, b.x);
    m.y = MAX(a.y, b.y);
    m.w = MIN(a.x + a.w, b.x + b.w) - m.x;
    m.h = MIN(a.y + a.h, b.y + b.h) - m.y;
    return m;
}

static bool inside(struct rect_mm in, struct rect_mm out)
{
    return in.x >= out.x - 1e-6 && in.y >= out.y - 1e-6 &&
           in.x + in.w <= out.x + out.w + 1e-6 && in.y + in.h <= out.y + out.h + 1e-6;
}

static char *rect_text(struct rect_mm r)
{
    return g_strdup_printf("x %.1f-%.1f, y %.1f-%.1f mm", r.x, r.x + r.w, r.y, r.y + r.h);
}

static int fail_overlap(const struct layout *l, const struct item *it, const char *what,
                        struct rect_mm zone, const char *only, char **err)
{
    struct rect_mm m = meet(it->r, zone);
    char *a = rect_text(it->r), *b = rect_text(zone);

    *err = g_strdup_printf("layout %s: the %s (%s) overlaps %s (%s) by %.1f × %.1f mm; only "
                           "%s may be there", l->name, it->name, a, what, b, m.w, m.h, only);
    g_free(a);
    g_free(b);
    return -1;
}

/* The marks' extent with their knockout: the largest DataMatrix payload, or every OMR bar. */
struct rect_mm marks_extent(const struct marks *m)
{
    struct rect_mm r = {m->x, m->y, m->bar_length, 0};

    if (m->kind == MARKS_DATAMATRIX) {
        double cols = 0, rows = 0;
        GArray *bars = barcode_bars(true, "J999999P99999S999M999C9", &cols, &rows);
        if (bars)
            g_array_free(bars, TRUE);
        r.w = cols * m->module;
        r.h = rows * m->module;
    } else {
        r.h = (m->positions - 1) * m->pitch + m->bar_thickness;
    }
    return grow(r, m->knockout);
}

static int check_marks(const struct layout *l, const struct marks *m, char **err)
{
    struct rect_mm r = marks_extent(m), k = grow(r, -m->knockout);
    struct rect_mm margin = {0, m->zone.y - m->knockout, m->margin, m->zone.h + 2 * m->knockout};
    char *a = rect_text(k), *b = rect_text(m->zone);

    int rc = 0;

    if (!inside(k, m->zone) || !inside(r, margin) || k.x < MARKS_MIN_X_MM - 1e-6) {
        *err = g_strdup_printf("layout %s: marks %s (%s, knockout %.1f mm) must lie inside the "
                               "mark zone (%s), at x >= %.0f mm, with the knockout inside the "
                               "left %.0f mm", l->name, m->name, a, m->knockout, b,
                               MARKS_MIN_X_MM, m->margin);
        rc = -1;
    }
    g_free(a);
    g_free(b);
    return rc;
}

/* The items other than the address block that the layout draws on a sheet. */
static int layout_items(const struct layout *l, struct item it[4])
{
    double line = text_height_mm(l->font_family, l->font_pt);
    int n = 0;

    if (l->kind == LAYOUT_NORMAL) {
        it[n++] = (struct item){"return address block", l->return_block};
        it[n++] = (struct item){"logo", l->logo};
        it[n++] = (struct item){"Avsender line",
                                {l->sender_line.x, l->sender_line.y, l->sender_line.w, line}};
    }
    if (l->piece_code.x > 0 || l->piece_code.y > 0) {
        struct rect_mm r = {l->piece_code.x, l->piece_code.y,
                            text_width_mm(l->font_family, l->font_pt, "Forsendelse 00000000000"),
                            line};
        it[n++] = (struct item){"piece code", r};
    }
    return n;
}

/* The block inside the window less the inset, tall enough for l->address_lines lines (one
 * of them the EA line with its barcode). */
static int check_address(const struct layout *l, const struct stock *s, char **err)
{
    struct rect_mm a = {0};
    double pitch = layout_line_mm(l), ea = MAX(pitch, l->ea_bar_h + 0.3);
    double need = ea + (l->address_lines - 2) * pitch + text_height_mm(l->font_family, l->font_pt);

    if (layout_address_in(l, s, &a, err) < 0)
        return -1;
    if (need > a.h + 1e-6) {
        *err = g_strdup_printf("layout %s: %d address lines need %.1f mm, but stock %s's window "
                               "holds %.1f mm below y %.1f inside its %.1f mm inset (line "
                               "spacing %.2f at %.0f pt)", l->name, l->address_lines, need,
                               s->name, a.h, a.y, l->window_inset, l->line_spacing, l->font_pt);
        return -1;
    }
    return 0;
}

int layout_geometry_check(const struct layout *l, const struct stock *const *stocks, int nstocks,
                          const struct marks *m, char **err)
{
    struct item it[4] = {0};
    int n = layout_items(l, it), i, s;
    struct rect_mm zone = grow(m->zone, m->knockout);
    char *what;

    zone.w += zone.x; /* the sheet's edge is the zone's left edge */
    zone.x = 0;
    if (check_marks(l, m, err) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        if (meet(it[i].r, zone).w > 0 && meet(it[i].r, zone).h > 0)
            return fail_overlap(l, &it[i], "the mark zone with the knockout", zone,
                                "the inserter marks", err);
        if (l->kind == LAYOUT_ECO && !inside(it[i].r, l->eco_field)) {
            char *a = rect_text(it[i].r), *b = rect_text(l->eco_field);
            *err = g_strdup_printf("layout %s: the %s (%s) must lie inside the blank field (%s): "
                                   "elsewhere is the sender's content", l->name, it[i].name,
                                   a, b);
            g_free(a);
            g_free(b);
            return -1;
        }
    }
    for (s = 0; s < nstocks && l->kind != LAYOUT_WINDOWLESS; s++) {
        struct rect_mm w = grow(stocks[s]->win, stocks[s]->slip);
        if (!stocks[s]->window)
            continue;
        if (check_address(l, stocks[s], err) < 0)
            return -1;
        for (i = 0; i < n; i++) {
            struct rect_mm o = meet(it[i].r, w);
            if (o.w <= 0 || o.h <= 0)
                continue;
            what = g_strdup_printf("stock %s's window ±%.0f mm", stocks[s]->name, stocks[s]->slip);
            fail_overlap(l, &it[i], what, w, "the address block", err);
            g_free(what);
            return -1;
        }
    }
    return 0;
}

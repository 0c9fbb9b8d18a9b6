/* SPDX-License-Identifier: Apache-2.0 */
/*
 * layout.c - read layouts, stocks and mark profiles from layouts/<name>.ini.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "layout.h"
#include "../util/conf.h"
#include "../util/util.h"

struct kf {
    GKeyFile *kf;
    char *path;
    struct conf c;              /* reads kf; messages name path */
    bool bad;
};

const char *layouts_shipped_dir(void)
{
    static char *dir;

    if (!dir)
        dir = g_build_filename(data_dir(), "layouts", NULL);
    return dir;
}

const char *layouts_dir(void)
{
    const char *env = getenv("TRYKK_LAYOUTS_DIR");

    return env && *env ? env : layouts_shipped_dir();
}

static int kf_open(struct kf *k, const char *name, char **err)
{
    GError *gerr = NULL;
    char *file = g_strconcat(name, ".ini", NULL);

    memset(k, 0, sizeof *k);
    if (strchr(name, '/') || name[0] == '.' || !*name) {
        *err = g_strdup_printf("layout name '%s' is not a plain name", name);
        g_free(file);
        return -1;
    }
    k->path = g_build_filename(layouts_dir(), file, NULL);
    g_free(file);
    k->kf = g_key_file_new();
    if (!g_key_file_load_from_file(k->kf, k->path, G_KEY_FILE_NONE, &gerr)) {
        *err = g_strdup_printf("%s: %s", k->path, gerr->message);
        g_error_free(gerr);
        g_key_file_free(k->kf);
        g_free(k->path);
        return -1;
    }
    k->c = (struct conf){k->kf, k->path, NULL, err};
    return 0;
}

static int kf_close(struct kf *k)
{
    g_key_file_free(k->kf);
    g_free(k->path);
    return k->bad ? -1 : 0;
}

static void kf_fail(struct kf *k, const char *group, const char *key, const char *why)
{
    conf_fail(&k->c, group, key, "%s", why);
    k->bad = true;
}

/* A number in [min, max]; def when absent and def is not NAN. */
static double num(struct kf *k, const char *group, const char *key, double min, double max,
                  double def)
{
    double v = min;

    if (conf_number(&k->c, group, key, def, min, max, &v) < 0)
        k->bad = true;
    return v;
}

static char *str(struct kf *k, const char *group, const char *key, const char *def)
{
    char *v = def ? conf_string(&k->c, group, key) : conf_required(&k->c, group, key);

    if (!v)
        k->bad = k->bad || !def;
    return v ? v : g_strdup(def ? def : "");
}

/* A rectangle [group] x_mm, y_mm, width_mm, height_mm inside a page of w × h. */
static struct rect_mm rect(struct kf *k, const char *group, const char *prefix, double w,
                           double h)
{
    struct rect_mm r = {0};
    char kx[40], ky[40], kw[40], kh[40];

    g_snprintf(kx, sizeof kx, "%sx_mm", prefix);
    g_snprintf(ky, sizeof ky, "%sy_mm", prefix);
    g_snprintf(kw, sizeof kw, "%swidth_mm", prefix);
    g_snprintf(kh, sizeof kh, "%sheight_mm", prefix);
    r.x = num(k, group, kx, 0, w, NAN);
    r.y = num(k, group, ky, 0, h, NAN);
    r.w = num(k, group, kw, 1, w - r.x, NAN);
    r.h = num(k, group, kh, 1, h - r.y, NAN);
    return r;
}

static bool has(struct kf *k, const char *group)
{
    return g_key_file_has_group(k->kf, group);
}

const char *layout_kind_name(enum layout_kind k)
{
    return k == LAYOUT_ECO ? "eco" : k == LAYOUT_WINDOWLESS ? "windowless" : "normal";
}

static void layout_parts(struct kf *k, struct layout *l)
{
    l->ea_gap = num(k, "address", "ea_gap_mm", 3, 20, 3);
    l->ea_module = num(k, "address", "ea_module_mm", 0.19, 0.5, 0.25);
    l->ea_bar_h = num(k, "address", "ea_bar_height_mm", 2, 6, 3.4);
    if (l->kind != LAYOUT_WINDOWLESS) {
        l->address = rect(k, "address", "", l->page_w, l->page_h);
        l->window_inset = num(k, "address", "window_inset_mm", 2, 10, 4);
        l->return_pt = num(k, "address", "return_size_pt", 6, l->font_pt, l->font_pt);
        l->address_lines = (int)num(k, "address", "lines", 4, ADDRESS_LINES_MAX, 7);
    }
    if (l->kind == LAYOUT_NORMAL) {
        l->return_block = rect(k, "return_block", "", l->page_w, l->page_h);
        l->logo = rect(k, "logo", "", l->page_w, l->page_h);
        l->sender_line = rect(k, "sender_line", "", l->page_w, l->page_h);
    }
    if (has(k, "piece_code")) {
        l->piece_code.x = num(k, "piece_code", "x_mm", 0, l->page_w, NAN);
        l->piece_code.y = num(k, "piece_code", "y_mm", 0, l->page_h, NAN);
    }
    if (l->kind == LAYOUT_ECO) {
        l->eco_field = rect(k, "eco_field", "", l->page_w, l->page_h);
        l->eco_inset = num(k, "eco_field", "inset_mm", 0, 5, 1);
        l->eco_dpi = (int)num(k, "eco_field", "dpi", 18, 150, 36);
        l->eco_threshold = (int)num(k, "eco_field", "threshold", 1, 255, 240);
        l->eco_max_ink = (int)num(k, "eco_field", "max_ink_px", 0, 100000, 0);
    }
}

int layout_load(struct layout *l, const char *name, char **err)
{
    struct kf k = {0};
    char *kind;

    memset(l, 0, sizeof *l);
    if (kf_open(&k, name, err) < 0)
        return -1;
    l->name = g_strdup(name);
    kind = str(&k, "layout", "kind", NULL);
    if (strcmp(kind, "normal") == 0)
        l->kind = LAYOUT_NORMAL;
    else if (strcmp(kind, "eco") == 0)
        l->kind = LAYOUT_ECO;
    else if (strcmp(kind, "windowless") == 0)
        l->kind = LAYOUT_WINDOWLESS;
    else
        kf_fail(&k, "layout", "kind", "must be normal, eco or windowless");
    g_free(kind);
    l->page_w = num(&k, "page", "width_mm", 100, 420, NAN);
    l->page_h = num(&k, "page", "height_mm", 100, 600, NAN);
    l->crop_tolerance = num(&k, "page", "crop_tolerance_mm", 0, 20, 10);
    l->font_family = str(&k, "font", "family", NULL);
    /* print-production.md §4: 10-12 pt, one font, no bold. */
    l->font_pt = num(&k, "font", "size_pt", 10, 12, NAN);
    l->line_spacing = num(&k, "font", "line_spacing", 1.0, 1.5, 1.15);
    layout_parts(&k, l);
    if (kf_close(&k) < 0) {
        layout_free(l);
        return -1;
    }
    return 0;
}

void layout_free(struct layout *l)
{
    g_free(l->name);
    g_free(l->font_family);
    memset(l, 0, sizeof *l);
}

static void stock_face(struct kf *k, struct stock *s)
{
    double w = s->width, h = s->height;

    s->face_address = rect(k, "face", "address_", w, h);
    s->face_return.x = num(k, "face", "return_x_mm", 0, w, NAN);
    s->face_return.y = num(k, "face", "return_y_mm", 0, h, NAN);
    s->face_return.w = num(k, "face", "return_width_mm", 10, w, NAN);
    s->face_return.h = 20;
    s->face_logo = rect(k, "face", "logo_", w, h);
    s->code_x = num(k, "face", "code_x_mm", 0, w - 15, NAN);
    s->code_y = num(k, "face", "code_y_mm", 0, h - 15, NAN);
}

int stock_load(struct stock *s, const char *name, char **err)
{
    struct kf k = {0};
    char *format;

    memset(s, 0, sizeof *s);
    if (kf_open(&k, name, err) < 0)
        return -1;
    s->name = g_strdup(name);
    format = str(&k, "stock", "format", NULL);
    if (strcmp(format, "C5") != 0 && strcmp(format, "C4") != 0)
        kf_fail(&k, "stock", "format", "must be C5 or C4");
    g_strlcpy(s->format, format, sizeof s->format);
    g_free(format);
    if (conf_bool(&k.c, "stock", "window", false, &s->window) < 0)
        k.bad = true;
    s->width = num(&k, "stock", "width_mm", 100, 400, NAN);
    s->height = num(&k, "stock", "height_mm", 80, 300, NAN);
    s->weight_mg = (int)(num(&k, "stock", "weight_g", 0, 100, NAN) * 1000 + 0.5);
    s->max_content_sheets = (int)num(&k, "stock", "max_content_sheets", 1, 1000, NAN);
    if (s->window) {
        s->win = rect(&k, "window", "", 210, 297);
        s->slip = num(&k, "window", "slip_mm", 0, 20, 5);
    } else
        stock_face(&k, s);
    if (kf_close(&k) < 0) {
        stock_free(s);
        return -1;
    }
    return 0;
}

void stock_free(struct stock *s)
{
    g_free(s->name);
    memset(s, 0, sizeof *s);
}

static void omr_order(struct kf *k, struct marks *m)
{
    static const char *const names[] = {"BM", "EOC", "WAS1", "WAS2", "WAS3", "P", "SAF"};
    char **v = g_key_file_get_string_list(k->kf, "marks", "order", NULL, NULL);
    int i, j;

    for (i = 0; v && v[i]; i++) {
        for (j = 0; j < (int)G_N_ELEMENTS(names) && strcmp(g_strstrip(v[i]), names[j]); j++)
            ;
        if (j == (int)G_N_ELEMENTS(names) || i >= (int)G_N_ELEMENTS(m->order)) {
            kf_fail(k, "marks", "order", "holds an unknown mark or too many positions");
            break;
        }
        m->order[i] = (enum omr_mark)j;
    }
    m->positions = i;
    g_strfreev(v);
    if (m->positions < 2)
        kf_fail(k, "marks", "order", "needs at least two positions");
}

static void marks_geometry(struct kf *k, struct marks *m)
{
    m->zone = rect(k, "marks", "zone_", 18, 297);
    m->x = num(k, "marks", "x_mm", MAX(m->zone.x, MARKS_MIN_X_MM), m->zone.x + m->zone.w, NAN);
    m->y = num(k, "marks", "y_mm", m->zone.y, m->zone.y + m->zone.h, NAN);
    m->knockout = num(k, "marks", "knockout_mm", 0.5, 5, 1);
    m->margin = num(k, "marks", "margin_mm", m->zone.x + m->zone.w, 30, 18);
    m->ink_dpi = (int)num(k, "marks", "ink_dpi", 18, 300, 72);
    m->ink_threshold = (int)num(k, "marks", "ink_threshold", 1, 255, 240);
    if (m->kind == MARKS_DATAMATRIX) {
        m->module = num(k, "marks", "module_mm", 0.25, 1.0, 0.5);
        return;
    }
    m->bar_length = num(k, "marks", "bar_length_mm", 5, 15, 10);
    m->bar_thickness = num(k, "marks", "bar_thickness_mm", 0.2, 1, 0.5);
    m->pitch = num(k, "marks", "pitch_mm", 2.54, 10, 4.23);
    omr_order(k, m);
    if (m->x + m->bar_length > m->zone.x + m->zone.w ||
        m->y + m->pitch * m->positions > m->zone.y + m->zone.h)
        kf_fail(k, "marks", "order", "does not fit the mark zone");
}

int marks_load(struct marks *m, const char *name, char **err)
{
    struct kf k = {0};
    char *kind;

    memset(m, 0, sizeof *m);
    if (kf_open(&k, name, err) < 0)
        return -1;
    m->name = g_strdup(name);
    kind = str(&k, "marks", "kind", NULL);
    if (strcmp(kind, "datamatrix") == 0)
        m->kind = MARKS_DATAMATRIX;
    else if (strcmp(kind, "omr") == 0)
        m->kind = MARKS_OMR;
    else
        kf_fail(&k, "marks", "kind", "must be datamatrix or omr");
    g_free(kind);
    if (!k.bad)
        marks_geometry(&k, m);
    if (kf_close(&k) < 0) {
        marks_free(m);
        return -1;
    }
    return 0;
}

void marks_free(struct marks *m)
{
    g_free(m->name);
    memset(m, 0, sizeof *m);
}

double layout_line_mm(const struct layout *l)
{
    return l->font_pt * l->line_spacing * 25.4 / 72;
}

int layout_address_in(const struct layout *l, const struct stock *s, struct rect_mm *out,
                      char **err)
{
    const struct rect_mm *w = &s->win;
    double in = l->window_inset;

    *out = l->address;
    if (!s->window) {
        *out = s->face_address;
        return 0;
    }
    if (out->x < w->x + in - 1e-6 || out->y < w->y + in - 1e-6 ||
        out->x >= w->x + w->w - in || out->y >= w->y + w->h - in) {
        *err = g_strdup_printf("layout %s: the address block (x %.1f, y %.1f mm) starts nearer "
                               "than %.1f mm to the edge of stock %s's window (x %.1f-%.1f, "
                               "y %.1f-%.1f mm)", l->name, out->x, out->y, in, s->name, w->x,
                               w->x + w->w, w->y, w->y + w->h);
        return -1;
    }
    out->w = MIN(out->w, w->x + w->w - in - out->x);
    out->h = MIN(out->h, w->y + w->h - in - out->y);
    return 0;
}

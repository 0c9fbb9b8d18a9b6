/* SPDX-License-Identifier: Apache-2.0 */
/*
 * setup.c - the print configuration: [render], [ea] and [sender.<orgnr>] groups.
 *
 *   [render]  stock = window | plain, marks = datamatrix | omr, cutoff = HH:MM,
 *             max_job_sheets, max_job_letters, sheet_weight_g, manual_packaging_g,
 *             reprint_max_percent
 *   [ea]      agreement (4 digits), service_level (0-3), return_address (lines, ';')
 *   [sender.<orgnr>]  layout = normal | eco, logo (PNG), c4 = true | false,
 *             return_address (lines, ';'), name (the agency, printed as "Avsender"),
 *             country_names = norwegian | english, mark_zone_ink = accept | refuse
 */
#include <string.h>
#include "jobs.h"

static char *get(GKeyFile *kf, const char *g, const char *k)
{
    char *v = g_key_file_get_string(kf, g, k, NULL);

    if (v && !*g_strstrip(v)) {
        g_free(v);
        v = NULL;
    }
    return v;
}

static int integer(GKeyFile *kf, const char *g, const char *k, int def, int min, int max,
                   int *out, char **err)
{
    char *v = get(kf, g, k), *end = NULL;
    long n = def;

    if (v)
        n = strtol(v, &end, 10);
    if (v && (*end || end == v || n < min || n > max)) {
        *err = g_strdup_printf("config [%s] %s: a whole number from %d to %d", g, k, min, max);
        g_free(v);
        return -1;
    }
    g_free(v);
    *out = (int)n;
    return 0;
}

static char **lines(GKeyFile *kf, const char *g, const char *k)
{
    char *v = get(kf, g, k), **l;
    int i;

    if (!v)
        return NULL;
    l = g_strsplit(v, ";", 8);
    for (i = 0; l[i]; i++)
        g_strstrip(l[i]);
    g_free(v);
    return l;
}

static void profile_free(void *p)
{
    struct sender_profile *s = p;

    g_free(s->logo);
    g_free(s->name);
    g_strfreev(s->return_lines);
    g_free(s);
}

/* key is absent (def) or one of the two words; false and *err when it is something else */
static bool choice(GKeyFile *kf, const char *group, const char *key, const char *no,
                   const char *yes, bool *out, char **err)
{
    char *v = get(kf, group, key);
    bool ok = !v || strcmp(v, no) == 0 || strcmp(v, yes) == 0;

    *out = v && strcmp(v, yes) == 0;
    if (!ok)
        *err = g_strdup_printf("config [%s] %s: %s or %s", group, key, no, yes);
    g_free(v);
    return ok;
}

static int sender(struct print_setup *ps, GKeyFile *kf, const char *group, const char *dir,
                  char **err)
{
    struct sender_profile *s = g_new0(struct sender_profile, 1);
    const char *org = group + strlen("sender.");
    char *layout = get(kf, group, "layout"), *logo = get(kf, group, "logo");
    bool ok = choice(kf, group, "country_names", "norwegian", "english", &s->country_english,
                     err) &&
              choice(kf, group, "mark_zone_ink", "accept", "refuse", &s->refuse_mark_ink, err);

    s->name = get(kf, group, "name");
    s->layout = layout && strcmp(layout, "eco") == 0 ? LAYOUT_ECO : LAYOUT_NORMAL;
    s->c4 = !g_key_file_has_key(kf, group, "c4", NULL) ||
            g_key_file_get_boolean(kf, group, "c4", NULL);
    s->return_lines = lines(kf, group, "return_address");
    if (logo)
        s->logo = g_path_is_absolute(logo) ? g_strdup(logo) : g_build_filename(dir, logo, NULL);
    g_hash_table_insert(ps->senders, g_strdup(org), s);
    if (ok && ((layout && strcmp(layout, "eco") && strcmp(layout, "normal")) ||
               strlen(org) != 9 || (s->logo && !g_file_test(s->logo, G_FILE_TEST_IS_REGULAR)))) {
        *err = g_strdup_printf("config [%s]: needs a 9-digit organisation number, layout normal "
                               "or eco, and a readable logo file", group);
        ok = false;
    }
    g_free(layout);
    g_free(logo);
    return ok ? 0 : -1;
}

static int cutoff(GKeyFile *kf, struct print_setup *ps, char **err)
{
    char *v = get(kf, "render", "cutoff");
    unsigned h = 20, m = 0;
    char extra;

    if (v && (sscanf(v, "%u:%u%c", &h, &m, &extra) != 2 || h > 23 || m > 59)) {
        *err = g_strdup("config [render] cutoff: a time of day as HH:MM");
        g_free(v);
        return -1;
    }
    g_free(v);
    ps->cutoff_minutes = (int)(h * 60 + m);
    return 0;
}

static int ea(struct print_setup *ps, GKeyFile *kf, char **err)
{
    char *agr = get(kf, "ea", "agreement");

    if (agr && (strlen(agr) != 4 || strspn(agr, "0123456789") != 4)) {
        *err = g_strdup("config [ea] agreement: the 4-digit EA agreement number");
        g_free(agr);
        return -1;
    }
    g_strlcpy(ps->ea_agreement, agr ? agr : "", sizeof ps->ea_agreement);
    g_free(agr);
    ps->ea_return = lines(kf, "ea", "return_address");
    return integer(kf, "ea", "service_level", 2, 0, 3, &ps->ea_level, err);
}

static int files(struct print_setup *ps, GKeyFile *kf, char **err)
{
    char *stock = get(kf, "render", "stock"), *marks = get(kf, "render", "marks");
    char *c5 = g_strdup_printf("stock-c5-%s", stock ? stock : "window");
    char *c4 = g_strdup_printf("stock-c4-%s", stock ? stock : "window");
    char *mk = g_strdup_printf("marks-%s", marks ? marks : "datamatrix");
    const struct stock *stocks[2] = {&ps->c5, &ps->c4};
    int rc = layout_load(&ps->normal, "normal", err);

    if (rc == 0) rc = layout_load(&ps->eco, "eco", err);
    if (rc == 0) rc = layout_load(&ps->windowless, "windowless", err);
    if (rc == 0) rc = stock_load(&ps->c5, c5, err);
    if (rc == 0) rc = stock_load(&ps->c4, c4, err);
    if (rc == 0) rc = marks_load(&ps->marks, mk, err);
    if (rc == 0 && ps->c5.window != ps->c4.window) {
        *err = g_strdup("config [render] stock: C5 and C4 stock must both have a window or not");
        rc = -1;
    }
    /* everything the engine draws, against every window it can be printed for and the marks */
    if (rc == 0)
        rc = layout_geometry_check(&ps->normal, stocks, 2, &ps->marks, err) < 0 ||
             layout_geometry_check(&ps->eco, stocks, 2, &ps->marks, err) < 0 ||
             layout_geometry_check(&ps->windowless, stocks, 2, &ps->marks, err) < 0 ? -1 : 0;
    g_free(stock);
    g_free(marks);
    g_free(c5);
    g_free(c4);
    g_free(mk);
    return rc;
}

int print_setup_load(struct print_setup *ps, GKeyFile *kf, const char *dir, char **err)
{
    char **groups = g_key_file_get_groups(kf, NULL);
    int rc, i, w = 5, pack = 0;

    memset(ps, 0, sizeof *ps);
    ps->senders = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, profile_free);
    rc = files(ps, kf, err);
    if (rc == 0) rc = cutoff(kf, ps, err);
    if (rc == 0) rc = ea(ps, kf, err);
    if (rc == 0) rc = costs_setup_load(&ps->costs, kf, dir, err);
    if (rc == 0) rc = integer(kf, "render", "sheet_weight_g", 5, 1, 50, &w, err);
    if (rc == 0) rc = integer(kf, "render", "manual_packaging_g", 0, 0, 5000, &pack, err);
    if (rc == 0) rc = integer(kf, "render", "max_job_sheets", 5000, 1, 1000000,
                              &ps->max_job_sheets, err);
    if (rc == 0) rc = integer(kf, "render", "max_job_letters", 500, 1, 99999,
                              &ps->max_job_letters, err);
    if (rc == 0) rc = integer(kf, "render", "reprint_max_percent", 5, 0, 100,
                              &ps->reprint_max_percent, err);
    ps->sheet_weight_mg = w * 1000;
    ps->manual_packaging_mg = pack * 1000;
    for (i = 0; rc == 0 && groups[i]; i++)
        if (g_str_has_prefix(groups[i], "sender."))
            rc = sender(ps, kf, groups[i], dir, err);
    g_strfreev(groups);
    if (rc < 0)
        print_setup_free(ps);
    return rc;
}

void print_setup_free(struct print_setup *ps)
{
    layout_free(&ps->normal);
    layout_free(&ps->eco);
    layout_free(&ps->windowless);
    stock_free(&ps->c5);
    stock_free(&ps->c4);
    marks_free(&ps->marks);
    if (ps->senders)
        g_hash_table_destroy(ps->senders);
    g_strfreev(ps->ea_return);
    costs_setup_free(&ps->costs);
    memset(ps, 0, sizeof *ps);
}

const struct sender_profile *sender_profile_of(const struct print_setup *ps,
                                               const char *avsender)
{
    static const struct sender_profile normal = {LAYOUT_NORMAL, NULL, true, NULL, NULL, false,
                                                 false};
    char *org = text_orgnr_digits(avsender);
    const struct sender_profile *p = org ? g_hash_table_lookup(ps->senders, org) : NULL;

    g_free(org);
    return p ? p : &normal;
}

char *jobs_ea_code(const struct print_setup *ps, const char *piece_code)
{
    return g_strdup_printf("2%s%d0%s", ps->ea_agreement, ps->ea_level, piece_code);
}

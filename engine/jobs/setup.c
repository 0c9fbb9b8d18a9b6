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
#include "../util/conf.h"

static void profile_free(void *p)
{
    struct sender_profile *s = p;

    g_free(s->logo);
    g_free(s->name);
    g_strfreev(s->return_lines);
    g_free(s);
}

static int sender(struct print_setup *ps, struct conf *c, const char *group)
{
    struct sender_profile *s = g_new0(struct sender_profile, 1);
    const char *org = group + strlen("sender.");
    int layout = 0, english = 0, refuse = 0;
    int rc = conf_get_choice(c, group, "country_names", &english);

    rc |= conf_get_choice(c, group, "mark_zone_ink", &refuse);
    rc |= conf_get_choice(c, group, "layout", &layout);
    rc |= conf_get_bool(c, group, "c4", &s->c4);

    s->country_english = english == 1;
    s->refuse_mark_ink = refuse == 1;
    s->name = conf_get_string(c, group, "name");
    s->layout = layout == 1 ? LAYOUT_ECO : LAYOUT_NORMAL;
    s->return_lines = conf_lines(c, group, "return_address");
    s->logo = conf_get_string(c, group, "logo");
    g_hash_table_insert(ps->senders, g_strdup(org), s);
    if (rc == 0 && (strlen(org) != 9 ||
                    (s->logo && !g_file_test(s->logo, G_FILE_TEST_IS_REGULAR))))
        rc = conf_fail(c, group, NULL, "needs a 9-digit organisation number and a readable "
                       "logo file");
    return rc < 0 ? -1 : 0;
}

static int ea(struct print_setup *ps, struct conf *c)
{
    char *agr = conf_get_string(c, "ea", "agreement");

    if (agr && (strlen(agr) != 4 || strspn(agr, "0123456789") != 4)) {
        g_free(agr);
        return conf_fail(c, "ea", "agreement", "must be the 4-digit EA agreement number");
    }
    g_strlcpy(ps->ea_agreement, agr ? agr : "", sizeof ps->ea_agreement);
    g_free(agr);
    ps->ea_return = conf_lines(c, "ea", "return_address");
    return conf_get_int(c, "ea", "service_level", &ps->ea_level);
}

static int files(struct print_setup *ps, struct conf *cf, char **err)
{
    char *stock = conf_get_string(cf, "render", "stock");
    char *marks = conf_get_string(cf, "render", "marks");
    char *c5 = g_strdup_printf("stock-c5-%s", stock);
    char *c4 = g_strdup_printf("stock-c4-%s", stock);
    char *mk = g_strdup_printf("marks-%s", marks);
    const struct stock *stocks[2] = {&ps->c5, &ps->c4};
    int rc = layout_load(&ps->normal, "normal", err);

    if (rc == 0) rc = layout_load(&ps->eco, "eco", err);
    if (rc == 0) rc = layout_load(&ps->windowless, "windowless", err);
    if (rc == 0) rc = stock_load(&ps->c5, c5, err);
    if (rc == 0) rc = stock_load(&ps->c4, c4, err);
    if (rc == 0) rc = marks_load(&ps->marks, mk, err);
    if (rc == 0 && ps->c5.window != ps->c4.window)
        rc = conf_fail(cf, "render", "stock", "must be C5 and C4 stock that both have a window "
                       "or both not");
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

/* The [render] numbers, in the order they are checked. */
static int render_numbers(struct print_setup *ps, struct conf *c)
{
    int w = 5, pack = 0;
    int rc = conf_get_time(c, "render", "cutoff", &ps->cutoff_minutes) < 0 ||
                     conf_get_int(c, "render", "sheet_weight_g", &w) < 0 ||
                     conf_get_int(c, "render", "manual_packaging_g", &pack) < 0 ||
                     conf_get_int(c, "render", "max_job_sheets", &ps->max_job_sheets) < 0 ||
                     conf_get_int(c, "render", "max_job_letters", &ps->max_job_letters) < 0 ||
                     conf_get_int(c, "render", "reprint_max_percent",
                                  &ps->reprint_max_percent) < 0
                 ? -1
                 : 0;

    ps->sheet_weight_mg = w * 1000;
    ps->manual_packaging_mg = pack * 1000;
    return rc;
}

int print_setup_load(struct print_setup *ps, GKeyFile *kf, const char *dir, char **err)
{
    char **groups = g_key_file_get_groups(kf, NULL);
    struct conf c = {kf, NULL, dir, err};
    int rc, i;

    memset(ps, 0, sizeof *ps);
    ps->senders = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, profile_free);
    rc = files(ps, &c, err);
    if (rc == 0) rc = ea(ps, &c);
    if (rc == 0) rc = costs_setup_load(&ps->costs, kf, dir, err);
    if (rc == 0) rc = render_numbers(ps, &c);
    for (i = 0; rc == 0 && groups[i]; i++)
        if (g_str_has_prefix(groups[i], "sender."))
            rc = sender(ps, &c, groups[i]);
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

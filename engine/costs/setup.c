/* SPDX-License-Identifier: Apache-2.0 */
/*
 * setup.c - the [costs] group of trykk.conf: the dated tariff files and the MVA rate.
 *
 *   [costs]  tariffs (a directory; default the shipped layouts/tariffs), mva_percent (0-100)
 */
#include <stdlib.h>
#include <string.h>
#include "costs.h"
#include "../util/util.h"

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

int costs_setup_load(struct costs_setup *cs, GKeyFile *kf, const char *dir, char **err)
{
    char *t = get(kf, "costs", "tariffs");
    char *path = !t ? g_build_filename(data_dir(), "layouts", "tariffs", NULL)
                    : g_canonicalize_filename(t, dir);
    int mva = 25, rc = integer(kf, "costs", "mva_percent", 25, 0, 100, &mva, err);

    memset(cs, 0, sizeof *cs);
    cs->mva_bp = mva * 100;
    if (rc == 0)
        rc = tariff_set_load(&cs->tariffs, path, err);
    g_free(t);
    g_free(path);
    if (rc < 0)
        costs_setup_free(cs);
    return rc;
}

void costs_setup_free(struct costs_setup *cs)
{
    tariff_set_free(&cs->tariffs);
}

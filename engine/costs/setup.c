/* SPDX-License-Identifier: Apache-2.0 */
/*
 * setup.c - the [costs] group of trykk.conf: the dated tariff files and the MVA rate.
 *
 *   [costs]  tariffs (a directory; default the shipped layouts/tariffs), mva_percent (0-100)
 */
#include <string.h>
#include "costs.h"
#include "../util/conf.h"
#include "../util/util.h"

int costs_setup_load(struct costs_setup *cs, GKeyFile *kf, const char *dir, char **err)
{
    struct conf c = {kf, NULL, dir, err};
    char *t = conf_get_string(&c, "costs", "tariffs");
    char *path = t ? g_strdup(t) : g_build_filename(data_dir(), "layouts", "tariffs", NULL);
    int mva = 25, rc = conf_get_int(&c, "costs", "mva_percent", &mva);

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

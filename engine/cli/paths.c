/* SPDX-License-Identifier: Apache-2.0 */
/*
 * paths.c - the paths a configuration names, resolved against the configuration file's
 * directory (URIs such as pkcs11:… are kept as they are).
 *
 * Its own file so that the set-up (config.c) and the permission checks (perm.c), which
 * config.c runs, both use it without calling each other in a cycle.
 */
#include "cli.h"
#include "../util/conf.h"

char *config_path(struct config *c, const char *group, const char *key)
{
    struct conf r = {c->kf, NULL, c->dir, NULL};

    return conf_path(&r, group, key);
}

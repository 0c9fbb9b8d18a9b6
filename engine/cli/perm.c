/* SPDX-License-Identifier: Apache-2.0 */
/*
 * perm.c - who may read the secrets and who may change what we trust, checked at start.
 *
 * Anyone who can write the trust anchors can get forged letters accepted; anyone who can
 * read the decryption key can read every letter. So before the engine loads them:
 *
 *   - the decryption key, the previous key and the signing key are regular files owned by
 *     the effective user with no group or other bits (0600 or 0400);
 *   - the configuration file, the anchors directory and every file in it, the layouts
 *     directory and the tariffs directory (and the files in both) are owned by the user or
 *     root and not writable by group or others.
 *
 *   - the PKCS#11 PIN file ([pkcs11] pin_file) is checked like a key; the PKCS#11 module
 *     ([pkcs11] module) like a trusted file: it runs inside the engine.
 *
 * Keys given as URIs (pkcs11:…) are not files and are not checked. Paths are
 * followed through symlinks (a deployment may link its key): the target is what is checked.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h" /* render.h: layouts_dir */

static bool is_uri(const char *v)
{
    return strchr(v, ':') != NULL;
}

static int check_secret(const char *what, const char *path, char **err)
{
    struct stat st = {0};

    if (!path || is_uri(path))
        return 0;
    if (stat(path, &st) < 0) {
        *err = g_strdup_printf("config: %s %s: %s", what, path, g_strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        *err = g_strdup_printf("config: %s %s is not a regular file", what, path);
        return -1;
    }
    if (st.st_uid != geteuid()) {
        *err = g_strdup_printf("config: %s %s belongs to uid %u, not to the service user "
                               "(uid %u)", what, path, (unsigned)st.st_uid, (unsigned)geteuid());
        return -1;
    }
    if (st.st_mode & 077) {
        *err = g_strdup_printf("config: %s %s is open to group or others (mode %04o); chmod "
                               "600 it", what, path, (unsigned)(st.st_mode & 07777));
        return -1;
    }
    return 0;
}

/* Owned by us or root, and no group or other write bit. */
static int check_trusted(const char *what, const char *path, const struct stat *st, char **err)
{
    if (st->st_uid != geteuid() && st->st_uid != 0) {
        *err = g_strdup_printf("config: %s %s belongs to uid %u, neither the service user nor "
                               "root", what, path, (unsigned)st->st_uid);
        return -1;
    }
    if (st->st_mode & 022) {
        *err = g_strdup_printf("config: %s %s is writable by group or others (mode %04o); "
                               "chmod go-w it", what, path, (unsigned)(st->st_mode & 07777));
        return -1;
    }
    return 0;
}

static int check_trusted_path(const char *what, const char *path, char **err)
{
    struct stat st = {0};

    if (stat(path, &st) < 0) {
        *err = g_strdup_printf("config: %s %s: %s", what, path, g_strerror(errno));
        return -1;
    }
    return check_trusted(what, path, &st, err);
}

/* A directory and, one level down, everything in it. A missing directory is left to the
 * loader, which says what is missing in its own words. */
static int check_trusted_dir(const char *what, const char *dir, char **err)
{
    GDir *d;
    const char *name;
    int rc;

    if (!dir || is_uri(dir) || !g_file_test(dir, G_FILE_TEST_IS_DIR))
        return 0;
    if ((rc = check_trusted_path(what, dir, err)) < 0 || !(d = g_dir_open(dir, 0, NULL)))
        return rc;
    while (rc == 0 && (name = g_dir_read_name(d)) != NULL) {
        char *path = g_build_filename(dir, name, NULL);
        char *inside = g_strdup_printf("file in the %s", what);
        rc = check_trusted_path(inside, path, err);
        g_free(inside);
        g_free(path);
    }
    g_dir_close(d);
    return rc;
}

static int check_keys(struct config *c, char **err)
{
    static const char *const keys[][3] = {{"provider", "key", "decryption key"},
                                          {"provider", "previous_key", "previous decryption key"},
                                          {"provider", "sign_key", "signing key"},
                                          {"pkcs11", "pin_file", "PKCS#11 PIN file"}};
    char *module = config_path(c, "pkcs11", "module");
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < G_N_ELEMENTS(keys); i++) {
        char *path = config_path(c, keys[i][0], keys[i][1]);
        rc = check_secret(keys[i][2], path, err);
        g_free(path);
    }
    /* the module runs inside the engine: whoever can replace it holds every key */
    if (rc == 0 && module)
        rc = check_trusted_path("PKCS#11 module", module, err);
    g_free(module);
    return rc;
}

static char *tariffs_dir(struct config *c)
{
    char *t = config_path(c, "costs", "tariffs");

    return t ? t : g_build_filename(layouts_shipped_dir(), "tariffs", NULL);
}

int config_check_file(struct config *c, char **err)
{
    return c->file ? check_trusted_path("configuration file", c->file, err) : 0;
}

int config_check_permissions(struct config *c, char **err)
{
    char *anchors = config_path(c, "trust", "anchors"), *tariffs = tariffs_dir(c);
    int rc = config_check_file(c, err);

    if (rc == 0)
        rc = check_keys(c, err);
    if (rc == 0)
        rc = check_trusted_dir("anchors directory", anchors, err);
    if (rc == 0)
        rc = check_trusted_dir("layouts directory", layouts_dir(), err);
    if (rc == 0)
        rc = check_trusted_dir("tariffs directory", tariffs, err);
    g_free(anchors);
    g_free(tariffs);
    return rc;
}

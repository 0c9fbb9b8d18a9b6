/* SPDX-License-Identifier: Apache-2.0 */
/*
 * token.c - see token.h.
 */
#include <string.h>
#include <glib/gstdio.h>
#include "forge/forge.h"
#include "pkcs11/token.h"

int tok_run(const char *dir, const char *const *argv, const char *const *env, char **err)
{
    char **envp = g_get_environ(), *e = NULL;
    int status = -1;
    size_t i;

    for (i = 0; env && env[i]; i += 2)
        envp = g_environ_setenv(envp, env[i], env[i + 1], TRUE);
    g_assert_true(g_spawn_sync(dir, (char **)argv, envp,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                                   G_SPAWN_STDIN_FROM_DEV_NULL,
                               NULL, NULL, NULL, &e, &status, NULL));
    g_strfreev(envp);
    if (!g_spawn_check_wait_status(status, NULL))
        g_test_message("%s: %s", argv[0], e);
    if (err)
        *err = e;
    else
        g_free(e);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void tok_write_pin(const char *path, const char *pin)
{
    g_assert_true(g_file_set_contents(path, pin, -1, NULL));
    g_assert_cmpint(g_chmod(path, 0600), ==, 0);
}

void tok_nss_create(const char *dir, const char *pin)
{
    char *db = g_strdup_printf("sql:%s", dir), *pw = g_build_filename(dir, ".pw", NULL);
    const char *argv[] = {"certutil", "-N", "-d", db, "-f", pw, NULL};

    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    tok_write_pin(pw, pin);
    g_assert_cmpint(tok_run(dir, argv, NULL, NULL), ==, 0);
    g_free(db);
    g_free(pw);
}

void tok_nss_import(const char *dir, const char *pin, const char *label, EVP_PKEY *key,
                    X509 *cert)
{
    char *db = g_strdup_printf("sql:%s", dir), *pw = g_build_filename(dir, ".pw", NULL);
    char *kp = g_build_filename(dir, ".key.pem", NULL), *cp = g_build_filename(dir, ".cert.pem", NULL);
    char *p12 = g_build_filename(dir, ".import.p12", NULL);
    const char *export[] = {"openssl", "pkcs12", "-export", "-inkey", kp, "-in", cp, "-name", label,
                            "-out", p12, "-passout", "pass:import", NULL};
    const char *import[] = {"pk12util", "-i", p12, "-d", db, "-k", pw, "-W", "import", NULL};

    tok_write_pin(pw, pin);
    g_assert_cmpint(forge_write_key(kp, key), ==, 0);
    g_assert_cmpint(forge_write_cert(cp, cert), ==, 0);
    g_assert_cmpint(tok_run(dir, export, NULL, NULL), ==, 0);
    g_assert_cmpint(tok_run(dir, import, NULL, NULL), ==, 0);
    /* the key now lives in the token only */
    g_unlink(kp);
    g_unlink(p12);
    g_unlink(cp);
    g_free(db);
    g_free(pw);
    g_free(kp);
    g_free(cp);
    g_free(p12);
}

char *tok_nss_config(const char *dir, const char *pin_file)
{
    return g_strdup_printf("[pkcs11]\nmodule=" SOFTOKN_MODULE "\nparameters=configdir='sql:%s' "
                           "certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly\n"
                           "pin_file=%s\n", dir, pin_file);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * common.c - see fuzz.h. Shared by the libFuzzer builds and the replay builds.
 */
#include <stdio.h>
#include <stdlib.h>
#include "fuzz.h"
#include "util/util.h"

/* Any fixed instant: no parser reads the clock today, and none may make a run differ. */
#define FUZZ_NOW "2026-01-15T12:00:00+01:00"

static unsigned long ok_count;

/* A GLib critical is a broken precondition in the engine: abort, which libFuzzer and the
 * replay report as a crash (GLib's own fatal path raises SIGTRAP, which they do not catch). */
static void on_glib_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer u)
{
    fprintf(stderr, "fuzz: %s: %s\n", domain ? domain : "glib", msg);
    if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR | G_LOG_FLAG_FATAL))
        abort();
}

void fuzz_setup(void)
{
    g_log_set_default_handler(on_glib_log, NULL);
    setenv("TRYKK_NOW", FUZZ_NOW, 1);
    log_set_level(LOG_ERROR);
    if (crypto_init() < 0) {
        fprintf(stderr, "fuzz: crypto_init failed\n");
        abort();
    }
}

static char *key_path(const char *name)
{
    return g_build_filename(FUZZ_KEYS_DIR, name, NULL);
}

X509 *fuzz_cert(const char *name)
{
    char *path = key_path(name), *err = NULL;
    X509 *cert = NULL;

    if (cert_load(&cert, path, &err) < 0) {
        fprintf(stderr, "fuzz: %s: %s (run make_seeds, see README \"Fuzzing\")\n", path,
                err ? err : "unreadable");
        abort();
    }
    g_free(path);
    return cert;
}

EVP_PKEY *fuzz_key(const char *name)
{
    char *path = key_path(name), *err = NULL;
    EVP_PKEY *key = NULL;

    if (key_load(&key, path, &err) < 0) {
        fprintf(stderr, "fuzz: %s: %s (run make_seeds, see README \"Fuzzing\")\n", path,
                err ? err : "unreadable");
        abort();
    }
    g_free(path);
    return key;
}

void fuzz_note_ok(void)
{
    ok_count++;
}

unsigned long fuzz_ok_count(void)
{
    return ok_count;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_init.c - trykk init [--orgnr N] [--key K] [--cert C] [--anchors DIR]
 *
 * Creates the spool directories (0700) and the database, and writes a commented
 * configuration file (the --config path, or ./trykk.conf) unless one exists.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static int write_config(struct config *c, const char *path, char *orgnr, char *key, char *cert,
                        char *anchors)
{
    char *text = config_text(orgnr ? orgnr : "", key ? key : "", cert ? cert : "",
                             anchors ? anchors : "", c->spool_root);
    char *dir = g_path_get_dirname(path), *name = g_path_get_basename(path);
    int rc = fsio_publish(dir, name, text, strlen(text), FSIO_NOREPLACE);

    if (rc == 0)
        printf("wrote configuration %s%s\n", path, orgnr && key && cert && anchors ? "" :
               " (fill in [provider] and [trust] before `trykk run`)");
    else
        fprintf(stderr, "trykk: cannot write %s: %s\n", path, g_strerror(-rc));
    g_free(text);
    g_free(dir);
    g_free(name);
    return rc;
}

static const struct cli_usage init_usage = {
    "init", "[--orgnr N] [--key K] [--cert C] [--anchors DIR]",
    "Create the spool (0700), the database and a commented trykk.conf.", NULL};

int cmd_init(struct config *c, int argc, char **argv)
{
    char *orgnr = NULL, *key = NULL, *cert = NULL, *anchors = NULL, *err = NULL, *db;
    GOptionEntry entries[] = {
        {"orgnr", 0, 0, G_OPTION_ARG_STRING, &orgnr, "our organisation number", "N"},
        {"key", 0, 0, G_OPTION_ARG_STRING, &key, "decryption key (path or URI)", "KEY"},
        {"cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "our certificate", "CERT"},
        {"anchors", 0, 0, G_OPTION_ARG_FILENAME, &anchors, "trust anchor directory", "DIR"},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&init_usage, entries);
    struct spool s = {0};
    struct ledger *l = NULL;
    int rc = EXIT_USAGE;

    if (!cli_parse(ctx, &argc, &argv) || argc > 1) {
        cli_usage_error(&init_usage);
    } else if (spool_open(&s, c->spool_root, true, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
    } else {
        db = spool_db_path(&s);
        if (ledger_open(&l, db, &err) < 0)
            fprintf(stderr, "trykk: %s\n", err);
        else {
            printf("spool %s ready (database %s)\n", s.root, db);
            rc = 0;
            if (!c->file) {
                char *path = g_canonicalize_filename("trykk.conf", NULL);
                rc = write_config(c, path, orgnr, key, cert, anchors) < 0 ? EXIT_USAGE : 0;
                g_free(path);
            }
        }
        ledger_close(l);
        g_free(db);
        spool_close(&s);
    }
    g_free(orgnr);
    g_free(key);
    g_free(cert);
    g_free(anchors);
    g_free(err);
    g_option_context_free(ctx);
    return rc;
}

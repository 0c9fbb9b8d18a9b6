/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fixture.c - see fixture.h.
 */
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include "fixture.h"
#include "crypto/crypto.h"
#include "util/util.h"

static void party(struct forge_party *p, const char *cn, const char *orgnr, struct forge_party *ca,
                  gint64 from, gint64 to)
{
    p->key = forge_rsa(2048);
    p->cert = forge_cert(cn, orgnr, p->key, ca ? ca->key : NULL, ca ? ca->cert : NULL, from, to,
                         ca == NULL);
}

static void write_config(struct fixture *f, const char *extra)
{
    char *text = g_strdup_printf(
        "[provider]\norgnr=" FX_PROVIDER "\nkey=keys/provider-key.pem\ncert=keys/provider-cert.pem\n"
        "[trust]\nanchors=anchors\ncheck_time=now\nmax_skew_days=7\n[spool]\nroot=spool\n"
        "[limits]\nmax_package_mib=4\n%s\n", extra ? extra : "");

    f->conf = g_build_filename(f->root, "trykk.conf", NULL);
    g_assert_true(g_file_set_contents(f->conf, text, -1, NULL));
    g_chmod(f->conf, 0600);
    g_free(text);
}

void fx_init(struct fixture *f, const char *extra_config)
{
    GDateTime *now = time_now();
    gint64 t = g_date_time_to_unix(now), y = 365 * 24 * 3600;
    char *keys, *anchors, *path;
    struct forge_party other_ca = {0};
    const char *init[] = {"init", NULL};

    memset(f, 0, sizeof *f);
    g_assert_cmpint(crypto_init(), ==, 0);
    f->root = g_dir_make_tmp("trykk-test-XXXXXX", NULL);
    g_assert_nonnull(f->root);
    f->spool = g_build_filename(f->root, "spool", NULL);
    party(&f->ca, "Test CA", NULL, NULL, t - y, t + 10 * y);
    party(&f->sender, "Test kommune", FX_SENDER, &f->ca, t - y, t + y);
    party(&f->other_org, "Test etat", FX_OTHER, &f->ca, t - y, t + y);
    party(&f->expired, "Test kommune (old)", FX_SENDER, &f->ca, t - 3 * y, t - y);
    party(&f->provider, "Test print provider", FX_PROVIDER, &f->ca, t - y, t + y);
    party(&f->stranger, "Another provider", "987654321", &f->ca, t - y, t + y);
    party(&other_ca, "Unknown CA", NULL, NULL, t - y, t + y);
    party(&f->untrusted, "Test kommune (forged)", FX_SENDER, &other_ca, t - y, t + y);
    forge_party_free(&other_ca);
    keys = g_build_filename(f->root, "keys", NULL);
    anchors = g_build_filename(f->root, "anchors", NULL);
    g_mkdir(keys, 0700);
    g_mkdir(anchors, 0700);
    path = g_build_filename(keys, "provider-key.pem", NULL);
    g_assert_cmpint(forge_write_key(path, f->provider.key), ==, 0);
    g_free(path);
    path = g_build_filename(keys, "provider-cert.pem", NULL);
    g_assert_cmpint(forge_write_cert(path, f->provider.cert), ==, 0);
    g_free(path);
    path = g_build_filename(anchors, "ca.pem", NULL);
    g_assert_cmpint(forge_write_cert(path, f->ca.cert), ==, 0);
    g_free(path);
    g_free(keys);
    g_free(anchors);
    write_config(f, extra_config);
    g_assert_cmpint(fx_trykk(f, NULL, init, NULL), ==, 0);
    g_date_time_unref(now);
}

void fx_digdir_root(struct fixture *f, const char *tmpl)
{
    char *anchor, *pem;

    memset(f, 0, sizeof *f);
    f->root = g_dir_make_tmp(tmpl, NULL);
    g_assert_nonnull(f->root);
    f->spool = g_build_filename(f->root, "spool", NULL);
    f->conf = g_build_filename(f->root, "trykk.conf", NULL);
    anchor = g_build_filename(f->root, "anchors", NULL);
    g_mkdir(anchor, 0700);
    g_free(anchor);
    anchor = g_build_filename(f->root, "anchors", "pinned-signer.pem", NULL);
    pem = fx_read(FX_DIGDIR_SAMPLE "avsender-signer-cert.pem");
    g_assert_true(g_file_set_contents(anchor, pem, -1, NULL));
    g_free(pem);
    g_free(anchor);
}

static void rm_tree(const char *path)
{
    GDir *d = g_dir_open(path, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        char *p = g_build_filename(path, n, NULL);
        if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
            rm_tree(p);
        else
            g_unlink(p);
        g_free(p);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(path);
}

void fx_free(struct fixture *f)
{
    if (!g_getenv("TRYKK_KEEP_TEST_ROOT"))
        rm_tree(f->root);
    forge_party_free(&f->ca);
    forge_party_free(&f->sender);
    forge_party_free(&f->other_org);
    forge_party_free(&f->untrusted);
    forge_party_free(&f->expired);
    forge_party_free(&f->provider);
    forge_party_free(&f->stranger);
    g_free(f->root);
    g_free(f->spool);
    g_free(f->conf);
}

void fx_letter(struct fixture *f, struct forge_letter *l)
{
    memset(l, 0, sizeof *l);
    l->signer = &f->sender;
    l->provider_cert = f->provider.cert;
    l->sender_orgnr = FX_SENDER;
    l->receiver_orgnr = FX_PROVIDER;
    l->pdf.pages = 2;
    l->pdf.body = "Vedtak";
}

void fx_drop(struct fixture *f, const char *name, char kind, const char *jwt,
             const struct bytes *cms)
{
    g_assert_cmpint(forge_drop(f->spool, name, kind, jwt, cms), ==, 0);
}

void fx_drop_letter(struct fixture *f, const char *name, char kind, const struct forge_letter *l)
{
    char *jwt = NULL;
    struct bytes cms;

    g_assert_cmpint(forge_letter_build(l, &jwt, &cms), ==, 0);
    fx_drop(f, name, kind, jwt, &cms);
    g_free(jwt);
    bytes_free(&cms);
}

int fx_trykk(struct fixture *f, char **err_out, const char *const *args, const char *const *env)
{
    return fx_trykk_out(f, NULL, err_out, args, env);
}

int fx_trykk_out(struct fixture *f, char **out_out, char **err_out, const char *const *args,
                 const char *const *env)
{
    GPtrArray *argv = g_ptr_array_new();
    char **envp = g_get_environ();
    char *out = NULL, *err = NULL;
    int status = -1;
    size_t i;

    g_ptr_array_add(argv, (gpointer)TRYKK_BIN);
    g_ptr_array_add(argv, (gpointer)"--config");
    g_ptr_array_add(argv, f->conf);
    for (i = 0; args[i]; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    for (i = 0; env && env[i]; i += 2)
        envp = g_environ_setenv(envp, env[i], env[i + 1], TRUE);
    /* stdin is never a terminal, so a command that asks for confirmation refuses instead */
    g_assert_true(g_spawn_sync(f->root, (char **)argv->pdata, envp, G_SPAWN_STDIN_FROM_DEV_NULL,
                               NULL, NULL, &out, &err, &status, NULL));
    g_ptr_array_free(argv, TRUE);
    g_strfreev(envp);
    if (out_out)
        *out_out = out;
    else
        g_free(out);
    if (err_out)
        *err_out = err;
    else
        g_free(err);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

json_t *fx_letter_by_entry(struct fixture *f, const char *entry_name)
{
    char *db = g_build_filename(f->spool, "ledger", "trykk.db", NULL), *err = NULL;
    struct ledger *l;
    GPtrArray *states[8];
    const char *names[] = {"ACCEPTED", "FAILED", "QUARANTINED", "DEFERRED", "HELD", "PLANNED",
                           "PRINTED", "INSERTED"};
    json_t *found = NULL;
    guint i, k;

    g_assert_cmpint(ledger_open(&l, db, &err), ==, 0);
    for (k = 0; k < G_N_ELEMENTS(names); k++) {
        states[k] = ledger_ids_in_state(l, names[k]);
        for (i = 0; i < states[k]->len && !found; i++) {
            json_t *o = ledger_letter(l, states[k]->pdata[i]);
            const char *e = json_string_value(json_object_get(o, "entry_name"));
            if (e && strcmp(e, entry_name) == 0)
                found = o;
            else
                json_decref(o);
        }
        g_ptr_array_free(states[k], TRUE);
    }
    ledger_close(l);
    g_free(db);
    return found;
}

/* What intake decided: the later states of an accepted letter count as ACCEPTED. */
const char *fx_intake_state(json_t *letter)
{
    const char *s = json_string_value(json_object_get(letter, "state"));

    if (s && (!strcmp(s, "PLANNED") || !strcmp(s, "PRINTED") || !strcmp(s, "INSERTED")))
        return "ACCEPTED";
    return s;
}

char *fx_read(const char *path)
{
    char *s = NULL;

    g_file_get_contents(path, &s, NULL, NULL);
    return s;
}

GPtrArray *fx_outbox(struct fixture *f, const char *suffix)
{
    char *dir = g_build_filename(f->spool, "outbox", NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    const char *n;

    while (d && (n = g_dir_read_name(d)))
        if (g_str_has_suffix(n, suffix))
            g_ptr_array_add(files, g_build_filename(dir, n, NULL));
    if (d)
        g_dir_close(d);
    g_free(dir);
    g_ptr_array_sort(files, (GCompareFunc)g_strcmp0);
    return files;
}

bool fx_receipts_valid(GPtrArray *files)
{
    GPtrArray *argv = g_ptr_array_new();
    char *err = NULL;
    int status = -1;
    guint i;

    if (files->len == 0)
        return true;
    g_ptr_array_add(argv, (gpointer)"node");
    g_ptr_array_add(argv, (gpointer)TRYKK_SOURCE_DIR "/tests/tools/validate-receipt.js");
    g_ptr_array_add(argv, (gpointer)TRYKK_SHARED_DIR "/conformance/schemas");
    for (i = 0; i < files->len; i++)
        g_ptr_array_add(argv, files->pdata[i]);
    g_ptr_array_add(argv, NULL);
    g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH |
                               G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, NULL));
    if (status != 0)
        g_printerr("%s", err);
    g_free(err);
    g_ptr_array_free(argv, TRUE);
    return g_spawn_check_wait_status(status, NULL);
}

static void walk(const char *dir, void (*fn)(const char *, const struct stat *, void *), void *ctx)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, n, NULL);
        struct stat st;
        if (lstat(p, &st) == 0) {
            fn(p, &st, ctx);
            if (S_ISDIR(st.st_mode))
                walk(p, fn, ctx);
        }
        g_free(p);
    }
    if (d)
        g_dir_close(d);
}

struct grep {
    const void *needle;
    size_t len;
    GPtrArray *hits;
};

static void grep_one(const char *path, const struct stat *st, void *ctx)
{
    struct grep *g = ctx;
    char *data = NULL;
    gsize n = 0;

    if (!S_ISREG(st->st_mode) || !g_file_get_contents(path, &data, &n, NULL))
        return;
    if (memmem(data, n, g->needle, g->len))
        g_ptr_array_add(g->hits, g_strdup(path));
    g_free(data);
}

GPtrArray *fx_grep_tree(const char *dir, const void *needle, size_t len)
{
    struct grep g = {needle, len, g_ptr_array_new_with_free_func(g_free)};

    walk(dir, grep_one, &g);
    return g.hits;
}

static void mode_one(const char *path, const struct stat *st, void *ctx)
{
    mode_t want = S_ISDIR(st->st_mode) ? 0700 : 0600;

    if ((st->st_mode & 07777) != want && !g_str_has_suffix(path, "run.lock"))
        g_ptr_array_add(ctx, g_strdup_printf("%s (%04o)", path, (unsigned)(st->st_mode & 07777)));
}

GPtrArray *fx_bad_modes(const char *dir)
{
    GPtrArray *bad = g_ptr_array_new_with_free_func(g_free);

    walk(dir, mode_one, bad);
    return bad;
}

const char *fx_place_of(struct fixture *f, const char *id)
{
    static const char *const terminal[] = {"accepted", "failed", "quarantine", "hold", "deferred"};
    const char *found = NULL;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(terminal); i++) {
        char *p = g_build_filename(f->spool, terminal[i], id, NULL);
        if (g_file_test(p, G_FILE_TEST_EXISTS)) {
            g_assert_null(found);
            found = terminal[i];
        }
        g_free(p);
    }
    return found;
}

int fx_count_dir(struct fixture *f, const char *dir)
{
    char *p = g_build_filename(f->spool, dir, NULL);
    GDir *d = g_dir_open(p, 0, NULL);
    int n = 0;

    while (d && g_dir_read_name(d))
        n++;
    if (d)
        g_dir_close(d);
    g_free(p);
    return n;
}

char *fx_sql_str(const char *spool, const char *sql)
{
    char *path = g_build_filename(spool, "ledger", "trykk.db", NULL), *v = NULL;
    sqlite3 *db;
    sqlite3_stmt *st;

    g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    g_free(path);
    return v;
}

long long fx_sql_int(const char *spool, const char *sql)
{
    char *v = fx_sql_str(spool, sql);
    long long n = v ? g_ascii_strtoll(v, NULL, 10) : -1;

    g_free(v);
    return n;
}

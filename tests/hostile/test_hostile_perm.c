/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_hostile_perm.c - permissions of secrets and trust, carrier caps, CMS ciphers, a key
 * rollover (both keys decoded once per engine), XAdES wrapping, spool lock errors and a job
 * whose stock changed while it was closing.
 *
 * Every fixture is generated here (fixture.h); entries are dropped like a broker drops them
 * and the real trykk binary runs over them.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include "common/fixture.h"
#include "crypto/crypto.h"
#include "ledger/ledger_internal.h"
#include "util/util.h"

static const char *const run[] = {"run", NULL};

/* The letter of a broker entry in its state with its reason and place; returns its id. */
static char *expect(struct fixture *f, const char *entry, const char *state, const char *reason,
                    const char *place)
{
    json_t *l = fx_letter_by_entry(f, entry);
    char *id;

    g_assert_nonnull(l);
    id = g_strdup(json_string_value(json_object_get(l, "id")));
    g_test_message("%s: %s %s", entry, fx_intake_state(l),
                   json_string_value(json_object_get(l, "detail")));
    g_assert_cmpstr(fx_intake_state(l), ==, state);
    g_assert_cmpstr(json_string_value(json_object_get(l, "reason")), ==, reason);
    g_assert_cmpstr(fx_place_of(f, id), ==, place);
    json_decref(l);
    return id;
}

static void expect_free(struct fixture *f, const char *entry, const char *state,
                        const char *reason, const char *place)
{
    g_free(expect(f, entry, state, reason, place));
}

/* Write bytes under tmp/ and rename into incoming/, as a broker hands a carrier (a) over. */
static void drop_raw(struct fixture *f, const char *name, const void *data, size_t len,
                     off_t sparse)
{
    char *tmp = g_build_filename(f->spool, "tmp", name, NULL);
    char *in = g_build_filename(f->spool, "incoming", name, NULL);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);

    g_assert_cmpint(fd, >=, 0);
    if (len)
        g_assert_cmpint(write(fd, data, len), ==, (ssize_t)len);
    if (sparse)
        g_assert_cmpint(ftruncate(fd, sparse), ==, 0);
    close(fd);
    g_assert_cmpint(rename(tmp, in), ==, 0);
    g_free(tmp);
    g_free(in);
}

/* ---- permissions at start ------------------------------------------------------------- */

static void drop_good(struct fixture *f, const char *name)
{
    struct forge_letter l;

    fx_letter(f, &l);
    fx_drop_letter(f, name, 'b', &l);
}

/* Configuration refused with exit 2 naming path and mode; the letter waiting is untouched. */
static void check_refused(struct fixture *f, const char *path, const char *mode,
                          const char *const *env)
{
    char *err = NULL, *in = g_build_filename(f->spool, "incoming", "waiting", NULL);

    drop_good(f, "waiting");
    g_assert_cmpint(fx_trykk(f, &err, run, env), ==, 2);
    g_test_message("%s", err);
    g_assert_nonnull(strstr(err, path));
    g_assert_nonnull(strstr(err, mode));
    g_assert_true(g_file_test(in, G_FILE_TEST_IS_DIR));
    g_assert_cmpint(fx_count_dir(f, "active"), ==, 0);
    g_assert_cmpint(fx_count_dir(f, "accepted"), ==, 0);
    g_free(err);
    g_free(in);
}

static void test_key_world_readable(void)
{
    struct fixture f;
    char *key;

    fx_init(&f, NULL);
    key = g_build_filename(f.root, "keys", "provider-key.pem", NULL);
    g_assert_cmpint(g_chmod(key, 0644), ==, 0);
    check_refused(&f, key, "0644", NULL);
    g_free(key);
    fx_free(&f);
}

static void test_anchors_dir_writable(void)
{
    struct fixture f;
    char *dir;

    fx_init(&f, NULL);
    dir = g_build_filename(f.root, "anchors", NULL);
    g_assert_cmpint(g_chmod(dir, 0777), ==, 0);
    check_refused(&f, dir, "0777", NULL);
    g_chmod(dir, 0700);
    g_free(dir);
    fx_free(&f);
}

static void test_anchor_file_writable(void)
{
    struct fixture f;
    char *file;

    fx_init(&f, NULL);
    file = g_build_filename(f.root, "anchors", "ca.pem", NULL);
    g_assert_cmpint(g_chmod(file, 0666), ==, 0);
    check_refused(&f, file, "0666", NULL);
    g_free(file);
    fx_free(&f);
}

static void test_config_writable(void)
{
    struct fixture f;

    fx_init(&f, NULL);
    g_assert_cmpint(g_chmod(f.conf, 0666), ==, 0);
    check_refused(&f, f.conf, "0666", NULL);
    fx_free(&f);
}

static void test_layouts_writable(void)
{
    struct fixture f;
    char *dir;

    fx_init(&f, NULL);
    dir = g_build_filename(f.root, "layouts", NULL);
    g_assert_cmpint(g_mkdir(dir, 0700), ==, 0);
    g_assert_cmpint(g_chmod(dir, 0757), ==, 0);
    {
        const char *env[] = {"TRYKK_LAYOUTS_DIR", dir, NULL};
        check_refused(&f, dir, "0757", env);
    }
    g_rmdir(dir);
    g_free(dir);
    fx_free(&f);
}

/* A broker's 0644 entry is the service user's alone once claimed. */
static void test_claimed_modes(void)
{
    struct fixture f;
    struct forge_letter l;
    struct stat st;
    char *id, *p, *q;
    char *jwt = NULL;
    struct bytes cms;

    fx_init(&f, NULL);
    fx_letter(&f, &l);
    g_assert_cmpint(forge_letter_build(&l, &jwt, &cms), ==, 0);
    fx_drop(&f, "dir", 'b', jwt, &cms);
    fx_drop(&f, "file", 'a', jwt, &cms);
    p = g_build_filename(f.spool, "incoming", "dir", NULL);
    g_chmod(p, 0755);
    q = g_build_filename(p, "dokumentpakke.cms", NULL);
    g_chmod(q, 0644);
    g_free(q);
    g_free(p);
    p = g_build_filename(f.spool, "incoming", "file", NULL);
    g_chmod(p, 0644);
    g_free(p);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1); /* the second is a duplicate id */
    id = expect(&f, "dir", "ACCEPTED", NULL, "accepted");
    p = g_build_filename(f.spool, "accepted", id, NULL);
    g_assert_cmpint(lstat(p, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0700);
    q = g_build_filename(p, "dokumentpakke.cms", NULL);
    g_assert_cmpint(lstat(q, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0600);
    g_free(q);
    g_free(p);
    g_free(id);
    {
        json_t *o = fx_letter_by_entry(&f, "file");
        g_assert_nonnull(o);
        id = g_strdup(json_string_value(json_object_get(o, "id")));
        json_decref(o);
    }
    p = g_build_filename(f.spool, fx_place_of(&f, id), id, NULL);
    g_assert_cmpint(lstat(p, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0600);
    g_free(p);
    g_free(id);
    g_free(jwt);
    bytes_free(&cms);
    fx_free(&f);
}

/* ---- carrier caps -------------------------------------------------------------------- */

static long children_maxrss_mib(void)
{
    struct rusage ru;

    getrusage(RUSAGE_CHILDREN, &ru);
    return ru.ru_maxrss / 1024;
}

/* 135 MB on disk (sparse): refused by its size, never read. Runs first: the peak RSS of the
 * children is this run's alone. The default 50 MiB package cap puts (a) at 4/3 × 50 MiB +
 * 64 KiB = 69,970,604 bytes. */
static void test_sparse_carrier(void)
{
    struct fixture f;

    fx_init(&f, "max_package_mib=50");
    drop_raw(&f, "huge", "<", 1, 135000000);
    drop_good(&f, "good");
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    expect_free(&f, "huge", "QUARANTINED", "carrier-too-large", "quarantine");
    expect_free(&f, "good", "ACCEPTED", NULL, "accepted");
    g_test_message("peak RSS of trykk and its children: %ld MiB", children_maxrss_mib());
    g_assert_cmpint(children_maxrss_mib(), <, 128);
    fx_free(&f);
}

/* With the fixture's 4 MiB cap: 4/3 × 4 MiB + 64 KiB = 5,657,944 bytes; one more is refused. */
static void test_carrier_a_cap(void)
{
    struct fixture f;
    size_t cap = (((size_t)4 << 20) + 2) / 3 * 4 + (64 << 10);
    char *big = g_malloc(cap + 1);

    fx_init(&f, NULL);
    memset(big, ' ', cap + 1);
    memcpy(big, "<a>", 3);
    memcpy(big + cap + 1 - 4, "</a>", 4);
    drop_raw(&f, "over", big, cap + 1, 0);
    drop_good(&f, "good");
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    expect_free(&f, "over", "QUARANTINED", "carrier-too-large", "quarantine");
    expect_free(&f, "good", "ACCEPTED", NULL, "accepted");
    g_free(big);
    fx_free(&f);
}

/* A newline after the JWT: the same in (a) and (b) (the whitespace rule: stripped). */
static void test_jwt_newline(void)
{
    struct fixture f;
    struct forge_letter l;
    char *jwt = NULL, *nl;
    struct bytes cms;
    int k;

    fx_init(&f, NULL);
    for (k = 0; k < 2; k++) {
        fx_letter(&f, &l);
        g_assert_cmpint(forge_letter_build(&l, &jwt, &cms), ==, 0);
        nl = g_strconcat(jwt, "\n", NULL);
        fx_drop(&f, k ? "dir" : "xml", k ? 'b' : 'a', nl, &cms);
        g_free(nl);
        g_free(jwt);
        bytes_free(&cms);
    }
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 0);
    expect_free(&f, "xml", "ACCEPTED", NULL, "accepted");
    expect_free(&f, "dir", "ACCEPTED", NULL, "accepted");
    fx_free(&f);
}

/* Carrier (a) is parsed without XML_PARSE_HUGE. A large package in one text node still
 * parses (libxml2 hands a memory buffer's text over in one piece); a text node that
 * libxml2 does build piece by piece past its 10,000,000-byte cap (here split by character
 * references) is refused as too large instead of being read truncated. */
static void test_carrier_a_parser_cap(void)
{
    struct fixture f;
    struct forge_letter l;
    GString *x = g_string_new("<a>");
    int i;

    fx_init(&f, "max_package_mib=50");
    fx_letter(&f, &l);
    l.pad_bytes = 8u << 20;
    fx_drop_letter(&f, "large-xml", 'a', &l);
    for (i = 0; i < 11; i++) {
        while (x->len < (gsize)(i + 1) * 1000000)
            g_string_append(x, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        g_string_append(x, "&#10;");
    }
    g_string_append(x, "</a>");
    drop_raw(&f, "split-text", x->str, x->len, 0);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    expect_free(&f, "large-xml", "ACCEPTED", NULL, "accepted");
    expect_free(&f, "split-text", "QUARANTINED", "carrier-too-large", "quarantine");
    g_string_free(x, TRUE);
    fx_free(&f);
}

/* A message signed over the given package bytes. */
static void drop_with_package(struct fixture *f, const char *name, const struct bytes *cms)
{
    struct forge_letter l;
    json_t *msg;
    char *jwt;

    fx_letter(f, &l);
    msg = forge_message_json(&l, cms);
    jwt = forge_sign_message(msg, l.signer, NULL);
    fx_drop(f, name, 'b', jwt, cms);
    json_decref(msg);
    g_free(jwt);
}

static void test_package_empty(void)
{
    struct fixture f;
    struct bytes none = {NULL, 0}, empty_zip = {(unsigned char *)"", 0}, cms;

    fx_init(&f, NULL);
    drop_with_package(&f, "empty-file", &none);
    g_assert_cmpint(forge_encrypt(&empty_zip, f.provider.cert, &cms), ==, 0);
    drop_with_package(&f, "empty-plain", &cms);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    expect_free(&f, "empty-file", "FAILED", "package-empty", "failed");
    expect_free(&f, "empty-plain", "FAILED", "package-empty", "failed");
    bytes_free(&cms);
    fx_free(&f);
}

/* ---- CMS and XAdES ------------------------------------------------------------------- */

static void test_weak_ciphers(void)
{
    struct fixture f;
    struct forge_letter l;

    fx_init(&f, NULL);
    fx_letter(&f, &l);
    l.cipher = "DES-EDE3-CBC";
    fx_drop_letter(&f, "3des", 'b', &l);
    l.cipher = "AES-128-CBC";
    fx_drop_letter(&f, "aes128", 'b', &l);
    l.cipher = NULL;
    fx_drop_letter(&f, "aes256", 'b', &l);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    expect_free(&f, "3des", "FAILED", "cms-cipher", "failed");
    expect_free(&f, "aes128", "FAILED", "cms-cipher", "failed");
    expect_free(&f, "aes256", "ACCEPTED", NULL, "accepted");
    fx_free(&f);
}

/* A key rollover with key files: the engine decodes both keys once, before the children are
 * forked, and every child still decrypts with either; letters to the current and to the
 * previous key alternate in one run, and one to a key not configured fails alone. */
static void test_previous_key(void)
{
    struct fixture f;
    struct forge_letter l;
    char *key, *cert, name[16];
    int i;

    fx_init(&f, "[provider]\nprevious_key=keys/previous-key.pem\n"
                "previous_cert=keys/previous-cert.pem\n");
    key = g_build_filename(f.root, "keys", "previous-key.pem", NULL);
    cert = g_build_filename(f.root, "keys", "previous-cert.pem", NULL);
    g_assert_cmpint(forge_write_key(key, f.stranger.key), ==, 0);
    g_assert_cmpint(forge_write_cert(cert, f.stranger.cert), ==, 0);
    fx_letter(&f, &l);
    for (i = 0; i < 6; i++) {
        g_snprintf(name, sizeof name, "letter-%d", i);
        l.provider_cert = i % 2 ? f.stranger.cert : f.provider.cert;
        fx_drop_letter(&f, name, 'b', &l);
    }
    l.provider_cert = f.untrusted.cert;
    fx_drop_letter(&f, "other-key", 'b', &l);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    for (i = 0; i < 6; i++) {
        g_snprintf(name, sizeof name, "letter-%d", i);
        expect_free(&f, name, "ACCEPTED", NULL, "accepted");
    }
    expect_free(&f, "other-key", "FAILED", "cms-no-recipient", "failed");
    g_free(key);
    g_free(cert);
    fx_free(&f);
}

/* The signed SignedProperties hidden under a namespaced w:Id, a decoy where the policy
 * looks: refused, because a reference resolves to plain Id attributes only. */
static void test_xades_nsid_wrapping(void)
{
    struct fixture f;
    struct forge_letter l;

    fx_init(&f, NULL);
    fx_letter(&f, &l);
    l.xades_flags = XADES_WRAP_NSID;
    fx_drop_letter(&f, "wrapped", 'b', &l);
    l.xades_flags = 0;
    fx_drop_letter(&f, "good", 'b', &l);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    expect_free(&f, "wrapped", "FAILED", "xades-invalid", "failed");
    expect_free(&f, "good", "ACCEPTED", NULL, "accepted");
    fx_free(&f);
}

/* ---- spool lock and recovery ---------------------------------------------------------- */

/* The run lock cannot be opened: the real error, not "another trykk process". */
static void test_lock_error(void)
{
    struct fixture f;
    char *lock, *err = NULL;

    fx_init(&f, NULL);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 0);
    lock = g_build_filename(f.spool, "ledger", "run.lock", NULL);
    g_unlink(lock);
    g_assert_cmpint(symlink("/nonexistent", lock), ==, 0);
    drop_good(&f, "waiting");
    g_assert_cmpint(fx_trykk(&f, &err, run, NULL), ==, 2);
    g_test_message("%s", err);
    g_assert_null(strstr(err, "another trykk process"));
    g_assert_nonnull(strstr(err, g_strerror(ELOOP)));
    g_assert_cmpint(fx_count_dir(&f, "incoming"), ==, 1);
    g_free(err);
    g_free(lock);
    fx_free(&f);
}

/* A read-only spool (a read-only bind mount over it): the real error, EROFS. Needs the
 * right to mount; skipped without it. */
static void test_read_only_spool(void)
{
    struct fixture f;
    char *err = NULL;

    fx_init(&f, NULL);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 0);
    drop_good(&f, "waiting");
    if (mount(f.spool, f.spool, NULL, MS_BIND, NULL) < 0) {
        g_test_skip("cannot bind-mount here (needs CAP_SYS_ADMIN)");
        fx_free(&f);
        return;
    }
    if (mount(NULL, f.spool, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0) {
        umount2(f.spool, MNT_DETACH);
        g_test_skip("cannot remount read-only here");
        fx_free(&f);
        return;
    }
    g_assert_cmpint(fx_trykk(&f, &err, run, NULL), ==, 2);
    umount2(f.spool, MNT_DETACH);
    g_test_message("%s", err);
    g_assert_null(strstr(err, "another trykk process"));
    g_assert_nonnull(strstr(err, g_strerror(EROFS)));
    g_assert_cmpint(fx_count_dir(&f, "incoming"), ==, 1);
    g_free(err);
    fx_free(&f);
}

/* The ledger's error is the one that failed the transaction, not the rollback's. A page cap
 * makes SQLite return SQLITE_FULL as a full disk does. */
static void test_ledger_first_error(void)
{
    char *dir = g_dir_make_tmp("trykk-ledger-XXXXXX", NULL);
    char *db = g_build_filename(dir, "t.db", NULL), *err = NULL, *zdb;
    struct ledger *l;
    int i, rc = SQLITE_OK;

    g_assert_cmpint(ledger_open(&l, db, &err), ==, 0);
    g_assert_cmpint(sqlite3_exec(l->db, "CREATE TABLE filler (b BLOB); PRAGMA max_page_count=1",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
    g_assert_cmpint(ledger_begin(l), ==, 0);
    for (i = 0; i < 1000 && rc == SQLITE_OK; i++)
        rc = sqlite3_exec(l->db, "INSERT INTO filler VALUES (zeroblob(65536))", NULL, NULL, NULL);
    g_assert_cmpint(rc & 0xff, ==, SQLITE_FULL);
    ledger_rollback(l);
    sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL); /* as after SQLite's own rollback */
    g_test_message("%s", ledger_error(l));
    g_assert_nonnull(strstr(ledger_error(l), "database or disk is full"));
    ledger_close(l);
    zdb = g_strconcat(db, "-wal", NULL);
    g_unlink(zdb);
    g_free(zdb);
    zdb = g_strconcat(db, "-shm", NULL);
    g_unlink(zdb);
    g_free(zdb);
    g_unlink(db);
    g_rmdir(dir);
    g_free(db);
    g_free(dir);
}

static void sql(struct fixture *f, const char *stmt)
{
    char *db = g_build_filename(f->spool, "ledger", "trykk.db", NULL);
    sqlite3 *h;

    g_assert_cmpint(sqlite3_open(db, &h), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(h, stmt, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(h);
    g_free(db);
}

static void append_config(struct fixture *f, const char *text)
{
    char *old = fx_read(f->conf), *all = g_strconcat(old, text, NULL);

    g_assert_true(g_file_set_contents(f->conf, all, -1, NULL));
    g_chmod(f->conf, 0600);
    g_free(old);
    g_free(all);
}

/* A job left CLOSING, then [render] stock changed: the restart reports that job and goes on
 * with the rest (it used to crash in recovery on every start). */
static void test_stock_changed_while_closing(void)
{
    struct fixture f;
    char *err = NULL;
    int rc;

    fx_init(&f, NULL);
    drop_good(&f, "first");
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 0);
    sql(&f, "UPDATE jobs SET state='CLOSING' WHERE state='OPEN'");
    append_config(&f, "[render]\nstock=plain\n");
    drop_good(&f, "second");
    rc = fx_trykk(&f, &err, run, NULL);
    g_test_message("%s", err);
    g_assert_cmpint(rc, ==, 1);
    g_assert_nonnull(strstr(err, "no longer uses"));
    expect_free(&f, "second", "ACCEPTED", NULL, "accepted");
    g_free(err);
    fx_free(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/perm/sparse-carrier", test_sparse_carrier);
    g_test_add_func("/perm/key-world-readable", test_key_world_readable);
    g_test_add_func("/perm/anchors-dir-writable", test_anchors_dir_writable);
    g_test_add_func("/perm/anchor-file-writable", test_anchor_file_writable);
    g_test_add_func("/perm/config-writable", test_config_writable);
    g_test_add_func("/perm/layouts-writable", test_layouts_writable);
    g_test_add_func("/perm/claimed-modes", test_claimed_modes);
    g_test_add_func("/caps/carrier-a", test_carrier_a_cap);
    g_test_add_func("/caps/carrier-a-parser-cap", test_carrier_a_parser_cap);
    g_test_add_func("/caps/jwt-newline", test_jwt_newline);
    g_test_add_func("/caps/package-empty", test_package_empty);
    g_test_add_func("/cms/weak-ciphers", test_weak_ciphers);
    g_test_add_func("/cms/previous-key", test_previous_key);
    g_test_add_func("/xades/nsid-wrapping", test_xades_nsid_wrapping);
    g_test_add_func("/spool/lock-error", test_lock_error);
    g_test_add_func("/spool/read-only", test_read_only_spool);
    g_test_add_func("/ledger/first-error", test_ledger_first_error);
    g_test_add_func("/jobs/stock-changed-while-closing", test_stock_changed_while_closing);
    return g_test_run();
}

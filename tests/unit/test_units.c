/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_units.c - edge cases of the small pieces: strict base64, atomic publish, removing a
 * directory tree, the business-message field rules (address oneOf, lengths, enums,
 * defaults), zip entry names, letter ids and organisation numbers, and the pdftoppm runner
 * (render/raster.c) with stand-in children: one that stops reading early is no SIGPIPE for
 * trykk and leaves SIGPIPE's disposition and the signal mask as they were; one that exits
 * early or fails is reaped and reported; one that writes more than the cap is killed. The
 * engine's decoded-certificate cache gives a certificate back for exactly its bytes only.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "crypto/crypto.h"
#include "forge/forge.h"
#include "intake/asice.h"
#include "intake/intake.h"
#include "render/raster.h"
#include "spool/spool.h"
#include "util/util.h"

static void test_b64url(void)
{
    struct bytes b;

    g_assert_cmpint(b64url_decode("aGVsbG8", 7, &b), ==, 0);
    g_assert_cmpmem(b.data, b.len, "hello", 5);
    bytes_free(&b);
    g_assert_cmpint(b64url_decode("-_8", 3, &b), ==, 0);
    g_assert_cmpuint(b.len, ==, 2);
    bytes_free(&b);
    g_assert_cmpint(b64url_decode("aGVsbG8=", 8, &b), <, 0);  /* no padding in JWS */
    g_assert_cmpint(b64url_decode("aGV+bG8", 7, &b), <, 0);   /* standard alphabet */
    g_assert_cmpint(b64url_decode("aGVsb", 5, &b), <, 0);     /* impossible length */
    g_assert_cmpint(b64url_decode("aGV sbG8", 8, &b), <, 0);  /* GLib would skip this */
}

static void test_b64_strict(void)
{
    struct bytes b;

    g_assert_cmpint(b64_decode_strict("aGVs\r\nbG8=", 10, true, &b), ==, 0);
    g_assert_cmpmem(b.data, b.len, "hello", 5);
    bytes_free(&b);
    g_assert_cmpint(b64_decode_strict("aGVs\nbG8=", 9, false, &b), <, 0);
    g_assert_cmpint(b64_decode_strict("aG=sbG8=", 8, true, &b), <, 0); /* padding inside */
    g_assert_cmpint(b64_decode_strict("aGVsbG8", 7, true, &b), <, 0);   /* missing padding */
    g_assert_cmpint(b64_decode_strict("aGVsbG8*", 8, true, &b), <, 0);
}

static void test_publish(void)
{
    char *dir = g_dir_make_tmp("trykk-unit-XXXXXX", NULL), *path, *s;
    struct stat st;
    GDir *d;
    const char *n;
    int files = 0;

    g_assert_cmpint(fsio_publish(dir, "r.jwt", "one", 3, FSIO_NOREPLACE), ==, 0);
    g_assert_cmpint(fsio_publish(dir, "r.jwt", "two", 3, FSIO_NOREPLACE), ==, -EEXIST);
    path = g_build_filename(dir, "r.jwt", NULL);
    g_assert_cmpint(lstat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0600);
    g_assert_true(g_file_get_contents(path, &s, NULL, NULL));
    g_assert_cmpstr(s, ==, "one");
    g_free(s);
    d = g_dir_open(dir, 0, NULL);
    while ((n = g_dir_read_name(d)))
        files++;
    g_dir_close(d);
    g_assert_cmpint(files, ==, 1); /* the refused publish left no temporary file */
    g_unlink(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
}

static const char template_msg[] =
    "{\"standardBusinessDocument\":{\"standardBusinessDocumentHeader\":{\"headerVersion\":\"1.0\","
    "\"sender\":[{\"identifier\":{\"authority\":\"iso6523-actorid-upis\",\"value\":\"0192:910000001\"}}],"
    "\"receiver\":[{\"identifier\":{\"authority\":\"iso6523-actorid-upis\",\"value\":\"0192:974761076\"}}],"
    "\"documentIdentification\":{\"standard\":\"s\",\"typeVersion\":\"1.0\",\"instanceIdentifier\":"
    "\"5738440c-d802-47fe-b274-b4b673b9e493\",\"type\":\"utskrift\",\"creationDateAndTime\":"
    "\"2023-11-14T21:16:04.265+01:00\"},\"businessScope\":{\"scope\":[{\"type\":\"ConversationId\","
    "\"instanceIdentifier\":\"c2e01afe-e883-47c7-9cb9-a9b649b7b1d1\",\"identifier\":\"p\"}]}},"
    "\"utskrift\":{\"avsender\":{\"virksomhetsidentifikator\":{\"authority\":\"iso6523-actorid-upis\","
    "\"value\":\"0192:910000001\"}},\"mottaker\":%s,\"dokumentpakkefingeravtrykk\":{\"digestMethod\":"
    "\"m\",\"digestValue\":\"v\"},\"maskinportentoken\":\"t\",\"utskriftstype\":\"SORT_HVIT\","
    "\"retur\":{\"mottaker\":{\"navn\":\"R\",\"adresselinje1\":\"P 1\",\"postnummer\":\"0101\","
    "\"poststed\":\"Oslo\"},\"returposthaandtering\":\"DIREKTE_RETUR\"}%s}}}";

/* 0 valid, -1 invalid; *posttype gets the effective post type. */
static int check(const char *mottaker, const char *extra, char *posttype)
{
    char *s = g_strdup_printf(template_msg, mottaker, extra);
    struct message m = {0};
    struct reason r = {0};
    int rc;

    m.payload = json_loads(s, JSON_REJECT_DUPLICATES, NULL);
    g_assert_nonnull(m.payload);
    rc = message_check(&m, &r);
    if (rc == 0 && posttype)
        strcpy(posttype, m.posttype);
    if (rc < 0)
        g_assert_cmpstr(r.code, ==, "message-invalid");
    message_free(&m);
    g_free(s);
    return rc;
}

#define NO "{\"navn\":\"A\",\"adresselinje1\":\"B 1\",\"postnummer\":\"1234\",\"poststed\":\"X\"}"

/* A tree goes, a symbolic link inside it is removed and not followed, too deep is refused. */
static void test_remove_tree(void)
{
    char *dir = g_dir_make_tmp("trykk-unit-XXXXXX", NULL);
    char *keep = g_build_filename(dir, "keep", NULL), *kept = g_build_filename(keep, "f", NULL);
    char *deep = g_build_filename(dir, "d", "a", "b", "c", "d", "e", "f", "g", "h", NULL);
    char *link = g_build_filename(dir, "t", "sub", "link", NULL);
    char *file = g_build_filename(dir, "t", "sub", "file", NULL);
    char *one = g_build_filename(dir, "one", NULL);

    g_assert_cmpint(g_mkdir_with_parents(keep, 0700), ==, 0);
    g_assert_true(g_file_set_contents(kept, "x", 1, NULL));
    g_assert_cmpint(fsio_mkdirs(file, 0700), ==, 0);
    g_assert_cmpint(g_rmdir(file), ==, 0);
    g_assert_true(g_file_set_contents(file, "x", 1, NULL));
    g_assert_cmpint(symlink(keep, link), ==, 0);
    g_assert_cmpint(fsio_remove_tree(dir, "t"), ==, 0);
    g_assert_false(fsio_exists(dir, "t"));
    g_assert_true(g_file_test(kept, G_FILE_TEST_IS_REGULAR)); /* the link was not followed */
    g_assert_cmpint(fsio_remove_tree(dir, "t"), ==, 0);       /* already gone */
    g_assert_true(g_file_set_contents(one, "x", 1, NULL));
    g_assert_cmpint(fsio_remove_tree(dir, "one"), ==, 0);     /* a plain file */
    g_assert_false(fsio_exists(dir, "one"));
    g_assert_cmpint(g_mkdir_with_parents(deep, 0700), ==, 0);
    g_assert_cmpint(fsio_remove_tree(dir, "d"), ==, -ELOOP);
    g_assert_cmpint(fsio_remove_tree(dir, "keep"), ==, 0);
    g_assert_cmpint(g_rmdir(deep), ==, 0); /* only the innermost level was too deep */
    g_assert_cmpint(fsio_remove_tree(dir, "d"), ==, 0);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
    g_free(one);
    g_free(file);
    g_free(link);
    g_free(deep);
    g_free(kept);
    g_free(keep);
    g_free(dir);
}

static void test_message_rules(void)
{
    char pt[4];

    g_assert_cmpint(check(NO, "", pt), ==, 0);
    g_assert_cmpstr(pt, ==, "B"); /* default */
    g_assert_cmpint(check(NO, ",\"posttype\":\"A\"", pt), ==, 0);
    g_assert_cmpstr(pt, ==, "A");
    g_assert_cmpint(check(NO, ",\"posttype\":\"C\"", NULL), <, 0);
    g_assert_cmpint(check(NO, ",\"ekstra\":1", NULL), <, 0); /* additionalProperties:false */
    g_assert_cmpint(check("{\"navn\":\"A\",\"adresselinje1\":\"B\",\"landkode\":\"SE\"}", "", NULL), ==, 0);
    g_assert_cmpint(check("{\"navn\":\"A\",\"adresselinje1\":\"B\",\"land\":\"Sverige\"}", "", NULL), ==, 0);
    /* both branches hold: invalid under oneOf */
    g_assert_cmpint(check("{\"navn\":\"A\",\"adresselinje1\":\"B\",\"postnummer\":\"1234\","
                          "\"poststed\":\"X\",\"landkode\":\"SE\"}", "", NULL), <, 0);
    g_assert_cmpint(check("{\"navn\":\"A\",\"adresselinje1\":\"B\",\"land\":\"S\",\"landkode\":\"SE\"}",
                          "", NULL), <, 0);
    g_assert_cmpint(check("{\"navn\":\"A\",\"adresselinje1\":\"B\",\"postnummer\":\"1234\"}", "", NULL), <, 0);
    g_assert_cmpint(check("{\"navn\":\"A\",\"adresselinje1\":\"B\",\"postnummer\":\"123\","
                          "\"poststed\":\"X\"}", "", NULL), <, 0);
    g_assert_cmpint(check("{\"navn\":\"A\",\"adresselinje1\":\"B\",\"landkode\":\"S1\"}", "", NULL), <, 0);
}

static void test_message_lengths(void)
{
    char *ok = g_strnfill(100, 'x'), *too_long = g_strnfill(101, 'x');
    char *a = g_strdup_printf("{\"navn\":\"A\",\"adresselinje1\":\"%s\",\"landkode\":\"SE\"}", ok);
    char *b = g_strdup_printf("{\"navn\":\"A\",\"adresselinje1\":\"%s\",\"landkode\":\"SE\"}", too_long);
    /* 100 characters of two bytes each are still 100 characters */
    GString *ae = g_string_new(NULL);
    int i;
    char *c;

    for (i = 0; i < 100; i++)
        g_string_append(ae, "æ");
    c = g_strdup_printf("{\"navn\":\"A\",\"adresselinje1\":\"%s\",\"landkode\":\"SE\"}", ae->str);
    g_assert_cmpint(check(a, "", NULL), ==, 0);
    g_assert_cmpint(check(b, "", NULL), <, 0);
    g_assert_cmpint(check(c, "", NULL), ==, 0);
    g_free(ok);
    g_free(too_long);
    g_free(a);
    g_free(b);
    g_free(c);
    g_string_free(ae, TRUE);
}

static int open_zip_with(const char *name)
{
    GArray *entries = g_array_new(FALSE, TRUE, sizeof(struct forge_entry));
    struct forge_entry e = {g_strdup(name), {0}, false};
    struct asice_limits lim = {1000, 50 << 20, 100, 1 << 20};
    struct bytes zip;
    struct asice *a = NULL;
    struct reason r = {0};
    int rc;

    bytes_set(&e.data, "x", 1);
    g_array_append_val(entries, e);
    g_assert_cmpint(forge_zip(entries, &zip), ==, 0);
    rc = asice_open(&a, &zip, &lim, &r);
    if (rc < 0)
        g_assert_cmpstr(r.code, ==, "zip-entry-name");
    asice_free(a);
    bytes_free(&zip);
    g_free(e.name);
    bytes_free(&e.data);
    g_array_free(entries, TRUE);
    return rc;
}

static void test_zip_names(void)
{
    g_assert_cmpint(open_zip_with("brev nr 1.pdf"), ==, 0);
    g_assert_cmpint(open_zip_with("dir/brev.pdf"), ==, 0);
    g_assert_cmpint(open_zip_with("../x.pdf"), <, 0);
    g_assert_cmpint(open_zip_with("a/../../x.pdf"), <, 0);
    g_assert_cmpint(open_zip_with("/etc/x.pdf"), <, 0);
    g_assert_cmpint(open_zip_with("C:\\x.pdf"), <, 0);
    g_assert_cmpint(open_zip_with("a\\b.pdf"), <, 0);
    g_assert_cmpint(open_zip_with("a//b.pdf"), <, 0);
}

/* Two entries with one name: libzip will not write that, so rename one in the bytes. */
static void test_zip_duplicate_names(void)
{
    GArray *entries = g_array_new(FALSE, TRUE, sizeof(struct forge_entry));
    struct forge_entry a = {g_strdup("aa.pdf"), {0}, true}, b = {g_strdup("ab.pdf"), {0}, true};
    struct asice_limits lim = {1000, 50 << 20, 100, 1 << 20};
    struct asice *z = NULL;
    struct reason r = {0};
    struct bytes zip;
    size_t i;

    bytes_set(&a.data, "first", 5);
    bytes_set(&b.data, "second", 6);
    g_array_append_val(entries, a);
    g_array_append_val(entries, b);
    g_assert_cmpint(forge_zip(entries, &zip), ==, 0);
    for (i = 0; i + 6 <= zip.len; i++)
        if (memcmp(zip.data + i, "ab.pdf", 6) == 0)
            zip.data[i + 1] = 'a';
    g_assert_cmpint(asice_open(&z, &zip, &lim, &r), <, 0);
    g_test_message("%s", r.detail);
    g_assert_cmpstr(r.code, ==, "zip-duplicate");
    bytes_free(&zip);
    for (i = 0; i < entries->len; i++) {
        g_free(g_array_index(entries, struct forge_entry, i).name);
        bytes_free(&g_array_index(entries, struct forge_entry, i).data);
    }
    g_array_free(entries, TRUE);
}

static void test_ids(void)
{
    char *id = spool_new_id();

    g_assert_true(spool_id_ok(id));
    g_assert_false(spool_id_ok("../20261122T134935-7efb"));
    g_assert_false(spool_id_ok("20261122T134935-7efba9d1/x"));
    g_free(id);
    id = text_orgnr_digits("0192:991825827");
    g_assert_cmpstr(id, ==, "991825827");
    g_free(id);
    id = text_orgnr_digits("9908:991825827");
    g_assert_cmpstr(id, ==, "991825827");
    g_free(id);
    g_assert_null(text_orgnr_digits("0192:99182582"));
    g_assert_null(text_orgnr_digits("0192:99182582x"));
    g_assert_null(text_orgnr_digits("1234:991825827")); /* another scheme's identifier */
    g_assert_null(text_orgnr_digits("0088:991825827"));
}

static struct bytes big_input(size_t len)
{
    struct bytes b = {g_malloc0(len), len};

    return b;
}

static bool pipe_blocked_or_pending(void)
{
    sigset_t mask, pending;

    sigemptyset(&mask);
    sigemptyset(&pending);
    pthread_sigmask(SIG_BLOCK, NULL, &mask);
    sigpending(&pending);
    return sigismember(&mask, SIGPIPE) == 1 || sigismember(&pending, SIGPIPE) == 1;
}

static void assert_no_child_left(void)
{
    g_assert_cmpint(waitpid(-1, NULL, WNOHANG), ==, -1);
    g_assert_cmpint(errno, ==, ECHILD);
}

/* raster: the child closes its stdin at once and stays a moment: our writes meet EPIPE. */
static void test_raster_sigpipe(void)
{
    const char *argv[] = {"/bin/sh", "-c", "exec 0<&-; sleep 0.2", NULL};
    struct bytes in = big_input(4 << 20);
    struct raster_job job = {argv, &in, 1024, false};
    struct sigaction before, after;
    GByteArray *out = g_byte_array_new();
    char *err = NULL;

    g_assert_cmpint(sigaction(SIGPIPE, NULL, &before), ==, 0);
    g_assert_true(before.sa_handler == SIG_DFL);
    g_assert_cmpint(raster_run(&job, "the test", out, &err), ==, 0);
    g_assert_null(err);
    g_assert_cmpint(sigaction(SIGPIPE, NULL, &after), ==, 0);
    g_assert_true(after.sa_handler == SIG_DFL);
    g_assert_false(pipe_blocked_or_pending());
    assert_no_child_left();
    g_byte_array_free(out, TRUE);
    bytes_free(&in);
}

/* A renderer that reads a little and fails, and one killed by a signal. */
static void test_raster_early_exit(void)
{
    const char *fails[] = {"/bin/sh", "-c", "head -c 10 >/dev/null; exit 3", NULL};
    const char *killed[] = {"/bin/sh", "-c", "kill -9 $$", NULL};
    const char *missing[] = {"/nonexistent/pdftoppm", NULL};
    struct bytes in = big_input(1 << 20);
    struct raster_job job = {fails, &in, 1024, false};
    GByteArray *out = g_byte_array_new();
    char *err = NULL;

    g_assert_cmpint(raster_run(&job, "the test", out, &err), ==, -1);
    g_assert_nonnull(strstr(err, "could not render the test (bad exit)"));
    g_clear_pointer(&err, g_free);
    job.argv = killed;
    g_assert_cmpint(raster_run(&job, "the test", out, &err), ==, -1);
    g_clear_pointer(&err, g_free);
    job.argv = missing;
    g_assert_cmpint(raster_run(&job, "the test", out, &err), ==, -1);
    g_assert_nonnull(strstr(err, "cannot run /nonexistent/pdftoppm"));
    g_clear_pointer(&err, g_free);
    g_assert_false(pipe_blocked_or_pending());
    assert_no_child_left();
    g_byte_array_free(out, TRUE);
    bytes_free(&in);
}

/* Output within the cap comes back whole; past it the child is killed, nothing hangs. */
static void test_raster_bounded(void)
{
    const char *echo[] = {"/bin/cat", NULL};
    const char *flood[] = {"/bin/cat", "/dev/zero", NULL};
    struct bytes in = {(unsigned char *)"hello", 5};
    struct raster_job job = {echo, &in, 5, false};
    GByteArray *out = g_byte_array_new();
    char *err = NULL;

    g_assert_cmpint(raster_run(&job, "the test", out, &err), ==, 0);
    g_assert_cmpmem(out->data, out->len, "hello", 5);
    g_byte_array_set_size(out, 0);
    job.cap = 4;
    g_assert_cmpint(raster_run(&job, "the test", out, &err), ==, -1);
    g_clear_pointer(&err, g_free);
    job.argv = flood;
    job.cap = 1 << 20;
    g_assert_cmpint(raster_run(&job, "the test", out, &err), ==, -1);
    g_assert_nonnull(strstr(err, g_strerror(EFBIG)));
    g_assert_cmpuint(out->len, <=, 1 << 20);
    g_clear_pointer(&err, g_free);
    assert_no_child_left();
    g_byte_array_free(out, TRUE);
}

/* ---- the engine's decoded-certificate cache (crypto/certcache.c) ----------------------------- */

static struct bytes cert_der(X509 *c)
{
    unsigned char *der = NULL;
    int n = i2d_X509(c, &der);
    struct bytes b = {0};

    g_assert_cmpint(n, >, 0);
    bytes_set(&b, der, (size_t)n);
    OPENSSL_free(der);
    return b;
}

/* A certificate put is given back for exactly its bytes: never for another certificate's,
 * a changed byte, a prefix or the bytes with more after them; and the checks still see the
 * bytes they were given (a changed certificate is decoded afresh, or refused). */
static void test_cert_cache(void)
{
    EVP_PKEY *k = forge_rsa(2048);
    gint64 now = g_get_real_time() / G_USEC_PER_SEC;
    X509 *a = forge_cert("A", "974761076", k, k, NULL, now - 60, now + 3600, false);
    X509 *b = forge_cert("B", "974761076", k, k, NULL, now - 60, now + 3600, false);
    struct bytes da = cert_der(a), db = cert_der(b), longer = {0};
    X509 *got, *got2;

    g_assert_null(cert_cache_get(da.data, da.len));
    g_assert_cmpint(cert_cache_put(da.data, da.len), ==, 0);
    got = cert_cache_get(da.data, da.len);
    g_assert_nonnull(got);
    g_assert_cmpint(X509_cmp(got, a), ==, 0);
    got2 = cert_from_der(da.data, da.len); /* the same object, another reference */
    g_assert_true(got2 == got);
    X509_free(got2);
    X509_free(got);
    /* other bytes: another certificate, a prefix, a changed byte, trailing bytes */
    g_assert_null(cert_cache_get(db.data, db.len));
    got = cert_from_der(db.data, db.len);
    g_assert_nonnull(got);
    g_assert_cmpint(X509_cmp(got, b), ==, 0);
    X509_free(got);
    g_assert_null(cert_cache_get(da.data, da.len - 1));
    g_assert_null(cert_from_der(da.data, da.len - 1));
    da.data[da.len - 10] ^= 0x01; /* inside the signature: still decodes, another certificate */
    g_assert_null(cert_cache_get(da.data, da.len));
    got = cert_from_der(da.data, da.len);
    g_assert_nonnull(got);
    g_assert_cmpint(X509_cmp(got, a), !=, 0);
    X509_free(got);
    da.data[da.len - 10] ^= 0x01;
    longer.data = g_malloc(da.len + 1);
    longer.len = da.len + 1;
    memcpy(longer.data, da.data, da.len);
    longer.data[da.len] = 0;
    g_assert_null(cert_cache_get(longer.data, longer.len));
    g_assert_null(cert_from_der(longer.data, longer.len)); /* trailing bytes: refused */
    bytes_free(&longer);
    /* not a certificate, or too long: not kept */
    g_assert_cmpint(cert_cache_put((const unsigned char *)"junk", 4), ==, -1);
    g_assert_null(cert_cache_get((const unsigned char *)"junk", 4));
    cert_cache_clear();
    g_assert_null(cert_cache_get(da.data, da.len));
    bytes_free(&da);
    bytes_free(&db);
    X509_free(a);
    X509_free(b);
    EVP_PKEY_free(k);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/b64url", test_b64url);
    g_test_add_func("/util/b64-strict", test_b64_strict);
    g_test_add_func("/util/publish", test_publish);
    g_test_add_func("/util/remove-tree", test_remove_tree);
    g_test_add_func("/intake/message-rules", test_message_rules);
    g_test_add_func("/intake/message-lengths", test_message_lengths);
    g_test_add_func("/intake/zip-names", test_zip_names);
    g_test_add_func("/intake/zip-duplicate-names", test_zip_duplicate_names);
    g_test_add_func("/spool/ids", test_ids);
    g_test_add_func("/render/raster-sigpipe", test_raster_sigpipe);
    g_test_add_func("/render/raster-early-exit", test_raster_early_exit);
    g_test_add_func("/render/raster-bounded", test_raster_bounded);
    g_test_add_func("/crypto/cert-cache", test_cert_cache);
    return g_test_run();
}

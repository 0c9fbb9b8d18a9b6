/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_pkcs11.c - keys that never leave a PKCS#11 token, through the real binary.
 *
 * An NSS softokn database made in the test root holds the provider's decryption key and a
 * previous key (a rollover); the key files are deleted once imported. Forged letters (both
 * carrier shapes, a legacy SDP letter, one to the previous key, and broken ones) are taken
 * in through the token; every receipt is verified with the provider's certificate (the JWS
 * in process, the XML-DSig by xmlsec1); the job is built, decrypting again through the token.
 * A wrong PIN, a missing token, a removed key and an open PIN file each stop trykk at start
 * with exit 2 and a clear message, the entry still in incoming/. Digdir's sample is accepted
 * with its key inside a softokn token. A SoftHSM 2.6 token gets trykk's error about
 * RSA-OAEP with SHA-256, which that module cannot do.
 */
#include <string.h>
#include <glib/gstdio.h>
#include "common/fixture.h"
#include "crypto/crypto.h"
#include "pkcs11/token.h"
#include "util/util.h"

#define PIN "trykk-test-pin"
#define SAMPLE FX_DIGDIR_SAMPLE

static struct fixture fx;
static struct forge_party previous;
static char *nssdb, *pin_file;
static const char *const run[] = {"run", NULL};

static char *root_path(const char *name)
{
    return g_build_filename(fx.root, name, NULL);
}

static char *token_uri(const char *object)
{
    return g_strdup_printf("pkcs11:token=%s;object=%s", NSS_TOKEN_URI, object);
}

/* trykk.conf with the given [provider] keys and [pkcs11] group. */
static void write_conf(const char *root, const char *provider, const char *pkcs11,
                       const char *trust)
{
    char *conf = g_build_filename(root, "trykk.conf", NULL);
    char *text = g_strdup_printf("[provider]\norgnr=" FX_PROVIDER "\n%s\n%s\n%s\n[spool]\n"
                                 "root=spool\n[limits]\nmax_package_mib=4\n", provider, pkcs11,
                                 trust ? trust : "[trust]\nanchors=anchors\ncheck_time=now\n"
                                                 "max_skew_days=7");

    g_assert_true(g_file_set_contents(conf, text, -1, NULL));
    g_chmod(conf, 0600);
    g_free(text);
    g_free(conf);
}

static void token_conf(const char *db, const char *key_object, const char *pins)
{
    char *key = token_uri(key_object), *prev = token_uri("previous");
    char *provider = g_strdup_printf("key=%s\ncert=keys/provider-cert.pem\nprevious_key=%s\n"
                                     "previous_cert=keys/previous-cert.pem", key, prev);
    char *p11 = tok_nss_config(db, pins);

    write_conf(fx.root, provider, p11, NULL);
    g_free(key);
    g_free(prev);
    g_free(provider);
    g_free(p11);
}

static void setup(void)
{
    GDateTime *now = time_now();
    gint64 t = g_date_time_to_unix(now), y = 365 * 24 * 3600;
    char *path;

    fx_init(&fx, NULL);
    previous.key = forge_rsa(2048);
    previous.cert = forge_cert("Test print provider (2025)", FX_PROVIDER, previous.key, fx.ca.key,
                               fx.ca.cert, t - 2 * y, t + y, false);
    path = root_path("keys/previous-cert.pem");
    g_assert_cmpint(forge_write_cert(path, previous.cert), ==, 0);
    g_free(path);
    nssdb = root_path("nssdb");
    pin_file = root_path("token.pin");
    tok_nss_create(nssdb, PIN);
    tok_nss_import(nssdb, PIN, "provider", fx.provider.key, fx.provider.cert);
    tok_nss_import(nssdb, PIN, "previous", previous.key, previous.cert);
    tok_write_pin(pin_file, PIN "\n");
    path = root_path("keys/provider-key.pem");
    g_assert_cmpint(g_unlink(path), ==, 0); /* only the token has it now */
    g_free(path);
    token_conf(nssdb, "provider", pin_file);
    g_date_time_unref(now);
}

/* The encrypted key of the only recipient, damaged; signed again so only it is wrong. */
static void drop_damaged_key(void)
{
    static const unsigned char ek[] = {0x04, 0x82, 0x01, 0x00};
    struct forge_letter l;
    struct bytes cms;
    char *jwt = NULL;
    unsigned char *p;
    json_t *msg;

    fx_letter(&fx, &l);
    g_assert_cmpint(forge_letter_build(&l, &jwt, &cms), ==, 0);
    g_free(jwt);
    p = memmem(cms.data, cms.len, ek, sizeof ek);
    g_assert_nonnull(p);
    p[sizeof ek + 100] ^= 0x5a;
    msg = forge_message_json(&l, &cms);
    jwt = forge_sign_message(msg, l.signer, "RS256");
    fx_drop(&fx, "damaged-key", 'b', jwt, &cms);
    json_decref(msg);
    g_free(jwt);
    bytes_free(&cms);
}

static void drop_legacy(void)
{
    struct forge_letter l;
    struct bytes cms;
    char *jwt = NULL, *sbd;

    fx_letter(&fx, &l);
    l.navn = "Legacy Leserud";
    l.adresse = "Legacygata 9";
    l.postnummer = "0155";
    l.poststed = "OSLO";
    g_assert_cmpint(forge_letter_build(&l, &jwt, &cms), ==, 0);
    sbd = forge_legacy_sbd(&l, &cms, NULL);
    g_assert_nonnull(sbd);
    fx_drop(&fx, "legacy", 'c', sbd, &cms);
    g_free(sbd);
    g_free(jwt);
    bytes_free(&cms);
}

static void drop_letters(void)
{
    struct forge_letter l;

    fx_letter(&fx, &l);
    fx_drop_letter(&fx, "valid-dir", 'b', &l);
    fx_letter(&fx, &l);
    fx_drop_letter(&fx, "valid-xml", 'a', &l);
    fx_letter(&fx, &l);
    l.documents = 3;
    l.landkode = "SE";
    l.adresse = "Storgatan 1";
    fx_drop_letter(&fx, "valid-foreign-3-documents", 'a', &l);
    fx_letter(&fx, &l);
    l.provider_cert = previous.cert; /* a sender still on last year's certificate */
    fx_drop_letter(&fx, "to-previous-key", 'b', &l);
    fx_letter(&fx, &l);
    l.provider_cert = fx.stranger.cert;
    fx_drop_letter(&fx, "to-another-provider", 'b', &l);
    fx_letter(&fx, &l);
    l.cipher = "AES-128-CBC";
    fx_drop_letter(&fx, "aes-128", 'b', &l);
    drop_damaged_key();
    drop_legacy();
}

static void assert_state(const char *entry, const char *state, const char *reason)
{
    json_t *l = fx_letter_by_entry(&fx, entry);

    g_assert_nonnull(l);
    g_assert_cmpstr(fx_intake_state(l), ==, state);
    g_assert_cmpstr(json_string_value(json_object_get(l, "reason")), ==, reason);
    json_decref(l);
}

/* Every JWS receipt is signed by the token's key: it verifies, with the provider's cert. */
static guint verify_jws_receipts(void)
{
    GPtrArray *files = fx_outbox(&fx, ".jwt");
    guint i;

    for (i = 0; i < files->len; i++) {
        char *text = fx_read(files->pdata[i]);
        struct jws j;
        struct reason r = {0};
        X509 *signer = NULL;
        STACK_OF(X509) *chain = NULL;
        g_assert_cmpint(jws_split(&j, text, strlen(text)), ==, 0);
        g_assert_cmpint(jws_verify(&j, &signer, &chain, &r), ==, 0);
        g_assert_cmpint(X509_cmp(signer, fx.provider.cert), ==, 0);
        X509_free(signer);
        sk_X509_pop_free(chain, X509_free);
        g_free(text);
    }
    i = files->len;
    g_ptr_array_free(files, TRUE);
    return i;
}

static void verify_xml_receipt(void)
{
    GPtrArray *files = fx_outbox(&fx, ".mottakskvittering.xml");
    char *cert = root_path("keys/provider-cert.pem");
    const char *argv[] = {"xmlsec1", "--verify", "--pubkey-cert-pem", cert,
                          "--enabled-reference-uris", "empty", "--insecure", NULL, NULL};

    g_assert_cmpuint(files->len, ==, 1);
    argv[7] = files->pdata[0];
    g_assert_cmpint(tok_run(fx.root, argv, NULL, NULL), ==, 0);
    g_ptr_array_free(files, TRUE);
    g_free(cert);
}

static void test_intake(void)
{
    const char *close[] = {"job", "close", "--all", NULL};
    char *err = NULL, *pdf;
    GPtrArray *keys;

    drop_letters();
    g_assert_cmpint(fx_trykk(&fx, &err, run, NULL), ==, 1); /* some letters failed */
    g_test_message("%s", err);
    g_free(err);
    assert_state("valid-dir", "ACCEPTED", NULL);
    assert_state("valid-xml", "ACCEPTED", NULL);
    assert_state("valid-foreign-3-documents", "ACCEPTED", NULL);
    assert_state("to-previous-key", "ACCEPTED", NULL);
    assert_state("legacy", "ACCEPTED", NULL);
    assert_state("to-another-provider", "FAILED", "cms-no-recipient");
    assert_state("aes-128", "FAILED", "cms-cipher");
    assert_state("damaged-key", "FAILED", "cms-invalid");
    g_assert_cmpint(fx_count_dir(&fx, "incoming"), ==, 0);
    /* 4 mottakskvitteringer and 3 feil, each verified */
    g_assert_cmpuint(verify_jws_receipts(), ==, 7);
    verify_xml_receipt();
    /* the job is built from the encrypted packages, decrypted again through the token */
    g_assert_cmpint(fx_trykk(&fx, NULL, close, NULL), ==, 0);
    pdf = root_path("spool/jobs/J000001/job.pdf");
    g_assert_true(g_file_test(pdf, G_FILE_TEST_IS_REGULAR));
    g_free(pdf);
    /* no private key in clear anywhere under the test root */
    keys = fx_grep_tree(fx.root, "PRIVATE KEY", strlen("PRIVATE KEY"));
    g_assert_cmpuint(keys->len, ==, 0);
    g_ptr_array_free(keys, TRUE);
}

/* trykk run stops at start (exit 2) with want in its message; the letter waits in incoming. */
static void assert_refused(const char *want, const char *const *env)
{
    static int n;
    struct forge_letter l;
    char *err = NULL, *name = g_strdup_printf("waiting-%d", ++n);
    int before;

    fx_letter(&fx, &l);
    fx_drop_letter(&fx, name, 'b', &l);
    g_free(name);
    before = fx_count_dir(&fx, "incoming");
    g_assert_cmpint(fx_trykk(&fx, &err, run, env), ==, 2);
    g_test_message("%s", err);
    g_assert_nonnull(strstr(err, want));
    g_assert_null(strstr(err, PIN));
    g_assert_cmpint(fx_count_dir(&fx, "incoming"), ==, before);
    g_free(err);
}

static void test_wrong_pin(void)
{
    tok_write_pin(pin_file, "not-the-pin\n");
    assert_refused("refused the PIN (CKR_PIN_INCORRECT): wrong PIN", NULL);
    tok_write_pin(pin_file, PIN "\n");
}

static void test_pin_file_mode(void)
{
    g_chmod(pin_file, 0640);
    assert_refused("PKCS#11 PIN file", NULL);
    assert_refused("chmod 600", NULL);
    g_chmod(pin_file, 0600);
}

static void test_missing_token(void)
{
    char *provider = g_strdup("key=pkcs11:token=HSM-that-is-not-there;object=provider\n"
                              "cert=keys/provider-cert.pem");
    char *p11 = tok_nss_config(nssdb, pin_file);

    write_conf(fx.root, provider, p11, NULL);
    assert_refused("has no token labelled HSM-that-is-not-there", NULL);
    token_conf(nssdb, "provider", pin_file);
    g_free(provider);
    g_free(p11);
}

/* A copy of the database from which the provider's key was deleted (certutil -F). */
static void test_removed_key(void)
{
    char *copy = root_path("nssdb-removed"), *db = g_strdup_printf("sql:%s", copy);
    char *pw = g_build_filename(copy, ".pw", NULL);
    const char *names[] = {"cert9.db", "key4.db", "pkcs11.txt", ".pw"};
    const char *del[] = {"certutil", "-F", "-d", db, "-n", "provider", "-f", pw, NULL};
    size_t i;

    g_assert_cmpint(g_mkdir(copy, 0700), ==, 0);
    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        char *from = g_build_filename(nssdb, names[i], NULL), *to = g_build_filename(copy, names[i], NULL);
        char *bytes = NULL;
        gsize n;
        g_assert_true(g_file_get_contents(from, &bytes, &n, NULL));
        g_assert_true(g_file_set_contents(to, bytes, (gssize)n, NULL));
        g_chmod(to, 0600);
        g_free(bytes);
        g_free(from);
        g_free(to);
    }
    g_assert_cmpint(tok_run(copy, del, NULL, NULL), ==, 0);
    token_conf(copy, "provider", pin_file);
    assert_refused("no private key pkcs11:token=" NSS_TOKEN_URI ";object=provider on its token",
                   NULL);
    token_conf(nssdb, "provider", pin_file);
    g_free(pw);
    g_free(db);
    g_free(copy);
}

/* The PIN from the environment; the letters left waiting by the refusals are taken in. */
static void test_pin_env(void)
{
    const char *const env[] = {"TRYKK_TEST_TOKEN_PIN", PIN, NULL};
    char *key = token_uri("provider");
    char *provider = g_strdup_printf("key=%s\ncert=keys/provider-cert.pem", key);
    char *p11 = g_strdup_printf("[pkcs11]\nmodule=" SOFTOKN_MODULE "\nparameters=configdir="
                                "'sql:%s' certPrefix='' keyPrefix='' secmod='secmod.db' "
                                "flags=readOnly\npin_env=TRYKK_TEST_TOKEN_PIN\n", nssdb);

    write_conf(fx.root, provider, p11, NULL);
    assert_refused("pin_env names TRYKK_TEST_TOKEN_PIN, which is not set", NULL);
    g_assert_cmpint(fx_trykk(&fx, NULL, run, env), ==, 0);
    g_assert_cmpint(fx_count_dir(&fx, "incoming"), ==, 0);
    g_assert_cmpuint(verify_jws_receipts(), >=, 7 + 5);
    g_free(key);
    g_free(provider);
    g_free(p11);
}

/* Digdir's 2023 sample, its key inside a softokn token. */
static void test_digdir(void)
{
    struct fixture d;
    char *db, *pins, *p11, *provider, *jwt, *err = NULL;
    const char *init[] = {"init", NULL};
    struct bytes cms;
    gsize n;
    EVP_PKEY *key;
    X509 *cert;
    json_t *l;

    if (!g_file_test(SAMPLE "eksempel-key.pem", G_FILE_TEST_EXISTS)) {
        g_test_skip("no Digdir sample in " SAMPLE);
        return;
    }
    fx_digdir_root(&d, "trykk-p11-digdir-XXXXXX");
    db = g_build_filename(d.root, "nssdb", NULL);
    pins = g_build_filename(d.root, "token.pin", NULL);
    g_assert_cmpint(key_load(&key, SAMPLE "eksempel-key.pem", &err), ==, 0);
    g_assert_cmpint(cert_load(&cert, SAMPLE "eksempel-cert.pem", &err), ==, 0);
    tok_nss_create(db, PIN);
    tok_nss_import(db, PIN, "eksempel", key, cert);
    tok_write_pin(pins, PIN);
    p11 = tok_nss_config(db, pins);
    provider = g_strdup_printf("key=pkcs11:token=%s;object=eksempel\ncert=%s", NSS_TOKEN_URI,
                               SAMPLE "eksempel-cert.pem");
    write_conf(d.root, provider, p11, "[trust]\nanchors=anchors\ncheck_time=message\n"
                                      "max_skew_days=36500");
    g_assert_cmpint(fx_trykk(&d, NULL, init, NULL), ==, 0);
    jwt = g_strstrip(fx_read(SAMPLE "utskrift-forretningsmelding.jwt"));
    g_assert_true(g_file_get_contents(SAMPLE "utskrift-dokumentpakke.cms", (char **)&cms.data, &n,
                                      NULL));
    cms.len = n;
    fx_drop(&d, "digdir-sample", 'b', jwt, &cms);
    g_assert_cmpint(fx_trykk(&d, &err, run, NULL), ==, 0);
    g_test_message("%s", err);
    l = fx_letter_by_entry(&d, "digdir-sample");
    g_assert_cmpstr(fx_intake_state(l), ==, "ACCEPTED");
    g_assert_cmpint(json_integer_value(json_object_get(l, "pages")), >=, 1);
    json_decref(l);
    EVP_PKEY_free(key);
    X509_free(cert);
    bytes_free(&cms);
    g_free(jwt);
    g_free(err);
    g_free(db);
    g_free(pins);
    g_free(p11);
    g_free(provider);
    fx_free(&d);
}

/* SoftHSM 2.6.1 refuses OAEP with SHA-256 (CKR_ARGUMENTS_BAD): trykk says so at start. */
static void test_softhsm(void)
{
    char *dir = root_path("softhsm"), *tokens = g_build_filename(dir, "tokens", NULL);
    char *conf = g_build_filename(dir, "softhsm2.conf", NULL), *text, *kp, *p11, *provider;
    const char *const env[] = {"SOFTHSM2_CONF", conf, NULL};
    const char *init_token[] = {"softhsm2-util", "--init-token", "--free", "--label", "trykk-hsm",
                                "--pin", PIN, "--so-pin", "so-" PIN, NULL};
    const char *import[] = {"softhsm2-util", "--import", NULL, "--token", "trykk-hsm", "--label",
                            "provider", "--id", "01", "--pin", PIN, NULL};

    g_assert_cmpint(g_mkdir_with_parents(tokens, 0700), ==, 0);
    text = g_strdup_printf("directories.tokendir = %s\nobjectstore.backend = file\n"
                           "log.level = ERROR\n", tokens);
    g_assert_true(g_file_set_contents(conf, text, -1, NULL));
    g_free(text);
    kp = g_build_filename(dir, "provider-key.pem", NULL);
    g_assert_cmpint(forge_write_key(kp, fx.provider.key), ==, 0);
    import[2] = kp;
    g_assert_cmpint(tok_run(dir, init_token, env, NULL), ==, 0);
    g_assert_cmpint(tok_run(dir, import, env, NULL), ==, 0);
    g_unlink(kp);
    p11 = g_strdup_printf("[pkcs11]\nmodule=" SOFTHSM_MODULE "\npin_file=%s\n", pin_file);
    provider = g_strdup("key=pkcs11:token=trykk-hsm;object=provider\ncert=keys/provider-cert.pem");
    write_conf(fx.root, provider, p11, NULL);
    assert_refused("cannot decrypt RSA-OAEP with SHA256 and MGF1-SHA256 (C_DecryptInit: "
                   "CKR_ARGUMENTS_BAD)", env);
    token_conf(nssdb, "provider", pin_file);
    g_free(provider);
    g_free(p11);
    g_free(kp);
    g_free(conf);
    g_free(tokens);
    g_free(dir);
}

int main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    setup();
    g_test_add_func("/pkcs11/softokn/intake", test_intake);
    g_test_add_func("/pkcs11/softokn/wrong-pin", test_wrong_pin);
    g_test_add_func("/pkcs11/softokn/pin-file-mode", test_pin_file_mode);
    g_test_add_func("/pkcs11/softokn/missing-token", test_missing_token);
    g_test_add_func("/pkcs11/softokn/removed-key", test_removed_key);
    g_test_add_func("/pkcs11/softhsm/no-oaep-sha256", test_softhsm);
    g_test_add_func("/pkcs11/softokn/pin-env", test_pin_env);
    g_test_add_func("/pkcs11/softokn/digdir-sample", test_digdir);
    rc = g_test_run();
    forge_party_free(&previous);
    fx_free(&fx);
    g_free(nssdb);
    g_free(pin_file);
    return rc;
}

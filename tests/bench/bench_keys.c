/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_keys.c - intake decryption and receipt signing with a key file and with the same
 * key inside an NSS softokn token.
 *
 *   build/tests/bench_keys [N] [LETTERS]   (default 300 operations, 60 letters)
 *
 * In process: N times cms_decrypt of one forged package (RSA-OAEP-SHA256 key transport,
 * AES-256-CBC content) and N JWS receipt signatures (RS256), first with the file key, then
 * through the token (C_Decrypt, C_Sign). End to end: LETTERS letters taken in by `trykk run`
 * with the file key, then LETTERS more with the token key (the verifying child asks the
 * engine for the key transport); that run also plans the letters, so it is slower than
 * decrypt + sign alone. Prints operations and letters per second. Not a test.
 */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <glib/gstdio.h>
#include "common/fixture.h"
#include "crypto/crypto.h"
#include "pkcs11/token.h"

#define PIN "bench-pin"

static double now_s(void)
{
    struct timeval t;

    gettimeofday(&t, NULL);
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

/* Seconds for n decryptions and n signatures with key. */
static void in_process(const char *what, EVP_PKEY *key, X509 *cert, const struct bytes *cms,
                       int n)
{
    struct keypair kp = {key, cert};
    double t0 = now_s(), t1, t2;
    int i;

    for (i = 0; i < n; i++) {
        struct bytes plain;
        struct reason r = {0};
        g_assert_cmpint(cms_decrypt(&kp, 1, cms, 50 << 20, &plain, &r), ==, 0);
        bytes_wipe_free(&plain);
    }
    t1 = now_s();
    for (i = 0; i < n; i++) {
        char *jws = jws_sign_x5c("RS256", "{\"kvittering\":1}", 16, key, cert);
        g_assert_nonnull(jws);
        g_free(jws);
    }
    t2 = now_s();
    printf("%-12s decrypt %8.1f /s   sign %8.1f /s   decrypt+sign %8.1f letters/s\n", what,
           n / (t1 - t0), n / (t2 - t1), n / (t2 - t0));
}

static void write_conf(struct fixture *f, const char *key, const char *p11)
{
    char *text = g_strdup_printf("[provider]\norgnr=" FX_PROVIDER "\nkey=%s\n"
                                 "cert=keys/provider-cert.pem\n%s\n[trust]\nanchors=anchors\n"
                                 "check_time=now\nmax_skew_days=7\n[spool]\nroot=spool\n", key,
                                 p11 ? p11 : "");

    g_assert_true(g_file_set_contents(f->conf, text, -1, NULL));
    g_chmod(f->conf, 0600);
    g_free(text);
}

static void end_to_end(struct fixture *f, const char *what, int letters)
{
    const char *run[] = {"run", NULL};
    double t0;
    int i;

    for (i = 0; i < letters; i++) {
        struct forge_letter l;
        char *name = g_strdup_printf("%s-%d", what, i);
        fx_letter(f, &l);
        fx_drop_letter(f, name, 'b', &l);
        g_free(name);
    }
    t0 = now_s();
    g_assert_cmpint(fx_trykk(f, NULL, run, NULL), ==, 0);
    printf("%-12s trykk run: %d letters in %.2f s, %.1f letters/s (intake, receipts, planning)\n",
           what, letters, now_s() - t0, letters / (now_s() - t0));
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 300, letters = argc > 2 ? atoi(argv[2]) : 60;
    struct fixture fx;
    struct forge_letter l;
    struct bytes cms;
    char *jwt = NULL, *db, *pins, *p11, *err = NULL, *params;
    EVP_PKEY *token_key = NULL;

    fx_init(&fx, NULL);
    db = g_build_filename(fx.root, "nssdb", NULL);
    pins = g_build_filename(fx.root, "token.pin", NULL);
    tok_nss_create(db, PIN);
    tok_nss_import(db, PIN, "provider", fx.provider.key, fx.provider.cert);
    tok_write_pin(pins, PIN);
    fx_letter(&fx, &l);
    g_assert_cmpint(forge_letter_build(&l, &jwt, &cms), ==, 0);
    printf("package %zu bytes, RSA-2048, %d operations each\n", cms.len, n);
    in_process("file key", fx.provider.key, fx.provider.cert, &cms, n);
    params = g_strdup_printf("configdir='sql:%s' certPrefix='' keyPrefix='' secmod='secmod.db' "
                             "flags=readOnly", db);
    {
        struct p11_setup s = {SOFTOKN_MODULE, params, pins, NULL};
        g_assert_cmpint(p11_open(&s, &err), ==, 0);
    }
    g_assert_cmpint(key_load(&token_key, "pkcs11:token=NSS%20Certificate%20DB;object=provider",
                             &err), ==, 0);
    in_process("softokn", token_key, fx.provider.cert, &cms, n);
    EVP_PKEY_free(token_key);
    p11_close();
    end_to_end(&fx, "file key", letters);
    p11 = tok_nss_config(db, pins);
    write_conf(&fx, "pkcs11:token=NSS%20Certificate%20DB;object=provider", p11);
    end_to_end(&fx, "softokn", letters);
    bytes_free(&cms);
    g_free(jwt);
    g_free(p11);
    g_free(params);
    g_free(db);
    g_free(pins);
    fx_free(&fx);
    return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trust.c - certificate policy: the signer's chain ends at a configured trust anchor and
 * every certificate is valid at the chosen time.
 *
 * Anchors are every certificate (PEM or DER, several per PEM file allowed) in one directory.
 * Partial chains are allowed, so an operator can pin a sender's leaf or an intermediate by
 * putting it in that directory. Certificates from x5c or KeyInfo are untrusted
 * intermediates only; they never become anchors.
 */
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "crypto.h"

struct trust {
    X509_STORE *store;
    int count;
};

static int add_file(struct trust *t, const char *path)
{
    struct bytes b = {0};
    BIO *bio;
    X509 *c;
    int added = 0;

    if (fsio_read_file(path, 4 << 20, &b) < 0)
        return 0;
    bio = BIO_new_mem_buf(b.data, (int)b.len);
    while ((c = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        added += X509_STORE_add_cert(t->store, c) == 1;
        X509_free(c);
    }
    BIO_free(bio);
    if (added == 0 && (c = cert_from_der(b.data, b.len)) != NULL) {
        added += X509_STORE_add_cert(t->store, c) == 1;
        X509_free(c);
    }
    ERR_clear_error();
    bytes_free(&b);
    return added;
}

int trust_load(struct trust **out, const char *dir, char **err)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    struct trust *t;

    *out = NULL;
    if (!d) {
        *err = g_strdup_printf("trust anchors: cannot open directory %s", dir);
        return -1;
    }
    t = g_new0(struct trust, 1);
    t->store = X509_STORE_new();
    while ((name = g_dir_read_name(d)) != NULL) {
        char *path;
        if (name[0] == '.')
            continue;
        path = g_build_filename(dir, name, NULL);
        t->count += add_file(t, path);
        g_free(path);
    }
    g_dir_close(d);
    if (t->count == 0) {
        *err = g_strdup_printf("trust anchors: no certificates in %s", dir);
        trust_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

void trust_free(struct trust *t)
{
    if (!t)
        return;
    X509_STORE_free(t->store);
    g_free(t);
}

static bool expiry_error(int e)
{
    return e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID;
}

static int check_key_usage(X509 *leaf, struct reason *r)
{
    uint32_t ku = X509_get_key_usage(leaf);

    if (ku != UINT32_MAX && !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
        reason_fail(r, "cert-untrusted", "the signer certificate may not be used for signatures");
        return -1;
    }
    return 0;
}

int trust_verify(struct trust *t, X509 *leaf, STACK_OF(X509) *untrusted, GDateTime *at,
                 struct reason *r)
{
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_VERIFY_PARAM *param;
    int ok, e;

    X509_STORE_CTX_init(ctx, t->store, leaf, untrusted);
    param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    X509_VERIFY_PARAM_set_time(param, (time_t)g_date_time_to_unix(at));
    ok = X509_verify_cert(ctx) == 1;
    e = X509_STORE_CTX_get_error(ctx);
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    if (!ok && expiry_error(e)) {
        reason_fail(r, "cert-expired", "the signer certificate chain is not valid at the check "
                    "time (%s)", X509_verify_cert_error_string(e));
        return -1;
    }
    if (!ok) {
        reason_fail(r, "cert-untrusted", "the signer certificate does not chain to a trusted "
                    "anchor (%s)", X509_verify_cert_error_string(e));
        return -1;
    }
    return check_key_usage(leaf, r);
}

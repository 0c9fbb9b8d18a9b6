/* SPDX-License-Identifier: Apache-2.0 */
/*
 * keys.c - loading keys and certificates; certificate identity.
 *
 * Private keys are loaded through OSSL_STORE (a PEM/DER file path, a "file:" URI, or another
 * store URI a configured provider handles), except "pkcs11:" URIs: those go to trykk's own
 * PKCS#11 backend (p11_key.c), and the key never leaves its token.
 */
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/store.h>
#include <openssl/x509v3.h>
#include "crypto.h"

static char *openssl_error(const char *what, const char *where)
{
    unsigned long e = ERR_get_error();
    char buf[256] = "";

    if (e)
        ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return g_strdup_printf("%s %s%s%s", what, where, *buf ? ": " : "", buf);
}

int key_load(EVP_PKEY **out, const char *uri, char **err)
{
    OSSL_STORE_CTX *ctx;
    EVP_PKEY *key = NULL;

    if (g_str_has_prefix(uri, "pkcs11:"))
        return p11_key_load(out, uri, err);
    ctx = OSSL_STORE_open(uri, NULL, NULL, NULL, NULL);
    *out = NULL;
    if (!ctx) {
        *err = openssl_error("cannot open key", uri);
        return -1;
    }
    while (!key && !OSSL_STORE_eof(ctx)) {
        OSSL_STORE_INFO *info = OSSL_STORE_load(ctx);
        if (!info)
            break;
        if (OSSL_STORE_INFO_get_type(info) == OSSL_STORE_INFO_PKEY)
            key = OSSL_STORE_INFO_get1_PKEY(info);
        OSSL_STORE_INFO_free(info);
    }
    OSSL_STORE_close(ctx);
    if (!key) {
        *err = openssl_error("no private key in", uri);
        return -1;
    }
    ERR_clear_error();
    *out = key;
    return 0;
}

X509 *cert_from_der(const unsigned char *der, size_t len)
{
    const unsigned char *p = der;
    X509 *cert = cert_cache_get(der, len);

    if (cert)
        return cert;
    cert = d2i_X509(NULL, &p, (long)len);
    if (cert && p != der + len) { /* trailing bytes */
        X509_free(cert);
        cert = NULL;
    }
    ERR_clear_error();
    if (cert)
        cert_note(der, len);
    return cert;
}

int cert_load(X509 **out, const char *path, char **err)
{
    struct bytes b = {0};
    BIO *bio;
    int rc = fsio_read_file(path, 1 << 20, &b);

    *out = NULL;
    if (rc < 0) {
        *err = g_strdup_printf("cannot read certificate %s: %s", path, g_strerror(-rc));
        return -1;
    }
    bio = BIO_new_mem_buf(b.data, (int)b.len);
    *out = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (!*out)
        *out = cert_from_der(b.data, b.len);
    bytes_free(&b);
    ERR_clear_error();
    if (!*out) {
        *err = g_strdup_printf("%s is not a PEM or DER certificate", path);
        return -1;
    }
    return 0;
}

char *cert_der_b64(X509 *cert)
{
    unsigned char *der = NULL;
    int n = i2d_X509(cert, &der);
    char *s;

    if (n <= 0)
        log_panic("cannot encode a certificate");
    s = b64_encode(der, (size_t)n);
    OPENSSL_free(der);
    return s;
}

bool cert_matches_key(X509 *cert, EVP_PKEY *key)
{
    EVP_PKEY *pub = X509_get0_pubkey(cert);

    return pub && EVP_PKEY_eq(pub, key) == 1;
}

static char *entry_text(X509_NAME_ENTRY *e)
{
    ASN1_STRING *data = X509_NAME_ENTRY_get_data(e);
    unsigned char *utf8 = NULL;
    int n = ASN1_STRING_to_UTF8(&utf8, data);
    char *s;

    if (n < 0)
        return NULL;
    s = g_strndup((const char *)utf8, (gsize)n);
    OPENSSL_free(utf8);
    return s;
}

static char *orgnr_from_entry(X509_NAME *name, int nid, const char *prefix)
{
    int i = -1;
    char *found = NULL;

    while (!found && (i = X509_NAME_get_index_by_NID(name, nid, i)) >= 0) {
        char *text = entry_text(X509_NAME_get_entry(name, i));
        if (text && g_str_has_prefix(text, prefix))
            found = text_orgnr_digits(text + strlen(prefix));
        g_free(text);
    }
    return found;
}

char *cert_orgnr(X509 *cert)
{
    X509_NAME *subject = X509_get_subject_name(cert);
    char *org = orgnr_from_entry(subject, NID_organizationIdentifier, "NTRNO-");

    if (!org)
        org = orgnr_from_entry(subject, NID_serialNumber, "");
    return org;
}

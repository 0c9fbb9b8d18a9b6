/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pki.c - RSA keys and X.509 certificates for tests and the demo.
 */
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include "forge.h"

EVP_PKEY *forge_rsa(int bits)
{
    EVP_PKEY *k = EVP_RSA_gen((unsigned int)bits);

    if (!k)
        log_panic("RSA key generation failed");
    return k;
}

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;

    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!ext)
        log_panic("cannot make extension %d", nid);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

static void set_serial(X509 *cert)
{
    unsigned char rnd[8];
    BIGNUM *bn;

    RAND_bytes(rnd, sizeof rnd);
    rnd[0] &= 0x7f;
    bn = BN_bin2bn(rnd, sizeof rnd, NULL);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
    BN_free(bn);
}

X509 *forge_cert(const char *cn, const char *orgnr, EVP_PKEY *key, EVP_PKEY *issuer_key,
                 X509 *issuer, gint64 not_before, gint64 not_after, bool ca)
{
    X509 *c = X509_new();
    X509_NAME *name = X509_NAME_new();

    X509_set_version(c, 2);
    set_serial(c);
    ASN1_TIME_set(X509_getm_notBefore(c), (time_t)not_before);
    ASN1_TIME_set(X509_getm_notAfter(c), (time_t)not_after);
    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, (const unsigned char *)"NO", -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
    if (orgnr) {
        char *oi = g_strdup_printf("NTRNO-%s", orgnr);
        X509_NAME_add_entry_by_NID(name, NID_organizationIdentifier, MBSTRING_UTF8,
                                   (const unsigned char *)oi, -1, -1, 0);
        g_free(oi);
    }
    X509_set_subject_name(c, name);
    X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
    X509_NAME_free(name);
    X509_set_pubkey(c, key);
    add_ext(c, issuer ? issuer : c, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
    add_ext(c, issuer ? issuer : c, NID_key_usage,
            ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment");
    add_ext(c, issuer ? issuer : c, NID_subject_key_identifier, "hash");
    if (!X509_sign(c, issuer_key ? issuer_key : key, EVP_sha256()))
        log_panic("cannot sign a test certificate");
    return c;
}

int forge_write_key(const char *path, EVP_PKEY *key)
{
    BIO *b = BIO_new(BIO_s_mem());
    BUF_MEM *mem;
    int rc;

    PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL);
    BIO_get_mem_ptr(b, &mem);
    rc = g_file_set_contents_full(path, mem->data, (gssize)mem->length,
                                  G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL) ? 0 : -1;
    BIO_free(b);
    return rc;
}

int forge_write_cert(const char *path, X509 *cert)
{
    BIO *b = BIO_new(BIO_s_mem());
    BUF_MEM *mem;
    int rc;

    PEM_write_bio_X509(b, cert);
    BIO_get_mem_ptr(b, &mem);
    rc = g_file_set_contents_full(path, mem->data, (gssize)mem->length,
                                  G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL) ? 0 : -1;
    BIO_free(b);
    return rc;
}

void forge_party_free(struct forge_party *p)
{
    EVP_PKEY_free(p->key);
    X509_free(p->cert);
    if (p->chain)
        sk_X509_pop_free(p->chain, X509_free);
    p->key = NULL;
    p->cert = NULL;
    p->chain = NULL;
}

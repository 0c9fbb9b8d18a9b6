/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jws.c - JWS compact serialisation: split, decode, verify (RS256/RS384/RS512 with the
 * signer's certificate in x5c) and sign.
 *
 * The algorithm comes from an allowlist checked against the header; it is never taken from
 * anywhere else, so "none" and HMAC algorithms cannot be smuggled in. The signature input is
 * the received "header.payload" bytes exactly as they arrived.
 */
#include <string.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include "crypto.h"

#define JWS_HEADER_CAP (64 * 1024)
#define JWS_MAX_X5C 10

int jws_split(struct jws *j, const char *s, size_t len)
{
    const char *d1 = memchr(s, '.', len);
    const char *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - s)) : NULL;

    if (!d1 || !d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - s)))
        return -1;
    j->input = s;
    j->len = len;
    j->dot1 = (size_t)(d1 - s);
    j->dot2 = (size_t)(d2 - s);
    return 0;
}

static json_t *decode_json(const char *s, size_t len, size_t cap)
{
    struct bytes raw = {0};
    json_t *v;
    json_error_t jerr;

    if (len > cap * 4 / 3 + 4 || b64url_decode(s, len, &raw) < 0)
        return NULL;
    v = json_loadb((const char *)raw.data, raw.len, JSON_REJECT_DUPLICATES, &jerr);
    bytes_free(&raw);
    if (v && !json_is_object(v)) {
        json_decref(v);
        v = NULL;
    }
    return v;
}

int jws_payload(const struct jws *j, size_t cap, json_t **out)
{
    *out = decode_json(j->input + j->dot1 + 1, j->dot2 - j->dot1 - 1, cap);
    return *out ? 0 : -1;
}

static const EVP_MD *alg_md(const char *alg)
{
    if (!alg)
        return NULL;
    if (strcmp(alg, "RS256") == 0)
        return EVP_sha256();
    if (strcmp(alg, "RS384") == 0)
        return EVP_sha384();
    if (strcmp(alg, "RS512") == 0)
        return EVP_sha512();
    return NULL;
}

static X509 *x5c_cert(json_t *item)
{
    struct bytes der = {0};
    X509 *cert;
    const char *s = json_string_value(item);

    if (!s || b64_decode_strict(s, strlen(s), false, &der) < 0)
        return NULL;
    cert = cert_from_der(der.data, der.len);
    bytes_free(&der);
    return cert;
}

/* Parse x5c: [leaf, untrusted intermediates…]. */
static int header_certs(json_t *header, X509 **signer, STACK_OF(X509) **chain,
                        struct reason *r)
{
    json_t *x5c = json_object_get(header, "x5c");
    size_t i;

    if (!json_is_array(x5c) || json_array_size(x5c) == 0 || json_array_size(x5c) > JWS_MAX_X5C) {
        reason_fail(r, "jwt-header", "JWS header has no usable x5c certificate list");
        return -1;
    }
    *chain = sk_X509_new_null();
    for (i = 0; i < json_array_size(x5c); i++) {
        X509 *c = x5c_cert(json_array_get(x5c, i));
        if (!c) {
            reason_fail(r, "jwt-header", "x5c[%zu] is not a base64 DER certificate", i);
            return -1;
        }
        if (i == 0)
            *signer = c;
        else
            sk_X509_push(*chain, c);
    }
    return 0;
}

static int check_rsa_key(X509 *signer, struct reason *r)
{
    EVP_PKEY *pub = X509_get0_pubkey(signer);

    if (!pub || EVP_PKEY_get_base_id(pub) != EVP_PKEY_RSA) {
        reason_fail(r, "jwt-signature", "the x5c signer key is not an RSA key");
        return -1;
    }
    if (EVP_PKEY_get_bits(pub) < 2048) {
        reason_fail(r, "jwt-signature", "the x5c signer key is shorter than 2048 bits");
        return -1;
    }
    return 0;
}

static int verify_sig(const struct jws *j, X509 *signer, const EVP_MD *md, struct reason *r)
{
    const char *sig_b64 = j->input + j->dot2 + 1;
    struct bytes sig = {0};
    EVP_MD_CTX *ctx;
    int ok;

    if (b64url_decode(sig_b64, j->len - j->dot2 - 1, &sig) < 0 || sig.len == 0) {
        reason_fail(r, "jwt-signature", "the JWS signature is not base64url");
        return -1;
    }
    ctx = EVP_MD_CTX_new();
    ok = EVP_DigestVerifyInit(ctx, NULL, md, NULL, X509_get0_pubkey(signer)) == 1 &&
         EVP_DigestVerify(ctx, sig.data, sig.len, (const unsigned char *)j->input, j->dot2) == 1;
    EVP_MD_CTX_free(ctx);
    bytes_free(&sig);
    ERR_clear_error();
    if (!ok) {
        reason_fail(r, "jwt-signature", "the business message signature does not verify");
        return -1;
    }
    return 0;
}

/*
 * jws_verify - check the header (alg allowlist, no crit, x5c) and the signature. On success
 * *signer and *chain belong to the caller (X509_free, OSSL_STACK_OF_X509_free).
 */
int jws_verify(const struct jws *j, X509 **signer, STACK_OF(X509) **chain, struct reason *r)
{
    json_t *header = decode_json(j->input, j->dot1, JWS_HEADER_CAP);
    const EVP_MD *md;
    int rc = -1;

    *signer = NULL;
    *chain = NULL;
    if (!header) {
        reason_fail(r, "jwt-header", "the JWS header is not a base64url JSON object");
        return -1;
    }
    md = alg_md(json_string_value(json_object_get(header, "alg")));
    if (!md)
        reason_fail(r, "jwt-alg", "JWS alg must be RS256, RS384 or RS512");
    else if (json_object_get(header, "crit"))
        reason_fail(r, "jwt-header", "JWS header has critical extensions (crit)");
    else if (header_certs(header, signer, chain, r) == 0 && check_rsa_key(*signer, r) == 0)
        rc = verify_sig(j, *signer, md, r);
    json_decref(header);
    if (rc < 0) {
        X509_free(*signer);
        sk_X509_pop_free(*chain, X509_free);
        *signer = NULL;
        *chain = NULL;
    }
    return rc;
}

char *jws_sign(const char *header_json, const void *payload, size_t len, EVP_PKEY *key,
               const EVP_MD *md)
{
    char *h = b64url_encode(header_json, strlen(header_json));
    char *p = b64url_encode(payload, len);
    char *input = g_strconcat(h, ".", p, NULL);
    unsigned char *sig = NULL;
    size_t siglen = 0;
    char *s = NULL, *out = NULL;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();

    if (EVP_DigestSignInit(ctx, NULL, md, NULL, key) == 1 &&
        EVP_DigestSign(ctx, NULL, &siglen, (unsigned char *)input, strlen(input)) == 1) {
        sig = g_malloc(siglen);
        if (EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)input, strlen(input)) == 1) {
            s = b64url_encode(sig, siglen);
            out = g_strconcat(input, ".", s, NULL);
        }
    }
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    g_free(h);
    g_free(p);
    g_free(input);
    g_free(sig);
    g_free(s);
    return out;
}

/* The header form of Digdir's generator: {"x5c":[<leaf>],"alg":"RS256"}. */
char *jws_sign_x5c(const char *alg, const void *payload, size_t len, EVP_PKEY *key, X509 *cert)
{
    char *der = cert_der_b64(cert);
    char *header = g_strdup_printf("{\"x5c\":[\"%s\"],\"alg\":\"%s\"}", der, alg);
    const EVP_MD *md = alg_md(alg);
    char *out = md ? jws_sign(header, payload, len, key, md) : NULL;

    g_free(der);
    g_free(header);
    return out;
}

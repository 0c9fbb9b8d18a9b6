/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crypto.h - every signature, certificate and key operation of trykk.
 *
 * This is the only module that touches private keys. It verifies the business message
 * (JWS), the certificate policy (chain, time, organisation number), the package fingerprint,
 * decrypts the CMS package in memory, verifies the ASiC-E's XAdES signature, and signs
 * receipts. Inputs arrive as bytes or parsed values; nothing here writes to disk.
 */
#ifndef TRYKK_CRYPTO_H
#define TRYKK_CRYPTO_H

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <libxml/tree.h>
#include "../util/reason.h"
#include "../util/util.h"

int crypto_init(void);
void crypto_shutdown(void);

/* ---- keys and certificates (keys.c) ---------------------------------------------------- */
/* A private key by file path or OSSL_STORE URI (file:, pkcs11: with a provider). */
int key_load(EVP_PKEY **out, const char *uri, char **err);
/* A certificate file in PEM or DER. */
int cert_load(X509 **out, const char *path, char **err);
X509 *cert_from_der(const unsigned char *der, size_t len);

/* certcache.c: decoded certificates the engine keeps for the children it forks, keyed by
 * the SHA-256 of their DER (and the bytes themselves). cert_from_der looks here first.
 * cert_cache_get: a new reference, or NULL unless those exact bytes were put. cert_cache_put
 * decodes and keeps (the oldest of CERT_CACHE_MAX goes): 0, or -1 when der is no certificate
 * or longer than CERT_DER_MAX. In a child, cert_note_start makes cert_from_der note the DER
 * it decodes (at most a few); cert_noted gives them (struct bytes *), NULL when not started. */
#define CERT_DER_MAX (16u << 10)
X509 *cert_cache_get(const unsigned char *der, size_t len);
int cert_cache_put(const unsigned char *der, size_t len);
void cert_cache_clear(void);
void cert_note_start(void);
void cert_note(const unsigned char *der, size_t len);
GPtrArray *cert_noted(void);
char *cert_der_b64(X509 *cert);
bool cert_matches_key(X509 *cert, EVP_PKEY *key);
/* 9-digit organisation number from organizationIdentifier NTRNO-… or serialNumber. */
char *cert_orgnr(X509 *cert);

/* ---- PKCS#11 keys (p11.c, p11_uri.c, p11_key.c) ----------------------------------------- */
/* The module of [pkcs11]: its path, NSS-style init parameters (or NULL), and where the PIN
 * comes from (a file's first line, or an environment variable; NULL: no login). */
struct p11_setup {
    const char *module, *parameters, *pin_file, *pin_env;
};
int p11_open(const struct p11_setup *s, char **err);
bool p11_is_open(void);
void p11_close(void);
/* key_load for a pkcs11: URI: the key stays on the token (an EVP_PKEY signing through it). */
int p11_key_load(EVP_PKEY **out, const char *uri, char **err);
bool key_is_p11(EVP_PKEY *key);
/* C_Decrypt with CKM_RSA_PKCS_OAEP (hash md_nid, MGF1 with mgf1_nid) of an encrypted key. */
int p11_unwrap(EVP_PKEY *key, int md_nid, int mgf1_nid, const struct bytes *enc,
               struct bytes *cek, struct reason *r);
/* Send p11_unwrap elsewhere (the verifying child asks the engine, which holds the session). */
typedef int (*unwrap_route_fn)(void *ctx, EVP_PKEY *key, int md_nid, int mgf1_nid,
                               const struct bytes *enc, struct bytes *cek, struct reason *r);
void p11_route_unwrap(unwrap_route_fn fn, void *ctx);
/* At start, for a token key: decrypt (OAEP SHA-256) and/or sign (RS256) a test value
 * against cert. File keys pass without a test. what names the key in the message. */
int key_check(EVP_PKEY *key, X509 *cert, bool decrypt, bool sign, const char *what, char **err);

/* A decryption key with the certificate senders encrypt to. */
struct keypair {
    EVP_PKEY *key;
    X509 *cert;
};

/* ---- JWS compact serialisation (jws.c) -------------------------------------------------- */
struct jws {
    const char *input; /* not owned */
    size_t len;
    size_t dot1, dot2; /* offsets of the two dots */
};

int jws_split(struct jws *j, const char *s, size_t len);
int jws_payload(const struct jws *j, size_t cap, json_t **out);
int jws_verify(const struct jws *j, X509 **signer, STACK_OF(X509) **chain, struct reason *r);
char *jws_sign(const char *header_json, const void *payload, size_t len, EVP_PKEY *key,
               const EVP_MD *md);
char *jws_sign_x5c(const char *alg, const void *payload, size_t len, EVP_PKEY *key, X509 *cert);

/* ---- certificate policy (trust.c) -------------------------------------------------------- */
struct trust;

int trust_load(struct trust **out, const char *dir, char **err);
void trust_free(struct trust *t);
int trust_verify(struct trust *t, X509 *leaf, STACK_OF(X509) *untrusted, GDateTime *at,
                 struct reason *r);

/* ---- package (cms.c) ---------------------------------------------------------------------- */
int fingerprint_check(const char *method, const char *value_b64, const struct bytes *cms,
                      struct reason *r);
int cms_decrypt(const struct keypair *keys, size_t nkeys, const struct bytes *in, size_t cap,
                struct bytes *plain, struct reason *r);

/* ---- XAdES over an ASiC-E package (xades.c) --------------------------------------------- */
struct xades_package {
    const struct bytes *signatures_xml;
    const char *const *entries; /* every entry name in the zip */
    size_t n_entries;
    /* Read one entry (caps enforced by the reader); the bytes stay owned by the reader. */
    int (*read)(void *ctx, const char *name, const struct bytes **out, struct reason *r);
    void *ctx;
};

int xades_verify(const struct xades_package *pkg, X509 *signer, struct reason *r);

/* Sender side (used by the forge for tests and the demo). Flags select the older style of
 * Digdir's 2014 clients: c14n 1.1 and the "2918" ASiC namespace. */
#define XADES_C14N11 1
#define XADES_NS_2918 2
/* tests only: the signed SignedProperties named by a namespaced w:Id, a decoy beside it */
#define XADES_WRAP_NSID 4
int xades_sign(const struct xades_package *pkg, EVP_PKEY *key, X509 *cert,
               STACK_OF(X509) *chain, const char *signing_time, int flags, struct bytes *out);

/* ---- enveloped XML-DSig of legacy SDP messages and receipts (xmldsig.c) ------------------ */
/* Verify the signature that must be the first child of business (exc-c14n, RSA-SHA256, one
 * Reference URI="" with the enveloped transform, SHA-256). The signer and any further
 * KeyInfo certificates come back for the trust check (the caller's). */
int xmldsig_verify(xmlDocPtr doc, xmlNodePtr business, X509 **signer, STACK_OF(X509) **chain,
                   struct reason *r);
/* Sign doc the same way; the ds:Signature becomes business's first child. */
int xmldsig_sign(xmlDocPtr doc, xmlNodePtr business, EVP_PKEY *key, X509 *cert);

/* allocwatch.c: route OpenSSL's allocator through a watcher (call first thing in main;
 * false when OpenSSL has already allocated); whether an allocation was refused since. */
bool crypto_watch_allocations(void);
bool crypto_allocation_refused(void);

#endif

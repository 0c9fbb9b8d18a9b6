/* SPDX-License-Identifier: Apache-2.0 */
/*
 * p11_key.c - an RSA key that lives on a PKCS#11 token.
 *
 * The key object is found by label (object=) and/or CKA_ID (id=); when no private key has the
 * label, the certificate object of that label lends its CKA_ID (NSS's pk12util labels the
 * certificate, not always the key). Only the public modulus and exponent are read. The key
 * becomes an EVP_PKEY whose RSA method sends private operations to the token:
 *   - signing (JWS RS256, XML-DSig rsa-sha256): OpenSSL hashes, the token signs the
 *     DigestInfo with C_Sign(CKM_RSA_PKCS), the same bytes CKM_SHA256_RSA_PKCS gives;
 *   - key transport (CMS): p11_unwrap, C_Decrypt(CKM_RSA_PKCS_OAEP) with explicit hash and
 *     MGF1 parameters, called by cms.c; OpenSSL's own RSA decryption is refused for these
 *     keys, since it would need the raw private key.
 * The method is OpenSSL's RSA_METHOD (deprecated in 3.0, still how a foreign key is made
 * without writing a provider); the deprecation warnings are silenced in this file only.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <string.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include "p11.h"

struct p11_key {
    CK_SESSION_HANDLE session;
    CK_OBJECT_HANDLE object;
    char *name; /* the URI, for messages */
};

static RSA_METHOD *method;
static int ex_index = -1;
static unwrap_route_fn route;
static void *route_ctx;

static void free_key(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    struct p11_key *k = ptr;

    if (k) {
        g_free(k->name);
        g_free(k);
    }
}

static struct p11_key *key_of(const RSA *rsa)
{
    return rsa && ex_index >= 0 ? RSA_get_ex_data(rsa, ex_index) : NULL;
}

/* Ours are legacy RSA keys; a provider's key (every file key) is never asked for its RSA,
 * which would make OpenSSL build and cache a legacy copy of it. */
static struct p11_key *p11_of(EVP_PKEY *key)
{
    return key && !EVP_PKEY_get0_provider(key) && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA
               ? key_of(EVP_PKEY_get0_RSA(key))
               : NULL;
}

bool key_is_p11(EVP_PKEY *key)
{
    return p11_of(key) != NULL;
}

/* C_SignInit + C_Sign of data (a DER DigestInfo) with CKM_RSA_PKCS. */
static int token_sign(struct p11_key *k, const unsigned char *data, size_t len, unsigned char *sig,
                      size_t *siglen)
{
    CK_FUNCTION_LIST *f = p11_functions();
    CK_MECHANISM m = {CKM_RSA_PKCS, NULL, 0};
    CK_ULONG n = *siglen;
    CK_RV rv;

    p11_lock();
    rv = f->C_SignInit(k->session, &m, k->object);
    if (rv == CKR_OK)
        rv = f->C_Sign(k->session, (CK_BYTE *)data, len, sig, &n);
    p11_unlock();
    if (rv != CKR_OK) {
        log_error("PKCS#11 key %s: C_Sign failed (%s)", k->name, p11_rv_name(rv));
        return -1;
    }
    *siglen = n;
    return 0;
}

static int rsa_sign(int type, const unsigned char *m, unsigned int m_len, unsigned char *sigret,
                    unsigned int *siglen, const RSA *rsa)
{
    struct p11_key *k = key_of(rsa);
    X509_SIG *di = X509_SIG_new();
    X509_ALGOR *alg;
    ASN1_OCTET_STRING *digest;
    unsigned char *der = NULL;
    size_t n = (size_t)RSA_size(rsa);
    int len = -1, ok = 0;

    X509_SIG_getm(di, &alg, &digest);
    if (k && X509_ALGOR_set0(alg, OBJ_nid2obj(type), V_ASN1_NULL, NULL) &&
        ASN1_OCTET_STRING_set(digest, m, (int)m_len))
        len = i2d_X509_SIG(di, &der);
    if (len > 0 && token_sign(k, der, (size_t)len, sigret, &n) == 0) {
        *siglen = (unsigned int)n;
        ok = 1;
    }
    OPENSSL_free(der);
    X509_SIG_free(di);
    return ok;
}

static int rsa_no_private(int flen, const unsigned char *from, unsigned char *to, RSA *rsa,
                          int padding)
{
    log_error("a PKCS#11 key was asked for a raw RSA private operation; refused");
    return -1;
}

static int setup_method(void)
{
    if (method)
        return 0;
    ex_index = RSA_get_ex_new_index(0, NULL, NULL, NULL, free_key);
    method = RSA_meth_dup(RSA_PKCS1_OpenSSL());
    if (ex_index < 0 || !method || RSA_meth_set1_name(method, "trykk PKCS#11") != 1 ||
        RSA_meth_set_sign(method, rsa_sign) != 1 ||
        RSA_meth_set_priv_dec(method, rsa_no_private) != 1 ||
        RSA_meth_set_priv_enc(method, rsa_no_private) != 1)
        return -1;
    return 0;
}

/* Objects of class cls matching the label and/or id; *n found (at most 2 looked for). */
static int find(CK_SESSION_HANDLE s, CK_OBJECT_CLASS cls, const char *label,
                const unsigned char *id, size_t id_len, CK_OBJECT_HANDLE out[2], CK_ULONG *n)
{
    CK_FUNCTION_LIST *f = p11_functions();
    CK_ATTRIBUTE t[3] = {{CKA_CLASS, &cls, sizeof cls}};
    CK_ULONG nt = 1;
    CK_RV rv;

    if (label)
        t[nt++] = (CK_ATTRIBUTE){CKA_LABEL, (void *)label, strlen(label)};
    if (id)
        t[nt++] = (CK_ATTRIBUTE){CKA_ID, (void *)id, id_len};
    *n = 0;
    if ((rv = f->C_FindObjectsInit(s, t, nt)) != CKR_OK)
        return -1;
    rv = f->C_FindObjects(s, out, 2, n);
    f->C_FindObjectsFinal(s);
    return rv == CKR_OK ? 0 : -1;
}

/* An attribute's value, allocated; NULL when it cannot be read. */
static unsigned char *attr(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type,
                           CK_ULONG *len)
{
    CK_FUNCTION_LIST *f = p11_functions();
    CK_ATTRIBUTE a = {type, NULL, 0};
    unsigned char *v;

    if (f->C_GetAttributeValue(s, o, &a, 1) != CKR_OK || a.ulValueLen == (CK_ULONG)-1 ||
        a.ulValueLen == 0)
        return NULL;
    v = g_malloc(a.ulValueLen);
    a.pValue = v;
    if (f->C_GetAttributeValue(s, o, &a, 1) != CKR_OK) {
        g_free(v);
        return NULL;
    }
    *len = a.ulValueLen;
    return v;
}

static int find_key(CK_SESSION_HANDLE s, const struct p11_uri *u, CK_OBJECT_HANDLE *out,
                    const char *uri, char **err)
{
    CK_OBJECT_HANDLE h[2];
    CK_ULONG n = 0, id_len = 0;
    unsigned char *id;

    if (find(s, CKO_PRIVATE_KEY, u->object, u->id, u->id_len, h, &n) < 0)
        n = 0;
    if (n == 0 && u->object && !u->id &&
        find(s, CKO_CERTIFICATE, u->object, NULL, 0, h, &n) == 0 && n == 1) {
        n = 0;
        if ((id = attr(s, h[0], CKA_ID, &id_len)) && find(s, CKO_PRIVATE_KEY, NULL, id, id_len, h,
                                                         &n) < 0)
            n = 0;
        g_free(id);
    }
    if (n == 1) {
        *out = h[0];
        return 0;
    }
    *err = n == 0 ? g_strdup_printf("PKCS#11: no private key %s on its token (removed, or the "
                                    "label or id is wrong)", uri)
                  : g_strdup_printf("PKCS#11: more than one private key matches %s; add id=",
                                    uri);
    return -1;
}

/* The EVP_PKEY: the token key's modulus and exponent, our method, the handle as ex data. */
static EVP_PKEY *make_pkey(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, const char *uri, char **err)
{
    CK_ULONG nl = 0, el = 0;
    unsigned char *nb = attr(s, o, CKA_MODULUS, &nl), *eb = attr(s, o, CKA_PUBLIC_EXPONENT, &el);
    RSA *rsa = nb && eb ? RSA_new_method(NULL) : NULL;
    struct p11_key *k = g_new0(struct p11_key, 1);
    EVP_PKEY *pkey = NULL;

    k->session = s;
    k->object = o;
    k->name = g_strdup(uri);
    BIGNUM *d = BN_new();

    /* d is a placeholder (1), never used for arithmetic: every private operation goes through
     * the method, whose raw RSA refuses. xmlsec 1.2 on OpenSSL 3 asks a key for its
     * OSSL_PKEY_PARAM_RSA_D to decide whether it may sign (RSA_FLAG_EXT_PKEY is not read). */
    if (rsa && d && BN_one(d) && RSA_set_method(rsa, method) == 1 &&
        RSA_set0_key(rsa, BN_bin2bn(nb, (int)nl, NULL), BN_bin2bn(eb, (int)el, NULL), d) == 1 &&
        (d = NULL, true) &&
        RSA_set_ex_data(rsa, ex_index, k) == 1) {
        k = NULL; /* the RSA owns it now */
        RSA_set_flags(rsa, RSA_FLAG_EXT_PKEY);
        pkey = EVP_PKEY_new();
        if (pkey && EVP_PKEY_assign_RSA(pkey, rsa) == 1)
            rsa = NULL;
        else {
            EVP_PKEY_free(pkey);
            pkey = NULL;
        }
    }
    RSA_free(rsa);
    BN_free(d);
    if (k) {
        g_free(k->name);
        g_free(k);
    }
    g_free(nb);
    g_free(eb);
    ERR_clear_error();
    if (!pkey)
        *err = g_strdup_printf("PKCS#11 key %s is not an RSA key whose modulus and exponent can "
                               "be read", uri);
    return pkey;
}

int p11_key_load(EVP_PKEY **out, const char *uri, char **err)
{
    struct p11_uri u = {0};
    CK_SESSION_HANDLE s;
    CK_OBJECT_HANDLE o;
    int rc = -1;

    *out = NULL;
    if (setup_method() < 0) {
        *err = g_strdup("cannot set up the PKCS#11 RSA method");
        return -1;
    }
    if (p11_uri_parse(&u, uri, err) < 0)
        return -1;
    p11_lock();
    if (p11_session(&u, &s, err) == 0 && find_key(s, &u, &o, uri, err) == 0 &&
        (*out = make_pkey(s, o, uri, err)))
        rc = 0;
    p11_unlock();
    p11_uri_free(&u);
    return rc;
}

static CK_MECHANISM_TYPE hash_mech(int nid, CK_RSA_PKCS_MGF_TYPE *mgf)
{
    switch (nid) {
    case NID_sha1: *mgf = CKG_MGF1_SHA1; return CKM_SHA_1;
    case NID_sha256: *mgf = CKG_MGF1_SHA256; return CKM_SHA256;
    case NID_sha384: *mgf = CKG_MGF1_SHA384; return CKM_SHA384;
    case NID_sha512: *mgf = CKG_MGF1_SHA512; return CKM_SHA512;
    default: return CKM_VENDOR_DEFINED;
    }
}

void p11_route_unwrap(unwrap_route_fn fn, void *ctx)
{
    route = fn;
    route_ctx = ctx;
}

static void unwrap_failed(struct p11_key *k, CK_RV rv, bool init, int md, struct reason *r)
{
    if (!init && (rv == CKR_ENCRYPTED_DATA_INVALID || rv == CKR_ENCRYPTED_DATA_LEN_RANGE))
        reason_fail(r, "cms-invalid", "the package's key transport does not decrypt with our key "
                    "(damaged ciphertext or wrong key material)");
    else if (init && (rv == CKR_ARGUMENTS_BAD || rv == CKR_MECHANISM_PARAM_INVALID ||
                      rv == CKR_MECHANISM_INVALID))
        reason_internal(r, "pkcs11-oaep", "PKCS#11 module %s cannot decrypt RSA-OAEP with %s "
                        "and MGF1-%s (C_DecryptInit: %s); DPI packages are encrypted that way: "
                        "use a module that supports it (NSS softokn, a current HSM; SoftHSM 2.6 "
                        "does not)", p11_module_path(), OBJ_nid2sn(md), OBJ_nid2sn(md),
                        p11_rv_name(rv));
    else
        reason_internal(r, "pkcs11", "PKCS#11 key %s: C_Decrypt%s failed (%s)", k->name,
                        init ? "Init" : "", p11_rv_name(rv));
}

int p11_unwrap(EVP_PKEY *key, int md_nid, int mgf1_nid, const struct bytes *enc,
               struct bytes *cek, struct reason *r)
{
    struct p11_key *k = p11_of(key);
    CK_RSA_PKCS_MGF_TYPE mgf = 0, mgf_of_mgf1 = 0;
    CK_RSA_PKCS_OAEP_PARAMS prm = {hash_mech(md_nid, &mgf), 0, CKZ_DATA_SPECIFIED, NULL, 0};
    CK_MECHANISM m = {CKM_RSA_PKCS_OAEP, &prm, sizeof prm};
    CK_FUNCTION_LIST *f = p11_functions();
    unsigned char buf[1024];
    CK_ULONG n = sizeof buf;
    CK_RV rv;
    bool init = true;

    if (route)
        return route(route_ctx, key, md_nid, mgf1_nid, enc, cek, r);
    hash_mech(mgf1_nid, &mgf_of_mgf1);
    prm.mgf = mgf_of_mgf1;
    if (!k || prm.hashAlg == CKM_VENDOR_DEFINED || !mgf_of_mgf1) {
        reason_fail(r, "cms-invalid", "the OAEP hash is not SHA-1, SHA-256, SHA-384 or SHA-512");
        return -1;
    }
    p11_lock();
    rv = f->C_DecryptInit(k->session, &m, k->object);
    if (rv == CKR_OK) {
        init = false;
        rv = f->C_Decrypt(k->session, enc->data, enc->len, buf, &n);
    }
    p11_unlock();
    if (rv != CKR_OK) {
        unwrap_failed(k, rv, init, md_nid, r);
        return -1;
    }
    bytes_set(cek, buf, n);
    OPENSSL_cleanse(buf, sizeof buf);
    return 0;
}

/* Encrypt a random key to the certificate (OAEP SHA-256), unwrap it on the token. */
static int check_decrypt(EVP_PKEY *key, X509 *cert, char **err)
{
    unsigned char want[32], ct[1024];
    size_t ctlen = sizeof ct;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(X509_get0_pubkey(cert), NULL);
    struct bytes enc = {ct, 0}, got = {0};
    struct reason r = {0};
    int rc = -1;

    if (RAND_bytes(want, sizeof want) == 1 && c && EVP_PKEY_encrypt_init(c) == 1 &&
        EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING) == 1 &&
        EVP_PKEY_CTX_set_rsa_oaep_md(c, EVP_sha256()) == 1 &&
        EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha256()) == 1 &&
        EVP_PKEY_encrypt(c, ct, &ctlen, want, sizeof want) == 1) {
        enc.len = ctlen;
        if (p11_unwrap(key, NID_sha256, NID_sha256, &enc, &got, &r) < 0)
            *err = g_strdup(r.detail);
        else if (got.len != sizeof want || CRYPTO_memcmp(got.data, want, sizeof want) != 0)
            *err = g_strdup("the token decrypted a test key to something else");
        else
            rc = 0;
    } else {
        *err = g_strdup("cannot encrypt a test key to the certificate");
    }
    bytes_wipe_free(&got);
    EVP_PKEY_CTX_free(c);
    ERR_clear_error();
    return rc;
}

/* Sign a test message (through the RSA method) and verify it with the certificate. */
static int check_sign(EVP_PKEY *key, X509 *cert, char **err)
{
    static const unsigned char msg[] = "trykk PKCS#11 self-test";
    unsigned char sig[1024];
    size_t siglen = sizeof sig;
    EVP_MD_CTX *c = EVP_MD_CTX_new(), *v = EVP_MD_CTX_new();
    int ok = EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestSign(c, sig, &siglen, msg, sizeof msg) == 1 &&
             EVP_DigestVerifyInit(v, NULL, EVP_sha256(), NULL, X509_get0_pubkey(cert)) == 1 &&
             EVP_DigestVerify(v, sig, siglen, msg, sizeof msg) == 1;

    EVP_MD_CTX_free(c);
    EVP_MD_CTX_free(v);
    ERR_clear_error();
    if (!ok)
        *err = g_strdup("the token's RSA PKCS#1 v1.5 SHA-256 signature does not verify with the "
                        "certificate (C_Sign failed, or the certificate is another key's)");
    return ok ? 0 : -1;
}

int key_check(EVP_PKEY *key, X509 *cert, bool decrypt, bool sign, const char *what, char **err)
{
    struct p11_key *k = p11_of(key);
    char *why = NULL;
    int rc = 0;

    if (!k)
        return 0;
    if (decrypt)
        rc = check_decrypt(key, cert, &why);
    if (rc == 0 && sign)
        rc = check_sign(key, cert, &why);
    if (rc < 0) {
        *err = g_strdup_printf("%s %s: %s", what, k->name, why);
        g_free(why);
    }
    return rc;
}

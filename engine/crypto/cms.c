/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cms.c - the package: fingerprint check and CMS EnvelopedData decryption in memory.
 *
 * The fingerprint (SHA-256 of the encrypted bytes, signed inside the business message) is
 * checked before anything is decrypted; AES-CBC gives no integrity of its own. Decryption
 * accepts DER and BER (indefinite lengths, chunked OCTET STRINGs), RSAES-OAEP key transport
 * with its hash read from the parameters, AES-256-CBC content encryption only (3DES, AES-128
 * and the rest are refused as cms-cipher before any key is used), and writes into an OpenSSL secure-memory BIO whose
 * buffer is wiped when freed. The plaintext is handed back only when decryption succeeded.
 */
#include <string.h>
#include <openssl/asn1.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include "crypto.h"

#define SHA256_URI "http://www.w3.org/2001/04/xmlenc#sha256"

int fingerprint_check(const char *method, const char *value_b64, const struct bytes *cms,
                      struct reason *r)
{
    unsigned char md[32];
    struct bytes want;
    bool same;

    if (!method || strcmp(method, SHA256_URI) != 0) {
        reason_fail(r, "fingerprint-mismatch", "dokumentpakkefingeravtrykk.digestMethod must be %s",
                    SHA256_URI);
        return -1;
    }
    if (!value_b64 || b64_decode_strict(value_b64, strlen(value_b64), false, &want) < 0 ||
        want.len != sizeof md) {
        if (value_b64)
            bytes_free(&want);
        reason_fail(r, "fingerprint-mismatch", "dokumentpakkefingeravtrykk.digestValue is not a "
                    "base64 SHA-256 value");
        return -1;
    }
    EVP_Digest(cms->data, cms->len, md, NULL, EVP_sha256(), NULL);
    same = CRYPTO_memcmp(md, want.data, sizeof md) == 0;
    bytes_free(&want);
    if (!same) {
        reason_fail(r, "fingerprint-mismatch", "SHA-256 of the received package does not match "
                    "dokumentpakkefingeravtrykk");
        return -1;
    }
    return 0;
}

static CMS_ContentInfo *parse_cms(const struct bytes *in, struct reason *r)
{
    BIO *bio = BIO_new_mem_buf(in->data, (int)in->len);
    CMS_ContentInfo *cms = d2i_CMS_bio(bio, NULL);

    BIO_free(bio);
    ERR_clear_error();
    if (!cms) {
        reason_fail(r, "cms-invalid", "the package is not a complete CMS structure (truncated or "
                    "damaged)");
        return NULL;
    }
    if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_enveloped) {
        reason_fail(r, "cms-invalid", "the package is CMS but not EnvelopedData");
        CMS_ContentInfo_free(cms);
        return NULL;
    }
    return cms;
}

/* Find our recipient: KeyTransRecipientInfo whose issuer and serial match a configured cert. */
static int find_recipient(CMS_ContentInfo *cms, const struct keypair *keys, size_t nkeys,
                          const struct keypair **found, struct reason *r)
{
    STACK_OF(CMS_RecipientInfo) *ris = CMS_get0_RecipientInfos(cms);
    int i;
    size_t k;

    for (i = 0; i < sk_CMS_RecipientInfo_num(ris); i++) {
        CMS_RecipientInfo *ri = sk_CMS_RecipientInfo_value(ris, i);
        X509_ALGOR *alg = NULL;
        if (CMS_RecipientInfo_type(ri) != CMS_RECIPINFO_TRANS)
            continue;
        for (k = 0; k < nkeys; k++) {
            if (CMS_RecipientInfo_ktri_cert_cmp(ri, keys[k].cert) != 0)
                continue;
            CMS_RecipientInfo_ktri_get0_algs(ri, NULL, NULL, &alg);
            if (!alg || OBJ_obj2nid(alg->algorithm) != NID_rsaesOaep) {
                reason_fail(r, "cms-invalid", "key transport is not RSAES-OAEP");
                return -1;
            }
            *found = &keys[k];
            return 0;
        }
    }
    reason_fail(r, "cms-no-recipient", "the package is not encrypted to our certificate");
    return -1;
}

/*
 * OpenSSL 3.0 has no accessor for EnvelopedData's contentEncryptionAlgorithm, so the cipher
 * is read from the encoding (already parsed once by d2i_CMS_bio): ContentInfo { OID, [0] {
 * EnvelopedData { version, [0] originatorInfo?, recipientInfos, EncryptedContentInfo {
 * contentType, AlgorithmIdentifier { OID ... } } } } }. BER indefinite lengths are walked.
 */
struct tlv {
    const unsigned char *p, *end; /* p: content start; end: past the element */
    int tag, cls;
    bool indefinite;
};

static int tlv_at(const unsigned char *p, const unsigned char *limit, struct tlv *t, int depth);

/* The end of an indefinite-length element whose content starts at p: after its EOC. */
static const unsigned char *eoc_end(const unsigned char *p, const unsigned char *limit, int depth)
{
    struct tlv c;

    while (p && limit - p >= 2 && (p[0] != 0 || p[1] != 0))
        p = tlv_at(p, limit, &c, depth + 1) == 0 ? c.end : NULL;
    return p && limit - p >= 2 ? p + 2 : NULL;
}

static int tlv_at(const unsigned char *p, const unsigned char *limit, struct tlv *t, int depth)
{
    const unsigned char *q = p;
    long len = 0;
    int ret;

    if (depth > 16 || limit <= p)
        return -1;
    ret = ASN1_get_object(&q, &len, &t->tag, &t->cls, (long)(limit - p));
    if (ret & 0x80)
        return -1;
    t->p = q;
    t->indefinite = (ret & 0x01) != 0;
    t->end = t->indefinite ? eoc_end(q, limit, depth) : q + len;
    return t->end && t->end <= limit ? 0 : -1;
}

/* The element after t inside a parent that ends at limit (an EOC ends an indefinite one). */
static int tlv_next(const struct tlv *t, const unsigned char *limit, struct tlv *n)
{
    return tlv_at(t->end, limit, n, 1);
}

static int tlv_first(const struct tlv *parent, struct tlv *c)
{
    return tlv_at(parent->p, parent->end, c, 1);
}

static int content_cipher(const struct bytes *in, int *nid)
{
    const unsigned char *end = in->data + in->len, *q;
    struct tlv ci, oid, x0, env, v, ri, eci, ct, alg, a;
    ASN1_OBJECT *o;

    if (tlv_at(in->data, end, &ci, 0) < 0 || tlv_first(&ci, &oid) < 0 ||
        tlv_next(&oid, ci.end, &x0) < 0 || tlv_first(&x0, &env) < 0 ||
        tlv_first(&env, &v) < 0 || tlv_next(&v, env.end, &ri) < 0)
        return -1;
    if (ri.cls == V_ASN1_CONTEXT_SPECIFIC && tlv_next(&ri, env.end, &ri) < 0) /* originatorInfo */
        return -1;
    if (tlv_next(&ri, env.end, &eci) < 0 || tlv_first(&eci, &ct) < 0 ||
        tlv_next(&ct, eci.end, &alg) < 0 || tlv_first(&alg, &a) < 0 || a.tag != V_ASN1_OBJECT)
        return -1;
    q = alg.p; /* the OID is alg's first element; d2i wants it with its header */
    if (!(o = d2i_ASN1_OBJECT(NULL, &q, (long)(a.end - alg.p))))
        return -1;
    *nid = OBJ_obj2nid(o);
    ASN1_OBJECT_free(o);
    return 0;
}

/* dpi-print-format.md §5: the content cipher is AES-256-CBC, nothing weaker or older. */
static int check_cipher(const struct bytes *in, struct reason *r)
{
    int nid = NID_undef;

    if (content_cipher(in, &nid) == 0 && nid == NID_aes_256_cbc)
        return 0;
    reason_fail(r, "cms-cipher", "the package is encrypted with %s; DPI uses AES-256-CBC only",
                nid != NID_undef ? OBJ_nid2sn(nid) : "an unknown cipher");
    return -1;
}

static int take_plaintext(BIO *out, size_t cap, struct bytes *plain, struct reason *r)
{
    BUF_MEM *mem = NULL;

    BIO_get_mem_ptr(out, &mem);
    if (!mem || mem->length == 0) {
        reason_fail(r, "package-empty", "the decrypted package is empty");
        return -1;
    }
    if (mem->length > cap) {
        reason_fail(r, "package-too-large", "the decrypted package is larger than %zu bytes", cap);
        return -1;
    }
    bytes_set(plain, mem->data, mem->length);
    return 0;
}

int cms_decrypt(const struct keypair *keys, size_t nkeys, const struct bytes *in, size_t cap,
                struct bytes *plain, struct reason *r)
{
    const struct keypair *kp = NULL;
    CMS_ContentInfo *cms;
    BIO *out;
    int rc = -1;

    plain->data = NULL;
    plain->len = 0;
    if (in->len == 0) {
        reason_fail(r, "package-empty", "dokumentpakke is empty");
        return -1;
    }
    if (!(cms = parse_cms(in, r)))
        return -1;
    if (check_cipher(in, r) < 0 || find_recipient(cms, keys, nkeys, &kp, r) < 0) {
        CMS_ContentInfo_free(cms);
        return -1;
    }
    out = BIO_new(BIO_s_secmem());
    if (CMS_decrypt(cms, kp->key, kp->cert, NULL, out, CMS_BINARY) != 1)
        reason_fail(r, "cms-invalid", "the package does not decrypt with our key (damaged "
                    "ciphertext or wrong key material)");
    else
        rc = take_plaintext(out, cap, plain, r);
    BIO_free(out); /* secure-memory BIO: its buffer is cleared when freed */
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
    return rc;
}

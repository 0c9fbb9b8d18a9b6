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
#include <openssl/rsa.h>
#include "crypto.h"

#define SHA256_URI "http://www.w3.org/2001/04/xmlenc#sha256"

int fingerprint_check(const char *method, const char *value_b64, const struct bytes *cms,
                      struct reason *r)
{
    unsigned char md[32];
    struct bytes want = {0};
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
                          const struct keypair **found, int *index, struct reason *r)
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
            *index = i;
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
    const unsigned char *start, *p, *end; /* start: the header; p: content; end: past it */
    int tag, cls;
    bool indefinite;
};

static int tlv_at(const unsigned char *p, const unsigned char *limit, struct tlv *t, int depth);

/* The end of an indefinite-length element whose content starts at p: after its EOC. */
static const unsigned char *eoc_end(const unsigned char *p, const unsigned char *limit, int depth)
{
    struct tlv c = {0};

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
    t->start = p;
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

/* EnvelopedData's recipientInfos SET and EncryptedContentInfo in the encoding. */
static int enveloped_parts(const struct bytes *in, struct tlv *ris, struct tlv *eci)
{
    const unsigned char *end = in->data + in->len;
    struct tlv ci = {0}, oid = {0}, x0 = {0}, env = {0}, v = {0}, ri = {0};

    if (tlv_at(in->data, end, &ci, 0) < 0 || tlv_first(&ci, &oid) < 0 ||
        tlv_next(&oid, ci.end, &x0) < 0 || tlv_first(&x0, &env) < 0 ||
        tlv_first(&env, &v) < 0 || tlv_next(&v, env.end, &ri) < 0)
        return -1;
    if (ri.cls == V_ASN1_CONTEXT_SPECIFIC && tlv_next(&ri, env.end, &ri) < 0) /* originatorInfo */
        return -1;
    *ris = ri;
    return tlv_next(&ri, env.end, eci);
}

static int content_cipher(const struct bytes *in, int *nid)
{
    struct tlv ri = {0}, eci = {0}, ct = {0}, alg = {0}, a = {0};
    const unsigned char *q;
    ASN1_OBJECT *o;

    if (enveloped_parts(in, &ri, &eci) < 0 || tlv_first(&eci, &ct) < 0 ||
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

/*
 * Key transport through a token (p11.c): the index-th RecipientInfo's encryptedKey goes to
 * C_Decrypt with the OAEP hash and MGF1 hash of its parameters; the content-encryption key
 * that comes back decrypts EncryptedContentInfo, re-framed as CMS EncryptedData so OpenSSL
 * still does the content decryption (BER, chunked strings, padding) in memory.
 */
static int oaep_hashes(const X509_ALGOR *alg, int *md, int *mgf1, struct reason *r)
{
    RSA_OAEP_PARAMS *p = alg->parameter ? ASN1_TYPE_unpack_sequence(
                                              ASN1_ITEM_rptr(RSA_OAEP_PARAMS), alg->parameter)
                                        : NULL;
    X509_ALGOR *mh = NULL;
    int rc = 0;

    *md = *mgf1 = NID_sha1; /* RFC 8017 defaults */
    if (alg->parameter && !p)
        rc = -1;
    if (rc == 0 && p && p->hashFunc)
        *md = OBJ_obj2nid(p->hashFunc->algorithm);
    if (rc == 0 && p && p->maskGenFunc) {
        if (OBJ_obj2nid(p->maskGenFunc->algorithm) != NID_mgf1 || !p->maskGenFunc->parameter ||
            !(mh = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR),
                                             p->maskGenFunc->parameter)))
            rc = -1;
        else
            *mgf1 = OBJ_obj2nid(mh->algorithm);
    }
    if (rc == 0 && p && p->pSourceFunc)
        rc = -1; /* a label: DPI sends none, and tokens rarely take one */
    X509_ALGOR_free(mh);
    RSA_OAEP_PARAMS_free(p);
    ERR_clear_error();
    if (rc < 0)
        reason_fail(r, "cms-invalid", "the RSAES-OAEP parameters are not a hash and MGF1 hash");
    return rc;
}

static int encrypted_key(const struct bytes *in, int index, struct bytes *out)
{
    struct tlv ris = {0}, eci = {0}, ri = {0}, f = {0};
    int i;

    if (enveloped_parts(in, &ris, &eci) < 0 || tlv_first(&ris, &ri) < 0)
        return -1;
    for (i = 0; i < index; i++)
        if (tlv_next(&ri, ris.end, &ri) < 0)
            return -1;
    /* KeyTransRecipientInfo { version, rid, keyEncryptionAlgorithm, encryptedKey } */
    if (ri.tag != V_ASN1_SEQUENCE || tlv_first(&ri, &f) < 0)
        return -1;
    for (i = 0; i < 3; i++)
        if (tlv_next(&f, ri.end, &f) < 0)
            return -1;
    if (f.tag != V_ASN1_OCTET_STRING || f.indefinite || (f.start[0] & 0x20)) /* primitive only */
        return -1;
    out->data = (unsigned char *)f.p;
    out->len = (size_t)(f.end - f.p);
    return 0;
}

/* A new array: a DER header of tag for content's length, then content (freed). */
static GByteArray *der_wrap(unsigned char tag, GByteArray *content)
{
    GByteArray *b = g_byte_array_new();
    unsigned char h[6] = {tag};
    size_t len = content->len;
    int n = 1, i, bytes = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;

    if (len < 0x80) {
        h[n++] = (unsigned char)len;
    } else {
        h[n++] = (unsigned char)(0x80 | bytes);
        for (i = bytes - 1; i >= 0; i--)
            h[n++] = (unsigned char)(len >> (8 * i));
    }
    g_byte_array_append(b, h, (guint)n);
    g_byte_array_append(b, content->data, content->len);
    g_byte_array_free(content, TRUE);
    return b;
}

/* ContentInfo { id-encryptedData, [0] EncryptedData { version 0, eci } } around eci. */
static CMS_ContentInfo *as_encrypted_data(const struct tlv *eci)
{
    static const unsigned char oid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
                                        0x01, 0x07, 0x06};
    static const unsigned char version[] = {0x02, 0x01, 0x00};
    GByteArray *ed = g_byte_array_new(), *ci = g_byte_array_new(), *x0;
    const unsigned char *p;
    CMS_ContentInfo *cms;

    g_byte_array_append(ed, version, sizeof version);
    g_byte_array_append(ed, eci->start, (guint)(eci->end - eci->start));
    x0 = der_wrap(0xa0, der_wrap(0x30, ed));
    g_byte_array_append(ci, oid, sizeof oid);
    g_byte_array_append(ci, x0->data, x0->len);
    g_byte_array_free(x0, TRUE);
    ci = der_wrap(0x30, ci);
    p = ci->data;
    cms = d2i_CMS_ContentInfo(NULL, &p, (long)ci->len);
    g_byte_array_free(ci, TRUE);
    return cms;
}

static int token_decrypt(CMS_ContentInfo *cms, const struct keypair *kp, int index,
                         const struct bytes *in, BIO *out, struct reason *r)
{
    CMS_RecipientInfo *ri = sk_CMS_RecipientInfo_value(CMS_get0_RecipientInfos(cms), index);
    X509_ALGOR *alg = NULL;
    struct bytes enc, cek = {0};
    struct tlv ris = {0}, eci = {0};
    CMS_ContentInfo *ed = NULL;
    int md, mgf1, rc = -1;

    CMS_RecipientInfo_ktri_get0_algs(ri, NULL, NULL, &alg);
    if (oaep_hashes(alg, &md, &mgf1, r) < 0)
        return -1;
    if (encrypted_key(in, index, &enc) < 0 || enveloped_parts(in, &ris, &eci) < 0) {
        reason_fail(r, "cms-invalid", "the recipient's encryptedKey cannot be read");
        return -1;
    }
    if (p11_unwrap(kp->key, md, mgf1, &enc, &cek, r) < 0)
        return -1;
    if (!(ed = as_encrypted_data(&eci)) ||
        CMS_EncryptedData_decrypt(ed, cek.data, cek.len, NULL, out, CMS_BINARY) != 1)
        reason_fail(r, "cms-invalid", "the package does not decrypt with its content key "
                    "(damaged ciphertext)");
    else
        rc = 0;
    CMS_ContentInfo_free(ed);
    bytes_wipe_free(&cek);
    ERR_clear_error();
    return rc;
}

int cms_decrypt(const struct keypair *keys, size_t nkeys, const struct bytes *in, size_t cap,
                struct bytes *plain, struct reason *r)
{
    const struct keypair *kp = NULL;
    CMS_ContentInfo *cms;
    BIO *out;
    int rc = -1, index = -1;

    plain->data = NULL;
    plain->len = 0;
    if (in->len == 0) {
        reason_fail(r, "package-empty", "dokumentpakke is empty");
        return -1;
    }
    if (!(cms = parse_cms(in, r)))
        return -1;
    if (check_cipher(in, r) < 0 || find_recipient(cms, keys, nkeys, &kp, &index, r) < 0) {
        CMS_ContentInfo_free(cms);
        return -1;
    }
    out = BIO_new(BIO_s_secmem());
    if (key_is_p11(kp->key)) {
        if (token_decrypt(cms, kp, index, in, out, r) == 0)
            rc = take_plaintext(out, cap, plain, r);
    } else if (CMS_decrypt(cms, kp->key, kp->cert, NULL, out, CMS_BINARY) != 1) {
        reason_fail(r, "cms-invalid", "the package does not decrypt with our key (damaged "
                    "ciphertext or wrong key material)");
    } else {
        rc = take_plaintext(out, cap, plain, r);
    }
    BIO_free(out); /* secure-memory BIO: its buffer is cleared when freed */
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
    return rc;
}

/*
 * cms.c - the package: fingerprint check and CMS EnvelopedData decryption in memory.
 *
 * The fingerprint (SHA-256 of the encrypted bytes, signed inside the business message) is
 * checked before anything is decrypted; AES-CBC gives no integrity of its own. Decryption
 * accepts DER and BER (indefinite lengths, chunked OCTET STRINGs), RSAES-OAEP key transport
 * with its hash read from the parameters, and writes into an OpenSSL secure-memory BIO whose
 * buffer is wiped when freed. The plaintext is handed back only when decryption succeeded.
 */
#include <string.h>
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

static int take_plaintext(BIO *out, size_t cap, struct bytes *plain, struct reason *r)
{
    BUF_MEM *mem = NULL;

    BIO_get_mem_ptr(out, &mem);
    if (!mem || mem->length == 0 || mem->length > cap) {
        reason_fail(r, "package-too-large", "the decrypted package is empty or larger than %zu "
                    "bytes", cap);
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
    if (!(cms = parse_cms(in, r)))
        return -1;
    if (find_recipient(cms, keys, nkeys, &kp, r) < 0) {
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

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * package.c - ASiC-E packages as Digdir's clients build them: manifest.xml, documents,
 * META-INF/signatures.xml (XAdES), zipped with mimetype first and STORED, encrypted as CMS
 * EnvelopedData (AES-256-CBC, RSAES-OAEP with SHA-256) and streamed as BER with indefinite
 * lengths, like Bouncy Castle's streaming producer.
 */
#include <string.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <zip.h>
#include "forge.h"
#include "../crypto/crypto.h"

char *forge_manifest_xml(const char *avsender, GPtrArray *doc_names, const char *mime,
                         bool doctype)
{
    GString *x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>");
    guint i;

    if (doctype)
        g_string_append(x, "<!DOCTYPE manifest [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>");
    g_string_append_printf(x, "<manifest xmlns=\"http://begrep.difi.no/sdp/schema_v10\"><avsender>"
                           "<organisasjon authority=\"iso6523-actorid-upis\">%s</organisasjon>"
                           "</avsender>", avsender);
    for (i = 0; i < doc_names->len; i++) {
        char *href = g_markup_escape_text(doc_names->pdata[i], -1);
        g_string_append_printf(x, "<%s href=\"%s\" mime=\"%s\"><tittel lang=\"NO\">%s</tittel>"
                               "</%s>", i == 0 ? "hoveddokument" : "vedlegg", href, mime,
                               doctype ? "&xxe;" : "Brev", i == 0 ? "hoveddokument" : "vedlegg");
        g_free(href);
    }
    g_string_append(x, "</manifest>");
    return g_string_free(x, FALSE);
}

struct entry_ctx {
    GArray *entries;
};

static int read_entry(void *ctx, const char *name, const struct bytes **out, struct reason *r)
{
    GArray *entries = ((struct entry_ctx *)ctx)->entries;
    guint i;

    for (i = 0; i < entries->len; i++) {
        struct forge_entry *e = &g_array_index(entries, struct forge_entry, i);
        if (strcmp(e->name, name) == 0) {
            *out = &e->data;
            return 0;
        }
    }
    reason_fail(r, "internal", "no such entry");
    return -1;
}

int forge_sign_package(GArray *entries, const struct forge_party *signer, int xades_flags,
                       struct bytes *out)
{
    struct entry_ctx ctx = {entries};
    GPtrArray *names = g_ptr_array_new();
    struct xades_package pkg = {0};
    GDateTime *now = time_now();
    char *when = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S%:z");
    guint i;
    int rc;

    for (i = 0; i < entries->len; i++)
        g_ptr_array_add(names, g_array_index(entries, struct forge_entry, i).name);
    pkg.entries = (const char *const *)names->pdata;
    pkg.n_entries = names->len;
    pkg.read = read_entry;
    pkg.ctx = &ctx;
    rc = xades_sign(&pkg, signer->key, signer->cert, signer->chain, when, xades_flags, out);
    g_ptr_array_free(names, TRUE);
    g_free(when);
    g_date_time_unref(now);
    return rc;
}

static int add_entry(zip_t *z, const struct forge_entry *e)
{
    zip_source_t *src = zip_source_buffer(z, e->data.data, e->data.len, 0);
    zip_int64_t idx = src ? zip_file_add(z, e->name, src, ZIP_FL_ENC_UTF_8) : -1;

    if (idx < 0) {
        zip_source_free(src);
        return -1;
    }
    zip_set_file_compression(z, (zip_uint64_t)idx, e->stored ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 9);
    zip_file_set_mtime(z, (zip_uint64_t)idx, 1700000000, 0);
    return 0;
}

static int source_bytes(zip_source_t *src, struct bytes *out)
{
    zip_stat_t st;

    if (zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0)
        return -1;
    out->data = g_malloc(st.size + 1);
    out->len = (size_t)zip_source_read(src, out->data, st.size);
    zip_source_close(src);
    return out->len == st.size ? 0 : -1;
}

int forge_zip(GArray *entries, struct bytes *out)
{
    zip_error_t err;
    zip_source_t *src;
    zip_t *z;
    guint i;
    int rc = 0;

    zip_error_init(&err);
    src = zip_source_buffer_create(NULL, 0, 0, &err);
    zip_source_keep(src);
    z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
    for (i = 0; z && i < entries->len && rc == 0; i++)
        rc = add_entry(z, &g_array_index(entries, struct forge_entry, i));
    if (!z || rc < 0 || zip_close(z) < 0 || source_bytes(src, out) < 0)
        rc = -1;
    zip_source_free(src);
    zip_error_fini(&err);
    return rc;
}

static int set_oaep(CMS_ContentInfo *cms)
{
    STACK_OF(CMS_RecipientInfo) *ris = CMS_get0_RecipientInfos(cms);
    CMS_RecipientInfo *ri = sk_CMS_RecipientInfo_value(ris, 0);
    EVP_PKEY_CTX *pctx = CMS_RecipientInfo_get0_pkey_ctx(ri);

    if (!pctx || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_rsa_oaep_md(pctx, EVP_sha256()) <= 0 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) <= 0)
        return -1;
    return 0;
}

int forge_encrypt(const struct bytes *zip, X509 *recipient, struct bytes *out)
{
    return forge_encrypt_with(zip, recipient, NULL, out);
}

int forge_encrypt_with(const struct bytes *zip, X509 *recipient, const char *cipher,
                       struct bytes *out)
{
    const EVP_CIPHER *c = cipher ? EVP_get_cipherbyname(cipher) : EVP_aes_256_cbc();
    STACK_OF(X509) *certs = sk_X509_new_null();
    BIO *in = BIO_new_mem_buf(zip->data, (int)zip->len), *bio = BIO_new(BIO_s_mem());
    unsigned int flags = CMS_BINARY | CMS_PARTIAL | CMS_KEY_PARAM | CMS_STREAM;
    CMS_ContentInfo *cms;
    BUF_MEM *mem;
    int rc = -1;

    sk_X509_push(certs, recipient);
    cms = c ? CMS_encrypt(NULL, NULL, c, flags) : NULL;
    if (cms && CMS_add1_recipient_cert(cms, recipient, flags) && set_oaep(cms) == 0 &&
        i2d_CMS_bio_stream(bio, cms, in, flags) == 1) {
        BIO_get_mem_ptr(bio, &mem);
        bytes_set(out, mem->data, mem->length);
        rc = 0;
    }
    ERR_clear_error();
    CMS_ContentInfo_free(cms);
    sk_X509_free(certs);
    BIO_free(in);
    BIO_free(bio);
    return rc;
}

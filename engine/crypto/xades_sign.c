/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xades_sign.c - the sender side of the ASiC-E signature, as Digdir's clients produce it.
 *
 * trykk never signs packages in production; the forge uses this to build real, verifiable
 * test and demo forsendelser. The output has the structure of Digdir's 2023 sample: one
 * reference per file (URI = percent-escaped entry name, SHA-256, no transforms), a
 * SignedProperties reference with a c14n transform, SigningTime, a SHA-1 CertDigest with
 * IssuerSerial, one DataObjectFormat per file, and the certificate chain in KeyInfo.
 */
#include <string.h>
#include <openssl/err.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>
#include "crypto.h"
#include "xades_io.h"
#include "../util/xmlsafe.h"

static const char *mime_of(const char *name)
{
    if (g_str_has_suffix(name, ".pdf"))
        return "application/pdf";
    if (g_str_has_suffix(name, ".xml"))
        return "text/xml";
    return "application/octet-stream";
}

static char *cert_sha1_b64(X509 *cert)
{
    unsigned char *der = NULL, md[20];
    int n = i2d_X509(cert, &der);
    char *s;

    EVP_Digest(der, (size_t)n, md, NULL, EVP_sha1(), NULL);
    OPENSSL_free(der);
    s = b64_encode(md, sizeof md);
    return s;
}

static char *issuer_serial(X509 *cert, char **serial)
{
    char *issuer = X509_NAME_oneline(X509_get_issuer_name(cert), NULL, 0);
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    char *dec = BN_bn2dec(bn);
    char *out = g_markup_escape_text(issuer, -1);

    *serial = g_strdup(dec);
    OPENSSL_free(dec);
    BN_free(bn);
    OPENSSL_free(issuer);
    return out;
}

static void add_references(GString *x, const struct xades_package *pkg, GHashTable *refs,
                           struct reason *r, int *rc)
{
    size_t i;

    for (i = 0; i < pkg->n_entries && *rc == 0; i++) {
        const char *n = pkg->entries[i];
        const struct bytes *b;
        char *uri, *attr;
        if (g_str_has_prefix(n, "META-INF/") || strcmp(n, "mimetype") == 0)
            continue;
        if (pkg->read(pkg->ctx, n, &b, r) < 0) {
            *rc = -1;
            return;
        }
        uri = g_uri_escape_string(n, "/", FALSE);
        attr = g_markup_escape_text(uri, -1);
        g_string_append_printf(x, "<Reference Id=\"ID_%zu\" URI=\"%s\"><DigestMethod Algorithm="
                               "\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue/>"
                               "</Reference>", i, attr);
        g_hash_table_insert(refs, uri, (gpointer)b);
        g_free(attr);
    }
}

static void add_key_info(GString *x, X509 *cert, STACK_OF(X509) *chain)
{
    char *leaf = cert_der_b64(cert);
    int i;

    g_string_append_printf(x, "<KeyInfo><X509Data><X509Certificate>%s</X509Certificate>", leaf);
    g_free(leaf);
    for (i = 0; chain && i < sk_X509_num(chain); i++) {
        char *c = cert_der_b64(sk_X509_value(chain, i));
        g_string_append_printf(x, "<X509Certificate>%s</X509Certificate>", c);
        g_free(c);
    }
    g_string_append(x, "</X509Data></KeyInfo>");
}

static void add_qualifying(GString *x, const struct xades_package *pkg, X509 *cert,
                           const char *signing_time, int flags)
{
    char *serial, *issuer = issuer_serial(cert, &serial);
    char *digest = cert_sha1_b64(cert);
    size_t i;

    if (flags & XADES_WRAP_NSID) /* the signed one, hidden in a wrapper, named by w:Id */
        g_string_append(x, "<Object><w:Wrapper xmlns:w=\"urn:x-wrap\"><SignedProperties xmlns=\""
                        NS_XADES "\" w:Id=\"SignedProperties\">");
    else
        g_string_append(x, "<Object><QualifyingProperties xmlns=\"" NS_XADES "\" Target="
                        "\"#Signature\"><SignedProperties Id=\"SignedProperties\">");
    g_string_append_printf(x, "<SignedSignatureProperties>"
        "<SigningTime>%s</SigningTime><SigningCertificate><Cert><CertDigest>"
        "<DigestMethod xmlns=\"" NS_DS "\" Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha1\"/>"
        "<DigestValue xmlns=\"" NS_DS "\">%s</DigestValue></CertDigest><IssuerSerial>"
        "<X509IssuerName xmlns=\"" NS_DS "\">%s</X509IssuerName>"
        "<X509SerialNumber xmlns=\"" NS_DS "\">%s</X509SerialNumber></IssuerSerial></Cert>"
        "</SigningCertificate></SignedSignatureProperties><SignedDataObjectProperties>",
        signing_time, digest, issuer, serial);
    for (i = 0; i < pkg->n_entries; i++) {
        const char *n = pkg->entries[i];
        if (g_str_has_prefix(n, "META-INF/") || strcmp(n, "mimetype") == 0)
            continue;
        g_string_append_printf(x, "<DataObjectFormat ObjectReference=\"#ID_%zu\"><MimeType>%s"
                               "</MimeType></DataObjectFormat>", i, mime_of(n));
    }
    g_string_append(x, flags & XADES_WRAP_NSID ? "</SignedDataObjectProperties></SignedProperties>"
                    "</w:Wrapper></Object>" : "</SignedDataObjectProperties></SignedProperties>"
                    "</QualifyingProperties></Object>");
    g_free(serial);
    g_free(issuer);
    g_free(digest);
}

static int sign_template(const char *xml, GHashTable *refs, EVP_PKEY *key, struct bytes *out)
{
    enum xmlsafe_error why;
    xmlDocPtr doc = xmlsafe_parse(xml, strlen(xml), false, &why);
    static const xmlChar *ids[] = {BAD_CAST "Id", NULL};
    xmlSecDSigCtxPtr ctx;
    xmlNodePtr sig;
    xmlChar *mem = NULL;
    int len = 0, rc = -1;

    if (!doc)
        return -1;
    xmlSecAddIDs(doc, xmlDocGetRootElement(doc), ids);
    sig = xmlSecFindNode(xmlDocGetRootElement(doc), xmlSecNodeSignature, xmlSecDSigNs);
    ctx = xmlSecDSigCtxCreate(NULL);
    ctx->signKey = xades_key(key);
    ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument | xmlSecTransformUriTypeRemote;
    xades_io_begin(refs);
    if (sig && ctx->signKey && xmlSecDSigCtxSign(ctx, sig) == 0) {
        xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
        bytes_set(out, mem, (size_t)len);
        xmlFree(mem);
        rc = 0;
    }
    xades_io_end();
    xmlSecDSigCtxDestroy(ctx);
    xmlFreeDoc(doc);
    ERR_clear_error();
    return rc;
}

int xades_sign(const struct xades_package *pkg, EVP_PKEY *key, X509 *cert,
               STACK_OF(X509) *chain, const char *signing_time, int flags, struct bytes *out)
{
    const char *c14n = flags & XADES_C14N11 ? "http://www.w3.org/2006/12/xml-c14n11"
                                            : "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
    GString *x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>");
    GHashTable *refs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    struct reason r = {0};
    int rc = 0;

    g_string_append_printf(x, "<XAdESSignatures xmlns=\"%s\"><Signature xmlns=\"" NS_DS
                           "\" Id=\"Signature\"><SignedInfo><CanonicalizationMethod Algorithm="
                           "\"%s\"/><SignatureMethod Algorithm=\"http://www.w3.org/2001/04/"
                           "xmldsig-more#rsa-sha256\"/>", flags & XADES_NS_2918 ? NS_ASIC_OLD
                           : NS_ASIC, c14n);
    add_references(x, pkg, refs, &r, &rc);
    g_string_append_printf(x, "<Reference Type=\"http://uri.etsi.org/01903#SignedProperties\" "
                           "URI=\"#SignedProperties\"><Transforms><Transform Algorithm=\"%s\"/>"
                           "</Transforms><DigestMethod Algorithm=\"http://www.w3.org/2001/04/"
                           "xmlenc#sha256\"/><DigestValue/></Reference></SignedInfo>"
                           "<SignatureValue/>", c14n);
    add_key_info(x, cert, chain);
    add_qualifying(x, pkg, cert, signing_time, flags);
    if (flags & XADES_WRAP_NSID) /* the decoy the policy checks: plain Id, not signed */
        add_qualifying(x, pkg, cert, signing_time, 0);
    g_string_append(x, "</Signature></XAdESSignatures>");
    if (rc == 0)
        rc = sign_template(x->str, refs, key, out);
    g_string_free(x, TRUE);
    g_hash_table_destroy(refs);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xmldsig.c - the enveloped XML signature of the legacy SDP messages and receipts
 * (dpi-print-format.md §3.3): first child of the business element, exclusive c14n,
 * RSA-SHA256, one Reference URI="" with the enveloped-signature transform, SHA-256, and the
 * signer's certificate in KeyInfo.
 *
 * Verification checks that profile before xmlsec runs, and lets xmlsec run nothing else:
 * only those transforms, only the empty (whole document) URI, the key taken from the
 * certificate (whether that certificate is trusted is the caller's next check). Since the
 * reference is the whole document, every field read afterwards is covered by it.
 */
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/crypto.h>
#include "crypto.h"
#include "xades_io.h"
#include "../util/xmlsafe.h"

#define EXC_C14N "http://www.w3.org/2001/10/xml-exc-c14n#"
#define RSA_SHA256 "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
#define ENVELOPED "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
#define SHA256 "http://www.w3.org/2001/04/xmlenc#sha256"
#define MAX_CERTS 8

static bool attr_is(xmlXPathContextPtr xp, xmlNodePtr sig, const char *expr, const char *want)
{
    char *v = xmlsafe_text(xp, sig, expr);
    bool ok = v && strcmp(v, want) == 0;

    g_free(v);
    return ok;
}

static int count(xmlXPathContextPtr xp, xmlNodePtr node, const char *expr)
{
    xmlXPathObjectPtr hold = NULL;
    xmlNodeSetPtr set = xmlsafe_nodes(xp, node, expr, &hold);
    int n = set ? set->nodeNr : 0;

    xmlXPathFreeObject(hold);
    return n;
}

static bool profile_ok(xmlXPathContextPtr xp, xmlNodePtr sig)
{
    return attr_is(xp, sig, "ds:SignedInfo/ds:CanonicalizationMethod/@Algorithm", EXC_C14N) &&
           attr_is(xp, sig, "ds:SignedInfo/ds:SignatureMethod/@Algorithm", RSA_SHA256) &&
           count(xp, sig, "ds:SignedInfo/ds:Reference") == 1 &&
           count(xp, sig, "ds:SignedInfo/ds:Reference[@URI='']") == 1 &&
           count(xp, sig, "ds:SignedInfo/ds:Reference/ds:Transforms/ds:Transform") >= 1 &&
           count(xp, sig, "ds:SignedInfo/ds:Reference/ds:Transforms/ds:Transform[@Algorithm='"
                          ENVELOPED "' or @Algorithm='" EXC_C14N "']") ==
               count(xp, sig, "ds:SignedInfo/ds:Reference/ds:Transforms/ds:Transform") &&
           attr_is(xp, sig, "ds:SignedInfo/ds:Reference/ds:Transforms/ds:Transform[1]/@Algorithm",
                   ENVELOPED) &&
           attr_is(xp, sig, "ds:SignedInfo/ds:Reference/ds:DigestMethod/@Algorithm", SHA256);
}

/* The KeyInfo certificates: the first is the signer, the rest its chain. */
static int key_info_certs(xmlXPathContextPtr xp, xmlNodePtr sig, X509 **signer,
                          STACK_OF(X509) **chain)
{
    xmlXPathObjectPtr hold = NULL;
    xmlNodeSetPtr set = xmlsafe_nodes(xp, sig, "ds:KeyInfo/ds:X509Data/ds:X509Certificate", &hold);
    int i, rc = 0;

    *signer = NULL;
    *chain = sk_X509_new_null();
    for (i = 0; set && i < set->nodeNr && i < MAX_CERTS && rc == 0; i++) {
        xmlChar *txt = xmlNodeGetContent(set->nodeTab[i]);
        struct bytes der = {0};
        const unsigned char *p;
        X509 *c = NULL;
        if (txt && b64_decode_strict((const char *)txt, strlen((const char *)txt), true, &der) == 0) {
            p = der.data;
            c = d2i_X509(NULL, &p, (long)der.len);
        }
        if (!c)
            rc = -1;
        else if (i == 0)
            *signer = c;
        else
            sk_X509_push(*chain, c);
        bytes_free(&der);
        xmlFree(txt);
    }
    xmlXPathFreeObject(hold);
    if (rc < 0 || !*signer) {
        X509_free(*signer);
        sk_X509_pop_free(*chain, X509_free);
        *signer = NULL;
        *chain = NULL;
        return -1;
    }
    return 0;
}

static int core_verify(xmlNodePtr sig, X509 *signer)
{
    xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
    int rc = -1;

    xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformExclC14NId);
    xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformRsaSha256Id);
    xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformEnvelopedId);
    xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformExclC14NId);
    xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformSha256Id);
    ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;
    ctx->signKey = xades_key(X509_get0_pubkey(signer));
    if (ctx->signKey && xmlSecDSigCtxVerify(ctx, sig) == 0 &&
        ctx->status == xmlSecDSigStatusSucceeded)
        rc = 0;
    xmlSecDSigCtxDestroy(ctx);
    ERR_clear_error();
    return rc;
}

int xmldsig_verify(xmlDocPtr doc, xmlNodePtr business, X509 **signer, STACK_OF(X509) **chain,
                   struct reason *r)
{
    xmlXPathContextPtr xp = xmlsafe_xpath(doc);
    xmlNodePtr sig = xmlSecGetNextElementNode(business->children);
    int rc = -1;

    *signer = NULL;
    *chain = NULL;
    if (count(xp, xmlDocGetRootElement(doc), "//ds:Signature") != 1 || !sig ||
        !xmlsafe_is(sig, NS_DS, "Signature"))
        reason_fail(r, "xmldsig-missing", "the business element must begin with the one "
                    "ds:Signature of the document");
    else if (!profile_ok(xp, sig))
        reason_fail(r, "xmldsig-profile", "the signature is not enveloped exc-c14n RSA-SHA256 "
                    "over the whole document (URI=\"\", SHA-256)");
    else if (key_info_certs(xp, sig, signer, chain) < 0)
        reason_fail(r, "xmldsig-keyinfo", "KeyInfo holds no readable signer certificate");
    else if (core_verify(sig, *signer) < 0)
        reason_fail(r, "xmldsig-invalid", "the XML signature does not verify");
    else
        rc = 0;
    if (rc < 0 && *signer) {
        X509_free(*signer);
        sk_X509_pop_free(*chain, X509_free);
        *signer = NULL;
        *chain = NULL;
    }
    xmlXPathFreeContext(xp);
    return rc;
}

static int add_cert(xmlNodePtr x509data, X509 *cert)
{
    unsigned char *der = NULL;
    int len = i2d_X509(cert, &der);
    char *b64 = len > 0 ? b64_encode(der, (size_t)len) : NULL;
    xmlNodePtr c = b64 ? xmlSecTmplX509DataAddCertificate(x509data) : NULL;

    if (c)
        xmlNodeSetContent(c, BAD_CAST b64);
    OPENSSL_free(der);
    g_free(b64);
    return c ? 0 : -1;
}

int xmldsig_sign(xmlDocPtr doc, xmlNodePtr business, EVP_PKEY *key, X509 *cert)
{
    xmlNodePtr sig = xmlSecTmplSignatureCreate(doc, xmlSecTransformExclC14NId,
                                               xmlSecTransformRsaSha256Id, NULL);
    xmlNodePtr ref, ki, xd;
    xmlSecDSigCtxPtr ctx;
    int rc = -1;

    if (!sig)
        return -1;
    if (business->children)
        xmlAddPrevSibling(business->children, sig);
    else
        xmlAddChild(business, sig);
    ref = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, NULL, BAD_CAST "", NULL);
    ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
    xd = ki ? xmlSecTmplKeyInfoAddX509Data(ki) : NULL;
    if (!ref || !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) || !xd ||
        add_cert(xd, cert) < 0)
        return -1;
    ctx = xmlSecDSigCtxCreate(NULL);
    ctx->signKey = xades_key(key);
    ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;
    if (ctx->signKey && xmlSecDSigCtxSign(ctx, sig) == 0)
        rc = 0;
    xmlSecDSigCtxDestroy(ctx);
    ERR_clear_error();
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xades.c - the ASiC-E signature (META-INF/signatures.xml): XML-DSig core by xmlsec1, the
 * ASiC/XAdES rules by libxml2 XPath.
 *
 * Rules (dpi-print-format.md §6.3): root XAdESSignatures in either namespace spelling, one
 * ds:Signature with an Id, c14n 1.0 or 1.1, RSA-SHA256; one reference per non-META-INF
 * entry (mimetype excepted), no transforms, SHA-256, each entry exactly once; one
 * SignedProperties reference to the SignedProperties of this signature, whose Id is unique;
 * QualifyingProperties/@Target names the signature; SigningCertificate's digest is the
 * signer certificate's; the signature verifies with the JWT signer's key. Only plain Id
 * attributes name elements (a namespaced Id is refused), every Id is unique, and the one
 * SignedProperties in the document is the one the reference resolves to.
 */
#include <string.h>
#include <openssl/err.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>
#include "crypto.h"
#include "../util/xmlsafe.h"
#include "xades_io.h"
#include <xmlsec/crypto.h>

#define C14N10 "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
#define C14N11 "http://www.w3.org/2006/12/xml-c14n11"
#define RSA_SHA256 "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
#define SHA256 "http://www.w3.org/2001/04/xmlenc#sha256"
#define SP_TYPE "http://uri.etsi.org/01903#SignedProperties"
#define SIG_CAP (4 << 20)

/* ---- policy checks ------------------------------------------------------------------------ */

struct sigdoc {
    xmlDocPtr doc;
    xmlXPathContextPtr xp;
    xmlNodePtr sig;
    char *sig_id;
    GHashTable *refs;  /* reference URI as written -> bytes (filled by read_references) */
    GPtrArray *names;  /* unescaped entry names referenced, for coverage */
};

static bool is_meta(const char *name)
{
    return g_str_has_prefix(name, "META-INF/");
}

static int find_signature(struct sigdoc *d, struct reason *r)
{
    xmlNodePtr root = xmlDocGetRootElement(d->doc), c;
    int n = 0;

    if (!xmlsafe_is(root, NS_ASIC, "XAdESSignatures") &&
        !xmlsafe_is(root, NS_ASIC_OLD, "XAdESSignatures")) {
        reason_fail(r, "xades-invalid", "signatures.xml root is not asic:XAdESSignatures");
        return -1;
    }
    for (c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        n++;
        d->sig = c;
    }
    if (n != 1 || !xmlsafe_is(d->sig, NS_DS, "Signature")) {
        reason_fail(r, "xades-invalid", "signatures.xml must hold exactly one ds:Signature");
        return -1;
    }
    d->sig_id = xmlsafe_attr(d->sig, "Id");
    if (!d->sig_id || !*d->sig_id) {
        reason_fail(r, "xades-invalid", "the ds:Signature has no Id");
        return -1;
    }
    return 0;
}

/*
 * Ids: the profile names elements by the plain (un-namespaced) Id attribute, and that is the
 * only attribute a same-document reference resolves to. A namespaced attribute called Id
 * (w:Id, xml:id, which libxml2 would otherwise register as an ID) is refused: xmlsec's own
 * registration matches attribute names without their namespace, which lets a decoy
 * element be digested while the policy checks another. Every Id value must be unique.
 */
static int walk_ids(xmlDocPtr doc, xmlNodePtr n, GHashTable *seen, struct reason *r)
{
    xmlAttrPtr a;
    xmlNodePtr c;

    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (a = n->properties; a; a = a->next) {
            xmlChar *v;
            if (g_ascii_strcasecmp((const char *)a->name, "Id") != 0)
                continue;
            if (a->ns) {
                reason_fail(r, "xades-invalid", "signatures.xml has a namespaced Id attribute");
                return -1;
            }
            if (strcmp((const char *)a->name, "Id") != 0)
                continue;
            v = xmlNodeGetContent((xmlNodePtr)a);
            if (!v || !g_hash_table_add(seen, g_strdup((const char *)v))) {
                xmlFree(v);
                reason_fail(r, "xades-invalid", "signatures.xml has a duplicated Id attribute");
                return -1;
            }
            if (!xmlGetID(doc, v))
                xmlAddID(NULL, doc, v, a);
            xmlFree(v);
        }
        if ((c = n->children) && walk_ids(doc, c, seen, r) < 0)
            return -1;
    }
    return 0;
}

static int check_unique_ids(struct sigdoc *d, struct reason *r)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    int rc = walk_ids(d->doc, xmlDocGetRootElement(d->doc), seen, r);

    g_hash_table_destroy(seen);
    return rc;
}

/* The element a same-document reference "#id" resolves to, as xmlsec will resolve it. */
static xmlNodePtr id_target(struct sigdoc *d, const char *id)
{
    xmlAttrPtr a = xmlGetID(d->doc, BAD_CAST id);

    return a && a->type == XML_ATTRIBUTE_NODE ? a->parent : NULL;
}

static int check_algorithms(struct sigdoc *d, struct reason *r)
{
    char *c14n = xmlsafe_text(d->xp, d->sig, "ds:SignedInfo/ds:CanonicalizationMethod/@Algorithm");
    char *sm = xmlsafe_text(d->xp, d->sig, "ds:SignedInfo/ds:SignatureMethod/@Algorithm");
    int rc = 0;

    if (!c14n || (strcmp(c14n, C14N10) != 0 && strcmp(c14n, C14N11) != 0)) {
        reason_fail(r, "xades-invalid", "CanonicalizationMethod must be c14n 1.0 or 1.1");
        rc = -1;
    } else if (!sm || strcmp(sm, RSA_SHA256) != 0) {
        reason_fail(r, "xades-invalid", "SignatureMethod must be RSA-SHA256");
        rc = -1;
    }
    g_free(c14n);
    g_free(sm);
    return rc;
}

/* The SignedProperties reference: "#id" naming this signature's SignedProperties. */
static int check_sp_reference(struct sigdoc *d, xmlNodePtr ref, const char *uri, int *count,
                              struct reason *r)
{
    char *expr, *target;
    xmlXPathObjectPtr hold;
    xmlNodeSetPtr set;
    int ok;

    (*count)++;
    if (uri[0] != '#' || strchr(uri + 1, '\'')) {
        reason_fail(r, "xades-invalid", "the SignedProperties reference is not a same-document "
                    "reference");
        return -1;
    }
    expr = g_strdup_printf("ds:Object/xades:QualifyingProperties/xades:SignedProperties[@Id='%s']",
                           uri + 1);
    set = xmlsafe_nodes(d->xp, d->sig, expr, &hold);
    /* the one checked below must be the one the reference digests, and the only one */
    ok = set && set->nodeNr == 1 && id_target(d, uri + 1) == set->nodeTab[0];
    xmlXPathFreeObject(hold);
    g_free(expr);
    set = xmlsafe_nodes(d->xp, xmlDocGetRootElement(d->doc), "//xades:SignedProperties", &hold);
    ok = ok && set && set->nodeNr == 1;
    xmlXPathFreeObject(hold);
    target = xmlsafe_text(d->xp, d->sig, "ds:Object/xades:QualifyingProperties/@Target");
    if (ok)
        ok = target && target[0] == '#' && strcmp(target + 1, d->sig_id) == 0;
    g_free(target);
    if (!ok) {
        reason_fail(r, "xades-invalid", "the SignedProperties reference does not name this "
                    "signature's QualifyingProperties/SignedProperties");
        return -1;
    }
    return 0;
}

static int check_file_reference(struct sigdoc *d, xmlNodePtr ref, const char *uri, int idx,
                                const struct xades_package *pkg, struct reason *r)
{
    char *dm = xmlsafe_text(d->xp, ref, "ds:DigestMethod/@Algorithm");
    char *name = g_uri_unescape_string(uri, NULL);
    const struct bytes *b;
    xmlXPathObjectPtr hold;
    xmlNodeSetPtr t = xmlsafe_nodes(d->xp, ref, "ds:Transforms", &hold);
    bool transforms = t && t->nodeNr > 0;
    int rc = -1;

    xmlXPathFreeObject(hold);
    if (!dm || strcmp(dm, SHA256) != 0)
        reason_fail(r, "xades-invalid", "reference %d must use SHA-256", idx);
    else if (transforms)
        reason_fail(r, "xades-invalid", "reference %d to a package file has transforms", idx);
    else if (!name || strchr(name, '%') || strchr(uri, '#') || strchr(uri, '?') ||
             strstr(uri, "://") || is_meta(name))
        reason_fail(r, "xades-invalid", "reference %d is not a package file", idx);
    else if (g_ptr_array_find_with_equal_func(d->names, name, g_str_equal, NULL))
        reason_fail(r, "xades-invalid", "a package file is referenced twice (reference %d)", idx);
    else if (pkg->read(pkg->ctx, name, &b, r) == 0) {
        g_ptr_array_add(d->names, name);
        g_hash_table_insert(d->refs, g_strdup(uri), (gpointer)b);
        name = NULL;
        rc = 0;
    }
    g_free(dm);
    g_free(name);
    return rc;
}

static int check_references(struct sigdoc *d, const struct xades_package *pkg, struct reason *r)
{
    xmlXPathObjectPtr hold;
    xmlNodeSetPtr refs = xmlsafe_nodes(d->xp, d->sig, "ds:SignedInfo/ds:Reference", &hold);
    int sp_count = 0, rc = 0, i;

    for (i = 0; refs && i < refs->nodeNr && rc == 0; i++) {
        xmlNodePtr ref = refs->nodeTab[i];
        char *uri = xmlsafe_attr(ref, "URI");
        char *type = xmlsafe_attr(ref, "Type");
        if (!uri) {
            reason_fail(r, "xades-invalid", "reference %d has no URI", i);
            rc = -1;
        } else if (type && strcmp(type, SP_TYPE) == 0)
            rc = check_sp_reference(d, ref, uri, &sp_count, r);
        else
            rc = check_file_reference(d, ref, uri, i, pkg, r);
        g_free(uri);
        g_free(type);
    }
    xmlXPathFreeObject(hold);
    if (rc == 0 && sp_count != 1) {
        reason_fail(r, "xades-invalid", "there must be exactly one SignedProperties reference");
        rc = -1;
    }
    return rc;
}

/* Every entry outside META-INF/ (mimetype excepted) must be signed. */
static int check_coverage(struct sigdoc *d, const struct xades_package *pkg, struct reason *r)
{
    size_t i, missing = 0;

    for (i = 0; i < pkg->n_entries; i++) {
        const char *n = pkg->entries[i];
        if (is_meta(n) || strcmp(n, "mimetype") == 0)
            continue;
        if (!g_ptr_array_find_with_equal_func(d->names, n, g_str_equal, NULL))
            missing++;
    }
    if (missing) {
        reason_fail(r, "xades-unreferenced", "%zu package file(s) are not covered by the "
                    "signature", missing);
        return -1;
    }
    return 0;
}

static const EVP_MD *digest_by_uri(const char *uri)
{
    if (!uri)
        return NULL;
    if (strcmp(uri, "http://www.w3.org/2000/09/xmldsig#sha1") == 0)
        return EVP_sha1();
    if (strcmp(uri, SHA256) == 0)
        return EVP_sha256();
    if (strcmp(uri, "http://www.w3.org/2001/04/xmlenc#sha512") == 0)
        return EVP_sha512();
    return NULL;
}

static bool cert_digest_matches(X509 *cert, const EVP_MD *md, const char *b64)
{
    unsigned char *der = NULL, out[EVP_MAX_MD_SIZE];
    unsigned int outlen = 0;
    int n = i2d_X509(cert, &der);
    struct bytes want = {0};
    bool ok = false;

    if (n > 0 && EVP_Digest(der, (size_t)n, out, &outlen, md, NULL) == 1 &&
        b64 && b64_decode_strict(b64, strlen(b64), true, &want) == 0) {
        ok = want.len == outlen && CRYPTO_memcmp(want.data, out, outlen) == 0;
        bytes_free(&want);
    }
    OPENSSL_free(der);
    return ok;
}

#define SC "ds:Object/xades:QualifyingProperties/xades:SignedProperties/" \
           "xades:SignedSignatureProperties/xades:SigningCertificate/xades:Cert/xades:CertDigest/"

/* SigningCertificate and KeyInfo must both name the JWT signer. */
static int check_signer(struct sigdoc *d, X509 *signer, struct reason *r)
{
    char *dm = xmlsafe_text(d->xp, d->sig, SC "ds:DigestMethod/@Algorithm");
    char *dv = xmlsafe_text(d->xp, d->sig, SC "ds:DigestValue");
    char *leaf = xmlsafe_text(d->xp, d->sig, "ds:KeyInfo/ds:X509Data/ds:X509Certificate[1]");
    const EVP_MD *md = digest_by_uri(dm);
    int rc = 0;

    if (!md || !dv) {
        reason_fail(r, "xades-invalid", "SigningCertificate has no usable CertDigest");
        rc = -1;
    } else if (!cert_digest_matches(signer, md, dv)) {
        reason_fail(r, "xades-signer", "the package was signed with another certificate than "
                    "the business message");
        rc = -1;
    } else if (leaf) {
        struct bytes der = {0};
        X509 *c = NULL;
        if (b64_decode_strict(leaf, strlen(leaf), true, &der) == 0) {
            c = cert_from_der(der.data, der.len);
            bytes_free(&der);
        }
        if (!c || X509_cmp(c, signer) != 0) {
            reason_fail(r, "xades-signer", "KeyInfo names another certificate than the "
                        "business message signer");
            rc = -1;
        }
        X509_free(c);
    }
    g_free(dm);
    g_free(dv);
    g_free(leaf);
    return rc;
}

/* ---- xmlsec core verification -------------------------------------------------------------- */

static void restrict_transforms(xmlSecDSigCtxPtr ctx)
{
    xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformInclC14NId);
    xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformInclC14N11Id);
    xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformRsaSha256Id);
    xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformInclC14NId);
    xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformInclC14N11Id);
    xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformSha256Id);
    ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument |
                                xmlSecTransformUriTypeRemote;
}

static int core_verify(struct sigdoc *d, X509 *signer, struct reason *r)
{
    xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
    int rc = -1;

    restrict_transforms(ctx); /* Ids were registered by check_unique_ids, plain Id only */
    ctx->signKey = xades_key(X509_get0_pubkey(signer));
    if (!ctx->signKey) {
        reason_internal(r, "internal", "cannot prepare the signer key for XAdES verification");
        xmlSecDSigCtxDestroy(ctx);
        return -1;
    }
    xades_io_begin(d->refs);
    if (xmlSecDSigCtxVerify(ctx, d->sig) < 0 || ctx->status != xmlSecDSigStatusSucceeded)
        reason_fail(r, "xades-invalid", "the package signature or a reference digest does not "
                    "verify");
    else
        rc = 0;
    xades_io_end();
    xmlSecDSigCtxDestroy(ctx);
    ERR_clear_error();
    return rc;
}

static void sigdoc_free(struct sigdoc *d)
{
    if (d->xp)
        xmlXPathFreeContext(d->xp);
    if (d->doc)
        xmlFreeDoc(d->doc);
    if (d->refs)
        g_hash_table_destroy(d->refs);
    if (d->names)
        g_ptr_array_free(d->names, TRUE);
    g_free(d->sig_id);
}

static int parse_sigdoc(struct sigdoc *d, const struct bytes *xml, struct reason *r)
{
    enum xmlsafe_error why;

    memset(d, 0, sizeof *d);
    d->refs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    d->names = g_ptr_array_new_with_free_func(g_free);
    if (xml->len > SIG_CAP) {
        reason_fail(r, "xades-invalid", "signatures.xml is larger than %d bytes", SIG_CAP);
        return -1;
    }
    d->doc = xmlsafe_parse(xml->data, xml->len, false, &why);
    if (!d->doc) {
        reason_fail(r, "xades-invalid", why == XMLSAFE_DOCTYPE ? "signatures.xml has a DOCTYPE"
                                                               : "signatures.xml is not well-formed XML");
        return -1;
    }
    d->xp = xmlsafe_xpath(d->doc);
    return 0;
}

int xades_verify(const struct xades_package *pkg, X509 *signer, struct reason *r)
{
    struct sigdoc d = {0};
    int rc = parse_sigdoc(&d, pkg->signatures_xml, r);

    if (rc == 0)
        rc = find_signature(&d, r);
    if (rc == 0)
        rc = check_unique_ids(&d, r);
    if (rc == 0)
        rc = check_algorithms(&d, r);
    if (rc == 0)
        rc = check_references(&d, pkg, r);
    if (rc == 0)
        rc = check_coverage(&d, pkg, r);
    if (rc == 0)
        rc = check_signer(&d, signer, r);
    if (rc == 0)
        rc = core_verify(&d, signer, r);
    sigdoc_free(&d);
    return rc;
}

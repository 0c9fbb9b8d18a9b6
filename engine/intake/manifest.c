/* SPDX-License-Identifier: Apache-2.0 */
/*
 * manifest.c - the SDP manifest (manifest.xml at the package root).
 *
 * avsender/organisasjon, one hoveddokument and up to 200 vedlegg, each with href (4-100
 * characters) and mime (1-100). mottaker and lenke are digital-mail fields and ignored.
 * Print order is manifest order: the main document, then the attachments.
 */
#include <string.h>
#include "intake.h"
#include "../util/xmlsafe.h"

#define MANIFEST_CAP (1 << 20)
#define MAX_ATTACHMENTS 200

static int add_doc(struct manifest *m, xmlNodePtr n, struct reason *r)
{
    struct manifest_doc *d = g_new0(struct manifest_doc, 1);
    glong hl, ml;

    d->href = xmlsafe_attr(n, "href");
    d->mime = xmlsafe_attr(n, "mime");
    g_ptr_array_add(m->docs, d);
    hl = d->href ? g_utf8_strlen(d->href, -1) : 0;
    ml = d->mime ? g_utf8_strlen(d->mime, -1) : 0;
    if (hl < 4 || hl > 100 || ml < 1 || ml > 100) {
        reason_fail(r, "manifest-invalid", "document %u needs href (4-100 characters) and mime "
                    "(1-100)", m->docs->len);
        return -1;
    }
    return 0;
}

static int walk(struct manifest *m, xmlXPathContextPtr xp, xmlNodePtr root, struct reason *r)
{
    xmlNodePtr c;
    int mains = 0, attachments = 0;

    for (c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (xmlsafe_is(c, NS_SDP, "hoveddokument")) {
            if (mains++ || attachments || add_doc(m, c, r) < 0)
                break;
        } else if (xmlsafe_is(c, NS_SDP, "vedlegg")) {
            if (++attachments > MAX_ATTACHMENTS || !mains || add_doc(m, c, r) < 0)
                break;
        } else if (xmlsafe_is(c, NS_SDP, "avsender")) {
            g_free(m->avsender);
            m->avsender = xmlsafe_text(xp, c, "sdp:organisasjon");
        }
    }
    if (c && r->verdict == VERDICT_OK)
        reason_fail(r, "manifest-invalid", "manifest.xml must have one hoveddokument followed by "
                    "at most %d vedlegg", MAX_ATTACHMENTS);
    if (!c && mains != 1)
        reason_fail(r, "manifest-invalid", "manifest.xml has no hoveddokument");
    else if (!c && !m->avsender)
        reason_fail(r, "manifest-invalid", "manifest.xml has no avsender/organisasjon");
    return r->verdict == VERDICT_OK ? 0 : -1;
}

int manifest_parse(struct manifest *m, const struct bytes *xml, struct reason *r)
{
    enum xmlsafe_error why;
    xmlDocPtr doc;
    xmlXPathContextPtr xp;
    int rc;

    memset(m, 0, sizeof *m);
    m->docs = g_ptr_array_new();
    r->verdict = VERDICT_OK;
    if (xml->len > MANIFEST_CAP) {
        reason_fail(r, "manifest-invalid", "manifest.xml is larger than %d bytes", MANIFEST_CAP);
        return -1;
    }
    doc = xmlsafe_parse(xml->data, xml->len, false, &why);
    if (!doc) {
        reason_set(r, VERDICT_FAILED, why == XMLSAFE_DOCTYPE ? "xml-doctype" : "manifest-invalid",
                   why == XMLSAFE_DOCTYPE ? "manifest.xml has a DOCTYPE (DTDs and entities are "
                   "refused)" : "manifest.xml is not well-formed XML");
        return -1;
    }
    xp = xmlsafe_xpath(doc);
    if (!xmlsafe_is(xmlDocGetRootElement(doc), NS_SDP, "manifest")) {
        reason_fail(r, "manifest-invalid", "manifest.xml root is not sdp:manifest");
        rc = -1;
    } else {
        rc = walk(m, xp, xmlDocGetRootElement(doc), r);
    }
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
    return rc;
}

static void doc_free(gpointer p)
{
    struct manifest_doc *d = p;

    g_free(d->href);
    g_free(d->mime);
    g_free(d);
}

void manifest_free(struct manifest *m)
{
    if (m->docs) {
        g_ptr_array_set_free_func(m->docs, doc_free);
        g_ptr_array_free(m->docs, TRUE);
    }
    g_free(m->avsender);
    memset(m, 0, sizeof *m);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xmlsafe.c - hardened libxml2 parsing and small XPath helpers.
 */
#include <limits.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xpathInternals.h>
#include <glib.h>
#include "xmlsafe.h"

static void on_doctype(void *user, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    xmlParserCtxtPtr ctxt = user;

    ctxt->_private = (void *)1;
    xmlStopParser(ctxt);
}

static void quiet(void *ctx, const char *msg, ...) {}

/* Encoding conversion errors bypass the context's handlers and go to libxml2's generic
 * handler, which prints them on stderr quoting input bytes; the log never shows content. */
static void parse_quietly(xmlParserCtxtPtr ctxt)
{
    xmlGenericErrorFunc saved = xmlGenericError;
    void *saved_ctx = xmlGenericErrorContext;

    xmlSetGenericErrorFunc(NULL, quiet);
    xmlParseDocument(ctxt);
    xmlSetGenericErrorFunc(saved_ctx, saved);
}

xmlDocPtr xmlsafe_parse(const void *data, size_t len, bool huge, enum xmlsafe_error *why)
{
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc = NULL;
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

    *why = XMLSAFE_MALFORMED;
    if (len > INT_MAX)
        return NULL;
    ctxt = xmlCreateMemoryParserCtxt(data, (int)len);
    if (!ctxt)
        return NULL;
    if (huge)
        opts |= XML_PARSE_HUGE;
    ctxt->sax->internalSubset = on_doctype;
    ctxt->sax->externalSubset = on_doctype;
    ctxt->sax->error = quiet;
    ctxt->sax->warning = quiet;
    ctxt->vctxt.error = quiet;
    ctxt->vctxt.warning = quiet;
    xmlCtxtUseOptions(ctxt, opts);
    parse_quietly(ctxt);
    if (ctxt->_private)
        *why = XMLSAFE_DOCTYPE;
    else if (ctxt->errNo == XML_ERR_NO_MEMORY)
        *why = XMLSAFE_LIMIT; /* libxml2 reports its caps so, and may leave a truncated tree */
    else if (ctxt->wellFormed && ctxt->myDoc && xmlDocGetRootElement(ctxt->myDoc))
        *why = XMLSAFE_OK;
    if (*why == XMLSAFE_OK)
        doc = ctxt->myDoc;
    else if (ctxt->myDoc)
        xmlFreeDoc(ctxt->myDoc);
    ctxt->myDoc = NULL;
    xmlFreeParserCtxt(ctxt);
    return doc;
}

xmlXPathContextPtr xmlsafe_xpath(xmlDocPtr doc)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);

    xmlXPathRegisterNs(ctx, BAD_CAST "ds", BAD_CAST NS_DS);
    xmlXPathRegisterNs(ctx, BAD_CAST "xades", BAD_CAST NS_XADES);
    xmlXPathRegisterNs(ctx, BAD_CAST "sdp", BAD_CAST NS_SDP);
    xmlXPathRegisterNs(ctx, BAD_CAST "sbdh", BAD_CAST NS_SBDH);
    xmlXPathRegisterNs(ctx, BAD_CAST "ibp", BAD_CAST NS_INNBYGGERPOST);
    return ctx;
}

xmlNodeSetPtr xmlsafe_nodes(xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr,
                            xmlXPathObjectPtr *hold)
{
    *hold = xmlXPathNodeEval(node, BAD_CAST expr, ctx);
    if (!*hold || (*hold)->type != XPATH_NODESET || !(*hold)->nodesetval)
        return NULL;
    return (*hold)->nodesetval;
}

/* Text content of the single node matching expr, or NULL when there is not exactly one. */
char *xmlsafe_text(xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr)
{
    xmlXPathObjectPtr hold;
    xmlNodeSetPtr set = xmlsafe_nodes(ctx, node, expr, &hold);
    char *out = NULL;

    if (set && set->nodeNr == 1) {
        xmlChar *c = xmlNodeGetContent(set->nodeTab[0]);
        out = g_strdup(c ? (const char *)c : "");
        xmlFree(c);
    }
    xmlXPathFreeObject(hold);
    return out;
}

char *xmlsafe_attr(xmlNodePtr node, const char *name)
{
    xmlChar *v = xmlGetProp(node, BAD_CAST name);
    char *out = v ? g_strdup((const char *)v) : NULL;

    xmlFree(v);
    return out;
}

bool xmlsafe_is(xmlNodePtr node, const char *ns, const char *local)
{
    return node && node->type == XML_ELEMENT_NODE && node->ns &&
           strcmp((const char *)node->ns->href, ns) == 0 &&
           strcmp((const char *)node->name, local) == 0;
}

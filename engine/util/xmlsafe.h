/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xmlsafe.h - the one way trykk parses XML from outside.
 *
 * No network, no DTD loading, no entity substitution, and any DOCTYPE stops the parser
 * before it reads further (billion laughs, external entities and DTD tricks never run).
 * "huge" lifts libxml2's 10 MB text-node limit for carrier (a), whose base64 package can be
 * up to 67 MB; the input size is capped by the caller before parsing.
 */
#ifndef TRYKK_XMLSAFE_H
#define TRYKK_XMLSAFE_H

#include <stdbool.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

/* XMLSAFE_LIMIT: a parser cap was met (without huge: a text node over 10,000,000 bytes,
 * nesting over 256, a name over 50,000 bytes); the document is refused, never truncated. */
enum xmlsafe_error { XMLSAFE_OK, XMLSAFE_MALFORMED, XMLSAFE_DOCTYPE, XMLSAFE_LIMIT };

xmlDocPtr xmlsafe_parse(const void *data, size_t len, bool huge, enum xmlsafe_error *why);

/* XPath helpers with the namespace prefixes trykk uses (ds, xades, sdp, sbdh, asic, asic2). */
xmlXPathContextPtr xmlsafe_xpath(xmlDocPtr doc);
xmlNodeSetPtr xmlsafe_nodes(xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr,
                            xmlXPathObjectPtr *hold);
char *xmlsafe_text(xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr);
char *xmlsafe_attr(xmlNodePtr node, const char *name);
bool xmlsafe_is(xmlNodePtr node, const char *ns, const char *local);

#define NS_DS "http://www.w3.org/2000/09/xmldsig#"
#define NS_XADES "http://uri.etsi.org/01903/v1.3.2#"
#define NS_SDP "http://begrep.difi.no/sdp/schema_v10"
#define NS_SBDH "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
#define NS_ASIC "http://uri.etsi.org/02918/v1.2.1#"
#define NS_ASIC_OLD "http://uri.etsi.org/2918/v1.2.1#"
#define NS_INNBYGGERPOST "http://digdir.no/dpi/innbyggerpost"

#endif

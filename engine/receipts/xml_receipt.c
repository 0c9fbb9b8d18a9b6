/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xml_receipt.c - receipts for letters that came in the legacy SDP XML form
 * (dpi-print-format.md §9.3): an XML StandardBusinessDocument whose business element is
 * sdp:kvittering (tidspunkt, then mottak, levering or returpost) or sdp:feil (tidspunkt,
 * feiltype, detaljer), signed enveloped exactly like the message (§3.3).
 *
 * The same (letter, type) always gives the same InstanceIdentifier; the stored bytes are
 * what every re-publication sends.
 */
#include <string.h>
#include <libxml/tree.h>
#include "receipts.h"
#include "../crypto/crypto.h"
#include "../util/util.h"
#include "../util/xmlsafe.h"

#define SDP_STANDARD "urn:no:difi:sdp:1.0"
#define DETALJER_MAX 1000

static const char *element_of(const char *type)
{
    return strcmp(type, "mottakskvittering") == 0     ? "mottak"
           : strcmp(type, "leveringskvittering") == 0 ? "levering"
           : strcmp(type, "returpostkvittering") == 0 ? "returpost"
                                                      : NULL;
}

static void esc(GString *x, const char *s)
{
    char *e = g_markup_escape_text(s ? s : "", -1);

    g_string_append(x, e);
    g_free(e);
}

static void sbdh(GString *x, const struct receipt_signer *s, const struct receipt_to_xml *to,
                 const char *id, bool feil, const char *now)
{
    const char *auth = to->authority && *to->authority ? to->authority : "iso6523-actorid-upis";

    g_string_append(x, "<StandardBusinessDocumentHeader><HeaderVersion>1.0</HeaderVersion>"
                       "<Sender><Identifier Authority=\"");
    esc(x, auth);
    g_string_append_printf(x, "\">9908:%s</Identifier></Sender><Receiver><Identifier "
                              "Authority=\"", s->orgnr);
    esc(x, auth);
    g_string_append(x, "\">");
    esc(x, to->sbdh_sender);
    g_string_append_printf(x, "</Identifier></Receiver><DocumentIdentification><Standard>"
                              SDP_STANDARD "</Standard><TypeVersion>1.0</TypeVersion>"
                              "<InstanceIdentifier>%s</InstanceIdentifier><Type>%s</Type>"
                              "<CreationDateAndTime>%s</CreationDateAndTime>"
                              "</DocumentIdentification><BusinessScope><Scope><Type>"
                              "ConversationId</Type><InstanceIdentifier>", id,
                           feil ? "feil" : "kvittering", now);
    esc(x, to->conversation_id);
    g_string_append(x, "</InstanceIdentifier><Identifier>" SDP_STANDARD "</Identifier></Scope>"
                       "</BusinessScope></StandardBusinessDocumentHeader>");
}

static void body(GString *x, const char *type, const char *feiltype, const char *detaljer,
                 const char *now)
{
    const char *el = element_of(type);

    if (el) {
        g_string_append_printf(x, "<kvittering xmlns=\"" NS_SDP "\"><tidspunkt>%s</tidspunkt>"
                                  "<%s/></kvittering>", now, el);
        return;
    }
    g_string_append_printf(x, "<feil xmlns=\"" NS_SDP "\"><tidspunkt>%s</tidspunkt><feiltype>%s"
                              "</feiltype>", now, feiltype ? feiltype : "SERVER");
    if (detaljer && *detaljer) {
        const char *end = detaljer;
        glong n = 0;
        char *clip;
        while (*end && n++ < DETALJER_MAX)
            end = g_utf8_next_char(end);
        clip = g_strndup(detaljer, (gsize)(end - detaljer));
        g_string_append(x, "<detaljer>");
        esc(x, clip);
        g_string_append(x, "</detaljer>");
        g_free(clip);
    }
    g_string_append(x, "</feil>");
}

/* Parse the unsigned document, sign its business element, serialise. */
static char *sign(const char *xml, const struct receipt_signer *s)
{
    enum xmlsafe_error why;
    xmlDocPtr doc = xmlsafe_parse(xml, strlen(xml), false, &why);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL, business = NULL, c;
    xmlChar *mem = NULL;
    int len = 0;
    char *out = NULL;

    for (c = root ? root->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            business = c; /* the last element: kvittering or feil */
    if (business && xmldsig_sign(doc, business, s->key, s->cert) == 0) {
        xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
        out = g_strndup((const char *)mem, (gsize)len);
        xmlFree(mem);
    }
    if (doc)
        xmlFreeDoc(doc);
    return out;
}

int receipt_build_xml(struct receipt *out, const struct receipt_signer *s,
                      const struct receipt_to_xml *to, const char *letter_id, const char *type,
                      const char *feiltype, const char *detaljer, GDateTime *at)
{
    bool feil = strcmp(type, "feil") == 0;
    char *now, *id, *signed_xml;
    GString *x;

    if (!feil && !element_of(type)) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    now = time_rfc3339(at);
    id = receipt_uuid(letter_id, type);
    x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                     "<StandardBusinessDocument xmlns=\"" NS_SBDH "\">");
    sbdh(x, s, to, id, feil, now);
    body(x, type, feiltype, detaljer, now);
    g_string_append(x, "</StandardBusinessDocument>");
    signed_xml = sign(x->str, s);
    g_string_free(x, TRUE);
    return receipt_fill(out, signed_xml, id, now, letter_id, type,
                        feil ? (feiltype ? feiltype : "SERVER") : NULL, "xml");
}

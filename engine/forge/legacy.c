/* SPDX-License-Identifier: Apache-2.0 */
/*
 * legacy.c - the sender side of carrier (c): an SDP 1.0 XML StandardBusinessDocument with
 * digitalPost and fysiskPostInfo for a forge_letter, signed enveloped (exc-c14n, RSA-SHA256)
 * with the sender's business certificate, for tests and the demo.
 */
#include <string.h>
#include <openssl/evp.h>
#include <libxml/tree.h>
#include "forge.h"
#include "../crypto/crypto.h"
#include "../util/xmlsafe.h"

static void esc(GString *x, const char *tag, const char *v)
{
    char *e;

    if (!v)
        return;
    e = g_markup_escape_text(v, -1);
    g_string_append_printf(x, "<%s>%s</%s>", tag, e, tag);
    g_free(e);
}

static void address(GString *x, const char *navn, const char *line, const char *postnummer,
                    const char *poststed, const char *landkode)
{
    esc(x, "navn", navn);
    if (landkode) {
        g_string_append(x, "<utenlandskAdresse>");
        esc(x, "adresselinje1", line);
        esc(x, "landkode", landkode);
        g_string_append(x, "</utenlandskAdresse>");
    } else {
        g_string_append(x, "<norskAdresse>");
        esc(x, "adresselinje1", line);
        esc(x, "postnummer", postnummer);
        esc(x, "poststed", poststed);
        g_string_append(x, "</norskAdresse>");
    }
}

static void header(GString *x, const struct forge_letter *l, const char *mid, const char *cid,
                   const char *created, const char *authority)
{
    g_string_append_printf(x,
        "<StandardBusinessDocumentHeader><HeaderVersion>1.0</HeaderVersion>"
        "<Sender><Identifier Authority=\"%s\">9908:%s</Identifier></Sender>"
        "<Receiver><Identifier Authority=\"%s\">9908:%s</Identifier></Receiver>"
        "<DocumentIdentification><Standard>urn:no:difi:sdp:1.0</Standard>"
        "<TypeVersion>1.0</TypeVersion><InstanceIdentifier>%s</InstanceIdentifier>"
        "<Type>digitalPost</Type><CreationDateAndTime>%s</CreationDateAndTime>"
        "</DocumentIdentification><BusinessScope><Scope><Type>ConversationId</Type>"
        "<InstanceIdentifier>%s</InstanceIdentifier><Identifier>urn:no:difi:sdp:1.0</Identifier>"
        "</Scope></BusinessScope></StandardBusinessDocumentHeader>", authority, l->sender_orgnr,
        authority, l->receiver_orgnr, mid, created, cid);
}

static void digital_post(GString *x, const struct forge_letter *l, const struct bytes *cms)
{
    unsigned char md[32];
    char *digest;

    EVP_Digest(cms->data, cms->len, md, NULL, EVP_sha256(), NULL);
    digest = b64_encode(md, sizeof md);
    g_string_append_printf(x, "<digitalPost xmlns=\"" NS_SDP "\" xmlns:ds=\"" NS_DS "\">"
                              "<avsender><organisasjon>9908:%s</organisasjon>", l->sender_orgnr);
    esc(x, "avsenderidentifikator", l->avsenderidentifikator);
    esc(x, "fakturaReferanse", l->faktura_referanse);
    g_string_append(x, "</avsender><fysiskPostInfo><mottaker>");
    address(x, l->navn ? l->navn : "Kari Nordmann", l->adresse ? l->adresse : "Storgata 1",
            l->postnummer ? l->postnummer : "0155", l->poststed ? l->poststed : "Oslo",
            l->landkode);
    g_string_append(x, "</mottaker>");
    esc(x, "posttype", l->posttype);
    esc(x, "utskriftsfarge", l->colour ? l->colour : "SORT_HVIT");
    g_string_append(x, "<retur>");
    esc(x, "postHaandtering", l->return_handling ? l->return_handling : "DIREKTE_RETUR");
    g_string_append(x, "<mottaker>");
    address(x, "Testetaten", "Postboks 1", "0101", "Oslo", NULL);
    g_string_append_printf(x, "</mottaker></retur><printinstruksjoner><printinstruksjon>"
                              "<navn>returkonvolutt</navn><verdi>true</verdi>"
                              "</printinstruksjon></printinstruksjoner></fysiskPostInfo>"
                              "<dokumentpakkefingeravtrykk><ds:DigestMethod Algorithm=\""
                              "http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>%s"
                              "</ds:DigestValue></dokumentpakkefingeravtrykk></digitalPost>",
                           digest);
    g_free(digest);
}

char *forge_legacy_sbd(const struct forge_letter *l, const struct bytes *cms,
                       const char *authority)
{
    GString *x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                              "<StandardBusinessDocument xmlns=\"" NS_SBDH "\">");
    char *mid = l->message_id ? g_strdup(l->message_id) : g_uuid_string_random();
    char *cid = l->conversation_id ? g_strdup(l->conversation_id) : g_uuid_string_random();
    GDateTime *now = time_now();
    char *created = l->created ? g_strdup(l->created) : time_rfc3339(now), *out = NULL;
    enum xmlsafe_error why;
    xmlDocPtr doc;
    xmlNodePtr root, c, business = NULL;

    header(x, l, mid, cid, created, authority ? authority : "iso6523-actorid-upis");
    digital_post(x, l, cms);
    g_string_append(x, "</StandardBusinessDocument>");
    doc = xmlsafe_parse(x->str, x->len, false, &why);
    root = doc ? xmlDocGetRootElement(doc) : NULL;
    for (c = root ? root->children : NULL; c; c = c->next)
        if (xmlsafe_is(c, NS_SDP, "digitalPost"))
            business = c;
    if (business && xmldsig_sign(doc, business, l->signer->key, l->signer->cert) == 0) {
        xmlChar *mem = NULL;
        int len = 0;
        xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
        out = g_strndup((const char *)mem, (gsize)len);
        xmlFree(mem);
    }
    if (doc)
        xmlFreeDoc(doc);
    g_string_free(x, TRUE);
    g_free(mid);
    g_free(cid);
    g_free(created);
    g_date_time_unref(now);
    return out;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * legacy.c - carrier (c): the SDP 1.0 business message, an XML StandardBusinessDocument with
 * sdp:digitalPost and sdp:fysiskPostInfo (dpi-print-format.md §3).
 *
 * The XML is read once, safely, and mapped onto the DPI JSON payload of the same letter
 * (§3.4): from there on a legacy letter is checked, printed and costed exactly like a
 * current one, so both formats give identical print output. What only the legacy form has
 * is kept aside: the SBDH Authority spelling (echoed in the XML receipts) and the
 * printinstruksjoner (logged by name, otherwise ignored). The XML signature is verified by
 * the caller on lg->doc; every value mapped here lies inside what it covers (URI="").
 */
#include <string.h>
#include "intake.h"
#include "../util/xmlsafe.h"

#define SDP_STANDARD "urn:no:difi:sdp:1.0"
#define AUTHORITY "iso6523-actorid-upis"

void legacy_free(struct legacy *lg)
{
    if (lg->doc)
        xmlFreeDoc(lg->doc);
    g_free(lg->authority);
    g_free(lg->print_instructions);
    memset(lg, 0, sizeof *lg);
}

/* Text of expr below node, NULL when absent or empty. */
static char *text(xmlXPathContextPtr xp, xmlNodePtr node, const char *expr)
{
    char *t = node ? xmlsafe_text(xp, node, expr) : NULL;

    if (t && !*g_strstrip(t))
        g_clear_pointer(&t, g_free);
    return t;
}

static void set_text(json_t *o, const char *key, char *value)
{
    if (value)
        json_object_set_new(o, key, json_string(value));
    g_free(value);
}

static json_t *identifier(char *value)
{
    json_t *id = json_pack("{s:s}", "authority", AUTHORITY);

    set_text(id, "value", value);
    return json_pack("{s:o}", "identifier", id);
}

static json_t *header(xmlXPathContextPtr xp, xmlNodePtr h, const char **err)
{
    char *standard = text(xp, h, "sbdh:DocumentIdentification/sbdh:Standard");
    char *type = text(xp, h, "sbdh:DocumentIdentification/sbdh:Type");
    json_t *di = json_pack("{s:s, s:s}", "standard", UTSKRIFT_STANDARD, "type", "utskrift");
    json_t *scope = json_object(), *o;

    if (!standard || strcmp(standard, SDP_STANDARD) != 0 || !type ||
        strcmp(type, "digitalPost") != 0)
        *err = "DocumentIdentification must be Standard " SDP_STANDARD ", Type digitalPost";
    set_text(di, "typeVersion", text(xp, h, "sbdh:DocumentIdentification/sbdh:TypeVersion"));
    set_text(di, "instanceIdentifier",
             text(xp, h, "sbdh:DocumentIdentification/sbdh:InstanceIdentifier"));
    set_text(di, "creationDateAndTime",
             text(xp, h, "sbdh:DocumentIdentification/sbdh:CreationDateAndTime"));
    json_object_set_new(scope, "type", json_string("ConversationId"));
    set_text(scope, "instanceIdentifier", text(xp, h, "sbdh:BusinessScope/sbdh:Scope"
                                                      "[sbdh:Type='ConversationId']/"
                                                      "sbdh:InstanceIdentifier"));
    set_text(scope, "identifier", text(xp, h, "sbdh:BusinessScope/sbdh:Scope"
                                              "[sbdh:Type='ConversationId']/sbdh:Identifier"));
    o = json_pack("{s:o, s:[o], s:[o], s:o, s:{s:[o]}}", "headerVersion", json_null(),
                  "sender", identifier(text(xp, h, "sbdh:Sender/sbdh:Identifier")),
                  "receiver", identifier(text(xp, h, "sbdh:Receiver/sbdh:Identifier")),
                  "documentIdentification", di, "businessScope", "scope", scope);
    set_text(o, "headerVersion", text(xp, h, "sbdh:HeaderVersion"));
    if (!json_is_string(json_object_get(o, "headerVersion")))
        json_object_del(o, "headerVersion");
    g_free(standard);
    g_free(type);
    return o;
}

/* navn + norskAdresse | utenlandskAdresse -> the flat DPI address */
static json_t *address(xmlXPathContextPtr xp, xmlNodePtr m)
{
    static const char *const lines[] = {"adresselinje1", "adresselinje2", "adresselinje3",
                                        "adresselinje4", "postnummer", "poststed", "land",
                                        "landkode"};
    json_t *a = json_object();
    char expr[64];
    size_t i;

    set_text(a, "navn", text(xp, m, "sdp:navn"));
    for (i = 0; i < G_N_ELEMENTS(lines); i++) {
        g_snprintf(expr, sizeof expr, "sdp:norskAdresse/sdp:%s", lines[i]);
        set_text(a, lines[i], text(xp, m, expr));
        g_snprintf(expr, sizeof expr, "sdp:utenlandskAdresse/sdp:%s", lines[i]);
        if (!json_object_get(a, lines[i]))
            set_text(a, lines[i], text(xp, m, expr));
    }
    return a;
}

static xmlNodePtr node(xmlXPathContextPtr xp, xmlNodePtr from, const char *expr)
{
    xmlXPathObjectPtr hold = NULL;
    xmlNodeSetPtr set = xmlsafe_nodes(xp, from, expr, &hold);
    xmlNodePtr n = set && set->nodeNr == 1 ? set->nodeTab[0] : NULL;

    xmlXPathFreeObject(hold);
    return n;
}

/*
 * The sender's print instructions as "navn=verdi; …" (at most 20; a name or value that is
 * not a short safe name shows as "?"), or NULL. trykk acts on none of them (returkonvolutt
 * included: no return envelope is inserted); the engine logs them with the letter id and
 * records them on the letter, where `trykk show` shows them.
 */
static char *print_instructions(xmlXPathContextPtr xp, xmlNodePtr f)
{
    xmlXPathObjectPtr hold = NULL;
    xmlNodeSetPtr set = xmlsafe_nodes(xp, f, "sdp:printinstruksjoner/sdp:printinstruksjon",
                                      &hold);
    GString *s = g_string_new(NULL);
    int i;

    for (i = 0; set && i < set->nodeNr && i < 20; i++) {
        char *n = xmlsafe_text(xp, set->nodeTab[i], "sdp:navn");
        char *v = xmlsafe_text(xp, set->nodeTab[i], "sdp:verdi");
        g_string_append_printf(s, "%s%s=%s", s->len ? "; " : "",
                               n && text_is_safe_name(n, 40) ? n : "?",
                               v && text_is_safe_name(v, 40) ? v : "?");
        g_free(n);
        g_free(v);
    }
    xmlXPathFreeObject(hold);
    return g_string_free(s, s->len == 0);
}

static json_t *utskrift(xmlXPathContextPtr xp, xmlNodePtr dp, char **instructions,
                        const char **err)
{
    xmlNodePtr f = node(xp, dp, "sdp:fysiskPostInfo"), m, rm;
    json_t *avsender = json_object(), *u, *fp = json_object(), *retur = json_object();

    if (!f) {
        *err = "digitalPost holds no fysiskPostInfo: digital mail is not printed";
        f = dp; /* map what there is, so the sender can be answered */
    }
    json_object_set_new(avsender, "virksomhetsidentifikator",
                        json_pack("{s:s}", "authority", AUTHORITY));
    set_text(json_object_get(avsender, "virksomhetsidentifikator"), "value",
             text(xp, dp, "sdp:avsender/sdp:organisasjon"));
    set_text(avsender, "avsenderidentifikator", text(xp, dp, "sdp:avsender/"
                                                             "sdp:avsenderidentifikator"));
    set_text(avsender, "fakturaReferanse", text(xp, dp, "sdp:avsender/sdp:fakturaReferanse"));
    set_text(fp, "digestMethod", text(xp, dp, "sdp:dokumentpakkefingeravtrykk/ds:DigestMethod/"
                                              "@Algorithm"));
    set_text(fp, "digestValue", text(xp, dp, "sdp:dokumentpakkefingeravtrykk/ds:DigestValue"));
    u = json_pack("{s:o, s:o}", "avsender", avsender, "dokumentpakkefingeravtrykk", fp);
    if ((m = node(xp, f, "sdp:mottaker")))
        json_object_set_new(u, "mottaker", address(xp, m));
    set_text(u, "utskriftstype", text(xp, f, "sdp:utskriftsfarge"));
    set_text(u, "posttype", text(xp, f, "sdp:posttype"));
    set_text(u, "maskinportentoken", text(xp, f, "sdp:maskinportentoken"));
    if ((rm = node(xp, f, "sdp:retur/sdp:mottaker")))
        json_object_set_new(retur, "mottaker", address(xp, rm));
    set_text(retur, "returposthaandtering", text(xp, f, "sdp:retur/sdp:postHaandtering"));
    json_object_set_new(u, "retur", retur);
    *instructions = print_instructions(xp, f);
    return u;
}

int legacy_read(struct legacy *lg, const struct bytes *xml, json_t **payload, struct reason *r)
{
    enum xmlsafe_error why;
    xmlXPathContextPtr xp;
    xmlNodePtr root, h;
    const char *err = NULL;

    memset(lg, 0, sizeof *lg);
    *payload = NULL;
    lg->doc = xmlsafe_parse(xml->data, xml->len, false, &why);
    root = lg->doc ? xmlDocGetRootElement(lg->doc) : NULL;
    if (!root || !xmlsafe_is(root, NS_SBDH, "StandardBusinessDocument")) {
        reason_quarantine(r, "message-unreadable", why == XMLSAFE_DOCTYPE
                          ? "sbd.xml has a DOCTYPE" : "sbd.xml is not an XML "
                          "StandardBusinessDocument");
        return -1;
    }
    xp = xmlsafe_xpath(lg->doc);
    h = node(xp, root, "sbdh:StandardBusinessDocumentHeader");
    lg->business = node(xp, root, "sdp:digitalPost");
    if (!h || !lg->business) {
        reason_quarantine(r, "message-unreadable", "sbd.xml holds no SBDH and digitalPost");
        xmlXPathFreeContext(xp);
        return -1;
    }
    lg->authority = xmlsafe_text(xp, h, "sbdh:Sender/sbdh:Identifier/@Authority");
    *payload = json_pack("{s:{s:o, s:o}}", "standardBusinessDocument",
                         "standardBusinessDocumentHeader", header(xp, h, &err),
                         "utskrift", utskrift(xp, lg->business, &lg->print_instructions,
                                              &err));
    xmlXPathFreeContext(xp);
    if (err) {
        reason_fail(r, "legacy-message", "%s", err);
        return 1;
    }
    return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * message.c - the JSON business message: the SBDH and the utskrift body.
 *
 * The official JSON schemas (draft-07) are enforced here in C: every object has only its
 * listed members (additionalProperties:false), required members are present, strings have
 * their types, lengths (in characters), patterns and enumerations, and the address oneOf
 * (Norwegian xor foreign with exactly one of land/landkode) holds. Details name the JSON
 * path and the rule, never the value.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "intake.h"

#define AUTHORITY "iso6523-actorid-upis"

struct rules {
    struct reason *r;
    int failed;
    bool legacy;   /* carrier (c): the SDP XSD's lengths apply too */
    bool unsafe;   /* the first failure was a control or direction character */
};

static void fail(struct rules *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct rules *k, const char *fmt, ...)
{
    va_list ap;

    if (k->failed++)
        return;
    k->r->verdict = VERDICT_FAILED;
    k->r->code = "message-invalid";
    va_start(ap, fmt);
    vsnprintf(k->r->detail, sizeof k->r->detail, fmt, ap);
    va_end(ap);
}

/* Only the allowed members; all required ones present. */
static bool members(struct rules *k, json_t *o, const char *path, const char *const allowed[],
                    const char *const required[])
{
    const char *key;
    json_t *v;
    size_t i;

    if (!json_is_object(o)) {
        fail(k, "%s must be an object", path);
        return false;
    }
    json_object_foreach(o, key, v) {
        bool ok = false;
        for (i = 0; allowed[i] && !ok; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok) {
            fail(k, "%s has a member that the schema does not allow", path);
            return false;
        }
    }
    for (i = 0; required && required[i]; i++)
        if (!json_object_get(o, required[i])) {
            g_autofree char *where = g_strdup_printf("%s.%s", path, required[i]);
            fail(k, "%s is required", where);
            return false;
        }
    return true;
}

/* A string member (NULL when absent); max counts characters, 0 = no limit. */
static const char *str(struct rules *k, json_t *o, const char *key, const char *path, size_t max)
{
    json_t *v = json_object_get(o, key);
    g_autofree char *where = g_strdup_printf("%s.%s", path, key);

    if (!v)
        return NULL;
    if (!json_is_string(v)) {
        fail(k, "%s must be a string", where);
        return NULL;
    }
    if (max && g_utf8_strlen(json_string_value(v), -1) > (glong)max) {
        fail(k, "%s is longer than the schema allows", where);
        return NULL;
    }
    if (!text_is_printable(json_string_value(v))) {
        if (!k->failed)
            k->unsafe = true;
        fail(k, "%s contains a control or text-direction character", where);
        return NULL;
    }
    return json_string_value(v);
}

static bool digits(const char *s, size_t n)
{
    size_t i;

    if (strlen(s) != n)
        return false;
    for (i = 0; i < n; i++)
        if (!g_ascii_isdigit(s[i]))
            return false;
    return true;
}

/* ECMA \w{1,35} after a 4-digit scheme: "0192:991825827". */
static bool iso6523(const char *s)
{
    size_t n = s ? strlen(s) : 0, i;

    if (n < 6 || n > 40 || s[4] != ':')
        return false;
    for (i = 0; i < 4; i++)
        if (!g_ascii_isdigit(s[i]))
            return false;
    for (i = 5; i < n; i++)
        if (!g_ascii_isalnum(s[i]) && s[i] != '_')
            return false;
    return true;
}

static bool one_of(const char *s, const char *a, const char *b)
{
    return s && (strcmp(s, a) == 0 || strcmp(s, b) == 0);
}

static const char *identifier(struct rules *k, json_t *o, const char *path)
{
    static const char *const allowed[] = {"authority", "value", NULL};
    const char *auth, *value;

    if (!members(k, o, path, allowed, allowed))
        return NULL;
    auth = str(k, o, "authority", path, 0);
    value = str(k, o, "value", path, 0);
    if (!auth || strcmp(auth, AUTHORITY) != 0)
        fail(k, "%s.authority must be " AUTHORITY, path);
    else if (!iso6523(value))
        fail(k, "%s.value must be an ISO 6523 identifier such as 0192:<orgnr>", path);
    return k->failed ? NULL : value;
}

static const char *actor(struct rules *k, json_t *arr, const char *path)
{
    static const char *const allowed[] = {"identifier", NULL};
    json_t *a;

    if (!json_is_array(arr) || json_array_size(arr) != 1) {
        fail(k, "%s must be an array of exactly one actor", path);
        return NULL;
    }
    a = json_array_get(arr, 0);
    if (!members(k, a, path, allowed, allowed))
        return NULL;
    return identifier(k, json_object_get(a, "identifier"), path);
}

static void document_identification(struct rules *k, struct message *m, json_t *o)
{
    static const char *const all[] = {"standard", "typeVersion", "instanceIdentifier", "type",
                                      "creationDateAndTime", NULL};
    const char *p = "standardBusinessDocumentHeader.documentIdentification";
    const char *tv;
    GDateTime *t;

    if (!members(k, o, p, all, all))
        return;
    m->standard = str(k, o, "standard", p, 0);
    tv = str(k, o, "typeVersion", p, 0);
    m->message_id = str(k, o, "instanceIdentifier", p, 0);
    m->type = str(k, o, "type", p, 0);
    m->created = str(k, o, "creationDateAndTime", p, 0);
    if (k->failed)
        return;
    if (g_strcmp0(tv, "1.0") != 0) /* tv is required (members), so set here */
        fail(k, "%s.typeVersion must be 1.0", p);
    else if (!text_is_uuid(m->message_id))
        fail(k, "%s.instanceIdentifier must be a UUID", p);
    else if (!(t = time_parse_rfc3339(m->created)))
        fail(k, "%s.creationDateAndTime must be an RFC 3339 date-time", p);
    else
        g_date_time_unref(t);
}

static void scope_information(struct rules *k, struct message *m, json_t *arr, const char *p)
{
    static const char *const allowed[] = {"expectedResponseDateTime", NULL};
    size_t i;

    if (!arr)
        return;
    if (!json_is_array(arr)) {
        fail(k, "%s.scopeInformation must be an array", p);
        return;
    }
    for (i = 0; i < json_array_size(arr) && !k->failed; i++) {
        json_t *si = json_array_get(arr, i);
        if (members(k, si, p, allowed, NULL) && !m->expected_response)
            m->expected_response = str(k, si, "expectedResponseDateTime", p, 0);
    }
}

static void business_scope(struct rules *k, struct message *m, json_t *o)
{
    static const char *const bs[] = {"scope", NULL};
    static const char *const sc[] = {"type", "instanceIdentifier", "identifier",
                                     "scopeInformation", NULL};
    static const char *const sc_req[] = {"type", NULL};
    const char *p = "standardBusinessDocumentHeader.businessScope.scope";
    json_t *arr, *s;
    size_t i, conversations = 0;

    if (!members(k, o, "standardBusinessDocumentHeader.businessScope", bs, bs))
        return;
    arr = json_object_get(o, "scope");
    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        fail(k, "%s must be a non-empty array", p);
        return;
    }
    json_array_foreach(arr, i, s) {
        const char *type, *id;
        if (!members(k, s, p, sc, sc_req))
            return;
        type = str(k, s, "type", p, 0);
        id = str(k, s, "instanceIdentifier", p, 0);
        str(k, s, "identifier", p, 0);
        scope_information(k, m, json_object_get(s, "scopeInformation"), p);
        if (k->failed)
            return;
        if (strcmp(type, "ConversationId") == 0) {
            conversations++;
            if (!text_is_uuid(id))
                fail(k, "%s ConversationId.instanceIdentifier must be a UUID", p);
            m->conversation_id = id;
        }
    }
    if (!k->failed && conversations != 1)
        fail(k, "%s must hold exactly one ConversationId", p);
}

static void header(struct rules *k, struct message *m, json_t *h)
{
    static const char *const all[] = {"headerVersion", "sender", "receiver",
                                      "documentIdentification", "businessScope", NULL};
    const char *p = "standardBusinessDocumentHeader";
    const char *hv;

    if (!members(k, h, p, all, all))
        return;
    hv = str(k, h, "headerVersion", p, 0);
    if (hv && strcmp(hv, "1.0") != 0)
        fail(k, "%s.headerVersion must be 1.0", p);
    m->sbdh_sender = actor(k, json_object_get(h, "sender"), "standardBusinessDocumentHeader.sender");
    m->sbdh_receiver = actor(k, json_object_get(h, "receiver"),
                             "standardBusinessDocumentHeader.receiver");
    document_identification(k, m, json_object_get(h, "documentIdentification"));
    business_scope(k, m, json_object_get(h, "businessScope"));
}

/* adresseInformasjon: Norwegian (postnummer + poststed) xor foreign (land xor landkode). */
static void address(struct rules *k, struct address *a, json_t *o, const char *p)
{
    static const char *const all[] = {"navn", "adresselinje1", "adresselinje2", "adresselinje3",
                                      "adresselinje4", "postnummer", "poststed", "land",
                                      "landkode", NULL};
    bool base, norsk, foreign;
    int before = k->failed;

    if (!members(k, o, p, all, NULL))
        return;
    a->navn = str(k, o, "navn", p, k->legacy ? 130 : 0);
    a->linje[0] = str(k, o, "adresselinje1", p, 100);
    a->linje[1] = str(k, o, "adresselinje2", p, 100);
    a->linje[2] = str(k, o, "adresselinje3", p, 100);
    a->linje[3] = str(k, o, "adresselinje4", p, 100);
    a->postnummer = str(k, o, "postnummer", p, 0);
    a->poststed = str(k, o, "poststed", p, 80);
    a->land = str(k, o, "land", p, 80);
    a->landkode = str(k, o, "landkode", p, 0);
    if (k->failed) {
        if (!before && k->unsafe)
            k->r->code = "address-invalid"; /* it would print in the window as it is */
        return;
    }
    if (a->postnummer && !digits(a->postnummer, 4)) {
        fail(k, "%s.postnummer must be four digits", p);
        return;
    }
    if (a->landkode && (strlen(a->landkode) != 2 || !g_ascii_isalpha(a->landkode[0]) ||
                        !g_ascii_isalpha(a->landkode[1]))) {
        fail(k, "%s.landkode must be two letters (ISO 3166-1 alpha-2)", p);
        return;
    }
    base = a->navn && a->linje[0];
    norsk = base && a->postnummer && a->poststed;
    foreign = base && ((a->land != NULL) != (a->landkode != NULL));
    if (norsk == foreign)
        fail(k, "%s must be either a Norwegian address (navn, adresselinje1, postnummer, "
                "poststed) or a foreign one (navn, adresselinje1, and one of land/landkode)", p);
}

static void avsender(struct rules *k, struct message *m, json_t *o)
{
    static const char *const all[] = {"virksomhetsidentifikator", "avsenderidentifikator",
                                      "fakturaReferanse", NULL};
    static const char *const req[] = {"virksomhetsidentifikator", NULL};
    const char *p = "utskrift.avsender";

    if (!members(k, o, p, all, req))
        return;
    m->avsender = identifier(k, json_object_get(o, "virksomhetsidentifikator"),
                             "utskrift.avsender.virksomhetsidentifikator");
    m->avsenderidentifikator = str(k, o, "avsenderidentifikator", p, 100);
    m->faktura_referanse = str(k, o, "fakturaReferanse", p, 40);
}

static void fingerprint(struct rules *k, struct message *m, json_t *o)
{
    static const char *const all[] = {"digestMethod", "digestValue", NULL};
    const char *p = "utskrift.dokumentpakkefingeravtrykk";

    if (!members(k, o, p, all, all))
        return;
    m->digest_method = str(k, o, "digestMethod", p, 0);
    m->digest_value = str(k, o, "digestValue", p, 0);
}

static void retur(struct rules *k, struct message *m, json_t *o)
{
    static const char *const all[] = {"mottaker", "returposthaandtering", NULL};
    const char *p = "utskrift.retur";

    if (!members(k, o, p, all, all))
        return;
    address(k, &m->retur, json_object_get(o, "mottaker"), "utskrift.retur.mottaker");
    m->return_handling = str(k, o, "returposthaandtering", p, 0);
    if (!k->failed && !one_of(m->return_handling, "DIREKTE_RETUR", "MAKULERING_MED_MELDING"))
        fail(k, "%s.returposthaandtering must be DIREKTE_RETUR or MAKULERING_MED_MELDING", p);
}

static void utskrift(struct rules *k, struct message *m, json_t *u)
{
    static const char *const all[] = {"avsender", "mottaker", "dokumentpakkefingeravtrykk",
                                      "maskinportentoken", "utskriftstype", "retur", "posttype",
                                      NULL};
    static const char *const req[] = {"avsender", "mottaker", "dokumentpakkefingeravtrykk",
                                      "maskinportentoken", "utskriftstype", "retur", NULL};
    static const char *const req_legacy[] = {"avsender", "mottaker",
                                             "dokumentpakkefingeravtrykk", "utskriftstype",
                                             "retur", NULL};
    const char *p = "utskrift";

    if (!members(k, u, p, all, m->legacy ? req_legacy : req))
        return;
    avsender(k, m, json_object_get(u, "avsender"));
    address(k, &m->recipient, json_object_get(u, "mottaker"), "utskrift.mottaker");
    fingerprint(k, m, json_object_get(u, "dokumentpakkefingeravtrykk"));
    m->token = str(k, u, "maskinportentoken", p, 0);
    m->colour = str(k, u, "utskriftstype", p, 0);
    retur(k, m, json_object_get(u, "retur"));
    m->posttype = str(k, u, "posttype", p, 0);
    if (k->failed)
        return;
    if (!one_of(m->colour, "SORT_HVIT", "FARGE"))
        fail(k, "%s.utskriftstype must be SORT_HVIT or FARGE", p);
    else if (m->posttype && !one_of(m->posttype, "A", "B"))
        fail(k, "%s.posttype must be A or B", p);
    else if (!m->posttype)
        m->posttype = "B";
}

int message_check(struct message *m, struct reason *r)
{
    static const char *const top[] = {"standardBusinessDocument", NULL};
    struct rules k = {r, 0, m->legacy, false};
    json_t *sbd, *h;
    const char *key;
    json_t *v;

    if (!members(&k, m->payload, "payload", top, top))
        return -1;
    sbd = json_object_get(m->payload, "standardBusinessDocument");
    h = json_object_get(sbd, "standardBusinessDocumentHeader");
    if (!json_is_object(sbd) || !h || json_object_size(sbd) != 2) {
        fail(&k, "%s must hold the header and exactly one business object",
             "standardBusinessDocument");
        return -1;
    }
    header(&k, m, h);
    if (k.failed)
        return -1;
    json_object_foreach(sbd, key, v) {
        if (strcmp(key, "standardBusinessDocumentHeader") != 0 && strcmp(key, m->type) != 0)
            fail(&k, "%s: the business object's name differs from documentIdentification.type",
                 "standardBusinessDocument");
    }
    if (!k.failed && strcmp(m->type, "utskrift") == 0)
        utskrift(&k, m, json_object_get(sbd, "utskrift"));
    return k.failed ? -1 : 0;
}

bool message_standard_ok(const char *standard)
{
    static const char alt[] = "urn:fdc:digdir.no:2020:innbyggerpost:xsd::Innbyggerpost##"
                              "urn:fdc:digdir.no:2020:innbyggerpost:schema:utskrift::1.0";

    return standard && (strcmp(standard, UTSKRIFT_STANDARD) == 0 || strcmp(standard, alt) == 0);
}

static const char *path_str(json_t *root, const char *const path[])
{
    size_t i;

    for (i = 0; path[i] && root; i++)
        root = json_is_array(root) ? json_array_get(root, 0) : json_object_get(root, path[i]);
    return json_string_value(root);
}

/*
 * message_identity - best effort, before any rule or signature check: who to answer and in
 * which conversation. The values only address a feil receipt.
 */
int message_identity(struct identity *id, json_t *payload)
{
    static const char *const sender[] = {"standardBusinessDocument",
        "standardBusinessDocumentHeader", "sender", "0", "identifier", "value", NULL};
    static const char *const mid[] = {"standardBusinessDocument", "standardBusinessDocumentHeader",
        "documentIdentification", "instanceIdentifier", NULL};
    static const char *const av[] = {"standardBusinessDocument", "utskrift", "avsender",
        "virksomhetsidentifikator", "value", NULL};
    static const char *const avid[] = {"standardBusinessDocument", "utskrift", "avsender",
        "avsenderidentifikator", NULL};
    json_t *h = json_object_get(json_object_get(payload, "standardBusinessDocument"),
                                "standardBusinessDocumentHeader");
    json_t *scopes = json_object_get(json_object_get(h, "businessScope"), "scope");
    json_t *s;
    size_t i;

    memset(id, 0, sizeof *id);
    id->sbdh_sender = path_str(payload, sender);
    id->message_id = path_str(payload, mid);
    id->avsender = path_str(payload, av);
    id->avsenderidentifikator = path_str(payload, avid);
    id->business_scope = json_object_get(h, "businessScope");
    json_array_foreach(scopes, i, s) {
        const char *t = json_string_value(json_object_get(s, "type"));
        if (t && strcmp(t, "ConversationId") == 0)
            id->conversation_id = json_string_value(json_object_get(s, "instanceIdentifier"));
    }
    if (!iso6523(id->sbdh_sender) || !text_is_uuid(id->conversation_id) ||
        !json_is_object(id->business_scope))
        return -1;
    if (!text_is_uuid(id->message_id))
        id->message_id = NULL;
    if (!iso6523(id->avsender))
        id->avsender = id->sbdh_sender;
    if (id->avsenderidentifikator && g_utf8_strlen(id->avsenderidentifikator, -1) > 100)
        id->avsenderidentifikator = NULL;
    return 0;
}

static json_t *token_claims(const char *token)
{
    const char *d1 = token ? strchr(token, '.') : NULL;
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    struct bytes raw = {0};
    json_t *claims;

    if (!d2 || b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &raw) < 0)
        return NULL;
    claims = json_loadb((const char *)raw.data, raw.len, JSON_REJECT_DUPLICATES, NULL);
    bytes_free(&raw);
    if (claims && !json_is_object(claims)) {
        json_decref(claims);
        claims = NULL;
    }
    return claims;
}

static bool has_scope(json_t *claims, const char *want)
{
    const char *scope = json_string_value(json_object_get(claims, "scope"));
    g_auto(GStrv) parts = scope ? g_strsplit(scope, " ", -1) : NULL;

    return parts && g_strv_contains((const char *const *)parts, want);
}

static char *claim_org(json_t *claims, const char *who)
{
    return text_orgnr_digits(json_string_value(json_object_get(json_object_get(claims, who), "ID")));
}

/*
 * token_check - checks (d) and (e): the Maskinporten token's consumer is the avsender, and the
 * certificate that signed the message belongs to the supplier (a databehandler) when there is
 * one, else to the consumer. The token's own signature is Maskinporten's and its lifetime is
 * two minutes, so neither is checked here; the token is never logged or stored.
 */
int token_check(const struct message *m, const char *signer_org, struct reason *r)
{
    json_t *claims = token_claims(m->token);
    char *consumer = claims ? claim_org(claims, "consumer") : NULL;
    char *supplier = claims && json_object_get(claims, "supplier") ? claim_org(claims, "supplier")
                                                                   : NULL;
    char *avsender = text_orgnr_digits(m->avsender);
    int rc = -1;

    if (!claims || !consumer)
        reason_fail(r, "token-invalid", "maskinportentoken is not a JWT with a consumer claim");
    else if (!has_scope(claims, "digitalpostinnbygger:send"))
        reason_fail(r, "token-invalid", "maskinportentoken lacks scope digitalpostinnbygger:send");
    else if (json_object_get(claims, "supplier") && !supplier)
        reason_fail(r, "token-invalid", "maskinportentoken has an unreadable supplier claim");
    else if (!avsender || strcmp(consumer, avsender) != 0)
        reason_fail(r, "token-mismatch", "maskinportentoken consumer is not utskrift.avsender");
    else if (strcmp(signer_org, supplier ? supplier : consumer) != 0)
        reason_fail(r, "token-mismatch", "the signing certificate belongs to neither the token's "
                    "supplier nor its consumer");
    else
        rc = 0;
    json_decref(claims);
    g_free(consumer);
    g_free(supplier);
    g_free(avsender);
    return rc;
}

void message_free(struct message *m)
{
    json_decref(m->payload);
    memset(m, 0, sizeof *m);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * notify.c - the receipts a letter earns after intake: leveringskvittering when it is
 * posted, returpostkvittering when its returned piece is shredded, feil SERVER when we give
 * up on it after accepting it.
 *
 * Each is built from the ledger (whom to answer, and the businessScope of the letter's
 * mottakskvittering, copied unchanged) and stored as pending in the caller's transaction;
 * receipts_flush publishes what is pending after the commit, and again on the next start
 * when a crash came between the two. A returpostkvittering is held until the day its return
 * was recorded on is over, so a mis-scanned return can be undone that day (returns/undo.c).
 */
#include <string.h>
#include "receipts.h"
#include "../ledger/ledger.h"
#include "../spool/spool.h"
#include "../util/util.h"
#include "../util/xmlsafe.h"

/* The businessScope a receipt JWS carries (new reference), or NULL. */
static json_t *scope_of(const char *jws)
{
    const char *a = jws ? strchr(jws, '.') : NULL, *b = a ? strchr(a + 1, '.') : NULL;
    struct bytes payload = {0};
    json_t *doc, *scope = NULL;

    if (!b || b64url_decode(a + 1, (size_t)(b - a - 1), &payload) < 0)
        return NULL;
    doc = json_loadb((const char *)payload.data, payload.len, 0, NULL);
    scope = json_object_get(json_object_get(json_object_get(doc, "standardBusinessDocument"),
                                            "standardBusinessDocumentHeader"), "businessScope");
    json_incref(scope);
    json_decref(doc);
    bytes_free(&payload);
    return scope;
}

/* The Authority spelling our XML mottakskvittering used (the sender's own), or NULL. */
static char *authority_of(const char *xml)
{
    enum xmlsafe_error why;
    xmlDocPtr doc = xml ? xmlsafe_parse(xml, strlen(xml), false, &why) : NULL;
    xmlXPathContextPtr xp = doc ? xmlsafe_xpath(doc) : NULL;
    char *a = xp ? xmlsafe_text(xp, xmlDocGetRootElement(doc), "sbdh:StandardBusinessDocument"
                                "Header/sbdh:Receiver/sbdh:Identifier/@Authority") : NULL;

    if (xp)
        xmlXPathFreeContext(xp);
    if (doc)
        xmlFreeDoc(doc);
    return a;
}

static int build(struct receipts_ctx *rx, const struct letter_party *p, const char *letter_id,
                 const char *type, const char *feiltype, const char *detaljer, GDateTime *at,
                 struct receipt *r)
{
    json_t *scope;
    int rc;

    if (g_strcmp0(p->carrier, "legacy") == 0) {
        char *auth = authority_of(p->mottak_jws);
        struct receipt_to_xml tx = {p->sbdh_sender, auth, p->conversation_id};
        rc = p->mottak_jws ? receipt_build_xml(r, rx->signer, &tx, letter_id, type, feiltype,
                                               detaljer, at) : 1;
        g_free(auth);
        return rc;
    }
    if (!(scope = scope_of(p->mottak_jws)))
        return 1;
    {
        struct receipt_to to = {p->sbdh_sender, p->avsender, p->avsenderidentifikator, scope};
        rc = receipt_build(r, rx->signer, &to, letter_id, type, feiltype, detaljer, at);
    }
    json_decref(scope);
    return rc;
}

int receipts_letter(struct receipts_ctx *rx, const char *letter_id, const char *type,
                    const char *feiltype, const char *detaljer, GDateTime *at, char **err)
{
    struct letter_party p = {0};
    struct receipt r = {0};
    int rc = ledger_letter_party(rx->ledger, letter_id, &p);

    if (rc == 0)
        rc = build(rx, &p, letter_id, type, feiltype, detaljer, at, &r);
    if (rc == 0)
        rc = receipts_store_pending(rx, letter_id, &r);
    if (rc != 0)
        *err = g_strdup_printf("letter %s: no %s: %s", letter_id, type,
                               rc > 0 ? "it has no mottakskvittering to answer from"
                                      : "the receipt cannot be built or stored");
    receipt_free(&r);
    letter_party_free(&p);
    return rc == 0 ? 0 : -1;
}

bool receipts_held(json_t *pending, const char *today)
{
    const char *at = json_string_value(json_object_get(pending, "created_at"));

    return g_strcmp0(json_string_value(json_object_get(pending, "type")),
                     "returpostkvittering") == 0 && at && strncmp(at, today, 10) >= 0;
}

int receipts_flush(struct receipts_ctx *rx)
{
    json_t *list = ledger_pending_receipts(rx->ledger), *r;
    char *today = day_today();
    size_t i;
    int n = 0, rc = 0;

    json_array_foreach(list, i, r) {
        const char *id = json_string_value(json_object_get(r, "id"));
        if (receipts_held(r, today))
            continue;
        if (receipt_publish(rx->spool->outbox, json_string_value(json_object_get(r, "file")),
                            json_string_value(json_object_get(r, "jws"))) < 0 ||
            ledger_receipt_published(rx->ledger, id) < 0) {
            log_letter_error(json_string_value(json_object_get(r, "letter_id")),
                             "%s not published; it is retried on the next run",
                      json_string_value(json_object_get(r, "type")));
            rc = -1;
        } else {
            n++;
        }
    }
    json_decref(list);
    g_free(today);
    return rc < 0 ? -1 : n;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * finish.c - commit a verdict to the ledger and move the entry to its terminal place.
 *
 * commit_letter writes, in one transaction, the letter row, its addresses and documents, a
 * history event and the signed receipt; commit_group does so for several letters in one
 * transaction and one fsync (group commit). finish_letter then works from the ledger alone:
 * publish the stored receipts, write the reason file, rename active/<id> into place. Start-up
 * recovery calls finish_letter for every committed entry still in active/, so a crash at any
 * point between the commit and the rename is repaired with identical bytes.
 */
#include <stddef.h>
#include <string.h>
#include "pipeline.h"

static enum letter_state state_of(const struct decision *v, bool past_deadline)
{
    switch (v->r.verdict) {
    case VERDICT_OK: return LETTER_STATE_ACCEPTED;
    case VERDICT_FAILED: return LETTER_STATE_FAILED;
    case VERDICT_QUARANTINE: return LETTER_STATE_QUARANTINED;
    default: return past_deadline ? LETTER_STATE_HELD : LETTER_STATE_DEFERRED;
    }
}

/*
 * past_deadline - our own failure has lasted beyond the sender's expectedResponseDateTime
 * (or received + retry_deadline_hours when the message names none): time to answer feil
 * SERVER and hold the letter for an operator instead of retrying silently.
 */
static bool past_deadline(struct engine *e, const char *id, const struct decision *v,
                          GDateTime *now)
{
    struct letter_status ls = {0};
    GDateTime *deadline = NULL;
    bool past;

    if (v->rules_ok && v->expected_response)
        deadline = time_parse_rfc3339(v->expected_response);
    if (!deadline && ledger_letter_state(e->ledger, id, &ls) == 0) {
        GDateTime *rec = time_parse_rfc3339(ls.received_at);
        if (rec) {
            deadline = g_date_time_add_hours(rec, e->retry_deadline_hours);
            g_date_time_unref(rec);
        }
        letter_status_free(&ls);
    }
    if (!deadline)
        return false;
    past = g_date_time_compare(now, deadline) > 0;
    g_date_time_unref(deadline);
    return past;
}

static const char *carrier_name(enum carrier_kind kind)
{
    switch (kind) {
    case CARRIER_DIR: return "dir";
    case CARRIER_XML: return "xml";
    case CARRIER_LEGACY: return "legacy";
    default: return "unknown";
    }
}

static void fill_row(struct letter_row *w, const char *id, const char *entry_name,
                     const struct decision *v, enum letter_state state, const char *at)
{
    bool rules = v->rules_ok, who = v->have_identity;

    memset(w, 0, sizeof *w);
    w->id = id;
    w->carrier = carrier_name(v->carrier);
    w->entry_name = entry_name;
    w->state = state;
    w->reason = v->r.verdict == VERDICT_OK ? NULL : v->r.code;
    w->detail = v->r.verdict == VERDICT_OK ? NULL : v->r.detail;
    w->message_id = who ? v->who.message_id : NULL;
    w->conversation_id = who ? v->who.conversation_id : NULL;
    w->authenticated = v->authenticated;
    w->duplicate_of = v->duplicate_of;
    w->sbdh_sender = who ? v->who.sbdh_sender : NULL;
    w->avsender = who ? v->who.avsender : NULL;
    w->avsenderidentifikator = who ? v->who.avsenderidentifikator : NULL;
    w->faktura_referanse = rules ? v->faktura_referanse : NULL;
    w->created = rules ? v->created : NULL;
    w->expected_response = rules ? v->expected_response : NULL;
    w->posttype = rules ? v->posttype : NULL;
    w->colour = rules ? v->colour : NULL;
    w->return_handling = rules ? v->return_handling : NULL;
    w->print_instructions = rules ? v->print_instructions : NULL;
    w->documents = v->r.verdict == VERDICT_OK ? (int)v->docs->len : -1;
    w->pages = v->r.verdict == VERDICT_OK ? v->pages : -1;
    w->at = at;
    w->message_digest = v->authenticated ? v->digest : NULL;
}

static void to_row(struct address_row *a, const struct address *src)
{
    a->navn = src->navn;
    memcpy(a->linje, src->linje, sizeof a->linje);
    a->postnummer = src->postnummer;
    a->poststed = src->poststed;
    a->land = src->land;
    a->landkode = src->landkode;
}

static int insert_details(struct engine *e, const char *id, const struct decision *v)
{
    struct address_row a = {0};
    guint i;
    int rc = 0;

    if (v->r.verdict != VERDICT_OK)
        return 0;
    to_row(&a, &v->recipient);
    rc |= ledger_insert_address(e->ledger, id, "recipient", &a);
    to_row(&a, &v->retur);
    rc |= ledger_insert_address(e->ledger, id, "return", &a);
    for (i = 0; i < v->docs->len; i++) {
        const struct doc_info *d = &g_array_index(v->docs, struct doc_info, i);
        rc |= ledger_insert_document(e->ledger, id, (int)i + 1, i == 0 ? "main" : "attachment",
                                     d->mime, (long long)d->bytes, d->pages, d->version);
    }
    return rc;
}

#define CONVERSATION_PROFILE "urn:fdc:digdir.no:2020:profile:egovernment:innbyggerpost:utskrift:ver1.0"

/*
 * What a receipt may echo. A message whose signature did not verify gets back only what the
 * schema requires: its ConversationId scope (a UUID) under the utskrift profile, and no
 * avsenderidentifikator, so a forged message cannot make us sign its content.
 */
static json_t *echoed_scope(const struct decision *v)
{
    if (v->msg_signed)
        return json_incref(v->who.business_scope);
    return json_pack("{s:[{s:s, s:s, s:s}]}", "scope", "type", "ConversationId",
                     "instanceIdentifier", v->who.conversation_id, "identifier",
                     CONVERSATION_PROFILE);
}

/* The receipt this verdict owes the sender, if any. */
static int build_receipt(struct engine *e, const char *id, const struct decision *v,
                         GDateTime *now, struct receipt *out)
{
    json_t *scope = echoed_scope(v);
    struct receipt_to to = {v->who.sbdh_sender, v->who.avsender,
                            v->msg_signed ? v->who.avsenderidentifikator : NULL, scope};
    struct receipt_to_xml tx = {v->who.sbdh_sender, v->authority, v->who.conversation_id};
    bool xml = v->carrier == CARRIER_LEGACY;
    const char *feiltype = v->r.verdict == VERDICT_INTERNAL ? "SERVER" : "KLIENT";
    char *detaljer;
    int rc;

    if (v->r.verdict == VERDICT_OK)
        rc = xml ? receipt_build_xml(out, &e->signer, &tx, id, "mottakskvittering", NULL, NULL,
                                     now)
                 : receipt_build(out, &e->signer, &to, id, "mottakskvittering", NULL, NULL, now);
    else {
        detaljer = g_strdup_printf("%s: %s", v->r.code, v->r.detail);
        rc = xml ? receipt_build_xml(out, &e->signer, &tx, id, "feil", feiltype, detaljer, now)
                 : receipt_build(out, &e->signer, &to, id, "feil", feiltype, detaljer, now);
        g_free(detaljer);
    }
    json_decref(scope);
    return rc;
}

static bool owes_receipt(const struct decision *v, enum letter_state state)
{
    if (v->r.verdict == VERDICT_OK)
        return true;
    if (state == LETTER_STATE_HELD)
        return v->have_identity;
    return v->r.verdict == VERDICT_FAILED && v->have_identity && !v->duplicate_of &&
           strcmp(v->r.code, "message-id-reused") != 0;
}

static int write_rows(struct engine *e, const char *id, const char *entry_name,
                      const struct decision *v, enum letter_state state, GDateTime *now)
{
    char *at = time_rfc3339(now);
    struct letter_row row = {0};
    struct receipt rc = {0};
    char *event = v->r.verdict == VERDICT_OK ? g_strdup("accepted")
                                             : g_strdup_printf("%s: %s", letter_state_name(state),
                                                               v->r.code);
    char *lower = g_ascii_strdown(event, -1);
    int err = 0;

    fill_row(&row, id, entry_name, v, state, at);
    if (row.print_instructions)
        log_letter_info(id, "the sender's print instructions %s are recorded; trykk acts on "
                        "none of them (no return envelope is inserted)", row.print_instructions);
    err |= ledger_insert_letter(e->ledger, &row);
    err |= insert_details(e, id, v);
    err |= ledger_add_event(e->ledger, id, at, lower, v->r.verdict == VERDICT_OK ? NULL
                                                                         : v->r.detail);
    if (!err && owes_receipt(v, state)) {
        if (build_receipt(e, id, v, now, &rc) < 0) {
            /* not the ledger's fault: the signing key (a token that went away) */
            log_letter_error(id, "its receipt cannot be signed (a token key: see the line "
                             "before); the run stops, the letter stays in active/ for recovery");
            err = -1;
        }
        else {
            err |= receipts_store(&e->receipts, id, &rc);
        }
    }
    receipt_free(&rc);
    g_free(lower);
    g_free(event);
    g_free(at);
    return err ? -1 : 0;
}

/* One letter's rows inside the group's transaction, kept or taken back on their own. */
static int write_one(struct engine *e, const struct pending *p)
{
    GDateTime *now = time_now();
    struct decision *v = p->v;
    enum letter_state state = state_of(v, v->r.verdict == VERDICT_INTERNAL &&
                                              past_deadline(e, p->id, v, now));
    int rc = ledger_mark(e->ledger);

    if (rc == 0)
        rc = write_rows(e, p->id, p->entry_name, v, state, now);
    g_date_time_unref(now);
    if (rc == 0 && fault_point("row") < 0) /* a crash after k of the group's rows */
        rc = -1;
    if (rc == 0)
        rc = ledger_unmark(e->ledger);
    if (rc < 0) {
        log_letter_error(p->id, "ledger: %s", ledger_error(e->ledger));
        ledger_undo_mark(e->ledger);
    }
    return rc;
}

/*
 * commit_group - the verdicts of n letters in one transaction (one fsync), then each letter
 * finished in order: its receipt is published only once the commit is durable. A letter whose
 * rows cannot be written is left out of the commit (OUT_STOP, it stays in active/); when the
 * commit itself fails every letter of the group does so. Recovery finishes a committed letter
 * from the ledger and verifies an uncommitted one again, whatever instant the engine stopped.
 */
void commit_group(struct engine *e, const struct pending *p, size_t n, enum outcome *out)
{
    size_t i, kept = 0;

    for (i = 0; i < n; i++)
        out[i] = OUT_STOP;
    if (ledger_begin(e->ledger) < 0) {
        log_letter_error(p[0].id, "ledger: %s", ledger_error(e->ledger));
        return;
    }
    for (i = 0; i < n; i++)
        if (write_one(e, &p[i]) == 0) {
            out[i] = OUT_ACCEPTED; /* written; the place comes from finish_letter */
            kept++;
        }
    if (kept == 0) {
        ledger_rollback(e->ledger);
        return;
    }
    if (ledger_commit(e->ledger) < 0) {
        log_letter_error(p[0].id, "ledger: the commit of %zu letter(s) failed", kept);
        for (i = 0; i < n; i++)
            out[i] = OUT_STOP;
        return;
    }
    for (i = 0; i < n; i++)
        if (out[i] != OUT_STOP)
            out[i] = finish_letter(e, p[i].id);
}

enum outcome commit_letter(struct engine *e, const char *id, const char *entry_name,
                           struct decision *v)
{
    struct pending p = {id, entry_name, v};
    enum outcome o;

    commit_group(e, &p, 1, &o);
    return o;
}

static char *reason_text(const char *id, enum letter_state state, const char *reason,
                         const char *detail)
{
    return g_strdup_printf("letter: %s\nstate: %s\nreason: %s\ndetail: %s\n", id,
                           letter_state_name(state),
                           reason ? reason : "", detail ? detail : "");
}

struct place {
    enum letter_state state;
    enum outcome outcome;
    size_t dir_offset;
    bool reason_file;
};

static const struct place places[] = {
    {LETTER_STATE_ACCEPTED, OUT_ACCEPTED, offsetof(struct spool, accepted), false},
    {LETTER_STATE_FAILED, OUT_FAILED, offsetof(struct spool, failed), true},
    {LETTER_STATE_QUARANTINED, OUT_QUARANTINED, offsetof(struct spool, quarantine), true},
    {LETTER_STATE_DEFERRED, OUT_DEFERRED, offsetof(struct spool, deferred), false},
    {LETTER_STATE_HELD, OUT_HELD, offsetof(struct spool, hold), true},
    /* later states of an accepted letter: its package stays in accepted/ */
    {LETTER_STATE_PLANNED, OUT_ACCEPTED, offsetof(struct spool, accepted), false},
    {LETTER_STATE_PRINTED, OUT_ACCEPTED, offsetof(struct spool, accepted), false},
    {LETTER_STATE_INSERTED, OUT_ACCEPTED, offsetof(struct spool, accepted), false},
    {LETTER_STATE_POSTED, OUT_ACCEPTED, offsetof(struct spool, accepted), false},
    {LETTER_STATE_RETURNED, OUT_ACCEPTED, offsetof(struct spool, accepted), false},
    {LETTER_STATE_CANCELLED, OUT_ACCEPTED, offsetof(struct spool, accepted), false},
};

static const struct place *place_of(enum letter_state state)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(places); i++)
        if (places[i].state == state)
            return &places[i];
    return NULL;
}

/*
 * finish_letter - from the ledger row alone: publish receipts (for a duplicate, the
 * original letter's, byte for byte), write the reason file, rename into place. Repeatable.
 */
enum outcome finish_letter(struct engine *e, const char *id)
{
    struct letter_status ls = {0};
    const struct place *p;
    const char *dir;
    int rc;

    if (ledger_letter_state(e->ledger, id, &ls) != 0)
        return OUT_STOP;
    if (!(p = place_of(ls.state))) {
        log_letter_error(id, "unknown state %s in the ledger", letter_state_name(ls.state));
        letter_status_free(&ls);
        return OUT_STOP;
    }
    dir = *(char *const *)((const char *)&e->spool + p->dir_offset);
    rc = receipts_publish_letter(&e->receipts, ls.duplicate_of ? ls.duplicate_of : id);
    if (rc == 0 && p->reason_file) {
        char *text = reason_text(id, ls.state, ls.reason, ls.detail);
        rc = spool_write_reason(dir, id, text);
        g_free(text);
    }
    if (rc == 0 && fsio_exists(e->spool.active, id))
        rc = spool_move(e->spool.active, dir, id);
    letter_status_free(&ls);
    if (rc < 0) {
        log_letter_error(id, "cannot finish (%s); it stays in active/ for recovery",
                         g_strerror(-rc));
        return OUT_STOP;
    }
    return p->outcome;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * query.c - reading the ledger: recovery lookups and the CLI's views.
 */
#include <string.h>
#include "ledger.h"
#include "ledger_internal.h"
#include "../util/util.h"

struct message_out {
    char **letter_id, **digest;
};

static int message_row(sqlite3_stmt *st, void *arg)
{
    struct message_out *m = arg;

    *m->letter_id = ledger_col_dup(st, 0);
    if (m->digest)
        *m->digest = ledger_col_dup(st, 1);
    return 0;
}

enum ledger_result ledger_find_message(struct ledger *l, const char *message_id,
                                       char **letter_id, char **digest)
{
    struct message_out m = {letter_id, digest};

    *letter_id = NULL;
    if (digest)
        *digest = NULL;
    return ledger_one(ledger_stmt(l, "SELECT id, message_digest FROM letters WHERE message_id = ?"
                                     " AND authenticated = 1 AND duplicate_of IS NULL", "s",
                                  message_id), message_row, &m);
}

static int state_row(sqlite3_stmt *st, void *arg)
{
    struct letter_status *out = arg;

    if (!letter_state_parse(ledger_col_text(st, 0), &out->state) &&
        !ledger_bad_state(st, 0, "letter"))
        return -1;
    out->reason = ledger_col_dup(st, 1);
    out->detail = ledger_col_dup(st, 2);
    out->duplicate_of = ledger_col_dup(st, 3);
    out->expected_response = ledger_col_dup(st, 4);
    out->received_at = ledger_col_dup(st, 5);
    return 0;
}

enum ledger_result ledger_letter_state(struct ledger *l, const char *letter_id,
                                       struct letter_status *out)
{
    memset(out, 0, sizeof *out);
    return ledger_one(ledger_stmt(l, "SELECT state, reason, detail, duplicate_of, "
                                     "expected_response, received_at FROM letters WHERE id = ?",
                                  "s", letter_id), state_row, out);
}

void letter_status_free(struct letter_status *s)
{
    g_free(s->reason);
    g_free(s->detail);
    g_free(s->duplicate_of);
    g_free(s->expected_response);
    g_free(s->received_at);
    memset(s, 0, sizeof *s);
}

int ledger_count_events(struct ledger *l, const char *letter_id, const char *prefix)
{
    return (int)ledger_one_int(ledger_stmt(l, "SELECT count(*) FROM events WHERE letter_id = ?"
                                              " AND substr(event, 1, length(?2)) = ?2", "ss",
                                           letter_id, prefix));
}

json_t *ledger_receipts(struct ledger *l, const char *letter_id)
{
    return ledger_rows_json(ledger_stmt(l, "SELECT type, feiltype, file_name AS file, jws, created_at "
                                    "FROM receipts WHERE letter_id = ? ORDER BY rowid", "s",
                                 letter_id));
}

static int count_row(sqlite3_stmt *st, void *o)
{
    json_object_set_new(o, (const char *)sqlite3_column_text(st, 0),
                        json_integer(sqlite3_column_int64(st, 1)));
    return 0;
}

json_t *ledger_counts(struct ledger *l)
{
    json_t *o = json_object();

    (void)ledger_each(ledger_stmt(l, "SELECT state, count(*) FROM letters GROUP BY state "
                                     "ORDER BY state", ""), count_row, o);
    return o;
}

json_t *ledger_reason_counts(struct ledger *l)
{
    return ledger_rows_json(ledger_stmt(l, "SELECT state, reason, count(*) AS letters FROM letters"
                                           " WHERE reason IS NOT NULL GROUP BY state, reason"
                                           " ORDER BY state, reason", ""));
}

static json_t *address_json(struct ledger *l, const char *id, const char *role)
{
    return ledger_row_one_json(ledger_stmt(l, "SELECT navn, adresselinje1, adresselinje2, "
                                              "adresselinje3, adresselinje4, postnummer, "
                                              "poststed, land, landkode FROM addresses WHERE "
                                              "letter_id = ? AND role = ?", "ss", id, role));
}

json_t *ledger_letter(struct ledger *l, const char *key)
{
    char *found = NULL;
    const char *kind = NULL;
    sqlite3_stmt *st = ledger_resolve_letter(l, key, &found, &kind) != LEDGER_FOUND ? NULL :
        ledger_stmt(l,
        "SELECT id, carrier, entry_name, state, hold_reason, held_at, reason, detail, "
        "message_id, conversation_id, authenticated, duplicate_of, sbdh_sender, avsender, "
        "avsenderidentifikator, faktura_referanse, created, expected_response, posttype, colour, "
        "return_handling, print_instructions, documents, pages, received_at, updated_at, layout, "
        "layout_reason, content_sheets, sheets, envelope, weight_mg, posted_on, purged_at "
        "FROM letters WHERE id = ?", "s", found);
    json_t *o = st ? ledger_row_one_json(st) : NULL, *a;
    const char *id;

    g_free(found);
    if (!o)
        return NULL;
    json_object_set_new(o, "found_by", json_string(kind));
    id = json_string_value(json_object_get(o, "id"));
    json_object_set_new(o, "pieces", ledger_rows_json(ledger_stmt(l,
        "SELECT p.code AS piece, j.name AS job, j.state AS job_state, p.state, p.sheets,"
        " p.weight_mg, p.reprint_of FROM pieces p JOIN jobs j ON j.id = p.job_id"
        " WHERE p.letter_id = ? ORDER BY p.job_id", "s", id)));
    if ((a = address_json(l, id, "recipient")))
        json_object_set_new(o, "recipient", a);
    if ((a = address_json(l, id, "return")))
        json_object_set_new(o, "return_address", a);
    json_object_set_new(o, "documents_detail", ledger_rows_json(ledger_stmt(l,
        "SELECT seq, role, mime, bytes, pages, pdf_version FROM documents WHERE letter_id = ? "
        "ORDER BY seq", "s", id)));
    json_object_set_new(o, "history", ledger_rows_json(ledger_stmt(l,
        "SELECT at, event, detail FROM events WHERE letter_id = ? ORDER BY seq", "s", id)));
    json_object_set_new(o, "receipts", ledger_rows_json(ledger_stmt(l,
        "SELECT type, feiltype, file_name AS file, created_at FROM receipts WHERE letter_id = ? "
        "ORDER BY rowid", "s", id)));
    json_object_set_new(o, "costs", ledger_rows_json(ledger_stmt(l,
        "SELECT seq, kind, ref, day, tariff, settlement, base_ore, sheets_ore, broker_ore,"
        " charged_sheets, postage_provisional_ore, postage_ore, discount_sheets_ore,"
        " discount_envelope_ore, return_ore, base_ore + sheets_ore + broker_ore + postage_ore +"
        " discount_sheets_ore + discount_envelope_ore + return_ore AS amount_ore, note"
        " FROM cost_rows WHERE letter_id = ? ORDER BY seq", "s", id)));
    return o;
}

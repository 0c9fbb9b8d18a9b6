/* SPDX-License-Identifier: Apache-2.0 */
/*
 * query.c - reading the ledger: recovery lookups and the CLI's views.
 */
#include <limits.h>
#include <string.h>
#include "ledger.h"
#include "ledger_internal.h"
#include "../util/util.h"

char *ledger_col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? g_strdup((const char *)t) : NULL;
}

const char *ledger_col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? (const char *)t : "";
}

bool ledger_bad_state(sqlite3_stmt *st, int i, const char *kind)
{
    log_error("the ledger holds an unknown %s state \"%s\" (column %s)", kind,
              ledger_col_text(st, i), sqlite3_column_name(st, i));
    return false;
}

int ledger_changed_one(struct ledger *l, sqlite3_stmt *st)
{
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;

    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return -1;
    return sqlite3_changes(l->db) == 1 ? 0 : 1;
}

int ledger_find_message(struct ledger *l, const char *message_id, char **letter_id,
                        char **digest)
{
    sqlite3_stmt *st = ledger_stmt(l, "SELECT id, message_digest FROM letters WHERE message_id = ?"
                                      " AND authenticated = 1 AND duplicate_of IS NULL", "s",
                                   message_id);
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;

    *letter_id = rc == SQLITE_ROW ? ledger_col_dup(st, 0) : NULL;
    if (digest)
        *digest = rc == SQLITE_ROW ? ledger_col_dup(st, 1) : NULL;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int ledger_letter_state(struct ledger *l, const char *letter_id, struct letter_status *out)
{
    sqlite3_stmt *st = ledger_stmt(l, "SELECT state, reason, detail, duplicate_of, "
                                      "expected_response, received_at FROM letters WHERE id = ?",
                                   "s", letter_id);
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;

    memset(out, 0, sizeof *out);
    if (rc == SQLITE_ROW && !letter_state_parse(ledger_col_text(st, 0), &out->state) &&
        !ledger_bad_state(st, 0, "letter"))
        rc = SQLITE_ERROR;
    if (rc == SQLITE_ROW) {
        out->reason = ledger_col_dup(st, 1);
        out->detail = ledger_col_dup(st, 2);
        out->duplicate_of = ledger_col_dup(st, 3);
        out->expected_response = ledger_col_dup(st, 4);
        out->received_at = ledger_col_dup(st, 5);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
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

/* One row as a JSON object keyed by column name; NULL columns are omitted. */
static json_t *row_json(sqlite3_stmt *st)
{
    json_t *o = json_object();
    int i;

    for (i = 0; i < sqlite3_column_count(st); i++) {
        const char *name = sqlite3_column_name(st, i);
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            json_object_set_new(o, name, json_integer(sqlite3_column_int64(st, i)));
            break;
        case SQLITE_NULL:
            break;
        default:
            json_object_set_new(o, name, json_string((const char *)sqlite3_column_text(st, i)));
        }
    }
    return o;
}

GPtrArray *ledger_strings(sqlite3_stmt *st)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

    while (st && sqlite3_step(st) == SQLITE_ROW)
        g_ptr_array_add(out, ledger_col_dup(st, 0));
    sqlite3_finalize(st);
    return out;
}

json_t *ledger_rows_json(sqlite3_stmt *st)
{
    json_t *arr = json_array();

    while (st && sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, row_json(st));
    sqlite3_finalize(st);
    return arr;
}

int ledger_count_events(struct ledger *l, const char *letter_id, const char *prefix)
{
    sqlite3_stmt *st = ledger_stmt(l, "SELECT count(*) FROM events WHERE letter_id = ? AND "
                                      "substr(event, 1, length(?2)) = ?2", "ss", letter_id, prefix);
    int n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;

    sqlite3_finalize(st);
    return n;
}

json_t *ledger_receipts(struct ledger *l, const char *letter_id)
{
    return ledger_rows_json(ledger_stmt(l, "SELECT type, feiltype, file_name AS file, jws, created_at "
                                    "FROM receipts WHERE letter_id = ? ORDER BY rowid", "s",
                                 letter_id));
}

json_t *ledger_counts(struct ledger *l)
{
    sqlite3_stmt *st = ledger_stmt(l, "SELECT state, count(*) FROM letters GROUP BY state "
                                      "ORDER BY state", "");
    json_t *o = json_object();

    while (st && sqlite3_step(st) == SQLITE_ROW)
        json_object_set_new(o, (const char *)sqlite3_column_text(st, 0),
                            json_integer(sqlite3_column_int64(st, 1)));
    sqlite3_finalize(st);
    return o;
}

static json_t *address_json(struct ledger *l, const char *id, const char *role)
{
    json_t *arr = ledger_rows_json(ledger_stmt(l, "SELECT navn, adresselinje1, adresselinje2, "
                                           "adresselinje3, adresselinje4, postnummer, poststed, "
                                           "land, landkode FROM addresses WHERE letter_id = ? AND "
                                           "role = ?", "ss", id, role));
    json_t *a = json_incref(json_array_get(arr, 0));

    json_decref(arr);
    return a;
}

json_t *ledger_letter(struct ledger *l, const char *key)
{
    char *found = NULL;
    const char *kind = NULL;
    sqlite3_stmt *st = ledger_resolve_letter(l, key, &found, &kind) != 0 ? NULL : ledger_stmt(l,
        "SELECT id, carrier, entry_name, state, hold_reason, held_at, reason, detail, "
        "message_id, conversation_id, authenticated, duplicate_of, sbdh_sender, avsender, "
        "avsenderidentifikator, faktura_referanse, created, expected_response, posttype, colour, "
        "return_handling, print_instructions, documents, pages, received_at, updated_at, layout, "
        "layout_reason, content_sheets, sheets, envelope, weight_mg, posted_on, purged_at "
        "FROM letters WHERE id = ?", "s", found);
    json_t *o = NULL, *a;
    const char *id;

    if (st && sqlite3_step(st) == SQLITE_ROW)
        o = row_json(st);
    sqlite3_finalize(st);
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

GPtrArray *ledger_ids_in_state(struct ledger *l, const char *state)
{
    return ledger_ids_in_state_limit(l, state, INT_MAX);
}

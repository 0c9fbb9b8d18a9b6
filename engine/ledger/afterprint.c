/* SPDX-License-Identifier: Apache-2.0 */
/*
 * afterprint.c - the ledger after printing: dispatch, returned pieces, receipts waiting to
 * be published.
 *
 * Invariants kept here:
 *  1. A job is dispatched once (dispatched_on is set only while NULL); its posted pieces are
 *     marked POSTED, so the handover note can be rebuilt from the ledger alone.
 *  2. A letter has at most one return (PRIMARY KEY): a second scan of the same piece is
 *     recognised, not recorded twice.
 *  3. A receipt written after intake is stored with published = 0 in the transaction of its
 *     event; it is published after the commit and then marked, so a crash between the two
 *     publishes it on the next start (byte for byte the same).
 */
#include <string.h>
#include "ledger.h"
#include "ledger_internal.h"

int ledger_insert_receipt_pending(struct ledger *l, const struct receipt_row *r)
{
    return ledger_step_done(ledger_stmt(l,
        "INSERT OR IGNORE INTO receipts (id, letter_id, type, feiltype, file_name, jws,"
        " created_at, published) VALUES (?,?,?,?,?,?,?, 0)", "sssssss", r->id, r->letter_id,
        r->type, r->feiltype, r->file_name, r->jws, r->created_at));
}

json_t *ledger_pending_receipts(struct ledger *l)
{
    return ledger_rows_json(ledger_stmt(l, "SELECT id, letter_id, type, file_name AS file, jws,"
                                           " created_at FROM receipts WHERE published = 0"
                                           " ORDER BY rowid",
                                        ""));
}

int ledger_receipt_published(struct ledger *l, const char *id)
{
    return ledger_step_done(ledger_stmt(l, "UPDATE receipts SET published = 1 WHERE id = ?", "s",
                                        id));
}

void letter_party_free(struct letter_party *p)
{
    g_free(p->sbdh_sender);
    g_free(p->avsender);
    g_free(p->avsenderidentifikator);
    g_free(p->mottak_jws);
    g_free(p->return_handling);
    g_free(p->carrier);
    g_free(p->conversation_id);
    memset(p, 0, sizeof *p);
}

static int party_row(sqlite3_stmt *st, void *arg)
{
    struct letter_party *p = arg;

    p->sbdh_sender = ledger_col_dup(st, 0);
    p->avsender = ledger_col_dup(st, 1);
    p->avsenderidentifikator = ledger_col_dup(st, 2);
    p->mottak_jws = ledger_col_dup(st, 3);
    p->return_handling = ledger_col_dup(st, 4);
    p->carrier = ledger_col_dup(st, 6);
    p->conversation_id = ledger_col_dup(st, 7);
    if (!letter_state_parse(ledger_col_text(st, 5), &p->state) &&
        !ledger_bad_state(st, 5, "letter")) {
        letter_party_free(p);
        return -1;
    }
    return 0;
}

enum ledger_result ledger_letter_party(struct ledger *l, const char *id, struct letter_party *p)
{
    memset(p, 0, sizeof *p);
    return ledger_one(ledger_stmt(l,
        "SELECT l.sbdh_sender, l.avsender, l.avsenderidentifikator, r.jws, l.return_handling,"
        " l.state, l.carrier, l.conversation_id FROM letters l LEFT JOIN receipts r ON r.letter_id = l.id AND"
        " r.type = 'mottakskvittering' WHERE l.id = ?", "s", id), party_row, p);
}

int ledger_job_dispatch(struct ledger *l, long long job_id, const char *day, const char *at,
                        const char *note)
{
    return ledger_changed_one(l, ledger_stmt(l, "UPDATE jobs SET state = '" JOB_DISPATCHED "',"
                                 " dispatched_on = ?, dispatched_at = ?, dispatch_note = ?"
                                 " WHERE id = ? AND state IN (" JOB_AFTER_PRINT ") AND"
                                 " held_at IS NULL", "sssl", day, at, note, job_id));
}

int ledger_job_printed(struct ledger *l, long long job_id, const char *at, const char *by)
{
    int rc = ledger_changed_one(l, ledger_stmt(l, "UPDATE jobs SET state = '" JOB_PRINTED "',"
                                    " printed_at = ?, printed_by = ? WHERE id = ? AND"
                                    " state = '" JOB_CLOSED "'", "ssl", at, by, job_id));

    if (rc != 0)
        return rc;
    if (ledger_step_done(ledger_stmt(l, "UPDATE letters SET state = '" LETTER_PRINTED "',"
                                        " updated_at = ?2 WHERE state = '" LETTER_PLANNED "' AND"
                                        " id IN (SELECT letter_id FROM pieces WHERE job_id = ?1"
                                        " AND state = '" PIECE_PLANNED "')",
                                     "ls", job_id, at)) < 0 ||
        ledger_step_done(ledger_stmt(l, "INSERT INTO events (letter_id, at, event, detail)"
                                        " SELECT p.letter_id, ?2, 'printed', j.name || ' piece '"
                                        " || p.code || ' (confirmed by ' || ?3 || ')' FROM pieces"
                                        " p JOIN jobs j ON j.id = p.job_id WHERE p.job_id = ?1"
                                        " AND p.state = '" PIECE_PLANNED "'", "lss", job_id, at, by)) < 0)
        return -1;
    return ledger_step_done(ledger_stmt(l, "UPDATE pieces SET state = '" PIECE_PRINTED "' WHERE"
                                           " job_id = ? AND state = '" PIECE_PLANNED "'", "l", job_id));
}

int ledger_job_reconciled(struct ledger *l, long long job_id, const char *at)
{
    return ledger_changed_one(l, ledger_stmt(l, "UPDATE jobs SET state = '" JOB_RECONCILED "',"
                                 " reconciled_at = ? WHERE id = ? AND state IN ('" JOB_PRINTED "',"
                                 " '" JOB_RECONCILED "')", "sl", at, job_id));
}

enum ledger_result ledger_job_dispatched(struct ledger *l, long long job_id, char **day,
                                         char **at)
{
    char *got[2] = {NULL, NULL};
    enum ledger_result rc = ledger_one(ledger_stmt(l, "SELECT dispatched_on, dispatched_at FROM"
                                                      " jobs WHERE id = ? AND dispatched_on IS"
                                                      " NOT NULL", "l", job_id), ledger_two_strings, got);

    if (rc == LEDGER_FOUND) {
        *day = got[0];
        *at = got[1];
    }
    return rc;
}

int ledger_job_cancel(struct ledger *l, long long job_id, const char *at, const char *reason)
{
    return ledger_changed_one(l, ledger_stmt(l, "UPDATE jobs SET state = '" JOB_CANCELLED "',"
                                 " cancelled_at = ?, cancel_reason = ? WHERE id = ? AND"
                                 " state IN (" JOB_AFTER_PRINT ")", "ssl", at, reason, job_id));
}

enum ledger_result ledger_job_cancelled(struct ledger *l, long long job_id, char **at)
{
    char *when = NULL;
    enum ledger_result rc = ledger_one_string(ledger_stmt(l, "SELECT cancelled_at FROM jobs"
                                                             " WHERE id = ? AND cancelled_at IS"
                                                             " NOT NULL", "l", job_id), &when);

    if (rc == LEDGER_FOUND)
        *at = when;
    return rc;
}

/* The day's handover: every POSTED piece of every job dispatched that day, by the postage
 * class its letter is settled in (the PRINT cost row). */
json_t *ledger_handover_day(struct ledger *l, const char *day)
{
    return ledger_rows_json(ledger_stmt(l,
        "SELECT c.zone, c.posttype, c.format, c.weight_band, count(*) AS pieces,"
        " sum(p.weight_mg) AS weight_mg,"
        " sum(coalesce(t.return_handling = 'MAKULERING_MED_MELDING', 0)) AS ea"
        " FROM pieces p JOIN jobs j ON j.id = p.job_id JOIN letters t ON t.id = p.letter_id"
        " JOIN cost_rows c ON c.letter_id = p.letter_id AND c.kind = 'PRINT'"
        " WHERE j.dispatched_on = ? AND p.state = '" PIECE_POSTED "' GROUP BY 1, 2, 3, 4"
        " ORDER BY CASE c.zone WHEN 'NO' THEN 0 WHEN 'EU' THEN 1 ELSE 2 END, c.posttype,"
        " c.format DESC, CAST(c.weight_band AS INTEGER)", "s", day));
}

GPtrArray *ledger_jobs_dispatched_on(struct ledger *l, const char *day)
{
    return ledger_strings(ledger_stmt(l, "SELECT name FROM jobs WHERE dispatched_on = ?"
                                         " ORDER BY id", "s", day));
}

static int piece_ref_row(sqlite3_stmt *st, void *arg)
{
    struct piece_ref *out = arg;

    out->letter_id = ledger_col_dup(st, 0);
    out->job_id = sqlite3_column_int64(st, 1);
    out->job = ledger_col_dup(st, 3);
    out->return_handling = ledger_col_dup(st, 5);
    out->layout = ledger_col_dup(st, 6);
    out->posted_on = ledger_col_dup(st, 7);
    if ((!piece_state_parse(ledger_col_text(st, 2), &out->piece_state) &&
         !ledger_bad_state(st, 2, "piece")) ||
        (!letter_state_parse(ledger_col_text(st, 4), &out->letter_state) &&
         !ledger_bad_state(st, 4, "letter"))) {
        piece_ref_free(out);
        return -1;
    }
    return 0;
}

enum ledger_result ledger_piece_by_code(struct ledger *l, const char *code,
                                        struct piece_ref *out)
{
    memset(out, 0, sizeof *out);
    return ledger_one(ledger_stmt(l,
        "SELECT p.letter_id, p.job_id, p.state, j.name, l.state, l.return_handling, l.layout,"
        " l.posted_on FROM pieces p JOIN jobs j ON j.id = p.job_id JOIN letters l ON l.id = p.letter_id"
        " WHERE p.code = ?", "s", code), piece_ref_row, out);
}

void piece_ref_free(struct piece_ref *p)
{
    g_free(p->letter_id);
    g_free(p->job);
    g_free(p->return_handling);
    g_free(p->layout);
    g_free(p->posted_on);
    memset(p, 0, sizeof *p);
}

int ledger_insert_return(struct ledger *l, const struct return_row *r)
{
    return ledger_step_done(ledger_stmt(l, "INSERT INTO returns (letter_id, piece, code,"
                                           " returned_on, at, reason, handling, source)"
                                           " VALUES (?,?,?,?,?,?,?,?)", "ssssssss", r->letter_id,
                                        r->piece, r->code, r->returned_on, r->at, r->reason,
                                        r->handling, r->source));
}

enum ledger_result ledger_return_of(struct ledger *l, const char *letter_id,
                                    char **returned_on)
{
    char *day = NULL;
    enum ledger_result rc = ledger_one_string(ledger_stmt(l, "SELECT returned_on FROM returns"
                                                             " WHERE letter_id = ?", "s",
                                                          letter_id), &day);

    if (rc == LEDGER_FOUND)
        *returned_on = day;
    return rc;
}

json_t *ledger_returns_json(struct ledger *l, const char *since)
{
    return ledger_rows_json(ledger_stmt(l,
        "SELECT r.returned_on, r.letter_id, r.piece, r.reason, r.handling, r.source,"
        " r.forwarded_at, l.avsender, l.state FROM returns r JOIN letters l ON l.id = r.letter_id"
        " WHERE r.returned_on >= coalesce(?, '') ORDER BY r.returned_on, r.at", "s", since));
}

int ledger_return_forwarded(struct ledger *l, const char *letter_id, const char *at)
{
    return ledger_changed_one(l, ledger_stmt(l, "UPDATE returns SET handling = 'FORWARDED',"
                                                " forwarded_at = ? WHERE letter_id = ? AND"
                                                " handling = 'FORWARD'", "ss", at, letter_id));
}

json_t *ledger_return_json(struct ledger *l, const char *letter_id)
{
    return ledger_row_one_json(ledger_stmt(l,
        "SELECT r.piece, r.code, r.returned_on, r.at, r.reason, r.handling, r.source,"
        " r.forwarded_at, k.published AS receipt_published FROM returns r LEFT JOIN receipts k"
        " ON k.letter_id = r.letter_id AND k.type = 'returpostkvittering'"
        " WHERE r.letter_id = ?", "s", letter_id));
}

int ledger_undo_return(struct ledger *l, const char *letter_id, const char *at)
{
    /* the fee back, on a row of its own (cost rows are never edited), dated like the fee */
    if (ledger_step_done(ledger_stmt(l,
            "INSERT INTO cost_rows (letter_id, kind, ref, day, at, tariff, avsender,"
            " avsenderidentifikator, faktura_referanse, layout, colour, envelope, posttype, pages,"
            " return_ore, note)"
            " SELECT letter_id, 'RETURN', seq, day, ?2, tariff, avsender, avsenderidentifikator,"
            " faktura_referanse, layout, colour, envelope, posttype, pages, -return_ore,"
            " 'return undone (mis-scanned): the fee is taken back' FROM cost_rows f"
            " WHERE f.letter_id = ?1 AND f.kind = 'RETURN' AND f.return_ore > 0 AND NOT EXISTS"
            " (SELECT 1 FROM cost_rows u WHERE u.kind = 'RETURN' AND u.ref = f.seq)", "ss",
            letter_id, at)) < 0)
        return -1;
    if (ledger_step_done(ledger_stmt(l, "DELETE FROM receipts WHERE letter_id = ? AND type ="
                                        " 'returpostkvittering' AND published = 0", "s",
                                     letter_id)) < 0 ||
        ledger_step_done(ledger_stmt(l, "DELETE FROM returns WHERE letter_id = ?", "s",
                                     letter_id)) < 0)
        return -1;
    return ledger_set_letter_state(l, letter_id, LETTER_STATE_POSTED, at);
}

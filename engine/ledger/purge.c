/* SPDX-License-Identifier: Apache-2.0 */
/*
 * purge.c - retention in the ledger: personal data goes, the rest stays.
 *
 * Letters posted, returned, cancelled, failed or held long enough are purged. A purged
 * letter loses its names and addresses (the addresses table is the only place
 * they live in the ledger); its letter row, documents summary, receipts and cost rows stay,
 * and the state PURGED with purged_at says so. secure_delete overwrites the freed cells, and
 * a TRUNCATE checkpoint empties the WAL, so the bytes are gone from the files themselves.
 */
#include <string.h>
#include "ledger.h"
#include "ledger_internal.h"

/* Letters due for purging, with the day that made them due (?1: the cutoff). */
#define PURGEABLE \
    "SELECT l.id, l.state, CASE l.state WHEN '" LETTER_POSTED "' THEN l.posted_on" \
    " WHEN '" LETTER_RETURNED "' THEN r.returned_on ELSE substr(l.updated_at, 1, 10) END" \
    " AS since" \
    " FROM letters l LEFT JOIN returns r ON r.letter_id = l.id" \
    " WHERE l.purged_at IS NULL AND (" \
    "  (l.state = '" LETTER_POSTED "' AND l.posted_on <= ?1) OR" \
    "  (l.state = '" LETTER_RETURNED "' AND r.returned_on <= ?1) OR" \
    "  (l.state IN ('" LETTER_CANCELLED "', '" LETTER_FAILED "', '" LETTER_HELD "') AND" \
    "  substr(l.updated_at, 1, 10) <= ?1))" \
    " ORDER BY l.id"

GPtrArray *ledger_purgeable(struct ledger *l, const char *cutoff)
{
    return ledger_strings(ledger_stmt(l, PURGEABLE, "s", cutoff));
}

json_t *ledger_purgeable_json(struct ledger *l, const char *cutoff)
{
    return ledger_rows_json(ledger_stmt(l, PURGEABLE, "s", cutoff));
}

long long ledger_count_history(struct ledger *l, const char *before)
{
    return ledger_one_int(ledger_stmt(l, "SELECT count(*) FROM events WHERE at < ?", "s",
                                      before));
}

int ledger_purge_letter(struct ledger *l, const char *id, const char *at)
{
    if (ledger_step_done(ledger_stmt(l, "DELETE FROM addresses WHERE letter_id = ?", "s", id)) < 0)
        return -1;
    /* a failed or held letter keeps its state (the reason stays readable) */
    if (ledger_step_done(ledger_stmt(l, "UPDATE letters SET purged_at = ?1, updated_at = ?1,"
                                        " state = CASE WHEN state IN ('" LETTER_FAILED "', '"
                                        LETTER_HELD "') THEN state ELSE '" LETTER_PURGED "' END"
                                        " WHERE id = ?2", "ss", at, id)) < 0)
        return -1;
    return ledger_add_event(l, id, at, "purged", "names, addresses and the package removed");
}

GPtrArray *ledger_expired_jobs(struct ledger *l, const char *cutoff)
{
    return ledger_strings(ledger_stmt(l, "SELECT name FROM jobs WHERE dispatched_on <= ?1 OR"
                                         " substr(cancelled_at, 1, 10) <= ?1 ORDER BY id", "s",
                                      cutoff));
}

/* History (events) older than before; returns how many, or -1. */
long long ledger_forget_history(struct ledger *l, const char *before)
{
    if (ledger_step_done(ledger_stmt(l, "DELETE FROM events WHERE at < ?", "s", before)) < 0)
        return -1;
    return sqlite3_changes64(l->db);
}

int ledger_scrub(struct ledger *l)
{
    return sqlite3_exec(l->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) == SQLITE_OK
               ? 0 : -1;
}

enum ledger_result ledger_is_purged(struct ledger *l, const char *id)
{
    return ledger_one(ledger_stmt(l, "SELECT 1 FROM letters WHERE id = ? AND purged_at IS NOT"
                                     " NULL", "s", id), NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hold.c - an operator's hold on a letter or a job, in the ledger.
 *
 * A hold is not a state: the letter or job keeps its place in its life and only stops
 * moving on (a held letter is not planned, a held job is not closed at the cut-off or
 * dispatched). held_at and hold_reason say since when and why; releasing clears both.
 */
#include <string.h>
#include "ledger.h"
#include "ledger_internal.h"

int ledger_letter_hold(struct ledger *l, const char *id, const char *at, const char *reason)
{
    return ledger_changed_one(l, reason
        ? ledger_stmt(l, "UPDATE letters SET held_at = ?, hold_reason = ?, updated_at = ?1"
                         " WHERE id = ? AND held_at IS NULL", "sss", at, reason, id)
        : ledger_stmt(l, "UPDATE letters SET held_at = NULL, hold_reason = NULL, updated_at = ?"
                         " WHERE id = ? AND held_at IS NOT NULL", "ss", at, id));
}

int ledger_job_hold(struct ledger *l, long long job_id, const char *at, const char *reason)
{
    return ledger_changed_one(l, reason
        ? ledger_stmt(l, "UPDATE jobs SET held_at = ?, hold_reason = ? WHERE id = ? AND"
                         " held_at IS NULL", "ssl", at, reason, job_id)
        : ledger_stmt(l, "UPDATE jobs SET held_at = NULL, hold_reason = NULL WHERE id = ? AND"
                         " held_at IS NOT NULL", "l", job_id));
}

enum ledger_result ledger_letter_held(struct ledger *l, const char *id, char **reason)
{
    char *why = NULL;
    enum ledger_result rc = ledger_one_string(ledger_stmt(l, "SELECT hold_reason FROM letters"
                                                             " WHERE id = ? AND held_at IS NOT"
                                                             " NULL", "s", id), &why);

    if (reason)
        *reason = why;
    else
        g_free(why);
    return rc;
}

/* Take a letter's piece out of an OPEN job; the job goes when it is left empty. */
int ledger_remove_piece(struct ledger *l, long long job_id, const char *letter_id)
{
    long long sheets = 0;
    enum ledger_result rc = ledger_one(ledger_stmt(l, "DELETE FROM pieces WHERE job_id = ? AND"
                                                      " letter_id = ? AND seq IS NULL RETURNING"
                                                      " sheets", "ls", job_id, letter_id),
                                       ledger_int_column, &sheets);

    if (rc != LEDGER_FOUND)
        return rc;
    if (ledger_step_done(ledger_stmt(l, "UPDATE jobs SET letters = letters - 1, sheets = sheets"
                                        " - ? WHERE id = ? AND state = '" JOB_OPEN "'", "ll", sheets,
                                     job_id)) < 0)
        return -1;
    return ledger_step_done(ledger_stmt(l, "DELETE FROM jobs WHERE id = ? AND state = '" JOB_OPEN "' AND"
                                           " letters = 0 AND NOT EXISTS (SELECT 1 FROM pieces"
                                           " WHERE job_id = jobs.id)", "l", job_id));
}

GPtrArray *ledger_plannable(struct ledger *l, int limit)
{
    return ledger_strings(ledger_stmt(l, "SELECT id FROM letters WHERE state = '" LETTER_ACCEPTED "' AND"
                                         " held_at IS NULL ORDER BY received_at, message_id, id"
                                         " LIMIT ?", "i", limit));
}

json_t *ledger_held_counts(struct ledger *l)
{
    json_t *o = ledger_row_one_json(ledger_stmt(l,
        "SELECT (SELECT count(*) FROM letters WHERE held_at IS NOT NULL) AS letters,"
        " (SELECT count(*) FROM jobs WHERE held_at IS NOT NULL) AS jobs", ""));

    return o ? o : json_object();
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cancel.c - withdraw a printed job before dispatch (spoiled output, a stopped run).
 *
 * Its letters will not be posted: each becomes CANCELLED and its sender gets feil SERVER,
 * since the failure is ours, after acceptance. Pieces already reprinted elsewhere go on in
 * their reprint job. One transaction; the receipts are published after it.
 */
#include <string.h>
#include "jobs.h"

static int cancel_piece(struct jobs_ctx *e, const struct job_row *j, const struct piece_row *p,
                        const char *detaljer, const char *at, GDateTime *now, char **err)
{
    int rc = ledger_piece_result(e->ledger, j->id, p->code, PIECE_STATE_CANCELLED, p->scan);

    if (rc == 0)
        rc = ledger_set_letter_state(e->ledger, p->letter_id, LETTER_STATE_CANCELLED, at);
    if (rc == 0)
        rc = ledger_add_event(e->ledger, p->letter_id, at, "cancelled", detaljer);
    if (rc == 0)
        rc = receipts_letter(e->receipts, p->letter_id, "feil", "SERVER", detaljer, now, err);
    return rc;
}

int jobs_cancel(struct jobs_ctx *e, const char *job, const char *reason, int *letters, char **err)
{
    struct job_row j = {0};
    GPtrArray *rows = NULL;
    GDateTime *now = time_now();
    char *at = time_rfc3339(now), *detaljer = NULL;
    guint i;
    int rc = -1;
    enum ledger_result found;

    *letters = 0;
    if ((found = ledger_resolve_job(e->ledger, job, &j)) != LEDGER_FOUND) {
        *err = found == LEDGER_ERROR
            ? g_strdup_printf("job %s: %s", job, ledger_error(e->ledger))
            : g_strdup_printf("no job named %s (see trykk jobs)", job);
        goto out;
    }
    detaljer = g_strdup_printf("print job %s was cancelled by the print provider: %s", j.name,
                               reason);
    rows = ledger_job_pieces(e->ledger, j.id);
    rc = ledger_begin(e->ledger);
    if (rc == 0 && (rc = ledger_job_cancel(e->ledger, j.id, at, reason)) > 0)
        *err = g_strdup_printf("job %s is %s: only a published job that is not dispatched or "
                               "cancelled already can be cancelled", j.name,
                               job_state_name(j.state));
    for (i = 0; rc == 0 && i < rows->len; i++) {
        const struct piece_row *p = rows->pdata[i];
        if (p->state == PIECE_STATE_REPRINTED)
            continue;
        rc = cancel_piece(e, &j, p, detaljer, at, now, err);
        ++*letters;
    }
    rc = ledger_finish(e->ledger, rc);
    if (rc < 0 && !*err)
        *err = g_strdup_printf("job %s: the ledger cannot be written: %s", j.name,
                               ledger_error(e->ledger));
    if (rc == 0 && receipts_flush(e->receipts) < 0)
        log_warn("job %s: some feil receipts wait for the next run", j.name);
    job_row_free(&j);
out:
    if (rows)
        g_ptr_array_free(rows, TRUE);
    g_free(detaljer);
    g_free(at);
    g_date_time_unref(now);
    return rc == 0 ? 0 : -1;
}

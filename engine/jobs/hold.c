/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hold.c - an operator stops a letter or a job where it is, and lets it go again.
 *
 * A held letter is not planned; a held letter that sits in an open job is taken out of it
 * (it becomes ACCEPTED again and is planned afresh after its release). A letter whose job
 * has started closing is on paper, or about to be: it is refused, the job is what to hold.
 * A held job is not closed at the cut-off or when full (new letters open another job), not
 * closed by `job close` and not dispatched. Each hold and release is an event on the letter
 * (for a job: on each of its letters) in one transaction.
 */
#include <string.h>
#include "jobs.h"

static int hold_event(struct jobs_ctx *e, const char *id, const char *at, const char *reason,
                      const char *what)
{
    char *detail = reason ? g_strdup_printf("%s: %s", what, reason) : g_strdup(what);
    int rc = ledger_add_event(e->ledger, id, at, reason ? "held" : "released", detail);

    g_free(detail);
    return rc;
}

/* Take the letter out of its open job, when it is in one; 1: it is past an open job. */
static int take_out(struct jobs_ctx *e, const char *id, enum letter_state state, const char *at,
                    char **err)
{
    char *code = NULL;
    long long job_id = 0;
    struct job_row j = {0};
    enum ledger_result found = LEDGER_NONE;
    int rc = 0;

    if (state == LETTER_STATE_ACCEPTED)
        return 0;
    if (state == LETTER_STATE_PLANNED &&
        (found = ledger_letter_piece(e->ledger, id, &code, &job_id)) == LEDGER_FOUND)
        found = ledger_job_by_id(e->ledger, job_id, &j);
    if (found == LEDGER_ERROR) {
        *err = g_strdup_printf("letter %s: %s", id, ledger_error(e->ledger));
        rc = -1;
    } else if (found == LEDGER_NONE) {
        *err = g_strdup_printf("letter %s is %s: only a letter not yet in a closing job can be "
                               "held", id, letter_state_name(state));
        rc = 1;
    } else if (j.state != JOB_STATE_OPEN) {
        *err = g_strdup_printf("letter %s is in job %s, which is %s: hold the job instead (trykk "
                               "hold %s --reason TEXT), or pull the piece at the inserter", id,
                               j.name, job_state_name(j.state), j.name);
        rc = 1;
    } else if (ledger_remove_piece(e->ledger, job_id, id) != 0 ||
               ledger_set_letter_state(e->ledger, id, LETTER_STATE_ACCEPTED, at) < 0) {
        rc = -1;
    } else {
        log_letter_info(id, "taken out of open job %s", j.name);
    }
    g_free(code);
    job_row_free(&j);
    return rc;
}

int jobs_hold_letter(struct jobs_ctx *e, const char *key, const char *reason, char **id,
                     char **err)
{
    struct letter_status ls = {0};
    GDateTime *now = time_now();
    char *at = time_rfc3339(now);
    int rc = 1, changed;
    enum ledger_result found = ledger_resolve_letter(e->ledger, key, id, NULL);

    g_date_time_unref(now);
    if (found == LEDGER_FOUND)
        found = ledger_letter_state(e->ledger, *id, &ls);
    if (found != LEDGER_FOUND) {
        *err = found == LEDGER_ERROR
            ? g_strdup_printf("letter %s: %s", key, ledger_error(e->ledger))
            : g_strdup_printf("no letter %s (give a letter id, message id, piece code or EA "
                              "code)", key);
        g_free(at);
        return found == LEDGER_ERROR ? -1 : 1;
    }
    if (ledger_begin(e->ledger) < 0) {
        rc = -1;
    } else {
        rc = reason ? take_out(e, *id, ls.state, at, err) : 0;
        if (rc == 0 && (changed = ledger_letter_hold(e->ledger, *id, at, reason)) != 0) {
            rc = changed;
            if (changed > 0)
                *err = g_strdup_printf("letter %s is %s", *id, reason ? "already on hold"
                                                                      : "not on hold");
        }
        if (rc == 0)
            rc = hold_event(e, *id, at, reason, "by an operator");
        rc = ledger_finish(e->ledger, rc);
    }
    if (rc < 0 && !*err)
        *err = g_strdup_printf("letter %s: the ledger cannot be written: %s", *id,
                               ledger_error(e->ledger));
    letter_status_free(&ls);
    g_free(at);
    return rc;
}

static bool holdable(enum job_state state)
{
    return state == JOB_STATE_OPEN || state == JOB_STATE_CLOSED || state == JOB_STATE_PRINTED ||
           state == JOB_STATE_RECONCILED;
}

int jobs_hold_job(struct jobs_ctx *e, const char *key, const char *reason, char **name,
                  char **err)
{
    struct job_row j = {0};
    GPtrArray *rows;
    GDateTime *now = time_now();
    char *at = time_rfc3339(now), *what;
    guint i;
    int rc;
    enum ledger_result found = ledger_resolve_job(e->ledger, key, &j);

    g_date_time_unref(now);
    *name = NULL;
    if (found != LEDGER_FOUND) {
        *err = found == LEDGER_ERROR
            ? g_strdup_printf("job %s: %s", key, ledger_error(e->ledger))
            : g_strdup_printf("no job named %s (see trykk jobs)", key);
        g_free(at);
        return found == LEDGER_ERROR ? -1 : 1;
    }
    *name = g_strdup(j.name);
    if (reason && !holdable(j.state)) {
        *err = g_strdup_printf("job %s is %s: only an open or a published, undispatched job can "
                               "be held", j.name, job_state_name(j.state));
        job_row_free(&j);
        g_free(at);
        return 1;
    }
    what = g_strdup_printf("job %s by an operator", j.name);
    rows = ledger_job_pieces(e->ledger, j.id);
    rc = ledger_begin(e->ledger);
    if (rc == 0 && (rc = ledger_job_hold(e->ledger, j.id, at, reason)) > 0)
        *err = g_strdup_printf("job %s is %s", j.name, reason ? "already on hold"
                                                              : "not on hold");
    for (i = 0; rc == 0 && i < rows->len; i++)
        rc = hold_event(e, ((struct piece_row *)rows->pdata[i])->letter_id, at, reason, what);
    rc = ledger_finish(e->ledger, rc);
    if (rc < 0 && !*err)
        *err = g_strdup_printf("job %s: the ledger cannot be written: %s", j.name,
                               ledger_error(e->ledger));
    g_ptr_array_free(rows, TRUE);
    g_free(what);
    job_row_free(&j);
    g_free(at);
    return rc;
}

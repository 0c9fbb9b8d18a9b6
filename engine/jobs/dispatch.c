/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dispatch.c - the operator's statement that a printed job was inserted and handed to the
 * postal operator on a day.
 *
 * Every piece that reconciliation found OK is posted: its letter becomes POSTED with that
 * posting day (which the daily postage settlement reads) and earns a leveringskvittering.
 * Pieces that were reprinted go out with their reprint job. A job that is not fully
 * reconciled (pieces unread, read twice, or missing without a reprint) is dispatched only
 * with --force and a reason, which is recorded; missing pieces are never posted. All of it
 * is one transaction; then the receipts and the day's handover note (handover_day.c) are
 * published.
 */
#include <string.h>
#include "jobs.h"

struct sorting {
    GPtrArray *post;    /* struct piece_row * (borrowed) */
    int unread, duplicated, missing, reprinted;
};

static void sort_pieces(GPtrArray *rows, bool force, struct sorting *s)
{
    guint i;

    memset(s, 0, sizeof *s);
    s->post = g_ptr_array_new();
    for (i = 0; i < rows->len; i++) {
        struct piece_row *p = rows->pdata[i];
        bool unread = p->state == PIECE_STATE_PLANNED || p->state == PIECE_STATE_PRINTED;
        if (p->state == PIECE_STATE_OK || (force && (unread || p->state == PIECE_STATE_DUPLICATED)))
            g_ptr_array_add(s->post, p);
        s->unread += unread;
        s->duplicated += p->state == PIECE_STATE_DUPLICATED;
        s->missing += p->state == PIECE_STATE_MISSING || p->state == PIECE_STATE_DAMAGED;
        s->reprinted += p->state == PIECE_STATE_REPRINTED;
    }
}

static int check_day(const char *day, const char *today, char **err)
{
    if (!date_valid(day)) {
        *err = g_strdup_printf("'%s' is not a date (YYYY-MM-DD)", day);
        return -1;
    }
    if (strcmp(day, today) > 0) {
        *err = g_strdup_printf("%s is in the future: a job is dispatched on the day it is "
                               "handed over", day);
        return -1;
    }
    return 0; /* a settled day is refused per letter, by costs_set_posted */
}

static int post_piece(struct jobs_ctx *e, const struct job_row *j, const struct piece_row *p,
                      const char *day, const char *at, GDateTime *now, const char *reason,
                      char **err)
{
    char *detail = g_strdup_printf("%s piece %s on %s%s%s", j->name, p->code, day,
                                   reason ? "; forced: " : "", reason ? reason : "");
    int rc = ledger_piece_result(e->ledger, j->id, p->code, PIECE_STATE_POSTED, p->scan);

    if (rc == 0)
        rc = ledger_set_letter_state(e->ledger, p->letter_id, LETTER_STATE_POSTED, at);
    if (rc == 0)
        rc = costs_set_posted(e->ledger, p->letter_id, day, err);
    if (rc == 0)
        rc = ledger_add_event(e->ledger, p->letter_id, at, "posted", detail);
    if (rc == 0)
        rc = receipts_letter(e->receipts, p->letter_id, "leveringskvittering", NULL, NULL, now,
                             err);
    g_free(detail);
    return rc;
}

static int dispatch_txn(struct jobs_ctx *e, const struct job_row *j, struct sorting *s,
                        const char *day, const char *reason, char **err)
{
    GDateTime *now = time_now();
    char *at = time_rfc3339(now);
    guint i;
    int rc = ledger_begin(e->ledger);

    if (rc == 0 && (rc = ledger_job_dispatch(e->ledger, j->id, day, at, reason)) > 0)
        *err = g_strdup_printf("job %s was dispatched, cancelled or held meanwhile", j->name);
    for (i = 0; rc == 0 && i < s->post->len; i++)
        rc = post_piece(e, j, s->post->pdata[i], day, at, now, reason, err);
    rc = ledger_finish(e->ledger, rc);
    if (rc < 0 && !*err)
        *err = g_strdup_printf("job %s: the ledger cannot be written: %s", j->name,
                               ledger_error(e->ledger));
    g_free(at);
    g_date_time_unref(now);
    return rc == 0 ? 0 : -1;
}

static char *refusal(const struct job_row *j, const struct sorting *s)
{
    GString *m = g_string_new(NULL);

    g_string_append_printf(m, "job %s is not fully reconciled:", j->name);
    if (s->unread)
        g_string_append_printf(m, " %d pieces not reconciled;", s->unread);
    if (s->duplicated)
        g_string_append_printf(m, " %d pieces read twice;", s->duplicated);
    if (s->missing)
        g_string_append_printf(m, " %d pieces missing or damaged and not reprinted;", s->missing);
    g_string_append(m, " run `trykk reconcile` first, or dispatch with --force --reason TEXT "
                       "(missing pieces are never posted)");
    return g_string_free(m, FALSE);
}

int jobs_dispatch(struct jobs_ctx *e, const char *job, const char *day, const char *reason,
                  struct dispatch_report *rep, char **err)
{
    struct job_row j = {0};
    struct sorting s = {0};
    GPtrArray *rows = NULL;
    GDateTime *now = time_now();
    char *today = g_date_time_format(now, "%Y-%m-%d"), *when = NULL;
    enum ledger_result found, cancelled = LEDGER_NONE, dispatched = LEDGER_NONE;
    int rc = -1;

    memset(rep, 0, sizeof *rep);
    g_date_time_unref(now);
    if ((found = ledger_resolve_job(e->ledger, job, &j)) != LEDGER_FOUND) {
        *err = found == LEDGER_ERROR
            ? g_strdup_printf("job %s: %s", job, ledger_error(e->ledger))
            : g_strdup_printf("no job named %s (see trykk jobs)", job);
        g_free(today);
        return -1;
    }
    if (j.state == JOB_STATE_OPEN || j.state == JOB_STATE_CLOSING) {
        *err = g_strdup_printf("job %s is %s: only a printed job can be dispatched", j.name,
                               job_state_name(j.state));
    } else if (j.held_at && j.state != JOB_STATE_DISPATCHED) {
        *err = g_strdup_printf("job %s is on hold (%s): release it first (trykk release %s)",
                               j.name, j.hold_reason, j.name);
    } else if ((cancelled = ledger_job_cancelled(e->ledger, j.id, &when)) != LEDGER_NONE) {
        *err = cancelled == LEDGER_FOUND
            ? g_strdup_printf("job %s was cancelled at %s; it cannot be dispatched", j.name, when)
            : g_strdup_printf("job %s: %s", j.name, ledger_error(e->ledger));
    } else if ((dispatched = ledger_job_dispatched(e->ledger, j.id, &rep->day, &when)) ==
               LEDGER_ERROR) {
        *err = g_strdup_printf("job %s: %s", j.name, ledger_error(e->ledger));
    } else if (dispatched == LEDGER_FOUND) {
        rep->already = true;
        *err = g_strdup_printf("job %s was dispatched on %s (at %s); a job is dispatched once",
                               j.name, rep->day, when);
        {   /* repair a note lost to a crash between the commit and the files */
            char *e2 = NULL;
            if (jobs_handover_publish(e, &j, rep->day, &e2) < 0)
                log_error("%s", e2);
            g_free(e2);
        }
    } else if (check_day(day ? day : today, today, err) == 0) {
        rows = ledger_job_pieces(e->ledger, j.id);
        sort_pieces(rows, reason != NULL, &s);
        if ((s.unread || s.duplicated || s.missing) && !reason)
            *err = refusal(&j, &s);
        else if (dispatch_txn(e, &j, &s, day ? day : today, reason, err) == 0) {
            rep->day = g_strdup(day ? day : today);
            rep->posted = (int)s.post->len;
            rep->reprinted = s.reprinted;
            rep->missing = s.missing;
            rep->published = receipts_flush(e->receipts);
            rc = jobs_handover_publish(e, &j, rep->day, err);
        }
    }
    if (s.post)
        g_ptr_array_free(s.post, TRUE);
    if (rows)
        g_ptr_array_free(rows, TRUE);
    job_row_free(&j);
    g_free(today);
    g_free(when);
    return rc;
}

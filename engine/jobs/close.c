/* SPDX-License-Identifier: Apache-2.0 */
/*
 * close.c - closing print jobs: OPEN -> CLOSING (numbered, in the ledger) -> built and
 * published (build.c) -> CLOSED. Jobs close when full (after each planning batch), at their
 * cut-off (jobs_close_due), on an operator's request (jobs_close), and at start-up, when
 * jobs_recover removes half-built directories and finishes every CLOSING job.
 */
#include <string.h>
#include "jobs.h"

int jobs_close_each(struct jobs_ctx *e, struct print_setup *ps, GArray *ids, struct plan_stats *st)
{
    guint i;
    int rc = 0;

    for (i = 0; i < ids->len; i++) {
        char *err = NULL;
        int r = jobs_close(e, ps, g_array_index(ids, long long, i), &err);
        if (r < 0) {
            log_error("%s", err);
            st->jobs_failed++;
            rc = -1;
        } else if (r > 0) {
            log_info("%s", err); /* held or closed meanwhile: nothing to do */
        } else {
            st->jobs_closed++;
        }
        g_free(err);
    }
    g_array_free(ids, TRUE);
    return rc;
}

int jobs_close_due(struct jobs_ctx *e, struct print_setup *ps, struct plan_stats *st)
{
    GDateTime *now = time_now();
    char *at = time_rfc3339(now);
    int rc = jobs_close_each(e, ps, ledger_jobs_in_state(e->ledger, JOB_STATE_OPEN, at), st);

    g_free(at);
    g_date_time_unref(now);
    return rc;
}

int jobs_close(struct jobs_ctx *e, struct print_setup *ps, long long job_id, char **err)
{
    struct job_row j = {0};
    char *at;
    int rc;

    if (ledger_job_by_id(e->ledger, job_id, &j) != 0) {
        *err = g_strdup_printf("job %lld is not in the ledger", job_id);
        return -1;
    }
    if (j.held_at) {
        *err = g_strdup_printf("job %s is on hold (%s): release it first (trykk release %s)",
                               j.name, j.hold_reason, j.name);
        job_row_free(&j);
        return 1;
    }
    if (j.state == JOB_STATE_OPEN) {
        GDateTime *now = time_now();
        at = time_rfc3339(now);
        g_date_time_unref(now);
        rc = ledger_begin(e->ledger) == 0 && ledger_job_closing(e->ledger, job_id, at) == 0
                 ? ledger_commit(e->ledger)
                 : (ledger_rollback(e->ledger), -1);
        g_free(at);
        if (rc < 0) {
            *err = g_strdup_printf("job %s: cannot start closing: %s", j.name,
                                   ledger_error(e->ledger));
            job_row_free(&j);
            return -1;
        }
    } else if (j.state != JOB_STATE_CLOSING) {
        *err = g_strdup_printf("job %s is already closed (%s)", j.name, job_state_name(j.state));
        job_row_free(&j);
        return 1;
    }
    job_row_free(&j);
    return jobs_build(e, ps, job_id, err);
}

int jobs_recover(struct jobs_ctx *e, struct print_setup *ps)
{
    struct plan_stats st = {0};

    jobs_remove_builds(e->spool->jobs);
    return jobs_close_each(e, ps, ledger_jobs_in_state(e->ledger, JOB_STATE_CLOSING, NULL), &st);
}

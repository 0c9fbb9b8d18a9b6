/*
 * purge.c - retention: personal data is kept as long as the letter may still need it, then
 * removed from the ledger, the spool and the print files; cost rows stay, without it.
 *
 *   letters  POSTED, RETURNED or CANCELLED more than `days` ago: names and addresses leave
 *            the ledger, the package (encrypted CMS and the business message, which names
 *            the recipient) leaves accepted/; the letter becomes PURGED. FAILED and HELD
 *            letters lose their entry in failed/ or hold/ the same way and keep their state
 *            and reason. Quarantined entries are never removed (an operator reviews them).
 *   jobs     dispatched or cancelled more than `days` ago: the print files (job.pdf, envelope
 *            faces) go; the ticket, piece list and handover note (no personal data) stay
 *   history  events older than `history_months`
 *
 * The ledger is committed first; files follow. A crash in between leaves packages of PURGED
 * letters in accepted/, which the next purge removes. Running it twice changes nothing.
 */
#include <string.h>
#include "pipeline.h"

#define PURGE_BATCH 500

static const char *const job_keep[] = {"job.jdf", "pieces.csv", "handover.csv", "handover.pdf",
                                       NULL};

static char *days_ago(GDateTime *now, int days)
{
    GDateTime *t = g_date_time_add_days(now, -days);
    char *s = g_date_time_format(t, "%Y-%m-%d");

    g_date_time_unref(t);
    return s;
}

/* In batches, each one transaction. */
static int purge_letters(struct engine *e, const char *cutoff, const char *at, int *n)
{
    GPtrArray *ids = ledger_purgeable(e->ledger, cutoff);
    guint start, i;
    int rc = 0;

    for (start = 0; rc == 0 && start < ids->len; start += PURGE_BATCH) {
        guint end = MIN(start + PURGE_BATCH, ids->len);
        rc = ledger_begin(e->ledger);
        for (i = start; rc == 0 && i < end; i++)
            rc = ledger_purge_letter(e->ledger, ids->pdata[i], at);
        rc = ledger_finish(e->ledger, rc);
        if (rc == 0)
            *n += (int)(end - start);
    }
    if (rc < 0)
        log_error("purge stopped: %s", ledger_error(e->ledger));
    g_ptr_array_unref(ids);
    return rc;
}

/* Entries of purged letters still in dir (accepted/, failed/, hold/); their reason files
 * (no personal data) stay. */
static int sweep_dir(struct engine *e, const char *dir, int *n)
{
    GPtrArray *names = spool_list(dir);
    guint i;
    int rc = 0;

    for (i = 0; i < names->len; i++) {
        const char *id = names->pdata[i];
        if (!spool_id_ok(id) || ledger_is_purged(e->ledger, id) != 1)
            continue;
        if (spool_remove(dir, id) < 0) {
            log_error("letter %s: package not removed from %s", id, dir);
            rc = -1;
        } else {
            ++*n;
        }
    }
    g_ptr_array_free(names, TRUE);
    return rc;
}

static int sweep_packages(struct engine *e, int *n)
{
    int rc = sweep_dir(e, e->spool.accepted, n);

    if (sweep_dir(e, e->spool.failed, n) < 0)
        rc = -1;
    if (sweep_dir(e, e->spool.hold, n) < 0)
        rc = -1;
    return rc;
}

static int sweep_job(struct engine *e, const char *job, int *n)
{
    char *dir = g_build_filename(e->spool.jobs, job, NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    GPtrArray *doomed = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    guint i;
    int rc = 0;

    while (d && (name = g_dir_read_name(d)))
        if (!g_strv_contains(job_keep, name) && name[0] != '.')
            g_ptr_array_add(doomed, g_strdup(name));
    if (d)
        g_dir_close(d);
    for (i = 0; i < doomed->len; i++) {
        if (fsio_unlink(dir, doomed->pdata[i]) < 0) {
            log_error("job %s: %s not removed", job, (char *)doomed->pdata[i]);
            rc = -1;
        } else {
            ++*n;
        }
    }
    g_ptr_array_unref(doomed);
    g_free(dir);
    return rc;
}

int purge_run(struct engine *e, int days, int history_months, struct purge_stats *st)
{
    GDateTime *now = time_now(), *old = g_date_time_add_months(now, -history_months);
    char *cutoff = days_ago(now, days), *at = time_rfc3339(now), *before = time_rfc3339(old);
    GPtrArray *jobs;
    guint i;
    int rc;

    memset(st, 0, sizeof *st);
    rc = purge_letters(e, cutoff, at, &st->letters);
    if (sweep_packages(e, &st->packages) < 0)
        rc = -1;
    jobs = ledger_expired_jobs(e->ledger, cutoff);
    for (i = 0; i < jobs->len; i++)
        if (sweep_job(e, jobs->pdata[i], &st->job_files) < 0)
            rc = -1;
    g_ptr_array_unref(jobs);
    if ((st->events = ledger_forget_history(e->ledger, before)) < 0)
        rc = -1;
    if (ledger_scrub(e->ledger) < 0)
        rc = -1;
    g_free(cutoff);
    g_free(at);
    g_free(before);
    g_date_time_unref(old);
    g_date_time_unref(now);
    return rc;
}

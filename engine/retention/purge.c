/* SPDX-License-Identifier: Apache-2.0 */
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
 * retention_plan says what a purge would do now (letters, packages and print files with their
 * sizes, history events) and changes nothing.
 */
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include "retention.h"
#include "../util/util.h"

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
static int purge_letters(struct retention_ctx *e, const char *cutoff, const char *at, int *n)
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

/* Names in dir (accepted/, failed/, hold/) of letters purged, or in `due` (ids about to be,
 * for a dry run; may be NULL). Their reason files (no personal data) stay. NULL when the
 * ledger cannot say whether a letter is purged (logged): nothing is removed then. */
static GPtrArray *doomed_entries(struct retention_ctx *e, const char *dir, GHashTable *due)
{
    GPtrArray *names = spool_list(dir), *out = g_ptr_array_new_with_free_func(g_free);
    enum ledger_result purged = LEDGER_NONE;
    guint i;

    for (i = 0; purged != LEDGER_ERROR && i < names->len; i++) {
        const char *id = names->pdata[i];
        if (!spool_id_ok(id))
            continue;
        purged = due && g_hash_table_contains(due, id) ? LEDGER_FOUND
                                                       : ledger_is_purged(e->ledger, id);
        if (purged == LEDGER_FOUND)
            g_ptr_array_add(out, g_strdup(id));
    }
    g_ptr_array_free(names, TRUE);
    if (purged == LEDGER_ERROR) {
        log_error("purge: %s: %s", dir, ledger_error(e->ledger));
        g_ptr_array_unref(out);
        return NULL;
    }
    return out;
}

static int sweep_dir(struct retention_ctx *e, const char *dir, int *n)
{
    GPtrArray *ids = doomed_entries(e, dir, NULL);
    guint i;
    int rc = 0;

    if (!ids)
        return -1;
    for (i = 0; i < ids->len; i++) {
        if (spool_remove(dir, ids->pdata[i]) < 0) {
            log_letter_error((char *)ids->pdata[i], "package not removed from %s", dir);
            rc = -1;
        } else {
            ++*n;
        }
    }
    g_ptr_array_unref(ids);
    return rc;
}

static int sweep_packages(struct retention_ctx *e, int *n)
{
    int rc = sweep_dir(e, e->spool->accepted, n);

    if (sweep_dir(e, e->spool->failed, n) < 0)
        rc = -1;
    if (sweep_dir(e, e->spool->hold, n) < 0)
        rc = -1;
    return rc;
}

/* The print files of an expired job: all but the ticket, piece list and handover note. */
static GPtrArray *doomed_job_files(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    GPtrArray *doomed = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    while (d && (name = g_dir_read_name(d)))
        if (!g_strv_contains(job_keep, name) && name[0] != '.')
            g_ptr_array_add(doomed, g_strdup(name));
    if (d)
        g_dir_close(d);
    return doomed;
}

static int sweep_job(struct retention_ctx *e, const char *job, int *n)
{
    char *dir = g_build_filename(e->spool->jobs, job, NULL);
    GPtrArray *doomed = doomed_job_files(dir);
    guint i;
    int rc = 0;

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

int retention_purge(struct retention_ctx *e, int days, int history_months,
                    struct purge_stats *st)
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

/* Bytes of a spool entry: a file, or a directory of files (carrier b, c). */
static long long entry_bytes(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);
    GStatBuf st;
    long long n = 0;

    if (g_lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        GDir *d = g_dir_open(path, 0, NULL);
        const char *f;
        while (d && (f = g_dir_read_name(d)))
            n += entry_bytes(path, f);
        if (d)
            g_dir_close(d);
    } else if (g_lstat(path, &st) == 0) {
        n = (long long)st.st_size;
    }
    g_free(path);
    return n;
}

static void plan_entries(struct retention_ctx *e, const char *dir, const char *place, GHashTable *due,
                         struct purge_plan *p)
{
    GPtrArray *ids = doomed_entries(e, dir, due);
    guint i;

    for (i = 0; ids && i < ids->len; i++) {
        long long n = entry_bytes(dir, ids->pdata[i]);
        json_array_append_new(p->packages, json_pack("{s:s, s:s, s:I}", "place", place,
                                                     "letter", (char *)ids->pdata[i], "bytes",
                                                     (json_int_t)n));
        p->package_bytes += n;
    }
    if (ids)
        g_ptr_array_unref(ids);
}

static void plan_jobs(struct retention_ctx *e, const char *cutoff, struct purge_plan *p)
{
    GPtrArray *jobs = ledger_expired_jobs(e->ledger, cutoff);
    guint i, k;

    for (i = 0; i < jobs->len; i++) {
        char *dir = g_build_filename(e->spool->jobs, jobs->pdata[i], NULL);
        GPtrArray *files = doomed_job_files(dir);
        for (k = 0; k < files->len; k++) {
            long long n = entry_bytes(dir, files->pdata[k]);
            json_array_append_new(p->job_files, json_pack("{s:s, s:s, s:I}", "job",
                                                          (char *)jobs->pdata[i], "file",
                                                          (char *)files->pdata[k], "bytes",
                                                          (json_int_t)n));
            p->job_bytes += n;
        }
        g_ptr_array_unref(files);
        g_free(dir);
    }
    g_ptr_array_unref(jobs);
}

int retention_plan(struct retention_ctx *e, int days, int history_months,
                   struct purge_plan *p)
{
    GDateTime *now = time_now(), *old = g_date_time_add_months(now, -history_months);
    GHashTable *due = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;
    json_t *r;

    memset(p, 0, sizeof *p);
    p->cutoff = days_ago(now, days);
    p->before = time_rfc3339(old);
    p->letters = ledger_purgeable_json(e->ledger, p->cutoff);
    p->packages = json_array();
    p->job_files = json_array();
    json_array_foreach(p->letters, i, r)
        g_hash_table_add(due, (gpointer)json_string_value(json_object_get(r, "id")));
    plan_entries(e, e->spool->accepted, "accepted", due, p);
    plan_entries(e, e->spool->failed, "failed", due, p);
    plan_entries(e, e->spool->hold, "hold", due, p);
    plan_jobs(e, p->cutoff, p);
    p->events = ledger_count_history(e->ledger, p->before);
    g_hash_table_destroy(due);
    g_date_time_unref(old);
    g_date_time_unref(now);
    return p->events < 0 ? -1 : 0;
}

void retention_plan_free(struct purge_plan *p)
{
    json_decref(p->letters);
    json_decref(p->packages);
    json_decref(p->job_files);
    g_free(p->cutoff);
    g_free(p->before);
    memset(p, 0, sizeof *p);
}

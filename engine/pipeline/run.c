/*
 * run.c - one pass over the spool: recover, retry what is due in deferred/, then claim and
 * process everything in incoming/, oldest first.
 *
 * Recovery (at the start of every pass, under the spool lock):
 *  - temporary files of interrupted publishes are removed (they were never visible);
 *  - an entry in active/ without a ledger row goes back to incoming/ (nothing was decided);
 *  - an entry in active/ with a row is finished from the ledger (receipts re-published
 *    byte for byte, reason file, rename).
 * Running recovery twice changes nothing.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "pipeline.h"

#define RETRY_FIRST_SECONDS 300
#define RETRY_MAX_SECONDS 3600

static void count(struct run_stats *st, enum outcome o)
{
    switch (o) {
    case OUT_ACCEPTED: st->accepted++; break;
    case OUT_FAILED: st->failed++; break;
    case OUT_QUARANTINED: st->quarantined++; break;
    case OUT_DEFERRED: st->deferred++; break;
    case OUT_HELD: st->held++; break;
    default: break;
    }
}

int run_recover(struct engine *e, struct run_stats *st)
{
    GPtrArray *active;
    int removed = spool_remove_temporaries(&e->spool), rc = 0;
    guint i;

    if (removed)
        log_info("recovery: removed %d unfinished temporary file(s)", removed);
    active = spool_list(e->spool.active);
    for (i = 0; i < active->len; i++) {
        const char *id = active->pdata[i];
        struct letter_state ls;
        int found = spool_id_ok(id) ? ledger_letter_state(e->ledger, id, &ls) : -1;
        if (found == 1) {
            log_info("letter %s: recovery: back to incoming/ (no decision was committed)", id);
            if (spool_move(e->spool.active, e->spool.incoming, id) < 0)
                rc = -1;
        } else if (found == 0) {
            letter_state_free(&ls);
            log_info("letter %s: recovery: finishing the committed decision", id);
            if (finish_letter(e, id) == OUT_STOP)
                rc = -1;
        } else {
            log_error("recovery: cannot place active/%s (%s)", id, found < 0 && spool_id_ok(id)
                      ? ledger_error(e->ledger) : "not a letter id");
            rc = -1;
        }
        st->recovered++;
    }
    g_ptr_array_free(active, TRUE);
    /* receipts of dispatch, returns and cancellations committed but not yet published */
    if (receipts_flush(e) < 0)
        rc = -1;
    return rc;
}

static void log_outcome(const char *id, enum outcome o, const struct verdict_info *v)
{
    switch (o) {
    case OUT_ACCEPTED:
        log_info("letter %s: accepted (%u document(s), %d page(s))", id, v->docs->len, v->pages);
        break;
    case OUT_FAILED:
        log_info("letter %s: failed: %s", id, v->r.code);
        break;
    case OUT_QUARANTINED:
        log_info("letter %s: quarantined: %s", id, v->r.code);
        break;
    case OUT_DEFERRED:
        log_warn("letter %s: deferred after an internal error (%s)", id, v->r.code);
        break;
    case OUT_HELD:
        log_warn("letter %s: held: internal errors past the response deadline; feil SERVER sent", id);
        break;
    default:
        break;
    }
}

/* 5 minutes after the first deferral, doubling with each further one, at most an hour. */
static gint64 retry_delay(struct engine *e, const char *id)
{
    int n = ledger_count_events(e->ledger, id, "deferred");
    gint64 delay = RETRY_FIRST_SECONDS;

    while (--n > 0 && delay < RETRY_MAX_SECONDS)
        delay *= 2;
    return MIN(delay, RETRY_MAX_SECONDS);
}

/* Verify, commit and place one claimed entry (active/<id>). */
static enum outcome process(struct engine *e, const char *id, const char *entry_name)
{
    char *path = g_build_filename(e->spool.active, id, NULL);
    struct verdict_info v;
    enum outcome o;

    verify_entry(e, path, &v);
    g_free(path);
    o = commit_letter(e, id, entry_name, &v);
    log_outcome(id, o, &v);
    if (o == OUT_DEFERRED) {
        GDateTime *now = time_now();
        spool_set_mtime(e->spool.deferred, id, g_date_time_to_unix(now) + retry_delay(e, id));
        g_date_time_unref(now);
    }
    verdict_info_free(&v);
    return o;
}

static void progress_line(bool on, int done, int total, const struct run_stats *st)
{
    if (!on)
        return;
    fprintf(stderr, "\r\033[K  %d/%d  accepted %d  failed %d  quarantined %d", done, total,
            st->accepted, st->failed, st->quarantined);
    fflush(stderr);
}

static int retry_deferred(struct engine *e, struct run_stats *st)
{
    GPtrArray *due = spool_list(e->spool.deferred);
    GDateTime *now = time_now();
    gint64 t = g_date_time_to_unix(now);
    guint i;
    int rc = 0;

    for (i = 0; i < due->len && rc == 0; i++) {
        const char *id = due->pdata[i];
        enum outcome o;
        if (!spool_id_ok(id) || spool_mtime(e->spool.deferred, id) > t)
            continue;
        if (spool_move(e->spool.deferred, e->spool.active, id) < 0)
            continue;
        o = process(e, id, NULL);
        count(st, o);
        rc = o == OUT_STOP ? -1 : 0;
    }
    g_date_time_unref(now);
    g_ptr_array_free(due, TRUE);
    return rc;
}

int run_once(struct engine *e, struct run_stats *st, bool progress)
{
    GPtrArray *incoming;
    guint i;
    int rc = run_recover(e, st);

    if (rc == 0)
        rc = retry_deferred(e, st);
    incoming = spool_list(e->spool.incoming);
    progress = progress && incoming->len > 1;
    log_set_progress_active(progress);
    for (i = 0; i < incoming->len && rc == 0; i++) {
        const char *name = incoming->pdata[i];
        char *id = NULL, *shown;
        enum outcome o;
        if (spool_claim(&e->spool, name, &id) < 0)
            continue; /* another process took it, or it vanished */
        st->claimed++;
        shown = g_strescape(name, NULL);
        log_info("letter %s: claimed incoming/%s", id, shown);
        g_free(shown);
        o = process(e, id, name);
        count(st, o);
        rc = o == OUT_STOP ? -1 : 0;
        g_free(id);
        progress_line(progress, (int)i + 1, (int)incoming->len, st);
    }
    if (progress)
        fputs("\r\033[K", stderr);
    log_set_progress_active(false);
    g_ptr_array_free(incoming, TRUE);
    return rc;
}

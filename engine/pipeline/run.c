/* SPDX-License-Identifier: Apache-2.0 */
/*
 * run.c - one pass over the spool: recover, retry what is due in deferred/, then claim and
 * process everything in incoming/, oldest first.
 *
 * Recovery (at the start of every pass, under the spool lock):
 *  - temporary files of interrupted publishes are removed (they were never visible);
 *  - an entry in active/ without a ledger row was in hand when the engine went down: its
 *    attempt is counted, and it is verified again under its own id; the second time it is
 *    found so, it is quarantined (`worker-crash`), so no entry can stop the spool;
 *  - an entry in active/ with a row is finished from the ledger (receipts re-published
 *    byte for byte, reason file, rename);
 *  - anything else in active/ (not a letter id) is quarantined under a new id.
 * Running recovery twice changes nothing it has not already counted.
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

static enum outcome process(struct engine *e, const char *id, const char *entry_name);

/* A verdict the engine reaches itself, without a child's report: nobody to answer. */
static enum outcome quarantine_here(struct engine *e, const char *id, const char *entry_name,
                                    const char *code, const char *detail)
{
    struct decision v = {0};
    enum outcome o;

    v.docs = g_array_new(FALSE, TRUE, sizeof(struct doc_info));
    decision_set(&v, VERDICT_QUARANTINE, code, "%s", detail);
    o = commit_letter(e, id, entry_name, &v);
    decision_free(&v);
    return o;
}

/* Count one more time the engine went down with this entry in hand; 0 when it was the
 * second (it is quarantined then), 1 to go on, -1 on a ledger error. */
static int count_attempt(struct engine *e, const char *id, enum outcome *o)
{
    GDateTime *now = time_now();
    char *at = time_rfc3339(now);
    int n = ledger_bump_attempt(e->ledger, id, at);

    g_free(at);
    g_date_time_unref(now);
    if (n < 0) {
        log_letter_error(id, "ledger: %s", ledger_error(e->ledger));
        *o = OUT_STOP;
        return -1;
    }
    if (n < 2)
        return 1;
    log_letter_warn(id, "quarantined: the engine stopped twice while it was in hand");
    *o = quarantine_here(e, id, NULL, "worker-crash", "the engine went down twice while "
                         "processing this entry; an operator must look at it");
    return 0;
}

/* active/<id> with no decision: count the attempt, then verify again or give up on it. */
static enum outcome retry_interrupted(struct engine *e, const char *id)
{
    enum outcome o;

    if (count_attempt(e, id, &o) <= 0)
        return o;
    log_letter_info(id, "recovery: verifying again");
    return process(e, id, NULL);
}

/* active/<id> with a decision: finish it. A deferred letter in active/ was being retried
 * when the engine went down: that counts as an attempt too. */
static enum outcome finish_interrupted(struct engine *e, const char *id,
                                       enum letter_state state)
{
    enum outcome o;

    if (state == LETTER_STATE_DEFERRED && count_attempt(e, id, &o) <= 0)
        return o;
    log_letter_info(id, "recovery: finishing the committed decision");
    return finish_letter(e, id);
}

/* A name in active/ that is not a letter id: quarantined under a new id, never deleted. */
static enum outcome quarantine_stray(struct engine *e, const char *name)
{
    char *id = spool_new_id(), *shown = g_strescape(name, NULL);
    enum outcome o = OUT_STOP;

    if (fsio_move(e->spool.active, name, e->spool.active, id) == 0) {
        log_letter_warn(id, "recovery: active/%s is not a letter id; quarantined", shown);
        o = quarantine_here(e, id, name, "active-stray", "an entry in active/ that no letter "
                            "claimed");
    } else
        log_error("recovery: cannot move active/%s aside", shown);
    g_free(shown);
    g_free(id);
    return o;
}

/* Recovery; sweep: also remove unfinished temporary files (it reads every spool
 * directory, accepted/ and outbox/ with all they keep). */
static int recover(struct engine *e, struct run_stats *st, bool sweep)
{
    GPtrArray *active;
    int removed = sweep ? spool_remove_temporaries(&e->spool) : 0, rc = 0;
    guint i;

    if (removed)
        log_info("recovery: removed %d unfinished temporary file(s)", removed);
    active = spool_list(e->spool.active);
    for (i = 0; i < active->len; i++) {
        const char *id = active->pdata[i];
        struct letter_status ls = {0};
        int found = spool_id_ok(id) ? ledger_letter_state(e->ledger, id, &ls) : 2;
        enum outcome o = OUT_STOP;
        if (found == 1)
            o = retry_interrupted(e, id);
        else if (found == 0) {
            o = finish_interrupted(e, id, ls.state);
            letter_status_free(&ls);
        } else if (found == 2)
            o = quarantine_stray(e, id);
        else
            log_error("recovery: cannot look up active/%s (%s)", id, ledger_error(e->ledger));
        if (o == OUT_STOP)
            rc = -1;
        else if (found != 0)
            count(st, o);
        st->recovered++;
    }
    g_ptr_array_free(active, TRUE);
    /* receipts of dispatch, returns and cancellations committed but not yet published */
    if (receipts_flush(&e->receipts) < 0)
        rc = -1;
    return rc;
}

int run_recover(struct engine *e, struct run_stats *st) { return recover(e, st, true); }

static void log_outcome(const char *id, enum outcome o, const struct decision *v)
{
    switch (o) {
    case OUT_ACCEPTED:
        log_letter_info(id, "accepted (%u document(s), %d page(s))", v->docs->len, v->pages);
        break;
    case OUT_FAILED:
        log_letter_info(id, "failed: %s", v->r.code);
        break;
    case OUT_QUARANTINED:
        log_letter_info(id, "quarantined: %s", v->r.code);
        break;
    case OUT_DEFERRED:
        log_letter_warn(id, "deferred after an internal error (%s)", v->r.code);
        break;
    case OUT_HELD:
        log_letter_warn(id, "held: internal errors past the response deadline; feil SERVER sent");
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

/*
 * A message id another letter already holds. The same business message again is a
 * re-delivery: the original's receipt is published again, nothing else happens. A different
 * message under that id is refused with its own reason and no receipt (a feil would name the
 * original's conversation), and the original is left untouched.
 */
static bool check_duplicate(struct engine *e, struct decision *v)
{
    char *holder = NULL, *digest = NULL;
    int found;

    if (!v->msg_signed || !v->who.message_id)
        return false;
    found = ledger_find_message(e->ledger, v->who.message_id, &holder, &digest);
    if (found < 0) {
        decision_set(v, VERDICT_INTERNAL, "internal", "the ledger cannot be read");
        return true;
    }
    if (found == 1)
        return false;
    if (!digest || (v->digest && strcmp(digest, v->digest) == 0)) {
        decision_set(v, VERDICT_FAILED, "duplicate-message-id", "message %s was received "
                           "before (letter %s)", v->who.message_id, holder);
        v->duplicate_of = holder;
    } else {
        decision_set(v, VERDICT_FAILED, "message-id-reused", "message id %s belongs to "
                           "letter %s, whose business message is different", v->who.message_id,
                           holder);
        g_free(holder);
    }
    g_free(digest);
    return true;
}

/* Verify (in the bounded child), commit and place one claimed entry (active/<id>). */
static enum outcome process(struct engine *e, const char *id, const char *entry_name)
{
    char *path = g_build_filename(e->spool.active, id, NULL);
    struct decision v = {0};
    enum outcome o;

    isolate_verify(e, path, check_duplicate, &v);
    g_free(path);
    o = commit_letter(e, id, entry_name, &v);
    log_outcome(id, o, &v);
    if (o == OUT_DEFERRED) {
        GDateTime *now = time_now();
        spool_set_mtime(e->spool.deferred, id, g_date_time_to_unix(now) + retry_delay(e, id));
        g_date_time_unref(now);
    }
    decision_free(&v);
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

/* How much one pass may still take. */
struct budget {
    const struct run_turn *t;
    int taken;
    bool full; /* it stopped at max (or on a stop request) with entries maybe left */
};

/* Whether the pass must end before it takes one more entry. */
static bool spent(struct budget *b)
{
    if ((b->t->max > 0 && b->taken >= b->t->max) || (b->t->stop && b->t->stop()))
        b->full = true;
    return b->full;
}

static int retry_deferred(struct engine *e, struct run_stats *st, struct budget *b)
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
        if (spent(b) || spool_move(e->spool.deferred, e->spool.active, id) < 0)
            continue;
        b->taken++;
        o = process(e, id, NULL);
        count(st, o);
        rc = o == OUT_STOP ? -1 : 0;
    }
    g_date_time_unref(now);
    g_ptr_array_free(due, TRUE);
    return rc;
}

static int pass(struct engine *e, struct run_stats *st, bool progress, struct budget *b)
{
    GPtrArray *incoming;
    guint i;
    int rc = recover(e, st, b->t->sweep);

    if (rc == 0)
        rc = retry_deferred(e, st, b);
    incoming = spool_list(e->spool.incoming);
    progress = progress && incoming->len > 1;
    log_set_progress_active(progress);
    for (i = 0; i < incoming->len && rc == 0 && !spent(b); i++) {
        const char *name = incoming->pdata[i];
        char *id = NULL, *shown;
        enum outcome o;
        if (spool_claim(&e->spool, name, &id) < 0)
            continue; /* another process took it, or it vanished */
        b->taken++;
        st->claimed++;
        shown = g_strescape(name, NULL);
        log_letter_info(id, "claimed incoming/%s", shown);
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

int run_once(struct engine *e, struct run_stats *st, bool progress)
{
    static const struct run_turn all = {0, NULL, true};
    struct budget b = {&all, 0, false};

    return pass(e, st, progress, &b);
}

int run_batch(struct engine *e, struct run_stats *st, const struct run_turn *t)
{
    struct budget b = {t, 0, false};
    int rc = pass(e, st, false, &b);

    return rc < 0 ? -1 : b.full ? 1 : 0;
}

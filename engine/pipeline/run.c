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
 *
 * Group commit: a verified entry waits in the pass's group (struct group) until COMMIT_GROUP
 * of them are verified or the pass ends; then one transaction and one fsync commit them all
 * and each is finished in claim order (commit_group, finish.c). A duplicate query looks at the
 * group's verdicts as well as at the ledger, so a message id twice in one group is found.
 * An entry verified but not yet committed when the engine stops is, for recovery, one that was
 * in hand: verified again, its attempt counted.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "pipeline.h"

#define RETRY_FIRST_SECONDS 300
#define RETRY_MAX_SECONDS 3600
/* Letters per ledger transaction: 16 fsyncs become one; a crash costs at most 16 entries a
 * verification again (never a second receipt). */
#define COMMIT_GROUP 16

/* The pass's verified entries, waiting for their commit. */
struct group {
    struct run_stats *st;
    size_t n;
    char *id[COMMIT_GROUP], *entry_name[COMMIT_GROUP];
    struct decision v[COMMIT_GROUP];
};

/* What the pool hands its verdicts to. */
struct engine_group {
    struct engine *e;
    struct group *g;
};

/* The group being filled, for check_duplicate (a callback without a context of its own). */
static const struct group *filling;

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

static int process(struct engine *e, struct group *g, const char *id, const char *entry_name);
static int flush(struct engine *e, struct group *g);

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

/* active/<id> with no decision: count the attempt, then verify again (into the group: 0, or
 * -1 when the group's commit had to stop) or give up on it (its outcome in *o: 1). */
static int retry_interrupted(struct engine *e, struct group *g, const char *id, enum outcome *o)
{
    if (count_attempt(e, id, o) <= 0)
        return 1;
    log_letter_info(id, "recovery: verifying again");
    return process(e, g, id, NULL);
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

/* One name in active/: finished, verified again (into the group) or quarantined. */
static int recover_one(struct engine *e, struct group *g, const char *id)
{
    struct letter_status ls = {0};
    int found = spool_id_ok(id) ? ledger_letter_state(e->ledger, id, &ls) : 2;
    enum outcome o = OUT_STOP;

    if (found == 1) {
        int q = retry_interrupted(e, g, id, &o);
        if (q <= 0)
            return q; /* counted when its group commits */
    } else if (found == 0) {
        o = finish_interrupted(e, id, ls.state);
        letter_status_free(&ls);
    } else if (found == 2)
        o = quarantine_stray(e, id);
    else
        log_error("recovery: cannot look up active/%s (%s)", id, ledger_error(e->ledger));
    if (o == OUT_STOP)
        return -1;
    if (found != 0)
        count(g->st, o);
    return 0;
}

/* Recovery; sweep: also remove unfinished temporary files (it reads every spool
 * directory, accepted/ and outbox/ with all they keep). */
static int recover(struct engine *e, struct group *g, bool sweep)
{
    GPtrArray *active;
    int removed = sweep ? spool_remove_temporaries(&e->spool) : 0, rc = 0;
    guint i;

    if (removed)
        log_info("recovery: removed %d unfinished temporary file(s)", removed);
    active = spool_list(e->spool.active);
    for (i = 0; i < active->len; i++) {
        if (recover_one(e, g, active->pdata[i]) < 0)
            rc = -1;
        g->st->recovered++;
    }
    g_ptr_array_free(active, TRUE);
    if (flush(e, g) < 0)
        rc = -1;
    /* receipts of dispatch, returns and cancellations committed but not yet published */
    if (receipts_flush(&e->receipts) < 0)
        rc = -1;
    return rc;
}

int run_recover(struct engine *e, struct run_stats *st)
{
    struct group g = {st, 0, {0}, {0}, {{0}}};

    return recover(e, &g, true);
}

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

/* ledger_find_message over the verdicts waiting in the group: those that will hold their
 * message id once committed (authenticated, not a duplicate). 0 when found, 1 when not. */
static int find_in_group(const struct group *g, const char *message_id, char **holder,
                         char **digest)
{
    size_t i;

    for (i = 0; g && i < g->n; i++) {
        const struct decision *d = &g->v[i];
        if (d->have_identity && d->authenticated && !d->duplicate_of && d->who.message_id &&
            strcmp(d->who.message_id, message_id) == 0) {
            *holder = g_strdup(g->id[i]);
            *digest = g_strdup(d->digest);
            return 0;
        }
    }
    return 1;
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
    found = find_in_group(filling, v->who.message_id, &holder, &digest);
    if (found == 1)
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

/* After its commit: what the letter's outcome says, and a deferred one's next try. */
static void after_commit(struct engine *e, const char *id, enum outcome o,
                         const struct decision *v)
{
    log_outcome(id, o, v);
    if (o == OUT_DEFERRED) {
        GDateTime *now = time_now();
        spool_set_mtime(e->spool.deferred, id, g_date_time_to_unix(now) + retry_delay(e, id));
        g_date_time_unref(now);
    }
}

/* Commit the group's verdicts (one transaction, one fsync), finish and count each. -1 when
 * one of them had to stop (it stays in active/ for recovery). */
static int flush(struct engine *e, struct group *g)
{
    struct pending p[COMMIT_GROUP] = {{0}};
    enum outcome o[COMMIT_GROUP];
    size_t i;
    int rc = 0;

    if (g->n == 0)
        return 0;
    for (i = 0; i < g->n; i++)
        p[i] = (struct pending){g->id[i], g->entry_name[i], &g->v[i]};
    commit_group(e, p, g->n, o);
    for (i = 0; i < g->n; i++) {
        after_commit(e, g->id[i], o[i], &g->v[i]);
        count(g->st, o[i]);
        if (o[i] == OUT_STOP)
            rc = -1;
        decision_free(&g->v[i]);
        g_free(g->id[i]);
        g_free(g->entry_name[i]);
    }
    g->n = 0;
    return rc;
}

/* Verify one claimed entry (active/<id>) in the bounded child and add its verdict to the
 * group; a full group is committed and placed. -1 when a commit had to stop. */
static int process(struct engine *e, struct group *g, const char *id, const char *entry_name)
{
    char *path = g_build_filename(e->spool.active, id, NULL);

    filling = g;
    isolate_verify(e, path, check_duplicate, &g->v[g->n]);
    filling = NULL;
    g_free(path);
    g->id[g->n] = g_strdup(id);
    g->entry_name[g->n] = g_strdup(entry_name);
    g->n++;
    return g->n == COMMIT_GROUP ? flush(e, g) : 0;
}

/* The pool hands on a verified entry (in claim order): into the group. */
static int take_verdict(void *ctx, const char *id, const char *entry_name,
                        struct isolate_job *j)
{
    struct engine_group *eg = ctx;
    struct group *g = eg->g;

    filling = g;
    isolate_end(j, check_duplicate, &g->v[g->n]);
    filling = NULL;
    g->id[g->n] = g_strdup(id);
    g->entry_name[g->n] = g_strdup(entry_name);
    g->n++;
    return g->n == COMMIT_GROUP ? flush(eg->e, g) : 0;
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

static int retry_deferred(struct engine *e, struct pool *pl, struct budget *b)
{
    GPtrArray *due = spool_list(e->spool.deferred);
    GDateTime *now = time_now();
    gint64 t = g_date_time_to_unix(now);
    guint i;
    int rc = 0;

    for (i = 0; i < due->len && rc == 0; i++) {
        const char *id = due->pdata[i];
        if (!spool_id_ok(id) || spool_mtime(e->spool.deferred, id) > t)
            continue;
        if (spent(b) || spool_move(e->spool.deferred, e->spool.active, id) < 0)
            continue;
        b->taken++;
        rc = pool_add(pl, id, NULL);
    }
    g_date_time_unref(now);
    g_ptr_array_free(due, TRUE);
    return rc;
}

static int pass(struct engine *e, struct run_stats *st, bool progress, struct budget *b)
{
    struct group g = {st, 0, {0}, {0}, {{0}}};
    struct engine_group eg = {e, &g};
    struct pool *pl = pool_new(e, take_verdict, &eg);
    GPtrArray *incoming;
    guint i;
    int rc = recover(e, &g, b->t->sweep);

    if (rc == 0)
        rc = retry_deferred(e, pl, b);
    incoming = spool_list(e->spool.incoming);
    progress = progress && incoming->len > 1;
    log_set_progress_active(progress);
    for (i = 0; i < incoming->len && rc == 0 && !spent(b); i++) {
        const char *name = incoming->pdata[i];
        char *id = NULL, *shown;
        if (spool_claim(&e->spool, name, &id) < 0)
            continue; /* another process took it, or it vanished */
        b->taken++;
        st->claimed++;
        shown = g_strescape(name, NULL);
        log_letter_info(id, "claimed incoming/%s", shown);
        g_free(shown);
        rc = pool_add(pl, id, name);
        g_free(id);
        progress_line(progress, (int)i + 1, (int)incoming->len, st);
    }
    if (pool_drain(pl) < 0)
        rc = -1;
    pool_free(pl);
    if (flush(e, &g) < 0)
        rc = -1;
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

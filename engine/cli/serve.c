/* SPDX-License-Identifier: Apache-2.0 */
/*
 * serve.c - the daemon's loop: a turn under the spool lock, then idle without it.
 *
 * A turn: take the lock (after any command waiting for it), recover, retry what is due in
 * deferred/, claim and verify at most [serve] batch_letters entries, plan accepted letters,
 * close the jobs that are due, once a day run the retention purge and settle the posting
 * days that wait; let the lock go. When the
 * batch was full the next turn follows at once; else the loop sleeps until inotify reports
 * a new entry in incoming/ or rescan_seconds pass (deferred retries, job cut-offs).
 * SIGTERM and SIGINT end it after the letter in hand.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>
#include "serve.h"

#define GIVE_WAY_MS 20
#define LOCK_SLICE_MS 1000

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static bool stopping(void) { return stop_requested != 0; }

bool serve_running(void) { return !stopping(); }

void run_stats_print(const struct run_stats *st)
{
    printf("claimed %d: accepted %d, failed %d, quarantined %d, deferred %d, held %d",
           st->claimed, st->accepted, st->failed, st->quarantined, st->deferred, st->held);
    if (st->recovered)
        printf(" (recovered %d from an interrupted run)", st->recovered);
    putchar('\n');
    fflush(stdout);
}

static void watchdog(const struct serve_hooks *h)
{
    if (h->watchdog)
        h->watchdog(h->arg);
}

static void nap(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&t, NULL);
}

/* Once a day (and at start): the retention purge and the posting days that wait. */
static void daily(struct serve *sv, char last[11])
{
    GDateTime *now = time_now();
    char *today = g_date_time_format(now, "%Y-%m-%d");

    if (strcmp(today, last) != 0) {
        struct retention_ctx rt = engine_retention(sv->e);
        if (purge_print(&rt, sv->retention[0], sv->retention[1]) < 0)
            log_error("purge failed; it is tried again tomorrow (or run `trykk purge`)");
        if (sv->cs && settle_pending(sv->e->ledger, sv->cs) < 0)
            log_warn("a posting day could not be settled; it is tried again tomorrow (or run "
                     "`trykk settle day --pending`)");
        g_strlcpy(last, today, 11);
    }
    g_free(today);
    g_date_time_unref(now);
}

/* The lock for the next turn: a command waiting for it goes first; the daemon itself waits
 * as long as it takes. 0 locked, 1 stopping, -1 the lock cannot be taken at all. */
static int take_lock(struct serve *sv, const struct serve_hooks *h)
{
    while (!stopping()) {
        char *err = NULL;
        int rc;
        watchdog(h);
        if (spool_lock_wanted(&sv->e->spool)) {
            nap(GIVE_WAY_MS);
            continue;
        }
        rc = spool_lock(&sv->e->spool, LOCK_SLICE_MS, &err);
        if (rc == -1)
            log_error("%s", err);
        g_free(err);
        if (rc != -2)
            return rc;
    }
    return 1;
}

/* Whether today is not the day last names (the daily step is due). */
static bool new_day(const char last[11])
{
    GDateTime *now = time_now();
    char *today = g_date_time_format(now, "%Y-%m-%d");
    bool due = strcmp(today, last) != 0;

    g_free(today);
    g_date_time_unref(now);
    return due;
}

/* One turn under the lock: 1 when the batch was full (more may wait), 0 done, -1 failed.
 * Temporary files are swept with the daily step (the first turn's included). */
static int turn(struct serve *sv, struct run_stats *st, char last_purge[11])
{
    struct run_turn t = {sv->batch, stopping, new_day(last_purge)};
    int rc = run_batch(sv->e, st, &t);

    sv->claimed += st->claimed;
    if (st->claimed || st->recovered)
        run_stats_print(st);
    if (rc >= 0 && !stopping()) {
        if (print_run(sv->jc, sv->ps, false) < 0)
            rc = -1;
        daily(sv, last_purge);
    }
    if (rc < 0)
        log_error("run stopped; retrying in %d s", sv->rescan_seconds);
    return rc;
}

/* Idle, without the lock: until inotify reports news, rescan_seconds pass or a signal. */
static void idle(int fd, int seconds, const struct serve_hooks *h)
{
    gint64 until = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;
    char buf[4096];

    while (!stopping() && g_get_monotonic_time() < until) {
        struct pollfd p = {fd, POLLIN, 0};
        watchdog(h);
        if (fd < 0) {
            nap(1000);
        } else if (poll(&p, 1, 1000) > 0) {
            while (read(fd, buf, sizeof buf) > 0)
                ;
            return;
        }
    }
}

static int watch_incoming(struct serve *sv)
{
    int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

    if (fd >= 0 && inotify_add_watch(fd, sv->e->spool.incoming, IN_MOVED_TO | IN_CREATE) < 0) {
        close(fd);
        fd = -1;
    }
    if (fd < 0)
        log_warn("no inotify on %s: looking every %d s", sv->e->spool.incoming,
                 sv->rescan_seconds);
    return fd;
}

void serve_catch_signals(void)
{
    /* SA_RESTART for the work in hand; poll and nanosleep return on a signal anyway */
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};

    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int serve_loop(struct serve *sv, const struct serve_hooks *hooks)
{
    static const struct serve_hooks none = {0};
    const struct serve_hooks *h = hooks ? hooks : &none;
    char last_purge[11] = "";
    int fd, rc = 0, locked = 0;
    long turns = 0;

    serve_catch_signals();
    fd = watch_incoming(sv);
    log_info("serving %s", sv->e->spool.root);
    while (!stopping() && locked == 0) {
        struct run_stats st = {0};
        struct serve_status s = {&st, 0, ++turns, false};
        int more = turn(sv, &st, last_purge);
        spool_unlock(&sv->e->spool);
        s.claimed = sv->claimed;
        s.failed = more < 0;
        if (turns == 1 && h->ready)
            h->ready(h->arg);
        if (h->status)
            h->status(h->arg, &s);
        if (more <= 0)
            idle(fd, sv->rescan_seconds, h);
        locked = take_lock(sv, h);
    }
    if (locked < 0)
        rc = -1;
    if (h->stopping)
        h->stopping(h->arg);
    log_info("stopped: %ld letter(s) claimed since start", sv->claimed);
    if (fd >= 0)
        close(fd);
    return rc;
}

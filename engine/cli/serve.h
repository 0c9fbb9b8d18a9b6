/* SPDX-License-Identifier: Apache-2.0 */
/*
 * serve.h - the daemon's loop (`trykk serve`, `trykk run --watch`): short turns under the
 * spool lock, idle time without it, and the places a service manager hooks into.
 */
#ifndef TRYKK_CLI_SERVE_H
#define TRYKK_CLI_SERVE_H

#include "cli.h"

/* What the loop says after each turn. */
struct serve_status {
    const struct run_stats *turn; /* this turn's letters */
    long claimed;                 /* entries claimed since start */
    long turns;
    bool failed; /* the turn had to stop (ledger or spool error); retried after rescan */
};

/* Calls a service manager wants (sd_notify READY=1, WATCHDOG=1, STATUS=…, STOPPING=1);
 * any may be NULL. */
struct serve_hooks {
    void (*ready)(void *arg);    /* recovery done, the first turn over: serving */
    void (*watchdog)(void *arg); /* alive: at least once a second while idle or waiting for
                                  * the lock, and between turns; not inside a turn, so a
                                  * watchdog timeout must exceed the longest turn (a batch
                                  * plus the jobs it closes) */
    void (*status)(void *arg, const struct serve_status *s); /* after each turn */
    void (*stopping)(void *arg); /* SIGTERM or SIGINT seen; the letter in hand is finished */
    void *arg;
};

struct serve {
    struct engine *e;
    struct jobs_ctx *jc;
    struct print_setup *ps;
    int batch;          /* [serve] batch_letters: letters per turn */
    int rescan_seconds; /* [serve] rescan_seconds: wake-up without inotify news */
    int retention[2];   /* [retention] days, history_months: the daily purge */
    const struct costs_setup *cs; /* the tariffs, for the daily settlements; NULL: none */
    long claimed;       /* entries claimed since start */
};

/* SIGTERM and SIGINT from now on ask the loop to stop (before the set-up, so that one during
 * it ends the daemon cleanly once the set-up is done; serve_loop calls it too). */
void serve_catch_signals(void);
/* No stop was asked for yet. */
bool serve_running(void);

/* Until SIGTERM or SIGINT. The spool lock is held on entry (engine_setup): the first turn
 * recovers under it; every later turn takes it and lets it go again. 0 on a clean stop. */
int serve_loop(struct serve *sv, const struct serve_hooks *hooks);

/* "claimed N: accepted …" on stdout (also `trykk run`'s summary). */
void run_stats_print(const struct run_stats *st);

#endif

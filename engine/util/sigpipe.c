/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sigpipe.c - SIGPIPE blocked around writes to a child's pipe (a renderer or the parser
 * child that exits early), instead of ignored for the whole process.
 *
 * The pattern libgit2 and curl use: block SIGPIPE in the writing thread, note whether one
 * was pending already, write (a vanished reader gives EPIPE), then take back a SIGPIPE the
 * writes raised with a zero-timeout sigtimedwait before the old mask returns, so it is never
 * delivered. A SIGPIPE pending before is left pending. The disposition is never touched.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include "sigpipe.h"

static void pipe_set(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGPIPE);
}

static bool pipe_pending(void)
{
    sigset_t pending;

    sigemptyset(&pending);
    return sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
}

void sigpipe_block(struct sigpipe_guard *g)
{
    sigset_t set;

    pipe_set(&set);
    sigemptyset(&g->old);
    pthread_sigmask(SIG_BLOCK, &set, &g->old);
    g->was_pending = pipe_pending();
}

void sigpipe_restore(struct sigpipe_guard *g)
{
    const struct timespec now = {0, 0};
    sigset_t set;

    pipe_set(&set);
    if (!g->was_pending && pipe_pending())
        while (sigtimedwait(&set, NULL, &now) < 0 && errno == EINTR)
            ;
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

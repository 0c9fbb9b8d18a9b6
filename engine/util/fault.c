/*
 * fault.c - deterministic crash injection for the crash-sweep tests.
 *
 * TRYKK_CRASH_AT=N: the N-th call of fault_point() in this process sends SIGKILL to the
 * process itself, which is indistinguishable from an operator's kill -9 at that instant.
 * Unset (the normal case) it costs one getenv on first use.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "util.h"

void fault_point(const char *what)
{
    static long crash_at = -1;
    static long count;

    if (crash_at < 0) {
        const char *env = getenv("TRYKK_CRASH_AT");
        crash_at = env ? strtol(env, NULL, 10) : 0;
    }
    if (crash_at > 0 && ++count == crash_at) {
        log_debug("crash injected at fault point %ld (%s)", count, what);
        kill(getpid(), SIGKILL);
        _exit(137);
    }
}

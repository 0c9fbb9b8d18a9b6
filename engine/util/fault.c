/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fault.c - deterministic fault injection for the crash and I/O-error sweeps.
 *
 * TRYKK_CRASH_AT=N: the N-th call of fault_point() in this process sends SIGKILL to the
 * process itself, which is indistinguishable from an operator's kill -9 at that instant.
 * TRYKK_FAIL_AT=N: the N-th call returns -EIO instead, as a failing disk would.
 * TRYKK_CRASH_ON=NAME: only the fault points of that name are counted ("row", "committed",
 * "rename", ...), so a test can stop at a chosen instant of a group commit.
 * Unset (the normal case) each costs one getenv on first use.
 *
 * Only a test build reads them (TRYKK_TEST_HOOKS, the CMake option of that name, ON with
 * BUILD_TESTING): in a release build fault_point() is always 0 and names no variable.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

#ifdef TRYKK_TEST_HOOKS
static long env_number(const char *name)
{
    const char *env = getenv(name);

    return env ? strtol(env, NULL, 10) : 0;
}

int fault_point(const char *what)
{
    static long crash_at = -1, fail_at = -1;
    static long count;
    static const char *only;

    if (crash_at < 0) {
        crash_at = env_number("TRYKK_CRASH_AT");
        fail_at = env_number("TRYKK_FAIL_AT");
        only = getenv("TRYKK_CRASH_ON");
    }
    if ((crash_at <= 0 && fail_at <= 0) || (only && strcmp(only, what) != 0))
        return 0;
    count++;
    if (count == crash_at) {
        log_debug("crash injected at fault point %ld (%s)", count, what);
        kill(getpid(), SIGKILL);
        _exit(137);
    }
    if (count == fail_at) {
        log_debug("I/O error injected at fault point %ld (%s)", count, what);
        return -EIO;
    }
    return 0;
}
#else
int fault_point(const char *what)
{
    return 0;
}
#endif

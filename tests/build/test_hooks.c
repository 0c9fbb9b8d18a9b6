/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_hooks.c - the test hooks exist only in a test build.
 *
 * Built twice from engine/util/ (fault.c, timeutil.c, log.c): test_hooks_on with
 * TRYKK_TEST_HOOKS, where TRYKK_NOW pins the clock and TRYKK_FAIL_AT fails a fault point,
 * and test_hooks_off without, where the same environment changes nothing: the clock is the
 * system's and no fault point fails or kills (TRYKK_CRASH_AT=1 would SIGKILL this test).
 */
#include <errno.h>
#include <stdlib.h>
#include "util/util.h"

#define PINNED "2001-02-03T04:05:06+01:00"

static void test_clock(void)
{
    GDateTime *t;
    gint64 now = g_get_real_time() / G_USEC_PER_SEC;

    (void)now; /* only the release build compares with it */
    g_setenv("TRYKK_NOW", PINNED, TRUE);
    t = time_now();
#ifdef TRYKK_TEST_HOOKS
    g_assert_cmpint(g_date_time_to_unix(t), ==, 981169506);
#else
    g_assert_cmpint(g_date_time_get_year(t), >=, 2024);
    g_assert_cmpint(llabs(g_date_time_to_unix(t) - now), <, 60);
#endif
    g_date_time_unref(t);
    g_unsetenv("TRYKK_NOW");
}

static void test_faults(void)
{
    int i, failed = 0;

    g_setenv("TRYKK_FAIL_AT", "3", TRUE);
#ifndef TRYKK_TEST_HOOKS
    g_setenv("TRYKK_CRASH_AT", "1", TRUE);
#endif
    for (i = 1; i <= 10; i++) {
        int rc = fault_point("test");
        g_assert_true(rc == 0 || rc == -EIO);
        if (rc == -EIO)
            failed = failed ? -1 : i;
    }
#ifdef TRYKK_TEST_HOOKS
    g_assert_cmpint(failed, ==, 3);
#else
    g_assert_cmpint(failed, ==, 0);
#endif
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hooks/clock", test_clock);
    g_test_add_func("/hooks/faults", test_faults);
    return g_test_run();
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * timeutil.c - the engine's clock and RFC 3339 formatting.
 */
#include <stdlib.h>
#include "util.h"

/* A test build (TRYKK_TEST_HOOKS) lets TRYKK_NOW pin the clock; a release build never reads
 * it, so nothing in the environment moves a deadline or the purge cut-off. */
GDateTime *time_now(void)
{
#ifdef TRYKK_TEST_HOOKS
    const char *pinned = getenv("TRYKK_NOW");

    if (pinned && *pinned) {
        GDateTime *t = time_parse_rfc3339(pinned);
        if (t)
            return t;
        log_warn("TRYKK_NOW is not an ISO 8601 time with offset; using the system clock");
    }
#endif
    return g_date_time_new_now_local();
}

/* Seconds precision with a numeric offset: 2023-11-14T21:17:00+01:00. */
char *time_rfc3339(GDateTime *t)
{
    return g_date_time_format(t, "%Y-%m-%dT%H:%M:%S%:z");
}

GDateTime *time_parse_rfc3339(const char *s)
{
    GTimeZone *utc;
    GDateTime *t;
    size_t n;

    if (!s || (n = strlen(s)) < 20 || s[10] != 'T')
        return NULL;
    /* RFC 3339 requires an offset; without one GLib would assume local time. */
    if (s[n - 1] != 'Z' && s[n - 1] != 'z' && s[n - 6] != '+' && s[n - 6] != '-')
        return NULL;
    utc = g_time_zone_new_utc();
    t = g_date_time_new_from_iso8601(s, utc);
    g_time_zone_unref(utc);
    return t;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * notify.c - sd_notify for the daemon's loop: READY=1, STATUS=, WATCHDOG=1, STOPPING=1.
 *
 * libsystemd does nothing when NOTIFY_SOCKET is not set, so outside systemd these are no-ops;
 * the watchdog interval is sd_watchdog_enabled's (WATCHDOG_USEC, for this process only when
 * WATCHDOG_PID names it), pinged at half of it.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>
#include "../util/util.h"
#include "service.h"

static bool inited, managed;
static guint64 watchdog_us; /* 0: no watchdog */
static gint64 last_ping;    /* g_get_monotonic_time of the last WATCHDOG=1, 0: never */

bool service_init(void)
{
    uint64_t us = 0;

    if (!inited) {
        inited = true;
        managed = getenv("NOTIFY_SOCKET") != NULL;
        if (sd_watchdog_enabled(0, &us) > 0)
            watchdog_us = us;
    }
    return managed;
}

static void notify(const char *state)
{
    if (service_init() && sd_notify(0, state) < 0)
        log_debug("sd_notify %s failed", state);
}

void service_ready(void) { notify("READY=1"); }
void service_stopping(void) { notify("STOPPING=1"); }

void service_status(const char *fmt, ...)
{
    va_list ap;
    char *text, *state;

    if (!service_init())
        return;
    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    state = g_strconcat("STATUS=", text, NULL);
    notify(state);
    g_free(state);
    g_free(text);
}

void service_watchdog(void)
{
    gint64 now = g_get_monotonic_time();

    service_init();
    if (watchdog_us == 0 || (last_ping && (guint64)(now - last_ping) < watchdog_us / 2))
        return;
    notify("WATCHDOG=1");
    last_ping = now;
}

int service_poll_ms(int idle_ms)
{
    guint64 half_ms;

    service_init();
    half_ms = watchdog_us / 2000;
    if (watchdog_us == 0 || half_ms >= (guint64)idle_ms)
        return idle_ms;
    return half_ms > 0 ? (int)half_ms : 1;
}

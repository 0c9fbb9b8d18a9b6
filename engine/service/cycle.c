/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cycle.c - what the daemon's loop does for the service at the end of each cycle: the
 * heartbeat, the metrics file, STATUS= and a watchdog ping. A failure is logged and the loop
 * goes on (monitoring sees the stale heartbeat or metrics).
 */
#include "../util/util.h"
#include "service.h"

void service_cycle(const struct spool *s, struct ledger *l, const char *metrics_path,
                   const char *status)
{
    int rc;

    if ((rc = service_heartbeat(s)) < 0)
        log_warn("heartbeat not written in %s: %s", s->ledger_dir, g_strerror(-rc));
    if ((rc = service_metrics_publish(s, l, metrics_path)) < 0)
        log_warn("metrics not written to %s: %s", metrics_path ? metrics_path : s->ledger_dir,
                 g_strerror(-rc));
    if (status)
        service_status("%s", status);
    service_watchdog();
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * service.h - trykk as a systemd service: what the daemon's loop tells the service manager
 * (sd_notify), the heartbeat it leaves for `trykk health`, the metrics file it writes each
 * cycle, and the health checks.
 *
 * Under systemd (Type=notify, NOTIFY_SOCKET set) the loop says READY=1 once it has recovered
 * and starts watching, STATUS= after each cycle, WATCHDOG=1 at half of WATCHDOG_USEC and
 * STOPPING=1 when it is asked to stop. Outside systemd every notify call does nothing.
 *
 * Nothing here carries names, addresses or content: counts, ages, state names and reason
 * codes only.
 */
#ifndef TRYKK_SERVICE_H
#define TRYKK_SERVICE_H

#include <stdbool.h>
#include <glib.h>
#include "../ledger/ledger.h"
#include "../spool/spool.h"

/* ---- the service manager (notify.c) ------------------------------------------------------ */
/* Read NOTIFY_SOCKET and WATCHDOG_USEC once; true when run by systemd with a notify socket. */
bool service_init(void);
void service_ready(void);
void service_stopping(void);
/* STATUS=<text>: one line shown by `systemctl status`. */
void service_status(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* WATCHDOG=1 when half the watchdog interval has passed since the last ping (or always, the
 * first time); nothing without a watchdog. */
void service_watchdog(void);
/* How long the loop may sleep: idle_ms, or less so that the watchdog is pinged in time. */
int service_poll_ms(int idle_ms);

/* ---- the heartbeat (heartbeat.c) ---------------------------------------------------------
 * ledger/heartbeat holds the unix time (time_now) of the daemon's last cycle, published
 * atomically; `trykk health` reads its age. */
#define SERVICE_HEARTBEAT "heartbeat"
int service_heartbeat(const struct spool *s);
/* The heartbeat's time, or -1 when there is none (or it is not a time). */
gint64 service_heartbeat_read(const struct spool *s);

/* ---- metrics (metrics.c) -------------------------------------------------------------------
 * The Prometheus text format (version 0.0.4): letters per state, entries waiting in incoming/
 * and the age of the oldest, jobs waiting for their cut-off, receipts waiting, letters by
 * reason code. README "Service" lists the names. */
char *service_metrics_text(const struct spool *s, struct ledger *l);
/* The same, published atomically at path (NULL: ledger/metrics.prom). 0 or -errno. */
int service_metrics_publish(const struct spool *s, struct ledger *l, const char *path);
#define SERVICE_METRICS_FILE "metrics.prom"

/* ---- each cycle (cycle.c) ------------------------------------------------------------------
 * The heartbeat, the metrics (metrics_path NULL: ledger/metrics.prom), STATUS=status (when not
 * NULL) and a watchdog ping; failures are logged. */
void service_cycle(const struct spool *s, struct ledger *l, const char *metrics_path,
                   const char *status);

/* ---- health (health.c) ------------------------------------------------------------------- */
enum health { HEALTH_OK = 0, HEALTH_DEGRADED = 1, HEALTH_DOWN = 2 };
struct health_limits {
    int max_queue_age;     /* seconds the oldest entry in incoming/ may wait */
    int max_receipt_age;   /* seconds a receipt may wait in outbox/ for the broker */
    int max_heartbeat_age; /* seconds since the daemon's last cycle */
};
/* One check's verdict and its line ("queue: oldest entry 12 s old (max 900 s)"). */
typedef void health_report_fn(enum health h, const char *check, const char *line, void *ctx);
/* Every check on the spool at root, each reported once; the worst verdict. */
enum health service_health(const char *root, const struct health_limits *lim,
                           health_report_fn *report, void *ctx);
const char *health_name(enum health h);

/* ---- spool ages (ages.c) ------------------------------------------------------------------ */
/* Seconds since the oldest entry of dir was written (time_now), 0 when dir is empty; the
 * number of entries in *count (may be NULL). */
gint64 service_oldest_age(const char *dir, int *count);

#endif

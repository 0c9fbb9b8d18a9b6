/* SPDX-License-Identifier: Apache-2.0 */
/*
 * health.c - the checks behind `trykk health`, for monitoring: the spool and the ledger open
 * (else down), the oldest entry of incoming/ and the oldest receipt in outbox/ within their
 * limits (else degraded), the daemon's heartbeat fresh (else down). Read-only: no lock is
 * taken, so it runs beside the daemon.
 */
#include <stdarg.h>
#include "../util/util.h"
#include "service.h"

const char *health_name(enum health h)
{
    switch (h) {
    case HEALTH_OK: return "ok";
    case HEALTH_DEGRADED: return "degraded";
    default: return "down";
    }
}

struct checks {
    health_report_fn *report;
    void *ctx;
    enum health worst;
};

static void verdict(struct checks *c, enum health h, const char *check, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static void verdict(struct checks *c, enum health h, const char *check, const char *fmt, ...)
{
    va_list ap;
    char *line;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    c->report(h, check, line, c->ctx);
    c->worst = MAX(c->worst, h);
    g_free(line);
}

static void check_ledger(struct checks *c, const struct spool *s)
{
    char *path = spool_db_path(s), *err = NULL;
    struct ledger *l = NULL;

    if (ledger_open(&l, path, &err) < 0) {
        verdict(c, HEALTH_DOWN, "ledger", "%s", err);
    } else {
        json_t *pending = ledger_pending_receipts(l);
        verdict(c, HEALTH_OK, "ledger", "%s open; %zu receipt(s) committed, not yet in outbox/",
                path, json_array_size(pending));
        json_decref(pending);
    }
    ledger_close(l);
    g_free(err);
    g_free(path);
}

static void check_age(struct checks *c, const char *check, const char *dir, const char *what,
                      int max)
{
    int n = 0;
    gint64 age = service_oldest_age(dir, &n);

    verdict(c, age > max ? HEALTH_DEGRADED : HEALTH_OK, check,
            "%d %s, the oldest %lld s old (max %d s)", n, what, (long long)age, max);
}

static void check_heartbeat(struct checks *c, const struct spool *s, int max)
{
    gint64 t = service_heartbeat_read(s), age;
    GDateTime *now = time_now();

    age = g_date_time_to_unix(now) - t;
    g_date_time_unref(now);
    if (t < 0)
        verdict(c, HEALTH_DOWN, "daemon", "no heartbeat in %s: the daemon has not run",
                s->ledger_dir);
    else
        verdict(c, age > max ? HEALTH_DOWN : HEALTH_OK, "daemon",
                "last cycle %lld s ago (max %d s)", (long long)age, max);
}

enum health service_health(const char *root, const struct health_limits *lim,
                           health_report_fn *report, void *ctx)
{
    struct checks c = {report, ctx, HEALTH_OK};
    struct spool s = {0};
    char *err = NULL;

    s.lock_fd = -1;
    if (spool_open(&s, root, false, &err) < 0) {
        verdict(&c, HEALTH_DOWN, "spool", "%s", err);
    } else {
        verdict(&c, HEALTH_OK, "spool", "%s open", root);
        check_ledger(&c, &s);
        check_age(&c, "queue", s.incoming, "entries in incoming/", lim->max_queue_age);
        check_age(&c, "receipts", s.outbox, "receipts in outbox/", lim->max_receipt_age);
        check_heartbeat(&c, &s, lim->max_heartbeat_age);
    }
    spool_close(&s);
    g_free(err);
    return c.worst;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_health.c - trykk health: one line per check, and the exit status monitoring reads:
 * 0 healthy, 1 degraded, 2 down (limits: [health] in trykk.conf). Takes no lock.
 */
#include <stdio.h>
#include "cli.h"
#include "../service/service.h"

static const struct cli_usage health_usage = {
    "health", "",
    "Check the spool, the ledger, the age of the oldest entry in incoming/ and of the oldest "
    "receipt in outbox/, and the daemon's heartbeat; one line per check.",
    "Exit status: 0 healthy, 1 degraded (something waits longer than [health] allows), 2 down "
    "(the spool or ledger does not open, the daemon's heartbeat is missing or older than "
    "[health] max_heartbeat_age, or a configuration error)."};

static void print_check(enum health h, const char *check, const char *line, void *ctx)
{
    cli_printf("%-8s %-8s %s\n", health_name(h), check, line);
}

/* [health] (config_int: a bad value is named as "config FILE: [health] KEY ..."). */
static int limits(struct config *c, struct health_limits *lim, char **err)
{
    lim->max_queue_age = config_int(c, "health", "max_queue_age", err);
    lim->max_receipt_age = config_int(c, "health", "max_receipt_age", err);
    lim->max_heartbeat_age = config_int(c, "health", "max_heartbeat_age", err);
    return *err ? -1 : 0;
}

int cmd_health(struct config *c, int argc, char **argv)
{
    GOptionContext *ctx = cli_command(&health_usage, NULL);
    struct health_limits lim = {0};
    char *err = NULL;
    int rc = HEALTH_DOWN;

    if (!cli_parse(ctx, &argc, &argv) || argc > 1)
        cli_usage_error(&health_usage);
    else if (limits(c, &lim, &err) < 0)
        fprintf(stderr, "trykk: %s\n", err);
    else
        rc = (int)service_health(c->spool_root, &lim, print_check, NULL);
    g_free(err);
    g_option_context_free(ctx);
    return rc;
}

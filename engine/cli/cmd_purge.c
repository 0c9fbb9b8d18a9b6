/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_purge.c - trykk purge [--dry-run]: remove personal data past its retention
 * ([retention] days, history_months), or only list what would go. `trykk serve` runs
 * it once a day.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "../util/conf.h"

int retention_config(struct config *c, int *days, int *months, char **err)
{
    struct conf r = {c->kf, NULL, c->dir, err};

    return conf_get_int(&r, "retention", "days", days) < 0 ||
                   conf_get_int(&r, "retention", "history_months", months) < 0
               ? -1
               : 0;
}

int purge_print(struct retention_ctx *rt, int days, int months)
{
    struct purge_stats st = {0};
    int rc = retention_purge(rt, days, months, &st);
    char *text = retention_report(&st, days, months);

    cli_printf("%s", text);
    g_free(text);
    return rc;
}

static int plan(struct engine *e, int days, int months, struct purge_plan *p)
{
    struct retention_ctx rt = engine_retention(e);

    return retention_plan(&rt, days, months, p);
}

static int dry_run(struct config *c, int days, int months)
{
    struct engine e = {0};
    struct purge_plan p = {0};
    char *err = NULL;
    int rc = EXIT_USAGE;

    if (engine_open_ledger(&e, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
    } else if (plan(&e, days, months, &p) < 0) {
        fprintf(stderr, "trykk: the ledger cannot be read: %s\n", ledger_error(e.ledger));
        retention_plan_free(&p);
        rc = EXIT_LETTERS;
    } else {
        char *text = retention_plan_report(&p, days, months);
        cli_printf("%s", text);
        g_free(text);
        retention_plan_free(&p);
        rc = 0;
    }
    engine_teardown(&e);
    g_free(err);
    return rc;
}

static const char purge_help[] =
    "Personal data is removed [retention] days (90) after a letter was dispatched, returned or "
    "cancelled: its names and addresses leave the ledger, its package leaves accepted/ (a "
    "failed or held letter's entry leaves failed/ or hold/), and with its job the print files "
    "(job.pdf, envelopes.pdf) are deleted; the ticket, piece list, handover note, receipts and "
    "cost rows stay. History older than [retention] history_months (24) is deleted. "
    "`trykk serve` purges once a day.\n\n"
    "--dry-run lists what would go now (letter ids with their state and day, packages and "
    "print files with their sizes, the number of history events) and changes nothing.\n\n"
    "Exit status: 0 done, 1 the purge (or the dry run) could not finish, 2 usage or "
    "configuration.";

static const struct cli_usage purge_usage = {
    "purge", "[--dry-run]", "remove personal data past its retention", purge_help};

int cmd_purge(struct config *c, int argc, char **argv)
{
    gboolean dry = FALSE;
    GOptionEntry entries[] = {
        {"dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry, "list what would be purged; change nothing",
         NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&purge_usage, entries);
    struct engine e = {.spool.lock_fd = -1};
    char *err = NULL;
    int days, months, rc = EXIT_USAGE;

    if (!cli_parse(ctx, &argc, &argv) || argc != 1) {
        cli_usage_error(&purge_usage);
    } else if (retention_config(c, &days, &months, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
    } else if (dry) {
        rc = dry_run(c, days, months);
    } else if (engine_setup(&e, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        engine_teardown(&e);
    } else {
        struct retention_ctx rt = engine_retention(&e);
        rc = purge_print(&rt, days, months) < 0 ? EXIT_LETTERS : 0;
        engine_teardown(&e);
        crypto_shutdown();
    }
    g_option_context_free(ctx);
    g_free(err);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_dispatch.c - trykk dispatch JOB... [--day DATE] [--force --reason TEXT]
 *
 * Exit 0 when every job named was dispatched now, 1 when one is not there, was refused or
 * had been dispatched before (nothing changed for it), 2 on usage or an impossible --day.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static int one(struct jobs_ctx *e, const char *job, const char *day, const char *reason)
{
    struct dispatch_report r = {0};
    char *err = NULL;
    int rc = jobs_dispatch(e, job, day, reason, &r, &err);

    if (rc == 0) {
        printf("%s: %d letters posted on %s, %d leveringskvitteringer published", job, r.posted,
               r.day, r.published);
        if (r.reprinted)
            printf("; %d pieces go with their reprint job", r.reprinted);
        if (r.missing)
            printf("; %d missing pieces were NOT posted", r.missing);
        printf("\n  the day's handover note: %s/handover/handover-%s.pdf and .csv\n",
               e->spool->root, r.day);
    }
    if (err)
        fprintf(stderr, "trykk: %s\n", err);
    g_free(r.day);
    g_free(err);
    return rc;
}

static const struct cli_usage dispatch_usage = {
    "dispatch", "JOB... [--day DATE] [--force --reason TEXT]",
    "State that reconciled jobs were handed to the postal operator on a day (default today): "
    "their letters are POSTED with that posting day, each gets a leveringskvittering, and the "
    "handover note is written. Once per job; a partly reconciled job only with --force and a "
    "reason (missing pieces are never posted); a held job not at all.", NULL};

int cmd_dispatch(struct config *c, int argc, char **argv)
{
    gboolean force = FALSE;
    char *day = NULL, *reason = NULL, *err = NULL;
    GOptionEntry entries[] = {
        {"day", 'd', 0, G_OPTION_ARG_STRING, &day, "posting day (default today)", "DATE"},
        {"force", 0, 0, G_OPTION_ARG_NONE, &force, "dispatch a partly reconciled job", NULL},
        {"reason", 0, 0, G_OPTION_ARG_STRING, &reason, "why (required with --force)", "TEXT"},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&dispatch_usage, entries);
    struct engine e = {0};
    int rc = EXIT_USAGE, i;

    if (!cli_parse(ctx, &argc, &argv) || argc < 2 ||
        force != (reason != NULL && *reason)) {
        cli_usage_error(&dispatch_usage);
    } else if (!cli_date_arg("--day", day)) {
    } else if (engine_setup(&e, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        engine_teardown(&e);
    } else {
        struct jobs_ctx jc = engine_jobs(&e, c);
        rc = 0;
        for (i = 1; i < argc; i++)
            if (one(&jc, argv[i], day, force ? reason : NULL) < 0)
                rc = EXIT_LETTERS;
        engine_teardown(&e);
        crypto_shutdown();
    }
    g_free(day);
    g_free(reason);
    g_free(err);
    g_option_context_free(ctx);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_reprint.c - trykk reprint PIECE --reason TEXT
 *
 * One piece of a printed or reconciled job printed again on an operator's request (a sheet
 * found spoiled after reconcile, a piece dropped at the inserter): a child job of its own,
 * published at once, its letter PLANNED again. The original piece becomes REPRINTED and
 * goes out with the reprint job.
 */
#include <stdio.h>
#include "cli.h"

static const struct cli_usage reprint_usage = {
    "reprint", "PIECE --reason TEXT",
    "Print one piece of a printed or reconciled job again, in a reprint job of its own "
    "published at once. PIECE: the piece code printed on the sheet (or its EA code). A piece "
    "is reprinted once; to print it yet again, reprint the piece of its reprint job.", NULL};

int cmd_reprint(struct config *c, int argc, char **argv)
{
    char *reason = NULL, *err = NULL, *child = NULL;
    GOptionEntry entries[] = {
        {"reason", 0, 0, G_OPTION_ARG_STRING, &reason, "why (required; recorded in the "
         "letter's history)", "TEXT"},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&reprint_usage, entries);
    struct engine e = {0};
    struct print_setup ps = {0};
    struct jobs_ctx jc = {0};
    int rc = EXIT_USAGE, r;

    if (!cli_parse(ctx, &argc, &argv) || argc != 2 || !reason || !*reason) {
        cli_usage_error(&reprint_usage);
    } else if (print_engine_setup(&e, &ps, &jc, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        print_engine_teardown(&e, &ps);
    } else {
        r = jobs_reprint_piece(&jc, &ps, argv[1], reason, &child, &err);
        if (r == 0)
            cli_printf("piece %s reprinted in job %s (%s/%s)\n", argv[1], child, jc.spool->jobs,
                       child);
        else
            fprintf(stderr, "trykk: %s\n", err);
        rc = r == 0 ? 0 : EXIT_LETTERS;
        print_engine_teardown(&e, &ps);
        crypto_shutdown();
    }
    g_free(reason);
    g_free(err);
    g_free(child);
    g_option_context_free(ctx);
    return rc;
}

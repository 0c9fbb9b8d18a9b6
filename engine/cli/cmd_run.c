/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_run.c - trykk run [--watch]
 *
 * Without --watch: recover, process everything in incoming/ (and what is due in deferred/),
 * print a summary and exit: 0 all accepted, 1 some failed or were quarantined. --watch is
 * `trykk serve` under its old name (cmd_serve.c): the daemon, until SIGINT/SIGTERM.
 */
#include <stdio.h>
#include <unistd.h>
#include "serve.h"

static const struct cli_usage run_usage = {
    "run", "[--watch]",
    "Recover, then verify everything in incoming/, plan accepted letters into print jobs and "
    "close the jobs that are due; --watch keeps going as `trykk serve` does, until SIGINT or "
    "SIGTERM.", NULL};

static int run_all(struct config *c)
{
    struct engine e = {0};
    struct print_setup ps = {0};
    struct jobs_ctx jc = {0};
    struct run_stats st = {0};
    char *err = NULL;
    int rc = EXIT_USAGE, retention[2];

    if (retention_config(c, &retention[0], &retention[1], &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
    } else if (print_engine_setup(&e, &ps, &jc, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        print_engine_teardown(&e, &ps);
    } else {
        rc = run_once(&e, &st, isatty(2)) < 0 ? EXIT_LETTERS : 0;
        run_stats_print(&st);
        if (rc == 0 && print_run(&jc, &ps, isatty(2)) < 0)
            rc = EXIT_LETTERS;
        if (rc == 0 && (st.failed || st.quarantined || st.held))
            rc = EXIT_LETTERS;
        print_engine_teardown(&e, &ps);
        crypto_shutdown();
    }
    g_free(err);
    return rc;
}

int cmd_run(struct config *c, int argc, char **argv)
{
    gboolean watch_mode = FALSE;
    GOptionEntry entries[] = {
        {"watch", 'w', 0, G_OPTION_ARG_NONE, &watch_mode, "keep running: trykk serve", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&run_usage, entries);
    int rc = EXIT_USAGE;

    if (!cli_parse(ctx, &argc, &argv) || argc > 1)
        cli_usage_error(&run_usage);
    else
        rc = watch_mode ? serve_run(c) : run_all(c);
    g_option_context_free(ctx);
    return rc;
}

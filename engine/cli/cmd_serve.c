/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_serve.c - trykk serve: the daemon (serve.c) until SIGTERM or SIGINT.
 *
 * Set up as `trykk run` (keys, trust, print set-up, and the tariffs for the daily
 * settlements), taking the spool lock once for the
 * recovery of the first turn; from then on the lock is held only for a turn, so operator
 * commands work beside it. `trykk run --watch` is the same daemon under its old name.
 */
#include <stdio.h>
#include "serve.h"
#include "../service/service.h"

static const struct cli_usage serve_usage = {
    "serve", "",
    "Recover, then keep the spool moving until SIGTERM or SIGINT (the letter in hand is "
    "finished first): verify what arrives in incoming/ (inotify, and every [serve] "
    "rescan_seconds for deferred retries), plan letters into print jobs, close jobs at "
    "their cut-off, and once a day purge and settle the posting days that wait. The spool "
    "lock is held only while a batch of at most [serve] batch_letters letters is worked on, "
    "so every other command works beside it.",
    NULL};

/* The tariffs for the daily settlements; without them (a message says why) the daemon
 * serves on and the days wait for `trykk settle day --pending`. */
static const struct costs_setup *load_tariffs(struct config *c, struct costs_setup *cs)
{
    char *err = NULL;

    if (costs_setup_load(cs, c->kf, c->dir, &err) == 0)
        return cs;
    log_warn("%s: posting days are not settled by the daemon", err);
    g_free(err);
    return NULL;
}

/* The service manager's view (service/): READY=1, WATCHDOG=1, STOPPING=1, and after each turn
 * the heartbeat, the metrics file and STATUS= (service_cycle). */
struct service_arg {
    struct engine *e;
    const char *metrics; /* [serve] metrics_file; NULL: ledger/metrics.prom */
};

static void on_ready(void *arg) { service_ready(); }
static void on_watchdog(void *arg) { service_watchdog(); }
static void on_stopping(void *arg) { service_stopping(); }

static void on_status(void *arg, const struct serve_status *s)
{
    const struct service_arg *a = arg;
    char *status = g_strdup_printf("%s; %ld claimed since start, last turn: claimed %d, accepted "
                                   "%d, failed %d", s->failed ? "turn stopped, retrying" : "serving",
                                   s->claimed, s->turn->claimed, s->turn->accepted,
                                   s->turn->failed + s->turn->quarantined);

    service_cycle(&a->e->spool, a->e->ledger, a->metrics, status);
    g_free(status);
}

int serve_run(struct config *c)
{
    struct engine e = {0};
    struct print_setup ps = {0};
    struct jobs_ctx jc = {0};
    struct costs_setup cs = {0};
    struct serve sv = {&e, &jc, &ps, 0, 0, {0, 0}, NULL, 0};
    char *metrics = config_path(c, "serve", "metrics_file");
    struct service_arg sa = {&e, metrics};
    const struct serve_hooks hooks = {on_ready, on_watchdog, on_status, on_stopping, &sa};
    char *err = NULL;
    int rc = EXIT_USAGE;

    serve_catch_signals();
    c->keep_waiting = serve_running; /* a command may hold the lock for long at start */
    sv.batch = config_int(c, "serve", "batch_letters", &err);
    sv.rescan_seconds = config_int(c, "serve", "rescan_seconds", &err);
    if (err || retention_config(c, &sv.retention[0], &sv.retention[1], &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
    } else if (print_engine_setup(&e, &ps, &jc, c, &err) < 0) {
        if (serve_running())
            fprintf(stderr, "trykk: %s\n", err);
        else
            rc = 0; /* stopped while it waited for the lock: nothing was in hand */
        print_engine_teardown(&e, &ps);
    } else {
        sv.cs = load_tariffs(c, &cs);
        rc = serve_loop(&sv, &hooks) < 0 ? EXIT_LETTERS : 0;
        print_engine_teardown(&e, &ps);
        crypto_shutdown();
    }
    costs_setup_free(&cs);
    g_free(metrics);
    g_free(err);
    return rc;
}

int cmd_serve(struct config *c, int argc, char **argv)
{
    GOptionContext *ctx = cli_command(&serve_usage, NULL);
    int rc = EXIT_USAGE;

    if (!cli_parse(ctx, &argc, &argv) || argc > 1)
        cli_usage_error(&serve_usage);
    else
        rc = serve_run(c);
    g_option_context_free(ctx);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_run.c - trykk run [--watch]
 *
 * Without --watch: recover, process everything in incoming/ (and what is due in deferred/),
 * print a summary and exit: 0 all accepted, 1 some failed or were quarantined. With --watch:
 * keep going, woken by inotify on incoming/ or every 30 s for retries, until SIGINT/SIGTERM,
 * which finish the current letter first. The watch also runs the retention purge once a day.
 */
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>
#include "cli.h"
#include "../service/service.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig) { stop = 1; }

static void summary(const struct run_stats *st)
{
    printf("claimed %d: accepted %d, failed %d, quarantined %d, deferred %d, held %d",
           st->claimed, st->accepted, st->failed, st->quarantined, st->deferred, st->held);
    if (st->recovered)
        printf(" (recovered %d from an interrupted run)", st->recovered);
    putchar('\n');
    fflush(stdout);
}

/* Once a day (and at start): the retention purge. */
static void daily_purge(struct engine *e, const int retention[2], char last[11])
{
    GDateTime *now = time_now();
    char *today = g_date_time_format(now, "%Y-%m-%d");

    if (strcmp(today, last) != 0) {
        struct retention_ctx rt = engine_retention(e);
        if (purge_print(&rt, retention[0], retention[1]) < 0)
            log_error("purge failed; it is tried again tomorrow (or run `trykk purge`)");
        g_strlcpy(last, today, 11);
    }
    g_free(today);
    g_date_time_unref(now);
}

/* For the service manager and monitoring: heartbeat, metrics, STATUS=, watchdog. */
static void cycle_done(struct engine *e, const char *metrics, const struct run_stats *st)
{
    char *status = g_strdup_printf("last cycle: claimed %d, accepted %d, failed %d",
                                   st->claimed, st->accepted, st->failed + st->quarantined);

    service_cycle(&e->spool, e->ledger, metrics, status);
    g_free(status);
}

static int watch(struct engine *e, struct jobs_ctx *jc, struct print_setup *ps,
                 const int retention[2], const char *metrics, struct run_stats *total)
{
    char last_purge[11] = "";
    int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    struct sigaction sa = {.sa_handler = on_signal};
    char buf[4096];

    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (fd >= 0)
        inotify_add_watch(fd, e->spool.incoming, IN_MOVED_TO | IN_CREATE);
    log_info("watching %s", e->spool.incoming);
    service_ready();
    while (!stop) {
        struct pollfd p = {fd, POLLIN, 0};
        struct run_stats st = {0};
        if (run_once(e, &st, false) < 0 || print_run(jc, ps, false) < 0)
            log_error("run stopped; retrying in 30 s");
        total->claimed += st.claimed;
        total->failed += st.failed + st.quarantined;
        if (st.claimed)
            summary(&st);
        daily_purge(e, retention, last_purge);
        cycle_done(e, metrics, &st);
        if (fd < 0 || poll(&p, 1, service_poll_ms(30000)) > 0)
            while (fd >= 0 && read(fd, buf, sizeof buf) > 0)
                ;
        else if (fd < 0)
            sleep(30);
    }
    service_stopping();
    if (fd >= 0)
        close(fd);
    return 0;
}

static const struct cli_usage run_usage = {
    "run", "[--watch]",
    "Recover, then verify everything in incoming/, plan accepted letters into print jobs and "
    "close the jobs that are due; --watch keeps going (inotify) until SIGINT or SIGTERM.", NULL};

int cmd_run(struct config *c, int argc, char **argv)
{
    gboolean watch_mode = FALSE;
    GOptionEntry entries[] = {
        {"watch", 'w', 0, G_OPTION_ARG_NONE, &watch_mode, "keep running", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&run_usage, entries);
    struct engine e = {0};
    struct print_setup ps = {0};
    struct jobs_ctx jc = {0};
    struct run_stats st = {0};
    char *err = NULL;
    int rc = EXIT_USAGE, retention[2];
    char *metrics = config_path(c, "serve", "metrics_file");

    if (!cli_parse(ctx, &argc, &argv) || argc > 1) {
        cli_usage_error(&run_usage);
    } else if (retention_config(c, &retention[0], &retention[1], &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
    } else if (print_engine_setup(&e, &ps, &jc, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        print_engine_teardown(&e, &ps);
    } else {
        if (watch_mode)
            rc = watch(&e, &jc, &ps, retention, metrics, &st);
        else {
            rc = run_once(&e, &st, isatty(2)) < 0 ? EXIT_LETTERS : 0;
            summary(&st);
            if (rc == 0 && print_run(&jc, &ps, isatty(2)) < 0)
                rc = EXIT_LETTERS;
            if (rc == 0 && (st.failed || st.quarantined || st.held))
                rc = EXIT_LETTERS;
        }
        print_engine_teardown(&e, &ps);
        crypto_shutdown();
    }
    g_free(metrics);
    g_free(err);
    g_option_context_free(ctx);
    return rc;
}

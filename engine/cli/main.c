/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c - trykk [--config FILE] [--spool DIR] COMMAND [ARGS]
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include "cli.h"

static const struct {
    const char *name;
    int (*run)(struct config *, int, char **);
    const char *help;
} commands[] = {
    {"init", cmd_init, "create the spool, the database and a commented configuration"},
    {"run", cmd_run, "process what is in incoming/ and exit (--watch: as serve)"},
    {"serve", cmd_serve, "the daemon: keep processing until SIGTERM; commands work beside it"},
    {"status", cmd_status, "letters per state and what waits in the spool (--json)"},
    {"health", cmd_health, "checks for monitoring: exit 0 healthy, 1 degraded, 2 down"},
    {"show", cmd_show, "one letter's state, addresses, documents and history (--json)"},
    {"jobs", cmd_jobs, "print jobs: state, counts, where their files are (--state, --day)"},
    {"job", cmd_job, "job show|close|printed|cancel JOB: one print job"},
    {"hold", cmd_hold, "hold JOB|LETTER --reason TEXT: stop a job or a letter where it is"},
    {"release", cmd_release, "release JOB|LETTER: let a held job or letter go on"},
    {"reprint", cmd_reprint, "reprint PIECE --reason TEXT: print one piece again on request"},
    {"proof", cmd_proof, "proof LETTER [--overlay]: PNG pages of a letter as it will print"},
    {"reconcile", cmd_reconcile, "reconcile JOB SCAN-LOG: check the inserter's log, reprint"},
    {"dispatch", cmd_dispatch, "dispatch JOB... [--day D]: hand jobs to the postal operator"},
    {"handover", cmd_handover, "handover DAY [--out DIR]: the posting day's note for Posten"},
    {"returns", cmd_returns, "returns scan|import|list|forwarded|undo: returned mail"},
    {"receipts", cmd_receipts, "receipts waiting in outbox/ for the broker (--json)"},
    {"purge", cmd_purge, "remove personal data past its retention ([retention] days)"},
    {"tariff", cmd_tariff, "tariff check FILE | list: validate or list the dated price files"},
    {"settle", cmd_settle, "settle day DATE|--pending, settle period 2026-Q4: postage, discount"},
    {"costs", cmd_costs, "costs export|summary --period P: the finance CSV and invoice totals"},
    {"demo", cmd_demo, "build a demo spool with generated keys and letters, and run it"},
};

static char *usage_text(void)
{
    GString *s = g_string_new("COMMAND [ARGS]\n\nCommands:\n");
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(commands); i++)
        g_string_append_printf(s, "  %-10s %s\n", commands[i].name, commands[i].help);
    return g_string_free(s, FALSE);
}

/* No core dumps of a process that holds keys and plaintext. */
static void harden(void)
{
    struct rlimit none = {0, 0};

    setrlimit(RLIMIT_CORE, &none);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    umask(077);
}

int main(int argc, char **argv)
{
    char *config_file = NULL, *spool = NULL, *err = NULL, *usage;
    gboolean version = FALSE, verbose = FALSE;
    GOptionEntry entries[] = {
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config_file, "configuration file", "FILE"},
        {"spool", 's', 0, G_OPTION_ARG_FILENAME, &spool, "spool root (default ./spool)", "DIR"},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "debug messages", NULL},
        {"version", 0, 0, G_OPTION_ARG_NONE, &version, "print the version", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = g_option_context_new(NULL);
    GError *gerr = NULL;
    struct config cfg = {0};
    size_t i;
    int rc = EXIT_USAGE;

    setlocale(LC_ALL, "");
    harden();
    /* before anything allocates in OpenSSL: the parser child needs to know when its memory
     * limit, not the sender, made OpenSSL fail (pipeline/isolate.c) */
    if (!crypto_watch_allocations())
        log_warn("OpenSSL allocated before its allocator could be watched");
    usage = usage_text();
    g_option_context_set_summary(ctx, usage);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_strict_posix(ctx, TRUE);
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "trykk: %s (try --help)\n", gerr->message);
        g_error_free(gerr);
    } else if (version) {
        printf("trykk %s\n", TRYKK_VERSION);
        rc = 0;
    } else if (argc < 2) {
        fprintf(stderr, "usage: trykk [--config FILE] [--spool DIR] %s", usage);
    } else if (config_load(&cfg, config_file, spool, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
    } else {
        log_set_level(verbose ? LOG_DEBUG : LOG_INFO);
        for (i = 0; i < G_N_ELEMENTS(commands); i++)
            if (strcmp(argv[1], commands[i].name) == 0)
                break;
        if (i == G_N_ELEMENTS(commands))
            fprintf(stderr, "trykk: unknown command '%s' (try --help)\n", argv[1]);
        else
            rc = commands[i].run(&cfg, argc - 1, argv + 1);
        config_free(&cfg);
    }
    g_free(err);
    g_free(usage);
    g_free(config_file);
    g_free(spool);
    g_option_context_free(ctx);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_settle.c - trykk settle day DATE|--pending, trykk settle period 2026-Q4|2026-11
 *
 * Settling writes correcting cost rows and locks the day or period; a second run reports
 * the existing settlement and changes nothing (exit 0).
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

/* What settling needs, borrowed: the ledger, the tariffs, and today. */
struct settle_ctx {
    struct ledger *ledger;
    const struct tariff_set *tariffs;
    char *today, *at;
};

static void open_ctx(struct settle_ctx *x, struct ledger *l, const struct tariff_set *ts)
{
    GDateTime *now = time_now();

    x->ledger = l;
    x->tariffs = ts;
    x->today = g_date_time_format(now, "%Y-%m-%d");
    x->at = time_rfc3339(now);
    g_date_time_unref(now);
}

static void close_ctx(struct settle_ctx *x)
{
    g_free(x->today);
    g_free(x->at);
}

static int one_day(struct settle_ctx *x, const char *day)
{
    struct settle_result r = {0};
    char *err = NULL, *total;
    const struct postage_table *pt = postage_for(x->tariffs, day);

    if (settle_day(x->ledger, x->tariffs, day, x->today, x->at, &r, &err) < 0) {
        fprintf(stderr, "trykk: settle %s: %s\n", day, err);
        g_free(err);
        return -1;
    }
    total = money_format(r.total_ore, '.');
    if (r.already)
        printf("%s was settled at %s: %lld letters in %lld groups, postage %s NOK; nothing "
               "changed\n", day, r.settled_at, r.letters, r.groups, total);
    else
        printf("settled %s: %lld letters in %lld groups, postage %s NOK (postage table %s%s)\n",
               day, r.letters, r.groups, total, pt ? pt->head.id : "?",
               pt && pt->example ? ", an EXAMPLE table" : "");
    g_free(total);
    settle_result_free(&r);
    return 0;
}

static int days(struct settle_ctx *x, const char *day)
{
    GPtrArray *list;
    guint i;
    int rc = 0;

    if (strcmp(day, "--pending") != 0)
        return one_day(x, day) < 0 ? EXIT_LETTERS : 0;
    list = costs_unsettled_days(x->ledger, x->today);
    if (list->len == 0)
        printf("no posting day before %s waits for settlement\n", x->today);
    for (i = 0; i < list->len; i++)
        if (one_day(x, list->pdata[i]) < 0)
            rc = EXIT_LETTERS;
    g_ptr_array_unref(list);
    return rc;
}

static int period(struct settle_ctx *x, const char *p)
{
    struct settle_result r = {0};
    char *err = NULL, *total;

    if (settle_period(x->ledger, x->tariffs, p, x->today, x->at, &r, &err) < 0) {
        fprintf(stderr, "trykk: settle %s: %s\n", p, err);
        g_free(err);
        return EXIT_LETTERS;
    }
    total = money_format(r.total_ore, '.');
    printf("%s %s: %lld letters, service volume %lld sheets and %lld envelopes -> sheet discount "
           "%d.%02d %%, envelope discount %d.%02d %%; discount %s NOK in %lld invoice groups%s\n",
           r.already ? "already settled" : "settled", p, r.letters, r.sheet_volume,
           r.envelope_volume, r.sheet_bp / 100, r.sheet_bp % 100, r.envelope_bp / 100,
           r.envelope_bp % 100, total, r.groups, r.already ? "; nothing changed" : "");
    g_free(total);
    settle_result_free(&r);
    return 0;
}

static const struct cli_usage settle_usage = {
    "settle", "day DATE|--pending\nperiod 2026-Q4|2026-11",
    "settle day: the postage of a posting day (DATE, YYYY-MM-DD, a day that is over) or of "
    "every past day that waits; a settled day is locked and a re-run changes nothing. settle "
    "period: the quantity discount of a quarter or month, from the whole service's volume; "
    "locked like a day.", NULL};

int cmd_settle(struct config *c, int argc, char **argv)
{
    struct settle_ctx x = {0};
    struct engine e = {0};
    struct costs_setup cs = {0};
    char *err = NULL, first[11], last[11];
    const char *arg;
    gboolean pending = FALSE;
    GOptionEntry entries[] = {{"pending", 0, 0, G_OPTION_ARG_NONE, &pending, "settle day: every "
                               "past posting day that waits", NULL},
                              {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&settle_usage, entries);
    bool ok = cli_parse(ctx, &argc, &argv);
    int rc;

    g_option_context_free(ctx);
    if (!ok || argc != (pending ? 2 : 3) ||
        (strcmp(argv[1], "day") != 0 && strcmp(argv[1], "period") != 0) ||
        (pending && strcmp(argv[1], "day") != 0))
        return cli_usage_error(&settle_usage);
    arg = pending ? "--pending" : argv[2]; /* days() takes it as its argument */
    if (strcmp(argv[1], "day") == 0 ? !pending && !cli_date_arg("settle day", arg)
                                    : period_parse(arg, first, last) < 0) {
        if (strcmp(argv[1], "period") == 0)
            fprintf(stderr, "trykk: '%s' is not a period (2026-Q4 or 2026-11)\n", arg);
        return EXIT_USAGE;
    }
    if (costs_setup_load(&cs, c->kf, c->dir, &err) < 0 || engine_open_ledger(&e, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        g_free(err);
        rc = EXIT_USAGE;
    } else {
        open_ctx(&x, e.ledger, &cs.tariffs);
        rc = strcmp(argv[1], "day") == 0 ? days(&x, arg) : period(&x, arg);
        close_ctx(&x);
    }
    engine_teardown(&e);
    costs_setup_free(&cs);
    return rc;
}

int settle_pending(struct ledger *l, const struct costs_setup *cs)
{
    struct settle_ctx x = {0};
    int rc;

    open_ctx(&x, l, &cs->tariffs);
    rc = days(&x, "--pending") == 0 ? 0 : -1;
    close_ctx(&x);
    return rc;
}

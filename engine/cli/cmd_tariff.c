/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_tariff.c - trykk tariff check FILE... | trykk tariff list
 *
 * check: load and validate a print tariff or postage table before it is installed, and show
 * what it says (for a print tariff, the published worked examples priced by it).
 * list: the installed files and which of them holds today.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

/* The worked examples of the price list (tariff.md §1), priced by t. */
static void examples(const struct tariff *t)
{
    static const struct { const char *what, *layout, *envelope; int pages; } ex[] = {
        {"up to 2 pages, C5", "normal", "C5", 2}, {"8 pages, C5", "normal", "C5", 8},
        {"90 pages, C4", "normal", "C4", 90}, {"up to 1½ pages, C5", "eco", "C5", 1},
        {"8 pages, C5", "eco", "C5", 8}, {"90 pages, C4", "eco", "C4", 90}};
    size_t i, c;

    printf("  %-22s %-7s %12s %12s\n", "letter", "layout", "black/white", "colour");
    for (i = 0; i < G_N_ELEMENTS(ex); i++) {
        char *m[2];
        for (c = 0; c < 2; c++) {
            struct cost_input in = {ex[i].layout, c ? "FARGE" : "SORT_HVIT", ex[i].envelope,
                                    "B", NULL, ex[i].pages, 0, 0};
            struct print_price p = {0};
            char *err = NULL;
            price_print(t, &in, &p, &err);
            m[c] = money_format(p.base_ore + p.sheets_ore + p.broker_ore, '.');
            g_free(err);
        }
        printf("  %-22s %-7s %12s %12s\n", ex[i].what, ex[i].layout, m[0], m[1]);
        g_free(m[0]);
        g_free(m[1]);
    }
}

static void describe_tariff(const struct tariff *t)
{
    char *fee = money_format(t->broker_ore, '.');
    int i;

    printf("print tariff %s, valid from %s: broker fee %s per letter\n", t->head.id,
           t->head.valid_from, fee);
    examples(t);
    printf("  discount brackets (period volume from, sheets, envelopes):\n");
    for (i = 0; i < t->nbrackets; i++)
        printf("    %12lld  %d.%02d %%  %d.%02d %%\n", t->bracket[i].from,
               t->bracket[i].sheet_bp / 100, t->bracket[i].sheet_bp % 100,
               t->bracket[i].envelope_bp / 100, t->bracket[i].envelope_bp % 100);
    g_free(fee);
}

static void describe_postage(const struct postage_table *p)
{
    int i;

    printf("postage table %s, valid from %s%s: minimum %d items per group; weight bands",
           p->head.id, p->head.valid_from, p->example ? " (EXAMPLE - replace it)" : "",
           p->minimum);
    for (i = 0; i < p->nbands; i++)
        printf(" %dg", p->band_g[i]);
    printf("; %u price groups, %u countries outside WORLD\n", g_hash_table_size(p->prices),
           g_hash_table_size(p->zone_of));
}

static int check(int argc, char **argv)
{
    int i, rc = 0;

    for (i = 2; i < argc; i++) {
        struct tariff *t;
        struct postage_table *p;
        char *err = NULL;
        if (tariff_file_load(argv[i], &t, &p, &err) < 0) {
            fprintf(stderr, "trykk: %s\n", err);
            rc = EXIT_LETTERS;
        } else {
            printf("%s: ok\n", argv[i]);
            if (t)
                describe_tariff(t);
            else
                describe_postage(p);
        }
        tariff_free(t);
        postage_table_free(p);
        g_free(err);
    }
    return rc;
}

static int list(struct config *c)
{
    struct costs_setup cs = {0};
    char *err = NULL, *today = NULL;
    GDateTime *now = time_now();
    guint i;

    if (costs_setup_load(&cs, c->kf, c->dir, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        g_free(err);
        g_date_time_unref(now);
        return EXIT_USAGE;
    }
    today = g_date_time_format(now, "%Y-%m-%d");
    for (i = 0; i < cs.tariffs.print->len; i++) {
        const struct tariff *t = cs.tariffs.print->pdata[i];
        printf("print    %-28s from %s%s  %s\n", t->head.id, t->head.valid_from,
               t == tariff_for(&cs.tariffs, today) ? " (holds today)" : "", t->head.file);
    }
    for (i = 0; i < cs.tariffs.postage->len; i++) {
        const struct postage_table *p = cs.tariffs.postage->pdata[i];
        printf("postage  %-28s from %s%s%s  %s\n", p->head.id, p->head.valid_from,
               p == postage_for(&cs.tariffs, today) ? " (holds today)" : "",
               p->example ? " EXAMPLE" : "", p->head.file);
    }
    costs_setup_free(&cs);
    g_free(today);
    g_date_time_unref(now);
    return 0;
}

static const struct cli_usage tariff_usage = {
    "tariff", "check FILE...\nlist",
    "tariff check: validate print tariffs or postage tables before installing them (amounts, "
    "every layout, colour and envelope priced, brackets ascending; a print tariff's worked "
    "examples are priced by it). tariff list: the installed files and which one holds today.",
    NULL};

int cmd_tariff(struct config *c, int argc, char **argv)
{
    GOptionContext *ctx = cli_command(&tariff_usage, NULL);
    bool ok = cli_parse(ctx, &argc, &argv);

    g_option_context_free(ctx);
    if (!ok)
        return cli_usage_error(&tariff_usage);
    if (argc >= 3 && strcmp(argv[1], "check") == 0)
        return check(argc, argv);
    if (argc == 2 && strcmp(argv[1], "list") == 0)
        return list(c);
    return cli_usage_error(&tariff_usage);
}

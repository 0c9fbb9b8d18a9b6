/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_costs.c - trykk costs export|summary --period P [--sender ORG] [--dialect D] [--out F]
 *
 * Both read the same report (costs_report), so the CSV rows add up to the summary exactly.
 * The export carries ids, dates, sender fields and amounts: never names or addresses.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

struct costs_opts {
    char *period, *sender, *dialect, *out;
    gboolean json;
};

static const struct cli_usage costs_usage = {
    "costs",
    "export --period P [--sender ORG] [--dialect rfc|excel-no] [--out FILE]\n"
    "summary --period P [--sender ORG] [--json]",
    "costs export: one CSV row per letter of the period (ids, dates, sender fields, layout, "
    "colour, envelope, pages, sheets, weight band, posttype, zone, print price, discount, "
    "postage, return fees, totals ex and incl. MVA; no names or addresses). costs summary: "
    "the same figures per sender and fakturaReferanse, and in total. P: 2026-Q4 or 2026-11.",
    NULL};

static int parse(int *argc, char ***argv, struct costs_opts *o)
{
    GOptionEntry entries[] = {
        {"period", 'p', 0, G_OPTION_ARG_STRING, &o->period, "quarter (2026-Q4) or month", "P"},
        {"sender", 0, 0, G_OPTION_ARG_STRING, &o->sender, "one sender's organisation number",
         "ORG"},
        {"dialect", 0, 0, G_OPTION_ARG_STRING, &o->dialect, "rfc (default) or excel-no", "D"},
        {"out", 'o', 0, G_OPTION_ARG_FILENAME, &o->out, "write the CSV here (default stdout)",
         "FILE"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &o->json, "summary as JSON", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&costs_usage, entries);
    gboolean ok;

    ok = cli_parse(ctx, argc, argv);
    g_option_context_free(ctx);
    return ok ? 0 : -1;
}

static void opts_free(struct costs_opts *o)
{
    g_free(o->period);
    g_free(o->sender);
    g_free(o->dialect);
    g_free(o->out);
}

static int load(struct config *c, struct costs_opts *o, struct cost_report *r, bool note)
{
    struct engine e = {0};
    struct costs_setup cs = {0};
    char first[11], last[11], *err = NULL, *org = NULL;
    int rc = -1;

    if (!o->period || period_parse(o->period, first, last) < 0)
        err = g_strdup("--period must be a quarter (2026-Q4) or a month (2026-11)");
    else if (o->sender && !(org = text_orgnr_digits(o->sender)))
        err = g_strdup_printf("--sender %s is not an organisation number", o->sender);
    else if (costs_setup_load(&cs, c->kf, c->dir, &err) == 0) {
        if (engine_open_ledger(&e, c, &err) == 0)
            rc = costs_report(e.ledger, first, last, org, cs.mva_bp, r, &err);
        costs_setup_free(&cs);
    }
    if (rc < 0)
        fprintf(stderr, "trykk: %s\n", err);
    else if (note && r->total.unsettled)
        fprintf(stderr, "trykk: note: %lld letters of %s have no settled postage yet (`trykk "
                "settle day --pending`); their postage is not in these figures\n",
                r->total.unsettled, o->period);
    engine_teardown(&e);
    g_free(org);
    g_free(err);
    return rc;
}

static int write_out(const char *out, GString *csv)
{
    char *dir, *name;
    int rc;

    if (!out || strcmp(out, "-") == 0)
        return fwrite(csv->str, 1, csv->len, stdout) == csv->len && fflush(stdout) == 0 ? 0 : -1;
    dir = g_path_get_dirname(out);
    name = g_path_get_basename(out);
    rc = fsio_publish(dir, name, csv->str, csv->len, 0);
    if (rc < 0)
        fprintf(stderr, "trykk: %s: %s\n", out, g_strerror(-rc));
    g_free(dir);
    g_free(name);
    return rc;
}

static int export(struct config *c, struct costs_opts *o)
{
    struct cost_report r = {0};
    enum csv_dialect d = CSV_RFC;
    GString *csv;
    int rc;

    if (o->dialect && strcmp(o->dialect, "excel-no") == 0)
        d = CSV_EXCEL_NO;
    else if (o->dialect && strcmp(o->dialect, "rfc") != 0) {
        fprintf(stderr, "trykk: --dialect must be rfc or excel-no\n");
        return EXIT_USAGE;
    }
    if (load(c, o, &r, true) < 0)
        return EXIT_USAGE;
    csv = costs_csv(&r, d);
    rc = write_out(o->out, csv) < 0 ? EXIT_LETTERS : 0;
    if (rc == 0 && o->out)
        fprintf(stderr, "trykk: %u letters written to %s\n", r.lines->len, o->out);
    g_string_free(csv, TRUE);
    cost_report_free(&r);
    return rc;
}

static json_t *group_json(const struct cost_group *g)
{
    return json_pack("{s:s?, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                     "sender", g->avsender, "faktura_referanse", g->faktura_referanse, "letters",
                     (json_int_t)g->letters, "print_ore", (json_int_t)g->print_ore,
                     "discount_ore", (json_int_t)g->discount_ore, "postage_ore",
                     (json_int_t)g->postage_ore, "return_ore", (json_int_t)g->return_ore,
                     "total_ex_mva_ore", (json_int_t)g->total_ore, "mva_ore",
                     (json_int_t)g->mva_ore, "total_incl_mva_ore",
                     (json_int_t)(g->total_ore + g->mva_ore), "unsettled_postage",
                     (json_int_t)g->unsettled, "postage_estimate_ore",
                     (json_int_t)g->provisional_ore);
}

static void group_line(const char *sender, const char *ref, const struct cost_group *g)
{
    long long v[] = {g->print_ore, g->discount_ore, g->postage_ore, g->return_ore, g->total_ore,
                     g->mva_ore, g->total_ore + g->mva_ore};
    size_t i;

    cli_printf("%-10s %-20.20s %7lld", sender, ref, g->letters);
    for (i = 0; i < G_N_ELEMENTS(v); i++) {
        char *m = money_format(v[i], '.');
        cli_printf(" %12s", m);
        g_free(m);
    }
    putchar('\n');
}

static int summary(struct config *c, struct costs_opts *o)
{
    struct cost_report r = {0};
    guint i;

    if (load(c, o, &r, false) < 0)
        return EXIT_USAGE;
    if (o->json) {
        json_t *a = json_array(), *top;
        char *s;
        for (i = 0; i < r.groups->len; i++)
            json_array_append_new(a, group_json(r.groups->pdata[i]));
        top = json_pack("{s:s, s:o, s:o}", "period", o->period, "invoices", a, "total",
                        group_json(&r.total));
        s = json_dumps(top, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s);
        free(s);
        json_decref(top);
    } else {
        cli_printf("costs %s (NOK ex MVA unless marked)\n%-10s %-20s %7s %12s %12s %12s %12s %12s "
               "%12s %12s\n", o->period, "SENDER", "FAKTURAREFERANSE", "LETTERS", "PRINT",
               "DISCOUNT", "POSTAGE", "RETURNS", "TOTAL", "MVA", "INCL MVA");
        for (i = 0; i < r.groups->len; i++) {
            const struct cost_group *g = r.groups->pdata[i];
            group_line(g->avsender ? g->avsender : "-",
                       g->faktura_referanse && *g->faktura_referanse ? g->faktura_referanse : "-",
                       g);
        }
        group_line("TOTAL", "", &r.total);
        if (r.total.unsettled) {
            char *m = money_format(r.total.provisional_ore, '.');
            cli_printf("%lld letters wait for their posting day's settlement; their postage, not "
                   "in the totals above, is estimated at %s NOK\n", r.total.unsettled, m);
            g_free(m);
        }
    }
    cost_report_free(&r);
    return 0;
}

int costs_print_summary(struct config *c, const char *period)
{
    struct costs_opts o = {.period = (char *)period};

    return summary(c, &o);
}

char *costs_current_quarter(void)
{
    GDateTime *now = time_now();
    char *q = g_strdup_printf("%04d-Q%d", g_date_time_get_year(now),
                              (g_date_time_get_month(now) + 2) / 3);

    g_date_time_unref(now);
    return q;
}

int cmd_costs(struct config *c, int argc, char **argv)
{
    struct costs_opts o = {0};
    int rc = EXIT_USAGE;

    if (parse(&argc, &argv, &o) < 0 || argc != 2 ||
        (strcmp(argv[1], "export") != 0 && strcmp(argv[1], "summary") != 0))
        cli_usage_error(&costs_usage);
    else
        rc = strcmp(argv[1], "export") == 0 ? export(c, &o) : summary(c, &o);
    opts_free(&o);
    return rc;
}

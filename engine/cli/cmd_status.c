/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_status.c - trykk status [--json] and trykk show [--json] ID
 *
 * Read-only views of the ledger and the spool. No document content is ever shown.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static gboolean as_json;
static GOptionEntry json_entry[] = {
    {"json", 0, 0, G_OPTION_ARG_NONE, &as_json, "machine-readable output", NULL},
    {NULL, 0, 0, 0, NULL, NULL, NULL}};

static const struct cli_usage status_usage = {
    "status", "[--json]",
    "Letters per state, and what waits in incoming/, active/, deferred/ and outbox/.", NULL};
static const struct cli_usage show_usage = {
    "show", "[--json] LETTER",
    "One letter: state, hold, reason, sender, the sender's print instructions, layout, "
    "envelope, posting day, addresses, documents, its pieces and jobs, history with details, "
    "receipts and costs; never document content. LETTER: letter id, message id, the piece "
    "code printed on its sheet, its EA return code or a sheet's DataMatrix text.", NULL};

/* 0 when the options are good and there are operands + 1 arguments; else the usage, -1. */
static int parse(int *argc, char ***argv, const struct cli_usage *u, int operands)
{
    GOptionContext *ctx = cli_command(u, json_entry);
    bool ok = cli_parse(ctx, argc, argv) && *argc == operands + 1;

    g_option_context_free(ctx);
    if (!ok)
        cli_usage_error(u);
    return ok ? 0 : -1;
}

static int count_dir(const char *dir)
{
    GPtrArray *a = spool_list(dir);
    int n = (int)a->len;

    g_ptr_array_free(a, TRUE);
    return n;
}

int cmd_status(struct config *c, int argc, char **argv)
{
    struct engine e = {0};
    char *err = NULL;
    json_t *o, *waiting;
    const char *k;
    json_t *v;

    if (parse(&argc, &argv, &status_usage, 0) < 0)
        return EXIT_USAGE;
    if (engine_open_ledger(&e, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        g_free(err);
        engine_teardown(&e);
        return EXIT_USAGE;
    }
    waiting = json_pack("{s:i, s:i, s:i, s:i}", "incoming", count_dir(e.spool.incoming),
                        "active", count_dir(e.spool.active), "deferred",
                        count_dir(e.spool.deferred), "outbox", count_dir(e.spool.outbox));
    o = json_pack("{s:s, s:o, s:o, s:o}", "spool", e.spool.root, "letters",
                  ledger_counts(e.ledger), "held", ledger_held_counts(e.ledger), "waiting",
                  waiting);
    if (as_json)
        cli_print_json(o);
    else {
        cli_printf("spool %s\nletters:\n", e.spool.root);
        json_object_foreach(json_object_get(o, "letters"), k, v)
            cli_printf("  %-12s %lld\n", k, (long long)json_integer_value(v));
        cli_printf("held by an operator:\n");
        json_object_foreach(json_object_get(o, "held"), k, v)
            cli_printf("  %-12s %lld\n", k, (long long)json_integer_value(v));
        cli_printf("waiting:\n");
        json_object_foreach(waiting, k, v)
            cli_printf("  %-12s %lld\n", k, (long long)json_integer_value(v));
    }
    json_decref(o);
    engine_teardown(&e);
    return 0;
}

static void print_address(const char *title, json_t *a)
{
    static const char *const keys[] = {"navn", "adresselinje1", "adresselinje2", "adresselinje3",
                                       "adresselinje4", NULL};
    size_t i;

    if (!a)
        return;
    cli_printf("%s:\n", title);
    for (i = 0; keys[i]; i++)
        if (json_object_get(a, keys[i]))
            cli_printf("  %s\n", json_string_value(json_object_get(a, keys[i])));
    if (json_object_get(a, "postnummer"))
        cli_printf("  %s %s\n", json_string_value(json_object_get(a, "postnummer")),
               json_string_value(json_object_get(a, "poststed")));
    if (json_object_get(a, "land") || json_object_get(a, "landkode"))
        cli_printf("  %s\n", json_string_value(json_object_get(a, json_object_get(a, "land") ? "land"
                                                                                    : "landkode")));
}

static char *nok(json_t *row, const char *key)
{
    return money_format(json_integer_value(json_object_get(row, key)), '.');
}

/* One cost row: what it is, on which tariff or settlement, and how the amount is made. */
static void print_cost(json_t *c)
{
    const char *kind = json_string_value(json_object_get(c, "kind"));
    const char *by = json_string_value(json_object_get(c, json_object_get(c, "settlement")
                                                              ? "settlement" : "tariff"));
    char *amount = nok(c, "amount_ore");

    cli_printf("  %-8s %s  %-24s %10s", kind, json_string_value(json_object_get(c, "day")),
           by ? by : "", amount);
    if (strcmp(kind, "PRINT") == 0) {
        char *b = nok(c, "base_ore"), *s = nok(c, "sheets_ore"), *f = nok(c, "broker_ore");
        cli_printf("  = base %s + %lld sheets %s + broker fee %s", b,
               (long long)json_integer_value(json_object_get(c, "charged_sheets")), s, f);
        if (json_object_get(c, "postage_provisional_ore")) {
            char *p = nok(c, "postage_provisional_ore");
            cli_printf("; postage estimate %s", p);
            g_free(p);
        }
        g_free(b);
        g_free(s);
        g_free(f);
    } else if (json_is_string(json_object_get(c, "note"))) {
        cli_printf("  %s", json_string_value(json_object_get(c, "note")));
    }
    putchar('\n');
    g_free(amount);
}

static void print_letter(json_t *o)
{
    static const char *const fields[] = {"id", "found_by", "state", "hold_reason", "held_at",
        "reason", "detail", "message_id", "conversation_id", "sbdh_sender", "avsender",
        "avsenderidentifikator", "faktura_referanse", "posttype", "colour", "return_handling",
        "print_instructions", "documents", "pages", "layout", "layout_reason", "sheets",
        "envelope", "weight_mg", "received_at", "updated_at", "posted_on", "purged_at",
        "duplicate_of", NULL};
    json_t *ev;
    size_t i;

    for (i = 0; fields[i]; i++) {
        json_t *v = json_object_get(o, fields[i]);
        if (json_is_string(v))
            cli_printf("%-22s %s\n", fields[i], json_string_value(v));
        else if (json_is_integer(v))
            cli_printf("%-22s %lld\n", fields[i], (long long)json_integer_value(v));
    }
    print_address("recipient", json_object_get(o, "recipient"));
    print_address("return address", json_object_get(o, "return_address"));
    cli_printf("pieces:\n");
    json_array_foreach(json_object_get(o, "pieces"), i, ev) {
        const char *of = json_string_value(json_object_get(ev, "reprint_of"));
        cli_printf("  %s  job %s (%s)  %s%s%s\n",
                   json_is_string(json_object_get(ev, "piece"))
                   ? json_string_value(json_object_get(ev, "piece")) : "(not numbered yet)",
                   json_string_value(json_object_get(ev, "job")),
                   json_string_value(json_object_get(ev, "job_state")),
                   json_string_value(json_object_get(ev, "state")), of ? "  reprint of " : "",
                   of ? of : "");
    }
    cli_printf("history:\n");
    json_array_foreach(json_object_get(o, "history"), i, ev) {
        const char *d = json_string_value(json_object_get(ev, "detail"));
        if (d)
            cli_printf("  %s  %-12s %s\n", json_string_value(json_object_get(ev, "at")),
                       json_string_value(json_object_get(ev, "event")), d);
        else
            cli_printf("  %s  %s\n", json_string_value(json_object_get(ev, "at")),
                       json_string_value(json_object_get(ev, "event")));
    }
    cli_printf("receipts:\n");
    json_array_foreach(json_object_get(o, "receipts"), i, ev)
        cli_printf("  %s  %s\n", json_string_value(json_object_get(ev, "type")),
               json_string_value(json_object_get(ev, "file")));
    cli_printf("costs (NOK ex MVA):\n");
    json_array_foreach(json_object_get(o, "costs"), i, ev)
        print_cost(ev);
}

int cmd_show(struct config *c, int argc, char **argv)
{
    struct engine e = {0};
    char *err = NULL;
    json_t *o;
    int rc = 0;

    if (parse(&argc, &argv, &show_usage, 1) < 0)
        return EXIT_USAGE;
    if (engine_open_ledger(&e, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        g_free(err);
        engine_teardown(&e);
        return EXIT_USAGE;
    }
    o = ledger_letter(e.ledger, argv[1]);
    if (!o) {
        fprintf(stderr, "trykk: no letter %s (give a letter id, message id, piece code or EA "
                        "code)\n", argv[1]);
        rc = EXIT_LETTERS;
    } else if (as_json)
        cli_print_json(o);
    else
        print_letter(o);
    json_decref(o);
    engine_teardown(&e);
    return rc;
}

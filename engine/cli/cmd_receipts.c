/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_receipts.c - trykk receipts [--json]: what waits in outbox/ for the broker.
 *
 * The broker collects a receipt by renaming it out of outbox/ or deleting it; what is
 * listed here has not been collected yet. Receipts committed but not yet published (a crash
 * came between) are counted too: the next `trykk run` publishes them.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static json_t *waiting(struct engine *e)
{
    GPtrArray *names = spool_list(e->spool.outbox);
    json_t *a = json_array();
    guint i;

    for (i = 0; i < names->len; i++) {
        const char *name = names->pdata[i];
        char **part = g_strsplit(name, ".", 3);
        if (g_strv_length(part) == 3 && (strcmp(part[2], "jwt") == 0 ||
                                         strcmp(part[2], "xml") == 0))
            json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "file", name, "letter",
                                               part[0], "type", part[1], "format",
                                               strcmp(part[2], "xml") == 0 ? "sdp-xml" : "jws"));
        g_strfreev(part);
    }
    g_ptr_array_free(names, TRUE);
    return a;
}

static const struct cli_usage receipts_usage = {
    "receipts", "[--json]",
    "Receipts waiting in outbox/ for the broker to collect, and any committed but not yet "
    "published.", NULL};

int cmd_receipts(struct config *c, int argc, char **argv)
{
    gboolean as_json = FALSE;
    GOptionEntry entries[] = {{"json", 0, 0, G_OPTION_ARG_NONE, &as_json, "JSON output", NULL},
                              {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&receipts_usage, entries);
    struct engine e = {0};
    char *err = NULL;
    int rc = EXIT_USAGE;

    if (!cli_parse(ctx, &argc, &argv) || argc != 1) {
        cli_usage_error(&receipts_usage);
    } else if (engine_open_ledger(&e, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
    } else {
        json_t *list = waiting(&e), *pending = ledger_pending_receipts(e.ledger), *r;
        size_t i;
        if (as_json) {
            json_t *o = json_pack("{s:s, s:o, s:I}", "outbox", e.spool.outbox, "waiting", list,
                                  "unpublished", (json_int_t)json_array_size(pending));
            json_dumpf(o, stdout, JSON_INDENT(2));
            putchar('\n');
            json_decref(o);
        } else {
            json_array_foreach(list, i, r)
                cli_printf("%-22s %s\n", json_string_value(json_object_get(r, "type")),
                       json_string_value(json_object_get(r, "file")));
            cli_printf("%zu receipts wait in %s for the broker", json_array_size(list),
                   e.spool.outbox);
            size_t held = 0;
            char *today = day_today();
            json_array_foreach(pending, i, r)
                held += receipts_held(r, today);
            g_free(today);
            if (json_array_size(pending) > held)
                cli_printf("; %zu more are committed and will be published by the next run",
                       json_array_size(pending) - held);
            if (held)
                cli_printf("; %zu returpostkvitteringer are held until the day their return "
                           "was recorded is over (`trykk returns undo` until then)", held);
            putchar('\n');
            json_decref(list);
        }
        json_decref(pending);
        rc = 0;
    }
    engine_teardown(&e);
    g_free(err);
    g_option_context_free(ctx);
    return rc;
}

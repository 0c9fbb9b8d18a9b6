/*
 * cmd_returns.c - trykk returns scan CODE [--reason R] [--date D] | import FILE | list |
 *                 forwarded LETTER
 *
 * scan and import record returned pieces (exit 1 when a code could not be matched or
 * recorded); list shows them, with the return address for pieces to be forwarded.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "../returns/returns.h"

struct returns_opts {
    char *reason, *date, *since;
    gboolean json;
};

static char *today(void)
{
    GDateTime *now = time_now();
    char *d = g_date_time_format(now, "%Y-%m-%d");

    g_date_time_unref(now);
    return d;
}

static int scan(struct engine *e, struct print_setup *ps, const char *code,
                const struct returns_opts *o)
{
    const char *reason = o->reason ? return_reason(o->reason) : "OTHER";
    char *day = o->date ? g_strdup(o->date) : today(), *err = NULL;
    struct return_result r;
    int rc = EXIT_USAGE;

    if (!reason)
        fprintf(stderr, "trykk: --reason must be unknown, moved, refused or other\n");
    else if (returns_record(e, ps, code, reason, day, "scan", &r, &err) < 0)
        rc = EXIT_LETTERS;
    else {
        if (r.already)
            cli_printf("letter %s: its return was recorded on %s; nothing changed\n", r.letter_id,
                   r.returned_on);
        else if (strcmp(r.handling, "SHREDDED") == 0)
            cli_printf("letter %s: returned (%s); SHRED the piece - the sender is told "
                   "(returpostkvittering)\n", r.letter_id, reason);
        else
            cli_printf("letter %s: returned (%s); DIREKTE_RETUR: FORWARD the piece to the sender's "
                   "return address (trykk returns list)\n", r.letter_id, reason);
        rc = 0;
        return_result_free(&r);
    }
    if (err)
        fprintf(stderr, "trykk: %s\n", err);
    g_free(err);
    g_free(day);
    return rc;
}

static int import(struct engine *e, struct print_setup *ps, const char *path)
{
    struct import_stats st;
    char *day = today(), *err = NULL;
    int rc = returns_import(e, ps, path, day, &st, &err);

    if (rc < 0)
        fprintf(stderr, "trykk: %s\n", err);
    else
        cli_printf("%s: %d pieces: %d recorded, %d recorded before, %d failed (see the log)\n", path,
               st.lines, st.recorded, st.already, st.failed);
    g_free(err);
    g_free(day);
    return rc < 0 ? EXIT_USAGE : rc > 0 ? EXIT_LETTERS : 0;
}

static int forwarded(struct engine *e, const char *letter)
{
    char *err = NULL;
    int rc = returns_forwarded(e, letter, &err);

    if (rc == 0)
        cli_printf("letter %s: forwarded to its sender\n", letter);
    else
        fprintf(stderr, "trykk: %s\n", err);
    g_free(err);
    return rc == 0 ? 0 : EXIT_LETTERS;
}

static void print_return(struct engine *e, json_t *r)
{
    const char *handling = json_string_value(json_object_get(r, "handling"));

    cli_printf("%-10s  %-24s  %s  %-17s  %-9s  %s\n",
           json_string_value(json_object_get(r, "returned_on")),
           json_string_value(json_object_get(r, "letter_id")),
           json_string_value(json_object_get(r, "piece")),
           json_string_value(json_object_get(r, "reason")), handling,
           json_string_value(json_object_get(r, "avsender")));
    if (strcmp(handling, "FORWARD") == 0) {
        json_t *l = ledger_letter(e->ledger, json_string_value(json_object_get(r, "letter_id")));
        json_t *a = json_object_get(l, "return_address");
        const char *k[] = {"navn", "adresselinje1", "adresselinje2", "postnummer", "poststed"};
        size_t i;
        cli_printf("            forward to:");
        for (i = 0; i < G_N_ELEMENTS(k); i++)
            if (json_is_string(json_object_get(a, k[i])))
                cli_printf(" %s", json_string_value(json_object_get(a, k[i])));
        putchar('\n');
        json_decref(l);
    }
}

static int list(struct engine *e, const struct returns_opts *o)
{
    json_t *rows = ledger_returns_json(e->ledger, o->since), *r;
    size_t i;

    if (o->json) {
        json_dumpf(rows, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        cli_printf("%-10s  %-24s  %-11s  %-17s  %-9s  %s\n", "RETURNED", "LETTER", "PIECE", "REASON",
               "HANDLING", "SENDER");
        json_array_foreach(rows, i, r)
            print_return(e, r);
    }
    json_decref(rows);
    return 0;
}

int cmd_returns(struct config *c, int argc, char **argv)
{
    struct returns_opts o = {0};
    GOptionEntry entries[] = {
        {"reason", 'r', 0, G_OPTION_ARG_STRING, &o.reason, "unknown, moved, refused, other", "R"},
        {"date", 'd', 0, G_OPTION_ARG_STRING, &o.date, "day the piece came back (default today)",
         "DATE"},
        {"since", 0, 0, G_OPTION_ARG_STRING, &o.since, "list returns from this day", "DATE"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &o.json, "JSON output", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = g_option_context_new("scan CODE|import FILE|list - returned mail");
    struct engine e;
    struct print_setup ps;
    char *err = NULL;
    int rc = EXIT_USAGE;
    bool ok;

    g_option_context_add_main_entries(ctx, entries, NULL);
    ok = g_option_context_parse(ctx, &argc, &argv, NULL) && argc >= 2 &&
         ((strcmp(argv[1], "scan") == 0 && argc == 3) ||
          (strcmp(argv[1], "import") == 0 && argc == 3) ||
          (strcmp(argv[1], "forwarded") == 0 && argc == 3) ||
          (strcmp(argv[1], "list") == 0 && argc == 2));
    if (!ok) {
        fprintf(stderr, "usage: trykk returns scan CODE [--reason R] [--date DATE]\n"
                        "       trykk returns import FILE   (CODE[,REASON[,DATE]] per line)\n"
                        "       trykk returns list [--since DATE] [--json]\n"
                        "       trykk returns forwarded LETTER   (a DIREKTE_RETUR piece sent on)\n");
    } else if (print_engine_setup(&e, &ps, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        print_engine_teardown(&e, &ps);
    } else {
        rc = strcmp(argv[1], "scan") == 0 ? scan(&e, &ps, argv[2], &o)
             : strcmp(argv[1], "import") == 0    ? import(&e, &ps, argv[2])
             : strcmp(argv[1], "forwarded") == 0 ? forwarded(&e, argv[2])
                                                 : list(&e, &o);
        print_engine_teardown(&e, &ps);
        crypto_shutdown();
    }
    g_free(o.reason);
    g_free(o.date);
    g_free(o.since);
    g_free(err);
    g_option_context_free(ctx);
    return rc;
}

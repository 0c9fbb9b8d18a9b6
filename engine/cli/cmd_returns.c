/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_returns.c - trykk returns scan CODE [--reason R] [--date D] | import FILE |
 *                 list [--since D] [--json] | forwarded LETTER | undo CODE
 *
 * scan and import record returned pieces, undo takes a mis-scanned one back on the day it
 * was recorded, list shows them (with the return address for pieces to be forwarded).
 * Exit status: 0 done, 1 not found or refused (nothing changed), 2 usage (a bad date too).
 * Every subcommand has its own --help.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "../returns/returns.h"

struct returns_opts {
    char *reason, *date, *since;
    gboolean json;
    char day[11], since_day[11];
};

static int scan(struct returns_ctx *e, struct print_setup *ps, char **argv,
                const struct returns_opts *o)
{
    const char *reason = o->reason ? return_reason(o->reason) : "OTHER";
    char *day = o->date ? g_strdup(o->day) : day_today(), *err = NULL;
    struct return_result r = {0};
    int rc = EXIT_LETTERS;

    if (returns_record(e, ps, argv[0], reason, day, "scan", &r, &err) == 0) {
        if (r.already)
            cli_printf("letter %s: its return was recorded on %s; nothing changed\n",
                       r.letter_id, r.returned_on);
        else if (strcmp(r.handling, "SHREDDED") == 0)
            cli_printf("letter %s: returned (%s); SHRED the piece. The sender is told "
                       "(returpostkvittering) once today is over; until then `trykk returns "
                       "undo %s` takes a mis-scan back\n", r.letter_id, reason, argv[0]);
        else
            cli_printf("letter %s: returned (%s); DIREKTE_RETUR: FORWARD the piece to the "
                       "sender's return address (trykk returns list)\n", r.letter_id, reason);
        rc = 0;
    }
    return_result_free(&r);
    if (err)
        fprintf(stderr, "trykk: %s\n", err);
    g_free(err);
    g_free(day);
    return rc;
}

static int import(struct returns_ctx *e, struct print_setup *ps, char **argv,
                  const struct returns_opts *o)
{
    struct import_stats st = {0};
    char *day = day_today(), *err = NULL;
    int rc = returns_import(e, ps, argv[0], day, &st, &err);

    (void)o;
    if (rc < 0)
        fprintf(stderr, "trykk: %s\n", err);
    else
        cli_printf("%s: %d pieces: %d recorded, %d recorded before, %d failed (see the log)\n",
                   argv[0], st.lines, st.recorded, st.already, st.failed);
    g_free(err);
    g_free(day);
    return rc == 0 ? 0 : EXIT_LETTERS;
}

/* LETTER is anything the letter goes by (ledger_resolve_letter). */
static int forwarded(struct returns_ctx *e, struct print_setup *ps, char **argv,
                     const struct returns_opts *o)
{
    char *err = NULL, *letter = NULL;
    const char *kind;
    int rc = ledger_resolve_letter(e->ledger, argv[0], &letter, &kind);

    (void)ps, (void)o;
    if (rc != 0)
        err = g_strdup_printf("no letter %s", argv[0]);
    else
        rc = returns_forwarded(e, letter, &err);
    if (rc == 0)
        cli_printf("letter %s: forwarded to its sender\n", letter);
    else
        fprintf(stderr, "trykk: %s\n", err);
    g_free(letter);
    g_free(err);
    return rc == 0 ? 0 : EXIT_LETTERS;
}

static int undo(struct returns_ctx *e, struct print_setup *ps, char **argv,
                const struct returns_opts *o)
{
    struct return_result r = {0};
    char *err = NULL;
    int rc = returns_undo(e, ps, argv[0], &r, &err);

    (void)o;
    if (rc == 0)
        cli_printf("letter %s: the return of %s (%s, %s) is undone; the letter is POSTED again, "
                   "no receipt was sent and the fee is taken back\n", r.letter_id, argv[0],
                   r.returned_on, r.handling);
    else
        fprintf(stderr, "trykk: %s\n", err);
    return_result_free(&r);
    g_free(err);
    return rc == 0 ? 0 : EXIT_LETTERS;
}

static void print_return(struct returns_ctx *e, json_t *r)
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

static int list(struct returns_ctx *e, struct print_setup *ps, char **argv,
                const struct returns_opts *o)
{
    json_t *rows = ledger_returns_json(e->ledger, o->since ? o->since_day : NULL), *r;
    size_t i;

    (void)ps, (void)argv;
    if (o->json) {
        json_dumpf(rows, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        cli_printf("RETURNED    %-24s  %-11s  %-17s  %-9s  %s\n", "LETTER", "PIECE", "REASON",
                   "HANDLING", "SENDER"); /* the day it came back */
        json_array_foreach(rows, i, r)
            print_return(e, r);
    }
    json_decref(rows);
    return 0;
}

enum { OPT_SCAN = 1, OPT_LIST = 2 };

static const struct sub {
    const char *name;
    struct cli_usage u;  /* "returns NAME", its arguments, summary and description */
    int nargs, opts;
    int (*run)(struct returns_ctx *, struct print_setup *, char **, const struct returns_opts *);
} subs[] = {
    {"scan", {"returns scan", "CODE",
     "record one returned piece by its EA barcode or its piece code",
     "CODE is the EA return barcode (2, agreement, level, 0, piece code) or the 11-digit piece "
     "code. Under MAKULERING_MED_MELDING the piece is to be shredded: the letter becomes "
     "RETURNED, the return fee is charged and a returpostkvittering is sent to the broker once "
     "the day is over (until then `trykk returns undo CODE` takes a mis-scan back). Under "
     "DIREKTE_RETUR it is listed for forwarding. The date may not be in the future nor before "
     "the piece's posting day. A piece scanned again changes nothing.\n\n"
     "Exit status: 0 recorded (or recorded before), 1 no such piece or refused (nothing "
     "recorded), 2 usage or a malformed date."}, 1, OPT_SCAN, scan},
    {"import", {"returns import", "FILE", "record a scan station's file of returned pieces",
     "One piece per line: CODE[,REASON[,DATE]] (',' or ';', fields may be quoted, a header "
     "line is skipped); REASON unknown, moved, refused or other (default other), DATE "
     "YYYY-MM-DD or DD.MM.YYYY (default today), checked as for scan. Each line is recorded on "
     "its own; bad lines are reported by number and the rest are recorded. Importing a file "
     "again records nothing twice.\n\n"
     "Exit status: 0 every line recorded, 1 some line failed or the file cannot be read, 2 "
     "usage."}, 1, 0, import},
    {"list", {"returns list", "", "list returned pieces (those to forward with the return address)",
     "Every recorded return from --since on, oldest first; a DIREKTE_RETUR piece is shown with "
     "its sender's return address to forward it to.\n\n"
     "Exit status: 0, 2 usage or a malformed date."}, 0, OPT_LIST, list},
    {"forwarded", {"returns forwarded", "LETTER", "record that a DIREKTE_RETUR piece was sent "
     "on to its sender (LETTER: letter id, message id, piece or EA code)",
     "LETTER is the letter id shown by `trykk returns list`.\n\n"
     "Exit status: 0 recorded, 1 no returned piece of that letter waits to be forwarded, 2 "
     "usage."}, 1, 0, forwarded},
    {"undo", {"returns undo", "CODE", "take back a mis-scanned return, on the day it was recorded",
     "CODE as for scan. The return is removed, the letter is POSTED again, the return fee is "
     "taken back by a correcting cost row, and its returpostkvittering (held until the day is "
     "over) is never sent; the history records the undo. Refused on a later day, once the "
     "receipt was published, or after the piece was forwarded.\n\n"
     "Exit status: 0 undone, 1 no such piece, no return recorded, or refused (nothing "
     "changed), 2 usage."}, 1, 0, undo},
};

static char *overview(void)
{
    GString *s = g_string_new("trykk returns: returned mail.\n\n");
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(subs); i++)
        g_string_append_printf(s, "  trykk returns %-9s %-6s  %s\n", subs[i].name,
                               subs[i].u.args, subs[i].u.summary);
    g_string_append(s, "\n`trykk returns SUBCOMMAND --help` says more. Exit status: 0 done, 1 "
                       "not found or refused, 2 usage.\n");
    return g_string_free(s, FALSE);
}

static int check_day_option(const char *name, const char *value, char out[11])
{
    if (!value || day_parse(value, out))
        return 0;
    fprintf(stderr, "trykk: %s '%s' is not a day (YYYY-MM-DD or DD.MM.YYYY)\n", name, value);
    return -1;
}

static int run_sub(struct config *c, const struct sub *s, char **argv, struct returns_opts *o)
{
    struct engine e = {0};
    struct print_setup ps = {0};
    char *err = NULL;
    int rc = EXIT_USAGE;

    if (print_engine_setup(&e, &ps, NULL, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        print_engine_teardown(&e, &ps);
    } else {
        struct returns_ctx rx = engine_returns(&e);
        rc = s->run(&rx, &ps, argv, o);
        print_engine_teardown(&e, &ps);
        crypto_shutdown();
    }
    g_free(err);
    return rc;
}

static int parse_sub(struct config *c, const struct sub *s, int argc, char **argv)
{
    struct returns_opts o = {0};
    GOptionEntry scan_entries[] = {
        {"reason", 'r', 0, G_OPTION_ARG_STRING, &o.reason, "unknown, moved, refused or other "
         "(default other)", "R"},
        {"date", 'd', 0, G_OPTION_ARG_STRING, &o.date, "the day the piece came back, YYYY-MM-DD "
         "or DD.MM.YYYY (default today)", "DATE"},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionEntry list_entries[] = {
        {"since", 0, 0, G_OPTION_ARG_STRING, &o.since, "returns from this day on", "DATE"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &o.json, "JSON output", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&s->u, s->opts == OPT_SCAN   ? scan_entries
                                             : s->opts == OPT_LIST ? list_entries
                                                                   : NULL);
    int rc = EXIT_USAGE;

    if (!cli_parse(ctx, &argc, &argv) || argc != 1 + s->nargs)
        cli_usage_error(&s->u);
    else if (o.reason && !return_reason(o.reason))
        fprintf(stderr, "trykk: --reason must be unknown, moved, refused or other\n");
    else if (check_day_option("--date", o.date, o.day) == 0 &&
             check_day_option("--since", o.since, o.since_day) == 0)
        rc = run_sub(c, s, argv + 1, &o);
    g_free(o.reason);
    g_free(o.date);
    g_free(o.since);
    g_option_context_free(ctx);
    return rc;
}

int cmd_returns(struct config *c, int argc, char **argv)
{
    char *text = overview();
    size_t i;
    int rc = EXIT_USAGE;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
                      strcmp(argv[1], "help") == 0)) {
        fputs(text, stdout);
        rc = 0;
    } else {
        for (i = 0; argc >= 2 && i < G_N_ELEMENTS(subs); i++)
            if (strcmp(argv[1], subs[i].name) == 0)
                break;
        if (argc >= 2 && i < G_N_ELEMENTS(subs))
            rc = parse_sub(c, &subs[i], argc - 1, argv + 1);
        else if (argc >= 2)
            fprintf(stderr, "trykk: unknown returns command '%s'\n\n%s", argv[1], text);
        else
            fputs(text, stderr);
    }
    g_free(text);
    return rc;
}

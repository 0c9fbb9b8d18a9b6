/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_job.c - one print job: trykk job show | close | printed | cancel.
 *
 *   show JOB [--json]           the job and its pieces (code, letter, sheets, weight,
 *                               envelope, state, the piece it reprints)
 *   close JOB | --all           close open jobs now and publish them
 *   printed JOB                 an operator confirms a published job came off the printer
 *   cancel JOB --reason TEXT [--yes]   withdraw a published, undispatched job
 *
 * A job is named as `trykk jobs` shows it, or by J and its number (J9).
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

struct sub {
    const char *name;
    struct cli_usage u;
    int (*run)(struct config *c, int argc, char **argv, GOptionContext *ctx, bool *usage_error);
};

static const char *str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v ? v : "-";
}

static void print_job(json_t *j)
{
    static const char *const fields[] = {"job", "state", "reprint_of", "hold_reason", "held_at",
        "layout", "envelope", "colour", "posttype", "stock", "marks", "day", "planned_day",
        "opened_at", "due_at", "closed_at", "printed_at", "printed_by", "reconciled_at",
        "dispatched_at", "dispatch_note", "cancelled_at", "cancel_reason", "path", NULL};
    size_t i;
    json_t *p;

    for (i = 0; fields[i]; i++)
        if (json_is_string(json_object_get(j, fields[i])))
            cli_printf("%-14s %s\n", fields[i], str(j, fields[i]));
    cli_printf("%-14s %lld letters, %lld sheets\n", "size",
               json_integer_value(json_object_get(j, "letters")),
               json_integer_value(json_object_get(j, "sheets")));
    json_array_foreach(json_object_get(j, "reprints"), i, p)
        cli_printf("%-14s %s (%s)\n", "reprinted in", str(p, "job"), str(p, "state"));
    cli_printf("%-11s %-36s %6s %8s %-6s %-10s %s\n", "PIECE", "LETTER", "SHEETS", "WEIGHT",
               "ENVEL.", "STATE", "REPRINT OF");
    json_array_foreach(json_object_get(j, "pieces"), i, p) {
        long long mg = json_integer_value(json_object_get(p, "weight_mg"));
        cli_printf("%-11s %-36s %6lld %6lld.%lld %-6s %-10s %s%s\n", str(p, "piece"),
                   str(p, "letter_id"), json_integer_value(json_object_get(p, "sheets")),
                   mg / 1000, mg % 1000 / 100, str(p, "envelope"), str(p, "state"),
                   str(p, "reprint_of"), json_object_get(p, "letter_held_at") ? "  (letter held)"
                                                                             : "");
    }
}

static int job_show(struct config *c, int argc, char **argv, GOptionContext *ctx, bool *usage)
{
    gboolean as_json = FALSE;
    GOptionEntry entries[] = {{"json", 0, 0, G_OPTION_ARG_NONE, &as_json, "JSON output", NULL},
                              {NULL, 0, 0, 0, NULL, NULL, NULL}};
    struct engine e = {0};
    struct job_row j = {0};
    char *err = NULL;
    int rc = EXIT_LETTERS;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!cli_parse(ctx, &argc, &argv) || argc != 2)
        return *usage = true, EXIT_USAGE;
    e.spool.lock_fd = -1;
    if (engine_open_ledger(&e, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        rc = EXIT_USAGE;
    } else if (ledger_resolve_job(e.ledger, argv[1], &j) != 0) {
        fprintf(stderr, "trykk: no job named %s (see trykk jobs)\n", argv[1]);
    } else {
        json_t *o = ledger_job_json(e.ledger, j.id);
        if (j.state != JOB_STATE_OPEN && j.state != JOB_STATE_CLOSING) {
            char *path = g_build_filename(e.spool.jobs, j.name, NULL);
            json_object_set_new(o, "path", json_string(path));
            g_free(path);
        }
        if (as_json)
            cli_print_json(o);
        else
            print_job(o);
        json_decref(o);
        job_row_free(&j);
        rc = 0;
    }
    engine_teardown(&e);
    g_free(err);
    return rc;
}

static int close_named(struct jobs_ctx *e, struct print_setup *ps, const char *name, bool all)
{
    GArray *ids = ledger_jobs_in_state(e->ledger, JOB_STATE_OPEN, NULL);
    struct job_row j = {0};
    char *err = NULL;
    int rc = 0, r;
    guint i;

    if (!all) {
        g_array_set_size(ids, 0);
        if (ledger_resolve_job(e->ledger, name, &j) != 0) {
            fprintf(stderr, "trykk: no job named %s (see trykk jobs)\n", name);
            g_array_free(ids, TRUE);
            return EXIT_LETTERS;
        }
        g_array_append_val(ids, j.id);
        job_row_free(&j);
    }
    for (i = 0; i < ids->len; i++) {
        long long id = g_array_index(ids, long long, i);
        if ((r = jobs_close(e, ps, id, &err)) != 0) {
            /* --all leaves held jobs alone and says so */
            fprintf(stderr, "trykk: %s\n", err);
            g_clear_pointer(&err, g_free);
            if (!all || r < 0)
                rc = EXIT_LETTERS;
        } else if (ledger_job_by_id(e->ledger, id, &j) == 0) {
            cli_printf("%s closed: %d letters, %d sheets, %d pages in %s/%s\n", j.name, j.letters,
                       j.sheets, j.pages, e->spool->jobs, j.name);
            job_row_free(&j);
        }
    }
    if (all && ids->len == 0)
        cli_printf("no open jobs\n");
    g_array_free(ids, TRUE);
    return rc;
}

static int job_close(struct config *c, int argc, char **argv, GOptionContext *ctx, bool *usage)
{
    gboolean all = FALSE;
    GOptionEntry entries[] = {{"all", 0, 0, G_OPTION_ARG_NONE, &all, "every open job that is "
                               "not held", NULL}, {NULL, 0, 0, 0, NULL, NULL, NULL}};
    struct engine e = {0};
    struct print_setup ps = {0};
    struct jobs_ctx jc = {0};
    char *err = NULL;
    int rc = EXIT_USAGE;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!cli_parse(ctx, &argc, &argv) || argc != (all ? 1 : 2))
        return *usage = true, EXIT_USAGE;
    if (print_engine_setup(&e, &ps, &jc, c, &err) < 0)
        fprintf(stderr, "trykk: %s\n", err);
    else if (jobs_recover(&jc, &ps) < 0)
        rc = EXIT_LETTERS;
    else
        rc = close_named(&jc, &ps, all ? NULL : argv[1], all);
    print_engine_teardown(&e, &ps);
    crypto_shutdown();
    g_free(err);
    return rc;
}

static int printed(struct engine *e, struct config *c, const char *job, char **name,
                   char **err)
{
    struct jobs_ctx jc = engine_jobs(e, c);

    return jobs_printed(&jc, job, name, err);
}

static int job_printed(struct config *c, int argc, char **argv, GOptionContext *ctx, bool *usage)
{
    struct engine e = {0};
    char *err = NULL, *name = NULL;
    int rc = EXIT_USAGE, r;

    if (!cli_parse(ctx, &argc, &argv) || argc != 2)
        return *usage = true, EXIT_USAGE;
    if (engine_open_ledger(&e, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
    } else if ((r = printed(&e, c, argv[1], &name, &err)) != 0) {
        fprintf(stderr, "trykk: %s\n", err);
        rc = EXIT_LETTERS;
    } else {
        cli_printf("%s printed: its letters are PRINTED; reconcile it with the inserter's log "
                   "(trykk reconcile %s LOG)\n", name, name);
        rc = 0;
    }
    engine_teardown(&e);
    g_free(name);
    g_free(err);
    return rc;
}

/* How many letters a cancel would withdraw, for the question. */
static int letters_of(struct jobs_ctx *e, const char *key, char **name)
{
    struct job_row j = {0};
    int n;

    if (ledger_resolve_job(e->ledger, key, &j) != 0)
        return -1;
    n = j.letters;
    *name = g_strdup(j.name);
    job_row_free(&j);
    return n;
}

static int cancel_named(struct jobs_ctx *e, const char *key, const char *reason, bool yes)
{
    char *err = NULL, *name = NULL, *q;
    int letters = letters_of(e, key, &name), ok, rc;

    if (letters < 0) {
        fprintf(stderr, "trykk: no job named %s (see trykk jobs)\n", key);
        return EXIT_LETTERS;
    }
    q = g_strdup_printf("cancel job %s: %d letters will not be posted and their senders get "
                        "feil SERVER", name, letters);
    ok = cli_confirm(q, name, yes);
    g_free(q);
    if (ok <= 0) {
        fprintf(stderr, "trykk: job %s not cancelled\n", name);
        g_free(name);
        return ok < 0 ? EXIT_USAGE : EXIT_LETTERS;
    }
    rc = jobs_cancel(e, name, reason, &letters, &err);
    if (rc == 0)
        cli_printf("%s cancelled: %d letters will not be posted; their senders get feil SERVER. "
                   "Destroy the job's printed sheets.\n", name, letters);
    else
        fprintf(stderr, "trykk: %s\n", err);
    g_free(err);
    g_free(name);
    return rc == 0 ? 0 : EXIT_LETTERS;
}

static int job_cancel(struct config *c, int argc, char **argv, GOptionContext *ctx, bool *usage)
{
    gboolean yes = FALSE;
    char *reason = NULL, *err = NULL;
    GOptionEntry entries[] = {
        {"reason", 0, 0, G_OPTION_ARG_STRING, &reason, "why the job is cancelled (required; "
         "sent to the senders: no personal data)", "TEXT"},
        {"yes", 'y', 0, G_OPTION_ARG_NONE, &yes, "do not ask (needed when not on a terminal)",
         NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    struct engine e = {0};
    int rc = EXIT_USAGE;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!cli_parse(ctx, &argc, &argv) || argc != 2 || !reason || !*reason) {
        g_free(reason);
        return *usage = true, EXIT_USAGE;
    }
    if (engine_setup(&e, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
    } else {
        struct jobs_ctx jc = engine_jobs(&e, c);
        rc = cancel_named(&jc, argv[1], reason, yes);
    }
    engine_teardown(&e);
    crypto_shutdown();
    g_free(reason);
    g_free(err);
    return rc;
}

static const struct sub subs[] = {
    {"show", {"job show", "JOB [--json]", "The job (state, hold, days, times) and its pieces: "
     "piece code, letter id, sheets, weight (g), envelope, state, the piece it reprints.",
     NULL}, job_show},
    {"close", {"job close", "JOB\n--all", "Close open jobs now (otherwise they close at the "
     "cut-off or when full) and publish them in jobs/. A held job is not closed.", NULL},
     job_close},
    {"printed", {"job printed", "JOB", "Confirm that a published (CLOSED) job came off the "
     "printer: it and its letters become PRINTED. Reconciling a job confirms it too.", NULL},
     job_printed},
    {"cancel", {"job cancel", "JOB --reason TEXT [--yes]", "Withdraw a published job before "
     "dispatch: its letters are CANCELLED and their senders get feil SERVER with the reason. "
     "Asks for the job's name on a terminal; elsewhere --yes is required.", NULL}, job_cancel},
};

static void overview(FILE *f)
{
    size_t i;

    fprintf(f, "usage: trykk job SUBCOMMAND ...  (trykk job SUBCOMMAND --help)\n\n");
    for (i = 0; i < G_N_ELEMENTS(subs); i++) {
        char *usage = cli_usage_text(&subs[i].u);
        fprintf(f, "  trykk %s\n      %s\n", usage, subs[i].u.summary);
        g_free(usage);
    }
    fprintf(f, "\nA job is named as trykk jobs shows it, or by J and its number (J9).\n");
}

int cmd_job(struct config *c, int argc, char **argv)
{
    size_t i;
    int rc;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        overview(stdout);
        return 0;
    }
    for (i = 0; argc >= 2 && i < G_N_ELEMENTS(subs); i++) {
        if (strcmp(argv[1], subs[i].name) == 0) {
            GOptionContext *ctx = cli_command(&subs[i].u, NULL);
            bool usage = false;
            rc = subs[i].run(c, argc - 1, argv + 1, ctx, &usage);
            if (usage)
                cli_usage_error(&subs[i].u);
            g_option_context_free(ctx);
            return rc;
        }
    }
    overview(stderr);
    return EXIT_USAGE;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_hold.c - trykk hold ID --reason TEXT, trykk release ID
 *
 * ID is a job (its name, or J and its number) or a letter (letter id, message id, piece
 * code, EA code). A held letter is not planned, and is taken out of the open job it sits
 * in; a held job is not closed at the cut-off and not dispatched. Release lets either go on
 * (a released letter is planned by the next `trykk run`).
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

/* A job name (J…) names a job (found); anything else a letter (none). */
static enum ledger_result names_job(struct jobs_ctx *e, const char *key)
{
    struct job_row j = {0};
    enum ledger_result found = ledger_resolve_job(e->ledger, key, &j);

    if (found == LEDGER_FOUND)
        job_row_free(&j);
    return found;
}

static int hold_one(struct jobs_ctx *e, const char *key, const char *reason)
{
    char *err = NULL, *what = NULL;
    enum ledger_result named = names_job(e, key);
    bool job = named == LEDGER_FOUND;
    int rc = -1;

    if (named == LEDGER_ERROR)
        err = g_strdup_printf("%s: %s", key, ledger_error(e->ledger));
    else
        rc = job ? jobs_hold_job(e, key, reason, &what, &err)
                 : jobs_hold_letter(e, key, reason, &what, &err);

    if (rc == 0 && reason)
        cli_printf("%s %s is on hold: %s\n", job ? "job" : "letter", what, reason);
    else if (rc == 0)
        cli_printf("%s %s is released%s\n", job ? "job" : "letter", what,
                   job ? "" : "; the next trykk run plans it");
    else
        fprintf(stderr, "trykk: %s\n", err);
    g_free(what);
    g_free(err);
    return rc == 0 ? 0 : EXIT_LETTERS;
}

static const struct cli_usage hold_usage = {
    "hold", "JOB|LETTER --reason TEXT",
    "Stop a letter or a job where it is. A held letter is not planned, and is taken out of "
    "the open job it is in (a letter in a closing or published job is refused: hold its "
    "job). A held job is not closed at the cut-off or by job close, and not dispatched. "
    "LETTER: letter id, message id, piece code or EA code; JOB: its name or J and its number.",
    NULL};
static const struct cli_usage release_usage = {
    "release", "JOB|LETTER",
    "Let a held letter or job go on: a letter is planned by the next trykk run, a job closes "
    "or is dispatched again.", NULL};

static int hold_cmd(struct config *c, int argc, char **argv, bool hold)
{
    char *reason = NULL, *err = NULL;
    GOptionEntry entries[] = {
        {"reason", 0, 0, G_OPTION_ARG_STRING, &reason, "why (required; recorded in the "
         "letters' history)", "TEXT"},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    const struct cli_usage *u = hold ? &hold_usage : &release_usage;
    GOptionContext *ctx = cli_command(u, hold ? entries : NULL);
    struct engine e = {0};
    int rc = EXIT_USAGE;

    if (!cli_parse(ctx, &argc, &argv) || argc != 2 || (hold && (!reason || !*reason))) {
        cli_usage_error(u);
    } else if (engine_open_ledger(&e, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        engine_teardown(&e);
    } else {
        struct jobs_ctx jc = engine_jobs(&e, c);
        rc = hold_one(&jc, argv[1], hold ? reason : NULL);
        engine_teardown(&e);
    }
    g_free(reason);
    g_free(err);
    g_option_context_free(ctx);
    return rc;
}

int cmd_hold(struct config *c, int argc, char **argv) { return hold_cmd(c, argc, argv, true); }

int cmd_release(struct config *c, int argc, char **argv)
{
    return hold_cmd(c, argc, argv, false);
}

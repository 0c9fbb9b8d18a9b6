/*
 * cmd_jobs.c - trykk jobs [--json], trykk job close JOB|--all, and the print step of a run.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

int print_engine_setup(struct engine *e, struct print_setup *ps, struct config *c, char **err)
{
    memset(ps, 0, sizeof *ps);
    if (engine_setup(e, c, err) < 0)
        return -1;
    return print_setup_load(ps, c->kf, c->dir, err);
}

void print_engine_teardown(struct engine *e, struct print_setup *ps)
{
    print_setup_free(ps);
    engine_teardown(e);
}

int print_run(struct engine *e, struct print_setup *ps, bool progress)
{
    struct plan_stats st = {0};
    int rc = jobs_recover(e, ps);

    if (jobs_plan(e, ps, &st, progress) < 0)
        rc = -1;
    if (st.planned || st.jobs_closed || st.jobs_failed) {
        cli_printf("planned %d: eco %d (fell back to normal %d), C5 %d, C4 %d, manual %d; "
               "jobs published %d", st.planned, st.eco, st.eco_fallback, st.c5, st.c4, st.manual,
               st.jobs_closed);
        if (st.jobs_failed)
            cli_printf(", failed %d", st.jobs_failed);
        putchar('\n');
        fflush(stdout);
    }
    return rc;
}

void jobs_print_table(json_t *jobs, const char *root)
{
    size_t i;
    json_t *j;

    cli_printf("%-12s %-8s %-10s %-6s %-9s %-2s %-10s %7s %7s  %s\n", "JOB", "STATE", "LAYOUT",
           "ENVEL.", "COLOUR", "", "DAY", "LETTERS", "SHEETS", "FILES");
    json_array_foreach(jobs, i, j) {
        const char *name = json_string_value(json_object_get(j, "job"));
        const char *state = json_string_value(json_object_get(j, "state"));
        char *path = strcmp(state, "CLOSED") == 0 ? g_build_filename(root, "jobs", name, NULL)
                                                  : g_strdup("-");
        cli_printf("%-12s %-8s %-10s %-6s %-9s %-2s %-10s %7lld %7lld  %s\n", name, state,
               json_string_value(json_object_get(j, "layout")),
               json_string_value(json_object_get(j, "envelope")),
               json_string_value(json_object_get(j, "colour")),
               json_string_value(json_object_get(j, "posttype")),
               json_string_value(json_object_get(j, "day")),
               json_integer_value(json_object_get(j, "letters")),
               json_integer_value(json_object_get(j, "sheets")), path);
        g_free(path);
    }
}

int cmd_jobs(struct config *c, int argc, char **argv)
{
    gboolean as_json = FALSE;
    GOptionEntry entries[] = {{"json", 0, 0, G_OPTION_ARG_NONE, &as_json, "JSON output", NULL},
                              {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = g_option_context_new("- list print jobs");
    struct engine e = {0};
    char *err = NULL;
    int rc = EXIT_USAGE;

    g_option_context_add_main_entries(ctx, entries, NULL);
    e.spool.lock_fd = -1;
    if (!g_option_context_parse(ctx, &argc, &argv, NULL) || argc > 1) {
        fprintf(stderr, "usage: trykk jobs [--json]\n");
    } else if (engine_open_ledger(&e, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
    } else {
        json_t *jobs = ledger_jobs_json(e.ledger);
        size_t i;
        json_t *j;
        json_array_foreach(jobs, i, j) {
            const char *state = json_string_value(json_object_get(j, "state"));
            if (strcmp(state, "CLOSED") == 0) {
                char *p = g_build_filename(e.spool.jobs, json_string_value(json_object_get(j,
                                           "job")), NULL);
                json_object_set_new(j, "path", json_string(p));
                g_free(p);
            }
        }
        if (as_json)
            json_dumpf(jobs, stdout, JSON_INDENT(2)), putchar('\n');
        else
            jobs_print_table(jobs, c->spool_root);
        json_decref(jobs);
        rc = 0;
    }
    engine_teardown(&e);
    g_free(err);
    g_option_context_free(ctx);
    return rc;
}

static int close_named(struct engine *e, struct print_setup *ps, const char *name, bool all)
{
    GArray *ids = ledger_jobs_in_state(e->ledger, "OPEN", NULL);
    struct job_row j = {0};
    char *err = NULL;
    int rc = 0;
    guint i;

    if (!all) {
        g_array_set_size(ids, 0);
        if (ledger_job_get(e->ledger, name, &j) != 0) {
            fprintf(stderr, "trykk: no job named %s (see trykk jobs)\n", name);
            g_array_free(ids, TRUE);
            return EXIT_USAGE;
        }
        g_array_append_val(ids, j.id);
        job_row_free(&j);
    }
    for (i = 0; i < ids->len; i++) {
        long long id = g_array_index(ids, long long, i);
        if (jobs_close(e, ps, id, &err) < 0) {
            fprintf(stderr, "trykk: %s\n", err);
            g_clear_pointer(&err, g_free);
            rc = EXIT_LETTERS;
        } else if (ledger_job_by_id(e->ledger, id, &j) == 0) {
            cli_printf("%s closed: %d letters, %d sheets, %d pages in %s/%s\n", j.name, j.letters,
                   j.sheets, j.pages, e->spool.jobs, j.name);
            job_row_free(&j);
        }
    }
    if (all && ids->len == 0)
        cli_printf("no open jobs\n");
    g_array_free(ids, TRUE);
    return rc;
}

static int cancel_named(struct engine *e, const char *name, const char *reason)
{
    char *err = NULL;
    int letters, rc = jobs_cancel(e, name, reason, &letters, &err);

    if (rc == 0)
        cli_printf("%s cancelled: %d letters will not be posted; their senders get feil SERVER. "
               "Destroy the job's printed sheets.\n", name, letters);
    else
        fprintf(stderr, "trykk: %s\n", err);
    g_free(err);
    return rc == 0 ? 0 : EXIT_LETTERS;
}

int cmd_job(struct config *c, int argc, char **argv)
{
    gboolean all = FALSE;
    char *reason = NULL;
    GOptionEntry entries[] = {{"all", 0, 0, G_OPTION_ARG_NONE, &all, "every open job", NULL},
                              {"reason", 0, 0, G_OPTION_ARG_STRING, &reason,
                               "why a job is cancelled (sent to the sender: no personal data)",
                               "TEXT"},
                              {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = g_option_context_new("close JOB|--all, cancel JOB --reason TEXT");
    struct engine e;
    struct print_setup ps;
    char *err = NULL;
    int rc = EXIT_USAGE;
    bool close = argc >= 2 && strcmp(argv[1], "close") == 0;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, NULL) || argc < 2 ||
        (close ? (all ? argc != 2 : argc != 3)
               : strcmp(argv[1], "cancel") != 0 || argc != 3 || !reason || !*reason || all)) {
        fprintf(stderr, "usage: trykk job close JOB | trykk job close --all\n"
                        "       trykk job cancel JOB --reason TEXT\n");
        g_option_context_free(ctx);
        g_free(reason);
        return rc;
    }
    if (print_engine_setup(&e, &ps, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
    } else if (jobs_recover(&e, &ps) < 0) {
        rc = EXIT_LETTERS;
    } else if (close) {
        rc = close_named(&e, &ps, all ? NULL : argv[2], all);
    } else {
        rc = cancel_named(&e, argv[2], reason);
    }
    g_free(reason);
    print_engine_teardown(&e, &ps);
    crypto_shutdown();
    g_free(err);
    g_option_context_free(ctx);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_jobs.c - trykk jobs [--state S] [--day D] [--json], and the print step of a run.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

int print_engine_setup(struct engine *e, struct print_setup *ps, struct jobs_ctx *jc,
                       struct config *c, char **err)
{
    memset(ps, 0, sizeof *ps);
    if (jc)
        memset(jc, 0, sizeof *jc);
    if (engine_setup(e, c, err) < 0)
        return -1;
    if (jc)
        *jc = engine_jobs(e, c);
    return print_setup_load(ps, c->kf, c->dir, err);
}

void print_engine_teardown(struct engine *e, struct print_setup *ps)
{
    print_setup_free(ps);
    engine_teardown(e);
}

int print_run(struct jobs_ctx *e, struct print_setup *ps, bool progress)
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

/* A job has files in jobs/ from its publication on. */
static bool published(const char *state)
{
    enum job_state s = JOB_STATE_CLOSED;

    return !job_state_parse(state, &s) || (s != JOB_STATE_OPEN && s != JOB_STATE_CLOSING);
}

static const char *str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v ? v : "-";
}

void jobs_print_table(json_t *jobs, const char *root)
{
    size_t i;
    json_t *j;

    cli_printf("%-9s %-10s %-4s %-10s %-6s %-9s %-4s %-10s %7s %7s %-10s %s\n", "JOB", "STATE",
               "HOLD", "LAYOUT", "ENVEL.", "COLOUR", "A/B", "DAY", "LETTERS", "SHEETS",
               "REPRINT OF", "FILES");
    json_array_foreach(jobs, i, j) {
        const char *name = str(j, "job");
        char *path = published(str(j, "state")) ? g_build_filename(root, "jobs", name, NULL)
                                                : g_strdup("-");
        cli_printf("%-9s %-10s %-4s %-10s %-6s %-9s %-4s %-10s %7lld %7lld %-10s %s\n", name,
                   str(j, "state"), json_object_get(j, "held_at") ? "yes" : "-",
                   str(j, "layout"), str(j, "envelope"), str(j, "colour"), str(j, "posttype"),
                   str(j, "day"), json_integer_value(json_object_get(j, "letters")),
                   json_integer_value(json_object_get(j, "sheets")), str(j, "reprint_of"), path);
        g_free(path);
    }
}

static bool known_state(char *s)
{
    char *up = s ? g_ascii_strup(s, -1) : NULL;
    enum job_state st;
    bool known = up && job_state_parse(up, &st);

    if (known)
        strcpy(s, up); /* the ledger's spelling */
    g_free(up);
    return known || !s;
}

static const struct cli_usage jobs_usage = {
    "jobs", "[--state S] [--day D] [--json]",
    "Print jobs, oldest first: state (OPEN, CLOSING, CLOSED = published, PRINTED, RECONCILED, "
    "DISPATCHED, CANCELLED), whether an operator holds it, layout, envelope, colour, posttype "
    "(A/B), posting day, letters, sheets, the job it reprints, and the directory of its "
    "files.", NULL};

int cmd_jobs(struct config *c, int argc, char **argv)
{
    gboolean as_json = FALSE;
    char *state = NULL, *day = NULL, *err = NULL;
    GOptionEntry entries[] = {
        {"state", 0, 0, G_OPTION_ARG_STRING, &state, "only jobs in this state: OPEN, CLOSING, "
         "CLOSED, PRINTED, RECONCILED, DISPATCHED or CANCELLED", "S"},
        {"day", 0, 0, G_OPTION_ARG_STRING, &day, "only jobs of this posting day (the day a "
         "dispatched job was handed over, else the day it is planned for)", "YYYY-MM-DD"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &as_json, "JSON output", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&jobs_usage, entries);
    struct engine e = {0};
    int rc = EXIT_USAGE;

    e.spool.lock_fd = -1;
    if (!cli_parse(ctx, &argc, &argv) || argc > 1) {
        cli_usage_error(&jobs_usage);
    } else if (!known_state(state)) {
        fprintf(stderr, "trykk: '%s' is not a job state (try --help)\n", state);
    } else if (!cli_date_arg("--day", day)) {
    } else if (engine_open_ledger(&e, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
    } else {
        json_t *jobs = ledger_jobs_json(e.ledger, state, day);
        size_t i;
        json_t *j;
        json_array_foreach(jobs, i, j) {
            if (published(str(j, "state"))) {
                char *p = g_build_filename(e.spool.jobs, str(j, "job"), NULL);
                json_object_set_new(j, "path", json_string(p));
                g_free(p);
            }
        }
        if (as_json)
            cli_print_json(jobs);
        else
            jobs_print_table(jobs, c->spool_root);
        json_decref(jobs);
        rc = 0;
    }
    engine_teardown(&e);
    g_free(err);
    g_free(state);
    g_free(day);
    g_option_context_free(ctx);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli.h - the trykk command line: configuration, engine set-up and the commands.
 *
 * Exit status: 0 the command did its job; 1 some letters failed or were quarantined, or
 * what was named is not there, or the command was refused (the message says why); 2 usage,
 * a bad argument (an impossible date) or configuration errors.
 */
#ifndef TRYKK_CLI_H
#define TRYKK_CLI_H

#include "../jobs/jobs.h"
#include "../pipeline/pipeline.h"
#include "../retention/retention.h"
#include "../returns/returns.h"

#define EXIT_LETTERS 1
#define EXIT_USAGE 2

struct config {
    char *file; /* NULL when running on defaults */
    char *dir;  /* relative paths in the file are relative to this */
    GKeyFile *kf;
    char *spool_root;
    bool (*keep_waiting)(void); /* the daemon: wait for the spool lock while this says so;
                                 * NULL: up to [spool] lock_wait_seconds */
};

/* file: --config, else $TRYKK_CONFIG, else ./trykk.conf when present. */
int config_load(struct config *c, const char *file, const char *spool, char **err);
void config_free(struct config *c);
/* A whole number by its row in util/conf_table.c; the first error is kept in *err. */
int config_int(struct config *c, const char *group, const char *key, char **err);
/* A path value, relative to the configuration file's directory; URIs as written (paths.c). */
char *config_path(struct config *c, const char *group, const char *key);
/* Secrets readable only by us; configuration, anchors, layouts and tariffs not writable by
 * others (perm.c). config_check_file checks the configuration file alone. */
int config_check_permissions(struct config *c, char **err);
int config_check_file(struct config *c, char **err);
/* Keys, trust anchors, limits, spool (opened and locked) and ledger. */
int engine_setup(struct engine *e, struct config *c, char **err);
/* The spool lock, waiting up to [spool] lock_wait_seconds for it (spool_lock). */
int engine_lock(struct engine *e, struct config *c, char **err);
/* printf for text output: control and direction characters escaped (term.c). */
int cli_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void engine_teardown(struct engine *e);
/* Spool and ledger only, for read-only commands. */
int engine_open_ledger(struct engine *e, struct config *c, char **err);

/* contexts.c: the narrow context each module gets, borrowed from the engine (which must
 * outlive it). */
struct receipts_ctx engine_receipts(struct engine *e);
struct jobs_ctx engine_jobs(struct engine *e, struct config *c);
struct returns_ctx engine_returns(struct engine *e);
struct retention_ctx engine_retention(struct engine *e);

/* options.c: a command's options with a usage line, description and --help (exit 0). */
GOptionContext *cli_options(const char *usage, const char *summary,
                            const GOptionEntry *entries);
/* What a command says about itself: under --help, and when it is used wrongly. */
struct cli_usage {
    const char *name;    /* "handover", "job close" */
    const char *args;    /* its operands and options, "DAY [--out DIR]"; forms of a command
                          * used in several ways one a line */
    const char *summary; /* what it does, one paragraph */
    const char *help;    /* a longer description (cli_help) with the exit status; NULL: the
                          * common exit status line */
};
/* "NAME FORM1 | NAME FORM2 …", newly allocated. */
char *cli_usage_text(const struct cli_usage *u);
/* The options of command u (cli_options, and cli_help when u->help). */
GOptionContext *cli_command(const struct cli_usage *u, const GOptionEntry *entries);
/* "usage: trykk NAME ARGS (try `trykk NAME --help`)" on stderr; returns EXIT_USAGE. */
int cli_usage_error(const struct cli_usage *u);
/* false (message on stderr) on a bad option */
bool cli_parse(GOptionContext *ctx, int *argc, char ***argv);
/* true when value is NULL or a real date; else a message naming what, false */
bool cli_date_arg(const char *what, const char *value);
/* The operator confirms by typing answer: 1 yes (or yes given), 0 no, -1 not a terminal. */
int cli_confirm(const char *question, const char *answer, bool yes);

char *config_text(const char *orgnr, const char *key, const char *cert, const char *anchors,
                  const char *root);

int cmd_init(struct config *c, int argc, char **argv);
int cmd_run(struct config *c, int argc, char **argv);
int cmd_serve(struct config *c, int argc, char **argv);
/* The daemon (cmd_serve.c): `trykk serve`, and `trykk run --watch`. */
int serve_run(struct config *c);
int cmd_status(struct config *c, int argc, char **argv);
/* Exit 0 healthy, 1 degraded, 2 down (cmd_health.c). */
int cmd_health(struct config *c, int argc, char **argv);
int cmd_show(struct config *c, int argc, char **argv);
/* Runs trykk-demo from beside this binary (the demo is a program of its own). */
int cmd_demo(struct config *c, int argc, char **argv);
int cmd_jobs(struct config *c, int argc, char **argv);
int cmd_job(struct config *c, int argc, char **argv);
int cmd_hold(struct config *c, int argc, char **argv);
int cmd_release(struct config *c, int argc, char **argv);
int cmd_reprint(struct config *c, int argc, char **argv);
int cmd_proof(struct config *c, int argc, char **argv);
int cmd_reconcile(struct config *c, int argc, char **argv);
int cmd_tariff(struct config *c, int argc, char **argv);
int cmd_dispatch(struct config *c, int argc, char **argv);
int cmd_returns(struct config *c, int argc, char **argv);
int cmd_handover(struct config *c, int argc, char **argv);
/* A command's --help: summary, and description wrapped at 78 columns (help.c). */
void cli_help(GOptionContext *ctx, const char *summary, const char *description);
int cmd_receipts(struct config *c, int argc, char **argv);
int cmd_purge(struct config *c, int argc, char **argv);
/* [retention] days (90), history_months (24) */
int retention_config(struct config *c, int *days, int *months, char **err);
int purge_print(struct retention_ctx *rt, int days, int months);
int cmd_settle(struct config *c, int argc, char **argv);
/* Every past posting day that waits, settled as `trykk settle day --pending` does (the
 * daemon's daily step): 0, or -1 when one could not be (the message on stderr). */
int settle_pending(struct ledger *l, const struct costs_setup *cs);
int cmd_costs(struct config *c, int argc, char **argv);
/* The invoice table of a period (as `trykk costs summary`), and this quarter's name. */
int costs_print_summary(struct config *c, const char *period);
char *costs_current_quarter(void);

/* The engine plus the print set-up ([render], [ea], [sender.*]), for commands that render;
 * jc (may be NULL) gets the jobs context of the engine. */
int print_engine_setup(struct engine *e, struct print_setup *ps, struct jobs_ctx *jc,
                       struct config *c, char **err);
void print_engine_teardown(struct engine *e, struct print_setup *ps);
/* After intake: finish interrupted jobs, plan accepted letters, close due jobs. */
int print_run(struct jobs_ctx *jc, struct print_setup *ps, bool progress);
/* The jobs of ledger_jobs_json as a table, with the directory of each published job. */
void jobs_print_table(json_t *jobs, const char *spool_root);
/* A JSON value on stdout, indented, in its keys' order. */
void cli_print_json(json_t *o);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_reconcile.c - trykk reconcile JOB SCAN-LOG [--force] [--json]
 *
 * Exit 0 when every piece is OK, 1 when some were missing, duplicated or damaged (their
 * reprint job is named in the output), the reprint share needs an operator, or the job or
 * the log is not there or not reconcilable; 2 on usage.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static void print_report(const char *job, const struct reconcile_report *r)
{
    size_t i;
    json_t *p;

    json_array_foreach(r->pieces, i, p) {
        const char *res = json_string_value(json_object_get(p, "result"));
        enum piece_state s;
        if (!piece_state_parse(res, &s) || s != PIECE_STATE_OK)
            printf("%s  %-10s letter %s\n", json_string_value(json_object_get(p, "piece")), res,
                   json_string_value(json_object_get(p, "letter")));
    }
    printf("%s: %zu pieces: OK %d, missing %d, duplicated %d, damaged %d", job,
           json_array_size(r->pieces), r->ok, r->missing, r->duplicated, r->damaged);
    if (r->unknown)
        printf("; %d scans of pieces not in this job", r->unknown);
    if (r->child)
        printf("; %d reprinted in job %s", r->reprinted, r->child);
    putchar('\n');
}

static const struct cli_usage reconcile_usage = {
    "reconcile", "JOB SCAN-LOG [--force] [--json]",
    "Check a published job against the inserter's log (one line per envelope: piece "
    "code[,OK|DAMAGED]). Every piece becomes OK, MISSING, DUPLICATED or DAMAGED; missing and "
    "damaged pieces are reprinted once in a reprint job. Reading the log confirms the job was "
    "printed; the job becomes RECONCILED.", NULL};

int cmd_reconcile(struct config *c, int argc, char **argv)
{
    gboolean force = FALSE, as_json = FALSE;
    GOptionEntry entries[] = {
        {"force", 0, 0, G_OPTION_ARG_NONE, &force, "reprint above the reprint limit", NULL},
        {"json", 0, 0, G_OPTION_ARG_NONE, &as_json, "JSON output", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&reconcile_usage, entries);
    struct reconcile_report rep = {0};
    struct engine e = {0};
    struct print_setup ps = {0};
    struct jobs_ctx jc = {0};
    char *err = NULL;
    int rc = EXIT_USAGE, r;

    if (!cli_parse(ctx, &argc, &argv) || argc != 3) {
        g_option_context_free(ctx);
        return cli_usage_error(&reconcile_usage);
    }
    if (print_engine_setup(&e, &ps, &jc, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
    } else {
        r = jobs_reconcile(&jc, &ps, argv[1], argv[2], force, &rep, &err);
        if (r >= 0 && as_json) {
            json_t *o = json_pack("{s:s, s:O, s:i, s:i, s:i, s:i, s:i, s:s?}", "job", argv[1],
                                  "pieces", rep.pieces, "ok", rep.ok, "missing", rep.missing,
                                  "duplicated", rep.duplicated, "damaged", rep.damaged,
                                  "unknown", rep.unknown, "reprint_job", rep.child);
            json_dumpf(o, stdout, JSON_INDENT(2));
            putchar('\n');
            json_decref(o);
        } else if (r >= 0) {
            print_report(argv[1], &rep);
        }
        if (err)
            fprintf(stderr, "trykk: %s\n", err);
        rc = r != 0 || rep.missing || rep.duplicated || rep.damaged ? EXIT_LETTERS : 0;
    }
    json_decref(rep.pieces);
    g_free(rep.child);
    print_engine_teardown(&e, &ps);
    crypto_shutdown();
    g_free(err);
    g_option_context_free(ctx);
    return rc;
}

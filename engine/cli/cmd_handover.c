/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_handover.c - trykk handover DAY [--out DIR]: the posting day's handover note for Posten
 * (one PDF to sign and one CSV for everything dispatched that day, reprint jobs included).
 *
 * Without --out the note is made again in <spool>/handover/, where dispatch keeps it up to
 * date; with --out it is written into DIR (made 0700 when missing). Exit status: 0 written,
 * 1 nothing was dispatched that day or the files cannot be written, 2 usage.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static const char handover_help[] =
    "DAY is the posting day, YYYY-MM-DD or DD.MM.YYYY. The note counts every piece posted in "
    "every job dispatched that day (reprint jobs too) in Posten's words and bands: Innland / "
    "Europa / Verden, A-post / B-post, småbrev (C5) / storbrev (C4 and manual pieces), and the "
    "weight bands of the postage table valid that day (0–20 g, 21–50 g, …); per zone, A/B and "
    "format the trays ([handover] small_per_tray, large_per_tray); the pieces with the EA mark; "
    "the provider's [provider] name, address and customer_number; the time it was made; and "
    "the day's jobs. Files: handover-DAY.pdf and handover-DAY.csv. `trykk dispatch` makes "
    "them again in <spool>/handover/ whenever a job is dispatched.\n\n"
    "Exit status: 0 written, 1 nothing was dispatched that day or a file cannot be written, 2 "
    "usage or a malformed day.";

static int load(struct engine *e, struct config *c, struct handover_day *d, const char *day,
                char **err)
{
    struct jobs_ctx jc = engine_jobs(e, c);

    return handover_day_load(d, &jc, day, err);
}

static int make(struct config *c, const char *day, const char *out)
{
    struct engine e = {0};
    struct handover_day d = {0};
    char *err = NULL, *dir = NULL;
    int rc = EXIT_LETTERS;

    /* the spool's copy is what dispatch keeps up to date: one writer at a time */
    if (engine_open_ledger(&e, c, &err) < 0 || (!out && engine_lock(&e, c, &err) < 0)) {
        fprintf(stderr, "trykk: %s\n", err);
        rc = EXIT_USAGE;
    } else if (load(&e, c, &d, day, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        rc = EXIT_USAGE;
    } else if (d.jobs->len == 0) {
        fprintf(stderr, "trykk: no job was dispatched on %s; no handover note\n", day);
    } else {
        struct jobs_ctx jc = engine_jobs(&e, c);
        dir = out ? g_canonicalize_filename(out, NULL) : handover_dir(&jc);
        if (d.missing)
            fprintf(stderr, "trykk: warning: %s not configured; the note says so\n", d.missing);
        if (handover_day_write(&d, dir, &err) == 0) {
            printf("handover %s: %lld pieces in %u jobs, %d trays, %lld with the EA mark\n"
                   "  %s/handover-%s.pdf\n  %s/handover-%s.csv\n", day, d.pieces, d.jobs->len,
                   d.trays, d.ea, dir, day, dir, day);
            rc = 0;
        } else {
            fprintf(stderr, "trykk: %s\n", err);
        }
    }
    handover_day_free(&d);
    engine_teardown(&e);
    g_free(dir);
    g_free(err);
    return rc;
}

static const struct cli_usage handover_usage = {
    "handover", "DAY [--out DIR]", "the posting day's handover note for Posten (PDF and CSV)",
    handover_help};

int cmd_handover(struct config *c, int argc, char **argv)
{
    char *out = NULL, day[11];
    GOptionEntry entries[] = {
        {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "write the two files into DIR (default "
         "<spool>/handover)", "DIR"},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&handover_usage, entries);
    int rc = EXIT_USAGE;

    if (!cli_parse(ctx, &argc, &argv) || argc != 2)
        cli_usage_error(&handover_usage);
    else if (!day_parse(argv[1], day))
        fprintf(stderr, "trykk: '%s' is not a day (YYYY-MM-DD or DD.MM.YYYY)\n", argv[1]);
    else
        rc = make(c, day, out);
    g_free(out);
    g_option_context_free(ctx);
    return rc;
}

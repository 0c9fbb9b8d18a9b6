/* SPDX-License-Identifier: Apache-2.0 */
/*
 * options.c - one way for every command to take its options: a usage line, a description
 * and the options under --help (exit 0), a clear message and exit 2 for a bad option, and
 * the operator's confirmation of what cannot be undone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

GOptionContext *cli_options(const char *usage, const char *summary,
                            const GOptionEntry *entries)
{
    GOptionContext *ctx = g_option_context_new(usage);

    g_option_context_set_summary(ctx, summary);
    g_option_context_set_description(ctx, "Exit status: 0 done, 1 not found or refused (the "
                                          "message says why), 2 usage or a bad argument.");
    if (entries)
        g_option_context_add_main_entries(ctx, entries, NULL);
    return ctx;
}

bool cli_parse(GOptionContext *ctx, int *argc, char ***argv)
{
    GError *gerr = NULL;

    if (g_option_context_parse(ctx, argc, argv, &gerr))
        return true;
    fprintf(stderr, "trykk: %s (try --help)\n", gerr->message);
    g_error_free(gerr);
    return false;
}

bool cli_date_arg(const char *what, const char *value)
{
    if (!value || date_valid(value))
        return true;
    fprintf(stderr, "trykk: %s '%s' is not a date (YYYY-MM-DD)\n", what, value);
    return false;
}

void cli_print_json(json_t *o)
{
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

    puts(s);
    free(s);
}

int cli_confirm(const char *question, const char *answer, bool yes)
{
    char line[128];

    if (yes)
        return 1;
    if (!isatty(STDIN_FILENO)) {
        fprintf(stderr, "trykk: not a terminal: confirm with --yes\n");
        return -1;
    }
    fprintf(stderr, "%s\ntype %s to confirm: ", question, answer);
    fflush(stderr);
    if (!fgets(line, sizeof line, stdin))
        return 0;
    return strcmp(g_strstrip(line), answer) == 0;
}

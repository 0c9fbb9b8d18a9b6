/* SPDX-License-Identifier: Apache-2.0 */
/*
 * options.c - one way for every command to take its options: a usage line, a description
 * and the options under --help (exit 0), a clear message and exit 2 for a bad option, the
 * same usage line for every command (cli_usage_error), and the operator's confirmation of
 * what cannot be undone.
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

char *cli_usage_text(const struct cli_usage *u)
{
    char **forms = g_strsplit(u->args, "\n", -1), *sep = g_strconcat(" | ", u->name, " ", NULL);
    char *all = g_strjoinv(sep, forms);
    char *text = *all ? g_strconcat(u->name, " ", all, NULL) : g_strdup(u->name);

    g_free(all);
    g_free(sep);
    g_strfreev(forms);
    return text;
}

GOptionContext *cli_command(const struct cli_usage *u, const GOptionEntry *entries)
{
    char *usage = cli_usage_text(u);
    GOptionContext *ctx = cli_options(usage, u->summary, entries);

    if (u->help)
        cli_help(ctx, u->summary, u->help);
    g_free(usage);
    return ctx;
}

int cli_usage_error(const struct cli_usage *u)
{
    char **forms = g_strsplit(u->args, "\n", -1);
    guint i, n = MAX(g_strv_length(forms), 1); /* "" splits into no form at all */

    for (i = 0; i < n; i++)
        fprintf(stderr, "%s trykk %s%s%s", i ? "\n      " : "usage:", u->name,
                forms[i] && *forms[i] ? " " : "", forms[i] ? forms[i] : "");
    fprintf(stderr, " (try `trykk %s --help`)\n", u->name);
    g_strfreev(forms);
    return EXIT_USAGE;
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

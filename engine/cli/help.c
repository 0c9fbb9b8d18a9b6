/* SPDX-License-Identifier: Apache-2.0 */
/*
 * help.c - the text of a command's --help: its summary and a description wrapped at 78
 * columns (paragraphs separated by a blank line), set on the command's GOptionContext.
 */
#include <string.h>
#include "cli.h"

#define HELP_WIDTH 78

static void wrap_paragraph(GString *out, const char *para)
{
    char **words = g_strsplit_set(para, " \n", -1);
    size_t col = 0, i;

    for (i = 0; words[i]; i++) {
        size_t n = g_utf8_strlen(words[i], -1);
        if (!n)
            continue;
        if (col && col + 1 + n > HELP_WIDTH) {
            g_string_append_c(out, '\n');
            col = 0;
        } else if (col) {
            g_string_append_c(out, ' ');
            col++;
        }
        g_string_append(out, words[i]);
        col += n;
    }
    g_strfreev(words);
}

void cli_help(GOptionContext *ctx, const char *summary, const char *description)
{
    char **paras = g_strsplit(description, "\n\n", -1);
    GString *out = g_string_new(NULL);
    size_t i;

    for (i = 0; paras[i]; i++) {
        if (i)
            g_string_append(out, "\n\n");
        wrap_paragraph(out, paras[i]);
    }
    g_option_context_set_summary(ctx, summary);
    g_option_context_set_description(ctx, out->str);
    g_string_free(out, TRUE);
    g_strfreev(paras);
}

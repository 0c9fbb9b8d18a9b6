/* SPDX-License-Identifier: Apache-2.0 */
/*
 * conf_write.c - the commented trykk.conf that `trykk init` writes, from conf_table.c: each
 * section with its comment, each key with its comment and its default (or an example,
 * commented out), in table order.
 */
#include "conf.h"

static void comment(GString *out, const char *text)
{
    char **lines;
    int i;

    if (!text)
        return;
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++)
        g_string_append_printf(out, "# %s\n", lines[i]);
    g_strfreev(lines);
}

static void key_line(GString *out, const struct conf_key *k, const char *const *args,
                     int nargs, int *arg)
{
    const char *v = k->shown ? k->shown : k->def ? k->def : "";

    if (k->write == CONF_WRITE_NOT)
        return;
    if (k->write == CONF_WRITE_ARG)
        v = *arg < nargs && args[*arg] ? args[*arg] : "";
    if (k->write == CONF_WRITE_ARG)
        (*arg)++;
    comment(out, k->comment);
    g_string_append_printf(out, "%s%s=%s\n", k->write == CONF_WRITE_HASHED ? "#" : "", k->key,
                           v);
}

/* A section whose keys are all read but not written is left out of the file. */
static bool written(const struct conf_section *s)
{
    const struct conf_key *k;

    for (k = conf_keys; k->key; k++)
        if (g_strcmp0(k->section, s->name) == 0 && k->write != CONF_WRITE_NOT)
            return true;
    return false;
}

char *conf_text(const char *const *args, int nargs)
{
    GString *out = g_string_new(
        "# trykk configuration (GKeyFile). Relative paths are relative to this file.\n");
    const struct conf_section *s;
    const struct conf_key *k;
    int arg = 0;

    for (s = conf_sections; s->name; s++) {
        if (!written(s))
            continue;
        g_string_append_c(out, '\n');
        comment(out, s->comment);
        g_string_append_printf(out, "%s[%s]\n", s->hashed ? "#" : "", s->written);
        for (k = conf_keys; k->key; k++)
            if (g_strcmp0(k->section, s->name) == 0)
                key_line(out, k, args, nargs, &arg);
    }
    return g_string_free(out, FALSE);
}

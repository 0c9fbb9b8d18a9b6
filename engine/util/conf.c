/* SPDX-License-Identifier: Apache-2.0 */
/*
 * conf.c - the typed getters of conf.h: one error rule and one message format for every
 * configuration file.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "error.h"

static const char *where(const struct conf *c)
{
    return c->name ? c->name : "config";
}

/* The one message format: "NAME: [SECTION] KEY WHAT", or without the key or section. */
static int fail_v(struct conf *c, const char *section, const char *key, const char *fmt,
                  va_list ap)
{
    char *m;

    if (*c->err)
        return -1;
    m = g_strdup_vprintf(fmt, ap);
    if (!section)
        error_first(c->err, "%s: %s", where(c), m);
    else if (!key)
        error_first(c->err, "%s: [%s] %s", where(c), section, m);
    else
        error_first(c->err, "%s: [%s] %s %s", where(c), section, key, m);
    g_free(m);
    return -1;
}

int conf_error_v(struct conf *c, const char *fmt, va_list ap)
{
    return fail_v(c, NULL, NULL, fmt, ap);
}

int conf_error(struct conf *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fail_v(c, NULL, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int conf_fail(struct conf *c, const char *section, const char *key, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fail_v(c, section, key, fmt, ap);
    va_end(ap);
    return -1;
}

char *conf_string(struct conf *c, const char *section, const char *key)
{
    char *v = c->kf ? g_key_file_get_string(c->kf, section, key, NULL) : NULL;

    if (v && !*g_strstrip(v))
        g_clear_pointer(&v, g_free);
    return v;
}

char *conf_required(struct conf *c, const char *section, const char *key)
{
    char *v = conf_string(c, section, key);

    if (!v)
        conf_fail(c, section, key, "is missing");
    return v;
}

char *conf_path(struct conf *c, const char *section, const char *key)
{
    char *v = conf_string(c, section, key), *p;

    if (!v || strchr(v, ':') || g_path_is_absolute(v))
        return v;
    p = g_canonicalize_filename(v, c->dir);
    g_free(v);
    return p;
}

char **conf_lines(struct conf *c, const char *section, const char *key)
{
    char *v = conf_string(c, section, key), **l;
    int i;

    if (!v)
        return NULL;
    l = g_strsplit(v, ";", 8);
    for (i = 0; l[i]; i++)
        g_strstrip(l[i]);
    g_free(v);
    return l;
}

int conf_integer(struct conf *c, const char *section, const char *key, long def, long min,
                 long max, long *out)
{
    char *v = conf_string(c, section, key), *end = NULL;
    long n = v ? strtol(v, &end, 10) : def;
    bool bad = v && (*end || n < min || n > max);

    g_free(v);
    *out = n;
    if (bad) {
        *out = def;
        return conf_fail(c, section, key, "must be a whole number from %ld to %ld", min, max);
    }
    return 0;
}

int conf_number(struct conf *c, const char *section, const char *key, double def, double min,
                double max, double *out)
{
    char *v = conf_string(c, section, key), *end = NULL;
    double x = v ? g_ascii_strtod(v, &end) : def;
    bool bad = v && (*end || end == v), absent = !v;

    g_free(v);
    *out = x;
    if (absent && isnan(def)) {
        *out = min;
        return conf_fail(c, section, key, "is missing");
    }
    if (bad) {
        *out = min;
        return conf_fail(c, section, key, "is not a number");
    }
    if (!(x >= min && x <= max)) {
        *out = min;
        return conf_fail(c, section, key, "must lie between %g and %g", min, max);
    }
    return 0;
}

int conf_bool(struct conf *c, const char *section, const char *key, bool def, bool *out)
{
    static const char *const words[] = {"false", "true", "0", "1", NULL};
    int i = def ? 1 : 0, rc = conf_choice(c, section, key, words, i, &i);

    *out = i % 2 == 1;
    return rc;
}

static char *alternatives(const char *const *words)
{
    GString *s = g_string_new(words[0]);
    int i;

    for (i = 1; words[i]; i++)
        g_string_append_printf(s, "%s%s", words[i + 1] ? ", " : " or ", words[i]);
    return g_string_free(s, FALSE);
}

int conf_choice(struct conf *c, const char *section, const char *key,
                const char *const *words, int def, int *out)
{
    char *v = conf_string(c, section, key), *all;
    int i;

    *out = def;
    if (!v)
        return 0;
    for (i = 0; words[i] && strcmp(words[i], v) != 0; i++)
        ;
    g_free(v);
    if (words[i]) {
        *out = i;
        return 0;
    }
    all = alternatives(words);
    conf_fail(c, section, key, "must be %s", all);
    g_free(all);
    return -1;
}

int conf_time_of_day(struct conf *c, const char *section, const char *key, int def, int *out)
{
    char *v = conf_string(c, section, key), extra;
    unsigned h = 0, m = 0;
    bool bad = v && (sscanf(v, "%u:%u%c", &h, &m, &extra) != 2 || h > 23 || m > 59);

    *out = v && !bad ? (int)(h * 60 + m) : def;
    g_free(v);
    return bad ? conf_fail(c, section, key, "must be a time of day as HH:MM") : 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * conf.h - the one reader of configuration files (GKeyFile): trykk.conf, the layouts, stocks
 * and mark profiles, the tariff files.
 *
 * One rule for every value: an absent or blank key takes its default; a value that is
 * present but wrong is an error, and the first error wins (error.h): it names the file, the
 * section, the key and what was wrong, as "FILE: [SECTION] KEY WHAT". A getter returns 0, or
 * -1 with the default in *out and the message in *c->err; callers may go on reading and
 * check once at the end.
 *
 * trykk.conf's keys, their types, ranges, defaults and comments are one table (conf_table.c):
 * the conf_get_* getters read a key by its row, and conf_text writes the commented file
 * `trykk init` creates from the same rows.
 */
#ifndef TRYKK_UTIL_CONF_H
#define TRYKK_UTIL_CONF_H

#include <stdarg.h>
#include <stdbool.h>
#include <glib.h>

struct conf {
    GKeyFile *kf;               /* NULL reads as an empty file */
    const char *name;           /* how messages name the file ("config", a path) */
    const char *dir;            /* relative paths are relative to it; NULL: the working one */
    char **err;                 /* the first error */
};

/* ---- reading any file (conf.c) ------------------------------------------------------------ */
/* "NAME: [SECTION] KEY WHAT" (no key: "NAME: [SECTION] WHAT"); -1. */
int conf_fail(struct conf *c, const char *section, const char *key, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
/* "NAME: MESSAGE", for what is not one key; -1. */
int conf_error(struct conf *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
int conf_error_v(struct conf *c, const char *fmt, va_list ap) G_GNUC_PRINTF(2, 0);
/* The value with white space trimmed; NULL when absent or blank (g_free). */
char *conf_string(struct conf *c, const char *section, const char *key);
/* As conf_string; absent is an error ("is missing"). */
char *conf_required(struct conf *c, const char *section, const char *key);
/* A path relative to c->dir (absolute paths and URIs, anything with ':', as they are). */
char *conf_path(struct conf *c, const char *section, const char *key);
/* A ';'-separated list of lines, each trimmed (at most 8); NULL when absent. */
char **conf_lines(struct conf *c, const char *section, const char *key);
/* A whole number in [min, max]; def when absent. */
int conf_integer(struct conf *c, const char *section, const char *key, long def, long min,
                 long max, long *out);
/* A number in [min, max]; def when absent, and absent is an error when def is NAN. */
int conf_number(struct conf *c, const char *section, const char *key, double def, double min,
                double max, double *out);
/* true/false (or 1/0); def when absent. */
int conf_bool(struct conf *c, const char *section, const char *key, bool def, bool *out);
/* One of words (NULL-terminated): its index; def when absent. */
int conf_choice(struct conf *c, const char *section, const char *key,
                const char *const *words, int def, int *out);
/* A time of day HH:MM, in minutes after midnight; def when absent. */
int conf_time_of_day(struct conf *c, const char *section, const char *key, int def, int *out);

/* ---- trykk.conf by its table (conf_table.c) ----------------------------------------------- */
enum conf_type { CONF_STRING, CONF_PATH, CONF_LINES, CONF_INT, CONF_BOOL, CONF_CHOICE,
                 CONF_TIME };

enum conf_write {
    CONF_WRITE_SET,             /* key=value */
    CONF_WRITE_HASHED,          /* #key=value: shown, not set */
    CONF_WRITE_ARG,             /* key=<a conf_text argument> */
    CONF_WRITE_NOT              /* read, but not written by trykk init */
};

struct conf_key {
    const char *section;        /* "sender.*": every [sender.<orgnr>] */
    const char *key;
    enum conf_type type;
    const char *def;            /* the default, as written; NULL: none */
    long min, max;              /* CONF_INT: the range */
    const char *words;          /* CONF_CHOICE: "a|b", the first is the default */
    enum conf_write write;
    const char *shown;          /* the value written when it is not def (an example) */
    const char *comment;        /* lines written above the key ('\n' between), or NULL */
};

struct conf_section {
    const char *name;           /* as matched ("sender.*") */
    const char *written;        /* as written ("sender.910000001") */
    bool hashed;                /* written as #[name] (an example section) */
    const char *comment;        /* lines written above it, or NULL */
};

extern const struct conf_key conf_keys[];
extern const struct conf_section conf_sections[];
/* The row of section/key ("sender.<anything>" matches "sender.*"); NULL when none. */
const struct conf_key *conf_key_of(const char *section, const char *key);

/* By the row's type, range and default (a key without a row is a programming error). */
char *conf_get_string(struct conf *c, const char *section, const char *key);
int conf_get_int(struct conf *c, const char *section, const char *key, int *out);
int conf_get_bool(struct conf *c, const char *section, const char *key, bool *out);
int conf_get_choice(struct conf *c, const char *section, const char *key, int *out);
int conf_get_time(struct conf *c, const char *section, const char *key, int *out);

/* The commented trykk.conf: the table's sections and keys in order; args are the values of
 * the CONF_WRITE_ARG keys in table order (orgnr, key, cert, anchors, root). */
char *conf_text(const char *const *args, int nargs);

#endif

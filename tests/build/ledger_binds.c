/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ledger_binds.c - the checker behind ledger_binds.py: prepares every statement it is given
 * against a fresh ledger and compares its parameter count with the number of type letters.
 *
 * Input: one "where<TAB>types<TAB>sql" line per ledger_stmt call. Exit status 1 when any
 * statement does not prepare or its letters do not match.
 */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "ledger/ledger.h"
#include "ledger/ledger_internal.h"

/* One line: 0 when its statement prepares and its letters match, else 1 (reported). */
static int check_line(struct ledger *l, char *line)
{
    char **f = g_strsplit(g_strchomp(line), "\t", 3);
    sqlite3_stmt *st = NULL;
    int bad = 0, want;

    if (g_strv_length(f) != 3) {
        fprintf(stderr, "bad input line: %s\n", line);
        g_strfreev(f);
        return 1;
    }
    want = (int)strlen(f[1]);
    if (sqlite3_prepare_v2(l->db, f[2], -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: does not prepare: %s\n", f[0], sqlite3_errmsg(l->db));
        bad = 1;
    } else if (sqlite3_bind_parameter_count(st) != want) {
        fprintf(stderr, "%s: %d type letter(s) \"%s\" for %d parameter(s)\n", f[0], want, f[1],
                sqlite3_bind_parameter_count(st));
        bad = 1;
    } else if (strspn(f[1], "silIL") != strlen(f[1])) {
        fprintf(stderr, "%s: unknown type letter in \"%s\"\n", f[0], f[1]);
        bad = 1;
    }
    sqlite3_finalize(st);
    g_strfreev(f);
    return bad;
}

int main(int argc, char **argv)
{
    char *dir = g_dir_make_tmp("trykk-binds-XXXXXX", NULL), *db, line[16384], *err = NULL;
    struct ledger *l = NULL;
    FILE *in = argc == 2 ? fopen(argv[1], "r") : NULL;
    int bad = 0, n = 0;

    db = g_build_filename(dir, "ledger.sqlite", NULL);
    if (!in || ledger_open(&l, db, &err) != 0) {
        fprintf(stderr, "usage: ledger_binds FILE (and a ledger to open: %s)\n",
                err ? err : "ok");
        return 2;
    }
    while (fgets(line, sizeof line, in)) {
        bad |= check_line(l, line);
        n++;
    }
    fclose(in);
    ledger_close(l);
    g_unlink(db);
    g_remove(dir); /* the WAL files went with the close */
    printf("%d statements prepared, %s\n", n, bad ? "some do not match" : "all match");
    g_free(db);
    g_free(dir);
    g_free(err);
    return bad;
}

/*
 * ledger_internal.h - shared by the ledger's source files only.
 */
#ifndef TRYKK_LEDGER_INTERNAL_H
#define TRYKK_LEDGER_INTERNAL_H

#include <sqlite3.h>

struct ledger {
    sqlite3 *db;
};

sqlite3_stmt *ledger_stmt(struct ledger *l, const char *sql, const char *types, ...);
int ledger_step_done(sqlite3_stmt *st);
/* Column i as a new string (g_free), or NULL. */
char *ledger_col_dup(sqlite3_stmt *st, int i);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ledger_internal.h - shared by the ledger's source files only.
 */
#ifndef TRYKK_LEDGER_INTERNAL_H
#define TRYKK_LEDGER_INTERNAL_H

#include <stdbool.h>
#include <glib.h>
#include <jansson.h>
#include <sqlite3.h>
#include "state.h"

struct ledger {
    sqlite3 *db;
    char first_error[256]; /* the error that failed the current transaction (ledger_error) */
};

sqlite3_stmt *ledger_stmt(struct ledger *l, const char *sql, const char *types, ...);
int ledger_step_done(sqlite3_stmt *st);
/* The first column of every row of st (which it finalizes), as strings (g_free). */
GPtrArray *ledger_strings(sqlite3_stmt *st);
/* Every row of st (which it finalizes) as an object of its non-NULL columns. */
json_t *ledger_rows_json(sqlite3_stmt *st);
/* Column i as a new string (g_free), or NULL. */
char *ledger_col_dup(sqlite3_stmt *st, int i);
/* Column i as text, "" when NULL (valid until the next step). */
const char *ledger_col_text(sqlite3_stmt *st, int i);
/* Column i names no state of kind ("letter", "job", "piece"): logged as the error it is;
 * false. Use: known = job_state_parse(ledger_col_text(st, i), &s) || ledger_bad_state(...). */
bool ledger_bad_state(sqlite3_stmt *st, int i, const char *kind);
/* Run an UPDATE (finalized): 0 when it changed exactly one row, 1 when none, -1 error. */
int ledger_changed_one(struct ledger *l, sqlite3_stmt *st);

/* A published job that is not dispatched or cancelled yet. */
#define JOB_AFTER_PRINT "'" JOB_CLOSED "', '" JOB_PRINTED "', '" JOB_RECONCILED "'"


/* settle.c: the settlement rows every settlement writes. */
struct settle_result;
int settlement_find(struct ledger *l, const char *id, struct settle_result *r);
/* End a settlement's transaction (rc 0: its rows are written) and fill settled_at. */
int settlement_end(struct ledger *l, int rc, struct settle_result *r, const char *at,
                   const char *what, char **err);
int settlement_insert(struct ledger *l, const char *id, const char *kind, const char *first,
                      const char *last, const char *at, long long letters, long long total,
                      json_t *detail);
/* unit, basis and bp: -1 stores NULL */
int settlement_group(struct ledger *l, const char *id, const char *grp, long long q,
                     long long paid, long long unit, long long basis, int bp, long long total);

#endif

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
#include "ledger.h"

struct ledger {
    sqlite3 *db;
    char first_error[256]; /* the error that failed the current transaction (ledger_error) */
};

/*
 * ledger_stmt - sql prepared, with one argument per letter of types bound in order:
 *   's' a string (NULL binds NULL)   'i' an int      'l' a long long
 *   'I' an int, 'L' a long long, where a negative value binds NULL (unknown, none)
 * There must be exactly one letter per parameter of sql. NULL (and logged) when sql does not
 * prepare, the letters do not match its parameters or a bind fails.
 */
sqlite3_stmt *ledger_stmt(struct ledger *l, const char *sql, const char *types, ...);
int ledger_step_done(sqlite3_stmt *st);

/* ---- rows.c: reading rows ----------------------------------------------------------------
 * A row reader: called with st on a row; returns 0 to go on, > 0 to stop after it, < 0 when
 * the row cannot be read (a state name the table does not know): an error. */
typedef int ledger_row_fn(sqlite3_stmt *st, void *arg);
/* Every row of st through row (may be NULL), then st finalized (st may be NULL: an error).
 * The number of rows read, or -1 when a step failed (logged) or the reader refused a row. */
int ledger_each(sqlite3_stmt *st, ledger_row_fn *row, void *arg);
/* The first row of st through row (may be NULL; < 0 from it is LEDGER_ERROR), st finalized. */
enum ledger_result ledger_one(sqlite3_stmt *st, ledger_row_fn *row, void *arg);
/* The first column of every row of st (which it finalizes), as strings (g_free). */
GPtrArray *ledger_strings(sqlite3_stmt *st);
/* Every row of st (which it finalizes) as an object of its non-NULL columns. */
json_t *ledger_rows_json(sqlite3_stmt *st);
/* The current row of st as such an object; the first row of st (finalized) or NULL. */
json_t *ledger_row_json(sqlite3_stmt *st);
json_t *ledger_row_one_json(sqlite3_stmt *st);
/* A row reader: column 0 into the long long at out. */
int ledger_int_column(sqlite3_stmt *st, void *out);
/* A row reader: columns 0 and 1 into out[0] and out[1], new strings (g_free) or NULL. */
int ledger_two_strings(sqlite3_stmt *st, void *out);
/* The first column of the first row of st (finalized): as an integer, -1 when there is no
 * row or on error; as a new string in *out (NULL unless found). */
long long ledger_one_int(sqlite3_stmt *st);
enum ledger_result ledger_one_string(sqlite3_stmt *st, char **out);
/* Column i as a new string (g_free), or NULL. */
char *ledger_col_dup(sqlite3_stmt *st, int i);
/* Column i as text, "" when NULL (valid until the next step). */
const char *ledger_col_text(sqlite3_stmt *st, int i);
/* Column i names no state of kind ("letter", "job", "piece"): logged as the error it is;
 * false. Use: known = job_state_parse(ledger_col_text(st, i), &s) || ledger_bad_state(...). */
bool ledger_bad_state(sqlite3_stmt *st, int i, const char *kind);
/* Run an UPDATE (finalized): 0 when it changed exactly one row, 1 when none, -1 error. */
int ledger_changed_one(struct ledger *l, sqlite3_stmt *st);

/* piece_code.c: piece_code(job, seq) as an SQL function on db. */
int ledger_piece_code_register(sqlite3 *db);

/* A published job that is not dispatched or cancelled yet. */
#define JOB_AFTER_PRINT "'" JOB_CLOSED "', '" JOB_PRINTED "', '" JOB_RECONCILED "'"


/* settle.c: the settlement rows every settlement writes. */
struct settle_result;
enum ledger_result settlement_find(struct ledger *l, const char *id,
                                   struct settle_result *r);
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

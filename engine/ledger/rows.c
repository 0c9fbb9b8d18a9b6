/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rows.c - reading a statement's rows: the one step loop every ledger query goes through.
 *
 * ledger_each steps a statement to its end (or until its reader stops), ledger_one reads the
 * first row only; both finalize the statement. A step that fails is logged with SQLite's
 * message and returned as an error: it is never taken for "no more rows", so a broken or
 * busy database cannot look like an empty one.
 */
#include <string.h>
#include "ledger.h"
#include "ledger_internal.h"
#include "../util/util.h"

/* A failed step: SQLite's message, with the start of the statement that failed. */
static void step_failed(sqlite3_stmt *st, int rc)
{
    log_error("ledger: %s (SQLite error %d) in \"%.60s\"",
              sqlite3_errmsg(sqlite3_db_handle(st)), rc, sqlite3_sql(st));
}

int ledger_each(sqlite3_stmt *st, ledger_row_fn *row, void *arg)
{
    int rc = SQLITE_ROW, n = 0, stop = 0;

    if (!st)
        return -1;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        n++;
        stop = row ? row(st, arg) : 0;
    }
    if (stop < 0) {
        n = -1;
    } else if (!stop && rc != SQLITE_DONE) {
        step_failed(st, rc);
        n = -1;
    }
    sqlite3_finalize(st);
    return n;
}

enum ledger_result ledger_one(sqlite3_stmt *st, ledger_row_fn *row, void *arg)
{
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
    enum ledger_result r = rc == SQLITE_ROW ? LEDGER_FOUND : rc == SQLITE_DONE ? LEDGER_NONE
                                                                             : LEDGER_ERROR;

    if (r == LEDGER_FOUND && row && row(st, arg) < 0)
        r = LEDGER_ERROR;
    if (r == LEDGER_ERROR && st && rc != SQLITE_ROW)
        step_failed(st, rc);
    sqlite3_finalize(st);
    return r;
}

char *ledger_col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? g_strdup((const char *)t) : NULL;
}

const char *ledger_col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? (const char *)t : "";
}

bool ledger_bad_state(sqlite3_stmt *st, int i, const char *kind)
{
    log_error("the ledger holds an unknown %s state \"%s\" (column %s)", kind,
              ledger_col_text(st, i), sqlite3_column_name(st, i));
    return false;
}

int ledger_changed_one(struct ledger *l, sqlite3_stmt *st)
{
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;

    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return -1;
    return sqlite3_changes(l->db) == 1 ? 0 : 1;
}

json_t *ledger_row_json(sqlite3_stmt *st)
{
    json_t *o = json_object();
    int i;

    for (i = 0; i < sqlite3_column_count(st); i++) {
        const char *name = sqlite3_column_name(st, i);
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            json_object_set_new(o, name, json_integer(sqlite3_column_int64(st, i)));
            break;
        case SQLITE_NULL:
            break;
        default:
            json_object_set_new(o, name, json_string((const char *)sqlite3_column_text(st, i)));
        }
    }
    return o;
}

static int add_string(sqlite3_stmt *st, void *out)
{
    g_ptr_array_add(out, ledger_col_dup(st, 0));
    return 0;
}

GPtrArray *ledger_strings(sqlite3_stmt *st)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

    (void)ledger_each(st, add_string, out);
    return out;
}

static int add_row_json(sqlite3_stmt *st, void *arr)
{
    json_array_append_new(arr, ledger_row_json(st));
    return 0;
}

json_t *ledger_rows_json(sqlite3_stmt *st)
{
    json_t *arr = json_array();

    (void)ledger_each(st, add_row_json, arr);
    return arr;
}

static int first_json(sqlite3_stmt *st, void *out)
{
    *(json_t **)out = ledger_row_json(st);
    return 0;
}

json_t *ledger_row_one_json(sqlite3_stmt *st)
{
    json_t *o = NULL;

    (void)ledger_one(st, first_json, &o);
    return o;
}

int ledger_int_column(sqlite3_stmt *st, void *out)
{
    *(long long *)out = sqlite3_column_int64(st, 0);
    return 0;
}

long long ledger_one_int(sqlite3_stmt *st)
{
    long long v = -1;

    return ledger_one(st, ledger_int_column, &v) == LEDGER_FOUND ? v : -1;
}

int ledger_two_strings(sqlite3_stmt *st, void *arg)
{
    char **out = arg;

    out[0] = ledger_col_dup(st, 0);
    out[1] = ledger_col_dup(st, 1);
    return 0;
}

static int first_string(sqlite3_stmt *st, void *out)
{
    *(char **)out = ledger_col_dup(st, 0);
    return 0;
}

enum ledger_result ledger_one_string(sqlite3_stmt *st, char **out)
{
    *out = NULL;
    return ledger_one(st, first_string, out);
}

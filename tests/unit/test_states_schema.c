/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_states_schema.c - the state name table and the schema's checked states: every enum
 * value round-trips through its name, a ledger of the previous schema version (6) is migrated
 * with every row intact, the CHECK constraints refuse a state the table does not know, and a
 * state the table does not know read from the ledger is an error. Each case runs alone.
 */
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include "ledger/ledger.h"

/* A temporary directory holding ledger.db (and its WAL). */
struct db {
    char *dir, *path;
};

static void db_init(struct db *d)
{
    d->dir = g_dir_make_tmp("trykk-states-XXXXXX", NULL);
    g_assert_nonnull(d->dir);
    d->path = g_build_filename(d->dir, "ledger.db", NULL);
}

static void db_free(struct db *d)
{
    static const char *const ext[] = {"", "-wal", "-shm"};

    for (size_t i = 0; i < G_N_ELEMENTS(ext); i++) {
        char *f = g_strconcat(d->path, ext[i], NULL);
        g_unlink(f);
        g_free(f);
    }
    g_rmdir(d->dir);
    g_free(d->path);
    g_free(d->dir);
}

static struct ledger *open_ledger(const char *path)
{
    struct ledger *l = NULL;
    char *err = NULL;

    if (ledger_open(&l, path, &err) != 0)
        g_error("ledger_open: %s", err ? err : "?");
    return l;
}

static sqlite3 *raw(const char *path)
{
    sqlite3 *db = NULL;

    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    return db;
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        g_error("%s: %s", sql, msg);
}

/* The first column of the first row of sql, as text (g_free), or NULL. */
static char *one(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    char *v = NULL;

    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        v = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

static void assert_one(sqlite3 *db, const char *sql, const char *want)
{
    char *v = one(db, sql);

    g_assert_cmpstr(v, ==, want);
    g_free(v);
}

/* ---- the name table ---------------------------------------------------------------------- */

#define NAMED_LETTER(n) g_assert_cmpstr(letter_state_name(LETTER_STATE_##n), ==, #n);
#define NAMED_JOB(n) g_assert_cmpstr(job_state_name(JOB_STATE_##n), ==, #n);
#define NAMED_PIECE(n) g_assert_cmpstr(piece_state_name(PIECE_STATE_##n), ==, #n);

static void test_round_trip(void)
{
    for (int i = 0; i < LETTER_STATE_COUNT; i++) {
        enum letter_state s = LETTER_STATE_COUNT;
        g_assert_true(letter_state_parse(letter_state_name((enum letter_state)i), &s));
        g_assert_cmpint(s, ==, i);
    }
    for (int i = 0; i < JOB_STATE_COUNT; i++) {
        enum job_state s = JOB_STATE_COUNT;
        g_assert_true(job_state_parse(job_state_name((enum job_state)i), &s));
        g_assert_cmpint(s, ==, i);
    }
    for (int i = 0; i < PIECE_STATE_COUNT; i++) {
        enum piece_state s = PIECE_STATE_COUNT;
        g_assert_true(piece_state_parse(piece_state_name((enum piece_state)i), &s));
        g_assert_cmpint(s, ==, i);
    }
    /* each macro is spelled as its list entry */
    LETTER_STATE_LIST(NAMED_LETTER, )
    JOB_STATE_LIST(NAMED_JOB, )
    PIECE_STATE_LIST(NAMED_PIECE, )
    g_assert_cmpint(LETTER_STATE_COUNT, ==, 12);
    g_assert_cmpint(JOB_STATE_COUNT, ==, 7);
    g_assert_cmpint(PIECE_STATE_COUNT, ==, 9);
}

static void test_unknown_names(void)
{
    enum letter_state l = LETTER_STATE_POSTED;
    enum job_state j = JOB_STATE_CLOSED;
    enum piece_state p = PIECE_STATE_OK;

    g_assert_false(letter_state_parse(V5_QUEUED, &l));
    g_assert_false(letter_state_parse("posted", &l)); /* the ledger's spelling only */
    g_assert_false(letter_state_parse(NULL, &l));
    g_assert_false(job_state_parse(LETTER_ACCEPTED, &j));
    g_assert_false(piece_state_parse("", &p));
    /* untouched when unknown */
    g_assert_cmpint(l, ==, LETTER_STATE_POSTED);
    g_assert_cmpint(j, ==, JOB_STATE_CLOSED);
    g_assert_cmpint(p, ==, PIECE_STATE_OK);
    g_assert_cmpstr(letter_state_name(LETTER_STATE_COUNT), ==, "?");
    g_assert_cmpstr(job_state_name((enum job_state)-1), ==, "?");
    g_assert_cmpstr(piece_state_name(PIECE_STATE_COUNT), ==, "?");
}

/* ---- the schema -------------------------------------------------------------------------- */

static const char letter_sql[] =
    "INSERT INTO letters (id, carrier, state, received_at, updated_at, layout, sheets,"
    " message_digest, print_instructions) VALUES ('L1', 'json', 'PLANNED', '2026-11-02T08:00:00Z',"
    " '2026-11-02T09:00:00Z', 'a4-c5', 2, 'abc', 'farge=ja');"
    "INSERT INTO letters (id, carrier, state, received_at, updated_at) VALUES"
    " ('L2', 'xml', 'POSTED', '2026-11-02T08:01:00Z', '2026-11-03T10:00:00Z');"
    "INSERT INTO jobs (id, name, colour, envelope, stock, posttype, layout, marks, state, day,"
    " opened_at, due_at) VALUES (1, 'J000001', 'SORT_HVIT', 'C5', 'A4', 'B', 'a4-c5', 'omr',"
    " 'RECONCILED', '2026-11-02', '2026-11-02T08:00:00Z', '2026-11-02T12:00:00Z');";

/* A v6 ledger: today's, with the pieces table as v6 had it (no CHECK), and rows in it. */
static void make_v6(const char *path)
{
    sqlite3 *db;

    ledger_close(open_ledger(path));
    db = raw(path);
    exec_ok(db, "PRAGMA foreign_keys=OFF; BEGIN; DROP TABLE pieces;"
                "CREATE TABLE pieces ("
                " job_id INTEGER NOT NULL REFERENCES jobs(id), letter_id TEXT NOT NULL"
                " REFERENCES letters(id), seq INTEGER, code TEXT UNIQUE, layout TEXT NOT NULL,"
                " sheets INTEGER NOT NULL, first_sheet INTEGER, weight_mg INTEGER NOT NULL,"
                " reprint_of TEXT UNIQUE, state TEXT NOT NULL, scan TEXT,"
                " PRIMARY KEY (job_id, letter_id));"
                "CREATE INDEX pieces_letter ON pieces(letter_id);"
                "PRAGMA user_version=6; COMMIT; PRAGMA foreign_keys=ON");
    exec_ok(db, letter_sql);
    exec_ok(db, "INSERT INTO pieces VALUES (1, 'L1', 1, '00000100001', 'a4-c5', 2, 1, 12500,"
                " NULL, 'MISSING', NULL);"
                "INSERT INTO pieces VALUES (1, 'L2', 2, '00000100002', 'a4-c5', 1, 3, 9000,"
                " NULL, 'POSTED', 'OK');");
    sqlite3_close(db);
}

#define PIECE_ROWS \
    "SELECT group_concat(job_id || '|' || letter_id || '|' || seq || '|' || code || '|' ||" \
    " layout || '|' || sheets || '|' || first_sheet || '|' || weight_mg || '|' ||" \
    " coalesce(reprint_of, '-') || '|' || state || '|' || coalesce(scan, '-'), ';')" \
    " FROM (SELECT * FROM pieces ORDER BY seq)"

static void test_migrate_v6(void)
{
    struct db d;
    sqlite3 *db;
    char *before, *letters;

    db_init(&d);
    make_v6(d.path);
    db = raw(d.path);
    before = one(db, PIECE_ROWS);
    letters = one(db, "SELECT group_concat(id || state || coalesce(layout, '-') ||"
                      " coalesce(message_digest, '-') || coalesce(print_instructions, '-'))"
                      " FROM letters");
    sqlite3_close(db);
    g_assert_nonnull(strstr(before, "MISSING"));

    ledger_close(open_ledger(d.path)); /* migrates to 7 */
    db = raw(d.path);
    assert_one(db, "PRAGMA user_version", "7");
    assert_one(db, PIECE_ROWS, before);
    assert_one(db, "SELECT group_concat(id || state || coalesce(layout, '-') ||"
                   " coalesce(message_digest, '-') || coalesce(print_instructions, '-'))"
                   " FROM letters", letters);
    assert_one(db, "SELECT count(*) FROM jobs WHERE name = 'J000001' AND state = 'RECONCILED'",
               "1");
    assert_one(db, "SELECT count(*) FROM sqlite_master WHERE name = 'pieces_letter'", "1");
    assert_one(db, "SELECT count(*) FROM sqlite_master WHERE name = 'pieces_v7'", "0");
    assert_one(db, "SELECT instr(sql, 'CHECK') > 0 FROM sqlite_master WHERE name = 'pieces'",
               "1");
    assert_one(db, "SELECT count(*) FROM pragma_foreign_key_check", "0");
    /* the unique codes are still unique */
    g_assert_cmpint(exec(db, "INSERT INTO pieces VALUES (1, 'L3', 3, '00000100001', 'a4-c5',"
                             " 1, 4, 9000, NULL, 'PLANNED', NULL)"), ==, SQLITE_CONSTRAINT);
    sqlite3_close(db);
    g_free(before);
    g_free(letters);
    db_free(&d);
}

/* A v6 piece in a state no version knows stops the migration; the ledger stays v6. */
static void test_migrate_refuses(void)
{
    struct db d;
    struct ledger *l = NULL;
    sqlite3 *db;
    char *err = NULL;

    db_init(&d);
    make_v6(d.path);
    db = raw(d.path);
    exec_ok(db, "UPDATE pieces SET state = 'LOST' WHERE letter_id = 'L1'");
    sqlite3_close(db);
    g_assert_cmpint(ledger_open(&l, d.path, &err), !=, 0);
    g_assert_nonnull(err);
    g_free(err);
    db = raw(d.path);
    assert_one(db, "PRAGMA user_version", "6");
    assert_one(db, "SELECT count(*) FROM pieces", "2");
    sqlite3_close(db);
    db_free(&d);
}

static void test_check_refuses(void)
{
    struct db d;
    sqlite3 *db;

    db_init(&d);
    ledger_close(open_ledger(d.path));
    db = raw(d.path);
    exec_ok(db, letter_sql);
    g_assert_cmpint(exec(db, "UPDATE letters SET state = 'QUEUED' WHERE id = 'L1'"), ==,
                    SQLITE_CONSTRAINT);
    g_assert_cmpint(exec(db, "UPDATE letters SET state = 'posted' WHERE id = 'L1'"), ==,
                    SQLITE_CONSTRAINT);
    g_assert_cmpint(exec(db, "UPDATE jobs SET state = 'DONE' WHERE id = 1"), ==,
                    SQLITE_CONSTRAINT);
    g_assert_cmpint(exec(db, "INSERT INTO pieces (job_id, letter_id, layout, sheets, weight_mg,"
                             " state) VALUES (1, 'L1', 'a4-c5', 2, 12500, 'LOST')"), ==,
                    SQLITE_CONSTRAINT);
    /* every state of each kind is allowed */
    for (int i = 0; i < PIECE_STATE_COUNT; i++) {
        char *sql = sqlite3_mprintf("INSERT OR REPLACE INTO pieces (job_id, letter_id, layout,"
                                    " sheets, weight_mg, state) VALUES (1, 'L1', 'a4-c5', 2,"
                                    " 12500, %Q)", piece_state_name((enum piece_state)i));
        exec_ok(db, sql);
        sqlite3_free(sql);
    }
    for (int i = 0; i < LETTER_STATE_COUNT; i++) {
        char *sql = sqlite3_mprintf("UPDATE letters SET state = %Q WHERE id = 'L2'",
                                    letter_state_name((enum letter_state)i));
        exec_ok(db, sql);
        sqlite3_free(sql);
    }
    for (int i = 0; i < JOB_STATE_COUNT; i++) {
        char *sql = sqlite3_mprintf("UPDATE jobs SET state = %Q WHERE id = 1",
                                    job_state_name((enum job_state)i));
        exec_ok(db, sql);
        sqlite3_free(sql);
    }
    sqlite3_close(db);
    db_free(&d);
}

/* A state the name table does not know, read from the ledger, is an error (the CHECK set
 * aside to write one). */
static void test_unknown_in_ledger(void)
{
    struct db d;
    struct ledger *l;
    struct letter_status ls = {0};
    struct job_row j = {0};
    sqlite3 *db;

    db_init(&d);
    ledger_close(open_ledger(d.path));
    db = raw(d.path);
    exec_ok(db, letter_sql);
    exec_ok(db, "PRAGMA ignore_check_constraints=ON;"
                "UPDATE letters SET state = 'LOST' WHERE id = 'L1';"
                "UPDATE jobs SET state = 'LOST' WHERE id = 1");
    sqlite3_close(db);
    l = open_ledger(d.path);
    g_assert_cmpint(ledger_letter_state(l, "L1", &ls), ==, -1);
    g_assert_cmpint(ledger_job_by_id(l, 1, &j), ==, -1);
    g_assert_cmpint(ledger_letter_state(l, "L2", &ls), ==, 0);
    g_assert_cmpint(ls.state, ==, LETTER_STATE_POSTED);
    letter_status_free(&ls);
    ledger_close(l);
    db_free(&d);
}

/* The name table's cases, then the schema's (each its own CTest entry). */
static void add_cases(void)
{
    g_test_add_func("/states/round-trip", test_round_trip);
    g_test_add_func("/states/unknown-names", test_unknown_names);
    g_test_add_func("/states/migrate-v6", test_migrate_v6);
    g_test_add_func("/states/migrate-refuses", test_migrate_refuses);
    g_test_add_func("/states/check-refuses", test_check_refuses);
    g_test_add_func("/states/unknown-in-ledger", test_unknown_in_ledger);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_cases();
    return g_test_run();
}

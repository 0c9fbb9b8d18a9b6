/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_ledger.c - the ledger's own edges: checked binds and nullable letters, upserts that
 * keep the columns they do not name, named results (found, none and the error a broken
 * database gives) and the piece code's format, parser and SQL function.
 *
 * Every case opens a fresh ledger of its own in a temporary directory.
 */
#include <string.h>
#include <glib/gstdio.h>
#include "ledger/ledger.h"
#include "ledger/ledger_internal.h"

#define AT "2026-01-05T10:00:00+01:00"

struct fresh {
    char *dir, *path;
    struct ledger *l;
};

static struct ledger *fresh_open(struct fresh *f)
{
    char *err = NULL;

    f->dir = g_dir_make_tmp("trykk-ledger-XXXXXX", NULL);
    f->path = g_build_filename(f->dir, "ledger.sqlite", NULL);
    g_assert_cmpint(ledger_open(&f->l, f->path, &err), ==, 0);
    g_assert_null(err);
    return f->l;
}

static void fresh_close(struct fresh *f)
{
    static const char *const files[] = {"ledger.sqlite", "ledger.sqlite-wal",
                                        "ledger.sqlite-shm"};
    size_t i;

    ledger_close(f->l);
    for (i = 0; i < G_N_ELEMENTS(files); i++) {
        char *p = g_build_filename(f->dir, files[i], NULL);
        g_unlink(p);
        g_free(p);
    }
    g_rmdir(f->dir);
    g_free(f->path);
    g_free(f->dir);
}

static void add_letter(struct ledger *l, const char *id)
{
    struct letter_row r = {0};

    r.id = id;
    r.carrier = "a";
    r.state = LETTER_STATE_ACCEPTED;
    r.documents = -1;
    r.pages = -1;
    r.at = AT;
    g_assert_cmpint(ledger_insert_letter(l, &r), ==, 0);
}

/* A new OPEN job (parent -1: none); its id. */
static long long new_job(struct ledger *l, long long parent)
{
    static const struct job_key k = {"bw", "C5", "A4", "B", "standard", ""};
    long long id = ledger_new_job(l, &k, parent, AT, AT, "2026-01-05");

    g_assert_cmpint(id, >, 0);
    return id;
}

static void sql(struct ledger *l, const char *text)
{
    char *msg = NULL;

    if (sqlite3_exec(l->db, text, NULL, NULL, &msg) != SQLITE_OK)
        g_error("%s: %s", text, msg);
}

/* The first column of the first row of q is want (NULL: SQL NULL). */
static void assert_text(struct ledger *l, const char *q, const char *want)
{
    char *v = NULL;

    g_assert_cmpint(ledger_one_string(ledger_stmt(l, q, ""), &v), ==, LEDGER_FOUND);
    g_assert_cmpstr(v, ==, want);
    g_free(v);
}

/* The one value `SELECT ?` gives back for a letter and an argument. */
static long long column_type_of(struct ledger *l, const char *types, long long v, bool *null)
{
    sqlite3_stmt *st = types[0] == 'i' || types[0] == 'I'
        ? ledger_stmt(l, "SELECT ?", types, (int)v) : ledger_stmt(l, "SELECT ?", types, v);
    long long out;

    g_assert_nonnull(st);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    *null = sqlite3_column_type(st, 0) == SQLITE_NULL;
    out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return out;
}

static void test_binds_count(void)
{
    struct fresh f;
    struct ledger *l = fresh_open(&f);

    g_assert_null(ledger_stmt(l, "SELECT ?, ?", "s", "one"));
    g_assert_null(ledger_stmt(l, "SELECT ?", "ss", "one", "two"));
    g_assert_null(ledger_stmt(l, "SELECT ?1, ?2, ?1", "s", "one"));
    g_assert_null(ledger_stmt(l, "SELECT ?", "x", 1));
    g_assert_null(ledger_stmt(l, "SELECT nonsense FROM nowhere", ""));
    sqlite3_finalize(ledger_stmt(l, "SELECT ?1, ?2, ?1", "ss", "one", "two"));
    fresh_close(&f);
}

static void test_binds_nullable(void)
{
    struct fresh f;
    struct ledger *l = fresh_open(&f);
    bool null;

    g_assert_cmpint(column_type_of(l, "i", -5, &null), ==, -5); /* a number, not NULL */
    g_assert_false(null);
    g_assert_cmpint(column_type_of(l, "l", -7, &null), ==, -7);
    g_assert_false(null);
    column_type_of(l, "I", -1, &null);
    g_assert_true(null);
    column_type_of(l, "L", -1, &null);
    g_assert_true(null);
    g_assert_cmpint(column_type_of(l, "I", 0, &null), ==, 0);
    g_assert_false(null);
    g_assert_cmpint(column_type_of(l, "L", 1LL << 40, &null), ==, 1LL << 40);
    g_assert_false(null);
    fresh_close(&f);
}

/* documents and pages unknown (-1) are stored as NULL, as before */
static void test_binds_letter_unknowns(void)
{
    struct fresh f;
    struct ledger *l = fresh_open(&f);
    sqlite3_stmt *st;

    add_letter(l, "L1");
    st = ledger_stmt(l, "SELECT documents IS NULL AND pages IS NULL FROM letters WHERE id = ?",
                     "s", "L1");
    g_assert_cmpint(ledger_one_int(st), ==, 1);
    fresh_close(&f);
}

static void test_upsert_address(void)
{
    struct fresh f;
    struct ledger *l = fresh_open(&f);
    struct address_row a = {"Kari", {"Gate 1", NULL, NULL, NULL}, "0150", "Oslo", NULL, "NO"};

    add_letter(l, "L1");
    g_assert_cmpint(ledger_insert_address(l, "L1", "recipient", &a), ==, 0);
    /* a column a later schema version might add, with a value of its own */
    sql(l, "ALTER TABLE addresses ADD COLUMN later TEXT;"
           "UPDATE addresses SET later = 'kept' WHERE letter_id = 'L1'");
    a.navn = "Kari Nordmann";
    g_assert_cmpint(ledger_insert_address(l, "L1", "recipient", &a), ==, 0);
    assert_text(l, "SELECT navn || '/' || later FROM addresses", "Kari Nordmann/kept");
    g_assert_cmpint(ledger_one_int(ledger_stmt(l, "SELECT count(*) FROM addresses", "")), ==, 1);
    fresh_close(&f);
}

static void test_upsert_document(void)
{
    struct fresh f;
    struct ledger *l = fresh_open(&f);

    add_letter(l, "L1");
    g_assert_cmpint(ledger_insert_document(l, "L1", 1, "main", "application/pdf", 100, 2, "1.7"),
                    ==, 0);
    sql(l, "ALTER TABLE documents ADD COLUMN later TEXT; UPDATE documents SET later = 'kept'");
    g_assert_cmpint(ledger_insert_document(l, "L1", 1, "main", "application/pdf", 200, -1,
                                           "1.7"), ==, 0);
    assert_text(l, "SELECT bytes || '/' || coalesce(pages, 'null') || '/' || later"
                   " FROM documents", "200/null/kept");
    fresh_close(&f);
}

static void test_results_purged(void)
{
    struct fresh f;
    struct ledger *l = fresh_open(&f);

    add_letter(l, "L1");
    g_assert_cmpint(ledger_is_purged(l, "L1"), ==, LEDGER_NONE);
    g_assert_cmpint(ledger_is_purged(l, "nobody"), ==, LEDGER_NONE);
    g_assert_cmpint(ledger_purge_letter(l, "L1", AT), ==, 0);
    g_assert_cmpint(ledger_is_purged(l, "L1"), ==, LEDGER_FOUND);
    fresh_close(&f);
}

static void test_results_held(void)
{
    struct fresh f;
    struct ledger *l = fresh_open(&f);
    char *why = NULL;

    add_letter(l, "L1");
    g_assert_cmpint(ledger_letter_held(l, "L1", &why), ==, LEDGER_NONE);
    g_assert_null(why);
    g_assert_cmpint(ledger_letter_hold(l, "L1", AT, "address check"), ==, 0);
    g_assert_cmpint(ledger_letter_held(l, "L1", &why), ==, LEDGER_FOUND);
    g_assert_cmpstr(why, ==, "address check");
    g_free(why);
    g_assert_cmpint(ledger_letter_held(l, "L1", NULL), ==, LEDGER_FOUND);
    fresh_close(&f);
}

static void test_results_cancelled(void)
{
    struct fresh f;
    struct ledger *l = fresh_open(&f);
    long long id = new_job(l, -1);
    char *at = NULL;

    g_assert_cmpint(ledger_job_cancelled(l, id, &at), ==, LEDGER_NONE);
    g_assert_null(at);
    sql(l, "UPDATE jobs SET state = 'CLOSED'");
    g_assert_cmpint(ledger_job_cancel(l, id, AT, "test"), ==, 0);
    g_assert_cmpint(ledger_job_cancelled(l, id, &at), ==, LEDGER_FOUND);
    g_assert_cmpstr(at, ==, AT);
    g_free(at);
    fresh_close(&f);
}

/* A parent job is a number; none (-1) is NULL. */
static void test_results_job_parent(void)
{
    struct fresh f;
    struct ledger *l = fresh_open(&f);
    long long a = new_job(l, -1), b = new_job(l, a);
    struct job_row j;

    g_assert_cmpint(ledger_job_by_id(l, b, &j), ==, LEDGER_FOUND);
    g_assert_cmpint(j.parent, ==, a);
    job_row_free(&j);
    g_assert_cmpint(ledger_one_int(ledger_stmt(l, "SELECT parent IS NULL FROM jobs WHERE id = ?",
                                               "l", a)), ==, 1);
    g_assert_cmpint(ledger_resolve_job(l, "J999", &j), ==, LEDGER_NONE);
    fresh_close(&f);
}

static void fail_sql(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    sqlite3_result_error(cx, "the disk is on fire", -1);
}

/* A database that prepares but fails when stepped: letters is a view whose rows fail to
 * be read. Every question about a letter is then an error, never a "no". */
static void test_results_step_error(void)
{
    struct fresh f;
    struct ledger *l = fresh_open(&f);
    char *s = NULL;
    GPtrArray *ids;

    add_letter(l, "L1");
    sqlite3_create_function(l->db, "fail", 0, SQLITE_UTF8, NULL, fail_sql, NULL, NULL);
    sql(l, "DROP TABLE letters; CREATE VIEW letters AS SELECT 'L1' AS id, NULL AS purged_at,"
           " NULL AS held_at, NULL AS hold_reason, 'ACCEPTED' AS state, NULL AS received_at,"
           " NULL AS message_id, 0 AS authenticated, NULL AS duplicate_of WHERE fail()");
    g_assert_cmpint(ledger_is_purged(l, "L1"), ==, LEDGER_ERROR);
    g_assert_cmpint(ledger_letter_held(l, "L1", &s), ==, LEDGER_ERROR);
    g_assert_null(s);
    g_assert_cmpint(ledger_resolve_letter(l, "L1", &s, NULL), ==, LEDGER_ERROR);
    g_assert_null(s);
    g_assert_cmpint(ledger_each(ledger_stmt(l, "SELECT received_at FROM letters", ""), NULL,
                                NULL), ==, -1);
    ids = ledger_ids_in_state(l, "ACCEPTED");
    g_assert_cmpuint(ids->len, ==, 0);
    g_ptr_array_unref(ids);
    fresh_close(&f);
}

/* A database whose tables are gone: every statement fails to prepare. */
static void test_results_prepare_error(void)
{
    struct fresh f;
    struct ledger *l = fresh_open(&f);
    struct job_row j;
    struct letter_status ls;
    char *s = NULL, *d = NULL;

    sql(l, "PRAGMA foreign_keys=OFF; DROP TABLE pieces; DROP TABLE returns; DROP TABLE cost_rows;"
           " DROP TABLE jobs; DROP TABLE letters");
    g_assert_cmpint(ledger_is_purged(l, "L1"), ==, LEDGER_ERROR);
    g_assert_cmpint(ledger_letter_held(l, "L1", NULL), ==, LEDGER_ERROR);
    g_assert_cmpint(ledger_job_cancelled(l, 1, &s), ==, LEDGER_ERROR);
    g_assert_cmpint(ledger_job_dispatched(l, 1, &s, &d), ==, LEDGER_ERROR);
    g_assert_cmpint(ledger_resolve_job(l, "J1", &j), ==, LEDGER_ERROR);
    g_assert_cmpint(ledger_letter_state(l, "L1", &ls), ==, LEDGER_ERROR);
    g_assert_cmpint(ledger_find_message(l, "m", &s, &d), ==, LEDGER_ERROR);
    g_assert_cmpint(ledger_resolve_letter(l, "L1", &s, NULL), ==, LEDGER_ERROR);
    g_assert_null(s);
    fresh_close(&f);
}

static void test_piece_code(void)
{
    char code[LEDGER_PIECE_CODE_LEN + 1];
    long long job;
    int seq;

    ledger_piece_code(42, 7, code);
    g_assert_cmpstr(code, ==, "00004200007");
    g_assert_true(ledger_piece_code_parse(code, &job, &seq));
    g_assert_cmpint(job, ==, 42);
    g_assert_cmpint(seq, ==, 7);
    ledger_piece_code(999999, 99999, code);
    g_assert_true(ledger_piece_code_parse(code, &job, &seq));
    g_assert_cmpint(job, ==, 999999);
    g_assert_cmpint(seq, ==, 99999);
    g_assert_false(ledger_piece_code_parse("0000420000", &job, &seq));
    g_assert_false(ledger_piece_code_parse("0000420000x", &job, &seq));
    g_assert_false(ledger_piece_code_parse(NULL, &job, &seq));
    g_assert_cmpstr(ledger_piece_code_in("J000042P00007S001M003C4", code), ==, "DataMatrix");
    g_assert_cmpstr(code, ==, "00004200007");
    g_assert_cmpstr(ledger_piece_code_in("212343000004200007", code), ==, "EA code");
    g_assert_cmpstr(code, ==, "00004200007");
    g_assert_cmpstr(ledger_piece_code_in("00004200007", code), ==, "piece code");
    g_assert_null(ledger_piece_code_in("J42", code));
    g_assert_true(ledger_piece_code_of("00004200007", code));
}

static void test_piece_code_sql(void)
{
    struct fresh f;
    struct ledger *l = fresh_open(&f);
    char *code = NULL;

    g_assert_cmpint(ledger_one_string(ledger_stmt(l, "SELECT piece_code(?, ?)", "li", 42LL, 7),
                                      &code), ==, LEDGER_FOUND);
    g_assert_cmpstr(code, ==, "00004200007");
    g_free(code);
    assert_text(l, "SELECT piece_code(NULL, 1)", NULL);
    assert_text(l, "SELECT piece_code(1, 99999)", "00000199999");
    fresh_close(&f);
}

/* ledger_stmt's letters, and the upserts that keep the columns they do not name */
static void add_write_cases(void)
{
    g_test_add_func("/ledger/binds/count", test_binds_count);
    g_test_add_func("/ledger/binds/nullable", test_binds_nullable);
    g_test_add_func("/ledger/binds/letter-unknowns", test_binds_letter_unknowns);
    g_test_add_func("/ledger/upsert/address", test_upsert_address);
    g_test_add_func("/ledger/upsert/document", test_upsert_document);
}

/* found and none, and the error a broken database answers */
static void add_result_cases(void)
{
    g_test_add_func("/ledger/results/purged", test_results_purged);
    g_test_add_func("/ledger/results/held", test_results_held);
    g_test_add_func("/ledger/results/cancelled", test_results_cancelled);
    g_test_add_func("/ledger/results/job-parent", test_results_job_parent);
    g_test_add_func("/ledger/errors/step", test_results_step_error);
    g_test_add_func("/ledger/errors/prepare", test_results_prepare_error);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_write_cases();
    add_result_cases();
    g_test_add_func("/ledger/piece-code/round-trip", test_piece_code);
    g_test_add_func("/ledger/piece-code/sql", test_piece_code_sql);
    return g_test_run();
}

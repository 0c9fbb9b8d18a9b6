/* SPDX-License-Identifier: Apache-2.0 */
/*
 * e2e_check.c - see e2e_check.h. The ledger is read with SQL (read only), the published jobs
 * from their files: pieces.csv as a print room's software reads it and job.pdf's page count
 * with qpdf.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qpdf/qpdf-c.h>
#include <sqlite3.h>
#include "e2e_check.h"
#include "common/fixture.h"
#include "ledger/state.h"

#define CSV_LETTER_ID 3 /* piece,job,seq,letter_id,... */
#define CSV_SHEETS 6    /* ...,first_sheet,last_sheet,sheets,... */

static int expect(const char *what, long long got, long long want)
{
    if (got == want)
        return 0;
    fprintf(stderr, "bench_e2e: %s: %lld, expected %lld\n", what, got, want);
    return -1;
}

static int pdf_pages(const char *path)
{
    qpdf_data q = qpdf_init();
    int n = -1;

    qpdf_silence_errors(q);
    if (!(qpdf_read(q, path, NULL) & QPDF_ERRORS))
        n = qpdf_get_num_pages(q);
    qpdf_cleanup(&q);
    return n;
}

/* Every letter id of the ledger. */
static GHashTable *ledger_ids(const char *spool)
{
    char *path = g_build_filename(spool, "ledger", "trykk.db", NULL);
    GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT id FROM letters", -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW)
            g_hash_table_add(ids, g_strdup((const char *)sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    sqlite3_close(db);
    g_free(path);
    return ids;
}

/* One job's pieces.csv: each row's letter id must be the ledger's and seen once; returns
 * the sheets of its pieces, or -1. */
static long csv_sheets(const char *path, GHashTable *ledger, GHashTable *seen)
{
    char *text = fx_read(path), **lines = g_strsplit(text ? text : "", "\n", -1);
    long sheets = text && g_str_has_prefix(text, "piece,") ? 0 : -1;
    int i;

    for (i = 1; sheets >= 0 && lines[i] && lines[i][0]; i++) {
        char **f = g_strsplit(lines[i], ",", -1);
        if (g_strv_length(f) <= CSV_SHEETS || !g_hash_table_contains(ledger, f[CSV_LETTER_ID]) ||
            !g_hash_table_add(seen, g_strdup(f[CSV_LETTER_ID]))) {
            fprintf(stderr, "bench_e2e: %s: row %d names an unknown or repeated letter\n",
                    path, i);
            sheets = -1;
        } else
            sheets += atol(f[CSV_SHEETS]);
        g_strfreev(f);
    }
    g_strfreev(lines);
    g_free(text);
    return sheets;
}

/* The published jobs: every letter once in some pieces.csv, each job.pdf two pages (front and
 * back) per sheet of its pieces. */
static int check_jobs(const char *spool, int n)
{
    char *dir = g_build_filename(spool, "jobs", NULL);
    GHashTable *ledger = ledger_ids(spool), *seen = g_hash_table_new_full(g_str_hash,
                                                                          g_str_equal, g_free,
                                                                          NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *job;
    int rc = d ? 0 : expect("published jobs", 0, 1);

    while (rc == 0 && (job = g_dir_read_name(d))) {
        char *csv = g_build_filename(dir, job, "pieces.csv", NULL);
        char *pdf = g_build_filename(dir, job, "job.pdf", NULL);
        long sheets = csv_sheets(csv, ledger, seen);
        rc = sheets < 0 ? -1 : expect(pdf, pdf_pages(pdf), 2 * sheets);
        g_free(csv);
        g_free(pdf);
    }
    if (d)
        g_dir_close(d);
    if (rc == 0)
        rc = expect("letters in the published jobs' pieces.csv", g_hash_table_size(seen), n);
    g_hash_table_destroy(ledger);
    g_hash_table_destroy(seen);
    g_free(dir);
    return rc;
}

int e2e_check_spool(const char *spool, int n, const char *layout)
{
    char *planned = g_strdup_printf("SELECT count(*) FROM letters WHERE state = '"
                                    LETTER_PLANNED "' AND layout = '%s'", layout);
    char *what = g_strdup_printf("letters planned in the %s layout", layout);
    static const char pieces[] = "FROM pieces p JOIN jobs j ON j.id = p.job_id WHERE j.state = '"
                                 JOB_CLOSED "' AND p.code IS NOT NULL";
    char *in_jobs = g_strdup_printf("SELECT count(*) %s", pieces);
    char *distinct = g_strdup_printf("SELECT count(DISTINCT p.letter_id) %s", pieces);
    int rc = expect("letters in the ledger", fx_sql_int(spool, "SELECT count(*) FROM letters"),
                    n);

    rc = rc ? rc : expect(what, fx_sql_int(spool, planned), n);
    rc = rc ? rc : expect("letters with a receipt of acceptance", fx_sql_int(spool,
                          "SELECT count(DISTINCT letter_id) FROM receipts WHERE type = "
                          "'mottakskvittering'"), n);
    rc = rc ? rc : expect("numbered pieces in closed jobs", fx_sql_int(spool, in_jobs), n);
    rc = rc ? rc : expect("letters with a piece in a closed job", fx_sql_int(spool, distinct),
                          n);
    rc = rc ? rc : check_jobs(spool, n);
    g_free(planned);
    g_free(what);
    g_free(in_jobs);
    g_free(distinct);
    return rc;
}

int e2e_check_pdfs(const char *dir, int n, int pages)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    int found = 0, rc = 0;

    while (rc == 0 && d && (name = g_dir_read_name(d))) {
        char *path = g_build_filename(dir, name, NULL);
        found++;
        rc = g_str_has_suffix(name, ".pdf") ? expect(path, pdf_pages(path), pages)
                                            : expect(path, 0, 1);
        g_free(path);
    }
    if (d)
        g_dir_close(d);
    return rc ? rc : expect("PDFs made by the pipeline", found, n);
}

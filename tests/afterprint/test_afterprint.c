/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_afterprint.c - the life of letters after printing, through the real trykk binary:
 * dispatch (handover note, leveringskvittering), returned mail (EA codes, shredding, the
 * fee, returpostkvittering, forwarding), cancellation (feil SERVER), the receipt order,
 * and retention (personal data gone from the database file itself).
 *
 * The tests run in order on one spool, as an operator's week would.
 */
#include <string.h>
#include <sqlite3.h>
#include "common/fixture.h"
#include "returns/returns.h"
#include "spool/spool.h"
#include "util/util.h"

#define EXTRA "[ea]\nagreement=0999\nservice_level=2\nreturn_address=Trykk AS;Returpost EA;" \
              "Postboks 1;0001 OSLO\n[render]\nreprint_max_percent=100\n"

/* Names that occur nowhere else, so their bytes can be searched for. */
static const char *const names[] = {"Returnina Shredmark", "Makulera Meldingsen",
                                    "Forwardia Backsend", "Direkta Returnes"};
static const char *const street = "Unikveien 4711";

static struct fixture fx;
static char *codes[4];      /* piece codes, by letter */

static const char *const mon[] = {"TRYKK_NOW", "2026-11-16T10:00:00+01:00", NULL};
static const char *const mon_eve[] = {"TRYKK_NOW", "2026-11-16T21:00:00+01:00", NULL};
static const char *const sat[] = {"TRYKK_NOW", "2026-11-21T09:00:00+01:00", NULL};
static const char *const sun[] = {"TRYKK_NOW", "2026-11-22T09:00:00+01:00", NULL};
static const char *const spring[] = {"TRYKK_NOW", "2027-03-01T09:00:00+01:00", NULL};

static char *cx_str(const char *spool, const char *sql) { return fx_sql_str(spool, sql); }
static long long cx_int(const char *spool, const char *sql) { return fx_sql_int(spool, sql); }
static long long db_int(const char *sql) { return cx_int(fx.spool, sql); }
static char *db_str(const char *sql) { return cx_str(fx.spool, sql); }

/* Receipt files of one type in outbox/. */
static GPtrArray *outbox(const char *type)
{
    char *suffix = g_strdup_printf(".%s.jwt", type);
    GPtrArray *files = fx_outbox(&fx, suffix);

    g_free(suffix);
    return files;
}

static int count_type(const char *type)
{
    GPtrArray *f = outbox(type);
    int n = (int)f->len;

    g_ptr_array_free(f, TRUE);
    return n;
}

static int trykk(const char *const *env, char **err, const char *a0, const char *a1,
                 const char *a2, const char *a3, const char *a4, const char *a5)
{
    const char *args[] = {a0, a1, a2, a3, a4, a5, NULL};

    return fx_trykk(&fx, err, args, env);
}

/* ---- four letters printed in one job ----------------------------------------------------- */

static void test_print(void)
{
    int i;
    char *sql;

    fx_init(&fx, EXTRA);
    for (i = 0; i < 4; i++) {
        struct forge_letter l;
        char name[16];
        fx_letter(&fx, &l);
        l.navn = names[i];
        l.adresse = street;
        l.postnummer = "0155";
        l.poststed = "OSLO";
        l.return_handling = i < 2 ? "MAKULERING_MED_MELDING" : "DIREKTE_RETUR";
        l.store_documents = true;
        g_snprintf(name, sizeof name, "letter-%d", i);
        fx_drop_letter(&fx, name, 'b', &l);
    }
    {   /* and one the sender must fix (US Letter): it fails, its entry waits in failed/ */
        struct forge_letter l;
        fx_letter(&fx, &l);
        l.navn = "Feilina Avvist";
        l.adresse = street;
        l.pdf.width_mm = 215.9;
        l.pdf.height_mm = 279.4;
        fx_drop_letter(&fx, "letter-failed", 'b', &l);
    }
    g_assert_cmpint(trykk(mon, NULL, "run", NULL, NULL, NULL, NULL, NULL), ==, 1);
    g_assert_cmpint(trykk(mon, NULL, "job", "close", "--all", NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(db_int("SELECT count(*) FROM pieces WHERE job_id = 1"), ==, 4);
    g_assert_cmpint(db_int("SELECT count(*) FROM letters WHERE state = 'FAILED'"), ==, 1);
    for (i = 0; i < 4; i++) {
        sql = g_strdup_printf("SELECT p.code FROM pieces p JOIN letters l ON l.id = p.letter_id"
                              " WHERE l.entry_name = 'letter-%d'", i);
        codes[i] = db_str(sql);
        g_assert_nonnull(codes[i]);
        g_free(sql);
    }
}

/* ---- dispatch ----------------------------------------------------------------------------- */

static void test_dispatch_needs_reconcile(void)
{
    char *err = NULL;

    g_assert_cmpint(trykk(mon_eve, &err, "dispatch", "J000001", NULL, NULL, NULL, NULL), ==, 1);
    g_assert_nonnull(strstr(err, "not fully reconciled"));
    g_free(err);
    g_assert_cmpint(count_type("leveringskvittering"), ==, 0);
    g_assert_cmpint(db_int("SELECT count(*) FROM letters WHERE state = 'POSTED'"), ==, 0);
    /* --force needs a reason */
    g_assert_cmpint(trykk(mon_eve, NULL, "dispatch", "J000001", "--force", NULL, NULL, NULL), ==,
                    2);
}

static void test_dispatch(void)
{
    char *log = g_build_filename(fx.root, "inserter.log", NULL), *err = NULL, *csv, *pdf, *text;
    char *text_cmd;
    GString *s = g_string_new("piece,result\n");
    GPtrArray *files;
    int i;

    for (i = 0; i < 4; i++)
        g_string_append_printf(s, "%s,OK\n", codes[i]);
    g_assert_true(g_file_set_contents(log, s->str, -1, NULL));
    g_assert_cmpint(trykk(mon_eve, NULL, "reconcile", "J000001", log, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(trykk(mon_eve, NULL, "dispatch", "J000001", NULL, NULL, NULL, NULL), ==, 0);
    /* every letter posted that day, each with a schema-valid leveringskvittering */
    g_assert_cmpint(db_int("SELECT count(*) FROM letters WHERE state = 'POSTED' AND posted_on ="
                           " '2026-11-16'"), ==, 4);
    files = outbox("leveringskvittering");
    g_assert_cmpuint(files->len, ==, 4);
    g_assert_true(fx_receipts_valid(files));
    g_ptr_array_free(files, TRUE);
    /* the day's handover note: counts, no names */
    csv = g_build_filename(fx.spool, "handover", "handover-2026-11-16.csv", NULL);
    g_assert_true(g_file_get_contents(csv, &text, NULL, NULL));
    g_assert_nonnull(g_regex_match_simple("^2026-11-16,[^\\r]*,totalt,,,,4,", text,
                                          G_REGEX_MULTILINE, 0));
    for (i = 0; i < 4; i++)
        g_assert_null(strstr(text, names[i]));
    g_free(text);
    pdf = g_build_filename(fx.spool, "handover", "handover-2026-11-16.pdf", NULL);
    text_cmd = g_strdup_printf("pdftotext -layout %s -", pdf);
    g_assert_true(g_spawn_command_line_sync(text_cmd, &text, NULL, NULL, NULL));
    g_assert_nonnull(strstr(text, "J000001"));
    g_assert_nonnull(strstr(text, "16.11.2026"));
    g_assert_nonnull(g_regex_match_simple("Totalt\\s+4\\b", text, 0, 0));
    g_free(text);
    /* once only */
    g_assert_cmpint(trykk(mon_eve, &err, "dispatch", "J000001", NULL, NULL, NULL, NULL), ==, 1);
    g_assert_nonnull(strstr(err, "dispatched once"));
    g_free(err);
    g_assert_cmpint(count_type("leveringskvittering"), ==, 4);
    g_string_free(s, TRUE);
    g_free(text_cmd);
    g_free(csv);
    g_free(pdf);
    g_free(log);
}

/* ---- returned mail ------------------------------------------------------------------------ */

static void test_ea_codes(void)
{
    char piece[16], *err = NULL;

    g_assert_cmpint(ea_piece_code("209992000000100001", "0999", piece, &err), ==, 0);
    g_assert_cmpstr(piece, ==, "00000100001");
    g_assert_cmpint(ea_piece_code("00000100007", "0999", piece, &err), ==, 0);
    g_assert_cmpstr(piece, ==, "00000100007");
    g_assert_cmpint(ea_piece_code("208882000000100001", "0999", piece, &err), ==, -1);
    g_assert_nonnull(strstr(err, "agreement 0888"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(ea_piece_code("209995000000100001", "0999", piece, &err), ==, -1); /* level */
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(ea_piece_code("2099920000001000011234", "", piece, &err), ==, -1);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(ea_piece_code("2099920123", "", piece, &err), ==, -1); /* KID not ours */
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(ea_piece_code("../../etc", "", piece, &err), ==, -1);
    g_free(err);
    g_assert_cmpstr(return_reason("Unknown"), ==, "UNKNOWN_ADDRESSEE");
    g_assert_cmpstr(return_reason("moved"), ==, "MOVED");
    g_assert_null(return_reason("lost"));
}

static void test_return_scan(void)
{
    /* the EA barcode printed on the cover: 2, agreement 0999, level 2, 0, the piece code */
    char *ea = g_strdup_printf("2099920%s", codes[0]), *err = NULL;
    GPtrArray *files;

    g_assert_cmpint(trykk(sat, NULL, "returns", "scan", ea, "--reason", "moved", NULL), ==, 0);
    g_assert_cmpint(db_int("SELECT count(*) FROM letters WHERE state = 'RETURNED'"), ==, 1);
    /* the receipt is held until the day is over (the return may still be undone) */
    g_assert_cmpint(count_type("returpostkvittering"), ==, 0);
    g_assert_cmpint(trykk(sat, NULL, "run", NULL, NULL, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(count_type("returpostkvittering"), ==, 0);
    g_assert_cmpint(trykk(sun, NULL, "run", NULL, NULL, NULL, NULL, NULL), ==, 0);
    files = outbox("returpostkvittering");
    g_assert_cmpuint(files->len, ==, 1);
    g_assert_true(fx_receipts_valid(files));
    g_ptr_array_free(files, TRUE);
    /* the return fee (normal layout: 0.31) on a RETURN row that names the print row */
    g_assert_cmpint(db_int("SELECT sum(return_ore) FROM cost_rows WHERE kind = 'RETURN'"), ==, 31);
    g_assert_cmpint(db_int("SELECT count(*) FROM cost_rows r JOIN cost_rows p ON p.seq = r.ref"
                           " WHERE r.kind = 'RETURN' AND p.kind = 'PRINT'"), ==, 1);
    /* scanned again: recognised, nothing changes */
    g_assert_cmpint(trykk(sat, &err, "returns", "scan", ea, NULL, NULL, NULL), ==, 0);
    g_free(err);
    g_assert_cmpint(db_int("SELECT count(*) FROM returns"), ==, 1);
    g_assert_cmpint(db_int("SELECT count(*) FROM cost_rows WHERE kind = 'RETURN'"), ==, 1);
    g_assert_cmpint(count_type("returpostkvittering"), ==, 1);
    /* a code that is no piece of ours */
    g_assert_cmpint(trykk(sat, NULL, "returns", "scan", "2099920999999999999", NULL, NULL,
                          NULL), ==, 1);
    g_free(ea);
}

static void test_return_import(void)
{
    char *file = g_build_filename(fx.root, "station.csv", NULL), *text, *err = NULL;
    json_t *list;
    char *out;
    const char *args[] = {TRYKK_BIN, "--config", fx.conf, "returns", "list", "--json", NULL};
    size_t i, forward = 0;

    text = g_strdup_printf("kode;aarsak;dato\n\"%s\";refused;20.11.2026\n2099920%s;unknown\n"
                           "not-a-code;other\n%s;lost\n", codes[1], codes[2], codes[3]);
    g_assert_true(g_file_set_contents(file, text, -1, NULL));
    g_assert_cmpint(trykk(sat, &err, "returns", "import", file, NULL, NULL, NULL), ==, 1);
    g_assert_nonnull(strstr(err, "station.csv:4"));
    g_assert_nonnull(strstr(err, "station.csv:5"));
    g_free(err);
    /* the same file again: nothing twice */
    g_assert_cmpint(trykk(sat, NULL, "returns", "import", file, NULL, NULL, NULL), ==, 1);
    g_assert_cmpint(db_int("SELECT count(*) FROM returns"), ==, 3);
    g_assert_cmpint(db_int("SELECT count(*) FROM returns WHERE returned_on = '2026-11-20' AND"
                           " reason = 'REFUSED' AND handling = 'SHREDDED'"), ==, 1);
    g_assert_cmpint(count_type("returpostkvittering"), ==, 1);
    g_assert_cmpint(trykk(sun, NULL, "run", NULL, NULL, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(count_type("returpostkvittering"), ==, 2);
    /* the DIREKTE_RETUR piece is listed for forwarding, not shredded, no receipt, no fee */
    g_assert_true(g_spawn_sync(NULL, (char **)args, NULL, 0, NULL, NULL, &out, NULL, NULL, NULL));
    list = json_loads(out, 0, NULL);
    g_assert_cmpuint(json_array_size(list), ==, 3);
    for (i = 0; i < json_array_size(list); i++)
        forward += strcmp(json_string_value(json_object_get(json_array_get(list, i),
                                                            "handling")), "FORWARD") == 0;
    g_assert_cmpuint(forward, ==, 1);
    g_assert_cmpint(db_int("SELECT count(*) FROM cost_rows WHERE kind = 'RETURN'"), ==, 2);
    {   /* the operator sends it on; only once */
        char *sql = g_strdup_printf("SELECT l.id FROM letters l JOIN pieces p ON p.letter_id ="
                                    " l.id WHERE p.code = '%s'", codes[2]);
        char *id = db_str(sql);
        g_assert_cmpint(trykk(sat, NULL, "returns", "forwarded", id, NULL, NULL, NULL), ==, 0);
        g_assert_cmpint(trykk(sat, NULL, "returns", "forwarded", id, NULL, NULL, NULL), ==, 1);
        g_assert_cmpint(db_int("SELECT count(*) FROM returns WHERE handling = 'FORWARDED' AND"
                               " forwarded_at IS NOT NULL"), ==, 1);
        g_free(id);
        g_free(sql);
    }
    json_decref(list);
    g_free(out);
    g_free(text);
    g_free(file);
}

/* mottak, then levering, then returpost: the order a sender must see them in */
static void test_receipt_order(void)
{
    char *sql = g_strdup_printf("SELECT group_concat(type, ',') FROM (SELECT r.type FROM receipts"
                                " r JOIN pieces p ON p.letter_id = r.letter_id WHERE p.code ="
                                " '%s' ORDER BY r.rowid)", codes[0]);
    char *order = db_str(sql);

    g_assert_cmpstr(order, ==, "mottakskvittering,leveringskvittering,returpostkvittering");
    g_free(order);
    g_free(sql);
    g_assert_cmpint(db_int("SELECT count(*) FROM receipts WHERE published = 0"), ==, 0);
}

/* The posting day settles; the quarter holds print, postage and the return fees. */
static void test_costs_after_print(void)
{
    char *out;
    const char *args[] = {TRYKK_BIN, "--config", fx.conf, "costs", "summary", "--period",
                          "2026-Q4", "--json", NULL};
    json_t *j, *t;
    const char *env[] = {"TRYKK_NOW=2026-11-21T09:00:00+01:00", NULL};

    g_assert_cmpint(trykk(sat, NULL, "settle", "day", "2026-11-16", NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(db_int("SELECT count(*) FROM cost_rows WHERE kind = 'POSTAGE'"), ==, 4);
    g_assert_true(g_spawn_sync(NULL, (char **)args, (char **)env, 0, NULL, NULL, &out, NULL,
                               NULL, NULL));
    j = json_loads(out, 0, NULL);
    t = json_object_get(j, "total");
    g_assert_cmpint(json_integer_value(json_object_get(t, "letters")), ==, 4);
    g_assert_cmpint(json_integer_value(json_object_get(t, "return_ore")), ==, 62);
    g_assert_cmpint(json_integer_value(json_object_get(t, "unsettled_postage")), ==, 0);
    json_decref(j);
    g_free(out);
}

/* ---- retention ---------------------------------------------------------------------------- */

static bool file_has(const char *path, const char *needle)
{
    char *text = NULL;
    gsize len = 0;
    bool found;

    if (!g_file_get_contents(path, &text, &len, NULL))
        return false;
    found = memmem(text, len, needle, strlen(needle)) != NULL;
    g_free(text);
    return found;
}

static void test_purge(void)
{
    char *db = g_build_filename(fx.spool, "ledger", "trykk.db", NULL);
    char *wal = g_strconcat(db, "-wal", NULL);
    char *jobpdf = g_build_filename(fx.spool, "jobs", "J000001", "job.pdf", NULL);
    char *handover = g_build_filename(fx.spool, "handover", "handover-2026-11-16.pdf", NULL);
    long long costs = db_int("SELECT count(*) FROM cost_rows");
    GPtrArray *hits;
    int i;

    g_assert_true(file_has(db, names[0]) || file_has(wal, names[0]));
    g_assert_true(g_file_test(jobpdf, G_FILE_TEST_EXISTS));
    /* not yet: 90 days have not passed */
    g_assert_cmpint(trykk(sat, NULL, "purge", NULL, NULL, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(db_int("SELECT count(*) FROM letters WHERE state = 'PURGED'"), ==, 0);
    /* in spring they have */
    g_assert_cmpint(trykk(spring, NULL, "purge", NULL, NULL, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(db_int("SELECT count(*) FROM letters WHERE state = 'PURGED'"), ==, 4);
    g_assert_cmpint(db_int("SELECT count(*) FROM letters WHERE state = 'FAILED' AND purged_at IS"
                           " NOT NULL"), ==, 1);
    g_assert_cmpint(db_int("SELECT count(*) FROM addresses"), ==, 0);
    /* gone from the database files themselves, not only from queries */
    for (i = 0; i < 4; i++) {
        g_assert_false(file_has(db, names[i]));
        g_assert_false(file_has(wal, names[i]));
    }
    g_assert_false(file_has(db, street));
    /* and from the spool (the failed letter's entry too): no package, no print file; the
     * handover note and the failed letter's reason file stay */
    hits = fx_grep_tree(fx.spool, street, strlen(street));
    g_assert_cmpuint(hits->len, ==, 0);
    g_ptr_array_free(hits, TRUE);
    g_assert_false(g_file_test(jobpdf, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_test(handover, G_FILE_TEST_EXISTS));
    g_assert_cmpint(db_int("SELECT count(*) FROM cost_rows"), ==, costs);
    /* again: nothing more to do */
    g_assert_cmpint(trykk(spring, NULL, "purge", NULL, NULL, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(db_int("SELECT count(*) FROM events WHERE event = 'purged'"), ==, 5);
    g_free(db);
    g_free(wal);
    g_free(jobpdf);
    g_free(handover);
}

/* ---- cancellation ------------------------------------------------------------------------- */

static void test_cancel(void)
{
    struct forge_letter l;
    char *err = NULL;
    GPtrArray *files;

    fx_letter(&fx, &l);
    l.navn = "Kanselline Jobbsen";
    fx_drop_letter(&fx, "letter-cancel", 'b', &l);
    g_assert_cmpint(trykk(mon, NULL, "run", NULL, NULL, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(trykk(mon, NULL, "job", "close", "--all", NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(trykk(mon, NULL, "job", "cancel", "J000002", NULL, NULL, NULL), ==, 2);
    g_assert_cmpint(trykk(mon, NULL, "job", "cancel", "J000002", "--reason",
                          "the print run was spoiled", NULL), ==, 2); /* no terminal: --yes */
    g_assert_cmpint(trykk(mon, NULL, "job", "cancel", "J000002", "--reason",
                          "the print run was spoiled", "--yes"), ==, 0);
    files = outbox("feil"); /* the US Letter one's KLIENT and this SERVER */
    g_assert_cmpuint(files->len, ==, 2);
    g_assert_true(fx_receipts_valid(files));
    g_ptr_array_free(files, TRUE);
    g_assert_cmpint(db_int("SELECT count(*) FROM receipts WHERE type = 'feil' AND feiltype ="
                           " 'SERVER'"), ==, 1);
    g_assert_cmpint(db_int("SELECT count(*) FROM letters WHERE state = 'CANCELLED'"), ==, 1);
    g_assert_cmpint(trykk(mon, &err, "dispatch", "J000002", "--force", "--reason", "x", NULL), ==,
                    1);
    g_assert_nonnull(strstr(err, "cancelled"));
    g_free(err);
}

/* ---- kill -9 anywhere in a dispatch ----------------------------------------------------------
 * For k = 1, 2, …: copy a printed, reconciled spool, kill `trykk dispatch` at its k-th fault
 * point, restart (`trykk run`, then `trykk dispatch` again) and check that every letter was
 * posted once, with its leveringskvittering in outbox/ byte for byte as the ledger holds it,
 * the handover note complete and no temporary file left. */
static struct fixture cx;

static void check_dispatched(const char *spool)
{
    char *outbox = g_build_filename(spool, "outbox", NULL);
    char *job = g_build_filename(spool, "handover", NULL);
    GDir *d = g_dir_open(outbox, 0, NULL);
    const char *n;
    int levering = 0;

    g_assert_cmpint(cx_int(spool, "SELECT count(*) FROM letters WHERE state = 'POSTED'"), ==, 3);
    g_assert_cmpint(cx_int(spool, "SELECT count(*) FROM receipts WHERE published = 0"), ==, 0);
    while (d && (n = g_dir_read_name(d))) {
        g_assert_false(n[0] == '.'); /* no temporary file */
        if (g_str_has_suffix(n, ".leveringskvittering.jwt")) {
            char *path = g_build_filename(outbox, n, NULL), *bytes, *sql, *stored;
            g_assert_true(g_file_get_contents(path, &bytes, NULL, NULL));
            sql = g_strdup_printf("SELECT jws FROM receipts WHERE file_name = '%s'", n);
            stored = cx_str(spool, sql);
            g_assert_cmpstr(bytes, ==, stored); /* byte for byte what the ledger holds */
            g_free(stored);
            g_free(sql);
            levering++;
            g_free(bytes);
            g_free(path);
        }
    }
    if (d)
        g_dir_close(d);
    g_assert_cmpint(levering, ==, 3);
    g_assert_true(fsio_exists(job, "handover-2026-11-16.csv"));
    g_assert_true(fsio_exists(job, "handover-2026-11-16.pdf"));
    g_free(outbox);
    g_free(job);
}

static void test_dispatch_crash(void)
{
    const char *pristine_run[] = {"run", NULL}, *close[] = {"job", "close", "--all", NULL};
    char *log = NULL;
    int i, k, status = 137, crashes = 0, after_commit = 0;

    fx_init(&cx, EXTRA);
    for (i = 0; i < 3; i++) {
        struct forge_letter l;
        char name[16];
        fx_letter(&cx, &l);
        g_snprintf(name, sizeof name, "c-%d", i);
        fx_drop_letter(&cx, name, 'b', &l);
    }
    g_assert_cmpint(fx_trykk(&cx, NULL, pristine_run, mon), ==, 0);
    g_assert_cmpint(fx_trykk(&cx, NULL, close, mon), ==, 0);
    {
        GString *s = g_string_new("piece\n");
        for (i = 1; i <= 3; i++)
            g_string_append_printf(s, "000001%05d\n", i);
        log = g_build_filename(cx.root, "inserter.log", NULL);
        g_assert_true(g_file_set_contents(log, s->str, -1, NULL));
        g_string_free(s, TRUE);
        const char *rec[] = {"reconcile", "J000001", log, NULL};
        g_assert_cmpint(fx_trykk(&cx, NULL, rec, mon), ==, 0);
    }
    for (k = 1; k < 200 && status == 137; k++) {
        char *spool = g_strdup_printf("%s/spool-%d", cx.root, k), *at = g_strdup_printf("%d", k);
        const char *cp[] = {"cp", "-a", cx.spool, spool, NULL};
        const char *env[] = {"TRYKK_CRASH_AT", at, "TRYKK_NOW", mon_eve[1], NULL};
        const char *dispatch[] = {"--spool", spool, "dispatch", "J000001", NULL};
        const char *run[] = {"--spool", spool, "run", NULL};
        g_assert_true(g_spawn_sync(NULL, (char **)cp, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                                   NULL, NULL, NULL));
        status = fx_trykk(&cx, NULL, dispatch, env);
        g_assert_true(status == 137 || status == 0);
        if (status == 137) {
            crashes++;
            after_commit += cx_int(spool, "SELECT count(*) FROM jobs WHERE dispatched_on IS NOT"
                                          " NULL") == 1;
            g_assert_cmpint(fx_trykk(&cx, NULL, run, mon_eve), ==, 0);
            g_assert_cmpint(fx_trykk(&cx, NULL, dispatch, mon_eve), <=, 1);
        }
        check_dispatched(spool);
        g_free(at);
        g_free(spool);
    }
    g_test_message("%d crash points, %d after the commit", crashes, after_commit);
    g_assert_cmpint(status, ==, 0); /* the sweep reached a dispatch without a crash */
    g_assert_cmpint(after_commit, >=, 5); /* receipts and the handover note after the commit */
    g_free(log);
    fx_free(&cx);
}

/* ---- kill -9 anywhere in a return scan, and in a purge --------------------------------------
 * A dispatched spool of three MAKULERING_MED_MELDING letters is copied for every k. */
static struct fixture px;

static void posted_spool(void)
{
    const char *run[] = {"run", NULL}, *close[] = {"job", "close", "--all", NULL};
    const char *dispatch[] = {"dispatch", "J000001", NULL};
    char *log;
    int i;

    fx_init(&px, EXTRA);
    log = g_build_filename(px.root, "inserter.log", NULL);
    for (i = 0; i < 3; i++) {
        struct forge_letter l;
        char name[16];
        fx_letter(&px, &l);
        l.navn = "Krasj Purgesen";
        l.return_handling = "MAKULERING_MED_MELDING";
        g_snprintf(name, sizeof name, "p-%d", i);
        fx_drop_letter(&px, name, 'b', &l);
    }
    g_assert_cmpint(fx_trykk(&px, NULL, run, mon), ==, 0);
    g_assert_cmpint(fx_trykk(&px, NULL, close, mon), ==, 0);
    g_assert_true(g_file_set_contents(log, "00000100001\n00000100002\n00000100003\n", -1, NULL));
    {
        const char *rec[] = {"reconcile", "J000001", log, NULL};
        g_assert_cmpint(fx_trykk(&px, NULL, rec, mon), ==, 0);
    }
    g_assert_cmpint(fx_trykk(&px, NULL, dispatch, mon_eve), ==, 0);
    g_free(log);
}

static char *copy_spool(int k, const char *what)
{
    char *spool = g_strdup_printf("%s/%s-%d", px.root, what, k);
    const char *cp[] = {"cp", "-a", px.spool, spool, NULL};

    g_assert_true(g_spawn_sync(NULL, (char **)cp, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, NULL, NULL));
    return spool;
}

static void no_temporaries(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d)))
        g_assert_false(n[0] == '.');
    if (d)
        g_dir_close(d);
}

/* Phase 0 kills the scan; phase 1 kills the next day's run that publishes the held
 * returpostkvittering. Either way: one return, one fee, one receipt, in outbox/ as stored. */
static void test_return_crash(void)
{
    int k, phase, status, crashes[2] = {0, 0};

    posted_spool();
    for (phase = 0; phase < 2; phase++) {
        for (k = 1, status = 137; k < 200 && status == 137; k++) {
            char *spool = copy_spool(k, phase ? "pub" : "ret"), *at = g_strdup_printf("%d", k);
            char *outbox = g_build_filename(spool, "outbox", NULL);
            char *receipt = NULL, *stored, *id;
            const char *env[] = {"TRYKK_CRASH_AT", at, "TRYKK_NOW", phase ? sun[1] : sat[1],
                                 NULL};
            const char *scan[] = {"--spool", spool, "returns", "scan", "209992000000100001",
                                  NULL};
            const char *run[] = {"--spool", spool, "run", NULL};
            if (phase)
                g_assert_cmpint(fx_trykk(&px, NULL, scan, sat), ==, 0);
            status = fx_trykk(&px, NULL, phase ? run : scan, env);
            g_assert_true(status == 137 || status == 0);
            if (status == 137) {
                crashes[phase]++;
                g_assert_cmpint(fx_trykk(&px, NULL, run, phase ? sun : sat), ==, 0);
                if (!phase) /* again, or recognised */
                    g_assert_cmpint(fx_trykk(&px, NULL, scan, sat), ==, 0);
            }
            if (!phase) { /* held that day; the next day's run sends it */
                g_assert_cmpint(cx_int(spool, "SELECT count(*) FROM receipts WHERE type ="
                                              " 'returpostkvittering' AND published = 0"), ==, 1);
                g_assert_cmpint(fx_trykk(&px, NULL, run, sun), ==, 0);
            }
            g_assert_cmpint(cx_int(spool, "SELECT count(*) FROM returns"), ==, 1);
            g_assert_cmpint(cx_int(spool, "SELECT count(*) FROM cost_rows WHERE kind ="
                                          " 'RETURN'"), ==, 1);
            g_assert_cmpint(cx_int(spool, "SELECT count(*) FROM receipts WHERE type ="
                                          " 'returpostkvittering' AND published = 1"), ==, 1);
            id = cx_str(spool, "SELECT file_name FROM receipts WHERE type ="
                               " 'returpostkvittering'");
            stored = cx_str(spool, "SELECT jws FROM receipts WHERE type = 'returpostkvittering'");
            {
                char *path = g_build_filename(outbox, id, NULL);
                g_assert_true(g_file_get_contents(path, &receipt, NULL, NULL));
                g_free(path);
            }
            g_assert_cmpstr(receipt, ==, stored);
            no_temporaries(outbox);
            g_free(receipt);
            g_free(stored);
            g_free(id);
            g_free(outbox);
            g_free(at);
            g_free(spool);
        }
        g_assert_cmpint(status, ==, 0);
    }
    g_test_message("%d crash points in a return scan, %d in publishing its receipt", crashes[0],
                   crashes[1]);
    g_assert_cmpint(crashes[0], >=, 2);
    g_assert_cmpint(crashes[1], >=, 3);
}

static void test_purge_crash(void)
{
    int k, status = 137, crashes = 0;

    for (k = 1; k < 500 && status == 137; k++) {
        char *spool = copy_spool(k, "purge"), *at = g_strdup_printf("%d", k);
        char *accepted = g_build_filename(spool, "accepted", NULL);
        char *job = g_build_filename(spool, "jobs", "J000001", NULL);
        const char *env[] = {"TRYKK_CRASH_AT", at, "TRYKK_NOW", spring[1], NULL};
        const char *purge[] = {"--spool", spool, "purge", NULL};
        GPtrArray *left;
        status = fx_trykk(&px, NULL, purge, env);
        g_assert_true(status == 137 || status == 0);
        if (status == 137) {
            crashes++;
            g_assert_cmpint(fx_trykk(&px, NULL, purge, spring), ==, 0);
        }
        g_assert_cmpint(cx_int(spool, "SELECT count(*) FROM letters WHERE state = 'PURGED'"), ==,
                        3);
        g_assert_cmpint(cx_int(spool, "SELECT count(*) FROM addresses"), ==, 0);
        left = spool_list(accepted);
        g_assert_cmpuint(left->len, ==, 0);
        g_ptr_array_free(left, TRUE);
        g_assert_false(fsio_exists(job, "job.pdf"));
        g_assert_true(fsio_exists(job, "pieces.csv"));
        no_temporaries(accepted);
        no_temporaries(job);
        g_free(accepted);
        g_free(job);
        g_free(at);
        g_free(spool);
    }
    g_test_message("%d crash points in a purge", crashes);
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpint(crashes, >=, 5);
    fx_free(&px);
}

int main(int argc, char **argv)
{
    int rc, i;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/afterprint/print", test_print);
    g_test_add_func("/afterprint/dispatch-needs-reconcile", test_dispatch_needs_reconcile);
    g_test_add_func("/afterprint/dispatch", test_dispatch);
    g_test_add_func("/afterprint/ea-codes", test_ea_codes);
    g_test_add_func("/afterprint/return-scan", test_return_scan);
    g_test_add_func("/afterprint/return-import", test_return_import);
    g_test_add_func("/afterprint/receipt-order", test_receipt_order);
    g_test_add_func("/afterprint/costs", test_costs_after_print);
    g_test_add_func("/afterprint/purge", test_purge);
    g_test_add_func("/afterprint/cancel", test_cancel);
    g_test_add_func("/afterprint/dispatch-crash", test_dispatch_crash);
    g_test_add_func("/afterprint/return-crash", test_return_crash);
    g_test_add_func("/afterprint/purge-crash", test_purge_crash);
    rc = g_test_run();
    for (i = 0; i < 4; i++)
        g_free(codes[i]);
    if (fx.root) /* not when a single test ran (-p) */
        fx_free(&fx);
    return rc;
}

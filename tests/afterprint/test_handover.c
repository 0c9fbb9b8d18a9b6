/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_handover.c - a posting day as Posten sees it, through the real trykk binary: the day's
 * one handover note (CSV and PDF text) checked against the day's pieces, reprints included;
 * the postal presort in pieces.csv (postcode ascending, foreign last, the zone column); the
 * date checks of returns and the undo of a mis-scanned return; purge --dry-run changing
 * nothing (ledger and files compared before and after) and listing exactly what a purge
 * then removes.
 *
 * The tests run in order on one spool.
 */
#include <string.h>
#include <sqlite3.h>
#include "common/fixture.h"
#include "jobs/jobs.h"
#include "util/util.h"

#define EXTRA "[ea]\nagreement=0999\nservice_level=2\nreturn_address=Trykk AS;Returpost EA;" \
              "Postboks 1;0001 OSLO\n[render]\nreprint_max_percent=100\n" \
              "[provider]\nname=Trykkeri Testesen AS\naddress=Trykkveien 7;0150 OSLO\n" \
              "customer_number=20098765\n[handover]\nsmall_per_tray=2\nlarge_per_tray=1\n"

static struct fixture fx;

static const char *const mon[] = {"TRYKK_NOW", "2026-11-16T10:00:00+01:00", NULL};
static const char *const mon_eve[] = {"TRYKK_NOW", "2026-11-16T21:00:00+01:00", NULL};
static const char *const tue[] = {"TRYKK_NOW", "2026-11-17T11:00:00+01:00", NULL};
static const char *const wed[] = {"TRYKK_NOW", "2026-11-18T09:00:00+01:00", NULL};
static const char *const spring[] = {"TRYKK_NOW", "2027-03-01T09:00:00+01:00", NULL};

/* The letters of the day: entry name, postcode (NULL: foreign), country, pages, posttype,
 * EA. Dropped in this order, which is not the postal order. */
static const struct {
    const char *name, *postnummer, *landkode;
    int pages;
    const char *posttype;
    bool ea;
} day[] = {
    {"f-us", NULL, "US", 2, "A", false},       {"d-9000", "9000", NULL, 2, "A", true},
    {"f-se", NULL, "SE", 2, "A", false},       {"d-5003", "5003", NULL, 4, "A", true},
    {"d-0150a", "0150", NULL, 2, "A", false},  {"f-dk", NULL, "DK", 2, "A", true},
    {"d-0150b", "0150", NULL, 2, "A", false},  {"b-0001", "0001", NULL, 2, "B", false},
    {"c4-a", "0180", NULL, 14, "A", false},    {"c4-b", "0190", NULL, 14, "B", false},
};

static const char *const recipient = "Mottakerine Handoversen";

static long long db_int(const char *sql) { return fx_sql_int(fx.spool, sql); }
static char *db_str(const char *sql) { return fx_sql_str(fx.spool, sql); }

static int trykk(const char *const *env, char **err, const char *a0, const char *a1,
                 const char *a2, const char *a3, const char *a4, const char *a5)
{
    const char *args[] = {a0, a1, a2, a3, a4, a5, NULL};

    return fx_trykk(&fx, err, args, env);
}

/* stdout of `trykk ARGS` (exit status in *rc) */
static char *trykk_out(const char *const *env, int *rc, const char *a0, const char *a1,
                       const char *a2, const char *a3)
{
    const char *args[] = {a0, a1, a2, a3, NULL};
    char *out = NULL;

    *rc = fx_trykk_out(&fx, &out, NULL, args, env);
    return out;
}

/* A value about one letter: head, the quoted entry name, tail. */
static char *of_entry(const char *head, const char *entry, const char *tail)
{
    char *sql = g_strconcat(head, "'", entry, "'", tail, NULL);
    char *v = db_str(sql);

    g_free(sql);
    return v;
}

static char *job_of(const char *entry)
{
    return of_entry("SELECT j.name FROM jobs j JOIN pieces p ON p.job_id = j.id JOIN letters l"
                    " ON l.id = p.letter_id WHERE l.entry_name = ", entry,
                    " ORDER BY j.id LIMIT 1");
}

/* The newest piece of a letter (its reprint, when it has one). */
static char *piece_of(const char *entry)
{
    return of_entry("SELECT p.code FROM pieces p JOIN letters l ON l.id = p.letter_id WHERE"
                    " l.entry_name = ", entry, " ORDER BY p.job_id DESC LIMIT 1");
}

/* An inserter log for a job: every piece OK but `damaged` (a piece code, or NULL). */
static char *scan_log(const char *job, const char *damaged)
{
    char *sql = g_strdup_printf("SELECT group_concat(p.code, ' ') FROM (SELECT p.code FROM pieces"
                                " p JOIN jobs j ON j.id = p.job_id WHERE j.name = '%s' ORDER BY"
                                " p.seq) p", job);
    char *codes = db_str(sql), **c = g_strsplit(codes, " ", -1);
    char *path = g_strdup_printf("%s/scan-%s.log", fx.root, job);
    GString *s = g_string_new("piece,result\n");
    int i;

    for (i = 0; c[i]; i++)
        g_string_append_printf(s, "%s,%s\n", c[i], g_strcmp0(c[i], damaged) ? "OK" : "DAMAGED");
    g_assert_true(g_file_set_contents(path, s->str, -1, NULL));
    g_string_free(s, TRUE);
    g_strfreev(c);
    g_free(codes);
    g_free(sql);
    return path;
}

static void reconcile(const char *job, const char *damaged)
{
    char *log = scan_log(job, damaged);

    /* a damaged piece is reported (exit 1) and reprinted */
    g_assert_cmpint(trykk(mon_eve, NULL, "reconcile", job, log, NULL, NULL, NULL), ==, !!damaged);
    g_free(log);
}

static char *pdf_text(const char *path)
{
    char *cmd = g_strdup_printf("pdftotext -layout %s -", path), *text = NULL;

    g_assert_true(g_spawn_command_line_sync(cmd, &text, NULL, NULL, NULL));
    g_free(cmd);
    return text;
}

static char *handover_file(const char *dayname, const char *ext)
{
    char *name = g_strdup_printf("handover-%s.%s", dayname, ext);
    char *path = g_build_filename(fx.spool, "handover", name, NULL);

    g_free(name);
    return path;
}

/* One RFC 4180 line as fields (quotes hold commas and doubled quotes). */
static char **csv_fields(const char *line)
{
    GPtrArray *f = g_ptr_array_new();
    GString *cur = g_string_new(NULL);
    bool quoted = false;

    for (; *line; line++) {
        if (*line == '"' && quoted && line[1] == '"')
            g_string_append_c(cur, *++line);
        else if (*line == '"')
            quoted = !quoted;
        else if (*line == ',' && !quoted) {
            g_ptr_array_add(f, g_string_free(cur, FALSE));
            cur = g_string_new(NULL);
        } else
            g_string_append_c(cur, *line);
    }
    g_ptr_array_add(f, g_string_free(cur, FALSE));
    g_ptr_array_add(f, NULL);
    return (char **)g_ptr_array_free(f, FALSE);
}

/* Column `column` of the handover CSV line whose zone, A/B, format and band are `line`. */
static long long csv_count(const char *csv, const char *line, int column)
{
    char **lines = g_strsplit(csv, "\r\n", -1);
    long long v = -1;
    int i;

    for (i = 0; lines[i] && v < 0; i++) {
        char **f = csv_fields(lines[i]);
        if (g_strv_length(f) == 13) {
            char *key = g_strdup_printf("%s,%s,%s,%s", f[5], f[6], f[7], f[8]);
            if (strcmp(key, line) == 0)
                v = g_ascii_strtoll(f[column], NULL, 10);
            g_free(key);
        }
        g_strfreev(f);
    }
    g_strfreev(lines);
    return v;
}

/* ---- the day ------------------------------------------------------------------------------ */

static void test_print(void)
{
    size_t i;

    fx_init(&fx, EXTRA);
    for (i = 0; i < G_N_ELEMENTS(day); i++) {
        struct forge_letter l;
        fx_letter(&fx, &l);
        l.navn = recipient;
        l.postnummer = day[i].postnummer;
        l.poststed = day[i].postnummer ? "OSLO" : NULL;
        l.landkode = day[i].landkode;
        l.adresse = day[i].landkode ? "Storgatan 1, 111 22 Stockholm" : "Testveien 1";
        l.pdf.pages = day[i].pages;
        l.posttype = day[i].posttype;
        l.return_handling = day[i].ea ? "MAKULERING_MED_MELDING" : "DIREKTE_RETUR";
        fx_drop_letter(&fx, day[i].name, 'b', &l);
    }
    g_assert_cmpint(trykk(mon, NULL, "run", NULL, NULL, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(trykk(mon, NULL, "job", "close", "--all", NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(db_int("SELECT count(*) FROM jobs"), ==, 4);
}

/* Domestic pieces by postcode, then Europe, then the world (by country); a zone column. */
static void test_presort(void)
{
    char *job = job_of("d-9000"), *path = g_build_filename(fx.spool, "jobs", job, "pieces.csv",
                                                            NULL), *csv, **lines;
    const char *const want_zone[] = {"innland", "innland", "innland", "innland", "europa",
                                     "europa", "verden"};
    const char *const want_where[] = {"0150", "0150", "5003", "9000", "DK", "SE", "US"};
    int i;

    g_assert_true(g_file_get_contents(path, &csv, NULL, NULL));
    lines = g_strsplit(csv, "\r\n", -1);
    g_assert_true(g_str_has_suffix(lines[0], ",reprint_of,zone"));
    for (i = 0; i < 7; i++) {
        char **f = g_strsplit(lines[i + 1], ",", -1), *sql, *where, seq[4];
        g_assert_cmpuint(g_strv_length(f), ==, 14);
        g_snprintf(seq, sizeof seq, "%d", i + 1);
        g_assert_cmpstr(f[2], ==, seq);
        g_assert_cmpstr(f[13], ==, want_zone[i]);
        sql = g_strdup_printf("SELECT coalesce(landkode, postnummer) FROM addresses WHERE"
                              " letter_id = '%s' AND role = 'recipient'", f[3]);
        where = db_str(sql);
        g_assert_cmpstr(where, ==, want_where[i]);
        g_free(where);
        g_free(sql);
        g_strfreev(f);
    }
    g_assert_cmpstr(lines[8], ==, "");
    /* no names or addresses in the manifest */
    g_assert_null(strstr(csv, recipient));
    g_assert_null(strstr(csv, "0150"));
    g_strfreev(lines);
    g_free(csv);
    g_free(path);
    g_free(job);
}

/* Reconcile (one piece damaged and reprinted) and dispatch the day; the note follows every
 * dispatch and counts the day's pieces. */
static void test_dispatch_day(void)
{
    char *a5 = job_of("d-9000"), *b5 = job_of("b-0001"), *a4 = job_of("c4-a"), *b4 = job_of("c4-b");
    char *damaged = piece_of("d-5003"), *child, *csv_path = handover_file("2026-11-16", "csv");
    char *csv;

    reconcile(a5, damaged);
    g_assert_cmpint(db_int("SELECT count(*) FROM jobs WHERE parent IS NOT NULL"), ==, 1);
    child = db_str("SELECT name FROM jobs WHERE parent IS NOT NULL");
    reconcile(child, NULL);
    reconcile(b5, NULL);
    reconcile(a4, NULL);
    reconcile(b4, NULL);
    g_assert_cmpint(trykk(mon_eve, NULL, "dispatch", a5, NULL, NULL, NULL, NULL), ==, 0);
    g_assert_true(g_file_get_contents(csv_path, &csv, NULL, NULL));
    g_assert_cmpint(csv_count(csv, "totalt,,,", 9), ==, 6); /* the reprinted piece waits */
    g_free(csv);
    g_assert_cmpint(trykk(mon_eve, NULL, "dispatch", child, b5, a4, NULL, NULL), ==, 0);
    g_assert_cmpint(trykk(tue, NULL, "dispatch", b4, NULL, NULL, NULL, NULL), ==, 0);
    /* no note per job any more */
    {
        char *old = g_build_filename(fx.spool, "jobs", a5, "handover.pdf", NULL);
        g_assert_false(g_file_test(old, G_FILE_TEST_EXISTS));
        g_free(old);
    }
    g_free(csv_path);
    g_free(child);
    g_free(damaged);
    g_free(a5);
    g_free(b5);
    g_free(a4);
    g_free(b4);
}

static void test_handover_csv(void)
{
    char *path = handover_file("2026-11-16", "csv"), *csv, *out, *dir, *copy, *copy_text;
    static const struct { const char *line; long long pieces, ea, trays; } want[] = {
        {"Innland,A-post,småbrev,0–20 g", 3, 1, -1}, {"Innland,A-post,småbrev,21–50 g", 1, 1, -1},
        {"Innland,A-post,småbrev,sum", 4, 2, 2},     {"Innland,A-post,storbrev,51–100 g", 1, 0, -1},
        {"Innland,A-post,storbrev,sum", 1, 0, 1},    {"Innland,B-post,småbrev,0–20 g", 1, 0, -1},
        {"Innland,B-post,småbrev,sum", 1, 0, 1},     {"Europa,A-post,småbrev,0–20 g", 2, 1, -1},
        {"Europa,A-post,småbrev,sum", 2, 1, 1},      {"Verden,A-post,småbrev,0–20 g", 1, 0, -1},
        {"Verden,A-post,småbrev,sum", 1, 0, 1},      {"totalt,,,", 9, 3, 6}};
    size_t i;
    int rc;

    g_assert_true(g_file_get_contents(path, &csv, NULL, NULL));
    g_assert_true(g_str_has_prefix(csv, "dag,laget,leverandor,adresse,kundenummer,sone,prioritet,"
                                        "format,vektklasse,antall,vekt_g,ea,brett\r\n"));
    for (i = 0; i < G_N_ELEMENTS(want); i++) {
        g_assert_cmpint(csv_count(csv, want[i].line, 9), ==, want[i].pieces);
        g_assert_cmpint(csv_count(csv, want[i].line, 11), ==, want[i].ea);
        if (want[i].trays >= 0)
            g_assert_cmpint(csv_count(csv, want[i].line, 12), ==, want[i].trays);
    }
    {   /* those lines and the header: nothing else */
        char **l = g_strsplit(csv, "\r\n", -1);
        g_assert_cmpuint(g_strv_length(l), ==, G_N_ELEMENTS(want) + 2);
        g_strfreev(l);
    }
    /* the totals are the day's posted pieces in the ledger, reprints included */
    g_assert_cmpint(db_int("SELECT count(*) FROM pieces p JOIN jobs j ON j.id = p.job_id WHERE"
                           " j.dispatched_on = '2026-11-16' AND p.state = 'POSTED'"), ==, 9);
    g_assert_cmpint(db_int("SELECT count(*) FROM pieces p JOIN jobs j ON j.id = p.job_id WHERE"
                           " j.dispatched_on = '2026-11-16' AND p.state = 'POSTED' AND"
                           " j.parent IS NOT NULL"), ==, 1);
    g_assert_nonnull(strstr(csv, "\r\n2026-11-16,2026-11-16T21:00:00+01:00,Trykkeri Testesen AS,"
                                 "\"Trykkveien 7, 0150 OSLO\",20098765,Innland,"));
    g_assert_null(strstr(csv, recipient));
    /* `trykk handover DAY --out DIR` makes the same files elsewhere */
    dir = g_build_filename(fx.root, "counter", NULL);
    out = trykk_out(mon_eve, &rc, "handover", "16.11.2026", "--out", dir);
    g_assert_cmpint(rc, ==, 0);
    g_assert_nonnull(strstr(out, "9 pieces in 4 jobs, 6 trays, 3 with the EA mark"));
    copy = g_build_filename(dir, "handover-2026-11-16.csv", NULL);
    g_assert_true(g_file_get_contents(copy, &copy_text, NULL, NULL));
    g_assert_cmpstr(copy_text, ==, csv);
    /* the next day has its own note */
    g_free(path);
    g_free(csv);
    path = handover_file("2026-11-17", "csv");
    g_assert_true(g_file_get_contents(path, &csv, NULL, NULL));
    g_assert_cmpint(csv_count(csv, "Innland,B-post,storbrev,51–100 g", 9), ==, 1);
    g_assert_cmpint(csv_count(csv, "totalt,,,", 9), ==, 1);
    g_free(copy_text);
    g_free(copy);
    g_free(out);
    g_free(dir);
    g_free(csv);
    g_free(path);
}

static void test_handover_pdf(void)
{
    char *path = handover_file("2026-11-16", "pdf"), *text = pdf_text(path);
    char *a5 = job_of("d-9000"), *child;
    static const char *const rows[] = {
        "Innland\\s+A-post\\s+småbrev\\s+0–20 g\\s+3\\s+\\d+\\s+1\\n",
        "Innland\\s+A-post\\s+småbrev\\s+21–50 g\\s+1\\s+\\d+\\s+1\\n",
        "Innland\\s+A-post\\s+småbrev\\s+Sum\\s+4\\s+\\d+\\s+2\\s+2\\n",
        "Innland\\s+A-post\\s+storbrev\\s+51–100 g\\s+1\\s+57\\s+0\\n",
        "Innland\\s+B-post\\s+småbrev\\s+0–20 g\\s+1\\s+17\\s+0\\n",
        "Europa\\s+A-post\\s+småbrev\\s+0–20 g\\s+2\\s+\\d+\\s+1\\n",
        "Verden\\s+A-post\\s+småbrev\\s+Sum\\s+1\\s+\\d+\\s+0\\s+1\\n",
        "Totalt\\s+9\\s+\\d+\\s+3\\s+6\\n"};
    size_t i;

    g_assert_nonnull(strstr(text, "Innleveringsliste"));
    g_assert_nonnull(strstr(text, "Trykkeri Testesen AS"));
    g_assert_nonnull(strstr(text, "Trykkveien 7"));
    g_assert_nonnull(strstr(text, "Kundenummer: 20098765"));
    g_assert_nonnull(strstr(text, "Org.nr. 974 761 076"));
    g_assert_nonnull(strstr(text, "Innleveringsdag: 16.11.2026"));
    g_assert_nonnull(strstr(text, "Laget: 16.11.2026 kl. 21:00"));
    g_assert_nonnull(strstr(text, "Sendinger: 9"));
    g_assert_nonnull(strstr(text, "Brett: 6"));
    g_assert_nonnull(strstr(text, "Med EA-merking: 3"));
    g_assert_nonnull(strstr(text, "Jobber (4):"));
    g_assert_nonnull(strstr(text, a5));
    child = db_str("SELECT name FROM jobs WHERE parent IS NOT NULL"); /* the reprint job */
    g_assert_nonnull(strstr(text, child));
    for (i = 0; i < G_N_ELEMENTS(rows); i++)
        if (!g_regex_match_simple(rows[i], text, 0, 0))
            g_error("not in the note: %s\n%s", rows[i], text);
    g_assert_nonnull(strstr(text, "Mottatt av (Posten)"));
    g_assert_null(strstr(text, recipient));
    g_assert_null(strstr(text, "small"));
    g_assert_null(strstr(text, "WORLD"));
    g_free(child);
    g_free(a5);
    g_free(text);
    g_free(path);
}

static void test_handover_usage(void)
{
    char *err = NULL, *out;
    int rc;

    g_assert_cmpint(trykk(tue, &err, "handover", "2026-13-01", NULL, NULL, NULL, NULL), ==, 2);
    g_assert_nonnull(strstr(err, "not a day"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(trykk(tue, &err, "handover", NULL, NULL, NULL, NULL, NULL), ==, 2);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(trykk(tue, &err, "handover", "2026-11-20", NULL, NULL, NULL, NULL), ==, 1);
    g_assert_nonnull(strstr(err, "no job was dispatched on 2026-11-20"));
    g_free(err);
    out = trykk_out(tue, &rc, "handover", "--help", NULL, NULL);
    g_assert_cmpint(rc, ==, 0);
    g_assert_nonnull(strstr(out, "--out"));
    g_assert_nonnull(strstr(out, "Exit status"));
    g_free(out);
}

/* A day of many lines flows onto more pages; the total and the signatures close the last. */
static void test_handover_pages(void)
{
    struct handover_day d = {0};
    char *names[] = {"Trykkeri AS", NULL}, *addr[] = {"Gate 1", "0150 OSLO", NULL};
    struct bytes pdf = {0};
    char *path = g_build_filename(fx.root, "long.pdf", NULL), *text, **pages;
    int i;

    d.day = "2026-11-16";
    d.made_at = "2026-11-16T21:00:00+01:00";
    d.name = names[0];
    d.address = addr;
    d.orgnr = "974761076";
    d.customer_number = "1";
    d.per_tray[0] = d.per_tray[1] = 10;
    d.jobs = g_ptr_array_new();
    g_ptr_array_add(d.jobs, "J000001");
    d.lines = g_array_new(FALSE, TRUE, sizeof(struct handover_line));
    for (i = 0; i < 90; i++) {
        struct handover_line l = {"NO", "A", "small", "", 1, 16500, 0, i % 6 == 5, 0};
        g_snprintf(l.band, sizeof l.band, "band-%02d", i);
        g_array_append_val(d.lines, l);
        d.pieces++;
    }
    g_assert_cmpint(handover_pdf(&d, &pdf), ==, 0);
    g_assert_true(g_file_set_contents(path, (char *)pdf.data, (gssize)pdf.len, NULL));
    text = pdf_text(path);
    pages = g_strsplit(text, "\f", -1);
    g_assert_cmpuint(g_strv_length(pages), >=, 3); /* two pages at least, and the rest */
    for (i = 0; i < 90; i++) {
        char band[16];
        g_snprintf(band, sizeof band, "band-%02d", i);
        if (i % 6 != 5)
            g_assert_nonnull(strstr(text, band));
    }
    g_assert_nonnull(strstr(pages[1], "Innleveringsliste (forts.)"));
    g_assert_nonnull(strstr(pages[1], "side 2"));
    g_assert_null(strstr(pages[0], "Totalt"));
    g_assert_nonnull(g_regex_match_simple("Totalt\\s+90\\b", text, 0, 0));
    g_assert_nonnull(strstr(pages[g_strv_length(pages) - 2], "Mottatt av (Posten)"));
    g_strfreev(pages);
    g_free(text);
    g_free(path);
    bytes_free(&pdf);
    g_ptr_array_unref(d.jobs);
    g_array_free(d.lines, TRUE);
}

/* ---- returns: dates and undo --------------------------------------------------------------- */

/* A count about one letter: `what` ends in "l.entry_name = " and takes the quoted name. */
static long long letter_int(const char *entry, const char *what)
{
    char *v = of_entry(what, entry, "");
    long long n = v ? g_ascii_strtoll(v, NULL, 10) : -1;

    g_free(v);
    return n;
}

#define RETURNS_OF "SELECT count(*) FROM returns r JOIN letters l ON l.id = r.letter_id WHERE" \
                   " l.entry_name = "
#define RECEIPTS_OF "SELECT count(*) FROM receipts r JOIN letters l ON l.id = r.letter_id WHERE" \
                    " r.type = 'returpostkvittering' AND l.entry_name = "
#define FEES_OF "SELECT coalesce(sum(return_ore), 0) FROM cost_rows c JOIN letters l ON l.id =" \
                " c.letter_id WHERE c.kind = 'RETURN' AND l.entry_name = "

static void test_return_dates(void)
{
    char *piece = piece_of("d-9000"), *ea = g_strdup_printf("2099920%s", piece), *err = NULL;
    char *file = g_build_filename(fx.root, "station.csv", NULL), *text;
    int rc;
    char *out;

    out = trykk_out(tue, &rc, "returns", "list", "--since", "32.13.2026");
    g_assert_cmpint(rc, ==, 2);
    g_free(out);
    g_assert_cmpint(trykk(tue, &err, "returns", "list", "--since", "32.13.2026", NULL, NULL), ==,
                    2);
    g_assert_nonnull(strstr(err, "'32.13.2026' is not a day"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(trykk(tue, NULL, "returns", "scan", ea, "--date", "31.02.2026", NULL), ==, 2);
    /* in the future, or before the piece was posted: refused, nothing recorded */
    g_assert_cmpint(trykk(tue, &err, "returns", "scan", ea, "--date", "2026-11-18", NULL), ==, 1);
    g_assert_nonnull(strstr(err, "in the future"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(trykk(tue, &err, "returns", "scan", ea, "--date", "15.11.2026", NULL), ==, 1);
    g_assert_nonnull(strstr(err, "posted on 2026-11-16"));
    g_clear_pointer(&err, g_free);
    text = g_strdup_printf("%s,moved,19.11.2026\n%s,moved,2026-11-01\n", ea, ea);
    g_assert_true(g_file_set_contents(file, text, -1, NULL));
    g_assert_cmpint(trykk(tue, &err, "returns", "import", file, NULL, NULL, NULL), ==, 1);
    g_assert_nonnull(strstr(err, "station.csv:1"));
    g_assert_nonnull(strstr(err, "station.csv:2"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(letter_int("d-9000", RETURNS_OF), ==, 0);
    g_assert_cmpint(letter_int("d-9000", RECEIPTS_OF), ==, 0);
    g_assert_cmpint(letter_int("d-9000", FEES_OF), ==, 0);
    g_assert_cmpint(db_int("SELECT count(*) FROM letters WHERE state = 'RETURNED'"), ==, 0);
    /* the posting day itself and today are fine */
    g_assert_cmpint(trykk(tue, NULL, "returns", "scan", ea, "--date", "16.11.2026", NULL), ==, 0);
    g_assert_cmpint(letter_int("d-9000", RETURNS_OF), ==, 1);
    g_free(text);
    g_free(file);
    g_free(ea);
    g_free(piece);
}

static void test_return_undo(void)
{
    char *piece = piece_of("d-9000"), *ea = g_strdup_printf("2099920%s", piece), *err = NULL;
    char *direct = piece_of("d-0150a"), *out;
    int rc, outbox_before = fx_count_dir(&fx, "outbox");

    /* scanned on Tuesday: its receipt is held, nothing reached the broker */
    g_assert_cmpint(letter_int("d-9000", RECEIPTS_OF), ==, 1);
    g_assert_cmpint(db_int("SELECT count(*) FROM receipts WHERE type = 'returpostkvittering' AND"
                           " published = 1"), ==, 0);
    g_assert_cmpint(letter_int("d-9000", FEES_OF), ==, 31);
    g_assert_cmpint(trykk(tue, NULL, "run", NULL, NULL, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(fx_count_dir(&fx, "outbox"), ==, outbox_before);
    /* a mis-scan: undone the same day */
    g_assert_cmpint(trykk(tue, NULL, "returns", "undo", ea, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(letter_int("d-9000", RETURNS_OF), ==, 0);
    g_assert_cmpint(letter_int("d-9000", RECEIPTS_OF), ==, 0);
    g_assert_cmpint(letter_int("d-9000", FEES_OF), ==, 0); /* taken back by a second row */
    g_assert_cmpint(db_int("SELECT count(*) FROM cost_rows c JOIN cost_rows f ON f.seq = c.ref"
                           " WHERE c.kind = 'RETURN' AND f.kind = 'RETURN' AND c.return_ore ="
                           " -f.return_ore"), ==, 1);
    g_assert_cmpint(db_int("SELECT count(*) FROM letters WHERE entry_name = 'd-9000' AND state ="
                           " 'POSTED'"), ==, 1);
    g_assert_cmpint(db_int("SELECT count(*) FROM events e JOIN letters l ON l.id = e.letter_id"
                           " WHERE l.entry_name = 'd-9000' AND e.event = 'return-undone'"), ==, 1);
    /* nothing more to undo */
    g_assert_cmpint(trykk(tue, &err, "returns", "undo", ea, NULL, NULL, NULL), ==, 1);
    g_assert_nonnull(strstr(err, "no return is recorded"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(trykk(tue, NULL, "returns", "undo", "00000000000", NULL, NULL, NULL), ==, 1);
    g_assert_cmpint(trykk(tue, NULL, "returns", "undo", NULL, NULL, NULL, NULL), ==, 2);
    /* a DIREKTE_RETUR piece has no receipt: undone too */
    g_assert_cmpint(trykk(tue, NULL, "returns", "scan", direct, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(trykk(tue, NULL, "returns", "undo", direct, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(letter_int("d-0150a", RETURNS_OF), ==, 0);
    /* the real return: the next day its receipt goes out, and then it stays */
    g_assert_cmpint(trykk(tue, NULL, "returns", "scan", ea, "--reason", "moved", NULL), ==, 0);
    g_assert_cmpint(trykk(wed, NULL, "run", NULL, NULL, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(fx_count_dir(&fx, "outbox"), ==, outbox_before + 1);
    g_assert_cmpint(trykk(wed, &err, "returns", "undo", ea, NULL, NULL, NULL), ==, 1);
    g_assert_nonnull(strstr(err, "can only be undone on the day it was recorded"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(letter_int("d-9000", RETURNS_OF), ==, 1);
    g_assert_cmpint(letter_int("d-9000", FEES_OF), ==, 31);
    g_assert_cmpint(db_int("SELECT count(*) FROM letters WHERE entry_name = 'd-9000' AND state ="
                           " 'RETURNED'"), ==, 1);
    out = trykk_out(wed, &rc, "returns", "undo", "--help", NULL);
    g_assert_cmpint(rc, ==, 0);
    g_assert_nonnull(strstr(out, "Exit status"));
    g_free(out);
    out = trykk_out(wed, &rc, "returns", "--help", NULL, NULL);
    g_assert_cmpint(rc, ==, 0);
    g_assert_nonnull(strstr(out, "trykk returns undo"));
    g_free(out);
    g_free(direct);
    g_free(ea);
    g_free(piece);
}

/* ---- purge --dry-run ------------------------------------------------------------------------ */

static int by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Equal snapshots, or the first line that differs. */
static void same_lines(const char *want, const char *got)
{
    char **w = g_strsplit(want, "\n", -1), **g = g_strsplit(got, "\n", -1);
    guint i;

    for (i = 0; w[i] && g[i]; i++)
        if (strcmp(w[i], g[i]) != 0)
            g_error("changed: %.200s\nnow:     %.200s", w[i], g[i]);
    g_assert_true(!w[i] && !g[i]);
    g_strfreev(w);
    g_strfreev(g);
}

static void dump_tree(GString *s, const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;
    guint i;

    while (d && (n = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(n));
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(names, by_name);
    for (i = 0; i < names->len; i++) {
        char *path = g_build_filename(dir, names->pdata[i], NULL), *data = NULL, *sum;
        gsize len = 0;
        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            g_string_append_printf(s, "%s/\n", path);
            dump_tree(s, path);
        } else if (!g_str_has_prefix(names->pdata[i], "trykk.db") &&
                   strcmp(names->pdata[i], "run.lock") != 0) {
            g_assert_true(g_file_get_contents(path, &data, &len, NULL));
            sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)data, len);
            g_string_append_printf(s, "%s %s\n", path, sum);
            g_free(sum);
            g_free(data);
        }
        g_free(path);
    }
    g_ptr_array_unref(names);
}

/* Every row of every table, in order. */
static void dump_ledger(GString *s)
{
    char *path = g_build_filename(fx.spool, "ledger", "trykk.db", NULL);
    sqlite3 *db;
    sqlite3_stmt *t, *st;

    g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                                           " ORDER BY name", -1, &t, NULL), ==, SQLITE_OK);
    while (sqlite3_step(t) == SQLITE_ROW) {
        char *sql = g_strdup_printf("SELECT * FROM \"%s\" ORDER BY rowid",
                                    (const char *)sqlite3_column_text(t, 0));
        int i;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) { /* WITHOUT ROWID */
            g_free(sql);
            sql = g_strdup_printf("SELECT * FROM \"%s\" ORDER BY 1, 2",
                                  (const char *)sqlite3_column_text(t, 0));
            g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
        }
        g_string_append_printf(s, "[%s]\n", sqlite3_column_text(t, 0));
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (i = 0; i < sqlite3_column_count(st); i++)
                g_string_append_printf(s, "%s|", sqlite3_column_text(st, i) ?
                                       (const char *)sqlite3_column_text(st, i) : "NULL");
            g_string_append_c(s, '\n');
        }
        sqlite3_finalize(st);
        g_free(sql);
    }
    sqlite3_finalize(t);
    sqlite3_close(db);
    g_free(path);
}

static char *snapshot(void)
{
    GString *s = g_string_new(NULL);

    dump_ledger(s);
    dump_tree(s, fx.spool);
    return g_string_free(s, FALSE);
}

static void test_purge_dry_run(void)
{
    char *before = snapshot(), *after, *out, *sql;
    GPtrArray *due = g_ptr_array_new_with_free_func(g_free);
    int rc;
    guint i;

    /* in spring the day's letters are due */
    out = trykk_out(spring, &rc, "purge", "--dry-run", NULL, NULL);
    g_assert_cmpint(rc, ==, 0);
    after = snapshot();
    same_lines(before, after); /* nothing changed: not a row, not a file */
    g_assert_nonnull(strstr(out, "nothing is changed"));
    {
        GRegex *re = g_regex_new("^  (\\d{8}T\\d{6}-[0-9a-f]{8})  +(POSTED|RETURNED)", G_REGEX_MULTILINE,
                                 0, NULL);
        GMatchInfo *m;
        g_regex_match(re, out, 0, &m);
        while (g_match_info_matches(m)) {
            g_ptr_array_add(due, g_match_info_fetch(m, 1));
            g_match_info_next(m, NULL);
        }
        g_match_info_free(m);
        g_regex_unref(re);
    }
    g_assert_cmpuint(due->len, ==, G_N_ELEMENTS(day));
    g_assert_nonnull(strstr(out, "letters whose names and addresses would be removed: 10\n"));
    g_assert_nonnull(strstr(out, "packages that would be deleted: 10 ("));
    g_assert_nonnull(g_regex_match_simple("print files that would be deleted: 5 \\([1-9]\\d* bytes"
                                          "\\)", out, 0, 0));
    g_assert_nonnull(g_regex_match_simple("jobs/J\\d{6}/job.pdf  [1-9]\\d* bytes", out, 0, 0));
    g_assert_null(strstr(out, recipient));
    /* what the purge then does is what the dry run said */
    g_assert_cmpint(trykk(spring, NULL, "purge", NULL, NULL, NULL, NULL, NULL), ==, 0);
    for (i = 0; i < due->len; i++) {
        sql = g_strdup_printf("SELECT count(*) FROM letters WHERE id = '%s' AND state = 'PURGED'",
                              (char *)due->pdata[i]);
        g_assert_cmpint(db_int(sql), ==, 1);
        g_free(sql);
    }
    g_assert_cmpint(db_int("SELECT count(*) FROM letters WHERE state = 'PURGED'"), ==, due->len);
    g_assert_cmpint(fx_count_dir(&fx, "accepted"), ==, 0);
    g_free(out);
    out = trykk_out(spring, &rc, "purge", "--dry-run", NULL, NULL);
    g_assert_nonnull(strstr(out, "letters whose names and addresses would be removed: 0\n"));
    g_assert_nonnull(strstr(out, "print files that would be deleted: 0 (0 bytes)"));
    g_free(out);
    out = trykk_out(spring, &rc, "purge", "--help", NULL, NULL);
    g_assert_cmpint(rc, ==, 0);
    g_assert_nonnull(strstr(out, "--dry-run"));
    g_assert_nonnull(strstr(out, "Exit status"));
    g_assert_cmpint(trykk(spring, NULL, "purge", "extra", NULL, NULL, NULL, NULL), ==, 2);
    g_ptr_array_unref(due);
    g_free(out);
    g_free(after);
    g_free(before);
}

int main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/handover/print", test_print);
    g_test_add_func("/handover/presort", test_presort);
    g_test_add_func("/handover/dispatch-day", test_dispatch_day);
    g_test_add_func("/handover/csv", test_handover_csv);
    g_test_add_func("/handover/pdf", test_handover_pdf);
    g_test_add_func("/handover/usage", test_handover_usage);
    g_test_add_func("/handover/pages", test_handover_pages);
    g_test_add_func("/handover/return-dates", test_return_dates);
    g_test_add_func("/handover/return-undo", test_return_undo);
    g_test_add_func("/handover/purge-dry-run", test_purge_dry_run);
    rc = g_test_run();
    if (fx.root)
        fx_free(&fx);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_costs.c - money, tariffs, cost rows, settlements and the finance export.
 *
 * The worked examples are read from ../shared/spec/tariff.md itself, so the test follows
 * the published price list rather than a copy of it. Settlements run on ledgers of letters
 * made by costs_fx.c; the CSV is parsed back by Python's csv module and summed.
 */
#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include "common/fixture.h"
#include "costs_fx.h"
#include "util/util.h"

/* ---- money ------------------------------------------------------------------------------- */

static void test_money(void)
{
    static const struct { const char *s; long long ore; } ok[] = {
        {"0.90", 90}, {"0.9", 90}, {"12", 1200}, {"-1.35", -135}, {"0.05", 5}, {"1000000.00",
        100000000}};
    static const char *const bad[] = {"", ".5", "1.234", "1e3", " 1.00", "1,00", "1.", "--1",
                                      "99999999999999999999", "NaN"};
    long long v;
    size_t i;
    char *s;

    for (i = 0; i < G_N_ELEMENTS(ok); i++) {
        g_assert_cmpint(money_parse(ok[i].s, &v), ==, 0);
        g_assert_cmpint(v, ==, ok[i].ore);
    }
    for (i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_cmpint(money_parse(bad[i], &v), ==, -1);
    s = money_format(-135, ',');
    g_assert_cmpstr(s, ==, "-1,35");
    g_free(s);
    s = money_format(5, '.');
    g_assert_cmpstr(s, ==, "0.05");
    g_free(s);
    /* the one rule: nearest, halves away from zero */
    g_assert_cmpint(money_div_round(5, 10), ==, 1);
    g_assert_cmpint(money_div_round(4, 10), ==, 0);
    g_assert_cmpint(money_div_round(-5, 10), ==, -1);
    g_assert_cmpint(money_div_round(-4, 10), ==, 0);
    g_assert_cmpint(money_bp(2250, 2500), ==, 563); /* 562.5 -> 563 */
    g_assert_cmpint(money_bp(-2250, 2500), ==, -563);
}

static long long sum(const long long *v, size_t n)
{
    long long s = 0;
    size_t i;

    for (i = 0; i < n; i++)
        s += v[i];
    return s;
}

static void test_allocate(void)
{
    long long w3[] = {1, 1, 1}, out[64], w[64];
    long long wz[] = {0, 0, 0, 0};
    long long wp[] = {90, 45, 45, 1};
    GRand *r = g_rand_new_with_seed(4);
    int k;
    size_t i, n;

    money_allocate(100, w3, 3, out);
    g_assert_cmpint(out[0], ==, 34);
    g_assert_cmpint(out[1], ==, 33);
    g_assert_cmpint(out[2], ==, 33);
    money_allocate(-100, w3, 3, out);
    g_assert_cmpint(sum(out, 3), ==, -100);
    g_assert_cmpint(out[0], ==, -34);
    money_allocate(7, wz, 4, out); /* all weights zero: equal shares */
    g_assert_cmpint(out[0], ==, 2);
    g_assert_cmpint(out[3], ==, 1);
    /* 15 × (90, 45, 45, 1) / 181 = 7.46, 3.73, 3.73, 0.08: floors 7, 3, 3, 0 and the two
     * øre left go to the largest remainders */
    money_allocate(-15, wp, 4, out);
    g_assert_cmpint(sum(out, 4), ==, -15);
    g_assert_cmpint(out[0], ==, -7);
    g_assert_cmpint(out[1], ==, -4);
    g_assert_cmpint(out[2], ==, -4);
    g_assert_cmpint(out[3], ==, 0);
    /* random awkward cases: exact sum, each share within one øre of its exact proportion */
    for (k = 0; k < 2000; k++) {
        long long total = g_rand_int_range(r, -1000000, 1000000), ws = 0;
        n = (size_t)g_rand_int_range(r, 1, 64);
        for (i = 0; i < n; i++)
            ws += w[i] = g_rand_int_range(r, 0, 100000);
        money_allocate(total, w, n, out);
        g_assert_cmpint(sum(out, n), ==, total);
        for (i = 0; ws && i < n; i++) {
            double exact = (double)total * (double)w[i] / (double)ws;
            g_assert_cmpfloat(out[i] - exact, <, 1.0);
            g_assert_cmpfloat(out[i] - exact, >, -1.0);
        }
    }
    g_rand_free(r);
}

/* ---- tariffs ------------------------------------------------------------------------------ */

static const struct tariff *shipped(struct tariff_set *ts)
{
    char *err = NULL;

    if (tariff_set_load(ts, TRYKK_SOURCE_DIR "/layouts/tariffs", &err) < 0)
        g_error("%s", err);
    return tariff_for(ts, "2026-12-02");
}

static long long price_of(const struct tariff *t, const char *layout, const char *colour,
                          const char *envelope, int pages)
{
    struct cost_input in = {layout, colour, envelope, "B", NULL, pages, 0, 0};
    struct print_price p;
    char *err = NULL;

    g_assert_cmpint(price_print(t, &in, &p, &err), ==, 0);
    g_assert_cmpint(p.broker_ore, ==, 16);
    return p.base_ore + p.sheets_ore + p.broker_ore;
}

static char *fx_read_spec(const char *name)
{
    char *path = g_build_filename(TRYKK_SHARED_DIR, "spec", name, NULL), *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        g_error("cannot read %s (set TRYKK_SHARED_DIR)", path);
    g_free(path);
    return text;
}

/* Every worked example of tariff.md §1, read from the spec and priced by the shipped file. */
static void test_worked_examples(void)
{
    char *text = fx_read_spec("tariff.md"), **lines = g_strsplit(text, "\n", -1), **l;
    struct tariff_set ts;
    const struct tariff *t = shipped(&ts);
    int found = 0;
    bool in_table = false;

    for (l = lines; *l; l++) {
        char **c;
        if (g_str_has_prefix(*l, "### Worked examples"))
            in_table = true;
        else if (g_str_has_prefix(*l, "#"))
            in_table = false;
        if (!in_table || !g_str_has_prefix(*l, "| ") || strstr(*l, "layout") || strstr(*l, "---"))
            continue;
        c = g_strsplit(*l, "|", -1);
        g_assert_cmpint(g_strv_length(c), ==, 6);
        {
            const char *what = g_strstrip(c[1]), *layout = g_strstrip(c[2]);
            const char *d = strpbrk(what, "0123456789");
            int pages = (int)g_ascii_strtoll(d, NULL, 10);
            const char *env = strstr(what, "C4") ? "C4" : "C5";
            long long bw, col;
            g_assert_cmpint(money_parse(g_strstrip(c[3]), &bw), ==, 0);
            g_assert_cmpint(money_parse(g_strstrip(c[4]), &col), ==, 0);
            g_test_message("%s %s: %d pages %s", what, layout, pages, env);
            g_assert_cmpint(price_of(t, layout, "SORT_HVIT", env, pages), ==, bw);
            g_assert_cmpint(price_of(t, layout, "FARGE", env, pages), ==, col);
            found += 2;
        }
        g_strfreev(c);
    }
    g_assert_cmpint(found, ==, 12);
    /* the eco rule at its edges: 1 and 1½ pages free, 2 and 3 pages one sheet, 4 two */
    g_assert_cmpint(charged_sheets(1, 3), ==, 0);
    g_assert_cmpint(charged_sheets(2, 3), ==, 1);
    g_assert_cmpint(charged_sheets(3, 3), ==, 1);
    g_assert_cmpint(charged_sheets(4, 3), ==, 2);
    g_assert_cmpint(charged_sheets(1, 0), ==, 1);
    g_assert_cmpint(charged_sheets(3, 0), ==, 2);
    tariff_set_free(&ts);
    g_strfreev(lines);
    g_free(text);
}

static void test_brackets(void)
{
    struct tariff_set ts;
    const struct tariff *t = shipped(&ts);
    static const struct { long long volume; int bp; } edge[] = {
        {0, 0}, {499999, 0}, {500000, 800}, {999999, 800}, {1000000, 900}, {2499999, 900},
        {2500000, 1100}, {7499999, 1100}, {7500000, 1200}, {10000000, 1200}, {10000001, 1400}};
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(edge); i++) {
        g_assert_cmpint(tariff_discount_bp(t, edge[i].volume, true), ==, edge[i].bp);
        g_assert_cmpint(tariff_discount_bp(t, edge[i].volume, false), ==, edge[i].bp);
    }
    tariff_set_free(&ts);
}

static void check_rejected(const char *text, const char *expect)
{
    char *dir = g_dir_make_tmp("trykk-bad-XXXXXX", NULL), *p;
    struct tariff *t;
    struct postage_table *pt;
    char *err = NULL;

    g_assert_nonnull(dir);
    p = g_build_filename(dir, "t.ini", NULL);
    g_assert_true(g_file_set_contents(p, text, -1, NULL));
    g_assert_cmpint(tariff_file_load(p, &t, &pt, &err), ==, -1);
    g_assert_null(t);
    g_assert_null(pt);
    g_test_message("%s", err);
    g_assert_nonnull(strstr(err, expect));
    g_remove(p);
    g_rmdir(dir);
    g_free(err);
    g_free(p);
    g_free(dir);
}

static void test_tariff_check(void)
{
    char *text;

    g_assert_true(g_file_get_contents(TRYKK_SOURCE_DIR "/layouts/tariffs/print-2020-04-01.ini",
                                      &text, NULL, NULL));
    check_rejected("[tariff]\nid=x\nvalid_from=2026-02-30\nbroker_fee=0.16\n", "valid_from");
    check_rejected("[nothing]\n", "neither a print tariff");
    {
        char **parts = g_strsplit(text, "base_bw_c5=0.90", 2);
        char *edited = g_strjoin("base_bw_c5=0.905", parts[0], parts[1], NULL);
        check_rejected(edited, "base_bw_c5=0.905");
        g_free(edited);
        g_strfreev(parts);
        parts = g_strsplit(text, "2500000=11,11", 2);
        edited = g_strjoin("400000=11,11", parts[0], parts[1], NULL);
        check_rejected(edited, "ascending");
        g_free(edited);
        g_strfreev(parts);
        parts = g_strsplit(text, "sheet_colour=0.93\n", 2);
        edited = g_strjoin("", parts[0], parts[1], NULL);
        check_rejected(edited, "sheet_colour is missing");
        g_free(edited);
        g_strfreev(parts);
    }
    g_free(text);
    g_assert_true(g_file_get_contents(TRYKK_SOURCE_DIR "/layouts/tariffs/postage-example.ini",
                                      &text, NULL, NULL));
    {
        char **parts = g_strsplit(text, "[B large WORLD]", 2);
        char *edited = g_strjoin("", parts[0], "[unused]", parts[1], NULL);
        check_rejected(edited, "[B large WORLD] is missing");
        g_free(edited);
        g_strfreev(parts);
    }
    g_free(text);
}

/* ---- cost rows and the daily settlement ---------------------------------------------------- */

static long long q1(struct cfx *x, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static long long q1(struct cfx *x, const char *fmt, ...)
{
    va_list ap;
    char *sql;
    long long v;

    va_start(ap, fmt);
    sql = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    v = cfx_sum(x, sql);
    g_free(sql);
    return v;
}

static void settle_ok(struct cfx *x, const char *day, struct settle_result *r)
{
    char *err = NULL;

    if (settle_day(x->l, &x->ts, day, "2026-12-02", "2026-12-02T08:00:00+01:00", r, &err) < 0)
        g_error("settle %s: %s", day, err);
}

/* The example table: A small NO, 20 g band; tier 1 18.00, from 1000 items 14.40. */
static void test_minimum_200(void)
{
    static const struct { int n; long long total; } cases[] = {
        {1, 200 * 1800}, {199, 200 * 1800}, {200, 200 * 1800}, {201, 201 * 1800},
        {1000, 1000 * 1440}};
    size_t c;

    for (c = 0; c < G_N_ELEMENTS(cases); c++) {
        struct cfx x;
        struct settle_result r;
        struct cfx_letter l = {.posttype = "A", .day = "2026-11-10"};
        int i;
        cfx_init(&x, NULL);
        for (i = 0; i < cases[c].n; i++)
            g_free(cfx_letter(&x, &l));
        settle_ok(&x, "2026-11-10", &r);
        g_assert_false(r.already);
        g_assert_cmpint(r.letters, ==, cases[c].n);
        g_assert_cmpint(r.groups, ==, 1);
        g_assert_cmpint(r.total_ore, ==, cases[c].total);
        /* the letters add up to the group exactly, and no letter is off by more than 1 øre */
        g_assert_cmpint(q1(&x, "SELECT sum(postage_ore) FROM cost_rows WHERE kind = 'POSTAGE'"),
                        ==, cases[c].total);
        g_assert_cmpint(q1(&x, "SELECT max(postage_ore) - min(postage_ore) FROM cost_rows WHERE"
                               " kind = 'POSTAGE'"), <=, 1);
        g_assert_cmpint(q1(&x, "SELECT paid_quantity FROM settlement_groups"), ==,
                        MAX(cases[c].n, 200));
        settle_result_free(&r);
        cfx_free(&x);
    }
}

/* Groups by format, band, posttype and zone; weights and foreign zones land right. */
static void test_day_groups(void)
{
    struct cfx x;
    struct settle_result r;
    struct cfx_letter small = {.day = "2026-11-11"}, heavy = {.day = "2026-11-11", .weight_g = 60},
                      se = {.day = "2026-11-11", .landkode = "SE"},
                      us = {.day = "2026-11-11", .landkode = "US", .envelope = "C4"},
                      other = {.day = "2026-11-12"};
    int i;

    cfx_init(&x, NULL);
    for (i = 0; i < 3; i++)
        g_free(cfx_letter(&x, &small));
    g_free(cfx_letter(&x, &heavy));
    g_free(cfx_letter(&x, &se));
    g_free(cfx_letter(&x, &us));
    g_free(cfx_letter(&x, &other));
    settle_ok(&x, "2026-11-11", &r);
    g_assert_cmpint(r.letters, ==, 6);
    g_assert_cmpint(r.groups, ==, 4);
    /* B small NO 20g 15.30, B small NO 100g 22.95, B small EU 20g 28.05, B large WORLD 20g
     * 80.75: each paid as 200 */
    g_assert_cmpint(r.total_ore, ==, 200 * (1530 + 2295 + 2805 + 8075));
    g_assert_cmpint(q1(&x, "SELECT count(*) FROM settlement_groups WHERE grp = 'large 20g B"
                           " WORLD' AND total_ore = 200 * 8075"), ==, 1);
    g_assert_cmpint(q1(&x, "SELECT count(*) FROM cost_rows WHERE kind = 'POSTAGE'"), ==, 6);
    settle_result_free(&r);
    cfx_free(&x);
}

/* Settling twice changes nothing; settled days and cost rows are locked. */
static void test_resettle(void)
{
    struct cfx x;
    struct settle_result r, again;
    struct cfx_letter l = {.day = "2026-11-13"};
    char *id, *err = NULL;
    long long rows;
    int i;
    sqlite3 *db;
    char *path;

    cfx_init(&x, NULL);
    for (i = 0; i < 7; i++)
        g_free(cfx_letter(&x, &l));
    settle_ok(&x, "2026-11-13", &r);
    rows = q1(&x, "SELECT count(*) FROM cost_rows");
    settle_ok(&x, "2026-11-13", &again);
    g_assert_true(again.already);
    g_assert_cmpint(again.total_ore, ==, r.total_ore);
    g_assert_cmpint(again.letters, ==, 7);
    g_assert_cmpint(q1(&x, "SELECT count(*) FROM cost_rows"), ==, rows);
    settle_result_free(&again);
    /* a letter cannot be posted on, or moved off, a settled day */
    id = cfx_letter(&x, &(struct cfx_letter){.day = "2026-11-13", .posted = ""});
    g_assert_cmpint(costs_set_posted(x.l, id, "2026-11-13", &err), ==, -1);
    g_assert_nonnull(strstr(err, "settled"));
    g_clear_pointer(&err, g_free);
    /* today and later cannot be settled; nor a non-date */
    g_assert_cmpint(settle_day(x.l, &x.ts, "2026-12-02", "2026-12-02", "x", &again, &err), ==, -1);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(settle_day(x.l, &x.ts, "2026-11-31", "2026-12-02", "x", &again, &err), ==, -1);
    g_clear_pointer(&err, g_free);
    /* the database itself refuses edits of cost rows and settlements */
    path = g_build_filename(x.spool, "ledger", "trykk.db", NULL);
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "UPDATE cost_rows SET postage_ore = 0", NULL, NULL, NULL), !=,
                    SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "DELETE FROM cost_rows", NULL, NULL, NULL), !=, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "UPDATE settlements SET total_ore = 0", NULL, NULL, NULL), !=,
                    SQLITE_OK);
    sqlite3_close(db);
    g_free(path);
    g_free(id);
    settle_result_free(&r);
    settle_result_free(&again);
    cfx_free(&x);
}

/* The shipped files plus a price list from 2027-01-01 whose b/w C5 base is 0.99. */
static char *two_tariffs(void)
{
    static const char *const edits[] = {"id=dpi-print-2020-04-01", "id=test-2027",
                                        "valid_from=2020-04-01", "valid_from=2027-01-01",
                                        "base_bw_c5=0.90", "base_bw_c5=0.99", NULL};
    char *old = NULL, *dir;

    g_assert_true(g_file_get_contents(TRYKK_SOURCE_DIR "/layouts/tariffs/print-2020-04-01.ini",
                                      &old, NULL, NULL));
    dir = cfx_tariff_dir(edits, "old.ini", old);
    g_free(old);
    return dir;
}

/* A new price list from 2027-01-01: 23:59 on New Year's Eve is old, 00:00 is new. */
static void test_tariff_midnight(void)
{
    char *dir = two_tariffs();
    struct cfx x;
    char *a, *b;

    cfx_init(&x, dir);
    g_assert_cmpint(x.ts.print->len, ==, 2);
    a = cfx_letter(&x, &(struct cfx_letter){.day = "2026-12-31"});
    b = cfx_letter(&x, &(struct cfx_letter){.day = "2027-01-01"});
    g_assert_cmpstr(tariff_for(&x.ts, "2026-12-31")->head.id, ==, "dpi-print-2020-04-01");
    g_assert_cmpstr(tariff_for(&x.ts, "2027-01-01")->head.id, ==, "test-2027");
    g_assert_cmpint(q1(&x, "SELECT base_ore + sheets_ore + broker_ore FROM cost_rows WHERE"
                           " letter_id = '%s'", a), ==, 135);
    g_assert_cmpint(q1(&x, "SELECT base_ore + sheets_ore + broker_ore FROM cost_rows WHERE"
                           " letter_id = '%s'", b), ==, 144);
    g_assert_cmpint(q1(&x, "SELECT count(*) FROM cost_rows WHERE letter_id = '%s' AND tariff ="
                           " 'test-2027'", b), ==, 1);
    g_free(a);
    g_free(b);
    cfx_free(&x);
    cfx_rm_tree(dir);
    g_free(dir);
}

/* ---- the period discount ------------------------------------------------------------------ */

static void test_period_parse(void)
{
    char f[11], l[11];

    g_assert_cmpint(period_parse("2026-Q4", f, l), ==, 0);
    g_assert_cmpstr(f, ==, "2026-10-01");
    g_assert_cmpstr(l, ==, "2026-12-31");
    g_assert_cmpint(period_parse("2024-02", f, l), ==, 0);
    g_assert_cmpstr(l, ==, "2024-02-29");
    g_assert_cmpint(period_parse("2026-Q1", f, l), ==, 0);
    g_assert_cmpstr(l, ==, "2026-03-31");
    g_assert_cmpint(period_parse("2026-Q5", f, l), ==, -1);
    g_assert_cmpint(period_parse("2026-13", f, l), ==, -1);
    g_assert_cmpint(period_parse("2026-Q4x", f, l), ==, -1);
    g_assert_cmpint(period_parse("26-Q4", f, l), ==, -1);
}

/* The shipped brackets scaled down by 100,000, so that a test ledger can reach them. */
static const char *const small_brackets[] = {
    "500000=8,8", "5=8,8", "1000000=9,9", "10=9,9", "2500000=11,11", "25=11,11",
    "7500000=12,12", "75=12,12", "10000001=14,14", "101=14,14", NULL};

static void settle_period_ok(struct cfx *x, const char *p, struct settle_result *r)
{
    char *err = NULL;

    if (settle_period(x->l, &x->ts, p, "2027-01-05", "2027-01-05T08:00:00+01:00", r, &err) < 0)
        g_error("settle %s: %s", p, err);
}

/* Sheet volume 12 (9 %), envelopes 3 (none): only the sheet charges are discounted. */
static void test_period_discount(void)
{
    char *dir = cfx_tariff_dir(small_brackets, NULL, NULL), *err = NULL;
    struct cfx x;
    struct settle_result r, again;
    int i;

    cfx_init(&x, dir);
    for (i = 0; i < 3; i++)
        g_free(cfx_letter(&x, &(struct cfx_letter){.pages = 8, .day = "2026-11-20"}));
    g_free(cfx_letter(&x, &(struct cfx_letter){.pages = 8, .day = "2026-09-30"})); /* Q3 */
    settle_period_ok(&x, "2026-Q4", &r);
    g_assert_cmpint(r.letters, ==, 3);
    g_assert_cmpint(r.sheet_volume, ==, 12);
    g_assert_cmpint(r.envelope_volume, ==, 3);
    g_assert_cmpint(r.sheet_bp, ==, 900);
    g_assert_cmpint(r.envelope_bp, ==, 0);
    /* 9 % of 3 × 4 × 0.45 = 0.486 -> 0.49, allocated 17 + 16 + 16 */
    g_assert_cmpint(r.total_ore, ==, -49);
    g_assert_cmpint(q1(&x, "SELECT sum(discount_sheets_ore) FROM cost_rows"), ==, -49);
    g_assert_cmpint(q1(&x, "SELECT min(discount_sheets_ore) FROM cost_rows WHERE kind ="
                           " 'DISCOUNT'"), ==, -17);
    g_assert_cmpint(q1(&x, "SELECT count(*) FROM cost_rows WHERE discount_envelope_ore <> 0"), ==,
                    0);
    settle_period_ok(&x, "2026-Q4", &again);
    g_assert_true(again.already);
    g_assert_cmpint(q1(&x, "SELECT count(*) FROM cost_rows WHERE kind = 'DISCOUNT'"), ==, 3);
    settle_result_free(&again);
    /* a month inside a settled quarter would discount twice */
    g_assert_cmpint(settle_period(x.l, &x.ts, "2026-11", "2027-01-05", "x", &again, &err), ==, -1);
    g_assert_nonnull(strstr(err, "overlaps"));
    g_clear_pointer(&err, g_free);
    /* a period that is not over cannot be settled */
    g_assert_cmpint(settle_period(x.l, &x.ts, "2027-Q1", "2027-01-05", "x", &again, &err), ==, -1);
    g_free(err);
    settle_result_free(&r);
    settle_result_free(&again);
    cfx_free(&x);
    cfx_rm_tree(dir);
    g_free(dir);
}

/* Bracket edges on real volumes (scaled): 4 and 5 letters; envelopes on base less broker fee. */
static void test_period_edges(void)
{
    char *dir = cfx_tariff_dir(small_brackets, NULL, NULL);
    int n;

    for (n = 4; n <= 5; n++) {
        struct cfx x;
        struct settle_result r;
        long long base = 90 - 16, sheet = 45, want;
        int i;
        cfx_init(&x, dir);
        for (i = 0; i < n; i++)
            g_free(cfx_letter(&x, &(struct cfx_letter){.faktura = i % 2 ? "ref-A" : "ref-B",
                                                        .day = "2026-10-01"}));
        settle_period_ok(&x, "2026-10", &r);
        g_assert_cmpint(r.sheet_bp, ==, n < 5 ? 0 : 800);
        g_assert_cmpint(r.envelope_bp, ==, n < 5 ? 0 : 800);
        g_assert_cmpint(r.groups, ==, 2);
        /* per invoice: 8 % of the sheets and of base less the broker fee, rounded once */
        want = n < 5 ? 0 : -(money_bp(2 * sheet, 800) + money_bp(2 * base, 800) +
                             money_bp(3 * sheet, 800) + money_bp(3 * base, 800));
        g_assert_cmpint(r.total_ore, ==, want);
        g_assert_cmpint(q1(&x, "SELECT coalesce(sum(discount_sheets_ore + discount_envelope_ore),"
                               " 0) FROM cost_rows"), ==, want);
        /* the broker fee is never discounted: no letter's discount reaches into it */
        g_assert_cmpint(q1(&x, "SELECT count(*) FROM cost_rows d JOIN cost_rows p ON p.seq = d.ref"
                               " WHERE d.kind = 'DISCOUNT' AND -d.discount_envelope_ore >"
                               " p.base_ore"), ==, 0);
        settle_result_free(&r);
        cfx_free(&x);
    }
    cfx_rm_tree(dir);
    g_free(dir);
}

/* ---- the finance export, read back by a real CSV reader ---------------------------------- */

/* Parses the CSV with Python's csv module, checks every row's arithmetic in Decimal and
 * prints the column sums (øre) as JSON. */
static const char py_sum[] =
    "import csv, json, sys\n"
    "from decimal import Decimal\n"
    "path, dialect = sys.argv[1], sys.argv[2]\n"
    "delim = ',' if dialect == 'rfc' else ';'\n"
    "enc = 'utf-8' if dialect == 'rfc' else 'utf-8-sig'\n"
    "def d(s):\n"
    "    return Decimal(s if dialect == 'rfc' else s.replace(',', '.'))\n"
    "cols = ['print_price', 'discount', 'postage', 'return_fees', 'total_ex_mva', 'mva',\n"
    "        'total_incl_mva']\n"
    "sums = dict((c, Decimal(0)) for c in cols)\n"
    "refs = []\n"
    "with open(path, newline='', encoding=enc) as f:\n"
    "    rows = list(csv.DictReader(f, delimiter=delim, strict=True))\n"
    "for r in rows:\n"
    "    v = dict((c, d(r[c])) for c in cols)\n"
    "    assert v['total_ex_mva'] == v['print_price'] + v['discount'] + v['postage'] + "
    "v['return_fees'], r\n"
    "    assert v['total_incl_mva'] == v['total_ex_mva'] + v['mva'], r\n"
    "    for c in cols: sums[c] += v[c]\n"
    "    refs.append(r['faktura_referanse'])\n"
    "out = dict((c, int(sums[c] * 100)) for c in cols)\n"
    "out['rows'] = len(rows)\n"
    "out['refs'] = sorted(set(refs))\n"
    "print(json.dumps(out))\n";

static char *run(const char *const *argv, int *status)
{
    char *out = NULL, *err = NULL;
    GError *ge = NULL;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                      status, &ge))
        g_error("%s: %s", argv[0], ge->message);
    if (*status != 0)
        g_test_message("%s: %s", argv[0], err);
    g_free(err);
    return out;
}

static json_t *run_json(const char *const *argv)
{
    int status;
    char *out = run(argv, &status);
    json_t *j = json_loads(out, 0, NULL);

    g_assert_cmpint(status, ==, 0);
    g_assert_nonnull(j);
    g_free(out);
    return j;
}

static const char *const hostile[] = {"a,b", "say \"hi\"", "line\nbreak", "=HYPERLINK(\"x\")",
                                      ";semi", "-5", "Ærlig ø", NULL};

static void fill_quarter(struct cfx *x)
{
    char *err = NULL;
    int i;

    for (i = 0; i < 60; i++) {
        struct cfx_letter l = {.sender = i % 3 ? "910000001" : "910000002",
                               .faktura = hostile[i % 7], .pages = 1 + i % 9,
                               .layout = i % 4 ? "normal" : "eco",
                               .colour = i % 5 ? "SORT_HVIT" : "FARGE",
                               .posttype = i % 2 ? "A" : "B", .landkode = i % 11 ? NULL : "DE",
                               .day = i % 2 ? "2026-10-05" : "2026-11-16"};
        g_free(cfx_letter(x, &l));
    }
    {
        GPtrArray *days = costs_unsettled_days(x->l, "2027-01-01");
        g_assert_cmpint(days->len, ==, 2);
        g_ptr_array_unref(days);
    }
    {
        struct settle_result r;
        settle_ok(x, "2026-10-05", &r);
        settle_result_free(&r);
        settle_ok(x, "2026-11-16", &r);
        settle_result_free(&r);
    }
    (void)err;
}

static void check_dialect(struct cfx *x, const char *dialect, json_t *summary)
{
    char *csv = g_build_filename(x->dir, dialect, NULL), *text;
    const char *const exp[] = {TRYKK_BIN, "--spool", x->spool, "costs", "export", "--period",
                               "2026-Q4", "--dialect", dialect, "--out", csv, NULL};
    const char *const py[] = {"python3", "-c", py_sum, csv, dialect, NULL};
    json_t *sums, *total = json_object_get(summary, "total");
    int status;
    size_t i;

    g_free(run(exp, &status));
    g_assert_cmpint(status, ==, 0);
    sums = run_json(py);
    g_assert_cmpint(json_integer_value(json_object_get(sums, "rows")), ==, 60);
    g_assert_cmpint(json_integer_value(json_object_get(sums, "print_price")), ==,
                    json_integer_value(json_object_get(total, "print_ore")));
    g_assert_cmpint(json_integer_value(json_object_get(sums, "discount")), ==,
                    json_integer_value(json_object_get(total, "discount_ore")));
    g_assert_cmpint(json_integer_value(json_object_get(sums, "postage")), ==,
                    json_integer_value(json_object_get(total, "postage_ore")));
    g_assert_cmpint(json_integer_value(json_object_get(sums, "total_ex_mva")), ==,
                    json_integer_value(json_object_get(total, "total_ex_mva_ore")));
    g_assert_cmpint(json_integer_value(json_object_get(sums, "mva")), ==,
                    json_integer_value(json_object_get(total, "mva_ore")));
    g_assert_cmpint(json_integer_value(json_object_get(sums, "total_incl_mva")), ==,
                    json_integer_value(json_object_get(total, "total_incl_mva_ore")));
    /* every hostile reference came back as it went in (Excel's formula guard aside) */
    for (i = 0; hostile[i]; i++) {
        json_t *refs = json_object_get(sums, "refs");
        size_t k;
        bool seen = false;
        char *guarded = g_strconcat("'", hostile[i], NULL);
        for (k = 0; k < json_array_size(refs); k++) {
            const char *r = json_string_value(json_array_get(refs, k));
            seen |= strcmp(r, hostile[i]) == 0 ||
                    (strcmp(dialect, "excel-no") == 0 && strcmp(r, guarded) == 0 &&
                     strchr("=+-@", hostile[i][0]));
        }
        g_assert_true(seen);
        g_free(guarded);
    }
    /* no names or addresses */
    g_assert_true(g_file_get_contents(csv, &text, NULL, NULL));
    g_assert_null(strstr(text, "Nordmann"));
    g_assert_null(strstr(text, "Gate 1"));
    g_assert_null(strstr(text, "OSLO"));
    g_free(text);
    json_decref(sums);
    g_free(csv);
}

static void test_export_csv(void)
{
    struct cfx x;
    json_t *summary, *one, *invoices;
    const char *const sum_cmd[] = {TRYKK_BIN, "--spool", NULL, "costs", "summary", "--period",
                                   "2026-Q4", "--json", NULL};
    const char *argv[G_N_ELEMENTS(sum_cmd)];
    long long mva = 0, ex = 0;
    size_t i;

    cfx_init(&x, NULL);
    fill_quarter(&x);
    memcpy(argv, sum_cmd, sizeof sum_cmd);
    argv[2] = x.spool;
    summary = run_json(argv);
    invoices = json_object_get(summary, "invoices");
    g_assert_cmpint(json_array_size(invoices), ==, 14); /* 2 senders × 7 references */
    /* each invoice's MVA is 25 % of its total, rounded once; the total adds the invoices */
    for (i = 0; i < json_array_size(invoices); i++) {
        json_t *g = json_array_get(invoices, i);
        long long t = json_integer_value(json_object_get(g, "total_ex_mva_ore"));
        g_assert_cmpint(json_integer_value(json_object_get(g, "mva_ore")), ==, money_bp(t, 2500));
        g_assert_cmpint(json_integer_value(json_object_get(g, "unsettled_postage")), ==, 0);
        mva += json_integer_value(json_object_get(g, "mva_ore"));
        ex += t;
    }
    one = json_object_get(summary, "total");
    g_assert_cmpint(json_integer_value(json_object_get(one, "mva_ore")), ==, mva);
    g_assert_cmpint(json_integer_value(json_object_get(one, "total_ex_mva_ore")), ==, ex);
    g_assert_cmpint(json_integer_value(json_object_get(one, "letters")), ==, 60);
    /* and the ledger agrees: print plus postage of the quarter */
    g_assert_cmpint(ex, ==, q1(&x, "SELECT sum(base_ore + sheets_ore + broker_ore + postage_ore)"
                                   " FROM cost_rows"));
    check_dialect(&x, "rfc", summary);
    check_dialect(&x, "excel-no", summary);
    json_decref(summary);
    cfx_free(&x);
}

/* ---- through the engine: planner, settle and costs commands -------------------------------- */

static long long db_int(struct fixture *f, const char *sql)
{
    struct cfx x = {.spool = f->spool};

    return cfx_sum(&x, sql);
}

/* Two letters rendered a second apart across New Year: each priced by its own day's tariff,
 * both posted on 1 January; the quarters split print and postage accordingly. */
static void test_planner_midnight(void)
{
    char *dir = two_tariffs(), *extra = g_strdup_printf("[costs]\ntariffs=%s\n", dir), *err;
    struct fixture f;
    struct forge_letter l;
    const char *run_cmd[] = {"run", NULL}, *close[] = {"job", "close", "--all", NULL};
    const char *settle[] = {"settle", "day", "--pending", NULL};
    const char *q4[] = {"costs", "summary", "--period", "2026-Q4", "--json", NULL};
    const char *eve[] = {"TRYKK_NOW", "2026-12-31T23:59:59+01:00", NULL};
    const char *ny[] = {"TRYKK_NOW", "2027-01-01T00:00:00+01:00", NULL};
    const char *later[] = {"TRYKK_NOW", "2027-01-04T09:00:00+01:00", NULL};

    fx_init(&f, extra);
    fx_letter(&f, &l);
    fx_drop_letter(&f, "eve", 'b', &l);
    g_assert_cmpint(fx_trykk(&f, NULL, run_cmd, eve), ==, 0);
    fx_letter(&f, &l);
    fx_drop_letter(&f, "newyear", 'b', &l);
    g_assert_cmpint(fx_trykk(&f, NULL, run_cmd, ny), ==, 0);
    g_assert_cmpint(fx_trykk(&f, NULL, close, ny), ==, 0);
    g_assert_cmpint(db_int(&f, "SELECT count(*) FROM cost_rows WHERE kind = 'PRINT' AND day ="
                               " '2026-12-31' AND tariff = 'dpi-print-2020-04-01'"), ==, 1);
    g_assert_cmpint(db_int(&f, "SELECT count(*) FROM cost_rows WHERE kind = 'PRINT' AND day ="
                               " '2027-01-01' AND tariff = 'test-2027'"), ==, 1);
    /* the same letter, 9 øre dearer from New Year */
    g_assert_cmpint(db_int(&f, "SELECT max(base_ore) - min(base_ore) FROM cost_rows WHERE"
                               " kind = 'PRINT'"), ==, 9);
    /* both posted on 1 January (after the 20:00 cut-off of the 31st); settled on the 4th */
    g_assert_cmpint(db_int(&f, "SELECT count(*) FROM letters WHERE posted_on = '2027-01-01'"), ==,
                    2);
    g_assert_cmpint(fx_trykk(&f, &err, settle, later), ==, 0);
    g_free(err);
    g_assert_cmpint(db_int(&f, "SELECT count(*) FROM cost_rows WHERE kind = 'POSTAGE' AND day ="
                               " '2027-01-01'"), ==, 2);
    g_assert_cmpint(fx_trykk(&f, &err, settle, later), ==, 0); /* nothing left: still fine */
    g_free(err);
    {   /* Q4 holds the eve letter's print price only */
        char *out = NULL;
        const char *argv[] = {TRYKK_BIN, "--config", f.conf, q4[0], q4[1], q4[2], q4[3], q4[4],
                              NULL};
        int status;
        json_t *j, *t;
        out = run(argv, &status);
        j = json_loads(out, 0, NULL);
        t = json_object_get(j, "total");
        g_assert_cmpint(json_integer_value(json_object_get(t, "letters")), ==, 1);
        g_assert_cmpint(json_integer_value(json_object_get(t, "postage_ore")), ==, 0);
        g_assert_cmpint(json_integer_value(json_object_get(t, "print_ore")), ==,
                        db_int(&f, "SELECT base_ore + sheets_ore + broker_ore FROM cost_rows"
                                   " WHERE kind = 'PRINT' AND day = '2026-12-31'"));
        json_decref(j);
        g_free(out);
    }
    {   /* `trykk show` tells the eve letter's story: its print row, then the postage */
        sqlite3 *db;
        sqlite3_stmt *st;
        char *path = g_build_filename(f.spool, "ledger", "trykk.db", NULL), *id, *out;
        const char *argv[] = {TRYKK_BIN, "--config", f.conf, "show", "--json", NULL, NULL};
        json_t *j, *costs;
        int status;
        g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
        g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT letter_id FROM cost_rows WHERE day ="
                                               " '2026-12-31'", -1, &st, NULL), ==, SQLITE_OK);
        g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
        id = g_strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(db);
        argv[5] = id;
        out = run(argv, &status);
        j = json_loads(out, 0, NULL);
        costs = json_object_get(j, "costs");
        g_assert_cmpint(json_array_size(costs), ==, 2);
        g_assert_cmpstr(json_string_value(json_object_get(json_array_get(costs, 0), "kind")), ==,
                        "PRINT");
        g_assert_cmpstr(json_string_value(json_object_get(json_array_get(costs, 1), "kind")), ==,
                        "POSTAGE");
        g_assert_cmpstr(json_string_value(json_object_get(json_array_get(costs, 1),
                                                          "settlement")), ==, "day:2027-01-01");
        json_decref(j);
        g_free(out);
        g_free(id);
        g_free(path);
    }
    fx_free(&f);
    cfx_rm_tree(dir);
    g_free(dir);
    g_free(extra);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/costs/money", test_money);
    g_test_add_func("/costs/allocate", test_allocate);
    g_test_add_func("/costs/worked-examples", test_worked_examples);
    g_test_add_func("/costs/brackets", test_brackets);
    g_test_add_func("/costs/tariff-check", test_tariff_check);
    g_test_add_func("/costs/minimum-200", test_minimum_200);
    g_test_add_func("/costs/day-groups", test_day_groups);
    g_test_add_func("/costs/resettle", test_resettle);
    g_test_add_func("/costs/tariff-midnight", test_tariff_midnight);
    g_test_add_func("/costs/period-parse", test_period_parse);
    g_test_add_func("/costs/period-discount", test_period_discount);
    g_test_add_func("/costs/period-edges", test_period_edges);
    g_test_add_func("/costs/export-csv", test_export_csv);
    g_test_add_func("/costs/planner-midnight", test_planner_midnight);
    return g_test_run();
}

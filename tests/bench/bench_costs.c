/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_costs.c - a quarter of 100,000 letters (or argv[1]): settle every posting day and the
 * period, then export the CSV through the real command. Prints the time of each step.
 *
 *   build/tests/bench_costs [LETTERS]
 *
 * Not run by CTest: a figure for the README and the closing note, not a pass/fail test.
 */
#include <stdio.h>
#include <string.h>
#include "costs/costs_fx.h"

static double since(gint64 t0) { return (double)(g_get_monotonic_time() - t0) / 1e6; }

static const char *const refs[] = {"PROSJEKT-42", "Faktura 2026/10", NULL, "ref;with\"quote"};

static void fill(struct cfx *x, int n, GPtrArray *days)
{
    GDate *d = g_date_new_dmy(1, 10, 2026);
    int i, day = 0;

    /* posting days: the quarter's working days */
    for (; g_date_get_month(d) <= 12 && g_date_get_year(d) == 2026; g_date_add_days(d, 1))
        if (g_date_get_weekday(d) < G_DATE_SATURDAY) {
            char buf[11];
            g_date_strftime(buf, sizeof buf, "%Y-%m-%d", d);
            g_ptr_array_add(days, g_strdup(buf));
        }
    for (i = 0; i < n; i++) {
        struct cfx_letter l = {.sender = i % 7 ? "910000001" : "910000002",
                               .faktura = refs[i % 4], .pages = 1 + i % 12,
                               .layout = i % 3 ? "normal" : "eco",
                               .colour = i % 5 ? "SORT_HVIT" : "FARGE",
                               .posttype = i % 2 ? "A" : "B", .landkode = i % 50 ? NULL : "SE",
                               .weight_g = 10 + i % 40, .envelope = i % 12 > 9 ? "C4" : "C5"};
        day = i % (int)days->len;
        l.day = days->pdata[day];
        if (i % 5000 == 0)
            g_assert_cmpint(ledger_begin(x->l), ==, 0);
        g_free(cfx_letter(x, &l));
        if (i % 5000 == 4999 || i == n - 1)
            g_assert_cmpint(ledger_commit(x->l), ==, 0);
    }
    g_date_free(d);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100000, status;
    struct cfx x;
    GPtrArray *days = g_ptr_array_new_with_free_func(g_free);
    gint64 t0;
    guint i;
    char *err = NULL, *csv, *out = NULL;
    struct settle_result r;
    long long postage = 0;

    cfx_init(&x, NULL);
    t0 = g_get_monotonic_time();
    fill(&x, n, days);
    printf("%d letters planned with PRINT cost rows: %.1f s\n", n, since(t0));
    t0 = g_get_monotonic_time();
    for (i = 0; i < days->len; i++) {
        if (settle_day(x.l, &x.ts, days->pdata[i], "2027-01-05", "2027-01-05T08:00:00+01:00", &r,
                       &err) < 0)
            g_error("%s", err);
        postage += r.total_ore;
        settle_result_free(&r);
    }
    printf("%u posting days settled: %.1f s (postage %lld.%02lld NOK)\n", days->len, since(t0),
           postage / 100, postage % 100);
    t0 = g_get_monotonic_time();
    if (settle_period(x.l, &x.ts, "2026-Q4", "2027-01-05", "2027-01-05T08:00:00+01:00", &r,
                      &err) < 0)
        g_error("%s", err);
    printf("period 2026-Q4 settled: %.1f s (%lld sheets, discount %d bp)\n", since(t0),
           r.sheet_volume, r.sheet_bp);
    settle_result_free(&r);
    csv = g_build_filename(x.dir, "q4.csv", NULL);
    {
        const char *cmd[] = {TRYKK_BIN, "--spool", x.spool, "costs", "export", "--period",
                             "2026-Q4", "--out", csv, NULL};
        t0 = g_get_monotonic_time();
        g_assert_true(g_spawn_sync(NULL, (char **)cmd, NULL, 0, NULL, NULL, &out, NULL, &status,
                                   NULL));
        g_assert_cmpint(status, ==, 0);
        printf("trykk costs export --period 2026-Q4 (%d rows): %.2f s\n", n, since(t0));
    }
    g_free(out);
    g_free(csv);
    g_ptr_array_unref(days);
    cfx_free(&x);
    return 0;
}

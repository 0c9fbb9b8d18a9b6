/* SPDX-License-Identifier: Apache-2.0 */
/*
 * settle_period.c - the quantity discount of a settlement period (a month or a quarter).
 *
 * The whole service's volume in the period (every sender's PRINT rows dated in it) picks a
 * bracket, separately for sheets and envelopes, in each letter's own tariff. The discount is
 * computed per invoice group (sender, fakturaReferanse, tariff):
 *
 *   sheet discount    = rate × Σ sheet charges            allocated by each letter's sheet charge
 *   envelope discount = rate × Σ (base − broker fee)      allocated by each letter's base
 *
 * rounded once per group by the one rule, and written as one DISCOUNT row per letter (dated
 * the period's last day) that names the PRINT row. The broker fee is never discounted.
 */
#include <stdio.h>
#include <string.h>
#include "costs.h"
#include "ledger.h"
#include "ledger_internal.h"

struct period_row {
    long long seq, sheets_ore, base_ore;
    char *letter, *key, *tariff;
};

static void period_row_free(void *p)
{
    struct period_row *r = p;

    g_free(r->letter);
    g_free(r->key);
    g_free(r->tariff);
    g_free(r);
}

int period_parse(const char *period, char first[11], char last[11])
{
    int y, n;
    char tail;
    GDate *d;

    if (sscanf(period, "%4d-Q%1d%c", &y, &n, &tail) == 2 && strlen(period) == 7 && n >= 1 &&
        n <= 4) {
        g_snprintf(first, 11, "%04d-%02d-01", y, 3 * n - 2);
        d = g_date_new_dmy(1, 3 * n, y);
    } else if (sscanf(period, "%4d-%2d%c", &y, &n, &tail) == 2 && strlen(period) == 7 &&
               n >= 1 && n <= 12) {
        g_snprintf(first, 11, "%04d-%02d-01", y, n);
        d = g_date_new_dmy(1, n, y);
    } else {
        return -1;
    }
    if (y < 1900) {
        g_date_free(d);
        return -1;
    }
    g_date_set_day(d, g_date_get_days_in_month(g_date_get_month(d), g_date_get_year(d)));
    g_snprintf(last, 11, "%04d-%02d-%02d", g_date_get_year(d), g_date_get_month(d),
               g_date_get_day(d));
    g_date_free(d);
    return 0;
}

/* The period's PRINT rows in group order, and the service-wide volumes. */
struct period_rows {
    GPtrArray *rows;
    long long *vol;
};

static int period_row(sqlite3_stmt *st, void *arg)
{
    struct period_rows *p = arg;
    struct period_row *r = g_new0(struct period_row, 1);

    r->seq = sqlite3_column_int64(st, 0);
    r->letter = ledger_col_dup(st, 1);
    r->tariff = ledger_col_dup(st, 4);
    r->key = g_strdup_printf("%s|%s|%s", sqlite3_column_text(st, 2),
                             sqlite3_column_text(st, 3), r->tariff);
    r->sheets_ore = sqlite3_column_int64(st, 5);
    r->base_ore = sqlite3_column_int64(st, 6);
    p->vol[0] += sqlite3_column_int64(st, 7);
    p->vol[1] += sqlite3_column_int64(st, 8);
    p->vol[2]++;
    g_ptr_array_add(p->rows, r);
    return 0;
}

static GPtrArray *period_rows(struct ledger *l, const char *first, const char *last,
                              long long vol[3])
{
    struct period_rows p = {g_ptr_array_new_with_free_func(period_row_free), vol};
    long long reprinted = -1;

    if (ledger_each(ledger_stmt(l,
            "SELECT seq, letter_id, avsender, coalesce(faktura_referanse, ''), tariff,"
            " sheets_ore, base_ore, charged_sheets, physical_sheets FROM cost_rows WHERE"
            " kind = 'PRINT' AND day BETWEEN ? AND ? ORDER BY avsender, faktura_referanse,"
            " tariff, letter_id", "ss", first, last), period_row, &p) >= 0)
        /* reprints are physical sheets too */
        reprinted = ledger_one_int(ledger_stmt(l, "SELECT coalesce(sum(physical_sheets), 0)"
                                                  " FROM cost_rows WHERE kind = 'REPRINT' AND"
                                                  " day BETWEEN ? AND ?", "ss", first, last));
    if (reprinted < 0) {
        g_ptr_array_unref(p.rows);
        return NULL;
    }
    vol[1] += reprinted;
    return p.rows;
}

struct rates {
    int sheet_bp, envelope_bp;
};

static int rates_of(const struct tariff_set *ts, const char *id, const long long vol[3],
                    struct rates *r, char **err)
{
    const struct tariff *t = tariff_by_id(ts, id);

    if (!t) {
        *err = g_strdup_printf("tariff %s (used by letters of the period) is not loaded", id);
        return -1;
    }
    r->sheet_bp = tariff_discount_bp(t, t->volume_physical ? vol[1] : vol[0], true);
    r->envelope_bp = tariff_discount_bp(t, vol[2], false);
    return 0;
}

/* Rows [from, to) are one invoice group: compute both discounts and write them. */
static int discount_group(struct ledger *l, const char *id, const char *last, const char *at,
                          GPtrArray *rows, guint from, guint to, const struct rates *rt,
                          long long *total)
{
    size_t n = to - from, i;
    long long *ws = g_new0(long long, n), *we = g_new0(long long, n);
    long long *ds = g_new0(long long, n), *de = g_new0(long long, n), bs = 0, be = 0, s, e;
    const char *key = ((struct period_row *)rows->pdata[from])->key;
    char *gs = g_strconcat(key, "|sheets", NULL), *ge = g_strconcat(key, "|envelopes", NULL);
    int rc;

    for (i = 0; i < n; i++) {
        struct period_row *r = rows->pdata[from + i];
        bs += ws[i] = r->sheets_ore;
        be += we[i] = r->base_ore;
    }
    s = -money_bp(bs, rt->sheet_bp);
    e = -money_bp(be, rt->envelope_bp);
    money_allocate(s, ws, n, ds);
    money_allocate(e, we, n, de);
    rc = settlement_group(l, id, gs, (long long)n, (long long)n, -1, bs, rt->sheet_bp, s);
    if (rc == 0)
        rc = settlement_group(l, id, ge, (long long)n, (long long)n, -1, be, rt->envelope_bp, e);
    for (i = 0; rc == 0 && i < n; i++) {
        struct period_row *r = rows->pdata[from + i];
        if (ds[i] == 0 && de[i] == 0)
            continue;
        rc = ledger_step_done(ledger_stmt(l,
            "INSERT INTO cost_rows (letter_id, kind, ref, settlement, day, at, tariff,"
            " discount_sheets_ore, discount_envelope_ore) VALUES (?, 'DISCOUNT', ?,?,?,?,?,?,?)",
            "slssss" "ll", r->letter, r->seq, id, last, at, r->tariff, ds[i], de[i]));
    }
    *total += s + e;
    g_free(ws);
    g_free(we);
    g_free(ds);
    g_free(de);
    g_free(gs);
    g_free(ge);
    return rc;
}

static int overlapping(struct ledger *l, const char *first, const char *last, char **err)
{
    char *other = NULL;
    enum ledger_result rc = ledger_one_string(ledger_stmt(l, "SELECT id FROM settlements WHERE"
                                                             " kind = 'PERIOD' AND first_day <= ?"
                                                             " AND last_day >= ?", "ss", last,
                                                          first), &other);

    if (rc == LEDGER_FOUND)
        *err = g_strdup_printf("the period overlaps %s, which is settled", other);
    else if (rc == LEDGER_ERROR)
        *err = g_strdup_printf("cannot read the settled periods: %s", ledger_error(l));
    g_free(other);
    return rc == LEDGER_NONE ? 0 : -1;
}

static int write_period(struct ledger *l, const struct tariff_set *ts, const char *id,
                        const char *first, const char *last, const char *at, GPtrArray *rows,
                        const long long vol[3], struct settle_result *r, char **err)
{
    json_t *d = json_pack("{s:I, s:I, s:I, s:s}", "sheet_volume", (json_int_t)vol[0],
                          "physical_sheet_volume", (json_int_t)vol[1], "envelope_volume",
                          (json_int_t)vol[2], "rule", "sheet rate on sheet charges; envelope "
                          "rate on base less broker fee; broker fee never discounted");
    struct rates rt = {0, 0};
    guint i, from = 0;
    int rc = 0;

    for (i = 1; rc == 0 && i <= rows->len; i++) {
        struct period_row *f = rows->pdata[from];
        if (i < rows->len && strcmp(((struct period_row *)rows->pdata[i])->key, f->key) == 0)
            continue;
        rc = rates_of(ts, f->tariff, vol, &rt, err);
        if (rc == 0)
            rc = discount_group(l, id, last, at, rows, from, i, &rt, &r->total_ore);
        r->groups++;
        from = i;
    }
    /* the rates (of the last group's tariff) describe the settlement; its row goes last,
     * now that the total is known (the rows refer to it through a deferred foreign key) */
    json_object_set_new(d, "sheet_bp", json_integer(rt.sheet_bp));
    json_object_set_new(d, "envelope_bp", json_integer(rt.envelope_bp));
    if (rc == 0)
        rc = settlement_insert(l, id, "PERIOD", first, last, at, rows->len, r->total_ore, d);
    r->letters = rows->len;
    r->sheet_volume = vol[0];
    r->envelope_volume = vol[2];
    r->sheet_bp = rt.sheet_bp;
    r->envelope_bp = rt.envelope_bp;
    json_decref(d);
    return rc;
}

int settle_period(struct ledger *l, const struct tariff_set *ts, const char *period,
                  const char *today, const char *at, struct settle_result *r, char **err)
{
    char first[11], last[11], *id = g_strdup_printf("period:%s", period);
    long long vol[3] = {0, 0, 0};
    GPtrArray *rows = NULL;
    int rc = ledger_begin(l);

    memset(r, 0, sizeof *r);
    if (period_parse(period, first, last) < 0) {
        *err = g_strdup_printf("'%s' is not a period: write a quarter (2026-Q4) or a month "
                               "(2026-11)", period);
        rc = -1;
    }
    if (rc == 0 && (rc = settlement_find(l, id, r)) != LEDGER_NONE)
        goto done; /* settled before (0) or error (-1) */
    rc = 0;
    if (strcmp(last, today) >= 0) {
        *err = g_strdup_printf("%s is not over yet (it ends %s)", period, last);
        rc = -1;
    }
    if (rc == 0)
        rc = overlapping(l, first, last, err);
    if (rc == 0 && !(rows = period_rows(l, first, last, vol))) {
        *err = g_strdup_printf("cannot read the period's cost rows: %s", ledger_error(l));
        rc = -1;
    }
    if (rc == 0)
        rc = write_period(l, ts, id, first, last, at, rows, vol, r, err);
done:
    rc = settlement_end(l, rc, r, at, period, err);
    if (rows)
        g_ptr_array_unref(rows);
    g_free(id);
    return rc;
}

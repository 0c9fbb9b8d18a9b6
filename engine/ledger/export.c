/* SPDX-License-Identifier: Apache-2.0 */
/*
 * export.c - per-letter totals of a period, grouped into invoices (sender, fakturaReferanse).
 *
 * A letter's line is the sum of its cost rows dated in the period, described by its PRINT
 * row. MVA is rounded once per invoice (the one rule) and allocated to the invoice's
 * letters by largest remainder, weighted by their totals: so every invoice's MVA is exactly
 * its rate of its total, and the letters' MVA adds up to it. The summary is the sum of the
 * lines; nothing is rounded twice. No names or addresses are read.
 */
#include <string.h>
#include "costs.h"
#include "ledger.h"
#include "ledger_internal.h"

static const char report_sql[] =
    "WITH a AS (SELECT letter_id, sum(base_ore + sheets_ore + broker_ore) AS print,"
    "  sum(discount_sheets_ore + discount_envelope_ore) AS discount, sum(postage_ore) AS postage,"
    "  sum(return_ore) AS ret FROM cost_rows WHERE day BETWEEN ?1 AND ?2 GROUP BY letter_id)"
    " SELECT p.letter_id, l.message_id, substr(l.received_at, 1, 10), p.day, l.posted_on,"
    "  p.avsender, p.avsenderidentifikator, coalesce(p.faktura_referanse, ''), p.tariff,"
    "  p.layout, p.colour, p.envelope, p.weight_band, p.posttype, p.zone,"
    "  p.pages, p.charged_sheets, p.physical_sheets, a.print, a.discount, a.postage, a.ret,"
    "  EXISTS (SELECT 1 FROM cost_rows x WHERE x.letter_id = p.letter_id AND x.kind = 'POSTAGE'),"
    "  coalesce(p.postage_provisional_ore, 0)"
    " FROM a JOIN cost_rows p ON p.letter_id = a.letter_id AND p.kind = 'PRINT'"
    " JOIN letters l ON l.id = p.letter_id WHERE ?3 IS NULL OR p.avsender = ?3"
    " ORDER BY p.avsender, coalesce(p.faktura_referanse, ''), p.letter_id";

static void line_free(void *p)
{
    struct cost_line *c = p;
    char **s[] = {&c->letter_id, &c->message_id, &c->received, &c->rendered, &c->posted,
                  &c->avsender, &c->avsenderidentifikator, &c->faktura_referanse, &c->tariff,
                  &c->layout, &c->colour, &c->envelope, &c->weight_band, &c->posttype, &c->zone};
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(s); i++)
        g_free(*s[i]);
    g_free(c);
}

static void group_free(void *p)
{
    struct cost_group *g = p;

    g_free(g->avsender);
    g_free(g->faktura_referanse);
    g_free(g);
}

static struct cost_line *line_of(sqlite3_stmt *st)
{
    struct cost_line *c = g_new0(struct cost_line, 1);
    char **s[] = {&c->letter_id, &c->message_id, &c->received, &c->rendered, &c->posted,
                  &c->avsender, &c->avsenderidentifikator, &c->faktura_referanse, &c->tariff,
                  &c->layout, &c->colour, &c->envelope, &c->weight_band, &c->posttype, &c->zone};
    int i;

    for (i = 0; i < (int)G_N_ELEMENTS(s); i++)
        *s[i] = ledger_col_dup(st, i);
    c->pages = sqlite3_column_int(st, 15);
    c->charged_sheets = sqlite3_column_int(st, 16);
    c->physical_sheets = sqlite3_column_int(st, 17);
    c->print_ore = sqlite3_column_int64(st, 18);
    c->discount_ore = sqlite3_column_int64(st, 19);
    c->postage_ore = sqlite3_column_int64(st, 20);
    c->return_ore = sqlite3_column_int64(st, 21);
    c->postage_settled = sqlite3_column_int(st, 22) != 0;
    c->provisional_ore = c->postage_settled ? 0 : sqlite3_column_int64(st, 23);
    c->total_ore = c->print_ore + c->discount_ore + c->postage_ore + c->return_ore;
    return c;
}

static void add(struct cost_group *g, const struct cost_line *c)
{
    g->letters++;
    g->print_ore += c->print_ore;
    g->discount_ore += c->discount_ore;
    g->postage_ore += c->postage_ore;
    g->return_ore += c->return_ore;
    g->total_ore += c->total_ore;
    g->mva_ore += c->mva_ore;
    g->unsettled += !c->postage_settled;
    g->provisional_ore += c->provisional_ore;
}

/* Lines [from, to) are one invoice: its MVA, allocated to the lines. */
static void invoice(struct cost_report *r, guint from, guint to, int mva_bp)
{
    size_t n = to - from, i;
    long long *w = g_new0(long long, n), *share = g_new0(long long, n), total = 0;
    struct cost_group *g = g_new0(struct cost_group, 1);
    struct cost_line *first = r->lines->pdata[from];

    for (i = 0; i < n; i++) {
        struct cost_line *c = r->lines->pdata[from + i];
        total += c->total_ore;
        w[i] = MAX(c->total_ore, 0);
    }
    money_allocate(money_bp(total, mva_bp), w, n, share);
    g->avsender = g_strdup(first->avsender);
    g->faktura_referanse = g_strdup(first->faktura_referanse);
    for (i = 0; i < n; i++) {
        struct cost_line *c = r->lines->pdata[from + i];
        c->mva_ore = share[i];
        add(g, c);
        add(&r->total, c);
    }
    g_ptr_array_add(r->groups, g);
    g_free(w);
    g_free(share);
}

static bool same_invoice(const struct cost_line *a, const struct cost_line *b)
{
    return g_strcmp0(a->avsender, b->avsender) == 0 &&
           g_strcmp0(a->faktura_referanse, b->faktura_referanse) == 0;
}

static int add_line(sqlite3_stmt *st, void *lines)
{
    g_ptr_array_add(lines, line_of(st));
    return 0;
}

int costs_report(struct ledger *l, const char *first, const char *last, const char *sender,
                 int mva_bp, struct cost_report *r, char **err)
{
    guint i, from = 0;

    memset(r, 0, sizeof *r);
    r->lines = g_ptr_array_new_with_free_func(line_free);
    r->groups = g_ptr_array_new_with_free_func(group_free);
    if (ledger_each(ledger_stmt(l, report_sql, "sss", first, last, sender), add_line,
                    r->lines) < 0) {
        *err = g_strdup_printf("cost report: %s", ledger_error(l));
        cost_report_free(r);
        return -1;
    }
    for (i = 1; i <= r->lines->len; i++)
        if (i == r->lines->len || !same_invoice(r->lines->pdata[i], r->lines->pdata[from])) {
            invoice(r, from, i, mva_bp);
            from = i;
        }
    return 0;
}

void cost_report_free(struct cost_report *r)
{
    if (r->lines)
        g_ptr_array_unref(r->lines);
    if (r->groups)
        g_ptr_array_unref(r->groups);
    memset(r, 0, sizeof *r);
}

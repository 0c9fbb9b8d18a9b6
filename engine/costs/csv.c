/* SPDX-License-Identifier: Apache-2.0 */
/*
 * csv.c - the finance export: one row per letter, RFC 4180 or Norwegian Excel.
 *
 *   rfc       comma, CRLF, '.' decimals, fields quoted when they hold , " CR or LF
 *   excel-no  semicolon, CRLF, ',' decimals, a UTF-8 BOM so Excel reads æøå; text fields
 *             that a spreadsheet would run as a formula (= + - @ tab CR) get a leading '
 *
 * postage_estimate is the provisional postage of a letter whose posting day is not settled
 * yet; it is information, not part of the totals.
 *
 * Sender fields come from hostile input: quoting and the formula guard are not optional.
 */
#include <string.h>
#include "costs.h"

static const char *const header[] = {
    "letter_id", "message_id", "received", "rendered", "posted", "sender_orgnr",
    "avsenderidentifikator", "faktura_referanse", "tariff", "layout", "colour", "envelope",
    "pages", "charged_sheets", "physical_sheets", "weight_band", "posttype", "zone",
    "print_price", "discount", "postage", "postage_settled", "postage_estimate", "return_fees", "total_ex_mva", "mva",
    "total_incl_mva"};

struct csv {
    GString *out;
    enum csv_dialect d;
    bool first;
};

static void text(struct csv *c, const char *s)
{
    char sep = c->d == CSV_RFC ? ',' : ';';
    bool formula = c->d == CSV_EXCEL_NO && s && strchr("=+-@\t\r", s[0]) && s[0];
    bool quote = s && (strchr(s, sep) || strpbrk(s, "\"\r\n") || formula);

    if (!c->first)
        g_string_append_c(c->out, sep);
    c->first = false;
    if (!s)
        return;
    if (quote)
        g_string_append_c(c->out, '"');
    if (formula)
        g_string_append_c(c->out, '\'');
    for (; *s; s++) {
        if (*s == '"')
            g_string_append_c(c->out, '"');
        g_string_append_c(c->out, *s);
    }
    if (quote)
        g_string_append_c(c->out, '"');
}

/* Numbers never need quotes: no separator can occur in them. */
static void number(struct csv *c, long long n)
{
    char buf[24];

    g_snprintf(buf, sizeof buf, "%lld", n);
    if (!c->first)
        g_string_append_c(c->out, c->d == CSV_RFC ? ',' : ';');
    c->first = false;
    g_string_append(c->out, buf);
}

static void money(struct csv *c, long long ore)
{
    char *m = money_format(ore, c->d == CSV_RFC ? '.' : ',');

    if (!c->first)
        g_string_append_c(c->out, c->d == CSV_RFC ? ',' : ';');
    c->first = false;
    g_string_append(c->out, m);
    g_free(m);
}

static void end_row(struct csv *c)
{
    g_string_append(c->out, "\r\n");
    c->first = true;
}

static void row(struct csv *c, const struct cost_line *l)
{
    const char *s1[] = {l->letter_id, l->message_id, l->received, l->rendered, l->posted,
                        l->avsender, l->avsenderidentifikator, l->faktura_referanse, l->tariff,
                        l->layout, l->colour, l->envelope};
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(s1); i++)
        text(c, s1[i]);
    number(c, l->pages);
    number(c, l->charged_sheets);
    number(c, l->physical_sheets);
    text(c, l->weight_band);
    text(c, l->posttype);
    text(c, l->zone);
    money(c, l->print_ore);
    money(c, l->discount_ore);
    money(c, l->postage_ore);
    text(c, l->postage_settled ? "yes" : "no");
    if (l->postage_settled)
        text(c, NULL);
    else
        money(c, l->provisional_ore);
    money(c, l->return_ore);
    money(c, l->total_ore);
    money(c, l->mva_ore);
    money(c, l->total_ore + l->mva_ore);
    end_row(c);
}

GString *costs_csv(const struct cost_report *r, enum csv_dialect d)
{
    struct csv c = {g_string_sized_new(256 + r->lines->len * 220), d, true};
    size_t i;

    if (d == CSV_EXCEL_NO)
        g_string_append(c.out, "\xEF\xBB\xBF");
    for (i = 0; i < G_N_ELEMENTS(header); i++)
        text(&c, header[i]);
    end_row(&c);
    for (i = 0; i < r->lines->len; i++)
        row(&c, r->lines->pdata[i]);
    return c.out;
}

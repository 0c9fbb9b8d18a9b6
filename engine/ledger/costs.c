/* SPDX-License-Identifier: Apache-2.0 */
/*
 * costs.c - the cost rows a letter gets when it is rendered and reprinted, and its posting day.
 *
 * Invariants kept here (with the triggers of schema v3):
 *  1. One PRINT row per letter, written in the transaction that plans the letter; it holds
 *     the tariff id, so a later tariff never reprices it.
 *  2. No cost row is ever updated or deleted; corrections are rows that name the PRINT row.
 *  3. A letter's posting day cannot move into or out of a settled day.
 */
#include <string.h>
#include "costs.h"
#include "ledger.h"
#include "ledger_internal.h"
#include "../util/util.h"

struct facts {
    char *layout, *colour, *envelope, *posttype, *landkode, *avsender, *ident, *faktura;
    int pages, sheets, weight_mg;
};

static void facts_free(struct facts *f)
{
    g_free(f->layout);
    g_free(f->colour);
    g_free(f->envelope);
    g_free(f->posttype);
    g_free(f->landkode);
    g_free(f->avsender);
    g_free(f->ident);
    g_free(f->faktura);
}

static int facts_row(sqlite3_stmt *st, void *arg)
{
    struct facts *f = arg;
    char **col[] = {&f->layout, &f->colour, &f->envelope, &f->posttype, &f->landkode,
                    &f->avsender, &f->ident, &f->faktura};
    int i;

    for (i = 0; i < (int)G_N_ELEMENTS(col); i++)
        *col[i] = ledger_col_dup(st, i);
    f->pages = sqlite3_column_int(st, 8);
    f->sheets = sqlite3_column_int(st, 9);
    f->weight_mg = sqlite3_column_int(st, 10);
    return 0;
}

static int letter_facts(struct ledger *l, const char *id, struct facts *f)
{
    memset(f, 0, sizeof *f);
    return ledger_one(ledger_stmt(l,
        "SELECT l.layout, l.colour, l.envelope, l.posttype, a.landkode, l.avsender,"
        " l.avsenderidentifikator, l.faktura_referanse, l.pages, l.sheets, l.weight_mg"
        " FROM letters l LEFT JOIN addresses a ON a.letter_id = l.id AND a.role = 'recipient'"
        " WHERE l.id = ? AND l.layout IS NOT NULL", "s", id), facts_row, f) == LEDGER_FOUND
               ? 0 : -1;
}

static enum ledger_result has_print_row(struct ledger *l, const char *id)
{
    return ledger_one(ledger_stmt(l, "SELECT 1 FROM cost_rows WHERE letter_id = ? AND"
                                     " kind = 'PRINT'", "s", id), NULL, NULL);
}

/* Provisional postage: the unit price of a day with only this letter (paid as the minimum). */
static void provisional(const struct tariff_set *ts, const char *day, const struct cost_input *in,
                        struct postage_class *pc, long long *postage)
{
    const struct postage_table *pt = postage_for(ts, day);
    char *err = NULL;
    long long unit;

    *postage = -1;
    memset(pc, 0, sizeof *pc);
    if (!pt)
        return;
    if (postage_classify(pt, in, pc, &err) == 0 &&
        postage_unit(pt, in->posttype, pc, pt->minimum, &unit, &err) == 0)
        *postage = unit;
    if (err)
        log_warn("no provisional postage: %s", err);
    g_free(err);
}

static int insert_print(struct ledger *l, const char *id, const char *day, const char *at,
                        const struct tariff *t, const struct facts *f,
                        const struct cost_input *in, const struct tariff_set *ts)
{
    struct print_price p = {0};
    struct postage_class pc = {0};
    long long postage;
    char *err = NULL, *org = text_orgnr_digits(f->avsender);
    int rc = price_print(t, in, &p, &err);

    if (rc == 0) {
        provisional(ts, day, in, &pc, &postage);
        rc = ledger_step_done(ledger_stmt(l,
            "INSERT INTO cost_rows (letter_id, kind, day, at, tariff, avsender,"
            " avsenderidentifikator, faktura_referanse, layout, colour, envelope, posttype,"
            " format, weight_band, zone, pages, charged_sheets, physical_sheets, weight_mg,"
            " base_ore, sheets_ore, broker_ore, postage_provisional_ore)"
            " VALUES (?, 'PRINT', ?,?,?,?,?,?,?,?,?,?, NULLIF(?, ''), NULLIF(?, ''),"
            " NULLIF(?, ''), ?,?,?,?, ?,?,?, NULLIF(?, -1))",
            "sssssssssss" "sss" "Iiii" "llll", id, day, at, t->head.id,
            org ? org : f->avsender, f->ident, f->faktura, f->layout, f->colour, f->envelope,
            f->posttype, pc.format, pc.band, pc.zone, f->pages, p.charged_sheets, f->sheets,
            f->weight_mg, p.base_ore, p.sheets_ore, p.broker_ore, postage));
    } else {
        log_letter_error(id, "%s", err);
    }
    g_free(err);
    g_free(org);
    return rc;
}

int costs_record_print(struct ledger *l, const struct tariff_set *ts, const char *letter_id,
                       const char *day, const char *at, char **err)
{
    const struct tariff *t = tariff_for(ts, day);
    struct facts f = {0};
    struct cost_input in = {0};
    enum ledger_result has = has_print_row(l, letter_id);
    int rc;

    if (has != LEDGER_NONE) {
        if (has == LEDGER_ERROR)
            *err = g_strdup_printf("letter %s: %s", letter_id, ledger_error(l));
        return has == LEDGER_FOUND ? 0 : -1;
    }
    if (!t) {
        *err = g_strdup_printf("no print tariff is valid on %s", day);
        return -1;
    }
    if (letter_facts(l, letter_id, &f) < 0) {
        *err = g_strdup_printf("letter %s: not planned, cannot be priced", letter_id);
        return -1;
    }
    in = (struct cost_input){f.layout, f.colour, f.envelope, f.posttype, f.landkode, f.pages,
                             f.sheets, f.weight_mg};
    rc = insert_print(l, letter_id, day, at, t, &f, &in, ts);
    if (rc < 0 && !*err)
        *err = g_strdup_printf("letter %s: cost row not written: %s", letter_id, ledger_error(l));
    facts_free(&f);
    return rc;
}

int costs_record_reprint(struct ledger *l, const char *letter_id, int sheets, const char *day,
                         const char *at)
{
    return ledger_step_done(ledger_stmt(l,
        "INSERT INTO cost_rows (letter_id, kind, ref, day, at, tariff, avsender,"
        " avsenderidentifikator, faktura_referanse, layout, colour, envelope, posttype, pages,"
        " physical_sheets, note)"
        " SELECT letter_id, 'REPRINT', seq, ?2, ?3, tariff, avsender, avsenderidentifikator,"
        " faktura_referanse, layout, colour, envelope, posttype, pages, ?4,"
        " 'reprinted at the provider''s cost' FROM cost_rows WHERE letter_id = ?1 AND"
        " kind = 'PRINT'", "sssi", letter_id, day, at, sheets));
}

/* Found: the day is settled. */
static enum ledger_result day_settled(struct ledger *l, const char *day)
{
    return ledger_one(ledger_stmt(l, "SELECT 1 FROM settlements WHERE kind = 'DAY' AND"
                                     " first_day = ?", "s", day), NULL, NULL);
}

int costs_set_posted(struct ledger *l, const char *letter_id, const char *day, char **err)
{
    char *old = NULL;
    enum ledger_result got = ledger_one_string(ledger_stmt(l, "SELECT posted_on FROM letters"
                                                              " WHERE id = ?", "s", letter_id),
                                               &old);
    enum ledger_result was = LEDGER_NONE, now = LEDGER_NONE;
    int rc = -1;

    if (old && strcmp(old, day) == 0) {
        g_free(old);
        return 0;
    }
    if (got != LEDGER_ERROR && old)
        was = day_settled(l, old);
    if (got != LEDGER_ERROR && was == LEDGER_NONE)
        now = day_settled(l, day);
    if (got == LEDGER_ERROR || was == LEDGER_ERROR || now == LEDGER_ERROR)
        *err = g_strdup_printf("letter %s: %s", letter_id, ledger_error(l));
    else if (was == LEDGER_FOUND || now == LEDGER_FOUND)
        *err = g_strdup_printf("letter %s: postage of %s is settled; its posting day cannot "
                               "change", letter_id, was == LEDGER_FOUND ? old : day);
    else
        rc = ledger_step_done(ledger_stmt(l, "UPDATE letters SET posted_on = ? WHERE id = ?",
                                          "ss", day, letter_id));
    g_free(old);
    return rc;
}

GPtrArray *costs_unsettled_days(struct ledger *l, const char *before)
{
    return ledger_strings(ledger_stmt(l,
        "SELECT DISTINCT posted_on FROM letters WHERE posted_on < ? AND posted_on NOT IN"
        " (SELECT first_day FROM settlements WHERE kind = 'DAY') ORDER BY posted_on", "s", before));
}

int costs_record_return(struct ledger *l, const struct tariff_set *ts, const char *letter_id,
                        const char *day, const char *at, long long *fee, char **err)
{
    char *got[2] = {NULL, NULL}, *layout;
    const struct tariff *t = NULL;

    if (ledger_one(ledger_stmt(l, "SELECT tariff, layout FROM cost_rows WHERE letter_id = ?"
                                  " AND kind = 'PRINT'", "s", letter_id), ledger_two_strings,
                   got) == LEDGER_FOUND)
        t = tariff_by_id(ts, got[0]);
    layout = got[1];
    g_free(got[0]);
    if (!t) {
        *err = g_strdup_printf("letter %s: no print cost row, or its tariff is not loaded",
                               letter_id);
        g_free(layout);
        return -1;
    }
    *fee = price_return_fee(t, layout);
    g_free(layout);
    return ledger_step_done(ledger_stmt(l,
        "INSERT INTO cost_rows (letter_id, kind, ref, day, at, tariff, avsender,"
        " avsenderidentifikator, faktura_referanse, layout, colour, envelope, posttype, pages,"
        " return_ore, note)"
        " SELECT letter_id, 'RETURN', seq, ?2, ?3, tariff, avsender, avsenderidentifikator,"
        " faktura_referanse, layout, colour, envelope, posttype, pages, ?4,"
        " 'receipt and shredding of returned mail, with notice to the sender'"
        " FROM cost_rows WHERE letter_id = ?1 AND kind = 'PRINT'", "sssl", letter_id, day, at,
        *fee));
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * costs.h - per-letter cost rows, settlements and the finance report: the SQL half of costs
 * (money, tariffs, prices and the CSV are costs/costs.h).
 *
 * Cost rows are never updated or deleted (triggers refuse it). A letter gets a PRINT row
 * when it is planned; corrections are new rows referring to it: POSTAGE (the daily
 * settlement), DISCOUNT (the period settlement), REPRINT (no charge; counts the sheets),
 * RETURN (return-handling fee).
 */
#ifndef TRYKK_LEDGER_COSTS_H
#define TRYKK_LEDGER_COSTS_H

#include "../costs/costs.h"

struct ledger;

/* ---- costs.c: cost rows ---------------------------------------------------------------- */
/* The PRINT row of a planned letter (inside the caller's transaction); day is the local
 * render date that picks the tariff. Idempotent: a letter has one PRINT row. */
int costs_record_print(struct ledger *l, const struct tariff_set *ts, const char *letter_id,
                       const char *day, const char *at, char **err);
/* A REPRINT row (no charge) for a reprinted piece. */
int costs_record_reprint(struct ledger *l, const char *letter_id, int sheets, const char *day,
                         const char *at);
/* The day a letter is posted (the planned one until dispatch records the real one);
 * refused when that day's postage is settled. */
int costs_set_posted(struct ledger *l, const char *letter_id, const char *day, char **err);

/* The RETURN row of a shredded returned piece: the return-handling fee of the letter's own
 * tariff and layout (*fee). */
int costs_record_return(struct ledger *l, const struct tariff_set *ts, const char *letter_id,
                        const char *day, const char *at, long long *fee, char **err);
/* Posting days before `before` with letters and no settlement yet, oldest first. */
GPtrArray *costs_unsettled_days(struct ledger *l, const char *before);

/* ---- settle.c, settle_period.c ---------------------------------------------------------- */
struct settle_result {
    bool already;               /* settled before: nothing changed */
    char *settled_at;
    long long letters, groups, total_ore;
    long long sheet_volume, envelope_volume;
    int sheet_bp, envelope_bp;
};
void settle_result_free(struct settle_result *r);
/* today: the local date now; only days before it can be settled. */
int settle_day(struct ledger *l, const struct tariff_set *ts, const char *day, const char *today,
               const char *at, struct settle_result *r, char **err);
/* period: 2026-Q4 or 2026-11 -> first and last day. */
int period_parse(const char *period, char first[11], char last[11]);
int settle_period(struct ledger *l, const struct tariff_set *ts, const char *period,
                  const char *today, const char *at, struct settle_result *r, char **err);

/* ---- export.c: per-letter totals and the summary (costs_csv writes the CSV) ------------ */
/* Cost rows dated in [first, last] (sender: an organisation number or NULL for all). MVA
 * (mva_bp basis points, 2500 = 25 %) is rounded once per invoice group and allocated to its
 * letters. */
int costs_report(struct ledger *l, const char *first, const char *last, const char *sender,
                 int mva_bp, struct cost_report *out, char **err);
void cost_report_free(struct cost_report *r);

#endif

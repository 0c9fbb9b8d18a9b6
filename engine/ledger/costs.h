/* SPDX-License-Identifier: Apache-2.0 */
/*
 * costs.h - money, tariffs, per-letter cost rows, settlements and the finance export.
 *
 * Money is integer øre (long long) everywhere. There is one rounding rule, money_div_round:
 * to the nearest øre, halves away from zero. A group total (a day's postage for a group, a
 * period's discount for an invoice, an invoice's MVA) is allocated to its letters with
 * money_allocate (largest remainder), so the letters add up exactly to the total.
 *
 * Cost rows are never updated or deleted (triggers refuse it). A letter gets a PRINT row
 * when it is planned; corrections are new rows referring to it: POSTAGE (the daily
 * settlement), DISCOUNT (the period settlement), REPRINT (no charge; counts the sheets),
 * RETURN (return-handling fee).
 */
#ifndef TRYKK_COSTS_H
#define TRYKK_COSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

struct ledger;

/* ---- money.c --------------------------------------------------------------------------- */
/* "12", "0.9", "0.90", "-1.35" -> øre; anything else (exponents, three decimals, spaces,
 * overflow) is an error. */
int money_parse(const char *s, long long *ore);
/* -135 -> "-1.35" with decimal '.' or ','. */
char *money_format(long long ore, char decimal);
/* num / den (den > 0) to the nearest integer, halves away from zero: the one rounding rule. */
long long money_div_round(long long num, long long den);
/* amount × basis_points / 10000, rounded by the rule above. */
long long money_bp(long long amount, int basis_points);
/* Split total over n shares in proportion to weights (all >= 0; all zero means equal):
 * floor shares, then one øre each to the largest remainders, ties to the lower index. The
 * shares sum to total exactly. Weights and total must be below 2^62. */
void money_allocate(long long total, const long long *weights, size_t n, long long *out);

/* ---- tariff.c: dated price files -------------------------------------------------------- */
enum { T_NORMAL, T_ECO, T_LAYOUTS };
enum { T_BW, T_COLOUR };
enum { T_C5, T_C4 };

#define TARIFF_MAX_BRACKETS 16
#define POSTAGE_MAX_BANDS 12
#define POSTAGE_MAX_TIERS 16

/* What every dated file has; the first member of both kinds. */
struct dated {
    char *id, *file, *valid_from, *description;
};

struct tariff {
    struct dated head;
    long long broker_ore;
    struct {
        long long base[2][2];   /* [colour][envelope], including the broker fee */
        long long sheet[2];     /* [colour] */
        long long return_fee;
        int free_half_pages;    /* pages in the base price, in half pages (eco: 3) */
    } layout[T_LAYOUTS];
    int nbrackets;
    struct { long long from; int sheet_bp, envelope_bp; } bracket[TARIFF_MAX_BRACKETS];
    bool volume_physical;       /* sheet volume counts physical sheets (default: charged) */
};

struct postage_tiers {
    int n;
    long long from[POSTAGE_MAX_TIERS];
    long long price[POSTAGE_MAX_TIERS][POSTAGE_MAX_BANDS];
};

struct postage_table {
    struct dated head;
    bool example;
    int minimum;
    int nbands;
    int band_g[POSTAGE_MAX_BANDS];
    GHashTable *zone_of;        /* landkode -> zone name; Norway is NO, default WORLD */
    GHashTable *prices;         /* "A small NO" -> struct postage_tiers */
};

struct tariff_set {
    GPtrArray *print;           /* struct tariff *, by valid_from */
    GPtrArray *postage;         /* struct postage_table *, by valid_from */
};

/* YYYY-MM-DD and a real date. */
bool date_valid(const char *d);
/* Every *.ini in dir is a print tariff ([tariff]) or a postage table ([postage]). */
int tariff_set_load(struct tariff_set *ts, const char *dir, char **err);
void tariff_set_free(struct tariff_set *ts);
/* The file valid on day (YYYY-MM-DD): the latest valid_from <= day; NULL when none. */
const struct tariff *tariff_for(const struct tariff_set *ts, const char *day);
const struct postage_table *postage_for(const struct tariff_set *ts, const char *day);
const struct tariff *tariff_by_id(const struct tariff_set *ts, const char *id);
/* Load and validate one file: a print tariff comes back through *t, a postage table
 * through *p (the other stays NULL). */
int tariff_file_load(const char *path, struct tariff **t, struct postage_table **p, char **err);
void tariff_free(struct tariff *t);
void postage_table_free(struct postage_table *p);

/* ---- price.c: what one letter costs ----------------------------------------------------- */
struct cost_input {
    const char *layout;         /* normal, eco, windowless */
    const char *colour;         /* SORT_HVIT or FARGE */
    const char *envelope;       /* C5, C4, MANUAL */
    const char *posttype;       /* A or B */
    const char *landkode;       /* NULL or "" for Norway */
    int pages, physical_sheets, weight_mg;
};

struct print_price {
    long long base_ore, sheets_ore, broker_ore; /* base excludes the broker fee */
    int charged_sheets;
};

struct postage_class {
    char format[8], band[12], zone[8];
};

int price_print(const struct tariff *t, const struct cost_input *in, struct print_price *out,
                char **err);
int charged_sheets(int pages, int free_half_pages);
long long price_return_fee(const struct tariff *t, const char *layout);
/* Format (small: C5; large: C4 and manual), weight band and zone of a letter. */
int postage_classify(const struct postage_table *pt, const struct cost_input *in,
                     struct postage_class *out, char **err);
/* The price per item for a group of `quantity` items (the tier of that quantity). */
int postage_unit(const struct postage_table *pt, const char *posttype,
                 const struct postage_class *c, long long quantity, long long *unit, char **err);
int tariff_discount_bp(const struct tariff *t, long long volume, bool sheets);

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

/* ---- export.c: per-letter totals, the CSV and the summary ------------------------------- */
struct cost_line {
    char *letter_id, *message_id, *received, *rendered, *posted;
    char *avsender, *avsenderidentifikator, *faktura_referanse, *tariff;
    char *layout, *colour, *envelope, *weight_band, *posttype, *zone;
    int pages, charged_sheets, physical_sheets;
    long long print_ore, discount_ore, postage_ore, return_ore, total_ore, mva_ore;
    long long provisional_ore;  /* estimated postage while unsettled (not in the totals) */
    bool postage_settled;
};

struct cost_group {
    char *avsender, *faktura_referanse;
    long long letters, print_ore, discount_ore, postage_ore, return_ore, total_ore, mva_ore;
    long long unsettled;        /* letters whose postage is not settled yet */
    long long provisional_ore;  /* their estimated postage (not in the totals) */
};

struct cost_report {
    GPtrArray *lines;           /* struct cost_line *, by sender, reference, letter */
    GPtrArray *groups;          /* struct cost_group *, one invoice per sender and reference */
    struct cost_group total;
};

/* Cost rows dated in [first, last] (sender: an organisation number or NULL for all). MVA
 * (mva_bp basis points, 2500 = 25 %) is rounded once per invoice group and allocated to its
 * letters. */
int costs_report(struct ledger *l, const char *first, const char *last, const char *sender,
                 int mva_bp, struct cost_report *out, char **err);
void cost_report_free(struct cost_report *r);
enum csv_dialect { CSV_RFC, CSV_EXCEL_NO };
/* RFC 4180 (comma, CRLF, '.' decimals) or Norwegian Excel (semicolon, ',' decimals, BOM,
 * formula-looking text fields neutralised). */
GString *costs_csv(const struct cost_report *r, enum csv_dialect d);

#endif

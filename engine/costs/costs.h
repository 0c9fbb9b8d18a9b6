/* SPDX-License-Identifier: Apache-2.0 */
/*
 * costs.h - money, tariffs, what a letter costs and the finance CSV: the costs module, which
 * speaks no SQL (the cost rows, settlements and the report's queries are ledger/costs.h).
 *
 * Money is integer øre (long long) everywhere. There is one rounding rule, money_div_round:
 * to the nearest øre, halves away from zero. A group total (a day's postage for a group, a
 * period's discount for an invoice, an invoice's MVA) is allocated to its letters with
 * money_allocate (largest remainder), so the letters add up exactly to the total.
 */
#ifndef TRYKK_COSTS_COSTS_H
#define TRYKK_COSTS_COSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

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

/* ---- setup.c: the [costs] group of trykk.conf ------------------------------------------- */
/* [costs] tariffs (a directory of dated tariff files; default layouts/tariffs),
 * mva_percent (default 25). */
struct costs_setup {
    struct tariff_set tariffs;
    int mva_bp;
};

/* dir: the configuration file's directory (a relative tariffs is relative to it). */
int costs_setup_load(struct costs_setup *cs, GKeyFile *kf, const char *dir, char **err);
void costs_setup_free(struct costs_setup *cs);

/* ---- the finance report (filled by ledger/export.c, written by csv.c) -------------------- */
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

/* ---- csv.c ------------------------------------------------------------------------------ */
enum csv_dialect { CSV_RFC, CSV_EXCEL_NO };
/* RFC 4180 (comma, CRLF, '.' decimals) or Norwegian Excel (semicolon, ',' decimals, BOM,
 * formula-looking text fields neutralised). */
GString *costs_csv(const struct cost_report *r, enum csv_dialect d);

#endif

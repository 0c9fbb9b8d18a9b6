/* SPDX-License-Identifier: Apache-2.0 */
/*
 * costs_fx.h - a spool whose ledger holds planned letters made directly (no intake), for the
 * cost tests and the cost benchmark: the money code only needs what planning recorded.
 */
#ifndef TRYKK_COSTS_FX_H
#define TRYKK_COSTS_FX_H

#include "ledger/costs.h"
#include "ledger/ledger.h"

struct cfx {
    char *dir, *spool, *tariffs;
    struct ledger *l;
    struct tariff_set ts;
    int n;
};

struct cfx_letter {
    const char *sender;     /* 9 digits; default 910000001 */
    const char *faktura;    /* fakturaReferanse, may be NULL */
    const char *layout;     /* normal (default), eco */
    const char *colour;     /* SORT_HVIT (default), FARGE */
    const char *envelope;   /* C5 (default), C4 */
    const char *posttype;   /* B (default), A */
    const char *landkode;   /* NULL: Norway */
    int pages;              /* default 2 */
    int weight_g;           /* default 15 */
    const char *day;        /* render day; default 2026-11-02 */
    const char *posted;     /* posting day; default = day; "" for none */
};

/* tariffs: a directory of tariff files, or NULL for the shipped ones. */
void cfx_init(struct cfx *x, const char *tariffs);
void cfx_free(struct cfx *x);
/* A planned letter with its PRINT row; returns its id (owned by the caller). */
char *cfx_letter(struct cfx *x, const struct cfx_letter *spec);
/* A directory with the shipped files, the print tariff's text edited by (from, to) pairs. */
char *cfx_tariff_dir(const char *const *edits, const char *extra_name, const char *extra_text);
long long cfx_sum(struct cfx *x, const char *sql);
/* rm -rf path */
void cfx_rm_tree(const char *path);

#endif

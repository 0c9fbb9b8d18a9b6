/* SPDX-License-Identifier: Apache-2.0 */
/*
 * money.c - øre: parsing, formatting, the one rounding rule and exact allocation.
 */
#include <stdlib.h>
#include <string.h>
#include "costs.h"

#define MONEY_MAX 1000000000000000LL /* 10^13 NOK: far beyond any invoice */

int money_parse(const char *s, long long *ore)
{
    long long whole = 0, frac = 0;
    int neg = 0, digits = 0, decimals = 0;

    if (!s)
        return -1;
    if (*s == '-')
        neg = 1, s++;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        whole = whole * 10 + (*s - '0');
        if (whole > MONEY_MAX / 100)
            return -1;
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9' && decimals < 3; s++, decimals++)
            frac = frac * 10 + (*s - '0');
        if (decimals == 0 || decimals > 2)
            return -1;
        if (decimals == 1)
            frac *= 10;
    }
    if (*s || digits == 0)
        return -1;
    *ore = (whole * 100 + frac) * (neg ? -1 : 1);
    return 0;
}

char *money_format(long long ore, char decimal)
{
    unsigned long long a = ore < 0 ? 0ULL - (unsigned long long)ore : (unsigned long long)ore;

    return g_strdup_printf("%s%llu%c%02llu", ore < 0 ? "-" : "", a / 100, decimal, a % 100);
}

long long money_div_round(long long num, long long den)
{
    long long q = num / den, r = num % den;

    /* |r| >= den/2 rounds away from zero; 2|r| cannot overflow for den < 2^62 */
    if (r < 0 ? -2 * r >= den : 2 * r >= den)
        q += num < 0 ? -1 : 1;
    return q;
}

long long money_bp(long long amount, int basis_points)
{
    return money_div_round(amount * basis_points, 10000);
}

struct rest {
    size_t i;
    unsigned __int128 r;
};

static int by_rest(const void *a, const void *b)
{
    const struct rest *x = a, *y = b;

    if (x->r != y->r)
        return x->r > y->r ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

void money_allocate(long long total, const long long *weights, size_t n, long long *out)
{
    unsigned __int128 w_sum = 0, mag = (unsigned __int128)(total < 0 ? -total : total), given = 0;
    struct rest *rest;
    size_t i;

    if (n == 0)
        return;
    for (i = 0; i < n; i++)
        w_sum += (unsigned long long)weights[i];
    rest = g_new(struct rest, n);
    for (i = 0; i < n; i++) {
        unsigned __int128 w = w_sum ? (unsigned long long)weights[i] : 1, ws = w_sum ? w_sum : n;
        unsigned __int128 share = mag * w / ws;
        out[i] = (long long)share;
        given += share;
        rest[i].i = i;
        rest[i].r = mag * w % ws;
    }
    qsort(rest, n, sizeof *rest, by_rest);
    for (i = 0; given < mag; i++, given++)
        out[rest[i % n].i]++;
    if (total < 0)
        for (i = 0; i < n; i++)
            out[i] = -out[i];
    g_free(rest);
}

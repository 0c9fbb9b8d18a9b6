/* SPDX-License-Identifier: Apache-2.0 */
/*
 * settle.c - the daily postage settlement, and what every settlement shares.
 *
 * A day's letters (by posting day) are grouped by (format, weight band, posttype, zone). A
 * group of q letters pays max(q, minimum) items at the price of the tier that quantity
 * falls in; that total is allocated to its letters by largest remainder. The settlement,
 * its groups and one POSTAGE row per letter are one transaction; the settlement row locks
 * the day, so running it again finds it and changes nothing.
 */
#include <string.h>
#include "costs.h"
#include "ledger.h"
#include "ledger_internal.h"
#include "../util/util.h"

void settle_result_free(struct settle_result *r)
{
    g_free(r->settled_at);
    memset(r, 0, sizeof *r);
}

static int settlement_row(sqlite3_stmt *st, void *arg)
{
    struct settle_result *r = arg;
    json_t *d = json_loads((const char *)sqlite3_column_text(st, 3), 0, NULL);

    r->already = true;
    r->settled_at = ledger_col_dup(st, 0);
    r->letters = sqlite3_column_int64(st, 1);
    r->total_ore = sqlite3_column_int64(st, 2);
    r->groups = sqlite3_column_int64(st, 4);
    r->sheet_volume = json_integer_value(json_object_get(d, "sheet_volume"));
    r->envelope_volume = json_integer_value(json_object_get(d, "envelope_volume"));
    r->sheet_bp = (int)json_integer_value(json_object_get(d, "sheet_bp"));
    r->envelope_bp = (int)json_integer_value(json_object_get(d, "envelope_bp"));
    json_decref(d);
    return 0;
}

enum ledger_result settlement_find(struct ledger *l, const char *id,
                                   struct settle_result *r)
{
    return ledger_one(ledger_stmt(l, "SELECT settled_at, letters, total_ore, detail,"
                                     " (SELECT count(*) FROM settlement_groups WHERE"
                                     " settlement = ?1) FROM settlements WHERE id = ?1", "s", id),
                      settlement_row, r);
}

int settlement_end(struct ledger *l, int rc, struct settle_result *r, const char *at,
                   const char *what, char **err)
{
    if (r->already) { /* found, nothing written: nothing to keep */
        ledger_rollback(l);
        return 0;
    }
    if (ledger_finish(l, rc) == 0) {
        r->settled_at = g_strdup(at);
        return 0;
    }
    if (!*err)
        *err = g_strdup_printf("settlement of %s failed: %s", what, ledger_error(l));
    return -1;
}

int settlement_insert(struct ledger *l, const char *id, const char *kind, const char *first,
                      const char *last, const char *at, long long letters, long long total,
                      json_t *detail)
{
    char *d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
    int rc = ledger_step_done(ledger_stmt(l, "INSERT INTO settlements VALUES (?,?,?,?,?,?,?,?)",
                                          "sssssll" "s", id, kind, first, last, at, letters,
                                          total, d));

    free(d);
    return rc;
}

int settlement_group(struct ledger *l, const char *id, const char *grp, long long q,
                     long long paid, long long unit, long long basis, int bp, long long total)
{
    return ledger_step_done(ledger_stmt(l, "INSERT INTO settlement_groups VALUES"
                                           " (?,?,?,?, NULLIF(?, -1), NULLIF(?, -1),"
                                           " NULLIF(?, -1), ?)", "ssllll" "il", id, grp, q, paid,
                                        unit, basis, bp, total));
}

/* One letter of the day, in group order. */
struct day_row {
    long long seq;
    char *letter, *key, *posttype;
    struct postage_class c;
};

static void day_row_free(void *p)
{
    struct day_row *r = p;

    g_free(r->letter);
    g_free(r->key);
    g_free(r->posttype);
    g_free(r);
}

struct day_rows {
    GPtrArray *rows;
    long long unbanded;
    char **err;
};

static int day_row(sqlite3_stmt *st, void *arg)
{
    struct day_rows *d = arg;
    struct day_row *r = g_new0(struct day_row, 1);
    const char *f = (const char *)sqlite3_column_text(st, 3),
               *b = (const char *)sqlite3_column_text(st, 4),
               *z = (const char *)sqlite3_column_text(st, 5);

    r->seq = sqlite3_column_int64(st, 0);
    r->letter = ledger_col_dup(st, 1);
    r->posttype = ledger_col_dup(st, 2);
    if (!f || !b || !z || !r->posttype) {
        if (!d->unbanded++)
            *d->err = g_strdup_printf("letter %s has no postage class (weight beyond the postage"
                                      " table's bands?)", r->letter);
    } else {
        g_strlcpy(r->c.format, f, sizeof r->c.format);
        g_strlcpy(r->c.band, b, sizeof r->c.band);
        g_strlcpy(r->c.zone, z, sizeof r->c.zone);
        r->key = g_strdup_printf("%s %s %s %s", f, b, r->posttype, z);
    }
    g_ptr_array_add(d->rows, r);
    return 0;
}

static GPtrArray *day_rows(struct ledger *l, const char *day, char **err)
{
    struct day_rows d = {g_ptr_array_new_with_free_func(day_row_free), 0, err};
    GPtrArray *rows = d.rows;
    int n = ledger_each(ledger_stmt(l,
        "SELECT c.seq, c.letter_id, c.posttype, c.format, c.weight_band, c.zone FROM cost_rows c"
        " JOIN letters l ON l.id = c.letter_id WHERE c.kind = 'PRINT' AND l.posted_on = ?"
        " ORDER BY c.format, c.weight_band, c.posttype, c.zone, c.letter_id", "s", day),
        day_row, &d);

    if (n < 0 || d.unbanded) {
        if (!*err)
            *err = g_strdup_printf("cannot read the day's letters: %s", ledger_error(l));
        g_ptr_array_unref(rows);
        return NULL;
    }
    return rows;
}

struct day_group {
    guint from, to;
    long long paid, unit, sum;
};

/* Pass 1: the groups of rows (sorted by key) and what each pays; nothing is written. */
static GArray *price_groups(const struct postage_table *pt, GPtrArray *rows, long long *total,
                            char **err)
{
    GArray *g = g_array_new(FALSE, TRUE, sizeof(struct day_group));
    guint i, from = 0;

    for (i = 1; i <= rows->len; i++) {
        struct day_row *f = rows->pdata[from];
        struct day_group x = {from, i, 0, 0, 0};
        if (i < rows->len && strcmp(((struct day_row *)rows->pdata[i])->key, f->key) == 0)
            continue;
        x.paid = MAX((long long)(i - from), pt->minimum);
        if (postage_unit(pt, f->posttype, &f->c, x.paid, &x.unit, err) < 0) {
            g_array_unref(g);
            return NULL;
        }
        x.sum = x.paid * x.unit;
        *total += x.sum;
        g_array_append_val(g, x);
        from = i;
    }
    return g;
}

/* Pass 2: one group's row and its letters' shares (equal weights, largest remainder). */
static int write_group(struct ledger *l, const char *id, const char *day, const char *at,
                       GPtrArray *rows, const struct day_group *g)
{
    struct day_row *first = rows->pdata[g->from];
    size_t n = g->to - g->from, i;
    long long *w = g_new0(long long, n), *share = g_new0(long long, n);
    int rc = settlement_group(l, id, first->key, (long long)n, g->paid, g->unit, -1, -1, g->sum);

    money_allocate(g->sum, w, n, share);
    for (i = 0; rc == 0 && i < n; i++) {
        struct day_row *r = rows->pdata[g->from + i];
        rc = ledger_step_done(ledger_stmt(l,
            "INSERT INTO cost_rows (letter_id, kind, ref, settlement, day, at, posttype, format,"
            " weight_band, zone, postage_ore) VALUES (?, 'POSTAGE', ?,?,?,?,?,?,?,?,?)",
            "slsss" "ssss" "l", r->letter, r->seq, id, day, at, r->posttype, r->c.format,
            r->c.band, r->c.zone, share[i]));
    }
    g_free(w);
    g_free(share);
    return rc;
}

static int day_open(struct ledger *l, const char *day, const char *today, char **err)
{
    long long open = 0;

    if (!date_valid(day)) {
        *err = g_strdup_printf("'%s' is not a date (YYYY-MM-DD)", day);
        return -1;
    }
    if (strcmp(day, today) >= 0) {
        *err = g_strdup_printf("%s is not over yet: only days before %s can be settled", day,
                               today);
        return -1;
    }
    open = ledger_one_int(ledger_stmt(l, "SELECT count(*) FROM jobs WHERE day = ? AND state IN"
                                         " ('" JOB_OPEN "', '" JOB_CLOSING "')", "s", day));
    if (open < 0) {
        *err = g_strdup_printf("cannot count the day's open jobs: %s", ledger_error(l));
        return -1;
    }
    if (open) {
        *err = g_strdup_printf("%lld job(s) for %s are not closed yet; close them first "
                               "(`trykk job close --all`)", open, day);
        return -1;
    }
    return 0;
}

static int settle_rows(struct ledger *l, const struct postage_table *pt, const char *id,
                       const char *day, const char *at, GPtrArray *rows,
                       struct settle_result *r, char **err)
{
    GArray *groups = price_groups(pt, rows, &r->total_ore, err);
    json_t *d;
    guint i;
    int rc;

    if (!groups)
        return -1;
    d = json_pack("{s:s, s:b, s:i}", "postage_table", pt->head.id, "example", pt->example,
                  "minimum_items", pt->minimum);
    /* the row that locks the day goes first: the cost rows refer to it */
    rc = settlement_insert(l, id, "DAY", day, day, at, rows->len, r->total_ore, d);
    for (i = 0; rc == 0 && i < groups->len; i++)
        rc = write_group(l, id, day, at, rows, &g_array_index(groups, struct day_group, i));
    r->groups = groups->len;
    r->letters = rows->len;
    json_decref(d);
    g_array_unref(groups);
    return rc;
}

int settle_day(struct ledger *l, const struct tariff_set *ts, const char *day, const char *today,
               const char *at, struct settle_result *r, char **err)
{
    char *id = g_strdup_printf("day:%s", day);
    const struct postage_table *pt;
    GPtrArray *rows = NULL;
    int rc = ledger_begin(l);

    memset(r, 0, sizeof *r);
    if (rc == 0 && (rc = settlement_find(l, id, r)) != LEDGER_NONE)
        goto done; /* settled before (0) or error (-1) */
    rc = day_open(l, day, today, err);
    if (rc == 0 && !(pt = postage_for(ts, day))) {
        *err = g_strdup_printf("no postage table is valid on %s", day);
        rc = -1;
    }
    if (rc == 0 && !(rows = day_rows(l, day, err)))
        rc = -1;
    if (rc == 0)
        rc = settle_rows(l, pt, id, day, at, rows, r, err);
done:
    rc = settlement_end(l, rc, r, at, day, err);
    if (rows)
        g_ptr_array_unref(rows);
    g_free(id);
    return rc;
}

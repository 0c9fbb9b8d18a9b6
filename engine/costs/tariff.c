/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tariff.c - print tariffs and postage tables as dated files (GKeyFile).
 *
 * A print tariff ([tariff], [normal], [eco], [discount]) and a postage table ([postage],
 * [zones], one group per "POSTTYPE FORMAT ZONE") each carry a valid_from date; a letter is
 * priced by the file valid on its date. Loading validates everything a price lookup will
 * need, so that pricing never meets a hole: every layout, colour and envelope has a price,
 * every posttype, format and zone has a tier table starting at 1, brackets ascend.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "costs.h"
#include "../util/conf.h"
#include "../util/util.h"

#define TARIFF_MAX_FILE (256 * 1024)

static const char *const layout_group[T_LAYOUTS] = {"normal", "eco"};
static const char *const colour_key[2] = {"bw", "colour"};
static const char *const envelope_key[2] = {"c5", "c4"};
static const char *const posttypes[] = {"A", "B"};
static const char *const formats[] = {"small", "large"};
static const char *const zones[] = {"NO", "EU", "WORLD"};

struct src {
    GKeyFile *kf;
    const char *file;
    char **err;
    struct conf c;              /* reads kf; messages name file */
};

static int bad(struct src *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int bad(struct src *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    conf_error_v(&s->c, fmt, ap);
    va_end(ap);
    return -1;
}

static char *str(struct src *s, const char *group, const char *key, bool required)
{
    return required ? conf_required(&s->c, group, key) : conf_string(&s->c, group, key);
}

static long long amount(struct src *s, const char *group, const char *key)
{
    char *v = str(s, group, key, true);
    long long ore = -1;

    if (v && (money_parse(v, &ore) < 0 || ore < 0))
        bad(s, "[%s] %s=%s is not an amount like 0.45", group, key, v);
    g_free(v);
    return ore;
}

/* A real day written YYYY-MM-DD (day_parse also takes DD.MM.YYYY; files and the ledger
 * use the ISO form only). */
bool date_valid(const char *d)
{
    char iso[11];

    return d && day_parse(d, iso) && strcmp(iso, d) == 0;
}

/* id, valid_from, description of [group] */
static void dated_head(struct src *s, const char *group, struct dated *d)
{
    d->id = str(s, group, "id", true);
    d->valid_from = str(s, group, "valid_from", true);
    d->description = str(s, group, "description", false);
    d->file = g_strdup(s->file);
    if (d->id && !text_is_safe_name(d->id, 64))
        bad(s, "[%s] id must be letters, digits, '-', '_' or '.'", group);
    if (d->valid_from && !date_valid(d->valid_from))
        bad(s, "[%s] valid_from=%s is not a date (YYYY-MM-DD)", group, d->valid_from);
}

static void dated_free(struct dated *d)
{
    g_free(d->id);
    g_free(d->file);
    g_free(d->valid_from);
    g_free(d->description);
}

static void layout_prices(struct src *s, struct tariff *t, int k)
{
    const char *g = layout_group[k];
    char key[32], *free_pages;
    long long half;
    int c, e;

    for (c = 0; c < 2; c++) {
        for (e = 0; e < 2; e++) {
            g_snprintf(key, sizeof key, "base_%s_%s", colour_key[c], envelope_key[e]);
            t->layout[k].base[c][e] = amount(s, g, key);
            if (t->layout[k].base[c][e] >= 0 && t->layout[k].base[c][e] < t->broker_ore)
                bad(s, "[%s] %s is below the broker fee it includes", g, key);
        }
        g_snprintf(key, sizeof key, "sheet_%s", colour_key[c]);
        t->layout[k].sheet[c] = amount(s, g, key);
    }
    t->layout[k].return_fee = amount(s, g, "return_handling");
    /* free_pages: pages included in the base price, in halves (eco: 1.5) */
    free_pages = str(s, g, "free_pages", true);
    if (free_pages && (money_parse(free_pages, &half) < 0 || half < 0 || half % 50 != 0 ||
                       half > 2000))
        bad(s, "[%s] free_pages=%s must be a whole or half number of pages (e.g. 1.5)", g,
            free_pages);
    else if (free_pages)
        t->layout[k].free_half_pages = (int)(half / 50);
    g_free(free_pages);
}

static int percent_bp(const char *v, int *bp)
{
    long long x;

    if (money_parse(v, &x) < 0 || x < 0 || x > 10000)
        return -1;
    *bp = (int)x;
    return 0;
}

/* [discount] FROM=SHEET%,ENVELOPE% ; from ascending, the lower bound inclusive */
static void brackets(struct src *s, struct tariff *t)
{
    gsize n = 0, i;
    char **keys = g_key_file_get_keys(s->kf, "discount", &n, NULL);

    for (i = 0; keys && i < n && !*s->err; i++) {
        char *v = str(s, "discount", keys[i], true), **pc = v ? g_strsplit(v, ",", 3) : NULL;
        char *end;
        long long from = g_ascii_strtoll(keys[i], &end, 10);
        if (i >= TARIFF_MAX_BRACKETS)
            bad(s, "[discount] more than %d brackets", TARIFF_MAX_BRACKETS);
        else if (*end || from < 1 || (i > 0 && from <= t->bracket[i - 1].from))
            bad(s, "[discount] %s: bracket lower bounds must be ascending whole numbers", keys[i]);
        else if (!pc || g_strv_length(pc) != 2 || percent_bp(g_strstrip(pc[0]),
                 &t->bracket[i].sheet_bp) < 0 || percent_bp(g_strstrip(pc[1]),
                 &t->bracket[i].envelope_bp) < 0)
            bad(s, "[discount] %s=%s must be 'SHEET%%,ENVELOPE%%', e.g. 8,8", keys[i], v);
        else
            t->bracket[t->nbrackets++].from = from;
        g_strfreev(pc);
        g_free(v);
    }
    g_strfreev(keys);
}

static struct tariff *tariff_parse(struct src *s)
{
    struct tariff *t = g_new0(struct tariff, 1);
    char *vol;
    int k;

    dated_head(s, "tariff", &t->head);
    t->broker_ore = amount(s, "tariff", "broker_fee");
    for (k = 0; k < T_LAYOUTS; k++)
        layout_prices(s, t, k);
    brackets(s, t);
    vol = str(s, "tariff", "sheet_volume", false);
    if (vol && strcmp(vol, "charged") != 0 && strcmp(vol, "physical") != 0)
        bad(s, "[tariff] sheet_volume must be charged or physical");
    t->volume_physical = vol && strcmp(vol, "physical") == 0;
    g_free(vol);
    return t;
}

static void tiers_free(void *p) { g_free(p); }

static void bands(struct src *s, struct postage_table *p)
{
    gsize n = 0, i;
    gint *g = g_key_file_get_integer_list(s->kf, "postage", "weight_bands_g", &n, NULL);

    if (!g || n == 0 || n > POSTAGE_MAX_BANDS)
        bad(s, "[postage] weight_bands_g must list 1 to %d upper limits in grams, e.g. "
            "20,50,100", POSTAGE_MAX_BANDS);
    for (i = 0; g && i < n && i < POSTAGE_MAX_BANDS; i++) {
        if (g[i] <= 0 || (i > 0 && g[i] <= g[i - 1]))
            bad(s, "[postage] weight_bands_g must ascend");
        p->band_g[i] = g[i];
    }
    p->nbands = (int)MIN(n, POSTAGE_MAX_BANDS);
    g_free(g);
}

static void zone_list(struct src *s, struct postage_table *p)
{
    gsize z, n, i;

    p->zone_of = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (z = 0; z < G_N_ELEMENTS(zones); z++) {
        char **codes = g_key_file_get_string_list(s->kf, "zones", zones[z], &n, NULL);
        for (i = 0; codes && i < n; i++) {
            char *c = g_ascii_strup(g_strstrip(codes[i]), -1);
            if (strlen(c) != 2 || !g_ascii_isalpha(c[0]) || !g_ascii_isalpha(c[1]))
                bad(s, "[zones] %s: '%s' is not a two-letter country code", zones[z], codes[i]);
            g_hash_table_replace(p->zone_of, c, (gpointer)zones[z]);
        }
        g_strfreev(codes);
    }
}

/* [A small NO] FROM=PRICE,PRICE,... (one price per weight band) */
static void price_group(struct src *s, struct postage_table *p, const char *g)
{
    struct postage_tiers *t = g_new0(struct postage_tiers, 1);
    gsize n = 0, i, j, m;
    char **keys = g_key_file_get_keys(s->kf, g, &n, NULL);

    if (!keys || n == 0)
        bad(s, "[%s] is missing: every posttype, format and zone needs prices", g);
    for (i = 0; keys && i < n && !*s->err; i++) {
        char *end, **v = g_key_file_get_string_list(s->kf, g, keys[i], &m, NULL);
        long long from = g_ascii_strtoll(keys[i], &end, 10);
        if (i >= POSTAGE_MAX_TIERS || *end || from < 1 || (i == 0) != (from == 1) ||
            (i > 0 && from <= t->from[i - 1]))
            bad(s, "[%s] %s: tiers are daily quantities ascending from 1 (at most %d)", g,
                keys[i], POSTAGE_MAX_TIERS);
        else if (!v || (int)m != p->nbands)
            bad(s, "[%s] %s needs %d prices, one per weight band", g, keys[i], p->nbands);
        for (j = 0; !*s->err && j < m; j++)
            if (money_parse(g_strstrip(v[j]), &t->price[i][j]) < 0 || t->price[i][j] < 0)
                bad(s, "[%s] %s: '%s' is not an amount", g, keys[i], v[j]);
        t->from[i] = from;
        t->n = (int)i + 1;
        g_strfreev(v);
    }
    g_strfreev(keys);
    g_hash_table_replace(p->prices, g_strdup(g), t);
}

static struct postage_table *postage_parse(struct src *s)
{
    struct postage_table *p = g_new0(struct postage_table, 1);
    size_t a, f, z;
    long minimum = 0;

    dated_head(s, "postage", &p->head);
    conf_bool(&s->c, "postage", "example", false, &p->example);
    if (conf_integer(&s->c, "postage", "minimum_items", 0, 1, 1000000, &minimum) == 0 &&
        minimum < 1)
        conf_fail(&s->c, "postage", "minimum_items", "must be a whole number from 1 (e.g. 200)");
    p->minimum = (int)minimum;
    bands(s, p);
    zone_list(s, p);
    p->prices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, tiers_free);
    for (a = 0; a < G_N_ELEMENTS(posttypes); a++)
        for (f = 0; f < G_N_ELEMENTS(formats); f++)
            for (z = 0; z < G_N_ELEMENTS(zones) && !*s->err; z++) {
                char *g = g_strdup_printf("%s %s %s", posttypes[a], formats[f], zones[z]);
                price_group(s, p, g);
                g_free(g);
            }
    return p;
}

void tariff_free(struct tariff *t)
{
    if (!t)
        return;
    dated_free(&t->head);
    g_free(t);
}

void postage_table_free(struct postage_table *p)
{
    if (!p)
        return;
    dated_free(&p->head);
    if (p->zone_of)
        g_hash_table_destroy(p->zone_of);
    if (p->prices)
        g_hash_table_destroy(p->prices);
    g_free(p);
}

int tariff_file_load(const char *path, struct tariff **t, struct postage_table **p, char **err)
{
    struct bytes b = {0};
    GError *ge = NULL;
    struct src s = {g_key_file_new(), path, err, {NULL, path, NULL, err}};
    int rc = fsio_read_file(path, TARIFF_MAX_FILE, &b);

    s.c.kf = s.kf;
    g_key_file_set_list_separator(s.kf, ',');
    *t = NULL;
    *p = NULL;
    if (rc < 0)
        bad(&s, "cannot read: %s", g_strerror(-rc));
    else if (!g_key_file_load_from_data(s.kf, (const char *)b.data, b.len, G_KEY_FILE_NONE, &ge))
        bad(&s, "%s", ge->message);
    else if (g_key_file_has_group(s.kf, "tariff"))
        *t = tariff_parse(&s);
    else if (g_key_file_has_group(s.kf, "postage"))
        *p = postage_parse(&s);
    else
        bad(&s, "neither a print tariff ([tariff]) nor a postage table ([postage])");
    g_clear_error(&ge);
    bytes_free(&b);
    g_key_file_free(s.kf);
    if (*err) {
        tariff_free(*t);
        postage_table_free(*p);
        *t = NULL;
        *p = NULL;
        return -1;
    }
    return 0;
}

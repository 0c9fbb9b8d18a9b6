/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tariffs.c - the set of dated tariff files in a directory, and which one holds on a day.
 */
#include <string.h>
#include "costs.h"

#define TARIFF_MAX_FILES 200

/* Both kinds of file start with struct dated. */
static const struct dated *dated_of(gconstpointer p) { return *(const struct dated *const *)p; }

static int by_date(gconstpointer a, gconstpointer b)
{
    return strcmp(dated_of(a)->valid_from, dated_of(b)->valid_from);
}

/* Two files may not claim the same id or the same valid_from: which one holds must be clear. */
static int clash(GPtrArray *a, const char *dir, char **err)
{
    guint i, j;

    for (i = 0; i < a->len; i++)
        for (j = i + 1; j < a->len; j++) {
            const struct dated *x = dated_of(&a->pdata[i]), *y = dated_of(&a->pdata[j]);
            if (strcmp(x->valid_from, y->valid_from) == 0 || strcmp(x->id, y->id) == 0) {
                *err = g_strdup_printf("%s: %s and %s have the same id or valid_from (%s, %s)",
                                       dir, x->id, y->id, x->file, y->file);
                return -1;
            }
        }
    return 0;
}

/* The latest file in a (sorted by date) valid on day. */
static gpointer valid_on(GPtrArray *a, const char *day)
{
    gpointer best = NULL;
    guint i;

    for (i = 0; i < a->len; i++)
        if (strcmp(dated_of(&a->pdata[i])->valid_from, day) <= 0)
            best = a->pdata[i];
    return best;
}
static int load_entry(struct tariff_set *ts, const char *dir, const char *name, char **err)
{
    char *path = g_build_filename(dir, name, NULL);
    struct tariff *t;
    struct postage_table *p;
    int rc = tariff_file_load(path, &t, &p, err);

    if (t)
        g_ptr_array_add(ts->print, t);
    if (p)
        g_ptr_array_add(ts->postage, p);
    g_free(path);
    return rc;
}

int tariff_set_load(struct tariff_set *ts, const char *dir, char **err)
{
    GError *ge = NULL;
    GDir *d = g_dir_open(dir, 0, &ge);
    const char *name;
    int rc = 0, files = 0;

    ts->print = g_ptr_array_new_with_free_func((GDestroyNotify)tariff_free);
    ts->postage = g_ptr_array_new_with_free_func((GDestroyNotify)postage_table_free);
    if (!d) {
        *err = g_strdup_printf("tariffs: %s", ge->message);
        g_error_free(ge);
        return -1;
    }
    while (rc == 0 && (name = g_dir_read_name(d)))
        if (g_str_has_suffix(name, ".ini") && name[0] != '.')
            rc = ++files > TARIFF_MAX_FILES ? -1 : load_entry(ts, dir, name, err);
    g_dir_close(d);
    if (rc < 0 && !*err)
        *err = g_strdup_printf("tariffs: more than %d files in %s", TARIFF_MAX_FILES, dir);
    if (rc == 0 && (ts->print->len == 0 || ts->postage->len == 0)) {
        *err = g_strdup_printf("tariffs: %s needs at least one print tariff and one postage "
                               "table", dir);
        rc = -1;
    }
    g_ptr_array_sort(ts->print, by_date);
    g_ptr_array_sort(ts->postage, by_date);
    if (rc == 0 && (clash(ts->print, dir, err) < 0 || clash(ts->postage, dir, err) < 0))
        rc = -1;
    return rc;
}

void tariff_set_free(struct tariff_set *ts)
{
    if (ts->print)
        g_ptr_array_unref(ts->print);
    if (ts->postage)
        g_ptr_array_unref(ts->postage);
    ts->print = ts->postage = NULL;
}

const struct tariff *tariff_for(const struct tariff_set *ts, const char *day)
{
    return valid_on(ts->print, day);
}

const struct postage_table *postage_for(const struct tariff_set *ts, const char *day)
{
    return valid_on(ts->postage, day);
}

const struct tariff *tariff_by_id(const struct tariff_set *ts, const char *id)
{
    guint i;

    for (i = 0; id && i < ts->print->len; i++)
        if (strcmp(dated_of(&ts->print->pdata[i])->id, id) == 0)
            return ts->print->pdata[i];
    return NULL;
}

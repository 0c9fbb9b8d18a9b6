/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ages.c - how long the oldest entry of a spool directory has waited, for the metrics and
 * `trykk health`: its modification time (the broker's rename keeps the time it was written)
 * against time_now.
 */
#include "../util/util.h"
#include "service.h"

gint64 service_oldest_age(const char *dir, int *count)
{
    GPtrArray *names = spool_list(dir);
    GDateTime *now = time_now();
    gint64 age = 0, t;

    if (count)
        *count = (int)names->len;
    if (names->len > 0 && (t = spool_mtime(dir, names->pdata[0])) > 0)
        age = MAX(0, g_date_time_to_unix(now) - t);
    g_date_time_unref(now);
    g_ptr_array_free(names, TRUE);
    return age;
}

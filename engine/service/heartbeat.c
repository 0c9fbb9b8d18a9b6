/* SPDX-License-Identifier: Apache-2.0 */
/*
 * heartbeat.c - ledger/heartbeat: the unix time of the daemon's last cycle, one line,
 * published atomically (a reader sees the old time or the new, never half a file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "service.h"

int service_heartbeat(const struct spool *s)
{
    GDateTime *now = time_now();
    char line[32];
    int n = snprintf(line, sizeof line, "%lld\n", (long long)g_date_time_to_unix(now));

    g_date_time_unref(now);
    return fsio_publish(s->ledger_dir, SERVICE_HEARTBEAT, line, (size_t)n, 0);
}

gint64 service_heartbeat_read(const struct spool *s)
{
    char *path = g_build_filename(s->ledger_dir, SERVICE_HEARTBEAT, NULL);
    struct bytes b = {0};
    gint64 t = -1;

    if (fsio_read_file(path, 64, &b) == 0 && b.len > 0 && b.len < 64) {
        char text[64], *end = NULL;
        long long v;
        memcpy(text, b.data, b.len);
        text[b.len] = '\0';
        v = strtoll(text, &end, 10);
        if (end != text && (*end == '\n' || *end == '\0') && v > 0)
            t = v;
    }
    bytes_free(&b);
    g_free(path);
    return t;
}

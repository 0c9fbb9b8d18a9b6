/* SPDX-License-Identifier: Apache-2.0 */
/*
 * retention.h - how long personal data is kept, and its removal once that time is over
 * (purge.c). Letters posted, returned or cancelled more than `days` ago lose their personal
 * data (ledger, package, print files); history older than history_months goes. The SQL is
 * ledger/purge.c's; the CLI reads [retention] and prints the reports (cli/cmd_purge.c).
 */
#ifndef TRYKK_RETENTION_H
#define TRYKK_RETENTION_H

#include <jansson.h>
#include "../ledger/ledger.h"
#include "../spool/spool.h"

/* What retention works with (borrowed): the ledger and the spool's directories. */
struct retention_ctx {
    struct ledger *ledger;
    const struct spool *spool;
};

struct purge_stats {
    int letters, packages, job_files;
    long long events;
};
int retention_purge(struct retention_ctx *rt, int days, int history_months,
                    struct purge_stats *st);
/* What retention_purge would do now, changing nothing: letters [{id, state, since}],
 * packages [{place, letter, bytes}], print files [{job, file, bytes}], history events before
 * `before`. */
struct purge_plan {
    json_t *letters, *packages, *job_files;
    long long package_bytes, job_bytes, events;
    char *cutoff, *before;   /* YYYY-MM-DD; RFC 3339 */
};
int retention_plan(struct retention_ctx *rt, int days, int history_months,
                   struct purge_plan *p);
void retention_plan_free(struct purge_plan *p);

/* report.c: what a purge did, what one would do now, as lines of text (raw strings from the
 * ledger and spool: escape them for a terminal). The caller frees them. */
char *retention_report(const struct purge_stats *st, int days, int months);
char *retention_plan_report(const struct purge_plan *p, int days, int months);

#endif

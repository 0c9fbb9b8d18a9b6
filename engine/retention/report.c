/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report.c - what a purge did, and what one would do now (`trykk purge --dry-run`), as text
 * for the operator. The strings come from the ledger and the spool: the caller escapes them
 * for a terminal (cli_printf).
 */
#include "retention.h"

char *retention_report(const struct purge_stats *st, int days, int months)
{
    return g_strdup_printf("purge (%d days after dispatch, return or cancellation; history %d "
                           "months): %d letters' personal data removed, %d packages, %d print "
                           "files, %lld history events\n", days, months, st->letters,
                           st->packages, st->job_files, st->events);
}

static const char *str(json_t *r, const char *key)
{
    return json_string_value(json_object_get(r, key));
}

static long long bytes_of(json_t *r)
{
    return (long long)json_integer_value(json_object_get(r, "bytes"));
}

char *retention_plan_report(const struct purge_plan *p, int days, int months)
{
    GString *s = g_string_new(NULL);
    size_t i;
    json_t *r;

    g_string_append_printf(s, "purge --dry-run: nothing is changed. Due now (%d days after "
                           "dispatch, return or cancellation, i.e. on or before %s; history "
                           "before %.10s, %d months):\n", days, p->cutoff, p->before, months);
    g_string_append_printf(s, "letters whose names and addresses would be removed: %zu\n",
                           json_array_size(p->letters));
    json_array_foreach(p->letters, i, r)
        g_string_append_printf(s, "  %-24s  %-9s  since %s\n", str(r, "id"), str(r, "state"),
                               str(r, "since"));
    g_string_append_printf(s, "packages that would be deleted: %zu (%lld bytes)\n",
                           json_array_size(p->packages), p->package_bytes);
    json_array_foreach(p->packages, i, r)
        g_string_append_printf(s, "  %s/%-24s  %lld bytes\n", str(r, "place"), str(r, "letter"),
                               bytes_of(r));
    g_string_append_printf(s, "print files that would be deleted: %zu (%lld bytes)\n",
                           json_array_size(p->job_files), p->job_bytes);
    json_array_foreach(p->job_files, i, r)
        g_string_append_printf(s, "  jobs/%s/%s  %lld bytes\n", str(r, "job"), str(r, "file"),
                               bytes_of(r));
    g_string_append_printf(s, "history events that would be deleted: %lld\n", p->events);
    return g_string_free(s, FALSE);
}

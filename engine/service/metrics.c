/* SPDX-License-Identifier: Apache-2.0 */
/*
 * metrics.c - the daemon's metrics in the Prometheus text exposition format (0.0.4), for
 * node_exporter's textfile collector or anything that reads the file: each family a # HELP
 * and a # TYPE line, then its samples. All are gauges read from the ledger and the spool at
 * the time of writing.
 */
#include <string.h>
#include "../util/util.h"
#include "service.h"

static void family(GString *out, const char *name, const char *help)
{
    g_string_append_printf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* A label value: backslash, double quote and newline escaped. */
static void label_value(GString *out, const char *v)
{
    for (; v && *v; v++) {
        if (*v == '\\' || *v == '"')
            g_string_append_c(out, '\\');
        if (*v == '\n')
            g_string_append(out, "\\n");
        else
            g_string_append_c(out, *v);
    }
}

static void letters_per_state(GString *out, struct ledger *l)
{
    json_t *counts = ledger_counts(l);
    int s;

    family(out, "trykk_letters", "Letters in the ledger per state.");
    for (s = 0; s < LETTER_STATE_COUNT; s++) {
        const char *name = letter_state_name((enum letter_state)s);
        g_string_append_printf(out, "trykk_letters{state=\"%s\"} %lld\n", name,
                               (long long)json_integer_value(json_object_get(counts, name)));
    }
    json_decref(counts);
}

static void letters_by_reason(GString *out, struct ledger *l)
{
    json_t *rows = ledger_reason_counts(l), *r;
    size_t i;

    family(out, "trykk_letters_by_reason",
           "Letters that carry a reason code (refused, quarantined, deferred, held), per state "
           "and code.");
    json_array_foreach(rows, i, r) {
        g_string_append(out, "trykk_letters_by_reason{state=\"");
        label_value(out, json_string_value(json_object_get(r, "state")));
        g_string_append(out, "\",reason=\"");
        label_value(out, json_string_value(json_object_get(r, "reason")));
        g_string_append_printf(out, "\"} %lld\n",
                               (long long)json_integer_value(json_object_get(r, "letters")));
    }
    json_decref(rows);
}

static void waiting(GString *out, const struct spool *s, struct ledger *l)
{
    GArray *open = ledger_jobs_in_state(l, JOB_STATE_OPEN, NULL);
    json_t *pending = ledger_pending_receipts(l);
    int incoming = 0, outbox = 0;
    gint64 in_age = service_oldest_age(s->incoming, &incoming);
    gint64 out_age = service_oldest_age(s->outbox, &outbox);

    family(out, "trykk_incoming_entries", "Entries waiting in incoming/.");
    g_string_append_printf(out, "trykk_incoming_entries %d\n", incoming);
    family(out, "trykk_incoming_oldest_age_seconds",
           "Age of the oldest entry in incoming/ (0 when empty).");
    g_string_append_printf(out, "trykk_incoming_oldest_age_seconds %lld\n", (long long)in_age);
    family(out, "trykk_jobs_waiting_cutoff", "Open print jobs waiting for their cut-off.");
    g_string_append_printf(out, "trykk_jobs_waiting_cutoff %u\n", open->len);
    family(out, "trykk_receipts_waiting",
           "Receipts waiting: in outbox/ for the broker, or committed in the ledger and not "
           "yet published to outbox/.");
    g_string_append_printf(out, "trykk_receipts_waiting{where=\"outbox\"} %d\n", outbox);
    g_string_append_printf(out, "trykk_receipts_waiting{where=\"ledger\"} %zu\n",
                           json_array_size(pending));
    family(out, "trykk_outbox_oldest_age_seconds",
           "Age of the oldest receipt in outbox/ (0 when empty).");
    g_string_append_printf(out, "trykk_outbox_oldest_age_seconds %lld\n", (long long)out_age);
    json_decref(pending);
    g_array_free(open, TRUE);
}

char *service_metrics_text(const struct spool *s, struct ledger *l)
{
    GString *out = g_string_new(NULL);
    GDateTime *now = time_now();

    letters_per_state(out, l);
    letters_by_reason(out, l);
    waiting(out, s, l);
    family(out, "trykk_metrics_timestamp_seconds", "When this file was written (unix time).");
    g_string_append_printf(out, "trykk_metrics_timestamp_seconds %lld\n",
                           (long long)g_date_time_to_unix(now));
    g_date_time_unref(now);
    return g_string_free(out, FALSE);
}

int service_metrics_publish(const struct spool *s, struct ledger *l, const char *path)
{
    char *text = service_metrics_text(s, l);
    char *dir = path ? g_path_get_dirname(path) : g_strdup(s->ledger_dir);
    char *name = path ? g_path_get_basename(path) : g_strdup(SERVICE_METRICS_FILE);
    int rc = fsio_publish(dir, name, text, strlen(text), 0);

    g_free(name);
    g_free(dir);
    g_free(text);
    return rc;
}

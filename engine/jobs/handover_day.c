/* SPDX-License-Identifier: Apache-2.0 */
/*
 * handover_day.c - what a posting day hands to Posten: every piece posted in every job
 * dispatched that day (reprint jobs too), gathered from the ledger and the configuration,
 * and published as one note (handover-DAY.pdf) and one CSV (handover-DAY.csv).
 *
 *   [provider] name, address (lines, ';'), customer_number (Posten's customer/agreement
 *              number), orgnr
 *   [handover] small_per_tray (400), large_per_tray (100): pieces in one tray, per format
 *
 * Pieces are counted in the postage class their letter is settled in (its PRINT cost row):
 * zone, A/B, format, weight band. A band is named by its range in the postage table valid on
 * the day ("21–50 g"). Trays are counted per zone, A/B and format (they are handed in apart):
 * ceil(pieces / pieces per tray of that format). The note is rebuilt from the ledger alone;
 * dispatch publishes it again whenever a job is dispatched, replacing the day's note.
 */
#include <errno.h>
#include <string.h>
#include "jobs.h"
#include "../util/conf.h"

static int provider_of(struct handover_day *d, struct jobs_ctx *e, char **err)
{
    struct conf c = {e->conf, "config", e->conf_dir, err};
    char **addr = conf_lines(&c, "provider", "address");

    /* read without the table's defaults: a note that lacks them says so (d->missing) */
    d->name = conf_string(&c, "provider", "name");
    d->customer_number = conf_string(&c, "provider", "customer_number");
    d->orgnr = g_strdup(e->orgnr ? e->orgnr : "");
    d->address = addr ? addr : g_new0(char *, 1);
    if (!d->name || !d->customer_number || !d->address[0]) {
        GString *m = g_string_new("[provider]");
        if (!d->name)
            g_string_append(m, " name");
        if (!d->address[0])
            g_string_append_printf(m, "%s address", m->len > 10 ? "," : "");
        if (!d->customer_number)
            g_string_append_printf(m, "%s customer_number", m->len > 10 ? "," : "");
        d->missing = g_string_free(m, FALSE);
    }
    return conf_get_int(&c, "handover", "small_per_tray", &d->per_tray[0]) < 0 ||
                   conf_get_int(&c, "handover", "large_per_tray", &d->per_tray[1]) < 0
               ? -1
               : 0;
}

/* "21–50 g": from one above the next lower band of the day's postage table. */
static void band_label(const struct postage_table *pt, const char *band, char *out, size_t n)
{
    int upper = (int)strtol(band ? band : "0", NULL, 10), lower = 0, i;

    for (i = 0; pt && i < pt->nbands; i++)
        if (pt->band_g[i] < upper && pt->band_g[i] + 1 > lower)
            lower = pt->band_g[i] + 1;
    g_snprintf(out, n, "%d–%d g", lower, upper);
}

static long long int_of(json_t *r, const char *key)
{
    return (long long)json_integer_value(json_object_get(r, key));
}

static const char *str_of(json_t *r, const char *key)
{
    const char *s = json_string_value(json_object_get(r, key));

    return s ? s : "";
}

/* One line per band; after each (zone, A/B, format) its group line with the trays. */
static void lines_of(struct handover_day *d, json_t *rows, const struct postage_table *pt)
{
    struct handover_line group = {0};
    size_t i;
    json_t *r;

    d->lines = g_array_new(FALSE, TRUE, sizeof(struct handover_line));
    json_array_foreach(rows, i, r) {
        struct handover_line l = {0};
        g_strlcpy(l.zone, str_of(r, "zone"), sizeof l.zone);
        g_strlcpy(l.posttype, str_of(r, "posttype"), sizeof l.posttype);
        g_strlcpy(l.format, str_of(r, "format"), sizeof l.format);
        band_label(pt, str_of(r, "weight_band"), l.band, sizeof l.band);
        l.pieces = int_of(r, "pieces");
        l.weight_mg = int_of(r, "weight_mg");
        l.ea = int_of(r, "ea");
        g_array_append_val(d->lines, l);
        if (!group.pieces) {
            group = l;
            group.band[0] = 0;
        } else {
            group.pieces += l.pieces;
            group.weight_mg += l.weight_mg;
            group.ea += l.ea;
        }
        if (i + 1 == json_array_size(rows) ||
            strcmp(str_of(json_array_get(rows, i + 1), "zone"), l.zone) != 0 ||
            strcmp(str_of(json_array_get(rows, i + 1), "posttype"), l.posttype) != 0 ||
            strcmp(str_of(json_array_get(rows, i + 1), "format"), l.format) != 0) {
            int cap = d->per_tray[strcmp(group.format, "small") == 0 ? 0 : 1];
            group.group = true;
            group.trays = (int)((group.pieces + cap - 1) / cap);
            g_array_append_val(d->lines, group);
            d->pieces += group.pieces;
            d->weight_mg += group.weight_mg;
            d->ea += group.ea;
            d->trays += group.trays;
            memset(&group, 0, sizeof group);
        }
    }
}

void handover_day_free(struct handover_day *d)
{
    g_free(d->day);
    g_free(d->made_at);
    g_free(d->name);
    g_strfreev(d->address);
    g_free(d->orgnr);
    g_free(d->customer_number);
    g_free(d->missing);
    if (d->jobs)
        g_ptr_array_unref(d->jobs);
    if (d->lines)
        g_array_free(d->lines, TRUE);
    memset(d, 0, sizeof *d);
}

int handover_day_load(struct handover_day *d, struct jobs_ctx *e, const char *day, char **err)
{
    GKeyFile *empty = g_key_file_new();
    struct costs_setup cs = {0};
    GDateTime *now = time_now();
    json_t *rows;
    int rc;

    memset(d, 0, sizeof *d);
    d->day = g_strdup(day);
    d->made_at = time_rfc3339(now);
    g_date_time_unref(now);
    rc = provider_of(d, e, err);
    if (rc == 0)
        rc = costs_setup_load(&cs, e->conf ? e->conf : empty, e->conf_dir, err);
    g_key_file_free(empty);
    if (rc < 0)
        return -1;
    d->jobs = ledger_jobs_dispatched_on(e->ledger, day);
    rows = ledger_handover_day(e->ledger, day);
    lines_of(d, rows, postage_for(&cs.tariffs, day));
    json_decref(rows);
    costs_setup_free(&cs);
    return 0;
}

char *handover_dir(struct jobs_ctx *e)
{
    return g_build_filename(e->spool->root, "handover", NULL);
}

/* handover-DAY.csv and handover-DAY.pdf into dir, each replacing the one before. */
int handover_day_write(const struct handover_day *d, const char *dir, char **err)
{
    char *csv = handover_csv(d), *csv_name = g_strdup_printf("handover-%s.csv", d->day);
    char *pdf_name = g_strdup_printf("handover-%s.pdf", d->day);
    struct bytes pdf = {0};
    int rc = fsio_mkdirs(dir, 0700);

    if (rc == 0)
        rc = fsio_publish(dir, csv_name, csv, strlen(csv), 0);
    if (rc == 0 && handover_pdf(d, &pdf) < 0)
        rc = -EIO;
    if (rc == 0)
        rc = fsio_publish(dir, pdf_name, pdf.data, pdf.len, 0);
    if (rc < 0)
        *err = g_strdup_printf("the handover note of %s is not written in %s: %s", d->day, dir,
                               g_strerror(-rc));
    bytes_free(&pdf);
    g_free(csv);
    g_free(csv_name);
    g_free(pdf_name);
    return rc < 0 ? -1 : 0;
}

int handover_publish_day(struct jobs_ctx *e, const char *day, const char *dir, char **err)
{
    struct handover_day d = {0};
    char *spool_dir = dir ? NULL : handover_dir(e);
    int rc = handover_day_load(&d, e, day, err);

    if (rc == 0 && d.missing)
        log_warn("handover note of %s: %s not configured; the note says so", day, d.missing);
    if (rc == 0)
        rc = handover_day_write(&d, dir ? dir : spool_dir, err);
    handover_day_free(&d);
    g_free(spool_dir);
    return rc;
}

/* At dispatch (and when a dispatch is repeated): the day's note, with this job in it. */
int jobs_handover_publish(struct jobs_ctx *e, const struct job_row *j, const char *day,
                          char **err)
{
    int rc = handover_publish_day(e, day, NULL, err);

    if (rc == 0)
        log_info("job %s: the handover note of %s is up to date in %s/handover", j->name, day,
                 e->spool->root);
    return rc;
}

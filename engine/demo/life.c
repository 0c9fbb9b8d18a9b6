/* SPDX-License-Identifier: Apache-2.0 */
/*
 * life.c - the demo's second half: what happens to the letters after printing.
 *
 * The inserter "sees" every piece (one arrives damaged and is reprinted), every job is
 * dispatched today, a few pieces come back (shredded under MAKULERING_MED_MELDING,
 * listed for forwarding under DIREKTE_RETUR), and the receipts wait in outbox/.
 */
#include <stdio.h>
#include <string.h>
#include "demo.h"
#include "../returns/returns.h"

/* An inserter log of the job: every piece OK, except `damaged` (a piece code or NULL). */
static char *inserter_log(struct jobs_ctx *e, long long job_id, const char *dir, const char *name,
                          const char **damaged)
{
    GPtrArray *rows = ledger_job_pieces(e->ledger, job_id);
    GString *s = g_string_new("piece,result\n");
    char *path = g_strdup_printf("%s/inserter-%s.log", dir, name);
    guint i;

    for (i = 0; i < rows->len; i++) {
        const struct piece_row *p = rows->pdata[i];
        bool bad = damaged && !*damaged && i == 0 && rows->len > 1;
        g_string_append_printf(s, "%s,%s\n", p->code, bad ? PIECE_DAMAGED : PIECE_OK);
        if (bad)
            *damaged = "done";
    }
    if (!g_file_set_contents(path, s->str, (gssize)s->len, NULL))
        g_clear_pointer(&path, g_free);
    g_string_free(s, TRUE);
    g_ptr_array_free(rows, TRUE);
    return path;
}

/* Reconcile every printed job (children too, as they appear), then dispatch them all. */
static int reconcile_and_dispatch(struct jobs_ctx *e, struct print_setup *ps, const char *dir)
{
    const char *damaged = NULL;
    GArray *ids;
    guint i;
    int rc = 0, pass;

    for (pass = 0; pass < 2; pass++) { /* the second pass meets the reprint job */
        ids = ledger_jobs_in_state(e->ledger, JOB_STATE_CLOSED, NULL);
        for (i = 0; i < ids->len; i++) {
            struct job_row j = {0};
            struct reconcile_report r = {0}; /* freed below even when reconcile never ran */
            char *err = NULL, *log;
            if (ledger_job_by_id(e->ledger, g_array_index(ids, long long, i), &j) != 0)
                continue;
            log = inserter_log(e, j.id, dir, j.name, &damaged);
            if (log && jobs_reconcile(e, ps, j.name, log, true, &r, &err) >= 0 && r.child)
                printf("  %s: piece %s arrived damaged at the inserter; reprinted in %s\n",
                       j.name, json_string_value(json_object_get(json_array_get(r.pieces, 0),
                                                                 "piece")), r.child);
            if (err)
                fprintf(stderr, "trykk: %s\n", err);
            json_decref(r.pieces);
            g_free(r.child);
            g_free(err);
            g_free(log);
            job_row_free(&j);
        }
        g_array_free(ids, TRUE);
    }
    ids = ledger_jobs_in_state(e->ledger, JOB_STATE_RECONCILED, NULL);
    for (i = 0; i < ids->len; i++) {
        struct job_row j = {0};
        struct dispatch_report d = {0};
        char *err = NULL;
        if (ledger_job_by_id(e->ledger, g_array_index(ids, long long, i), &j) != 0)
            continue;
        if (jobs_dispatch(e, j.name, NULL, NULL, &d, &err) == 0)
            printf("  %s dispatched: %d letters posted on %s (the day's handover note: "
                   "%s/handover/handover-%s.pdf)\n", j.name, d.posted, d.day, e->spool->root,
                   d.day);
        else
            rc = -1, fprintf(stderr, "trykk: %s\n", err);
        g_free(d.day);
        g_free(err);
        job_row_free(&j);
    }
    g_array_free(ids, TRUE);
    return rc;
}

/* A few posted pieces come back: two shredded, one to forward. */
static void some_returns(struct returns_ctx *e, struct print_setup *ps)
{
    static const char *const reasons[] = {"MOVED", "UNKNOWN_ADDRESSEE", "REFUSED"};
    json_t *jobs = ledger_jobs_json(e->ledger, JOB_DISPATCHED, NULL), *j;
    int shred = 0, forward = 0;
    size_t k;
    char *today = day_today();

    json_array_foreach(jobs, k, j) {
        struct job_row row = {0};
        GPtrArray *rows;
        guint i;
        if (ledger_job_get(e->ledger, json_string_value(json_object_get(j, "job")), &row) != 0)
            continue;
        rows = ledger_job_pieces(e->ledger, row.id);
        for (i = 0; i < rows->len; i++) {
            const struct piece_row *p = rows->pdata[i];
            bool makulering = g_strcmp0(p->return_handling, "MAKULERING_MED_MELDING") == 0;
            struct return_result r = {0};
            char *err = NULL, *code;
            if (p->state != PIECE_STATE_POSTED || (makulering ? shred >= 2 : forward >= 1))
                continue;
            code = makulering ? jobs_ea_code(ps, p->code) : g_strdup(p->code);
            if (returns_record(e, ps, code, reasons[(shred + forward) % 3], today, "demo", &r,
                               &err) == 0) {
                printf("  returned piece %s (letter %s): %s\n", code, r.letter_id,
                       makulering ? "shredded; its returpostkvittering is held until today is "
                                    "over (`trykk returns undo` until then)"
                                  : "DIREKTE_RETUR, listed for forwarding");
                shred += makulering;
                forward += !makulering;
            }
            return_result_free(&r);
            g_free(err);
            g_free(code);
        }
        g_ptr_array_free(rows, TRUE);
        job_row_free(&row);
    }
    json_decref(jobs);
    g_free(today);
}

static void receipts_summary(struct engine *e)
{
    static const char *const types[] = {"mottakskvittering", "leveringskvittering",
                                        "returpostkvittering", "feil"};
    GPtrArray *names = spool_list(e->spool.outbox);
    size_t t;
    guint i;

    printf("receipts waiting for the broker in %s:", e->spool.outbox);
    for (t = 0; t < G_N_ELEMENTS(types); t++) {
        char *jwt = g_strdup_printf(".%s.jwt", types[t]), *xml = g_strdup_printf(".%s.xml",
                                                                                   types[t]);
        int n = 0, x = 0;
        for (i = 0; i < names->len; i++) {
            n += g_str_has_suffix(names->pdata[i], jwt);
            x += g_str_has_suffix(names->pdata[i], xml);
        }
        printf(" %d %s (%d of them XML)%s", n + x, types[t], x,
               t + 1 < G_N_ELEMENTS(types) ? "," : "\n");
        g_free(jwt);
        g_free(xml);
    }
    g_ptr_array_free(names, TRUE);
}

int demo_after_print(struct engine *e, struct config *c, const char *dir)
{
    struct jobs_ctx jc = engine_jobs(e, c);
    struct returns_ctx rx = engine_returns(e);
    struct print_setup ps = {0};
    char *err = NULL;
    int rc;

    if (print_setup_load(&ps, c->kf, c->dir, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        g_free(err);
        return EXIT_USAGE;
    }
    printf("\nafter print: the inserter's logs are reconciled, every job is dispatched today\n");
    rc = reconcile_and_dispatch(&jc, &ps, dir) == 0 ? 0 : EXIT_LETTERS;
    some_returns(&rx, &ps);
    receipts_summary(e);
    printf("returned mail: build/engine/trykk --config %s/trykk.conf returns list\n", dir);
    print_setup_free(&ps);
    return rc;
}

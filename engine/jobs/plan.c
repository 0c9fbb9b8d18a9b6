/* SPDX-License-Identifier: Apache-2.0 */
/*
 * plan.c - give every accepted letter its layout, sheets, envelope and weight, and a place
 * in an open print job; close jobs that are full or past their cut-off.
 *
 * Every letter is decrypted here, to look at its pages as they print (annotations
 * flattened): an eco letter's page 1 must have a blank field, and no sheet front should have
 * sender ink where the inserter marks and their white knockout go. A letter whose eco field
 * is not blank, cannot be checked, or whose page 1 is landscape (turned for print) is
 * planned in the normal layout and the reason is recorded: nothing may show through the
 * window that the sender did not put there for it. Ink under the marks is recorded on the
 * letter (layout reason and queued event); the knockout covers it, unless the sender's
 * profile says mark_zone_ink=refuse: then the letter goes to a MANUAL job, whose sheets are
 * inserted by hand and get no marks on the sender's pages. The eco check and the mark-zone
 * check of up to INK_BATCH letters take one rendering each (blank.c, inkbatch.c): the
 * letters are read first (their documents wiped right away; the batch keeps only each eco
 * letter's page 1 as printed, wiped once rendered, and each letter's strip), then rendered
 * together, then planned one by one in order.
 */
#include <string.h>
#include "jobs.h"

#define PLAN_BATCH 200
#define INK_BATCH 64 /* letters rendered together for the mark-zone check */

struct plan {
    enum layout_kind layout;
    char *reason;
    int content_sheets, sheets, weight_mg;
    const char *envelope;
    const struct stock *stock;
    const struct sender_profile *prof;
};

/* A letter's eco check between the passes: page 1 in the batch's eco rendering (slot), or
 * why not (landscape, err). */
struct eco_pending {
    int slot;
    bool landscape;
    char *err;
};

/* Pass 1: page 1 as it prints into the batch (the documents may be wiped right after). */
static void eco_read(struct eco_batch *b, GArray *docs, const char *derr, struct eco_pending *c)
{
    c->slot = -1;
    c->landscape = false;
    c->err = NULL;
    if (docs && docs->len > 0)
        c->slot = eco_batch_add(b, &g_array_index(docs, struct bytes, 0), &c->landscape, &c->err);
    else
        c->err = g_strdup(derr ? derr : "no document");
}

/* Pass 3: eco only when page 1's field is blank. */
static void eco_check(struct print_setup *ps, struct eco_batch *b, struct eco_pending *c,
                      struct plan *p)
{
    long ink = c->slot == -2 ? 0 : -1;

    if (c->slot >= 0)
        eco_batch_result(b, c->slot, &ink, &c->err);
    if (c->landscape) {
        p->layout = LAYOUT_NORMAL;
        p->reason = g_strdup("eco-page-landscape: page 1 is landscape and is turned for "
                             "print, so it has no blank field at the window");
    } else if (ink < 0) {
        p->layout = LAYOUT_NORMAL;
        p->reason = g_strdup_printf("eco-check-failed: %s", c->err ? c->err : "no document");
    } else if (ink > ps->eco.eco_max_ink) {
        p->layout = LAYOUT_NORMAL;
        p->reason = g_strdup_printf("eco-field-not-blank: %ld ink pixels at %d dpi", ink,
                                    ps->eco.eco_dpi);
    }
}

static void add_reason(struct plan *p, char *why)
{
    char *r = p->reason ? g_strdup_printf("%s; %s", p->reason, why) : g_strdup(why);

    g_free(p->reason);
    g_free(why);
    p->reason = r;
}

/* A letter between the passes of its batch: read and checked for eco, its fronts in the
 * batch's strips (slot) or why not (derr). */
struct pending {
    struct plan_row r;
    struct plan p;
    int slot;
    char *derr;
    struct eco_pending eco;
};

/* The two renderings of a batch: the eco fields and the mark areas. */
struct batch {
    struct eco_batch *eco;
    struct ink_batch *ink;
};

/* Sender ink where the marks and their knockout go: recorded; refused when the profile says
 * so (returns true: the letter is inserted by hand). */
static bool marks_check(struct print_setup *ps, struct ink_batch *b, struct pending *l)
{
    struct plan *p = &l->p;
    GString *pages = g_string_new(NULL);
    char *err = NULL;
    long ink = 0;
    bool refuse = false;
    int rc = l->slot >= 0 ? ink_batch_result(b, l->slot, pages, &ink, &err) : -1;

    if (rc < 0) {
        add_reason(p, g_strdup_printf("mark-zone-check-failed: %s%s", err ? err : l->derr,
                                      p->prof->refuse_mark_ink ? "; inserted by hand" : ""));
        refuse = p->prof->refuse_mark_ink;
    } else if (ink > 0) {
        refuse = p->prof->refuse_mark_ink;
        add_reason(p, g_strdup_printf("mark-zone-ink: sender content under the inserter marks "
                                      "on page %s (%ld px at %d dpi); %s", pages->str, ink,
                                      ps->marks.ink_dpi,
                                      refuse ? "refused by the sender's profile: inserted by "
                                               "hand, no marks on its pages"
                                             : "covered by the marks' white knockout"));
    }
    g_string_free(pages, TRUE);
    g_free(err);
    return refuse;
}

/* Pass 1: decrypt, the eco check, the fronts into the batch's strips; the documents are
 * wiped before the next letter is read. */
static void plan_read(struct jobs_ctx *e, struct print_setup *ps, struct batch *b,
                      struct pending *l)
{
    const struct sender_profile *prof = sender_profile_of(ps, l->r.avsender);
    struct plan *p = &l->p;
    GArray *docs = NULL;

    memset(p, 0, sizeof *p);
    p->prof = prof;
    p->layout = !ps->c5.window ? LAYOUT_WINDOWLESS : prof->layout;
    l->slot = -1;
    l->derr = NULL;
    l->eco.slot = -1;
    if (e->docs.fetch(e->docs.arg, l->r.id, &docs, &l->derr) < 0) {
        e->docs.release(docs);
        docs = NULL;
    }
    if (p->layout == LAYOUT_ECO)
        eco_read(b->eco, docs, l->derr, &l->eco);
    if (docs) {
        char *err = NULL;
        l->slot = ink_batch_add(b->ink, (const struct bytes *)(void *)docs->data, docs->len, &err);
        if (l->slot < 0) {
            g_free(l->derr);
            l->derr = err;
        } else {
            g_free(err);
        }
    }
    e->docs.release(docs);
}

/* Pass 3: sheets, envelope and weight, once the marks check is known. */
static void plan_letter(struct print_setup *ps, struct batch *b, struct pending *l)
{
    struct plan *p = &l->p;
    const struct sender_profile *prof = p->prof;
    bool manual;
    int cover;

    if (p->layout == LAYOUT_ECO)
        eco_check(ps, b->eco, &l->eco, p);
    manual = marks_check(ps, b->ink, l);
    cover = p->layout == LAYOUT_NORMAL;

    p->content_sheets = (l->r.pages + 1) / 2;
    p->sheets = p->content_sheets + cover;
    if (manual) {
        p->envelope = "MANUAL";
        p->stock = &ps->c4;
    } else if (p->content_sheets <= ps->c5.max_content_sheets) {
        p->envelope = "C5";
        p->stock = &ps->c5;
    } else if (p->content_sheets <= ps->c4.max_content_sheets && prof->c4) {
        p->envelope = "C4";
        p->stock = &ps->c4;
    } else {
        p->envelope = "MANUAL";
        p->stock = &ps->c4;
        if (!prof->c4 && p->content_sheets <= ps->c4.max_content_sheets && !p->reason)
            p->reason = g_strdup("c4-not-allowed: the sender's profile does not allow C4");
    }
    p->weight_mg = p->sheets * ps->sheet_weight_mg +
                   (strcmp(p->envelope, "MANUAL") == 0 ? ps->manual_packaging_mg
                                                        : p->stock->weight_mg);
}

/* The next cut-off after now, as due time and posting day. */
static void due_of(struct print_setup *ps, GDateTime *now, char **due, char **day)
{
    GDateTime *t = g_date_time_new_local(g_date_time_get_year(now), g_date_time_get_month(now),
                                         g_date_time_get_day_of_month(now),
                                         ps->cutoff_minutes / 60, ps->cutoff_minutes % 60, 0);

    if (g_date_time_compare(t, now) <= 0) {
        GDateTime *n = g_date_time_add_days(t, 1);
        g_date_time_unref(t);
        t = n;
    }
    *due = time_rfc3339(t);
    *day = g_date_time_format(t, "%Y-%m-%d");
    g_date_time_unref(t);
}

/* The open job for key with room for a piece of `sheets`; full jobs start closing. */
static long long job_for(struct jobs_ctx *e, struct print_setup *ps, const struct job_key *k,
                         int sheets, const char *at, GDateTime *now)
{
    struct job_row j = {0};
    long long id;
    char *due, *day;
    int found = ledger_open_job(e->ledger, k, &j);

    if (found < 0)
        return -1;
    if (found == 0) {
        bool full = j.letters + 1 > ps->max_job_letters ||
                    (j.letters > 0 && j.sheets + sheets > ps->max_job_sheets);
        id = j.id;
        job_row_free(&j);
        if (!full)
            return id;
        if (ledger_job_closing(e->ledger, id, at) < 0)
            return -1;
    }
    due_of(ps, now, &due, &day);
    id = ledger_new_job(e->ledger, k, 0, at, due, day);
    g_free(due);
    g_free(day);
    return id;
}

/* The letter's PRINT cost row, priced by the tariff of today's local date. */
static int record_cost(struct jobs_ctx *e, struct print_setup *ps, const char *id, const char *at,
                       GDateTime *now)
{
    char *day = g_date_time_format(now, "%Y-%m-%d"), *err = NULL;
    int rc = costs_record_print(e->ledger, &ps->costs.tariffs, id, day, at, &err);

    if (rc < 0)
        log_letter_error(id, "%s", err ? err : "cost row not written");
    g_free(err);
    g_free(day);
    return rc;
}

static int queue_letter(struct jobs_ctx *e, struct print_setup *ps, const struct plan_row *r,
                        const struct plan *p, const char *at, GDateTime *now)
{
    struct job_key k = {r->colour, p->envelope, p->stock->name, r->posttype,
                        layout_kind_name(p->layout), ps->marks.name};
    long long job = job_for(e, ps, &k, p->sheets, at, now);
    char *detail;
    int rc;

    if (job < 0)
        return -1;
    detail = g_strdup_printf("layout %s, %d sheets, %s, %d.%d g%s%s", k.layout, p->sheets,
                             p->envelope, p->weight_mg / 1000, p->weight_mg % 1000 / 100,
                             p->reason ? "; " : "", p->reason ? p->reason : "");
    rc = ledger_add_piece(e->ledger, job, r->id, k.layout, p->sheets, p->weight_mg, NULL);
    if (rc == 0)
        rc = ledger_letter_planned(e->ledger, r->id, LETTER_STATE_PLANNED, k.layout, p->reason,
                                   p->content_sheets, p->sheets, p->envelope, p->weight_mg);
    if (rc == 0)
        rc = ledger_add_event(e->ledger, r->id, at, "planned", detail);
    if (rc == 0)
        rc = record_cost(e, ps, r->id, at, now);
    g_free(detail);
    return rc;
}

static void count(struct plan_stats *st, const struct plan *p)
{
    st->planned++;
    st->eco += p->layout == LAYOUT_ECO;
    st->eco_fallback += p->prof->layout == LAYOUT_ECO && p->layout == LAYOUT_NORMAL;
    st->c5 += strcmp(p->envelope, "C5") == 0;
    st->c4 += strcmp(p->envelope, "C4") == 0;
    st->manual += strcmp(p->envelope, "MANUAL") == 0;
}

/* Letters [from, to) of a batch: read them all (pass 1), look for ink under the marks with
 * one rendering (pass 2), then plan and queue each in order (pass 3). */
static int plan_part(struct jobs_ctx *e, struct print_setup *ps, GPtrArray *ids, guint from,
                     guint to, const char *at, GDateTime *now, struct plan_stats *st)
{
    struct batch b = {eco_batch_new(&ps->eco), ink_batch_new(&ps->normal, &ps->marks)};
    struct pending *l = g_new0(struct pending, to - from);
    guint n = 0, i;
    int rc = 0;

    for (; n < to - from; n++) {
        if (ledger_plan_row(e->ledger, ids->pdata[from + n], &l[n].r) != 0) {
            rc = -1;
            break;
        }
        plan_read(e, ps, &b, &l[n]);
    }
    if (rc == 0) {
        eco_batch_render(b.eco); /* the kept pages are wiped here */
        ink_batch_render(b.ink);
    }
    for (i = 0; i < n; i++) {
        if (rc == 0) {
            plan_letter(ps, &b, &l[i]);
            rc = queue_letter(e, ps, &l[i].r, &l[i].p, at, now);
        }
        if (rc == 0) {
            count(st, &l[i].p);
            if (l[i].p.reason)
                log_letter_info(l[i].r.id, "%s", l[i].p.reason);
        }
        g_free(l[i].p.reason);
        g_free(l[i].derr);
        g_free(l[i].eco.err);
        plan_row_free(&l[i].r);
    }
    g_free(l);
    eco_batch_free(b.eco);
    ink_batch_free(b.ink);
    return rc;
}

/* One batch in one transaction, rendered in parts of INK_BATCH letters (their strips are
 * held until the part is planned); returns letters planned, or -1. */
static int plan_batch(struct jobs_ctx *e, struct print_setup *ps, GPtrArray *ids,
                      struct plan_stats *st)
{
    GDateTime *now = time_now();
    char *at = time_rfc3339(now);
    guint i;
    int rc = ledger_begin(e->ledger);

    for (i = 0; rc == 0 && i < ids->len; i += INK_BATCH)
        rc = plan_part(e, ps, ids, i, MIN(ids->len, i + INK_BATCH), at, now, st);
    if (rc == 0)
        rc = ledger_commit(e->ledger);
    else
        ledger_rollback(e->ledger);
    g_free(at);
    g_date_time_unref(now);
    return rc < 0 ? -1 : (int)ids->len;
}

int jobs_plan(struct jobs_ctx *e, struct print_setup *ps, struct plan_stats *st, bool progress)
{
    int n, rc = 0;

    do {
        GPtrArray *ids = ledger_plannable(e->ledger, PLAN_BATCH); /* held letters wait */
        n = ids->len ? plan_batch(e, ps, ids, st) : 0;
        g_ptr_array_free(ids, TRUE);
        if (n < 0) {
            log_error("planning stopped: the ledger cannot be written (%s)",
                      ledger_error(e->ledger));
            return -1;
        }
        if (progress && n)
            fprintf(stderr, "\rplanned %d letters", st->planned);
        /* full jobs are built between batches, so memory stays one job's worth; a job that
         * cannot be built (logged with its reason) does not stop the letters behind it */
        if (jobs_close_each(e, ps, ledger_jobs_in_state(e->ledger, JOB_STATE_CLOSING, NULL), st) < 0)
            rc = -1;
    } while (n == PLAN_BATCH);
    if (progress && st->planned)
        fputc('\n', stderr);
    return jobs_close_due(e, ps, st) < 0 || rc < 0 ? -1 : 0;
}

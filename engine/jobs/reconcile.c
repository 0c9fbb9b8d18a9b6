/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reconcile.c - close the loop with the inserter.
 *
 * The scan log has one line per envelope the inserter saw: "<piece code>[,OK|DAMAGED]"
 * (a header line starting with "piece" and lines starting with '#' are skipped). Every
 * piece of the job gets a result: OK (seen once), MISSING (never seen), DUPLICATED (seen
 * more than once: an operator must look), DAMAGED (reported damaged). Missing and damaged
 * pieces are reprinted in a child job with new piece codes that name the original; a piece
 * once reprinted is final, so running reconcile again never reprints it twice. Above the
 * configured reprint share the job stops for an operator (--force overrides).
 */
#include <string.h>
#include "jobs.h"

#define SCAN_LOG_CAP (16u << 20)
#define SCAN_LINE_MAX 256

struct seen {
    int reads;
    bool damaged;
};

static int parse_log(const char *path, GHashTable *seen, int *unknown, char **err)
{
    struct bytes b = {0};
    char **lines;
    int i, rc = fsio_read_file(path, SCAN_LOG_CAP, &b);

    if (rc < 0) {
        *err = g_strdup_printf("scan log %s: %s", path, rc == -EFBIG ? "larger than 16 MiB"
                                                                    : g_strerror(-rc));
        return -1;
    }
    lines = g_strsplit((const char *)b.data ? (char *)b.data : "", "\n", -1);
    for (i = 0; lines[i]; i++) {
        char *l = g_strstrip(lines[i]), **f;
        struct seen *s;
        if (!*l || *l == '#' || g_ascii_strncasecmp(l, "piece", 5) == 0)
            continue;
        f = g_strsplit(l, ",", 3);
        if (strlen(l) > SCAN_LINE_MAX || strlen(g_strstrip(f[0])) != 11 ||
            strspn(f[0], "0123456789") != 11 ||
            (f[1] && g_ascii_strcasecmp(g_strstrip(f[1]), PIECE_OK) &&
             g_ascii_strcasecmp(f[1], PIECE_DAMAGED))) {
            *err = g_strdup_printf("scan log %s line %d: expected <11-digit piece code>"
                                   "[,OK|DAMAGED]", path, i + 1);
            g_strfreev(f);
            rc = -1;
            break;
        }
        if (!(s = g_hash_table_lookup(seen, f[0]))) {
            (*unknown)++;
        } else {
            s->reads++;
            s->damaged |= f[1] && g_ascii_strcasecmp(f[1], PIECE_DAMAGED) == 0;
        }
        g_strfreev(f);
    }
    g_strfreev(lines);
    bytes_free(&b);
    return rc;
}

/* Published and still here: CLOSED (printed, not yet confirmed), PRINTED or RECONCILED. */
static bool after_print(enum job_state state)
{
    return state == JOB_STATE_CLOSED || state == JOB_STATE_PRINTED ||
           state == JOB_STATE_RECONCILED;
}

static enum piece_state result_of(const struct seen *s)
{
    return s->damaged ? PIECE_STATE_DAMAGED : s->reads == 0 ? PIECE_STATE_MISSING
           : s->reads > 1 ? PIECE_STATE_DUPLICATED : PIECE_STATE_OK;
}

/* One child job holding a new piece for each piece to reprint; returns its id. why: the
 * operator's reason for a reprint on request, or NULL (the inserter's result). */
static long long reprint_job(struct jobs_ctx *e, const struct job_row *j, GPtrArray *to_reprint,
                             const char *at, const char *why)
{
    struct job_key k = {j->colour, j->envelope, j->stock, j->posttype, j->layout, j->marks};
    long long child = ledger_new_job(e->ledger, &k, j->id, at, at, j->day);
    char day[11];
    guint i;

    g_strlcpy(day, at, sizeof day); /* at is local RFC 3339: its date is the local day */
    for (i = 0; child > 0 && i < to_reprint->len; i++) {
        const struct piece_row *p = to_reprint->pdata[i];
        char *detail = why ? g_strdup_printf("%s (%s) on request: %s", p->code,
                                           piece_state_name(p->state), why)
                           : g_strdup(p->code);
        int rc = ledger_add_piece(e->ledger, child, p->letter_id, p->layout, p->sheets,
                                  p->weight_mg, p->code) < 0 ||
                 ledger_piece_result(e->ledger, j->id, p->code, PIECE_STATE_REPRINTED,
                                     piece_state_name(p->state)) < 0 ||
                 ledger_set_letter_state(e->ledger, p->letter_id, LETTER_STATE_PLANNED, at) < 0 ||
                 ledger_add_event(e->ledger, p->letter_id, at, "reprint", detail) < 0 ||
                 costs_record_reprint(e->ledger, p->letter_id, p->sheets, day, at) < 0;
        g_free(detail);
        if (rc)
            return -1;
    }
    if (child > 0 && ledger_job_closing(e->ledger, child, at) < 0)
        return -1;
    return child;
}

static void report_piece(struct reconcile_report *rep, const struct piece_row *p,
                         enum piece_state result)
{
    json_array_append_new(rep->pieces, json_pack("{s:s, s:s, s:s}", "piece", p->code, "letter",
                                                 p->letter_id, "result",
                                                 piece_state_name(result)));
    rep->ok += result == PIECE_STATE_OK;
    rep->missing += result == PIECE_STATE_MISSING;
    rep->duplicated += result == PIECE_STATE_DUPLICATED;
    rep->damaged += result == PIECE_STATE_DAMAGED;
}

/* A reprinted piece's result: the state it had, kept in its scan (MISSING when none). */
static int reprinted_result(const struct piece_row *p, enum piece_state *was)
{
    *was = PIECE_STATE_MISSING;
    if (p->scan && !piece_state_parse(p->scan, was)) {
        log_error("piece %s: its reprinted result \"%s\" is no piece state", p->code, p->scan);
        return -1;
    }
    return 0;
}

/* Record results; collect pieces to reprint (their state field then holds the result). */
static int record(struct jobs_ctx *e, const struct job_row *j, GPtrArray *rows,
                  GHashTable *seen, GPtrArray *to_reprint, struct reconcile_report *rep,
                  const char *at)
{
    guint i;

    for (i = 0; i < rows->len; i++) {
        struct piece_row *p = rows->pdata[i];
        enum piece_state r = result_of(g_hash_table_lookup(seen, p->code)), was;
        if (p->state == PIECE_STATE_REPRINTED) {
            if (reprinted_result(p, &was) < 0)
                return -1;
            report_piece(rep, p, was);
            continue;
        }
        report_piece(rep, p, r);
        if (ledger_piece_result(e->ledger, j->id, p->code, r, NULL) < 0 ||
            ledger_add_event(e->ledger, p->letter_id, at, "reconciled",
                             piece_state_name(r)) < 0)
            return -1;
        if (r == PIECE_STATE_OK &&
            ledger_set_letter_state(e->ledger, p->letter_id, LETTER_STATE_INSERTED, at) < 0)
            return -1;
        if (r == PIECE_STATE_MISSING || r == PIECE_STATE_DAMAGED) {
            p->state = r;
            g_ptr_array_add(to_reprint, p);
        }
    }
    return 0;
}

static int reconcile_txn(struct jobs_ctx *e, struct print_setup *ps, const struct job_row *j,
                         GPtrArray *rows, GHashTable *seen, struct reconcile_report *rep,
                         bool force, long long *child, char **err)
{
    GPtrArray *to_reprint = g_ptr_array_new();
    GDateTime *now = time_now();
    char *at = time_rfc3339(now);
    int rc = ledger_begin(e->ledger);

    /* reading the inserter's log confirms the job was printed */
    if (rc == 0 && j->state == JOB_STATE_CLOSED)
        rc = ledger_job_printed(e->ledger, j->id, at, "reconcile");
    if (rc == 0)
        rc = record(e, j, rows, seen, to_reprint, rep, at);
    if (rc == 0)
        rc = ledger_job_reconciled(e->ledger, j->id, at) == 0 ? 0 : -1;
    if (rc == 0 && to_reprint->len && !force &&
        to_reprint->len * 100 > (guint)ps->reprint_max_percent * rows->len) {
        *err = g_strdup_printf("job %s: %u of %u pieces need a reprint, above the %d%% limit; "
                               "an operator must check the inserter (run again with --force "
                               "to reprint them)", j->name, to_reprint->len, rows->len,
                               ps->reprint_max_percent);
        rc = 1; /* results are recorded, no reprint */
    } else if (rc == 0 && to_reprint->len) {
        *child = reprint_job(e, j, to_reprint, at, NULL);
        rc = *child > 0 ? 0 : -1;
        rep->reprinted = (int)to_reprint->len;
    }
    if (rc >= 0 && ledger_commit(e->ledger) < 0)
        rc = -1;
    else if (rc < 0)
        ledger_rollback(e->ledger);
    if (rc < 0 && !*err)
        *err = g_strdup_printf("job %s: the ledger cannot be written: %s", j->name,
                               ledger_error(e->ledger));
    g_ptr_array_free(to_reprint, TRUE);
    g_free(at);
    g_date_time_unref(now);
    return rc;
}

int jobs_reconcile(struct jobs_ctx *e, struct print_setup *ps, const char *job,
                   const char *log_path, bool force, struct reconcile_report *rep, char **err)
{
    struct job_row j = {0};
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    GPtrArray *rows = NULL;
    long long child = 0;
    guint i;
    int rc = -1;

    memset(rep, 0, sizeof *rep);
    rep->pieces = json_array();
    if (ledger_resolve_job(e->ledger, job, &j) != 0) {
        *err = g_strdup_printf("no job named %s (see trykk jobs)", job);
        g_hash_table_destroy(seen);
        return -1;
    }
    if (!after_print(j.state)) {
        *err = g_strdup_printf("job %s is %s: only a published job that is not dispatched or "
                               "cancelled can be reconciled", j.name,
                               job_state_name(j.state));
        goto out;
    }
    rows = ledger_job_pieces(e->ledger, j.id);
    for (i = 0; i < rows->len; i++)
        g_hash_table_insert(seen, ((struct piece_row *)rows->pdata[i])->code,
                            g_new0(struct seen, 1));
    if (parse_log(log_path, seen, &rep->unknown, err) < 0)
        goto out;
    rc = reconcile_txn(e, ps, &j, rows, seen, rep, force, &child, err);
    if (rc == 0 && child > 0) {
        struct job_row c = {0};
        if (ledger_job_by_id(e->ledger, child, &c) == 0) {
            rep->child = g_strdup(c.name);
            job_row_free(&c);
        }
        rc = jobs_build(e, ps, child, err);
    }
out:
    if (rows)
        g_ptr_array_free(rows, TRUE);
    g_hash_table_destroy(seen);
    job_row_free(&j);
    return rc;
}

/* The pieces of a job that may be printed again on request. */
static bool reprintable(enum piece_state s)
{
    return s == PIECE_STATE_PRINTED || s == PIECE_STATE_OK || s == PIECE_STATE_DUPLICATED ||
           s == PIECE_STATE_MISSING || s == PIECE_STATE_DAMAGED;
}

/* The piece row of code in rows (borrowed), or NULL. */
static struct piece_row *piece_in(GPtrArray *rows, const char *code)
{
    guint i;

    for (i = 0; i < rows->len; i++)
        if (g_strcmp0(((struct piece_row *)rows->pdata[i])->code, code) == 0)
            return rows->pdata[i];
    return NULL;
}

static int reprint_one(struct jobs_ctx *e, struct print_setup *ps, const struct job_row *j,
                       struct piece_row *p, const char *reason, char **child, char **err)
{
    GPtrArray *one = g_ptr_array_new();
    GDateTime *now = time_now();
    char *at = time_rfc3339(now);
    long long id = -1;
    int rc = ledger_begin(e->ledger);

    g_ptr_array_add(one, p);
    if (rc == 0)
        id = reprint_job(e, j, one, at, reason);
    rc = ledger_finish(e->ledger, id > 0 ? 0 : -1);
    if (rc < 0)
        *err = g_strdup_printf("job %s: the ledger cannot be written: %s", j->name,
                               ledger_error(e->ledger));
    if (rc == 0) {
        struct job_row c = {0};
        if (ledger_job_by_id(e->ledger, id, &c) == 0) {
            *child = g_strdup(c.name);
            job_row_free(&c);
        }
        rc = jobs_build(e, ps, id, err);
    }
    g_ptr_array_free(one, TRUE);
    g_free(at);
    g_date_time_unref(now);
    return rc;
}

int jobs_reprint_piece(struct jobs_ctx *e, struct print_setup *ps, const char *key,
                       const char *reason, char **child, char **err)
{
    char code[LEDGER_PIECE_CODE_LEN + 1];
    struct piece_ref ref = {0};
    struct job_row j = {0};
    GPtrArray *rows = NULL;
    struct piece_row *p;
    int rc = 1;

    *child = NULL;
    if (!ledger_piece_code_of(key, code) || ledger_piece_by_code(e->ledger, code, &ref) != 0) {
        *err = g_strdup_printf("no piece %s (give the piece code printed on the sheet, or its "
                               "EA code)", key);
        return 1;
    }
    if (ledger_job_by_id(e->ledger, ref.job_id, &j) != 0) {
        rc = -1;
    } else if (j.state != JOB_STATE_PRINTED && j.state != JOB_STATE_RECONCILED) {
        *err = g_strdup_printf("piece %s is in job %s, which is %s: only a piece of a printed "
                               "or reconciled job is reprinted on request%s", code, j.name,
                               job_state_name(j.state), j.state == JOB_STATE_CLOSED
                               ? " (trykk job printed first, or reconcile it)" : "");
    } else if (!reprintable(ref.piece_state)) {
        *err = g_strdup_printf("piece %s is %s: it cannot be reprinted%s", code,
                               piece_state_name(ref.piece_state),
                               ref.piece_state == PIECE_STATE_REPRINTED
                               ? " again (reprint the piece of its reprint job)" : "");
    } else if (!(p = piece_in(rows = ledger_job_pieces(e->ledger, j.id), code))) {
        rc = -1;
    } else {
        rc = reprint_one(e, ps, &j, p, reason, child, err);
    }
    if (rc < 0 && !*err)
        *err = g_strdup_printf("piece %s: the ledger cannot be read", code);
    if (rows)
        g_ptr_array_free(rows, TRUE);
    job_row_free(&j);
    piece_ref_free(&ref);
    return rc;
}

int jobs_printed(struct jobs_ctx *e, const char *job, char **name, char **err)
{
    struct job_row j = {0};
    GDateTime *now = time_now();
    char *at = time_rfc3339(now);
    int rc = 1;

    *name = NULL;
    g_date_time_unref(now);
    if (ledger_resolve_job(e->ledger, job, &j) != 0) {
        *err = g_strdup_printf("no job named %s (see trykk jobs)", job);
        g_free(at);
        return 1;
    }
    *name = g_strdup(j.name);
    if (j.state != JOB_STATE_CLOSED) {
        *err = g_strdup_printf("job %s is %s: only a published job (CLOSED) is confirmed "
                               "printed", j.name, job_state_name(j.state));
    } else if (ledger_begin(e->ledger) < 0 ||
               ledger_finish(e->ledger, ledger_job_printed(e->ledger, j.id, at, "operator"))) {
        *err = g_strdup_printf("job %s: the ledger cannot be written: %s", j.name,
                               ledger_error(e->ledger));
        rc = -1;
    } else {
        rc = 0;
    }
    job_row_free(&j);
    g_free(at);
    return rc;
}

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
            (f[1] && g_ascii_strcasecmp(g_strstrip(f[1]), "OK") &&
             g_ascii_strcasecmp(f[1], "DAMAGED"))) {
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
            s->damaged |= f[1] && g_ascii_strcasecmp(f[1], "DAMAGED") == 0;
        }
        g_strfreev(f);
    }
    g_strfreev(lines);
    bytes_free(&b);
    return rc;
}

static const char *result_of(const struct seen *s)
{
    return s->damaged ? "DAMAGED" : s->reads == 0 ? "MISSING" : s->reads > 1 ? "DUPLICATED"
                                                                              : "OK";
}

/* One child job holding a new piece for each piece to reprint; returns its id. */
static long long reprint_job(struct engine *e, const struct job_row *j, GPtrArray *to_reprint,
                             const char *at)
{
    struct job_key k = {j->colour, j->envelope, j->stock, j->posttype, j->layout, j->marks};
    long long child = ledger_new_job(e->ledger, &k, j->id, at, at, j->day);
    char day[11];
    guint i;

    g_strlcpy(day, at, sizeof day); /* at is local RFC 3339: its date is the local day */
    for (i = 0; child > 0 && i < to_reprint->len; i++) {
        const struct piece_row *p = to_reprint->pdata[i];
        if (ledger_add_piece(e->ledger, child, p->letter_id, p->layout, p->sheets, p->weight_mg,
                             p->code) < 0 ||
            ledger_piece_result(e->ledger, j->id, p->code, "REPRINTED", p->state) < 0 ||
            ledger_set_letter_state(e->ledger, p->letter_id, "QUEUED", at) < 0 ||
            ledger_add_event(e->ledger, p->letter_id, at, "reprint", p->code) < 0 ||
            costs_record_reprint(e->ledger, p->letter_id, p->sheets, day, at) < 0)
            return -1;
    }
    if (child > 0 && ledger_job_closing(e->ledger, child, at) < 0)
        return -1;
    return child;
}

static void report_piece(struct reconcile_report *rep, const struct piece_row *p,
                         const char *result)
{
    json_array_append_new(rep->pieces, json_pack("{s:s, s:s, s:s}", "piece", p->code, "letter",
                                                 p->letter_id, "result", result));
    rep->ok += strcmp(result, "OK") == 0;
    rep->missing += strcmp(result, "MISSING") == 0;
    rep->duplicated += strcmp(result, "DUPLICATED") == 0;
    rep->damaged += strcmp(result, "DAMAGED") == 0;
}

/* Record results; collect pieces to reprint (their state field then holds the result). */
static int record(struct engine *e, const struct job_row *j, GPtrArray *rows,
                  GHashTable *seen, GPtrArray *to_reprint, struct reconcile_report *rep,
                  const char *at)
{
    guint i;

    for (i = 0; i < rows->len; i++) {
        struct piece_row *p = rows->pdata[i];
        const char *r = result_of(g_hash_table_lookup(seen, p->code));
        if (strcmp(p->state, "REPRINTED") == 0) {
            report_piece(rep, p, p->scan ? p->scan : "MISSING");
            continue;
        }
        report_piece(rep, p, r);
        if (ledger_piece_result(e->ledger, j->id, p->code, r, NULL) < 0 ||
            ledger_add_event(e->ledger, p->letter_id, at, "reconciled", r) < 0)
            return -1;
        if (strcmp(r, "OK") == 0 &&
            ledger_set_letter_state(e->ledger, p->letter_id, "INSERTED", at) < 0)
            return -1;
        if (strcmp(r, "MISSING") == 0 || strcmp(r, "DAMAGED") == 0) {
            g_free(p->state);
            p->state = g_strdup(r);
            g_ptr_array_add(to_reprint, p);
        }
    }
    return 0;
}

static int reconcile_txn(struct engine *e, struct print_setup *ps, const struct job_row *j,
                         GPtrArray *rows, GHashTable *seen, struct reconcile_report *rep,
                         bool force, long long *child, char **err)
{
    GPtrArray *to_reprint = g_ptr_array_new();
    GDateTime *now = time_now();
    char *at = time_rfc3339(now);
    int rc = ledger_begin(e->ledger);

    if (rc == 0)
        rc = record(e, j, rows, seen, to_reprint, rep, at);
    if (rc == 0 && to_reprint->len && !force &&
        to_reprint->len * 100 > (guint)ps->reprint_max_percent * rows->len) {
        *err = g_strdup_printf("job %s: %u of %u pieces need a reprint, above the %d%% limit; "
                               "an operator must check the inserter (run again with --force "
                               "to reprint them)", j->name, to_reprint->len, rows->len,
                               ps->reprint_max_percent);
        rc = 1; /* results are recorded, no reprint */
    } else if (rc == 0 && to_reprint->len) {
        *child = reprint_job(e, j, to_reprint, at);
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

int jobs_reconcile(struct engine *e, struct print_setup *ps, const char *job,
                   const char *log_path, bool force, struct reconcile_report *rep, char **err)
{
    struct job_row j;
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    GPtrArray *rows = NULL;
    long long child = 0;
    guint i;
    int rc = -1;

    memset(rep, 0, sizeof *rep);
    rep->pieces = json_array();
    if (ledger_job_get(e->ledger, job, &j) != 0) {
        *err = g_strdup_printf("no job named %s", job);
        g_hash_table_destroy(seen);
        return -1;
    }
    if (strcmp(j.state, "CLOSED") != 0) {
        *err = g_strdup_printf("job %s is %s: only a printed job can be reconciled", j.name,
                               j.state);
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
        struct job_row c;
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

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jobs.c - print jobs and pieces in the ledger.
 *
 * Invariants kept here:
 *  1. A letter is in at most one job per print (PRIMARY KEY (job_id, letter_id)); a reprint
 *     piece names its original, and UNIQUE(reprint_of) means no piece is reprinted twice.
 *  2. Piece numbers and codes are assigned once, when a job starts closing, in an order that
 *     depends only on the ledger (postal presort: zone, postcode; then weight, arrival,
 *     message id), so rebuilding a job after a crash produces the same files.
 */
#include <limits.h>
#include <string.h>
#include "ledger.h"
#include "ledger_internal.h"

GPtrArray *ledger_ids_in_state_limit(struct ledger *l, const char *state, int limit)
{
    return ledger_strings(ledger_stmt(l, "SELECT id FROM letters WHERE state = ? ORDER BY "
                                         "received_at, message_id, id LIMIT ?", "si", state,
                                      limit));
}

GPtrArray *ledger_ids_in_state(struct ledger *l, const char *state)
{
    return ledger_ids_in_state_limit(l, state, INT_MAX);
}

static int plan_row(sqlite3_stmt *st, void *arg)
{
    struct plan_row *r = arg;

    r->id = ledger_col_dup(st, 0);
    r->avsender = ledger_col_dup(st, 1);
    r->posttype = ledger_col_dup(st, 2);
    r->colour = ledger_col_dup(st, 3);
    r->return_handling = ledger_col_dup(st, 4);
    r->received_at = ledger_col_dup(st, 5);
    r->pages = sqlite3_column_int(st, 6);
    return 0;
}

enum ledger_result ledger_plan_row(struct ledger *l, const char *id, struct plan_row *r)
{
    memset(r, 0, sizeof *r);
    return ledger_one(ledger_stmt(l, "SELECT id, avsender, posttype, colour, return_handling,"
                                     " received_at, pages FROM letters WHERE id = ?", "s", id),
                      plan_row, r);
}

void plan_row_free(struct plan_row *r)
{
    g_free(r->id);
    g_free(r->avsender);
    g_free(r->posttype);
    g_free(r->colour);
    g_free(r->return_handling);
    g_free(r->received_at);
    memset(r, 0, sizeof *r);
}

int ledger_letter_planned(struct ledger *l, const char *id, enum letter_state state,
                          const char *layout, const char *layout_reason, int content_sheets,
                          int sheets, const char *envelope, int weight_mg)
{
    return ledger_step_done(ledger_stmt(l,
        "UPDATE letters SET state = ?2, layout = ?3, layout_reason = ?4, content_sheets = ?5,"
        " sheets = ?6, envelope = ?7, weight_mg = ?8 WHERE id = ?1", "ssssiisi", id,
        letter_state_name(state), layout,
        layout_reason, content_sheets, sheets, envelope, weight_mg));
}

int ledger_set_letter_state(struct ledger *l, const char *id, enum letter_state state,
                            const char *at)
{
    return ledger_step_done(ledger_stmt(l, "UPDATE letters SET state = ?, updated_at = ? WHERE"
                                           " id = ?", "sss", letter_state_name(state), at, id));
}

#define JOB_COLUMNS "id, parent, name, colour, envelope, stock, posttype, layout, marks, state," \
                    " day, opened_at, due_at, closed_at, letters, sheets, pages, held_at," \
                    " hold_reason"

static int job_columns(sqlite3_stmt *st, void *arg)
{
    struct job_row *j = arg;

    j->id = sqlite3_column_int64(st, 0);
    j->parent = sqlite3_column_int64(st, 1);
    j->name = ledger_col_dup(st, 2);
    j->colour = ledger_col_dup(st, 3);
    j->envelope = ledger_col_dup(st, 4);
    j->stock = ledger_col_dup(st, 5);
    j->posttype = ledger_col_dup(st, 6);
    j->layout = ledger_col_dup(st, 7);
    j->marks = ledger_col_dup(st, 8);
    j->day = ledger_col_dup(st, 10);
    j->opened_at = ledger_col_dup(st, 11);
    j->due_at = ledger_col_dup(st, 12);
    j->closed_at = ledger_col_dup(st, 13);
    j->letters = sqlite3_column_int(st, 14);
    j->sheets = sqlite3_column_int(st, 15);
    j->pages = sqlite3_column_int(st, 16);
    j->held_at = ledger_col_dup(st, 17);
    j->hold_reason = ledger_col_dup(st, 18);
    if (!job_state_parse(ledger_col_text(st, 9), &j->state) && !ledger_bad_state(st, 9, "job")) {
        job_row_free(j);
        return -1;
    }
    return 0;
}

static enum ledger_result job_row(sqlite3_stmt *st, struct job_row *j)
{
    memset(j, 0, sizeof *j);
    return ledger_one(st, job_columns, j);
}

void job_row_free(struct job_row *j)
{
    g_free(j->name); g_free(j->colour); g_free(j->envelope); g_free(j->stock);
    g_free(j->posttype); g_free(j->layout); g_free(j->marks);
    g_free(j->day); g_free(j->opened_at); g_free(j->due_at); g_free(j->closed_at);
    g_free(j->held_at); g_free(j->hold_reason);
    memset(j, 0, sizeof *j);
}

enum ledger_result ledger_open_job(struct ledger *l, const struct job_key *k, struct job_row *out)
{
    return job_row(ledger_stmt(l, "SELECT " JOB_COLUMNS " FROM jobs WHERE state = '" JOB_OPEN "' AND"
                                  " parent IS NULL AND held_at IS NULL AND colour = ? AND envelope = ? AND stock = ?"
                                  " AND posttype = ? AND layout = ? AND marks = ? ORDER BY id"
                                  " LIMIT 1", "ssssss", k->colour, k->envelope, k->stock,
                               k->posttype, k->layout, k->marks), out);
}

enum ledger_result ledger_job_get(struct ledger *l, const char *name, struct job_row *out)
{
    return job_row(ledger_stmt(l, "SELECT " JOB_COLUMNS " FROM jobs WHERE name = ?", "s", name),
                   out);
}

enum ledger_result ledger_job_by_id(struct ledger *l, long long id, struct job_row *out)
{
    return job_row(ledger_stmt(l, "SELECT " JOB_COLUMNS " FROM jobs WHERE id = ?", "l", id),
                   out);
}

/* Every job is J<id, 6 digits>, reprints too (their parent is a column): the name is the
 * number its piece codes and DataMatrix carry, so every name shown can be typed. */
long long ledger_new_job(struct ledger *l, const struct job_key *k, long long parent,
                         const char *opened_at, const char *due_at, const char *day)
{
    long long id;
    char *name;

    if (ledger_step_done(ledger_stmt(l,
            "INSERT INTO jobs (name, parent, colour, envelope, stock, posttype, layout, marks,"
            " state, day, opened_at, due_at) VALUES ('new', ?, ?, ?, ?, ?, ?, ?, '" JOB_OPEN "', ?, ?, ?)",
            "Lsssssssss", parent > 0 ? parent : -1, k->colour, k->envelope, k->stock, k->posttype,
            k->layout, k->marks, day, opened_at, due_at)) < 0)
        return -1;
    id = sqlite3_last_insert_rowid(l->db);
    name = g_strdup_printf("J%06lld", id);
    if (ledger_step_done(ledger_stmt(l, "UPDATE jobs SET name = ? WHERE id = ?", "sl", name, id)) < 0)
        id = -1;
    g_free(name);
    return id;
}

int ledger_add_piece(struct ledger *l, long long job_id, const char *letter_id,
                     const char *layout, int sheets, int weight_mg, const char *reprint_of)
{
    if (ledger_step_done(ledger_stmt(l,
            "INSERT INTO pieces (job_id, letter_id, layout, sheets, weight_mg, reprint_of, state)"
            " VALUES (?, ?, ?, ?, ?, ?, '" PIECE_PLANNED "')", "lssiis", job_id, letter_id, layout, sheets,
            weight_mg, reprint_of)) < 0)
        return -1;
    return ledger_step_done(ledger_stmt(l, "UPDATE jobs SET letters = letters + 1, sheets ="
                                           " sheets + ? WHERE id = ?", "il", sheets, job_id));
}

/*
 * The postal presort of a job's pieces: domestic first, by postcode; then Europe, then the
 * rest of the world, each by country code, so foreign pieces can be taken off the end and
 * handed in separately. The zone is the one the letter's postage is settled in (its PRINT
 * cost row, from the recipient's landkode); a letter without one is domestic when its
 * landkode is empty or NO. Everything here is in the ledger when the job starts closing, so
 * a rebuild numbers the pieces the same way.
 */
#define PRESORT_JOIN \
    " LEFT JOIN addresses a ON a.letter_id = p.letter_id AND a.role = 'recipient'" \
    " LEFT JOIN cost_rows c ON c.letter_id = p.letter_id AND c.kind = 'PRINT'"
#define PRESORT_ORDER \
    "CASE coalesce(c.zone, CASE WHEN upper(coalesce(a.landkode, '')) IN ('', 'NO') THEN 'NO'" \
    " ELSE 'WORLD' END) WHEN 'NO' THEN 0 WHEN 'EU' THEN 1 ELSE 2 END," \
    " upper(coalesce(a.landkode, '')), coalesce(a.postnummer, '')"

int ledger_job_closing(struct ledger *l, long long job_id, const char *at)
{
    if (ledger_step_done(ledger_stmt(l,
            "WITH o AS (SELECT p.letter_id, ROW_NUMBER() OVER w AS rn,"
            "  SUM(p.sheets) OVER w - p.sheets + 1 AS fs FROM pieces p JOIN letters t"
            "  ON t.id = p.letter_id" PRESORT_JOIN " WHERE p.job_id = ?1"
            "  WINDOW w AS (ORDER BY " PRESORT_ORDER ", p.weight_mg, t.received_at, t.message_id,"
            "  t.id ROWS UNBOUNDED PRECEDING))"
            " UPDATE pieces SET seq = o.rn, first_sheet = o.fs,"
            " code = piece_code(?1, o.rn) FROM o"
            " WHERE pieces.job_id = ?1 AND pieces.letter_id = o.letter_id", "l", job_id)) < 0)
        return -1;
    return ledger_step_done(ledger_stmt(l, "UPDATE jobs SET state = '" JOB_CLOSING "', closed_at = ?"
                                           " WHERE id = ? AND state = '" JOB_OPEN "'", "sl", at, job_id));
}

int ledger_job_closed(struct ledger *l, long long job_id, int pages, const char *at)
{
    /* published, not printed: its letters stay PLANNED until the print is confirmed */
    if (ledger_step_done(ledger_stmt(l, "UPDATE jobs SET state = '" JOB_CLOSED "', pages = ? WHERE"
                                        " id = ? AND state = '" JOB_CLOSING "'", "il", pages, job_id)) < 0 ||
        ledger_step_done(ledger_stmt(l, "INSERT INTO events (letter_id, at, event, detail)"
                                        " SELECT p.letter_id, ?2, 'published', j.name || ' piece '"
                                        " || p.code FROM pieces p JOIN jobs j ON j.id = p.job_id"
                                        " WHERE p.job_id = ?1", "ls", job_id, at)) < 0)
        return -1;
    /* The job's day is its letters' planned posting day (dispatch records the real one);
     * never a day whose postage is already settled. */
    return ledger_step_done(ledger_stmt(l,
        "UPDATE letters SET posted_on = (SELECT day FROM jobs WHERE id = ?1)"
        " WHERE posted_on IS NULL AND id IN (SELECT letter_id FROM pieces WHERE job_id = ?1)"
        " AND NOT EXISTS (SELECT 1 FROM settlements s JOIN jobs j ON s.first_day = j.day"
        " WHERE s.kind = 'DAY' AND j.id = ?1)", "l", job_id));
}

static int add_id(sqlite3_stmt *st, void *ids)
{
    long long id = sqlite3_column_int64(st, 0);

    g_array_append_val((GArray *)ids, id);
    return 0;
}

GArray *ledger_jobs_in_state(struct ledger *l, enum job_state state, const char *due)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(long long));

    (void)ledger_each(ledger_stmt(l, "SELECT id FROM jobs WHERE state = ?1 AND (?2 IS NULL OR"
                                     " (due_at <= ?2 AND held_at IS NULL)) ORDER BY id", "ss",
                                  job_state_name(state), due), add_id, ids);
    return ids;
}

#define ADDR_COLS "navn, adresselinje1, adresselinje2, adresselinje3, adresselinje4," \
                  " postnummer, poststed, land, landkode"

static int address_columns(sqlite3_stmt *st, void *arg)
{
    char **cols = arg;
    int i;

    for (i = 0; i < ADDRESS_COLUMNS; i++)
        cols[i] = ledger_col_dup(st, i);
    return 0;
}

static void piece_address(struct ledger *l, const char *letter_id, const char *role,
                          char **cols, bool *found)
{
    *found = ledger_one(ledger_stmt(l, "SELECT " ADDR_COLS " FROM addresses WHERE letter_id = ?"
                                       " AND role = ?", "ss", letter_id, role),
                        address_columns, cols) == LEDGER_FOUND;
}

struct pieces_out {
    struct ledger *l;
    GPtrArray *rows;
};

static int piece_columns(sqlite3_stmt *st, void *arg)
{
    struct pieces_out *o = arg;
    struct piece_row *p;
    enum piece_state state = PIECE_STATE_PLANNED;
    bool found;

    if (!piece_state_parse(ledger_col_text(st, 4), &state) && !ledger_bad_state(st, 4, "piece"))
        return -1; /* read no further, as on an error stepping */
    p = g_new0(struct piece_row, 1);
    p->state = state;
    p->job_id = sqlite3_column_int64(st, 0);
    p->letter_id = ledger_col_dup(st, 1);
    p->code = ledger_col_dup(st, 2);
    p->layout = ledger_col_dup(st, 3);
    p->reprint_of = ledger_col_dup(st, 5);
    p->scan = ledger_col_dup(st, 6);
    p->seq = sqlite3_column_int(st, 7);
    p->sheets = sqlite3_column_int(st, 8);
    p->first_sheet = sqlite3_column_int(st, 9);
    p->weight_mg = sqlite3_column_int(st, 10);
    p->posttype = ledger_col_dup(st, 11);
    p->colour = ledger_col_dup(st, 12);
    p->return_handling = ledger_col_dup(st, 13);
    p->avsender = ledger_col_dup(st, 14);
    p->envelope = ledger_col_dup(st, 15);
    p->zone = ledger_col_dup(st, 16);
    piece_address(o->l, p->letter_id, "recipient", p->recipient, &found);
    piece_address(o->l, p->letter_id, "return", p->ret, &p->has_return);
    g_ptr_array_add(o->rows, p);
    return 0;
}

GPtrArray *ledger_job_pieces(struct ledger *l, long long job_id)
{
    struct pieces_out o = {l, g_ptr_array_new_with_free_func(piece_row_free)};

    (void)ledger_each(ledger_stmt(l,
        "SELECT p.job_id, p.letter_id, p.code, p.layout, p.state, p.reprint_of, p.scan, p.seq,"
        " p.sheets, p.first_sheet, p.weight_mg, t.posttype, t.colour, t.return_handling,"
        " t.avsender, t.envelope, c.zone FROM pieces p JOIN letters t ON t.id = p.letter_id"
        " LEFT JOIN cost_rows c ON c.letter_id = p.letter_id AND c.kind = 'PRINT'"
        " WHERE p.job_id = ? ORDER BY p.seq, p.letter_id", "l", job_id), piece_columns, &o);
    return o.rows;
}

void piece_row_free(void *ptr)
{
    struct piece_row *p = ptr;
    int i;

    g_free(p->letter_id); g_free(p->code); g_free(p->layout);
    g_free(p->reprint_of); g_free(p->scan); g_free(p->posttype); g_free(p->colour);
    g_free(p->return_handling); g_free(p->avsender); g_free(p->envelope); g_free(p->zone);
    for (i = 0; i < ADDRESS_COLUMNS; i++) {
        g_free(p->recipient[i]);
        g_free(p->ret[i]);
    }
    g_free(p);
}

int ledger_piece_result(struct ledger *l, long long job_id, const char *code,
                        enum piece_state state, const char *scan)
{
    return ledger_step_done(ledger_stmt(l, "UPDATE pieces SET state = ?, scan = ? WHERE"
                                           " job_id = ? AND code = ?", "ssls",
                                        piece_state_name(state), scan,
                                        job_id, code));
}

struct newest_piece {
    char **code;
    long long *job_id;
};

static int newest_piece(sqlite3_stmt *st, void *arg)
{
    struct newest_piece *n = arg;

    *n->code = ledger_col_dup(st, 0);
    *n->job_id = sqlite3_column_int64(st, 1);
    return 0;
}

enum ledger_result ledger_letter_piece(struct ledger *l, const char *letter_id, char **code,
                                       long long *job_id)
{
    struct newest_piece n = {code, job_id};

    *code = NULL;
    *job_id = 0;
    return ledger_one(ledger_stmt(l, "SELECT code, job_id FROM pieces WHERE letter_id = ?"
                                     " ORDER BY job_id DESC LIMIT 1", "s", letter_id),
                      newest_piece, &n);
}

#define JOB_VIEW "SELECT j.name AS job, p.name AS reprint_of, j.state, j.colour, j.envelope," \
    " j.stock, j.posttype, j.layout, j.marks, coalesce(j.dispatched_on, j.day) AS day," \
    " j.day AS planned_day, j.opened_at, j.due_at, j.closed_at, j.printed_at, j.printed_by," \
    " j.reconciled_at, j.dispatched_on, j.dispatched_at, j.dispatch_note, j.cancelled_at," \
    " j.cancel_reason, j.held_at, j.hold_reason, j.letters, j.sheets, j.pages" \
    " FROM jobs j LEFT JOIN jobs p ON p.id = j.parent"

/* The jobs (state and posting day filters optional), oldest first. A dispatched job's day is
 * the day it was handed over; the day it was planned for stays as planned_day. */
json_t *ledger_jobs_json(struct ledger *l, const char *state, const char *day)
{
    return ledger_rows_json(ledger_stmt(l, JOB_VIEW " WHERE (?1 IS NULL OR j.state = ?1) AND"
                                           " (?2 IS NULL OR coalesce(j.dispatched_on, j.day) = ?2)"
                                           " ORDER BY j.id", "ss", state, day));
}

json_t *ledger_job_json(struct ledger *l, long long job_id)
{
    json_t *o = ledger_row_one_json(ledger_stmt(l, JOB_VIEW " WHERE j.id = ?", "l", job_id));

    if (!o)
        return NULL;
    json_object_set_new(o, "reprints", ledger_rows_json(ledger_stmt(l,
        "SELECT name AS job, state FROM jobs WHERE parent = ? ORDER BY id", "l", job_id)));
    json_object_set_new(o, "pieces", ledger_rows_json(ledger_stmt(l,
        "SELECT p.code AS piece, p.seq, p.letter_id, p.sheets, p.first_sheet, p.weight_mg,"
        " t.envelope, p.layout, p.state, p.reprint_of, p.scan, t.state AS letter_state,"
        " t.held_at AS letter_held_at FROM pieces p JOIN letters t ON t.id = p.letter_id"
        " WHERE p.job_id = ? ORDER BY p.seq IS NULL, p.seq, t.received_at, p.letter_id", "l",
        job_id)));
    return o;
}

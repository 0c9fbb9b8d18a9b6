/* SPDX-License-Identifier: Apache-2.0 */
/*
 * returns.c - record one returned piece and handle it as its letter's sender instructed.
 *
 * The return, the letter's new state, its history, the fee and the returpostkvittering are
 * one transaction. The receipt waits in the ledger until the day the return was recorded on is
 * over (receipts_flush holds it): until then `trykk returns undo` can take a mis-scanned
 * return back and nothing wrong has reached the broker. A piece scanned twice is recognised
 * by its letter's return row and changes nothing. A return dated in the future or before the
 * piece's posting day is refused.
 */
#include <string.h>
#include "returns.h"

void return_result_free(struct return_result *r)
{
    g_free(r->letter_id);
    g_free(r->handling);
    g_free(r->returned_on);
    memset(r, 0, sizeof *r);
}

static int record_txn(struct returns_ctx *e, const struct print_setup *ps,
                      const struct piece_ref *p, const char *piece, const char *code,
                      const char *reason, const char *day, const char *source,
                      const char *handling, char **err)
{
    GDateTime *now = time_now();
    char *at = time_rfc3339(now), *detail;
    struct return_row row = {p->letter_id, piece, code, day, at, reason, handling, source};
    bool shred = strcmp(handling, "SHREDDED") == 0;
    long long fee = 0;
    int rc = ledger_begin(e->ledger);

    if (rc == 0)
        rc = ledger_insert_return(e->ledger, &row);
    if (rc == 0)
        rc = ledger_set_letter_state(e->ledger, p->letter_id, LETTER_STATE_RETURNED, at);
    if (rc == 0 && shred)
        rc = costs_record_return(e->ledger, &ps->costs.tariffs, p->letter_id, day, at, &fee, err);
    detail = g_strdup_printf("piece %s, %s, %s (%s)", piece, reason,
                             shred ? "shredded" : "to be forwarded to the return address",
                             source);
    if (rc == 0)
        rc = ledger_add_event(e->ledger, p->letter_id, at, "returned", detail);
    if (rc == 0 && shred)
        rc = receipts_letter(e->receipts, p->letter_id, "returpostkvittering", NULL, NULL, now,
                             err);
    rc = ledger_finish(e->ledger, rc);
    if (rc < 0 && !*err)
        *err = g_strdup_printf("letter %s: the return cannot be recorded: %s", p->letter_id,
                               ledger_error(e->ledger));
    g_free(detail);
    g_free(at);
    g_date_time_unref(now);
    return rc;
}

/* A piece comes back after it was posted and not after today. */
static int check_day(const struct piece_ref *p, const char *day, const char *today, char **err)
{
    if (strcmp(day, today) > 0)
        *err = g_strdup_printf("letter %s: the return date %s is in the future (today is %s); "
                               "nothing recorded", p->letter_id, day, today);
    else if (p->posted_on && strcmp(day, p->posted_on) < 0)
        *err = g_strdup_printf("letter %s was posted on %s: its piece cannot have come back on "
                               "%s; nothing recorded", p->letter_id, p->posted_on, day);
    return *err ? -1 : 0;
}

int returns_lookup(struct returns_ctx *e, const struct print_setup *ps, const char *code,
                   char piece[16], struct piece_ref *p, char **err)
{
    int found;

    memset(p, 0, sizeof *p);
    if (ea_piece_code(code, ps->ea_agreement, piece, err) < 0)
        return -1;
    found = ledger_piece_by_code(e->ledger, piece, p);
    if (found != 0)
        *err = found > 0 ? g_strdup_printf("no piece %s in the ledger", piece)
                         : g_strdup_printf("ledger: %s", ledger_error(e->ledger));
    return found == 0 ? 0 : -1;
}

int returns_record(struct returns_ctx *e, const struct print_setup *ps, const char *code,
                   const char *reason, const char *day, const char *source,
                   struct return_result *out, char **err)
{
    char piece[16], *today = day_today();
    struct piece_ref p = {0};
    int rc;

    memset(out, 0, sizeof *out);
    if (!date_valid(day)) {
        *err = g_strdup_printf("'%s' is not a date (YYYY-MM-DD)", day);
        g_free(today);
        return -1;
    }
    if (returns_lookup(e, ps, code, piece, &p, err) < 0) {
        piece_ref_free(&p);
        g_free(today);
        return -1;
    }
    out->letter_id = g_strdup(p.letter_id);
    rc = ledger_return_of(e->ledger, p.letter_id, &out->returned_on);
    if (rc == 0) {
        out->already = true;
    } else if (rc < 0 || p.letter_state != LETTER_STATE_POSTED) {
        *err = rc < 0 ? g_strdup_printf("ledger: %s", ledger_error(e->ledger))
                      : g_strdup_printf("letter %s is %s, not POSTED: record its dispatch first",
                                        p.letter_id, letter_state_name(p.letter_state));
        rc = -1;
    } else if ((rc = check_day(&p, day, today, err)) == 0) {
        out->handling = g_strdup(g_strcmp0(p.return_handling, "MAKULERING_MED_MELDING") == 0
                                     ? "SHREDDED" : "FORWARD");
        out->returned_on = g_strdup(day);
        rc = record_txn(e, ps, &p, piece, code, reason, day, source, out->handling, err);
    }
    piece_ref_free(&p);
    g_free(today);
    return rc < 0 ? -1 : 0;
}

int returns_forwarded(struct returns_ctx *e, const char *letter_id, char **err)
{
    GDateTime *now = time_now();
    char *at = time_rfc3339(now);
    int rc = ledger_begin(e->ledger);

    if (rc == 0)
        rc = ledger_return_forwarded(e->ledger, letter_id, at);
    if (rc == 0)
        rc = ledger_add_event(e->ledger, letter_id, at, "forwarded",
                              "the returned piece was sent on to the sender's return address");
    rc = ledger_finish(e->ledger, rc);
    if (rc > 0)
        *err = g_strdup_printf("letter %s has no returned piece waiting to be forwarded",
                               letter_id);
    else if (rc < 0)
        *err = g_strdup_printf("letter %s: the ledger cannot be written: %s", letter_id,
                               ledger_error(e->ledger));
    g_free(at);
    g_date_time_unref(now);
    return rc == 0 ? 0 : -1;
}

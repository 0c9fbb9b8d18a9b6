/* SPDX-License-Identifier: Apache-2.0 */
/*
 * undo.c - take back a mis-scanned return on the day it was recorded.
 *
 * The returpostkvittering of a shredded piece is held in the ledger until the day its return
 * was recorded on is over (receipts_flush), so on that day an undo reaches nobody outside:
 * the return row and the unpublished receipt go, the fee is taken back by a RETURN cost row
 * of the negative amount that names the fee's row (cost rows are never edited), the letter is
 * POSTED again, and its history says what was undone. Refused (and nothing changed) when the
 * return was recorded on an earlier day, its receipt was published, or its piece was already
 * forwarded to the sender.
 */
#include <string.h>
#include "returns.h"

static const char *text_of(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* Why this return cannot be undone, or NULL. */
static char *refusal(const char *letter, json_t *r, const char *today)
{
    json_t *published = json_object_get(r, "receipt_published");

    if (strncmp(text_of(r, "at"), today, 10) != 0)
        return g_strdup_printf("letter %s: its return was recorded at %s; a return can only be "
                               "undone on the day it was recorded", letter, text_of(r, "at"));
    if (json_integer_value(published) == 1)
        return g_strdup_printf("letter %s: its returpostkvittering was published; the broker "
                               "has been told and the return cannot be undone", letter);
    if (strcmp(text_of(r, "handling"), "FORWARDED") == 0)
        return g_strdup_printf("letter %s: its piece was forwarded to the sender at %s; the "
                               "return cannot be undone", letter, text_of(r, "forwarded_at"));
    return NULL;
}

static int undo_txn(struct returns_ctx *e, const char *letter, json_t *r, char **err)
{
    GDateTime *now = time_now();
    char *at = time_rfc3339(now);
    char *detail = g_strdup_printf("return of piece %s undone (mis-scanned): it was %s on %s, "
                                   "%s, recorded at %s (%s)", text_of(r, "piece"),
                                   text_of(r, "reason"), text_of(r, "returned_on"),
                                   text_of(r, "handling"), text_of(r, "at"),
                                   text_of(r, "source"));
    int rc = ledger_begin(e->ledger);

    if (rc == 0)
        rc = ledger_undo_return(e->ledger, letter, at);
    if (rc == 0)
        rc = ledger_add_event(e->ledger, letter, at, "return-undone", detail);
    rc = ledger_finish(e->ledger, rc);
    if (rc != 0)
        *err = g_strdup_printf("letter %s: the undo cannot be written: %s", letter,
                               ledger_error(e->ledger));
    g_free(detail);
    g_free(at);
    g_date_time_unref(now);
    return rc == 0 ? 0 : -1;
}

int returns_undo(struct returns_ctx *e, const struct print_setup *ps, const char *code,
                 struct return_result *out, char **err)
{
    char piece[16], *today = day_today();
    struct piece_ref p = {0};
    json_t *r = NULL;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (returns_lookup(e, ps, code, piece, &p, err) == 0) {
        out->letter_id = g_strdup(p.letter_id);
        r = ledger_return_json(e->ledger, p.letter_id);
        if (!r)
            *err = g_strdup_printf("letter %s: no return is recorded for piece %s", p.letter_id,
                                   piece);
        else if (!(*err = refusal(p.letter_id, r, today))) {
            out->handling = g_strdup(text_of(r, "handling"));
            out->returned_on = g_strdup(text_of(r, "returned_on"));
            rc = undo_txn(e, p.letter_id, r, err);
        }
    }
    json_decref(r);
    piece_ref_free(&p);
    g_free(today);
    return rc;
}

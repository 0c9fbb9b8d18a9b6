/* SPDX-License-Identifier: Apache-2.0 */
/*
 * commit.c - a built receipt into the ledger, and a letter's stored receipts into the outbox.
 *
 * A receipt is stored in the same transaction as the state it answers (the letter's verdict,
 * its posting, its return); publishing follows the commit and can be repeated from the
 * ledger alone, with identical bytes, which is what start-up recovery relies on.
 */
#include "receipts.h"
#include "../ledger/ledger.h"
#include "../spool/spool.h"

static struct receipt_row row_of(const char *letter_id, const struct receipt *r)
{
    struct receipt_row row = {r->id, letter_id, r->type, r->feiltype, r->file_name, r->jws,
                              r->created_at};

    return row;
}

int receipts_store(struct receipts_ctx *rx, const char *letter_id, const struct receipt *r)
{
    struct receipt_row row = row_of(letter_id, r);

    return ledger_insert_receipt(rx->ledger, &row);
}

int receipts_store_pending(struct receipts_ctx *rx, const char *letter_id,
                           const struct receipt *r)
{
    struct receipt_row row = row_of(letter_id, r);

    return ledger_insert_receipt_pending(rx->ledger, &row);
}

int receipts_publish_letter(struct receipts_ctx *rx, const char *letter_id)
{
    json_t *list = ledger_receipts(rx->ledger, letter_id), *r;
    size_t i;
    int rc = 0;

    json_array_foreach(list, i, r) {
        const char *file = json_string_value(json_object_get(r, "file"));
        const char *jws = json_string_value(json_object_get(r, "jws"));
        int err = receipt_publish(rx->spool->outbox, file, jws);
        if (err < 0 && rc == 0)
            rc = err;
    }
    json_decref(list);
    return rc;
}

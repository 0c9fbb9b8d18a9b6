/* SPDX-License-Identifier: Apache-2.0 */
/*
 * returns.h - returned mail: match a scanned return code to its letter and handle it as the
 * sender instructed (print-production.md §11).
 *
 *   MAKULERING_MED_MELDING  the piece is shredded: the letter becomes RETURNED, the return
 *                           fee goes on its cost rows, a returpostkvittering goes to the broker
 *   DIREKTE_RETUR           the piece should never come here; when it does it is logged and
 *                           listed for forwarding to the sender's return address
 */
#ifndef TRYKK_RETURNS_H
#define TRYKK_RETURNS_H

#include "../jobs/jobs.h" /* struct print_setup: the EA agreement, the return fee */

/* What returns/ works with (borrowed). */
struct returns_ctx {
    struct ledger *ledger;
    struct receipts_ctx *receipts; /* returpostkvittering */
};

/* The piece code in an EA return barcode (2, agreement, level, 0, KID) or a bare piece code.
 * agreement: the configured 4 digits, or "" to accept any. */
int ea_piece_code(const char *code, const char *agreement, char piece[16], char **err);
/* "unknown", "unknown-addressee", "moved", "refused", "other" (any case) -> the stored name */
const char *return_reason(const char *text);

struct return_result {
    char *letter_id, *handling, *returned_on;
    bool already;       /* recorded before: nothing changed */
};
void return_result_free(struct return_result *r);

/* One returned piece, in its own transaction. day: YYYY-MM-DD, not after today and not
 * before the piece's posting day; source: "scan" or "import FILE:LINE". Its
 * returpostkvittering is held until the day is over (see undo.c). */
int returns_record(struct returns_ctx *e, const struct print_setup *ps, const char *code,
                   const char *reason, const char *day, const char *source,
                   struct return_result *out, char **err);

/* The piece of an EA code or piece code (piece is set from code). */
int returns_lookup(struct returns_ctx *e, const struct print_setup *ps, const char *code,
                   char piece[16], struct piece_ref *p, char **err);

/* Take back a mis-scanned return on the day it was recorded, before its receipt is
 * published (undo.c). -1 with *err when there is nothing to undo or it is refused. */
int returns_undo(struct returns_ctx *e, const struct print_setup *ps, const char *code,
                 struct return_result *out, char **err);

/* A DIREKTE_RETUR piece sent on to its sender's return address. */
int returns_forwarded(struct returns_ctx *e, const char *letter_id, char **err);

struct import_stats {
    int lines, recorded, already, failed;
};
/* A scan station's CSV: code[,reason[,date]] per line, ',' or ';', optional header. */
int returns_import(struct returns_ctx *e, const struct print_setup *ps, const char *path,
                   const char *today, struct import_stats *st, char **err);

#endif

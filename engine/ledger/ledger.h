/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ledger.h - the SQLite database: letters, their addresses, documents, history and receipts.
 *
 * WAL with synchronous=FULL: a commit that returned is durable, because receipts and spool
 * renames follow commits and must never contradict them. Every state change of a letter and
 * its rows are one transaction. Personal data (names, addresses) lives only in the addresses
 * table, so that it can be purged without touching the rest; secure_delete is on.
 */
#ifndef TRYKK_LEDGER_H
#define TRYKK_LEDGER_H

#include <jansson.h>
#include <stdbool.h>
#include <glib.h>
#include "state.h"

struct ledger;

/*
 * What a lookup or a yes/no question answers (libgit2's GIT_ENOTFOUND is the model): found
 * (yes), none (no), or an error, which is never a "no": the caller stops with it.
 */
enum ledger_result { LEDGER_ERROR = -1, LEDGER_FOUND = 0, LEDGER_NONE = 1 };

struct letter_row {
    const char *id, *carrier, *entry_name;
    enum letter_state state;
    const char *reason, *detail;
    const char *message_id, *conversation_id;
    bool authenticated;
    const char *duplicate_of;
    const char *sbdh_sender, *avsender, *avsenderidentifikator, *faktura_referanse;
    const char *created, *expected_response;
    const char *posttype, *colour, *return_handling;
    int documents, pages; /* -1 when unknown */
    const char *at;
    const char *message_digest; /* SHA-256 (hex) of the business message bytes */
    const char *print_instructions; /* the sender's (legacy) printinstruksjoner, "navn=verdi; …" */
};

struct address_row {
    const char *navn, *linje[4], *postnummer, *poststed, *land, *landkode;
};

struct receipt_row {
    const char *id, *letter_id, *type, *feiltype, *file_name, *jws, *created_at;
};

int ledger_open(struct ledger **out, const char *path, char **err);
void ledger_close(struct ledger *l);
const char *ledger_error(struct ledger *l);

int ledger_begin(struct ledger *l);
int ledger_commit(struct ledger *l);
void ledger_rollback(struct ledger *l);
/* A savepoint per letter inside one transaction (group commit). */
int ledger_mark(struct ledger *l);
int ledger_unmark(struct ledger *l);
void ledger_undo_mark(struct ledger *l);
/* End a transaction: commit when rc is 0, roll back otherwise. Returns 0 when committed,
 * else rc (or -1 when the commit failed). */
int ledger_finish(struct ledger *l, int rc);

int ledger_insert_letter(struct ledger *l, const struct letter_row *row);
int ledger_insert_address(struct ledger *l, const char *letter_id, const char *role,
                          const struct address_row *a);
int ledger_insert_document(struct ledger *l, const char *letter_id, int seq, const char *role,
                           const char *mime, long long bytes, int pages, const char *version);
int ledger_add_event(struct ledger *l, const char *letter_id, const char *at, const char *event,
                     const char *detail);
int ledger_insert_receipt(struct ledger *l, const struct receipt_row *r);

/* Lookups. Strings returned through ** are the caller's (g_free). */
/* The letter that holds message_id (authenticated, not a duplicate), and the digest of its
 * business message (digest may be NULL when not wanted). */
enum ledger_result ledger_find_message(struct ledger *l, const char *message_id,
                                       char **letter_id, char **digest);
/* Count one more interrupted attempt at letter_id (its own statement; call in a transaction
 * or alone). Returns the new count, -1 on error. */
int ledger_bump_attempt(struct ledger *l, const char *letter_id, const char *at);
struct letter_status {
    enum letter_state state;
    char *reason, *detail, *duplicate_of, *expected_response, *received_at;
};
enum ledger_result ledger_letter_state(struct ledger *l, const char *letter_id,
                                       struct letter_status *out);
void letter_status_free(struct letter_status *s);
/* How many history events of a letter start with prefix; -1 on error. */
int ledger_count_events(struct ledger *l, const char *letter_id, const char *prefix);
/* Receipts of a letter as [{"file":…, "jws":…, "type":…}], in creation order. */
json_t *ledger_receipts(struct ledger *l, const char *letter_id);

/* For the CLI: counts per state, and one letter with addresses, documents and history,
 * found by anything ledger_resolve_letter knows. */
json_t *ledger_counts(struct ledger *l);
/* Letters that carry a reason code, per state and code: [{state, reason, letters}]. */
json_t *ledger_reason_counts(struct ledger *l);
json_t *ledger_letter(struct ledger *l, const char *key);

/* ---- finding things (resolve.c) --------------------------------------------------------
 * The letter named by key: its letter id, message id, piece code (as printed on the
 * sheet), EA return code or a sheet's DataMatrix text. *kind says which it was (static).
 * Every command that takes a letter uses this. */
enum ledger_result ledger_resolve_letter(struct ledger *l, const char *key, char **letter_id,
                                         const char **kind);
/* ---- piece codes (piece_code.c) ---------------------------------------------------------
 * A piece code is the job number (6 digits) and the piece's number in the job (5). */
#define LEDGER_PIECE_CODE_LEN 11
void ledger_piece_code(long long job_id, int seq, char code[LEDGER_PIECE_CODE_LEN + 1]);
/* The job and piece numbers of a piece code; false when code is not one. */
bool ledger_piece_code_parse(const char *code, long long *job_id, int *seq);
/* The piece code in key (a piece code, EA code or DataMatrix text) into code, and what key
 * was ("piece code", "EA code", "DataMatrix"; static); NULL when it carries none. */
const char *ledger_piece_code_in(const char *key, char code[LEDGER_PIECE_CODE_LEN + 1]);
bool ledger_piece_code_of(const char *key, char code[LEDGER_PIECE_CODE_LEN + 1]);
/* ids of letters in a state, oldest first */
GPtrArray *ledger_ids_in_state(struct ledger *l, const char *state);
int ledger_integrity(struct ledger *l);

/* ---- print jobs and pieces (jobs.c) ------------------------------------------------------
 * A job holds letters of one (colour, envelope, stock, posttype, layout, marks). States:
 * OPEN (takes letters) -> CLOSING (piece codes assigned, files being built) -> CLOSED
 * (published in jobs/) -> PRINTED (confirmed: by reconcile or an operator) -> RECONCILED
 * (every piece has the inserter's result) -> DISPATCHED, or CANCELLED from CLOSED, PRINTED
 * or RECONCILED. A hold (held_at) stops a job where it is. A piece is one letter in one
 * job; a reprint is a new piece in a child job that names the original piece (reprint_of).
 * Every job is named J<number>, the number its piece codes carry. */
struct job_key {
    const char *colour, *envelope, *stock, *posttype, *layout, *marks;
};

struct job_row {
    long long id, parent;
    char *name, *colour, *envelope, *stock, *posttype, *layout, *marks;
    enum job_state state;
    char *day, *opened_at, *due_at, *closed_at;
    int letters, sheets, pages;
    char *held_at, *hold_reason; /* NULL unless an operator holds the job */
};

/* Address columns: navn, adresselinje1-4, postnummer, poststed, land, landkode. */
#define ADDRESS_COLUMNS 9

struct piece_row {
    long long job_id;
    char *letter_id, *code, *layout;
    enum piece_state state;
    char *reprint_of, *scan;
    int seq, sheets, first_sheet, weight_mg;
    char *posttype, *colour, *return_handling, *avsender, *envelope;
    char *recipient[ADDRESS_COLUMNS], *ret[ADDRESS_COLUMNS];
    bool has_return;
    char *zone;         /* NO, EU or WORLD: the postage zone of the letter's PRINT cost row */
};

/* What planning needs to know about an accepted letter. */
struct plan_row {
    char *id, *avsender, *posttype, *colour, *return_handling, *received_at;
    int pages;
};

GPtrArray *ledger_ids_in_state_limit(struct ledger *l, const char *state, int limit);
enum ledger_result ledger_plan_row(struct ledger *l, const char *id, struct plan_row *out);
void plan_row_free(struct plan_row *r);
int ledger_letter_planned(struct ledger *l, const char *id, enum letter_state state,
                          const char *layout, const char *layout_reason, int content_sheets,
                          int sheets, const char *envelope, int weight_mg);
int ledger_set_letter_state(struct ledger *l, const char *id, enum letter_state state,
                            const char *at);
/* The OPEN job with this key. */
enum ledger_result ledger_open_job(struct ledger *l, const struct job_key *k,
                                   struct job_row *out);
long long ledger_new_job(struct ledger *l, const struct job_key *k, long long parent,
                         const char *opened_at, const char *due_at, const char *day);
int ledger_add_piece(struct ledger *l, long long job_id, const char *letter_id,
                     const char *layout, int sheets, int weight_mg, const char *reprint_of);
/* OPEN -> CLOSING: number the pieces and give them codes. The order is the postal presort:
 * domestic pieces by postcode, then Europe, then the rest of the world (by country code),
 * then weight and arrival. */
int ledger_job_closing(struct ledger *l, long long job_id, const char *at);
int ledger_job_closed(struct ledger *l, long long job_id, int pages, const char *at);
enum ledger_result ledger_job_get(struct ledger *l, const char *name, struct job_row *out);
enum ledger_result ledger_job_by_id(struct ledger *l, long long id, struct job_row *out);
/* The job named key: its name, or J and its number (J9, j000009). */
enum ledger_result ledger_resolve_job(struct ledger *l, const char *key, struct job_row *out);
void job_row_free(struct job_row *j);
/* ids of jobs in a state (and, for OPEN, due at or before `due`, when given) */
GArray *ledger_jobs_in_state(struct ledger *l, enum job_state state, const char *due);
GPtrArray *ledger_job_pieces(struct ledger *l, long long job_id); /* struct piece_row * */
void piece_row_free(void *p);
int ledger_piece_result(struct ledger *l, long long job_id, const char *code, enum piece_state state,
                        const char *scan);
/* Jobs, filtered by state and (posting or planned) day when not NULL; one job with its
 * pieces and reprint jobs, or NULL. */
json_t *ledger_jobs_json(struct ledger *l, const char *state, const char *day);
json_t *ledger_job_json(struct ledger *l, long long job_id);
/* The newest piece of a letter. */
enum ledger_result ledger_letter_piece(struct ledger *l, const char *letter_id, char **code,
                                       long long *job_id);

/* ---- after print (afterprint.c) ------------------------------------------------------------
 * Receipts after intake wait in the ledger (published = 0) until they are in outbox/. */
int ledger_insert_receipt_pending(struct ledger *l, const struct receipt_row *r);
json_t *ledger_pending_receipts(struct ledger *l); /* [{id, letter_id, type, file, jws,
                                                       created_at}] */
int ledger_receipt_published(struct ledger *l, const char *id);

/* Whom a letter's receipts answer, and what its mottakskvittering said (its businessScope is
 * copied into every later receipt). */
struct letter_party {
    char *sbdh_sender, *avsender, *avsenderidentifikator, *mottak_jws, *return_handling;
    enum letter_state state;
    char *carrier, *conversation_id; /* carrier "legacy": its receipts are XML */
};
enum ledger_result ledger_letter_party(struct ledger *l, const char *id,
                                       struct letter_party *out);
void letter_party_free(struct letter_party *p);

/* CLOSED -> PRINTED: its PLANNED pieces and letters become PRINTED; by is "operator" or
 * "reconcile". 0 now, 1 not CLOSED, -1 error. */
int ledger_job_printed(struct ledger *l, long long job_id, const char *at, const char *by);
/* PRINTED (or RECONCILED, again) -> RECONCILED. 0 now, 1 not possible, -1 error. */
int ledger_job_reconciled(struct ledger *l, long long job_id, const char *at);
/* 0 dispatched now, 1 not possible (not CLOSED, PRINTED or RECONCILED, or held), -1 error */
int ledger_job_dispatch(struct ledger *l, long long job_id, const char *day, const char *at,
                        const char *note);
/* Found: dispatched, on *day at *at (the caller's). */
enum ledger_result ledger_job_dispatched(struct ledger *l, long long job_id, char **day,
                                         char **at);
/* A published, undispatched job withdrawn: 0 now, 1 not possible (not CLOSED, PRINTED or
 * RECONCILED), -1 error. */
int ledger_job_cancel(struct ledger *l, long long job_id, const char *at, const char *reason);
/* Found: cancelled, at *at (the caller's). */
enum ledger_result ledger_job_cancelled(struct ledger *l, long long job_id, char **at);
/* The pieces POSTED in every job dispatched on day (reprint jobs too), counted per zone,
 * posttype, format and weight band: [{zone, posttype, format, weight_band, pieces, weight_mg,
 * ea}], domestic first; ea counts the pieces that carry the EA mark. */
json_t *ledger_handover_day(struct ledger *l, const char *day);
/* Names of the jobs dispatched on day, in order. */
GPtrArray *ledger_jobs_dispatched_on(struct ledger *l, const char *day);

struct piece_ref {
    char *letter_id;
    enum piece_state piece_state;
    char *job;
    enum letter_state letter_state;
    char *return_handling, *layout;
    char *posted_on;    /* the letter's posting day, or NULL */
    long long job_id;
};
enum ledger_result ledger_piece_by_code(struct ledger *l, const char *code,
                                        struct piece_ref *out);
void piece_ref_free(struct piece_ref *p);

struct return_row {
    const char *letter_id, *piece, *code, *returned_on, *at, *reason, *handling, *source;
};
int ledger_insert_return(struct ledger *l, const struct return_row *r);
enum ledger_result ledger_return_of(struct ledger *l, const char *letter_id,
                                    char **returned_on);
json_t *ledger_returns_json(struct ledger *l, const char *since);
/* A DIREKTE_RETUR piece sent on to its sender: 0 done, 1 not waiting for forwarding. */
int ledger_return_forwarded(struct ledger *l, const char *letter_id, const char *at);
/* A letter's return as {piece, code, returned_on, at, reason, handling, source, forwarded_at,
 * receipt_published (0/1, absent without a receipt)}, or NULL when none. */
json_t *ledger_return_json(struct ledger *l, const char *letter_id);
/* Take back a mis-scanned return (in the caller's transaction): the return row and the
 * unpublished returpostkvittering go, a RETURN cost row with the negative fee names the fee's
 * row, the letter is POSTED again. */
int ledger_undo_return(struct ledger *l, const char *letter_id, const char *at);

/* ---- operator holds (hold.c) ------------------------------------------------------------
 * reason non-NULL holds, NULL releases: 0 changed, 1 was already so, -1 error. */
int ledger_letter_hold(struct ledger *l, const char *id, const char *at, const char *reason);
int ledger_job_hold(struct ledger *l, long long job_id, const char *at, const char *reason);
/* Found: held (*reason the caller's when wanted); none: not held or no such letter. */
enum ledger_result ledger_letter_held(struct ledger *l, const char *id, char **reason);
/* A piece not yet numbered taken out of its OPEN job (an empty job is removed): 0 done,
 * 1 no such piece. */
int ledger_remove_piece(struct ledger *l, long long job_id, const char *letter_id);
/* {"letters": n, "jobs": m} held by an operator now. */
json_t *ledger_held_counts(struct ledger *l);
/* ACCEPTED letters that are not held, oldest first. */
GPtrArray *ledger_plannable(struct ledger *l, int limit);

/* ---- retention (purge.c) ---------------------------------------------------------------- */
/* Letters whose personal data is due: POSTED on or before cutoff, RETURNED on or before it,
 * CANCELLED, FAILED or HELD on or before it. */
GPtrArray *ledger_purgeable(struct ledger *l, const char *cutoff);
/* The same letters as [{id, state, since}] (since: the day that made them due). */
json_t *ledger_purgeable_json(struct ledger *l, const char *cutoff);
/* History events older than before; -1 on error. */
long long ledger_count_history(struct ledger *l, const char *before);
int ledger_purge_letter(struct ledger *l, const char *id, const char *at);
/* Found: purged; none: not (or no such letter). */
enum ledger_result ledger_is_purged(struct ledger *l, const char *id);
/* Jobs dispatched or cancelled on or before cutoff (their print files hold personal data). */
GPtrArray *ledger_expired_jobs(struct ledger *l, const char *cutoff);
long long ledger_forget_history(struct ledger *l, const char *before);
/* Empty the WAL into the database file (TRUNCATE checkpoint). */
int ledger_scrub(struct ledger *l);

#endif

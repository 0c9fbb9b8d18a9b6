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

struct ledger;

struct letter_row {
    const char *id, *carrier, *entry_name, *state, *reason, *detail;
    const char *message_id, *conversation_id;
    bool authenticated;
    const char *duplicate_of;
    const char *sbdh_sender, *avsender, *avsenderidentifikator, *faktura_referanse;
    const char *created, *expected_response;
    const char *posttype, *colour, *return_handling;
    int documents, pages; /* -1 when unknown */
    const char *at;
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

int ledger_insert_letter(struct ledger *l, const struct letter_row *row);
int ledger_insert_address(struct ledger *l, const char *letter_id, const char *role,
                          const struct address_row *a);
int ledger_insert_document(struct ledger *l, const char *letter_id, int seq, const char *role,
                           const char *mime, long long bytes, int pages, const char *version);
int ledger_add_event(struct ledger *l, const char *letter_id, const char *at, const char *event,
                     const char *detail);
int ledger_insert_receipt(struct ledger *l, const struct receipt_row *r);

/* Lookups. Strings returned through ** are the caller's (g_free). 0 found, 1 not found, -1 error. */
int ledger_find_message(struct ledger *l, const char *message_id, char **letter_id);
struct letter_state {
    char *state, *reason, *detail, *duplicate_of, *expected_response, *received_at;
};
int ledger_letter_state(struct ledger *l, const char *letter_id, struct letter_state *out);
void letter_state_free(struct letter_state *s);
/* How many history events of a letter start with prefix; -1 on error. */
int ledger_count_events(struct ledger *l, const char *letter_id, const char *prefix);
/* Receipts of a letter as [{"file":…, "jws":…, "type":…}], in creation order. */
json_t *ledger_receipts(struct ledger *l, const char *letter_id);

/* For the CLI: counts per state, and one letter with addresses, documents and history. */
json_t *ledger_counts(struct ledger *l);
json_t *ledger_letter(struct ledger *l, const char *id_or_message_id);
/* ids of letters in a state, oldest first */
GPtrArray *ledger_ids_in_state(struct ledger *l, const char *state);
int ledger_integrity(struct ledger *l);

#endif

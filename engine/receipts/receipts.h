/* SPDX-License-Identifier: Apache-2.0 */
/*
 * receipts.h - the answers trykk sends the broker: mottakskvittering and feil (and, later,
 * leveringskvittering and returpostkvittering), as signed JWS following Digdir's receipt
 * construction (dpi-print-format.md §9.2), or for legacy letters as signed XML (§9.3).
 *
 * receipts/ owns every receipt: building and signing (receipt.c, xml_receipt.c), storing it
 * in the ledger and publishing it into the outbox (commit.c), and the receipts a letter earns
 * after intake (notify.c). Its callers (pipeline/, jobs/, returns/) hand it a receipts_ctx.
 */
#ifndef TRYKK_RECEIPTS_H
#define TRYKK_RECEIPTS_H

#include <stdbool.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <glib.h>

struct receipt_signer {
    const char *orgnr; /* our 9-digit organisation number */
    EVP_PKEY *key;
    X509 *cert;
};

struct ledger;
struct spool;

/* What receipts need, borrowed from whoever set them up (the CLI: from the engine). */
struct receipts_ctx {
    struct ledger *ledger;
    const struct spool *spool;           /* its outbox */
    const struct receipt_signer *signer; /* NULL key: read-only, nothing is signed */
    const char *orgnr;
};

/* Whom the receipt answers, copied from the incoming message. */
struct receipt_to {
    const char *sbdh_sender;           /* becomes the receipt's SBDH receiver */
    const char *avsender;              /* body mottaker.virksomhetsidentifikator */
    const char *avsenderidentifikator; /* body mottaker.motakeridentifikator, optional */
    json_t *business_scope;            /* copied unchanged */
};

struct receipt {
    char *id, *type, *feiltype, *file_name, *jws, *created_at;
};

/*
 * receipt_build - a signed receipt of type ("mottakskvittering", "feil", …) for letter_id.
 * Its id is derived from (letter id, type), so the same letter never gets two different
 * receipts of one type. feiltype and detaljer only for "feil".
 */
int receipt_build(struct receipt *out, const struct receipt_signer *s, const struct receipt_to *to,
                  const char *letter_id, const char *type, const char *feiltype,
                  const char *detaljer, GDateTime *at);
void receipt_free(struct receipt *r);
/* Fill out from the signed bytes (NULL: signing failed, -1), taking ownership of them, of
 * id and of now; the file is <letter id>.<type>.<ext>. */
int receipt_fill(struct receipt *out, char *signed_bytes, char *id, char *now,
                 const char *letter_id, const char *type, const char *feiltype, const char *ext);
/* The receipt's instanceIdentifier: a UUID derived from (letter id, type). */
char *receipt_uuid(const char *letter_id, const char *type);

/* Whom a legacy (SDP XML) receipt answers. */
struct receipt_to_xml {
    const char *sbdh_sender;     /* the original SBDH Sender, e.g. 9908:991825827 */
    const char *authority;       /* its Authority spelling, echoed for ours (NULL: default) */
    const char *conversation_id;
};
/* The same receipt as a signed XML SBD (kvittering with mottak, levering or returpost; or
 * feil), enveloped XML-DSig like the message; out->jws holds the XML, file <id>.<type>.xml. */
int receipt_build_xml(struct receipt *out, const struct receipt_signer *s,
                      const struct receipt_to_xml *to, const char *letter_id, const char *type,
                      const char *feiltype, const char *detaljer, GDateTime *at);
/* Publish into the outbox; an existing file of the same name counts as published. */
int receipt_publish(const char *outbox, const char *file_name, const char *jws);

/* commit.c: a built receipt of letter_id stored in the caller's transaction, published
 * (receipts_store) or pending (receipts_store_pending, for receipts_flush); and every stored
 * receipt of a letter published into the outbox again (identical bytes; repeatable). */
int receipts_store(struct receipts_ctx *rx, const char *letter_id, const struct receipt *r);
int receipts_store_pending(struct receipts_ctx *rx, const char *letter_id,
                           const struct receipt *r);
int receipts_publish_letter(struct receipts_ctx *rx, const char *letter_id);

/* notify.c: a receipt after intake (leveringskvittering, returpostkvittering, feil SERVER),
 * stored pending in the caller's transaction; receipts_flush publishes the pending ones
 * after the commit, except those receipts_held keeps back (returns how many, or -1). */
int receipts_letter(struct receipts_ctx *rx, const char *letter_id, const char *type,
                    const char *feiltype, const char *detaljer, GDateTime *at, char **err);
int receipts_flush(struct receipts_ctx *rx);
/* A pending receipt (a row of ledger_pending_receipts) that waits: a returpostkvittering
 * recorded today, which `trykk returns undo` may still take back. */
bool receipts_held(json_t *pending, const char *today);

#endif

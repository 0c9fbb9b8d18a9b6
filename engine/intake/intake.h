/* SPDX-License-Identifier: Apache-2.0 */
/*
 * intake.h - what arrives: carriers, the business message and its field rules, the SDP
 * manifest. Everything here parses hostile input and returns a struct reason on failure;
 * nothing here holds a key or writes to disk.
 */
#ifndef TRYKK_INTAKE_H
#define TRYKK_INTAKE_H

#include <jansson.h>
#include "../util/reason.h"
#include "../util/util.h"
#include "asice.h" /* the package's zip (ASiC-E), which the verifier (pipeline/) reads */

/* ---- carriers (carrier.c) ---------------------------------------------------------------- */
enum carrier_kind { CARRIER_XML = 'a', CARRIER_DIR = 'b', CARRIER_LEGACY = 'c' };

struct carrier_limits {
    size_t max_package; /* CMS bytes: 50 MiB */
    size_t max_message; /* the JWT: 1 MiB */
};

struct carrier {
    enum carrier_kind kind;
    struct bytes jwt;    /* the business message: the JWT, or for (c) the SBD XML */
    struct bytes cms;    /* empty when the package is over its cap */
    size_t cms_oversize; /* the package's size when it was not read because of the cap */
};

/* Read the entry at path (a file: carrier (a); a directory: carrier (b) or (c)). */
/* The largest carrier (a) file read: 4/3 × max_package + 64 KiB. */
size_t carrier_xml_cap(const struct carrier_limits *lim);
int carrier_read(struct carrier *c, const char *path, const struct carrier_limits *lim,
                 struct reason *r);
void carrier_free(struct carrier *c);

/* ---- carrier (c): the legacy SDP XML message (legacy.c) --------------------------------- */
struct _xmlDoc;
struct _xmlNode;
struct legacy {
    struct _xmlDoc *doc;        /* sbd.xml, parsed safely; its signature is checked on this */
    struct _xmlNode *business;  /* sdp:digitalPost */
    char *authority;            /* SBDH Sender/Identifier@Authority, as received */
    char *print_instructions;   /* fysiskPostInfo/printinstruksjoner as "navn=verdi; …" */
};
/* Map sbd.xml onto the DPI JSON payload of the same letter (*payload, the caller's).
 * -1: unreadable (quarantine); 1: readable but not a print message (reason_fail, after
 * which the sender can still be answered); 0: mapped. */
int legacy_read(struct legacy *lg, const struct bytes *xml, json_t **payload, struct reason *r);
void legacy_free(struct legacy *lg);

/* ---- the business message (message.c) ---------------------------------------------------- */
struct address {
    const char *navn;
    const char *linje[4];
    const char *postnummer, *poststed, *land, *landkode;
};

/* All strings are borrowed from payload, which the struct owns. */
struct message {
    json_t *payload;
    const char *sbdh_sender, *sbdh_receiver;
    const char *standard, *type, *message_id, *created;
    const char *conversation_id, *expected_response;
    json_t *business_scope;
    const char *avsender, *avsenderidentifikator, *faktura_referanse;
    struct address recipient, retur;
    const char *digest_method, *digest_value, *token;
    const char *colour, *posttype, *return_handling;
    bool legacy;        /* from carrier (c): maskinportentoken is optional (SDP 1.0) */
    const char *print_instructions; /* carrier (c): the sender's printinstruksjoner, or NULL */
};

#define UTSKRIFT_STANDARD "urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##" \
                          "urn:fdc:digdir.no:2020:innbyggerpost:schema:utskrift::1.0"

/* Who to answer, read before any check (borrowed from the payload). */
struct identity {
    const char *sbdh_sender, *message_id, *conversation_id;
    const char *avsender, *avsenderidentifikator;
    json_t *business_scope;
};

/* Returns -1 when there is nobody to answer (no sender, ConversationId or scope). */
int message_identity(struct identity *id, json_t *payload);
/* The field rules of the SBDH and of the utskrift body (types, enums, lengths, required).
 * m->payload must be set; the struct owns it. */
int message_check(struct message *m, struct reason *r);
void message_free(struct message *m);
bool message_standard_ok(const char *standard);
/* Maskinporten token: scope, consumer = avsender, signer org = supplier or consumer. */
int token_check(const struct message *m, const char *signer_org, struct reason *r);

/* ---- the SDP manifest inside the package (manifest.c) ------------------------------------ */
struct manifest_doc {
    char *href;
    char *mime;
};

struct manifest {
    char *avsender;
    GPtrArray *docs; /* struct manifest_doc *: main document first, then attachments */
};

int manifest_parse(struct manifest *m, const struct bytes *xml, struct reason *r);
void manifest_free(struct manifest *m);

#endif

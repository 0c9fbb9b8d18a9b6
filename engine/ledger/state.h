/* SPDX-License-Identifier: Apache-2.0 */
/*
 * state.h - the names of every letter, job and piece state: the one place they are spelled.
 *
 * Like Postfix's MAIL_QUEUE_* names (global/mail_queue.h), each state is a string macro for
 * SQL composed by literal concatenation ("... WHERE state = '" LETTER_POSTED "'"), and an enum
 * for code (enum letter_state); the *_STATE_LIST X-macros below are the one list both come
 * from: the enum, the name table (state.c) and the schema's CHECK lists (ledger.c). A state
 * read from the ledger is parsed once (*_state_parse); a name the table does not know is an
 * error. The letter's life is drawn in spool/spool.h and the job's in ledger.h; README
 * "States" lists them all.
 */
#ifndef TRYKK_LEDGER_STATE_H
#define TRYKK_LEDGER_STATE_H

#include <stdbool.h>

/* ---- letters ---------------------------------------------------------------------------- */
#define LETTER_ACCEPTED "ACCEPTED"       /* verified, in accepted/, waiting for a job */
#define LETTER_FAILED "FAILED"           /* refused (feilkvittering sent) */
#define LETTER_QUARANTINED "QUARANTINED" /* could not be read or trusted at all */
#define LETTER_DEFERRED "DEFERRED"       /* a temporary failure: tried again later */
#define LETTER_HELD "HELD"               /* needs an operator (spool hold/) */
#define LETTER_PLANNED "PLANNED"         /* a piece in a job */
#define LETTER_PRINTED "PRINTED"         /* its job confirmed printed */
#define LETTER_INSERTED "INSERTED"       /* the inserter read its piece */
#define LETTER_POSTED "POSTED"           /* handed over to the post */
#define LETTER_RETURNED "RETURNED"       /* came back (EA return) */
#define LETTER_CANCELLED "CANCELLED"     /* its job was withdrawn */
#define LETTER_PURGED "PURGED"           /* personal data removed */

/* X(name) SEP X(name) ...: every letter state, in the order of its life */
#define LETTER_STATE_LIST(X, SEP)                                                             \
    X(ACCEPTED) SEP X(FAILED) SEP X(QUARANTINED) SEP X(DEFERRED) SEP X(HELD) SEP X(PLANNED)   \
    SEP X(PRINTED) SEP X(INSERTED) SEP X(POSTED) SEP X(RETURNED) SEP X(CANCELLED) SEP X(PURGED)

/* ---- jobs (the life is drawn in ledger.h) ----------------------------------------------- */
#define JOB_OPEN "OPEN"
#define JOB_CLOSING "CLOSING"
#define JOB_CLOSED "CLOSED"
#define JOB_PRINTED "PRINTED"
#define JOB_RECONCILED "RECONCILED"
#define JOB_DISPATCHED "DISPATCHED"
#define JOB_CANCELLED "CANCELLED"

#define JOB_STATE_LIST(X, SEP)                                                                \
    X(OPEN) SEP X(CLOSING) SEP X(CLOSED) SEP X(PRINTED) SEP X(RECONCILED) SEP X(DISPATCHED)   \
    SEP X(CANCELLED)

/* ---- pieces: one letter in one job ------------------------------------------------------- */
#define PIECE_PLANNED "PLANNED"       /* numbered (or to be) in its job */
#define PIECE_PRINTED "PRINTED"       /* its job confirmed printed */
#define PIECE_OK "OK"                 /* the inserter read it once, intact */
#define PIECE_DUPLICATED "DUPLICATED" /* read more than once */
#define PIECE_MISSING "MISSING"       /* never read */
#define PIECE_DAMAGED "DAMAGED"       /* read as damaged */
#define PIECE_REPRINTED "REPRINTED"   /* replaced by a piece in a reprint job */
#define PIECE_POSTED "POSTED"         /* handed over with its dispatched job */
#define PIECE_CANCELLED "CANCELLED"   /* its job was withdrawn */

#define PIECE_STATE_LIST(X, SEP)                                                              \
    X(PLANNED) SEP X(PRINTED) SEP X(OK) SEP X(DUPLICATED) SEP X(MISSING) SEP X(DAMAGED)       \
    SEP X(REPRINTED) SEP X(POSTED) SEP X(CANCELLED)

/* The names of schema version 5 and before, for the migration that renames them only. */
#define V5_QUEUED "QUEUED"

/* "'ACCEPTED', 'FAILED', ...": a kind's states as an SQL list, for IN (...) and CHECK. */
#define STATE_SQL_LETTER_(n) "'" LETTER_##n "'"
#define STATE_SQL_JOB_(n) "'" JOB_##n "'"
#define STATE_SQL_PIECE_(n) "'" PIECE_##n "'"
#define LETTER_STATES_SQL LETTER_STATE_LIST(STATE_SQL_LETTER_, ", ")
#define JOB_STATES_SQL JOB_STATE_LIST(STATE_SQL_JOB_, ", ")
#define PIECE_STATES_SQL PIECE_STATE_LIST(STATE_SQL_PIECE_, ", ")

#define STATE_ENUM_LETTER_(n) LETTER_STATE_##n,
#define STATE_ENUM_JOB_(n) JOB_STATE_##n,
#define STATE_ENUM_PIECE_(n) PIECE_STATE_##n,
enum letter_state { LETTER_STATE_LIST(STATE_ENUM_LETTER_, ) LETTER_STATE_COUNT };
enum job_state { JOB_STATE_LIST(STATE_ENUM_JOB_, ) JOB_STATE_COUNT };
enum piece_state { PIECE_STATE_LIST(STATE_ENUM_PIECE_, ) PIECE_STATE_COUNT };

/* The name of a state (static), as the ledger stores it. */
const char *letter_state_name(enum letter_state s);
const char *job_state_name(enum job_state s);
const char *piece_state_name(enum piece_state s);
/* A stored name as its state: true when known; false (and *out untouched) when not. */
bool letter_state_parse(const char *name, enum letter_state *out);
bool job_state_parse(const char *name, enum job_state *out);
bool piece_state_parse(const char *name, enum piece_state *out);

#endif

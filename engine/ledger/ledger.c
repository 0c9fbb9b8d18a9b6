/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ledger.c - schema, connection and writes.
 *
 * Invariants kept here:
 *  1. One row per letter id; a message id is claimed by at most one authenticated, original
 *     letter (partial UNIQUE index), so a message is never accepted twice.
 *  2. Receipts are stored signed and byte-exact before they are published, so recovery and
 *     duplicate handling re-publish identical bytes.
 *  3. Names and addresses live only in `addresses`.
 */
#include <stdarg.h>
#include <string.h>
#include <sqlite3.h>
#include "ledger.h"
#include "ledger_internal.h"
#include "../util/util.h"

#define SCHEMA_VERSION 7

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS letters ("
    " id TEXT PRIMARY KEY, carrier TEXT NOT NULL, entry_name TEXT, state TEXT NOT NULL,"
    " reason TEXT, detail TEXT, message_id TEXT, conversation_id TEXT,"
    " authenticated INTEGER NOT NULL DEFAULT 0, duplicate_of TEXT,"
    " sbdh_sender TEXT, avsender TEXT, avsenderidentifikator TEXT, faktura_referanse TEXT,"
    " created TEXT, expected_response TEXT, posttype TEXT, colour TEXT, return_handling TEXT,"
    " documents INTEGER, pages INTEGER, received_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS letters_message ON letters(message_id)"
    " WHERE authenticated = 1 AND duplicate_of IS NULL;"
    "CREATE INDEX IF NOT EXISTS letters_state ON letters(state);"
    "CREATE TABLE IF NOT EXISTS addresses ("
    " letter_id TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('recipient', 'return')),"
    " navn TEXT, adresselinje1 TEXT, adresselinje2 TEXT, adresselinje3 TEXT, adresselinje4 TEXT,"
    " postnummer TEXT, poststed TEXT, land TEXT, landkode TEXT, PRIMARY KEY (letter_id, role));"
    "CREATE TABLE IF NOT EXISTS documents ("
    " letter_id TEXT NOT NULL, seq INTEGER NOT NULL, role TEXT NOT NULL, mime TEXT,"
    " bytes INTEGER, pages INTEGER, pdf_version TEXT, PRIMARY KEY (letter_id, seq));"
    "CREATE TABLE IF NOT EXISTS events ("
    " seq INTEGER PRIMARY KEY, letter_id TEXT NOT NULL, at TEXT NOT NULL, event TEXT NOT NULL,"
    " detail TEXT);"
    "CREATE INDEX IF NOT EXISTS events_letter ON events(letter_id);"
    "CREATE TABLE IF NOT EXISTS receipts ("
    " id TEXT PRIMARY KEY, letter_id TEXT NOT NULL, type TEXT NOT NULL, feiltype TEXT,"
    " file_name TEXT NOT NULL, jws TEXT NOT NULL, created_at TEXT NOT NULL,"
    " UNIQUE (letter_id, type));";

/* Version 2: print jobs, pieces, and what rendering decided per letter. */
static const char schema_v2[] =
    "ALTER TABLE letters ADD COLUMN layout TEXT;"
    "ALTER TABLE letters ADD COLUMN layout_reason TEXT;"
    "ALTER TABLE letters ADD COLUMN content_sheets INTEGER;"
    "ALTER TABLE letters ADD COLUMN sheets INTEGER;"
    "ALTER TABLE letters ADD COLUMN envelope TEXT;"
    "ALTER TABLE letters ADD COLUMN weight_mg INTEGER;"
    "CREATE TABLE jobs ("
    " id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, parent INTEGER REFERENCES jobs(id),"
    " colour TEXT NOT NULL, envelope TEXT NOT NULL, stock TEXT NOT NULL, posttype TEXT NOT NULL,"
    " layout TEXT NOT NULL, marks TEXT NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('" JOB_OPEN "', '" JOB_CLOSING "', '" JOB_CLOSED "')),"
    " day TEXT NOT NULL, opened_at TEXT NOT NULL, due_at TEXT NOT NULL, closed_at TEXT,"
    " letters INTEGER NOT NULL DEFAULT 0, sheets INTEGER NOT NULL DEFAULT 0, pages INTEGER);"
    "CREATE INDEX jobs_state ON jobs(state);"
    "CREATE TABLE pieces ("
    " job_id INTEGER NOT NULL REFERENCES jobs(id), letter_id TEXT NOT NULL REFERENCES letters(id),"
    " seq INTEGER, code TEXT UNIQUE, layout TEXT NOT NULL, sheets INTEGER NOT NULL,"
    " first_sheet INTEGER, weight_mg INTEGER NOT NULL, reprint_of TEXT UNIQUE, state TEXT NOT NULL,"
    " scan TEXT, PRIMARY KEY (job_id, letter_id));"
    "CREATE INDEX pieces_letter ON pieces(letter_id);";

/* Version 3: cost rows (never updated or deleted), settlements, the posting day. */
static const char schema_v3[] =
    "ALTER TABLE letters ADD COLUMN posted_on TEXT;"
    "CREATE INDEX letters_posted ON letters(posted_on);"
    "CREATE TABLE settlements ("
    " id TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('DAY', 'PERIOD')),"
    " first_day TEXT NOT NULL, last_day TEXT NOT NULL, settled_at TEXT NOT NULL,"
    " letters INTEGER NOT NULL, total_ore INTEGER NOT NULL, detail TEXT NOT NULL);"
    "CREATE TABLE settlement_groups ("
    " settlement TEXT NOT NULL REFERENCES settlements(id) DEFERRABLE INITIALLY DEFERRED,"
    " grp TEXT NOT NULL,"
    " quantity INTEGER NOT NULL, paid_quantity INTEGER NOT NULL, unit_ore INTEGER,"
    " basis_ore INTEGER, rate_bp INTEGER, total_ore INTEGER NOT NULL,"
    " PRIMARY KEY (settlement, grp));"
    "CREATE TABLE cost_rows ("
    " seq INTEGER PRIMARY KEY, letter_id TEXT NOT NULL REFERENCES letters(id),"
    " kind TEXT NOT NULL CHECK (kind IN ('PRINT', 'REPRINT', 'POSTAGE', 'DISCOUNT', 'RETURN')),"
    " ref INTEGER REFERENCES cost_rows(seq),"
    " settlement TEXT REFERENCES settlements(id) DEFERRABLE INITIALLY DEFERRED,"
    " day TEXT NOT NULL, at TEXT NOT NULL, tariff TEXT,"
    " avsender TEXT, avsenderidentifikator TEXT, faktura_referanse TEXT,"
    " layout TEXT, colour TEXT, envelope TEXT, posttype TEXT, format TEXT, weight_band TEXT,"
    " zone TEXT, pages INTEGER, charged_sheets INTEGER, physical_sheets INTEGER,"
    " weight_mg INTEGER, base_ore INTEGER NOT NULL DEFAULT 0,"
    " sheets_ore INTEGER NOT NULL DEFAULT 0, broker_ore INTEGER NOT NULL DEFAULT 0,"
    " postage_provisional_ore INTEGER, postage_ore INTEGER NOT NULL DEFAULT 0,"
    " discount_sheets_ore INTEGER NOT NULL DEFAULT 0,"
    " discount_envelope_ore INTEGER NOT NULL DEFAULT 0,"
    " return_ore INTEGER NOT NULL DEFAULT 0, note TEXT);"
    "CREATE UNIQUE INDEX cost_rows_print ON cost_rows(letter_id) WHERE kind = 'PRINT';"
    "CREATE UNIQUE INDEX cost_rows_settled ON cost_rows(letter_id, settlement)"
    " WHERE settlement IS NOT NULL;"
    "CREATE INDEX cost_rows_day ON cost_rows(day, kind);"
    "CREATE INDEX cost_rows_letter ON cost_rows(letter_id, kind);"
    "CREATE TRIGGER cost_rows_no_update BEFORE UPDATE ON cost_rows"
    " BEGIN SELECT RAISE(ABORT, 'cost rows are never edited; add a correcting row'); END;"
    "CREATE TRIGGER cost_rows_no_delete BEFORE DELETE ON cost_rows"
    " BEGIN SELECT RAISE(ABORT, 'cost rows are never deleted'); END;"
    "CREATE TRIGGER settlements_locked BEFORE UPDATE ON settlements"
    " BEGIN SELECT RAISE(ABORT, 'a settlement is locked'); END;";

/* Version 4: dispatch, returned mail, receipts waiting to be published, purge. */
static const char schema_v4[] =
    "ALTER TABLE jobs ADD COLUMN dispatched_on TEXT;"
    "ALTER TABLE jobs ADD COLUMN dispatched_at TEXT;"
    "ALTER TABLE jobs ADD COLUMN dispatch_note TEXT;"
    "ALTER TABLE jobs ADD COLUMN cancelled_at TEXT;"
    "ALTER TABLE jobs ADD COLUMN cancel_reason TEXT;"
    "ALTER TABLE receipts ADD COLUMN published INTEGER NOT NULL DEFAULT 1;"
    "CREATE INDEX receipts_pending ON receipts(published) WHERE published = 0;"
    "ALTER TABLE letters ADD COLUMN purged_at TEXT;"
    "CREATE TABLE returns ("
    " letter_id TEXT PRIMARY KEY REFERENCES letters(id), piece TEXT NOT NULL,"
    " code TEXT NOT NULL, returned_on TEXT NOT NULL, at TEXT NOT NULL,"
    " reason TEXT NOT NULL CHECK (reason IN ('UNKNOWN_ADDRESSEE', 'MOVED', 'REFUSED', 'OTHER')),"
    " handling TEXT NOT NULL CHECK (handling IN ('SHREDDED', 'FORWARD', 'FORWARDED')),"
    " source TEXT NOT NULL, forwarded_at TEXT);"
    "CREATE INDEX returns_day ON returns(returned_on);";

/* Version 5: what makes a message the same message (the digest of its business message),
 * and how often an entry was in hand when the engine went down. */
static const char schema_v5[] =
    "ALTER TABLE letters ADD COLUMN message_digest TEXT;"
    "CREATE TABLE attempts ("
    " letter_id TEXT PRIMARY KEY, count INTEGER NOT NULL, last_at TEXT NOT NULL);";

/*
 * Version 6: the job's and the letter's whole life as checked states, operator holds, the
 * sender's print instructions. SQLite cannot add a CHECK to a table, so letters and jobs
 * are rebuilt (foreign keys are off for the migration, see migrate()). A v5 job is mapped
 * from what it recorded: cancelled, dispatched, reconciled (a piece has a result) or as it
 * was; a v5 letter PRINTED whose piece was never read is PLANNED (its job was published,
 * not confirmed printed), QUEUED is PLANNED. The CHECK lists are state.h's (LETTER_STATES_SQL,
 * JOB_STATES_SQL).
 */
#define LETTER_COLS "id, carrier, entry_name, state, reason, detail, message_id," \
    " conversation_id, authenticated, duplicate_of, sbdh_sender, avsender," \
    " avsenderidentifikator, faktura_referanse, created, expected_response, posttype, colour," \
    " return_handling, documents, pages, received_at, updated_at, layout, layout_reason," \
    " content_sheets, sheets, envelope, weight_mg, posted_on, purged_at, message_digest"
#define JOB_COLS "id, name, parent, colour, envelope, stock, posttype, layout, marks, state," \
    " day, opened_at, due_at, closed_at, letters, sheets, pages, dispatched_on," \
    " dispatched_at, dispatch_note, cancelled_at, cancel_reason"

static const char schema_v6[] =
    "UPDATE letters SET state = '" LETTER_PLANNED "' WHERE state = '" V5_QUEUED "' OR"
    " (state = '" LETTER_PRINTED "' AND (SELECT p.state FROM pieces p WHERE"
    " p.letter_id = letters.id ORDER BY p.job_id DESC LIMIT 1) IN ('" V5_QUEUED "', '"
    PIECE_PRINTED "'));"
    "CREATE TABLE jobs_v6 ("
    " id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, parent INTEGER REFERENCES jobs(id),"
    " colour TEXT NOT NULL, envelope TEXT NOT NULL, stock TEXT NOT NULL, posttype TEXT NOT NULL,"
    " layout TEXT NOT NULL, marks TEXT NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN (" JOB_STATES_SQL ")),"
    " day TEXT NOT NULL, opened_at TEXT NOT NULL, due_at TEXT NOT NULL, closed_at TEXT,"
    " letters INTEGER NOT NULL DEFAULT 0, sheets INTEGER NOT NULL DEFAULT 0, pages INTEGER,"
    " dispatched_on TEXT, dispatched_at TEXT, dispatch_note TEXT, cancelled_at TEXT,"
    " cancel_reason TEXT, printed_at TEXT, printed_by TEXT, reconciled_at TEXT, held_at TEXT,"
    " hold_reason TEXT);"
    "INSERT INTO jobs_v6 (" JOB_COLS ") SELECT " JOB_COLS " FROM jobs;"
    "UPDATE jobs_v6 SET state = CASE WHEN cancelled_at IS NOT NULL THEN '" JOB_CANCELLED "'"
    " WHEN dispatched_on IS NOT NULL THEN '" JOB_DISPATCHED "'"
    " WHEN EXISTS (SELECT 1 FROM pieces p WHERE p.job_id = jobs_v6.id AND p.state NOT IN"
    " ('" V5_QUEUED "', '" PIECE_PRINTED "')) THEN '" JOB_RECONCILED "' ELSE state END"
    " WHERE state = '" JOB_CLOSED "';"
    "UPDATE pieces SET state = '" PIECE_PLANNED "' WHERE state IN ('" V5_QUEUED "', '"
    PIECE_PRINTED "');"
    "DROP TABLE jobs;"
    "ALTER TABLE jobs_v6 RENAME TO jobs;"
    "CREATE INDEX jobs_state ON jobs(state);"
    "CREATE TABLE letters_v6 ("
    " id TEXT PRIMARY KEY, carrier TEXT NOT NULL, entry_name TEXT,"
    " state TEXT NOT NULL CHECK (state IN (" LETTER_STATES_SQL ")),"
    " reason TEXT, detail TEXT, message_id TEXT, conversation_id TEXT,"
    " authenticated INTEGER NOT NULL DEFAULT 0, duplicate_of TEXT,"
    " sbdh_sender TEXT, avsender TEXT, avsenderidentifikator TEXT, faktura_referanse TEXT,"
    " created TEXT, expected_response TEXT, posttype TEXT, colour TEXT, return_handling TEXT,"
    " documents INTEGER, pages INTEGER, received_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
    " layout TEXT, layout_reason TEXT, content_sheets INTEGER, sheets INTEGER, envelope TEXT,"
    " weight_mg INTEGER, posted_on TEXT, purged_at TEXT, message_digest TEXT,"
    " held_at TEXT, hold_reason TEXT, print_instructions TEXT);"
    "INSERT INTO letters_v6 (" LETTER_COLS ") SELECT " LETTER_COLS " FROM letters;"
    "DROP TABLE letters;"
    "ALTER TABLE letters_v6 RENAME TO letters;"
    "CREATE UNIQUE INDEX letters_message ON letters(message_id)"
    " WHERE authenticated = 1 AND duplicate_of IS NULL;"
    "CREATE INDEX letters_state ON letters(state);"
    "CREATE INDEX letters_posted ON letters(posted_on);";

/*
 * Version 7: a piece's state is checked too (the list is state.h's PIECE_STATES_SQL). The
 * pieces table is rebuilt as v6 rebuilt letters and jobs: every column and row copied, its
 * index made again; nothing refers to pieces, and foreign keys are checked before the commit.
 */
#define PIECE_COLS "job_id, letter_id, seq, code, layout, sheets, first_sheet, weight_mg," \
    " reprint_of, state, scan"

static const char schema_v7[] =
    "CREATE TABLE pieces_v7 ("
    " job_id INTEGER NOT NULL REFERENCES jobs(id), letter_id TEXT NOT NULL REFERENCES letters(id),"
    " seq INTEGER, code TEXT UNIQUE, layout TEXT NOT NULL, sheets INTEGER NOT NULL,"
    " first_sheet INTEGER, weight_mg INTEGER NOT NULL, reprint_of TEXT UNIQUE,"
    " state TEXT NOT NULL CHECK (state IN (" PIECE_STATES_SQL ")),"
    " scan TEXT, PRIMARY KEY (job_id, letter_id));"
    "INSERT INTO pieces_v7 (" PIECE_COLS ") SELECT " PIECE_COLS " FROM pieces;"
    "DROP TABLE pieces;"
    "ALTER TABLE pieces_v7 RENAME TO pieces;"
    "CREATE INDEX pieces_letter ON pieces(letter_id);";

static const char *const migrations[] = {NULL, NULL, schema_v2, schema_v3, schema_v4, schema_v5,
                                         schema_v6, schema_v7};

/* Rows whose foreign keys point nowhere (0 none, else 1). */
static int foreign_key_errors(struct ledger *l)
{
    return ledger_one(ledger_stmt(l, "PRAGMA foreign_key_check", ""), NULL, NULL) == LEDGER_NONE
               ? 0 : 1;
}

static int migrate(struct ledger *l, char **msg)
{
    int v = (int)ledger_one_int(ledger_stmt(l, "PRAGMA user_version", "")), rc;

    if (v < 0 || v >= SCHEMA_VERSION)
        return v < 0 ? SQLITE_ERROR : SQLITE_OK;
    /* tables are rebuilt (v6, v7): foreign keys off for it (a no-op inside a transaction), and
     * checked before the commit */
    rc = sqlite3_exec(l->db, "PRAGMA foreign_keys=OFF; BEGIN IMMEDIATE", NULL, NULL, msg);
    for (v = v < 1 ? 1 : v; rc == SQLITE_OK && v < SCHEMA_VERSION; v++)
        rc = sqlite3_exec(l->db, migrations[v + 1], NULL, NULL, msg);
    if (rc == SQLITE_OK && foreign_key_errors(l) != 0) {
        *msg = sqlite3_mprintf("the migrated ledger fails its foreign-key check");
        rc = SQLITE_CONSTRAINT;
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(l->db, "PRAGMA user_version=" G_STRINGIFY(SCHEMA_VERSION) "; COMMIT",
                          NULL, NULL, msg);
    if (rc != SQLITE_OK)
        sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_exec(l->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    return rc;
}

/*
 * The error that failed the transaction, kept from before the rollback: SQLite rolls back
 * by itself on SQLITE_FULL or SQLITE_IOERR, and our own ROLLBACK then overwrites the
 * message with "cannot rollback - no transaction is active".
 */
static void keep_error(struct ledger *l, const char *fallback)
{
    int code = sqlite3_extended_errcode(l->db);

    if (l->first_error[0])
        return;
    if (code != SQLITE_OK && code != SQLITE_DONE && code != SQLITE_ROW)
        g_snprintf(l->first_error, sizeof l->first_error, "%s (SQLite error %d)",
                   sqlite3_errmsg(l->db), code);
    else if (fallback)
        g_strlcpy(l->first_error, fallback, sizeof l->first_error);
}

const char *ledger_error(struct ledger *l)
{
    return l->first_error[0] ? l->first_error : sqlite3_errmsg(l->db);
}

int ledger_open(struct ledger **out, const char *path, char **err)
{
    struct ledger *l = g_new0(struct ledger, 1);
    char *msg = NULL;
    int rc;

    *out = NULL;
    rc = sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                         SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(l->db, 5000);
        rc = ledger_piece_code_register(l->db);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_exec(l->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                          "PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;", NULL, NULL, &msg);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(l->db, schema, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        rc = migrate(l, &msg);
    if (rc != SQLITE_OK) {
        *err = g_strdup_printf("ledger %s: %s", path, msg ? msg : sqlite3_errmsg(l->db));
        sqlite3_free(msg);
        ledger_close(l);
        return -1;
    }
    *out = l;
    return 0;
}

void ledger_close(struct ledger *l)
{
    if (!l)
        return;
    sqlite3_close(l->db);
    g_free(l);
}

int ledger_begin(struct ledger *l)
{
    l->first_error[0] = 0;
    if (sqlite3_exec(l->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    keep_error(l, NULL);
    return -1;
}

int ledger_commit(struct ledger *l)
{
    int rc;

    if (fault_point("commit") < 0) {
        keep_error(l, "injected fault at commit");
        ledger_rollback(l);
        return -1;
    }
    rc = sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        ledger_rollback(l);
        return -1;
    }
    /* After a durable commit an error report would be false; only a crash is injected here. */
    (void)fault_point("committed");
    return 0;
}

void ledger_rollback(struct ledger *l)
{
    keep_error(l, NULL);
    sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * ledger_mark, ledger_unmark, ledger_undo_mark - a savepoint inside the open transaction:
 * one letter of a group commit (pipeline/finish.c) kept or taken back on its own.
 */
static int exec_kept(struct ledger *l, const char *sql)
{
    if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    keep_error(l, NULL);
    return -1;
}

int ledger_mark(struct ledger *l) { return exec_kept(l, "SAVEPOINT letter"); }

int ledger_unmark(struct ledger *l) { return exec_kept(l, "RELEASE letter"); }

void ledger_undo_mark(struct ledger *l)
{
    sqlite3_exec(l->db, "ROLLBACK TO letter", NULL, NULL, NULL);
    sqlite3_exec(l->db, "RELEASE letter", NULL, NULL, NULL);
}

int ledger_finish(struct ledger *l, int rc)
{
    if (rc == 0)
        return ledger_commit(l);
    ledger_rollback(l);
    return rc;
}

/* Bind the next argument (of type letter t) to parameter n; SQLITE_MISUSE for no such letter. */
static int bind_one(sqlite3_stmt *st, int n, char t, va_list *ap)
{
    long long v;

    switch (t) {
    case 's':
        return sqlite3_bind_text(st, n, va_arg(*ap, const char *), -1, SQLITE_TRANSIENT);
    case 'i':
        return sqlite3_bind_int(st, n, va_arg(*ap, int));
    case 'l':
        return sqlite3_bind_int64(st, n, va_arg(*ap, long long));
    case 'I':
    case 'L':
        v = t == 'I' ? va_arg(*ap, int) : va_arg(*ap, long long);
        return v < 0 ? sqlite3_bind_null(st, n) : sqlite3_bind_int64(st, n, v);
    default:
        return SQLITE_MISUSE;
    }
}

/*
 * ledger_stmt - prepare sql and bind the arguments described by types (ledger_internal.h).
 * Every failure is a programming error or the database failing: it is logged with the
 * statement, and NULL returned, so that the caller's step reports an error.
 */
sqlite3_stmt *ledger_stmt(struct ledger *l, const char *sql, const char *types, ...)
{
    sqlite3_stmt *st = NULL;
    va_list ap;
    int i, rc = sqlite3_prepare_v2(l->db, sql, -1, &st, NULL);

    if (rc != SQLITE_OK) {
        log_error("ledger: %s (SQLite error %d) preparing \"%.60s\"", sqlite3_errmsg(l->db), rc,
                  sql);
        return NULL;
    }
    if ((int)strlen(types) != sqlite3_bind_parameter_count(st)) {
        log_error("ledger: %d argument(s) \"%s\" for %d parameter(s) of \"%.60s\"",
                  (int)strlen(types), types, sqlite3_bind_parameter_count(st), sql);
        sqlite3_finalize(st);
        return NULL;
    }
    va_start(ap, types);
    for (i = 0; rc == SQLITE_OK && types[i]; i++)
        rc = bind_one(st, i + 1, types[i], &ap);
    va_end(ap);
    if (rc != SQLITE_OK) {
        log_error("ledger: binding argument %d ('%c') of \"%.60s\": SQLite error %d", i,
                  types[i - 1], sql, rc);
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

int ledger_step_done(sqlite3_stmt *st)
{
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;

    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * ledger_insert_letter - write the letter's own row: a new one, or (a deferred letter
 * verified again) its own earlier one, column by column. Never a replace: a conflict with
 * another letter's row (the message-id index) is an error, so no write can delete a letter.
 */
int ledger_insert_letter(struct ledger *l, const struct letter_row *w)
{
    return ledger_step_done(ledger_stmt(l,
        "INSERT INTO letters (id, carrier, entry_name, state, reason, detail,"
        " message_id, conversation_id, authenticated, duplicate_of, sbdh_sender, avsender,"
        " avsenderidentifikator, faktura_referanse, created, expected_response, posttype, colour,"
        " return_handling, documents, pages, received_at, updated_at, message_digest,"
        " print_instructions) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?22,?22,?23,?24)"
        " ON CONFLICT(id) DO UPDATE SET carrier = excluded.carrier,"
        " entry_name = COALESCE(letters.entry_name, excluded.entry_name), state = excluded.state,"
        " reason = excluded.reason, detail = excluded.detail, message_id = excluded.message_id,"
        " conversation_id = excluded.conversation_id, authenticated = excluded.authenticated,"
        " duplicate_of = excluded.duplicate_of, sbdh_sender = excluded.sbdh_sender,"
        " avsender = excluded.avsender, avsenderidentifikator = excluded.avsenderidentifikator,"
        " faktura_referanse = excluded.faktura_referanse, created = excluded.created,"
        " expected_response = excluded.expected_response, posttype = excluded.posttype,"
        " colour = excluded.colour, return_handling = excluded.return_handling,"
        " documents = excluded.documents, pages = excluded.pages,"
        " updated_at = excluded.updated_at, message_digest = excluded.message_digest,"
        " print_instructions = excluded.print_instructions",
        "ssssssss" "i" "ssssssssss" "II" "sss", w->id, w->carrier, w->entry_name,
        letter_state_name(w->state), w->reason,
        w->detail, w->message_id, w->conversation_id, w->authenticated ? 1 : 0, w->duplicate_of,
        w->sbdh_sender, w->avsender, w->avsenderidentifikator, w->faktura_referanse, w->created,
        w->expected_response, w->posttype, w->colour, w->return_handling, w->documents, w->pages,
        w->at, w->message_digest, w->print_instructions));
}

/* One more attempt at an entry that was in hand when the engine stopped; the new count. */
int ledger_bump_attempt(struct ledger *l, const char *letter_id, const char *at)
{
    return (int)ledger_one_int(ledger_stmt(l,
        "INSERT INTO attempts (letter_id, count, last_at) VALUES (?1, 1, ?2)"
        " ON CONFLICT(letter_id) DO UPDATE SET count = count + 1, last_at = ?2 RETURNING count",
        "ss", letter_id, at));
}

/*
 * The upserts below name their columns: a conflict updates the row in place, so columns a
 * later schema version adds keep their values (INSERT OR REPLACE would delete the row and
 * write a new one with those columns empty).
 */
int ledger_insert_address(struct ledger *l, const char *letter_id, const char *role,
                          const struct address_row *a)
{
    return ledger_step_done(ledger_stmt(l,
        "INSERT INTO addresses (letter_id, role, navn, adresselinje1, adresselinje2,"
        " adresselinje3, adresselinje4, postnummer, poststed, land, landkode)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(letter_id, role) DO UPDATE SET"
        " navn = excluded.navn, adresselinje1 = excluded.adresselinje1,"
        " adresselinje2 = excluded.adresselinje2, adresselinje3 = excluded.adresselinje3,"
        " adresselinje4 = excluded.adresselinje4, postnummer = excluded.postnummer,"
        " poststed = excluded.poststed, land = excluded.land, landkode = excluded.landkode",
        "sssssssssss",
        letter_id, role, a->navn, a->linje[0], a->linje[1], a->linje[2], a->linje[3],
        a->postnummer, a->poststed, a->land, a->landkode));
}

int ledger_insert_document(struct ledger *l, const char *letter_id, int seq, const char *role,
                           const char *mime, long long bytes, int pages, const char *version)
{
    return ledger_step_done(ledger_stmt(l,
        "INSERT INTO documents (letter_id, seq, role, mime, bytes, pages, pdf_version)"
        " VALUES (?,?,?,?,?,?,?) ON CONFLICT(letter_id, seq) DO UPDATE SET role = excluded.role,"
        " mime = excluded.mime, bytes = excluded.bytes, pages = excluded.pages,"
        " pdf_version = excluded.pdf_version", "sisslIs", letter_id, seq, role, mime, bytes,
        pages, version));
}

int ledger_add_event(struct ledger *l, const char *letter_id, const char *at, const char *event,
                     const char *detail)
{
    return ledger_step_done(ledger_stmt(l,
        "INSERT INTO events (letter_id, at, event, detail) VALUES (?,?,?,?)", "ssss", letter_id,
        at, event, detail));
}

int ledger_insert_receipt(struct ledger *l, const struct receipt_row *r)
{
    return ledger_step_done(ledger_stmt(l,
        "INSERT OR IGNORE INTO receipts (id, letter_id, type, feiltype, file_name, jws,"
        " created_at) VALUES (?,?,?,?,?,?,?)", "sssssss", r->id, r->letter_id,
        r->type, r->feiltype, r->file_name, r->jws, r->created_at));
}

int ledger_integrity(struct ledger *l)
{
    char *verdict = NULL;
    int ok = ledger_one_string(ledger_stmt(l, "PRAGMA integrity_check", ""), &verdict) ==
             LEDGER_FOUND && g_strcmp0(verdict, "ok") == 0;

    g_free(verdict);
    return ok ? 0 : -1;
}

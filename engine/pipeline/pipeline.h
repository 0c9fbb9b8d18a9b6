/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pipeline.h - one forsendelse's way from incoming/ to its terminal place.
 *
 *  claim ──▶ verify (in memory) ──▶ commit (ledger row + signed receipt, one transaction)
 *        ──▶ finish (publish receipt, reason file, rename into accepted/ failed/ quarantine/)
 *
 * Invariants: (1) every claimed entry ends in exactly one terminal directory; (2) the spool
 * rename follows the commit, and `finish` can be replayed from the ledger alone, which is
 * what start-up recovery does for entries left in active/; (3) a message id is accepted at
 * most once; (4) decrypted bytes exist only in memory and are wiped after verification.
 */
#ifndef TRYKK_PIPELINE_H
#define TRYKK_PIPELINE_H

#include "../crypto/crypto.h"
#include "../intake/intake.h"
#include "../ledger/ledger.h"
#include "../receipts/receipts.h"
#include "../spool/spool.h"

enum check_time { CHECK_NOW, CHECK_MESSAGE };

/* What the verifying child may use (isolate.c): [limits] worker_memory_mib, worker_cpu_seconds;
 * and how many of them work at once, [limits] workers. */
struct isolate_limits {
    size_t memory;      /* bytes of heap and anonymous memory (RLIMIT_DATA) */
    int cpu_seconds;    /* RLIMIT_CPU; the wall-clock limit is three times this */
    int workers;        /* [limits] workers: children at once (run.c); 0 read as one per core */
};

/* The intake's context, prepared once from the configuration: the only one that holds the
 * keys. Other modules get a narrow context of their own (cli/contexts.c). */
struct engine {
    char *orgnr;
    struct keypair keys[2]; /* current, previous (during a rollover) */
    size_t nkeys;
    struct receipt_signer signer;
    struct trust *trust;
    enum check_time check_time;
    int max_skew_days;
    struct carrier_limits carrier_limits;
    struct asice_limits zip_limits;
    double page_tolerance_mm;
    int max_pages;            /* per letter, over all its documents */
    int retry_deadline_hours; /* when the message names no expectedResponseDateTime */
    struct isolate_limits isolate;
    struct spool spool;
    struct ledger *ledger;
    struct receipts_ctx receipts; /* borrows ledger, spool, signer and orgnr from here */
};

struct doc_info {
    char *mime;
    size_t bytes;
    int pages;
    char version[8];
};

/* The working state of verification, inside the child: parsed, hostile, never leaves it. */
struct verdict_info {
    struct reason r;
    struct carrier carrier;
    struct legacy legacy;  /* carrier (c) only */
    struct message msg;
    struct identity who;
    bool have_identity, rules_ok, msg_signed, fingerprint_ok, authenticated;
    char digest[65];       /* SHA-256 (hex) of the business message bytes */
    X509 *signer;
    STACK_OF(X509) *chain;
    GArray *docs; /* struct doc_info */
    int pages;
};

/* Phase one (carrier to fingerprint), phase two (decrypt to PDFs), or both in this process. */
void verify_message(struct engine *e, const char *path, struct verdict_info *v);
void verify_package(struct engine *e, struct verdict_info *v);
void verify_entry(struct engine *e, const char *path, struct verdict_info *v);
void verdict_info_free(struct verdict_info *v);

/*
 * The verdict as the engine sees it: plain values the child reported (wire.c), never a
 * parser's structures. Every string is borrowed from wire, which the struct owns.
 */
struct decision {
    json_t *wire;
    struct reason r;
    enum carrier_kind carrier; /* 0: unknown */
    bool have_identity, rules_ok, msg_signed, fingerprint_ok, authenticated;
    struct identity who;
    const char *authority; /* carrier (c): the SBDH Authority spelling */
    const char *digest;
    const char *faktura_referanse, *created, *expected_response, *posttype, *colour,
        *return_handling, *print_instructions;
    struct address recipient, retur;
    GArray *docs; /* struct doc_info */
    int pages;
    char *duplicate_of; /* set by the engine: the letter that holds this message id */
};

/* wire.c: the child's report as JSON, and back. decision_parse refuses a malformed report. */
json_t *verdict_report(const struct verdict_info *v, int phase);
int decision_parse(struct decision *out, json_t *wire);
void decision_free(struct decision *v);
/* A verdict for an entry no child could report on (no identity unless from phase one). */
void decision_set(struct decision *v, enum verdict verdict, const char *code,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* isolate.c: verify the entry at path in a bounded child. When the phase-one report names a
 * message id held by another letter, check_duplicate (may be NULL) decides: it returns true
 * to stop there (it has set the verdict). The verdict always ends filled. */
typedef bool (*duplicate_fn)(struct engine *e, struct decision *v);
/* What the child does to itself before it reads the entry (limits, descriptors, seccomp);
 * report_fd becomes descriptor 3. For the child, and for the test that proves it holds. */
int isolate_confine(const struct isolate_limits *lim, int report_fd);

/* A token key's key transport for the child, answered by the engine (unwrap.c). */
bool unwrap_needed(const struct engine *e);
void unwrap_route_child(struct engine *e, void (*send)(json_t *), int reply_fd);
bool unwrap_answer(struct engine *e, json_t *req, int reply_fd, int *count);
void isolate_verify(struct engine *e, const char *path, duplicate_fn check_duplicate,
                    struct decision *out);
/* The same, as a job among several (run.c's pool of W children): isolate_fd is the report
 * pipe to poll (-1 once done) until isolate_deadline (monotonic µs); isolate_pump reads what is
 * there (true when the job is done); isolate_end, called in claim order, runs the duplicate
 * check against the earlier letters' verdicts, fills out and frees the job. */
struct isolate_job;
struct isolate_job *isolate_start(struct engine *e, const char *path);
int isolate_fd(const struct isolate_job *j);
gint64 isolate_deadline(const struct isolate_job *j);
bool isolate_pump(struct isolate_job *j);
void isolate_end(struct isolate_job *j, duplicate_fn check_duplicate, struct decision *out);

/* pool.c: up to [limits] workers children at once; each entry handed on (done) in claim
 * order once its child is done; done ends the job (isolate_end). -1: a done said so. */
struct pool;
typedef int (*pool_done_fn)(void *ctx, const char *id, const char *entry_name,
                            struct isolate_job *j);
int pool_workers(const struct engine *e);
struct pool *pool_new(struct engine *e, pool_done_fn done, void *ctx);
int pool_add(struct pool *p, const char *id, const char *entry_name);
int pool_drain(struct pool *p);
void pool_free(struct pool *p);

enum outcome { OUT_ACCEPTED, OUT_FAILED, OUT_QUARANTINED, OUT_DEFERRED, OUT_HELD, OUT_STOP };

/* Commit the verdict and move the entry (active/<id>) to its place. OUT_STOP: the ledger
 * or the file system failed; the entry stays in active/ for recovery. */
enum outcome commit_letter(struct engine *e, const char *id, const char *entry_name,
                           struct decision *v);
/* A verdict waiting for its group's commit (the strings and the verdict are borrowed). */
struct pending {
    const char *id, *entry_name;
    struct decision *v;
};
/* Commit n verdicts in one transaction and one fsync, then finish each letter in order (its
 * receipt is published only after the commit is durable); out[i]: letter i's outcome. */
void commit_group(struct engine *e, const struct pending *p, size_t n, enum outcome *out);
/* Finish a committed letter from the ledger alone: receipts, reason file, rename. */
enum outcome finish_letter(struct engine *e, const char *id);

/* package.c: the decrypted documents (struct bytes, manifest order) of an accepted letter. */
int letter_documents(struct engine *e, const char *id, GArray **out, char **err);
void letter_documents_free(GArray *docs);

struct run_stats {
    int claimed, accepted, failed, quarantined, deferred, held, recovered;
};

int run_recover(struct engine *e, struct run_stats *st);

/* Process what is due in deferred/ and everything in incoming/. -1 when a run had to stop. */
int run_once(struct engine *e, struct run_stats *st, bool progress);
/* One turn of the daemon under the spool lock. */
struct run_turn {
    int max;            /* entries at most (deferred retries and claims); 0: no bound */
    bool (*stop)(void); /* when it says so, the pass ends after the letter in hand; NULL */
    bool sweep;         /* recovery also removes unfinished temporary files (it reads every
                         * spool directory: at start and once a day is enough, their names
                         * are the writer's pid, never taken again by a live one) */
};
/* run_once for one turn: 1 when it ended at max or on stop, with entries maybe left; 0 when
 * it went through everything; -1 when a run had to stop. */
int run_batch(struct engine *e, struct run_stats *st, const struct run_turn *t);

#endif

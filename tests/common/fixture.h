/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fixture.h - what the tests share: a private test root with its own CA, sending agencies,
 * provider key and certificate, trust anchors, configuration and spool; letters built by the
 * forge and dropped like a broker would; the real trykk binary run as a subprocess.
 */
#ifndef TRYKK_TEST_FIXTURE_H
#define TRYKK_TEST_FIXTURE_H

#include "forge/forge.h"
#include "ledger/ledger.h"

#define FX_PROVIDER "974761076"
#define FX_SENDER "910000001"
#define FX_OTHER "910000002"

struct fixture {
    char *root, *spool, *conf;
    struct forge_party ca, sender, other_org, untrusted, expired, provider, stranger;
};

void fx_init(struct fixture *f, const char *extra_config);
/* Digdir's 2023 sample (FX_DIGDIR_SAMPLE): a fresh root named after tmpl with the root,
 * spool and conf paths set (no configuration written) and anchors/ holding the sample's
 * signer, pinned (its certificate has expired; check at the message's time). */
#define FX_DIGDIR_SAMPLE TRYKK_SHARED_DIR "/conformance/digdir-2023-utskrift/"
void fx_digdir_root(struct fixture *f, const char *tmpl);
void fx_free(struct fixture *f);
/* A valid letter from FX_SENDER to us; callers change fields for their case. */
void fx_letter(struct fixture *f, struct forge_letter *l);
void fx_drop(struct fixture *f, const char *name, char kind, const char *jwt,
             const struct bytes *cms);
void fx_drop_letter(struct fixture *f, const char *name, char kind, const struct forge_letter *l);
/* Run `trykk --config … ARGS`; returns the exit status, stderr in *err_out (optional). */
int fx_trykk(struct fixture *f, char **err_out, const char *const *args, const char *const *env);
/* The same, with stdout in *out_out (optional). */
int fx_trykk_out(struct fixture *f, char **out_out, char **err_out, const char *const *args,
                 const char *const *env);
json_t *fx_letter_by_entry(struct fixture *f, const char *entry_name);
char *fx_read(const char *path);
const char *fx_intake_state(json_t *letter);
/* The one terminal spool directory (accepted, failed, quarantine, hold, deferred) holding
 * letter id, or NULL; two holding it fails the test. */
const char *fx_place_of(struct fixture *f, const char *id);
/* How many names spool directory dir holds. */
int fx_count_dir(struct fixture *f, const char *dir);
/* Paths of the files in outbox/ whose names end in suffix, sorted. */
GPtrArray *fx_outbox(struct fixture *f, const char *suffix);
/* One value (the first column of the first row, or NULL / -1) from a spool's ledger, read
 * only. */
char *fx_sql_str(const char *spool, const char *sql);
long long fx_sql_int(const char *spool, const char *sql);
/* Validate receipt files with the official schemas (node + ajv); true when all are valid. */
bool fx_receipts_valid(GPtrArray *files);
/* Every file under dir whose bytes contain needle (NULL-terminated list). */
GPtrArray *fx_grep_tree(const char *dir, const void *needle, size_t len);
/* Paths under dir whose modes are not 0700 (directories) or 0600 (files). */
GPtrArray *fx_bad_modes(const char *dir);

#endif

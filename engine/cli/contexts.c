/* SPDX-License-Identifier: Apache-2.0 */
/*
 * contexts.c - the narrow contexts of the modules, made from the engine and the
 * configuration: each module gets what it uses (the ledger handle, the spool, the receipt
 * signer) and nothing else; only the intake (struct engine) holds the keys.
 */
#include "cli.h"

struct receipts_ctx engine_receipts(struct engine *e)
{
    struct receipts_ctx rx = {e->ledger, &e->spool, &e->signer, e->orgnr};

    return rx;
}

/* The doc_source of jobs/: the engine decrypts (pipeline/package.c). */
static int fetch_documents(void *engine, const char *letter_id, GArray **docs, char **err)
{
    return letter_documents(engine, letter_id, docs, err);
}

struct jobs_ctx engine_jobs(struct engine *e, struct config *c)
{
    struct jobs_ctx jc = {e->ledger, &e->spool, &e->receipts, c->kf, c->dir, e->orgnr,
                          {fetch_documents, letter_documents_free, e}};

    return jc;
}

struct retention_ctx engine_retention(struct engine *e)
{
    struct retention_ctx rt = {e->ledger, &e->spool};

    return rt;
}

struct returns_ctx engine_returns(struct engine *e)
{
    struct returns_ctx rc = {e->ledger, &e->receipts};

    return rc;
}

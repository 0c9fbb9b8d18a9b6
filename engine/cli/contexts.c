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

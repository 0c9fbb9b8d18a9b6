/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_legacy.c - libFuzzer target: carrier (c), the legacy SDP 1.0 SBD XML.
 *
 * The steps of step_legacy_message: legacy_read (safe parse and mapping onto the DPI
 * payload), message_identity, xmldsig_verify of the enveloped signature, then the field
 * rules on the mapped payload. The rules run even when the signature fails, so the mapping's
 * output is checked on every input the fuzzer makes.
 */
#include "fuzz.h"
#include "intake/intake.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    return 0;
}

static bool signature_ok(struct legacy *lg)
{
    X509 *signer = NULL;
    STACK_OF(X509) *chain = NULL;
    struct reason r = {0};
    bool ok = xmldsig_verify(lg->doc, lg->business, &signer, &chain, &r) == 0;

    X509_free(signer);
    sk_X509_pop_free(chain, X509_free);
    return ok;
}

static bool rules_ok(json_t *payload)
{
    struct message m = {0};
    struct reason r = {0};
    bool ok;

    m.payload = payload;
    m.legacy = true;
    ok = message_check(&m, &r) == 0;
    message_free(&m);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bytes xml = {(unsigned char *)data, size};
    struct legacy lg;
    struct identity id;
    struct reason r = {0};
    json_t *payload = NULL;
    int rc = legacy_read(&lg, &xml, &payload, &r);
    bool sig = false, rules = false;

    if (rc >= 0 && payload)
        message_identity(&id, payload);
    if (rc == 0) {
        sig = signature_ok(&lg);
        rules = rules_ok(payload); /* takes payload */
        payload = NULL;
    }
    json_decref(payload);
    legacy_free(&lg);
    if (sig && rules)
        fuzz_note_ok();
    return 0;
}

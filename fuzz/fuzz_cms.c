/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_cms.c - libFuzzer target: the encrypted document package, CMS EnvelopedData.
 *
 * cms_decrypt with one provider key pair, fuzz/keys/provider-{key,cert}.pem, loaded once.
 * The key is committed (test-only) rather than made at start-up because a valid seed must
 * be encrypted to it: RSA-OAEP and AES-CBC are randomised, so seeds could not be remade to
 * match a fresh key on every run. The cap on the plaintext is the engine's (50 MiB).
 */
#include "fuzz.h"

static struct keypair provider;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    provider.key = fuzz_key("provider-key.pem");
    provider.cert = fuzz_cert("provider-cert.pem");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bytes in = {(unsigned char *)data, size}, plain;
    struct reason r = {0};

    if (size > (50u << 20))
        return -1;
    if (cms_decrypt(&provider, 1, &in, 50u << 20, &plain, &r) == 0) {
        bytes_wipe_free(&plain);
        fuzz_note_ok();
    }
    return 0;
}

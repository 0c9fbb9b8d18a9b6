/*
 * fuzz_asice.c - libFuzzer target: the decrypted document package, an ASiC-E zip.
 *
 * The steps of step_contents: asice_open with the engine's default limits, xades_verify of
 * META-INF/signatures.xml against a fixed signer certificate (fuzz/keys/signer-cert.pem,
 * the one the seeds were signed with), manifest_parse of manifest.xml, then every entry read
 * so the inflate caps see each one. The manifest is parsed whether or not the signature
 * verified.
 */
#include "fuzz.h"
#include "intake/asice.h"
#include "intake/intake.h"

#define SIGNATURES "META-INF/signatures.xml"

static X509 *signer;
/* engine/cli/config.c defaults */
static const struct asice_limits limits = {1000, 50u << 20, 100, 1u << 20};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    signer = fuzz_cert("signer-cert.pem");
    return 0;
}

static bool signature_ok(struct asice *zip)
{
    struct xades_package pkg = {0};
    const struct bytes *sig;
    struct reason r = {0};

    if (!asice_has(zip, SIGNATURES) || asice_read(zip, SIGNATURES, &sig, &r) < 0)
        return false;
    pkg.signatures_xml = sig;
    pkg.entries = asice_names(zip);
    pkg.n_entries = asice_count(zip);
    pkg.read = asice_read_cb;
    pkg.ctx = zip;
    return xades_verify(&pkg, signer, &r) == 0;
}

static bool manifest_ok(struct asice *zip)
{
    const struct bytes *xml;
    struct manifest m = {0};
    struct reason r = {0};
    bool ok;

    if (!asice_has(zip, "manifest.xml") || asice_read(zip, "manifest.xml", &xml, &r) < 0)
        return false;
    ok = manifest_parse(&m, xml, &r) == 0 && m.docs->len > 0;
    manifest_free(&m);
    return ok;
}

static void read_all(struct asice *zip)
{
    const char *const *names = asice_names(zip);
    size_t i, n = asice_count(zip);
    const struct bytes *b;
    struct reason r = {0};

    for (i = 0; i < n; i++)
        asice_read(zip, names[i], &b, &r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bytes in = {(unsigned char *)data, size};
    struct asice *zip = NULL;
    struct reason r = {0};
    bool sig, man;

    if (asice_open(&zip, &in, &limits, &r) < 0)
        return 0;
    sig = signature_ok(zip);
    man = manifest_ok(zip);
    read_all(zip);
    asice_free(zip);
    if (sig && man)
        fuzz_note_ok();
    return 0;
}

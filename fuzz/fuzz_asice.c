/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_asice.c - libFuzzer target: the decrypted document package, an ASiC-E zip.
 *
 * The steps of step_contents: asice_open with the engine's default limits, xades_verify of
 * META-INF/signatures.xml against a fixed signer certificate (fuzz/keys/signer-cert.pem,
 * the one the seeds were signed with), manifest_parse of manifest.xml, then every entry read
 * so the inflate caps see each one. The manifest is parsed whether or not the signature
 * verified.
 *
 * Byte-level mutation of a zip rarely survives libzip's consistency and CRC checks, so in the
 * libFuzzer build a custom mutator mostly mutates one entry (signatures.xml and manifest.xml
 * most often) and zips the package again with the forge; one mutation in four works on the
 * zip bytes themselves.
 */
#include <string.h>
#include "fuzz.h"
#include "forge/forge.h"
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

#ifdef TRYKK_LIBFUZZER
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed);

/* Which entry to mutate: signatures.xml about half the time, manifest.xml a third. */
static size_t pick_entry(const char *const *names, size_t n, unsigned seed)
{
    unsigned roll = (seed >> 2) % 6;
    const char *want = roll < 3 ? SIGNATURES : roll < 5 ? "manifest.xml" : NULL;
    size_t i;

    for (i = 0; want && i < n; i++)
        if (strcmp(names[i], want) == 0)
            return i;
    return (seed >> 5) % n;
}

/* The entries of zip, one of them mutated; -1 when the zip cannot be read. */
static int mutated_entries(struct asice *zip, unsigned seed, GArray *out)
{
    const char *const *names = asice_names(zip);
    size_t i, n = asice_count(zip), victim;
    const struct bytes *b;
    struct reason r = {0};

    if (n == 0)
        return -1;
    victim = pick_entry(names, n, seed);
    for (i = 0; i < n; i++) {
        struct forge_entry e = {g_strdup(names[i]), {NULL, 0}, strcmp(names[i], "mimetype") == 0};
        if (asice_read(zip, names[i], &b, &r) < 0) {
            g_free(e.name);
            return -1;
        }
        e.data.data = g_malloc(b->len + 4096);
        memcpy(e.data.data, b->data, b->len);
        e.data.len = i == victim ? LLVMFuzzerMutate(e.data.data, b->len, b->len + 4096) : b->len;
        g_array_append_val(out, e);
    }
    return 0;
}

static void free_entries(GArray *entries)
{
    guint i;

    for (i = 0; i < entries->len; i++) {
        g_free(g_array_index(entries, struct forge_entry, i).name);
        g_free(g_array_index(entries, struct forge_entry, i).data.data);
    }
    g_array_free(entries, TRUE);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed)
{
    struct bytes in = {data, size}, out = {NULL, 0};
    struct asice *zip = NULL;
    struct reason r = {0};
    GArray *entries = g_array_new(FALSE, TRUE, sizeof(struct forge_entry));
    size_t len = 0;

    if (seed % 4 != 0 && asice_open(&zip, &in, &limits, &r) == 0 &&
        mutated_entries(zip, seed, entries) == 0 && forge_zip(entries, &out) == 0 &&
        out.len <= max_size) {
        memcpy(data, out.data, out.len);
        len = out.len;
    }
    asice_free(zip);
    free_entries(entries);
    bytes_free(&out);
    return len ? len : LLVMFuzzerMutate(data, size, max_size);
}
#endif

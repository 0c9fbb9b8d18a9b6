/* SPDX-License-Identifier: Apache-2.0 */
/*
 * make_seeds.c - writes the fuzz targets' seed corpora (fuzz/corpus/<target>/) with the
 * forge, and the test-only keys they depend on (fuzz/keys/) when those do not exist yet.
 *
 *   build/fuzz/make_seeds FUZZ-DIR [SHARED-DIR]
 *
 * The keys are made once and committed: the CMS seeds are encrypted to the provider key and
 * the package seeds signed with the signer key, and both are randomised (OAEP, AES-CBC IVs),
 * so seeds made at a fuzzer's start-up against a fresh key could not be committed. Running
 * this again rewrites the seeds (same content, new ciphertexts) and leaves other corpus
 * files, such as minimised crashes, alone. With SHARED-DIR (the conformance material) the
 * Digdir 2023 sample message, package and CMS are added as seeds too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include "fuzz.h"
#include "forge/forge.h"
#include "intake/intake.h"

#define SENDER "910000001"
#define PROVIDER "974761076"
#define FROM_2020 1577836800 /* the test keys' validity: 2020-01-01 */
#define TO_2099 4102444799   /* to 2099-12-31 */

/* Which targets get a seed from a letter. */
enum { T_MESSAGE = 1, T_LEGACY = 2, T_ASICE = 4, T_CMS = 8, T_JWT = 16 /* no .json */ };

struct seeds {
    const char *dir;
    struct forge_party signer, provider;
    struct keypair provider_kp;
    unsigned files;
    size_t bytes;
};

static void die(const char *what)
{
    fprintf(stderr, "make_seeds: %s\n", what);
    exit(1);
}

static void put(struct seeds *s, const char *target, const char *name, const void *data,
                size_t len)
{
    char *dir = g_build_filename(s->dir, "corpus", target, NULL);
    char *path = g_build_filename(dir, name, NULL);

    if (g_mkdir_with_parents(dir, 0755) < 0 || !g_file_set_contents(path, data, (gssize)len, NULL))
        die(path);
    s->files++;
    s->bytes += len;
    g_free(dir);
    g_free(path);
}

/* Load keys/<stem>-key.pem and -cert.pem, or make and write them. */
static void party(struct seeds *s, struct forge_party *p, const char *stem, const char *cn,
                  const char *orgnr)
{
    char *k = g_strdup_printf("%s-key.pem", stem), *c = g_strdup_printf("%s-cert.pem", stem);
    char *kp = g_build_filename(s->dir, "keys", k, NULL), *cp = g_build_filename(s->dir, "keys", c, NULL);

    char *dir = g_build_filename(s->dir, "keys", NULL), *err = NULL;

    if (g_file_test(kp, G_FILE_TEST_EXISTS) && g_file_test(cp, G_FILE_TEST_EXISTS)) {
        if (key_load(&p->key, kp, &err) < 0 || cert_load(&p->cert, cp, &err) < 0)
            die(err);
    } else {
        p->key = forge_rsa(2048);
        p->cert = forge_cert(cn, orgnr, p->key, NULL, NULL, FROM_2020, TO_2099, false);
        if (g_mkdir_with_parents(dir, 0755) < 0 || forge_write_key(kp, p->key) < 0 ||
            forge_write_cert(cp, p->cert) < 0)
            die("cannot write the test keys");
        printf("make_seeds: made %s and %s (test-only)\n", kp, cp);
    }
    g_free(k);
    g_free(c);
    g_free(kp);
    g_free(cp);
    g_free(dir);
}

static void base_letter(struct seeds *s, struct forge_letter *l)
{
    memset(l, 0, sizeof *l);
    l->signer = &s->signer;
    l->provider_cert = s->provider.cert;
    l->sender_orgnr = SENDER;
    l->receiver_orgnr = PROVIDER;
    l->message_id = "7d5d2a2e-3c8f-4b37-9a51-0f4a1b2c3d4e";
    l->conversation_id = "0b6f3f7e-8e1a-4c2b-a7d4-5e6f7a8b9c0d";
    l->created = "2026-01-15T11:00:00+01:00";
    l->pdf.body = "Fuzz seed";
}

static void put_named(struct seeds *s, const char *target, const char *name, const char *ext,
                      const void *data, size_t len)
{
    char *file = g_strconcat(name, ext, NULL);

    put(s, target, file, data, len);
    g_free(file);
}

/* The zip inside the CMS, by decrypting it as the engine does. */
static void put_zip(struct seeds *s, const char *name, const struct bytes *cms)
{
    struct bytes zip;
    struct reason r = {0};

    if (cms_decrypt(&s->provider_kp, 1, cms, 50u << 20, &zip, &r) < 0)
        die(r.detail);
    put_named(s, "asice", name, ".zip", zip.data, zip.len);
    bytes_free(&zip);
}

static void letter(struct seeds *s, const char *name, const struct forge_letter *l, int targets)
{
    struct bytes cms;
    char *jwt = NULL, *json, *sbd;
    json_t *msg;

    if (forge_letter_build(l, &jwt, &cms) < 0)
        die(name);
    if (targets & (T_MESSAGE | T_JWT))
        put_named(s, "message", name, ".jwt", jwt, strlen(jwt));
    if (targets & T_MESSAGE) {
        msg = forge_message_json(l, &cms);
        json = json_dumps(msg, JSON_INDENT(1));
        put_named(s, "message", name, ".json", json, strlen(json));
        free(json);
        json_decref(msg);
    }
    if (targets & T_LEGACY) {
        if (!(sbd = forge_legacy_sbd(l, &cms, NULL)))
            die(name);
        put_named(s, "legacy", name, ".xml", sbd, strlen(sbd));
        g_free(sbd);
    }
    if (targets & T_ASICE)
        put_zip(s, name, &cms);
    if (targets & T_CMS)
        put_named(s, "cms", name, ".cms", cms.data, cms.len);
    g_free(jwt);
    bytes_free(&cms);
}

static void letters(struct seeds *s)
{
    struct forge_letter l;

    base_letter(s, &l);
    letter(s, "letter", &l, T_MESSAGE | T_LEGACY | T_ASICE | T_CMS);
    l.colour = "FARGE";
    l.posttype = "A";
    l.return_handling = "MAKULERING_MED_MELDING";
    l.avsenderidentifikator = "avd-42";
    l.faktura_referanse = "F-2026-001";
    l.navn = "Åse Ødegård";
    letter(s, "farge-a-prioritert", &l, T_MESSAGE | T_LEGACY);
    base_letter(s, &l);
    l.landkode = "SE";
    l.adresse = "Drottninggatan 1";
    letter(s, "utland", &l, T_MESSAGE | T_LEGACY);
    base_letter(s, &l);
    l.alg = "RS512";
    letter(s, "rs512", &l, T_JWT);
}

/* Package variants: the 2014 clients' style, and defects the engine must reject. */
static void packages(struct seeds *s)
{
    struct forge_letter l;

    base_letter(s, &l);
    l.xades_flags = XADES_C14N11 | XADES_NS_2918;
    l.documents = 2;
    letter(s, "style-2014-two-docs", &l, T_ASICE);
    base_letter(s, &l);
    l.extra_unsigned_entry = true;
    letter(s, "unsigned-entry", &l, T_ASICE);
    base_letter(s, &l);
    l.dotdot_entry = true;
    letter(s, "dotdot-entry", &l, T_ASICE);
    base_letter(s, &l);
    l.manifest_doctype = true;
    letter(s, "manifest-doctype", &l, T_ASICE);
    base_letter(s, &l);
    l.change_pdf_after_signing = true;
    letter(s, "pdf-changed-after-signing", &l, T_ASICE);
}

static void legacy_authority(struct seeds *s)
{
    struct forge_letter l;
    struct bytes cms;
    char *jwt = NULL, *sbd;

    base_letter(s, &l);
    if (forge_letter_build(&l, &jwt, &cms) < 0 || !(sbd = forge_legacy_sbd(&l, &cms, "iso6523")))
        die("legacy authority");
    put(s, "legacy", "authority-iso6523.xml", sbd, strlen(sbd));
    g_free(sbd);
    g_free(jwt);
    bytes_free(&cms);
}

/* Small CMS seeds: a few bytes to us (fast to mutate), and a package to someone else. */
static void small_cms(struct seeds *s)
{
    struct bytes plain = {(unsigned char *)"trykk fuzz seed", 15}, cms;

    if (forge_encrypt(&plain, s->provider.cert, &cms) < 0)
        die("small cms");
    put(s, "cms", "small.cms", cms.data, cms.len);
    bytes_free(&cms);
    if (forge_encrypt(&plain, s->signer.cert, &cms) < 0)
        die("other recipient cms");
    put(s, "cms", "other-recipient.cms", cms.data, cms.len);
    bytes_free(&cms);
}

static void forged_pdf(struct seeds *s, const char *name, const struct forge_pdf *o)
{
    struct bytes pdf;

    if (forge_pdf_make(o, &pdf) < 0)
        die(name);
    put(s, "pdf", name, pdf.data, pdf.len);
    bytes_free(&pdf);
}

static void forged_pdfs(struct seeds *s)
{
    forged_pdf(s, "a4.pdf", &(struct forge_pdf){.body = "Fuzz seed"});
    forged_pdf(s, "three-pages.pdf", &(struct forge_pdf){.pages = 3, .body = "Side"});
    forged_pdf(s, "rotate-90.pdf", &(struct forge_pdf){.rotate = 90,
                                                        .body = "Rotert"});
    forged_pdf(s, "letter-size.pdf", &(struct forge_pdf){.width_mm = 215.9, .height_mm = 279.4,
                                                          .body = "US Letter"});
    forged_pdf(s, "encrypted.pdf", &(struct forge_pdf){.encrypt = true, .body = "Hemmelig"});
    forged_pdf(s, "unembedded-font.pdf", &(struct forge_pdf){.unembedded_font = true});
    forged_pdf(s, "version-2.0.pdf", &(struct forge_pdf){.force_version = "2.0", .body = "2.0"});
    forged_pdf(s, "press.pdf", &(struct forge_pdf){.press = true, .body = "CMYK"});
}

/* A hand-written PDF from its objects (1 0 obj …), with a correct xref table. */
static void tiny_pdf(struct seeds *s, const char *name, const char *version,
                     const char *const *objs, int n)
{
    GString *p = g_string_new(NULL);
    long *off = g_new(long, n);
    long xref;
    int i;

    g_string_printf(p, "%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n", version);
    for (i = 0; i < n; i++) {
        off[i] = (long)p->len;
        g_string_append_printf(p, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    xref = (long)p->len;
    g_string_append_printf(p, "xref\n0 %d\n0000000000 65535 f \n", n + 1);
    for (i = 0; i < n; i++)
        g_string_append_printf(p, "%010ld 00000 n \n", off[i]);
    g_string_append_printf(p, "trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%ld\n%%%%EOF\n",
                           n + 1, xref);
    put(s, "pdf", name, p->str, p->len);
    g_string_free(p, TRUE);
    g_free(off);
}

#define TEXT "BT /F1 12 Tf 72 720 Td (Hei) Tj ET"

static void tiny_pdfs(struct seeds *s)
{
    static const char *const plain[] = {
        "<</Type/Catalog/Pages 2 0 R>>",
        "<</Type/Pages/Kids[3 0 R]/Count 1>>",
        "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595.28 841.89]/Resources<</Font<</F1 4 0 R>>>>"
        "/Contents 5 0 R>>",
        "<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
        "<</Length 34>>stream\n" TEXT "\nendstream"};
    /* inherited MediaBox and Rotate, a CropBox, a form XObject with an unembedded font */
    static const char *const form[] = {
        "<</Type/Catalog/Pages 2 0 R>>",
        "<</Type/Pages/Kids[3 0 R]/Count 1/MediaBox[0 0 842 595]/Rotate 270>>",
        "<</Type/Page/Parent 2 0 R/CropBox[0 0 841.89 595.28]/Resources<</XObject<</X1 4 0 R>>"
        ">>/Contents 6 0 R>>",
        "<</Type/XObject/Subtype/Form/BBox[0 0 100 100]/Resources<</Font<</F1 5 0 R>>>>"
        "/Length 34>>stream\n" TEXT "\nendstream",
        "<</Type/Font/Subtype/TrueType/BaseFont/Arial,Bold/FirstChar 32/LastChar 32"
        "/Widths[250]>>",
        "<</Length 6>>stream\n/X1 Do\nendstream"};

    tiny_pdf(s, "tiny.pdf", "1.4", plain, 5);
    tiny_pdf(s, "tiny-form-rotated.pdf", "1.7", form, 6);
}

static void copy_shared(struct seeds *s, const char *shared, const char *file, const char *target,
                        const char *name)
{
    char *path = g_build_filename(shared, "conformance", "digdir-2023-utskrift", file, NULL);
    gchar *data;
    gsize len;

    if (!g_file_get_contents(path, &data, &len, NULL))
        die(path);
    put(s, target, name, data, len);
    g_free(data);
    g_free(path);
}

static void digdir(struct seeds *s, const char *shared)
{
    copy_shared(s, shared, "utskrift-forretningsmelding.jwt", "message", "digdir-2023.jwt");
    copy_shared(s, shared, "utskrift-forretningsmelding.json", "message", "digdir-2023.json");
    copy_shared(s, shared, "utskrift-dokumentpakke.zip", "asice", "digdir-2023.zip");
    copy_shared(s, shared, "utskrift-dokumentpakke.cms", "cms", "digdir-2023.cms");
}

int main(int argc, char **argv)
{
    struct seeds s = {0};

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s FUZZ-DIR [SHARED-DIR]\n", argv[0]);
        return 2;
    }
    s.dir = argv[1];
    fuzz_setup();
    party(&s, &s.signer, "signer", "Fuzz test sender (TEST ONLY)", SENDER);
    party(&s, &s.provider, "provider", "Fuzz test print provider (TEST ONLY)", PROVIDER);
    s.provider_kp.key = s.provider.key;
    s.provider_kp.cert = s.provider.cert;
    letters(&s);
    packages(&s);
    legacy_authority(&s);
    small_cms(&s);
    forged_pdfs(&s);
    tiny_pdfs(&s);
    if (argc == 3)
        digdir(&s, argv[2]);
    printf("make_seeds: %u files, %zu bytes in %s/corpus\n", s.files, s.bytes, s.dir);
    forge_party_free(&s.signer);
    forge_party_free(&s.provider);
    return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_intake.c - real forsendelser through the real binary, one run, every outcome checked.
 *
 * Fixtures (CA, certificates, keys, PDFs, signed ASiC-E, CMS, JWTs) are generated here.
 * Each case drops one entry; after a single `trykk run` every case's letter must be in its
 * expected state with its exact reason code, and every failed letter must have a
 * schema-valid feil KLIENT receipt naming that reason. Whole-run checks: nothing lost,
 * modes 0600/0700, no decrypted bytes on disk, no names or addresses in the log.
 */
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include "common/fixture.h"
#include "crypto/crypto.h"
#include "util/util.h"

#define SECRET_NAME "Hemmelig Navnesen"
#define SECRET_STREET "Skjultveien 77"

static struct fixture fx;
static char canary[40];
static char *run_log;
static int run_status;

struct tcase {
    const char *name;
    char kind;
    void (*build)(struct forge_letter *l, char **jwt, struct bytes *cms);
    const char *state;
    const char *reason;
};

static void base(struct forge_letter *l)
{
    fx_letter(&fx, l);
    l->navn = SECRET_NAME;
    l->adresse = SECRET_STREET;
    l->pdf.title = canary;
    l->store_documents = true;
}

static void build(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    g_assert_cmpint(forge_letter_build(l, jwt, cms), ==, 0);
}

static void valid(struct forge_letter *l, char **jwt, struct bytes *cms) { build(l, jwt, cms); }

static void foreign(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->landkode = "SE";
    l->documents = 3;
    l->colour = "FARGE";
    l->posttype = "A";
    l->return_handling = "MAKULERING_MED_MELDING";
    l->avsenderidentifikator = "enhet-7";
    l->faktura_referanse = "F-123";
    build(l, jwt, cms);
}

/* Change one character of the payload; keep header and signature. */
static void style_2014(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->xades_flags = XADES_C14N11 | XADES_NS_2918;
    build(l, jwt, cms);
}

static void tampered(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    char **parts;
    struct bytes p;
    char *s, *enc;

    build(l, jwt, cms);
    parts = g_strsplit(*jwt, ".", 3);
    g_assert_cmpint(b64url_decode(parts[1], strlen(parts[1]), &p), ==, 0);
    s = strstr((char *)p.data, "Navnesen");
    g_assert_nonnull(s);
    s[0] = 'M';
    enc = b64url_encode(p.data, p.len);
    g_free(*jwt);
    *jwt = g_strjoin(".", parts[0], enc, parts[2], NULL);
    g_free(enc);
    bytes_free(&p);
    g_strfreev(parts);
}

static void alg_none(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    json_t *msg;
    char *p;

    build(l, jwt, cms);
    msg = forge_message_json(l, cms);
    p = json_dumps(msg, JSON_COMPACT);
    g_free(*jwt);
    *jwt = jws_sign("{\"alg\":\"none\"}", p, strlen(p), fx.sender.key, EVP_sha256());
    free(p);
    json_decref(msg);
}

static void untrusted(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->signer = &fx.untrusted;
    build(l, jwt, cms);
}

static void wrong_org(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->signer = &fx.other_org;
    build(l, jwt, cms);
}

static void expired(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->signer = &fx.expired;
    build(l, jwt, cms);
}

static void wrong_receiver(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->receiver_orgnr = "987654321";
    build(l, jwt, cms);
}

static void fingerprint(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    build(l, jwt, cms);
    cms->data[cms->len - 40] ^= 0x20;
}

static void other_key(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->provider_cert = fx.stranger.cert;
    build(l, jwt, cms);
}

/* A truncated package whose (signed) fingerprint matches the truncated bytes. */
static void truncated(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    json_t *msg;

    build(l, jwt, cms);
    cms->len = cms->len * 2 / 3;
    msg = forge_message_json(l, cms);
    g_free(*jwt);
    *jwt = forge_sign_message(msg, l->signer, NULL);
    json_decref(msg);
}

static void pdf_changed(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->change_pdf_after_signing = true;
    build(l, jwt, cms);
}

static void package_signer(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->package_signer = &fx.other_org;
    build(l, jwt, cms);
}

static void extra_file(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->extra_unsigned_entry = true;
    build(l, jwt, cms);
}

static void encrypted_pdf(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->pdf.encrypt = true;
    build(l, jwt, cms);
}

static void us_letter(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->pdf.width_mm = 215.9;
    l->pdf.height_mm = 279.4;
    build(l, jwt, cms);
}

static void pdf20(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->pdf.force_version = "2.0";
    build(l, jwt, cms);
}

static void unembedded(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->pdf.unembedded_font = true;
    build(l, jwt, cms);
}

static void not_pdf(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->document_mime = "text/plain";
    build(l, jwt, cms);
}

static void bomb(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->bomb_bytes = 40u << 20;
    build(l, jwt, cms);
}

static void dotdot(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->dotdot_entry = true;
    build(l, jwt, cms);
}

static void xxe(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->manifest_doctype = true;
    build(l, jwt, cms);
}

static void manifest_sender(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->manifest_avsender = "0192:" FX_OTHER;
    build(l, jwt, cms);
}

static void oversize(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->pad_bytes = 5u << 20; /* the test configuration caps packages at 4 MiB */
    build(l, jwt, cms);
}

static char *dup_jwt;
static struct bytes dup_cms;

static void dup_first(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->message_id = "0b1e4f2a-5c3d-4e6f-8a9b-0c1d2e3f4a5b";
    build(l, jwt, cms);
    dup_jwt = g_strdup(*jwt);
    bytes_set(&dup_cms, cms->data, cms->len);
}

/* The same bytes delivered again (here in the other carrier). */
static void dup_repeat(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    *jwt = g_strdup(dup_jwt);
    memset(cms, 0, sizeof *cms);
    bytes_set(cms, dup_cms.data, dup_cms.len);
}

/* Another, genuine message under the same id (the package is encrypted anew). */
static void dup_reused(struct forge_letter *l, char **jwt, struct bytes *cms)
{
    l->message_id = "0b1e4f2a-5c3d-4e6f-8a9b-0c1d2e3f4a5b";
    build(l, jwt, cms);
}

static const struct tcase cases[] = {
    {"valid-dir", 'b', valid, "ACCEPTED", NULL},
    {"valid-xml", 'a', valid, "ACCEPTED", NULL},
    {"valid-foreign-3-documents", 'a', foreign, "ACCEPTED", NULL},
    {"valid-c14n11-2918-namespace", 'b', style_2014, "ACCEPTED", NULL},
    {"tampered-jwt-payload", 'b', tampered, "FAILED", "jwt-signature"},
    {"alg-none", 'a', alg_none, "FAILED", "jwt-alg"},
    {"untrusted-signer", 'b', untrusted, "FAILED", "cert-untrusted"},
    {"wrong-signer-organisation", 'b', wrong_org, "FAILED", "cert-org"},
    {"expired-certificate", 'b', expired, "FAILED", "cert-expired"},
    {"wrong-receiver", 'b', wrong_receiver, "FAILED", "wrong-receiver"},
    {"fingerprint-mismatch", 'a', fingerprint, "FAILED", "fingerprint-mismatch"},
    {"encrypted-to-another-key", 'b', other_key, "FAILED", "cms-no-recipient"},
    {"truncated-cms", 'b', truncated, "FAILED", "cms-invalid"},
    {"pdf-changed-inside-zip", 'b', pdf_changed, "FAILED", "xades-invalid"},
    {"package-signed-by-another", 'b', package_signer, "FAILED", "xades-signer"},
    {"unreferenced-extra-file", 'b', extra_file, "FAILED", "xades-unreferenced"},
    {"encrypted-pdf", 'b', encrypted_pdf, "FAILED", "pdf-encrypted"},
    {"us-letter-page", 'a', us_letter, "FAILED", "pdf-page-size"},
    {"pdf-version-2.0", 'b', pdf20, "FAILED", "pdf-version"},
    {"font-not-embedded", 'b', unembedded, "FAILED", "pdf-fonts"},
    {"document-not-pdf", 'b', not_pdf, "FAILED", "document-not-pdf"},
    {"zip-bomb", 'b', bomb, "FAILED", "zip-bomb"},
    {"dotdot-entry-name", 'b', dotdot, "FAILED", "zip-entry-name"},
    {"manifest-external-entity", 'b', xxe, "FAILED", "xml-doctype"},
    {"manifest-sender-mismatch", 'b', manifest_sender, "FAILED", "manifest-sender"},
    {"oversize-package", 'b', oversize, "FAILED", "package-too-large"},
    {"dup-1-first", 'b', dup_first, "ACCEPTED", NULL},
    {"dup-2-repeat", 'a', dup_repeat, "FAILED", "duplicate-message-id"},
    {"dup-3-reused-id", 'b', dup_reused, "FAILED", "message-id-reused"},
};

static void drop_cases(void)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        struct forge_letter l;
        char *jwt = NULL;
        struct bytes cms;
        base(&l);
        cases[i].build(&l, &jwt, &cms);
        fx_drop(&fx, cases[i].name, cases[i].kind, jwt, &cms);
        g_free(jwt);
        bytes_free(&cms);
    }
}

/* Entries that cannot even be read: quarantined without a receipt. */
static void drop_unreadable(void)
{
    char *p = g_build_filename(fx.spool, "incoming", "junk.xml", NULL);
    char *d = g_build_filename(fx.spool, "tmp", "three-files", NULL), *f;

    g_assert_true(g_file_set_contents(p, "<<< not xml", -1, NULL));
    g_chmod(p, 0600);
    g_free(p);
    p = g_build_filename(fx.spool, "incoming", "doctype.xml", NULL);
    g_assert_true(g_file_set_contents(p, "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]>"
                                      "<x>&a;</x>", -1, NULL));
    g_chmod(p, 0600);
    g_free(p);
    g_mkdir(d, 0700);
    for (int i = 0; i < 3; i++) {
        const char *names[] = {"forretningsmelding.jwt", "dokumentpakke.cms", "extra"};
        f = g_build_filename(d, names[i], NULL);
        g_assert_true(g_file_set_contents(f, "x", 1, NULL));
        g_chmod(f, 0600);
        g_free(f);
    }
    p = g_build_filename(fx.spool, "incoming", "three-files", NULL);
    g_assert_cmpint(g_rename(d, p), ==, 0);
    g_free(p);
    g_free(d);
}

static const char *receipt_path(const char *id, const char *type)
{
    static char path[4096];

    g_snprintf(path, sizeof path, "%s/outbox/%s.%s.jwt", fx.spool, id, type);
    return path;
}

static json_t *receipt_payload(const char *path)
{
    char *jwt = fx_read(path);
    char **parts = jwt ? g_strsplit(jwt, ".", 3) : NULL;
    struct bytes p;
    json_t *o = NULL;

    if (parts && parts[1] && b64url_decode(parts[1], strlen(parts[1]), &p) == 0) {
        o = json_loadb((char *)p.data, p.len, 0, NULL);
        bytes_free(&p);
    }
    g_strfreev(parts);
    g_free(jwt);
    return o;
}

static void check_feil(const char *id, const char *reason)
{
    json_t *p = receipt_payload(receipt_path(id, "feil"));
    json_t *feil = json_object_get(json_object_get(p, "standardBusinessDocument"), "feil");

    g_assert_nonnull(feil);
    g_assert_cmpstr(json_string_value(json_object_get(feil, "feiltype")), ==, "KLIENT");
    g_assert_true(g_str_has_prefix(json_string_value(json_object_get(feil, "detaljer")), reason));
    g_assert_false(g_file_test(receipt_path(id, "mottakskvittering"), G_FILE_TEST_EXISTS));
    json_decref(p);
}

static void test_case(gconstpointer data)
{
    const struct tcase *c = data;
    json_t *l = fx_letter_by_entry(&fx, c->name);
    const char *id;
    char *where;

    g_assert_nonnull(l);
    id = json_string_value(json_object_get(l, "id"));
    g_assert_cmpstr(fx_intake_state(l), ==, c->state);
    g_assert_cmpstr(json_string_value(json_object_get(l, "reason")), ==, c->reason);
    where = g_build_filename(fx.spool, strcmp(c->state, "ACCEPTED") == 0 ? "accepted" : "failed",
                             id, NULL);
    g_assert_true(g_file_test(where, G_FILE_TEST_EXISTS));
    g_free(where);
    if (strcmp(c->state, "ACCEPTED") == 0) {
        g_assert_true(g_file_test(receipt_path(id, "mottakskvittering"), G_FILE_TEST_EXISTS));
        g_assert_cmpint(json_integer_value(json_object_get(l, "pages")), >=, 2);
    } else if (strcmp(c->reason, "duplicate-message-id") == 0) {
        /* no second print and no new receipt: the original's receipt is re-published */
        const char *orig = json_string_value(json_object_get(l, "duplicate_of"));
        g_assert_nonnull(orig);
        g_assert_true(g_file_test(receipt_path(orig, "mottakskvittering"), G_FILE_TEST_EXISTS));
        g_assert_false(g_file_test(receipt_path(id, "feil"), G_FILE_TEST_EXISTS));
    } else if (strcmp(c->reason, "message-id-reused") == 0) {
        /* refused without a receipt; the letter holding the id is untouched */
        json_t *first = fx_letter_by_entry(&fx, "dup-1-first");
        g_assert_false(g_file_test(receipt_path(id, "feil"), G_FILE_TEST_EXISTS));
        g_assert_cmpstr(fx_intake_state(first), ==, "ACCEPTED");
        json_decref(first);
    } else {
        check_feil(id, c->reason);
        where = g_strdup_printf("%s/failed/%s.reason", fx.spool, id);
        g_assert_true(g_file_test(where, G_FILE_TEST_EXISTS));
        g_free(where);
    }
    json_decref(l);
}

static void test_accepted_fields(void)
{
    json_t *l = fx_letter_by_entry(&fx, "valid-foreign-3-documents");
    json_t *r = json_object_get(l, "recipient");

    g_assert_cmpstr(json_string_value(json_object_get(r, "navn")), ==, SECRET_NAME);
    g_assert_cmpstr(json_string_value(json_object_get(r, "landkode")), ==, "SE");
    g_assert_null(json_object_get(r, "postnummer"));
    g_assert_cmpint(json_integer_value(json_object_get(l, "documents")), ==, 3);
    g_assert_cmpint(json_integer_value(json_object_get(l, "pages")), ==, 6);
    g_assert_cmpstr(json_string_value(json_object_get(l, "colour")), ==, "FARGE");
    g_assert_cmpstr(json_string_value(json_object_get(l, "posttype")), ==, "A");
    g_assert_cmpstr(json_string_value(json_object_get(l, "return_handling")), ==,
                    "MAKULERING_MED_MELDING");
    g_assert_cmpstr(json_string_value(json_object_get(l, "faktura_referanse")), ==, "F-123");
    json_decref(l);
    l = fx_letter_by_entry(&fx, "valid-dir");
    g_assert_cmpstr(json_string_value(json_object_get(l, "posttype")), ==, "B"); /* default */
    json_decref(l);
}

static void test_quarantine(void)
{
    const char *names[] = {"junk.xml", "doctype.xml", "three-files"};
    const char *reasons[] = {"carrier-unreadable", "xml-doctype", "carrier-shape"};
    size_t i;

    for (i = 0; i < 3; i++) {
        json_t *l = fx_letter_by_entry(&fx, names[i]);
        char *p;
        g_assert_nonnull(l);
        g_assert_cmpstr(fx_intake_state(l), ==, "QUARANTINED");
        g_assert_cmpstr(json_string_value(json_object_get(l, "reason")), ==, reasons[i]);
        p = g_strdup_printf("%s/quarantine/%s.reason", fx.spool,
                            json_string_value(json_object_get(l, "id")));
        g_assert_true(g_file_test(p, G_FILE_TEST_EXISTS));
        g_free(p);
        json_decref(l);
    }
}

static int count_entries(const char *sub, bool with_reason_files)
{
    char *dir = g_build_filename(fx.spool, sub, NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;
    int count = 0;

    while (d && (n = g_dir_read_name(d)))
        if (with_reason_files || !g_str_has_suffix(n, ".reason"))
            count++;
    if (d)
        g_dir_close(d);
    g_free(dir);
    return count;
}

static void test_nothing_lost(void)
{
    int total = (int)G_N_ELEMENTS(cases) + 3;

    g_assert_cmpint(run_status, ==, 1); /* some letters failed */
    g_assert_cmpint(count_entries("incoming", true), ==, 0);
    g_assert_cmpint(count_entries("active", true), ==, 0);
    g_assert_cmpint(count_entries("accepted", false) + count_entries("failed", false) +
                    count_entries("quarantine", false), ==, total);
}

static void test_modes(void)
{
    GPtrArray *bad = fx_bad_modes(fx.spool);
    guint i;

    for (i = 0; i < bad->len; i++)
        g_printerr("wrong mode: %s\n", (char *)bad->pdata[i]);
    g_assert_cmpuint(bad->len, ==, 0);
    g_ptr_array_free(bad, TRUE);
}

/* The canary is in every PDF's (uncompressed, stored) Info dictionary: only decrypted bytes
 * could carry it to disk. */
static void test_no_plaintext_on_disk(void)
{
    GPtrArray *hits = fx_grep_tree(fx.root, canary, strlen(canary));
    GPtrArray *tmp_hits = fx_grep_tree(g_get_tmp_dir(), canary, strlen(canary));
    guint i;

    for (i = 0; i < hits->len; i++)
        g_printerr("plaintext in %s\n", (char *)hits->pdata[i]);
    g_assert_cmpuint(hits->len, ==, 0);
    g_assert_cmpuint(tmp_hits->len, ==, 0);
    g_ptr_array_free(hits, TRUE);
    g_ptr_array_free(tmp_hits, TRUE);
}

static void test_log_has_no_personal_data(void)
{
    g_assert_nonnull(strstr(run_log, "accepted"));
    g_assert_null(strstr(run_log, SECRET_NAME));
    g_assert_null(strstr(run_log, "Navnesen"));
    g_assert_null(strstr(run_log, SECRET_STREET));
    g_assert_null(strstr(run_log, canary));
}

static void test_receipts_schema_valid(void)
{
    char *outbox = g_build_filename(fx.spool, "outbox", NULL);
    GDir *d = g_dir_open(outbox, 0, NULL);
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    const char *n;

    while (d && (n = g_dir_read_name(d)))
        g_ptr_array_add(files, g_build_filename(outbox, n, NULL));
    g_dir_close(d);
    /* every accepted or failed letter with a sender answered, but the repeat (re-uses the
     * original's receipt) and the reused message id (no receipt) */
    g_assert_cmpuint(files->len, ==, G_N_ELEMENTS(cases) - 2);
    g_assert_true(fx_receipts_valid(files));
    g_ptr_array_free(files, TRUE);
    g_free(outbox);
}

static void test_rerun_changes_nothing(void)
{
    const char *run[] = {"run", NULL};
    char *err = NULL;

    g_assert_cmpint(fx_trykk(&fx, &err, run, NULL), ==, 0);
    g_free(err);
    test_nothing_lost();
}

int main(int argc, char **argv)
{
    const char *run[] = {"run", NULL};
    unsigned char rnd[8];
    size_t i;
    int rc;

    g_test_init(&argc, &argv, NULL);
    fx_init(&fx, NULL);
    for (i = 0; i < sizeof rnd; i++)
        rnd[i] = (unsigned char)g_random_int_range(0, 256);
    g_snprintf(canary, sizeof canary, "CANARY%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
               rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    drop_cases();
    g_free(dup_jwt);
    bytes_free(&dup_cms);
    drop_unreadable();
    run_status = fx_trykk(&fx, &run_log, run, NULL);
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *path = g_strdup_printf("/intake/case/%s", cases[i].name);
        g_test_add_data_func(path, &cases[i], test_case);
        g_free(path);
    }
    g_test_add_func("/intake/accepted-fields", test_accepted_fields);
    g_test_add_func("/intake/quarantine", test_quarantine);
    g_test_add_func("/intake/nothing-lost", test_nothing_lost);
    g_test_add_func("/intake/modes", test_modes);
    g_test_add_func("/intake/no-plaintext-on-disk", test_no_plaintext_on_disk);
    g_test_add_func("/intake/log-has-no-personal-data", test_log_has_no_personal_data);
    g_test_add_func("/intake/receipts-schema-valid", test_receipts_schema_valid);
    g_test_add_func("/intake/rerun-changes-nothing", test_rerun_changes_nothing);
    rc = g_test_run();
    if (rc)
        g_printerr("trykk run log:\n%s\n", run_log);
    g_free(run_log);
    fx_free(&fx);
    return rc;
}

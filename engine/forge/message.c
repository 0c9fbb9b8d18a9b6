/* SPDX-License-Identifier: Apache-2.0 */
/*
 * message.c - business messages (the JSON SBD with utskrift, signed as a JWS), the
 * Maskinporten-style token inside them, whole letters, and broker-style spool drops.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include "forge.h"
#include "../crypto/crypto.h"

#define PRINT_STANDARD "urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##" \
                       "urn:fdc:digdir.no:2020:innbyggerpost:schema:utskrift::1.0"
#define PRINT_PROCESS "urn:fdc:digdir.no:2020:profile:egovernment:innbyggerpost:utskrift:ver1.0"

/* Shaped like a Maskinporten token; its signature is a throwaway key's (trykk never checks it). */
static char *token(const char *orgnr)
{
    static EVP_PKEY *mp_key;
    json_t *claims = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:I, s:I}", "scope",
                               "digitalpostinnbygger:send", "iss", "https://test.maskinporten.no/",
                               "client_amr", "virksomhetssertifikat", "consumer", "authority",
                               "iso6523-actorid-upis", "ID", orgnr, "iat", (json_int_t)1700000000,
                               "exp", (json_int_t)1700000120);
    char *payload = json_dumps(claims, JSON_COMPACT);
    char *t;

    if (!mp_key)
        mp_key = forge_rsa(2048);
    t = jws_sign("{\"kid\":\"forge\",\"alg\":\"RS256\"}", payload, strlen(payload), mp_key,
                 EVP_sha256());
    free(payload);
    json_decref(claims);
    return t;
}

static char *fresh_uuid(void)
{
    return g_uuid_string_random();
}

static json_t *address(const char *navn, const char *adresse, const char *postnummer,
                       const char *poststed, const char *landkode)
{
    json_t *a = json_pack("{s:s, s:s}", "navn", navn, "adresselinje1", adresse);

    if (landkode)
        json_object_set_new(a, "landkode", json_string(landkode));
    else {
        json_object_set_new(a, "postnummer", json_string(postnummer));
        json_object_set_new(a, "poststed", json_string(poststed));
    }
    return a;
}

static char *digest_b64(const struct bytes *cms)
{
    unsigned char md[32];

    EVP_Digest(cms->data, cms->len, md, NULL, EVP_sha256(), NULL);
    return b64_encode(md, sizeof md);
}

static json_t *utskrift(const struct forge_letter *l, const struct bytes *cms, const char *sender)
{
    char *digest = digest_b64(cms), *tok = token(sender);
    json_t *avsender = json_pack("{s:{s:s, s:s}}", "virksomhetsidentifikator", "authority",
                                 "iso6523-actorid-upis", "value", sender);
    json_t *u;

    if (l->avsenderidentifikator)
        json_object_set_new(avsender, "avsenderidentifikator", json_string(l->avsenderidentifikator));
    if (l->faktura_referanse)
        json_object_set_new(avsender, "fakturaReferanse", json_string(l->faktura_referanse));
    u = json_pack("{s:o, s:o, s:{s:s, s:s}, s:s, s:s, s:{s:o, s:s}}",
                  "avsender", avsender,
                  "mottaker", address(l->navn ? l->navn : "Kari Nordmann", l->adresse ? l->adresse
                                      : "Storgata 1", l->postnummer ? l->postnummer : "0155",
                                      l->poststed ? l->poststed : "Oslo", l->landkode),
                  "dokumentpakkefingeravtrykk", "digestMethod",
                  "http://www.w3.org/2001/04/xmlenc#sha256", "digestValue", digest,
                  "maskinportentoken", tok,
                  "utskriftstype", l->colour ? l->colour : "SORT_HVIT",
                  "retur", "mottaker", address("Testetaten", "Postboks 1", "0101", "Oslo", NULL),
                  "returposthaandtering", l->return_handling ? l->return_handling : "DIREKTE_RETUR");
    if (l->posttype)
        json_object_set_new(u, "posttype", json_string(l->posttype));
    g_free(digest);
    g_free(tok);
    return u;
}

json_t *forge_message_json(const struct forge_letter *l, const struct bytes *cms)
{
    char *sender = g_strdup_printf("0192:%s", l->sender_orgnr);
    char *receiver = g_strdup_printf("0192:%s", l->receiver_orgnr);
    char *mid = l->message_id ? g_strdup(l->message_id) : fresh_uuid();
    char *cid = l->conversation_id ? g_strdup(l->conversation_id) : fresh_uuid();
    GDateTime *now = time_now();
    char *created = l->created ? g_strdup(l->created) : time_rfc3339(now);
    GDateTime *exp = g_date_time_add_days(now, 1);
    char *expected = time_rfc3339(exp);
    json_t *doc = json_pack(
        "{s:{s:{s:s, s:[{s:{s:s, s:s}}], s:[{s:{s:s, s:s}}], s:{s:s, s:s, s:s, s:s, s:s},"
        " s:{s:[{s:s, s:s, s:s, s:[{s:s}]}]}}, s:o}}",
        "standardBusinessDocument", "standardBusinessDocumentHeader", "headerVersion", "1.0",
        "sender", "identifier", "authority", "iso6523-actorid-upis", "value", sender,
        "receiver", "identifier", "authority", "iso6523-actorid-upis", "value", receiver,
        "documentIdentification", "standard", PRINT_STANDARD, "typeVersion", "1.0",
        "instanceIdentifier", mid, "type", "utskrift", "creationDateAndTime", created,
        "businessScope", "scope", "type", "ConversationId", "instanceIdentifier", cid,
        "identifier", PRINT_PROCESS, "scopeInformation", "expectedResponseDateTime", expected,
        "utskrift", utskrift(l, cms, sender));

    g_free(sender);
    g_free(receiver);
    g_free(mid);
    g_free(cid);
    g_free(created);
    g_free(expected);
    g_date_time_unref(now);
    g_date_time_unref(exp);
    return doc;
}

char *forge_sign_message(json_t *payload, const struct forge_party *signer, const char *alg)
{
    char *p = json_dumps(payload, JSON_COMPACT);
    char *jwt = jws_sign_x5c(alg ? alg : "RS256", p, strlen(p), signer->key, signer->cert);

    free(p);
    return jwt;
}

static void add(GArray *entries, const char *name, struct bytes data, bool stored)
{
    struct forge_entry e = {g_strdup(name), data, stored};

    g_array_append_val(entries, e);
}

static void add_documents(const struct forge_letter *l, GArray *entries, GPtrArray *names)
{
    int n = l->documents > 0 ? l->documents : 1, i;

    for (i = 0; i < n; i++) {
        struct bytes pdf = {0};
        char *name = i == 0 ? g_strdup("brev.pdf") : g_strdup_printf("vedlegg %d.pdf", i);
        if (forge_pdf_make(&l->pdf, &pdf) < 0)
            log_panic("cannot make a test PDF");
        add(entries, name, pdf, l->store_documents);
        g_ptr_array_add(names, name);
    }
}

static void add_defects(const struct forge_letter *l, GArray *entries)
{
    struct bytes b = {0};

    if (l->bomb_bytes) {
        b.data = g_malloc0(l->bomb_bytes + 1);
        b.len = l->bomb_bytes;
        add(entries, "data.bin", b, false);
    }
    if (l->pad_bytes) {
        b.data = g_malloc(l->pad_bytes + 1);
        b.len = l->pad_bytes;
        RAND_bytes(b.data, (int)b.len);
        add(entries, "padding.bin", b, true);
    }
}

static void free_entries(GArray *entries)
{
    guint i;

    for (i = 0; i < entries->len; i++) {
        struct forge_entry *e = &g_array_index(entries, struct forge_entry, i);
        g_free(e->name);
        bytes_free(&e->data);
    }
    g_array_free(entries, TRUE);
}

/* Defects applied after signing: the signature no longer matches, or names are unsafe. */
/* An unsigned ds:Object whose element carries w:Id="SignedProperties": the wrapping trick of
 * an Id attribute in another namespace, which xmlsec would take as an ID. */
static void add_namespaced_id(GArray *entries)
{
    guint i;

    for (i = 0; i < entries->len; i++) {
        struct forge_entry *e = &g_array_index(entries, struct forge_entry, i);
        char *xml, *end, *patched;
        if (strcmp(e->name, "META-INF/signatures.xml") != 0)
            continue;
        xml = g_strndup((const char *)e->data.data, e->data.len);
        end = g_strrstr(xml, "</Signature>");
        g_assert(end);
        *end = 0;
        patched = g_strdup_printf("%s<Object><Decoy xmlns:w=\"urn:decoy\" w:Id=\"SignedProperties"
                                  "\"/></Object></Signature>%s", xml, end + strlen("</Signature>"));
        bytes_free(&e->data);
        bytes_set(&e->data, patched, strlen(patched));
        g_free(patched);
        g_free(xml);
    }
}

static void after_signing(const struct forge_letter *l, GArray *entries)
{
    struct bytes b = {0};
    guint i;

    if (l->change_pdf_after_signing) {
        for (i = 0; i < entries->len; i++) {
            struct forge_entry *e = &g_array_index(entries, struct forge_entry, i);
            if (g_str_has_suffix(e->name, ".pdf"))
                e->data.data[e->data.len / 2] ^= 0x01;
        }
    }
    if (l->extra_unsigned_entry) {
        bytes_set(&b, "not signed", 10);
        add(entries, "extra.txt", b, false);
    }
    if (l->dotdot_entry) {
        bytes_set(&b, "escape", 6);
        add(entries, "../escape.pdf", b, false);
    }
    if (l->namespaced_id)
        add_namespaced_id(entries);
}

static int build_zip(const struct forge_letter *l, struct bytes *zip)
{
    GArray *entries = g_array_new(FALSE, TRUE, sizeof(struct forge_entry));
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    char *manifest, *av;
    struct bytes b = {0}, sig = {0};
    int rc;

    bytes_set(&b, "application/vnd.etsi.asic-e+zip", 31);
    add(entries, "mimetype", b, true);
    add_documents(l, entries, names);
    av = l->manifest_avsender ? g_strdup(l->manifest_avsender)
                              : g_strdup_printf("0192:%s", l->sender_orgnr);
    manifest = forge_manifest_xml(av, names, l->document_mime ? l->document_mime
                                  : "application/pdf", l->manifest_doctype);
    g_free(av);
    bytes_set(&b, manifest, strlen(manifest));
    g_array_insert_val(entries, 1, ((struct forge_entry){g_strdup("manifest.xml"), b, false}));
    add_defects(l, entries);
    rc = forge_sign_package(entries, l->package_signer ? l->package_signer : l->signer,
                            l->xades_flags, &sig);
    if (rc == 0) {
        add(entries, "META-INF/signatures.xml", sig, false);
        after_signing(l, entries);
        rc = forge_zip(entries, zip);
    }
    g_free(manifest);
    g_ptr_array_free(names, TRUE);
    free_entries(entries);
    return rc;
}

int forge_letter_build(const struct forge_letter *l, char **jwt, struct bytes *cms)
{
    struct bytes zip = {0};
    json_t *msg;

    if (build_zip(l, &zip) < 0 || forge_encrypt_with(&zip, l->provider_cert, l->cipher, cms) < 0)
        return -1;
    bytes_free(&zip);
    msg = forge_message_json(l, cms);
    *jwt = forge_sign_message(msg, l->signer, l->alg);
    json_decref(msg);
    return *jwt ? 0 : -1;
}

static int write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int rc;

    if (fd < 0)
        return -errno;
    rc = fsio_write_all(fd, data, len);
    if (rc == 0 && fsync(fd) < 0)
        rc = -errno;
    close(fd);
    return rc;
}

static char *xml_carrier(const char *jwt, const struct bytes *cms)
{
    char *b64 = b64_encode(cms->data, cms->len);
    char *x = g_strdup_printf(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<StandardBusinessDocument xmlns=\"http://www."
        "unece.org/cefact/namespaces/StandardBusinessDocumentHeader\"><StandardBusinessDocument"
        "Header><HeaderVersion>1.0</HeaderVersion><DocumentIdentification><Standard>urn:fdc:"
        "digdir.no:2020:innbyggerpost:xsd::Innbyggerpost</Standard><TypeVersion>1.0</TypeVersion>"
        "<Type>Innbyggerpost</Type></DocumentIdentification></StandardBusinessDocumentHeader>"
        "<Innbyggerpost xmlns=\"http://digdir.no/dpi/innbyggerpost\"><SignertForretningsmelding>"
        "%s</SignertForretningsmelding><Dokumentpakke>%s</Dokumentpakke></Innbyggerpost>"
        "</StandardBusinessDocument>\n", jwt, b64);

    g_free(b64);
    return x;
}

int forge_drop(const char *spool_root, const char *name, char kind, const char *jwt,
               const struct bytes *cms)
{
    char *tmp = g_build_filename(spool_root, "tmp", name, NULL);
    char *dst = g_build_filename(spool_root, "incoming", name, NULL);
    int rc = 0;

    if (kind == 'a') {
        char *x = xml_carrier(jwt, cms);
        rc = write_file(tmp, x, strlen(x));
        g_free(x);
    } else if (mkdir(tmp, 0700) < 0) {
        rc = -errno;
    } else {
        char *j = g_build_filename(tmp, kind == 'c' ? "sbd.xml" : "forretningsmelding.jwt", NULL);
        char *c = g_build_filename(tmp, "dokumentpakke.cms", NULL);
        rc = write_file(j, jwt, strlen(jwt));
        if (rc == 0)
            rc = write_file(c, cms->data, cms->len);
        g_free(j);
        g_free(c);
    }
    if (rc == 0 && rename(tmp, dst) < 0)
        rc = -errno;
    g_free(tmp);
    g_free(dst);
    return rc;
}

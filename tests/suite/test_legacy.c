/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_legacy.c - carrier (c), the SDP 1.0 XML business message, end to end through the real
 * binary: signed legacy messages are accepted and printed exactly like the same letter in
 * the current JSON form; tampered, digital-mail and unsigned ones are answered with feil;
 * every XML receipt (mottak, levering, returpost, feil) validates against the official XSD
 * and its signature verifies with the xmlsec1 command-line tool.
 */
#include <string.h>
#include <libxml/xmlschemas.h>
#include <libxml/parser.h>
#include "common/fixture.h"
#include "util/xmlsafe.h"

#define EXTRA "[ea]\nagreement=0999\nservice_level=2\nreturn_address=Trykk AS;Returpost EA;" \
              "Postboks 1;0001 OSLO\n[render]\nreprint_max_percent=100\n"

static struct fixture fx;
static const char *const mon[] = {"TRYKK_NOW", "2026-11-16T10:00:00+01:00", NULL};
static const char *const eve[] = {"TRYKK_NOW", "2026-11-16T21:00:00+01:00", NULL};
static const char *const next_day[] = {"TRYKK_NOW", "2026-11-17T09:00:00+01:00", NULL};

static char *legacy_of(const struct forge_letter *l, struct bytes *cms, const char *authority)
{
    char *jwt = NULL, *sbd;

    g_assert_cmpint(forge_letter_build(l, &jwt, cms), ==, 0);
    g_free(jwt);
    sbd = forge_legacy_sbd(l, cms, authority);
    g_assert_nonnull(sbd);
    return sbd;
}

static void drop_legacy(struct fixture *f, const char *name, const struct forge_letter *l,
                        const char *authority)
{
    struct bytes cms;
    char *sbd = legacy_of(l, &cms, authority);

    fx_drop(f, name, 'c', sbd, &cms);
    g_free(sbd);
    bytes_free(&cms);
}

/* The business element (kvittering or feil) as its own document, validated by sdp.xsd. */
static bool xsd_valid(const char *path)
{
    static xmlSchemaPtr schema;
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET), one;
    xmlNodePtr c, business = NULL;
    xmlSchemaValidCtxtPtr v;
    int rc;

    if (!schema) {
        xmlSchemaParserCtxtPtr p = xmlSchemaNewParserCtxt(TRYKK_SHARED_DIR
                                                          "/conformance/xsd/sdp/sdp.xsd");
        schema = xmlSchemaParse(p);
        xmlSchemaFreeParserCtxt(p);
        g_assert_nonnull(schema);
    }
    g_assert_nonnull(doc);
    g_assert_true(xmlsafe_is(xmlDocGetRootElement(doc), NS_SBDH, "StandardBusinessDocument"));
    for (c = xmlDocGetRootElement(doc)->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && c->ns && strcmp((char *)c->ns->href, NS_SDP) == 0)
            business = c;
    g_assert_nonnull(business);
    one = xmlNewDoc(BAD_CAST "1.0");
    xmlDocSetRootElement(one, xmlDocCopyNode(business, one, 1));
    v = xmlSchemaNewValidCtxt(schema);
    rc = xmlSchemaValidateDoc(v, one);
    xmlSchemaFreeValidCtxt(v);
    xmlFreeDoc(one);
    xmlFreeDoc(doc);
    return rc == 0;
}

/* An independent check of our signatures: xmlsec1 with the provider's certificate. */
static bool xmlsec1_verifies(const char *path)
{
    char *cert = g_build_filename(fx.root, "keys", "provider-cert.pem", NULL);
    const char *argv[] = {"xmlsec1", "--verify", "--pubkey-cert-pem", cert,
                          "--enabled-reference-uris", "empty", "--insecure", path, NULL};
    int status = -1;
    char *err = NULL;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
                               G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, NULL));
    if (status != 0)
        g_test_message("xmlsec1: %s", err);
    g_free(err);
    g_free(cert);
    return g_spawn_check_wait_status(status, NULL);
}

static void check_all(GPtrArray *files)
{
    guint i;

    for (i = 0; i < files->len; i++) {
        g_assert_true(xsd_valid(files->pdata[i]));
        g_assert_true(xmlsec1_verifies(files->pdata[i]));
    }
}

static void letter(struct fixture *f, struct forge_letter *l, const char *navn)
{
    fx_letter(f, l);
    l->navn = navn;
    l->adresse = "Legacygata 9";
    l->postnummer = "0155";
    l->poststed = "OSLO";
    l->posttype = "A";
    l->return_handling = "MAKULERING_MED_MELDING";
    l->faktura_referanse = "ØK1";
    l->avsenderidentifikator = "123456789-A";
    l->message_id = NULL;
}

static void test_accepted(void)
{
    struct forge_letter l;
    GPtrArray *files;
    const char *run[] = {"run", NULL};
    json_t *row;

    fx_init(&fx, EXTRA);
    letter(&fx, &l, "Legacy Leserud");
    drop_legacy(&fx, "legacy-1", &l, NULL);
    letter(&fx, &l, "Ebcore Authoritysen");
    l.adresse = "Storgatan 1";
    l.landkode = "SE"; /* utenlandskAdresse */
    drop_legacy(&fx, "legacy-2", &l, "urn:oasis:names:tc:ebcore:partyid-type:iso6523:9908");
    g_assert_cmpint(fx_trykk(&fx, NULL, run, mon), ==, 0);
    row = fx_letter_by_entry(&fx, "legacy-2");
    g_assert_cmpstr(fx_intake_state(row), ==, "ACCEPTED");
    g_assert_cmpstr(json_string_value(json_object_get(json_object_get(row, "recipient"),
                                                      "landkode")), ==, "SE");
    json_decref(row);
    row = fx_letter_by_entry(&fx, "legacy-1");
    g_assert_cmpstr(fx_intake_state(row), ==, "ACCEPTED");
    g_assert_cmpstr(json_string_value(json_object_get(row, "carrier")), ==, "legacy");
    g_assert_cmpstr(json_string_value(json_object_get(row, "faktura_referanse")), ==, "ØK1");
    g_assert_cmpstr(json_string_value(json_object_get(row, "posttype")), ==, "A");
    json_decref(row);
    files = fx_outbox(&fx, ".mottakskvittering.xml");
    g_assert_cmpuint(files->len, ==, 2);
    check_all(files);
    {   /* the receipt answers in the sender's own Authority spelling, with 9908: */
        GPtrArray *jwt = fx_outbox(&fx, ".jwt");
        char *text = NULL;
        guint i, ebcore = 0;
        g_assert_cmpuint(jwt->len, ==, 0);
        for (i = 0; i < files->len; i++) {
            g_assert_true(g_file_get_contents(files->pdata[i], &text, NULL, NULL));
            g_assert_nonnull(strstr(text, ">9908:" FX_PROVIDER "</"));
            g_assert_nonnull(strstr(text, "<mottak/>"));
            ebcore += strstr(text, "ebcore:partyid-type:iso6523:9908") != NULL;
            g_free(text);
        }
        g_assert_cmpuint(ebcore, ==, 1);
        g_ptr_array_free(jwt, TRUE);
    }
    g_ptr_array_free(files, TRUE);
}

/* Changed after signing, digital mail, no signature: all answered with a valid XML feil; a
 * DOCTYPE (external entity) is never expanded: quarantine. */
static void test_rejected(void)
{
    struct forge_letter l;
    struct bytes cms;
    char *sbd, *bad;
    const char *run[] = {"run", NULL};
    GPtrArray *files;
    json_t *row;

    letter(&fx, &l, "Tampra Etterpå");
    sbd = legacy_of(&l, &cms, NULL);
    bad = g_strdup(sbd);
    memcpy(strstr(bad, "Legacygata 9"), "Legacygata 8", 12);
    fx_drop(&fx, "tampered", 'c', bad, &cms);
    g_free(bad);
    g_free(sbd);
    bytes_free(&cms);
    letter(&fx, &l, "Digital Postkassesen");
    sbd = legacy_of(&l, &cms, NULL);
    {
        GRegex *re = g_regex_new("fysiskPostInfo", 0, 0, NULL);
        bad = g_regex_replace_literal(re, sbd, -1, 0, "digitalPostInfo", 0, NULL);
        g_regex_unref(re);
    }
    fx_drop(&fx, "digital", 'c', bad, &cms);
    g_free(bad);
    g_free(sbd);
    bytes_free(&cms);
    letter(&fx, &l, "Usignert Brevsen");
    sbd = legacy_of(&l, &cms, NULL);
    {   /* the signature cut out */
        char *a = strstr(sbd, "<Signature"), *b = strstr(sbd, "</Signature>");
        bad = g_strdup_printf("%.*s%s", (int)(a - sbd), sbd, b + strlen("</Signature>"));
    }
    fx_drop(&fx, "unsigned", 'c', bad, &cms);
    g_free(bad);
    g_free(sbd);
    bytes_free(&cms);
    letter(&fx, &l, "Doctype Entitetsen");
    sbd = legacy_of(&l, &cms, NULL);
    bad = g_strdup_printf("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM "
                          "\"file:///etc/passwd\">]>%s", strstr(sbd, "<StandardBusinessDocument"));
    fx_drop(&fx, "doctype", 'c', bad, &cms);
    g_free(bad);
    g_free(sbd);
    bytes_free(&cms);
    g_assert_cmpint(fx_trykk(&fx, NULL, run, mon), ==, 1);
    row = fx_letter_by_entry(&fx, "unsigned");
    g_assert_cmpstr(fx_intake_state(row), ==, "FAILED");
    g_assert_cmpstr(json_string_value(json_object_get(row, "reason")), ==, "xmldsig-missing");
    json_decref(row);
    row = fx_letter_by_entry(&fx, "doctype");
    g_assert_cmpstr(fx_intake_state(row), ==, "QUARANTINED");
    json_decref(row);
    row = fx_letter_by_entry(&fx, "tampered");
    g_assert_cmpstr(fx_intake_state(row), ==, "FAILED");
    g_assert_cmpstr(json_string_value(json_object_get(row, "reason")), ==, "xmldsig-invalid");
    json_decref(row);
    row = fx_letter_by_entry(&fx, "digital");
    g_assert_cmpstr(fx_intake_state(row), ==, "FAILED");
    json_decref(row);
    files = fx_outbox(&fx, ".feil.xml");
    g_assert_cmpuint(files->len, ==, 3); /* the DOCTYPE one is quarantined: nobody to answer */
    check_all(files);
    g_ptr_array_free(files, TRUE);
}

/* The same letter as JSON in one spool and as legacy XML in another: the same print file,
 * byte for byte (cover sheet, address, EA line, marks, pages). */
static void test_identical_print(void)
{
    struct fixture fa, fb;
    struct forge_letter l;
    const char *run[] = {"run", NULL}, *close[] = {"job", "close", "--all", NULL};
    char *pa, *pb, *a, *b;
    gsize la, lb;

    fx_init(&fa, EXTRA);
    fx_init(&fb, EXTRA);
    letter(&fa, &l, "Samme Brevesen");
    fx_drop_letter(&fa, "json-1", 'b', &l);
    letter(&fb, &l, "Samme Brevesen");
    drop_legacy(&fb, "legacy-1", &l, NULL);
    g_assert_cmpint(fx_trykk(&fa, NULL, run, mon), ==, 0);
    g_assert_cmpint(fx_trykk(&fa, NULL, close, mon), ==, 0);
    g_assert_cmpint(fx_trykk(&fb, NULL, run, mon), ==, 0);
    g_assert_cmpint(fx_trykk(&fb, NULL, close, mon), ==, 0);
    pa = g_build_filename(fa.spool, "jobs", "J000001", "job.pdf", NULL);
    pb = g_build_filename(fb.spool, "jobs", "J000001", "job.pdf", NULL);
    g_assert_true(g_file_get_contents(pa, &a, &la, NULL));
    g_assert_true(g_file_get_contents(pb, &b, &lb, NULL));
    g_assert_cmpuint(la, ==, lb);
    g_assert_true(memcmp(a, b, la) == 0);
    g_free(a);
    g_free(b);
    g_free(pa);
    g_free(pb);
    fx_free(&fa);
    fx_free(&fb);
}

/* levering on dispatch, returpost on a shredded return: XML, valid, signed. */
static void test_after_print(void)
{
    char *log = g_build_filename(fx.root, "inserter.log", NULL), *db, *code;
    const char *rec[] = {"reconcile", "J000001", log, "--force", NULL};
    const char *dispatch[] = {"dispatch", "J000001", NULL};
    const char *scan[] = {"returns", "scan", NULL, "--reason", "moved", NULL};
    GString *s = g_string_new("piece\n");
    struct ledger *l;
    GPtrArray *rows, *files;
    char *err = NULL;
    guint i;
    struct job_row j;

    {
        const char *close[] = {"job", "close", "--all", NULL};
        g_assert_cmpint(fx_trykk(&fx, NULL, close, mon), ==, 0);
    }
    db = g_build_filename(fx.spool, "ledger", "trykk.db", NULL);
    g_assert_cmpint(ledger_open(&l, db, &err), ==, 0);
    g_assert_cmpint(ledger_job_get(l, "J000001", &j), ==, 0);
    rows = ledger_job_pieces(l, j.id);
    for (i = 0; i < rows->len; i++)
        g_string_append_printf(s, "%s\n", ((struct piece_row *)rows->pdata[i])->code);
    code = g_strdup_printf("2099920%s", ((struct piece_row *)rows->pdata[0])->code);
    g_ptr_array_free(rows, TRUE);
    job_row_free(&j);
    ledger_close(l);
    g_assert_true(g_file_set_contents(log, s->str, -1, NULL));
    g_assert_cmpint(fx_trykk(&fx, NULL, rec, eve), ==, 0);
    g_assert_cmpint(fx_trykk(&fx, NULL, dispatch, eve), ==, 0);
    scan[2] = code;
    g_assert_cmpint(fx_trykk(&fx, NULL, scan, eve), ==, 0);
    files = fx_outbox(&fx, ".leveringskvittering.xml");
    g_assert_cmpuint(files->len, >=, 1);
    check_all(files);
    g_ptr_array_free(files, TRUE);
    {   /* the returpostkvittering is held until the day is over */
        const char *run[] = {"run", NULL};
        files = fx_outbox(&fx, ".returpostkvittering.xml");
        g_assert_cmpuint(files->len, ==, 0);
        g_ptr_array_free(files, TRUE);
        g_assert_cmpint(fx_trykk(&fx, NULL, run, next_day), ==, 0);
    }
    files = fx_outbox(&fx, ".returpostkvittering.xml");
    g_assert_cmpuint(files->len, ==, 1);
    check_all(files);
    g_ptr_array_free(files, TRUE);
    g_string_free(s, TRUE);
    g_free(code);
    g_free(db);
    g_free(log);
}

int main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/legacy/accepted", test_accepted);
    g_test_add_func("/legacy/rejected", test_rejected);
    g_test_add_func("/legacy/identical-print", test_identical_print);
    g_test_add_func("/legacy/after-print", test_after_print);
    rc = g_test_run();
    if (fx.root)
        fx_free(&fx);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_digdir.c - Digdir's official 2023 print sample, end to end through the real binary.
 *
 * The sample's signer certificate expired on 2026-05-05, so (as dpi-print-format.md §11.1
 * prescribes for tests) its leaf is pinned as the trust anchor and validity is checked at
 * the message's creation time. Both carrier shapes are exercised: the sample as a directory
 * carrier, and the same JWT and package wrapped in a PEPPOL-style XML carrier, which must be
 * recognised as the same message (a duplicate) and never accepted twice.
 */
#include <string.h>
#include <glib/gstdio.h>
#include "common/fixture.h"
#include "render/outputs.h"
#include "render/render.h"
#include "util/util.h"

#define SAMPLE TRYKK_SHARED_DIR "/conformance/digdir-2023-utskrift/"

static struct fixture fx;

static void setup(void)
{
    char *conf, *anchor, *pem;
    const char *init[] = {"init", NULL};

    fx_digdir_root(&fx, "trykk-digdir-XXXXXX");
    /* the shared sample key is world-readable (0444); trykk takes only a 0600 copy */
    anchor = g_build_filename(fx.root, "eksempel-key.pem", NULL);
    pem = fx_read(SAMPLE "eksempel-key.pem");
    g_assert_true(g_file_set_contents(anchor, pem, -1, NULL));
    g_chmod(anchor, 0600);
    g_free(pem);
    g_free(anchor);
    conf = g_strdup("[provider]\norgnr=974761076\nkey=eksempel-key.pem\ncert=" SAMPLE
                    "eksempel-cert.pem\n[trust]\nanchors=anchors\ncheck_time=message\n"
                    "max_skew_days=36500\n[spool]\nroot=spool\n");
    g_assert_true(g_file_set_contents(fx.conf, conf, -1, NULL));
    g_chmod(fx.conf, 0600);
    g_free(conf);
    g_assert_cmpint(fx_trykk(&fx, NULL, init, NULL), ==, 0);
}

static void read_sample(char **jwt, struct bytes *cms)
{
    char *s = fx_read(SAMPLE "utskrift-forretningsmelding.jwt");
    gsize n;

    *jwt = g_strstrip(s);
    g_assert_true(g_file_get_contents(SAMPLE "utskrift-dokumentpakke.cms", (char **)&cms->data,
                                      &n, NULL));
    cms->len = n;
}

/* The sample as the print room gets it: a normal-layout C5 letter, address in the window. */
static void check_print(void)
{
    const char *close[] = {"job", "close", "--all", NULL};
    char *jobs = g_build_filename(fx.spool, "jobs", "J000001", NULL);
    char *csv = g_build_filename(jobs, "pieces.csv", NULL), *pdf, *text, *dm, *want;
    char **rows, **f;
    GPtrArray *w;
    const struct word *name;

    g_assert_cmpint(fx_trykk(&fx, NULL, close, NULL), ==, 0);
    text = fx_read(csv);
    g_assert_nonnull(text);
    rows = g_strsplit(text, "\r\n", -1);
    f = g_strsplit(rows[1], ",", -1);
    g_assert_cmpstr(f[7], ==, "normal");
    g_assert_cmpstr(f[8], ==, "C5");
    g_assert_cmpstr(f[6], ==, "2");    /* cover sheet + one content sheet */
    g_assert_cmpstr(f[9], ==, "16.5"); /* 2 × 5 g + 6.5 g */
    g_assert_cmpstr(f[10], ==, "B");
    pdf = g_build_filename(jobs, "job.pdf", NULL);
    g_assert_cmpint(out_pages(pdf), ==, 4);
    w = out_words(pdf, 1);
    name = out_find(w, "Nordmann");
    g_assert_nonnull(name);
    g_assert_cmpfloat(name->x0, >=, 15);
    g_assert_cmpfloat(name->x1, <=, 120);
    g_assert_cmpfloat(name->y0, >=, 44);
    g_assert_cmpfloat(name->y1, <=, 79);
    dm = out_datamatrix(pdf, 3);
    want = marks_payload(1, 1, 2, 2);
    g_assert_cmpstr(dm, ==, want);
    g_free(dm);
    g_free(want);
    g_ptr_array_free(w, TRUE);
    g_strfreev(f);
    g_strfreev(rows);
    g_free(text);
    g_free(pdf);
    g_free(csv);
    g_free(jobs);
}

static void test_sample_accepted(void)
{
    const char *run[] = {"run", NULL};
    char *jwt, *outbox, *file;
    struct bytes cms;
    json_t *l, *r;
    GPtrArray *files;

    read_sample(&jwt, &cms);
    fx_drop(&fx, "digdir-sample", 'b', jwt, &cms);
    g_assert_cmpint(fx_trykk(&fx, NULL, run, NULL), ==, 0);
    l = fx_letter_by_entry(&fx, "digdir-sample");
    g_assert_cmpstr(fx_intake_state(l), ==, "ACCEPTED");
    g_assert_cmpstr(json_string_value(json_object_get(l, "message_id")), ==,
                    "5738440c-d802-47fe-b274-b4b673b9e493");
    g_assert_cmpstr(json_string_value(json_object_get(l, "conversation_id")), ==,
                    "c2e01afe-e883-47c7-9cb9-a9b649b7b1d1");
    r = json_object_get(l, "recipient");
    g_assert_cmpstr(json_string_value(json_object_get(r, "navn")), ==, "Ola Nordmann");
    g_assert_cmpstr(json_string_value(json_object_get(r, "adresselinje1")), ==, "Liksomveien 22");
    g_assert_cmpstr(json_string_value(json_object_get(r, "postnummer")), ==, "1234");
    g_assert_cmpstr(json_string_value(json_object_get(r, "poststed")), ==, "Nordby");
    g_assert_cmpint(json_integer_value(json_object_get(l, "pages")), ==, 1);
    g_assert_cmpstr(json_string_value(json_object_get(l, "colour")), ==, "SORT_HVIT");
    g_assert_cmpstr(json_string_value(json_object_get(l, "posttype")), ==, "B");
    g_assert_cmpstr(json_string_value(json_object_get(l, "return_handling")), ==, "DIREKTE_RETUR");
    outbox = g_build_filename(fx.spool, "outbox", NULL);
    file = g_strdup_printf("%s/%s.mottakskvittering.jwt", outbox,
                           json_string_value(json_object_get(l, "id")));
    g_assert_true(g_file_test(file, G_FILE_TEST_EXISTS));
    files = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(files, file);
    g_assert_true(fx_receipts_valid(files));
    g_ptr_array_free(files, TRUE);
    g_free(outbox);
    json_decref(l);
    g_free(jwt);
    bytes_free(&cms);
    check_print();
}

static void test_same_message_as_xml_carrier_is_a_duplicate(void)
{
    const char *run[] = {"run", NULL};
    char *jwt;
    struct bytes cms;
    json_t *l;

    read_sample(&jwt, &cms);
    fx_drop(&fx, "digdir-sample.xml", 'a', jwt, &cms);
    g_assert_cmpint(fx_trykk(&fx, NULL, run, NULL), ==, 1);
    l = fx_letter_by_entry(&fx, "digdir-sample.xml");
    g_assert_cmpstr(json_string_value(json_object_get(l, "carrier")), ==, "xml");
    g_assert_cmpstr(json_string_value(json_object_get(l, "reason")), ==, "duplicate-message-id");
    json_decref(l);
    g_free(jwt);
    bytes_free(&cms);
}

int main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    setup();
    g_test_add_func("/digdir/sample-accepted", test_sample_accepted);
    g_test_add_func("/digdir/xml-carrier-duplicate", test_same_message_as_xml_carrier_is_a_duplicate);
    rc = g_test_run();
    fx_free(&fx);
    return rc;
}

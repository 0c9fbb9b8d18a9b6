/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_hostile_fields.c - strings that would move what is printed in the envelope window or
 * take over an operator's terminal: control, C1, line-separator and direction characters in
 * addresses and references, the legacy format's lengths, and the CLI's escaping of what is
 * already stored.
 */
#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include "common/fixture.h"
#include "util/util.h"

static const char *const run[] = {"run", NULL};

struct field_case {
    const char *entry, *navn, *adresse, *poststed, *faktura, *reason;
};

static const struct field_case cases[] = {
    {"navn-newline", "Kari Nordmann\nPostboks 666\n9999 FEIL", NULL, NULL, NULL, "address-invalid"},
    {"navn-escape", "Kari \033[2J Nordmann", NULL, NULL, NULL, "address-invalid"},
    {"adresse-bidi", NULL, "Storgata \u202e1", NULL, NULL, "address-invalid"},
    {"poststed-c1", NULL, NULL, "OSLO\xc2\x9b", NULL, "address-invalid"},
    {"navn-line-separator", "Kari\u2028Nordmann", NULL, NULL, NULL, "address-invalid"},
    {"faktura-osc", NULL, NULL, NULL, "ref\033]0;owned\007", "message-invalid"},
    {"good", NULL, NULL, NULL, "Faktura 2026-11", NULL},
};

static json_t *letter(struct fixture *f, const char *entry)
{
    json_t *l = fx_letter_by_entry(f, entry);

    g_assert_nonnull(l);
    return l;
}

static void check_case(struct fixture *f, const struct field_case *c)
{
    json_t *l = letter(f, c->entry);
    const char *id = json_string_value(json_object_get(l, "id"));
    char *path = g_strdup_printf("%s/%s/%s", f->spool, c->reason ? "failed" : "accepted", id);

    g_assert_cmpstr(fx_intake_state(l), ==, c->reason ? "FAILED" : "ACCEPTED");
    g_assert_cmpstr(json_string_value(json_object_get(l, "reason")), ==, c->reason);
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    g_free(path);
    path = g_strdup_printf("%s/outbox/%s.%s.jwt", f->spool, id,
                           c->reason ? "feil" : "mottakskvittering");
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    g_free(path);
    json_decref(l);
}

/* Every case in one run, the good letter last: each ends in its place with its receipt. */
static void test_control_characters(void)
{
    struct fixture f;
    size_t i;

    fx_init(&f, NULL);
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        struct forge_letter l;
        fx_letter(&f, &l);
        l.navn = cases[i].navn;
        l.adresse = cases[i].adresse;
        l.poststed = cases[i].poststed;
        l.faktura_referanse = cases[i].faktura;
        fx_drop_letter(&f, cases[i].entry, 'b', &l);
    }
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    for (i = 0; i < G_N_ELEMENTS(cases); i++)
        check_case(&f, &cases[i]);
    fx_free(&f);
}

static void drop_legacy(struct fixture *f, const char *name, const char *navn)
{
    struct forge_letter l;
    char *jwt = NULL, *sbd;
    struct bytes cms;

    fx_letter(f, &l);
    l.navn = navn;
    g_assert_cmpint(forge_letter_build(&l, &jwt, &cms), ==, 0);
    sbd = forge_legacy_sbd(&l, &cms, NULL);
    g_assert_nonnull(sbd);
    fx_drop(f, name, 'c', sbd, &cms);
    g_free(sbd);
    g_free(jwt);
    bytes_free(&cms);
}

/* sdp-melding.xsd: Navn is at most 130 characters. */
static void test_legacy_navn_length(void)
{
    struct fixture f;
    char *n130 = g_strnfill(130, 'a'), *n131 = g_strnfill(131, 'a'), *n5000 = g_strnfill(5000, 'a');
    json_t *l;

    fx_init(&f, NULL);
    drop_legacy(&f, "navn-130", n130);
    drop_legacy(&f, "navn-131", n131);
    drop_legacy(&f, "navn-5000", n5000);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    l = letter(&f, "navn-130");
    g_assert_cmpstr(fx_intake_state(l), ==, "ACCEPTED");
    json_decref(l);
    l = letter(&f, "navn-131");
    g_assert_cmpstr(json_string_value(json_object_get(l, "reason")), ==, "message-invalid");
    json_decref(l);
    l = letter(&f, "navn-5000");
    g_assert_cmpstr(json_string_value(json_object_get(l, "reason")), ==, "message-invalid");
    json_decref(l);
    g_free(n130);
    g_free(n131);
    g_free(n5000);
    fx_free(&f);
}

static void sql(struct fixture *f, const char *stmt)
{
    char *db = g_build_filename(f->spool, "ledger", "trykk.db", NULL);
    sqlite3 *h;

    g_assert_cmpint(sqlite3_open(db, &h), ==, SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    g_assert_cmpint(sqlite3_exec(h, stmt, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(h);
    g_free(db);
}

static bool only_printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
            return false;
    return true;
}

/* Data stored before these rules (or by a future bug) still reaches no terminal raw. */
static void test_terminal_escaping(void)
{
    struct fixture f;
    struct forge_letter l;
    json_t *o;
    char *out = NULL, *id, *stmt;
    GError *err = NULL;
    int status;

    fx_init(&f, NULL);
    fx_letter(&f, &l);
    l.faktura_referanse = "Faktura 1";
    fx_drop_letter(&f, "stored", 'b', &l);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 0);
    o = letter(&f, "stored");
    id = g_strdup(json_string_value(json_object_get(o, "id")));
    json_decref(o);
    stmt = g_strdup_printf("UPDATE addresses SET navn = 'Kari' || char(27) || '[2J' WHERE letter_id = "
                           "'%s'; UPDATE letters SET faktura_referanse = 'x' || char(27) || ']0;t' "
                           "|| char(7) WHERE id = '%s'", id, id);
    sql(&f, stmt);
    {
        char *argv[] = {(char *)TRYKK_BIN, (char *)"--config", f.conf, (char *)"show", id, NULL};
        g_assert_true(g_spawn_sync(f.root, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                   &out, NULL, &status, &err));
        g_assert_nonnull(strstr(out, "Kari\\x1b[2J"));
        g_assert_true(only_printable(out));
        g_free(out);
    }
    {
        char *argv[] = {(char *)TRYKK_BIN, (char *)"--config", f.conf, (char *)"costs", (char *)"summary",
                        NULL};
        g_assert_true(g_spawn_sync(f.root, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                   &out, NULL, &status, &err));
        g_assert_true(only_printable(out));
        g_free(out);
    }
    g_free(stmt);
    g_free(id);
    fx_free(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hostile/fields/control-characters", test_control_characters);
    g_test_add_func("/hostile/fields/legacy-navn-length", test_legacy_navn_length);
    g_test_add_func("/hostile/fields/terminal-escaping", test_terminal_escaping);
    return g_test_run();
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * costs_fx.c - planned letters straight into a ledger, for the cost tests and benchmark.
 */
#include <string.h>
#include <sqlite3.h>
#include "costs_fx.h"
#include "spool/spool.h"
#include "util/util.h"

#define SHIPPED TRYKK_SOURCE_DIR "/layouts/tariffs"

void cfx_init(struct cfx *x, const char *tariffs)
{
    struct spool s;
    char *err = NULL, *db;

    memset(x, 0, sizeof *x);
    x->dir = g_dir_make_tmp("trykk-costs-XXXXXX", NULL);
    g_assert_nonnull(x->dir);
    x->spool = g_build_filename(x->dir, "spool", NULL);
    x->tariffs = g_strdup(tariffs ? tariffs : SHIPPED);
    g_assert_cmpint(spool_open(&s, x->spool, true, &err), ==, 0);
    db = spool_db_path(&s);
    g_assert_cmpint(ledger_open(&x->l, db, &err), ==, 0);
    g_free(db);
    spool_close(&s);
    if (tariff_set_load(&x->ts, x->tariffs, &err) < 0)
        g_error("%s", err);
}

void cfx_rm_tree(const char *path)
{
    char *argv[] = {"rm", "-rf", (char *)path, NULL};

    g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

void cfx_free(struct cfx *x)
{
    ledger_close(x->l);
    tariff_set_free(&x->ts);
    cfx_rm_tree(x->dir);
    g_free(x->dir);
    g_free(x->spool);
    g_free(x->tariffs);
}

#define OR(v, d) ((v) ? (v) : (d))

char *cfx_letter(struct cfx *x, const struct cfx_letter *s)
{
    char *id = g_strdup_printf("20261102T000000-%08x", ++x->n), *mid = g_uuid_string_random();
    char *avs = g_strdup_printf("0192:%s", OR(s->sender, "910000001")), *err = NULL;
    const char *day = OR(s->day, "2026-11-02"), *posted = OR(s->posted, day);
    const char *layout = OR(s->layout, "normal");
    int pages = s->pages ? s->pages : 2, content = (pages + 1) / 2;
    int sheets = content + (strcmp(layout, "normal") == 0);
    char *at = g_strdup_printf("%sT12:00:00+01:00", day);
    struct letter_row r = {.id = id, .carrier = "json", .state = LETTER_STATE_ACCEPTED,
                           .message_id = mid, .authenticated = true, .avsender = avs,
                           .avsenderidentifikator = "ident-1", .faktura_referanse = s->faktura,
                           .posttype = OR(s->posttype, "B"), .colour = OR(s->colour, "SORT_HVIT"),
                           .return_handling = "DIREKTE_RETUR", .documents = 1, .pages = pages,
                           .at = at};
    struct address_row a = {.navn = "Kari Nordmann", .linje = {"Gate 1"}, .postnummer = "0101",
                            .poststed = "OSLO", .landkode = s->landkode};

    g_assert_cmpint(ledger_insert_letter(x->l, &r), ==, 0);
    g_assert_cmpint(ledger_insert_address(x->l, id, "recipient", &a), ==, 0);
    g_assert_cmpint(ledger_letter_planned(x->l, id, LETTER_STATE_PRINTED, layout, NULL, content, sheets,
                                          OR(s->envelope, "C5"),
                                          (s->weight_g ? s->weight_g : 15) * 1000), ==, 0);
    if (costs_record_print(x->l, &x->ts, id, day, at, &err) < 0)
        g_error("%s", err);
    if (*posted && costs_set_posted(x->l, id, posted, &err) < 0)
        g_error("%s", err);
    g_free(mid);
    g_free(avs);
    g_free(at);
    return id;
}

char *cfx_tariff_dir(const char *const *edits, const char *extra_name, const char *extra_text)
{
    char *dir = g_dir_make_tmp("trykk-tariffs-XXXXXX", NULL), *text = NULL, *p;
    size_t i;

    g_assert_nonnull(dir);
    g_assert_true(g_file_get_contents(SHIPPED "/print-2020-04-01.ini", &text, NULL, NULL));
    for (i = 0; edits && edits[i]; i += 2) {
        char **parts = g_strsplit(text, edits[i], -1);
        g_assert_cmpint(g_strv_length(parts), >, 1);
        g_free(text);
        text = g_strjoinv(edits[i + 1], parts);
        g_strfreev(parts);
    }
    p = g_build_filename(dir, "print.ini", NULL);
    g_assert_true(g_file_set_contents(p, text, -1, NULL));
    g_free(p);
    g_free(text);
    g_assert_true(g_file_get_contents(SHIPPED "/postage-example.ini", &text, NULL, NULL));
    p = g_build_filename(dir, "postage.ini", NULL);
    g_assert_true(g_file_set_contents(p, text, -1, NULL));
    g_free(p);
    g_free(text);
    if (extra_name) {
        p = g_build_filename(dir, extra_name, NULL);
        g_assert_true(g_file_set_contents(p, extra_text, -1, NULL));
        g_free(p);
    }
    return dir;
}

long long cfx_sum(struct cfx *x, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char *path = g_build_filename(x->spool, "ledger", "trykk.db", NULL);
    long long v = -1;

    g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    g_free(path);
    return v;
}

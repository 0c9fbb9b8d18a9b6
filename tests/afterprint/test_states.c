/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_states.c - the whole life of a print job and its letters as an operator sees it,
 * through the real trykk binary: OPEN -> CLOSED (published) -> PRINTED -> RECONCILED ->
 * DISPATCHED, and another job to CANCELLED; holds on a letter and on a job; a reprint on
 * request; `jobs`, `job show` and `show` checked at each step (their JSON parsed, their
 * text read); a letter found by letter id, message id, piece code, EA code and DataMatrix
 * text; exit codes for wrong ids and impossible dates; --help everywhere.
 *
 * The tests run in order on one spool.
 */
#include <string.h>
#include <sqlite3.h>
#include "common/fixture.h"
#include "util/util.h"

#define EXTRA "[ea]\nagreement=0999\nservice_level=2\nreturn_address=Trykk AS;Returpost EA;" \
              "Postboks 1;0001 OSLO\n[render]\nreprint_max_percent=100\n"

static struct fixture fx;
static GString *all_err; /* every stderr line, for the log check */
static char *ids[3];     /* letter ids: 0 MAKULERING, 1 DIREKTE_RETUR, 2 legacy */
static char *msg_ids[3];

static const char *const mon[] = {"TRYKK_NOW", "2026-11-16T10:00:00+01:00", NULL};
static const char *const mon_eve[] = {"TRYKK_NOW", "2026-11-16T21:00:00+01:00", NULL};
static const char *const tue[] = {"TRYKK_NOW", "2026-11-17T09:00:00+01:00", NULL};

/* Run trykk with args (NULL-terminated); stdout into *out (optional), stderr kept for the
 * log check. Returns the exit status (stdin is /dev/null, never a terminal). */
static int run_v(const char *const *env, char **out, const char *const *args)
{
    char *e = NULL;
    int rc = fx_trykk_out(&fx, out, &e, args, env);

    g_string_append(all_err, e);
    g_free(e);
    g_assert_cmpint(rc, <, 128);
    return rc;
}

#define RUN(env, out, ...) run_v(env, out, (const char *const[]){__VA_ARGS__, NULL})

static json_t *run_json(const char *const *env, const char *const *args)
{
    char *out = NULL;
    json_t *j;

    g_assert_cmpint(run_v(env, &out, args), ==, 0);
    j = json_loads(out, 0, NULL);
    g_assert_nonnull(j);
    g_free(out);
    return j;
}

#define JSON(env, ...) run_json(env, (const char *const[]){__VA_ARGS__, NULL})

static const char *s_of(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* The job named name in `jobs --json` (a new reference), or NULL. */
static json_t *job_in_list(json_t *jobs, const char *name)
{
    size_t i;
    json_t *j;

    json_array_foreach(jobs, i, j)
        if (g_strcmp0(s_of(j, "job"), name) == 0)
            return json_incref(j);
    return NULL;
}

static char *job_state(const char *name)
{
    json_t *jobs = JSON(mon, "jobs", "--json"), *j = job_in_list(jobs, name);
    char *s;

    g_assert_nonnull(j);
    s = g_strdup(s_of(j, "state"));
    json_decref(j);
    json_decref(jobs);
    return s;
}

static void assert_job_state(const char *name, const char *state)
{
    char *s = job_state(name);
    json_t *o = JSON(mon, "job", "show", name, "--json");

    g_assert_cmpstr(s, ==, state);
    g_assert_cmpstr(s_of(o, "state"), ==, state);
    json_decref(o);
    g_free(s);
}

static json_t *letter(const char *key)
{
    return JSON(mon, "show", "--json", key);
}

static void assert_letter_state(const char *id, const char *state)
{
    json_t *o = letter(id);

    g_assert_cmpstr(s_of(o, "state"), ==, state);
    json_decref(o);
}

/* The piece code of a letter in a job, from `job show --json`. */
static char *piece_of(const char *job, const char *id, const char **state)
{
    json_t *o = JSON(mon, "job", "show", job, "--json"), *p;
    char *code = NULL;
    size_t i;

    json_array_foreach(json_object_get(o, "pieces"), i, p)
        if (g_strcmp0(s_of(p, "letter_id"), id) == 0) {
            code = g_strdup(s_of(p, "piece"));
            if (state)
                *state = g_intern_string(s_of(p, "state"));
        }
    json_decref(o);
    return code;
}

/* ---- intake and planning: OPEN -------------------------------------------------------------- */

static void test_open(void)
{
    char *out = NULL;
    json_t *jobs, *j, *o;
    int i;

    all_err = g_string_new(NULL);
    fx_init(&fx, EXTRA);
    for (i = 0; i < 3; i++) {
        struct forge_letter l;
        char name[16];
        fx_letter(&fx, &l);
        l.navn = "Stata Livsløp";
        l.adresse = "Tilstandsveien 6";
        l.postnummer = "0155";
        l.poststed = "OSLO";
        l.return_handling = i == 0 ? "MAKULERING_MED_MELDING" : "DIREKTE_RETUR";
        g_snprintf(name, sizeof name, "letter-%d", i);
        if (i < 2) {
            fx_drop_letter(&fx, name, 'b', &l);
        } else {
            char *jwt = NULL, *sbd;
            struct bytes cms;
            g_assert_cmpint(forge_letter_build(&l, &jwt, &cms), ==, 0);
            sbd = forge_legacy_sbd(&l, &cms, NULL);
            fx_drop(&fx, name, 'c', sbd, &cms);
            g_free(jwt);
            g_free(sbd);
            bytes_free(&cms);
        }
    }
    g_assert_cmpint(RUN(mon, NULL, "run"), ==, 0);
    for (i = 0; i < 3; i++) {
        char *name = g_strdup_printf("letter-%d", i);
        json_t *row = fx_letter_by_entry(&fx, name);
        g_assert_nonnull(row);
        ids[i] = g_strdup(s_of(row, "id"));
        msg_ids[i] = g_strdup(s_of(row, "message_id"));
        json_decref(row);
        g_free(name);
        assert_letter_state(ids[i], "PLANNED");
    }
    jobs = JSON(mon, "jobs", "--json");
    g_assert_cmpuint(json_array_size(jobs), ==, 1);
    j = json_array_get(jobs, 0);
    g_assert_cmpstr(s_of(j, "job"), ==, "J000001");
    g_assert_cmpstr(s_of(j, "state"), ==, "OPEN");
    g_assert_cmpint(json_integer_value(json_object_get(j, "letters")), ==, 3);
    g_assert_null(json_object_get(j, "path"));
    json_decref(jobs);
    /* the text table has a header for every column, A/B too */
    g_assert_cmpint(RUN(mon, &out, "jobs"), ==, 0);
    g_assert_true(g_str_has_prefix(out, "JOB"));
    *strchr(out, '\n') = 0; /* the header line */
    for (i = 0; i < 12; i++) {
        static const char *const h[] = {"JOB", "STATE", "HOLD", "LAYOUT", "ENVEL.", "COLOUR",
                                        "A/B", "DAY", "LETTERS", "SHEETS", "REPRINT OF",
                                        "FILES"};
        g_assert_nonnull(strstr(out, h[i]));
    }
    g_free(out);
    g_assert_cmpint(RUN(mon, &out, "jobs"), ==, 0);
    g_assert_nonnull(strstr(out, "J000001   OPEN"));
    g_free(out);
    /* a letter in an open job has a piece but no code yet */
    o = letter(ids[0]);
    g_assert_cmpstr(s_of(json_array_get(json_object_get(o, "pieces"), 0), "job"), ==, "J000001");
    g_assert_null(json_object_get(json_array_get(json_object_get(o, "pieces"), 0), "piece"));
    json_decref(o);
}

/* ---- item 13: the sender's print instruction ---------------------------------------------- */

static void test_print_instructions(void)
{
    json_t *o = letter(ids[2]);
    char *out = NULL, *line;

    g_assert_cmpstr(s_of(o, "print_instructions"), ==, "returkonvolutt=true");
    json_decref(o);
    o = letter(ids[0]);
    g_assert_null(json_object_get(o, "print_instructions"));
    json_decref(o);
    g_assert_cmpint(RUN(mon, &out, "show", ids[2]), ==, 0);
    g_assert_nonnull(strstr(out, "returkonvolutt=true"));
    g_free(out);
    line = g_strdup_printf("letter %s: the sender's print instructions returkonvolutt=true",
                           ids[2]);
    g_assert_nonnull(strstr(all_err->str, line));
    g_free(line);
}

/* ---- a letter held in its open job is taken out; released, it is planned again ------------- */

static void test_hold_letter(void)
{
    json_t *o, *jobs;
    char *out = NULL;

    g_assert_cmpint(RUN(mon, NULL, "hold", ids[1]), ==, 2); /* --reason is required */
    g_assert_cmpint(RUN(mon, &out, "hold", ids[1], "--reason", "the sender called"), ==, 0);
    g_assert_nonnull(strstr(out, "on hold"));
    g_free(out);
    o = letter(ids[1]);
    g_assert_cmpstr(s_of(o, "state"), ==, "ACCEPTED");
    g_assert_cmpstr(s_of(o, "hold_reason"), ==, "the sender called");
    g_assert_cmpuint(json_array_size(json_object_get(o, "pieces")), ==, 0);
    json_decref(o);
    jobs = JSON(mon, "jobs", "--json");
    g_assert_cmpint(json_integer_value(json_object_get(json_array_get(jobs, 0), "letters")), ==,
                    2);
    json_decref(jobs);
    g_assert_cmpint(RUN(mon, NULL, "hold", ids[1], "--reason", "again"), ==, 1);
    o = JSON(mon, "status", "--json");
    g_assert_cmpint(json_integer_value(json_object_get(json_object_get(o, "held"), "letters")),
                    ==, 1);
    json_decref(o);
    /* a run does not plan it */
    g_assert_cmpint(RUN(mon, NULL, "run"), ==, 0);
    assert_letter_state(ids[1], "ACCEPTED");
    /* the text view says so */
    g_assert_cmpint(RUN(mon, &out, "show", ids[1]), ==, 0);
    g_assert_nonnull(strstr(out, "hold_reason"));
    g_assert_nonnull(strstr(out, "by an operator: the sender called"));
    g_free(out);
    g_assert_cmpint(RUN(mon, NULL, "release", ids[1]), ==, 0);
    g_assert_cmpint(RUN(mon, NULL, "release", ids[1]), ==, 1);
    g_assert_cmpint(RUN(mon, NULL, "run"), ==, 0);
    o = letter(ids[1]);
    g_assert_cmpstr(s_of(o, "state"), ==, "PLANNED");
    g_assert_null(json_object_get(o, "hold_reason"));
    g_assert_cmpstr(s_of(json_array_get(json_object_get(o, "pieces"), 0), "job"), ==, "J000001");
    json_decref(o);
}

/* ---- a held job is not closed at the cut-off; released, it closes: CLOSED ----------------- */

static void test_hold_job_and_close(void)
{
    json_t *jobs, *j, *o;
    char *out = NULL;
    size_t i;

    g_assert_cmpint(RUN(mon, NULL, "hold", "J000001", "--reason", "paper jam"), ==, 0);
    g_assert_cmpint(RUN(mon, NULL, "job", "close", "J000001"), ==, 1);
    g_assert_cmpint(RUN(mon_eve, NULL, "run"), ==, 0); /* past the cut-off */
    jobs = JSON(mon, "jobs", "--json", "--state", "open");
    g_assert_cmpuint(json_array_size(jobs), ==, 1);
    g_assert_cmpstr(s_of(json_array_get(jobs, 0), "hold_reason"), ==, "paper jam");
    json_decref(jobs);
    g_assert_cmpint(RUN(mon, &out, "jobs"), ==, 0);
    g_assert_nonnull(strstr(out, "J000001   OPEN       yes"));
    g_free(out);
    g_assert_cmpint(RUN(mon, NULL, "release", "J000001"), ==, 0);
    g_assert_cmpint(RUN(mon_eve, NULL, "run"), ==, 0);
    assert_job_state("J000001", "CLOSED");
    /* published, not printed: the letters stay PLANNED, the pieces have codes */
    o = JSON(mon, "job", "show", "J000001", "--json");
    g_assert_cmpstr(s_of(o, "path") + strlen(s_of(o, "path")) - 7, ==, "J000001");
    g_assert_cmpuint(json_array_size(json_object_get(o, "pieces")), ==, 3);
    json_array_foreach(json_object_get(o, "pieces"), i, j) {
        g_assert_cmpstr(s_of(j, "state"), ==, "PLANNED");
        g_assert_true(g_str_has_prefix(s_of(j, "piece"), "000001"));
        g_assert_cmpstr(s_of(j, "envelope"), ==, "C5");
        g_assert_cmpint(json_integer_value(json_object_get(j, "sheets")), >, 0);
        g_assert_cmpint(json_integer_value(json_object_get(j, "weight_mg")), >, 0);
    }
    json_decref(o);
    for (i = 0; i < 3; i++)
        assert_letter_state(ids[i], "PLANNED");
    g_assert_cmpint(RUN(mon, &out, "job", "show", "J000001"), ==, 0);
    g_assert_nonnull(strstr(out, "PIECE"));
    g_assert_nonnull(strstr(out, "REPRINT OF"));
    g_assert_nonnull(strstr(out, ids[0]));
    g_free(out);
}

/* ---- every name a letter goes by -------------------------------------------------------------- */

static void test_lookup(void)
{
    const char *st;
    char *code = piece_of("J000001", ids[0], &st), *ea, *dm, *out = NULL;
    json_t *o;

    g_assert_nonnull(code);
    o = letter(code);
    g_assert_cmpstr(s_of(o, "id"), ==, ids[0]);
    g_assert_cmpstr(s_of(o, "found_by"), ==, "piece code");
    json_decref(o);
    ea = g_strdup_printf("2099920%s", code);
    o = letter(ea);
    g_assert_cmpstr(s_of(o, "id"), ==, ids[0]);
    g_assert_cmpstr(s_of(o, "found_by"), ==, "EA code");
    json_decref(o);
    o = letter(msg_ids[0]);
    g_assert_cmpstr(s_of(o, "id"), ==, ids[0]);
    g_assert_cmpstr(s_of(o, "found_by"), ==, "message id");
    json_decref(o);
    dm = g_strdup_printf("J%.6sP%sS001M001C0", code, code + 6);
    o = letter(dm);
    g_assert_cmpstr(s_of(o, "id"), ==, ids[0]);
    json_decref(o);
    /* text: the history shows the event details */
    g_assert_cmpint(RUN(mon, &out, "show", code), ==, 0);
    g_assert_nonnull(strstr(out, ids[0]));
    g_assert_nonnull(strstr(out, "published    J000001 piece "));
    g_free(out);
    g_assert_cmpint(RUN(mon, NULL, "show", "00000999999"), ==, 1);
    g_assert_cmpint(RUN(mon, NULL, "show", "nosuch"), ==, 1);
    g_free(code);
    g_free(ea);
    g_free(dm);
}

/* ---- the operator confirms the print: PRINTED ------------------------------------------------ */

static void test_printed(void)
{
    const char *st;
    char *code;
    int i;

    g_assert_cmpint(RUN(mon, NULL, "job", "printed", "J000001"), ==, 0);
    assert_job_state("J000001", "PRINTED");
    for (i = 0; i < 3; i++) {
        assert_letter_state(ids[i], "PRINTED");
        code = piece_of("J000001", ids[i], &st);
        g_assert_cmpstr(st, ==, "PRINTED");
        g_free(code);
    }
    g_assert_cmpint(RUN(mon, NULL, "job", "printed", "J000001"), ==, 1);
    g_assert_cmpint(RUN(mon, NULL, "job", "printed", "J000077"), ==, 1);
}

/* ---- reconcile: RECONCILED, a damaged piece reprinted in a job whose name can be typed ------ */

static char *reprint_job_of(const char *parent)
{
    json_t *jobs = JSON(mon, "jobs", "--json"), *j;
    char *name = NULL;
    size_t i;

    json_array_foreach(jobs, i, j)
        if (g_strcmp0(s_of(j, "reprint_of"), parent) == 0 && !name)
            name = g_strdup(s_of(j, "job"));
    json_decref(jobs);
    return name;
}

static void test_reconcile(void)
{
    char *c0 = piece_of("J000001", ids[0], NULL), *c1 = piece_of("J000001", ids[1], NULL);
    char *c2 = piece_of("J000001", ids[2], NULL), *log, *text, *child, *code;
    const char *st;
    json_t *o;

    log = g_build_filename(fx.root, "scan-1.csv", NULL);
    text = g_strdup_printf("piece,result\n%s,OK\n%s,OK\n%s,DAMAGED\n", c0, c1, c2);
    g_assert_true(g_file_set_contents(log, text, -1, NULL));
    g_assert_cmpint(RUN(mon, NULL, "reconcile", "J000001", log), ==, 1);
    assert_job_state("J000001", "RECONCILED");
    assert_letter_state(ids[0], "INSERTED");
    assert_letter_state(ids[2], "PLANNED");
    child = reprint_job_of("J000001");
    g_assert_cmpstr(child, ==, "J000002");
    assert_job_state(child, "CLOSED");
    /* its piece codes carry its own number, and every name is accepted */
    code = piece_of(child, ids[2], &st);
    g_assert_true(g_str_has_prefix(code, "000002"));
    o = JSON(mon, "job", "show", child, "--json");
    g_assert_cmpstr(s_of(o, "reprint_of"), ==, "J000001");
    g_assert_cmpstr(s_of(json_array_get(json_object_get(o, "pieces"), 0), "reprint_of"), ==, c2);
    json_decref(o);
    o = JSON(mon, "job", "show", "j2", "--json");
    g_assert_cmpstr(s_of(o, "job"), ==, "J000002");
    json_decref(o);
    o = letter(code);
    g_assert_cmpstr(s_of(o, "id"), ==, ids[2]);
    json_decref(o);
    o = JSON(mon, "job", "show", "J000001", "--json");
    g_assert_cmpstr(s_of(json_array_get(json_object_get(o, "reprints"), 0), "job"), ==,
                    "J000002");
    json_decref(o);
    g_free(piece_of("J000001", ids[2], &st));
    g_assert_cmpstr(st, ==, "REPRINTED");
    g_free(c0);
    g_free(c1);
    g_free(c2);
    g_free(log);
    g_free(text);
    g_free(child);
    g_free(code);
}

/* ---- one piece reprinted on request after reconcile --------------------------------------- */

static void test_reprint_on_request(void)
{
    char *c1 = piece_of("J000001", ids[1], NULL), *out = NULL;
    const char *st;
    json_t *o;

    g_assert_cmpint(RUN(mon, NULL, "reprint", c1), ==, 2); /* --reason is required */
    g_assert_cmpint(RUN(mon, &out, "reprint", c1, "--reason", "smudged at the inserter"), ==, 0);
    g_assert_nonnull(strstr(out, "J000003"));
    g_free(out);
    g_free(piece_of("J000001", ids[1], &st));
    g_assert_cmpstr(st, ==, "REPRINTED");
    assert_letter_state(ids[1], "PLANNED");
    assert_job_state("J000003", "CLOSED");
    o = letter(ids[1]);
    g_assert_cmpuint(json_array_size(json_object_get(o, "pieces")), ==, 2);
    json_decref(o);
    g_assert_cmpint(RUN(mon, &out, "show", ids[1]), ==, 0);
    g_assert_nonnull(strstr(out, "on request: smudged at the inserter"));
    g_free(out);
    g_assert_cmpint(RUN(mon, NULL, "reprint", c1, "--reason", "again"), ==, 1);
    g_assert_cmpint(RUN(mon, NULL, "reprint", "00009900001", "--reason", "x"), ==, 1);
    g_free(c1);
}

/* ---- a held job is not dispatched; released: DISPATCHED on the real posting day ------------ */

static void reconcile_all_ok(const char *job)
{
    json_t *o = JSON(mon, "job", "show", job, "--json"), *p;
    GString *s = g_string_new(NULL);
    char *log = g_build_filename(fx.root, job, NULL);
    size_t i;

    json_array_foreach(json_object_get(o, "pieces"), i, p)
        g_string_append_printf(s, "%s\n", s_of(p, "piece"));
    g_assert_true(g_file_set_contents(log, s->str, -1, NULL));
    g_assert_cmpint(RUN(mon, NULL, "reconcile", job, log), ==, 0);
    g_string_free(s, TRUE);
    g_free(log);
    json_decref(o);
}

static void test_dispatch(void)
{
    json_t *jobs, *j, *o;
    size_t i;

    reconcile_all_ok("J000002");
    reconcile_all_ok("J000003");
    assert_job_state("J000002", "RECONCILED");
    g_assert_cmpint(RUN(tue, NULL, "hold", "J000001", "--reason", "count the trays"), ==, 0);
    g_assert_cmpint(RUN(tue, NULL, "dispatch", "J000001"), ==, 1);
    assert_job_state("J000001", "RECONCILED");
    g_assert_cmpint(RUN(tue, NULL, "release", "J000001"), ==, 0);
    g_assert_cmpint(RUN(tue, NULL, "dispatch", "J000001", "J2", "J000003"), ==, 0);
    jobs = JSON(mon, "jobs", "--json", "--state", "DISPATCHED", "--day", "2026-11-17");
    g_assert_cmpuint(json_array_size(jobs), ==, 3);
    json_array_foreach(jobs, i, j) {
        g_assert_cmpstr(s_of(j, "state"), ==, "DISPATCHED");
        g_assert_cmpstr(s_of(j, "day"), ==, "2026-11-17");
        g_assert_cmpstr(s_of(j, "planned_day"), ==, "2026-11-16");
    }
    json_decref(jobs);
    jobs = JSON(mon, "jobs", "--json", "--day", "2026-11-16");
    g_assert_cmpuint(json_array_size(jobs), ==, 0);
    json_decref(jobs);
    for (i = 0; i < 3; i++) {
        o = letter(ids[i]);
        g_assert_cmpstr(s_of(o, "state"), ==, "POSTED");
        g_assert_cmpstr(s_of(o, "posted_on"), ==, "2026-11-17");
        json_decref(o);
    }
    /* dispatched once */
    g_assert_cmpint(RUN(tue, NULL, "dispatch", "J000001"), ==, 1);
    g_assert_cmpint(RUN(tue, NULL, "hold", "J000001", "--reason", "late"), ==, 1);
}

/* One more letter, run and published at once in job (which must be the one it lands in);
 * its letter id. */
static char *published_letter(const char *entry, const char *job)
{
    struct forge_letter l;
    json_t *row;
    char *id;

    fx_letter(&fx, &l);
    l.navn = "Senere Brev";
    fx_drop_letter(&fx, entry, 'b', &l);
    g_assert_cmpint(RUN(tue, NULL, "run"), ==, 0);
    g_assert_cmpint(RUN(tue, NULL, "job", "close", "--all"), ==, 0);
    row = fx_letter_by_entry(&fx, entry);
    id = g_strdup(s_of(row, "id"));
    json_decref(row);
    assert_job_state(job, "CLOSED");
    return id;
}

/* ---- another job: CANCELLED, only with a confirmation ----------------------------------------- */

static void test_cancel(void)
{
    char *id = published_letter("letter-cancel", "J000004"), *err_before;

    /* stdin is not a terminal: --yes is needed */
    err_before = g_strdup(all_err->str);
    g_assert_cmpint(RUN(tue, NULL, "job", "cancel", "J000004", "--reason", "spoiled"), ==, 2);
    g_assert_nonnull(strstr(all_err->str + strlen(err_before), "--yes"));
    assert_job_state("J000004", "CLOSED");
    g_assert_cmpint(RUN(tue, NULL, "job", "cancel", "J000004", "--reason", "spoiled", "--yes"),
                    ==, 0);
    assert_job_state("J000004", "CANCELLED");
    assert_letter_state(id, "CANCELLED");
    g_assert_cmpint(RUN(tue, NULL, "job", "cancel", "J000004", "--reason", "again", "--yes"),
                    ==, 1);
    g_assert_cmpint(RUN(tue, NULL, "dispatch", "J000004"), ==, 1);
    g_free(id);
    g_free(err_before);
}

/* ---- exit codes, dates, --help, log lines ---------------------------------------------------- */

static void test_exit_codes(void)
{
    static const char *const helps[][3] = {
        {"run", NULL}, {"status", NULL}, {"show", NULL}, {"jobs", NULL}, {"job", NULL},
        {"job", "show"}, {"job", "close"}, {"job", "printed"}, {"job", "cancel"}, {"hold", NULL},
        {"release", NULL}, {"reprint", NULL}, {"reconcile", NULL}, {"dispatch", NULL},
        {"receipts", NULL}, {"tariff", NULL}, {"settle", NULL}, {"costs", NULL},
        {"demo", NULL}, {"init", NULL}};
    char *out = NULL;
    GRegex *fn;
    size_t i;

    g_assert_cmpint(RUN(mon, NULL, "job", "close", "J999999"), ==, 1);
    g_assert_cmpint(RUN(mon, NULL, "dispatch", "J999999"), ==, 1);
    g_assert_cmpint(RUN(mon, NULL, "reconcile", "J999999", "/nonexistent"), ==, 1);
    g_assert_cmpint(RUN(mon, NULL, "job", "show", "J999999"), ==, 1);
    g_assert_cmpint(RUN(mon, NULL, "job", "cancel", "J999999", "--reason", "x", "--yes"), ==, 1);
    g_assert_cmpint(RUN(mon, NULL, "hold", "J999999", "--reason", "x"), ==, 1);
    g_assert_cmpint(RUN(mon, NULL, "dispatch", "J000004", "--day", "2026-13-32"), ==, 2);
    g_assert_cmpint(RUN(mon, NULL, "jobs", "--day", "2026-13-32"), ==, 2);
    g_assert_cmpint(RUN(mon, NULL, "jobs", "--day", "2026-02-30"), ==, 2);
    g_assert_cmpint(RUN(mon, NULL, "jobs", "--state", "LOST"), ==, 2);
    g_assert_cmpint(RUN(mon, NULL, "settle", "day", "2026-13-32"), ==, 2);
    g_assert_cmpint(RUN(mon, NULL, "settle", "period", "2026-Q5"), ==, 2);
    g_assert_cmpint(RUN(mon, NULL, "job", "frobnicate"), ==, 2);
    g_assert_cmpint(RUN(mon, NULL, "jobs", "--bogus"), ==, 2);
    for (i = 0; i < G_N_ELEMENTS(helps); i++) {
        int rc = helps[i][1] ? RUN(mon, &out, helps[i][0], helps[i][1], "--help")
                             : RUN(mon, &out, helps[i][0], "--help");
        g_assert_cmpint(rc, ==, 0);
        g_assert_true(strstr(out, "sage:") != NULL);
        g_assert_cmpuint(strlen(out), >, 120); /* a description, not one bare line */
        g_free(out);
    }
    /* log lines name letters and jobs, never the C function that wrote them */
    fn = g_regex_new("^trykk: (info|warning|error): [a-z_0-9]+: ", G_REGEX_MULTILINE, 0, NULL);
    g_assert_nonnull(strstr(all_err->str, "trykk: info: job J000001: "));
    g_assert_false(g_regex_match(fn, all_err->str, 0, NULL));
    g_regex_unref(fn);
}

/* ---- a version-5 ledger is migrated: its jobs take the state their records show ------------ */

static void sql(const char *text)
{
    char *path = g_build_filename(fx.spool, "ledger", "trykk.db", NULL);
    sqlite3 *db;

    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, text, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
    g_free(path);
}

static void test_migrate_v5(void)
{
    char *id = published_letter("letter-v5", "J000005");
    const char *st;
    json_t *o;

    /* what version 5 wrote: jobs CLOSED for ever, published letters and pieces PRINTED */
    sql("PRAGMA ignore_check_constraints=ON;"
        "UPDATE jobs SET state = 'CLOSED' WHERE state <> 'OPEN';"
        "UPDATE pieces SET state = 'PRINTED' WHERE state = 'PLANNED';"
        "UPDATE letters SET state = 'PRINTED' WHERE state = 'PLANNED';"
        "PRAGMA user_version = 5;");
    assert_job_state("J000001", "DISPATCHED");
    assert_job_state("J000002", "DISPATCHED");
    assert_job_state("J000004", "CANCELLED");
    assert_job_state("J000005", "CLOSED");
    assert_letter_state(id, "PLANNED");
    assert_letter_state(ids[0], "POSTED");
    g_free(piece_of("J000005", id, &st));
    g_assert_cmpstr(st, ==, "PLANNED");
    o = JSON(mon, "status", "--json");
    g_assert_cmpint(json_integer_value(json_object_get(json_object_get(o, "letters"),
                                                       "POSTED")), ==, 3);
    json_decref(o);
    /* the new ledger checks its states */
    {
        char *path = g_build_filename(fx.spool, "ledger", "trykk.db", NULL);
        sqlite3 *db;
        g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
        g_assert_cmpint(sqlite3_exec(db, "UPDATE jobs SET state = 'LOST'", NULL, NULL, NULL), ==,
                        SQLITE_CONSTRAINT);
        g_assert_cmpint(sqlite3_exec(db, "UPDATE letters SET state = 'QUEUED'", NULL, NULL,
                                     NULL), ==, SQLITE_CONSTRAINT);
        sqlite3_close(db);
        g_free(path);
    }
    g_free(id);
}

static void test_cleanup(void)
{
    int i;

    for (i = 0; i < 3; i++) {
        g_free(ids[i]);
        g_free(msg_ids[i]);
    }
    g_string_free(all_err, TRUE);
    fx_free(&fx);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/states/open", test_open);
    g_test_add_func("/states/print-instructions", test_print_instructions);
    g_test_add_func("/states/hold-letter", test_hold_letter);
    g_test_add_func("/states/hold-job-and-close", test_hold_job_and_close);
    g_test_add_func("/states/lookup", test_lookup);
    g_test_add_func("/states/printed", test_printed);
    g_test_add_func("/states/reconcile", test_reconcile);
    g_test_add_func("/states/reprint-on-request", test_reprint_on_request);
    g_test_add_func("/states/dispatch", test_dispatch);
    g_test_add_func("/states/cancel", test_cancel);
    g_test_add_func("/states/exit-codes", test_exit_codes);
    g_test_add_func("/states/migrate-v5", test_migrate_v5);
    g_test_add_func("/states/cleanup", test_cleanup);
    return g_test_run();
}

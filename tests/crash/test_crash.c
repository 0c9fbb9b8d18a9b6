/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_crash.c - kill -9 in the middle of `trykk run`, restart, and check that every entry
 * was processed exactly once (architecture.md invariants 1-3, reliability.md T1/T2).
 *
 * Sweep: TRYKK_CRASH_AT=k kills the process with SIGKILL at its k-th fault point (every
 * write, fsync, rename, unlink and ledger commit), for k = 1, 2, … until a run finishes
 * without reaching k. I/O errors: TRYKK_FAIL_AT=k fails the k-th fault point with EIO.
 * Random: an external SIGKILL after a random delay. Group commit: TRYKK_CRASH_ON picks the
 * fault points inside one group (after k of its rows, after its commit, between publishes).
 * After each fault a
 * plain `trykk run` must leave: incoming/ and active/ empty; exactly one ledger row and one
 * terminal entry per dropped forsendelse, in the expected state; exactly the right receipts
 * in the outbox, byte-identical to the ledger's; no temporary files.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "common/fixture.h"
#include "util/util.h"

struct drop {
    char name[32];
    char kind;
    char *jwt;
    struct bytes cms;
    char *message_id; /* NULL for the unreadable entry */
    const char *state;
};

static struct fixture fx;
static int fault_points; /* on the whole run's path, counted by the crash sweep */
static struct drop drops[8];
static const size_t ndrops = G_N_ELEMENTS(drops);

static void make_drops(void)
{
    size_t i;

    for (i = 0; i < ndrops; i++) {
        struct forge_letter l;
        struct drop *d = &drops[i];
        fx_letter(&fx, &l);
        d->message_id = g_uuid_string_random();
        l.message_id = d->message_id;
        l.pdf.pages = 1 + (int)i % 3;
        d->state = "ACCEPTED";
        if (i == 5) {
            l.pdf.width_mm = 215.9; /* US Letter */
            l.pdf.height_mm = 279.4;
            d->state = "FAILED";
        }
        d->kind = i % 2 ? 'a' : 'b';
        g_snprintf(d->name, sizeof d->name, "drop-%zu%s", i, i % 2 ? ".xml" : "");
        if (i == ndrops - 1) { /* unreadable: quarantined */
            d->jwt = g_strdup("not a jwt");
            bytes_set(&d->cms, "junk", 4);
            g_free(d->message_id);
            d->message_id = NULL;
            d->state = "QUARANTINED";
            continue;
        }
        g_assert_cmpint(forge_letter_build(&l, &d->jwt, &d->cms), ==, 0);
        if (i == 6) {
            d->cms.data[d->cms.len / 2] ^= 1; /* fingerprint mismatch */
            d->state = "FAILED";
        }
    }
}

static int expected_accepted(void)
{
    size_t i;
    int n = 0;

    for (i = 0; i < ndrops; i++)
        n += strcmp(drops[i].state, "ACCEPTED") == 0;
    return n;
}

static char *fresh_spool(int k)
{
    char *spool = g_strdup_printf("%s/spool-%d", fx.root, k);
    const char *init[] = {"--spool", spool, "init", NULL};
    size_t i;

    g_assert_cmpint(fx_trykk(&fx, NULL, init, NULL), ==, 0);
    for (i = 0; i < ndrops; i++)
        g_assert_cmpint(forge_drop(spool, drops[i].name, drops[i].kind, drops[i].jwt,
                                   &drops[i].cms), ==, 0);
    return spool;
}

/* Pieces in all jobs (each job counts the pieces added to it). */
static int count_pieces(struct ledger *l)
{
    json_t *jobs = ledger_jobs_json(l, NULL, NULL), *j;
    size_t i;
    int n = 0;

    json_array_foreach(jobs, i, j)
        n += (int)json_integer_value(json_object_get(j, "letters"));
    json_decref(jobs);
    return n;
}

static int count_files(const char *spool, const char *sub, const char *suffix, bool skip_reason)
{
    char *dir = g_build_filename(spool, sub, NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;
    int c = 0;

    while (d && (n = g_dir_read_name(d))) {
        if (skip_reason && g_str_has_suffix(n, ".reason"))
            continue;
        if (!suffix || g_str_has_suffix(n, suffix))
            c++;
    }
    if (d)
        g_dir_close(d);
    g_free(dir);
    return c;
}

static void check_receipts(const char *spool, struct ledger *l, const char *id, const char *type,
                           int *receipts)
{
    json_t *list = ledger_receipts(l, id), *r;
    size_t i;

    g_assert_cmpuint(json_array_size(list), ==, type ? 1 : 0);
    json_array_foreach(list, i, r) {
        char *path = g_build_filename(spool, "outbox", json_string_value(json_object_get(r, "file")),
                                      NULL);
        char *bytes = fx_read(path);
        g_assert_cmpstr(json_string_value(json_object_get(r, "type")), ==, type);
        g_assert_nonnull(bytes);
        g_assert_cmpstr(bytes, ==, json_string_value(json_object_get(r, "jws")));
        g_free(bytes);
        g_free(path);
        (*receipts)++;
    }
    json_decref(list);
}

static void check_invariants(const char *spool)
{
    char *db = g_build_filename(spool, "ledger", "trykk.db", NULL), *err = NULL;
    struct ledger *l;
    GPtrArray *tmp, *queued;
    int receipts = 0, quarantined;
    size_t i;

    g_assert_cmpint(count_files(spool, "incoming", NULL, false), ==, 0);
    g_assert_cmpint(count_files(spool, "active", NULL, false), ==, 0);
    g_assert_cmpint(count_files(spool, "accepted", NULL, true) + count_files(spool, "failed", NULL,
                    true) + count_files(spool, "quarantine", NULL, true), ==, (int)ndrops);
    g_assert_cmpint(ledger_open(&l, db, &err), ==, 0);
    g_assert_cmpint(ledger_integrity(l), ==, 0);
    for (i = 0; i < ndrops; i++) {
        json_t *o;
        const char *id;
        if (!drops[i].message_id)
            continue;
        o = ledger_letter(l, drops[i].message_id);
        g_assert_nonnull(o);
        id = json_string_value(json_object_get(o, "id"));
        if (strcmp(fx_intake_state(o), drops[i].state) != 0) /* say why before failing */
            g_test_message("letter %s (drop %zu): %s, reason %s: %s", id, i, fx_intake_state(o),
                           json_string_value(json_object_get(o, "reason")),
                           json_string_value(json_object_get(o, "detail")));
        g_assert_cmpstr(fx_intake_state(o), ==, drops[i].state);
        check_receipts(spool, l, id, strcmp(drops[i].state, "ACCEPTED") == 0 ? "mottakskvittering"
                                                                          : "feil", &receipts);
        json_decref(o);
    }
    tmp = ledger_ids_in_state(l, "QUARANTINED");
    quarantined = (int)tmp->len;
    g_ptr_array_free(tmp, TRUE);
    g_assert_cmpint(quarantined, ==, 1);
    tmp = ledger_ids_in_state(l, "ACCEPTED");
    queued = ledger_ids_in_state(l, "PLANNED");
    /* no message accepted twice; planning may have been cut short by the crash */
    g_assert_cmpint((int)(tmp->len + queued->len), ==, expected_accepted());
    g_assert_cmpint(count_pieces(l), ==, (int)queued->len); /* one piece per queued letter */
    g_ptr_array_free(tmp, TRUE);
    g_ptr_array_free(queued, TRUE);
    g_assert_cmpint(count_files(spool, "outbox", NULL, false), ==, receipts);
    g_assert_cmpint(count_files(spool, "outbox", ".tmp", false), ==, 0);
    g_assert_cmpint(count_files(spool, "failed", ".tmp", false), ==, 0);
    ledger_close(l);
    g_free(db);
}

static void test_crash_sweep(void)
{
    const char *run[] = {"--spool", NULL, "run", NULL};
    int k, status = 137, crashes = 0;

    for (k = 1; k < 1000 && status == 137; k++) {
        char *spool = fresh_spool(k), *at = g_strdup_printf("%d", k);
        const char *env[] = {"TRYKK_CRASH_AT", at, NULL};
        run[1] = spool;
        status = fx_trykk(&fx, NULL, run, env);
        if (status == 137)
            crashes++;
        g_assert_true(status == 137 || status == 1);
        g_assert_cmpint(fx_trykk(&fx, NULL, run, NULL), <=, 1); /* restart and drain */
        check_invariants(spool);
        g_free(at);
        g_free(spool);
    }
    g_test_message("%d crash points swept", crashes);
    fault_points = crashes;
    g_assert_cmpint(crashes, >, 50);
    g_assert_cmpint(status, ==, 1); /* the last run reached its end */
}

/* Every fault point failing once with EIO: the run reports it, stops or skips, and a later
 * run finishes the work with the same invariants (reliability.md T4). */
static void test_io_error_sweep(void)
{
    const char *run[] = {"--spool", NULL, "run", NULL};
    int k;

    g_assert_cmpint(fault_points, >, 0);
    for (k = 1; k <= fault_points; k++) {
        char *spool = fresh_spool(20000 + k), *at = g_strdup_printf("%d", k);
        const char *env[] = {"TRYKK_FAIL_AT", at, NULL};
        run[1] = spool;
        g_assert_cmpint(fx_trykk(&fx, NULL, run, env), <=, 1);
        g_assert_cmpint(fx_trykk(&fx, NULL, run, NULL), <=, 1);
        check_invariants(spool);
        g_free(at);
        g_free(spool);
    }
}

static void test_random_kill(void)
{
    int round;

    for (round = 0; round < 12; round++) {
        char *spool = fresh_spool(10000 + round);
        char *argv[] = {(char *)TRYKK_BIN, (char *)"--config", fx.conf, (char *)"--spool", spool,
                        (char *)"run", NULL};
        const char *run[] = {"--spool", spool, "run", NULL};
        GPid pid;
        int status;

        g_assert_true(g_spawn_async(fx.root, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                                    G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                    NULL, NULL, &pid, NULL));
        g_usleep((gulong)g_random_int_range(2000, 120000));
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        g_assert_cmpint(fx_trykk(&fx, NULL, run, NULL), <=, 1);
        check_invariants(spool);
        g_free(spool);
    }
}

/* How many of the dropped letters (those with a message id) have a ledger row. */
static int committed_letters(const char *spool)
{
    char *db = g_build_filename(spool, "ledger", "trykk.db", NULL), *err = NULL;
    struct ledger *l;
    size_t i;
    int n = 0;

    g_assert_cmpint(ledger_open(&l, db, &err), ==, 0);
    for (i = 0; i < ndrops; i++) {
        json_t *o = drops[i].message_id ? ledger_letter(l, drops[i].message_id) : NULL;
        n += o != NULL;
        json_decref(o);
    }
    ledger_close(l);
    g_free(db);
    return n;
}

static int letters_with_id(void)
{
    size_t i;
    int n = 0;

    for (i = 0; i < ndrops; i++)
        n += drops[i].message_id != NULL;
    return n;
}

/* Crash at the k-th fault point named what (TRYKK_CRASH_ON); 137 when it was reached. */
static int crash_on(const char *spool, const char *what, int k)
{
    const char *run[] = {"--spool", spool, "run", NULL};
    char *at = g_strdup_printf("%d", k);
    const char *env[] = {"TRYKK_CRASH_ON", what, "TRYKK_CRASH_AT", at, NULL};
    int status = fx_trykk(&fx, NULL, run, env);

    g_free(at);
    g_assert_true(status == 137 || status == 1);
    return status;
}

static void restart_and_check(const char *spool)
{
    const char *run[] = {"--spool", spool, "run", NULL};

    g_assert_cmpint(fx_trykk(&fx, NULL, run, NULL), <=, 1);
    check_invariants(spool);
}

/*
 * Inside one group commit (all the drops fit in one group): a crash after k of its rows
 * leaves nothing committed and nothing published; a crash right after its commit leaves every
 * letter committed and no receipt published; a crash between two publishes leaves the rest for
 * recovery. Each ends with every entry once and its receipt byte-identical to the ledger's.
 */
static void test_group_commit_points(void)
{
    int k, crashes = 0;
    char *spool;

    for (k = 1; k <= (int)ndrops; k++) { /* after k of the group's rows */
        spool = fresh_spool(30000 + k);
        g_assert_cmpint(crash_on(spool, "row", k), ==, 137);
        g_assert_cmpint(committed_letters(spool), ==, 0);
        g_assert_cmpint(count_files(spool, "active", NULL, false), ==, (int)ndrops);
        g_assert_cmpint(count_files(spool, "outbox", NULL, false), ==, 0);
        restart_and_check(spool);
        g_free(spool);
    }
    spool = fresh_spool(30100); /* after the commit, before any publish */
    g_assert_cmpint(crash_on(spool, "committed", 1), ==, 137);
    g_assert_cmpint(committed_letters(spool), ==, letters_with_id());
    g_assert_cmpint(count_files(spool, "active", NULL, false), ==, (int)ndrops);
    g_assert_cmpint(count_files(spool, "outbox", NULL, false), ==, 0);
    restart_and_check(spool);
    g_free(spool);
    for (k = (int)ndrops + 1; k < 200; k++) { /* the claims' renames, then the publishes' */
        int status;
        spool = fresh_spool(30200 + k);
        status = crash_on(spool, "rename", k);
        if (status == 137) {
            crashes++;
            g_assert_cmpint(committed_letters(spool), ==, letters_with_id());
        }
        restart_and_check(spool);
        g_free(spool);
        if (status != 137)
            break;
    }
    g_test_message("%d crashes between publishes", crashes);
    g_assert_cmpint(crashes, >=, (int)ndrops);
}

int main(int argc, char **argv)
{
    int rc;
    size_t i;

    g_test_init(&argc, &argv, NULL);
    fx_init(&fx, NULL);
    make_drops();
    g_test_add_func("/crash/sweep-every-fault-point", test_crash_sweep);
    g_test_add_func("/crash/io-error-sweep", test_io_error_sweep);
    g_test_add_func("/crash/random-kill-9", test_random_kill);
    g_test_add_func("/crash/group-commit-points", test_group_commit_points);
    rc = g_test_run();
    for (i = 0; i < ndrops; i++) {
        g_free(drops[i].jwt);
        bytes_free(&drops[i].cms);
        g_free(drops[i].message_id);
    }
    fx_free(&fx);
    return rc;
}

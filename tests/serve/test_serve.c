/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_serve.c - `trykk serve` with operators working beside it, through the real binary.
 *
 * The daemon runs as a child on a spool while letters keep arriving; every operator command
 * that changes state (hold and release, job close, proof, reconcile, dispatch, reprint,
 * returns scan, settle, purge) must succeed while it runs. After SIGTERM every dropped
 * entry has been processed exactly once: one ledger row, one terminal spool directory, its
 * mottakskvittering once, and every receipt in outbox/ byte for byte the ledger's. And a
 * command that cannot get the spool lock within [spool] lock_wait_seconds fails with the
 * clear error and changes nothing; one that gets it within the wait goes on. A daemon killed
 * with SIGKILL at random moments and started again still processes every entry once.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "spool/spool.h"
#include "serve_fx.h"

#define EXTRA "[ea]\nagreement=0999\nservice_level=2\nreturn_address=Trykk AS;Returpost EA;" \
              "Postboks 1;0001 OSLO\n[render]\nreprint_max_percent=100\n" \
              "[serve]\nbatch_letters=2\nrescan_seconds=1\n"

/* The code of some piece of job name, as a fresh string. */
static char *piece_of(const char *job)
{
    char *sql = g_strdup_printf("SELECT p.code FROM pieces p JOIN jobs j ON j.id = p.job_id"
                                " WHERE j.name = '%s' ORDER BY p.seq LIMIT 1", job);
    char *code = sfx_db_str(sql);

    g_assert_nonnull(code);
    g_free(sql);
    return code;
}

/* An inserter log saying every piece of job came out OK; the file's path. */
static char *inserter_log(const char *job)
{
    char *sql = g_strdup_printf("SELECT group_concat(p.code || ',OK', char(10)) FROM pieces p"
                                " JOIN jobs j ON j.id = p.job_id WHERE j.name = '%s'", job);
    char *rows = sfx_db_str(sql), *path = g_strdup_printf("%s/inserter-%s.log", sfx.root, job);
    char *text = g_strdup_printf("piece,result\n%s\n", rows);

    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    g_free(text);
    g_free(rows);
    g_free(sql);
    return path;
}

static void hold_and_release(void)
{
    char *id = sfx_db_str("SELECT p.letter_id FROM pieces p JOIN jobs j ON j.id = p.job_id"
                      " WHERE j.state = 'OPEN' LIMIT 1");

    g_assert_nonnull(id);
    sfx_drop(3);
    g_assert_cmpint(sfx_trykk(sfx_mon, NULL, "hold", id, "--reason", "the sender called", NULL),
                    ==, 0);
    sfx_drop(3);
    g_assert_cmpint(sfx_trykk(sfx_mon, NULL, "release", id, NULL, NULL, NULL), ==, 0);
    g_free(id);
}

/* Close, proof, reconcile and dispatch J000001. */
static void first_job(void)
{
    char *log, *code, *out;

    sfx_drop(3);
    g_assert_cmpint(sfx_trykk(sfx_mon, NULL, "job", "close", "--all", NULL, NULL), ==, 0);
    code = piece_of("J000001");
    out = g_build_filename(sfx.root, "proof", NULL);
    sfx_drop(3);
    g_assert_cmpint(sfx_trykk(sfx_mon, NULL, "proof", code, "--out", out, NULL), ==, 0);
    log = inserter_log("J000001");
    sfx_drop(3);
    g_assert_cmpint(sfx_trykk(sfx_mon_eve, NULL, "reconcile", "J000001", log, NULL, NULL), ==, 0);
    sfx_drop(3);
    g_assert_cmpint(sfx_trykk(sfx_mon_eve, NULL, "dispatch", "J000001", NULL, NULL, NULL), ==, 0);
    sfx_drop(3);
    {
        char *ea = g_strdup_printf("2099920%s", code);
        g_assert_cmpint(sfx_trykk(sfx_sat, NULL, "returns", "scan", ea, "--reason", "moved"), ==,
                        0);
        g_free(ea);
    }
    g_free(out);
    g_free(log);
    g_free(code);
}

/* Close and reconcile J000002, then reprint one of its pieces on request. */
static void second_job(void)
{
    char *log, *code;

    sfx_wait_for("SELECT count(*) FROM pieces p JOIN jobs j ON j.id = p.job_id"
             " WHERE j.state = 'OPEN'", 1);
    sfx_drop(3);
    g_assert_cmpint(sfx_trykk(sfx_mon_eve, NULL, "job", "close", "--all", NULL, NULL), ==, 0);
    log = inserter_log("J000002");
    g_assert_cmpint(sfx_trykk(sfx_mon_eve, NULL, "reconcile", "J000002", log, NULL, NULL), ==, 0);
    code = piece_of("J000002");
    sfx_drop(3);
    g_assert_cmpint(sfx_trykk(sfx_mon_eve, NULL, "reprint", code, "--reason", "smudged", NULL),
                    ==, 0);
    g_free(code);
    g_free(log);
}

static void assert_once(void) { sfx_assert_each_once(true); }

static void test_commands_beside_daemon(void)
{
    pid_t pid;

    sfx_begin(EXTRA);
    sfx_drop(4);
    pid = sfx_start(sfx_mon, false, SFX_LOG);
    sfx_wait_for("SELECT count(*) FROM pieces", 4);
    hold_and_release();
    first_job();
    second_job();
    /* the day settles once all its jobs are closed: none may open meanwhile */
    sfx_drop(3);
    sfx_wait_for("SELECT count(DISTINCT letter_id) FROM pieces", sfx_dropped->len);
    g_assert_cmpint(sfx_trykk(sfx_mon_eve, NULL, "job", "close", "--all", NULL, NULL), ==, 0);
    g_assert_cmpint(sfx_trykk(sfx_sat, NULL, "settle", "day", "2026-11-16", NULL, NULL), ==, 0);
    sfx_drop(3);
    g_assert_cmpint(sfx_trykk(sfx_sat, NULL, "purge", NULL, NULL, NULL, NULL), ==, 0);
    /* the last ones arrive as it is told to stop: what it did not take, `trykk run` does */
    sfx_drop(5);
    g_assert_cmpint(sfx_stop(pid, SFX_LOG), ==, 0);
    g_test_message("the daemon took %lld of %u before it stopped; %d command(s) waited for "
                   "a turn", sfx_db_int("SELECT count(*) FROM letters"), sfx_dropped->len,
                   sfx_waited);
    g_assert_cmpint(sfx_trykk(sfx_mon, NULL, "run", NULL, NULL, NULL, NULL), ==, 0);
    assert_once();
    sfx_assert_receipts();
    sfx_done();
}

/* ---- the lock's wait ---------------------------------------------------------------------- */

struct holder {
    int fd;
    gulong release_after_ms;
};

static gpointer release_later(gpointer p)
{
    struct holder *h = p;

    g_usleep(h->release_after_ms * 1000);
    flock(h->fd, LOCK_UN);
    return NULL;
}

static int hold_lock(void)
{
    char *path = g_build_filename(sfx.spool, "ledger", "run.lock", NULL);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(flock(fd, LOCK_EX | LOCK_NB), ==, 0);
    g_free(path);
    return fd;
}

static void test_lock_wait(void)
{
    struct holder h = {-1, 300};
    GThread *t;
    char *err = NULL;
    gint64 t0;
    pid_t pid;

    sfx_begin("[spool]\nlock_wait_seconds=3\n");
    g_assert_cmpint(sfx_trykk(sfx_mon, NULL, "run", NULL, NULL, NULL, NULL), ==, 0);
    sfx_drop(1);
    h.fd = hold_lock();
    /* held past the wait: the clear error after waiting, and nothing changed */
    t0 = g_get_monotonic_time();
    g_assert_cmpint(sfx_trykk(sfx_mon, &err, "run", NULL, NULL, NULL, NULL), ==, 2);
    g_assert_cmpint(g_get_monotonic_time() - t0, >=, 2900000);
    g_assert_nonnull(strstr(err, "another trykk process is working on spool"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(sfx_trykk(sfx_mon, &err, "job", "close", "--all", NULL, NULL), ==, 2);
    g_assert_nonnull(strstr(err, "another trykk process is working on spool"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(fx_count_dir(&sfx, "incoming"), ==, 1);
    g_assert_cmpint(sfx_db_int("SELECT count(*) FROM letters"), ==, 0);
    g_assert_cmpint(sfx_db_int("SELECT count(*) FROM jobs"), ==, 0);
    /* let go within the wait: the command goes on */
    t = g_thread_new("holder", release_later, &h);
    g_assert_cmpint(sfx_trykk(sfx_mon, NULL, "run", NULL, NULL, NULL, NULL), ==, 0);
    g_thread_join(t);
    g_assert_cmpint(sfx_db_int("SELECT count(*) FROM letters"), ==, 1);
    /* the daemon, started while a command holds the lock, waits as long as it takes */
    sfx_drop(1);
    g_assert_cmpint(flock(h.fd, LOCK_EX | LOCK_NB), ==, 0);
    pid = sfx_start(sfx_mon, false, SFX_LOG);
    g_usleep(3500000); /* past lock_wait_seconds: the daemon does not give up */
    g_assert_cmpint(waitpid(pid, NULL, WNOHANG), ==, 0);
    g_assert_cmpint(fx_count_dir(&sfx, "incoming"), ==, 1);
    flock(h.fd, LOCK_UN);
    sfx_wait_for("SELECT count(*) FROM letters", 2);
    g_assert_cmpint(sfx_stop(pid, SFX_LOG), ==, 0);
    close(h.fd);
    assert_once();
    sfx_done();
}

/* The lock itself: a process waiting for it says so (spool_lock_wanted), which is how the
 * daemon knows to let a command go first; refused at once with no wait. */
struct waiter {
    struct spool s;
    int rc;
};

static gpointer wait_in_lock(gpointer p)
{
    struct waiter *w = p;
    char *err = NULL;

    w->rc = spool_lock(&w->s, 10000, &err);
    g_free(err);
    return NULL;
}

static void test_lock_gives_way(void)
{
    struct spool a;
    struct waiter w = {.rc = 1};
    gint64 until = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    char *err = NULL;
    GThread *t;

    sfx_begin(NULL);
    g_assert_cmpint(spool_open(&a, sfx.spool, false, &err), ==, 0);
    g_assert_cmpint(spool_open(&w.s, sfx.spool, false, &err), ==, 0);
    g_assert_cmpint(spool_lock(&a, 0, &err), ==, 0);
    g_assert_false(spool_lock_wanted(&a));
    g_assert_cmpint(spool_lock(&w.s, 0, &err), ==, -2);
    g_assert_nonnull(strstr(err, "another trykk process is working on spool"));
    g_clear_pointer(&err, g_free);
    t = g_thread_new("waiter", wait_in_lock, &w);
    while (!spool_lock_wanted(&a)) {
        g_assert_cmpint(g_get_monotonic_time(), <, until);
        g_usleep(5000);
    }
    spool_unlock(&a);
    g_thread_join(t);
    g_assert_cmpint(w.rc, ==, 0);
    g_assert_false(spool_lock_wanted(&a)); /* it has the lock: nobody waits any more */
    g_assert_cmpint(spool_lock(&a, 50, &err), ==, -2);
    g_clear_pointer(&err, g_free);
    spool_close(&w.s); /* closing lets it go */
    g_assert_cmpint(spool_lock(&a, 0, &err), ==, 0);
    spool_close(&a);
    sfx_done();
}

/* ---- the daily step ------------------------------------------------------------------------ */

/* A posting day that is over is settled by the daemon's daily step. */
static void test_daily_settle(void)
{
    char *log;
    pid_t pid;

    sfx_begin(EXTRA);
    sfx_drop(2);
    g_assert_cmpint(sfx_trykk(sfx_mon, NULL, "run", NULL, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(sfx_trykk(sfx_mon, NULL, "job", "close", "--all", NULL, NULL), ==, 0);
    log = inserter_log("J000001");
    g_assert_cmpint(sfx_trykk(sfx_mon_eve, NULL, "reconcile", "J000001", log, NULL, NULL), ==, 0);
    g_assert_cmpint(sfx_trykk(sfx_mon_eve, NULL, "dispatch", "J000001", NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(sfx_db_int("SELECT count(*) FROM settlements"), ==, 0);
    pid = sfx_start(sfx_sat, false, SFX_LOG);
    sfx_wait_for("SELECT count(*) FROM settlements WHERE kind = 'DAY' AND"
             " first_day = '2026-11-16'", 1);
    g_assert_cmpint(sfx_stop(pid, SFX_LOG), ==, 0);
    g_assert_cmpint(sfx_db_int("SELECT count(*) FROM cost_rows WHERE kind = 'POSTAGE'"), ==, 2);
    g_free(log);
    sfx_done();
}

/* ---- kill -9 ------------------------------------------------------------------------------- */

/* Every entry once after the daemon was killed at random moments under load and started
 * again: one ledger row, one terminal place, an accepted one with its mottakskvittering once
 * (an entry in hand at two kills is quarantined, worker-crash, which is once too). */
static void test_kill_restart(void)
{
    pid_t pid;
    int k, status = 0;

    sfx_begin(EXTRA);
    sfx_drop(6);
    pid = sfx_start(sfx_mon, false, SFX_LOG);
    for (k = 0; k < 5; k++) {
        sfx_drop(3);
        g_usleep((gulong)g_test_rand_int_range(50, 600) * 1000);
        g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
        g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
        if (k == 4) { /* the last one is stopped with SIGTERM: once it has set up */
            char *log = g_build_filename(sfx.root, SFX_LOG, NULL);
            g_unlink(log);
            g_free(log);
        }
        pid = sfx_start(sfx_mon, false, SFX_LOG);
    }
    sfx_wait_serving(SFX_LOG);
    sfx_wait_for("SELECT count(*) FROM letters WHERE state <> 'ACCEPTED'", sfx_dropped->len);
    g_assert_cmpint(sfx_stop(pid, SFX_LOG), ==, 0);
    sfx_assert_each_once(false);
    sfx_assert_outbox_is_ledger();
    sfx_done();
}

/* `trykk run --watch` is the same daemon. */
static void test_run_watch(void)
{
    pid_t pid;

    sfx_begin(EXTRA);
    pid = sfx_start(sfx_mon, true, SFX_LOG);
    sfx_drop(3);
    sfx_wait_for("SELECT count(*) FROM pieces", 3);
    g_assert_cmpint(sfx_trykk(sfx_mon, NULL, "job", "close", "--all", NULL, NULL), ==, 0);
    g_assert_cmpint(sfx_stop(pid, SFX_LOG), ==, 0);
    assert_once();
    sfx_assert_receipts();
    sfx_done();
}

/* Each case on a spool of its own (one CTest entry each). */
static void add_cases(void)
{
    g_test_add_func("/serve/commands_beside_daemon", test_commands_beside_daemon);
    g_test_add_func("/serve/lock_wait", test_lock_wait);
    g_test_add_func("/serve/lock_gives_way", test_lock_gives_way);
    g_test_add_func("/serve/daily_settle", test_daily_settle);
    g_test_add_func("/serve/run_watch", test_run_watch);
    g_test_add_func("/serve/kill_restart", test_kill_restart);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_cases();
    return g_test_run();
}

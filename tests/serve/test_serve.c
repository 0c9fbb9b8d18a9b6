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
#include "common/fixture.h"
#include "spool/spool.h"

#define EXTRA "[ea]\nagreement=0999\nservice_level=2\nreturn_address=Trykk AS;Returpost EA;" \
              "Postboks 1;0001 OSLO\n[render]\nreprint_max_percent=100\n" \
              "[serve]\nbatch_letters=2\nrescan_seconds=1\n"
#define WAIT_SECONDS 180

static const char *const mon[] = {"TRYKK_NOW", "2026-11-16T10:00:00+01:00", NULL};
static const char *const mon_eve[] = {"TRYKK_NOW", "2026-11-16T21:00:00+01:00", NULL};
static const char *const sat[] = {"TRYKK_NOW", "2026-11-21T09:00:00+01:00", NULL};

static struct fixture fx;
static GPtrArray *dropped; /* entry names */
static int waited;         /* commands that found the spool busy and waited for a turn */

static long long db_int(const char *sql) { return fx_sql_int(fx.spool, sql); }
static char *db_str(const char *sql) { return fx_sql_str(fx.spool, sql); }

static int trykk(const char *const *env, char **err, const char *a0, const char *a1,
                 const char *a2, const char *a3, const char *a4)
{
    const char *args[] = {a0, a1, a2, a3, a4, NULL};
    char *text = NULL;
    int rc = fx_trykk(&fx, &text, args, env);

    g_test_message("trykk %s %s: %d", a0, a1 ? a1 : "", rc);
    waited += text && strstr(text, "is busy") != NULL;
    if (rc != 0)
        g_test_message("%s", text);
    if (err)
        *err = text;
    else
        g_free(text);
    return rc;
}

/* n more letters, as a broker drops them. */
static void drop(int n)
{
    int i;

    for (i = 0; i < n; i++) {
        struct forge_letter l;
        char *name = g_strdup_printf("serve-%03u", dropped->len);
        fx_letter(&fx, &l);
        l.return_handling = "MAKULERING_MED_MELDING";
        fx_drop_letter(&fx, name, 'b', &l);
        g_ptr_array_add(dropped, name);
    }
}

/* Until sql counts at least n (the daemon at work), at most WAIT_SECONDS. */
static void wait_for(const char *sql, long long n)
{
    gint64 until = g_get_monotonic_time() + WAIT_SECONDS * G_USEC_PER_SEC;

    while (db_int(sql) < n) {
        g_assert_cmpint(g_get_monotonic_time(), <, until);
        g_usleep(50000);
    }
}

/* `trykk serve` (or `run --watch` when watch), at the time env names. */
static pid_t start_daemon_as(const char *const *env, bool watch)
{
    char *log = g_build_filename(fx.root, "serve.log", NULL);
    pid_t pid = fork();

    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        setenv(env[0], env[1], 1);
        if (watch)
            execl(TRYKK_BIN, TRYKK_BIN, "--config", fx.conf, "run", "--watch", (char *)NULL);
        else
            execl(TRYKK_BIN, TRYKK_BIN, "--config", fx.conf, "serve", (char *)NULL);
        _exit(127);
    }
    g_free(log);
    return pid;
}

static pid_t start_daemon(void) { return start_daemon_as(mon, false); }

/* Until the daemon's log (fresh for this daemon) says it is serving. */
static void wait_serving(void)
{
    char *log = g_build_filename(fx.root, "serve.log", NULL), *text = NULL;
    gint64 until = g_get_monotonic_time() + WAIT_SECONDS * G_USEC_PER_SEC;

    while (!text || !strstr(text, "info: serving")) {
        g_assert_cmpint(g_get_monotonic_time(), <, until);
        g_free(text);
        g_usleep(20000);
        text = NULL;
        g_file_get_contents(log, &text, NULL, NULL);
    }
    g_free(text);
    g_free(log);
}

static int stop_daemon(pid_t pid)
{
    int status = 0;

    g_assert_cmpint(kill(pid, SIGTERM), ==, 0);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    if (WIFSIGNALED(status))
        g_test_message("the daemon died of signal %d", WTERMSIG(status));
    g_assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) != 0 || g_getenv("TEST_SERVE_LOG")) { /* what it said */
        char *log = g_build_filename(fx.root, "serve.log", NULL), *text = fx_read(log);
        g_test_message("serve.log:\n%s", text);
        g_free(text);
        g_free(log);
    }
    return WEXITSTATUS(status);
}

/* The code of some piece of job name, as a fresh string. */
static char *piece_of(const char *job)
{
    char *sql = g_strdup_printf("SELECT p.code FROM pieces p JOIN jobs j ON j.id = p.job_id"
                                " WHERE j.name = '%s' ORDER BY p.seq LIMIT 1", job);
    char *code = db_str(sql);

    g_assert_nonnull(code);
    g_free(sql);
    return code;
}

/* An inserter log saying every piece of job came out OK; the file's path. */
static char *inserter_log(const char *job)
{
    char *sql = g_strdup_printf("SELECT group_concat(p.code || ',OK', char(10)) FROM pieces p"
                                " JOIN jobs j ON j.id = p.job_id WHERE j.name = '%s'", job);
    char *rows = db_str(sql), *path = g_strdup_printf("%s/inserter-%s.log", fx.root, job);
    char *text = g_strdup_printf("piece,result\n%s\n", rows);

    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    g_free(text);
    g_free(rows);
    g_free(sql);
    return path;
}

static void hold_and_release(void)
{
    char *id = db_str("SELECT p.letter_id FROM pieces p JOIN jobs j ON j.id = p.job_id"
                      " WHERE j.state = 'OPEN' LIMIT 1");

    g_assert_nonnull(id);
    drop(3);
    g_assert_cmpint(trykk(mon, NULL, "hold", id, "--reason", "the sender called", NULL), ==, 0);
    drop(3);
    g_assert_cmpint(trykk(mon, NULL, "release", id, NULL, NULL, NULL), ==, 0);
    g_free(id);
}

/* Close, proof, reconcile and dispatch J000001. */
static void first_job(void)
{
    char *log, *code, *out;

    drop(3);
    g_assert_cmpint(trykk(mon, NULL, "job", "close", "--all", NULL, NULL), ==, 0);
    code = piece_of("J000001");
    out = g_build_filename(fx.root, "proof", NULL);
    drop(3);
    g_assert_cmpint(trykk(mon, NULL, "proof", code, "--out", out, NULL), ==, 0);
    log = inserter_log("J000001");
    drop(3);
    g_assert_cmpint(trykk(mon_eve, NULL, "reconcile", "J000001", log, NULL, NULL), ==, 0);
    drop(3);
    g_assert_cmpint(trykk(mon_eve, NULL, "dispatch", "J000001", NULL, NULL, NULL), ==, 0);
    drop(3);
    {
        char *ea = g_strdup_printf("2099920%s", code);
        g_assert_cmpint(trykk(sat, NULL, "returns", "scan", ea, "--reason", "moved"), ==, 0);
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

    wait_for("SELECT count(*) FROM pieces p JOIN jobs j ON j.id = p.job_id"
             " WHERE j.state = 'OPEN'", 1);
    drop(3);
    g_assert_cmpint(trykk(mon_eve, NULL, "job", "close", "--all", NULL, NULL), ==, 0);
    log = inserter_log("J000002");
    g_assert_cmpint(trykk(mon_eve, NULL, "reconcile", "J000002", log, NULL, NULL), ==, 0);
    code = piece_of("J000002");
    drop(3);
    g_assert_cmpint(trykk(mon_eve, NULL, "reprint", code, "--reason", "smudged", NULL), ==, 0);
    g_free(code);
    g_free(log);
}

/* Every dropped entry once: one row, one terminal place, an accepted one with its
 * mottakskvittering once; with accepted, every one is. A daemon killed between a claim and
 * its commit leaves no broker name (the ledger keeps it, spool.h): such a row counts for one
 * of the names no row has. */
static void assert_each_once(bool accepted)
{
    guint i;

    g_assert_cmpint(fx_count_dir(&fx, "incoming"), ==, 0);
    g_assert_cmpint(fx_count_dir(&fx, "active"), ==, 0);
    g_assert_cmpint(db_int("SELECT count(*) FROM letters"), ==, dropped->len);
    g_assert_cmpint(db_int("SELECT count(DISTINCT entry_name) FROM letters"), ==,
                    db_int("SELECT count(entry_name) FROM letters"));
    if (accepted)
        g_assert_cmpint(db_int("SELECT count(*) FROM letters WHERE entry_name IS NULL"), ==, 0);
    for (i = 0; i < dropped->len; i++) {
        char *sql = g_strdup_printf("SELECT id FROM letters ORDER BY id LIMIT 1 OFFSET %u", i);
        char *id = db_str(sql), *rsql;
        const char *place;
        g_assert_nonnull(id);
        place = fx_place_of(&fx, id);
        g_assert_nonnull(place);
        if (accepted)
            g_assert_cmpstr(place, ==, "accepted");
        rsql = g_strdup_printf("SELECT count(*) FROM receipts WHERE letter_id = '%s' AND type ="
                               " 'mottakskvittering'", id);
        g_assert_cmpint(db_int(rsql), ==, strcmp(place, "accepted") == 0 ? 1 : 0);
        g_free(rsql);
        g_free(id);
        g_free(sql);
    }
    for (i = 0; i < dropped->len; i++) {
        char *sql = g_strdup_printf("SELECT count(*) FROM letters WHERE entry_name = '%s'",
                                    (char *)dropped->pdata[i]);
        long long n = db_int(sql);
        g_assert_cmpint(n, <=, 1);
        if (accepted)
            g_assert_cmpint(n, ==, 1);
        g_free(sql);
    }
}

static void assert_once(void) { assert_each_once(true); }

/* Each receipt in outbox/ is byte for byte what the ledger holds. */
static void assert_outbox_is_ledger(void)
{
    GPtrArray *files = fx_outbox(&fx, ".jwt");
    guint i;

    for (i = 0; i < files->len; i++) {
        char *bytes = fx_read(files->pdata[i]), *name = g_path_get_basename(files->pdata[i]);
        char *sql = g_strdup_printf("SELECT jws FROM receipts WHERE file_name = '%s'", name);
        char *stored = db_str(sql);
        g_assert_cmpstr(bytes, ==, stored);
        g_free(stored);
        g_free(sql);
        g_free(name);
        g_free(bytes);
    }
    g_ptr_array_free(files, TRUE);
}

/* ... and every letter has its mottakskvittering there, once. */
static void assert_receipts(void)
{
    GPtrArray *files = fx_outbox(&fx, ".mottakskvittering.jwt");

    assert_outbox_is_ledger();
    g_assert_cmpuint(files->len, ==, dropped->len);
    g_assert_cmpint(db_int("SELECT count(*) FROM receipts WHERE type = 'mottakskvittering'"), ==,
                    dropped->len);
    g_ptr_array_free(files, TRUE);
}

static void begin(const char *extra_config)
{
    fx_init(&fx, extra_config);
    dropped = g_ptr_array_new_with_free_func(g_free);
    waited = 0;
}

static void done(void)
{
    g_ptr_array_free(dropped, TRUE);
    fx_free(&fx);
}

static void test_commands_beside_daemon(void)
{
    pid_t pid;

    begin(EXTRA);
    drop(4);
    pid = start_daemon();
    wait_for("SELECT count(*) FROM pieces", 4);
    hold_and_release();
    first_job();
    second_job();
    /* the day settles once all its jobs are closed: none may open meanwhile */
    drop(3);
    wait_for("SELECT count(DISTINCT letter_id) FROM pieces", dropped->len);
    g_assert_cmpint(trykk(mon_eve, NULL, "job", "close", "--all", NULL, NULL), ==, 0);
    g_assert_cmpint(trykk(sat, NULL, "settle", "day", "2026-11-16", NULL, NULL), ==, 0);
    drop(3);
    g_assert_cmpint(trykk(sat, NULL, "purge", NULL, NULL, NULL, NULL), ==, 0);
    /* the last ones arrive as it is told to stop: what it did not take, `trykk run` does */
    drop(5);
    g_assert_cmpint(stop_daemon(pid), ==, 0);
    g_test_message("the daemon took %lld of %u before it stopped; %d command(s) waited for "
                   "a turn", db_int("SELECT count(*) FROM letters"), dropped->len, waited);
    g_assert_cmpint(trykk(mon, NULL, "run", NULL, NULL, NULL, NULL), ==, 0);
    assert_once();
    assert_receipts();
    done();
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
    char *path = g_build_filename(fx.spool, "ledger", "run.lock", NULL);
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

    begin("[spool]\nlock_wait_seconds=3\n");
    g_assert_cmpint(trykk(mon, NULL, "run", NULL, NULL, NULL, NULL), ==, 0);
    drop(1);
    h.fd = hold_lock();
    /* held past the wait: the clear error after waiting, and nothing changed */
    t0 = g_get_monotonic_time();
    g_assert_cmpint(trykk(mon, &err, "run", NULL, NULL, NULL, NULL), ==, 2);
    g_assert_cmpint(g_get_monotonic_time() - t0, >=, 2900000);
    g_assert_nonnull(strstr(err, "another trykk process is working on spool"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(trykk(mon, &err, "job", "close", "--all", NULL, NULL), ==, 2);
    g_assert_nonnull(strstr(err, "another trykk process is working on spool"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(fx_count_dir(&fx, "incoming"), ==, 1);
    g_assert_cmpint(db_int("SELECT count(*) FROM letters"), ==, 0);
    g_assert_cmpint(db_int("SELECT count(*) FROM jobs"), ==, 0);
    /* let go within the wait: the command goes on */
    t = g_thread_new("holder", release_later, &h);
    g_assert_cmpint(trykk(mon, NULL, "run", NULL, NULL, NULL, NULL), ==, 0);
    g_thread_join(t);
    g_assert_cmpint(db_int("SELECT count(*) FROM letters"), ==, 1);
    /* the daemon, started while a command holds the lock, waits as long as it takes */
    drop(1);
    g_assert_cmpint(flock(h.fd, LOCK_EX | LOCK_NB), ==, 0);
    pid = start_daemon();
    g_usleep(3500000); /* past lock_wait_seconds: the daemon does not give up */
    g_assert_cmpint(waitpid(pid, NULL, WNOHANG), ==, 0);
    g_assert_cmpint(fx_count_dir(&fx, "incoming"), ==, 1);
    flock(h.fd, LOCK_UN);
    wait_for("SELECT count(*) FROM letters", 2);
    g_assert_cmpint(stop_daemon(pid), ==, 0);
    close(h.fd);
    assert_once();
    done();
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

    begin(NULL);
    g_assert_cmpint(spool_open(&a, fx.spool, false, &err), ==, 0);
    g_assert_cmpint(spool_open(&w.s, fx.spool, false, &err), ==, 0);
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
    done();
}

/* ---- the daily step ------------------------------------------------------------------------ */

/* A posting day that is over is settled by the daemon's daily step. */
static void test_daily_settle(void)
{
    char *log;
    pid_t pid;

    begin(EXTRA);
    drop(2);
    g_assert_cmpint(trykk(mon, NULL, "run", NULL, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(trykk(mon, NULL, "job", "close", "--all", NULL, NULL), ==, 0);
    log = inserter_log("J000001");
    g_assert_cmpint(trykk(mon_eve, NULL, "reconcile", "J000001", log, NULL, NULL), ==, 0);
    g_assert_cmpint(trykk(mon_eve, NULL, "dispatch", "J000001", NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(db_int("SELECT count(*) FROM settlements"), ==, 0);
    pid = start_daemon_as(sat, false);
    wait_for("SELECT count(*) FROM settlements WHERE kind = 'DAY' AND"
             " first_day = '2026-11-16'", 1);
    g_assert_cmpint(stop_daemon(pid), ==, 0);
    g_assert_cmpint(db_int("SELECT count(*) FROM cost_rows WHERE kind = 'POSTAGE'"), ==, 2);
    g_free(log);
    done();
}

/* ---- kill -9 ------------------------------------------------------------------------------- */

/* Every entry once after the daemon was killed at random moments under load and started
 * again: one ledger row, one terminal place, an accepted one with its mottakskvittering once
 * (an entry in hand at two kills is quarantined, worker-crash, which is once too). */
static void test_kill_restart(void)
{
    pid_t pid;
    int k, status = 0;

    begin(EXTRA);
    drop(6);
    pid = start_daemon();
    for (k = 0; k < 5; k++) {
        drop(3);
        g_usleep((gulong)g_test_rand_int_range(50, 600) * 1000);
        g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
        g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
        if (k == 4) { /* the last one is stopped with SIGTERM: once it has set up */
            char *log = g_build_filename(fx.root, "serve.log", NULL);
            g_unlink(log);
            g_free(log);
        }
        pid = start_daemon();
    }
    wait_serving();
    wait_for("SELECT count(*) FROM letters WHERE state <> 'ACCEPTED'", dropped->len);
    g_assert_cmpint(stop_daemon(pid), ==, 0);
    assert_each_once(false);
    assert_outbox_is_ledger();
    done();
}

/* `trykk run --watch` is the same daemon. */
static void test_run_watch(void)
{
    pid_t pid;

    begin(EXTRA);
    pid = start_daemon_as(mon, true);
    drop(3);
    wait_for("SELECT count(*) FROM pieces", 3);
    g_assert_cmpint(trykk(mon, NULL, "job", "close", "--all", NULL, NULL), ==, 0);
    g_assert_cmpint(stop_daemon(pid), ==, 0);
    assert_once();
    assert_receipts();
    done();
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

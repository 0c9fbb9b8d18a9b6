/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_failover.c - two `trykk serve` on one spool, the active one killed under load.
 *
 * Two daemons share a spool: the spool lock (ledger/run.lock) decides which one works, turn
 * by turn. Letters keep arriving in bursts; at random moments the daemon holding the lock is
 * frozen (SIGSTOP, so it is seen to hold it), killed with SIGKILL, and the test times how long
 * the other takes to have its turn, which starts with recovery (the takeover: seen holding
 * the lock in /proc/locks, or its heartbeat written); the killed one is started again so that
 * two run. At the end both drain and are stopped with SIGTERM, the last open jobs are
 * closed, and every dropped entry has been processed once (one ledger row, one terminal
 * place, its mottakskvittering once, every receipt in outbox/ byte for byte the ledger's and
 * none twice) and printed once (each accepted letter one piece, each job published once in
 * jobs/ with exactly its pieces). The seed is printed:
 * TEST_FAILOVER_SEED=N replays the same bursts and kill moments (the timing is the
 * machine's); TEST_FAILOVER_LETTERS and TEST_FAILOVER_KILLS change the load.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include "serve_fx.h"

#define EXTRA "[ea]\nagreement=0999\nservice_level=2\nreturn_address=Trykk AS;Returpost EA;" \
              "Postboks 1;0001 OSLO\n[render]\nmax_job_letters=10\n" \
              "[serve]\nbatch_letters=8\nrescan_seconds=1\n"
#define DAEMONS 2
#define HOLDER_WAIT_MS 3000
#define TAKEOVER_MAX_S 60
#define SLOW_MS 1000.0 /* a takeover slower than this shows what the survivor does */

struct node {
    pid_t pid;
    const char *log;
    int served; /* "serving" lines in log before its latest daemon started */
};

struct run {
    GRand *rnd;
    struct node nodes[DAEMONS];
    GArray *takeover_ms; /* double, one per kill of a holder */
    int letters, kills, starts;
    char lock_id[64]; /* "maj:min:inode" of run.lock as /proc/locks shows it */
};

static int env_int(const char *name, int fallback)
{
    const char *v = g_getenv(name);

    return v && *v ? atoi(v) : fallback;
}

static double now_ms(void) { return (double)g_get_monotonic_time() / 1000.0; }

/* ---- who holds the lock -------------------------------------------------------------------- */

/* run.lock's device and inode, once the first daemon has made it. */
static void lock_id(struct run *r)
{
    char *path = g_build_filename(sfx.spool, "ledger", "run.lock", NULL);
    double until = now_ms() + SFX_WAIT_SECONDS * 1000.0;
    struct stat st;

    while (stat(path, &st) < 0) {
        g_assert_cmpfloat(now_ms(), <, until);
        g_usleep(10000);
    }
    g_snprintf(r->lock_id, sizeof r->lock_id, "%02x:%02x:%lu", major(st.st_dev),
               minor(st.st_dev), (unsigned long)st.st_ino);
    g_free(path);
}

/* The pid holding run.lock (an exclusive flock in /proc/locks), or 0 when nobody does. */
static pid_t lock_holder(const struct run *r)
{
    char *text = NULL, **lines, **l;
    pid_t pid = 0;

    g_assert_true(g_file_get_contents("/proc/locks", &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (l = lines; *l && !pid; l++) {
        char kind[16], mode[16], id[64];
        int p;
        if (strstr(*l, "->") || sscanf(*l, "%*d: %15s %*s %15s %d %63s", kind, mode, &p, id) != 4)
            continue;
        if (strcmp(kind, "FLOCK") == 0 && strcmp(mode, "WRITE") == 0 && strcmp(id, r->lock_id) == 0)
            pid = p;
    }
    g_strfreev(lines);
    g_free(text);
    return pid;
}

static int node_of(const struct run *r, pid_t pid)
{
    int i;

    for (i = 0; i < DAEMONS; i++)
        if (pid && r->nodes[i].pid == pid)
            return i;
    return -1;
}

/* ---- the daemons --------------------------------------------------------------------------- */

/* How often needle occurs in the test root's file log. */
static int count_in_log(const char *log, const char *needle)
{
    char *path = g_build_filename(sfx.root, log, NULL), *text = NULL;
    const char *p;
    int n = 0;

    if (g_file_get_contents(path, &text, NULL, NULL))
        for (p = text; (p = strstr(p, needle)) != NULL; p++)
            n++;
    g_free(text);
    g_free(path);
    return n;
}

static void start_node(struct run *r, int i)
{
    r->nodes[i].served = count_in_log(r->nodes[i].log, "info: serving");
    r->nodes[i].pid = sfx_start(sfx_mon, false, r->nodes[i].log);
    r->starts++;
}

/* Until slot i's latest daemon serves: set up, its signal handlers in place (a SIGTERM
 * before that would end it as the default action does, not as trykk does). One killed
 * before it served never says so, hence the count from its start. */
static void wait_up(const struct run *r, int i)
{
    double until = now_ms() + SFX_WAIT_SECONDS * 1000.0;

    while (count_in_log(r->nodes[i].log, "info: serving") <= r->nodes[i].served) {
        g_assert_cmpfloat(now_ms(), <, until);
        g_usleep(20000);
    }
}

/* A daemon holding the lock, frozen while it holds it (SIGSTOP); -1 when none took it within
 * HOLDER_WAIT_MS (both idle). */
static int freeze_holder(const struct run *r)
{
    double until = now_ms() + HOLDER_WAIT_MS;

    while (now_ms() < until) {
        int i = node_of(r, lock_holder(r));
        if (i >= 0) {
            g_assert_cmpint(kill(r->nodes[i].pid, SIGSTOP), ==, 0);
            if (lock_holder(r) == r->nodes[i].pid)
                return i;
            kill(r->nodes[i].pid, SIGCONT); /* it let go in between */
        }
        g_usleep(1000);
    }
    return -1;
}

/* What a daemon slow to take over is doing: its state and wait channel, for the log. */
static void show_waiting(const struct run *r, int dead, double ms)
{
    int i;

    for (i = 0; i < DAEMONS; i++) {
        char *stat_path, *wchan_path, *st = NULL, *wchan = NULL;
        if (i == dead)
            continue;
        stat_path = g_strdup_printf("/proc/%d/stat", (int)r->nodes[i].pid);
        wchan_path = g_strdup_printf("/proc/%d/wchan", (int)r->nodes[i].pid);
        g_file_get_contents(stat_path, &st, NULL, NULL);
        g_file_get_contents(wchan_path, &wchan, NULL, NULL);
        printf("# failover: no takeover after %.0f ms; %s: %.40s, waiting in %s\n", ms,
               r->nodes[i].log, st ? st : "?", wchan ? wchan : "?");
        g_free(wchan);
        g_free(st);
        g_free(wchan_path);
        g_free(stat_path);
    }
    fflush(stdout);
}

/* When ledger/heartbeat was last written (unix µs), which each daemon does after each turn;
 * 0 when there is none yet. */
static gint64 heartbeat_us(void)
{
    char *path = g_build_filename(sfx.spool, "ledger", "heartbeat", NULL);
    struct stat st;
    gint64 t = 0;

    if (stat(path, &st) == 0)
        t = (gint64)st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
    g_free(path);
    return t;
}

/* Until the other daemon has had a turn since the kill at t0 (unix µs): seen holding the
 * lock, or a heartbeat written after t0 (a turn with nothing to do can be shorter than this
 * loop's look at /proc/locks; it ended by then). The takeover, in ms. */
static double takeover(const struct run *r, int dead, gint64 t0)
{
    double slow = SLOW_MS;

    for (;;) {
        int i = node_of(r, lock_holder(r));
        gint64 now = g_get_real_time(), beat = heartbeat_us();
        double ms = (double)(now - t0) / 1000.0;
        if (i >= 0 && i != dead)
            return ms;
        if (beat > t0)
            return (double)(beat - t0) / 1000.0;
        if (ms > slow) {
            show_waiting(r, dead, ms);
            slow *= 2;
        }
        g_assert_cmpfloat(ms, <, TAKEOVER_MAX_S * 1000.0);
        g_usleep(500);
    }
}

/* Kill the active daemon (or, both idle, one at random), time the takeover, start it again. */
static void kill_active(struct run *r)
{
    int i = freeze_holder(r), status = 0;
    bool held = i >= 0;
    gint64 t0;

    if (!held)
        i = (int)g_rand_int_range(r->rnd, 0, DAEMONS);
    t0 = g_get_real_time();
    g_assert_cmpint(kill(r->nodes[i].pid, SIGKILL), ==, 0);
    g_assert_cmpint(waitpid(r->nodes[i].pid, &status, 0), ==, r->nodes[i].pid);
    g_assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    r->kills++;
    r->nodes[i].pid = 0;
    if (held) {
        double ms = takeover(r, i, t0);
        g_array_append_val(r->takeover_ms, ms);
    }
    start_node(r, i);
}

/* ---- the checks ---------------------------------------------------------------------------- */

/* No receipt twice, and every one the ledger holds is in outbox/ (nobody collects here). */
static void assert_no_duplicate_receipt(void)
{
    GPtrArray *files = fx_outbox(&sfx, ".jwt");

    g_assert_cmpint(sfx_db_int("SELECT count(*) FROM (SELECT 1 FROM receipts GROUP BY letter_id,"
                               " type HAVING count(*) > 1)"), ==, 0);
    g_assert_cmpint(sfx_db_int("SELECT count(DISTINCT file_name) FROM receipts"), ==,
                    sfx_db_int("SELECT count(*) FROM receipts"));
    g_assert_cmpint(files->len, ==, sfx_db_int("SELECT count(*) FROM receipts"));
    g_ptr_array_free(files, TRUE);
}

/* Rows of job's published pieces.csv (its header left out), each letter id counted in seen. */
static int published_pieces(const char *job, GHashTable *seen)
{
    char *path = g_build_filename(sfx.spool, "jobs", job, "pieces.csv", NULL);
    char *text = fx_read(path), **lines = g_strsplit(text, "\n", -1);
    int i, n = 0;

    for (i = 1; lines[i]; i++) {
        char **f = g_strsplit(lines[i], ",", -1);
        if (g_strv_length(f) > 3) {
            g_assert_false(g_hash_table_contains(seen, f[3])); /* a letter printed twice */
            g_hash_table_add(seen, g_strdup(f[3]));
            n++;
        }
        g_strfreev(f);
    }
    g_strfreev(lines);
    g_free(text);
    g_free(path);
    return n;
}

/* Each accepted letter one piece; each job closed and published once, with its pieces. */
static void assert_printed_once(void)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    long long jobs = sfx_db_int("SELECT count(*) FROM jobs");
    long long i;

    g_assert_cmpint(sfx_db_int("SELECT count(*) FROM (SELECT 1 FROM pieces GROUP BY letter_id"
                               " HAVING count(*) > 1)"), ==, 0);
    g_assert_cmpint(sfx_db_int("SELECT count(*) FROM pieces"), ==,
                    sfx_db_int("SELECT count(*) FROM letters WHERE state = 'PLANNED'"));
    g_assert_cmpint(sfx_db_int("SELECT count(*) FROM letters WHERE state = 'ACCEPTED'"), ==, 0);
    g_assert_cmpint(sfx_db_int("SELECT count(*) FROM jobs WHERE state <> 'CLOSED'"), ==, 0);
    g_assert_cmpint(fx_count_dir(&sfx, "jobs"), ==, jobs); /* nothing half-published */
    for (i = 0; i < jobs; i++) {
        char *sql = g_strdup_printf("SELECT name FROM jobs ORDER BY id LIMIT 1 OFFSET %lld", i);
        char *name = sfx_db_str(sql), *psql;
        psql = g_strdup_printf("SELECT count(*) FROM pieces p JOIN jobs j ON j.id = p.job_id"
                               " WHERE j.name = '%s'", name);
        g_assert_cmpint(published_pieces(name, seen), ==, sfx_db_int(psql));
        g_free(psql);
        g_free(name);
        g_free(sql);
    }
    g_assert_cmpint(g_hash_table_size(seen), ==, sfx_db_int("SELECT count(*) FROM pieces"));
    g_hash_table_destroy(seen);
}

/* ---- the numbers --------------------------------------------------------------------------- */

static int cmp_double(gconstpointer a, gconstpointer b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* How often the daemons' logs say a turn recovered entries a dead one left. */
static int recoveries(const struct run *r)
{
    int i, n = 0;

    for (i = 0; i < DAEMONS; i++)
        n += count_in_log(r->nodes[i].log, "(recovered ");
    return n;
}

static void report(const struct run *r, guint32 seed)
{
    GArray *t = r->takeover_ms;
    double max = 0, median = 0;

    g_array_sort(t, cmp_double);
    if (t->len) {
        max = g_array_index(t, double, t->len - 1);
        median = t->len % 2 ? g_array_index(t, double, t->len / 2)
                            : (g_array_index(t, double, t->len / 2 - 1) +
                               g_array_index(t, double, t->len / 2)) / 2;
    }
    printf("# failover: seed %u, %d letters, %d kills (%u of the lock holder), %d daemon starts, "
           "%d recovering turns\n# failover: takeover max %.1f ms, median %.1f ms\n"
           "# failover: letters accepted %lld, failed %lld, quarantined %lld; %lld jobs\n",
           seed, r->letters, r->kills, t->len, r->starts, recoveries(r), max, median,
           sfx_db_int("SELECT count(*) FROM letters WHERE state = 'PLANNED'"),
           sfx_db_int("SELECT count(*) FROM letters WHERE state = 'FAILED'"),
           sfx_db_int("SELECT count(*) FROM letters WHERE state = 'QUARANTINED'"),
           sfx_db_int("SELECT count(*) FROM jobs"));
    fflush(stdout);
}

/* ---- the test ------------------------------------------------------------------------------ */

/* Until every entry is decided and planned, and no job is half-closed. */
static void drain(void)
{
    char *sql = g_strdup_printf("SELECT count(*) FROM letters WHERE state IN ('PLANNED',"
                                " 'FAILED', 'QUARANTINED') AND NOT EXISTS (SELECT 1 FROM jobs"
                                " WHERE state = 'CLOSING')");

    sfx_wait_for(sql, sfx_dropped->len);
    g_free(sql);
}

static void test_failover(void)
{
    guint32 seed = (guint32)env_int("TEST_FAILOVER_SEED", (int)(g_get_real_time() & 0x7fffffff));
    struct run r = {g_rand_new_with_seed(seed), {{0, "serve-a.log", 0}, {0, "serve-b.log", 0}},
                    g_array_new(FALSE, FALSE, sizeof(double)),
                    env_int("TEST_FAILOVER_LETTERS", 300), 0, 0, ""};
    int kills = env_int("TEST_FAILOVER_KILLS", 15), k, i;

    printf("# failover: seed %u (TEST_FAILOVER_SEED=%u replays it)\n", seed, seed);
    fflush(stdout);
    sfx_begin(EXTRA);
    for (i = 0; i < DAEMONS; i++)
        start_node(&r, i);
    lock_id(&r);
    for (k = 0; k < kills; k++) {
        int left = r.letters - (int)sfx_dropped->len;
        int burst = (int)g_rand_int_range(r.rnd, 5, MAX(6, 2 * r.letters / kills));
        sfx_drop(MIN(left, burst));
        g_usleep((gulong)g_rand_int_range(r.rnd, 20, 600) * 1000);
        kill_active(&r);
    }
    sfx_drop(r.letters - (int)sfx_dropped->len);
    drain();
    for (i = 0; i < DAEMONS; i++)
        wait_up(&r, i);
    for (i = 0; i < DAEMONS; i++)
        g_assert_cmpint(sfx_stop(r.nodes[i].pid, r.nodes[i].log), ==, 0);
    g_assert_cmpint(sfx_trykk(sfx_mon, NULL, "job", "close", "--all", NULL, NULL), ==, 0);
    report(&r, seed);
    sfx_assert_each_once(false);
    sfx_assert_outbox_is_ledger();
    assert_no_duplicate_receipt();
    assert_printed_once();
    g_assert_cmpint(r.kills, ==, kills);
    g_array_free(r.takeover_ms, TRUE);
    g_rand_free(r.rnd);
    sfx_done();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/failover/kill_active", test_failover);
    return g_test_run();
}

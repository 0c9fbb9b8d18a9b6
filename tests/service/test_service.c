/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_service.c - trykk as a service: the metrics file parsed as Prometheus text and checked
 * against a spool the test made, `trykk health`'s checks and exit codes, what `run --watch`
 * tells a (fake) service manager over NOTIFY_SOCKET, and when logging goes to the journal.
 * Each case makes its own fixture; one CTest entry runs them all.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>
#include "common/fixture.h"
#include "service/service.h"

/* ---- the Prometheus text format ------------------------------------------------------- */

/* Every line is # HELP NAME TEXT, then # TYPE NAME gauge|counter, then the family's samples
 * NAME{LABEL="VALUE",...} NUMBER; returns "NAME{LABELS}" -> value (a double, g_free). */
static GHashTable *parse_metrics(const char *text)
{
    GHashTable *v = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GRegex *sample = g_regex_new("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|"
                                 "[^\"\\\\])*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\")*"
                                 "\\})? (-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?)$",
                                 0, 0, NULL);
    char **lines = g_strsplit(text, "\n", -1), *help = NULL, *type = NULL;
    int i;

    g_assert_true(g_str_has_suffix(text, "\n"));
    for (i = 0; lines[i] && lines[i + 1]; i++) {
        const char *l = lines[i];
        GMatchInfo *m = NULL;
        if (g_str_has_prefix(l, "# HELP ")) {
            char **w = g_strsplit(l + 7, " ", 2);
            g_assert_nonnull(w[1]);
            g_assert_cmpstr(w[1], !=, "");
            g_free(help);
            help = g_strdup(w[0]);
            g_strfreev(w);
        } else if (g_str_has_prefix(l, "# TYPE ")) {
            char **w = g_strsplit(l + 7, " ", 2);
            g_assert_cmpstr(w[0], ==, help); /* HELP, then TYPE of the same family */
            g_assert_true(g_strcmp0(w[1], "gauge") == 0 || g_strcmp0(w[1], "counter") == 0);
            g_free(type);
            type = g_strdup(w[0]);
            g_strfreev(w);
        } else {
            char *name, *key;
            g_assert_true(g_regex_match(sample, l, 0, &m));
            name = g_match_info_fetch(m, 1);
            g_assert_cmpstr(name, ==, type); /* a sample of the family declared last */
            key = g_strndup(l, strrchr(l, ' ') - l);
            g_assert_false(g_hash_table_contains(v, key));
            g_hash_table_insert(v, key, g_memdup2(&(double){g_ascii_strtod(strrchr(l, ' ') + 1,
                                                                             NULL)},
                                                  sizeof(double)));
            g_free(name);
        }
        g_match_info_free(m);
    }
    g_free(help);
    g_free(type);
    g_strfreev(lines);
    g_regex_unref(sample);
    return v;
}

static double metric(GHashTable *v, const char *key)
{
    double *d = g_hash_table_lookup(v, key);

    if (!d)
        g_error("no sample %s", key);
    return *d;
}

/* An entry dropped like a broker, its time set secs in the past. */
static void drop_aged(struct fixture *f, const char *name, int secs)
{
    struct forge_letter l = {0};
    char *path = g_build_filename(f->spool, "incoming", name, NULL);
    struct utimbuf t = {time(NULL) - secs, time(NULL) - secs};

    fx_letter(f, &l);
    fx_drop_letter(f, name, 'b', &l);
    g_assert_cmpint(utime(path, &t), ==, 0);
    g_free(path);
}

static void test_metrics(void)
{
    struct fixture f = {0};
    struct forge_letter l = {0};
    struct spool s = {0};
    struct ledger *led = NULL;
    char *err = NULL, *db, *path, *text = NULL;
    GHashTable *v;
    int st;

    fx_init(&f, NULL);
    fx_letter(&f, &l);
    fx_drop_letter(&f, "a1.zip", 'b', &l);
    fx_letter(&f, &l);
    fx_drop_letter(&f, "a2.zip", 'b', &l);
    fx_letter(&f, &l);
    l.signer = &f.untrusted;
    fx_drop_letter(&f, "bad.zip", 'b', &l);
    g_assert_cmpint(fx_trykk(&f, NULL, (const char *const[]){"run", NULL}, NULL), ==, 1);
    drop_aged(&f, "late.zip", 600);

    g_assert_cmpint(spool_open(&s, f.spool, false, &err), ==, 0);
    db = spool_db_path(&s);
    g_assert_cmpint(ledger_open(&led, db, &err), ==, 0);
    path = g_build_filename(f.root, "metrics.prom", NULL);
    g_assert_cmpint(service_metrics_publish(&s, led, path), ==, 0);
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    if (g_test_verbose())
        g_print("%s", text);
    v = parse_metrics(text);

    for (st = 0; st < LETTER_STATE_COUNT; st++) {
        const char *name = letter_state_name((enum letter_state)st);
        char *key = g_strdup_printf("trykk_letters{state=\"%s\"}", name);
        char *sql = g_strdup_printf("SELECT count(*) FROM letters WHERE state = '%s'", name);
        g_assert_cmpfloat(metric(v, key), ==, (double)fx_sql_int(f.spool, sql));
        g_free(sql);
        g_free(key);
    }
    g_assert_cmpfloat(metric(v, "trykk_letters{state=\"" LETTER_FAILED "\"}"), ==, 1);
    g_assert_cmpfloat(metric(v, "trykk_letters{state=\"" LETTER_PLANNED "\"}"), ==, 2);
    g_assert_cmpfloat(metric(v, "trykk_letters_by_reason{state=\"" LETTER_FAILED
                                "\",reason=\"cert-untrusted\"}"), ==, 1);
    g_assert_cmpfloat(metric(v, "trykk_incoming_entries"), ==, 1);
    g_assert_cmpfloat(metric(v, "trykk_incoming_oldest_age_seconds"), >=, 600);
    g_assert_cmpfloat(metric(v, "trykk_incoming_oldest_age_seconds"), <, 900);
    g_assert_cmpfloat(metric(v, "trykk_jobs_waiting_cutoff"), ==,
                      (double)fx_sql_int(f.spool, "SELECT count(*) FROM jobs WHERE state = '"
                                                  JOB_OPEN "'"));
    g_assert_cmpfloat(metric(v, "trykk_jobs_waiting_cutoff"), >=, 1);
    g_assert_cmpfloat(metric(v, "trykk_receipts_waiting{where=\"outbox\"}"), ==,
                      fx_count_dir(&f, "outbox"));
    g_assert_cmpfloat(metric(v, "trykk_receipts_waiting{where=\"outbox\"}"), >=, 3);
    g_assert_cmpfloat(metric(v, "trykk_receipts_waiting{where=\"ledger\"}"), ==, 0);
    g_assert_cmpfloat(metric(v, "trykk_metrics_timestamp_seconds"), >, 0);
    /* nothing about a letter's people or content: no address of the letters made here */
    g_assert_null(strstr(text, l.navn ? l.navn : "Ola Nordmann"));

    g_hash_table_unref(v);
    g_free(text);
    g_free(path);
    g_free(db);
    ledger_close(led);
    spool_close(&s);
    fx_free(&f);
}

/* ---- trykk health ---------------------------------------------------------------------- */

static int health(struct fixture *f, char **out, const char *now)
{
    const char *const env[] = {"TRYKK_NOW", now, NULL};

    return fx_trykk_out(f, out, NULL, (const char *const[]){"health", NULL},
                        now ? env : NULL);
}

static void heartbeat(struct fixture *f)
{
    struct spool s = {0};
    char *err = NULL;

    g_assert_cmpint(spool_open(&s, f->spool, false, &err), ==, 0);
    g_assert_cmpint(service_heartbeat(&s), ==, 0);
    g_assert_cmpint(service_heartbeat_read(&s), >, 0);
    spool_close(&s);
}

static void assert_line(const char *out, const char *verdict, const char *check)
{
    char *want = g_strdup_printf("%-8s %-8s ", verdict, check);

    if (!strstr(out, want))
        g_error("no line '%s' in:\n%s", want, out);
    g_free(want);
}

static void test_health(void)
{
    struct fixture f = {0};
    char *out = NULL, **lines;
    GDateTime *now = g_date_time_new_now_local(), *later = g_date_time_add_hours(now, 1);
    char *at = g_date_time_format_iso8601(later);

    fx_init(&f, NULL);
    g_assert_cmpint(health(&f, &out, NULL), ==, 2); /* no daemon has run */
    assert_line(out, "ok", "spool");
    assert_line(out, "ok", "ledger");
    assert_line(out, "down", "daemon");
    lines = g_strsplit(out, "\n", -1);
    g_assert_cmpint(g_strv_length(lines), ==, 6); /* 5 lines, each ending in a newline */
    g_strfreev(lines);
    g_free(out);

    heartbeat(&f);
    g_assert_cmpint(health(&f, &out, NULL), ==, 0);
    assert_line(out, "ok", "daemon");
    assert_line(out, "ok", "queue");
    g_free(out);

    drop_aged(&f, "old.zip", 2000); /* past max_queue_age 900 */
    g_assert_cmpint(health(&f, &out, NULL), ==, 1);
    assert_line(out, "degraded", "queue");
    g_free(out);

    g_assert_cmpint(health(&f, &out, at), ==, 2); /* an hour without a heartbeat */
    assert_line(out, "down", "daemon");
    g_free(out);

    g_assert_cmpint(fx_trykk(&f, NULL, (const char *const[]){"--spool", "/nonexistent",
                                                              "health", NULL}, NULL), ==, 2);
    g_free(at);
    g_date_time_unref(later);
    g_date_time_unref(now);
    fx_free(&f);
}

/* ---- sd_notify from run --watch -------------------------------------------------------- */

/* The next datagram on fd within ms, or NULL. */
static char *next_notice(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    char buf[4096];
    ssize_t n;

    if (poll(&p, 1, ms) <= 0 || (n = recv(fd, buf, sizeof buf - 1, 0)) <= 0)
        return NULL;
    buf[n] = '\0';
    return g_strdup(buf);
}

/* Read notices until one equal to (or, prefix, starting with) want; false after ms. */
static bool wait_notice(int fd, const char *want, bool prefix, int ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    char *n;

    while (g_get_monotonic_time() < end) {
        bool hit;
        if (!(n = next_notice(fd, 200)))
            continue;
        hit = prefix ? g_str_has_prefix(n, want) : strcmp(n, want) == 0;
        g_free(n);
        if (hit)
            return true;
    }
    return false;
}

static void test_notify(void)
{
    struct fixture f = {0};
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    char *sock, *hb, *prom, **envp;
    const char *argv[] = {TRYKK_BIN, "--config", NULL, "run", "--watch", NULL};
    GPid pid;
    int fd, status = 0, pings = 0;
    gint64 end;

    fx_init(&f, NULL);
    sock = g_build_filename(f.root, "notify.sock", NULL);
    g_strlcpy(a.sun_path, sock, sizeof a.sun_path);
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&a, sizeof a), ==, 0);
    envp = g_environ_setenv(g_get_environ(), "NOTIFY_SOCKET", sock, TRUE);
    envp = g_environ_setenv(envp, "WATCHDOG_USEC", "400000", TRUE);
    envp = g_environ_unsetenv(envp, "WATCHDOG_PID");
    argv[2] = f.conf;
    g_assert_true(g_spawn_async(f.root, (char **)argv, envp, G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &pid, NULL));
    g_assert_true(wait_notice(fd, "READY=1", false, 30000));
    g_assert_true(wait_notice(fd, "STATUS=", true, 10000));
    /* idle, the loop still pings every 200 ms (half of WATCHDOG_USEC) */
    end = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
    while (pings < 3 && g_get_monotonic_time() < end)
        pings += wait_notice(fd, "WATCHDOG=1", false, 1000);
    g_assert_cmpint(pings, ==, 3);
    hb = g_build_filename(f.spool, "ledger", SERVICE_HEARTBEAT, NULL);
    prom = g_build_filename(f.spool, "ledger", SERVICE_METRICS_FILE, NULL);
    g_assert_true(g_file_test(hb, G_FILE_TEST_IS_REGULAR));
    g_assert_true(g_file_test(prom, G_FILE_TEST_IS_REGULAR));
    g_assert_cmpint(kill(pid, SIGTERM), ==, 0);
    g_assert_true(wait_notice(fd, "STOPPING=1", false, 30000));
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    g_spawn_close_pid(pid);
    close(fd);
    g_free(hb);
    g_free(prom);
    g_strfreev(envp);
    g_free(sock);
    fx_free(&f);
}

/* ---- the journal ----------------------------------------------------------------------- */

/* log_to_journal in a child of its own (it looks once, at the first message: this case runs
 * before anything logs): JOURNAL_STREAM set to value, or to stderr's device and inode when
 * value is NULL. */
static bool journal_in_child(const char *value)
{
    pid_t pid = fork();
    int status = 0;

    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        struct stat st = {0};
        char *v = value ? g_strdup(value) : NULL;
        if (!v && fstat(2, &st) == 0)
            v = g_strdup_printf("%llu:%llu", (unsigned long long)st.st_dev,
                                (unsigned long long)st.st_ino);
        g_setenv("JOURNAL_STREAM", v, TRUE);
        _exit(log_to_journal() ? 0 : 1);
    }
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status));
    return WEXITSTATUS(status) == 0;
}

/* The journal when JOURNAL_STREAM names stderr; stderr as always when it names another file
 * (stderr redirected by hand under a service). */
static void test_journal(void)
{
    g_assert_true(journal_in_child(NULL));
    g_assert_false(journal_in_child("1:1"));
}

int main(int argc, char **argv)
{
    const struct {
        const char *path;
        GTestFunc run;
    } cases[] = {
        {"/service/journal", test_journal}, /* first: before anything has logged */
        {"/service/metrics", test_metrics},
        {"/service/health", test_health},
        {"/service/notify", test_notify},
    };
    size_t i;

    g_test_init(&argc, &argv, NULL);
    for (i = 0; i < G_N_ELEMENTS(cases); i++)
        g_test_add_func(cases[i].path, cases[i].run);
    return g_test_run();
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * serve_fx.c - the daemon's tests' shared part (serve_fx.h): the fixture and its dropped
 * entries, the daemon as a child process, and the exactly-once checks.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "serve_fx.h"

struct fixture sfx;
GPtrArray *sfx_dropped;
int sfx_waited;

const char *const sfx_mon[] = {"TRYKK_NOW", "2026-11-16T10:00:00+01:00", NULL};
const char *const sfx_mon_eve[] = {"TRYKK_NOW", "2026-11-16T21:00:00+01:00", NULL};
const char *const sfx_sat[] = {"TRYKK_NOW", "2026-11-21T09:00:00+01:00", NULL};

long long sfx_db_int(const char *sql) { return fx_sql_int(sfx.spool, sql); }
char *sfx_db_str(const char *sql) { return fx_sql_str(sfx.spool, sql); }

int sfx_trykk(const char *const *env, char **err, const char *a0, const char *a1,
              const char *a2, const char *a3, const char *a4)
{
    const char *args[] = {a0, a1, a2, a3, a4, NULL};
    char *text = NULL;
    int rc = fx_trykk(&sfx, &text, args, env);

    g_test_message("trykk %s %s: %d", a0, a1 ? a1 : "", rc);
    sfx_waited += text && strstr(text, "is busy") != NULL;
    if (rc != 0)
        g_test_message("%s", text);
    if (err)
        *err = text;
    else
        g_free(text);
    return rc;
}

void sfx_drop(int n)
{
    int i;

    for (i = 0; i < n; i++) {
        struct forge_letter l;
        char *name = g_strdup_printf("serve-%03u", sfx_dropped->len);
        fx_letter(&sfx, &l);
        l.return_handling = "MAKULERING_MED_MELDING";
        fx_drop_letter(&sfx, name, 'b', &l);
        g_ptr_array_add(sfx_dropped, name);
    }
}

void sfx_wait_for(const char *sql, long long n)
{
    gint64 until = g_get_monotonic_time() + SFX_WAIT_SECONDS * G_USEC_PER_SEC;

    while (sfx_db_int(sql) < n) {
        g_assert_cmpint(g_get_monotonic_time(), <, until);
        g_usleep(50000);
    }
}

pid_t sfx_start(const char *const *env, bool watch, const char *log)
{
    char *path = g_build_filename(sfx.root, log, NULL);
    pid_t pid = fork();

    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* a failed test leaves no daemon behind */
        setenv(env[0], env[1], 1);
        if (watch)
            execl(TRYKK_BIN, TRYKK_BIN, "--config", sfx.conf, "run", "--watch", (char *)NULL);
        else
            execl(TRYKK_BIN, TRYKK_BIN, "--config", sfx.conf, "serve", (char *)NULL);
        _exit(127);
    }
    g_free(path);
    return pid;
}

void sfx_wait_serving(const char *log)
{
    char *path = g_build_filename(sfx.root, log, NULL), *text = NULL;
    gint64 until = g_get_monotonic_time() + SFX_WAIT_SECONDS * G_USEC_PER_SEC;

    while (!text || !strstr(text, "info: serving")) {
        g_assert_cmpint(g_get_monotonic_time(), <, until);
        g_free(text);
        g_usleep(20000);
        text = NULL;
        g_file_get_contents(path, &text, NULL, NULL);
    }
    g_free(text);
    g_free(path);
}

int sfx_stop(pid_t pid, const char *log)
{
    int status = 0;

    g_assert_cmpint(kill(pid, SIGTERM), ==, 0);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    if (WIFSIGNALED(status))
        g_test_message("the daemon died of signal %d", WTERMSIG(status));
    g_assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) != 0 || g_getenv("TEST_SERVE_LOG")) { /* what it said */
        char *path = g_build_filename(sfx.root, log, NULL), *text = fx_read(path);
        g_test_message("%s:\n%s", log, text);
        g_free(text);
        g_free(path);
    }
    return WEXITSTATUS(status);
}

/* Every dropped entry once: one row, one terminal place, an accepted one with its
 * mottakskvittering once; with accepted, every one is. A daemon killed between a claim and
 * its commit leaves no broker name (the ledger keeps it, spool.h): such a row counts for one
 * of the names no row has. */
void sfx_assert_each_once(bool accepted)
{
    guint i;

    g_assert_cmpint(fx_count_dir(&sfx, "incoming"), ==, 0);
    g_assert_cmpint(fx_count_dir(&sfx, "active"), ==, 0);
    g_assert_cmpint(sfx_db_int("SELECT count(*) FROM letters"), ==, sfx_dropped->len);
    g_assert_cmpint(sfx_db_int("SELECT count(DISTINCT entry_name) FROM letters"), ==,
                    sfx_db_int("SELECT count(entry_name) FROM letters"));
    if (accepted)
        g_assert_cmpint(sfx_db_int("SELECT count(*) FROM letters WHERE entry_name IS NULL"), ==,
                        0);
    for (i = 0; i < sfx_dropped->len; i++) {
        char *sql = g_strdup_printf("SELECT id FROM letters ORDER BY id LIMIT 1 OFFSET %u", i);
        char *id = sfx_db_str(sql), *rsql;
        const char *place;
        g_assert_nonnull(id);
        place = fx_place_of(&sfx, id);
        g_assert_nonnull(place);
        if (accepted)
            g_assert_cmpstr(place, ==, "accepted");
        rsql = g_strdup_printf("SELECT count(*) FROM receipts WHERE letter_id = '%s' AND type ="
                               " 'mottakskvittering'", id);
        g_assert_cmpint(sfx_db_int(rsql), ==, strcmp(place, "accepted") == 0 ? 1 : 0);
        g_free(rsql);
        g_free(id);
        g_free(sql);
    }
    for (i = 0; i < sfx_dropped->len; i++) {
        char *sql = g_strdup_printf("SELECT count(*) FROM letters WHERE entry_name = '%s'",
                                    (char *)sfx_dropped->pdata[i]);
        long long n = sfx_db_int(sql);
        g_assert_cmpint(n, <=, 1);
        if (accepted)
            g_assert_cmpint(n, ==, 1);
        g_free(sql);
    }
}

void sfx_assert_outbox_is_ledger(void)
{
    GPtrArray *files = fx_outbox(&sfx, ".jwt");
    guint i;

    for (i = 0; i < files->len; i++) {
        char *bytes = fx_read(files->pdata[i]), *name = g_path_get_basename(files->pdata[i]);
        char *sql = g_strdup_printf("SELECT jws FROM receipts WHERE file_name = '%s'", name);
        char *stored = sfx_db_str(sql);
        g_assert_cmpstr(bytes, ==, stored);
        g_free(stored);
        g_free(sql);
        g_free(name);
        g_free(bytes);
    }
    g_ptr_array_free(files, TRUE);
}

void sfx_assert_receipts(void)
{
    GPtrArray *files = fx_outbox(&sfx, ".mottakskvittering.jwt");

    sfx_assert_outbox_is_ledger();
    g_assert_cmpuint(files->len, ==, sfx_dropped->len);
    g_assert_cmpint(sfx_db_int("SELECT count(*) FROM receipts WHERE type = 'mottakskvittering'"),
                    ==, sfx_dropped->len);
    g_ptr_array_free(files, TRUE);
}

void sfx_begin(const char *extra_config)
{
    fx_init(&sfx, extra_config);
    sfx_dropped = g_ptr_array_new_with_free_func(g_free);
    sfx_waited = 0;
}

void sfx_done(void)
{
    g_ptr_array_free(sfx_dropped, TRUE);
    fx_free(&sfx);
}

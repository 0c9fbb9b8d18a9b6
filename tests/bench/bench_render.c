/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_render.c - intake and rendering throughput, normal and eco layouts.
 *
 *   build/tests/bench_render [N]      (default 500 letters per layout)
 *
 * Builds N realistic letters per layout (2-4 pages, an embedded font subset, vector
 * graphics, a CMYK image and a spot colour), drops them in a fresh spool, then times
 * `trykk run` (intake and planning; eco letters get their blank-field check here) and
 * `trykk job close --all` (decrypt again, compose, assemble, publish), and reports letters
 * per second and the peak RSS of each step. Not a test: numbers depend on the machine.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common/fixture.h"

struct timing {
    double seconds;
    long rss_kib;
    int status;
};

static struct timing timed(struct fixture *f, const char *const *args)
{
    struct timing t = {0};
    struct rusage ru;
    struct timeval a, b;
    int status = 0;
    pid_t pid;

    fflush(stdout);
    gettimeofday(&a, NULL);
    pid = fork();
    if (pid == 0) {
        const char *argv[16] = {TRYKK_BIN, "--config", f->conf};
        int i;
        for (i = 0; args[i] && i < 12; i++)
            argv[3 + i] = args[i];
        if (!freopen("/dev/null", "w", stderr) || !freopen("/dev/null", "w", stdout))
            _exit(127);
        execv(TRYKK_BIN, (char **)argv);
        _exit(127);
    }
    wait4(pid, &status, 0, &ru);
    gettimeofday(&b, NULL);
    t.seconds = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_usec - a.tv_usec) / 1e6;
    t.rss_kib = ru.ru_maxrss;
    t.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    return t;
}

static void bench(const char *mode, const char *extra, int n)
{
    struct fixture f;
    const char *run[] = {"run", NULL}, *close[] = {"job", "close", "--all", NULL};
    struct timing ti, tr;
    int i;

    fx_init(&f, extra);
    for (i = 0; i < n; i++) {
        struct forge_letter l;
        char name[32];
        fx_letter(&f, &l);
        l.navn = "Åse Øvrebø";
        l.adresse = "Storgata 1";
        l.postnummer = "0155";
        l.poststed = "OSLO";
        l.colour = i % 3 ? "SORT_HVIT" : "FARGE";
        l.posttype = i % 4 ? "B" : "A";
        l.pdf.pages = 2 + i % 3;
        l.pdf.press = true;
        g_snprintf(name, sizeof name, "bench-%05d", i);
        fx_drop_letter(&f, name, 'b', &l);
    }
    ti = timed(&f, run);
    {   /* how planning went: eco letters whose field was not blank fell back to normal */
        char *db = g_build_filename(f.spool, "ledger", "trykk.db", NULL), *err = NULL;
        struct ledger *l;
        GPtrArray *ids;
        if (ledger_open(&l, db, &err) == 0) {
            ids = ledger_ids_in_state(l, "PLANNED");
            if (ids->len) {
                json_t *o = ledger_letter(l, ids->pdata[0]);
                const char *why = json_string_value(json_object_get(o, "layout_reason"));
                printf("%-6s first letter planned as %s%s%s\n", mode,
                       json_string_value(json_object_get(o, "layout")), why ? ": " : "",
                       why ? why : "");
                json_decref(o);
            }
            g_ptr_array_free(ids, TRUE);
            ledger_close(l);
        }
        g_free(err);
        g_free(db);
    }
    tr = timed(&f, close);
    printf("%-6s %5d letters  intake+plan %6.2f s (%6.1f/s, peak %6ld MiB)  "
           "render+publish %6.2f s (%6.1f/s, peak %6ld MiB)  exit %d/%d\n", mode, n, ti.seconds,
           n / ti.seconds, ti.rss_kib / 1024, tr.seconds, n / tr.seconds, tr.rss_kib / 1024,
           ti.status, tr.status);
    fflush(stdout);
    fx_free(&f);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 500;

    if (n < 1) {
        fprintf(stderr, "usage: bench_render [LETTERS]\n");
        return 2;
    }
    bench("normal", "[render]\nmax_job_letters=500\n", n);
    bench("eco", "[render]\nmax_job_letters=500\n[sender." FX_SENDER "]\nlayout=eco\n", n);
    return 0;
}

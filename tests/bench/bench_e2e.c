/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_e2e.c - the end-to-end benchmark: the whole print-room day of N letters.
 *
 *   build/tests/bench_e2e [-n N] [-r R] [--layout normal|eco|both] [--keep DIR] [--spoil K]
 *
 * Forges N independently made letters once (e2e_spool.c), then R times per layout: fills a
 * fresh spool with them, runs the real binary as a print room does - `trykk run` (intake
 * and planning), then `trykk job close --all` (job building and publishing) - each as a
 * child measured for wall time, CPU seconds and peak RSS (measure.c), and checks the
 * outcome (e2e_check.c). The same letters also go R times through pipeline.sh, one letter
 * at a time through the standard tools. Prints the medians and the ratio. Exits 1 when a
 * step failed or its outcome is wrong, whatever the timing; no timing is ever a failure.
 * --keep DIR builds the test root under DIR and leaves it there (the last run's spools, the
 * pipeline's PDFs, the logs). --spoil K puts ink in the eco blank field of K letters: trykk
 * plans them in the normal layout and exits 0, and the benchmark must fail (CTest
 * bench_e2e_spoiled checks that it does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include "e2e_check.h"
#include "e2e_spool.h"

#define MAX_REPEATS 99
#define PIECE_PAGES 4 /* a cover sheet (front and back) and the letter's 2 pages */

struct opts {
    int n, repeats, spoil;
    bool layout[E2E_LAYOUTS];
    const char *keep;
};

enum step { STEP_RUN, STEP_CLOSE, STEP_TOTAL, STEPS };
static const char *const step_name[STEPS] = {"run (intake+plan)", "job close --all", "total"};

/* Every repeat's figures of one row of the table. */
struct series {
    double wall[MAX_REPEATS], cpu[MAX_REPEATS], rss[MAX_REPEATS];
    int len;
};

static void series_add(struct series *s, double wall, double cpu, long rss_kib)
{
    s->wall[s->len] = wall;
    s->cpu[s->len] = cpu;
    s->rss[s->len] = (double)rss_kib / 1024;
    s->len++;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_e2e [-n LETTERS] [-r REPEATS] [--layout normal|eco|both] "
                    "[--keep DIR] [--spoil K]\n");
    return 2;
}

static int parse(int argc, char **argv, struct opts *o)
{
    int i;

    *o = (struct opts){200, 3, 0, {true, true}, NULL};
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return -1;
        if (!strcmp(a, "-n"))
            o->n = atoi(v);
        else if (!strcmp(a, "-r"))
            o->repeats = atoi(v);
        else if (!strcmp(a, "--spoil"))
            o->spoil = atoi(v);
        else if (!strcmp(a, "--keep"))
            o->keep = v;
        else if (!strcmp(a, "--layout") && strcmp(v, "both")) {
            o->layout[E2E_NORMAL] = !strcmp(v, "normal");
            o->layout[E2E_ECO] = !strcmp(v, "eco");
            if (!o->layout[E2E_NORMAL] && !o->layout[E2E_ECO])
                return -1;
        } else if (strcmp(a, "--layout"))
            return -1;
        i++;
    }
    return o->n >= 1 && o->repeats >= 1 && o->repeats <= MAX_REPEATS &&
                   o->spoil >= 0 ? 0 : -1;
}

static double load_now(void)
{
    char *s = fx_read("/proc/loadavg");
    double l = s ? g_ascii_strtod(s, NULL) : -1;

    g_free(s);
    return l;
}

/* A step that exited non-zero: say so, with the end of its log (the root goes unless kept). */
static int failed(const char *what, const struct measure *m, const char *log)
{
    char *text = fx_read(log), **lines = g_strsplit(text ? text : "", "\n", -1);
    int n = (int)g_strv_length(lines), i;

    fprintf(stderr, "bench_e2e: %s exited %d; the end of its log:\n", what, m->status);
    for (i = n > 20 ? n - 20 : 0; i < n; i++)
        fprintf(stderr, "  %s\n", lines[i]);
    g_strfreev(lines);
    g_free(text);
    return -1;
}

/* One repeat of one layout: fill, run, close, check. */
static int trykk_once(struct e2e_spool *s, enum e2e_layout k, struct series *row)
{
    const char *run[] = {"run", NULL}, *close[] = {"job", "close", "--all", NULL};
    char *log = g_strdup_printf("%s/log-%s.txt", s->fx.root, e2e_layout_name[k]);
    struct measure mr, mc;
    int rc = -1;

    g_unlink(log);
    if (e2e_spool_fill(s, k) < 0) {
        g_free(log);
        return -1;
    }
    if (e2e_trykk(s, k, run, log, &mr) != 0)
        failed("trykk run", &mr, log);
    else if (e2e_trykk(s, k, close, log, &mc) != 0)
        failed("trykk job close --all", &mc, log);
    else if (e2e_check_spool(s->spool[k], s->n, e2e_layout_name[k]) == 0) {
        series_add(&row[STEP_RUN], mr.wall_s, mr.cpu_s, mr.rss_kib);
        series_add(&row[STEP_CLOSE], mc.wall_s, mc.cpu_s, mc.rss_kib);
        series_add(&row[STEP_TOTAL], mr.wall_s + mc.wall_s, mr.cpu_s + mc.cpu_s,
                   mr.rss_kib > mc.rss_kib ? mr.rss_kib : mc.rss_kib);
        rc = 0;
    }
    g_free(log);
    return rc;
}

/* One repeat of the tools' pipeline over the master copy, then its check. */
static int pipeline_once(struct e2e_spool *s, struct series *row)
{
    char *out = g_build_filename(s->fx.root, "pipeline-out", NULL);
    char *log = g_build_filename(s->fx.root, "log-pipeline.txt", NULL);
    const char *rm[] = {"/bin/rm", "-rf", out, NULL};
    const char *argv[] = {"/bin/sh", E2E_PIPELINE_SH, s->master, out, s->key, s->cert, s->ca,
                          s->cover, NULL};
    struct measure m;
    int rc = -1;

    g_unlink(log);
    if (measure_run(rm, NULL, NULL, &m) == 0 && g_mkdir(out, 0700) == 0) {
        sync();
        if (measure_run(argv, s->fx.root, log, &m) != 0)
            failed("pipeline.sh", &m, log);
        else if (e2e_check_pdfs(out, s->n, PIECE_PAGES) == 0) {
            series_add(row, m.wall_s, m.cpu_s, m.rss_kib);
            rc = 0;
        }
    }
    g_free(out);
    g_free(log);
    return rc;
}

static void print_row(const char *layout, const char *step, struct series *s, int n,
                      double pipeline_wall)
{
    double wall = measure_median(s->wall, s->len);

    printf("%-8s %-18s %8.2f %10.1f %8.2f %9.1f", layout, step, wall, n / wall,
           measure_median(s->cpu, s->len), measure_median(s->rss, s->len));
    if (pipeline_wall > 0)
        printf(" %8.1fx", pipeline_wall / wall);
    printf("\n");
}

/* load[0]: the 1-minute load before forging, load[1] before the runs (the forging's own
 * share included) */
static void report(const struct opts *o, struct series rows[E2E_LAYOUTS][STEPS],
                   struct series *pipe, const double *load)
{
    double pw = measure_median(pipe->wall, pipe->len);
    int k, st;

    printf("\nbench_e2e: %d letters, median of %d runs, %ld cores, 1-minute load %.2f before "
           "forging, %.2f before the runs, %.2f after\n", o->n, o->repeats,
           sysconf(_SC_NPROCESSORS_ONLN), load[0], load[1], load_now());
    printf("%-8s %-18s %8s %10s %8s %9s %9s\n", "layout", "step", "wall s", "letters/s",
           "CPU s", "RSS MiB", "ratio");
    for (k = 0; k < E2E_LAYOUTS; k++)
        for (st = 0; o->layout[k] && st < STEPS; st++)
            print_row(e2e_layout_name[k], step_name[st], &rows[k][st], o->n,
                      st == STEP_TOTAL ? pw : 0);
    print_row("tools", "pipeline.sh", pipe, o->n, 0);
    printf("(ratio: the pipeline's wall time over trykk's; RSS: the largest process)\n");
}

/* One line per repeat, so the spread of the runs can be seen next to the medians. */
static void progress(const struct opts *o, struct series rows[E2E_LAYOUTS][STEPS],
                     const struct series *pipe, int r, int rc)
{
    int k;

    printf("run %d of %d:", r + 1, o->repeats);
    for (k = 0; k < E2E_LAYOUTS && rc == 0; k++)
        if (o->layout[k])
            printf(" %s %.2f s,", e2e_layout_name[k], rows[k][STEP_TOTAL].wall[r]);
    if (rc == 0)
        printf(" pipeline %.2f s,", pipe->wall[r]);
    printf(" %s\n", rc == 0 ? "outcome checked" : "FAILED");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    static struct series rows[E2E_LAYOUTS][STEPS], pipe;
    struct e2e_spool s;
    struct opts o;
    double load[2];
    int r, k, rc = 0;

    if (parse(argc, argv, &o) < 0)
        return usage();
    if (o.keep) {
        g_mkdir_with_parents(o.keep, 0700);
        g_setenv("TMPDIR", o.keep, TRUE);
        g_setenv("TRYKK_KEEP_TEST_ROOT", "1", TRUE);
    }
    printf("forging %d letters...\n", o.n);
    fflush(stdout);
    load[0] = load_now();
    e2e_spool_make(&s, o.n, o.spoil);
    load[1] = load_now();
    for (r = 0; r < o.repeats && rc == 0; r++) {
        for (k = 0; k < E2E_LAYOUTS && rc == 0; k++)
            if (o.layout[k])
                rc = trykk_once(&s, (enum e2e_layout)k, rows[k]);
        if (rc == 0)
            rc = pipeline_once(&s, &pipe);
        progress(&o, rows, &pipe, r, rc);
    }
    if (rc == 0)
        report(&o, rows, &pipe, load);
    if (o.keep)
        printf("test root kept: %s\n", s.fx.root);
    e2e_spool_free(&s);
    return rc == 0 ? 0 : 1;
}

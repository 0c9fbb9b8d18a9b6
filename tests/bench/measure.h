/* SPDX-License-Identifier: Apache-2.0 */
/*
 * measure.h - what one child process cost: wall time, user + system CPU seconds and peak
 * resident set size (wait4's rusage), for the benchmarks in tests/bench/.
 */
#ifndef TRYKK_BENCH_MEASURE_H
#define TRYKK_BENCH_MEASURE_H

struct measure {
    double wall_s;  /* from fork to reaped */
    double cpu_s;   /* ru_utime + ru_stime of the child and the children it waited for */
    long rss_kib;   /* ru_maxrss: the largest resident set of the child or one it waited for */
    int status;     /* exit status, 128 + signal when killed, 127 when it could not start */
};

/* Run argv[0] (a path) with argv in directory cwd (NULL: here), its stdout and stderr to
 * log (appended; NULL: /dev/null), stdin from /dev/null; wait for it and fill *m. Returns
 * m->status. */
int measure_run(const char *const *argv, const char *cwd, const char *log, struct measure *m);

/* The median of n values (sorts v). */
double measure_median(double *v, int n);

#endif

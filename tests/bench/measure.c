/* SPDX-License-Identifier: Apache-2.0 */
/*
 * measure.c - see measure.h: fork, exec, wait4, and the median of repeated runs.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "measure.h"

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* In the child: the standard descriptors, the directory, then the program. */
static void child(const char *const *argv, const char *cwd, const char *log)
{
    int in = open("/dev/null", O_RDONLY);
    int out = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0600);

    if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
        _exit(127);
    if (cwd && chdir(cwd) < 0)
        _exit(127);
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

static double tv_s(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

int measure_run(const char *const *argv, const char *cwd, const char *log, struct measure *m)
{
    struct rusage ru = {0};
    double start;
    int status = 0;
    pid_t pid;

    fflush(stdout);
    fflush(stderr);
    start = now_s();
    pid = fork();
    if (pid == 0)
        child(argv, cwd, log);
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
        m->status = 127;
        return m->status;
    }
    m->wall_s = now_s() - start;
    m->cpu_s = tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
    m->rss_kib = ru.ru_maxrss;
    m->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return m->status;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double measure_median(double *v, int n)
{
    if (n < 1)
        return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

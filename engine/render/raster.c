/* SPDX-License-Identifier: Apache-2.0 */
/*
 * raster.c - the one pdftoppm runner: the eco and mark-zone checks' gray renderings
 * (blank.c, inkbatch.c) and the PNG pages of a proof (cli/cmd_proof.c).
 *
 * pdftoppm runs as a separate program, which keeps poppler's GPL out of the engine
 * (libraries.md §10), by absolute path (PDFTOPPM, never through PATH) with fixed arguments.
 * The PDF goes in on stdin, so the plaintext never gets a file name, and stdout is read back
 * while stdin is written, with a cap on its size. A pipe-only run gets limits on memory, CPU
 * time and file size, besides the timeout. SIGPIPE is blocked around the writes (a renderer
 * that exits early gives EPIPE, util/sigpipe.c), and every way out kills and reaps the child.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../util/sigpipe.h"
#include "raster.h"

#define RASTER_TIMEOUT_MS 30000     /* the longest silence of a pipe-only run */
#define RASTER_MAX_AS (1024L << 20) /* address space, bytes */
#define RASTER_MAX_CPU 30           /* seconds */

/* In the child, between fork and exec: only async-signal-safe calls. */
static void child_limits(gpointer unused)
{
    struct rlimit as = {RASTER_MAX_AS, RASTER_MAX_AS}, cpu = {RASTER_MAX_CPU, RASTER_MAX_CPU};
    struct rlimit none = {0, 0};

    (void)unused;
    setrlimit(RLIMIT_AS, &as);
    setrlimit(RLIMIT_CPU, &cpu);
    setrlimit(RLIMIT_FSIZE, &none); /* it writes to a pipe only */
    setrlimit(RLIMIT_CORE, &none);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Write the next chunk of in; the pipe is closed when all is written or the reader left. */
static void feed(int *in_fd, const struct bytes *in, size_t *off)
{
    ssize_t w = write(*in_fd, in->data + *off, MIN(in->len - *off, 65536));

    if (w > 0)
        *off += (size_t)w;
    if ((w < 0 && errno != EAGAIN && errno != EINTR) || *off == in->len)
        close_fd(in_fd);
}

/* Read what is there into out: 1 more to come, 0 at the end, -EFBIG past cap. */
static int drain(int out_fd, GByteArray *out, size_t cap)
{
    unsigned char buf[65536];
    ssize_t r = read(out_fd, buf, sizeof buf);

    if (r < 0 && errno == EINTR)
        return 1;
    if (r <= 0)
        return 0;
    if (out->len + (size_t)r > cap)
        return -EFBIG;
    g_byte_array_append(out, buf, (guint)r);
    return 1;
}

/* Feed job->in to the child's stdin while collecting its stdout; both fds closed after. */
static int pump(const struct raster_job *job, int in_fd, int out_fd, GByteArray *out)
{
    int timeout = job->writes_files ? -1 : RASTER_TIMEOUT_MS, rc = 1;
    size_t off = 0;

    fcntl(in_fd, F_SETFL, O_NONBLOCK);
    if (job->in->len == 0)
        close_fd(&in_fd);
    while (rc > 0) {
        struct pollfd p[2] = {{out_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
        int n = poll(p, in_fd >= 0 ? 2 : 1, timeout);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n == 0 ? -ETIMEDOUT : -errno;
            break;
        }
        if (in_fd >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP)))
            feed(&in_fd, job->in, &off);
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
            rc = drain(out_fd, out, job->cap);
    }
    close_fd(&in_fd);
    close_fd(&out_fd);
    return rc;
}

int raster_run(const struct raster_job *job, const char *what, GByteArray *out, char **err)
{
    GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL;
    struct sigpipe_guard guard = {0};
    GError *gerr = NULL;
    GPid pid;
    int in_fd, out_fd, status = 0, rc;

    if (!g_spawn_async_with_pipes(NULL, (char **)job->argv, NULL, flags,
                                  job->writes_files ? NULL : child_limits, NULL, &pid, &in_fd,
                                  &out_fd, NULL, &gerr)) {
        *err = g_strdup_printf("cannot run %s: %s", job->argv[0], gerr->message);
        g_error_free(gerr);
        return -1;
    }
    sigpipe_block(&guard);
    rc = pump(job, in_fd, out_fd, out);
    sigpipe_restore(&guard);
    if (rc < 0)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    g_spawn_close_pid(pid);
    if (rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    *err = g_strdup_printf("pdftoppm could not render %s (%s)", what,
                           rc < 0 ? g_strerror(-rc) : "bad exit");
    return -1;
}

/* pdftoppm's arguments for a pixel rectangle at dpi; num holds the numbers. */
static void gray_argv(const char *argv[22], char num[6][16], int pages, int dpi, int x0,
                      int y0, int x1, int y1)
{
    int i = 0;

    g_snprintf(num[5], 16, "%d", pages);
    g_snprintf(num[0], 16, "%d", dpi);
    g_snprintf(num[1], 16, "%d", x0);
    g_snprintf(num[2], 16, "%d", y0);
    g_snprintf(num[3], 16, "%d", x1 - x0);
    g_snprintf(num[4], 16, "%d", y1 - y0);
    argv[i++] = PDFTOPPM; argv[i++] = "-q"; argv[i++] = "-hide-annotations";
    argv[i++] = "-r"; argv[i++] = num[0];
    argv[i++] = "-gray"; argv[i++] = "-f"; argv[i++] = "1"; argv[i++] = "-l"; argv[i++] = num[5];
    argv[i++] = "-x"; argv[i++] = num[1]; argv[i++] = "-y"; argv[i++] = num[2];
    argv[i++] = "-W"; argv[i++] = num[3]; argv[i++] = "-H"; argv[i++] = num[4];
    if (pages == 1)
        argv[i++] = "-singlefile";
    argv[i++] = "-"; argv[i] = NULL;
}

int render_gray(const struct bytes *pdf, int pages, const struct rect_mm *f, double inset,
                int dpi, GByteArray *out, char **err)
{
    double px = dpi / 25.4;
    int x0 = (int)ceil((f->x + inset) * px), y0 = (int)ceil((f->y + inset) * px);
    int x1 = (int)floor((f->x + f->w - inset) * px);
    int y1 = (int)floor((f->y + f->h - inset) * px);
    const char *argv[22];
    char num[6][16];
    struct raster_job job = {argv, pdf, 0, false};

    gray_argv(argv, num, pages, dpi, x0, y0, x1, y1);
    job.cap = (size_t)pages * ((size_t)(x1 - x0 + 1) * (size_t)(y1 - y0 + 1) + 64);
    return raster_run(&job, "the page", out, err);
}

int render_png(const struct bytes *pdf, const char *dir, const char *name, int dpi, char **err)
{
    char *prefix = g_build_filename(dir, name, NULL), res[16];
    const char *argv[] = {PDFTOPPM, "-q", "-png", "-r", res, "-", prefix, NULL};
    struct raster_job job = {argv, pdf, 0, true};
    GByteArray *out = g_byte_array_new();
    int rc;

    g_snprintf(res, sizeof res, "%d", dpi);
    rc = raster_run(&job, "the proof", out, err);
    g_byte_array_free(out, TRUE);
    g_free(prefix);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * blank.c - is the eco field of page 1 free of ink? Is there sender ink under the marks?
 *
 * The check renders page 1 as it will print (page.c: annotations flattened into the
 * content, the page boxed like assembly does), with -hide-annotations so nothing but that
 * content counts. pdftoppm renders only the field (inset by about 1 mm, rounded inwards) at
 * low resolution in gray; pixels darker than the layout's threshold are ink. The PDF goes in
 * on stdin and the PGM comes back on stdout, so the plaintext never gets a file name.
 * pdftoppm runs as a separate program, which keeps poppler's GPL out of the engine
 * (libraries.md §10). It is run by absolute path (PDFTOPPM) with limits on memory, CPU time
 * and file size, besides the wall-clock timeout. The same rendering looks at the inserter
 * marks' knockout area of the sheet fronts of a whole planning batch (inkbatch.c), several
 * strip pages in one run.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "pdfpage.h"

#define RENDER_TIMEOUT_MS 30000
#define RENDER_MAX_AS (1024L << 20) /* address space, bytes */
#define RENDER_MAX_CPU 30           /* seconds */

/* In the child, between fork and exec: only async-signal-safe calls. */
static void child_limits(gpointer unused)
{
    struct rlimit as = {RENDER_MAX_AS, RENDER_MAX_AS}, cpu = {RENDER_MAX_CPU, RENDER_MAX_CPU};
    struct rlimit none = {0, 0};

    (void)unused;
    setrlimit(RLIMIT_AS, &as);
    setrlimit(RLIMIT_CPU, &cpu);
    setrlimit(RLIMIT_FSIZE, &none); /* it writes to a pipe only */
    setrlimit(RLIMIT_CORE, &none);
}

/* Feed in to the child's stdin while collecting its stdout (capped). */
static int pump(int in_fd, int out_fd, const struct bytes *in, GByteArray *out, size_t cap)
{
    size_t off = 0;

    fcntl(in_fd, F_SETFL, O_NONBLOCK);
    while (out_fd >= 0) {
        struct pollfd p[2] = {{out_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
        int n = poll(p, in_fd >= 0 ? 2 : 1, RENDER_TIMEOUT_MS);
        if (n <= 0)
            return n == 0 ? -ETIMEDOUT : -errno;
        if (in_fd >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(in_fd, in->data + off, MIN(in->len - off, 65536));
            if (w > 0)
                off += (size_t)w;
            if ((w < 0 && errno != EAGAIN) || off == in->len) {
                close(in_fd);
                in_fd = -1;
            }
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            unsigned char buf[65536];
            ssize_t r = read(out_fd, buf, sizeof buf);
            if (r <= 0)
                break;
            if (out->len + (size_t)r > cap)
                return -EFBIG;
            g_byte_array_append(out, buf, (guint)r);
        }
    }
    if (in_fd >= 0)
        close(in_fd);
    return 0;
}

size_t pgm_size(const unsigned char *pgm, size_t len, unsigned *w, unsigned *h)
{
    char head[64];
    unsigned max;
    int hdr = 0;

    memcpy(head, pgm, MIN(len, sizeof head - 1));
    head[MIN(len, sizeof head - 1)] = '\0';
    if (len < 3 || sscanf(head, "P5 %u %u %u%n", w, h, &max, &hdr) < 3 || max != 255 ||
        hdr <= 0 || *w > 1u << 16 || *h > 1u << 16 || (size_t)hdr + 1 + (size_t)*w * *h > len)
        return 0;
    return (size_t)hdr + 1 + (size_t)*w * *h;
}

long pgm_ink(const unsigned char *pgm, size_t len, int threshold, long c0, long c1)
{
    unsigned w, h, x, y;
    size_t size = pgm_size(pgm, len, &w, &h), hdr = size - (size_t)w * h;
    long ink = 0;

    if (size == 0)
        return -1;
    if (c1 < 0 || c1 > (long)w)
        c1 = w;
    for (y = 0; y < h; y++)
        for (x = (unsigned)MAX(c0, 0); (long)x < c1; x++)
            ink += pgm[hdr + (size_t)y * w + x] < threshold;
    return ink;
}

/* pdftoppm's arguments for a pixel rectangle at dpi; num holds the numbers. */
static void render_argv(char *argv[22], char num[6][16], int pages, int dpi, int x0, int y0,
                        int x1, int y1)
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
    char *argv[22], num[6][16];
    GError *gerr = NULL;
    GPid pid;
    int in_fd, out_fd, status = 0, rc;

    /* A renderer that exits early must not kill us through SIGPIPE: write() gets EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    render_argv(argv, num, pages, dpi, x0, y0, x1, y1);
    if (!g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                                  G_SPAWN_STDERR_TO_DEV_NULL, child_limits, NULL, &pid, &in_fd,
                                  &out_fd, NULL, &gerr)) {
        *err = g_strdup_printf("cannot run " PDFTOPPM ": %s", gerr->message);
        g_error_free(gerr);
        return -1;
    }
    rc = pump(in_fd, out_fd, pdf, out,
              (size_t)pages * ((size_t)(x1 - x0 + 1) * (size_t)(y1 - y0 + 1) + 64));
    close(out_fd);
    if (rc < 0)
        kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    g_spawn_close_pid(pid);
    if (rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    *err = g_strdup_printf("pdftoppm could not render the page (%s)",
                           rc < 0 ? g_strerror(-rc) : "bad exit");
    return -1;
}

static long render_ink(const struct bytes *pdf, const struct rect_mm *f, double inset, int dpi,
                       int threshold, char **err)
{
    GByteArray *out = g_byte_array_new();
    long ink = render_gray(pdf, 1, f, inset, dpi, out, err) < 0
                   ? -2
                   : pgm_ink(out->data, out->len, threshold, 0, -1);

    g_byte_array_free(out, TRUE);
    if (ink == -1)
        *err = g_strdup("pdftoppm's output is not a PGM");
    return ink < 0 ? -1 : ink;
}

int zone_ink(const struct bytes *pdf, const struct layout *l, long *ink, bool *landscape,
             char **err)
{
    struct bytes page1 = {0};

    *ink = -1;
    *landscape = false;
    if (page_as_printed(pdf, 0, PT(l->page_w), PT(l->page_h), &page1, landscape, err) < 0)
        return -1;
    if (*landscape) {
        *ink = 0;
        bytes_wipe_free(&page1);
        return 0;
    }
    *ink = render_ink(&page1, &l->eco_field, l->eco_inset, l->eco_dpi, l->eco_threshold, err);
    bytes_wipe_free(&page1);
    return *ink < 0 ? -1 : 0;
}

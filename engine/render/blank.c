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
 * marks' knockout area of every sheet front of a letter: sender ink there would be covered
 * by the knockout (or, without it, spoil the marks).
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

#ifndef PDFTOPPM
#define PDFTOPPM "/usr/bin/pdftoppm"
#endif
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

/* Ink pixels of a binary PGM (P5, maxval 255). */
static long pgm_ink(const GByteArray *pgm, int threshold)
{
    unsigned w, h, max;
    int hdr = 0;
    long ink = 0;
    size_t i;

    if (pgm->len < 3 || sscanf((const char *)pgm->data, "P5 %u %u %u%n", &w, &h, &max, &hdr) < 3 ||
        max != 255 || hdr <= 0 || (size_t)hdr + 1 + (size_t)w * h > pgm->len)
        return -1;
    for (i = (size_t)hdr + 1; i < (size_t)hdr + 1 + (size_t)w * h; i++)
        ink += pgm->data[i] < threshold;
    return ink;
}

/* pdftoppm's arguments for a pixel rectangle at dpi; num holds the numbers. */
static void render_argv(char *argv[22], char num[5][16], int dpi, int x0, int y0, int x1, int y1)
{
    int i = 0;

    g_snprintf(num[0], 16, "%d", dpi);
    g_snprintf(num[1], 16, "%d", x0);
    g_snprintf(num[2], 16, "%d", y0);
    g_snprintf(num[3], 16, "%d", x1 - x0);
    g_snprintf(num[4], 16, "%d", y1 - y0);
    argv[i++] = PDFTOPPM; argv[i++] = "-q"; argv[i++] = "-hide-annotations";
    argv[i++] = "-r"; argv[i++] = num[0];
    argv[i++] = "-gray"; argv[i++] = "-f"; argv[i++] = "1"; argv[i++] = "-l"; argv[i++] = "1";
    argv[i++] = "-x"; argv[i++] = num[1]; argv[i++] = "-y"; argv[i++] = num[2];
    argv[i++] = "-W"; argv[i++] = num[3]; argv[i++] = "-H"; argv[i++] = num[4];
    argv[i++] = "-singlefile"; argv[i++] = "-"; argv[i] = NULL;
}

/* Ink in rectangle f (inset, rounded inwards) of a one-page PDF at dpi, rendered by
 * pdftoppm; -1 and *err when it fails. */
static long render_ink(const struct bytes *pdf, const struct rect_mm *f, double inset, int dpi,
                       int threshold, char **err)
{
    double px = dpi / 25.4;
    int x0 = (int)ceil((f->x + inset) * px), y0 = (int)ceil((f->y + inset) * px);
    int x1 = (int)floor((f->x + f->w - inset) * px);
    int y1 = (int)floor((f->y + f->h - inset) * px);
    char *argv[22], num[5][16];
    GByteArray *out = g_byte_array_new();
    GError *gerr = NULL;
    GPid pid;
    int in_fd, out_fd, status = 0, rc;
    long ink;

    /* A renderer that exits early must not kill us through SIGPIPE: write() gets EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    render_argv(argv, num, dpi, x0, y0, x1, y1);
    if (!g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                                  G_SPAWN_STDERR_TO_DEV_NULL, child_limits, NULL, &pid, &in_fd,
                                  &out_fd, NULL, &gerr)) {
        *err = g_strdup_printf("cannot run " PDFTOPPM ": %s", gerr->message);
        g_error_free(gerr);
        g_byte_array_free(out, TRUE);
        return -1;
    }
    rc = pump(in_fd, out_fd, pdf, out, (size_t)(x1 - x0 + 1) * (size_t)(y1 - y0 + 1) + 64);
    close(out_fd);
    if (rc < 0)
        kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    g_spawn_close_pid(pid);
    ink = rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? pgm_ink(out, threshold) : -1;
    g_byte_array_free(out, TRUE);
    if (ink < 0)
        *err = g_strdup_printf("pdftoppm could not render the page (%s)",
                               rc < 0 ? g_strerror(-rc) : "bad exit or output");
    return ink;
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

int marks_ink(const struct bytes *docs, size_t ndocs, const struct layout *l,
              const struct marks *m, GString *pages, long *ink, char **err)
{
    struct rect_mm r = marks_extent(m);
    size_t d;
    int k = 0, n, total;

    *ink = 0;
    for (d = 0; d < ndocs; d++) {
        if (page_count(&docs[d], &total, err) < 0)
            return -1;
        for (n = 0; n < total; n++, k++) {
            struct bytes one = {0};
            bool turned;
            long px;
            if (k % 2)
                continue; /* a back: no marks */
            if (page_as_printed(&docs[d], n, PT(l->page_w), PT(l->page_h), &one, &turned,
                                err) < 0)
                return -1;
            px = render_ink(&one, &r, 0, m->ink_dpi, m->ink_threshold, err);
            bytes_wipe_free(&one);
            if (px < 0)
                return -1;
            if (px > 0)
                g_string_append_printf(pages, "%s%d", pages->len ? ", " : "", k + 1);
            *ink += px;
        }
    }
    return 0;
}

/*
 * blank.c - is the eco field of page 1 free of ink?
 *
 * pdftoppm renders only the field (inset by about 1 mm, rounded inwards) at low resolution
 * in gray; pixels darker than the layout's threshold are ink. The PDF goes in on stdin and
 * the PGM comes back on stdout, so the plaintext never gets a file name. pdftoppm runs as a
 * separate program, which keeps poppler's GPL out of the engine (libraries.md §10); only
 * eco letters pay for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "render.h"

#define RENDER_TIMEOUT_MS 30000

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

int zone_ink(const struct bytes *pdf, const struct layout *l, long *ink, char **err)
{
    const struct rect_mm *f = &l->eco_field;
    double px = l->eco_dpi / 25.4;
    int x0 = (int)ceil((f->x + l->eco_inset) * px), y0 = (int)ceil((f->y + l->eco_inset) * px);
    int x1 = (int)floor((f->x + f->w - l->eco_inset) * px);
    int y1 = (int)floor((f->y + f->h - l->eco_inset) * px);
    char *argv[20], num[6][16];
    GByteArray *out = g_byte_array_new();
    GError *gerr = NULL;
    GPid pid;
    int in_fd, out_fd, status = 0, rc, i = 0;

    /* A renderer that exits early must not kill us through SIGPIPE: write() gets EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    g_snprintf(num[0], 16, "%d", l->eco_dpi);
    g_snprintf(num[1], 16, "%d", x0);
    g_snprintf(num[2], 16, "%d", y0);
    g_snprintf(num[3], 16, "%d", x1 - x0);
    g_snprintf(num[4], 16, "%d", y1 - y0);
    argv[i++] = "pdftoppm"; argv[i++] = "-q"; argv[i++] = "-r"; argv[i++] = num[0];
    argv[i++] = "-gray"; argv[i++] = "-f"; argv[i++] = "1"; argv[i++] = "-l"; argv[i++] = "1";
    argv[i++] = "-x"; argv[i++] = num[1]; argv[i++] = "-y"; argv[i++] = num[2];
    argv[i++] = "-W"; argv[i++] = num[3]; argv[i++] = "-H"; argv[i++] = num[4];
    argv[i++] = "-singlefile"; argv[i++] = "-"; argv[i] = NULL;
    if (!g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                  G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &in_fd, &out_fd,
                                  NULL, &gerr)) {
        *err = g_strdup_printf("cannot run pdftoppm: %s", gerr->message);
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
    *ink = rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? pgm_ink(out, l->eco_threshold)
                                                                    : -1;
    g_byte_array_free(out, TRUE);
    if (*ink < 0) {
        *err = g_strdup_printf("pdftoppm could not render the eco field (%s)",
                               rc < 0 ? g_strerror(-rc) : "bad exit or output");
        return -1;
    }
    return 0;
}

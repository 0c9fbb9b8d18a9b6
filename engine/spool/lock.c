/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lock.c - the spool lock: one process at a time changes the spool, in short turns.
 *
 * ledger/run.lock is held exclusively (flock) by whoever works on the spool: the daemon
 * while it works on a batch, an operator command for its whole run. A process that finds it
 * taken polls for it, at most wait_ms, and holds ledger/wait.lock shared meanwhile; the
 * daemon looks at wait.lock before each batch and lets a waiting command go first, so a
 * daemon under load cannot starve the operator. flock is released by the kernel when the
 * process dies, so a killed holder never leaves the spool locked.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include "spool.h"

#define POLL_MS 20

static int open_lock(struct spool *s, const char *name, int flags, int *fd, char **err)
{
    char *path;

    if (*fd >= 0)
        return 0;
    path = g_build_filename(s->ledger_dir, name, NULL);
    *fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | flags, 0600);
    if (*fd < 0 && err)
        *err = g_strdup_printf("cannot open the run lock %s: %s", path, g_strerror(errno));
    g_free(path);
    return *fd < 0 ? -1 : 0;
}

static void nap(int ms)
{
    struct timespec t = {0, (long)ms * 1000000L};

    nanosleep(&t, NULL);
}

/* Poll run.lock until it is ours or wait_ms have passed; errno as flock's. */
static int poll_lock(struct spool *s, int wait_ms)
{
    gint64 until = g_get_monotonic_time() + (gint64)wait_ms * 1000;
    bool announced = false;
    int rc;

    while ((rc = flock(s->lock_fd, LOCK_EX | LOCK_NB)) < 0 && errno == EWOULDBLOCK &&
           g_get_monotonic_time() < until) {
        if (!announced && open_lock(s, "wait.lock", O_CREAT, &s->wait_fd, NULL) == 0)
            announced = flock(s->wait_fd, LOCK_SH | LOCK_NB) == 0;
        nap(POLL_MS);
    }
    if (announced) {
        int saved = errno;
        flock(s->wait_fd, LOCK_UN);
        errno = saved;
    }
    return rc;
}

int spool_lock(struct spool *s, int wait_ms, char **err)
{
    if (open_lock(s, "run.lock", O_CREAT, &s->lock_fd, err) < 0)
        return -1;
    if (poll_lock(s, wait_ms) < 0) {
        int saved = errno;
        int rc = saved == EWOULDBLOCK ? -2 : -1;
        *err = saved == EWOULDBLOCK
                   ? g_strdup_printf("another trykk process is working on spool %s", s->root)
                   : g_strdup_printf("cannot lock spool %s: %s", s->root, g_strerror(saved));
        close(s->lock_fd);
        s->lock_fd = -1;
        return rc;
    }
    return 0;
}

void spool_unlock(struct spool *s)
{
    if (s->lock_fd >= 0)
        flock(s->lock_fd, LOCK_UN);
}

bool spool_lock_wanted(struct spool *s)
{
    if (open_lock(s, "wait.lock", 0, &s->wait_fd, NULL) < 0)
        return false; /* nobody has waited yet */
    if (flock(s->wait_fd, LOCK_EX | LOCK_NB) < 0)
        return errno == EWOULDBLOCK;
    flock(s->wait_fd, LOCK_UN);
    return false;
}

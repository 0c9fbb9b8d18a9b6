/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pool.c - up to W verification children at work at once ([limits] workers, default one per
 * core), their report pipes multiplexed with poll().
 *
 * Entries go in in claim order and come out in claim order: a child that finishes early waits
 * (already reaped) until every entry claimed before it has come out. The verdicts are
 * therefore handed on, duplicate-checked and committed in exactly the order one child at a
 * time gives, so W changes the speed and nothing else: not a verdict, not a reason, not the
 * order of the ledger's rows. A child that dies costs only its own entry (isolate.c).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include "pipeline.h"

#define POOL_MAX 64

struct pool {
    struct engine *e;
    int w;
    size_t n; /* in flight, oldest claim first */
    struct isolate_job *job[POOL_MAX];
    char *id[POOL_MAX], *entry_name[POOL_MAX];
    pool_done_fn done;
    void *ctx;
};

int pool_workers(const struct engine *e)
{
    int w = e->isolate.workers > 0 ? e->isolate.workers : (int)g_get_num_processors();

    return CLAMP(w, 1, POOL_MAX);
}

struct pool *pool_new(struct engine *e, pool_done_fn done, void *ctx)
{
    struct pool *p = g_new0(struct pool, 1);

    p->e = e;
    p->w = pool_workers(e);
    p->done = done;
    p->ctx = ctx;
    return p;
}

/* Hand on the oldest entries whose children are done; the first error of the callback. */
static int pool_hand_on(struct pool *p, size_t *handed)
{
    int rc = 0;

    *handed = 0;
    while (p->n > 0 && isolate_fd(p->job[0]) < 0) {
        if (p->done(p->ctx, p->id[0], p->entry_name[0], p->job[0]) < 0)
            rc = -1;
        g_free(p->id[0]);
        g_free(p->entry_name[0]);
        p->n--;
        memmove(p->job, p->job + 1, p->n * sizeof p->job[0]);
        memmove(p->id, p->id + 1, p->n * sizeof p->id[0]);
        memmove(p->entry_name, p->entry_name + 1, p->n * sizeof p->entry_name[0]);
        (*handed)++;
    }
    return rc;
}

/* Wait until some child has said more (or its time is up) and read it. */
static void pool_poll(struct pool *p)
{
    struct pollfd fds[POOL_MAX] = {{0}};
    struct isolate_job *who[POOL_MAX];
    gint64 first = G_MAXINT64, now = g_get_monotonic_time();
    size_t i, m = 0;
    int ready;

    for (i = 0; i < p->n; i++) {
        int fd = isolate_fd(p->job[i]);
        if (fd < 0)
            continue;
        fds[m] = (struct pollfd){fd, POLLIN, 0};
        who[m++] = p->job[i];
        first = MIN(first, isolate_deadline(p->job[i]));
    }
    if (m == 0)
        return;
    ready = poll(fds, m, (int)CLAMP((first - now) / 1000 + 1, 0, G_MAXINT));
    if (ready < 0 && errno != EINTR)
        return;
    now = g_get_monotonic_time();
    for (i = 0; i < m; i++)
        if (fds[i].revents || isolate_deadline(who[i]) <= now)
            (void)isolate_pump(who[i]);
}

/* Make room: wait until the oldest entries are handed on. */
static int pool_step(struct pool *p)
{
    size_t handed;
    int rc = pool_hand_on(p, &handed);

    if (handed == 0) {
        pool_poll(p);
        rc = pool_hand_on(p, &handed);
    }
    return rc;
}

int pool_add(struct pool *p, const char *id, const char *entry_name)
{
    char *path = g_build_filename(p->e->spool.active, id, NULL);
    int rc = 0;

    while (p->n >= (size_t)p->w)
        rc |= pool_step(p);
    p->job[p->n] = isolate_start(p->e, path);
    p->id[p->n] = g_strdup(id);
    p->entry_name[p->n] = g_strdup(entry_name);
    p->n++;
    g_free(path);
    return rc < 0 ? -1 : 0;
}

int pool_drain(struct pool *p)
{
    int rc = 0;

    while (p->n > 0)
        rc |= pool_step(p);
    return rc < 0 ? -1 : 0;
}

void pool_free(struct pool *p)
{
    (void)pool_drain(p);
    g_free(p);
}

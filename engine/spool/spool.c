/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spool.c - names, claim, moves and start-up housekeeping of the spool directories.
 *
 * Letter ids are "YYYYMMDDTHHMMSS-" plus 8 random hex digits: sortable, unique without a
 * central counter, and from an allowlisted alphabet, so a letter id is always safe to use
 * as a file name. A bad id reaching the path code is a bug, not input (log_panic).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/rand.h>
#include "spool.h"
#include "../util/util.h"

static const char *const subdirs[] = {"tmp", "incoming", "active", "accepted", "failed",
                                      "quarantine", "deferred", "hold", "outbox", "ledger",
                                      "jobs", NULL};

static int check_dir(const char *path, char **err)
{
    struct stat st = {0};

    if (lstat(path, &st) < 0) {
        *err = g_strdup_printf("spool directory %s is missing (run `trykk init`)", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        *err = g_strdup_printf("%s is not a directory", path);
        return -1;
    }
    if (st.st_uid != geteuid()) {
        *err = g_strdup_printf("spool directory %s belongs to another user", path);
        return -1;
    }
    if (st.st_mode & 077) {
        *err = g_strdup_printf("spool directory %s is open to group or others (mode %04o); "
                               "chmod 700 it", path, (unsigned)(st.st_mode & 07777));
        return -1;
    }
    return 0;
}

int spool_open(struct spool *s, const char *root, bool create, char **err)
{
    char **dirs[] = {&s->tmp, &s->incoming, &s->active, &s->accepted, &s->failed, &s->quarantine,
                     &s->deferred, &s->hold, &s->outbox, &s->ledger_dir, &s->jobs};
    int i;

    memset(s, 0, sizeof *s);
    s->lock_fd = -1;
    s->wait_fd = -1;
    s->root = g_canonicalize_filename(root, NULL);
    if (create && fsio_mkdirs(s->root, 0700) < 0) {
        *err = g_strdup_printf("cannot create spool %s: %s", s->root, g_strerror(errno));
        return -1;
    }
    if (check_dir(s->root, err) < 0)
        return -1;
    for (i = 0; subdirs[i]; i++) {
        *dirs[i] = g_build_filename(s->root, subdirs[i], NULL);
        if (create && mkdir(*dirs[i], 0700) < 0 && errno != EEXIST) {
            *err = g_strdup_printf("cannot create %s: %s", *dirs[i], g_strerror(errno));
            return -1;
        }
        if (check_dir(*dirs[i], err) < 0)
            return -1;
    }
    if (create)
        fsio_fsync_dir(s->root);
    return 0;
}

/* Only a spool that spool_open filled owns a lock: a zeroed struct must never close fd 0. */
void spool_close(struct spool *s)
{
    if (s->root && s->lock_fd >= 0)
        close(s->lock_fd);
    if (s->root && s->wait_fd >= 0)
        close(s->wait_fd);
    g_free(s->root);
    g_free(s->tmp);
    g_free(s->incoming);
    g_free(s->active);
    g_free(s->accepted);
    g_free(s->failed);
    g_free(s->quarantine);
    g_free(s->deferred);
    g_free(s->hold);
    g_free(s->outbox);
    g_free(s->ledger_dir);
    g_free(s->jobs);
    memset(s, 0, sizeof *s);
    s->lock_fd = -1;
    s->wait_fd = -1;
}

char *spool_db_path(const struct spool *s)
{
    return g_build_filename(s->ledger_dir, "trykk.db", NULL);
}

char *spool_new_id(void)
{
    GDateTime *now = g_date_time_new_now_utc();
    char *stamp = g_date_time_format(now, "%Y%m%dT%H%M%S");
    unsigned char rnd[4];
    char *id;

    if (RAND_bytes(rnd, sizeof rnd) != 1)
        log_panic("no randomness for letter ids");
    id = g_strdup_printf("%s-%02x%02x%02x%02x", stamp, rnd[0], rnd[1], rnd[2], rnd[3]);
    g_free(stamp);
    g_date_time_unref(now);
    return id;
}

bool spool_id_ok(const char *id)
{
    size_t i;

    if (!id || strlen(id) != 24 || id[15] != '-')
        return false;
    for (i = 0; i < 24; i++)
        if (i != 15 && i != 8 && !g_ascii_isxdigit(id[i]))
            return false;
    return id[8] == 'T';
}

struct named {
    char *name;
    gint64 mtime;
};

static gint by_age(gconstpointer a, gconstpointer b)
{
    const struct named *x = *(struct named *const *)a, *y = *(struct named *const *)b;

    if (x->mtime != y->mtime)
        return x->mtime < y->mtime ? -1 : 1;
    return strcmp(x->name, y->name);
}

GPtrArray *spool_list(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    GPtrArray *tmp = g_ptr_array_new(), *out = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    guint i;

    while (d && (name = g_dir_read_name(d)) != NULL) {
        struct named *n;
        if (name[0] == '.')
            continue;
        n = g_new(struct named, 1);
        n->name = g_strdup(name);
        n->mtime = spool_mtime(dir, name);
        g_ptr_array_add(tmp, n);
    }
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(tmp, by_age);
    for (i = 0; i < tmp->len; i++) {
        struct named *n = tmp->pdata[i];
        g_ptr_array_add(out, n->name);
        g_free(n);
    }
    g_ptr_array_free(tmp, TRUE);
    return out;
}

/*
 * Close a claimed entry to the service user: a file 0600, a carrier directory 0700 and its
 * files 0600 (the broker may have dropped them 0644; the business message names the
 * recipient). Opened with O_NOFOLLOW relative to active/, so a symlink is never followed;
 * fchmod acts on what was opened. Entries that are neither stay as they are: intake
 * quarantines them.
 */
static int fchmod_at(int dfd, const char *name, bool dir_ok)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat st = {0};
    int rc = 0;

    if (fd < 0)
        return errno == ELOOP || errno == ENXIO ? 0 : -errno;
    if (fstat(fd, &st) < 0)
        rc = -errno;
    else if (S_ISREG(st.st_mode))
        rc = fchmod(fd, 0600) < 0 ? -errno : 0;
    else if (S_ISDIR(st.st_mode) && dir_ok)
        rc = fchmod(fd, 0700) < 0 ? -errno : 1;
    close(fd);
    return rc;
}

static int close_dir_members(int dfd, const char *name)
{
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *de;
    int rc = 0;

    if (!d) {
        rc = -errno;
        if (fd >= 0)
            close(fd);
        return rc;
    }
    while (rc >= 0 && (de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            rc = fchmod_at(dirfd(d), de->d_name, false);
    closedir(d);
    return rc < 0 ? rc : 0;
}

static int close_entry(const char *dir, const char *name)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int rc;

    if (dfd < 0)
        return -errno;
    rc = fchmod_at(dfd, name, true);
    if (rc == 1)
        rc = close_dir_members(dfd, name);
    close(dfd);
    return rc;
}

int spool_claim(struct spool *s, const char *name, char **letter_id)
{
    char *id = spool_new_id();
    int rc = fsio_move(s->incoming, name, s->active, id);

    if (rc < 0) {
        g_free(id);
        return rc;
    }
    if ((rc = close_entry(s->active, id)) < 0)
        log_letter_warn(id, "cannot restrict the claimed entry to the service user: %s",
                        g_strerror(-rc));
    *letter_id = id;
    return 0;
}

int spool_move(const char *from_dir, const char *to_dir, const char *letter_id)
{
    if (!spool_id_ok(letter_id))
        log_panic("refusing a path for letter id \"%s\"", letter_id);
    return fsio_move(from_dir, letter_id, to_dir, letter_id);
}

int spool_set_mtime(const char *dir, const char *name, gint64 unix_time)
{
    char *path = g_build_filename(dir, name, NULL);
    struct timespec ts[2] = {{(time_t)unix_time, 0}, {(time_t)unix_time, 0}};
    int rc = utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;

    g_free(path);
    return rc;
}

gint64 spool_mtime(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);
    struct stat st = {0};
    gint64 t = lstat(path, &st) == 0 ? (gint64)st.st_mtime : 0;

    g_free(path);
    return t;
}

int spool_write_reason(const char *dir, const char *letter_id, const char *text)
{
    char *name = g_strdup_printf("%s.reason", letter_id);
    int rc;

    if (!spool_id_ok(letter_id))
        log_panic("refusing a path for letter id \"%s\"", letter_id);
    rc = fsio_publish(dir, name, text, strlen(text), FSIO_NOREPLACE);
    g_free(name);
    return rc == -EEXIST ? 0 : rc;
}

static int remove_temps_in(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    int n = 0;

    while (d && (name = g_dir_read_name(d)) != NULL) {
        if (name[0] == '.' && g_str_has_suffix(name, ".tmp") && fsio_unlink(dir, name) == 0)
            n++;
    }
    if (d)
        g_dir_close(d);
    return n;
}

int spool_remove_temporaries(struct spool *s)
{
    const char *dirs[] = {s->active, s->accepted, s->failed, s->quarantine, s->deferred,
                          s->hold, s->outbox, NULL};
    int i, n = 0;

    for (i = 0; dirs[i]; i++)
        n += remove_temps_in(dirs[i]);
    return n;
}

/*
 * spool_remove - remove a letter's entry (a carrier file, or a directory of carrier files)
 * from dir, then fsync dir. 0 also when it is already gone.
 */
int spool_remove(const char *dir, const char *letter_id)
{
    if (!spool_id_ok(letter_id))
        log_panic("refusing a path for letter id \"%s\"", letter_id);
    return fsio_remove_tree(dir, letter_id);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fsio.c - the only place trykk creates, renames and removes files.
 *
 * Publishing follows one protocol: open "<dir>/.<name>.tmp" with O_CREAT|O_EXCL|O_NOFOLLOW
 * and mode 0600, write everything, fsync, close, rename to the final name (without
 * replacing an existing file when asked), fsync the directory. A reader therefore sees a
 * complete file or none. On failure the temporary file is removed and the visible state is
 * unchanged. Temporary names start with a dot; every reader of a spool directory skips them
 * and recovery removes them. A directory is removed by walking it with openat/unlinkat, never
 * through a symbolic link (a link is removed, not followed), to a bounded depth.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

int fsio_write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;

    while (len > 0) {
        ssize_t n;

        if ((n = fault_point("write")) < 0)
            return (int)n;
        n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int fsio_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;

    if (fd < 0)
        return -errno;
    if ((rc = fault_point("fsync-dir")) == 0 && fsync(fd) < 0)
        rc = -errno;
    close(fd);
    return rc;
}

int fsio_mkdirs(const char *path, mode_t mode)
{
    if (g_mkdir_with_parents(path, (int)mode) < 0)
        return -errno;
    return 0;
}

static char *tmp_name(const char *name)
{
    return g_strdup_printf(".%s.%ld.tmp", name, (long)getpid());
}

static int write_tmp(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    int rc;

    if (fd < 0)
        return -errno;
    rc = fsio_write_all(fd, data, len);
    if (rc == 0 && (rc = fault_point("fsync")) == 0 && fsync(fd) < 0)
        rc = -errno;
    if (close(fd) < 0 && rc == 0)
        rc = -errno;
    return rc;
}

static int rename_in(const char *from, const char *to, int flags)
{
    unsigned int rflags = (flags & FSIO_NOREPLACE) ? RENAME_NOREPLACE : 0;
    int rc = fault_point("rename");

    if (rc < 0)
        return rc;
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, rflags) < 0)
        return -errno;
    return 0;
}

/*
 * fsio_publish - write a complete file atomically into dir. With FSIO_NOREPLACE an existing
 * file of that name is left alone and -EEXIST returned.
 */
int fsio_publish(const char *dir, const char *name, const void *data, size_t len, int flags)
{
    char *tmp = tmp_name(name);
    char *tmp_path = g_build_filename(dir, tmp, NULL);
    char *final_path = g_build_filename(dir, name, NULL);
    int rc;

    rc = write_tmp(tmp_path, data, len);
    if (rc == 0)
        rc = rename_in(tmp_path, final_path, flags);
    if (rc == 0)
        rc = fsio_fsync_dir(dir);
    else
        unlink(tmp_path);
    g_free(tmp);
    g_free(tmp_path);
    g_free(final_path);
    return rc;
}

/*
 * fsio_move - rename from_dir/from to to_dir/to without replacing anything, then make both
 * directory entries durable.
 */
int fsio_move(const char *from_dir, const char *from, const char *to_dir, const char *to)
{
    char *src = g_build_filename(from_dir, from, NULL);
    char *dst = g_build_filename(to_dir, to, NULL);
    int rc = rename_in(src, dst, FSIO_NOREPLACE);

    if (rc == 0)
        rc = fsio_fsync_dir(to_dir);
    if (rc == 0 && strcmp(from_dir, to_dir) != 0)
        rc = fsio_fsync_dir(from_dir);
    g_free(src);
    g_free(dst);
    return rc;
}

int fsio_unlink(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);
    int rc = fault_point("unlink");

    if (rc == 0 && unlink(path) < 0)
        rc = -errno;
    g_free(path);
    if (rc == 0)
        rc = fsio_fsync_dir(dir);
    return rc;
}

#define FSIO_TREE_DEPTH 8 /* a spool entry or a build directory is one level deep */

/* The names in the directory fd (taken over and closed), "." and ".." left out. */
static int list_names(int fd, GPtrArray *names)
{
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    struct dirent *de;

    if (fd < 0)
        return -errno;
    if (!d) {
        int rc = -errno;
        close(fd);
        return rc;
    }
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            g_ptr_array_add(names, g_strdup(de->d_name));
    closedir(d);
    return 0;
}

static int remove_at(int dfd, const char *name, int depth);

/* Everything inside the directory name of dfd, then the directory itself. */
static int remove_dir_at(int dfd, const char *name, int depth)
{
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    GPtrArray *names;
    int rc;
    guint i;

    if (fd < 0)
        return -errno;
    names = g_ptr_array_new_with_free_func(g_free);
    rc = list_names(fcntl(fd, F_DUPFD_CLOEXEC, 0), names);
    for (i = 0; rc == 0 && i < names->len; i++)
        rc = remove_at(fd, names->pdata[i], depth + 1);
    close(fd);
    g_ptr_array_free(names, TRUE);
    if (rc == 0 && unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        rc = -errno;
    return rc;
}

static int remove_at(int dfd, const char *name, int depth)
{
    struct stat st = {0};
    int rc;

    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : -errno;
    if ((rc = fault_point("unlink")) < 0)
        return rc;
    if (S_ISDIR(st.st_mode))
        return depth < FSIO_TREE_DEPTH ? remove_dir_at(dfd, name, depth) : -ELOOP;
    if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
        return -errno;
    return 0;
}

int fsio_remove_tree(const char *dir, const char *name)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    if (dfd < 0)
        return -errno;
    rc = remove_at(dfd, name, 0);
    close(dfd);
    return rc == 0 ? fsio_fsync_dir(dir) : rc;
}

bool fsio_exists(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);
    struct stat st = {0};
    bool found = lstat(path, &st) == 0;

    g_free(path);
    return found;
}

/*
 * fsio_read_at - read a regular file (never through a symlink) of at most cap bytes.
 * -EFBIG when larger, -EINVAL when not a regular file or when it has several links.
 */
int fsio_read_at(int dirfd, const char *name, size_t cap, struct bytes *out)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st = {0};
    size_t got = 0;
    int rc = 0;

    out->data = NULL;
    out->len = 0;
    if (fd < 0)
        return errno == ELOOP ? -EINVAL : -errno;
    if (fstat(fd, &st) < 0)
        rc = -errno;
    else if (!S_ISREG(st.st_mode) || st.st_nlink != 1)
        rc = -EINVAL;
    else if ((uintmax_t)st.st_size > cap)
        rc = -EFBIG;
    if (rc == 0) {
        out->data = g_malloc((size_t)st.st_size + 1);
        while (got < (size_t)st.st_size) {
            ssize_t n = read(fd, out->data + got, (size_t)st.st_size - got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                rc = n < 0 ? -errno : -EIO; /* shrank while reading */
                break;
            }
            got += (size_t)n;
        }
        out->len = got;
        out->data[got] = 0;
    }
    close(fd);
    if (rc != 0)
        bytes_free(out);
    return rc;
}

int fsio_read_file(const char *path, size_t cap, struct bytes *out)
{
    return fsio_read_at(AT_FDCWD, path, cap, out);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_raster.c - the pdftoppm runner (render/raster.c) with stand-in children: one that
 * stops reading early is no SIGPIPE for trykk and leaves SIGPIPE's disposition and the signal
 * mask as they were; one that exits early or fails is reaped and reported; one that writes
 * more than the cap is killed.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include "render/raster.h"

static struct bytes big_input(size_t len)
{
    struct bytes b = {g_malloc0(len), len};

    return b;
}

static bool pipe_blocked_or_pending(void)
{
    sigset_t mask, pending;

    sigemptyset(&mask);
    sigemptyset(&pending);
    pthread_sigmask(SIG_BLOCK, NULL, &mask);
    sigpending(&pending);
    return sigismember(&mask, SIGPIPE) == 1 || sigismember(&pending, SIGPIPE) == 1;
}

static void assert_no_child_left(void)
{
    g_assert_cmpint(waitpid(-1, NULL, WNOHANG), ==, -1);
    g_assert_cmpint(errno, ==, ECHILD);
}

/* The child closes its stdin at once and stays a moment: our writes meet EPIPE. */
static void test_sigpipe(void)
{
    const char *argv[] = {"/bin/sh", "-c", "exec 0<&-; sleep 0.2", NULL};
    struct bytes in = big_input(4 << 20);
    struct raster_job job = {argv, &in, 1024, false};
    struct sigaction before, after;
    GByteArray *out = g_byte_array_new();
    char *err = NULL;

    g_assert_cmpint(sigaction(SIGPIPE, NULL, &before), ==, 0);
    g_assert_true(before.sa_handler == SIG_DFL);
    g_assert_cmpint(raster_run(&job, "the test", out, &err), ==, 0);
    g_assert_null(err);
    g_assert_cmpint(sigaction(SIGPIPE, NULL, &after), ==, 0);
    g_assert_true(after.sa_handler == SIG_DFL);
    g_assert_false(pipe_blocked_or_pending());
    assert_no_child_left();
    g_byte_array_free(out, TRUE);
    bytes_free(&in);
}

/* A renderer that reads a little and fails, and one killed by a signal. */
static void test_early_exit(void)
{
    const char *fails[] = {"/bin/sh", "-c", "head -c 10 >/dev/null; exit 3", NULL};
    const char *killed[] = {"/bin/sh", "-c", "kill -9 $$", NULL};
    const char *missing[] = {"/nonexistent/pdftoppm", NULL};
    struct bytes in = big_input(1 << 20);
    struct raster_job job = {fails, &in, 1024, false};
    GByteArray *out = g_byte_array_new();
    char *err = NULL;

    g_assert_cmpint(raster_run(&job, "the test", out, &err), ==, -1);
    g_assert_nonnull(strstr(err, "could not render the test (bad exit)"));
    g_clear_pointer(&err, g_free);
    job.argv = killed;
    g_assert_cmpint(raster_run(&job, "the test", out, &err), ==, -1);
    g_clear_pointer(&err, g_free);
    job.argv = missing;
    g_assert_cmpint(raster_run(&job, "the test", out, &err), ==, -1);
    g_assert_nonnull(strstr(err, "cannot run /nonexistent/pdftoppm"));
    g_clear_pointer(&err, g_free);
    g_assert_false(pipe_blocked_or_pending());
    assert_no_child_left();
    g_byte_array_free(out, TRUE);
    bytes_free(&in);
}

/* Output within the cap comes back whole; past it the child is killed, nothing hangs. */
static void test_bounded(void)
{
    const char *echo[] = {"/bin/cat", NULL};
    const char *flood[] = {"/bin/cat", "/dev/zero", NULL};
    struct bytes in = {(unsigned char *)"hello", 5};
    struct raster_job job = {echo, &in, 5, false};
    GByteArray *out = g_byte_array_new();
    char *err = NULL;

    g_assert_cmpint(raster_run(&job, "the test", out, &err), ==, 0);
    g_assert_cmpmem(out->data, out->len, "hello", 5);
    g_byte_array_set_size(out, 0);
    job.cap = 4;
    g_assert_cmpint(raster_run(&job, "the test", out, &err), ==, -1);
    g_clear_pointer(&err, g_free);
    job.argv = flood;
    job.cap = 1 << 20;
    g_assert_cmpint(raster_run(&job, "the test", out, &err), ==, -1);
    g_assert_nonnull(strstr(err, g_strerror(EFBIG)));
    g_assert_cmpuint(out->len, <=, 1 << 20);
    g_clear_pointer(&err, g_free);
    assert_no_child_left();
    g_byte_array_free(out, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/render/raster-sigpipe", test_sigpipe);
    g_test_add_func("/render/raster-early-exit", test_early_exit);
    g_test_add_func("/render/raster-bounded", test_bounded);
    return g_test_run();
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replay.c - main() for the replay build of a fuzz target: feeds every file of the given
 * corpus directories (or files) to LLVMFuzzerTestOneInput once, as libFuzzer would.
 *
 *   replay_<target> [--min-ok N] PATH...
 *
 * Each input is copied into a buffer of exactly its size, so under ASan (SANITIZE=1) a read
 * past the end is caught as it would be while fuzzing. Fails (exit 1) when an input makes
 * the target return anything but 0 or -1, when no input was found, or when fewer than N
 * inputs passed every check of the target (the valid seeds must, with the committed keys).
 * A crash or sanitizer report fails it by itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"

struct run {
    unsigned long inputs, bad;
};

static void run_one(struct run *run, const char *path)
{
    gchar *text = NULL;
    gsize len = 0;
    GError *gerr = NULL;
    uint8_t *buf;
    unsigned long before = fuzz_ok_count();
    int rc;

    if (!g_file_get_contents(path, &text, &len, &gerr)) {
        fprintf(stderr, "replay: %s: %s\n", path, gerr->message);
        g_error_free(gerr);
        run->bad++;
        return;
    }
    buf = malloc(len ? len : 1);
    memcpy(buf, text, len);
    g_free(text);
    rc = LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    run->inputs++;
    printf("replay: %s: %s\n", path, fuzz_ok_count() > before ? "passed every check" : "rejected");
    if (rc != 0 && rc != -1) {
        fprintf(stderr, "replay: %s: target returned %d\n", path, rc);
        run->bad++;
    }
}

static gint by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order (a stable replay), skipping dot files. */
static void run_dir(struct run *run, const char *dir)
{
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    guint i;

    while (d && (name = g_dir_read_name(d)))
        if (name[0] != '.')
            g_ptr_array_add(paths, g_build_filename(dir, name, NULL));
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(paths, by_name);
    for (i = 0; i < paths->len; i++)
        if (g_file_test(paths->pdata[i], G_FILE_TEST_IS_REGULAR))
            run_one(run, paths->pdata[i]);
    g_ptr_array_free(paths, TRUE);
}

int main(int argc, char **argv)
{
    struct run run = {0, 0};
    unsigned long min_ok = 0;
    int i = 1;

    if (argc > 2 && strcmp(argv[1], "--min-ok") == 0) {
        min_ok = strtoul(argv[2], NULL, 10);
        i = 3;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: %s [--min-ok N] CORPUS-DIR-OR-FILE...\n", argv[0]);
        return 2;
    }
    LLVMFuzzerInitialize(&argc, &argv);
    for (; i < argc; i++) {
        if (g_file_test(argv[i], G_FILE_TEST_IS_DIR))
            run_dir(&run, argv[i]);
        else
            run_one(&run, argv[i]);
    }
    printf("replay: %lu inputs, %lu passed every check\n", run.inputs, fuzz_ok_count());
    if (run.inputs == 0 || run.bad > 0 || fuzz_ok_count() < min_ok) {
        fprintf(stderr, "replay: FAILED (%lu inputs, %lu unreadable or bad, %lu of at least %lu "
                "passed every check)\n", run.inputs, run.bad, fuzz_ok_count(), min_ok);
        return 1;
    }
    return 0;
}

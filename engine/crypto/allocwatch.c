/* SPDX-License-Identifier: Apache-2.0 */
/*
 * allocwatch.c - whether OpenSSL was refused memory in this process.
 *
 * Under the child's RLIMIT_DATA an allocation inside OpenSSL fails and CMS reports a
 * decryption error, which would blame the sender for our limit. OpenSSL's allocator is
 * routed through these functions (installed once, before OpenSSL allocates anything), which
 * only note a refused allocation; isolate.c asks after a failed phase.
 */
#include <signal.h>
#include <stdlib.h>
#include <openssl/crypto.h>
#include "crypto.h"

static volatile sig_atomic_t refused;

static void *watch_malloc(size_t n, const char *file, int line)
{
    void *p = malloc(n);

    (void)file, (void)line;
    if (!p && n)
        refused = 1;
    return p;
}

static void *watch_realloc(void *q, size_t n, const char *file, int line)
{
    void *p = realloc(q, n);

    (void)file, (void)line;
    if (!p && n)
        refused = 1;
    return p;
}

static void watch_free(void *p, const char *file, int line)
{
    (void)file, (void)line;
    free(p);
}

bool crypto_watch_allocations(void)
{
    return CRYPTO_set_mem_functions(watch_malloc, watch_realloc, watch_free) == 1;
}

bool crypto_allocation_refused(void)
{
    return refused != 0;
}

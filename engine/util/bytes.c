/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bytes.c - owned byte buffers; the wiping variant is for decrypted content.
 */
#include <string.h>
#include <openssl/crypto.h>
#include "util.h"

void bytes_set(struct bytes *b, const void *data, size_t len)
{
    b->data = g_malloc(len + 1);
    if (len)
        memcpy(b->data, data, len);
    b->data[len] = 0;
    b->len = len;
}

void bytes_free(struct bytes *b)
{
    g_free(b->data);
    b->data = NULL;
    b->len = 0;
}

void bytes_wipe_free(struct bytes *b)
{
    if (b->data)
        OPENSSL_cleanse(b->data, b->len);
    bytes_free(b);
}

bool bytes_has_prefix(const struct bytes *b, const char *prefix)
{
    size_t n = strlen(prefix);

    return b->len >= n && memcmp(b->data, prefix, n) == 0;
}

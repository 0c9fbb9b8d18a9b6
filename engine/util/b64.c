/* SPDX-License-Identifier: Apache-2.0 */
/*
 * b64.c - strict base64 and base64url.
 *
 * GLib's decoder silently skips characters outside the alphabet, so every input is checked
 * here first: only the alphabet, padding only at the end and only where the standard
 * alphabet allows it, and (for XML base64Binary) XML white space stripped beforehand.
 */
#include <string.h>
#include "util.h"

static bool is_b64_char(unsigned char c)
{
    return g_ascii_isalnum(c) || c == '+' || c == '/';
}

static bool is_xml_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Decode a cleaned standard-alphabet string whose length is a multiple of 4. */
static int decode_clean(char *s, size_t len, struct bytes *out)
{
    size_t pad = 0, i;
    gsize n = 0;

    if (len % 4 != 0)
        return -1;
    while (pad < 2 && pad < len && s[len - 1 - pad] == '=')
        pad++;
    for (i = 0; i < len - pad; i++)
        if (!is_b64_char((unsigned char)s[i]))
            return -1;
    s[len] = 0;
    if (len > 0) /* GLib's decoder asserts (g_critical) on the empty string */
        g_base64_decode_inplace(s, &n);
    out->data = (unsigned char *)s;
    out->len = n;
    return 0;
}

int b64_decode_strict(const char *s, size_t len, bool skip_xml_space, struct bytes *out)
{
    char *clean = g_malloc(len + 1);
    size_t j = 0, i;

    for (i = 0; i < len; i++) {
        if (skip_xml_space && is_xml_space((unsigned char)s[i]))
            continue;
        clean[j++] = s[i];
    }
    if (decode_clean(clean, j, out) < 0) {
        g_free(clean);
        out->data = NULL;
        out->len = 0;
        return -1;
    }
    return 0;
}

int b64url_decode(const char *s, size_t len, struct bytes *out)
{
    char *std = g_malloc(len + 4);
    size_t i;

    if (len % 4 == 1) {
        g_free(std);
        return -1;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '-')
            std[i] = '+';
        else if (c == '_')
            std[i] = '/';
        else if (g_ascii_isalnum(c))
            std[i] = (char)c;
        else {
            g_free(std);
            return -1;
        }
    }
    while (len % 4 != 0)
        std[len++] = '=';
    if (decode_clean(std, len, out) < 0) {
        g_free(std);
        return -1;
    }
    return 0;
}

char *b64_encode(const void *data, size_t len)
{
    return g_base64_encode(data, len);
}

char *b64url_encode(const void *data, size_t len)
{
    char *s = g_base64_encode(data, len);
    char *p;
    size_t n = strlen(s);

    while (n > 0 && s[n - 1] == '=')
        s[--n] = 0;
    for (p = s; *p; p++) {
        if (*p == '+')
            *p = '-';
        else if (*p == '/')
            *p = '_';
    }
    return s;
}

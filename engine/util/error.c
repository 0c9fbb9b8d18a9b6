/* SPDX-License-Identifier: Apache-2.0 */
/*
 * error.c - the one "first error wins" collector (error.h).
 */
#include "error.h"

int error_keep(char **slot, char *msg)
{
    if (*slot)
        g_free(msg);
    else
        *slot = msg;
    return -1;
}

int error_first_v(char **slot, const char *fmt, va_list ap)
{
    if (*slot)
        return -1;
    *slot = g_strdup_vprintf(fmt, ap);
    return -1;
}

int error_first(char **slot, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_first_v(slot, fmt, ap);
    va_end(ap);
    return -1;
}

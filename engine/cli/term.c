/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term.c - what the CLI prints in text mode goes through cli_printf: stored strings came from
 * senders and scan stations, so control and direction characters in them are shown escaped
 * and never reach the operator's terminal as escape sequences.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

int cli_printf(const char *fmt, ...)
{
    va_list ap;
    char *raw, *safe;
    int n;

    va_start(ap, fmt);
    raw = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    safe = text_term_safe(raw, true);
    n = fputs(safe, stdout) < 0 ? -1 : (int)strlen(safe);
    g_free(safe);
    g_free(raw);
    return n;
}

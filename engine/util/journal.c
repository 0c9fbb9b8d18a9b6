/* SPDX-License-Identifier: Apache-2.0 */
/*
 * journal.c - a structured message for journald (sd_journal_sendv): the fields log.c sends
 * when stderr is the journal.
 */
#include <string.h>
#include <sys/uio.h>
/* no CODE_FILE, CODE_LINE, CODE_FUNC of this file: log.c names the caller (debug only) */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#include <glib.h>
#include "journal.h"

int journal_send(int priority, const char *func, const char *letter_id, const char *text)
{
    char *f[5] = {NULL};
    struct iovec iov[5] = {{0}};
    int n = 0, i, rc;

    f[n++] = g_strconcat("MESSAGE=", text, NULL);
    f[n++] = g_strdup_printf("PRIORITY=%d", priority);
    f[n++] = g_strdup("SYSLOG_IDENTIFIER=trykk");
    if (func)
        f[n++] = g_strconcat("CODE_FUNC=", func, NULL);
    if (letter_id)
        f[n++] = g_strconcat("TRYKK_LETTER_ID=", letter_id, NULL);
    for (i = 0; i < n; i++)
        iov[i] = (struct iovec){.iov_base = f[i], .iov_len = strlen(f[i])};
    rc = sd_journal_sendv(iov, n);
    for (i = 0; i < n; i++)
        g_free(f[i]);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * journal.h - one message to journald as fields (journal.c), for log.c. Apart from util.h
 * because <systemd/sd-journal.h> brings <syslog.h>, whose LOG_* macros are log.c's names.
 */
#ifndef TRYKK_UTIL_JOURNAL_H
#define TRYKK_UTIL_JOURNAL_H

/* MESSAGE=text, PRIORITY=priority (syslog's 0-7), SYSLOG_IDENTIFIER=trykk, CODE_FUNC=func and
 * TRYKK_LETTER_ID=letter_id when not NULL. 0, or a negative errno value (no journald). */
int journal_send(int priority, const char *func, const char *letter_id, const char *text);

#endif

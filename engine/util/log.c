/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log.c - one-line diagnostics on stderr, or to the journal.
 *
 * Levels: debug, info, warn, error, panic (a bug: abort). An operator reads these lines, so
 * they say what happened to which letter or job, never the C function that noticed; only
 * debug lines (-v) and panics carry the function's name. When a progress line is being drawn on a terminal the
 * line is cleared first so messages never land in the middle of it.
 *
 * Under systemd, when stderr is the journal (JOURNAL_STREAM names stderr's device and inode),
 * a message goes to journald as structured fields instead: MESSAGE, PRIORITY,
 * SYSLOG_IDENTIFIER=trykk, and TRYKK_LETTER_ID for a message about a letter (log_letter_*),
 * so `journalctl TRYKK_LETTER_ID=...` shows one letter's story. Should journald refuse it,
 * the line goes to stderr as always.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "journal.h"
#include "util.h"

static enum log_level min_level = LOG_INFO;
static bool progress_active;
static log_sink_fn sink;
static void *sink_ctx;

void log_set_level(enum log_level level) { min_level = level; }
void log_set_progress_active(bool active) { progress_active = active; }

void log_set_sink(log_sink_fn fn, void *ctx)
{
    sink = fn;
    sink_ctx = ctx;
}

static const char *level_name(enum log_level level)
{
    switch (level) {
    case LOG_DEBUG: return "debug";
    case LOG_INFO: return "info";
    case LOG_WARN: return "warning";
    default: return "error";
    }
}

bool log_to_journal(void)
{
    static int journal = -1; /* -1: not looked at yet */

    if (journal < 0) {
        const char *js = getenv("JOURNAL_STREAM");
        unsigned long long dev = 0, ino = 0;
        struct stat st = {0};
        journal = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(2, &st) == 0 &&
                  (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
    }
    return journal == 1;
}

static int priority(enum log_level level)
{
    switch (level) {
    case LOG_DEBUG: return 7;
    case LOG_INFO: return 6;
    case LOG_WARN: return 4;
    default: return 3;
    }
}

static void vlog(enum log_level level, const char *func, const char *letter_id,
                 const char *fmt, va_list ap)
{
    char *body = g_strdup_vprintf(fmt, ap);
    char *text = letter_id ? g_strdup_printf("letter %s: %s", letter_id, body) : g_strdup(body);

    if (sink)
        sink(level, func, text, sink_ctx);
    else if (!log_to_journal() || journal_send(priority(level), level == LOG_DEBUG ? func : NULL, letter_id, text) < 0) {
        if (progress_active)
            fputs("\r\033[K", stderr);
        if (level == LOG_DEBUG)
            fprintf(stderr, "trykk: %s: %s: %s\n", level_name(level), func, text);
        else
            fprintf(stderr, "trykk: %s: %s\n", level_name(level), text);
    }
    g_free(text);
    g_free(body);
}

void log_msg(enum log_level level, const char *func, const char *fmt, ...)
{
    va_list ap;

    if (level < min_level)
        return;
    va_start(ap, fmt);
    vlog(level, func, NULL, fmt, ap);
    va_end(ap);
}

void log_letter_msg(enum log_level level, const char *func, const char *letter_id,
                    const char *fmt, ...)
{
    va_list ap;

    if (level < min_level)
        return;
    va_start(ap, fmt);
    vlog(level, func, letter_id, fmt, ap);
    va_end(ap);
}

void log_panic_at(const char *func, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "trykk: panic: %s: ", func);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

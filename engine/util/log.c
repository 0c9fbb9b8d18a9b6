/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log.c - one-line diagnostics on stderr.
 *
 * Levels: debug, info, warn, error, panic (a bug: abort). An operator reads these lines, so
 * they say what happened to which letter or job, never the C function that noticed; only
 * debug lines (-v) and panics carry the function's name. When a progress line is being drawn on a terminal the
 * line is cleared first so messages never land in the middle of it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

static void vlog(enum log_level level, const char *func, const char *fmt, va_list ap)
{
    if (sink) {
        char *text = g_strdup_vprintf(fmt, ap);
        sink(level, func, text, sink_ctx);
        g_free(text);
        return;
    }
    if (progress_active)
        fputs("\r\033[K", stderr);
    if (level == LOG_DEBUG)
        fprintf(stderr, "trykk: %s: %s: ", level_name(level), func);
    else
        fprintf(stderr, "trykk: %s: ", level_name(level));
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void log_msg(enum log_level level, const char *func, const char *fmt, ...)
{
    va_list ap;

    if (level < min_level)
        return;
    va_start(ap, fmt);
    vlog(level, func, fmt, ap);
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

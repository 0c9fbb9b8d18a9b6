/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reason.c - filling a struct reason.
 */
#include <stdarg.h>
#include <stdio.h>
#include "reason.h"

void reason_set(struct reason *r, enum verdict v, const char *code, const char *fmt, ...)
{
    va_list ap;

    r->verdict = v;
    r->code = code;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof r->detail, fmt, ap);
    va_end(ap);
}

const char *verdict_name(enum verdict v)
{
    switch (v) {
    case VERDICT_OK: return "ok";
    case VERDICT_FAILED: return "failed";
    case VERDICT_QUARANTINE: return "quarantine";
    default: return "internal";
    }
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * error.h - "first error wins": a function that may fail in several places reports the
 * first failure; later ones (often consequences of the first) are dropped.
 */
#ifndef TRYKK_UTIL_ERROR_H
#define TRYKK_UTIL_ERROR_H

#include <stdarg.h>
#include <glib.h>

/* Set *slot to the formatted message unless it holds one already. Returns -1, so that
 * `return error_first(err, ...);` reads as the failure it is. */
int error_first(char **slot, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
int error_first_v(char **slot, const char *fmt, va_list ap) G_GNUC_PRINTF(2, 0);
/* Keep msg (taken over) as the error unless *slot holds one; a later msg is freed. -1. */
int error_keep(char **slot, char *msg);

#endif

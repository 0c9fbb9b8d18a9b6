/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sigpipe.h - write to a child's pipe without SIGPIPE killing trykk, and without changing
 * SIGPIPE's disposition for the whole process (sigpipe.c).
 */
#ifndef TRYKK_SIGPIPE_H
#define TRYKK_SIGPIPE_H

#include <signal.h>
#include <stdbool.h>

struct sigpipe_guard {
    sigset_t old;     /* the thread's signal mask before sigpipe_block */
    bool was_pending; /* a SIGPIPE was already pending then: not ours to consume */
};

/* Block SIGPIPE in this thread: a write to a pipe whose reader is gone fails with EPIPE. */
void sigpipe_block(struct sigpipe_guard *g);
/* Consume a SIGPIPE the writes since sigpipe_block raised, then restore the signal mask. */
void sigpipe_restore(struct sigpipe_guard *g);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * state.c - the name table of letter, job and piece states (state.h): enum to name and back.
 *
 * Each table is built from its kind's X-macro list, indexed by the enum, holding the state's
 * string macro; so an enum value, its name and the schema's CHECK cannot disagree.
 */
#include <string.h>
#include "state.h"

#define STATE_NAME_LETTER_(n) [LETTER_STATE_##n] = LETTER_##n,
#define STATE_NAME_JOB_(n) [JOB_STATE_##n] = JOB_##n,
#define STATE_NAME_PIECE_(n) [PIECE_STATE_##n] = PIECE_##n,

static const char *const letter_names[LETTER_STATE_COUNT] = {
    LETTER_STATE_LIST(STATE_NAME_LETTER_, )};
static const char *const job_names[JOB_STATE_COUNT] = {JOB_STATE_LIST(STATE_NAME_JOB_, )};
static const char *const piece_names[PIECE_STATE_COUNT] = {PIECE_STATE_LIST(STATE_NAME_PIECE_, )};

/* The index of name in a table of n names, or -1. */
static int find(const char *const *names, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

/* The name of state s in a table of n, or "?" for a value outside it. */
static const char *name_of(const char *const *names, int n, int s)
{
    return s >= 0 && s < n ? names[s] : "?";
}

const char *letter_state_name(enum letter_state s)
{
    return name_of(letter_names, LETTER_STATE_COUNT, (int)s);
}

const char *job_state_name(enum job_state s)
{
    return name_of(job_names, JOB_STATE_COUNT, (int)s);
}

const char *piece_state_name(enum piece_state s)
{
    return name_of(piece_names, PIECE_STATE_COUNT, (int)s);
}

bool letter_state_parse(const char *name, enum letter_state *out)
{
    int i = find(letter_names, LETTER_STATE_COUNT, name);

    if (i >= 0)
        *out = (enum letter_state)i;
    return i >= 0;
}

bool job_state_parse(const char *name, enum job_state *out)
{
    int i = find(job_names, JOB_STATE_COUNT, name);

    if (i >= 0)
        *out = (enum job_state)i;
    return i >= 0;
}

bool piece_state_parse(const char *name, enum piece_state *out)
{
    int i = find(piece_names, PIECE_STATE_COUNT, name);

    if (i >= 0)
        *out = (enum piece_state)i;
    return i >= 0;
}

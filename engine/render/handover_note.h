/* SPDX-License-Identifier: Apache-2.0 */
/*
 * handover_note.h - the handover note's PDF (handover_note.c), drawn from plain values: the
 * caller (jobs/handover.c) has already put every cell in Posten's words.
 */
#ifndef TRYKK_HANDOVER_NOTE_H
#define TRYKK_HANDOVER_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include "../util/util.h"

struct handover_note_line {
    const char *zone, *posttype, *format; /* Innland, A-post, småbrev */
    const char *band;                     /* "21–50 g"; a group line shows "Sum" */
    long long pieces, weight_g, ea;
    bool group;                           /* the sum of the (zone, A/B, format) above */
    int trays;                            /* group lines only */
};

struct handover_note {
    const char *day, *made_at;            /* YYYY-MM-DD; RFC 3339 local time */
    const char *name, *orgnr, *customer_number;
    const char *missing;                  /* what is not configured, or NULL */
    const char *const *address;           /* lines, NULL-terminated */
    int per_tray[2];                      /* pieces per tray: small, large */
    const char *const *jobs;              /* the day's dispatched jobs */
    size_t njobs;
    const struct handover_note_line *lines;
    size_t nlines;
    long long pieces, weight_g, ea;
    int trays;
};

/* The note as a PDF (A4 pages) in out; -1 when cairo fails. */
int render_handover_note(const struct handover_note *n, struct bytes *out);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reason.h - why a forsendelse was not accepted.
 *
 * Every check fills a struct reason when it fails: the verdict (what happens to the entry),
 * a stable reason code (shown by `trykk show`, written to the reason file, used by tests)
 * and a detail sentence that may go to the sender in a feil receipt. Details never contain
 * names, addresses, tokens or document content: at most field names, counts and offsets.
 */
#ifndef TRYKK_REASON_H
#define TRYKK_REASON_H

enum verdict {
    VERDICT_OK = 0,
    VERDICT_FAILED,     /* bad input: failed/ + feil KLIENT */
    VERDICT_QUARANTINE, /* unreadable, nobody to answer: quarantine/ */
    VERDICT_INTERNAL    /* our own failure: retried, feil SERVER when the deadline passes */
};

struct reason {
    enum verdict verdict;
    const char *code; /* static string, e.g. "jwt-signature" */
    char detail[512];
};

void reason_set(struct reason *r, enum verdict v, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define reason_fail(r, code, ...) reason_set((r), VERDICT_FAILED, (code), __VA_ARGS__)
#define reason_quarantine(r, code, ...) reason_set((r), VERDICT_QUARANTINE, (code), __VA_ARGS__)
#define reason_internal(r, code, ...) reason_set((r), VERDICT_INTERNAL, (code), __VA_ARGS__)

const char *verdict_name(enum verdict v);

#endif

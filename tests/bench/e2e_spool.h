/* SPDX-License-Identifier: Apache-2.0 */
/*
 * e2e_spool.h - the end-to-end benchmark's material: a test root with its keys (the
 * fixture's), N letters forged once and kept as brokers dropped them, a configuration and a
 * spool per layout, refilled before every run, and the cover page of the tools' pipeline.
 */
#ifndef TRYKK_BENCH_E2E_SPOOL_H
#define TRYKK_BENCH_E2E_SPOOL_H

#include "common/fixture.h"
#include "measure.h"

enum e2e_layout { E2E_NORMAL, E2E_ECO, E2E_LAYOUTS };

struct e2e_spool {
    struct fixture fx;               /* the root, the keys, the normal configuration */
    int n;                           /* letters */
    char *master;                    /* root/master/incoming: the N entries, never consumed */
    char *conf[E2E_LAYOUTS];         /* root/trykk-<layout>.conf */
    char *spool[E2E_LAYOUTS];        /* root/spool-<layout> */
    char *key, *cert, *ca;           /* the provider's key and certificate, the senders' CA */
    char *cover;                     /* root/cover.pdf: the pipeline's unpersonalised cover */
};

extern const char *const e2e_layout_name[E2E_LAYOUTS];

/* Build the root (under TMPDIR) and forge n letters into the master copy; the first spoil
 * of them have body text in the eco blank field (trykk plans them in the normal layout, with
 * exit status 0: what the outcome check has to catch). */
void e2e_spool_make(struct e2e_spool *s, int n, int spoil);
/* An empty spool for layout (trykk init) holding the master's entries in incoming/, each
 * written in tmp/ and renamed in as a broker does, then sync(2): nothing of the copy is
 * left for the measured step to write back. Returns 0, or -1 with a message on stderr. */
int e2e_spool_fill(struct e2e_spool *s, enum e2e_layout layout);
/* Run `trykk --config <layout's> ARGS` in the root, measured (see measure_run). */
int e2e_trykk(struct e2e_spool *s, enum e2e_layout layout, const char *const *args,
              const char *log, struct measure *m);
/* Remove the root (kept when TRYKK_KEEP_TEST_ROOT is set) and free s. */
void e2e_spool_free(struct e2e_spool *s);

#endif

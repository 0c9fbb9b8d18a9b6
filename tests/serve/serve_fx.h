/* SPDX-License-Identifier: Apache-2.0 */
/*
 * serve_fx.h - what the daemon's tests share: a fixture spool with its dropped entries,
 * `trykk serve` started as a child with its log in the test root and stopped with SIGTERM,
 * waits on the ledger, and the exactly-once checks over spool, ledger and outbox/.
 */
#ifndef TRYKK_SERVE_FX_H
#define TRYKK_SERVE_FX_H

#include <sys/types.h>
#include "common/fixture.h"

#define SFX_WAIT_SECONDS 180
#define SFX_LOG "serve.log"

extern struct fixture sfx;
extern GPtrArray *sfx_dropped; /* entry names */
extern int sfx_waited;         /* commands that found the spool busy and waited for a turn */
extern const char *const sfx_mon[], *const sfx_mon_eve[], *const sfx_sat[];

void sfx_begin(const char *extra_config);
void sfx_done(void);
long long sfx_db_int(const char *sql);
char *sfx_db_str(const char *sql);
/* trykk A0..A4 at the time env names; its stderr in *err (optional). */
int sfx_trykk(const char *const *env, char **err, const char *a0, const char *a1,
              const char *a2, const char *a3, const char *a4);
/* n more letters, as a broker drops them. */
void sfx_drop(int n);
/* Until sql counts at least n (the daemon at work), at most SFX_WAIT_SECONDS. */
void sfx_wait_for(const char *sql, long long n);
/* `trykk serve` (or `run --watch` when watch) at the time env names, its stdout and stderr
 * appended to log (a file name in the test root). */
pid_t sfx_start(const char *const *env, bool watch, const char *log);
/* Until log says the daemon is serving. */
void sfx_wait_serving(const char *log);
/* SIGTERM, then its exit status (it must exit, not die); log shown when it is not 0. */
int sfx_stop(pid_t pid, const char *log);
/* Every dropped entry once (see serve_fx.c); with accepted, every one accepted. */
void sfx_assert_each_once(bool accepted);
/* Each receipt in outbox/ is byte for byte what the ledger holds. */
void sfx_assert_outbox_is_ledger(void);
/* ... and every letter has its mottakskvittering there, once. */
void sfx_assert_receipts(void);

#endif

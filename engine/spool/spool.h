/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spool.h - the spool directories and every move between them.
 *
 *   tmp/ --broker rename--> incoming/ --claim--> active/ --> accepted/ | failed/ |
 *   quarantine/ | deferred/ (retry later) | hold/ (needs an operator)
 *   outbox/  signed receipts for the broker; ledger/  the SQLite database and the run lock.
 *
 * A state change is one rename (RENAME_NOREPLACE) followed by fsync of both directories.
 * In active/ and later, an entry is named by its letter id; the broker's name is kept in
 * the ledger only.
 */
#ifndef TRYKK_SPOOL_H
#define TRYKK_SPOOL_H

#include <stdbool.h>
#include <glib.h>

struct spool {
    char *root;
    char *tmp, *incoming, *active, *accepted, *failed, *quarantine, *deferred, *hold;
    char *outbox, *ledger_dir, *jobs;
    int lock_fd; /* ledger/run.lock, open from the first spool_lock on */
    int wait_fd; /* ledger/wait.lock, held shared while waiting for run.lock */
};

/* With create, make missing directories (0700). Always checks owner and modes. */
int spool_open(struct spool *s, const char *root, bool create, char **err);
void spool_close(struct spool *s);
/* One engine process at a time works on the spool: an exclusive lock on ledger/run.lock
 * (lock.c). spool_lock waits up to wait_ms while another process holds it, then fails with
 * "another trykk process is working on spool …"; while it waits it holds ledger/wait.lock
 * shared, which spool_lock_wanted sees. spool_unlock lets the lock go (the daemon between
 * batches); spool_close does too. spool_lock: 0 locked, -2 still held by another process
 * after wait_ms, -1 another error (the message in *err either way). */
int spool_lock(struct spool *s, int wait_ms, char **err);
void spool_unlock(struct spool *s);
/* Whether another process is waiting in spool_lock now (the daemon gives way to it). */
bool spool_lock_wanted(struct spool *s);
char *spool_db_path(const struct spool *s);

char *spool_new_id(void);
bool spool_id_ok(const char *id);
/* Remove a letter's entry (file or directory of files) from dir; 0 when already gone. */
int spool_remove(const char *dir, const char *letter_id);
/* Names in dir, oldest first, skipping dot-names. */
GPtrArray *spool_list(const char *dir);
/* incoming/<name> -> active/<new id>. -ENOENT when another process took it. */
int spool_claim(struct spool *s, const char *name, char **letter_id);
/* Move a letter's entry between two spool directories. */
int spool_move(const char *from_dir, const char *to_dir, const char *letter_id);
int spool_set_mtime(const char *dir, const char *name, gint64 unix_time);
gint64 spool_mtime(const char *dir, const char *name);
/* <dir>/<letter id>.reason */
int spool_write_reason(const char *dir, const char *letter_id, const char *text);
/* Remove temporary files left by an interrupted publish. Returns how many. */
int spool_remove_temporaries(struct spool *s);

#endif

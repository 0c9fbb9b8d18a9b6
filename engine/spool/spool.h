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
    int lock_fd;
};

/* With create, make missing directories (0700). Always checks owner and modes. */
int spool_open(struct spool *s, const char *root, bool create, char **err);
void spool_close(struct spool *s);
/* One engine process per spool: an exclusive lock on ledger/run.lock. */
int spool_lock(struct spool *s, char **err);
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

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util.h - small shared pieces: logging, byte buffers, atomic file I/O, base64, time,
 * fault injection. Allocation uses GLib (g_malloc aborts on exhaustion), so callers never
 * check for NULL from the allocator; parsers of hostile input return errors instead.
 */
#ifndef TRYKK_UTIL_H
#define TRYKK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <glib.h>

/* ---- logging (log.c) ------------------------------------------------------------------
 * One line per event on stderr: "trykk: LEVEL: message", or to journald (log.c). Messages
 * carry letter ids, stage names and error classes only: never names, addresses, tokens or
 * document bytes. */
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
void log_set_progress_active(bool active);
/* Send every message to fn instead of stderr (the verifying child reports to the engine). */
typedef void (*log_sink_fn)(enum log_level level, const char *func, const char *text, void *ctx);
void log_set_sink(log_sink_fn fn, void *ctx);
void log_msg(enum log_level level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same about one letter: "letter ID: message" on stderr; in the journal, the message
 * with the field TRYKK_LETTER_ID=ID. */
void log_letter_msg(enum log_level level, const char *func, const char *letter_id,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* stderr is the journal (JOURNAL_STREAM names it): messages go to journald as fields. Looked
 * at once, at the first message. */
bool log_to_journal(void);
_Noreturn void log_panic_at(const char *func, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __func__, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __func__, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __func__, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __func__, __VA_ARGS__)
#define log_panic(...) log_panic_at(__func__, __VA_ARGS__)
#define log_letter_debug(id, ...) log_letter_msg(LOG_DEBUG, __func__, (id), __VA_ARGS__)
#define log_letter_info(id, ...) log_letter_msg(LOG_INFO, __func__, (id), __VA_ARGS__)
#define log_letter_warn(id, ...) log_letter_msg(LOG_WARN, __func__, (id), __VA_ARGS__)
#define log_letter_error(id, ...) log_letter_msg(LOG_ERROR, __func__, (id), __VA_ARGS__)

/* ---- byte buffers (bytes.c) ----------------------------------------------------------- */
struct bytes {
    unsigned char *data;
    size_t len;
};

void bytes_set(struct bytes *b, const void *data, size_t len); /* copies */
void bytes_free(struct bytes *b);
void bytes_wipe_free(struct bytes *b); /* overwrite, then free: for plaintext */
bool bytes_has_prefix(const struct bytes *b, const char *prefix);

/* ---- fault injection (fault.c) --------------------------------------------------------
 * TRYKK_CRASH_AT=N makes the N-th fault point kill the process with SIGKILL, exactly as
 * an operator's kill -9 would; TRYKK_FAIL_AT=N makes it fail with -EIO. Every write, fsync,
 * rename, unlink and database commit on a letter's path is a fault point, so a test can
 * sweep N = 1, 2, ... over a whole run. Returns 0 or a negative errno value. Test builds
 * only (TRYKK_TEST_HOOKS): a release build always returns 0. */
int fault_point(const char *what);

/* ---- atomic file I/O (fsio.c) ---------------------------------------------------------
 * All return 0 on success or a negative errno value. */
#define FSIO_NOREPLACE 1

int fsio_write_all(int fd, const void *buf, size_t len);
int fsio_fsync_dir(const char *dir);
int fsio_mkdirs(const char *path, mode_t mode);
int fsio_publish(const char *dir, const char *name, const void *data, size_t len, int flags);
int fsio_move(const char *from_dir, const char *from, const char *to_dir, const char *to);
int fsio_unlink(const char *dir, const char *name);
/* Remove dir/name, a file or a directory tree (at most 8 levels), never following a symbolic
 * link; then fsync dir. 0 also when it is already gone. */
int fsio_remove_tree(const char *dir, const char *name);
int fsio_read_file(const char *path, size_t cap, struct bytes *out);
int fsio_read_at(int dirfd, const char *name, size_t cap, struct bytes *out);
bool fsio_exists(const char *dir, const char *name);

/* ---- base64 (b64.c) ------------------------------------------------------------------- */
int b64url_decode(const char *s, size_t len, struct bytes *out);
char *b64url_encode(const void *data, size_t len);
int b64_decode_strict(const char *s, size_t len, bool skip_xml_space, struct bytes *out);
char *b64_encode(const void *data, size_t len);

/* ---- shipped data (datadir.c) ---------------------------------------------------------
 * The directory holding layouts/ and fonts/: <bindir>/../share/trykk for an installed
 * binary, else the source tree. Computed once; never freed. */
const char *data_dir(void);

/* ---- time (timeutil.c) -----------------------------------------------------------------
 * time_now() is the system clock in local time; in a test build (TRYKK_TEST_HOOKS) TRYKK_NOW
 * (ISO 8601 with offset) pins it. */
GDateTime *time_now(void);
char *time_rfc3339(GDateTime *t);
/* day.c: YYYY-MM-DD or DD.MM.YYYY, a real date, into out as YYYY-MM-DD; false otherwise. */
bool day_parse(const char *in, char out[11]);
/* Today's local date (time_now) as YYYY-MM-DD. */
char *day_today(void);
GDateTime *time_parse_rfc3339(const char *s);

/* ---- text (text.c) ---------------------------------------------------------------------- */
bool text_is_uuid(const char *s);
bool text_is_safe_name(const char *s, size_t max);
char *text_orgnr_digits(const char *value); /* "0192:991825827" -> "991825827", or NULL */
/* No control, C1, line-separator or bidi control characters; valid UTF-8. */
bool text_is_printable(const char *s);
/* For a terminal: those characters escaped (\xNN, \u{NNNN}); newly allocated. */
char *text_term_safe(const char *s, bool keep_lines);

#endif

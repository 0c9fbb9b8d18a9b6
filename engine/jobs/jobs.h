/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jobs.h - from accepted letters to published print jobs, and back from the inserter.
 *
 *   plan:      ACCEPTED letter -> layout (eco checked), sheets, envelope, weight -> a piece
 *              in the OPEN job of its (colour, envelope, stock, posttype, layout, marks)
 *   close:     OPEN -> CLOSING (numbered) -> files built in jobs/.build-<job> -> one rename
 *              to jobs/<job> -> CLOSED in the ledger. Recovery rebuilds CLOSING jobs; the
 *              output depends only on the ledger and the packages, so it is identical.
 *   reconcile: the inserter's log -> OK / MISSING / DUPLICATED / DAMAGED per piece; missing
 *              and damaged pieces are reprinted once, in a child job.
 */
#ifndef TRYKK_JOBS_H
#define TRYKK_JOBS_H

#include "../ledger/costs.h"
#include "../ledger/ledger.h"
#include "../receipts/receipts.h"
#include "../render/render.h"
#include "../spool/spool.h"

/* A letter's decrypted documents (struct bytes, manifest order, main document first), from
 * whoever holds the keys (the CLI: pipeline's letter_documents); release wipes them (NULL:
 * nothing). */
struct doc_source {
    int (*fetch)(void *arg, const char *letter_id, GArray **docs, char **err);
    void (*release)(GArray *docs);
    void *arg;
};

/* What jobs/ works with (all borrowed): no keys, only the documents they let it read. */
struct jobs_ctx {
    struct ledger *ledger;
    const struct spool *spool;
    struct receipts_ctx *receipts; /* leveringskvittering, feil SERVER */
    GKeyFile *conf;                /* the configuration (may be NULL), for the day's */
    const char *conf_dir;          /* handover note; relative paths are relative to conf_dir */
    const char *orgnr;
    struct doc_source docs;
};

struct sender_profile {
    enum layout_kind layout; /* LAYOUT_NORMAL or LAYOUT_ECO */
    char *logo;              /* PNG file, or NULL */
    bool c4;                 /* C4 allowed; otherwise more than C5 holds goes to manual */
    char **return_lines;     /* return address override (lines), or NULL */
    char *name;              /* the agency's name ("Avsender: …"), or NULL: from the letter */
    bool country_english;    /* country lines in English (country_names = english) */
    bool refuse_mark_ink;    /* mark_zone_ink = refuse: content under the marks goes MANUAL */
};

struct print_setup {
    struct layout normal, eco, windowless;
    struct stock c5, c4;
    struct marks marks;
    int sheet_weight_mg, manual_packaging_mg;
    int max_job_sheets, max_job_letters;
    int cutoff_minutes;        /* local time of day a job closes */
    int reprint_max_percent;   /* above this share a reconcile stops for an operator */
    GHashTable *senders;       /* organisation number -> struct sender_profile */
    char ea_agreement[5];      /* 4 digits, "" when not configured */
    int ea_level;
    char **ea_return;          /* the provider's EA return address (lines) */
    struct costs_setup costs;
};

/* Load layouts, stocks, marks and sender profiles from the configuration's [render],
 * [ea] and [sender.<orgnr>] groups. */
int print_setup_load(struct print_setup *ps, GKeyFile *kf, const char *base_dir, char **err);
void print_setup_free(struct print_setup *ps);
/* The profile of the organisation in an avsender value ("0192:910000001"); the default
 * (normal layout, C4 allowed, no logo or override) when it has none. */
const struct sender_profile *sender_profile_of(const struct print_setup *ps,
                                               const char *avsender);

struct plan_stats {
    int planned, eco, eco_fallback, c5, c4, manual, errors, jobs_closed, jobs_failed;
};

/* Plan every ACCEPTED letter (in batches); close jobs that are full or due. */
int jobs_plan(struct jobs_ctx *e, struct print_setup *ps, struct plan_stats *st, bool progress);

/* close.c: the jobs past their cut-off closed. */
int jobs_close_due(struct jobs_ctx *e, struct print_setup *ps, struct plan_stats *st);
/* Close one job now (OPEN or CLOSING): 0 closed, 1 refused (held, or closed before; *err
 * says why), -1 failed. */
int jobs_close(struct jobs_ctx *e, struct print_setup *ps, long long job_id, char **err);
/* Close every job in ids (which it frees), logging failures; -1 when any failed. */
int jobs_close_each(struct jobs_ctx *e, struct print_setup *ps, GArray *ids, struct plan_stats *st);
/* Start-up: remove half-built job directories, finish CLOSING jobs. */
int jobs_recover(struct jobs_ctx *e, struct print_setup *ps);

/* build.c: the files of a CLOSING job, published as jobs/<name>/. */
int jobs_build(struct jobs_ctx *e, struct print_setup *ps, long long job_id, char **err);
/* Remove the half-built job directories (jobs/.build-*) left by a crash. */
void jobs_remove_builds(const char *jobs);

/* pieces.c: the pieces of a job as the renderer wants them; docs are decrypted (free with
 * jobs_pieces_free). */
struct piece_set {
    GPtrArray *rows;            /* struct piece_row * */
    struct render_piece *p;
    GArray **docs;
    char **ea;
    char **names;               /* the sending agency of each piece */
    size_t n;
    const struct doc_source *src; /* where docs came from: it wipes them */
};
int jobs_pieces_load(struct jobs_ctx *e, struct print_setup *ps, GPtrArray *rows, int job_no,
                     struct piece_set *out, char **err);
void jobs_pieces_free(struct piece_set *s);
/* The layout, stock and marks job j was planned for; -1 when the configuration no longer
 * has them. */
int jobs_render_setup(struct print_setup *ps, const struct job_row *j, struct render_setup *rs,
                      char **err);

/* ticket.c: the JDF of a job (see ticket.c for its nodes). */
struct ticket_input {
    const struct job_row *job;
    GPtrArray *pieces;            /* struct piece_row *, in the order of job.pdf */
    const struct layout *layout;  /* the sheet */
    const struct stock *stock;    /* the envelope */
    int pages, sheets;            /* of job.pdf */
    bool envelopes;               /* windowless stock: envelopes.pdf is printed too */
};
char *jobs_ticket_jdf(const struct ticket_input *t);
char *jobs_pieces_csv(const struct job_row *j, GPtrArray *rows);

/* reconcile.c */
struct reconcile_report {
    int ok, missing, duplicated, damaged, unknown, reprinted;
    json_t *pieces;      /* [{piece, letter, result, reprint}] */
    char *child;         /* the reprint job, or NULL */
};
int jobs_reconcile(struct jobs_ctx *e, struct print_setup *ps, const char *job,
                   const char *log_path, bool force, struct reconcile_report *rep, char **err);
/* One piece of a reconciled (or printed) job printed again on an operator's request, in a
 * child job of its own, published at once. key: the piece code (or anything that names the
 * piece: EA code, DataMatrix). 0 done (*child its job), 1 refused (*err says why), -1 error. */
int jobs_reprint_piece(struct jobs_ctx *e, struct print_setup *ps, const char *key,
                       const char *reason, char **child, char **err);
/* An operator confirms a published job was printed (CLOSED -> PRINTED): 0, 1 refused. */
int jobs_printed(struct jobs_ctx *e, const char *job, char **name, char **err);

/* hold.c: an operator's hold on a letter (not planned; taken out of an open job) or a job
 * (not closed at the cut-off, not dispatched). reason non-NULL holds, NULL releases.
 * 0 done, 1 refused or not found (*err says why), -1 error. */
int jobs_hold_letter(struct jobs_ctx *e, const char *key, const char *reason, char **id,
                     char **err);
int jobs_hold_job(struct jobs_ctx *e, const char *key, const char *reason, char **name,
                  char **err);

/* dispatch.c */
struct dispatch_report {
    char *day;          /* the posting day */
    bool already;       /* dispatched before: nothing changed */
    int posted, reprinted, missing, published;
};
/* day: YYYY-MM-DD or NULL for today; reason: non-NULL forces a partly reconciled job. */
int jobs_dispatch(struct jobs_ctx *e, const char *job, const char *day, const char *reason,
                  struct dispatch_report *rep, char **err);
/* handover_day.c: the day's handover note (all of day's dispatched jobs) published again
 * in <spool>/handover/ after job j was dispatched on day. */
int jobs_handover_publish(struct jobs_ctx *e, const struct job_row *j, const char *day,
                          char **err);
/* cancel.c: a printed, undispatched job withdrawn; its letters get feil SERVER. */
int jobs_cancel(struct jobs_ctx *e, const char *job, const char *reason, int *letters, char **err);
/* handover_day.c: a posting day's handover, in Posten's words and bands. */
struct handover_line {
    char zone[8], posttype[2], format[8];   /* NO/EU/WORLD, A/B, small/large */
    char band[24];                          /* "21–50 g"; "" on a group line */
    long long pieces, weight_mg, ea;        /* ea: pieces with the EA mark */
    bool group;                             /* the sum of the (zone, A/B, format) above */
    int trays;                              /* group lines only */
};
struct handover_day {
    char *day, *made_at;                    /* YYYY-MM-DD; RFC 3339 local time */
    char *name, **address, *orgnr, *customer_number;
    char *missing;                          /* "[provider] name, …" not configured */
    int per_tray[2];                        /* pieces per tray: small, large */
    GPtrArray *jobs;                        /* names of the day's dispatched jobs */
    GArray *lines;                          /* struct handover_line, domestic first */
    long long pieces, weight_mg, ea;
    int trays;
};
int handover_day_load(struct handover_day *d, struct jobs_ctx *e, const char *day, char **err);
void handover_day_free(struct handover_day *d);
/* handover-DAY.csv and .pdf into dir (made 0700), each replacing its previous version. */
int handover_day_write(const struct handover_day *d, const char *dir, char **err);
/* Load and write: into dir, or <spool>/handover when dir is NULL. */
int handover_publish_day(struct jobs_ctx *e, const char *day, const char *dir, char **err);
char *handover_dir(struct jobs_ctx *e);
/* handover.c: the note's two files (the PDF drawn by render/handover_note.c), and Posten's
 * words: Innland/Europa/Verden (innland/… when !capital), A-post/B-post, småbrev/storbrev. */
char *handover_csv(const struct handover_day *d);
int handover_pdf(const struct handover_day *d, struct bytes *out);
const char *postal_zone_word(const char *zone, bool capital);
const char *postal_posttype_word(const char *posttype);
const char *postal_format_word(const char *format);

/* The EA return barcode: 2, agreement (4), service level, 0, KID (the piece code). */
char *jobs_ea_code(const struct print_setup *ps, const char *piece_code);

#endif

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

#include "../pipeline/pipeline.h"
#include "../render/render.h"
#include "../ledger/costs.h"

struct sender_profile {
    enum layout_kind layout; /* LAYOUT_NORMAL or LAYOUT_ECO */
    char *logo;              /* PNG file, or NULL */
    bool c4;                 /* C4 allowed; otherwise more than C5 holds goes to manual */
    char **return_lines;     /* return address override (lines), or NULL */
    char *name;              /* the agency's name ("Avsender: …"), or NULL: from the letter */
    bool country_english;    /* country lines in English (country_names = english) */
    bool refuse_mark_ink;    /* mark_zone_ink = refuse: content under the marks goes MANUAL */
};

/* [costs] tariffs (a directory of dated tariff files; default layouts/tariffs),
 * mva_percent (default 25). */
struct costs_setup {
    struct tariff_set tariffs;
    int mva_bp;
};

int costs_setup_load(struct costs_setup *cs, GKeyFile *kf, const char *dir, char **err);
void costs_setup_free(struct costs_setup *cs);

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
int jobs_plan(struct engine *e, struct print_setup *ps, struct plan_stats *st, bool progress);
int jobs_close_due(struct engine *e, struct print_setup *ps, struct plan_stats *st);
/* Close one job now (OPEN or CLOSING). */
int jobs_close(struct engine *e, struct print_setup *ps, long long job_id, char **err);
/* Close every job in ids (which it frees), logging failures; -1 when any failed. */
int jobs_close_each(struct engine *e, struct print_setup *ps, GArray *ids, struct plan_stats *st);
/* Start-up: remove half-built job directories, finish CLOSING jobs. */
int jobs_recover(struct engine *e, struct print_setup *ps);

/* build.c: the files of a CLOSING job, published as jobs/<name>/. */
int jobs_build(struct engine *e, struct print_setup *ps, long long job_id, char **err);
/* The pieces of a job as the renderer wants them; docs are decrypted (free with
 * render_pieces_free). */
struct piece_set {
    GPtrArray *rows;            /* struct piece_row * */
    struct render_piece *p;
    GArray **docs;
    char **ea;
    char **names;               /* the sending agency of each piece */
    size_t n;
};
int render_pieces(struct engine *e, struct print_setup *ps, GPtrArray *rows, int job_no,
                  struct piece_set *out, char **err);
void render_pieces_free(struct piece_set *s);
int render_setup_for(struct print_setup *ps, const struct job_row *j, struct render_setup *rs,
                     char **err);

/* ticket.c */
char *jobs_ticket_jdf(const struct job_row *j, int pages, int sheets, int pieces,
                      bool envelopes);
char *jobs_pieces_csv(const struct job_row *j, GPtrArray *rows);

/* reconcile.c */
struct reconcile_report {
    int ok, missing, duplicated, damaged, unknown, reprinted;
    json_t *pieces;      /* [{piece, letter, result, reprint}] */
    char *child;         /* the reprint job, or NULL */
};
int jobs_reconcile(struct engine *e, struct print_setup *ps, const char *job,
                   const char *log_path, bool force, struct reconcile_report *rep, char **err);

/* dispatch.c */
struct dispatch_report {
    char *day;          /* the posting day */
    bool already;       /* dispatched before: nothing changed */
    int posted, reprinted, missing, published;
};
/* day: YYYY-MM-DD or NULL for today; reason: non-NULL forces a partly reconciled job. */
int jobs_dispatch(struct engine *e, const char *job, const char *day, const char *reason,
                  struct dispatch_report *rep, char **err);
int jobs_handover_publish(struct engine *e, const struct job_row *j, const char *day,
                          char **err);
/* cancel.c: a printed, undispatched job withdrawn; its letters get feil SERVER. */
int jobs_cancel(struct engine *e, const char *job, const char *reason, int *letters, char **err);
/* handover.c */
char *handover_csv(const struct job_row *j, const char *day, json_t *rows);
int handover_pdf(const struct job_row *j, const char *day, const char *provider, json_t *rows,
                 struct bytes *out);

/* The EA return barcode: 2, agreement (4), service level, 0, KID (the piece code). */
char *jobs_ea_code(const struct print_setup *ps, const char *piece_code);

#endif

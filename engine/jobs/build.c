/* SPDX-License-Identifier: Apache-2.0 */
/*
 * build.c - publish a CLOSING job as jobs/<name>/: job.pdf, job.jdf, pieces.csv and, for
 * windowless stock, envelopes.pdf.
 *
 * The files are written (0600, fsync) into jobs/.build-<name>/, which is then renamed to
 * jobs/<name> in one step and jobs/ is fsynced; only then does the ledger mark the job
 * CLOSED. A crash before the rename leaves a .build directory that recovery removes (it
 * holds decrypted content); a crash after it finds the published directory and only
 * commits. Everything in the files follows from the ledger, so a rebuild is identical.
 */
#include <dirent.h>
#include <string.h>
#include <unistd.h>
#include "jobs.h"

static void address_from(struct address *a, char **c)
{
    a->navn = c[0];
    a->linje[0] = c[1];
    a->linje[1] = c[2];
    a->linje[2] = c[3];
    a->linje[3] = c[4];
    a->postnummer = c[5];
    a->poststed = c[6];
    a->land = c[7];
    a->landkode = c[8];
}

/* Return-address lines (configuration) as an address: first line the name, the rest lines. */
static void address_lines_to(struct address *a, char **lines)
{
    int i;

    memset(a, 0, sizeof *a);
    a->navn = lines[0];
    for (i = 0; i < 4 && lines[0] && lines[i + 1]; i++)
        a->linje[i] = lines[i + 1];
}

static int return_for(struct print_setup *ps, const struct piece_row *r, struct render_piece *p,
                      char **ea, char **err)
{
    const struct sender_profile *prof = sender_profile_of(ps, r->avsender);

    if (r->return_handling && strcmp(r->return_handling, "MAKULERING_MED_MELDING") == 0) {
        if (!ps->ea_agreement[0] || !ps->ea_return) {
            *err = g_strdup_printf("letter %s asks for MAKULERING_MED_MELDING: configure [ea] "
                                   "agreement and return_address", r->letter_id);
            return -1;
        }
        address_lines_to(&p->return_addr, ps->ea_return);
        *ea = jobs_ea_code(ps, r->code);
        p->ea_code = *ea;
    } else if (prof->return_lines) {
        address_lines_to(&p->return_addr, prof->return_lines);
    } else if (r->has_return) {
        address_from(&p->return_addr, (char **)r->ret);
    }
    p->logo = prof->logo;
    p->country_english = prof->country_english;
    return 0;
}

/* The sending agency: the profile's name, else the name on the letter's own return address
 * (retur.mottaker), else its organisation number. */
static char *sender_name(struct print_setup *ps, const struct piece_row *r)
{
    const struct sender_profile *prof = sender_profile_of(ps, r->avsender);
    char *org;

    if (prof->name)
        return g_strdup(prof->name);
    if (r->has_return && r->ret[0] && *r->ret[0])
        return g_strdup(r->ret[0]);
    org = text_orgnr_digits(r->avsender);
    if (!org)
        return g_strdup(r->avsender);
    return g_strdup_printf("org.nr. %s", org);
}

static enum layout_kind kind_of(const char *name)
{
    return strcmp(name, "eco") == 0 ? LAYOUT_ECO
           : strcmp(name, "windowless") == 0 ? LAYOUT_WINDOWLESS : LAYOUT_NORMAL;
}

int render_pieces(struct jobs_ctx *e, struct print_setup *ps, GPtrArray *rows, int job_no,
                  struct piece_set *s, char **err)
{
    size_t i;

    memset(s, 0, sizeof *s);
    s->rows = rows;
    s->n = rows->len;
    s->p = g_new0(struct render_piece, s->n + 1);
    s->docs = g_new0(GArray *, s->n + 1);
    s->ea = g_new0(char *, s->n + 1);
    s->names = g_new0(char *, s->n + 1);
    s->src = &e->docs;
    for (i = 0; i < s->n; i++) {
        const struct piece_row *r = rows->pdata[i];
        struct render_piece *p = &s->p[i];
        g_strlcpy(p->code, r->code ? r->code : "", sizeof p->code);
        p->job_no = job_no;
        p->letter_id = r->letter_id;
        p->seq = r->seq;
        p->layout = kind_of(r->layout);
        address_from(&p->recipient, (char **)r->recipient);
        p->colour = r->colour && strcmp(r->colour, "FARGE") == 0;
        p->first_sheet = r->first_sheet;
        p->no_content_marks = r->envelope && strcmp(r->envelope, "MANUAL") == 0;
        p->sheets = r->sheets;
        s->names[i] = sender_name(ps, r);
        p->sender_name = s->names[i];
        if (return_for(ps, r, p, &s->ea[i], err) < 0 ||
            e->docs.fetch(e->docs.arg, r->letter_id, &s->docs[i], err) < 0)
            return -1;
        p->docs = (const struct bytes *)(void *)s->docs[i]->data;
        p->ndocs = s->docs[i]->len;
    }
    return 0;
}

void render_pieces_free(struct piece_set *s)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        s->src->release(s->docs ? s->docs[i] : NULL);
        g_free(s->ea ? s->ea[i] : NULL);
        g_free(s->names ? s->names[i] : NULL);
    }
    g_free(s->names);
    g_free(s->docs);
    g_free(s->ea);
    g_free(s->p);
    memset(s, 0, sizeof *s);
}

int render_setup_for(struct print_setup *ps, const struct job_row *j, struct render_setup *rs,
                     char **err)
{
    memset(rs, 0, sizeof *rs);
    rs->layout = strcmp(j->layout, "eco") == 0 ? &ps->eco
                 : strcmp(j->layout, "windowless") == 0 ? &ps->windowless : &ps->normal;
    rs->stock = strcmp(j->stock, ps->c5.name) == 0 ? &ps->c5
                : strcmp(j->stock, ps->c4.name) == 0 ? &ps->c4 : NULL;
    rs->marks = &ps->marks;
    rs->date = j->closed_at ? j->closed_at : j->opened_at;
    rs->title = j->name;
    if (!rs->stock || strcmp(j->marks, ps->marks.name) != 0) {
        *err = g_strdup_printf("job %s was planned for stock %s and marks %s, which the "
                               "configuration no longer uses", j->name, j->stock, j->marks);
        return -1;
    }
    return 0;
}

/* Remove a build directory and the files in it (one level: that is all it holds). */
static void remove_build(const char *jobs, const char *name)
{
    char *dir = g_build_filename(jobs, name, NULL);
    DIR *d = opendir(dir);
    struct dirent *de;

    while (d && (de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            unlinkat(dirfd(d), de->d_name, 0);
    if (d)
        closedir(d);
    rmdir(dir);
    fsio_fsync_dir(jobs);
    g_free(dir);
}

struct job_files {
    struct bytes pdf, envelopes;
    char *jdf, *csv;
    struct render_stats st;
};

static int make_files(struct jobs_ctx *e, struct print_setup *ps, const struct job_row *j,
                      struct job_files *f, char **err)
{
    struct render_setup rs;
    struct piece_set set = {0}; /* freed below even when render_pieces never ran */
    GPtrArray *rows = ledger_job_pieces(e->ledger, j->id);
    int rc = render_setup_for(ps, j, &rs, err);

    if (rc == 0)
        rc = render_pieces(e, ps, rows, (int)j->id, &set, err);
    if (rc == 0)
        rc = render_job(&rs, set.p, set.n, &f->pdf, &f->st, err);
    if (rc == 0 && !rs.stock->window)
        rc = render_envelopes(&rs, set.p, set.n, &f->envelopes, err);
    if (rc == 0) {
        struct ticket_input t = {j, rows, rs.layout, rs.stock, f->st.pages, f->st.sheets,
                                 !rs.stock->window};
        f->jdf = jobs_ticket_jdf(&t);
        f->csv = jobs_pieces_csv(j, rows);
    }
    render_pieces_free(&set);
    g_ptr_array_free(rows, TRUE);
    return rc;
}

static int publish(struct jobs_ctx *e, const struct job_row *j, struct job_files *f)
{
    const char *jobs = e->spool->jobs;
    char *build = g_strconcat(".build-", j->name, NULL);
    char *dir = g_build_filename(jobs, build, NULL);
    int rc;

    remove_build(jobs, build);
    rc = fsio_mkdirs(dir, 0700);
    if (rc == 0) rc = fsio_publish(dir, "job.pdf", f->pdf.data, f->pdf.len, FSIO_NOREPLACE);
    if (rc == 0 && f->envelopes.len)
        rc = fsio_publish(dir, "envelopes.pdf", f->envelopes.data, f->envelopes.len,
                          FSIO_NOREPLACE);
    if (rc == 0) rc = fsio_publish(dir, "job.jdf", f->jdf, strlen(f->jdf), FSIO_NOREPLACE);
    if (rc == 0) rc = fsio_publish(dir, "pieces.csv", f->csv, strlen(f->csv), FSIO_NOREPLACE);
    if (rc == 0) rc = fsio_move(jobs, build, jobs, j->name);
    if (rc < 0)
        remove_build(jobs, build);
    g_free(build);
    g_free(dir);
    return rc;
}

static int commit_closed(struct jobs_ctx *e, const struct job_row *j, int pages)
{
    GDateTime *now = time_now();
    char *at = time_rfc3339(now);
    int rc = ledger_begin(e->ledger);

    if (rc == 0)
        rc = ledger_job_closed(e->ledger, j->id, pages, at);
    rc = rc == 0 ? ledger_commit(e->ledger) : (ledger_rollback(e->ledger), -1);
    g_free(at);
    g_date_time_unref(now);
    return rc;
}

int jobs_build(struct jobs_ctx *e, struct print_setup *ps, long long job_id, char **err)
{
    struct job_row j;
    struct job_files f = {0};
    int rc, pages = -1;

    if (ledger_job_by_id(e->ledger, job_id, &j) != 0 || strcmp(j.state, "CLOSING") != 0) {
        *err = g_strdup_printf("job %lld is not closing", job_id);
        if (j.name)
            job_row_free(&j);
        return -1;
    }
    if (fsio_exists(e->spool->jobs, j.name)) {
        rc = 0; /* published before a crash: only the commit is missing */
    } else {
        rc = make_files(e, ps, &j, &f, err);
        if (rc == 0 && (rc = publish(e, &j, &f)) < 0)
            *err = g_strdup_printf("job %s: cannot publish: %s", j.name, g_strerror(-rc));
        pages = f.st.pages;
    }
    if (rc == 0 && commit_closed(e, &j, pages) < 0) {
        *err = g_strdup_printf("job %s: published, but the ledger cannot be written: %s",
                               j.name, ledger_error(e->ledger));
        rc = -1;
    }
    if (rc == 0)
        log_info("job %s: %d letters, %d sheets published in %s/%s", j.name, j.letters,
                 j.sheets, e->spool->jobs, j.name);
    bytes_wipe_free(&f.pdf);
    bytes_wipe_free(&f.envelopes);
    g_free(f.jdf);
    g_free(f.csv);
    job_row_free(&j);
    return rc < 0 ? -1 : 0;
}

/* Half-built job directories hold decrypted content and nothing published: remove them. */
static void remove_builds(const char *jobs)
{
    GPtrArray *b = g_ptr_array_new_with_free_func(g_free);
    DIR *d = opendir(jobs);
    struct dirent *de;
    guint i;

    while (d && (de = readdir(d)))
        if (g_str_has_prefix(de->d_name, ".build-"))
            g_ptr_array_add(b, g_strdup(de->d_name));
    if (d)
        closedir(d);
    for (i = 0; i < b->len; i++) {
        log_warn("removing the half-built job directory %s", (char *)b->pdata[i]);
        remove_build(jobs, b->pdata[i]);
    }
    g_ptr_array_free(b, TRUE);
}

int jobs_recover(struct jobs_ctx *e, struct print_setup *ps)
{
    struct plan_stats st = {0};

    remove_builds(e->spool->jobs);
    return jobs_close_each(e, ps, ledger_jobs_in_state(e->ledger, "CLOSING", NULL), &st);
}

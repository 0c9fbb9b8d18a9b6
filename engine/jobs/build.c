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

/* Remove a build directory and the files in it (fsio: it is the only place files go). */
static void remove_build(const char *jobs, const char *name)
{
    fsio_remove_tree(jobs, name);
}

struct job_files {
    struct bytes pdf, envelopes;
    char *jdf, *csv;
    struct render_stats st;
};

static int make_files(struct jobs_ctx *e, struct print_setup *ps, const struct job_row *j,
                      struct job_files *f, char **err)
{
    struct render_setup rs = {0};
    struct piece_set set = {0}; /* freed below even when jobs_pieces_load never ran */
    GPtrArray *rows = ledger_job_pieces(e->ledger, j->id);
    int rc = jobs_render_setup(ps, j, &rs, err);

    if (rc == 0)
        rc = jobs_pieces_load(e, ps, rows, (int)j->id, &set, err);
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
    jobs_pieces_free(&set);
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
    struct job_row j = {0};
    struct job_files f = {0};
    int rc, pages = -1;

    if (ledger_job_by_id(e->ledger, job_id, &j) != 0 || j.state != JOB_STATE_CLOSING) {
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
void jobs_remove_builds(const char *jobs)
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

/*
 * cmd_proof.c - trykk proof LETTER [--out DIR] [--dpi N]
 *
 * Renders one planned letter exactly as its job prints it (cover sheet, stamp, marks, blank
 * backs) and writes PNG pages for an operator to look at. The pages show personal data and
 * content: the directory is created 0700 and the files 0600, and the operator removes them.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"

static int to_png(const struct bytes *pdf, const char *dir, int dpi, char **err)
{
    char *prefix = g_build_filename(dir, "page", NULL), res[16];
    char *argv[] = {"pdftoppm", "-q", "-png", "-r", res, "-", prefix, NULL};
    GError *gerr = NULL;
    GPid pid;
    int in_fd, status = 0;
    size_t off = 0;

    g_snprintf(res, sizeof res, "%d", dpi);
    if (!g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_SEARCH_PATH |
                                  G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &in_fd, NULL, NULL,
                                  &gerr)) {
        *err = g_strdup_printf("cannot run pdftoppm: %s", gerr->message);
        g_error_free(gerr);
        g_free(prefix);
        return -1;
    }
    while (off < pdf->len) {
        ssize_t w = write(in_fd, pdf->data + off, pdf->len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(in_fd);
    waitpid(pid, &status, 0);
    g_spawn_close_pid(pid);
    g_free(prefix);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        *err = g_strdup("pdftoppm could not render the proof");
        return -1;
    }
    return 0;
}

/* The letter's newest piece, rendered alone (as sheet 1 of a one-piece job). */
static int proof_pdf(struct engine *e, struct print_setup *ps, const char *letter,
                     struct bytes *pdf, char **err)
{
    struct job_row j;
    struct render_setup rs;
    struct render_stats st;
    struct piece_set set = {0};
    GPtrArray *rows;
    char *code = NULL;
    long long job_id;
    guint i;
    int rc;

    if (ledger_letter_piece(e->ledger, letter, &code, &job_id) != 0) {
        *err = g_strdup_printf("letter %s is not planned into a job yet (run trykk run)", letter);
        return -1;
    }
    g_free(code);
    if (ledger_job_by_id(e->ledger, job_id, &j) != 0)
        return -1;
    rows = ledger_job_pieces(e->ledger, job_id);
    for (i = rows->len; i-- > 0;)
        if (strcmp(((struct piece_row *)rows->pdata[i])->letter_id, letter) != 0)
            g_ptr_array_remove_index(rows, i);
    for (i = 0; i < rows->len; i++) {
        struct piece_row *p = rows->pdata[i];
        if (!p->code)
            p->code = g_strdup_printf("%06lld%05d", job_id, 0);
        p->first_sheet = 1;
    }
    rc = render_setup_for(ps, &j, &rs, err);
    if (!j.closed_at)
        rs.date = j.opened_at;
    if (rc == 0)
        rc = render_pieces(e, ps, rows, (int)job_id, &set, err);
    if (rc == 0)
        rc = render_job(&rs, set.p, set.n, pdf, &st, err);
    render_pieces_free(&set);
    g_ptr_array_free(rows, TRUE);
    job_row_free(&j);
    return rc;
}

int cmd_proof(struct config *c, int argc, char **argv)
{
    char *out = NULL, *err = NULL;
    int dpi = 100, rc = EXIT_USAGE;
    GOptionEntry entries[] = {
        {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "directory (default proof-LETTER)", "DIR"},
        {"dpi", 0, 0, G_OPTION_ARG_INT, &dpi, "resolution (default 100)", "N"},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = g_option_context_new("LETTER - PNG pages of a letter as it prints");
    struct engine e;
    struct print_setup ps;
    struct bytes pdf = {0};

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, NULL) || argc != 2 || dpi < 36 ||
        dpi > 600 || !spool_id_ok(argv[1])) {
        fprintf(stderr, "usage: trykk proof LETTER-ID [--out DIR] [--dpi 36-600]\n");
        g_option_context_free(ctx);
        return rc;
    }
    if (!out)
        out = g_strdup_printf("proof-%s", argv[1]);
    if (print_engine_setup(&e, &ps, c, &err) < 0 || proof_pdf(&e, &ps, argv[1], &pdf, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err ? err : "the proof cannot be made");
        rc = EXIT_LETTERS;
    } else if (fsio_mkdirs(out, 0700) < 0 || to_png(&pdf, out, dpi, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err ? err : "cannot create the proof directory");
        rc = EXIT_LETTERS;
    } else {
        printf("proof of %s: %s/page-*.png (contains personal data: delete after use)\n",
               argv[1], out);
        rc = 0;
    }
    bytes_wipe_free(&pdf);
    print_engine_teardown(&e, &ps);
    crypto_shutdown();
    g_free(out);
    g_free(err);
    g_option_context_free(ctx);
    return rc;
}

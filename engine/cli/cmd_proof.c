/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_proof.c - trykk proof LETTER [--out DIR] [--dpi N] [--overlay] [--pdf]
 *
 * Renders one planned letter exactly as its job prints it (cover sheet, stamp, marks, blank
 * backs; for windowless stock also its envelope face) and writes PNG pages for an operator to
 * look at: page-N.png, and envelope-1.png for a windowless face. LETTER is anything the
 * letter goes by: letter id, message id, piece code (that piece's job is shown, a reprint
 * included), EA code or a sheet's DataMatrix text.
 * Until the letter's job closes its piece has no code: the proof then shows a placeholder
 * code and every page carries a red "PRØVE – ikke planlagt" band. --overlay draws the
 * stock's window, the fold lines and the mark zone over the pages (render/proof.c); --pdf
 * also writes proof.pdf (and envelope.pdf) with that layer. The pages show personal data and
 * content: the directory is created 0700 and the files 0600, and the operator removes them.
 *
 * The lookup is the ledger's common resolver (ledger_resolve_letter).
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

struct proof {
    char *letter;
    long long job_id;
    struct job_row job;
    struct render_setup rs;
    bool placeholder;     /* the job has not closed: no piece code yet */
    struct bytes sheets, face;
};

/* The letter and job to show for anything ledger_resolve_letter knows; a piece code (or
 * EA code, DataMatrix text) shows that piece's own job, a reprint included. */
static int resolve(struct engine *e, const char *key, struct proof *pf, char **err)
{
    struct piece_ref ref = {0};
    struct letter_status ls = {0};
    char code[LEDGER_PIECE_CODE_LEN + 1], *piece = NULL, *letter = NULL;
    const char *kind;
    int rc;

    if (ledger_piece_code_of(key, code) && ledger_piece_by_code(e->ledger, code, &ref) == 0) {
        pf->letter = g_strdup(ref.letter_id);
        pf->job_id = ref.job_id;
        piece_ref_free(&ref);
        return 0;
    }
    rc = ledger_resolve_letter(e->ledger, key, &letter, &kind);
    if (rc != 0) {
        *err = rc < 0 ? g_strdup_printf("the ledger cannot be read: %s", ledger_error(e->ledger))
                      : g_strdup_printf("no letter, message id, piece code or EA code %s", key);
        return -1;
    }
    rc = ledger_letter_piece(e->ledger, letter, &piece, &pf->job_id);
    if (rc != 0) {
        bool known = ledger_letter_state(e->ledger, letter, &ls) == 0;
        *err = g_strdup_printf("letter %s is %s: not planned into a job yet", letter,
                               known ? letter_state_name(ls.state) : "?");
        letter_status_free(&ls);
    }
    pf->letter = letter;
    g_free(piece);
    return rc == 0 ? 0 : -1;
}

/* The letter's piece in its job, rendered alone: as the job prints it once the job has
 * closed (its code, sheet position and marks), else with a placeholder code. */
static int render_letter(struct jobs_ctx *e, struct print_setup *ps, struct proof *pf, char **err)
{
    struct render_stats st = {0};
    struct piece_set set = {0};
    GPtrArray *rows;
    guint i;
    int rc;

    if (ledger_job_by_id(e->ledger, pf->job_id, &pf->job) != 0) {
        *err = g_strdup_printf("the job of letter %s cannot be read", pf->letter);
        return -1;
    }
    pf->placeholder = !pf->job.closed_at;
    rows = ledger_job_pieces(e->ledger, pf->job_id);
    for (i = rows->len; i-- > 0;)
        if (strcmp(((struct piece_row *)rows->pdata[i])->letter_id, pf->letter) != 0)
            g_ptr_array_remove_index(rows, i);
    for (i = 0; i < rows->len; i++) {
        struct piece_row *p = rows->pdata[i];
        if (!p->code) { /* never a real code: real sequence numbers start at 1 */
            p->code = g_malloc(LEDGER_PIECE_CODE_LEN + 1);
            ledger_piece_code(pf->job_id, 0, p->code);
        }
        if (p->first_sheet < 1)
            p->first_sheet = 1;
    }
    rc = jobs_render_setup(ps, &pf->job, &pf->rs, err);
    if (rc == 0)
        rc = jobs_pieces_load(e, ps, rows, (int)pf->job_id, &set, err);
    if (rc == 0)
        rc = render_job(&pf->rs, set.p, set.n, &pf->sheets, &st, err);
    if (rc == 0 && !pf->rs.stock->window)
        rc = render_envelopes(&pf->rs, set.p, set.n, &pf->face, err);
    jobs_pieces_free(&set);
    g_ptr_array_free(rows, TRUE);
    return rc;
}

static int add_layer(struct proof *pf, bool overlay, char **err)
{
    struct proof_request q = {&pf->rs, overlay, pf->placeholder, false};
    int rc = render_proof(&q, &pf->sheets, err);

    q.face = true;
    if (rc == 0 && pf->face.len)
        rc = render_proof(&q, &pf->face, err);
    return rc;
}

static int write_out(const struct proof *pf, const char *dir, int dpi, bool pdf, char **err)
{
    int rc = fsio_mkdirs(dir, 0700) < 0 ? -1 : 0;

    if (rc < 0)
        *err = g_strdup_printf("cannot create the proof directory %s", dir);
    if (rc == 0)
        rc = render_png(&pf->sheets, dir, "page", dpi, err);
    if (rc == 0 && pf->face.len)
        rc = render_png(&pf->face, dir, "envelope", dpi, err);
    if (rc == 0 && pdf &&
        (fsio_publish(dir, "proof.pdf", pf->sheets.data, pf->sheets.len, 0) < 0 ||
         (pf->face.len &&
          fsio_publish(dir, "envelope.pdf", pf->face.data, pf->face.len, 0) < 0))) {
        *err = g_strdup_printf("cannot write the proof PDF in %s", dir);
        rc = -1;
    }
    return rc;
}

static void proof_free(struct proof *pf)
{
    g_free(pf->letter);
    if (pf->job.name)
        job_row_free(&pf->job);
    bytes_wipe_free(&pf->sheets);
    bytes_wipe_free(&pf->face);
}

static void say_done(const struct proof *pf, const char *dir)
{
    cli_printf("proof of %s (job %s%s): %s/page-*.png%s (contains personal data: delete after "
               "use)\n", pf->letter, pf->job.name,
               pf->placeholder ? ", not closed: the piece code is a placeholder" : "", dir,
               pf->face.len ? " and envelope-1.png" : "");
}

static const struct cli_usage proof_usage = {
    "proof", "LETTER [--out DIR] [--dpi 36-600] [--overlay] [--pdf]",
    "PNG pages of one planned letter as its job prints it. LETTER: letter id, message id, "
    "piece code, EA code or a sheet's DataMatrix text. Before the letter's job closes its "
    "piece code is a placeholder and every page says so. The pages show personal data: delete "
    "them after use.", NULL};

int cmd_proof(struct config *c, int argc, char **argv)
{
    char *out = NULL, *err = NULL;
    int dpi = 100, rc = EXIT_USAGE;
    gboolean overlay = FALSE, pdf = FALSE;
    GOptionEntry entries[] = {
        {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "directory (default proof-LETTER)", "DIR"},
        {"dpi", 0, 0, G_OPTION_ARG_INT, &dpi, "resolution, 36-600 (default 100)", "N"},
        {"overlay", 0, 0, G_OPTION_ARG_NONE, &overlay,
         "draw the envelope window, the fold lines and the mark zone", NULL},
        {"pdf", 0, 0, G_OPTION_ARG_NONE, &pdf, "also write proof.pdf (and envelope.pdf)", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&proof_usage, entries);
    struct engine e = {0};
    struct print_setup ps = {0};
    struct jobs_ctx jc = {0};
    struct proof pf = {0};

    if (!cli_parse(ctx, &argc, &argv) || argc != 2 || dpi < 36 || dpi > 600) {
        g_option_context_free(ctx);
        return cli_usage_error(&proof_usage);
    }
    if (print_engine_setup(&e, &ps, &jc, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err ? err : "the proof cannot be made");
        rc = EXIT_USAGE;
    } else if (resolve(&e, argv[1], &pf, &err) < 0 || render_letter(&jc, &ps, &pf, &err) < 0 ||
        add_layer(&pf, overlay, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err ? err : "the proof cannot be made");
        rc = EXIT_LETTERS;
    } else {
        if (!out)
            out = g_strdup_printf("proof-%s", pf.letter);
        rc = write_out(&pf, out, dpi, pdf, &err) < 0 ? EXIT_LETTERS : 0;
        if (rc == 0)
            say_done(&pf, out);
        else
            fprintf(stderr, "trykk: %s\n", err);
    }
    proof_free(&pf);
    print_engine_teardown(&e, &ps);
    crypto_shutdown();
    g_free(out);
    g_free(err);
    g_option_context_free(ctx);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_proof.c - what an operator and a prepress operator get besides the print: the proof
 * (placeholder before the job closes, the real piece code after, the overlay of window, fold
 * and mark zone, read back from pixels), the windowless envelope faces (a grey logo on
 * SORT_HVIT, text that extracts, a valid ToUnicode, qpdf --check and trykk's own preflight)
 * and the JDF ticket (well-formed, and its pieces, page ranges, media, colour, folding and
 * deadline read with XPath against pieces.csv, job.pdf and the ledger).
 *
 * Two spools: window stock with DataMatrix marks, and windowless stock with a coloured logo
 * for FX_SENDER. All geometry is read from the layout, stock and marks profiles.
 */
#include <string.h>
#include <cairo.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include "common/fixture.h"
#include "outputs.h"
#include "render/render.h"

#define NOW "2026-11-20T10:00:00+01:00"
#define EA "[ea]\nagreement=0999\nservice_level=2\nreturn_address=Trykk AS;Returpost EA;" \
           "Postboks 1;0001 OSLO\n"
#define DPI 150
#define JDF_NS "http://www.CIP4.org/JDFSchema_1_1"

static const char *const env_now[] = {"TRYKK_NOW", NOW, NULL};
static struct fixture win, plain;
static char *win_letter, *win_message, *plain_grey, *plain_colour;

/* ---- helpers ----------------------------------------------------------------------------- */

static void letter_defaults(struct fixture *f, struct forge_letter *l, const char *navn,
                            int pages)
{
    fx_letter(f, l);
    l->navn = navn;
    l->adresse = "Storgata 1";
    l->postnummer = "0155";
    l->poststed = "OSLO";
    l->colour = "SORT_HVIT";
    l->posttype = "B";
    l->return_handling = "DIREKTE_RETUR";
    l->pdf.pages = pages;
}

static char *letter_id(struct fixture *f, const char *entry)
{
    json_t *l = fx_letter_by_entry(f, entry);
    char *id;

    g_assert_nonnull(l);
    id = g_strdup(json_string_value(json_object_get(l, "id")));
    json_decref(l);
    return id;
}

/* argv's stdout; its stderr in *err (may be NULL); exit status returned in *status. */
static char *run_both(const char *const *argv, char **err, int *status)
{
    char *out = NULL, *e = NULL;
    int st = -1;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &e, &st, NULL));
    *status = g_spawn_check_wait_status(st, NULL) ? 0 : 1;
    if (err)
        *err = e;
    else
        g_free(e);
    return out;
}

/* The pieces.csv rows of job dir (lines without the header). */
static char **csv_rows(struct fixture *f, const char *job)
{
    char *path = g_build_filename(f->spool, "jobs", job, "pieces.csv", NULL);
    char *text = fx_read(path), **lines;
    guint n;

    g_assert_nonnull(text);
    lines = g_strsplit(text, "\r\n", -1);
    n = g_strv_length(lines);
    if (n && !*lines[n - 1]) {
        g_free(lines[n - 1]);
        lines[n - 1] = NULL;
    }
    g_free(text);
    g_free(path);
    return lines;
}

/* The job and code of a letter's piece, from every published pieces.csv. */
static bool piece_of(struct fixture *f, const char *letter, char **job, char **code)
{
    char *jobs = g_build_filename(f->spool, "jobs", NULL);
    GDir *d = g_dir_open(jobs, 0, NULL);
    const char *name;
    bool found = false;

    while (!found && d && (name = g_dir_read_name(d))) {
        char **rows = csv_rows(f, name);
        int i;
        for (i = 1; rows[i] && !found; i++) {
            char **c = g_strsplit(rows[i], ",", -1);
            if (strcmp(c[3], letter) == 0) {
                *job = g_strdup(c[1]);
                *code = g_strdup(c[0]);
                found = true;
            }
            g_strfreev(c);
        }
        g_strfreev(rows);
    }
    if (d)
        g_dir_close(d);
    g_free(jobs);
    return found;
}

/* The page of job.pdf where a piece's first sheet starts (1-based). */
static int first_page(const char *job, const char *code)
{
    char **rows = csv_rows(&win, job);
    int i, page = -1;

    for (i = 1; rows[i]; i++) {
        char **c = g_strsplit(rows[i], ",", -1);
        if (strcmp(c[0], code) == 0)
            page = 2 * atoi(c[4]) - 1;
        g_strfreev(c);
    }
    g_strfreev(rows);
    g_assert_cmpint(page, >, 0);
    return page;
}

/* trykk proof KEY [extra] into a fresh directory under the fixture; returns the directory. */
static char *proof(struct fixture *f, const char *key, const char *extra, int want_rc)
{
    static int n;
    char *dir = g_strdup_printf("%s/proof-%d", f->root, ++n), dpi[8];
    const char *args[] = {"proof", key, "--out", dir, "--dpi", dpi, "--pdf", extra, NULL};

    g_snprintf(dpi, sizeof dpi, "%d", DPI);
    g_assert_cmpint(fx_trykk(f, NULL, args, env_now), ==, want_rc);
    return dir;
}

static char *pdf_text(const char *pdf)
{
    const char *argv[] = {"pdftotext", "-enc", "UTF-8", pdf, "-", NULL};
    char *t = out_run(argv);

    g_assert_nonnull(t);
    return t;
}

static char *file_in(const char *dir, const char *name)
{
    return g_build_filename(dir, name, NULL);
}

/* One proof made (exit 0): its directory, one of its PDFs with that PDF's text, one PNG. */
struct shown {
    char *dir, *pdf, *png, *text;
};

static void show(struct shown *s, struct fixture *f, const char *key, const char *extra,
                 const char *pdf, const char *png)
{
    s->dir = proof(f, key, extra, 0);
    s->pdf = file_in(s->dir, pdf);
    s->png = file_in(s->dir, png);
    s->text = pdf_text(s->pdf);
}

static void shown_free(struct shown *s)
{
    g_free(s->dir);
    g_free(s->pdf);
    g_free(s->png);
    g_free(s->text);
}

/* Pixels of a colour class in a rectangle (mm) of a PNG made at DPI. */
enum hue { BLUE, MAGENTA, GREEN, RED, NOT_GREY };

static bool is(enum hue h, int r, int g, int b)
{
    switch (h) {
    case BLUE: return b > 170 && r < 110 && g < 110;
    case MAGENTA: return r > 170 && b > 170 && g < 110;
    case GREEN: return g > 100 && r < 90 && b < 90;
    case RED: return r > 150 && g < 90 && b < 90;
    case NOT_GREY: return r != g || g != b;
    }
    return false;
}

static long count_hue(const char *png, enum hue h, double x, double y, double w, double hh)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    int W, H, stride, px, py, x0, y0, x1, y1;
    unsigned char *data;
    long n = 0;

    g_assert_cmpint(cairo_surface_status(s), ==, CAIRO_STATUS_SUCCESS);
    W = cairo_image_surface_get_width(s);
    H = cairo_image_surface_get_height(s);
    stride = cairo_image_surface_get_stride(s);
    data = cairo_image_surface_get_data(s);
    x0 = MAX(0, (int)(x * DPI / 25.4));
    y0 = MAX(0, (int)(y * DPI / 25.4));
    x1 = MIN(W, (int)((x + w) * DPI / 25.4 + 0.5));
    y1 = MIN(H, (int)((y + hh) * DPI / 25.4 + 0.5));
    for (py = y0; py < y1; py++)
        for (px = x0; px < x1; px++) {
            guint32 v = ((guint32 *)(void *)(data + (size_t)py * stride))[px];
            if (is(h, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff))
                n++;
        }
    cairo_surface_destroy(s);
    return n;
}

/* A 60 × 30 px logo: red, green and blue bars, so any colour left in it shows. */
static void write_logo(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 60, 30);
    cairo_t *cr = cairo_create(s);
    int i;

    for (i = 0; i < 3; i++) {
        cairo_set_source_rgb(cr, i == 0, i == 1, i == 2);
        cairo_rectangle(cr, i * 20, 0, 20, 30);
        cairo_fill(cr);
    }
    cairo_destroy(cr);
    g_assert_cmpint(cairo_surface_write_to_png(s, path), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
}

/* ---- set-up ------------------------------------------------------------------------------- */

static void setup_window(void)
{
    struct forge_letter l;
    const char *run[] = {"run", NULL};

    fx_init(&win, EA);
    letter_defaults(&win, &l, "Kari Nordmann", 3);
    win_message = g_uuid_string_random();
    l.message_id = win_message;
    fx_drop_letter(&win, "proofed", 'b', &l);
    letter_defaults(&win, &l, "Per Hansen", 1);
    fx_drop_letter(&win, "one", 'b', &l);
    letter_defaults(&win, &l, "Ola Berg", 4);
    l.return_handling = "MAKULERING_MED_MELDING";
    fx_drop_letter(&win, "ea", 'b', &l);
    g_assert_cmpint(fx_trykk(&win, NULL, run, env_now), ==, 0); /* before the cut-off: open */
    win_letter = letter_id(&win, "proofed");
}

static void setup_plain(void)
{
    struct forge_letter l;
    const char *run[] = {"run", NULL}, *close[] = {"job", "close", "--all", NULL};
    char *logo;

    fx_init(&plain, EA "[render]\nstock=plain\n[sender." FX_SENDER "]\nlogo=logo.png\n");
    logo = g_build_filename(plain.root, "logo.png", NULL);
    write_logo(logo);
    g_chmod(logo, 0600);
    letter_defaults(&plain, &l, "Ánde Ŋuolbma", 2);
    fx_drop_letter(&plain, "grey", 'b', &l);
    letter_defaults(&plain, &l, "Åse Øvrebø", 3);
    l.return_handling = "MAKULERING_MED_MELDING";
    fx_drop_letter(&plain, "grey-ea", 'b', &l);
    letter_defaults(&plain, &l, "Fargerik Farge", 1);
    l.colour = "FARGE";
    fx_drop_letter(&plain, "colour", 'b', &l);
    g_assert_cmpint(fx_trykk(&plain, NULL, run, env_now), ==, 0);
    g_assert_cmpint(fx_trykk(&plain, NULL, close, env_now), ==, 0);
    plain_grey = letter_id(&plain, "grey");
    plain_colour = letter_id(&plain, "colour");
    g_free(logo);
}

/* ---- the proof ----------------------------------------------------------------------------- */

static void test_placeholder_then_code(void)
{
    const char *close[] = {"job", "close", "--all", NULL};
    struct shown pr;
    char *job = NULL, *code = NULL, *want, *err = NULL;
    struct layout l;

    /* open job: no piece code yet, and every page says so */
    g_assert_false(piece_of(&win, win_letter, &job, &code));
    show(&pr, &win, win_letter, NULL, "proof.pdf", "page-1.png");
    g_assert_nonnull(strstr(pr.text, "PRØVE – ikke planlagt"));
    g_assert_nonnull(strstr(pr.text, "Kari Nordmann"));
    g_assert_cmpint(layout_load(&l, "normal", &err), ==, 0);
    g_assert_cmpint(count_hue(pr.png, RED, 0, 0, l.page_w, 6), >, 100);
    shown_free(&pr);

    /* closed: the real code, no placeholder, nothing red */
    g_assert_cmpint(fx_trykk(&win, NULL, close, env_now), ==, 0);
    g_assert_true(piece_of(&win, win_letter, &job, &code));
    show(&pr, &win, win_letter, NULL, "proof.pdf", "page-1.png");
    want = g_strdup_printf("Forsendelse %s", code);
    g_assert_nonnull(strstr(pr.text, want));
    g_assert_null(strstr(pr.text, "PRØVE"));
    g_assert_cmpint(count_hue(pr.png, RED, 0, 0, l.page_w, l.page_h), ==, 0);
    /* the same DataMatrix as the job prints on that piece's first sheet */
    {
        char *jobpdf = g_build_filename(win.spool, "jobs", job, "job.pdf", NULL);
        char *dm = out_datamatrix(pr.pdf, 1);
        char *in_job = out_datamatrix(jobpdf, first_page(job, code));
        g_assert_nonnull(dm);
        g_assert_cmpstr(dm, ==, in_job);
        g_free(jobpdf);
        g_free(dm);
        g_free(in_job);
    }
    shown_free(&pr);
    /* by the piece code printed on the sheet, and by the message id, too */
    show(&pr, &win, code, NULL, "proof.pdf", "page-1.png");
    g_assert_nonnull(strstr(pr.text, want));
    shown_free(&pr);
    show(&pr, &win, win_message, NULL, "proof.pdf", "page-1.png");
    g_assert_nonnull(strstr(pr.text, want));
    shown_free(&pr);
    layout_free(&l);
    g_free(want);
    g_free(job);
    g_free(code);
}

static void test_unknown(void)
{
    char *dir = proof(&win, "nosuch", NULL, 1);

    g_assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
    g_free(dir);
    dir = proof(&win, "99999999999", NULL, 1);
    g_free(dir);
}

static void test_overlay(void)
{
    struct stock s;
    struct marks mk;
    struct layout l;
    double fy[4];
    char *err = NULL, *dir = proof(&win, win_letter, "--overlay", 0);
    char *png = file_in(dir, "page-1.png"), *plainpng, *text, *pdf = file_in(dir, "proof.pdf");
    char *plaindir = proof(&win, win_letter, NULL, 0);
    const struct rect_mm *w;
    int folds;

    g_assert_cmpint(stock_load(&s, "stock-c5-window", &err), ==, 0);
    g_assert_cmpint(marks_load(&mk, "marks-datamatrix", &err), ==, 0);
    g_assert_cmpint(layout_load(&l, "normal", &err), ==, 0);
    w = &s.win;
    plainpng = file_in(plaindir, "page-1.png");
    /* the window's top and bottom edges and its left side in blue, where the stock has them */
    g_assert_cmpint(count_hue(png, BLUE, w->x + 2, w->y - 0.6, w->w - 4, 1.2), >,
                    (long)((w->w - 4) * DPI / 25.4 * 0.9));
    g_assert_cmpint(count_hue(png, BLUE, w->x + 2, w->y + w->h - 0.6, w->w - 4, 1.2), >,
                    (long)((w->w - 4) * DPI / 25.4 * 0.9));
    g_assert_cmpint(count_hue(png, BLUE, w->x - 0.6, w->y + 2, 1.2, w->h - 4), >,
                    (long)((w->h - 4) * DPI / 25.4 * 0.9));
    /* ... and nowhere well inside or outside it */
    g_assert_cmpint(count_hue(png, BLUE, w->x + 2, w->y + 2, w->w - 4, w->h - 4), ==, 0);
    g_assert_cmpint(count_hue(png, BLUE, 0, w->y + w->h + 6, l.page_w, 60), ==, 0);
    /* the mark zone's right edge in magenta */
    g_assert_cmpint(count_hue(png, MAGENTA, mk.zone.x + mk.zone.w - 0.6, mk.zone.y + 2, 1.2,
                              mk.zone.h - 4), >, (long)((mk.zone.h - 4) * DPI / 25.4 * 0.9));
    /* the fold of A4 in a C5: dashed green across the sheet */
    folds = fold_lines(&l, &s, fy, 4);
    g_assert_cmpint(folds, ==, 1);
    g_assert_cmpfloat(fy[0], ==, l.page_h / 2);
    g_assert_cmpint(count_hue(png, GREEN, 20, fy[0] - 0.6, l.page_w - 70, 1.2), >,
                    (long)((l.page_w - 70) * DPI / 25.4 * 0.3));
    text = pdf_text(pdf);
    g_assert_nonnull(strstr(text, "vindu C5"));
    g_assert_nonnull(strstr(text, "merkesone"));
    g_assert_nonnull(strstr(text, "fals 1"));
    g_free(text);
    /* without --overlay: none of it */
    g_assert_cmpint(count_hue(plainpng, BLUE, 0, 0, l.page_w, l.page_h), ==, 0);
    g_assert_cmpint(count_hue(plainpng, MAGENTA, 0, 0, l.page_w, l.page_h), ==, 0);
    g_assert_cmpint(count_hue(plainpng, GREEN, 0, 0, l.page_w, l.page_h), ==, 0);
    stock_free(&s);
    marks_free(&mk);
    layout_free(&l);
    g_free(png);
    g_free(plainpng);
    g_free(pdf);
    g_free(dir);
    g_free(plaindir);
}

/* ---- envelope faces ----------------------------------------------------------------------- */

static char *envelopes_of(const char *letter, char **job)
{
    char *code = NULL, *pdf;

    g_assert_true(piece_of(&plain, letter, job, &code));
    pdf = g_build_filename(plain.spool, "jobs", *job, "envelopes.pdf", NULL);
    g_free(code);
    return pdf;
}

static void test_faces_grey(void)
{
    char *job = NULL, *pdf = envelopes_of(plain_grey, &job), *dir, *png;
    char prefix[512];
    const char *ppm[] = {"pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", pdf, prefix,
                         NULL};
    const char *list[] = {"pdfimages", "-list", pdf, NULL};
    GPtrArray *plates;
    double ink[4];
    char *out;
    struct stock s;
    char *err = NULL;
    int st, pages = out_pages(pdf), p;

    g_assert_cmpint(pages, ==, 2); /* both SORT_HVIT letters, one face each */
    g_assert_cmpint(stock_load(&s, "stock-c5-plain", &err), ==, 0);
    dir = g_dir_make_tmp("trykk-face-XXXXXX", NULL);
    g_snprintf(prefix, sizeof prefix, "%s/face", dir);
    for (p = 1; p <= pages; p++) {
        /* no spot plate, and of the process plates only K carries ink */
        guint k;
        plates = out_plates(pdf, p);
        for (k = 0; k < plates->len; k++)
            g_assert_true(g_strv_contains((const char *const[]){"Cyan", "Magenta", "Yellow",
                                                                 "Black", NULL},
                                          plates->pdata[k]));
        g_ptr_array_free(plates, TRUE);
        out_inkcov(pdf, p, ink);
        g_assert_cmpfloat(ink[0] + ink[1] + ink[2], ==, 0);
        g_assert_cmpfloat(ink[3], >, 0);
    }
    /* rendered in colour, not one pixel has a hue; the logo is there (grey, not white) */
    g_free(out_run(ppm));
    png = g_strdup_printf("%s-1.png", prefix);
    g_assert_cmpint(count_hue(png, NOT_GREY, 0, 0, s.width, s.height), ==, 0);
    g_assert_cmpint(out_dark(pdf, 1, s.face_logo.x, s.face_logo.y, s.face_logo.w,
                             s.face_logo.h), >, 1000);
    /* one logo image, shared by both faces, in DeviceGray */
    out = run_both(list, NULL, &st);
    g_assert_cmpint(st, ==, 0);
    g_assert_nonnull(strstr(out, " gray "));
    g_assert_null(strstr(out, " rgb "));
    g_free(out);
    g_unlink(png);
    g_rmdir(dir);
    g_free(png);
    g_free(dir);
    g_free(pdf);
    g_free(job);
    stock_free(&s);
}

static void test_faces_colour_logo(void)
{
    char *job = NULL, *pdf = envelopes_of(plain_colour, &job), *out;
    const char *list[] = {"pdfimages", "-list", pdf, NULL};
    int st;

    out = run_both(list, NULL, &st);
    g_assert_cmpint(st, ==, 0);
    g_assert_nonnull(strstr(out, " rgb "));
    g_free(out);
    g_free(pdf);
    g_free(job);
}

static void test_faces_text(void)
{
    char *job = NULL, *pdf = envelopes_of(plain_grey, &job), *err = NULL, *out;
    const char *txt[] = {"pdftotext", "-enc", "UTF-8", pdf, "-", NULL};
    const char *fonts[] = {"pdffonts", pdf, NULL}, *check[] = {"qpdf", "--check", pdf, NULL};
    struct bytes b = {0};
    struct stock s;
    struct pdf_limits lim;
    struct pdf_info info;
    struct reason r = {0};
    char *e2 = NULL, **lines;
    int st, i, fontlines = 0;

    /* the text extracts as it was set, and poppler has nothing to say about the CMap */
    out = run_both(txt, &err, &st);
    g_assert_cmpint(st, ==, 0);
    g_assert_nonnull(strstr(out, "Ánde Ŋuolbma"));
    g_assert_nonnull(strstr(out, "Åse Øvrebø"));
    g_assert_nonnull(strstr(out, "0155 OSLO"));
    g_assert_nonnull(strstr(out, "Forsendelse "));
    g_assert_cmpstr(err, ==, "");
    g_free(out);
    g_free(err);
    /* every font embedded with a ToUnicode map */
    out = run_both(fonts, &e2, &st);
    g_assert_cmpint(st, ==, 0);
    g_assert_cmpstr(e2, ==, "");
    lines = g_strsplit(out, "\n", -1);
    for (i = 2; lines[i] && *lines[i]; i++, fontlines++) {
        char **f = g_strsplit_set(lines[i], " ", -1);
        GPtrArray *cols = g_ptr_array_new();
        int k;
        for (k = 0; f[k]; k++)
            if (*f[k])
                g_ptr_array_add(cols, f[k]);
        /* name type... encoding emb sub uni object ID: emb, sub, uni are the 5th-3rd last */
        g_assert_cmpuint(cols->len, >=, 7);
        g_assert_cmpstr(cols->pdata[cols->len - 5], ==, "yes");
        g_assert_cmpstr(cols->pdata[cols->len - 3], ==, "yes");
        g_ptr_array_free(cols, TRUE);
        g_strfreev(f);
    }
    g_assert_cmpint(fontlines, >=, 1);
    g_strfreev(lines);
    g_free(out);
    g_free(e2);
    /* qpdf finds nothing wrong */
    out = run_both(check, NULL, &st);
    g_assert_cmpint(st, ==, 0);
    g_free(out);
    /* trykk's own preflight passes at the face size, and would refuse it as an A4 document */
    g_assert_cmpint(stock_load(&s, "stock-c5-plain", NULL), ==, 0);
    g_assert_cmpint(fsio_read_file(pdf, 1u << 26, &b), ==, 0);
    lim = (struct pdf_limits){0.5, 10, s.width, s.height};
    g_assert_cmpint(pdf_preflight(&b, &lim, &info, &r), ==, 0);
    g_assert_cmpint(info.pages, ==, 2);
    lim = (struct pdf_limits){10, 10, 0, 0};
    g_assert_cmpint(pdf_preflight(&b, &lim, &info, &r), ==, -1);
    g_assert_cmpstr(r.code, ==, "pdf-page-size");
    bytes_free(&b);
    stock_free(&s);
    g_free(pdf);
    g_free(job);
}

/* Same pieces, same date: the same envelope bytes (libharu's and qpdf's output fixed). */
static void test_faces_reproducible(void)
{
    struct layout l;
    struct stock s;
    struct marks mk;
    struct render_setup rs;
    struct render_piece p[2];
    struct bytes a = {0}, b = {0};
    char *err = NULL, *logo = g_build_filename(plain.root, "logo.png", NULL);
    int i;

    g_assert_cmpint(layout_load(&l, "windowless", &err), ==, 0);
    g_assert_cmpint(stock_load(&s, "stock-c5-plain", &err), ==, 0);
    g_assert_cmpint(marks_load(&mk, "marks-datamatrix", &err), ==, 0);
    rs = (struct render_setup){&l, &s, &mk, "2026-11-20T09:00:00Z", "J000007"};
    memset(p, 0, sizeof p);
    for (i = 0; i < 2; i++) {
        g_snprintf(p[i].code, sizeof p[i].code, "0000070000%d", i + 1);
        p[i].job_no = 7;
        p[i].seq = i + 1;
        p[i].layout = LAYOUT_WINDOWLESS;
        p[i].recipient.navn = i ? "Åse Øvrebø" : "Ánde Ŋuolbma";
        p[i].recipient.linje[0] = "Storgata 1";
        p[i].recipient.postnummer = "0155";
        p[i].recipient.poststed = "OSLO";
        p[i].return_addr.navn = "Test kommune";
        p[i].return_addr.linje[0] = "Postboks 1";
        p[i].logo = logo;
        p[i].sheets = 1;
    }
    g_assert_cmpint(render_envelopes(&rs, p, 2, &a, &err), ==, 0);
    g_assert_cmpint(render_envelopes(&rs, p, 2, &b, &err), ==, 0);
    g_assert_cmpuint(a.len, ==, b.len);
    g_assert_true(memcmp(a.data, b.data, a.len) == 0);
    /* one logo image for both faces */
    {
        GPtrArray *images = out_streams(&a, "image");
        g_assert_cmpuint(images->len, ==, 1);
        g_ptr_array_free(images, TRUE);
    }
    bytes_free(&a);
    bytes_free(&b);
    layout_free(&l);
    stock_free(&s);
    marks_free(&mk);
    g_free(logo);
}

/* A windowless letter's proof has its envelope face too, with the face's address field. */
static void test_face_proof(void)
{
    char *job = NULL, *code = NULL, *want;
    struct shown pr;
    struct stock s;
    const struct rect_mm *a;

    g_assert_true(piece_of(&plain, plain_grey, &job, &code));
    g_assert_cmpint(stock_load(&s, "stock-c5-plain", NULL), ==, 0);
    show(&pr, &plain, plain_grey, "--overlay", "envelope.pdf", "envelope-1.png");
    want = g_strdup_printf("Forsendelse %s", code);
    g_assert_nonnull(strstr(pr.text, want));
    g_assert_nonnull(strstr(pr.text, "Ánde Ŋuolbma"));
    g_assert_nonnull(strstr(pr.text, "adressefelt"));
    a = &s.face_address;
    g_assert_cmpint(count_hue(pr.png, BLUE, a->x + 2, a->y - 0.6, a->w - 4, 1.2), >,
                    (long)((a->w - 4) * DPI / 25.4 * 0.9));
    g_assert_cmpint(out_pages(pr.pdf), ==, 1);
    {   /* personal data: the directory 0700, every file 0600 */
        GPtrArray *bad = fx_bad_modes(pr.dir);
        g_assert_cmpuint(bad->len, ==, 0);
        g_ptr_array_free(bad, TRUE);
    }
    shown_free(&pr);
    stock_free(&s);
    g_free(want);
    g_free(job);
    g_free(code);
}

/* ---- the JDF ------------------------------------------------------------------------------ */

struct jdf {
    xmlDocPtr doc;
    xmlXPathContextPtr x;
};

static void jdf_open(struct jdf *j, struct fixture *f, const char *job)
{
    char *path = g_build_filename(f->spool, "jobs", job, "job.jdf", NULL);

    j->doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    g_assert_nonnull(j->doc); /* well-formed */
    j->x = xmlXPathNewContext(j->doc);
    xmlXPathRegisterNs(j->x, BAD_CAST "j", BAD_CAST JDF_NS);
    g_free(path);
}

static void jdf_close(struct jdf *j)
{
    xmlXPathFreeContext(j->x);
    xmlFreeDoc(j->doc);
}

static double xnum(struct jdf *j, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, j->x);
    double v;

    g_assert_nonnull(o);
    v = xmlXPathCastToNumber(o);
    xmlXPathFreeObject(o);
    return v;
}

static char *xstr(struct jdf *j, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, j->x);
    xmlChar *s;
    char *out;

    g_assert_nonnull(o);
    s = xmlXPathCastToString(o);
    out = g_strdup((const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(o);
    return out;
}

static void assert_xstr(struct jdf *j, const char *expr, const char *want)
{
    char *got = xstr(j, expr);

    g_assert_cmpstr(got, ==, want);
    g_free(got);
}

/* The RunList parts of id, in order, against pieces.csv: one per piece, named by its code,
 * contiguous zero-based page ranges from 0 that cover exactly the file's pages. */
static void assert_runs(struct jdf *j, const char *id, char **rows, int pages_per_sheet,
                        int file_pages)
{
    int n = (int)g_strv_length(rows) - 1, i, next = 0;
    char *expr = g_strdup_printf("count(//j:RunList[@ID='%s']/j:RunList)", id);

    g_assert_cmpfloat(xnum(j, expr), ==, n);
    g_free(expr);
    for (i = 1; i <= n; i++) {
        char **c = g_strsplit(rows[i], ",", -1), *pages, *run;
        int a = -1, b = -1, sheets = atoi(c[6]);
        expr = g_strdup_printf("string(//j:RunList[@ID='%s']/j:RunList[%d]/@Run)", id, i);
        run = xstr(j, expr);
        g_assert_cmpstr(run, ==, c[0]);
        g_free(expr);
        expr = g_strdup_printf("string(//j:RunList[@ID='%s']/j:RunList[%d]/@Pages)", id, i);
        pages = xstr(j, expr);
        if (strstr(pages, "~"))
            g_assert_cmpint(sscanf(pages, "%d ~ %d", &a, &b), ==, 2);
        else
            a = b = atoi(pages);
        g_assert_cmpint(a, ==, next);
        g_assert_cmpint(b - a + 1, ==, pages_per_sheet ? pages_per_sheet * sheets : 1);
        next = b + 1;
        g_free(expr);
        g_free(pages);
        g_free(run);
        g_strfreev(c);
    }
    g_assert_cmpint(next, ==, file_pages);
    expr = g_strdup_printf("number(//j:RunList[@ID='%s']/@NPage)", id);
    g_assert_cmpfloat(xnum(j, expr), ==, file_pages);
    g_free(expr);
}

static char *due_at(struct fixture *f, const char *job)
{
    const char *argv[] = {TRYKK_BIN, "--config", f->conf, "jobs", "--json", NULL};
    char *out = out_run(argv), *due = NULL;
    json_t *all = json_loads(out ? out : "", 0, NULL), *jb;
    size_t i;

    json_array_foreach(all, i, jb)
        if (g_strcmp0(json_string_value(json_object_get(jb, "job")), job) == 0)
            due = g_strdup(json_string_value(json_object_get(jb, "due_at")));
    json_decref(all);
    g_free(out);
    return due;
}

static void test_jdf_window(void)
{
    char *job = NULL, *code = NULL, **rows, *jobpdf, *due;
    struct jdf j;
    struct stock s;
    struct layout l;
    char dim[64];

    const char *close[] = {"job", "close", "--all", NULL};

    g_assert_cmpint(fx_trykk(&win, NULL, close, env_now), ==, 0); /* when run alone */
    g_assert_true(piece_of(&win, win_letter, &job, &code));
    rows = csv_rows(&win, job);
    g_assert_cmpint(g_strv_length(rows) - 1, ==, 3);
    jobpdf = g_build_filename(win.spool, "jobs", job, "job.pdf", NULL);
    jdf_open(&j, &win, job);
    assert_xstr(&j, "string(/j:JDF/@Type)", "Product");
    assert_xstr(&j, "string(/j:JDF/@JobID)", job);
    /* one piece component per piece, each named by its code */
    g_assert_cmpfloat(xnum(&j, "count(//j:Component[@ID='C_PIECES']/j:Component)"), ==, 3);
    g_assert_cmpfloat(xnum(&j, "sum(//j:Component[@ID='C_PIECES']/j:Component/@Amount)"), ==, 3);
    assert_runs(&j, "RL_SHEETS", rows, 2, out_pages(jobpdf));
    assert_xstr(&j, "string(//j:RunList[@ID='RL_SHEETS']/j:LayoutElement/j:FileSpec/@URL)",
                "job.pdf");
    /* A4 paper, duplex, printed by DigitalPrintingParams on that paper */
    g_assert_cmpint(layout_load(&l, "normal", NULL), ==, 0);
    g_snprintf(dim, sizeof dim, "%.2f %.2f", PT(l.page_w), PT(l.page_h));
    assert_xstr(&j, "string(//j:Media[@ID='M_PAPER']/@Dimension)", dim);
    assert_xstr(&j, "string(//j:Media[@ID='M_PAPER']/@Weight)", "80");
    assert_xstr(&j, "string(//j:LayoutPreparationParams[@ID='LPP_SHEETS']/@Sides)",
                "TwoSidedFlipY");
    assert_xstr(&j, "string(//j:DigitalPrintingParams[@ID='DPP_SHEETS']/j:MediaRef/@rRef)",
                "M_PAPER");
    g_assert_cmpfloat(xnum(&j, "count(//j:JDF[@Types='LayoutPreparation DigitalPrinting']"
                               "/j:ResourceLinkPool/j:DigitalPrintingParamsLink)"), ==, 1);
    /* black only, folded once for the C5 window envelope, inserted, by the cut-off */
    g_assert_cmpfloat(xnum(&j, "count(//j:ColorIntent/j:ColorsUsed/j:SeparationSpec)"), ==, 1);
    assert_xstr(&j, "string(//j:ColorIntent/j:ColorsUsed/j:SeparationSpec/@Name)", "Black");
    assert_xstr(&j, "string(//j:ColorantControl[@ID='CC_SHEETS']/@ProcessColorModel)",
                "DeviceGray");
    assert_xstr(&j, "string(//j:FoldingIntent/j:FoldingCatalog/@Preferred)", "F4-1");
    assert_xstr(&j, "string(//j:FoldingParams/@FoldCatalog)", "F4-1");
    g_assert_cmpfloat(xnum(&j, "count(//j:InsertingIntent)"), ==, 1);
    g_assert_cmpint(stock_load(&s, "stock-c5-window", NULL), ==, 0);
    g_snprintf(dim, sizeof dim, "%.2f %.2f", PT(s.width), PT(s.height));
    assert_xstr(&j, "string(//j:Media[@ID='M_ENVELOPE']/@Dimension)", dim);
    assert_xstr(&j, "string(//j:Media[@ID='M_ENVELOPE']/@MediaTypeDetails)", "EnvelopeWindow");
    g_assert_cmpfloat(xnum(&j, "count(//j:RunList[@ID='RL_FACES'])"), ==, 0);
    due = due_at(&win, job);
    g_assert_nonnull(due);
    assert_xstr(&j, "string(//j:NodeInfo/@End)", due);
    g_assert_cmpfloat(xnum(&j, "count(/j:JDF/j:ResourceLinkPool/j:NodeInfoLink)"), ==, 1);
    jdf_close(&j);
    stock_free(&s);
    layout_free(&l);
    g_strfreev(rows);
    g_free(jobpdf);
    g_free(due);
    g_free(job);
    g_free(code);
}

static void test_jdf_windowless(void)
{
    char *job = NULL, *env = envelopes_of(plain_grey, &job), **rows, *jobpdf, dim[64];
    struct jdf j;
    struct stock s;

    rows = csv_rows(&plain, job);
    jobpdf = g_build_filename(plain.spool, "jobs", job, "job.pdf", NULL);
    jdf_open(&j, &plain, job);
    assert_runs(&j, "RL_SHEETS", rows, 2, out_pages(jobpdf));
    /* envelopes.pdf: one face per piece, on the envelope stock, simplex, not on A4 paper */
    assert_runs(&j, "RL_FACES", rows, 0, out_pages(env));
    assert_xstr(&j, "string(//j:RunList[@ID='RL_FACES']/j:LayoutElement/j:FileSpec/@URL)",
                "envelopes.pdf");
    assert_xstr(&j, "string(//j:LayoutPreparationParams[@ID='LPP_FACES']/@Sides)",
                "OneSidedFront");
    assert_xstr(&j, "string(//j:DigitalPrintingParams[@ID='DPP_FACES']/j:MediaRef/@rRef)",
                "M_ENVELOPE");
    assert_xstr(&j, "string(//j:JDF[j:ResourceLinkPool/j:RunListLink/@rRef='RL_FACES']"
                    "/j:ResourceLinkPool/j:MediaLink/@rRef)", "M_ENVELOPE");
    g_assert_cmpint(stock_load(&s, "stock-c5-plain", NULL), ==, 0);
    g_snprintf(dim, sizeof dim, "%.2f %.2f", PT(s.width), PT(s.height));
    assert_xstr(&j, "string(//j:Media[@ID='M_ENVELOPE']/@Dimension)", dim);
    assert_xstr(&j, "string(//j:Media[@ID='M_ENVELOPE']/@MediaTypeDetails)", "EnvelopePlain");
    jdf_close(&j);
    g_strfreev(rows);
    g_free(jobpdf);
    /* the colour job: CMYK intent */
    g_free(job);
    g_free(env);
    env = envelopes_of(plain_colour, &job);
    jdf_open(&j, &plain, job);
    g_assert_cmpfloat(xnum(&j, "count(//j:ColorIntent/j:ColorsUsed/j:SeparationSpec)"), ==, 4);
    assert_xstr(&j, "string(//j:ColorantControl[@ID='CC_SHEETS']/@ProcessColorModel)",
                "DeviceCMYK");
    jdf_close(&j);
    stock_free(&s);
    g_free(env);
    g_free(job);
}

int main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    setup_window();
    setup_plain();
    g_test_add_func("/proof/placeholder-then-code", test_placeholder_then_code);
    g_test_add_func("/proof/unknown", test_unknown);
    g_test_add_func("/proof/overlay", test_overlay);
    g_test_add_func("/proof/faces-grey", test_faces_grey);
    g_test_add_func("/proof/faces-colour-logo", test_faces_colour_logo);
    g_test_add_func("/proof/faces-text", test_faces_text);
    g_test_add_func("/proof/faces-reproducible", test_faces_reproducible);
    g_test_add_func("/proof/face-proof", test_face_proof);
    g_test_add_func("/proof/jdf-window", test_jdf_window);
    g_test_add_func("/proof/jdf-windowless", test_jdf_windowless);
    rc = g_test_run();
    g_free(win_letter);
    g_free(win_message);
    g_free(plain_grey);
    g_free(plain_colour);
    fx_free(&win);
    fx_free(&plain);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_window.c - what shows through the window, and what the inserter reads, from pixels.
 *
 * Every layout with a window (normal cover sheet, eco stamp) × every window stock (C5, C4)
 * × address shapes (Norwegian with 0-3 address lines, foreign with 1-4, so 2-6 recipient
 * lines and 3-8 block lines with the return and EA lines) × EA or not is rendered into a
 * job PDF whose senders' pages are black over the whole left margin. From pixels
 * (pdftoppm): nothing is inked in the window grown by 5 mm outside the window shrunk by the
 * 4 mm inset, so the first line and the EA barcode keep 4 mm from the edge at any shift up
 * to 5 mm; from text (pdftotext): everything in that area is the address block's, the
 * return line is there for every shape, the country and town are in Norwegian capitals;
 * the DataMatrix on the sender's page decodes (dmtxread) though the margin is black.
 * Then the load-time geometry check, the return line's shortening, and the mark-zone ink
 * check at planning with a sender profile that accepts and one that refuses, and the same
 * check for a whole batch in one rendering: each letter's pages and pixel count are what it
 * gets alone, and a letter that cannot be read or is not a PDF fails alone; the eco check of
 * a batch in one rendering likewise, with the fallback when the joined rendering fails.
 */
#include <string.h>
#include <glib/gstdio.h>
#include "common/fixture.h"
#include "outputs.h"
#include "jobs/jobs.h"
#include "render/pdfpage.h"
#include "render/raster.h"

#define NOW "2026-11-20T10:00:00+01:00"
#define JOB_NO 42
#define DARK 200  /* gray below this is ink (antialiased edges included) */

static const char *const env_now[] = {"TRYKK_NOW", NOW, NULL};

struct shape {
    bool foreign, ea, english;
    int lines; /* address lines besides navn and the last line */
    const char *landkode, *poststed;
};

struct rendered {
    struct bytes pdf;
    char *file;
    struct render_piece *p;
    size_t n;
    struct bytes *docs;
    GPtrArray *strings;
};

static const char *const ea_return[] = {"trykk demo print AS", "Returpost EA", "Postboks 1",
                                        "0001 OSLO", NULL};

/* The shapes: every length of Norwegian and foreign address, with and without EA. */
static GArray *shapes(void)
{
    static const char *const cc[] = {"SE", "GB", "KR", "TW"};
    GArray *a = g_array_new(FALSE, TRUE, sizeof(struct shape));
    int k, ea;

    for (ea = 0; ea < 2; ea++) {
        for (k = 0; k <= 3; k++) {
            struct shape s = {false, ea, false, k, NULL, k % 2 ? "Tromsø" : "Oslo"};
            g_array_append_val(a, s);
        }
        for (k = 1; k <= 4; k++) {
            struct shape s = {true, ea, k == 3 && ea, k, cc[k - 1], NULL};
            g_array_append_val(a, s);
        }
    }
    return a;
}

static const char *keep(struct rendered *r, char *s)
{
    g_ptr_array_add(r->strings, s);
    return s;
}

static void piece_for(struct rendered *r, struct render_piece *p, const struct shape *s, int i,
                      enum layout_kind kind, int *sheet)
{
    static const char *const streets[] = {"Storgata 1", "c/o Hansen", "Leilighet H0304",
                                          "Postboks 77"};
    int k;

    memset(p, 0, sizeof *p);
    g_snprintf(p->code, sizeof p->code, "%06d%05d", JOB_NO, i + 1);
    p->job_no = JOB_NO;
    p->seq = i + 1;
    p->layout = kind;
    p->recipient.navn = keep(r, g_strdup_printf("Åse Øvrebø %d", i + 1));
    for (k = 0; k < s->lines; k++)
        p->recipient.linje[k] = streets[k];
    if (s->foreign) {
        p->recipient.landkode = s->landkode;
    } else {
        p->recipient.postnummer = "9010";
        p->recipient.poststed = s->poststed;
    }
    p->country_english = s->english;
    p->sender_name = "Skatteetaten";
    if (s->ea) {
        p->return_addr.navn = ea_return[0];
        for (k = 0; k < 3; k++)
            p->return_addr.linje[k] = ea_return[k + 1];
        p->ea_code = keep(r, g_strdup_printf("2099920%s", p->code));
    } else {
        p->return_addr.navn = "Skatteetaten";
        p->return_addr.linje[0] = "Postboks 9200 Grønland";
        p->return_addr.postnummer = "0134";
        p->return_addr.poststed = "Oslo";
    }
    p->first_sheet = *sheet;
    p->sheets = (kind == LAYOUT_NORMAL) + 1; /* two pages: one sheet */
    *sheet += p->sheets;
    p->docs = &r->docs[i];
    p->ndocs = 1;
}

static void render(struct rendered *r, const struct print_setup *ps, const struct layout *l,
                   const struct stock *st, GArray *sh)
{
    struct forge_pdf o = {.pages = 2, .body = "Vedtak om skatt", .margin_ink = true};
    struct render_setup rs = {l, st, &ps->marks, "2026-11-20T09:00:00Z", "J000042"};
    struct render_stats stats;
    char *err = NULL;
    int sheet = 1;
    guint i;

    memset(r, 0, sizeof *r);
    r->strings = g_ptr_array_new_with_free_func(g_free);
    r->n = sh->len;
    r->p = g_new0(struct render_piece, r->n);
    r->docs = g_new0(struct bytes, r->n);
    for (i = 0; i < sh->len; i++) {
        g_assert_cmpint(forge_pdf_make(&o, &r->docs[i]), ==, 0);
        piece_for(r, &r->p[i], &g_array_index(sh, struct shape, i), (int)i, l->kind, &sheet);
    }
    g_assert_cmpint(render_job(&rs, r->p, r->n, &r->pdf, &stats, &err), ==, 0);
    g_assert_null(err);
    g_assert_cmpint(stats.shortened, ==, 0);
    r->file = g_build_filename(g_get_tmp_dir(), "trykk-window-XXXXXX.pdf", NULL);
    {
        int fd = g_mkstemp(r->file);
        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(write(fd, r->pdf.data, r->pdf.len), ==, (ssize_t)r->pdf.len);
        close(fd);
    }
}

static void rendered_free(struct rendered *r)
{
    size_t i;

    if (!g_getenv("TRYKK_KEEP_TEST_ROOT"))
        g_unlink(r->file);
    else
        g_test_message("kept %s", r->file);
    g_free(r->file);
    bytes_free(&r->pdf);
    for (i = 0; i < r->n; i++)
        bytes_free(&r->docs[i]);
    g_free(r->docs);
    g_free(r->p);
    g_ptr_array_free(r->strings, TRUE);
}

static struct rect_mm grow(struct rect_mm r, double by)
{
    struct rect_mm g = {r.x - by, r.y - by, r.w + 2 * by, r.h + 2 * by};

    return g;
}

static bool within(double x, double y, struct rect_mm r)
{
    return x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h;
}

/*
 * From pixels: no ink in the window ±5 mm outside the window less the 4 mm inset; ink inside
 * it; its topmost ink at least 4 mm below the window's top edge.
 */
static void assert_window_pixels(const char *pdf, int page, const struct stock *st)
{
    struct rect_mm out = grow(st->win, 5), in = grow(st->win, -4);
    unsigned w, h, x, y, top = G_MAXUINT;
    double mm = 25.4 / 300;
    guchar *px = out_gray(pdf, page, out.x, out.y, out.w, out.h, &w, &h);
    long ring = 0, inside = 0;

    g_assert_nonnull(px);
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x++) {
            double xm = out.x + (x + 0.5) * mm, ym = out.y + (y + 0.5) * mm;
            if (px[(gsize)y * w + x] >= DARK)
                continue;
            if (within(xm, ym, in)) {
                inside++;
                top = MIN(top, y);
            } else {
                ring++;
                if (ring == 1)
                    g_test_message("page %d: ink at x %.1f, y %.1f mm", page, xm, ym);
            }
        }
    g_free(px);
    g_assert_cmpint(ring, ==, 0);
    g_assert_cmpint(inside, >, 0);
    g_assert_cmpfloat(out.y + top * mm, >=, st->win.y + 4);
}

/* Words in the window ±5 mm: only the address block's; the expected ones all there. */
static void assert_window_words(const char *pdf, int page, const struct stock *st,
                                const struct render_piece *p, const struct shape *s,
                                const char *last)
{
    GPtrArray *words = out_words(pdf, page);
    GHashTable *allowed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    struct rect_mm out = grow(st->win, 5);
    const char *const extra[] = {"EA", "Returadresse:", "Retur:", "…", "…,", "c/o",
                                 "Skatteetaten,", NULL};
    GString *all = g_string_new(NULL);
    char **tok;
    guint i;
    int k;
    bool ret = false, ea = false, lastseen = false;

    g_string_append_printf(all, "%s %s %s %s %s ", p->recipient.navn, last,
                           p->return_addr.navn, p->return_addr.postnummer ? "0134 OSLO" : "",
                           "Postboks 9200 Grønland, trykk demo print AS, Returpost EA, "
                           "Postboks 1, 0001 OSLO");
    for (k = 0; k < 4; k++)
        if (p->recipient.linje[k])
            g_string_append_printf(all, "%s ", p->recipient.linje[k]);
    tok = g_strsplit_set(all->str, " ", -1);
    for (k = 0; tok[k]; k++) {
        g_hash_table_add(allowed, g_strdup(tok[k]));
        g_hash_table_add(allowed, g_strconcat(tok[k], ",", NULL));
    }
    for (k = 0; extra[k]; k++)
        g_hash_table_add(allowed, g_strdup(extra[k]));
    for (i = 0; i < words->len; i++) {
        const struct word *wd = words->pdata[i];
        double cx = (wd->x0 + wd->x1) / 2, cy = (wd->y0 + wd->y1) / 2;
        if (!within(cx, cy, out))
            continue;
        if (!g_hash_table_contains(allowed, wd->text) && !g_str_has_suffix(wd->text, "…") &&
            !g_str_has_suffix(wd->text, "…,"))
            g_error("page %d: '%s' at y %.1f mm is in the window but not the address's", page,
                    wd->text, wd->y0);
        g_assert_cmpfloat(wd->y0, >=, st->win.y + 4 - 0.3);
        g_assert_cmpfloat(wd->y1, <=, st->win.y + st->win.h - 4 + 0.3);
        ret |= g_str_has_prefix(wd->text, "Retur");
        ea |= strcmp(wd->text, "EA") == 0;
        lastseen |= g_str_has_suffix(last, wd->text) && strlen(wd->text) >= 4;
    }
    g_assert_true(ret);            /* the return line is never dropped */
    g_assert_true(ea == s->ea);
    g_assert_true(lastseen);       /* the town or country line */
    if (s->ea)
        g_assert_nonnull(out_find(words, "c/o"));
    g_strfreev(tok);
    g_string_free(all, TRUE);
    g_hash_table_destroy(allowed);
    g_ptr_array_free(words, TRUE);
}

static const char *last_line(const struct shape *s)
{
    static const char *const names[2][4] = {
        {"SVERIGE", "STORBRITANNIA", "SØR-KOREA", "TAIWAN"},
        {"SWEDEN", "UNITED KINGDOM", "SOUTH KOREA", "TAIWAN"}};

    if (!s->foreign)
        return s->lines % 2 ? "9010 TROMSØ" : "9010 OSLO";
    g_assert_cmpint(s->lines, >=, 1);
    g_assert_cmpint(s->lines, <=, 4);
    return names[s->english ? 1 : 0][s->lines - 1];
}

/* The country and town lines as pdftotext reads them, and the Avsender line. */
static void assert_texts(const char *pdf, int page, const struct shape *s, bool cover)
{
    const char *argv[] = {"pdftotext", "-f", NULL, "-l", NULL, pdf, "-", NULL};
    char num[16];
    char *text;

    g_snprintf(num, sizeof num, "%d", page);
    argv[2] = argv[4] = num;
    text = out_run(argv);
    g_assert_nonnull(text);
    g_assert_nonnull(strstr(text, last_line(s)));
    g_assert_null(strstr(text, "Oslo"));      /* the town in capitals */
    g_assert_null(strstr(text, "Tromsø"));
    if (cover)
        g_assert_nonnull(strstr(text, "Avsender: Skatteetaten"));
    g_free(text);
}

static void check_job(const struct print_setup *ps, const struct layout *l, const struct stock *st)
{
    GArray *sh = shapes();
    struct rendered r;
    size_t i;

    render(&r, ps, l, st, sh);
    for (i = 0; i < r.n; i++) {
        const struct shape *s = &g_array_index(sh, struct shape, i);
        int front = 2 * r.p[i].first_sheet - 1, content = front + (l->kind == LAYOUT_NORMAL) * 2;
        g_test_message("%s on %s: piece %zu (%s, %d lines%s)", l->name, st->name, i + 1,
                       s->foreign ? s->landkode : "NO", s->lines, s->ea ? ", EA" : "");
        assert_window_pixels(r.file, front, st);
        assert_window_words(r.file, front, st, &r.p[i], s, last_line(s));
        assert_texts(r.file, front, s, l->kind == LAYOUT_NORMAL);
        if (i == 0 || i == r.n - 1) {
            char *want = marks_payload(JOB_NO, (int)i + 1, r.p[i].sheets, r.p[i].sheets);
            char *got = out_datamatrix(r.file, content);
            g_assert_cmpstr(got, ==, want); /* readable on a black margin */
            g_free(got);
            g_free(want);
        }
    }
    rendered_free(&r);
    g_array_free(sh, TRUE);
}

static void load_setup(struct print_setup *ps, const char *marks)
{
    GKeyFile *kf = g_key_file_new();
    char *conf = g_strdup_printf("[render]\nstock=window\nmarks=%s\n", marks), *err = NULL;

    g_assert_true(g_key_file_load_from_data(kf, conf, -1, 0, NULL));
    if (print_setup_load(ps, kf, ".", &err) < 0)
        g_error("%s", err);
    g_key_file_free(kf);
    g_free(conf);
}

static void test_window_shapes(void)
{
    struct print_setup ps;

    load_setup(&ps, "datamatrix");
    check_job(&ps, &ps.normal, &ps.c5);
    check_job(&ps, &ps.normal, &ps.c4);
    check_job(&ps, &ps.eco, &ps.c5);
    check_job(&ps, &ps.eco, &ps.c4);
    print_setup_free(&ps);
}

/* OMR bars on a black margin: each set bar is ink, each unset position white (knockout). */
static void test_omr_knockout(void)
{
    struct print_setup ps;
    GArray *sh = shapes();
    struct rendered r;
    const struct marks *m;
    unsigned bits;
    int i;

    load_setup(&ps, "omr");
    m = &ps.marks;
    g_array_set_size(sh, 1);
    render(&r, &ps, &ps.normal, &ps.c5, sh);
    bits = omr_bits(m, 2, 2, 2); /* the content sheet: sheet 2 of 2, second in the job */
    for (i = 0; i < m->positions; i++) {
        long dark = out_dark(r.file, 3, m->x, m->y + i * m->pitch, m->bar_length,
                             m->bar_thickness);
        if (bits & (1u << i))
            g_assert_cmpint(dark, >, 0);
        else
            g_assert_cmpint(dark, ==, 0);
    }
    /* the knockout is white between the bars, the sender's black margin beside it */
    g_assert_cmpint(out_dark(r.file, 3, m->x, m->y + 0.5 * m->pitch + 0.5, m->bar_length, 1),
                    ==, 0);
    g_assert_cmpint(out_dark(r.file, 3, 0.5, m->y, 2, 10), >, 0);
    rendered_free(&r);
    g_array_free(sh, TRUE);
    print_setup_free(&ps);
}

/* ---- the load-time geometry check ----------------------------------------------------- */

static char *layouts_copy(void)
{
    char *dir = g_dir_make_tmp("trykk-layouts-XXXXXX", NULL);
    GDir *d = g_dir_open(TRYKK_SOURCE_DIR "/layouts", 0, NULL);
    const char *n;

    while ((n = g_dir_read_name(d))) {
        char *from = g_build_filename(TRYKK_SOURCE_DIR "/layouts", n, NULL), *text = NULL;
        char *to = g_build_filename(dir, n, NULL);
        if (g_str_has_suffix(n, ".ini") && g_file_get_contents(from, &text, NULL, NULL))
            g_assert_true(g_file_set_contents(to, text, -1, NULL));
        g_free(text);
        g_free(from);
        g_free(to);
    }
    g_dir_close(d);
    return dir;
}

static void patch(const char *dir, const char *file, const char *from, const char *to)
{
    char *path = g_build_filename(dir, file, NULL), *text = NULL, *at, *out;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    at = strstr(text, from);
    g_assert_nonnull(at);
    *at = 0;
    out = g_strconcat(text, to, at + strlen(from), NULL);
    g_assert_true(g_file_set_contents(path, out, -1, NULL));
    g_free(out);
    g_free(text);
    g_free(path);
}

static void rm_dir(char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, n, NULL);
        g_unlink(p);
        g_free(p);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(dir);
    g_free(dir);
}

/* The configuration refused with a message holding every one of want. */
static void assert_refused(const char *file, const char *from, const char *to,
                           const char *const *want)
{
    char *dir = layouts_copy(), *err = NULL;
    GKeyFile *kf = g_key_file_new();
    struct print_setup ps;
    int i;

    if (strstr(file, "omr"))
        g_key_file_set_string(kf, "render", "marks", "omr");
    patch(dir, file, from, to);
    g_setenv("TRYKK_LAYOUTS_DIR", dir, TRUE);
    g_assert_cmpint(print_setup_load(&ps, kf, ".", &err), ==, -1);
    g_unsetenv("TRYKK_LAYOUTS_DIR");
    g_assert_nonnull(err);
    g_test_message("%s", err);
    for (i = 0; want[i]; i++)
        g_assert_nonnull(strstr(err, want[i]));
    g_free(err);
    g_key_file_free(kf);
    rm_dir(dir);
}

static void test_geometry_check(void)
{
    const char *const code[] = {"layout eco", "piece code", "stock-c5-window", "±5 mm",
                                "overlaps", "by 42.0 × 3.9 mm", "only the address block", NULL};
    const char *const c4[] = {"piece code", "stock-c4-window", "× 2.8 mm", NULL};
    const char *const c5[] = {"piece code", "stock-c5-window", "× 0.9 mm", NULL};
    const char *const marks[] = {"x_mm", "between 5 and", NULL};
    const char *const inset[] = {"stock-c5-window", "nearer than 6.0 mm", NULL};
    const char *const lines[] = {"7 address lines", "stock-c5-window", "inset", NULL};
    const char *const avs[] = {"Avsender line", "window", NULL};
    const char *const zone[] = {"logo", "mark zone", NULL};

    /* the eco piece code where it was: in the C4 window, 1 mm under the C5 window */
    assert_refused("eco.ini", "x_mm=23\ny_mm=30", "x_mm=23\ny_mm=80", code);
    assert_refused("eco.ini", "x_mm=23\ny_mm=30", "x_mm=23\ny_mm=84.2", c4); /* C4 only */
    assert_refused("eco.ini", "x_mm=23\ny_mm=30", "x_mm=23\ny_mm=36", c5);
    assert_refused("marks-datamatrix.ini", "x_mm=5\n", "x_mm=3\n", marks);
    assert_refused("marks-omr.ini", "x_mm=5\n", "x_mm=4\n", marks);
    assert_refused("normal.ini", "window_inset_mm=4", "window_inset_mm=6", inset);
    assert_refused("normal.ini", "line_spacing=1.05", "line_spacing=1.15", lines);
    assert_refused("normal.ini", "y_mm=92", "y_mm=85", avs);
    assert_refused("normal.ini", "x_mm=18\ny_mm=8", "x_mm=2\ny_mm=100", zone);
}

/* The return line: shortened from the middle; the name and postcode and place stay. */
static void test_return_line(void)
{
    char *parts[] = {"Skatteetaten", "c/o trykk demo print AS", "Returpost EA",
                     "Postboks 123 Sentrum", "0150 OSLO"};
    bool cut;
    char *s = address_join_fit("Returadresse:", parts, 5, "Liberation Sans", 8, 300, &cut);

    g_assert_false(cut);
    g_assert_cmpstr(s, ==, "Returadresse: Skatteetaten, c/o trykk demo print AS, Returpost EA, "
                           "Postboks 123 Sentrum, 0150 OSLO");
    g_free(s);
    s = address_join_fit("Returadresse:", parts, 5, "Liberation Sans", 8, 80, &cut);
    g_assert_true(cut);
    g_assert_true(g_str_has_prefix(s, "Returadresse: Skatteetaten, "));
    g_assert_true(g_str_has_suffix(s, ", 0150 OSLO"));
    g_assert_nonnull(strstr(s, "…"));
    g_assert_null(strstr(s, "Returpost EA")); /* the middle goes first */
    g_assert_cmpfloat(text_width_mm("Liberation Sans", 8, s), <=, 80);
    g_free(s);
    s = address_join_fit("Returadresse:", parts, 5, "Liberation Sans", 8, 48, &cut);
    g_test_message("%s", s);
    g_assert_true(g_str_has_prefix(s, "Returadresse: Skat")); /* the name cut at its end */
    g_assert_false(g_str_has_prefix(s, "Returadresse: Skatteetaten"));
    g_assert_true(g_str_has_suffix(s, "…, 0150 OSLO"));
    g_assert_null(strstr(s, "…, …"));
    g_assert_cmpfloat(text_width_mm("Liberation Sans", 8, s), <=, 48);
    g_free(s);
    /* country names: iso-codes' nb short names, English on request */
    g_assert_cmpstr(country_name_in("se", false), ==, "SVERIGE");
    g_assert_cmpstr(country_name_in("KR", false), ==, "SØR-KOREA");
    g_assert_cmpstr(country_name_in("KP", false), ==, "NORD-KOREA");
    g_assert_cmpstr(country_name_in("IR", false), ==, "IRAN");
    g_assert_cmpstr(country_name_in("GB", false), ==, "STORBRITANNIA");
    g_assert_cmpstr(country_name_in("KR", true), ==, "SOUTH KOREA");
    g_assert_null(country_name_in("XX", false));
}

/* ---- sender ink under the marks, at planning ------------------------------------------ */

/* Fronts are counted over the letter's documents in print order: a clean one-page document
 * then a three-page one with a black margin puts ink on the letter's page 3 only (its page
 * 2, the second document's first page, is a back). */
static void test_marks_ink_pages(void)
{
    struct forge_pdf clean = {.pages = 1}, inked = {.pages = 3, .margin_ink = true};
    struct bytes docs[2] = {{0}, {0}};
    struct print_setup ps;
    GString *pages = g_string_new(NULL);
    char *err = NULL;
    long ink = -1;

    load_setup(&ps, "datamatrix");
    g_assert_cmpint(forge_pdf_make(&clean, &docs[0]), ==, 0);
    g_assert_cmpint(forge_pdf_make(&inked, &docs[1]), ==, 0);
    g_assert_cmpint(marks_ink(docs, 1, &ps.normal, &ps.marks, pages, &ink, &err), ==, 0);
    g_assert_cmpint(ink, ==, 0);
    g_assert_cmpstr(pages->str, ==, "");
    g_assert_cmpint(marks_ink(docs, 2, &ps.normal, &ps.marks, pages, &ink, &err), ==, 0);
    g_assert_null(err);
    g_assert_cmpstr(pages->str, ==, "3");
    g_assert_cmpint(ink, >, 100);
    g_string_free(pages, TRUE);
    bytes_free(&docs[0]);
    bytes_free(&docs[1]);
    print_setup_free(&ps);
}

static void test_mark_zone_ink(void)
{
    struct fixture fx;
    struct forge_letter l;
    const char *run[] = {"run", NULL}, *close[] = {"job", "close", "--all", NULL};
    json_t *acc, *ref, *clean;
    const char *reason;

    fx_init(&fx, "[sender." FX_OTHER "]\nmark_zone_ink=refuse\nname=Statens vegvesen\n"
                 "country_names=english\n");
    fx_letter(&fx, &l);
    l.navn = "Kari Nordmann";
    l.adresse = "Storgata 1";
    l.postnummer = "0155";
    l.poststed = "Oslo";
    l.pdf.pages = 3;
    l.pdf.margin_ink = true;
    fx_drop_letter(&fx, "accept", 'b', &l);
    l.signer = &fx.other_org;
    l.sender_orgnr = FX_OTHER;
    fx_drop_letter(&fx, "refuse", 'b', &l);
    fx_letter(&fx, &l);
    l.navn = "Per Hansen";
    l.adresse = "Storgata 2";
    l.postnummer = "0155";
    l.poststed = "Oslo";
    fx_drop_letter(&fx, "clean", 'b', &l);
    g_assert_cmpint(fx_trykk(&fx, NULL, run, env_now), ==, 0);
    g_assert_cmpint(fx_trykk(&fx, NULL, close, env_now), ==, 0);
    acc = fx_letter_by_entry(&fx, "accept");
    ref = fx_letter_by_entry(&fx, "refuse");
    clean = fx_letter_by_entry(&fx, "clean");
    reason = json_string_value(json_object_get(acc, "layout_reason"));
    g_assert_nonnull(reason);
    g_assert_nonnull(strstr(reason, "mark-zone-ink: sender content under the inserter marks "
                                    "on page 1, 3"));
    g_assert_nonnull(strstr(reason, "white knockout"));
    g_assert_cmpstr(json_string_value(json_object_get(acc, "envelope")), ==, "C5");
    reason = json_string_value(json_object_get(ref, "layout_reason"));
    g_assert_nonnull(reason);
    g_assert_nonnull(strstr(reason, "refused by the sender's profile"));
    g_assert_cmpstr(json_string_value(json_object_get(ref, "envelope")), ==, "MANUAL");
    g_assert_null(json_string_value(json_object_get(clean, "layout_reason")));
    json_decref(acc);
    json_decref(ref);
    json_decref(clean);
    {   /* the MANUAL job: the cover names the agency from the profile and keeps its mark;
         * the sender's pages carry none */
        char *jobs = g_build_filename(fx.spool, "jobs", NULL), *pdf = NULL, *got;
        GDir *d = g_dir_open(jobs, 0, NULL);
        const char *n;
        while ((n = g_dir_read_name(d))) {
            char *ticket = g_build_filename(jobs, n, "pieces.csv", NULL), *t = fx_read(ticket);
            if (strstr(t, "MANUAL"))
                pdf = g_build_filename(jobs, n, "job.pdf", NULL);
            g_free(t);
            g_free(ticket);
        }
        g_dir_close(d);
        g_assert_nonnull(pdf);
        got = out_datamatrix(pdf, 1);
        g_assert_true(got && g_str_has_prefix(got, "J"));
        g_free(got);
        got = out_datamatrix(pdf, 3);
        g_assert_true(!got || !*got);
        g_free(got);
        {
            GPtrArray *w = out_words(pdf, 1);
            g_assert_nonnull(out_find(w, "vegvesen"));
            g_ptr_array_free(w, TRUE);
        }
        g_free(pdf);
        g_free(jobs);
    }
    fx_free(&fx);
}

/* ---- the mark-zone check of a whole batch, one rendering -------------------------------- */

/* marks_ink on `copies` documents forged from o: the pages and the ink of the letter alone. */
static void ink_alone(const struct print_setup *ps, const struct forge_pdf *o, int copies,
                      GString *pages, long *ink)
{
    struct bytes docs[3] = {{0}, {0}, {0}};
    char *err = NULL;
    int i;

    g_assert_cmpint(copies, <=, 3);
    for (i = 0; i < copies; i++)
        g_assert_cmpint(forge_pdf_make(o, &docs[i]), ==, 0);
    g_string_truncate(pages, 0);
    g_assert_cmpint(marks_ink(docs, (size_t)copies, &ps->normal, &ps->marks, pages, ink, &err),
                    ==, 0);
    g_assert_null(err);
    for (i = 0; i < copies; i++)
        bytes_free(&docs[i]);
}

/* Five letters in one batch, the third not a PDF: each of the others gets exactly the pages
 * and the pixel count it gets alone; the bad one fails when it is added, alone. */
static void test_ink_batch(void)
{
    static const struct { int pages, copies; bool ink; const char *want; } cases[] = {
        {3, 1, true, "1, 3"}, {2, 1, false, ""}, {0, 0, false, NULL}, {5, 1, true, "1, 3, 5"},
        {2, 2, true, "1, 3"}};
    struct print_setup ps;
    struct ink_batch *b;
    GString *pages = g_string_new(NULL), *alone = g_string_new(NULL);
    struct bytes junk = {(unsigned char *)"%PDF-1.4 not a PDF at all", 25};
    int slot[5];
    size_t c;

    load_setup(&ps, "datamatrix");
    b = ink_batch_new(&ps.normal, &ps.marks);
    for (c = 0; c < 5; c++) {
        struct forge_pdf o = {.pages = cases[c].pages, .margin_ink = cases[c].ink};
        struct bytes docs[2] = {{0}, {0}};
        char *err = NULL;
        int i;
        if (!cases[c].want) {
            slot[c] = ink_batch_add(b, &junk, 1, &err);
            g_assert_cmpint(slot[c], ==, -1);
            g_assert_nonnull(err);
            g_free(err);
            continue;
        }
        for (i = 0; i < cases[c].copies; i++)
            g_assert_cmpint(forge_pdf_make(&o, &docs[i]), ==, 0);
        slot[c] = ink_batch_add(b, docs, (size_t)cases[c].copies, &err);
        g_assert_cmpint(slot[c], >=, 0);
        g_assert_null(err);
        for (i = 0; i < cases[c].copies; i++)
            bytes_wipe_free(&docs[i]); /* the batch holds its own strip */
    }
    ink_batch_render(b);
    for (c = 0; c < 5; c++) {
        struct forge_pdf o = {.pages = cases[c].pages, .margin_ink = cases[c].ink};
        long ink = -1, want = -1;
        char *err = NULL;
        if (!cases[c].want)
            continue;
        g_string_truncate(pages, 0);
        g_assert_cmpint(ink_batch_result(b, slot[c], pages, &ink, &err), ==, 0);
        g_assert_null(err);
        g_assert_cmpstr(pages->str, ==, cases[c].want);
        ink_alone(&ps, &o, cases[c].copies, alone, &want);
        g_assert_cmpstr(pages->str, ==, alone->str);
        g_assert_cmpint(ink, ==, want);
        g_assert_cmpint(ink > 0, ==, cases[c].ink);
    }
    ink_batch_free(b);
    g_string_free(pages, TRUE);
    g_string_free(alone, TRUE);
    print_setup_free(&ps);
}

/* The letter's mark-zone note: the text from "mark-zone-" to the end, or NULL. */
static char *mark_note(struct fixture *fx, const char *entry)
{
    json_t *l = fx_letter_by_entry(fx, entry);
    const char *reason = json_string_value(json_object_get(l, "layout_reason"));
    const char *m = reason ? strstr(reason, "mark-zone-") : NULL;
    char *note = m ? g_strdup(m) : NULL;

    g_assert_cmpstr(json_string_value(json_object_get(l, "state")), ==, "PLANNED");
    json_decref(l);
    return note;
}

static char *letter_id(struct fixture *fx, const char *entry)
{
    json_t *l = fx_letter_by_entry(fx, entry);
    char *id = g_strdup(json_string_value(json_object_get(l, "id")));

    json_decref(l);
    return id;
}

/* Every file of the entry at path (a file, or a directory of files) overwritten. */
static void spoil(const char *path)
{
    GDir *d = g_dir_open(path, 0, NULL);
    const char *n;

    if (!d) {
        g_assert_true(g_file_set_contents(path, "spoiled", -1, NULL));
        return;
    }
    while ((n = g_dir_read_name(d))) {
        char *f = g_build_filename(path, n, NULL);
        g_assert_true(g_file_set_contents(f, "spoiled", -1, NULL));
        g_free(f);
    }
    g_dir_close(d);
}

/* A letter planned once, taken out of its job by a hold, its accepted package spoiled, and
 * released: the next run plans it again, in the same batch as the letters dropped now. */
static void drop_spoiled(struct fixture *fx, const char *entry, const char *const *run)
{
    struct forge_letter l;
    char *id, *path;
    const char *hold[] = {"hold", NULL, "--reason", "test", NULL}, *release[] = {"release", NULL,
                                                                                 NULL};

    fx_letter(fx, &l);
    l.pdf.margin_ink = true;
    fx_drop_letter(fx, entry, 'b', &l);
    g_assert_cmpint(fx_trykk(fx, NULL, run, env_now), ==, 0);
    id = letter_id(fx, entry);
    hold[1] = release[1] = id;
    g_assert_cmpint(fx_trykk(fx, NULL, hold, env_now), ==, 0);
    path = g_build_filename(fx->spool, "accepted", id, NULL);
    spoil(path);
    g_assert_cmpint(fx_trykk(fx, NULL, release, env_now), ==, 0);
    g_free(path);
    g_free(id);
}

/* One run plans six letters in one batch: margin ink on different pages, a clean letter, a
 * refused one and a letter whose package cannot be read again. Each gets exactly its pages
 * and the pixel count it gets alone; the broken one fails alone. */
static void test_mark_zone_batch(void)
{
    static const struct { const char *entry; int pages, copies; bool ink; const char *want; }
        cases[] = {{"p1", 1, 1, true, "1"}, {"clean", 3, 1, false, NULL},
                   {"p135", 5, 1, true, "1, 3, 5"}, {"two-docs", 2, 2, true, "1, 3"},
                   {"refuse", 3, 1, true, "1, 3"}};
    const char *run[] = {"run", NULL};
    struct fixture fx;
    struct print_setup ps;
    GString *pages = g_string_new(NULL);
    char *note;
    size_t c;

    fx_init(&fx, "[sender." FX_OTHER "]\nmark_zone_ink=refuse\n");
    load_setup(&ps, "datamatrix");
    drop_spoiled(&fx, "spoiled", run);
    for (c = 0; c < G_N_ELEMENTS(cases); c++) {
        struct forge_letter l;
        fx_letter(&fx, &l);
        l.pdf.pages = cases[c].pages;
        l.pdf.margin_ink = cases[c].ink;
        l.documents = cases[c].copies;
        if (strcmp(cases[c].entry, "refuse") == 0) {
            l.signer = &fx.other_org;
            l.sender_orgnr = FX_OTHER;
        }
        fx_drop_letter(&fx, cases[c].entry, 'b', &l);
    }
    g_assert_cmpint(fx_trykk(&fx, NULL, run, env_now), ==, 0);
    for (c = 0; c < G_N_ELEMENTS(cases); c++) {
        struct forge_pdf o = {.pages = cases[c].pages, .margin_ink = cases[c].ink};
        json_t *l = fx_letter_by_entry(&fx, cases[c].entry);
        bool refused = strcmp(cases[c].entry, "refuse") == 0;
        char *want;
        long ink;
        note = mark_note(&fx, cases[c].entry);
        if (!cases[c].want) {
            g_assert_null(note);
        } else {
            ink_alone(&ps, &o, cases[c].copies, pages, &ink);
            g_assert_cmpstr(pages->str, ==, cases[c].want);
            want = g_strdup_printf("mark-zone-ink: sender content under the inserter marks on "
                                   "page %s (%ld px at %d dpi); %s", cases[c].want, ink,
                                   ps.marks.ink_dpi,
                                   refused ? "refused by the sender's profile: inserted by "
                                             "hand, no marks on its pages"
                                           : "covered by the marks' white knockout");
            g_assert_cmpstr(note, ==, want);
            g_free(want);
        }
        g_assert_cmpstr(json_string_value(json_object_get(l, "envelope")), ==,
                        refused ? "MANUAL" : "C5");
        g_free(note);
        json_decref(l);
    }
    note = mark_note(&fx, "spoiled");
    g_assert_nonnull(note);
    g_assert_true(g_str_has_prefix(note, "mark-zone-check-failed: letter "));
    g_assert_nonnull(strstr(note, "cannot be read again"));
    g_free(note);
    g_string_free(pages, TRUE);
    print_setup_free(&ps);
    fx_free(&fx);
}

/* ---- the eco check of a whole batch, one rendering ---------------------------------------- */

/* zone_ink on a letter forged from o, alone. */
static long eco_alone(const struct print_setup *ps, const struct forge_pdf *o, bool *landscape)
{
    struct bytes pdf = {0};
    char *err = NULL;
    long ink = -1;

    g_assert_cmpint(forge_pdf_make(o, &pdf), ==, 0);
    g_assert_cmpint(zone_ink(&pdf, &ps->eco, &ink, landscape, &err), ==, 0);
    g_assert_null(err);
    bytes_free(&pdf);
    return ink;
}

/* Six letters in one eco batch: text in the field on one page or several, clean ones, a
 * landscape page 1 and a file that is no PDF. Each gets exactly the verdict and pixel count
 * it gets alone; the landscape one is not rendered, the bad one fails alone when added. */
static void test_eco_batch(void)
{
    static const struct { int pages; bool ink, landscape, junk; } cases[] = {
        {1, true, false, false}, {2, false, false, false}, {1, false, false, true},
        {2, false, true, false}, {3, true, false, false}, {1, false, false, false}};
    struct print_setup ps;
    struct eco_batch *b;
    struct bytes junk = {(unsigned char *)"%PDF-1.4 not a PDF at all", 25};
    int slot[G_N_ELEMENTS(cases)];
    size_t c;

    load_setup(&ps, "datamatrix");
    b = eco_batch_new(&ps.eco);
    for (c = 0; c < G_N_ELEMENTS(cases); c++) {
        struct forge_pdf o = {.pages = cases[c].pages, .window_text = cases[c].ink};
        struct bytes pdf = {0};
        char *err = NULL;
        bool landscape = true;
        if (cases[c].landscape) {
            o.width_mm = 297;
            o.height_mm = 210;
        }
        if (cases[c].junk) {
            slot[c] = eco_batch_add(b, &junk, &landscape, &err);
            g_assert_cmpint(slot[c], ==, -1);
            g_assert_nonnull(err);
            g_free(err);
            continue;
        }
        g_assert_cmpint(forge_pdf_make(&o, &pdf), ==, 0);
        slot[c] = eco_batch_add(b, &pdf, &landscape, &err);
        bytes_wipe_free(&pdf); /* the batch holds its own page 1 */
        g_assert_null(err);
        g_assert_cmpint(landscape, ==, cases[c].landscape);
        if (cases[c].landscape)
            g_assert_cmpint(slot[c], ==, -2);
        else
            g_assert_cmpint(slot[c], >=, 0);
    }
    eco_batch_render(b);
    for (c = 0; c < G_N_ELEMENTS(cases); c++) {
        struct forge_pdf o = {.pages = cases[c].pages, .window_text = cases[c].ink};
        long ink = -1, want;
        char *err = NULL;
        bool landscape = false;
        if (slot[c] < 0)
            continue;
        g_assert_cmpint(eco_batch_result(b, slot[c], &ink, &err), ==, 0);
        g_assert_null(err);
        want = eco_alone(&ps, &o, &landscape);
        g_assert_false(landscape);
        g_assert_cmpint(ink, ==, want);
        g_assert_cmpint(ink > ps.eco.eco_max_ink, ==, cases[c].ink);
    }
    eco_batch_free(b);
    print_setup_free(&ps);
}

/* The joined rendering fails (one page is no PDF): every page is rendered alone, the bad one
 * fails alone and the others get the pixels they get alone. */
static void test_eco_batch_fallback(void)
{
    static const bool ink[] = {true, false, false, true};
    struct print_setup ps;
    struct gray_item items[G_N_ELEMENTS(ink)];
    struct bytes pages[G_N_ELEMENTS(ink)];
    size_t c;

    load_setup(&ps, "datamatrix");
    memset(items, 0, sizeof items);
    for (c = 0; c < G_N_ELEMENTS(ink); c++) {
        struct forge_pdf o = {.pages = 1, .window_text = ink[c]};
        struct bytes pdf = {0};
        char *err = NULL;
        bool landscape = false;
        memset(&pages[c], 0, sizeof pages[c]);
        if (c == 2) {
            bytes_set(&pages[c], "%PDF-1.4 not a PDF at all", 25);
        } else {
            g_assert_cmpint(forge_pdf_make(&o, &pdf), ==, 0);
            g_assert_cmpint(page_as_printed(&pdf, 0, PT(ps.eco.page_w), PT(ps.eco.page_h),
                                            &pages[c], &landscape, &err), ==, 0);
            g_assert_null(err);
            bytes_free(&pdf);
        }
        items[c].pdf = &pages[c];
        items[c].rect = ps.eco.eco_field;
    }
    render_gray_items(items, G_N_ELEMENTS(ink), &ps.eco.eco_field, ps.eco.eco_inset,
                      ps.eco.eco_dpi, "eco fields");
    for (c = 0; c < G_N_ELEMENTS(ink); c++) {
        struct forge_pdf o = {.pages = 1, .window_text = ink[c]};
        bool landscape = false;
        long px;
        if (c == 2) {
            g_assert_null(items[c].pgm);
            g_assert_nonnull(items[c].err);
        } else {
            g_assert_nonnull(items[c].pgm);
            g_assert_null(items[c].err);
            px = pgm_ink(items[c].pgm->data, items[c].pgm->len, ps.eco.eco_threshold, 0, -1);
            g_assert_cmpint(px, ==, eco_alone(&ps, &o, &landscape));
            g_assert_cmpint(px > ps.eco.eco_max_ink, ==, ink[c]);
        }
        if (items[c].pgm)
            g_byte_array_free(items[c].pgm, TRUE);
        g_free(items[c].err);
        bytes_free(&pages[c]);
    }
    print_setup_free(&ps);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/window/shapes", test_window_shapes);
    g_test_add_func("/window/omr-knockout", test_omr_knockout);
    g_test_add_func("/window/geometry-check", test_geometry_check);
    g_test_add_func("/window/return-line", test_return_line);
    g_test_add_func("/window/marks-ink-pages", test_marks_ink_pages);
    g_test_add_func("/window/mark-zone-ink", test_mark_zone_ink);
    g_test_add_func("/window/ink-batch", test_ink_batch);
    g_test_add_func("/window/mark-zone-batch", test_mark_zone_batch);
    g_test_add_func("/window/eco-batch", test_eco_batch);
    g_test_add_func("/window/eco-batch-fallback", test_eco_batch_fallback);
    return g_test_run();
}

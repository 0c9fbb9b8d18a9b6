/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_hostile_pdf.c - PDFs made to hurt the engine or to hide its content, end to end.
 *
 * Every fixture is generated here: page trees that list one page 100,000 and 1,000,000
 * times, a page listed twice, a letter over [limits] max_pages, a page of exactly A4 + 10 mm
 * (Digipost's bleed test size), A4 landscape, /Rotate 45, white annotations over the
 * DataMatrix zone and over the eco address, an ink annotation that pdftoppm hides but a
 * printer prints in the eco field, and a document full of JavaScript, Launch actions, forms
 * and embedded files. One spool, one run, every job closed; each assertion reads the spool,
 * the ledger or the printed job.pdf (rendered, decoded, or rewritten by qpdf as QDF).
 */
#include <string.h>
#include <qpdf/qpdf-c.h>
#include "common/fixture.h"
#include "render/outputs.h"
#include "render/render.h"

#define NOW "2026-11-20T10:00:00+01:00"
#define A4_H 841.8898
#define MAX_PAGES 20
#define EXTRA "max_package_mib=16\nmax_pages=20\n[sender." FX_OTHER "]\nlayout=eco\n"

static struct fixture fx;
static const char *const env_now[] = {"TRYKK_NOW", NOW, NULL};
static char *close_log; /* stderr of `trykk job close --all` */
static struct bytes actions_src; /* the hostile-actions document as the sender made it */

/* ---- fixtures ------------------------------------------------------------------------------ */

/* One A4 page listed n times in /Kids (n = 2: a page referenced twice). */
static void page_refs(int n, struct bytes *out)
{
    GString *s = g_string_new("%PDF-1.4\n"), *kids = g_string_sized_new((gsize)n * 6);
    size_t off[4], x;
    int i;

    for (i = 0; i < n; i++)
        g_string_append(kids, "3 0 R ");
    off[0] = s->len;
    g_string_append(s, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    off[1] = s->len;
    g_string_append_printf(s, "2 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n",
                           kids->str, n);
    off[2] = s->len;
    g_string_append(s, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] "
                       "/Resources << >> /Contents 4 0 R >>\nendobj\n");
    off[3] = s->len;
    g_string_append(s, "4 0 obj\n<< /Length 18 >>\nstream\n0 0 m 100 100 l S\n\nendstream\n"
                       "endobj\n");
    x = s->len;
    g_string_append(s, "xref\n0 5\n0000000000 65535 f \n");
    for (i = 0; i < 4; i++)
        g_string_append_printf(s, "%010zu 00000 n \n", off[i]);
    g_string_append_printf(s, "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", x);
    out->len = s->len;
    out->data = (unsigned char *)g_string_free(s, FALSE);
    g_string_free(kids, TRUE);
}

typedef void (*edit_fn)(qpdf_data q, qpdf_oh root, qpdf_oh page);

/* A forge PDF (A4 unless w/h given) with fn applied to its catalog and page 1. */
static void edited(double w_mm, double h_mm, edit_fn fn, struct bytes *out)
{
    struct forge_pdf o = {.pages = 2, .body = "Vedtak", .width_mm = w_mm, .height_mm = h_mm};
    struct bytes in = {0};
    qpdf_data q = qpdf_init();

    g_assert_cmpint(forge_pdf_make(&o, &in), ==, 0);
    qpdf_silence_errors(q);
    g_assert_false(qpdf_read_memory(q, "fixture", (const char *)in.data, in.len, NULL) &
                   QPDF_ERRORS);
    fn(q, qpdf_get_root(q), qpdf_get_page_n(q, 0));
    qpdf_init_write_memory(q);
    qpdf_set_deterministic_ID(q, QPDF_TRUE);
    g_assert_false(qpdf_write(q) & QPDF_ERRORS);
    bytes_set(out, qpdf_get_buffer(q), qpdf_get_buffer_length(q));
    qpdf_cleanup(&q);
    bytes_free(&in);
}

/* A rectangle given in mm from the top-left of an A4 portrait page, as a PDF array. */
static char *rect_mm(double x, double y, double w, double h)
{
    return g_strdup_printf("[%.3f %.3f %.3f %.3f]", PT(x), A4_H - PT(y + h), PT(x + w),
                           A4_H - PT(y));
}

static qpdf_oh form(qpdf_data q, const char *ops, const char *bbox, const char *matrix)
{
    qpdf_oh s = qpdf_oh_new_stream(q), d;

    qpdf_oh_replace_stream_data(q, s, (const unsigned char *)ops, strlen(ops),
                                qpdf_oh_new_null(q), qpdf_oh_new_null(q));
    d = qpdf_oh_get_dict(q, s);
    qpdf_oh_replace_key(q, d, "/Type", qpdf_oh_new_name(q, "/XObject"));
    qpdf_oh_replace_key(q, d, "/Subtype", qpdf_oh_new_name(q, "/Form"));
    qpdf_oh_replace_key(q, d, "/BBox", qpdf_oh_parse(q, bbox));
    if (matrix)
        qpdf_oh_replace_key(q, d, "/Matrix", qpdf_oh_parse(q, matrix));
    return s;
}

static void add_annot(qpdf_data q, qpdf_oh page, qpdf_oh annot)
{
    qpdf_oh arr = qpdf_oh_get_key(q, page, "/Annots");

    if (!qpdf_oh_is_array(q, arr)) {
        arr = qpdf_oh_new_array(q);
        qpdf_oh_replace_key(q, page, "/Annots", arr);
    }
    qpdf_oh_append_item(q, arr, qpdf_make_indirect_object(q, annot));
}

/* A white square (/F Print) with its own rect; the appearance is a sub-dictionary + /AS. */
static void white_square(qpdf_data q, qpdf_oh page, double x, double y, double w, double h)
{
    char *r = rect_mm(x, y, w, h), *ops = g_strdup_printf("1 g 0 0 %.3f %.3f re f", PT(w),
                                                          PT(h));
    char *bbox = g_strdup_printf("[0 0 %.3f %.3f]", PT(w), PT(h)), *dict;
    qpdf_oh a, n;

    dict = g_strdup_printf("<< /Type /Annot /Subtype /Square /F 4 /Rect %s /C [1 1 1] "
                           "/IC [1 1 1] /AS /On >>", r);
    a = qpdf_oh_parse(q, dict);
    n = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, n, "/On", form(q, ops, bbox, NULL));
    qpdf_oh_replace_key(q, n, "/Off", form(q, "", bbox, NULL));
    qpdf_oh_replace_key(q, a, "/AP", qpdf_oh_new_dictionary(q));
    qpdf_oh_replace_key(q, qpdf_oh_get_key(q, a, "/AP"), "/N", n);
    add_annot(q, page, a);
    g_free(r);
    g_free(ops);
    g_free(bbox);
    g_free(dict);
}

static void over_datamatrix(qpdf_data q, qpdf_oh root, qpdf_oh page)
{
    (void)root;
    white_square(q, page, 0, 90, 20, 90); /* the mark zone is x 0-15, y 95-175 mm */
}

static void over_window(qpdf_data q, qpdf_oh root, qpdf_oh page)
{
    (void)root;
    white_square(q, page, 10, 40, 112, 46); /* the eco address is at 23-118 × 46-77 mm */
}

/* Black, /F Print|NoView: pdftoppm skips it on screen, a printer prints it. Its /BBox is
 * half its /Matrix-scaled size, so only the §12.5.5 mapping puts it exactly on /Rect. */
static void ink_in_field(qpdf_data q, qpdf_oh root, qpdf_oh page)
{
    char *r = rect_mm(40, 10, 50, 20), *dict;
    qpdf_oh a;

    (void)root;
    dict = g_strdup_printf("<< /Type /Annot /Subtype /Square /F 36 /Rect %s >>", r);
    a = qpdf_oh_parse(q, dict);
    qpdf_oh_replace_key(q, a, "/AP", qpdf_oh_new_dictionary(q));
    qpdf_oh_replace_key(q, qpdf_oh_get_key(q, a, "/AP"), "/N",
                        form(q, "0 g 0 0 100 50 re f", "[0 0 100 50]", "[2 0 0 2 0 0]"));
    add_annot(q, page, a);
    g_free(r);
    g_free(dict);
}

static void rotate_45(qpdf_data q, qpdf_oh root, qpdf_oh page)
{
    (void)root;
    qpdf_oh_replace_key(q, page, "/Rotate", qpdf_oh_new_integer(q, 45));
}

/* 220 × 307 mm as a sender's tool writes it, to two decimals of a point. */
static void bleed_box(qpdf_data q, qpdf_oh root, qpdf_oh page)
{
    (void)root;
    qpdf_oh_replace_key(q, page, "/MediaBox", qpdf_oh_parse(q, "[0 0 623.62 870.24]"));
}

/* JavaScript and Launch actions everywhere a viewer or printer might run them, a form, an
 * embedded file; one printable widget (flattened), a link and a note without appearance
 * (dropped). */
static void actions(qpdf_data q, qpdf_oh root, qpdf_oh page)
{
    qpdf_oh file = qpdf_oh_new_stream(q), widget, names;

    qpdf_oh_replace_stream_data(q, file, (const unsigned char *)"payload", 7,
                                qpdf_oh_new_null(q), qpdf_oh_new_null(q));
    qpdf_oh_replace_key(q, root, "/OpenAction",
                        qpdf_oh_parse(q, "<< /S /JavaScript /JS (app.alert\\(1\\)) >>"));
    qpdf_oh_replace_key(q, root, "/AA",
                        qpdf_oh_parse(q, "<< /WC << /S /JavaScript /JS (app.alert\\(2\\)) >> >>"));
    names = qpdf_oh_parse(q, "<< /JavaScript << /Names [(a) << /S /JavaScript /JS (x) >>] >>"
                             " /EmbeddedFiles << /Names [(f.txt) << /Type /Filespec /F (f.txt)"
                             " /EF << >> >>] >> >>");
    qpdf_oh_replace_key(q, qpdf_oh_get_key(q, qpdf_oh_get_array_item(q, qpdf_oh_get_key(q,
                        qpdf_oh_get_key(q, names, "/EmbeddedFiles"), "/Names"), 1), "/EF"),
                        "/F", file);
    qpdf_oh_replace_key(q, root, "/Names", names);
    qpdf_oh_replace_key(q, page, "/AA",
                        qpdf_oh_parse(q, "<< /O << /S /Launch /F (calc.exe) >> >>"));
    add_annot(q, page, qpdf_oh_parse(q, "<< /Type /Annot /Subtype /Link /F 4 "
                                        "/Rect [100 100 200 120] /A << /S /Launch /F (cmd.exe) >> >>"));
    add_annot(q, page, qpdf_oh_parse(q, "<< /Type /Annot /Subtype /Text /F 4 "
                                        "/Rect [300 100 320 120] /Contents (note) >>"));
    widget = qpdf_oh_parse(q, "<< /Type /Annot /Subtype /Widget /FT /Btn /T (b) /F 4 "
                              "/Rect [100 300 200 330] /AA << /E << /S /JavaScript /JS (y) >> >> >>");
    qpdf_oh_replace_key(q, widget, "/AP", qpdf_oh_new_dictionary(q));
    qpdf_oh_replace_key(q, qpdf_oh_get_key(q, widget, "/AP"), "/N",
                        form(q, "0 g 0 0 100 30 re S", "[0 0 100 30]", NULL));
    add_annot(q, page, widget);
    qpdf_oh_replace_key(q, root, "/AcroForm", qpdf_oh_new_dictionary(q));
    qpdf_oh_replace_key(q, qpdf_oh_get_key(q, root, "/AcroForm"), "/Fields",
                        qpdf_oh_wrap_in_array(q, qpdf_oh_get_array_item(q,
                            qpdf_oh_get_key(q, page, "/Annots"), 2)));
}

/* ---- the spool --------------------------------------------------------------------------- */

static void letter(struct forge_letter *l, bool eco, const struct bytes *raw)
{
    fx_letter(&fx, l);
    l->navn = "Per Hansen";
    l->adresse = "Storgata 1";
    l->postnummer = "0155";
    l->poststed = "OSLO";
    l->colour = "SORT_HVIT";
    l->posttype = "B";
    l->return_handling = "DIREKTE_RETUR";
    l->store_documents = true; /* stored: the 1,000,000 references stay under the caps */
    l->pdf.raw = raw;
    if (eco) {
        l->signer = &fx.other_org;
        l->sender_orgnr = FX_OTHER;
    }
}

static void drop_raw(const char *name, bool eco, struct bytes *raw)
{
    struct forge_letter l;

    letter(&l, eco, raw);
    fx_drop_letter(&fx, name, 'b', &l);
    bytes_free(raw);
}

static void drop_edited(const char *name, bool eco, double w, double h, edit_fn fn)
{
    struct bytes pdf = {0};

    edited(w, h, fn, &pdf);
    drop_raw(name, eco, &pdf);
}

static void drop_forge(const char *name, bool eco, const struct forge_pdf *o, int documents)
{
    struct forge_letter l;

    letter(&l, eco, NULL);
    l.pdf = *o;
    l.documents = documents;
    fx_drop_letter(&fx, name, 'b', &l);
}

static void setup_spool(void)
{
    struct bytes pdf = {0};
    struct forge_pdf twelve = {.pages = 12, .body = "Vedtak"}, ten = {.pages = 10, .body = "Vedtak"};
    struct forge_pdf land = {.pages = 2, .body = "Vedtak", .width_mm = 297, .height_mm = 210};
    struct forge_pdf good = {.pages = 2, .body = "Vedtak"};
    const char *run[] = {"run", NULL}, *close[] = {"job", "close", "--all", NULL};

    page_refs(1000000, &pdf);
    drop_raw("a-million-refs", false, &pdf);
    drop_forge("b-good", false, &good, 1);
    page_refs(100000, &pdf);
    drop_raw("c-100k-refs", false, &pdf);
    page_refs(2, &pdf);
    drop_raw("d-page-twice", false, &pdf);
    drop_forge("e-over-max-pages", false, &twelve, 2);
    drop_forge("f-at-max-pages", false, &ten, 2);
    drop_edited("g-bleed", false, 220, 307, bleed_box);
    drop_forge("h-landscape", false, &land, 1);
    drop_forge("i-eco-landscape", true, &land, 1);
    drop_edited("j-rotate-45", false, 0, 0, rotate_45);
    drop_edited("k-over-mark", false, 0, 0, over_datamatrix);
    drop_edited("l-eco-over-address", true, 0, 0, over_window);
    drop_edited("m-eco-ink-annot", true, 0, 0, ink_in_field);
    edited(0, 0, actions, &actions_src);
    bytes_set(&pdf, actions_src.data, actions_src.len);
    drop_raw("n-actions", false, &pdf);
    g_assert_cmpint(fx_trykk(&fx, NULL, run, env_now), ==, 1); /* some letters failed */
    g_assert_cmpint(fx_trykk(&fx, &close_log, close, env_now), ==, 0);
}

/* ---- reading the results ------------------------------------------------------------------ */

struct piece {
    char *job;
    int first, sheets, seq, job_no;
    char *layout;
};

static json_t *letter_of(const char *entry)
{
    json_t *l = fx_letter_by_entry(&fx, entry);

    g_assert_nonnull(l);
    return l;
}

static void assert_failed(const char *entry, const char *reason)
{
    json_t *l = letter_of(entry);
    char *where = g_strdup_printf("%s/failed/%s", fx.spool,
                                  json_string_value(json_object_get(l, "id")));

    g_assert_cmpstr(fx_intake_state(l), ==, "FAILED");
    g_assert_cmpstr(json_string_value(json_object_get(l, "reason")), ==, reason);
    g_assert_true(g_file_test(where, G_FILE_TEST_EXISTS));
    g_free(where);
    json_decref(l);
}

/* The piece of a letter, from the pieces.csv of every published job. */
static void piece_of(const char *entry, struct piece *p)
{
    json_t *l = letter_of(entry);
    const char *id = json_string_value(json_object_get(l, "id"));
    char *jobs = g_build_filename(fx.spool, "jobs", NULL);
    GDir *d = g_dir_open(jobs, 0, NULL);
    const char *name;

    memset(p, 0, sizeof *p);
    while (d && (name = g_dir_read_name(d)) && !p->job) {
        char *csv = g_build_filename(jobs, name, "pieces.csv", NULL), *text = fx_read(csv);
        char **lines = g_strsplit(text ? text : "", "\r\n", -1);
        for (int i = 1; lines[i] && *lines[i] && !p->job; i++) {
            char **f = g_strsplit(lines[i], ",", -1);
            if (g_strv_length(f) >= 8 && strcmp(f[3], id) == 0) {
                p->job = g_strdup(f[1]);
                p->first = atoi(f[4]);
                p->sheets = atoi(f[6]);
                p->layout = g_strdup(f[7]);
                p->job_no = atoi(f[0]) / 100000;
                p->seq = atoi(f[0] + 6);
            }
            g_strfreev(f);
        }
        g_strfreev(lines);
        g_free(text);
        g_free(csv);
    }
    if (d)
        g_dir_close(d);
    g_free(jobs);
    json_decref(l);
    g_assert_nonnull(p->job);
}

static char *job_pdf(const struct piece *p)
{
    return g_build_filename(fx.spool, "jobs", p->job, "job.pdf", NULL);
}

static void piece_free(struct piece *p)
{
    g_free(p->job);
    g_free(p->layout);
}

/* The DataMatrix of sheet s of a piece decodes to its payload. */
static void assert_mark(const struct piece *p, int s)
{
    char *pdf = job_pdf(p), *got = out_datamatrix(pdf, 2 * (p->first + s - 1) - 1);
    char *want = marks_payload(p->job_no, p->seq, s, p->sheets);

    g_assert_cmpstr(got, ==, want);
    g_free(got);
    g_free(want);
    g_free(pdf);
}

/* ---- page trees and the page cap ---------------------------------------------------------- */

static void test_million_refs(void)
{
    assert_failed("a-million-refs", "pdf-too-many-pages");
}

/* Dropped right after the bomb: accepted, planned and printed in the same run. */
static void test_good_after_bomb(void)
{
    json_t *l = letter_of("b-good");
    struct piece p;

    g_assert_cmpstr(fx_intake_state(l), ==, "ACCEPTED");
    piece_of("b-good", &p);
    assert_mark(&p, 2);
    piece_free(&p);
    json_decref(l);
}

static void test_100k_refs(void)
{
    assert_failed("c-100k-refs", "pdf-too-many-pages");
}

static void test_page_twice(void)
{
    assert_failed("d-page-twice", "pdf-invalid");
}

static void test_max_pages(void)
{
    json_t *l = letter_of("f-at-max-pages");

    /* 12 + 12 pages: the second document is over the letter's remaining 8 */
    assert_failed("e-over-max-pages", "pdf-too-many-pages");
    g_assert_cmpstr(fx_intake_state(l), ==, "ACCEPTED"); /* 10 + 10: exactly the cap */
    g_assert_cmpint(json_integer_value(json_object_get(l, "pages")), ==, MAX_PAGES);
    json_decref(l);
}

/* ---- geometry ------------------------------------------------------------------------------ */

static void test_bleed_accepted(void)
{
    struct piece p;
    double box[4];
    int rot;
    char *pdf;

    piece_of("g-bleed", &p);
    pdf = job_pdf(&p);
    out_box(pdf, 2 * p.first + 1, box, &rot); /* cropped to A4 */
    g_assert_cmpfloat(box[2] - box[0], >, 595.2);
    g_assert_cmpfloat(box[2] - box[0], <, 595.3);
    g_assert_cmpfloat(box[3] - box[1], >, 841.8);
    g_assert_cmpfloat(box[3] - box[1], <, 841.9);
    g_free(pdf);
    piece_free(&p);
}

static void test_landscape_turned(void)
{
    struct piece p;
    double box[4];
    int rot;
    char *pdf;

    piece_of("h-landscape", &p);
    pdf = job_pdf(&p);
    /* landscape user space, /Rotate 90: it displays and prints portrait */
    out_box(pdf, 2 * p.first + 1, box, &rot);
    g_assert_cmpint(rot, ==, 90);
    g_assert_cmpfloat(box[2] - box[0], >, 841.8);
    g_assert_cmpfloat(box[2] - box[0], <, 841.9);
    g_assert_cmpfloat(box[3] - box[1], >, 595.2);
    g_assert_cmpfloat(box[3] - box[1], <, 595.3);
    assert_mark(&p, 2); /* the mark lands in the portrait sheet's margin */
    g_free(pdf);
    piece_free(&p);
}

static void test_eco_landscape(void)
{
    json_t *l = letter_of("i-eco-landscape");
    struct piece p;

    piece_of("i-eco-landscape", &p);
    g_assert_cmpstr(p.layout, ==, "normal");
    g_assert_true(g_str_has_prefix(json_string_value(json_object_get(l, "layout_reason")),
                                   "eco-page-landscape"));
    piece_free(&p);
    json_decref(l);
}

static void test_rotate_45(void)
{
    assert_failed("j-rotate-45", "pdf-rotate");
}

/* ---- annotations -------------------------------------------------------------------------- */

static void test_mark_not_covered(void)
{
    struct piece p;

    piece_of("k-over-mark", &p);
    g_assert_cmpstr(p.layout, ==, "normal");
    assert_mark(&p, 2); /* page 1 of the letter, where the white square lies */
    piece_free(&p);
}

static void test_eco_address_not_covered(void)
{
    struct piece p;
    char *pdf;
    GPtrArray *w;

    piece_of("l-eco-over-address", &p);
    g_assert_cmpstr(p.layout, ==, "eco"); /* white is not ink: the field is blank */
    pdf = job_pdf(&p);
    g_assert_cmpint(out_dark(pdf, 2 * p.first - 1, 23, 46, 95, 31), >, 100); /* printed */
    w = out_words(pdf, 2 * p.first - 1);
    g_assert_nonnull(out_find(w, "Hansen"));
    g_assert_nonnull(out_find(w, "OSLO"));
    g_ptr_array_free(w, TRUE);
    assert_mark(&p, 1);
    g_free(pdf);
    piece_free(&p);
}

static void test_eco_ink_annotation(void)
{
    json_t *l = letter_of("m-eco-ink-annot");
    struct piece p;
    char *pdf;
    int page;

    piece_of("m-eco-ink-annot", &p);
    g_assert_cmpstr(p.layout, ==, "normal");
    g_assert_true(g_str_has_prefix(json_string_value(json_object_get(l, "layout_reason")),
                                   "eco-field-not-blank"));
    /* flattened exactly onto its /Rect (40-90 × 10-30 mm), whatever its BBox and Matrix */
    pdf = job_pdf(&p);
    page = 2 * p.first + 1;
    g_assert_cmpint(out_dark(pdf, page, 41, 11, 48, 18), >, 1000);
    g_assert_cmpint(out_dark(pdf, page, 40, 31, 50, 5), ==, 0);
    g_assert_cmpint(out_dark(pdf, page, 91, 10, 10, 20), ==, 0);
    g_free(pdf);
    piece_free(&p);
    json_decref(l);
}

/* ---- actions ------------------------------------------------------------------------------ */

/* The PDF rewritten by qpdf as QDF: every object uncompressed, outside object streams. */
static char *qdf(const struct bytes *pdf, size_t *len)
{
    qpdf_data q = qpdf_init();
    char *text;

    qpdf_silence_errors(q);
    g_assert_false(qpdf_read_memory(q, "qdf", (const char *)pdf->data, pdf->len, NULL) &
                   QPDF_ERRORS);
    qpdf_init_write_memory(q);
    qpdf_set_qdf_mode(q, QPDF_TRUE);
    qpdf_set_object_stream_mode(q, qpdf_o_disable);
    qpdf_set_decode_level(q, qpdf_dl_generalized);
    g_assert_false(qpdf_write(q) & QPDF_ERRORS);
    *len = qpdf_get_buffer_length(q);
    text = g_memdup2(qpdf_get_buffer(q), *len);
    qpdf_cleanup(&q);
    return text;
}

/* How often a PDF name occurs as a whole token. */
static int name_count(const char *buf, size_t len, const char *name)
{
    size_t n = strlen(name), i;
    int count = 0;

    for (i = 0; i + n <= len; i++)
        if (memcmp(buf + i, name, n) == 0 &&
            (i + n == len || strchr(" \t\r\n\f/<>[]()%", buf[i + n])))
            count++;
    return count;
}

static const char *const banned[] = {"/JavaScript", "/JS", "/Launch", "/AA", "/OpenAction",
                                     "/Annots", "/EmbeddedFiles", "/AcroForm", NULL};

static void test_no_actions(void)
{
    struct piece p;
    struct bytes job = {0};
    char *pdf, *src, *out;
    size_t ls, lo;
    int i;

    piece_of("n-actions", &p);
    pdf = job_pdf(&p);
    g_assert_cmpint(fsio_read_file(pdf, 1u << 28, &job), ==, 0);
    src = qdf(&actions_src, &ls);
    out = qdf(&job, &lo);
    for (i = 0; banned[i]; i++) {
        g_assert_cmpint(name_count(src, ls, banned[i]), >, 0); /* the fixture has them */
        if (name_count(out, lo, banned[i]) != 0)
            g_error("job.pdf contains %s", banned[i]);
    }
    g_free(src);
    g_free(out);
    bytes_free(&job);
    g_free(pdf);
    piece_free(&p);
}

/* The letter's log line counts what was flattened and dropped, by letter id only. */
static void test_annotation_log(void)
{
    json_t *l = letter_of("n-actions");
    char *want = g_strdup_printf("letter %s: 1 annotation(s) flattened into the page, 2 "
                                 "without a printable appearance dropped",
                                 json_string_value(json_object_get(l, "id")));

    g_assert_nonnull(close_log);
    g_assert_nonnull(strstr(close_log, want));
    g_assert_null(strstr(close_log, "Hansen"));
    g_free(want);
    json_decref(l);
}

int main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    fx_init(&fx, EXTRA);
    setup_spool();
    g_test_add_func("/hostile-pdf/million-refs", test_million_refs);
    g_test_add_func("/hostile-pdf/good-after-bomb", test_good_after_bomb);
    g_test_add_func("/hostile-pdf/100k-refs", test_100k_refs);
    g_test_add_func("/hostile-pdf/page-twice", test_page_twice);
    g_test_add_func("/hostile-pdf/max-pages", test_max_pages);
    g_test_add_func("/hostile-pdf/bleed-accepted", test_bleed_accepted);
    g_test_add_func("/hostile-pdf/landscape-turned", test_landscape_turned);
    g_test_add_func("/hostile-pdf/eco-landscape", test_eco_landscape);
    g_test_add_func("/hostile-pdf/rotate-45", test_rotate_45);
    g_test_add_func("/hostile-pdf/mark-not-covered", test_mark_not_covered);
    g_test_add_func("/hostile-pdf/eco-address-not-covered", test_eco_address_not_covered);
    g_test_add_func("/hostile-pdf/eco-ink-annotation", test_eco_ink_annotation);
    g_test_add_func("/hostile-pdf/no-actions", test_no_actions);
    g_test_add_func("/hostile-pdf/annotation-log", test_annotation_log);
    rc = g_test_run();
    bytes_free(&actions_src);
    g_free(close_log);
    fx_free(&fx);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_render.c - what comes out of the printer, checked the way a print room would.
 *
 * One spool with a window stock and DataMatrix marks: normal and eco letters, a press
 * letter (CMYK, a PANTONE spot colour, a CMYK image, an embedded font), an eco letter with
 * text in its window field, a rotated letter, an oversized page, a C4 letter. A second
 * spool with windowless stock and OMR marks. Every assertion reads the output: text
 * positions, decoded DataMatrix codes, ink per plate, raw streams, page boxes, counts.
 */
#include <string.h>
#include <glib/gstdio.h>
#include "common/fixture.h"
#include "outputs.h"
#include "render/render.h"

#define NOW "2026-11-20T10:00:00+01:00"
#define EXTRA "[ea]\nagreement=0999\nservice_level=2\nreturn_address=Trykk AS;Returpost EA;" \
              "Postboks 1;0001 OSLO\n[render]\nreprint_max_percent=100\n" \
              "[sender." FX_OTHER "]\nlayout=eco\n"

static struct fixture fx;
static const char *const env_now[] = {"TRYKK_NOW", NOW, NULL};

struct piece {
    char *code, *letter, *job, *layout, *envelope;
    int first, last, sheets;
    double weight;
};

static void letter_defaults(struct forge_letter *l, const char *navn)
{
    fx_letter(&fx, l);
    l->navn = navn;
    l->adresse = "Storgata 1";
    l->postnummer = "0155";
    l->poststed = "OSLO";
    l->colour = "SORT_HVIT";
    l->posttype = "B";
    l->return_handling = "DIREKTE_RETUR";
    l->store_documents = true;
}

static void drop(const char *name, struct forge_letter *l)
{
    fx_drop_letter(&fx, name, 'b', l);
}

static char *letter_id(const char *entry)
{
    json_t *l = fx_letter_by_entry(&fx, entry);
    char *id;

    g_assert_nonnull(l);
    id = g_strdup(json_string_value(json_object_get(l, "id")));
    json_decref(l);
    return id;
}

static void piece_free(void *ptr)
{
    struct piece *p = ptr;

    g_free(p->code);
    g_free(p->letter);
    g_free(p->job);
    g_free(p->layout);
    g_free(p->envelope);
    g_free(p);
}

/* Every piece of every published job, from the pieces.csv files. */
static GHashTable *pieces(const char *spool)
{
    char *jobs = g_build_filename(spool, "jobs", NULL);
    GHashTable *by_letter = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, piece_free);
    GDir *d = g_dir_open(jobs, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        char *csv = g_build_filename(jobs, name, "pieces.csv", NULL), *text = fx_read(csv);
        char **lines = g_strsplit(text ? text : "", "\r\n", -1);
        int i;
        for (i = 1; lines[i] && *lines[i]; i++) {
            char **f = g_strsplit(lines[i], ",", -1);
            struct piece *p = g_new0(struct piece, 1);
            g_assert_cmpint(g_strv_length(f), ==, 14);
            g_assert_true(strcmp(f[13], "innland") == 0 || strcmp(f[13], "europa") == 0 ||
                          strcmp(f[13], "verden") == 0);
            p->code = g_strdup(f[0]);
            p->job = g_strdup(f[1]);
            p->letter = g_strdup(f[3]);
            p->first = atoi(f[4]);
            p->last = atoi(f[5]);
            p->sheets = atoi(f[6]);
            p->layout = g_strdup(f[7]);
            p->envelope = g_strdup(f[8]);
            p->weight = g_ascii_strtod(f[9], NULL);
            /* a reprint replaces the original in this map */
            g_hash_table_replace(by_letter, p->letter, p);
            g_strfreev(f);
        }
        g_strfreev(lines);
        g_free(text);
        g_free(csv);
    }
    if (d)
        g_dir_close(d);
    g_free(jobs);
    return by_letter;
}

static char *job_pdf(const char *spool, const struct piece *p, const char *file)
{
    return g_build_filename(spool, "jobs", p->job, file, NULL);
}

static struct piece *piece_of(GHashTable *all, const char *entry)
{
    char *id = letter_id(entry);
    struct piece *p = g_hash_table_lookup(all, id);

    g_assert_nonnull(p);
    g_free(id);
    return p;
}

/* The window of the C5 stock less its 4 mm inset: 19-116 × 48-75 mm. */
static void assert_in_window(const struct word *w)
{
    g_assert_nonnull(w);
    g_assert_cmpfloat(w->x0, >=, 19);
    g_assert_cmpfloat(w->x1, <=, 116);
    g_assert_cmpfloat(w->y0, >=, 48);
    g_assert_cmpfloat(w->y1, <=, 75);
}

static void run_and_close(struct fixture *f)
{
    const char *run[] = {"run", NULL}, *close[] = {"job", "close", "--all", NULL};

    g_assert_cmpint(fx_trykk(f, NULL, run, env_now), ==, 0);
    g_assert_cmpint(fx_trykk(f, NULL, close, env_now), ==, 0);
}

/* ---- the window spool ------------------------------------------------------------------- */

static GHashTable *all;

static void setup_window_spool(void)
{
    struct forge_letter l;

    letter_defaults(&l, "Åse Øvrebø");
    l.pdf.pages = 3;
    l.pdf.press = true;
    drop("press", &l);
    letter_defaults(&l, "Per Hansen");
    l.pdf.pages = 1;
    drop("plain-1", &l);
    letter_defaults(&l, "Kari Nordmann");
    l.return_handling = "MAKULERING_MED_MELDING";
    drop("ea", &l);
    letter_defaults(&l, "Ingrid Berg");
    l.pdf.rotate = 90;
    drop("rotated", &l);
    letter_defaults(&l, "Ola Nordmann");
    l.pdf.width_mm = 215;
    l.pdf.height_mm = 305;
    drop("oversize", &l);
    letter_defaults(&l, "Lang Brevsen");
    l.pdf.pages = 16;
    drop("c4", &l);
    letter_defaults(&l, "Ánde Ŋuolbma");
    l.signer = &fx.other_org;
    l.sender_orgnr = FX_OTHER;
    l.pdf.pages = 3;
    drop("eco", &l);
    letter_defaults(&l, "Liv Vindu");
    l.signer = &fx.other_org;
    l.sender_orgnr = FX_OTHER;
    l.pdf.window_text = true;
    drop("eco-not-blank", &l);
    run_and_close(&fx);
    all = pieces(fx.spool);
}

static void test_normal_sheets(void)
{
    struct piece *p = piece_of(all, "press");
    char *pdf = job_pdf(fx.spool, p, "job.pdf");
    int first = 2 * p->first - 1;
    GPtrArray *w;

    /* cover + blank back, 3 pages + a blank back: 3 sheets, 6 pages */
    g_assert_cmpstr(p->layout, ==, "normal");
    g_assert_cmpstr(p->envelope, ==, "C5");
    g_assert_cmpint(p->sheets, ==, 3);
    g_assert_cmpfloat(p->weight, ==, 21.5); /* 3 × 5 g + 6.5 g */
    w = out_words(pdf, first);
    assert_in_window(out_find(w, "Øvrebø"));
    assert_in_window(out_find(w, "0155"));
    g_ptr_array_free(w, TRUE);
    w = out_words(pdf, first + 1); /* the cover's back */
    g_assert_cmpint(w->len, ==, 0);
    g_ptr_array_free(w, TRUE);
    w = out_words(pdf, first + 2); /* the letter's page 1 */
    g_assert_nonnull(out_find(w, "Vedtak"));
    g_ptr_array_free(w, TRUE);
    w = out_words(pdf, first + 5); /* blank back after page 3 */
    g_assert_cmpint(w->len, ==, 0);
    g_ptr_array_free(w, TRUE);
    g_assert_cmpint(out_dark(pdf, first + 5, 0, 0, 210, 297), ==, 0);
    g_free(pdf);
}

static void test_datamatrix(void)
{
    struct piece *p = piece_of(all, "press");
    char *pdf = job_pdf(fx.spool, p, "job.pdf"), *want, *got;
    int job_no = atoi(p->code) / 100000, seq = atoi(p->code + 6), s;

    for (s = 1; s <= p->sheets; s++) {
        got = out_datamatrix(pdf, 2 * (p->first + s - 1) - 1);
        want = marks_payload(job_no, seq, s, p->sheets);
        g_assert_cmpstr(got, ==, want);
        {   /* the check digit is the Luhn digit of what precedes "C" */
            char *body = g_strndup(want, strlen(want) - 2);
            g_assert_cmpint(marks_check_digit(body), ==, want[strlen(want) - 1] - '0');
            g_free(body);
        }
        g_free(got);
        g_free(want);
    }
    /* the back of a sheet carries no mark */
    g_assert_cmpint(out_dark(pdf, 2 * p->first, 0, 95, 15, 80), ==, 0);
    g_free(pdf);
}

static void test_lossless(void)
{
    struct piece *p = piece_of(all, "press");
    char *pdf = job_pdf(fx.spool, p, "job.pdf");
    struct bytes out = {0};
    struct forge_pdf o = {.pages = 3, .body = "Vedtak", .press = true};
    struct bytes in = {0};
    GPtrArray *in_img, *out_img, *in_font, *out_font;
    guint i, k;

    /* the sender's PDF again (the forge is deterministic) */
    g_assert_cmpint(forge_pdf_make(&o, &in), ==, 0);
    g_assert_cmpint(fsio_read_file(pdf, 1u << 28, &out), ==, 0);
    in_img = out_streams(&in, "image");
    in_font = out_streams(&in, "font");
    out_img = out_streams(&out, "image");
    out_font = out_streams(&out, "font");
    g_assert_cmpint(in_img->len, >=, 1);
    g_assert_cmpint(in_font->len, >=, 1);
    for (i = 0; i < in_img->len; i++) {
        for (k = 0; k < out_img->len && strcmp(in_img->pdata[i], out_img->pdata[k]); k++)
            ;
        g_assert_cmpuint(k, <, out_img->len); /* byte-identical image stream */
    }
    for (i = 0; i < in_font->len; i++) {
        for (k = 0; k < out_font->len && strcmp(in_font->pdata[i], out_font->pdata[k]); k++)
            ;
        g_assert_cmpuint(k, <, out_font->len); /* byte-identical font program */
    }
    g_ptr_array_free(in_img, TRUE);
    g_ptr_array_free(in_font, TRUE);
    g_ptr_array_free(out_img, TRUE);
    g_ptr_array_free(out_font, TRUE);
    bytes_free(&in);
    bytes_free(&out);
    g_free(pdf);
}

static bool has_plate(GPtrArray *plates, const char *name)
{
    guint i;

    for (i = 0; i < plates->len; i++)
        if (strcmp(plates->pdata[i], name) == 0)
            return true;
    return false;
}

static void test_separations(void)
{
    struct piece *p = piece_of(all, "press");
    char *pdf = job_pdf(fx.spool, p, "job.pdf");
    int cover = 2 * p->first - 1;
    double ink[4];
    GPtrArray *plates;

    /* the cover sheet is engine content only: all of it on the K plate */
    out_inkcov(pdf, cover, ink);
    g_assert_cmpfloat(ink[0], ==, 0);
    g_assert_cmpfloat(ink[1], ==, 0);
    g_assert_cmpfloat(ink[2], ==, 0);
    g_assert_cmpfloat(ink[3], >, 0);
    /* the sender's page keeps its process colours and its spot plate */
    plates = out_plates(pdf, cover + 2);
    g_assert_true(has_plate(plates, "PANTONE 286 C"));
    g_ptr_array_free(plates, TRUE);
    out_inkcov(pdf, cover + 2, ink);
    g_assert_cmpfloat(ink[1], >, 0); /* magenta of the CMYK fill */
    g_assert_cmpfloat(ink[2], >, 0); /* yellow */
    g_free(pdf);
}

static void test_eco(void)
{
    struct piece *p = piece_of(all, "eco");
    char *pdf = job_pdf(fx.spool, p, "job.pdf");
    int first = 2 * p->first - 1;
    GPtrArray *w;

    g_assert_cmpstr(p->layout, ==, "eco");
    g_assert_cmpint(p->sheets, ==, 2); /* 3 pages, no cover */
    w = out_words(pdf, first);
    assert_in_window(out_find(w, "Ŋuolbma"));
    g_assert_nonnull(out_find(w, "Vedtak")); /* page 1 is the letter itself */
    g_ptr_array_free(w, TRUE);
    g_assert_cmpint(out_dark(pdf, first + 3, 0, 0, 210, 297), ==, 0); /* blank back */
    g_free(pdf);
}

static void test_eco_fallback(void)
{
    struct piece *p = piece_of(all, "eco-not-blank");
    json_t *l = fx_letter_by_entry(&fx, "eco-not-blank");
    char *pdf = job_pdf(fx.spool, p, "job.pdf");
    GPtrArray *w;

    g_assert_cmpstr(p->layout, ==, "normal");
    g_assert_true(g_str_has_prefix(json_string_value(json_object_get(l, "layout_reason")),
                                   "eco-field-not-blank"));
    w = out_words(pdf, 2 * p->first - 1); /* a cover sheet, without the letter's text */
    assert_in_window(out_find(w, "Vindu"));
    g_assert_null(out_find(w, "Vedtak"));
    g_ptr_array_free(w, TRUE);
    json_decref(l);
    g_free(pdf);
}

static void test_rotated_and_oversize(void)
{
    struct piece *r = piece_of(all, "rotated"), *o = piece_of(all, "oversize");
    char *pdf = job_pdf(fx.spool, r, "job.pdf"), *dm, *want;
    double box[4];
    int rot;

    /* /Rotate 90 kept; the box is A4 on its side; the mark lands in the displayed margin */
    out_box(pdf, 2 * r->first + 1, box, &rot);
    g_assert_cmpint(rot, ==, 90);
    g_assert_cmpfloat(box[2] - box[0], >, 841);
    g_assert_cmpfloat(box[2] - box[0], <, 842);
    dm = out_datamatrix(pdf, 2 * r->first + 1);
    want = marks_payload(atoi(r->code) / 100000, atoi(r->code + 6), 2, r->sheets);
    g_assert_cmpstr(dm, ==, want);
    g_free(dm);
    g_free(want);
    g_free(pdf);
    /* 215 × 305 mm is cropped to A4 at the right and bottom, not scaled */
    pdf = job_pdf(fx.spool, o, "job.pdf");
    out_box(pdf, 2 * o->first + 1, box, &rot);
    g_assert_cmpfloat(box[2] - box[0], >, 595.2);
    g_assert_cmpfloat(box[2] - box[0], <, 595.3);
    g_assert_cmpfloat(box[3] - box[1], >, 841.8);
    g_assert_cmpfloat(box[3] - box[1], <, 841.9);
    g_free(pdf);
}

static void test_envelope_choice(void)
{
    struct piece *c4 = piece_of(all, "c4");

    g_assert_cmpstr(c4->envelope, ==, "C4");
    g_assert_cmpint(c4->sheets, ==, 9);     /* 8 content sheets + cover */
    g_assert_cmpfloat(c4->weight, ==, 62); /* 9 × 5 g + 17 g */
}

static void test_ea_line(void)
{
    struct piece *p = piece_of(all, "ea");
    char *pdf = job_pdf(fx.spool, p, "job.pdf");
    GPtrArray *w = out_words(pdf, 2 * p->first - 1);
    const struct word *ea = NULL, *name = out_find(w, "Kari");
    guint i;

    for (i = 0; i < w->len; i++) /* the EA mark, not "EA" in the return address at the top */
        if (strcmp(((struct word *)w->pdata[i])->text, "EA") == 0 &&
            ((struct word *)w->pdata[i])->y0 > 40)
            ea = w->pdata[i];

    assert_in_window(ea);
    assert_in_window(name);
    g_assert_cmpfloat(ea->y1, <=, name->y0 + 0.5); /* the EA line is above the name */
    /* the sending agency, in care of the provider whose EA address it is; postcode kept */
    g_assert_nonnull(out_find(w, "Testetaten,"));
    g_assert_nonnull(out_find(w, "c/o"));
    g_assert_nonnull(out_find(w, "0001"));
    g_ptr_array_free(w, TRUE);
    g_free(pdf);
}

static void test_ticket(void)
{
    struct piece *p = piece_of(all, "press");
    char *jdf = job_pdf(fx.spool, p, "job.jdf"), *text = fx_read(jdf), *pdf;
    char *want;

    g_assert_nonnull(strstr(text, "Sides=\"TwoSidedFlipY\""));
    g_assert_nonnull(strstr(text, "URL=\"job.pdf\""));
    pdf = job_pdf(fx.spool, p, "job.pdf");
    want = g_strdup_printf("NPage=\"%d\"", out_pages(pdf));
    g_assert_nonnull(strstr(text, want));
    g_free(want);
    g_free(pdf);
    g_free(text);
    g_free(jdf);
}

/* Same input, same clock: the same bytes. */
static void test_reproducible(void)
{
    struct piece *p = piece_of(all, "plain-1");
    char *spool2 = g_build_filename(fx.root, "spool2", NULL), *a, *b, *pa, *pb;
    char *entry = g_build_filename(fx.spool, "accepted", p->letter, NULL);
    const char *init[] = {"--spool", spool2, "init", NULL};
    const char *run[] = {"--spool", spool2, "run", NULL};
    const char *close[] = {"--spool", spool2, "job", "close", "--all", NULL};
    GHashTable *again;
    struct piece *q;
    gsize la, lb;

    g_assert_cmpint(fx_trykk(&fx, NULL, init, NULL), ==, 0);
    {   /* hand the identical carrier directory to the second spool */
        char *dst = g_build_filename(spool2, "incoming", "plain-1", NULL);
        const char *cp[] = {"cp", "-r", entry, dst, NULL};
        g_free(out_run(cp));
        g_free(dst);
    }
    g_assert_cmpint(fx_trykk(&fx, NULL, run, env_now), ==, 0);
    g_assert_cmpint(fx_trykk(&fx, NULL, close, env_now), ==, 0);
    again = pieces(spool2);
    g_assert_cmpint(g_hash_table_size(again), ==, 1);
    {
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, again);
        g_assert_true(g_hash_table_iter_next(&it, &k, &v));
        q = v;
    }
    pa = job_pdf(spool2, q, "job.pdf");
    g_assert_cmpint(out_pages(pa), ==, 4);
    /* a second, independent spool from the same bytes */
    {
        char *spool3 = g_build_filename(fx.root, "spool3", NULL);
        char *dst = g_build_filename(spool3, "incoming", "plain-1", NULL);
        const char *init3[] = {"--spool", spool3, "init", NULL};
        const char *run3[] = {"--spool", spool3, "run", NULL};
        const char *close3[] = {"--spool", spool3, "job", "close", "--all", NULL};
        const char *cp[] = {"cp", "-r", entry, dst, NULL};
        g_assert_cmpint(fx_trykk(&fx, NULL, init3, NULL), ==, 0);
        g_free(out_run(cp));
        g_assert_cmpint(fx_trykk(&fx, NULL, run3, env_now), ==, 0);
        g_assert_cmpint(fx_trykk(&fx, NULL, close3, env_now), ==, 0);
        pb = g_build_filename(spool3, "jobs", q->job, "job.pdf", NULL);
        g_free(spool3);
        g_free(dst);
    }
    g_assert_true(g_file_get_contents(pa, &a, &la, NULL));
    g_assert_true(g_file_get_contents(pb, &b, &lb, NULL));
    g_assert_cmpuint(la, ==, lb);
    g_assert_true(memcmp(a, b, la) == 0);
    g_free(a);
    g_free(b);
    g_free(pa);
    g_free(pb);
    g_free(entry);
    g_free(spool2);
    g_hash_table_destroy(again);
}

static void test_reconcile(void)
{
    struct piece *p = piece_of(all, "press");
    char *job = g_strdup(p->job), *log = g_build_filename(fx.root, "scan.log", NULL), *err = NULL;
    const char *rec[] = {"reconcile", job, log, "--json", NULL};
    GHashTableIter it;
    gpointer k, v;
    GPtrArray *codes = g_ptr_array_new();
    GString *s = g_string_new("piece,result\n");
    json_t *jobs;
    int rc;

    g_hash_table_iter_init(&it, all);
    while (g_hash_table_iter_next(&it, &k, &v))
        if (strcmp(((struct piece *)v)->job, job) == 0)
            g_ptr_array_add(codes, ((struct piece *)v)->code);
    g_ptr_array_sort(codes, (GCompareFunc)g_strcmp0);
    g_assert_cmpuint(codes->len, >=, 4);
    /* first missing, second seen twice, third damaged, the rest fine */
    g_string_append_printf(s, "%s\n%s\n%s,DAMAGED\n", (char *)codes->pdata[1],
                           (char *)codes->pdata[1], (char *)codes->pdata[2]);
    for (guint i = 3; i < codes->len; i++)
        g_string_append_printf(s, "%s,OK\n", (char *)codes->pdata[i]);
    g_assert_true(g_file_set_contents(log, s->str, -1, NULL));
    rc = fx_trykk(&fx, &err, rec, env_now);
    g_assert_cmpint(rc, ==, 1);
    g_free(err);
    /* run it again: nothing is reprinted twice */
    g_assert_cmpint(fx_trykk(&fx, NULL, rec, env_now), ==, 1);
    {
        char *db = g_build_filename(fx.spool, "ledger", "trykk.db", NULL);
        struct ledger *l;
        size_t i;
        json_t *j;
        int children = 0, reprinted = 0;
        g_assert_cmpint(ledger_open(&l, db, &err), ==, 0);
        jobs = ledger_jobs_json(l, NULL, NULL);
        json_array_foreach(jobs, i, j) {
            const char *parent = json_string_value(json_object_get(j, "reprint_of"));
            if (parent && strcmp(parent, job) == 0) {
                children++;
                reprinted += (int)json_integer_value(json_object_get(j, "letters"));
                g_assert_cmpstr(json_string_value(json_object_get(j, "state")), ==, "CLOSED");
            }
        }
        g_assert_cmpint(children, ==, 1);
        g_assert_cmpint(reprinted, ==, 2); /* the missing and the damaged piece */
        json_decref(jobs);
        ledger_close(l);
        g_free(db);
    }
    g_ptr_array_free(codes, TRUE);
    g_string_free(s, TRUE);
    g_free(log);
    g_free(job);
}

/* ---- windowless stock with OMR marks ----------------------------------------------------- */

static void test_windowless_omr(void)
{
    struct fixture fw;
    struct forge_letter l;
    struct fixture saved = fx;
    GHashTable *w;
    GHashTableIter it;
    gpointer k, v;
    struct piece *p;
    char *env, *text, *pdf, *want;
    const char *txt[] = {"pdftotext", NULL, "-", NULL};
    struct marks mk;
    char *err = NULL;
    int s, i;

    fx_init(&fw, EXTRA "[render]\nstock=plain\nmarks=omr\n");
    fx = fw;
    letter_defaults(&l, "Åse Øvrebø");
    l.pdf.pages = 3;
    drop("plain", &l);
    run_and_close(&fw);
    w = pieces(fw.spool);
    g_hash_table_iter_init(&it, w);
    g_assert_true(g_hash_table_iter_next(&it, &k, &v));
    p = v;
    g_assert_cmpstr(p->layout, ==, "windowless");
    g_assert_cmpint(p->sheets, ==, 2);
    env = job_pdf(fw.spool, p, "envelopes.pdf");
    txt[1] = env;
    text = out_run(txt);
    g_assert_nonnull(text);
    g_assert_nonnull(strstr(text, "Åse Øvrebø"));
    g_assert_nonnull(strstr(text, "0155 OSLO"));
    want = g_strdup_printf("Forsendelse %s", p->code);
    g_assert_nonnull(strstr(text, want)); /* the face names the content's piece */
    /* OMR: BM and SAF on every front, EOC on the last sheet only, even parity */
    pdf = job_pdf(fw.spool, p, "job.pdf");
    g_assert_cmpint(marks_load(&mk, "marks-omr", &err), ==, 0);
    for (s = 1; s <= p->sheets; s++) {
        unsigned bits = 0, n = 0;
        for (i = 0; i < mk.positions; i++)
            if (out_dark(pdf, 2 * s - 1, mk.x + 1, mk.y + i * mk.pitch, mk.bar_length - 2,
                         mk.bar_thickness) > 20) {
                bits |= 1u << i;
                n++;
            }
        g_assert_cmpuint(bits, ==, omr_bits(&mk, s, p->sheets, p->first + s - 1));
        g_assert_true(bits & 1u);                        /* BM */
        g_assert_true(bits & (1u << (mk.positions - 1))); /* SAF */
        g_assert_cmpuint(n % 2, ==, 0);
    }
    marks_free(&mk);
    g_free(want);
    g_free(text);
    g_free(env);
    g_free(pdf);
    g_hash_table_destroy(w);
    fx_free(&fw);
    fx = saved;
}

int main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    fx_init(&fx, EXTRA);
    setup_window_spool();
    g_test_add_func("/render/normal-sheets", test_normal_sheets);
    g_test_add_func("/render/datamatrix", test_datamatrix);
    g_test_add_func("/render/lossless-streams", test_lossless);
    g_test_add_func("/render/separations", test_separations);
    g_test_add_func("/render/eco", test_eco);
    g_test_add_func("/render/eco-fallback", test_eco_fallback);
    g_test_add_func("/render/rotated-and-oversize", test_rotated_and_oversize);
    g_test_add_func("/render/envelope-choice", test_envelope_choice);
    g_test_add_func("/render/ea-line", test_ea_line);
    g_test_add_func("/render/ticket", test_ticket);
    g_test_add_func("/render/reproducible", test_reproducible);
    g_test_add_func("/render/reconcile", test_reconcile);
    g_test_add_func("/render/windowless-omr", test_windowless_omr);
    rc = g_test_run();
    g_hash_table_destroy(all);
    fx_free(&fx);
    return rc;
}

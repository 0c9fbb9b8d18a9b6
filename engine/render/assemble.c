/* SPDX-License-Identifier: Apache-2.0 */
/*
 * assemble.c - the print PDF of a job, with qpdf's C API.
 *
 * The sender's pages are copied as they are: their content streams, images, fonts and
 * colour spaces are written byte for byte (no decoding, no recompression). Before copying,
 * each page is made ready for print in its own document (page.c: printable annotations
 * flattened into the content, every other annotation, /AA and non-print key removed,
 * landscape turned), so no annotation or action reaches the job. Then the page dictionary
 * changes: its box becomes A4 anchored at the displayed top-left corner (larger pages are
 * cropped at the right and bottom, never scaled), and when the engine draws on a page its
 * /Contents becomes [q, the original streams, Q + the engine's form XObject] with
 * /Resources shallow-copied (shared dictionaries are never modified). The catalog is the
 * job's own: no /OpenAction, /AA, /Names or /AcroForm of a sender's document is copied.
 *
 * The engine's content comes from one Cairo document per job (compose.c); each of its pages
 * becomes a form XObject whose black and white (Cairo writes "0 0 0 rg", "1 1 1 rg") are
 * rewritten to DeviceGray, so it prints on the K plate only (white: the marks' knockout).
 * In a MANUAL job (inserted by hand) the senders' pages get no marks.
 */
#include <string.h>
#include "pdfpage.h"
#include "../util/error.h"

enum out_kind { OUT_LETTER, OUT_COVER, OUT_BLANK };

struct out_page {
    enum out_kind kind;
    int piece, doc, page; /* OUT_LETTER: which page */
    int deco;             /* engine content to stamp, or -1 */
};

struct job {
    const struct render_setup *rs;
    qpdf_data out, deco;
    struct bytes deco_pdf; /* must outlive deco */
    qpdf_data *src;       /* one per document of every piece */
    size_t nsrc;
    size_t *first_src;    /* index of each piece's first document in src */
    GArray *plan;         /* struct out_page */
    qpdf_oh *forms;       /* per deco page, in out */
    int npages;
    char **err;
};

static int qfail(struct job *j, qpdf_data q, const char *what)
{
    if (!qpdf_has_error(q))
        return 0;
    return error_first(j->err, "%s: %s", what, qpdf_get_error_full_text(q, qpdf_get_error(q)));
}

static qpdf_data qopen(const struct bytes *pdf, const char *name)
{
    qpdf_data q = qpdf_init();

    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    qpdf_read_memory(q, name, (const char *)pdf->data, pdf->len, NULL);
    return q;
}

/* Cairo's black and white, "0 0 0 rg" / "1 1 1 rg" (and RG) as whole tokens, ->
 * DeviceGray "0 g" / "1 g": the engine's text, bars and knockouts. */
static GString *black_to_gray(const unsigned char *buf, size_t len)
{
    GString *s = g_string_sized_new(len);
    size_t i = 0;

    while (i < len) {
        bool start = i == 0 || g_ascii_isspace(buf[i - 1]);
        char v = i + 8 <= len ? (char)buf[i] : 0;
        if (start && (v == '0' || v == '1') && buf[i + 1] == ' ' && buf[i + 2] == v &&
            buf[i + 3] == ' ' && buf[i + 4] == v && memcmp(buf + i + 5, " r", 2) == 0 &&
            (buf[i + 7] == 'g' || buf[i + 7] == 'G') &&
            (i + 8 == len || g_ascii_isspace(buf[i + 8]))) {
            g_string_append_c(s, v);
            g_string_append(s, buf[i + 7] == 'g' ? " g" : " G");
            i += 8;
        } else {
            g_string_append_c(s, (char)buf[i++]);
        }
    }
    return s;
}

/* Deco page i as a form XObject in the deco document, copied into the output. */
static qpdf_oh make_form(struct job *j, int i)
{
    qpdf_data d = j->deco;
    qpdf_oh page = qpdf_get_page_n(d, (size_t)i), form, dict;
    unsigned char *buf = NULL;
    size_t len = 0;
    GString *k;
    char *bbox;

    qpdf_oh_get_page_content_data(d, page, &buf, &len);
    k = black_to_gray(buf, len);
    free(buf);
    form = page_flate_stream(d, k->str, k->len);
    g_string_free(k, TRUE);
    dict = qpdf_oh_get_dict(d, form);
    qpdf_oh_replace_key(d, dict, "/Type", qpdf_oh_new_name(d, "/XObject"));
    qpdf_oh_replace_key(d, dict, "/Subtype", qpdf_oh_new_name(d, "/Form"));
    bbox = g_strdup_printf("[0 0 %.4f %.4f]", PT(j->rs->layout->page_w),
                           PT(j->rs->layout->page_h));
    qpdf_oh_replace_key(d, dict, "/BBox", qpdf_oh_parse(d, bbox));
    g_free(bbox);
    /* Only the resources: Cairo's /Group (a DeviceRGB blending space) stays behind. */
    qpdf_oh_replace_key(d, dict, "/Resources", qpdf_oh_get_key(d, page, "/Resources"));
    return qpdf_oh_copy_foreign_object(j->out, d, form);
}

/* ---- the sheet plan ----------------------------------------------------------------------- */

static void plan_add(struct job *j, enum out_kind k, int piece, int doc, int page, int deco)
{
    struct out_page o = {k, piece, doc, page, deco};

    g_array_append_val(j->plan, o);
}

/* Pages of piece i, sheet by sheet, drawing the engine's content for each front. */
static void plan_piece(struct job *j, struct deco *dc, const struct render_piece *p, int i,
                       struct render_stats *st)
{
    int cover = p->layout == LAYOUT_NORMAL, content = 0, m, n = 0, k = 0;
    size_t d;

    for (d = 0; d < p->ndocs; d++)
        content += qpdf_get_num_pages(j->src[j->first_src[i] + d]);
    m = cover + (content + 1) / 2;
    if (m != p->sheets && !*j->err)
        *j->err = g_strdup_printf("piece %s has %d sheets, planned %d: the package changed",
                                  p->code, m, p->sheets);
    if (cover) {
        deco_cover(dc, p, st);
        deco_marks(dc, p, ++n, m, p->first_sheet);
        plan_add(j, OUT_COVER, i, 0, 0, deco_next(dc));
        plan_add(j, OUT_BLANK, i, 0, 0, -1);
        st->blank_backs++;
    }
    for (d = 0; d < p->ndocs; d++) {
        int pages = qpdf_get_num_pages(j->src[j->first_src[i] + d]), pg;
        for (pg = 0; pg < pages; pg++, k++) {
            int deco = -1;
            if (k % 2 == 0) {
                bool stamp = k == 0 && p->layout == LAYOUT_ECO;
                if (stamp)
                    deco_stamp(dc, p, st);
                n++;
                if (!p->no_content_marks)
                    deco_marks(dc, p, n, m, p->first_sheet + n - 1);
                if (stamp || !p->no_content_marks)
                    deco = deco_next(dc);
            }
            plan_add(j, OUT_LETTER, i, (int)d, pg, deco);
        }
    }
    if (k % 2) {
        plan_add(j, OUT_BLANK, i, 0, 0, -1);
        st->blank_backs++;
    }
    st->sheets += m;
}

/* ---- pages -------------------------------------------------------------------------------- */

static int add_letter_page(struct job *j, const struct out_page *o)
{
    qpdf_data src = j->src[j->first_src[o->piece] + (size_t)o->doc];
    qpdf_data q = j->out;
    qpdf_oh page, xo;
    double box[4], cm[6];
    char *draw;

    qpdf_add_page(q, src, qpdf_get_page_n(src, (size_t)o->page), QPDF_FALSE);
    if (qfail(j, q, "copying a letter page") < 0)
        return -1;
    page = qpdf_get_page_n(q, (size_t)j->npages++);
    page_geometry(q, page, PT(j->rs->layout->page_w), PT(j->rs->layout->page_h), box, cm);
    page_set_box(q, page, box);
    if (o->deco >= 0) {
        xo = qpdf_oh_new_dictionary(q);
        qpdf_oh_replace_key(q, xo, "/TrykkD", j->forms[o->deco]);
        draw = g_strdup_printf("q %.4f %.4f %.4f %.4f %.4f %.4f cm /TrykkD Do Q\n", cm[0],
                               cm[1], cm[2], cm[3], cm[4], cm[5]);
        page_overlay(q, page, draw, xo);
        g_free(draw);
    }
    return qfail(j, q, "stamping a letter page");
}

/* A cover sheet or blank back: a new A4 page, with the engine's form when it has one. */
static int add_own_page(struct job *j, const struct out_page *o)
{
    qpdf_data q = j->out;
    char *dict = g_strdup_printf("<< /Type /Page /MediaBox [0 0 %.4f %.4f] /Resources << >> >>",
                                 PT(j->rs->layout->page_w), PT(j->rs->layout->page_h));
    qpdf_oh page = qpdf_oh_parse(q, dict);

    g_free(dict);
    if (o->deco >= 0) {
        static const char draw[] = "q /TrykkD Do Q\n";
        qpdf_oh res = qpdf_oh_parse(q, "<< /XObject << >> >>");
        qpdf_oh_replace_key(q, qpdf_oh_get_key(q, res, "/XObject"), "/TrykkD",
                            j->forms[o->deco]);
        qpdf_oh_replace_key(q, page, "/Resources", res);
        qpdf_oh_replace_key(q, page, "/Contents", page_flate_stream(q, draw, sizeof draw - 1));
    } else {
        qpdf_oh_replace_key(q, page, "/Contents", page_flate_stream(q, "", 0));
    }
    page = qpdf_make_indirect_object(q, page);
    qpdf_add_page(q, q, page, QPDF_FALSE);
    j->npages++;
    return qfail(j, q, "adding an engine page");
}

/* ---- the job ------------------------------------------------------------------------------ */

/* Every page of a document made ready for print (page.c); counts what was done. */
static void prepare_pages(qpdf_data q, struct page_fix *sum)
{
    int i, n = qpdf_get_num_pages(q);

    for (i = 0; i < n; i++) {
        struct page_fix f = {0};
        page_prepare(q, qpdf_get_page_n(q, (size_t)i), &f);
        sum->flattened += f.flattened;
        sum->dropped += f.dropped;
        sum->turned += f.turned;
    }
}

static void log_fixes(const struct render_piece *p, const struct page_fix *f)
{
    if (f->flattened || f->dropped)
        log_info("letter %s: %d annotation(s) flattened into the page, %d without a printable "
                 "appearance dropped", p->letter_id ? p->letter_id : p->code, f->flattened,
                 f->dropped);
}

static int open_sources(struct job *j, const struct render_piece *p, size_t n,
                        struct render_stats *st)
{
    size_t i, d, total = 0;

    for (i = 0; i < n; i++)
        total += p[i].ndocs;
    j->src = g_new0(qpdf_data, total + 1);
    j->first_src = g_new0(size_t, n + 1);
    for (i = 0; i < n; i++) {
        struct page_fix fix = {0};
        j->first_src[i] = j->nsrc;
        for (d = 0; d < p[i].ndocs; d++) {
            qpdf_data q = qopen(&p[i].docs[d], p[i].code);
            j->src[j->nsrc++] = q;
            if (qfail(j, q, p[i].code) < 0)
                return -1;
            qpdf_push_inherited_attributes_to_page(q);
            prepare_pages(q, &fix);
            if (qfail(j, q, p[i].code) < 0)
                return -1;
        }
        log_fixes(&p[i], &fix);
        st->annots_flattened += fix.flattened;
        st->annots_dropped += fix.dropped;
        st->turned += fix.turned;
    }
    return 0;
}

static int compose(struct job *j, const struct render_piece *p, size_t n,
                   struct render_stats *st)
{
    struct deco *dc = deco_open(j->rs);
    struct bytes pdf = {0};
    size_t i;
    int pages;

    for (i = 0; i < n; i++)
        plan_piece(j, dc, &p[i], (int)i, st);
    if (deco_close(dc, &pdf, j->err) < 0 || *j->err)
        return -1;
    /* qpdf reads the buffer lazily: it lives as long as the deco document. */
    j->deco = qopen(&pdf, "engine content");
    j->deco_pdf = pdf;
    if (qfail(j, j->deco, "engine content") < 0)
        return -1;
    pages = qpdf_get_num_pages(j->deco);
    j->forms = g_new0(qpdf_oh, (size_t)pages + 1);
    for (i = 0; i < (size_t)pages; i++)
        j->forms[i] = make_form(j, (int)i);
    return qfail(j, j->out, "engine content");
}

static int write_out(struct job *j, struct bytes *pdf)
{
    qpdf_data q = j->out;
    char *date = g_strdup_printf("D:%.4s%.2s%.2s%.2s%.2s%.2sZ", j->rs->date, j->rs->date + 5,
                                 j->rs->date + 8, j->rs->date + 11, j->rs->date + 14,
                                 j->rs->date + 17);

    qpdf_set_info_key(q, "/Producer", "trykk " TRYKK_VERSION);
    qpdf_set_info_key(q, "/Title", j->rs->title);
    qpdf_set_info_key(q, "/CreationDate", date);
    g_free(date);
    qpdf_init_write_memory(q);
    /* Lossless: no stream is decoded or recompressed; the engine's own are already Flate. */
    qpdf_set_decode_level(q, qpdf_dl_none);
    qpdf_set_compress_streams(q, QPDF_FALSE);
    qpdf_set_object_stream_mode(q, qpdf_o_generate);
    qpdf_set_deterministic_ID(q, QPDF_TRUE);
    qpdf_set_minimum_pdf_version(q, "1.5");
    qpdf_write(q);
    if (qfail(j, q, "writing the job") < 0)
        return -1;
    bytes_set(pdf, qpdf_get_buffer(q), qpdf_get_buffer_length(q));
    return 0;
}

static void job_free(struct job *j)
{
    size_t i;

    for (i = 0; i < j->nsrc; i++)
        qpdf_cleanup(&j->src[i]);
    if (j->deco)
        qpdf_cleanup(&j->deco);
    if (j->out)
        qpdf_cleanup(&j->out);
    bytes_free(&j->deco_pdf);
    g_free(j->src);
    g_free(j->first_src);
    g_free(j->forms);
    if (j->plan)
        g_array_free(j->plan, TRUE);
}

/*
 * render_job - the job's print PDF. Page by page of the plan: the sender's pages copied
 * as they are, cover sheets and blank backs made here, the engine's forms stamped on.
 */
int render_job(const struct render_setup *rs, const struct render_piece *p, size_t n,
               struct bytes *pdf, struct render_stats *st, char **err)
{
    struct job j = {0};
    guint i;
    int rc;

    memset(st, 0, sizeof *st);
    *err = NULL;
    j.rs = rs;
    j.err = err;
    j.plan = g_array_new(FALSE, FALSE, sizeof(struct out_page));
    j.out = qpdf_init();
    qpdf_silence_errors(j.out);
    qpdf_empty_pdf(j.out);
    rc = open_sources(&j, p, n, st);
    if (rc == 0)
        rc = compose(&j, p, n, st);
    for (i = 0; rc == 0 && i < j.plan->len; i++) {
        const struct out_page *o = &g_array_index(j.plan, struct out_page, i);
        rc = o->kind == OUT_LETTER ? add_letter_page(&j, o) : add_own_page(&j, o);
    }
    if (rc == 0)
        rc = write_out(&j, pdf);
    st->pages = j.npages;
    job_free(&j);
    return rc;
}

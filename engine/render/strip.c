/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strip.c - the mark area of every sheet front of a letter, side by side on one page.
 *
 * Looking for sender ink under the inserter marks takes one rendering per letter instead of
 * one per sheet front (each pdftoppm start costs tens of milliseconds). Each front page is
 * made ready for print like assembly does (page.c), turned into a form XObject, and drawn
 * onto one strip page, clipped to the marks' area (with knockout) and shifted into its own
 * tile: tile k shows exactly what front k prints there. Nothing is written to a file.
 * The strips of a planning batch are then joined into one document (strips_join), so the
 * whole batch takes one rendering.
 */
#include <string.h>
#include "pdfpage.h"
#include "../util/error.h"

struct strip {
    qpdf_data dst;
    qpdf_oh xobjects;
    GString *draw;
    struct rect_mm r;    /* the marks' area on the sheet, mm */
    double page_w, page_h; /* pt */
    int tiles;
    GArray *pages;       /* the letter's page number (1-based) of each tile */
};

/* The inverse of a PDF matrix [a b c d e f]. */
static void invert(const double m[6], double v[6])
{
    double det = m[0] * m[3] - m[1] * m[2];

    v[0] = m[3] / det;
    v[1] = -m[1] / det;
    v[2] = -m[2] / det;
    v[3] = m[0] / det;
    v[4] = -(v[0] * m[4] + v[2] * m[5]);
    v[5] = -(v[1] * m[4] + v[3] * m[5]);
}

/* Page n of src as tile s->tiles: its content as a form, drawn from A4 display space. */
static int add_tile(struct strip *s, qpdf_data src, int n)
{
    struct page_fix fix = {0};
    qpdf_oh page = qpdf_get_page_n(src, (size_t)n), p, form, dict;
    double box[4], cm[6], inv[6], tw = PT(s->r.w), x0 = s->tiles * tw;
    unsigned char *buf = NULL;
    size_t len = 0;
    char name[24], *bbox;

    page_prepare(src, page, &fix);
    qpdf_add_page(s->dst, src, page, QPDF_FALSE);
    if (qpdf_has_error(src) || qpdf_has_error(s->dst))
        return -1;
    p = qpdf_get_page_n(s->dst, (size_t)qpdf_get_num_pages(s->dst) - 1);
    page_geometry(s->dst, p, s->page_w, s->page_h, box, cm);
    qpdf_oh_get_page_content_data(s->dst, p, &buf, &len);
    form = page_flate_stream(s->dst, buf ? buf : (unsigned char *)"", buf ? len : 0);
    free(buf);
    dict = qpdf_oh_get_dict(s->dst, form);
    qpdf_oh_replace_key(s->dst, dict, "/Type", qpdf_oh_new_name(s->dst, "/XObject"));
    qpdf_oh_replace_key(s->dst, dict, "/Subtype", qpdf_oh_new_name(s->dst, "/Form"));
    bbox = g_strdup_printf("[%.4f %.4f %.4f %.4f]", box[0], box[1], box[2], box[3]);
    qpdf_oh_replace_key(s->dst, dict, "/BBox", qpdf_oh_parse(s->dst, bbox));
    g_free(bbox);
    qpdf_oh_replace_key(s->dst, dict, "/Resources", qpdf_oh_get_key(s->dst, p, "/Resources"));
    g_snprintf(name, sizeof name, "/T%d", s->tiles);
    qpdf_oh_replace_key(s->dst, s->xobjects, name, form);
    invert(cm, inv);
    /* clip to the tile; display space shifted so the marks' area lands in it */
    g_string_append_printf(s->draw, "q %.4f 0 %.4f %.4f re W n 1 0 0 1 %.4f %.4f cm "
                           "%.6f %.6f %.6f %.6f %.4f %.4f cm %s Do Q\n", x0, tw, PT(s->r.h),
                           x0 - PT(s->r.x), -(s->page_h - PT(s->r.y + s->r.h)), inv[0], inv[1],
                           inv[2], inv[3], inv[4], inv[5], name);
    s->tiles++;
    return qpdf_has_error(s->dst) ? -1 : 0;
}

/* The strip page alone: the front pages leave the page tree (their objects stay, used by
 * the forms). */
static void strip_page(struct strip *s)
{
    char *dict = g_strdup_printf("<< /Type /Page /MediaBox [0 0 %.4f %.4f] /Resources << >> >>",
                                 PT(s->r.w) * s->tiles, PT(s->r.h));
    qpdf_oh page = qpdf_oh_parse(s->dst, dict), res = qpdf_oh_new_dictionary(s->dst);
    int i;

    g_free(dict);
    for (i = qpdf_get_num_pages(s->dst); i-- > 0;)
        qpdf_remove_page(s->dst, qpdf_get_page_n(s->dst, (size_t)i));
    qpdf_oh_replace_key(s->dst, res, "/XObject", s->xobjects);
    qpdf_oh_replace_key(s->dst, page, "/Resources", res);
    qpdf_oh_replace_key(s->dst, page, "/Contents",
                        page_flate_stream(s->dst, s->draw->str, s->draw->len));
    page = qpdf_make_indirect_object(s->dst, page);
    qpdf_add_page(s->dst, s->dst, page, QPDF_FALSE);
}

static qpdf_data quiet(void)
{
    qpdf_data q = qpdf_init();

    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    return q;
}

static int failed(qpdf_data q, char **err)
{
    if (!qpdf_has_error(q))
        return 0;
    return error_first(err, "the mark areas: %s", qpdf_get_error_full_text(q, qpdf_get_error(q)));
}

/* Write q to memory into out; -1 and *err when qpdf fails. */
static int write_out(qpdf_data q, struct bytes *out, char **err)
{
    qpdf_init_write_memory(q);
    qpdf_set_decode_level(q, qpdf_dl_none);
    qpdf_write(q);
    if (failed(q, err) < 0)
        return -1;
    bytes_set(out, qpdf_get_buffer(q), qpdf_get_buffer_length(q));
    return 0;
}

/* Every front's tiles from one document (pages k0, k0 + 1, … of the letter). */
static int add_doc(struct strip *s, qpdf_data src, int k0, int *pages, char **err)
{
    int n;

    qpdf_push_inherited_attributes_to_page(src);
    *pages = qpdf_get_num_pages(src);
    if (failed(src, err) < 0 || *pages < 0)
        return -1;
    for (n = 0; n < *pages; n++) {
        int page = k0 + n + 1;
        if ((k0 + n) % 2)
            continue; /* a back: no marks */
        if (add_tile(s, src, n) < 0) {
            if (failed(src, err) == 0 && failed(s->dst, err) == 0)
                *err = g_strdup_printf("page %d cannot be read", page);
            return -1;
        }
        g_array_append_val(s->pages, page);
    }
    return 0;
}

int marks_strip(const struct bytes *docs, size_t ndocs, double page_w, double page_h,
                struct rect_mm r, struct bytes *out, GArray *pages, char **err)
{
    struct strip s = {quiet(), 0, g_string_new(NULL), r, page_w, page_h, 0, pages};
    qpdf_data *src = g_new0(qpdf_data, ndocs + 1);
    size_t d;
    int rc = 0, k = 0, n = 0;

    *err = NULL;
    qpdf_empty_pdf(s.dst);
    s.xobjects = qpdf_oh_new_dictionary(s.dst);
    for (d = 0; rc == 0 && d < ndocs; d++, k += n) {
        src[d] = quiet();
        qpdf_read_memory(src[d], "document", (const char *)docs[d].data, docs[d].len, NULL);
        rc = add_doc(&s, src[d], k, &n, err);
    }
    if (rc == 0 && s.tiles > 0) {
        strip_page(&s);
        rc = write_out(s.dst, out, err);
    }
    for (d = 0; d < ndocs; d++)
        if (src[d])
            qpdf_cleanup(&src[d]);
    g_free(src);
    qpdf_cleanup(&s.dst);
    g_string_free(s.draw, TRUE);
    return rc;
}

int strips_join(const struct bytes *const *strips, size_t n, struct bytes *out, char **err)
{
    qpdf_data dst = quiet(), *src = g_new0(qpdf_data, n + 1);
    size_t i;
    int rc = 0;

    *err = NULL;
    qpdf_empty_pdf(dst);
    for (i = 0; rc == 0 && i < n; i++) {
        src[i] = quiet();
        qpdf_read_memory(src[i], "strip", (const char *)strips[i]->data, strips[i]->len, NULL);
        if (failed(src[i], err) == 0 && qpdf_get_num_pages(src[i]) >= 1)
            qpdf_add_page(dst, src[i], qpdf_get_page_n(src[i], 0), QPDF_FALSE);
        rc = failed(src[i], err) < 0 || failed(dst, err) < 0 ? -1 : 0;
    }
    if (rc == 0)
        rc = write_out(dst, out, err);
    for (i = 0; i < n; i++)
        if (src[i])
            qpdf_cleanup(&src[i]);
    g_free(src);
    qpdf_cleanup(&dst);
    return rc;
}

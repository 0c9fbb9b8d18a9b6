/* SPDX-License-Identifier: Apache-2.0 */
/*
 * preflight.c - PDF acceptance for print, with qpdf's C API on the in-memory document.
 *
 * The document is never written anywhere. Before qpdf is asked for pages, the /Pages tree
 * is walked with caps (pagetree.c): qpdf would copy a page listed a million times a million
 * times. qpdf's errors, including exceptions such as std::bad_alloc that its C API catches,
 * become pdf-invalid. Page geometry is taken after pushing inherited attributes down to the
 * pages: the displayed box is the CropBox (else the MediaBox), turned by /Rotate, which must
 * be an integer multiple of 90 (pdf-rotate). Sizes are compared in whole tenths of a
 * millimetre, so a page of exactly A4 + tolerance is not refused by rounding; A4 landscape
 * is accepted (assembly turns it to portrait). Fonts are found in page resources and, recursively (depth and object-id
 * guarded), in form XObjects; a font passes when its program is embedded (FontFile,
 * FontFile2, FontFile3; for Type0 in the descendant), when it is a Type3 font, or when its
 * base name is one of the standard families printers carry.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "pdfpage.h"

#define A4_W_TENTHS 2100 /* mm × 10 */
#define A4_H_TENTHS 2970
#define MM_PT (72.0 / 25.4)
#define MAX_FORM_DEPTH 8
#define PDF_MAX_PAGE_PT 14400.0

struct pf {
    qpdf_data q;
    struct reason *r;
    GHashTable *seen; /* object ids of resource dictionaries already checked */
    int bad_fonts;
};

static double num(qpdf_data q, qpdf_oh arr, int i)
{
    return qpdf_oh_get_numeric_value(q, qpdf_oh_get_array_item(q, arr, i));
}

static bool box_size(qpdf_data q, qpdf_oh page, double *w, double *h)
{
    qpdf_oh box = qpdf_oh_get_key(q, page, "/CropBox");

    if (!qpdf_oh_is_array(q, box) || qpdf_oh_get_array_n_items(q, box) != 4)
        box = qpdf_oh_get_key(q, page, "/MediaBox");
    if (!qpdf_oh_is_array(q, box) || qpdf_oh_get_array_n_items(q, box) != 4)
        return false;
    *w = fabs(num(q, box, 2) - num(q, box, 0));
    *h = fabs(num(q, box, 3) - num(q, box, 1));
    /* ISO 32000-1 Annex C: a page is at most 14,400 units a side; anything larger (or not
     * a number) would overflow the conversion to tenths of a millimetre. */
    return isfinite(*w) && isfinite(*h) && *w <= PDF_MAX_PAGE_PT && *h <= PDF_MAX_PAGE_PT;
}

/* A length in points as whole tenths of a millimetre. */
static long tenths(double pt)
{
    return lround(pt / MM_PT * 10);
}

struct size_tenths {
    long w, h, tol;
};

static bool near_size(long w, long h, const struct size_tenths *want)
{
    return labs(w - want->w) <= want->tol && labs(h - want->h) <= want->tol;
}

/* /Rotate as 0-270; -1 when it is not an integer multiple of 90. */
static int rotation(qpdf_data q, qpdf_oh page)
{
    qpdf_oh rot = qpdf_oh_get_key(q, page, "/Rotate");
    long long v;

    if (qpdf_oh_is_null(q, rot))
        return 0;
    if (!qpdf_oh_is_integer(q, rot))
        return -1;
    v = qpdf_oh_get_int_value(q, rot);
    return v % 90 == 0 ? (int)(((v % 360) + 360) % 360) : -1;
}

static int check_page(struct pf *p, qpdf_oh page, int n, const struct size_tenths *want)
{
    qpdf_data q = p->q;
    int rotate = rotation(q, page);
    double w, h;
    long tw, th;

    if (rotate < 0) {
        reason_fail(p->r, "pdf-rotate", "page %d has a /Rotate that is not a multiple of 90", n);
        return -1;
    }
    if (!box_size(q, page, &w, &h)) {
        reason_fail(p->r, "pdf-invalid", "page %d has no usable MediaBox", n);
        return -1;
    }
    tw = tenths(rotate == 90 || rotate == 270 ? h : w);
    th = tenths(rotate == 90 || rotate == 270 ? w : h);
    if (!near_size(tw, th, want) && !near_size(th, tw, want)) {
        reason_fail(p->r, "pdf-page-size", "page %d is %.1f x %.1f mm; print needs %s"
                    "(%g x %g mm, portrait or landscape, within %.1f mm)", n, tw / 10.0,
                    th / 10.0, want->w == A4_W_TENTHS && want->h == A4_H_TENTHS ? "A4 " : "",
                    want->w / 10.0, want->h / 10.0, want->tol / 10.0);
        return -1;
    }
    return 0;
}

static bool standard_font(const char *base)
{
    static const char *const families[] = {"TIMES", "COURIER", "HELVETICA", "SYMBOL",
                                           "ZAPFDINGBATS", "ARIAL", NULL};
    const char *plus = base ? strchr(base, '+') : NULL;
    g_autofree char *upper = g_ascii_strup(plus ? plus + 1 : (base ? base : ""), -1);
    size_t i;

    for (i = 0; families[i]; i++)
        if (strstr(upper, families[i]))
            return true;
    return false;
}

static bool embedded(qpdf_data q, qpdf_oh font)
{
    qpdf_oh fd = qpdf_oh_get_key(q, font, "/FontDescriptor");

    return qpdf_oh_is_dictionary(q, fd) &&
           (qpdf_oh_has_key(q, fd, "/FontFile") || qpdf_oh_has_key(q, fd, "/FontFile2") ||
            qpdf_oh_has_key(q, fd, "/FontFile3"));
}

/* A name's text, copied: qpdf's C API strings live only until its next call. */
static char *name_of(qpdf_data q, qpdf_oh dict, const char *key)
{
    qpdf_oh v = qpdf_oh_get_key(q, dict, key);

    return g_strdup(qpdf_oh_is_name(q, v) ? qpdf_oh_get_name(q, v) : "");
}

static bool font_ok(qpdf_data q, qpdf_oh font)
{
    g_autofree char *st = name_of(q, font, "/Subtype");
    g_autofree char *bn = name_of(q, font, "/BaseFont");

    if (strcmp(st, "/Type3") == 0)
        return true;
    if (strcmp(st, "/Type0") == 0) {
        qpdf_oh desc = qpdf_oh_get_key(q, font, "/DescendantFonts");
        if (qpdf_oh_is_array(q, desc) && qpdf_oh_get_array_n_items(q, desc) > 0)
            font = qpdf_oh_get_array_item(q, desc, 0);
    }
    return embedded(q, font) || standard_font(bn);
}

static void check_resources(struct pf *p, qpdf_oh res, int depth);

/* The keys of a dictionary, copied (qpdf's key strings do not outlive the next call). */
static GPtrArray *dict_keys(qpdf_data q, qpdf_oh dict)
{
    GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);

    qpdf_oh_begin_dict_key_iter(q, dict);
    while (qpdf_oh_dict_more_keys(q))
        g_ptr_array_add(keys, g_strdup(qpdf_oh_dict_next_key(q)));
    return keys;
}

static void check_dict_values(struct pf *p, qpdf_oh dict, bool fonts, int depth)
{
    qpdf_data q = p->q;
    GPtrArray *keys;
    guint i;

    if (!qpdf_oh_is_dictionary(q, dict))
        return;
    keys = dict_keys(q, dict);
    for (i = 0; i < keys->len; i++) {
        qpdf_oh v = qpdf_oh_get_key(q, dict, keys->pdata[i]);
        if (fonts && qpdf_oh_is_dictionary(q, v) && !font_ok(q, v))
            p->bad_fonts++;
        else if (!fonts && qpdf_oh_is_stream(q, v)) {
            qpdf_oh d = qpdf_oh_get_dict(q, v);
            g_autofree char *sub = name_of(q, d, "/Subtype");
            if (strcmp(sub, "/Form") == 0)
                check_resources(p, qpdf_oh_get_key(q, d, "/Resources"), depth + 1);
        }
    }
    g_ptr_array_free(keys, TRUE);
}

static void check_resources(struct pf *p, qpdf_oh res, int depth)
{
    qpdf_data q = p->q;
    int id;

    if (depth > MAX_FORM_DEPTH || !qpdf_oh_is_dictionary(q, res))
        return;
    id = qpdf_oh_get_object_id(q, res);
    if (id > 0 && !g_hash_table_add(p->seen, GINT_TO_POINTER(id)))
        return;
    check_dict_values(p, qpdf_oh_get_key(q, res, "/Font"), true, depth);
    check_dict_values(p, qpdf_oh_get_key(q, res, "/XObject"), false, depth);
}

static int check_version(qpdf_data q, struct pdf_info *out, struct reason *r)
{
    g_autofree char *header = g_strdup(qpdf_get_pdf_version(q));
    g_autofree char *catalog = name_of(q, qpdf_get_root(q), "/Version");
    const char *v = header;

    if (strlen(catalog) == 4 && strcmp(catalog + 1, v) > 0)
        v = catalog + 1;
    snprintf(out->version, sizeof out->version, "%s", v);
    if (strlen(v) != 3 || v[0] != '1' || v[1] != '.' || v[2] < '0' || v[2] > '7') {
        reason_fail(r, "pdf-version", "PDF version %.7s is not 1.0-1.7", v);
        return -1;
    }
    return 0;
}

static int read_pdf(qpdf_data q, const struct bytes *pdf, struct reason *r)
{
    QPDF_ERROR_CODE rc;

    if (!bytes_has_prefix(pdf, "%PDF-")) {
        reason_fail(r, "document-not-pdf", "a document is not a PDF file");
        return -1;
    }
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    rc = qpdf_read_memory(q, "document", (const char *)pdf->data, (unsigned long long)pdf->len, NULL);
    if (rc & QPDF_ERRORS) {
        qpdf_error e = qpdf_get_error(q);
        bool pw = e && qpdf_get_error_code(q, e) == qpdf_e_password;
        reason_set(r, VERDICT_FAILED, pw ? "pdf-encrypted" : "pdf-invalid",
                   pw ? "a PDF is encrypted" : "a PDF cannot be parsed");
        return -1;
    }
    if (qpdf_is_encrypted(q)) {
        reason_fail(r, "pdf-encrypted", "a PDF is encrypted");
        return -1;
    }
    return 0;
}

static int check_pages(struct pf *p, struct pdf_info *out, const struct size_tenths *want)
{
    qpdf_data q = p->q;
    int n = qpdf_get_num_pages(q), i;

    if (n < 1) {
        reason_fail(p->r, "pdf-invalid", n < 0 ? "a PDF's pages cannot be read"
                                               : "a PDF has no pages");
        return -1;
    }
    qpdf_push_inherited_attributes_to_page(q);
    for (i = 0; i < n; i++) {
        qpdf_oh page = qpdf_get_page_n(q, (size_t)i);
        if (check_page(p, page, i + 1, want) < 0)
            return -1;
        check_resources(p, qpdf_oh_get_key(q, page, "/Resources"), 0);
    }
    if (p->bad_fonts) {
        reason_fail(p->r, "pdf-fonts", "%d font(s) are neither embedded nor a standard font",
                    p->bad_fonts);
        return -1;
    }
    out->pages = n;
    return 0;
}

int pdf_preflight(const struct bytes *pdf, const struct pdf_limits *lim, struct pdf_info *out,
                  struct reason *r)
{
    struct pf p = {qpdf_init(), r, g_hash_table_new(g_direct_hash, g_direct_equal), 0};
    struct size_tenths want = {A4_W_TENTHS, A4_H_TENTHS, lround(lim->tolerance_mm * 10)};
    int rc;

    if (lim->page_w_mm > 0 && lim->page_h_mm > 0) {
        want.w = lround(lim->page_w_mm * 10);
        want.h = lround(lim->page_h_mm * 10);
    }
    memset(out, 0, sizeof *out);
    qpdf_silence_errors(p.q);
    rc = read_pdf(p.q, pdf, r);
    if (rc == 0)
        rc = page_tree_check(p.q, lim->max_pages, r);
    if (rc == 0)
        rc = check_version(p.q, out, r);
    if (rc == 0)
        rc = check_pages(&p, out, &want);
    if (rc == 0 && qpdf_has_error(p.q)) {
        reason_fail(r, "pdf-invalid", "a PDF is damaged");
        rc = -1;
    }
    if (qpdf_has_error(p.q))
        qpdf_get_error(p.q); /* an error left unretrieved is printed on stderr by qpdf_cleanup */
    g_hash_table_destroy(p.seen);
    qpdf_cleanup(&p.q);
    return rc;
}

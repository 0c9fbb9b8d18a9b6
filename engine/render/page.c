/* SPDX-License-Identifier: Apache-2.0 */
/*
 * page.c - a sender's page made ready for print, with qpdf's C API.
 *
 * Annotations print above page content, so a sender's annotation would print above the
 * engine's stamp (address, piece code, marks) and could blank it. They are therefore
 * flattened, following the appearance algorithm of ISO 32000-1 §12.5.5: an annotation whose
 * Print flag is set and Hidden flag is not, with a normal appearance stream (/AP /N, or the
 * sub-dictionary entry named by /AS), is drawn into the page content as a form XObject
 * whose /BBox, transformed by its /Matrix, is mapped onto the annotation's /Rect. Every
 * other annotation is dropped. The page then keeps only the keys print needs (no /Annots,
 * /AA or anything else that can carry an action), so the engine's overlay, stamped after
 * this content, is always on top.
 *
 * A landscape page (wider than high as displayed) gets /Rotate turned by 90, so it prints
 * portrait on the sheet. Geometry helpers shared by assembly and the eco check live here.
 */
#include <math.h>
#include <string.h>
#include <zlib.h>
#include "pdfpage.h"

#define ANNOT_HIDDEN 2
#define ANNOT_PRINT 4

qpdf_oh page_flate_stream(qpdf_data q, const void *data, size_t len)
{
    uLongf n = compressBound(len);
    unsigned char *z = g_malloc(n);
    qpdf_oh s = qpdf_oh_new_stream(q);

    compress2(z, &n, data, len, 6);
    qpdf_oh_replace_stream_data(q, s, z, n, qpdf_oh_new_name(q, "/FlateDecode"),
                                qpdf_oh_new_null(q));
    g_free(z);
    return s;
}

/* n numbers of an array into v; false when it is not an array of exactly n numbers. */
static bool numbers(qpdf_data q, qpdf_oh arr, int n, double *v)
{
    int i;

    if (!qpdf_oh_is_array(q, arr) || qpdf_oh_get_array_n_items(q, arr) != n)
        return false;
    for (i = 0; i < n; i++) {
        qpdf_oh x = qpdf_oh_get_array_item(q, arr, i);
        if (!qpdf_oh_is_number(q, x))
            return false;
        v[i] = qpdf_oh_get_numeric_value(q, x);
    }
    return true;
}

/* A rectangle with its corners ordered: x0 < x1, y0 < y1. */
static void normalise(const double in[4], double b[4])
{
    b[0] = MIN(in[0], in[2]);
    b[1] = MIN(in[1], in[3]);
    b[2] = MAX(in[0], in[2]);
    b[3] = MAX(in[1], in[3]);
}

static bool box_of(qpdf_data q, qpdf_oh page, const char *key, double b[4])
{
    double v[4];

    if (!numbers(q, qpdf_oh_get_key(q, page, key), 4, v))
        return false;
    normalise(v, b);
    return true;
}

/* The visible area: the MediaBox clipped by the CropBox. */
static void visible_box(qpdf_data q, qpdf_oh page, double b[4])
{
    double c[4];

    if (!box_of(q, page, "/MediaBox", b))
        b[0] = b[1] = b[2] = b[3] = 0;
    if (box_of(q, page, "/CropBox", c)) {
        b[0] = MAX(b[0], c[0]); b[1] = MAX(b[1], c[1]);
        b[2] = MIN(b[2], c[2]); b[3] = MIN(b[3], c[3]);
    }
}

static int rotation(qpdf_data q, qpdf_oh page)
{
    qpdf_oh r = qpdf_oh_get_key(q, page, "/Rotate");

    return qpdf_oh_is_integer(q, r) ? ((qpdf_oh_get_int_value_as_int(q, r) % 360) + 360) % 360
                                    : 0;
}

void page_geometry(qpdf_data q, qpdf_oh page, double W, double H, double box[4], double cm[6])
{
    double b[4];

    visible_box(q, page, b);
    switch (rotation(q, page)) {
    case 90:
        box[0] = b[0]; box[1] = b[1]; box[2] = b[0] + H; box[3] = b[1] + W;
        cm[0] = 0; cm[1] = 1; cm[2] = -1; cm[3] = 0; cm[4] = box[0] + H; cm[5] = box[1];
        break;
    case 180:
        box[0] = b[2] - W; box[1] = b[1]; box[2] = b[2]; box[3] = b[1] + H;
        cm[0] = -1; cm[1] = 0; cm[2] = 0; cm[3] = -1; cm[4] = box[2]; cm[5] = box[1] + H;
        break;
    case 270:
        box[0] = b[2] - H; box[1] = b[3] - W; box[2] = b[2]; box[3] = b[3];
        cm[0] = 0; cm[1] = -1; cm[2] = 1; cm[3] = 0; cm[4] = box[2] - H; cm[5] = box[3];
        break;
    default:
        box[0] = b[0]; box[1] = b[3] - H; box[2] = b[0] + W; box[3] = b[3];
        cm[0] = 1; cm[1] = 0; cm[2] = 0; cm[3] = 1; cm[4] = box[0]; cm[5] = box[1];
    }
}

void page_set_box(qpdf_data q, qpdf_oh page, const double box[4])
{
    char *s = g_strdup_printf("[%.4f %.4f %.4f %.4f]", box[0], box[1], box[2], box[3]);

    qpdf_oh_replace_key(q, page, "/MediaBox", qpdf_oh_parse(q, s));
    qpdf_oh_remove_key(q, page, "/CropBox");
    qpdf_oh_remove_key(q, page, "/BleedBox");
    qpdf_oh_remove_key(q, page, "/TrimBox");
    qpdf_oh_remove_key(q, page, "/ArtBox");
    g_free(s);
}

/* Every entry of from set in to (keys copied: qpdf's strings live until its next call). */
static void copy_entries(qpdf_data q, qpdf_oh from, qpdf_oh to)
{
    GPtrArray *keys;
    guint i;

    if (!qpdf_oh_is_dictionary(q, from))
        return;
    keys = g_ptr_array_new_with_free_func(g_free);
    qpdf_oh_begin_dict_key_iter(q, from);
    while (qpdf_oh_dict_more_keys(q))
        g_ptr_array_add(keys, g_strdup(qpdf_oh_dict_next_key(q)));
    for (i = 0; i < keys->len; i++)
        qpdf_oh_replace_key(q, to, keys->pdata[i], qpdf_oh_get_key(q, from, keys->pdata[i]));
    g_ptr_array_free(keys, TRUE);
}

static void add_xobjects(qpdf_data q, qpdf_oh page, qpdf_oh xobjects)
{
    qpdf_oh res = qpdf_oh_new_dictionary(q), xo = qpdf_oh_new_dictionary(q);

    copy_entries(q, qpdf_oh_get_key(q, page, "/Resources"), res);
    copy_entries(q, qpdf_oh_get_key(q, res, "/XObject"), xo);
    copy_entries(q, xobjects, xo);
    qpdf_oh_replace_key(q, res, "/XObject", xo);
    qpdf_oh_replace_key(q, page, "/Resources", res);
}

void page_overlay(qpdf_data q, qpdf_oh page, const char *tail, qpdf_oh xobjects)
{
    qpdf_oh old = qpdf_oh_get_key(q, page, "/Contents"), arr = qpdf_oh_new_array(q);
    char *end = g_strconcat("\nQ\n", tail, NULL);
    int i, n;

    qpdf_oh_append_item(q, arr, page_flate_stream(q, "q\n", 2));
    if (qpdf_oh_is_array(q, old)) {
        n = qpdf_oh_get_array_n_items(q, old);
        for (i = 0; i < n; i++)
            qpdf_oh_append_item(q, arr, qpdf_oh_get_array_item(q, old, i));
    } else if (qpdf_oh_is_stream(q, old)) {
        qpdf_oh_append_item(q, arr, old);
    }
    qpdf_oh_append_item(q, arr, page_flate_stream(q, end, strlen(end)));
    g_free(end);
    qpdf_oh_replace_key(q, page, "/Contents", arr);
    add_xobjects(q, page, xobjects);
}

/* ---- annotations -------------------------------------------------------------------------- */

static bool printable(qpdf_data q, qpdf_oh annot)
{
    qpdf_oh f = qpdf_oh_get_key(q, annot, "/F");
    long long flags = qpdf_oh_is_integer(q, f) ? qpdf_oh_get_int_value(q, f) : 0;

    return qpdf_oh_is_dictionary(q, annot) && (flags & ANNOT_PRINT) && !(flags & ANNOT_HIDDEN);
}

/* The normal appearance: /AP /N, or its entry named by /AS. */
static bool appearance(qpdf_data q, qpdf_oh annot, qpdf_oh *form)
{
    qpdf_oh n = qpdf_oh_get_key(q, qpdf_oh_get_key(q, annot, "/AP"), "/N"), as;
    char *state;

    if (qpdf_oh_is_dictionary(q, n)) {
        as = qpdf_oh_get_key(q, annot, "/AS");
        if (!qpdf_oh_is_name(q, as))
            return false;
        state = g_strdup(qpdf_oh_get_name(q, as));
        n = qpdf_oh_get_key(q, n, state);
        g_free(state);
    }
    *form = n;
    return qpdf_oh_is_stream(q, n);
}

/*
 * The matrix A that maps the form's /BBox, transformed by its /Matrix, onto the /Rect
 * (§12.5.5 steps 1-2; Do applies the form's own /Matrix, step 3). False when degenerate.
 */
static bool appearance_matrix(qpdf_data q, qpdf_oh annot, qpdf_oh form, double a[6])
{
    qpdf_oh d = qpdf_oh_get_dict(q, form);
    double rect[4], r[4], bb[4], m[6] = {1, 0, 0, 1, 0, 0}, t[4] = {HUGE_VAL, HUGE_VAL,
                                                                      -HUGE_VAL, -HUGE_VAL};
    int i;

    if (!numbers(q, qpdf_oh_get_key(q, annot, "/Rect"), 4, rect) ||
        !numbers(q, qpdf_oh_get_key(q, d, "/BBox"), 4, bb))
        return false;
    if (qpdf_oh_has_key(q, d, "/Matrix") && !numbers(q, qpdf_oh_get_key(q, d, "/Matrix"), 6, m))
        return false;
    normalise(rect, r);
    for (i = 0; i < 4; i++) {
        double x = bb[i & 1 ? 2 : 0], y = bb[i & 2 ? 3 : 1];
        double tx = m[0] * x + m[2] * y + m[4], ty = m[1] * x + m[3] * y + m[5];
        t[0] = MIN(t[0], tx); t[1] = MIN(t[1], ty);
        t[2] = MAX(t[2], tx); t[3] = MAX(t[3], ty);
    }
    if (t[2] - t[0] < 1e-9 || t[3] - t[1] < 1e-9 || !isfinite(t[2] - t[0]) ||
        !isfinite(t[3] - t[1]))
        return false;
    a[0] = (r[2] - r[0]) / (t[2] - t[0]);
    a[3] = (r[3] - r[1]) / (t[3] - t[1]);
    a[1] = a[2] = 0;
    a[4] = r[0] - t[0] * a[0];
    a[5] = r[1] - t[1] * a[3];
    return true;
}

/* Draw one annotation as /TrykkA<n>; false when it does not print and is dropped. */
static bool flatten_one(qpdf_data q, qpdf_oh annot, int n, qpdf_oh xobjects, GString *draw)
{
    qpdf_oh form, d;
    double a[6];
    char name[24];

    if (!printable(q, annot) || !appearance(q, annot, &form) ||
        !appearance_matrix(q, annot, form, a))
        return false;
    d = qpdf_oh_get_dict(q, form);
    qpdf_oh_replace_key(q, d, "/Type", qpdf_oh_new_name(q, "/XObject"));
    qpdf_oh_replace_key(q, d, "/Subtype", qpdf_oh_new_name(q, "/Form"));
    g_snprintf(name, sizeof name, "/TrykkA%d", n);
    qpdf_oh_replace_key(q, xobjects, name, form);
    g_string_append_printf(draw, "q %.6f 0 0 %.6f %.6f %.6f cm %s Do Q\n", a[0], a[3], a[4],
                           a[5], name);
    return true;
}

static void flatten(qpdf_data q, qpdf_oh page, struct page_fix *fix)
{
    qpdf_oh annots = qpdf_oh_get_key(q, page, "/Annots"), xobjects;
    GString *draw = g_string_new(NULL);
    int i, n = qpdf_oh_is_array(q, annots) ? qpdf_oh_get_array_n_items(q, annots) : 0;

    xobjects = qpdf_oh_new_dictionary(q);
    for (i = 0; i < n; i++) {
        if (flatten_one(q, qpdf_oh_get_array_item(q, annots, i), fix->flattened + 1, xobjects,
                        draw))
            fix->flattened++;
        else
            fix->dropped++;
    }
    if (draw->len)
        page_overlay(q, page, draw->str, xobjects);
    g_string_free(draw, TRUE);
}

/* ---- the page dictionary ------------------------------------------------------------------- */

/* Only what print needs; /Annots, /AA and every other key (actions, thumbnails, /UserUnit,
 * structure and presentation entries) go. The boxes are set again at assembly. */
static void scrub(qpdf_data q, qpdf_oh page)
{
    static const char *const keep[] = {"/Type", "/Parent", "/Resources", "/Contents",
                                       "/MediaBox", "/CropBox", "/Rotate", "/Group", NULL};
    GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
    guint i;

    qpdf_oh_begin_dict_key_iter(q, page);
    while (qpdf_oh_dict_more_keys(q))
        g_ptr_array_add(keys, g_strdup(qpdf_oh_dict_next_key(q)));
    for (i = 0; i < keys->len; i++)
        if (!g_strv_contains(keep, keys->pdata[i]))
            qpdf_oh_remove_key(q, page, keys->pdata[i]);
    g_ptr_array_free(keys, TRUE);
}

/* Wider than high as displayed: turn by 90 degrees (clockwise), to portrait. */
static bool turn_landscape(qpdf_data q, qpdf_oh page)
{
    double b[4];
    int rot = rotation(q, page);
    bool side = rot == 90 || rot == 270;

    visible_box(q, page, b);
    if ((side ? b[3] - b[1] : b[2] - b[0]) <= (side ? b[2] - b[0] : b[3] - b[1]))
        return false;
    qpdf_oh_replace_key(q, page, "/Rotate", qpdf_oh_new_integer(q, (rot + 90) % 360));
    return true;
}

void page_prepare(qpdf_data q, qpdf_oh page, struct page_fix *fix)
{
    memset(fix, 0, sizeof *fix);
    flatten(q, page, fix);
    scrub(q, page);
    fix->turned = turn_landscape(q, page);
}

/* ---- a page as it prints, for the eco and mark-zone checks ------------------------------------------------ */

static int qpdf_failed(qpdf_data q, const char *what, char **err)
{
    if (!qpdf_has_error(q))
        return 0;
    *err = g_strdup_printf("%s: %s", what, qpdf_get_error_full_text(q, qpdf_get_error(q)));
    return -1;
}

static qpdf_data quiet_qpdf(void)
{
    qpdf_data q = qpdf_init();

    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    return q;
}

/* Page n of src copied into the empty dst as assembly places it (no engine overlay). */
static int place_page(qpdf_data src, qpdf_data dst, int n, double w, double h, bool *turned)
{
    struct page_fix fix = {0};
    double box[4], cm[6];
    qpdf_oh page;

    qpdf_push_inherited_attributes_to_page(src);
    if (qpdf_has_error(src) || qpdf_get_num_pages(src) <= n)
        return -1;
    page = qpdf_get_page_n(src, (size_t)n);
    page_prepare(src, page, &fix);
    *turned = fix.turned > 0;
    qpdf_empty_pdf(dst);
    qpdf_add_page(dst, src, page, QPDF_FALSE);
    if (qpdf_has_error(src) || qpdf_has_error(dst))
        return -1;
    page = qpdf_get_page_n(dst, 0);
    page_geometry(dst, page, w, h, box, cm);
    page_set_box(dst, page, box);
    return 0;
}

int page_as_printed(const struct bytes *pdf, int n, double w, double h, struct bytes *out,
                    bool *turned, char **err)
{
    qpdf_data src = quiet_qpdf(), dst = quiet_qpdf();
    int rc;

    qpdf_read_memory(src, "document", (const char *)pdf->data, pdf->len, NULL);
    rc = qpdf_failed(src, "reading the document", err);
    if (rc == 0 && place_page(src, dst, n, w, h, turned) < 0) {
        if (qpdf_failed(src, "the page", err) == 0 && qpdf_failed(dst, "the page", err) == 0)
            *err = g_strdup_printf("page %d cannot be read", n + 1);
        rc = -1;
    }
    if (rc == 0) {
        qpdf_init_write_memory(dst);
        qpdf_set_decode_level(dst, qpdf_dl_none);
        qpdf_set_deterministic_ID(dst, QPDF_TRUE);
        qpdf_write(dst);
        rc = qpdf_failed(dst, "writing page 1", err);
    }
    if (rc == 0)
        bytes_set(out, qpdf_get_buffer(dst), qpdf_get_buffer_length(dst));
    qpdf_cleanup(&dst);
    qpdf_cleanup(&src);
    return rc;
}

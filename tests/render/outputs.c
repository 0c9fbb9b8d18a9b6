/* SPDX-License-Identifier: Apache-2.0 */
/*
 * outputs.c - see outputs.h.
 */
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <qpdf/qpdf-c.h>
#include "outputs.h"

#define PT2MM (25.4 / 72)

char *out_run(const char *const *argv)
{
    char *out = NULL;
    int status = 0;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &out, NULL, &status, NULL))
        return NULL;
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_free(out);
        return NULL;
    }
    return out;
}

static void word_free(void *p)
{
    struct word *w = p;

    g_free(w->text);
    g_free(w);
}

static double attr(const char *s, const char *name)
{
    char key[16];
    const char *p;

    g_snprintf(key, sizeof key, "%s=\"", name);
    p = strstr(s, key);
    return p ? g_ascii_strtod(p + strlen(key), NULL) : -1;
}

GPtrArray *out_words(const char *pdf, int page)
{
    char num[16];
    const char *argv[] = {"pdftotext", "-bbox", "-f", num, "-l", num, pdf, "-", NULL};
    GPtrArray *words = g_ptr_array_new_with_free_func(word_free);
    char *out, **lines;
    int i;

    g_snprintf(num, sizeof num, "%d", page);
    out = out_run(argv);
    lines = g_strsplit(out ? out : "", "\n", -1);
    for (i = 0; lines[i]; i++) {
        char *s = strstr(lines[i], "<word "), *gt, *end;
        struct word *w;
        if (!s || !(gt = strchr(s, '>')) || !(end = strstr(gt, "</word>")))
            continue;
        w = g_new0(struct word, 1);
        w->x0 = attr(s, "xMin") * PT2MM;
        w->y0 = attr(s, "yMin") * PT2MM;
        w->x1 = attr(s, "xMax") * PT2MM;
        w->y1 = attr(s, "yMax") * PT2MM;
        w->text = g_strndup(gt + 1, (gsize)(end - gt - 1));
        g_ptr_array_add(words, w);
    }
    g_strfreev(lines);
    g_free(out);
    return words;
}

const struct word *out_find(GPtrArray *words, const char *text)
{
    guint i;

    for (i = 0; i < words->len; i++)
        if (strcmp(((struct word *)words->pdata[i])->text, text) == 0)
            return words->pdata[i];
    return NULL;
}

static char *render_png(const char *pdf, int page, double x, double y, double w, double h,
                        const char *fmt)
{
    char *dir = g_dir_make_tmp("trykk-out-XXXXXX", NULL), *prefix, *file;
    char num[16], px[4][16];
    const char *argv[] = {"pdftoppm", "-r", "300", fmt, "-singlefile", "-f", num, "-l", num,
                          "-x", px[0], "-y", px[1], "-W", px[2], "-H", px[3], pdf, NULL, NULL};
    char *out;

    g_snprintf(num, sizeof num, "%d", page);
    g_snprintf(px[0], 16, "%d", (int)(x * 300 / 25.4));
    g_snprintf(px[1], 16, "%d", (int)(y * 300 / 25.4));
    g_snprintf(px[2], 16, "%d", (int)(w * 300 / 25.4));
    g_snprintf(px[3], 16, "%d", (int)(h * 300 / 25.4));
    prefix = g_build_filename(dir, "p", NULL);
    argv[18] = prefix;
    out = out_run(argv);
    g_free(out);
    file = g_strconcat(prefix, strcmp(fmt, "-png") == 0 ? ".png" : ".pgm", NULL);
    g_free(prefix);
    g_free(dir);
    return file;
}

static void remove_png(char *file)
{
    char *dir = g_path_get_dirname(file);

    g_unlink(file);
    g_rmdir(dir);
    g_free(dir);
    g_free(file);
}

char *out_datamatrix(const char *pdf, int page)
{
    char *png = render_png(pdf, page, 0, 95, 15, 80, "-png");
    const char *argv[] = {"dmtxread", "-N", "1", png, NULL};
    char *out = out_run(argv);

    remove_png(png);
    return out ? g_strstrip(out) : NULL;
}

guchar *out_gray(const char *pdf, int page, double x, double y, double w, double h,
                 unsigned *pw, unsigned *ph)
{
    char *pgm = render_png(pdf, page, x, y, w, h, "-gray");
    char *data = NULL;
    gsize len = 0;
    unsigned max;
    int hdr = 0;
    guchar *px = NULL;

    *pw = *ph = 0;
    if (g_file_get_contents(pgm, &data, &len, NULL) &&
        sscanf(data, "P5 %u %u %u%n", pw, ph, &max, &hdr) == 3 &&
        (gsize)hdr + 1 + (gsize)*pw * *ph <= len)
        px = g_memdup2(data + hdr + 1, (gsize)*pw * *ph);
    g_free(data);
    remove_png(pgm);
    return px;
}

long out_dark(const char *pdf, int page, double x, double y, double w, double h)
{
    char *pgm = render_png(pdf, page, x, y, w, h, "-gray");
    char *data = NULL;
    gsize len = 0;
    unsigned pw, ph, max;
    int hdr = 0;
    long dark = 0;
    gsize i;

    if (g_file_get_contents(pgm, &data, &len, NULL) &&
        sscanf(data, "P5 %u %u %u%n", &pw, &ph, &max, &hdr) == 3)
        for (i = (gsize)hdr + 1; i < len; i++)
            dark += (unsigned char)data[i] < 128;
    g_free(data);
    remove_png(pgm);
    return dark;
}

void out_inkcov(const char *pdf, int page, double cmyk[4])
{
    char first[32], last[32];
    const char *argv[] = {"gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=inkcov",
                          first, last, "-o", "-", pdf, NULL};
    char *out;

    g_snprintf(first, sizeof first, "-dFirstPage=%d", page);
    g_snprintf(last, sizeof last, "-dLastPage=%d", page);
    out = out_run(argv);
    cmyk[0] = cmyk[1] = cmyk[2] = cmyk[3] = -1;
    if (out)
        sscanf(out, "%lf %lf %lf %lf", &cmyk[0], &cmyk[1], &cmyk[2], &cmyk[3]);
    g_free(out);
}

GPtrArray *out_plates(const char *pdf, int page)
{
    char *dir = g_dir_make_tmp("trykk-sep-XXXXXX", NULL), *target, first[32], last[32], *out;
    const char *argv[] = {"gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiffsep",
                          "-r72", first, last, "-o", NULL, pdf, NULL};
    GPtrArray *plates = g_ptr_array_new_with_free_func(g_free);
    GDir *d;
    const char *name;

    g_snprintf(first, sizeof first, "-dFirstPage=%d", page);
    g_snprintf(last, sizeof last, "-dLastPage=%d", page);
    target = g_build_filename(dir, "sep.tif", NULL);
    argv[10] = target;
    out = out_run(argv);
    g_free(out);
    d = g_dir_open(dir, 0, NULL);
    while (d && (name = g_dir_read_name(d))) {
        char *path = g_build_filename(dir, name, NULL);
        const char *open = strchr(name, '('), *close = strrchr(name, ')');
        if (open && close && close > open)
            g_ptr_array_add(plates, g_strndup(open + 1, (gsize)(close - open - 1)));
        g_unlink(path);
        g_free(path);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(dir);
    g_free(dir);
    g_free(target);
    return plates;
}

int out_pages(const char *pdf)
{
    struct bytes b = {0};
    qpdf_data q = qpdf_init();
    int n = -1;

    if (fsio_read_file(pdf, 1u << 30, &b) == 0) {
        qpdf_silence_errors(q);
        if (!(qpdf_read_memory(q, pdf, (const char *)b.data, b.len, NULL) & QPDF_ERRORS))
            n = qpdf_get_num_pages(q);
    }
    qpdf_cleanup(&q);
    bytes_free(&b);
    return n;
}

void out_box(const char *pdf, int page, double box[4], int *rot)
{
    struct bytes b = {0};
    qpdf_data q = qpdf_init();
    int i;

    box[0] = box[1] = box[2] = box[3] = -1;
    *rot = 0;
    if (fsio_read_file(pdf, 1u << 30, &b) == 0) {
        qpdf_silence_errors(q);
        qpdf_read_memory(q, pdf, (const char *)b.data, b.len, NULL);
        qpdf_oh p = qpdf_get_page_n(q, (size_t)page - 1), mb = qpdf_oh_get_key(q, p, "/MediaBox");
        for (i = 0; i < 4; i++)
            box[i] = qpdf_oh_get_numeric_value(q, qpdf_oh_get_array_item(q, mb, i));
        if (qpdf_oh_is_integer(q, qpdf_oh_get_key(q, p, "/Rotate")))
            *rot = qpdf_oh_get_int_value_as_int(q, qpdf_oh_get_key(q, p, "/Rotate"));
    }
    qpdf_cleanup(&q);
    bytes_free(&b);
}

/* kind "image": every /Subtype /Image stream; "font": every /FontFile, /FontFile2, /FontFile3. */
GPtrArray *out_streams(const struct bytes *pdf, const char *kind)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    qpdf_data q = qpdf_init();
    int id;

    qpdf_silence_errors(q);
    qpdf_read_memory(q, "pdf", (const char *)pdf->data, pdf->len, NULL);
    for (id = 1; id < 100000; id++) {
        qpdf_oh o = qpdf_get_object_by_id(q, id, 0), d;
        bool want;
        if (qpdf_oh_is_null(q, o) && id > 5000)
            break;
        if (!qpdf_oh_is_stream(q, o))
            continue;
        d = qpdf_oh_get_dict(q, o);
        want = strcmp(kind, "image") == 0
                   ? qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, d, "/Subtype"), "/Image")
                   : qpdf_oh_has_key(q, d, "/Length1") || qpdf_oh_has_key(q, d, "/Length2") ||
                         qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, d, "/Subtype"),
                                                    "/OpenType");
        if (want) {
            unsigned char *buf = NULL;
            size_t len = 0;
            qpdf_oh_get_stream_data(q, o, qpdf_dl_none, NULL, &buf, &len);
            g_ptr_array_add(out, g_compute_checksum_for_data(G_CHECKSUM_SHA256, buf, len));
            free(buf);
        }
    }
    qpdf_cleanup(&q);
    return out;
}

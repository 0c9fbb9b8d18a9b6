/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pdfpage.h - qpdf-level pieces shared inside engine/render only: the bounded page-tree walk
 * (pagetree.c) and a sender's page made ready for print (page.c), used both by the job's
 * assembly and by the eco blank-field check, so the check sees what will print.
 */
#ifndef TRYKK_PDFPAGE_H
#define TRYKK_PDFPAGE_H

#include <qpdf/qpdf-c.h>
#include "render.h"

/* Refuse a /Pages tree with more than max_pages pages, loops, repeated references or other
 * damage (pdf-too-many-pages, pdf-invalid). Call before anything asks qpdf for pages. */
int page_tree_check(qpdf_data q, int max_pages, struct reason *r);

/* What page_prepare did to one page (or, summed, to a letter). */
struct page_fix {
    int turned;    /* landscape pages: /Rotate turned by 90 so they print portrait */
    int flattened; /* printable annotations drawn into the content */
    int dropped;   /* annotations without a printable appearance, removed */
};

/*
 * Make a sender's page (in its own document, inherited attributes pushed down) print as it
 * looks: printable annotations flattened into its content, then /Annots, /AA and every key
 * that is not page geometry, content or resources removed; a landscape page is turned.
 */
void page_prepare(qpdf_data q, qpdf_oh page, struct page_fix *fix);

/* The page's new box: A4 (w × h pt) at the displayed top-left corner of its visible area,
 * and the matrix mapping A4 display coordinates onto its user space, for /Rotate 0-270. */
void page_geometry(qpdf_data q, qpdf_oh page, double w, double h, double box[4], double cm[6]);
/* The MediaBox set to box; CropBox, BleedBox, TrimBox and ArtBox removed. */
void page_set_box(qpdf_data q, qpdf_oh page, const double box[4]);
/* /Contents becomes [q, the original streams, Q + tail]; the entries of xobjects join
 * shallow copies of /Resources and its /XObject (shared dictionaries are not modified). */
void page_overlay(qpdf_data q, qpdf_oh page, const char *tail, qpdf_oh xobjects);
/* A new stream of q holding data, Flate-compressed (deterministic: zlib level 6). */
qpdf_oh page_flate_stream(qpdf_data q, const void *data, size_t len);

/* Page n (0-based) of pdf alone, prepared and boxed as assembly places it (w × h pt, no
 * engine overlay): what the eco and mark-zone checks render. *turned tells a landscape page. */
int page_as_printed(const struct bytes *pdf, int n, double w, double h, struct bytes *out,
                    bool *turned, char **err);
/* strip.c: one page holding, side by side, the area r (mm on the A4 sheet of page_w × page_h
 * pt) of every sheet front of the letter's documents as it prints; the letter's page number
 * of each tile appended to pages. No output (out untouched) when there is no page. */
int marks_strip(const struct bytes *docs, size_t ndocs, double page_w, double page_h,
                struct rect_mm r, struct bytes *out, GArray *pages, char **err);
/* strip.c: the first page of each of n one-page PDFs (strips), in order, as one document. */
int strips_join(const struct bytes *const *strips, size_t n, struct bytes *out, char **err);

/* pgm.c: the size in bytes of the binary PGM (P5, maxval 255) at pgm, its width and height; 0 when
 * it is not one. */
size_t pgm_size(const unsigned char *pgm, size_t len, unsigned *w, unsigned *h);
/* Ink pixels (darker than threshold) of that PGM in columns [c0, c1) (all when c1 < 0), or
 * -1 when it is not one. */
long pgm_ink(const unsigned char *pgm, size_t len, int threshold, long c0, long c1);

#endif

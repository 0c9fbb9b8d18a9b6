/*
 * pdfpage.h - qpdf-level pieces shared inside engine/render only: the bounded page-tree walk
 * (pagetree.c).
 */
#ifndef TRYKK_PDFPAGE_H
#define TRYKK_PDFPAGE_H

#include <qpdf/qpdf-c.h>
#include "render.h"

/* Refuse a /Pages tree with more than max_pages pages, loops, repeated references or other
 * damage (pdf-too-many-pages, pdf-invalid). Call before anything asks qpdf for pages. */
int page_tree_check(qpdf_data q, int max_pages, struct reason *r);

#endif

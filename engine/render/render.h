/* SPDX-License-Identifier: Apache-2.0 */
/*
 * render.h - everything that looks inside the sender's PDFs. For intake: the preflight that
 * decides whether a document can be printed as the sender made it.
 */
#ifndef TRYKK_RENDER_H
#define TRYKK_RENDER_H

#include <stdbool.h>
#include <cairo.h>
#include "../intake/intake.h"
#include "../util/reason.h"
#include "../util/util.h"
#include "layout.h"

/* The renderer of page images (poppler-utils), by absolute path: never found through PATH. */
#ifndef PDFTOPPM
#define PDFTOPPM "/usr/bin/pdftoppm"
#endif

/* raster.c: the pages of pdf as PNG files <dir>/<name>-<n>.png at dpi (pdftoppm), for a
 * proof. -1 and *err when it fails. */
int render_png(const struct bytes *pdf, const char *dir, const char *name, int dpi, char **err);

struct pdf_info {
    int pages;
    char version[8];
};

struct pdf_limits {
    double tolerance_mm; /* page size: A4 ± this, compared in tenths of a millimetre */
    int max_pages;       /* pages this document may have (the letter's remaining budget) */
    double page_w_mm, page_h_mm; /* the page size wanted; 0 for A4 (the engine's own output,
                                  * such as envelope faces, is checked at its own size) */
};

/* PDF rules of dpi-print-format.md §7: a bounded page tree of at most max_pages pages
 * (pdf-too-many-pages, pdf-invalid), readable, not encrypted, version 1.0-1.7, /Rotate a
 * multiple of 90 (pdf-rotate), every page A4 portrait or landscape within ±tolerance_mm
 * after /Rotate and CropBox (pdf-page-size), fonts embedded or standard. */
int pdf_preflight(const struct bytes *pdf, const struct pdf_limits *lim, struct pdf_info *out,
                  struct reason *r);

/* fonts.c: the project's fonts only (fonts/, or TRYKK_FONTS_DIR). */
typedef struct _PangoFontMap PangoFontMap;
const char *fonts_dir(void);
PangoFontMap *fonts_map(void);
/* A cairo_write_func_t that appends to the GByteArray in closure (PDFs made in memory). */
cairo_status_t render_pdf_sink(void *closure, const unsigned char *data, unsigned int len);

/* ---- address blocks (address.c) ---------------------------------------------------------- */
#define ADDRESS_MAX_LINES ADDRESS_LINES_MAX

struct address_block {
    char *line[ADDRESS_MAX_LINES];
    int n;
    bool shortened; /* a line was cut to fit, with an ellipsis */
};

/* Lines in print order (print-production.md §4): navn, adresselinje1-4 (empty ones skipped),
 * then "postnummer POSTSTED" (town in capitals) or the country in capitals: the Norwegian
 * short name for landkode (SVERIGE), or the English one when english is set. */
void address_lines_in(const struct address *a, bool english, struct address_block *out);
void address_lines(const struct address *a, struct address_block *out); /* Norwegian */
/* "Returadresse: navn, linje, 0150 OSLO" as one line. */
char *address_one_line(const char *keyword, const struct address *a);
/* Shorten lines wider than width_mm at the layout's font, with an ellipsis. */
void address_fit(struct address_block *b, const char *family, double pt, double width_mm);
void address_block_clear(struct address_block *b);
/* Width of text, and the height of one line, at the font and size, in mm. */
double text_width_mm(const char *family, double pt, const char *text);
double text_height_mm(const char *family, double pt);
/* "keyword part, part, …, last" no wider than max: parts dropped from the middle, never the
 * last (postcode and place); *shortened tells whether anything was dropped or cut. */
char *address_join_fit(const char *keyword, char *const *parts, int n, const char *family,
                       double pt, double max, bool *shortened);
/* country.c: upper-case short name of an ISO 3166-1 alpha-2 code, Norwegian (iso-codes' nb
 * translation) or English; NULL when iso-codes does not know the code. */
const char *country_name_in(const char *iso2, bool english);
const char *country_name(const char *iso2); /* Norwegian */

/* ---- the geometry check (geometry.c) ------------------------------------------------------
 * Every engine-drawn item of layout l against every window stock's window grown by its slip
 * (only the address block may be there, inside the window less the layout's inset, holding
 * its lines) and against the mark zone; the marks inside their zone and margin. */
int layout_geometry_check(const struct layout *l, const struct stock *const *stocks, int nstocks,
                          const struct marks *m, char **err);

/* ---- marks and barcodes (marks.c) -------------------------------------------------------- */
/* The Luhn check digit over the digits of s. */
int marks_check_digit(const char *s);
/* DataMatrix payload J<job>P<piece>S<n>M<m>C<check>. */
char *marks_payload(int job_no, int piece, int sheet_n, int sheet_m);
/* Bars of a symbol, in modules, for drawing with any backend. */
struct bar {
    double x, y, w, h;
};
/* DataMatrix (square) or Code 128; *cols and *rows give the symbol size in modules.
 * Returns NULL when zint cannot encode the text. */
GArray *barcode_bars(bool datamatrix, const char *text, double *cols, double *rows);
/* OMR marks on sheet n of m, with seq the sheet's position in the job (1-based). */
unsigned omr_bits(const struct marks *p, int sheet_n, int sheet_m, int seq);

/* ---- the job's print PDF (compose.c, assemble.c) ----------------------------------------- */
/* One piece (letter) as the renderer gets it: values only, no ledger access. */
struct render_piece {
    char code[16];          /* piece code: job number (6) + piece sequence (5) */
    const char *letter_id;  /* for log lines only */
    int job_no, seq;
    enum layout_kind layout;
    struct address recipient;
    struct address return_addr; /* the return address printed on the piece */
    const char *sender_name;    /* the sending agency ("Avsender: …"; EA: "…, c/o …") */
    bool country_english;       /* the recipient's country line in English */
    bool no_content_marks;      /* inserted by hand (MANUAL): no marks on the sender's pages */
    const char *ea_code;        /* EA barcode text, or NULL */
    const char *logo;           /* PNG file, or NULL */
    bool colour;
    int first_sheet;            /* position of its first sheet in the job, 1-based */
    int sheets;                 /* physical sheets, as planned; the render must agree */
    const struct bytes *docs;   /* the letter's PDFs in manifest order */
    size_t ndocs;
};

struct render_setup {
    const struct layout *layout;  /* of the job (normal, eco or windowless) */
    const struct stock *stock;
    const struct marks *marks;
    const char *date;             /* creation date written into the PDF (ISO 8601) */
    const char *title;            /* the job's name */
};

struct render_stats {
    int pages, sheets, blank_backs, shortened;
    int annots_flattened, annots_dropped, turned; /* the senders' pages (page.c) */
};

/* The print-ready PDF of pieces in order: cover sheets, the letters' own pages (their
 * streams untouched; printable annotations flattened beneath the engine's content, every
 * other annotation and action removed, landscape pages turned), blank backs, and the
 * engine's marks and address stamped as K-only form XObjects. */
int render_job(const struct render_setup *rs, const struct render_piece *p, size_t n,
               struct bytes *pdf, struct render_stats *st, char **err);

/* compose.c: the engine-drawn pages of a job, one Cairo PDF (internal to render). */
struct deco;
struct deco *deco_open(const struct render_setup *rs);
/* Draw onto the current page; deco_next ends it and returns its index. */
void deco_cover(struct deco *d, const struct render_piece *p, struct render_stats *st);
void deco_stamp(struct deco *d, const struct render_piece *p, struct render_stats *st);
void deco_marks(struct deco *d, const struct render_piece *p, int n, int m, int seq);
int deco_next(struct deco *d);
int deco_close(struct deco *d, struct bytes *pdf, char **err);

/* ---- envelope faces (envelope.c) ---------------------------------------------------------- */
/* One face per piece (libharu), with a valid ToUnicode, checked by pdf_preflight at the
 * stock's face size before it is returned. A SORT_HVIT piece's logo is a DeviceGray image. */
int render_envelopes(const struct render_setup *rs, const struct render_piece *p, size_t n,
                     struct bytes *pdf, char **err);
/* tounicode.c: every Type0 Identity-H font's /ToUnicode replaced by a bfchar CMap of the
 * characters set in used (a bitmap of the BMP: bit c of byte c / 8). */
int envelope_tounicode(struct bytes *pdf, const unsigned char *used, char **err);

/* ---- the proof's layer (proof.c) ---------------------------------------------------------- */
struct proof_request {
    const struct render_setup *rs; /* the letter's job */
    bool overlay;     /* window (or a face's address field), fold lines, mark zone */
    bool placeholder; /* the piece has no code yet: every page says so */
    bool face;        /* the pages are envelope faces, not sheets */
};
/* pdf (a one-piece job, or its envelope face) with the proof's coloured layer on every page. */
int render_proof(const struct proof_request *q, struct bytes *pdf, char **err);

/* ---- folding (fold.c) -------------------------------------------------------------------- */
/* The fold lines (mm from the sheet's top) of a layout's sheet in a stock's envelope, at most
 * max of them: 0 when it goes in flat, -1 when max folds are not enough. */
int fold_lines(const struct layout *l, const struct stock *s, double *y, int max);
/* The JDF FoldCatalog name of a sheet with that many parallel folds, or NULL. */
const char *fold_catalog(int folds);

/* ---- eco blank field (blank.c), ink under the marks (inkbatch.c) ---------------------------- */
/* Count ink in the layout's eco field of page 1 (inset), as page 1 prints: annotations
 * flattened, page boxed like assembly does. 0 and *ink set, or -1 and *err. A landscape
 * page 1 (turned for print: no field at the window) sets *landscape and is not rendered. */
int zone_ink(const struct bytes *pdf, const struct layout *l, long *ink, bool *landscape,
             char **err);
/* blank.c: the same check for many letters with one rendering, each judged as zone_ink
 * judges it alone. eco_batch_add keeps page 1 as printed (pdf may be wiped right after) and
 * returns the letter's slot, -2 when page 1 is landscape (*landscape: ink 0, not rendered)
 * or -1 and *err (*landscape as page 1 was found, as zone_ink leaves it). Render once
 * (the kept pages are wiped then), then read each slot's result. */
struct eco_batch;
struct eco_batch *eco_batch_new(const struct layout *l);
int eco_batch_add(struct eco_batch *b, const struct bytes *pdf, bool *landscape, char **err);
void eco_batch_render(struct eco_batch *b);
int eco_batch_result(struct eco_batch *b, int slot, long *ink, char **err);
void eco_batch_free(struct eco_batch *b);
/* Sender ink under the marks (their extent with the knockout, marks_extent) on every sheet
 * front of a letter's documents (pages in print order, fronts 1, 3, …): ink pixels at the
 * profile's ink_dpi in *ink, the letter's page numbers that have any appended to pages. */
int marks_ink(const struct bytes *docs, size_t ndocs, const struct layout *l,
              const struct marks *m, GString *pages, long *ink, char **err);
/* inkbatch.c: the same check for many letters with one rendering. Add each letter (its
 * documents may be wiped right after: the batch keeps only its strip), render once, then
 * read each letter's result as marks_ink gives it. ink_batch_add returns the letter's slot,
 * or -1 and *err when its strip cannot be built (the batch is unchanged). When the joined
 * rendering fails, each letter is rendered alone: one bad letter fails only itself. */
struct ink_batch;
struct ink_batch *ink_batch_new(const struct layout *l, const struct marks *m);
int ink_batch_add(struct ink_batch *b, const struct bytes *docs, size_t ndocs, char **err);
void ink_batch_render(struct ink_batch *b);
int ink_batch_result(struct ink_batch *b, int slot, GString *pages, long *ink, char **err);
void ink_batch_free(struct ink_batch *b);
/* geometry.c: the marks' largest extent with their knockout, mm. */
struct rect_mm marks_extent(const struct marks *m);

#endif

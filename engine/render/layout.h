/* SPDX-License-Identifier: Apache-2.0 */
/*
 * layout.h - layouts, envelope stocks and inserter-mark profiles, read from layouts/<name>.ini.
 *
 * Every number the renderer uses comes from these files (GKeyFile syntax, millimetres from
 * the top-left corner of the page or envelope face). Loading checks ranges and the rules of
 * print-production.md that would otherwise show up only on paper: one font at 10-12 pt, the
 * address block at least the window inset (default 4 mm) inside the window, the mark zone
 * inside the left margin, marks at least 5 mm from the sheet's edge. geometry.c checks every
 * engine-drawn item against every window and the mark zone.
 */
#ifndef TRYKK_LAYOUT_H
#define TRYKK_LAYOUT_H

#include <stdbool.h>
#include <glib.h>

#define ADDRESS_LINES_MAX 8

struct rect_mm {
    double x, y, w, h;
};

enum layout_kind { LAYOUT_NORMAL, LAYOUT_ECO, LAYOUT_WINDOWLESS };

struct layout {
    char *name;
    enum layout_kind kind;
    double page_w, page_h, crop_tolerance;
    char *font_family;
    double font_pt, line_spacing;
    double window_inset;   /* the address block keeps this far inside every window */
    double return_pt;      /* the one-line return address in the window (<= font_pt) */
    int address_lines;     /* lines the block must hold in every window */
    struct rect_mm address, return_block, logo, piece_code, eco_field;
    struct rect_mm sender_line; /* "Avsender: <agency>" on the cover sheet (normal) */
    double ea_gap, ea_module, ea_bar_h;
    double eco_inset;
    int eco_dpi, eco_threshold, eco_max_ink;
};

struct stock {
    char *name;
    char format[4]; /* C5, C4 */
    bool window;
    double width, height; /* the face, landscape */
    int weight_mg;
    int max_content_sheets;
    struct rect_mm win;
    double slip;          /* how far the sheet can move behind the window ([window] slip_mm) */
    /* windowless faces */
    struct rect_mm face_address, face_return, face_logo;
    double code_x, code_y;
};

enum mark_kind { MARKS_DATAMATRIX, MARKS_OMR };
enum omr_mark { OMR_BM, OMR_EOC, OMR_WAS1, OMR_WAS2, OMR_WAS3, OMR_PARITY, OMR_SAF };

struct marks {
    char *name;
    enum mark_kind kind;
    struct rect_mm zone;
    double x, y, module;                 /* DataMatrix: module size */
    double knockout;                     /* white margin around the marks, mm */
    double margin;                       /* the reserved left margin the knockout stays in */
    int ink_dpi, ink_threshold;          /* the check for sender ink under the marks */
    double bar_length, bar_thickness, pitch;
    enum omr_mark order[12];             /* OMR: mark per position, from the top */
    int positions;
};

/* PDF points from millimetres */
#define PT(mm) ((mm) * 72.0 / 25.4)

/* The pitch of the address lines of the layout's font (size × line_spacing), in mm. */
double layout_line_mm(const struct layout *l);
/* The smallest x of any mark: nearer the edge many cut-sheet printers cannot print. */
#define MARKS_MIN_X_MM 5.0
/* layouts/ as shipped (data_dir), and the one in use: TRYKK_LAYOUTS_DIR, else the shipped. */
const char *layouts_shipped_dir(void);
const char *layouts_dir(void);
int layout_load(struct layout *l, const char *name, char **err);
void layout_free(struct layout *l);
int stock_load(struct stock *s, const char *name, char **err);
void stock_free(struct stock *s);
int marks_load(struct marks *m, const char *name, char **err);
void marks_free(struct marks *m);
/* The address block of a layout inside a stock's window: clipped to the layout's window
 * inset inside it. Fails when the block starts nearer a window edge than the inset. */
int layout_address_in(const struct layout *l, const struct stock *s, struct rect_mm *out,
                      char **err);
const char *layout_kind_name(enum layout_kind k);

#endif

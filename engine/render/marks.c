/* SPDX-License-Identifier: Apache-2.0 */
/*
 * marks.c - what the inserter reads: DataMatrix payloads with a check digit, OMR mark bits,
 * and the module geometry of DataMatrix and Code 128 symbols from zint's vector API.
 *
 * The geometry is returned as bars in module units, so Cairo (sheets) and libharu (envelope
 * faces) draw exactly the same symbol.
 */
#include <string.h>
#include <zint.h>
#include "render.h"

int marks_check_digit(const char *s)
{
    int sum = 0, dbl = 1;
    size_t i;

    for (i = strlen(s); i-- > 0;) {
        int d;
        if (!g_ascii_isdigit(s[i]))
            continue;
        d = s[i] - '0';
        if (dbl && (d *= 2) > 9)
            d -= 9;
        sum += d;
        dbl = !dbl;
    }
    return (10 - sum % 10) % 10;
}

char *marks_payload(int job_no, int piece, int sheet_n, int sheet_m)
{
    char *body = g_strdup_printf("J%06dP%05dS%03dM%03d", job_no, piece, sheet_n, sheet_m);
    char *full = g_strdup_printf("%sC%d", body, marks_check_digit(body));

    g_free(body);
    return full;
}

GArray *barcode_bars(bool datamatrix, const char *text, double *cols, double *rows)
{
    struct zint_symbol *sym = ZBarcode_Create();
    struct zint_vector_rect *r;
    GArray *bars = NULL;
    double unit;

    sym->symbology = datamatrix ? BARCODE_DATAMATRIX : BARCODE_CODE128;
    if (datamatrix)
        sym->option_3 = DM_SQUARE;
    sym->show_hrt = 0;
    sym->height = 1;
    sym->scale = 0.5f;
    sym->whitespace_width = 0;
    sym->border_width = 0;
    if (ZBarcode_Encode_and_Buffer_Vector(sym, (const unsigned char *)text, (int)strlen(text),
                                          0) < ZINT_ERROR && sym->vector && sym->width > 0) {
        /* Vector units per module; rows of a linear symbol count as one module high. */
        unit = sym->vector->width / sym->width;
        *cols = sym->width;
        *rows = datamatrix ? sym->rows : 1;
        bars = g_array_new(FALSE, FALSE, sizeof(struct bar));
        for (r = sym->vector->rectangles; r; r = r->next) {
            struct bar b = {r->x / unit, r->y / unit, r->width / unit, r->height / unit};
            if (!datamatrix) {
                b.y = 0;
                b.h = 1;
            }
            g_array_append_val(bars, b);
        }
    }
    ZBarcode_Delete(sym);
    return bars;
}

/* Which marks sheet n of m carries; bit i is position i of the profile. */
unsigned omr_bits(const struct marks *p, int sheet_n, int sheet_m, int seq)
{
    unsigned bits = 0, count = 0;
    int i, parity = -1;

    for (i = 0; i < p->positions; i++) {
        bool on = false;
        switch (p->order[i]) {
        case OMR_BM: case OMR_SAF: on = true; break;
        case OMR_EOC: on = sheet_n == sheet_m; break;
        case OMR_WAS1: on = (seq % 8) & 1; break;
        case OMR_WAS2: on = (seq % 8) & 2; break;
        case OMR_WAS3: on = (seq % 8) & 4; break;
        case OMR_PARITY: parity = i; break;
        }
        if (on) {
            bits |= 1u << i;
            count++;
        }
    }
    if (parity >= 0 && count % 2)
        bits |= 1u << parity; /* even number of marks in all */
    return bits;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tounicode.c - a valid ToUnicode CMap for the envelope stream (libharu).
 *
 * libharu 2.3.0 writes, for a TrueType font used through its UTF-8 encoder, a ToUnicode
 * stream that is a copy of its encoding CMap: named /UTF-8, with a `begincidrange` mapping
 * <0000>-<FFFF> to CIDs, which is not a ToUnicode CMap at all (PDF 32000-1 §9.10.3 wants
 * CMapType 2 with bfchar/bfrange to UTF-16BE). poppler says "Invalid 'begincidrange'
 * operator in ToUnicode CMap" and print-room preflight (PitStop, Acrobat) reports the font.
 * The codes libharu writes in the content are the characters' Unicode values (two bytes,
 * Identity-H), so the right map is known: here the document is rewritten with qpdf, every
 * Type0 font's /ToUnicode replaced by one bfchar CMap of exactly the characters drawn.
 * libharu stays for the envelope stream because it writes DeviceGray natively and draws faces
 * about twice as fast as Cairo (libraries.md §8); only its one broken object is replaced.
 */
#include <string.h>
#include "pdfpage.h"

#define BFCHAR_BLOCK 100 /* entries per beginbfchar block (the CMap limit) */

static GString *cmap_text(const unsigned char *used)
{
    GString *s = g_string_new("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                              "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
                              "/Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n"
                              "/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
                              "endcodespacerange\n");
    GArray *cp = g_array_new(FALSE, FALSE, sizeof(guint));
    guint c, i;

    for (c = 0; c < 0x10000; c++)
        if ((used[c / 8] & (1u << (c % 8))) && (c < 0xD800 || c > 0xDFFF))
            g_array_append_val(cp, c);
    for (i = 0; i < cp->len; i++) {
        guint code = g_array_index(cp, guint, i);
        if (i % BFCHAR_BLOCK == 0)
            g_string_append_printf(s, "%u beginbfchar\n", MIN(BFCHAR_BLOCK, cp->len - i));
        g_string_append_printf(s, "<%04X> <%04X>\n", code, code);
        if (i % BFCHAR_BLOCK == BFCHAR_BLOCK - 1 || i + 1 == cp->len)
            g_string_append(s, "endbfchar\n");
    }
    g_string_append(s, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    g_array_free(cp, TRUE);
    return s;
}

static bool is_name(qpdf_data q, qpdf_oh o, const char *name)
{
    return qpdf_oh_is_name(q, o) && strcmp(qpdf_oh_get_name(q, o), name) == 0;
}

/* Every Type0 Identity-H font in the resources of every page gets cmap as /ToUnicode. */
static int replace_maps(qpdf_data q, qpdf_oh cmap)
{
    int n = qpdf_get_num_pages(q), i, fixed = 0;

    for (i = 0; i < n; i++) {
        qpdf_oh fonts = qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_page_n(q, (size_t)i),
                                                           "/Resources"), "/Font");
        GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
        guint k;

        if (qpdf_oh_is_dictionary(q, fonts)) {
            qpdf_oh_begin_dict_key_iter(q, fonts);
            while (qpdf_oh_dict_more_keys(q))
                g_ptr_array_add(keys, g_strdup(qpdf_oh_dict_next_key(q)));
        }
        for (k = 0; k < keys->len; k++) {
            qpdf_oh f = qpdf_oh_get_key(q, fonts, keys->pdata[k]);
            if (is_name(q, qpdf_oh_get_key(q, f, "/Subtype"), "/Type0") &&
                is_name(q, qpdf_oh_get_key(q, f, "/Encoding"), "/Identity-H")) {
                qpdf_oh_replace_key(q, f, "/ToUnicode", cmap);
                fixed++;
            }
        }
        g_ptr_array_free(keys, TRUE);
    }
    return fixed;
}

int envelope_tounicode(struct bytes *pdf, const unsigned char *used, char **err)
{
    qpdf_data q = qpdf_init();
    GString *text = cmap_text(used);
    int rc = -1;

    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    if (qpdf_read_memory(q, "envelope faces", (const char *)pdf->data, pdf->len, NULL) &
        QPDF_ERRORS) {
        *err = g_strdup("envelope faces: libharu's output cannot be read back");
    } else {
        qpdf_oh cmap = qpdf_make_indirect_object(q, page_flate_stream(q, text->str, text->len));
        replace_maps(q, cmap);
        qpdf_init_write_memory(q);
        qpdf_set_deterministic_ID(q, QPDF_TRUE);
        qpdf_write(q);
        if (qpdf_has_error(q)) {
            *err = g_strdup_printf("envelope faces: %s",
                                   qpdf_get_error_full_text(q, qpdf_get_error(q)));
        } else {
            struct bytes out = {0};
            bytes_set(&out, qpdf_get_buffer(q), qpdf_get_buffer_length(q));
            bytes_free(pdf);
            *pdf = out;
            rc = 0;
        }
    }
    g_string_free(text, TRUE);
    qpdf_cleanup(&q);
    return rc;
}

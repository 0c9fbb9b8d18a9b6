/* SPDX-License-Identifier: Apache-2.0 */
/*
 * package.c - the documents of an accepted letter, decrypted in memory for rendering.
 *
 * The package in accepted/ stays encrypted; every render decrypts it again, reads the
 * documents the manifest names (main document first) and hands them over as bytes. The
 * caller wipes them (letter_documents_free) as soon as its job is written.
 */
#include <string.h>
#include "pipeline.h"

static int read_docs(struct engine *e, const struct bytes *plain, GArray *docs,
                     struct reason *r)
{
    struct asice *zip = NULL;
    struct manifest m = {0};
    const struct bytes *xml, *pdf;
    guint i;
    int rc = asice_open(&zip, plain, &e->zip_limits, r);

    if (rc == 0)
        rc = asice_read(zip, "manifest.xml", &xml, r);
    if (rc == 0)
        rc = manifest_parse(&m, xml, r);
    for (i = 0; rc == 0 && i < m.docs->len; i++) {
        struct manifest_doc *d = m.docs->pdata[i];
        struct bytes copy = {0};
        rc = asice_read(zip, d->href, &pdf, r);
        if (rc == 0) {
            bytes_set(&copy, pdf->data, pdf->len);
            g_array_append_val(docs, copy);
        }
    }
    manifest_free(&m);
    asice_free(zip);
    return rc;
}

int letter_documents(struct engine *e, const char *id, GArray **out, char **err)
{
    struct carrier c = {0};
    struct bytes plain = {0};
    struct reason r = {0};
    char *path = g_build_filename(e->spool.accepted, id, NULL);
    GArray *docs = g_array_new(FALSE, TRUE, sizeof(struct bytes));
    int rc = carrier_read(&c, path, &e->carrier_limits, &r);

    if (rc == 0)
        rc = cms_decrypt(e->keys, e->nkeys, &c.cms, e->zip_limits.max_total, &plain, &r);
    if (rc == 0)
        rc = read_docs(e, &plain, docs, &r);
    bytes_wipe_free(&plain);
    carrier_free(&c);
    g_free(path);
    if (rc < 0) {
        *err = g_strdup_printf("letter %s: the accepted package cannot be read again: %s (%s)",
                               id, r.code ? r.code : "error", r.detail);
        letter_documents_free(docs);
        return -1;
    }
    *out = docs;
    return 0;
}

void letter_documents_free(GArray *docs)
{
    guint i;

    if (!docs)
        return;
    for (i = 0; i < docs->len; i++)
        bytes_wipe_free(&g_array_index(docs, struct bytes, i));
    g_array_free(docs, TRUE);
}

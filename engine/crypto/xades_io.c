/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xades_io.c - xmlsec set-up shared by XAdES verification and signing.
 *
 * xmlsec resolves relative reference URIs (the package's file names) through process-global
 * IO callbacks. trykk removes xmlsec's defaults at start, so no file or network is ever
 * read, and for one signature operation at a time (a mutex) registers callbacks that serve
 * only the entries of the package at hand, matched by exact name.
 */
#include <string.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/errors.h>
#include <xmlsec/io.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/evp.h>
#include "crypto.h"
#include "xades_io.h"

/* ---- one package's entries, served to xmlsec through IO callbacks -------------------- */

static GMutex io_lock;
static GHashTable *io_entries; /* reference URI (exact, as xmlsec passes it) -> bytes */

struct io_stream {
    const struct bytes *b;
    size_t pos;
};

static int io_match(const char *uri)
{
    return io_entries && uri && g_hash_table_contains(io_entries, uri);
}

static void *io_open(const char *uri)
{
    struct io_stream *s = g_new0(struct io_stream, 1);

    s->b = g_hash_table_lookup(io_entries, uri);
    return s;
}

static int io_read(void *ctx, char *buf, int len)
{
    struct io_stream *s = ctx;
    size_t n = MIN((size_t)len, s->b->len - s->pos);

    memcpy(buf, s->b->data + s->pos, n);
    s->pos += n;
    return (int)n;
}

static int io_close(void *ctx)
{
    g_free(ctx);
    return 0;
}

void xades_io_begin(GHashTable *entries)
{
    g_mutex_lock(&io_lock);
    io_entries = entries;
    xmlSecIOCleanupCallbacks();
    xmlSecIORegisterCallbacks(io_match, io_open, io_read, io_close);
}

void xades_io_end(void)
{
    xmlSecIOCleanupCallbacks();
    io_entries = NULL;
    g_mutex_unlock(&io_lock);
}

/* ---- initialisation ---------------------------------------------------------------------- */

static void quiet(const char *file, int line, const char *func, const char *obj,
                  const char *subj, int reason, const char *msg)
{
}

/* libxml2's generic error handler (per thread; trykk verifies on its main thread). */
static void quiet_xml(void *ctx, const char *msg, ...)
{
}

int crypto_init(void)
{
    static bool done;

    if (done)
        return 0;
    done = true;
    xmlInitParser();
    /* c14n inside xmlsec reports through it, on stderr, with text from the document
     * ("Relative namespace UR is invalid here"); the failure itself is the reason code */
    xmlSetGenericErrorFunc(NULL, quiet_xml);
    if (xmlSecInit() < 0 || xmlSecCheckVersion() != 1 || xmlSecCryptoAppInit(NULL) < 0 ||
        xmlSecCryptoInit() < 0)
        return -1;
    xmlSecIOCleanupCallbacks(); /* no file or network resolution, ever */
    xmlSecErrorsSetCallback(quiet); /* verification failures become reason codes, not noise */
    return 0;
}

void crypto_shutdown(void)
{
    /* xmlsec cannot be initialised again in the same process; shutdown is for exit only */
    xmlSecCryptoShutdown();
    xmlSecCryptoAppShutdown();
    xmlSecShutdown();
}

xmlSecKeyPtr xades_key(EVP_PKEY *pkey)
{
    EVP_PKEY *dup = xmlSecOpenSSLEvpKeyDup(pkey);
    xmlSecKeyDataPtr data = dup ? xmlSecOpenSSLEvpKeyAdopt(dup) : NULL;
    xmlSecKeyPtr key = data ? xmlSecKeyCreate() : NULL;

    if (!key || xmlSecKeySetValue(key, data) < 0) {
        if (key)
            xmlSecKeyDestroy(key);
        else if (data)
            xmlSecKeyDataDestroy(data);
        else
            EVP_PKEY_free(dup);
        return NULL;
    }
    return key;
}


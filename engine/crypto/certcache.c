/* SPDX-License-Identifier: Apache-2.0 */
/*
 * certcache.c - decoded senders' certificates, kept by the engine for the children it forks.
 *
 * d2i_X509 is most of the JWS check's cost under OpenSSL 3.0 (each public key goes through a
 * new OSSL_DECODER context), and the same sender's certificate comes with every letter, in
 * the message's x5c and again in the XAdES KeyInfo. The engine keeps up to CERT_CACHE_MAX
 * decoded certificates keyed by the SHA-256 of their DER bytes; a child inherits them with
 * its address space and cert_from_der takes a reference instead of decoding. An entry is
 * only the decoded object: a hit needs the same digest and the same bytes, and the chain,
 * validity and policy checks run on it every time as on a certificate decoded afresh.
 *
 * What goes in: the child notes the DER of each certificate it had to decode (at most
 * CERT_NOTED_MAX of at most CERT_DER_MAX bytes each) and reports them; the engine decodes
 * them (cert_cache_put) only for a letter whose sender the child authenticated, so the
 * engine decodes each sender's certificate once, not once per letter. The oldest entry makes
 * room for a new one.
 */
#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "crypto.h"

#define CERT_CACHE_MAX 32
#define CERT_NOTED_MAX 4

struct cert_entry {
    unsigned char md[32];
    struct bytes der;
    X509 *cert;
};

static struct cert_entry cache[CERT_CACHE_MAX];
static size_t cache_next; /* the slot the next entry takes (the oldest once full) */
static GPtrArray *noted;  /* struct bytes *: DER decoded here that the cache did not have */

static void digest(const unsigned char *der, size_t len, unsigned char md[32])
{
    EVP_Digest(der, len, md, NULL, EVP_sha256(), NULL);
}

static struct cert_entry *find(const unsigned char *der, size_t len)
{
    unsigned char md[32];
    size_t i;

    if (len == 0 || len > CERT_DER_MAX)
        return NULL;
    digest(der, len, md);
    for (i = 0; i < CERT_CACHE_MAX; i++)
        if (cache[i].cert && memcmp(cache[i].md, md, sizeof md) == 0 &&
            cache[i].der.len == len && memcmp(cache[i].der.data, der, len) == 0)
            return &cache[i];
    return NULL;
}

X509 *cert_cache_get(const unsigned char *der, size_t len)
{
    struct cert_entry *c = find(der, len);

    if (!c || X509_up_ref(c->cert) != 1)
        return NULL;
    return c->cert;
}

static void entry_free(struct cert_entry *c)
{
    X509_free(c->cert);
    bytes_free(&c->der);
    memset(c, 0, sizeof *c);
}

int cert_cache_put(const unsigned char *der, size_t len)
{
    struct cert_entry *c;
    const unsigned char *p = der;
    X509 *cert;

    if (len == 0 || len > CERT_DER_MAX)
        return -1;
    if (find(der, len))
        return 0;
    if (!(cert = d2i_X509(NULL, &p, (long)len)) || p != der + len) {
        X509_free(cert);
        return -1;
    }
    c = &cache[cache_next];
    cache_next = (cache_next + 1) % CERT_CACHE_MAX;
    entry_free(c);
    digest(der, len, c->md);
    bytes_set(&c->der, der, len);
    c->cert = cert;
    return 0;
}

void cert_cache_clear(void)
{
    size_t i;

    for (i = 0; i < CERT_CACHE_MAX; i++)
        entry_free(&cache[i]);
    cache_next = 0;
}

static void noted_free(gpointer b)
{
    bytes_free(b);
    g_free(b);
}

void cert_note(const unsigned char *der, size_t len)
{
    struct bytes *b;

    if (!noted || len == 0 || len > CERT_DER_MAX || noted->len >= CERT_NOTED_MAX)
        return;
    b = g_new0(struct bytes, 1);
    bytes_set(b, der, len);
    g_ptr_array_add(noted, b);
}

void cert_note_start(void)
{
    if (!noted)
        noted = g_ptr_array_new_with_free_func(noted_free);
}

GPtrArray *cert_noted(void)
{
    return noted;
}

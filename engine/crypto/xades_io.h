/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xades_io.h - internal to engine/crypto: xmlsec IO callbacks and key conversion.
 */
#ifndef TRYKK_XADES_IO_H
#define TRYKK_XADES_IO_H

#include <glib.h>
#include <openssl/evp.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/keys.h>
#include <xmlsec/xmldsig.h>

/* entries: reference URI exactly as written -> const struct bytes * (not owned). */
void xades_io_begin(GHashTable *entries);
void xades_io_end(void);
xmlSecKeyPtr xades_key(EVP_PKEY *pkey);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * p11.h - inside crypto/: the PKCS#11 module, its tokens and the key objects on them.
 *
 * p11.c loads the one module of the process (dlopen, C_Initialize, login); p11_uri.c reads
 * RFC 7512 key URIs; p11_key.c finds a key object and makes an EVP_PKEY of it whose private
 * operations are C_Sign and C_Decrypt calls. Nothing here reads a private key's value.
 */
#ifndef TRYKK_P11_H
#define TRYKK_P11_H

#include <p11-kit/pkcs11.h>
#include "crypto.h"

/* A parsed pkcs11: URI (path attributes only; values percent-decoded). */
struct p11_uri {
    char *token, *serial, *object;
    unsigned char *id;
    size_t id_len;
    long slot; /* -1: any */
};

int p11_uri_parse(struct p11_uri *u, const char *uri, char **err);
void p11_uri_free(struct p11_uri *u);

/* The loaded module: its function list, path, and the lock around every call. */
CK_FUNCTION_LIST *p11_functions(void);
const char *p11_module_path(void);
void p11_lock(void);
void p11_unlock(void);
/* A logged-in session on the token the URI names. */
int p11_session(const struct p11_uri *u, CK_SESSION_HANDLE *out, char **err);
/* PKCS#11's name for a return value, e.g. "CKR_PIN_INCORRECT". */
const char *p11_rv_name(CK_RV rv);

#endif

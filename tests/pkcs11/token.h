/* SPDX-License-Identifier: Apache-2.0 */
/*
 * token.h - PKCS#11 tokens for the tests: an NSS softokn database made with certutil and
 * pk12util, and a SoftHSM token made with softhsm2-util, each holding a key the test made.
 */
#ifndef TRYKK_TEST_TOKEN_H
#define TRYKK_TEST_TOKEN_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#define NSS_TOKEN "NSS Certificate DB"
#define NSS_TOKEN_URI "NSS%20Certificate%20DB"

/* Run argv (searched in PATH) in dir; the exit status, stderr in *err (optional). */
int tok_run(const char *dir, const char *const *argv, const char *const *env, char **err);
/* An empty NSS database in dir (created 0700) with PIN pin. */
void tok_nss_create(const char *dir, const char *pin);
/* Import key and cert under label (a PKCS#12 made with openssl, imported by pk12util). */
void tok_nss_import(const char *dir, const char *pin, const char *label, EVP_PKEY *key,
                    X509 *cert);
/* The [pkcs11] lines for the NSS database in dir with the PIN in pin_file. */
char *tok_nss_config(const char *dir, const char *pin_file);
/* Write pin to path, mode 0600. */
void tok_write_pin(const char *path, const char *pin);

#endif

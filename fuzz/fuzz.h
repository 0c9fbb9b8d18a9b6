/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz.h - what every libFuzzer target in fuzz/ shares: the entry points libFuzzer calls,
 * the quiet deterministic set-up, the test-only keys under fuzz/keys/, and a count of
 * inputs that passed every check (the replay test uses it to prove the committed seeds
 * still reach the end of their parser with the committed keys).
 */
#ifndef TRYKK_FUZZ_H
#define TRYKK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include "crypto/crypto.h"

/* libFuzzer's entry points; replay.c calls them the same way. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Pin the clock (TRYKK_NOW), silence the log below errors, make GLib criticals fatal,
 * initialise libxml2/xmlsec. */
void fuzz_setup(void);
/* A test-only PEM from fuzz/keys/ (FUZZ_KEYS_DIR, set by CMake); aborts when missing. */
X509 *fuzz_cert(const char *name);
EVP_PKEY *fuzz_key(const char *name);
/* The input passed every check of the target (a valid seed does). */
void fuzz_note_ok(void);
unsigned long fuzz_ok_count(void);

#endif

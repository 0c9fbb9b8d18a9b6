/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_message.c - libFuzzer target: the business message of carriers (a) and (b).
 *
 * An input is a compact JWS (split, payload JSON, header and x5c signature check), or, when
 * it starts with '{', the payload JSON itself: mutating base64url rarely yields JSON, so the
 * second form lets the fuzzer reach the field rules directly. Either way the payload goes
 * through message_identity, message_check and (when the rules pass) token_check, whether or
 * not the signature verified: a fuzzer cannot forge one, and every parser behind it must
 * still survive what it is given.
 *
 * In the libFuzzer build a custom mutator mostly decodes the JWS header or payload, mutates
 * the JSON and encodes it again, so the header members and x5c are fuzzed as well; one
 * mutation in four works on the input bytes as they are.
 */
#include <string.h>
#include "fuzz.h"
#include "intake/intake.h"

#define MAX_MESSAGE (1u << 20) /* the engine's carrier cap on the JWT */
#define SIGNER_ORG "910000001"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    return 0;
}

static json_t *plain_json(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *v = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);

    if (v && !json_is_object(v))
        g_clear_pointer(&v, json_decref);
    return v;
}

/* The JWS path of step_message: split, payload, signature. *signed_ok when it verified. */
static json_t *jws_json(const uint8_t *data, size_t size, bool *signed_ok)
{
    struct jws j;
    json_t *payload = NULL;
    X509 *signer = NULL;
    STACK_OF(X509) *chain = NULL;
    struct reason r = {0};

    if (jws_split(&j, (const char *)data, size) < 0 || jws_payload(&j, MAX_MESSAGE, &payload) < 0)
        return NULL;
    *signed_ok = jws_verify(&j, &signer, &chain, &r) == 0;
    X509_free(signer);
    sk_X509_pop_free(chain, X509_free);
    return payload;
}

/* The field rules, as after the signature; true when every rule passed. */
static bool check_payload(json_t *payload)
{
    struct identity id;
    struct message m = {0};
    struct reason r = {0};
    bool ok;

    message_identity(&id, payload);
    m.payload = payload;
    ok = message_check(&m, &r) == 0;
    if (ok) {
        message_standard_ok(m.standard);
        ok = m.token && token_check(&m, SIGNER_ORG, &r) == 0;
    }
    message_free(&m);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool signed_ok = false, is_json = size > 0 && data[0] == '{';
    json_t *payload;

    if (size > MAX_MESSAGE)
        return -1;
    payload = is_json ? plain_json(data, size) : jws_json(data, size, &signed_ok);
    if (!payload)
        return 0;
    if (check_payload(payload) && (is_json || signed_ok))
        fuzz_note_ok();
    return 0;
}

#ifdef TRYKK_LIBFUZZER
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed);

/* Replace data[from, to) by the base64url of its decoded bytes, mutated. 0 when it cannot. */
static size_t mutate_segment(uint8_t *data, size_t size, size_t max_size, size_t from,
                             size_t to)
{
    struct bytes raw;
    uint8_t *buf;
    char *enc;
    size_t n, len = 0;

    if (b64url_decode((const char *)data + from, to - from, &raw) < 0)
        return 0;
    buf = g_malloc(raw.len + 4096);
    memcpy(buf, raw.data, raw.len);
    n = LLVMFuzzerMutate(buf, raw.len, raw.len + 4096);
    enc = b64url_encode(buf, n);
    if (size - (to - from) + strlen(enc) <= max_size) {
        memmove(data + from + strlen(enc), data + to, size - to);
        memcpy(data + from, enc, strlen(enc));
        len = size - (to - from) + strlen(enc);
    }
    g_free(enc);
    g_free(buf);
    bytes_free(&raw);
    return len;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed)
{
    struct jws j;
    size_t len = 0;

    if (seed % 4 != 0 && size > 0 && data[0] != '{' &&
        jws_split(&j, (const char *)data, size) == 0)
        len = (seed >> 2) % 2 ? mutate_segment(data, size, max_size, 0, j.dot1)
                              : mutate_segment(data, size, max_size, j.dot1 + 1, j.dot2);
    return len ? len : LLVMFuzzerMutate(data, size, max_size);
}
#endif

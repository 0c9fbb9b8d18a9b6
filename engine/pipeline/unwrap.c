/* SPDX-License-Identifier: Apache-2.0 */
/*
 * unwrap.c - a token key's key transport for the verifying child, done by the engine.
 *
 * A PKCS#11 session belongs to the process that opened it (NSS's softokn refuses to be used
 * after fork, and a network HSM needs a socket the child's seccomp filter forbids). So when
 * the child's cms_decrypt needs C_Decrypt, it writes one line on its report pipe,
 *   {"unwrap":{"key":0,"md":"SHA256","mgf1":"SHA256","data":"<base64 encryptedKey>"}}
 * and reads the answer from its reply pipe: {"cek":"<base64>"} or {"error":{…}}. The engine
 * checks every member, answers at most UNWRAP_MAX requests per child and decrypts only with
 * the configured decryption keys: the child gets what it would get holding a key file, the
 * key itself never. The content key goes over a pipe between the two processes only.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include "../util/sigpipe.h"
#include "pipeline.h"

#define UNWRAP_MAX 4
#define ENC_MAX 1024 /* bytes of an encrypted key: RSA up to 8192 bits */
#define REPLY_CAP 4096

/* ---- the child -------------------------------------------------------------------------- */

struct child_route {
    struct engine *e;
    void (*send)(json_t *);
    int reply_fd;
};

static struct child_route child;

static int read_reply(char *buf, size_t cap)
{
    size_t n = 0;

    while (n + 1 < cap) {
        ssize_t got = read(child.reply_fd, buf + n, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        if (buf[n] == '\n') {
            buf[n] = 0;
            return 0;
        }
        n++;
    }
    return -1;
}

static const char *static_code(const char *code)
{
    static const char *const known[] = {"cms-invalid", "pkcs11-oaep", "pkcs11"};
    size_t i;

    for (i = 0; code && i < G_N_ELEMENTS(known); i++)
        if (strcmp(code, known[i]) == 0)
            return known[i];
    return "pkcs11";
}

static int take_answer(const char *line, struct bytes *cek, struct reason *r)
{
    json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
    const char *b64 = json_string_value(json_object_get(o, "cek"));
    json_t *e = json_object_get(o, "error");
    int rc = -1;

    if (b64 && b64_decode_strict(b64, strlen(b64), false, cek) == 0)
        rc = 0;
    else if (e)
        reason_set(r, json_integer_value(json_object_get(e, "verdict")) == VERDICT_FAILED
                          ? VERDICT_FAILED : VERDICT_INTERNAL,
                   static_code(json_string_value(json_object_get(e, "code"))), "%s",
                   json_string_value(json_object_get(e, "detail")) ?: "key transport failed");
    else
        reason_internal(r, "pkcs11", "the engine sent no answer to a key transport request");
    json_decref(o);
    return rc;
}

static int child_unwrap(void *ctx, EVP_PKEY *key, int md_nid, int mgf1_nid,
                        const struct bytes *enc, struct bytes *cek, struct reason *r)
{
    char *b64 = b64_encode(enc->data, enc->len), line[REPLY_CAP];
    size_t k;
    json_t *o;
    int rc = -1;

    for (k = 0; k < child.e->nkeys && child.e->keys[k].key != key; k++)
        ;
    o = json_pack("{s:{s:I,s:s,s:s,s:s}}", "unwrap", "key", (json_int_t)k, "md",
                  OBJ_nid2sn(md_nid), "mgf1", OBJ_nid2sn(mgf1_nid), "data", b64);
    child.send(o);
    json_decref(o);
    g_free(b64);
    if (read_reply(line, sizeof line) < 0)
        reason_internal(r, "pkcs11", "the engine did not answer a key transport request");
    else
        rc = take_answer(line, cek, r);
    OPENSSL_cleanse(line, sizeof line);
    return rc;
}

bool unwrap_needed(const struct engine *e)
{
    size_t k;

    for (k = 0; k < e->nkeys; k++)
        if (key_is_p11(e->keys[k].key))
            return true;
    return false;
}

void unwrap_route_child(struct engine *e, void (*send)(json_t *), int reply_fd)
{
    child.e = e;
    child.send = send;
    child.reply_fd = reply_fd;
    p11_route_unwrap(child_unwrap, NULL);
}

/* ---- the engine ------------------------------------------------------------------------- */

static void write_line(int fd, json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT);
    size_t len = s ? strlen(s) : 0, off = 0;
    struct sigpipe_guard guard = {0};

    sigpipe_block(&guard); /* a child that died gets no answer; write() sees EPIPE */
    while (s && off <= len) {
        ssize_t n = off < len ? write(fd, s + off, len - off) : write(fd, "\n", 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += off < len ? (size_t)n : 1;
    }
    sigpipe_restore(&guard);
    if (s)
        OPENSSL_cleanse(s, len);
    free(s);
}

static int hash_nid(json_t *v)
{
    const char *sn = json_string_value(v);
    int nid = sn ? OBJ_sn2nid(sn) : NID_undef;

    return nid == NID_sha1 || nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512
               ? nid : NID_undef;
}

bool unwrap_answer(struct engine *e, json_t *req, int reply_fd, int *count)
{
    json_t *k = json_object_get(req, "key");
    const char *data = json_string_value(json_object_get(req, "data"));
    int md = hash_nid(json_object_get(req, "md")), mgf1 = hash_nid(json_object_get(req, "mgf1"));
    json_int_t idx = json_is_integer(k) ? json_integer_value(k) : -1;
    struct bytes enc = {0}, cek = {0};
    struct reason r = {0};
    char *b64;
    json_t *o;

    if (reply_fd < 0 || ++*count > UNWRAP_MAX || idx < 0 || (size_t)idx >= e->nkeys ||
        !key_is_p11(e->keys[idx].key) || md == NID_undef || mgf1 == NID_undef || !data ||
        strlen(data) > ENC_MAX * 2 || b64_decode_strict(data, strlen(data), false, &enc) < 0)
        return false;
    if (p11_unwrap(e->keys[idx].key, md, mgf1, &enc, &cek, &r) == 0) {
        b64 = b64_encode(cek.data, cek.len);
        o = json_pack("{s:s}", "cek", b64);
        OPENSSL_cleanse(b64, strlen(b64));
        g_free(b64);
    } else {
        o = json_pack("{s:{s:i,s:s,s:s}}", "error", "verdict", (int)r.verdict, "code", r.code,
                      "detail", r.detail);
    }
    write_line(reply_fd, o);
    json_decref(o);
    bytes_free(&enc);
    bytes_wipe_free(&cek);
    return true;
}

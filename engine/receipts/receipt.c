/* SPDX-License-Identifier: Apache-2.0 */
/*
 * receipt.c - build, sign and publish DPI JSON receipts.
 *
 * Serialisation is deterministic (insertion order, compact) and RSA PKCS#1 v1.5 signatures
 * are deterministic, so the stored bytes are what every re-publication sends.
 */
#include <errno.h>
#include <string.h>
#include <openssl/evp.h>
#include "receipts.h"
#include "../crypto/crypto.h"
#include "../util/util.h"

#define AUTHORITY "iso6523-actorid-upis"
#define STD_PREFIX "urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##" \
                   "urn:fdc:digdir.no:2020:innbyggerpost:schema:"
#define DETALJER_MAX 1000

/* A UUID (version 8, RFC 9562 custom) derived from the letter id and receipt type. */
char *receipt_uuid(const char *letter_id, const char *type)
{
    unsigned char md[32];
    char *input = g_strdup_printf("trykk-receipt:%s:%s", letter_id, type);

    EVP_Digest(input, strlen(input), md, NULL, EVP_sha256(), NULL);
    g_free(input);
    md[6] = (unsigned char)((md[6] & 0x0f) | 0x80);
    md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
    return g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                           md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9],
                           md[10], md[11], md[12], md[13], md[14], md[15]);
}

static json_t *identifier(const char *value)
{
    return json_pack("{s:s, s:s}", "authority", AUTHORITY, "value", value);
}

static json_t *header(const struct receipt_signer *s, const struct receipt_to *to,
                      const char *id, const char *type, const char *now)
{
    char *ours = g_strdup_printf("0192:%s", s->orgnr);
    char *standard = g_strdup_printf(STD_PREFIX "%s::1.0", type);
    json_t *h = json_pack("{s:s, s:[{s:o}], s:[{s:o}], s:{s:s, s:s, s:s, s:s, s:s}, s:O}",
                          "headerVersion", "1.0",
                          "sender", "identifier", identifier(ours),
                          "receiver", "identifier", identifier(to->sbdh_sender),
                          "documentIdentification", "standard", standard, "typeVersion", "1.0",
                          "instanceIdentifier", id, "type", type, "creationDateAndTime", now,
                          "businessScope", to->business_scope);

    g_free(ours);
    g_free(standard);
    return h;
}

static char *clip_detaljer(const char *d)
{
    const char *end = d;
    glong n = 0;

    while (*end && n < DETALJER_MAX) {
        end = g_utf8_next_char(end);
        n++;
    }
    return g_strndup(d, (gsize)(end - d));
}

static json_t *body(const struct receipt_signer *s, const struct receipt_to *to,
                    const char *feiltype, const char *detaljer, const char *now)
{
    char *ours = g_strdup_printf("0192:%s", s->orgnr);
    json_t *mottaker = json_pack("{s:o}", "virksomhetsidentifikator", identifier(to->avsender));
    json_t *b;

    if (to->avsenderidentifikator)
        json_object_set_new(mottaker, "motakeridentifikator", json_string(to->avsenderidentifikator));
    b = json_pack("{s:{s:o}, s:o, s:s}", "avsender", "virksomhetsidentifikator", identifier(ours),
                  "mottaker", mottaker, "tidspunkt", now);
    if (feiltype) {
        json_object_set_new(b, "feiltype", json_string(feiltype));
        if (detaljer && *detaljer) {
            char *d = clip_detaljer(detaljer);
            json_object_set_new(b, "detaljer", json_string(d));
            g_free(d);
        }
    }
    g_free(ours);
    return b;
}

int receipt_build(struct receipt *out, const struct receipt_signer *s, const struct receipt_to *to,
                  const char *letter_id, const char *type, const char *feiltype,
                  const char *detaljer, GDateTime *at)
{
    char *now = time_rfc3339(at);
    char *id = receipt_uuid(letter_id, type);
    json_t *doc = json_pack("{s:{s:o, s:o}}", "standardBusinessDocument",
                            "standardBusinessDocumentHeader", header(s, to, id, type, now),
                            type, body(s, to, feiltype, detaljer, now));
    char *payload = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);

    char *jws = payload ? jws_sign_x5c("RS256", payload, strlen(payload), s->key, s->cert) : NULL;

    json_decref(doc);
    free(payload);
    return receipt_fill(out, jws, id, now, letter_id, type, feiltype, "jwt");
}

int receipt_fill(struct receipt *out, char *signed_bytes, char *id, char *now,
                 const char *letter_id, const char *type, const char *feiltype, const char *ext)
{
    memset(out, 0, sizeof *out);
    if (!signed_bytes) {
        g_free(now);
        g_free(id);
        return -1;
    }
    out->jws = signed_bytes;
    out->id = id;
    out->type = g_strdup(type);
    out->feiltype = g_strdup(feiltype);
    out->file_name = g_strdup_printf("%s.%s.%s", letter_id, type, ext);
    out->created_at = now;
    return 0;
}

void receipt_free(struct receipt *r)
{
    g_free(r->id);
    g_free(r->type);
    g_free(r->feiltype);
    g_free(r->file_name);
    g_free(r->jws);
    g_free(r->created_at);
    memset(r, 0, sizeof *r);
}

int receipt_publish(const char *outbox, const char *file_name, const char *jws)
{
    int rc = fsio_publish(outbox, file_name, jws, strlen(jws), FSIO_NOREPLACE);

    return rc == -EEXIST ? 0 : rc;
}

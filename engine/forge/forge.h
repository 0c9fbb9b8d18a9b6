/* SPDX-License-Identifier: Apache-2.0 */
/*
 * forge.h - the sender side, for tests and the demo: keys and certificates, PDFs, signed
 * ASiC-E packages, CMS encryption, signed business messages and spool drops.
 *
 * Everything is built with the same libraries and rules a real sender uses, so what the
 * forge makes is verified by the engine exactly like a real forsendelse. Production code
 * never calls it except `trykk demo`.
 */
#ifndef TRYKK_FORGE_H
#define TRYKK_FORGE_H

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "../util/util.h"

/* ---- keys and certificates (pki.c) ----------------------------------------------------- */
struct forge_party {
    EVP_PKEY *key;
    X509 *cert;
    STACK_OF(X509) *chain; /* intermediates sent along (x5c, KeyInfo) */
};

EVP_PKEY *forge_rsa(int bits);
/* orgnr adds organizationIdentifier NTRNO-<orgnr>. Validity in Unix seconds. */
X509 *forge_cert(const char *cn, const char *orgnr, EVP_PKEY *key, EVP_PKEY *issuer_key,
                 X509 *issuer, gint64 not_before, gint64 not_after, bool ca);
int forge_write_key(const char *path, EVP_PKEY *key);
int forge_write_cert(const char *path, X509 *cert);
void forge_party_free(struct forge_party *p);

/* ---- PDFs (pdf.c) ----------------------------------------------------------------------- */
struct forge_pdf {
    int pages;               /* default 1 */
    double width_mm, height_mm; /* default A4 portrait */
    const char *title;       /* document info Title (uncompressed: the tests' canary) */
    const char *body;        /* text printed on each page */
    bool encrypt;            /* AES-256, user password "secret" */
    bool unembedded_font;    /* a hand-made PDF using a non-embedded, non-standard font */
    const char *force_version; /* e.g. "2.0" */
    bool press;              /* add press content: a CMYK fill, a PANTONE spot fill, a CMYK image */
    bool window_text;        /* body text inside the eco blank field (top-left 125 × 89 mm) */
    bool margin_ink;         /* black over the left 18 mm from y 90 mm down (the mark zone) */
    int rotate;              /* /Rotate on every page (content drawn so it displays upright) */
    const struct bytes *raw; /* these bytes as the document, as they are (hostile input) */
};

int forge_pdf_make(const struct forge_pdf *o, struct bytes *out);

/* ---- packages (package.c) --------------------------------------------------------------- */
struct forge_entry {
    char *name;
    struct bytes data;
    bool stored;
};

char *forge_manifest_xml(const char *avsender, GPtrArray *doc_names, const char *mime,
                         bool doctype);
int forge_sign_package(GArray *entries, const struct forge_party *signer, int xades_flags,
                       struct bytes *out);
int forge_zip(GArray *entries, struct bytes *out);
int forge_encrypt(const struct bytes *zip, X509 *recipient, struct bytes *out);
/* cipher: an OpenSSL cipher name ("AES-128-CBC", "DES-EDE3-CBC"); NULL AES-256-CBC. */
int forge_encrypt_with(const struct bytes *zip, X509 *recipient, const char *cipher,
                       struct bytes *out);

/* ---- messages and carriers (message.c) -------------------------------------------------- */
struct forge_letter {
    const struct forge_party *signer;       /* signs the JWT and (default) the package */
    const struct forge_party *package_signer;
    X509 *provider_cert;                    /* the package is encrypted to this */
    const char *sender_orgnr, *receiver_orgnr;
    const char *message_id, *conversation_id, *created; /* NULL: fresh UUIDs, now */
    const char *navn, *adresse, *postnummer, *poststed, *landkode;
    const char *colour, *posttype, *return_handling;
    const char *avsenderidentifikator, *faktura_referanse;
    const char *alg;                        /* default RS256 */
    int documents;                          /* default 1 */
    struct forge_pdf pdf;
    const char *manifest_avsender;          /* default the sender */
    /* deliberate defects for negative tests */
    bool extra_unsigned_entry, change_pdf_after_signing, manifest_doctype, dotdot_entry;
    bool namespaced_id;                     /* w:Id="SignedProperties" added after signing */
    size_t bomb_bytes;                      /* a signed entry of this many zero bytes */
    size_t pad_bytes;                       /* a signed stored entry of random bytes */
    const char *document_mime;              /* default application/pdf */
    bool store_documents;                   /* zip PDFs uncompressed (leak scans find them) */
    int xades_flags;                        /* XADES_C14N11 | XADES_NS_2918: the 2014 style */
    const char *cipher;                     /* content cipher (forge_encrypt_with); NULL AES-256 */
};

/* The signed JWT and the CMS package of one letter. */
int forge_letter_build(const struct forge_letter *l, char **jwt, struct bytes *cms);
json_t *forge_message_json(const struct forge_letter *l, const struct bytes *cms);
char *forge_sign_message(json_t *payload, const struct forge_party *signer, const char *alg);
/* The same letter as a signed legacy SDP XML SBD over cms (authority: the SBDH Authority
 * spelling, NULL for iso6523-actorid-upis). */
char *forge_legacy_sbd(const struct forge_letter *l, const struct bytes *cms,
                       const char *authority);
/* Hand a carrier to the spool like a broker: write in tmp/, rename into incoming/. Kind 'a'
 * and 'b' take the JWT, 'c' the legacy SBD XML. */
int forge_drop(const char *spool_root, const char *name, char kind, const char *jwt,
               const struct bytes *cms);

#endif

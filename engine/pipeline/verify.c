/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verify.c - the checks of one forsendelse, in order; each step runs only if the previous
 * passed, and each failure has its own reason code (dpi-print-format.md §8):
 *
 *   carrier ─ JWS form ─ identity (who to answer) ─ JWS signature ─ field rules ─
 *   (carrier (c): XML mapped to the same payload ─ identity ─ XML signature ─ field rules) ─
 *   certificate (chain, time, organisation = SBDH sender) ─ receiver and type ─ token ─
 *   package size ─ fingerprint ║ CMS decrypt ─ zip ─ XAdES ─ manifest ─ PDFs
 *
 * Two phases (║): verify_message ends with the fingerprint, verify_package does the rest.
 * The bounded child (isolate.c) reports after each, so the engine can answer a sender whose
 * package later kills the child, and can refuse a reused message id before decrypting.
 * The business message is *signed* once its signature, chain and organisation binding have
 * passed; the letter is *authenticated* only when the package signature (XAdES) has passed
 * too, and only an authenticated letter reserves its message id (the engine's decision).
 *
 * Nothing is decrypted before the message signature, certificate and fingerprint have
 * passed; nothing is rendered or kept before the package signature has passed. Decrypted
 * bytes are wiped before this file returns. Nothing here touches the ledger or the spool.
 */
#include <string.h>
#include <openssl/evp.h>
#include "pipeline.h"
#include "../render/render.h"

#define SIGNATURES "META-INF/signatures.xml"

static int step_message(struct engine *e, struct verdict_info *v)
{
    struct jws j = {0};
    json_t *payload;

    if (jws_split(&j, (const char *)v->carrier.jwt.data, v->carrier.jwt.len) < 0) {
        reason_quarantine(&v->r, "message-unreadable", "the business message is not a compact JWS");
        return -1;
    }
    if (jws_payload(&j, e->carrier_limits.max_message, &payload) < 0) {
        reason_quarantine(&v->r, "message-unreadable", "the JWS payload is not a JSON object");
        return -1;
    }
    v->msg.payload = payload;
    if (message_identity(&v->who, payload) < 0) {
        reason_quarantine(&v->r, "message-unreadable", "the message names no sender or "
                          "ConversationId to answer");
        return -1;
    }
    v->have_identity = true;
    if (jws_verify(&j, &v->signer, &v->chain, &v->r) < 0)
        return -1;
    if (message_check(&v->msg, &v->r) < 0)
        return -1;
    v->rules_ok = true;
    return 0;
}

/* Carrier (c): the XML is mapped onto the same payload, then the same rules; the message
 * signature is the enveloped XML-DSig instead of the JWS. */
static int step_legacy_message(struct engine *e, struct verdict_info *v)
{
    json_t *payload = NULL;
    int rc = legacy_read(&v->legacy, &v->carrier.jwt, &payload, &v->r);

    if (rc < 0)
        return -1;
    v->msg.payload = payload;
    v->msg.legacy = true;
    v->msg.print_instructions = v->legacy.print_instructions;
    if (message_identity(&v->who, payload) < 0) {
        reason_quarantine(&v->r, "message-unreadable", "the message names no sender or "
                          "ConversationId to answer");
        return -1;
    }
    v->have_identity = true;
    if (rc > 0)
        return -1; /* readable, answerable, but not a print message */
    if (xmldsig_verify(v->legacy.doc, v->legacy.business, &v->signer, &v->chain, &v->r) < 0)
        return -1;
    if (message_check(&v->msg, &v->r) < 0)
        return -1;
    v->rules_ok = true;
    return 0;
}

/* SDP 1.0 had no Maskinporten token; when a legacy message carries one, it is checked. */
static int step_token(struct verdict_info *v, const char *org)
{
    if (v->msg.legacy && !v->msg.token)
        return 0;
    return token_check(&v->msg, org, &v->r);
}

static GDateTime *check_time(struct engine *e, struct verdict_info *v)
{
    GDateTime *now = time_now();
    GDateTime *created;
    GTimeSpan skew;

    if (e->check_time == CHECK_NOW)
        return now;
    created = time_parse_rfc3339(v->msg.created);
    skew = g_date_time_difference(now, created);
    g_date_time_unref(now);
    if (skew < 0)
        skew = -skew;
    if (skew > (GTimeSpan)e->max_skew_days * G_TIME_SPAN_DAY) {
        reason_fail(&v->r, "message-time", "creationDateAndTime is more than %d days from now",
                    e->max_skew_days);
        g_date_time_unref(created);
        return NULL;
    }
    return created;
}

static int step_certificate(struct engine *e, struct verdict_info *v, char **org)
{
    GDateTime *at = check_time(e, v);
    char *sender;
    int rc;

    if (!at)
        return -1;
    rc = trust_verify(e->trust, v->signer, v->chain, at, &v->r);
    g_date_time_unref(at);
    if (rc < 0)
        return -1;
    *org = cert_orgnr(v->signer);
    sender = text_orgnr_digits(v->msg.sbdh_sender);
    rc = -1;
    if (!*org)
        reason_fail(&v->r, "cert-org", "the signer certificate carries no organisation number");
    else if (!sender || strcmp(*org, sender) != 0)
        reason_fail(&v->r, "cert-org", "the signer certificate's organisation is not the SBDH "
                    "sender");
    else
        rc = 0;
    g_free(sender);
    v->msg_signed = rc == 0;
    return rc;
}

static int step_addressing(struct engine *e, struct verdict_info *v)
{
    char *receiver = text_orgnr_digits(v->msg.sbdh_receiver);
    int rc = -1;

    if (!receiver || strcmp(receiver, e->orgnr) != 0)
        reason_fail(&v->r, "wrong-receiver", "the SBDH receiver is not this print provider");
    else if (strcmp(v->msg.type, "utskrift") != 0 || !message_standard_ok(v->msg.standard))
        reason_fail(&v->r, "wrong-type", "the message is not of type utskrift (print)");
    else
        rc = 0;
    g_free(receiver);
    return rc;
}

/* SHA-256 of the business message bytes: the same message delivered again has the same. */
static void message_digest(const struct bytes *msg, char hex[65])
{
    unsigned char md[32];
    int i;

    EVP_Digest(msg->data, msg->len, md, NULL, EVP_sha256(), NULL);
    for (i = 0; i < 32; i++)
        g_snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static int step_package(struct engine *e, struct verdict_info *v)
{
    if (v->carrier.cms_oversize) {
        reason_fail(&v->r, "package-too-large", "the document package is %zu bytes; the limit is "
                    "%zu", v->carrier.cms_oversize, e->carrier_limits.max_package);
        return -1;
    }
    if (fingerprint_check(v->msg.digest_method, v->msg.digest_value, &v->carrier.cms, &v->r) < 0)
        return -1;
    v->fingerprint_ok = true;
    return 0;
}

static int check_manifest(struct verdict_info *v, struct asice *zip, struct manifest *m)
{
    const struct bytes *xml;
    char *a, *b;
    int rc;

    if (asice_read(zip, "manifest.xml", &xml, &v->r) < 0) {
        reason_fail(&v->r, "manifest-invalid", "the package has no manifest.xml");
        return -1;
    }
    if (manifest_parse(m, xml, &v->r) < 0)
        return -1;
    a = text_orgnr_digits(m->avsender);
    b = text_orgnr_digits(v->msg.avsender);
    rc = a && b && strcmp(a, b) == 0 ? 0 : -1;
    if (rc < 0)
        reason_fail(&v->r, "manifest-sender", "manifest avsender is not the message's avsender");
    g_free(a);
    g_free(b);
    return rc;
}

static int check_documents(struct engine *e, struct verdict_info *v, struct asice *zip,
                           struct manifest *m)
{
    guint i;

    for (i = 0; i < m->docs->len; i++) {
        struct manifest_doc *d = m->docs->pdata[i];
        struct doc_info info = {0};
        struct pdf_info pi = {0};
        const struct bytes *pdf;
        if (g_str_has_prefix(d->href, "META-INF/") || !asice_has(zip, d->href) ||
            asice_read(zip, d->href, &pdf, &v->r) < 0) {
            reason_fail(&v->r, "manifest-invalid", "document %u named by the manifest is not a "
                        "signed package file", i + 1);
            return -1;
        }
        if (strcmp(d->mime, "application/pdf") != 0) {
            reason_fail(&v->r, "document-not-pdf", "document %u is %s; print accepts PDF only",
                        i + 1, g_utf8_validate(d->mime, -1, NULL) ? d->mime : "not PDF");
            return -1;
        }
        struct pdf_limits lim = {e->page_tolerance_mm, e->max_pages - v->pages, 0, 0};
        if (pdf_preflight(pdf, &lim, &pi, &v->r) < 0)
            return -1;
        info.mime = g_strdup(d->mime);
        info.bytes = pdf->len;
        info.pages = pi.pages;
        memcpy(info.version, pi.version, sizeof info.version);
        g_array_append_val(v->docs, info);
        v->pages += pi.pages;
    }
    return 0;
}

static int step_contents(struct engine *e, struct verdict_info *v, const struct bytes *plain)
{
    struct asice *zip = NULL;
    struct manifest m = {0};
    struct xades_package pkg = {0};
    const struct bytes *sig;
    int rc = asice_open(&zip, plain, &e->zip_limits, &v->r);

    if (rc == 0 && !asice_has(zip, SIGNATURES)) {
        reason_fail(&v->r, "xades-invalid", "the package has no " SIGNATURES);
        rc = -1;
    }
    if (rc == 0)
        rc = asice_read(zip, SIGNATURES, &sig, &v->r);
    if (rc == 0) {
        pkg.signatures_xml = sig;
        pkg.entries = asice_names(zip);
        pkg.n_entries = asice_count(zip);
        pkg.read = asice_read_cb;
        pkg.ctx = zip;
        rc = xades_verify(&pkg, v->signer, &v->r);
        v->authenticated = rc == 0;
    }
    if (rc == 0)
        rc = check_manifest(v, zip, &m);
    if (rc == 0)
        rc = check_documents(e, v, zip, &m);
    manifest_free(&m);
    asice_free(zip); /* wipes every inflated entry */
    return rc;
}

/*
 * verify_message - phase one, up to the fingerprint: v->r.verdict is VERDICT_OK when every
 * check so far passed. Fills the identity as soon as it is known.
 */
void verify_message(struct engine *e, const char *path, struct verdict_info *v)
{
    char *org = NULL;

    memset(v, 0, sizeof *v);
    v->docs = g_array_new(FALSE, TRUE, sizeof(struct doc_info));
    if (carrier_read(&v->carrier, path, &e->carrier_limits, &v->r) < 0)
        return;
    message_digest(&v->carrier.jwt, v->digest);
    if ((v->carrier.kind == CARRIER_LEGACY ? step_legacy_message(e, v) : step_message(e, v)) == 0 &&
        step_certificate(e, v, &org) == 0 && step_addressing(e, v) == 0 && step_token(v, org) == 0)
        (void)step_package(e, v);
    g_free(org);
}

/* verify_package - phase two, after verify_message passed: decrypt, unzip, XAdES, PDFs. */
void verify_package(struct engine *e, struct verdict_info *v)
{
    struct bytes plain = {0};

    if (cms_decrypt(e->keys, e->nkeys, &v->carrier.cms, e->zip_limits.max_total, &plain,
                    &v->r) == 0)
        (void)step_contents(e, v, &plain);
    bytes_wipe_free(&plain);
}

/* verify_entry - both phases in this process (tests and fuzzers; the engine isolates them). */
void verify_entry(struct engine *e, const char *path, struct verdict_info *v)
{
    verify_message(e, path, v);
    if (v->r.verdict == VERDICT_OK)
        verify_package(e, v);
}

void verdict_info_free(struct verdict_info *v)
{
    guint i;

    carrier_free(&v->carrier);
    legacy_free(&v->legacy);
    message_free(&v->msg);
    X509_free(v->signer);
    sk_X509_pop_free(v->chain, X509_free);
    for (i = 0; v->docs && i < v->docs->len; i++)
        g_free(g_array_index(v->docs, struct doc_info, i).mime);
    if (v->docs)
        g_array_free(v->docs, TRUE);
    memset(v, 0, sizeof *v);
}

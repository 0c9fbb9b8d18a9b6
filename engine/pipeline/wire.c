/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wire.c - the verifying child's report, as one line of JSON, and the engine's reading of it.
 *
 * The child holds the parsed, hostile structures; the engine gets only plain values: the
 * reason, the flags of how far authentication went, who to answer, the printed fields and
 * addresses, and per document its type, size and pages. The report is read like any other
 * input: every member is type-checked, and a malformed report is refused.
 */
#include <stdarg.h>
#include <string.h>
#include "pipeline.h"

static void set_str(json_t *o, const char *key, const char *value)
{
    if (value)
        json_object_set_new(o, key, json_string(value));
}

static json_t *address_json(const struct address *a)
{
    static const char *const keys[] = {"linje1", "linje2", "linje3", "linje4"};
    json_t *o = json_object();
    int i;

    set_str(o, "navn", a->navn);
    for (i = 0; i < 4; i++)
        set_str(o, keys[i], a->linje[i]);
    set_str(o, "postnummer", a->postnummer);
    set_str(o, "poststed", a->poststed);
    set_str(o, "land", a->land);
    set_str(o, "landkode", a->landkode);
    return o;
}

static json_t *identity_json(const struct identity *who)
{
    json_t *o = json_object();

    set_str(o, "sbdh_sender", who->sbdh_sender);
    set_str(o, "message_id", who->message_id);
    set_str(o, "conversation_id", who->conversation_id);
    set_str(o, "avsender", who->avsender);
    set_str(o, "avsenderidentifikator", who->avsenderidentifikator);
    if (who->business_scope)
        json_object_set(o, "business_scope", who->business_scope);
    return o;
}

static json_t *fields_json(const struct message *m)
{
    json_t *o = json_object();

    set_str(o, "faktura_referanse", m->faktura_referanse);
    set_str(o, "created", m->created);
    set_str(o, "expected_response", m->expected_response);
    set_str(o, "posttype", m->posttype);
    set_str(o, "colour", m->colour);
    set_str(o, "return_handling", m->return_handling);
    set_str(o, "print_instructions", m->print_instructions);
    json_object_set_new(o, "recipient", address_json(&m->recipient));
    json_object_set_new(o, "retur", address_json(&m->retur));
    return o;
}

static json_t *docs_json(const GArray *docs)
{
    json_t *a = json_array();
    guint i;

    for (i = 0; docs && i < docs->len; i++) {
        const struct doc_info *d = &g_array_index(docs, struct doc_info, i);
        json_array_append_new(a, json_pack("{s:s?, s:I, s:i, s:s}", "mime", d->mime,
                                           "bytes", (json_int_t)d->bytes, "pages", d->pages,
                                           "version", d->version));
    }
    return a;
}

static const char flag_names[][16] = {"have_identity", "rules_ok", "msg_signed",
                                      "fingerprint_ok", "authenticated"};

json_t *verdict_report(const struct verdict_info *v, int phase)
{
    const bool flags[] = {v->have_identity, v->rules_ok, v->msg_signed, v->fingerprint_ok,
                          v->authenticated};
    char kind[2] = {(char)v->carrier.kind, 0};
    json_t *o = json_pack("{s:i, s:i, s:s, s:s}", "phase", phase, "verdict", (int)v->r.verdict,
                          "detail", v->r.detail, "carrier", kind);
    size_t i;

    set_str(o, "code", v->r.code);
    for (i = 0; i < G_N_ELEMENTS(flags); i++)
        json_object_set_new(o, flag_names[i], json_boolean(flags[i]));
    if (v->digest[0])
        set_str(o, "digest", v->digest);
    if (v->have_identity)
        json_object_set_new(o, "who", identity_json(&v->who));
    set_str(o, "authority", v->legacy.authority);
    if (v->rules_ok)
        json_object_set_new(o, "fields", fields_json(&v->msg));
    json_object_set_new(o, "docs", docs_json(v->docs));
    json_object_set_new(o, "pages", json_integer(v->pages));
    return o;
}

/* ---- reading a report ----------------------------------------------------------------- */

/* A string member, or NULL; -1 when present but not a string. */
static int get_str(json_t *o, const char *key, const char **out)
{
    json_t *m = json_object_get(o, key);

    *out = json_string_value(m);
    return m && !json_is_string(m) ? -1 : 0;
}

static int parse_address(json_t *o, struct address *a)
{
    static const char *const keys[] = {"linje1", "linje2", "linje3", "linje4"};
    int i, rc = 0;

    memset(a, 0, sizeof *a);
    if (!json_is_object(o))
        return -1;
    rc |= get_str(o, "navn", &a->navn);
    for (i = 0; i < 4; i++)
        rc |= get_str(o, keys[i], &a->linje[i]);
    rc |= get_str(o, "postnummer", &a->postnummer);
    rc |= get_str(o, "poststed", &a->poststed);
    rc |= get_str(o, "land", &a->land);
    rc |= get_str(o, "landkode", &a->landkode);
    return rc;
}

static int parse_identity(json_t *o, struct identity *who)
{
    int rc = 0;

    if (!json_is_object(o))
        return -1;
    rc |= get_str(o, "sbdh_sender", &who->sbdh_sender);
    rc |= get_str(o, "message_id", &who->message_id);
    rc |= get_str(o, "conversation_id", &who->conversation_id);
    rc |= get_str(o, "avsender", &who->avsender);
    rc |= get_str(o, "avsenderidentifikator", &who->avsenderidentifikator);
    who->business_scope = json_object_get(o, "business_scope");
    if (who->business_scope && !json_is_object(who->business_scope))
        rc = -1;
    return rc || !who->sbdh_sender || !who->conversation_id ? -1 : 0;
}

static int parse_fields(json_t *o, struct decision *v)
{
    int rc = 0;

    if (!json_is_object(o))
        return -1;
    rc |= get_str(o, "faktura_referanse", &v->faktura_referanse);
    rc |= get_str(o, "created", &v->created);
    rc |= get_str(o, "expected_response", &v->expected_response);
    rc |= get_str(o, "posttype", &v->posttype);
    rc |= get_str(o, "colour", &v->colour);
    rc |= get_str(o, "return_handling", &v->return_handling);
    rc |= get_str(o, "print_instructions", &v->print_instructions);
    rc |= parse_address(json_object_get(o, "recipient"), &v->recipient);
    rc |= parse_address(json_object_get(o, "retur"), &v->retur);
    return rc;
}

static int parse_docs(json_t *a, GArray *docs)
{
    json_t *d;
    size_t i;

    if (!json_is_array(a))
        return -1;
    json_array_foreach(a, i, d) {
        struct doc_info info = {0};
        const char *mime = NULL, *version = NULL;
        json_t *bytes = json_object_get(d, "bytes"), *pages = json_object_get(d, "pages");
        if (get_str(d, "mime", &mime) < 0 || get_str(d, "version", &version) < 0 || !version ||
            strlen(version) >= sizeof info.version || !json_is_integer(bytes) ||
            !json_is_integer(pages) || json_integer_value(bytes) < 0 ||
            json_integer_value(pages) < 0 || json_integer_value(pages) > G_MAXINT)
            return -1;
        info.mime = g_strdup(mime);
        info.bytes = (size_t)json_integer_value(bytes);
        info.pages = (int)json_integer_value(pages);
        g_strlcpy(info.version, version, sizeof info.version);
        g_array_append_val(docs, info);
    }
    return 0;
}

/* The reason code: a short [a-z0-9-] word, borrowed from the report like every string. */
static int parse_reason(json_t *o, struct reason *r)
{
    json_t *verdict = json_object_get(o, "verdict");
    const char *code = NULL, *detail = NULL;
    json_int_t n = json_integer_value(verdict);

    if (!json_is_integer(verdict) || n < VERDICT_OK || n > VERDICT_INTERNAL ||
        get_str(o, "code", &code) < 0 || get_str(o, "detail", &detail) < 0)
        return -1;
    if (code && (strlen(code) > 40 || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
                                           strlen(code)))
        return -1;
    if ((n == VERDICT_OK) != (code == NULL))
        return -1;
    r->verdict = (enum verdict)n;
    r->code = code;
    g_strlcpy(r->detail, detail ? detail : "", sizeof r->detail);
    return 0;
}

static int parse_flags(json_t *o, struct decision *v)
{
    bool *flags[] = {&v->have_identity, &v->rules_ok, &v->msg_signed, &v->fingerprint_ok,
                     &v->authenticated};
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(flags); i++) {
        json_t *b = json_object_get(o, flag_names[i]);
        if (!json_is_boolean(b))
            return -1;
        *flags[i] = json_is_true(b);
    }
    return 0;
}

static int parse_carrier(json_t *o, struct decision *v)
{
    const char *kind = NULL;

    if (get_str(o, "carrier", &kind) < 0 || !kind || strlen(kind) > 1)
        return -1;
    v->carrier = (enum carrier_kind)kind[0];
    return !kind[0] || v->carrier == CARRIER_XML || v->carrier == CARRIER_DIR ||
           v->carrier == CARRIER_LEGACY ? 0 : -1;
}

/*
 * decision_parse - read a report (taking the reference to wire). A report that claims more
 * than its parts support (identity without who, fields without rules) is refused.
 */
int decision_parse(struct decision *v, json_t *wire)
{
    json_t *pages = json_object_get(wire, "pages");
    int rc;

    memset(v, 0, sizeof *v);
    v->wire = wire;
    v->docs = g_array_new(FALSE, TRUE, sizeof(struct doc_info));
    rc = json_is_object(wire) ? 0 : -1;
    if (rc == 0)
        rc = parse_reason(wire, &v->r) | parse_flags(wire, v) | parse_carrier(wire, v) |
             get_str(wire, "digest", &v->digest) | get_str(wire, "authority", &v->authority);
    if (rc == 0 && v->have_identity)
        rc = parse_identity(json_object_get(wire, "who"), &v->who);
    if (rc == 0 && v->rules_ok)
        rc = parse_fields(json_object_get(wire, "fields"), v);
    if (rc == 0)
        rc = parse_docs(json_object_get(wire, "docs"), v->docs);
    if (rc == 0 && (!json_is_integer(pages) || json_integer_value(pages) < 0 ||
                    json_integer_value(pages) > G_MAXINT))
        rc = -1;
    if (rc == 0)
        v->pages = (int)json_integer_value(pages);
    if (rc == 0 && ((v->authenticated && !v->msg_signed) || (v->msg_signed && !v->rules_ok) ||
                    (v->rules_ok && !v->have_identity)))
        rc = -1;
    return rc;
}

void decision_free(struct decision *v)
{
    guint i;

    for (i = 0; v->docs && i < v->docs->len; i++)
        g_free(g_array_index(v->docs, struct doc_info, i).mime);
    if (v->docs)
        g_array_free(v->docs, TRUE);
    g_free(v->duplicate_of);
    json_decref(v->wire);
    memset(v, 0, sizeof *v);
}

void decision_set(struct decision *v, enum verdict verdict, const char *code,
                        const char *fmt, ...)
{
    va_list ap;

    v->r.verdict = verdict;
    v->r.code = code;
    va_start(ap, fmt);
    g_vsnprintf(v->r.detail, sizeof v->r.detail, fmt, ap);
    va_end(ap);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * p11_uri.c - the pkcs11: URI of a key (RFC 7512), e.g.
 *
 *   pkcs11:token=NSS%20Certificate%20DB;object=provider-2026
 *   pkcs11:serial=DEADBEEF0001;id=%01%02
 *
 * Path attributes token, serial, slot-id (choose the token) and object, id (choose the key;
 * at least one) are read; type is accepted when it says private. A query part (module-path,
 * pin-source, pin-value) is refused: the module and the PIN are configured in [pkcs11], so
 * no PIN ever sits in a key URI. Unknown attributes are refused rather than ignored.
 */
#include <string.h>
#include "p11.h"

static int unhex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..len) into a new buffer (NUL-terminated); -1 on a bad escape. */
static int decode(const char *s, size_t len, unsigned char **out, size_t *out_len)
{
    unsigned char *d = g_malloc(len + 1);
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < len ? unhex(s[i + 1]) : -1;
            int lo = i + 2 < len ? unhex(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                g_free(d);
                return -1;
            }
            d[n++] = (unsigned char)(hi << 4 | lo);
            i += 2;
        } else {
            d[n++] = (unsigned char)s[i];
        }
    }
    d[n] = 0;
    *out = d;
    *out_len = n;
    return 0;
}

static int attribute(struct p11_uri *u, const char *name, unsigned char *v, size_t len,
                     char **err)
{
    char *end;

    if (strcmp(name, "token") == 0 && !u->token)
        u->token = (char *)v;
    else if (strcmp(name, "serial") == 0 && !u->serial)
        u->serial = (char *)v;
    else if (strcmp(name, "object") == 0 && !u->object)
        u->object = (char *)v;
    else if (strcmp(name, "id") == 0 && !u->id) {
        u->id = v;
        u->id_len = len;
    } else if (strcmp(name, "slot-id") == 0 && u->slot < 0) {
        u->slot = strtol((char *)v, &end, 10);
        g_free(v);
        if (*end || u->slot < 0) {
            *err = g_strdup("pkcs11 URI: slot-id must be a number");
            return -1;
        }
    } else if (strcmp(name, "type") == 0 && strcmp((char *)v, "private") == 0) {
        g_free(v);
    } else {
        *err = g_strdup_printf("pkcs11 URI: attribute %s is not understood (or given twice); "
                               "trykk reads token, serial, slot-id, object, id, type=private",
                               name);
        g_free(v);
        return -1;
    }
    return 0;
}

int p11_uri_parse(struct p11_uri *u, const char *uri, char **err)
{
    const char *p;
    int rc = 0;

    memset(u, 0, sizeof *u);
    u->slot = -1;
    if (!g_str_has_prefix(uri, "pkcs11:")) {
        *err = g_strdup_printf("%s is not a pkcs11: URI", uri);
        return -1;
    }
    if (strchr(uri, '?')) {
        *err = g_strdup("pkcs11 URI: a query part (module-path, pin-source, pin-value) is not "
                        "read; set [pkcs11] module and pin_file or pin_env");
        return -1;
    }
    for (p = uri + strlen("pkcs11:"); rc == 0 && *p;) {
        const char *semi = strchr(p, ';'), *end = semi ? semi : p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        unsigned char *v = NULL;
        size_t len = 0;
        char *name;
        if (!eq || eq == p || decode(eq + 1, (size_t)(end - eq - 1), &v, &len) < 0) {
            *err = g_strdup_printf("pkcs11 URI: \"%.*s\" is not name=value (percent-encoded)",
                                   (int)(end - p), p);
            rc = -1;
            break;
        }
        name = g_strndup(p, (gsize)(eq - p));
        rc = attribute(u, name, v, len, err);
        g_free(name);
        p = semi ? semi + 1 : end;
    }
    if (rc == 0 && !u->object && !u->id) {
        *err = g_strdup("pkcs11 URI: name the key with object= (its label) or id=");
        rc = -1;
    }
    if (rc == 0 && !u->token && !u->serial && u->slot < 0) {
        *err = g_strdup("pkcs11 URI: name the token with token= (its label), serial= or slot-id=");
        rc = -1;
    }
    if (rc < 0)
        p11_uri_free(u);
    return rc;
}

void p11_uri_free(struct p11_uri *u)
{
    g_free(u->token);
    g_free(u->serial);
    g_free(u->object);
    g_free(u->id);
    memset(u, 0, sizeof *u);
    u->slot = -1;
}

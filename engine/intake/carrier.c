/* SPDX-License-Identifier: Apache-2.0 */
/*
 * carrier.c - the two shapes a forsendelse arrives in.
 *
 *  (a) one regular file: an XML StandardBusinessDocument whose body is
 *      <Innbyggerpost xmlns="http://digdir.no/dpi/innbyggerpost"> with the JWT in
 *      SignertForretningsmelding and the base64 CMS package in Dokumentpakke;
 *  (b) a directory holding exactly forretningsmelding.jwt and dokumentpakke.cms;
 *  (c) a directory holding exactly sbd.xml (the legacy SDP XML business message) and
 *      dokumentpakke.cms (legacy.c reads the message).
 *
 * Anything else, or anything that cannot be read, is quarantined: there is no verified
 * sender to answer yet. Files are opened without following symlinks, must be regular, and
 * have a single link; sizes are capped before anything is read. A package above its cap is
 * not read at all: the carrier records its size so the sender can be told (feil KLIENT).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "intake.h"
#include "../util/xmlsafe.h"

#define JWT_NAME "forretningsmelding.jwt"
#define SBD_NAME "sbd.xml"
#define CMS_NAME "dokumentpakke.cms"
#define DOCUMENTID_UTSKRIFT "urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##" \
                            "urn:fdc:digdir.no:2020:innbyggerpost:schema:utskrift::1.0"

/* Exactly one message file (JWT_NAME or SBD_NAME, returned through *msg) and CMS_NAME. */
static int dir_entries_ok(int dfd, const char **msg, struct reason *r)
{
    int fd = dup(dfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;
    int seen = 0, other = 0, messages = 0;

    if (!d) {
        if (fd >= 0)
            close(fd);
        reason_quarantine(r, "carrier-unreadable", "the carrier directory cannot be listed");
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (strcmp(e->d_name, JWT_NAME) == 0 || strcmp(e->d_name, SBD_NAME) == 0) {
            *msg = strcmp(e->d_name, JWT_NAME) == 0 ? JWT_NAME : SBD_NAME;
            messages++;
        } else if (strcmp(e->d_name, CMS_NAME) == 0) {
            seen++;
        } else {
            other++;
        }
    }
    closedir(d);
    if (seen != 1 || messages != 1 || other) {
        reason_quarantine(r, "carrier-shape", "a directory carrier must hold exactly "
                          JWT_NAME " (or, legacy, " SBD_NAME ") and " CMS_NAME);
        return -1;
    }
    return 0;
}

static int read_member(int dfd, const char *name, size_t cap, struct bytes *out,
                       struct reason *r)
{
    int rc = fsio_read_at(dfd, name, cap, out);

    if (rc == -EINVAL)
        reason_quarantine(r, "carrier-shape", "%s is not a regular file with one link", name);
    else if (rc < 0 && rc != -EFBIG)
        reason_quarantine(r, "carrier-unreadable", "%s cannot be read: %s", name, g_strerror(-rc));
    return rc;
}

/*
 * The whitespace rule, the same for (a) and (b): a JWS compact serialisation holds no
 * whitespace (RFC 7515 §7.1), so ASCII whitespace around it (the newline an editor or
 * `echo` leaves at the end of forretningsmelding.jwt, the indentation of the XML element) is
 * not part of the token and is removed; whitespace inside it still fails as jwt-header.
 */
static void strip_jwt(struct bytes *jwt)
{
    size_t start = 0, end = jwt->len;

    while (end > 0 && g_ascii_isspace(jwt->data[end - 1]))
        end--;
    while (start < end && g_ascii_isspace(jwt->data[start]))
        start++;
    memmove(jwt->data, jwt->data + start, end - start);
    jwt->len = end - start;
    jwt->data[jwt->len] = 0;
}

static int read_dir(struct carrier *c, const char *path, const struct carrier_limits *lim,
                    struct reason *r)
{
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    const char *msg = JWT_NAME;
    int rc;

    if (dfd < 0) {
        reason_quarantine(r, "carrier-unreadable", "the carrier directory cannot be opened");
        return -1;
    }
    rc = dir_entries_ok(dfd, &msg, r);
    c->kind = strcmp(msg, SBD_NAME) == 0 ? CARRIER_LEGACY : CARRIER_DIR;
    if (rc == 0 && (rc = read_member(dfd, msg, lim->max_message, &c->jwt, r)) == -EFBIG)
        reason_quarantine(r, "carrier-too-large", "%s is larger than %zu bytes", msg,
                          lim->max_message);
    if (rc == 0 && c->kind == CARRIER_DIR)
        strip_jwt(&c->jwt);
    if (rc == 0 && (rc = read_member(dfd, CMS_NAME, lim->max_package, &c->cms, r)) == -EFBIG) {
        struct stat st = {0};
        c->cms_oversize = fstatat(dfd, CMS_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0 ? (size_t)st.st_size
                                                                                : lim->max_package + 1;
        rc = 0;
    }
    close(dfd);
    return rc < 0 ? -1 : 0;
}

static xmlNodePtr only_child(xmlNodePtr parent, const char *ns, const char *name)
{
    xmlNodePtr c, found = NULL;
    int n = 0;

    for (c = parent ? parent->children : NULL; c; c = c->next)
        if (xmlsafe_is(c, ns, name)) {
            found = c;
            n++;
        }
    return n == 1 ? found : NULL;
}

/* Decision (dpi-print-format.md §1): a DOCUMENTID scope, when present, must be utskrift's. */
static bool document_id_ok(xmlXPathContextPtr xp, xmlNodePtr root)
{
    char *id = xmlsafe_text(xp, root, "sbdh:StandardBusinessDocumentHeader/sbdh:BusinessScope/"
                                      "sbdh:Scope[sbdh:Type='DOCUMENTID']/sbdh:InstanceIdentifier");
    bool ok = !id || g_ascii_strcasecmp(id, DOCUMENTID_UTSKRIFT) == 0;

    g_free(id);
    return ok;
}

static int take_parts(struct carrier *c, xmlNodePtr ibp, const struct carrier_limits *lim,
                      struct reason *r)
{
    xmlNodePtr jwt = only_child(ibp, NS_INNBYGGERPOST, "SignertForretningsmelding");
    xmlNodePtr pkg = only_child(ibp, NS_INNBYGGERPOST, "Dokumentpakke");
    xmlChar *jt, *pt;
    int rc = 0;

    if (!jwt || !pkg) {
        reason_quarantine(r, "carrier-shape", "Innbyggerpost must hold one SignertForretningsmelding "
                          "and one Dokumentpakke");
        return -1;
    }
    jt = xmlNodeGetContent(jwt);
    pt = xmlNodeGetContent(pkg);
    g_strstrip((char *)jt); /* the whitespace rule: see strip_jwt */
    if (strlen((char *)jt) > lim->max_message) {
        reason_quarantine(r, "carrier-too-large", "the business message is larger than %zu bytes",
                          lim->max_message);
        rc = -1;
    } else if (b64_decode_strict((char *)pt, strlen((char *)pt), true, &c->cms) < 0) {
        reason_quarantine(r, "carrier-shape", "Dokumentpakke is not base64");
        rc = -1;
    } else {
        bytes_set(&c->jwt, jt, strlen((char *)jt));
        if (c->cms.len > lim->max_package) {
            c->cms_oversize = c->cms.len;
            bytes_free(&c->cms);
        }
    }
    xmlFree(jt);
    xmlFree(pt);
    return rc;
}

static int parse_xml(struct carrier *c, const struct bytes *raw, const struct carrier_limits *lim,
                     struct reason *r)
{
    enum xmlsafe_error why;
    xmlDocPtr doc = xmlsafe_parse(raw->data, raw->len, false, &why);
    xmlXPathContextPtr xp;
    xmlNodePtr root, ibp;
    int rc = -1;

    if (!doc && why == XMLSAFE_LIMIT) {
        reason_quarantine(r, "carrier-too-large", "the carrier XML meets one of the XML "
                          "parser's limits (nesting depth, name length or a text node of "
                          "10,000,000 bytes)");
        return -1;
    }
    if (!doc) {
        reason_set(r, VERDICT_QUARANTINE, why == XMLSAFE_DOCTYPE ? "xml-doctype" : "carrier-unreadable",
                   why == XMLSAFE_DOCTYPE ? "the carrier XML has a DOCTYPE" : "the carrier is not "
                   "well-formed XML");
        return -1;
    }
    xp = xmlsafe_xpath(doc);
    root = xmlDocGetRootElement(doc);
    ibp = only_child(root, NS_INNBYGGERPOST, "Innbyggerpost");
    if (!xmlsafe_is(root, NS_SBDH, "StandardBusinessDocument") || !ibp)
        reason_quarantine(r, "carrier-shape", "the carrier is not a StandardBusinessDocument with an "
                          "Innbyggerpost body");
    else if (!document_id_ok(xp, root))
        reason_quarantine(r, "carrier-shape", "the SBDH DOCUMENTID scope is not the utskrift "
                          "document type");
    else
        rc = take_parts(c, ibp, lim, r);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
    return rc;
}

/* dpi-print-format.md §10: carrier (a) holds base64 of the package, so 4/3 × the package cap,
 * plus 64 KiB for the XML around it. Checked with fstat before a byte is read. */
size_t carrier_xml_cap(const struct carrier_limits *lim)
{
    return (lim->max_package + 2) / 3 * 4 + ((size_t)64 << 10);
}

static int read_xml(struct carrier *c, const char *path, const struct carrier_limits *lim,
                    struct reason *r)
{
    size_t cap = carrier_xml_cap(lim);
    struct bytes raw = {0};
    int rc = fsio_read_file(path, cap, &raw);

    c->kind = CARRIER_XML;
    if (rc == -EFBIG) {
        reason_quarantine(r, "carrier-too-large", "the carrier file is larger than %zu bytes", cap);
        return -1;
    }
    if (rc < 0) {
        reason_set(r, VERDICT_QUARANTINE, rc == -EINVAL ? "carrier-shape" : "carrier-unreadable",
                   "the carrier file cannot be read (%s)", rc == -EINVAL ?
                   "not a regular file with one link" : g_strerror(-rc));
        return -1;
    }
    rc = parse_xml(c, &raw, lim, r);
    bytes_free(&raw);
    return rc;
}

int carrier_read(struct carrier *c, const char *path, const struct carrier_limits *lim,
                 struct reason *r)
{
    struct stat st = {0};

    memset(c, 0, sizeof *c);
    if (lstat(path, &st) < 0) {
        reason_quarantine(r, "carrier-unreadable", "the entry vanished: %s", g_strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return read_dir(c, path, lim, r);
    if (S_ISREG(st.st_mode))
        return read_xml(c, path, lim, r);
    reason_quarantine(r, "carrier-shape", "the entry is neither a regular file nor a directory");
    return -1;
}

void carrier_free(struct carrier *c)
{
    bytes_free(&c->jwt);
    bytes_free(&c->cms);
}

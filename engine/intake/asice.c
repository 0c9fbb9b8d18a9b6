/* SPDX-License-Identifier: Apache-2.0 */
/*
 * asice.c - the ASiC-E zip, opened from memory with libzip.
 *
 * libzip is opened with ZIP_CHECKCONS, which refuses containers with two entries of the same
 * name (the "verifier reads one, printer reads the other" hole). On top of that every entry
 * name passes an allowlist: UTF-8, no absolute path, no "." or ".." segment, no backslash,
 * no drive letter, no control character, no symlink entry, no encryption, STORE or DEFLATE.
 * Entries are inflated only on request and only into memory; cached plaintext is wiped on free.
 */
#include <string.h>
#include <sys/stat.h>
#include <zip.h>
#include <openssl/crypto.h>
#include "asice.h"

#define MIMETYPE "application/vnd.etsi.asic-e+zip"
#define MAX_NAME 255

struct asice {
    zip_t *zip;
    struct asice_limits lim;
    GPtrArray *names;   /* char *, central directory order, NULL-terminated */
    GHashTable *index;  /* name -> entry index + 1 */
    GHashTable *cache;  /* name -> struct bytes * */
    size_t total_read;
};

static void cached_free(gpointer p)
{
    struct bytes *b = p;

    bytes_wipe_free(b);
    g_free(b);
}

static bool segment_ok(const char *seg)
{
    return *seg && strcmp(seg, ".") != 0 && strcmp(seg, "..") != 0;
}

static bool name_ok(const char *name)
{
    size_t n = strlen(name), i;
    char **segs;
    bool ok = true;

    if (n == 0 || n > MAX_NAME || !g_utf8_validate(name, (gssize)n, NULL) || name[0] == '/')
        return false;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f || c == '\\' || c == ':')
            return false;
    }
    segs = g_strsplit(name, "/", -1);
    for (i = 0; segs[i]; i++)
        if (!segment_ok(segs[i]))
            ok = false;
    g_strfreev(segs);
    return ok;
}

static int check_entry(struct asice *a, zip_uint64_t i, const char *name, struct reason *r)
{
    zip_stat_t st;
    zip_uint8_t opsys;
    zip_uint32_t attr;

    if (!name_ok(name)) {
        reason_fail(r, "zip-entry-name", "zip entry %llu has a name that is not a safe relative "
                    "path", (unsigned long long)i);
        return -1;
    }
    if (g_hash_table_contains(a->index, name)) {
        reason_fail(r, "zip-duplicate", "zip entry name occurs twice (entry %llu)",
                    (unsigned long long)i);
        return -1;
    }
    zip_stat_init(&st);
    if (zip_stat_index(a->zip, i, 0, &st) < 0 || !(st.valid & ZIP_STAT_COMP_METHOD)) {
        reason_fail(r, "zip-invalid", "zip entry %llu cannot be read", (unsigned long long)i);
        return -1;
    }
    if (st.encryption_method != ZIP_EM_NONE ||
        (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)) {
        reason_fail(r, "zip-invalid", "zip entry %llu is encrypted or uses an unsupported "
                    "compression method", (unsigned long long)i);
        return -1;
    }
    if (zip_file_get_external_attributes(a->zip, i, 0, &opsys, &attr) == 0 &&
        opsys == ZIP_OPSYS_UNIX && S_ISLNK((attr >> 16) & 0xFFFF)) {
        reason_fail(r, "zip-entry-name", "zip entry %llu is a symbolic link",
                    (unsigned long long)i);
        return -1;
    }
    if (i == 0 && strcmp(name, "mimetype") == 0 && st.comp_method != ZIP_CM_STORE) {
        reason_fail(r, "zip-invalid", "the mimetype entry must be STORED");
        return -1;
    }
    if (i != 0 && strcmp(name, "mimetype") == 0) {
        reason_fail(r, "zip-invalid", "the mimetype entry must be the first entry");
        return -1;
    }
    return 0;
}

static int index_entries(struct asice *a, struct reason *r)
{
    zip_int64_t n = zip_get_num_entries(a->zip, 0), i;

    if (n <= 0 || (zip_uint64_t)n > a->lim.max_entries) {
        reason_set(r, VERDICT_FAILED, n <= 0 ? "zip-invalid" : "zip-bomb",
                   "the package has %lld entries (1 to %zu allowed)", (long long)n,
                   a->lim.max_entries);
        return -1;
    }
    for (i = 0; i < n; i++) {
        const char *name = zip_get_name(a->zip, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
        if (!name) {
            reason_fail(r, "zip-invalid", "zip entry %lld has no name", (long long)i);
            return -1;
        }
        if (name[strlen(name) - 1] == '/' && strcmp(name, "META-INF/") == 0)
            continue; /* a directory entry for META-INF is harmless */
        if (check_entry(a, (zip_uint64_t)i, name, r) < 0)
            return -1;
        g_ptr_array_add(a->names, g_strdup(name));
        g_hash_table_insert(a->index, g_strdup(name), GSIZE_TO_POINTER((gsize)i + 1));
    }
    g_ptr_array_add(a->names, NULL);
    return 0;
}

int asice_open(struct asice **out, const struct bytes *zip, const struct asice_limits *lim,
               struct reason *r)
{
    zip_error_t zerr;
    zip_source_t *src;
    struct asice *a;
    const struct bytes *mt;

    *out = NULL;
    zip_error_init(&zerr);
    src = zip_source_buffer_create(zip->data, zip->len, 0, &zerr);
    a = g_new0(struct asice, 1);
    a->lim = *lim;
    a->names = g_ptr_array_new_with_free_func(g_free);
    a->index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    a->cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cached_free);
    if (src)
        a->zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (!a->zip) {
        int code = zip_error_code_zip(&zerr);
        reason_set(r, VERDICT_FAILED, code == ZIP_ER_INCONS || code == ZIP_ER_EXISTS ?
                   "zip-duplicate" : "zip-invalid",
                   "the decrypted package is not a consistent zip file (%s)",
                   zip_error_strerror(&zerr));
        if (src)
            zip_source_free(src);
        zip_error_fini(&zerr);
        asice_free(a);
        return -1;
    }
    zip_error_fini(&zerr);
    if (index_entries(a, r) < 0) {
        asice_free(a);
        return -1;
    }
    if (asice_has(a, "mimetype")) {
        if (asice_read(a, "mimetype", &mt, r) < 0) {
            asice_free(a);
            return -1;
        }
        if (mt->len != strlen(MIMETYPE) || memcmp(mt->data, MIMETYPE, mt->len) != 0) {
            reason_fail(r, "zip-invalid", "the mimetype entry is not %s", MIMETYPE);
            asice_free(a);
            return -1;
        }
    }
    *out = a;
    return 0;
}

void asice_free(struct asice *a)
{
    if (!a)
        return;
    if (a->zip)
        zip_discard(a->zip);
    g_ptr_array_free(a->names, TRUE);
    g_hash_table_destroy(a->index);
    g_hash_table_destroy(a->cache);
    g_free(a);
}

size_t asice_count(const struct asice *a) { return a->names->len - 1; }

const char *const *asice_names(const struct asice *a)
{
    return (const char *const *)a->names->pdata;
}

bool asice_has(const struct asice *a, const char *name)
{
    return g_hash_table_contains(a->index, name);
}

static bool over_ratio(const struct asice *a, size_t got, zip_uint64_t comp)
{
    return got > a->lim.ratio_floor && got / (comp ? comp : 1) >= a->lim.max_ratio;
}

/* Inflate one entry, enforcing the caps on the bytes as they arrive. */
static int inflate_entry(struct asice *a, zip_uint64_t i, struct bytes *out, struct reason *r)
{
    zip_stat_t st;
    zip_file_t *f;
    GByteArray *buf = g_byte_array_new();
    unsigned char chunk[65536];
    zip_int64_t n;
    int rc = 0;

    zip_stat_index(a->zip, i, 0, &st);
    if (!(f = zip_fopen_index(a->zip, i, 0))) {
        g_byte_array_free(buf, TRUE);
        reason_fail(r, "zip-invalid", "zip entry %llu cannot be opened", (unsigned long long)i);
        return -1;
    }
    while ((n = zip_fread(f, chunk, sizeof chunk)) > 0) {
        g_byte_array_append(buf, chunk, (guint)n);
        if (a->total_read + buf->len > a->lim.max_total || over_ratio(a, buf->len, st.comp_size)) {
            reason_fail(r, "zip-bomb", "zip entry %llu inflates beyond the size or compression "
                        "ratio limit", (unsigned long long)i);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && n < 0) {
        reason_fail(r, "zip-invalid", "zip entry %llu is damaged (%s)", (unsigned long long)i,
                    zip_file_strerror(f));
        rc = -1;
    }
    zip_fclose(f);
    OPENSSL_cleanse(chunk, sizeof chunk);
    a->total_read += buf->len;
    out->len = buf->len;
    g_byte_array_append(buf, (const guint8 *)"", 1); /* NUL-terminate for XML parsers */
    out->data = g_byte_array_free(buf, FALSE);
    if (rc < 0)
        bytes_wipe_free(out);
    return rc;
}

int asice_read(struct asice *a, const char *name, const struct bytes **out, struct reason *r)
{
    gpointer idx = g_hash_table_lookup(a->index, name);
    struct bytes *b;

    *out = g_hash_table_lookup(a->cache, name);
    if (*out)
        return 0;
    if (!idx) {
        reason_fail(r, "zip-invalid", "the package has no entry the signature or manifest names");
        return -1;
    }
    b = g_new0(struct bytes, 1);
    if (inflate_entry(a, GPOINTER_TO_SIZE(idx) - 1, b, r) < 0) {
        g_free(b);
        return -1;
    }
    g_hash_table_insert(a->cache, g_strdup(name), b);
    *out = b;
    return 0;
}

int asice_read_cb(void *ctx, const char *name, const struct bytes **out, struct reason *r)
{
    return asice_read(ctx, name, out, r);
}

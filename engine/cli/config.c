/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.c - the configuration file (GKeyFile) and engine set-up.
 *
 *   [provider] orgnr, key, cert (decryption), sign_key, sign_cert (receipts; default key and
 *              cert), previous_key, previous_cert (a key rollover)
 *   [trust]    anchors (a directory of PEM/DER certificates), check_time=now|message,
 *              max_skew_days
 *   [pkcs11]   module (a PKCS#11 library, for pkcs11: keys), parameters (NSS softokn's
 *              LibraryParameters), pin_file (0600) or pin_env (a variable's name)
 *   [spool]    root, lock_wait_seconds
 *   [limits]   max_package_mib, max_zip_entries, max_zip_ratio, max_pages,
 *              page_tolerance_mm, retry_deadline_hours
 */
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "../util/conf.h"

int config_load(struct config *c, const char *file, const char *spool, char **err)
{
    GError *gerr = NULL;
    const char *env = getenv("TRYKK_CONFIG");

    memset(c, 0, sizeof *c);
    c->kf = g_key_file_new();
    if (!file && env && *env)
        file = env;
    if (!file && g_file_test("trykk.conf", G_FILE_TEST_EXISTS))
        file = "trykk.conf";
    if (file) {
        c->file = g_canonicalize_filename(file, NULL);
        c->dir = g_path_get_dirname(c->file);
        if (!g_key_file_load_from_file(c->kf, c->file, G_KEY_FILE_NONE, &gerr)) {
            *err = g_strdup_printf("config %s: %s", c->file, gerr->message);
            g_error_free(gerr);
            return -1;
        }
    } else {
        c->dir = g_get_current_dir();
    }
    if (spool)
        c->spool_root = g_canonicalize_filename(spool, NULL);
    else if (!(c->spool_root = config_path(c, "spool", "root")))
        c->spool_root = g_canonicalize_filename("spool", NULL);
    return 0;
}

void config_free(struct config *c)
{
    g_free(c->file);
    g_free(c->dir);
    g_free(c->spool_root);
    if (c->kf)
        g_key_file_free(c->kf);
    memset(c, 0, sizeof *c);
}

/* Reading c: messages name the file (or say there is none). name is the caller's (g_free). */
static struct conf reader(struct config *c, char **name, char **err)
{
    struct conf r = {c->kf, NULL, c->dir, err};

    *name = c->file ? g_strdup_printf("config %s", c->file)
                    : g_strdup("config (no file; run `trykk init`)");
    r.name = *name;
    return r;
}

static char *value(struct config *c, const char *group, const char *key)
{
    struct conf r = {c->kf, NULL, c->dir, NULL};

    return conf_string(&r, group, key);
}

/* A whole number by its row in conf_table.c; the first error is kept in *err. */
int config_int(struct config *c, const char *group, const char *key, char **err)
{
    char *name;
    struct conf r = reader(c, &name, err);
    int n = 0;

    conf_get_int(&r, group, key, &n);
    g_free(name);
    return n;
}

static int need(struct config *c, const char *group, const char *key, char **out, char **err)
{
    char *name;
    struct conf r = reader(c, &name, err);

    *out = conf_get_string(&r, group, key);
    if (!*out)
        conf_fail(&r, group, key, "is not set");
    g_free(name);
    return *out ? 0 : -1;
}

/* [trust] check_time: now or message. */
static enum check_time check_time(struct config *c, char **err)
{
    char *name;
    struct conf r = reader(c, &name, err);
    int i = 0;

    conf_get_choice(&r, "trust", "check_time", &i);
    g_free(name);
    return i == 1 ? CHECK_MESSAGE : CHECK_NOW;
}

static int load_pair(struct keypair *kp, const char *key, const char *cert, char **err)
{
    if (key_load(&kp->key, key, err) < 0 || cert_load(&kp->cert, cert, err) < 0)
        return -1;
    if (!cert_matches_key(kp->cert, kp->key)) {
        *err = g_strdup_printf("config: certificate %s does not belong to key %s", cert, key);
        return -1;
    }
    return 0;
}

/* The PKCS#11 module, when [pkcs11] module is set (before any pkcs11: key is loaded). */
static int setup_pkcs11(struct config *c, char **err)
{
    char *module = config_path(c, "pkcs11", "module");
    char *params = value(c, "pkcs11", "parameters");
    char *pin_file = config_path(c, "pkcs11", "pin_file");
    char *pin_env = value(c, "pkcs11", "pin_env");
    struct p11_setup s = {module, params, pin_file, pin_env};
    int rc = 0;

    if (pin_file && pin_env) {
        *err = g_strdup("config: [pkcs11] pin_file and pin_env are both set; set one");
        rc = -1;
    } else if (module) {
        rc = p11_open(&s, err);
    } else if (params || pin_file || pin_env) {
        *err = g_strdup("config: [pkcs11] needs module (the PKCS#11 library to load)");
        rc = -1;
    }
    g_free(module);
    g_free(params);
    g_free(pin_file);
    g_free(pin_env);
    return rc;
}

/* A token key proves at start that it decrypts and/or signs for its certificate. */
static int check_pair(const struct keypair *kp, bool decrypt, bool sign, const char *what,
                      char **err)
{
    return key_check(kp->key, kp->cert, decrypt, sign, what, err);
}

static int setup_keys(struct engine *e, struct config *c, char **err)
{
    char *key = NULL, *cert = NULL, *skey, *scert, *pkey, *pcert;
    int rc = setup_pkcs11(c, err) < 0 || need(c, "provider", "key", &key, err) < 0 ||
                     need(c, "provider", "cert", &cert, err) < 0 ||
                     load_pair(&e->keys[0], key, cert, err) < 0
                 ? -1
                 : 0;

    e->nkeys = 1;
    skey = config_path(c, "provider", "sign_key");
    scert = config_path(c, "provider", "sign_cert");
    pkey = config_path(c, "provider", "previous_key");
    pcert = config_path(c, "provider", "previous_cert");
    if (rc == 0)
        rc = check_pair(&e->keys[0], true, !(skey && scert), "[provider] key", err);
    if (rc == 0 && pkey && pcert && (rc = load_pair(&e->keys[1], pkey, pcert, err)) == 0 &&
        (rc = check_pair(&e->keys[1], true, false, "[provider] previous_key", err)) == 0)
        e->nkeys = 2;
    if (rc == 0 && skey && scert) {
        struct keypair s = {0};
        rc = load_pair(&s, skey, scert, err);
        e->signer.key = s.key;
        e->signer.cert = s.cert;
        if (rc == 0)
            rc = check_pair(&s, false, true, "[provider] sign_key", err);
    } else if (rc == 0) {
        EVP_PKEY_up_ref(e->keys[0].key);
        X509_up_ref(e->keys[0].cert);
        e->signer.key = e->keys[0].key;
        e->signer.cert = e->keys[0].cert;
    }
    g_free(key);
    g_free(cert);
    g_free(skey);
    g_free(scert);
    g_free(pkey);
    g_free(pcert);
    return rc;
}

static int setup_policy(struct engine *e, struct config *c, char **err)
{
    char *orgnr = value(c, "provider", "orgnr"), *anchors = NULL;
    int rc = 0;

    e->orgnr = text_orgnr_digits(orgnr);
    if (!c->file) {
        *err = g_strdup("no configuration: run `trykk init` here, or pass --config FILE");
        g_free(orgnr);
        return -1;
    }
    if (!e->orgnr) {
        *err = g_strdup_printf("config %s: [provider] orgnr must be a 9-digit organisation number",
                               c->file);
        g_free(orgnr);
        return -1;
    }
    g_free(orgnr);
    e->signer.orgnr = e->orgnr;
    if (need(c, "trust", "anchors", &anchors, err) < 0 || trust_load(&e->trust, anchors, err) < 0)
        rc = -1;
    g_free(anchors);
    e->check_time = check_time(c, err);
    e->max_skew_days = config_int(c, "trust", "max_skew_days", err);
    e->carrier_limits.max_package = (size_t)config_int(c, "limits", "max_package_mib", err) << 20;
    e->carrier_limits.max_message = 1 << 20;
    e->zip_limits.max_entries = (size_t)config_int(c, "limits", "max_zip_entries", err);
    e->zip_limits.max_total = 50 << 20;
    e->zip_limits.max_ratio = (unsigned)config_int(c, "limits", "max_zip_ratio", err);
    e->zip_limits.ratio_floor = 1 << 20;
    e->page_tolerance_mm = (double)config_int(c, "limits", "page_tolerance_mm", err);
    e->max_pages = config_int(c, "limits", "max_pages", err);
    e->retry_deadline_hours = config_int(c, "limits", "retry_deadline_hours", err);
    return rc < 0 || *err ? -1 : 0;
}

/* The bounded verification child (pipeline/isolate.c). */
static int setup_isolate(struct engine *e, struct config *c, char **err)
{
    e->isolate.memory = (size_t)config_int(c, "limits", "worker_memory_mib", err) << 20;
    e->isolate.cpu_seconds = config_int(c, "limits", "worker_cpu_seconds", err);
    e->isolate.workers = config_int(c, "limits", "workers", err);
    return *err ? -1 : 0;
}

static int open_db(struct engine *e, char **err)
{
    char *db = spool_db_path(&e->spool);
    int rc = ledger_open(&e->ledger, db, err);

    g_free(db);
    e->receipts = engine_receipts(e);
    return rc;
}

int engine_open_ledger(struct engine *e, struct config *c, char **err)
{
    memset(e, 0, sizeof *e);
    e->spool.lock_fd = -1;
    if (config_check_file(c, err) < 0)
        return -1;
    if (spool_open(&e->spool, c->spool_root, false, err) < 0)
        return -1;
    return open_db(e, err);
}

int engine_lock(struct engine *e, struct config *c, char **err)
{
    int seconds = config_int(c, "spool", "lock_wait_seconds", err), rc;

    if (*err)
        return -1;
    if ((rc = spool_lock(&e->spool, 0, err)) != -2)
        return rc;
    g_clear_pointer(err, g_free);
    if (c->keep_waiting) {
        log_info("spool %s is busy (another command); waiting for it", e->spool.root);
        while ((rc = spool_lock(&e->spool, 1000, err)) == -2 && c->keep_waiting())
            g_clear_pointer(err, g_free);
        return rc;
    }
    log_info("spool %s is busy (`trykk serve` in a batch, or another command); waiting up to "
             "%d s", e->spool.root, seconds);
    return spool_lock(&e->spool, seconds * 1000, err);
}

int engine_setup(struct engine *e, struct config *c, char **err)
{
    memset(e, 0, sizeof *e);
    e->spool.lock_fd = -1;
    if (crypto_init() < 0) {
        *err = g_strdup("cannot initialise xmlsec/OpenSSL");
        return -1;
    }
    if (config_check_permissions(c, err) < 0)
        return -1;
    if (setup_policy(e, c, err) < 0 || setup_isolate(e, c, err) < 0 || setup_keys(e, c, err) < 0)
        return -1;
    if (spool_open(&e->spool, c->spool_root, false, err) < 0 || engine_lock(e, c, err) < 0 ||
        open_db(e, err) < 0)
        return -1;
    if (ledger_integrity(e->ledger) < 0) {
        *err = g_strdup("ledger integrity check failed; see `sqlite3 … 'PRAGMA integrity_check'`");
        return -1;
    }
    return 0;
}

void engine_teardown(struct engine *e)
{
    size_t i;

    for (i = 0; i < 2; i++) {
        EVP_PKEY_free(e->keys[i].key);
        X509_free(e->keys[i].cert);
    }
    EVP_PKEY_free(e->signer.key);
    X509_free(e->signer.cert);
    p11_close(); /* after the keys: nothing refers to the module any more */
    trust_free(e->trust);
    ledger_close(e->ledger);
    spool_close(&e->spool);
    g_free(e->orgnr);
    memset(e, 0, sizeof *e);
}

/* The commented trykk.conf of `trykk init` (util/conf_table.c), with our values filled in. */
char *config_text(const char *orgnr, const char *key, const char *cert, const char *anchors,
                  const char *root)
{
    const char *const args[] = {orgnr, key, cert, anchors, root};

    return conf_text(args, 5);
}

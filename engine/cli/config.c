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
 *   [spool]    root
 *   [limits]   max_package_mib, max_zip_entries, max_zip_ratio, max_pages,
 *              page_tolerance_mm, retry_deadline_hours
 */
#include <string.h>
#include <unistd.h>
#include "cli.h"

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

static char *value(struct config *c, const char *group, const char *key)
{
    char *v = g_key_file_get_string(c->kf, group, key, NULL);

    if (v && !*g_strstrip(v)) {
        g_free(v);
        v = NULL;
    }
    return v;
}

/* A path value; relative to the configuration file's directory. URIs are kept as they are. */
char *config_path(struct config *c, const char *group, const char *key)
{
    char *v = value(c, group, key), *p;

    if (!v || strstr(v, ":") || g_path_is_absolute(v))
        return v;
    p = g_canonicalize_filename(v, c->dir);
    g_free(v);
    return p;
}

static long number(struct config *c, const char *group, const char *key, long def, long min,
                   long max, char **err)
{
    char *v = value(c, group, key), *end;
    long n;

    if (!v)
        return def;
    n = strtol(v, &end, 10);
    if (*end || n < min || n > max) {
        if (!*err)
            *err = g_strdup_printf("config: [%s] %s must be a number from %ld to %ld", group, key,
                                   min, max);
        n = def;
    }
    g_free(v);
    return n;
}

static int need(struct config *c, const char *group, const char *key, char **out, char **err)
{
    if ((*out = config_path(c, group, key)))
        return 0;
    *err = g_strdup_printf("config%s%s: [%s] %s is not set", c->file ? " " : "",
                           c->file ? c->file : " (no file; run `trykk init`)", group, key);
    return -1;
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
    char *orgnr = value(c, "provider", "orgnr"), *anchors = NULL, *ct;
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
    ct = value(c, "trust", "check_time");
    if (ct && strcmp(ct, "message") != 0 && strcmp(ct, "now") != 0 && !*err)
        *err = g_strdup("config: [trust] check_time must be now or message");
    e->check_time = ct && strcmp(ct, "message") == 0 ? CHECK_MESSAGE : CHECK_NOW;
    g_free(ct);
    e->max_skew_days = (int)number(c, "trust", "max_skew_days", 7, 0, 36500, err);
    e->carrier_limits.max_package = (size_t)number(c, "limits", "max_package_mib", 50, 1, 1024,
                                                   err) << 20;
    e->carrier_limits.max_message = 1 << 20;
    e->zip_limits.max_entries = (size_t)number(c, "limits", "max_zip_entries", 1000, 10, 100000, err);
    e->zip_limits.max_total = 50 << 20;
    e->zip_limits.max_ratio = (unsigned)number(c, "limits", "max_zip_ratio", 100, 2, 10000, err);
    e->zip_limits.ratio_floor = 1 << 20;
    e->page_tolerance_mm = (double)number(c, "limits", "page_tolerance_mm", 10, 0, 50, err);
    e->max_pages = (int)number(c, "limits", "max_pages", 500, 1, 100000, err);
    e->retry_deadline_hours = (int)number(c, "limits", "retry_deadline_hours", 24, 1, 720, err);
    return rc < 0 || *err ? -1 : 0;
}

/* The bounded verification child (pipeline/isolate.c). */
static int setup_isolate(struct engine *e, struct config *c, char **err)
{
    e->isolate.memory = (size_t)number(c, "limits", "worker_memory_mib", 448, 64, 65536, err)
                        << 20;
    e->isolate.cpu_seconds = (int)number(c, "limits", "worker_cpu_seconds", 60, 1, 3600, err);
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
    if (spool_open(&e->spool, c->spool_root, false, err) < 0 || spool_lock(&e->spool, err) < 0 ||
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

char *config_text(const char *orgnr, const char *key, const char *cert, const char *anchors,
                  const char *root)
{
    return g_strdup_printf(
        "# trykk configuration (GKeyFile). Relative paths are relative to this file.\n"
        "\n"
        "[provider]\n"
        "# Our 9-digit organisation number; the SBDH receiver of every forsendelse.\n"
        "orgnr=%s\n"
        "# Decryption key (a file path, or a key on a PKCS#11 token such as\n"
        "# pkcs11:token=LABEL;object=KEY-LABEL with [pkcs11] below) and the certificate\n"
        "# senders encrypt to (published in KRR).\n"
        "key=%s\n"
        "cert=%s\n"
        "# Receipt signing key and business certificate; default: key and cert above.\n"
        "#sign_key=\n"
        "#sign_cert=\n"
        "# During a key rollover, the previous decryption key and certificate.\n"
        "#previous_key=\n"
        "#previous_cert=\n"
        "# On the day's handover note for Posten: our name, address (lines separated by ';')\n"
        "# and Posten's customer (agreement) number.\n"
        "#name=Print provider AS\n"
        "#address=Trykkeriveien 1;0150 OSLO\n"
        "#customer_number=\n"
        "\n"
        "# Keys on a PKCS#11 token (an HSM, NSS softokn): the module to load, NSS's\n"
        "# parameters, and the PIN from a 0600 file or an environment variable.\n"
        "#[pkcs11]\n"
        "#module=/usr/lib/x86_64-linux-gnu/libsoftokn3.so\n"
        "#parameters=configdir='sql:/etc/trykk/nssdb' certPrefix='' keyPrefix='' "
        "secmod='secmod.db' flags=readOnly\n"
        "#pin_file=/etc/trykk/token.pin\n"
        "#pin_env=TRYKK_TOKEN_PIN\n"
        "\n"
        "[trust]\n"
        "# Directory of trust anchors (PEM or DER). A sender's leaf placed here is pinned.\n"
        "anchors=%s\n"
        "# When certificates must be valid: now, or message (the message's creation time,\n"
        "# for replays of old messages) within max_skew_days of now.\n"
        "check_time=now\n"
        "max_skew_days=7\n"
        "\n"
        "[spool]\n"
        "root=%s\n"
        "\n"
        "[limits]\n"
        "max_package_mib=50\n"
        "max_zip_entries=1000\n"
        "max_zip_ratio=100\n"
        "# pages per letter (all its documents); a PDF beyond it is refused before qpdf\n"
        "# builds its page list\n"
        "max_pages=500\n"
        "page_tolerance_mm=10\n"
        "# Our own failures are retried; past the message's expectedResponseDateTime (or this\n"
        "# many hours after receipt) the letter is held and the sender gets feil SERVER.\n"
        "retry_deadline_hours=24\n"
        "\n"
        "[render]\n"
        "# Envelope stock: window (cover sheet or eco stamp shows through the window) or plain\n"
        "# (windowless: the engine prints envelope faces). Files: layouts/stock-c5-<stock>.ini.\n"
        "stock=window\n"
        "# Inserter marks: datamatrix or omr (layouts/marks-<marks>.ini).\n"
        "marks=datamatrix\n"
        "# Open jobs close at this local time, or when full.\n"
        "cutoff=20:00\n"
        "max_job_sheets=5000\n"
        "max_job_letters=500\n"
        "sheet_weight_g=5\n"
        "# Weight of the packaging of a manual-handling piece (too many sheets for C4).\n"
        "manual_packaging_g=0\n"
        "# A reconcile that would reprint more than this share of a job stops for an operator.\n"
        "reprint_max_percent=5\n"
        "\n"
        "[handover]\n"
        "# Pieces in one tray handed to Posten, per format (småbrev C5, storbrev C4 and manual).\n"
        "#small_per_tray=400\n"
        "#large_per_tray=100\n"
        "\n"
        "[ea]\n"
        "# Bring EA agreement for MAKULERING_MED_MELDING: agreement number, service level (0-3),\n"
        "# and the provider's EA return address (lines separated by ';').\n"
        "#agreement=0999\n"
        "#service_level=2\n"
        "#return_address=Print provider AS;Returpost EA;Postboks 1;0001 OSLO\n"
        "\n"
        "[costs]\n"
        "# Dated tariff files (default: the shipped layouts/tariffs; its postage table is an\n"
        "# EXAMPLE to replace with the postal agreement).\n"
        "#tariffs=tariffs\n"
        "#mva_percent=25\n"
        "\n"
        "[retention]\n"
        "# Personal data (names, addresses, the package, print files) is removed this many days\n"
        "# after dispatch, return or cancellation; history after history_months.\n"
        "days=90\n"
        "history_months=24\n"
        "\n"
        "# Sender profiles by organisation number: layout normal or eco, a logo (PNG), whether\n"
        "# C4 envelopes are allowed, and a return address that replaces the message's.\n"
        "#[sender.910000001]\n"
        "#layout=eco\n"
        "#logo=logos/910000001.png\n"
        "#c4=true\n"
        "#return_address=Etaten;Postboks 10;0101 OSLO\n", orgnr, key, cert, anchors, root);
}

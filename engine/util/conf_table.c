/* SPDX-License-Identifier: Apache-2.0 */
/*
 * conf_table.c - every key of trykk.conf in one table: type, range, default and the comment
 * `trykk init` writes above it; the conf_get_* getters and conf_text use the same rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"

#define INT(s, k, d, lo, hi, w, c) {s, k, CONF_INT, d, lo, hi, NULL, w, NULL, c}
#define STR(s, k, t, w, shown, c) {s, k, t, NULL, 0, 0, NULL, w, shown, c}
#define SET CONF_WRITE_SET
#define HASHED CONF_WRITE_HASHED
#define ARG CONF_WRITE_ARG
#define NOT CONF_WRITE_NOT

const struct conf_section conf_sections[] = {
    {"provider", "provider", false, NULL},
    {"pkcs11", "pkcs11", true,
     "Keys on a PKCS#11 token (an HSM, NSS softokn): the module to load, NSS's\n"
     "parameters, and the PIN from a 0600 file or an environment variable."},
    {"trust", "trust", false, NULL},
    {"spool", "spool", false, NULL},
    {"limits", "limits", false, NULL},
    {"render", "render", false, NULL},
    {"handover", "handover", false, NULL},
    {"ea", "ea", false, NULL},
    {"costs", "costs", false, NULL},
    {"retention", "retention", false, NULL},
    {"serve", "serve", false, NULL},
    {"sender.*", "sender.910000001", true,
     "Sender profiles by organisation number: layout normal or eco, a logo (PNG), whether\n"
     "C4 envelopes are allowed, and a return address that replaces the message's."},
    {NULL, NULL, false, NULL}};

const struct conf_key conf_keys[] = {
    STR("provider", "orgnr", CONF_STRING, ARG, NULL,
        "Our 9-digit organisation number; the SBDH receiver of every forsendelse."),
    STR("provider", "key", CONF_PATH, ARG, NULL,
        "Decryption key (a file path, or a key on a PKCS#11 token such as\n"
        "pkcs11:token=LABEL;object=KEY-LABEL with [pkcs11] below) and the certificate\n"
        "senders encrypt to (published in KRR)."),
    STR("provider", "cert", CONF_PATH, ARG, NULL, NULL),
    STR("provider", "sign_key", CONF_PATH, HASHED, NULL,
        "Receipt signing key and business certificate; default: key and cert above."),
    STR("provider", "sign_cert", CONF_PATH, HASHED, NULL, NULL),
    STR("provider", "previous_key", CONF_PATH, HASHED, NULL,
        "During a key rollover, the previous decryption key and certificate."),
    STR("provider", "previous_cert", CONF_PATH, HASHED, NULL, NULL),
    STR("provider", "name", CONF_STRING, HASHED, "Print provider AS",
        "On the day's handover note for Posten: our name, address (lines separated by ';')\n"
        "and Posten's customer (agreement) number."),
    STR("provider", "address", CONF_LINES, HASHED, "Trykkeriveien 1;0150 OSLO", NULL),
    STR("provider", "customer_number", CONF_STRING, HASHED, NULL, NULL),

    STR("pkcs11", "module", CONF_PATH, HASHED, "/usr/lib/x86_64-linux-gnu/libsoftokn3.so",
        NULL),
    STR("pkcs11", "parameters", CONF_STRING, HASHED,
        "configdir='sql:/etc/trykk/nssdb' certPrefix='' keyPrefix='' secmod='secmod.db' "
        "flags=readOnly", NULL),
    STR("pkcs11", "pin_file", CONF_PATH, HASHED, "/etc/trykk/token.pin", NULL),
    STR("pkcs11", "pin_env", CONF_STRING, HASHED, "TRYKK_TOKEN_PIN", NULL),

    STR("trust", "anchors", CONF_PATH, ARG, NULL,
        "Directory of trust anchors (PEM or DER). A sender's leaf placed here is pinned."),
    {"trust", "check_time", CONF_CHOICE, "now", 0, 0, "now|message", SET, NULL,
     "When certificates must be valid: now, or message (the message's creation time,\n"
     "for replays of old messages) within max_skew_days of now."},
    INT("trust", "max_skew_days", "7", 0, 36500, SET, NULL),

    STR("spool", "root", CONF_PATH, ARG, NULL, NULL),
    INT("spool", "lock_wait_seconds", "30", 0, 3600, NOT,
        "A command that finds the spool locked (`trykk serve` in a batch, another command)\n"
        "waits this long for it, then gives up."),

    INT("limits", "max_package_mib", "50", 1, 1024, SET, NULL),
    INT("limits", "max_zip_entries", "1000", 10, 100000, SET, NULL),
    INT("limits", "max_zip_ratio", "100", 2, 10000, SET, NULL),
    INT("limits", "max_pages", "500", 1, 100000, SET,
        "pages per letter (all its documents); a PDF beyond it is refused before qpdf\n"
        "builds its page list"),
    INT("limits", "page_tolerance_mm", "10", 0, 50, SET, NULL),
    INT("limits", "retry_deadline_hours", "24", 1, 720, SET,
        "Our own failures are retried; past the message's expectedResponseDateTime (or this\n"
        "many hours after receipt) the letter is held and the sender gets feil SERVER."),
    INT("limits", "worker_memory_mib", "448", 64, 65536, NOT,
        "The bounded verification child: its address space and CPU time."),
    INT("limits", "worker_cpu_seconds", "60", 1, 3600, NOT, NULL),
    INT("limits", "workers", "0", 0, 64, NOT,
        "Verification children at work at once; 0: one per core."),

    {"render", "stock", CONF_STRING, "window", 0, 0, NULL, SET, NULL,
     "Envelope stock: window (cover sheet or eco stamp shows through the window) or plain\n"
     "(windowless: the engine prints envelope faces). Files: layouts/stock-c5-<stock>.ini."},
    {"render", "marks", CONF_STRING, "datamatrix", 0, 0, NULL, SET, NULL,
     "Inserter marks: datamatrix or omr (layouts/marks-<marks>.ini)."},
    {"render", "cutoff", CONF_TIME, "20:00", 0, 0, NULL, SET, NULL,
     "Open jobs close at this local time, or when full."},
    INT("render", "max_job_sheets", "5000", 1, 1000000, SET, NULL),
    INT("render", "max_job_letters", "500", 1, 99999, SET, NULL),
    INT("render", "sheet_weight_g", "5", 1, 50, SET, NULL),
    INT("render", "manual_packaging_g", "0", 0, 5000, SET,
        "Weight of the packaging of a manual-handling piece (too many sheets for C4)."),
    INT("render", "reprint_max_percent", "5", 0, 100, SET,
        "A reconcile that would reprint more than this share of a job stops for an operator."),

    INT("handover", "small_per_tray", "400", 1, 100000, HASHED,
        "Pieces in one tray handed to Posten, per format (småbrev C5, storbrev C4 and manual)."),
    INT("handover", "large_per_tray", "100", 1, 100000, HASHED, NULL),

    STR("ea", "agreement", CONF_STRING, HASHED, "0999",
        "Bring EA agreement for MAKULERING_MED_MELDING: agreement number, service level (0-3),\n"
        "and the provider's EA return address (lines separated by ';')."),
    INT("ea", "service_level", "2", 0, 3, HASHED, NULL),
    STR("ea", "return_address", CONF_LINES, HASHED,
        "Print provider AS;Returpost EA;Postboks 1;0001 OSLO", NULL),

    STR("costs", "tariffs", CONF_PATH, HASHED, "tariffs",
        "Dated tariff files (default: the shipped layouts/tariffs; its postage table is an\n"
        "EXAMPLE to replace with the postal agreement)."),
    INT("costs", "mva_percent", "25", 0, 100, HASHED, NULL),

    INT("retention", "days", "90", 0, 3650, SET,
        "Personal data (names, addresses, the package, print files) is removed this many days\n"
        "after dispatch, return or cancellation; history after history_months."),
    INT("retention", "history_months", "24", 1, 120, SET, NULL),

    INT("serve", "batch_letters", "32", 1, 10000, NOT,
        "`trykk serve` holds the spool lock for at most this many letters at a time, and wakes\n"
        "at least every rescan_seconds (deferred retries, job cut-off) without inotify news."),
    INT("serve", "rescan_seconds", "30", 1, 3600, NOT, NULL),
    /* Read, not written by trykk init (its file stays as it was): see trykk.conf(5). */
    STR("serve", "metrics_file", CONF_PATH, NOT, NULL,
        "The Prometheus text file the daemon writes each cycle; default ledger/metrics.prom."),
    INT("health", "max_queue_age", "900", 1, 604800, NOT,
        "`trykk health`: seconds the oldest entry of incoming/ may wait, a receipt may wait in\n"
        "outbox/ for the broker (degraded beyond), and since the daemon's last cycle (down)."),
    INT("health", "max_receipt_age", "3600", 1, 604800, NOT, NULL),
    INT("health", "max_heartbeat_age", "120", 1, 86400, NOT, NULL),

    {"sender.*", "layout", CONF_CHOICE, "normal", 0, 0, "normal|eco", HASHED, "eco", NULL},
    STR("sender.*", "logo", CONF_PATH, HASHED, "logos/910000001.png", NULL),
    {"sender.*", "c4", CONF_BOOL, "true", 0, 0, NULL, HASHED, NULL, NULL},
    STR("sender.*", "return_address", CONF_LINES, HASHED, "Etaten;Postboks 10;0101 OSLO", NULL),
    STR("sender.*", "name", CONF_STRING, NOT, NULL, NULL),
    {"sender.*", "country_names", CONF_CHOICE, "norwegian", 0, 0, "norwegian|english", NOT,
     NULL, NULL},
    {"sender.*", "mark_zone_ink", CONF_CHOICE, "accept", 0, 0, "accept|refuse", NOT, NULL,
     NULL},
    {NULL, NULL, CONF_STRING, NULL, 0, 0, NULL, NOT, NULL, NULL}};

static bool section_is(const char *pattern, const char *section)
{
    size_t n = strlen(pattern);

    if (n > 1 && pattern[n - 1] == '*')
        return strncmp(pattern, section, n - 1) == 0;
    return strcmp(pattern, section) == 0;
}

const struct conf_key *conf_key_of(const char *section, const char *key)
{
    const struct conf_key *k;

    for (k = conf_keys; k->key; k++)
        if (section_is(k->section, section) && strcmp(k->key, key) == 0)
            return k;
    return NULL;
}

static const struct conf_key *row(const char *section, const char *key)
{
    const struct conf_key *k = conf_key_of(section, key);

    if (!k)
        g_error("trykk.conf has no key [%s] %s in conf_table.c", section, key);
    return k;
}

char *conf_get_string(struct conf *c, const char *section, const char *key)
{
    const struct conf_key *k = row(section, key);
    char *v = k->type == CONF_PATH ? conf_path(c, section, key) : conf_string(c, section, key);

    return v || !k->def ? v : g_strdup(k->def);
}

int conf_get_int(struct conf *c, const char *section, const char *key, int *out)
{
    const struct conf_key *k = row(section, key);
    long n = 0;
    int rc = conf_integer(c, section, key, k->def ? atol(k->def) : 0, k->min, k->max, &n);

    *out = (int)n;
    return rc;
}

int conf_get_bool(struct conf *c, const char *section, const char *key, bool *out)
{
    const struct conf_key *k = row(section, key);

    return conf_bool(c, section, key, g_strcmp0(k->def, "true") == 0, out);
}

int conf_get_choice(struct conf *c, const char *section, const char *key, int *out)
{
    const struct conf_key *k = row(section, key);
    char **words = g_strsplit(k->words, "|", -1);
    int rc = conf_choice(c, section, key, (const char *const *)words, 0, out);

    g_strfreev(words);
    return rc;
}

int conf_get_time(struct conf *c, const char *section, const char *key, int *out)
{
    const struct conf_key *k = row(section, key);
    unsigned h = 0, m = 0;

    if (sscanf(k->def, "%u:%u", &h, &m) != 2)
        g_error("conf_table.c: [%s] %s default is not HH:MM", section, key);
    return conf_time_of_day(c, section, key, (int)(h * 60 + m), out);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * demo.c - trykk demo [--dir DIR] [--letters N] (the trykk-demo program, main.c)
 *
 * Builds a complete demo installation in DIR (default ./demo): a test CA, two sending
 * agencies with business certificates (NTRNO organisation identifiers), the provider's key
 * and certificate, a configuration and a spool; drops N varied forsendelser (all three carrier
 * shapes, legacy SDP XML among them, colours, post types, return handling, foreign addresses, attachments, plus a few
 * defective ones a real spool sees), runs the engine on them and says where everything went:
 * print jobs, reconciliation, dispatch, a few returns, the receipts and the quarter's costs.
 */
#include <stdio.h>
#include <string.h>
#include <cairo.h>
#include <sys/stat.h>
#include <unistd.h>
#include "demo.h"
#include "../forge/forge.h"

#define PROVIDER_ORGNR "974761076"

struct demo {
    char *dir;
    struct forge_party ca, agency[2], provider, stranger;
};

static const char *const agency_orgnr[] = {"910000001", "910000002"};
static const char *const agency_name[] = {"Demo kommune", "Demo etat"};

static void make_parties(struct demo *d)
{
    GDateTime *now = time_now();
    gint64 t = g_date_time_to_unix(now), year = 365 * 24 * 3600;
    int i;

    d->ca.key = forge_rsa(2048);
    d->ca.cert = forge_cert("trykk demo CA", NULL, d->ca.key, NULL, NULL, t - year, t + 10 * year,
                            true);
    for (i = 0; i < 2; i++) {
        d->agency[i].key = forge_rsa(2048);
        d->agency[i].cert = forge_cert(agency_name[i], agency_orgnr[i], d->agency[i].key,
                                       d->ca.key, d->ca.cert, t - year, t + 2 * year, false);
    }
    d->provider.key = forge_rsa(2048);
    d->provider.cert = forge_cert("trykk demo print provider", PROVIDER_ORGNR, d->provider.key,
                                  d->ca.key, d->ca.cert, t - year, t + 2 * year, false);
    d->stranger.key = forge_rsa(2048);
    d->stranger.cert = forge_cert("another provider", "987654321", d->stranger.key, d->ca.key,
                                  d->ca.cert, t - year, t + 2 * year, false);
    g_date_time_unref(now);
}

/* A small logo for the eco sender: a coloured block with its initials. */
static int write_logo(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 240, 120);
    cairo_t *cr = cairo_create(s);
    int rc;

    cairo_set_source_rgb(cr, 0.05, 0.35, 0.6);
    cairo_rectangle(cr, 0, 0, 240, 120);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 20, 20, 60, 80);
    cairo_fill(cr);
    rc = cairo_surface_write_to_png(s, path) == CAIRO_STATUS_SUCCESS ? 0 : -1;
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return rc;
}

/* The default configuration plus EA and one eco sender with a logo. */
static char *demo_config(void)
{
    char *base = config_text(PROVIDER_ORGNR, "keys/provider-key.pem", "keys/provider-cert.pem",
                             "anchors", "spool");
    char *text = g_strconcat(base, "\n# demo settings\n[provider]\nname=trykk demo print AS\n"
                             "address=Trykkeriveien 1;0150 OSLO\ncustomer_number=20012345\n"
                             "\n[ea]\nagreement=0999\nservice_level=2\n"
                             "return_address=trykk demo print AS;Returpost EA;Postboks 1;"
                             "0001 OSLO\n\n[sender.910000002]\nlayout=eco\nlogo=logo.png\n",
                             NULL);

    g_free(base);
    return text;
}

static int write_setup(struct demo *d, char **conf)
{
    char *keys = g_build_filename(d->dir, "keys", NULL);
    char *anchors = g_build_filename(d->dir, "anchors", NULL);
    char *key = g_build_filename(keys, "provider-key.pem", NULL);
    char *cert = g_build_filename(keys, "provider-cert.pem", NULL);
    char *ca = g_build_filename(anchors, "demo-ca.pem", NULL);
    char *spool = g_build_filename(d->dir, "spool", NULL);
    char *text;
    int rc;

    g_mkdir_with_parents(keys, 0700);
    g_mkdir_with_parents(anchors, 0700);
    rc = forge_write_key(key, d->provider.key) | forge_write_cert(cert, d->provider.cert) |
         forge_write_cert(ca, d->ca.cert);
    {
        char *logo = g_build_filename(d->dir, "logo.png", NULL);
        rc |= write_logo(logo);
        g_free(logo);
    }
    text = demo_config();
    *conf = g_build_filename(d->dir, "trykk.conf", NULL);
    if (rc == 0 && !g_file_set_contents_full(*conf, text, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                             0600, NULL))
        rc = -1;
    if (rc == 0) {
        struct spool s = {0};
        char *err = NULL;
        rc = spool_open(&s, spool, true, &err);
        g_free(err);
        spool_close(&s);
    }
    g_free(text);
    g_free(keys);
    g_free(anchors);
    g_free(key);
    g_free(cert);
    g_free(ca);
    g_free(spool);
    return rc;
}

static const char *const names[] = {"Kari Nordmann", "Ola Nordmann", "Åse Øvrebø",
                                    "Ánde Ŋuolbma", "Per Hansen", "Ingrid Berg"};
static const char *const streets[] = {"Storgata 1", "Liksomveien 22", "Fjellvegen 7 B",
                                      "Čiekčá 12", "Havnegata 3", "Kirkeveien 40"};
static const char *const places[][2] = {{"0155", "OSLO"}, {"1234", "NORDBY"}, {"5003", "BERGEN"},
                                        {"9730", "KARASJOK"}, {"7010", "TRONDHEIM"},
                                        {"9008", "TROMSØ"}};

/* A valid letter, varied by its number. */
static void vary(struct demo *d, struct forge_letter *l, int i)
{
    memset(l, 0, sizeof *l);
    l->signer = &d->agency[i % 2];
    l->provider_cert = d->provider.cert;
    l->sender_orgnr = agency_orgnr[i % 2];
    l->receiver_orgnr = PROVIDER_ORGNR;
    l->navn = names[i % 6];
    l->adresse = streets[(i / 2) % 6];
    l->postnummer = places[i % 6][0];
    l->poststed = places[i % 6][1];
    l->landkode = i % 11 == 5 ? "SE" : NULL;
    l->colour = i % 4 == 3 ? "FARGE" : "SORT_HVIT";
    l->posttype = i % 5 == 0 ? "A" : i % 5 == 1 ? NULL : "B";
    l->return_handling = i % 3 == 0 ? "MAKULERING_MED_MELDING" : "DIREKTE_RETUR";
    l->avsenderidentifikator = i % 2 ? "skatt-innkreving" : NULL;
    l->faktura_referanse = i % 2 ? NULL : "PROSJEKT-42";
    l->documents = 1 + i % 3;
    l->pdf.pages = i % 13 == 7 ? 15 : 1 + i % 4; /* now and then one for a C4 envelope */
    l->pdf.body = "Vedtak i saken din\n\nDette er et demobrev fra trykk.";
}

struct defect {
    const char *what;
    void (*apply)(struct demo *d, struct forge_letter *l);
};

static void d_letter(struct demo *d, struct forge_letter *l) { l->pdf.height_mm = 279.4; l->pdf.width_mm = 215.9; }
static void d_encrypted(struct demo *d, struct forge_letter *l) { l->pdf.encrypt = true; }
static void d_changed(struct demo *d, struct forge_letter *l) { l->change_pdf_after_signing = true; }
static void d_wrongkey(struct demo *d, struct forge_letter *l) { l->provider_cert = d->stranger.cert; }
static void d_extra(struct demo *d, struct forge_letter *l) { l->extra_unsigned_entry = true; }

static const struct defect defects[] = {
    {"a US Letter page", d_letter},
    {"an encrypted PDF", d_encrypted},
    {"a PDF changed after signing", d_changed},
    {"a package encrypted to another provider", d_wrongkey},
    {"an unsigned extra file in the package", d_extra},
};

static int drop_letters(struct demo *d, const char *spool, int n)
{
    char *dup_id = g_uuid_string_random();
    int i, rc = 0;

    for (i = 0; i < n && rc == 0; i++) {
        struct forge_letter l = {0};
        char *jwt = NULL, *name, kind;
        struct bytes cms = {0};
        bool defect = i >= n - (int)G_N_ELEMENTS(defects) - 1 && i < n - 1;
        vary(d, &l, i);
        if (defect)
            defects[i - (n - (int)G_N_ELEMENTS(defects) - 1)].apply(d, &l);
        if (i == 0 || i == n - 1)
            l.message_id = dup_id; /* the last one repeats the first message id */
        rc = forge_letter_build(&l, &jwt, &cms);
        kind = i % 2 ? 'a' : i % 6 == 4 && !defect ? 'c' : 'b'; /* now and then legacy SDP XML */
        if (rc == 0 && kind == 'c') {
            g_free(jwt);
            jwt = forge_legacy_sbd(&l, &cms, NULL);
            rc = jwt ? 0 : -1;
        }
        name = g_strdup_printf("drop-%03d%s", i + 1, kind == 'a' ? ".xml" : "");
        if (rc == 0)
            rc = forge_drop(spool, name, kind, jwt, &cms);
        g_free(name);
        g_free(jwt);
        bytes_free(&cms);
    }
    if (rc == 0) { /* and one file that is not a forsendelse at all */
        struct bytes junk = {0};
        bytes_set(&junk, "this is not a forsendelse\n", 26);
        rc = forge_drop(spool, "stray-file.txt", 'a', "", &junk);
        bytes_free(&junk);
    }
    g_free(dup_id);
    return rc;
}

static void report(struct engine *e, const struct run_stats *st, const char *dir)
{
    size_t i;

    printf("\ntrykk demo: %d forsendelser processed in %s\n", st->claimed, dir);
    printf("  accepted     %3d  -> %s (kept encrypted until dispatch)\n", st->accepted,
           e->spool.accepted);
    printf("  failed       %3d  -> %s (each with a .reason file; a feil receipt was sent)\n",
           st->failed, e->spool.failed);
    printf("  quarantined  %3d  -> %s (unreadable; nobody to answer)\n", st->quarantined,
           e->spool.quarantine);
    printf("  receipts          -> %s\n", e->spool.outbox);
    printf("deliberately defective: a repeated message id, a stray file");
    for (i = 0; i < G_N_ELEMENTS(defects); i++)
        printf(", %s", defects[i].what);
    printf(".\nlook closer:  build/engine/trykk --config %s/trykk.conf status\n", dir);
    printf("              build/engine/trykk --config %s/trykk.conf show <letter-id>\n", dir);
}

/* Plan the accepted letters, close every job now, and list the published jobs. */
static int print_jobs(struct engine *e, struct config *c, const char *dir)
{
    struct print_setup ps = {0};
    struct jobs_ctx jc = engine_jobs(e, c);
    char *err = NULL;
    int rc = 0;

    if (print_setup_load(&ps, c->kf, c->dir, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        g_free(err);
        return EXIT_USAGE;
    }
    printf("\nrendering: eco letters are checked, every letter is planned into a job ...\n");
    if (print_run(&jc, &ps, isatty(2)) < 0)
        rc = EXIT_LETTERS;
    {
        struct plan_stats st = {0};
        if (jobs_close_each(&jc, &ps, ledger_jobs_in_state(e->ledger, JOB_STATE_OPEN, NULL), &st) < 0)
            rc = EXIT_LETTERS;
    }
    print_setup_free(&ps);
    printf("print jobs (job.pdf to print, job.jdf ticket, pieces.csv manifest):\n");
    {
        json_t *jobs = ledger_jobs_json(e->ledger, NULL, NULL);
        jobs_print_table(jobs, c->spool_root);
        json_decref(jobs);
    }
    printf("look at one letter: build/engine/trykk --config %s/trykk.conf proof <letter-id>\n", dir);
    return rc;
}

/* What the letters cost so far: print prices are final, postage waits for the posting day. */
static int print_costs(struct config *c, const char *dir)
{
    char *q = costs_current_quarter();
    int rc;

    printf("\ncosts of %s so far (per sender and fakturaReferanse; CSV: build/engine/trykk "
           "--config %s/trykk.conf costs export --period %s):\n", q, dir, q);
    rc = costs_print_summary(c, q) == 0 ? 0 : EXIT_LETTERS;
    printf("after the posting day: trykk settle day --pending; after the quarter: trykk settle "
           "period %s\n", q);
    g_free(q);
    return rc;
}

static const struct cli_usage demo_usage = {
    "demo", "[--dir DIR] [--letters N>=8]",
    "Build a demo installation (generated keys, a spool, varied letters, some broken on "
    "purpose), run it, close, reconcile and dispatch its jobs, record some returns, and show "
    "the receipts and the quarter's costs.", NULL};

int demo_run(int argc, char **argv)
{
    char *dir = NULL, *conf = NULL, *spool, *err = NULL;
    int letters = 36, rc = EXIT_USAGE;
    GOptionEntry entries[] = {
        {"dir", 'd', 0, G_OPTION_ARG_FILENAME, &dir, "where to build the demo (default ./demo)", "DIR"},
        {"letters", 'n', 0, G_OPTION_ARG_INT, &letters, "how many forsendelser (default 36)", "N"},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = cli_command(&demo_usage, entries);
    struct demo d = {0};
    struct config dc = {0};
    struct engine e = {0};
    struct run_stats st = {0};

    if (!cli_parse(ctx, &argc, &argv) || argc > 1 || letters < 8) {
        cli_usage_error(&demo_usage);
        goto out;
    }
    d.dir = g_canonicalize_filename(dir ? dir : "demo", NULL);
    if (g_file_test(d.dir, G_FILE_TEST_EXISTS)) {
        fprintf(stderr, "trykk: %s exists; remove it or choose --dir\n", d.dir);
        goto out;
    }
    g_mkdir_with_parents(d.dir, 0700);
    if (crypto_init() < 0)
        goto out;
    printf("building demo keys, certificates and %d forsendelser in %s ...\n", letters, d.dir);
    make_parties(&d);
    spool = g_build_filename(d.dir, "spool", NULL);
    rc = write_setup(&d, &conf) == 0 && drop_letters(&d, spool, letters) == 0 ? 0 : EXIT_LETTERS;
    g_free(spool);
    if (rc == 0 && (config_load(&dc, conf, NULL, &err) < 0 || engine_setup(&e, &dc, &err) < 0)) {
        fprintf(stderr, "trykk: %s\n", err);
        rc = EXIT_USAGE;
    } else if (rc == 0) {
        rc = run_once(&e, &st, isatty(2)) < 0 ? EXIT_LETTERS : 0;
        report(&e, &st, d.dir);
        if (rc == 0)
            rc = print_jobs(&e, &dc, d.dir);
        if (rc == 0)
            rc = demo_after_print(&e, &dc, d.dir);
        if (rc == 0)
            rc = print_costs(&dc, d.dir);
        engine_teardown(&e);
        config_free(&dc);
    }
out:
    forge_party_free(&d.ca);
    forge_party_free(&d.agency[0]);
    forge_party_free(&d.agency[1]);
    forge_party_free(&d.provider);
    forge_party_free(&d.stranger);
    g_free(d.dir);
    g_free(dir);
    g_free(conf);
    g_free(err);
    g_option_context_free(ctx);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * e2e_spool.c - see e2e_spool.h. Each letter is made on its own, as a sending agency's
 * client would: its own PDF (2 pages, the embedded font subset, vector graphics, a CMYK
 * image and a spot colour), its own ASiC-E package signed with XAdES and CMS-encrypted to
 * the provider, its own signed business message with fresh message and conversation ids, and
 * a recipient that varies (street, postcode; colour and posttype too), so the letters fall
 * into several jobs and the presort has something to sort.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "e2e_spool.h"

const char *const e2e_layout_name[E2E_LAYOUTS] = {"normal", "eco"};

static void forge_one(struct e2e_spool *s, const char *root, int i, bool spoil)
{
    static const char *const towns[][2] = {{"0155", "OSLO"}, {"5003", "BERGEN"},
                                           {"7010", "TRONDHEIM"}, {"9008", "TROMSØ"}};
    char name[32], *body = g_strdup_printf("Vedtak nr. %d", i + 1);
    char *street = g_strdup_printf("Storgata %d", i % 97 + 1), *jwt = NULL;
    struct forge_letter l;
    struct bytes cms = {0};

    fx_letter(&s->fx, &l);
    l.navn = "Åse Øvrebø";
    l.adresse = street;
    l.postnummer = towns[i % 4][0];
    l.poststed = towns[i % 4][1];
    l.colour = i % 3 ? "SORT_HVIT" : "FARGE";
    l.posttype = i % 4 ? "B" : "A";
    l.pdf.pages = 2;
    l.pdf.press = true;
    l.pdf.body = body;
    l.pdf.window_text = spoil;
    g_snprintf(name, sizeof name, "e2e-%06d", i);
    g_assert_cmpint(forge_letter_build(&l, &jwt, &cms), ==, 0);
    g_assert_cmpint(forge_drop(root, name, 'b', jwt, &cms), ==, 0);
    g_free(jwt);
    bytes_free(&cms);
    g_free(body);
    g_free(street);
}

/* The pipeline's cover: the same for every letter, two pages (the cover and its back), so
 * each assembled letter has as many pages as its piece in trykk's job.pdf. */
static void write_cover(struct e2e_spool *s)
{
    struct forge_pdf o = {.pages = 2, .body = "Forside"};
    struct bytes pdf = {0};

    s->cover = g_build_filename(s->fx.root, "cover.pdf", NULL);
    g_assert_cmpint(forge_pdf_make(&o, &pdf), ==, 0);
    g_assert_true(g_file_set_contents(s->cover, (const char *)pdf.data, (gssize)pdf.len, NULL));
    bytes_free(&pdf);
}

/* The fixture's configuration with its own spool root, eco adding the sender's layout. */
static void write_conf(struct e2e_spool *s, enum e2e_layout layout)
{
    char *base = fx_read(s->fx.conf), *root, *text, **parts;
    const char *name = e2e_layout_name[layout];

    g_assert_nonnull(strstr(base, "root=spool\n"));
    parts = g_strsplit(base, "root=spool\n", 2);
    root = g_strdup_printf("root=spool-%s\n", name);
    text = g_strconcat(parts[0], root, parts[1], layout == E2E_ECO ? "[sender." FX_SENDER
                       "]\nlayout=eco\n" : "", NULL);
    s->conf[layout] = g_strdup_printf("%s/trykk-%s.conf", s->fx.root, name);
    s->spool[layout] = g_strdup_printf("%s/spool-%s", s->fx.root, name);
    g_assert_true(g_file_set_contents(s->conf[layout], text, -1, NULL));
    g_chmod(s->conf[layout], 0600);
    g_strfreev(parts);
    g_free(root);
    g_free(text);
    g_free(base);
}

void e2e_spool_make(struct e2e_spool *s, int n, int spoil)
{
    char *root;
    int i, k;

    memset(s, 0, sizeof *s);
    s->n = n;
    fx_init(&s->fx, "[render]\nmax_job_letters=500\n");
    root = g_build_filename(s->fx.root, "master", NULL);
    s->master = g_build_filename(root, "incoming", NULL);
    g_assert_cmpint(g_mkdir_with_parents(s->master, 0700), ==, 0);
    {
        char *tmp = g_build_filename(root, "tmp", NULL);
        g_assert_cmpint(g_mkdir(tmp, 0700), ==, 0);
        g_free(tmp);
    }
    for (i = 0; i < n; i++)
        forge_one(s, root, i, i < spoil);
    g_free(root);
    s->key = g_build_filename(s->fx.root, "keys", "provider-key.pem", NULL);
    s->cert = g_build_filename(s->fx.root, "keys", "provider-cert.pem", NULL);
    s->ca = g_build_filename(s->fx.root, "anchors", "ca.pem", NULL);
    write_cover(s);
    for (k = 0; k < E2E_LAYOUTS; k++)
        write_conf(s, (enum e2e_layout)k);
}

int e2e_trykk(struct e2e_spool *s, enum e2e_layout layout, const char *const *args,
              const char *log, struct measure *m)
{
    const char *argv[16] = {TRYKK_BIN, "--config", s->conf[layout]};
    int i;

    for (i = 0; args[i] && i < 12; i++)
        argv[3 + i] = args[i];
    return measure_run(argv, s->fx.root, log, m);
}

/* One entry (a directory of files) from the master copy, in through tmp/ as a broker does. */
static int copy_entry(const char *from, const char *spool, const char *name)
{
    char *src = g_build_filename(from, name, NULL), *tmp = g_build_filename(spool, "tmp", name,
                                                                              NULL);
    char *dst = g_build_filename(spool, "incoming", name, NULL);
    GDir *d = g_dir_open(src, 0, NULL);
    const char *f;
    int rc = d && g_mkdir(tmp, 0700) == 0 ? 0 : -1;

    while (rc == 0 && (f = g_dir_read_name(d))) {
        char *a = g_build_filename(src, f, NULL), *b = g_build_filename(tmp, f, NULL), *data;
        gsize len;
        rc = g_file_get_contents(a, &data, &len, NULL) &&
             g_file_set_contents_full(b, data, (gssize)len, G_FILE_SET_CONTENTS_NONE, 0600,
                                      NULL) ? 0 : -1;
        if (rc == 0)
            g_free(data);
        g_free(a);
        g_free(b);
    }
    if (d)
        g_dir_close(d);
    if (rc == 0 && g_rename(tmp, dst) < 0)
        rc = -1;
    g_free(src);
    g_free(tmp);
    g_free(dst);
    return rc;
}

int e2e_spool_fill(struct e2e_spool *s, enum e2e_layout layout)
{
    const char *rm[] = {"/bin/rm", "-rf", s->spool[layout], NULL}, *init[] = {"init", NULL};
    struct measure m;
    GDir *d;
    const char *name;
    int rc = 0, n = 0;

    if (measure_run(rm, NULL, NULL, &m) != 0 || e2e_trykk(s, layout, init, NULL, &m) != 0) {
        fprintf(stderr, "bench_e2e: cannot make %s (exit %d)\n", s->spool[layout], m.status);
        return -1;
    }
    d = g_dir_open(s->master, 0, NULL);
    while (rc == 0 && d && (name = g_dir_read_name(d))) {
        rc = copy_entry(s->master, s->spool[layout], name);
        n++;
    }
    if (d)
        g_dir_close(d);
    if (rc < 0 || n != s->n) {
        fprintf(stderr, "bench_e2e: filled %d of %d entries into %s\n", n, s->n,
                s->spool[layout]);
        return -1;
    }
    sync();
    return 0;
}

void e2e_spool_free(struct e2e_spool *s)
{
    int k;

    fx_free(&s->fx);
    for (k = 0; k < E2E_LAYOUTS; k++) {
        g_free(s->conf[k]);
        g_free(s->spool[k]);
    }
    g_free(s->master);
    g_free(s->key);
    g_free(s->cert);
    g_free(s->ca);
    g_free(s->cover);
}

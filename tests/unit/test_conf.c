/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_conf.c - the one config reader (util/conf.c), its defaults table and the trykk.conf
 * that `trykk init` writes from it, and the first-error collector (util/error.c): range
 * errors, bad numbers, missing keys, defaults, the written file.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "costs/costs.h"
#include "jobs/jobs.h"
#include "util/conf.h"
#include "util/error.h"

static GKeyFile *parse(const char *text)
{
    GKeyFile *kf = g_key_file_new();

    g_assert_true(g_key_file_load_from_data(kf, text, strlen(text), G_KEY_FILE_NONE, NULL));
    return kf;
}

/* err holds every one of the words. */
static void assert_says(const char *err, const char *const *words)
{
    int i;

    g_assert_nonnull(err);
    g_test_message("%s", err);
    for (i = 0; words[i]; i++)
        g_assert_nonnull(strstr(err, words[i]));
}

/* rc is a failure whose message is want (NULL: any); the message is cleared. */
static void refused(int rc, char **err, const char *want)
{
    g_assert_cmpint(rc, ==, -1);
    g_assert_nonnull(*err);
    if (want)
        g_assert_cmpstr(*err, ==, want);
    g_clear_pointer(err, g_free);
}

/* A whole number out of range names file, section, key and the range; *out is the default. */
static void test_range(void)
{
    static const char *const want[] = {"trykk.conf: [limits] max_pages must be a whole number "
                                       "from 1 to 100000", NULL};
    GKeyFile *kf = parse("[limits]\nmax_pages=0\n[render]\nmax_job_letters=100000\n");
    char *err = NULL;
    struct conf c = {kf, "trykk.conf", NULL, &err};
    int n = -1;

    g_assert_cmpint(conf_get_int(&c, "limits", "max_pages", &n), ==, -1);
    g_assert_cmpint(n, ==, 500);
    assert_says(err, want);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(conf_get_int(&c, "render", "max_job_letters", &n), ==, -1);
    g_assert_nonnull(strstr(err, "from 1 to 99999"));
    g_free(err);
    g_key_file_free(kf);
}

/* Numbers with trailing text, no digits, or not numbers at all are errors. */
static void test_bad_numbers(void)
{
    GKeyFile *kf = parse("[a]\nn=12x\nm=x\nd=1,5\nt=24:00\nb=yes\nw=wide\n");
    char *err = NULL;
    struct conf c = {kf, "f.ini", NULL, &err};
    long n = 0;
    double d = 0;
    int i = 0;
    bool b = false;

    refused(conf_integer(&c, "a", "n", 3, 0, 100, &n), &err,
            "f.ini: [a] n must be a whole number from 0 to 100");
    g_assert_cmpint(n, ==, 3);
    refused(conf_integer(&c, "a", "m", 3, 0, 100, &n), &err, NULL);
    refused(conf_number(&c, "a", "d", 1, 0, 10, &d), &err, "f.ini: [a] d is not a number");
    refused(conf_time_of_day(&c, "a", "t", 0, &i), &err,
            "f.ini: [a] t must be a time of day as HH:MM");
    refused(conf_bool(&c, "a", "b", true, &b), &err, NULL);
    g_assert_true(b);
    refused(conf_choice(&c, "a", "w", (const char *const[]){"narrow", "tall", NULL}, 1, &i),
            &err, "f.ini: [a] w must be narrow or tall");
    g_assert_cmpint(i, ==, 1);
    g_key_file_free(kf);
}

/* A number outside its bounds, and one within them. */
static void test_number_range(void)
{
    GKeyFile *kf = parse("[page]\nwidth_mm=99.5\nheight_mm=297\n");
    char *err = NULL;
    struct conf c = {kf, "normal.ini", NULL, &err};
    double d = 0;

    g_assert_cmpint(conf_number(&c, "page", "height_mm", NAN, 100, 600, &d), ==, 0);
    g_assert_cmpfloat(d, ==, 297);
    g_assert_null(err);
    refused(conf_number(&c, "page", "width_mm", NAN, 100, 420, &d), &err,
            "normal.ini: [page] width_mm must lie between 100 and 420");
    g_key_file_free(kf);
}

/* A required key that is absent or blank is missing; an optional one takes its default. */
static void test_missing(void)
{
    GKeyFile *kf = parse("[font]\nfamily=  \n");
    char *err = NULL, *v;
    struct conf c = {kf, "eco.ini", NULL, &err};
    double d = 0;

    g_assert_null(conf_required(&c, "font", "family"));
    refused(-1, &err, "eco.ini: [font] family is missing");
    refused(conf_number(&c, "font", "size_pt", NAN, 10, 12, &d), &err,
            "eco.ini: [font] size_pt is missing");
    g_assert_cmpint(conf_number(&c, "font", "line_spacing", 1.15, 1, 1.5, &d), ==, 0);
    g_assert_cmpfloat(d, ==, 1.15);
    v = conf_string(&c, "nothing", "here");
    g_assert_null(v);
    g_assert_null(err);
    g_key_file_free(kf);
}

/* The first error is kept; later ones are dropped (error_keep frees them). */
static void test_first_error(void)
{
    GKeyFile *kf = parse("[limits]\nmax_pages=x\nmax_zip_ratio=1\n");
    char *err = NULL;
    struct conf c = {kf, "config", NULL, &err};
    int n;

    g_assert_cmpint(conf_get_int(&c, "limits", "max_pages", &n), ==, -1);
    g_assert_cmpint(conf_get_int(&c, "limits", "max_zip_ratio", &n), ==, -1);
    g_assert_cmpstr(err, ==, "config: [limits] max_pages must be a whole number from 1 to 100000");
    g_assert_cmpint(error_first(&err, "later %d", 2), ==, -1);
    g_assert_cmpint(error_keep(&err, g_strdup("later")), ==, -1);
    g_assert_nonnull(strstr(err, "max_pages"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(error_keep(&err, g_strdup("first")), ==, -1);
    g_assert_cmpstr(err, ==, "first");
    g_free(err);
    g_key_file_free(kf);
}

/* With no file every key of the table reads as its default. */
static void test_defaults(void)
{
    char *err = NULL;
    struct conf c = {NULL, NULL, NULL, &err};
    const struct conf_key *k;
    int n = -1;
    bool b = false;

    for (k = conf_keys; k->key; k++) {
        const char *section = strcmp(k->section, "sender.*") == 0 ? "sender.910000001"
                                                                  : k->section;
        char *v = conf_get_string(&c, section, k->key);

        g_assert_cmpstr(v, ==, k->def);
        g_free(v);
        if (k->type == CONF_INT) {
            g_assert_cmpint(conf_get_int(&c, section, k->key, &n), ==, 0);
            g_assert_cmpint(n, ==, atoi(k->def));
            g_assert_cmpint(n, >=, k->min);
            g_assert_cmpint(n, <=, k->max);
        } else if (k->type == CONF_CHOICE) {
            g_assert_cmpint(conf_get_choice(&c, section, k->key, &n), ==, 0);
            g_assert_cmpint(n, ==, 0);
            g_assert_true(g_str_has_prefix(k->words, k->def));
        } else if (k->type == CONF_BOOL) {
            g_assert_cmpint(conf_get_bool(&c, section, k->key, &b), ==, 0);
            g_assert_true(b == (strcmp(k->def, "true") == 0));
        }
    }
    g_assert_cmpint(conf_get_time(&c, "render", "cutoff", &n), ==, 0);
    g_assert_cmpint(n, ==, 20 * 60);
    g_assert_null(err);
}

/* Paths are relative to the file's directory; absolute paths and URIs are kept. */
static void test_paths(void)
{
    GKeyFile *kf = parse("[provider]\nkey=keys/k.pem\ncert=/etc/c.pem\n"
                         "sign_key=pkcs11:token=T;object=k\n");
    char *err = NULL, *v;
    struct conf c = {kf, NULL, "/srv/trykk", &err};

    v = conf_get_string(&c, "provider", "key");
    g_assert_cmpstr(v, ==, "/srv/trykk/keys/k.pem");
    g_free(v);
    v = conf_get_string(&c, "provider", "cert");
    g_assert_cmpstr(v, ==, "/etc/c.pem");
    g_free(v);
    v = conf_get_string(&c, "provider", "sign_key");
    g_assert_cmpstr(v, ==, "pkcs11:token=T;object=k");
    g_free(v);
    g_key_file_free(kf);
}

static const char *const init_args[] = {"910000009", "keys/provider-key.pem",
                                        "keys/provider-cert.pem", "anchors", "/srv/spool"};

/* The written trykk.conf parses, sets what it writes, and reads as the table's defaults. */
static void test_written(void)
{
    char *text = conf_text(init_args, 5), *err = NULL;
    GKeyFile *kf = parse(text);
    struct conf c = {kf, "trykk.conf", "/srv", &err};
    const struct conf_key *k;
    int i = 0, n;

    for (k = conf_keys; k->key; k++) {
        const char *section = strcmp(k->section, "sender.*") == 0 ? "sender.910000001"
                                                                  : k->section;
        char *v = conf_string(&c, section, k->key);

        if (k->write == CONF_WRITE_ARG)
            g_assert_cmpstr(v, ==, init_args[i++]);
        else if (k->write == CONF_WRITE_SET)
            g_assert_cmpstr(v, ==, k->def);
        else
            g_assert_null(v);
        g_free(v);
        if (k->type == CONF_INT) {
            g_assert_cmpint(conf_get_int(&c, section, k->key, &n), ==, 0);
            g_assert_cmpint(n, ==, atoi(k->def));
        }
        if (k->comment && k->write != CONF_WRITE_NOT) {
            char **lines = g_strsplit(k->comment, "\n", -1), **l;
            for (l = lines; *l; l++) {
                char *line = g_strdup_printf("# %s\n", *l);
                g_assert_nonnull(strstr(text, line));
                g_free(line);
            }
            g_strfreev(lines);
        }
    }
    g_assert_cmpint(i, ==, 5);
    g_assert_null(err);
    g_key_file_free(kf);
    g_free(text);
}

/* Byte for byte the file `trykk init` wrote before the table (tests/unit/trykk-init.conf,
 * written by the old cli/config.c text): every setting and comment is kept. */
static void test_written_unchanged(void)
{
    static const char *const args[] = {"910000009", "keys/k.pem", "keys/c.pem", "anchors",
                                       "/x/spool"};
    char *text = conf_text(args, 5), *want = NULL;

    g_assert_true(g_file_get_contents(TRYKK_SOURCE_DIR "/tests/unit/trykk-init.conf", &want,
                                      NULL, NULL));
    g_assert_cmpstr(text, ==, want);
    g_free(want);
    g_free(text);
}

/* The commented-out examples of the written file are valid values when uncommented. */
static void test_written_examples(void)
{
    char *text = conf_text(init_args, 5), *err = NULL, **lines = g_strsplit(text, "\n", -1);
    GString *open = g_string_new(NULL);
    GKeyFile *kf;
    struct conf c = {NULL, "trykk.conf", "/srv", &err};
    int i, n;
    bool b;

    for (i = 0; lines[i]; i++) {
        const char *l = lines[i];
        bool example = l[0] == '#' && l[1] != ' ';

        if (!g_str_has_prefix(l, "#logo=")) /* the logo file would have to exist */
            g_string_append_printf(open, "%s\n", example ? l + 1 : l);
    }
    kf = parse(open->str);
    c.kf = kf;
    g_assert_cmpint(conf_get_int(&c, "ea", "service_level", &n), ==, 0);
    g_assert_cmpint(conf_get_int(&c, "handover", "small_per_tray", &n), ==, 0);
    g_assert_cmpint(n, ==, 400);
    g_assert_cmpint(conf_get_choice(&c, "sender.910000001", "layout", &n), ==, 0);
    g_assert_cmpint(n, ==, 1);
    g_assert_cmpint(conf_get_bool(&c, "sender.910000001", "c4", &b), ==, 0);
    g_assert_null(err);
    g_key_file_free(kf);
    g_string_free(open, TRUE);
    g_strfreev(lines);
    g_free(text);
}

/* The print and costs setup read from a freshly written file are the table's defaults. */
static void test_written_setup(void)
{
    char *text = conf_text(init_args, 5), *err = NULL;
    GKeyFile *kf = parse(text);
    struct print_setup ps;

    g_assert_cmpint(print_setup_load(&ps, kf, "/srv", &err), ==, 0);
    g_assert_null(err);
    g_assert_cmpint(ps.max_job_sheets, ==, 5000);
    g_assert_cmpint(ps.max_job_letters, ==, 500);
    g_assert_cmpint(ps.sheet_weight_mg, ==, 5000);
    g_assert_cmpint(ps.manual_packaging_mg, ==, 0);
    g_assert_cmpint(ps.reprint_max_percent, ==, 5);
    g_assert_cmpint(ps.cutoff_minutes, ==, 20 * 60);
    g_assert_cmpint(ps.ea_level, ==, 2);
    g_assert_cmpstr(ps.ea_agreement, ==, "");
    g_assert_cmpint(ps.costs.mva_bp, ==, 2500);
    g_assert_true(ps.c5.window);
    print_setup_free(&ps);
    g_key_file_free(kf);
    g_free(text);
}

/* A print setup error names the section and key (one format for every reader). */
static void test_setup_errors(void)
{
    static const char *const cases[][2] = {
        {"[render]\ncutoff=25:00\n", "config: [render] cutoff must be a time of day as HH:MM"},
        {"[ea]\nservice_level=4\n", "config: [ea] service_level must be a whole number from 0 to 3"},
        {"[costs]\nmva_percent=101\n", "config: [costs] mva_percent must be a whole number"},
        {"[sender.910000001]\nlayout=wide\n", "config: [sender.910000001] layout must be normal "
                                              "or eco"},
        {"[sender.91000000]\n", "config: [sender.91000000] needs a 9-digit organisation number"},
        {"[sender.910000001]\nc4=yes\n", "config: [sender.910000001] c4 must be false, true, 0 "
                                          "or 1"},
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        GKeyFile *kf = parse(cases[i][0]);
        char *err = NULL;
        struct print_setup ps;

        g_assert_cmpint(print_setup_load(&ps, kf, "/srv", &err), ==, -1);
        g_test_message("%s", err);
        g_assert_true(g_str_has_prefix(err, cases[i][1]));
        g_free(err);
        g_key_file_free(kf);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* the getters, on any file */
    g_test_add_func("/conf/range", test_range);
    g_test_add_func("/conf/bad-numbers", test_bad_numbers);
    g_test_add_func("/conf/number-range", test_number_range);
    g_test_add_func("/conf/missing", test_missing);
    g_test_add_func("/conf/first-error", test_first_error);
    /* trykk.conf by its table */
    g_test_add_func("/conf/defaults", test_defaults);
    g_test_add_func("/conf/paths", test_paths);
    g_test_add_func("/conf/setup-errors", test_setup_errors);
    /* the file trykk init writes */
    g_test_add_func("/conf/written", test_written);
    g_test_add_func("/conf/written-unchanged", test_written_unchanged);
    g_test_add_func("/conf/written-examples", test_written_examples);
    g_test_add_func("/conf/written-setup", test_written_setup);
    return g_test_run();
}

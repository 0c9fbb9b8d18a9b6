/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_hostile_core.c - hostile input against the engine itself: message ids that try to
 * take another letter's place, packages that try to reserve one, entries that kill the
 * verifying child or the engine, strays in active/, and feil receipts for forgeries.
 *
 * Every case asserts where each entry ended (exactly one terminal place), its reason code
 * and receipt, and that a good letter dropped behind the bad one was accepted in the same run.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <zlib.h>
#include <glib/gstdio.h>
#include "common/fixture.h"
#include "pipeline/pipeline.h"
#include "util/util.h"

static const char *const run[] = {"run", NULL};
#if defined(__SANITIZE_ADDRESS__)
static const bool asan = true; /* the child gets no memory limit under AddressSanitizer */
#else
static const bool asan = false;
#endif

/* The letter of a broker entry: its state, reason, place and receipts, checked at once. */
static json_t *expect(struct fixture *f, const char *entry, const char *state, const char *reason,
                      const char *place)
{
    json_t *l = fx_letter_by_entry(f, entry);
    const char *id;

    g_assert_nonnull(l);
    id = json_string_value(json_object_get(l, "id"));
    g_assert_cmpstr(fx_intake_state(l), ==, state);
    g_assert_cmpstr(json_string_value(json_object_get(l, "reason")), ==, reason);
    g_assert_cmpstr(fx_place_of(f, id), ==, place);
    return l;
}

static bool has_receipt(struct fixture *f, json_t *l, const char *type)
{
    char *p = g_strdup_printf("%s/outbox/%s.%s.jwt", f->spool,
                              json_string_value(json_object_get(l, "id")), type);
    bool yes = g_file_test(p, G_FILE_TEST_EXISTS);

    g_free(p);
    return yes;
}

static void drained(struct fixture *f)
{
    g_assert_cmpint(fx_count_dir(f, "incoming"), ==, 0);
    g_assert_cmpint(fx_count_dir(f, "active"), ==, 0);
}

/* ---- message ids ------------------------------------------------------------------------ */

#define MID "7d1c0a52-3f4e-4b8a-9c2d-1e0f3a4b5c6d"

/* A planned letter holds its message id; nothing another message does under that id may
 * delete it, replace it or stop the run. */
static void test_reserved_id(void)
{
    struct fixture f;
    struct forge_letter l;
    char *jwt = NULL;
    struct bytes cms;
    json_t *first, *o;

    fx_init(&f, NULL);
    fx_letter(&f, &l);
    l.message_id = MID;
    g_assert_cmpint(forge_letter_build(&l, &jwt, &cms), ==, 0);
    fx_drop(&f, "first", 'b', jwt, &cms);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 0);
    first = expect(&f, "first", "ACCEPTED", NULL, "accepted");
    g_assert_cmpstr(json_string_value(json_object_get(first, "state")), ==, "PLANNED");

    l.receiver_orgnr = "987654321"; /* authentic, but not for us */
    fx_drop_letter(&f, "wrong-receiver", 'b', &l);
    l.receiver_orgnr = FX_PROVIDER;
    fx_drop_letter(&f, "reused", 'a', &l); /* authentic, another package under the id */
    fx_drop(&f, "repeat", 'a', jwt, &cms);  /* the same message again */
    l.message_id = NULL;
    fx_drop_letter(&f, "good", 'b', &l);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    drained(&f);

    o = expect(&f, "wrong-receiver", "FAILED", "wrong-receiver", "failed");
    g_assert_true(has_receipt(&f, o, "feil"));
    json_decref(o);
    o = expect(&f, "reused", "FAILED", "message-id-reused", "failed");
    g_assert_false(has_receipt(&f, o, "feil"));
    json_decref(o);
    o = expect(&f, "repeat", "FAILED", "duplicate-message-id", "failed");
    g_assert_cmpstr(json_string_value(json_object_get(o, "duplicate_of")), ==,
                    json_string_value(json_object_get(first, "id")));
    g_assert_false(has_receipt(&f, o, "feil"));
    json_decref(o);
    json_decref(expect(&f, "good", "ACCEPTED", NULL, "accepted"));
    json_decref(first);
    first = expect(&f, "first", "ACCEPTED", NULL, "accepted"); /* still there, still planned */
    g_assert_cmpstr(json_string_value(json_object_get(first, "state")), ==, "PLANNED");
    g_assert_true(has_receipt(&f, first, "mottakskvittering"));
    json_decref(first);
    g_free(jwt);
    bytes_free(&cms);
    fx_free(&f);
}

/* A genuine business message replayed with another package (or read half-written) fails on
 * its fingerprint and reserves nothing: the genuine letter behind it is accepted. */
static void test_fingerprint_reserves_nothing(void)
{
    struct fixture f;
    struct forge_letter l;
    char *jwt = NULL, *other_jwt = NULL;
    struct bytes cms, other;

    fx_init(&f, NULL);
    fx_letter(&f, &l);
    l.message_id = MID;
    g_assert_cmpint(forge_letter_build(&l, &jwt, &cms), ==, 0);
    l.message_id = NULL;
    g_assert_cmpint(forge_letter_build(&l, &other_jwt, &other), ==, 0);
    fx_drop(&f, "replay", 'b', jwt, &other);
    fx_drop(&f, "genuine", 'b', jwt, &cms);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    drained(&f);
    json_decref(expect(&f, "replay", "FAILED", "fingerprint-mismatch", "failed"));
    json_decref(expect(&f, "genuine", "ACCEPTED", NULL, "accepted"));
    g_free(jwt);
    g_free(other_jwt);
    bytes_free(&cms);
    bytes_free(&other);
    fx_free(&f);
}

/* An Id attribute in another namespace is an ID to xmlsec but not to the profile's checks:
 * a signature that carries one is refused, so the SignedProperties checked is the one
 * digested. */
static void test_namespaced_id(void)
{
    struct fixture f;
    struct forge_letter l;
    json_t *o;

    fx_init(&f, NULL);
    fx_letter(&f, &l);
    l.namespaced_id = true;
    fx_drop_letter(&f, "wrapped", 'b', &l);
    l.namespaced_id = false;
    fx_drop_letter(&f, "good", 'b', &l);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    drained(&f);
    o = expect(&f, "wrapped", "FAILED", "xades-invalid", "failed");
    g_assert_true(has_receipt(&f, o, "feil"));
    json_decref(o);
    json_decref(expect(&f, "good", "ACCEPTED", NULL, "accepted"));
    fx_free(&f);
}

/* ---- the bounded child ------------------------------------------------------------------- */

static void deflate_spaces(z_stream *z, GByteArray *out, size_t n)
{
    static unsigned char in[1 << 16], buf[1 << 16];

    memset(in, ' ', sizeof in);
    while (n > 0 || z->avail_in) {
        size_t take = MIN(n, sizeof in);
        int flush = n == take ? Z_FINISH : Z_NO_FLUSH;
        z->next_in = in;
        z->avail_in = (uInt)take;
        n -= take;
        do {
            z->next_out = buf;
            z->avail_out = sizeof buf;
            g_assert_cmpint(deflate(z, flush), !=, Z_STREAM_ERROR);
            g_byte_array_append(out, buf, (guint)(sizeof buf - z->avail_out));
        } while (z->avail_out == 0);
        if (flush == Z_FINISH)
            break;
    }
}

static void append(GByteArray *a, const char *s) { g_byte_array_append(a, (const guint8 *)s, (guint)strlen(s)); }

static void xref_row(GByteArray *a, int type, guint32 f2, guint16 f3)
{
    guint8 row[7] = {(guint8)type, (guint8)(f2 >> 24), (guint8)(f2 >> 16), (guint8)(f2 >> 8),
                     (guint8)f2, (guint8)(f3 >> 8), (guint8)f3};

    g_byte_array_append(a, row, sizeof row);
}

/* A PDF 1.5 whose page tree lives in an object stream that inflates to `inflated` bytes. */
static void objstm_bomb(size_t inflated, struct bytes *out)
{
    const char *objs = "<</Type/Pages/Kids[3 0 R]/Count 1>> "
                       "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>";
    char *head = g_strdup_printf("2 0 3 %zu ", strlen("<</Type/Pages/Kids[3 0 R]/Count 1>> "));
    GByteArray *a = g_byte_array_new(), *z_out = g_byte_array_new();
    z_stream z = {0};
    guint32 off1, off4, off5;
    char *s;

    g_assert_cmpint(deflateInit(&z, 9), ==, Z_OK);
    {
        GByteArray *plain = g_byte_array_new();
        append(plain, head);
        append(plain, objs);
        z.next_in = plain->data;
        z.avail_in = plain->len;
        deflate_spaces(&z, z_out, inflated);
        g_byte_array_free(plain, TRUE);
    }
    deflateEnd(&z);
    append(a, "%PDF-1.5\n");
    off1 = a->len;
    append(a, "1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n");
    off4 = a->len;
    s = g_strdup_printf("4 0 obj <</Type/ObjStm/N 2/First %zu/Filter/FlateDecode/Length %u>>\nstream\n",
                        strlen(head), z_out->len);
    append(a, s);
    g_free(s);
    g_byte_array_append(a, z_out->data, z_out->len);
    append(a, "\nendstream endobj\n");
    off5 = a->len;
    append(a, "5 0 obj <</Type/XRef/Size 6/W[1 4 2]/Root 1 0 R/Length 42>>\nstream\n");
    xref_row(a, 0, 0, 0xffff);
    xref_row(a, 1, off1, 0);
    xref_row(a, 2, 4, 0);
    xref_row(a, 2, 4, 1);
    xref_row(a, 1, off4, 0);
    xref_row(a, 1, off5, 0);
    s = g_strdup_printf("\nendstream endobj\nstartxref\n%u\n%%%%EOF\n", off5);
    append(a, s);
    g_free(s);
    out->len = a->len;
    out->data = g_byte_array_free(a, FALSE);
    g_byte_array_free(z_out, TRUE);
    g_free(head);
}

static long children_maxrss_mib(void)
{
    struct rusage ru;

    getrusage(RUSAGE_CHILDREN, &ru);
    return ru.ru_maxrss / 1024;
}

/* An object stream that inflates to 1 GiB: the child meets its memory limit, the entry
 * fails with a reason, the letter behind it is accepted, and nothing grew past 512 MB. */
static void test_object_stream_bomb(void)
{
    struct fixture f;
    struct forge_letter l;
    struct bytes pdf;
    json_t *o;
    const char *reason;

    fx_init(&f, NULL);
    objstm_bomb((size_t)1 << 30, &pdf);
    fx_letter(&f, &l);
    l.pdf.raw = &pdf;
    l.store_documents = true; /* the zip would see the ratio; the PDF is the bomb here */
    fx_drop_letter(&f, "bomb", 'b', &l);
    l.pdf.raw = NULL;
    fx_drop_letter(&f, "good", 'b', &l);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    drained(&f);
    o = fx_letter_by_entry(&f, "bomb");
    g_assert_nonnull(o);
    g_assert_cmpstr(fx_intake_state(o), ==, "FAILED");
    reason = json_string_value(json_object_get(o, "reason"));
    g_test_message("bomb: %s: %s", reason, json_string_value(json_object_get(o, "detail")));
    g_assert_true(strcmp(reason, "resource-limit") == 0 || g_str_has_prefix(reason, "pdf-"));
    g_assert_true(has_receipt(&f, o, "feil"));
    json_decref(o);
    json_decref(expect(&f, "good", "ACCEPTED", NULL, "accepted"));
    g_test_message("peak RSS of a child: %ld MiB", children_maxrss_mib());
    if (!asan)
        g_assert_cmpint(children_maxrss_mib(), <, 512);
    bytes_free(&pdf);
    fx_free(&f);
}

/* A package too big for the child's memory: killed or refused, never the run. Phase one
 * (message and fingerprint) holds the 40 MiB package once; phase two (decrypt, unzip) needs
 * well over 128 MiB. The limit sits between them: at 64 MiB phase one itself sometimes ran
 * out under a loaded machine (the letter was then quarantined, not failed). */
static void test_child_memory_limit(void)
{
    struct fixture f;
    struct forge_letter l;
    json_t *o;

    if (asan) {
        g_test_skip("no memory limit for the child under AddressSanitizer");
        return;
    }
    fx_init(&f, "max_package_mib=60\nworker_memory_mib=96\n");
    fx_letter(&f, &l);
    l.pad_bytes = 40u << 20;
    fx_drop_letter(&f, "large", 'b', &l);
    l.pad_bytes = 0;
    fx_drop_letter(&f, "good", 'b', &l);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    drained(&f);
    o = expect(&f, "large", "FAILED", "resource-limit", "failed");
    g_assert_true(has_receipt(&f, o, "feil"));
    json_decref(o);
    json_decref(expect(&f, "good", "ACCEPTED", NULL, "accepted"));
    fx_free(&f);
}

/* The terminal place, state and reason of every entry, one line each, by entry name. */
static char *outcomes(struct fixture *f, const char *const *names, size_t n)
{
    GString *s = g_string_new(NULL);
    size_t i;

    for (i = 0; i < n; i++) {
        json_t *o = fx_letter_by_entry(f, names[i]);
        const char *id;
        g_assert_nonnull(o);
        id = json_string_value(json_object_get(o, "id"));
        g_string_append_printf(s, "%s %s %s %s\n", names[i], fx_intake_state(o),
                               json_string_value(json_object_get(o, "reason")) ?: "-",
                               fx_place_of(f, id));
        json_decref(o);
    }
    return g_string_free(s, FALSE);
}

/* One spool's worth of letters, good and bad, through W children at once. */
static char *run_with_workers(int w)
{
    static const char *const names[] = {"a-good", "b-dup", "c-large", "d-good", "e-reused",
                                        "f-junk", "g-good", "h-good", "i-letter", "j-good"};
    char *conf = g_strdup_printf("max_package_mib=60\nworker_memory_mib=96\nworkers=%d\n", w);
    char *summary, *jwt = NULL;
    struct fixture f;
    struct forge_letter l, orig;
    struct bytes cms;

    fx_init(&f, conf);
    fx_letter(&f, &orig);
    orig.message_id = "6f1c2a6e-0b1d-4c35-9d7e-1a2b3c4d5e6f";
    g_assert_cmpint(forge_letter_build(&orig, &jwt, &cms), ==, 0);
    fx_drop(&f, names[0], 'b', jwt, &cms);
    fx_drop(&f, names[1], 'b', jwt, &cms); /* the same message again */
    g_free(jwt);
    bytes_free(&cms);
    fx_letter(&f, &l);
    l.pad_bytes = 40u << 20; /* its child meets the memory limit (child-memory-limit) */
    fx_drop_letter(&f, names[2], 'b', &l);
    fx_letter(&f, &l);
    fx_drop_letter(&f, names[3], 'a', &l);
    l.message_id = orig.message_id; /* another message under the first one's id */
    l.pdf.pages = 2;
    fx_drop_letter(&f, names[4], 'b', &l);
    fx_drop(&f, names[5], 'b', "not a jwt", &(struct bytes){(unsigned char *)"junk", 4});
    fx_letter(&f, &l);
    fx_drop_letter(&f, names[6], 'b', &l);
    fx_letter(&f, &l);
    fx_drop_letter(&f, names[7], 'a', &l);
    fx_letter(&f, &l);
    l.pdf.width_mm = 215.9; /* US Letter: failed */
    l.pdf.height_mm = 279.4;
    fx_drop_letter(&f, names[8], 'b', &l);
    fx_letter(&f, &l);
    fx_drop_letter(&f, names[9], 'b', &l);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    drained(&f);
    summary = outcomes(&f, names, G_N_ELEMENTS(names));
    fx_free(&f);
    g_free(conf);
    return summary;
}

/* Two children at once end every entry where one child at a time does, for the same reason,
 * duplicates and a child killed by its memory limit included. */
static void test_workers_same_outcome(void)
{
    char *one, *two;

    if (asan) {
        g_test_skip("no memory limit for the child under AddressSanitizer");
        return;
    }
    one = run_with_workers(1);
    two = run_with_workers(2);
    g_test_message("workers=1:\n%s", one);
    g_assert_nonnull(strstr(one, "b-dup FAILED duplicate-message-id"));
    g_assert_nonnull(strstr(one, "e-reused FAILED message-id-reused"));
    g_assert_nonnull(strstr(one, "c-large FAILED resource-limit"));
    g_assert_nonnull(strstr(one, "f-junk QUARANTINED"));
    g_assert_cmpstr(one, ==, two);
    g_free(one);
    g_free(two);
}

/* The confined child can read and report, but cannot write a file, open a socket, run a
 * program or start a process. Each refused operation sets one bit of the exit status. */
static int try_escape(void)
{
    char *path = g_build_filename(g_get_tmp_dir(), "trykk-escape-XXXXXX", NULL);
    int bits = 0, fd;

    if ((fd = open("/etc/hostname", O_RDONLY)) >= 0)
        close(fd);
    else
        bits |= 64; /* reading must still work */
    if (open(path, O_WRONLY | O_CREAT | O_EXCL, 0600) < 0 && errno == EPERM)
        bits |= 1;
    if (socket(AF_INET, SOCK_STREAM, 0) < 0 && errno == EPERM)
        bits |= 2;
    if (fork() < 0 && errno == EPERM)
        bits |= 4;
    execl("/bin/true", "true", (char *)NULL);
    if (errno == EPERM)
        bits |= 8;
    if (unlink("/tmp") < 0 && errno == EPERM)
        bits |= 16;
    if (write(3, "x", 1) == 1)
        bits |= 32;
    g_free(path);
    return bits;
}

static void test_child_confined(void)
{
    struct isolate_limits lim = {256u << 20, 10, 0};
    int fds[2], status;
    pid_t pid;

    g_assert_cmpint(pipe(fds), ==, 0);
    pid = fork();
    if (pid == 0) {
        if (isolate_confine(&lim, fds[1]) < 0)
            _exit(255);
        _exit(try_escape());
    }
    close(fds[1]);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    close(fds[0]);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1 | 2 | 4 | 8 | 16 | 32);
}

/* ---- recovery ---------------------------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    g_chmod(path, 0600);
}

/* Something in active/ that no letter claimed: quarantined, never deleted, never blocking. */
static void test_stray_in_active(void)
{
    struct fixture f;
    struct forge_letter l;
    char *stray = NULL, *p;
    json_t *o;

    fx_init(&f, NULL);
    p = g_build_filename(f.spool, "active", "notes.txt", NULL);
    write_file(p, "left by an operator");
    g_free(p);
    fx_letter(&f, &l);
    fx_drop_letter(&f, "good", 'b', &l);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    drained(&f);
    json_decref(expect(&f, "good", "ACCEPTED", NULL, "accepted"));
    o = fx_letter_by_entry(&f, "notes.txt");
    g_assert_nonnull(o);
    g_assert_cmpstr(json_string_value(json_object_get(o, "reason")), ==, "active-stray");
    g_assert_cmpstr(fx_place_of(&f, json_string_value(json_object_get(o, "id"))), ==, "quarantine");
    stray = g_strdup_printf("%s/quarantine/%s", f.spool, json_string_value(json_object_get(o, "id")));
    p = fx_read(stray);
    g_assert_cmpstr(p, ==, "left by an operator");
    g_free(p);
    g_free(stray);
    json_decref(o);
    fx_free(&f);
}

/* The text of the (only) reason file in quarantine/. */
static char *quarantine_reason(struct fixture *f)
{
    char *dir = g_build_filename(f->spool, "quarantine", NULL), *text = NULL;
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d)))
        if (g_str_has_suffix(n, ".reason")) {
            char *p = g_build_filename(dir, n, NULL);
            text = fx_read(p);
            g_free(p);
        }
    if (d)
        g_dir_close(d);
    g_free(dir);
    return text;
}

/* The first run that leaves the entry in active/ (killed after the claim, before a commit). */
static void crash_after_claim(struct fixture *f)
{
    int k;

    for (k = 1; k < 50 && fx_count_dir(f, "active") == 0; k++) {
        char *at = g_strdup_printf("%d", k);
        const char *env[] = {"TRYKK_CRASH_AT", at, NULL};
        g_assert_cmpint(fx_trykk(f, NULL, run, env), ==, 137);
        g_free(at);
    }
    g_assert_cmpint(fx_count_dir(f, "active"), ==, 1);
}

/* An entry that took the engine down twice is quarantined the third time it is found. */
static void test_worker_crash_twice(void)
{
    struct fixture f;
    struct forge_letter l;
    const char *crash1[] = {"TRYKK_CRASH_AT", "1", NULL};
    char *text;

    fx_init(&f, NULL);
    fx_letter(&f, &l);
    fx_drop_letter(&f, "deadly", 'b', &l);
    crash_after_claim(&f);
    /* the retry under the same id dies at its first fault point (its commit) */
    g_assert_cmpint(fx_trykk(&f, NULL, run, crash1), ==, 137);
    g_assert_cmpint(fx_count_dir(&f, "active"), ==, 1);
    fx_drop_letter(&f, "good", 'b', &l);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    drained(&f);
    json_decref(expect(&f, "good", "ACCEPTED", NULL, "accepted"));
    g_assert_cmpint(fx_count_dir(&f, "quarantine"), ==, 2); /* the entry and its reason */
    text = quarantine_reason(&f);
    g_assert_nonnull(strstr(text, "reason: worker-crash\n"));
    g_free(text);
    fx_free(&f);
}

/* ---- receipts to forgeries ----------------------------------------------------------------- */

/* A message whose signature fails, with a 700 KB businessScope: the feil it gets carries only
 * the ConversationId scope, is small and is valid against the feil schema. */
static void test_feil_to_forgery(void)
{
    struct fixture f;
    struct forge_letter l;
    char *jwt = NULL, *pad = g_strnfill(700 * 1024, 'A'), *forged, *path, *text;
    struct bytes cms;
    json_t *msg, *scopes, *o;
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);

    fx_init(&f, NULL);
    fx_letter(&f, &l);
    l.avsenderidentifikator = "ident-of-sender";
    g_assert_cmpint(forge_letter_build(&l, &jwt, &cms), ==, 0);
    msg = forge_message_json(&l, &cms);
    scopes = json_object_get(json_object_get(json_object_get(json_object_get(msg,
        "standardBusinessDocument"), "standardBusinessDocumentHeader"), "businessScope"), "scope");
    json_array_append_new(scopes, json_pack("{s:s, s:s}", "type", "Padding", "identifier", pad));
    forged = forge_sign_message(msg, l.signer, "RS256");
    forged[strlen(forged) - 2] = forged[strlen(forged) - 2] == 'A' ? 'B' : 'A';
    fx_drop(&f, "forged", 'b', forged, &cms);
    g_assert_cmpint(fx_trykk(&f, NULL, run, NULL), ==, 1);
    o = expect(&f, "forged", "FAILED", "jwt-signature", "failed");
    path = g_strdup_printf("%s/outbox/%s.feil.jwt", f.spool,
                           json_string_value(json_object_get(o, "id")));
    text = fx_read(path);
    g_assert_nonnull(text);
    g_assert_cmpuint(strlen(text), <, 8192);
    g_ptr_array_add(files, path);
    g_assert_true(fx_receipts_valid(files));
    g_free(text);
    g_ptr_array_free(files, TRUE);
    json_decref(o);
    json_decref(msg);
    g_free(forged);
    g_free(pad);
    g_free(jwt);
    bytes_free(&cms);
    fx_free(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hostile/core/reserved-id-untouched", test_reserved_id);
    g_test_add_func("/hostile/core/fingerprint-reserves-nothing", test_fingerprint_reserves_nothing);
    g_test_add_func("/hostile/core/namespaced-id", test_namespaced_id);
    g_test_add_func("/hostile/core/object-stream-bomb", test_object_stream_bomb);
    g_test_add_func("/hostile/core/child-memory-limit", test_child_memory_limit);
    g_test_add_func("/hostile/core/workers-same-outcome", test_workers_same_outcome);
    g_test_add_func("/hostile/core/child-confined", test_child_confined);
    g_test_add_func("/hostile/core/stray-in-active", test_stray_in_active);
    g_test_add_func("/hostile/core/worker-crash-twice", test_worker_crash_twice);
    g_test_add_func("/hostile/core/feil-to-forgery", test_feil_to_forgery);
    return g_test_run();
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_render.c - intake and rendering throughput, normal and eco layouts.
 *
 *   build/tests/bench_render [N]      (default 500 letters per layout)
 *
 * Builds N realistic letters per layout (2-4 pages, an embedded font subset, vector
 * graphics, a CMYK image and a spot colour), drops them in a fresh spool, then times
 * `trykk run` (intake and planning; eco letters get their blank-field check here) and
 * `trykk job close --all` (decrypt again, compose, assemble, publish), and reports letters
 * per second and the peak RSS of each step. Not a test: numbers depend on the machine.
 */
#include <stdio.h>
#include <string.h>
#include "common/fixture.h"
#include "measure.h"

/* `trykk --config … ARGS`, its output dropped, measured. */
static struct measure timed(struct fixture *f, const char *const *args)
{
    const char *argv[16] = {TRYKK_BIN, "--config", f->conf};
    struct measure m;
    int i;

    for (i = 0; args[i] && i < 12; i++)
        argv[3 + i] = args[i];
    measure_run(argv, NULL, NULL, &m);
    return m;
}

static void bench(const char *mode, const char *extra, int n)
{
    struct fixture f;
    const char *run[] = {"run", NULL}, *close[] = {"job", "close", "--all", NULL};
    struct measure ti, tr;
    int i;

    fx_init(&f, extra);
    for (i = 0; i < n; i++) {
        struct forge_letter l;
        char name[32];
        fx_letter(&f, &l);
        l.navn = "Åse Øvrebø";
        l.adresse = "Storgata 1";
        l.postnummer = "0155";
        l.poststed = "OSLO";
        l.colour = i % 3 ? "SORT_HVIT" : "FARGE";
        l.posttype = i % 4 ? "B" : "A";
        l.pdf.pages = 2 + i % 3;
        l.pdf.press = true;
        g_snprintf(name, sizeof name, "bench-%05d", i);
        fx_drop_letter(&f, name, 'b', &l);
    }
    ti = timed(&f, run);
    {   /* how planning went: eco letters whose field was not blank fell back to normal */
        char *db = g_build_filename(f.spool, "ledger", "trykk.db", NULL), *err = NULL;
        struct ledger *l;
        GPtrArray *ids;
        if (ledger_open(&l, db, &err) == 0) {
            ids = ledger_ids_in_state(l, "PLANNED");
            if (ids->len) {
                json_t *o = ledger_letter(l, ids->pdata[0]);
                const char *why = json_string_value(json_object_get(o, "layout_reason"));
                printf("%-6s first letter planned as %s%s%s\n", mode,
                       json_string_value(json_object_get(o, "layout")), why ? ": " : "",
                       why ? why : "");
                json_decref(o);
            }
            g_ptr_array_free(ids, TRUE);
            ledger_close(l);
        }
        g_free(err);
        g_free(db);
    }
    tr = timed(&f, close);
    printf("%-6s %5d letters  intake+plan %6.2f s (%6.1f/s, peak %6ld MiB)  "
           "render+publish %6.2f s (%6.1f/s, peak %6ld MiB)  exit %d/%d\n", mode, n, ti.wall_s,
           n / ti.wall_s, ti.rss_kib / 1024, tr.wall_s, n / tr.wall_s, tr.rss_kib / 1024,
           ti.status, tr.status);
    fflush(stdout);
    fx_free(&f);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 500;

    if (n < 1) {
        fprintf(stderr, "usage: bench_render [LETTERS]\n");
        return 2;
    }
    bench("normal", "[render]\nmax_job_letters=500\n", n);
    bench("eco", "[render]\nmax_job_letters=500\n[sender." FX_SENDER "]\nlayout=eco\n", n);
    return 0;
}

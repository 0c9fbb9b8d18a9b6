/*
 * cmd_purge.c - trykk purge: remove personal data past its retention ([retention] days,
 * history_months). `trykk run --watch` runs it once a day.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

int retention_config(struct config *c, int *days, int *months, char **err)
{
    GError *ge = NULL;

    *days = g_key_file_get_integer(c->kf, "retention", "days", &ge);
    if (ge && ge->code == G_KEY_FILE_ERROR_INVALID_VALUE) {
        *err = g_strdup("config [retention] days: a whole number of days");
        g_error_free(ge);
        return -1;
    }
    if (ge)
        *days = 90;
    g_clear_error(&ge);
    *months = g_key_file_get_integer(c->kf, "retention", "history_months", &ge);
    if (ge && ge->code == G_KEY_FILE_ERROR_INVALID_VALUE) {
        *err = g_strdup("config [retention] history_months: a whole number of months");
        g_error_free(ge);
        return -1;
    }
    if (ge)
        *months = 24;
    g_clear_error(&ge);
    if (*days < 0 || *days > 3650 || *months < 1 || *months > 120) {
        *err = g_strdup("config [retention]: days from 0 to 3650, history_months from 1 to 120");
        return -1;
    }
    return 0;
}

int purge_print(struct engine *e, int days, int months)
{
    struct purge_stats st;
    int rc = purge_run(e, days, months, &st);

    printf("purge (%d days after dispatch, return or cancellation; history %d months): %d "
           "letters' personal data removed, %d packages, %d print files, %lld history events\n",
           days, months, st.letters, st.packages, st.job_files, st.events);
    return rc;
}

int cmd_purge(struct config *c, int argc, char **argv)
{
    struct engine e = {.spool.lock_fd = -1};
    char *err = NULL;
    int days, months, rc = EXIT_USAGE;

    if (argc != 1) {
        fprintf(stderr, "usage: trykk purge\n");
    } else if (retention_config(c, &days, &months, &err) < 0 || engine_setup(&e, c, &err) < 0) {
        fprintf(stderr, "trykk: %s\n", err);
        engine_teardown(&e);
    } else {
        rc = purge_print(&e, days, months) < 0 ? EXIT_LETTERS : 0;
        engine_teardown(&e);
        crypto_shutdown();
    }
    g_free(err);
    return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * datadir.c - where the shipped data (layouts/, fonts/) is at run time.
 *
 * An installed trykk finds it relative to its own binary: <bindir>/TRYKK_DATA_RELDIR
 * (../share/trykk), so an installation staged with DESTDIR or moved as a whole still finds
 * its data. A binary in the build tree, beside which that directory does not exist, uses the
 * source tree it was built from (TRYKK_SOURCE_DATA_DIR).
 */
#include "util.h"

const char *data_dir(void)
{
    static char *dir;
    char *self, *bindir, *installed;

    if (dir)
        return dir;
    self = g_file_read_link("/proc/self/exe", NULL);
    bindir = self ? g_path_get_dirname(self) : NULL;
    installed = bindir ? g_build_filename(bindir, TRYKK_DATA_RELDIR, NULL) : NULL;
    if (installed && g_file_test(installed, G_FILE_TEST_IS_DIR))
        dir = g_canonicalize_filename(installed, NULL);
    else
        dir = g_strdup(TRYKK_SOURCE_DATA_DIR);
    g_free(installed);
    g_free(bindir);
    g_free(self);
    return dir;
}

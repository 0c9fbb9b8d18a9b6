/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_demo.c - trykk demo [ARGS]: runs trykk-demo, the demo program, with the same arguments.
 *
 * The demo makes keys, certificates and signed forsendelser with the forge (the sender side,
 * for tests and the demo); the service binary contains none of it. The demo program is
 * looked for beside this binary (build/engine/trykk-demo in a build tree); an installation
 * has no demo (exit 2 with a message that says so).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

int cmd_demo(struct config *c, int argc, char **argv)
{
    char *self = g_file_read_link("/proc/self/exe", NULL);
    char *dir = self ? g_path_get_dirname(self) : g_strdup(".");
    char *prog = g_build_filename(dir, "trykk-demo", NULL);

    fflush(NULL);
    execv(prog, argv);
    fprintf(stderr, "trykk: the demo is a program of its own and %s cannot be run (%s); "
                    "build it from the source tree (./setup.sh demo)\n", prog, strerror(errno));
    g_free(prog);
    g_free(dir);
    g_free(self);
    return EXIT_USAGE;
}

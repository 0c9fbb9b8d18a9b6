/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c - trykk-demo [--dir DIR] [--letters N]: the demo as a program of its own.
 *
 * `trykk demo ARGS` runs this program from beside the trykk binary with the same arguments,
 * so its usage and messages speak of `trykk demo`.
 */
#include <locale.h>
#include <sys/stat.h>
#include "demo.h"

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    umask(077);
    crypto_watch_allocations(); /* as trykk does: the parser child's limit is recognised */
    g_set_prgname("trykk");
    log_set_level(LOG_INFO);
    argv[0] = (char *)"demo";
    return demo_run(argc, argv);
}

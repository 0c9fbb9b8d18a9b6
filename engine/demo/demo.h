/* SPDX-License-Identifier: Apache-2.0 */
/*
 * demo.h - trykk-demo, the demo program: a demo installation built with the forge and run
 * through the engine. A program of its own (like Postfix's test generators) so the service
 * binary `trykk` carries no sender-side code; `trykk demo` runs it (cli/cmd_demo.c).
 */
#ifndef TRYKK_DEMO_H
#define TRYKK_DEMO_H

#include "../cli/cli.h"

/* trykk demo [--dir DIR] [--letters N]; argv[0] is the command's name (demo.c). */
int demo_run(int argc, char **argv);
/* The demo after printing: reconcile, dispatch, a few returns, the receipts (life.c). */
int demo_after_print(struct engine *e, struct config *c, const char *dir);

#endif

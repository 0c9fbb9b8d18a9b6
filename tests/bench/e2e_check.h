/* SPDX-License-Identifier: Apache-2.0 */
/*
 * e2e_check.h - the end-to-end benchmark checks what came out, not only how long it took: a
 * run whose letters silently failed must fail.
 */
#ifndef TRYKK_BENCH_E2E_CHECK_H
#define TRYKK_BENCH_E2E_CHECK_H

/* trykk's outcome on spool after `run` and `job close --all`: every one of n letters
 * accepted and planned in layout, each exactly once a piece of a closed job, each exactly
 * once in a published job's pieces.csv, and each job.pdf as many pages as its pieces' sheets
 * have sides. 0, or -1 with what is wrong on stderr. */
int e2e_check_spool(const char *spool, int n, const char *layout);

/* The pipeline's outcome: exactly n PDFs in dir, each of pages pages. 0 or -1 (stderr). */
int e2e_check_pdfs(const char *dir, int n, int pages);

#endif

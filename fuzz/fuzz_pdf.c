/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_pdf.c - libFuzzer target: the PDF preflight (qpdf on the document in memory) with
 * the engine's defaults: a page tolerance of 10 mm and at most 500 pages.
 *
 * The eco blank-field check (render/blank.c) is not fuzzed here: it hands the PDF to a
 * pdftoppm child process, which is not instrumented (no coverage feedback), costs a fork and
 * exec per input, and leaves the engine only a PGM reader of that child's output.
 */
#include "fuzz.h"
#include "render/render.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bytes pdf = {(unsigned char *)data, size};
    struct pdf_info info;
    struct reason r = {0};
    const struct pdf_limits lim = {10.0, 500, 0, 0};

    if (pdf_preflight(&pdf, &lim, &info, &r) == 0)
        fuzz_note_ok();
    return 0;
}

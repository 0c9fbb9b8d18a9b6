/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_report - libFuzzer target: the engine's reading of a verifying child's report
 * (pipeline/wire.c). The child parses hostile input and may be taken over, so its report is
 * hostile input too: every member is type-checked, and nothing it says may crash the engine.
 */
#include <jansson.h>
#include "fuzz.h"
#include "pipeline/pipeline.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *o = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    struct decision d;

    if (!o)
        return 0;
    if (decision_parse(&d, o) == 0)
        fuzz_note_ok();
    decision_free(&d);
    return 0;
}

/* fuzz/fuzz_json.c - libFuzzer target: the input is one JSON extract. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kl_fuzz_input_t in = {"fuzz.json", data, size};
    /* the last byte's low bit picks --resolve-names: both paths get fuzzed */
    kl_fuzz_run(&in, 1, KL_LOAD_JSON, size ? data[size - 1] & 1 : 0);
    return 0;
}

/* fuzz/fuzz_ndjson.c - libFuzzer target: the input is one NDJSON file. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kl_fuzz_input_t in = {"fuzz.ndjson", data, size};
    kl_fuzz_run(&in, 1, KL_LOAD_NDJSON, size ? data[size - 1] & 1 : 0);
    return 0;
}

/* fuzz/fuzz_csv.c - libFuzzer target: the input is a CSV set, its tables
 * separated by a line "--8<--": entities.csv, relations.csv, regions.csv,
 * sources.csv in that order (later ones may be missing).  They are loaded
 * in byte order of their names, as a folder is. */
#include "fuzz_common.h"

#define SEP "\n--8<--\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[4] = {"entities.csv", "relations.csv", "regions.csv", "sources.csv"};
    kl_fuzz_input_t part[4];
    size_t n = 0, pos = 0, sep = sizeof SEP - 1;
    while (n < 4) {
        const uint8_t *p = NULL;
        if (n < 3 && size - pos >= sep)
            p = memmem(data + pos, size - pos, SEP, sep);
        size_t end = p ? (size_t)(p - data) : size;
        part[n] = (kl_fuzz_input_t){names[n], data + pos, end - pos};
        n++;
        if (!p)
            break;
        pos = end + sep;
    }
    /* byte order of names: entities, regions, relations, sources */
    static const size_t order[4] = {0, 2, 1, 3};
    kl_fuzz_input_t in[4];
    size_t k = 0;
    for (size_t i = 0; i < 4; i++)
        if (order[i] < n)
            in[k++] = part[order[i]];
    kl_fuzz_run(in, k, KL_LOAD_CSV, size ? data[size - 1] & 1 : 0);
    return 0;
}

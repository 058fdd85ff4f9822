/* writers/json_memory.c - jansson's allocations, with a flag that tells an
 * allocation failure apart from a write error. */
#include "writers.h"

#include <jansson.h>
#include <stdlib.h>

static int json_oom;

static void *json_alloc(size_t size)
{
    void *p = malloc(size);
    if (!p)
        __atomic_store_n(&json_oom, 1, __ATOMIC_RELAXED);
    return p;
}

void kl_writers_json_init(void)
{
    json_set_alloc_funcs(json_alloc, free);
}

int kl_writers_json_oom(void)
{
    return __atomic_exchange_n(&json_oom, 0, __ATOMIC_RELAXED);
}

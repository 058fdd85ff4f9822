/* engine/engine_internal.h - pieces shared between the engine's files: the
 * string pool, the pointer-keyed hash index, the keyed hash and small
 * helpers. */
#ifndef KL_ENGINE_INTERNAL_H
#define KL_ENGINE_INTERNAL_H

#include "graph.h"

#include <stdbool.h>

/* String pool: interned, NUL-terminated copies in 1 MiB arena chunks.  Equal
 * strings get equal pointers, so later tables key on pointers alone. */
kl_intern_t *kl_i_intern_new(void);
void kl_i_intern_free(kl_intern_t *pool);
const char *kl_i_intern(kl_intern_t *pool, const char *s, size_t len);
/* The pooled pointer for s, or NULL when s was never interned. */
const char *kl_i_intern_lookup(const kl_intern_t *pool, const char *s, size_t len);
size_t kl_i_intern_bytes(const kl_intern_t *pool);

/* Hash index from an interned pointer to an int32 value (open addressing). */
kl_index_t *kl_i_index_new(void);
void kl_i_index_free(kl_index_t *index);
/* Value for key, or -1. */
int32_t kl_i_index_get(const kl_index_t *index, const void *key);
/* Insert or overwrite; returns KL_ENOMEM on failure. */
kl_err kl_i_index_put(kl_index_t *index, const void *key, int32_t value);

/* Grow *items (count used, *cap allocated) to hold one more item of size
 * bytes; returns 0 or -1 when out of memory. */
int kl_i_grow(void **items, size_t *cap, size_t count, size_t size);

/* SipHash-1-3 of len bytes under key (bytes 0-7 and 8-15, little-endian). */
uint64_t kl_i_siphash(const uint64_t key[2], const void *data, size_t len);
/* The process's key of kl_hash (chosen on first use). */
const uint64_t *kl_i_hash_key(void);

#endif

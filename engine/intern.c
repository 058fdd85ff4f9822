/* engine/intern.c - the string pool and the pointer-keyed hash index. */
#include "engine_internal.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (1u << 20)

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    char data[];
} chunk_t;

typedef struct {
    const char *str; /* NULL: empty slot */
    uint32_t len;
    uint32_t hash;
} slot_t;

struct kl_intern {
    chunk_t *chunks;
    slot_t *slots;
    size_t mask, count, bytes;
    const uint64_t *key; /* of the keyed hash: ids come from input */
};

kl_intern_t *kl_i_intern_new(void)
{
    kl_intern_t *pool = calloc(1, sizeof *pool);
    if (!pool)
        return NULL;
    pool->mask = 1023;
    pool->key = kl_i_hash_key();
    pool->slots = calloc(pool->mask + 1, sizeof *pool->slots);
    if (!pool->slots) {
        free(pool);
        return NULL;
    }
    return pool;
}

void kl_i_intern_free(kl_intern_t *pool)
{
    if (!pool)
        return;
    for (chunk_t *c = pool->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(pool->slots);
    free(pool);
}

size_t kl_i_intern_bytes(const kl_intern_t *pool)
{
    return pool ? pool->bytes + (pool->mask + 1) * sizeof(slot_t) : 0;
}

static const char *find(const kl_intern_t *pool, const char *s, size_t len, uint32_t h, size_t *at)
{
    size_t i = h & pool->mask;
    for (;;) {
        const slot_t *sl = &pool->slots[i];
        if (!sl->str) {
            *at = i;
            return NULL;
        }
        if (sl->hash == h && sl->len == len && memcmp(sl->str, s, len) == 0)
            return sl->str;
        i = (i + 1) & pool->mask;
    }
}

static int rehash(kl_intern_t *pool)
{
    size_t nmask = pool->mask * 2 + 1;
    slot_t *ns = calloc(nmask + 1, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i <= pool->mask; i++) {
        slot_t sl = pool->slots[i];
        if (!sl.str)
            continue;
        size_t j = sl.hash & nmask;
        while (ns[j].str)
            j = (j + 1) & nmask;
        ns[j] = sl;
    }
    free(pool->slots);
    pool->slots = ns;
    pool->mask = nmask;
    return 0;
}

static char *arena_alloc(kl_intern_t *pool, size_t size)
{
    chunk_t *c = pool->chunks;
    if (!c || c->size - c->used < size) {
        size_t cap = size > CHUNK_SIZE / 4 ? size : CHUNK_SIZE;
        chunk_t *nc = malloc(sizeof *nc + cap);
        if (!nc)
            return NULL;
        nc->used = 0;
        nc->size = cap;
        if (c && size > CHUNK_SIZE / 4) {
            /* A big string gets its own chunk behind the current one, so the
             * current chunk's free space is not wasted. */
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            pool->chunks = nc;
        }
        c = nc;
    }
    char *p = c->data + c->used;
    c->used += size;
    pool->bytes += size;
    return p;
}

const char *kl_i_intern(kl_intern_t *pool, const char *s, size_t len)
{
    if (len > UINT32_MAX - 1)
        return NULL;
    uint32_t h = (uint32_t)kl_i_siphash(pool->key, s, len);
    size_t at;
    const char *got = find(pool, s, len, h, &at);
    if (got)
        return got;
    if ((pool->count + 1) * 4 > (pool->mask + 1) * 3) {
        if (rehash(pool) < 0)
            return NULL;
        find(pool, s, len, h, &at);
    }
    char *copy = arena_alloc(pool, len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    pool->slots[at] = (slot_t){copy, (uint32_t)len, h};
    pool->count++;
    return copy;
}

const char *kl_i_intern_lookup(const kl_intern_t *pool, const char *s, size_t len)
{
    size_t at;
    if (len > UINT32_MAX - 1)
        return NULL;
    return find(pool, s, len, (uint32_t)kl_i_siphash(pool->key, s, len), &at);
}

/* ------------------------------------------------------------ index */

typedef struct {
    const void *key;
    int32_t value;
} islot_t;

struct kl_index {
    islot_t *slots;
    size_t mask, count;
    uint64_t salt; /* from the hash key */
};

/* Keys are pooled pointers, which input does not choose; a salt from the
 * hash key costs nothing and keeps them out of reach. */
static size_t ptr_hash(const kl_index_t *ix, const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p ^ ix->salt;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x;
}

kl_index_t *kl_i_index_new(void)
{
    kl_index_t *ix = calloc(1, sizeof *ix);
    if (!ix)
        return NULL;
    ix->mask = 255;
    ix->salt = kl_i_hash_key()[1];
    ix->slots = calloc(ix->mask + 1, sizeof *ix->slots);
    if (!ix->slots) {
        free(ix);
        return NULL;
    }
    return ix;
}

void kl_i_index_free(kl_index_t *ix)
{
    if (!ix)
        return;
    free(ix->slots);
    free(ix);
}

int32_t kl_i_index_get(const kl_index_t *ix, const void *key)
{
    if (!ix || !key)
        return -1;
    size_t i = ptr_hash(ix, key) & ix->mask;
    while (ix->slots[i].key) {
        if (ix->slots[i].key == key)
            return ix->slots[i].value;
        i = (i + 1) & ix->mask;
    }
    return -1;
}

kl_err kl_i_index_put(kl_index_t *ix, const void *key, int32_t value)
{
    if ((ix->count + 1) * 4 > (ix->mask + 1) * 3) {
        size_t nmask = ix->mask * 2 + 1;
        islot_t *ns = calloc(nmask + 1, sizeof *ns);
        if (!ns)
            return KL_ENOMEM;
        for (size_t i = 0; i <= ix->mask; i++) {
            if (!ix->slots[i].key)
                continue;
            size_t j = ptr_hash(ix, ix->slots[i].key) & nmask;
            while (ns[j].key)
                j = (j + 1) & nmask;
            ns[j] = ix->slots[i];
        }
        free(ix->slots);
        ix->slots = ns;
        ix->mask = nmask;
    }
    size_t i = ptr_hash(ix, key) & ix->mask;
    while (ix->slots[i].key) {
        if (ix->slots[i].key == key) {
            ix->slots[i].value = value;
            return KL_OK;
        }
        i = (i + 1) & ix->mask;
    }
    ix->slots[i] = (islot_t){key, value};
    ix->count++;
    return KL_OK;
}

int kl_i_grow(void **items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 16;
    if (ncap > SIZE_MAX / size)
        return -1;
    void *p = realloc(*items, ncap * size);
    if (!p)
        return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

/* viz/ids.c - a cgraph discipline that numbers objects in creation order, so
 * that clusters, the DOT and the SVG come out in the same order every run. */
#include "viz_internal.h"

#include <stdlib.h>
#include <string.h>

/* cgraph's default ids for named objects are the addresses of their interned
 * names, and it keeps subgraphs in id order: the order of clusters in the
 * DOT and SVG (and dot's layout) would follow malloc.  This discipline
 * numbers named objects in creation order instead, and keeps the names
 * itself (cgraph 2.42's own fallback map leaks once subgraphs exist). */
typedef struct {
    char **names;     /* names[k] has id 2k + 2 (even: named) */
    int *types;       /* object type of names[k] */
    size_t count, cap;
    size_t *slot;     /* open addressing: index + 1 into names, 0 empty */
    size_t nslots;
    IDTYPE anon;      /* next anonymous id (odd) */
    Agraph_t *g;      /* the root graph: names live in its string pool */
} id_state_t;

/* Names come from input (ids, regions): keyed, so they cannot be crafted to
 * collide.  Slot order never reaches the output: ids are creation order. */
static size_t id_hash(int type, const char *s)
{
    return (size_t)(kl_hash(s, strlen(s)) + (uint64_t)type * 0x9E3779B97F4A7C15ull);
}

static void *id_open(Agraph_t *g, Agdisc_t *disc)
{
    (void)disc;
    id_state_t *st = calloc(1, sizeof *st);
    if (st) {
        st->anon = 1;
        st->g = g;
    }
    return st;
}

static int id_grow(id_state_t *st)
{
    size_t nslots = st->nslots ? 2 * st->nslots : 1024;
    size_t *slot = calloc(nslots, sizeof *slot);
    if (!slot)
        return -1;
    for (size_t k = 0; k < st->count; k++) {
        size_t i = id_hash(st->types[k], st->names[k]) & (nslots - 1);
        while (slot[i])
            i = (i + 1) & (nslots - 1);
        slot[i] = k + 1;
    }
    free(st->slot);
    st->slot = slot;
    st->nslots = nslots;
    return 0;
}

static long id_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
    id_state_t *st = state;
    if (!str) {
        *id = st->anon;
        st->anon += 2;
        return 1;
    }
    if (objtype == AGINEDGE)
        objtype = AGEDGE;
    if (st->nslots) {
        size_t i = id_hash(objtype, str) & (st->nslots - 1);
        for (; st->slot[i]; i = (i + 1) & (st->nslots - 1)) {
            size_t k = st->slot[i] - 1;
            if (st->types[k] == objtype && strcmp(st->names[k], str) == 0) {
                *id = (IDTYPE)(2 * k + 2);
                return 1;
            }
        }
    }
    if (!createflag)
        return 0;
    if (2 * (st->count + 1) > st->nslots && id_grow(st) != 0)
        return 0;
    if (st->count == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : 256;
        char **names = realloc(st->names, cap * sizeof *names);
        if (!names)
            return 0;
        st->names = names;
        int *types = realloc(st->types, cap * sizeof *types);
        if (!types)
            return 0;
        st->types = types;
        st->cap = cap;
    }
    /* agwrite takes every name for a pooled string (it reads the pool's
     * header in front of it to tell HTML names apart), so names must come
     * from agstrdup, as in cgraph's own id discipline, not from strdup. */
    char *copy = agstrdup(st->g, str);
    if (!copy)
        return 0;
    size_t k = st->count++;
    st->names[k] = copy;
    st->types[k] = objtype;
    size_t i = id_hash(objtype, str) & (st->nslots - 1);
    while (st->slot[i])
        i = (i + 1) & (st->nslots - 1);
    st->slot[i] = k + 1;
    *id = (IDTYPE)(2 * k + 2);
    return 1;
}

static long id_alloc(void *state, int objtype, IDTYPE request)
{
    (void)state, (void)objtype, (void)request;
    return 0; /* no ids chosen by the caller */
}

static void id_free(void *state, int objtype, IDTYPE id)
{
    (void)state, (void)objtype, (void)id; /* names live until the graph closes */
}

static char *id_print(void *state, int objtype, IDTYPE id)
{
    id_state_t *st = state;
    (void)objtype;
    if (id % 2 == 0 && id / 2 >= 1 && (size_t)(id / 2) <= st->count)
        return st->names[id / 2 - 1];
    return NULL;
}

static void id_close(void *state)
{
    id_state_t *st = state;
    if (!st)
        return;
    /* the names are in the graph's string pool, freed with the graph */
    free(st->names);
    free(st->types);
    free(st->slot);
    free(st);
}

static void id_register(void *state, int objtype, void *obj)
{
    (void)state, (void)objtype, (void)obj;
}

static Agiddisc_t id_disc = {id_open, id_map, id_alloc, id_free, id_print, id_close, id_register};
Agdisc_t kl_i_agdisc = {&AgMemDisc, &id_disc, &AgIoDisc};

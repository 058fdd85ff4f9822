/* analysis/order.c - the orders every output follows: actors by id, ties
 * by their ends' ranks, and labels (components, communities) numbered by
 * first appearance in actor order. */
#include "analysis_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *id;
    uint32_t v;
} idv_t;

static int cmp_idv(const void *a, const void *b)
{
    const idv_t *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return (x->v > y->v) - (x->v < y->v);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

kl_err kl_i_order(kl_analysis_t *res, const kl_agraph_t *g, const kl_dataset_t *ds, kl_error_t *err)
{
    uint32_t n = g->n, m = g->csr.m;
    idv_t *tmp = malloc(((size_t)n + 1) * sizeof *tmp);
    /* (key, edge id) pairs; key = ranks of both ends, smaller first */
    uint64_t *pairs = malloc(((size_t)m + 1) * 2 * sizeof *pairs);
    res->order = malloc(((size_t)n + 1) * sizeof *res->order);
    res->rank = malloc(((size_t)n + 1) * sizeof *res->rank);
    res->edge_order = malloc(((size_t)m + 1) * sizeof *res->edge_order);
    if (!tmp || !pairs || !res->order || !res->rank || !res->edge_order) {
        free(tmp);
        free(pairs);
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (uint32_t v = 0; v < n; v++)
        tmp[v] = (idv_t){ds->entities[g->vertex_entity[v]].id, v};
    qsort(tmp, n, sizeof *tmp, cmp_idv);
    for (uint32_t i = 0; i < n; i++) {
        res->order[i] = tmp[i].v;
        res->rank[tmp[i].v] = i;
    }
    free(tmp);
    for (uint32_t e = 0; e < m; e++) {
        uint64_t a = res->rank[g->edge_from[e]], b = res->rank[g->edge_to[e]];
        pairs[2 * e] = a < b ? (a << 32 | b) : (b << 32 | a);
        pairs[2 * e + 1] = e;
    }
    /* keys are unique (simple graph), so comparing the first word suffices */
    qsort(pairs, m, 2 * sizeof *pairs, cmp_u64);
    for (uint32_t i = 0; i < m; i++)
        res->edge_order[i] = (uint32_t)pairs[2 * i + 1];
    free(pairs);
    return KL_OK;
}

long kl_i_renumber(uint32_t n, const uint32_t *order, uint32_t *labels)
{
    uint32_t *map = malloc(((size_t)n + 1) * sizeof *map);
    if (!map)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        map[i] = UINT32_MAX;
    uint32_t next = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t *l = &labels[order[i]];
        if (map[*l] == UINT32_MAX)
            map[*l] = next++;
    }
    for (uint32_t v = 0; v < n; v++)
        labels[v] = map[labels[v]];
    free(map);
    return (long)next;
}

/* analysis/analysis.c - kl_analysis_run: the order of the steps, actor
 * ordering by id, and the result's lifecycle. */
#include "analysis_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double kl_i_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void kl_analysis_options_init(kl_analysis_options_t *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->seed = 1;
    opt->communities = KL_COMMUNITIES_LEIDEN;
}

void kl_analysis_destroy(kl_analysis_t *res)
{
    if (!res)
        return;
    free(res->order);
    free(res->rank);
    free(res->edge_order);
    free(res->degree);
    free(res->strength);
    free(res->betweenness);
    free(res->betweenness_se);
    free(res->harmonic);
    free(res->eigenvector);
    free(res->pagerank);
    free(res->coreness);
    free(res->constraint);
    free(res->effective_size);
    free(res->articulation);
    free(res->component);
    free(res->community);
    free(res->irb);
    free(res->irb_share);
    free(res->bridge);
    memset(res, 0, sizeof *res);
}

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

kl_err kl_analysis_run(kl_analysis_t *res, const kl_agraph_t *g, const kl_dataset_t *ds,
                       const kl_analysis_options_t *opt, kl_error_t *err)
{
    kl_analysis_options_t defaults;
    kl_err rc;
    double t;
    memset(res, 0, sizeof *res);
    if (!opt) {
        kl_analysis_options_init(&defaults);
        opt = &defaults;
    }
    if (!g || !ds || !g->initialized)
        return kl_error_set(err, KL_EINVAL, NULL, 0, 0, "analysis needs a built graph");
    if (opt->communities != KL_COMMUNITIES_LEIDEN && opt->communities != KL_COMMUNITIES_LOUVAIN)
        return kl_error_set(err, KL_EINVAL, NULL, 0, 0, "unknown community method");
    res->options = *opt;
    res->n = g->n;
    res->m = g->csr.m;
    res->dominant_actor = -1;
    res->modularity = res->nmi_regions = res->ari_regions = NAN;

    t = kl_i_now();
    if ((rc = kl_i_order(res, g, ds, err)) != KL_OK)
        return rc;
    res->seconds[KL_PHASE_ORDER] = kl_i_now() - t;

    t = kl_i_now();
    if ((rc = kl_i_structure(res, g, err)) != KL_OK)
        return rc;
    res->seconds[KL_PHASE_STRUCTURE] = kl_i_now() - t;

    t = kl_i_now();
    if ((rc = kl_i_spectral(res, g, err)) != KL_OK)
        return rc;
    res->seconds[KL_PHASE_SPECTRAL] = kl_i_now() - t;

    t = kl_i_now();
    if ((rc = kl_i_communities(res, g, err)) != KL_OK)
        return rc;
    res->seconds[KL_PHASE_COMMUNITIES] = kl_i_now() - t;

    t = kl_i_now();
    size_t n1 = (size_t)g->n + 1;
    res->constraint = malloc(n1 * sizeof *res->constraint);
    res->effective_size = malloc(n1 * sizeof *res->effective_size);
    if (!res->constraint || !res->effective_size)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    if (kl_holes_compute(&g->csr, res->constraint, res->effective_size) != KL_OK)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    res->seconds[KL_PHASE_HOLES] = kl_i_now() - t;

    t = kl_i_now();
    if ((rc = kl_i_paths(res, g, err)) != KL_OK)
        return rc;
    res->seconds[KL_PHASE_PATHS] = kl_i_now() - t;
    return KL_OK;
}

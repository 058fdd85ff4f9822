/* analysis/centrality.c - betweenness (exact or sampled, with standard
 * errors), harmonic closeness and inter-regional betweenness through the
 * path kernel; eigenvector centrality and PageRank through igraph. */
#include "analysis_internal.h"
#include "paths.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* P of DEFINITIONS.md: connected unordered pairs of actors whose regions
 * differ.  Per component, N_c actors with a region split into regions of
 * c_r actors: (N_c^2 - sum_r c_r^2) / 2 pairs.  O(n + regions). */
static int region_pairs(const kl_analysis_t *res, const int32_t *region, uint32_t n, double *out)
{
    uint32_t nc = res->components;
    int32_t nr = 0;
    for (uint32_t v = 0; v < n; v++)
        if (region[v] >= nr)
            nr = region[v] + 1;
    uint32_t *start = calloc((size_t)nc + 2, sizeof *start);
    uint32_t *by = malloc(((size_t)n + 1) * sizeof *by);
    uint64_t *count = calloc((size_t)nr + 1, sizeof *count);
    if (!start || !by || !count) {
        free(start);
        free(by);
        free(count);
        return -1;
    }
    /* bucket the vertices with a region by component */
    for (uint32_t v = 0; v < n; v++)
        if (region[v] >= 0)
            start[res->component[v] + 2]++;
    for (uint32_t k = 0; k < nc; k++)
        start[k + 2] += start[k + 1];
    for (uint32_t v = 0; v < n; v++)
        if (region[v] >= 0)
            by[start[res->component[v] + 1]++] = v;
    double total = 0;
    for (uint32_t k = 0; k < nc; k++) {
        uint32_t lo = start[k], hi = start[k + 1];
        double all = (double)(hi - lo), same = 0;
        for (uint32_t i = lo; i < hi; i++)
            count[region[by[i]]]++;
        for (uint32_t i = lo; i < hi; i++) {
            uint64_t c = count[region[by[i]]];
            if (c) {
                same += (double)c * (double)c;
                count[region[by[i]]] = 0;
            }
        }
        total += (all * all - same) / 2;
    }
    free(start);
    free(by);
    free(count);
    *out = total;
    return 0;
}

kl_err kl_i_paths(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err)
{
    uint32_t n = g->n, k = res->options.samples;
    size_t n1 = (size_t)n + 1;
    kl_err rc = KL_OK;
    uint32_t *sources = NULL;
    double *sumsq = NULL;
    int any_region = 0;

    res->betweenness = calloc(n1, sizeof *res->betweenness);
    res->harmonic = calloc(n1, sizeof *res->harmonic);
    res->irb = calloc(n1, sizeof *res->irb);
    res->irb_share = malloc(n1 * sizeof *res->irb_share);
    if (!res->betweenness || !res->harmonic || !res->irb || !res->irb_share)
        goto nomem;
    if (k > 0) {
        res->betweenness_se = calloc(n1, sizeof *res->betweenness_se);
        sumsq = calloc(n1, sizeof *sumsq);
        sources = malloc((size_t)k * sizeof *sources);
        if (!res->betweenness_se || !sumsq || !sources)
            goto nomem;
    }
    for (uint32_t v = 0; v < n; v++)
        if (g->vertex_region[v] >= 0)
            any_region = 1;

    if (n > 0) {
        if (k > 0) {
            /* uniform with replacement, from igraph's RNG seeded by --seed */
            igraph_rng_t *rng = igraph_rng_default();
            igraph_rng_seed(rng, (igraph_uint_t)res->options.seed);
            for (uint32_t i = 0; i < k; i++)
                sources[i] = (uint32_t)igraph_rng_get_integer(rng, 0, (igraph_integer_t)n - 1);
        }
        kl_paths_t p;
        memset(&p, 0, sizeof p);
        p.g = &g->csr;
        p.weighted = res->options.weighted;
        p.sources = sources;
        p.n_sources = k;
        p.threads = res->options.threads;
        p.region = g->vertex_region;
        p.dep_sum = res->betweenness;
        p.dep_sumsq = sumsq;
        p.harmonic = res->harmonic;
        p.irb_sum = any_region ? res->irb : NULL;
        if ((rc = kl_paths_run(&p)) != KL_OK)
            return kl_error_set(err, rc, NULL, 0, 0, "shortest paths: %s", kl_strerror(rc));
    }

    /* Every unordered pair is seen from both ends, hence the halving; a
     * sample of k sources stands for n: scale by n/k. */
    double scale = k > 0 ? (double)n / (double)k : 1.0;
    for (uint32_t v = 0; v < n; v++) {
        if (k > 0) {
            /* se = n * sd(dependency) / sqrt(k) / 2, sample sd (k - 1);
             * undefined for one source */
            double mean = res->betweenness[v] / k;
            double var = k > 1 ? (sumsq[v] - k * mean * mean) / (k - 1) : NAN;
            if (var < 0)
                var = 0; /* rounding */
            res->betweenness_se[v] = (double)n * sqrt(var) / sqrt((double)k) / 2;
        }
        res->betweenness[v] *= scale / 2;
        res->harmonic[v] *= scale;
        res->irb[v] *= scale / 2;
    }

    if (region_pairs(res, g->vertex_region, n, &res->region_pairs) < 0)
        goto nomem;
    double best = 0.5;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = res->order[i];
        res->irb_share[v] = res->region_pairs > 0 ? res->irb[v] / res->region_pairs : NAN;
        if (res->irb_share[v] > best) {
            best = res->irb_share[v];
            res->dominant_actor = (int32_t)v;
        }
    }
    goto cleanup;
nomem:
    rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
cleanup:
    free(sources);
    free(sumsq);
    return rc;
}

/* Eigenvector centrality of the largest component (DEFINITIONS.md): the
 * component is copied into its own igraph graph so that ARPACK sees a
 * connected graph, whose leading eigenvector is unique and positive. */
static kl_err eigenvector(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err)
{
    uint32_t n = g->n, m = g->csr.m, lcc = res->largest_component_id;
    kl_err rc = KL_OK;
    igraph_error_t ie = IGRAPH_SUCCESS;
    igraph_vector_int_t ev;
    igraph_vector_t w, vec;
    igraph_t sub;
    int have_ev = 0, have_w = 0, have_vec = 0, have_sub = 0;
    uint32_t *local = NULL;

    for (uint32_t v = 0; v < n; v++)
        res->eigenvector[v] = NAN;
    if (n == 0)
        return KL_OK;
    local = malloc(((size_t)n + 1) * sizeof *local);
    if (!local)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    uint32_t k = 0;
    for (uint32_t v = 0; v < n; v++)
        local[v] = res->component[v] == lcc ? k++ : UINT32_MAX;
    if (k == 1) {
        for (uint32_t v = 0; v < n; v++)
            if (local[v] == 0)
                res->eigenvector[v] = 1.0;
        goto cleanup;
    }
    uint32_t me = 0;
    for (uint32_t e = 0; e < m; e++)
        if (local[g->edge_from[e]] != UINT32_MAX)
            me++;
    if ((ie = igraph_vector_int_init(&ev, (igraph_integer_t)me * 2)) != IGRAPH_SUCCESS)
        goto cleanup;
    have_ev = 1;
    if ((ie = igraph_vector_init(&w, me)) != IGRAPH_SUCCESS)
        goto cleanup;
    have_w = 1;
    if ((ie = igraph_vector_init(&vec, 0)) != IGRAPH_SUCCESS)
        goto cleanup;
    have_vec = 1;
    me = 0;
    for (uint32_t e = 0; e < m; e++) {
        if (local[g->edge_from[e]] == UINT32_MAX)
            continue;
        VECTOR(ev)[2 * me] = local[g->edge_from[e]];
        VECTOR(ev)[2 * me + 1] = local[g->edge_to[e]];
        VECTOR(w)[me] = VECTOR(g->weights)[e];
        me++;
    }
    if ((ie = igraph_create(&sub, &ev, k, IGRAPH_UNDIRECTED)) != IGRAPH_SUCCESS)
        goto cleanup;
    have_sub = 1;
    igraph_real_t value = 0;
    if ((ie = igraph_eigenvector_centrality(&sub, &vec, &value, 0, 1, &w, NULL)) != IGRAPH_SUCCESS)
        goto cleanup;
    for (uint32_t v = 0; v < n; v++)
        if (local[v] != UINT32_MAX)
            res->eigenvector[v] = fabs(VECTOR(vec)[local[v]]);
cleanup:
    if (ie != IGRAPH_SUCCESS)
        rc = kl_igraph_error(err, ie);
    if (have_sub)
        igraph_destroy(&sub);
    if (have_vec)
        igraph_vector_destroy(&vec);
    if (have_w)
        igraph_vector_destroy(&w);
    if (have_ev)
        igraph_vector_int_destroy(&ev);
    free(local);
    return rc;
}

/* PageRank by power iteration over the CSR arrays, pulling from neighbours
 * so that every value is a sum in a fixed order: igraph's PRPACK runs OpenMP
 * reductions whose last bits change from run to run, which would break
 * byte-identical output.  x_{k+1}(v) = (1 - d)/n + d (D_k/n + sum_{u~v}
 * x_k(u) w_uv / s_u), D_k the mass on dangling (isolated) vertices; stops
 * when the L1 change is below 1e-15 (about 220 iterations at d = 0.85), or
 * when it no longer shrinks: the map contracts by d in L1, so a change that
 * fails to fall below 0.95 of the previous one is rounding noise.  At most
 * 10000 iterations.  O(m) per iteration. */
#define KL_PR_DAMPING 0.85
#define KL_PR_TOL 1e-15
#define KL_PR_MAX_ITER 10000

static kl_err pagerank(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err)
{
    const kl_csr_t *c = &g->csr;
    uint32_t n = g->n;
    if (n == 0)
        return KL_OK;
    double *x = res->pagerank, *y = malloc(((size_t)n + 1) * sizeof *y), *out = malloc(((size_t)n + 1) * sizeof *out);
    if (!y || !out) {
        free(y);
        free(out);
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (uint32_t v = 0; v < n; v++)
        x[v] = 1.0 / n;
    double last = INFINITY;
    for (int it = 0; it < KL_PR_MAX_ITER; it++) {
        double dangling = 0;
        for (uint32_t v = 0; v < n; v++) {
            if (res->strength[v] > 0)
                out[v] = x[v] / res->strength[v];
            else
                dangling += x[v];
        }
        double base = (1.0 - KL_PR_DAMPING) / n + KL_PR_DAMPING * dangling / n, change = 0;
        for (uint32_t v = 0; v < n; v++) {
            double s = 0;
            for (uint32_t k = c->offset[v]; k < c->offset[v + 1]; k++)
                s += out[c->adj[k]] * c->w[k];
            y[v] = base + KL_PR_DAMPING * s;
            change += fabs(y[v] - x[v]);
        }
        memcpy(x, y, (size_t)n * sizeof *x);
        if (change < KL_PR_TOL || change > 0.95 * last)
            break;
        last = change;
    }
    /* the iteration keeps the sum at 1 up to rounding; make it exact-ish */
    double sum = 0;
    for (uint32_t v = 0; v < n; v++)
        sum += x[v];
    for (uint32_t v = 0; v < n; v++)
        x[v] /= sum;
    free(y);
    free(out);
    return KL_OK;
}

kl_err kl_i_spectral(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err)
{
    size_t n1 = (size_t)g->n + 1;
    kl_err rc;
    res->eigenvector = malloc(n1 * sizeof *res->eigenvector);
    res->pagerank = calloc(n1, sizeof *res->pagerank);
    if (!res->eigenvector || !res->pagerank)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    if ((rc = eigenvector(res, g, err)) != KL_OK)
        return rc;
    return pagerank(res, g, err);
}

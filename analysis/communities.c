/* analysis/communities.c - communities (Leiden with the modularity objective,
 * or Louvain), their modularity, and their agreement with the regions (NMI,
 * adjusted Rand index). */
#include "analysis_internal.h"
#include "../engine/igraph_view.h"

#include <math.h>
#include <stdlib.h>

/* Relabel v's values 0, 1, ... in order of first appearance.  Values are
 * non-negative.  Returns -1 when out of memory. */
static int dense_labels(igraph_vector_int_t *v)
{
    igraph_integer_t len = igraph_vector_int_size(v), max = 0;
    for (igraph_integer_t i = 0; i < len; i++)
        if (VECTOR(*v)[i] > max)
            max = VECTOR(*v)[i];
    igraph_integer_t *map = malloc(((size_t)max + 1) * sizeof *map);
    if (!map)
        return -1;
    for (igraph_integer_t i = 0; i <= max; i++)
        map[i] = -1;
    igraph_integer_t next = 0;
    for (igraph_integer_t i = 0; i < len; i++) {
        igraph_integer_t *l = &VECTOR(*v)[i];
        if (map[*l] < 0)
            map[*l] = next++;
        *l = map[*l];
    }
    free(map);
    return 0;
}

/* NMI and ARI between communities and regions over the actors that have a
 * region, as igraph's compare_communities ("nmi", "adjusted_rand"); NaN
 * (printed null) when fewer than two actors have one, where igraph leaves
 * both undefined. */
static kl_err compare_regions(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err)
{
    igraph_vector_int_t a, b;
    igraph_error_t ie;
    uint32_t count = 0;
    for (uint32_t v = 0; v < g->n; v++)
        if (g->vertex_region[v] >= 0)
            count++;
    if (count < 2)
        return KL_OK;
    if ((ie = igraph_vector_int_init(&a, count)) != IGRAPH_SUCCESS)
        return kl_igraph_error(err, ie);
    if ((ie = igraph_vector_int_init(&b, count)) != IGRAPH_SUCCESS) {
        igraph_vector_int_destroy(&a);
        return kl_igraph_error(err, ie);
    }
    count = 0;
    for (uint32_t v = 0; v < g->n; v++)
        if (g->vertex_region[v] >= 0) {
            VECTOR(a)[count] = res->community[v];
            VECTOR(b)[count] = g->vertex_region[v];
            count++;
        }
    /* igraph wants labels below the vector's length; community and region
     * ids of the whole graph are not when only some actors have a region
     * (a window or --ties leaves thousands of one-actor communities). NMI
     * and ARI do not depend on the labels' values, so number them densely. */
    if (dense_labels(&a) < 0 || dense_labels(&b) < 0) {
        igraph_vector_int_destroy(&a);
        igraph_vector_int_destroy(&b);
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    igraph_real_t nmi = NAN, ari = NAN;
    ie = igraph_compare_communities(&a, &b, &nmi, IGRAPH_COMMCMP_NMI);
    if (ie == IGRAPH_SUCCESS)
        ie = igraph_compare_communities(&a, &b, &ari, IGRAPH_COMMCMP_ADJUSTED_RAND);
    igraph_vector_int_destroy(&a);
    igraph_vector_int_destroy(&b);
    if (ie != IGRAPH_SUCCESS)
        return kl_igraph_error(err, ie);
    res->nmi_regions = nmi;
    res->ari_regions = ari;
    return KL_OK;
}

/* Leiden iterations, each started from the previous partition, until one
 * raises modularity by less than KL_LEIDEN_GAIN (relative), at most
 * KL_LEIDEN_MAX_ITER.  igraph 0.10.2's own "until stable" mode
 * (n_iterations < 0) can loop forever (seen on Davis Southern Women from some
 * starting partitions), so the loop is ours and bounded.  Late iterations
 * gain little (gen.py --orgs 50000: 0.6489, 0.6665, 0.6674, ... 0.66786
 * after 14), hence the relative threshold.  The best partition seen goes to
 * best[] with its modularity. */
#define KL_LEIDEN_MAX_ITER 20
#define KL_LEIDEN_GAIN 1e-4

static igraph_error_t leiden(const kl_agraph_t *g, const igraph_vector_t *node_weights, double resolution,
                             igraph_vector_int_t *membership, uint32_t *best, double *best_q)
{
    double q_best = -INFINITY;
    for (int it = 0; it < KL_LEIDEN_MAX_ITER; it++) {
        igraph_integer_t nb = 0;
        igraph_real_t quality = 0, q = 0;
        IGRAPH_CHECK(igraph_community_leiden(kl_agraph_igraph(g), kl_agraph_igraph_weights(g), node_weights, resolution, 0.01, it > 0, 1,
                                             membership, &nb, &quality));
        IGRAPH_CHECK(igraph_modularity(kl_agraph_igraph(g), membership, kl_agraph_igraph_weights(g), 1.0, 0, &q));
        if (it > 0 && !(q > q_best))
            break;
        int small_gain = it > 0 && q - q_best < KL_LEIDEN_GAIN * fabs(q_best);
        q_best = q;
        for (uint32_t v = 0; v < g->n; v++)
            best[v] = (uint32_t)VECTOR(*membership)[v];
        if (small_gain)
            break;
    }
    *best_q = q_best;
    return IGRAPH_SUCCESS;
}

kl_err kl_i_communities(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err)
{
    uint32_t n = g->n, m = g->csr.m;
    igraph_vector_int_t membership;
    igraph_vector_t node_weights;
    igraph_error_t ie = IGRAPH_SUCCESS;
    int have_membership = 0, have_nw = 0;
    kl_err rc = KL_OK;

    res->community = malloc(((size_t)n + 1) * sizeof *res->community);
    if (!res->community)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    if (m == 0) {
        /* no ties: every actor alone, modularity undefined (0/0) */
        for (uint32_t v = 0; v < n; v++)
            res->community[v] = v;
    } else {
        if ((ie = igraph_vector_int_init(&membership, n)) != IGRAPH_SUCCESS)
            goto cleanup;
        have_membership = 1;
        igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)res->options.seed);
        if (res->options.communities == KL_COMMUNITIES_LOUVAIN) {
            ie = igraph_community_multilevel(kl_agraph_igraph(g), kl_agraph_igraph_weights(g), 1.0, &membership, NULL, NULL);
        } else {
            /* Leiden's CPM quality with node weights = strengths and
             * resolution 1/(2W) is modularity (up to the constant 1/(2W)).
             * A negative iteration count runs until a pass changes nothing. */
            if ((ie = igraph_vector_init(&node_weights, n)) != IGRAPH_SUCCESS)
                goto cleanup;
            have_nw = 1;
            double total = 0;
            for (uint32_t e = 0; e < m; e++)
                total += g->weight[e];
            for (uint32_t v = 0; v < n; v++)
                VECTOR(node_weights)[v] = res->strength[v];
            ie = leiden(g, &node_weights, 1.0 / (2.0 * total), &membership, res->community, &res->modularity);
        }
        if (ie != IGRAPH_SUCCESS)
            goto cleanup;
        if (res->options.communities == KL_COMMUNITIES_LOUVAIN) {
            igraph_real_t q = NAN;
            if ((ie = igraph_modularity(kl_agraph_igraph(g), &membership, kl_agraph_igraph_weights(g), 1.0, 0, &q)) != IGRAPH_SUCCESS)
                goto cleanup;
            res->modularity = q;
            for (uint32_t v = 0; v < n; v++)
                res->community[v] = (uint32_t)VECTOR(membership)[v];
        }
    }
    long nc = kl_i_renumber(n, res->order, res->community);
    if (nc < 0) {
        rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    res->communities = (uint32_t)nc;
    rc = compare_regions(res, g, err);
cleanup:
    if (ie != IGRAPH_SUCCESS)
        rc = kl_igraph_error(err, ie);
    if (have_membership)
        igraph_vector_int_destroy(&membership);
    if (have_nw)
        igraph_vector_destroy(&node_weights);
    return rc;
}

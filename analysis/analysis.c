/* analysis/analysis.c - kl_analysis_run: the order of the steps, and the
 * result's lifecycle. */
#include "analysis_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

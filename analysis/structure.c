/* analysis/structure.c - degree, strength, connected components, coreness,
 * bridges, articulation points and biconnected components. */
#include "analysis_internal.h"
#include "../engine/igraph_view.h"

#include <stdlib.h>
#include <string.h>

kl_err kl_i_structure(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err)
{
    const kl_csr_t *c = &g->csr;
    uint32_t n = g->n, m = c->m;
    size_t n1 = (size_t)n + 1;
    kl_err rc = KL_OK;
    igraph_error_t ie;
    igraph_vector_int_t cores, bridges, ap;
    int have_cores = 0, have_bridges = 0, have_ap = 0;
    uint32_t *size = NULL;

    res->degree = malloc(n1 * sizeof *res->degree);
    res->strength = malloc(n1 * sizeof *res->strength);
    res->component = malloc(n1 * sizeof *res->component);
    res->coreness = malloc(n1 * sizeof *res->coreness);
    res->articulation = calloc(n1, sizeof *res->articulation);
    res->bridge = calloc((size_t)m + 1, sizeof *res->bridge);
    size = malloc(n1 * sizeof *size);
    if (!res->degree || !res->strength || !res->component || !res->coreness || !res->articulation ||
        !res->bridge || !size) {
        rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }

    for (uint32_t v = 0; v < n; v++) {
        double s = 0;
        for (uint32_t k = c->offset[v]; k < c->offset[v + 1]; k++)
            s += c->w[k];
        res->degree[v] = c->offset[v + 1] - c->offset[v];
        res->strength[v] = s;
        if (res->degree[v] == 0)
            res->isolated++;
    }

    long nc = kl_components_label(c, res->order, res->component, size);
    if (nc < 0) {
        rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    res->components = (uint32_t)nc;
    /* components are numbered by smallest actor id, so the first of the
     * largest ones is the tie-break docs/metrics.md asks for */
    for (uint32_t k = 0; k < res->components; k++)
        if (size[k] > res->largest_component) {
            res->largest_component = size[k];
            res->largest_component_id = k;
        }

    if ((ie = igraph_vector_int_init(&cores, 0)) != IGRAPH_SUCCESS)
        goto igraph_failed;
    have_cores = 1;
    if ((ie = igraph_coreness(kl_agraph_igraph(g), &cores, IGRAPH_ALL)) != IGRAPH_SUCCESS)
        goto igraph_failed;
    for (uint32_t v = 0; v < n; v++)
        res->coreness[v] = (uint32_t)VECTOR(cores)[v];

    if ((ie = igraph_vector_int_init(&bridges, 0)) != IGRAPH_SUCCESS)
        goto igraph_failed;
    have_bridges = 1;
    if ((ie = igraph_bridges(kl_agraph_igraph(g), &bridges)) != IGRAPH_SUCCESS)
        goto igraph_failed;
    for (igraph_integer_t i = 0; i < igraph_vector_int_size(&bridges); i++)
        res->bridge[VECTOR(bridges)[i]] = 1;
    res->bridges = (uint32_t)igraph_vector_int_size(&bridges);

    if ((ie = igraph_vector_int_init(&ap, 0)) != IGRAPH_SUCCESS)
        goto igraph_failed;
    have_ap = 1;
    igraph_integer_t nbic = 0;
    if ((ie = igraph_biconnected_components(kl_agraph_igraph(g), &nbic, NULL, NULL, NULL, &ap)) != IGRAPH_SUCCESS)
        goto igraph_failed;
    res->biconnected_components = (uint32_t)nbic;
    for (igraph_integer_t i = 0; i < igraph_vector_int_size(&ap); i++)
        res->articulation[VECTOR(ap)[i]] = 1;
    res->articulation_points = (uint32_t)igraph_vector_int_size(&ap);
    goto cleanup;

igraph_failed:
    rc = kl_igraph_error(err, ie);
cleanup:
    if (have_cores)
        igraph_vector_int_destroy(&cores);
    if (have_bridges)
        igraph_vector_int_destroy(&bridges);
    if (have_ap)
        igraph_vector_int_destroy(&ap);
    free(size);
    return rc;
}

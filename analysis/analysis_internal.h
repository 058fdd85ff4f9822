/* analysis/analysis_internal.h - pieces shared between the files of
 * analysis/: one step of kl_analysis_run per file. */
#ifndef KL_ANALYSIS_INTERNAL_H
#define KL_ANALYSIS_INTERNAL_H

#include "analysis.h"

/* Wall-clock seconds (monotonic). */
double kl_i_now(void);

/* Sort vertices by actor id: fills res->order, res->rank, res->edge_order. */
kl_err kl_i_order(kl_analysis_t *res, const kl_agraph_t *g, const kl_dataset_t *ds, kl_error_t *err);

/* Betweenness (+ standard error), harmonic, irb, irb_share (centrality.c).
 * Needs res->component (for region_pairs). */
kl_err kl_i_paths(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err);

/* Eigenvector on the largest component and PageRank (centrality.c).  Needs
 * res->component and res->largest_component_id. */
kl_err kl_i_spectral(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err);

/* Degree, strength, components, coreness, bridges, articulation points,
 * biconnected components (structure.c). */
kl_err kl_i_structure(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err);

/* Communities, modularity, NMI and ARI against regions (communities.c). */
kl_err kl_i_communities(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err);

/* Renumber labels[0..n) so that ids run 0.. in the order of order[]
 * (first appearance).  Returns the number of distinct labels or -1 when out
 * of memory.  Labels must be in [0, n). */
long kl_i_renumber(uint32_t n, const uint32_t *order, uint32_t *labels);

#endif

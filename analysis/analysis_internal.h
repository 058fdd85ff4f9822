/* analysis/analysis_internal.h - pieces shared between the files of
 * analysis/: one step of kl_analysis_run per file. */
#ifndef KL_ANALYSIS_INTERNAL_H
#define KL_ANALYSIS_INTERNAL_H

#include "analysis.h"

#include <math.h>

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

/* ---- shared by regions.c and whatif.c */

/* Fixed number of accumulator lanes: tasks i, i + KL_I_LANES, ... run on lane
 * i in that order, each lane sums into its own arrays, and lanes are merged
 * in lane order, so floating-point sums do not depend on the thread count. */
#define KL_I_LANES 4

/* Run fn(lane_ctx[l], task, shared) for every task on its lane, lanes spread
 * over `threads` threads (0 = online CPUs).  Can't fail: a thread that cannot
 * be started is replaced by running its lanes on the calling thread. */
void kl_i_lanes_run(uint32_t n_tasks, int threads, void **lane_ctx,
                    void (*fn)(void *lane_ctx, uint32_t task, void *shared), void *shared);

/* Single- or multi-source shortest paths over the CSR arrays, skipping the
 * vertices marked in `gone`: BFS (hops) or Dijkstra (distance 1/w, lengths
 * within a relative 1e-10 equal, as the path kernel).  With sigma, the
 * number of shortest paths and the successor lists of the shortest-path DAG
 * (in settle order) are filled too.  Workspace reused across runs. */
typedef struct {
    uint32_t n;
    int weighted;
    double *dist;        /* by vertex; INFINITY when not reached */
    uint32_t *order;     /* reached vertices in settle order */
    uint32_t reached;
    uint32_t *oidx;      /* vertex -> settle index, UINT32_MAX when not reached */
    double *sigma;       /* by settle index */
    uint32_t *sstart;    /* successors of order[i]: succ[sstart[i] .. sstart[i+1]), settle indices */
    uint32_t *succ;
    uint32_t *heap, *hpos;
} kl_i_sssp_t;

/* Relative tolerance for equal weighted path lengths (igraph's), shared by
 * every shortest-path routine so that they agree on which paths tie. */
#define KL_I_LEN_EPS 1e-10

static inline int kl_i_len_equal(double a, double b)
{
    return fabs(a - b) <= KL_I_LEN_EPS * (a > b ? a : b);
}

kl_err kl_i_sssp_init(kl_i_sssp_t *w, const kl_csr_t *g, int weighted, int with_sigma);
void kl_i_sssp_run(kl_i_sssp_t *w, const kl_csr_t *g, const uint32_t *src, uint32_t n_src, const uint8_t *gone);
void kl_i_sssp_free(kl_i_sssp_t *w);

/* A region pair cut by an articulation point, within its component. */
typedef struct {
    int32_t a, b;        /* region indices, a < b */
    uint32_t v;
} kl_i_cut_t;

/* The block-cut forest of g, with region counts merged small to large:
 * disconnects[v] (optional, n entries) as kl_whatif_rank; cuts (optional,
 * an initialised kl_array_t of kl_i_cut_t) receives every (a, b, v) such
 * that v's component minus v still holds actors of a and of b and no piece
 * left by removing v holds both (other components are not looked at);
 * cross_pairs (optional) receives P.
 * O((n + m) log n + sum over articulation points of R_C^2). */
kl_err kl_i_blockcut(const kl_agraph_t *g, uint64_t *disconnects, kl_array_t *cuts, double *cross_pairs,
                     kl_error_t *err);

#endif

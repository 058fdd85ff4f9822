/* analysis/analysis_internal.h - pieces shared between the files of
 * analysis/.
 *
 * The files call downwards only, never in a circle:
 *   pool.c, clock.c, order.c, sssp.c   threads, time, orders, path sweeps
 *   paths.c, sampling.c, blockcut.c    Brandes passes, sampled paths, block-cut forest
 *   structure.c, centrality.c, communities.c, holes.c, brokerage.c   the metrics
 *   regions.c, whatif.c                region pairs and brokers, removals
 *   analysis.c                         kl_analysis_run: the steps in order */
#ifndef KL_ANALYSIS_INTERNAL_H
#define KL_ANALYSIS_INTERNAL_H

#include "analysis.h"


/* Wall-clock seconds (monotonic) (clock.c). */
double kl_i_now(void);

/* The pairs of regions with actors, numbered in the order of their ids:
 * rank[r] is region r's place among the regions with actors (-1 without
 * any), and the pair of ranks i < j is number i nr - i (i + 1) / 2 + j - i - 1.
 * O(R) memory where an R x R table would grow with the regions declared,
 * actors or not.  Used by kl_regions_compute and kl_whatif_remove. */
typedef struct {
    int32_t *rank;
    const uint32_t *with; /* the regions with actors, in id order */
    uint32_t nr;
} kl_i_pair_ix_t;

/* The pair of regions a and b, -1 when they are one region or either has
 * no actor. */
static inline int32_t kl_i_pair_at(const kl_i_pair_ix_t *px, uint32_t a, uint32_t b)
{
    int64_t i = px->rank[a], j = px->rank[b];
    if (i < 0 || j < 0 || i == j)
        return -1;
    if (i > j) {
        int64_t t = i;
        i = j;
        j = t;
    }
    return (int32_t)(i * (int64_t)px->nr - i * (i + 1) / 2 + j - i - 1);
}

/* splitmix64: advance *state and return a mix of it.  The sampler's random
 * streams (one per sample, from a hash of seed and index) and the path
 * kernel's hash of a neighbourhood. */
static inline uint64_t kl_i_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Sort vertices by actor id: fills res->order, res->rank, res->edge_order
 * (order.c). */
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
 * (first appearance) (order.c).  Returns the number of distinct labels or -1 when out
 * of memory.  Labels must be in [0, n). */
long kl_i_renumber(uint32_t n, const uint32_t *order, uint32_t *labels);

/* ---- the thread pool (pool.c) */

/* How many threads to use: `requested`, or the online CPUs when it is 0,
 * at least 1 and at most `most` (and a fixed ceiling). */
int kl_i_pool_threads(int requested, uint32_t most);

/* Run fn(ctx, unit) once for every unit in [0, n_units) on up to `threads`
 * threads (0 = online CPUs): thread t of T runs units t, t + T, ... in that
 * order, the calling thread being thread 0.  Can't fail: the units of a
 * thread that cannot be started run on the calling thread afterwards.  A
 * kernel whose results must not depend on the thread count either gives
 * each unit its own accumulators (merged in unit order afterwards) or keeps
 * exact integer counts; a unit may also be a worker that takes its work
 * from an atomic counter of the kernel's. */
void kl_i_pool_run(uint32_t n_units, int threads, void (*fn)(void *ctx, uint32_t unit), void *ctx);

/* Fixed number of accumulator lanes: tasks i, i + KL_I_LANES, ... run on lane
 * i in that order, each lane sums into its own arrays, and lanes are merged
 * in lane order, so floating-point sums do not depend on the thread count. */
#define KL_I_LANES 4

/* Run fn(lane_ctx[l], task, shared) for every task on its lane, lanes spread
 * over `threads` threads (0 = online CPUs) by kl_i_pool_run. */
void kl_i_lanes_run(uint32_t n_tasks, int threads, void **lane_ctx,
                    void (*fn)(void *lane_ctx, uint32_t task, void *shared), void *shared);

/* ---- the block-cut forest (blockcut.c), for regions.c and whatif.c */

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

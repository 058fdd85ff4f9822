/* analysis/paths.h - the shortest-path kernel of analysis/ (internal to it).
 *
 * sssp.c: the sweeps every path computation uses: components and
 * eccentricity by BFS, and single- or multi-source shortest paths (BFS, or
 * Dijkstra for distance = 1/weight) with the shortest-path DAG.
 *
 * paths.c: betweenness, harmonic closeness and inter-regional betweenness,
 * one Brandes pass per source over the CSR arrays of kl_agraph_t.  Passes
 * run on accumulator lanes (analysis_internal.h), merged at the end in a
 * fixed order so the result does not depend on scheduling (byte-identical
 * output). */
#ifndef KL_ANALYSIS_PATHS_H
#define KL_ANALYSIS_PATHS_H

#include "../engine/graph.h"

#include <math.h>

/* ------------------------------------------------------------ sweeps */

/* Connected components of g without the vertices marked in `gone` (NULL:
 * none), found by BFS from the vertices in `order` (NULL: vertex order), so
 * component ids follow that order; gone vertices get UINT32_MAX.  size and
 * ecc (optional, n entries each) receive each component's size and the
 * eccentricity, in hops, of the vertex it was found from.  Returns the
 * number of components, or -1 when out of memory.  O(n + m). */
long kl_i_components(const kl_csr_t *g, const uint32_t *order, const uint8_t *gone, uint32_t *component,
                     uint32_t *size, uint32_t *ecc);

/* Single- or multi-source shortest paths over the CSR arrays, skipping the
 * vertices marked in `gone`: BFS (hops) or Dijkstra (distance 1/w, lengths
 * within a relative 1e-10 equal).  With sigma, the number of shortest paths
 * and the successor lists of the shortest-path DAG (in settle order) are
 * filled too.  Workspace reused across runs. */
typedef struct {
    uint32_t n;
    int weighted;
    const double *len;   /* weighted: length of each adjacency slot, when the caller
                            has them at hand (== 1/w); NULL: 1/w is computed */
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

/* ------------------------------------------------------------ Brandes passes */

typedef struct {
    /* input */
    const kl_csr_t *g;
    int weighted;            /* 0: hops; 1: distance 1/w, lengths within 1e-10 relative are equal */
    const uint32_t *sources; /* sources to run from (repeats allowed); NULL = every vertex once */
    uint32_t n_sources;
    int threads;             /* 0 = number of online CPUs */
    const int32_t *region;   /* per vertex region or -1; needed for irb */

    /* outputs: each may be NULL (then not computed); arrays of g->n, zeroed by the kernel.
     * dep = dependency delta_s(v) of a source's pass (Brandes), summed over the sources. */
    double *dep_sum;         /* sum_s delta_s(v); betweenness = dep_sum / 2 when every vertex is a source */
    double *dep_sumsq;       /* sum_s delta_s(v)^2, for the standard error of sampled estimates */
    double *harmonic;        /* sum_s 1/d(s, v) over the sources (v != s, reachable) */
    double *irb_sum;         /* the same dependency counting only targets t with a region other than
                                the source's (sources without a region contribute nothing) */
    double *irb_sumsq;
} kl_paths_t;

/* Run the passes.  Returns KL_OK or KL_ENOMEM (outputs then undefined).
 * O(k (n + m)) unweighted, O(k (m + n log n)) weighted, k sources. */
kl_err kl_paths_run(kl_paths_t *p);

#endif

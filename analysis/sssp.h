/* analysis/sssp.h - the sweeps every path computation of analysis/ uses
 * (internal to it): components and eccentricity by BFS, and single- or
 * multi-source shortest paths (BFS, or Dijkstra for distance = 1/weight)
 * with the shortest-path DAG.  The only heap and the only BFS of the
 * module live in sssp.c. */
#ifndef KL_ANALYSIS_SSSP_H
#define KL_ANALYSIS_SSSP_H

#include "../engine/graph.h"

#include <math.h>

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

#endif

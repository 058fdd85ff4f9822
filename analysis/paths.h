/* analysis/paths.h - the shortest-path kernel of analysis/ (internal to it),
 * on the sweeps of sssp.h.
 *
 * paths.c: betweenness, harmonic closeness and inter-regional betweenness,
 * one Brandes pass per source over the CSR arrays of kl_agraph_t.  Passes
 * run on accumulator lanes (analysis_internal.h), merged at the end in a
 * fixed order so the result does not depend on scheduling (byte-identical
 * output). */
#ifndef KL_ANALYSIS_PATHS_H
#define KL_ANALYSIS_PATHS_H

#include "../engine/graph.h"
#include "sssp.h"

#include <math.h>

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

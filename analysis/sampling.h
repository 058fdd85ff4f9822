/* analysis/sampling.h - betweenness-type sums estimated from sampled
 * shortest paths, with a guarantee (internal to analysis/).
 *
 * Riondato and Kornaropoulos (2016): draw r pairs (s, t) uniformly from a
 * set S of connected pairs, pick one shortest s-t path uniformly at random,
 * and count the path's inner vertices.  hits(v) / r estimates
 * (1/|S|) sum over (s,t) in S of sigma_st(v) / sigma_st, and with
 *
 *     r >= (c / eps^2) (floor(log2(VD - 2)) + 1 + ln(1 / delta)),  c = 0.5,
 *
 * (VD: the most vertices on any shortest path) every vertex's estimate is
 * within eps of that average at once, with probability >= 1 - delta.  A sum
 * over S (betweenness, irb) is |S| times the average, so its error is at
 * most eps |S|.
 *
 * A pair's path is found by a balanced bidirectional BFS (Borassi and
 * Natale's KADABRA): both ends grow one level at a time, always the side
 * whose frontier has fewer ties to scan, until they touch; on sparse
 * collaboration graphs that visits a small fraction of the vertices a full
 * BFS would.  Weighted graphs (distance 1/weight) use Dijkstra from s.
 *
 * Sample i's random numbers depend only on (seed, i), and hits are integer
 * counts, so results are identical whatever the number of threads. */
#ifndef KL_ANALYSIS_SAMPLING_H
#define KL_ANALYSIS_SAMPLING_H

#include "../engine/graph.h"

/* The set S the pairs are drawn from (always connected, unordered, s != t). */
typedef enum {
    KL_PAIRS_CONNECTED = 0, /* every connected pair: betweenness */
    KL_PAIRS_CROSS_REGION,  /* both have a region, and different ones: irb */
    KL_PAIRS_BETWEEN        /* s in region a, t in region b: a region pair's brokers */
} kl_pairset_kind;

/* What every estimate on one graph shares: components and the VD bound. */
typedef struct {
    const kl_csr_t *g;
    int weighted;       /* 1: distances are sums of 1/weight */
    int threads;        /* 0 = online CPUs */
    uint32_t *comp;     /* component of each vertex */
    uint32_t *comp_size;
    uint32_t n_comp;
    uint32_t vd;        /* upper bound of the vertex diameter */
} kl_sampler_t;

/* Components and the VD bound: unweighted, 2 ecc(x) + 1 from one BFS per
 * component (x: the component's first vertex), which is at least the most
 * vertices on any shortest path; weighted, the largest component's size
 * (a shortest path by length may have any number of hops).  O(n + m). */
kl_err kl_sampler_init(kl_sampler_t *s, const kl_csr_t *g, int weighted, int threads);

/* Free; safe on a zeroed or freed sampler. */
void kl_sampler_free(kl_sampler_t *s);

/* The sample size r above for the given eps (0 < eps < 1) and delta
 * (0 < delta < 1), at least 1. */
uint64_t kl_sampler_size(const kl_sampler_t *s, double eps, double delta);

/* The same count, not rounded to an integer nor capped, for a vertex
 * diameter bound vd: what the sampling policy weighs before any sampler
 * exists (vd = n bounds every graph of n vertices). */
double kl_pair_sample_count(double vd, double eps, double delta);

/* Draw r pairs from the set `kind` (region: per vertex region or -1, needed
 * for the region sets; a, b: the regions of KL_PAIRS_BETWEEN), sample one
 * shortest path each, and add 1 to hits[v] for every inner vertex v.
 * hits (n entries) is zeroed first; *pairs receives |S| (unordered pairs).
 * When S is empty nothing is drawn.  KL_OK or KL_ENOMEM. */
kl_err kl_sampler_run(const kl_sampler_t *s, kl_pairset_kind kind, const int32_t *region, int32_t a, int32_t b,
                      uint64_t r, uint64_t seed, double *hits, double *pairs);

#endif

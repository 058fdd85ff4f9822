/* analysis/analysis.h - the metrics of `kluster analyze` on an analysis graph:
 * centralities, cohesion, communities and structural holes, exactly as
 * docs/metrics.md defines them.
 *
 * Usage:
 *
 *     kl_analysis_options_t opt;
 *     kl_analysis_options_init(&opt);
 *     opt.samples = 500;                    // optional
 *     kl_analysis_t res;
 *     if (kl_analysis_run(&res, &graph, &dataset, &opt, &err) != KL_OK) ...
 *     ... read res.betweenness[v], res.order[i] ...
 *     kl_analysis_destroy(&res);
 *
 * Per-vertex arrays are indexed by the analysis graph's vertex ids (entity
 * order, kl_agraph_t.vertex_entity); res.order lists the vertices sorted by
 * actor id, which is the order every output uses.  A value that is undefined
 * (docs/metrics.md#numbers-and-null) is NAN in a double array.
 *
 * The library never prints, never exits and never reads files.  It calls
 * igraph from the calling thread only (igraph is not thread-safe in this
 * build); the shortest-path kernel (kl_paths_run, below) runs its own threads over the
 * CSR arrays.  Same graph + same options = identical results, whatever the
 * number of threads.
 */
#ifndef KL_ANALYSIS_H
#define KL_ANALYSIS_H

#include "../engine/graph.h"

typedef enum {
    KL_COMMUNITIES_LEIDEN = 0, /* igraph_community_leiden, modularity objective (default) */
    KL_COMMUNITIES_LOUVAIN     /* igraph_community_multilevel */
} kl_community_method;

/* Phases timed by kl_analysis_run (seconds, wall clock), for --verbose and
 * benchmarks; never part of the results proper. */
typedef enum {
    KL_PHASE_ORDER = 0,   /* sorting actors by id */
    KL_PHASE_PATHS,       /* betweenness, harmonic, irb (the shortest-path kernel) */
    KL_PHASE_SPECTRAL,    /* eigenvector, PageRank */
    KL_PHASE_STRUCTURE,   /* components, coreness, bridges, articulation points */
    KL_PHASE_COMMUNITIES, /* Leiden/Louvain, modularity, NMI, ARI */
    KL_PHASE_HOLES,       /* constraint, effective size */
    KL_PHASE_COUNT
} kl_analysis_phase;

typedef struct {
    int weighted;                    /* 1: path lengths are sums of 1/weight (--weights); 0: hops */
    uint32_t samples;                /* 0: exact; K > 0: K sources drawn uniformly with replacement */
    double epsilon, delta;           /* epsilon > 0: Riondato-Kornaropoulos pair sampling instead: with
                                        probability >= 1 - delta every betweenness is within
                                        epsilon n(n-1)/2 and every irb within epsilon P (samples must
                                        be 0); harmonic is then estimated from
                                        KL_HARMONIC_SOURCES sources */
    uint64_t seed;                   /* seeds igraph's RNG before sampling and before communities */
    kl_community_method communities; /* default KL_COMMUNITIES_LEIDEN */
    int threads;                     /* threads of the path kernel, PageRank and the eigenvector's
                                        products (results do not depend on it); 0 = online CPUs */
    unsigned kernel;                 /* KL_KERNEL_* switches of the path kernel (benchmarks); 0 */
    struct kl_pair_sums *pair_sums;  /* region pairs whose exact broker sums ride on the exact
                                        passes (see kl_regions_finish); borrowed, or NULL */
} kl_analysis_options_t;

/* Defaults: hops, exact, seed 1, Leiden, all CPUs.  Can't fail. */
void kl_analysis_options_init(kl_analysis_options_t *opt);

/* Sources drawn for harmonic under pair sampling: its estimate is then within
 * n sqrt(ln(2n / delta) / (2 K)) of the truth for every actor with
 * probability >= 1 - delta (Hoeffding), about 0.09 n for a million actors. */
#define KL_HARMONIC_SOURCES 1024

typedef struct {
    uint32_t n, m;                  /* vertices and edges of the analysed graph */
    kl_analysis_options_t options;  /* copy of the options used */

    /* ---- order */
    uint32_t *order;                /* n vertices sorted by actor id (byte order of the id strings) */
    uint32_t *rank;                 /* inverse: rank[order[i]] = i */
    uint32_t *edge_order;           /* m edge ids sorted by (rank of the smaller end, rank of the other) */

    /* ---- per vertex (n each) */
    uint32_t *degree;               /* number of ties */
    double *strength;               /* sum of tie weights */
    double *betweenness;            /* unordered pairs, unnormalised; an estimate when sampled */
    double *betweenness_se;         /* standard error of the estimate; NULL unless samples > 0 */
    double *harmonic;               /* sum of 1/d; estimated from the same sources when sampled */
    double *eigenvector;            /* largest component only, max 1; NAN elsewhere */
    double *pagerank;               /* d = 0.85, weighted, sums to 1 */
    uint32_t *coreness;             /* k-core number */
    double *constraint;             /* Burt, weighted; NAN for isolated actors */
    double *effective_size;         /* Burt, weighted; NAN for isolated actors */
    uint8_t *articulation;          /* 1 for articulation points */
    uint32_t *component;            /* 0.. in order of each component's smallest actor id */
    uint32_t *community;            /* 0.. in order of each community's smallest actor id */
    double *irb;                    /* inter-regional betweenness (estimate when sampled) */
    double *irb_share;              /* irb / region_pairs; NAN when region_pairs is 0 */

    /* ---- per edge (m) */
    uint8_t *bridge;                /* 1 when the edge is a bridge */

    /* ---- graph level */
    uint32_t components;            /* connected components (isolated actors count) */
    uint32_t largest_component;     /* vertices of the largest one */
    uint32_t largest_component_id;  /* its id (ties: the smallest actor id, i.e. smallest id) */
    uint32_t isolated;              /* actors without ties */
    uint32_t bridges;               /* bridge edges */
    uint32_t articulation_points;
    uint32_t biconnected_components;
    uint32_t communities;           /* number of communities */
    double modularity;              /* of the partition found, weighted, resolution 1; NAN when m = 0 */
    double nmi_regions, ari_regions; /* community vs region over actors with a region; NAN if none */
    double region_pairs;            /* P: connected unordered pairs of actors with different regions */
    uint64_t pair_samples;          /* pair sampling: pairs drawn for betweenness plus those for irb */
    uint64_t arcs;                  /* exact: arc inspections of the path kernel (forward and backward sweeps) */
    uint32_t harmonic_sources;      /* pair sampling: sources of the harmonic estimate (all: exact) */
    int32_t dominant_actor;         /* vertex with irb_share > 0.5, or -1 */
    uint32_t eigenvector_iterations; /* power-iteration steps taken */
    int eigenvector_converged;      /* 0: stopped at the step cap; the values are the last iterate */

    double seconds[KL_PHASE_COUNT]; /* wall time per phase */
} kl_analysis_t;

/* Compute every metric of docs/metrics.md's actors[] and graph keys that this
 * module implements, on the analysis graph g built from the finalized
 * dataset ds (both borrowed; neither is modified).  res is filled (caller
 * owns it; release with kl_analysis_destroy, also after a failure).
 * Errors: KL_ENOMEM, KL_EGRAPHLIB (igraph's reason attached), KL_EINVAL for bad
 * options.
 * Time: exact betweenness dominates, O(n m) hops or O(n (m + n log n))
 * weighted (K sources instead of n when sampled); the rest is near-linear:
 * structural holes O(m sqrt(m) log n) at worst, communities and PageRank
 * O(m) per iteration. */
kl_err kl_analysis_run(kl_analysis_t *res, const kl_agraph_t *g, const kl_dataset_t *ds,
                       const kl_analysis_options_t *opt, kl_error_t *err);

/* Free every array; safe on a zeroed or already destroyed result. */
void kl_analysis_destroy(kl_analysis_t *res);

/* Building blocks, exposed for tests and other commands (bridges, whatif).
 * Each fills caller-allocated arrays of g->n (or g->m) entries. */

/* Burt's constraint and effective size as NetworkX computes them with
 * weight="weight" (p_uv = w_uv / strength(u); effective size with the
 * max-normalised mutual weight); NAN for isolated vertices.  Either output
 * may be NULL.  O(sum over edges of min(deg u, deg v) log n).  Returns
 * KL_ENOMEM or KL_OK. */
kl_err kl_holes_compute(const kl_csr_t *g, double *constraint, double *effective_size);

/* Connected components over the CSR arrays, numbered 0.. in the order of
 * order[] (pass kl_analysis_t.order to number them by smallest actor id).
 * Returns the number of components; O(n + m).  size (optional, n entries)
 * receives the size of each component.  Returns -1 when out of memory. */
long kl_components_label(const kl_csr_t *g, const uint32_t *order, uint32_t *component, uint32_t *size);

/* ---- Gould-Fernandez brokerage (analysis/brokerage.c) */

/* One value per role; sna's names: coordinator w_I, itinerant w_O,
 * representative b_IO, gatekeeper b_OI, liaison b_O, total t. */
typedef struct {
    double coordinator, itinerant, representative, gatekeeper, liaison, total;
} kl_brokerage_roles_t;

typedef struct {
    uint32_t n;                     /* = g->n; arrays are indexed by vertex */
    uint8_t *in_subgraph;           /* 1 for actors with a region (brokerage defined), n entries */
    kl_brokerage_roles_t *count;    /* n: observed counts (0 outside the subgraph) */
    kl_brokerage_roles_t *expected; /* n: sna's expected values (NAN outside the subgraph) */
    kl_brokerage_roles_t *z;        /* n: sna's z-scores (NAN where sna gives NaN/Inf, and outside) */
} kl_brokerage_t;

/* Brokerage roles of docs/metrics.md on the subgraph of g induced by actors
 * with a region, regions as groups, with the counts, expectations and
 * z-scores of R's sna::brokerage(adjacency, regions) on that subgraph.
 * Arcs: each relation of ds that is a tie of g (both ends vertices, no
 * self-loop, kept by g->options' types and window) points source -> target
 * for the directed vocabulary types, both ways for partner_of and unknown
 * types; in organisations mode every edge of g points both ways.
 * undirected = 0: the directed reading (`brokerage`); 1: `brokerage_undirected`:
 * every tie both ways, counts and expectations halved (each unordered a-v-b
 * once), z unchanged, except `representative`, which holds
 * representative_gatekeeper = sna's b_IO on the symmetric input with its
 * expectation and z, not halved (b_IO already counts each unordered path
 * once); `gatekeeper` is NAN in all three arrays.  The roles sum to total.
 * out is filled (caller owns it; release with kl_brokerage_destroy); on
 * failure it is left empty.  ds and g are borrowed.  Errors: KL_ENOMEM.
 * Time O(A log A + sum_v indeg(v) outdeg(v) log(maxdeg) + G^2), A relations
 * (or ties), G regions in the subgraph; memory O(n + A). */
kl_err kl_brokerage_compute(kl_brokerage_t *out, const kl_dataset_t *ds, const kl_agraph_t *g, int undirected,
                            kl_error_t *err);

/* Free the arrays; safe on a zeroed or destroyed result. */
void kl_brokerage_destroy(kl_brokerage_t *b);

/* ---- Regions, region pairs and what-if (analysis/regions.c, analysis/whatif.c)
 *
 * docs/metrics.md#region-pairs, the per-actor keys
 * regions_reached, participation_region, participation_community and
 * ei_index, and `kluster whatif`.  Regions are ds->regions indices; every
 * list below is in a fixed order (regions by id, pairs by (a, b) ids,
 * actors by id), so output is deterministic whatever the thread count. */

typedef struct {
    int weighted;              /* distances are sums of 1/weight (--weights); 0: hops */
    uint32_t top;              /* brokers kept per pair (default 5) */
    /* Which connected pairs get brokers (docs/metrics.md#which-pairs-get-brokers): all
     * when W m <= broker_work_limit, W = sum over connected pairs of
     * min(|a|, |b|) (the exact passes, each O(m)), m = ties; otherwise the
     * focus pairs and the exact_pairs pairs with most links (then
     * actor_pairs, then ids), or all with all_pairs.  broker_work_limit 0
     * and exact_pairs 0 (no focus, no all_pairs): no broker passes. */
    double broker_work_limit;  /* default KL_BROKER_WORK_LIMIT */
    uint32_t exact_pairs;      /* above the limit: the pairs with most links that get brokers (default 20) */
    int all_pairs;             /* brokers for every connected pair (--all-pairs) */
    const uint32_t *focus;     /* regions (ds indices) whose pairs among each other get brokers; borrowed */
    uint32_t n_focus;
    const uint32_t *community; /* community per vertex for participation_community, or NULL (then NAN); borrowed */
    int irb;                   /* 1: compute irb and irb_share too (exact, the path kernel) */
    int defer_brokers;         /* 1: stop before brokers, irb and participation_community (kl_regions_finish) */
    unsigned kernel;           /* KL_KERNEL_* switches of the path kernel (benchmarks); 0 */
    double epsilon, delta;     /* epsilon > 0: irb (within epsilon P) and brokers' shares (each pair:
                                  within max(epsilon, KL_BROKER_EPSILON) with probability >= 1 - delta)
                                  from sampled pairs; a selected pair whose smaller region has no more
                                  actors than the samples a pair takes is computed exactly instead */
    uint64_t seed;             /* of the sampling */
    int threads;               /* 0 = online CPUs */
} kl_regions_options_t;

/* The coarsest guarantee for sampled brokers' shares: each selected pair
 * costs as many samples as all of irb at the same epsilon, and a share is
 * read as a percentage, so 3 points is the default precision (at 0.01 the
 * 20 pairs would cost 20 times irb's samples; at 0.03, 2.2 times). */
#define KL_BROKER_EPSILON 0.03

/* The default broker work limit: W m of 10^10 is about the work of exact
 * betweenness on 34k actors and 75k ties. */
#define KL_BROKER_WORK_LIMIT 1e10

/* Defaults: hops, top 5, work limit KL_BROKER_WORK_LIMIT, 20 pairs above
 * it, no focus, no communities.  Can't fail. */
void kl_regions_options_init(kl_regions_options_t *opt);

/* ---- When to sample (analysis/policy.c)
 *
 * One policy for every command that computes betweenness, irb or
 * region-pair brokers, so that the same dataset, options and seed give the
 * same numbers whichever command prints them:
 *
 *     kl_sampling_request_t req;
 *     kl_sampling_request_init(&req);
 *     req.epsilon = ...;                     // what the user asked for
 *     kl_sampling_decision_t d;
 *     kl_sampling_decide(&d, &req, g.n, g.csr.m);
 *     kl_sampling_apply(&d, &aopt, &ropt);   // either may be NULL
 *     if (d.reason == KL_SAMPLING_TOO_COSTLY) ... the caller says so ...
 *
 * Exact betweenness costs O(n m); above KL_EXACT_WORK_LIMIT actor x tie
 * products (100 000 actors and 500 000 ties) it would take more than a few
 * minutes on a small machine, so betweenness and irb are then sampled with
 * the guarantee KL_AUTO_EPSILON / KL_AUTO_DELTA unless the user insists
 * (--exact) or chose a sampling of their own. */
#define KL_EXACT_WORK_LIMIT 5e10
#define KL_AUTO_EPSILON 0.01
#define KL_AUTO_DELTA 0.1
/* The most pairs an asked --epsilon may draw (for betweenness, and as many
 * again for irb): about a minute on a small graph, hours on a large one.
 * Above it the analysis is exact when n m is within the exact limit (exact
 * meets any epsilon), else refused with the smallest epsilon that fits. */
#define KL_PAIR_SAMPLE_BUDGET 1e7

typedef enum {
    KL_BETWEENNESS_EXACT = 0,
    KL_BETWEENNESS_SOURCES, /* K sources drawn uniformly (--samples), with standard errors */
    KL_BETWEENNESS_PAIRS    /* Riondato-Kornaropoulos pair sampling with epsilon and delta */
} kl_betweenness_method;

typedef enum {
    KL_SAMPLING_SMALL = 0,     /* exact: n m within the limit */
    KL_SAMPLING_EXACT_ASKED,   /* exact: the user insisted (--exact) */
    KL_SAMPLING_SOURCES_ASKED, /* sources: the user asked (--samples) */
    KL_SAMPLING_PAIRS_ASKED,   /* pairs: the user asked (--epsilon, --delta) */
    KL_SAMPLING_TOO_COSTLY,    /* pairs with KL_AUTO_EPSILON / KL_AUTO_DELTA: n m above the limit */
    KL_SAMPLING_EXACT_CHEAPER, /* exact: the asked epsilon needs more than KL_PAIR_SAMPLE_BUDGET pairs */
    KL_SAMPLING_OVER_BUDGET    /* refused: so does the asked epsilon, and n m is above the limit */
} kl_sampling_reason;

/* What the user asked for.  At most one of exact, samples and epsilon is
 * set (the command line refuses the others); should several be, samples
 * wins over epsilon, which wins over exact. */
typedef struct {
    int exact;                /* never sample */
    uint32_t samples;         /* K > 0: K sources */
    double epsilon, delta;    /* epsilon > 0: pair sampling; delta 0: KL_AUTO_DELTA */
    double exact_work_limit;  /* n m above which exact is too costly (default KL_EXACT_WORK_LIMIT;
                                 lowered by tests through the command line's KLUSTER_EXACT_LIMIT) */
    double broker_work_limit; /* W m up to which every region pair gets brokers
                                 (kl_regions_options_t; default KL_BROKER_WORK_LIMIT,
                                 lowered by the same override) */
} kl_sampling_request_t;

typedef struct {
    kl_betweenness_method method;
    kl_sampling_reason reason;
    uint32_t samples;          /* KL_BETWEENNESS_SOURCES: K */
    double epsilon, delta;     /* KL_BETWEENNESS_PAIRS: the guarantee; 0 otherwise */
    uint32_t n, m;             /* the graph decided on */
    double work;               /* n m */
    double exact_work_limit;   /* the limit work was held against */
    double broker_work_limit;  /* handed on to the region-pair brokers */
    double pairs_needed;       /* pair samples the asked epsilon needs at most (vertex diameter n) */
    double epsilon_asked;      /* the asked epsilon, kept when it is set aside */
    double epsilon_fitting;    /* the smallest epsilon whose pairs_needed fits the budget (2 digits) */
} kl_sampling_decision_t;

/* Nothing asked, default limits.  Can't fail. */
void kl_sampling_request_init(kl_sampling_request_t *req);

/* The decision for a graph of n actors and m ties.  O(1), can't fail. */
void kl_sampling_decide(kl_sampling_decision_t *d, const kl_sampling_request_t *req, uint32_t n, uint32_t m);

/* Copy the decision into the options of kl_analysis_run (samples, epsilon,
 * delta) and kl_regions_compute (epsilon, delta, and the broker work
 * limit); either may be NULL.  Other fields (seed, threads...) are left
 * alone. */
void kl_sampling_apply(const kl_sampling_decision_t *d, kl_analysis_options_t *aopt, kl_regions_options_t *ropt);

typedef struct {
    uint32_t region;           /* index into ds->regions */
    uint32_t actors;           /* vertices with this region */
    uint32_t internal_ties, external_ties, regionless_ties;
    double ei_index;           /* (external - internal) / (external + internal); NAN when that sum is 0 */
} kl_region_info_t;

typedef struct {
    uint32_t vertex;
    double share;              /* of the pair's connected actor pairs */
} kl_broker_t;

typedef struct {
    uint32_t a, b;             /* ds region indices, id(a) < id(b) */
    int connected;
    uint32_t direct_ties;
    double distance;           /* NAN when not connected */
    double actor_pairs;        /* connected actor pairs (s in a, t in b) */
    double links;              /* ties between an actor of a and one of b, plus regionless actors tied
                                  to an actor of a and one of b (each counted once per pair) */
    int has_brokers;           /* 1: brokers computed (possibly none); 0: not computed (null) */
    double brokers_epsilon;    /* 0: brokers exact (or not computed); > 0: sampled, each share within it
                                  of the truth with probability >= 1 - kl_regions_t.delta */
    kl_broker_t *brokers;      /* n_brokers, share descending, then actor id */
    uint32_t n_brokers;
    uint32_t *cut;             /* cut actors (vertices), by actor id */
    uint32_t n_cut;
} kl_region_pair_t;

typedef struct {
    uint32_t n_regions;        /* = ds->n_regions, sorted by region id */
    kl_region_info_t *regions;
    uint32_t n_pairs;          /* pairs of regions that both have actors */
    kl_region_pair_t *pairs;
    /* per vertex (g->n each) */
    uint32_t *regions_reached;
    double *participation_region;    /* NAN when no tie to an actor with a region */
    double *participation_community; /* NAN without communities or for isolated actors */
    double *ei_index;                /* NAN for regionless actors or without region ties */
    uint64_t *disconnects;           /* connected cross-region pairs (neither v) that removing v disconnects */
    double *irb, *irb_share;         /* only with opt->irb (else NULL); irb_share NAN when P = 0 */
    int32_t dominant_actor;          /* with opt->irb: vertex with irb_share > 0.5, or -1 */
    double cross_pairs;              /* P: connected unordered pairs of actors with different regions */
    double seconds_brokers;          /* wall time of the broker passes run by the regions */
    double seconds_brokers_fused;    /* estimated time of the brokers' lanes in the metrics' passes */
    uint64_t pair_samples;           /* with opt->epsilon: pairs drawn in all (brokers and irb) */
    double epsilon, delta;           /* copies of opt's: 0 when exact */
    double broker_epsilon;           /* guarantee of the sampled brokers' shares: max(epsilon, KL_BROKER_EPSILON) */
    double broker_work;              /* W m of the broker rule (see kl_regions_options_t) */
    /* between kl_regions_compute and kl_regions_finish: per pair, 0 or
     * how its brokers are computed (KL_BROKERS_EXACT, KL_BROKERS_SAMPLED);
     * NULL once finished */
    uint8_t *broker_plan;
    uint64_t broker_samples;         /* samples per sampled pair */
} kl_regions_t;

#define KL_BROKERS_EXACT 1
#define KL_BROKERS_SAMPLED 2

/* The exact pair sums of one run of the path kernel (kl_paths_t's pairs):
 * kernel pair i is region pair pair[i] of a kl_regions_t, from the sources
 * of region src[i] to the targets of region dst[i]; sum holds n_pairs * n
 * doubles, n = g->n.  kl_regions_pair_request fills everything but the
 * sums; kl_analysis_run computes them in its own passes when it runs exact
 * (then filled = 1 and seconds = the passes' time spent on them). */
typedef struct kl_pair_sums {
    uint32_t n_pairs, n;
    uint32_t *pair;
    int32_t *src, *dst;
    double *sum;
    int filled;
    double seconds;
} kl_pair_sums_t;

void kl_pair_sums_destroy(kl_pair_sums_t *s);

/* Everything above for the analysis graph g of the finalized dataset ds
 * (both borrowed).  out is filled (caller owns it; kl_regions_destroy, also
 * after a failure).  Errors: KL_ENOMEM, KL_EGRAPHLIB, KL_EINVAL (a focus
 * region out of range).
 * Time: O((n + m) log n + n R^2) for the block-cut tree counts (cut actors,
 * disconnects), O(R (n + m)) for the distances (R = regions with actors;
 * times log n weighted), O(n + m + sum over regionless x of r_x^2) for the
 * links (r_x = distinct regions among x's neighbours), O(|a| (n + m)) per
 * pair with brokers. */
kl_err kl_regions_compute(kl_regions_t *out, const kl_dataset_t *ds, const kl_agraph_t *g,
                          const kl_regions_options_t *opt, kl_error_t *err);

/* In two steps, so that the exact brokers ride on the metrics' passes:
 * kl_regions_compute with opt->defer_brokers stops before the brokers, irb
 * and participation_community; kl_regions_pair_request then names the
 * exact pairs of the first kernel run (req: caller owns it,
 * kl_pair_sums_destroy); kl_analysis_run (options.pair_sums = req) may
 * compute them; kl_regions_finish completes out, using req's sums when
 * they are filled and computing the rest itself.  Results are the same bits
 * as one kl_regions_compute.  Errors: KL_ENOMEM. */
kl_err kl_regions_pair_request(const kl_regions_t *out, const kl_agraph_t *g, kl_pair_sums_t *req);
kl_err kl_regions_finish(kl_regions_t *out, const kl_dataset_t *ds, const kl_agraph_t *g,
                         const kl_regions_options_t *opt, const kl_pair_sums_t *ready, kl_error_t *err);
void kl_regions_destroy(kl_regions_t *r);

/* How many of the n_regions regions have actors in g into *count (the R of
 * the costs above: R(R-1)/2 region pairs).  0, or -1 when out of memory.
 * O(n + n_regions). */
int kl_regions_with_actors(const kl_agraph_t *g, uint32_t n_regions, uint32_t *count);

/* whatif --rank alone: disconnects[v] (g->n entries, caller-allocated) as in
 * kl_regions_t, exact for all actors at once through the block-cut tree with
 * per-region counts merged small to large, and *cross_pairs = P (optional).
 * O((n + m) log n).  Errors: KL_ENOMEM, KL_EGRAPHLIB. */
kl_err kl_whatif_rank(const kl_agraph_t *g, uint64_t *disconnects, double *cross_pairs, kl_error_t *err);

/* The state `whatif --remove` compares, for one set of removed actors. */
typedef struct {
    uint32_t actors;           /* actors with a region still in the graph */
    double cross_pairs;        /* unordered pairs of those with different regions */
    double connected_pairs;    /* of which connected */
    double distance_sum;       /* sum of their shortest-path lengths (hops or 1/weight) */
    uint8_t *pair_connected;   /* per kl_regions_t-style pair index (see kl_whatif_t.pair_a/b) */
    double *pair_distance;     /* NAN when not connected */
} kl_whatif_state_t;

typedef struct {
    uint32_t n_pairs;          /* pairs of regions that both have actors before the removal */
    uint32_t *pair_a, *pair_b; /* ds region indices, id(a) < id(b), sorted */
    kl_whatif_state_t before, after;
    double lost_pairs;         /* actor pairs (neither removed) connected before, not after */
    double kept_distance_sum;  /* distances before the removal of the after.connected_pairs pairs that stay
                                  connected: compared with after.distance_sum, the same pairs' paths */
} kl_whatif_t;

/* Compare g with g minus the vertices in removed[0..n_removed) (borrowed;
 * duplicates allowed).  Distances: hops, or 1/weight when weighted.  out is
 * filled (caller owns it; kl_whatif_destroy, also after a failure).  Errors:
 * KL_ENOMEM, KL_EINVAL (a vertex out of range).  Time O(S (n + m)) for the
 * mean distances (three passes: before, after, and before over the pairs
 * that stay connected), S = actors with a region (times log n weighted),
 * run on `threads` threads (0 = online CPUs). */
kl_err kl_whatif_compare(kl_whatif_t *out, const kl_dataset_t *ds, const kl_agraph_t *g, const uint32_t *removed,
                         uint32_t n_removed, int weighted, int threads, kl_error_t *err);
void kl_whatif_destroy(kl_whatif_t *w);

/* Time exact betweenness and exact irb as two separate kernel runs on g
 * (hops, or 1/weight when weighted), for `analyze --timings` and the
 * benchmark: *betweenness_s and *irb_s receive the wall times.  The results
 * are thrown away (kl_analysis_run computes both in one sweep).  Errors:
 * KL_ENOMEM. */
kl_err kl_paths_time(const kl_agraph_t *g, int weighted, int threads, double *betweenness_s, double *irb_s,
                     kl_error_t *err);

/* Switches of the path kernel's reductions, for benchmarks and tests (the
 * results are the same up to rounding; default 0: everything on). */
#define KL_KERNEL_NO_LEAVES 1u           /* keep degree-1 vertices instead of folding them into their host */
#define KL_KERNEL_SEPARATE_BROKERS 2u    /* exact region-pair brokers in passes of their own, not the metrics' */
#define KL_KERNEL_NO_TWINS 4u            /* a pass for each of a class of closed twins, not one for the class */
#define KL_KERNEL_NO_LEVELS 8u           /* harmonic alone: the full forward sweep, not the direction-optimizing BFS */

/* ---- The shortest-path kernel (analysis/paths.c), on any CSR graph
 *
 * One Brandes pass per source over the CSR arrays (kl_csr_t), on worker
 * lanes merged in a fixed order, so the sums do not depend on the number of
 * threads.  kl_analysis_run and kl_regions_compute use it for betweenness,
 * harmonic closeness and irb; a program with a graph of its own can call it
 * directly. */
typedef struct {
    /* input */
    const kl_csr_t *g;
    int weighted;            /* 0: hops; 1: distance 1/w, lengths within 1e-10 relative are equal */
    const uint32_t *sources; /* sources to run from (repeats allowed); NULL = every vertex once */
    uint32_t n_sources;
    int threads;             /* 0 = number of online CPUs */
    const int32_t *region;   /* per vertex region or -1; needed for irb */
    unsigned kernel;         /* KL_KERNEL_* switches; 0 */

    /* outputs: each may be NULL (then not computed); arrays of g->n, zeroed by the kernel.
     * dep = dependency delta_s(v) of a source's pass (Brandes), summed over the sources. */
    double *dep_sum;         /* sum_s delta_s(v); betweenness = dep_sum / 2 when every vertex is a source */
    double *dep_sumsq;       /* sum_s delta_s(v)^2, for the standard error of sampled estimates */
    double *harmonic;        /* sum_s 1/d(s, v) over the sources (v != s, reachable) */
    double *irb_sum;         /* the same dependency counting only targets t with a region other than
                                the source's (sources without a region contribute nothing) */
    double *irb_sumsq;

    /* Region pairs (every vertex a source only): for pair i, the dependency
     * of the sources with region pair_src[i] counting only targets with
     * region pair_dst[i] (!= pair_src[i]), summed over those sources, in
     * pair_sum[i * g->n + v] (n_pairs * g->n, zeroed by the kernel).  They
     * ride on the same passes as the outputs above, as extra lanes of the
     * backward sweep: a pair costs a fraction of a sweep, not a pass.  A
     * pair's sums are the same bits whatever else the run computes. */
    uint32_t n_pairs;
    const int32_t *pair_src, *pair_dst;
    double *pair_sum;

    /* outputs: arc inspections of the forward and backward sweeps, summed;
     * the share of the passes' time spent in the pair lanes */
    uint64_t arcs;
    double pair_fraction;
} kl_paths_t;

/* Run the passes.  Returns KL_OK, KL_ENOMEM (outputs then undefined) or
 * KL_EINVAL (a source out of range; pairs with sources given, or a pair
 * without two distinct regions).  O(k (n + m)) unweighted, O(k (m + n log
 * n)) weighted, k sources; plus O(L m) for a pass with L pair lanes. */
kl_err kl_paths_run(kl_paths_t *p);


#endif

/* pipeline/pipeline.h - one analysis run: load a dataset, build its analysis
 * graph, decide when to sample, compute the metrics, the regions and their
 * brokers, and Gould-Fernandez brokerage, with one options struct.  Every
 * command that prints a number computed here (analyze, bridges, render,
 * export, batch, diff) runs it through this module, so the same dataset,
 * options and seed give the same numbers whichever command prints them.
 *
 *     kl_run_options_t opt;
 *     kl_run_options_init(&opt);            // defaults; set what was asked
 *     kl_run_t run;
 *     kl_run_init(&run);
 *     if (kl_run_execute(&run, "datasets/cleantech-se", &opt, &err) != KL_OK) ...
 *     ... run.metrics.betweenness[v], run.regions.pairs[p] ...
 *     kl_run_destroy(&run);
 *
 * Nothing here prints: warnings stay in run.ds (kl_dataset_warning), notes
 * are returned as text (kl_run_sampling_note).  Interrupt-safe writing and
 * messages are the caller's.
 */
#ifndef KL_PIPELINE_H
#define KL_PIPELINE_H

#include "../analysis/analysis.h"
#include "../engine/graph.h"
#include "../loaders/loaders.h"
#include "../writers/writers.h"

#include <stddef.h>
#include <stdint.h>

/* What a run computes, as bits of kl_run_options_t.parts.  Loading and the
 * analysis graph always happen. */
enum {
    KL_RUN_METRICS = 1u << 0,   /* kl_analysis_run: every per-actor and graph metric */
    KL_RUN_REGIONS = 1u << 1,   /* kl_regions_compute: regions, pairs, mixing, cut actors */
    KL_RUN_PAIR_BROKERS = 1u << 2, /* with REGIONS: the region pairs' brokers (the pair rule) */
    KL_RUN_REGION_IRB = 1u << 3, /* with REGIONS and without METRICS: irb from the regions' own pass */
    KL_RUN_BROKERAGE = 1u << 4, /* Gould-Fernandez roles, directed and undirected readings */
    KL_RUN_ALL = KL_RUN_METRICS | KL_RUN_REGIONS | KL_RUN_PAIR_BROKERS | KL_RUN_BROKERAGE
};

/* The stages, for progress reports and timings. */
typedef enum {
    KL_STAGE_LOAD = 0,
    KL_STAGE_GRAPH,
    KL_STAGE_METRICS,
    KL_STAGE_REGIONS,
    KL_STAGE_BROKERAGE,
    KL_STAGE_COUNT
} kl_run_stage;

typedef struct {
    /* the dataset */
    kl_load_options_t load;        /* limits, --resolve-names, GraphML attributes */
    int strict;                    /* a dataset with warnings is an error */
    /* the analysis graph and its paths */
    kl_graph_options_t graph;      /* mode, tie types, excluded kinds, time window */
    int weighted;                  /* path lengths are sums of 1/weight; 0: hops */
    int threads;                   /* 0: online CPUs; results do not depend on it */
    uint64_t seed;                 /* community detection and every sampling */
    kl_community_method communities;
    /* the one sampling policy (analysis.h): what was asked and the limits */
    kl_sampling_request_t sampling;
    /* region pairs' brokers (kl_regions_options_t) */
    int all_pairs;                 /* every connected pair, however long it takes */
    uint32_t brokers_per_pair;     /* 0: the default (5) */
    const uint32_t *focus;         /* regions whose pairs among each other get brokers; borrowed */
    uint32_t n_focus;
    double broker_work_limit;      /* >= 0: wins over the policy's; < 0: the policy's */
    unsigned kernel;               /* KL_KERNEL_* switches of the path kernel (benchmarks); 0 */
    unsigned parts;                /* KL_RUN_* bits; default KL_RUN_ALL */
    uint32_t max_regions;          /* with KL_RUN_REGIONS: refuse more regions with actors (their pairs
                                      grow with the square); 0: no limit; default KL_MAX_REGIONS */
    /* called as each stage starts (for progress); may be NULL */
    void (*on_stage)(kl_run_stage stage, void *ctx);
    void *on_stage_ctx;
} kl_run_options_t;

typedef struct {
    kl_dataset_t ds;
    kl_agraph_t g;
    kl_sampling_decision_t sampling; /* what the policy decided for g */
    kl_analysis_t metrics;           /* with KL_RUN_METRICS */
    kl_regions_t regions;            /* with KL_RUN_REGIONS (and irb with KL_RUN_REGION_IRB) */
    kl_brokerage_t brokerage;        /* with KL_RUN_BROKERAGE: directed reading */
    kl_brokerage_t brokerage_u;      /*                        undirected reading */
    unsigned done;                   /* KL_RUN_* bits computed */
    int loaded, built;               /* stages reached */
    double broker_work_limit;        /* the limit the pair rule used */
    double seconds[KL_STAGE_COUNT];  /* wall time per stage (never part of results) */
} kl_run_t;

/* Defaults: every part, hops, seed 1, Leiden, exact up to the policy's
 * limits, all CPUs.  Can't fail. */
void kl_run_options_init(kl_run_options_t *opt);

/* An empty run (safe to destroy); sets the engine up (kl_engine_init) on
 * first use.  Can't fail. */
void kl_run_init(kl_run_t *run);

/* Load and finalize the dataset at path (a file or folder; loaders.h).  The
 * dataset's warnings are in run->ds either way, for the caller to show.
 * Errors: the loader's (with FILE:LINE:COL), and KL_ELIMIT with "'PATH' has
 * N warnings and --strict is given" under opt->strict. */
kl_err kl_run_load(kl_run_t *run, const char *path, const kl_run_options_t *opt, kl_error_t *err);

#define KL_MAX_REGIONS 1000u

/* Build the analysis graph of the loaded dataset and take the sampling
 * decision for it.  Errors: KL_ENOMEM, KL_EGRAPHLIB, KL_ELIMIT (more ties
 * than opt->graph.max_ties; with KL_RUN_REGIONS in opt->parts, more regions
 * with actors than opt->max_regions). */
kl_err kl_run_build(kl_run_t *run, const kl_run_options_t *opt, kl_error_t *err);

/* Compute opt->parts on the built graph.  Errors: KL_ENOMEM, KL_EGRAPHLIB,
 * KL_EINVAL (a focus region out of range). */
kl_err kl_run_analyse(kl_run_t *run, const kl_run_options_t *opt, kl_error_t *err);

/* The three above in turn. */
kl_err kl_run_execute(kl_run_t *run, const char *path, const kl_run_options_t *opt, kl_error_t *err);

void kl_run_destroy(kl_run_t *run);

/* The run's typed results as the writers take them (kl_write_json,
 * kl_write_csv, kl_write_md, ...): all borrowed from run, which must
 * outlive out.  path is the dataset as the user named it, top the rows per
 * table of the Markdown summary.  Can't fail. */
void kl_run_report(const kl_run_t *run, const char *path, uint32_t top, kl_report_t *out);

/* The options kl_run_analyse hands to kl_analysis_run and kl_regions_compute,
 * for callers that run one of them on their own graph (a view's subgraph).
 * Can't fail. */
void kl_run_analysis_options(const kl_run_options_t *opt, const kl_sampling_decision_t *d,
                             kl_analysis_options_t *aopt);
void kl_run_regions_options(const kl_run_options_t *opt, const kl_sampling_decision_t *d,
                            const uint32_t *community, kl_regions_options_t *ropt);

/* The note that says exact betweenness was too costly ("40000 actors and ...
 * sampling shortest paths (epsilon 0.01, delta 0.1; --exact to insist)")
 * into buf; returns 0 when there is nothing to say (buf is then ""), 1
 * otherwise.  snprintf-like truncation.  Can't fail. */
int kl_run_sampling_note(const kl_sampling_decision_t *d, char *buf, size_t size);

/* The note that eigenvector centrality stopped at its step cap, or 0 and ""
 * when it converged.  Can't fail. */
int kl_run_eigenvector_note(const kl_analysis_t *metrics, char *buf, size_t size);

/* ------------------------------------------------------- over time */

/* Drop the analysis graph and every result of run, keeping the loaded
 * dataset, so that kl_run_build can build another graph from it (another
 * time window).  Can't fail. */
void kl_run_unbuild(kl_run_t *run);

typedef struct {
    int32_t from, to;          /* yyyymmdd, as kl_graph_options_t's window */
} kl_period_t;

/* Periods from text: a comma-separated list of YYYY, YYYY-YYYY or
 * DATE..DATE (DATE: YYYY or YYYY-MM-DD), each a closed window.  *out is
 * malloc'ed.  Returns 0, or -1 with a message naming the bad item in msg
 * (an empty list, a malformed item, an item that ends before it starts). */
int kl_periods_parse(const char *text, kl_period_t **out, uint32_t *n, char *msg, size_t size);

/* Periods of `every` years from first to last (years, inclusive); the last
 * period ends at last.  Returns 0, or -1 (no memory, or first > last). */
int kl_periods_every(int first, int last, uint32_t every, kl_period_t **out, uint32_t *n);

/* The years the dataset's relations are dated in: the first start or end
 * year and the last.  Returns 0, or -1 when no relation has a date. */
int kl_dataset_years(const kl_dataset_t *ds, int *first, int *last);

/* One analysis per period on the loaded run->ds, each exactly as
 * kl_run_build and kl_run_analyse give it with opt and the period as the
 * window (so the numbers are those of `kluster analyze --from --to`), and
 * what changed from each period to the next.  cumulative: every period
 * starts where the first starts.  on_period (may be NULL) is called as each
 * period starts.  Errors: those of kl_run_build and kl_run_analyse, named
 * with the period.  t borrows run->ds: run must outlive it. */
kl_err kl_trend_run(kl_trend_t *t, kl_run_t *run, const kl_run_options_t *opt, const kl_period_t *periods,
                    uint32_t n, int cumulative, uint32_t top,
                    void (*on_period)(uint32_t i, uint32_t n, const kl_period_t *p, void *ctx), void *ctx,
                    kl_error_t *err);
void kl_trend_destroy(kl_trend_t *t);

#endif

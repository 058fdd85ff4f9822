/* pipeline/run.c - one analysis run (pipeline.h): the order of the stages
 * and how one set of options reaches each of them. */
#include "pipeline.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void kl_run_options_init(kl_run_options_t *opt)
{
    memset(opt, 0, sizeof *opt);
    kl_load_options_init(&opt->load);
    kl_graph_options_init(&opt->graph);
    kl_sampling_request_init(&opt->sampling);
    kl_analysis_options_t defaults;
    kl_analysis_options_init(&defaults);
    opt->seed = defaults.seed;
    opt->communities = defaults.communities;
    opt->broker_work_limit = -1;
    opt->parts = KL_RUN_ALL;
    opt->max_regions = KL_MAX_REGIONS;
}

void kl_run_init(kl_run_t *run)
{
    memset(run, 0, sizeof *run);
    /* igraph's errors become kl_err codes, never an abort, for programs
     * that do not set the engine up themselves */
    kl_engine_init();
}

static void stage(const kl_run_options_t *opt, kl_run_stage s)
{
    if (opt->on_stage)
        opt->on_stage(s, opt->on_stage_ctx);
}

kl_err kl_run_load(kl_run_t *run, const char *path, const kl_run_options_t *opt, kl_error_t *err)
{
    stage(opt, KL_STAGE_LOAD);
    double t0 = now_seconds();
    if (kl_dataset_init(&run->ds) != KL_OK)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    run->loaded = 1;
    kl_err rc = kl_load_dataset(&run->ds, path, &opt->load, err);
    run->seconds[KL_STAGE_LOAD] = now_seconds() - t0;
    if (rc != KL_OK)
        return rc;
    if (opt->strict && run->ds.n_warnings)
        return kl_error_set(err, KL_ELIMIT, NULL, 0, 0, "'%s' has %u warning%s and --strict is given", path,
                            run->ds.n_warnings, run->ds.n_warnings == 1 ? "" : "s");
    return KL_OK;
}

/* The organisations view left projects out (--max-project-size): one
 * warning in the dataset's list, so that every report that lists the
 * warnings shows it. */
static void warn_skipped_projects(kl_dataset_t *ds, const kl_agraph_t *g)
{
    char largest[400] = "";
    size_t len = 0;
    for (uint32_t i = 0; i < g->skipped_shown && len < sizeof largest; i++)
        len += (size_t)snprintf(largest + len, sizeof largest - len, "%s'%.80s' (%u)", i ? ", " : "",
                                ds->entities[g->skipped_project[i]].id, g->skipped_size[i]);
    kl_dataset_warn(ds, KL_WARN_OTHER, NULL, NULL,
                    "%u project%s with more than %u organisations left out of the organisations view "
                    "(--max-project-size): %s%s",
                    g->skipped_projects, g->skipped_projects == 1 ? "" : "s", g->options.max_project_size, largest,
                    g->skipped_projects > g->skipped_shown ? ", ..." : "");
}

kl_err kl_run_build(kl_run_t *run, const kl_run_options_t *opt, kl_error_t *err)
{
    stage(opt, KL_STAGE_GRAPH);
    double t0 = now_seconds();
    kl_err rc = kl_agraph_build(&run->g, &run->ds, &opt->graph, err);
    run->seconds[KL_STAGE_GRAPH] = now_seconds() - t0;
    if (rc != KL_OK)
        return rc;
    run->built = 1;
    if (run->g.skipped_projects)
        warn_skipped_projects(&run->ds, &run->g);
    uint32_t nr;
    if ((opt->parts & KL_RUN_REGIONS) && opt->max_regions) {
        if (kl_regions_with_actors(&run->g, run->ds.n_regions, &nr) < 0)
            return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
        if (nr > opt->max_regions)
            return kl_error_set(err, KL_ELIMIT, NULL, 0, 0,
                                "%u regions have actors, more than %u (--max-regions): their pairs grow with the "
                                "square of their number",
                                nr, opt->max_regions);
    }
    kl_sampling_decision_t *d = &run->sampling;
    kl_sampling_decide(d, &opt->sampling, run->g.n, run->g.csr.m);
    if (d->reason == KL_SAMPLING_OVER_BUDGET)
        return kl_error_set(err, KL_ELIMIT, NULL, 0, 0,
                            "--epsilon %g needs up to %.2g pair samples, over the budget of %.0e, and exact "
                            "betweenness on %u actors and %u ties is over its limit too: give --epsilon %g or "
                            "larger, or --exact to insist",
                            d->epsilon_asked, d->pairs_needed, KL_PAIR_SAMPLE_BUDGET, d->n, d->m, d->epsilon_fitting);
    return KL_OK;
}

void kl_run_analysis_options(const kl_run_options_t *opt, const kl_sampling_decision_t *d,
                             kl_analysis_options_t *aopt)
{
    kl_analysis_options_init(aopt);
    aopt->weighted = opt->weighted;
    aopt->threads = opt->threads;
    aopt->seed = opt->seed;
    aopt->communities = opt->communities;
    aopt->kernel = opt->kernel;
    kl_sampling_apply(d, aopt, NULL);
}

void kl_run_regions_options(const kl_run_options_t *opt, const kl_sampling_decision_t *d,
                            const uint32_t *community, kl_regions_options_t *ropt)
{
    kl_regions_options_init(ropt);
    kl_sampling_apply(d, NULL, ropt);
    ropt->weighted = opt->weighted;
    ropt->threads = opt->threads;
    ropt->seed = opt->seed;
    ropt->kernel = opt->kernel;
    ropt->community = community;
    ropt->all_pairs = opt->all_pairs;
    ropt->focus = opt->focus;
    ropt->n_focus = opt->n_focus;
    if (opt->brokers_per_pair)
        ropt->top = opt->brokers_per_pair;
    if (opt->broker_work_limit >= 0)
        ropt->broker_work_limit = opt->broker_work_limit; /* asked for: wins over the policy's */
    if (!(opt->parts & KL_RUN_PAIR_BROKERS)) {
        /* per-actor and per-pair counts only: no broker passes */
        ropt->exact_pairs = 0;
        ropt->broker_work_limit = 0;
    }
    /* the metrics carry irb; without them the regions' own pass can */
    ropt->irb = (opt->parts & KL_RUN_REGION_IRB) && !(opt->parts & KL_RUN_METRICS);
}

kl_err kl_run_analyse(kl_run_t *run, const kl_run_options_t *opt, kl_error_t *err)
{
    if (!run->built)
        return kl_error_set(err, KL_EINVAL, NULL, 0, 0, "no analysis graph to analyse");
    kl_err rc = KL_OK;
    kl_analysis_options_t aopt;
    kl_regions_options_t ropt;
    kl_pair_sums_t sums;
    memset(&sums, 0, sizeof sums);
    kl_run_analysis_options(opt, &run->sampling, &aopt);
    int metrics = opt->parts & KL_RUN_METRICS, regions = opt->parts & KL_RUN_REGIONS;
    /* Exact metrics run a pass from every actor: the exact region-pair
     * brokers then ride on those passes (kl_regions_finish), so the
     * regions' pairs are chosen first and finished after the metrics. */
    int fuse = metrics && regions && (opt->parts & KL_RUN_PAIR_BROKERS) && aopt.samples == 0 &&
               aopt.epsilon <= 0 && !(opt->kernel & KL_KERNEL_SEPARATE_BROKERS);
    double t0 = now_seconds(), t_regions = 0;
    if (fuse) {
        stage(opt, KL_STAGE_REGIONS);
        kl_run_regions_options(opt, &run->sampling, NULL, &ropt);
        ropt.defer_brokers = 1;
        run->broker_work_limit = ropt.broker_work_limit;
        if ((rc = kl_regions_compute(&run->regions, &run->ds, &run->g, &ropt, err)) != KL_OK)
            return rc;
        if (kl_regions_pair_request(&run->regions, &run->g, &sums) != KL_OK)
            return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
        aopt.pair_sums = &sums;
        t_regions = now_seconds() - t0;
    }
    double t1 = now_seconds();
    if (metrics) {
        stage(opt, KL_STAGE_METRICS);
        if ((rc = kl_analysis_run(&run->metrics, &run->g, &run->ds, &aopt, err)) != KL_OK) {
            kl_pair_sums_destroy(&sums);
            return rc;
        }
        run->done |= KL_RUN_METRICS;
    }
    double t2 = now_seconds();
    run->seconds[KL_STAGE_METRICS] = t2 - t1;
    if (regions) {
        stage(opt, KL_STAGE_REGIONS);
        kl_run_regions_options(opt, &run->sampling,
                               (run->done & KL_RUN_METRICS) ? run->metrics.community : NULL, &ropt);
        run->broker_work_limit = ropt.broker_work_limit;
        rc = fuse ? kl_regions_finish(&run->regions, &run->ds, &run->g, &ropt, &sums, err)
                  : kl_regions_compute(&run->regions, &run->ds, &run->g, &ropt, err);
        kl_pair_sums_destroy(&sums);
        if (rc != KL_OK)
            return rc;
        run->done |= KL_RUN_REGIONS | (opt->parts & (KL_RUN_PAIR_BROKERS | KL_RUN_REGION_IRB));
    }
    double t3 = now_seconds();
    run->seconds[KL_STAGE_REGIONS] = t3 - t2 + t_regions;
    if (opt->parts & KL_RUN_BROKERAGE) {
        stage(opt, KL_STAGE_BROKERAGE);
        if ((rc = kl_brokerage_compute(&run->brokerage, &run->ds, &run->g, 0, err)) != KL_OK ||
            (rc = kl_brokerage_compute(&run->brokerage_u, &run->ds, &run->g, 1, err)) != KL_OK)
            return rc;
        run->done |= KL_RUN_BROKERAGE;
    }
    run->seconds[KL_STAGE_BROKERAGE] = now_seconds() - t3;
    return KL_OK;
}

kl_err kl_run_execute(kl_run_t *run, const char *path, const kl_run_options_t *opt, kl_error_t *err)
{
    kl_err rc = kl_run_load(run, path, opt, err);
    if (rc == KL_OK)
        rc = kl_run_build(run, opt, err);
    if (rc == KL_OK)
        rc = kl_run_analyse(run, opt, err);
    return rc;
}

void kl_run_destroy(kl_run_t *run)
{
    kl_run_unbuild(run);
    if (run->loaded)
        kl_dataset_destroy(&run->ds);
    kl_run_init(run);
}

void kl_run_unbuild(kl_run_t *run)
{
    kl_brokerage_destroy(&run->brokerage);
    kl_brokerage_destroy(&run->brokerage_u);
    kl_regions_destroy(&run->regions);
    kl_analysis_destroy(&run->metrics);
    if (run->built)
        kl_agraph_destroy(&run->g);
    memset(&run->brokerage, 0, sizeof run->brokerage);
    memset(&run->brokerage_u, 0, sizeof run->brokerage_u);
    memset(&run->regions, 0, sizeof run->regions);
    memset(&run->metrics, 0, sizeof run->metrics);
    memset(&run->g, 0, sizeof run->g);
    memset(&run->sampling, 0, sizeof run->sampling);
    run->built = 0;
    run->done = 0;
}

void kl_run_report(const kl_run_t *run, const char *path, uint32_t top, kl_report_t *out)
{
    memset(out, 0, sizeof *out);
    out->ds = &run->ds;
    out->g = &run->g;
    out->res = &run->metrics;
    out->dataset_path = path;
    out->top = top;
    out->regions = (run->done & KL_RUN_REGIONS) ? &run->regions : NULL;
    out->brokerage = (run->done & KL_RUN_BROKERAGE) ? &run->brokerage : NULL;
    out->brokerage_u = (run->done & KL_RUN_BROKERAGE) ? &run->brokerage_u : NULL;
}

int kl_run_sampling_note(const kl_sampling_decision_t *d, char *buf, size_t size)
{
    if (size)
        buf[0] = '\0';
    if (d->reason == KL_SAMPLING_EXACT_CHEAPER) {
        snprintf(buf, size,
                 "--epsilon %g needs up to %.2g pair samples, over the budget of %.0e; computing exactly instead, "
                 "which meets any epsilon (%u actors and %u ties)",
                 d->epsilon_asked, d->pairs_needed, KL_PAIR_SAMPLE_BUDGET, d->n, d->m);
        return 1;
    }
    if (d->reason != KL_SAMPLING_TOO_COSTLY)
        return 0;
    snprintf(buf, size,
             "%u actors and %u ties are too many for exact betweenness; sampling shortest paths (epsilon %g, delta "
             "%g; --exact to insist)",
             d->n, d->m, d->epsilon, d->delta);
    return 1;
}

int kl_run_eigenvector_note(const kl_analysis_t *metrics, char *buf, size_t size)
{
    if (size)
        buf[0] = '\0';
    if (metrics->eigenvector_converged)
        return 0;
    snprintf(buf, size,
             "eigenvector centrality did not converge in %u steps (the two leading eigenvalues are too close); its "
             "values are those of the last step",
             metrics->eigenvector_iterations);
    return 1;
}

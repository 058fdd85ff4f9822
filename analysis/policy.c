/* analysis/policy.c - when betweenness, irb and region-pair brokers are
 * computed exactly and when they are sampled (see analysis.h, "When to
 * sample"): the one place every command asks. */
#include "analysis.h"

#include "sampling.h"

#include <math.h>
#include <string.h>

void kl_sampling_request_init(kl_sampling_request_t *req)
{
    memset(req, 0, sizeof *req);
    req->exact_work_limit = KL_EXACT_WORK_LIMIT;
    req->broker_work_limit = KL_BROKER_WORK_LIMIT;
}

/* An asked epsilon whose pair count is over KL_PAIR_SAMPLE_BUDGET (delta / 2
 * as betweenness and irb draw with, and the vertex diameter bounded by n, as
 * no sampler has run yet): exact instead when n m allows, else refused. */
static void over_budget(kl_sampling_decision_t *d, const kl_sampling_request_t *req)
{
    d->pairs_needed = kl_pair_sample_count(d->n, d->epsilon, d->delta / 2);
    if (d->pairs_needed <= KL_PAIR_SAMPLE_BUDGET)
        return;
    d->epsilon_asked = d->epsilon;
    /* r = c / eps^2: the eps with r at the budget, rounded up to 2 digits */
    double e = d->epsilon * sqrt(d->pairs_needed / KL_PAIR_SAMPLE_BUDGET);
    double scale = pow(10, floor(log10(e)) - 1);
    d->epsilon_fitting = ceil(e / scale - 1e-9) * scale;
    if (d->work <= req->exact_work_limit) {
        d->method = KL_BETWEENNESS_EXACT;
        d->reason = KL_SAMPLING_EXACT_CHEAPER;
        d->epsilon = d->delta = 0;
    } else {
        d->reason = KL_SAMPLING_OVER_BUDGET;
    }
}

void kl_sampling_decide(kl_sampling_decision_t *d, const kl_sampling_request_t *req, uint32_t n, uint32_t m)
{
    memset(d, 0, sizeof *d);
    d->n = n;
    d->m = m;
    /* exact up to 2^53, far beyond any limit; rounding above cannot matter */
    d->work = (double)n * (double)m;
    d->exact_work_limit = req->exact_work_limit;
    d->broker_work_limit = req->broker_work_limit;
    if (req->samples > 0) {
        d->method = KL_BETWEENNESS_SOURCES;
        d->reason = KL_SAMPLING_SOURCES_ASKED;
        d->samples = req->samples;
    } else if (req->epsilon > 0) {
        d->method = KL_BETWEENNESS_PAIRS;
        d->reason = KL_SAMPLING_PAIRS_ASKED;
        d->epsilon = req->epsilon;
        d->delta = req->delta > 0 ? req->delta : KL_AUTO_DELTA;
        over_budget(d, req);
    } else if (req->exact) {
        d->method = KL_BETWEENNESS_EXACT;
        d->reason = KL_SAMPLING_EXACT_ASKED;
    } else if (d->work > req->exact_work_limit) {
        d->method = KL_BETWEENNESS_PAIRS;
        d->reason = KL_SAMPLING_TOO_COSTLY;
        d->epsilon = KL_AUTO_EPSILON;
        d->delta = KL_AUTO_DELTA;
    } else {
        d->method = KL_BETWEENNESS_EXACT;
        d->reason = KL_SAMPLING_SMALL;
    }
}

void kl_sampling_apply(const kl_sampling_decision_t *d, kl_analysis_options_t *aopt, kl_regions_options_t *ropt)
{
    if (aopt) {
        aopt->samples = d->samples;
        aopt->epsilon = d->epsilon;
        aopt->delta = d->delta;
    }
    if (ropt) {
        /* source sampling has no counterpart for brokers: they stay exact */
        ropt->epsilon = d->epsilon;
        ropt->delta = d->delta;
        ropt->broker_work_limit = d->broker_work_limit;
    }
}

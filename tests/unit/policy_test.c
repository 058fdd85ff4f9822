/* tests/unit/policy_test.c - when betweenness is sampled (analysis/policy.c):
 * the limit on both sides of n m = 5e10, what the user asks winning over
 * the limit, a lowered limit, and the decision copied into the options of
 * the analysis and of the region pairs. */
#include "analysis/analysis.h"

#include <math.h>
#include <stdio.h>

static int failures;

static void truth(const char *what, int ok)
{
    printf("%-64s  %s\n", what, ok ? "ok" : "FAIL");
    if (!ok)
        failures++;
}

static kl_sampling_decision_t decide(const kl_sampling_request_t *req, uint32_t n, uint32_t m)
{
    kl_sampling_decision_t d;
    kl_sampling_decide(&d, req, n, m);
    return d;
}

static int is_auto_pairs(const kl_sampling_decision_t *d)
{
    return d->method == KL_BETWEENNESS_PAIRS && d->reason == KL_SAMPLING_TOO_COSTLY &&
           d->epsilon == KL_AUTO_EPSILON && d->delta == KL_AUTO_DELTA && d->samples == 0;
}

static int is_exact(const kl_sampling_decision_t *d, kl_sampling_reason why)
{
    return d->method == KL_BETWEENNESS_EXACT && d->reason == why && d->epsilon == 0 && d->delta == 0 &&
           d->samples == 0;
}

static void limits(void)
{
    kl_sampling_request_t req;
    kl_sampling_request_init(&req);
    kl_sampling_decision_t d = decide(&req, 100000, 500000); /* n m = 5e10 exactly */
    truth("n m = 5e10: exact (the limit is inclusive)", is_exact(&d, KL_SAMPLING_SMALL));
    truth("n m = 5e10: work recorded", d.work == 5e10 && d.n == 100000 && d.m == 500000);
    d = decide(&req, 100000, 500001);
    truth("n m just above 5e10: pairs, epsilon 0.01, delta 0.1", is_auto_pairs(&d));
    d = decide(&req, UINT32_MAX, UINT32_MAX);
    truth("n m near 1.8e19 (no overflow): pairs", is_auto_pairs(&d));
    d = decide(&req, 0, 0);
    truth("empty graph: exact", is_exact(&d, KL_SAMPLING_SMALL));
    truth("default limits: 5e10 and 1e10", d.exact_work_limit == 5e10 && d.broker_work_limit == 1e10);
}

static void asked(void)
{
    kl_sampling_request_t req;
    kl_sampling_request_init(&req);
    req.exact = 1;
    kl_sampling_decision_t d = decide(&req, 1000000, 5000000);
    truth("--exact above the limit: exact, because asked", is_exact(&d, KL_SAMPLING_EXACT_ASKED));

    kl_sampling_request_init(&req);
    req.epsilon = 0.05;
    d = decide(&req, 10, 10);
    truth("--epsilon below the limit: pairs, delta defaults to 0.1",
          d.method == KL_BETWEENNESS_PAIRS && d.reason == KL_SAMPLING_PAIRS_ASKED && d.epsilon == 0.05 &&
              d.delta == KL_AUTO_DELTA);
    req.delta = 0.2;
    d = decide(&req, 10, 10);
    truth("--epsilon --delta: both kept", d.epsilon == 0.05 && d.delta == 0.2);

    kl_sampling_request_init(&req);
    req.samples = 300;
    d = decide(&req, 1000000, 5000000);
    truth("--samples above the limit: sources, no epsilon",
          d.method == KL_BETWEENNESS_SOURCES && d.reason == KL_SAMPLING_SOURCES_ASKED && d.samples == 300 &&
              d.epsilon == 0 && d.delta == 0);
    req.epsilon = 0.1;
    req.exact = 1;
    d = decide(&req, 10, 10);
    truth("contradicting request: --samples wins", d.method == KL_BETWEENNESS_SOURCES);
    req.samples = 0;
    d = decide(&req, 10, 10);
    truth("contradicting request: then --epsilon", d.method == KL_BETWEENNESS_PAIRS && d.epsilon == 0.1);
}

static void lowered(void)
{
    kl_sampling_request_t req;
    kl_sampling_request_init(&req);
    req.exact_work_limit = 1000;
    kl_sampling_decision_t d = decide(&req, 10, 100);
    truth("limit 1000, n m = 1000: exact", is_exact(&d, KL_SAMPLING_SMALL));
    d = decide(&req, 11, 100);
    truth("limit 1000, n m = 1100: pairs", is_auto_pairs(&d) && d.exact_work_limit == 1000);
    req.exact_work_limit = 0;
    d = decide(&req, 2, 1);
    truth("limit 0: any tie is too much", is_auto_pairs(&d));
    d = decide(&req, 5, 0);
    truth("limit 0, no tie: exact", is_exact(&d, KL_SAMPLING_SMALL));
}

static void apply(void)
{
    kl_sampling_request_t req;
    kl_sampling_request_init(&req);
    kl_analysis_options_t a;
    kl_regions_options_t r;
    kl_analysis_options_init(&a);
    kl_regions_options_init(&r);
    a.seed = 7;
    r.top = 3;
    kl_sampling_decision_t d = decide(&req, 200000, 300000);
    kl_sampling_apply(&d, &a, &r);
    truth("apply pairs: both options get epsilon and delta",
          a.epsilon == KL_AUTO_EPSILON && a.delta == KL_AUTO_DELTA && a.samples == 0 && r.epsilon == KL_AUTO_EPSILON &&
              r.delta == KL_AUTO_DELTA);
    truth("apply: other fields untouched", a.seed == 7 && r.top == 3);
    truth("apply: the brokers' work limit", r.broker_work_limit == KL_BROKER_WORK_LIMIT);
    req.broker_work_limit = 500;
    d = decide(&req, 2, 2);
    kl_sampling_apply(&d, NULL, &r);
    truth("apply: a lowered brokers' work limit", r.broker_work_limit == 500 && r.epsilon == 0);
    req.samples = 50;
    d = decide(&req, 200000, 300000);
    kl_sampling_apply(&d, &a, NULL);
    kl_sampling_apply(&d, NULL, &r);
    truth("apply sources: the analysis samples, brokers stay exact",
          a.samples == 50 && a.epsilon == 0 && a.delta == 0 && r.epsilon == 0 && r.delta == 0);
}

/* An asked epsilon over the pair budget: r = 0.5 / eps^2 (floor(log2(n - 2))
 * + 1 + ln(2 / delta)), worked out here by hand for n = 47: floor(log2 45)
 * = 5, so r = 0.5e18 (6 + ln 20) = 4.498e18 at eps = 1e-9. */
static void budget(void)
{
    kl_sampling_request_t req;
    kl_sampling_request_init(&req);
    req.epsilon = 1e-9;
    kl_sampling_decision_t d = decide(&req, 47, 120);
    truth("--epsilon 1e-9 on 47 actors: exact instead", is_exact(&d, KL_SAMPLING_EXACT_CHEAPER));
    truth("  pairs needed 0.5e18 (6 + ln 20)", fabs(d.pairs_needed / (0.5e18 * (6 + log(20))) - 1) < 1e-12);
    /* eps with r = 1e7: 1e-9 sqrt(4.498e18 / 1e7) = 6.707e-4, up to 2 digits */
    truth("  the smallest fitting epsilon: 0.00068", fabs(d.epsilon_fitting - 0.00068) < 1e-15);
    req.exact_work_limit = 1000;
    d = decide(&req, 47, 120);
    truth("  and with n m over the limit: refused", d.reason == KL_SAMPLING_OVER_BUDGET && d.epsilon_asked == 1e-9);
    kl_sampling_request_init(&req);
    req.epsilon = 0.001; /* n = 2649: 0.5e6 (11 + 1 + ln 20) = 7.5e6, within 1e7 */
    d = decide(&req, 2649, 2927);
    truth("--epsilon 0.001 on 2649 actors: pairs as asked",
          d.method == KL_BETWEENNESS_PAIRS && d.reason == KL_SAMPLING_PAIRS_ASKED && d.epsilon == 0.001);
}

int main(void)
{
    limits();
    asked();
    lowered();
    budget();
    apply();
    printf("%s\n", failures ? "FAILED" : "all ok");
    return failures ? 1 : 0;
}

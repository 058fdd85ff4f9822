/* cli/graph_options.c - the options that choose the analysis graph (mode,
 * tie types, excluded kinds, time window) and its paths (weights, threads),
 * shared by the commands that build one, and the options that choose when
 * betweenness is sampled. */
#include "commands.h"

#include "../analysis/analysis.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kl_cli_graph_init(kl_cli_graph_t *g)
{
    memset(g, 0, sizeof *g);
    kl_graph_options_init(&g->graph);
}

int kl_cli_graph_option(kl_cli_graph_t *g, int opt, const char *arg, const char *cmd, const char *usage)
{
    char bad[128];
    unsigned long long v;
    switch (opt) {
    case KL_OPT_GRAPH + 0:
    case KL_OPT_GRAPH + 1: {
        int32_t d;
        int to = opt == KL_OPT_GRAPH + 1;
        if (kl_date_parse(arg, to, &d) < 0) {
            kl_cli_usage_error(cmd, usage, "invalid date '%s' for --%s (YYYY or YYYY-MM-DD)", arg, to ? "to" : "from");
            return -1;
        }
        if (to)
            g->graph.to = d;
        else
            g->graph.from = d;
        return 1;
    }
    case KL_OPT_GRAPH + 2:
        if (strcmp(arg, "full") == 0)
            g->graph.mode = KL_MODE_FULL;
        else if (strcmp(arg, "organisations") == 0 || strcmp(arg, "organizations") == 0)
            g->graph.mode = KL_MODE_ORGANISATIONS;
        else {
            kl_cli_usage_error(cmd, usage, "unknown mode '%s' (full or organisations)", arg);
            return -1;
        }
        return 1;
    case KL_OPT_GRAPH + 3:
        if (kl_cli_parse_ties(arg, &g->graph.tie_types, bad, sizeof bad) < 0) {
            kl_cli_usage_error(cmd, usage, "unknown relation type '%s' in --ties", bad);
            return -1;
        }
        return 1;
    case KL_OPT_GRAPH + 4:
        if (kl_cli_parse_kinds(arg, &g->graph.exclude_kinds, bad, sizeof bad) < 0) {
            kl_cli_usage_error(cmd, usage,
                               "unknown kind '%s' for --exclude-kind (organisation, person, project, funder)", bad);
            return -1;
        }
        return 1;
    case KL_OPT_GRAPH + 5:
        g->weighted = 1;
        return 1;
    case KL_OPT_GRAPH + 6:
        if (kl_cli_parse_u64(arg, 1024, &v) < 0 || v == 0) {
            kl_cli_usage_error(cmd, usage, "invalid number '%s' for --threads (1 to 1024)", arg);
            return -1;
        }
        g->threads = (int)v;
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ sampling */

void kl_cli_sampling_init(kl_cli_sampling_t *s)
{
    memset(s, 0, sizeof *s);
    s->work_limit = -1;
}

/* A probability strictly between 0 and 1. */
static int parse_open_unit(const char *arg, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !(v > 0 && v < 1))
        return -1;
    *out = v;
    return 0;
}

int kl_cli_sampling_option(kl_cli_sampling_t *s, int opt, const char *arg, const char *cmd, const char *usage)
{
    unsigned long long v;
    switch (opt) {
    case KL_OPT_SAMPLING + 0:
    case KL_OPT_SAMPLING + 1: {
        int eps = opt == KL_OPT_SAMPLING + 0;
        if (parse_open_unit(arg, eps ? &s->epsilon : &s->delta) < 0) {
            kl_cli_usage_error(cmd, usage, "invalid value '%s' for --%s (a number between 0 and 1, e.g. %s)", arg,
                               eps ? "epsilon" : "delta", eps ? "0.01" : "0.1");
            return -1;
        }
        return 1;
    }
    case KL_OPT_SAMPLING + 2:
        s->exact = 1;
        return 1;
    case KL_OPT_SAMPLING + 3:
        if (kl_cli_parse_u64(arg, UINT32_MAX, &v) < 0 || v == 0) {
            kl_cli_usage_error(cmd, usage, "invalid number '%s' for --samples", arg);
            return -1;
        }
        s->samples = (uint32_t)v;
        return 1;
    default:
        return 0;
    }
}

/* KLUSTER_EXACT_LIMIT: unset or empty leaves the defaults; otherwise a
 * number >= 0 (0: sample every graph with a tie). */
static int read_work_limit(kl_cli_sampling_t *s)
{
    const char *env = getenv(KL_CLI_EXACT_LIMIT_ENV);
    if (!env || !*env)
        return 0;
    char *end;
    errno = 0;
    double v = strtod(env, &end);
    if (errno || end == env || *end || !(v >= 0) || !isfinite(v)) {
        kl_cli_error("invalid %s '%s' (a number of actor x tie products, e.g. 1e6)", KL_CLI_EXACT_LIMIT_ENV, env);
        return -1;
    }
    s->work_limit = v;
    return 0;
}

int kl_cli_sampling_check(kl_cli_sampling_t *s, const char *cmd, const char *usage)
{
    if (s->delta > 0 && s->epsilon == 0) {
        kl_cli_usage_error(cmd, usage, "--delta needs --epsilon");
        return -1;
    }
    if (s->exact && (s->epsilon > 0 || s->samples)) {
        kl_cli_usage_error(cmd, usage, "--exact contradicts %s", s->samples ? "--samples" : "--epsilon");
        return -1;
    }
    if (s->epsilon > 0 && s->samples) {
        kl_cli_usage_error(cmd, usage, "--epsilon and --samples are two ways of sampling: give one");
        return -1;
    }
    return read_work_limit(s);
}

static void sampling_request(const kl_cli_sampling_t *s, kl_sampling_request_t *req)
{
    kl_sampling_request_init(req);
    req->exact = s->exact;
    req->samples = s->samples;
    req->epsilon = s->epsilon;
    req->delta = s->delta;
    if (s->work_limit >= 0)
        req->exact_work_limit = req->broker_work_limit = s->work_limit;
}

void kl_cli_sampling_decide(const kl_cli_sampling_t *s, uint32_t n, uint32_t m, kl_sampling_decision_t *d)
{
    kl_sampling_request_t req;
    sampling_request(s, &req);
    kl_sampling_decide(d, &req, n, m);
}

int kl_cli_sampling_note_text(const kl_sampling_decision_t *d, char *buf, size_t size)
{
    if (size)
        buf[0] = '\0';
    if (d->reason != KL_SAMPLING_TOO_COSTLY)
        return 0;
    snprintf(buf, size,
             "%u actors and %u ties are too many for exact betweenness; sampling shortest paths (epsilon %g, delta "
             "%g; --exact to insist)",
             d->n, d->m, d->epsilon, d->delta);
    return 1;
}

void kl_cli_sampling_note(const kl_sampling_decision_t *d, int quiet, const char *cmd)
{
    char text[300];
    if (!quiet && kl_cli_sampling_note_text(d, text, sizeof text))
        fprintf(stderr, "kluster %s: note: %s\n", cmd, text);
}

void kl_cli_sampling_describe(const kl_cli_sampling_t *s, char *buf, size_t size)
{
    kl_sampling_request_t req;
    sampling_request(s, &req);
    snprintf(buf, size, "exact=%d samples=%u epsilon=%.17g delta=%.17g exact-limit=%.17g broker-limit=%.17g",
             req.exact, req.samples, req.epsilon, req.delta, req.exact_work_limit, req.broker_work_limit);
}

void kl_cli_eigenvector_note(const kl_analysis_t *res, int quiet, const char *cmd)
{
    if (!quiet && !res->eigenvector_converged)
        fprintf(stderr,
                "kluster %s: warning: eigenvector centrality did not converge in %u steps (the two leading "
                "eigenvalues are too close); its values are those of the last step\n",
                cmd, res->eigenvector_iterations);
}

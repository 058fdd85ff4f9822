/* cli/graph_options.c - the options that choose the analysis graph (mode,
 * tie types, excluded kinds, time window) and its paths (weights, threads),
 * shared by analyze, bridges and whatif. */
#include "commands.h"

#include "../analysis/analysis.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kl_cli_graph_init(kl_cli_graph_t *g)
{
    memset(g, 0, sizeof *g);
    kl_graph_options_init(&g->graph);
}

int kl_cli_parse_ties(const char *arg, uint32_t *bits, char *bad, size_t badsize)
{
    const char *p = arg;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        int t = -1;
        if (len == 5 && strncmp(p, "other", 5) == 0)
            t = KL_REL_OTHER;
        for (int k = 0; t < 0 && k < KL_REL_OTHER; k++) {
            const char *name = kl_reltype_name((kl_reltype)k);
            if (strlen(name) == len && strncmp(p, name, len) == 0)
                t = k;
        }
        if (t < 0) {
            snprintf(bad, badsize, "%.*s", (int)len, p);
            return -1;
        }
        *bits |= 1u << t;
        if (!end)
            return 0;
        p = end + 1;
    }
}

int kl_cli_parse_kinds(const char *arg, uint32_t *bits, char *bad, size_t badsize)
{
    const char *p = arg;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        snprintf(bad, badsize, "%.*s", (int)len, p);
        int k = kl_kind_parse(bad);
        if (k < 0)
            return -1;
        *bits |= 1u << k;
        if (!end)
            return 0;
        p = end + 1;
    }
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
    default:
        return 0;
    }
}

int kl_cli_sampling_check(const kl_cli_sampling_t *s, int other_samples, const char *cmd, const char *usage)
{
    if (s->delta > 0 && s->epsilon == 0) {
        kl_cli_usage_error(cmd, usage, "--delta needs --epsilon");
        return -1;
    }
    if (s->exact && (s->epsilon > 0 || other_samples)) {
        kl_cli_usage_error(cmd, usage, "--exact contradicts %s", other_samples ? "--samples" : "--epsilon");
        return -1;
    }
    if (s->epsilon > 0 && other_samples) {
        kl_cli_usage_error(cmd, usage, "--epsilon and --samples are two ways of sampling: give one");
        return -1;
    }
    return 0;
}

void kl_cli_sampling_resolve(const kl_cli_sampling_t *s, int other_samples, uint32_t n, uint32_t m, int quiet,
                             const char *cmd, double *epsilon, double *delta)
{
    *epsilon = s->epsilon;
    *delta = s->delta > 0 ? s->delta : KL_AUTO_DELTA;
    if (s->epsilon > 0 || s->exact || other_samples || !kl_analysis_exact_too_costly(n, m)) {
        if (s->epsilon == 0)
            *delta = 0;
        return;
    }
    *epsilon = KL_AUTO_EPSILON;
    if (!quiet)
        fprintf(stderr,
                "kluster %s: note: %u actors and %u ties are too many for exact betweenness; sampling shortest "
                "paths (epsilon %g, delta %g; --exact to insist)\n",
                cmd, n, m, *epsilon, *delta);
}

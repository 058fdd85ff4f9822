/* cli/cmd_analyze.c - `kluster analyze`: every per-actor and graph metric of
 * DEFINITIONS.md on the analysis graph, as JSON, CSV or a Markdown summary. */
#include "commands.h"
#include "output.h"

#include "../analysis/analysis.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char usage_text[] =
    "usage: kluster analyze [--format json|csv|md] [-o FILE] [--top N] [--from Y --to Y]\n"
    "                       [--seed S] [--samples K] [--weights] [--communities leiden|louvain]\n"
    "                       [--mode full|organisations] [--ties TYPES] [--exclude-kind KIND]\n"
    "                       [OPTIONS] DATASET\n";

static void help(void)
{
    printf("%s\n"
           "Compute, on the analysis graph of DATASET, per actor: degree, strength, betweenness,\n"
           "harmonic closeness, eigenvector centrality, PageRank, coreness, Burt's constraint and\n"
           "effective size, articulation points, components, communities and inter-regional\n"
           "betweenness; for the graph: components, bridges, modularity and how communities\n"
           "agree with regions (NMI, ARI).  Definitions: DEFINITIONS.md.\n\n"
           "options:\n"
           "  -f, --format FMT       json (default; kluster-analysis/1), csv (one row per\n"
           "                         actor) or md (a human summary with top-N tables)\n"
           "  -o, --output FILE      write to FILE (written to a temporary name, renamed when\n"
           "                         complete); '-' or none: standard output\n"
           "  --top N                rows per table of the md summary (default 10)\n"
           "  --from DATE, --to DATE keep relations active in the window (YYYY or YYYY-MM-DD)\n"
           "  --seed S               seed of community detection and sampling (default 1)\n"
           "  --samples K            estimate betweenness (and harmonic, irb) from K sources\n"
           "                         drawn uniformly, scaled by n/K, with standard errors\n"
           "  --weights              path lengths are sums of 1/weight (default: hops)\n"
           "  --communities ALG      leiden (default, modularity) or louvain\n"
           "  --mode MODE            full (default: every entity) or organisations\n"
           "  --ties TYPES           only these relation types make ties (comma-separated:\n"
           "                         member_of,employed_by,leads,participates_in,coordinates,\n"
           "                         funds,partner_of,initiated,other)\n"
           "  --exclude-kind KINDS   remove entities of these kinds (comma-separated,\n"
           "                         repeatable: organisation,person,project,funder)\n"
           "  --threads N            threads for shortest paths (default: all CPUs)\n"
           "  -v, --verbose          print timings per phase to standard error\n" KL_CLI_COMMON_HELP
           "  -h, --help             this help\n\n"
           "Output is byte-identical for the same input, options and seed.\n",
           usage_text);
}

enum {
    OPT_TOP = 1,
    OPT_FROM,
    OPT_TO,
    OPT_SEED,
    OPT_SAMPLES,
    OPT_WEIGHTS,
    OPT_COMMUNITIES,
    OPT_MODE,
    OPT_TIES,
    OPT_EXCLUDE,
    OPT_THREADS
};

/* Comma-separated relation types into a bit set; -1 on an unknown name. */
static int parse_ties(const char *arg, uint32_t *bits, const char **bad, char *badbuf, size_t badsize)
{
    const char *p = arg;
    while (1) {
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
            snprintf(badbuf, badsize, "%.*s", (int)len, p);
            *bad = badbuf;
            return -1;
        }
        *bits |= 1u << t;
        if (!end)
            return 0;
        p = end + 1;
    }
}

static int parse_kinds(const char *arg, uint32_t *bits, char *badbuf, size_t badsize)
{
    const char *p = arg;
    while (1) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        snprintf(badbuf, badsize, "%.*s", (int)len, p);
        int k = kl_kind_parse(badbuf);
        if (k < 0)
            return -1;
        *bits |= 1u << k;
        if (!end)
            return 0;
        p = end + 1;
    }
}

int cmd_analyze(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"verbose", no_argument, NULL, 'v'},
        {"top", required_argument, NULL, OPT_TOP},
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"seed", required_argument, NULL, OPT_SEED},
        {"samples", required_argument, NULL, OPT_SAMPLES},
        {"weights", no_argument, NULL, OPT_WEIGHTS},
        {"communities", required_argument, NULL, OPT_COMMUNITIES},
        {"mode", required_argument, NULL, OPT_MODE},
        {"ties", required_argument, NULL, OPT_TIES},
        {"exclude-kind", required_argument, NULL, OPT_EXCLUDE},
        {"threads", required_argument, NULL, OPT_THREADS},
        KL_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    kl_cli_common_t common;
    kl_graph_options_t gopt;
    kl_analysis_options_t aopt;
    kl_format format = KL_FORMAT_JSON;
    const char *output = NULL;
    unsigned long long top = 10, v;
    int verbose = 0, c;
    char bad[128];
    const char *badp;

    kl_cli_common_init(&common);
    kl_graph_options_init(&gopt);
    kl_analysis_options_init(&aopt);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":hf:o:vq", longopts, NULL)) != -1) {
        int handled = kl_cli_common_option(&common, c, optarg, "analyze");
        if (handled < 0)
            return KL_EXIT_USAGE;
        if (handled)
            continue;
        switch (c) {
        case 'h':
            help();
            return kl_cli_finish(KL_EXIT_OK);
        case 'f':
            if (strcmp(optarg, "json") == 0)
                format = KL_FORMAT_JSON;
            else if (strcmp(optarg, "csv") == 0)
                format = KL_FORMAT_CSV;
            else if (strcmp(optarg, "md") == 0 || strcmp(optarg, "markdown") == 0)
                format = KL_FORMAT_MD;
            else
                return kl_cli_usage_error("analyze", usage_text, "unknown format '%s' (json, csv or md)", optarg);
            break;
        case 'o':
            output = optarg;
            break;
        case 'v':
            verbose = 1;
            break;
        case OPT_TOP:
            if (kl_cli_parse_u64(optarg, UINT32_MAX, &top) < 0)
                return kl_cli_usage_error("analyze", usage_text, "invalid number '%s' for --top", optarg);
            break;
        case OPT_FROM:
        case OPT_TO: {
            int32_t d;
            if (kl_date_parse(optarg, c == OPT_TO, &d) < 0)
                return kl_cli_usage_error("analyze", usage_text, "invalid date '%s' for --%s (YYYY or YYYY-MM-DD)",
                                          optarg, c == OPT_TO ? "to" : "from");
            if (c == OPT_TO)
                gopt.to = d;
            else
                gopt.from = d;
            break;
        }
        case OPT_SEED:
            if (kl_cli_parse_u64(optarg, UINT32_MAX, &v) < 0)
                return kl_cli_usage_error("analyze", usage_text, "invalid seed '%s' (0 to 4294967295)", optarg);
            aopt.seed = v;
            break;
        case OPT_SAMPLES:
            if (kl_cli_parse_u64(optarg, UINT32_MAX, &v) < 0 || v == 0)
                return kl_cli_usage_error("analyze", usage_text, "invalid number '%s' for --samples", optarg);
            aopt.samples = (uint32_t)v;
            break;
        case OPT_WEIGHTS:
            aopt.weighted = 1;
            break;
        case OPT_COMMUNITIES:
            if (strcmp(optarg, "leiden") == 0)
                aopt.communities = KL_COMMUNITIES_LEIDEN;
            else if (strcmp(optarg, "louvain") == 0)
                aopt.communities = KL_COMMUNITIES_LOUVAIN;
            else
                return kl_cli_usage_error("analyze", usage_text, "unknown community method '%s' (leiden or louvain)",
                                          optarg);
            break;
        case OPT_MODE:
            if (strcmp(optarg, "full") == 0)
                gopt.mode = KL_MODE_FULL;
            else if (strcmp(optarg, "organisations") == 0 || strcmp(optarg, "organizations") == 0)
                gopt.mode = KL_MODE_ORGANISATIONS;
            else
                return kl_cli_usage_error("analyze", usage_text, "unknown mode '%s' (full or organisations)", optarg);
            break;
        case OPT_TIES:
            if (parse_ties(optarg, &gopt.tie_types, &badp, bad, sizeof bad) < 0)
                return kl_cli_usage_error("analyze", usage_text, "unknown relation type '%s' in --ties", badp);
            break;
        case OPT_EXCLUDE:
            if (parse_kinds(optarg, &gopt.exclude_kinds, bad, sizeof bad) < 0)
                return kl_cli_usage_error("analyze", usage_text,
                                          "unknown kind '%s' for --exclude-kind (organisation, person, project, funder)",
                                          bad);
            break;
        case OPT_THREADS:
            if (kl_cli_parse_u64(optarg, 1024, &v) < 0 || v == 0)
                return kl_cli_usage_error("analyze", usage_text, "invalid number '%s' for --threads (1 to 1024)",
                                          optarg);
            aopt.threads = (int)v;
            break;
        case ':':
            return kl_cli_usage_error("analyze", usage_text, "option '%s' needs a value", argv[optind - 1]);
        default:
            return kl_cli_usage_error("analyze", usage_text, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return kl_cli_usage_error("analyze", usage_text, "no dataset given");
    if (optind + 1 < argc)
        return kl_cli_usage_error("analyze", usage_text, "one dataset expected, got '%s' too", argv[optind + 1]);
    if (gopt.from > gopt.to)
        return kl_cli_usage_error("analyze", usage_text, "--from is after --to");
    const char *path = argv[optind];

    kl_dataset_t ds;
    kl_agraph_t g;
    kl_analysis_t res;
    kl_output_t out;
    kl_error_t err = {0};
    int rc = KL_EXIT_FAILURE;
    memset(&ds, 0, sizeof ds);
    memset(&g, 0, sizeof g);
    memset(&res, 0, sizeof res);
    memset(&out, 0, sizeof out);

    double t0 = now_seconds();
    if (kl_cli_load(path, &common, &ds) != 0)
        goto cleanup;
    double t1 = now_seconds();
    if (kl_agraph_build(&g, &ds, &gopt, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    double t2 = now_seconds();
    if (kl_analysis_run(&res, &g, &ds, &aopt, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    double t3 = now_seconds();
    if (kl_output_open(&out, output) != 0) {
        kl_cli_error("cannot create '%s': %s", output, strerror(errno));
        goto cleanup;
    }
    kl_report_t report = {&ds, &g, &res, path, (uint32_t)top};
    errno = 0;
    int wrc = format == KL_FORMAT_CSV ? kl_write_csv(out.f, &report)
              : format == KL_FORMAT_MD ? kl_write_md(out.f, &report)
                                       : kl_write_json(out.f, &report);
    if (wrc != 0) {
        kl_cli_error("cannot write '%s': %s", output ? output : "standard output", strerror(errno ? errno : EIO));
        kl_output_abort(&out);
        goto cleanup;
    }
    if (kl_output_commit(&out) != 0) {
        kl_cli_error("cannot write '%s': %s", output ? output : "standard output", strerror(errno ? errno : EIO));
        goto cleanup;
    }
    if (verbose) {
        static const char *const names[KL_PHASE_COUNT] = {"order", "paths", "spectral", "structure",
                                                           "communities", "holes"};
        fprintf(stderr, "kluster analyze: %u actors, %u ties\n", g.n, g.csr.m);
        fprintf(stderr, "  %-12s %8.3f s\n  %-12s %8.3f s\n", "load", t1 - t0, "graph", t2 - t1);
        for (int k = 0; k < KL_PHASE_COUNT; k++)
            fprintf(stderr, "  %-12s %8.3f s\n", names[k], res.seconds[k]);
        fprintf(stderr, "  %-12s %8.3f s\n  %-12s %8.3f s\n", "write", now_seconds() - t3, "total",
                now_seconds() - t0);
    }
    rc = KL_EXIT_OK;
cleanup:
    kl_output_abort(&out);
    kl_analysis_destroy(&res);
    kl_agraph_destroy(&g);
    kl_dataset_destroy(&ds);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}

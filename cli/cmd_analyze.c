/* cli/cmd_analyze.c - `kluster analyze`: every per-actor, region and graph
 * metric of DEFINITIONS.md on the analysis graph, as JSON, CSV or a Markdown
 * summary. */
#include "commands.h"
#include "../writers/writers.h"

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
    "                       [--seed S] [--samples K | --epsilon E [--delta D] | --exact] [--weights]\n"
    "                       [--communities leiden|louvain]\n"
    "                       [--mode full|organisations] [--ties TYPES] [--exclude-kind KIND]\n"
    "                       [--all-pairs] [--timings] [OPTIONS] DATASET\n";

static void help(void)
{
    printf("%s\n"
           "Compute, on the analysis graph of DATASET, per actor: degree, strength, betweenness,\n"
           "harmonic closeness, eigenvector centrality, PageRank, coreness, Burt's constraint and\n"
           "effective size, articulation points, components, communities, inter-regional\n"
           "betweenness, region mixing (participation, E-I index, regions reached) and\n"
           "Gould-Fernandez brokerage; per region and region pair: ties, distance, brokers and\n"
           "cut actors; for the graph: components, bridges, modularity and how communities\n"
           "agree with regions (NMI, ARI).  Definitions: DEFINITIONS.md.\n\n"
           "options:\n"
           "  -f, --format FMT       json (default; kluster-analysis/1), csv (one row per\n"
           "                         actor) or md (a human summary with top-N tables)\n"
           "  -o, --output FILE      write to FILE (written to a temporary name, renamed when\n"
           "                         complete); '-' or none: standard output\n"
           "  --top N                rows per table of the md summary (default 10)\n"
           "  --seed S               seed of community detection and sampling (default 1)\n"
           KL_CLI_SAMPLES_HELP KL_CLI_SAMPLING_HELP
           "  --communities ALG      leiden (default, modularity) or louvain\n"
           "  --all-pairs            brokers for every connected region pair, however long it\n"
           "                         takes (default: all when cheap, else the 20 pairs with\n"
           "                         most links; see kluster bridges --help)\n"
           "  --timings              also time exact betweenness and exact irb as two separate\n"
           "                         runs and print both and their ratio to standard error\n"
           KL_CLI_GRAPH_HELP
           "  -v, --verbose          print timings per phase to standard error\n" KL_CLI_COMMON_HELP
           "  -h, --help             this help\n\n"
           "Output is byte-identical for the same input, options and seed.\n",
           usage_text);
}

enum { OPT_TOP = 1, OPT_SEED, OPT_COMMUNITIES, OPT_ALL_PAIRS, OPT_TIMINGS };

int cmd_analyze(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"verbose", no_argument, NULL, 'v'},
        {"top", required_argument, NULL, OPT_TOP},
        {"seed", required_argument, NULL, OPT_SEED},
        {"communities", required_argument, NULL, OPT_COMMUNITIES},
        {"all-pairs", no_argument, NULL, OPT_ALL_PAIRS},
        {"timings", no_argument, NULL, OPT_TIMINGS},
        KL_CLI_GRAPH_OPTIONS,
        KL_CLI_SAMPLING_OPTIONS,
        KL_CLI_SAMPLES_OPTION,
        KL_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    kl_cli_common_t common;
    kl_cli_graph_t gcli;
    kl_cli_sampling_t scli;
    kl_analysis_options_t aopt;
    kl_format format = KL_FORMAT_JSON;
    const char *output = NULL;
    unsigned long long top = 10, v;
    int verbose = 0, timings = 0, all_pairs = 0, c;

    kl_cli_common_init(&common);
    kl_cli_graph_init(&gcli);
    kl_cli_sampling_init(&scli);
    kl_analysis_options_init(&aopt);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":hf:o:vq", longopts, NULL)) != -1) {
        int handled = kl_cli_common_option(&common, c, optarg, "analyze");
        if (handled < 0)
            return KL_EXIT_USAGE;
        if (handled)
            continue;
        if ((handled = kl_cli_graph_option(&gcli, c, optarg, "analyze", usage_text)) < 0)
            return KL_EXIT_USAGE;
        if (handled)
            continue;
        if ((handled = kl_cli_sampling_option(&scli, c, optarg, "analyze", usage_text)) < 0)
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
        case OPT_SEED:
            if (kl_cli_parse_u64(optarg, UINT32_MAX, &v) < 0)
                return kl_cli_usage_error("analyze", usage_text, "invalid seed '%s' (0 to 4294967295)", optarg);
            aopt.seed = v;
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
        case OPT_ALL_PAIRS:
            all_pairs = 1;
            break;
        case OPT_TIMINGS:
            timings = 1;
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
    if (gcli.graph.from > gcli.graph.to)
        return kl_cli_usage_error("analyze", usage_text, "--from is after --to");
    if (kl_cli_sampling_check(&scli, "analyze", usage_text) < 0)
        return KL_EXIT_USAGE;
    const char *path = argv[optind];
    aopt.weighted = gcli.weighted;
    aopt.threads = gcli.threads;

    kl_dataset_t ds;
    kl_agraph_t g;
    kl_analysis_t res;
    kl_regions_t regions;
    kl_brokerage_t brk, brk_u;
    kl_output_t out;
    kl_error_t err = {0};
    int rc = KL_EXIT_FAILURE;
    double t_between = 0, t_irb = 0;
    memset(&ds, 0, sizeof ds);
    memset(&g, 0, sizeof g);
    memset(&res, 0, sizeof res);
    memset(&regions, 0, sizeof regions);
    memset(&brk, 0, sizeof brk);
    memset(&brk_u, 0, sizeof brk_u);
    memset(&out, 0, sizeof out);

    double t0 = now_seconds();
    if (kl_cli_load(path, &common, &ds) != 0)
        goto cleanup;
    double t1 = now_seconds();
    if (kl_agraph_build(&g, &ds, &gcli.graph, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    double t2 = now_seconds();
    kl_sampling_decision_t sampling;
    kl_cli_sampling_decide(&scli, g.n, g.csr.m, &sampling);
    kl_cli_sampling_note(&sampling, common.quiet, "analyze");
    kl_sampling_apply(&sampling, &aopt, NULL);
    if (kl_analysis_run(&res, &g, &ds, &aopt, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    kl_cli_eigenvector_note(&res, common.quiet, "analyze");
    double t2b = now_seconds();
    kl_regions_options_t ropt;
    kl_regions_options_init(&ropt);
    ropt.weighted = aopt.weighted;
    ropt.all_pairs = all_pairs;
    ropt.community = res.community;
    ropt.threads = aopt.threads;
    kl_sampling_apply(&sampling, NULL, &ropt);
    ropt.seed = aopt.seed;
    if (kl_regions_compute(&regions, &ds, &g, &ropt, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    double t2c = now_seconds();
    if (kl_brokerage_compute(&brk, &ds, &g, 0, &err) != KL_OK ||
        kl_brokerage_compute(&brk_u, &ds, &g, 1, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    double t2d = now_seconds();
    if (timings && kl_paths_time(&g, aopt.weighted, aopt.threads, &t_between, &t_irb, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    double t3 = now_seconds();
    if (kl_output_open(&out, output) != 0) {
        kl_cli_error("cannot create '%s': %s", output, strerror(errno));
        goto cleanup;
    }
    kl_report_t report = {&ds, &g, &res, path, (uint32_t)top, &regions, &brk, &brk_u};
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
        fprintf(stderr, "  %-12s %8.3f s\n  %-12s %8.3f s\n  %-12s %8.3f s\n", "regions",
                t2c - t2b - regions.seconds_brokers, "brokers", regions.seconds_brokers, "brokerage", t2d - t2c);
        fprintf(stderr, "  %-12s %8.3f s\n  %-12s %8.3f s\n", "write", now_seconds() - t3, "total",
                now_seconds() - t0);
    }
    if (timings)
        fprintf(stderr, "kluster analyze: timings: betweenness %.3f s, irb %.3f s, irb/betweenness %.3f\n", t_between,
                t_irb, t_between > 0 ? t_irb / t_between : 0.0);
    rc = KL_EXIT_OK;
cleanup:
    kl_output_abort(&out);
    kl_regions_destroy(&regions);
    kl_brokerage_destroy(&brk);
    kl_brokerage_destroy(&brk_u);
    kl_analysis_destroy(&res);
    kl_agraph_destroy(&g);
    kl_dataset_destroy(&ds);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}

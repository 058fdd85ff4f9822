/* cli/cmd_bridges.c - `kluster bridges`: which actors connect regions, pair
 * by pair (connection, distance, brokers, cut actors), and the actors with
 * the highest inter-regional betweenness. */
#include "commands.h"
#include "../writers/writers.h"

#include "../analysis/analysis.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: kluster bridges [--regions ID,ID[,...]] [--top N] [--all-pairs] [--format json|csv|md]\n"
    "                       [-o FILE] [--mode full|organisations] [--ties TYPES]\n"
    "                       [--exclude-kind KIND] [--epsilon E [--delta D] [--seed S] | --exact]\n"
    "                       [OPTIONS] DATASET\n";

static void help(void)
{
    printf("%s\n"
           "Which actors connect the regions of DATASET.  For every pair of regions with actors:\n"
           "whether any path joins them, their direct ties, the shortest distance, the brokers\n"
           "on the shortest paths with each one's share, and the cut actors whose removal alone\n"
           "disconnects the two regions.  Then the actors with the highest inter-regional\n"
           "betweenness.  Definitions: DEFINITIONS.md \"Regions and region pairs\".\n\n"
           "options:\n"
           "  --regions IDS          report only the pairs among these regions (two or more\n"
           "                         region ids, comma-separated); their brokers are exact\n"
           "  --top N                brokers per pair and actors listed (default 5)\n"
           "  --all-pairs            brokers for every connected pair, however long it takes\n"
           "  --broker-work-limit W  brokers for every connected pair when W' m <= W (W': the\n"
           "                         sum over connected pairs of the smaller region's actors,\n"
           "                         m: ties; default 1e10); above it only for the --regions\n"
           "                         pairs and the 20 pairs with most links\n"
           "  -f, --format FMT       md (default: sentences and tables), json\n"
           "                         (kluster-bridges/1) or csv (one row per region pair)\n"
           "  -o, --output FILE      write to FILE (complete or not at all); '-': stdout\n"
           "  --timings              also time exact betweenness and exact irb as two separate\n"
           "                         runs; print both and their ratio to standard error\n"
           KL_CLI_SAMPLING_HELP
           "  --seed S               seed of the sampling (default 1)\n"
           KL_CLI_GRAPH_HELP KL_CLI_COMMON_HELP
           "  -h, --help             this help\n",
           usage_text);
}

enum { OPT_REGIONS = 1, OPT_TOP, OPT_ALL_PAIRS, OPT_TIMINGS, OPT_SEED, OPT_WORK_LIMIT };

/* A finite number >= 0, decimal or with an exponent (1e10). */
static int parse_work_limit(const char *arg, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !isfinite(v) || !(v >= 0))
        return -1;
    *out = v;
    return 0;
}

int cmd_bridges(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"regions", required_argument, NULL, OPT_REGIONS},
        {"top", required_argument, NULL, OPT_TOP},
        {"all-pairs", no_argument, NULL, OPT_ALL_PAIRS},
        {"broker-work-limit", required_argument, NULL, OPT_WORK_LIMIT},
        {"timings", no_argument, NULL, OPT_TIMINGS},
        {"seed", required_argument, NULL, OPT_SEED},
        KL_CLI_GRAPH_OPTIONS,
        KL_CLI_SAMPLING_OPTIONS,
        KL_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    kl_cli_common_t common;
    kl_cli_graph_t gcli;
    kl_cli_sampling_t scli;
    kl_format format = KL_FORMAT_MD;
    const char *output = NULL, *regions_arg = NULL;
    unsigned long long top = 5, seed = 1;
    int all_pairs = 0, timings = 0, c;
    double work_limit = -1; /* --broker-work-limit; < 0: the policy's */

    kl_cli_common_init(&common);
    kl_cli_graph_init(&gcli);
    kl_cli_sampling_init(&scli);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":hf:o:q", longopts, NULL)) != -1) {
        int handled = kl_cli_common_option(&common, c, optarg, "bridges");
        if (handled < 0)
            return KL_EXIT_USAGE;
        if (handled)
            continue;
        if ((handled = kl_cli_graph_option(&gcli, c, optarg, "bridges", usage_text)) < 0)
            return KL_EXIT_USAGE;
        if (handled)
            continue;
        if ((handled = kl_cli_sampling_option(&scli, c, optarg, "bridges", usage_text)) < 0)
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
                return kl_cli_usage_error("bridges", usage_text, "unknown format '%s' (json, csv or md)", optarg);
            break;
        case 'o':
            output = optarg;
            break;
        case OPT_REGIONS:
            regions_arg = optarg;
            break;
        case OPT_TOP:
            if (kl_cli_parse_u64(optarg, 100000, &top) < 0 || top == 0)
                return kl_cli_usage_error("bridges", usage_text, "invalid number '%s' for --top (1 to 100000)",
                                          optarg);
            break;
        case OPT_ALL_PAIRS:
            all_pairs = 1;
            break;
        case OPT_WORK_LIMIT:
            if (parse_work_limit(optarg, &work_limit) < 0)
                return kl_cli_usage_error("bridges", usage_text,
                                          "invalid value '%s' for --broker-work-limit (a number >= 0, e.g. 1e10)",
                                          optarg);
            break;
        case OPT_SEED:
            if (kl_cli_parse_u64(optarg, UINT32_MAX, &seed) < 0)
                return kl_cli_usage_error("bridges", usage_text, "invalid seed '%s' (0 to 4294967295)", optarg);
            break;
        case OPT_TIMINGS:
            timings = 1;
            break;
        case ':':
            return kl_cli_usage_error("bridges", usage_text, "option '%s' needs a value", argv[optind - 1]);
        default:
            return kl_cli_usage_error("bridges", usage_text, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return kl_cli_usage_error("bridges", usage_text, "no dataset given");
    if (optind + 1 < argc)
        return kl_cli_usage_error("bridges", usage_text, "one dataset expected, got '%s' too", argv[optind + 1]);
    if (gcli.graph.from > gcli.graph.to)
        return kl_cli_usage_error("bridges", usage_text, "--from is after --to");
    if (kl_cli_sampling_check(&scli, "bridges", usage_text) < 0)
        return KL_EXIT_USAGE;
    size_t n_named = 0;
    if (regions_arg) {
        n_named = 1;
        for (const char *p = regions_arg; *p; p++)
            n_named += *p == ',';
        if (n_named < 2)
            return kl_cli_usage_error("bridges", usage_text, "--regions needs two or more region ids, got '%s'",
                                      regions_arg);
    }
    const char *path = argv[optind];

    kl_dataset_t ds;
    kl_agraph_t g;
    kl_regions_t regions;
    kl_output_t out;
    kl_error_t err = {0};
    int rc = KL_EXIT_FAILURE;
    uint32_t *focus = NULL;
    uint8_t *shown = NULL;
    char *copy = NULL;
    memset(&ds, 0, sizeof ds);
    memset(&g, 0, sizeof g);
    memset(&regions, 0, sizeof regions);
    memset(&out, 0, sizeof out);

    if (kl_cli_load(path, &common, &ds) != 0)
        goto cleanup;
    /* the named regions must exist in the dataset */
    uint32_t n_focus = 0;
    if (regions_arg) {
        focus = malloc(n_named * sizeof *focus);
        copy = strdup(regions_arg);
        if (!focus || !copy) {
            kl_cli_error("out of memory");
            goto cleanup;
        }
        for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            int32_t r = kl_dataset_find_region(&ds, tok);
            if (r < 0) {
                kl_cli_error("unknown region '%s' in --regions", tok);
                goto cleanup;
            }
            focus[n_focus++] = (uint32_t)r;
        }
        if (n_focus < 2) {
            kl_cli_error("--regions needs two or more region ids, got '%s'", regions_arg);
            goto cleanup;
        }
    }
    if (kl_agraph_build(&g, &ds, &gcli.graph, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    kl_regions_options_t ropt;
    kl_regions_options_init(&ropt);
    ropt.weighted = gcli.weighted;
    ropt.threads = gcli.threads;
    ropt.top = (uint32_t)top;
    ropt.all_pairs = all_pairs;
    ropt.focus = focus;
    ropt.n_focus = n_focus;
    ropt.irb = 1;
    kl_sampling_decision_t sampling;
    kl_cli_sampling_decide(&scli, g.n, g.csr.m, &sampling);
    kl_cli_sampling_note(&sampling, common.quiet, "bridges");
    kl_sampling_apply(&sampling, NULL, &ropt);
    if (work_limit >= 0)
        ropt.broker_work_limit = work_limit; /* asked for: wins over the policy's */
    ropt.seed = seed;
    if (kl_regions_compute(&regions, &ds, &g, &ropt, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    if (timings) {
        double tb = 0, ti = 0;
        if (kl_paths_time(&g, gcli.weighted, gcli.threads, &tb, &ti, &err) != KL_OK) {
            kl_cli_print_error(&err);
            goto cleanup;
        }
        fprintf(stderr, "kluster bridges: timings: betweenness %.3f s, irb %.3f s, irb/betweenness %.3f\n", tb, ti,
                tb > 0 ? ti / tb : 0.0);
        uint32_t with_brokers = 0;
        for (uint32_t p = 0; p < regions.n_pairs; p++)
            with_brokers += (uint32_t)regions.pairs[p].has_brokers;
        fprintf(stderr, "kluster bridges: timings: brokers %.3f s for %u of %u region pairs (W m = %.4g, limit %.4g)\n",
                regions.seconds_brokers, with_brokers, regions.n_pairs, regions.broker_work, ropt.broker_work_limit);
    }
    if (n_focus) {
        /* with --regions, only the pairs among them */
        shown = calloc((size_t)regions.n_pairs + 1, 1);
        uint8_t *in = calloc((size_t)ds.n_regions + 1, 1);
        if (!shown || !in) {
            free(in);
            kl_cli_error("out of memory");
            goto cleanup;
        }
        for (uint32_t i = 0; i < n_focus; i++)
            in[focus[i]] = 1;
        for (uint32_t p = 0; p < regions.n_pairs; p++)
            shown[p] = in[regions.pairs[p].a] && in[regions.pairs[p].b];
        free(in);
    }
    if (kl_output_open(&out, output) != 0) {
        kl_cli_error("cannot create '%s': %s", output, strerror(errno));
        goto cleanup;
    }
    kl_bridges_report_t report = {&ds, &g, &regions, path, (uint32_t)top, shown};
    errno = 0;
    int wrc = format == KL_FORMAT_CSV ? kl_write_bridges_csv(out.f, &report)
              : format == KL_FORMAT_JSON ? kl_write_bridges_json(out.f, &report)
                                         : kl_write_bridges_md(out.f, &report);
    if (wrc != 0 || kl_output_commit(&out) != 0) {
        kl_cli_error("cannot write '%s': %s", output ? output : "standard output", strerror(errno ? errno : EIO));
        goto cleanup;
    }
    rc = KL_EXIT_OK;
cleanup:
    kl_output_abort(&out);
    kl_regions_destroy(&regions);
    kl_agraph_destroy(&g);
    kl_dataset_destroy(&ds);
    free(focus);
    free(shown);
    free(copy);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}

/* cli/cmd_export.c - `kluster export`: a dataset for Gephi, NetworkX, Pajek,
 * spreadsheets and other tools; the format follows the file's extension. */
#include "commands.h"
#include "export.h"
#include "output.h"

#include "../analysis/analysis.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: kluster export [--metrics [--samples K] [--seed S]] [--mode full|organisations]\n"
    "                      [--ties TYPES] [--exclude-kind KIND] [--from Y --to Y] [OPTIONS]\n"
    "                      DATASET -o FILE.{graphml,gexf,gml,net,csv,json,ndjson}\n";

static void help(void)
{
    printf("%s\n"
           "Write DATASET for other tools; FILE's extension picks the format:\n"
           "  .graphml   GraphML: the analysis graph, attributes as typed <data> keys\n"
           "  .gexf      GEXF 1.2 for Gephi: attributes, viz:color by region, viz:size by\n"
           "             betweenness (with --metrics) or degree\n"
           "  .gml       GML (ASCII; other characters as &#N; references)\n"
           "  .net       Pajek: ids and tie weights only (Pajek has no attributes)\n"
           "  .csv       two files, FILE.nodes.csv and FILE.edges.csv (FILE without .csv)\n"
           "  .json      the merged extract (collab-extract/1), all relations and sources\n"
           "  .ndjson    the same as NDJSON records\n"
           "The graph formats hold the analysis graph: one node per actor (id, name, kind,\n"
           "region, region_name, type, country, lat/lon, the entities' free attributes) and\n"
           "one undirected weighted edge per tie, as --mode, --ties, --from/--to choose.\n\n"
           "options:\n"
           "  -o, --output FILE      the file to write (complete or not at all)\n"
           "  --metrics              attach every per-actor metric of `kluster analyze` (and\n"
           "                         whether each tie is a bridge) as attributes (graph formats\n"
           "                         and CSV; the extract formats hold the dataset itself)\n"
           "  --samples K            with --metrics: estimate betweenness from K sources\n"
           "  --seed S               with --metrics: seed of communities and sampling (default 1)\n"
           KL_CLI_GRAPH_HELP KL_CLI_COMMON_HELP
           "  -h, --help             this help\n",
           usage_text);
}

enum { OPT_METRICS = 1, OPT_SAMPLES, OPT_SEED };

static int write_one(const char *path, int fmt, const kl_export_t *x, int edges)
{
    kl_output_t out;
    memset(&out, 0, sizeof out);
    if (kl_output_open(&out, path) != 0) {
        kl_cli_error("cannot create '%s': %s", path, strerror(errno));
        return -1;
    }
    errno = 0;
    int rc;
    switch (fmt) {
    case KL_EXPORT_GRAPHML: rc = kl_export_graphml(out.f, x); break;
    case KL_EXPORT_GEXF: rc = kl_export_gexf(out.f, x); break;
    case KL_EXPORT_GML: rc = kl_export_gml(out.f, x); break;
    case KL_EXPORT_PAJEK: rc = kl_export_pajek(out.f, x); break;
    case KL_EXPORT_CSV: rc = edges ? kl_export_csv_edges(out.f, x) : kl_export_csv_nodes(out.f, x); break;
    case KL_EXPORT_JSON: rc = kl_export_extract(out.f, x->ds, 0, KL_EXTRACT_ALL); break;
    default: rc = kl_export_extract(out.f, x->ds, 1, KL_EXTRACT_ALL); break;
    }
    if (rc != 0 || kl_output_commit(&out) != 0) {
        kl_cli_error("cannot write '%s': %s", path, strerror(errno ? errno : EIO));
        kl_output_abort(&out);
        return -1;
    }
    return 0;
}

int cmd_export(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"output", required_argument, NULL, 'o'},
        {"metrics", no_argument, NULL, OPT_METRICS},
        {"samples", required_argument, NULL, OPT_SAMPLES},
        {"seed", required_argument, NULL, OPT_SEED},
        KL_CLI_GRAPH_OPTIONS,
        KL_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    kl_cli_common_t common;
    kl_cli_graph_t gcli;
    kl_analysis_options_t aopt;
    const char *output = NULL;
    int metrics = 0, c;
    unsigned long long v;
    kl_cli_common_init(&common);
    kl_cli_graph_init(&gcli);
    kl_analysis_options_init(&aopt);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:q", longopts, NULL)) != -1) {
        int handled = kl_cli_common_option(&common, c, optarg, "export");
        if (handled < 0)
            return KL_EXIT_USAGE;
        if (handled)
            continue;
        if ((handled = kl_cli_graph_option(&gcli, c, optarg, "export", usage_text)) < 0)
            return KL_EXIT_USAGE;
        if (handled)
            continue;
        switch (c) {
        case 'h':
            help();
            return kl_cli_finish(KL_EXIT_OK);
        case 'o':
            output = optarg;
            break;
        case OPT_METRICS:
            metrics = 1;
            break;
        case OPT_SAMPLES:
            if (kl_cli_parse_u64(optarg, UINT32_MAX, &v) < 0 || v == 0)
                return kl_cli_usage_error("export", usage_text, "invalid number '%s' for --samples", optarg);
            aopt.samples = (uint32_t)v;
            break;
        case OPT_SEED:
            if (kl_cli_parse_u64(optarg, UINT32_MAX, &v) < 0)
                return kl_cli_usage_error("export", usage_text, "invalid seed '%s' (0 to 4294967295)", optarg);
            aopt.seed = v;
            break;
        default:
            return kl_cli_usage_error("export", usage_text, "%s", kl_cli_bad_option(argv, c));
        }
    }
    if (optind >= argc)
        return kl_cli_usage_error("export", usage_text, "no dataset given");
    if (optind + 1 < argc)
        return kl_cli_usage_error("export", usage_text, "one dataset expected, got '%s' too", argv[optind + 1]);
    if (!output || !*output || strcmp(output, "-") == 0)
        return kl_cli_usage_error("export", usage_text, "no output file given (-o FILE)");
    int fmt = kl_export_format_of(output);
    if (fmt < 0)
        return kl_cli_usage_error("export", usage_text,
                                  "unknown format of '%s' (expected .graphml, .gexf, .gml, .net, .csv, .json or .ndjson)",
                                  output);
    if (gcli.graph.from > gcli.graph.to)
        return kl_cli_usage_error("export", usage_text, "--from is after --to");
    aopt.weighted = gcli.weighted;
    aopt.threads = gcli.threads;

    kl_dataset_t ds;
    kl_agraph_t g;
    kl_analysis_t res;
    kl_regions_t regions;
    kl_error_t err = {0};
    char *nodes_path = NULL, *edges_path = NULL;
    int rc = KL_EXIT_FAILURE;
    memset(&ds, 0, sizeof ds);
    memset(&g, 0, sizeof g);
    memset(&res, 0, sizeof res);
    memset(&regions, 0, sizeof regions);
    if (kl_cli_load(argv[optind], &common, &ds) != 0)
        goto cleanup;
    kl_export_t x = {&ds, NULL, NULL, NULL};
    if (fmt == KL_EXPORT_JSON || fmt == KL_EXPORT_NDJSON) {
        rc = write_one(output, fmt, &x, 0) == 0 ? KL_EXIT_OK : KL_EXIT_FAILURE;
        goto cleanup;
    }
    if (kl_agraph_build(&g, &ds, &gcli.graph, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    x.g = &g;
    if (metrics) {
        if (kl_analysis_run(&res, &g, &ds, &aopt, &err) != KL_OK) {
            kl_cli_print_error(&err);
            goto cleanup;
        }
        kl_regions_options_t ropt;
        kl_regions_options_init(&ropt);
        ropt.weighted = aopt.weighted;
        ropt.community = res.community;
        ropt.threads = aopt.threads;
        ropt.exact_pairs = 0; /* per-actor keys only: no broker passes */
        if (kl_regions_compute(&regions, &ds, &g, &ropt, &err) != KL_OK) {
            kl_cli_print_error(&err);
            goto cleanup;
        }
        x.res = &res;
        x.regions = &regions;
    }
    if (fmt == KL_EXPORT_CSV) {
        size_t n = strlen(output) - 4; /* without ".csv" */
        nodes_path = malloc(n + 16);
        edges_path = malloc(n + 16);
        if (!nodes_path || !edges_path) {
            kl_cli_error("out of memory");
            goto cleanup;
        }
        snprintf(nodes_path, n + 16, "%.*s.nodes.csv", (int)n, output);
        snprintf(edges_path, n + 16, "%.*s.edges.csv", (int)n, output);
        if (write_one(nodes_path, fmt, &x, 0) != 0)
            goto cleanup;
        if (write_one(edges_path, fmt, &x, 1) != 0) {
            remove(nodes_path); /* both files or neither */
            goto cleanup;
        }
    } else if (write_one(output, fmt, &x, 0) != 0) {
        goto cleanup;
    }
    rc = KL_EXIT_OK;
cleanup:
    free(nodes_path);
    free(edges_path);
    kl_regions_destroy(&regions);
    kl_analysis_destroy(&res);
    kl_agraph_destroy(&g);
    kl_dataset_destroy(&ds);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}

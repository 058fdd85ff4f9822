/* cli/cmd_render.c - `kluster render`: a diagram of the analysis graph (DOT,
 * SVG, PNG or PDF, by the output's extension), drawn in-process by Graphviz. */
#include "commands.h"

#include "../analysis/analysis.h"
#include "../viz/viz.h"
#include "../writers/writers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: kluster render DATASET -o FILE [-T FMT] [--top N | --ego ID [--depth K] | --region-map | --path ID1 ID2\n"
    "                      | --heatmap]\n"
    "                      [--group region|community|kind|none] [--size-by irb|betweenness|pagerank|degree]\n"
    "                      [--fill region|kind] [--layout dot|neato|fdp|sfdp|circo] [--brokers K]\n"
    "                      [--width PX] [--height PX] [--dpi N] [--from DATE] [--to DATE]\n"
    "                      [--mode full|organisations] [--samples K | --epsilon E [--delta D] | --exact]\n"
    "                      [--seed S] [OPTIONS]\n";

static void help(void)
{
    printf("%s\n"
           "Draw the analysis graph of DATASET with Graphviz.  The extension of FILE picks the\n"
           "output: .dot (the graph, not laid out; `dot -Tsvg FILE` draws it), .svg, .png or .pdf.\n"
           "Regions are drawn as labelled clusters; shape shows the kind of actor, size a metric,\n"
           "colour the region (or kind); bridges are drawn in orange-red, articulation points with\n"
           "a double border, and the top brokers by inter-regional betweenness carry their rank.\n"
           "A legend, a title and a footer (sources, dataset id) come with every diagram.\n\n"
           "views (one at a time; default: the whole graph):\n"
           "  --top N                the N most central actors (by --size-by) and their ties\n"
           "  --ego ID               the actors within --depth ties of actor ID (default depth 1)\n"
           "  --depth K              how far the ego network reaches\n"
           "  --region-map           one node per region, sized by its actors; edges weighted by\n"
           "                         cross-region links (ties between the regions' actors, plus\n"
           "                         regionless actors tied to both) and labelled with the main\n"
           "                         broker: the highest irb among the actors on those links\n"
           "  --path ID1 ID2         every shortest path between two actors or two regions\n"
           "  --heatmap              a region x region matrix: each cell coloured by the pair's links\n"
           "                         (as for --region-map; viridis classes, on a log scale when links\n"
           "                         span more than a factor of ten), marked with the letter of its\n"
           "                         main broker (the actor on most shortest paths between the two\n"
           "                         regions, for the pairs `kluster bridges` gives brokers to),\n"
           "                         named in a tooltip; the diagonal is blank.  Regions are in\n"
           "                         spectral order: each group of linked regions by the Fiedler\n"
           "                         vector of the Laplacian of the links, so regions that\n"
           "                         work together sit together; the group with most links first,\n"
           "                         regions without links last.  At most 200 regions (those with\n"
           "                         most links).  Needs no centralities: fast on large datasets\n"
           "  --geo                  draw the region map or the whole graph as a map: each region at\n"
           "                         its coordinates (lat/lon), each actor near its own point, else its\n"
           "                         region's, else the mean point of the actors it is tied to;\n"
           "                         equirectangular projection, north up, graticule and scale bar;\n"
           "                         what has no coordinates is named in the footer\n\n"
           "drawing:\n"
           "  -o, --output FILE      the diagram (written to a temporary name, renamed when complete;\n"
           "                         '-': standard output)\n"
           "  -T, --format FMT       dot, svg, png or pdf (default: from FILE's extension)\n"
           "  --group G              clusters: region (default), community, kind or none\n"
           "  --size-by M            node size: irb (default), betweenness, pagerank or degree\n"
           "  --fill F               node colour: region (default; colour-blind-safe) or kind\n"
           "  --layout L             dot, neato, fdp, sfdp or circo (default: by size; views too\n"
           "                         large to lay out in about 10 s are refused)\n"
           "  --brokers K            label the top K brokers with their rank (default 5)\n"
           "  --width PX, --height PX  image size in pixels (the drawing is scaled to fit, centred)\n"
           "  --dpi N                pixels per inch of PNG output (default 96)\n\n"
           "graph and metrics:\n"
           "  --from DATE, --to DATE keep relations active in the window (YYYY or YYYY-MM-DD)\n"
           "  --mode MODE            full (default: every entity) or organisations\n"
           KL_CLI_SAMPLES_HELP KL_CLI_SAMPLING_HELP
           "  --seed S               seed of communities and sampling (default 1)\n"
           "  -v, --verbose          print timings per phase to standard error\n" KL_CLI_COMMON_HELP
           "  -h, --help             this help\n\n"
           "The same input and options give byte-identical DOT and SVG.\n",
           usage_text);
}

enum {
    OPT_TOP = 1,
    OPT_EGO,
    OPT_DEPTH,
    OPT_REGION_MAP,
    OPT_PATH,
    OPT_GROUP,
    OPT_SIZE_BY,
    OPT_FILL,
    OPT_LAYOUT,
    OPT_BROKERS,
    OPT_WIDTH,
    OPT_HEIGHT,
    OPT_DPI,
    OPT_FROM,
    OPT_TO,
    OPT_MODE,
    OPT_SEED,
    OPT_GEO,
    OPT_HEATMAP
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Index of arg in the NULL-terminated list, or -1. */
static int pick(const char *arg, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(arg, names[i]) == 0)
            return i;
    return -1;
}

int cmd_render(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'T'},
        {"verbose", no_argument, NULL, 'v'},
        {"top", required_argument, NULL, OPT_TOP},
        {"ego", required_argument, NULL, OPT_EGO},
        {"depth", required_argument, NULL, OPT_DEPTH},
        {"region-map", no_argument, NULL, OPT_REGION_MAP},
        {"path", required_argument, NULL, OPT_PATH},
        {"group", required_argument, NULL, OPT_GROUP},
        {"size-by", required_argument, NULL, OPT_SIZE_BY},
        {"fill", required_argument, NULL, OPT_FILL},
        {"layout", required_argument, NULL, OPT_LAYOUT},
        {"brokers", required_argument, NULL, OPT_BROKERS},
        {"width", required_argument, NULL, OPT_WIDTH},
        {"height", required_argument, NULL, OPT_HEIGHT},
        {"dpi", required_argument, NULL, OPT_DPI},
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"mode", required_argument, NULL, OPT_MODE},
        {"seed", required_argument, NULL, OPT_SEED},
        {"geo", no_argument, NULL, OPT_GEO},
        KL_CLI_SAMPLING_OPTIONS,
        KL_CLI_SAMPLES_OPTION,
        {"heatmap", no_argument, NULL, OPT_HEATMAP},
        KL_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    static const char *const groups[] = {"region", "community", "kind", "none", NULL};
    static const char *const sizes[] = {"irb", "betweenness", "pagerank", "degree", NULL};
    static const char *const fills[] = {"region", "kind", NULL};
    static const char *const layouts[] = {"auto", "dot", "neato", "fdp", "sfdp", "circo", NULL};
    static const char *const modes[] = {"full", "organisations", NULL};
    static const char *const formats[] = {"dot", "svg", "png", "pdf", NULL};
    int format = -1;
    kl_cli_common_t common;
    kl_graph_options_t gopt;
    kl_analysis_options_t aopt;
    kl_cli_sampling_t scli;
    kl_viz_options_t vopt;
    const char *output = NULL;
    int verbose = 0, views = 0, layout_given = 0, group_given = 0, c, k;
    int node_style_given = 0; /* --size-by, --fill or --brokers: actor views only */
    unsigned long long v;

    kl_cli_common_init(&common);
    kl_graph_options_init(&gopt);
    kl_analysis_options_init(&aopt);
    kl_cli_sampling_init(&scli);
    kl_viz_options_init(&vopt);
    vopt.geo = KL_GEO_OFF; /* a map only on request */
    opterr = 0;
    optind = 1;
#define USAGE(...) return kl_cli_usage_error("render", usage_text, __VA_ARGS__)
    while ((c = getopt_long(argc, argv, ":ho:T:vq", longopts, NULL)) != -1) {
        int handled = kl_cli_common_option(&common, c, optarg, "render");
        if (handled == 0)
            handled = kl_cli_sampling_option(&scli, c, optarg, "render", usage_text);
        if (handled < 0)
            return KL_EXIT_USAGE;
        if (handled)
            continue;
        switch (c) {
        case 'h': help(); return kl_cli_finish(KL_EXIT_OK);
        case 'o': output = optarg; break;
        case 'T':
            if ((format = pick(optarg, formats)) < 0)
                USAGE("unknown format '%s' (dot, svg, png or pdf)", optarg);
            break;
        case 'v': verbose = 1; break;
        case OPT_TOP:
            if (kl_cli_parse_u64(optarg, UINT32_MAX, &v) < 0 || v == 0)
                USAGE("invalid number '%s' for --top", optarg);
            vopt.top = (uint32_t)v;
            break;
        case OPT_EGO: vopt.view = KL_VIEW_EGO, vopt.ego = optarg, views++; break;
        case OPT_DEPTH:
            if (kl_cli_parse_u64(optarg, 1000, &v) < 0 || v == 0)
                USAGE("invalid depth '%s' (1 to 1000)", optarg);
            vopt.depth = (uint32_t)v;
            break;
        case OPT_REGION_MAP: vopt.view = KL_VIEW_REGION_MAP, views++; break;
        case OPT_PATH:
            /* two values: the second is the next argument */
            if (optind >= argc || argv[optind][0] == '-')
                USAGE("option '--path' needs two actor or region ids");
            vopt.view = KL_VIEW_PATH, vopt.path_from = optarg, vopt.path_to = argv[optind++], views++;
            break;
        case OPT_GROUP:
            if ((k = pick(optarg, groups)) < 0)
                USAGE("unknown group '%s' (region, community, kind or none)", optarg);
            vopt.group = (kl_viz_group)k;
            group_given = 1;
            break;
        case OPT_SIZE_BY:
            if ((k = pick(optarg, sizes)) < 0)
                USAGE("unknown metric '%s' for --size-by (irb, betweenness, pagerank or degree)", optarg);
            vopt.size_by = (kl_viz_size)k;
            node_style_given = 1;
            break;
        case OPT_FILL:
            if ((k = pick(optarg, fills)) < 0)
                USAGE("unknown fill '%s' (region or kind)", optarg);
            vopt.fill_by = (kl_viz_fill)k;
            node_style_given = 1;
            break;
        case OPT_LAYOUT:
            if ((k = pick(optarg, layouts)) < 0)
                USAGE("unknown layout '%s' (dot, neato, fdp, sfdp or circo)", optarg);
            vopt.layout = (kl_viz_layout)k;
            layout_given = 1;
            break;
        case OPT_BROKERS:
            if (kl_cli_parse_u64(optarg, 1000, &v) < 0)
                USAGE("invalid number '%s' for --brokers (0 to 1000)", optarg);
            vopt.brokers = (uint32_t)v;
            node_style_given = 1;
            break;
        case OPT_WIDTH:
        case OPT_HEIGHT:
            if (kl_cli_parse_u64(optarg, 20000, &v) < 0 || v < 16)
                USAGE("invalid size '%s' for --%s (16 to 20000 pixels)", optarg, c == OPT_WIDTH ? "width" : "height");
            if (c == OPT_WIDTH)
                vopt.width = (uint32_t)v;
            else
                vopt.height = (uint32_t)v;
            break;
        case OPT_DPI:
            if (kl_cli_parse_u64(optarg, 1200, &v) < 0 || v < 18)
                USAGE("invalid resolution '%s' for --dpi (18 to 1200)", optarg);
            vopt.dpi = (uint32_t)v;
            break;
        case OPT_FROM:
        case OPT_TO: {
            int32_t d;
            if (kl_date_parse(optarg, c == OPT_TO, &d) < 0)
                USAGE("invalid date '%s' for --%s (YYYY or YYYY-MM-DD)", optarg, c == OPT_TO ? "to" : "from");
            if (c == OPT_TO)
                gopt.to = vopt.to = d;
            else
                gopt.from = vopt.from = d;
            break;
        }
        case OPT_MODE:
            if ((k = pick(optarg, modes)) < 0)
                USAGE("unknown mode '%s' (full or organisations)", optarg);
            gopt.mode = k ? KL_MODE_ORGANISATIONS : KL_MODE_FULL;
            break;
        case OPT_SEED:
            if (kl_cli_parse_u64(optarg, UINT32_MAX, &v) < 0)
                USAGE("invalid seed '%s' (0 to 4294967295)", optarg);
            aopt.seed = v;
            break;
        case OPT_GEO: vopt.geo = KL_GEO_ON; break;
        case OPT_HEATMAP: vopt.view = KL_VIEW_HEATMAP, views++; break;
        default: USAGE("%s", kl_cli_bad_option(argv, c));
        }
    }
    if (optind >= argc)
        USAGE("no dataset given");
    if (optind != argc - 1)
        USAGE("one dataset at a time");
    if (views > 1 || (vopt.top && vopt.view != KL_VIEW_WHOLE))
        USAGE("--top, --ego, --region-map, --path and --heatmap exclude each other");
    if (vopt.view == KL_VIEW_HEATMAP && (vopt.geo == KL_GEO_ON || layout_given || group_given || node_style_given))
        USAGE("--heatmap draws a matrix of region pairs: --geo, --layout, --group, --size-by, --fill and --brokers "
              "do not apply");
    if (vopt.geo == KL_GEO_ON && (vopt.view == KL_VIEW_EGO || vopt.view == KL_VIEW_PATH))
        USAGE("--geo draws the whole graph or the region map as a map, not --ego or --path");
    if (vopt.geo == KL_GEO_ON && (layout_given || group_given))
        USAGE("--geo places every node at its coordinates: --layout and --group do not apply");
    if (!output)
        USAGE("no output file given (-o FILE)");
    if (format < 0 && (format = kl_viz_format_from_path(output)) < 0)
        USAGE("cannot tell the format of '%s' from its extension (.dot, .svg, .png or .pdf); use --format",
              output);
    if (gopt.from != KL_DATE_MIN && gopt.to != KL_DATE_MAX && gopt.to < gopt.from)
        USAGE("--to is before --from");
#undef USAGE
    if (kl_cli_sampling_check(&scli, "render", usage_text) < 0)
        return KL_EXIT_USAGE;

    double t0 = now(), t_load, t_graph, t_analysis, t_write;
    kl_dataset_t ds;
    kl_agraph_t g = {0};
    kl_analysis_t res = {0};
    kl_regions_t regions = {0};
    kl_viz_t *viz = NULL;
    char *data = NULL;
    size_t len = 0;
    kl_error_t err = {0};
    int rc = KL_EXIT_FAILURE;
    if (kl_cli_load(argv[optind], &common, &ds) != 0)
        goto cleanup;
    t_load = now();
    if (kl_agraph_build(&g, &ds, &gopt, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    t_graph = now();
    /* refuse a whole graph too large to lay out before spending time on it */
    if (format != KL_VIZ_DOT && vopt.view == KL_VIEW_WHOLE && !vopt.top &&
        kl_viz_check_size(vopt.geo == KL_GEO_ON ? KL_LAYOUT_NOP
                                                : kl_viz_layout_for(vopt.layout, vopt.view, g.n, g.csr.m),
                          vopt.view, g.n, g.csr.m, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    kl_sampling_decision_t sampling;
    kl_cli_sampling_decide(&scli, g.n, g.csr.m, &sampling);
    kl_cli_sampling_note(&sampling, common.quiet, "render");
    if (vopt.view == KL_VIEW_HEATMAP) {
        /* region pairs only, with brokers for the pairs `kluster bridges`
         * gives them to under the same policy: no centralities to wait for */
        kl_regions_options_t ropt;
        kl_regions_options_init(&ropt);
        kl_sampling_apply(&sampling, NULL, &ropt);
        ropt.seed = aopt.seed;
        if (kl_regions_compute(&regions, &ds, &g, &ropt, &err) != KL_OK) {
            kl_cli_print_error(&err);
            goto cleanup;
        }
        vopt.regions = &regions;
        goto draw;
    }
    kl_sampling_apply(&sampling, &aopt, NULL);
    if (kl_analysis_run(&res, &g, &ds, &aopt, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    kl_cli_eigenvector_note(&res, common.quiet, "render");
draw:
    t_analysis = now();
    if (kl_viz_build(&viz, &ds, &g, &res, &vopt, &err) != KL_OK ||
        kl_viz_render(viz, (kl_viz_format)format, &data, &len, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    double t_viz = now();
    if (strcmp(output, "-") == 0 ? fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0
                                 : kl_output_write_data(output, data, len, KL_OUTPUT_THROUGH_LINKS) != 0) {
        kl_cli_error("cannot write '%s': %s", strcmp(output, "-") ? output : "standard output",
                     strerror(errno ? errno : EIO));
        goto cleanup;
    }
    t_write = now();
    if (verbose) {
        const kl_viz_info_t *info = kl_viz_info(viz);
        fprintf(stderr, "kluster render: %u nodes, %u edges, layout %s\n", info->nodes, info->edges,
                kl_viz_layout_name(info->layout));
        fprintf(stderr, "  load            %.3f s\n  graph           %.3f s\n  analysis        %.3f s\n",
                t_load - t0, t_graph - t_load, t_analysis - t_graph);
        fprintf(stderr, "  build           %.3f s\n  layout          %.3f s\n  render          %.3f s\n",
                info->seconds_build, info->seconds_layout, info->seconds_render);
        fprintf(stderr, "  write           %.3f s\n  viz total       %.3f s\n  total           %.3f s\n",
                t_write - t_viz, t_write - t_analysis, t_write - t0);
    }
    rc = KL_EXIT_OK;
cleanup:
    free(data);
    kl_viz_free(viz);
    kl_analysis_destroy(&res);
    kl_regions_destroy(&regions);
    if (g.initialized)
        kl_agraph_destroy(&g);
    kl_dataset_destroy(&ds);
    return kl_cli_finish(rc);
}

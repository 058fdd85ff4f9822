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
    "                      [--max-nodes N] [--label name|short_name|id]\n"
    "                      [--width PX] [--height PX] [--dpi N] [--from DATE] [--to DATE]\n"
    "                      [--mode full|organisations] [--samples K | --epsilon E [--delta D] | --exact]\n"
    "                      [--title TEXT] [--subtitle TEXT] [--caption TEXT] [--seed S] [OPTIONS]\n";

static void help(void)
{
    printf("%s\n"
           "Draw the analysis graph of DATASET with Graphviz.  The extension of FILE picks the\n"
           "output: .dot (the graph, not laid out; `dot -Tsvg FILE` draws it), .svg, .png or .pdf;\n"
           ".html: the diagram in a page to explore offline (search, cards with evidence, brokers\n"
           "of a region pair; actor views only).\n"
           "Regions are drawn as labelled clusters (--group); shape shows the kind of actor, size\n"
           "a metric, colour the region (or kind); bridges that matter (between regions, or\n"
           "cutting off at least 10%% of the actors of their component, two or more) are drawn in\n"
           "vermillion, articulation points with a double border, and the top brokers by\n"
           "inter-regional betweenness carry their rank.\n"
           "A legend, a title and a footer (sources, dataset id) come with every diagram.\n\n"
           "views (one at a time; default: the whole graph):\n"
           "  --top N                the N most central actors (by --size-by) and their ties\n"
           "  --ego ACTOR            the actors within --depth ties of ACTOR (default depth 1): its\n"
           "                         id, name or alias, or the start of one (see kluster find)\n"
           "  --depth K              how far the ego network reaches\n"
           "  --region-map           one node per region, sized by its actors; edges weighted by\n"
           "                         cross-region links (ties between the regions' actors, plus\n"
           "                         regionless actors tied to both) and labelled with the main\n"
           "                         broker: the highest irb among the actors on those links\n"
           "  --path A B             every shortest path between two actors or two regions (ids\n"
           "                         or names)\n"
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
           "                         Lambert azimuthal equal-area projection (areas true) centred on\n"
           "                         the bulk of the places, over land, coastlines and borders; up to\n"
           "                         three places far from the bulk get insets, more are named in the\n"
           "                         footer, as is what has no coordinates\n"
           "  --areas actors|irb     with --region-map --geo: fill the regions whose outline is known\n"
           "                         by a colour scale of their actors or of their inter-regional\n"
           "                         betweenness (their actors' irb summed); the others stay circles\n"
           "                         (default: circles, area by actors, over the outlined regions)\n\n"
           "drawing:\n"
           "  -o, --output FILE      the diagram (written to a temporary name, renamed when complete;\n"
           "                         '-': standard output)\n"
           "  -T, --format FMT       dot, svg, png, pdf or html (default: from FILE's extension)\n"
           "  --group G              clusters: region (default), community, kind or none; drawn\n"
           "                         by dot and fdp only (ego views and dense views are drawn by\n"
           "                         neato unless --layout says otherwise)\n"
           "  --size-by M            node size: irb (default), betweenness, pagerank or degree\n"
           "  --fill F               node colour: region (default; colour-blind-safe) or kind\n"
           "  --layout L             dot, neato, fdp, sfdp or circo (default: by size; views too\n"
           "                         large to lay out in about 10 s are refused)\n"
           "  --brokers K            label the top K brokers with their rank (default 5)\n"
           "  --max-nodes N          draw at most N actors one by one (default 60 for --ego and\n"
           "                         --path, no cap otherwise): the ego or path ends, the numbered\n"
           "                         brokers and the most central by --size-by; the footer counts\n"
           "                         the others.  In every view, unnamed actors whose only tie is\n"
           "                         to one drawn actor hang on it as one node (\"+142 projects\")\n"
           "  --label L              node text: name (default), short_name (the entities'\n"
           "                         short_name attribute where it names one entity only, else\n"
           "                         the name) or id\n"
           "  --width PX, --height PX  image size in pixels (the drawing is scaled to fit, centred)\n"
           "  --dpi N                pixels per inch of PNG output (default 96)\n"
           "  --title TEXT           the title, top left (default: the dataset's title)\n"
           "  --subtitle TEXT        the line under it (default: the view, its counts and dates)\n"
           "  --caption TEXT         a source line under the legend, above the footer that names\n"
           "                         the dataset, e.g. \"Source: CORDIS, 2024\" (default: none);\n"
           "                         long text wraps at spaces; \"\" leaves a title or subtitle out\n"
           KL_CLI_LANG_HELP "\n"
           "graph and metrics:\n"
           KL_CLI_GRAPH_HELP KL_CLI_SAMPLES_HELP KL_CLI_SAMPLING_HELP
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
    OPT_GEO,
    OPT_HEATMAP,
    OPT_AREAS,
    OPT_MAX_NODES,
    OPT_LABEL,
    OPT_TITLE,
    OPT_SUBTITLE,
    OPT_CAPTION
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

typedef struct {
    kl_cli_options_t *o;
    kl_viz_options_t vopt;
    int format, verbose, views, layout_given, group_given;
    int html; /* -o FILE.html or -T html: the diagram made explorable (writers/explorer.c) */
    int node_style_given; /* --size-by, --fill or --brokers: actor views only */
    const char *actor_option; /* --max-nodes or --label: actor views only */
    const char *output;
} render_t;

#define USAGE(...) return kl_cli_usage_error("render", usage_text, __VA_ARGS__)

/* The options that choose and style the view. */
static int option(int c, const char *arg, int argc, char **argv, void *ctx)
{
    static const char *const groups[] = {"region", "community", "kind", "none", NULL};
    static const char *const sizes[] = {"irb", "betweenness", "pagerank", "degree", NULL};
    static const char *const fills[] = {"region", "kind", NULL};
    static const char *const layouts[] = {"auto", "dot", "neato", "fdp", "sfdp", "circo", NULL};
    static const char *const formats[] = {"dot", "svg", "png", "pdf", "html", NULL};
    static const char *const areas[] = {"actors", "irb", NULL};
    static const char *const labels[] = {"name", "short_name", "id", NULL};
    render_t *r = ctx;
    kl_viz_options_t *vopt = &r->vopt;
    unsigned long long v;
    int k;
    switch (c) {
    case 'o': r->output = arg; break;
    case 'T':
        if ((r->format = pick(arg, formats)) < 0)
            USAGE("unknown format '%s' (dot, svg, png, pdf or html)", arg);
        if (r->format == 4) /* html: the SVG, in a page that explores it */
            r->html = 1, r->format = KL_VIZ_SVG;
        break;
    case 'v': r->verbose = 1; break;
    case OPT_TOP:
        if (kl_cli_parse_u64(arg, UINT32_MAX, &v) < 0 || v == 0)
            USAGE("invalid number '%s' for --top", arg);
        vopt->top = (uint32_t)v;
        break;
    case OPT_EGO: vopt->view = KL_VIEW_EGO, vopt->ego = arg, r->views++; break;
    case OPT_DEPTH:
        if (kl_cli_parse_u64(arg, 1000, &v) < 0 || v == 0)
            USAGE("invalid depth '%s' (1 to 1000)", arg);
        vopt->depth = (uint32_t)v;
        break;
    case OPT_REGION_MAP: vopt->view = KL_VIEW_REGION_MAP, r->views++; break;
    case OPT_PATH:
        /* two values: the second is the next argument */
        if (optind >= argc || argv[optind][0] == '-')
            USAGE("option '--path' needs two actor or region ids");
        vopt->view = KL_VIEW_PATH, vopt->path_from = arg, vopt->path_to = argv[optind++], r->views++;
        break;
    case OPT_GROUP:
        if ((k = pick(arg, groups)) < 0)
            USAGE("unknown group '%s' (region, community, kind or none)", arg);
        vopt->group = (kl_viz_group)k;
        r->group_given = 1;
        break;
    case OPT_SIZE_BY:
        if ((k = pick(arg, sizes)) < 0)
            USAGE("unknown metric '%s' for --size-by (irb, betweenness, pagerank or degree)", arg);
        vopt->size_by = (kl_viz_size)k;
        r->node_style_given = 1;
        break;
    case OPT_FILL:
        if ((k = pick(arg, fills)) < 0)
            USAGE("unknown fill '%s' (region or kind)", arg);
        vopt->fill_by = (kl_viz_fill)k;
        r->node_style_given = 1;
        break;
    case OPT_LAYOUT:
        if ((k = pick(arg, layouts)) < 0)
            USAGE("unknown layout '%s' (dot, neato, fdp, sfdp or circo)", arg);
        vopt->layout = (kl_viz_layout)k;
        r->layout_given = 1;
        break;
    case OPT_BROKERS:
        if (kl_cli_parse_u64(arg, 1000, &v) < 0)
            USAGE("invalid number '%s' for --brokers (0 to 1000)", arg);
        vopt->brokers = (uint32_t)v;
        r->node_style_given = 1;
        break;
    case OPT_WIDTH:
    case OPT_HEIGHT:
        if (kl_cli_parse_u64(arg, 20000, &v) < 0 || v < 16)
            USAGE("invalid size '%s' for --%s (16 to 20000 pixels)", arg, c == OPT_WIDTH ? "width" : "height");
        if (c == OPT_WIDTH)
            vopt->width = (uint32_t)v;
        else
            vopt->height = (uint32_t)v;
        break;
    case OPT_DPI:
        if (kl_cli_parse_u64(arg, 1200, &v) < 0 || v < 18)
            USAGE("invalid resolution '%s' for --dpi (18 to 1200)", arg);
        vopt->dpi = (uint32_t)v;
        break;
    case OPT_GEO: vopt->geo = KL_GEO_ON; break;
    case OPT_AREAS:
        if ((k = pick(arg, areas)) < 0)
            USAGE("unknown value '%s' for --areas (actors or irb)", arg);
        vopt->areas = (kl_viz_areas)(k + 1);
        break;
    case OPT_HEATMAP: vopt->view = KL_VIEW_HEATMAP, r->views++; break;
    case OPT_MAX_NODES:
        if (kl_cli_parse_u64(arg, 1000000, &v) < 0 || v == 0)
            USAGE("invalid number '%s' for --max-nodes (1 to 1000000)", arg);
        vopt->max_nodes = (uint32_t)v;
        r->actor_option = "--max-nodes";
        break;
    case OPT_LABEL:
        if ((k = pick(arg, labels)) < 0)
            USAGE("unknown label '%s' (name, short_name or id)", arg);
        vopt->label_by = (kl_viz_label)k;
        r->actor_option = "--label";
        break;
    case OPT_TITLE: vopt->title = arg; break;
    case OPT_SUBTITLE: vopt->subtitle = arg; break;
    case OPT_CAPTION: vopt->caption = arg; break;
    default: return KL_CLI_UNKNOWN;
    }
    return KL_CLI_HANDLED;
}

/* The views and styles that exclude each other, and the output's format. */
static int check_view(render_t *r)
{
    kl_viz_options_t *vopt = &r->vopt;
    if (r->views > 1 || (vopt->top && vopt->view != KL_VIEW_WHOLE))
        USAGE("--top, --ego, --region-map, --path and --heatmap exclude each other");
    if (vopt->view == KL_VIEW_HEATMAP &&
        (vopt->geo == KL_GEO_ON || r->layout_given || r->group_given || r->node_style_given))
        USAGE("--heatmap draws a matrix of region pairs: --geo, --layout, --group, --size-by, --fill and --brokers "
              "do not apply");
    if (r->actor_option && (vopt->view == KL_VIEW_HEATMAP || vopt->view == KL_VIEW_REGION_MAP))
        USAGE("%s applies to views of actors, not --region-map or --heatmap", r->actor_option);
    if (vopt->geo == KL_GEO_ON && (vopt->view == KL_VIEW_EGO || vopt->view == KL_VIEW_PATH))
        USAGE("--geo draws the whole graph or the region map as a map, not --ego or --path");
    if (vopt->areas && !(vopt->geo == KL_GEO_ON && vopt->view == KL_VIEW_REGION_MAP))
        USAGE("--areas fills the regions of a map: it needs --region-map --geo");
    if (vopt->geo == KL_GEO_ON && (r->layout_given || r->group_given))
        USAGE("--geo places every node at its coordinates: --layout and --group do not apply");
    if (!r->output)
        USAGE("no output file given (-o FILE)");
    const char *ext = strrchr(r->output, '.');
    if (r->format < 0 && ext && !strchr(ext, '/') && (!strcasecmp(ext, ".html") || !strcasecmp(ext, ".htm")))
        r->html = 1, r->format = KL_VIZ_SVG;
    if (r->html && (vopt->view == KL_VIEW_HEATMAP || vopt->view == KL_VIEW_REGION_MAP))
        USAGE("an explorable page (.html) shows actors: the whole graph, --top, --ego or --path, not %s",
              vopt->view == KL_VIEW_HEATMAP ? "--heatmap" : "--region-map");
    if (r->format < 0 && (r->format = kl_viz_format_from_path(r->output)) < 0)
        USAGE("cannot tell the format of '%s' from its extension (.dot, .svg, .png, .pdf or .html); use --format",
              r->output);
    if (r->format == KL_VIZ_GNUPLOT)
        USAGE("'%s': .gp files are gnuplot scripts, written by `kluster trend --chart`; a diagram is .dot, .svg, "
              ".png or .pdf",
              r->output);
    return KL_CLI_GO_ON;
}
#undef USAGE

/* The page that explores the diagram: *data (the SVG) becomes the page.
 * Returns 0, or 1 after printing the error. */
/* --ego and --path by name: the views take ids, so the names given are
 * replaced by the ids they stand for (the dataset owns the strings). */
static int name_actors(const kl_dataset_t *ds, const kl_agraph_t *g, kl_viz_options_t *vopt, const char *path)
{
    if (vopt->view == KL_VIEW_EGO) {
        int32_t e = kl_cli_name_actor(ds, vopt->ego, "--ego", path);
        if (e < 0)
            return -1;
        if (g->entity_vertex[e] < 0) {
            kl_cli_error("'%s' (%s) is not an actor of the analysis graph (%s mode, excluded kinds)", vopt->ego,
                         ds->entities[e].id, g->options.mode == KL_MODE_ORGANISATIONS ? "organisations" : "full");
            return -1;
        }
        vopt->ego = ds->entities[e].id;
    }
    if (vopt->view == KL_VIEW_PATH) {
        const char **ends[2] = {&vopt->path_from, &vopt->path_to};
        for (int k = 0; k < 2; k++) {
            int is_region = 0;
            int32_t i = kl_cli_name_actor_or_region(ds, *ends[k], "--path", path, &is_region);
            if (i < 0)
                return -1;
            *ends[k] = is_region ? ds->regions[i].id : ds->entities[i].id;
        }
    }
    return 0;
}

static int explorer_page(const kl_run_t *run, const char *path, char **data, size_t *len)
{
    kl_explorer_t x = {&run->ds, &run->g, &run->metrics, &run->regions, path, *data, *len};
    char *page = NULL;
    size_t page_len = 0;
    FILE *m = open_memstream(&page, &page_len);
    int bad = !m;
    if (m) {
        bad = kl_write_explorer_page(m, &x) != 0;
        bad |= fclose(m) != 0;
    }
    if (bad) {
        free(page);
        kl_cli_error("out of memory writing the page");
        return 1;
    }
    free(*data);
    *data = page;
    *len = page_len;
    return 0;
}

static void print_timings(const kl_viz_t *viz, const kl_run_t *run, double t_write)
{
    double t_analysis =
        run->seconds[KL_STAGE_METRICS] + run->seconds[KL_STAGE_REGIONS] + run->seconds[KL_STAGE_BROKERAGE];
    const kl_viz_info_t *info = kl_viz_info(viz);
    fprintf(stderr, "kluster render: %u nodes, %u edges, layout %s\n", info->nodes, info->edges,
            kl_viz_layout_name(info->layout));
    fprintf(stderr, "  load            %.3f s\n  graph           %.3f s\n  analysis        %.3f s\n",
            run->seconds[KL_STAGE_LOAD], run->seconds[KL_STAGE_GRAPH], t_analysis);
    fprintf(stderr, "  build           %.3f s\n  layout          %.3f s\n  render          %.3f s\n",
            info->seconds_build, info->seconds_layout, info->seconds_render);
    double viz_total = info->seconds_build + info->seconds_layout + info->seconds_render + t_write;
    fprintf(stderr, "  write           %.3f s\n  viz total       %.3f s\n  total           %.3f s\n", t_write,
            viz_total, run->seconds[KL_STAGE_LOAD] + run->seconds[KL_STAGE_GRAPH] + t_analysis + viz_total);
}

int cmd_render(int argc, char **argv)
{
    static const struct option longopts[] = {
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
        {"geo", no_argument, NULL, OPT_GEO},
        {"heatmap", no_argument, NULL, OPT_HEATMAP},
        {"areas", required_argument, NULL, OPT_AREAS},
        {"max-nodes", required_argument, NULL, OPT_MAX_NODES},
        {"label", required_argument, NULL, OPT_LABEL},
        {"title", required_argument, NULL, OPT_TITLE},
        {"subtitle", required_argument, NULL, OPT_SUBTITLE},
        {"caption", required_argument, NULL, OPT_CAPTION},
        {NULL, 0, NULL, 0},
    };
    kl_cli_options_t o;
    kl_cli_options_init(&o);
    render_t r;
    memset(&r, 0, sizeof r);
    r.o = &o;
    r.format = -1;
    kl_viz_options_init(&r.vopt);
    r.vopt.geo = KL_GEO_OFF; /* a map only on request */
    const kl_cli_command_t cmd = {"render", usage_text, help, "o:T:v", longopts,
                                  KL_CLI_DATASET | KL_CLI_GRAPH | KL_CLI_SAMPLING | KL_CLI_SAMPLES | KL_CLI_SEED |
                                      KL_CLI_LANG,
                                  option, &r};
    int rc = kl_cli_parse(&cmd, argc, argv, &o);
    if (rc != KL_CLI_GO_ON)
        return rc;
    if (optind >= argc)
        return kl_cli_usage_error("render", usage_text, "no dataset given");
    if (optind != argc - 1)
        return kl_cli_usage_error("render", usage_text, "one dataset at a time");
    if ((rc = check_view(&r)) != KL_CLI_GO_ON || (rc = kl_cli_check(&cmd, &o)) != KL_CLI_GO_ON)
        return rc;
    kl_viz_options_t *vopt = &r.vopt;
    vopt->from = o.run.graph.from;
    vopt->to = o.run.graph.to;
    /* the heat map needs region pairs with the brokers `kluster bridges`
     * gives them under the same policy, and no centralities; the other
     * views need the metrics only */
    o.run.parts = vopt->view == KL_VIEW_HEATMAP ? KL_RUN_REGIONS | KL_RUN_PAIR_BROKERS : KL_RUN_METRICS;
    if (r.html) /* the cards name the region pairs each actor brokers */
        o.run.parts = KL_RUN_METRICS | KL_RUN_REGIONS | KL_RUN_PAIR_BROKERS;

    kl_run_t run;
    kl_viz_t *viz = NULL;
    char *data = NULL;
    size_t len = 0;
    kl_error_t err = {0};
    kl_run_init(&run);
    rc = KL_EXIT_FAILURE;
    if (kl_cli_check_output(r.output, argv[optind]) || kl_cli_run_load(&run, argv[optind], &o) != 0 ||
        kl_cli_run_build(&run, &o) != 0)
        goto cleanup;
    if (name_actors(&run.ds, &run.g, vopt, argv[optind]) != 0)
        goto cleanup;
    /* refuse a whole graph too large to lay out before spending time on it */
    if (kl_viz_check_view(&run.ds, &run.g, vopt, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    if (kl_cli_run_analyse(&run, &o, "render") != 0)
        goto cleanup;
    if (vopt->view == KL_VIEW_HEATMAP)
        vopt->regions = &run.regions;
    if (kl_viz_build(&viz, &run.ds, &run.g, &run.metrics, vopt, &err) != KL_OK ||
        kl_viz_render(viz, (kl_viz_format)r.format, &data, &len, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    if (r.html && explorer_page(&run, argv[optind], &data, &len) != 0)
        goto cleanup;
    double t1 = now();
    if (strcmp(r.output, "-") == 0 ? fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0
                                   : kl_output_write_data(r.output, data, len, KL_OUTPUT_THROUGH_LINKS) != 0) {
        kl_cli_error("cannot write '%s': %s", strcmp(r.output, "-") ? r.output : "standard output",
                     strerror(errno ? errno : EIO));
        goto cleanup;
    }
    if (r.verbose)
        print_timings(viz, &run, now() - t1);
    rc = KL_EXIT_OK;
cleanup:
    free(data);
    kl_viz_free(viz);
    kl_run_destroy(&run);
    return kl_cli_finish(rc);
}

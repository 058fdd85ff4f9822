/* cli/cmd_diff.c - `kluster diff OLD NEW`: what changed between two
 * analyses (each an analysis.json, or a dataset analysed on the spot):
 * actors and ties added or removed, rank movements among the top brokers,
 * region pairs newly connected, disconnected or fragile. */
#include "batch.h"
#include "commands.h"
#include "output.h"

#include "../analysis/analysis.h"
#include "../writers/results.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: kluster diff OLD NEW [--format md|json] [-o FILE] [--top N] [--seed S]\n"
    "                    [--mode full|organisations] [--ties TYPES] [--exclude-kind KIND]\n"
    "                    [--from DATE] [--to DATE] [--weights] [--epsilon E [--delta D] | --exact]\n"
    "                    [OPTIONS]\n";

static void help(void)
{
    printf("%s\n"
           "Compare two analyses.  OLD and NEW are each an analysis.json (kluster analyze, or a\n"
           "dataset folder of kluster batch's output) or a dataset, which is analysed first with\n"
           "the options given.  Reported: actors added and removed, ties added and removed and\n"
           "ties whose weight changed (from the analyses' ties), rank movements among the top\n"
           "brokers by inter-regional betweenness (ranked among actors with irb > 0), and\n"
           "region pairs newly connected, disconnected, newly fragile or no longer fragile.\n\n"
           "options:\n"
           "  -f, --format FMT       md (default: a readable summary) or json (kluster-diff/1)\n"
           "  -o, --output FILE      write to FILE (temporary name, renamed when complete)\n"
           "  --top N                top brokers compared (default 10)\n"
           "  --seed S               seed of community detection and sampling for datasets\n"
           "                         (default 1)\n"
           "for datasets, as for `kluster analyze`:\n"
           KL_CLI_SAMPLING_HELP KL_CLI_GRAPH_HELP KL_CLI_COMMON_HELP
           "  -h, --help             this help\n\n"
           "Exit status: 0 compared (whether or not anything changed), 1 an input could not be\n"
           "read or analysed, 2 usage error.\n",
           usage_text);
}

enum { OPT_TOP = 1, OPT_SEED };

typedef struct {
    kl_cli_common_t common;
    kl_cli_graph_t graph;
    kl_cli_sampling_t sampling;
    uint64_t seed;
    uint32_t top;
} diff_opts_t;

/* ------------------------------------------------------------- inputs */

/* Analyse a dataset as analyze would and fill side from the results, or
 * return -1 after printing the error. */
static int analyse_dataset(const char *path, const diff_opts_t *o, kl_diff_side_t *side)
{
    kl_dataset_t ds;
    kl_agraph_t g;
    kl_analysis_t res;
    kl_regions_t regions;
    kl_brokerage_t brk, brk_u;
    kl_error_t err = {0};
    int rc = -1;
    memset(&ds, 0, sizeof ds);
    memset(&g, 0, sizeof g);
    memset(&res, 0, sizeof res);
    memset(&regions, 0, sizeof regions);
    memset(&brk, 0, sizeof brk);
    memset(&brk_u, 0, sizeof brk_u);
    if (kl_cli_load(path, &o->common, &ds) != 0)
        goto cleanup;
    kl_analysis_options_t aopt;
    kl_analysis_options_init(&aopt);
    aopt.weighted = o->graph.weighted;
    aopt.threads = o->graph.threads;
    aopt.seed = o->seed;
    kl_regions_options_t ropt;
    kl_regions_options_init(&ropt);
    if (kl_agraph_build(&g, &ds, &o->graph.graph, &err) != KL_OK)
        goto fail;
    kl_sampling_decision_t sampling;
    kl_cli_sampling_decide(&o->sampling, g.n, g.csr.m, &sampling);
    kl_cli_sampling_note(&sampling, o->common.quiet, "diff");
    kl_sampling_apply(&sampling, &aopt, &ropt);
    if (kl_analysis_run(&res, &g, &ds, &aopt, &err) != KL_OK)
        goto fail;
    kl_cli_eigenvector_note(&res, o->common.quiet, "diff");
    ropt.seed = aopt.seed;
    ropt.weighted = aopt.weighted;
    ropt.community = res.community;
    ropt.threads = aopt.threads;
    if (kl_regions_compute(&regions, &ds, &g, &ropt, &err) != KL_OK ||
        kl_brokerage_compute(&brk, &ds, &g, 0, &err) != KL_OK || kl_brokerage_compute(&brk_u, &ds, &g, 1, &err) != KL_OK)
        goto fail;
    /* the results analyze would write, typed: a dataset compares exactly
     * like its analysis.json */
    kl_report_t report = {&ds, &g, &res, path, o->top, &regions, &brk, &brk_u};
    if (kl_diff_side_from_report(side, &report, &err) != KL_OK)
        goto fail;
    rc = 0;
    goto cleanup;
fail:
    kl_cli_print_error(&err);
cleanup:
    kl_brokerage_destroy(&brk);
    kl_brokerage_destroy(&brk_u);
    kl_regions_destroy(&regions);
    kl_analysis_destroy(&res);
    if (g.initialized)
        kl_agraph_destroy(&g);
    kl_dataset_destroy(&ds);
    return rc;
}

/* An input: analysis.json (or a folder holding one, e.g. batch output), or
 * a dataset.  Fills side, or returns -1 after printing the error. */
static int load_input(const char *path, const diff_opts_t *o, kl_diff_side_t *side)
{
    char *inner = NULL;
    const char *file = path;
    if (!kl_batch_peek_format(path, KL_ANALYSIS_FORMAT)) {
        size_t len = strlen(path);
        inner = malloc(len + 16);
        if (!inner) {
            kl_cli_error("out of memory");
            return -1;
        }
        sprintf(inner, "%s%sanalysis.json", path, len && path[len - 1] == '/' ? "" : "/");
        if (!kl_batch_peek_format(inner, KL_ANALYSIS_FORMAT)) {
            free(inner);
            return analyse_dataset(path, o, side);
        }
        file = inner;
    }
    kl_error_t err = {0};
    int rc = kl_diff_side_read(side, file, &err) == KL_OK ? 0 : -1;
    if (rc)
        kl_cli_print_error(&err);
    free(inner);
    return rc;
}

int cmd_diff(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"top", required_argument, NULL, OPT_TOP},
        {"seed", required_argument, NULL, OPT_SEED},
        KL_CLI_GRAPH_OPTIONS,
        KL_CLI_SAMPLING_OPTIONS,
        KL_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    diff_opts_t o;
    const char *output = NULL;
    int json_out = 0, c;
    unsigned long long v;
    memset(&o, 0, sizeof o);
    kl_cli_common_init(&o.common);
    kl_cli_graph_init(&o.graph);
    kl_cli_sampling_init(&o.sampling);
    o.seed = 1;
    o.top = 10;
    opterr = 0;
    optind = 1;
#define USAGE(...) return kl_cli_usage_error("diff", usage_text, __VA_ARGS__)
    while ((c = getopt_long(argc, argv, ":hf:o:q", longopts, NULL)) != -1) {
        int handled = kl_cli_common_option(&o.common, c, optarg, "diff");
        if (handled < 0)
            return KL_EXIT_USAGE;
        if (handled)
            continue;
        if ((handled = kl_cli_graph_option(&o.graph, c, optarg, "diff", usage_text)) == 0)
            handled = kl_cli_sampling_option(&o.sampling, c, optarg, "diff", usage_text);
        if (handled < 0)
            return KL_EXIT_USAGE;
        if (handled)
            continue;
        switch (c) {
        case 'h': help(); return kl_cli_finish(KL_EXIT_OK);
        case 'f':
            if (strcmp(optarg, "json") == 0)
                json_out = 1;
            else if (strcmp(optarg, "md") == 0 || strcmp(optarg, "markdown") == 0)
                json_out = 0;
            else
                USAGE("unknown format '%s' (md or json)", optarg);
            break;
        case 'o': output = optarg; break;
        case OPT_TOP:
            if (kl_cli_parse_u64(optarg, 100000, &v) < 0 || v == 0)
                USAGE("invalid number '%s' for --top", optarg);
            o.top = (uint32_t)v;
            break;
        case OPT_SEED:
            if (kl_cli_parse_u64(optarg, UINT32_MAX, &v) < 0)
                USAGE("invalid seed '%s' (0 to 4294967295)", optarg);
            o.seed = v;
            break;
        default: USAGE("%s", kl_cli_bad_option(argv, c));
        }
    }
    if (argc - optind < 2)
        USAGE("two analyses or datasets expected (OLD NEW)");
    if (argc - optind > 2)
        USAGE("two analyses or datasets expected, got '%s' too", argv[optind + 2]);
    if (o.graph.graph.from > o.graph.graph.to)
        USAGE("--from is after --to");
#undef USAGE
    if (kl_cli_sampling_check(&o.sampling, "diff", usage_text) < 0)
        return KL_EXIT_USAGE;

    int rc = KL_EXIT_FAILURE;
    kl_diff_side_t old, nw;
    kl_diff_t d;
    kl_output_t out;
    memset(&old, 0, sizeof old);
    memset(&nw, 0, sizeof nw);
    memset(&d, 0, sizeof d);
    memset(&out, 0, sizeof out);
    if (load_input(argv[optind], &o, &old) != 0 || load_input(argv[optind + 1], &o, &nw) != 0)
        goto cleanup;
    if (kl_diff_compare(&d, &old, argv[optind], &nw, argv[optind + 1], o.top) != KL_OK) {
        kl_cli_error("out of memory");
        goto cleanup;
    }
    if (kl_output_open(&out, output) != 0) {
        kl_cli_error("cannot create '%s': %s", output, strerror(errno));
        goto cleanup;
    }
    errno = 0;
    int wrc = json_out ? kl_write_diff_json(out.f, &d) : kl_write_diff_md(out.f, &d);
    if (wrc != 0 || kl_output_commit(&out) != 0) {
        kl_cli_error("cannot write '%s': %s", output ? output : "standard output", strerror(errno ? errno : EIO));
        goto cleanup;
    }
    rc = KL_EXIT_OK;
cleanup:
    kl_output_abort(&out);
    kl_diff_destroy(&d);
    kl_diff_side_destroy(&old);
    kl_diff_side_destroy(&nw);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}

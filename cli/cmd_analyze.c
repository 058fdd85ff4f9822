/* cli/cmd_analyze.c - `kluster analyze`: every per-actor, region and graph
 * metric of docs/metrics.md on the analysis graph, as JSON, CSV or a Markdown
 * summary. */
#include "commands.h"
#include "../writers/writers.h"

#include "../analysis/analysis.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
           "agree with regions (NMI, ARI).  Definitions: docs/metrics.md.\n\n"
           "options:\n"
           "  -f, --format FMT       json (default; kluster-analysis/1), csv (one row per\n"
           "                         actor), md (a human summary with top-N tables) or xlsx\n"
           "                         (an Excel workbook, one sheet per table; needs -o FILE)\n"
           "  -o, --output FILE      write to FILE (written to a temporary name, renamed when\n"
           "                         complete); '-' or none: standard output\n"
           "  --top N                rows per table of the md summary (default 10)\n"
           KL_CLI_LANG_HELP
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

enum { OPT_TOP = 1, OPT_COMMUNITIES, OPT_ALL_PAIRS, OPT_TIMINGS };

typedef struct {
    kl_cli_options_t *o;
    kl_format format;
    const char *output;
    unsigned long long top;
    int verbose, timings;
} analyze_t;

static int option(int c, const char *arg, int argc, char **argv, void *ctx)
{
    analyze_t *a = ctx;
    int f;
    switch (c) {
    case 'f':
        if ((f = kl_cli_pick_format(arg)) < 0)
            return kl_cli_usage_error("analyze", usage_text, "unknown format '%s' (json, csv, md or xlsx)", arg);
        a->format = (kl_format)f;
        return KL_CLI_HANDLED;
    case 'o': a->output = arg; return KL_CLI_HANDLED;
    case 'v': a->verbose = 1; return KL_CLI_HANDLED;
    case OPT_TOP:
        if (kl_cli_parse_u64(arg, UINT32_MAX, &a->top) < 0)
            return kl_cli_usage_error("analyze", usage_text, "invalid number '%s' for --top", arg);
        return KL_CLI_HANDLED;
    case OPT_COMMUNITIES:
        if ((f = kl_cli_pick_communities(arg)) < 0)
            return kl_cli_usage_error("analyze", usage_text, "unknown community method '%s' (leiden or louvain)", arg);
        a->o->run.communities = (kl_community_method)f;
        return KL_CLI_HANDLED;
    case OPT_ALL_PAIRS: a->o->run.all_pairs = 1; return KL_CLI_HANDLED;
    case OPT_TIMINGS: a->timings = 1; return KL_CLI_HANDLED;
    }
    return KL_CLI_UNKNOWN;
}

/* --verbose: the wall time of each stage on standard error */
static void print_timings(const kl_run_t *run, int threads, double t_write, double total)
{
    static const char *const names[KL_PHASE_COUNT] = {"order", "paths", "spectral", "structure", "communities",
                                                       "holes"};
    fprintf(stderr, "kluster analyze: %u actors, %u ties\n", run->g.n, run->g.csr.m);
    fprintf(stderr, "  %-12s %8.3f s\n  %-12s %8.3f s\n", "load", run->seconds[KL_STAGE_LOAD], "graph",
            run->seconds[KL_STAGE_GRAPH]);
    for (int k = 0; k < KL_PHASE_COUNT; k++) {
        fprintf(stderr, "  %-12s %8.3f s", names[k], run->metrics.seconds[k]);
        if (k == KL_PHASE_PATHS && run->metrics.arcs > 0) {
            /* the kernel's speed: wall time x threads per arc inspection */
            long cpus = threads > 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);
            fprintf(stderr, "   %.3g arc inspections, %.2f ns each per thread", (double)run->metrics.arcs,
                    run->metrics.seconds[k] * (double)(cpus > 0 ? cpus : 1) * 1e9 / (double)run->metrics.arcs);
            if (run->regions.seconds_brokers_fused > 0)
                fprintf(stderr, "; brokers' lanes %.3f s of it", run->regions.seconds_brokers_fused);
        }
        fputc('\n', stderr);
    }
    fprintf(stderr, "  %-12s %8.3f s\n  %-12s %8.3f s\n  %-12s %8.3f s\n", "regions",
            run->seconds[KL_STAGE_REGIONS] - run->regions.seconds_brokers, "brokers", run->regions.seconds_brokers,
            "brokerage", run->seconds[KL_STAGE_BROKERAGE]);
    fprintf(stderr, "  %-12s %8.3f s\n  %-12s %8.3f s\n", "write", t_write, "total", total);
}

int cmd_analyze(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"verbose", no_argument, NULL, 'v'},
        {"top", required_argument, NULL, OPT_TOP},
        {"communities", required_argument, NULL, OPT_COMMUNITIES},
        {"all-pairs", no_argument, NULL, OPT_ALL_PAIRS},
        {"timings", no_argument, NULL, OPT_TIMINGS},
        {NULL, 0, NULL, 0},
    };
    kl_cli_options_t o;
    kl_cli_options_init(&o);
    analyze_t a = {&o, KL_FORMAT_JSON, NULL, 10, 0, 0};
    const kl_cli_command_t cmd = {"analyze", usage_text, help, "f:o:v", longopts,
                                  KL_CLI_DATASET | KL_CLI_GRAPH | KL_CLI_SAMPLING | KL_CLI_SAMPLES | KL_CLI_SEED | KL_CLI_LANG,
                                  option, &a};
    int rc = kl_cli_parse(&cmd, argc, argv, &o);
    if (rc != KL_CLI_GO_ON)
        return rc;
    if (optind >= argc)
        return kl_cli_usage_error("analyze", usage_text, "no dataset given");
    if (optind + 1 < argc)
        return kl_cli_usage_error("analyze", usage_text, "one dataset expected, got '%s' too", argv[optind + 1]);
    if ((rc = kl_cli_check(&cmd, &o)) != KL_CLI_GO_ON)
        return rc;
    if (a.format == KL_FORMAT_XLSX && (!a.output || strcmp(a.output, "-") == 0))
        return kl_cli_usage_error("analyze", usage_text, KL_CLI_XLSX_NEEDS_FILE);
    const char *path = argv[optind];

    kl_run_t run;
    kl_output_t out;
    kl_error_t err = {0};
    double t_between = 0, t_irb = 0;
    kl_run_init(&run);
    memset(&out, 0, sizeof out);
    rc = KL_EXIT_FAILURE;

    double t0 = now_seconds();
    if (kl_cli_check_output(a.output, path) || kl_cli_run(&run, path, &o, "analyze") != 0)
        goto cleanup;
    if (a.timings && kl_paths_time(&run.g, o.run.weighted, o.run.threads, &t_between, &t_irb, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    double t3 = now_seconds();
    if (kl_output_open(&out, a.output) != 0) {
        kl_cli_error("cannot create '%s': %s", a.output, strerror(errno));
        goto cleanup;
    }
    kl_report_t report;
    kl_run_report(&run, path, (uint32_t)a.top, &report);
    errno = 0;
    char why[300] = "";
    int wrc = a.format == KL_FORMAT_CSV ? kl_write_csv(out.f, &report)
              : a.format == KL_FORMAT_MD ? kl_write_md(out.f, &report)
              : a.format == KL_FORMAT_XLSX ? kl_write_xlsx(out.f, &report, why, sizeof why)
                                         : kl_write_json(out.f, &report);
    if (wrc != 0 || kl_output_commit(&out) != 0) {
        kl_cli_error("cannot write '%s': %s", a.output ? a.output : "standard output",
                     *why ? why : strerror(errno ? errno : EIO));
        goto cleanup;
    }
    if (a.verbose)
        print_timings(&run, o.run.threads, now_seconds() - t3, now_seconds() - t0);
    if (a.timings)
        fprintf(stderr, "kluster analyze: timings: betweenness %.3f s, irb %.3f s, irb/betweenness %.3f\n", t_between,
                t_irb, t_between > 0 ? t_irb / t_between : 0.0);
    rc = KL_EXIT_OK;
cleanup:
    kl_output_abort(&out);
    kl_run_destroy(&run);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}

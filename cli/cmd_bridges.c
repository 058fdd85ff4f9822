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
           "betweenness.  Definitions: docs/metrics.md#region-pairs.\n\n"
           "options:\n"
           "  --regions IDS          report only the pairs among these regions (two or more\n"
           "                         region ids or names, comma-separated); their brokers are exact\n"
           "  --top N                brokers per pair and actors listed (default 5)\n"
           "  --all-pairs            brokers for every connected pair, however long it takes\n"
           "  --broker-work-limit W  brokers for every connected pair when W' m <= W (W': the\n"
           "                         sum over connected pairs of the smaller region's actors,\n"
           "                         m: ties; default 1e10); above it only for the --regions\n"
           "                         pairs and the 20 pairs with most links\n"
           "  -f, --format FMT       md (default: sentences and tables), json\n"
           "                         (kluster-bridges/1), csv (one row per region pair) or\n"
           "                         xlsx (an Excel workbook, one sheet per table; needs -o)\n"
           "  -o, --output FILE      write to FILE (complete or not at all); '-': stdout\n"
           KL_CLI_LANG_HELP
           "  --timings              also time exact betweenness and exact irb as two separate\n"
           "                         runs; print both and their ratio to standard error\n"
           KL_CLI_SAMPLING_HELP
           "  --seed S               seed of the sampling (default 1)\n"
           KL_CLI_GRAPH_HELP KL_CLI_COMMON_HELP
           "  -h, --help             this help\n",
           usage_text);
}

enum { OPT_REGIONS = 1, OPT_TOP, OPT_ALL_PAIRS, OPT_TIMINGS, OPT_WORK_LIMIT };

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

typedef struct {
    kl_cli_options_t *o;
    kl_format format;
    const char *output, *regions_arg;
    unsigned long long top;
    int timings;
} bridges_t;

static int option(int c, const char *arg, int argc, char **argv, void *ctx)
{
    bridges_t *b = ctx;
    int f;
    switch (c) {
    case 'f':
        if ((f = kl_cli_pick_format(arg)) < 0)
            return kl_cli_usage_error("bridges", usage_text, "unknown format '%s' (json, csv, md or xlsx)", arg);
        b->format = (kl_format)f;
        return KL_CLI_HANDLED;
    case 'o': b->output = arg; return KL_CLI_HANDLED;
    case OPT_REGIONS: b->regions_arg = arg; return KL_CLI_HANDLED;
    case OPT_TOP:
        if (kl_cli_parse_u64(arg, 100000, &b->top) < 0 || b->top == 0)
            return kl_cli_usage_error("bridges", usage_text, "invalid number '%s' for --top (1 to 100000)", arg);
        return KL_CLI_HANDLED;
    case OPT_ALL_PAIRS: b->o->run.all_pairs = 1; return KL_CLI_HANDLED;
    case OPT_WORK_LIMIT:
        if (parse_work_limit(arg, &b->o->run.broker_work_limit) < 0)
            return kl_cli_usage_error("bridges", usage_text,
                                      "invalid value '%s' for --broker-work-limit (a number >= 0, e.g. 1e10)", arg);
        return KL_CLI_HANDLED;
    case OPT_TIMINGS: b->timings = 1; return KL_CLI_HANDLED;
    }
    return KL_CLI_UNKNOWN;
}

/* --regions: the named regions (ds indices) into focus, which holds room
 * for n_named; returns how many, or -1 after a message. */
static int find_regions(const kl_dataset_t *ds, const char *regions_arg, const char *path, uint32_t *focus)
{
    char *copy = strdup(regions_arg);
    if (!copy) {
        kl_cli_error("out of memory");
        return -1;
    }
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int32_t r = kl_cli_name_region(ds, tok, "--regions", path);
        if (r < 0) {
            free(copy);
            return -1;
        }
        focus[n++] = (uint32_t)r;
    }
    free(copy);
    if (n < 2) {
        kl_cli_error("--regions needs two or more region ids, got '%s'", regions_arg);
        return -1;
    }
    return n;
}

/* With --regions, only the pairs among them are shown. */
static uint8_t *pairs_among(const kl_run_t *run, const uint32_t *focus, uint32_t n_focus)
{
    uint8_t *shown = calloc((size_t)run->regions.n_pairs + 1, 1);
    uint8_t *in = calloc((size_t)run->ds.n_regions + 1, 1);
    if (!shown || !in) {
        free(in);
        free(shown);
        return NULL;
    }
    for (uint32_t i = 0; i < n_focus; i++)
        in[focus[i]] = 1;
    for (uint32_t p = 0; p < run->regions.n_pairs; p++)
        shown[p] = in[run->regions.pairs[p].a] && in[run->regions.pairs[p].b];
    free(in);
    return shown;
}

/* --timings: the two kernels timed apart, and the broker passes */
static int print_timings(const kl_run_t *run, const kl_cli_options_t *o)
{
    double tb = 0, ti = 0;
    kl_error_t err = {0};
    if (kl_paths_time(&run->g, o->run.weighted, o->run.threads, &tb, &ti, &err) != KL_OK) {
        kl_cli_print_error(&err);
        return -1;
    }
    fprintf(stderr, "kluster bridges: timings: betweenness %.3f s, irb %.3f s, irb/betweenness %.3f\n", tb, ti,
            tb > 0 ? ti / tb : 0.0);
    uint32_t with_brokers = 0;
    for (uint32_t p = 0; p < run->regions.n_pairs; p++)
        with_brokers += (uint32_t)run->regions.pairs[p].has_brokers;
    fprintf(stderr, "kluster bridges: timings: brokers %.3f s for %u of %u region pairs (W m = %.4g, limit %.4g)\n",
            run->regions.seconds_brokers, with_brokers, run->regions.n_pairs, run->regions.broker_work,
            run->broker_work_limit);
    return 0;
}

int cmd_bridges(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"regions", required_argument, NULL, OPT_REGIONS},
        {"top", required_argument, NULL, OPT_TOP},
        {"all-pairs", no_argument, NULL, OPT_ALL_PAIRS},
        {"broker-work-limit", required_argument, NULL, OPT_WORK_LIMIT},
        {"timings", no_argument, NULL, OPT_TIMINGS},
        {NULL, 0, NULL, 0},
    };
    kl_cli_options_t o;
    kl_cli_options_init(&o);
    bridges_t b = {&o, KL_FORMAT_MD, NULL, NULL, 5, 0};
    const kl_cli_command_t cmd = {"bridges", usage_text, help, "f:o:", longopts,
                                  KL_CLI_DATASET | KL_CLI_GRAPH | KL_CLI_SAMPLING | KL_CLI_SEED | KL_CLI_LANG, option, &b};
    int rc = kl_cli_parse(&cmd, argc, argv, &o);
    if (rc != KL_CLI_GO_ON)
        return rc;
    if (optind >= argc)
        return kl_cli_usage_error("bridges", usage_text, "no dataset given");
    if (optind + 1 < argc)
        return kl_cli_usage_error("bridges", usage_text, "one dataset expected, got '%s' too", argv[optind + 1]);
    if ((rc = kl_cli_check(&cmd, &o)) != KL_CLI_GO_ON)
        return rc;
    if (b.format == KL_FORMAT_XLSX && (!b.output || strcmp(b.output, "-") == 0))
        return kl_cli_usage_error("bridges", usage_text, KL_CLI_XLSX_NEEDS_FILE);
    size_t n_named = 0;
    if (b.regions_arg) {
        n_named = 1;
        for (const char *p = b.regions_arg; *p; p++)
            n_named += *p == ',';
        if (n_named < 2)
            return kl_cli_usage_error("bridges", usage_text, "--regions needs two or more region ids, got '%s'",
                                      b.regions_arg);
    }
    const char *path = argv[optind];

    kl_run_t run;
    kl_output_t out;
    uint32_t *focus = NULL;
    uint8_t *shown = NULL;
    kl_run_init(&run);
    memset(&out, 0, sizeof out);
    rc = KL_EXIT_FAILURE;
    /* region pairs, their brokers and irb: no other metric to wait for */
    o.run.parts = KL_RUN_REGIONS | KL_RUN_PAIR_BROKERS | KL_RUN_REGION_IRB;
    o.run.brokers_per_pair = (uint32_t)b.top;

    if (kl_cli_check_output(b.output, path) || kl_cli_run_load(&run, path, &o) != 0)
        goto cleanup;
    if (b.regions_arg) {
        /* the named regions must exist in the dataset */
        int n_focus;
        if (!(focus = malloc(n_named * sizeof *focus))) {
            kl_cli_error("out of memory");
            goto cleanup;
        }
        if ((n_focus = find_regions(&run.ds, b.regions_arg, path, focus)) < 0)
            goto cleanup;
        o.run.focus = focus;
        o.run.n_focus = (uint32_t)n_focus;
    }
    if (kl_cli_run_build(&run, &o) != 0 || kl_cli_run_analyse(&run, &o, "bridges") != 0)
        goto cleanup;
    if (b.timings && print_timings(&run, &o) != 0)
        goto cleanup;
    if (o.run.n_focus && !(shown = pairs_among(&run, focus, o.run.n_focus))) {
        kl_cli_error("out of memory");
        goto cleanup;
    }
    if (kl_output_open(&out, b.output) != 0) {
        kl_cli_error("cannot create '%s': %s", b.output, strerror(errno));
        goto cleanup;
    }
    kl_bridges_report_t report = {&run.ds, &run.g, &run.regions, path, (uint32_t)b.top, shown};
    errno = 0;
    char why[300] = "";
    int wrc = b.format == KL_FORMAT_CSV ? kl_write_bridges_csv(out.f, &report)
              : b.format == KL_FORMAT_JSON ? kl_write_bridges_json(out.f, &report)
              : b.format == KL_FORMAT_XLSX ? kl_write_bridges_xlsx(out.f, &report, why, sizeof why)
                                           : kl_write_bridges_md(out.f, &report);
    if (wrc != 0 || kl_output_commit(&out) != 0) {
        kl_cli_error("cannot write '%s': %s", b.output ? b.output : "standard output",
                     *why ? why : strerror(errno ? errno : EIO));
        goto cleanup;
    }
    rc = KL_EXIT_OK;
cleanup:
    kl_output_abort(&out);
    kl_run_destroy(&run);
    free(focus);
    free(shown);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}

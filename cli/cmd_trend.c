/* cli/cmd_trend.c - `kluster trend`: the analysis period by period (each
 * exactly as `kluster analyze --from --to` gives it) and what changed from
 * one period to the next, as JSON, tidy CSV or a Markdown report. */
#include "commands.h"
#include "../writers/writers.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: kluster trend [--periods LIST | --every N [--from Y] [--to Y]] [--cumulative]\n"
    "                     [--format json|csv|md] [--table actors|pairs] [-o FILE] [--top N]\n"
    "                     [--chart FILE.{svg,png,pdf,gp}] [--maps FILE.{svg,png,pdf,dot}]\n"
    "                     [--seed S] [--epsilon E [--delta D] | --exact] [--weights]\n"
    "                     [--mode full|organisations] [--ties TYPES] [OPTIONS] DATASET\n";

static void help(void)
{
    printf("%s\n"
           "Analyse DATASET once per period of time and say what changed from one period to the\n"
           "next: the graph in numbers, region pairs connected and fragile (with their cut\n"
           "actors), the top brokers by inter-regional betweenness with their ranks, and which\n"
           "brokers entered, left, rose or fell.  Each period's numbers are those of\n"
           "`kluster analyze --from START --to END` with the same options and seed.\n\n"
           "periods:\n"
           "  --periods LIST         comma-separated, in time order: YYYY, YYYY-YYYY or\n"
           "                         DATE..DATE (DATE: YYYY or YYYY-MM-DD), e.g.\n"
           "                         2014-2016,2017-2020 or 2015,2016,2017\n"
           "  --every N              periods of N years (default 1) from --from to --to\n"
           "                         (default: the first and last year the relations are\n"
           "                         dated in)\n"
           "  --cumulative           every period starts where the first starts\n\n"
           "output:\n"
           "  -f, --format FMT       json (default; kluster-trend/1), csv (tidy: one row per\n"
           "                         period and actor with a tie), md (a report) or xlsx (an\n"
           "                         Excel workbook: periods, actors, region pairs, changes;\n"
           "                         needs -o FILE)\n"
           "  --table T              csv: actors (default) or pairs (one row per period and\n"
           "                         region pair)\n"
           "  -o, --output FILE      write to FILE (complete or not at all); default stdout\n"
           "  --top N                brokers per period (default 10)\n"
           KL_CLI_LANG_HELP
           "  --chart FILE           also draw the top brokers' irb share per period, one line\n"
           "                         each (at most 10: those longest in the top), by gnuplot;\n"
           "                         .svg, .png, .pdf, or .gp for the gnuplot script itself\n"
           "  --maps FILE            also draw the region map of every period side by side, at\n"
           "                         one scale and in the regions' colours (.svg, .png, .pdf,\n"
           "                         .dot)\n"
           "                         With --chart or --maps and neither -o nor --format, only\n"
           "                         the figures are written.\n"
           "  -v, --verbose          print each period as it starts\n\n"
           "analysis (as kluster analyze):\n"
           "  --seed S               seed of community detection and sampling (default 1)\n"
           KL_CLI_SAMPLING_HELP "  --communities ALG      leiden (default) or louvain\n"
           "  --all-pairs            brokers for every connected region pair\n"
           KL_CLI_GRAPH_HELP KL_CLI_COMMON_HELP
           "  -h, --help             this help\n\n"
           "Relations without dates count in every period.  Output is byte-identical for the\n"
           "same input, options and seed.  Format: docs/commands.md#trend.\n",
           usage_text);
}

enum { OPT_TOP = 1, OPT_PERIODS, OPT_EVERY, OPT_CUMULATIVE, OPT_TABLE, OPT_COMMUNITIES, OPT_ALL_PAIRS, OPT_CHART, OPT_MAPS };

typedef struct {
    kl_cli_options_t *o;
    kl_format format;
    const char *output, *periods, *chart, *maps;
    unsigned long long top, every;
    int verbose, cumulative, table, every_given, format_given;
} trend_t;

static int option(int c, const char *arg, int argc, char **argv, void *ctx)
{
    trend_t *a = ctx;
    int f;
    switch (c) {
    case 'f':
        if ((f = kl_cli_pick_format(arg)) < 0)
            return kl_cli_usage_error("trend", usage_text, "unknown format '%s' (json, csv, md or xlsx)", arg);
        a->format = (kl_format)f;
        a->format_given = 1;
        return KL_CLI_HANDLED;
    case 'o': a->output = arg; return KL_CLI_HANDLED;
    case 'v': a->verbose = 1; return KL_CLI_HANDLED;
    case OPT_TOP:
        if (kl_cli_parse_u64(arg, 100000, &a->top) < 0 || a->top == 0)
            return kl_cli_usage_error("trend", usage_text, "invalid number '%s' for --top (1 or more)", arg);
        return KL_CLI_HANDLED;
    case OPT_PERIODS: a->periods = arg; return KL_CLI_HANDLED;
    case OPT_EVERY:
        if (kl_cli_parse_u64(arg, 1000, &a->every) < 0 || a->every == 0)
            return kl_cli_usage_error("trend", usage_text, "invalid number of years '%s' for --every (1 to 1000)",
                                      arg);
        a->every_given = 1;
        return KL_CLI_HANDLED;
    case OPT_CUMULATIVE: a->cumulative = 1; return KL_CLI_HANDLED;
    case OPT_TABLE:
        if (strcmp(arg, "actors") == 0)
            a->table = 0;
        else if (strcmp(arg, "pairs") == 0)
            a->table = 1;
        else
            return kl_cli_usage_error("trend", usage_text, "unknown table '%s' (actors or pairs)", arg);
        return KL_CLI_HANDLED;
    case OPT_COMMUNITIES:
        if ((f = kl_cli_pick_communities(arg)) < 0)
            return kl_cli_usage_error("trend", usage_text, "unknown community method '%s' (leiden or louvain)", arg);
        a->o->run.communities = (kl_community_method)f;
        return KL_CLI_HANDLED;
    case OPT_ALL_PAIRS: a->o->run.all_pairs = 1; return KL_CLI_HANDLED;
    case OPT_CHART:
        if ((f = kl_viz_format_from_path(arg)) < 0 || f == KL_VIZ_DOT)
            return kl_cli_usage_error("trend", usage_text,
                                      "cannot tell the chart's format from '%s': .svg, .png, .pdf or .gp", arg);
        a->chart = arg;
        return KL_CLI_HANDLED;
    case OPT_MAPS:
        if ((f = kl_viz_format_from_path(arg)) < 0 || f == KL_VIZ_GNUPLOT)
            return kl_cli_usage_error("trend", usage_text,
                                      "cannot tell the maps' format from '%s': .svg, .png, .pdf or .dot", arg);
        a->maps = arg;
        return KL_CLI_HANDLED;
    }
    return KL_CLI_UNKNOWN;
}

/* "YYYY-MM-DD to YYYY-MM-DD", then end and a newline, on stderr */
static void print_window(int32_t from, int32_t to, const char *end)
{
    fprintf(stderr, "%04d-%02d-%02d to %04d-%02d-%02d%s\n", (int)(from / 10000), (int)(from / 100 % 100),
            (int)(from % 100), (int)(to / 10000), (int)(to / 100 % 100), (int)(to % 100), end);
}

typedef struct {
    int show;
} progress_t;

static void on_period(uint32_t i, uint32_t n, const kl_period_t *p, void *ctx)
{
    progress_t *pr = ctx;
    if (!pr->show)
        return;
    fprintf(stderr, "kluster trend: period %u of %u: ", i + 1, n);
    print_window(p->from, p->to, "");
}

typedef struct {
    char *data;
    size_t len;
} figure_t;

/* The figure's path as the report at `report` (NULL: standard output, read
 * from here) reaches it: its name alone when both are in one folder, else
 * its absolute path.  New string (NULL when out of memory: no link). */
static char *figure_href(const char *report, const char *figure)
{
    char rdir[PATH_MAX], fdir[PATH_MAX];
    const char *rs = report ? strrchr(report, '/') : NULL, *fs = strrchr(figure, '/');
    const char *fname = fs ? fs + 1 : figure;
    snprintf(rdir, sizeof rdir, "%.*s", rs ? (int)(rs - report) + (rs == report) : 1, rs ? report : ".");
    snprintf(fdir, sizeof fdir, "%.*s", fs ? (int)(fs - figure) + (fs == figure) : 1, fs ? figure : ".");
    char *r = report ? realpath(rdir, NULL) : NULL, *d = realpath(fdir, NULL), *href = NULL;
    if (!report || !r || !d)
        href = strdup(figure);
    else if (strcmp(r, d) == 0)
        href = strdup(fname);
    else if (asprintf(&href, "%s%s%s", d, strcmp(d, "/") ? "/" : "", fname) < 0)
        href = NULL;
    free(r);
    free(d);
    return href;
}

/* Draw the figures asked for into memory.  Returns 0, or 1 after printing
 * the error. */
static int draw_figures(const trend_t *a, const kl_trend_t *t, const kl_cli_options_t *o, figure_t *chart,
                        figure_t *maps)
{
    kl_trend_figure_t fig;
    kl_error_t err = {0};
    if (kl_trend_figure_init(&fig, t) != 0) {
        kl_cli_error("out of memory");
        return 1;
    }
    kl_viz_options_t vopt;
    kl_viz_options_init(&vopt);
    (void)o;
    kl_err rc = KL_OK;
    if (a->chart)
        rc = kl_viz_trend_chart(t->ds, &fig.fig, &vopt, (kl_viz_format)kl_viz_format_from_path(a->chart), &chart->data,
                                &chart->len, &err);
    if (rc == KL_OK && a->maps)
        rc = kl_viz_trend_maps(t->ds, &fig.fig, &vopt, (kl_viz_format)kl_viz_format_from_path(a->maps), &maps->data,
                               &maps->len, &err);
    kl_trend_figure_destroy(&fig);
    if (rc != KL_OK) {
        kl_cli_print_error(&err);
        return 1;
    }
    return 0;
}

int cmd_trend(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"verbose", no_argument, NULL, 'v'},
        {"top", required_argument, NULL, OPT_TOP},
        {"periods", required_argument, NULL, OPT_PERIODS},
        {"every", required_argument, NULL, OPT_EVERY},
        {"cumulative", no_argument, NULL, OPT_CUMULATIVE},
        {"table", required_argument, NULL, OPT_TABLE},
        {"communities", required_argument, NULL, OPT_COMMUNITIES},
        {"all-pairs", no_argument, NULL, OPT_ALL_PAIRS},
        {"chart", required_argument, NULL, OPT_CHART},
        {"maps", required_argument, NULL, OPT_MAPS},
        {NULL, 0, NULL, 0},
    };
    kl_cli_options_t o;
    kl_cli_options_init(&o);
    trend_t a = {&o, KL_FORMAT_JSON, NULL, NULL, NULL, NULL, 10, 1, 0, 0, 0, 0, 0};
    const kl_cli_command_t cmd = {"trend", usage_text, help, "f:o:v", longopts,
                                  KL_CLI_DATASET | KL_CLI_GRAPH | KL_CLI_SAMPLING | KL_CLI_SEED | KL_CLI_LANG, option, &a};
    int rc = kl_cli_parse(&cmd, argc, argv, &o);
    if (rc != KL_CLI_GO_ON)
        return rc;
    if (optind >= argc)
        return kl_cli_usage_error("trend", usage_text, "no dataset given");
    if (optind + 1 < argc)
        return kl_cli_usage_error("trend", usage_text, "one dataset expected, got '%s' too", argv[optind + 1]);
    if ((rc = kl_cli_check(&cmd, &o)) != KL_CLI_GO_ON)
        return rc;
    int32_t from = o.run.graph.from, to = o.run.graph.to;
    if (a.periods && (a.every_given || from != KL_DATE_MIN || to != KL_DATE_MAX))
        return kl_cli_usage_error("trend", usage_text,
                                  "--periods names the periods itself: --every, --from and --to go without it");
    if (a.table && a.format != KL_FORMAT_CSV)
        return kl_cli_usage_error("trend", usage_text, "--table goes with --format csv");
    if (a.format == KL_FORMAT_XLSX && (!a.output || strcmp(a.output, "-") == 0))
        return kl_cli_usage_error("trend", usage_text, KL_CLI_XLSX_NEEDS_FILE);
    kl_period_t *periods = NULL;
    uint32_t n_periods = 0;
    char msg[300];
    if (a.periods && kl_periods_parse(a.periods, &periods, &n_periods, msg, sizeof msg) < 0)
        return kl_cli_usage_error("trend", usage_text, "%s", msg);
    o.run.graph.from = KL_DATE_MIN; /* each period sets its own window */
    o.run.graph.to = KL_DATE_MAX;
    const char *path = argv[optind];

    kl_run_t run;
    kl_trend_t t;
    kl_output_t out;
    figure_t chart = {0}, maps = {0};
    kl_error_t err = {0};
    kl_run_init(&run);
    memset(&t, 0, sizeof t);
    memset(&out, 0, sizeof out);
    rc = KL_EXIT_FAILURE;
    if (kl_cli_check_output(a.output, path) || kl_cli_check_output(a.chart, path) ||
        kl_cli_check_output(a.maps, path) || kl_cli_run_load(&run, path, &o) != 0)
        goto cleanup;
    if (!periods) {
        int first, last;
        if (kl_dataset_years(&run.ds, &first, &last) < 0 && (from == KL_DATE_MIN || to == KL_DATE_MAX)) {
            kl_cli_line(stderr, "kluster: error: no relation in '%s' has a date: give --from and --to, or --periods",
                        path);
            goto cleanup;
        }
        if (from != KL_DATE_MIN)
            first = from / 10000;
        if (to != KL_DATE_MAX)
            last = to / 10000;
        if (kl_periods_every(first, last, (uint32_t)a.every, &periods, &n_periods) < 0) {
            kl_cli_error("no periods between %d and %d", first, last);
            goto cleanup;
        }
    }
    uint32_t seen = run.ds.n_warnings;
    progress_t pr = {a.verbose || (!o.quiet && isatty(STDERR_FILENO))};
    kl_err krc = kl_trend_run(&t, &run, &o.run, periods, n_periods, a.cumulative, (uint32_t)a.top, on_period, &pr,
                              &err);
    /* the graphs' own warnings (projects left out), once each */
    for (uint32_t i = seen; i < run.ds.n_warnings && (!o.quiet || o.run.strict); i++) {
        int dup = 0;
        for (uint32_t j = seen; j < i && !dup; j++)
            dup = strcmp(run.ds.warnings[i].text, run.ds.warnings[j].text) == 0;
        if (!dup)
            fprintf(stderr, "%s\n", run.ds.warnings[i].text);
    }
    if (krc != KL_OK) {
        if (t.n_periods) {
            const kl_trend_period_t *P = &t.periods[t.n_periods - 1];
            fputs("kluster trend: in the period ", stderr);
            print_window(P->from, P->to, ":");
        }
        kl_cli_print_error(&err);
        goto cleanup;
    }
    t.dataset_path = path;
    /* the figures first, in memory: a failure leaves no file behind */
    if ((a.chart || a.maps) && draw_figures(&a, &t, &o, &chart, &maps) != 0)
        goto cleanup;
    if (chart.data && kl_output_write_data(a.chart, chart.data, chart.len, KL_OUTPUT_THROUGH_LINKS) != 0) {
        kl_cli_error("cannot write '%s': %s", a.chart, strerror(errno ? errno : EIO));
        goto cleanup;
    }
    if (maps.data && kl_output_write_data(a.maps, maps.data, maps.len, KL_OUTPUT_THROUGH_LINKS) != 0) {
        kl_cli_error("cannot write '%s': %s", a.maps, strerror(errno ? errno : EIO));
        goto cleanup;
    }
    if ((a.chart || a.maps) && !a.output && !a.format_given) {
        rc = KL_EXIT_OK;
        goto cleanup;
    }
    if (kl_output_open(&out, a.output) != 0) {
        kl_cli_error("cannot create '%s': %s", a.output, strerror(errno));
        goto cleanup;
    }
    /* the report shows the figures written with it, by a path from its folder */
    char *chart_href = a.chart ? figure_href(a.output, a.chart) : NULL;
    char *maps_href = a.maps ? figure_href(a.output, a.maps) : NULL;
    errno = 0;
    char why[300] = "";
    int wrc = a.format == KL_FORMAT_CSV ? kl_write_trend_csv(out.f, &t, a.table)
              : a.format == KL_FORMAT_MD ? kl_write_trend_md(out.f, &t, chart_href, maps_href)
              : a.format == KL_FORMAT_XLSX ? kl_write_trend_xlsx(out.f, &t, why, sizeof why)
                                         : kl_write_trend_json(out.f, &t);
    free(chart_href);
    free(maps_href);
    if (wrc != 0 || kl_output_commit(&out) != 0) {
        kl_cli_error("cannot write '%s': %s", a.output ? a.output : "standard output",
                     *why ? why : strerror(errno ? errno : EIO));
        goto cleanup;
    }
    rc = KL_EXIT_OK;
cleanup:
    free(chart.data);
    free(maps.data);
    kl_output_abort(&out);
    kl_trend_destroy(&t);
    free(periods);
    kl_run_destroy(&run);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}

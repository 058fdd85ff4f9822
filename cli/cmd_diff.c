/* cli/cmd_diff.c - `kluster diff OLD NEW`: what changed between two
 * analyses (each an analysis.json, or a dataset analysed on the spot):
 * actors and ties added or removed, rank movements among the top brokers,
 * region pairs newly connected, disconnected or fragile. */
#include "batch.h"
#include "commands.h"
#include "../writers/writers.h"

#include "../analysis/analysis.h"

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
           KL_CLI_LANG_HELP
           "  --seed S               seed of community detection and sampling for datasets\n"
           "                         (default 1)\n"
           "for datasets, as for `kluster analyze`:\n"
           KL_CLI_SAMPLING_HELP KL_CLI_GRAPH_HELP KL_CLI_COMMON_HELP
           "  -h, --help             this help\n\n"
           "Exit status: 0 compared (whether or not anything changed), 1 an input could not be\n"
           "read or analysed, 2 usage error.\n",
           usage_text);
}

enum { OPT_TOP = 1 };

typedef struct {
    kl_cli_options_t cli;
    uint32_t top;
    int json_out;
    const char *output;
} diff_opts_t;

/* ------------------------------------------------------------- inputs */

/* Analyse a dataset as analyze would and fill side from the results, or
 * return -1 after printing the error. */
static int analyse_dataset(const char *path, const diff_opts_t *o, kl_diff_side_t *side)
{
    kl_run_t run;
    kl_run_init(&run);
    int rc = kl_cli_run(&run, path, &o->cli, "diff") != 0 ? -1 : 0;
    if (rc == 0) {
        /* the results analyze would write, typed: a dataset compares
         * exactly like its analysis.json */
        kl_error_t err = {0};
        kl_report_t report;
        kl_run_report(&run, path, o->top, &report);
        if (kl_diff_side_from_report(side, &report, &err) != KL_OK) {
            kl_cli_print_error(&err);
            rc = -1;
        }
    }
    kl_run_destroy(&run);
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

static int option(int c, const char *arg, int argc, char **argv, void *ctx)
{
    diff_opts_t *o = ctx;
    unsigned long long v;
    int f;
    switch (c) {
    case 'f':
        f = kl_cli_pick_format(arg);
        if (f != KL_FORMAT_JSON && f != KL_FORMAT_MD) /* no CSV of a comparison */
            return kl_cli_usage_error("diff", usage_text, "unknown format '%s' (md or json)", arg);
        o->json_out = f == KL_FORMAT_JSON;
        return KL_CLI_HANDLED;
    case 'o': o->output = arg; return KL_CLI_HANDLED;
    case OPT_TOP:
        if (kl_cli_parse_u64(arg, 100000, &v) < 0 || v == 0)
            return kl_cli_usage_error("diff", usage_text, "invalid number '%s' for --top", arg);
        o->top = (uint32_t)v;
        return KL_CLI_HANDLED;
    }
    return KL_CLI_UNKNOWN;
}

int cmd_diff(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"top", required_argument, NULL, OPT_TOP},
        {NULL, 0, NULL, 0},
    };
    diff_opts_t o;
    memset(&o, 0, sizeof o);
    kl_cli_options_init(&o.cli);
    o.top = 10;
    const kl_cli_command_t cmd = {"diff", usage_text, help, "f:o:", longopts,
                                  KL_CLI_DATASET | KL_CLI_GRAPH | KL_CLI_SAMPLING | KL_CLI_SEED | KL_CLI_LANG, option, &o};
    int prc = kl_cli_parse(&cmd, argc, argv, &o.cli);
    if (prc != KL_CLI_GO_ON)
        return prc;
    if (argc - optind < 2)
        return kl_cli_usage_error("diff", usage_text, "two analyses or datasets expected (OLD NEW)");
    if (argc - optind > 2)
        return kl_cli_usage_error("diff", usage_text, "two analyses or datasets expected, got '%s' too",
                                  argv[optind + 2]);
    if ((prc = kl_cli_check(&cmd, &o.cli)) != KL_CLI_GO_ON)
        return prc;
    const char *output = o.output;
    int json_out = o.json_out;

    int rc = KL_EXIT_FAILURE;
    kl_diff_side_t old, nw;
    kl_diff_t d;
    kl_output_t out;
    memset(&old, 0, sizeof old);
    memset(&nw, 0, sizeof nw);
    memset(&d, 0, sizeof d);
    memset(&out, 0, sizeof out);
    if (kl_cli_check_output(output, argv[optind]) || kl_cli_check_output(output, argv[optind + 1]) ||
        load_input(argv[optind], &o, &old) != 0 || load_input(argv[optind + 1], &o, &nw) != 0)
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

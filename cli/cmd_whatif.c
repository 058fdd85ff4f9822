/* cli/cmd_whatif.c - `kluster whatif`: what removing actors costs the
 * regions (--remove), or which single actors cost the most (--rank). */
#include "commands.h"
#include "../writers/writers.h"

#include "../analysis/analysis.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: kluster whatif (--remove ID[,ID...] | --rank [--top N]) [--format md|json|csv]\n"
    "                      [-o FILE] [--mode full|organisations] [--ties TYPES]\n"
    "                      [--exclude-kind KIND] [OPTIONS] DATASET\n";

static void help(void)
{
    printf("%s\n"
           "--remove: compare the analysis graph with the same graph without the given actors:\n"
           "region pairs that lose their connection or grow apart, inter-regional reachability\n"
           "(share of cross-region actor pairs connected), mean inter-regional distance, before\n"
           "and after, and how many cross-region actor pairs lose every path.\n"
           "--rank: every actor at once, exactly, through the block-cut tree: how many connected\n"
           "pairs of actors in different regions (neither of them the actor) its removal alone\n"
           "disconnects; the keystone actors come first.\n\n"
           "options:\n"
           "  --remove ACTORS        actors by id, name or alias, or the start of one,\n"
           "                         comma-separated (repeatable; see kluster find)\n"
           "  --rank                 rank every actor by the pairs its removal disconnects\n"
           "  --top N                rows of the ranking (default 10)\n"
           "  -f, --format FMT       md (default), json (kluster-whatif/1), csv or xlsx (an\n"
           "                         Excel workbook, one sheet per table; needs -o FILE)\n"
           "  -o, --output FILE      write to FILE (complete or not at all); '-': stdout\n"
           KL_CLI_LANG_HELP KL_CLI_GRAPH_HELP KL_CLI_COMMON_HELP
           "  -h, --help             this help\n",
           usage_text);
}

enum { OPT_REMOVE = 1, OPT_RANK, OPT_TOP };

typedef struct {
    kl_format format;
    const char *output;
    unsigned long long top;
    int rank;
    size_t remove_len;
    char *remove_ids; /* every --remove, joined by commas */
} whatif_t;

static int option(int c, const char *arg, int argc, char **argv, void *ctx)
{
    whatif_t *w = ctx;
    int f;
    switch (c) {
    case 'f':
        if ((f = kl_cli_pick_format(arg)) < 0)
            return kl_cli_usage_error("whatif", usage_text, "unknown format '%s' (md, json, csv or xlsx)", arg);
        w->format = (kl_format)f;
        return KL_CLI_HANDLED;
    case 'o': w->output = arg; return KL_CLI_HANDLED;
    case OPT_REMOVE: {
        size_t len = strlen(arg);
        char *nb = realloc(w->remove_ids, w->remove_len + len + 2);
        if (!nb) {
            kl_cli_error("out of memory");
            return KL_EXIT_FAILURE;
        }
        w->remove_ids = nb;
        if (w->remove_len)
            w->remove_ids[w->remove_len++] = ',';
        memcpy(w->remove_ids + w->remove_len, arg, len + 1);
        w->remove_len += len;
        return KL_CLI_HANDLED;
    }
    case OPT_RANK: w->rank = 1; return KL_CLI_HANDLED;
    case OPT_TOP:
        if (kl_cli_parse_u64(arg, UINT32_MAX, &w->top) < 0 || w->top == 0)
            return kl_cli_usage_error("whatif", usage_text, "invalid number '%s' for --top", arg);
        return KL_CLI_HANDLED;
    }
    return KL_CLI_UNKNOWN;
}

/* The operands and the options that exclude or need each other. */
static int check_args(const kl_cli_command_t *cmd, kl_cli_options_t *o, const whatif_t *w, int argc, char **argv)
{
    if (optind >= argc)
        return kl_cli_usage_error("whatif", usage_text, "no dataset given");
    if (optind + 1 < argc)
        return kl_cli_usage_error("whatif", usage_text, "one dataset expected, got '%s' too", argv[optind + 1]);
    if (w->rank && w->remove_ids)
        return kl_cli_usage_error("whatif", usage_text, "--remove and --rank exclude each other");
    if (!w->rank && !w->remove_ids)
        return kl_cli_usage_error("whatif", usage_text, "--remove IDS or --rank is needed");
    if (w->format == KL_FORMAT_XLSX && (!w->output || strcmp(w->output, "-") == 0))
        return kl_cli_usage_error("whatif", usage_text, KL_CLI_XLSX_NEEDS_FILE);
    return kl_cli_check(cmd, o);
}

int cmd_whatif(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"remove", required_argument, NULL, OPT_REMOVE},
        {"rank", no_argument, NULL, OPT_RANK},
        {"top", required_argument, NULL, OPT_TOP},
        {NULL, 0, NULL, 0},
    };
    kl_cli_options_t o;
    kl_cli_options_init(&o);
    whatif_t w = {KL_FORMAT_MD, NULL, 10, 0, 0, NULL};
    const kl_cli_command_t cmd = {"whatif", usage_text, help, "f:o:", longopts, KL_CLI_DATASET | KL_CLI_GRAPH | KL_CLI_LANG,
                                  option, &w};
    int urc = kl_cli_parse(&cmd, argc, argv, &o);
    if (urc == KL_CLI_GO_ON)
        urc = check_args(&cmd, &o, &w, argc, argv);
    if (urc != KL_CLI_GO_ON) {
        free(w.remove_ids);
        return urc;
    }
    kl_format format = w.format;
    const char *output = w.output;
    unsigned long long top = w.top;
    size_t remove_len = w.remove_len;
    char *remove_ids = w.remove_ids;
    const char *path = argv[optind];

    kl_run_t run;
    kl_whatif_t cmp;
    kl_output_t out;
    kl_error_t err = {0};
    int rc = KL_EXIT_FAILURE;
    uint32_t *removed = NULL, n_removed = 0;
    uint64_t *disconnects = NULL;
    double cross_pairs = 0;
    /* only a removal compares region pairs (--max-regions); --rank counts
     * cross-region pairs per actor without them */
    o.run.parts = remove_ids ? KL_RUN_REGIONS : 0;
    kl_run_init(&run);
    memset(&cmp, 0, sizeof cmp);
    memset(&out, 0, sizeof out);

    if (kl_cli_check_output(output, path) || kl_cli_run_load(&run, path, &o) != 0 ||
        kl_cli_run_build(&run, &o) != 0)
        goto cleanup;
    const kl_dataset_t *ds = &run.ds;
    const kl_agraph_t *g = &run.g;
    if (remove_ids) {
        removed = malloc((remove_len + 1) * sizeof *removed);
        if (!removed) {
            kl_cli_error("out of memory");
            goto cleanup;
        }
        for (char *save = NULL, *tok = strtok_r(remove_ids, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            int32_t e = kl_cli_name_actor(ds, tok, "--remove", path);
            if (e < 0)
                goto cleanup;
            if (g->entity_vertex[e] < 0) {
                kl_cli_error("actor '%s' is not in the analysis graph (%s mode, excluded kinds)", tok,
                             g->options.mode == KL_MODE_ORGANISATIONS ? "organisations" : "full");
                goto cleanup;
            }
            uint32_t v = (uint32_t)g->entity_vertex[e], dup = 0;
            for (uint32_t i = 0; i < n_removed; i++)
                dup |= removed[i] == v;
            if (!dup)
                removed[n_removed++] = v;
        }
        if (n_removed == 0) {
            kl_cli_error("--remove names no actor");
            goto cleanup;
        }
        if (kl_whatif_compare(&cmp, ds, g, removed, n_removed, o.run.weighted, o.run.threads, &err) != KL_OK) {
            kl_cli_print_error(&err);
            goto cleanup;
        }
    } else {
        disconnects = malloc(((size_t)g->n + 1) * sizeof *disconnects);
        if (!disconnects) {
            kl_cli_error("out of memory");
            goto cleanup;
        }
        if (kl_whatif_rank(g, disconnects, &cross_pairs, &err) != KL_OK) {
            kl_cli_print_error(&err);
            goto cleanup;
        }
    }
    if (kl_output_open(&out, output) != 0) {
        kl_cli_error("cannot create '%s': %s", output, strerror(errno));
        goto cleanup;
    }
    kl_whatif_report_t report = {ds,      g,         path,        (uint32_t)top, remove_ids ? &cmp : NULL,
                                 removed, n_removed, disconnects, cross_pairs};
    errno = 0;
    char why[300] = "";
    int wrc = format == KL_FORMAT_CSV ? kl_write_whatif_csv(out.f, &report)
              : format == KL_FORMAT_JSON ? kl_write_whatif_json(out.f, &report)
              : format == KL_FORMAT_XLSX ? kl_write_whatif_xlsx(out.f, &report, why, sizeof why)
                                         : kl_write_whatif_md(out.f, &report);
    if (wrc != 0 || kl_output_commit(&out) != 0) {
        kl_cli_error("cannot write '%s': %s", output ? output : "standard output",
                     *why ? why : strerror(errno ? errno : EIO));
        goto cleanup;
    }
    rc = KL_EXIT_OK;
cleanup:
    kl_output_abort(&out);
    kl_whatif_destroy(&cmp);
    kl_run_destroy(&run);
    free(removed);
    free(disconnects);
    free(remove_ids);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}

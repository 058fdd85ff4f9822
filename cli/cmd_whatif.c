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
           "  --remove IDS           actor ids, comma-separated (repeatable)\n"
           "  --rank                 rank every actor by the pairs its removal disconnects\n"
           "  --top N                rows of the ranking (default 10)\n"
           "  -f, --format FMT       md (default), json (kluster-whatif/1) or csv\n"
           "  -o, --output FILE      write to FILE (complete or not at all); '-': stdout\n"
           KL_CLI_GRAPH_HELP KL_CLI_COMMON_HELP
           "  -h, --help             this help\n",
           usage_text);
}

enum { OPT_REMOVE = 1, OPT_RANK, OPT_TOP };

int cmd_whatif(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"remove", required_argument, NULL, OPT_REMOVE},
        {"rank", no_argument, NULL, OPT_RANK},
        {"top", required_argument, NULL, OPT_TOP},
        KL_CLI_GRAPH_OPTIONS,
        KL_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    kl_cli_common_t common;
    kl_cli_graph_t gcli;
    kl_format format = KL_FORMAT_MD;
    const char *output = NULL;
    unsigned long long top = 10;
    int rank = 0, c;
    size_t remove_len = 0;
    char *remove_ids = NULL; /* every --remove, joined by commas */

    kl_cli_common_init(&common);
    kl_cli_graph_init(&gcli);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":hf:o:q", longopts, NULL)) != -1) {
        int handled = kl_cli_common_option(&common, c, optarg, "whatif");
        if (handled == 0)
            handled = kl_cli_graph_option(&gcli, c, optarg, "whatif", usage_text);
        if (handled < 0) {
            free(remove_ids);
            return KL_EXIT_USAGE;
        }
        if (handled)
            continue;
        int urc = -1;
        switch (c) {
        case 'h':
            free(remove_ids);
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
                urc = kl_cli_usage_error("whatif", usage_text, "unknown format '%s' (md, json or csv)", optarg);
            break;
        case 'o':
            output = optarg;
            break;
        case OPT_REMOVE: {
            size_t len = strlen(optarg);
            char *nb = realloc(remove_ids, remove_len + len + 2);
            if (!nb) {
                free(remove_ids);
                kl_cli_error("out of memory");
                return KL_EXIT_FAILURE;
            }
            remove_ids = nb;
            if (remove_len)
                remove_ids[remove_len++] = ',';
            memcpy(remove_ids + remove_len, optarg, len + 1);
            remove_len += len;
            break;
        }
        case OPT_RANK:
            rank = 1;
            break;
        case OPT_TOP:
            if (kl_cli_parse_u64(optarg, UINT32_MAX, &top) < 0 || top == 0)
                urc = kl_cli_usage_error("whatif", usage_text, "invalid number '%s' for --top", optarg);
            break;
        case ':':
            urc = kl_cli_usage_error("whatif", usage_text, "option '%s' needs a value", argv[optind - 1]);
            break;
        default:
            urc = kl_cli_usage_error("whatif", usage_text, "unknown option '%s'", argv[optind - 1]);
        }
        if (urc >= 0) {
            free(remove_ids);
            return urc;
        }
    }
    int urc = -1;
    if (optind >= argc)
        urc = kl_cli_usage_error("whatif", usage_text, "no dataset given");
    else if (optind + 1 < argc)
        urc = kl_cli_usage_error("whatif", usage_text, "one dataset expected, got '%s' too", argv[optind + 1]);
    else if (rank && remove_ids)
        urc = kl_cli_usage_error("whatif", usage_text, "--remove and --rank exclude each other");
    else if (!rank && !remove_ids)
        urc = kl_cli_usage_error("whatif", usage_text, "--remove IDS or --rank is needed");
    else if (gcli.graph.from > gcli.graph.to)
        urc = kl_cli_usage_error("whatif", usage_text, "--from is after --to");
    if (urc >= 0) {
        free(remove_ids);
        return urc;
    }
    const char *path = argv[optind];

    kl_dataset_t ds;
    kl_agraph_t g;
    kl_whatif_t cmp;
    kl_output_t out;
    kl_error_t err = {0};
    int rc = KL_EXIT_FAILURE;
    uint32_t *removed = NULL, n_removed = 0;
    uint64_t *disconnects = NULL;
    double cross_pairs = 0;
    memset(&ds, 0, sizeof ds);
    memset(&g, 0, sizeof g);
    memset(&cmp, 0, sizeof cmp);
    memset(&out, 0, sizeof out);

    if (kl_cli_load(path, &common, &ds) != 0)
        goto cleanup;
    if (kl_agraph_build(&g, &ds, &gcli.graph, &err) != KL_OK) {
        kl_cli_print_error(&err);
        goto cleanup;
    }
    if (remove_ids) {
        removed = malloc((remove_len + 1) * sizeof *removed);
        if (!removed) {
            kl_cli_error("out of memory");
            goto cleanup;
        }
        for (char *save = NULL, *tok = strtok_r(remove_ids, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            int32_t e = kl_dataset_find_entity(&ds, tok);
            if (e < 0) {
                kl_cli_error("unknown actor '%s' in --remove", tok);
                goto cleanup;
            }
            if (g.entity_vertex[e] < 0) {
                kl_cli_error("actor '%s' is not in the analysis graph (%s mode, excluded kinds)", tok,
                             g.options.mode == KL_MODE_ORGANISATIONS ? "organisations" : "full");
                goto cleanup;
            }
            uint32_t v = (uint32_t)g.entity_vertex[e], dup = 0;
            for (uint32_t i = 0; i < n_removed; i++)
                dup |= removed[i] == v;
            if (!dup)
                removed[n_removed++] = v;
        }
        if (n_removed == 0) {
            kl_cli_error("--remove names no actor");
            goto cleanup;
        }
        if (kl_whatif_compare(&cmp, &ds, &g, removed, n_removed, gcli.weighted, gcli.threads, &err) != KL_OK) {
            kl_cli_print_error(&err);
            goto cleanup;
        }
    } else {
        disconnects = malloc(((size_t)g.n + 1) * sizeof *disconnects);
        if (!disconnects) {
            kl_cli_error("out of memory");
            goto cleanup;
        }
        if (kl_whatif_rank(&g, disconnects, &cross_pairs, &err) != KL_OK) {
            kl_cli_print_error(&err);
            goto cleanup;
        }
    }
    if (kl_output_open(&out, output) != 0) {
        kl_cli_error("cannot create '%s': %s", output, strerror(errno));
        goto cleanup;
    }
    kl_whatif_report_t report = {&ds,     &g,        path,        (uint32_t)top, remove_ids ? &cmp : NULL,
                                 removed, n_removed, disconnects, cross_pairs};
    errno = 0;
    int wrc = format == KL_FORMAT_CSV ? kl_write_whatif_csv(out.f, &report)
              : format == KL_FORMAT_JSON ? kl_write_whatif_json(out.f, &report)
                                         : kl_write_whatif_md(out.f, &report);
    if (wrc != 0 || kl_output_commit(&out) != 0) {
        kl_cli_error("cannot write '%s': %s", output ? output : "standard output", strerror(errno ? errno : EIO));
        goto cleanup;
    }
    rc = KL_EXIT_OK;
cleanup:
    kl_output_abort(&out);
    kl_whatif_destroy(&cmp);
    kl_agraph_destroy(&g);
    kl_dataset_destroy(&ds);
    free(removed);
    free(disconnects);
    free(remove_ids);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}

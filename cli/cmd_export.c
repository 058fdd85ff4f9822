/* cli/cmd_export.c - `kluster export`: a dataset for Gephi, NetworkX, Pajek,
 * spreadsheets and other tools; the format follows the file's extension. */
#include "commands.h"
#include "../writers/writers.h"

#include "../analysis/analysis.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: kluster export [--metrics [--samples K | --epsilon E [--delta D] | --exact] [--seed S]]\n"
    "                      [--mode full|organisations]\n"
    "                      [--ties TYPES] [--exclude-kind KIND] [--from Y --to Y] [OPTIONS]\n"
    "                      DATASET -o FILE.{graphml,gexf,gml,net,csv,json,ndjson}\n"
    "       kluster export [same options] DATASET --partitions N -o DIR\n";

static void help(void)
{
    printf("%s\n"
           "Write DATASET for other tools; FILE's extension picks the format:\n"
           "  .graphml   GraphML: the analysis graph, attributes as typed <data> keys\n"
           "  .gexf      GEXF for Gephi: attributes, viz:color by region, viz:size by\n"
           "             betweenness (with --metrics) or degree; dynamic GEXF 1.3 when\n"
           "             relations have dates (each tie and actor with the spells of its\n"
           "             relations, for Gephi's timeline), else static GEXF 1.2\n"
           "  .gml       GML (ASCII; other characters as &#N; references)\n"
           "  .net       Pajek: ids and tie weights only (Pajek has no attributes)\n"
           "  .csv       two files, FILE.nodes.csv and FILE.edges.csv (FILE without .csv)\n"
           "  .json      the merged extract (collab-extract/1), all relations and sources\n"
           "  .ndjson    the same as NDJSON records\n"
           "The graph formats hold the analysis graph: one node per actor (id, name, kind,\n"
           "region, region_name, type, country, lat/lon, the entities' free attributes) and\n"
           "one undirected weighted edge per tie, as --mode, --ties, --from/--to choose.\n\n"
           "--partitions N writes the analysis graph as CSV split into N parts, for distributed\n"
           "engines such as Apache Spark GraphFrames: DIR/vertices/part-00000.csv ... (header\n"
           "id,name,kind,...), DIR/edges/part-00000.csv ... (header src,dst,weight[,bridge],\n"
           "each tie once with src < dst in byte order), DIR/_manifest.json (rows per part).\n"
           "A vertex goes to part FNV-1a-64(id) mod N, an edge to the part of its src.  DIR\n"
           "appears complete or not at all; an existing DIR is replaced only when it is\n"
           "empty or an earlier partitioned export (see docs/exports.md).\n\n"
           "options:\n"
           "  -o, --output PATH      the file to write (with --partitions: the folder), complete\n"
           "                         or not at all\n"
           "  --partitions N         partitioned CSV into the folder -o DIR, N = 1 to 4096\n"
           "  --metrics              attach every per-actor metric of `kluster analyze` (and\n"
           "                         whether each tie is a bridge) as attributes (graph formats\n"
           "                         and CSV; the extract formats hold the dataset itself)\n"
           "  --seed S               with --metrics: seed of communities and sampling (default 1)\n"
           "with --metrics, as for `kluster analyze`:\n"
           KL_CLI_SAMPLES_HELP KL_CLI_SAMPLING_HELP
           KL_CLI_GRAPH_HELP KL_CLI_COMMON_HELP
           "  -h, --help             this help\n",
           usage_text);
}

enum { OPT_METRICS = 1, OPT_SEED, OPT_PARTITIONS };

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

/* ------------------------------------------------ --partitions N -o DIR */

#define PART_TMP_SUFFIX ".tmp-XXXXXX"

/* Is name one of the entries a partitioned export writes into `sub`
 * ("" for the top folder)? */
static int export_entry(const char *sub, const char *name)
{
    if (!*sub)
        return !strcmp(name, "vertices") || !strcmp(name, "edges") || !strcmp(name, "_manifest.json");
    unsigned p;
    char tail[8];
    return !strcmp(name, "_SUCCESS") ||
           (strlen(name) == 14 && sscanf(name, "part-%5u%7s", &p, tail) == 2 && !strcmp(tail, ".csv"));
}

/* Does folder path hold only what a partitioned export writes?  An empty
 * folder does too.  Sub-folders are looked into once. */
static int only_export_entries(const char *path, const char *sub)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    int ok = 1;
    struct dirent *de;
    while (ok && (de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        ok = export_entry(sub, de->d_name);
        if (ok && !*sub && strcmp(de->d_name, "_manifest.json") != 0) {
            char child[4200];
            struct stat st;
            snprintf(child, sizeof child, "%s/%s", path, de->d_name);
            ok = lstat(child, &st) == 0 && S_ISDIR(st.st_mode) && only_export_entries(child, de->d_name);
        }
    }
    closedir(d);
    return ok;
}

/* Was folder path written by kluster export --partitions?  Its manifest
 * names the format, and it holds nothing else. */
static int is_partition_export(const char *path)
{
    char mpath[4200], head[64] = {0};
    snprintf(mpath, sizeof mpath, "%s/_manifest.json", path);
    FILE *f = fopen(mpath, "r");
    if (!f)
        return 0;
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[n] = 0;
    return strstr(head, "\"format\": \"" KL_PARTITIONS_FORMAT "\"") != NULL && only_export_entries(path, "");
}

static int is_empty_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    int empty = 1;
    struct dirent *de;
    while (empty && (de = readdir(d)) != NULL)
        empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
    closedir(d);
    return empty;
}

/* 0 when DIR does not exist, 1 when it is an empty folder, 2 when it is an
 * earlier partitioned export; anything else (a file, a symbolic link, a
 * folder with other contents) is refused with a message: -1. */
static int check_target(const char *dir)
{
    struct stat st;
    if (lstat(dir, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        kl_cli_error("cannot use '%s': %s", dir, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode) && is_empty_dir(dir))
        return 1;
    if (S_ISDIR(st.st_mode) && is_partition_export(dir))
        return 2;
    kl_cli_error("'%s' exists and is not an earlier partitioned export; remove it or choose another folder", dir);
    return -1;
}

/* Write the partitioned export into a temporary folder next to DIR and
 * put it in place at the end, so DIR is complete or untouched; an
 * interrupt removes the temporary folder (kl_cli_temp_register_dir). */
static int write_partitions(const char *dir, uint32_t parts, const kl_export_t *x)
{
    char *tmp = malloc(strlen(dir) + sizeof PART_TMP_SUFFIX + 2);
    char failed[4400];
    int rc = -1;
    if (!tmp) {
        kl_cli_error("out of memory");
        goto cleanup;
    }
    const char *slash = strrchr(dir, '/');
    int dirlen = slash ? (int)(slash - dir) + 1 : 0;
    sprintf(tmp, "%.*s.%s" PART_TMP_SUFFIX, dirlen, dir, dir + dirlen);
    int made = kl_cli_temp_create(tmp, 1) == 0;
    int e = errno;
    if (!made) {
        kl_cli_error("cannot create a folder next to '%s': %s", dir, strerror(e));
        free(tmp);
        tmp = NULL;
        goto cleanup;
    }
    if (kl_export_partitions(tmp, parts, x, failed, sizeof failed) != 0) {
        kl_cli_error("cannot write '%s': %s", failed,
                     errno == ENOMEM ? "out of memory" : strerror(errno ? errno : EIO));
        goto cleanup;
    }
    int existing = check_target(dir);
    if (existing < 0)
        goto cleanup;
    if (kl_cli_replace_folder(tmp, dir, existing == 2) != 0) {
        kl_cli_error("cannot %s '%s': %s", existing == 2 ? "replace" : "create", dir, strerror(errno));
        goto cleanup;
    }
    free(tmp);
    tmp = NULL;
    rc = 0;
cleanup:
    if (tmp) {
        kl_cli_remove_tree(tmp);
        kl_cli_temp_unregister(tmp);
    }
    free(tmp);
    return rc;
}

typedef struct {
    const char *output;
    int metrics;
    uint32_t partitions;
} export_t;

static int option(int c, const char *arg, int argc, char **argv, void *ctx)
{
    export_t *x = ctx;
    unsigned long long v;
    switch (c) {
    case 'o': x->output = arg; return KL_CLI_HANDLED;
    case OPT_METRICS: x->metrics = 1; return KL_CLI_HANDLED;
    case OPT_PARTITIONS:
        if (kl_cli_parse_u64(arg, KL_PARTITIONS_MAX, &v) < 0 || v == 0)
            return kl_cli_usage_error("export", usage_text, "invalid number '%s' for --partitions (1 to %d)", arg,
                                      KL_PARTITIONS_MAX);
        x->partitions = (uint32_t)v;
        return KL_CLI_HANDLED;
    }
    return KL_CLI_UNKNOWN;
}

int cmd_export(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"metrics", no_argument, NULL, OPT_METRICS},
        {"partitions", required_argument, NULL, OPT_PARTITIONS},
        {NULL, 0, NULL, 0},
    };
    kl_cli_options_t o;
    kl_cli_options_init(&o);
    export_t xo = {NULL, 0, 0};
    const kl_cli_command_t cmd = {"export", usage_text, help, "o:", longopts,
                                  KL_CLI_DATASET | KL_CLI_GRAPH | KL_CLI_SAMPLING | KL_CLI_SAMPLES | KL_CLI_SEED,
                                  option, &xo};
    int rc = kl_cli_parse(&cmd, argc, argv, &o);
    if (rc != KL_CLI_GO_ON)
        return rc;
    const char *output = xo.output;
    uint32_t partitions = xo.partitions;
    if (optind >= argc)
        return kl_cli_usage_error("export", usage_text, "no dataset given");
    if (optind + 1 < argc)
        return kl_cli_usage_error("export", usage_text, "one dataset expected, got '%s' too", argv[optind + 1]);
    if (partitions && (!output || !*output || strcmp(output, "-") == 0))
        return kl_cli_usage_error("export", usage_text, "no output folder given (-o DIR)");
    if (!output || !*output || strcmp(output, "-") == 0)
        return kl_cli_usage_error("export", usage_text, "no output file given (-o FILE)");
    int fmt = partitions ? KL_EXPORT_CSV : kl_export_format_of(output);
    if (fmt < 0)
        return kl_cli_usage_error("export", usage_text,
                                  "unknown format of '%s' (expected .graphml, .gexf, .gml, .net, .csv, .json or .ndjson)",
                                  output);
    if ((rc = kl_cli_check(&cmd, &o)) != KL_CLI_GO_ON)
        return rc;
    /* per-actor keys only: the metrics and the regions' mixing, no broker passes */
    o.run.parts = KL_RUN_METRICS | KL_RUN_REGIONS;

    kl_run_t run;
    char *nodes_path = NULL, *edges_path = NULL, *dir = NULL;
    kl_run_init(&run);
    rc = KL_EXIT_FAILURE;
    if (partitions) {
        size_t len = strlen(output);
        while (len > 1 && output[len - 1] == '/')
            len--; /* "out/" names the folder "out" */
        if (!(dir = strndup(output, len))) {
            kl_cli_error("out of memory");
            goto cleanup;
        }
        /* refuse a folder that cannot be replaced before the work, not after */
        if (check_target(dir) < 0)
            goto cleanup;
    }
    if (kl_cli_check_output(output, argv[optind]) || kl_cli_run_load(&run, argv[optind], &o) != 0)
        goto cleanup;
    kl_export_t x = {&run.ds, NULL, NULL, NULL};
    if (fmt == KL_EXPORT_JSON || fmt == KL_EXPORT_NDJSON) {
        rc = write_one(output, fmt, &x, 0) == 0 ? KL_EXIT_OK : KL_EXIT_FAILURE;
        goto cleanup;
    }
    if (kl_cli_run_build(&run, &o) != 0)
        goto cleanup;
    x.g = &run.g;
    if (xo.metrics) {
        if (kl_cli_run_analyse(&run, &o, "export") != 0)
            goto cleanup;
        x.res = &run.metrics;
        x.regions = &run.regions;
    }
    if (partitions) {
        if (write_partitions(dir, partitions, &x) != 0)
            goto cleanup;
    } else if (fmt == KL_EXPORT_CSV) {
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
    free(dir);
    kl_run_destroy(&run);
    return rc == KL_EXIT_OK ? kl_cli_finish(rc) : rc;
}

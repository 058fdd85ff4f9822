/* cli/main.c - the kluster command: one table of subcommands drives both
 * dispatch and the command list of --help (as git.c's commands[]). */
#include "commands.h"
#include "../writers/writers.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#ifndef KL_VERSION
#define KL_VERSION "dev"
#endif

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"validate", cmd_validate, "check datasets against the extract format; print counts and warnings"},
    {"stats", cmd_stats, "entities per kind, relations per type, regions, components"},
    {"analyze", cmd_analyze, "centrality, structure and communities of the analysis graph"},
    {"bridges", cmd_bridges, "which actors connect regions: region pairs, brokers, cut actors"},
    {"find", cmd_find, "look up actors by name: ids, kinds, regions and degrees"},
    {"whatif", cmd_whatif, "what removing actors costs the regions; --rank finds the keystones"},
    {"render", cmd_render, "draw the graph, an ego network, a region map or paths (DOT, SVG, PNG, PDF)"},
    {"import", cmd_import, "convert tables (CSV) into a dataset folder, as an import map says"},
    {"export", cmd_export, "write a dataset as GraphML, GEXF (Gephi), GML, Pajek, CSV or JSON"},
    {"batch", cmd_batch, "analyse and render many datasets into OUTDIR, with reports and an index"},
    {"trend", cmd_trend, "the analysis period by period: brokers that rose or fell, pairs connected"},
    {"diff", cmd_diff, "what changed between two analyses: actors, ties, brokers, region pairs"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: kluster COMMAND [OPTIONS] DATASET...\n"
                 "       kluster --help | --version | COMMAND --help\n\n"
                 "kluster analyses collaboration networks: who connects regions, and through whom.\n\n"
                 "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    char formats[160];
    fprintf(out, "\nA DATASET is %s, or a\n"
                 "folder of extracts and/or entities.csv + relations.csv (see docs/format.md).\n"
                 "Exit status: 0 success, 1 failure (bad data, I/O), 2 usage error.\n",
            kl_input_formats_text(KL_INPUT_PHRASE, formats, sizeof formats));
}

int main(int argc, char **argv)
{
    /* numbers are printed and parsed in the C locale whatever the user's */
    setlocale(LC_ALL, "C");
    kl_engine_init();
    kl_error_t key_err = {0};
    if (kl_hash_init(&key_err) != KL_OK) { /* a malformed KLUSTER_HASH_KEY */
        kl_cli_error("%s", key_err.text);
        return KL_EXIT_USAGE;
    }
    kl_cli_signals_init(); /* an interrupt removes temporary output files */
    kl_writers_set_temp_hooks(kl_cli_temp_create, kl_cli_temp_unregister); /* ... the writers' too */
    kl_writers_json_init(); /* jansson allocation failures become "out of memory" */
    if (argc < 2) {
        usage(stderr);
        return KL_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return kl_cli_finish(KL_EXIT_OK);
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("kluster %s (igraph %s, extract format collab-extract/1, output kluster-analysis/1)\n",
               KL_VERSION, kl_engine_graphlib_version());
        return kl_cli_finish(KL_EXIT_OK);
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    const char *names[sizeof commands / sizeof *commands];
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        names[i] = commands[i].name;
    const char *near = kl_nearest(cmd, names, sizeof names / sizeof *names);
    if (near) {
        /* a typo: the one line that fixes it, not the whole command list */
        kl_cli_error("unknown command '%s'; did you mean 'kluster %s'?", cmd, near);
        return KL_EXIT_USAGE;
    }
    kl_cli_error("unknown command '%s'", cmd);
    usage(stderr);
    return KL_EXIT_USAGE;
}

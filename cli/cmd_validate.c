/* cli/cmd_validate.c - `kluster validate`: load datasets, report counts and
 * warnings, exit 0 only when every dataset is valid. */
#include "commands.h"

#include <stdlib.h>
#include <string.h>

static const char usage_text[] = "usage: kluster validate [OPTIONS] DATASET...\n";

static void help(void)
{
    printf("%s\nCheck each DATASET against the extract format (SCHEMA): JSON syntax, required\n"
           "fields, kinds, ids, references, dates, weights, coordinates.  Prints one line of\n"
           "counts per valid dataset on stdout; errors and warnings go to stderr as\n"
           "FILE:LINE:COL: error|warning: MESSAGE.\n\noptions:\n" KL_CLI_COMMON_HELP
           "  -h, --help             this help\n\n"
           "exit status: 0 all valid, 1 some dataset invalid (or warnings under --strict),\n"
           "2 usage error.\n",
           usage_text);
}

int cmd_validate(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, KL_CLI_COMMON_OPTIONS,
                                             {NULL, 0, NULL, 0}};
    kl_cli_common_t common;
    kl_cli_common_init(&common);
    int opt;
    optind = 1;
    opterr = 0; /* our own message, not getopt's: one line per problem */
    while ((opt = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
        if (opt == 'h') {
            help();
            return kl_cli_finish(KL_EXIT_OK);
        }
        int got = kl_cli_common_option(&common, opt, optarg, "validate");
        if (got < 0)
            return KL_EXIT_USAGE;
        if (got == 0)
            return kl_cli_usage_error("validate", usage_text, "%s", kl_cli_bad_option(argv, opt));
    }
    if (optind >= argc)
        return kl_cli_usage_error("validate", usage_text, "no dataset given");
    int rc = KL_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        kl_dataset_t ds;
        if (kl_cli_load(argv[i], &common, &ds) != 0) {
            rc = KL_EXIT_FAILURE;
        } else {
            printf("%s: valid: %u entities, %u relations, %u regions, %u sources in %u file%s; %u warning%s\n",
                   argv[i], ds.n_entities, ds.n_relations, ds.n_regions, ds.n_sources, ds.n_files,
                   ds.n_files == 1 ? "" : "s", ds.n_warnings, ds.n_warnings == 1 ? "" : "s");
        }
        kl_dataset_destroy(&ds);
    }
    return kl_cli_finish(rc);
}

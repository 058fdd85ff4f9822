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
    kl_cli_options_t o;
    kl_cli_options_init(&o);
    const kl_cli_command_t cmd = {"validate", usage_text, help, NULL, NULL, KL_CLI_DATASET, NULL, NULL};
    int rc = kl_cli_parse(&cmd, argc, argv, &o);
    if (rc != KL_CLI_GO_ON)
        return rc;
    if (optind >= argc)
        return kl_cli_usage_error("validate", usage_text, "no dataset given");
    rc = KL_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        kl_run_t run;
        kl_run_init(&run);
        if (kl_cli_run_load(&run, argv[i], &o) != 0) {
            rc = KL_EXIT_FAILURE;
        } else {
            const kl_dataset_t *ds = &run.ds;
            kl_cli_line(stdout, "%s: valid: %u entities, %u relations, %u regions, %u sources in %u file%s; %u warning%s",
                   argv[i], ds->n_entities, ds->n_relations, ds->n_regions, ds->n_sources, ds->n_files,
                   ds->n_files == 1 ? "" : "s", ds->n_warnings, ds->n_warnings == 1 ? "" : "s");
        }
        kl_run_destroy(&run);
    }
    return kl_cli_finish(rc);
}

/* cli/cmd_stats.c - `kluster stats`: what a dataset holds, in numbers. */
#include "commands.h"
#include "../writers/writers.h"

#include <stdlib.h>
#include <string.h>

static const char usage_text[] = "usage: kluster stats [OPTIONS] DATASET\n";

static void help(void)
{
    printf("%s\nPrint what DATASET holds: entities per kind, relations per type, regions with\n"
           "their actor counts (after region inheritance), and the analysis graph's connected\n"
           "components and isolated entities.\n\noptions:\n" KL_CLI_COMMON_HELP
           "  -h, --help             this help\n",
           usage_text);
}

typedef struct {
    const char *name;
    uint32_t count;
} named_count_t;

static int cmp_named(const void *a, const void *b)
{
    return strcmp(((const named_count_t *)a)->name, ((const named_count_t *)b)->name);
}

static int print_stats(kl_run_t *run, const kl_cli_options_t *o)
{
    const kl_dataset_t *ds = &run->ds;
    uint32_t kinds[KL_KIND_COUNT] = {0};
    for (uint32_t i = 0; i < ds->n_entities; i++)
        kinds[ds->entities[i].kind]++;
    kl_cli_line(stdout, "dataset     %s%s%s", ds->id, ds->title ? " - " : "", ds->title ? ds->title : "");
    printf("files       %u\n", ds->n_files);
    printf("sources     %u\n", ds->n_sources);
    printf("entities    %u\n", ds->n_entities);
    for (int k = 0; k < KL_KIND_COUNT; k++)
        printf("  %-22s %u\n", kl_kind_name((kl_kind)k), kinds[k]);

    /* relation types, known and unknown, in name order */
    named_count_t *types = calloc((size_t)ds->n_relations + 1, sizeof *types);
    named_count_t *regions = calloc((size_t)ds->n_regions + 1, sizeof *regions);
    if (!types || !regions) {
        free(types);
        free(regions);
        kl_cli_error("out of memory");
        return 1;
    }
    uint32_t nt = 0;
    for (uint32_t i = 0; i < ds->n_relations; i++) {
        const char *t = ds->relations[i].type;
        uint32_t j = 0;
        while (j < nt && types[j].name != t) /* interned: pointer equality */
            j++;
        if (j == nt)
            types[nt++] = (named_count_t){t, 0};
        types[j].count++;
    }
    qsort(types, nt, sizeof *types, cmp_named);
    printf("relations   %u\n", ds->n_relations);
    int short_of_memory = 0;
    for (uint32_t j = 0; j < nt && !short_of_memory; j++) {
        fputs("  ", stdout);
        short_of_memory = kl_cli_print_padded(stdout, types[j].name, 22) < 0;
        if (!short_of_memory)
            printf(" %u%s\n", types[j].count,
                   kl_reltype_parse(types[j].name) == KL_REL_OTHER ? "  (unknown type)" : "");
    }

    uint32_t regionless = 0;
    for (uint32_t r = 0; r < ds->n_regions; r++)
        regions[r] = (named_count_t){ds->regions[r].id, r};
    qsort(regions, ds->n_regions, sizeof *regions, cmp_named);
    uint32_t *actors = short_of_memory ? NULL : calloc((size_t)ds->n_regions + 1, sizeof *actors);
    if (!actors) {
        free(types);
        free(regions);
        kl_cli_error("out of memory");
        return 1;
    }
    for (uint32_t i = 0; i < ds->n_entities; i++) {
        if (ds->actor_region[i] >= 0)
            actors[ds->actor_region[i]]++;
        else
            regionless++;
    }
    printf("regions     %u\n", ds->n_regions);
    for (uint32_t j = 0; j < ds->n_regions && !short_of_memory; j++) {
        const kl_region_t *g = &ds->regions[regions[j].count];
        printf("  ");
        short_of_memory = kl_cli_print_padded(stdout, g->id, 10) < 0;
        putchar(' ');
        short_of_memory = short_of_memory || kl_cli_print_padded(stdout, g->name, 30) < 0;
        printf(" %u actor%s\n", actors[regions[j].count], actors[regions[j].count] == 1 ? "" : "s");
    }
    printf("  %-10s %-30s %u actor%s\n", "-", "(no region)", regionless, regionless == 1 ? "" : "s");
    free(types);
    free(regions);
    free(actors);
    if (short_of_memory) {
        kl_cli_error("out of memory");
        return 1;
    }

    /* the analysis graph of the default options, as every command builds it */
    if (kl_cli_run_build(run, o) != 0)
        return 1;
    const kl_agraph_t *g = &run->g;
    uint32_t comps, largest, isolated;
    if (kl_agraph_component_counts(g, &comps, &largest, &isolated) != KL_OK) {
        kl_cli_error("out of memory");
        return 1;
    }
    printf("graph       %u actors, %u ties\n", g->n, g->csr.m);
    printf("components  %u (largest %u actors)\n", comps, largest);
    printf("isolated    %u\n", isolated);
    printf("warnings    %u\n", ds->n_warnings);
    return 0;
}

int cmd_stats(int argc, char **argv)
{
    kl_cli_options_t o;
    kl_cli_options_init(&o);
    const kl_cli_command_t cmd = {"stats", usage_text, help, NULL, NULL, KL_CLI_DATASET, NULL, NULL};
    int rc = kl_cli_parse(&cmd, argc, argv, &o);
    if (rc != KL_CLI_GO_ON)
        return rc;
    if (optind != argc - 1)
        return kl_cli_usage_error("stats", usage_text, optind >= argc ? "no dataset given" : "one dataset at a time");
    kl_run_t run;
    kl_run_init(&run);
    rc = kl_cli_run_load(&run, argv[optind], &o) != 0 ? KL_EXIT_FAILURE : print_stats(&run, &o);
    kl_run_destroy(&run);
    return kl_cli_finish(rc);
}

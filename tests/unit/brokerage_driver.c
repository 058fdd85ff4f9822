/* tests/unit/brokerage_driver.c - prints kl_brokerage_compute on a dataset, for tests/oracle/test_brokerage.py. */
/*
 * Usage: brokerage_driver PATH [--undirected] [--mode organisations]
 *                         [--ties TYPE,...] [--from DATE] [--to DATE]
 *
 * Loads PATH (any dataset kl_load_dataset reads), builds the analysis graph
 * with those options and prints one line per actor, sorted by id, tab
 * separated:
 *   id  region-id (or -)  in_subgraph  6 counts  6 expected  6 z
 * each group of six in the order coordinator itinerant representative
 * gatekeeper liaison total, numbers as %.17g ("nan" when undefined).
 * Exit 1 on a load or analysis error, 2 on a usage error.
 */
#include "../../analysis/analysis.h"
#include "../../loaders/loaders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const kl_dataset_t *sort_ds;

static int cmp_vertex_id(const void *a, const void *b)
{
    return strcmp(sort_ds->entities[*(const uint32_t *)a].id, sort_ds->entities[*(const uint32_t *)b].id);
}

static void print_roles(const kl_brokerage_roles_t *r)
{
    printf("\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g", r->coordinator, r->itinerant, r->representative, r->gatekeeper,
           r->liaison, r->total);
}

static int usage(void)
{
    fprintf(stderr, "usage: brokerage_driver PATH [--undirected] [--mode organisations] [--ties T,...] "
                    "[--from DATE] [--to DATE]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int undirected = 0;
    kl_graph_options_t gopt;
    kl_graph_options_init(&gopt);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--undirected")) {
            undirected = 1;
        } else if (!strcmp(argv[i], "--mode") && i + 1 < argc) {
            if (strcmp(argv[++i], "organisations"))
                return usage();
            gopt.mode = KL_MODE_ORGANISATIONS;
        } else if ((!strcmp(argv[i], "--from") || !strcmp(argv[i], "--to")) && i + 1 < argc) {
            int to = !strcmp(argv[i], "--to");
            if (kl_date_parse(argv[++i], to, to ? &gopt.to : &gopt.from) < 0)
                return usage();
        } else if (!strcmp(argv[i], "--ties") && i + 1 < argc) {
            char *list = argv[++i];
            for (char *t = strtok(list, ","); t; t = strtok(NULL, ","))
                gopt.tie_types |= 1u << kl_reltype_parse(t);
        } else if (argv[i][0] != '-' && !path) {
            path = argv[i];
        } else {
            return usage();
        }
    }
    if (!path)
        return usage();
    kl_engine_init();

    kl_dataset_t ds;
    kl_agraph_t g;
    kl_brokerage_t b;
    kl_error_t err = {0};
    kl_load_options_t lopt;
    uint32_t *order = NULL;
    int rc = 1;
    memset(&g, 0, sizeof g);
    memset(&b, 0, sizeof b);
    kl_load_options_init(&lopt);
    if (kl_dataset_init(&ds) != KL_OK)
        return 1;
    if (kl_load_dataset(&ds, path, &lopt, &err) != KL_OK || kl_agraph_build(&g, &ds, &gopt, &err) != KL_OK ||
        kl_brokerage_compute(&b, &ds, &g, undirected, &err) != KL_OK) {
        char msg[1024];
        kl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        goto cleanup;
    }
    order = malloc(((size_t)g.n + 1) * sizeof *order);
    if (!order)
        goto cleanup;
    sort_ds = &ds;
    for (uint32_t v = 0; v < g.n; v++)
        order[v] = g.vertex_entity[v];
    qsort(order, g.n, sizeof *order, cmp_vertex_id);
    for (uint32_t i = 0; i < g.n; i++) {
        uint32_t e = order[i];
        uint32_t v = (uint32_t)g.entity_vertex[e];
        int32_t r = g.vertex_region[v];
        printf("%s\t%s\t%d", ds.entities[e].id, r >= 0 ? ds.regions[r].id : "-", b.in_subgraph[v]);
        print_roles(&b.count[v]);
        print_roles(&b.expected[v]);
        print_roles(&b.z[v]);
        printf("\n");
    }
    rc = fflush(stdout) || ferror(stdout) ? 1 : 0;
cleanup:
    free(order);
    kl_brokerage_destroy(&b);
    kl_agraph_destroy(&g);
    kl_dataset_destroy(&ds);
    return rc;
}

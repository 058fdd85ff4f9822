/* tests/unit/engine_test.c - the engine on a hand-worked fixture: duplicate
 * relations merged, region inheritance, time windows, tie selection and the
 * organisations-mode weights of docs/metrics.md. */
#include "engine/graph.h"
#include "loaders/loaders.h"

#include <stdio.h>
#include <string.h>

static void print_graph(const kl_dataset_t *ds, const char *title, const kl_graph_options_t *opt)
{
    kl_agraph_t g;
    kl_error_t err = {0};
    if (kl_agraph_build(&g, ds, opt, &err) != KL_OK) {
        printf("%s: build failed: %s\n", title, err.text);
        return;
    }
    uint32_t comps, largest, isolated;
    kl_agraph_component_counts(&g, &comps, &largest, &isolated);
    printf("%s: %u vertices, %u edges, %u components (largest %u, %u isolated)\n", title, g.n, g.csr.m, comps,
           largest, isolated);
    for (uint32_t e = 0; e < g.csr.m; e++)
        printf("  %s -- %s  %.6f\n", ds->entities[g.vertex_entity[g.edge_from[e]]].id,
               ds->entities[g.vertex_entity[g.edge_to[e]]].id, g.weight[e]);
    /* the CSR must agree with the edge list, neighbours sorted */
    for (uint32_t v = 0; v < g.n; v++)
        for (uint32_t k = g.csr.offset[v] + 1; k < g.csr.offset[v + 1]; k++)
            if (g.csr.adj[k - 1] >= g.csr.adj[k])
                printf("  CSR neighbours of %u not sorted\n", v);
    kl_agraph_destroy(&g);
}

int main(void)
{
    kl_engine_init();
    kl_dataset_t ds;
    kl_error_t err = {0};
    kl_dataset_init(&ds);
    if (kl_load_dataset(&ds, "engine/window.json", NULL, &err) != KL_OK) {
        printf("load failed: %s\n", err.text);
        return 1;
    }
    printf("entities %u, relations %u (16 records, one duplicate merged), regions %u\n", ds.n_entities,
           ds.n_relations, ds.n_regions);
    for (uint32_t i = 0; i < ds.n_warnings; i++)
        printf("warning: %s\n", ds.warnings[i].text);
    for (uint32_t i = 0; i < ds.n_relations; i++) {
        const kl_relation_t *r = &ds.relations[i];
        if (strcmp(r->source_id, "bob") == 0 && strcmp(r->target_id, "o1") == 0) {
            printf("bob->o1 merged: weight %.1f, %u evidence:", r->weight, r->evidence_count);
            for (uint32_t k = 0; k < r->evidence_count; k++)
                printf(" %s", ds.evidence[r->evidence_first + k].source_id);
            printf("\n");
        }
    }
    for (uint32_t i = 0; i < ds.n_entities; i++) {
        int32_t r = ds.actor_region[i];
        printf("region of %-6s %s\n", ds.entities[i].id, r >= 0 ? ds.regions[r].id : "(none)");
    }

    kl_graph_options_t opt;
    kl_graph_options_init(&opt);
    print_graph(&ds, "full", &opt);

    kl_date_parse("2013", 0, &opt.from);
    kl_date_parse("2020", 1, &opt.to);
    print_graph(&ds, "window 2013-2020", &opt);

    kl_graph_options_init(&opt);
    opt.tie_types = 1u << KL_REL_EMPLOYED_BY;
    print_graph(&ds, "ties employed_by", &opt);

    kl_graph_options_init(&opt);
    opt.exclude_kinds = 1u << KL_KIND_PERSON;
    print_graph(&ds, "exclude person", &opt);

    kl_graph_options_init(&opt);
    opt.mode = KL_MODE_ORGANISATIONS;
    print_graph(&ds, "organisations", &opt);

    int32_t d;
    int ok = kl_date_parse("2024-02-29", 0, &d);
    printf("dates: %d %d", ok, d);
    printf(" %d", kl_date_parse("2023-02-29", 0, &d));
    printf(" %d", kl_date_parse("2023-13-01", 0, &d));
    printf(" %d", kl_date_parse("99", 0, &d));
    kl_date_parse("1999", 1, &d);
    printf(" %d\n", d);
    kl_dataset_destroy(&ds);
    return 0;
}

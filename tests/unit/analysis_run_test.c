/* tests/unit/analysis_run_test.c - kl_analysis_run on a hand-made fixture
 * (two regions, a regionless project, an inherited region, parallel
 * relations summed into one tie, an isolated funder, a second component):
 * every metric per actor, the graph-level figures and the bridges, with hop
 * and with 1/weight distances, Leiden and Louvain; then the building blocks
 * (kl_holes_compute, kl_components_label) on hand-written CSR arrays, bad
 * options, and igraph's finally stack left empty.  The values were checked
 * against NetworkX with tests/oracle/analyze_oracle.py before being frozen. */
#include "analysis/analysis.h"
#include "loaders/loaders.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char fixture[] =
    "{\"format\":\"collab-extract/1\",\"dataset\":{\"id\":\"fixture\"},\n"
    "\"regions\":[{\"id\":\"N\",\"name\":\"North\"},{\"id\":\"S\",\"name\":\"South\"}],\n"
    "\"entities\":[\n"
    "{\"id\":\"o1\",\"kind\":\"organisation\",\"name\":\"Org 1\",\"region\":\"N\"},\n"
    "{\"id\":\"o2\",\"kind\":\"organisation\",\"name\":\"Org 2\",\"region\":\"N\"},\n"
    "{\"id\":\"o3\",\"kind\":\"organisation\",\"name\":\"Org 3\",\"region\":\"S\"},\n"
    "{\"id\":\"o4\",\"kind\":\"organisation\",\"name\":\"Org 4\",\"region\":\"S\"},\n"
    "{\"id\":\"p1\",\"kind\":\"person\",\"name\":\"Person 1\"},\n"
    "{\"id\":\"pr1\",\"kind\":\"project\",\"name\":\"Project 1\"},\n"
    "{\"id\":\"f1\",\"kind\":\"funder\",\"name\":\"Funder 1\"},\n"
    "{\"id\":\"o5\",\"kind\":\"organisation\",\"name\":\"Org 5\",\"region\":\"S\"},\n"
    "{\"id\":\"o6\",\"kind\":\"organisation\",\"name\":\"Org 6\"},\n"
    "{\"id\":\"o7\",\"kind\":\"organisation\",\"name\":\"Org 7\",\"region\":\"N\"}],\n"
    "\"relations\":[\n"
    "{\"source\":\"o1\",\"target\":\"o2\",\"type\":\"partner_of\",\"weight\":2},\n"
    "{\"source\":\"o1\",\"target\":\"pr1\",\"type\":\"participates_in\"},\n"
    "{\"source\":\"o3\",\"target\":\"pr1\",\"type\":\"participates_in\",\"weight\":3},\n"
    "{\"source\":\"o2\",\"target\":\"pr1\",\"type\":\"participates_in\"},\n"
    "{\"source\":\"o3\",\"target\":\"o4\",\"type\":\"partner_of\"},\n"
    "{\"source\":\"o4\",\"target\":\"o3\",\"type\":\"member_of\"},\n"
    "{\"source\":\"p1\",\"target\":\"o1\",\"type\":\"employed_by\"},\n"
    "{\"source\":\"p1\",\"target\":\"o4\",\"type\":\"leads\",\"weight\":0.25},\n"
    "{\"source\":\"o5\",\"target\":\"o6\",\"type\":\"partner_of\",\"weight\":0.5},\n"
    "{\"source\":\"o7\",\"target\":\"o2\",\"type\":\"partner_of\",\"weight\":1.5}]}\n";

static void num(const char *key, double x)
{
    if (isnan(x))
        printf(" %s=null", key);
    else
        printf(" %s=%.6f", key, x);
}

static void print_result(const char *title, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_analysis_t *r)
{
    printf("== %s\n", title);
    printf("graph: nodes %u edges %u components %u largest %u (id %u) isolated %u bridges %u articulation %u "
           "biconnected %u communities %u",
           r->n, r->m, r->components, r->largest_component, r->largest_component_id, r->isolated, r->bridges,
           r->articulation_points, r->biconnected_components, r->communities);
    num("modularity", r->modularity);
    num("nmi", r->nmi_regions);
    num("ari", r->ari_regions);
    num("pairs", r->region_pairs);
    printf(" dominant %s\n", r->dominant_actor >= 0 ? ds->entities[g->vertex_entity[r->dominant_actor]].id : "-");
    for (uint32_t i = 0; i < r->n; i++) {
        uint32_t v = r->order[i];
        int32_t reg = g->vertex_region[v];
        printf("%-4s %s deg=%u", ds->entities[g->vertex_entity[v]].id, reg >= 0 ? ds->regions[reg].id : "-",
               r->degree[v]);
        num("str", r->strength[v]);
        num("btw", r->betweenness[v]);
        if (r->betweenness_se)
            num("se", r->betweenness_se[v]);
        num("harm", r->harmonic[v]);
        num("eig", r->eigenvector[v]);
        num("pr", r->pagerank[v]);
        printf(" core=%u", r->coreness[v]);
        num("con", r->constraint[v]);
        num("eff", r->effective_size[v]);
        printf(" art=%u comp=%u comm=%u", r->articulation[v], r->component[v], r->community[v]);
        num("irb", r->irb[v]);
        num("share", r->irb_share[v]);
        printf("\n");
    }
    printf("bridges:");
    for (uint32_t i = 0; i < r->m; i++) {
        uint32_t e = r->edge_order[i];
        if (r->bridge[e])
            printf(" %s-%s", ds->entities[g->vertex_entity[g->edge_from[e]]].id,
                   ds->entities[g->vertex_entity[g->edge_to[e]]].id);
    }
    printf("\n");
}

static int run(const char *title, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_analysis_options_t *opt)
{
    kl_analysis_t r;
    kl_error_t err = {0};
    if (kl_analysis_run(&r, g, ds, opt, &err) != KL_OK) {
        printf("%s: failed: %s\n", title, err.text);
        kl_analysis_destroy(&r);
        return 1;
    }
    print_result(title, ds, g, &r);
    kl_analysis_destroy(&r);
    kl_analysis_destroy(&r); /* twice: must be safe */
    return 0;
}

/* A triangle a-b-c with a pendant d on c and an isolated e; weights 1, 2, 3, 1. */
static void building_blocks(void)
{
    /* edges: 0 a-b w1, 1 a-c w2, 2 b-c w3, 3 c-d w1 */
    static uint32_t offset[] = {0, 2, 4, 7, 8, 8};
    static uint32_t adj[] = {1, 2, 0, 2, 0, 1, 3, 2};
    static uint32_t eid[] = {0, 1, 0, 2, 1, 2, 3, 3};
    static double w[] = {1, 2, 1, 3, 2, 3, 1, 1};
    kl_csr_t c = {5, 4, offset, adj, eid, w};
    double con[5], eff[5];
    uint32_t comp[5], size[5];
    printf("== building blocks\n");
    if (kl_holes_compute(&c, con, eff) != KL_OK)
        printf("holes failed\n");
    for (int v = 0; v < 5; v++) {
        printf("%c", 'a' + v);
        num("con", con[v]);
        num("eff", eff[v]);
        printf("\n");
    }
    if (kl_holes_compute(&c, NULL, eff) != KL_OK || kl_holes_compute(&c, con, NULL) != KL_OK)
        printf("holes with one output failed\n");
    static const uint32_t order[] = {4, 3, 2, 1, 0}; /* number from e downwards */
    long nc = kl_components_label(&c, order, comp, size);
    printf("components %ld:", nc);
    for (int v = 0; v < 5; v++)
        printf(" %c=%u", 'a' + v, comp[v]);
    printf(" sizes %u %u\n", size[0], size[1]);
}

int main(void)
{
    kl_engine_init();
    char path[] = "/tmp/kl-analysis-test-XXXXXX.json";
    int fd = mkstemps(path, 5);
    if (fd < 0 || write(fd, fixture, sizeof fixture - 1) != (ssize_t)(sizeof fixture - 1)) {
        perror("fixture");
        return 1;
    }
    close(fd);
    kl_dataset_t ds;
    kl_error_t err = {0};
    kl_dataset_init(&ds);
    kl_err rc = kl_load_dataset(&ds, path, NULL, &err);
    unlink(path);
    if (rc != KL_OK) {
        printf("load failed: %s\n", err.text);
        return 1;
    }
    kl_graph_options_t gopt;
    kl_graph_options_init(&gopt);
    kl_agraph_t g;
    if (kl_agraph_build(&g, &ds, &gopt, &err) != KL_OK) {
        printf("build failed: %s\n", err.text);
        return 1;
    }
    kl_analysis_options_t opt;
    kl_analysis_options_init(&opt);
    int bad = 0;
    bad |= run("hops, leiden", &ds, &g, &opt);
    opt.weighted = 1;
    opt.threads = 1;
    bad |= run("weighted, leiden, 1 thread", &ds, &g, &opt);
    opt.weighted = 0;
    opt.threads = 2;
    opt.communities = KL_COMMUNITIES_LOUVAIN;
    bad |= run("hops, louvain", &ds, &g, &opt);
    kl_analysis_options_init(&opt);
    opt.samples = 2000;
    opt.seed = 5;
    bad |= run("sampled 2000 sources", &ds, &g, &opt);

    /* bad options: nothing computed, the result still destroyable */
    kl_analysis_t r;
    kl_error_t e2 = {0};
    kl_analysis_options_init(&opt);
    opt.communities = (kl_community_method)7;
    rc = kl_analysis_run(&r, &g, &ds, &opt, &e2);
    printf("== bad options: %s (%s)\n", kl_strerror(rc), e2.text);
    kl_analysis_destroy(&r);

    building_blocks();
    kl_agraph_destroy(&g);
    kl_dataset_destroy(&ds);
    printf("igraph finally stack: %d\n", kl_engine_graphlib_pending());
    return bad;
}

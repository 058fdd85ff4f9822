/* tests/unit/brokerage_test.c - kl_brokerage_compute on a hand-counted fixture; golden output in brokerage_test.out. */
/*
 * Fixture tests/unit/brokerage/fixture.json (regions N, S, W):
 *   N = {a1, a2, a3}, S = {b1, b2, h1}, W = {c1}; h1 is a person without a
 *   region who inherits S from its employer b1; p1 is a regionless project.
 *   Arcs: a1->a2, a2->a3, a3->a1, a2->b1, b2->a2, c1->a2, c1->a3 (ends
 *   2015), h1<->a2 ("advises", an unknown type: both ways), h1->b1;
 *   b1->p1 and c1->p1 leave the subgraph.
 *
 * Hand counts (two-paths a->v->b, no arc a->b; b->a does not block):
 *   directed  a1: a3->a1->a2 coordinator.
 *             a2: in {a1, b2, c1, h1} x out {a3, b1, h1}: a1-a3 coordinator
 *                 (a3->a1 does not block), a1-b1 a1-h1 representative,
 *                 b2-a3 h1-a3 gatekeeper, b2-b1 b2-h1 itinerant, c1-b1 c1-h1
 *                 liaison; c1-a3 blocked by c1->a3, h1-b1 by h1->b1 => 9.
 *             a3: a2->a3->a1 coordinator, c1->a3->a1 gatekeeper.
 *   --from 2018 drops c1->a3: a2 gains gatekeeper c1-a3 (10), a3 loses its
 *             gatekeeper (1).
 *   undirected: a2's neighbours a1 a3 | b1 b2 h1 | c1 with a1-a3, a3-c1,
 *             b1-h1 closed: itinerant b1-b2 b2-h1, representative/gatekeeper
 *             a1-{b1,b2,c1,h1} a3-{b1,b2,h1} (7), liaison b1-c1 b2-c1 c1-h1
 *             => 12; a3: a1-c1 representative/gatekeeper => 1.  The merged
 *             role is sna's b_IO on the symmetric input, not halved: each
 *             of those unordered paths once (7, 1), so the roles sum to the
 *             total.
 *   organisations mode: ties a1a2 a2a3 a1a3 a2b1 a2b2 a2c1 a3c1 and b1c1
 *             (both in p1), each both ways: a2 itinerant 2 (b1-b2 both
 *             ways), representative 5, gatekeeper 5, liaison 2 (b2-c1) => 14;
 *             a3 representative 1 gatekeeper 1 (a1-c1); c1 liaison 2 (a3-b1).
 * Expected values: sna's formulas with d = arcs / (N (N - 1)); directed
 * d = 10/42, group N: d^2 (1-d) (2, 6, 8, 8, 6, 30).  The z columns were
 * checked against R's sna::brokerage (tests/oracle/test_brokerage.py runs the
 * random comparison).
 */
#include "../../analysis/analysis.h"
#include "../../loaders/loaders.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define X NAN /* the undirected reading has no gatekeeper */

typedef struct {
    const char *id;
    double count[6];
} kl_hand_t;

static void print_num(double x)
{
    if (isnan(x))
        printf(" null");
    else
        printf(" %.6f", x + 0.0); /* + 0.0: print -0 as 0 */
}

static void print_roles(const char *what, const kl_brokerage_roles_t *r)
{
    printf("  %-8s", what);
    print_num(r->coordinator);
    print_num(r->itinerant);
    print_num(r->representative);
    print_num(r->gatekeeper);
    print_num(r->liaison);
    print_num(r->total);
    printf("\n");
}

static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static void run(const kl_dataset_t *ds, const char *title, kl_mode mode, const char *from, int undirected,
                const kl_hand_t *hand, size_t n_hand)
{
    kl_graph_options_t opt;
    kl_agraph_t g;
    kl_brokerage_t b;
    kl_error_t err = {0};
    kl_graph_options_init(&opt);
    opt.mode = mode;
    if (from && kl_date_parse(from, 0, &opt.from) < 0)
        abort();
    if (kl_agraph_build(&g, ds, &opt, &err) != KL_OK || kl_brokerage_compute(&b, ds, &g, undirected, &err) != KL_OK) {
        printf("%s: error %s\n", title, err.text);
        exit(1);
    }
    printf("== %s (coordinator itinerant representative gatekeeper liaison total)\n", title);
    /* entities are in file order, which is id order in the fixture */
    for (uint32_t v = 0; v < g.n; v++) {
        printf("%s%s\n", ds->entities[g.vertex_entity[v]].id, b.in_subgraph[v] ? "" : " (no region)");
        print_roles("count", &b.count[v]);
        print_roles("expected", &b.expected[v]);
        print_roles("z", &b.z[v]);
    }
    int ok = 1;
    for (uint32_t v = 0; v < g.n; v++) {
        const char *id = ds->entities[g.vertex_entity[v]].id;
        const double *want = NULL;
        for (size_t i = 0; i < n_hand; i++)
            if (!strcmp(hand[i].id, id))
                want = hand[i].count;
        static const double zero[6] = {0, 0, 0, 0, 0, 0}, zero_u[6] = {0, 0, 0, X, 0, 0};
        if (!want)
            want = undirected ? zero_u : zero;
        const kl_brokerage_roles_t *c = &b.count[v];
        double got[6] = {c->coordinator, c->itinerant, c->representative, c->gatekeeper, c->liaison, c->total};
        for (int k = 0; k < 6; k++)
            if (!same(got[k], want[k])) {
                printf("hand count differs: %s role %d: %g, by hand %g\n", id, k, got[k], want[k]);
                ok = 0;
            }
    }
    printf("hand counts: %s\n", ok ? "ok" : "DIFFER");
    kl_brokerage_destroy(&b);
    kl_brokerage_destroy(&b); /* destroy twice: must be safe */
    kl_agraph_destroy(&g);
}

int main(void)
{
    kl_engine_init();
    kl_dataset_t ds;
    kl_load_options_t lopt;
    kl_error_t err = {0};
    kl_load_options_init(&lopt);
    if (kl_dataset_init(&ds) != KL_OK)
        return 1;
    if (kl_load_dataset(&ds, "brokerage/fixture.json", &lopt, &err) != KL_OK) {
        printf("load: %s\n", err.text);
        return 1;
    }

    static const kl_hand_t directed[] = {
        {"a1", {1, 0, 0, 0, 0, 1}}, {"a2", {1, 2, 2, 2, 2, 9}}, {"a3", {1, 0, 0, 1, 0, 2}}};
    static const kl_hand_t window[] = {
        {"a1", {1, 0, 0, 0, 0, 1}}, {"a2", {1, 2, 2, 3, 2, 10}}, {"a3", {1, 0, 0, 0, 0, 1}}};
    const kl_hand_t undirected[] = {{"a2", {0, 2, 7, X, 3, 12}}, {"a3", {0, 0, 1, X, 0, 1}}};
    static const kl_hand_t orgs[] = {
        {"a2", {0, 2, 5, 5, 2, 14}}, {"a3", {0, 0, 1, 1, 0, 2}}, {"c1", {0, 0, 0, 0, 2, 2}}};
    const kl_hand_t orgs_u[] = {{"a2", {0, 1, 5, X, 1, 7}}, {"a3", {0, 0, 1, X, 0, 1}}, {"c1", {0, 0, 0, X, 1, 1}}};
    run(&ds, "directed", KL_MODE_FULL, NULL, 0, directed, 3);
    run(&ds, "directed, --from 2018", KL_MODE_FULL, "2018", 0, window, 3);
    run(&ds, "undirected", KL_MODE_FULL, NULL, 1, undirected, 2);
    run(&ds, "organisations, directed", KL_MODE_ORGANISATIONS, NULL, 0, orgs, 3);
    run(&ds, "organisations, undirected", KL_MODE_ORGANISATIONS, NULL, 1, orgs_u, 3);

    /* an empty result is safe to destroy */
    kl_brokerage_t empty;
    memset(&empty, 0, sizeof empty);
    kl_brokerage_destroy(&empty);
    kl_brokerage_destroy(NULL);
    kl_dataset_destroy(&ds);
    return 0;
}

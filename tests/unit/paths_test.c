/* tests/unit/paths_test.c - kl_paths_run on small hand-made graphs; golden output in paths_test.out. */
#include "analysis/analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t u, v;
    double w;
} kl_tedge;

/* CSR of an undirected simple graph from an edge list (neighbours sorted). */
static void build(kl_csr_t *g, uint32_t n, const kl_tedge *e, uint32_t m)
{
    g->n = n;
    g->m = m;
    g->offset = calloc(n + 1, sizeof *g->offset);
    g->adj = malloc((2 * m + 1) * sizeof *g->adj);
    g->eid = malloc((2 * m + 1) * sizeof *g->eid);
    g->w = malloc((2 * m + 1) * sizeof *g->w);
    if (!g->offset || !g->adj || !g->eid || !g->w)
        abort();
    for (uint32_t i = 0; i < m; i++) {
        g->offset[e[i].u + 1]++;
        g->offset[e[i].v + 1]++;
    }
    for (uint32_t v = 0; v < n; v++)
        g->offset[v + 1] += g->offset[v];
    uint32_t *fill = malloc((n + 1) * sizeof *fill);
    if (!fill)
        abort();
    memcpy(fill, g->offset, (n + 1) * sizeof *fill);
    /* Insert in order of the other end, so lists come out sorted. */
    for (uint32_t v = 0; v < n; v++)
        for (uint32_t i = 0; i < m; i++) {
            if (e[i].u == v) {
                g->adj[fill[e[i].v]] = v, g->w[fill[e[i].v]] = e[i].w, g->eid[fill[e[i].v]++] = i;
            } else if (e[i].v == v) {
                g->adj[fill[e[i].u]] = v, g->w[fill[e[i].u]] = e[i].w, g->eid[fill[e[i].u]++] = i;
            }
        }
    free(fill);
}

static void destroy(kl_csr_t *g)
{
    free(g->offset);
    free(g->adj);
    free(g->eid);
    free(g->w);
}

/* Run with 1, 2 and 3 threads; print the 1-thread result and whether the
 * others agree (they may differ in the last bits, not at 1e-12). */
static void run(const char *name, const kl_csr_t *g, int weighted, const int32_t *region,
                const uint32_t *sources, uint32_t n_sources)
{
    uint32_t n = g->n;
    double *res[3][5];
    int agree = 1;
    for (int r = 0; r < 3; r++) {
        for (int k = 0; k < 5; k++) {
            res[r][k] = malloc((n + 1) * sizeof(double));
            if (!res[r][k])
                abort();
            for (uint32_t v = 0; v < n; v++)
                res[r][k][v] = 12345.0; /* the kernel must zero its outputs */
        }
        kl_paths_t p = {.g = g, .weighted = weighted, .sources = sources, .n_sources = n_sources,
                        .threads = r + 1, .region = region, .dep_sum = res[r][0], .dep_sumsq = res[r][1],
                        .harmonic = res[r][2], .irb_sum = res[r][3], .irb_sumsq = res[r][4]};
        if (kl_paths_run(&p) != KL_OK) {
            printf("%s: kl_paths_run failed\n", name);
            return;
        }
        for (int k = 0; k < 5 && r > 0; k++)
            for (uint32_t v = 0; v < n; v++)
                if (fabs(res[r][k][v] - res[0][k][v]) > 1e-12 * (1 + fabs(res[0][k][v])))
                    agree = 0;
    }
    printf("%s (%s)\n", name, weighted ? "weighted" : "hops");
    printf("  v dep_sum dep_sumsq harmonic irb_sum irb_sumsq\n");
    for (uint32_t v = 0; v < n; v++)
        printf("  %u %.6f %.6f %.6f %.6f %.6f\n", v, res[0][0][v], res[0][1][v], res[0][2][v], res[0][3][v],
               res[0][4][v]);
    printf("  threads 1/2/3 agree: %s\n", agree ? "yes" : "NO");
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 5; k++)
            free(res[r][k]);
}

int main(void)
{
    kl_csr_t g;

    /* Path 0-1-2-3-4: ends are leaves of 1 and 3.  Betweenness 0 3 4 3 0;
     * irb: only {0,2} and {2,4} have different regions, through 1 and 3. */
    const kl_tedge path[] = {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 4, 1}};
    const int32_t path_reg[] = {0, -1, 1, -1, 0};
    build(&g, 5, path, 4);
    run("path", &g, 0, path_reg, NULL, 0);
    /* Sources 0, 0, 2 (a leaf twice): per-source sums, harmonic at the targets. */
    const uint32_t path_src[] = {0, 0, 2};
    run("path, sources 0 0 2", &g, 0, path_reg, path_src, 3);
    /* Every vertex listed once is the same as NULL. */
    const uint32_t path_all[] = {4, 3, 2, 1, 0};
    run("path, sources listed", &g, 0, path_reg, path_all, 5);
    destroy(&g);

    /* Star: centre 0, leaves 1..4.  Centre betweenness C(4,2) = 6; irb: leaf
     * 1 (region 0) to leaves 2 and 3 (region 1) runs through 0. */
    const kl_tedge star[] = {{0, 1, 1}, {0, 2, 1}, {0, 3, 1}, {0, 4, 1}};
    const int32_t star_reg[] = {0, 0, 1, 1, -1};
    build(&g, 5, star, 4);
    run("star", &g, 0, star_reg, NULL, 0);
    destroy(&g);

    /* 6-cycle: opposite vertices have two shortest paths; betweenness 2 each. */
    const kl_tedge cyc[] = {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 4, 1}, {4, 5, 1}, {0, 5, 1}};
    const int32_t cyc_reg[] = {0, -1, -1, 1, -1, -1};
    build(&g, 6, cyc, 6);
    run("cycle", &g, 0, cyc_reg, NULL, 0);
    destroy(&g);

    /* Triangle, path 3-4-5 and isolated 6; no regions at all (irb stays 0). */
    const kl_tedge two[] = {{0, 1, 1}, {1, 2, 1}, {0, 2, 1}, {3, 4, 1}, {4, 5, 1}};
    build(&g, 7, two, 5);
    run("two components", &g, 0, NULL, NULL, 0);
    destroy(&g);

    /* Weighted square, distance 1/w: 0-1 and 1-2 length 1, 0-3 and 3-2
     * length 0.5.  0 -> 2 goes through 3 (1 < 2); 1 -> 3 has two paths of
     * 1.5 (through 0 and through 2). */
    const kl_tedge sq[] = {{0, 1, 1}, {1, 2, 1}, {0, 3, 2}, {2, 3, 2}};
    const int32_t sq_reg[] = {0, 1, -1, 0};
    build(&g, 4, sq, 4);
    run("square", &g, 1, sq_reg, NULL, 0);
    destroy(&g);

    /* Triangle of lengths 0.1, 0.2 and 1/(1/0.3): 0.1 + 0.2 is not 0.3 in
     * binary, but within 1e-10 relative, so 0 -> 2 has two paths. */
    const kl_tedge tie[] = {{0, 1, 10}, {1, 2, 5}, {0, 2, 1 / 0.3}};
    build(&g, 3, tie, 3);
    run("near tie", &g, 1, NULL, NULL, 0);
    destroy(&g);
    /* The same with 0-2 of length 1/3: the path through 1 is shorter. */
    const kl_tedge notie[] = {{0, 1, 10}, {1, 2, 5}, {0, 2, 3}};
    build(&g, 3, notie, 3);
    run("no tie", &g, 1, NULL, NULL, 0);
    destroy(&g);

    /* Edge cases: empty graph, no outputs, a source out of range. */
    kl_csr_t empty = {0};
    uint32_t zero = 0;
    empty.offset = &zero;
    kl_paths_t p = {.g = &empty};
    printf("empty graph: %s\n", kl_paths_run(&p) == KL_OK ? "ok" : "error");
    build(&g, 5, path, 4);
    p = (kl_paths_t){.g = &g, .threads = 2};
    printf("no outputs: %s\n", kl_paths_run(&p) == KL_OK ? "ok" : "error");
    const uint32_t bad[] = {1, 5};
    double out[5];
    p = (kl_paths_t){.g = &g, .sources = bad, .n_sources = 2, .dep_sum = out};
    printf("source out of range: %s\n", kl_paths_run(&p) == KL_EINVAL ? "invalid" : "accepted");
    destroy(&g);
    return 0;
}

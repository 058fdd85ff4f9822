/* tests/unit/paths_driver.c - runs kl_paths_run on an edge-list file, for tests/oracle/paths_oracle.py and timing. */
/*
 * Usage: paths_driver FILE [--weighted] [--threads T] [--sources FILE] [--outputs dqhij]
 *                     [--pairs A:B,...] [--time]
 *
 * FILE:  "n m", then n region numbers (-1 = none), then m lines "u v w"
 *        (0-based, u != v, each pair once).  --sources FILE: a count, then the
 *        source vertices (repeats allowed).  --outputs: which to compute, d dep_sum,
 *        q dep_sumsq, h harmonic, i irb_sum, j irb_sumsq (default all; others print 0).
 * --pairs: region pairs (source region A, target region B) computed in the
 *        same passes; their sums follow on each line, in the order given.
 * Prints one line per vertex: v dep_sum dep_sumsq harmonic irb_sum irb_sumsq
 * [pair sums] (%.17g); --time also prints the arc inspections.
 * --time prints the kernel's wall and CPU seconds to stderr.
 */
#include "analysis/analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    uint32_t u, v;
    double w;
} kl_tedge;

static int kl_tedge_cmp(const void *a, const void *b)
{
    const kl_tedge *x = a, *y = b;
    if (x->u != y->u)
        return x->u < y->u ? -1 : 1;
    return x->v < y->v ? -1 : (x->v > y->v);
}

static void die(const char *msg)
{
    fprintf(stderr, "paths_driver: %s\n", msg);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *path = NULL, *src_path = NULL, *outputs = "dqhij", *pairs = "";
    int weighted = 0, threads = 0, timing = 0;
    unsigned kernel = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--weighted"))
            weighted = 1;
        else if (!strcmp(argv[i], "--time"))
            timing = 1;
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--outputs") && i + 1 < argc)
            outputs = argv[++i];
        else if (!strcmp(argv[i], "--pairs") && i + 1 < argc)
            pairs = argv[++i];
        else if (!strcmp(argv[i], "--sources") && i + 1 < argc)
            src_path = argv[++i];
        else if (!strcmp(argv[i], "--kernel") && i + 1 < argc)
            kernel = strcmp(argv[++i], "top-down") ? 0 : KL_KERNEL_NO_LEVELS;
        else
            path = argv[i];
    }
    if (!path)
        die("usage: paths_driver FILE [--weighted] [--threads T] [--sources FILE] [--outputs dqhij] [--pairs A:B,...] [--kernel top-down] [--time]");
    FILE *f = fopen(path, "r");
    if (!f)
        die("cannot open input");
    unsigned n, m;
    if (fscanf(f, "%u %u", &n, &m) != 2)
        die("bad header");
    int32_t *region = malloc((n ? n : 1) * sizeof *region);
    kl_tedge *e = malloc(2 * (size_t)(m ? m : 1) * sizeof *e);
    if (!region || !e)
        die("out of memory");
    for (unsigned i = 0; i < n; i++) {
        int r;
        if (fscanf(f, "%d", &r) != 1)
            die("bad region");
        region[i] = r;
    }
    for (unsigned i = 0; i < m; i++) {
        unsigned u, v;
        double w;
        if (fscanf(f, "%u %u %lf", &u, &v, &w) != 3 || u >= n || v >= n || u == v)
            die("bad edge");
        e[2 * i] = (kl_tedge){u, v, w};
        e[2 * i + 1] = (kl_tedge){v, u, w};
    }
    fclose(f);
    qsort(e, 2 * (size_t)m, sizeof *e, kl_tedge_cmp);

    kl_csr_t g = {.n = n, .m = m};
    g.offset = calloc(n + 1, sizeof *g.offset);
    g.adj = malloc(2 * (size_t)(m ? m : 1) * sizeof *g.adj);
    g.eid = malloc(2 * (size_t)(m ? m : 1) * sizeof *g.eid);
    g.w = malloc(2 * (size_t)(m ? m : 1) * sizeof *g.w);
    if (!g.offset || !g.adj || !g.eid || !g.w)
        die("out of memory");
    for (size_t i = 0; i < 2 * (size_t)m; i++) {
        g.offset[e[i].u + 1]++;
        g.adj[i] = e[i].v;
        g.eid[i] = 0;
        g.w[i] = e[i].w;
    }
    for (unsigned v = 0; v < n; v++)
        g.offset[v + 1] += g.offset[v];

    uint32_t *sources = NULL, n_sources = 0;
    if (src_path) {
        FILE *sf = fopen(src_path, "r");
        if (!sf || fscanf(sf, "%u", &n_sources) != 1)
            die("bad sources file");
        sources = malloc((n_sources ? n_sources : 1) * sizeof *sources);
        if (!sources)
            die("out of memory");
        for (uint32_t i = 0; i < n_sources; i++)
            if (fscanf(sf, "%u", &sources[i]) != 1)
                die("bad source");
        fclose(sf);
    }

    size_t nn = n ? n : 1;
    double *out[5];
    for (int k = 0; k < 5; k++)
        if (!(out[k] = malloc(nn * sizeof(double))))
            die("out of memory");
    kl_paths_t p = {.g = &g, .weighted = weighted, .sources = sources, .n_sources = n_sources,
                    .threads = threads, .region = region, .dep_sum = out[0], .dep_sumsq = out[1],
                    .harmonic = out[2], .irb_sum = out[3], .irb_sumsq = out[4], .kernel = kernel};
    const char *letters = "dqhij";
    double **slot[] = {&p.dep_sum, &p.dep_sumsq, &p.harmonic, &p.irb_sum, &p.irb_sumsq};
    for (int k = 0; k < 5; k++)
        if (!strchr(outputs, letters[k])) {
            *slot[k] = NULL;
            memset(out[k], 0, nn * sizeof(double));
        }
    uint32_t n_pairs = 0;
    int32_t pair_src[64], pair_dst[64];
    for (const char *s = pairs; *s;) {
        int a, b, used;
        if (n_pairs == 64 || sscanf(s, "%d:%d%n", &a, &b, &used) != 2)
            die("bad --pairs");
        pair_src[n_pairs] = a;
        pair_dst[n_pairs++] = b;
        s += used;
        s += *s == ',';
    }
    double *pair_sum = malloc((n_pairs ? n_pairs : 1) * nn * sizeof *pair_sum);
    if (!pair_sum)
        die("out of memory");
    p.n_pairs = n_pairs;
    p.pair_src = pair_src;
    p.pair_dst = pair_dst;
    p.pair_sum = n_pairs ? pair_sum : NULL;
    struct timespec t0, t1, c0, c1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    kl_err rc = kl_paths_run(&p);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != KL_OK)
        die("kl_paths_run failed");
    if (timing)
        fprintf(stderr, "kernel %.3f s wall, %.3f s cpu, %llu arc inspections\n",
                (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9,
                (double)(c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) * 1e-9, (unsigned long long)p.arcs);
    for (unsigned v = 0; v < n; v++) {
        printf("%u %.17g %.17g %.17g %.17g %.17g", v, out[0][v], out[1][v], out[2][v], out[3][v], out[4][v]);
        for (uint32_t i = 0; i < n_pairs; i++)
            printf(" %.17g", pair_sum[(size_t)i * n + v]);
        putchar('\n');
    }
    free(pair_sum);
    for (int k = 0; k < 5; k++)
        free(out[k]);
    free(sources);
    free(g.offset);
    free(g.adj);
    free(g.eid);
    free(g.w);
    free(region);
    free(e);
    return ferror(stdout) ? 1 : 0;
}

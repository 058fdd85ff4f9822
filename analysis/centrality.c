/* analysis/centrality.c - betweenness (exact or sampled, with standard
 * errors), harmonic closeness and inter-regional betweenness through the
 * path kernel; eigenvector centrality and PageRank by power iteration over
 * the CSR arrays (fixed summation order: no BLAS, no thread-count effect). */
#include "analysis_internal.h"
#include "../engine/igraph_view.h"
#include "sssp.h"
#include "sampling.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------- a small parallel for
 * Work is cut into a fixed number of chunks that depends on n only; each
 * chunk writes its own partial sums, which are then added in chunk order.
 * So results are identical whatever the number of threads (and on one). */
#define KL_PAR_CHUNKS 64
#define KL_PAR_MIN_N 20000 /* below this, threads cost more than they save */

static int par_threads(int requested, uint32_t n)
{
    return n < KL_PAR_MIN_N ? 1 : kl_i_pool_threads(requested, KL_PAR_CHUNKS);
}

/* Run fn(ctx, c) for c = 0 .. KL_PAR_CHUNKS-1 on up to `threads` threads. */
static void par_for(int threads, void (*fn)(void *ctx, uint32_t chunk), void *ctx)
{
    kl_i_pool_run(KL_PAR_CHUNKS, threads, fn, ctx);
}

/* Bounds of chunk c of n items. */
static uint32_t chunk_lo(uint32_t n, uint32_t c)
{
    return (uint32_t)((uint64_t)n * c / KL_PAR_CHUNKS);
}

/* P of docs/metrics.md: connected unordered pairs of actors whose regions
 * differ.  Per component, N_c actors with a region split into regions of
 * c_r actors: (N_c^2 - sum_r c_r^2) / 2 pairs.  O(n + regions). */
static int region_pairs(const kl_analysis_t *res, const int32_t *region, uint32_t n, double *out)
{
    uint32_t nc = res->components;
    int32_t nr = 0;
    for (uint32_t v = 0; v < n; v++)
        if (region[v] >= nr)
            nr = region[v] + 1;
    uint32_t *start = calloc((size_t)nc + 2, sizeof *start);
    uint32_t *by = malloc(((size_t)n + 1) * sizeof *by);
    uint64_t *count = calloc((size_t)nr + 1, sizeof *count);
    if (!start || !by || !count) {
        free(start);
        free(by);
        free(count);
        return -1;
    }
    /* bucket the vertices with a region by component */
    for (uint32_t v = 0; v < n; v++)
        if (region[v] >= 0)
            start[res->component[v] + 2]++;
    for (uint32_t k = 0; k < nc; k++)
        start[k + 2] += start[k + 1];
    for (uint32_t v = 0; v < n; v++)
        if (region[v] >= 0)
            by[start[res->component[v] + 1]++] = v;
    double total = 0;
    for (uint32_t k = 0; k < nc; k++) {
        uint32_t lo = start[k], hi = start[k + 1];
        double all = (double)(hi - lo), same = 0;
        for (uint32_t i = lo; i < hi; i++)
            count[region[by[i]]]++;
        for (uint32_t i = lo; i < hi; i++) {
            uint64_t c = count[region[by[i]]];
            if (c) {
                same += (double)c * (double)c;
                count[region[by[i]]] = 0;
            }
        }
        total += (all * all - same) / 2;
    }
    free(start);
    free(by);
    free(count);
    *out = total;
    return 0;
}

/* Pair sampling (sampling.h): betweenness from pairs drawn among all
 * connected pairs and irb from pairs drawn among the connected pairs of
 * actors with different regions, each with delta / 2 so that both bounds
 * hold together with probability >= 1 - delta; harmonic from
 * KL_HARMONIC_SOURCES sources through the path kernel. */
static kl_err paths_pairs(kl_analysis_t *res, const kl_agraph_t *g, int any_region)
{
    const kl_analysis_options_t *o = &res->options;
    uint32_t n = g->n;
    kl_sampler_t sm;
    kl_err rc = kl_sampler_init(&sm, &g->csr, o->weighted, o->threads);
    if (rc != KL_OK)
        return rc;
    uint64_t r = kl_sampler_size(&sm, o->epsilon, o->delta / 2);
    double *hits = malloc(((size_t)n + 1) * sizeof *hits), pairs = 0;
    uint32_t k = n < KL_HARMONIC_SOURCES ? n : KL_HARMONIC_SOURCES;
    uint32_t *sources = k < n ? malloc((size_t)k * sizeof *sources) : NULL;
    rc = KL_ENOMEM;
    if (!hits || (k < n && !sources))
        goto done;
    uint64_t seed = o->seed * 0x9E3779B97F4A7C15ull;
    if ((rc = kl_sampler_run(&sm, KL_PAIRS_CONNECTED, NULL, 0, 0, r, seed + 1, hits, &pairs)) != KL_OK)
        goto done;
    for (uint32_t v = 0; v < n; v++)
        res->betweenness[v] = pairs * hits[v] / (double)r;
    res->pair_samples = pairs > 0 ? r : 0;
    if (any_region) {
        if ((rc = kl_sampler_run(&sm, KL_PAIRS_CROSS_REGION, g->vertex_region, 0, 0, r, seed + 2, hits, &pairs)) !=
            KL_OK)
            goto done;
        for (uint32_t v = 0; v < n; v++)
            res->irb[v] = pairs * hits[v] / (double)r;
        res->pair_samples += pairs > 0 ? r : 0;
    }
    if (sources) {
        igraph_rng_t *rng = igraph_rng_default();
        igraph_rng_seed(rng, (igraph_uint_t)o->seed);
        for (uint32_t i = 0; i < k; i++)
            sources[i] = (uint32_t)igraph_rng_get_integer(rng, 0, (igraph_integer_t)n - 1);
    }
    kl_paths_t p;
    memset(&p, 0, sizeof p);
    p.g = &g->csr;
    p.weighted = o->weighted;
    p.sources = sources;
    p.n_sources = sources ? k : 0;
    p.threads = o->threads;
    p.harmonic = res->harmonic;
    if (n > 0 && (rc = kl_paths_run(&p)) != KL_OK)
        goto done;
    for (uint32_t v = 0; v < n; v++)
        res->harmonic[v] *= (double)n / (double)k;
    res->harmonic_sources = k;
    rc = KL_OK;
done:
    kl_sampler_free(&sm);
    free(hits);
    free(sources);
    return rc;
}

kl_err kl_i_paths(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err)
{
    uint32_t n = g->n, k = res->options.samples;
    size_t n1 = (size_t)n + 1;
    kl_err rc = KL_OK;
    uint32_t *sources = NULL;
    double *sumsq = NULL;
    int any_region = 0;

    res->betweenness = calloc(n1, sizeof *res->betweenness);
    res->harmonic = calloc(n1, sizeof *res->harmonic);
    res->irb = calloc(n1, sizeof *res->irb);
    res->irb_share = malloc(n1 * sizeof *res->irb_share);
    if (!res->betweenness || !res->harmonic || !res->irb || !res->irb_share)
        goto nomem;
    if (k > 0) {
        res->betweenness_se = calloc(n1, sizeof *res->betweenness_se);
        sumsq = calloc(n1, sizeof *sumsq);
        sources = malloc((size_t)k * sizeof *sources);
        if (!res->betweenness_se || !sumsq || !sources)
            goto nomem;
    }
    for (uint32_t v = 0; v < n; v++)
        if (g->vertex_region[v] >= 0)
            any_region = 1;

    if (res->options.epsilon > 0) {
        if ((rc = paths_pairs(res, g, any_region)) != KL_OK)
            return kl_error_set(err, rc, NULL, 0, 0, "sampled shortest paths: %s", kl_strerror(rc));
        k = 0; /* the estimates are already scaled */
    } else if (n > 0) {
        if (k > 0) {
            /* uniform with replacement, from igraph's RNG seeded by --seed */
            igraph_rng_t *rng = igraph_rng_default();
            igraph_rng_seed(rng, (igraph_uint_t)res->options.seed);
            for (uint32_t i = 0; i < k; i++)
                sources[i] = (uint32_t)igraph_rng_get_integer(rng, 0, (igraph_integer_t)n - 1);
        }
        kl_paths_t p;
        memset(&p, 0, sizeof p);
        p.g = &g->csr;
        p.weighted = res->options.weighted;
        p.sources = sources;
        p.n_sources = k;
        p.threads = res->options.threads;
        p.region = g->vertex_region;
        p.dep_sum = res->betweenness;
        p.dep_sumsq = sumsq;
        p.harmonic = res->harmonic;
        p.irb_sum = any_region ? res->irb : NULL;
        p.kernel = res->options.kernel;
        kl_pair_sums_t *ps = res->options.pair_sums;
        if (k == 0 && ps && ps->n_pairs && ps->n == n) {
            p.n_pairs = ps->n_pairs;
            p.pair_src = ps->src;
            p.pair_dst = ps->dst;
            p.pair_sum = ps->sum;
        }
        double t = kl_i_now();
        if ((rc = kl_paths_run(&p)) != KL_OK)
            return kl_error_set(err, rc, NULL, 0, 0, "shortest paths: %s", kl_strerror(rc));
        if (p.n_pairs) {
            ps->filled = 1;
            ps->seconds = p.pair_fraction * (kl_i_now() - t);
        }
        res->arcs = p.arcs;
    }

    /* Every unordered pair is seen from both ends, hence the halving; a
     * sample of k sources stands for n: scale by n/k. */
    double scale = k > 0 ? (double)n / (double)k : 1.0;
    for (uint32_t v = 0; v < n && res->options.epsilon <= 0; v++) {
        if (k > 0) {
            /* se = n * sd(dependency) / sqrt(k) / 2, sample sd (k - 1);
             * undefined for one source */
            double mean = res->betweenness[v] / k;
            double var = k > 1 ? (sumsq[v] - k * mean * mean) / (k - 1) : NAN;
            if (var < 0)
                var = 0; /* rounding */
            res->betweenness_se[v] = (double)n * sqrt(var) / sqrt((double)k) / 2;
        }
        res->betweenness[v] *= scale / 2;
        res->harmonic[v] *= scale;
        res->irb[v] *= scale / 2;
    }

    if (region_pairs(res, g->vertex_region, n, &res->region_pairs) < 0)
        goto nomem;
    double best = 0.5;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = res->order[i];
        res->irb_share[v] = res->region_pairs > 0 ? res->irb[v] / res->region_pairs : NAN;
        if (res->irb_share[v] > best) {
            best = res->irb_share[v];
            res->dominant_actor = (int32_t)v;
        }
    }
    goto cleanup;
nomem:
    rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
cleanup:
    free(sources);
    free(sumsq);
    return rc;
}

/* Eigenvector centrality of the largest component (docs/metrics.md#eigenvector) by power
 * iteration over the CSR arrays, so that the result does not depend on the
 * BLAS or LAPACK build (ARPACK's dot products and reorthogonalisation
 * change the last digits from one machine to the next): every value is a
 * sum over one vertex's ties in CSR order, and the only reductions are
 * maxima, which are exact, so results are identical whatever the number of
 * threads.
 *
 * The iteration runs on A + cI with c = KL_EIG_SHIFT times a lower bound of
 * the leading eigenvalue lambda (leading_lower_bound): the graphs of full mode are bipartite (actors and projects), so A
 * has -lambda as an eigenvalue too and plain power iteration would
 * oscillate; the shift makes lambda + c the only eigenvalue of largest
 * modulus while costing little speed (the rate is (lambda_2 + c) /
 * (lambda + c)).  The iterate is scaled to a maximum of 1 at every step.
 * It stops when the change of one step, extrapolated over the remaining
 * steps at the observed rate, is below KL_EIG_TOL (absolute: the oracle's
 * tolerance is 1e-6), when the change is down to rounding noise, or after
 * KL_EIG_MAX_ITER steps: then the leading eigenvalues are too close for
 * power iteration to tell their eigenvectors apart, the result is the last
 * iterate and kl_analysis_t.eigenvector_converged is 0.  O(m) per step. */
#define KL_EIG_SHIFT 0.25
#define KL_EIG_TOL 1e-12
#define KL_EIG_FLOOR 1e-14 /* a change this small is rounding noise: nothing left to gain */
#define KL_EIG_MAX_ITER 10000

typedef struct {
    const kl_csr_t *g;
    const uint32_t *verts;       /* the component's vertices */
    uint32_t n;                  /* how many */
    double shift;
    const double *x;             /* current iterate, indexed by vertex */
    double *y;                   /* next iterate, indexed by vertex */
    double top;                  /* max of y, for eig_scale */
    double part[KL_PAR_CHUNKS];  /* per chunk: max of y, then max change */
} eig_ctx_t;

/* y = (A + cI) x on the chunk's vertices; part = their largest y. */
static void eig_product(void *ctx, uint32_t chunk)
{
    eig_ctx_t *c = ctx;
    const kl_csr_t *g = c->g;
    double mx = 0;
    for (uint32_t i = chunk_lo(c->n, chunk), hi = chunk_lo(c->n, chunk + 1); i < hi; i++) {
        uint32_t v = c->verts[i];
        double s = 0;
        for (uint32_t k = g->offset[v]; k < g->offset[v + 1]; k++)
            s += g->w[k] * c->x[g->adj[k]];
        c->y[v] = s + c->shift * c->x[v];
        if (c->y[v] > mx)
            mx = c->y[v];
    }
    c->part[chunk] = mx;
}

/* y /= top on the chunk's vertices (a division, so the largest becomes
 * exactly 1); part = the largest |y - x|. */
static void eig_scale(void *ctx, uint32_t chunk)
{
    eig_ctx_t *c = ctx;
    double change = 0;
    for (uint32_t i = chunk_lo(c->n, chunk), hi = chunk_lo(c->n, chunk + 1); i < hi; i++) {
        uint32_t v = c->verts[i];
        c->y[v] /= c->top;
        double d = fabs(c->y[v] - c->x[v]);
        if (d > change)
            change = d;
    }
    c->part[chunk] = change;
}

static double max_parts(const double *part)
{
    double m = 0;
    for (int i = 0; i < KL_PAR_CHUNKS; i++)
        if (part[i] > m)
            m = part[i];
    return m;
}

/* A lower bound of the leading eigenvalue lambda of the component's
 * weighted adjacency matrix A: the larger of the Rayleigh quotient
 * x^T A x / x^T x of the start vector and sqrt(max_v sum_u w_vu^2) (the
 * leading eigenvalue of v's star, a subgraph).  O(m). */
static double leading_lower_bound(const kl_csr_t *g, const uint32_t *verts, uint32_t k, const double *x)
{
    double num = 0, den = 0, star = 0;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t v = verts[i];
        double s = 0, sq = 0;
        for (uint32_t e = g->offset[v]; e < g->offset[v + 1]; e++) {
            s += g->w[e] * x[g->adj[e]];
            sq += g->w[e] * g->w[e];
        }
        num += x[v] * s;
        den += x[v] * x[v];
        if (sq > star)
            star = sq;
    }
    double rq = den > 0 ? num / den : 0;
    return rq > sqrt(star) ? rq : sqrt(star);
}

static kl_err eigenvector(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err)
{
    uint32_t n = g->n, lcc = res->largest_component_id;
    for (uint32_t v = 0; v < n; v++)
        res->eigenvector[v] = NAN;
    res->eigenvector_iterations = 0;
    res->eigenvector_converged = 1;
    if (n == 0)
        return KL_OK;
    double *a = calloc((size_t)n + 1, sizeof *a), *b = calloc((size_t)n + 1, sizeof *b);
    uint32_t *verts = malloc(((size_t)res->largest_component + 1) * sizeof *verts);
    if (!a || !b || !verts) {
        free(a);
        free(b);
        free(verts);
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    uint32_t k = 0;
    double smax = 0;
    for (uint32_t v = 0; v < n; v++)
        if (res->component[v] == lcc) {
            verts[k++] = v;
            if (res->strength[v] > smax)
                smax = res->strength[v];
        }
    /* start from the strengths (close to the answer on hub-and-spoke
     * graphs); an isolated actor, the 1x1 zero matrix, has eigenvector 1 */
    for (uint32_t i = 0; i < k; i++)
        a[verts[i]] = smax > 0 ? res->strength[verts[i]] / smax : 1.0;
    eig_ctx_t c;
    memset(&c, 0, sizeof c);
    c.g = &g->csr;
    c.verts = verts;
    c.n = k;
    c.shift = KL_EIG_SHIFT * leading_lower_bound(&g->csr, verts, k, a);
    int threads = par_threads(res->options.threads, k);
    double *x = a, *y = b, last = INFINITY, change = 0, prev_rate = 1;
    uint32_t it = 0;
    while (smax > 0 && it < KL_EIG_MAX_ITER) {
        c.x = x;
        c.y = y;
        par_for(threads, eig_product, &c);
        c.top = max_parts(c.part);
        par_for(threads, eig_scale, &c);
        change = max_parts(c.part);
        double *t = x;
        x = y;
        y = t;
        it++;
        /* the error left is about change * rate / (1 - rate), the rate read
         * off successive changes; the slower of the last two steps, because
         * subdominant eigenvalues of both signs make single ratios waver */
        double rate = isfinite(last) ? change / last : 1;
        double slow = rate > prev_rate ? rate : prev_rate;
        if (change < KL_EIG_FLOOR || (slow < 1 && change * slow / (1 - slow) < KL_EIG_TOL))
            break;
        prev_rate = rate;
        last = change;
    }
    res->eigenvector_iterations = it;
    res->eigenvector_converged = it < KL_EIG_MAX_ITER || smax == 0;
    for (uint32_t i = 0; i < k; i++)
        res->eigenvector[verts[i]] = x[verts[i]];
    free(a);
    free(b);
    free(verts);
    return KL_OK;
}

/* PageRank by power iteration over the CSR arrays, pulling from neighbours
 * so that every value is a sum in a fixed order: igraph's PRPACK runs OpenMP
 * reductions whose last bits change from run to run, which would break
 * byte-identical output.  x_{k+1}(v) = (1 - d)/n + d (D_k/n + sum_{u~v}
 * x_k(u) w_uv / s_u), D_k the mass on dangling (isolated) vertices; stops
 * when the L1 change is below 1e-15 (about 220 iterations at d = 0.85), or
 * when it no longer shrinks: the map contracts by d in L1, so a change that
 * fails to fall below 0.95 of the previous one is rounding noise.  At most
 * 10000 iterations.  O(m) per iteration, on several threads for large
 * graphs with the same result whatever their number (par_for above). */
#define KL_PR_DAMPING 0.85
#define KL_PR_TOL 1e-15
#define KL_PR_MAX_ITER 10000

typedef struct {
    const kl_csr_t *g;
    const double *strength;
    uint32_t n;
    const double *x;
    double *y, *out;
    double base;
    double part[KL_PAR_CHUNKS]; /* dangling mass, then L1 change, per chunk */
} pr_ctx_t;

static void pr_prepare(void *ctx, uint32_t chunk)
{
    pr_ctx_t *c = ctx;
    double dangling = 0;
    for (uint32_t v = chunk_lo(c->n, chunk), hi = chunk_lo(c->n, chunk + 1); v < hi; v++) {
        if (c->strength[v] > 0)
            c->out[v] = c->x[v] / c->strength[v];
        else
            dangling += c->x[v];
    }
    c->part[chunk] = dangling;
}

static void pr_update(void *ctx, uint32_t chunk)
{
    pr_ctx_t *c = ctx;
    const kl_csr_t *g = c->g;
    double change = 0;
    for (uint32_t v = chunk_lo(c->n, chunk), hi = chunk_lo(c->n, chunk + 1); v < hi; v++) {
        double s = 0;
        for (uint32_t k = g->offset[v]; k < g->offset[v + 1]; k++)
            s += c->out[g->adj[k]] * g->w[k];
        c->y[v] = c->base + KL_PR_DAMPING * s;
        change += fabs(c->y[v] - c->x[v]);
    }
    c->part[chunk] = change;
}

static double sum_parts(const double *part)
{
    double s = 0;
    for (int i = 0; i < KL_PAR_CHUNKS; i++)
        s += part[i];
    return s;
}

static kl_err pagerank(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err)
{
    uint32_t n = g->n;
    if (n == 0)
        return KL_OK;
    double *a = malloc(((size_t)n + 1) * sizeof *a), *b = malloc(((size_t)n + 1) * sizeof *b);
    double *out = malloc(((size_t)n + 1) * sizeof *out);
    if (!a || !b || !out) {
        free(a);
        free(b);
        free(out);
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    int threads = par_threads(res->options.threads, n);
    pr_ctx_t c;
    memset(&c, 0, sizeof c);
    c.g = &g->csr;
    c.strength = res->strength;
    c.n = n;
    c.out = out;
    for (uint32_t v = 0; v < n; v++)
        a[v] = 1.0 / n;
    double *x = a, *y = b, last = INFINITY;
    for (int it = 0; it < KL_PR_MAX_ITER; it++) {
        c.x = x;
        c.y = y;
        par_for(threads, pr_prepare, &c);
        c.base = (1.0 - KL_PR_DAMPING) / n + KL_PR_DAMPING * sum_parts(c.part) / n;
        par_for(threads, pr_update, &c);
        double change = sum_parts(c.part);
        double *t = x;
        x = y;
        y = t;
        if (change < KL_PR_TOL || change > 0.95 * last)
            break;
        last = change;
    }
    /* the iteration keeps the sum at 1 up to rounding; make it exact-ish */
    double sum = 0;
    for (uint32_t v = 0; v < n; v++)
        sum += x[v];
    for (uint32_t v = 0; v < n; v++)
        res->pagerank[v] = x[v] / sum;
    free(a);
    free(b);
    free(out);
    return KL_OK;
}

kl_err kl_i_spectral(kl_analysis_t *res, const kl_agraph_t *g, kl_error_t *err)
{
    size_t n1 = (size_t)g->n + 1;
    kl_err rc;
    res->eigenvector = malloc(n1 * sizeof *res->eigenvector);
    res->pagerank = calloc(n1, sizeof *res->pagerank);
    if (!res->eigenvector || !res->pagerank)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    if ((rc = eigenvector(res, g, err)) != KL_OK)
        return rc;
    return pagerank(res, g, err);
}

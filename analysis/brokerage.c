/* analysis/brokerage.c - Gould-Fernandez brokerage roles with regions as
 * groups, exactly as R's sna::brokerage(adjacency, regions) computes them on
 * the subgraph induced by the actors that have a region (docs/metrics.md
 * `brokerage`, `brokerage_undirected`).
 *
 * sna counts, for every ordered two-path a->v->b with a, v, b distinct and no
 * arc a->b (an arc b->a does not matter), one role of the broker v:
 *   coordinator    w_I   a, v, b in one group
 *   itinerant      w_O   a, b in one group, v in another
 *   representative b_IO  v with a, b elsewhere
 *   gatekeeper     b_OI  v with b, a elsewhere
 *   liaison        b_O   three different groups
 * and compares each count with its moments under a Bernoulli graph of the
 * same density d = arcs / (N (N - 1)), using the group sizes of the
 * broker's group (sna's "exp.nli", "sd.nli", "z.nli").  The formulas below
 * follow sna's R code term by term (sna/R/gli.R, brokerage()). */
#include "analysis_internal.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum { R_WI = 0, R_WO, R_BIO, R_BOI, R_BO, R_T, R_COUNT };

static void roles_set(kl_brokerage_roles_t *r, const double *x)
{
    r->coordinator = x[R_WI];
    r->itinerant = x[R_WO];
    r->representative = x[R_BIO];
    r->gatekeeper = x[R_BOI];
    r->liaison = x[R_BO];
    r->total = x[R_T];
}

static void roles_fill(kl_brokerage_roles_t *r, double x)
{
    double v[R_COUNT];
    for (int i = 0; i < R_COUNT; i++)
        v[i] = x;
    roles_set(r, v);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The same test as kl_agraph_build's: type filter, then the interval meets
 * the window. */
static int relation_kept(const kl_relation_t *r, const kl_graph_options_t *opt)
{
    if (opt->tie_types && !(opt->tie_types & (1u << r->type_code)))
        return 0;
    return r->start <= opt->to && r->end >= opt->from;
}

/* Types that point one way (docs/format.md); partner_of and unknown types are
 * undirected. */
static int reltype_directed(kl_reltype t)
{
    return t != KL_REL_PARTNER_OF && t != KL_REL_OTHER;
}

/* ------------------------------------------------------------ two-paths
 * Not by listing them: a broker of degree d in a dense part of the graph
 * (an organisation in many projects, in the organisations view) sits on
 * about d^2 two-paths, and listing them took a minute on gen.py's L.
 * Instead, for each broker v,
 *
 *   open two-paths = all pairs (a in in(v), b in out(v), a != b)
 *                  - closed ones (the arc a->b exists),
 *
 * by role.  The pairs are counted from the groups of v's in- and
 * out-neighbours in O(in(v) + out(v)); a closed two-path a->v->b lies on a
 * triangle {a, v, b} of the graph without directions, and the triangles
 * are listed once each by the forward algorithm (every tie oriented
 * towards the end of higher degree, Schank and Wagner 2005), O(m^1.5) at
 * most and far less when a few actors hold most ties.  Triangles are dealt
 * to threads in blocks of vertices; each thread counts into its own array,
 * and the counts are integers, so the sums are the same doubles whatever
 * the number of threads. */
#define KL_TWOPATH_BLOCK 256
#define KL_TWOPATH_MAX_THREADS 8

/* The role of two-path a->v->b from the three groups, in the same decision
 * order as sna's brokerage_R. */
static int role_of(uint32_t ga, uint32_t gv, uint32_t gb)
{
    if (ga == gv)
        return gb == gv ? R_WI : R_BIO;
    if (gb == gv)
        return R_BOI;
    return ga == gb ? R_WO : R_BO;
}

/* v's neighbours without directions, in order: the union of its sorted in-
 * and out-lists, with dir bits 1 for the arc v->x and 2 for x->v. */
typedef struct {
    const uint32_t *in, *in_end, *out, *out_end;
} neighbours_t;

static neighbours_t neighbours_of(uint32_t v, const size_t *in_off, const uint32_t *in_adj, const size_t *out_off,
                                  const uint32_t *out_adj)
{
    return (neighbours_t){in_adj + in_off[v], in_adj + in_off[v + 1], out_adj + out_off[v], out_adj + out_off[v + 1]};
}

static int neighbours_next(neighbours_t *it, uint32_t *x, uint8_t *bits)
{
    int has_in = it->in < it->in_end, has_out = it->out < it->out_end;
    if (!has_in && !has_out)
        return 0;
    if (!has_out || (has_in && *it->in < *it->out)) {
        *x = *it->in++;
        *bits = 2;
    } else if (!has_in || *it->out < *it->in) {
        *x = *it->out++;
        *bits = 1;
    } else {
        *x = *it->out++;
        it->in++;
        *bits = 3;
    }
    return 1;
}

/* All pairs (a in in(v), b in out(v), a != b) by role, for every v, into
 * cnt (N x R_COUNT).  in and out lists are sorted.  hist and stamp hold a
 * group each. */
static void count_all_pairs(uint32_t N, const size_t *in_off, const uint32_t *in_adj, const size_t *out_off,
                            const uint32_t *out_adj, const uint32_t *grp, uint32_t *hist, uint32_t *stamp,
                            double *cnt)
{
    for (uint32_t v = 0; v < N; v++) {
        uint32_t gv = grp[v];
        double in = (double)(in_off[v + 1] - in_off[v]), out = (double)(out_off[v + 1] - out_off[v]);
        double in_g = 0, out_g = 0, same = 0, rec_g = 0, rec_other = 0;
        for (size_t j = out_off[v]; j < out_off[v + 1]; j++) {
            uint32_t gb = grp[out_adj[j]];
            if (stamp[gb] != v + 1) {
                stamp[gb] = v + 1;
                hist[gb] = 0;
            }
            hist[gb]++;
            out_g += gb == gv;
        }
        /* same: pairs with a and b in one group other than v's */
        for (size_t j = in_off[v]; j < in_off[v + 1]; j++) {
            uint32_t ga = grp[in_adj[j]];
            if (ga == gv)
                in_g++;
            else if (stamp[ga] == v + 1)
                same += hist[ga];
        }
        /* a == b: the reciprocal neighbours */
        neighbours_t it = neighbours_of(v, in_off, in_adj, out_off, out_adj);
        uint32_t x;
        uint8_t bits;
        while (neighbours_next(&it, &x, &bits))
            if (bits == 3) {
                if (grp[x] == gv)
                    rec_g++;
                else
                    rec_other++;
            }
        double *c = cnt + (size_t)v * R_COUNT;
        c[R_WI] = in_g * out_g - rec_g;
        c[R_BIO] = in_g * (out - out_g);
        c[R_BOI] = (in - in_g) * out_g;
        c[R_WO] = same - rec_other;
        c[R_BO] = (in - in_g) * (out - out_g) - same;
    }
}

/* The graph without directions, each tie pointing to its end of higher
 * (degree, index): fwd[fwd_off[u] ..) with dir bit 1 for the arc u->w and
 * bit 2 for w->u. */
typedef struct {
    uint32_t N;
    const size_t *fwd_off;
    const uint32_t *fwd, *grp;
    const uint8_t *dir;
    atomic_uint next;
} triangle_job_t;

typedef struct {
    triangle_job_t *job;
    double *closed;  /* N x R_COUNT */
    uint32_t *mark;  /* N: u + 1 while u is the first corner */
    uint8_t *mdir;   /* N: the dir bits of u's tie to a marked vertex */
} triangle_worker_t;

/* Triangle {x0, x1, x2} with arc[i][j] = the arc xi->xj exists: every
 * two-path a->v->b on it whose arc a->b exists is closed. */
static void count_closed(double *closed, const uint32_t *x, const uint32_t *grp, const int arc[3][3])
{
    for (int v = 0; v < 3; v++) {
        int a = (v + 1) % 3, b = (v + 2) % 3;
        for (int flip = 0; flip < 2; flip++) {
            if (arc[a][v] && arc[v][b] && arc[a][b])
                closed[(size_t)x[v] * R_COUNT + role_of(grp[x[a]], grp[x[v]], grp[x[b]])] += 1;
            int t = a;
            a = b;
            b = t;
        }
    }
}

static void triangle_unit(void *ctx, uint32_t worker)
{
    triangle_worker_t *w = (triangle_worker_t *)ctx + worker;
    triangle_job_t *job = w->job;
    const size_t *off = job->fwd_off;
    const uint32_t *fwd = job->fwd;
    const uint8_t *dir = job->dir;
    for (;;) {
        uint32_t first = atomic_fetch_add(&job->next, KL_TWOPATH_BLOCK);
        if (first >= job->N)
            return;
        uint32_t last = job->N - first > KL_TWOPATH_BLOCK ? first + KL_TWOPATH_BLOCK : job->N;
        for (uint32_t u = first; u < last; u++) {
            if (off[u + 1] - off[u] < 2)
                continue;
            for (size_t j = off[u]; j < off[u + 1]; j++) {
                w->mark[fwd[j]] = u + 1;
                w->mdir[fwd[j]] = dir[j];
            }
            for (size_t j = off[u]; j < off[u + 1]; j++) {
                uint32_t v = fwd[j];
                uint8_t uv = dir[j];
                for (size_t k = off[v]; k < off[v + 1]; k++) {
                    uint32_t x = fwd[k];
                    if (w->mark[x] != u + 1)
                        continue;
                    uint8_t vx = dir[k], ux = w->mdir[x];
                    uint32_t c[3] = {u, v, x};
                    int arc[3][3] = {{0, uv & 1, ux & 1}, {(uv >> 1) & 1, 0, vx & 1}, {(ux >> 1) & 1, (vx >> 1) & 1, 0}};
                    count_closed(w->closed, c, job->grp, arc);
                }
            }
        }
    }
}

/* Fill cnt (N x R_COUNT, zeroed) with the open two-paths by role, from the
 * sorted, duplicate-free out-lists; KL_ENOMEM. */
static kl_err count_two_paths(uint32_t N, uint32_t G, const size_t *out_off, const uint32_t *out_adj,
                              const uint32_t *grp, double *cnt)
{
    size_t m = out_off[N];
    kl_err rc = KL_ENOMEM;
    int want = N < 4 * KL_TWOPATH_BLOCK ? 1 : kl_i_pool_threads(0, KL_TWOPATH_MAX_THREADS);
    triangle_worker_t w[KL_TWOPATH_MAX_THREADS];
    memset(w, 0, sizeof w);
    size_t *in_off = calloc((size_t)N + 2, sizeof *in_off), *und_deg = calloc((size_t)N + 1, sizeof *und_deg);
    size_t *fwd_off = calloc((size_t)N + 2, sizeof *fwd_off);
    uint32_t *in_adj = malloc((m + 1) * sizeof *in_adj), *hist = malloc(((size_t)G + 1) * sizeof *hist);
    uint32_t *stamp = calloc((size_t)G + 1, sizeof *stamp), *fwd = malloc((m + 1) * sizeof *fwd);
    uint8_t *dir = malloc(m + 1);
    if (!in_off || !und_deg || !fwd_off || !in_adj || !hist || !stamp || !fwd || !dir)
        goto done;

    /* In-lists: the arcs are sorted by source, so each list comes out sorted. */
    for (size_t j = 0; j < m; j++)
        in_off[out_adj[j] + 2]++;
    for (uint32_t v = 0; v < N; v++)
        in_off[v + 2] += in_off[v + 1];
    for (uint32_t a = 0; a < N; a++)
        for (size_t j = out_off[a]; j < out_off[a + 1]; j++)
            in_adj[in_off[out_adj[j] + 1]++] = a;
    count_all_pairs(N, in_off, in_adj, out_off, out_adj, grp, hist, stamp, cnt);

    /* Degrees without directions. */
    for (uint32_t v = 0; v < N; v++) {
        neighbours_t it = neighbours_of(v, in_off, in_adj, out_off, out_adj);
        uint32_t x;
        uint8_t bits;
        while (neighbours_next(&it, &x, &bits))
            und_deg[v]++;
    }
    /* The forward lists: neighbours of higher (degree, index), dir bits;
     * counted, then filled. */
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t v = 0; v < N; v++) {
            neighbours_t it = neighbours_of(v, in_off, in_adj, out_off, out_adj);
            size_t k = fwd_off[v];
            uint32_t x;
            uint8_t bits;
            while (neighbours_next(&it, &x, &bits)) {
                if (und_deg[x] < und_deg[v] || (und_deg[x] == und_deg[v] && x < v))
                    continue;
                if (pass == 1) {
                    fwd[k] = x;
                    dir[k] = bits;
                }
                k++;
            }
            if (pass == 0)
                fwd_off[v + 1] = k - fwd_off[v];
        }
        if (pass == 0)
            for (uint32_t v = 0; v < N; v++)
                fwd_off[v + 1] += fwd_off[v];
    }

    triangle_job_t job = {N, fwd_off, fwd, grp, dir, 0};
    atomic_init(&job.next, 0);
    for (int t = 0; t < want; t++) {
        w[t].job = &job;
        w[t].closed = calloc((size_t)N * R_COUNT + 1, sizeof *w[t].closed);
        w[t].mark = calloc((size_t)N + 1, sizeof *w[t].mark);
        w[t].mdir = calloc((size_t)N + 1, 1);
        if (!w[t].closed || !w[t].mark || !w[t].mdir)
            goto done;
    }
    /* one unit per worker; each takes blocks of first corners from job.next */
    kl_i_pool_run((uint32_t)want, want, triangle_unit, w);
    for (int t = 0; t < want; t++)
        for (size_t i = 0; i < (size_t)N * R_COUNT; i++)
            cnt[i] -= w[t].closed[i];
    rc = KL_OK;
done:
    for (int t = 0; t < want; t++) {
        free(w[t].closed);
        free(w[t].mark);
        free(w[t].mdir);
    }
    free(in_off);
    free(und_deg);
    free(fwd_off);
    free(in_adj);
    free(hist);
    free(stamp);
    free(fwd);
    free(dir);
    return rc;
}

void kl_brokerage_destroy(kl_brokerage_t *b)
{
    if (!b)
        return;
    free(b->in_subgraph);
    free(b->count);
    free(b->expected);
    free(b->z);
    memset(b, 0, sizeof *b);
}

/* sna's per-group moments (ebr, vbr) for every group, R_COUNT each, term by
 * term as sna's R code writes them.  The sums are of integers held exactly
 * in doubles, so only the products with powers of d round (results agree
 * with R to a few ulps, not bit for bit).  O(G^2). */
static void group_moments(uint32_t G, const double *n, double N, double d, double *ebr, double *vbr)
{
    double p2 = d * d * (1 - d);                           /* d^2 (1-d) */
    double p3 = d * d * d * ((1 - d) * (1 - d) * (1 - d)); /* d^3 (1-d)^3 */
    for (uint32_t i = 0; i < G; i++) {
        double ni = n[i], s_wo = 0, s_wo3 = 0, s_sum = 0, s_sq = 0, s_bo = 0;
        for (uint32_t j = 0; j < G; j++) {
            if (j == i)
                continue;
            double nj = n[j], k = N - nj - ni;
            s_wo += nj * (nj - 1);
            s_wo3 += nj * (nj - 1) * (nj - 2);
            s_sum += nj;
            s_sq += nj * nj;
            s_bo += nj * (k * (k - 1) / 2); /* n_j choose(N - n_j - n_i, 2) */
        }
        double *e = ebr + (size_t)i * R_COUNT, *v = vbr + (size_t)i * R_COUNT;
        double keep = 1 - d * d * (1 - d);
        e[R_WI] = p2 * (ni - 1) * (ni - 2);
        v[R_WI] = e[R_WI] * keep + 2 * (ni - 1) * (ni - 2) * (ni - 3) * p3;
        e[R_WO] = p2 * s_wo;
        v[R_WO] = e[R_WO] * keep + 2 * s_wo3 * p3;
        e[R_BIO] = p2 * (N - ni) * (ni - 1);
        double c_out = (N - ni) * (N - ni - 1) / 2, c_in = (ni - 1) * (ni - 2) / 2;
        v[R_BIO] = e[R_BIO] * keep + 2 * ((ni - 1) * c_out + (N - ni) * c_in) * p3;
        e[R_BOI] = e[R_BIO];
        v[R_BOI] = v[R_BIO];
        e[R_BO] = p2 * (s_sum * s_sum - s_sq);
        v[R_BO] = e[R_BO] * keep + 4 * s_bo * p3;
        e[R_T] = p2 * (N - 1) * (N - 2);
        v[R_T] = e[R_T] * keep + 2 * (N - 1) * (N - 2) * (N - 3) * p3;
    }
}

/* Long because it is one straight sequence over the same arrays (the arcs
 * kept, groups, two-path counts, then expectations and z-scores per actor);
 * the two-path counting and the group moments are their own functions. */
kl_err kl_brokerage_compute(kl_brokerage_t *out, const kl_dataset_t *ds, const kl_agraph_t *g, int undirected,
                            kl_error_t *err)
{
    uint32_t n = g->n;
    int32_t *sub = NULL;        /* vertex -> subgraph index, or -1 */
    uint32_t *vert = NULL;      /* subgraph index -> vertex */
    uint32_t *grp = NULL;       /* subgraph index -> group */
    int32_t *region_grp = NULL; /* region -> group, or -1 */
    double *size = NULL, *ebr = NULL, *vbr = NULL, *cnt = NULL;
    uint64_t *arcs = NULL;
    size_t *out_off = NULL;
    uint32_t *out_adj = NULL;
    size_t n_arcs = 0;
    kl_err rc = KL_ENOMEM;

    memset(out, 0, sizeof *out);
    out->n = n;
    out->in_subgraph = calloc((size_t)n + 1, sizeof *out->in_subgraph);
    out->count = calloc((size_t)n + 1, sizeof *out->count);
    out->expected = malloc(((size_t)n + 1) * sizeof *out->expected);
    out->z = malloc(((size_t)n + 1) * sizeof *out->z);
    sub = malloc(((size_t)n + 1) * sizeof *sub);
    vert = malloc(((size_t)n + 1) * sizeof *vert);
    grp = malloc(((size_t)n + 1) * sizeof *grp);
    region_grp = malloc(((size_t)ds->n_regions + 1) * sizeof *region_grp);
    size = calloc((size_t)n + 1, sizeof *size);
    if (!out->in_subgraph || !out->count || !out->expected || !out->z || !sub || !vert || !grp || !region_grp || !size)
        goto cleanup;

    /* The subgraph: actors with a region, groups numbered by first use. */
    uint32_t N = 0, G = 0;
    for (uint32_t r = 0; r < ds->n_regions; r++)
        region_grp[r] = -1;
    for (uint32_t v = 0; v < n; v++) {
        int32_t r = g->vertex_region[v];
        roles_fill(&out->expected[v], NAN);
        roles_fill(&out->z[v], NAN);
        if (undirected) /* the merged role lives in `representative` */
            out->count[v].gatekeeper = NAN;
        sub[v] = -1;
        if (r < 0 || (uint32_t)r >= ds->n_regions)
            continue;
        if (region_grp[r] < 0)
            region_grp[r] = (int32_t)G++;
        out->in_subgraph[v] = 1;
        sub[v] = (int32_t)N;
        vert[N] = v;
        grp[N] = (uint32_t)region_grp[r];
        size[grp[N]] += 1;
        N++;
    }
    if (N == 0) {
        rc = KL_OK;
        goto cleanup;
    }

    /* Arcs of the subgraph as (a << 32 | b), sorted and deduplicated: several
     * relations between one pair are one arc, as in an adjacency matrix. */
    size_t cap = g->options.mode == KL_MODE_ORGANISATIONS ? 2 * (size_t)g->csr.m : 2 * (size_t)ds->n_relations;
    arcs = malloc((cap + 1) * sizeof *arcs);
    if (!arcs)
        goto cleanup;
    if (g->options.mode == KL_MODE_ORGANISATIONS) {
        /* Organisations-mode ties are derived (shared projects, people):
         * they have no direction, so each is an arc both ways. */
        for (uint32_t e = 0; e < g->csr.m; e++) {
            int32_t a = sub[g->edge_from[e]], b = sub[g->edge_to[e]];
            if (a < 0 || b < 0)
                continue;
            arcs[n_arcs++] = (uint64_t)a << 32 | (uint32_t)b;
            arcs[n_arcs++] = (uint64_t)b << 32 | (uint32_t)a;
        }
    } else {
        for (uint32_t i = 0; i < ds->n_relations; i++) {
            const kl_relation_t *r = &ds->relations[i];
            if (r->source == r->target || !relation_kept(r, &g->options))
                continue;
            int32_t sv = g->entity_vertex[r->source], tv = g->entity_vertex[r->target];
            if (sv < 0 || tv < 0 || sub[sv] < 0 || sub[tv] < 0)
                continue;
            uint32_t a = (uint32_t)sub[sv], b = (uint32_t)sub[tv];
            arcs[n_arcs++] = (uint64_t)a << 32 | b;
            if (undirected || !reltype_directed(r->type_code))
                arcs[n_arcs++] = (uint64_t)b << 32 | a;
        }
    }
    qsort(arcs, n_arcs, sizeof *arcs, cmp_u64);
    size_t m = 0;
    for (size_t i = 0; i < n_arcs; i++)
        if (m == 0 || arcs[i] != arcs[m - 1])
            arcs[m++] = arcs[i];

    /* Out-lists, from the sorted keys. */
    out_off = calloc((size_t)N + 1, sizeof *out_off);
    out_adj = malloc((m + 1) * sizeof *out_adj);
    cnt = calloc((size_t)N * R_COUNT + 1, sizeof *cnt);
    ebr = malloc(((size_t)G * R_COUNT + 1) * sizeof *ebr);
    vbr = malloc(((size_t)G * R_COUNT + 1) * sizeof *vbr);
    if (!out_off || !out_adj || !cnt || !ebr || !vbr)
        goto cleanup;
    for (size_t i = 0; i < m; i++) {
        out_off[(arcs[i] >> 32) + 1]++;
        out_adj[i] = (uint32_t)arcs[i];
    }
    for (uint32_t v = 0; v < N; v++)
        out_off[v + 1] += out_off[v];

    /* Count two-paths a->v->b through each broker v (see count_two_paths). */
    if (count_two_paths(N, G, out_off, out_adj, grp, cnt) != KL_OK)
        goto cleanup;
    for (uint32_t v = 0; v < N; v++) {
        double *c = cnt + (size_t)v * R_COUNT;
        c[R_T] = c[R_WI] + c[R_WO] + c[R_BIO] + c[R_BOI] + c[R_BO];
    }

    /* Moments: sna's d = m / (N (N - 1)), undefined (NaN in R) for N = 1. */
    double dN = (double)N;
    int defined = N >= 2;
    if (defined)
        group_moments(G, size, dN, (double)m / (dN * (dN - 1)), ebr, vbr);
    for (uint32_t s = 0; s < N; s++) {
        uint32_t v = vert[s];
        const double *c = cnt + (size_t)s * R_COUNT;
        const double *e = ebr + (size_t)grp[s] * R_COUNT, *var = vbr + (size_t)grp[s] * R_COUNT;
        double ex[R_COUNT], z[R_COUNT], co[R_COUNT];
        for (int k = 0; k < R_COUNT; k++) {
            co[k] = c[k];
            /* + 0.0: sna's (n-1)(n-2) for a one-actor group is -0, printed as 0 */
            ex[k] = defined ? e[k] + 0.0 : NAN;
            double sd = defined ? sqrt(var[k]) : NAN;
            /* sna gives NaN for 0/0 and +-Inf for x/0: both undefined here */
            z[k] = defined && sd > 0 ? (c[k] - e[k]) / sd : NAN;
            if (!isfinite(z[k]))
                z[k] = NAN;
        }
        if (undirected) {
            /* docs/metrics.md: sna's counts and expectations on the symmetric
             * input, halved (each unordered a-v-b once), z unchanged.  The
             * merged representative_gatekeeper is sna's b_IO as it is: a path
             * a-v-b with exactly one end in v's region is counted once as
             * b_IO (read from the end outside) and once as b_OI (read from
             * the end inside), so b_IO alone already counts each unordered
             * path once, and halving it would lose half of them.  With it
             * whole, the roles add up to the halved total. */
            for (int k = 0; k < R_COUNT; k++) {
                if (k == R_BIO)
                    continue;
                co[k] /= 2;
                ex[k] /= 2;
            }
            co[R_BOI] = ex[R_BOI] = z[R_BOI] = NAN;
        }
        roles_set(&out->count[v], co);
        roles_set(&out->expected[v], ex);
        roles_set(&out->z[v], z);
    }
    rc = KL_OK;

cleanup:
    free(sub);
    free(vert);
    free(grp);
    free(region_grp);
    free(size);
    free(arcs);
    free(out_off);
    free(out_adj);
    free(cnt);
    free(ebr);
    free(vbr);
    if (rc != KL_OK) {
        kl_brokerage_destroy(out);
        rc = kl_error_set(err, rc, NULL, 0, 0, "out of memory computing brokerage");
    }
    return rc;
}

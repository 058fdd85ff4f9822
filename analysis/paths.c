/* analysis/paths.c - Brandes shortest-path passes (betweenness, harmonic, irb) over a CSR graph. */
#include "sssp.h"
#include "analysis_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KL_UNSEEN UINT32_MAX

/* The graph the passes run on.  Unweighted, a vertex of degree 1 whose
 * neighbour has degree >= 2 (a leaf) is removed and counted at its neighbour
 * (its "host"): every shortest path from a leaf starts with the tie to its
 * host, so a leaf's pass is its host's pass shifted by one hop, and a leaf is
 * never inside a shortest path (Baglioni et al. 2012).  The host's pass then
 * stands for the host and all its leaves, which saves their passes and the
 * leaves' share of every other pass.  Weighted, nothing is removed: the
 * shift by 1/w differs per leaf and would break harmonic's aggregation. */
typedef struct {
    const kl_paths_t *p;
    uint32_t n;                /* kept vertices */
    uint32_t *off, *adj;       /* CSR of the kept vertices, kept numbering */
    double *len;               /* weighted: 1/w per adj slot; NULL unweighted */
    kl_csr_t kept;             /* off and adj as a CSR graph (no eid, no w), for the sweeps */
    uint32_t *orig;            /* kept -> original vertex */
    int32_t *reg;              /* region of a kept vertex or -1 */
    uint32_t *nleaf;           /* leaves of a kept vertex */
    uint32_t *nleaf_reg;       /* leaves that have a region */
    uint32_t *leaf_off;        /* leaves of kept x: leaf[leaf_off[x] .. leaf_off[x+1]) */
    uint32_t *leaf;            /* original ids, sorted by (region, id) */
    int32_t *leaf_reg;         /* region of leaf[i] */
    int32_t *leaf_one_reg;     /* the one region of all x's leaves that have one (-1: none), -2 for several */
    double *leaf_cnt;          /* occurrences of leaf[i] among the sources */
    double *ks, *kl;           /* occurrences among the sources of x itself / of its leaves */
    uint32_t *pass;            /* kept vertices that need a pass */
    uint32_t n_pass;
    uint32_t max_leaves;
    double *inv;               /* inv[d] = 1/d for hop counts (unweighted) */
    int want_dep, want_irb;
    int all_once;              /* every vertex is a source exactly once */
    /* Region pairs: the pairs whose source region is r are
     * pair_of[src_off[r] .. src_off[r + 1]), r < n_src_regions. */
    uint32_t n_pairs;
    int32_t n_src_regions;
    uint32_t *src_off, *pair_of;
    uint32_t max_pair_lanes;   /* most pair lanes one pass needs */
    uint8_t *needed;           /* per kept vertex: its pass adds something */
    /* Closed twins (see kl_find_twins): the twins of representative x are
     * twin[twin_off[x] .. twin_off[x + 1]), x itself not among them. */
    uint32_t *twin_off, *twin;
    uint8_t *is_twin;          /* a twin whose representative's pass stands for it */
    uint32_t max_twins;
    int32_t n_reg_ids;         /* region ids of kept vertices and pair ends are below this */
} kl_pshared;

typedef struct {
    int32_t reg;
    double k, k_leaf; /* sources with this region: all / only leaves */
} kl_pgroup;

/* One pair lane of a pass: the sources of one group, targets in region dst,
 * summed into pacc[at + v * stride] for vertex v (see kl_pworker.pacc). */
typedef struct {
    double k, k_leaf;
    int32_t dst;
    uint32_t stride;
    size_t at;
} kl_plane;

/* Per-lane workspace and accumulators (kept numbering).  Pass data lives
 * in BFS (or Dijkstra settle) order: sigma[i] and coefs[2i..2i+1] belong to
 * order[i], so the sweeps read them nearly sequentially, and a successor
 * list replaces the distance test of the backward sweep.  Weighted, the
 * forward sweep is the kernel's Dijkstra (sp), and oidx, order, sstart,
 * succ, sigma and dist are its arrays. */
typedef struct {
    const kl_pshared *sh;
    kl_i_sssp_t sp;
    uint32_t *oidx;            /* vertex -> order index, KL_UNSEEN when not reached */
    uint32_t *order;           /* order index -> vertex */
    uint32_t *sstart;          /* successors of order[i]: succ[sstart[i] .. sstart[i+1]) */
    uint32_t *succ;            /* order indices of DAG successors, written in order */
    uint32_t *lvl;             /* unweighted: level d is order[lvl[d] .. lvl[d+1]) */
    double *sigma;
    double *coefs;             /* by order index: (target + delta) / sigma for plain and irb, interleaved */
    double *dist;              /* weighted: distance by vertex */
    kl_pgroup *groups;
    double *acc;               /* by vertex, interleaved: dep, dep^2, irb, irb^2 (one cache line) */
    double *h, *hl;            /* harmonic of a vertex, and of each of its leaves */
    kl_plane *planes;          /* the pair lanes of the current pass */
    double *pcoefs;            /* by order index: (target + delta) / sigma for each pair lane */
    double *psum, *ptargets;   /* per pair lane: successors' sum, and targets reached */
    int32_t *lane_of;          /* region -> its pair lane in a one-group pass, or -1 */
    double *pacc;              /* the pairs' dependency sums: by source region r, then
                                * vertex, then r's pairs (pair_of order), so that the
                                * lanes of a pass write side by side */
    uint64_t arcs;             /* arc inspections of the forward and backward sweeps */
    double t_pass, t_pairs;    /* seconds in passes, and in their pair lanes */
    uint32_t reached, nlev;
} kl_pworker;

/* ------------------------------------------------------------ setup */

static void kl_pshared_free(kl_pshared *sh)
{
    free(sh->off);
    free(sh->adj);
    free(sh->len);
    free(sh->orig);
    free(sh->reg);
    free(sh->nleaf);
    free(sh->nleaf_reg);
    free(sh->leaf_off);
    free(sh->leaf);
    free(sh->leaf_reg);
    free(sh->leaf_one_reg);
    free(sh->leaf_cnt);
    free(sh->ks);
    free(sh->kl);
    free(sh->pass);
    free(sh->inv);
    free(sh->src_off);
    free(sh->pair_of);
    free(sh->needed);
    free(sh->twin_off);
    free(sh->twin);
    free(sh->is_twin);
}

typedef struct {
    int32_t reg;
    uint32_t id;
} kl_leafkey;

static int kl_leafkey_cmp(const void *a, const void *b)
{
    const kl_leafkey *x = a, *y = b;
    if (x->reg != y->reg)
        return x->reg < y->reg ? -1 : 1;
    return x->id < y->id ? -1 : (x->id > y->id);
}

/* Number of leaves of kept x with region r (leaf_reg is sorted per x). */
static uint32_t kl_leaves_in(const kl_pshared *sh, uint32_t x, int32_t r)
{
    /* Usually a host's leaves are all in one region (its staff, its
     * single-partner projects): no search. */
    int32_t one = sh->leaf_one_reg[x];
    if (one != -2 && r >= 0)
        return one == r ? sh->nleaf_reg[x] : 0;
    uint32_t lo = sh->leaf_off[x], hi = sh->leaf_off[x + 1];
    uint32_t a = lo, b = hi;
    while (a < b) { /* first >= r */
        uint32_t mid = a + (b - a) / 2;
        if (sh->leaf_reg[mid] < r)
            a = mid + 1;
        else
            b = mid;
    }
    uint32_t first = a;
    b = hi;
    while (a < b) { /* first > r */
        uint32_t mid = a + (b - a) / 2;
        if (sh->leaf_reg[mid] <= r)
            a = mid + 1;
        else
            b = mid;
    }
    return a - first;
}

/* Where the sums of pair pair_of[i] (source region r) start in a worker's
 * pacc: by source region, then vertex, then r's pairs, stride
 * kl_pairs_from(sh, r) per vertex. */
static size_t kl_pacc_at(const kl_pshared *sh, int32_t r, uint32_t i)
{
    return (size_t)sh->n * sh->src_off[r] + (i - sh->src_off[r]);
}

/* Pairs whose source region is r. */
static uint32_t kl_pairs_from(const kl_pshared *sh, int32_t r)
{
    return r >= 0 && r < sh->n_src_regions ? sh->src_off[r + 1] - sh->src_off[r] : 0;
}

/* The pairs by source region (a stable counting sort of p's pairs).
 * KL_EINVAL for a pair without two distinct regions. */
static kl_err kl_pairs_init(kl_pshared *sh, const kl_paths_t *p)
{
    int32_t R = 0;
    for (uint32_t i = 0; i < p->n_pairs; i++)
        if (p->pair_src[i] >= R)
            R = p->pair_src[i] + 1;
    sh->src_off = calloc((size_t)R + 2, sizeof *sh->src_off);
    sh->pair_of = malloc((size_t)p->n_pairs * sizeof *sh->pair_of);
    if (!sh->src_off || !sh->pair_of)
        return KL_ENOMEM;
    for (uint32_t i = 0; i < p->n_pairs; i++) {
        if (p->pair_src[i] < 0 || p->pair_dst[i] < 0 || p->pair_src[i] == p->pair_dst[i])
            return KL_EINVAL;
        sh->src_off[p->pair_src[i] + 2]++;
    }
    for (int32_t r = 0; r < R; r++)
        sh->src_off[r + 2] += sh->src_off[r + 1];
    for (uint32_t i = 0; i < p->n_pairs; i++)
        sh->pair_of[sh->src_off[p->pair_src[i] + 1]++] = i;
    sh->n_pairs = p->n_pairs;
    sh->n_src_regions = R;
    return KL_OK;
}

/* Twins whose sources the pass from x stands for. */
static uint32_t kl_twins_of(const kl_pshared *sh, uint32_t x)
{
    return sh->twin_off ? sh->twin_off[x + 1] - sh->twin_off[x] : 0;
}

typedef struct {
    uint64_t hash;
    uint32_t deg, x;
} kl_twinkey;

static int kl_twinkey_cmp(const void *a, const void *b)
{
    const kl_twinkey *p = a, *q = b;
    if (p->deg != q->deg)
        return p->deg < q->deg ? -1 : 1;
    if (p->hash != q->hash)
        return p->hash < q->hash ? -1 : 1;
    return (p->x > q->x) - (p->x < q->x);
}

static int kl_u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* A hash of vertex v; summed over N[x], it does not depend on their order.
 * Salted from the process's hash key, so that no graph can be crafted with
 * many neighbourhoods of one sum (classes are confirmed by comparing lists
 * and their order is by vertex, so the salt never shows). */
static uint64_t kl_vertex_hash(uint32_t v, uint64_t salt)
{
    uint64_t state = v ^ salt;
    return kl_i_splitmix64(&state);
}

/* Closed twins: kept vertices u, v without leaves and with the same closed
 * neighbourhood N[u] = N[v].  Unweighted, swapping u and v maps the graph
 * onto itself, and neither lies inside a shortest path from the other, so
 * the pass from v adds to every other vertex exactly what the pass from u
 * adds (with other targets: the same regions' groups, see kl_source_groups).
 * The first of a class (by kept number) runs one pass for the class; in the
 * organisations view an organisation of a single project is the twin of
 * its partners of no other project.  Classes are found by a hash of N[x]
 * and confirmed by comparing the sorted lists.  KL_ENOMEM. */
static kl_err kl_find_twins(kl_pshared *sh)
{
    uint32_t n = sh->n, nc = 0;
    kl_err rc = KL_ENOMEM;
    uint64_t salt = kl_hash("twins", 5);
    kl_twinkey *keys = malloc(((size_t)n + 1) * sizeof *keys);
    uint32_t *sorted = malloc(((size_t)sh->off[n] + n + 1) * sizeof *sorted); /* N[x], sorted, at off[x] + x */
    uint32_t *rep = malloc(((size_t)n + 1) * sizeof *rep);
    sh->twin_off = calloc((size_t)n + 2, sizeof *sh->twin_off);
    sh->is_twin = calloc((size_t)n + 1, 1);
    if (!keys || !sorted || !rep || !sh->twin_off || !sh->is_twin)
        goto done;
    for (uint32_t x = 0; x < n; x++) {
        uint32_t deg = sh->off[x + 1] - sh->off[x], *nb = sorted + sh->off[x] + x;
        rep[x] = x;
        if (sh->nleaf[x] || deg == 0)
            continue;
        uint64_t h = kl_vertex_hash(x, salt);
        nb[0] = x;
        for (uint32_t e = sh->off[x]; e < sh->off[x + 1]; e++) {
            nb[e - sh->off[x] + 1] = sh->adj[e];
            h += kl_vertex_hash(sh->adj[e], salt);
        }
        qsort(nb, (size_t)deg + 1, sizeof *nb, kl_u32_cmp);
        keys[nc++] = (kl_twinkey){h, deg, x};
    }
    qsort(keys, nc, sizeof *keys, kl_twinkey_cmp);
    for (uint32_t i = 0; i < nc; i++) {
        uint32_t x = keys[i].x;
        if (rep[x] != x)
            continue;
        for (uint32_t j = i + 1; j < nc && keys[j].deg == keys[i].deg && keys[j].hash == keys[i].hash; j++) {
            uint32_t y = keys[j].x;
            if (rep[y] == y && !memcmp(sorted + sh->off[x] + x, sorted + sh->off[y] + y,
                                       ((size_t)keys[i].deg + 1) * sizeof *sorted)) {
                rep[y] = x;
                sh->is_twin[y] = 1;
                sh->twin_off[x + 2]++;
            }
        }
    }
    for (uint32_t x = 0; x < n; x++) {
        if (sh->twin_off[x + 2] > sh->max_twins)
            sh->max_twins = sh->twin_off[x + 2];
        sh->twin_off[x + 2] += sh->twin_off[x + 1];
    }
    sh->twin = malloc(((size_t)sh->twin_off[n + 1] + 1) * sizeof *sh->twin);
    if (!sh->twin)
        goto done;
    for (uint32_t y = 0; y < n; y++) /* twins by representative, in kept order */
        if (rep[y] != y)
            sh->twin[sh->twin_off[rep[y] + 1]++] = y;
    rc = KL_OK;
done:
    free(keys);
    free(sorted);
    free(rep);
    return rc;
}

/* The source groups of the pass from kept x: one per distinct region among
 * the sources it stands for (its leaves by region, then x and its twins), with the
 * sources' count; regionless sources form none.  gr holds max_leaves +
 * max_twins + 1. */
static uint32_t kl_source_groups(const kl_pshared *sh, uint32_t x, kl_pgroup *gr)
{
    uint32_t ng = 0;
    for (uint32_t i = sh->leaf_off[x]; i < sh->leaf_off[x + 1]; i++) {
        int32_t r = sh->leaf_reg[i];
        double c = sh->leaf_cnt[i];
        if (r < 0 || c == 0)
            continue;
        if (ng == 0 || gr[ng - 1].reg != r)
            gr[ng++] = (kl_pgroup){r, 0, 0};
        gr[ng - 1].k += c;
        gr[ng - 1].k_leaf += c;
    }
    /* x, then its twins: sources of the same pass, not shifted like leaves */
    uint32_t nt = kl_twins_of(sh, x);
    for (uint32_t t = 0; t <= nt; t++) {
        uint32_t y = t == 0 ? x : sh->twin[sh->twin_off[x] + t - 1];
        int32_t ry = sh->reg[y];
        if (sh->ks[y] <= 0 || ry < 0)
            continue;
        uint32_t j = 0;
        while (j < ng && gr[j].reg != ry)
            j++;
        if (j == ng)
            gr[ng++] = (kl_pgroup){ry, 0, 0};
        gr[j].k += sh->ks[y];
    }
    return ng;
}

/* The pair lanes of a pass with source groups gr[0 .. ng): one per pair
 * whose source region is a group's.  Returns their number; *groups
 * receives how many groups have lanes. */
static uint32_t kl_pair_lanes(const kl_pshared *sh, const kl_pgroup *gr, uint32_t ng, kl_plane *lanes,
                              uint32_t *groups)
{
    const kl_paths_t *p = sh->p;
    uint32_t L = 0;
    *groups = 0;
    for (uint32_t j = 0; j < ng; j++) {
        int32_t r = gr[j].reg;
        uint32_t nr = kl_pairs_from(sh, r);
        if (!nr)
            continue;
        ++*groups;
        for (uint32_t i = sh->src_off[r]; i < sh->src_off[r + 1]; i++)
            lanes[L++] = (kl_plane){gr[j].k, gr[j].k_leaf, p->pair_dst[sh->pair_of[i]], nr, kl_pacc_at(sh, r, i)};
    }
    return L;
}

/* The shared part of a run: source counts, leaves and hosts, the kept
 * graph renumbered, leaves by region, the passes needed.  Long because the
 * steps hand their scratch (cnt, map, keys) to each other; each step is one
 * commented block. */
static kl_err kl_pshared_init(kl_pshared *sh, const kl_paths_t *p, int want_irb)
{
    const kl_csr_t *g = p->g;
    uint32_t n = g->n;
    kl_err rc = KL_ENOMEM;
    uint32_t *cnt = calloc(n ? n : 1, sizeof *cnt);
    int32_t *map = malloc((n ? n : 1) * sizeof *map); /* original -> kept, or -1 for a leaf */
    kl_leafkey *keys = NULL;
    kl_pgroup *groups = NULL; /* scratch of kl_source_groups */
    memset(sh, 0, sizeof *sh);
    sh->p = p;
    sh->want_dep = p->dep_sum || p->dep_sumsq;
    sh->want_irb = want_irb;
    if (!cnt || !map)
        goto cleanup;

    if (p->sources) {
        for (uint32_t i = 0; i < p->n_sources; i++) {
            if (p->sources[i] >= n) {
                rc = KL_EINVAL;
                goto cleanup;
            }
            cnt[p->sources[i]]++;
        }
    } else {
        for (uint32_t v = 0; v < n; v++)
            cnt[v] = 1;
    }
    sh->all_once = 1;
    for (uint32_t v = 0; v < n && sh->all_once; v++)
        sh->all_once = cnt[v] == 1;

    /* Leaves (unweighted only, see kl_pshared). */
    uint32_t kept = 0, n_leaves = 0;
    for (uint32_t v = 0; v < n; v++) {
        uint32_t deg = g->offset[v + 1] - g->offset[v];
        int leaf = 0;
        if (!p->weighted && deg == 1 && !(p->kernel & KL_KERNEL_NO_LEAVES)) {
            uint32_t u = g->adj[g->offset[v]];
            leaf = u != v && g->offset[u + 1] - g->offset[u] >= 2;
        }
        map[v] = leaf ? -1 : -2; /* -2: kept, not numbered yet */
        n_leaves += (uint32_t)leaf;
        kept += (uint32_t)!leaf;
    }
    sh->n = kept;
    size_t kn = kept ? kept : 1;
    sh->orig = malloc(kn * sizeof *sh->orig);
    sh->off = calloc(kn + 1, sizeof *sh->off);
    sh->reg = malloc(kn * sizeof *sh->reg);
    sh->nleaf = calloc(kn, sizeof *sh->nleaf);
    sh->nleaf_reg = calloc(kn, sizeof *sh->nleaf_reg);
    sh->leaf_off = calloc(kn + 1, sizeof *sh->leaf_off);
    sh->leaf = malloc((n_leaves ? n_leaves : 1) * sizeof *sh->leaf);
    sh->leaf_reg = malloc((n_leaves ? n_leaves : 1) * sizeof *sh->leaf_reg);
    sh->leaf_cnt = malloc((n_leaves ? n_leaves : 1) * sizeof *sh->leaf_cnt);
    sh->leaf_one_reg = malloc(kn * sizeof *sh->leaf_one_reg);
    sh->ks = calloc(kn, sizeof *sh->ks);
    sh->kl = calloc(kn, sizeof *sh->kl);
    sh->pass = malloc(kn * sizeof *sh->pass);
    sh->inv = malloc((kn + 3) * sizeof *sh->inv);
    keys = malloc((n_leaves ? n_leaves : 1) * sizeof *keys);
    if (!sh->orig || !sh->off || !sh->reg || !sh->nleaf || !sh->nleaf_reg || !sh->leaf_off || !sh->leaf ||
        !sh->leaf_reg || !sh->leaf_cnt || !sh->leaf_one_reg || !sh->ks || !sh->kl || !sh->pass || !sh->inv || !keys)
        goto cleanup;

    /* Number the kept vertices in BFS order, starting from the hubs: a
     * pass then touches vertices whose data lie close together, which keeps
     * the random accesses of every pass in the fast caches. */
    {
        uint32_t maxdeg = 0, *bucket = NULL, *start = sh->pass; /* pass: scratch until the end */
        for (uint32_t v = 0; v < n; v++)
            if (map[v] == -2 && g->offset[v + 1] - g->offset[v] > maxdeg)
                maxdeg = g->offset[v + 1] - g->offset[v];
        bucket = calloc((size_t)maxdeg + 2, sizeof *bucket);
        if (!bucket)
            goto cleanup;
        for (uint32_t v = 0; v < n; v++) /* counting sort, degree descending */
            if (map[v] == -2)
                bucket[maxdeg - (g->offset[v + 1] - g->offset[v]) + 1]++;
        for (uint32_t d = 0; d <= maxdeg; d++)
            bucket[d + 1] += bucket[d];
        for (uint32_t v = 0; v < n; v++)
            if (map[v] == -2)
                start[bucket[maxdeg - (g->offset[v + 1] - g->offset[v])]++] = v;
        free(bucket);
        uint32_t next = 0;
        for (uint32_t i = 0; i < kept; i++) {
            if (map[start[i]] != -2)
                continue;
            uint32_t head = next;
            map[start[i]] = (int32_t)next;
            sh->orig[next++] = start[i];
            while (head < next) {
                uint32_t v = sh->orig[head++];
                for (uint32_t e = g->offset[v]; e < g->offset[v + 1]; e++) {
                    uint32_t u = g->adj[e];
                    if (map[u] == -2) {
                        map[u] = (int32_t)next;
                        sh->orig[next++] = u;
                    }
                }
            }
        }
    }

    /* Kept CSR; neighbour lists keep the input's order. */
    uint64_t slots = 0;
    for (uint32_t x = 0; x < kept; x++) {
        uint32_t v = sh->orig[x];
        sh->reg[x] = p->region && p->region[v] >= 0 ? p->region[v] : -1;
        sh->ks[x] = cnt[v];
        for (uint32_t e = g->offset[v]; e < g->offset[v + 1]; e++)
            slots += map[g->adj[e]] >= 0;
        sh->off[x + 1] = (uint32_t)slots;
    }
    for (uint32_t v = 0; v < n; v++)
        if (map[v] < 0)
            sh->nleaf[map[g->adj[g->offset[v]]]]++;
    sh->adj = malloc((slots ? slots : 1) * sizeof *sh->adj);
    if (!sh->adj)
        goto cleanup;
    if (p->weighted) {
        sh->len = malloc((slots ? slots : 1) * sizeof *sh->len);
        if (!sh->len)
            goto cleanup;
    }
    for (uint32_t x = 0, k = 0; x < kept; x++) {
        uint32_t v = sh->orig[x];
        for (uint32_t e = g->offset[v]; e < g->offset[v + 1]; e++) {
            if (map[g->adj[e]] < 0)
                continue;
            sh->adj[k] = (uint32_t)map[g->adj[e]];
            if (sh->len)
                sh->len[k] = 1.0 / g->w[e];
            k++;
        }
    }

    sh->kept = (kl_csr_t){kept, (uint32_t)(slots / 2), sh->off, sh->adj, NULL, NULL};

    /* Leaves grouped by host, sorted by region so irb can count them per region. */
    for (uint32_t x = 0; x < kept; x++) {
        sh->leaf_off[x + 1] = sh->leaf_off[x] + sh->nleaf[x];
        if (sh->nleaf[x] > sh->max_leaves)
            sh->max_leaves = sh->nleaf[x];
    }
    {
        uint32_t *fill = sh->pass; /* borrowed as a cursor per host, rebuilt below */
        for (uint32_t x = 0; x < kept; x++)
            fill[x] = sh->leaf_off[x];
        for (uint32_t v = 0; v < n; v++) {
            if (map[v] >= 0)
                continue;
            uint32_t host = (uint32_t)map[g->adj[g->offset[v]]];
            keys[fill[host]].reg = p->region && p->region[v] >= 0 ? p->region[v] : -1;
            keys[fill[host]].id = v;
            fill[host]++;
            sh->kl[host] += cnt[v];
            if (keys[fill[host] - 1].reg >= 0)
                sh->nleaf_reg[host]++;
        }
        for (uint32_t x = 0; x < kept; x++)
            if (sh->nleaf[x] > 1)
                qsort(keys + sh->leaf_off[x], sh->nleaf[x], sizeof *keys, kl_leafkey_cmp);
        for (uint32_t i = 0; i < n_leaves; i++) {
            sh->leaf[i] = keys[i].id;
            sh->leaf_reg[i] = keys[i].reg;
            sh->leaf_cnt[i] = cnt[keys[i].id];
        }
        for (uint32_t x = 0; x < kept; x++) {
            int32_t one = -1;
            for (uint32_t i = sh->leaf_off[x]; i < sh->leaf_off[x + 1]; i++)
                if (sh->leaf_reg[i] >= 0)
                    one = one == -1 || one == sh->leaf_reg[i] ? sh->leaf_reg[i] : -2;
            sh->leaf_one_reg[x] = one;
        }
    }

    if (sh->all_once && !p->weighted && !(p->kernel & KL_KERNEL_NO_TWINS) && kl_find_twins(sh) != KL_OK)
        goto cleanup;
    if (p->n_pairs && (rc = kl_pairs_init(sh, p)) != KL_OK)
        goto cleanup;
    for (uint32_t x = 0; x < kept && p->n_pairs; x++)
        if (sh->reg[x] >= sh->n_reg_ids)
            sh->n_reg_ids = sh->reg[x] + 1;
    for (uint32_t i = 0; i < p->n_pairs; i++)
        if (p->pair_dst[i] >= sh->n_reg_ids)
            sh->n_reg_ids = p->pair_dst[i] + 1;
    rc = KL_ENOMEM;

    /* A pass is needed when some source maps to x and it has something to
     * add.  With every vertex a source, the tasks are all kept vertices and
     * the unneeded ones are skipped: pass x then always runs on the same
     * lane, so a sum (irb, a pair's) has the same bits whichever other
     * outputs the run computes. */
    int want_plain = p->dep_sum || p->dep_sumsq || p->harmonic;
    sh->needed = malloc(kn);
    groups = malloc(((size_t)sh->max_leaves + sh->max_twins + 1) * sizeof *groups);
    if (!sh->needed || !groups)
        goto cleanup;
    for (uint32_t x = 0; x < kept; x++) {
        int need = 0;
        if (want_plain && sh->ks[x] + sh->kl[x] > 0)
            need = 1;
        if (!need && want_irb) {
            if (sh->ks[x] > 0 && sh->reg[x] >= 0)
                need = 1;
            for (uint32_t i = sh->leaf_off[x]; !need && i < sh->leaf_off[x + 1]; i++)
                need = sh->leaf_reg[i] >= 0 && sh->leaf_cnt[i] > 0;
        }
        if (sh->n_pairs) {
            uint32_t lanes = 0, ng = kl_source_groups(sh, x, groups);
            for (uint32_t j = 0; j < ng; j++)
                lanes += kl_pairs_from(sh, groups[j].reg);
            if (lanes > sh->max_pair_lanes)
                sh->max_pair_lanes = lanes;
            need |= lanes > 0;
        }
        sh->needed[x] = (uint8_t)(need && !(sh->is_twin && sh->is_twin[x]));
        if (need || !p->sources)
            sh->pass[sh->n_pass++] = x;
    }
    sh->inv[0] = 0.0;
    for (uint32_t d = 1; d < kept + 3; d++)
        sh->inv[d] = 1.0 / d;
    rc = KL_OK;
cleanup:
    free(cnt);
    free(map);
    free(keys);
    free(groups);
    return rc;
}

/* ------------------------------------------------------------ forward */

/* BFS from s in the kept graph: order, levels, sigma and the successor lists. */
static void kl_bfs(kl_pworker *wk, uint32_t s)
{
    const kl_pshared *sh = wk->sh;
    const uint32_t *off = sh->off, *adj = sh->adj;
    uint32_t *oidx = wk->oidx, *order = wk->order, *sst = wk->sstart, *succ = wk->succ, *lvl = wk->lvl;
    double *sigma = wk->sigma;
    uint32_t head = 0, tail = 1, pos = 0, nlev = 0;
    uint64_t arcs = 0;
    order[0] = s;
    oidx[s] = 0;
    sigma[0] = 1.0;
    while (head < tail) {
        /* The next level starts at lend: a neighbour at order index >= lend
         * (or unseen, KL_UNSEEN) lies one hop further, so the tie is a DAG
         * edge.  That one comparison replaces a distance array. */
        uint32_t lend = tail;
        lvl[nlev++] = head;
        for (; head < lend; head++) {
            uint32_t v = order[head];
            double sv = sigma[head];
            sst[head] = pos;
            /* Branch-free: which neighbours are new or one level down is
             * unpredictable, so every neighbour takes the same path and the
             * conditions become arithmetic. */
            arcs += off[v + 1] - off[v];
            for (uint32_t e = off[v], end = off[v + 1]; e < end; e++) {
                uint32_t w = adj[e];
                uint32_t o = oidx[w];
                uint32_t fresh = o == KL_UNSEEN;
                o = fresh ? tail : o;
                oidx[w] = o;
                order[tail] = w;
                tail += fresh;
                succ[pos] = o;
                pos += o >= lend;
            }
            /* sigma[head] is final: its predecessors are all on the level above. */
            for (uint32_t q = sst[head]; q < pos; q++)
                sigma[succ[q]] += sv;
        }
    }
    lvl[nlev] = tail;
    sst[tail] = pos;
    wk->reached = tail;
    wk->nlev = nlev;
    wk->arcs += arcs;
}

/* BFS from s for the levels alone (harmonic closeness without the other
 * sums: no sigma, no successors).  Direction-optimizing (Beamer, Asanovic
 * and Patterson 2012): while the frontier's ties outnumber a fourteenth of
 * the unvisited vertices' ties, a level is found bottom-up instead, each
 * unvisited vertex looking for one neighbour in the frontier and stopping
 * there; on a small-world graph the middle levels then read a fraction of
 * the ties.  Within a level the order differs from kl_bfs's, which harmonic
 * does not see (it adds per level, or per vertex). */
static void kl_bfs_levels(kl_pworker *wk, uint32_t s)
{
    const kl_pshared *sh = wk->sh;
    const uint32_t *off = sh->off, *adj = sh->adj;
    uint32_t *oidx = wk->oidx, *order = wk->order, *lvl = wk->lvl, n = sh->n;
    uint32_t head = 0, tail = 1, nlev = 0;
    uint64_t arcs = 0, left = off[n] - (off[s + 1] - off[s]), frontier = off[s + 1] - off[s];
    int bottom_up = 0;
    order[0] = s;
    oidx[s] = 0;
    while (head < tail) {
        uint32_t lend = tail;
        lvl[nlev++] = head;
        if (!bottom_up && frontier > left / 14)
            bottom_up = 1;
        else if (bottom_up && lend - head < n / 24)
            bottom_up = 0;
        uint64_t next = 0;
        if (!bottom_up) {
            for (; head < lend; head++) {
                uint32_t v = order[head];
                arcs += off[v + 1] - off[v];
                for (uint32_t e = off[v], end = off[v + 1]; e < end; e++) {
                    uint32_t w = adj[e];
                    if (oidx[w] != KL_UNSEEN)
                        continue;
                    oidx[w] = tail;
                    order[tail++] = w;
                    next += off[w + 1] - off[w];
                }
            }
        } else {
            for (uint32_t v = 0; v < n; v++) {
                if (oidx[v] != KL_UNSEEN)
                    continue;
                for (uint32_t e = off[v], end = off[v + 1]; e < end; e++) {
                    uint32_t o = oidx[adj[e]];
                    arcs++;
                    if (o >= head && o < lend) {
                        oidx[v] = tail;
                        order[tail++] = v;
                        next += end - off[v];
                        break;
                    }
                }
            }
            head = lend;
        }
        left -= next;
        frontier = next;
    }
    lvl[nlev] = tail;
    wk->reached = tail;
    wk->nlev = nlev;
    wk->arcs += arcs;
}

/* ------------------------------------------------------------ backward */

/* Dependency sweep in reverse order.  delta(v) = leaves(v) + sigma_v * sum over
 * successors w of coef(w), coef(w) = (target(w) + delta(w)) / sigma_w: the
 * leaves of v are targets reached only through v, with sigma_v paths each.
 * do_dep: plain dependencies, weight k; g: irb for the sources of region
 * g->reg, in the same sweep.  Inlined with constant flags, so each variant
 * is its own loop. */
static inline __attribute__((always_inline)) void kl_backward(kl_pworker *wk, int do_dep, double k,
                                                               const kl_pgroup *g)
{
    const kl_pshared *sh = wk->sh;
    const uint32_t *order = wk->order, *sst = wk->sstart, *succ = wk->succ;
    const uint32_t *nleaf = sh->nleaf, *nleaf_reg = sh->nleaf_reg;
    const int32_t *reg = sh->reg;
    const double *sigma = wk->sigma;
    double *coefs = wk->coefs, *acc = wk->acc;
    uint64_t targets = 0; /* irb targets reached, as an exact count for the root */
    /* squares only for standard errors (sampled sources) */
    const int sq_dep = sh->p->dep_sumsq != NULL, sq_irb = sh->p->irb_sumsq != NULL;
    for (uint32_t i = wk->reached; i-- > 1;) {
        uint32_t v = order[i];
        double sg = sigma[i], inv_sigma = 1.0 / sg;
        double s1 = 0.0, s2 = 0.0;
        for (uint32_t q = sst[i], end = sst[i + 1]; q < end; q++) {
            const double *c = coefs + 2 * (size_t)succ[q];
            if (do_dep)
                s1 += c[0];
            if (g)
                s2 += c[1];
        }
        double *a = acc + 4 * (size_t)v;
        if (do_dep) {
            double d = nleaf[v] + sg * s1;
            coefs[2 * (size_t)i] = (1.0 + d) * inv_sigma;
            a[0] += k * d;
            if (sq_dep)
                a[1] += k * d * d;
        }
        if (g) {
            uint32_t lr = nleaf_reg[v] ? nleaf_reg[v] - kl_leaves_in(sh, v, g->reg) : 0;
            int c = reg[v] >= 0 && reg[v] != g->reg;
            targets += lr + (uint32_t)c;
            double d = lr + sg * s2;
            coefs[2 * (size_t)i + 1] = (c + d) * inv_sigma;
            a[2] += g->k * d;
            if (sq_irb)
                a[3] += g->k * d * d;
        }
    }
    /* The root: a leaf source's pass is the host's, and the host lies inside
     * every path from the leaf to the other targets. */
    if (g && g->k_leaf > 0) {
        uint32_t v = order[0];
        targets += nleaf_reg[v] ? nleaf_reg[v] - kl_leaves_in(sh, v, g->reg) : 0;
        double d = (double)targets;
        acc[4 * (size_t)v + 2] += g->k_leaf * d;
        acc[4 * (size_t)v + 3] += g->k_leaf * d * d;
    }
}

/* The pair lanes' sweep: irb's sweep with the targets of one region each,
 * all lanes side by side (pcoefs[i * L + l]), so that one read of a
 * successor's coefficients serves every lane.  Built for AVX2 as well where
 * the machine has it: the lanes are independent, each adds in the same
 * order either way, so the sums have the same bits. */
__attribute__((target_clones("avx2", "default"))) static void kl_backward_pairs(kl_pworker *wk, uint32_t L,
                                                                                 int one_group)
{
    if (L == 0)
        return;
    const kl_pshared *sh = wk->sh;
    const uint32_t *order = wk->order, *sst = wk->sstart, *succ = wk->succ, *nleaf_reg = sh->nleaf_reg;
    const int32_t *reg = sh->reg;
    const double *sigma = wk->sigma;
    const kl_plane *ln = wk->planes;
    double *pc = wk->pcoefs, *restrict s = wk->psum, *targets = wk->ptargets;
    /* One source group with lanes (no leaves in other regions, the usual
     * pass): the lanes' sums lie side by side in pacc, and at most one lane
     * has its targets in v's region (lane_of), so most of a vertex's work
     * is a loop the compiler vectorizes. */
    if (one_group)
        for (uint32_t l = 0; l < L; l++)
            wk->lane_of[ln[l].dst] = (int32_t)l;
    for (uint32_t l = 0; l < L; l++)
        targets[l] = 0;
    for (uint32_t i = wk->reached; i-- > 1;) {
        uint32_t v = order[i];
        double sg = sigma[i], inv_sigma = 1.0 / sg;
        for (uint32_t l = 0; l < L; l++)
            s[l] = 0.0;
        for (uint32_t q = sst[i], end = sst[i + 1]; q < end; q++) {
            const double *restrict c = pc + (size_t)L * succ[q];
            for (uint32_t l = 0; l < L; l++)
                s[l] += c[l];
        }
        double *restrict out = pc + (size_t)L * i;
        if (one_group && !nleaf_reg[v]) {
            /* as below with lr = 0, c = 0 but in lane m: the same operations */
            double *restrict acc = wk->pacc + ln[0].at + (size_t)v * ln[0].stride;
            double k = ln[0].k;
            for (uint32_t l = 0; l < L; l++) {
                double d = 0.0 + sg * s[l];
                out[l] = (0.0 + d) * inv_sigma;
                acc[l] += k * d;
            }
            int32_t m = reg[v] >= 0 ? wk->lane_of[reg[v]] : -1;
            if (m >= 0) {
                out[m] = (1.0 + (0.0 + sg * s[m])) * inv_sigma;
                targets[m] += 1;
            }
            continue;
        }
        for (uint32_t l = 0; l < L; l++) {
            uint32_t lr = nleaf_reg[v] ? kl_leaves_in(sh, v, ln[l].dst) : 0;
            int c = reg[v] == ln[l].dst;
            targets[l] += lr + c;
            double d = lr + sg * s[l];
            out[l] = (c + d) * inv_sigma;
            wk->pacc[ln[l].at + (size_t)v * ln[l].stride] += ln[l].k * d;
        }
    }
    if (one_group)
        for (uint32_t l = 0; l < L; l++)
            wk->lane_of[ln[l].dst] = -1;
    /* The root, as in kl_backward: inside every path from a leaf source. */
    uint32_t x = order[0];
    for (uint32_t l = 0; l < L; l++) {
        if (ln[l].k_leaf <= 0)
            continue;
        double d = targets[l] + (nleaf_reg[x] ? kl_leaves_in(sh, x, ln[l].dst) : 0);
        wk->pacc[ln[l].at + (size_t)x * ln[l].stride] += ln[l].k_leaf * d;
    }
}

/* ------------------------------------------------------------ passes */

/* Harmonic terms of one pass from x. */
static void kl_harmonic(kl_pworker *wk, uint32_t x)
{
    const kl_pshared *sh = wk->sh;
    const uint32_t *order = wk->order, *nleaf = sh->nleaf;
    double ks = sh->ks[x], kl = sh->kl[x];
    uint32_t reached = wk->reached;
    if (sh->p->weighted) {
        if (sh->all_once) {
            /* Every vertex a source once: by symmetry harmonic(x) is the sum
             * over x's own pass, which saves a scattered update per vertex. */
            double a = 0.0;
            for (uint32_t i = 1; i < reached; i++)
                a += 1.0 / wk->dist[order[i]];
            wk->h[x] += a;
        } else {
            for (uint32_t i = 1; i < reached; i++)
                wk->h[order[i]] += ks / wk->dist[order[i]];
        }
        return;
    }
    /* Everything on level d is d hops from x and d + 1 from x's leaves;
     * its own leaves are one hop further still. */
    const double *inv = sh->inv;
    if (sh->all_once) {
        double a = 0.0, b = 0.0;
        for (uint32_t d = 1; d < wk->nlev; d++) {
            uint64_t nl = 0;
            for (uint32_t i = wk->lvl[d]; i < wk->lvl[d + 1]; i++)
                nl += nleaf[order[i]];
            double nv = wk->lvl[d + 1] - wk->lvl[d], l = (double)nl;
            a += nv * inv[d] + l * inv[d + 1];
            b += nv * inv[d + 1] + l * inv[d + 2];
        }
        wk->h[x] += a + kl; /* x is one hop from each of its leaves */
        wk->hl[x] += b;
        return;
    }
    for (uint32_t d = 1; d < wk->nlev; d++) {
        double a = ks * inv[d] + kl * inv[d + 1];
        double b = ks * inv[d + 1] + kl * inv[d + 2];
        for (uint32_t i = wk->lvl[d]; i < wk->lvl[d + 1]; i++) {
            uint32_t v = order[i];
            wk->h[v] += a;
            if (nleaf[v])
                wk->hl[v] += b;
        }
    }
    wk->h[x] += kl;
}

/* One pass from kept vertex x, standing for x and for its leaves. */
static void kl_run_pass(kl_pworker *wk, uint32_t x)
{
    const kl_pshared *sh = wk->sh;
    const uint32_t *order = wk->order, *nleaf = sh->nleaf;
    double ks = sh->ks[x], kl = sh->kl[x], k = ks + kl;
    for (uint32_t t = 0; t < kl_twins_of(sh, x); t++)
        k += sh->ks[sh->twin[sh->twin_off[x] + t]];
    int do_dep = k > 0 && sh->want_dep;

    if (sh->p->weighted) {
        kl_i_sssp_run(&wk->sp, &sh->kept, &x, 1, NULL);
        wk->reached = wk->sp.reached;
    } else if (!sh->want_dep && !sh->want_irb && !sh->n_pairs && !(sh->p->kernel & KL_KERNEL_NO_LEVELS)) {
        kl_bfs_levels(wk, x);
    } else {
        kl_bfs(wk, x);
    }
    uint32_t reached = wk->reached;
    uint64_t arcs = 0; /* the forward sweep's: kl_bfs counts its own */
    if (sh->p->weighted)
        for (uint32_t i = 0; i < reached; i++)
            arcs += sh->off[order[i] + 1] - sh->off[order[i]];

    if (wk->h && k > 0)
        kl_harmonic(wk, x);

    /* Source groups: the distinct regions among the sources this pass
     * stands for; irb needs a sweep for each, because its targets depend
     * on the source's region. */
    uint32_t ng = sh->want_irb || sh->n_pairs ? kl_source_groups(sh, x, wk->groups) : 0;

    if (do_dep && ng > 0 && sh->want_irb)
        kl_backward(wk, 1, k, &wk->groups[0]);
    else if (do_dep)
        kl_backward(wk, 1, k, NULL);
    for (uint32_t j = do_dep ? 1 : 0; j < ng && sh->want_irb; j++)
        kl_backward(wk, 0, 0, &wk->groups[j]);
    uint32_t sweeps = (uint32_t)do_dep + (sh->want_irb ? ng - (do_dep && ng > 0) : 0);
    if (sh->n_pairs) {
        double t = kl_i_now();
        uint32_t lane_groups;
        uint32_t L = kl_pair_lanes(sh, wk->groups, ng, wk->planes, &lane_groups);
        kl_backward_pairs(wk, L, lane_groups == 1);
        sweeps += L > 0;
        wk->t_pairs += kl_i_now() - t;
    }
    if (sweeps)
        wk->arcs += (uint64_t)sweeps * wk->sstart[reached];
    wk->arcs += arcs;

    /* A leaf source's dependency on its host: every other vertex reached. */
    if (do_dep && kl > 0) {
        uint64_t all = 0;
        for (uint32_t i = 0; i < reached; i++)
            all += 1 + (uint64_t)nleaf[order[i]];
        double d = (double)(all - 2);
        wk->acc[4 * (size_t)x] += kl * d;
        wk->acc[4 * (size_t)x + 1] += kl * d * d;
    }

    /* Leave the workspace as kl_bfs expects it: all unseen, sigma zero. */
    for (uint32_t i = 0; i < reached; i++) {
        wk->oidx[order[i]] = KL_UNSEEN;
        wk->sigma[i] = 0.0;
    }
}

/* One task of the lanes: the pass of sh->pass[task]. */
static void kl_pass_task(void *lane, uint32_t task, void *shared)
{
    const kl_pshared *sh = shared;
    uint32_t x = sh->pass[task];
    if (!sh->needed[x])
        return;
    kl_pworker *wk = lane;
    double t = sh->n_pairs ? kl_i_now() : 0;
    kl_run_pass(wk, x);
    if (sh->n_pairs)
        wk->t_pass += kl_i_now() - t;
}

static void kl_worker_free(kl_pworker *wk)
{
    if (wk->sh && wk->sh->p->weighted) {
        kl_i_sssp_free(&wk->sp); /* owns oidx, order, sstart, succ, sigma, dist */
    } else {
        free(wk->oidx);
        free(wk->order);
        free(wk->sstart);
        free(wk->succ);
        free(wk->sigma);
    }
    free(wk->lvl);
    free(wk->coefs);
    free(wk->groups);
    free(wk->acc);
    free(wk->h);
    free(wk->hl);
    free(wk->planes);
    free(wk->pcoefs);
    free(wk->psum);
    free(wk->ptargets);
    free(wk->pacc);
    free(wk->lane_of);
}

static kl_err kl_worker_init(kl_pworker *wk, const kl_pshared *sh)
{
    const kl_paths_t *p = sh->p;
    size_t n = sh->n ? sh->n : 1;
    size_t dag = sh->off[sh->n] / 2 + 2; /* a tie is a DAG edge in one direction at most */
    memset(wk, 0, sizeof *wk);
    wk->sh = sh;
    if (p->weighted) {
        if (kl_i_sssp_init(&wk->sp, &sh->kept, 1, 1) != KL_OK)
            return KL_ENOMEM;
        wk->sp.len = sh->len;
        wk->oidx = wk->sp.oidx;
        wk->order = wk->sp.order;
        wk->sstart = wk->sp.sstart;
        wk->succ = wk->sp.succ;
        wk->sigma = wk->sp.sigma;
        wk->dist = wk->sp.dist;
    } else {
        wk->oidx = malloc(n * sizeof *wk->oidx);
        wk->order = malloc((n + 1) * sizeof *wk->order);
        wk->sstart = malloc((n + 1) * sizeof *wk->sstart);
        wk->succ = malloc(dag * sizeof *wk->succ);
        wk->lvl = malloc((n + 1) * sizeof *wk->lvl);
        wk->sigma = calloc(n + 1, sizeof *wk->sigma);
        if (!wk->oidx || !wk->order || !wk->sstart || !wk->succ || !wk->lvl || !wk->sigma)
            return KL_ENOMEM;
        for (size_t i = 0; i < n; i++)
            wk->oidx[i] = KL_UNSEEN;
    }
    wk->coefs = malloc(2 * n * sizeof *wk->coefs);
    wk->groups = malloc(((size_t)sh->max_leaves + sh->max_twins + 1) * sizeof *wk->groups);
    if (!wk->coefs || !wk->groups)
        return KL_ENOMEM;
    if (((sh->want_dep || sh->want_irb) && !(wk->acc = calloc(4 * n, sizeof(double)))) ||
        (p->harmonic && !(wk->h = calloc(n, sizeof(double)))) ||
        (p->harmonic && !(wk->hl = calloc(n, sizeof(double)))))
        return KL_ENOMEM;
    if (sh->n_pairs) {
        size_t L = sh->max_pair_lanes ? sh->max_pair_lanes : 1;
        wk->planes = malloc(L * sizeof *wk->planes);
        wk->pcoefs = malloc(L * (n + 1) * sizeof *wk->pcoefs);
        wk->psum = malloc(L * sizeof *wk->psum);
        wk->ptargets = malloc(L * sizeof *wk->ptargets);
        wk->pacc = calloc((size_t)sh->n_pairs * n, sizeof *wk->pacc);
        wk->lane_of = malloc(((size_t)sh->n_reg_ids + 1) * sizeof *wk->lane_of);
        if (!wk->planes || !wk->pcoefs || !wk->psum || !wk->ptargets || !wk->pacc || !wk->lane_of)
            return KL_ENOMEM;
        for (int32_t r = 0; r < sh->n_reg_ids; r++)
            wk->lane_of[r] = -1;
    }
    return KL_OK;
}

/* out[orig[x]] = sum over the lanes, in lane order, of acc[x * stride + field]. */
static void kl_merge(double *out, const kl_pworker *wk, int lanes, size_t field, size_t stride,
                     const kl_pshared *sh)
{
    if (!out)
        return;
    for (int t = 0; t < lanes; t++) {
        const double *acc = field == SIZE_MAX ? wk[t].h : wk[t].acc + field;
        for (uint32_t x = 0; x < sh->n; x++)
            out[sh->orig[x]] += acc[x * stride];
    }
}

kl_err kl_paths_run(kl_paths_t *p)
{
    if (!p || !p->g)
        return KL_EINVAL;
    const kl_csr_t *g = p->g;
    double *outs[] = {p->dep_sum, p->dep_sumsq, p->harmonic, p->irb_sum, p->irb_sumsq};
    for (size_t i = 0; i < sizeof outs / sizeof *outs; i++)
        if (outs[i])
            memset(outs[i], 0, g->n * sizeof(double));
    if (p->n_pairs && (!p->pair_src || !p->pair_dst || !p->pair_sum || p->sources))
        return KL_EINVAL;
    if (p->pair_sum)
        memset(p->pair_sum, 0, (size_t)p->n_pairs * g->n * sizeof(double));
    p->arcs = 0;
    p->pair_fraction = 0;
    if (g->n == 0)
        return KL_OK;

    /* Without regions no source has one, so irb stays zero. */
    int want_irb = p->region && (p->irb_sum || p->irb_sumsq);
    kl_pshared sh;
    kl_pworker *wk = NULL;
    int ready = 0; /* lanes with a workspace */
    kl_err rc = kl_pshared_init(&sh, p, want_irb);
    if (rc != KL_OK)
        goto cleanup;

    /* Results must not depend on the machine: passes are dealt to a fixed
     * number of lanes, each with its own sums, merged in lane order.  The
     * threads only decide which lanes run at the same time.  A lane without
     * passes needs no workspace. */
    uint32_t lanes = sh.n_pass < KL_I_LANES ? (sh.n_pass ? sh.n_pass : 1) : KL_I_LANES;
    void *ctx[KL_I_LANES] = {NULL};
    rc = KL_ENOMEM;
    wk = calloc(lanes, sizeof *wk);
    if (!wk)
        goto cleanup;
    for (uint32_t l = 0; l < lanes; l++) {
        ready = (int)l + 1; /* free what was allocated, even on failure */
        if ((rc = kl_worker_init(&wk[l], &sh)) != KL_OK)
            goto cleanup;
        ctx[l] = &wk[l];
    }
    kl_i_lanes_run(sh.n_pass, p->threads, ctx, kl_pass_task, &sh);

    kl_merge(p->dep_sum, wk, ready, 0, 4, &sh);
    kl_merge(p->dep_sumsq, wk, ready, 1, 4, &sh);
    kl_merge(p->harmonic, wk, ready, SIZE_MAX, 1, &sh);
    for (int32_t r = 0; r < sh.n_src_regions && p->pair_sum; r++) {
        uint32_t nr = sh.src_off[r + 1] - sh.src_off[r];
        for (uint32_t i = sh.src_off[r]; i < sh.src_off[r + 1]; i++) {
            double *out = p->pair_sum + (size_t)sh.pair_of[i] * g->n;
            for (int t = 0; t < ready; t++) {
                const double *in = wk[t].pacc + kl_pacc_at(&sh, r, i);
                for (uint32_t x = 0; x < sh.n; x++)
                    out[sh.orig[x]] += in[(size_t)x * nr];
            }
        }
    }
    double t_pass = 0, t_pairs = 0;
    for (int t = 0; t < ready; t++) {
        p->arcs += wk[t].arcs;
        t_pass += wk[t].t_pass;
        t_pairs += wk[t].t_pairs;
    }
    p->pair_fraction = t_pass > 0 ? t_pairs / t_pass : 0;
    if (want_irb) {
        kl_merge(p->irb_sum, wk, ready, 2, 4, &sh);
        kl_merge(p->irb_sumsq, wk, ready, 3, 4, &sh);
    }
    /* Twins: harmonic as their representative's (all_once: from its pass). */
    for (uint32_t x = 0; x < sh.n && p->harmonic; x++)
        for (uint32_t t = 0; t < kl_twins_of(&sh, x); t++)
            p->harmonic[sh.orig[sh.twin[sh.twin_off[x] + t]]] = p->harmonic[sh.orig[x]];
    /* Leaves: never inside a path; harmonic from the sums kept at the host
     * plus the host itself (1 hop) and the host's other leaves (2 hops). */
    if (p->harmonic) {
        for (uint32_t x = 0; x < sh.n; x++) {
            if (!sh.nleaf[x])
                continue;
            double from_hosts = 0.0;
            for (int t = 0; t < ready; t++)
                from_hosts += wk[t].hl[x];
            for (uint32_t i = sh.leaf_off[x]; i < sh.leaf_off[x + 1]; i++)
                p->harmonic[sh.leaf[i]] = from_hosts + sh.ks[x] + (sh.kl[x] - sh.leaf_cnt[i]) * 0.5;
        }
    }
    rc = KL_OK;
cleanup:
    if (wk)
        for (int t = 0; t < ready; t++)
            kl_worker_free(&wk[t]);
    free(wk);
    kl_pshared_free(&sh);
    return rc;
}

/* analysis/blockcut.c - the block-cut forest of the analysis graph with
 * per-region counts merged small to large: how many cross-region pairs each
 * articulation point disconnects (whatif --rank) and which region pairs it
 * cuts (bridges' cut actors). */
#include "analysis_internal.h"
#include "../engine/igraph_view.h"

#include <stdlib.h>
#include <string.h>

#define KL_UNSEEN UINT32_MAX

/* Region -> count, open addressing; N, Q = sum of counts and of their
 * squares, A = sum over the vertices counted of T_C(region) (see below). */
typedef struct {
    int32_t *key;
    uint32_t *val;
    uint32_t cap, size;
    int64_t N, Q, A;
} rmap_t;

static void rmap_free(rmap_t *m)
{
    free(m->key);
    free(m->val);
    memset(m, 0, sizeof *m);
}

static uint32_t rmap_slot(const rmap_t *m, int32_t r)
{
    uint32_t i = ((uint32_t)r * 2654435761u) & (m->cap - 1);
    while (m->key[i] != -1 && m->key[i] != r)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static uint32_t rmap_get(const rmap_t *m, int32_t r)
{
    if (!m->cap)
        return 0;
    uint32_t i = rmap_slot(m, r);
    return m->key[i] == r ? m->val[i] : 0;
}

static int rmap_add(rmap_t *m, int32_t r, uint32_t c)
{
    if (2 * (m->size + 1) > m->cap) {
        uint32_t cap = m->cap ? 2 * m->cap : 4;
        rmap_t big = {malloc(cap * sizeof(int32_t)), malloc(cap * sizeof(uint32_t)), cap, 0, 0, 0, 0};
        if (!big.key || !big.val) {
            rmap_free(&big);
            return -1;
        }
        for (uint32_t i = 0; i < cap; i++)
            big.key[i] = -1;
        for (uint32_t i = 0; i < m->cap; i++) {
            if (m->key[i] < 0)
                continue;
            uint32_t j = rmap_slot(&big, m->key[i]);
            big.key[j] = m->key[i];
            big.val[j] = m->val[i];
        }
        free(m->key);
        free(m->val);
        m->key = big.key;
        m->val = big.val;
        m->cap = cap;
    }
    uint32_t i = rmap_slot(m, r);
    int64_t old = 0;
    if (m->key[i] == r) {
        old = m->val[i];
    } else {
        m->key[i] = r;
        m->size++;
    }
    m->val[i] = (uint32_t)(old + c);
    m->N += c;
    m->Q += (old + c) * (old + c) - old * old;
    return 0;
}

/* Merge src into dst (src freed). */
static int rmap_merge(rmap_t *dst, rmap_t *src)
{
    for (uint32_t i = 0; i < src->cap; i++)
        if (src->key[i] >= 0 && rmap_add(dst, src->key[i], src->val[i]) < 0)
            return -1;
    dst->A += src->A;
    rmap_free(src);
    return 0;
}

/* ------------------------------------------------------------ region counts */

/* The regioned vertices of every component, counted per region: runs of
 * (component, region) in that order. */
typedef struct {
    long nc;               /* components */
    uint32_t *comp;        /* component of each vertex */
    uint32_t *tval;        /* T_C(region of v): actors of v's region in v's component */
    int32_t *run_reg;      /* region of each run */
    uint32_t *run_cnt;     /* its actors */
    uint32_t *comp_run;    /* runs of component k: comp_run[k] .. comp_run[k+1] */
    int64_t *compN, *compSQ; /* per component: regioned actors, sum of squared run counts */
} counts_t;

static void counts_free(counts_t *t)
{
    free(t->comp);
    free(t->tval);
    free(t->run_reg);
    free(t->run_cnt);
    free(t->comp_run);
    free(t->compN);
    free(t->compSQ);
}

/* Components, then the regioned vertices sorted by component, then region
 * (two counting sorts), cut into runs.  R: regions.  KL_OK or KL_ENOMEM. */
static kl_err counts_build(counts_t *t, const kl_agraph_t *g, int32_t R)
{
    const int32_t *reg = g->vertex_region;
    uint32_t n = g->n;
    size_t n1 = (size_t)n + 1;
    kl_err rc = KL_ENOMEM;
    uint32_t *bucket = NULL, *sorted = NULL, *tmp = NULL;
    memset(t, 0, sizeof *t);
    t->comp = malloc(n1 * sizeof *t->comp);
    if (!t->comp || (t->nc = kl_components_label(&g->csr, NULL, t->comp, NULL)) < 0)
        goto cleanup;
    long nc = t->nc;
    size_t nbucket = (size_t)(nc > R ? nc : R) + 2;
    bucket = calloc(nbucket, sizeof *bucket);
    sorted = malloc(n1 * sizeof *sorted);
    tmp = malloc(n1 * sizeof *tmp);
    t->tval = calloc(n1, sizeof *t->tval);
    if (!bucket || !sorted || !tmp || !t->tval)
        goto cleanup;
    uint32_t nr = 0;
    for (uint32_t v = 0; v < n; v++)
        if (reg[v] >= 0)
            bucket[reg[v] + 1]++, nr++;
    for (int32_t r = 0; r < R; r++)
        bucket[r + 1] += bucket[r];
    for (uint32_t v = 0; v < n; v++)
        if (reg[v] >= 0)
            tmp[bucket[reg[v]]++] = v;
    memset(bucket, 0, nbucket * sizeof *bucket);
    for (uint32_t i = 0; i < nr; i++)
        bucket[t->comp[tmp[i]] + 1]++;
    for (long k = 0; k < nc; k++)
        bucket[k + 1] += bucket[k];
    for (uint32_t i = 0; i < nr; i++)
        sorted[bucket[t->comp[tmp[i]]]++] = tmp[i];
    t->run_reg = malloc(((size_t)nr + 1) * sizeof *t->run_reg);
    t->run_cnt = malloc(((size_t)nr + 1) * sizeof *t->run_cnt);
    t->comp_run = calloc((size_t)nc + 2, sizeof *t->comp_run);
    t->compN = calloc((size_t)nc + 1, sizeof *t->compN);
    t->compSQ = calloc((size_t)nc + 1, sizeof *t->compSQ);
    if (!t->run_reg || !t->run_cnt || !t->comp_run || !t->compN || !t->compSQ)
        goto cleanup;
    uint32_t n_runs = 0;
    for (uint32_t i = 0; i < nr;) {
        uint32_t j = i, k = t->comp[sorted[i]];
        while (j < nr && t->comp[sorted[j]] == k && reg[sorted[j]] == reg[sorted[i]])
            j++;
        t->run_reg[n_runs] = reg[sorted[i]];
        t->run_cnt[n_runs] = j - i;
        t->comp_run[k + 1] = n_runs + 1;
        for (uint32_t q = i; q < j; q++)
            t->tval[sorted[q]] = j - i;
        t->compN[k] += j - i;
        t->compSQ[k] += (int64_t)(j - i) * (j - i);
        n_runs++;
        i = j;
    }
    /* comp_run[k+1] holds one past the last run of k when k has runs; fill the gaps */
    for (long k = 0; k < nc; k++)
        if (t->comp_run[k + 1] < t->comp_run[k])
            t->comp_run[k + 1] = t->comp_run[k];
    rc = KL_OK;
cleanup:
    free(bucket);
    free(sorted);
    free(tmp);
    return rc;
}

/* ------------------------------------------------------------ the forest */

/* Nodes 0..nb-1 are blocks, nb.. articulation points; a vertex that is no
 * articulation point belongs to its one block.  Every tree is rooted at its
 * first block. */
typedef struct {
    uint32_t nb, n_nodes;
    int32_t *ap_index;     /* vertex -> articulation point index, or -1 */
    uint32_t *node_vertex; /* articulation point index -> vertex */
    uint32_t *tdeg, *tadj; /* the forest's ties: tadj[tdeg[x] .. tdeg[x+1]) */
    uint32_t *own_off, *own; /* regioned vertices of node x: own[own_off[x] .. own_off[x+1]) */
    uint32_t *parent;      /* parent node; a root is its own parent */
    uint32_t *pre, npre;   /* nodes in pre-order */
} forest_t;

static void forest_free(forest_t *f)
{
    free(f->ap_index);
    free(f->node_vertex);
    free(f->tdeg);
    free(f->tadj);
    free(f->own_off);
    free(f->own);
    free(f->parent);
    free(f->pre);
}

/* Node of vertex v: its articulation point node, or its block (owner[v]),
 * or -1 for an isolated vertex. */
static int32_t node_of(const forest_t *f, const int32_t *owner, uint32_t v)
{
    return f->ap_index[v] >= 0 ? (int32_t)(f->nb + (uint32_t)f->ap_index[v]) : owner[v];
}

/* Ties between blocks and their articulation points, as CSR. */
static kl_err forest_ties(forest_t *f, const igraph_vector_int_list_t *blocks, int32_t *owner)
{
    uint64_t tedges = 0;
    for (uint32_t b = 0; b < f->nb; b++) {
        const igraph_vector_int_t *vs = igraph_vector_int_list_get_ptr(blocks, b);
        for (igraph_integer_t i = 0; i < igraph_vector_int_size(vs); i++) {
            uint32_t u = (uint32_t)VECTOR(*vs)[i];
            if (f->ap_index[u] >= 0) {
                f->tdeg[b + 1]++;
                f->tdeg[f->nb + (uint32_t)f->ap_index[u] + 1]++;
                tedges++;
            } else {
                owner[u] = (int32_t)b;
            }
        }
    }
    for (uint32_t x = 0; x < f->n_nodes; x++)
        f->tdeg[x + 1] += f->tdeg[x];
    f->tadj = malloc((2 * tedges + 1) * sizeof *f->tadj);
    uint32_t *fill = malloc(((size_t)f->n_nodes + 1) * sizeof *fill);
    if (!f->tadj || !fill) {
        free(fill);
        return KL_ENOMEM;
    }
    memcpy(fill, f->tdeg, (size_t)f->n_nodes * sizeof *fill);
    for (uint32_t b = 0; b < f->nb; b++) {
        const igraph_vector_int_t *vs = igraph_vector_int_list_get_ptr(blocks, b);
        for (igraph_integer_t i = 0; i < igraph_vector_int_size(vs); i++) {
            uint32_t u = (uint32_t)VECTOR(*vs)[i];
            if (f->ap_index[u] >= 0) {
                uint32_t a = f->nb + (uint32_t)f->ap_index[u];
                f->tadj[fill[b]++] = a;
                f->tadj[fill[a]++] = b;
            }
        }
    }
    free(fill);
    return KL_OK;
}

/* The regioned vertices each node owns, as CSR. */
static kl_err forest_owned(forest_t *f, const kl_agraph_t *g, const int32_t *owner)
{
    const int32_t *reg = g->vertex_region;
    for (uint32_t v = 0; v < g->n; v++) {
        int32_t x = reg[v] >= 0 ? node_of(f, owner, v) : -1;
        if (x >= 0)
            f->own_off[x + 1]++;
    }
    for (uint32_t x = 0; x < f->n_nodes; x++)
        f->own_off[x + 1] += f->own_off[x];
    f->own = malloc(((size_t)f->own_off[f->n_nodes] + 1) * sizeof *f->own);
    uint32_t *fill = malloc(((size_t)f->n_nodes + 1) * sizeof *fill);
    if (!f->own || !fill) {
        free(fill);
        return KL_ENOMEM;
    }
    memcpy(fill, f->own_off, (size_t)f->n_nodes * sizeof *fill);
    for (uint32_t v = 0; v < g->n; v++) {
        int32_t x = reg[v] >= 0 ? node_of(f, owner, v) : -1;
        if (x >= 0)
            f->own[fill[x]++] = v;
    }
    free(fill);
    return KL_OK;
}

/* Root every tree at its first block; pre-order, iteratively. */
static kl_err forest_order(forest_t *f)
{
    f->parent = malloc(((size_t)f->n_nodes + 1) * sizeof *f->parent);
    f->pre = malloc(((size_t)f->n_nodes + 1) * sizeof *f->pre);
    uint32_t *stack = malloc(((size_t)f->n_nodes + 1) * sizeof *stack);
    if (!f->parent || !f->pre || !stack) {
        free(stack);
        return KL_ENOMEM;
    }
    for (uint32_t x = 0; x < f->n_nodes; x++)
        f->parent[x] = KL_UNSEEN;
    for (uint32_t root = 0; root < f->nb; root++) {
        if (f->parent[root] != KL_UNSEEN)
            continue;
        uint32_t top = 0;
        f->parent[root] = root;
        stack[top++] = root;
        while (top) {
            uint32_t x = stack[--top];
            f->pre[f->npre++] = x;
            for (uint32_t k = f->tdeg[x]; k < f->tdeg[x + 1]; k++) {
                uint32_t y = f->tadj[k];
                if (f->parent[y] == KL_UNSEEN) {
                    f->parent[y] = x;
                    stack[top++] = y;
                }
            }
        }
    }
    free(stack);
    return KL_OK;
}

/* Blocks and articulation points (igraph), then the forest over them. */
static kl_err forest_build(forest_t *f, const kl_agraph_t *g, kl_error_t *err)
{
    size_t n1 = (size_t)g->n + 1;
    igraph_vector_int_list_t blocks;
    igraph_vector_int_t aps;
    int have_blocks = 0, have_aps = 0;
    int32_t *owner = NULL; /* vertex -> its one block, or -1 */
    igraph_error_t ie;
    kl_err rc = KL_OK;
    memset(f, 0, sizeof *f);
    if ((ie = igraph_vector_int_list_init(&blocks, 0)) != IGRAPH_SUCCESS)
        goto igraph_failed;
    have_blocks = 1;
    if ((ie = igraph_vector_int_init(&aps, 0)) != IGRAPH_SUCCESS)
        goto igraph_failed;
    have_aps = 1;
    igraph_integer_t nb = 0;
    if ((ie = igraph_biconnected_components(kl_agraph_igraph(g), &nb, NULL, NULL, &blocks, &aps)) != IGRAPH_SUCCESS)
        goto igraph_failed;
    uint32_t na = (uint32_t)igraph_vector_int_size(&aps);
    f->nb = (uint32_t)nb;
    f->n_nodes = f->nb + na;
    f->ap_index = malloc(n1 * sizeof *f->ap_index);
    owner = malloc(n1 * sizeof *owner);
    f->node_vertex = malloc(((size_t)na + 1) * sizeof *f->node_vertex);
    f->tdeg = calloc((size_t)f->n_nodes + 2, sizeof *f->tdeg);
    f->own_off = calloc((size_t)f->n_nodes + 2, sizeof *f->own_off);
    if (!f->ap_index || !owner || !f->node_vertex || !f->tdeg || !f->own_off)
        goto nomem;
    for (uint32_t v = 0; v < g->n; v++)
        f->ap_index[v] = owner[v] = -1;
    for (uint32_t i = 0; i < na; i++) {
        uint32_t v = (uint32_t)VECTOR(aps)[i];
        f->ap_index[v] = (int32_t)i;
        f->node_vertex[i] = v;
    }
    if (forest_ties(f, &blocks, owner) != KL_OK || forest_owned(f, g, owner) != KL_OK || forest_order(f) != KL_OK)
        goto nomem;
    goto cleanup;
nomem:
    rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    goto cleanup;
igraph_failed:
    rc = kl_igraph_error(err, ie);
cleanup:
    if (have_blocks)
        igraph_vector_int_list_destroy(&blocks);
    if (have_aps)
        igraph_vector_int_destroy(&aps);
    free(owner);
    return rc;
}

/* ------------------------------------------------------------ the sweep */

/* Scratch for one articulation point: its children's N, Q and region
 * lists (the lists, mark and cut_list only when cut pairs are wanted). */
typedef struct {
    int64_t *childN, *childQ;
    uint32_t *child_list_off;
    int32_t *child_keys;
    size_t keys_cap;
    uint32_t *mark;        /* R x R stamps: region pairs that share a piece */
    uint32_t *cut_list, stamp;
} scratch_t;

static void scratch_free(scratch_t *s)
{
    free(s->childN);
    free(s->childQ);
    free(s->child_list_off);
    free(s->child_keys);
    free(s->mark);
    free(s->cut_list);
}

static kl_err scratch_init(scratch_t *s, const forest_t *f, int32_t R, int with_cuts)
{
    uint32_t maxdeg = 0;
    memset(s, 0, sizeof *s);
    for (uint32_t x = f->nb; x < f->n_nodes; x++)
        if (f->tdeg[x + 1] - f->tdeg[x] > maxdeg)
            maxdeg = f->tdeg[x + 1] - f->tdeg[x];
    s->childN = malloc(((size_t)maxdeg + 1) * sizeof *s->childN);
    s->childQ = malloc(((size_t)maxdeg + 1) * sizeof *s->childQ);
    s->child_list_off = malloc(((size_t)maxdeg + 3) * sizeof *s->child_list_off);
    if (!s->childN || !s->childQ || !s->child_list_off)
        return KL_ENOMEM;
    if (with_cuts) {
        s->mark = calloc((size_t)R * (size_t)R, sizeof *s->mark);
        s->cut_list = malloc(((size_t)R + 1) * sizeof *s->cut_list);
        if (!s->mark || !s->cut_list)
            return KL_ENOMEM;
    }
    return KL_OK;
}

/* Append the region keys of map m to the child lists. */
static int push_keys(scratch_t *s, size_t *nkeys, const rmap_t *m)
{
    if (*nkeys + m->size > s->keys_cap) {
        size_t cap = (*nkeys + m->size) * 2 + 16;
        int32_t *nk = realloc(s->child_keys, cap * sizeof *nk);
        if (!nk)
            return -1;
        s->child_keys = nk;
        s->keys_cap = cap;
    }
    for (uint32_t q = 0; q < m->cap; q++)
        if (m->key[q] >= 0)
            s->child_keys[(*nkeys)++] = m->key[q];
    return 0;
}

/* The region pairs articulation point v (region rho, component C, subtree
 * map sub, nch child pieces in the scratch lists) cuts: pairs of regions
 * that share a piece are not cut; the others, both present in C - v, are. */
static int emit_cuts(kl_array_t *cuts, scratch_t *s, const counts_t *t, int32_t R, uint32_t v, int32_t rho,
                     uint32_t C, const rmap_t *sub, uint32_t nch)
{
    uint32_t *mark = s->mark, *cut_list = s->cut_list, stamp = ++s->stamp;
    for (uint32_t q = 0; q < nch; q++) {
        const int32_t *L = s->child_keys + s->child_list_off[q];
        uint32_t len = s->child_list_off[q + 1] - s->child_list_off[q];
        for (uint32_t a = 0; a < len; a++)
            for (uint32_t b = 0; b < len; b++)
                if (L[a] < L[b])
                    mark[(size_t)L[a] * (size_t)R + (size_t)L[b]] = stamp;
    }
    uint32_t nrest = 0, npres = 0;
    for (uint32_t k = t->comp_run[C]; k < t->comp_run[C + 1]; k++) {
        int32_t r = t->run_reg[k];
        if ((int64_t)t->run_cnt[k] - (int64_t)rmap_get(sub, r) > 0)
            cut_list[nrest++] = (uint32_t)r;
    }
    for (uint32_t a = 0; a < nrest; a++)
        for (uint32_t b = a + 1; b < nrest; b++) /* runs are sorted by region */
            mark[(size_t)cut_list[a] * (size_t)R + cut_list[b]] = stamp;
    for (uint32_t k = t->comp_run[C]; k < t->comp_run[C + 1]; k++)
        if ((int64_t)t->run_cnt[k] - (t->run_reg[k] == rho) > 0)
            cut_list[npres++] = (uint32_t)t->run_reg[k];
    for (uint32_t a = 0; a < npres; a++)
        for (uint32_t b = a + 1; b < npres; b++) {
            if (mark[(size_t)cut_list[a] * (size_t)R + cut_list[b]] == stamp)
                continue;
            kl_i_cut_t *cut = kl_array_push(cuts);
            if (!cut)
                return -1;
            *cut = (kl_i_cut_t){(int32_t)cut_list[a], (int32_t)cut_list[b], v};
        }
    return 0;
}

/* How the counts are used, for an articulation point v of region rho in
 * component C (T_r = actors of region r in C, T' the same without v): the
 * pieces of C - v are the subtrees of v's child blocks in the rooted
 * block-cut tree, and the rest, C minus v's subtree.  Cross-region pairs of
 * a set with N region actors and counts c_r number (N^2 - sum c_r^2) / 2;
 * v disconnects those of C - v minus those inside each piece.  For a child
 * the map gives N and Q = sum c_r^2; for the rest, with S = v's subtree
 * without v, c_r = T'_r - S_r and sum c_r^2 = sum T'^2 - 2 sum T'_r S_r +
 * sum S_r^2, where sum T'_r S_r = sum over the vertices u of S of
 * T'(region u): an additive quantity (A) carried along with the map. */
static uint64_t disconnected_pairs(const counts_t *t, const scratch_t *s, uint32_t v, int32_t rho, uint32_t C,
                                   const rmap_t *sub, uint32_t nch)
{
    int64_t d = rho >= 0, Trho = d ? t->tval[v] : 0;
    int64_t Np = t->compN[C] - d, SQp = t->compSQ[C] - (d ? 2 * Trho - 1 : 0);
    int64_t mv = d ? (int64_t)rmap_get(sub, rho) : 0;
    int64_t NS = sub->N - d, QS = sub->Q - (d ? 2 * mv - 1 : 0);
    int64_t TS = (sub->A - Trho) - (d ? mv - 1 : 0);
    int64_t NR = Np - NS, QR = SQp - 2 * TS + QS;
    int64_t twice = (Np * Np - SQp) - (NR * NR - QR);
    for (uint32_t q = 0; q < nch; q++)
        twice -= s->childN[q] * s->childN[q] - s->childQ[q];
    return (uint64_t)(twice / 2);
}

kl_err kl_i_blockcut(const kl_agraph_t *g, uint64_t *disconnects, kl_array_t *cuts, double *cross_pairs,
                     kl_error_t *err)
{
    const int32_t *reg = g->vertex_region;
    uint32_t n = g->n;
    kl_err rc = KL_OK;
    counts_t t;
    forest_t f;
    scratch_t s;
    rmap_t *maps = NULL;
    memset(&t, 0, sizeof t);
    memset(&f, 0, sizeof f);
    memset(&s, 0, sizeof s);

    if (disconnects)
        memset(disconnects, 0, (size_t)n * sizeof *disconnects);
    if (cross_pairs)
        *cross_pairs = 0;
    if (n == 0)
        return KL_OK;
    int32_t R = 0;
    for (uint32_t v = 0; v < n; v++)
        if (reg[v] >= R)
            R = reg[v] + 1;
    if (R < 2)
        return KL_OK; /* no cross-region pairs at all */

    if (counts_build(&t, g, R) != KL_OK)
        goto nomem;
    if (cross_pairs)
        for (long k = 0; k < t.nc; k++)
            *cross_pairs += (double)(t.compN[k] * t.compN[k] - t.compSQ[k]) / 2;
    if ((rc = forest_build(&f, g, err)) != KL_OK)
        goto cleanup;
    maps = calloc((size_t)f.n_nodes + 1, sizeof *maps);
    if (!maps || scratch_init(&s, &f, R, cuts != NULL) != KL_OK)
        goto nomem;

    /* Bottom up: a node's map is its heaviest child's, the others merged
     * in, plus its own regioned vertices (small to large). */
    for (uint32_t i = f.npre; i-- > 0;) {
        uint32_t x = f.pre[i];
        int is_ap = x >= f.nb;
        uint32_t heavy = KL_UNSEEN, nch = 0;
        size_t nkeys = 0;
        for (uint32_t k = f.tdeg[x]; k < f.tdeg[x + 1]; k++) {
            uint32_t y = f.tadj[k];
            if (y == f.parent[x])
                continue;
            if (is_ap) {
                s.childN[nch] = maps[y].N;
                s.childQ[nch] = maps[y].Q;
                s.child_list_off[nch] = (uint32_t)nkeys;
                if (cuts && push_keys(&s, &nkeys, &maps[y]) < 0)
                    goto nomem;
                nch++;
            }
            if (heavy == KL_UNSEEN || maps[y].size > maps[heavy].size)
                heavy = y;
        }
        if (is_ap)
            s.child_list_off[nch] = (uint32_t)nkeys;
        if (heavy != KL_UNSEEN) {
            maps[x] = maps[heavy];
            memset(&maps[heavy], 0, sizeof maps[heavy]);
        }
        for (uint32_t k = f.tdeg[x]; k < f.tdeg[x + 1]; k++) {
            uint32_t y = f.tadj[k];
            if (y != f.parent[x] && y != heavy && rmap_merge(&maps[x], &maps[y]) < 0)
                goto nomem;
        }
        for (uint32_t k = f.own_off[x]; k < f.own_off[x + 1]; k++) {
            if (rmap_add(&maps[x], reg[f.own[k]], 1) < 0)
                goto nomem;
            maps[x].A += t.tval[f.own[k]];
        }
        if (!is_ap)
            continue;
        uint32_t v = f.node_vertex[x - f.nb], C = t.comp[v];
        if (disconnects)
            disconnects[v] = disconnected_pairs(&t, &s, v, reg[v], C, &maps[x], nch);
        if (cuts && emit_cuts(cuts, &s, &t, R, v, reg[v], C, &maps[x], nch) < 0)
            goto nomem;
    }
    goto cleanup;
nomem:
    rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
cleanup:
    if (maps)
        for (uint32_t x = 0; x < f.n_nodes; x++)
            rmap_free(&maps[x]);
    free(maps);
    counts_free(&t);
    forest_free(&f);
    scratch_free(&s);
    return rc;
}

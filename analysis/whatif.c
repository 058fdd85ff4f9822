/* analysis/whatif.c - what removing actors costs the regions: the block-cut
 * forest with per-region counts merged small to large (whatif --rank, cut
 * actors of region pairs), the before/after comparison of whatif --remove,
 * and the shortest-path and thread helpers the region code shares. */
#include "analysis_internal.h"
#include "../engine/igraph_view.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KL_UNSEEN UINT32_MAX

/* ------------------------------------------------------------ lanes */

typedef struct {
    uint32_t n_tasks;
    void **lane_ctx;
    void (*fn)(void *, uint32_t, void *);
    void *shared;
    int first, step;
} lane_set_t;

static void *lanes_main(void *arg)
{
    lane_set_t *s = arg;
    for (int l = s->first; l < KL_I_LANES; l += s->step)
        for (uint32_t t = (uint32_t)l; t < s->n_tasks; t += KL_I_LANES)
            s->fn(s->lane_ctx[l], t, s->shared);
    return NULL;
}

void kl_i_lanes_run(uint32_t n_tasks, int threads, void **lane_ctx, void (*fn)(void *, uint32_t, void *),
                    void *shared)
{
    long want = threads > 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (want < 1)
        want = 1;
    if (want > KL_I_LANES)
        want = KL_I_LANES;
    if ((uint32_t)want > n_tasks)
        want = n_tasks ? (long)n_tasks : 1;
    lane_set_t sets[KL_I_LANES];
    pthread_t tids[KL_I_LANES];
    int started[KL_I_LANES] = {0};
    for (int t = 0; t < want; t++)
        sets[t] = (lane_set_t){n_tasks, lane_ctx, fn, shared, t, (int)want};
    for (int t = 1; t < want; t++)
        started[t] = pthread_create(&tids[t], NULL, lanes_main, &sets[t]) == 0;
    lanes_main(&sets[0]);
    for (int t = 1; t < want; t++) {
        if (started[t])
            pthread_join(tids[t], NULL);
        else
            lanes_main(&sets[t]); /* same lanes, same sums: only slower */
    }
}

/* ------------------------------------------------------------ shortest paths */

kl_err kl_i_sssp_init(kl_i_sssp_t *w, const kl_csr_t *g, int weighted, int with_sigma)
{
    size_t n = (size_t)g->n + 1;
    memset(w, 0, sizeof *w);
    w->n = g->n;
    w->weighted = weighted;
    w->dist = malloc(n * sizeof *w->dist);
    w->order = malloc(n * sizeof *w->order);
    w->oidx = malloc(n * sizeof *w->oidx);
    if (!w->dist || !w->order || !w->oidx)
        return KL_ENOMEM;
    if (with_sigma) {
        w->sigma = malloc(n * sizeof *w->sigma);
        w->sstart = malloc((n + 1) * sizeof *w->sstart);
        /* an edge is a DAG edge in one direction at most */
        w->succ = malloc(((size_t)g->m + 1) * sizeof *w->succ);
        if (!w->sigma || !w->sstart || !w->succ)
            return KL_ENOMEM;
    }
    if (weighted) {
        w->heap = malloc(n * sizeof *w->heap);
        w->hpos = malloc(n * sizeof *w->hpos);
        if (!w->heap || !w->hpos)
            return KL_ENOMEM;
        for (size_t i = 0; i < n; i++)
            w->hpos[i] = KL_UNSEEN;
    }
    for (size_t i = 0; i < n; i++) {
        w->dist[i] = INFINITY;
        w->oidx[i] = KL_UNSEEN;
    }
    return KL_OK;
}

void kl_i_sssp_free(kl_i_sssp_t *w)
{
    if (!w)
        return;
    free(w->dist);
    free(w->order);
    free(w->oidx);
    free(w->sigma);
    free(w->sstart);
    free(w->succ);
    free(w->heap);
    free(w->hpos);
    memset(w, 0, sizeof *w);
}

static void heap_up(uint32_t *heap, uint32_t *hpos, const double *dist, uint32_t i)
{
    uint32_t v = heap[i];
    double d = dist[v];
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (dist[heap[parent]] <= d)
            break;
        heap[i] = heap[parent];
        hpos[heap[i]] = i;
        i = parent;
    }
    heap[i] = v;
    hpos[v] = i;
}

static void heap_down(uint32_t *heap, uint32_t *hpos, const double *dist, uint32_t size)
{
    uint32_t i = 0, v = heap[0];
    double d = dist[v];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= size)
            break;
        if (c + 1 < size && dist[heap[c + 1]] < dist[heap[c]])
            c++;
        if (dist[heap[c]] >= d)
            break;
        heap[i] = heap[c];
        hpos[heap[i]] = i;
        i = c;
    }
    heap[i] = v;
    hpos[v] = i;
}

void kl_i_sssp_run(kl_i_sssp_t *w, const kl_csr_t *g, const uint32_t *src, uint32_t n_src, const uint8_t *gone)
{
    const uint32_t *off = g->offset, *adj = g->adj;
    double *dist = w->dist;
    uint32_t *order = w->order, *oidx = w->oidx;
    for (uint32_t i = 0; i < w->reached; i++) {
        dist[order[i]] = INFINITY;
        oidx[order[i]] = KL_UNSEEN;
    }
    uint32_t tail = 0;
    if (!w->weighted) {
        for (uint32_t i = 0; i < n_src; i++) {
            uint32_t s = src[i];
            if (oidx[s] != KL_UNSEEN || (gone && gone[s]))
                continue;
            dist[s] = 0;
            oidx[s] = tail;
            order[tail++] = s;
        }
        for (uint32_t head = 0; head < tail; head++) {
            uint32_t v = order[head];
            double dv = dist[v] + 1;
            for (uint32_t e = off[v]; e < off[v + 1]; e++) {
                uint32_t u = adj[e];
                if (oidx[u] != KL_UNSEEN || (gone && gone[u]))
                    continue;
                dist[u] = dv;
                oidx[u] = tail;
                order[tail++] = u;
            }
        }
    } else {
        /* Dijkstra as the path kernel runs it: a tentative distance is
         * replaced only by one shorter beyond the tolerance, and the DAG is
         * read off the final distances. */
        uint32_t *heap = w->heap, *hpos = w->hpos, size = 0;
        for (uint32_t i = 0; i < n_src; i++) {
            uint32_t s = src[i];
            if (hpos[s] != KL_UNSEEN || (gone && gone[s]))
                continue;
            dist[s] = 0;
            heap[size] = s;
            heap_up(heap, hpos, dist, size++);
        }
        while (size > 0) {
            uint32_t v = heap[0];
            hpos[v] = KL_UNSEEN;
            if (--size > 0) {
                heap[0] = heap[size];
                heap_down(heap, hpos, dist, size);
            }
            oidx[v] = tail;
            order[tail++] = v;
            double dv = dist[v];
            for (uint32_t e = off[v]; e < off[v + 1]; e++) {
                uint32_t u = adj[e];
                if (oidx[u] != KL_UNSEEN || (gone && gone[u]))
                    continue;
                double nd = dv + 1.0 / g->w[e];
                if (hpos[u] == KL_UNSEEN) {
                    dist[u] = nd;
                    heap[size] = u;
                    heap_up(heap, hpos, dist, size++);
                } else if (nd < dist[u] * (1.0 - KL_I_LEN_EPS)) {
                    dist[u] = nd;
                    heap_up(heap, hpos, dist, hpos[u]);
                }
            }
        }
    }
    w->reached = tail;
    if (!w->sigma)
        return;
    /* sigma and successors, in settle order: every predecessor of order[i]
     * settles before it, so sigma[i] is final when i is reached */
    double *sigma = w->sigma;
    uint32_t pos = 0;
    for (uint32_t i = 0; i < tail; i++)
        sigma[i] = dist[order[i]] == 0 ? 1.0 : 0.0;
    for (uint32_t i = 0; i < tail; i++) {
        uint32_t v = order[i];
        double dv = dist[v], sv = sigma[i];
        w->sstart[i] = pos;
        for (uint32_t e = off[v]; e < off[v + 1]; e++) {
            uint32_t o = oidx[adj[e]];
            if (o == KL_UNSEEN || o <= i)
                continue;
            int succ = w->weighted ? kl_i_len_equal(dv + 1.0 / g->w[e], dist[adj[e]]) : dist[adj[e]] == dv + 1;
            if (succ) {
                sigma[o] += sv;
                w->succ[pos++] = o;
            }
        }
    }
    w->sstart[tail] = pos;
}

/* ------------------------------------------------------------ block-cut forest */

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
kl_err kl_i_blockcut(const kl_agraph_t *g, uint64_t *disconnects, kl_array_t *cuts, double *cross_pairs,
                     kl_error_t *err)
{
    const kl_csr_t *c = &g->csr;
    const int32_t *reg = g->vertex_region;
    uint32_t n = g->n;
    size_t n1 = (size_t)n + 1;
    kl_err rc = KL_OK;
    igraph_error_t ie = IGRAPH_SUCCESS;
    igraph_vector_int_list_t blocks;
    igraph_vector_int_t aps;
    int have_blocks = 0, have_aps = 0;
    uint32_t *comp = NULL, *bucket = NULL, *sorted = NULL, *tmp = NULL, *tval = NULL;
    int32_t *run_reg = NULL;
    uint32_t *run_cnt = NULL, *comp_run = NULL;
    int64_t *compN = NULL, *compSQ = NULL;
    int32_t *ap_index = NULL, *owner = NULL;
    uint32_t *tdeg = NULL, *tadj = NULL, *own_off = NULL, *own = NULL, *parent = NULL, *pre = NULL, *stack = NULL;
    uint32_t *node_vertex = NULL, *cut_list = NULL, *mark = NULL;
    rmap_t *maps = NULL;
    int64_t *childN = NULL, *childQ = NULL;
    uint32_t *child_list_off = NULL;
    int32_t *child_keys = NULL;
    uint32_t n_nodes = 0;

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

    /* Components and, per component, the count of each region (runs of the
     * regioned vertices sorted by component, then region: two counting
     * sorts). */
    comp = malloc(n1 * sizeof *comp);
    if (!comp)
        goto nomem;
    long nc = kl_components_label(c, NULL, comp, NULL);
    if (nc < 0)
        goto nomem;
    bucket = calloc((size_t)(nc > R ? nc : R) + 2, sizeof *bucket);
    sorted = malloc(n1 * sizeof *sorted);
    tmp = malloc(n1 * sizeof *tmp);
    tval = calloc(n1, sizeof *tval);
    if (!bucket || !sorted || !tmp || !tval)
        goto nomem;
    uint32_t nr = 0;
    for (uint32_t v = 0; v < n; v++)
        if (reg[v] >= 0)
            bucket[reg[v] + 1]++, nr++;
    for (int32_t r = 0; r < R; r++)
        bucket[r + 1] += bucket[r];
    for (uint32_t v = 0; v < n; v++)
        if (reg[v] >= 0)
            tmp[bucket[reg[v]]++] = v;
    memset(bucket, 0, ((size_t)(nc > R ? nc : R) + 2) * sizeof *bucket);
    for (uint32_t i = 0; i < nr; i++)
        bucket[comp[tmp[i]] + 1]++;
    for (long k = 0; k < nc; k++)
        bucket[k + 1] += bucket[k];
    for (uint32_t i = 0; i < nr; i++)
        sorted[bucket[comp[tmp[i]]]++] = tmp[i];
    run_reg = malloc(((size_t)nr + 1) * sizeof *run_reg);
    run_cnt = malloc(((size_t)nr + 1) * sizeof *run_cnt);
    comp_run = calloc((size_t)nc + 2, sizeof *comp_run);
    compN = calloc((size_t)nc + 1, sizeof *compN);
    compSQ = calloc((size_t)nc + 1, sizeof *compSQ);
    if (!run_reg || !run_cnt || !comp_run || !compN || !compSQ)
        goto nomem;
    uint32_t n_runs = 0;
    for (uint32_t i = 0; i < nr;) {
        uint32_t j = i, k = comp[sorted[i]];
        while (j < nr && comp[sorted[j]] == k && reg[sorted[j]] == reg[sorted[i]])
            j++;
        run_reg[n_runs] = reg[sorted[i]];
        run_cnt[n_runs] = j - i;
        comp_run[k + 1] = n_runs + 1;
        for (uint32_t q = i; q < j; q++)
            tval[sorted[q]] = j - i;
        compN[k] += j - i;
        compSQ[k] += (int64_t)(j - i) * (j - i);
        n_runs++;
        i = j;
    }
    if (cross_pairs)
        for (long k = 0; k < nc; k++)
            *cross_pairs += (double)(compN[k] * compN[k] - compSQ[k]) / 2;
    /* comp_run[k+1] holds one past the last run of k when k has runs; fill the gaps */
    for (long k = 0; k < nc; k++)
        if (comp_run[k + 1] < comp_run[k])
            comp_run[k + 1] = comp_run[k];

    /* Blocks and articulation points (igraph), then the forest: nodes
     * 0..nb-1 are blocks, nb.. articulation points; a vertex that is no
     * articulation point belongs to its one block. */
    if ((ie = igraph_vector_int_list_init(&blocks, 0)) != IGRAPH_SUCCESS)
        goto igraph_failed;
    have_blocks = 1;
    if ((ie = igraph_vector_int_init(&aps, 0)) != IGRAPH_SUCCESS)
        goto igraph_failed;
    have_aps = 1;
    igraph_integer_t nb_ = 0;
    if ((ie = igraph_biconnected_components(kl_agraph_igraph(g), &nb_, NULL, NULL, &blocks, &aps)) != IGRAPH_SUCCESS)
        goto igraph_failed;
    uint32_t nb = (uint32_t)nb_, na = (uint32_t)igraph_vector_int_size(&aps);
    n_nodes = nb + na;
    ap_index = malloc(n1 * sizeof *ap_index);
    owner = malloc(n1 * sizeof *owner);
    node_vertex = malloc(((size_t)na + 1) * sizeof *node_vertex);
    tdeg = calloc((size_t)n_nodes + 2, sizeof *tdeg);
    own_off = calloc((size_t)n_nodes + 2, sizeof *own_off);
    if (!ap_index || !owner || !node_vertex || !tdeg || !own_off)
        goto nomem;
    for (uint32_t v = 0; v < n; v++)
        ap_index[v] = owner[v] = -1;
    for (uint32_t i = 0; i < na; i++) {
        uint32_t v = (uint32_t)VECTOR(aps)[i];
        ap_index[v] = (int32_t)i;
        node_vertex[i] = v;
    }
    uint64_t tedges = 0;
    for (uint32_t b = 0; b < nb; b++) {
        igraph_vector_int_t *vs = igraph_vector_int_list_get_ptr(&blocks, b);
        for (igraph_integer_t i = 0; i < igraph_vector_int_size(vs); i++) {
            uint32_t u = (uint32_t)VECTOR(*vs)[i];
            if (ap_index[u] >= 0) {
                tdeg[b + 1]++;
                tdeg[nb + (uint32_t)ap_index[u] + 1]++;
                tedges++;
            } else {
                owner[u] = (int32_t)b;
            }
        }
    }
    for (uint32_t x = 0; x < n_nodes; x++)
        tdeg[x + 1] += tdeg[x];
    tadj = malloc((2 * tedges + 1) * sizeof *tadj);
    uint32_t *fill = malloc(((size_t)n_nodes + 1) * sizeof *fill);
    if (!tadj || !fill) {
        free(fill);
        goto nomem;
    }
    memcpy(fill, tdeg, (size_t)n_nodes * sizeof *fill);
    for (uint32_t b = 0; b < nb; b++) {
        igraph_vector_int_t *vs = igraph_vector_int_list_get_ptr(&blocks, b);
        for (igraph_integer_t i = 0; i < igraph_vector_int_size(vs); i++) {
            uint32_t u = (uint32_t)VECTOR(*vs)[i];
            if (ap_index[u] >= 0) {
                uint32_t a = nb + (uint32_t)ap_index[u];
                tadj[fill[b]++] = a;
                tadj[fill[a]++] = b;
            }
        }
    }
    free(fill);
    /* own regioned vertices per node */
    for (uint32_t v = 0; v < n; v++) {
        if (reg[v] < 0)
            continue;
        if (ap_index[v] >= 0)
            own_off[nb + (uint32_t)ap_index[v] + 1]++;
        else if (owner[v] >= 0)
            own_off[(uint32_t)owner[v] + 1]++;
    }
    for (uint32_t x = 0; x < n_nodes; x++)
        own_off[x + 1] += own_off[x];
    own = malloc(((size_t)own_off[n_nodes] + 1) * sizeof *own);
    fill = malloc(((size_t)n_nodes + 1) * sizeof *fill);
    if (!own || !fill) {
        free(fill);
        goto nomem;
    }
    memcpy(fill, own_off, (size_t)n_nodes * sizeof *fill);
    for (uint32_t v = 0; v < n; v++) {
        if (reg[v] < 0)
            continue;
        if (ap_index[v] >= 0)
            own[fill[nb + (uint32_t)ap_index[v]]++] = v;
        else if (owner[v] >= 0)
            own[fill[owner[v]]++] = v;
    }
    free(fill);

    /* Root every tree at its first block; pre-order, iteratively. */
    parent = malloc(((size_t)n_nodes + 1) * sizeof *parent);
    pre = malloc(((size_t)n_nodes + 1) * sizeof *pre);
    stack = malloc(((size_t)n_nodes + 1) * sizeof *stack);
    maps = calloc((size_t)n_nodes + 1, sizeof *maps);
    if (!parent || !pre || !stack || !maps)
        goto nomem;
    for (uint32_t x = 0; x < n_nodes; x++)
        parent[x] = KL_UNSEEN;
    uint32_t npre = 0;
    for (uint32_t root = 0; root < nb; root++) {
        if (parent[root] != KL_UNSEEN)
            continue;
        uint32_t top = 0;
        parent[root] = root;
        stack[top++] = root;
        while (top) {
            uint32_t x = stack[--top];
            pre[npre++] = x;
            for (uint32_t k = tdeg[x]; k < tdeg[x + 1]; k++) {
                uint32_t y = tadj[k];
                if (parent[y] == KL_UNSEEN) {
                    parent[y] = x;
                    stack[top++] = y;
                }
            }
        }
    }

    /* Scratch for one articulation point: its children's N, Q and region
     * lists (the lists only when cut pairs are wanted). */
    uint32_t maxdeg = 0;
    for (uint32_t x = nb; x < n_nodes; x++)
        if (tdeg[x + 1] - tdeg[x] > maxdeg)
            maxdeg = tdeg[x + 1] - tdeg[x];
    childN = malloc(((size_t)maxdeg + 1) * sizeof *childN);
    childQ = malloc(((size_t)maxdeg + 1) * sizeof *childQ);
    child_list_off = malloc(((size_t)maxdeg + 3) * sizeof *child_list_off);
    if (!childN || !childQ || !child_list_off)
        goto nomem;
    size_t keys_cap = 0;
    if (cuts) {
        mark = calloc((size_t)R * (size_t)R, sizeof *mark);
        cut_list = malloc(((size_t)R + 1) * sizeof *cut_list);
        if (!mark || !cut_list)
            goto nomem;
    }
    uint32_t stamp = 0;

    for (uint32_t i = npre; i-- > 0;) {
        uint32_t x = pre[i];
        int is_ap = x >= nb;
        uint32_t heavy = KL_UNSEEN, nch = 0;
        size_t nkeys = 0;
        for (uint32_t k = tdeg[x]; k < tdeg[x + 1]; k++) {
            uint32_t y = tadj[k];
            if (y == parent[x])
                continue;
            if (is_ap) {
                childN[nch] = maps[y].N;
                childQ[nch] = maps[y].Q;
                child_list_off[nch] = (uint32_t)nkeys;
                if (cuts) {
                    if (nkeys + maps[y].size > keys_cap) {
                        size_t cap = (nkeys + maps[y].size) * 2 + 16;
                        int32_t *nk = realloc(child_keys, cap * sizeof *nk);
                        if (!nk)
                            goto nomem;
                        child_keys = nk;
                        keys_cap = cap;
                    }
                    for (uint32_t q = 0; q < maps[y].cap; q++)
                        if (maps[y].key[q] >= 0)
                            child_keys[nkeys++] = maps[y].key[q];
                }
                nch++;
            }
            if (heavy == KL_UNSEEN || maps[y].size > maps[heavy].size)
                heavy = y;
        }
        if (is_ap)
            child_list_off[nch] = (uint32_t)nkeys;
        if (heavy != KL_UNSEEN) {
            maps[x] = maps[heavy];
            memset(&maps[heavy], 0, sizeof maps[heavy]);
        }
        for (uint32_t k = tdeg[x]; k < tdeg[x + 1]; k++) {
            uint32_t y = tadj[k];
            if (y != parent[x] && y != heavy && rmap_merge(&maps[x], &maps[y]) < 0)
                goto nomem;
        }
        for (uint32_t k = own_off[x]; k < own_off[x + 1]; k++) {
            if (rmap_add(&maps[x], reg[own[k]], 1) < 0)
                goto nomem;
            maps[x].A += tval[own[k]];
        }
        if (!is_ap)
            continue;

        uint32_t v = node_vertex[x - nb], C = comp[v];
        int32_t rho = reg[v];
        int64_t d = rho >= 0, Trho = d ? tval[v] : 0;
        int64_t Np = compN[C] - d, SQp = compSQ[C] - (d ? 2 * Trho - 1 : 0);
        int64_t mv = d ? (int64_t)rmap_get(&maps[x], rho) : 0;
        int64_t NS = maps[x].N - d, QS = maps[x].Q - (d ? 2 * mv - 1 : 0);
        int64_t TS = (maps[x].A - Trho) - (d ? mv - 1 : 0);
        int64_t NR = Np - NS, QR = SQp - 2 * TS + QS;
        if (disconnects) {
            int64_t twice = (Np * Np - SQp) - (NR * NR - QR);
            for (uint32_t q = 0; q < nch; q++)
                twice -= childN[q] * childN[q] - childQ[q];
            disconnects[v] = (uint64_t)(twice / 2);
        }
        if (!cuts)
            continue;
        /* Pairs of regions that share a piece are not cut; the others, both
         * present in C - v, are. */
        stamp++;
        for (uint32_t q = 0; q < nch; q++) {
            const int32_t *L = child_keys + child_list_off[q];
            uint32_t len = child_list_off[q + 1] - child_list_off[q];
            for (uint32_t s = 0; s < len; s++)
                for (uint32_t t = 0; t < len; t++)
                    if (L[s] < L[t])
                        mark[(size_t)L[s] * (size_t)R + (size_t)L[t]] = stamp;
        }
        uint32_t nrest = 0, npres = 0;
        for (uint32_t k = comp_run[C]; k < comp_run[C + 1]; k++) {
            int32_t r = run_reg[k];
            if ((int64_t)run_cnt[k] - (int64_t)rmap_get(&maps[x], r) > 0)
                cut_list[nrest++] = (uint32_t)r;
        }
        for (uint32_t s = 0; s < nrest; s++)
            for (uint32_t t = s + 1; t < nrest; t++) /* runs are sorted by region */
                mark[(size_t)cut_list[s] * (size_t)R + cut_list[t]] = stamp;
        for (uint32_t k = comp_run[C]; k < comp_run[C + 1]; k++)
            if ((int64_t)run_cnt[k] - (run_reg[k] == rho) > 0)
                cut_list[npres++] = (uint32_t)run_reg[k];
        for (uint32_t s = 0; s < npres; s++)
            for (uint32_t t = s + 1; t < npres; t++) {
                if (mark[(size_t)cut_list[s] * (size_t)R + cut_list[t]] == stamp)
                    continue;
                kl_i_cut_t *cut = kl_array_push(cuts);
                if (!cut)
                    goto nomem;
                *cut = (kl_i_cut_t){(int32_t)cut_list[s], (int32_t)cut_list[t], v};
            }
    }
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
    if (maps)
        for (uint32_t x = 0; x < n_nodes; x++)
            rmap_free(&maps[x]);
    free(maps);
    free(comp);
    free(bucket);
    free(sorted);
    free(tmp);
    free(tval);
    free(run_reg);
    free(run_cnt);
    free(comp_run);
    free(compN);
    free(compSQ);
    free(ap_index);
    free(owner);
    free(tdeg);
    free(tadj);
    free(own_off);
    free(own);
    free(parent);
    free(pre);
    free(stack);
    free(node_vertex);
    free(cut_list);
    free(mark);
    free(childN);
    free(childQ);
    free(child_list_off);
    free(child_keys);
    return rc;
}

kl_err kl_whatif_rank(const kl_agraph_t *g, uint64_t *disconnects, double *cross_pairs, kl_error_t *err)
{
    if (!g || !g->initialized || !disconnects)
        return kl_error_set(err, KL_EINVAL, NULL, 0, 0, "whatif needs a built graph");
    return kl_i_blockcut(g, disconnects, NULL, cross_pairs, err);
}

/* ------------------------------------------------------------ whatif --remove */

typedef struct {
    const kl_agraph_t *g;
    const uint8_t *gone, *counted;
    const uint32_t *sources;
    const uint32_t *same; /* NULL, or a label per vertex: only targets with the source's label count */
} dsum_shared_t;

typedef struct {
    kl_i_sssp_t w;
    double sum;
} dsum_lane_t;

/* Sum of the distances from one source to the counted actors of other
 * regions (each unordered pair is seen from both ends). */
static void dsum_task(void *lane, uint32_t task, void *shared)
{
    dsum_lane_t *l = lane;
    const dsum_shared_t *sh = shared;
    uint32_t s = sh->sources[task];
    int32_t rs = sh->g->vertex_region[s];
    kl_i_sssp_run(&l->w, &sh->g->csr, &s, 1, sh->gone);
    double sum = 0;
    for (uint32_t i = 1; i < l->w.reached; i++) {
        uint32_t t = l->w.order[i];
        if (sh->counted[t] && sh->g->vertex_region[t] != rs && (!sh->same || sh->same[t] == sh->same[s]))
            sum += l->w.dist[t];
    }
    l->sum += sum;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sum over `sources` of dsum_task, on `threads` threads; returns NAN when
 * out of memory. */
static double distance_sum(const dsum_shared_t *sh, uint32_t n_sources, int weighted, int threads)
{
    dsum_lane_t lanes[KL_I_LANES];
    void *ctx[KL_I_LANES];
    double sum = NAN;
    memset(lanes, 0, sizeof lanes);
    for (int l = 0; l < KL_I_LANES; l++) {
        if (kl_i_sssp_init(&lanes[l].w, &sh->g->csr, weighted, 0) != KL_OK)
            goto cleanup;
        ctx[l] = &lanes[l];
    }
    kl_i_lanes_run(n_sources, threads, ctx, dsum_task, (void *)sh);
    sum = 0;
    for (int l = 0; l < KL_I_LANES; l++)
        sum += lanes[l].sum;
cleanup:
    for (int l = 0; l < KL_I_LANES; l++)
        kl_i_sssp_free(&lanes[l].w);
    return sum;
}

/* One state: vertices in `gone` are deleted, only vertices in `counted`
 * (which have a region) are endpoints of pairs.  comp_out (n entries, or
 * NULL) receives the component of every vertex (UINT32_MAX for gone ones). */
static kl_err state_compute(kl_whatif_state_t *st, const kl_agraph_t *g, const uint8_t *gone, const uint8_t *counted,
                            const kl_whatif_t *w, const int32_t *pair_index, int32_t R, int weighted, int threads,
                            int full, uint32_t *comp_out, kl_error_t *err)
{
    uint32_t n = g->n;
    size_t n1 = (size_t)n + 1;
    kl_err rc = KL_OK;
    uint32_t *comp = comp_out ? comp_out : malloc(n1 * sizeof *comp), *queue = malloc(n1 * sizeof *queue);
    uint64_t *keys = malloc(n1 * sizeof *keys);
    uint32_t *by_region = NULL, *rstart = NULL;
    kl_i_sssp_t sp;
    memset(&sp, 0, sizeof sp);
    st->pair_connected = calloc((size_t)w->n_pairs + 1, 1);
    st->pair_distance = malloc(((size_t)w->n_pairs + 1) * sizeof *st->pair_distance);
    if (!comp || !queue || !keys || !st->pair_connected || !st->pair_distance)
        goto nomem;
    for (uint32_t v = 0; v < n; v++)
        comp[v] = UINT32_MAX;
    uint32_t nc = 0;
    for (uint32_t s = 0; s < n; s++) {
        if (comp[s] != UINT32_MAX || (gone && gone[s]))
            continue;
        uint32_t head = 0, tail = 0;
        queue[tail++] = s;
        comp[s] = nc;
        while (head < tail) {
            uint32_t u = queue[head++];
            for (uint32_t k = g->csr.offset[u]; k < g->csr.offset[u + 1]; k++) {
                uint32_t x = g->csr.adj[k];
                if (comp[x] == UINT32_MAX && !(gone && gone[x])) {
                    comp[x] = nc;
                    queue[tail++] = x;
                }
            }
        }
        nc++;
    }
    /* (component, region) of the counted actors, sorted: runs give the counts */
    uint32_t nk = 0;
    for (uint32_t v = 0; v < n; v++)
        if (counted[v])
            keys[nk++] = (uint64_t)comp[v] << 32 | (uint32_t)g->vertex_region[v];
    qsort(keys, nk, sizeof *keys, cmp_u64);
    double *total = calloc((size_t)R + 1, sizeof *total);
    if (!total)
        goto nomem;
    st->actors = nk;
    double connected = 0;
    for (uint32_t i = 0; i < nk;) {
        uint32_t j = i;
        double N = 0, SQ = 0;
        while (j < nk && keys[j] >> 32 == keys[i] >> 32) {
            uint32_t k = j;
            while (k < nk && keys[k] == keys[j])
                k++;
            N += k - j;
            SQ += (double)(k - j) * (k - j);
            total[(int32_t)(uint32_t)keys[j]] += k - j;
            /* pairs with the earlier regions of this component */
            for (uint32_t q = i; q < j;) {
                int32_t a = (int32_t)(uint32_t)keys[q], b = (int32_t)(uint32_t)keys[j];
                int32_t p = pair_index[(size_t)a * (size_t)R + (size_t)b];
                if (p >= 0)
                    st->pair_connected[p] = 1;
                while (q < j && (int32_t)(uint32_t)keys[q] == a)
                    q++;
            }
            j = k;
        }
        connected += (N * N - SQ) / 2;
        i = j;
    }
    double all = 0, sq = 0;
    for (int32_t r = 0; r < R; r++) {
        all += total[r];
        sq += total[r] * total[r];
    }
    free(total);
    st->cross_pairs = (all * all - sq) / 2;
    st->connected_pairs = connected;
    st->distance_sum = NAN;
    for (uint32_t p = 0; p < w->n_pairs; p++)
        st->pair_distance[p] = NAN;
    if (!full)
        goto cleanup;

    /* distances between regions: one multi-source pass per region */
    by_region = malloc(n1 * sizeof *by_region);
    rstart = calloc((size_t)R + 2, sizeof *rstart);
    if (!by_region || !rstart)
        goto nomem;
    for (uint32_t v = 0; v < n; v++)
        if (counted[v])
            rstart[g->vertex_region[v] + 2]++;
    for (int32_t r = 0; r < R; r++)
        rstart[r + 2] += rstart[r + 1];
    for (uint32_t v = 0; v < n; v++)
        if (counted[v])
            by_region[rstart[g->vertex_region[v] + 1]++] = v;
    if (kl_i_sssp_init(&sp, &g->csr, weighted, 0) != KL_OK)
        goto nomem;
    for (int32_t a = 0; a < R; a++) {
        if (rstart[a + 1] == rstart[a])
            continue;
        int any = 0;
        for (int32_t b = a + 1; b < R && !any; b++)
            any = pair_index[(size_t)a * (size_t)R + (size_t)b] >= 0;
        if (!any)
            continue;
        kl_i_sssp_run(&sp, &g->csr, by_region + rstart[a], rstart[a + 1] - rstart[a], gone);
        for (int32_t b = a + 1; b < R; b++) {
            int32_t p = pair_index[(size_t)a * (size_t)R + (size_t)b];
            if (p < 0 || !st->pair_connected[p])
                continue;
            double best = INFINITY;
            for (uint32_t i = rstart[b]; i < rstart[b + 1]; i++)
                if (sp.dist[by_region[i]] < best)
                    best = sp.dist[by_region[i]];
            st->pair_distance[p] = best;
        }
    }

    /* mean inter-regional distance: a pass from every counted actor */
    dsum_shared_t sh = {g, gone, counted, by_region, NULL};
    st->distance_sum = distance_sum(&sh, rstart[R], weighted, threads) / 2;
    if (isnan(st->distance_sum))
        goto nomem;
    goto cleanup;
nomem:
    rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
cleanup:
    kl_i_sssp_free(&sp);
    if (comp != comp_out)
        free(comp);
    free(queue);
    free(keys);
    free(by_region);
    free(rstart);
    return rc;
}

static int cmp_region_id(const void *x, const void *y, void *ctx)
{
    const kl_dataset_t *ds = ctx;
    return strcmp(ds->regions[*(const uint32_t *)x].id, ds->regions[*(const uint32_t *)y].id);
}

kl_err kl_whatif_compare(kl_whatif_t *out, const kl_dataset_t *ds, const kl_agraph_t *g, const uint32_t *removed,
                         uint32_t n_removed, int weighted, int threads, kl_error_t *err)
{
    memset(out, 0, sizeof *out);
    if (!g || !g->initialized || !ds)
        return kl_error_set(err, KL_EINVAL, NULL, 0, 0, "whatif needs a built graph");
    uint32_t n = g->n;
    size_t n1 = (size_t)n + 1;
    kl_err rc = KL_OK;
    uint8_t *gone = calloc(n1, 1), *before = calloc(n1, 1), *after = calloc(n1, 1);
    int32_t R = (int32_t)ds->n_regions;
    uint32_t *present = calloc((size_t)R + 1, sizeof *present), *sorted = malloc(((size_t)R + 1) * sizeof *sorted);
    int32_t *pair_index = malloc(((size_t)R * (size_t)R + 1) * sizeof *pair_index);
    uint32_t *comp_after = NULL, *sources = NULL;
    kl_whatif_state_t kept;
    memset(&kept, 0, sizeof kept);
    if (!gone || !before || !after || !present || !sorted || !pair_index)
        goto nomem;
    for (uint32_t i = 0; i < n_removed; i++) {
        if (removed[i] >= n) {
            rc = kl_error_set(err, KL_EINVAL, NULL, 0, 0, "vertex %u out of range", removed[i]);
            goto cleanup;
        }
        gone[removed[i]] = 1;
    }
    for (uint32_t v = 0; v < n; v++) {
        before[v] = g->vertex_region[v] >= 0;
        after[v] = before[v] && !gone[v];
        if (before[v])
            present[g->vertex_region[v]] = 1;
    }
    /* pairs of regions with actors before the removal, by ids */
    uint32_t nr = 0;
    for (int32_t r = 0; r < R; r++)
        if (present[r])
            sorted[nr++] = (uint32_t)r;
    qsort_r(sorted, nr, sizeof *sorted, cmp_region_id, (void *)ds);
    for (size_t i = 0; i < (size_t)R * (size_t)R; i++)
        pair_index[i] = -1;
    out->n_pairs = nr > 1 ? nr * (nr - 1) / 2 : 0;
    out->pair_a = malloc(((size_t)out->n_pairs + 1) * sizeof *out->pair_a);
    out->pair_b = malloc(((size_t)out->n_pairs + 1) * sizeof *out->pair_b);
    if (!out->pair_a || !out->pair_b)
        goto nomem;
    uint32_t p = 0;
    for (uint32_t i = 0; i < nr; i++)
        for (uint32_t j = i + 1; j < nr; j++, p++) {
            uint32_t a = sorted[i], b = sorted[j];
            out->pair_a[p] = a;
            out->pair_b[p] = b;
            /* indexed both ways: the passes look pairs up by region number */
            pair_index[(size_t)a * (size_t)R + b] = (int32_t)p;
            pair_index[(size_t)b * (size_t)R + a] = (int32_t)p;
        }
    if ((rc = state_compute(&out->before, g, NULL, before, out, pair_index, R, weighted, threads, 1, NULL, err)) !=
        KL_OK)
        goto cleanup;
    comp_after = malloc(n1 * sizeof *comp_after);
    sources = malloc(n1 * sizeof *sources);
    if (!comp_after || !sources)
        goto nomem;
    if ((rc = state_compute(&out->after, g, gone, after, out, pair_index, R, weighted, threads, 1, comp_after, err)) !=
        KL_OK)
        goto cleanup;
    /* the same pairs before the removal: those that stay connected, with
     * their distances in the whole graph (a removal never shortens a path) */
    uint32_t n_sources = 0;
    for (uint32_t v = 0; v < n; v++)
        if (after[v])
            sources[n_sources++] = v;
    dsum_shared_t sh = {g, NULL, after, sources, comp_after};
    out->kept_distance_sum = distance_sum(&sh, n_sources, weighted, threads) / 2;
    if (isnan(out->kept_distance_sum))
        goto nomem;
    /* pairs connected before among the actors that stay */
    if ((rc = state_compute(&kept, g, NULL, after, out, pair_index, R, weighted, threads, 0, NULL, err)) != KL_OK)
        goto cleanup;
    out->lost_pairs = kept.connected_pairs - out->after.connected_pairs;
    goto cleanup;
nomem:
    rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
cleanup:
    free(comp_after);
    free(sources);
    free(kept.pair_connected);
    free(kept.pair_distance);
    free(gone);
    free(before);
    free(after);
    free(present);
    free(sorted);
    free(pair_index);
    return rc;
}

void kl_whatif_destroy(kl_whatif_t *w)
{
    if (!w)
        return;
    free(w->pair_a);
    free(w->pair_b);
    free(w->before.pair_connected);
    free(w->before.pair_distance);
    free(w->after.pair_connected);
    free(w->after.pair_distance);
    memset(w, 0, sizeof *w);
}

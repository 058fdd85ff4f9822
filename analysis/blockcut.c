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

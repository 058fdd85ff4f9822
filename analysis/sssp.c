/* analysis/sssp.c - the sweeps of the path kernel (sssp.h): connected
 * components and eccentricity by BFS, single- or multi-source shortest
 * paths by BFS or by Dijkstra with one binary heap, and the shortest-path
 * DAG (path counts and successors) that Brandes passes and path sampling
 * walk. */
#include "sssp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KL_UNSEEN UINT32_MAX

/* ------------------------------------------------------------ components */

long kl_i_components(const kl_csr_t *g, const uint32_t *order, const uint8_t *gone, uint32_t *component,
                     uint32_t *size, uint32_t *ecc)
{
    uint32_t n = g->n;
    uint32_t *queue = malloc(((size_t)n + 1) * sizeof *queue);
    if (!queue)
        return -1;
    for (uint32_t v = 0; v < n; v++)
        component[v] = UINT32_MAX;
    uint32_t c = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t s = order ? order[i] : i;
        if (component[s] != UINT32_MAX || (gone && gone[s]))
            continue;
        /* level_end: where the level after the current one starts */
        uint32_t head = 0, tail = 0, level = 0, level_end = 1;
        queue[tail++] = s;
        component[s] = c;
        while (head < tail) {
            if (head == level_end) {
                level++;
                level_end = tail;
            }
            uint32_t u = queue[head++];
            for (uint32_t k = g->offset[u]; k < g->offset[u + 1]; k++) {
                uint32_t w = g->adj[k];
                if (component[w] == UINT32_MAX && !(gone && gone[w])) {
                    component[w] = c;
                    queue[tail++] = w;
                }
            }
        }
        if (size)
            size[c] = tail;
        if (ecc)
            ecc[c] = level;
        c++;
    }
    free(queue);
    return (long)c;
}

long kl_components_label(const kl_csr_t *g, const uint32_t *order, uint32_t *component, uint32_t *size)
{
    return kl_i_components(g, order, NULL, component, size, NULL);
}

/* ------------------------------------------------------------ heap */

/* Binary min-heap of vertices keyed by dist[]; hpos[v] is v's slot. */
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

/* Sift heap[0] down in a heap of size entries. */
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

/* ------------------------------------------------------------ sweeps */

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

/* Length of adjacency slot e: the caller's lengths when given, else 1/w
 * (the same double either way). */
static inline double slot_len(const kl_i_sssp_t *w, const kl_csr_t *g, uint32_t e)
{
    return w->len ? w->len[e] : 1.0 / g->w[e];
}

/* Breadth-first from the sources: order, oidx, dist in hops. */
static uint32_t sweep_hops(kl_i_sssp_t *w, const kl_csr_t *g, const uint32_t *src, uint32_t n_src,
                           const uint8_t *gone)
{
    const uint32_t *off = g->offset, *adj = g->adj;
    double *dist = w->dist;
    uint32_t *order = w->order, *oidx = w->oidx, tail = 0;
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
    return tail;
}

/* Dijkstra from the sources: order (settle order), oidx, dist.  A tentative
 * distance is replaced only by one shorter beyond the relative tolerance;
 * the DAG is then read off the final distances with one predicate (settled
 * earlier, length equal within tolerance), so path counts and the backward
 * sweeps agree on the predecessors even when a tentative distance was
 * replaced by a shorter one. */
static uint32_t sweep_lengths(kl_i_sssp_t *w, const kl_csr_t *g, const uint32_t *src, uint32_t n_src,
                              const uint8_t *gone)
{
    const uint32_t *off = g->offset, *adj = g->adj;
    double *dist = w->dist;
    uint32_t *order = w->order, *oidx = w->oidx, *heap = w->heap, *hpos = w->hpos;
    uint32_t size = 0, tail = 0;
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
            double nd = dv + slot_len(w, g, e);
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
    return tail;
}

/* sigma and successors, in settle order: every predecessor of order[i]
 * settles before it, so sigma[i] is final when i is reached. */
static void count_paths(kl_i_sssp_t *w, const kl_csr_t *g)
{
    const uint32_t *off = g->offset, *adj = g->adj, *order = w->order, *oidx = w->oidx;
    const double *dist = w->dist;
    double *sigma = w->sigma;
    uint32_t pos = 0, tail = w->reached;
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
            int succ = w->weighted ? kl_i_len_equal(dv + slot_len(w, g, e), dist[adj[e]]) : dist[adj[e]] == dv + 1;
            if (succ) {
                sigma[o] += sv;
                w->succ[pos++] = o;
            }
        }
    }
    w->sstart[tail] = pos;
}

void kl_i_sssp_run(kl_i_sssp_t *w, const kl_csr_t *g, const uint32_t *src, uint32_t n_src, const uint8_t *gone)
{
    for (uint32_t i = 0; i < w->reached; i++) {
        w->dist[w->order[i]] = INFINITY;
        w->oidx[w->order[i]] = KL_UNSEEN;
    }
    w->reached = w->weighted ? sweep_lengths(w, g, src, n_src, gone) : sweep_hops(w, g, src, n_src, gone);
    if (w->sigma)
        count_paths(w, g);
}

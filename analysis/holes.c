/* analysis/holes.c - Burt's structural holes: constraint and effective size,
 * weighted, exactly as NetworkX defines them (nx.constraint and
 * nx.effective_size with weight="weight"), over the CSR arrays.
 *
 * On an undirected graph NetworkX's mutual weight of u and v is 2 w_uv, so
 *   p_uv = w_uv / s_u                       (normalised mutual weight, s = strength)
 *   constraint(u) = sum_{v in N(u)} (p_uv + sum_{w in N(u) & N(v)} p_uw w_wv / s_w)^2
 *   effective_size(u) = sum_{v in N(u)} (1 - sum_{w in N(u) & N(v)} p_uw w_vw / max_x w_vx)
 * Both inner sums run over the common neighbours of the edge (u, v), found
 * from the cheaper side: scanning N(v) against marks on N(u), or binary
 * searches of N(u)'s members in N(v)'s sorted list.  igraph's constraint
 * differs from NetworkX's in details, hence this implementation. */
#include "analysis_internal.h"

#include <math.h>
#include <stdlib.h>

/* Position of x in the sorted slice adj[lo..hi), or UINT32_MAX. */
static uint32_t find_sorted(const uint32_t *adj, uint32_t lo, uint32_t hi, uint32_t x)
{
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (adj[mid] < x)
            lo = mid + 1;
        else if (adj[mid] > x)
            hi = mid;
        else
            return mid;
    }
    return UINT32_MAX;
}

static uint32_t log2_ceil(uint32_t x)
{
    uint32_t r = 1;
    while (x > 1) {
        x >>= 1;
        r++;
    }
    return r;
}

kl_err kl_holes_compute(const kl_csr_t *g, double *constraint, double *effective_size)
{
    uint32_t n = g->n;
    size_t n1 = (size_t)n + 1;
    double *s = malloc(n1 * sizeof *s), *maxw = malloc(n1 * sizeof *maxw), *p = malloc(n1 * sizeof *p);
    uint32_t *mark = malloc(n1 * sizeof *mark);
    if (!s || !maxw || !p || !mark) {
        free(s);
        free(maxw);
        free(p);
        free(mark);
        return KL_ENOMEM;
    }
    for (uint32_t v = 0; v < n; v++) {
        double sum = 0, mx = 0;
        for (uint32_t k = g->offset[v]; k < g->offset[v + 1]; k++) {
            sum += g->w[k];
            if (g->w[k] > mx)
                mx = g->w[k];
        }
        s[v] = sum;
        maxw[v] = mx;
        mark[v] = UINT32_MAX;
    }
    for (uint32_t u = 0; u < n; u++) {
        uint32_t ulo = g->offset[u], uhi = g->offset[u + 1], du = uhi - ulo;
        if (du == 0) {
            if (constraint)
                constraint[u] = NAN;
            if (effective_size)
                effective_size[u] = NAN;
            continue;
        }
        for (uint32_t k = ulo; k < uhi; k++) {
            mark[g->adj[k]] = u;
            p[g->adj[k]] = g->w[k] / s[u];
        }
        double c = 0, e = 0;
        for (uint32_t k = ulo; k < uhi; k++) {
            uint32_t v = g->adj[k];
            uint32_t vlo = g->offset[v], vhi = g->offset[v + 1], dv = vhi - vlo;
            double a = 0, b = 0;
            if ((uint64_t)dv <= (uint64_t)du * log2_ceil(dv)) {
                for (uint32_t j = vlo; j < vhi; j++) {
                    uint32_t x = g->adj[j];
                    if (mark[x] == u) {
                        a += p[x] * (g->w[j] / s[x]);
                        b += p[x] * (g->w[j] / maxw[v]);
                    }
                }
            } else {
                for (uint32_t i = ulo; i < uhi; i++) {
                    uint32_t x = g->adj[i];
                    if (x == v)
                        continue;
                    uint32_t j = find_sorted(g->adj, vlo, vhi, x);
                    if (j != UINT32_MAX) {
                        a += p[x] * (g->w[j] / s[x]);
                        b += p[x] * (g->w[j] / maxw[v]);
                    }
                }
            }
            double direct = p[v] + a;
            c += direct * direct;
            e += 1.0 - b;
        }
        if (constraint)
            constraint[u] = c;
        if (effective_size)
            effective_size[u] = e;
    }
    free(s);
    free(maxw);
    free(p);
    free(mark);
    return KL_OK;
}

/* analysis/whatif.c - what removing actors costs the regions: whatif --rank
 * (through the block-cut forest) and the before/after comparison of
 * whatif --remove. */
#include "analysis_internal.h"
#include "sssp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
                            const kl_whatif_t *w, const kl_i_pair_ix_t *px, int32_t R, int weighted, int threads,
                            int full, uint32_t *comp_out, kl_error_t *err)
{
    uint32_t n = g->n;
    size_t n1 = (size_t)n + 1;
    kl_err rc = KL_OK;
    uint32_t *comp = comp_out ? comp_out : malloc(n1 * sizeof *comp);
    uint64_t *keys = malloc(n1 * sizeof *keys);
    uint32_t *by_region = NULL, *rstart = NULL;
    kl_i_sssp_t sp;
    memset(&sp, 0, sizeof sp);
    st->pair_connected = calloc((size_t)w->n_pairs + 1, 1);
    st->pair_distance = malloc(((size_t)w->n_pairs + 1) * sizeof *st->pair_distance);
    if (!comp || !keys || !st->pair_connected || !st->pair_distance)
        goto nomem;
    if (kl_i_components(&g->csr, NULL, gone, comp, NULL, NULL) < 0)
        goto nomem;
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
                int32_t p = kl_i_pair_at(px, (uint32_t)a, (uint32_t)b);
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
    /* from the lower region number of each pair, as the passes always ran;
     * over the regions with actors only (px->with), not all declared */
    for (uint32_t k = 0; k < px->nr; k++) {
        uint32_t a = px->with[k];
        if (rstart[a + 1] == rstart[a])
            continue;
        int any = 0;
        for (uint32_t j = 0; j < px->nr && !any; j++)
            any = px->with[j] > a;
        if (!any)
            continue;
        kl_i_sssp_run(&sp, &g->csr, by_region + rstart[a], rstart[a + 1] - rstart[a], gone);
        for (uint32_t j = 0; j < px->nr; j++) {
            uint32_t b = px->with[j];
            int32_t p = b > a ? kl_i_pair_at(px, a, b) : -1;
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
    kl_i_pair_ix_t px = {malloc(((size_t)R + 1) * sizeof(int32_t)), NULL, 0};
    uint32_t *comp_after = NULL, *sources = NULL;
    kl_whatif_state_t kept;
    memset(&kept, 0, sizeof kept);
    if (!gone || !before || !after || !present || !sorted || !px.rank)
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
    for (int32_t r = 0; r < R; r++)
        px.rank[r] = -1;
    for (uint32_t i = 0; i < nr; i++)
        px.rank[sorted[i]] = (int32_t)i;
    px.with = sorted;
    px.nr = nr;
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
        }
    if ((rc = state_compute(&out->before, g, NULL, before, out, &px, R, weighted, threads, 1, NULL, err)) !=
        KL_OK)
        goto cleanup;
    comp_after = malloc(n1 * sizeof *comp_after);
    sources = malloc(n1 * sizeof *sources);
    if (!comp_after || !sources)
        goto nomem;
    if ((rc = state_compute(&out->after, g, gone, after, out, &px, R, weighted, threads, 1, comp_after, err)) !=
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
    if ((rc = state_compute(&kept, g, NULL, after, out, &px, R, weighted, threads, 0, NULL, err)) != KL_OK)
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
    free(px.rank);
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

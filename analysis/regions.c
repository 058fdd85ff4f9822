/* analysis/regions.c - which actors connect regions: per-region tie counts,
 * per-actor region mixing (participation, E-I index, regions reached), and
 * per region pair connection, distance, brokers and cut actors. */
#include "analysis_internal.h"
#include "sampling.h"
#include "sssp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Memory for the pair sums of one kernel run; more exact pairs than fit
 * run in further batches. */
#define KL_BROKER_MEMORY (512ull << 20)

void kl_regions_options_init(kl_regions_options_t *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->top = 5;
    opt->exact_pairs = 20;
    opt->broker_work_limit = KL_BROKER_WORK_LIMIT;
}

void kl_regions_destroy(kl_regions_t *r)
{
    if (!r)
        return;
    for (uint32_t p = 0; r->pairs && p < r->n_pairs; p++) {
        free(r->pairs[p].brokers);
        free(r->pairs[p].cut);
    }
    free(r->pairs);
    free(r->regions);
    free(r->regions_reached);
    free(r->participation_region);
    free(r->participation_community);
    free(r->ei_index);
    free(r->disconnects);
    free(r->irb);
    free(r->irb_share);
    free(r->broker_plan);
    memset(r, 0, sizeof *r);
}

static int cmp_region_id(const void *x, const void *y, void *ctx)
{
    const kl_dataset_t *ds = ctx;
    return strcmp(ds->regions[*(const uint32_t *)x].id, ds->regions[*(const uint32_t *)y].id);
}

typedef struct {
    const kl_dataset_t *ds;
    const kl_agraph_t *g;
} idctx_t;

static const char *vid(const idctx_t *c, uint32_t v)
{
    return c->ds->entities[c->g->vertex_entity[v]].id;
}

static int cmp_vertex_id(const void *x, const void *y, void *ctx)
{
    return strcmp(vid(ctx, *(const uint32_t *)x), vid(ctx, *(const uint32_t *)y));
}

/* Share descending, then id.  Shares within KL_SHARE_TIE relative are
 * equal: two actors on the same number of paths get sums that differ only
 * by the order of their additions, and the id, not that order, must decide
 * which one is listed. */
#define KL_SHARE_TIE 1e-12
static int cmp_broker(const void *x, const void *y, void *ctx)
{
    const kl_broker_t *a = x, *b = y;
    if (fabs(a->share - b->share) > KL_SHARE_TIE * fmax(fabs(a->share), fabs(b->share)))
        return a->share > b->share ? -1 : 1;
    return strcmp(vid(ctx, a->vertex), vid(ctx, b->vertex));
}

/* links descending, then actor_pairs descending, then pair order (region ids) */
static int cmp_by_links(const void *x, const void *y, void *ctx)
{
    const kl_region_pair_t *pairs = ctx;
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    if (pairs[a].links != pairs[b].links)
        return pairs[a].links > pairs[b].links ? -1 : 1;
    if (pairs[a].actor_pairs != pairs[b].actor_pairs)
        return pairs[a].actor_pairs > pairs[b].actor_pairs ? -1 : 1;
    return (a > b) - (a < b);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* ------------------------------------------------------------ per actor */

static kl_err actor_mixing(kl_regions_t *out, const kl_agraph_t *g, int32_t R, const uint32_t *community)
{
    const kl_csr_t *c = &g->csr;
    const int32_t *reg = g->vertex_region;
    uint32_t n = g->n;
    uint32_t *cnt = calloc((size_t)(R > 0 ? R : 1) + (size_t)n + 1, sizeof *cnt);
    uint32_t *touched = malloc(((size_t)n + 1) * sizeof *touched);
    if (!cnt || !touched) {
        free(cnt);
        free(touched);
        return KL_ENOMEM;
    }
    for (uint32_t v = 0; v < n; v++) {
        uint32_t nt = 0, k = 0, reached = 0;
        int own_seen = 0;
        for (uint32_t e = c->offset[v]; e < c->offset[v + 1]; e++) {
            int32_t r = reg[c->adj[e]];
            if (r < 0)
                continue;
            if (cnt[r]++ == 0)
                touched[nt++] = (uint32_t)r;
            k++;
        }
        double sq = 0;
        for (uint32_t i = 0; i < nt; i++) {
            double f = (double)cnt[touched[i]] / k;
            sq += f * f;
            own_seen |= (int32_t)touched[i] == reg[v];
        }
        reached = nt + (reg[v] >= 0 && !own_seen);
        out->regions_reached[v] = reached;
        out->participation_region[v] = k ? 1.0 - sq : NAN;
        if (reg[v] >= 0 && k > 0) {
            double internal = cnt[reg[v]], external = k - internal;
            out->ei_index[v] = (external - internal) / (external + internal);
        } else {
            out->ei_index[v] = NAN;
        }
        for (uint32_t i = 0; i < nt; i++)
            cnt[touched[i]] = 0;

        /* the same over communities, k = degree */
        uint32_t deg = c->offset[v + 1] - c->offset[v];
        if (!community || deg == 0) {
            out->participation_community[v] = NAN;
            continue;
        }
        uint32_t *cc = cnt + (R > 0 ? R : 1);
        nt = 0;
        for (uint32_t e = c->offset[v]; e < c->offset[v + 1]; e++)
            if (cc[community[c->adj[e]]]++ == 0)
                touched[nt++] = community[c->adj[e]];
        sq = 0;
        for (uint32_t i = 0; i < nt; i++) {
            double f = (double)cc[touched[i]] / deg;
            sq += f * f;
            cc[touched[i]] = 0;
        }
        out->participation_community[v] = 1.0 - sq;
    }
    free(cnt);
    free(touched);
    return KL_OK;
}

/* ------------------------------------------------------------ links */

/* Add to each pair's links (which already hold its direct ties) one per
 * regionless actor tied to both regions: for every regionless x, the
 * distinct regions of its neighbours, then every pair of them.  The marks
 * say which regions x has already listed, so each x counts once per pair.
 * O(n + m + sum over regionless x of r_x^2), r_x = distinct regions among
 * x's neighbours (at most min(deg x, R)); memory O(R).  -1 when out of
 * memory. */
static int add_regionless_links(kl_regions_t *out, const kl_agraph_t *g, int32_t R, const kl_i_pair_ix_t *px)
{
    const kl_csr_t *c = &g->csr;
    const int32_t *reg = g->vertex_region;
    uint32_t *mark = calloc((size_t)R + 1, sizeof *mark), *listed = malloc(((size_t)R + 1) * sizeof *listed);
    if (!mark || !listed) {
        free(mark);
        free(listed);
        return -1;
    }
    for (uint32_t x = 0; x < g->n; x++) {
        if (reg[x] >= 0)
            continue;
        uint32_t nr = 0;
        for (uint32_t e = c->offset[x]; e < c->offset[x + 1]; e++) {
            int32_t r = reg[c->adj[e]];
            if (r >= 0 && mark[r] != x + 1) {
                mark[r] = x + 1;
                listed[nr++] = (uint32_t)r;
            }
        }
        for (uint32_t i = 0; i < nr; i++)
            for (uint32_t k = i + 1; k < nr; k++)
                out->pairs[kl_i_pair_at(px, listed[i], listed[k])].links++;
    }
    free(mark);
    free(listed);
    return 0;
}

/* ------------------------------------------------------------ brokers */

/* Sort the candidates (share down, then id) and keep the first `top` as
 * the pair's brokers; -1 when out of memory. */
static int keep_brokers(kl_region_pair_t *pr, kl_broker_t *cand, uint32_t nc, uint32_t top, idctx_t *ic)
{
    qsort_r(cand, nc, sizeof *cand, cmp_broker, ic);
    uint32_t keep = nc < top ? nc : top;
    pr->brokers = malloc(((size_t)keep + 1) * sizeof *pr->brokers);
    if (!pr->brokers)
        return -1;
    memcpy(pr->brokers, cand, (size_t)keep * sizeof *cand);
    pr->n_brokers = keep;
    return 0;
}

void kl_pair_sums_destroy(kl_pair_sums_t *s)
{
    if (!s)
        return;
    free(s->pair);
    free(s->src);
    free(s->dst);
    free(s->sum);
    memset(s, 0, sizeof *s);
}

/* Actors per ds region index. */
static uint32_t *actors_by_region(const kl_regions_t *out)
{
    uint32_t *na = calloc((size_t)out->n_regions + 1, sizeof *na);
    for (uint32_t i = 0; na && i < out->n_regions; i++)
        na[out->regions[i].region] = out->regions[i].actors;
    return na;
}

/* The next batch of exact pairs, from pair index *cursor on, as many as
 * KL_BROKER_MEMORY holds (at least one): their kernel pairs run from the
 * smaller region (a on ties; the sum over s in a, t in b is symmetric).
 * *cursor moves past the batch.  KL_ENOMEM. */
static kl_err pair_batch(const kl_regions_t *out, uint32_t n, uint32_t *cursor, kl_pair_sums_t *b)
{
    memset(b, 0, sizeof *b);
    /* per pair: the kernel's accumulator in each lane, its coefficients
     * and the sums handed back, n doubles each */
    uint64_t per_pair = ((uint64_t)KL_I_LANES * 2 + 1) * 8 * ((uint64_t)n + 1);
    uint64_t most = KL_BROKER_MEMORY / per_pair;
    uint32_t *na = actors_by_region(out), first = *cursor, k = 0;
    if (most < 1)
        most = 1;
    uint32_t p = first;
    for (; p < out->n_pairs && k < most; p++)
        k += out->broker_plan[p] == KL_BROKERS_EXACT;
    b->pair = malloc(((size_t)k + 1) * sizeof *b->pair);
    b->src = malloc(((size_t)k + 1) * sizeof *b->src);
    b->dst = malloc(((size_t)k + 1) * sizeof *b->dst);
    b->sum = calloc((size_t)k * n + 1, sizeof *b->sum);
    if (!na || !b->pair || !b->src || !b->dst || !b->sum) {
        free(na);
        kl_pair_sums_destroy(b);
        return KL_ENOMEM;
    }
    for (uint32_t q = first; q < p; q++) {
        const kl_region_pair_t *pr = &out->pairs[q];
        if (out->broker_plan[q] != KL_BROKERS_EXACT)
            continue;
        int a_small = na[pr->a] <= na[pr->b];
        b->pair[b->n_pairs] = q;
        b->src[b->n_pairs] = (int32_t)(a_small ? pr->a : pr->b);
        b->dst[b->n_pairs++] = (int32_t)(a_small ? pr->b : pr->a);
    }
    b->n = n;
    *cursor = p;
    free(na);
    return KL_OK;
}

kl_err kl_regions_pair_request(const kl_regions_t *out, const kl_agraph_t *g, kl_pair_sums_t *req)
{
    uint32_t cursor = 0;
    memset(req, 0, sizeof *req);
    if (!out->broker_plan)
        return KL_OK;
    return pair_batch(out, g->n, &cursor, req);
}

/* Whether s holds the sums of batch b. */
static int same_batch(const kl_pair_sums_t *s, const kl_pair_sums_t *b)
{
    return s && s->filled && s->n == b->n && s->n_pairs == b->n_pairs &&
           !memcmp(s->pair, b->pair, (size_t)b->n_pairs * sizeof *b->pair) &&
           !memcmp(s->src, b->src, (size_t)b->n_pairs * sizeof *b->src) &&
           !memcmp(s->dst, b->dst, (size_t)b->n_pairs * sizeof *b->dst);
}

/* Brokers of the exact pairs: each pair's dependency sums from the path
 * kernel's pair lanes (docs/metrics.md#region-pairs), a batch per run;
 * `ready` may already hold the first batch's sums (computed in the
 * metrics' passes).  With irb_sum, the first run computes exact irb too. */
static kl_err brokers_exact(kl_regions_t *out, const kl_dataset_t *ds, const kl_agraph_t *g,
                            const kl_regions_options_t *opt, const kl_pair_sums_t *ready, double *irb_sum)
{
    uint32_t n = g->n, cursor = 0;
    kl_err rc = KL_OK;
    kl_broker_t *cand = malloc(((size_t)n + 1) * sizeof *cand);
    idctx_t ic = {ds, g};
    if (!cand)
        return KL_ENOMEM;
    for (int first = 1; rc == KL_OK && (cursor < out->n_pairs || (first && irb_sum)); first = 0) {
        kl_pair_sums_t b;
        if ((rc = pair_batch(out, n, &cursor, &b)) != KL_OK)
            break;
        const kl_pair_sums_t *sums = same_batch(ready, &b) ? ready : &b;
        if (sums == &b && (b.n_pairs || (first && irb_sum))) {
            kl_paths_t p;
            memset(&p, 0, sizeof p);
            p.g = &g->csr;
            p.weighted = opt->weighted;
            p.threads = opt->threads;
            p.region = g->vertex_region;
            p.irb_sum = first ? irb_sum : NULL;
            p.kernel = opt->kernel;
            p.n_pairs = b.n_pairs;
            p.pair_src = b.src;
            p.pair_dst = b.dst;
            p.pair_sum = b.sum;
            rc = kl_paths_run(&p);
        }
        for (uint32_t i = 0; rc == KL_OK && i < sums->n_pairs; i++) {
            kl_region_pair_t *pr = &out->pairs[sums->pair[i]];
            const double *sum = sums->sum + (size_t)i * n;
            uint32_t nc = 0;
            for (uint32_t v = 0; v < n; v++)
                if (sum[v] > 0)
                    cand[nc++] = (kl_broker_t){v, sum[v] / pr->actor_pairs};
            if (keep_brokers(pr, cand, nc, opt->top, &ic) < 0)
                rc = KL_ENOMEM;
        }
        kl_pair_sums_destroy(&b);
    }
    free(cand);
    return rc;
}

/* Under sampling, move from selected to sampled the pairs whose exact
 * brokers would cost more than sampling them: exact runs min(|a|, |b|)
 * passes of O(m), sampling r paths of at most O(m) each, so a pair stays
 * exact when min(|a|, |b|) <= r (its brokers are then exact, and within
 * any epsilon).  r: the samples per pair.  O(P). */
static void split_sampled_pairs(const kl_regions_t *out, const uint32_t *region_actors, uint64_t r,
                                uint8_t *selected, uint8_t *sampled)
{
    for (uint32_t p = 0; p < out->n_pairs; p++) {
        uint32_t na = region_actors[out->pairs[p].a], nb = region_actors[out->pairs[p].b];
        sampled[p] = selected[p] && (na < nb ? na : nb) > r;
        selected[p] &= !sampled[p];
    }
}

/* Brokers of the sampled pairs from r sampled pairs (s in a, t in b) each:
 * the share of the sampled paths through v estimates v's share, within
 * out->broker_epsilon with probability >= 1 - opt->delta for each pair. */
static kl_err brokers_sampled(kl_regions_t *out, const kl_dataset_t *ds, const kl_agraph_t *g,
                              const kl_sampler_t *sm, uint64_t r, const kl_regions_options_t *opt)
{
    uint32_t n = g->n;
    kl_err rc = KL_ENOMEM;
    double *hits = malloc(((size_t)n + 1) * sizeof *hits), pairs;
    kl_broker_t *cand = malloc(((size_t)n + 1) * sizeof *cand);
    idctx_t ic = {ds, g};
    if (!hits || !cand)
        goto done;
    for (uint32_t p = 0; p < out->n_pairs; p++) {
        kl_region_pair_t *pr = &out->pairs[p];
        if (out->broker_plan[p] != KL_BROKERS_SAMPLED)
            continue;
        pr->brokers_epsilon = out->broker_epsilon;
        uint64_t seed = opt->seed * 0x9E3779B97F4A7C15ull + 0x100 + p;
        if ((rc = kl_sampler_run(sm, KL_PAIRS_BETWEEN, g->vertex_region, (int32_t)pr->a, (int32_t)pr->b, r, seed, hits,
                                 &pairs)) != KL_OK)
            goto done;
        out->pair_samples += r;
        uint32_t nc = 0;
        for (uint32_t v = 0; v < n; v++)
            if (hits[v] > 0)
                cand[nc++] = (kl_broker_t){v, hits[v] / (double)r};
        rc = KL_ENOMEM;
        if (keep_brokers(pr, cand, nc, opt->top, &ic) < 0)
            goto done;
    }
    rc = KL_OK;
done:
    free(hits);
    free(cand);
    return rc;
}

/* ------------------------------------------------------------ which pairs */

/* The fixed rule of docs/metrics.md#which-pairs-get-brokers: every connected pair when W m <= the
 * work limit (W = sum over connected pairs of min(|a|, |b|), the sources of
 * the exact broker passes, each O(m)); otherwise the focus pairs and the
 * opt->exact_pairs pairs with most links (then actor_pairs, then ids), or
 * every pair with opt->all_pairs.  Pairs that are not connected are never
 * selected (their brokers are null).  Sets out->broker_work = W m.
 * O(P log P) for P pairs; -1 when out of memory. */
static int select_broker_pairs(kl_regions_t *out, const uint32_t *region_actors, const uint8_t *focus, uint32_t m,
                               const kl_regions_options_t *opt, uint8_t *selected)
{
    double w = 0;
    for (uint32_t p = 0; p < out->n_pairs; p++) {
        const kl_region_pair_t *pr = &out->pairs[p];
        uint32_t na = region_actors[pr->a], nb = region_actors[pr->b];
        if (pr->connected)
            w += na < nb ? na : nb;
    }
    out->broker_work = w * m;
    int every = out->broker_work <= opt->broker_work_limit || opt->all_pairs;
    uint32_t *by_links = malloc(((size_t)out->n_pairs + 1) * sizeof *by_links), n_conn = 0;
    if (!by_links)
        return -1;
    for (uint32_t p = 0; p < out->n_pairs; p++) {
        const kl_region_pair_t *pr = &out->pairs[p];
        selected[p] = pr->connected && (every || (focus[pr->a] && focus[pr->b]));
        if (pr->connected)
            by_links[n_conn++] = p;
    }
    qsort_r(by_links, n_conn, sizeof *by_links, cmp_by_links, out->pairs);
    for (uint32_t i = 0; i < n_conn && i < opt->exact_pairs; i++)
        selected[by_links[i]] = 1;
    free(by_links);
    return 0;
}

/* ------------------------------------------------------------ irb */

/* irb_share's array, and sampled irb when sm is given (exact irb comes
 * from the broker runs). */
static kl_err irb_compute(kl_regions_t *out, const kl_agraph_t *g, const kl_sampler_t *sm,
                          const kl_regions_options_t *opt)
{
    uint32_t n = g->n;
    out->irb_share = malloc(((size_t)n + 1) * sizeof *out->irb_share);
    if (!out->irb_share)
        return KL_ENOMEM;
    if (n > 0 && sm) {
        /* within epsilon P; doubled here because irb_finish halves.  delta / 2
         * and the seed as kl_analysis_run's irb, so that every command
         * prints the same sampled irb */
        double pairs;
        uint64_t r = kl_sampler_size(sm, opt->epsilon, opt->delta / 2);
        kl_err rc = kl_sampler_run(sm, KL_PAIRS_CROSS_REGION, g->vertex_region, 0, 0, r,
                                   opt->seed * 0x9E3779B97F4A7C15ull + 2, out->irb, &pairs);
        if (rc != KL_OK)
            return rc;
        out->pair_samples += pairs > 0 ? r : 0;
        for (uint32_t v = 0; v < n; v++)
            out->irb[v] = 2 * pairs * out->irb[v] / (double)r;
    }
    return KL_OK;
}

static void irb_finish(kl_regions_t *out, const kl_agraph_t *g)
{
    double best = 0.5;
    for (uint32_t v = 0; v < g->n; v++) {
        out->irb[v] /= 2; /* every unordered pair from both ends */
        out->irb_share[v] = out->cross_pairs > 0 ? out->irb[v] / out->cross_pairs : NAN;
        /* at most one actor can exceed one half; > keeps the first on equality */
        if (out->irb_share[v] > best) {
            best = out->irb_share[v];
            out->dominant_actor = (int32_t)v;
        }
    }
}

/* ------------------------------------------------------------ the whole */

/* The distance between every connected pair of regions: a multi-source
 * pass from every region with actors but the last (in id order, with[0 ..
 * px->nr)), read at the other region's actors (by_region[rstart[b] ..
 * rstart[b+1])). */
static kl_err pair_distances(kl_regions_t *out, const kl_agraph_t *g, const uint32_t *with, const kl_i_pair_ix_t *px,
                             const uint32_t *by_region, const uint32_t *rstart, int weighted)
{
    const kl_csr_t *c = &g->csr;
    kl_i_sssp_t sp;
    if (out->n_pairs == 0)
        return KL_OK;
    if (kl_i_sssp_init(&sp, c, weighted, 0) != KL_OK) {
        kl_i_sssp_free(&sp);
        return KL_ENOMEM;
    }
    int32_t R = (int32_t)px->nr;
    for (int32_t i = 0; i < R; i++) {
        uint32_t a = with[i];
        int any = 0;
        for (int32_t j = i + 1; j < R && !any; j++)
            any = out->pairs[kl_i_pair_at(px, a, with[j])].connected;
        if (!any)
            continue;
        kl_i_sssp_run(&sp, c, by_region + rstart[a], rstart[a + 1] - rstart[a], NULL);
        for (int32_t j = i + 1; j < R; j++) {
            uint32_t b = with[j];
            int32_t p = kl_i_pair_at(px, a, b);
            if (!out->pairs[p].connected)
                continue;
            double best = INFINITY;
            for (uint32_t k = rstart[b]; k < rstart[b + 1]; k++)
                if (sp.dist[by_region[k]] < best)
                    best = sp.dist[by_region[k]];
            out->pairs[p].distance = best;
        }
    }
    kl_i_sssp_free(&sp);
    return KL_OK;
}

/* Cut actors of every pair and disconnects of every actor, from the
 * block-cut forest; a cut found inside one component counts only when no
 * other component joins the pair (comps_with_both[p] == 1). */
static kl_err cut_actors(kl_regions_t *out, const kl_dataset_t *ds, const kl_agraph_t *g, const kl_i_pair_ix_t *px,
                         const uint32_t *comps_with_both, kl_error_t *err)
{
    kl_array_t cuts;
    kl_array_init(&cuts, sizeof(kl_i_cut_t));
    kl_err rc = kl_i_blockcut(g, out->disconnects, &cuts, NULL, err);
    if (rc != KL_OK)
        goto cleanup;
    kl_i_cut_t *cl = cuts.items;
    uint32_t *count = calloc((size_t)out->n_pairs + 1, sizeof *count);
    if (!count)
        goto nomem;
    for (size_t i = 0; i < cuts.count; i++) {
        int32_t p = kl_i_pair_at(px, cl[i].a, cl[i].b);
        if (comps_with_both[p] == 1)
            count[p]++;
    }
    for (uint32_t p = 0; p < out->n_pairs; p++) {
        out->pairs[p].cut = malloc(((size_t)count[p] + 1) * sizeof *out->pairs[p].cut);
        if (!out->pairs[p].cut) {
            free(count);
            goto nomem;
        }
    }
    free(count);
    for (size_t i = 0; i < cuts.count; i++) {
        int32_t p = kl_i_pair_at(px, cl[i].a, cl[i].b);
        if (comps_with_both[p] == 1)
            out->pairs[p].cut[out->pairs[p].n_cut++] = cl[i].v;
    }
    idctx_t ic = {ds, g};
    for (uint32_t p = 0; p < out->n_pairs; p++)
        qsort_r(out->pairs[p].cut, out->pairs[p].n_cut, sizeof(uint32_t), cmp_vertex_id, &ic);
    goto cleanup;
nomem:
    rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
cleanup:
    kl_array_destroy(&cuts);
    return rc;
}

static kl_err regions_finish(kl_regions_t *out, const kl_dataset_t *ds, const kl_agraph_t *g,
                             const kl_regions_options_t *opt, const kl_pair_sums_t *ready, kl_sampler_t *sm,
                             kl_error_t *err);

/* Long on purpose: its steps (regions and pairs by id, mixing, components,
 * distances, cut actors, brokers, irb) share the arrays built at the start
 * (pair numbers, sorted, region_actors, by_region) and fill one result; each
 * step is one comment and one call where it stands alone. */
kl_err kl_regions_compute(kl_regions_t *out, const kl_dataset_t *ds, const kl_agraph_t *g,
                          const kl_regions_options_t *opt, kl_error_t *err)
{
    kl_regions_options_t defaults;
    memset(out, 0, sizeof *out);
    out->dominant_actor = -1;
    if (!opt) {
        kl_regions_options_init(&defaults);
        opt = &defaults;
    }
    if (!g || !ds || !g->initialized)
        return kl_error_set(err, KL_EINVAL, NULL, 0, 0, "region analysis needs a built graph");
    int32_t R = (int32_t)ds->n_regions;
    for (uint32_t i = 0; i < opt->n_focus; i++)
        if (opt->focus[i] >= (uint32_t)R)
            return kl_error_set(err, KL_EINVAL, NULL, 0, 0, "focus region %u out of range", opt->focus[i]);
    const kl_csr_t *c = &g->csr;
    const int32_t *reg = g->vertex_region;
    uint32_t n = g->n;
    size_t n1 = (size_t)n + 1, R1 = (size_t)R + 1;
    kl_err rc = KL_OK;
    uint32_t *sorted = NULL, *slot = NULL, *region_actors = NULL, *comp = NULL, *by_region = NULL, *rstart = NULL;
    uint32_t *comps_with_both = NULL;
    kl_i_pair_ix_t px = {NULL, NULL, 0};
    uint32_t *with = NULL;
    uint64_t *keys = NULL;
    uint8_t *selected = NULL, *sampled = NULL, *focus = NULL;
    kl_sampler_t sm;
    memset(&sm, 0, sizeof sm);

    out->regions_reached = malloc(n1 * sizeof *out->regions_reached);
    out->participation_region = malloc(n1 * sizeof *out->participation_region);
    out->participation_community = malloc(n1 * sizeof *out->participation_community);
    out->ei_index = malloc(n1 * sizeof *out->ei_index);
    out->disconnects = calloc(n1, sizeof *out->disconnects);
    out->regions = calloc(R1, sizeof *out->regions);
    sorted = malloc(R1 * sizeof *sorted);
    slot = malloc(R1 * sizeof *slot);
    region_actors = calloc(R1, sizeof *region_actors);
    focus = calloc(R1, 1);
    px.rank = malloc(R1 * sizeof *px.rank);
    with = malloc(R1 * sizeof *with);
    if (!out->regions_reached || !out->participation_region || !out->participation_community || !out->ei_index ||
        !out->disconnects || !out->regions || !sorted || !slot || !region_actors || !focus || !px.rank || !with)
        goto nomem;
    for (uint32_t i = 0; i < opt->n_focus; i++)
        focus[opt->focus[i]] = 1;

    /* regions by id, their actors and ties */
    for (int32_t r = 0; r < R; r++)
        sorted[r] = (uint32_t)r;
    qsort_r(sorted, (size_t)R, sizeof *sorted, cmp_region_id, (void *)ds);
    for (int32_t i = 0; i < R; i++) {
        slot[sorted[i]] = (uint32_t)i;
        out->regions[i].region = sorted[i];
    }
    out->n_regions = (uint32_t)R;
    for (uint32_t v = 0; v < n; v++)
        if (reg[v] >= 0)
            region_actors[reg[v]]++;
    uint32_t nr = 0;
    for (int32_t i = 0; i < R; i++) {
        uint32_t r = sorted[i];
        out->regions[i].actors = region_actors[r];
        px.rank[r] = region_actors[r] ? (int32_t)nr : -1;
        if (region_actors[r])
            with[nr++] = r;
    }
    px.with = with;
    px.nr = nr;
    /* pairs of regions with actors, by ids */
    out->n_pairs = nr > 1 ? nr * (nr - 1) / 2 : 0;
    out->pairs = calloc((size_t)out->n_pairs + 1, sizeof *out->pairs);
    comps_with_both = calloc((size_t)out->n_pairs + 1, sizeof *comps_with_both);
    selected = calloc((size_t)out->n_pairs + 1, 1);
    if (!out->pairs || !comps_with_both || !selected)
        goto nomem;
    {
        uint32_t p = 0;
        for (uint32_t i = 0; i < nr; i++)
            for (uint32_t j = i + 1; j < nr; j++)
                out->pairs[p++] = (kl_region_pair_t){.a = with[i], .b = with[j], .distance = NAN};
    }
    for (uint32_t e = 0; e < c->m; e++) {
        int32_t ru = reg[g->edge_from[e]], rv = reg[g->edge_to[e]];
        if (ru >= 0 && rv >= 0 && ru == rv) {
            out->regions[slot[ru]].internal_ties++;
        } else if (ru >= 0 && rv >= 0) {
            out->regions[slot[ru]].external_ties++;
            out->regions[slot[rv]].external_ties++;
            out->pairs[kl_i_pair_at(&px, (uint32_t)ru, (uint32_t)rv)].direct_ties++;
        } else if (ru >= 0) {
            out->regions[slot[ru]].regionless_ties++;
        } else if (rv >= 0) {
            out->regions[slot[rv]].regionless_ties++;
        }
    }
    for (uint32_t p = 0; p < out->n_pairs; p++)
        out->pairs[p].links = out->pairs[p].direct_ties;
    if (add_regionless_links(out, g, R, &px) < 0)
        goto nomem;
    for (int32_t i = 0; i < R; i++) {
        kl_region_info_t *ri = &out->regions[i];
        double in = ri->internal_ties, ex = ri->external_ties;
        ri->ei_index = in + ex > 0 ? (ex - in) / (ex + in) : NAN;
    }

    /* components: connected pairs, actor pairs, P */
    comp = malloc(n1 * sizeof *comp);
    keys = malloc(n1 * sizeof *keys);
    if (!comp || !keys)
        goto nomem;
    if (kl_components_label(c, NULL, comp, NULL) < 0)
        goto nomem;
    uint32_t nk = 0;
    for (uint32_t v = 0; v < n; v++)
        if (reg[v] >= 0)
            keys[nk++] = (uint64_t)comp[v] << 32 | (uint32_t)reg[v];
    qsort(keys, nk, sizeof *keys, cmp_u64);
    for (uint32_t i = 0; i < nk;) {
        /* component keys[i..j): runs of one region each */
        uint32_t j = i;
        double N = 0, SQ = 0;
        while (j < nk && keys[j] >> 32 == keys[i] >> 32)
            j++;
        for (uint32_t x = i; x < j;) {
            uint32_t x2 = x;
            while (x2 < j && keys[x2] == keys[x])
                x2++;
            double cx = x2 - x;
            N += cx;
            SQ += cx * cx;
            for (uint32_t y = x2; y < j;) {
                uint32_t y2 = y;
                while (y2 < j && keys[y2] == keys[y])
                    y2++;
                int32_t p = kl_i_pair_at(&px, (uint32_t)keys[x], (uint32_t)keys[y]);
                out->pairs[p].connected = 1;
                out->pairs[p].actor_pairs += cx * (double)(y2 - y);
                comps_with_both[p]++;
                y = y2;
            }
            x = x2;
        }
        out->cross_pairs += (N * N - SQ) / 2;
        i = j;
    }

    /* distances: a multi-source pass from every region but the last */
    by_region = malloc(n1 * sizeof *by_region);
    rstart = calloc(R1 + 1, sizeof *rstart);
    if (!by_region || !rstart)
        goto nomem;
    for (uint32_t v = 0; v < n; v++)
        if (reg[v] >= 0)
            rstart[reg[v] + 2]++;
    for (int32_t r = 0; r < R; r++)
        rstart[r + 2] += rstart[r + 1];
    for (uint32_t v = 0; v < n; v++)
        if (reg[v] >= 0)
            by_region[rstart[reg[v] + 1]++] = v;
    if (pair_distances(out, g, with, &px, by_region, rstart, opt->weighted) != KL_OK)
        goto nomem;

    if ((rc = cut_actors(out, ds, g, &px, comps_with_both, err)) != KL_OK)
        goto cleanup;

    if (select_broker_pairs(out, region_actors, focus, c->m, opt, selected) < 0)
        goto nomem;
    if (opt->epsilon > 0) {
        if (kl_sampler_init(&sm, c, opt->weighted, opt->threads) != KL_OK ||
            !(sampled = calloc((size_t)out->n_pairs + 1, 1)))
            goto nomem;
        out->epsilon = opt->epsilon;
        out->delta = opt->delta;
        out->broker_epsilon = opt->epsilon > KL_BROKER_EPSILON ? opt->epsilon : KL_BROKER_EPSILON;
        out->broker_samples = kl_sampler_size(&sm, out->broker_epsilon, opt->delta);
        split_sampled_pairs(out, region_actors, out->broker_samples, selected, sampled);
    }
    if (!(out->broker_plan = calloc((size_t)out->n_pairs + 1, 1)))
        goto nomem;
    for (uint32_t p = 0; p < out->n_pairs; p++) {
        out->broker_plan[p] = selected[p] ? KL_BROKERS_EXACT : sampled && sampled[p] ? KL_BROKERS_SAMPLED : 0;
        out->pairs[p].has_brokers = out->broker_plan[p] != 0;
    }
    if (!opt->defer_brokers)
        rc = regions_finish(out, ds, g, opt, NULL, &sm, err);
    goto cleanup;
nomem:
    rc = kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
cleanup:
    kl_sampler_free(&sm);
    free(sorted);
    free(slot);
    free(region_actors);
    free(comp);
    free(by_region);
    free(rstart);
    free(comps_with_both);
    free(px.rank);
    free(with);
    free(keys);
    free(selected);
    free(sampled);
    free(focus);
    return rc;
}

/* kl_regions_finish with the sampler kl_regions_compute made, when it made
 * one (sm->g set): the sampler's components and VD bound are computed once. */
static kl_err regions_finish(kl_regions_t *out, const kl_dataset_t *ds, const kl_agraph_t *g,
                             const kl_regions_options_t *opt, const kl_pair_sums_t *ready, kl_sampler_t *sm,
                             kl_error_t *err)
{
    kl_err rc = KL_ENOMEM;
    if (!out->broker_plan)
        return kl_error_set(err, KL_EINVAL, NULL, 0, 0, "region brokers without their pairs");
    if (actor_mixing(out, g, (int32_t)ds->n_regions, opt->community) != KL_OK)
        goto done;
    int any_sampled = 0;
    for (uint32_t p = 0; p < out->n_pairs; p++)
        any_sampled |= out->broker_plan[p] == KL_BROKERS_SAMPLED;
    int sample_irb = opt->irb && opt->epsilon > 0;
    if ((any_sampled || sample_irb) && !sm->g && kl_sampler_init(sm, &g->csr, opt->weighted, opt->threads) != KL_OK)
        goto done;
    if (opt->irb && !(out->irb = calloc((size_t)g->n + 1, sizeof *out->irb)))
        goto done;
    /* exact irb rides on the first broker run */
    double t = kl_i_now();
    if ((rc = brokers_exact(out, ds, g, opt, ready, opt->irb && !sample_irb ? out->irb : NULL)) != KL_OK ||
        (any_sampled && (rc = brokers_sampled(out, ds, g, sm, out->broker_samples, opt)) != KL_OK))
        goto done;
    out->seconds_brokers = kl_i_now() - t;
    out->seconds_brokers_fused = ready && ready->filled ? ready->seconds : 0;
    if (opt->irb) {
        if ((rc = irb_compute(out, g, sample_irb ? sm : NULL, opt)) != KL_OK)
            goto done;
        irb_finish(out, g);
    }
    rc = KL_OK;
done:
    free(out->broker_plan);
    out->broker_plan = NULL;
    if (rc != KL_OK)
        return kl_error_set(err, rc, NULL, 0, 0, rc == KL_ENOMEM ? "out of memory" : "region brokers: %s",
                            kl_strerror(rc));
    return KL_OK;
}

kl_err kl_regions_finish(kl_regions_t *out, const kl_dataset_t *ds, const kl_agraph_t *g,
                         const kl_regions_options_t *opt, const kl_pair_sums_t *ready, kl_error_t *err)
{
    kl_regions_options_t defaults;
    if (!opt) {
        kl_regions_options_init(&defaults);
        opt = &defaults;
    }
    kl_sampler_t sm;
    memset(&sm, 0, sizeof sm);
    kl_err rc = regions_finish(out, ds, g, opt, ready, &sm, err);
    kl_sampler_free(&sm);
    return rc;
}

/* ------------------------------------------------------------ timings */

kl_err kl_paths_time(const kl_agraph_t *g, int weighted, int threads, double *betweenness_s, double *irb_s,
                     kl_error_t *err)
{
    uint32_t n = g->n;
    double *sum = calloc((size_t)n + 1, sizeof *sum);
    kl_err rc = KL_OK;
    if (!sum)
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    kl_paths_t p;
    memset(&p, 0, sizeof p);
    p.g = &g->csr;
    p.weighted = weighted;
    p.threads = threads;
    p.dep_sum = sum;
    double t = kl_i_now();
    if (n > 0 && (rc = kl_paths_run(&p)) != KL_OK)
        goto done;
    *betweenness_s = kl_i_now() - t;
    p.dep_sum = NULL;
    p.region = g->vertex_region;
    p.irb_sum = sum;
    t = kl_i_now();
    if (n > 0 && (rc = kl_paths_run(&p)) != KL_OK)
        goto done;
    *irb_s = kl_i_now() - t;
done:
    free(sum);
    if (rc != KL_OK)
        return kl_error_set(err, rc, NULL, 0, 0, "shortest paths: %s", kl_strerror(rc));
    return KL_OK;
}

int kl_regions_with_actors(const kl_agraph_t *g, uint32_t n_regions, uint32_t *count)
{
    uint8_t *seen = calloc((size_t)n_regions + 1, 1);
    *count = 0;
    if (!seen)
        return -1;
    for (uint32_t v = 0; v < g->n; v++) {
        int32_t r = g->vertex_region[v];
        if (r >= 0 && (uint32_t)r < n_regions && !seen[r]) {
            seen[r] = 1;
            (*count)++;
        }
    }
    free(seen);
    return 0;
}

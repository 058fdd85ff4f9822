/* analysis/sampling.c - Riondato-Kornaropoulos pair sampling with balanced
 * bidirectional BFS (see sampling.h). */
#include "sampling.h"
#include "analysis_internal.h"
#include "sssp.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define KL_UNSEEN UINT32_MAX
#define KL_SAMPLE_CHUNK 64   /* samples a thread takes at a time */
#define KL_SAMPLE_MAX_THREADS 64

/* ------------------------------------------------------------ random numbers
 * splitmix64 (kl_i_splitmix64): sample i's stream starts from a hash of
 * (seed, i), so a sample draws the same numbers whichever thread runs it. */

/* Uniform in [0, n), n > 0 (multiply-shift; the bias is below 2^-64 n). */
static uint64_t below(uint64_t *x, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)kl_i_splitmix64(x) * n) >> 64);
}

/* Uniform in [0, 1). */
static double unit(uint64_t *x)
{
    return (double)(kl_i_splitmix64(x) >> 11) * 0x1.0p-53;
}

/* ------------------------------------------------------------ setup */

void kl_sampler_free(kl_sampler_t *s)
{
    if (!s)
        return;
    free(s->comp);
    free(s->comp_size);
    memset(s, 0, sizeof *s);
}

kl_err kl_sampler_init(kl_sampler_t *s, const kl_csr_t *g, int weighted, int threads)
{
    memset(s, 0, sizeof *s);
    s->g = g;
    s->weighted = weighted;
    s->threads = threads;
    uint32_t n = g->n;
    s->comp = malloc(((size_t)n + 1) * sizeof *s->comp);
    s->comp_size = malloc(((size_t)n + 1) * sizeof *s->comp_size);
    uint32_t *ecc = malloc(((size_t)n + 1) * sizeof *ecc);
    long nc = s->comp && s->comp_size && ecc ? kl_i_components(g, NULL, NULL, s->comp, s->comp_size, ecc) : -1;
    if (nc < 0) {
        free(ecc);
        kl_sampler_free(s);
        return KL_ENOMEM;
    }
    s->n_comp = (uint32_t)nc;
    for (uint32_t c = 0; c < s->n_comp; c++) {
        /* any two vertices are within ecc of the component's first vertex,
         * so within 2 ecc of each other: at most 2 ecc + 1 vertices on a
         * shortest path by hops */
        uint32_t size = s->comp_size[c];
        uint64_t bound = weighted ? size : 2 * (uint64_t)ecc[c] + 1;
        if (bound > size)
            bound = size;
        if (bound > s->vd)
            s->vd = (uint32_t)bound;
    }
    free(ecc);
    return KL_OK;
}

double kl_pair_sample_count(double vd, double eps, double delta)
{
    /* paths of at most 2 vertices have no inner vertex: log term 0 */
    double lg = vd >= 3 ? floor(log2(vd - 2)) : 0;
    return 0.5 / (eps * eps) * (lg + 1 + log(1 / delta));
}

uint64_t kl_sampler_size(const kl_sampler_t *s, double eps, double delta)
{
    double r = ceil(kl_pair_sample_count(s->vd, eps, delta));
    return r < 1 ? 1 : r > 1e15 ? (uint64_t)1e15 : (uint64_t)r;
}

/* ------------------------------------------------------------ pair sets
 * A pair is drawn in two steps: a source s = cand[i] with probability
 * proportional to its number of partners in the set, then a partner
 * uniformly from tgt[lo_i .. hi_i) without tgt[xlo_i .. xhi_i).  Each ordered
 * pair of the set has probability 1 / (total), so each unordered pair is
 * equally likely. */
typedef struct {
    uint32_t n_cand;
    uint32_t *cand;
    uint64_t *cum;          /* cum[i]: partners of cand[0..i] */
    uint32_t *range;        /* lo, hi, xlo, xhi per candidate */
    uint32_t *tgt;
    uint64_t total;
} pairset_t;

static void pairset_free(pairset_t *p)
{
    free(p->cand);
    free(p->cum);
    free(p->range);
    free(p->tgt);
    memset(p, 0, sizeof *p);
}

static void pairset_add(pairset_t *p, uint32_t v, uint64_t weight, uint32_t lo, uint32_t hi, uint32_t xlo,
                        uint32_t xhi)
{
    if (weight == 0)
        return;
    uint32_t i = p->n_cand++;
    p->cand[i] = v;
    p->total += weight;
    p->cum[i] = p->total;
    p->range[4 * i] = lo;
    p->range[4 * i + 1] = hi;
    p->range[4 * i + 2] = xlo;
    p->range[4 * i + 3] = xhi;
}

typedef struct {
    uint64_t key;
    uint32_t v;
} keyed_t;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed_t *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v);
}

static kl_err pairset_build(pairset_t *p, const kl_sampler_t *s, kl_pairset_kind kind, const int32_t *region,
                            int32_t a, int32_t b)
{
    uint32_t n = s->g->n, nc = s->n_comp;
    memset(p, 0, sizeof *p);
    p->cand = malloc(((size_t)n + 1) * sizeof *p->cand);
    p->cum = malloc(((size_t)n + 1) * sizeof *p->cum);
    p->range = malloc(((size_t)n + 1) * 4 * sizeof *p->range);
    p->tgt = malloc(((size_t)n + 1) * sizeof *p->tgt);
    uint32_t *start = calloc((size_t)nc + 2, sizeof *start);
    uint32_t *pos = NULL;
    keyed_t *keyed = NULL;
    if (!p->cand || !p->cum || !p->range || !p->tgt || !start)
        goto nomem;

    if (kind == KL_PAIRS_CONNECTED) {
        /* vertices by component (counting sort); partners: the rest of it */
        if (!(pos = malloc(((size_t)n + 1) * sizeof *pos)))
            goto nomem;
        for (uint32_t v = 0; v < n; v++)
            start[s->comp[v] + 1]++;
        for (uint32_t c = 0; c < nc; c++)
            start[c + 1] += start[c];
        for (uint32_t v = 0; v < n; v++) {
            pos[v] = start[s->comp[v]]++;
            p->tgt[pos[v]] = v;
        }
        for (uint32_t v = 0; v < n; v++) {
            uint32_t c = s->comp[v], hi = start[c], lo = hi - s->comp_size[c];
            pairset_add(p, v, s->comp_size[c] - 1, lo, hi, pos[v], pos[v] + 1);
        }
    } else if (kind == KL_PAIRS_CROSS_REGION) {
        /* vertices with a region by (component, region); partners: the
         * component's vertices with a region, without s's region's block */
        uint32_t k = 0;
        if (!(keyed = malloc(((size_t)n + 1) * sizeof *keyed)))
            goto nomem;
        for (uint32_t v = 0; v < n; v++)
            if (region[v] >= 0)
                keyed[k++] = (keyed_t){(uint64_t)s->comp[v] << 32 | (uint32_t)region[v], v};
        qsort(keyed, k, sizeof *keyed, cmp_keyed);
        for (uint32_t i = 0; i < k; i++)
            p->tgt[i] = keyed[i].v;
        for (uint32_t cs = 0; cs < k;) {
            uint32_t ce = cs;
            while (ce < k && keyed[ce].key >> 32 == keyed[cs].key >> 32)
                ce++;
            for (uint32_t bs = cs; bs < ce;) {
                uint32_t be = bs;
                while (be < ce && keyed[be].key == keyed[bs].key)
                    be++;
                for (uint32_t i = bs; i < be; i++)
                    pairset_add(p, keyed[i].v, (uint64_t)(ce - cs) - (be - bs), cs, ce, bs, be);
                bs = be;
            }
            cs = ce;
        }
    } else {
        /* region b's vertices by component; s in a, partners: b's vertices
         * of s's component */
        for (uint32_t v = 0; v < n; v++)
            if (region[v] == b)
                start[s->comp[v] + 1]++;
        for (uint32_t c = 0; c < nc; c++)
            start[c + 1] += start[c];
        for (uint32_t v = 0; v < n; v++)
            if (region[v] == b)
                p->tgt[start[s->comp[v]]++] = v;
        /* start[c] is now the end of c's block; its beginning is start[c - 1] */
        for (uint32_t v = 0; v < n; v++) {
            if (region[v] != a)
                continue;
            uint32_t c = s->comp[v], hi = start[c], lo = c > 0 ? start[c - 1] : 0;
            pairset_add(p, v, hi - lo, lo, hi, hi, hi);
        }
    }
    free(start);
    free(pos);
    free(keyed);
    return KL_OK;
nomem:
    free(start);
    free(pos);
    free(keyed);
    pairset_free(p);
    return KL_ENOMEM;
}

/* ------------------------------------------------------------ workers */

typedef struct {
    const kl_sampler_t *s;
    const pairset_t *ps;
    uint64_t r, seed;
    atomic_uint_fast64_t next;
} job_t;

typedef struct {
    job_t *job;
    uint32_t *hits;
    /* unweighted: both searches, side 0 from s and side 1 from t */
    int32_t *dist[2];
    double *sigma[2];
    uint32_t *seen[2];        /* visited, in BFS order */
    uint32_t *meet;           /* ties (u, w) where the searches touch */
    double *meet_paths;       /* sigma_0(u) sigma_1(w) of each, running sum */
    size_t meet_cap;
    /* weighted */
    kl_i_sssp_t sp;
    int failed;
} worker_t;

static void worker_free(worker_t *w)
{
    free(w->hits);
    for (int x = 0; x < 2; x++) {
        free(w->dist[x]);
        free(w->sigma[x]);
        free(w->seen[x]);
    }
    free(w->meet);
    free(w->meet_paths);
    kl_i_sssp_free(&w->sp);
}

static kl_err worker_init(worker_t *w, job_t *job)
{
    const kl_csr_t *g = job->s->g;
    size_t n1 = (size_t)g->n + 1;
    memset(w, 0, sizeof *w);
    w->job = job;
    if (!(w->hits = calloc(n1, sizeof *w->hits)))
        return KL_ENOMEM;
    if (job->s->weighted)
        return kl_i_sssp_init(&w->sp, g, 1, 1);
    for (int x = 0; x < 2; x++) {
        w->dist[x] = malloc(n1 * sizeof *w->dist[x]);
        w->sigma[x] = malloc(n1 * sizeof *w->sigma[x]);
        w->seen[x] = malloc(n1 * sizeof *w->seen[x]);
        if (!w->dist[x] || !w->sigma[x] || !w->seen[x])
            return KL_ENOMEM;
        for (uint32_t v = 0; v < g->n; v++)
            w->dist[x][v] = -1;
    }
    return KL_OK;
}

static int meet_push(worker_t *w, size_t k, uint32_t u, uint32_t v, double paths)
{
    if (k == w->meet_cap) {
        size_t cap = w->meet_cap ? 2 * w->meet_cap : 64;
        uint32_t *m = realloc(w->meet, 2 * cap * sizeof *m);
        if (!m)
            return -1;
        w->meet = m;
        double *mp = realloc(w->meet_paths, cap * sizeof *mp);
        if (!mp)
            return -1;
        w->meet_paths = mp;
        w->meet_cap = cap;
    }
    w->meet[2 * k] = u;
    w->meet[2 * k + 1] = v;
    w->meet_paths[k] = (k ? w->meet_paths[k - 1] : 0) + paths;
    return 0;
}

/* Walk from v back to side x's root, choosing each predecessor with
 * probability sigma(p) / sigma(v): a uniformly random shortest path.  Every
 * vertex passed except the root is an inner vertex of the s-t path. */
static void walk_back(worker_t *w, int x, uint32_t v, uint64_t *rng)
{
    const kl_csr_t *g = w->job->s->g;
    const int32_t *dist = w->dist[x];
    const double *sigma = w->sigma[x];
    while (dist[v] > 0) {
        w->hits[v]++;
        double target = unit(rng) * sigma[v], acc = 0;
        uint32_t pick = KL_UNSEEN;
        for (uint32_t e = g->offset[v]; e < g->offset[v + 1]; e++) {
            uint32_t p = g->adj[e];
            if (dist[p] != dist[v] - 1)
                continue;
            acc += sigma[p];
            pick = p;
            if (acc > target)
                break;
        }
        v = pick;
    }
}

/* Balanced bidirectional BFS between s and t, then one path at random.
 * The side whose frontier has fewer ties to scan grows by a level; the first
 * level that touches the other side's visited vertices ends the search:
 * every vertex it touches is in the other side's last level, and every
 * shortest path crosses exactly one such tie (u, w), so sigma_st is the sum
 * of sigma_s(u) sigma_t(w) over them. */
static void sample_hops(worker_t *w, uint32_t s, uint32_t t, uint64_t *rng)
{
    const kl_csr_t *g = w->job->s->g;
    const uint32_t *off = g->offset, *adj = g->adj;
    uint32_t nseen[2] = {1, 1}, level[2] = {0, 0};
    uint64_t fdeg[2] = {off[s + 1] - off[s], off[t + 1] - off[t]};
    size_t n_meet = 0;
    uint32_t root[2] = {s, t};
    for (int x = 0; x < 2; x++) {
        w->dist[x][root[x]] = 0;
        w->sigma[x][root[x]] = 1;
        w->seen[x][0] = root[x];
    }
    int x = 0;
    for (;;) {
        x = fdeg[0] <= fdeg[1] ? 0 : 1;
        int y = 1 - x;
        uint32_t from = level[x], to = nseen[x];
        if (from == to)
            break; /* exhausted without meeting: not connected */
        level[x] = to;
        uint64_t next_deg = 0;
        int32_t *dx = w->dist[x];
        const int32_t *dy = w->dist[y];
        double *sx = w->sigma[x];
        for (uint32_t i = from; i < to; i++) {
            uint32_t u = w->seen[x][i];
            int32_t du = dx[u];
            double su = sx[u];
            for (uint32_t e = off[u]; e < off[u + 1]; e++) {
                uint32_t v = adj[e];
                if (dy[v] >= 0) {
                    if (meet_push(w, n_meet++, u, v, su * w->sigma[y][v]) < 0) {
                        w->failed = 1;
                        n_meet = 0;
                        goto reset;
                    }
                } else if (dx[v] < 0) {
                    dx[v] = du + 1;
                    sx[v] = su;
                    w->seen[x][nseen[x]++] = v;
                    next_deg += off[v + 1] - off[v];
                } else if (dx[v] == du + 1) {
                    sx[v] += su;
                }
            }
        }
        fdeg[x] = next_deg;
        if (n_meet)
            break;
    }
    if (n_meet) {
        double target = unit(rng) * w->meet_paths[n_meet - 1];
        size_t lo = 0, hi = n_meet - 1;
        while (lo < hi) { /* first k with running sum > target */
            size_t mid = lo + (hi - lo) / 2;
            if (w->meet_paths[mid] > target)
                hi = mid;
            else
                lo = mid + 1;
        }
        walk_back(w, x, w->meet[2 * lo], rng);
        walk_back(w, 1 - x, w->meet[2 * lo + 1], rng);
    }
reset:
    for (int side = 0; side < 2; side++)
        for (uint32_t i = 0; i < nseen[side]; i++)
            w->dist[side][w->seen[side][i]] = -1;
}

/* Weighted: Dijkstra from s (the path kernel's tolerance for equal
 * lengths), then back from t as walk_back does. */
static void sample_weighted(worker_t *w, uint32_t s, uint32_t t, uint64_t *rng)
{
    const kl_csr_t *g = w->job->s->g;
    kl_i_sssp_t *sp = &w->sp;
    kl_i_sssp_run(sp, g, &s, 1, NULL);
    if (sp->oidx[t] == KL_UNSEEN)
        return;
    uint32_t v = t;
    while (v != s) {
        if (v != t)
            w->hits[v]++;
        uint32_t iv = sp->oidx[v];
        double target = unit(rng) * sp->sigma[iv], acc = 0;
        uint32_t pick = KL_UNSEEN;
        for (uint32_t e = g->offset[v]; e < g->offset[v + 1]; e++) {
            uint32_t p = g->adj[e], ip = sp->oidx[p];
            if (ip == KL_UNSEEN || ip >= iv || !kl_i_len_equal(sp->dist[p] + 1.0 / g->w[e], sp->dist[v]))
                continue;
            acc += sp->sigma[ip];
            pick = p;
            if (acc > target)
                break;
        }
        if (pick == KL_UNSEEN)
            return; /* cannot happen: v was reached through a predecessor */
        v = pick;
    }
}

static void worker_unit(void *ctx, uint32_t k)
{
    worker_t *w = (worker_t *)ctx + k;
    job_t *job = w->job;
    const pairset_t *ps = job->ps;
    for (;;) {
        uint64_t first = atomic_fetch_add(&job->next, KL_SAMPLE_CHUNK);
        if (first >= job->r || w->failed)
            return;
        uint64_t last = first + KL_SAMPLE_CHUNK < job->r ? first + KL_SAMPLE_CHUNK : job->r;
        for (uint64_t i = first; i < last; i++) {
            uint64_t rng = job->seed ^ (i * 0xD1B54A32D192ED03ull);
            kl_i_splitmix64(&rng);
            uint64_t x = below(&rng, ps->total);
            uint32_t lo = 0, hi = ps->n_cand - 1;
            while (lo < hi) { /* first candidate with cum > x */
                uint32_t mid = lo + (hi - lo) / 2;
                if (ps->cum[mid] > x)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            const uint32_t *rg = &ps->range[4 * (size_t)lo];
            uint64_t span = (uint64_t)(rg[1] - rg[0]) - (rg[3] - rg[2]);
            uint32_t j = rg[0] + (uint32_t)below(&rng, span);
            if (j >= rg[2])
                j += rg[3] - rg[2];
            uint32_t s = ps->cand[lo], t = ps->tgt[j];
            if (job->s->weighted)
                sample_weighted(w, s, t, &rng);
            else
                sample_hops(w, s, t, &rng);
        }
    }
}

kl_err kl_sampler_run(const kl_sampler_t *s, kl_pairset_kind kind, const int32_t *region, int32_t a, int32_t b,
                      uint64_t r, uint64_t seed, double *hits, double *pairs)
{
    uint32_t n = s->g->n;
    memset(hits, 0, (size_t)n * sizeof *hits);
    *pairs = 0;
    if (kind != KL_PAIRS_CONNECTED && !region)
        return KL_EINVAL;
    pairset_t ps;
    kl_err rc = pairset_build(&ps, s, kind, region, a, b);
    if (rc != KL_OK)
        return rc;
    /* each unordered pair was counted from both ends, except between two
     * regions, where s is always the end in a */
    *pairs = kind == KL_PAIRS_BETWEEN ? (double)ps.total : (double)ps.total / 2;
    if (ps.total == 0 || r == 0) {
        pairset_free(&ps);
        return KL_OK;
    }
    job_t job = {s, &ps, r, seed, 0};
    atomic_init(&job.next, 0);
    uint64_t chunks = (r + KL_SAMPLE_CHUNK - 1) / KL_SAMPLE_CHUNK;
    long want = kl_i_pool_threads(s->threads, chunks < KL_SAMPLE_MAX_THREADS ? (uint32_t)chunks : KL_SAMPLE_MAX_THREADS);
    worker_t *w = calloc((size_t)want, sizeof *w);
    rc = KL_ENOMEM;
    if (!w)
        goto cleanup;
    for (long k = 0; k < want; k++)
        if (worker_init(&w[k], &job) != KL_OK)
            goto cleanup;
    /* one unit per worker; each takes chunks of samples from job.next */
    kl_i_pool_run((uint32_t)want, (int)want, worker_unit, w);
    rc = KL_OK;
    for (long k = 0; k < want; k++) {
        if (w[k].failed)
            rc = KL_ENOMEM;
        for (uint32_t v = 0; v < n; v++)
            hits[v] += w[k].hits[v];
    }
cleanup:
    if (w)
        for (long k = 0; k < want; k++)
            worker_free(&w[k]);
    free(w);
    pairset_free(&ps);
    return rc;
}

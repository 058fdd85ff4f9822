/* pipeline/trend.c - `kluster trend`: one analysis per period of time from
 * one loaded dataset, each through the same stages as `kluster analyze
 * --from --to`, and what changed from each period to the next. */
#include "pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ periods */

/* One item: YYYY, YYYY-YYYY or DATE..DATE.  0, -1 malformed, -2 backwards. */
static int parse_period(const char *item, kl_period_t *p)
{
    char a[64], b[64];
    size_t len = strlen(item);
    const char *dots = strstr(item, "..");
    if (len >= sizeof a)
        return -1;
    if (dots) {
        size_t la = (size_t)(dots - item);
        memcpy(a, item, la);
        a[la] = '\0';
        snprintf(b, sizeof b, "%s", dots + 2);
    } else if (len == 9 && item[4] == '-') {
        memcpy(a, item, 4);
        a[4] = '\0';
        snprintf(b, sizeof b, "%s", item + 5);
    } else {
        snprintf(a, sizeof a, "%s", item);
        snprintf(b, sizeof b, "%s", item);
    }
    if (kl_date_parse(a, 0, &p->from) < 0 || kl_date_parse(b, 1, &p->to) < 0)
        return -1;
    return p->from > p->to ? -2 : 0;
}

int kl_periods_parse(const char *text, kl_period_t **out, uint32_t *n, char *msg, size_t size)
{
    *out = NULL;
    *n = 0;
    size_t cap = 1;
    for (const char *s = text; *s; s++)
        cap += *s == ',';
    kl_period_t *p = malloc(cap * sizeof *p);
    if (!p) {
        snprintf(msg, size, "out of memory");
        return -1;
    }
    uint32_t k = 0;
    const char *s = text;
    for (;;) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        while (len && (*s == ' ' || *s == '\t'))
            s++, len--;
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        char item[64];
        snprintf(item, sizeof item, "%.*s", (int)(len < 63 ? len : 63), s);
        int rc = len == 0 ? -1 : len > 40 ? -1 : parse_period(item, &p[k]);
        if (rc == -1) {
            snprintf(msg, size,
                     len == 0 ? "empty period in '%s': give YYYY, YYYY-YYYY or DATE..DATE, separated by commas"
                              : "bad period '%s': give YYYY, YYYY-YYYY or DATE..DATE (DATE: YYYY or YYYY-MM-DD)",
                     len == 0 ? text : item);
            free(p);
            return -1;
        }
        if (rc == -2) {
            snprintf(msg, size, "period '%s' ends before it starts", item);
            free(p);
            return -1;
        }
        if (k > 0 && p[k].from <= p[k - 1].from) {
            snprintf(msg, size, "periods must be in time order: '%s' does not start after the period before it",
                     item);
            free(p);
            return -1;
        }
        k++;
        if (!end)
            break;
        s = end + 1;
    }
    *out = p;
    *n = k;
    return 0;
}

int kl_periods_every(int first, int last, uint32_t every, kl_period_t **out, uint32_t *n)
{
    *out = NULL;
    *n = 0;
    if (first > last || every == 0)
        return -1;
    uint32_t k = (uint32_t)((last - first) / (int)every + 1);
    kl_period_t *p = malloc(k * sizeof *p);
    if (!p)
        return -1;
    for (uint32_t i = 0; i < k; i++) {
        int y = first + (int)(i * every), z = y + (int)every - 1;
        p[i].from = y * 10000 + 101;
        p[i].to = (z < last ? z : last) * 10000 + 1231;
    }
    *out = p;
    *n = k;
    return 0;
}

int kl_dataset_years(const kl_dataset_t *ds, int *first, int *last)
{
    int lo = 0, hi = 0, any = 0;
    for (uint32_t i = 0; i < ds->n_relations; i++) {
        int32_t d[2] = {ds->relations[i].start, ds->relations[i].end};
        for (int j = 0; j < 2; j++) {
            if (d[j] == KL_DATE_MIN || d[j] == KL_DATE_MAX)
                continue;
            int y = d[j] / 10000;
            lo = any && lo < y ? lo : y;
            hi = any && hi > y ? hi : y;
            any = 1;
        }
    }
    *first = lo;
    *last = hi;
    return any ? 0 : -1;
}

/* -------------------------------------------------------- one period */

/* The period's numbers, copied out of the run before its graph goes. */
static kl_err take_period(kl_trend_period_t *P, const kl_run_t *run, uint32_t top)
{
    const kl_agraph_t *g = &run->g;
    const kl_analysis_t *res = &run->metrics;
    const kl_regions_t *rg = &run->regions;
    uint32_t n = g->n;
    P->nodes = n;
    P->edges = g->csr.m;
    P->components = res->components;
    P->largest_component = res->largest_component;
    P->active = n - res->isolated;
    P->cross_pairs = res->region_pairs;
    P->sampled = run->sampling.method == KL_BETWEENNESS_SOURCES ? 1 : run->sampling.method == KL_BETWEENNESS_PAIRS ? 2 : 0;
    P->samples = P->sampled == 1 ? res->options.samples : P->sampled == 2 ? res->pair_samples : 0;
    P->epsilon = P->sampled == 2 ? res->options.epsilon : 0;
    P->delta = P->sampled == 2 ? res->options.delta : 0;
    for (uint32_t r = 0; r < rg->n_regions; r++)
        P->regions += rg->regions[r].actors > 0;

    uint32_t *slot = malloc(((size_t)n + 1) * sizeof *slot); /* vertex -> index into actors */
    uint32_t *ranked = malloc(((size_t)n + 1) * sizeof *ranked);
    P->actors = malloc(((size_t)P->active + 1) * sizeof *P->actors);
    P->top = malloc(((size_t)top + 1) * sizeof *P->top);
    P->pairs = calloc((size_t)rg->n_pairs + 1, sizeof *P->pairs);
    if (!slot || !ranked || !P->actors || !P->top || !P->pairs) {
        free(slot);
        free(ranked);
        return KL_ENOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = res->order[i];
        slot[v] = UINT32_MAX;
        if (res->degree[v] == 0)
            continue;
        slot[v] = P->n_actors;
        P->actors[P->n_actors++] = (kl_trend_actor_t){g->vertex_entity[v], g->vertex_region[v], res->degree[v], res->betweenness[v],
                                                      res->irb[v], res->irb_share[v], 0};
    }
    /* The reports' order: irb descending, then actor id (an actor with
     * irb > 0 has a tie). */
    uint32_t n_ranked = kl_agraph_rank_by(g, &run->ds, res->irb, ranked);
    for (uint32_t k = 0; k < n_ranked; k++) {
        P->actors[slot[ranked[k]]].rank = k + 1;
        if (k < top)
            P->top[P->n_top++] = slot[ranked[k]];
    }
    free(ranked);

    for (uint32_t p = 0; p < rg->n_pairs; p++) {
        const kl_region_pair_t *rp = &rg->pairs[p];
        kl_trend_pair_t *q = &P->pairs[P->n_pairs++];
        *q = (kl_trend_pair_t){rp->a, rp->b, rp->connected, rp->direct_ties, rp->distance, rp->actor_pairs,
                               rp->links, rp->has_brokers, UINT32_MAX, NAN, NULL, 0};
        if (rp->n_brokers) {
            q->top_broker = g->vertex_entity[rp->brokers[0].vertex];
            q->top_share = rp->brokers[0].share;
        }
        if (rp->n_cut) {
            if (!(q->cut = malloc(rp->n_cut * sizeof *q->cut))) {
                free(slot);
                return KL_ENOMEM;
            }
            for (uint32_t j = 0; j < rp->n_cut; j++)
                q->cut[j] = g->vertex_entity[rp->cut[j]];
            q->n_cut = rp->n_cut;
        }
        P->pairs_connected += rp->connected != 0;
        P->pairs_fragile += rp->n_cut > 0;
    }
    free(slot);
    return KL_OK;
}

static int cmp_move(const void *x, const void *y)
{
    const kl_trend_move_t *a = x, *b = y;
    /* in the top now first, by rank; then those that left, by rank before */
    uint32_t ka = a->after ? a->after : UINT32_MAX, kb = b->after ? b->after : UINT32_MAX;
    if (ka != kb)
        return ka < kb ? -1 : 1;
    return (a->before > b->before) - (a->before < b->before);
}

/* What changed from B (before) to A.  rank_of: scratch of ds->n_entities. */
static kl_err take_changes(kl_trend_period_t *A, const kl_trend_period_t *B, uint32_t *rank_of, uint32_t n_entities,
                           uint32_t n_regions)
{
    memset(rank_of, 0, (size_t)n_entities * sizeof *rank_of);
    A->moves = malloc(((size_t)A->n_top + B->n_top + 1) * sizeof *A->moves);
    if (!A->moves)
        return KL_ENOMEM;
    for (uint32_t k = 0; k < B->n_top; k++)
        rank_of[B->actors[B->top[k]].entity] = k + 1;
    for (uint32_t k = 0; k < A->n_top; k++) {
        uint32_t e = A->actors[A->top[k]].entity;
        A->moves[A->n_moves++] = (kl_trend_move_t){e, rank_of[e], k + 1};
        rank_of[e] = UINT32_MAX; /* seen */
    }
    for (uint32_t k = 0; k < B->n_top; k++) {
        uint32_t e = B->actors[B->top[k]].entity;
        if (rank_of[e] != UINT32_MAX)
            A->moves[A->n_moves++] = (kl_trend_move_t){e, k + 1, 0};
    }
    qsort(A->moves, A->n_moves, sizeof *A->moves, cmp_move);

    /* Pairs by (a, b): the vertex set does not change with the window, so
     * the lists match, but nothing here relies on it. */
    size_t cells = (size_t)n_regions * n_regions;
    uint32_t *before = malloc((cells ? cells : 1) * sizeof *before);
    size_t np = A->n_pairs + 1;
    A->gained = malloc(np * sizeof *A->gained);
    A->lost = malloc(np * sizeof *A->lost);
    A->fragile = malloc(np * sizeof *A->fragile);
    A->mended = malloc(np * sizeof *A->mended);
    if (!before || !A->gained || !A->lost || !A->fragile || !A->mended) {
        free(before);
        return KL_ENOMEM;
    }
    for (size_t i = 0; i < cells; i++)
        before[i] = UINT32_MAX;
    for (uint32_t p = 0; p < B->n_pairs; p++)
        before[(size_t)B->pairs[p].a * n_regions + B->pairs[p].b] = p;
    for (uint32_t p = 0; p < A->n_pairs; p++) {
        const kl_trend_pair_t *a = &A->pairs[p];
        uint32_t q = before[(size_t)a->a * n_regions + a->b];
        int was = q != UINT32_MAX && B->pairs[q].connected, was_fragile = q != UINT32_MAX && B->pairs[q].n_cut > 0;
        if (a->connected && !was)
            A->gained[A->n_gained++] = p;
        if (!a->connected && was)
            A->lost[A->n_lost++] = p;
        if (a->n_cut > 0 && !was_fragile)
            A->fragile[A->n_fragile++] = p;
        if (a->connected && a->n_cut == 0 && was_fragile)
            A->mended[A->n_mended++] = p;
    }
    free(before);
    return KL_OK;
}

/* ------------------------------------------------------------- trend */

void kl_trend_destroy(kl_trend_t *t)
{
    for (uint32_t i = 0; t->periods && i < t->n_periods; i++) {
        kl_trend_period_t *P = &t->periods[i];
        for (uint32_t p = 0; P->pairs && p < P->n_pairs; p++)
            free(P->pairs[p].cut);
        free(P->actors);
        free(P->top);
        free(P->pairs);
        free(P->moves);
        free(P->gained);
        free(P->lost);
        free(P->fragile);
        free(P->mended);
    }
    free(t->periods);
    memset(t, 0, sizeof *t);
}

kl_err kl_trend_run(kl_trend_t *t, kl_run_t *run, const kl_run_options_t *opt, const kl_period_t *periods,
                    uint32_t n, int cumulative, uint32_t top,
                    void (*on_period)(uint32_t i, uint32_t n, const kl_period_t *p, void *ctx), void *ctx,
                    kl_error_t *err)
{
    memset(t, 0, sizeof *t);
    t->ds = &run->ds;
    t->graph = opt->graph;
    t->weighted = opt->weighted;
    t->cumulative = cumulative;
    t->seed = opt->seed;
    t->top = top;
    t->periods = calloc((size_t)n + 1, sizeof *t->periods);
    uint32_t *rank_of = malloc(((size_t)run->ds.n_entities + 1) * sizeof *rank_of);
    if (!t->periods || !rank_of) {
        free(rank_of);
        return kl_error_set(err, KL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    /* What a period's numbers need; Gould-Fernandez brokerage is not among
     * them, and leaving it out changes none of the others. */
    kl_run_options_t o = *opt;
    o.parts = KL_RUN_METRICS | KL_RUN_REGIONS | KL_RUN_PAIR_BROKERS;
    kl_err rc = KL_OK;
    for (uint32_t i = 0; i < n && rc == KL_OK; i++) {
        kl_period_t p = {cumulative ? periods[0].from : periods[i].from, periods[i].to};
        if (on_period)
            on_period(i, n, &p, ctx);
        o.graph.from = p.from;
        o.graph.to = p.to;
        kl_run_unbuild(run);
        kl_trend_period_t *P = &t->periods[t->n_periods++];
        P->from = p.from;
        P->to = p.to;
        if ((rc = kl_run_build(run, &o, err)) != KL_OK || (rc = kl_run_analyse(run, &o, err)) != KL_OK)
            break;
        if ((rc = take_period(P, run, top)) == KL_OK && i > 0)
            rc = take_changes(P, &t->periods[i - 1], rank_of, run->ds.n_entities, run->ds.n_regions);
        if (rc != KL_OK)
            kl_error_set(err, rc, NULL, 0, 0, "out of memory");
    }
    kl_run_unbuild(run);
    free(rank_of);
    return rc;
}

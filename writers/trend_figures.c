/* writers/trend_figures.c - a trend's numbers as the figures read them
 * (kl_viz_trend_t): the brokers' lines, each region's actors and the
 * region pairs' links, period by period.  The one place that decides which
 * brokers a chart shows, for `kluster trend` and `kluster batch` alike. */
#include "writers_internal.h"

#include "../i18n/i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t entity, periods_in_top, best, order;
    double sum;
} candidate_t;

static int cmp_entity(const void *x, const void *y)
{
    const candidate_t *a = x, *b = y;
    /* then in period order: each broker's shares are summed in time order */
    if (a->entity != b->entity)
        return a->entity < b->entity ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Most periods in the top first, then the best rank, the larger summed
 * share, the id. */
static int cmp_candidate(const void *x, const void *y, void *ctx)
{
    const candidate_t *a = x, *b = y;
    const kl_dataset_t *ds = ctx;
    if (a->periods_in_top != b->periods_in_top)
        return a->periods_in_top > b->periods_in_top ? -1 : 1;
    if (a->best != b->best)
        return a->best < b->best ? -1 : 1;
    if (a->sum != b->sum)
        return a->sum > b->sum ? -1 : 1;
    return strcmp(ds->entities[a->entity].id, ds->entities[b->entity].id);
}

/* The period's actor of this entity, or NULL (actors are sorted by id). */
static const kl_trend_actor_t *find_actor(const kl_dataset_t *ds, const kl_trend_period_t *P, uint32_t entity)
{
    const char *id = ds->entities[entity].id;
    uint32_t lo = 0, hi = P->n_actors;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ds->entities[P->actors[mid].entity].id, id);
        if (c == 0)
            return &P->actors[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int kl_trend_figure_init(kl_trend_figure_t *f, const kl_trend_t *t)
{
    memset(f, 0, sizeof *f);
    const kl_dataset_t *ds = t->ds;
    uint32_t np = t->n_periods, nr = ds->n_regions;
    size_t n_links = 0, n_cand = 0;
    for (uint32_t p = 0; p < np; p++) {
        n_cand += t->periods[p].n_top;
        for (uint32_t k = 0; k < t->periods[p].n_pairs; k++)
            n_links += t->periods[p].pairs[k].links > 0;
    }
    candidate_t *cand = malloc((n_cand + 1) * sizeof *cand);
    f->labels = kl_i_trend_labels(t);
    f->label = malloc(((size_t)np + 1) * sizeof *f->label);
    f->region_actors = calloc((size_t)np * nr + 1, sizeof *f->region_actors);
    f->links = malloc((n_links + 1) * sizeof *f->links);
    if (!cand || !f->labels || !f->label || !f->region_actors || !f->links)
        goto fail;
    for (uint32_t p = 0; p < np; p++)
        f->label[p] = f->labels[p];

    /* the brokers: every one in a period's top, once (sorted by entity,
     * then merged) */
    size_t nc = 0;
    for (uint32_t p = 0; p < np; p++) {
        const kl_trend_period_t *P = &t->periods[p];
        for (uint32_t k = 0; k < P->n_top; k++) {
            const kl_trend_actor_t *a = &P->actors[P->top[k]];
            cand[nc] = (candidate_t){a->entity, 1, a->rank, (uint32_t)nc, a->irb_share};
            nc++;
        }
    }
    qsort(cand, nc, sizeof *cand, cmp_entity);
    size_t merged = 0;
    for (size_t c = 0; c < nc; c++) {
        if (merged && cand[merged - 1].entity == cand[c].entity) {
            candidate_t *m = &cand[merged - 1];
            m->periods_in_top++;
            m->best = cand[c].best < m->best ? cand[c].best : m->best;
            m->sum += cand[c].sum;
        } else {
            cand[merged++] = cand[c];
        }
    }
    nc = merged;
    qsort_r(cand, nc, sizeof *cand, cmp_candidate, (void *)ds);
    uint32_t lines = t->top < KL_VIZ_TREND_LINES ? t->top : KL_VIZ_TREND_LINES;
    uint32_t ns = nc < lines ? (uint32_t)nc : lines;
    f->series = calloc((size_t)ns + 1, sizeof *f->series);
    f->share = malloc(((size_t)ns * np + 1) * sizeof *f->share);
    f->rank = calloc((size_t)ns * np + 1, sizeof *f->rank);
    if (!f->series || !f->share || !f->rank)
        goto fail;
    for (uint32_t s = 0; s < ns; s++) {
        double *share = f->share + (size_t)s * np;
        uint32_t *rank = f->rank + (size_t)s * np;
        int32_t region = -1;
        for (uint32_t p = 0; p < np; p++) {
            const kl_trend_actor_t *a = find_actor(ds, &t->periods[p], cand[s].entity);
            share[p] = a ? a->irb_share : NAN;
            rank[p] = a ? a->rank : 0;
            if (a && region < 0)
                region = a->region;
        }
        f->series[s] = (kl_viz_series_t){cand[s].entity, region, share, rank};
    }

    /* the maps: actors per region, links per pair */
    size_t nl = 0;
    int sampled = 0;
    for (uint32_t p = 0; p < np; p++) {
        const kl_trend_period_t *P = &t->periods[p];
        sampled |= P->sampled != 0;
        for (uint32_t k = 0; k < P->n_actors; k++)
            if (P->actors[k].region >= 0)
                f->region_actors[(size_t)p * nr + (uint32_t)P->actors[k].region]++;
        for (uint32_t k = 0; k < P->n_pairs; k++)
            if (P->pairs[k].links > 0)
                f->links[nl++] = (kl_viz_link_t){p, P->pairs[k].a, P->pairs[k].b, P->pairs[k].links};
    }
    f->fig = (kl_viz_trend_t){np, f->label, f->series, ns, f->region_actors, f->links, (uint32_t)nl,
                              sampled ? _("Shares of sampled periods are estimates.") : NULL};
    free(cand);
    return 0;
fail:
    free(cand);
    kl_trend_figure_destroy(f);
    return -1;
}

void kl_trend_figure_destroy(kl_trend_figure_t *f)
{
    free(f->labels);
    free(f->label);
    free(f->series);
    free(f->share);
    free(f->rank);
    free(f->region_actors);
    free(f->links);
    memset(f, 0, sizeof *f);
}
